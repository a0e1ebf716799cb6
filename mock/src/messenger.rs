//! The messenger service (NestJS with MongoDB on a real portal): chats,
//! messages, external lines, telephony and search. Ids are 24-digit hex
//! strings, timestamps milliseconds, keys camelCase. POST returns 201.

use serde_json::{json, Map, Value};

use crate::crm_items::Handled;
use crate::data::{Rng, EMPLOYEES, EPOCH};
use crate::http::{as_int, json, Resp};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{
    ids_of, merge, not_found, now_ms, object_body, rejected, row, status_error, strings_of, Row,
    Style,
};

const STYLE: Style = Style::Messenger;

/// Id prefixes: chats, messages and external lines.
pub(crate) const CHAT_PREFIX: &str = "6650c0de";
pub(crate) const MESSAGE_PREFIX: &str = "6650d00d";
pub(crate) const LINE_PREFIX: &str = "6650e11e";

const CHAT_TYPES: &[&str] = &["PRIVATE", "PUBLIC", "GROUP", "DIRECT", "EXTERNAL"];
const MESSAGE_TYPES: &[&str] = &[
    "MESSAGE",
    "AUDIO",
    "VOICE",
    "VIDEO",
    "GIF",
    "FORM_SUBMISSION",
    "SYSTEM",
];
/// Keys of a stored chat that hold per-user state and are not sent as is.
const CHAT_INTERNAL: &[&str] = &["pinnedBy", "mutedUntil"];
/// Default and largest `limit` of message and chat pages.
const DEFAULT_LIMIT: usize = 20;
const MAX_LIMIT: usize = 100;

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("messenger.chats.list", list_chats),
    ("messenger.chats.create", create_chat),
    ("messenger.chats.update", update_chat),
    ("messenger.chats.find_by_meta", |c| {
        let portal = c.shared.portal();
        let found = by_meta(c, &portal)?;
        match found.first() {
            Some(chat) => Ok(json(200, chat)),
            None => Err(not_found(STYLE, "Chat with meta", meta_query(c)?.1)),
        }
    }),
    ("messenger.chats.find_all_by_meta", |c| {
        let portal = c.shared.portal();

        Ok(json(200, &Value::Array(by_meta(c, &portal)?)))
    }),
    ("messenger.chats.get", |c| {
        let portal = c.shared.portal();
        let chat = member_chat(&portal, c.param("id"), c.actor())?;

        Ok(json(200, &chat_json(&portal, chat, c.actor())))
    }),
    ("messenger.chats.delete", |c| {
        let id = c.param("id").to_string();

        let mut portal = c.shared.portal();
        let chat = member_chat(&portal, &id, c.actor())?;
        if chat.get("ownerId").and_then(Value::as_i64) != Some(c.actor()) {
            return Err(status_error(
                STYLE,
                403,
                "Only the chat's owner can delete it.",
            ));
        }
        portal.messenger.chats.remove(&id);
        portal
            .messenger
            .messages
            .rows
            .retain(|m| m.get("chatId").and_then(Value::as_str) != Some(id.as_str()));
        Ok(crate::http::empty(200))
    }),
    ("messenger.chats.add_members", |c| members(c, true)),
    ("messenger.chats.remove_members", |c| members(c, false)),
    ("messenger.chats.leave", |c| {
        let id = c.param("id").to_string();
        let actor = c.actor();

        let mut portal = c.shared.portal();
        member_chat(&portal, &id, actor)?;
        let chat = portal.messenger.chats.get_mut(&id).expect("checked above");
        let mut users = ids_of(chat.get("members"));
        users.retain(|user| *user != actor);
        chat.insert("members".into(), json!(users));
        Ok(crate::http::empty(201))
    }),
    ("messenger.chats.set_active", |c| {
        let body = object_body(c.req, STYLE)?;
        let active = body
            .get("active")
            .and_then(Value::as_bool)
            .ok_or_else(|| rejected(STYLE, "active", "active must be a boolean value"))?;
        change_chat(c, |chat, _| {
            chat.insert("active".into(), json!(active));
        })
    }),
    ("messenger.chats.pin", |c| {
        change_chat(c, |chat, actor| {
            per_user_flag(chat, "pinnedBy", actor, true)
        })
    }),
    ("messenger.chats.unpin", |c| {
        change_chat(c, |chat, actor| {
            per_user_flag(chat, "pinnedBy", actor, false)
        })
    }),
    ("messenger.chats.mute", |c| {
        let body = object_body(c.req, STYLE)?;
        let until = match body.get("muteUntil") {
            None | Some(Value::Null) => now_ms() + 3_600_000 * 24 * 365,
            Some(value) => as_int(value).ok_or_else(|| {
                rejected(
                    STYLE,
                    "muteUntil",
                    "muteUntil must be a timestamp in milliseconds",
                )
            })?,
        };
        change_chat(c, |chat, actor| {
            let muted = chat.entry("mutedUntil").or_insert_with(|| json!({}));
            muted[actor.to_string()] = json!(until);
        })
    }),
    ("messenger.chats.unmute", |c| {
        change_chat(c, |chat, actor| {
            if let Some(Value::Object(muted)) = chat.get_mut("mutedUntil") {
                muted.remove(&actor.to_string());
            }
        })
    }),
    ("messenger.messages.list", list_messages),
    ("messenger.messages.create", create_message),
    ("messenger.messages.update", update_message),
    ("messenger.messages.get", |c| {
        let portal = c.shared.portal();
        let message = visible_message(&portal, c.param("id"), c.actor())?;

        Ok(json(200, &Value::Object(message.clone())))
    }),
    ("messenger.messages.delete", |c| {
        let id = c.param("id").to_string();

        let mut portal = c.shared.portal();
        let message = visible_message(&portal, &id, c.actor())?.clone();
        can_delete(&portal, &message, c.actor())?;
        portal.messenger.messages.remove(&id);
        Ok(crate::http::empty(200))
    }),
    ("messenger.messages.bulk_delete", |c| {
        let (chat_id, ids) = chat_and_ids(c)?;

        let mut portal = c.shared.portal();
        member_chat(&portal, &chat_id, c.actor())?;
        for id in &ids {
            let message = in_chat(&portal, id, &chat_id)?.clone();
            can_delete(&portal, &message, c.actor())?;
        }
        for id in &ids {
            portal.messenger.messages.remove(id);
        }
        Ok(crate::http::empty(200))
    }),
    ("messenger.messages.mark_read", |c| {
        let (chat_id, ids) = chat_and_ids(c)?;
        let actor = c.actor();

        let mut portal = c.shared.portal();
        member_chat(&portal, &chat_id, actor)?;
        for id in &ids {
            in_chat(&portal, id, &chat_id)?;
        }
        for id in &ids {
            if let Some(message) = portal.messenger.messages.get_mut(id) {
                mark_read(message, actor);
            }
        }
        Ok(crate::http::empty(201))
    }),
    ("messenger.messages.mark_all_read", |c| {
        let body = object_body(c.req, STYLE)?;
        let chat_id = text(&body, "chatId")
            .ok_or_else(|| rejected(STYLE, "chatId", "chatId should not be empty"))?;
        let actor = c.actor();

        let mut portal = c.shared.portal();
        member_chat(&portal, &chat_id, actor)?;
        for message in portal.messenger.messages.rows.iter_mut() {
            if message.get("chatId").and_then(Value::as_str) == Some(chat_id.as_str()) {
                mark_read(message, actor);
            }
        }
        Ok(crate::http::empty(201))
    }),
    ("messenger.messages.go_to", go_to_message),
    ("messenger.messages.forward", forward_messages),
    ("messenger.messages.list_pinned", |c| {
        let chat_id = c
            .query()
            .get("chatId")
            .and_then(Value::as_str)
            .ok_or_else(|| rejected(STYLE, "chatId", "chatId should not be empty"))?
            .to_string();

        let portal = c.shared.portal();
        member_chat(&portal, &chat_id, c.actor())?;
        let pinned: Vec<Value> = portal
            .messenger
            .messages
            .rows
            .iter()
            .rev()
            .filter(|m| {
                m.get("chatId").and_then(Value::as_str) == Some(chat_id.as_str())
                    && m.get("pinned") == Some(&json!(true))
            })
            .map(|m| Value::Object(m.clone()))
            .collect();

        Ok(json(200, &Value::Array(pinned)))
    }),
    ("messenger.messages.pin", |c| pin_message(c, true)),
    ("messenger.messages.unpin", |c| pin_message(c, false)),
    ("messenger.external_lines.list", |c| {
        let portal = c.shared.portal();
        let lines: Vec<Value> = portal
            .messenger
            .external_lines
            .rows
            .iter()
            .map(|line| Value::Object(line.clone()))
            .collect();

        Ok(json(200, &Value::Array(lines)))
    }),
    ("messenger.external_lines.create", create_line),
    ("messenger.external_lines.get", |c| {
        let portal = c.shared.portal();
        let line = line(&portal, c.param("id"))?;

        Ok(json(200, &Value::Object(line.clone())))
    }),
    ("messenger.external_lines.update", |c| {
        let body = object_body(c.req, STYLE)?;
        for key in ["name", "icon"] {
            if body.get(key).is_some_and(|v| !v.is_string()) {
                return Err(rejected(STYLE, key, format!("{key} must be a string")));
            }
        }

        let mut portal = c.shared.portal();
        let id = c.param("id").to_string();
        line(&portal, &id)?;
        let stored = portal
            .messenger
            .external_lines
            .get_mut(&id)
            .expect("checked above");
        for key in ["name", "icon"] {
            if let Some(value) = body.get(key) {
                stored.insert(key.into(), value.clone());
            }
        }

        Ok(json(200, &Value::Object(stored.clone())))
    }),
    ("messenger.external_lines.delete", |c| {
        let id = c.param("id").to_string();

        let mut portal = c.shared.portal();
        let deleted = line(&portal, &id)?.clone();
        portal.messenger.external_lines.remove(&id);

        Ok(json(200, &Value::Object(deleted)))
    }),
    ("messenger.search.messages", |c| search(c, None)),
    ("messenger.search.in_chat", |c| {
        let chat_id = c.param("chat_id").to_string();
        search(c, Some(chat_id))
    }),
];

fn text(body: &Row, key: &str) -> Option<String> {
    body.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn forbidden() -> Resp {
    status_error(STYLE, 403, "You are not a member of this chat.")
}

// ---------------------------------------------------------------- chats

fn chat<'a>(portal: &'a Portal, id: &str) -> Result<&'a Row, Resp> {
    portal
        .messenger
        .chats
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Chat", id))
}

fn is_member(chat: &Row, user: i64) -> bool {
    ids_of(chat.get("members")).contains(&user)
}

/// The chat `id`, which the user must be a member of (public chats are
/// open to everyone).
fn member_chat<'a>(portal: &'a Portal, id: &str, user: i64) -> Result<&'a Row, Resp> {
    let found = chat(portal, id)?;
    if is_member(found, user) || found["type"] == "PUBLIC" {
        Ok(found)
    } else {
        Err(forbidden())
    }
}

fn per_user_flag(chat: &mut Row, key: &str, user: i64, on: bool) {
    let mut users = ids_of(chat.get(key));
    users.retain(|u| *u != user);
    if on {
        users.push(user);
    }
    chat.insert(key.into(), json!(users));
}

fn messages_of<'a>(portal: &'a Portal, chat_id: &'a str) -> impl Iterator<Item = &'a Row> + 'a {
    portal
        .messenger
        .messages
        .rows
        .iter()
        .filter(move |m| m.get("chatId").and_then(Value::as_str) == Some(chat_id))
}

/// Returns a chat for `user`: `pinned`, `settings.muteUntil`,
/// `lastMessage`, `unreadCount` and `unreadMentions` are computed.
fn chat_json(portal: &Portal, chat: &Row, user: i64) -> Value {
    let id = chat["id"].as_str().unwrap_or("");
    let mut value = Map::new();
    for (key, field) in chat {
        if !CHAT_INTERNAL.contains(&key.as_str()) {
            value.insert(key.clone(), field.clone());
        }
    }

    value.insert(
        "pinned".into(),
        json!(ids_of(chat.get("pinnedBy")).contains(&user)),
    );
    let mute = chat
        .get("mutedUntil")
        .and_then(|m| m.get(user.to_string()))
        .cloned()
        .unwrap_or(Value::Null);
    value.insert("settings".into(), json!({"muteUntil": mute}));

    let mut unread = 0;
    let mut mentions = Vec::new();
    let mut last = Value::Null;
    for message in messages_of(portal, id) {
        let read = ids_of(message.get("readBy")).contains(&user);
        if !read {
            unread += 1;
            if ids_of(message.get("mentioned")).contains(&user) {
                mentions.push(message["id"].clone());
            }
        }
        last = Value::Object(message.clone());
    }
    value.insert("lastMessage".into(), last);
    value.insert("unreadCount".into(), json!(unread));
    value.insert("unreadMentions".into(), Value::Array(mentions));
    Value::Object(value)
}

/// Maps `externalStatuses` values to `externalChatStatus` ones.
fn external_status(status: &str) -> &str {
    match status {
        "active" => "activeExternal",
        "undistributed" => "undistributedExternal",
        "inactive" => "inactiveExternal",
        other => other,
    }
}

/// `GET /messenger/v1/chats`: the user's chats, latest activity first, as a
/// bare array; with `cursor` or `limit` (external chats) as
/// `{pinned, data, nextCursor, hasNext}` (`pinned` on the first page only).
fn list_chats(c: &Call<'_>) -> Handled {
    let query = c.query();
    let actor = c.actor();

    let portal = c.shared.portal();
    let kind = query.get("type").and_then(Value::as_str);
    let name = query
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    let wanted_members = ids_of(query.get("members"));
    let lines = strings_of(query.get("externalLineIds"));
    let statuses: Vec<String> = strings_of(query.get("externalStatuses"))
        .iter()
        .map(|s| external_status(s).to_string())
        .collect();
    let mut chats: Vec<&Row> = portal
        .messenger
        .chats
        .rows
        .iter()
        .filter(|chat| is_member(chat, actor) || chat["type"] == "PUBLIC")
        .filter(|chat| kind.is_none_or(|kind| chat["type"] == kind))
        .filter(|chat| {
            name.as_ref().is_none_or(|name| {
                chat["name"]
                    .as_str()
                    .is_some_and(|n| n.to_lowercase().contains(name.as_str()))
            })
        })
        .filter(|chat| {
            let have = ids_of(chat.get("members"));
            wanted_members.iter().all(|m| have.contains(m))
        })
        .filter(|chat| {
            lines.is_empty()
                || chat["externalLines"].as_array().is_some_and(|own| {
                    own.iter().any(|line| {
                        lines
                            .iter()
                            .any(|l| line["id"].as_str() == Some(l.as_str()))
                    })
                })
        })
        .filter(|chat| {
            statuses.is_empty()
                || chat["externalChatStatus"]
                    .as_str()
                    .is_some_and(|s| statuses.iter().any(|w| w == s))
        })
        .collect();
    chats.sort_by_key(|chat| std::cmp::Reverse(chat["timestamp"].as_i64().unwrap_or(0)));

    let cursor_mode = query.get("cursor").is_some() || query.get("limit").is_some();
    if !cursor_mode {
        let all: Vec<Value> = chats
            .iter()
            .map(|chat| chat_json(&portal, chat, actor))
            .collect();
        return Ok(json(200, &Value::Array(all)));
    }
    if statuses.len() > 1 {
        return Err(rejected(
            STYLE,
            "externalStatuses",
            "In cursor mode externalStatuses must be a single value: active, undistributed or inactive.",
        ));
    }
    let limit = page_limit(query)?;
    let start = match query.get("cursor").and_then(Value::as_str) {
        None | Some("") => 0,
        Some(cursor) => decode_cursor(cursor)?,
    };
    let (pinned, rest): (Vec<&Row>, Vec<&Row>) = chats
        .into_iter()
        .partition(|chat| ids_of(chat.get("pinnedBy")).contains(&actor));
    let data: Vec<Value> = rest
        .iter()
        .skip(start)
        .take(limit)
        .map(|chat| chat_json(&portal, chat, actor))
        .collect();
    let has_next = start + limit < rest.len();
    let mut body = json!({
        "data": data,
        "nextCursor": if has_next { json!(encode_cursor(start + limit)) } else { Value::Null },
        "hasNext": has_next,
    });
    if start == 0 {
        body["pinned"] = Value::Array(
            pinned
                .iter()
                .map(|chat| chat_json(&portal, chat, actor))
                .collect(),
        );
    }

    Ok(json(200, &body))
}

fn page_limit(query: &Value) -> Result<usize, Resp> {
    match query.get("limit") {
        None => Ok(DEFAULT_LIMIT),
        Some(value) => match as_int(value) {
            Some(limit) if limit >= 1 => Ok((limit as usize).min(MAX_LIMIT)),
            _ => Err(rejected(STYLE, "limit", "limit must be a positive integer")),
        },
    }
}

/// Cursors are opaque to clients; here they hold the offset of the next page.
fn encode_cursor(offset: usize) -> String {
    format!("c{offset:08x}")
}

fn decode_cursor(cursor: &str) -> Result<usize, Resp> {
    cursor
        .strip_prefix('c')
        .and_then(|hex| usize::from_str_radix(hex, 16).ok())
        .ok_or_else(|| {
            rejected(
                STYLE,
                "cursor",
                format!("The cursor `{cursor}` is invalid."),
            )
        })
}

fn create_chat(c: &Call<'_>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    let actor = c.actor();
    let kind = text(&body, "type").unwrap_or_else(|| "GROUP".to_string());
    if !CHAT_TYPES.contains(&kind.as_str()) {
        return Err(rejected(
            STYLE,
            "type",
            format!("type must be one of: {}", CHAT_TYPES.join(", ")),
        ));
    }
    if kind != "DIRECT" && text(&body, "name").is_none() {
        return Err(rejected(STYLE, "name", "name should not be empty"));
    }
    let mut users = ids_of(body.get("members"));
    if !users.contains(&actor) {
        users.insert(0, actor);
    }

    let mut portal = c.shared.portal();
    for user in &users {
        if portal.user(*user).is_none() {
            return Err(rejected(
                STYLE,
                "members",
                format!("user {user} does not exist"),
            ));
        }
    }
    if kind == "DIRECT" {
        if users.len() != 2 {
            return Err(rejected(
                STYLE,
                "members",
                "a direct chat has exactly two members",
            ));
        }
        // A direct chat between two users exists once.
        let existing = portal.messenger.chats.rows.iter().find(|chat| {
            chat["type"] == "DIRECT" && {
                let have = ids_of(chat.get("members"));
                users.iter().all(|u| have.contains(u))
            }
        });
        if let Some(existing) = existing {
            return Ok(json(200, &chat_json(&portal, existing, actor)));
        }
    }
    body.remove("members");
    let id = portal.messenger.chats.allocate(CHAT_PREFIX);
    let timestamp = now_ms();
    let mut chat = row(json!({
        "id": id,
        "name": "",
        "type": kind,
        "ownerId": actor,
        "members": users,
        "pictureUrl": "",
        "groupId": null,
        "timestamp": timestamp,
        "externalLines": [],
        "meta": [],
        "active": true,
        "createdAt": timestamp,
        "pinnedBy": [],
        "mutedUntil": {},
    }));
    merge(
        &mut chat,
        body,
        &[
            "id",
            "ownerId",
            "timestamp",
            "createdAt",
            "pinnedBy",
            "mutedUntil",
        ],
    );
    portal.messenger.chats.rows.push(chat.clone());

    Ok(json(201, &chat_json(&portal, &chat, actor)))
}

/// `PATCH /messenger/v1/chats {id, ...}`: the owner renames or changes it.
fn update_chat(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let id = text(&body, "id").ok_or_else(|| rejected(STYLE, "id", "id should not be empty"))?;
    let actor = c.actor();

    let mut portal = c.shared.portal();
    let found = member_chat(&portal, &id, actor)?;
    if found.get("ownerId").and_then(Value::as_i64) != Some(actor) {
        return Err(status_error(
            STYLE,
            403,
            "Only the chat's owner can change it.",
        ));
    }
    if body.contains_key("name") && text(&body, "name").is_none() {
        return Err(rejected(STYLE, "name", "name should not be empty"));
    }
    let stored = portal.messenger.chats.get_mut(&id).expect("checked above");
    merge(
        stored,
        body,
        &[
            "id",
            "ownerId",
            "type",
            "members",
            "timestamp",
            "createdAt",
            "pinnedBy",
            "mutedUntil",
        ],
    );
    let stored = stored.clone();

    Ok(json(200, &chat_json(&portal, &stored, actor)))
}

fn meta_query(c: &Call<'_>) -> Result<(String, String), Resp> {
    let read = |key: &str| {
        c.query()
            .get(key)
            .and_then(Value::as_str)
            .filter(|s| !s.trim().is_empty())
            .map(str::to_string)
    };
    let kind = read("type").ok_or_else(|| rejected(STYLE, "type", "type should not be empty"))?;
    let value =
        read("value").ok_or_else(|| rejected(STYLE, "value", "value should not be empty"))?;
    Ok((kind, value))
}

/// Returns the chats whose `meta` contains `{type, value}` from the query.
fn by_meta(c: &Call<'_>, portal: &Portal) -> Result<Vec<Value>, Resp> {
    let (kind, value) = meta_query(c)?;
    Ok(portal
        .messenger
        .chats
        .rows
        .iter()
        .filter(|chat| {
            chat["meta"].as_array().is_some_and(|meta| {
                meta.iter()
                    .any(|m| m["type"] == kind.as_str() && m["value"] == value.as_str())
            })
        })
        .map(|chat| chat_json(portal, chat, c.actor()))
        .collect())
}

/// Applies `change` to the member chat `{id}` and returns it.
fn change_chat(c: &Call<'_>, change: impl FnOnce(&mut Row, i64)) -> Handled {
    let id = c.param("id").to_string();
    let actor = c.actor();

    let mut portal = c.shared.portal();
    member_chat(&portal, &id, actor)?;
    let stored = portal.messenger.chats.get_mut(&id).expect("checked above");
    change(stored, actor);
    let stored = stored.clone();
    let status = if c.req.method == http::Method::POST {
        201
    } else {
        200
    };

    Ok(json(status, &chat_json(&portal, &stored, actor)))
}

/// `POST|DELETE /messenger/v1/chats/{id}/members {members}`.
fn members(c: &Call<'_>, add: bool) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let users = ids_of(body.get("members"));
    if users.is_empty() {
        return Err(rejected(
            STYLE,
            "members",
            "members must be a non-empty array of user ids",
        ));
    }
    {
        let portal = c.shared.portal();
        for user in &users {
            if portal.user(*user).is_none() {
                return Err(rejected(
                    STYLE,
                    "members",
                    format!("user {user} does not exist"),
                ));
            }
        }
        let found = member_chat(&portal, c.param("id"), c.actor())?;
        if found["type"] == "DIRECT" {
            return Err(status_error(
                STYLE,
                422,
                "The members of a direct chat cannot change.",
            ));
        }
    }
    change_chat(c, |chat, _| {
        let mut current = ids_of(chat.get("members"));
        for user in &users {
            current.retain(|u| u != user);
            if add {
                current.push(*user);
            }
        }
        chat.insert("members".into(), json!(current));
    })
}

// ------------------------------------------------------------- messages

fn message_of<'a>(portal: &'a Portal, id: &str) -> Result<&'a Row, Resp> {
    portal
        .messenger
        .messages
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Message", id))
}

/// The message `id`, whose chat the user must be a member of.
fn visible_message<'a>(portal: &'a Portal, id: &str, user: i64) -> Result<&'a Row, Resp> {
    let message = message_of(portal, id)?;
    let chat_id = message["chatId"].as_str().unwrap_or("");
    member_chat(portal, chat_id, user)?;
    Ok(message)
}

fn in_chat<'a>(portal: &'a Portal, id: &str, chat_id: &str) -> Result<&'a Row, Resp> {
    let message = message_of(portal, id)?;
    if message["chatId"].as_str() != Some(chat_id) {
        return Err(rejected(
            STYLE,
            "messagesIds",
            format!("message {id} is not in chat {chat_id}"),
        ));
    }
    Ok(message)
}

/// Authors delete their messages; chat owners delete any.
fn can_delete(portal: &Portal, message: &Row, user: i64) -> Result<(), Resp> {
    let chat_id = message["chatId"].as_str().unwrap_or("");
    let owner = chat(portal, chat_id)?
        .get("ownerId")
        .and_then(Value::as_i64);
    if message["authorId"].as_i64() == Some(user) || owner == Some(user) {
        Ok(())
    } else {
        Err(status_error(
            STYLE,
            403,
            "You can delete only your own messages.",
        ))
    }
}

fn mark_read(message: &mut Row, user: i64) {
    let mut readers = ids_of(message.get("readBy"));
    if !readers.contains(&user) {
        readers.push(user);
        message.insert("readBy".into(), json!(readers));
    }
    if readers.len() > 1 {
        message.insert("status".into(), json!("read"));
    }
}

fn chat_and_ids(c: &Call<'_>) -> Result<(String, Vec<String>), Resp> {
    let body = object_body(c.req, STYLE)?;
    let chat_id = text(&body, "chatId")
        .ok_or_else(|| rejected(STYLE, "chatId", "chatId should not be empty"))?;
    let ids = strings_of(body.get("messagesIds"));
    if ids.is_empty() {
        return Err(rejected(
            STYLE,
            "messagesIds",
            "messagesIds should not be empty",
        ));
    }
    Ok((chat_id, ids))
}

/// `GET /messenger/v1/messages?chatId=&limit=&lastTimestamp=&firstTimestamp=`:
/// newest first; `lastTimestamp` pages to older messages, `firstTimestamp`
/// to newer ones.
fn list_messages(c: &Call<'_>) -> Handled {
    let query = c.query();
    let chat_id = query
        .get("chatId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| rejected(STYLE, "chatId", "chatId should not be empty"))?
        .to_string();
    let limit = page_limit(query)?;
    let bound = |key: &str| -> Result<Option<i64>, Resp> {
        match query.get(key) {
            None => Ok(None),
            Some(value) => as_int(value)
                .map(Some)
                .ok_or_else(|| rejected(STYLE, key, format!("{key} must be a number"))),
        }
    };
    let (last, first) = (bound("lastTimestamp")?, bound("firstTimestamp")?);

    let portal = c.shared.portal();
    member_chat(&portal, &chat_id, c.actor())?;
    let timestamp = |m: &Row| m["timestamp"].as_i64().unwrap_or(0);
    let mut chosen: Vec<&Row> = messages_of(&portal, &chat_id)
        .filter(|m| last.is_none_or(|last| timestamp(m) < last))
        .filter(|m| first.is_none_or(|first| timestamp(m) > first))
        .collect();
    chosen.sort_by_key(|m| timestamp(m));
    let page: Vec<&Row> = if first.is_some() && last.is_none() {
        // The messages right after `firstTimestamp`.
        chosen.into_iter().take(limit).collect()
    } else {
        let skip = chosen.len().saturating_sub(limit);
        chosen.into_iter().skip(skip).collect()
    };
    let newest_first: Vec<Value> = page
        .into_iter()
        .rev()
        .map(|m| Value::Object(m.clone()))
        .collect();

    Ok(json(200, &Value::Array(newest_first)))
}

fn check_message_fields(body: &Row) -> Result<(), Resp> {
    if let Some(kind) = body.get("type") {
        if !kind.as_str().is_some_and(|k| MESSAGE_TYPES.contains(&k)) {
            return Err(rejected(
                STYLE,
                "type",
                format!("type must be one of: {}", MESSAGE_TYPES.join(", ")),
            ));
        }
    }
    if let Some(text) = body.get("message") {
        if !text.is_string() {
            return Err(rejected(STYLE, "message", "message must be a string"));
        }
    }
    if let Some(timestamp) = body.get("timestamp") {
        if as_int(timestamp).is_none() {
            return Err(rejected(
                STYLE,
                "timestamp",
                "timestamp must be a number of milliseconds",
            ));
        }
    }
    Ok(())
}

/// Inserts a message and moves the chat's `timestamp` to it.
fn insert_message(portal: &mut Portal, message: Row) -> Row {
    let chat_id = message["chatId"].as_str().unwrap_or("").to_string();
    let timestamp = message["timestamp"].clone();
    portal.messenger.messages.rows.push(message.clone());
    if let Some(chat) = portal.messenger.chats.get_mut(&chat_id) {
        chat.insert("timestamp".into(), timestamp);
    }
    message
}

/// `POST /messenger/v1/messages`: a client may choose the `id`; reusing one
/// fails like MongoDB's unique index does (`E11000 duplicate key error`).
fn create_message(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let actor = c.actor();
    let chat_id = text(&body, "chatId")
        .ok_or_else(|| rejected(STYLE, "chatId", "chatId should not be empty"))?;
    check_message_fields(&body)?;
    let has_text = text(&body, "message").is_some();
    let has_files = body
        .get("attachedFiles")
        .and_then(Value::as_array)
        .is_some_and(|files| !files.is_empty());
    if !has_text && !has_files {
        return Err(rejected(STYLE, "message", "message should not be empty"));
    }

    let mut portal = c.shared.portal();
    member_chat(&portal, &chat_id, actor)?;
    if let Some(parent) = text(&body, "parentMessage") {
        in_chat(&portal, &parent, &chat_id)?;
    }
    let id = match body.get("id") {
        None | Some(Value::Null) => portal.messenger.messages.allocate(MESSAGE_PREFIX),
        Some(Value::String(id)) if !id.trim().is_empty() => id.trim().to_string(),
        Some(_) => return Err(rejected(STYLE, "id", "id must be a non-empty string")),
    };
    if portal.messenger.messages.get(&id).is_some() {
        return Err(json(
            400,
            &json!({"message": format!(
                "E11000 duplicate key error collection: messenger.messages index: _id_ dup key: {{ _id: \"{id}\" }}"
            )}),
        ));
    }
    let timestamp = body
        .get("timestamp")
        .and_then(as_int)
        .unwrap_or_else(now_ms);
    let mut message = row(json!({
        "id": id,
        "chatId": chat_id,
        "authorId": actor,
        "message": "",
        "type": "MESSAGE",
        "timestamp": timestamp,
        "updateTimestamp": null,
        "parentMessage": null,
        "attachedFiles": [],
        "readBy": [actor],
        "mentioned": [],
        "relations": [],
        "status": "sent",
        "pinned": false,
    }));
    merge(
        &mut message,
        body,
        &["id", "authorId", "readBy", "status", "pinned"],
    );
    let message = insert_message(&mut portal, message);

    Ok(json(201, &Value::Object(message)))
}

/// `PATCH /messenger/v1/messages {id, message, ...}`: authors edit their own.
fn update_message(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let id = text(&body, "id").ok_or_else(|| rejected(STYLE, "id", "id should not be empty"))?;
    check_message_fields(&body)?;
    let actor = c.actor();

    let mut portal = c.shared.portal();
    let message = visible_message(&portal, &id, actor)?;
    if message["authorId"].as_i64() != Some(actor) {
        return Err(status_error(
            STYLE,
            403,
            "You can edit only your own messages.",
        ));
    }
    let stored = portal
        .messenger
        .messages
        .get_mut(&id)
        .expect("checked above");
    merge(
        stored,
        body,
        &["id", "chatId", "authorId", "timestamp", "readBy", "pinned"],
    );
    stored.insert("updateTimestamp".into(), json!(now_ms()));

    Ok(json(200, &Value::Object(stored.clone())))
}

/// `GET /messenger/v1/messages/{id}/goToMessage`: the message with up to 10
/// older and 10 newer ones of its chat, newest first.
fn go_to_message(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let target = visible_message(&portal, c.param("id"), c.actor())?;
    let chat_id = target["chatId"].as_str().unwrap_or("");
    let mut all: Vec<&Row> = messages_of(&portal, chat_id).collect();
    all.sort_by_key(|m| m["timestamp"].as_i64().unwrap_or(0));
    let position = all
        .iter()
        .position(|m| m["id"] == target["id"])
        .unwrap_or(0);
    let from = position.saturating_sub(10);
    let to = (position + 11).min(all.len());
    let around: Vec<Value> = all[from..to]
        .iter()
        .rev()
        .map(|m| Value::Object((*m).clone()))
        .collect();

    Ok(json(200, &Value::Array(around)))
}

/// `POST /messenger/v1/messages/forwardMessages {chatId, messagesIds}`:
/// copies the messages into `chatId` with a `ref` to each original.
fn forward_messages(c: &Call<'_>) -> Handled {
    let (chat_id, ids) = chat_and_ids(c)?;
    let actor = c.actor();

    let mut portal = c.shared.portal();
    member_chat(&portal, &chat_id, actor)?;
    let mut originals = Vec::new();
    for id in &ids {
        originals.push(visible_message(&portal, id, actor)?.clone());
    }
    let mut forwarded = Vec::new();
    for original in originals {
        let id = portal.messenger.messages.allocate(MESSAGE_PREFIX);
        let message = row(json!({
            "id": id,
            "chatId": chat_id,
            "authorId": actor,
            "message": original["message"],
            "type": original["type"],
            "timestamp": now_ms(),
            "updateTimestamp": null,
            "parentMessage": null,
            "attachedFiles": original.get("attachedFiles").cloned().unwrap_or(json!([])),
            "readBy": [actor],
            "mentioned": [],
            "relations": [],
            "status": "sent",
            "pinned": false,
            "ref": {
                "chatId": original["chatId"],
                "authorId": original["authorId"],
                "refMessageId": original["id"],
            },
        }));
        forwarded.push(Value::Object(insert_message(&mut portal, message)));
    }

    Ok(json(201, &Value::Array(forwarded)))
}

fn pin_message(c: &Call<'_>, on: bool) -> Handled {
    let id = c.param("id").to_string();

    let mut portal = c.shared.portal();
    visible_message(&portal, &id, c.actor())?;
    let stored = portal
        .messenger
        .messages
        .get_mut(&id)
        .expect("checked above");
    stored.insert("pinned".into(), json!(on));

    Ok(json(201, &Value::Object(stored.clone())))
}

/// `GET /messenger/v1/search/messages?q=&page=` and `/search/{chat_id}?q=`:
/// messages containing `q` (case-insensitive) in the user's chats, newest
/// first, 20 per page.
fn search(c: &Call<'_>, chat_id: Option<String>) -> Handled {
    let q = c
        .query()
        .get("q")
        .and_then(Value::as_str)
        .map(|q| q.trim().to_lowercase())
        .filter(|q| !q.is_empty())
        .ok_or_else(|| rejected(STYLE, "q", "q should not be empty"))?;
    let page = c
        .query()
        .get("page")
        .and_then(as_int)
        .filter(|p| *p >= 1)
        .unwrap_or(1) as usize;
    let actor = c.actor();

    let portal = c.shared.portal();
    if let Some(chat_id) = &chat_id {
        member_chat(&portal, chat_id, actor)?;
    }
    let found: Vec<Value> = portal
        .messenger
        .messages
        .rows
        .iter()
        .rev()
        .filter(|m| {
            let chat = m["chatId"].as_str().unwrap_or("");
            match &chat_id {
                Some(wanted) => chat == wanted,
                None => member_chat(&portal, chat, actor).is_ok(),
            }
        })
        .filter(|m| {
            m["message"]
                .as_str()
                .is_some_and(|text| text.to_lowercase().contains(&q))
        })
        .skip((page - 1) * DEFAULT_LIMIT)
        .take(DEFAULT_LIMIT)
        .map(|m| Value::Object(m.clone()))
        .collect();

    Ok(json(200, &Value::Array(found)))
}

// ------------------------------------------------------- external lines

fn line<'a>(portal: &'a Portal, id: &str) -> Result<&'a Row, Resp> {
    portal
        .messenger
        .external_lines
        .get(id)
        .ok_or_else(|| not_found(STYLE, "External line", id))
}

fn create_line(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    for key in ["name", "externalId"] {
        if text(&body, key).is_none() {
            return Err(rejected(STYLE, key, format!("{key} should not be empty")));
        }
    }

    let mut portal = c.shared.portal();
    let id = portal.messenger.external_lines.allocate(LINE_PREFIX);
    let workspace = c.shared.domain.split('.').next().unwrap_or("").to_string();
    let mut line = row(json!({
        "id": id,
        "externalId": "",
        "name": "",
        "icon": "",
        "phoneNumber": "",
        "portal": workspace,
        "timestamp": now_ms(),
    }));
    merge(&mut line, body, &["id", "portal", "timestamp"]);
    portal.messenger.external_lines.rows.push(line.clone());

    Ok(json(201, &Value::Object(line)))
}

// ----------------------------------------------------------------- seed

const PHRASES: &[&str] = &[
    "Доброго ранку, колеги!",
    "Хто сьогодні на дзвінку з клієнтом?",
    "Я підключуся о 10:30.",
    "Надіслав комерційну пропозицію, чекаю відповіді.",
    "Клієнт погодив кошторис 👍",
    "Де знайти актуальний прайс?",
    "Прайс у файлах групи «Відділ продажів».",
    "Дякую!",
    "Рахунок оплачено, можна відвантажувати.",
    "Перенесемо зустріч на завтра?",
    "Так, давайте о 14:00.",
    "Нагадую про звіт до п'ятниці.",
];

const CUSTOMER_PHRASES: &[&str] = &[
    "Добрий день! Скільки коштує монтаж котла?",
    "Чи можна замовити доставку до Львова?",
    "Дякую, чекаю на дзвінок.",
    "Коли буде менеджер на зв'язку?",
];

/// Builds the demo messenger: two external lines, internal chats with a
/// history of messages, and external (customer) chats.
pub(crate) fn seed(portal: &mut Portal, rng: &mut Rng, workspace: &str) {
    let base_ms = (EPOCH + 420 * 86_400) * 1000;
    for (name, icon, phone, external) in [
        ("Telegram-бот «Сонце»", "telegram", "", "tg-sonce-bot"),
        ("Viber «Сервіс»", "viber", "+380441234567", "viber-service"),
    ] {
        let id = portal.messenger.external_lines.allocate(LINE_PREFIX);
        portal.messenger.external_lines.rows.push(row(json!({
            "id": id,
            "externalId": external,
            "name": name,
            "icon": icon,
            "phoneNumber": phone,
            "portal": workspace,
            "timestamp": base_ms,
        })));
    }
    let all: Vec<i64> = (1..=EMPLOYEES).collect();
    let chats = [
        ("Загальний чат", "PUBLIC", 1, all.clone(), Value::Null, 30),
        (
            "Відділ продажів",
            "GROUP",
            3,
            vec![1, 3, 4, 5, 6],
            json!(1),
            15,
        ),
        ("", "DIRECT", 1, vec![1, 3], Value::Null, 10),
        (
            "Проєкт «Сонячна станція»",
            "PRIVATE",
            2,
            vec![1, 2, 7],
            Value::Null,
            8,
        ),
    ];
    let mut clock = base_ms;
    for (name, kind, owner, members, group, count) in chats {
        let id = portal.messenger.chats.allocate(CHAT_PREFIX);
        portal.messenger.chats.rows.push(row(json!({
            "id": id,
            "name": name,
            "type": kind,
            "ownerId": owner,
            "members": members,
            "pictureUrl": "",
            "groupId": group,
            "timestamp": clock,
            "externalLines": [],
            "meta": [],
            "active": true,
            "createdAt": clock,
            "pinnedBy": if kind == "GROUP" { json!([1]) } else { json!([]) },
            "mutedUntil": {},
        })));
        for index in 0..count {
            clock += rng.range(60, 7200) * 1000;
            // The owner opens each chat.
            let author = if index == 0 {
                owner
            } else {
                *rng.pick(&members)
            };
            // The last three messages of each chat are unread by everyone
            // but their author.
            let read_by = if index + 3 >= count {
                json!([author])
            } else {
                json!(members)
            };
            let message_id = portal.messenger.messages.allocate(MESSAGE_PREFIX);
            portal.messenger.messages.rows.push(row(json!({
                "id": message_id,
                "chatId": id,
                "authorId": author,
                "message": rng.pick(PHRASES),
                "type": "MESSAGE",
                "timestamp": clock,
                "updateTimestamp": null,
                "parentMessage": null,
                "attachedFiles": [],
                "readBy": read_by,
                "mentioned": if index == 5 { json!([1]) } else { json!([]) },
                "relations": [],
                "status": "sent",
                "pinned": index == 2,
            })));
        }
        if let Some(chat) = portal.messenger.chats.get_mut(&id) {
            chat.insert("timestamp".into(), json!(clock));
        }
    }
    let line = portal.messenger.external_lines.rows[0].clone();
    for (index, status) in [
        "activeExternal",
        "activeExternal",
        "undistributedExternal",
        "inactiveExternal",
    ]
    .into_iter()
    .enumerate()
    {
        let id = portal.messenger.chats.allocate(CHAT_PREFIX);
        let phone = format!("+3805012345{:02}", index + 1);
        portal.messenger.chats.rows.push(row(json!({
            "id": id,
            "name": format!("Клієнт {}", index + 1),
            "type": "EXTERNAL",
            "ownerId": 1,
            "members": [1, 3],
            "pictureUrl": "",
            "groupId": null,
            "timestamp": clock,
            "externalLines": [line],
            "meta": [{"type": "phone", "value": phone}],
            "active": status != "inactiveExternal",
            "externalChatStatus": status,
            "responder": [3],
            "createdAt": clock,
            "firstReplyAt": clock + 60_000,
            "pinnedBy": [],
            "mutedUntil": {},
        })));
        for turn in 0..4 {
            clock += rng.range(30, 600) * 1000;
            let from_customer = turn % 2 == 0;
            let message_id = portal.messenger.messages.allocate(MESSAGE_PREFIX);
            portal.messenger.messages.rows.push(row(json!({
                "id": message_id,
                "chatId": id,
                "authorId": if from_customer { 0 } else { 3 },
                "externalAuthorId": if from_customer { json!(format!("tg-{}", 1000 + index)) } else { Value::Null },
                "externalLine": line["id"],
                "message": if from_customer { *rng.pick(CUSTOMER_PHRASES) } else { "Добрий день! Менеджер зв'яжеться з вами найближчим часом." },
                "type": "MESSAGE",
                "timestamp": clock,
                "updateTimestamp": null,
                "parentMessage": null,
                "attachedFiles": [],
                "readBy": [3],
                "mentioned": [],
                "relations": [],
                "status": "delivered",
                "pinned": false,
            })));
        }
        if let Some(chat) = portal.messenger.chats.get_mut(&id) {
            chat.insert("timestamp".into(), json!(clock));
        }
    }
}
