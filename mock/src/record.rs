//! The log of requests the mock received, for assertions in tests.

use std::sync::Mutex;

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Value};

/// One request as the mock received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordedRequest {
    /// HTTP method, upper case.
    pub method: String,
    /// Path exactly as received, still percent-encoded, without the query.
    pub path: String,
    /// Raw query string without the `?`, if the request had one.
    pub query: Option<String>,
    /// Header names in lower case, in the order received; values that are
    /// not valid UTF-8 are converted lossily.
    pub headers: Vec<(String, String)>,
    /// Request body bytes.
    pub body: Bytes,
}

impl RecordedRequest {
    /// Returns the first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Returns the JSON form served by `GET /__mock/requests`: the body as a
    /// UTF-8 string when valid, otherwise base64 in `body_base64`.
    pub(crate) fn to_json(&self) -> Value {
        let mut out = json!({
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
        });
        match std::str::from_utf8(&self.body) {
            Ok(text) => out["body"] = Value::String(text.to_string()),
            Err(_) => {
                out["body"] = Value::Null;
                out["body_base64"] =
                    Value::String(base64::engine::general_purpose::STANDARD.encode(&self.body));
            }
        }
        out
    }
}

/// Requests received so far, in order.
#[derive(Default)]
pub(crate) struct RequestLog {
    requests: Mutex<Vec<RecordedRequest>>,
}

impl RequestLog {
    pub fn push(&self, request: RecordedRequest) {
        self.lock().push(request);
    }

    pub fn all(&self) -> Vec<RecordedRequest> {
        self.lock().clone()
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn count(&self, method: &str, path: &str) -> usize {
        self.lock()
            .iter()
            .filter(|r| r.method.eq_ignore_ascii_case(method) && r.path == path)
            .count()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<RecordedRequest>> {
        self.requests
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}
