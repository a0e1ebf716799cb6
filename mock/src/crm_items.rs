//! CRM records: list, create, read, update, delete, move between stages, and
//! lead conversion.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::filter::{page_body, paging, ItemQuery};
use crate::http::{as_int, crm_error, empty, invalid, json, now, ApiRequest, Errors, Resp};
use crate::server::Shared;
use crate::state::{Portal, StageKind};

/// Handler outcome: the error side is an already built error response.
pub(crate) type Handled = Result<Resp, Resp>;

/// Keys the server sets itself; clients cannot write them.
const MANAGED_KEYS: &[&str] = &["id", "created_at", "updated_at", "created_by", "changed_by"];

pub(crate) fn entity_not_found(code: &str) -> Resp {
    crm_error(404, format!("Entity `{code}` not found."))
}

fn item_not_found(code: &str, id: i64) -> Resp {
    crm_error(404, format!("Record {id} of `{code}` not found."))
}

/// Parses a numeric path id, returning 404 for anything else.
pub(crate) fn path_id(code: &str, raw: &str) -> Result<i64, Resp> {
    raw.parse::<i64>()
        .map_err(|_| crm_error(404, format!("Record `{raw}` of `{code}` not found.")))
}

fn ensure_entity(portal: &Portal, code: &str) -> Result<bool, Resp> {
    portal
        .entity(code)
        .map(|e| e.kanban)
        .ok_or_else(|| entity_not_found(code))
}

fn known_keys(portal: &Portal, code: &str) -> HashSet<String> {
    let mut keys: HashSet<String> = portal
        .fields
        .get(code)
        .map(|fields| {
            fields
                .iter()
                .filter_map(|f| f.get("code").and_then(Value::as_str).map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    keys.insert("id".to_string());
    keys
}

/// `GET /crm/v1/entities/{code}`, and the items of one stage when `stage` is set.
pub(crate) fn list(shared: &Shared, req: &ApiRequest, code: &str, stage: Option<i64>) -> Handled {
    let paging = paging(&req.query)?;
    let portal = shared.portal();
    ensure_entity(&portal, code)?;
    let query = ItemQuery::parse(&req.query, &known_keys(&portal, code))?;
    let mut matched = Vec::new();
    if let Some(table) = portal.items.get(code) {
        for row in table.rows.values() {
            if let Some(stage) = stage {
                if row.get("kanban_stage_id").and_then(as_int) != Some(stage) {
                    continue;
                }
            }
            if query.matches(row)? {
                matched.push(row);
            }
        }
    }
    query.sort(&mut matched);
    let total = matched.len();
    let rows: Vec<Value> = matched
        .into_iter()
        .skip((paging.page - 1).saturating_mul(paging.per_page))
        .take(paging.per_page)
        .map(|row| Value::Object(row.clone()))
        .collect();
    let url = format!("{}/{}", shared.base_url, req.segments.join("/"));
    Ok(json(200, &page_body(rows, total, paging, &url)))
}

/// `GET /crm/v1/entities/{code}/{id}`.
pub(crate) fn get(shared: &Shared, code: &str, id: i64) -> Handled {
    let portal = shared.portal();
    ensure_entity(&portal, code)?;
    portal
        .items
        .get(code)
        .and_then(|t| t.rows.get(&id))
        .map(|row| json(200, &Value::Object(row.clone())))
        .ok_or_else(|| item_not_found(code, id))
}

fn field_label(code: &str) -> String {
    code.replace('_', " ")
}

/// Checks the keys of `input` against the entity's field definitions.
/// Required fields must be present when `creating`; any present value must
/// fit its field type.
fn validate(
    portal: &Portal,
    code: &str,
    input: &Map<String, Value>,
    creating: bool,
) -> Result<(), Resp> {
    let mut errors = Errors::default();
    for field in portal
        .fields
        .get(code)
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        let Some(key) = field.get("code").and_then(Value::as_str) else {
            continue;
        };
        let label = field_label(key);
        let required = field
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let value = input.get(key);
        let blank = match value {
            None | Some(Value::Null) => true,
            Some(Value::String(text)) => text.trim().is_empty(),
            Some(Value::Array(items)) => items.is_empty(),
            _ => false,
        };
        if blank {
            if required && (creating || value.is_some()) {
                errors.add(key, format!("The {label} field is required."));
            }
            continue;
        }
        let value = value.unwrap_or(&Value::Null);
        let field_type = field
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or("string");
        let multiple = field
            .get("multiple")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        match field_type {
            "string" | "textarea" if !value.is_string() => {
                errors.add(key, format!("The {label} must be a string."));
            }
            "integer" | "user_id" | "stage" if as_int(value).is_none() => {
                errors.add(key, format!("The {label} must be an integer."));
            }
            "money" if value.get("value").is_none() => {
                errors.add(
                    key,
                    format!("The {label} must be an object with currency and value."),
                );
            }
            "email" | "phone" if !value.is_array() => {
                errors.add(key, format!("The {label} must be an array."));
            }
            "list" => {
                let allowed: Vec<&str> = field
                    .get("values")
                    .and_then(Value::as_array)
                    .map(|values| {
                        values
                            .iter()
                            .filter_map(|v| v.get("value").and_then(Value::as_str))
                            .collect()
                    })
                    .unwrap_or_default();
                let chosen: Vec<Option<&str>> = match (multiple, value) {
                    (true, Value::Array(items)) => items.iter().map(Value::as_str).collect(),
                    (true, _) => {
                        errors.add(key, format!("The {label} must be an array."));
                        continue;
                    }
                    (false, other) => vec![other.as_str()],
                };
                if chosen
                    .iter()
                    .any(|c| !c.is_some_and(|c| allowed.contains(&c)))
                {
                    errors.add(key, format!("The selected {label} is invalid."));
                }
            }
            _ => {}
        }
    }
    errors.check()
}

/// Resolves `funnel_id` and `kanban_stage_id` for a kanban item and writes
/// them with the matching `kanban_status`. A stage given without a funnel
/// selects the stage's funnel; a funnel without a stage starts at its first
/// stage.
fn place(
    portal: &Portal,
    code: &str,
    row: &mut Map<String, Value>,
    input: &Map<String, Value>,
) -> Result<(), Resp> {
    let funnel_given = input.get("funnel_id").filter(|v| !v.is_null());
    let stage_given = input.get("kanban_stage_id").filter(|v| !v.is_null());
    if funnel_given.is_none() && stage_given.is_none() && row.contains_key("kanban_stage_id") {
        return Ok(());
    }
    let stage = match stage_given {
        Some(value) => {
            let stage = as_int(value)
                .and_then(|id| portal.stage(id))
                .filter(|s| {
                    portal
                        .funnel(s.funnel_id)
                        .is_some_and(|f| f.entity_code == code)
                })
                .ok_or_else(|| {
                    invalid(
                        "kanban_stage_id",
                        "The selected kanban stage id is invalid.",
                    )
                })?;
            if let Some(funnel) = funnel_given {
                if as_int(funnel) != Some(stage.funnel_id) {
                    return Err(invalid(
                        "kanban_stage_id",
                        "The kanban stage does not belong to the selected funnel.",
                    ));
                }
            }
            stage
        }
        None => {
            let funnel = match funnel_given {
                Some(value) => as_int(value)
                    .and_then(|id| portal.funnel(id))
                    .filter(|f| f.entity_code == code)
                    .ok_or_else(|| invalid("funnel_id", "The selected funnel id is invalid."))?,
                None => portal
                    .default_funnel(code)
                    .ok_or_else(|| crm_error(422, format!("Entity `{code}` has no funnel.")))?,
            };
            portal
                .first_stage(funnel.id)
                .ok_or_else(|| crm_error(422, format!("Funnel {} has no stages.", funnel.id)))?
        }
    };
    row.insert("funnel_id".into(), json!(stage.funnel_id));
    row.insert("kanban_stage_id".into(), json!(stage.id));
    row.insert("kanban_status".into(), json!(stage.kind.status()));
    if stage.kind == StageKind::InWork {
        row.insert("kanban_reason_id".into(), Value::Null);
    } else {
        let reason = input
            .get("kanban_reason_id")
            .cloned()
            .unwrap_or(Value::Null);
        row.insert("kanban_reason_id".into(), reason);
    }
    Ok(())
}

/// Adds a new record with server-managed keys; the input must be valid.
fn insert(
    portal: &mut Portal,
    code: &str,
    mut row: Map<String, Value>,
    actor: i64,
) -> Result<Map<String, Value>, Resp> {
    let kanban = ensure_entity(portal, code)?;
    let input = row.clone();
    if kanban {
        place(portal, code, &mut row, &input)?;
    }
    if code == "leads" {
        row.entry("converted").or_insert(json!(false));
    }
    let timestamp = now();
    row.entry("owner").or_insert(json!(actor));
    row.insert("created_by".into(), json!(actor));
    row.insert("changed_by".into(), json!(actor));
    row.insert("created_at".into(), json!(timestamp));
    row.insert("updated_at".into(), json!(timestamp));
    let table = portal.items.entry(code.to_string()).or_default();
    let id = table.allocate_id();
    row.insert("id".into(), json!(id));
    table.rows.insert(id, row.clone());
    Ok(row)
}

fn body_object(req: &ApiRequest) -> Map<String, Value> {
    match req.body_value() {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// `POST /crm/v1/entities/{code}`: unknown keys, custom fields included, are
/// stored as given.
pub(crate) fn create(shared: &Shared, req: &ApiRequest, code: &str) -> Handled {
    let mut input = body_object(req);
    for key in MANAGED_KEYS {
        input.remove(*key);
    }
    let mut portal = shared.portal();
    ensure_entity(&portal, code)?;
    let has_title = input
        .get("title")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.trim().is_empty());
    if code == "contacts" && !has_title {
        // Contacts are usually created by name; the title is derived from it.
        let name = ["last_name", "first_name"]
            .iter()
            .filter_map(|k| input.get(*k).and_then(Value::as_str))
            .collect::<Vec<_>>()
            .join(" ");
        if !name.trim().is_empty() {
            input.insert("title".into(), json!(name.trim()));
        }
    }
    validate(&portal, code, &input, true)?;
    let row = insert(&mut portal, code, input, req.actor())?;
    Ok(json(201, &Value::Object(row)))
}

/// `PATCH /crm/v1/entities/{code}/{id}`: merges the given keys only.
pub(crate) fn update(shared: &Shared, req: &ApiRequest, code: &str, id: i64) -> Handled {
    let mut input = body_object(req);
    for key in MANAGED_KEYS {
        input.remove(*key);
    }
    let mut portal = shared.portal();
    let kanban = ensure_entity(&portal, code)?;
    let mut row = portal
        .items
        .get(code)
        .and_then(|t| t.rows.get(&id))
        .cloned()
        .ok_or_else(|| item_not_found(code, id))?;

    validate(&portal, code, &input, false)?;
    if kanban {
        let mut placement = input.clone();
        // Switching funnels without naming a stage starts at its first stage.
        if placement.contains_key("funnel_id") && !placement.contains_key("kanban_stage_id") {
            let same_funnel = placement.get("funnel_id").and_then(as_int)
                == row.get("funnel_id").and_then(as_int);
            if same_funnel {
                placement.remove("funnel_id");
            }
        }
        place(&portal, code, &mut row, &placement)?;
        input.remove("funnel_id");
        input.remove("kanban_stage_id");
        input.remove("kanban_status");
    }

    for (key, value) in input {
        row.insert(key, value);
    }
    row.insert("changed_by".into(), json!(req.actor()));
    row.insert("updated_at".into(), json!(now()));
    if let Some(table) = portal.items.get_mut(code) {
        table.rows.insert(id, row.clone());
    }
    Ok(json(200, &Value::Object(row)))
}

/// `DELETE /crm/v1/entities/{code}/{id}`.
pub(crate) fn delete(shared: &Shared, code: &str, id: i64) -> Handled {
    let mut portal = shared.portal();
    ensure_entity(&portal, code)?;
    match portal.items.get_mut(code).and_then(|t| t.rows.remove(&id)) {
        Some(_) => Ok(empty(204)),
        None => Err(item_not_found(code, id)),
    }
}

/// `DELETE /crm/v1/entities/{code}/mass_deletion {all, entity_ids, except_ids}`.
/// With `all`, the list filters of the query string select the records.
pub(crate) fn mass_delete(shared: &Shared, req: &ApiRequest, code: &str) -> Handled {
    let body = req.body_value();
    let ids = |key: &str| -> HashSet<i64> {
        body.get(key)
            .and_then(Value::as_array)
            .map(|ids| ids.iter().filter_map(as_int).collect())
            .unwrap_or_default()
    };

    let all = body.get("all").and_then(Value::as_bool).unwrap_or(false);
    let (entity_ids, except_ids) = (ids("entity_ids"), ids("except_ids"));
    if !all && entity_ids.is_empty() {
        return Err(invalid(
            "entity_ids",
            "The entity ids field is required when all is false.",
        ));
    }

    let mut portal = shared.portal();
    ensure_entity(&portal, code)?;
    let query = ItemQuery::parse(&req.query, &known_keys(&portal, code))?;
    let mut doomed = Vec::new();
    if let Some(table) = portal.items.get(code) {
        for (id, row) in &table.rows {
            let selected = if all {
                query.matches(row)?
            } else {
                entity_ids.contains(id)
            };
            if selected && !except_ids.contains(id) {
                doomed.push(*id);
            }
        }
    }

    if let Some(table) = portal.items.get_mut(code) {
        for id in &doomed {
            table.rows.remove(id);
        }
    }
    Ok(json(200, &json!({"status": true, "deleted": doomed.len()})))
}

/// `POST /crm/v1/entities/{code}/{item_id}/move/stage/{stage_id} {reason_id}`.
/// Moving to a SUCCESS or FAIL stage needs a reason of that outcome when the
/// funnel defines any.
pub(crate) fn move_to_stage(
    shared: &Shared,
    req: &ApiRequest,
    code: &str,
    item_id: i64,
    stage_id: i64,
) -> Handled {
    let body = req.body_value();
    let mut portal = shared.portal();
    if !ensure_entity(&portal, code)? {
        return Err(crm_error(422, format!("Entity `{code}` has no kanban.")));
    }
    let stage = portal
        .stage(stage_id)
        .filter(|s| {
            portal
                .funnel(s.funnel_id)
                .is_some_and(|f| f.entity_code == code)
        })
        .cloned()
        .ok_or_else(|| crm_error(404, format!("Stage {stage_id} of `{code}` not found.")))?;
    if !portal
        .items
        .get(code)
        .is_some_and(|t| t.rows.contains_key(&item_id))
    {
        return Err(item_not_found(code, item_id));
    }

    let reason_value = body
        .get("reason_id")
        .or_else(|| body.get("kanban_reason_id"))
        .filter(|v| !v.is_null());
    let reason_id = match reason_value {
        Some(value) => Some(
            as_int(value)
                .ok_or_else(|| invalid("reason_id", "The reason id must be an integer."))?,
        ),
        None => None,
    };

    let reason = match stage.kind {
        StageKind::InWork => None,
        kind => {
            let reasons = portal.reasons_of(stage.funnel_id, kind);
            match reason_id {
                None if !reasons.is_empty() => {
                    return Err(invalid(
                        "reason_id",
                        format!(
                            "The reason id field is required when moving to a {} stage.",
                            kind.status()
                        ),
                    ))
                }
                None => None,
                Some(id) if reasons.iter().any(|r| r.id == id) => Some(id),
                Some(_) => return Err(invalid("reason_id", "The selected reason id is invalid.")),
            }
        }
    };

    let actor = req.actor();
    let row = portal
        .items
        .get_mut(code)
        .and_then(|t| t.rows.get_mut(&item_id))
        .ok_or_else(|| item_not_found(code, item_id))?;
    row.insert("funnel_id".into(), json!(stage.funnel_id));
    row.insert("kanban_stage_id".into(), json!(stage.id));
    row.insert("kanban_status".into(), json!(stage.kind.status()));
    row.insert("kanban_reason_id".into(), json!(reason));
    row.insert("changed_by".into(), json!(actor));
    row.insert("updated_at".into(), json!(now()));
    Ok(json(200, &Value::Object(row.clone())))
}

/// `POST /crm/v1/entities/leads/{id}/convert`: creates a contact and a deal
/// from a lead and closes the lead as converted. Optional body keys:
/// `funnel_id` (deal funnel), `create_contact`, `create_deal` (both default
/// true), `amount` (deal money).
// NOTE: no public client calls a conversion endpoint, so the path and body
// are a guess that follows the item sub-resource pattern.
pub(crate) fn convert(shared: &Shared, req: &ApiRequest, code: &str, id: i64) -> Handled {
    if code != "leads" {
        return Err(crm_error(
            422,
            format!("Only leads can be converted, not `{code}`."),
        ));
    }
    let body = req.body_value();
    let flag = |key: &str| body.get(key).and_then(Value::as_bool).unwrap_or(true);
    let (with_contact, with_deal) = (flag("create_contact"), flag("create_deal"));
    let actor = req.actor();
    let mut portal = shared.portal();
    let lead = portal
        .items
        .get(code)
        .and_then(|t| t.rows.get(&id))
        .cloned()
        .ok_or_else(|| item_not_found(code, id))?;
    if lead.get("converted").and_then(Value::as_bool) == Some(true) {
        return Err(invalid("converted", "The lead has already been converted."));
    }
    let text = |key: &str| {
        lead.get(key)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let owner = lead.get("owner").cloned().unwrap_or(json!(actor));

    let contact_id = if with_contact {
        let name = format!("{} {}", text("last_name"), text("first_name"));
        let title = if name.trim().is_empty() {
            text("title")
        } else {
            name.trim().to_string()
        };
        let mut contact = Map::new();
        contact.insert("title".into(), json!(title));
        for key in ["first_name", "last_name", "email", "phone"] {
            if let Some(value) = lead.get(key) {
                contact.insert(key.into(), value.clone());
            }
        }
        contact.insert("owner".into(), owner.clone());
        Some(insert(&mut portal, "contacts", contact, actor)?["id"].clone())
    } else {
        None
    };

    let deal_id = if with_deal {
        let mut deal = Map::new();
        deal.insert("title".into(), json!(text("title")));
        deal.insert("owner".into(), owner);
        let amount = body
            .get("amount")
            .cloned()
            .unwrap_or(json!({"currency": "UAH", "value": "0.00"}));
        deal.insert("amount".into(), amount);
        if let Some(funnel) = body.get("funnel_id").filter(|v| !v.is_null()) {
            deal.insert("funnel_id".into(), funnel.clone());
        }
        if let Some(contact) = &contact_id {
            deal.insert("contacts".into(), json!([{"id": contact}]));
        }
        deal.insert("lead_id".into(), json!(id));
        Some(insert(&mut portal, "deals", deal, actor)?["id"].clone())
    } else {
        None
    };

    // Close the lead on its funnel's SUCCESS stage.
    let funnel_id = lead.get("funnel_id").and_then(as_int);
    let success = funnel_id.and_then(|f| {
        portal
            .stages_of(f)
            .into_iter()
            .find(|s| s.kind == StageKind::Success)
            .map(|s| {
                (
                    s.id,
                    portal
                        .reasons_of(f, StageKind::Success)
                        .first()
                        .map(|r| r.id),
                )
            })
    });
    if let Some(row) = portal.items.get_mut(code).and_then(|t| t.rows.get_mut(&id)) {
        row.insert("converted".into(), json!(true));
        if let Some((stage_id, reason_id)) = success {
            row.insert("kanban_stage_id".into(), json!(stage_id));
            row.insert("kanban_status".into(), json!("SUCCESS"));
            row.insert("kanban_reason_id".into(), json!(reason_id));
        }
        row.insert("changed_by".into(), json!(actor));
        row.insert("updated_at".into(), json!(now()));
    }
    Ok(json(
        200,
        &json!({"lead_id": id, "contact_id": contact_id, "deal_id": deal_id}),
    ))
}
