//! The loop search itself: the hop graph relabelled in id order (`Net`) and the blocking
//! depth-first search over it (`Search`): Johnson's algorithm without a length bound,
//! Gupta–Suzumura's bounded blocking with one, both on explicit stacks.

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::ops::ControlFlow;
use std::time::Instant;

use super::time_order::{HopTimes, time_ordered};
use super::{CycleOptions, SearchEnd, Undated};
use crate::graph::{HopGraph, HopId, MoneyGraph};
use crate::model::EntityId;
use crate::query::components::Tarjan;

const INF: u32 = u32::MAX;

/// The visitor of [`cycles`](super::cycles), behind a reference inside the search.
type Visitor<'v> = dyn FnMut(&[EntityId], &[HopId]) -> ControlFlow<()> + 'v;

/// One hop as the search sees it.
#[derive(Clone, Copy, Debug)]
struct Arc {
    to: u32,
    hop: HopId,
    /// The hop can count as the loop's financing (in time-ordered mode: as its start).
    financing: bool,
}

/// The hop graph relabelled for the search: entities that take part in a usable hop, numbered
/// in id-string order, with forward and reverse compressed adjacency.
pub(super) struct Net {
    entity: Vec<EntityId>,
    out_start: Vec<u32>,
    out: Vec<Arc>,
    in_start: Vec<u32>,
    /// `(from, financing)` of each incoming arc.
    inc: Vec<(u32, bool)>,
    /// By hop index; empty unless time order is asked for.
    times: Vec<HopTimes>,
    /// Local indices of the `through` entities, sorted and deduplicated.
    through: Vec<u32>,
    /// A `through` entity has no usable hop, so nothing can match.
    through_missing: bool,
}

impl Net {
    pub(super) fn build(graph: &MoneyGraph<'_>, hops: &HopGraph, opts: &CycleOptions) -> Net {
        Net::build_within(graph, hops, opts, &|_| true)
    }

    /// As [`Net::build`] on the hops (by index) that `keep` accepts: the loops found are then
    /// exactly the matching loops made of those hops alone.
    pub(super) fn build_within(
        graph: &MoneyGraph<'_>,
        hops: &HopGraph,
        opts: &CycleOptions,
        keep: &dyn Fn(usize) -> bool,
    ) -> Net {
        let data = graph.dataset();
        let times: Vec<HopTimes> = if opts.time_ordered {
            hops.hops().map(|h| HopTimes::of(graph, &h)).collect()
        } else {
            Vec::new()
        };
        let usable = |i: usize| {
            keep(i)
                && (!opts.time_ordered || opts.undated == Undated::Ok || !times[i].dated.is_empty())
        };
        let n_all = hops.entity_count();
        let mut present = vec![false; n_all];
        for (i, h) in hops.hops().enumerate() {
            if h.from != h.to && usable(i) {
                present[h.from.index()] = true;
                present[h.to.index()] = true;
            }
        }
        let mut entity: Vec<EntityId> = (0..n_all)
            .filter(|&i| present[i])
            .map(|i| EntityId(i as u32))
            .collect();
        entity.sort_by(|a, b| data.entity(*a).id.cmp(&data.entity(*b).id));
        let mut local = vec![INF; n_all];
        for (i, e) in entity.iter().enumerate() {
            local[e.index()] = i as u32;
        }
        let mut arcs: Vec<(u32, Arc)> = Vec::new();
        for (i, h) in hops.hops().enumerate() {
            if h.from == h.to || !usable(i) {
                continue;
            }
            let financing = if opts.time_ordered {
                times[i].can_start_financing(opts.undated)
            } else {
                h.deals.iter().any(|&d| data.deal(d).kind().is_financing())
            };
            arcs.push((
                local[h.from.index()],
                Arc {
                    to: local[h.to.index()],
                    hop: HopId(i as u32),
                    financing,
                },
            ));
        }
        arcs.sort_unstable_by_key(|&(from, a)| (from, a.to));
        let n = entity.len();
        let mut out_start = vec![0u32; n + 1];
        let mut in_start = vec![0u32; n + 1];
        for &(from, a) in &arcs {
            out_start[from as usize + 1] += 1;
            in_start[a.to as usize + 1] += 1;
        }
        for i in 0..n {
            out_start[i + 1] += out_start[i];
            in_start[i + 1] += in_start[i];
        }
        let out: Vec<Arc> = arcs.iter().map(|&(_, a)| a).collect();
        let mut fill = in_start.clone();
        let mut inc = vec![(0u32, false); arcs.len()];
        for &(from, a) in &arcs {
            let slot = &mut fill[a.to as usize];
            inc[*slot as usize] = (from, a.financing);
            *slot += 1;
        }
        let mut through = Vec::new();
        let mut through_missing = false;
        for t in &opts.through {
            match local.get(t.index()) {
                Some(&l) if l != INF => through.push(l),
                _ => through_missing = true,
            }
        }
        through.sort_unstable();
        through.dedup();
        Net {
            entity,
            out_start,
            out,
            in_start,
            inc,
            times,
            through,
            through_missing,
        }
    }

    fn len(&self) -> usize {
        self.entity.len()
    }

    fn out_arcs(&self, v: u32) -> &[Arc] {
        &self.out[self.out_start[v as usize] as usize..self.out_start[v as usize + 1] as usize]
    }

    fn in_arcs(&self, v: u32) -> &[(u32, bool)] {
        &self.inc[self.in_start[v as usize] as usize..self.in_start[v as usize + 1] as usize]
    }
}

/// One level of the explicit depth-first stack.
#[derive(Clone, Copy, Debug)]
struct Frame {
    v: u32,
    next: u32,
    end: u32,
    /// Bounded search: shortest distance back to the start found below (the bound = none).
    blen: u32,
    /// Unbounded search: a loop (or a pruned branch that might hold one) was found below.
    closed: bool,
    /// The arc into `v` is a financing hop.
    financing: bool,
}

/// Search state, allocated once and reset per start vertex (only what was touched).
pub(super) struct Search<'n> {
    net: &'n Net,
    opts: &'n CycleOptions,
    bound: Option<u32>,
    /// Bounded search: the strongly connected component of each vertex (`INF` if alone).
    comp: Vec<u32>,
    tarjan: Tarjan,
    /// Forward distance from the start (within the alive part of its component).
    dist_from: Vec<u32>,
    /// Distance back to the start.
    dist_to: Vec<u32>,
    /// Shortest walk back to the start that takes a financing hop.
    dist_to_financed: Vec<u32>,
    dist_to_financed_done: Vec<u32>,
    /// Per `through` entity: distance to it.
    dist_to_through: Vec<Vec<u32>>,
    touched: Vec<u32>,
    region: Vec<u32>,
    region_list: Vec<u32>,
    stamp: u32,
    lock: Vec<u32>,
    blocked: Vec<bool>,
    blist: Vec<Vec<u32>>,
    on_path: Vec<bool>,
    is_through: Vec<bool>,
    path: Vec<u32>,
    path_hops: Vec<HopId>,
    frames: Vec<Frame>,
    entities: Vec<EntityId>,
    queue: std::collections::VecDeque<(u32, bool)>,
    relax: Vec<(u32, u32)>,
    ticks: u32,
    /// `(part, parts)`: explore only the first hops out of each start whose position among
    /// the start's arcs is `part` modulo `parts`, so that threads can share one start's
    /// loops. `(0, 1)`: all of them.
    pub(super) first_arcs: (u32, u32),
    /// Explore only first hops whose index among all the net's arcs (ordered by start) lies
    /// in `lo..hi` ([`Search::run_arcs`]).
    arc_range: (u32, u32),
}

impl<'n> Search<'n> {
    pub(super) fn new(net: &'n Net, opts: &'n CycleOptions) -> Search<'n> {
        let n = net.len();
        let mut is_through = vec![false; n];
        for &t in &net.through {
            is_through[t as usize] = true;
        }
        Search {
            net,
            opts,
            bound: opts.max_len.map(|l| l.min(u32::MAX as usize - 2) as u32),
            comp: Vec::new(),
            tarjan: Tarjan::new(n),
            dist_from: vec![INF; n],
            dist_to: vec![INF; n],
            dist_to_financed: vec![INF; n],
            dist_to_financed_done: vec![INF; n],
            dist_to_through: vec![vec![INF; n]; net.through.len()],
            touched: Vec::new(),
            region: vec![0; n],
            region_list: Vec::new(),
            stamp: 0,
            lock: vec![0; n],
            blocked: vec![false; n],
            blist: vec![Vec::new(); n],
            on_path: vec![false; n],
            is_through,
            path: Vec::new(),
            path_hops: Vec::new(),
            frames: Vec::new(),
            entities: Vec::new(),
            queue: std::collections::VecDeque::new(),
            relax: Vec::new(),
            ticks: 0,
            first_arcs: (0, 1),
            arc_range: (0, u32::MAX),
        }
    }

    fn timed_out(&self) -> bool {
        self.opts.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Whether any loop can match at all (a bound of at least 2 and `min_len`, every
    /// `through` entity in the net).
    fn can_match(&self) -> bool {
        !(self.bound.is_some_and(|l| l < 2)
            || self.opts.min_len > self.bound.map_or(usize::MAX, |l| l as usize)
            || self.net.through_missing)
    }

    /// The strongly connected components of the whole net.
    fn all_components(&mut self) -> Vec<Vec<u32>> {
        let everyone: Vec<u32> = (0..self.net.len() as u32).collect();
        self.mark(&everyone);
        self.components(&everyone)
    }

    pub(super) fn run(&mut self, visit: &mut Visitor<'_>) -> SearchEnd {
        if !self.can_match() {
            return SearchEnd::Complete;
        }
        let components = self.all_components();
        match self.bound {
            Some(_) => {
                self.set_components(components);
                self.run_starts(0, self.net.len() as u32, visit)
            }
            None => self.run_unbounded(components, visit),
        }
    }

    /// How many arcs the net has: [`Search::run_arcs`] takes ranges of them.
    pub(super) fn arc_count(&self) -> u32 {
        self.net.out.len() as u32
    }

    /// Bounded search only: the loops whose first hop is one of the arcs `lo..hi` of the net
    /// (ordered by start, then head), in the order [`Search::run`] finds them. The loops of
    /// consecutive ranges, put one after the other, are those of [`Search::run`] in its
    /// order, so ranges can be searched on different threads. The first call works out the
    /// components (`O(n + e)`).
    pub(super) fn run_arcs(&mut self, lo: u32, hi: u32, visit: &mut Visitor<'_>) -> SearchEnd {
        if self.bound.is_none() || !self.can_match() || lo >= hi {
            return SearchEnd::Complete;
        }
        if self.comp.is_empty() {
            let components = self.all_components();
            self.set_components(components);
        }
        let start = self.net.out_start.partition_point(|&a| a <= lo) as u32 - 1;
        let end = self.net.out_start.partition_point(|&a| a < hi) as u32;
        self.arc_range = (lo, hi);
        let found = self.run_starts(start, end.min(self.net.len() as u32), visit);
        self.arc_range = (0, u32::MAX);
        found
    }

    /// Bounded search: `comp` from the components.
    fn set_components(&mut self, components: Vec<Vec<u32>>) {
        self.comp = vec![INF; self.net.len()];
        for (i, c) in components.iter().enumerate() {
            for &v in c {
                self.comp[v as usize] = i as u32;
            }
        }
    }

    /// Bounded search: from each start `s` in `from..to`, in id order, over the entities within
    /// reach of a closed walk of at most `L` hops through `s` in its component (entities
    /// before `s` are done). The work per start stays local to the start's neighbourhood.
    fn run_starts(&mut self, from: u32, to: u32, visit: &mut Visitor<'_>) -> SearchEnd {
        let first_through = self.net.through.first().copied();
        for s in from..to {
            if first_through.is_some_and(|t| s > t) {
                break;
            }
            if self.comp[s as usize] == INF {
                continue;
            }
            if self.timed_out() {
                return SearchEnd::TimedOut;
            }
            if let ControlFlow::Break(end) = self.search_from(s, visit) {
                return end;
            }
        }
        SearchEnd::Complete
    }

    /// Unbounded search (Johnson): take the component with the smallest start `s`, find the
    /// loops through `s` in it, then split the component without `s` into strongly connected
    /// components again and carry on with those.
    fn run_unbounded(&mut self, components: Vec<Vec<u32>>, visit: &mut Visitor<'_>) -> SearchEnd {
        let mut work: BinaryHeap<Reverse<(u32, Vec<u32>)>> =
            components.into_iter().map(|c| Reverse((c[0], c))).collect();
        let first_through = self.net.through.first().copied();
        while let Some(Reverse((s, component))) = work.pop() {
            if first_through.is_some_and(|t| s > t) {
                break;
            }
            if self.timed_out() {
                return SearchEnd::TimedOut;
            }
            self.region_list.clear();
            self.region_list.extend_from_slice(&component);
            self.mark(&component);
            // Requirements that fail for a component fail for every part of it too.
            if !self.worth_searching() {
                continue;
            }
            let flow = self.search(s, None, visit);
            for &v in &component {
                self.blocked[v as usize] = false;
                self.blist[v as usize].clear();
            }
            if let ControlFlow::Break(end) = flow {
                return end;
            }
            let rest = &component[1..];
            self.mark(rest);
            for c in self.components(rest) {
                work.push(Reverse((c[0], c)));
            }
        }
        SearchEnd::Complete
    }

    /// Makes `vertices` the current region.
    fn mark(&mut self, vertices: &[u32]) {
        self.stamp += 1;
        for &v in vertices {
            self.region[v as usize] = self.stamp;
        }
    }

    /// The strongly connected components of the current region with two or more entities,
    /// each sorted (`vertices` lists the region).
    fn components(&mut self, vertices: &[u32]) -> Vec<Vec<u32>> {
        let (net, region, stamp) = (self.net, &self.region, self.stamp);
        let mut found = Vec::new();
        self.tarjan.run(
            &net.out_start,
            |i| net.out[i].to,
            vertices.iter().copied(),
            |w| region[w as usize] == stamp,
            |members| {
                if members.len() >= 2 {
                    let mut component = members.to_vec();
                    component.sort_unstable();
                    found.push(component);
                }
            },
        );
        found
    }

    /// Breadth-first distances from (`forward`) or to `s` over alive vertices (same component,
    /// not before `s`), up to `limit` hops. Fills `dist_from` or `dist_to`. Forward, after
    /// `dist_to`, it goes on only from vertices that can still get back within the bound in
    /// all: every vertex of a short enough closed walk is reached by a shortest path of such
    /// vertices, so the distances that decide the region are the same, and the search from a
    /// hub no longer floods the whole component.
    fn bfs_alive(&mut self, s: u32, forward: bool, limit: u32) {
        let total = self.bound.unwrap_or(INF);
        let net = self.net;
        let comp = &self.comp;
        let c = comp[s as usize];
        let (dist, back) = if forward {
            (&mut self.dist_from, Some(&self.dist_to))
        } else {
            (&mut self.dist_to, None)
        };
        let queue = &mut self.queue;
        let touched = &mut self.touched;
        dist[s as usize] = 0;
        touched.push(s);
        queue.clear();
        queue.push_back((s, false));
        while let Some((v, _)) = queue.pop_front() {
            let d = dist[v as usize];
            if d >= limit {
                continue;
            }
            let mut step = |w: u32| {
                if w >= s && comp[w as usize] == c && dist[w as usize] == INF {
                    dist[w as usize] = d + 1;
                    touched.push(w);
                    let hopeless = back.is_some_and(|t| {
                        let t = t[w as usize];
                        t == INF || (d + 1).saturating_add(t) > total
                    });
                    if !hopeless {
                        queue.push_back((w, false));
                    }
                }
            };
            if forward {
                net.out_arcs(v).iter().for_each(|a| step(a.to));
            } else {
                net.in_arcs(v).iter().for_each(|&(u, _)| step(u));
            }
        }
    }

    /// After [`Search::bfs_alive`] backwards (or `forward`) to `limit − 1` hops: the distance
    /// back (from `s`) of each alive first hop out of `s` (last hop into it) that is `limit`
    /// hops away, from its successors' (predecessors') distances. On a closed walk of
    /// `limit + 1` hops through `s`, only the first hop can be `limit` hops back, and only the
    /// last `limit` hops on, so every entity of such a walk has both distances, as with the
    /// searches to `limit` hops, without scanning the arcs around every entity `limit − 1`
    /// hops away (a hub's neighbours). `O(Σ degree)` over the first (last) hops.
    fn ends_at_limit(&mut self, s: u32, forward: bool, limit: u32) {
        let (net, comp) = (self.net, &self.comp);
        let dist = if forward {
            &mut self.dist_from
        } else {
            &mut self.dist_to
        };
        // Backwards, a first hop's distance comes from the entities it leads to; forwards, a
        // last hop's from the entities that lead to it.
        let end = |v: u32, i: usize| {
            if forward {
                net.in_arcs(v)[i].0
            } else {
                net.out_arcs(v)[i].to
            }
        };
        let degree = |v: u32| {
            if forward {
                net.in_arcs(v).len()
            } else {
                net.out_arcs(v).len()
            }
        };
        let c = comp[s as usize];
        for i in 0..degree(s) {
            let w = end(s, i);
            if w < s || comp[w as usize] != c || dist[w as usize] != INF {
                continue;
            }
            // Values set here are `limit`, so an end never counts another's.
            let next = (0..degree(w)).map(|j| dist[end(w, j) as usize]).min();
            if let Some(d) = next.filter(|&d| d < limit) {
                dist[w as usize] = d + 1;
                self.touched.push(w);
            }
        }
    }

    fn in_region(&self, v: u32) -> bool {
        self.region[v as usize] == self.stamp
    }

    /// Distances to `target` within the region (for the `through` pruning).
    fn bfs_region_to(&mut self, target: u32, j: usize) {
        let dist = &mut self.dist_to_through[j];
        dist[target as usize] = 0;
        self.queue.clear();
        self.queue.push_back((target, false));
        while let Some((v, _)) = self.queue.pop_front() {
            let d = dist[v as usize];
            for &(u, _) in self.net.in_arcs(v) {
                if self.region[u as usize] == self.stamp && dist[u as usize] == INF {
                    dist[u as usize] = d + 1;
                    self.queue.push_back((u, false));
                }
            }
        }
    }

    /// Shortest walks back to `s` within the region that take at least one financing hop:
    /// a breadth-first search over (vertex, financing taken yet) states, backwards from
    /// (`s`, taken).
    fn bfs_financed(&mut self, s: u32) {
        self.dist_to_financed_done[s as usize] = 0;
        self.queue.clear();
        self.queue.push_back((s, true));
        while let Some((w, done)) = self.queue.pop_front() {
            let d = if done {
                self.dist_to_financed_done[w as usize]
            } else {
                self.dist_to_financed[w as usize]
            };
            for &(u, financing) in self.net.in_arcs(w) {
                if self.region[u as usize] != self.stamp {
                    continue;
                }
                // From (u, before) the arc leads to (w, before || financing).
                if done {
                    if self.dist_to_financed_done[u as usize] == INF {
                        self.dist_to_financed_done[u as usize] = d + 1;
                        self.queue.push_back((u, true));
                    }
                    if financing && self.dist_to_financed[u as usize] == INF {
                        self.dist_to_financed[u as usize] = d + 1;
                        self.queue.push_back((u, false));
                    }
                } else if !financing && self.dist_to_financed[u as usize] == INF {
                    self.dist_to_financed[u as usize] = d + 1;
                    self.queue.push_back((u, false));
                }
            }
        }
    }

    /// Finds every matching loop whose smallest vertex is `s`.
    fn search_from(&mut self, s: u32, visit: &mut Visitor<'_>) -> ControlFlow<SearchEnd> {
        let limit = self.bound.map_or(INF, |l| l - 1);
        if limit == INF {
            self.bfs_alive(s, false, limit);
            self.bfs_alive(s, true, limit);
        } else {
            self.bfs_alive(s, false, limit - 1);
            self.ends_at_limit(s, false, limit);
            self.bfs_alive(s, true, limit - 1);
            self.ends_at_limit(s, true, limit);
        }
        self.stamp += 1;
        self.region_list.clear();
        for i in 0..self.touched.len() {
            let v = self.touched[i];
            let (f, t) = (self.dist_from[v as usize], self.dist_to[v as usize]);
            if self.region[v as usize] != self.stamp
                && f != INF
                && t != INF
                && self.bound.is_none_or(|l| f + t <= l)
            {
                self.region[v as usize] = self.stamp;
                self.region_list.push(v);
            }
        }
        let result = if self.worth_searching() {
            let bound = self
                .bound
                .filter(|&l| (l as usize) < self.region_list.len());
            if let Some(l) = bound {
                if self.opts.financing_only {
                    self.bfs_financed(s);
                }
                for j in 0..self.net.through.len() {
                    self.bfs_region_to(self.net.through[j], j);
                }
                for &v in &self.region_list {
                    self.lock[v as usize] = l;
                }
            }
            self.search(s, bound, visit)
        } else {
            ControlFlow::Continue(())
        };
        for &v in &self.touched {
            self.dist_from[v as usize] = INF;
            self.dist_to[v as usize] = INF;
        }
        self.touched.clear();
        for &v in &self.region_list {
            let v = v as usize;
            self.dist_to_financed[v] = INF;
            self.dist_to_financed_done[v] = INF;
            for d in &mut self.dist_to_through {
                d[v] = INF;
            }
            self.blocked[v] = false;
            self.blist[v].clear();
        }
        result
    }

    /// Whether the region around the start can hold a matching loop at all.
    fn worth_searching(&self) -> bool {
        if self.region_list.len() < 2 {
            return false;
        }
        if self.net.through.iter().any(|&t| !self.in_region(t)) {
            return false;
        }
        if self.opts.financing_only {
            let financed = self.region_list.iter().any(|&v| {
                self.net.out_arcs(v).iter().any(|a| {
                    a.financing
                        && self.in_region(a.to)
                        && self.bound.is_none_or(|l| {
                            self.dist_from[v as usize] + 1 + self.dist_to[a.to as usize] <= l
                        })
                })
            });
            if !financed {
                return false;
            }
        }
        true
    }

    /// Whether the path closed by `arc` back to the start is a loop to report.
    fn matches(&self, arc: Arc, financing_on_path: u32, through_on_path: u32) -> bool {
        if self.path.len() < self.opts.min_len {
            return false;
        }
        if self.opts.financing_only && financing_on_path == 0 && !arc.financing {
            return false;
        }
        if through_on_path as usize != self.net.through.len() {
            return false;
        }
        if self.opts.time_ordered {
            let times: Vec<&HopTimes> = self
                .path_hops
                .iter()
                .chain(std::iter::once(&arc.hop))
                .map(|h| &self.net.times[h.0 as usize])
                .collect();
            return time_ordered(&times, self.opts.undated);
        }
        true
    }

    /// Whether pushing `w` (reached by `arc`, with `len` vertices on the path) can still lead
    /// to a loop that meets the `through` and financing requirements within the bound `l`.
    fn hopeless(
        &self,
        w: u32,
        arc: Arc,
        len: u32,
        l: u32,
        financing_on_path: u32,
        through_on_path: u32,
    ) -> bool {
        let budget = l - len;
        if self.opts.financing_only
            && financing_on_path == 0
            && !arc.financing
            && self.dist_to_financed[w as usize] > budget
        {
            return true;
        }
        if !self.net.through.is_empty() {
            let on = through_on_path + u32::from(self.is_through[w as usize]);
            let missing = self.net.through.len() as u32 - on;
            if missing + 1 > budget {
                return true;
            }
            for (j, &t) in self.net.through.iter().enumerate() {
                if t == w || self.on_path[t as usize] {
                    continue;
                }
                let there = self.dist_to_through[j][w as usize];
                let back = self.dist_to[t as usize];
                if there == INF || back == INF || there + back > budget {
                    return true;
                }
            }
        }
        false
    }

    /// The depth-first search from `s`: Gupta–Suzumura bounded blocking when `bound` is set,
    /// Johnson's blocking otherwise.
    // Over 100 lines: one loop over the explicit stack, whose descend and backtrack halves
    // share the path counters (financing and `through` hops on the path); split apart, every
    // piece would need them threaded through, and the papers' pseudocode reads as one loop.
    fn search(
        &mut self,
        s: u32,
        bound: Option<u32>,
        visit: &mut Visitor<'_>,
    ) -> ControlFlow<SearchEnd> {
        let l = bound.unwrap_or(INF);
        self.path.clear();
        self.path_hops.clear();
        self.frames.clear();
        self.path.push(s);
        self.on_path[s as usize] = true;
        self.lock[s as usize] = 0;
        self.blocked[s as usize] = true;
        self.frames.push(Frame {
            v: s,
            next: self.net.out_start[s as usize],
            end: self.net.out_start[s as usize + 1],
            blen: l,
            closed: false,
            financing: false,
        });
        let mut financing_on_path = 0u32;
        let mut through_on_path = u32::from(self.is_through[s as usize]);
        let result = loop {
            self.ticks = self.ticks.wrapping_add(1);
            if self.ticks.is_multiple_of(4096) && self.timed_out() {
                break ControlFlow::Break(SearchEnd::TimedOut);
            }
            let Some(top) = self.frames.len().checked_sub(1) else {
                break ControlFlow::Continue(());
            };
            let frame = self.frames[top];
            if frame.next < frame.end {
                self.frames[top].next += 1;
                let (part, parts) = self.first_arcs;
                let (lo, hi) = self.arc_range;
                if top == 0
                    && ((frame.next - self.net.out_start[s as usize]) % parts != part
                        || frame.next < lo
                        || frame.next >= hi)
                {
                    continue;
                }
                let arc = self.net.out[frame.next as usize];
                let w = arc.to;
                if self.region[w as usize] != self.stamp {
                    continue;
                }
                if w == s {
                    self.frames[top].blen = 1;
                    self.frames[top].closed = true;
                    if self.matches(arc, financing_on_path, through_on_path) {
                        self.entities.clear();
                        self.entities
                            .extend(self.path.iter().map(|&v| self.net.entity[v as usize]));
                        self.path_hops.push(arc.hop);
                        let flow = visit(&self.entities, &self.path_hops);
                        self.path_hops.pop();
                        if flow.is_break() {
                            break ControlFlow::Break(SearchEnd::Stopped);
                        }
                    }
                    continue;
                }
                let len = self.path.len() as u32;
                if bound.is_some() {
                    if len >= self.lock[w as usize] || self.dist_to[w as usize] > l - len {
                        continue;
                    }
                    if self.hopeless(w, arc, len, l, financing_on_path, through_on_path) {
                        // A loop might lie past `w` even though none matches: count it as
                        // found, so that no lock set below outlives this path.
                        self.frames[top].blen = 1;
                        continue;
                    }
                    self.lock[w as usize] = len + 1;
                    if len + 1 == l
                        && let Some(back) = self.closing_arc(w, s)
                    {
                        // `w` is the last entity a loop can take (`dist_to[w]` is 1), so its
                        // frame would find just the loop closed by `back`, then leave `w`
                        // locked at `l` and its parent one hop from the start: do that
                        // without scanning `w`'s arcs (a hub's are thousands).
                        self.frames[top].blen = 1;
                        let financing = financing_on_path + u32::from(arc.financing);
                        let through = through_on_path + u32::from(self.is_through[w as usize]);
                        self.path.push(w);
                        self.path_hops.push(arc.hop);
                        let mut flow = ControlFlow::Continue(());
                        if self.matches(back, financing, through) {
                            self.entities.clear();
                            self.entities
                                .extend(self.path.iter().map(|&v| self.net.entity[v as usize]));
                            self.path_hops.push(back.hop);
                            flow = visit(&self.entities, &self.path_hops);
                            self.path_hops.pop();
                        }
                        self.path.pop();
                        self.path_hops.pop();
                        if flow.is_break() {
                            break ControlFlow::Break(SearchEnd::Stopped);
                        }
                        continue;
                    }
                } else {
                    if self.blocked[w as usize] {
                        continue;
                    }
                    self.blocked[w as usize] = true;
                }
                self.path.push(w);
                self.path_hops.push(arc.hop);
                self.on_path[w as usize] = true;
                financing_on_path += u32::from(arc.financing);
                through_on_path += u32::from(self.is_through[w as usize]);
                self.frames.push(Frame {
                    v: w,
                    next: self.net.out_start[w as usize],
                    end: self.net.out_start[w as usize + 1],
                    blen: l,
                    closed: false,
                    financing: arc.financing,
                });
            } else {
                self.frames.pop();
                self.path.pop();
                self.on_path[frame.v as usize] = false;
                let Some(parent) = self.frames.last_mut() else {
                    break ControlFlow::Continue(());
                };
                self.path_hops.pop();
                financing_on_path -= u32::from(frame.financing);
                through_on_path -= u32::from(self.is_through[frame.v as usize]);
                if bound.is_some() {
                    parent.blen = parent.blen.min(frame.blen);
                    if frame.blen < l {
                        self.relax_locks(frame.v, frame.blen, l);
                    } else {
                        self.wait_on_successors(frame.v);
                    }
                } else if frame.closed {
                    parent.closed = true;
                    self.unblock(frame.v);
                } else {
                    self.wait_on_successors(frame.v);
                }
            }
        };
        for &v in &self.path {
            self.on_path[v as usize] = false;
        }
        self.path.clear();
        self.path_hops.clear();
        self.frames.clear();
        result
    }

    /// The arc from `w` back to the start `s`, if any (binary search: arcs are sorted by head).
    fn closing_arc(&self, w: u32, s: u32) -> Option<Arc> {
        let arcs = self.net.out_arcs(w);
        arcs.binary_search_by_key(&s, |a| a.to)
            .ok()
            .map(|i| arcs[i])
    }

    /// `v` found nothing: put it on the wait list of each successor in the region, to be
    /// released when that successor is.
    fn wait_on_successors(&mut self, v: u32) {
        for a in self.net.out_arcs(v) {
            let w = a.to as usize;
            if self.region[w] == self.stamp && !self.blist[w].contains(&v) {
                self.blist[w].push(v);
            }
        }
    }

    /// Johnson's unblock, iteratively. Vertices on the path stay blocked; they are released
    /// when they are popped (a loop below them marks them closed).
    fn unblock(&mut self, v: u32) {
        self.relax.clear();
        self.relax.push((v, 0));
        while let Some((u, _)) = self.relax.pop() {
            let u = u as usize;
            if self.blocked[u] && !self.on_path[u] {
                self.blocked[u] = false;
                let mut waiting = std::mem::take(&mut self.blist[u]);
                self.relax.extend(waiting.drain(..).map(|w| (w, 0)));
                self.blist[u] = waiting;
            }
        }
    }

    /// Gupta–Suzumura's lock relaxation: `v` is `blen` hops from the start, so it may be
    /// entered again at any depth below `l − blen + 1`; its waiters one hop further out.
    fn relax_locks(&mut self, v: u32, blen: u32, l: u32) {
        self.relax.clear();
        self.relax.push((v, blen));
        while let Some((u, bl)) = self.relax.pop() {
            if bl > l {
                continue;
            }
            let allowed = l - bl + 1;
            if self.lock[u as usize] < allowed {
                self.lock[u as usize] = allowed;
                for i in 0..self.blist[u as usize].len() {
                    let w = self.blist[u as usize][i];
                    if !self.on_path[w as usize] {
                        self.relax.push((w, bl + 1));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
