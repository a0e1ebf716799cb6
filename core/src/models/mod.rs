//! Serde models of API resources.
//!
//! Every model keeps the keys it does not name in an `extra` map (for CRM
//! items: `fields`), so a get-then-update round trip sends back custom
//! fields such as `uf_crm_*` unchanged. Optional fields that are `None` are
//! not serialized, so an update body holds only what the caller set.

pub mod auth;
pub mod crm;
pub mod crm_catalog;
pub mod files;
pub mod flex;
pub mod services;
pub mod tasks;
pub mod users;

pub use auth::StatusMessage;
pub use crm::{
    Entity, Field, Filter, FilterRule, Funnel, Item, KanbanStage, ListQuery, ListValue, Reason,
    Reasons,
};
pub use crm_catalog::*;
pub use files::{File, StorageSize};
pub use flex::{Decimal, Money};
pub use services::*;
pub use tasks::*;
pub use users::*;
