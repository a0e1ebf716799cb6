//! CRM schema routes: entity definitions, field types, fields, list values,
//! funnels, kanban stages and success/fail reasons.

use serde_json::{json, Map, Value};

use crate::crm_items::{entity_not_found, Handled};
use crate::data::{base_fields, field_def};
use crate::http::{
    as_int, crm_error, empty, invalid, json, now, text_field, ApiRequest, Errors, Resp,
};
use crate::server::Shared;
use crate::state::{EntityDef, ItemTable, Portal, StageKind};
use crate::words::transliterate;

/// Field types accepted by field creation, with their display names.
pub(crate) const FIELD_TYPES: &[(&str, &str)] = &[
    ("string", "Рядок"),
    ("textarea", "Текст"),
    ("integer", "Ціле число"),
    ("float", "Дробове число"),
    ("list", "Список"),
    ("datetime", "Дата і час"),
    ("money", "Гроші"),
    ("label", "Мітка"),
    ("phone", "Телефон"),
    ("email", "E-mail"),
    ("social", "Соцмережа"),
    ("link", "Посилання"),
    ("boolean", "Так/ні"),
    ("user_id", "Користувач"),
    ("file", "Файл"),
    ("address", "Адреса"),
    ("entity_reference", "Прив'язка до сутності"),
    ("utm", "UTM-мітка"),
    ("stage", "Стадія"),
    ("priority", "Пріоритет"),
];

pub(crate) fn is_code(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn object_body(req: &ApiRequest) -> Map<String, Value> {
    match req.body_value() {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn bool_field(body: &Map<String, Value>, key: &str, default: bool) -> bool {
    match body.get(key) {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        Some(Value::String(s)) => matches!(s.as_str(), "1" | "true"),
        _ => default,
    }
}

/// `GET /crm/v1/entity[?with-funnels=true]`.
pub(crate) fn list_entities(shared: &Shared, req: &ApiRequest) -> Handled {
    let with_funnels = matches!(req.query_str("with-funnels"), Some("true" | "1"));
    let portal = shared.portal();
    let data: Vec<Value> = portal
        .entities
        .iter()
        .map(|entity| {
            let mut value = entity.to_json();
            if with_funnels {
                let funnels: Vec<Value> = portal
                    .funnels_of(&entity.table_name)
                    .map(|f| portal.funnel_json(f))
                    .collect();
                value["funnels"] = Value::Array(funnels);
            }
            value
        })
        .collect();
    let total = data.len();
    Ok(json(
        200,
        &json!({
            "data": data,
            "meta": {
                "current_page": 1, "from": if total > 0 { json!(1) } else { Value::Null },
                "last_page": 1, "per_page": total.max(1), "to": if total > 0 { json!(total) } else { Value::Null },
                "total": total,
            }
        }),
    ))
}

/// `POST /crm/v1/entity`: creates a custom entity with the base fields and,
/// when `kanban` is set, a default funnel. `table_name` may be given;
/// otherwise it is transliterated from the title.
pub(crate) fn create_entity(shared: &Shared, req: &ApiRequest) -> Handled {
    let body = object_body(req);
    let body_value = Value::Object(body.clone());
    let mut errors = Errors::default();
    let title = text_field(&body_value, "title").map(str::to_string);
    if title.is_none() {
        errors.add("title", "The title field is required.");
    }
    let requested = text_field(&body_value, "table_name").map(str::to_string);
    let mut portal = shared.portal();
    if let Some(name) = &requested {
        if !is_code(name) {
            errors.add(
                "table_name",
                "The table name may only contain lower-case letters, digits and underscores.",
            );
        } else if portal.entity(name).is_some() {
            errors.add("table_name", "The table name has already been taken.");
        }
    }
    errors.check()?;
    let title = title.unwrap_or_default();

    portal.seq.entity += 1;
    let id = portal.seq.entity;
    let table_name = requested.unwrap_or_else(|| {
        let base = transliterate(&title, '_');
        let base = if is_code(&base) {
            base
        } else {
            format!("entity_{id}")
        };
        if portal.entity(&base).is_some() {
            format!("{base}_{id}")
        } else {
            base
        }
    });
    let kanban = bool_field(&body, "kanban", false);
    let entity = EntityDef {
        id,
        title: title.clone(),
        title_singular: text_field(&body_value, "title_singular")
            .unwrap_or(&title)
            .to_string(),
        table_name: table_name.clone(),
        kind: text_field(&body_value, "type")
            .unwrap_or("custom")
            .to_string(),
        sort: body.get("sort").and_then(as_int).unwrap_or(id),
        kanban,
        created_at: now(),
    };
    let mut value = entity.to_json();
    for key in [
        "for_all_users",
        "display_in_menu",
        "activity_support",
        "task_support",
    ] {
        value[key] = json!(bool_field(&body, key, true));
    }
    portal.entities.push(entity);
    portal
        .fields
        .insert(table_name.clone(), base_fields(kanban));
    portal
        .items
        .insert(table_name.clone(), ItemTable::default());
    if kanban {
        portal.add_funnel(&table_name, &title, "default", true);
    }
    Ok(json(201, &value))
}

/// `GET /crm/v1/field_types`.
// NOTE: the real item shape is unverified (only third-party code reads this
// route); `{type, name}` is a guess.
pub(crate) fn field_types() -> Handled {
    let data: Vec<Value> = FIELD_TYPES
        .iter()
        .enumerate()
        .map(|(index, (code, name))| json!({"id": index + 1, "type": code, "name": name}))
        .collect();
    Ok(json(200, &json!({"data": data})))
}

fn field_not_found(code: &str, field: &str) -> Resp {
    crm_error(404, format!("Field `{field}` of `{code}` not found."))
}

fn ensure_entity(portal: &Portal, code: &str) -> Result<(), Resp> {
    portal
        .entity(code)
        .map(|_| ())
        .ok_or_else(|| entity_not_found(code))
}

/// `GET /crm/v1/entities/{code}/fields`.
pub(crate) fn list_fields(shared: &Shared, code: &str) -> Handled {
    let portal = shared.portal();
    ensure_entity(&portal, code)?;
    let fields: Vec<Value> = portal
        .fields
        .get(code)
        .map(|f| f.iter().cloned().map(Value::Object).collect())
        .unwrap_or_default();
    Ok(json(200, &json!({"data": fields})))
}

/// `GET /crm/v1/entities/{code}/fields/{field}`.
pub(crate) fn get_field(shared: &Shared, code: &str, field: &str) -> Handled {
    let portal = shared.portal();
    ensure_entity(&portal, code)?;
    portal
        .field(code, field)
        .map(|f| json(200, &Value::Object(f.clone())))
        .ok_or_else(|| field_not_found(code, field))
}

/// Checks and completes list values: each needs a `title`; a missing
/// `value` code is made from the title.
pub(crate) fn normalize_values(
    raw: &Value,
    errors: &mut Errors,
    key: &str,
) -> Vec<Map<String, Value>> {
    let Some(items) = raw.as_array() else {
        errors.add(key, format!("The {key} must be an array of list values."));
        return Vec::new();
    };
    let mut out = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let Some(object) = item.as_object() else {
            errors.add(
                &format!("{key}.{index}"),
                "Each list value must be an object.",
            );
            continue;
        };
        let Some(title) = text_field(item, "title") else {
            errors.add(
                &format!("{key}.{index}.title"),
                "The title field is required.",
            );
            continue;
        };
        let mut value = object.clone();
        let code = match item.get("value") {
            Some(Value::String(code)) if !code.trim().is_empty() => code.trim().to_string(),
            Some(Value::Number(number)) => number.to_string(),
            _ => {
                let code = transliterate(title, '_');
                if code.is_empty() {
                    format!("value_{}", index + 1)
                } else {
                    code
                }
            }
        };
        value.insert("value".into(), json!(code));
        value.entry("color").or_insert(json!("#3AA1FF"));
        value.entry("sort").or_insert(json!((index + 1) * 10));
        value.entry("selected").or_insert(json!(false));
        value.entry("active").or_insert(json!(true));
        out.push(value);
    }
    out
}

/// `POST /crm/v1/entities/{code}/fields`: a missing `code` becomes the next
/// `uf_crm_<digits>` code.
pub(crate) fn create_field(shared: &Shared, req: &ApiRequest, code: &str) -> Handled {
    let body = object_body(req);
    let body_value = Value::Object(body.clone());
    let mut portal = shared.portal();
    ensure_entity(&portal, code)?;
    let mut errors = Errors::default();
    let name = text_field(&body_value, "name").map(str::to_string);
    if name.is_none() {
        errors.add("name", "The name field is required.");
    }
    let field_type = text_field(&body_value, "type").map(str::to_string);
    match &field_type {
        None => errors.add("type", "The type field is required."),
        Some(t) if !FIELD_TYPES.iter().any(|(known, _)| known == t) => {
            errors.add("type", format!("The selected type `{t}` is invalid."))
        }
        Some(_) => {}
    }
    let requested_code = text_field(&body_value, "code").map(str::to_string);
    if let Some(field_code) = &requested_code {
        if !is_code(field_code) {
            errors.add(
                "code",
                "The code may only contain lower-case letters, digits and underscores.",
            );
        } else if portal.field(code, field_code).is_some() {
            errors.add("code", "The code has already been taken.");
        }
    }
    let values = match body.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(raw) => normalize_values(raw, &mut errors, "values"),
    };
    errors.check()?;

    let field_code = requested_code.unwrap_or_else(|| portal.next_field_code());
    let sort = portal.fields.get(code).map_or(0, Vec::len) as i64 * 10 + 10;
    let mut field = field_def(
        &name.unwrap_or_default(),
        &field_code,
        &field_type.unwrap_or_default(),
        sort,
        false,
    );
    for (key, value) in body {
        if !matches!(
            key.as_str(),
            "code" | "system_field" | "base_field" | "values"
        ) {
            field.insert(key, value);
        }
    }
    field.insert(
        "values".into(),
        Value::Array(values.into_iter().map(Value::Object).collect()),
    );
    portal
        .fields
        .entry(code.to_string())
        .or_default()
        .push(field.clone());
    Ok(json(201, &Value::Object(field)))
}

/// `PATCH /crm/v1/entities/{code}/fields/{field}`: merges the given keys;
/// `code`, `system_field` and `base_field` cannot change.
pub(crate) fn update_field(
    shared: &Shared,
    req: &ApiRequest,
    code: &str,
    field_code: &str,
) -> Handled {
    let body = object_body(req);
    let mut portal = shared.portal();
    ensure_entity(&portal, code)?;
    let mut errors = Errors::default();
    if let Some(t) = body.get("type") {
        if !t
            .as_str()
            .is_some_and(|t| FIELD_TYPES.iter().any(|(known, _)| *known == t))
        {
            errors.add("type", "The selected type is invalid.");
        }
    }
    if body.contains_key("name") && text_field(&Value::Object(body.clone()), "name").is_none() {
        errors.add("name", "The name field is required.");
    }

    let values = body
        .get("values")
        .map(|raw| normalize_values(raw, &mut errors, "values"));
    errors.check()?;

    let field = portal
        .field_mut(code, field_code)
        .ok_or_else(|| field_not_found(code, field_code))?;
    for (key, value) in body {
        if !matches!(
            key.as_str(),
            "code" | "system_field" | "base_field" | "values"
        ) {
            field.insert(key, value);
        }
    }
    if let Some(values) = values {
        field.insert(
            "values".into(),
            Value::Array(values.into_iter().map(Value::Object).collect()),
        );
    }
    Ok(json(200, &Value::Object(field.clone())))
}

/// `DELETE /crm/v1/entities/{code}/fields/{field}`; system fields stay.
pub(crate) fn delete_field(shared: &Shared, code: &str, field_code: &str) -> Handled {
    let mut portal = shared.portal();
    ensure_entity(&portal, code)?;
    let field = portal
        .field(code, field_code)
        .ok_or_else(|| field_not_found(code, field_code))?;
    if field.get("system_field").and_then(Value::as_bool) == Some(true) {
        return Err(crm_error(
            403,
            format!("System field `{field_code}` cannot be deleted."),
        ));
    }
    if let Some(fields) = portal.fields.get_mut(code) {
        fields.retain(|f| f.get("code").and_then(Value::as_str) != Some(field_code));
    }
    Ok(empty(204))
}

fn list_field<'a>(
    portal: &'a mut Portal,
    code: &str,
    field_code: &str,
) -> Result<&'a mut Map<String, Value>, Resp> {
    ensure_entity(portal, code)?;
    let field = portal
        .field_mut(code, field_code)
        .ok_or_else(|| field_not_found(code, field_code))?;
    if field.get("type").and_then(Value::as_str) != Some("list") {
        return Err(crm_error(
            422,
            format!("Field `{field_code}` is not a list field."),
        ));
    }
    Ok(field)
}

fn values_of(field: &Map<String, Value>) -> Vec<Value> {
    field
        .get("values")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// `GET /crm/v1/entities/{code}/lists/{field}`: a bare array of values.
pub(crate) fn list_values(shared: &Shared, code: &str, field_code: &str) -> Handled {
    let mut portal = shared.portal();
    let field = list_field(&mut portal, code, field_code)?;
    Ok(json(200, &Value::Array(values_of(field))))
}

/// `POST /crm/v1/entities/{code}/lists/{field}` with a bare JSON array:
/// values matched by `value` are edited, others appended.
pub(crate) fn upsert_values(
    shared: &Shared,
    req: &ApiRequest,
    code: &str,
    field_code: &str,
) -> Handled {
    let body = req.body_value();
    if !body.is_array() {
        return Err(invalid(
            "values",
            "The body must be a JSON array of list values.",
        ));
    }
    let mut portal = shared.portal();
    let field = list_field(&mut portal, code, field_code)?;
    let mut errors = Errors::default();
    let incoming = normalize_values(&body, &mut errors, "values");
    errors.check()?;

    let mut values = values_of(field);
    let existing_count = values.len();
    for (index, new) in incoming.into_iter().enumerate() {
        let code_of = |v: &Value| v.get("value").and_then(Value::as_str).map(str::to_string);
        let new_code = new.get("value").and_then(Value::as_str).map(str::to_string);
        match values.iter_mut().find(|v| code_of(v) == new_code) {
            Some(Value::Object(old)) => {
                // Defaults filled in by `normalize_values` must not reset
                // properties the request did not send.
                let sent = body[index].as_object().cloned().unwrap_or_default();
                for (key, value) in new {
                    if sent.contains_key(&key) || key == "value" {
                        old.insert(key, value);
                    }
                }
            }
            _ => {
                let mut new = new;
                if body[index].get("sort").is_none_or(Value::is_null) {
                    new.insert("sort".into(), json!((existing_count + index + 1) * 10));
                }
                values.push(Value::Object(new));
            }
        }
    }

    field.insert("values".into(), Value::Array(values.clone()));
    Ok(json(200, &Value::Array(values)))
}

/// `DELETE /crm/v1/entities/{code}/lists/{field}/{value}` by value code.
pub(crate) fn delete_value(shared: &Shared, code: &str, field_code: &str, value: &str) -> Handled {
    let mut portal = shared.portal();
    let field = list_field(&mut portal, code, field_code)?;
    let mut values = values_of(field);
    let before = values.len();
    values.retain(|v| v.get("value").and_then(Value::as_str) != Some(value));
    if values.len() == before {
        return Err(crm_error(
            404,
            format!("List value `{value}` of `{field_code}` not found."),
        ));
    }
    field.insert("values".into(), Value::Array(values));
    Ok(empty(204))
}

/// `PATCH /crm/v1/entities/{code}/lists/{field}/{value}`: edits one value
/// (the JS SDK uses it to toggle `active`).
pub(crate) fn update_value(
    shared: &Shared,
    req: &ApiRequest,
    code: &str,
    field_code: &str,
    value: &str,
) -> Handled {
    let body = object_body(req);
    let mut portal = shared.portal();
    let field = list_field(&mut portal, code, field_code)?;
    let mut values = values_of(field);
    let Some(Value::Object(target)) = values
        .iter_mut()
        .find(|v| v.get("value").and_then(Value::as_str) == Some(value))
    else {
        return Err(crm_error(
            404,
            format!("List value `{value}` of `{field_code}` not found."),
        ));
    };
    for (key, new) in body {
        if key != "value" {
            target.insert(key, new);
        }
    }
    let updated = Value::Object(target.clone());
    field.insert("values".into(), Value::Array(values));
    Ok(json(200, &updated))
}

fn kanban_entity(portal: &Portal, code: &str) -> Result<(), Resp> {
    match portal.entity(code) {
        None => Err(entity_not_found(code)),
        Some(entity) if !entity.kanban => {
            Err(crm_error(422, format!("Entity `{code}` has no kanban.")))
        }
        Some(_) => Ok(()),
    }
}

fn funnel_not_found(code: &str, id: i64) -> Resp {
    crm_error(404, format!("Funnel {id} of `{code}` not found."))
}

fn funnel_of(portal: &Portal, code: &str, id: i64) -> Result<(), Resp> {
    match portal.funnel(id) {
        Some(funnel) if funnel.entity_code == code => Ok(()),
        _ => Err(funnel_not_found(code, id)),
    }
}

fn has_items_in(portal: &Portal, code: &str, key: &str, id: i64) -> bool {
    portal.items.get(code).is_some_and(|t| {
        t.rows
            .values()
            .any(|row| row.get(key).and_then(as_int) == Some(id))
    })
}

/// `GET /crm/v1/entities/{code}/funnel`: a bare array, stages included.
pub(crate) fn list_funnels(shared: &Shared, code: &str) -> Handled {
    let portal = shared.portal();
    kanban_entity(&portal, code)?;
    let funnels: Vec<Value> = portal
        .funnels_of(code)
        .map(|f| portal.funnel_json(f))
        .collect();
    Ok(json(200, &Value::Array(funnels)))
}

/// `POST /crm/v1/entities/{code}/funnel`: the new funnel gets the standard
/// stages and one reason of each outcome.
pub(crate) fn create_funnel(shared: &Shared, req: &ApiRequest, code: &str) -> Handled {
    let body = object_body(req);
    let body_value = Value::Object(body.clone());
    let mut portal = shared.portal();
    kanban_entity(&portal, code)?;
    let Some(title) = text_field(&body_value, "title") else {
        return Err(invalid("title", "The title field is required."));
    };
    let funnel_code = text_field(&body_value, "funnel_code")
        .map(str::to_string)
        .unwrap_or_else(|| transliterate(title, '_'));
    let make_default = bool_field(&body, "default", false);
    let id = portal.add_funnel(code, title, &funnel_code, false);
    apply_funnel_flags(
        &mut portal,
        code,
        id,
        make_default,
        bool_field(&body, "active", true),
    );
    let funnel = portal
        .funnel(id)
        .cloned()
        .ok_or_else(|| funnel_not_found(code, id))?;
    Ok(json(201, &portal.funnel_json(&funnel)))
}

/// Sets `default` (unsetting it on the entity's other funnels) and `active`.
fn apply_funnel_flags(portal: &mut Portal, code: &str, id: i64, make_default: bool, active: bool) {
    for funnel in portal.funnels.iter_mut().filter(|f| f.entity_code == code) {
        if funnel.id == id {
            funnel.active = active;
            if make_default {
                funnel.default = true;
            }
        } else if make_default {
            funnel.default = false;
        }
    }
}

/// `GET /crm/v1/entities/{code}/funnel/{id}`.
pub(crate) fn get_funnel(shared: &Shared, code: &str, id: i64) -> Handled {
    let portal = shared.portal();
    kanban_entity(&portal, code)?;
    funnel_of(&portal, code, id)?;
    let funnel = portal
        .funnel(id)
        .ok_or_else(|| funnel_not_found(code, id))?;
    Ok(json(200, &portal.funnel_json(funnel)))
}

/// `PATCH /crm/v1/entities/{code}/funnel/{id}`: `title`, `funnel_code`,
/// `default`, `active`.
pub(crate) fn update_funnel(shared: &Shared, req: &ApiRequest, code: &str, id: i64) -> Handled {
    let body = object_body(req);
    let body_value = Value::Object(body.clone());
    let mut portal = shared.portal();
    kanban_entity(&portal, code)?;
    funnel_of(&portal, code, id)?;
    if body.contains_key("title") && text_field(&body_value, "title").is_none() {
        return Err(invalid("title", "The title field is required."));
    }

    let current = portal
        .funnel(id)
        .cloned()
        .ok_or_else(|| funnel_not_found(code, id))?;
    if let Some(funnel) = portal.funnels.iter_mut().find(|f| f.id == id) {
        if let Some(title) = text_field(&body_value, "title") {
            funnel.title = title.to_string();
        }
        if let Some(funnel_code) = text_field(&body_value, "funnel_code") {
            funnel.funnel_code = funnel_code.to_string();
        }
    }

    let make_default = bool_field(&body, "default", false) && !current.default;
    apply_funnel_flags(
        &mut portal,
        code,
        id,
        make_default,
        bool_field(&body, "active", current.active),
    );
    let funnel = portal
        .funnel(id)
        .cloned()
        .ok_or_else(|| funnel_not_found(code, id))?;
    Ok(json(200, &portal.funnel_json(&funnel)))
}

/// `DELETE /crm/v1/entities/{code}/funnel/{id}`: refused for the default
/// funnel and for funnels that still hold records.
pub(crate) fn delete_funnel(shared: &Shared, code: &str, id: i64) -> Handled {
    let mut portal = shared.portal();
    kanban_entity(&portal, code)?;
    funnel_of(&portal, code, id)?;
    if portal.funnel(id).is_some_and(|f| f.default) {
        return Err(crm_error(422, "The default funnel cannot be deleted."));
    }
    if has_items_in(&portal, code, "funnel_id", id) {
        return Err(crm_error(
            422,
            format!("Funnel {id} still holds records: move them first."),
        ));
    }
    portal.funnels.retain(|f| f.id != id);
    portal.stages.retain(|s| s.funnel_id != id);
    portal.reasons.retain(|r| r.funnel_id != id);
    Ok(empty(204))
}

fn stage_not_found(code: &str, id: i64) -> Resp {
    crm_error(404, format!("Stage {id} of `{code}` not found."))
}

/// Checks that stage `id` exists and belongs to a funnel of `code`.
pub(crate) fn stage_of(shared: &Shared, code: &str, id: i64) -> Result<(), Resp> {
    let portal = shared.portal();
    kanban_entity(&portal, code)?;
    match portal.stage(id) {
        Some(stage)
            if portal
                .funnel(stage.funnel_id)
                .is_some_and(|f| f.entity_code == code) =>
        {
            Ok(())
        }
        _ => Err(stage_not_found(code, id)),
    }
}

/// `GET /crm/v1/entities/{code}/kanban/stage[?funnel_id=]`.
pub(crate) fn list_stages(shared: &Shared, req: &ApiRequest, code: &str) -> Handled {
    let portal = shared.portal();
    kanban_entity(&portal, code)?;
    let funnel_filter = match req.query.get("funnel_id") {
        None => None,
        Some(value) => Some(
            as_int(value)
                .ok_or_else(|| invalid("funnel_id", "The funnel id must be an integer."))?,
        ),
    };
    let mut data = Vec::new();
    for funnel in portal.funnels_of(code) {
        if funnel_filter.is_some_and(|wanted| wanted != funnel.id) {
            continue;
        }
        for stage in portal.stages_of(funnel.id) {
            data.push(portal.stage_json(stage));
        }
    }
    Ok(json(200, &json!({"data": data})))
}

/// `POST /crm/v1/entities/{code}/kanban/stage`: adds an in-work stage,
/// by default after the funnel's last in-work stage.
pub(crate) fn create_stage(shared: &Shared, req: &ApiRequest, code: &str) -> Handled {
    let body = object_body(req);
    let body_value = Value::Object(body.clone());
    let mut portal = shared.portal();
    kanban_entity(&portal, code)?;
    let mut errors = Errors::default();
    let title = text_field(&body_value, "title").map(str::to_string);
    if title.is_none() {
        errors.add("title", "The title field is required.");
    }

    let funnel_id = match body.get("funnel_id").filter(|v| !v.is_null()) {
        Some(value) => as_int(value).filter(|id| funnel_of(&portal, code, *id).is_ok()),
        None => portal.default_funnel(code).map(|f| f.id),
    };
    if funnel_id.is_none() {
        errors.add("funnel_id", "The selected funnel id is invalid.");
    }

    let stage_code = text_field(&body_value, "stage_code").map(str::to_string);
    if let Some(stage_code) = &stage_code {
        if matches!(stage_code.as_str(), "SUCCESS" | "FAIL") {
            errors.add(
                "stage_code",
                "SUCCESS and FAIL stages exist once per funnel.",
            );
        }
    }
    errors.check()?;

    let funnel_id = funnel_id.unwrap_or_default();
    let sort = match body.get("sort").and_then(as_int) {
        Some(sort) => sort,
        None => {
            let last_work = portal
                .stages_of(funnel_id)
                .into_iter()
                .filter(|s| s.kind == StageKind::InWork)
                .map(|s| s.sort)
                .max()
                .unwrap_or(0);
            last_work + 1
        }
    };

    let color = text_field(&body_value, "color")
        .unwrap_or("#3AA1FF")
        .to_string();
    let next_id = portal.seq.stage + 1;
    let stage_code = stage_code.unwrap_or_else(|| format!("STAGE_{next_id}"));
    let id = portal.add_stage(
        funnel_id,
        &title.unwrap_or_default(),
        &stage_code,
        &color,
        sort,
        StageKind::InWork,
    );
    let stage = portal
        .stage(id)
        .cloned()
        .ok_or_else(|| stage_not_found(code, id))?;
    Ok(json(201, &portal.stage_json(&stage)))
}

/// `PATCH /crm/v1/entities/{code}/kanban/stage/{id}`: `title`, `color`,
/// `sort`, and `stage_code` for in-work stages.
pub(crate) fn update_stage(shared: &Shared, req: &ApiRequest, code: &str, id: i64) -> Handled {
    stage_of(shared, code, id)?;
    let body = object_body(req);
    let body_value = Value::Object(body.clone());
    if body.contains_key("title") && text_field(&body_value, "title").is_none() {
        return Err(invalid("title", "The title field is required."));
    }

    let mut portal = shared.portal();
    let stage = portal
        .stages
        .iter_mut()
        .find(|s| s.id == id)
        .ok_or_else(|| stage_not_found(code, id))?;
    if let Some(title) = text_field(&body_value, "title") {
        stage.title = title.to_string();
    }
    if let Some(color) = text_field(&body_value, "color") {
        stage.color = color.to_string();
    }
    if let Some(sort) = body.get("sort").and_then(as_int) {
        stage.sort = sort;
    }

    if let Some(stage_code) = text_field(&body_value, "stage_code") {
        if stage.system_stage() {
            if stage_code != stage.stage_code {
                return Err(invalid(
                    "stage_code",
                    "The code of a system stage cannot change.",
                ));
            }
        } else if matches!(stage_code, "SUCCESS" | "FAIL") {
            return Err(invalid(
                "stage_code",
                "SUCCESS and FAIL stages exist once per funnel.",
            ));
        } else {
            stage.stage_code = stage_code.to_string();
        }
    }
    let stage = stage.clone();
    Ok(json(200, &portal.stage_json(&stage)))
}

/// `DELETE /crm/v1/entities/{code}/kanban/stage/{id}`: refused for system
/// stages and for stages that still hold records.
pub(crate) fn delete_stage(shared: &Shared, code: &str, id: i64) -> Handled {
    stage_of(shared, code, id)?;
    let mut portal = shared.portal();
    if portal.stage(id).is_some_and(|s| s.system_stage()) {
        return Err(crm_error(
            422,
            format!("Stage {id} is a system stage and cannot be deleted."),
        ));
    }
    if has_items_in(&portal, code, "kanban_stage_id", id) {
        return Err(crm_error(
            422,
            format!("Stage {id} still holds records: move them first."),
        ));
    }
    portal.stages.retain(|s| s.id != id);
    Ok(empty(204))
}

/// `GET /crm/v1/reasons/{funnel_id}`: `{SUCCESS: [...], FAIL: [...]}`.
pub(crate) fn list_reasons(shared: &Shared, funnel_id: i64) -> Handled {
    let portal = shared.portal();
    if portal.funnel(funnel_id).is_none() {
        return Err(crm_error(404, format!("Funnel {funnel_id} not found.")));
    }
    let group = |kind| -> Vec<Value> {
        portal
            .reasons_of(funnel_id, kind)
            .into_iter()
            .map(|r| r.to_json())
            .collect()
    };
    Ok(json(
        200,
        &json!({"SUCCESS": group(StageKind::Success), "FAIL": group(StageKind::Fail)}),
    ))
}

/// `POST /crm/v1/reasons/{funnel_id} {title, sort?, type: SUCCESS|FAIL}`.
pub(crate) fn create_reason(shared: &Shared, req: &ApiRequest, funnel_id: i64) -> Handled {
    let body = req.body_value();
    let mut portal = shared.portal();
    if portal.funnel(funnel_id).is_none() {
        return Err(crm_error(404, format!("Funnel {funnel_id} not found.")));
    }
    let mut errors = Errors::default();
    let title = text_field(&body, "title").map(str::to_string);
    if title.is_none() {
        errors.add("title", "The title field is required.");
    }

    let kind = match text_field(&body, "type") {
        Some("SUCCESS") => Some(StageKind::Success),
        Some("FAIL") => Some(StageKind::Fail),
        Some(_) => {
            errors.add("type", "The type must be SUCCESS or FAIL.");
            None
        }
        None => {
            errors.add("type", "The type field is required.");
            None
        }
    };
    errors.check()?;

    let kind = kind.unwrap_or(StageKind::Fail);
    let sort = body
        .get("sort")
        .and_then(as_int)
        .unwrap_or_else(|| portal.reasons_of(funnel_id, kind).len() as i64 + 1);
    let id = portal.add_reason(funnel_id, &title.unwrap_or_default(), sort, kind);
    let reason = portal
        .reasons
        .iter()
        .find(|r| r.id == id)
        .map(|r| r.to_json());
    Ok(json(201, &reason.unwrap_or(Value::Null)))
}

/// `PATCH /crm/v1/reasons/{reason_id} {title?, sort?}`.
pub(crate) fn update_reason(shared: &Shared, req: &ApiRequest, reason_id: i64) -> Handled {
    let body = req.body_value();
    if body.get("title").is_some() && text_field(&body, "title").is_none() {
        return Err(invalid("title", "The title field is required."));
    }
    let mut portal = shared.portal();
    let reason = portal
        .reasons
        .iter_mut()
        .find(|r| r.id == reason_id)
        .ok_or_else(|| crm_error(404, format!("Reason {reason_id} not found.")))?;
    if let Some(title) = text_field(&body, "title") {
        reason.title = title.to_string();
    }
    if let Some(sort) = body.get("sort").and_then(as_int) {
        reason.sort = sort;
    }
    Ok(json(200, &reason.to_json()))
}

/// `DELETE /crm/v1/reasons/{reason_id}`.
pub(crate) fn delete_reason(shared: &Shared, reason_id: i64) -> Handled {
    let mut portal = shared.portal();
    let before = portal.reasons.len();
    portal.reasons.retain(|r| r.id != reason_id);
    if portal.reasons.len() == before {
        return Err(crm_error(404, format!("Reason {reason_id} not found.")));
    }
    Ok(empty(204))
}
