//! The one error type of the SDK.
//!
//! Every failure is an [`Error`] with an [`ErrorKind`]. Failures that came
//! from an HTTP response keep its status, the request's method and URL (with
//! any webhook key redacted), the server's message, its field errors and the
//! raw body, even when that body is not JSON.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde_json::Value;

use crate::operation::Method;

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong, coarsely: the part callers branch on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// Any other non-2xx answer (400, 409, 5xx, ...).
    Api,
    /// 401: the credentials were rejected, or still were after one refresh.
    Unauthorized,
    /// 403: the user may not do this.
    Forbidden,
    /// 404: no such resource or route.
    NotFound,
    /// 422 (or 400 with field errors): the request body or query is invalid.
    Validation,
    /// 429 after the allowed retries; see [`Error::retry_after`].
    RateLimited,
    /// The refresh token was rejected, or an access token expired with no
    /// way to renew it. The client makes no further refresh attempts.
    SessionExpired,
    /// The messenger's MongoDB `E11000 duplicate key` answer: a message or
    /// chat with that id already exists.
    Duplicate,
    /// The request could not be sent or the connection broke.
    Network,
    /// The request, or the connection attempt, timed out.
    Timeout,
    /// A 2xx response whose body does not have the expected shape.
    Decode,
    /// Invalid configuration or arguments, found before anything was sent.
    Config,
}

impl ErrorKind {
    /// Every kind, for bindings that give each one an error class.
    pub const ALL: [ErrorKind; 12] = [
        ErrorKind::Api,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::Validation,
        ErrorKind::RateLimited,
        ErrorKind::SessionExpired,
        ErrorKind::Duplicate,
        ErrorKind::Network,
        ErrorKind::Timeout,
        ErrorKind::Decode,
        ErrorKind::Config,
    ];

    /// Returns the kind's name in every binding (`not_found`,
    /// `rate_limited`, ...), which is the `kind` attribute of their errors.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Api => "api",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Validation => "validation",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::SessionExpired => "session_expired",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Decode => "decode",
            ErrorKind::Config => "config",
        }
    }

    fn label(self) -> &'static str {
        match self {
            ErrorKind::Api => "API error",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not found",
            ErrorKind::Validation => "validation failed",
            ErrorKind::RateLimited => "rate limited",
            ErrorKind::SessionExpired => "session expired",
            ErrorKind::Duplicate => "duplicate",
            ErrorKind::Network => "network error",
            ErrorKind::Timeout => "timed out",
            ErrorKind::Decode => "invalid response",
            ErrorKind::Config => "invalid configuration",
        }
    }
}

/// An SDK failure. Cheap to clone, so one refresh failure can be handed to
/// every call that waited for it.
#[derive(Clone)]
pub struct Error {
    inner: Arc<Inner>,
}

#[derive(Default)]
struct Inner {
    kind: Option<ErrorKind>,
    message: String,
    status: Option<u16>,
    method: Option<Method>,
    url: Option<String>,
    field_errors: BTreeMap<String, Vec<String>>,
    body: Option<Bytes>,
    retry_after: Option<Duration>,
    json_path: Option<String>,
    source: Option<Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    fn build(kind: ErrorKind, message: impl Into<String>) -> ErrorBuilder {
        ErrorBuilder {
            inner: Inner {
                kind: Some(kind),
                message: message.into(),
                ..Inner::default()
            },
        }
    }

    /// A configuration or argument error, raised before anything is sent.
    pub fn config(message: impl Into<String>) -> Error {
        Error::build(ErrorKind::Config, message).finish()
    }

    /// An error of `kind` with `message` and nothing else, for hosts that
    /// report their own failures (a token provider, a value conversion).
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error::build(kind, message).finish()
    }

    pub(crate) fn with_kind(kind: ErrorKind, message: impl Into<String>) -> ErrorBuilder {
        Error::build(kind, message)
    }

    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        self.inner.kind.unwrap_or(ErrorKind::Api)
    }

    /// The server's message, or a description of the failure.
    pub fn message(&self) -> &str {
        &self.inner.message
    }

    /// The HTTP status, when a response arrived.
    pub fn status(&self) -> Option<u16> {
        self.inner.status
    }

    /// The HTTP method of the failed request.
    pub fn method(&self) -> Option<Method> {
        self.inner.method
    }

    /// The URL of the failed request; a webhook key in it reads `***`.
    pub fn url(&self) -> Option<&str> {
        self.inner.url.as_deref()
    }

    /// Per-field validation messages from an `errors: {field: [..]}` body.
    pub fn field_errors(&self) -> &BTreeMap<String, Vec<String>> {
        &self.inner.field_errors
    }

    /// The raw response body, JSON or not.
    pub fn body(&self) -> Option<&Bytes> {
        self.inner.body.as_ref()
    }

    /// How long the server asked to wait, for rate-limit errors.
    pub fn retry_after(&self) -> Option<Duration> {
        self.inner.retry_after
    }

    /// For decode errors: the JSON path of the value that could not be read
    /// (`data[3].amount.value`).
    pub fn json_path(&self) -> Option<&str> {
        self.inner.json_path.as_deref()
    }

    /// Whether the same request may succeed later without changes: rate
    /// limits, network failures, timeouts and 5xx answers.
    pub fn is_retryable(&self) -> bool {
        match self.kind() {
            ErrorKind::RateLimited | ErrorKind::Network | ErrorKind::Timeout => true,
            ErrorKind::Api => {
                matches!(self.status(), Some(status) if status >= 500 || status == 408)
            }
            _ => false,
        }
    }

    /// Builds the error for a non-2xx response, reading the server's message
    /// and field errors from whichever known body shape it has.
    pub(crate) fn from_response(
        status: u16,
        method: Method,
        url: String,
        body: Bytes,
        retry_after: Option<Duration>,
    ) -> Error {
        let parsed: Option<Value> = serde_json::from_slice(&body).ok();
        let field_errors = parsed.as_ref().map(read_field_errors).unwrap_or_default();
        let server_message = parsed.as_ref().and_then(read_message);

        let is_duplicate = server_message
            .as_deref()
            .is_some_and(|text| text.contains("E11000"));
        let kind = match status {
            _ if is_duplicate => ErrorKind::Duplicate,
            401 => ErrorKind::Unauthorized,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            422 => ErrorKind::Validation,
            400 if !field_errors.is_empty() => ErrorKind::Validation,
            429 => ErrorKind::RateLimited,
            _ => ErrorKind::Api,
        };

        let message = server_message
            .or_else(|| first_field_error(&field_errors))
            .unwrap_or_else(|| format!("HTTP {status} {}", reason_phrase(status)));

        let mut builder = Error::build(kind, message)
            .status(status)
            .request(method, url)
            .body(body);
        builder.inner.field_errors = field_errors;
        builder.inner.retry_after = retry_after;
        builder.finish()
    }
}

/// Sets the optional parts of an [`Error`].
pub(crate) struct ErrorBuilder {
    inner: Inner,
}

impl ErrorBuilder {
    pub(crate) fn status(mut self, status: u16) -> Self {
        self.inner.status = Some(status);
        self
    }

    pub(crate) fn request(mut self, method: Method, url: String) -> Self {
        self.inner.method = Some(method);
        self.inner.url = Some(url);
        self
    }

    pub(crate) fn body(mut self, body: Bytes) -> Self {
        self.inner.body = Some(body);
        self
    }

    pub(crate) fn json_path(mut self, path: String) -> Self {
        self.inner.json_path = Some(path);
        self
    }

    pub(crate) fn source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.inner.source = Some(Arc::new(source));
        self
    }

    pub(crate) fn finish(self) -> Error {
        Error {
            inner: Arc::new(self.inner),
        }
    }
}

/// Reads `message` (a string or a list of strings) or `error` from a body.
fn read_message(body: &Value) -> Option<String> {
    let text = |value: &Value| match value {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Array(items) => {
            let parts: Vec<&str> = items.iter().filter_map(Value::as_str).collect();
            (!parts.is_empty()).then(|| parts.join("; "))
        }
        _ => None,
    };
    body.get("message")
        .and_then(text)
        .or_else(|| body.get("error").and_then(text))
}

/// Reads `errors: {field: [messages]}` (a single string per field is accepted too).
fn read_field_errors(body: &Value) -> BTreeMap<String, Vec<String>> {
    let Some(Value::Object(errors)) = body.get("errors") else {
        return BTreeMap::new();
    };
    errors
        .iter()
        .map(|(field, messages)| {
            let messages = match messages {
                Value::Array(items) => items
                    .iter()
                    .map(|item| {
                        item.as_str()
                            .map_or_else(|| item.to_string(), str::to_owned)
                    })
                    .collect(),
                Value::String(text) => vec![text.clone()],
                other => vec![other.to_string()],
            };
            (field.clone(), messages)
        })
        .collect()
}

fn first_field_error(field_errors: &BTreeMap<String, Vec<String>>) -> Option<String> {
    let (field, messages) = field_errors.iter().next()?;
    Some(
        messages
            .first()
            .cloned()
            .unwrap_or_else(|| format!("{field} is invalid")),
    )
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind().label(), self.inner.message)?;
        if let (Some(method), Some(url)) = (self.inner.method, &self.inner.url) {
            write!(f, " ({method} {url}")?;
            if let Some(status) = self.inner.status {
                write!(f, " -> {status}")?;
            }
            f.write_str(")")?;
        }
        if let Some(path) = &self.inner.json_path {
            write!(f, " at `{path}`")?;
        }
        Ok(())
    }
}

/// Shows everything but the body's content, which may hold personal data;
/// [`Error::body`] returns it.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind())
            .field("message", &self.inner.message)
            .field("status", &self.inner.status)
            .field("method", &self.inner.method)
            .field("url", &self.inner.url)
            .field("field_errors", &self.inner.field_errors)
            .field("body_len", &self.inner.body.as_ref().map(Bytes::len))
            .field("retry_after", &self.inner.retry_after)
            .field("json_path", &self.inner.json_path)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.inner
            .source
            .as_deref()
            .map(|source| source as &(dyn std::error::Error + 'static))
    }
}
