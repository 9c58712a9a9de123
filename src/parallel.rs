//! Work split across threads, for the few places where one piece of work is
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

/// The threads this process may run at once: `taskset` and cgroup limits count.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// Calls `f(start, part)` for consecutive parts of `items` (`start` being where `part`
/// starts), one part per core, each of at least `min_part` items; on this thread alone
/// when there is one core, one part, or no thread can be made.
pub(crate) fn for_parts<T: Send>(
    items: &mut [T],
    min_part: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    let part = items.len().div_ceil(cores()).max(min_part).max(1);
    if part >= items.len() {
        return f(0, items);
    }
    // Each part waits in a slot for its thread; a part whose thread cannot be made is
    // taken back and done here.
    type Slot<'a, T> = std::sync::Mutex<Option<(usize, &'a mut [T])>>;
    let slots: Vec<Slot<T>> = items
        .chunks_mut(part)
        .enumerate()
        .map(|(k, chunk)| std::sync::Mutex::new(Some((k * part, chunk))))
        .collect();
    let run = |slot: &Slot<T>| {
        let taken = slot.lock().map(|mut s| s.take()).unwrap_or(None);
        if let Some((start, chunk)) = taken {
            f(start, chunk);
        }
    };
    std::thread::scope(|scope| {
        for slot in &slots[1..] {
            let run = &run;
            if std::thread::Builder::new()
                .spawn_scoped(scope, move || run(slot))
                .is_err()
            {
                run(slot);
            }
        }
        run(&slots[0]);
    });
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

    #[test]
    fn every_part_is_done_once() {
        for len in [0, 1, 5, 1000] {
            let mut items = vec![0u32; len];
            for_parts(&mut items, 3, |start, part| {
                for (i, x) in part.iter_mut().enumerate() {
                    *x += (start + i) as u32 + 1;
                }
            });
            assert!(items.iter().enumerate().all(|(i, &x)| x == i as u32 + 1));
        }
    }
}
