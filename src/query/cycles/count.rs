//! Counting elementary cycles of bounded length without listing them: the kernel behind
//! `dealgraph cycles --count`. The kernel works on a bare simple digraph (vertex numbers and
//! arcs) and returns how many cycles there are of each length; [`count_cycles`] maps the
//! money graph and the loop options onto it (or counts with the search where it must).
//!
//! Listing must report every loop in a fixed order, from its entity with the smallest id;
//! counting may pick any order. So the vertices are ranked by degree, biggest first, and each
//! cycle is counted once, from its best-ranked vertex `s`, by a depth-first search over
//! vertices ranked after `s`. The last two hops are not walked: a per-start table of the arcs
//! and two-arc paths back to `s` counts them in one step. Loops of 7 hops or more also prune
//! the walk by the distance back to `s`.

use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Instant;

use crate::query::rows::bucket;

use super::search::{Net, Search};
use super::{CycleOptions, SearchEnd, cycles};
use crate::graph::{HopId, MoneyGraph};
use crate::model::EntityId;
use crate::query::components::strongly_connected;

/// Counts the loops of `graph` that match `opts` without storing them.
///
/// With a length bound and no `through` or time-order requirement (the common case, and what
/// `cycles --count` runs), the loops are counted without being listed, by
/// [`count_cycles_by_length`] on the bare digraph of hops: financing loops are all loops less
/// the loops of non-financing hops alone. Otherwise the search of [`cycles`] runs and each
/// loop it finds is counted.
///
/// # Arguments
/// * `graph`, `opts`: as for [`cycles`] (the hops are built only when the search needs them).
///
/// # Returns
/// The number of loops, and how the search ended (a [`SearchEnd::TimedOut`] count is a lower
/// bound).
///
/// # Complexity
/// See [`count_cycles_by_length`] for the counting kernel (on every core); otherwise as
/// [`cycles`], spread over every core when the length is bounded. `O(n + e)` memory per core
/// either way.
///
/// # Example
/// ```
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{count_cycles, CycleOptions, SearchEnd};
/// //   a ──investment──▶ b ──cloud──▶ c
/// //   ▲  ◀────cloud─────┘            │
/// //   └────────────revenue───────────┘
/// let csv = "from,to,kind,source\na,b,investment,s\nb,a,cloud,s\nb,c,cloud,s\nc,a,revenue,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// assert_eq!(count_cycles(&graph, &CycleOptions::default()), (2, SearchEnd::Complete));
/// let short = CycleOptions { max_len: Some(2), ..CycleOptions::default() };
/// assert_eq!(count_cycles(&graph, &short).0, 1);
/// ```
pub fn count_cycles(graph: &MoneyGraph<'_>, opts: &CycleOptions) -> (u64, SearchEnd) {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if let Some(max_len) = opts.max_len
        && opts.through.is_empty()
        && !opts.time_ordered
    {
        // Counting needs no order and no hop ids: the kernel counts on the bare digraph of
        // deals (it merges parallel deals into one arc, financing if any of them is).
        let arcs = graph
            .deals()
            .map(|d| (d.deal.from().0, d.deal.to().0, d.deal.kind().is_financing()));
        let kernel = CountOptions {
            max_len,
            only_marked: opts.financing_only,
            deadline: opts.deadline,
            threads,
        };
        let counts = count_cycles_by_length(graph.dataset().entities().len(), arcs, &kernel);
        let end = if counts.complete {
            SearchEnd::Complete
        } else {
            SearchEnd::TimedOut
        };
        return (counts.at_least(opts.min_len), end);
    }
    let hops = graph.hops();
    let parts = threads as u32;
    if opts.max_len.is_none() || parts < 2 {
        let mut count = 0u64;
        let end = cycles(graph, hops, opts, |_, _| {
            count += 1;
            ControlFlow::Continue(())
        });
        return (count, end);
    }
    // Bounded search: the loops out of a start through different first hops are found
    // independently, so each thread takes every `parts`-th first hop of every start (a few
    // hub entities hold most loops, so splitting by start alone would leave threads idle).
    // The sum does not depend on who took which.
    let net = Net::build(graph, hops, opts);
    let results: Vec<(u64, SearchEnd)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..parts)
            .map(|part| {
                let net = &net;
                scope.spawn(move || {
                    let mut search = Search::new(net, opts);
                    search.first_arcs = (part, parts);
                    let mut count = 0u64;
                    let end = search.run(&mut |_: &[EntityId], _: &[HopId]| {
                        count += 1;
                        ControlFlow::Continue(())
                    });
                    (count, end)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| {
                w.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    });
    let count = results.iter().map(|r| r.0).sum();
    let end = results
        .iter()
        .map(|r| r.1)
        .find(|e| *e != SearchEnd::Complete)
        .unwrap_or(SearchEnd::Complete);
    (count, end)
}

const UNSEEN: u32 = u32::MAX;

/// How many elementary cycles a digraph has, by length.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LengthCounts {
    /// `by_length[k]`: cycles of exactly `k` arcs (`by_length[0]` and `by_length[1]` are 0).
    pub by_length: Vec<u64>,
    /// False when the deadline passed first: the counts are then lower bounds.
    pub complete: bool,
}

impl LengthCounts {
    /// Cycles of `min_len` arcs or more.
    pub fn at_least(&self, min_len: usize) -> u64 {
        self.by_length.iter().skip(min_len).sum()
    }
}

/// What to count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CountOptions {
    /// The longest cycle counted, in arcs.
    pub max_len: usize,
    /// Count only cycles with at least one marked arc.
    pub only_marked: bool,
    /// Give up at this instant: the counts found so far come back, marked incomplete.
    pub deadline: Option<Instant>,
    /// How many threads share the work (at least one is used); the counts do not depend on
    /// it.
    pub threads: usize,
}

/// Counts the elementary cycles of at most `max_len` arcs of a simple digraph, by length,
/// without storing any of them.
///
/// # Arguments
/// * `vertex_count`: vertices are `0..vertex_count`.
/// * `arcs`: `(from, to, marked)`. Self-loops are ignored, and repeats of an arc are one arc
///   (marked if any repeat is): a cycle is a sequence of vertices here, as a loop is a
///   sequence of hops.
/// * `opts`: the length bound, whether a cycle needs a marked arc, the deadline and threads.
///
/// # Returns
/// The counts by length ([`LengthCounts::by_length`] has `max_len + 1` entries).
///
/// # Complexity
/// With `n` vertices, `e` arcs and the bound `L`: `O(n + e)` to split the graph into strongly
/// connected components (iterative Tarjan), rank the vertices and build the adjacency
/// (counting sorts). Then per start `s`, over the vertices ranked after it: a table of the
/// arcs and two-arc paths into `s` (`O` of the arcs into `s` and into its predecessors),
/// extended to a breadth-first search of `L − 3` levels back from `s` from `L = 7` on; then
/// a depth-first search over the paths of at most `L − 2` arcs out of `s`, each path scanning
/// the arcs out of its last vertex once and reading the last hop or two off the table. With
/// the busiest vertices ranked first, each is taken out of every later search; at `L = 3`
/// the work is that of enumerating two-arc paths, as in triangle counting. The number of
/// paths walked can exceed the number of cycles (a path that cannot get back without
/// crossing itself is still walked), exponentially in `L` in the worst case. Memory:
/// `O(n + e)` per thread, whatever the number of cycles.
///
/// # Example
/// ```
/// use dealgraph::query::cycles::{count_cycles_by_length, CountOptions};
/// //   0 ⇄ 1      the arc 2 → 0 is marked (*)
/// //   ▲   │
/// //   *── 2 ◀── 3 (no way back to 3)
/// let arcs = [(0, 1, false), (1, 0, false), (1, 2, false), (2, 0, true), (3, 2, false)];
/// let opts = CountOptions { max_len: 3, only_marked: false, deadline: None, threads: 2 };
/// let counts = count_cycles_by_length(4, arcs, &opts);
/// assert_eq!(counts.by_length, [0, 0, 1, 1]);
/// assert_eq!(counts.at_least(3), 1);
/// assert!(counts.complete);
/// let marked = CountOptions { only_marked: true, ..opts };
/// assert_eq!(count_cycles_by_length(4, arcs, &marked).by_length, [0, 0, 0, 1]);
/// ```
pub fn count_cycles_by_length(
    vertex_count: usize,
    arcs: impl IntoIterator<Item = (u32, u32, bool)>,
    opts: &CountOptions,
) -> LengthCounts {
    let max_len = opts.max_len;
    let mut by_length = vec![0u64; max_len + 1];
    if max_len < 2 {
        return LengthCounts {
            by_length,
            complete: true,
        };
    }
    let net = RankedNet::build(vertex_count, arcs, opts.only_marked);
    let next_start = AtomicUsize::new(0);
    let timed_out = AtomicBool::new(false);
    let deadline = opts.deadline;
    let workers = opts.threads.clamp(1, net.len().max(1));
    let results: Vec<Vec<u64>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let (net, next_start, timed_out) = (&net, &next_start, &timed_out);
                scope.spawn(move || {
                    let mut counter = Counter::new(net, max_len as u32, deadline, timed_out);
                    loop {
                        let s = next_start.fetch_add(1, Ordering::Relaxed);
                        if s >= net.len() || timed_out.load(Ordering::Relaxed) {
                            break;
                        }
                        counter.count_from(s as u32);
                    }
                    counter.counts
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    for counts in results {
        for (total, c) in by_length.iter_mut().zip(counts) {
            *total += c;
        }
    }
    LengthCounts {
        by_length,
        complete: !timed_out.load(Ordering::Relaxed),
    }
}

/// The part of the graph that can hold a cycle (arcs inside strongly connected components of
/// two or more vertices), renumbered by rank (degree, biggest first).
struct RankedNet {
    all: Adjacency,
    /// With `only_marked`: the unmarked arcs alone, on the same ranks.
    unmarked: Option<Adjacency>,
}

/// Forward and reverse compressed adjacency, each vertex's list sorted by rank.
struct Adjacency {
    out_start: Vec<u32>,
    out: Vec<u32>,
    in_start: Vec<u32>,
    inc: Vec<u32>,
}

impl RankedNet {
    fn build(
        vertex_count: usize,
        arcs: impl IntoIterator<Item = (u32, u32, bool)>,
        only_marked: bool,
    ) -> RankedNet {
        let n_all = vertex_count as u32;
        let arcs: Vec<(u32, u32, bool)> = arcs
            .into_iter()
            .filter(|&(a, b, _)| a != b && a < n_all && b < n_all)
            .collect();
        let plain = Grouped::of(vertex_count, &arcs);
        drop(arcs);
        let mut component = strongly_connected(&plain.start, &plain.head);
        // Only components of two or more vertices hold cycles.
        let mut size = vec![0u32; vertex_count];
        for &c in &component {
            size[c as usize] += 1;
        }
        for c in &mut component {
            if size[*c as usize] < 2 {
                *c = UNSEEN;
            }
        }
        let inside = |a: u32, b: u32| {
            let c = component[a as usize];
            c != UNSEEN && c == component[b as usize]
        };
        let mut degree = vec![0u32; vertex_count];
        for (a, b, _) in plain.arcs() {
            if inside(a, b) {
                degree[a as usize] += 1;
                degree[b as usize] += 1;
            }
        }
        let mut order: Vec<u32> = (0..n_all).filter(|&v| degree[v as usize] > 0).collect();
        order.sort_unstable_by_key(|&v| (std::cmp::Reverse(degree[v as usize]), v));
        let mut rank = vec![UNSEEN; vertex_count];
        for (r, &v) in order.iter().enumerate() {
            rank[v as usize] = r as u32;
        }
        let n = order.len();
        let ranked: Vec<(u32, u32, bool)> = plain
            .arcs()
            .filter(|&(a, b, _)| inside(a, b))
            .map(|(a, b, marked)| (rank[a as usize], rank[b as usize], marked))
            .collect();
        drop(plain);
        let all = Adjacency::of(Grouped::of(n, &ranked));
        let unmarked = only_marked.then(|| {
            let unmarked: Vec<(u32, u32, bool)> = ranked.iter().copied().filter(|a| !a.2).collect();
            Adjacency::of(Grouped::of(n, &unmarked))
        });
        RankedNet { all, unmarked }
    }

    fn len(&self) -> usize {
        self.all.out_start.len() - 1
    }
}

impl Adjacency {
    /// Successors of `v` ranked after `s`.
    fn out_after(&self, v: u32, s: u32) -> &[u32] {
        after(&self.out[span(&self.out_start, v)], s)
    }

    /// Predecessors of `v` ranked after `s`.
    fn in_after(&self, v: u32, s: u32) -> &[u32] {
        after(&self.inc[span(&self.in_start, v)], s)
    }

    fn has_arc(&self, a: u32, b: u32) -> bool {
        self.out[span(&self.out_start, a)].binary_search(&b).is_ok()
    }

    /// A stack frame for `v` that scans its successors ranked after `s`.
    fn frame(&self, v: u32, s: u32) -> Frame {
        let all = span(&self.out_start, v);
        let skip = self.out[all.clone()].partition_point(|&w| w <= s);
        Frame {
            v,
            next: (all.start + skip) as u32,
            end: all.end as u32,
        }
    }

    /// Forward lists from `grouped`, and reverse lists (sorted too) derived from them.
    fn of(grouped: Grouped) -> Adjacency {
        let n = grouped.start.len() - 1;
        // Tails in increasing order land in increasing order in each head's list.
        let (in_start, inc) = bucket(n, grouped.arcs().map(|(a, b, _)| (b, a)));
        Adjacency {
            out_start: grouped.start,
            out: grouped.head,
            in_start,
            inc,
        }
    }
}

/// Arcs grouped by tail, each group sorted by head with repeats merged (marked if any repeat
/// is): built by two counting passes, in `O(n + e)` without a comparison sort.
struct Grouped {
    start: Vec<u32>,
    head: Vec<u32>,
    marked: Vec<bool>,
}

impl Grouped {
    fn of(n: usize, arcs: &[(u32, u32, bool)]) -> Grouped {
        // By head first, then stably by tail: each tail's heads come out in order.
        let (head_start, by_head) = bucket(n, arcs.iter().map(|&(a, b, m)| (b, (a, m))));
        let by_tail = (0..n as u32).flat_map(|b| {
            by_head[span(&head_start, b)]
                .iter()
                .map(move |&(a, m)| (a, (b, m)))
        });
        let (mut start, sorted) = bucket(n, by_tail);
        let (mut head, mut marked): (Vec<u32>, Vec<bool>) = sorted.into_iter().unzip();
        // Merge repeats, which are now next to each other.
        let mut kept = 0usize;
        let mut group_start = 0usize;
        for a in 0..n {
            let end = start[a + 1] as usize;
            start[a] = kept as u32;
            for i in group_start..end {
                if kept > start[a] as usize && head[kept - 1] == head[i] {
                    marked[kept - 1] |= marked[i];
                } else {
                    head[kept] = head[i];
                    marked[kept] = marked[i];
                    kept += 1;
                }
            }
            group_start = end;
        }
        start[n] = kept as u32;
        head.truncate(kept);
        marked.truncate(kept);
        Grouped {
            start,
            head,
            marked,
        }
    }

    /// `(tail, head, marked)` in tail order, then head order.
    fn arcs(&self) -> impl Iterator<Item = (u32, u32, bool)> + Clone + '_ {
        (0..self.start.len() as u32 - 1)
            .flat_map(move |a| span(&self.start, a).map(move |i| (a, self.head[i], self.marked[i])))
    }
}

fn span(start: &[u32], v: u32) -> std::ops::Range<usize> {
    start[v as usize] as usize..start[v as usize + 1] as usize
}

/// The tail of a sorted list after `s`.
fn after(sorted: &[u32], s: u32) -> &[u32] {
    &sorted[sorted.partition_point(|&w| w <= s)..]
}

/// One level of the depth-first stack: a path vertex and where its scan of successors is.
#[derive(Clone, Copy)]
struct Frame {
    v: u32,
    next: u32,
    end: u32,
}

/// One thread's search state; per-vertex arrays are reset through `touched` after each start.
struct Counter<'n> {
    net: &'n RankedNet,
    max_len: u32,
    deadline: Option<Instant>,
    timed_out: &'n AtomicBool,
    /// The totals of this thread.
    counts: Vec<u64>,
    /// The cycles of the current start, by length.
    found: Vec<u64>,
    /// With `only_marked`: the current start's cycles of all arcs, while `found` takes
    /// those of the unmarked arcs.
    found_all: Vec<u64>,
    /// Arcs back to the current start, as far as the breadth-first search looked.
    dist: Vec<u32>,
    /// Bit 0: an arc to the start; bits 1..: two-arc paths to the start.
    tail: Vec<u32>,
    on_path: Vec<bool>,
    touched: Vec<u32>,
    queue: Vec<u32>,
    frames: Vec<Frame>,
    /// Path vertices (not the start) with an arc to the start.
    closers: Vec<u32>,
    ticks: u32,
    /// The distance assumed for a vertex the breadth-first search did not reach.
    beyond: u32,
    /// Per vertex `u`, what the scan of its successors adds up to for the current start
    /// ([`TailSums`]), valid where `memo_epoch[u] == epoch`: many paths end at the same `u`.
    memo: Vec<TailSums>,
    memo_epoch: Vec<u32>,
    /// Per vertex, how many closers on the path (`closers`) it has an arc to.
    closer_in: Vec<u32>,
    /// Counts the calls of `count_in`, so that a new start (or adjacency) voids the memo.
    epoch: u32,
}

/// The scan of a vertex `u`'s successors `v` ranked after the start `s`, before the path is
/// taken into account: the arcs `v → s` (`one`), the two-arc paths `v → p → s` (`two`), and
/// how many of those `v` have an arc back to `u` (`mutual`; counted only when `u → s`).
#[derive(Clone, Copy, Default)]
struct TailSums {
    one: u64,
    two: u64,
    mutual: u64,
}

impl<'n> Counter<'n> {
    fn new(
        net: &'n RankedNet,
        max_len: u32,
        deadline: Option<Instant>,
        timed_out: &'n AtomicBool,
    ) -> Counter<'n> {
        let n = net.len();
        Counter {
            net,
            max_len,
            deadline,
            timed_out,
            counts: vec![0; max_len as usize + 1],
            found: vec![0; max_len as usize + 1],
            found_all: vec![0; max_len as usize + 1],
            dist: vec![UNSEEN; n],
            tail: vec![0; n],
            on_path: vec![false; n],
            touched: Vec::new(),
            queue: Vec::new(),
            frames: Vec::new(),
            closers: Vec::new(),
            ticks: 0,
            beyond: UNSEEN,
            memo: vec![TailSums::default(); n],
            memo_epoch: vec![0; n],
            closer_in: vec![0; n],
            epoch: 0,
        }
    }

    fn check_deadline(&mut self) -> bool {
        if self.timed_out.load(Ordering::Relaxed) {
            return true;
        }
        if self.deadline.is_some_and(|d| Instant::now() >= d) {
            self.timed_out.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// Adds the cycles whose best-ranked vertex is `s` to the totals. With `only_marked`,
    /// those are the cycles of all arcs less those of the unmarked arcs alone, and a start
    /// the deadline cut short adds nothing (a difference of partial counts bounds nothing).
    fn count_from(&mut self, s: u32) {
        if self.check_deadline() {
            return;
        }
        let net = self.net;
        // Only `found[..reach]` can be non-zero: resetting all of it for every start would
        // cost `O(n · L)` on a long ring.
        let reach = self.count_in(&net.all, s);
        match &net.unmarked {
            None => {
                for (total, c) in self.counts.iter_mut().zip(&mut self.found[..reach]) {
                    *total += std::mem::take(c);
                }
            }
            Some(unmarked) => {
                std::mem::swap(&mut self.found, &mut self.found_all);
                // A cycle of unmarked arcs is one of all arcs, so it lies within `reach` too,
                // unless the deadline cut the first count short.
                let reach = reach.max(self.count_in(unmarked, s));
                let complete = !self.timed_out.load(Ordering::Relaxed);
                let (all, unmarked) = (&mut self.found_all[..reach], &mut self.found[..reach]);
                for ((total, a), b) in self.counts.iter_mut().zip(all).zip(unmarked) {
                    if complete {
                        *total += *a - *b;
                    }
                    (*a, *b) = (0, 0);
                }
            }
        }
    }

    /// Adds the cycles of `adj` whose best-ranked vertex is `s` to `found`, and returns how
    /// many leading entries of `found` it may have changed.
    fn count_in(&mut self, adj: &Adjacency, s: u32) -> usize {
        if adj.out_after(s, s).is_empty() || adj.in_after(s, s).is_empty() {
            return 0;
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.memo_epoch.fill(0);
            self.epoch = 1;
        }
        self.distances_to(adj, s);
        let deepest = self.search(adj, s);
        for &v in &self.touched {
            self.dist[v as usize] = UNSEEN;
            self.tail[v as usize] = 0;
        }
        self.touched.clear();
        (deepest + 3).min(self.found.len())
    }

    /// Breadth-first distances back to `s` over vertices ranked after it, and the `tail` table
    /// (from the same scans of the first two levels).
    fn distances_to(&mut self, adj: &Adjacency, s: u32) {
        // The first two levels are needed for the tail table. Deeper levels only prune the
        // top of the walk: on the generator's graphs that costs more than it saves up to 6
        // hops (measured at 10k and 100k entities, and 1M at 4 hops: 18.5 s against 3.9 s
        // with two levels), and pays from 7.
        let limit = if self.max_len <= 6 {
            2.min(self.max_len - 1)
        } else {
            self.max_len - 3
        };
        // Unseen vertices may still be further away than the search looked.
        self.beyond = if limit < self.max_len - 1 {
            limit + 1
        } else {
            UNSEEN
        };
        self.queue.clear();
        self.queue.push(s);
        self.dist[s as usize] = 0;
        self.touched.push(s);
        let mut head = 0;
        while head < self.queue.len() {
            let v = self.queue[head];
            head += 1;
            let d = self.dist[v as usize];
            for &u in adj.in_after(v, s) {
                let ui = u as usize;
                match d {
                    0 => self.tail[ui] |= 1,
                    1 => self.tail[ui] += 2,
                    _ => {}
                }
                if self.dist[ui] == UNSEEN {
                    self.dist[ui] = d + 1;
                    self.touched.push(u);
                    if d + 1 < limit {
                        self.queue.push(u);
                    }
                }
            }
        }
    }

    /// Walks the paths out of `s` of at most `max_len − 2` arcs and counts, at each, the
    /// cycles it closes with one or two more arcs. Returns the most vertices a path had.
    fn search(&mut self, adj: &Adjacency, s: u32) -> usize {
        let mut deepest = 0;
        let l = self.max_len;
        self.on_path[s as usize] = true;
        self.closers.clear();
        self.frames.clear();
        self.frames.push(adj.frame(s, s));
        while let Some(&top) = self.frames.last() {
            // `m` vertices on the path, ending at `u`.
            let m = self.frames.len() as u32;
            deepest = deepest.max(m as usize);
            if m + 2 >= l {
                // The last hop or two: count them from the tail table.
                let u = top.v;
                self.frames.pop();
                self.count_tail(adj, u, s, m);
                self.pop_vertex(adj, u, s);
                continue;
            }
            if top.next == top.end {
                let u = top.v;
                self.frames.pop();
                self.pop_vertex(adj, u, s);
                continue;
            }
            let v = adj.out[top.next as usize];
            self.frames.last_mut().expect("non-empty").next += 1;
            let vi = v as usize;
            let d = self.dist[vi];
            let d = if d == UNSEEN { self.beyond } else { d };
            if self.on_path[vi] || d > l - m {
                continue;
            }
            let closes = self.tail[vi] & 1 == 1;
            if closes {
                self.found[m as usize + 1] += 1;
            }
            self.ticks = self.ticks.wrapping_add(1);
            if self.ticks.is_multiple_of(1 << 16) && self.check_deadline() {
                break;
            }
            if m + 3 >= l {
                // `v` ends the walk: its frame would only count its tail, so count it here
                // (no frame, no search of its successors for where to start).
                deepest = deepest.max(m as usize + 1);
                self.count_tail(adj, v, s, m + 1);
                continue;
            }
            if closes {
                self.push_closer(adj, v, s);
            }
            self.on_path[vi] = true;
            self.frames.push(adj.frame(v, s));
        }
        for f in &self.frames {
            self.on_path[f.v as usize] = false;
        }
        while let Some(&p) = self.closers.last() {
            self.pop_closer(adj, p, s);
        }
        self.frames.clear();
        self.on_path[s as usize] = false;
        deepest
    }

    fn pop_vertex(&mut self, adj: &Adjacency, u: u32, s: u32) {
        self.on_path[u as usize] = false;
        if self.closers.last() == Some(&u) {
            self.pop_closer(adj, u, s);
        }
    }

    /// `p`, with an arc to `s`, joins the path: each predecessor of `p` now has one two-arc
    /// path back to `s` through the path (`closer_in`).
    fn push_closer(&mut self, adj: &Adjacency, p: u32, s: u32) {
        self.closers.push(p);
        for &x in adj.in_after(p, s) {
            self.closer_in[x as usize] += 1;
        }
    }

    /// Undoes [`Counter::push_closer`] for the last closer, `p`.
    fn pop_closer(&mut self, adj: &Adjacency, p: u32, s: u32) {
        self.closers.pop();
        for &x in adj.in_after(p, s) {
            self.closer_in[x as usize] -= 1;
        }
    }

    /// The path of `m` vertices ends at `u` and `m + 2 >= max_len`: counts the cycles that
    /// take one more vertex `v` (length `m + 1`) and, if the bound allows, one more after it
    /// (length `m + 2`, from `v`'s two-arc paths back to `s` that avoid the path).
    ///
    /// When no path vertex between `s` and `u` has an arc to `s`, the path only matters
    /// through its own vertices among `u`'s successors: the scan of `u`'s successors is done
    /// once per start ([`TailSums`]) and corrected for the `m − 2` vertices between `s` and
    /// `u`, so a vertex reached by many paths is scanned once. Otherwise every successor is
    /// read, its two-arc paths through the path's closers taken off by `closer_in`.
    fn count_tail(&mut self, adj: &Adjacency, u: u32, s: u32, m: u32) {
        let two = m + 2 <= self.max_len;
        let u_closes = two && self.tail[u as usize] & 1 == 1;
        let (mut one_more, mut two_more) = (0u64, 0u64);
        // Two-arc paths `v → u → s` go back through the path: `mutual` of them, less those
        // whose `v` is on the path (taken off with the rest of the path below, or skipped).
        let mut back = 0u64;
        if self.closers.is_empty() {
            let sums = self.tail_sums(adj, u, s, u_closes);
            (one_more, two_more) = (sums.one, sums.two);
            back = sums.mutual;
        } else {
            for &v in adj.out_after(u, s) {
                let t = self.tail[v as usize];
                if t == 0 || self.on_path[v as usize] {
                    continue;
                }
                one_more += u64::from(t & 1);
                two_more += u64::from((t >> 1) - self.closer_in[v as usize]);
            }
            if u_closes {
                back = self.tail_sums(adj, u, s, true).mutual;
            }
        }
        let from_memo = self.closers.is_empty();
        // The frames below `u` (its own is popped, or never pushed) past the start's: the
        // path between `s` and `u` (none when `u` is `s`).
        for f in self.frames.iter().skip(1) {
            let v = f.v;
            let t = self.tail[v as usize];
            if t == 0 || !adj.has_arc(u, v) {
                continue;
            }
            back -= u64::from(u_closes && adj.has_arc(v, u));
            if from_memo {
                one_more -= u64::from(t & 1);
                two_more -= u64::from(t >> 1);
            }
        }
        if u_closes {
            two_more -= back;
        }
        self.found[m as usize + 1] += one_more;
        if two {
            self.found[m as usize + 2] += two_more;
        }
    }

    /// `u`'s [`TailSums`] for the current start, scanned on first use (`mutual` only when
    /// `with_mutual`, which is the same for every path of a start).
    fn tail_sums(&mut self, adj: &Adjacency, u: u32, s: u32, with_mutual: bool) -> TailSums {
        let ui = u as usize;
        if self.memo_epoch[ui] == self.epoch {
            return self.memo[ui];
        }
        let mut sums = TailSums::default();
        for &v in adj.out_after(u, s) {
            let t = self.tail[v as usize];
            if t == 0 {
                continue;
            }
            sums.one += u64::from(t & 1);
            sums.two += u64::from(t >> 1);
            if with_mutual && adj.has_arc(v, u) {
                sums.mutual += 1;
            }
        }
        self.memo[ui] = sums;
        self.memo_epoch[ui] = self.epoch;
        sums
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::graph_of;
    use crate::graph::Filter;
    use proptest::prelude::*;

    use super::*;

    /// Every elementary cycle, counted by length, by extending every path from its smallest
    /// vertex with no pruning at all.
    fn brute(n: usize, arcs: &[(u32, u32)], max_len: usize) -> Vec<u64> {
        let mut adj = vec![vec![false; n]; n];
        for &(a, b) in arcs {
            if a != b {
                adj[a as usize][b as usize] = true;
            }
        }
        let mut counts = vec![0u64; max_len + 1];
        fn extend(adj: &[Vec<bool>], path: &mut Vec<usize>, max_len: usize, counts: &mut [u64]) {
            let (s, u) = (path[0], *path.last().unwrap());
            if path.len() >= 2 && adj[u][s] {
                counts[path.len()] += 1;
            }
            if path.len() == max_len {
                return;
            }
            for v in s + 1..adj.len() {
                if adj[u][v] && !path.contains(&v) {
                    path.push(v);
                    extend(adj, path, max_len, counts);
                    path.pop();
                }
            }
        }
        for s in 0..n {
            extend(&adj, &mut vec![s], max_len, &mut counts);
        }
        counts
    }

    fn gen_graph() -> impl Strategy<Value = (usize, Vec<(u32, u32, bool)>)> {
        (2usize..=9).prop_flat_map(|n| {
            let arc = (0..n as u32, 0..n as u32, prop::bool::weighted(0.2));
            (Just(n), prop::collection::vec(arc, 0..=n * n))
        })
    }

    fn options(max_len: usize, only_marked: bool, threads: usize) -> CountOptions {
        CountOptions {
            max_len,
            only_marked,
            deadline: None,
            threads,
        }
    }

    fn pairs(arcs: &[(u32, u32, bool)]) -> Vec<(u32, u32)> {
        arcs.iter().map(|&(a, b, _)| (a, b)).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Every bound, with and without the marked-arc requirement (the cycles with a marked
        /// arc are all cycles less those of the unmarked arcs alone, a brute-force count of
        /// its own), on one to three threads.
        #[test]
        fn counts_match_brute_force((n, arcs) in gen_graph(), threads in 1usize..=3) {
            let unmarked: Vec<(u32, u32)> = arcs
                .iter()
                .filter(|&&(a, b, _)| !arcs.iter().any(|&(x, y, m)| (x, y) == (a, b) && m))
                .map(|&(a, b, _)| (a, b))
                .collect();
            for max_len in 0..=n + 1 {
                let bound = max_len.max(1);
                let mut all = brute(n, &pairs(&arcs), bound);
                let mut marked: Vec<u64> = all
                    .iter()
                    .zip(brute(n, &unmarked, bound))
                    .map(|(a, b)| a - b)
                    .collect();
                for expected in [&mut all, &mut marked] {
                    expected.truncate(max_len + 1);
                    if max_len < 2 {
                        expected.iter_mut().for_each(|c| *c = 0);
                    }
                }
                let counts = count_cycles_by_length(n, arcs.iter().copied(), &options(max_len, false, threads));
                prop_assert!(counts.complete);
                prop_assert_eq!(&counts.by_length, &all, "max_len {} arcs {:?}", max_len, arcs);
                let counts = count_cycles_by_length(n, arcs.iter().copied(), &options(max_len, true, threads));
                prop_assert!(counts.complete);
                prop_assert_eq!(&counts.by_length, &marked, "marked, max_len {} arcs {:?}", max_len, arcs);
            }
        }
    }

    #[test]
    fn complete_digraph_counts_are_exact() {
        // K6: C(6, k) · (k − 1)! cycles of length k.
        let arcs: Vec<(u32, u32, bool)> = (0..6)
            .flat_map(|a| (0..6).map(move |b| (a, b, false)))
            .collect();
        let counts = count_cycles_by_length(6, arcs, &options(6, false, 2));
        assert_eq!(counts.by_length, [0, 0, 15, 40, 90, 144, 120]);
    }

    #[test]
    fn a_passed_deadline_gives_an_incomplete_count() {
        let arcs: Vec<(u32, u32, bool)> = (0..8)
            .flat_map(|a| (0..8).map(move |b| (a, b, a == 0)))
            .collect();
        let past = Instant::now() - std::time::Duration::from_secs(1);
        for only_marked in [false, true] {
            let opts = CountOptions {
                deadline: Some(past),
                ..options(8, only_marked, 2)
            };
            let counts = count_cycles_by_length(8, arcs.iter().copied(), &opts);
            assert!(!counts.complete);
            assert_eq!(counts.at_least(2), 0);
        }
    }

    #[test]
    fn long_chain_closed_into_a_ring_does_not_overflow_the_stack() {
        let n = 200_000u32;
        let arcs = (0..n).map(|i| (i, (i + 1) % n, i == 7));
        let counts = count_cycles_by_length(n as usize, arcs, &options(n as usize, true, 2));
        assert_eq!(counts.at_least(2), 1);
        assert_eq!(counts.by_length[n as usize], 1);
    }

    #[test]
    fn deadline_in_the_past_times_out() {
        let data = graph_of("from,to,kind,source\na,b,investment,s\nb,a,cloud,s\n");
        let graph = MoneyGraph::build(&data, Filter::today());
        let opts = CycleOptions {
            deadline: Some(Instant::now()),
            ..CycleOptions::default()
        };
        assert_eq!(count_cycles(&graph, &opts).1, SearchEnd::TimedOut);
    }
}
