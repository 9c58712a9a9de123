//! How many loops rest on each evidence grade: the loops that stand on confirmed deals alone,
//! those that need deals in talks, rumored deals or inferred flows. A loop is as sure as its
//! weakest hop ([`loop_grade`](super::loop_grade)).

use super::{CycleOptions, SearchEnd, count_cycles};
use crate::graph::{Filter, MoneyGraph};
use crate::model::{Dataset, Grade};

/// Loops counted by the weakest grade they need: `exact[g]` loops whose weakest hop is `g`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GradeCounts {
    /// Indexed by `Grade as usize`: inferred, rumored, in talks, confirmed.
    pub exact: [u64; 4],
}

impl GradeCounts {
    /// Loops of exactly this grade.
    pub fn of(&self, grade: Grade) -> u64 {
        self.exact[grade as usize]
    }

    /// Every loop counted.
    pub fn total(&self) -> u64 {
        self.exact.iter().sum()
    }

    /// Counts one loop of `grade`.
    pub fn add(&mut self, grade: Grade) {
        self.exact[grade as usize] += 1;
    }
}

/// Counts the loops of `opts` under `filter` by grade, without listing them: a loop is at
/// least `g` sure exactly when it exists among the flows at least `g` sure, so one count per
/// grade ([`count_cycles`] on [`Filter::at_grade`]) splits the total.
///
/// # Returns
/// The counts, and how the slowest count ended: with a timeout, counts are lower bounds.
///
/// # Complexity
/// Four runs of [`count_cycles`], on graphs that shrink with the grade.
///
/// # Example
/// ```
/// # use dealgraph::graph::Filter;
/// # use dealgraph::load::{load_str, LoadOptions};
/// use dealgraph::model::Grade;
/// use dealgraph::query::cycles::{CycleOptions, count_by_grade};
/// // a ──investment, completed──▶ b ──cloud, rumored──▶ a
/// let csv = "from,to,kind,status,source\na,b,investment,completed,s\nb,a,cloud,rumored,s\n";
/// # let options = LoadOptions { auto_entities: true, ..LoadOptions::default() };
/// # let loaded = load_str("deals.csv", csv, options).unwrap();
/// let (counts, _) = count_by_grade(&loaded.dataset, &Filter::today(), &CycleOptions::default());
/// assert_eq!((counts.of(Grade::Rumored), counts.total()), (1, 1));
/// ```
pub fn count_by_grade(
    data: &Dataset,
    filter: &Filter,
    opts: &CycleOptions,
) -> (GradeCounts, SearchEnd) {
    // at_least[g]: loops whose every hop is at least g sure.
    let mut at_least = [0u64; 4];
    let mut end = SearchEnd::Complete;
    for grade in Grade::ALL.iter().copied() {
        let graph = MoneyGraph::build(data, filter.at_grade(grade));
        let (count, e) = count_cycles(&graph, opts);
        at_least[grade as usize] = count;
        if e != SearchEnd::Complete {
            end = e;
        }
    }
    let mut counts = GradeCounts::default();
    for g in 0..4 {
        let stronger = at_least.get(g + 1).copied().unwrap_or(0);
        counts.exact[g] = at_least[g].saturating_sub(stronger);
    }
    (counts, end)
}
