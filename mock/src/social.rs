//! The news feed, comments and groups services (camelCase keys; the news
//! feed also has `author_mood`, `group_id` and `total_comments`).

use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::data::{Rng, EMPLOYEES, EPOCH};
use crate::http::{as_int, empty, invalid, json, message, now, ApiRequest, Errors, Resp};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{
    ids_of, merge, not_found, object_body, paged, require_text, row, status_error, strings_of,
    Meta, Row, Style,
};

const STYLE: Style = Style::Company;

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("newsfeed.posts.list", list_posts),
    ("newsfeed.posts.create", create_post),
    ("newsfeed.posts.update", update_post),
    ("newsfeed.posts.delete", |c| {
        let id = c.id("id", STYLE, "Post")?;

        let mut portal = c.shared.portal();
        let post = post_json(&portal, id)?;
        can_edit(&portal, c.actor(), post["authorId"].as_i64())?;
        portal.work.posts.rows.remove(&id);
        remove_comments(&mut portal, "post", &id.to_string());

        Ok(json(200, &post))
    }),
    ("comments.list", list_comments),
    ("comments.list_by_entity_ids", list_comments),
    ("comments.create", create_comment),
    ("comments.update", update_comment),
    ("comments.delete", |c| {
        let id = c.id("id", STYLE, "Comment")?;

        let mut portal = c.shared.portal();
        let comment = comment(&portal, id)?.clone();
        can_edit(&portal, c.actor(), comment["authorId"].as_i64())?;
        portal.work.comments.rows.remove(&id);
        // Replies go with their parent.
        portal
            .work
            .comments
            .rows
            .retain(|_, reply| reply.get("parentId").and_then(Value::as_i64) != Some(id));
        Ok(empty(204))
    }),
    ("comments.delete_by_entity", |c| {
        let (entity_type, entity_id) = entity_of_query(c.query())?;

        let mut portal = c.shared.portal();
        let count = remove_comments(&mut portal, &entity_type, &entity_id);

        Ok(json(200, &json!({"status": true, "deleted": count})))
    }),
    ("groups.list", list_groups),
    ("groups.create", create_group),
    ("groups.get", |c| {
        let id = c.id("id", STYLE, "Group")?;

        let portal = c.shared.portal();
        let group = visible_group(&portal, id, c.actor())?;

        Ok(json(200, &Value::Object(group.clone())))
    }),
    ("groups.update", update_group),
    ("groups.delete", |c| {
        let id = c.id("id", STYLE, "Group")?;

        let mut portal = c.shared.portal();
        let group = group(&portal, id)?.clone();
        if group["ownerId"].as_i64() != Some(c.actor()) && !is_admin(&portal, c.actor()) {
            return Err(status_error(
                STYLE,
                403,
                "Only the owner can delete the group.",
            ));
        }
        portal.work.groups.rows.remove(&id);
        portal
            .work
            .group_invites
            .rows
            .retain(|_, invite| invite.get("groupId").and_then(Value::as_i64) != Some(id));
        portal
            .work
            .join_requests
            .retain(|(group, _, _)| *group != id);

        Ok(json(200, &Value::Object(group)))
    }),
    ("groups.upload_logo", upload_logo),
    ("groups.members.add", |c| {
        member_change(c, Membership::Attach)
    }),
    ("groups.members.remove", |c| {
        member_change(c, Membership::Detach)
    }),
    ("groups.members.join", |c| {
        member_change(c, Membership::Join)
    }),
    ("groups.members.leave", |c| {
        member_change(c, Membership::Leave)
    }),
    ("groups.invites.list", |c| {
        let portal = c.shared.portal();
        let actor = c.actor();
        let admin = is_admin(&portal, actor);
        let invites: Vec<Value> = portal
            .work
            .group_invites
            .rows
            .values()
            .filter(|invite| admin || invite.get("userId").and_then(Value::as_i64) == Some(actor))
            .map(|invite| Value::Object(invite.clone()))
            .collect();

        Ok(json(200, &Value::Array(invites)))
    }),
    ("groups.invites.create", create_invites),
    ("groups.invites.decline", |c| {
        let id = c.id("id", STYLE, "Invitation")?;

        let mut portal = c.shared.portal();
        let invite = portal
            .work
            .group_invites
            .get(id)
            .cloned()
            .ok_or_else(|| not_found(STYLE, "Invitation", id))?;
        let addressee = invite.get("userId").and_then(Value::as_i64);
        if addressee != Some(c.actor()) && !is_admin(&portal, c.actor()) {
            return Err(status_error(
                STYLE,
                403,
                "Only the invited user can decline the invitation.",
            ));
        }
        portal.work.group_invites.rows.remove(&id);
        Ok(message(200, true, "The invitation was declined."))
    }),
    ("groups.transfers.transfer_to_user", |c| {
        transfer_groups(c, Transfer::Move)
    }),
    ("groups.transfers.get_quantity", |c| {
        transfer_groups(c, Transfer::Count)
    }),
    ("groups.transfers.transfer_legacy", |c| {
        transfer_groups(c, Transfer::Legacy)
    }),
    ("groups.join_requests.list", |c| {
        let id = c.id("group_id", STYLE, "Group")?;

        let portal = c.shared.portal();
        group(&portal, id)?;
        let users: Vec<i64> = portal
            .work
            .join_requests
            .iter()
            .filter(|(group, _, _)| *group == id)
            .map(|(_, user, _)| *user)
            .collect();

        Ok(json(200, &json!(users)))
    }),
    ("groups.join_requests.create", request_to_join),
    ("groups.join_requests.get", |c| {
        let (group_id, user_id) = join_request(c)?;

        let portal = c.shared.portal();
        let found = portal
            .work
            .join_requests
            .iter()
            .find(|(group, user, _)| *group == group_id && *user == user_id)
            .copied()
            .ok_or_else(|| not_found(STYLE, "Join request of user", user_id))?;

        Ok(json(
            200,
            &json!({"groupId": found.0, "userId": found.1, "createdAt": found.2}),
        ))
    }),
    ("groups.join_requests.decline", |c| {
        let (group_id, user_id) = join_request(c)?;

        let mut portal = c.shared.portal();
        can_moderate(&portal, group_id, c.actor())?;
        let before = portal.work.join_requests.len();
        portal
            .work
            .join_requests
            .retain(|(group, user, _)| !(*group == group_id && *user == user_id));
        if portal.work.join_requests.len() == before {
            return Err(not_found(STYLE, "Join request of user", user_id));
        }
        Ok(message(200, true, "The join request was declined."))
    }),
];

fn is_admin(portal: &Portal, user_id: i64) -> bool {
    portal
        .user(user_id)
        .is_some_and(|u| u.roles.iter().any(|r| r == "owner" || r == "admin"))
}

fn can_edit(portal: &Portal, actor: i64, author: Option<i64>) -> Result<(), Resp> {
    if author == Some(actor) || is_admin(portal, actor) {
        Ok(())
    } else {
        Err(status_error(STYLE, 403, "Only the author can change it."))
    }
}

/// Files named by `file_ids`, in the short form posts and comments embed.
fn files_of(portal: &Portal, ids: &[i64]) -> Vec<Value> {
    ids.iter()
        .filter_map(|id| portal.files.get(id))
        .map(
            |f| json!({"id": f.id, "originalFilename": f.original_filename, "size": f.bytes.len()}),
        )
        .collect()
}

// ------------------------------------------------------------ news feed

fn post_json(portal: &Portal, id: i64) -> Result<Value, Resp> {
    let post = portal
        .work
        .posts
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Post", id))?;
    let mut value = Value::Object(post.clone());
    let key = id.to_string();
    let comments: Vec<Value> = portal
        .work
        .comments
        .rows
        .values()
        .filter(|c| c["entityType"] == "post" && c["entityId"].as_str() == Some(key.as_str()))
        .map(|c| Value::Object(c.clone()))
        .collect();
    value["total_comments"] = json!(comments.len());
    value["comments"] = Value::Array(comments.into_iter().rev().take(3).collect());
    value["files"] = Value::Array(files_of(portal, &ids_of(post.get("file_ids"))));
    Ok(value)
}

/// `GET /newsfeed/v1/posts?group_id=`: newest first.
fn list_posts(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let group = c.query().get("group_id").and_then(as_int);
    let rows: Vec<Value> = portal
        .work
        .posts
        .rows
        .values()
        .rev()
        .filter(|post| group.is_none() || post.get("group_id").and_then(Value::as_i64) == group)
        .filter_map(|post| post["id"].as_i64())
        .filter_map(|id| post_json(&portal, id).ok())
        .collect();

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
}

fn check_post(portal: &Portal, body: &Row) -> Result<(), Resp> {
    let mut errors = Errors::default();
    if let Some(group) = body.get("group_id").filter(|v| !v.is_null()) {
        if as_int(group)
            .and_then(|id| portal.work.groups.get(id))
            .is_none()
        {
            errors.add("group_id", "The selected group does not exist.");
        }
    }
    for id in ids_of(body.get("file_ids")) {
        if !portal.files.contains_key(&id) {
            errors.add("file_ids", format!("File {id} does not exist."));
        }
    }
    errors.check()
}

fn create_post(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    require_text(&body, &["message"])?;

    let mut portal = c.shared.portal();
    check_post(&portal, &body)?;
    let mut post = row(json!({
        "title": "",
        "message": "",
        "authorId": c.actor(),
        "author_mood": "",
        "date": now(),
        "group_id": null,
        "file_ids": [],
        "recipients": {"include": {"usersIds": [], "departmentsIds": ["all"]}, "exclude": {"usersIds": [], "departmentsIds": []}},
        "reactions": [],
    }));
    merge(&mut post, body, &["id", "authorId", "date", "notify"]);
    let id = portal.work.posts.insert_new(post);

    Ok(json(201, &post_json(&portal, id)?))
}

fn update_post(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Post")?;
    let body = object_body(c.req, STYLE)?;
    if body.contains_key("message") {
        require_text(&body, &["message"])?;
    }

    let mut portal = c.shared.portal();
    let author = post_json(&portal, id)?["authorId"].as_i64();
    can_edit(&portal, c.actor(), author)?;
    check_post(&portal, &body)?;
    let post = portal.work.posts.get_mut(id).expect("checked above");
    merge(post, body, &["id", "authorId", "date", "notify"]);

    Ok(json(200, &post_json(&portal, id)?))
}

// ------------------------------------------------------------- comments

fn comment(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .work
        .comments
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Comment", id))
}

fn entity_of_query(query: &Value) -> Result<(String, String), Resp> {
    let text = |key: &str| strings_of(query.get(key)).into_iter().next();
    let mut errors = Errors::default();
    let entity_type = text("entityType");
    let entity_id = text("entityId");
    if entity_type.is_none() {
        errors.add("entityType", "The entityType query parameter is required.");
    }
    if entity_id.is_none() {
        errors.add("entityId", "The entityId query parameter is required.");
    }
    errors.check()?;

    Ok((
        entity_type.unwrap_or_default(),
        entity_id.unwrap_or_default(),
    ))
}

fn remove_comments(portal: &mut Portal, entity_type: &str, entity_id: &str) -> usize {
    let before = portal.work.comments.rows.len();
    portal.work.comments.rows.retain(|_, comment| {
        !(comment["entityType"].as_str() == Some(entity_type)
            && comment["entityId"].as_str() == Some(entity_id))
    });
    before - portal.work.comments.rows.len()
}

/// `GET /comments/v1/comments?entityType=&entityId=` or `entityIds[]=`;
/// newest first, `lastId` for older and `nextId` for newer comments,
/// replies under `subComments`.
fn list_comments(c: &Call<'_>) -> Handled {
    let query = c.query();
    let entity_type = strings_of(query.get("entityType")).into_iter().next();
    let mut entity_ids = strings_of(query.get("entityIds"));
    entity_ids.extend(strings_of(query.get("entityId")));
    let mut errors = Errors::default();
    if entity_type.is_none() {
        errors.add("entityType", "The entityType query parameter is required.");
    }
    if entity_ids.is_empty() {
        errors.add("entityId", "Send entityId or entityIds[].");
    }
    errors.check()?;

    let entity_type = entity_type.unwrap_or_default();
    let last_id = query.get("lastId").and_then(as_int);
    let next_id = query.get("nextId").and_then(as_int);

    let portal = c.shared.portal();
    let replies = |parent: i64| -> Vec<Value> {
        portal
            .work
            .comments
            .rows
            .values()
            .filter(|reply| reply.get("parentId").and_then(Value::as_i64) == Some(parent))
            .map(|reply| Value::Object(reply.clone()))
            .collect()
    };
    let rows: Vec<Value> = portal
        .work
        .comments
        .rows
        .values()
        .rev()
        .filter(|comment| {
            let id = comment["id"].as_i64().unwrap_or(0);
            comment["entityType"].as_str() == Some(entity_type.as_str())
                && comment["entityId"]
                    .as_str()
                    .is_some_and(|entity| entity_ids.iter().any(|e| e == entity))
                && comment.get("parentId").is_none_or(Value::is_null)
                && last_id.is_none_or(|last| id < last)
                && next_id.is_none_or(|next| id > next)
        })
        .map(|comment| {
            let mut value = Value::Object(comment.clone());
            value["subComments"] = Value::Array(replies(comment["id"].as_i64().unwrap_or(0)));
            value
        })
        .collect();

    Ok(json(200, &paged(rows, query, &c.url(), Meta::Snake)?))
}

/// Checks that the commented entity exists when the mock stores it (tasks,
/// posts, CRM records); other entity types are accepted as given.
fn check_entity(portal: &Portal, entity_type: &str, entity_id: &str) -> Result<(), Resp> {
    let id = entity_id.parse::<i64>().ok();
    let exists = match entity_type {
        "task" | "tasks" => id.and_then(|id| portal.work.tasks.get(id)).is_some(),
        "post" | "posts" => id.and_then(|id| portal.work.posts.get(id)).is_some(),
        code if portal.items.contains_key(code) => id
            .and_then(|id| portal.items.get(code).and_then(|t| t.rows.get(&id)))
            .is_some(),
        _ => true,
    };
    if exists {
        Ok(())
    } else {
        Err(invalid(
            "entityId",
            format!("{entity_type} {entity_id} does not exist."),
        ))
    }
}

fn create_comment(c: &Call<'_>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    require_text(&body, &["entityType", "message"])?;
    let entity_id = strings_of(body.get("entityId")).into_iter().next();
    let Some(entity_id) = entity_id else {
        return Err(invalid("entityId", "The entity id field is required."));
    };
    let entity_type = body["entityType"].as_str().unwrap_or("").to_string();

    let mut portal = c.shared.portal();
    check_entity(&portal, &entity_type, &entity_id)?;
    if let Some(parent) = body.get("parentId").filter(|v| !v.is_null()) {
        if as_int(parent)
            .and_then(|id| portal.work.comments.get(id))
            .is_none()
        {
            return Err(invalid("parentId", "The parent comment does not exist."));
        }
    }
    let file_ids = ids_of(body.remove("file_ids").as_ref());
    let mut comment = row(json!({
        "entityType": entity_type,
        "entityId": entity_id,
        "authorId": c.actor(),
        "message": "",
        "date": now(),
        "pinned": false,
        "read": false,
        "nextId": null,
        "prevId": null,
        "files": files_of(&portal, &file_ids),
        "mentioned": {"users": [], "departments": [], "groups": []},
        "notify": {"users": [], "departments": [], "groups": []},
        "reactions": [],
        "parentId": null,
    }));
    merge(
        &mut comment,
        body,
        &[
            "id",
            "authorId",
            "date",
            "entityId",
            "root_parent",
            "subComments",
        ],
    );
    let id = portal.work.comments.insert_new(comment);
    let created = portal.work.comments.get(id).cloned().unwrap_or_default();

    Ok(json(201, &Value::Object(created)))
}

fn update_comment(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Comment")?;
    let body = object_body(c.req, STYLE)?;
    if body.contains_key("message") {
        require_text(&body, &["message"])?;
    }

    let mut portal = c.shared.portal();
    let author = comment(&portal, id)?["authorId"].as_i64();
    can_edit(&portal, c.actor(), author)?;
    let stored = portal.work.comments.get_mut(id).expect("checked above");
    merge(
        stored,
        body,
        &[
            "id",
            "authorId",
            "date",
            "entityType",
            "entityId",
            "parentId",
        ],
    );
    stored.insert("updatedAt".into(), json!(now()));

    Ok(json(200, &Value::Object(stored.clone())))
}

// --------------------------------------------------------------- groups

fn group(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .work
        .groups
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Group", id))
}

fn members(group: &Row) -> Vec<i64> {
    ids_of(group.get("usersIds"))
}

/// Returns the group `id` when the user may see it: secret groups are
/// visible to their members and admins only.
fn visible_group(portal: &Portal, id: i64, actor: i64) -> Result<&Row, Resp> {
    let found = group(portal, id)?;
    let secret = found["groupType"] == "SECRET";
    if secret && !members(found).contains(&actor) && !is_admin(portal, actor) {
        return Err(not_found(STYLE, "Group", id));
    }
    Ok(found)
}

fn can_moderate(portal: &Portal, id: i64, actor: i64) -> Result<(), Resp> {
    let found = group(portal, id)?;
    let moderator = found["ownerId"].as_i64() == Some(actor)
        || ids_of(found.get("moderatorsIds")).contains(&actor)
        || is_admin(portal, actor);
    if moderator {
        Ok(())
    } else {
        Err(status_error(
            STYLE,
            403,
            "Only the group's owner or moderators can do this.",
        ))
    }
}

/// `GET /groups/v1/groups?userId=&q=`: secret groups only for members.
fn list_groups(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let actor = c.actor();
    let member = c.query().get("userId").and_then(as_int);
    let search = c
        .query()
        .get("q")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    let rows: Vec<Value> = portal
        .work
        .groups
        .rows
        .values()
        .filter(|g| visible_group(&portal, g["id"].as_i64().unwrap_or(0), actor).is_ok())
        .filter(|g| member.is_none_or(|user| members(g).contains(&user)))
        .filter(|g| {
            search.as_ref().is_none_or(|q| {
                g["name"]
                    .as_str()
                    .is_some_and(|name| name.to_lowercase().contains(q.as_str()))
            })
        })
        .map(|g| Value::Object(g.clone()))
        .collect();

    Ok(json(
        200,
        &paged(rows, c.query(), &c.url(), Meta::CamelWithLinks)?,
    ))
}

/// Reads a group body: multipart (JS), form-urlencoded (Go, PHP) or JSON.
/// Also returns the uploaded logo part, if any.
fn group_body(req: &ApiRequest) -> Result<(Row, Option<crate::multipart::Part>), Resp> {
    let content_type = req
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with("multipart/form-data") {
        let mut form = crate::files::read_form(req, "name")?;
        let logo = form
            .files
            .iter()
            .position(|part| part.name == "logo")
            .map(|index| form.files.remove(index));
        let body = match form.to_value() {
            Value::Object(map) => map,
            _ => Row::new(),
        };
        return Ok((body, logo));
    }
    Ok((object_body(req, STYLE)?, None))
}

/// Turns form strings (`"1"`, `"0"`, id strings) into JSON types.
fn normalize_group(body: &mut Row) {
    for key in ["enableColorTheme", "archived"] {
        if let Some(value) = body.get(key).cloned() {
            let flag = match &value {
                Value::Bool(flag) => *flag,
                other => as_int(other) == Some(1) || other == "true",
            };
            body.insert(key.into(), json!(flag));
        }
    }
    for key in ["moderatorsIds", "usersIds", "externalUserIds"] {
        if body.contains_key(key) {
            let ids = ids_of(body.get(key));
            body.insert(key.into(), json!(ids));
        }
    }
    if let Some(owner) = body.get("ownerId").and_then(as_int) {
        body.insert("ownerId".into(), json!(owner));
    }
    if let Some(Value::Object(theme)) = body.get_mut("themeSettings") {
        if let Some(pattern) = theme.get("enablePattern").cloned() {
            let flag = pattern.as_bool().unwrap_or(as_int(&pattern) == Some(1));
            theme.insert("enablePattern".into(), json!(flag));
        }
    }
    if let Some(Value::Object(settings)) = body.get_mut("settings") {
        if let Some(see) = settings.get("letMembersSeeAllTasks").cloned() {
            let flag = see.as_bool().unwrap_or(as_int(&see) == Some(1));
            settings.insert("letMembersSeeAllTasks".into(), json!(flag));
        }
    }
}

fn check_group(portal: &Portal, body: &Row) -> Result<(), Resp> {
    let mut errors = Errors::default();
    if let Some(kind) = body.get("groupType") {
        if !matches!(kind.as_str(), Some("OPEN" | "CLOSED" | "SECRET")) {
            errors.add(
                "groupType",
                "The group type must be OPEN, CLOSED or SECRET.",
            );
        }
    }
    for key in ["moderatorsIds", "usersIds", "ownerId"] {
        for id in ids_of(body.get(key)) {
            if portal.user(id).is_none() {
                errors.add(key, format!("User {id} does not exist."));
            }
        }
    }
    errors.check()
}

/// Keeps the owner and moderators among the members.
fn include_leaders(group: &mut Row) {
    let mut users = members(group);
    let mut leaders = ids_of(group.get("moderatorsIds"));
    leaders.extend(group.get("ownerId").and_then(Value::as_i64));
    for leader in leaders {
        if !users.contains(&leader) {
            users.push(leader);
        }
    }
    group.insert("usersIds".into(), json!(users));
}

fn create_group(c: &Call<'_>) -> Handled {
    let (mut body, logo) = group_body(c.req)?;
    require_text(&body, &["name"])?;
    normalize_group(&mut body);

    let mut portal = c.shared.portal();
    check_group(&portal, &body)?;
    let mut group = row(json!({
        "name": "",
        "groupType": "OPEN",
        "ownerId": c.actor(),
        "description": "",
        "groupTheme": "",
        "logo": "",
        "archived": false,
        "moderatorsIds": [],
        "usersIds": [],
        "externalUserIds": [],
        "enableColorTheme": false,
        "themeSettings": {"bgColor": "#3AA1FF", "icon": "", "iconColor": "#FFFFFF", "enablePattern": false},
        "settings": {"letMembersSeeAllTasks": true},
        "createdAt": now(),
    }));
    merge(&mut group, body, &["id", "logo", "createdAt"]);
    include_leaders(&mut group);
    let id = portal.work.groups.insert_new(group);
    if let Some(logo) = logo {
        let file = crate::files::store_part(
            c.shared,
            &mut portal,
            &logo,
            ("groups", &id.to_string()),
            c.actor(),
        );
        if let Some(stored) = portal.work.groups.get_mut(id) {
            stored.insert("logo".into(), file["url"].clone());
        }
    }
    let created = portal.work.groups.get(id).cloned().unwrap_or_default();

    Ok(json(201, &Value::Object(created)))
}

fn update_group(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Group")?;
    let mut body = object_body(c.req, STYLE)?;
    if body.contains_key("name") {
        require_text(&body, &["name"])?;
    }
    normalize_group(&mut body);

    let mut portal = c.shared.portal();
    can_moderate(&portal, id, c.actor())?;
    check_group(&portal, &body)?;
    let stored = portal.work.groups.get_mut(id).expect("checked above");
    merge(stored, body, &["id", "logo", "createdAt"]);
    include_leaders(stored);

    Ok(json(200, &Value::Object(stored.clone())))
}

fn upload_logo(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Group")?;
    let form = crate::files::read_form(c.req, "logo")?;
    let Some(part) = form.files.iter().find(|p| p.name == "logo") else {
        return Err(invalid(
            "logo",
            "The logo field is required: send an image file part named logo.",
        ));
    };

    let mut portal = c.shared.portal();
    can_moderate(&portal, id, c.actor())?;
    let file = crate::files::store_part(
        c.shared,
        &mut portal,
        part,
        ("groups", &id.to_string()),
        c.actor(),
    );
    let stored = portal.work.groups.get_mut(id).expect("checked above");
    stored.insert("logo".into(), file["url"].clone());

    Ok(json(200, &Value::Object(stored.clone())))
}

enum Membership {
    Attach,
    Detach,
    Join,
    Leave,
}

fn member_change(c: &Call<'_>, change: Membership) -> Handled {
    let id = c.id("id", STYLE, "Group")?;
    let actor = c.actor();

    let mut portal = c.shared.portal();
    let found = visible_group(&portal, id, actor)?.clone();
    let user = match change {
        Membership::Attach | Membership::Detach => {
            let user = c.id("user_id", STYLE, "User")?;
            if portal.user(user).is_none() {
                return Err(not_found(STYLE, "User", user));
            }
            can_moderate(&portal, id, actor)?;
            user
        }
        Membership::Join | Membership::Leave => actor,
    };
    let mut users = members(&found);
    match change {
        Membership::Attach | Membership::Join => {
            if matches!(change, Membership::Join) && found["groupType"] != "OPEN" {
                return Err(status_error(
                    STYLE,
                    403,
                    "The group is not open: send a join request instead.",
                ));
            }
            if !users.contains(&user) {
                users.push(user);
            }
            portal
                .work
                .join_requests
                .retain(|(group, requester, _)| !(*group == id && *requester == user));
            portal.work.group_invites.rows.retain(|_, invite| {
                !(invite.get("groupId").and_then(Value::as_i64) == Some(id)
                    && invite.get("userId").and_then(Value::as_i64) == Some(user))
            });
        }
        Membership::Detach | Membership::Leave => {
            if found["ownerId"].as_i64() == Some(user) {
                return Err(status_error(
                    STYLE,
                    422,
                    "The owner cannot leave the group; transfer it first.",
                ));
            }
            if !users.contains(&user) {
                return Err(status_error(
                    STYLE,
                    422,
                    format!("User {user} is not a member of the group."),
                ));
            }
            users.retain(|member| *member != user);
        }
    }
    let stored = portal.work.groups.get_mut(id).expect("checked above");
    stored.insert("usersIds".into(), json!(users));
    if matches!(change, Membership::Detach | Membership::Leave) {
        let mut moderators = ids_of(stored.get("moderatorsIds"));
        moderators.retain(|m| *m != user);
        stored.insert("moderatorsIds".into(), json!(moderators));
    }

    Ok(json(200, &Value::Object(stored.clone())))
}

/// `POST /groups/v1/invites {groupId, userIds}`: returns the invitations.
fn create_invites(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let group_id = body
        .get("groupId")
        .and_then(as_int)
        .ok_or_else(|| invalid("groupId", "The group id field is required."))?;
    let users = ids_of(body.get("userIds"));
    if users.is_empty() {
        return Err(invalid(
            "userIds",
            "The user ids field must be a non-empty array.",
        ));
    }

    let mut portal = c.shared.portal();
    can_moderate(&portal, group_id, c.actor())?;
    let group_members = members(group(&portal, group_id)?);
    let mut errors = Errors::default();
    for user in &users {
        if portal.user(*user).is_none() {
            errors.add("userIds", format!("User {user} does not exist."));
        } else if group_members.contains(user) {
            errors.add("userIds", format!("User {user} is already a member."));
        }
    }
    errors.check()?;

    let mut created = Vec::new();
    for user in users {
        let id = portal.work.group_invites.insert_new(row(json!({
            "groupId": group_id,
            "userId": user,
            "invitedBy": c.actor(),
            "createdAt": now(),
        })));
        created.push(Value::Object(
            portal
                .work
                .group_invites
                .get(id)
                .cloned()
                .unwrap_or_default(),
        ));
    }

    Ok(json(201, &Value::Array(created)))
}

#[derive(Clone, Copy)]
enum Transfer {
    Move,
    Count,
    Legacy,
}

/// Moves the groups `oldUserId` owns (and their moderation) to the first of
/// `newUserIds`, or counts them.
fn transfer_groups(c: &Call<'_>, mode: Transfer) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let old = body
        .get("oldUserId")
        .and_then(as_int)
        .ok_or_else(|| invalid("oldUserId", "The old user id field is required."))?;
    let new = ids_of(body.get("newUserIds"));
    let only_quantity = matches!(mode, Transfer::Count)
        || body.get("onlyQuantity").and_then(Value::as_bool) == Some(true);

    let mut portal = c.shared.portal();
    if portal.user(old).is_none() {
        return Err(invalid("oldUserId", format!("User {old} does not exist.")));
    }
    if !only_quantity && new.first().and_then(|id| portal.user(*id)).is_none() {
        return Err(invalid(
            "newUserIds",
            "Name at least one existing user to receive the groups.",
        ));
    }
    let mut owned = 0;
    let mut moderated = 0;
    for group in portal.work.groups.rows.values_mut() {
        let owner = group["ownerId"].as_i64() == Some(old);
        let mut moderators = ids_of(group.get("moderatorsIds"));
        let moderator = moderators.contains(&old);
        owned += i64::from(owner);
        moderated += i64::from(moderator);
        if only_quantity {
            continue;
        }
        if owner {
            group.insert("ownerId".into(), json!(new[0]));
        }
        if moderator {
            moderators.retain(|m| *m != old);
            moderators.push(new[0]);
            group.insert("moderatorsIds".into(), json!(moderators));
        }
        if owner || moderator {
            include_leaders(group);
        }
    }
    match mode {
        Transfer::Legacy => Ok(json(
            200,
            &json!({"status": true, "countGroups": owned, "countModerator": moderated}),
        )),
        _ => Ok(json(
            200,
            &json!({"count": owned + moderated, "status": if only_quantity { "counted" } else { "completed" }, "countGroups": owned, "countModerator": moderated}),
        )),
    }
}

fn join_request(c: &Call<'_>) -> Result<(i64, i64), Resp> {
    let group_id = c.id("group_id", STYLE, "Group")?;
    let user_id = c.id("user_id", STYLE, "User")?;
    group(&c.shared.portal(), group_id)?;
    Ok((group_id, user_id))
}

/// `POST /groups/v1/join/{group_id}/request`: the signed-in user asks to
/// join a closed group; an open group is joined at once.
fn request_to_join(c: &Call<'_>) -> Handled {
    let id = c.id("group_id", STYLE, "Group")?;
    let actor = c.actor();

    let mut portal = c.shared.portal();
    let found = visible_group(&portal, id, actor)?.clone();
    if members(&found).contains(&actor) {
        return Err(status_error(
            STYLE,
            422,
            "You are already a member of the group.",
        ));
    }
    if found["groupType"] == "OPEN" {
        let stored = portal.work.groups.get_mut(id).expect("checked above");
        let mut users = members(stored);
        users.push(actor);
        stored.insert("usersIds".into(), json!(users));
        return Ok(message(200, true, "The group is open: you joined it."));
    }
    let pending = portal
        .work
        .join_requests
        .iter()
        .any(|(group, user, _)| *group == id && *user == actor);
    if !pending {
        portal.work.join_requests.push((id, actor, now()));
    }

    Ok(json(
        201,
        &json!({"groupId": id, "userId": actor, "status": "pending"}),
    ))
}

// ----------------------------------------------------------------- seed

const POST_TITLES: &[&str] = &[
    "Вітаємо нових колег!",
    "Результати продажів за квартал",
    "Графік роботи у святкові дні",
    "Оновлення CRM: нові поля в угодах",
    "Корпоратив у п'ятницю",
    "Навчання з продукту",
];

const POST_MESSAGES: &[&str] = &[
    "Друзі, цього тижня до нас приєдналися нові колеги. Привітаймо їх!",
    "Дякуємо всім за роботу: план виконано на 112%.",
    "Нагадуємо, що офіс працює за скороченим графіком.",
    "Додали поле «Канал продажу» в угоди. Заповнюйте, будь ласка.",
    "Збираємося о 18:00 у переговорній на третьому поверсі.",
];

const COMMENTS: &[&str] = &[
    "Дякую, взяв у роботу.",
    "Погоджено.",
    "Клієнт просить перенести на наступний тиждень.",
    "Додав файли в задачу.",
    "Чудова новина!",
    "Чи є оновлення?",
];

/// Builds the demo groups, posts and comments.
pub(crate) fn seed(portal: &mut Portal, rng: &mut Rng) {
    let groups = [
        ("Відділ продажів", "OPEN", 3, vec![1, 3, 4, 5, 6], vec![4]),
        (
            "Проєкт «Сонячна станція»",
            "CLOSED",
            2,
            vec![2, 7, 9, 10],
            vec![],
        ),
        ("Керівництво", "SECRET", 1, vec![1, 2, 3, 7, 9], vec![2]),
        (
            "Спорт і відпочинок",
            "OPEN",
            8,
            vec![5, 6, 8, 11, 12],
            vec![],
        ),
        ("Навчання новачків", "CLOSED", 9, vec![9, 11, 12], vec![]),
    ];
    for (index, (name, kind, owner, users, moderators)) in groups.into_iter().enumerate() {
        portal.work.groups.insert_new(row(json!({
            "name": name,
            "groupType": kind,
            "ownerId": owner,
            "description": format!("Група «{name}»"),
            "groupTheme": "",
            "logo": "",
            "archived": false,
            "moderatorsIds": moderators,
            "usersIds": users,
            "externalUserIds": [],
            "enableColorTheme": index % 2 == 0,
            "themeSettings": {"bgColor": "#3AA1FF", "icon": "", "iconColor": "#FFFFFF", "enablePattern": false},
            "settings": {"letMembersSeeAllTasks": true},
            "createdAt": EPOCH + index as i64 * 86_400,
        })));
    }
    // User 5 waits to join the closed project group; user 1 is invited to
    // the training group.
    portal.work.join_requests.push((2, 5, EPOCH + 10 * 86_400));
    portal.work.join_requests.push((5, 4, EPOCH + 12 * 86_400));
    portal.work.group_invites.insert_new(row(json!({
        "groupId": 5, "userId": 1, "invitedBy": 9, "createdAt": EPOCH + 11 * 86_400,
    })));
    portal.work.group_invites.insert_new(row(json!({
        "groupId": 2, "userId": 3, "invitedBy": 2, "createdAt": EPOCH + 13 * 86_400,
    })));

    for index in 0..15_i64 {
        let group = if index % 5 == 4 {
            json!(1)
        } else {
            Value::Null
        };
        portal.work.posts.insert_new(row(json!({
            "title": rng.pick(POST_TITLES),
            "message": rng.pick(POST_MESSAGES),
            "authorId": rng.range(1, EMPLOYEES),
            "author_mood": rng.pick(&["", "happy", "proud", "thoughtful"]),
            "date": EPOCH + index * 3 * 86_400 + rng.range(0, 86_399),
            "group_id": group,
            "file_ids": [],
            "recipients": {"include": {"usersIds": [], "departmentsIds": ["all"]}, "exclude": {"usersIds": [], "departmentsIds": []}},
            "reactions": if rng.chance(50) { json!([{"type": "like", "usersIds": [rng.range(1, EMPLOYEES)]}]) } else { json!([]) },
        })));
    }
    let targets: Vec<(&str, i64)> = (1..=6)
        .map(|id| ("task", id))
        .chain((1..=5).map(|id| ("post", id)))
        .collect();
    for (entity_type, entity_id) in targets {
        for _ in 0..rng.range(1, 3) {
            portal.work.comments.insert_new(row(json!({
                "entityType": entity_type,
                "entityId": entity_id.to_string(),
                "authorId": rng.range(1, EMPLOYEES),
                "message": rng.pick(COMMENTS),
                "date": EPOCH + rng.range(0, 400) * 86_400,
                "pinned": false,
                "read": rng.chance(70),
                "nextId": null,
                "prevId": null,
                "files": [],
                "mentioned": {"users": [], "departments": [], "groups": []},
                "notify": {"users": [], "departments": [], "groups": []},
                "reactions": [],
                "parentId": null,
            })));
        }
    }
}
