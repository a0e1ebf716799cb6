//! Files service models (camelCase keys).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::flex;

/// An uploaded file.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct File {
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// The owning entity's id; numeric for CRM items, a string elsewhere.
    #[serde(
        default,
        deserialize_with = "flex::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub entity_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub upload_id: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub creator_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_filename: Option<String>,
    /// Milliseconds since the Unix epoch.
    // NOTE: the unit follows the browser's `File.lastModified`, which the
    // web client uploads; no API source states it.
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub last_modified: Option<i64>,
    /// Bytes.
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub width: Option<i64>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub height: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Storage used and allowed, in bytes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StorageSize {
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub size: Option<i64>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub limit: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
