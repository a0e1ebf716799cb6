//! One HTTP attempt: headers, timeout, and the response read into memory.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER};
use url::Url;

use crate::config::{Config, Timeouts};
use crate::error::{Error, ErrorKind, Result};
use crate::operation::{BodyKind, Method, Operation};
use crate::request::{redact_url, Prepared};
use crate::rt;
use crate::secret::Secret;

/// A response read in full.
#[derive(Clone, Debug)]
pub struct RawResponse {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl RawResponse {
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The `Retry-After` header as a duration: delay-seconds or an HTTP date.
    pub fn retry_after(&self) -> Option<Duration> {
        parse_retry_after(self.headers.get(RETRY_AFTER)?.to_str().ok()?)
    }

    /// The error for this non-2xx response to a request of `op` sent to `url`.
    pub(crate) fn into_error(self, op: &Operation, url: &Url) -> Error {
        let retry_after = self.retry_after();
        Error::from_response(
            self.status,
            op.method,
            redact_url(url),
            self.body,
            retry_after,
        )
    }
}

/// Parses `Retry-After`: a number of seconds, or an HTTP date (then the
/// time left until it, zero when it has passed).
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let date_ms = date.duration_since(std::time::UNIX_EPOCH).ok()?.as_millis() as u64;
    Some(Duration::from_millis(
        date_ms.saturating_sub(rt::now_unix_ms()),
    ))
}

/// The HTTP client of one SDK client, with its base URL and time limits.
pub(crate) struct Transport {
    http: reqwest::Client,
    base_url: Url,
    timeouts: Timeouts,
}

impl Transport {
    pub(crate) fn new(config: &Config, base_url: Url) -> Result<Transport> {
        let builder = reqwest::Client::builder();
        #[cfg(not(target_arch = "wasm32"))]
        let builder = builder
            .connect_timeout(config.timeouts.connect)
            .user_agent(config.user_agent.clone());
        let http = builder.build().map_err(|error| {
            Error::config(format!(
                "could not create the HTTP client: {}",
                error.without_url()
            ))
        })?;
        Ok(Transport {
            http,
            base_url,
            timeouts: config.timeouts,
        })
    }

    pub(crate) fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// Sends one attempt and reads the whole body. Only transport failures
    /// are errors here; every HTTP status comes back as a response.
    pub(crate) async fn send(
        &self,
        op: &Operation,
        prepared: &Prepared,
        bearer: Option<&Secret>,
    ) -> Result<RawResponse> {
        let method = match op.method {
            Method::Get => reqwest::Method::GET,
            Method::Post => reqwest::Method::POST,
            Method::Put => reqwest::Method::PUT,
            Method::Patch => reqwest::Method::PATCH,
            Method::Delete => reqwest::Method::DELETE,
        };
        let timeout = if op.body == BodyKind::Multipart {
            self.timeouts.upload
        } else {
            self.timeouts.request
        };

        let mut request = self
            .http
            .request(method, prepared.url.clone())
            .header(ACCEPT, HeaderValue::from_static("application/json"))
            .timeout(timeout);
        if let Some(token) = bearer {
            let mut value =
                HeaderValue::from_str(&format!("Bearer {}", token.expose())).map_err(|_| {
                    Error::config(
                        "the access token contains characters that cannot be sent in a header",
                    )
                })?;
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        if let Some((bytes, content_type)) = &prepared.body {
            request = request
                .header(CONTENT_TYPE, content_type.as_str())
                .body(bytes.clone());
        }

        let response = request
            .send()
            .await
            .map_err(|error| transport_error(op, &prepared.url, error))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response
            .bytes()
            .await
            .map_err(|error| transport_error(op, &prepared.url, error))?;
        Ok(RawResponse {
            status,
            headers,
            body,
        })
    }
}

/// Maps a reqwest failure to a network or timeout error. The URL is
/// dropped from reqwest's error and the redacted one is kept instead, so a
/// webhook key never reaches a message.
fn transport_error(op: &Operation, url: &Url, error: reqwest::Error) -> Error {
    let error = error.without_url();
    let kind = if error.is_timeout() {
        ErrorKind::Timeout
    } else {
        ErrorKind::Network
    };
    let mut message = match kind {
        ErrorKind::Timeout => "the request timed out".to_owned(),
        _ if is_connect(&error) => "could not connect to the portal".to_owned(),
        _ => "the request failed".to_owned(),
    };
    let mut source: Option<&dyn std::error::Error> = std::error::Error::source(&error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause_text(&cause.to_string()));
        source = cause.source();
    }
    Error::with_kind(kind, message)
        .request(op.method, redact_url(url))
        .source(error)
        .finish()
}

/// Returns the first line of a cause. In browsers reqwest wraps the `fetch`
/// rejection as `JsValue(TypeError: Failed to fetch` followed by the
/// JavaScript stack; the message keeps `TypeError: Failed to fetch`.
fn cause_text(text: &str) -> String {
    let line = text.lines().next().unwrap_or_default();
    let Some(inner) = line.strip_prefix("JsValue(") else {
        return line.to_owned();
    };
    // A one-line value keeps the wrapper's closing parenthesis.
    let unbalanced = inner.matches(')').count() > inner.matches('(').count();
    match inner.strip_suffix(')') {
        Some(trimmed) if unbalanced => trimmed.to_owned(),
        _ => inner.to_owned(),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn is_connect(error: &reqwest::Error) -> bool {
    error.is_connect()
}

#[cfg(target_arch = "wasm32")]
fn is_connect(_error: &reqwest::Error) -> bool {
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cause_text_keeps_the_first_line_without_wrapper() {
        let cases = [
            (
                "tcp connect error: Connection refused (os error 111)",
                "tcp connect error: Connection refused (os error 111)",
            ),
            (
                "JsValue(TypeError: Failed to fetch\nTypeError: Failed to fetch\n    at x (y.js:1:2))",
                "TypeError: Failed to fetch",
            ),
            (
                "JsValue(TypeError: NetworkError (offline))",
                "TypeError: NetworkError (offline)",
            ),
            ("", ""),
        ];
        for (text, expected) in cases {
            assert_eq!(cause_text(text), expected, "{text}");
        }
    }

    #[test]
    fn retry_after_seconds() {
        assert_eq!(parse_retry_after("1"), Some(Duration::from_secs(1)));
        assert_eq!(parse_retry_after(" 120 "), Some(Duration::from_secs(120)));
    }

    #[test]
    fn retry_after_past_date_is_zero() {
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn retry_after_future_date() {
        let in_ten = std::time::SystemTime::now() + Duration::from_secs(10);
        let wait = parse_retry_after(&httpdate::fmt_http_date(in_ten)).unwrap();
        assert!(
            wait <= Duration::from_secs(10) && wait >= Duration::from_secs(8),
            "{wait:?}"
        );
    }

    #[test]
    fn retry_after_garbage() {
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("-5"), None);
    }
}
