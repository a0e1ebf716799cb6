//! The tasks service: tasks with checklists, the tasks kanban (stages and
//! `moveTask`), state changes (start, stop, ready, restart, watch), bulk
//! actions, transfers between users, and settings. Keys are camelCase;
//! the paginator's meta too.

use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::data::{Rng, EMPLOYEES, EPOCH};
use crate::http::{as_int, empty, invalid, json, message, now, Errors, Resp};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{
    ids_of, merge, not_found, object_body, paged, require_text, row, select, status_error, values,
    Meta, Row, Style,
};

const STYLE: Style = Style::Company;

/// Status of a new or restarted task.
const NEW: &str = "new";
/// Status of a started task.
const IN_PROGRESS: &str = "in_progress";
/// Status of a completed task (the `/ready` route sets it).
const READY: &str = "ready";

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("tasks.list", list_tasks),
    ("tasks.create", create_task),
    ("tasks.get", |c| {
        let id = c.id("id", STYLE, "Task")?;

        let portal = c.shared.portal();

        Ok(json(200, &task_json(&portal, id)?))
    }),
    ("tasks.update", update_task),
    ("tasks.delete", delete_task),
    ("tasks.start", |c| change_status(c, Change::Start)),
    ("tasks.stop", |c| change_status(c, Change::Stop)),
    ("tasks.complete", |c| change_status(c, Change::Complete)),
    ("tasks.restart", |c| change_status(c, Change::Restart)),
    ("tasks.watch", |c| watch(c, true)),
    ("tasks.unwatch", |c| watch(c, false)),
    ("tasks.bulk_complete", |c| bulk(c, Bulk::Complete)),
    ("tasks.bulk_delete", |c| bulk(c, Bulk::Delete)),
    ("tasks.bulk_update", |c| bulk(c, Bulk::Update)),
    ("tasks.transfers.transfer_to_user", transfer_to_user),
    ("tasks.stages.list", list_stages),
    ("tasks.stages.create", create_stage),
    ("tasks.stages.get", |c| {
        let id = c.id("id", STYLE, "Stage")?;

        let portal = c.shared.portal();
        let stage = stage(&portal, id)?;

        Ok(json(200, &Value::Object(stage.clone())))
    }),
    ("tasks.stages.update", update_stage),
    ("tasks.stages.delete", delete_stage),
    ("tasks.stages.move_task", move_task),
    ("tasks.checklists.list", |c| {
        let task_id = c.id("task_id", STYLE, "Task")?;

        let portal = c.shared.portal();
        task(&portal, task_id)?;

        Ok(json(200, &Value::Array(checklists_of(&portal, task_id))))
    }),
    ("tasks.checklists.create", create_checklist),
    ("tasks.checklists.update", update_checklist),
    ("tasks.checklists.delete", |c| {
        let id = c.id("id", STYLE, "Checklist")?;

        let mut portal = c.shared.portal();
        checklist(&portal, id)?;
        portal.work.checklists.rows.remove(&id);
        portal
            .work
            .checklist_items
            .rows
            .retain(|_, item| item.get("checklistId").and_then(Value::as_i64) != Some(id));
        Ok(empty(204))
    }),
    ("tasks.checklist_items.list", |c| {
        let id = c.id("id", STYLE, "Checklist")?;

        let portal = c.shared.portal();
        checklist(&portal, id)?;

        Ok(json(200, &Value::Array(items_of(&portal, id))))
    }),
    ("tasks.checklist_items.create", create_item),
    ("tasks.checklist_items.update", update_item),
    ("tasks.checklist_items.delete", |c| {
        let mut portal = c.shared.portal();
        let (_, item_id) = item_of_checklist(c, &portal)?;
        portal.work.checklist_items.rows.remove(&item_id);
        Ok(empty(204))
    }),
    ("tasks.settings.list", |c| {
        let portal = c.shared.portal();

        Ok(json(200, &Value::Object(portal.work.task_settings.clone())))
    }),
    ("tasks.settings.update", |c| {
        let body = object_body(c.req, STYLE)?;
        if body.is_empty() {
            return Err(invalid(
                "settings",
                "Send the whole settings object (PUT replaces it).",
            ));
        }

        let mut portal = c.shared.portal();
        portal.work.task_settings = body;

        Ok(json(200, &Value::Object(portal.work.task_settings.clone())))
    }),
];

// ---------------------------------------------------------------- tasks

fn task(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .work
        .tasks
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Task", id))
}

fn items_of(portal: &Portal, checklist_id: i64) -> Vec<Value> {
    let mut items: Vec<&Row> = portal
        .work
        .checklist_items
        .rows
        .values()
        .filter(|item| item.get("checklistId").and_then(Value::as_i64) == Some(checklist_id))
        .collect();
    items.sort_by_key(|item| (item["sort"].as_i64().unwrap_or(0), item["id"].as_i64()));
    values(items)
}

fn checklists_of(portal: &Portal, task_id: i64) -> Vec<Value> {
    let mut lists: Vec<&Row> = portal
        .work
        .checklists
        .rows
        .values()
        .filter(|list| list.get("taskId").and_then(Value::as_i64) == Some(task_id))
        .collect();
    lists.sort_by_key(|list| (list["sort"].as_i64().unwrap_or(0), list["id"].as_i64()));
    lists
        .into_iter()
        .map(|list| {
            let mut value = Value::Object(list.clone());
            let id = list["id"].as_i64().unwrap_or(0);
            value["items"] = Value::Array(items_of(portal, id));
            value
        })
        .collect()
}

/// Returns a task with its checklists and files.
pub(crate) fn task_json(portal: &Portal, id: i64) -> Result<Value, Resp> {
    let row = task(portal, id)?;
    let mut value = Value::Object(row.clone());
    value["checklists"] = Value::Array(checklists_of(portal, id));
    let files: Vec<Value> = portal
        .files
        .values()
        .filter(|f| f.entity_type == "task" && f.entity_id == id.to_string())
        .map(
            |f| json!({"id": f.id, "originalFilename": f.original_filename, "size": f.bytes.len()}),
        )
        .collect();
    value["files"] = Value::Array(files);
    Ok(value)
}

/// Maps the list query's snake_case filters to the task keys.
fn task_query(query: &Value) -> Value {
    let mut translated = query.clone();
    if let Some(map) = translated.as_object_mut() {
        for (from, to) in [
            ("responsible_id", "responsibleId"),
            ("group_id", "groupId"),
            ("setter_id", "setterId"),
            ("parent_id", "parentId"),
            ("accomplices_ids", "accomplicesIds"),
            ("auditors_ids", "auditorsIds"),
        ] {
            if let Some(value) = map.remove(from) {
                map.insert(to.to_string(), value);
            }
        }
    }
    translated
}

/// `GET /tasks/v1/tasks`: `q`, `status[]`, `priority[]`, `responsible_id[]`,
/// `group_id[]`, smart `filters`, `sort_by`, paged by `page`/`list`.
fn list_tasks(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let query = task_query(c.query());
    let selected = select(portal.work.tasks.rows.values(), &query, &["title", "body"])?;
    let rows: Vec<Value> = selected
        .into_iter()
        .filter_map(|row| row["id"].as_i64())
        .filter_map(|id| task_json(&portal, id).ok())
        .collect();

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Camel)?))
}

/// Checks user references and the group, stage and parent of a task body.
fn check_task(portal: &Portal, body: &Row) -> Result<(), Resp> {
    let mut errors = Errors::default();
    if let Some(value) = body.get("responsibleId").filter(|v| !v.is_null()) {
        if as_int(value).and_then(|id| portal.user(id)).is_none() {
            errors.add(
                "responsibleId",
                "The responsible must be a user of the portal.",
            );
        }
    }
    for key in ["accomplicesIds", "auditorsIds"] {
        for id in ids_of(body.get(key)) {
            if portal.user(id).is_none() {
                errors.add(key, format!("User {id} does not exist."));
            }
        }
    }
    if let Some(value) = body.get("groupId").filter(|v| !v.is_null() && *v != "") {
        if as_int(value)
            .and_then(|id| portal.work.groups.get(id))
            .is_none()
        {
            errors.add("groupId", "The selected group does not exist.");
        }
    }
    if let Some(value) = body
        .get("kanbanStageId")
        .filter(|v| !v.is_null() && *v != "")
    {
        if as_int(value)
            .and_then(|id| portal.work.stages.get(id))
            .is_none()
        {
            errors.add("kanbanStageId", "The selected stage does not exist.");
        }
    }
    if let Some(value) = body.get("parentId").filter(|v| !v.is_null()) {
        if as_int(value)
            .and_then(|id| portal.work.tasks.get(id))
            .is_none()
        {
            errors.add("parentId", "The parent task does not exist.");
        }
    }
    if let Some(value) = body.get("deadline").filter(|v| !v.is_null()) {
        if as_int(value).is_none() {
            errors.add("deadline", "The deadline must be a unix time in seconds.");
        }
    }
    if let Some(value) = body.get("priority") {
        if !matches!(
            value.as_str(),
            Some("low" | "neutral" | "high" | "veryHigh" | "notHigh")
        ) {
            errors.add(
                "priority",
                "The priority must be low, notHigh, neutral, high or veryHigh.",
            );
        }
    }
    errors.check()
}

/// Stores ids as numbers, whatever form the client sent.
fn normalize_task(body: &mut Row) {
    for key in [
        "responsibleId",
        "groupId",
        "parentId",
        "kanbanStageId",
        "deadline",
    ] {
        if let Some(value) = body.get(key).filter(|v| !v.is_null()) {
            let number = as_int(value);
            body.insert(key.into(), json!(number));
        }
    }
    for key in ["accomplicesIds", "auditorsIds", "fileIds"] {
        if body.contains_key(key) {
            let ids = ids_of(body.get(key));
            body.insert(key.into(), json!(ids));
        }
    }
}

/// Returns the first stage of the kanban a task of `group` starts in.
fn first_stage(portal: &Portal, group: Option<i64>) -> Option<i64> {
    portal
        .work
        .stages
        .rows
        .values()
        .filter(|stage| stage.get("group_id").and_then(Value::as_i64) == group)
        .min_by_key(|stage| (stage["sort"].as_i64().unwrap_or(0), stage["id"].as_i64()))
        .and_then(|stage| stage["id"].as_i64())
}

const TASK_PROTECTED: &[&str] = &[
    "id",
    "status",
    "createdBy",
    "createdDate",
    "closedBy",
    "closedDate",
    "setterId",
    "checklists",
    "files",
];

fn create_task(c: &Call<'_>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    require_text(&body, &["title"])?;

    let mut portal = c.shared.portal();
    check_task(&portal, &body)?;
    normalize_task(&mut body);
    let actor = c.actor();
    let group = body.get("groupId").and_then(Value::as_i64);
    let mut task = row(json!({
        "title": "",
        "body": "",
        "status": NEW,
        "priority": "neutral",
        "deadline": null,
        "responsibleId": actor,
        "accomplicesIds": [],
        "auditorsIds": [],
        "kanbanStageId": first_stage(&portal, group),
        "groupId": null,
        "parentId": null,
        "setterId": actor,
        "createdBy": actor,
        "createdDate": now(),
        "closedBy": null,
        "closedDate": null,
        "acceptResult": false,
        "requiredResult": false,
        "timeEstimate": 0,
        "timeTracking": false,
        "fileIds": [],
        "crmEntities": {},
        "archive": false,
        "fixed": false,
    }));
    merge(&mut task, body, TASK_PROTECTED);
    let id = portal.work.tasks.insert_new(task);

    Ok(json(201, &task_json(&portal, id)?))
}

fn update_task(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Task")?;
    let mut body = object_body(c.req, STYLE)?;
    if body.contains_key("title") {
        require_text(&body, &["title"])?;
    }

    let mut portal = c.shared.portal();
    task(&portal, id)?;
    check_task(&portal, &body)?;
    normalize_task(&mut body);
    let row = portal.work.tasks.get_mut(id).expect("checked above");
    merge(row, body, TASK_PROTECTED);

    Ok(json(200, &task_json(&portal, id)?))
}

fn remove_task(portal: &mut Portal, id: i64) {
    portal.work.tasks.rows.remove(&id);
    let lists: Vec<i64> = portal
        .work
        .checklists
        .rows
        .iter()
        .filter(|(_, list)| list.get("taskId").and_then(Value::as_i64) == Some(id))
        .map(|(list_id, _)| *list_id)
        .collect();
    for list in &lists {
        portal.work.checklists.rows.remove(list);
    }
    portal.work.checklist_items.rows.retain(|_, item| {
        !item
            .get("checklistId")
            .and_then(Value::as_i64)
            .is_some_and(|list| lists.contains(&list))
    });
}

/// `DELETE /tasks/v1/tasks/{id}`: returns the deleted task, as the JS SDK
/// types it.
fn delete_task(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Task")?;

    let mut portal = c.shared.portal();
    let deleted = task_json(&portal, id)?;
    remove_task(&mut portal, id);

    Ok(json(200, &deleted))
}

#[derive(Clone, Copy)]
enum Change {
    Start,
    Stop,
    Complete,
    Restart,
}

/// Applies a state change to a stored task. `Err` contains the reason it
/// is not allowed.
fn apply(row: &mut Row, change: Change, actor: i64) -> Result<(), &'static str> {
    let status = row
        .get("status")
        .and_then(Value::as_str)
        .unwrap_or(NEW)
        .to_string();
    match change {
        Change::Start if status == READY => {
            return Err("The task is completed; restart it first.");
        }
        Change::Start => {
            row.insert("status".into(), json!(IN_PROGRESS));
        }
        Change::Stop if status != IN_PROGRESS => return Err("The task is not in progress."),
        Change::Stop => {
            row.insert("status".into(), json!(NEW));
        }
        Change::Complete if status == READY => return Err("The task is already completed."),
        Change::Complete => {
            row.insert("status".into(), json!(READY));
            row.insert("closedBy".into(), json!(actor));
            row.insert("closedDate".into(), json!(now()));
        }
        Change::Restart if status != READY => {
            return Err("Only a completed task can be restarted.")
        }
        Change::Restart => {
            row.insert("status".into(), json!(NEW));
            row.insert("closedBy".into(), Value::Null);
            row.insert("closedDate".into(), Value::Null);
        }
    }
    Ok(())
}

fn change_status(c: &Call<'_>, change: Change) -> Handled {
    let id = c.id("id", STYLE, "Task")?;

    let mut portal = c.shared.portal();
    task(&portal, id)?;
    let row = portal.work.tasks.get_mut(id).expect("checked above");
    apply(row, change, c.actor()).map_err(|text| status_error(STYLE, 422, text))?;

    Ok(json(200, &task_json(&portal, id)?))
}

/// Adds the signed-in user to the task's auditors, or removes them.
fn watch(c: &Call<'_>, on: bool) -> Handled {
    let id = c.id("id", STYLE, "Task")?;
    let actor = c.actor();

    let mut portal = c.shared.portal();
    task(&portal, id)?;
    let row = portal.work.tasks.get_mut(id).expect("checked above");
    let mut auditors = ids_of(row.get("auditorsIds"));
    auditors.retain(|user| *user != actor);
    if on {
        auditors.push(actor);
    }
    row.insert("auditorsIds".into(), json!(auditors));

    Ok(json(200, &task_json(&portal, id)?))
}

#[derive(Clone, Copy)]
enum Bulk {
    Complete,
    Delete,
    Update,
}

/// `POST /tasks/v1/tasks/mass_ready|mass_deletion|mass_edit {taskIds,
/// exceptIds, all, payload}`; with `all`, the list query selects the tasks.
fn bulk(c: &Call<'_>, action: Bulk) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let all = body.get("all").and_then(Value::as_bool).unwrap_or(false);
    let chosen = ids_of(body.get("taskIds"));
    let except = ids_of(body.get("exceptIds"));
    if !all && chosen.is_empty() {
        return Err(invalid(
            "taskIds",
            "The task ids field is required when all is false.",
        ));
    }
    let payload = match (action, body.get("payload")) {
        (Bulk::Update, Some(Value::Object(payload))) if !payload.is_empty() => payload.clone(),
        (Bulk::Update, _) => {
            return Err(invalid(
                "payload",
                "The payload must be an object of task fields to set.",
            ))
        }
        _ => Row::new(),
    };

    let mut portal = c.shared.portal();
    let mut payload = payload;
    if matches!(action, Bulk::Update) {
        check_task(&portal, &payload)?;
        normalize_task(&mut payload);
    }
    let targets: Vec<i64> = if all {
        let query = task_query(c.query());
        select(portal.work.tasks.rows.values(), &query, &["title", "body"])?
            .into_iter()
            .filter_map(|row| row["id"].as_i64())
            .collect()
    } else {
        chosen
            .into_iter()
            .filter(|id| portal.work.tasks.get(*id).is_some())
            .collect()
    };
    let targets: Vec<i64> = targets
        .into_iter()
        .filter(|id| !except.contains(id))
        .collect();
    let actor = c.actor();
    let mut count = 0;
    for id in &targets {
        match action {
            Bulk::Delete => {
                remove_task(&mut portal, *id);
                count += 1;
            }
            Bulk::Complete => {
                if let Some(row) = portal.work.tasks.get_mut(*id) {
                    if apply(row, Change::Complete, actor).is_ok() {
                        count += 1;
                    }
                }
            }
            Bulk::Update => {
                if let Some(row) = portal.work.tasks.get_mut(*id) {
                    merge(row, payload.clone(), TASK_PROTECTED);
                    count += 1;
                }
            }
        }
    }

    Ok(json(
        200,
        &json!({"status": true, "count": count, "ids": targets}),
    ))
}

/// `POST /tasks/v1/transfers/user {oldUserId, newUserIds, onlyQuantity}`:
/// counts the tasks `oldUserId` is responsible for and, unless
/// `onlyQuantity`, hands them to the first of `newUserIds`.
fn transfer_to_user(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let mut errors = Errors::default();
    let old = body.get("oldUserId").and_then(as_int);
    let new = ids_of(body.get("newUserIds"));
    let only_quantity = body
        .get("onlyQuantity")
        .and_then(Value::as_bool)
        .unwrap_or(false);

    let mut portal = c.shared.portal();
    if old.and_then(|id| portal.user(id)).is_none() {
        errors.add("oldUserId", "The old user must be a user of the portal.");
    }
    if !only_quantity && new.first().and_then(|id| portal.user(*id)).is_none() {
        errors.add(
            "newUserIds",
            "Name at least one existing user to receive the tasks.",
        );
    }
    errors.check()?;

    let old = old.unwrap_or(0);
    let mut count = 0;
    for row in portal.work.tasks.rows.values_mut() {
        if row.get("responsibleId").and_then(Value::as_i64) == Some(old) {
            count += 1;
            if !only_quantity {
                row.insert("responsibleId".into(), json!(new[0]));
            }
        }
    }

    Ok(json(
        200,
        &json!({"count": count, "status": if only_quantity { "counted" } else { "completed" }}),
    ))
}

// --------------------------------------------------------------- stages

fn stage(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .work
        .stages
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Stage", id))
}

/// `GET /tasks/v1/stages?groupId=&allGroups=`: the personal kanban's stages
/// without parameters, a group's with `groupId`, all with `allGroups`.
fn list_stages(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let group = c.query().get("groupId").and_then(as_int);
    let all = matches!(
        c.query().get("allGroups").and_then(Value::as_str),
        Some("1" | "true")
    );
    let mut stages: Vec<&Row> = portal
        .work
        .stages
        .rows
        .values()
        .filter(|stage| all || stage.get("group_id").and_then(Value::as_i64) == group)
        .collect();
    stages.sort_by_key(|stage| (stage["sort"].as_i64().unwrap_or(0), stage["id"].as_i64()));

    Ok(json(200, &json!({"data": values(stages)})))
}

fn create_stage(c: &Call<'_>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    require_text(&body, &["title"])?;
    // Go sends `groupId`, the JS model `group_id`.
    if let Some(group) = body.remove("groupId") {
        body.entry("group_id").or_insert(group);
    }

    let mut portal = c.shared.portal();
    let group = body.get("group_id").and_then(as_int);
    if body.get("group_id").is_some_and(|v| !v.is_null()) {
        if group.and_then(|id| portal.work.groups.get(id)).is_none() {
            return Err(invalid("group_id", "The selected group does not exist."));
        }
        body.insert("group_id".into(), json!(group));
    }
    let last = portal
        .work
        .stages
        .rows
        .values()
        .filter(|stage| stage.get("group_id").and_then(Value::as_i64) == group)
        .map(|stage| stage["sort"].as_i64().unwrap_or(0))
        .max()
        .unwrap_or(0);
    let mut stage = row(json!({
        "title": "",
        "color": "#3AA1FF",
        "afterId": null,
        "sort": last + 10,
        "group_id": null,
    }));
    merge(&mut stage, body, &["id"]);
    let id = portal.work.stages.insert_new(stage);
    let created = portal.work.stages.get(id).cloned().unwrap_or_default();

    Ok(json(201, &Value::Object(created)))
}

fn update_stage(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Stage")?;
    let body = object_body(c.req, STYLE)?;
    if body.contains_key("title") {
        require_text(&body, &["title"])?;
    }

    let mut portal = c.shared.portal();
    stage(&portal, id)?;
    let row = portal.work.stages.get_mut(id).expect("checked above");
    merge(row, body, &["id", "group_id"]);

    Ok(json(200, &Value::Object(row.clone())))
}

/// `DELETE /tasks/v1/stages/{id}`: its tasks move to the kanban's first
/// remaining stage.
fn delete_stage(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Stage")?;

    let mut portal = c.shared.portal();
    let group = stage(&portal, id)?.get("group_id").and_then(Value::as_i64);
    portal.work.stages.rows.remove(&id);
    let fallback = first_stage(&portal, group);
    for task in portal.work.tasks.rows.values_mut() {
        if task.get("kanbanStageId").and_then(as_int) == Some(id) {
            task.insert("kanbanStageId".into(), json!(fallback));
        }
    }
    Ok(message(200, true, "The stage was deleted."))
}

/// `POST /tasks/v1/stages/{id}/moveTask {id: task id, prev_id}`: puts the
/// task on the stage (after `prev_id` when given) and returns it.
fn move_task(c: &Call<'_>) -> Handled {
    let stage_id = c.id("id", STYLE, "Stage")?;
    let body = object_body(c.req, STYLE)?;
    let task_id = body
        .get("id")
        .or_else(|| body.get("taskId"))
        .and_then(as_int)
        .ok_or_else(|| invalid("id", "The id field (the task to move) is required."))?;

    let mut portal = c.shared.portal();
    stage(&portal, stage_id)?;
    if portal.work.tasks.get(task_id).is_none() {
        return Err(invalid("id", format!("Task {task_id} does not exist.")));
    }
    let row = portal.work.tasks.get_mut(task_id).expect("checked above");
    row.insert("kanbanStageId".into(), json!(stage_id));
    if let Some(prev) = body.get("prev_id") {
        row.insert("kanbanPrevId".into(), prev.clone());
    }

    Ok(json(200, &task_json(&portal, task_id)?))
}

// ----------------------------------------------------------- checklists

fn checklist(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .work
        .checklists
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Checklist", id))
}

fn task_of_checklist(portal: &Portal, id: i64) -> i64 {
    portal
        .work
        .checklists
        .get(id)
        .and_then(|list| list.get("taskId"))
        .and_then(Value::as_i64)
        .unwrap_or(0)
}

/// Checks one checklist item body: a title, a boolean `done`.
fn check_item(item: &Value, field: &str, errors: &mut Errors, creating: bool) {
    let has_title = item
        .get("title")
        .and_then(Value::as_str)
        .is_some_and(|t| !t.trim().is_empty());
    if (creating || item.get("title").is_some()) && !has_title {
        errors.add(&format!("{field}title"), "The title field is required.");
    }
    if let Some(done) = item.get("done") {
        if !(done.is_boolean() || matches!(as_int(done), Some(0 | 1))) {
            errors.add(
                &format!("{field}done"),
                "The done field must be true or false.",
            );
        }
    }
}

fn add_item(portal: &mut Portal, checklist_id: i64, item: &Value, index: usize) {
    let done = item
        .get("done")
        .map(|v| v.as_bool().unwrap_or(as_int(v) == Some(1)))
        .unwrap_or(false);
    let sort = item
        .get("sort")
        .and_then(as_int)
        .unwrap_or((index as i64 + 1) * 10);
    portal.work.checklist_items.insert_new(row(json!({
        "checklistId": checklist_id,
        "title": item["title"].as_str().unwrap_or("").trim(),
        "done": done,
        "sort": sort,
    })));
}

/// `POST /tasks/v1/tasks/{task_id}/checklists {name, sort, items}`: returns
/// the task, as the JS and PHP SDKs type it.
fn create_checklist(c: &Call<'_>) -> Handled {
    let task_id = c.id("task_id", STYLE, "Task")?;
    let body = object_body(c.req, STYLE)?;
    require_text(&body, &["name"])?;
    let mut errors = Errors::default();
    let items = match body.get("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(_) => {
            errors.add(
                "items",
                "The items must be an array of {title, done, sort}.",
            );
            Vec::new()
        }
    };
    for (index, item) in items.iter().enumerate() {
        check_item(item, &format!("items.{index}."), &mut errors, true);
    }
    errors.check()?;

    let mut portal = c.shared.portal();
    task(&portal, task_id)?;
    let count = checklists_of(&portal, task_id).len() as i64;
    let checklist_id = portal.work.checklists.insert_new(row(json!({
        "taskId": task_id,
        "name": body["name"].as_str().unwrap_or("").trim(),
        "sort": body.get("sort").and_then(as_int).unwrap_or((count + 1) * 10),
    })));
    for (index, item) in items.iter().enumerate() {
        add_item(&mut portal, checklist_id, item, index);
    }

    Ok(json(201, &task_json(&portal, task_id)?))
}

fn update_checklist(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Checklist")?;
    let body = object_body(c.req, STYLE)?;
    if body.contains_key("name") {
        require_text(&body, &["name"])?;
    }

    let mut portal = c.shared.portal();
    checklist(&portal, id)?;
    let row = portal.work.checklists.get_mut(id).expect("checked above");
    merge(row, body, &["id", "taskId", "items"]);
    let task_id = task_of_checklist(&portal, id);

    Ok(json(200, &task_json(&portal, task_id)?))
}

fn create_item(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Checklist")?;
    let body = object_body(c.req, STYLE)?;
    let mut errors = Errors::default();
    check_item(&Value::Object(body.clone()), "", &mut errors, true);
    errors.check()?;

    let mut portal = c.shared.portal();
    checklist(&portal, id)?;
    let count = items_of(&portal, id).len();
    add_item(&mut portal, id, &Value::Object(body), count);
    let task_id = task_of_checklist(&portal, id);

    Ok(json(201, &task_json(&portal, task_id)?))
}

/// The `{id}` checklist and `{item_id}` item of the path; the item must
/// belong to the checklist.
fn item_of_checklist(c: &Call<'_>, portal: &Portal) -> Result<(i64, i64), Resp> {
    let id = c.id("id", STYLE, "Checklist")?;
    let item_id = c.id("item_id", STYLE, "Checklist item")?;
    checklist(portal, id)?;
    match portal.work.checklist_items.get(item_id) {
        Some(item) if item.get("checklistId").and_then(Value::as_i64) == Some(id) => {
            Ok((id, item_id))
        }
        _ => Err(not_found(STYLE, "Checklist item", item_id)),
    }
}

fn update_item(c: &Call<'_>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    let mut errors = Errors::default();
    check_item(&Value::Object(body.clone()), "", &mut errors, false);
    errors.check()?;

    if let Some(done) = body.get("done").cloned() {
        body.insert(
            "done".into(),
            json!(done.as_bool().unwrap_or(as_int(&done) == Some(1))),
        );
    }

    let mut portal = c.shared.portal();
    let (id, item_id) = item_of_checklist(c, &portal)?;
    let item = portal
        .work
        .checklist_items
        .get_mut(item_id)
        .expect("checked above");
    merge(item, body, &["id", "checklistId"]);
    let task_id = task_of_checklist(&portal, id);

    Ok(json(200, &task_json(&portal, task_id)?))
}

// ----------------------------------------------------------------- seed

const TASK_TITLES: &[&str] = &[
    "Підготувати комерційну пропозицію",
    "Зателефонувати клієнту щодо оплати",
    "Оновити прайс-лист",
    "Провести демонстрацію продукту",
    "Погодити договір з юристом",
    "Виставити рахунок",
    "Перевірити відвантаження на складі",
    "Скласти звіт за місяць",
    "Налаштувати інтеграцію з сайтом",
    "Підготувати презентацію для партнерів",
    "Зустріч з постачальником",
    "Оформити акт виконаних робіт",
];

const BODIES: &[&str] = &[
    "Деталі в листуванні з клієнтом.",
    "Терміново, клієнт чекає відповіді до кінця дня.",
    "Узгодити з керівником відділу перед відправкою.",
    "",
];

/// Builds the tasks service's demo data: kanban stages (personal and per
/// group), tasks with checklists, and settings.
pub(crate) fn seed(portal: &mut Portal, rng: &mut Rng) {
    for group in [None, Some(1), Some(2)] {
        for (index, (title, color)) in [
            ("Нові", "#3AA1FF"),
            ("В роботі", "#FFC53D"),
            ("На перевірці", "#9254DE"),
            ("Готово", "#52C41A"),
        ]
        .into_iter()
        .enumerate()
        {
            portal.work.stages.insert_new(row(json!({
                "title": title,
                "color": color,
                "afterId": null,
                "sort": (index as i64 + 1) * 10,
                "group_id": group,
            })));
        }
    }
    for id in 1..=40_i64 {
        let created = EPOCH + rng.range(0, 400) * 86_400;
        // Tasks 1 to 3 are new, in progress and completed, so every state
        // change has a task to start from.
        let status = match (id, rng.below(10)) {
            (1, _) => NEW,
            (2, _) => IN_PROGRESS,
            (3, _) => READY,
            (_, 0..=3) => NEW,
            (_, 4..=6) => IN_PROGRESS,
            _ => READY,
        };
        let responsible = if id <= 5 { 1 } else { rng.range(1, EMPLOYEES) };
        let group = if id > 3 && rng.chance(25) {
            Some(rng.range(1, 2))
        } else {
            None
        };
        let stage_offset = match status {
            NEW => 0,
            IN_PROGRESS => 1,
            _ => 3,
        };
        let stage = match group {
            None => 1 + stage_offset,
            Some(g) => 1 + g * 4 + stage_offset,
        };
        let closed = status == READY;
        portal.work.tasks.insert_new(row(json!({
            "title": rng.pick(TASK_TITLES),
            "body": rng.pick(BODIES),
            "status": status,
            "priority": rng.pick(&["low", "neutral", "neutral", "high"]),
            "deadline": created + rng.range(1, 30) * 86_400,
            "responsibleId": responsible,
            "accomplicesIds": if rng.chance(30) { json!([rng.range(1, EMPLOYEES)]) } else { json!([]) },
            "auditorsIds": [],
            "kanbanStageId": stage,
            "groupId": group,
            "parentId": null,
            "setterId": 1,
            "createdBy": 1,
            "createdDate": created,
            "closedBy": if closed { json!(responsible) } else { Value::Null },
            "closedDate": if closed { json!(created + 3 * 86_400) } else { Value::Null },
            "acceptResult": false,
            "requiredResult": false,
            "timeEstimate": rng.range(1, 16) * 1800,
            "timeTracking": rng.chance(30),
            "fileIds": [],
            "crmEntities": {},
            "archive": false,
            "fixed": false,
        })));
    }
    let lists = [
        (
            1,
            "Підготовка",
            vec![
                ("Зібрати вимоги", true),
                ("Порахувати вартість", true),
                ("Узгодити знижку", false),
            ],
        ),
        (
            1,
            "Відправка",
            vec![("Надіслати КП", false), ("Отримати підтвердження", false)],
        ),
        (2, "Кроки", vec![("Перевірити оплату в банку", false)]),
    ];
    for (task_id, name, items) in lists {
        let sort = portal.work.checklists.next_id * 10 + 10;
        let checklist_id = portal.work.checklists.insert_new(row(json!({
            "taskId": task_id,
            "name": name,
            "sort": sort,
        })));
        for (index, (title, done)) in items.into_iter().enumerate() {
            add_item(
                portal,
                checklist_id,
                &json!({"title": title, "done": done}),
                index,
            );
        }
    }
    portal.work.task_settings = crate::store::row(json!({
        "defaultDeadlineDays": 3,
        "allowDeadlineChange": true,
        "requireResultComment": false,
        "workingDays": [1, 2, 3, 4, 5],
        "notifyBeforeDeadlineHours": 24,
    }));
}
