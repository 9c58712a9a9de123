//! Compressed rows: the flat per-entity lists the queries build instead of a `Vec` per entity,
//! filled by one counting sort.

/// A counting sort of `(key, value)` pairs by key (`key < n`): row `k` is
/// `values[starts[k]..starts[k + 1]]`, its values in input order.
///
/// Two passes over `pairs` (which is cloned for the first), `O(n + pairs)` time, `4·(n + 1)`
/// bytes of offsets plus the values.
///
/// # Example (the unit test below runs it)
/// ```text
/// let (starts, values) = bucket(3, [(2, 'a'), (0, 'b'), (2, 'c')].into_iter());
/// assert_eq!(starts, [0, 1, 1, 3]);
/// assert_eq!(values, ['b', 'a', 'c']);
/// ```
pub(crate) fn bucket<T: Copy + Default>(
    n: usize,
    pairs: impl Iterator<Item = (u32, T)> + Clone,
) -> (Vec<u32>, Vec<T>) {
    let mut starts = vec![0u32; n + 1];
    for (k, _) in pairs.clone() {
        starts[k as usize + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut fill = starts.clone();
    let mut values = vec![T::default(); starts[n] as usize];
    for (k, v) in pairs {
        let slot = &mut fill[k as usize];
        values[*slot as usize] = v;
        *slot += 1;
    }
    (starts, values)
}

#[cfg(test)]
mod tests {
    use super::bucket;

    #[test]
    fn rows_keep_input_order_and_empty_rows() {
        // The example in the doc comment.
        let (starts, values) = bucket(3, [(2, 'a'), (0, 'b'), (2, 'c')].into_iter());
        assert_eq!(starts, [0, 1, 1, 3]);
        assert_eq!(values, ['b', 'a', 'c']);
        let (starts, values) = bucket(4, [(2, 'a'), (0, 'b'), (2, 'c'), (3, 'd')].into_iter());
        assert_eq!(starts, [0, 1, 1, 3, 4]);
        assert_eq!(values, ['b', 'a', 'c', 'd']);
        let (starts, values) = bucket::<u32>(2, std::iter::empty());
        assert_eq!((starts, values), (vec![0, 0, 0], vec![]));
    }
}
