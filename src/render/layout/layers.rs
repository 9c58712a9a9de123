//! Cycle breaking and layering: the Eades–Lin–Smyth order that decides which edges point
//! left, longest-path layers moved to their neighbours' median, and the expanded graph in
//! which every edge gets a dummy vertex on each rank it crosses (one of them its label).

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::{Directed, Expanded, Kind, LABEL_LIFT, LayoutEdge, Neighbour, Size, Vertex};

impl<'a> Directed<'a> {
    /// Breaks cycles: the edges between two different nodes, in the Eades–Lin–Smyth order,
    /// and which of them point backwards in it.
    pub(super) fn new(n: usize, edges: &'a [LayoutEdge]) -> Directed<'a> {
        let normal: Vec<usize> = (0..edges.len())
            .filter(|&e| edges[e].from != edges[e].to && edges[e].from < n && edges[e].to < n)
            .collect();
        let order = greedy_order(n, edges, &normal);
        let mut pos = vec![0; n];
        for (i, &v) in order.iter().enumerate() {
            pos[v] = i;
        }
        let reversed: Vec<bool> = (0..edges.len())
            .map(|e| pos[edges[e].from] > pos[edges[e].to])
            .collect();
        Directed {
            edges,
            normal,
            order,
            reversed,
        }
    }

    /// Layered direction of edge `e`: (tail, head) with tail before head.
    pub(super) fn ends(&self, e: usize) -> (usize, usize) {
        let edge = &self.edges[e];
        if self.reversed[e] {
            (edge.to, edge.from)
        } else {
            (edge.from, edge.to)
        }
    }
}

/// Eades–Lin–Smyth: sinks to the back, sources to the front, otherwise the node with the
/// largest (out − in) weight next (lowest index on ties). Edges pointing backwards in the
/// result are reversed. `O((V + E) log V)`: the node with the largest (out − in) weight comes
/// from a heap whose stale entries are skipped (each degree change pushes one entry).
fn greedy_order(n: usize, edges: &[LayoutEdge], normal: &[usize]) -> Vec<usize> {
    let mut g = Greedy {
        outs: vec![Vec::new(); n],
        ins: vec![Vec::new(); n],
        delta: vec![0; n],
        out_k: vec![0; n],
        in_k: vec![0; n],
        alive: vec![true; n],
        sinks: BinaryHeap::new(),
        sources: BinaryHeap::new(),
        by_delta: BinaryHeap::new(),
    };
    for &e in normal {
        let (a, b, w) = (
            edges[e].from,
            edges[e].to,
            i64::from(edges[e].weight.max(1)),
        );
        g.outs[a].push((b, w));
        g.ins[b].push((a, w));
        g.delta[a] += w;
        g.delta[b] -= w;
        g.out_k[a] += 1;
        g.in_k[b] += 1;
    }
    for v in 0..n {
        g.by_delta.push((g.delta[v], Reverse(v)));
        if g.out_k[v] == 0 {
            g.sinks.push(Reverse(v));
        } else if g.in_k[v] == 0 {
            g.sources.push(Reverse(v));
        }
    }
    let (mut front, mut back) = (Vec::with_capacity(n), Vec::new());
    loop {
        if let Some(Reverse(v)) = g.sinks.pop() {
            if g.alive[v] {
                g.remove(v);
                back.push(v);
            }
            continue;
        }
        if let Some(Reverse(v)) = g.sources.pop() {
            if g.alive[v] {
                g.remove(v);
                front.push(v);
            }
            continue;
        }
        // Largest delta, lowest index on ties; entries whose delta changed since are stale.
        let Some((_, Reverse(best))) = std::iter::from_fn(|| g.by_delta.pop())
            .find(|&(d, Reverse(v))| g.alive[v] && g.delta[v] == d)
        else {
            break;
        };
        g.remove(best);
        front.push(best);
    }
    back.reverse();
    front.extend(back);
    front
}

/// The state of [`greedy_order`]: remaining degrees and the queues of sinks and sources.
struct Greedy {
    outs: Vec<Vec<(usize, i64)>>,
    ins: Vec<Vec<(usize, i64)>>,
    /// Out-weight minus in-weight among the nodes left.
    delta: Vec<i64>,
    out_k: Vec<usize>,
    in_k: Vec<usize>,
    alive: Vec<bool>,
    sinks: BinaryHeap<Reverse<usize>>,
    sources: BinaryHeap<Reverse<usize>>,
    /// (delta, node) of the nodes left, with stale entries for changed deltas.
    by_delta: BinaryHeap<(i64, Reverse<usize>)>,
}

impl Greedy {
    fn remove(&mut self, v: usize) {
        self.alive[v] = false;
        for &(b, w) in &self.outs[v] {
            self.in_k[b] -= 1;
            self.delta[b] += w;
            self.by_delta.push((self.delta[b], Reverse(b)));
            if self.alive[b] && self.in_k[b] == 0 {
                self.sources.push(Reverse(b));
            }
        }
        for &(a, w) in &self.ins[v] {
            self.out_k[a] -= 1;
            self.delta[a] -= w;
            self.by_delta.push((self.delta[a], Reverse(a)));
            if self.alive[a] && self.out_k[a] == 0 {
                self.sinks.push(Reverse(a));
            }
        }
    }
}

/// Longest-path layering, then median moves within each node's feasible range.
pub(super) fn assign_layers(n: usize, d: &Directed) -> Vec<usize> {
    let order = &d.order;
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &e in &d.normal {
        let (t, h) = d.ends(e);
        succs[t].push(h);
        preds[h].push(t);
    }
    let mut layer = vec![0usize; n];
    // `order` is a topological order of the layered direction.
    for &v in order {
        for &s in &succs[v] {
            layer[s] = layer[s].max(layer[v] + 1);
        }
    }
    for _ in 0..20 {
        let mut moved = false;
        for &v in order {
            let lo = preds[v].iter().map(|&p| layer[p] + 1).max().unwrap_or(0);
            let hi = succs[v].iter().map(|&s| layer[s] - 1).min();
            let mut wants: Vec<usize> = preds[v]
                .iter()
                .map(|&p| layer[p] + 1)
                .chain(succs[v].iter().map(|&s| layer[s] - 1))
                .collect();
            if wants.is_empty() {
                continue;
            }
            wants.sort_unstable();
            // The lower median: ties keep nodes to the left.
            let mut target = wants[(wants.len() - 1) / 2].max(lo);
            if let Some(hi) = hi {
                target = target.min(hi);
            }
            if target != layer[v] {
                // Only move when it shortens the edges.
                let cost = |l: usize| wants.iter().map(|&w| w.abs_diff(l)).sum::<usize>();
                if cost(target) < cost(layer[v]) {
                    layer[v] = target;
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
    let min = layer.iter().copied().min().unwrap_or(0);
    layer.iter_mut().for_each(|l| *l -= min);
    layer
}

/// The expanded graph: node `v` on rank `2 · layer[v]`, and on every rank an edge crosses a
/// dummy vertex (the one on the middle odd rank carries its label); segments join
/// consecutive vertices of each edge's chain, heavier between dummies so long edges run
/// straight. `room` is each node's (room above, width) for its self-loops.
pub(super) fn expand(
    d: &Directed,
    layer: &[usize],
    sizes: &[Size],
    room: &[(f64, f64)],
) -> Expanded {
    let n = sizes.len();
    let edges = d.edges;
    let mut verts: Vec<Vertex> = (0..n)
        .map(|v| Vertex {
            kind: Kind::Real(v),
            rank: 2 * layer[v],
            above: sizes[v].h / 2.0 + room[v].0,
            below: sizes[v].h / 2.0,
            depth: sizes[v].w.max(room[v].1),
        })
        .collect();
    // Chain of vertices of each normal edge, tail to head.
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
    for &e in &d.normal {
        let (t, h) = d.ends(e);
        let (rt, rh) = (2 * layer[t], 2 * layer[h]);
        let label_rank = rt + 1 + 2 * (((rh - rt) / 2 - 1) / 2);
        let stroke = edges[e].stroke;
        let mut chain = vec![t];
        for r in rt + 1..rh {
            let label = r == label_rank;
            let lab = edges[e].label;
            verts.push(Vertex {
                kind: Kind::Dummy { edge: e, label },
                rank: r,
                above: if label {
                    lab.h + LABEL_LIFT + stroke / 2.0
                } else {
                    stroke / 2.0 + 1.0
                },
                below: stroke / 2.0 + 1.0,
                depth: if label { lab.w } else { 0.0 },
            });
            chain.push(verts.len() - 1);
        }
        chain.push(h);
        chains[e] = chain;
    }
    let ranks = verts.iter().map(|v| v.rank + 1).max().unwrap_or(0);
    // Segments (upper-rank vertex, lower-rank vertex, weight).
    let mut segs: Vec<(usize, usize, f64)> = Vec::new();
    for chain in chains.iter().filter(|c| !c.is_empty()) {
        for w in chain.windows(2) {
            let dummies = [w[0], w[1]].iter().filter(|&&x| x >= n).count();
            segs.push((w[0], w[1], [1.0, 2.0, 8.0][dummies]));
        }
    }
    let mut up: Vec<Vec<Neighbour>> = vec![Vec::new(); verts.len()];
    let mut down: Vec<Vec<Neighbour>> = vec![Vec::new(); verts.len()];
    for &(a, b, w) in &segs {
        down[a].push((b, w));
        up[b].push((a, w));
    }
    Expanded {
        verts,
        chains,
        segs,
        up,
        down,
        ranks,
    }
}
