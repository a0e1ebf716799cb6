//! Typed decoding of response bodies by envelope, with the JSON path of the
//! first value that cannot be read.

// Without `typed-api` (the code generator's build) nothing calls these.
#![cfg_attr(not(feature = "typed-api"), allow(dead_code))]

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::{Error, ErrorKind, Result};
use crate::operation::Operation;
use crate::transport::RawResponse;

/// Decodes `value` as `T`; on failure the error names the JSON path
/// (prefixed with `prefix`) and keeps the raw body.
pub(crate) fn from_value<T: DeserializeOwned>(
    op: &Operation,
    response: &RawResponse,
    value: Value,
    prefix: impl FnOnce() -> String,
) -> Result<T> {
    serde_path_to_error::deserialize(value)
        .map_err(|error| unreadable(op, response, &error, &prefix()))
}

/// Decodes the JSON text `text`, a part of `response`'s body, as `T`, with
/// the same errors as [`from_value`].
pub(crate) fn from_raw<T: DeserializeOwned>(
    op: &Operation,
    response: &RawResponse,
    text: &str,
    prefix: impl FnOnce() -> String,
) -> Result<T> {
    // Tracking the path costs on every value, so it is done only to word
    // the error, by reading the text a second time.
    serde_json::from_str(text).map_err(|fast_error| {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
            Err(error) => unreadable(op, response, &error, &prefix()),
            Ok(_) => unreadable_at(op, response, &fast_error, prefix()),
        }
    })
}

fn unreadable(
    op: &Operation,
    response: &RawResponse,
    error: &serde_path_to_error::Error<serde_json::Error>,
    prefix: &str,
) -> Error {
    let inner_path = error.path().to_string();
    let path = match (prefix.is_empty(), inner_path.as_str()) {
        (true, _) => inner_path.clone(),
        (false, ".") => prefix.to_owned(),
        (false, _) if inner_path.starts_with('[') => format!("{prefix}{inner_path}"),
        (false, _) => format!("{prefix}.{inner_path}"),
    };
    unreadable_at(op, response, error.inner(), path)
}

fn unreadable_at(
    op: &Operation,
    response: &RawResponse,
    error: &serde_json::Error,
    path: String,
) -> Error {
    Error::with_kind(
        ErrorKind::Decode,
        format!("{} returned a value that cannot be read: {error}", op.id),
    )
    .status(response.status)
    .body(response.body.clone())
    .json_path(path)
    .finish()
}

/// Decodes a whole body as `T`. An empty body decodes as JSON `null`, so
/// `()` and `Option<T>` accept it.
pub(crate) fn body<T: DeserializeOwned>(op: &Operation, response: &RawResponse) -> Result<T> {
    let blank = response.body.iter().all(u8::is_ascii_whitespace);
    if blank || op.envelope == crate::operation::Envelope::Empty {
        let value = crate::client::decode_json(op, response)?;
        return from_value(op, response, value, String::new);
    }

    // Straight from the bytes, without an intermediate `Value`.
    let decode_error = |message: String, path: Option<String>| {
        let mut builder = Error::with_kind(ErrorKind::Decode, message)
            .status(response.status)
            .body(response.body.clone());
        if let Some(path) = path {
            builder = builder.json_path(path);
        }
        builder.finish()
    };
    let not_json = |error: &serde_json::Error| {
        decode_error(
            format!("{} returned a body that is not JSON: {error}", op.id),
            None,
        )
    };
    let mut deserializer = serde_json::Deserializer::from_slice(&response.body);
    match serde_path_to_error::deserialize::<_, T>(&mut deserializer) {
        Ok(value) => deserializer
            .end()
            .map(|()| value)
            .map_err(|error| not_json(&error)),
        Err(error) if error.inner().is_syntax() || error.inner().is_eof() => {
            Err(not_json(error.inner()))
        }
        Err(error) => Err(decode_error(
            format!(
                "{} returned a value that cannot be read: {}",
                op.id,
                error.inner()
            ),
            Some(error.path().to_string()),
        )),
    }
}

/// Decodes the `data` member of a `{data: ...}` body. A bare body without
/// `data` is accepted too, since some services answer either way.
pub(crate) fn data<T: DeserializeOwned>(op: &Operation, response: &RawResponse) -> Result<T> {
    let value = crate::client::decode_json(op, response)?;
    match value {
        Value::Object(mut map) if map.contains_key("data") => {
            let data = map.remove("data").unwrap_or(Value::Null);
            from_value(op, response, data, || "data".to_owned())
        }
        other => from_value(op, response, other, String::new),
    }
}
