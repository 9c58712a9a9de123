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

//! The phases live in `layers` (1–3), `order` (4), `placement` (5) and `routing`
//! (6); this file holds the public types and runs the phases in turn.

mod layers;
mod order;
mod placement;
mod routing;

pub use routing::{arrow_size, octagon_cut, outline_x, slant};

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
    // 1. Cycle breaking, 2. layers.
    let directed = Directed::new(n, edges);
    let layer = layers::assign_layers(n, &directed);
    // Nodes grow for their self-loops (room above) and their ports.
    let mut sizes: Vec<Size> = nodes.iter().map(|n| n.size).collect();
    let loop_room = placement::self_loop_room(&sizes, edges);
    placement::grow_for_ports(&mut sizes, &directed);
    // 3. Expanded graph: vertices on ranks, segments between consecutive ranks.
    let g = layers::expand(&directed, &layer, &sizes, &loop_room);
    // 4. Ordering.
    let mut rank_of: Vec<Vec<usize>> = vec![Vec::new(); g.ranks];
    for (i, v) in g.verts.iter().enumerate() {
        rank_of[v.rank].push(i);
    }
    let rank_of = order::order_ranks(rank_of, &g.up, &g.down, g.verts.len());
    // 5. Coordinates across the flow, then columns along it.
    let y = placement::place(&g.verts, &rank_of, &g.up, &g.down, n);
    let cols = placement::columns(&g, &y);
    // 6. Routing.
    let mut routes = routing::edge_routes(nodes, &sizes, &directed, &g, &y, &cols);
    let centres: Vec<Point> = (0..n)
        .map(|v| Point {
            x: cols.x[g.verts[v].rank],
            y: y[v],
        })
        .collect();
    routing::self_loops(&mut routes, nodes, edges, &centres, &sizes);
    fit(centres, sizes, routes, edges)
}

/// The edges in the layered direction, once cycles are broken.
struct Directed<'a> {
    edges: &'a [LayoutEdge],
    /// The edges between two different nodes (not self-loops).
    normal: Vec<usize>,
    /// The cycle-breaking order: a topological order of the layered direction.
    order: Vec<usize>,
    /// Which edges point backwards in `order` (drawn against the flow).
    reversed: Vec<bool>,
}

/// A neighbouring vertex and the weight of the segment to it.
type Neighbour = (usize, f64);
type Adj = [Vec<Neighbour>];

/// The expanded graph: real nodes first, then the dummies of each edge.
struct Expanded {
    verts: Vec<Vertex>,
    /// Chain of vertices of each normal edge, tail to head (empty for the others).
    chains: Vec<Vec<usize>>,
    /// Segments (upper-rank vertex, lower-rank vertex, weight).
    segs: Vec<(usize, usize, f64)>,
    up: Vec<Vec<Neighbour>>,
    down: Vec<Vec<Neighbour>>,
    /// How many ranks there are.
    ranks: usize,
}

/// Each rank's column: its depth along the flow and its centre.
struct Columns {
    depth: Vec<f64>,
    x: Vec<f64>,
}

/// Shifts everything into positive coordinates and measures the whole.
fn fit(
    mut centres: Vec<Point>,
    sizes: Vec<Size>,
    mut routes: Vec<Route>,
    edges: &[LayoutEdge],
) -> Layout {
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
