//! Portal-wide search, the change history of a record and CSV imports.
//! All three read the stored records; none of them keeps data of its own
//! except the import log.

use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::http::{invalid, json, now};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{not_found, paged, row, Meta, Row, Style};

/// Maximum hits per entity type in a search response.
const SEARCH_LIMIT: usize = 10;

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("search.query", search),
    ("history.changes.list", history),
    ("file_import.upload_csv", import_csv),
];

fn contains(text: Option<&str>, needle: &str) -> bool {
    text.is_some_and(|t| t.to_lowercase().contains(needle))
}

/// `GET /search/v1/search?q=`: `{data: {<entity type>: [{id, title, ...}]}}`
/// over CRM records, tasks and users; types without hits are left out.
fn search(c: &Call<'_>) -> Handled {
    let q = c
        .query()
        .get("q")
        .and_then(Value::as_str)
        .map(|q| q.trim().to_lowercase())
        .filter(|q| q.chars().count() >= 2)
        .ok_or_else(|| invalid("q", "The q field must be at least 2 characters."))?;

    let portal = c.shared.portal();
    let mut data = serde_json::Map::new();
    for entity in &portal.entities {
        let Some(table) = portal.items.get(&entity.table_name) else {
            continue;
        };
        let hits: Vec<Value> = table
            .rows
            .values()
            .filter(|record| contains(record["title"].as_str(), &q))
            .take(SEARCH_LIMIT)
            .map(|record| {
                json!({
                    "id": record["id"],
                    "title": record["title"],
                    "owner": record["owner"],
                    "table_name": entity.table_name,
                    "created_at": record["created_at"],
                })
            })
            .collect();
        if !hits.is_empty() {
            data.insert(entity.table_name.clone(), Value::Array(hits));
        }
    }
    let tasks: Vec<Value> = portal
        .work
        .tasks
        .rows
        .values()
        .filter(|task| contains(task["title"].as_str(), &q))
        .take(SEARCH_LIMIT)
        .map(|task| json!({"id": task["id"], "title": task["title"], "status": task["status"]}))
        .collect();
    if !tasks.is_empty() {
        data.insert("tasks".into(), Value::Array(tasks));
    }
    let users: Vec<Value> = portal
        .users
        .iter()
        .filter(|user| {
            contains(Some(&format!("{} {} {}", user.first_name, user.last_name, user.email)), &q)
        })
        .take(SEARCH_LIMIT)
        .map(|user| {
            json!({"id": user.id, "title": format!("{} {}", user.first_name, user.last_name), "email": user.email})
        })
        .collect();
    if !users.is_empty() {
        data.insert("users".into(), Value::Array(users));
    }

    Ok(json(200, &json!({"data": data})))
}

/// Returns the stored record a history request names, if the mock keeps it.
fn record(portal: &Portal, service: &str, table: &str, id: i64) -> Option<Row> {
    match (service, table) {
        ("crm", code) => portal.items.get(code)?.rows.get(&id).cloned(),
        ("tasks", "tasks" | "task") => {
            let task = portal.work.tasks.get(id)?;
            Some(row(json!({
                "id": id,
                "title": task["title"],
                "created_by": task["createdBy"],
                "created_at": task["createdDate"],
                "changed_by": task["closedBy"],
                "updated_at": task["closedDate"],
            })))
        }
        _ => None,
    }
}

/// `GET /history/v1/{service}/{entity_table_name}/{id}?action=`: the
/// creation of the record and, when it changed since, one update entry,
/// newest first.
// NOTE: the mock keeps no change log, so the entries are derived from the
// record's created/updated keys.
fn history(c: &Call<'_>) -> Handled {
    let service = c.param("service").to_string();
    let table = c.param("entity_table_name").to_string();
    let id = c.id("id", Style::Crm, "Record")?;

    let portal = c.shared.portal();
    let found = record(&portal, &service, &table, id)
        .ok_or_else(|| not_found(Style::Crm, &format!("Record of `{service}/{table}`"), id))?;
    let contributor = |user: Option<i64>| -> Value {
        match user.and_then(|u| portal.user(u)) {
            Some(user) => {
                json!({"id": user.id, "name": format!("{} {}", user.first_name, user.last_name)})
            }
            None => Value::Null,
        }
    };
    let created_at = found["created_at"].as_i64().unwrap_or(0);
    let created_by = found["created_by"].as_i64();
    let mut changes = vec![json!({
        "id": format!("{service}-{table}-{id}-1"),
        "action": "create",
        "changed_by": created_by,
        "changed_at": created_at,
        "contributor": contributor(created_by),
        "contributor_id": created_by,
        "items": [{"field_id": "title", "action": "create", "from": {"value": null, "display_value": null}, "to": {"value": found["title"], "display_value": found["title"]}}],
    })];
    let updated_at = found["updated_at"].as_i64().unwrap_or(created_at);
    if updated_at > created_at {
        let changed_by = found["changed_by"].as_i64().or(created_by);
        let mut items = Vec::new();
        if let Some(stage) = found.get("kanban_stage_id").and_then(Value::as_i64) {
            let title = portal.stage(stage).map(|s| s.title.clone());
            items.push(json!({"field_id": "kanban_stage_id", "action": "update", "from": {"value": null, "display_value": null}, "to": {"value": stage, "display_value": title}}));
        } else {
            items.push(json!({"field_id": "title", "action": "update", "from": {"value": found["title"], "display_value": found["title"]}, "to": {"value": found["title"], "display_value": found["title"]}}));
        }
        changes.insert(
            0,
            json!({
                "id": format!("{service}-{table}-{id}-2"),
                "action": "update",
                "changed_by": changed_by,
                "changed_at": updated_at,
                "contributor": contributor(changed_by),
                "contributor_id": changed_by,
                "items": items,
            }),
        );
    }
    if let Some(action) = c.query().get("action").and_then(Value::as_str) {
        changes.retain(|change| change["action"] == action);
    }

    Ok(json(
        200,
        &paged(changes, c.query(), &c.url(), Meta::Snake)?,
    ))
}

/// Splits one CSV line on commas outside double quotes.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(ch) = chars.next() {
        match ch {
            '"' if quoted && chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' | ';' if !quoted => fields.push(std::mem::take(&mut current)),
            _ => current.push(ch),
        }
    }
    fields.push(current);
    fields.into_iter().map(|f| f.trim().to_string()).collect()
}

/// `POST /fileimport/v1/csv-import`: multipart `file` plus optional
/// `entity_type`. Returns an import job with the columns and row count read
/// from the file.
// NOTE: no public client calls this route, so the form field names and the
// response are assumptions. The mock records the job but imports no records.
fn import_csv(c: &Call<'_>) -> Handled {
    let form = crate::files::read_form(c.req, "file")?;
    let Some(file) = form.files.iter().find(|part| part.name == "file") else {
        return Err(invalid(
            "file",
            "The file field is required: send the CSV as a file part named file.",
        ));
    };
    let text = String::from_utf8(file.data.to_vec())
        .map_err(|_| invalid("file", "The file must be UTF-8 text."))?;
    let text = text.trim_start_matches('\u{feff}');
    let mut lines = text.lines().filter(|line| !line.trim().is_empty());
    let header = lines
        .next()
        .map(csv_fields)
        .ok_or_else(|| invalid("file", "The CSV file is empty: it needs a header line."))?;
    let rows = lines.count();
    let entity_type = form
        .text("entity_type")
        .or_else(|| form.text("entityType"))
        .unwrap_or("leads")
        .to_string();

    let mut portal = c.shared.portal();
    if !portal.items.contains_key(&entity_type) {
        return Err(invalid(
            "entity_type",
            format!("Entity `{entity_type}` does not exist."),
        ));
    }
    let id = portal.imports.insert_new(row(json!({
        "status": "queued",
        "file_name": file.filename,
        "entity_type": entity_type,
        "columns": header,
        "total_rows": rows,
        "imported_rows": 0,
        "created_by": c.actor(),
        "created_at": now(),
    })));
    let job = Value::Object(portal.imports.get(id).cloned().unwrap_or_default());

    Ok(json(201, &job))
}

#[cfg(test)]
mod tests {
    use super::csv_fields;

    #[test]
    fn quoted_commas() {
        assert_eq!(
            csv_fields("title,\"ТОВ «Ромашка», Київ\",\"a \"\"b\"\"\""),
            ["title", "ТОВ «Ромашка», Київ", "a \"b\""]
        );
    }
}
