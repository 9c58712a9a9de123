//! The data model: entities, deals, reports, exact money and partial dates. Everything above
//! this layer reads these types; nothing here knows about files, graphs or output.

mod dataset;
mod date;
mod deal;
mod entity;
mod kinds;
mod money;
mod store;

pub use dataset::{Dataset, UnknownEntity};
pub use date::{DateError, PartialDate, parse_as_of};
pub use deal::{Deal, DealId, DealIdText, Precedence, Report, Reports};
pub use entity::{Entity, EntityId, Fact};
pub use kinds::{DealKind, EntityKind, FactKind, Grade, Status};
pub use money::{Amount, AmountError, Money, MoneySum, Qualifier, parse_amount, parse_money};
pub(crate) use store::PlainDeal;
pub use store::{DealIdParts, DealIdRef, DealIter, DealRef, DealStore, ReportRef};
