//! The loop search on every core for listings: threads search slices of the start entities'
//! first hops, and their batches are handed out in the order one thread would find the
//! loops, so a streamed listing is the same bytes however many cores run it.

use std::collections::{BTreeMap, VecDeque};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, MutexGuard};

use super::search::{Net, Search};
use super::{CycleOptions, SearchEnd, cycles};
use crate::graph::{HopGraph, HopId, MoneyGraph};
use crate::model::EntityId;

/// First hops per slice of the search: small enough that the hub entities, which start most
/// loops, are shared out; large enough that the per-start set-up is not repeated too often.
const ARCS_PER_SLICE: u32 = 256;

/// Slices searched ahead of the one being handed out, per thread.
const AHEAD_PER_THREAD: usize = 6;

/// Batches queued before threads searching ahead wait: bounds the memory held.
const MAX_QUEUED: usize = 32;

/// Runs [`cycles`] and hands out the loops in batches, in the order [`cycles`] finds them,
/// searching on `threads` threads when the length is bounded (one thread otherwise).
///
/// # Arguments
/// * `graph`, `hops`, `opts`: as for [`cycles`].
/// * `new_worker`: the state of one thread (called once on each).
/// * `visit`: adds a loop to a batch, with that thread's state; returns `true` when the batch
///   is full (a new one is started).
/// * `emit`: takes each batch, in order, on the calling thread; `Break` stops the search.
///
/// # Returns
/// How the search ended, as [`cycles`].
///
/// # Complexity
/// As [`cycles`], split over the threads; a start whose first hops fall in several slices
/// is set up once per slice. Memory: `O(n + e)` per thread, and the batches of at most
/// `6 × threads` slices at once.
///
/// # Example
/// ```
/// # use std::ops::ControlFlow;
/// # use dealgraph::graph::{Filter, MoneyGraph};
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::query::cycles::{cycles_in_order, CycleOptions};
/// let csv = "from,to,kind,source\na,b,investment,s\nb,a,cloud,s\nb,c,cloud,s\nc,a,revenue,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
/// let opts = CycleOptions { max_len: Some(3), ..CycleOptions::default() };
/// let mut lengths = Vec::new();
/// cycles_in_order(&graph, graph.hops(), &opts, 2, || (),
///     |_, batch: &mut Vec<usize>, entities, _| { batch.push(entities.len()); false },
///     |batch| { lengths.extend(batch); ControlFlow::Continue(()) });
/// assert_eq!(lengths, [2, 3]);
/// ```
pub fn cycles_in_order<W, T>(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
    threads: usize,
    new_worker: impl Fn() -> W + Sync,
    visit: impl Fn(&mut W, &mut T, &[EntityId], &[HopId]) -> bool + Sync,
    mut emit: impl FnMut(T) -> ControlFlow<()>,
) -> SearchEnd
where
    T: Default + Send,
{
    if threads < 2 || opts.max_len.is_none() {
        return one_thread(graph, hops, opts, new_worker, visit, emit);
    }
    let net = Net::build(graph, hops, opts);
    let arcs = Search::new(&net, opts).arc_count();
    let slices = arcs.div_ceil(ARCS_PER_SLICE) as usize;
    let shared = Shared {
        state: Mutex::new(State {
            claimed: 0,
            handed_out: 0,
            out: BTreeMap::new(),
            queued: 0,
            stop: false,
            failed: false,
        }),
        changed: Condvar::new(),
        stop: AtomicBool::new(false),
        ahead: AHEAD_PER_THREAD * threads,
        slices,
    };
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (shared, net, new_worker, visit) = (&shared, &net, &new_worker, &visit);
            scope.spawn(move || {
                // Whatever happens here (a panic too), the thread waiting for batches is told.
                let _leaving = Leaving(shared);
                let mut worker = new_worker();
                let mut search = Search::new(net, opts);
                while let Some(slice) = shared.claim() {
                    let lo = slice as u32 * ARCS_PER_SLICE;
                    let mut batch = T::default();
                    let end =
                        search.run_arcs(lo, lo.saturating_add(ARCS_PER_SLICE), &mut |e, h| {
                            if visit(&mut worker, &mut batch, e, h) {
                                shared.push(slice, std::mem::take(&mut batch));
                            }
                            if shared.stop.load(Ordering::Relaxed) {
                                ControlFlow::Break(())
                            } else {
                                ControlFlow::Continue(())
                            }
                        });
                    shared.push(slice, batch);
                    shared.finish(slice, end);
                }
            });
        }
        hand_out(&shared, &mut emit)
    })
}

/// [`cycles_in_order`] on the calling thread.
fn one_thread<W, T: Default>(
    graph: &MoneyGraph<'_>,
    hops: &HopGraph,
    opts: &CycleOptions,
    new_worker: impl Fn() -> W,
    visit: impl Fn(&mut W, &mut T, &[EntityId], &[HopId]) -> bool,
    mut emit: impl FnMut(T) -> ControlFlow<()>,
) -> SearchEnd {
    let mut worker = new_worker();
    let mut batch = T::default();
    let mut stopped = false;
    let end = cycles(graph, hops, opts, |e, h| {
        if visit(&mut worker, &mut batch, e, h) && emit(std::mem::take(&mut batch)).is_break() {
            stopped = true;
            return ControlFlow::Break(());
        }
        ControlFlow::Continue(())
    });
    if stopped || emit(batch).is_break() {
        return SearchEnd::Stopped;
    }
    end
}

struct State<T> {
    /// Slices `0..claimed` are taken by a thread.
    claimed: usize,
    /// Slices `0..handed_out` are emitted.
    handed_out: usize,
    /// Batches of the slices being searched or searched, waiting to be emitted, and how
    /// each slice's search ended once it has.
    out: BTreeMap<usize, (VecDeque<T>, Option<SearchEnd>)>,
    /// Batches in `out`.
    queued: usize,
    /// No more slices are to be claimed (emit said stop, a slice ran out of time, or a thread
    /// left).
    stop: bool,
    /// A search thread panicked: the slices it claimed never finish.
    failed: bool,
}

struct Shared<T> {
    state: Mutex<State<T>>,
    changed: Condvar,
    /// `state.stop`, read by the searches as they go.
    stop: AtomicBool,
    ahead: usize,
    slices: usize,
}

impl<T> Shared<T> {
    fn lock(&self) -> MutexGuard<'_, State<T>> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn wait<'a>(&self, guard: MutexGuard<'a, State<T>>) -> MutexGuard<'a, State<T>> {
        self.changed.wait(guard).unwrap_or_else(|e| e.into_inner())
    }

    fn stop(&self, state: &mut State<T>) {
        state.stop = true;
        self.stop.store(true, Ordering::Relaxed);
        self.changed.notify_all();
    }

    /// The next slice to search, waiting while too many are ahead of the one emitted;
    /// `None` when there are no more.
    fn claim(&self) -> Option<usize> {
        let mut state = self.lock();
        loop {
            if state.stop || state.claimed >= self.slices {
                return None;
            }
            if state.claimed < state.handed_out + self.ahead {
                state.claimed += 1;
                return Some(state.claimed - 1);
            }
            state = self.wait(state);
        }
    }

    /// Queues a batch of `slice`. A thread searching ahead of the slice being emitted waits
    /// while too many batches are queued: memory stays bounded however many loops a slice
    /// holds, and the slice being emitted never waits, so the search always moves on.
    fn push(&self, slice: usize, batch: T) {
        let mut state = self.lock();
        state.out.entry(slice).or_default().0.push_back(batch);
        state.queued += 1;
        self.changed.notify_all();
        while !state.stop && slice != state.handed_out && state.queued > MAX_QUEUED {
            state = self.wait(state);
        }
    }

    fn finish(&self, slice: usize, end: SearchEnd) {
        let mut state = self.lock();
        state.out.entry(slice).or_default().1 = Some(end);
        if end == SearchEnd::TimedOut {
            self.stop(&mut state);
        }
        self.changed.notify_all();
    }
}

/// Tells the thread handing out batches that a search thread left: with no thread left, the
/// slices that were never finished never will be.
struct Leaving<'a, T>(&'a Shared<T>);

impl<T> Drop for Leaving<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut state = self.0.lock();
            state.failed = true;
            self.0.stop(&mut state);
        }
    }
}

/// Emits the batches slice by slice, in order, as they come in, until every slice is done or
/// the search stops.
fn hand_out<T>(shared: &Shared<T>, emit: &mut impl FnMut(T) -> ControlFlow<()>) -> SearchEnd {
    let mut end = SearchEnd::Complete;
    let mut next = 0;
    loop {
        let mut state = shared.lock();
        let batch = loop {
            if let Some((batches, slice_end)) = state.out.get_mut(&next) {
                if let Some(batch) = batches.pop_front() {
                    break batch;
                }
                if let Some(slice_end) = *slice_end {
                    state.out.remove(&next);
                    next += 1;
                    state.handed_out = next;
                    shared.changed.notify_all();
                    if slice_end != SearchEnd::Complete && end == SearchEnd::Complete {
                        end = slice_end;
                    }
                    continue;
                }
            }
            // Once stopped, slices not claimed will not come; claimed ones still finish,
            // unless a thread panicked (then the scope raises the panic again).
            if next >= shared.slices || (state.stop && (next >= state.claimed || state.failed)) {
                return end;
            }
            state = shared.wait(state);
        };
        state.queued -= 1;
        shared.changed.notify_all();
        drop(state);
        if emit(batch).is_break() {
            let mut state = shared.lock();
            shared.stop(&mut state);
            return SearchEnd::Stopped;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testkit::complete_digraph;
    use super::*;
    use crate::graph::Filter;

    /// Every loop of a complete digraph on `n` entities, each as its entity ids, in the order
    /// `cycles_in_order` hands them out on `threads` threads (batches of `every` loops on one).
    fn listed(n: usize, max_len: usize, threads: usize, every: usize) -> Vec<Vec<EntityId>> {
        let data = complete_digraph(n, |a, b| {
            if (a + b) % 3 == 0 {
                "investment"
            } else {
                "cloud"
            }
        });
        let graph = MoneyGraph::build(&data, Filter::today());
        let opts = CycleOptions {
            max_len: Some(max_len),
            ..CycleOptions::default()
        };
        let mut all = Vec::new();
        let end = cycles_in_order(
            &graph,
            graph.hops(),
            &opts,
            threads,
            || (),
            |_, batch: &mut Vec<Vec<EntityId>>, e, _| {
                batch.push(e.to_vec());
                batch.len() >= every
            },
            |batch| {
                all.extend(batch);
                ControlFlow::Continue(())
            },
        );
        assert_eq!(end, SearchEnd::Complete);
        all
    }

    #[test]
    fn every_thread_count_lists_the_loops_in_the_order_of_one() {
        let one = listed(12, 4, 1, 1);
        assert!(one.len() > 1000, "{}", one.len());
        for threads in [2, 3, 5] {
            assert_eq!(listed(12, 4, threads, 1), one, "{threads} threads");
        }
        assert_eq!(listed(12, 4, 1, 7), one, "batches of 7");
    }

    #[test]
    fn a_stop_ends_the_hand_out() {
        let data = complete_digraph(10, |_, _| "investment");
        let graph = MoneyGraph::build(&data, Filter::today());
        let opts = CycleOptions {
            max_len: Some(4),
            ..CycleOptions::default()
        };
        let mut batches = 0;
        let end = cycles_in_order(
            &graph,
            graph.hops(),
            &opts,
            2,
            || (),
            |_, batch: &mut u32, _, _| {
                *batch += 1;
                false
            },
            |_| {
                batches += 1;
                ControlFlow::Break(())
            },
        );
        assert_eq!((end, batches), (SearchEnd::Stopped, 1));
    }
}
