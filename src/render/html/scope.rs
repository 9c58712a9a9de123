//! Which part of the data a page shows: everything the filters keep ([`Selection`]), or
//! only some entities (`explore --focus`, `map --format html`), cut out as a dataset of their
//! own so that every query on the page (loops, stakeholders) sees only them.

use std::collections::VecDeque;

use super::data::{ExploreOptions, PageData, Selection, page_data};
use crate::graph::Filter;
use crate::model::{Dataset, EntityId};

/// The data of one page: the dataset (the whole one, or the part cut out), the filter to
/// apply to it and what it selects.
#[derive(Debug)]
pub struct Scope<'d> {
    whole: &'d Dataset,
    part: Option<Dataset>,
    filter: Filter,
    selection: Selection,
}

impl<'d> Scope<'d> {
    /// Every deal `filter` keeps at some slider date (see [`Selection`]) and its entities.
    pub fn new(data: &'d Dataset, filter: &Filter) -> Scope<'d> {
        Scope {
            whole: data,
            part: None,
            filter: filter.clone(),
            selection: Selection::new(data, filter),
        }
    }

    /// The page limited to `entities` and the deals among them (the induced subgraph).
    /// Entities outside the selection are left out.
    pub fn only(data: &'d Dataset, filter: &Filter, entities: &[EntityId]) -> Scope<'d> {
        let full = Selection::new(data, filter);
        let mut keep = vec![false; data.entities().len()];
        for &e in entities {
            keep[e.index()] = true;
        }
        let part = cut(data, &full, &keep);
        // Entities taken out are not in the part: its ids are its own.
        let filter = Filter {
            without: Vec::new(),
            ..filter.clone()
        };
        let selection = Selection::new(&part, &filter);
        Scope {
            whole: data,
            part: Some(part),
            filter,
            selection,
        }
    }

    /// The page around `focus`: it and every entity within `radius` deals of it, whichever
    /// way the money flows, counting every deal on the page at any slider date, with every
    /// deal among them. `None` when `focus` has no deal on the page.
    ///
    /// Complexity: `O(D)` for the `D` deals of the selection, plus cutting out the part.
    pub fn around(
        data: &'d Dataset,
        filter: &Filter,
        focus: EntityId,
        radius: usize,
    ) -> Option<Scope<'d>> {
        let full = Selection::new(data, filter);
        let mut neighbours: Vec<Vec<EntityId>> = vec![Vec::new(); data.entities().len()];
        for &id in &full.deals {
            let d = data.deal(id);
            neighbours[d.from().index()].push(d.to());
            neighbours[d.to().index()].push(d.from());
        }
        if neighbours[focus.index()].is_empty() {
            return None;
        }
        let mut seen = vec![false; data.entities().len()];
        seen[focus.index()] = true;
        let mut queue = VecDeque::from([(focus, 0usize)]);
        let mut found = vec![focus];
        while let Some((v, d)) = queue.pop_front() {
            if d == radius {
                continue;
            }
            for &w in &neighbours[v.index()] {
                if !seen[w.index()] {
                    seen[w.index()] = true;
                    found.push(w);
                    queue.push_back((w, d + 1));
                }
            }
        }
        Some(Scope::only(data, filter, &found))
    }

    /// The dataset the page reads (the part cut out, if any).
    pub fn dataset(&self) -> &Dataset {
        self.part.as_ref().unwrap_or(self.whole)
    }

    /// How many entities the page shows.
    pub fn entity_count(&self) -> usize {
        self.selection.entities.len()
    }

    /// How many deals the page holds (at any slider date).
    pub fn deal_count(&self) -> usize {
        self.selection.deals.len()
    }

    /// The page's data, titled `title` ("Who pays whom").
    pub fn page_data(&self, title: &str, data_label: &str, options: &ExploreOptions) -> PageData {
        let mut page = page_data(
            self.dataset(),
            &self.filter,
            &self.selection,
            data_label,
            options,
        );
        page.title = title.to_string();
        page
    }
}

/// The entities marked in `keep` that `selection` holds, and the selection's deals among
/// them, as a dataset of their own (ids, names, facts and reports unchanged).
fn cut(data: &Dataset, selection: &Selection, keep: &[bool]) -> Dataset {
    let mut part = Dataset::new();
    let mut new_id = vec![None; data.entities().len()];
    for &e in &selection.entities {
        if keep[e.index()] {
            // Ids are unique in `data`, so every one is new here.
            new_id[e.index()] = part.add_entity(data.entity(e).clone()).ok();
        }
    }
    for &id in &selection.deals {
        let d = data.deal(id);
        if let (Some(from), Some(to)) = (new_id[d.from().index()], new_id[d.to().index()]) {
            let mut deal = d.to_deal();
            deal.from = from;
            deal.to = to;
            part.add_deal(deal);
        }
    }
    part
}
