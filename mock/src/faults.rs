//! Injected faults: a queue of scripted misbehaviours matched against requests.

use std::sync::Mutex;
use std::time::Duration;

use base64::Engine as _;
use bytes::Bytes;
use serde_json::{json, Value};

/// Effect of a fault on a matching request: a replacement response or a change to the normal one.
#[derive(Clone, Debug, PartialEq)]
pub enum FaultKind {
    /// Wait this long, then respond normally.
    Latency(Duration),
    /// Respond with this status and an error body in the real API's shape.
    Status(u16),
    /// Respond with exactly this status, headers and body.
    Respond {
        /// HTTP status code.
        status: u16,
        /// Response headers, names as given.
        headers: Vec<(String, String)>,
        /// Response body bytes.
        body: Bytes,
    },
    /// Respond 429 with this `Retry-After` value (seconds or an HTTP date).
    RateLimited(String),
    /// Close the TCP connection without writing any response.
    DropConnection,
    /// Respond 200 with an empty body.
    EmptyBody,
    /// Respond 200 with a JSON content type and truncated JSON.
    MalformedJson,
    /// Respond with this status and an HTML error page.
    HtmlError(u16),
    /// Respond 401 as if the bearer token had expired.
    ExpiredToken,
    /// Respond normally, preflight included, but without any CORS header.
    NoCors,
}

/// A scripted fault: which requests it matches, how often, and what it does.
///
/// `Fault::on(route)` starts with [`FaultKind::Status`] 500 and no count
/// limit; the other builder methods replace the kind or set the count.
#[derive(Clone, Debug, PartialEq)]
pub struct Fault {
    route: String,
    times: Option<u32>,
    kind: FaultKind,
}

impl Fault {
    /// Starts a fault for `route`: `"METHOD /exact/path"`, `"METHOD /prefix/*"`,
    /// `"* /path"` for any method, or `"*"` for every request.
    pub fn on(route: impl Into<String>) -> Fault {
        Fault {
            route: route.into(),
            times: None,
            kind: FaultKind::Status(500),
        }
    }

    /// Applies the fault to the next `n` matching requests only.
    pub fn times(mut self, n: u32) -> Fault {
        self.times = Some(n);
        self
    }

    /// Delays the response, which is otherwise normal.
    pub fn latency(mut self, delay: Duration) -> Fault {
        self.kind = FaultKind::Latency(delay);
        self
    }

    /// Responds with `status` and an error body in the real API's shape.
    pub fn status(mut self, status: u16) -> Fault {
        self.kind = FaultKind::Status(status);
        self
    }

    /// Responds with a canned response.
    pub fn respond(
        mut self,
        status: u16,
        headers: Vec<(String, String)>,
        body: impl Into<Bytes>,
    ) -> Fault {
        self.kind = FaultKind::Respond {
            status,
            headers,
            body: body.into(),
        };
        self
    }

    /// Responds 429 with `Retry-After: retry_after`.
    pub fn rate_limited(mut self, retry_after: impl Into<String>) -> Fault {
        self.kind = FaultKind::RateLimited(retry_after.into());
        self
    }

    /// Closes the connection without any HTTP response.
    pub fn drop_connection(mut self) -> Fault {
        self.kind = FaultKind::DropConnection;
        self
    }

    /// Responds 200 with an empty body.
    pub fn empty_body(mut self) -> Fault {
        self.kind = FaultKind::EmptyBody;
        self
    }

    /// Responds 200 with truncated JSON.
    pub fn malformed_json(mut self) -> Fault {
        self.kind = FaultKind::MalformedJson;
        self
    }

    /// Responds `status` with an HTML error page, as a proxy in front of the API would.
    pub fn html_error(mut self, status: u16) -> Fault {
        self.kind = FaultKind::HtmlError(status);
        self
    }

    /// Responds 401 `{"message":"Unauthenticated."}`.
    pub fn expired_token(mut self) -> Fault {
        self.kind = FaultKind::ExpiredToken;
        self
    }

    /// Responds normally but leaves out every CORS header.
    pub fn no_cors(mut self) -> Fault {
        self.kind = FaultKind::NoCors;
        self
    }

    /// Returns the route pattern.
    pub fn route(&self) -> &str {
        &self.route
    }

    /// Returns the remaining count, `None` meaning until cleared.
    pub fn remaining(&self) -> Option<u32> {
        self.times
    }

    /// Returns what the fault does.
    pub fn kind(&self) -> &FaultKind {
        &self.kind
    }

    /// Parses the JSON form used by `POST /__mock/faults`.
    pub(crate) fn from_json(value: &Value) -> Result<Fault, String> {
        let route = value
            .get("route")
            .and_then(Value::as_str)
            .unwrap_or("*")
            .to_string();
        let mut fault = Fault::on(route);
        if let Some(times) = value.get("times").filter(|v| !v.is_null()) {
            let times = times
                .as_u64()
                .and_then(|t| u32::try_from(t).ok())
                .ok_or("`times` must be a non-negative integer")?;
            fault = fault.times(times);
        }
        let kind = value
            .get("kind")
            .and_then(Value::as_str)
            .ok_or("`kind` is missing")?;
        let status = || -> Result<u16, String> {
            let status = value
                .get("status")
                .and_then(Value::as_u64)
                .ok_or(format!("kind `{kind}` needs an integer `status`"))?;
            parse_status(&status.to_string())
        };
        let fault = match kind {
            "latency" => {
                let ms = value
                    .get("latency_ms")
                    .and_then(Value::as_u64)
                    .ok_or("kind `latency` needs an integer `latency_ms`")?;
                fault.latency(Duration::from_millis(ms))
            }
            "status" => fault.status(status()?),
            "respond" => {
                let headers = parse_header_list(value.get("headers"))?;
                let body = response_body(value)?;
                fault.respond(status()?, headers, body)
            }
            "rate_limited" => {
                let retry_after = match value.get("retry_after") {
                    Some(Value::String(text)) => text.clone(),
                    Some(Value::Number(number)) => number.to_string(),
                    None | Some(Value::Null) => "1".to_string(),
                    Some(_) => return Err("`retry_after` must be a string or a number".into()),
                };
                fault.rate_limited(retry_after)
            }
            "drop_connection" | "drop" => fault.drop_connection(),
            "empty_body" | "empty" => fault.empty_body(),
            "malformed_json" | "malformed" => fault.malformed_json(),
            "html_error" | "html" => {
                let status = match value.get("status") {
                    None | Some(Value::Null) => 502,
                    Some(_) => status()?,
                };
                fault.html_error(status)
            }
            "expired_token" | "expired" => fault.expired_token(),
            "no_cors" => fault.no_cors(),
            other => return Err(format!("unknown fault kind `{other}`")),
        };
        Ok(fault)
    }

    /// Returns the JSON form listed by `GET /__mock/faults`.
    pub(crate) fn to_json(&self) -> Value {
        let mut out = json!({"route": self.route, "times": self.times});
        let extra = match &self.kind {
            FaultKind::Latency(delay) => {
                json!({"kind": "latency", "latency_ms": delay.as_millis() as u64})
            }
            FaultKind::Status(status) => json!({"kind": "status", "status": status}),
            FaultKind::Respond {
                status,
                headers,
                body,
            } => json!({
                "kind": "respond",
                "status": status,
                "headers": headers,
                "body": String::from_utf8_lossy(body),
            }),
            FaultKind::RateLimited(retry_after) => {
                json!({"kind": "rate_limited", "retry_after": retry_after})
            }
            FaultKind::DropConnection => json!({"kind": "drop_connection"}),
            FaultKind::EmptyBody => json!({"kind": "empty_body"}),
            FaultKind::MalformedJson => json!({"kind": "malformed_json"}),
            FaultKind::HtmlError(status) => json!({"kind": "html_error", "status": status}),
            FaultKind::ExpiredToken => json!({"kind": "expired_token"}),
            FaultKind::NoCors => json!({"kind": "no_cors"}),
        };
        if let (Value::Object(out), Value::Object(extra)) = (&mut out, extra) {
            out.extend(extra);
        }
        out
    }

    fn matches(&self, method: &str, paths: &[&str]) -> bool {
        let route = self.route.trim();
        if route == "*" {
            return true;
        }
        let (route_method, route_path) = match route.split_once(char::is_whitespace) {
            Some((m, p)) => (m.trim(), p.trim()),
            // A bare path applies to every method.
            None => ("*", route),
        };
        if route_method != "*" && !route_method.eq_ignore_ascii_case(method) {
            return false;
        }
        if route_path == "*" {
            return true;
        }
        paths.iter().any(|path| path_matches(route_path, path))
    }
}

fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => path.starts_with(prefix),
        None => trim_slash(pattern) == trim_slash(path),
    }
}

fn trim_slash(path: &str) -> &str {
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        "/"
    } else {
        trimmed
    }
}

fn parse_status(text: &str) -> Result<u16, String> {
    match text.trim().parse::<u16>() {
        Ok(status) if (100..=999).contains(&status) => Ok(status),
        _ => Err(format!("invalid HTTP status `{text}`: use 100-999")),
    }
}

fn parse_header_list(value: Option<&Value>) -> Result<Vec<(String, String)>, String> {
    let invalid = || "`headers` must be an object of strings or a list of [name, value] pairs";
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Object(map)) => map
            .iter()
            .map(|(name, value)| match value {
                Value::String(text) => Ok((name.clone(), text.clone())),
                _ => Err(invalid().to_string()),
            })
            .collect(),
        Some(Value::Array(pairs)) => pairs
            .iter()
            .map(|pair| match pair.as_array().map(Vec::as_slice) {
                Some([Value::String(name), Value::String(value)]) => {
                    Ok((name.clone(), value.clone()))
                }
                _ => Err(invalid().to_string()),
            })
            .collect(),
        Some(_) => Err(invalid().to_string()),
    }
}

/// Reads `body` (a string is sent as is, any other JSON value serialized) or
/// `body_base64`.
fn response_body(value: &Value) -> Result<Bytes, String> {
    if let Some(encoded) = value.get("body_base64").and_then(Value::as_str) {
        return base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .map(Bytes::from)
            .map_err(|error| format!("`body_base64` is not valid base64: {error}"));
    }
    Ok(match value.get("body") {
        None | Some(Value::Null) => Bytes::new(),
        Some(Value::String(text)) => Bytes::from(text.clone()),
        Some(other) => Bytes::from(other.to_string()),
    })
}

/// Parses an `x-mock-fault` request header value, such as `status=503`,
/// `latency=200ms`, `drop`, `empty`, `malformed`, `retry-after=1`, `html=502`,
/// `expired` or `no-cors`.
pub(crate) fn parse_header(text: &str) -> Result<FaultKind, String> {
    let text = text.trim();
    let (name, argument) = match text.split_once('=') {
        Some((name, argument)) => (name.trim(), Some(argument.trim())),
        None => (text, None),
    };
    let needs = |what: &str| format!("x-mock-fault `{name}` needs a value, e.g. `{name}={what}`");
    match (name.to_ascii_lowercase().as_str(), argument) {
        ("status", Some(status)) => Ok(FaultKind::Status(parse_status(status)?)),
        ("status", None) => Err(needs("503")),
        ("latency" | "delay", Some(delay)) => Ok(FaultKind::Latency(parse_duration(delay)?)),
        ("latency" | "delay", None) => Err(needs("200ms")),
        ("drop" | "drop_connection" | "drop-connection", None) => Ok(FaultKind::DropConnection),
        ("empty" | "empty_body" | "empty-body", None) => Ok(FaultKind::EmptyBody),
        ("malformed" | "malformed_json" | "malformed-json", None) => Ok(FaultKind::MalformedJson),
        ("retry-after" | "rate-limited" | "rate_limited" | "429", argument) => {
            Ok(FaultKind::RateLimited(argument.unwrap_or("1").to_string()))
        }
        ("html" | "html_error" | "html-error", argument) => Ok(FaultKind::HtmlError(
            argument.map(parse_status).transpose()?.unwrap_or(502),
        )),
        ("expired" | "expired_token" | "expired-token", None) => Ok(FaultKind::ExpiredToken),
        ("no-cors" | "no_cors", None) => Ok(FaultKind::NoCors),
        _ => Err(format!(
            "invalid x-mock-fault `{text}`: use status=503, latency=200ms, drop, empty, \
             malformed, retry-after=1, html=502, expired or no-cors"
        )),
    }
}

/// Parses `200ms`, `2s` or a bare number of milliseconds.
fn parse_duration(text: &str) -> Result<Duration, String> {
    let invalid = || format!("invalid latency `{text}`: use e.g. 200ms, 2s or 150");
    if let Some(ms) = text.strip_suffix("ms") {
        return ms
            .trim()
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| invalid());
    }
    if let Some(secs) = text.strip_suffix('s') {
        return secs
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .ok_or_else(invalid);
    }
    text.parse()
        .map(Duration::from_millis)
        .map_err(|_| invalid())
}

/// The queue of injected faults, matched in injection order.
#[derive(Default)]
pub(crate) struct FaultQueue {
    faults: Mutex<Vec<Fault>>,
}

impl FaultQueue {
    pub fn push(&self, fault: Fault) {
        if fault.times == Some(0) {
            return;
        }
        self.lock().push(fault);
    }

    pub fn clear(&self) {
        self.lock().clear();
    }

    pub fn list(&self) -> Vec<Fault> {
        self.lock().clone()
    }

    /// Takes the first fault matching the request, using up one of its count.
    pub fn take(&self, method: &str, paths: &[&str]) -> Option<FaultKind> {
        let mut faults = self.lock();
        let index = faults.iter().position(|f| f.matches(method, paths))?;
        let kind = faults[index].kind.clone();
        if let Some(times) = faults[index].times.as_mut() {
            *times -= 1;
            if *times == 0 {
                faults.remove(index);
            }
        }
        Some(kind)
    }

    /// Tells whether a `no_cors` fault matches, without using it up, for
    /// preflight requests: the fault applies to the real request that follows.
    pub fn has_no_cors(&self, method: &str, paths: &[&str]) -> bool {
        self.lock()
            .iter()
            .any(|f| f.kind == FaultKind::NoCors && f.matches(method, paths))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Fault>> {
        self.faults
            .lock()
            .unwrap_or_else(|poison| poison.into_inner())
    }
}

/// Builds the JSON error body a real portal would send with `status`.
pub(crate) fn status_body(status: u16, path: &str) -> Value {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("Error");
    match status {
        401 => json!({"message": "Unauthenticated."}),
        422 => json!({"status": false, "errors": {"fault": ["Injected validation error."]}}),
        _ if path.starts_with("/crm/") => json!({"status": status, "error": reason}),
        _ => json!({"status": false, "message": reason}),
    }
}

/// Builds the HTML page a reverse proxy returns for `status`.
pub(crate) fn html_page(status: u16) -> String {
    let reason = http::StatusCode::from_u16(status)
        .ok()
        .and_then(|code| code.canonical_reason())
        .unwrap_or("Error");
    format!(
        "<!DOCTYPE html>\n<html>\n<head><title>{status} {reason}</title></head>\n<body>\n\
         <h1>{status} {reason}</h1>\n<p>The upstream server did not answer.</p>\n\
         <hr><address>nginx</address>\n</body>\n</html>\n"
    )
}

/// A JSON document cut off in the middle of a string.
pub(crate) const MALFORMED_JSON: &str = "{\"data\":[{\"id\":1,\"title\":\"Угода";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_forms_match() {
        let paths = ["/crm/v1/entities/deals/"];
        assert!(Fault::on("*").matches("GET", &paths));
        assert!(Fault::on("GET /crm/v1/entities/deals").matches("GET", &paths));
        assert!(!Fault::on("POST /crm/v1/entities/deals").matches("GET", &paths));
        assert!(Fault::on("GET /crm/*").matches("GET", &paths));
        assert!(Fault::on("* /crm/v1/entities/deals").matches("PATCH", &paths));
        assert!(!Fault::on("GET /crm/v1/entities").matches("GET", &paths));
    }

    #[test]
    fn counted_fault_used_up() {
        let queue = FaultQueue::default();
        queue.push(Fault::on("GET /a").status(503).times(2));
        assert_eq!(queue.take("GET", &["/a"]), Some(FaultKind::Status(503)));
        assert_eq!(queue.take("GET", &["/a"]), Some(FaultKind::Status(503)));
        assert_eq!(queue.take("GET", &["/a"]), None);
    }

    #[test]
    fn header_forms() {
        assert_eq!(parse_header("status=503"), Ok(FaultKind::Status(503)));
        assert_eq!(
            parse_header("latency=200ms"),
            Ok(FaultKind::Latency(Duration::from_millis(200)))
        );
        assert_eq!(
            parse_header("latency=1.5s"),
            Ok(FaultKind::Latency(Duration::from_millis(1500)))
        );
        assert_eq!(parse_header("drop"), Ok(FaultKind::DropConnection));
        assert_eq!(
            parse_header("retry-after=2"),
            Ok(FaultKind::RateLimited("2".into()))
        );
        assert_eq!(parse_header("html=504"), Ok(FaultKind::HtmlError(504)));
        assert!(parse_header("status=abc").is_err());
        assert!(parse_header("explode").is_err());
    }

    #[test]
    fn json_form_round_trip() {
        let fault = Fault::from_json(&json!({
            "route": "GET /x", "times": 1, "kind": "respond", "status": 200,
            "headers": {"x-a": "1"}, "body": {"data": []}
        }))
        .unwrap();
        assert_eq!(
            fault.kind(),
            &FaultKind::Respond {
                status: 200,
                headers: vec![("x-a".into(), "1".into())],
                body: Bytes::from_static(b"{\"data\":[]}"),
            }
        );
        assert!(Fault::from_json(&json!({"kind": "boom"})).is_err());
        assert!(Fault::from_json(&json!({"kind": "status"})).is_err());
    }
}
