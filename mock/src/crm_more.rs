//! CRM documents: document templates, the fields templates can insert, and
//! documents generated from a template for a CRM record.

use bytes::Bytes;
use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::data::EPOCH;
use crate::http::{as_int, empty, invalid, json, now, Errors, Resp};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{
    ids_of, merge, not_found, object_body, paged, require_text, row, strings_of, value, Meta, Row,
    Style,
};

const STYLE: Style = Style::Crm;

/// Fields a template can insert, per entity: (entity, symbol code, name).
const TEMPLATE_FIELDS: &[(&str, &str, &str)] = &[
    ("deals", "DEAL_TITLE", "Назва угоди"),
    ("deals", "DEAL_AMOUNT", "Сума угоди"),
    ("deals", "DEAL_OWNER", "Відповідальний"),
    ("deals", "DEAL_CREATED_AT", "Дата створення"),
    ("contacts", "CONTACT_FIRST_NAME", "Ім'я контакту"),
    ("contacts", "CONTACT_LAST_NAME", "Прізвище контакту"),
    ("contacts", "CONTACT_PHONE", "Телефон контакту"),
    ("companies", "COMPANY_TITLE", "Назва компанії"),
    ("companies", "COMPANY_EDRPOU", "Код ЄДРПОУ"),
    ("companies", "COMPANY_ADDRESS", "Адреса компанії"),
    ("leads", "LEAD_TITLE", "Назва ліда"),
    ("products", "PRODUCTS_TABLE", "Таблиця товарів"),
    ("products", "PRODUCTS_TOTAL", "Сума товарів"),
];

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("crm.document_templates.list", list_templates),
    ("crm.document_templates.create", |c| save_template(c, None)),
    ("crm.document_templates.update", |c| {
        let id = c.id("template_id", STYLE, "Document template")?;
        save_template(c, Some(id))
    }),
    ("crm.document_templates.bulk_delete", |c| {
        let ids = ids_of(c.query().get("ids"));
        if ids.is_empty() {
            return Err(invalid("ids", "Send the template ids as ids[]=1&ids[]=2."));
        }

        let mut portal = c.shared.portal();
        for id in &ids {
            template(&portal, *id)?;
        }
        for id in &ids {
            portal.crm_more.document_templates.rows.remove(id);
        }
        Ok(empty(204))
    }),
    ("crm.document_template_fields.list", |c| {
        let entities = strings_of(c.query().get("binding_entities"));
        let search = c
            .query()
            .get("search")
            .and_then(Value::as_str)
            .map(str::to_lowercase);
        let rows: Vec<Value> = TEMPLATE_FIELDS
            .iter()
            .enumerate()
            .filter(|(_, (entity, _, _))| entities.is_empty() || entities.iter().any(|e| e == entity))
            .filter(|(_, (_, _, name))| search.as_ref().is_none_or(|s| name.to_lowercase().contains(s.as_str())))
            .map(|(index, (entity, code, name))| {
                json!({"id": index + 1, "name": name, "entity": entity, "symbol_code": code})
            })
            .collect();

        Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
    }),
    ("crm.document_template_fields.filter_entities", |c| {
        let portal = c.shared.portal();
        let mut entities: Vec<Value> = portal
            .entities
            .iter()
            .map(|e| json!({"id": e.id, "table_name": e.table_name, "title": e.title}))
            .collect();
        entities.push(json!({"id": null, "table_name": "products", "title": "Товари"}));

        Ok(json(200, &json!({"data": entities})))
    }),
    ("crm.documents.list", |c| {
        let portal = c.shared.portal();
        let rows = portal.crm_more.documents.rows.values().map(value).collect();

        Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
    }),
    ("crm.documents.create", create_document),
    ("crm.documents.update", |c| {
        let id = c.id("document_id", STYLE, "Document")?;
        let body = object_body(c.req, STYLE)?;
        if body.contains_key("name") {
            require_text(&body, &["name"])?;
        }

        let mut portal = c.shared.portal();
        let stored = portal
            .crm_more
            .documents
            .get_mut(id)
            .ok_or_else(|| not_found(STYLE, "Document", id))?;
        merge(
            stored,
            body,
            &[
                "id",
                "template_id",
                "entity_type",
                "entity_id",
                "file",
                "created_at",
                "values",
            ],
        );
        stored.insert("updated_at".into(), json!(now()));

        Ok(json(200, &value(stored)))
    }),
    ("crm.document_fields.list", |c| {
        let id = c.id("document_id", STYLE, "Document")?;

        let portal = c.shared.portal();

        Ok(json(200, &json!({"data": document_fields(&portal, id)?})))
    }),
    ("crm.document_fields.update", |c| {
        let id = c.id("document_id", STYLE, "Document")?;
        let body = object_body(c.req, STYLE)?;
        let Some(Value::Array(fields)) = body.get("fields") else {
            return Err(invalid(
                "fields",
                "The fields must be an array of {symbol_code, value}.",
            ));
        };
        let mut errors = Errors::default();
        let mut values = serde_json::Map::new();
        for (index, field) in fields.iter().enumerate() {
            match field.get("symbol_code").and_then(Value::as_str) {
                Some(code) if TEMPLATE_FIELDS.iter().any(|(_, known, _)| *known == code) => {
                    values.insert(
                        code.to_string(),
                        field.get("value").cloned().unwrap_or(Value::Null),
                    );
                }
                _ => errors.add(
                    &format!("fields.{index}.symbol_code"),
                    "The symbol code is unknown.",
                ),
            }
        }
        errors.check()?;

        let mut portal = c.shared.portal();
        let stored = portal
            .crm_more
            .documents
            .get_mut(id)
            .ok_or_else(|| not_found(STYLE, "Document", id))?;
        let mut current = stored
            .get("values")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        current.extend(values);
        stored.insert("values".into(), Value::Object(current));
        stored.insert("updated_at".into(), json!(now()));

        Ok(json(200, &json!({"data": document_fields(&portal, id)?})))
    }),
];

fn template(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .crm_more
        .document_templates
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Document template", id))
}

/// `GET /crm/v1/documents/templates`: `search`, `is_active[]`,
/// `binding_entities[]`, with `total_templates_count` beside the meta.
fn list_templates(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let search = c
        .query()
        .get("search")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    let active: Vec<bool> = strings_of(c.query().get("is_active"))
        .iter()
        .map(|v| v == "1" || v == "true")
        .collect();
    let entities = ids_of(c.query().get("binding_entities"));
    let all = &portal.crm_more.document_templates;
    let rows: Vec<Value> = all
        .rows
        .values()
        .filter(|t| {
            search.as_ref().is_none_or(|s| {
                t["name"]
                    .as_str()
                    .is_some_and(|n| n.to_lowercase().contains(s.as_str()))
            })
        })
        .filter(|t| {
            active.is_empty() || active.contains(&t["is_active"].as_bool().unwrap_or(false))
        })
        .filter(|t| {
            entities.is_empty()
                || t["binding_entities"].as_array().is_some_and(|bound| {
                    bound.iter().any(|b| {
                        b["entity_id"]
                            .as_i64()
                            .is_some_and(|e| entities.contains(&e))
                    })
                })
        })
        .map(value)
        .collect();
    let mut body = paged(rows, c.query(), &c.url(), Meta::Snake)?;
    body["total_templates_count"] = json!(all.rows.len());

    Ok(json(200, &body))
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
    if let Some(file) = body.get("file").filter(|v| !v.is_null()) {
        match as_int(file).and_then(|f| portal.files.get(&f)) {
            Some(stored) => {
                let file = json!({"id": stored.id, "originalFilename": stored.original_filename});
                body.insert("file".into(), file);
            }
            None => errors.add("file", "The file must be the id of an uploaded file."),
        }
    }
    if let Some(bound) = body.get("binding_entities") {
        if !bound.is_array() {
            errors.add(
                "binding_entities",
                "The binding entities must be an array of {entity_id, funnels}.",
            );
        }
    }
    errors.check()?;

    if let Some(active) = body.get("is_active").cloned() {
        body.insert(
            "is_active".into(),
            json!(active.as_bool().unwrap_or(as_int(&active) == Some(1))),
        );
    }
    let timestamp = now();
    let id = match id {
        Some(id) => {
            let stored = portal
                .crm_more
                .document_templates
                .get_mut(id)
                .expect("checked above");
            merge(stored, body, &["id", "created_at", "created_by"]);
            stored.insert("updated_at".into(), json!(timestamp));
            stored.insert("updated_by".into(), json!(c.actor()));
            id
        }
        None => {
            let code = format!("DOC-{:03}", portal.crm_more.document_templates.next_id + 1);
            let mut template = row(json!({
                "name": "", "is_active": true, "file": null, "code": code,
                "binding_entities": [], "access": {"departments": [], "users": []},
                "numerator_id": null, "created_at": timestamp, "updated_at": timestamp,
                "created_by": c.actor(), "updated_by": c.actor(), "disabled": false,
            }));
            merge(
                &mut template,
                body,
                &["id", "created_at", "updated_at", "created_by", "updated_by"],
            );
            portal.crm_more.document_templates.insert_new(template)
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

/// Returns the value of a template field for a CRM record.
fn field_value(portal: &Portal, entity_type: &str, record: &Row, code: &str) -> Value {
    match code {
        "DEAL_TITLE" | "LEAD_TITLE" | "COMPANY_TITLE" => {
            record.get("title").cloned().unwrap_or(Value::Null)
        }
        "DEAL_AMOUNT" => record
            .get("amount")
            .and_then(|a| a.get("value"))
            .cloned()
            .unwrap_or(Value::Null),
        "DEAL_OWNER" => record
            .get("owner")
            .and_then(Value::as_i64)
            .and_then(|id| portal.user(id))
            .map(|u| json!(format!("{} {}", u.first_name, u.last_name)))
            .unwrap_or(Value::Null),
        "DEAL_CREATED_AT" => record
            .get("created_at")
            .map(|t| json!(crate::store::iso(t.as_i64().unwrap_or(0))))
            .unwrap_or(Value::Null),
        "CONTACT_FIRST_NAME" => record.get("first_name").cloned().unwrap_or(Value::Null),
        "CONTACT_LAST_NAME" => record.get("last_name").cloned().unwrap_or(Value::Null),
        "CONTACT_PHONE" => record
            .get("phone")
            .and_then(|p| p.get(0))
            .and_then(|p| p.get("value"))
            .cloned()
            .unwrap_or(Value::Null),
        "COMPANY_EDRPOU" => record
            .get(crate::demo::COMPANY_EDRPOU_FIELD)
            .cloned()
            .unwrap_or(Value::Null),
        "COMPANY_ADDRESS" => record.get("address").cloned().unwrap_or(Value::Null),
        "PRODUCTS_TOTAL" => portal
            .catalog
            .product_lists
            .rows
            .values()
            .find(|l| l["entity_type"] == entity_type && l["entity_id"] == record["id"])
            .map(|l| l["amount_total"].clone())
            .unwrap_or(Value::Null),
        _ => Value::Null,
    }
}

/// Returns the fields of a document: every known symbol with its value
/// from the record, or the value set through `document_fields.update`.
fn document_fields(portal: &Portal, id: i64) -> Result<Vec<Value>, Resp> {
    let document = portal
        .crm_more
        .documents
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Document", id))?;
    let entity_type = document["entity_type"].as_str().unwrap_or("");
    let record = document["entity_id"]
        .as_i64()
        .and_then(|record| portal.items.get(entity_type)?.rows.get(&record))
        .cloned()
        .unwrap_or_default();
    let overrides = document.get("values").and_then(Value::as_object);
    Ok(TEMPLATE_FIELDS
        .iter()
        .filter(|(entity, _, _)| *entity == entity_type || *entity == "products")
        .map(|(_, code, name)| {
            let value = overrides
                .and_then(|o| o.get(*code).cloned())
                .unwrap_or_else(|| field_value(portal, entity_type, &record, code));
            json!({"symbol_code": code, "name": name, "value": value})
        })
        .collect())
}

/// `POST /crm/v1/documents {template_id, entity_type, entity_id, name?}`:
/// generates a document file for the record.
fn create_document(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let mut errors = Errors::default();
    let template_id = body.get("template_id").and_then(as_int);
    let entity_type = body
        .get("entity_type")
        .and_then(Value::as_str)
        .map(str::to_string);
    let entity_id = body.get("entity_id").and_then(as_int);
    if template_id.is_none() {
        errors.add("template_id", "The template id field is required.");
    }
    if entity_type.is_none() {
        errors.add("entity_type", "The entity type field is required.");
    }
    if entity_id.is_none() {
        errors.add("entity_id", "The entity id field is required.");
    }
    errors.check()?;

    let (template_id, entity_type, entity_id) = (
        template_id.unwrap_or(0),
        entity_type.unwrap_or_default(),
        entity_id.unwrap_or(0),
    );

    let mut portal = c.shared.portal();
    let template = template(&portal, template_id)
        .map_err(|_| invalid("template_id", "The selected template does not exist."))?
        .clone();
    let record = portal
        .items
        .get(&entity_type)
        .and_then(|t| t.rows.get(&entity_id))
        .cloned()
        .ok_or_else(|| {
            invalid(
                "entity_id",
                format!("Record {entity_id} of `{entity_type}` does not exist."),
            )
        })?;
    let name = body
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "{} — {}",
                template["name"].as_str().unwrap_or(""),
                record["title"].as_str().unwrap_or("")
            )
        });
    let content = format!("{name}\n{}\n", record["title"].as_str().unwrap_or(""));
    let part = crate::multipart::Part {
        name: "file".into(),
        filename: Some(format!("{name}.txt")),
        content_type: Some("text/plain; charset=utf-8".into()),
        data: Bytes::from(content),
    };
    let file = crate::files::store_part(
        c.shared,
        &mut portal,
        &part,
        (&entity_type, &entity_id.to_string()),
        c.actor(),
    );
    let timestamp = now();
    let id = portal.crm_more.documents.insert_new(row(json!({
        "name": name,
        "template_id": template_id,
        "entity_type": entity_type,
        "entity_id": entity_id,
        "file": file,
        "created_at": timestamp,
        "updated_at": timestamp,
    })));
    let created = value(portal.crm_more.documents.get(id).expect("just stored"));

    Ok(json(201, &created))
}

/// Builds three document templates and one generated document.
pub(crate) fn seed(portal: &mut Portal) {
    for (name, entity) in [
        ("Рахунок на оплату", 2),
        ("Договір поставки", 2),
        ("Акт виконаних робіт", 2),
    ] {
        let code = format!("DOC-{:03}", portal.crm_more.document_templates.next_id + 1);
        portal.crm_more.document_templates.insert_new(row(json!({
            "name": name, "is_active": true, "file": null, "code": code,
            "binding_entities": [{"entity_id": entity, "funnels": [1]}],
            "access": {"departments": [], "users": []},
            "numerator_id": 1, "created_at": EPOCH, "updated_at": EPOCH,
            "created_by": 1, "updated_by": 1, "disabled": false,
        })));
    }
    let title = portal
        .items
        .get("deals")
        .and_then(|t| t.rows.get(&1))
        .and_then(|deal| deal["title"].as_str())
        .unwrap_or("Угода №1")
        .to_string();
    portal.crm_more.documents.insert_new(row(json!({
        "name": format!("Рахунок на оплату — {title}"),
        "template_id": 1,
        "entity_type": "deals",
        "entity_id": 1,
        "file": null,
        "created_at": EPOCH,
        "updated_at": EPOCH,
    })));
}
