//! The e-mail service: mailboxes (credentials and settings), folders,
//! signatures, letters and the CRM settings of a mailbox. Keys are
//! snake_case; mailbox dates are RFC 3339 strings, letter dates unix seconds.

use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::data::{Rng, EPOCH};
use crate::http::{as_int, empty, invalid, json, looks_like_email, now, Errors, Resp};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{
    array_body, ids_of, iso, merge, not_found, object_body, paged, require_text, row, status_error,
    strings_of, value, Meta, Row, Style,
};
use crate::words::{transliterate, FEMALE_NAMES, MAIL_DOMAINS, MALE_NAMES, SURNAMES};

const STYLE: Style = Style::Company;

/// Folders every mailbox gets: (name, flag key).
const SYSTEM_FOLDERS: &[(&str, &str)] = &[
    ("INBOX", "is_inbox"),
    ("Sent", "is_sent"),
    ("Drafts", "is_draft"),
    ("Trash", "is_trash"),
    ("Spam", "is_spam"),
];

/// Mailbox keys a client may not set (the password is write-only).
const MAILBOX_PROTECTED: &[&str] = &[
    "id",
    "status",
    "folders",
    "created_at",
    "updated_at",
    "last_synced_at",
];

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("email.mailboxes.list", |c| {
        let portal = c.shared.portal();
        let boxes: Vec<Value> = portal
            .email
            .mailboxes
            .rows
            .keys()
            .filter_map(|id| mailbox_json(&portal, *id).ok())
            .collect();

        Ok(json(200, &json!({"data": boxes})))
    }),
    ("email.mailboxes.get", |c| {
        let id = c.id("email_id", STYLE, "Mailbox")?;

        let portal = c.shared.portal();

        Ok(json(200, &mailbox_json(&portal, id)?))
    }),
    ("email.credentials.create", create_mailbox),
    ("email.credentials.update", |c| {
        let id = c.id("email_id", STYLE, "Mailbox")?;
        let body = object_body(c.req, STYLE)?;
        update_mailbox(c, id, body, true)
    }),
    ("email.settings.create", |c| {
        let id = c.id("email_id", STYLE, "Mailbox")?;
        let body = object_body(c.req, STYLE)?;
        update_mailbox(c, id, body, false)
    }),
    ("email.settings.update", |c| {
        let id = c.id("email_id", STYLE, "Mailbox")?;
        let body = object_body(c.req, STYLE)?;
        update_mailbox(c, id, body, false)
    }),
    ("email.crm_settings.get", |c| {
        let id = c.id("email_id", STYLE, "Mailbox")?;

        let portal = c.shared.portal();
        mailbox(&portal, id)?;
        let settings = portal
            .email
            .crm_settings
            .get(&id)
            .cloned()
            .unwrap_or_default();

        Ok(json(200, &Value::Array(settings)))
    }),
    ("email.crm_settings.update", update_crm_settings),
    ("email.folders.list", |c| {
        let portal = c.shared.portal();
        let mailbox = c.query().get("email_id").and_then(as_int);
        let folders: Vec<Value> = portal
            .email
            .folders
            .rows
            .values()
            .filter(|f| mailbox.is_none_or(|m| f["email_id"].as_i64() == Some(m)))
            .map(|f| folder_json(&portal, f))
            .collect();

        Ok(json(200, &json!({"data": folders})))
    }),
    ("email.folders.create", create_folder),
    ("email.folders.delete", |c| {
        let id = c.id("folder_id", STYLE, "Folder")?;

        let mut portal = c.shared.portal();
        let found = folder(&portal, id)?.clone();
        if SYSTEM_FOLDERS.iter().any(|(_, flag)| found[*flag] == true) {
            return Err(status_error(
                STYLE,
                403,
                "System folders cannot be deleted.",
            ));
        }
        let has_children = portal
            .email
            .folders
            .rows
            .values()
            .any(|f| f["parent_id"].as_i64() == Some(id));
        if has_children {
            return Err(status_error(
                STYLE,
                409,
                "The folder has subfolders; delete them first.",
            ));
        }
        portal.email.folders.rows.remove(&id);
        portal
            .email
            .letters
            .rows
            .retain(|_, letter| letter["folder_id"].as_i64() != Some(id));
        Ok(empty(204))
    }),
    ("email.signatures.list", |c| {
        let portal = c.shared.portal();
        let rows = portal.email.signatures.rows.values().map(value).collect();

        Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
    }),
    ("email.signatures.create", |c| save_signature(c, None)),
    ("email.signatures.update", |c| {
        let id = c.id("signature_id", STYLE, "Signature")?;
        save_signature(c, Some(id))
    }),
    ("email.signatures.delete", |c| {
        let id = c.id("signature_id", STYLE, "Signature")?;

        let mut portal = c.shared.portal();
        portal
            .email
            .signatures
            .rows
            .remove(&id)
            .ok_or_else(|| not_found(STYLE, "Signature", id))?;
        Ok(empty(204))
    }),
    ("email.letters.list_by_folder", list_letters),
    ("email.letters.send", send_letter),
    ("email.letters.get", |c| {
        let id = c.id("letter_id", STYLE, "Letter")?;

        let portal = c.shared.portal();

        Ok(json(200, &letter_json(&portal, id)?))
    }),
    ("email.letters.delete", |c| {
        let id = c.id("letter_id", STYLE, "Letter")?;

        let mut portal = c.shared.portal();
        letter(&portal, id)?;
        portal.email.letters.rows.remove(&id);
        Ok(empty(204))
    }),
    ("email.letters.update_crm_entities", |c| {
        let id = c.id("letter_id", STYLE, "Letter")?;
        let body = object_body(c.req, STYLE)?;
        let entities = match body.get("crm_entities") {
            Some(Value::Object(map)) => map.clone(),
            _ => {
                return Err(invalid(
                    "crm_entities",
                    "The crm entities must be an object like {deals: [{id}]}.",
                ))
            }
        };

        let mut portal = c.shared.portal();
        letter(&portal, id)?;
        let mut errors = Errors::default();
        for (code, records) in &entities {
            if !["contacts", "companies", "leads", "deals"].contains(&code.as_str()) {
                errors.add(
                    "crm_entities",
                    format!("Letters link to contacts, companies, leads or deals, not `{code}`."),
                );
                continue;
            }
            let ids: Vec<i64> = records
                .as_array()
                .map(|list| {
                    list.iter()
                        .filter_map(|r| r.get("id").and_then(as_int).or_else(|| as_int(r)))
                        .collect()
                })
                .unwrap_or_default();
            for record in ids {
                if !portal
                    .items
                    .get(code)
                    .is_some_and(|t| t.rows.contains_key(&record))
                {
                    errors.add(
                        "crm_entities",
                        format!("Record {record} of `{code}` does not exist."),
                    );
                }
            }
        }
        errors.check()?;

        let stored = portal.email.letters.get_mut(id).expect("checked above");
        let mut current = stored["crm_entities"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        current.extend(entities);
        stored.insert("crm_entities".into(), Value::Object(current));

        Ok(json(200, &letter_json(&portal, id)?))
    }),
    ("email.letters.move", |c| change_letters(c, Change::Move)),
    ("email.letters.mark_read", |c| {
        change_letters(c, Change::Read(true))
    }),
    ("email.letters.mark_unread", |c| {
        change_letters(c, Change::Read(false))
    }),
];

// ------------------------------------------------------------ mailboxes

fn mailbox(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .email
        .mailboxes
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Mailbox", id))
}

fn folder(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .email
        .folders
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Folder", id))
}

fn folder_json(portal: &Portal, folder: &Row) -> Value {
    let id = folder["id"].as_i64();
    let (total, unread) = portal
        .email
        .letters
        .rows
        .values()
        .filter(|l| l["folder_id"].as_i64() == id)
        .fold((0, 0), |(total, unread), l| {
            (total + 1, unread + i64::from(l["is_read"] != true))
        });
    let mut found = value(folder);
    found["message_count"] = json!(total);
    found["unread_message_count"] = json!(unread);
    found["has_children"] = json!(portal
        .email
        .folders
        .rows
        .values()
        .any(|f| f["parent_id"].as_i64() == id));
    found
}

/// Returns a mailbox with its folders; the password never leaves.
fn mailbox_json(portal: &Portal, id: i64) -> Result<Value, Resp> {
    let mut found = value(mailbox(portal, id)?);
    if let Some(map) = found.as_object_mut() {
        map.remove("password");
    }
    found["folders"] = Value::Array(
        portal
            .email
            .folders
            .rows
            .values()
            .filter(|f| f["email_id"].as_i64() == Some(id))
            .map(|f| folder_json(portal, f))
            .collect(),
    );
    Ok(found)
}

fn add_folder(
    portal: &mut Portal,
    mailbox: i64,
    name: &str,
    flag: Option<&str>,
    parent: Option<i64>,
) -> i64 {
    let mut folder = row(json!({
        "email_id": mailbox,
        "parent_id": parent,
        "folder_name": name,
        "path": name,
        "delimitter": "/",
        "message_count": 0,
        "unread_message_count": 0,
        "is_inbox": false, "is_trash": false, "is_spam": false, "is_draft": false,
        "is_junk": false, "is_sent": false, "is_root": parent.is_none(), "has_children": false,
    }));
    if let Some(flag) = flag {
        folder.insert(flag.into(), json!(true));
    }
    portal.email.folders.insert_new(folder)
}

fn check_connection(body: &crate::store::Row, creating: bool) -> Result<(), Resp> {
    let mut errors = Errors::default();
    if creating || body.contains_key("email") {
        let email = body.get("email").and_then(Value::as_str).unwrap_or("");
        if !looks_like_email(email) {
            errors.add("email", "The email must be a valid email address.");
        }
    }
    let required: &[&str] = if creating {
        &["password", "imap_host", "smtp_host"]
    } else {
        &[]
    };
    for key in required {
        if body
            .get(*key)
            .and_then(Value::as_str)
            .is_none_or(|s| s.trim().is_empty())
        {
            errors.add(
                key,
                format!("The {} field is required.", key.replace('_', " ")),
            );
        }
    }
    for key in ["imap_port", "smtp_port"] {
        if let Some(port) = body.get(key) {
            if !as_int(port).is_some_and(|p| (1..=65_535).contains(&p)) {
                errors.add(key, "The port must be a number from 1 to 65535.");
            }
        }
    }
    errors.check()
}

/// `POST /email/v1/emails/credentials`: connects a mailbox (the mock does
/// not dial the servers) and creates its system folders.
fn create_mailbox(c: &Call<'_>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    check_connection(&body, true)?;

    let mut portal = c.shared.portal();
    let email = body["email"].as_str().unwrap_or("").trim().to_lowercase();
    let taken = portal
        .email
        .mailboxes
        .rows
        .values()
        .any(|m| m["email"].as_str() == Some(email.as_str()));
    if taken {
        return Err(invalid("email", "The mailbox is already connected."));
    }
    for key in ["imap_port", "smtp_port"] {
        if let Some(port) = body.get(key).and_then(as_int) {
            body.insert(key.into(), json!(port));
        }
    }
    let timestamp = iso(now());
    let mut mailbox = row(json!({
        "email": email,
        "name": email,
        "sender_name": "",
        "imap_host": "", "imap_port": 993, "smtp_host": "", "smtp_port": 465,
        "access_level": "personal",
        "status": "active",
        "sync_freq": 5,
        "last_synced_at": timestamp,
        "crm_integration_enabled": false,
        "oauth_provider": null,
        "access_roles": [],
        "user_id": c.actor(),
        "created_at": timestamp,
        "updated_at": timestamp,
    }));
    merge(&mut mailbox, body, MAILBOX_PROTECTED);
    mailbox.insert("email".into(), json!(email));
    let id = portal.email.mailboxes.insert_new(mailbox);
    for (name, flag) in SYSTEM_FOLDERS {
        add_folder(&mut portal, id, name, Some(flag), None);
    }
    portal.email.crm_settings.insert(id, default_crm_settings());

    Ok(json(201, &mailbox_json(&portal, id)?))
}

/// Credentials and settings updates: `credentials` picks which keys count.
fn update_mailbox(c: &Call<'_>, id: i64, body: crate::store::Row, credentials: bool) -> Handled {
    let mut portal = c.shared.portal();
    mailbox(&portal, id)?;
    let mut errors = Errors::default();
    if credentials {
        check_connection(&body, false)?;
    } else {
        if let Some(level) = body.get("access_level") {
            if !matches!(level.as_str(), Some("personal" | "shared")) {
                errors.add(
                    "access_level",
                    "The access level must be personal or shared.",
                );
            }
        }
        if let Some(freq) = body.get("sync_freq") {
            if as_int(freq).is_none_or(|f| f < 1) {
                errors.add(
                    "sync_freq",
                    "The sync frequency must be a number of minutes of at least 1.",
                );
            }
        }
    }
    errors.check()?;

    let removed = ids_of(body.get("folders_remove"));
    let stored = portal.email.mailboxes.get_mut(id).expect("checked above");
    merge(
        stored,
        body,
        &[MAILBOX_PROTECTED, &["folders_remove", "sync_folders"]].concat(),
    );
    stored.insert("updated_at".into(), json!(iso(now())));
    for folder in removed {
        let system = portal
            .email
            .folders
            .get(folder)
            .is_some_and(|f| SYSTEM_FOLDERS.iter().any(|(_, flag)| f[*flag] == true));
        if !system
            && portal
                .email
                .folders
                .get(folder)
                .is_some_and(|f| f["email_id"].as_i64() == Some(id))
        {
            portal.email.folders.rows.remove(&folder);
        }
    }

    Ok(json(200, &mailbox_json(&portal, id)?))
}

fn default_crm_settings() -> Vec<Value> {
    vec![
        json!({"setting_name": "create_lead_from_unknown", "setting_value": 1}),
        json!({"setting_name": "attach_to_existing_contacts", "setting_value": 1}),
        json!({"setting_name": "lead_funnel_id", "setting_value": 3}),
    ]
}

/// `PATCH /email/v1/emails/crm_settings/{id}` with a bare array of
/// `{setting_name, setting_value}`; settings are matched by name.
fn update_crm_settings(c: &Call<'_>) -> Handled {
    let id = c.id("email_id", STYLE, "Mailbox")?;
    let items = array_body(c.req, "settings")?;
    let mut errors = Errors::default();
    for (index, item) in items.iter().enumerate() {
        if item
            .get("setting_name")
            .and_then(Value::as_str)
            .is_none_or(|n| n.is_empty())
        {
            errors.add(
                &format!("{index}.setting_name"),
                "The setting name field is required.",
            );
        }
    }
    errors.check()?;

    let mut portal = c.shared.portal();
    mailbox(&portal, id)?;
    let settings = portal.email.crm_settings.entry(id).or_default();
    for item in items {
        let name = item["setting_name"].clone();
        match settings.iter_mut().find(|s| s["setting_name"] == name) {
            Some(existing) => existing["setting_value"] = item.get("setting_value").cloned().unwrap_or(Value::Null),
            None => settings.push(json!({"setting_name": name, "setting_value": item.get("setting_value").cloned().unwrap_or(Value::Null)})),
        }
    }

    Ok(json(200, &Value::Array(settings.clone())))
}

fn create_folder(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    require_text(&body, &["folder_name"])?;
    let mailbox_id = body
        .get("email_id")
        .and_then(as_int)
        .ok_or_else(|| invalid("email_id", "The email id field is required."))?;

    let mut portal = c.shared.portal();
    mailbox(&portal, mailbox_id)
        .map_err(|_| invalid("email_id", "The selected mailbox does not exist."))?;
    let parent = match body.get("parent_id").filter(|v| !v.is_null()) {
        Some(raw) => Some(
            as_int(raw)
                .filter(|p| {
                    folder(&portal, *p).is_ok_and(|f| f["email_id"].as_i64() == Some(mailbox_id))
                })
                .ok_or_else(|| {
                    invalid(
                        "parent_id",
                        "The parent folder does not exist in this mailbox.",
                    )
                })?,
        ),
        None => None,
    };
    let name = body["folder_name"]
        .as_str()
        .unwrap_or("")
        .trim()
        .to_string();
    let id = add_folder(&mut portal, mailbox_id, &name, None, parent);
    if let Some(parent) = parent {
        let parent_path = folder(&portal, parent)?["path"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if let Some(stored) = portal.email.folders.get_mut(id) {
            stored.insert("path".into(), json!(format!("{parent_path}/{name}")));
        }
    }
    let created = folder_json(&portal, folder(&portal, id)?);

    Ok(json(201, &created))
}

fn save_signature(c: &Call<'_>, id: Option<i64>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    if id.is_none() {
        require_text(&body, &["name", "signature"])?;
    }

    let mut portal = c.shared.portal();
    for (index, entry) in body
        .get("emails")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let mailbox = entry.get("email_id").and_then(as_int);
        if mailbox.is_none_or(|m| portal.email.mailboxes.get(m).is_none()) {
            return Err(invalid(
                &format!("emails.{index}.email_id"),
                "The selected mailbox does not exist.",
            ));
        }
    }
    let timestamp = iso(now());
    let id = match id {
        Some(id) => {
            let stored = portal
                .email
                .signatures
                .get_mut(id)
                .ok_or_else(|| not_found(STYLE, "Signature", id))?;
            merge(stored, body, &["id", "added_by", "created_at"]);
            stored.insert("updated_at".into(), json!(timestamp));
            id
        }
        None => {
            let mut signature = row(json!({
                "name": "", "signature": "", "added_by": c.actor(), "is_all_emails": false,
                "emails": [], "active": true, "created_at": timestamp, "updated_at": timestamp,
            }));
            merge(
                &mut signature,
                body,
                &["id", "added_by", "created_at", "updated_at"],
            );
            portal.email.signatures.insert_new(signature)
        }
    };
    let saved = value(portal.email.signatures.get(id).expect("just saved"));

    Ok(json(
        if c.req.method == http::Method::POST {
            201
        } else {
            200
        },
        &saved,
    ))
}

// -------------------------------------------------------------- letters

fn letter(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .email
        .letters
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Letter", id))
}

fn letter_json(portal: &Portal, id: i64) -> Result<Value, Resp> {
    let stored = letter(portal, id)?;
    let mut found = value(stored);
    found["folders"] = match stored["folder_id"]
        .as_i64()
        .and_then(|f| portal.email.folders.get(f))
    {
        Some(folder) => json!([{"id": folder["id"], "folder_name": folder["folder_name"]}]),
        None => json!([]),
    };
    Ok(found)
}

/// `GET /email/v1/letters/by_folder/{folder_id}`: `email_id`, `q`
/// (subject, body), `contact_name`, `is_read[]`, newest first.
fn list_letters(c: &Call<'_>) -> Handled {
    let folder_id = c.id("folder_id", STYLE, "Folder")?;
    let query = c.query();

    let portal = c.shared.portal();
    let found = folder(&portal, folder_id)?;
    if let Some(mailbox) = query.get("email_id").and_then(as_int) {
        if found["email_id"].as_i64() != Some(mailbox) {
            return Err(invalid(
                "email_id",
                "The folder does not belong to this mailbox.",
            ));
        }
    }
    let search = query
        .get("q")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    let contact = query
        .get("contact_name")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    let read: Vec<bool> = strings_of(query.get("is_read"))
        .iter()
        .map(|v| v == "1" || v == "true")
        .collect();
    let mut letters: Vec<&Row> = portal
        .email
        .letters
        .rows
        .values()
        .filter(|l| l["folder_id"].as_i64() == Some(folder_id))
        .filter(|l| {
            search.as_ref().is_none_or(|q| {
                ["subject", "body"].iter().any(|key| {
                    l[*key]
                        .as_str()
                        .is_some_and(|text| text.to_lowercase().contains(q.as_str()))
                })
            })
        })
        .filter(|l| {
            contact.as_ref().is_none_or(|name| {
                l["contacts"].as_array().is_some_and(|list| {
                    list.iter().any(|c| {
                        ["name", "email"].iter().any(|key| {
                            c[*key]
                                .as_str()
                                .is_some_and(|t| t.to_lowercase().contains(name.as_str()))
                        })
                    })
                })
            })
        })
        .filter(|l| read.is_empty() || read.contains(&(l["is_read"] == true)))
        .collect();
    letters.sort_by_key(|l| std::cmp::Reverse(l["date"].as_i64().unwrap_or(0)));
    let rows: Vec<Value> = letters
        .into_iter()
        .filter_map(|l| l["id"].as_i64())
        .filter_map(|id| letter_json(&portal, id).ok())
        .collect();
    if query.get("list").and_then(Value::as_str) == Some("all") {
        return Ok(json(200, &json!({"data": rows})));
    }

    Ok(json(200, &paged(rows, query, &c.url(), Meta::Snake)?))
}

/// `POST /email/v1/letters/by_folder/{folder_id}`: sends a letter and keeps
/// it in that folder. The response has status `pending`, while the stored
/// letter is delivered (`succseed`, the API's spelling) at once.
fn send_letter(c: &Call<'_>) -> Handled {
    let folder_id = c.id("folder_id", STYLE, "Folder")?;
    let body = object_body(c.req, STYLE)?;
    let mut errors = Errors::default();
    let contacts = body
        .get("contacts")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let recipients = contacts
        .iter()
        .filter(|c| {
            c["contact_type"]
                .as_str()
                .is_none_or(|t| t == "to" || t == "cc" || t == "bcc")
        })
        .count();
    if recipients == 0 {
        errors.add(
            "contacts",
            "Add at least one recipient: {email, name, contact_type: \"to\"}.",
        );
    }
    for (index, contact) in contacts.iter().enumerate() {
        if !contact["email"].as_str().is_some_and(looks_like_email) {
            errors.add(
                &format!("contacts.{index}.email"),
                "The email must be a valid email address.",
            );
        }
    }
    let has_subject = body
        .get("subject")
        .and_then(Value::as_str)
        .is_some_and(|s| !s.trim().is_empty());
    let has_body = ["body", "body_html"].iter().any(|k| {
        body.get(*k)
            .and_then(Value::as_str)
            .is_some_and(|s| !s.trim().is_empty())
    });
    if !has_subject && !has_body {
        errors.add("subject", "A letter needs a subject or a body.");
    }
    errors.check()?;

    let mut portal = c.shared.portal();
    let target = folder(&portal, folder_id)?.clone();
    let mailbox_id = target["email_id"].as_i64().unwrap_or(0);
    let sender = mailbox(&portal, mailbox_id)?.clone();
    for (index, attachment) in body
        .get("attachments")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        if attachment
            .get("file_id")
            .and_then(as_int)
            .is_none_or(|f| !portal.files.contains_key(&f))
        {
            return Err(invalid(
                &format!("attachments.{index}.file_id"),
                "The file does not exist.",
            ));
        }
    }
    let mut all_contacts = vec![
        json!({"email": sender["email"], "name": sender["sender_name"], "contact_type": "from"}),
    ];
    all_contacts.extend(contacts);
    let number = portal.email.letters.next_id + 1;
    let domain = sender["email"]
        .as_str()
        .and_then(|e| e.split('@').nth(1))
        .unwrap_or("mail")
        .to_string();
    let message_id = format!("<{number}.{}@{domain}>", now());
    let mut letter = row(json!({
        "uid": number,
        "email_id": mailbox_id,
        "folder_id": folder_id,
        "message_id": message_id,
        "subject": "",
        "body": "",
        "body_html": "",
        "date": now(),
        "is_read": true,
        "status": "pending",
        "contacts": all_contacts,
        "attachments": [],
        "crm_entities": {"contacts": [], "companies": [], "leads": [], "deals": []},
        "main_message_id": message_id,
        "parent_message_id": null,
        "thread_length": 1,
    }));
    merge(
        &mut letter,
        body,
        &[
            "id",
            "uid",
            "email_id",
            "folder_id",
            "message_id",
            "date",
            "status",
            "contacts",
            "signature_id",
            "destination_folder_id",
        ],
    );
    let id = portal.email.letters.insert_new(letter);
    let answer = letter_json(&portal, id)?;
    if let Some(stored) = portal.email.letters.get_mut(id) {
        stored.insert("status".into(), json!("succseed"));
    }

    Ok(json(201, &answer))
}

enum Change {
    Move,
    Read(bool),
}

/// `PATCH /email/v1/letters/move|read|unread/{folder_id} {ids}`: the
/// letters must be in the folder's mailbox; `move` puts them in the folder.
fn change_letters(c: &Call<'_>, change: Change) -> Handled {
    let folder_id = c.id("folder_id", STYLE, "Folder")?;
    let body = object_body(c.req, STYLE)?;
    let ids = ids_of(body.get("ids"));
    let threads = body.get("threads").filter(|t| !t.is_null());
    if ids.is_empty() && threads.is_none() {
        return Err(invalid(
            "ids",
            "The ids field must be a non-empty array of letter ids.",
        ));
    }

    let mut portal = c.shared.portal();
    let mailbox_id = folder(&portal, folder_id)?["email_id"].as_i64();
    for id in &ids {
        let found = letter(&portal, *id)?;
        if found["email_id"].as_i64() != mailbox_id {
            return Err(invalid(
                "ids",
                format!("Letter {id} is in another mailbox."),
            ));
        }
    }
    for id in &ids {
        let stored = portal.email.letters.get_mut(*id).expect("checked above");
        match change {
            Change::Move => {
                stored.insert("folder_id".into(), json!(folder_id));
            }
            Change::Read(read) => {
                stored.insert("is_read".into(), json!(read));
            }
        }
    }
    Ok(empty(204))
}

// ----------------------------------------------------------------- seed

const SUBJECTS: &[&str] = &[
    "Запит комерційної пропозиції",
    "Рахунок на оплату №",
    "Питання щодо доставки",
    "Договір на підпис",
    "Акт звірки",
    "Графік монтажу",
];

/// Builds a sales mailbox with folders, letters from customers and two
/// signatures.
pub(crate) fn seed(portal: &mut Portal, rng: &mut Rng, domain: &str) {
    let created = iso(EPOCH + 2 * 86_400);
    let address = format!("sales@{domain}");
    let mailbox = portal.email.mailboxes.insert_new(row(json!({
        "email": address,
        "name": "Відділ продажів",
        "sender_name": "Оксана Демченко",
        "imap_host": "imap.example.com", "imap_port": 993,
        "smtp_host": "smtp.example.com", "smtp_port": 465,
        "access_level": "shared",
        "status": "active",
        "sync_freq": 5,
        "last_synced_at": iso(EPOCH + 430 * 86_400),
        "crm_integration_enabled": true,
        "oauth_provider": null,
        "access_roles": [{"department_id": 2, "name": "viewer"}],
        "user_id": 1,
        "created_at": created,
        "updated_at": created,
    })));
    for (name, flag) in SYSTEM_FOLDERS {
        add_folder(portal, mailbox, name, Some(flag), None);
    }
    add_folder(portal, mailbox, "Постачальники", None, Some(1));
    portal
        .email
        .crm_settings
        .insert(mailbox, default_crm_settings());
    for index in 0..25_i64 {
        let female = rng.chance(50);
        let first = if female {
            rng.word(FEMALE_NAMES)
        } else {
            rng.word(MALE_NAMES)
        };
        let last = rng.word(SURNAMES);
        let email = format!(
            "{}.{}@{}",
            transliterate(first, '.'),
            transliterate(last, '.'),
            rng.pick(MAIL_DOMAINS)
        );
        let sent = index >= 20;
        let subject = rng.pick(SUBJECTS).to_string();
        let subject = if subject.ends_with('№') {
            format!("{subject}{}", 100 + index)
        } else {
            subject
        };
        let text = format!("Добрий день!\n\n{subject}. Прошу відповісти найближчим часом.\n\nЗ повагою, {first} {last}");
        let number = index + 1;
        portal.email.letters.insert_new(row(json!({
            "uid": number,
            "email_id": mailbox,
            "folder_id": if sent { 2 } else { 1 },
            "message_id": format!("<{number}.{}@{}>", EPOCH + index, domain),
            "subject": subject,
            "body": text,
            "body_html": format!("<p>{}</p>", text.replace("\n\n", "</p><p>")),
            "date": EPOCH + 400 * 86_400 + index * 3_600,
            "is_read": sent || index < 15,
            "status": "succseed",
            "contacts": if sent {
                json!([{"email": address, "name": "Оксана Демченко", "contact_type": "from"}, {"email": email, "name": format!("{first} {last}"), "contact_type": "to"}])
            } else {
                json!([{"email": email, "name": format!("{first} {last}"), "contact_type": "from"}, {"email": address, "name": "Відділ продажів", "contact_type": "to"}])
            },
            "attachments": [],
            "crm_entities": {"contacts": [], "companies": [], "leads": [], "deals": if index == 0 { json!([{"id": 1}]) } else { json!([]) }},
            "main_message_id": null,
            "parent_message_id": null,
            "thread_length": 1,
        })));
    }
    let signature_created = iso(EPOCH + 3 * 86_400);
    for (name, html, all) in [
        (
            "Основний підпис",
            "<p>З повагою,<br>Оксана Демченко<br>Відділ продажів</p>",
            true,
        ),
        ("Короткий", "<p>Оксана, відділ продажів</p>", false),
    ] {
        portal.email.signatures.insert_new(row(json!({
            "name": name,
            "signature": html,
            "added_by": 1,
            "is_all_emails": all,
            "emails": if all { json!([]) } else { json!([{"email_id": mailbox, "is_default": false}]) },
            "active": true,
            "created_at": signature_created,
            "updated_at": signature_created,
        })));
    }
}
