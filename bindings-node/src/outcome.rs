//! Outcomes of async calls as plain objects, with core errors and panics
//! turned into [`ErrorInfo`].

use std::any::Any;
use std::collections::HashMap;
use std::future::Future;
use std::panic::AssertUnwindSafe;

use futures::FutureExt;
use napi::bindgen_prelude::{Either, Latin1String, Utf16String};
use napi_derive::napi;
use uspacy::Error;

/// A core error with every field the JavaScript error classes carry.
#[napi(object)]
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    /// `api`, `unauthorized`, `forbidden`, `not_found`, `validation`,
    /// `rate_limited`, `session_expired`, `duplicate`, `network`,
    /// `timeout`, `decode`, `config`, or `internal` for a caught panic.
    pub kind: String,
    /// The full description: kind, server message, method, URL and status.
    pub message: String,
    /// The server's own message, or the description of a local failure.
    pub server_message: String,
    pub status: Option<u32>,
    pub method: Option<String>,
    /// The request URL; a webhook key in it reads `***`.
    pub url: Option<String>,
    pub field_errors: HashMap<String, Vec<String>>,
    /// The raw response body as text (invalid UTF-8 replaced).
    pub body: Option<String>,
    /// Seconds the server asked to wait (`Retry-After`).
    pub retry_after: Option<f64>,
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
            status: error.status().map(u32::from),
            method: error.method().map(|method| method.as_str().to_owned()),
            url: error.url().map(str::to_owned),
            field_errors: error
                .field_errors()
                .iter()
                .map(|(field, messages)| (field.clone(), messages.clone()))
                .collect(),
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
    /// Builds an internal failure: a panic in the addon or the core.
    pub fn internal(message: String) -> ErrorInfo {
        ErrorInfo {
            kind: "internal".to_owned(),
            message: format!("internal error in the uspacy addon: {message}"),
            server_message: message,
            status: None,
            method: None,
            url: None,
            field_errors: HashMap::new(),
            body: None,
            retry_after: None,
            json_path: None,
            retryable: false,
        }
    }

    /// Builds the error for a caught panic, with its message when it has one.
    pub fn from_panic(payload: Box<dyn Any + Send>) -> ErrorInfo {
        let text = payload
            .downcast_ref::<&str>()
            .map(|text| (*text).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        ErrorInfo::internal(format!("panic: {text}"))
    }
}

/// Something an outcome object can be built from when the work fails.
pub trait Failed {
    fn failed(error: ErrorInfo) -> Self;
}

/// Runs `work` and turns a panic inside it into a failed outcome, so a
/// bug rejects one call instead of tearing down the process.
pub async fn guarded<T: Failed>(work: impl Future<Output = T>) -> napi::Result<T> {
    match AssertUnwindSafe(work).catch_unwind().await {
        Ok(outcome) => Ok(outcome),
        Err(payload) => Ok(T::failed(ErrorInfo::from_panic(payload))),
    }
}

/// A response body as JavaScript text: Latin-1 bytes when the body is
/// ASCII (JSON with `\u` escapes), else UTF-16 code units. Either way the
/// JavaScript thread only copies it into a string; decoding UTF-8 happens
/// on the runtime thread that calls this.
pub type BodyText = Either<Latin1String, Utf16String>;

/// Converts a response body to [`BodyText`]; fails when it is not UTF-8.
pub fn body_text(body: &[u8]) -> Result<BodyText, std::str::Utf8Error> {
    let text = std::str::from_utf8(body)?;
    if text.is_ascii() {
        return Ok(Either::A(Latin1String::from(text.to_owned())));
    }
    Ok(Either::B(Utf16String::from(utf16(text))))
}

/// Encodes `text` as UTF-16. Most of a JSON body is ASCII even when its
/// values are Cyrillic, so ASCII runs are widened byte by byte in a loop the
/// compiler vectorizes, where `str::encode_utf16` decodes every character.
fn utf16(text: &str) -> Vec<u16> {
    let mut units = Vec::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let ascii = rest
            .bytes()
            .position(|byte| !byte.is_ascii())
            .unwrap_or(rest.len());
        units.extend(rest.as_bytes()[..ascii].iter().map(|&byte| u16::from(byte)));
        rest = &rest[ascii..];
        let mut chars = rest.chars();
        if let Some(first) = chars.next() {
            let mut buffer = [0u16; 2];
            units.extend_from_slice(first.encode_utf16(&mut buffer));
            rest = chars.as_str();
        }
    }
    units
}

#[cfg(test)]
mod tests {
    use super::utf16;

    #[test]
    fn utf16_matches_the_standard_encoder() {
        for text in [
            "",
            "plain",
            "Угода №5",
            "a😀b",
            "😀",
            "ї{\"x\":\"ґ\"}z",
            "€ 1 000,50 ₴",
        ] {
            assert_eq!(
                utf16(text),
                text.encode_utf16().collect::<Vec<u16>>(),
                "{text}"
            );
        }
    }
}

/// The outcome of one call: the raw response body, or an error.
#[napi(object)]
pub struct CallOutcome {
    /// The 2xx response body as text, for `JSON.parse` on the JavaScript
    /// side (faster than building the objects value by value here).
    pub body: Option<BodyText>,
    pub status: Option<u32>,
    pub error: Option<ErrorInfo>,
}

impl Failed for CallOutcome {
    fn failed(error: ErrorInfo) -> CallOutcome {
        CallOutcome {
            body: None,
            status: None,
            error: Some(error),
        }
    }
}

/// The outcome of a call without a result (`authenticate`).
#[napi(object)]
pub struct EmptyOutcome {
    pub error: Option<ErrorInfo>,
}

impl Failed for EmptyOutcome {
    fn failed(error: ErrorInfo) -> EmptyOutcome {
        EmptyOutcome { error: Some(error) }
    }
}
