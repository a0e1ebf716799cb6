//! The company service: users, departments, roles, invitations, custom user
//! fields, settings, two-factor switches and webhooks. Keys are camelCase,
//! except the webhooks' snake_case.

use serde_json::{json, Map, Value};

use crate::crm_items::Handled;
use crate::crm_schema::{is_code, normalize_values, FIELD_TYPES};
use crate::data::{field_def, Rng};
use crate::http::{empty, invalid, json, looks_like_email, message, now, Errors, Resp};
use crate::router::{Call, Handler};
use crate::state::{Portal, User};
use crate::store::{
    array_body, ids_of, iso, merge, not_found, object_body, paged, require_text, row, status_error,
    strings_of, Meta, Row, Style,
};
use crate::words::{transliterate, CITIES, PATRONYMICS};

const STYLE: Style = Style::Company;

/// The key of user custom fields in `Portal::fields`.
pub(crate) const USER_FIELDS: &str = "users";

/// Roles every portal has; they cannot be deleted.
const SYSTEM_ROLES: &[&str] = &["owner", "admin", "user"];

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("users.list", list_users),
    ("users.search", search_users),
    ("users.get", |c| {
        let id = c.id("id", STYLE, "User")?;
        user_response(c, id)
    }),
    ("users.me.get", |c| user_response(c, c.actor())),
    ("users.update", update_user),
    ("users.deactivate", |c| set_active(c, false)),
    ("users.activate", |c| set_active(c, true)),
    ("users.update_roles", update_user_roles),
    ("users.update_position", update_position),
    ("users.settings.get", |c| {
        let id = c.id("id", STYLE, "User")?;
        get_settings(c, id)
    }),
    ("users.settings.update", |c| {
        let id = c.id("id", STYLE, "User")?;
        update_settings(c, id)
    }),
    ("users.me.get_settings", |c| get_settings(c, c.actor())),
    ("users.me.update_settings", |c| {
        update_settings(c, c.actor())
    }),
    ("users.two_factor.get_status", |c| {
        let id = c.id("id", STYLE, "User")?;
        two_factor_status(c, id)
    }),
    ("users.me.get_two_factor_status", |c| {
        two_factor_status(c, c.actor())
    }),
    ("users.two_factor.disable", |c| {
        require_admin(c)?;
        let id = c.id("id", STYLE, "User")?;
        disable_two_factor(c, id)
    }),
    ("users.me.disable_two_factor", |c| {
        disable_two_factor(c, c.actor())
    }),
    ("users.me.enable_two_factor", enable_two_factor),
    ("users.upload_avatar", upload_avatar),
    ("users.list_by_filter", users_by_ids),
    ("departments.list", list_departments),
    ("departments.create", create_department),
    ("departments.get", |c| {
        let portal = c.shared.portal();
        let id = c.id("id", STYLE, "Department")?;
        department(&portal, id).map(|row| json(200, &Value::Object(row.clone())))
    }),
    ("departments.update", update_department),
    ("departments.delete", delete_department),
    ("departments.update_roles", |c| {
        department_members(c, Members::Roles)
    }),
    ("departments.add_users", |c| {
        department_members(c, Members::Add)
    }),
    ("departments.remove_users", |c| {
        department_members(c, Members::Remove)
    }),
    ("roles.permissions.list", |_| Ok(json(200, &permissions()))),
    ("roles.list", |c| {
        let portal = c.shared.portal();
        let roles: Vec<Value> = portal
            .company
            .roles
            .rows
            .values()
            .map(|row| role_json(&portal, row))
            .collect();

        Ok(json(200, &Value::Array(roles)))
    }),
    ("roles.create", create_role),
    ("roles.get", |c| {
        let portal = c.shared.portal();
        let id = c.id("id", STYLE, "Role")?;
        let role = portal
            .company
            .roles
            .get(id)
            .ok_or_else(|| not_found(STYLE, "Role", id))?;

        Ok(json(200, &role_json(&portal, role)))
    }),
    ("roles.update", update_role),
    ("roles.delete", delete_role),
    ("invites.check", check_invite),
    ("invites.create", create_invites),
    ("invites.create_batch", create_invite_batch),
    ("invites.resend", |c| {
        let portal = c.shared.portal();
        let user = invited_user(c, &portal)?;
        Ok(message(
            200,
            true,
            format!("The invitation to {} was sent again.", user.email),
        ))
    }),
    ("invites.delete", |c| {
        let mut portal = c.shared.portal();
        let id = invited_user(c, &portal)?.id;
        portal.users.retain(|user| user.id != id);
        remove_from_departments(&mut portal, id);
        Ok(message(200, true, "The invitation was deleted."))
    }),
    ("custom_fields.fields.list", |c| {
        let portal = c.shared.portal();
        let fields: Vec<Value> = portal
            .fields
            .get(USER_FIELDS)
            .map(|fields| fields.iter().cloned().map(Value::Object).collect())
            .unwrap_or_default();

        Ok(json(200, &Value::Array(fields)))
    }),
    ("custom_fields.fields.create", create_user_field),
    ("custom_fields.fields.get", |c| {
        let portal = c.shared.portal();
        let field = user_field(&portal, c.param("field_code"))?;

        Ok(json(200, &Value::Object(field.clone())))
    }),
    ("custom_fields.fields.update", update_user_field),
    ("custom_fields.fields.delete", |c| {
        let mut portal = c.shared.portal();
        let code = c.param("field_code").to_string();
        user_field(&portal, &code)?;
        if let Some(fields) = portal.fields.get_mut(USER_FIELDS) {
            fields.retain(|f| f.get("code").and_then(Value::as_str) != Some(code.as_str()));
        }
        for user in &mut portal.users {
            user.profile.remove(&code);
        }
        Ok(empty(204))
    }),
    ("custom_fields.lists.get", |c| {
        let portal = c.shared.portal();
        let field = list_field(&portal, c.param("field_code"))?;

        Ok(json(
            200,
            &field.get("values").cloned().unwrap_or(json!([])),
        ))
    }),
    ("custom_fields.lists.upsert", upsert_user_list),
    ("custom_fields.lists.delete_item", delete_user_list_value),
    ("custom_fields.sections.list", |_| {
        Ok(json(
            200,
            &json!([
                {"id": 1, "name": "Основна інформація", "sort": 1, "system": true},
                {"id": 2, "name": "Контакти", "sort": 2, "system": true},
                {"id": 3, "name": "Додатково", "sort": 3, "system": false},
            ]),
        ))
    }),
    ("webhooks.incoming.list", |c| {
        list_webhooks(c, Hooks::Incoming)
    }),
    ("webhooks.outgoing.list", |c| {
        list_webhooks(c, Hooks::Outgoing)
    }),
    ("webhooks.incoming.create", |c| {
        create_webhook(c, Hooks::Incoming)
    }),
    ("webhooks.outgoing.create", |c| {
        create_webhook(c, Hooks::Outgoing)
    }),
    ("webhooks.incoming.update", update_incoming_webhook),
    ("webhooks.incoming.delete", |c| {
        delete_webhook(c, Hooks::Incoming)
    }),
    ("webhooks.outgoing.delete", |c| {
        delete_webhook(c, Hooks::Outgoing)
    }),
    ("webhooks.incoming.bulk_delete", |c| {
        bulk_delete_webhooks(c, Hooks::Incoming)
    }),
    ("webhooks.outgoing.bulk_delete", |c| {
        bulk_delete_webhooks(c, Hooks::Outgoing)
    }),
    ("webhooks.outgoing.toggle", |c| {
        let mut portal = c.shared.portal();
        let id = c.id("id", STYLE, "Webhook")?;
        let hook = portal
            .company
            .outgoing_webhooks
            .get_mut(id)
            .ok_or_else(|| not_found(STYLE, "Webhook", id))?;
        let active = hook.get("active").and_then(Value::as_bool).unwrap_or(false);
        hook.insert("active".into(), json!(!active));
        hook.insert("updated_at".into(), json!(iso(now())));

        Ok(json(200, &Value::Object(hook.clone())))
    }),
    ("webhooks.outgoing.repeat", |c| {
        let portal = c.shared.portal();
        let id = c.id("id", STYLE, "Webhook")?;
        let hook = portal
            .company
            .outgoing_webhooks
            .get(id)
            .ok_or_else(|| not_found(STYLE, "Webhook", id))?;
        if hook.get("active").and_then(Value::as_bool) != Some(true) {
            return Err(status_error(
                STYLE,
                422,
                "The webhook is disabled; enable it first.",
            ));
        }
        Ok(message(
            200,
            true,
            "The last event was queued for delivery again.",
        ))
    }),
];

// ---------------------------------------------------------------- users

fn is_admin(portal: &Portal, user_id: i64) -> bool {
    portal
        .user(user_id)
        .is_some_and(|u| u.roles.iter().any(|r| r == "owner" || r == "admin"))
}

fn require_admin(c: &Call<'_>) -> Result<(), Resp> {
    if is_admin(&c.shared.portal(), c.actor()) {
        Ok(())
    } else {
        Err(status_error(STYLE, 403, "This action is unauthorized."))
    }
}

fn find_user(portal: &Portal, id: i64) -> Result<User, Resp> {
    portal
        .user(id)
        .cloned()
        .ok_or_else(|| not_found(STYLE, "User", id))
}

fn user_response(c: &Call<'_>, id: i64) -> Handled {
    let portal = c.shared.portal();
    let user = find_user(&portal, id)?;

    Ok(json(200, &portal.user_json(&user)))
}

/// Users visible to a list: active ones, or all with `show=all`.
fn visible_users(portal: &Portal, query: &Value) -> Vec<Value> {
    let show_all = query.get("show").and_then(Value::as_str) == Some("all");
    portal
        .users
        .iter()
        .filter(|user| show_all || user.active())
        .map(|user| portal.user_json(user))
        .collect()
}

fn text_of(user: &Value, key: &str) -> String {
    user.get(key)
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_lowercase()
}

/// `GET /company/v1/users`: `ids[]`, `search`, `status[]` (active, inactive,
/// invited), `department[]`, `show=all`, and `list=all` for a bare array.
fn list_users(c: &Call<'_>) -> Handled {
    let query = c.query();

    let portal = c.shared.portal();
    let ids = ids_of(query.get("ids"));
    let departments = ids_of(query.get("department"));
    let statuses = strings_of(query.get("status"));
    let search = query
        .get("search")
        .or_else(|| query.get("q"))
        .and_then(Value::as_str)
        .map(str::to_lowercase)
        .filter(|s| !s.trim().is_empty());
    let show_all = !statuses.is_empty();
    let mut show = query.clone();
    if show_all {
        show["show"] = json!("all");
    }
    let users: Vec<Value> = visible_users(&portal, &show)
        .into_iter()
        .filter(|user| {
            let id = user["id"].as_i64().unwrap_or(0);
            if !ids.is_empty() && !ids.contains(&id) {
                return false;
            }
            if !departments.is_empty() {
                let member = ids_of(user.get("departmentsIds"));
                if !member.iter().any(|d| departments.contains(d)) {
                    return false;
                }
            }
            if !statuses.is_empty() {
                let status = match (user["registered"].as_bool(), user["active"].as_bool()) {
                    (Some(false), _) => "invited",
                    (_, Some(false)) => "inactive",
                    _ => "active",
                };
                if !statuses.iter().any(|s| s == status) {
                    return false;
                }
            }
            match &search {
                Some(search) => {
                    let name = format!(
                        "{} {} {}",
                        text_of(user, "firstName"),
                        text_of(user, "lastName"),
                        user["email"][0]["value"]
                            .as_str()
                            .unwrap_or("")
                            .to_lowercase()
                    );
                    name.contains(search.trim())
                }
                None => true,
            }
        })
        .collect();
    if query.get("list").and_then(Value::as_str) == Some("all") {
        return Ok(json(200, &Value::Array(users)));
    }

    Ok(json(200, &paged(users, query, &c.url(), Meta::Snake)?))
}

/// `GET /company/v1/users/search`: by `email`, `firstName`, `lastName`
/// (JS) or `search`/`q` (PHP), each a case-insensitive substring.
fn search_users(c: &Call<'_>) -> Handled {
    let query = c.query();

    let portal = c.shared.portal();
    let wanted = |key: &str| {
        query
            .get(key)
            .and_then(Value::as_str)
            .map(str::to_lowercase)
            .filter(|s| !s.trim().is_empty())
    };
    let (email, first, last) = (wanted("email"), wanted("firstName"), wanted("lastName"));
    let any = wanted("search").or_else(|| wanted("q"));
    let users: Vec<Value> = visible_users(&portal, query)
        .into_iter()
        .filter(|user| {
            let mail = user["email"][0]["value"]
                .as_str()
                .unwrap_or("")
                .to_lowercase();
            let checks = [
                (email.as_ref(), mail.clone()),
                (first.as_ref(), text_of(user, "firstName")),
                (last.as_ref(), text_of(user, "lastName")),
            ];
            let fields_ok = checks
                .iter()
                .all(|(want, have)| want.is_none_or(|w| have.contains(w.as_str())));
            let any_ok = any.as_ref().is_none_or(|w| {
                format!(
                    "{} {} {}",
                    text_of(user, "firstName"),
                    text_of(user, "lastName"),
                    mail
                )
                .contains(w.as_str())
            });
            fields_ok && any_ok
        })
        .collect();

    Ok(json(200, &paged(users, query, &c.url(), Meta::Snake)?))
}

/// Keys of the user object a PATCH may not set.
const USER_PROTECTED: &[&str] = &[
    "id",
    "authUserId",
    "roles",
    "active",
    "registered",
    "position",
];

/// `PATCH /company/v1/users/{id}`: the user themselves or an admin.
fn update_user(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "User")?;
    let mut body = object_body(c.req, STYLE)?;

    let mut portal = c.shared.portal();
    find_user(&portal, id)?;
    if id != c.actor() && !is_admin(&portal, c.actor()) {
        return Err(status_error(STYLE, 403, "This action is unauthorized."));
    }
    let mut errors = Errors::default();
    for key in ["firstName", "lastName"] {
        if let Some(value) = body.get(key) {
            if value.as_str().is_none_or(|s| s.trim().is_empty()) {
                errors.add(
                    key,
                    format!("The {} field is required.", crate::store::label(key)),
                );
            }
        }
    }
    let mut main_email = None;
    if let Some(emails) = body.get("email") {
        match emails.as_array() {
            Some(list) if !list.is_empty() => {
                for (index, entry) in list.iter().enumerate() {
                    let address = entry.get("value").and_then(Value::as_str).unwrap_or("");
                    if !looks_like_email(address) {
                        errors.add(
                            &format!("email.{index}.value"),
                            "The email must be a valid email address.",
                        );
                    } else if main_email.is_none() || entry.get("main") == Some(&json!(true)) {
                        main_email = Some(address.to_string());
                    }
                }
            }
            _ => errors.add(
                "email",
                "The email must be a non-empty array of {type, value, main}.",
            ),
        }
    }
    if let Some(address) = &main_email {
        if portal
            .user_by_email(address)
            .is_some_and(|other| other.id != id)
        {
            errors.add("email", "The email has already been taken.");
        }
    }
    let departments = body.remove("departmentsIds").map(|v| ids_of(Some(&v)));
    if let Some(departments) = &departments {
        for department_id in departments {
            if portal.company.departments.get(*department_id).is_none() {
                errors.add(
                    "departmentsIds",
                    format!("Department {department_id} does not exist."),
                );
            }
        }
    }
    errors.check()?;

    let user = portal.user_mut(id).expect("checked above");
    if let Some(first) = body
        .remove("firstName")
        .and_then(|v| v.as_str().map(str::to_string))
    {
        user.first_name = first.trim().to_string();
    }
    if let Some(last) = body
        .remove("lastName")
        .and_then(|v| v.as_str().map(str::to_string))
    {
        user.last_name = last.trim().to_string();
    }
    if let Some(address) = main_email {
        user.email = address;
        body.remove("email");
    }
    merge(&mut user.profile, body, USER_PROTECTED);
    if let Some(departments) = departments {
        for department in portal.company.departments.rows.values_mut() {
            let department_id = department["id"].as_i64().unwrap_or(0);
            let mut members = ids_of(department.get("usersIds"));
            members.retain(|member| *member != id);
            if departments.contains(&department_id) || department["main"] == json!(true) {
                members.push(id);
            }
            department.insert("usersIds".into(), json!(members));
        }
    }
    let user = find_user(&portal, id)?;

    Ok(json(200, &portal.user_json(&user)))
}

/// `POST /company/v1/users/{id}/activate|deactivate` (admins only).
fn set_active(c: &Call<'_>, active: bool) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "User")?;

    let mut portal = c.shared.portal();
    let user = find_user(&portal, id)?;
    if !active && user.roles.iter().any(|r| r == "owner") {
        return Err(status_error(
            STYLE,
            403,
            "The portal owner cannot be deactivated.",
        ));
    }
    if !active && id == c.actor() {
        return Err(status_error(STYLE, 403, "You cannot deactivate yourself."));
    }
    let user = portal.user_mut(id).expect("checked above");
    user.profile.insert("active".into(), json!(active));
    let user = user.clone();
    if !active {
        // A deactivated user's sessions end at once.
        portal.refresh_tokens.retain(|_, owner| *owner != id);
    }

    Ok(json(200, &portal.user_json(&user)))
}

/// `PATCH /company/v1/users/{id}/update_roles {roles: [codes]}`.
fn update_user_roles(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "User")?;
    let body = object_body(c.req, STYLE)?;
    let roles = strings_of(body.get("roles"));

    let mut portal = c.shared.portal();
    let user = find_user(&portal, id)?;
    let mut errors = Errors::default();
    if roles.is_empty() {
        errors.add(
            "roles",
            "The roles field must be a non-empty array of role codes.",
        );
    }
    for code in &roles {
        if role_by_code(&portal, code).is_none() {
            errors.add("roles", format!("The role `{code}` does not exist."));
        }
    }
    let was_owner = user.roles.iter().any(|r| r == "owner");
    if was_owner != roles.iter().any(|r| r == "owner") {
        errors.add("roles", "The owner role cannot be given or taken here.");
    }
    errors.check()?;

    let user = portal.user_mut(id).expect("checked above");
    user.roles = roles;
    let user = user.clone();

    Ok(json(200, &portal.user_json(&user)))
}

/// `PATCH /company/v1/users/{id}/update_position {position}`.
fn update_position(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "User")?;
    let body = object_body(c.req, STYLE)?;
    require_text(&body, &["position"])?;

    let mut portal = c.shared.portal();
    find_user(&portal, id)?;
    if id != c.actor() && !is_admin(&portal, c.actor()) {
        return Err(status_error(STYLE, 403, "This action is unauthorized."));
    }
    let user = portal.user_mut(id).expect("checked above");
    user.profile
        .insert("position".into(), body["position"].clone());
    let user = user.clone();

    Ok(json(200, &portal.user_json(&user)))
}

fn settings_of(portal: &Portal, id: i64) -> Value {
    let mut settings = portal.company.portal_settings.clone();
    if let Some(own) = portal.company.user_settings.get(&id) {
        for (key, value) in own {
            settings.insert(key.clone(), value.clone());
        }
    }
    Value::Object(settings)
}

fn get_settings(c: &Call<'_>, id: i64) -> Handled {
    let portal = c.shared.portal();
    find_user(&portal, id)?;

    Ok(json(200, &settings_of(&portal, id)))
}

/// `PATCH .../settings`: merges the given keys into the user's settings.
fn update_settings(c: &Call<'_>, id: i64) -> Handled {
    let body = object_body(c.req, STYLE)?;

    let mut portal = c.shared.portal();
    find_user(&portal, id)?;
    if id != c.actor() && !is_admin(&portal, c.actor()) {
        return Err(status_error(STYLE, 403, "This action is unauthorized."));
    }
    let mut errors = Errors::default();
    if let Some(lang) = body.get("lang") {
        if !matches!(lang.as_str(), Some("uk" | "en" | "pl" | "de")) {
            errors.add("lang", "The selected lang is invalid (uk, en, pl or de).");
        }
    }
    errors.check()?;

    let own = portal.company.user_settings.entry(id).or_default();
    merge(own, body, &[]);

    Ok(json(200, &settings_of(&portal, id)))
}

fn two_factor_status(c: &Call<'_>, id: i64) -> Handled {
    let portal = c.shared.portal();
    let user = find_user(&portal, id)?;

    Ok(json(
        200,
        &json!({"enabled": user.two_factor_code.is_some()}),
    ))
}

fn disable_two_factor(c: &Call<'_>, id: i64) -> Handled {
    let mut portal = c.shared.portal();
    find_user(&portal, id)?;
    let user = portal.user_mut(id).expect("checked above");
    if user.two_factor_code.take().is_none() {
        return Ok(message(
            200,
            false,
            "Two-factor authentication is already disabled.",
        ));
    }
    Ok(message(200, true, "Two-factor authentication is disabled."))
}

/// `PATCH /company/v1/users/me/twofa_enable`.
// NOTE: the confirming second step is in no public client, so enabling takes
// effect at once: later sign-ins need the demo code in `code`.
fn enable_two_factor(c: &Call<'_>) -> Handled {
    let mut portal = c.shared.portal();
    let user = portal
        .user_mut(c.actor())
        .ok_or_else(|| not_found(STYLE, "User", c.actor()))?;
    user.two_factor_code = Some(crate::demo::TWO_FACTOR_CODE.to_string());
    let secret: String = transliterate(&user.last_name, '-').to_uppercase();
    let account = user.email.clone();

    Ok(json(
        200,
        &json!({
            "step": "get-qr-code",
            "code": format!("otpauth://totp/Uspacy:{account}?secret=JBSWY3DP{secret}&issuer=Uspacy"),
        }),
    ))
}

/// `POST /company/v1/users/upload_avatar`: multipart `avatar` (+ `userId`).
fn upload_avatar(c: &Call<'_>) -> Handled {
    let form = crate::files::read_form(c.req, "avatar")?;
    let target = match form.text("userId") {
        Some(raw) => raw
            .trim()
            .parse::<i64>()
            .map_err(|_| invalid("userId", "The user id must be an integer."))?,
        None => c.actor(),
    };
    let Some(part) = form.files.iter().find(|p| p.name == "avatar") else {
        return Err(invalid(
            "avatar",
            "The avatar field is required: send an image file part named avatar.",
        ));
    };

    let mut portal = c.shared.portal();
    find_user(&portal, target)?;
    if target != c.actor() && !is_admin(&portal, c.actor()) {
        return Err(status_error(STYLE, 403, "This action is unauthorized."));
    }
    let file = crate::files::store_part(
        c.shared,
        &mut portal,
        part,
        ("users", &target.to_string()),
        c.actor(),
    );
    let user = portal.user_mut(target).expect("checked above");
    user.profile.insert("avatar".into(), file["url"].clone());
    let user = user.clone();

    Ok(json(200, &portal.user_json(&user)))
}

/// `POST /company/v1/users/getUsersByField {ids}`: a bare array.
fn users_by_ids(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    let ids = ids_of(body.get("ids"));
    if ids.is_empty() {
        return Err(invalid(
            "ids",
            "The ids field must be a non-empty array of user ids.",
        ));
    }

    let portal = c.shared.portal();
    let users: Vec<Value> = ids
        .iter()
        .filter_map(|id| portal.user(*id))
        .map(|user| portal.user_json(user))
        .collect();

    Ok(json(200, &Value::Array(users)))
}

// ---------------------------------------------------------- departments

fn department(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .company
        .departments
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Department", id))
}

fn list_departments(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let rows: Vec<Value> = portal
        .company
        .departments
        .rows
        .values()
        .map(|row| Value::Object(row.clone()))
        .collect();
    if c.query().get("list").and_then(Value::as_str) == Some("all") {
        return Ok(json(200, &Value::Array(rows)));
    }

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
}

/// Checks the references of a department body.
fn check_department(portal: &Portal, body: &Row, self_id: Option<i64>) -> Result<(), Resp> {
    let mut errors = Errors::default();
    if let Some(head) = body.get("headId").filter(|v| !v.is_null()) {
        match crate::http::as_int(head) {
            Some(id) if portal.user(id).is_some() => {}
            _ => errors.add("headId", "The selected head is not a user of the portal."),
        }
    }
    if let Some(parent) = body.get("parentDepartmentId").filter(|v| !v.is_null()) {
        match crate::http::as_int(parent) {
            Some(id) if Some(id) == self_id => errors.add(
                "parentDepartmentId",
                "A department cannot be its own parent.",
            ),
            Some(id) if portal.company.departments.get(id).is_some() => {}
            _ => errors.add(
                "parentDepartmentId",
                "The selected parent department does not exist.",
            ),
        }
    }
    for id in ids_of(body.get("usersIds")) {
        if portal.user(id).is_none() {
            errors.add("usersIds", format!("User {id} does not exist."));
        }
    }
    errors.check()
}

/// Normalizes id keys to numbers, as the service stores them.
fn normalize_department(body: &mut Row) {
    for key in ["headId", "parentDepartmentId"] {
        if let Some(value) = body.get(key).filter(|v| !v.is_null()) {
            let number = crate::http::as_int(value);
            body.insert(key.into(), json!(number));
        }
    }
    if body.contains_key("usersIds") {
        let ids = ids_of(body.get("usersIds"));
        body.insert("usersIds".into(), json!(ids));
    }
}

fn create_department(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let mut body = object_body(c.req, STYLE)?;
    require_text(&body, &["name"])?;

    let mut portal = c.shared.portal();
    check_department(&portal, &body, None)?;
    normalize_department(&mut body);
    let mut department = row(json!({
        "name": "",
        "description": "",
        "headId": null,
        "parentDepartmentId": 1,
        "usersIds": [],
        "roles": [],
        "main": false,
    }));
    merge(&mut department, body, &["id", "main"]);
    // The head is a member of the department.
    if let Some(head) = department.get("headId").and_then(Value::as_i64) {
        let mut members = ids_of(department.get("usersIds"));
        if !members.contains(&head) {
            members.push(head);
        }
        department.insert("usersIds".into(), json!(members));
    }
    let id = portal.company.departments.insert_new(department);
    let created = portal
        .company
        .departments
        .get(id)
        .cloned()
        .unwrap_or_default();

    Ok(json(201, &Value::Object(created)))
}

fn update_department(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "Department")?;
    let mut body = object_body(c.req, STYLE)?;

    let mut portal = c.shared.portal();
    department(&portal, id)?;
    if body.contains_key("name") {
        require_text(&body, &["name"])?;
    }
    check_department(&portal, &body, Some(id))?;
    normalize_department(&mut body);
    let row = portal
        .company
        .departments
        .get_mut(id)
        .expect("checked above");
    merge(row, body, &["id", "main"]);

    Ok(json(200, &Value::Object(row.clone())))
}

fn delete_department(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "Department")?;

    let mut portal = c.shared.portal();
    let row = department(&portal, id)?.clone();
    if row.get("main") == Some(&json!(true)) {
        return Err(status_error(
            STYLE,
            403,
            "The main department cannot be deleted.",
        ));
    }
    let has_children = portal
        .company
        .departments
        .rows
        .values()
        .any(|d| d.get("parentDepartmentId").and_then(Value::as_i64) == Some(id));
    if has_children {
        return Err(status_error(
            STYLE,
            409,
            "The department has child departments; move or delete them first.",
        ));
    }
    portal.company.departments.rows.remove(&id);

    Ok(json(200, &Value::Object(row)))
}

enum Members {
    Roles,
    Add,
    Remove,
}

/// `PATCH /company/v1/departments/{id}/updateRoles|addUsers|deleteUsers`
/// with a bare JSON array (or `{roles}` / `{usersIds}`).
fn department_members(c: &Call<'_>, change: Members) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "Department")?;
    let key = match change {
        Members::Roles => "roles",
        _ => "usersIds",
    };
    let items = array_body(c.req, key)?;

    let mut portal = c.shared.portal();
    department(&portal, id)?;
    let mut errors = Errors::default();
    match change {
        Members::Roles => {
            for code in strings_of(Some(&Value::Array(items.clone()))) {
                if role_by_code(&portal, &code).is_none() {
                    errors.add("roles", format!("The role `{code}` does not exist."));
                }
            }
        }
        _ => {
            for user in ids_of(Some(&Value::Array(items.clone()))) {
                if portal.user(user).is_none() {
                    errors.add("usersIds", format!("User {user} does not exist."));
                }
            }
        }
    }
    errors.check()?;

    let row = portal
        .company
        .departments
        .get_mut(id)
        .expect("checked above");
    match change {
        Members::Roles => {
            row.insert(
                "roles".into(),
                json!(strings_of(Some(&Value::Array(items)))),
            );
        }
        Members::Add => {
            let mut members = ids_of(row.get("usersIds"));
            for user in ids_of(Some(&Value::Array(items))) {
                if !members.contains(&user) {
                    members.push(user);
                }
            }
            row.insert("usersIds".into(), json!(members));
        }
        Members::Remove => {
            let doomed = ids_of(Some(&Value::Array(items)));
            let mut members = ids_of(row.get("usersIds"));
            members.retain(|user| !doomed.contains(user));
            row.insert("usersIds".into(), json!(members));
        }
    }

    Ok(json(200, &Value::Object(row.clone())))
}

fn remove_from_departments(portal: &mut Portal, user_id: i64) {
    for department in portal.company.departments.rows.values_mut() {
        let mut members = ids_of(department.get("usersIds"));
        members.retain(|member| *member != user_id);
        department.insert("usersIds".into(), json!(members));
    }
}

// ---------------------------------------------------------------- roles

fn role_by_code<'a>(portal: &'a Portal, code: &str) -> Option<&'a Row> {
    portal
        .company
        .roles
        .rows
        .values()
        .find(|role| role.get("code").and_then(Value::as_str) == Some(code))
}

/// Returns a role with `userList` read from the users' roles.
fn role_json(portal: &Portal, role: &Row) -> Value {
    let code = role.get("code").and_then(Value::as_str).unwrap_or("");
    let users: Vec<i64> = portal
        .users
        .iter()
        .filter(|user| user.roles.iter().any(|r| r == code))
        .map(|user| user.id)
        .collect();
    let mut value = Value::Object(role.clone());
    value["userList"] = json!(users);
    value
}

fn permissions() -> Value {
    let entries = |action: &str| -> Vec<Value> {
        [
            ("crm.deals", "Угоди"),
            ("crm.leads", "Ліди"),
            ("crm.contacts", "Контакти"),
            ("crm.companies", "Компанії"),
            ("tasks", "Завдання"),
            ("newsfeed", "Стрічка новин"),
            ("groups", "Групи"),
        ]
        .iter()
        .map(|(code, title)| json!({"code": format!("{code}.{action}"), "title": title, "levels": ["allowed", "department", "mine", "denied"]}))
        .collect()
    };
    json!({
        "create": entries("create"),
        "view": entries("view"),
        "edit": entries("edit"),
        "delete": entries("delete"),
        "export": entries("export"),
    })
}

/// Assigns the role `code` to exactly `users` (others lose it).
fn assign_role(portal: &mut Portal, code: &str, users: &[i64]) {
    for user in &mut portal.users {
        let has = user.roles.iter().any(|r| r == code);
        let wanted = users.contains(&user.id);
        if wanted && !has {
            user.roles.push(code.to_string());
        } else if !wanted && has {
            user.roles.retain(|r| r != code);
        }
    }
}

fn create_role(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let body = object_body(c.req, STYLE)?;
    require_text(&body, &["title"])?;

    let mut portal = c.shared.portal();
    let title = body["title"].as_str().unwrap_or("").trim().to_string();
    let mut code = transliterate(&title, '_');
    if code.is_empty() || role_by_code(&portal, &code).is_some() {
        code = format!("role_{}", portal.company.roles.next_id + 1);
    }
    let role = row(json!({
        "code": code,
        "title": title,
        "departmentList": body.get("departmentList").cloned().unwrap_or(json!([])),
        "permissions": body.get("permissions").cloned().unwrap_or(json!([])),
    }));
    let id = portal.company.roles.insert_new(role);
    let users = ids_of(body.get("usersIds"));
    if !users.is_empty() {
        assign_role(&mut portal, &code, &users);
    }
    let role = portal.company.roles.get(id).cloned().unwrap_or_default();

    Ok(json(201, &role_json(&portal, &role)))
}

fn update_role(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "Role")?;
    let mut body = object_body(c.req, STYLE)?;

    let mut portal = c.shared.portal();
    let role = portal
        .company
        .roles
        .get(id)
        .cloned()
        .ok_or_else(|| not_found(STYLE, "Role", id))?;
    if body.contains_key("title") {
        require_text(&body, &["title"])?;
    }
    let code = role["code"].as_str().unwrap_or("").to_string();
    if let Some(users) = body.remove("usersIds") {
        if code == "owner" {
            return Err(status_error(
                STYLE,
                403,
                "The owner role cannot be reassigned.",
            ));
        }
        assign_role(&mut portal, &code, &ids_of(Some(&users)));
    }
    let stored = portal.company.roles.get_mut(id).expect("checked above");
    merge(stored, body, &["id", "code", "userList"]);
    let role = stored.clone();

    Ok(json(200, &role_json(&portal, &role)))
}

fn delete_role(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "Role")?;

    let mut portal = c.shared.portal();
    let role = portal
        .company
        .roles
        .get(id)
        .cloned()
        .ok_or_else(|| not_found(STYLE, "Role", id))?;
    let code = role["code"].as_str().unwrap_or("").to_string();
    if SYSTEM_ROLES.contains(&code.as_str()) {
        return Err(status_error(
            STYLE,
            403,
            format!("The system role `{code}` cannot be deleted."),
        ));
    }
    portal.company.roles.rows.remove(&id);
    assign_role(&mut portal, &code, &[]);
    Ok(message(200, true, "The role was deleted."))
}

// ---------------------------------------------------------- invitations

/// `GET /company/v1/users/check_invite?email=`: `status` is true when an
/// invitation to that address is pending.
fn check_invite(c: &Call<'_>) -> Handled {
    let email = c
        .query()
        .get("email")
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("");
    if !looks_like_email(email) {
        return Err(invalid("email", "The email must be a valid email address."));
    }

    let portal = c.shared.portal();
    match portal.user_by_email(email) {
        Some(user) if !user.registered() => Ok(message(200, true, "The invitation is pending.")),
        Some(_) => Ok(message(
            200,
            false,
            "The user has already joined the portal.",
        )),
        None => Ok(message(200, false, "Invite not found")),
    }
}

/// Adds an invited, not yet registered user; the address must be free.
fn invite(portal: &mut Portal, email: &str, first: &str, last: &str, external: bool) -> i64 {
    portal.seq.user += 1;
    let id = portal.seq.user;
    let mut profile = Map::new();
    profile.insert("registered".into(), json!(false));
    profile.insert("active".into(), json!(true));
    profile.insert("externalUser".into(), json!(external));
    profile.insert("invitedAt".into(), json!(now()));
    portal.users.push(User {
        id,
        email: email.to_string(),
        // Invited users sign in only after registering with a password.
        password: String::new(),
        first_name: first.to_string(),
        last_name: last.to_string(),
        roles: vec!["user".to_string()],
        two_factor_code: None,
        profile,
    });
    if let Some(main) = portal
        .company
        .departments
        .rows
        .values_mut()
        .find(|d| d.get("main") == Some(&json!(true)))
    {
        let mut members = ids_of(main.get("usersIds"));
        members.push(id);
        main.insert("usersIds".into(), json!(members));
    }
    id
}

fn check_new_address(portal: &Portal, email: &str, field: &str, errors: &mut Errors) -> bool {
    if !looks_like_email(email) {
        errors.add(field, "The email must be a valid email address.");
        return false;
    }
    if portal.user_by_email(email).is_some() {
        errors.add(field, format!("The email {email} has already been taken."));
        return false;
    }
    true
}

/// `POST /company/v1/invites/email` with a bare array of
/// `{email, firstName, lastName, external_user}`; returns the invited users.
fn create_invites(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let items = array_body(c.req, "invites")?;
    if items.is_empty() {
        return Err(invalid("invites", "Send at least one invitation."));
    }

    let mut portal = c.shared.portal();
    let mut errors = Errors::default();
    for (index, item) in items.iter().enumerate() {
        let email = item
            .get("email")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim();
        check_new_address(&portal, email, &format!("{index}.email"), &mut errors);
    }
    errors.check()?;

    let mut invited = Vec::new();
    for item in &items {
        let text = |key: &str| {
            item.get(key)
                .and_then(Value::as_str)
                .unwrap_or("")
                .trim()
                .to_string()
        };
        let external = item
            .get("external_user")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let id = invite(
            &mut portal,
            &text("email"),
            &text("firstName"),
            &text("lastName"),
            external,
        );
        let user = find_user(&portal, id)?;
        invited.push(portal.user_json(&user));
    }

    Ok(json(
        200,
        &json!({"status": true, "message": format!("{} invitation(s) sent.", invited.len()), "data": invited}),
    ))
}

/// `POST /company/v1/invites/email/batch` with a bare array of addresses.
fn create_invite_batch(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let items = array_body(c.req, "emails")?;
    let emails = strings_of(Some(&Value::Array(items)));
    if emails.is_empty() {
        return Err(invalid(
            "emails",
            "Send a non-empty array of e-mail addresses.",
        ));
    }

    let mut portal = c.shared.portal();
    let mut errors = Errors::default();
    for (index, email) in emails.iter().enumerate() {
        check_new_address(&portal, email.trim(), &format!("{index}"), &mut errors);
    }
    errors.check()?;

    for email in &emails {
        invite(&mut portal, email.trim(), "", "", false);
    }
    Ok(message(
        200,
        true,
        format!("{} invitation(s) sent.", emails.len()),
    ))
}

/// Returns the pending invitation named by the `{user_id}` path parameter.
fn invited_user(c: &Call<'_>, portal: &Portal) -> Result<User, Resp> {
    let id = c.id("user_id", STYLE, "Invitation")?;
    let user = portal
        .user(id)
        .cloned()
        .ok_or_else(|| not_found(STYLE, "Invitation", id))?;
    if user.registered() {
        return Err(status_error(
            STYLE,
            422,
            format!("User {id} has already accepted the invitation."),
        ));
    }
    Ok(user)
}

// --------------------------------------------------- custom user fields

fn user_field<'a>(portal: &'a Portal, code: &str) -> Result<&'a Row, Resp> {
    portal
        .field(USER_FIELDS, code)
        .ok_or_else(|| not_found(STYLE, "Field", code))
}

fn list_field<'a>(portal: &'a Portal, code: &str) -> Result<&'a Row, Resp> {
    let field = user_field(portal, code)?;
    if field.get("type").and_then(Value::as_str) != Some("list") {
        return Err(status_error(
            STYLE,
            422,
            format!("Field `{code}` is not a list field."),
        ));
    }
    Ok(field)
}

fn create_user_field(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let body = object_body(c.req, STYLE)?;

    let mut portal = c.shared.portal();
    let body_value = Value::Object(body.clone());
    let mut errors = Errors::default();
    let name = crate::http::text_field(&body_value, "name").map(str::to_string);
    if name.is_none() {
        errors.add("name", "The name field is required.");
    }
    let field_type = crate::http::text_field(&body_value, "type").map(str::to_string);
    match &field_type {
        None => errors.add("type", "The type field is required."),
        Some(t) if !FIELD_TYPES.iter().any(|(known, _)| known == t) => {
            errors.add("type", format!("The selected type `{t}` is invalid."))
        }
        Some(_) => {}
    }
    let requested = crate::http::text_field(&body_value, "code").map(str::to_string);
    if let Some(code) = &requested {
        if !is_code(code) {
            errors.add(
                "code",
                "The code may only contain lower-case letters, digits and underscores.",
            );
        } else if portal.field(USER_FIELDS, code).is_some() {
            errors.add("code", "The code has already been taken.");
        }
    }
    let values = match body.get("values") {
        None | Some(Value::Null) => Vec::new(),
        Some(raw) => normalize_values(raw, &mut errors, "values"),
    };
    errors.check()?;

    let code = requested.unwrap_or_else(|| {
        portal.seq.user_field_code += 1;
        format!("customfield_{}", portal.seq.user_field_code)
    });
    let sort = portal.fields.get(USER_FIELDS).map_or(0, Vec::len) as i64 * 10 + 10;
    let mut field = field_def(
        &name.unwrap_or_default(),
        &code,
        &field_type.unwrap_or_default(),
        sort,
        false,
    );
    merge(
        &mut field,
        body,
        &["code", "system_field", "base_field", "values"],
    );
    field.insert(
        "values".into(),
        Value::Array(values.into_iter().map(Value::Object).collect()),
    );
    portal
        .fields
        .entry(USER_FIELDS.to_string())
        .or_default()
        .push(field.clone());

    Ok(json(201, &Value::Object(field)))
}

fn update_user_field(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let body = object_body(c.req, STYLE)?;
    let code = c.param("field_code").to_string();

    let mut portal = c.shared.portal();
    user_field(&portal, &code)?;
    let mut errors = Errors::default();
    if let Some(t) = body.get("type") {
        if !t
            .as_str()
            .is_some_and(|t| FIELD_TYPES.iter().any(|(known, _)| *known == t))
        {
            errors.add("type", "The selected type is invalid.");
        }
    }
    let values = body
        .get("values")
        .map(|raw| normalize_values(raw, &mut errors, "values"));
    errors.check()?;

    let field = portal.field_mut(USER_FIELDS, &code).expect("checked above");
    merge(
        field,
        body,
        &["code", "system_field", "base_field", "values"],
    );
    if let Some(values) = values {
        field.insert(
            "values".into(),
            Value::Array(values.into_iter().map(Value::Object).collect()),
        );
    }

    Ok(json(200, &Value::Object(field.clone())))
}

/// `POST /company/v1/custom_fields/users/lists/{code}` with a bare array:
/// values with a known `value` code are edited, others appended.
fn upsert_user_list(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let items = array_body(c.req, "values")?;
    let code = c.param("field_code").to_string();

    let mut portal = c.shared.portal();
    list_field(&portal, &code)?;
    let mut errors = Errors::default();
    let incoming = normalize_values(&Value::Array(items), &mut errors, "values");
    errors.check()?;

    let field = portal.field_mut(USER_FIELDS, &code).expect("checked above");
    let mut values = field
        .get("values")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for new in incoming {
        let code_of = |v: &Value| v.get("value").and_then(Value::as_str).map(str::to_string);
        let new_code = new.get("value").and_then(Value::as_str).map(str::to_string);
        match values.iter_mut().find(|v| code_of(v) == new_code) {
            Some(Value::Object(old)) => merge(old, new, &[]),
            _ => values.push(Value::Object(new)),
        }
    }
    field.insert("values".into(), Value::Array(values.clone()));

    Ok(json(200, &Value::Array(values)))
}

fn delete_user_list_value(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let code = c.param("field_code").to_string();
    let value = c.param("value").to_string();

    let mut portal = c.shared.portal();
    list_field(&portal, &code)?;
    let field = portal.field_mut(USER_FIELDS, &code).expect("checked above");
    let mut values = field
        .get("values")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let before = values.len();
    values.retain(|v| v.get("value").and_then(Value::as_str) != Some(value.as_str()));
    if values.len() == before {
        return Err(not_found(
            STYLE,
            "List value",
            format!("`{value}` of `{code}`"),
        ));
    }
    field.insert("values".into(), Value::Array(values));
    Ok(empty(204))
}

// ------------------------------------------------------------- webhooks

#[derive(Clone, Copy)]
enum Hooks {
    Incoming,
    Outgoing,
}

fn hooks(portal: &mut Portal, kind: Hooks) -> &mut crate::state::Table {
    match kind {
        Hooks::Incoming => &mut portal.company.incoming_webhooks,
        Hooks::Outgoing => &mut portal.company.outgoing_webhooks,
    }
}

fn list_webhooks(c: &Call<'_>, kind: Hooks) -> Handled {
    let mut portal = c.shared.portal();
    let name = c
        .query()
        .get("name")
        .and_then(Value::as_str)
        .map(str::to_lowercase);
    let rows: Vec<Value> = hooks(&mut portal, kind)
        .rows
        .values()
        .filter(|row| {
            name.as_ref().is_none_or(|wanted| {
                row.get("name")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.to_lowercase().contains(wanted))
            })
        })
        .map(|row| Value::Object(row.clone()))
        .collect();

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
}

/// Tells whether `key` belongs to an active incoming webhook, for
/// webhook-URL auth.
pub(crate) fn webhook_key_is_active(portal: &Portal, key: &str) -> bool {
    portal.company.incoming_webhooks.rows.values().any(|row| {
        row.get("key").and_then(Value::as_str) == Some(key)
            && row.get("active").and_then(Value::as_bool) != Some(false)
    })
}

/// Returns a new incoming webhook key: 32 hex digits.
fn new_webhook_key() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// `POST /company/v1/{incoming_webhooks|webhooks}`: returns the new id, as
/// the JS SDK types it. An incoming webhook gets a key and a `url` that
/// works as an authenticated base URL while the webhook is active.
fn create_webhook(c: &Call<'_>, kind: Hooks) -> Handled {
    require_admin(c)?;
    let body = object_body(c.req, STYLE)?;
    require_text(&body, &["name"])?;
    if let Hooks::Outgoing = kind {
        let url = body.get("url").and_then(Value::as_str).unwrap_or("");
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            return Err(invalid("url", "The url must be an http or https URL."));
        }
        if !body.get("events").is_some_and(Value::is_array) {
            return Err(invalid("events", "The events field must be an array."));
        }
    }
    let timestamp = iso(now());
    let mut hook = row(json!({
        "name": "",
        "description": "",
        "active": true,
        "events": [],
        "created_at": timestamp,
        "updated_at": timestamp,
    }));
    if let Hooks::Incoming = kind {
        let key = new_webhook_key();
        hook.insert("permissions".into(), json!([]));
        hook.insert(
            "url".into(),
            json!(format!(
                "{}/company/v1/incoming_webhooks/run/{key}",
                c.shared.base_url
            )),
        );
        hook.insert("key".into(), json!(key));
    }
    merge(&mut hook, body, &["id", "key", "created_at", "updated_at"]);
    if let Hooks::Incoming = kind {
        // The URL is made by the portal, never by the client.
        let key = hook["key"].as_str().unwrap_or("").to_string();
        hook.insert(
            "url".into(),
            json!(format!(
                "{}/company/v1/incoming_webhooks/run/{key}",
                c.shared.base_url
            )),
        );
    }

    let mut portal = c.shared.portal();
    let id = hooks(&mut portal, kind).insert_new(hook);

    Ok(json(201, &json!(id)))
}

fn update_incoming_webhook(c: &Call<'_>) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "Webhook")?;
    let body = object_body(c.req, STYLE)?;
    if body.contains_key("name") {
        require_text(&body, &["name"])?;
    }

    let mut portal = c.shared.portal();
    let hook = portal
        .company
        .incoming_webhooks
        .get_mut(id)
        .ok_or_else(|| not_found(STYLE, "Webhook", id))?;
    merge(
        hook,
        body,
        &["id", "key", "url", "created_at", "updated_at"],
    );
    hook.insert("updated_at".into(), json!(iso(now())));

    Ok(json(200, &Value::Object(hook.clone())))
}

fn delete_webhook(c: &Call<'_>, kind: Hooks) -> Handled {
    require_admin(c)?;
    let id = c.id("id", STYLE, "Webhook")?;

    let mut portal = c.shared.portal();
    match hooks(&mut portal, kind).rows.remove(&id) {
        Some(_) => Ok(json(200, &json!(id))),
        None => Err(not_found(STYLE, "Webhook", id)),
    }
}

/// `DELETE /company/v1/{incoming_webhooks|webhooks} {ids}`: returns the ids
/// that were deleted.
fn bulk_delete_webhooks(c: &Call<'_>, kind: Hooks) -> Handled {
    require_admin(c)?;
    let body = object_body(c.req, STYLE)?;
    let ids = ids_of(body.get("ids"));
    if ids.is_empty() {
        return Err(invalid(
            "ids",
            "The ids field must be a non-empty array of webhook ids.",
        ));
    }

    let mut portal = c.shared.portal();
    let table = hooks(&mut portal, kind);
    let deleted: Vec<i64> = ids
        .into_iter()
        .filter(|id| table.rows.remove(id).is_some())
        .collect();

    Ok(json(200, &json!(deleted)))
}

// ----------------------------------------------------------------- seed

const POSITIONS: &[&str] = &[
    "Менеджер з продажу",
    "Старший менеджер з продажу",
    "Бухгалтер",
    "Головний бухгалтер",
    "Інженер служби підтримки",
    "Інженер-проєктувальник",
    "HR-менеджер",
    "Маркетолог",
];

/// Builds the company service's demo data: user profiles, departments,
/// roles, settings, custom user fields and webhooks.
pub(crate) fn seed(portal: &mut Portal, rng: &mut Rng, webhook: (&str, &str)) {
    let female_names = crate::words::FEMALE_NAMES;
    for user in portal.users.iter_mut() {
        let female = female_names.contains(&user.first_name.as_str());
        let (male_patronymic, female_patronymic) = *rng.pick(PATRONYMICS);
        let position = match user.id {
            1 => "Генеральна директорка",
            2 => "Технічний директор",
            _ => *rng.pick(POSITIONS),
        };
        let year = rng.range(1975, 2001);
        let profile = row(json!({
            "patronymic": if female { female_patronymic } else { male_patronymic },
            "position": position,
            "specialization": "",
            "country": "UA",
            "city": rng.pick(CITIES),
            "avatar": "",
            "aboutMyself": "",
            "active": true,
            "registered": true,
            "birthday": format!("{year}-{:02}-{:02}", rng.range(1, 12), rng.range(1, 28)),
            "showBirthYear": rng.chance(50),
            "phone": [{"type": "work", "value": format!("+38067{:07}", rng.below(10_000_000)), "main": true}],
            "socialMedia": [],
            "customfield_1": *rng.pick(&["s", "m", "l", "xl"]),
        }));
        user.profile = profile;
        if (3..=6).contains(&user.id) {
            user.roles.push("sales_manager".to_string());
        }
    }

    // A pending invitation, for the invitation routes.
    invite(
        portal,
        "andrii.petrenko@gmail.com",
        "Андрій",
        "Петренко",
        false,
    );
    let all: Vec<i64> = portal
        .users
        .iter()
        .filter(|u| u.registered())
        .map(|u| u.id)
        .collect();
    let departments = [
        (
            "Компанія",
            "Уся команда порталу",
            1,
            None,
            all.clone(),
            true,
        ),
        (
            "Відділ продажів",
            "Продажі обладнання та послуг",
            3,
            Some(1),
            vec![2, 3, 4, 5, 6],
            false,
        ),
        (
            "Бухгалтерія",
            "Рахунки, акти, звітність",
            7,
            Some(1),
            vec![7, 8],
            false,
        ),
        (
            "Технічна підтримка",
            "Монтаж і сервіс",
            9,
            Some(1),
            vec![9, 10, 11, 12],
            false,
        ),
    ];
    for (name, description, head, parent, users, main) in departments {
        portal.company.departments.insert_new(row(json!({
            "name": name,
            "description": description,
            "headId": head,
            "parentDepartmentId": parent,
            "usersIds": users,
            "roles": if main { json!([]) } else { json!(["user"]) },
            "main": main,
        })));
    }

    let roles = [
        ("owner", "Власник порталу", json!(["*"])),
        (
            "admin",
            "Адміністратор",
            json!(["crm.*", "tasks.*", "company.*"]),
        ),
        ("user", "Співробітник", json!(["crm.view", "tasks.*"])),
        (
            "sales_manager",
            "Менеджер з продажу",
            json!(["crm.deals.*", "crm.contacts.*", "crm.companies.*"]),
        ),
    ];
    for (code, title, permissions) in roles {
        portal.company.roles.insert_new(row(json!({
            "code": code,
            "title": title,
            "departmentList": [],
            "permissions": permissions,
        })));
    }

    portal.company.portal_settings = row(json!({
        "nameFormat": "first_last",
        "lang": "uk",
        "timeFormat": "24",
        "dateFormat": "DD.MM.YYYY",
        "timezone": "Europe/Kyiv",
        "firstDay": 1,
        "country": "UA",
        "phoneFormat": "+380 XX XXX XX XX",
        "availableCurrencies": ["UAH", "USD", "EUR"],
        "defaultCurrency": "UAH",
        "weekends": [6, 7],
        "workhoursMode": "common",
        "workhours": {"from": "09:00", "to": "18:00"},
        "holidays": [
            {"date": "2024-01-01", "name": "Новий рік"},
            {"date": "2024-08-24", "name": "День Незалежності України"},
            {"date": "2024-12-25", "name": "Різдво Христове"},
        ],
        "logo": "",
        "installedApps": [],
    }));

    let mut shirt = field_def("Розмір футболки", "customfield_1", "list", 10, false);
    shirt.insert(
        "values".into(),
        json!([
            {"title": "S", "value": "s", "color": "#3AA1FF", "sort": 10, "selected": false, "active": true},
            {"title": "M", "value": "m", "color": "#52C41A", "sort": 20, "selected": true, "active": true},
            {"title": "L", "value": "l", "color": "#FFC53D", "sort": 30, "selected": false, "active": true},
            {"title": "XL", "value": "xl", "color": "#FF7A45", "sort": 40, "selected": false, "active": true},
        ]),
    );
    let mut drink = field_def("Улюблений напій", "customfield_2", "list", 20, false);
    drink.insert(
        "values".into(),
        json!([
            {"title": "Кава", "value": "кава", "color": "#8C5E3C", "sort": 10, "selected": false, "active": true},
            {"title": "Чай з лимоном", "value": "чай з лимоном", "color": "#FADB14", "sort": 20, "selected": false, "active": true},
            {"title": "Узвар", "value": "узвар", "color": "#D4380D", "sort": 30, "selected": false, "active": true},
        ]),
    );
    let mut hobby = field_def("Хобі", "customfield_3", "string", 30, false);
    hobby.insert("tooltip".into(), json!("Чим ви захоплюєтесь"));
    portal
        .fields
        .insert(USER_FIELDS.to_string(), vec![shirt, drink, hobby]);
    portal.seq.user_field_code = 3;

    let (base_url, key) = webhook;
    let created = iso(crate::data::EPOCH + 86_400);
    portal.company.incoming_webhooks.insert_new(row(json!({
        "name": "Інтеграція з сайтом",
        "description": "Заявки з форми на сайті",
        "active": true,
        "key": key,
        "url": format!("{base_url}/company/v1/incoming_webhooks/run/{key}"),
        "permissions": [{"service": "crm"}, {"service": "tasks"}],
        "events": [],
        "created_at": created,
        "updated_at": created,
    })));
    for (name, url, table) in [
        (
            "Нові угоди в облік",
            "https://erp.example.com/hooks/deals",
            "deals",
        ),
        (
            "Контакти в розсилку",
            "https://mail.example.com/hooks/contacts",
            "contacts",
        ),
    ] {
        portal.company.outgoing_webhooks.insert_new(row(json!({
            "name": name,
            "description": "",
            "url": url,
            "active": true,
            "events": [{"service": "crm", "type": "entity", "actions": ["create", "update"], "table_name": table, "category": "crm"}],
            "created_at": created,
            "updated_at": created,
        })));
    }
}
