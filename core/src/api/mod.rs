//! Typed methods, grouped by service and resource the way op ids are:
//! `crm.items.list` is `client.crm().items().list(..)`.

pub mod auth;
pub mod crm;
pub mod files;

use serde::Serialize;
use serde_json::Value;

use crate::client::{lookup, Client};
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::Body;
use crate::transport::RawResponse;

impl Client {
    /// Sends operation `op_id` and returns it with its 2xx response.
    pub(crate) async fn send_op(
        &self,
        op_id: &'static str,
        path_params: Value,
        query: Value,
        body: Body,
    ) -> Result<(&'static Operation, RawResponse)> {
        let op = lookup(op_id)?;
        let response = self.call_raw(op, &path_params, &query, body).await?;
        Ok((op, response))
    }
}

/// Serializes a request struct for the query or the body.
pub(crate) fn to_json<T: Serialize + ?Sized>(value: &T, what: &str) -> Result<Value> {
    serde_json::to_value(value)
        .map_err(|error| Error::config(format!("{what} cannot be serialized as JSON: {error}")))
}

/// A JSON body from a request struct.
pub(crate) fn json_body<T: Serialize + ?Sized>(value: &T) -> Result<Body> {
    to_json(value, "the request body").map(Body::Json)
}
