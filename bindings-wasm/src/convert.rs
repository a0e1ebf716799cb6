//! Values and errors between the core and JavaScript.
//!
//! JavaScript values become `serde_json::Value` through serde-wasm-bindgen,
//! and results go back with its JSON-compatible serializer, so objects
//! arrive as plain objects (never `Map`) and `null` stays `null`.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use uspacy::Error;
use wasm_bindgen::JsValue;

/// A core error with every field the JavaScript error classes carry.
/// Fields without a value are left out, so they read `undefined` in
/// JavaScript as they do in the Node.js package.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorInfo {
    /// `api`, `unauthorized`, `forbidden`, `not_found`, `validation`,
    /// `rate_limited`, `session_expired`, `duplicate`, `network`,
    /// `timeout`, `decode`, `config`, or `internal`.
    pub kind: String,
    /// The full description: kind, server message, method, URL and status.
    pub message: String,
    /// The server's own message, or the description of a local failure.
    pub server_message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The request URL; a webhook key in it reads `***`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    pub field_errors: BTreeMap<String, Vec<String>>,
    /// The raw response body as text (invalid UTF-8 replaced).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Seconds the server asked to wait (`Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// Whether the same request may succeed later without changes.
    pub retryable: bool,
}

impl From<&Error> for ErrorInfo {
    fn from(error: &Error) -> ErrorInfo {
        ErrorInfo {
            kind: error.kind().code().to_owned(),
            message: error.to_string(),
            server_message: error.message().to_owned(),
            status: error.status(),
            method: error.method().map(|method| method.as_str().to_owned()),
            url: error.url().map(str::to_owned),
            field_errors: error.field_errors().clone(),
            body: error
                .body()
                .map(|body| String::from_utf8_lossy(body).into_owned()),
            retry_after: error.retry_after().map(|wait| wait.as_secs_f64()),
            json_path: error.json_path().map(str::to_owned),
            retryable: error.is_retryable(),
        }
    }
}

impl ErrorInfo {
    /// Builds an internal failure: a bug in this module, not an API error.
    pub fn internal(message: &str) -> ErrorInfo {
        ErrorInfo {
            kind: "internal".to_owned(),
            message: format!("internal error in the uspacy WebAssembly module: {message}"),
            server_message: message.to_owned(),
            status: None,
            method: None,
            url: None,
            field_errors: BTreeMap::new(),
            body: None,
            retry_after: None,
            json_path: None,
            retryable: false,
        }
    }
}

/// Converts a serializable value to a plain JavaScript value.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, serde_wasm_bindgen::Error> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
}

/// Reads a JavaScript value as JSON; `undefined` and `null` are `null`.
pub fn from_js(name: &str, value: JsValue) -> Result<Value, Error> {
    if value.is_undefined() || value.is_null() {
        return Ok(Value::Null);
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|error| Error::config(format!("{name} cannot be sent as JSON: {error}")))
}

/// Builds `{key: value}` as a plain object.
pub fn object(entries: &[(&str, &JsValue)]) -> JsValue {
    let target = js_sys::Object::new();
    for (key, value) in entries {
        // Setting a property on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&target, &JsValue::from_str(key), value);
    }
    target.into()
}

/// Builds the outcome `{error}` for a core error.
pub fn error_outcome(error: &Error) -> JsValue {
    info_outcome(&ErrorInfo::from(error))
}

/// Builds the outcome `{error}` for an internal failure.
pub fn internal_outcome(message: &str) -> JsValue {
    info_outcome(&ErrorInfo::internal(message))
}

fn info_outcome(info: &ErrorInfo) -> JsValue {
    match to_js(info) {
        Ok(error) => object(&[("error", &error)]),
        // An `ErrorInfo` holds only strings, numbers and maps of strings,
        // so this branch is not expected; it still returns an outcome.
        Err(_) => {
            let error = object(&[
                ("kind", &JsValue::from_str("internal")),
                ("message", &JsValue::from_str(&info.message)),
            ]);
            object(&[("error", &error)])
        }
    }
}

/// Converts a JSON result for JavaScript. An integer outside the range a
/// JavaScript number represents exactly (±(2^53 − 1)) becomes the nearest
/// double, as `JSON.parse` reads it, where serde-wasm-bindgen would fail.
pub fn json_to_js(value: &Value) -> Result<JsValue, serde_wasm_bindgen::Error> {
    to_js(value).or_else(|_| to_js(&with_lossy_integers(value.clone())))
}

fn with_lossy_integers(value: Value) -> Value {
    const MAX_SAFE: u64 = (1 << 53) - 1;
    match value {
        Value::Number(number) => {
            let safe = match (number.as_u64(), number.as_i64()) {
                (Some(unsigned), _) => unsigned <= MAX_SAFE,
                (None, Some(signed)) => signed.unsigned_abs() <= MAX_SAFE,
                // A float already is a JavaScript number.
                (None, None) => true,
            };
            match (safe, number.as_f64()) {
                (false, Some(lossy)) => Value::from(lossy),
                _ => Value::Number(number),
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(with_lossy_integers).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(key, item)| (key, with_lossy_integers(item)))
                .collect(),
        ),
        other => other,
    }
}

/// Builds the outcome `{value}` for a JSON result, or `{error}` when it
/// cannot be converted.
pub fn value_outcome(value: &Value) -> JsValue {
    match json_to_js(value) {
        Ok(converted) => object(&[("value", &converted)]),
        Err(error) => internal_outcome(&format!("a result could not be converted: {error}")),
    }
}
