//! Marketplace apps (`/apps/v1/apps`, snake_case keys).

use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::data::EPOCH;
use crate::http::{empty, json, now, Errors};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{
    merge, not_found, object_body, paged, row, select, strings_of, value, Meta, Style,
};

const STYLE: Style = Style::Company;

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("apps.list", list_apps),
    ("apps.create", create_app),
    ("apps.update", |c| {
        let id = c.id("app_id", STYLE, "App")?;
        let body = object_body(c.req, STYLE)?;

        let mut portal = c.shared.portal();
        portal
            .apps
            .get(id)
            .ok_or_else(|| not_found(STYLE, "App", id))?;
        let mut errors = Errors::default();
        check_app(&portal, &body, Some(id), &mut errors);
        errors.check()?;

        let stored = portal.apps.get_mut(id).expect("checked above");
        merge(
            stored,
            body,
            &[
                "id",
                "integration_token",
                "installs_count",
                "created_at",
                "logo",
            ],
        );

        Ok(json(200, &value(stored)))
    }),
    ("apps.delete", |c| {
        let id = c.id("app_id", STYLE, "App")?;

        let mut portal = c.shared.portal();
        portal
            .apps
            .rows
            .remove(&id)
            .ok_or_else(|| not_found(STYLE, "App", id))?;
        Ok(empty(204))
    }),
];

/// `GET /apps/v1/apps`: `q`, `categories[]`, `is_local`, `is_installed`,
/// `code[]`, `installs_count_range[]`, `sort_by`.
fn list_apps(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let mut query = c.query().clone();
    let categories = strings_of(query.get("categories"));
    let flag = |key: &str| {
        query
            .get(key)
            .and_then(Value::as_str)
            .map(|v| v == "1" || v == "true")
    };
    let (local, installed) = (flag("is_local"), flag("is_installed"));
    let codes = strings_of(query.get("code"));
    let range: Vec<i64> = strings_of(query.get("installs_count_range"))
        .iter()
        .filter_map(|v| v.parse().ok())
        .collect();
    if let Some(map) = query.as_object_mut() {
        for key in [
            "categories",
            "is_local",
            "is_installed",
            "code",
            "installs_count_range",
        ] {
            map.remove(key);
        }
    }
    let rows: Vec<Value> = select(
        portal.apps.rows.values(),
        &query,
        &["name", "short_description"],
    )?
    .into_iter()
    .filter(|app| {
        categories.is_empty()
            || app["categories"].as_array().is_some_and(|own| {
                own.iter()
                    .any(|c| categories.iter().any(|w| c == w.as_str()))
            })
    })
    .filter(|app| local.is_none_or(|l| app["is_local"] == l))
    .filter(|app| installed.is_none_or(|i| app["installed"] == i))
    .filter(|app| codes.is_empty() || codes.iter().any(|code| app["code"] == code.as_str()))
    .filter(|app| {
        let count = app["installs_count"].as_i64().unwrap_or(0);
        match range.as_slice() {
            [low, high, ..] => count >= *low && count <= *high,
            [low] => count >= *low,
            [] => true,
        }
    })
    .map(value)
    .collect();

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
}

fn check_app(portal: &Portal, body: &crate::store::Row, id: Option<i64>, errors: &mut Errors) {
    let name_missing = body
        .get("name")
        .and_then(Value::as_str)
        .is_none_or(|n| n.trim().is_empty());
    if (id.is_none() || body.contains_key("name")) && name_missing {
        errors.add("name", "The name field is required.");
    }
    if let Some(code) = body.get("code").and_then(Value::as_str) {
        let valid = !code.is_empty()
            && code
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !valid {
            errors.add(
                "code",
                "The code may only contain lower-case letters, digits, - and _.",
            );
        } else if portal
            .apps
            .rows
            .values()
            .any(|app| app["code"] == code && app["id"].as_i64() != id)
        {
            errors.add("code", "The code has already been taken.");
        }
    } else if id.is_none() {
        errors.add("code", "The code field is required.");
    }
    for key in ["redirect_url", "callback_url", "developer_link"] {
        if let Some(url) = body.get(key).and_then(Value::as_str) {
            if !url.is_empty() && !url.starts_with("https://") && !url.starts_with("http://") {
                errors.add(key, "The URL must start with https:// or http://.");
            }
        }
    }
}

/// `POST /apps/v1/apps`: multipart fields and an optional `logo` file.
fn create_app(c: &Call<'_>) -> Handled {
    let form = crate::files::read_form(c.req, "name")?;
    let body = match form.to_value() {
        Value::Object(map) => map,
        _ => crate::store::Row::new(),
    };

    let mut portal = c.shared.portal();
    let mut errors = Errors::default();
    check_app(&portal, &body, None, &mut errors);
    errors.check()?;

    let token = format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..));
    let mut app = row(json!({
        "name": "", "code": "", "short_description": "", "description": "", "instruction": "",
        "tech_info": "", "data_security": "", "logo": "", "active": true, "paid": false,
        "installed": false, "price": null, "developer_name": "", "developer_link": "",
        "integration_token": token, "redirect_url": "", "callback_url": "",
        "is_local": true, "categories": [], "installs_count": 0, "created_at": now(),
    }));
    merge(
        &mut app,
        body,
        &[
            "id",
            "integration_token",
            "installs_count",
            "created_at",
            "logo",
        ],
    );
    let id = portal.apps.insert_new(app);
    if let Some(logo) = form.files.iter().find(|p| p.name == "logo") {
        let file = crate::files::store_part(
            c.shared,
            &mut portal,
            logo,
            ("apps", &id.to_string()),
            c.actor(),
        );
        if let Some(stored) = portal.apps.get_mut(id) {
            stored.insert("logo".into(), file["url"].clone());
        }
    }
    let created = value(
        portal
            .apps
            .get(id)
            .ok_or_else(|| not_found(STYLE, "App", id))?,
    );

    Ok(json(201, &created))
}

/// Builds a small marketplace: some apps installed, one local.
pub(crate) fn seed(portal: &mut Portal) {
    let apps = [
        (
            "Телефонія для CRM",
            "demo-telephony",
            "Дзвінки з картки угоди і запис розмов",
            "telephony",
            true,
            false,
        ),
        (
            "Чат-бот для Telegram",
            "telegram-bot",
            "Заявки з Telegram одразу в ліди",
            "messengers",
            true,
            false,
        ),
        (
            "Онлайн-каса",
            "cash-register",
            "Фіскальні чеки для оплат з CRM",
            "finance",
            false,
            true,
        ),
        (
            "Календар команди",
            "team-calendar",
            "Спільний календар зустрічей",
            "productivity",
            false,
            false,
        ),
        (
            "Імпорт з Excel",
            "excel-import",
            "Масове завантаження контактів і компаній",
            "productivity",
            true,
            false,
        ),
        (
            "Розсилки",
            "newsletters",
            "E-mail розсилки по сегментах клієнтів",
            "marketing",
            false,
            true,
        ),
    ];
    for (index, (name, code, short, category, installed, paid)) in apps.into_iter().enumerate() {
        portal.apps.insert_new(row(json!({
            "name": name,
            "code": code,
            "short_description": short,
            "description": format!("{short}. Встановлюється за кілька хвилин."),
            "instruction": "Встановіть застосунок і надайте доступ до CRM.",
            "tech_info": "Використовує REST API порталу.",
            "data_security": "Дані зберігаються на серверах порталу.",
            "logo": "",
            "active": true,
            "paid": paid,
            "installed": installed,
            "price": if paid { json!({"currency": "UAH", "value": "299.00", "period": "month"}) } else { Value::Null },
            "developer_name": "Демо Девелопмент",
            "developer_link": "https://developer.example.com",
            "integration_token": format!("demo-token-{index}"),
            "redirect_url": "",
            "callback_url": "",
            "is_local": index == 4,
            "categories": [category],
            "installs_count": 120 - index as i64 * 17,
            "created_at": EPOCH + index as i64 * 86_400,
        })));
    }
}
