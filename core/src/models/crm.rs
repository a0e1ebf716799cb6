//! CRM models (snake_case keys, unix-second timestamps).

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::flex::{self, Money};
use crate::error::{Error, Result};

/// A CRM item of any entity: lead, deal, contact, company or a custom
/// entity. Items are flat JSON objects, so custom fields (`uf_crm_*`) are
/// top-level keys; they live in [`Item::fields`] and survive a round trip.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Item {
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The responsible user's id.
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub owner: Option<i64>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub funnel_id: Option<i64>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub kanban_stage_id: Option<i64>,
    /// `IN_WORK`, `SUCCESS` or `FAIL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kanban_status: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub kanban_reason_id: Option<i64>,
    /// Seconds since the Unix epoch.
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<i64>,
    /// Seconds since the Unix epoch.
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<i64>,
    /// Every other key: system fields not named above and custom fields.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

/// The keys [`Item`] names; every other key goes to [`Item::fields`].
enum ItemKey {
    Id,
    Title,
    Owner,
    FunnelId,
    KanbanStageId,
    KanbanStatus,
    KanbanReasonId,
    CreatedAt,
    UpdatedAt,
    Other(String),
}

impl ItemKey {
    fn read(key: &str) -> ItemKey {
        match key {
            "id" => ItemKey::Id,
            "title" => ItemKey::Title,
            "owner" => ItemKey::Owner,
            "funnel_id" => ItemKey::FunnelId,
            "kanban_stage_id" => ItemKey::KanbanStageId,
            "kanban_status" => ItemKey::KanbanStatus,
            "kanban_reason_id" => ItemKey::KanbanReasonId,
            "created_at" => ItemKey::CreatedAt,
            "updated_at" => ItemKey::UpdatedAt,
            other => ItemKey::Other(other.to_owned()),
        }
    }
}

impl<'de> Deserialize<'de> for ItemKey {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<ItemKey, D::Error> {
        struct KeyVisitor;

        impl Visitor<'_> for KeyVisitor {
            type Value = ItemKey;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a field name")
            }

            fn visit_str<E: de::Error>(self, key: &str) -> std::result::Result<ItemKey, E> {
                Ok(ItemKey::read(key))
            }

            fn visit_string<E: de::Error>(self, key: String) -> std::result::Result<ItemKey, E> {
                Ok(match ItemKey::read(&key) {
                    ItemKey::Other(_) => ItemKey::Other(key),
                    known => known,
                })
            }
        }

        deserializer.deserialize_identifier(KeyVisitor)
    }
}

// Written by hand: the derived `Deserialize`, with `flatten`, buffers every
// key and value before reading them, which made list pages decode slower
// than a plain `serde_json::Value`.
impl<'de> Deserialize<'de> for Item {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Item, D::Error> {
        struct ItemVisitor;

        impl<'de> Visitor<'de> for ItemVisitor {
            type Value = Item;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a CRM item object")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Item, A::Error> {
                let mut item = Item::default();
                while let Some(key) = map.next_key::<ItemKey>()? {
                    let int = |map: &mut A| map.next_value::<flex::FlexI64>().map(|flex| flex.0);
                    match key {
                        ItemKey::Id => item.id = int(&mut map)?,
                        ItemKey::Title => item.title = map.next_value()?,
                        ItemKey::Owner => item.owner = int(&mut map)?,
                        ItemKey::FunnelId => item.funnel_id = int(&mut map)?,
                        ItemKey::KanbanStageId => item.kanban_stage_id = int(&mut map)?,
                        ItemKey::KanbanStatus => item.kanban_status = map.next_value()?,
                        ItemKey::KanbanReasonId => item.kanban_reason_id = int(&mut map)?,
                        ItemKey::CreatedAt => item.created_at = int(&mut map)?,
                        ItemKey::UpdatedAt => item.updated_at = int(&mut map)?,
                        ItemKey::Other(name) => {
                            let value = map.next_value()?;
                            item.fields.insert(name, value);
                        }
                    }
                }
                Ok(item)
            }
        }

        deserializer.deserialize_map(ItemVisitor)
    }
}

impl Item {
    /// A new item with a title, for create calls.
    pub fn titled(title: impl Into<String>) -> Item {
        Item {
            title: Some(title.into()),
            ..Item::default()
        }
    }

    /// Sets any field (a custom `uf_crm_*` field, `phone`, `amount`, ...).
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Item {
        self.fields.insert(key.into(), value.into());
        self
    }

    /// Reads a money field such as a deal's `amount`. `Ok(None)` when the
    /// field is absent or `null`; an error naming the field when it is not
    /// `{currency, value}`.
    pub fn money(&self, key: &str) -> Result<Option<Money>> {
        match self.fields.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => serde_json::from_value(value.clone())
                .map(Some)
                .map_err(|error| {
                    Error::with_kind(
                        crate::ErrorKind::Decode,
                        format!("field `{key}` is not a money value {{currency, value}}: {error}"),
                    )
                    .json_path(key.to_owned())
                    .finish()
                }),
        }
    }
}

/// A value of a list-type field. Items store `value`, not `title`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ListValue {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub sort: Option<i64>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub selected: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub active: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A field definition of an entity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Field {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// `string`, `list`, `money`, `entity_reference`, ...
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub field_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub required: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub editable: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub show: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub hidden: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub multiple: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub system_field: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub sort: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<ListValue>>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub field_section_id: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A sales funnel (pipeline) of deals, leads or a kanban custom entity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Funnel {
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub funnel_code: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub default: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub active: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stages: Option<Vec<KanbanStage>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A kanban stage of a funnel.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KanbanStage {
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// `NEW`, `SUCCESS`, `FAIL` for system stages, any code otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stage_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub color: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub sort: Option<i64>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub system_stage: Option<bool>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub funnel_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reasons: Option<Vec<Reason>>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A reason for closing an item as won (`SUCCESS`) or lost (`FAIL`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reason {
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub sort: Option<i64>,
    /// `SUCCESS` or `FAIL`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub reason_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub funnel_id: Option<i64>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The reasons of a funnel, grouped by outcome.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Reasons {
    #[serde(rename = "SUCCESS", default)]
    pub success: Vec<Reason>,
    #[serde(rename = "FAIL", default)]
    pub fail: Vec<Reason>,
}

/// An entity definition (`GET /crm/v1/entity`); `table_name` is the
/// `entity_code` of item paths.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    #[serde(
        default,
        deserialize_with = "flex::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_singular: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_name: Option<String>,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    #[serde(
        default,
        deserialize_with = "flex::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub kanban: Option<bool>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Query of a CRM list call. Unset options are not sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ListQuery {
    /// Page number, from 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// Page size (Uspacy's name for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub list: Option<u64>,
    /// Free-text search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    /// `AND` or `OR`, combining the simple field filters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub boolean_operator: Option<String>,
    /// `{field: "asc" | "desc"}`.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub sort_by: Map<String, Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub funnel_id: Option<i64>,
    /// A smart filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Filter>,
    /// Simple field filters (`owner: [1, 2]`, `amount: {from, to}`) and any
    /// other parameter.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ListQuery {
    /// Page `page` of `list` items.
    pub fn page(page: u64, list: u64) -> ListQuery {
        ListQuery {
            page: Some(page),
            list: Some(list),
            ..ListQuery::default()
        }
    }

    /// Sorts by `field`, ascending unless `descending`.
    pub fn sort_by(mut self, field: impl Into<String>, descending: bool) -> ListQuery {
        let order = if descending { "desc" } else { "asc" };
        self.sort_by.insert(field.into(), Value::from(order));
        self
    }

    /// Adds a simple filter or any other query parameter.
    pub fn param(mut self, name: impl Into<String>, value: impl Into<Value>) -> ListQuery {
        self.extra.insert(name.into(), value.into());
        self
    }
}

/// A smart filter: rules and nested groups joined by `condition`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Filter {
    /// `and` or `or`.
    pub condition: String,
    pub filters: Vec<FilterRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<Filter>,
}

impl Filter {
    /// A filter whose rules must all hold.
    pub fn all(filters: Vec<FilterRule>) -> Filter {
        Filter {
            condition: "and".to_owned(),
            filters,
            groups: Vec::new(),
        }
    }

    /// A filter of which any rule may hold.
    pub fn any(filters: Vec<FilterRule>) -> Filter {
        Filter {
            condition: "or".to_owned(),
            filters,
            groups: Vec::new(),
        }
    }
}

/// One rule of a smart filter: `field operator values`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FilterRule {
    pub field: String,
    /// `eq`, `not_eq`, `like`, `in`, `gte`, `lte`, `gte-lte`, `empty`, ...
    pub operator: String,
    pub values: Vec<Value>,
}

impl FilterRule {
    pub fn new(
        field: impl Into<String>,
        operator: impl Into<String>,
        values: Vec<Value>,
    ) -> FilterRule {
        FilterRule {
            field: field.into(),
            operator: operator.into(),
            values,
        }
    }
}
