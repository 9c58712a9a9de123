//! *What* a map shows, apart from *how* it is drawn: a [`MapSpec`] lists the entities and
//! deals to draw, the loops to highlight, the title and the credit line. Build one from a [`MoneyGraph`] (the
//! whole graph, an entity's neighbourhood, or a list of loops), then hand it to
//! [`dot::to_dot`](super::dot::to_dot) or [`svg::render`](super::svg::render).

use std::collections::{BTreeSet, VecDeque};

use chrono::NaiveDate;

use crate::graph::{DealView, MoneyGraph};
use crate::model::{Dataset, DealId, EntityId};
use crate::query::cycles::Cycle;
use crate::render::cycles;

/// One deal on a map, with the report that stands for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MapDeal {
    pub id: DealId,
    /// Index of the standing report in the deal's `reports`.
    pub report: usize,
    /// True when the deal lies on one of the spec's loops.
    pub on_loop: bool,
    /// The numbers (1-based, as in [`MapSpec::loops`]) of the numbered loops the deal lies
    /// on, ascending; drawn as badges on its label.
    pub loop_numbers: Vec<usize>,
}

impl MapDeal {
    /// The deal as a [`DealView`] of `data`.
    pub fn view<'d>(&self, data: &'d Dataset) -> DealView<'d> {
        let deal = data.deal(self.id);
        DealView {
            id: self.id,
            deal,
            standing: self.report as u32,
        }
    }
}

/// What to draw. Entities are sorted by id and deals by deal id, so the same spec always
/// renders to the same bytes. Every deal's ends are among the entities.
#[derive(Clone, Debug, PartialEq)]
pub struct MapSpec {
    /// "Who pays whom".
    pub title: String,
    /// Data label, as-of date and counts: "bundled seeds · as of 2026-01-31 · 7 entities, 18 deals".
    pub subtitle: String,
    /// Extra caption lines under the subtitle (the loops, when there are few).
    pub notes: Vec<String>,
    /// The credit line at the foot of the map: by default the outlets behind the deals shown
    /// ("Sources: DCD; CNBC, citing The Information"); empty for none.
    pub credit: String,
    pub as_of: NaiveDate,
    pub entities: Vec<EntityId>,
    pub deals: Vec<MapDeal>,
    /// Loops to highlight, each in cycle order (first entity not repeated at the end).
    pub loops: Vec<Vec<EntityId>>,
    /// The legend line of each numbered loop (the first [`LOOPS_NUMBERED`]): "Amazon →
    /// OpenAI → Amazon: round trip $38B, confirmed". Loop `i + 1` is `loop_keys[i]`.
    pub loop_keys: Vec<String>,
    /// The number of the first loop, when the loops shown are not the top of the ranking
    /// (`map --loop 3` draws loop 3 alone).
    pub first_loop: usize,
    /// The entity a neighbourhood map is centred on (drawn with a heavier outline).
    pub focus: Option<EntityId>,
    /// What the data is called in the subtitle ("bundled seeds").
    pub data_label: String,
}

/// At most this many loops are numbered on the map and listed in its legend; the others are
/// highlighted without a number.
pub const LOOPS_NUMBERED: usize = 9;

impl MapSpec {
    /// This map with the given title, subtitle and credit in place of its own (each `None`
    /// keeps the default; an empty credit removes the line).
    pub fn relabelled(
        &self,
        title: Option<&str>,
        subtitle: Option<&str>,
        credit: Option<&str>,
    ) -> MapSpec {
        let mut spec = self.clone();
        for (field, new) in [
            (&mut spec.title, title),
            (&mut spec.subtitle, subtitle),
            (&mut spec.credit, credit),
        ] {
            if let Some(text) = new {
                *field = text.to_string();
            }
        }
        spec
    }

    /// Every entity that takes part in an admitted deal, and every admitted deal.
    ///
    /// `data_label` names the data in the subtitle ("bundled seeds", a file name).
    ///
    /// ```
    /// use dealgraph::graph::{Filter, MoneyGraph};
    /// use dealgraph::load::{load_bundled, LoadOptions};
    /// use dealgraph::render::map::MapSpec;
    ///
    /// let loaded = load_bundled(LoadOptions::default()).unwrap();
    /// let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
    /// let spec = MapSpec::whole(&graph, "bundled seeds");
    /// assert_eq!(spec.deals.len(), graph.deal_count());
    /// assert!(spec.subtitle.starts_with("bundled seeds · as of "));
    /// ```
    pub fn whole(graph: &MoneyGraph<'_>, data_label: &str) -> MapSpec {
        let deals = graph.deals().map(|v| map_deal(&v)).collect();
        MapSpec::new(
            graph,
            "Who pays whom".to_string(),
            data_label,
            graph.active_entities(),
            deals,
        )
    }

    /// `focus` and every entity within `radius` deals of it, whichever way the money flows,
    /// with every deal among them (the induced subgraph). Radius 0 is the entity alone.
    ///
    /// ```
    /// # use dealgraph::graph::{Filter, MoneyGraph};
    /// # use dealgraph::load::{load_bundled, LoadOptions};
    /// # use dealgraph::render::map::MapSpec;
    /// # let loaded = load_bundled(LoadOptions::default()).unwrap();
    /// # let graph = MoneyGraph::build(&loaded.dataset, Filter::today());
    /// let softbank = loaded.dataset.resolve("softbank").unwrap();
    /// let openai = loaded.dataset.resolve("openai").unwrap();
    /// // SoftBank pays only OpenAI.
    /// let spec = MapSpec::neighbourhood(&graph, softbank, 1, "bundled seeds");
    /// assert_eq!(spec.entities, [openai, softbank]);
    /// ```
    pub fn neighbourhood(
        graph: &MoneyGraph<'_>,
        focus: EntityId,
        radius: usize,
        data_label: &str,
    ) -> MapSpec {
        let data = graph.dataset();
        let mut seen = vec![false; data.entities().len()];
        let mut queue = VecDeque::new();
        if graph.contains(focus) {
            seen[focus.index()] = true;
            queue.push_back((focus, 0usize));
        }
        while let Some((v, d)) = queue.pop_front() {
            if d == radius {
                continue;
            }
            let out = graph.outgoing(v).into_iter().map(|x| x.deal.to());
            let inc = graph.incoming(v).into_iter().map(|x| x.deal.from());
            for w in out.chain(inc) {
                if !seen[w.index()] {
                    seen[w.index()] = true;
                    queue.push_back((w, d + 1));
                }
            }
        }
        let (entities, deals) = induced(graph, &seen);
        let name = &data.entity(focus).name;
        let title = format!("Who pays whom around {name}");
        let mut spec = MapSpec::new(graph, title, data_label, entities, deals);
        let steps = if radius == 1 { "deal" } else { "deals" };
        spec.notes.push(format!(
            "{name} and everyone within {radius} {steps} of it, whichever way the money flows"
        ));
        spec.focus = Some(focus);
        spec
    }

    /// A map of circular-financing loops: only the entities on `loops` and the deals along
    /// them (every admitted deal from each entity to the next, the last back to the first),
    /// each loop highlighted and, when there are few, spelled out in the caption. This is
    /// what `cycles --format dot|svg` draws.
    ///
    /// Arguments: the filtered graph, the loops (each a `Vec<EntityId>` in cycle order, the
    /// first entity not repeated at the end) and the data label for the subtitle. Steps
    /// between entities with no admitted deal are skipped.
    ///
    /// ```
    /// use dealgraph::graph::{Filter, MoneyGraph};
    /// use dealgraph::load::{load_bundled, LoadOptions};
    /// use dealgraph::render::{dot, map::MapSpec};
    ///
    /// let loaded = load_bundled(LoadOptions::default()).unwrap();
    /// let data = &loaded.dataset;
    /// let graph = MoneyGraph::build(data, Filter::today());
    /// //  Amazon ──investment──▶ OpenAI
    /// //     ◀────cloud, chips─────┘
    /// let (amazon, openai) = (data.resolve("amazon").unwrap(), data.resolve("openai").unwrap());
    /// let spec = MapSpec::loops(&graph, &[vec![amazon, openai]], "bundled seeds");
    /// assert_eq!(spec.entities, [amazon, openai]);
    /// assert!(spec.deals.iter().all(|d| d.on_loop));
    /// let text = dot::to_dot(&spec, data);
    /// assert!(text.contains("\"amazon\" -> \"openai\""));
    /// ```
    pub fn loops(graph: &MoneyGraph<'_>, loops: &[Vec<EntityId>], data_label: &str) -> MapSpec {
        let deal_ids = loop_deals(graph, loops);
        let entities: BTreeSet<EntityId> = loops
            .iter()
            .flatten()
            .copied()
            .filter(|&e| graph.contains(e))
            .collect();
        let deals = deal_ids
            .iter()
            .filter_map(|&id| graph.deal_view(id))
            .map(|v| map_deal(&v))
            .collect();
        let n = loops.len();
        let title = match n {
            1 => "One circular-financing loop".to_string(),
            n => format!("{n} circular-financing loops"),
        };
        let mut spec = MapSpec::new(
            graph,
            title,
            data_label,
            entities.into_iter().collect(),
            deals,
        );
        spec.highlight_loops(graph, loops);
        spec
    }

    /// The map of `map --loops`: [`MapSpec::loops`], centred on `focus` when the loops were
    /// searched through it (and titled so), with a caption line when there are none.
    pub fn loops_through(
        graph: &MoneyGraph<'_>,
        loops: &[Vec<EntityId>],
        focus: Option<EntityId>,
        data_label: &str,
    ) -> MapSpec {
        let mut spec = MapSpec::loops(graph, loops, data_label);
        if let Some(f) = focus {
            spec.focus = Some(f);
            spec.title = format!("{} through {}", spec.title, graph.dataset().entity(f).name);
        }
        if spec.loops.is_empty() {
            spec.notes
                .push("No circular-financing loops under these filters.".to_string());
        }
        spec
    }

    /// Marks the deals of this map that lie on `loops` (see [`MapSpec::loops`]); the others
    /// are drawn faded. The first [`LOOPS_NUMBERED`] loops are numbered: their deals carry
    /// the number as a badge and the legend lists each with its round trip and what it rests
    /// on ([`Cycle`]'s figures, as `dealgraph cycles` prints them).
    pub fn highlight_loops(&mut self, graph: &MoneyGraph<'_>, loops: &[Vec<EntityId>]) {
        let on_loop = loop_deals(graph, loops);
        let mut numbers: std::collections::BTreeMap<DealId, Vec<usize>> = Default::default();
        for (i, l) in loops.iter().take(LOOPS_NUMBERED).enumerate() {
            for id in loop_deals(graph, std::slice::from_ref(l)) {
                numbers.entry(id).or_default().push(self.first_loop + i);
            }
        }
        for deal in &mut self.deals {
            deal.on_loop = on_loop.contains(&deal.id);
            deal.loop_numbers = numbers.remove(&deal.id).unwrap_or_default();
        }
        self.loops = loops.to_vec();
        let data = graph.dataset();
        let hops = graph.hops();
        self.loop_keys = loops
            .iter()
            .take(LOOPS_NUMBERED)
            .map(|l| {
                let names: Vec<&str> = l
                    .iter()
                    .chain(l.first())
                    .map(|&e| data.entity(e).name.as_str())
                    .collect();
                let loop_hops: Option<Vec<_>> = l
                    .iter()
                    .enumerate()
                    .map(|(i, &a)| hops.find(a, l[(i + 1) % l.len()]))
                    .collect();
                let figures = loop_hops.map_or_else(String::new, |h| {
                    let c = Cycle::new(graph, hops, l, &h);
                    format!(
                        ": round trip {}, resting on {}",
                        cycles::round_trip_words(&c.round_trip),
                        match c.grade {
                            crate::model::Grade::Confirmed => "confirmed deals",
                            crate::model::Grade::InTalks => "deals in talks",
                            crate::model::Grade::Rumored => "rumored deals",
                            crate::model::Grade::Inferred => "inferred flows",
                        }
                    )
                });
                format!("{}{figures}", names.join(" → "))
            })
            .collect();
        if loops.len() > LOOPS_NUMBERED {
            self.notes.push(format!(
                "{} loops; the {LOOPS_NUMBERED} with the largest round trips are numbered; \
                 `dealgraph cycles` lists them all",
                loops.len()
            ));
        }
    }

    /// The loop ranked `number` by `dealgraph cycles` (`map --loop N`), highlighted on this
    /// map (the whole graph or a neighbourhood), whose entities and deals are extended by the
    /// loop's own. The title names the loop.
    pub fn with_loop(mut self, graph: &MoneyGraph<'_>, lp: &[EntityId], number: usize) -> MapSpec {
        let data = graph.dataset();
        let mut entities: BTreeSet<EntityId> = self.entities.iter().copied().collect();
        entities.extend(lp.iter().copied().filter(|&e| graph.contains(e)));
        let mut deals: BTreeSet<DealId> = self.deals.iter().map(|d| d.id).collect();
        deals.extend(loop_deals(graph, &[lp.to_vec()]));
        self.entities = entities.into_iter().collect();
        self.deals = deals
            .into_iter()
            .filter_map(|id| graph.deal_view(id))
            .map(|v| map_deal(&v))
            .collect();
        self.first_loop = number;
        self.highlight_loops(graph, &[lp.to_vec()]);
        let names: Vec<&str> = lp
            .iter()
            .chain(lp.first())
            .map(|&e| data.entity(e).name.as_str())
            .collect();
        self.title = format!("Loop {number}: {}", names.join(" → "));
        self.subtitle = counts_subtitle(
            graph,
            &self.data_label,
            self.entities.len(),
            self.deals.len(),
        );
        self
    }

    /// The entities in `keep` (a set of entity ids) and every admitted deal among them: the
    /// map of `map --top N`.
    pub fn among(
        graph: &MoneyGraph<'_>,
        keep: &[EntityId],
        title: String,
        data_label: &str,
    ) -> MapSpec {
        let data = graph.dataset();
        let mut seen = vec![false; data.entities().len()];
        keep.iter().for_each(|e| seen[e.index()] = true);
        let (entities, deals) = induced(graph, &seen);
        MapSpec::new(graph, title, data_label, entities, deals)
    }

    fn new(
        graph: &MoneyGraph<'_>,
        title: String,
        data_label: &str,
        entities: Vec<EntityId>,
        deals: Vec<MapDeal>,
    ) -> MapSpec {
        let as_of = graph.filter().as_of;
        let subtitle = counts_subtitle(graph, data_label, entities.len(), deals.len());
        let credit = sources_credit(graph.dataset(), &deals);
        MapSpec {
            title,
            subtitle,
            notes: Vec::new(),
            credit,
            as_of,
            entities,
            deals,
            loops: Vec::new(),
            loop_keys: Vec::new(),
            first_loop: 1,
            focus: None,
            data_label: data_label.to_string(),
        }
    }
}

/// "seeds · as of 2026-01-31 · 7 entities, 18 deals · arrows point the way cash flows".
fn counts_subtitle(
    graph: &MoneyGraph<'_>,
    data_label: &str,
    entities: usize,
    deals: usize,
) -> String {
    format!(
        "{data_label} · as of {} · {entities} {}, {deals} {} · arrows point the way cash flows",
        graph.filter().as_of,
        if entities == 1 { "entity" } else { "entities" },
        if deals == 1 { "deal" } else { "deals" },
    )
}

/// The entities marked in `seen`, in entity order, and every admitted deal among them.
fn induced(graph: &MoneyGraph<'_>, seen: &[bool]) -> (Vec<EntityId>, Vec<MapDeal>) {
    let data = graph.dataset();
    let entities: Vec<EntityId> = data.entity_ids().filter(|e| seen[e.index()]).collect();
    let deals = graph
        .deals()
        .filter(|v| seen[v.deal.from().index()] && seen[v.deal.to().index()])
        .map(|v| map_deal(&v))
        .collect();
    (entities, deals)
}

/// "Sources: A; B; unattributed reports (3 deals)": the publishers of the standing reports of
/// `deals`, most deals first, then by name; empty when there are no deals. Publishers that
/// read "Unattributed…" are counted, not named (the rule of the model's named outlets).
fn sources_credit(data: &Dataset, deals: &[MapDeal]) -> String {
    let mut named: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut unattributed = 0;
    for d in deals {
        let publisher = data.deal(d.id).report(d.report).publisher;
        match publisher.map(str::trim) {
            Some(p)
                if !p.is_empty()
                    && !p
                        .get(..12)
                        .is_some_and(|h| h.eq_ignore_ascii_case("unattributed")) =>
            {
                *named.entry(p).or_default() += 1
            }
            _ => unattributed += 1,
        }
    }
    let mut outlets: Vec<(&str, usize)> = named.into_iter().collect();
    outlets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut names: Vec<String> = outlets.iter().map(|o| o.0.to_string()).collect();
    if unattributed > 0 {
        let deals = if unattributed == 1 { "deal" } else { "deals" };
        names.push(format!("unattributed reports ({unattributed} {deals})"));
    }
    match names.len() {
        0 => String::new(),
        1 => format!("Source: {}", names[0]),
        _ => format!("Sources: {}", names.join("; ")),
    }
}

fn map_deal(view: &DealView<'_>) -> MapDeal {
    MapDeal {
        id: view.id,
        report: view.standing as usize,
        on_loop: false,
        loop_numbers: Vec::new(),
    }
}

/// Every admitted deal along `loops`, sorted.
fn loop_deals(graph: &MoneyGraph<'_>, loops: &[Vec<EntityId>]) -> BTreeSet<DealId> {
    let hops = graph.hops();
    let mut deals = BTreeSet::new();
    for l in loops {
        for (i, &a) in l.iter().enumerate() {
            let b = l[(i + 1) % l.len()];
            if let Some(h) = hops.find(a, b) {
                deals.extend(hops.hop(h).deals.iter().copied());
            }
        }
    }
    deals
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Filter;
    use crate::load::{LoadOptions, load_bundled};

    fn seeds() -> crate::load::Loaded {
        load_bundled(LoadOptions::default()).unwrap()
    }

    #[test]
    fn neighbourhood_grows_with_radius_and_is_induced() {
        let loaded = seeds();
        let data = &loaded.dataset;
        let graph = MoneyGraph::build(data, Filter::new("2026-01-31".parse().unwrap()));
        let softbank = data.resolve("softbank").unwrap();
        assert_eq!(
            MapSpec::neighbourhood(&graph, softbank, 0, "x").entities,
            [softbank]
        );
        let r1 = MapSpec::neighbourhood(&graph, softbank, 1, "x");
        let r2 = MapSpec::neighbourhood(&graph, softbank, 2, "x");
        assert!(r2.entities.len() > r1.entities.len());
        for spec in [&r1, &r2] {
            for d in &spec.deals {
                let deal = data.deal(d.id);
                assert!(spec.entities.contains(&deal.from()) && spec.entities.contains(&deal.to()));
            }
        }
        // Induced: every admitted deal among the chosen entities is drawn.
        let all = graph
            .deals()
            .filter(|v| r2.entities.contains(&v.deal.from()) && r2.entities.contains(&v.deal.to()))
            .count();
        assert_eq!(r2.deals.len(), all);
    }

    #[test]
    fn credit_names_outlets_by_deals_then_counts_the_unattributed() {
        let loaded = seeds();
        let graph = MoneyGraph::build(&loaded.dataset, Filter::new("2026-01-31".parse().unwrap()));
        let spec = MapSpec::whole(&graph, "x");
        assert!(spec.credit.starts_with("Sources: "), "{}", spec.credit);
        assert!(spec.credit.ends_with(" deals)"), "{}", spec.credit);
        assert!(!spec.credit.contains("Unattributed"));
        let empty = sources_credit(&loaded.dataset, &[]);
        assert_eq!(empty, "");
    }

    #[test]
    fn loops_keep_only_loop_entities_and_list_them() {
        let loaded = seeds();
        let data = &loaded.dataset;
        let graph = MoneyGraph::build(data, Filter::new("2026-01-31".parse().unwrap()));
        let id = |s: &str| data.resolve(s).unwrap();
        let spec = MapSpec::loops(&graph, &[vec![id("amazon"), id("anthropic")]], "x");
        assert_eq!(spec.entities, [id("amazon"), id("anthropic")]);
        assert!(spec.notes.is_empty());
        assert_eq!(spec.loop_keys.len(), 1);
        // Anthropic's cloud spend with Amazon is undisclosed, so the round trip is unknown.
        assert_eq!(
            spec.loop_keys[0],
            "Amazon → Anthropic → Amazon: round trip unknown, resting on confirmed deals"
        );
        assert!(spec.deals.iter().all(|d| d.loop_numbers == [1]));
        assert!(!spec.deals.is_empty() && spec.deals.iter().all(|d| d.on_loop));
    }
}
