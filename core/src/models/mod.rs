//! Serde models of API resources.
//!
//! Every model keeps the keys it does not name in an `extra` map (for CRM
//! items: `fields`), so a get-then-update round trip sends back custom
//! fields such as `uf_crm_*` unchanged. Optional fields that are `None` are
//! not serialized, so an update body holds only what the caller set.

pub mod auth;
pub mod crm;
pub mod files;
pub mod flex;

pub use flex::{Decimal, Money};
