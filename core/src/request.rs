//! The parts of one call: path parameters, query and body, turned into a
//! URL and body bytes once, before the first attempt.

use bytes::Bytes;
use serde_json::{Map, Value};
use url::Url;

use crate::error::{Error, Result};
use crate::operation::{BodyKind, Operation};
use crate::query;

/// A request body.
#[derive(Clone, Debug, Default)]
pub enum Body {
    #[default]
    None,
    /// Serialized as JSON. Sent with DELETE too, where the API expects it.
    Json(Value),
    /// `multipart/form-data`.
    Multipart(Multipart),
}

/// A `multipart/form-data` body: text fields and files.
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    pub fields: Vec<(String, String)>,
    pub files: Vec<FilePart>,
}

/// One file of a multipart body.
#[derive(Clone, Debug)]
pub struct FilePart {
    /// The form field name; empty takes the operation's file field
    /// (`files[]` for `files.upload`).
    pub field: String,
    /// The file name as the portal should store it; UTF-8 is sent as is.
    pub filename: String,
    /// Defaults to `application/octet-stream`.
    pub content_type: Option<String>,
    pub content: Bytes,
}

impl Multipart {
    /// Adds a text field.
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Multipart {
        self.fields.push((name.into(), value.into()));
        self
    }

    /// Adds a file part under the operation's own file field (`files[]`
    /// for `files.upload`, `avatar` for `users.upload_avatar`).
    pub fn attach(self, filename: impl Into<String>, content: impl Into<Bytes>) -> Multipart {
        self.file("", filename, content)
    }

    /// Adds a file part under form field `field`.
    pub fn file(
        mut self,
        field: impl Into<String>,
        filename: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Multipart {
        self.files.push(FilePart {
            field: field.into(),
            filename: filename.into(),
            content_type: None,
            content: content.into(),
        });
        self
    }

    /// Encodes the body with `boundary`; returns the bytes and the
    /// `Content-Type` header value.
    ///
    /// File names are sent as raw UTF-8 inside the quoted `filename`
    /// parameter, as browsers do (RFC 7578 section 4.2), with `"`, CR and LF
    /// percent-encoded.
    pub(crate) fn encode(&self, boundary: &str) -> (Bytes, String) {
        let mut out = Vec::new();
        for (name, value) in &self.fields {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"\r\n\r\n",
                    quote(name)
                )
                .as_bytes(),
            );
            out.extend_from_slice(value.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        for file in &self.files {
            let content_type = file
                .content_type
                .as_deref()
                .unwrap_or("application/octet-stream");
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            out.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{}\"; filename=\"{}\"\r\n\
                     Content-Type: {content_type}\r\n\r\n",
                    quote(&file.field),
                    quote(&file.filename)
                )
                .as_bytes(),
            );
            out.extend_from_slice(&file.content);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        (
            Bytes::from(out),
            format!("multipart/form-data; boundary={boundary}"),
        )
    }
}

fn quote(text: &str) -> String {
    text.replace('"', "%22")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A boundary that does not occur in the parts' content.
fn boundary_for(multipart: &Multipart) -> String {
    loop {
        let boundary = format!(
            "uspacy-{:016x}{:016x}",
            fastrand::u64(..),
            fastrand::u64(..)
        );
        let needle = boundary.as_bytes();
        let collides = multipart
            .files
            .iter()
            .map(|file| file.content.as_ref())
            .chain(multipart.fields.iter().map(|(_, value)| value.as_bytes()))
            .any(|haystack| {
                haystack
                    .windows(needle.len())
                    .any(|window| window == needle)
            });
        if !collides {
            return boundary;
        }
    }
}

/// A request ready to send: the same URL and body bytes for every attempt.
#[derive(Clone, Debug)]
pub(crate) struct Prepared {
    pub(crate) url: Url,
    pub(crate) body: Option<(Bytes, String)>,
}

/// Builds the URL of `op` under `base` and encodes the body.
///
/// Path parameters are appended as single percent-encoded segments, so an
/// id containing `/` or `?` cannot change the route. A webhook base's own
/// path is kept.
pub(crate) fn prepare(
    base: &Url,
    op: &Operation,
    path_params: &Value,
    query: &Value,
    body: &Body,
) -> Result<Prepared> {
    let params = path_param_map(op, path_params)?;
    let mut url = base.clone();
    {
        let mut segments = url
            .path_segments_mut()
            .map_err(|()| Error::config(format!("base URL `{base}` cannot have a path")))?;
        segments.pop_if_empty();
        for template in op.path.split('/').filter(|segment| !segment.is_empty()) {
            match template
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) => {
                    let value = params.get(name).ok_or_else(|| {
                        Error::config(format!(
                            "missing path parameter `{name}` for {}: {} {}",
                            op.id, op.method, op.path
                        ))
                    })?;
                    segments.push(&path_value(op, name, value)?);
                }
                None => {
                    segments.push(template);
                }
            }
        }
    }

    let query_string = query::encode(query)?;
    url.set_query((!query_string.is_empty()).then_some(query_string.as_str()));

    let body = encode_body(op, body)?;
    Ok(Prepared { url, body })
}

fn path_param_map(op: &Operation, path_params: &Value) -> Result<Map<String, Value>> {
    let map = match path_params {
        Value::Null => Map::new(),
        Value::Object(map) => map.clone(),
        other => {
            return Err(Error::config(format!(
                "path parameters of {} must be an object, got {}",
                op.id,
                query::kind_name(other)
            )))
        }
    };
    let expected: Vec<&str> = op.path_params().collect();
    if let Some(unknown) = map.keys().find(|key| !expected.contains(&key.as_str())) {
        return Err(Error::config(format!(
            "unknown path parameter `{unknown}` for {} (path {}; expected: {})",
            op.id,
            op.path,
            if expected.is_empty() {
                "none".to_owned()
            } else {
                expected.join(", ")
            }
        )));
    }
    Ok(map)
}

fn path_value(op: &Operation, name: &str, value: &Value) -> Result<String> {
    let text = match value {
        Value::String(text) => text.clone(),
        Value::Number(number) => number.to_string(),
        other => {
            return Err(Error::config(format!(
                "path parameter `{name}` of {} must be a string or a number, got {}",
                op.id,
                query::kind_name(other)
            )))
        }
    };
    if text.is_empty() {
        return Err(Error::config(format!(
            "path parameter `{name}` of {} is empty",
            op.id
        )));
    }
    Ok(text)
}

fn encode_body(op: &Operation, body: &Body) -> Result<Option<(Bytes, String)>> {
    match body {
        Body::None => Ok(None),
        Body::Json(value) => {
            if op.body == BodyKind::Multipart {
                return Err(Error::config(format!(
                    "{} takes a multipart body (files), not JSON",
                    op.id
                )));
            }
            let bytes = serde_json::to_vec(value).map_err(|error| {
                Error::config(format!("body of {} is not serializable: {error}", op.id))
            })?;
            Ok(Some((Bytes::from(bytes), "application/json".to_owned())))
        }
        Body::Multipart(multipart) => {
            if op.body != BodyKind::Multipart {
                return Err(Error::config(format!(
                    "{} takes {}, not a multipart body",
                    op.id,
                    if op.body == BodyKind::Json {
                        "a JSON body"
                    } else {
                        "no body"
                    }
                )));
            }
            let mut multipart = multipart.clone();
            for file in &mut multipart.files {
                if file.field.is_empty() {
                    file.field = op.file_field.to_owned();
                }
            }
            let boundary = boundary_for(&multipart);
            Ok(Some(multipart.encode(&boundary)))
        }
    }
}

/// The URL as it may appear in errors and logs: the key of a webhook base
/// replaced by `***`.
pub(crate) fn redact_url(url: &Url) -> String {
    let mut text = url.to_string();
    if let Some(start) = text.find(crate::config::WEBHOOK_RUN_MARKER) {
        let key_start = start + crate::config::WEBHOOK_RUN_MARKER.len();
        let key_end = text[key_start..]
            .find(['/', '?', '#'])
            .map_or(text.len(), |offset| key_start + offset);
        text.replace_range(key_start..key_end, "***");
    }
    text
}
