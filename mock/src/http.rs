//! Request and response helpers shared by the route handlers.

use bytes::Bytes;
use http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use http_body_util::Full;
use serde_json::{json, Map, Value};

/// The response type of every handler.
pub(crate) type Resp = http::Response<Full<Bytes>>;

/// A request after its body was read and its path split.
pub(crate) struct ApiRequest {
    pub method: Method,
    /// Percent-decoded path segments, empty segments removed, so a trailing
    /// slash makes no difference.
    pub segments: Vec<String>,
    /// Query parsed with PHP bracket rules, always an object.
    pub query: Value,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// The signed-in user, set once the session or webhook key was checked.
    pub user_id: Option<i64>,
}

impl ApiRequest {
    /// Returns the body as JSON, or as PHP-style fields for a form body.
    /// An empty or unparsable body gives `Value::Null`, as Laravel treats it
    /// as no input at all.
    pub fn body_value(&self) -> Value {
        if self.body.is_empty() {
            return Value::Null;
        }
        let content_type = self
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        if content_type.starts_with("application/x-www-form-urlencoded") {
            return crate::query::parse(&String::from_utf8_lossy(&self.body));
        }
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }

    /// Returns a query parameter that is a single string.
    pub fn query_str(&self, name: &str) -> Option<&str> {
        self.query.get(name).and_then(Value::as_str)
    }

    /// Returns the token of an `Authorization: Bearer ...` header.
    pub fn bearer(&self) -> Option<&str> {
        let value = self.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
        let (scheme, token) = value.trim().split_once(' ')?;
        let token = token.trim();
        (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
    }

    /// Returns the acting user, the portal owner when none was set.
    pub fn actor(&self) -> i64 {
        self.user_id.unwrap_or(1)
    }
}

/// Returns a JSON response.
pub(crate) fn json(status: u16, body: &Value) -> Resp {
    bytes_response(status, "application/json", Bytes::from(body.to_string()))
}

/// Returns a response with an exact body and content type.
pub(crate) fn bytes_response(status: u16, content_type: &str, body: Bytes) -> Resp {
    let mut response = http::Response::new(Full::new(body));
    *response.status_mut() = status_code(status);
    if let Ok(value) = HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

/// Returns a response without a body (204 for deletes).
pub(crate) fn empty(status: u16) -> Resp {
    let mut response = http::Response::new(Full::new(Bytes::new()));
    *response.status_mut() = status_code(status);
    response
}

pub(crate) fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// 401 in Laravel's shape, for a missing, invalid or expired bearer token.
pub(crate) fn unauthenticated() -> Resp {
    json(401, &json!({"message": "Unauthenticated."}))
}

/// CRM error body `{"status": <code>, "error": "..."}`.
pub(crate) fn crm_error(status: u16, message: impl Into<String>) -> Resp {
    json(status, &json!({"status": status, "error": message.into()}))
}

/// Message body `{"status": <bool>, "message": "..."}`.
pub(crate) fn message(status: u16, ok: bool, text: impl Into<String>) -> Resp {
    json(status, &json!({"status": ok, "message": text.into()}))
}

/// 404 for a path no route matches.
pub(crate) fn route_not_found(path: &str) -> Resp {
    json(
        404,
        &json!({"message": format!("The route {} could not be found.", path.trim_start_matches('/'))}),
    )
}

/// Collects validation messages per field and renders them as 422 in the shape
/// `{"status": false, "errors": {"<field>": ["..."]}}`.
#[derive(Default)]
pub(crate) struct Errors(Map<String, Value>);

impl Errors {
    pub fn add(&mut self, field: &str, text: impl Into<String>) {
        let entry = self
            .0
            .entry(field.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(list) = entry {
            list.push(Value::String(text.into()));
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_response(self) -> Resp {
        json(
            422,
            &json!({"status": false, "errors": Value::Object(self.0)}),
        )
    }

    /// Returns `Err(422)` when any message was added.
    pub fn check(self) -> Result<(), Resp> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(self.into_response())
        }
    }
}

/// Returns one validation error as a 422 response.
pub(crate) fn invalid(field: &str, text: impl Into<String>) -> Resp {
    let mut errors = Errors::default();
    errors.add(field, text);
    errors.into_response()
}

/// Returns a non-empty trimmed string field of a JSON object.
pub(crate) fn text_field<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// Reads an integer that may arrive as a JSON number or a numeric string.
pub(crate) fn as_int(value: &Value) -> Option<i64> {
    match value {
        Value::Number(number) => number.as_i64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0)
                .map(|f| f as i64)
        }),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// Checks an e-mail address loosely: one `@` with text on both sides and a dot after it.
pub(crate) fn looks_like_email(text: &str) -> bool {
    match text.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !text.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// Returns the current time in unix seconds.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
