//! Pages of list results and streams over every item of a list.
//!
//! Three paging kinds exist: `page`/`list` numbers (most services), a
//! `cursor` (messenger external chats) and the `lastTimestamp` of the oldest
//! message (messenger messages). A stream stops at the last page, at an
//! empty page, and at a page that repeats the previous one, so a server that
//! ignores the page parameter cannot make it loop forever.

use std::fmt;

use futures::stream::{self, Stream, TryStreamExt};
use serde::de::{self, DeserializeOwned, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::client::{decode_json, Client};
use crate::decode::from_raw;
use crate::error::{Error, ErrorKind, Result};
use crate::operation::{Envelope, Operation, Paging};
use crate::request::Body;
use crate::transport::RawResponse;

/// Paging metadata, read from whichever spelling the service uses:
/// `current_page`/`currentPage`/`page`, `last_page`/`lastPage`,
/// `per_page`/`perPage`/`list`, `total`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PageMeta {
    pub current_page: Option<u64>,
    pub last_page: Option<u64>,
    pub per_page: Option<u64>,
    pub total: Option<u64>,
    /// Every other meta key as sent (`from`, `to`, `path`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl PageMeta {
    fn from_json(meta: &Map<String, Value>) -> PageMeta {
        let read = |keys: &[&str]| keys.iter().find_map(|key| meta.get(*key).and_then(as_u64));
        let known = [
            "current_page",
            "currentPage",
            "page",
            "last_page",
            "lastPage",
            "per_page",
            "perPage",
            "list",
            "total",
        ];
        let mut parsed = PageMeta {
            current_page: read(&["current_page", "currentPage", "page"]),
            last_page: read(&["last_page", "lastPage"]),
            per_page: read(&["per_page", "perPage", "list"]),
            total: read(&["total"]),
            extra: meta
                .iter()
                .filter(|(key, _)| !known.contains(&key.as_str()))
                .map(|(key, value)| (key.clone(), value.clone()))
                .collect(),
        };
        if parsed.last_page.is_none() {
            if let (Some(total), Some(per_page)) = (parsed.total, parsed.per_page) {
                if per_page > 0 {
                    parsed.last_page = Some(total.div_ceil(per_page).max(1));
                }
            }
        }
        parsed
    }
}

fn as_u64(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// One page of a list.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// `None` when the service answered a bare array (as `list=all` does).
    pub meta: Option<PageMeta>,
    /// The paginator's `links` object, when sent.
    pub links: Option<Value>,
    /// Cursor paging: the cursor of the next page.
    pub next_cursor: Option<String>,
    /// Cursor paging: whether another page exists.
    pub has_next: Option<bool>,
    /// Every other top-level key of the response, such as the messenger's
    /// `pinned` chats or `total_templates_count`.
    pub extra: Map<String, Value>,
}

impl<T> Page<T> {
    /// Whether the metadata says more pages follow this one.
    pub fn has_more(&self) -> bool {
        if let Some(has_next) = self.has_next {
            return has_next;
        }
        match &self.meta {
            Some(PageMeta {
                current_page: Some(current),
                last_page: Some(last),
                ..
            }) => current < last,
            _ => false,
        }
    }
}

/// A page whose items are still JSON text: the body is scanned once, and
/// each item is then read straight into its final type.
pub(crate) struct RawPage {
    pub(crate) items: Vec<Box<RawValue>>,
    pub(crate) meta: Option<PageMeta>,
    pub(crate) links: Option<Value>,
    pub(crate) next_cursor: Option<String>,
    pub(crate) has_next: Option<bool>,
    pub(crate) extra: Map<String, Value>,
}

/// A list body as scanned: the items stay raw text, every other key of an
/// object body is parsed.
enum Scanned {
    Null,
    Items(Vec<Box<RawValue>>),
    Object {
        data: Data,
        rest: Map<String, Value>,
    },
    /// A number, string or boolean.
    Scalar,
}

/// The `data` member of an object body.
enum Data {
    Missing,
    Null,
    Items(Vec<Box<RawValue>>),
    Other,
}

struct ScanVisitor;

impl<'de> Visitor<'de> for ScanVisitor {
    type Value = Scanned;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list body")
    }

    fn visit_unit<E: de::Error>(self) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Null)
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Scalar)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Scalar)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Scalar)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Scalar)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> std::result::Result<Scanned, E> {
        Ok(Scanned::Scalar)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Scanned, A::Error> {
        raw_items(seq).map(Scanned::Items)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Scanned, A::Error> {
        let mut data = Data::Missing;
        let mut rest = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if key == "data" {
                data = map.next_value::<DataMember>()?.0;
            } else {
                let value = map.next_value()?;
                rest.insert(key, value);
            }
        }
        Ok(Scanned::Object { data, rest })
    }
}

fn raw_items<'de, A: SeqAccess<'de>>(
    mut seq: A,
) -> std::result::Result<Vec<Box<RawValue>>, A::Error> {
    let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
    while let Some(item) = seq.next_element::<Box<RawValue>>()? {
        items.push(item);
    }
    Ok(items)
}

struct DataMember(Data);

impl<'de> Deserialize<'de> for DataMember {
    fn deserialize<D: Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<DataMember, D::Error> {
        // An object or a scalar here is an error the caller reports, so
        // parsing it in full costs nothing that matters.
        Ok(DataMember(
            match deserializer.deserialize_any(ScanVisitor)? {
                Scanned::Items(items) => Data::Items(items),
                Scanned::Null => Data::Null,
                Scanned::Object { .. } | Scanned::Scalar => Data::Other,
            },
        ))
    }
}

/// Splits a list response into items and metadata. Accepts the
/// operation's envelope, and a bare array for any list.
pub(crate) fn split(op: &Operation, response: &RawResponse) -> Result<RawPage> {
    let mut page = RawPage {
        items: Vec::new(),
        meta: None,
        links: None,
        next_cursor: None,
        has_next: None,
        extra: Map::new(),
    };
    let scanned = if response.body.iter().all(u8::is_ascii_whitespace) {
        Scanned::Null
    } else {
        let mut deserializer = serde_json::Deserializer::from_slice(&response.body);
        match deserializer
            .deserialize_any(ScanVisitor)
            .and_then(|scanned| deserializer.end().map(|()| scanned))
        {
            Ok(scanned) => scanned,
            // `decode_json` words the error, or reads the plain text that an
            // operation without a documented body may send.
            Err(_) => match decode_json(op, response)? {
                Value::Null => Scanned::Null,
                _ => Scanned::Scalar,
            },
        }
    };
    match scanned {
        Scanned::Items(items) => page.items = items,
        Scanned::Null => {}
        Scanned::Object { data, mut rest } => {
            page.items = match data {
                Data::Items(items) => items,
                Data::Null | Data::Missing if op.envelope == Envelope::Empty => Vec::new(),
                _ => return Err(shape_error(op, response, "an object with a `data` array")),
            };
            if let Some(Value::Object(meta)) = rest.get("meta") {
                page.meta = Some(PageMeta::from_json(meta));
            }
            page.links = rest.remove("links").filter(|links| !links.is_null());
            page.next_cursor = match rest.get("nextCursor") {
                Some(Value::String(cursor)) if !cursor.is_empty() => Some(cursor.clone()),
                Some(Value::Number(number)) => Some(number.to_string()),
                _ => None,
            };
            page.has_next = match rest.get("hasNext") {
                Some(Value::Bool(flag)) => Some(*flag),
                Some(other) => crate::models::flex::bool_from_value(other),
                None => None,
            };
            for key in ["meta", "nextCursor", "hasNext"] {
                rest.remove(key);
            }
            page.extra = rest;
        }
        Scanned::Scalar => return Err(shape_error(op, response, "a list")),
    }
    Ok(page)
}

fn shape_error(op: &Operation, response: &RawResponse, expected: &str) -> Error {
    Error::with_kind(
        ErrorKind::Decode,
        format!("{} returned a body that is not {expected}", op.id),
    )
    .status(response.status)
    .body(response.body.clone())
    .json_path("data".to_owned())
    .finish()
}

/// Decodes the items of a raw page as `T`, naming `data[i]` on failure.
pub(crate) fn typed<T: DeserializeOwned>(
    op: &Operation,
    response: &RawResponse,
    raw: RawPage,
) -> Result<Page<T>> {
    let items = raw
        .items
        .iter()
        .enumerate()
        .map(|(index, item)| item_as(op, response, index, item))
        .collect::<Result<Vec<T>>>()?;
    Ok(Page {
        items,
        meta: raw.meta,
        links: raw.links,
        next_cursor: raw.next_cursor,
        has_next: raw.has_next,
        extra: raw.extra,
    })
}

fn item_as<T: DeserializeOwned>(
    op: &Operation,
    response: &RawResponse,
    index: usize,
    item: &RawValue,
) -> Result<T> {
    from_raw(op, response, item.get(), || format!("data[{index}]"))
}

/// Where a stream stands between pages.
struct Cursor {
    client: Client,
    op: &'static Operation,
    path: Value,
    query: Map<String, Value>,
    /// Length, first and last item (as text) of the previous page, to
    /// notice a page that repeats without keeping a copy of the whole page.
    previous: Option<(usize, String, String)>,
    page_number: u64,
    done: bool,
}

/// Streams every page of `op`, fetching each one only when the previous
/// one has been consumed, so memory stays at one page.
pub(crate) fn pages(
    client: Client,
    op: &'static Operation,
    path: Value,
    query: Value,
) -> impl Stream<Item = Result<(RawResponse, RawPage)>> {
    let query = match query {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    let page_number = query.get("page").and_then(as_u64).unwrap_or(1);
    let start = Cursor {
        client,
        op,
        path,
        query,
        previous: None,
        page_number,
        done: false,
    };
    stream::try_unfold(start, |mut cursor| async move {
        if cursor.done {
            return Ok(None);
        }
        let mut query = cursor.query.clone();
        if cursor.op.paging == Paging::PageList {
            query.insert("page".to_owned(), Value::from(cursor.page_number));
        }
        let response = cursor
            .client
            .call_raw(cursor.op, &cursor.path, &Value::Object(query), Body::None)
            .await?;
        let page = split(cursor.op, &response)?;

        let fingerprint = match (page.items.first(), page.items.last()) {
            (Some(first), Some(last)) => (
                page.items.len(),
                first.get().to_owned(),
                last.get().to_owned(),
            ),
            _ => return Ok(None),
        };
        if cursor.previous.as_ref() == Some(&fingerprint) {
            return Ok(None);
        }
        cursor.done = !advance(&mut cursor, &page);
        cursor.previous = Some(fingerprint);
        Ok(Some(((response, page), cursor)))
    })
}

/// Moves `cursor` to the page after `page`; returns whether one exists.
fn advance(cursor: &mut Cursor, page: &RawPage) -> bool {
    match cursor.op.paging {
        Paging::PageList => {
            let Some(meta) = &page.meta else {
                // A bare array holds the whole list.
                return false;
            };
            let current = meta.current_page.unwrap_or(cursor.page_number);
            let more = match (meta.last_page, meta.per_page) {
                (Some(last), _) => current < last,
                (None, Some(per_page)) => page.items.len() as u64 >= per_page,
                (None, None) => true,
            };
            cursor.page_number = current + 1;
            more
        }
        Paging::Cursor => match (&page.next_cursor, page.has_next) {
            (_, Some(false)) | (None, _) => false,
            (Some(next), _) => {
                let same =
                    cursor.query.get("cursor").and_then(Value::as_str) == Some(next.as_str());
                cursor
                    .query
                    .insert("cursor".to_owned(), Value::String(next.clone()));
                !same
            }
        },
        Paging::Timestamp => {
            let oldest = page
                .items
                .last()
                .and_then(|item| serde_json::from_str::<Stamp>(item.get()).ok())
                .and_then(|stamp| stamp.timestamp);
            let limit = cursor.query.get("limit").and_then(as_u64);
            match oldest {
                Some(timestamp) if !timestamp.is_null() => {
                    let same = cursor.query.get("lastTimestamp") == Some(&timestamp);
                    cursor.query.insert("lastTimestamp".to_owned(), timestamp);
                    let short = limit.is_some_and(|limit| (page.items.len() as u64) < limit);
                    !same && !short
                }
                _ => false,
            }
        }
        Paging::None => false,
    }
}

/// The one key of a message that timestamp paging reads.
#[derive(Deserialize)]
struct Stamp {
    timestamp: Option<Value>,
}

/// Streams every item of `op` as `T`.
pub(crate) fn items<T: DeserializeOwned + 'static>(
    client: Client,
    op: &'static Operation,
    path: Value,
    query: Value,
) -> impl Stream<Item = Result<T>> {
    pages(client, op, path, query)
        .map_ok(move |(response, raw)| {
            let decoded: Vec<Result<T>> = raw
                .items
                .iter()
                .enumerate()
                .map(|(index, item)| item_as(op, &response, index, item))
                .collect();
            stream::iter(decoded)
        })
        .try_flatten()
}

impl Client {
    /// Fetches one page of a list operation, items as JSON.
    pub async fn page(
        &self,
        op_id: &str,
        path_params: &Value,
        query: &Value,
    ) -> Result<Page<Value>> {
        let op = crate::client::lookup(op_id)?;
        let response = self.call_raw(op, path_params, query, Body::None).await?;
        let raw = split(op, &response)?;
        typed(op, &response, raw)
    }

    /// Streams every page of a list operation, items as JSON, fetching the
    /// next page only when this one has been consumed. Bindings use it to
    /// hand a whole page across at once.
    pub fn paginate_pages(
        &self,
        op_id: &str,
        path_params: Value,
        query: Value,
    ) -> Result<impl Stream<Item = Result<Page<Value>>> + use<>> {
        let op = paging_op(op_id)?;
        Ok(pages(self.clone(), op, path_params, query)
            .and_then(move |(response, raw)| futures::future::ready(typed(op, &response, raw))))
    }

    /// Like [`Client::paginate_pages`], with each item as its JSON text, for
    /// bindings that build their host language's objects straight from the
    /// text rather than from a [`Value`] (the Python package).
    pub fn paginate_raw_pages(
        &self,
        op_id: &str,
        path_params: Value,
        query: Value,
    ) -> Result<impl Stream<Item = Result<Page<Box<RawValue>>>> + use<>> {
        let op = paging_op(op_id)?;
        Ok(
            pages(self.clone(), op, path_params, query).map_ok(|(_response, raw)| Page {
                items: raw.items,
                meta: raw.meta,
                links: raw.links,
                next_cursor: raw.next_cursor,
                has_next: raw.has_next,
                extra: raw.extra,
            }),
        )
    }

    /// Streams every item of a list operation as JSON, page by page, for
    /// any paging kind. Fails at once for an unknown `op_id` or an
    /// operation that does not page.
    pub fn paginate(
        &self,
        op_id: &str,
        path_params: Value,
        query: Value,
    ) -> Result<impl Stream<Item = Result<Value>> + use<>> {
        Ok(items(self.clone(), paging_op(op_id)?, path_params, query))
    }
}

/// Looks up a list operation; a configuration error for an unknown id or an
/// operation that does not page.
fn paging_op(op_id: &str) -> Result<&'static Operation> {
    let op = crate::client::lookup(op_id)?;
    if op.paging == Paging::None {
        return Err(Error::config(format!(
            "{op_id} does not page; call it with `call` instead"
        )));
    }
    Ok(op)
}
