//! Two pieces of work at once on two threads, for the few places where one query's work is
//! big enough to split (a hub's deals, a scan of millions of rows). Results come back in
//! order, so output does not depend on which thread finished first.

/// Runs `a` and `b`, at once on two threads when `parallel` (`b` on a scoped thread of its
/// own), else one after the other. A panic in `b` is raised again here, as it would be on one
/// thread.
pub(crate) fn join<A, B>(
    parallel: bool,
    a: impl FnOnce() -> A,
    b: impl FnOnce() -> B + Send,
) -> (A, B)
where
    B: Send,
{
    if !parallel {
        return (a(), b());
    }
    std::thread::scope(|scope| {
        let b = scope.spawn(b);
        let a = a();
        let b = b
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (a, b)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_ways_give_the_results_in_order() {
        for parallel in [false, true] {
            let (small, big) = join(parallel, || 1 + 1, || (0..1_000u64).sum::<u64>());
            assert_eq!((small, big), (2, 499_500));
        }
    }

    #[test]
    #[should_panic(expected = "second")]
    fn a_panic_on_the_second_thread_is_raised_here() {
        join(true, || (), || panic!("second"));
    }
}
