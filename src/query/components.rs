//! Strongly connected components of a digraph in compressed adjacency form, by an iterative
//! Tarjan: explicit stacks, so a million-vertex chain cannot overflow the call stack (petgraph's
//! `tarjan_scc` recurses).

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
    const NONE: u32 = u32::MAX;
    let n = out_start.len().saturating_sub(1);
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut component = vec![NONE; n];
    let mut stack: Vec<u32> = Vec::new();
    // (vertex, position of its next successor in `out`)
    let mut calls: Vec<(u32, u32)> = Vec::new();
    let mut counter = 0u32;
    let mut components = 0u32;
    for root in 0..n as u32 {
        if index[root as usize] != NONE {
            continue;
        }
        let mut entering = Some(root);
        loop {
            if let Some(v) = entering.take() {
                index[v as usize] = counter;
                low[v as usize] = counter;
                counter += 1;
                stack.push(v);
                calls.push((v, out_start[v as usize]));
            }
            let Some(&(v, next)) = calls.last() else {
                break;
            };
            let vi = v as usize;
            if next < out_start[vi + 1] {
                calls.last_mut().expect("non-empty").1 += 1;
                let w = out[next as usize] as usize;
                if index[w] == NONE {
                    entering = Some(w as u32);
                } else if component[w] == NONE {
                    // On the stack: part of the component being built.
                    low[vi] = low[vi].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(parent, _)) = calls.last() {
                low[parent as usize] = low[parent as usize].min(low[vi]);
            }
            if low[vi] == index[vi] {
                while let Some(w) = stack.pop() {
                    component[w as usize] = components;
                    if w == v {
                        break;
                    }
                }
                components += 1;
            }
        }
    }
    component
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
