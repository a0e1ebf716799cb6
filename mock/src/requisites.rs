//! CRM requisites: regions, requisite templates, the requisites of CRM
//! records and their bank requisites (snake_case keys).

use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::data::EPOCH;
use crate::http::{as_int, empty, invalid, json, now, Errors, Resp};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{
    merge, not_found, object_body, paged, require_text, row, status_error, strings_of, value, Meta,
    Row, Style,
};

const STYLE: Style = Style::Crm;

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("crm.requisites.regions.list", |c| {
        let portal = c.shared.portal();

        Ok(json(200, &Value::Array(portal.crm_more.regions.clone())))
    }),
    ("crm.requisites.templates.list", |c| {
        let portal = c.shared.portal();
        let rows = portal
            .crm_more
            .requisite_templates
            .rows
            .values()
            .map(value)
            .collect();

        Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
    }),
    ("crm.requisites.templates.create", |c| {
        save_template(c, None)
    }),
    ("crm.requisites.templates.update", |c| {
        let id = c.id("template_id", STYLE, "Requisite template")?;
        save_template(c, Some(id))
    }),
    ("crm.requisites.templates.delete", |c| {
        let id = c.id("template_id", STYLE, "Requisite template")?;

        let mut portal = c.shared.portal();
        template(&portal, id)?;
        let used = portal
            .crm_more
            .requisites
            .rows
            .values()
            .any(|r| r["template_id"].as_i64() == Some(id));
        if used {
            return Err(status_error(
                STYLE,
                409,
                "The template is used by requisites; delete them first.",
            ));
        }
        portal.crm_more.requisite_templates.rows.remove(&id);
        Ok(empty(204))
    }),
    ("crm.requisites.list", list_requisites),
    ("crm.requisites.create", create_requisite),
    ("crm.requisites.get", |c| {
        let id = c.id("requisite_id", STYLE, "Requisite")?;

        let portal = c.shared.portal();

        Ok(json(200, &requisite_json(&portal, id)?))
    }),
    ("crm.requisites.update", update_requisite),
    ("crm.requisites.delete", |c| {
        let id = c.id("requisite_id", STYLE, "Requisite")?;

        let mut portal = c.shared.portal();
        requisite(&portal, id)?;
        portal.crm_more.requisites.rows.remove(&id);
        portal
            .crm_more
            .bank_requisites
            .rows
            .retain(|_, bank| bank["requisite_id"].as_i64() != Some(id));
        Ok(empty(204))
    }),
    ("crm.requisites.bank_requisites.list", |c| {
        let id = c.id("requisite_id", STYLE, "Requisite")?;

        let portal = c.shared.portal();
        requisite(&portal, id)?;
        let rows = banks_of(&portal, id);

        Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
    }),
    ("crm.requisites.bank_requisites.create", |c| {
        save_bank(c, None)
    }),
    ("crm.requisites.bank_requisites.update", |c| {
        let id = c.id("bank_requisite_id", STYLE, "Bank requisite")?;
        save_bank(c, Some(id))
    }),
    ("crm.requisites.bank_requisites.delete", |c| {
        let requisite_id = c.id("requisite_id", STYLE, "Requisite")?;
        let id = c.id("bank_requisite_id", STYLE, "Bank requisite")?;

        let mut portal = c.shared.portal();
        bank(&portal, requisite_id, id)?;
        portal.crm_more.bank_requisites.rows.remove(&id);
        Ok(empty(204))
    }),
    ("crm.requisites.bank_requisites.bulk_delete", |c| {
        let id = c.id("requisite_id", STYLE, "Requisite")?;

        let mut portal = c.shared.portal();
        requisite(&portal, id)?;
        portal
            .crm_more
            .bank_requisites
            .rows
            .retain(|_, bank| bank["requisite_id"].as_i64() != Some(id));
        Ok(empty(204))
    }),
];

fn template(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .crm_more
        .requisite_templates
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Requisite template", id))
}

fn requisite(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .crm_more
        .requisites
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Requisite", id))
}

fn bank(portal: &Portal, requisite_id: i64, id: i64) -> Result<&Row, Resp> {
    requisite(portal, requisite_id)?;
    portal
        .crm_more
        .bank_requisites
        .get(id)
        .filter(|bank| bank["requisite_id"].as_i64() == Some(requisite_id))
        .ok_or_else(|| not_found(STYLE, "Bank requisite", id))
}

fn region(portal: &Portal, id: i64) -> Option<Value> {
    portal
        .crm_more
        .regions
        .iter()
        .find(|region| region["id"].as_i64() == Some(id))
        .cloned()
}

/// Checks template fields: each `{name, code, type}`, codes unique.
fn check_fields(fields: &Value, errors: &mut Errors) {
    let Some(list) = fields.as_array() else {
        errors.add(
            "fields",
            "The fields must be an array of {name, code, type, required}.",
        );
        return;
    };
    let mut codes = Vec::new();
    for (index, field) in list.iter().enumerate() {
        for key in ["name", "code"] {
            if field
                .get(key)
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                errors.add(
                    &format!("fields.{index}.{key}"),
                    format!("The {key} field is required."),
                );
            }
        }
        if let Some(code) = field.get("code").and_then(Value::as_str) {
            if codes.contains(&code) {
                errors.add(
                    &format!("fields.{index}.code"),
                    format!("The code `{code}` is repeated."),
                );
            }
            codes.push(code);
        }
    }
}

fn save_template(c: &Call<'_>, id: Option<i64>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    if id.is_none() || body.contains_key("name") {
        require_text(&body, &["name"])?;
    }

    let mut portal = c.shared.portal();
    if let Some(id) = id {
        template(&portal, id)?;
    }
    let mut errors = Errors::default();
    if let Some(fields) = body.get("fields") {
        check_fields(fields, &mut errors);
    }
    match body.remove("region_id") {
        Some(raw) => match as_int(&raw).and_then(|id| region(&portal, id)) {
            Some(found) => {
                body.insert("region".into(), found);
            }
            None => errors.add("region_id", "The selected region does not exist."),
        },
        None if id.is_none() => {
            body.insert("region".into(), region(&portal, 1).unwrap_or(Value::Null));
        }
        None => {}
    }
    errors.check()?;

    let timestamp = now();
    let id = match id {
        Some(id) => {
            let stored = portal
                .crm_more
                .requisite_templates
                .get_mut(id)
                .expect("checked above");
            merge(stored, body, &["id", "created_at", "created_by"]);
            stored.insert("updated_at".into(), json!(timestamp));
            stored.insert("updated_by".into(), json!(c.actor()));
            id
        }
        None => {
            let mut template = row(json!({
                "name": "", "region": null, "fields": [],
                "created_at": timestamp, "updated_at": timestamp,
                "created_by": c.actor(), "updated_by": c.actor(),
            }));
            merge(
                &mut template,
                body,
                &["id", "created_at", "updated_at", "created_by", "updated_by"],
            );
            portal.crm_more.requisite_templates.insert_new(template)
        }
    };
    let saved = value(template(&portal, id)?);

    Ok(json(
        if c.req.method == http::Method::POST {
            201
        } else {
            200
        },
        &saved,
    ))
}

fn banks_of(portal: &Portal, requisite_id: i64) -> Vec<Value> {
    portal
        .crm_more
        .bank_requisites
        .rows
        .values()
        .filter(|bank| bank["requisite_id"].as_i64() == Some(requisite_id))
        .map(value)
        .collect()
}

/// Returns a requisite with its bank requisites and template's field list.
fn requisite_json(portal: &Portal, id: i64) -> Result<Value, Resp> {
    let stored = requisite(portal, id)?;
    let mut found = value(stored);
    found["bank_requisites"] = Value::Array(banks_of(portal, id));
    if let Some(template) = stored
        .get("template_id")
        .and_then(Value::as_i64)
        .and_then(|t| portal.crm_more.requisite_templates.get(t))
    {
        found["template_name"] = template["name"].clone();
        found["region"] = template["region"].clone();
        found["fields"]["list"] = template["fields"].clone();
    }
    Ok(found)
}

/// Reads the record a requisite belongs to from the `entity_type` and
/// `entity_id` query parameters.
fn entity_of(c: &Call<'_>) -> Result<(String, i64), Resp> {
    let entity_type = strings_of(c.query().get("entity_type")).into_iter().next();
    let entity_id = c.query().get("entity_id").and_then(as_int);
    let mut errors = Errors::default();
    if entity_type.is_none() {
        errors.add(
            "entity_type",
            "The entity type query parameter is required.",
        );
    }
    if entity_id.is_none() {
        errors.add(
            "entity_id",
            "The entity id query parameter must be an integer.",
        );
    }
    errors.check()?;

    Ok((entity_type.unwrap_or_default(), entity_id.unwrap_or(0)))
}

/// `GET /crm/v1/requisites?entity_type=&entity_id=&is_basic=`.
fn list_requisites(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let entity_type = strings_of(c.query().get("entity_type")).into_iter().next();
    let entity_id = c.query().get("entity_id").and_then(as_int);
    let basic = c
        .query()
        .get("is_basic")
        .map(|v| as_int(v) == Some(1) || v == "true");
    let only = c.query().get("requisite_id").and_then(as_int);
    let rows: Vec<Value> = portal
        .crm_more
        .requisites
        .rows
        .values()
        .filter(|r| {
            entity_type
                .as_ref()
                .is_none_or(|t| r["entity_type"] == t.as_str())
        })
        .filter(|r| entity_id.is_none_or(|id| r["entity_id"].as_i64() == Some(id)))
        .filter(|r| basic.is_none_or(|b| r["is_basic"].as_bool() == Some(b)))
        .filter(|r| only.is_none_or(|id| r["id"].as_i64() == Some(id)))
        .filter_map(|r| r["id"].as_i64())
        .filter_map(|id| requisite_json(&portal, id).ok())
        .collect();

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
}

/// Checks `fields.values` against the template: required codes need a
/// non-empty value, unknown codes are rejected.
fn check_values(template: &Row, body: &Row, creating: bool) -> Result<(), Resp> {
    let mut errors = Errors::default();
    let given = body
        .get("fields")
        .and_then(|f| f.get("values"))
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let fields = template["fields"].as_array().cloned().unwrap_or_default();
    for field in &fields {
        let code = field["code"].as_str().unwrap_or("");
        let required = field["required"].as_bool().unwrap_or(false);
        let filled = given
            .get(code)
            .and_then(Value::as_str)
            .is_some_and(|v| !v.trim().is_empty());
        if required && !filled && (creating || given.contains_key(code)) {
            errors.add(
                &format!("fields.values.{code}"),
                format!(
                    "The {} field is required.",
                    field["name"].as_str().unwrap_or(code)
                ),
            );
        }
    }
    for code in given.keys() {
        if !fields.iter().any(|f| f["code"] == code.as_str()) {
            errors.add(
                &format!("fields.values.{code}"),
                "The template has no such field.",
            );
        }
    }
    errors.check()
}

/// Makes `id` the only basic requisite of its record.
fn make_basic(portal: &mut Portal, id: i64) {
    let Some(owner) = portal
        .crm_more
        .requisites
        .get(id)
        .map(|r| (r["entity_type"].clone(), r["entity_id"].clone()))
    else {
        return;
    };
    for (other, requisite) in portal.crm_more.requisites.rows.iter_mut() {
        if *other != id && requisite["entity_type"] == owner.0 && requisite["entity_id"] == owner.1
        {
            requisite.insert("is_basic".into(), json!(false));
        }
    }
}

fn create_requisite(c: &Call<'_>) -> Handled {
    let (entity_type, entity_id) = entity_of(c)?;
    let mut body = object_body(c.req, STYLE)?;
    require_text(&body, &["name"])?;

    let mut portal = c.shared.portal();
    if !portal
        .items
        .get(&entity_type)
        .is_some_and(|t| t.rows.contains_key(&entity_id))
    {
        return Err(invalid(
            "entity_id",
            format!("Record {entity_id} of `{entity_type}` does not exist."),
        ));
    }
    let template_id = body
        .get("template_id")
        .and_then(as_int)
        .ok_or_else(|| invalid("template_id", "The template id field is required."))?;
    let template = template(&portal, template_id)
        .map_err(|_| invalid("template_id", "The selected template does not exist."))?
        .clone();
    check_values(&template, &body, true)?;
    let values = body
        .get("fields")
        .and_then(|f| f.get("values"))
        .cloned()
        .unwrap_or(json!({}));
    body.insert(
        "fields".into(),
        json!({"list": template["fields"], "values": values}),
    );
    let basic = body
        .get("is_basic")
        .is_some_and(|v| v.as_bool().unwrap_or(as_int(v) == Some(1)));
    let first = !portal
        .crm_more
        .requisites
        .rows
        .values()
        .any(|r| r["entity_type"] == entity_type.as_str() && r["entity_id"] == entity_id);
    let mut requisite = row(json!({
        "name": "",
        "is_basic": basic || first,
        "template_id": template_id,
        "template_name": template["name"],
        "region": template["region"],
        "seal_picture": null,
        "sign_picture": null,
        "payer_pdv": false,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "created_at": now(),
    }));
    merge(
        &mut requisite,
        body,
        &[
            "id",
            "is_basic",
            "entity_type",
            "entity_id",
            "template_name",
            "region",
            "bank_requisites",
        ],
    );
    let id = portal.crm_more.requisites.insert_new(requisite);
    if basic || first {
        make_basic(&mut portal, id);
    }

    Ok(json(201, &requisite_json(&portal, id)?))
}

fn update_requisite(c: &Call<'_>) -> Handled {
    let id = c.id("requisite_id", STYLE, "Requisite")?;
    let mut body = object_body(c.req, STYLE)?;
    if body.contains_key("name") {
        require_text(&body, &["name"])?;
    }

    let mut portal = c.shared.portal();
    let current = requisite(&portal, id)?.clone();
    let template_id = body
        .get("template_id")
        .and_then(as_int)
        .or_else(|| current["template_id"].as_i64())
        .unwrap_or(0);
    let template = template(&portal, template_id)
        .map_err(|_| invalid("template_id", "The selected template does not exist."))?
        .clone();
    check_values(&template, &body, false)?;
    if let Some(values) = body
        .get("fields")
        .and_then(|f| f.get("values"))
        .and_then(Value::as_object)
    {
        let mut merged = current["fields"]["values"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        for (code, text) in values {
            merged.insert(code.clone(), text.clone());
        }
        body.insert(
            "fields".into(),
            json!({"list": template["fields"], "values": merged}),
        );
    }
    let basic = body
        .remove("is_basic")
        .map(|v| v.as_bool().unwrap_or(as_int(&v) == Some(1)));
    let stored = portal
        .crm_more
        .requisites
        .get_mut(id)
        .expect("checked above");
    merge(
        stored,
        body,
        &[
            "id",
            "entity_type",
            "entity_id",
            "template_name",
            "region",
            "bank_requisites",
        ],
    );
    if let Some(basic) = basic {
        stored.insert("is_basic".into(), json!(basic));
        if basic {
            make_basic(&mut portal, id);
        }
    }

    Ok(json(200, &requisite_json(&portal, id)?))
}

fn save_bank(c: &Call<'_>, id: Option<i64>) -> Handled {
    let requisite_id = c.id("requisite_id", STYLE, "Requisite")?;
    let body = object_body(c.req, STYLE)?;
    if id.is_none() || body.contains_key("name") {
        require_text(&body, &["name"])?;
    }
    if let Some(fields) = body.get("fields") {
        if !fields.is_object() {
            return Err(invalid(
                "fields",
                "The fields must be an object {list, values}.",
            ));
        }
    }

    let mut portal = c.shared.portal();
    requisite(&portal, requisite_id)?;
    let id = match id {
        Some(id) => {
            bank(&portal, requisite_id, id)?;
            let stored = portal
                .crm_more
                .bank_requisites
                .get_mut(id)
                .expect("checked above");
            merge(stored, body, &["id", "requisite_id", "created_by"]);
            stored.insert("updated_by".into(), json!(c.actor()));
            id
        }
        None => {
            let mut bank = row(json!({
                "name": "", "is_basic": false, "requisite_id": requisite_id,
                "fields": {"list": [], "values": {}},
                "created_by": c.actor(), "updated_by": c.actor(),
            }));
            merge(
                &mut bank,
                body,
                &["id", "requisite_id", "created_by", "updated_by"],
            );
            portal.crm_more.bank_requisites.insert_new(bank)
        }
    };
    let saved = value(bank(&portal, requisite_id, id)?);

    Ok(json(
        if c.req.method == http::Method::POST {
            201
        } else {
            200
        },
        &saved,
    ))
}

// ----------------------------------------------------------------- seed

const BANKS: &[(&str, &str)] = &[
    ("АТ КБ «ПриватБанк»", "305299"),
    ("АТ «Ощадбанк»", "300465"),
    ("АТ «Райффайзен Банк»", "380805"),
    ("АТ «Універсал Банк»", "322001"),
];

/// Builds regions, two templates, and requisites of the first companies.
pub(crate) fn seed(portal: &mut Portal, rng: &mut crate::data::Rng) {
    portal.crm_more.regions = vec![
        json!({"id": 1, "code": "UA", "name": "Україна", "image": ""}),
        json!({"id": 2, "code": "PL", "name": "Польща", "image": ""}),
        json!({"id": 3, "code": "DE", "name": "Німеччина", "image": ""}),
    ];
    let field = |name: &str, code: &str, required: bool| json!({"name": name, "type": "string", "code": code, "default_value": "", "required": required});
    let templates = [
        (
            "Юридична особа (Україна)",
            vec![
                field("Повна назва", "full_name", true),
                field("Код ЄДРПОУ", "edrpou", true),
                field("ІПН", "ipn", false),
                field("Юридична адреса", "legal_address", true),
                field("Директор", "director", false),
            ],
        ),
        (
            "ФОП (Україна)",
            vec![
                field("ПІБ", "full_name", true),
                field("РНОКПП", "rnokpp", true),
                field("Адреса", "legal_address", false),
            ],
        ),
    ];
    for (name, fields) in templates {
        portal.crm_more.requisite_templates.insert_new(row(json!({
            "name": name,
            "region": portal.crm_more.regions[0].clone(),
            "fields": fields,
            "created_at": EPOCH, "updated_at": EPOCH, "created_by": 1, "updated_by": 1,
        })));
    }
    let template = portal
        .crm_more
        .requisite_templates
        .get(1)
        .cloned()
        .unwrap_or_default();
    let companies: Vec<Row> = portal
        .items
        .get("companies")
        .map(|t| t.rows.values().take(5).cloned().collect())
        .unwrap_or_default();
    for company in companies {
        let id = company["id"].as_i64().unwrap_or(0);
        let title = company["title"].as_str().unwrap_or("").to_string();
        let edrpou = company
            .get(crate::demo::COMPANY_EDRPOU_FIELD)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        let requisite = portal.crm_more.requisites.insert_new(row(json!({
            "name": "Основні реквізити",
            "is_basic": true,
            "template_id": 1,
            "template_name": template["name"],
            "region": template["region"],
            "fields": {"list": template["fields"], "values": {
                "full_name": title,
                "edrpou": edrpou,
                "legal_address": company.get("address").cloned().unwrap_or(json!("")),
                "director": "",
            }},
            "seal_picture": null,
            "sign_picture": null,
            "payer_pdv": rng.chance(60),
            "entity_type": "companies",
            "entity_id": id,
            "created_at": EPOCH,
        })));
        let (bank_name, mfo) = *rng.pick(BANKS);
        portal.crm_more.bank_requisites.insert_new(row(json!({
            "name": bank_name,
            "is_basic": true,
            "requisite_id": requisite,
            "fields": {
                "list": [
                    {"name": "IBAN", "type": "string", "code": "iban", "default_value": "", "required": true},
                    {"name": "МФО", "type": "string", "code": "mfo", "default_value": "", "required": false},
                ],
                "values": {"iban": format!("UA{:02}{mfo}{:019}", rng.below(100), rng.below(10_000_000_000_000)), "mfo": mfo},
            },
            "created_by": 1,
            "updated_by": 1,
        })));
    }
}
