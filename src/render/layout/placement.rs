//! Placement: how big each node grows for its ports and self-loops, where each vertex sits
//! across the flow (weighted isotonic regression under minimum separations), and the
//! columns along the flow.

use super::routing::{port_room, self_loop_lift};
use super::{Adj, DUMMY_GAP, Expanded, LayoutEdge, MAX_RANK_GAP, MIN_RANK_GAP, NODE_GAP};
use super::{Columns, Directed, Neighbour, Size, Vertex};

/// Room above each node for its self-loops, and the width they need: (room, width).
pub(super) fn self_loop_room(sizes: &[Size], edges: &[LayoutEdge]) -> Vec<(f64, f64)> {
    let n = sizes.len();
    let mut loop_room = vec![0.0f64; n];
    let mut loop_width = vec![0.0f64; n];
    let mut loop_count = vec![0usize; n];
    for e in (0..edges.len()).filter(|&e| edges[e].from == edges[e].to && edges[e].from < n) {
        let v = edges[e].from;
        let lift = self_loop_lift(loop_count[v]);
        loop_count[v] += 1;
        loop_room[v] += edges[e].label.h + 4.0;
        let label_left = edges[e].label.w + 2.0 - 0.15 * sizes[v].w;
        let curve_right = sizes[v].w / 2.0 + 0.5 * lift;
        loop_width[v] = loop_width[v].max(2.0 * label_left.max(curve_right));
        loop_room[v] = loop_room[v].max(0.5 * lift + 6.0);
    }
    loop_room.into_iter().zip(loop_width).collect()
}

/// Grows nodes so the ports on each side fit: tails need their stroke, heads their
/// arrowhead.
pub(super) fn grow_for_ports(sizes: &mut [Size], d: &Directed) {
    let edges = d.edges;
    let mut side_need = vec![[0.0f64; 2]; sizes.len()];
    for &e in &d.normal {
        let (t, h) = d.ends(e);
        let (head, tail) = if d.reversed[e] { (t, h) } else { (h, t) };
        let (tail_side, head_side) = if d.reversed[e] { (0, 1) } else { (1, 0) };
        side_need[tail][tail_side] += port_room(edges[e].stroke, false);
        side_need[head][head_side] += port_room(edges[e].stroke, true);
    }
    for (size, need) in sizes.iter_mut().zip(&side_need) {
        let need = need[0].max(need[1]);
        size.h = size.h.max(need / 0.8);
    }
}

/// Expanded graphs with more vertices than this get fewer placement and ordering sweeps.
pub(super) const BIG_GRAPH: usize = 100_000;

/// Anchor positions across the flow, rank by rank, by weighted isotonic regression.
pub(super) fn place(
    verts: &[Vertex],
    ranks: &[Vec<usize>],
    up: &Adj,
    down: &Adj,
    n: usize,
) -> Vec<f64> {
    let mut y = vec![0.0f64; verts.len()];
    let sep = |a: usize, b: usize| {
        let gap = if a < n && b < n { NODE_GAP } else { DUMMY_GAP };
        verts[a].below + gap + verts[b].above
    };
    // Initial packing, centred on 0.
    for rank in ranks {
        let mut acc = 0.0;
        for (i, &v) in rank.iter().enumerate() {
            if i > 0 {
                acc += sep(rank[i - 1], v);
            }
            y[v] = acc;
        }
        let mid = acc / 2.0;
        rank.iter().for_each(|&v| y[v] -= mid);
    }
    let order: Vec<usize> = (0..ranks.len()).collect();
    // Each sweep is linear in the expanded graph; on big graphs (dummies multiply the edges
    // by the layers they span) fewer sweeps keep the layout within seconds per 100k vertices.
    let sweeps = if verts.len() > BIG_GRAPH { 8 } else { 30 };
    for iter in 0..sweeps {
        let sweep: Vec<usize> = if iter % 2 == 0 {
            order.clone()
        } else {
            order.iter().rev().copied().collect()
        };
        for &r in &sweep {
            let rank = &ranks[r];
            if rank.is_empty() {
                continue;
            }
            let mut targets = Vec::with_capacity(rank.len());
            let mut weights = Vec::with_capacity(rank.len());
            for &v in rank {
                // First from above, then from below, then both ways.
                let (a, b): (&[Neighbour], &[Neighbour]) = match iter {
                    0 => (&up[v], &[]),
                    1 => (&down[v], &[]),
                    _ => (&up[v], &down[v]),
                };
                let (s, w) = a
                    .iter()
                    .chain(b)
                    .fold((0.0, 0.0), |(s, w), &(u, wt)| (s + y[u] * wt, w + wt));
                if w > 0.0 {
                    targets.push(s / w);
                    weights.push(w);
                } else {
                    targets.push(y[v]);
                    weights.push(0.05);
                }
            }
            let mut offsets = vec![0.0; rank.len()];
            for i in 1..rank.len() {
                offsets[i] = offsets[i - 1] + sep(rank[i - 1], rank[i]);
            }
            let z: Vec<f64> = targets.iter().zip(&offsets).map(|(t, o)| t - o).collect();
            let fitted = isotonic(&z, &weights);
            for (i, &v) in rank.iter().enumerate() {
                y[v] = fitted[i] + offsets[i];
            }
        }
    }
    y
}

/// Non-decreasing least-squares fit of `z` with `weights` (pool adjacent violators).
fn isotonic(z: &[f64], weights: &[f64]) -> Vec<f64> {
    // Blocks of (mean, weight, count).
    let mut blocks: Vec<(f64, f64, usize)> = Vec::with_capacity(z.len());
    for (&v, &w) in z.iter().zip(weights) {
        blocks.push((v, w, 1));
        while blocks.len() > 1 {
            let (m2, w2, c2) = blocks[blocks.len() - 1];
            let (m1, w1, c1) = blocks[blocks.len() - 2];
            if m1 <= m2 {
                break;
            }
            blocks.pop();
            let w = w1 + w2;
            *blocks.last_mut().expect("two blocks") = ((m1 * w1 + m2 * w2) / w, w, c1 + c2);
        }
    }
    blocks
        .into_iter()
        .flat_map(|(m, _, c)| std::iter::repeat_n(m, c))
        .collect()
}

/// Columns along the flow: each rank as deep as its deepest vertex, and gaps wide enough
/// for the segments leaving it to slope gently.
pub(super) fn columns(g: &Expanded, y: &[f64]) -> Columns {
    let ranks = g.ranks;
    let mut depth = vec![0.0f64; ranks];
    for v in &g.verts {
        depth[v.rank] = depth[v.rank].max(v.depth);
    }
    let mut gap = vec![MIN_RANK_GAP; ranks];
    for &(a, b, _) in &g.segs {
        let r = g.verts[a].rank;
        gap[r] = gap[r].max((y[a] - y[b]).abs() * 0.5);
    }
    let mut x = vec![0.0f64; ranks];
    for r in 1..ranks {
        x[r] = x[r - 1] + depth[r - 1] / 2.0 + gap[r - 1].min(MAX_RANK_GAP) + depth[r] / 2.0;
    }
    Columns { depth, x }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn isotonic_pools_violators() {
        assert_eq!(
            isotonic(&[1.0, 3.0, 2.0], &[1.0, 1.0, 1.0]),
            [1.0, 2.5, 2.5]
        );
        assert_eq!(isotonic(&[3.0, 1.0], &[3.0, 1.0]), [2.5, 2.5]);
    }
}
