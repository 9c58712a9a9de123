//! Random small datasets for the property tests of the queries, and a DOT dump of one so a
//! failing case can be read.

use std::sync::Arc;

use proptest::prelude::*;

use crate::model::{
    Amount, Dataset, Deal, DealKind, Entity, EntityId, EntityKind, Money, Qualifier, Report, Status,
};

/// One generated deal: from, to (indices, distinct), kind, amount, stake.
#[derive(Clone, Debug)]
pub struct GenDeal {
    pub from: usize,
    pub to: usize,
    pub kind: DealKind,
    pub amount: Amount,
    pub stake_pct: Option<f64>,
}

fn amount() -> impl Strategy<Value = Amount> {
    (0usize..5, 1i64..=50).prop_map(|(q, dollars)| {
        let value = Money::from_dollars(dollars).expect("small");
        match q {
            0 => Amount::UNDISCLOSED,
            1 => Amount::new(Qualifier::UpTo, value),
            2 => Amount::new(Qualifier::AtLeast, value),
            3 => Amount::new(Qualifier::About, value),
            _ => Amount::exact(value),
        }
    })
}

fn kind() -> impl Strategy<Value = DealKind> {
    // Investments more often, so chains of investors form.
    prop_oneof![
        3 => Just(DealKind::Investment),
        1 => Just(DealKind::Cloud),
        1 => Just(DealKind::Chips),
        1 => Just(DealKind::Loan),
        1 => Just(DealKind::Revenue),
        1 => Just(DealKind::Other),
    ]
}

/// `(entity count, deals)`: 2 to 7 entities, up to `max_deals` deals, no self-deals;
/// parallel deals between the same pair happen.
pub fn dataset_parts(max_deals: usize) -> impl Strategy<Value = (usize, Vec<GenDeal>)> {
    (2usize..=7).prop_flat_map(move |n| {
        let deal = (
            0..n,
            1..n,
            kind(),
            amount(),
            prop::option::of(prop_oneof![Just(10.0), Just(25.0), Just(50.0), Just(100.0)]),
        )
            .prop_map(move |(from, step, kind, amount, stake_pct)| GenDeal {
                from,
                to: (from + step) % n,
                kind,
                amount,
                stake_pct,
            });
        (Just(n), prop::collection::vec(deal, 0..=max_deals))
    })
}

/// Builds the dataset. Entity `i` gets the id `e{(7i + 3) mod 10}`, so id-string order differs
/// from index order; deal `j` gets the id `d{(j * 7) mod 100:02}` likewise.
pub fn build(n: usize, deals: &[GenDeal]) -> Dataset {
    let mut data = Dataset::new();
    for i in 0..n {
        let id = format!("e{}", (7 * i + 3) % 10);
        data.add_entity(Entity::new(
            &id,
            &format!("Entity {id}"),
            EntityKind::Company,
        ))
        .expect("unique ids");
    }
    for (j, d) in deals.iter().enumerate() {
        data.add_deal(Deal {
            id: format!("d{:02}", (j * 7) % 100).into(),
            kind: d.kind,
            label: (d.kind == DealKind::Other).then(|| "services".into()),
            from: EntityId(d.from as u32),
            to: EntityId(d.to as u32),
            round: None,
            term_years: None,
            valuation: None,
            stake_pct: d.stake_pct,
            inferred: false,
            notes: None,
            reports: vec![Report {
                source: Arc::from("gen.txt"),
                publisher: None,
                date: None,
                event_date: None,
                status: Status::Announced,
                amount: d.amount,
                notes: None,
            }]
            .into(),
        });
    }
    data
}

/// The dataset as DOT, for failure messages.
pub fn dot(data: &Dataset) -> String {
    let mut out = String::from("digraph {\n");
    for d in data.deals() {
        out.push_str(&format!(
            "  {} -> {} [label=\"{} {} {} stake={:?}\"]\n",
            data.entity(d.from()).id,
            data.entity(d.to()).id,
            d.id(),
            d.kind(),
            d.report(0).amount,
            d.stake_pct()
        ));
    }
    out.push('}');
    out
}
