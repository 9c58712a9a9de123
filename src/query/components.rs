//! Strongly connected components of a digraph in compressed adjacency form, by an iterative
//! Tarjan: explicit stacks, so a million-vertex chain cannot overflow the call stack (petgraph's
//! `tarjan_scc` recurses). Used by the loop search and by the counting kernel.

const NONE: u32 = u32::MAX;

/// The strongly connected component of every vertex.
///
/// # Arguments
/// * `out_start`, `out`: compressed adjacency of `n = out_start.len() - 1` vertices; the
///   successors of `v` are `out[out_start[v]..out_start[v + 1]]`.
///
/// # Returns
/// `component[v]` for every vertex: two vertices share a number exactly when each reaches
/// the other. Components are numbered from 0 in the order Tarjan's algorithm closes them (a
/// component's number is smaller than that of any component that reaches it).
///
/// # Complexity
/// `O(n + e)` time, `O(n)` memory besides the result.
///
/// # Example
/// ```
/// use dealgraph::query::components::strongly_connected;
/// //   0 ⇄ 1 ──▶ 2
/// let (out_start, out) = ([0, 1, 3, 3], [1, 0, 2]);
/// let component = strongly_connected(&out_start, &out);
/// assert_eq!(component[0], component[1]);
/// assert_ne!(component[1], component[2]);
/// ```
pub fn strongly_connected(out_start: &[u32], out: &[u32]) -> Vec<u32> {
    let n = out_start.len().saturating_sub(1);
    let mut component = vec![NONE; n];
    let mut next = 0u32;
    Tarjan::new(n).run(
        out_start,
        |i| out[i],
        0..n as u32,
        |_| true,
        |members| {
            for &v in members {
                component[v as usize] = next;
            }
            next += 1;
        },
    );
    component
}

/// Tarjan's algorithm with its per-vertex state kept between runs, for callers that split
/// many parts of one graph (Johnson's search splits a component again after each start): a
/// run costs what it visits, not the size of the whole graph.
pub struct Tarjan {
    index: Vec<u32>,
    low: Vec<u32>,
    on_stack: Vec<bool>,
    stack: Vec<u32>,
    /// (vertex, position of its next successor)
    calls: Vec<(u32, u32)>,
    visited: Vec<u32>,
}

impl Tarjan {
    /// State for graphs of up to `n` vertices.
    pub fn new(n: usize) -> Tarjan {
        Tarjan {
            index: vec![NONE; n],
            low: vec![0; n],
            on_stack: vec![false; n],
            stack: Vec::new(),
            calls: Vec::new(),
            visited: Vec::new(),
        }
    }

    /// Calls `emit` with the vertices of every strongly connected component of the subgraph
    /// of the vertices for which `inside` holds, among those reachable from `roots` (each root
    /// must be inside). `out_start` and `target` give the adjacency: the arcs out of `v` are
    /// `out_start[v]..out_start[v + 1]`, arc `i` leads to `target(i)`. A component is emitted
    /// before any component that reaches it. `O` of the vertices and arcs visited.
    pub fn run(
        &mut self,
        out_start: &[u32],
        target: impl Fn(usize) -> u32,
        roots: impl IntoIterator<Item = u32>,
        inside: impl Fn(u32) -> bool,
        mut emit: impl FnMut(&[u32]),
    ) {
        let mut counter = 0u32;
        for root in roots {
            if self.index[root as usize] != NONE {
                continue;
            }
            let mut entering = Some(root);
            loop {
                if let Some(v) = entering.take() {
                    let vi = v as usize;
                    self.index[vi] = counter;
                    self.low[vi] = counter;
                    counter += 1;
                    self.stack.push(v);
                    self.on_stack[vi] = true;
                    self.visited.push(v);
                    self.calls.push((v, out_start[vi]));
                }
                let Some(&(v, next)) = self.calls.last() else {
                    break;
                };
                let vi = v as usize;
                if next < out_start[vi + 1] {
                    self.calls.last_mut().expect("non-empty").1 += 1;
                    let w = target(next as usize);
                    let wi = w as usize;
                    if !inside(w) {
                        continue;
                    }
                    if self.index[wi] == NONE {
                        entering = Some(w);
                    } else if self.on_stack[wi] {
                        self.low[vi] = self.low[vi].min(self.index[wi]);
                    }
                    continue;
                }
                self.calls.pop();
                if let Some(&(parent, _)) = self.calls.last() {
                    let p = parent as usize;
                    self.low[p] = self.low[p].min(self.low[vi]);
                }
                if self.low[vi] == self.index[vi] {
                    let at = self
                        .stack
                        .iter()
                        .rposition(|&w| w == v)
                        .expect("v is on the stack");
                    for &w in &self.stack[at..] {
                        self.on_stack[w as usize] = false;
                    }
                    emit(&self.stack[at..]);
                    self.stack.truncate(at);
                }
            }
        }
        for &v in &self.visited {
            self.index[v as usize] = NONE;
        }
        self.visited.clear();
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn csr(n: usize, arcs: &[(u32, u32)]) -> (Vec<u32>, Vec<u32>) {
        let mut sorted = arcs.to_vec();
        sorted.sort_unstable();
        let mut start = vec![0u32; n + 1];
        for &(a, _) in &sorted {
            start[a as usize + 1] += 1;
        }
        for i in 0..n {
            start[i + 1] += start[i];
        }
        (start, sorted.into_iter().map(|(_, b)| b).collect())
    }

    fn reaches(n: usize, arcs: &[(u32, u32)]) -> Vec<Vec<bool>> {
        let mut r = vec![vec![false; n]; n];
        for (v, row) in r.iter_mut().enumerate() {
            row[v] = true;
        }
        for &(a, b) in arcs {
            r[a as usize][b as usize] = true;
        }
        for k in 0..n {
            for i in 0..n {
                for j in 0..n {
                    if r[i][k] && r[k][j] {
                        r[i][j] = true;
                    }
                }
            }
        }
        r
    }

    proptest! {
        /// Same component exactly when each vertex reaches the other (Floyd–Warshall closure).
        #[test]
        fn components_are_mutual_reachability(
            (n, arcs) in (1usize..=9).prop_flat_map(|n| {
                (Just(n), prop::collection::vec((0..n as u32, 0..n as u32), 0..=2 * n))
            })
        ) {
            let (start, out) = csr(n, &arcs);
            let component = strongly_connected(&start, &out);
            let r = reaches(n, &arcs);
            for a in 0..n {
                for b in 0..n {
                    prop_assert_eq!(component[a] == component[b], r[a][b] && r[b][a]);
                }
            }
        }
    }

    #[test]
    fn a_million_vertex_chain_does_not_overflow_the_stack() {
        let n = 1_000_000u32;
        let arcs: Vec<(u32, u32)> = (0..n - 1).map(|i| (i, i + 1)).collect();
        let (start, out) = csr(n as usize, &arcs);
        let component = strongly_connected(&start, &out);
        assert_eq!(component.iter().max(), Some(&(n - 1)));
    }
}
