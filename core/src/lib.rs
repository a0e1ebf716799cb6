//! Client for the REST API of [Uspacy](https://uspacy.ua) portals: CRM,
//! tasks, messenger, e-mail, files and the rest, with token refresh,
//! retries and typed errors.
//!
//! # Modules
//!
//! | module | contents |
//! |---|---|
//! | [`operation`], [`OPERATIONS`] | the table of every endpoint: id, method, path, auth, body, envelope, paging |
//! | [`Client`], [`ClientBuilder`] | configuration and the request flow (auth, refresh, retries) |
//! | [`Credentials`], [`TokenHook`] | e-mail/password, app id/secret, token pair, incoming webhook |
//! | [`Error`], [`ErrorKind`] | the one error type |
//! | [`Page`], [`PageMeta`] | list pages and streams over all items |
//! | [`models`] | serde models that keep unknown fields |
//! | [`api`] | typed methods: `client.crm().items().list(..)` |
//! | [`query`] | PHP bracket-style query strings |
//!
//! # Example
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use uspacy::{Client, Credentials, models::{Item, ListQuery}};
//!
//! # async fn run() -> uspacy::Result<()> {
//! let client = Client::builder()
//!     .domain("acme") // https://acme.uspacy.ua
//!     .credentials(Credentials::password("owner@acme.ua", "secret"))
//!     .build()?;
//!
//! let deal = client
//!     .crm()
//!     .items()
//!     .create("deals", &Item::titled("Постачання обладнання").with("uf_crm_1001", "wholesale"))
//!     .await?;
//! println!("created deal {:?}", deal.id);
//!
//! let deals: Vec<Item> = client.crm().items().iter("deals", &ListQuery::page(1, 100))?.try_collect().await?;
//! println!("{} deals", deals.len());
//!
//! // Any operation of the table, JSON in and out:
//! let me = client.call("users.me.get", &serde_json::Value::Null, &serde_json::Value::Null, uspacy::Body::None).await?;
//! # let _ = me; Ok(())
//! # }
//! ```

pub mod api;
mod auth;
mod client;
mod config;
mod decode;
mod error;
mod jwt;
pub mod models;
pub mod operation;
mod operations;
mod page;
pub mod query;
mod request;
mod rt;
mod secret;
mod transport;

pub use client::{decode_json, lookup, Client, ClientBuilder};
pub use config::{
    BoxFuture, Credentials, RefreshGuard, RefreshLock, RetryPolicy, Timeouts, TokenHook, TokenPair,
    TokenProvider,
};
pub use error::{Error, ErrorKind, Result};
pub use operation::{AuthMode, BodyKind, Envelope, Method, Operation, Paging};
pub use operations::OPERATIONS;
pub use page::{Page, PageMeta};
pub use request::{Body, FilePart, Multipart};
pub use rt::MaybeSendSync;
pub use secret::Secret;
pub use transport::RawResponse;
