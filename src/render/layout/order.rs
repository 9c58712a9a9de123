//! Ordering the vertices within each rank: barycentre sweeps down and up with adjacent
//! transpositions, keeping the order with the fewest crossings (counted with a Fenwick tree).

use super::Adj;

/// Barycentre sweeps with transpositions; the order with the fewest crossings wins.
pub(super) fn order_ranks(
    mut ranks: Vec<Vec<usize>>,
    up: &Adj,
    down: &Adj,
    nv: usize,
) -> Vec<Vec<usize>> {
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
    let sweeps = if nv > super::placement::BIG_GRAPH {
        8
    } else {
        24
    };
    for iter in 0..sweeps {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossings_are_counted() {
        // a, b over c, d with a→d and b→c: one crossing.
        let ranks = vec![vec![0, 1], vec![2, 3]];
        let mut down = vec![Vec::new(); 4];
        down[0].push((3, 1.0));
        down[1].push((2, 1.0));
        assert_eq!(total_crossings(&ranks, &down, 4), 1);
    }
}
