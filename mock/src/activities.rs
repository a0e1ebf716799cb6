//! Activities (`/activities/v1/activities`), the legacy CRM tasks
//! (`/crm/v1/static/tasks`, the same records on an older path) and CRM call
//! events. Keys are snake_case, times unix seconds.

use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::data::{Rng, EMPLOYEES, EPOCH};
use crate::http::{as_int, empty, invalid, json, now, Errors, Resp};
use crate::router::{Call, Handler};
use crate::state::{Portal, Table};
use crate::store::{
    ids_of, merge, not_found, object_body, paged, require_text, row, select, value, Meta, Row,
    Style,
};

const STYLE: Style = Style::Crm;

const TYPES: &[&str] = &["task", "call", "meeting", "chat", "email"];
const STATUSES: &[&str] = &["planned", "done", "cancelled"];
const PRIORITIES: &[&str] = &["low", "notHigh", "neutral", "high", "veryHigh"];

#[derive(Clone, Copy)]
enum Kind {
    Activity,
    CrmTask,
}

impl Kind {
    fn table(self, portal: &mut Portal) -> &mut Table {
        match self {
            Kind::Activity => &mut portal.crm_more.activities,
            Kind::CrmTask => &mut portal.crm_more.tasks,
        }
    }

    fn read(self, portal: &Portal) -> &Table {
        match self {
            Kind::Activity => &portal.crm_more.activities,
            Kind::CrmTask => &portal.crm_more.tasks,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Activity => "Activity",
            Kind::CrmTask => "Task",
        }
    }
}

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("activities.list", |c| list(c, Kind::Activity)),
    ("activities.create", |c| create(c, Kind::Activity)),
    ("activities.get", |c| get(c, Kind::Activity)),
    ("activities.update", |c| update(c, Kind::Activity)),
    ("activities.delete", |c| delete(c, Kind::Activity)),
    ("activities.bulk_delete", bulk_delete),
    ("crm.tasks.list", |c| list(c, Kind::CrmTask)),
    ("crm.tasks.create", |c| create(c, Kind::CrmTask)),
    ("crm.tasks.get", |c| get(c, Kind::CrmTask)),
    ("crm.tasks.update", |c| update(c, Kind::CrmTask)),
    ("crm.tasks.delete", |c| delete(c, Kind::CrmTask)),
    ("crm.call_events.list", list_calls),
    ("crm.call_events.create", |c| save_call(c, None)),
    ("crm.call_events.get", |c| {
        let id = c.id("call_event_id", STYLE, "Call event")?;

        let portal = c.shared.portal();

        Ok(json(200, &value(call(&portal, id)?)))
    }),
    ("crm.call_events.update", |c| {
        let id = c.id("call_event_id", STYLE, "Call event")?;
        save_call(c, Some(id))
    }),
    ("crm.call_events.delete", |c| {
        let id = c.id("call_event_id", STYLE, "Call event")?;

        let mut portal = c.shared.portal();
        portal
            .crm_more
            .calls
            .rows
            .remove(&id)
            .ok_or_else(|| not_found(STYLE, "Call event", id))?;
        Ok(empty(204))
    }),
];

// ----------------------------------------------------------- activities

fn find(portal: &Portal, kind: Kind, id: i64) -> Result<Row, Resp> {
    kind.read(portal)
        .get(id)
        .cloned()
        .ok_or_else(|| not_found(STYLE, kind.name(), id))
}

/// `status[]`, `type[]`, `responsible_id[]`, `q`, smart `filters`, `sort_by`.
fn list(c: &Call<'_>, kind: Kind) -> Handled {
    let portal = c.shared.portal();
    let rows = select(
        kind.read(&portal).rows.values(),
        c.query(),
        &["title", "description"],
    )?;
    let rows = rows.into_iter().map(value).collect();

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
}

fn check(portal: &Portal, body: &Row) -> Result<(), Resp> {
    let mut errors = Errors::default();
    for (key, allowed) in [
        ("type", TYPES),
        ("status", STATUSES),
        ("priority", PRIORITIES),
    ] {
        if let Some(given) = body.get(key) {
            if !given.as_str().is_some_and(|g| allowed.contains(&g)) {
                errors.add(
                    key,
                    format!("The {key} must be one of: {}.", allowed.join(", ")),
                );
            }
        }
    }
    if let Some(user) = body.get("responsible_id").filter(|v| !v.is_null()) {
        if as_int(user).and_then(|id| portal.user(id)).is_none() {
            errors.add(
                "responsible_id",
                "The responsible must be a user of the portal.",
            );
        }
    }
    for id in ids_of(body.get("participants")) {
        if portal.user(id).is_none() {
            errors.add("participants", format!("User {id} does not exist."));
        }
    }
    let start = body.get("start_time").and_then(as_int);
    let end = body.get("end_time").and_then(as_int);
    for key in ["start_time", "end_time"] {
        if body
            .get(key)
            .is_some_and(|v| !v.is_null() && as_int(v).is_none())
        {
            errors.add(key, "The time must be a unix time in seconds.");
        }
    }
    if let (Some(start), Some(end)) = (start, end) {
        if end < start {
            errors.add(
                "end_time",
                "The end time must not be before the start time.",
            );
        }
    }
    if let Some(entities) = body.get("crm_entities").filter(|v| !v.is_null()) {
        match entities.as_object() {
            Some(map) => {
                for (code, ids) in map {
                    if !portal.items.contains_key(code) {
                        errors.add("crm_entities", format!("Entity `{code}` does not exist."));
                        continue;
                    }
                    let ids = match ids {
                        Value::Array(items) => items
                            .iter()
                            .filter_map(|item| {
                                item.get("id").and_then(as_int).or_else(|| as_int(item))
                            })
                            .collect(),
                        other => ids_of(Some(other)),
                    };
                    for id in ids {
                        if !portal.items[code].rows.contains_key(&id) {
                            errors.add(
                                "crm_entities",
                                format!("Record {id} of `{code}` does not exist."),
                            );
                        }
                    }
                }
            }
            None => errors.add(
                "crm_entities",
                "The crm entities must be an object of entity codes to ids.",
            ),
        }
    }
    errors.check()
}

/// Expands `crm_entities` ids into `{id, title, owner, table_name}`.
fn expand_entities(portal: &Portal, body: &mut Row) {
    let Some(Value::Object(map)) = body.get("crm_entities").cloned() else {
        return;
    };
    let mut expanded = serde_json::Map::new();
    for (code, ids) in map {
        let ids: Vec<i64> = match &ids {
            Value::Array(items) => items
                .iter()
                .filter_map(|item| item.get("id").and_then(as_int).or_else(|| as_int(item)))
                .collect(),
            other => ids_of(Some(other)),
        };
        let records: Vec<Value> = ids
            .into_iter()
            .filter_map(|id| portal.items.get(&code)?.rows.get(&id))
            .map(|record| {
                json!({"id": record["id"], "title": record["title"], "owner": record["owner"], "table_name": code})
            })
            .collect();
        expanded.insert(code, Value::Array(records));
    }
    body.insert("crm_entities".into(), Value::Object(expanded));
}

const PROTECTED: &[&str] = &[
    "id",
    "created_by",
    "created_at",
    "updated_at",
    "closed_by",
    "closed_at",
    "first_closed_at",
];

/// Sets the closing keys when the status becomes `done`.
fn close_if_done(record: &mut Row, actor: i64) {
    if record.get("status").and_then(Value::as_str) == Some("done") {
        if record.get("closed_at").is_none_or(Value::is_null) {
            let timestamp = now();
            record.insert("closed_by".into(), json!(actor));
            record.insert("closed_at".into(), json!(timestamp));
            if record.get("first_closed_at").is_none_or(Value::is_null) {
                record.insert("first_closed_at".into(), json!(timestamp));
            }
        }
    } else {
        record.insert("closed_by".into(), Value::Null);
        record.insert("closed_at".into(), Value::Null);
    }
}

fn create(c: &Call<'_>, kind: Kind) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    require_text(&body, &["title"])?;

    let mut portal = c.shared.portal();
    check(&portal, &body)?;
    expand_entities(&portal, &mut body);
    let file_ids = ids_of(body.remove("file_ids").as_ref());
    let timestamp = now();
    let actor = c.actor();
    let mut record = row(json!({
        "title": "",
        "type": "task",
        "status": "planned",
        "priority": "neutral",
        "description": "",
        "start_time": timestamp,
        "end_time": timestamp + 3600,
        "responsible_id": actor,
        "participants": [],
        "created_by": actor,
        "created_at": timestamp,
        "updated_at": timestamp,
        "closed_by": null,
        "closed_at": null,
        "first_closed_at": null,
        "crm_entities": {},
        "files": file_ids.iter().filter_map(|id| portal.files.get(id)).map(|f| json!({"id": f.id, "originalFilename": f.original_filename})).collect::<Vec<_>>(),
        "reminders": [],
    }));
    merge(&mut record, body, PROTECTED);
    close_if_done(&mut record, actor);
    let id = kind.table(&mut portal).insert_new(record);

    Ok(json(201, &value(&find(&portal, kind, id)?)))
}

fn get(c: &Call<'_>, kind: Kind) -> Handled {
    let id = c.id("id", STYLE, kind.name())?;

    let portal = c.shared.portal();

    Ok(json(200, &value(&find(&portal, kind, id)?)))
}

fn update(c: &Call<'_>, kind: Kind) -> Handled {
    let id = c.id("id", STYLE, kind.name())?;
    let mut body = object_body(c.req, STYLE)?;
    if body.contains_key("title") {
        require_text(&body, &["title"])?;
    }

    let mut portal = c.shared.portal();
    let current = find(&portal, kind, id)?;
    let mut merged = current.clone();
    merge(&mut merged, body.clone(), PROTECTED);
    check(&portal, &merged)?;
    expand_entities(&portal, &mut body);
    body.remove("file_ids");
    let stored = kind.table(&mut portal).get_mut(id).expect("checked above");
    merge(stored, body, PROTECTED);
    stored.insert("updated_at".into(), json!(now()));
    close_if_done(stored, c.actor());

    Ok(json(200, &value(stored)))
}

fn delete(c: &Call<'_>, kind: Kind) -> Handled {
    let id = c.id("id", STYLE, kind.name())?;

    let mut portal = c.shared.portal();
    kind.table(&mut portal)
        .rows
        .remove(&id)
        .ok_or_else(|| not_found(STYLE, kind.name(), id))?;
    Ok(empty(204))
}

/// `DELETE /activities/v1/activities/mass_deletion {all, entity_ids,
/// except_ids}`; with `all`, the list query selects the activities.
fn bulk_delete(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let all = body.get("all").and_then(Value::as_bool).unwrap_or(false);
    let chosen = ids_of(body.get("entity_ids"));
    let except = ids_of(body.get("except_ids"));
    if !all && chosen.is_empty() {
        return Err(invalid(
            "entity_ids",
            "The entity ids field is required when all is false.",
        ));
    }

    let mut portal = c.shared.portal();
    let targets: Vec<i64> = if all {
        select(
            portal.crm_more.activities.rows.values(),
            c.query(),
            &["title", "description"],
        )?
        .into_iter()
        .filter_map(|row| row["id"].as_i64())
        .collect()
    } else {
        chosen
    };
    for id in targets.iter().filter(|id| !except.contains(id)) {
        portal.crm_more.activities.rows.remove(id);
    }
    Ok(empty(204))
}

// ---------------------------------------------------------------- calls

fn call(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .crm_more
        .calls
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Call event", id))
}

/// `GET /crm/v1/events/call`: `q` (subject, numbers), `type[]` (call type),
/// `status[]` (ended call status), `responsible_id[]`, `owner[]`,
/// `duration_from`, `duration_to`, `begin_time[from|to]`, `sort_by`.
fn list_calls(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let mut query = c.query().clone();
    let mut rename = |from: &str, to: &str| {
        if let Some(map) = query.as_object_mut() {
            if let Some(value) = map.remove(from) {
                map.insert(to.to_string(), value);
            }
        }
    };
    rename("type", "call_type");
    rename("status", "ended_call_status");
    let duration = (
        c.query().get("duration_from").and_then(as_int),
        c.query().get("duration_to").and_then(as_int),
    );
    if let Some(map) = query.as_object_mut() {
        map.remove("duration_from");
        map.remove("duration_to");
        map.remove("duration_by");
    }
    let rows: Vec<Value> = select(
        portal.crm_more.calls.rows.values(),
        &query,
        &["subject", "from", "to"],
    )?
    .into_iter()
    .filter(|call| {
        let length = call["duration"].as_i64().unwrap_or(0);
        duration.0.is_none_or(|low| length >= low) && duration.1.is_none_or(|high| length <= high)
    })
    .map(value)
    .collect();

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
}

fn save_call(c: &Call<'_>, id: Option<i64>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let mut errors = Errors::default();
    if id.is_none() {
        for key in ["from", "to"] {
            if body
                .get(key)
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                errors.add(
                    key,
                    format!("The {key} field (a phone number) is required."),
                );
            }
        }
    }
    if let Some(kind) = body.get("call_type") {
        if !matches!(kind.as_str(), Some("incoming" | "outgoing")) {
            errors.add("call_type", "The call type must be incoming or outgoing.");
        }
    } else if id.is_none() {
        errors.add("call_type", "The call type field is required.");
    }
    for key in ["begin_time", "end_time", "duration"] {
        if body
            .get(key)
            .is_some_and(|v| !v.is_null() && as_int(v).is_none())
        {
            errors.add(key, format!("The {key} must be an integer."));
        }
    }
    errors.check()?;

    let mut portal = c.shared.portal();
    let mut linked = Errors::default();
    for (key, code) in [
        ("deal_id", "deals"),
        ("lead_id", "leads"),
        ("contact_id", "contacts"),
        ("company_id", "companies"),
    ] {
        if let Some(record) = body.get(key).and_then(as_int) {
            if !portal
                .items
                .get(code)
                .is_some_and(|t| t.rows.contains_key(&record))
            {
                linked.add(key, format!("Record {record} of `{code}` does not exist."));
            }
        }
    }
    linked.check()?;
    let stored = match id {
        Some(id) => {
            call(&portal, id)?;
            let stored = portal.crm_more.calls.get_mut(id).expect("checked above");
            merge(stored, body, &["id"]);
            stored
        }
        None => {
            let timestamp = now();
            let mut record = row(json!({
                "task_id": null, "contact_id": null, "company_id": null, "deal_id": null, "lead_id": null,
                "contacts": [], "companies": [], "deals": [], "leads": [],
                "subject": "", "call_type": "outgoing", "ended_call_status": "answered",
                "from": "", "to": "", "begin_time": timestamp, "end_time": timestamp, "duration": 0,
                "call_record_link": "", "call_record_file": null, "note": "",
                "integration_code": "", "external_id": "", "employees": [c.actor()],
                "responsible_id": c.actor(), "owner": c.actor(),
            }));
            merge(&mut record, body, &["id"]);
            let id = portal.crm_more.calls.insert_new(record);
            portal.crm_more.calls.get_mut(id).expect("just stored")
        }
    };
    // The duration follows the times unless it was sent.
    let begin = stored.get("begin_time").and_then(as_int).unwrap_or(0);
    let end = stored.get("end_time").and_then(as_int).unwrap_or(begin);
    if stored.get("duration").and_then(as_int).unwrap_or(0) == 0 && end > begin {
        stored.insert("duration".into(), json!(end - begin));
    }
    let saved = value(stored);

    Ok(json(if id.is_none() { 201 } else { 200 }, &saved))
}

// ----------------------------------------------------------------- seed

const TITLES: &[&str] = &[
    "Зателефонувати щодо пропозиції",
    "Зустріч на об'єкті",
    "Надіслати договір",
    "Уточнити дату монтажу",
    "Нагадати про оплату",
    "Демонстрація обладнання",
];

/// Builds activities, legacy CRM tasks and call events linked to deals.
pub(crate) fn seed(portal: &mut Portal, rng: &mut Rng) {
    let deal_count = portal.items.get("deals").map_or(0, |t| t.rows.len()) as i64;
    for kind in [Kind::Activity, Kind::CrmTask] {
        for index in 0..30_i64 {
            let start = EPOCH + rng.range(0, 420) * 86_400 + rng.range(9, 17) * 3600;
            let status = *rng.pick(&["planned", "planned", "done", "cancelled"]);
            let responsible = if index < 4 {
                1
            } else {
                rng.range(1, EMPLOYEES)
            };
            let deal = if deal_count > 0 {
                rng.range(1, deal_count.min(50))
            } else {
                0
            };
            let entities = match portal.items.get("deals").and_then(|t| t.rows.get(&deal)) {
                Some(record) => {
                    json!({"deals": [{"id": deal, "title": record["title"], "owner": record["owner"], "table_name": "deals"}]})
                }
                None => json!({}),
            };
            let closed = status == "done";
            kind.table(portal).insert_new(row(json!({
                "title": rng.pick(TITLES),
                "type": rng.pick(&["task", "call", "meeting", "email"]),
                "status": status,
                "priority": rng.pick(PRIORITIES),
                "description": "",
                "start_time": start,
                "end_time": start + 3600,
                "responsible_id": responsible,
                "participants": [],
                "created_by": 1,
                "created_at": start - 86_400,
                "updated_at": start - 86_400,
                "closed_by": if closed { json!(responsible) } else { Value::Null },
                "closed_at": if closed { json!(start + 3600) } else { Value::Null },
                "first_closed_at": if closed { json!(start + 3600) } else { Value::Null },
                "crm_entities": entities,
                "files": [],
                "reminders": [],
            })));
        }
    }
    for _ in 0..25 {
        let begin = EPOCH + rng.range(0, 420) * 86_400 + rng.range(32_400, 64_800);
        let answered = rng.chance(75);
        let duration = if answered { rng.range(20, 900) } else { 0 };
        let incoming = rng.chance(50);
        let employee = rng.range(3, 6);
        let customer = format!("+38067{:07}", rng.below(10_000_000));
        let office = "+380441234567".to_string();
        let deal = if deal_count > 0 {
            json!(rng.range(1, deal_count.min(50)))
        } else {
            Value::Null
        };
        portal.crm_more.calls.insert_new(row(json!({
            "task_id": null, "contact_id": null, "company_id": null, "deal_id": deal, "lead_id": null,
            "contacts": [], "companies": [], "deals": if deal.is_null() { json!([]) } else { json!([deal]) }, "leads": [],
            "subject": if incoming { "Вхідний дзвінок" } else { "Вихідний дзвінок" },
            "call_type": if incoming { "incoming" } else { "outgoing" },
            "ended_call_status": if answered { "answered" } else { "no_answer" },
            "from": if incoming { customer.clone() } else { office.clone() },
            "to": if incoming { office } else { customer },
            "begin_time": begin,
            "end_time": begin + duration,
            "duration": duration,
            "call_record_link": if answered { "https://records.example.com/call.mp3" } else { "" },
            "call_record_file": null,
            "note": "",
            "integration_code": "demo_telephony",
            "external_id": format!("call-{}", rng.below(1_000_000)),
            "employees": [employee],
            "responsible_id": employee,
            "owner": employee,
        })));
    }
}
