//! Routing: edge ends on node outlines (ports sorted by where the edge goes), S-shaped cubic
//! curves between columns, self-loops over their node, and the outline geometry the SVG
//! writer shares.

use super::{
    Columns, Directed, Expanded, Kind, LABEL_LIFT, LayoutEdge, LayoutNode, Point, Route, Size,
};
use crate::render::style::Shape;

/// Arrowhead length and half-width for a line of `stroke` width.
pub fn arrow_size(stroke: f64) -> (f64, f64) {
    (5.0 + 1.4 * stroke, 2.2 + 0.8 * stroke)
}

/// Room an edge end takes on a node side: its stroke, or its arrowhead.
pub(super) fn port_room(stroke: f64, arrow: bool) -> f64 {
    if arrow {
        2.0 * arrow_size(stroke).1 + 1.5
    } else {
        stroke + 3.0
    }
}

/// How far the `k`-th self-loop of a node reaches out.
pub(super) fn self_loop_lift(k: usize) -> f64 {
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

/// Port positions, `[tail port y, head port y]` per edge: edges leave a node's right side
/// and enter its left side in the order of the vertices they come from or go to.
fn ports(sizes: &[Size], d: &Directed, g: &Expanded, y: &[f64]) -> Vec<[f64; 2]> {
    let edges = d.edges;
    let mut port = vec![[0.0f64; 2]; edges.len()];
    let mut at_side: Vec<[Vec<(f64, usize)>; 2]> = vec![[Vec::new(), Vec::new()]; sizes.len()];
    for &e in &d.normal {
        let (t, h) = d.ends(e);
        let c = &g.chains[e];
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
    port
}

/// One route per edge, in input order: from the tail's port through the columns of its
/// dummies to the head's port. Self-loops get an empty route, drawn by [`self_loops`].
pub(super) fn edge_routes(
    nodes: &[LayoutNode],
    sizes: &[Size],
    d: &Directed,
    g: &Expanded,
    y: &[f64],
    cols: &Columns,
) -> Vec<Route> {
    let n = nodes.len();
    let (verts, col_x, depth) = (&g.verts, &cols.x, &cols.depth);
    let x_of = |v: usize| col_x[verts[v].rank];
    let port = ports(sizes, d, g, y);
    let mut routes: Vec<Route> = Vec::with_capacity(d.edges.len());
    for (e, edge) in d.edges.iter().enumerate() {
        if edge.from >= n || edge.to >= n || edge.from == edge.to {
            routes.push(Route {
                start: Point::default(),
                curves: Vec::new(),
                label: Point::default(),
            });
            continue;
        }
        let chain = &g.chains[e];
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
        for &v in &chain[1..chain.len() - 1] {
            let r = verts[v].rank;
            pts.push(Point {
                x: col_x[r] - depth[r] / 2.0,
                y: y[v],
            });
            pts.push(Point {
                x: col_x[r] + depth[r] / 2.0,
                y: y[v],
            });
            if let Kind::Dummy { label: true, .. } = verts[v].kind {
                label = Point {
                    x: col_x[r],
                    y: y[v] - edge.stroke / 2.0 - LABEL_LIFT - edge.label.h / 2.0,
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
        if d.reversed[e] {
            pts.reverse();
        }
        routes.push(s_curves(&pts, label));
    }
    routes
}

/// Self-loops over the top right of their node, nested, labels stacked at their left.
pub(super) fn self_loops(
    routes: &mut [Route],
    nodes: &[LayoutNode],
    edges: &[LayoutEdge],
    centres: &[Point],
    sizes: &[Size],
) {
    let n = nodes.len();
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
}
