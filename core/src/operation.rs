//! The shape of one API operation: the data every request, typed method,
//! binding and mock route is derived from.

use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

/// HTTP method of an operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    Get,
    Post,
    Put,
    Patch,
    Delete,
}

impl Method {
    /// The method name as sent on the wire (`GET`, `POST`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Put => "PUT",
            Method::Patch => "PATCH",
            Method::Delete => "DELETE",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a request of this operation is authenticated.
///
/// An incoming-webhook URL is a kind of credential rather than a mode: every
/// `Session` operation is sent through the webhook base when the client holds
/// one, so the table does not need a separate `Webhook` mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AuthMode {
    /// No `Authorization` header and never a token refresh (sign-in and friends).
    None,
    /// The access token as bearer, refreshed when it expires.
    Session,
    /// The refresh token as bearer (only `auth.refresh_token`).
    RefreshToken,
}

/// Kind of request body an operation takes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    None,
    Json,
    Multipart,
}

/// Shape of a successful response body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Envelope {
    /// A bare JSON object (single resources come back unwrapped).
    Object,
    /// A bare JSON array.
    Array,
    /// `{"data": ...}` without paging metadata.
    Data,
    /// The Laravel paginator: `{"data": [...], "meta": {...}, "links": {...}}`.
    Paginated,
    /// `{"data": [...], "nextCursor": ..., "hasNext": ...}` (messenger cursor mode).
    Cursor,
    /// A bare array paged by the timestamp of its last element (messenger messages).
    TimestampPaged,
    /// `{"status": ..., "data": ...}`.
    StatusData,
    /// No body is expected; any body that does arrive is passed through.
    Empty,
}

/// How a list operation is paged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paging {
    None,
    /// `page` (1-based) and `list` (page size) query parameters.
    PageList,
    /// `cursor` and `limit`; the response carries `nextCursor` and `hasNext`.
    Cursor,
    /// `limit` and `lastTimestamp`, the timestamp of the oldest item seen.
    Timestamp,
}

/// One endpoint of the Uspacy API.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// Stable name, `service.resource.action`, the same in every language.
    pub id: &'static str,
    pub method: Method,
    /// Path template with `{name}` placeholders, each one whole path segment.
    pub path: &'static str,
    pub auth: AuthMode,
    pub body: BodyKind,
    pub envelope: Envelope,
    pub paging: Paging,
    /// Whether a 5xx answer or a connection failure may be replayed.
    pub idempotent: bool,
    /// Documented query parameters (others are still sent when given).
    pub query: &'static [&'static str],
    /// For multipart operations: the form field of a file part
    /// (`files[]`, `avatar`, `logo`); file parts without a field get it.
    pub file_field: &'static str,
    /// The model of the result: a name from `uspacy::models` (`Item`), or
    /// `Value` when the shape is unknown. For paged and array envelopes it
    /// names one item; for `{data}` and bare objects a `[]` suffix marks a
    /// list (`Field[]`).
    pub returns: &'static str,
}

impl Operation {
    /// Declares a session-authenticated operation without body that returns
    /// a bare object; idempotent unless the method is POST.
    pub const fn new(id: &'static str, method: Method, path: &'static str) -> Operation {
        Operation {
            id,
            method,
            path,
            auth: AuthMode::Session,
            body: BodyKind::None,
            envelope: Envelope::Object,
            paging: Paging::None,
            idempotent: !matches!(method, Method::Post),
            query: &[],
            file_field: "",
            returns: "Value",
        }
    }

    pub const fn auth(mut self, auth: AuthMode) -> Operation {
        self.auth = auth;
        self
    }

    pub const fn body(mut self, body: BodyKind) -> Operation {
        self.body = body;
        self
    }

    pub const fn envelope(mut self, envelope: Envelope) -> Operation {
        self.envelope = envelope;
        self
    }

    pub const fn paging(mut self, paging: Paging) -> Operation {
        self.paging = paging;
        self
    }

    pub const fn idempotent(mut self, idempotent: bool) -> Operation {
        self.idempotent = idempotent;
        self
    }

    pub const fn file_field(mut self, field: &'static str) -> Operation {
        self.file_field = field;
        self
    }

    pub const fn returns(mut self, model: &'static str) -> Operation {
        self.returns = model;
        self
    }

    pub const fn query(mut self, query: &'static [&'static str]) -> Operation {
        self.query = query;
        self
    }

    /// Names of the `{placeholders}` of the path template, in order.
    pub fn path_params(&self) -> impl Iterator<Item = &'static str> {
        self.path
            .split('/')
            .filter_map(|segment| segment.strip_prefix('{')?.strip_suffix('}'))
    }
}

/// Looks an operation up by its id; `None` when no operation has that id.
pub fn find(id: &str) -> Option<&'static Operation> {
    static INDEX: OnceLock<HashMap<&'static str, &'static Operation>> = OnceLock::new();
    let index = INDEX.get_or_init(|| {
        crate::operations::OPERATIONS
            .iter()
            .map(|op| (op.id, op))
            .collect()
    });
    index.get(id).copied()
}
