//! `/__mock/*` control routes for tests in other languages: faults, recorded
//! requests, tokens, credentials, state reads and file downloads. They need
//! no auth, ignore faults and are never recorded.

use bytes::Bytes;
use http::Method;
use serde_json::{json, Value};

use crate::faults::Fault;
use crate::http::{empty, json, message, Resp};
use crate::server::Shared;

/// Handles one control request.
pub(crate) fn handle(shared: &Shared, method: &Method, raw_path: &str, body: &Bytes) -> Resp {
    let segments: Vec<String> = raw_path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    match (method.as_str(), segments.as_slice()) {
        ("GET", ["__mock", "health"]) => json(200, &json!({"status": "ok"})),
        ("GET", ["__mock", "credentials"]) => {
            json(200, &shared.credentials.to_json(&shared.domain))
        }
        ("GET", ["__mock", "requests"]) => {
            let list: Vec<Value> = shared.requests.all().iter().map(|r| r.to_json()).collect();
            json(200, &Value::Array(list))
        }
        ("DELETE", ["__mock", "requests"]) => {
            shared.requests.clear();
            empty(204)
        }
        ("GET", ["__mock", "faults"]) => {
            let list: Vec<Value> = shared.faults.list().iter().map(Fault::to_json).collect();
            json(200, &Value::Array(list))
        }
        ("POST", ["__mock", "faults"]) => add_faults(shared, body),
        ("DELETE", ["__mock", "faults"]) => {
            shared.faults.clear();
            empty(204)
        }
        ("POST", ["__mock", "tokens"]) => issue_tokens(shared, body),
        ("GET", ["__mock", "items", code, id]) => {
            let item = id.parse::<i64>().ok().and_then(|id| {
                let portal = shared.portal();
                portal
                    .items
                    .get(*code)?
                    .rows
                    .get(&id)
                    .map(|row| Value::Object(row.clone()))
            });
            match item {
                Some(item) => json(200, &item),
                None => message(404, false, format!("Record {id} of `{code}` not found.")),
            }
        }
        ("GET", ["__mock", "storage", id, ..]) => crate::files::download(shared, id),
        ("GET", ["__mock", "operations"]) => json(200, &operations()),
        _ => json(
            404,
            &json!({"message": format!(
                "Unknown control route {method} {raw_path}. Routes: GET /__mock/health, GET /__mock/credentials, \
                 GET|DELETE /__mock/requests, GET|POST|DELETE /__mock/faults, POST /__mock/tokens, \
                 GET /__mock/items/{{code}}/{{id}}, GET /__mock/storage/{{file id}}, GET /__mock/operations"
            )}),
        ),
    }
}

/// Lists every operation of the table with the kind of handler that serves it.
fn operations() -> Value {
    let list: Vec<Value> = uspacy::OPERATIONS
        .iter()
        .map(|op| {
            let handler = match crate::handlers::kind(op.id) {
                crate::handlers::Kind::Stateful => "stateful",
                crate::handlers::Kind::SchemaShaped => "schema-shaped",
                crate::handlers::Kind::Unassigned => "unassigned",
            };
            json!({"op_id": op.id, "method": op.method.as_str(), "path": op.path, "handler": handler})
        })
        .collect();
    Value::Array(list)
}

/// `POST /__mock/faults` with one fault object or a list of them.
fn add_faults(shared: &Shared, body: &Bytes) -> Resp {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return message(400, false, format!("The body is not valid JSON: {error}")),
    };
    let list = match value {
        Value::Array(list) => list,
        other => vec![other],
    };
    let mut parsed = Vec::new();
    for (index, item) in list.iter().enumerate() {
        match Fault::from_json(item) {
            Ok(fault) => parsed.push(fault),
            Err(error) => return message(400, false, format!("Fault {index} is invalid: {error}")),
        }
    }
    let count = parsed.len();
    for fault in parsed {
        shared.faults.push(fault);
    }
    json(201, &json!({"status": true, "queued": count}))
}

/// `POST /__mock/tokens {"lifetime_secs": -5}`; without a lifetime the
/// configured one is used.
fn issue_tokens(shared: &Shared, body: &Bytes) -> Resp {
    let value: Value = if body.is_empty() {
        Value::Null
    } else {
        match serde_json::from_slice(body) {
            Ok(value) => value,
            Err(error) => {
                return message(400, false, format!("The body is not valid JSON: {error}"))
            }
        }
    };
    let lifetime = match value.get("lifetime_secs") {
        None | Some(Value::Null) => shared.token_lifetime,
        Some(raw) => match raw.as_i64() {
            Some(lifetime) => lifetime,
            None => {
                return message(
                    400,
                    false,
                    "`lifetime_secs` must be an integer number of seconds.",
                )
            }
        },
    };
    let mut portal = shared.portal();
    let tokens = crate::auth::issue_tokens(shared, &mut portal, 1, lifetime);
    json(
        200,
        &json!({
            "access_token": tokens.access_token,
            "refresh_token": tokens.refresh_token,
            "expires_in": tokens.expires_in,
        }),
    )
}
