//! Auth service models.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `{status, message}`, the response of check_email and similar calls.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StatusMessage {
    #[serde(
        default,
        deserialize_with = "super::flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
