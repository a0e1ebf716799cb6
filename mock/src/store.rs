//! Helpers shared by the stateful resources: request bodies, error bodies
//! in each service's style, list envelopes, filtering and time stamps.

use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::filter::{paging, ItemQuery};
use crate::http::{as_int, crm_error, invalid, json, message, ApiRequest, Errors, Resp};

/// One stored record.
pub(crate) type Row = Map<String, Value>;

/// The error body convention of a service.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Style {
    /// `{status: false, message}` and Laravel's 422 `{status: false, errors}`
    /// (company, tasks, groups, news feed, comments, e-mail, apps).
    Company,
    /// `{status: <code>, error}` (CRM).
    Crm,
    /// NestJS: `{statusCode, message, error}` (messenger).
    Messenger,
}

/// Returns 404 for a missing record, such as `Task 7 not found.`.
pub(crate) fn not_found(style: Style, resource: &str, id: impl std::fmt::Display) -> Resp {
    let text = format!("{resource} {id} not found.");
    match style {
        Style::Company => message(404, false, text),
        Style::Crm => crm_error(404, text),
        Style::Messenger => json(
            404,
            &json!({"statusCode": 404, "message": text, "error": "Not Found"}),
        ),
    }
}

/// Returns a validation error on `field` in the service's style: 422 for
/// Laravel services, 400 for the messenger.
pub(crate) fn rejected(style: Style, field: &str, text: impl Into<String>) -> Resp {
    match style {
        Style::Messenger => json(
            400,
            &json!({"statusCode": 400, "message": text.into(), "error": "Bad Request"}),
        ),
        _ => invalid(field, text),
    }
}

/// Returns an error with `status` (403, 409, 422) in the service's style.
pub(crate) fn status_error(style: Style, status: u16, text: impl Into<String>) -> Resp {
    match style {
        Style::Company => message(status, false, text),
        Style::Crm => crm_error(status, text),
        Style::Messenger => json(
            status,
            &json!({"statusCode": status, "message": text.into()}),
        ),
    }
}

/// Reads a JSON object body; an empty body is an empty object.
pub(crate) fn object_body(req: &ApiRequest, style: Style) -> Result<Row, Resp> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Row::new());
    }
    match req.body_value() {
        Value::Object(map) => Ok(map),
        _ => Err(rejected(
            style,
            "body",
            "The request body must be a JSON object.",
        )),
    }
}

/// Reads a bare JSON array body, or the array under `key` of an object body.
pub(crate) fn array_body(req: &ApiRequest, key: &str) -> Result<Vec<Value>, Resp> {
    match req.body_value() {
        Value::Array(items) => Ok(items),
        Value::Object(map) => match map.get(key) {
            Some(Value::Array(items)) => Ok(items.clone()),
            _ => Err(invalid(
                key,
                format!("Send a JSON array, or an object with a `{key}` array."),
            )),
        },
        _ => Err(invalid(
            key,
            format!("Send a JSON array, or an object with a `{key}` array."),
        )),
    }
}

/// Checks that `fields` are non-empty strings in `body`.
pub(crate) fn require_text(body: &Row, fields: &[&str]) -> Result<(), Resp> {
    let mut errors = Errors::default();
    for field in fields {
        let present = body
            .get(*field)
            .and_then(Value::as_str)
            .is_some_and(|text| !text.trim().is_empty());
        if !present {
            errors.add(field, format!("The {} field is required.", label(field)));
        }
    }
    errors.check()
}

/// Turns `entity_type`, `firstName` or `folder_name` into words for messages.
pub(crate) fn label(field: &str) -> String {
    let mut out = String::new();
    for ch in field.chars() {
        if ch == '_' {
            out.push(' ');
        } else if ch.is_ascii_uppercase() {
            out.push(' ');
            out.push(ch.to_ascii_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// Copies the keys of `input` into `row`, except `protected` ones.
pub(crate) fn merge(row: &mut Row, input: Row, protected: &[&str]) {
    for (key, value) in input {
        if !protected.contains(&key.as_str()) {
            row.insert(key, value);
        }
    }
}

/// Reads a list of integer ids: `[1, "2"]`, or one id.
pub(crate) fn ids_of(value: Option<&Value>) -> Vec<i64> {
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(as_int).collect(),
        Some(other) => as_int(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Reads a list of strings: `["a", 1]`, or one value.
pub(crate) fn strings_of(value: Option<&Value>) -> Vec<String> {
    let text = |value: &Value| match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    };
    match value {
        Some(Value::Array(items)) => items.iter().filter_map(text).collect(),
        Some(other) => text(other).into_iter().collect(),
        None => Vec::new(),
    }
}

/// Spelling of the paginator's `meta` keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Meta {
    /// `current_page`, `last_page`, `per_page` with `links` (Laravel).
    Snake,
    /// `currentPage`, `lastPage`, `perPage` without `links` (tasks).
    Camel,
    /// The camelCase meta with `path`, plus `links` (groups).
    CamelWithLinks,
}

/// Pages `rows` by the `page` and `list` query parameters and wraps them in
/// the paginator envelope.
pub(crate) fn paged(rows: Vec<Value>, query: &Value, url: &str, meta: Meta) -> Result<Value, Resp> {
    let paging = paging(query)?;
    let total = rows.len();
    let page: Vec<Value> = rows
        .into_iter()
        .skip((paging.page - 1).saturating_mul(paging.per_page))
        .take(paging.per_page)
        .collect();
    let mut body = crate::filter::page_body(page, total, paging, url);
    if meta == Meta::Snake {
        return Ok(body);
    }
    let snake = body["meta"].clone();
    let mut camel = json!({
        "currentPage": snake["current_page"],
        "from": snake["from"],
        "lastPage": snake["last_page"],
        "perPage": snake["per_page"],
        "to": snake["to"],
        "total": snake["total"],
    });
    if let Some(map) = body.as_object_mut() {
        if meta == Meta::CamelWithLinks {
            camel["path"] = snake["path"].clone();
        } else {
            map.remove("links");
        }
        map.insert("meta".into(), camel);
    }
    Ok(body)
}

/// Filters and sorts `rows` by a list query: `q` (a case-insensitive
/// substring of any `search_keys` value), simple filters on keys the rows
/// have (`status[]=done`, `price[from]=10`), the `filters` smart filter and
/// `sort_by`.
pub(crate) fn select<'a>(
    rows: impl Iterator<Item = &'a Row>,
    query: &Value,
    search_keys: &[&str],
) -> Result<Vec<&'a Row>, Resp> {
    let rows: Vec<&Row> = rows.collect();
    let known: HashSet<String> = rows.iter().flat_map(|row| row.keys().cloned()).collect();
    let search = query
        .get("q")
        .or_else(|| query.get("search"))
        .and_then(Value::as_str)
        .map(|q| q.trim().to_lowercase())
        .filter(|q| !q.is_empty());
    let mut rest = query.clone();
    if let Some(map) = rest.as_object_mut() {
        map.remove("q");
        map.remove("search");
    }
    let compiled = ItemQuery::parse(&rest, &known)?;
    let mut selected = Vec::new();
    for row in rows {
        if let Some(search) = &search {
            let hit = search_keys.iter().any(|key| {
                row.get(*key)
                    .and_then(Value::as_str)
                    .is_some_and(|text| text.to_lowercase().contains(search))
            });
            if !hit {
                continue;
            }
        }
        if compiled.matches(row)? {
            selected.push(row);
        }
    }
    compiled.sort(&mut selected);
    Ok(selected)
}

/// Clones rows into JSON values.
pub(crate) fn values(rows: Vec<&Row>) -> Vec<Value> {
    rows.into_iter()
        .map(|row| Value::Object(row.clone()))
        .collect()
}

/// Returns `row` as a JSON value.
pub(crate) fn value(row: &Row) -> Value {
    Value::Object(row.clone())
}

/// Builds a row from a `json!` object literal.
pub(crate) fn row(value: Value) -> Row {
    match value {
        Value::Object(map) => map,
        _ => Row::new(),
    }
}

/// Returns the time in milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// Formats unix seconds as an RFC 3339 UTC date-time (`2024-05-01T09:30:00Z`).
pub(crate) fn iso(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Converts days since 1970-01-01 to a proleptic Gregorian date (Howard
/// Hinnant's `civil_from_days` algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_dates() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_704_067_200), "2024-01-01T00:00:00Z");
        assert_eq!(iso(1_709_210_096), "2024-02-29T12:34:56Z");
    }

    #[test]
    fn labels() {
        assert_eq!(label("firstName"), "first name");
        assert_eq!(label("folder_name"), "folder name");
    }

    #[test]
    fn camel_meta() {
        let rows: Vec<Value> = (1..=5).map(|id| json!({"id": id})).collect();
        let body = paged(
            rows,
            &json!({"page": "2", "list": "2"}),
            "http://x/t",
            Meta::Camel,
        )
        .unwrap();
        assert_eq!(body["meta"]["currentPage"], 2);
        assert_eq!(body["meta"]["lastPage"], 3);
        assert_eq!(body["data"], json!([{"id": 3}, {"id": 4}]));
        assert!(body.get("links").is_none());
    }
}
