//! A layered (Sugiyama-style) layout for the builtin SVG renderer, flowing left to right:
//!
//! 1. **Cycles** are broken with the weighted greedy heuristic of Eades, Lin and Smyth;
//!    callers weight the edges they want to keep pointing right (financing) higher.
//! 2. **Layers**: longest path, then each node moves to the weighted median of its
//!    neighbours' layers within its feasible range (a cheap stand-in for network simplex).
//! 3. Layers are doubled: nodes sit on even ranks, and every edge gets a dummy vertex on each
//!    rank it crosses; its **label** is a dummy box on an odd rank, so labels take part in
//!    ordering and spacing like nodes do and can never overlap them.
//! 4. **Ordering**: barycentre sweeps down and up with adjacent transpositions, keeping the
//!    order with the fewest crossings.
//! 5. **Coordinates**: each rank is placed by weighted isotonic regression (pool adjacent
//!    violators), pulling every vertex toward its neighbours under minimum separations;
//!    long edges weigh more, so they run straight.
//! 6. **Routing**: inside a rank's column every edge runs horizontally (under its label),
//!    and between columns it follows an S-shaped cubic curve with horizontal tangents, so
//!    no edge crosses a node or a label box. Edges leave and enter nodes at distinct ports
//!    sorted by where they go, and arrive horizontally.
//!
//! Everything is deterministic: ties are broken by index.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::style::Shape;

/// Width and height in points.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Size {
    pub w: f64,
    pub h: f64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// A node to place: its size and outline (edges stop at the outline).
#[derive(Clone, Copy, Debug)]
pub struct LayoutNode {
    pub size: Size,
    pub shape: Shape,
}

/// An edge to route, from payer to payee.
#[derive(Clone, Copy, Debug)]
pub struct LayoutEdge {
    pub from: usize,
    pub to: usize,
    /// The label box drawn on the edge (zero for none).
    pub label: Size,
    /// Stroke width, for spacing parallel edges.
    pub stroke: f64,
    /// How much it costs to draw this edge pointing left (cycle breaking).
    pub weight: u32,
}

/// An edge's path: `start`, then cubic Bézier segments `[control1, control2, end]`. The last
/// segment arrives at the target outline; the label box is centred on `label`.
#[derive(Clone, Debug, PartialEq)]
pub struct Route {
    pub start: Point,
    pub curves: Vec<[Point; 3]>,
    pub label: Point,
}

impl Route {
    /// The end point and the unit direction the path arrives in.
    pub fn end(&self) -> (Point, Point) {
        let prev = self.curves.last().map_or(self.start, |c| c[1]);
        let end = self.curves.last().map_or(self.start, |c| c[2]);
        let (dx, dy) = (end.x - prev.x, end.y - prev.y);
        let len = (dx * dx + dy * dy).sqrt();
        if len < 1e-9 {
            return (end, Point { x: 1.0, y: 0.0 });
        }
        (
            end,
            Point {
                x: dx / len,
                y: dy / len,
            },
        )
    }
}

/// Where everything goes. Coordinates start at (0, 0) and fit in `width` × `height`.
#[derive(Clone, Debug, PartialEq)]
pub struct Layout {
    /// Node centres.
    pub nodes: Vec<Point>,
    /// Node sizes (grown when many edges meet a node).
    pub sizes: Vec<Size>,
    pub edges: Vec<Route>,
    pub width: f64,
    pub height: f64,
}

/// Gap between nodes in one rank, and between any two boxes when a dummy is involved.
const NODE_GAP: f64 = 22.0;
const DUMMY_GAP: f64 = 6.0;
/// Smallest and largest horizontal gap between two columns.
const MIN_RANK_GAP: f64 = 34.0;
const MAX_RANK_GAP: f64 = 150.0;
/// Space between an edge and its label above it.
const LABEL_LIFT: f64 = 2.0;

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Real(usize),
    /// A dummy of edge `e`; `label` when it carries the label.
    Dummy {
        edge: usize,
        label: bool,
    },
}

#[derive(Clone, Debug)]
struct Vertex {
    kind: Kind,
    rank: usize,
    /// Extent above and below the anchor line, and depth along the flow.
    above: f64,
    below: f64,
    depth: f64,
}

/// Lays out `nodes` and `edges`, flowing left to right. Self-loops are drawn on top of their
/// node.
///
/// Arguments: node sizes and outlines; edges by node index, with their label sizes, stroke
/// widths and how much they resist pointing left. Returns node centres (and sizes, grown
/// where many edges meet), one route per edge in input order, and the overall size.
///
/// ```
/// use dealgraph::render::layout::{layout, LayoutEdge, LayoutNode, Size};
/// use dealgraph::render::style::Shape;
/// //  a ──▶ b      a investing in b (weight 4) keeps pointing right;
/// //  ▲     │      c paying a closes the loop and is the edge drawn backwards.
/// //  └─ c ◀┘
/// let node = LayoutNode { size: Size { w: 60.0, h: 24.0 }, shape: Shape::RoundedBox };
/// let edge = |from, to, weight| LayoutEdge {
///     from, to, label: Size { w: 50.0, h: 12.0 }, stroke: 2.0, weight,
/// };
/// let placed = layout(&[node; 3], &[edge(0, 1, 4), edge(1, 2, 1), edge(2, 0, 1)]);
/// assert!(placed.nodes[0].x < placed.nodes[1].x);
/// assert_eq!(placed.edges.len(), 3);
/// ```
///
/// Complexity: `O(S · (V + E) log(V + E))` for S sweeps over the expanded graph (edges
/// spanning many layers add a dummy per layer); the transposition step is skipped on big
/// graphs.
pub fn layout(nodes: &[LayoutNode], edges: &[LayoutEdge]) -> Layout {
    let n = nodes.len();
    let mut sizes: Vec<Size> = nodes.iter().map(|n| n.size).collect();
    let normal: Vec<usize> = (0..edges.len())
        .filter(|&e| edges[e].from != edges[e].to && edges[e].from < n && edges[e].to < n)
        .collect();

    // 1. Cycle breaking.
    let order = greedy_order(n, edges, &normal);
    let mut pos = vec![0; n];
    for (i, &v) in order.iter().enumerate() {
        pos[v] = i;
    }
    // Layered direction of each edge: (tail, head) with tail before head.
    let reversed: Vec<bool> = (0..edges.len())
        .map(|e| pos[edges[e].from] > pos[edges[e].to])
        .collect();
    let ends = |e: usize| {
        if reversed[e] {
            (edges[e].to, edges[e].from)
        } else {
            (edges[e].from, edges[e].to)
        }
    };

    // 2. Layers.
    let layer = assign_layers(n, &order, &normal, &ends);

    // Self-loops need room above their node.
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

    // Grow nodes so the ports on each side fit: tails need their stroke, heads their
    // arrowhead.
    let mut side_need = vec![[0.0f64; 2]; n];
    for &e in &normal {
        let (t, h) = ends(e);
        let (head, tail) = if reversed[e] { (t, h) } else { (h, t) };
        let (tail_side, head_side) = if reversed[e] { (0, 1) } else { (1, 0) };
        side_need[tail][tail_side] += port_room(edges[e].stroke, false);
        side_need[head][head_side] += port_room(edges[e].stroke, true);
    }
    for v in 0..n {
        let need = side_need[v][0].max(side_need[v][1]);
        sizes[v].h = sizes[v].h.max(need / 0.8);
    }

    // 3. Expanded graph: vertices on ranks, segments between consecutive ranks.
    let mut verts: Vec<Vertex> = (0..n)
        .map(|v| Vertex {
            kind: Kind::Real(v),
            rank: 2 * layer[v],
            above: sizes[v].h / 2.0 + loop_room[v],
            below: sizes[v].h / 2.0,
            depth: sizes[v].w.max(loop_width[v]),
        })
        .collect();
    // Chain of vertices of each normal edge, tail to head.
    let mut chains: Vec<Vec<usize>> = vec![Vec::new(); edges.len()];
    for &e in &normal {
        let (t, h) = ends(e);
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
    let mut up: Vec<Vec<(usize, f64)>> = vec![Vec::new(); verts.len()];
    let mut down: Vec<Vec<(usize, f64)>> = vec![Vec::new(); verts.len()];
    for &(a, b, w) in &segs {
        down[a].push((b, w));
        up[b].push((a, w));
    }

    // 4. Ordering.
    let mut rank_of: Vec<Vec<usize>> = vec![Vec::new(); ranks];
    for (i, v) in verts.iter().enumerate() {
        rank_of[v.rank].push(i);
    }
    let rank_of = order_ranks(rank_of, &up, &down, verts.len());

    // 5. Coordinates across the flow.
    let y = place(&verts, &rank_of, &up, &down, n);

    // 6. Columns along the flow.
    let mut depth = vec![0.0f64; ranks];
    for v in &verts {
        depth[v.rank] = depth[v.rank].max(v.depth);
    }
    let mut gap = vec![MIN_RANK_GAP; ranks];
    for &(a, b, _) in &segs {
        let r = verts[a].rank;
        gap[r] = gap[r].max((y[a] - y[b]).abs() * 0.5);
    }
    let mut col_x = vec![0.0f64; ranks];
    for r in 1..ranks {
        col_x[r] =
            col_x[r - 1] + depth[r - 1] / 2.0 + gap[r - 1].min(MAX_RANK_GAP) + depth[r] / 2.0;
    }
    let x_of = |v: usize| col_x[verts[v].rank];

    // Ports: edges leave a node's right side and enter its left side in the order of the
    // vertices they come from or go to.
    let mut port = vec![[0.0f64; 2]; edges.len()]; // [tail port y, head port y]
    let mut at_side: Vec<[Vec<(f64, usize)>; 2]> = vec![[Vec::new(), Vec::new()]; n];
    for &e in &normal {
        let (t, h) = ends(e);
        let c = &chains[e];
        at_side[t][1].push((y[c[1]], e));
        at_side[h][0].push((y[c[c.len() - 2]], e));
    }
    for (v, sides) in at_side.iter_mut().enumerate() {
        for (side, list) in sides.iter_mut().enumerate() {
            list.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            // Room of each port: arrowheads where the payee is on this side.
            let room: Vec<f64> = list
                .iter()
                .map(|&(_, e)| port_room(edges[e].stroke, edges[e].to == v))
                .collect();
            let total: f64 = room.iter().sum();
            let spread = (sizes[v].h * 0.6 / total.max(1e-9)).clamp(1.0, 1.5);
            let mut acc = 0.0;
            let mut centres = Vec::with_capacity(room.len());
            for (i, r) in room.iter().enumerate() {
                if i > 0 {
                    acc += (room[i - 1] + r) / 2.0 * spread;
                }
                centres.push(acc);
            }
            let mid = acc / 2.0;
            for (i, &(_, e)) in list.iter().enumerate() {
                port[e][if side == 1 { 0 } else { 1 }] = y[v] + centres[i] - mid;
            }
        }
    }

    let mut routes: Vec<Route> = Vec::with_capacity(edges.len());
    for (e, edge) in edges.iter().enumerate() {
        if edge.from >= n || edge.to >= n {
            routes.push(Route {
                start: Point::default(),
                curves: Vec::new(),
                label: Point::default(),
            });
            continue;
        }
        if edge.from == edge.to {
            routes.push(Route {
                start: Point::default(),
                curves: Vec::new(),
                label: Point::default(),
            });
            continue;
        }
        let chain = &chains[e];
        let (t, h) = (chain[0], chain[chain.len() - 1]);
        let mut pts: Vec<Point> = Vec::new();
        let ty = port[e][0];
        let tx = x_of(t) + outline_x(nodes[t].shape, sizes[t], ty - y[t]);
        pts.push(Point { x: tx, y: ty });
        pts.push(Point {
            x: x_of(t) + depth[verts[t].rank] / 2.0,
            y: ty,
        });
        let mut label = Point::default();
        for &d in &chain[1..chain.len() - 1] {
            let r = verts[d].rank;
            pts.push(Point {
                x: col_x[r] - depth[r] / 2.0,
                y: y[d],
            });
            pts.push(Point {
                x: col_x[r] + depth[r] / 2.0,
                y: y[d],
            });
            if let Kind::Dummy { label: true, .. } = verts[d].kind {
                label = Point {
                    x: col_x[r],
                    y: y[d] - edge.stroke / 2.0 - LABEL_LIFT - edge.label.h / 2.0,
                };
            }
        }
        let hy = port[e][1];
        pts.push(Point {
            x: x_of(h) - depth[verts[h].rank] / 2.0,
            y: hy,
        });
        pts.push(Point {
            x: x_of(h) - outline_x(nodes[h].shape, sizes[h], hy - y[h]),
            y: hy,
        });
        pts.dedup_by(|a, b| (a.x - b.x).abs() < 1e-6 && (a.y - b.y).abs() < 1e-6);
        if reversed[e] {
            pts.reverse();
        }
        routes.push(s_curves(&pts, label));
    }

    let mut centres: Vec<Point> = (0..n)
        .map(|v| Point {
            x: x_of(v),
            y: y[v],
        })
        .collect();

    // Self-loops over the top right of their node, nested, labels stacked at their left.
    let mut stacked = vec![(0usize, 0.0f64); n];
    for (e, edge) in edges.iter().enumerate() {
        if edge.from != edge.to || edge.from >= n {
            continue;
        }
        let v = edge.from;
        let (c, s) = (centres[v], sizes[v]);
        let (k, below) = stacked[v];
        let lift = self_loop_lift(k);
        let top = c.y - s.h / 2.0;
        let start = Point {
            x: c.x + s.w * 0.15,
            y: top,
        };
        let end_y = c.y - s.h * 0.15;
        let end = Point {
            x: c.x + outline_x(nodes[v].shape, s, end_y - c.y),
            y: end_y,
        };
        routes[e] = Route {
            start,
            curves: vec![[
                Point {
                    x: start.x,
                    y: top - lift,
                },
                Point {
                    x: c.x + s.w / 2.0 + lift,
                    y: end_y,
                },
                end,
            ]],
            label: Point {
                x: start.x - 2.0 - edge.label.w / 2.0,
                y: top - 4.0 - below - edge.label.h / 2.0,
            },
        };
        stacked[v] = (k + 1, below + edge.label.h + 4.0);
    }

    // Shift into positive coordinates.
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    let mut grow = |p: Point, hw: f64, hh: f64| {
        min_x = min_x.min(p.x - hw);
        max_x = max_x.max(p.x + hw);
        min_y = min_y.min(p.y - hh);
        max_y = max_y.max(p.y + hh);
    };
    for (c, s) in centres.iter().zip(&sizes) {
        grow(*c, s.w / 2.0, s.h / 2.0);
    }
    for (r, edge) in routes.iter().zip(edges) {
        if r.curves.is_empty() {
            continue;
        }
        grow(r.start, 0.0, 0.0);
        for c in &r.curves {
            for p in c {
                grow(*p, edge.stroke, edge.stroke);
            }
        }
        grow(r.label, edge.label.w / 2.0, edge.label.h / 2.0);
    }
    if min_x > max_x {
        return Layout {
            nodes: centres,
            sizes,
            edges: routes,
            width: 0.0,
            height: 0.0,
        };
    }
    let shift = |p: &mut Point| {
        p.x -= min_x;
        p.y -= min_y;
    };
    centres.iter_mut().for_each(shift);
    for r in &mut routes {
        shift(&mut r.start);
        shift(&mut r.label);
        for c in &mut r.curves {
            c.iter_mut().for_each(shift);
        }
    }
    Layout {
        nodes: centres,
        sizes,
        edges: routes,
        width: max_x - min_x,
        height: max_y - min_y,
    }
}

/// Arrowhead length and half-width for a line of `stroke` width.
pub fn arrow_size(stroke: f64) -> (f64, f64) {
    (5.0 + 1.4 * stroke, 2.2 + 0.8 * stroke)
}

/// Room an edge end takes on a node side: its stroke, or its arrowhead.
fn port_room(stroke: f64, arrow: bool) -> f64 {
    if arrow {
        2.0 * arrow_size(stroke).1 + 1.5
    } else {
        stroke + 3.0
    }
}

/// How far the `k`-th self-loop of a node reaches out.
fn self_loop_lift(k: usize) -> f64 {
    24.0 + 12.0 * k as f64
}

/// Half-width of a node's outline at vertical offset `dy` from its centre.
pub fn outline_x(shape: Shape, size: Size, dy: f64) -> f64 {
    let (hw, hh) = (size.w / 2.0, size.h / 2.0);
    let t = (dy.abs() / hh.max(1e-9)).min(1.0);
    match shape {
        Shape::RoundedBox | Shape::Cylinder => hw,
        Shape::Ellipse => hw * (1.0 - t * t).max(0.0).sqrt(),
        Shape::Hexagon => hw - slant(size) * t,
        Shape::Octagon => {
            let cut = octagon_cut(size);
            // Straight sides within the middle, chamfers beyond.
            let straight = (hh - cut) / hh.max(1e-9);
            if t <= straight {
                hw
            } else {
                hw - cut * (t - straight) / (1.0 - straight).max(1e-9)
            }
        }
        // The slanted sides: the average of both sides is the half-width.
        Shape::Parallelogram => hw - slant(size) / 2.0,
    }
}

/// Horizontal inset of the hexagon's and parallelogram's slanted sides.
pub fn slant(size: Size) -> f64 {
    (size.h * 0.45).min(size.w * 0.25)
}

/// Size of the octagon's cut corners.
pub fn octagon_cut(size: Size) -> f64 {
    (size.h * 0.3).min(size.w * 0.2)
}

/// Cubic S-curves with horizontal tangents through consecutive points.
fn s_curves(pts: &[Point], label: Point) -> Route {
    let start = pts.first().copied().unwrap_or_default();
    let curves = pts
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let mid = (b.x - a.x) / 2.0;
            [
                Point {
                    x: a.x + mid,
                    y: a.y,
                },
                Point {
                    x: b.x - mid,
                    y: b.y,
                },
                b,
            ]
        })
        .collect();
    Route {
        start,
        curves,
        label,
    }
}

/// Eades–Lin–Smyth: sinks to the back, sources to the front, otherwise the node with the
/// largest (out − in) weight next (lowest index on ties). Edges pointing backwards in the
/// result are reversed. `O(V² + E log V)` in the worst case, near-linear when most nodes are
/// sources or sinks.
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
        let Some(best) = (0..n)
            .filter(|&v| g.alive[v])
            .max_by(|&a, &b| g.delta[a].cmp(&g.delta[b]).then(b.cmp(&a)))
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
}

impl Greedy {
    fn remove(&mut self, v: usize) {
        self.alive[v] = false;
        for &(b, w) in &self.outs[v] {
            self.in_k[b] -= 1;
            self.delta[b] += w;
            if self.alive[b] && self.in_k[b] == 0 {
                self.sources.push(Reverse(b));
            }
        }
        for &(a, w) in &self.ins[v] {
            self.out_k[a] -= 1;
            self.delta[a] -= w;
            if self.alive[a] && self.out_k[a] == 0 {
                self.sinks.push(Reverse(a));
            }
        }
    }
}

/// Longest-path layering, then median moves within each node's feasible range.
fn assign_layers(
    n: usize,
    order: &[usize],
    normal: &[usize],
    ends: &dyn Fn(usize) -> (usize, usize),
) -> Vec<usize> {
    let mut preds: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &e in normal {
        let (t, h) = ends(e);
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

/// A neighbouring vertex and the weight of the segment to it.
type Neighbour = (usize, f64);
type Adj = [Vec<Neighbour>];

/// Barycentre sweeps with transpositions; the order with the fewest crossings wins.
fn order_ranks(mut ranks: Vec<Vec<usize>>, up: &Adj, down: &Adj, nv: usize) -> Vec<Vec<usize>> {
    let mut pos = vec![0.0f64; nv];
    let set_pos = |rank: &[usize], pos: &mut Vec<f64>| {
        for (i, &v) in rank.iter().enumerate() {
            pos[v] = i as f64;
        }
    };
    // Initial order: by barycentre of the rank above, downwards.
    for rank in &ranks {
        set_pos(rank, &mut pos);
    }
    for rank in ranks.iter_mut().skip(1) {
        sort_by_barycentre(rank, up, &pos);
        set_pos(rank, &mut pos);
    }
    let mut best = ranks.clone();
    let mut best_crossings = total_crossings(&ranks, down, nv);
    let small = nv < 1500;
    for iter in 0..24 {
        if iter % 2 == 0 {
            for rank in ranks.iter_mut().skip(1) {
                sort_by_barycentre(rank, up, &pos);
                set_pos(rank, &mut pos);
            }
        } else {
            let last = ranks.len().saturating_sub(1);
            for rank in ranks[..last].iter_mut().rev() {
                sort_by_barycentre(rank, down, &pos);
                set_pos(rank, &mut pos);
            }
        }
        if small {
            transpose(&mut ranks, up, down, &mut pos);
        }
        let c = total_crossings(&ranks, down, nv);
        if c < best_crossings {
            best_crossings = c;
            best = ranks.clone();
        }
        if best_crossings == 0 {
            break;
        }
    }
    best
}

fn sort_by_barycentre(rank: &mut [usize], adj: &Adj, pos: &[f64]) {
    let mut keyed: Vec<(f64, f64, usize)> = rank
        .iter()
        .map(|&v| {
            let (s, w) = adj[v]
                .iter()
                .fold((0.0, 0.0), |(s, w), &(u, wt)| (s + pos[u] * wt, w + wt));
            let key = if w > 0.0 { s / w } else { pos[v] };
            (key, pos[v], v)
        })
        .collect();
    keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
    for (slot, (_, _, v)) in rank.iter_mut().zip(keyed) {
        *slot = v;
    }
}

/// Swaps neighbours in a rank while that removes crossings.
fn transpose(ranks: &mut [Vec<usize>], up: &Adj, down: &Adj, pos: &mut [f64]) {
    let pair_crossings = |a: usize, b: usize, pos: &[f64]| -> usize {
        // Crossings between a's and b's segments when a is above b.
        let mut c = 0;
        for adj in [up, down] {
            for &(x, _) in &adj[a] {
                for &(y, _) in &adj[b] {
                    if pos[x] > pos[y] {
                        c += 1;
                    }
                }
            }
        }
        c
    };
    for _ in 0..4 {
        let mut improved = false;
        for rank in ranks.iter_mut() {
            for i in 0..rank.len().saturating_sub(1) {
                let (a, b) = (rank[i], rank[i + 1]);
                if pair_crossings(a, b, pos) > pair_crossings(b, a, pos) {
                    rank.swap(i, i + 1);
                    pos[a] = (i + 1) as f64;
                    pos[b] = i as f64;
                    improved = true;
                }
            }
        }
        if !improved {
            break;
        }
    }
}

/// Crossings between every pair of consecutive ranks (inversions counted with a Fenwick tree).
fn total_crossings(ranks: &[Vec<usize>], down: &Adj, nv: usize) -> usize {
    let mut pos = vec![0usize; nv];
    for r in ranks {
        for (i, &v) in r.iter().enumerate() {
            pos[v] = i;
        }
    }
    let mut total = 0;
    for r in 0..ranks.len().saturating_sub(1) {
        let mut segs: Vec<(usize, usize)> = ranks[r]
            .iter()
            .flat_map(|&a| down[a].iter().map(move |&(b, _)| (a, b)))
            .map(|(a, b)| (pos[a], pos[b]))
            .collect();
        segs.sort_unstable();
        let size = ranks[r + 1].len() + 1;
        let mut tree = vec![0usize; size + 1];
        for (seen, &(_, b)) in segs.iter().enumerate() {
            // Count earlier segments whose lower end is strictly below b.
            let mut i = b + 1;
            let mut not_greater = 0;
            while i > 0 {
                not_greater += tree[i];
                i &= i - 1;
            }
            total += seen - not_greater;
            let mut i = b + 1;
            while i <= size {
                tree[i] += 1;
                i += i & i.wrapping_neg();
            }
        }
    }
    total
}

/// Anchor positions across the flow, rank by rank, by weighted isotonic regression.
fn place(verts: &[Vertex], ranks: &[Vec<usize>], up: &Adj, down: &Adj, n: usize) -> Vec<f64> {
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
    for iter in 0..30 {
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

/// Checks a layout: no two node or label boxes overlap, every route ends on its target's box,
/// and no route passes through a node other than its own ends or through another edge's
/// label. The error names the offence.
#[cfg(test)]
pub(crate) fn check_layout(
    nodes: &[LayoutNode],
    edges: &[LayoutEdge],
    l: &Layout,
) -> Result<(), String> {
    let node_box = |i: usize| (l.nodes[i], l.sizes[i]);
    let inside = |p: Point, (c, s): (Point, Size), shrink: f64| {
        (p.x - c.x).abs() < s.w / 2.0 - shrink && (p.y - c.y).abs() < s.h / 2.0 - shrink
    };
    let mut boxes: Vec<(String, Point, Size)> = (0..nodes.len())
        .map(|i| (format!("node {i}"), l.nodes[i], l.sizes[i]))
        .collect();
    for (e, edge) in edges.iter().enumerate() {
        if edge.label.w > 0.0 {
            boxes.push((format!("label {e}"), l.edges[e].label, edge.label));
        }
    }
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            let ((a, pa, sa), (b, pb, sb)) = (&boxes[i], &boxes[j]);
            if (pa.x - pb.x).abs() < (sa.w + sb.w) / 2.0 - 0.5
                && (pa.y - pb.y).abs() < (sa.h + sb.h) / 2.0 - 0.5
            {
                return Err(format!("{a} overlaps {b}"));
            }
        }
    }
    for (e, (edge, route)) in edges.iter().zip(&l.edges).enumerate() {
        let (end, _) = route.end();
        if !inside(end, node_box(edge.to), -0.5) {
            return Err(format!("edge {e} ends off its target"));
        }
        let mut prev = route.start;
        for c in &route.curves {
            for k in 0..=40 {
                let t = f64::from(k) / 40.0;
                let u = 1.0 - t;
                let p = Point {
                    x: u * u * u * prev.x
                        + 3.0 * u * u * t * c[0].x
                        + 3.0 * u * t * t * c[1].x
                        + t * t * t * c[2].x,
                    y: u * u * u * prev.y
                        + 3.0 * u * u * t * c[0].y
                        + 3.0 * u * t * t * c[1].y
                        + t * t * t * c[2].y,
                };
                for v in 0..nodes.len() {
                    if v != edge.from && v != edge.to && inside(p, node_box(v), 1.0) {
                        return Err(format!("edge {e} passes through node {v}"));
                    }
                }
                for (f, other) in edges.iter().enumerate() {
                    if f != e
                        && other.label.w > 0.0
                        && inside(p, (l.edges[f].label, other.label), 1.0)
                    {
                        return Err(format!("edge {e} passes through the label of edge {f}"));
                    }
                }
            }
            prev = c[2];
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(w: f64, h: f64) -> LayoutNode {
        LayoutNode {
            size: Size { w, h },
            shape: Shape::RoundedBox,
        }
    }

    fn edge(from: usize, to: usize) -> LayoutEdge {
        LayoutEdge {
            from,
            to,
            label: Size { w: 60.0, h: 12.0 },
            stroke: 2.0,
            weight: 1,
        }
    }

    #[test]
    fn isotonic_pools_violators() {
        assert_eq!(
            isotonic(&[1.0, 3.0, 2.0], &[1.0, 1.0, 1.0]),
            [1.0, 2.5, 2.5]
        );
        assert_eq!(isotonic(&[3.0, 1.0], &[3.0, 1.0]), [2.5, 2.5]);
    }

    #[test]
    fn crossings_are_counted() {
        // a, b over c, d with a→d and b→c: one crossing.
        let ranks = vec![vec![0, 1], vec![2, 3]];
        let mut down = vec![Vec::new(); 4];
        down[0].push((3, 1.0));
        down[1].push((2, 1.0));
        assert_eq!(total_crossings(&ranks, &down, 4), 1);
    }

    #[test]
    fn cycles_break_against_light_edges_and_nothing_overlaps() {
        // 0 ⇄ 1 (0→1 heavy), 1 → 2, 2 → 0, plus parallel 0 → 1 and a self-loop on 2.
        let nodes = vec![node(80.0, 30.0), node(60.0, 30.0), node(100.0, 40.0)];
        let mut heavy = edge(0, 1);
        heavy.weight = 5;
        let edges = vec![
            heavy,
            edge(1, 0),
            edge(1, 2),
            edge(2, 0),
            edge(0, 1),
            edge(2, 2),
        ];
        let l = layout(&nodes, &edges);
        // The heavy edge points right.
        assert!(l.nodes[0].x < l.nodes[1].x);
        check_layout(&nodes, &edges, &l).unwrap();
        // Routes end on their target's outline, arriving horizontally for normal edges.
        for (r, e) in l.edges.iter().zip(&edges).take(5) {
            let (end, dir) = r.end();
            let c = l.nodes[e.to];
            let half = l.sizes[e.to].w / 2.0;
            assert!(((end.x - c.x).abs() - half).abs() < 1e-6, "{e:?}");
            assert!(dir.y.abs() < 1e-9);
        }
        assert!(l.width > 0.0 && l.height > 0.0);
    }

    #[test]
    fn layout_is_deterministic_and_handles_empty_input() {
        let nodes = vec![node(50.0, 20.0); 5];
        let edges: Vec<_> = (0..5).map(|i| edge(i, (i + 2) % 5)).collect();
        assert_eq!(layout(&nodes, &edges), layout(&nodes, &edges));
        let empty = layout(&[], &[]);
        assert_eq!(empty.width, 0.0);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// Random multigraphs with cycles, parallel edges and self-loops lay out cleanly.
        #[test]
        fn random_graphs_lay_out_without_overlaps(
            sizes in proptest::collection::vec((30.0f64..160.0, 20.0f64..60.0), 1..12),
            raw in proptest::collection::vec((0usize..12, 0usize..12, 0.0f64..120.0, 1.0f64..6.0, 1u32..5), 0..28),
        ) {
            let nodes: Vec<LayoutNode> = sizes
                .iter()
                .enumerate()
                .map(|(i, &(w, h))| LayoutNode {
                    size: Size { w, h },
                    shape: [Shape::RoundedBox, Shape::Ellipse, Shape::Hexagon, Shape::Octagon][i % 4],
                })
                .collect();
            let n = nodes.len();
            let edges: Vec<LayoutEdge> = raw
                .iter()
                .map(|&(a, b, w, stroke, weight)| LayoutEdge {
                    from: a % n,
                    to: b % n,
                    label: Size { w, h: if w > 0.0 { 12.0 } else { 0.0 } },
                    stroke,
                    weight,
                })
                .collect();
            let l = layout(&nodes, &edges);
            proptest::prop_assert_eq!(&l, &layout(&nodes, &edges));
            if let Err(e) = check_layout(&nodes, &edges, &l) {
                proptest::prop_assert!(false, "{}", e);
            }
        }
    }
}
