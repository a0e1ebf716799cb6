//! Typed methods, grouped by service and resource the way op ids are:
//! `crm.items.list` is `client.crm().items().list(..)`. The methods are
//! generated from the operation table (see [`generated`]); this module holds
//! the decoding they share.

// Without `typed-api` (the code generator's build) nothing calls these.
#![cfg_attr(not(feature = "typed-api"), allow(dead_code))]

#[cfg(feature = "typed-api")]
pub mod generated;

#[cfg(feature = "typed-api")]
pub use generated::*;

use futures::Stream;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::auth::parse_token_response;
use crate::client::Client;
use crate::config::TokenPair;
use crate::decode;
use crate::error::{Error, Result};
use crate::operation::{Envelope, Operation};
use crate::page::{self, Page};
use crate::request::Body;

impl Client {
    /// Calls `op` and decodes one value: the body itself, or its `data`
    /// member for `{data}` envelopes.
    pub(crate) async fn typed_one<T: DeserializeOwned>(
        &self,
        op: &'static Operation,
        path: Value,
        query: Value,
        body: Body,
    ) -> Result<T> {
        let response = self.call_raw(op, &path, &query, body).await?;
        match op.envelope {
            Envelope::Data | Envelope::StatusData => decode::data(op, &response),
            _ => decode::body(op, &response),
        }
    }

    /// Calls `op` and decodes a list: a bare array or a `{data: [...]}` body.
    pub(crate) async fn typed_list<T: DeserializeOwned>(
        &self,
        op: &'static Operation,
        path: Value,
        query: Value,
        body: Body,
    ) -> Result<Vec<T>> {
        let response = self.call_raw(op, &path, &query, body).await?;
        let raw = page::split(op, &response)?;
        Ok(page::typed(op, &response, raw)?.items)
    }

    /// Calls a list operation and decodes one page with its metadata.
    pub(crate) async fn typed_page<T: DeserializeOwned>(
        &self,
        op: &'static Operation,
        path: Value,
        query: Value,
        body: Body,
    ) -> Result<Page<T>> {
        let response = self.call_raw(op, &path, &query, body).await?;
        let raw = page::split(op, &response)?;
        page::typed(op, &response, raw)
    }

    /// Calls a sign-in style operation and reads the token pair it returns.
    /// The client's own session is not changed by it.
    pub(crate) async fn typed_tokens(
        &self,
        op: &'static Operation,
        path: Value,
        query: Value,
        body: Body,
    ) -> Result<TokenPair> {
        let response = self.call_raw(op, &path, &query, body).await?;
        parse_token_response(op, &response, None)
    }

    /// Streams every item of a paging operation.
    pub(crate) fn typed_stream<T: DeserializeOwned + 'static>(
        &self,
        op: &'static Operation,
        path: Value,
        query: Value,
    ) -> impl Stream<Item = Result<T>> + use<T> {
        page::items(self.clone(), op, path, query)
    }
}

/// Serializes a request struct for the query or the body.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<Value> {
    serde_json::to_value(value)
        .map_err(|error| Error::config(format!("{what} cannot be serialized as JSON: {error}")))
}
