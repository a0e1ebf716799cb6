//! `NativeClient`: one core [`Client`] behind the JavaScript `Uspacy` class.

use std::future::Future;
use std::sync::{RwLock, RwLockReadGuard};

use bytes::Bytes;
use napi::bindgen_prelude::{PromiseRaw, Uint8Array};
use napi::{Env, Status};
use napi_derive::napi;
use serde_json::Value;
use uspacy::{Body, Client, Error, ErrorKind, FilePart, Multipart, Operation, RawResponse};

use crate::options::{self, NativeOptions};
use crate::outcome::{body_text, guarded, CallOutcome, EmptyOutcome, ErrorInfo, Failed};
use crate::pager::NativePager;
use crate::tokens::{NativeTokens, ProviderCallback, TokenCallback, TokenForwarder};

/// One file of a multipart body.
#[napi(object, object_to_js = false)]
pub struct NativeFilePart {
    /// The file name the portal stores (UTF-8 is sent as is).
    pub name: String,
    pub data: Uint8Array,
    pub content_type: Option<String>,
    /// The form field; empty or unset takes the operation's file field.
    pub field: Option<String>,
}

/// One text field of a multipart body.
#[napi(object)]
pub struct NativeFormField {
    pub name: String,
    pub value: String,
}

/// A multipart body: files and text fields.
#[napi(object, object_to_js = false)]
pub struct NativeMultipart {
    pub files: Vec<NativeFilePart>,
    pub fields: Vec<NativeFormField>,
}

/// The result of `refresh()`: the new pair, or an error.
#[napi(object)]
pub struct TokensOutcome {
    pub tokens: Option<NativeTokens>,
    pub error: Option<ErrorInfo>,
}

impl Failed for TokensOutcome {
    fn failed(error: ErrorInfo) -> TokensOutcome {
        TokensOutcome {
            tokens: None,
            error: Some(error),
        }
    }
}

/// A client of one portal. All state (tokens, connection pool, callback)
/// belongs to this instance.
#[napi]
pub struct NativeClient {
    /// `None` once `close()` has run.
    client: RwLock<Option<Client>>,
    tokens: TokenForwarder,
    base_url: String,
}

#[napi]
impl NativeClient {
    /// Builds the client; nothing is sent yet. `token_provider` serves the
    /// `provider` credentials kind. Throws an error with code `InvalidArg`
    /// and the core's message for a configuration error.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        options: NativeOptions,
        on_tokens: Option<TokenCallback>,
        token_provider: Option<ProviderCallback>,
    ) -> napi::Result<Self> {
        let mut builder = options::builder(options, token_provider).map_err(config_exception)?;
        let tokens = match on_tokens {
            Some(callback) => {
                let forwarder = TokenForwarder::new(callback);
                builder = builder.on_tokens(forwarder.clone());
                forwarder
            }
            None => TokenForwarder::default(),
        };
        let client = builder.build().map_err(config_exception)?;
        Ok(NativeClient {
            base_url: client.base_url(),
            client: RwLock::new(Some(client)),
            tokens,
        })
    }

    /// Returns the portal's base URL, with a webhook key in it shown as `***`.
    #[napi(getter)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Returns whether `close()` has run.
    #[napi(getter)]
    pub fn closed(&self) -> bool {
        self.slot().is_none()
    }

    /// Calls operation `op_id`. `path_params`, `query` and `body` are JSON
    /// text (from `JSON.stringify`); `multipart` replaces `body` for upload
    /// operations. Resolves with the raw body or an error, never rejects.
    #[napi(catch_unwind)]
    pub fn call<'env>(
        &self,
        env: &'env Env,
        op_id: String,
        path_params: Option<String>,
        query: Option<String>,
        body: Option<String>,
        multipart: Option<NativeMultipart>,
    ) -> napi::Result<PromiseRaw<'env, CallOutcome>> {
        let request = self.request(&op_id, path_params, query, body, multipart);
        env.spawn_future(guarded(async move {
            match request {
                Ok((client, op, path, query, body)) => {
                    call_raw(&client, op, &path, &query, body).await
                }
                Err(error) => CallOutcome::failed(ErrorInfo::from(&error)),
            }
        }))
    }

    /// Starts iterating every item of paging operation `op_id`, page by
    /// page as `next()` is called. Errors (an unknown or non-paging
    /// operation, a closed client) arrive with the first `next()`.
    #[napi(catch_unwind)]
    pub fn paginate(
        &self,
        op_id: String,
        path_params: Option<String>,
        query: Option<String>,
    ) -> NativePager {
        let start = self.client().and_then(|client| {
            let path = parse_json("pathParams", path_params)?;
            let query = parse_json("query", query)?;
            client.paginate(&op_id, path, query)
        });
        NativePager::new(start)
    }

    /// Returns the current token pair, when the client uses tokens and has one.
    #[napi(catch_unwind)]
    pub fn tokens(&self) -> Option<NativeTokens> {
        let slot = self.slot();
        let pair = slot.as_ref()?.tokens()?;
        Some(NativeTokens::from(&pair))
    }

    /// Signs in (or checks the given tokens) now instead of at the first call.
    #[napi(catch_unwind)]
    pub fn authenticate<'env>(
        &self,
        env: &'env Env,
    ) -> napi::Result<PromiseRaw<'env, EmptyOutcome>> {
        let client = self.client();
        spawn(env, async move {
            let result = match client {
                Ok(client) => client.authenticate().await,
                Err(error) => Err(error),
            };
            EmptyOutcome {
                error: result.err().as_ref().map(ErrorInfo::from),
            }
        })
    }

    /// Refreshes the access token now; concurrent callers share one refresh.
    #[napi(catch_unwind)]
    pub fn refresh<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, TokensOutcome>> {
        let client = self.client();
        spawn(env, async move {
            let result = match client {
                Ok(client) => client.refresh().await,
                Err(error) => Err(error),
            };
            match result {
                Ok(pair) => TokensOutcome {
                    tokens: Some(NativeTokens::from(&pair)),
                    error: None,
                },
                Err(error) => TokensOutcome::failed(ErrorInfo::from(&error)),
            }
        })
    }

    /// Drops this client's core client and token callback. Calls already
    /// running finish; later calls fail with a configuration error.
    #[napi(catch_unwind)]
    pub fn close(&self) {
        let client = self
            .client
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        // Closes the clones held by running calls too (see `Client::close`).
        if let Some(client) = client {
            client.close();
        }
        self.tokens.release();
    }
}

type Request = (Client, &'static Operation, Value, Value, Body);

impl NativeClient {
    fn slot(&self) -> RwLockReadGuard<'_, Option<Client>> {
        self.client
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn client(&self) -> Result<Client, Error> {
        self.slot().clone().ok_or_else(|| {
            Error::config("this client is closed: create a new Uspacy client to make calls")
        })
    }

    /// Converts the arguments of `call` on the JavaScript thread, where the
    /// file data can be read.
    fn request(
        &self,
        op_id: &str,
        path_params: Option<String>,
        query: Option<String>,
        body: Option<String>,
        multipart: Option<NativeMultipart>,
    ) -> Result<Request, Error> {
        let client = self.client()?;
        let op = uspacy::lookup(op_id)?;
        let path = parse_json("pathParams", path_params)?;
        let query = parse_json("query", query)?;
        let body = match (multipart, body) {
            (Some(multipart), _) => Body::Multipart(multipart_from(multipart)),
            (None, Some(text)) => Body::Json(parse_json("body", Some(text))?),
            (None, None) => Body::None,
        };
        Ok((client, op, path, query, body))
    }
}

/// Sends the call and hands back the body bytes as text, for `JSON.parse`.
async fn call_raw(
    client: &Client,
    op: &'static Operation,
    path: &Value,
    query: &Value,
    body: Body,
) -> CallOutcome {
    match client.call_raw(op, path, query, body).await {
        Ok(response) => match body_text(&response.body) {
            Ok(text) => CallOutcome {
                body: Some(text),
                status: Some(u32::from(response.status)),
                error: None,
            },
            // Not UTF-8: the core decides, as for any body JSON.parse rejects.
            Err(_) => decoded(op, &response),
        },
        Err(error) => CallOutcome::failed(ErrorInfo::from(&error)),
    }
}

/// Decodes a 2xx body that `JSON.parse` rejected, or a blank one, with the
/// core's rules (see [`decoded`]), so a body reads the same in every
/// language. `status` is the response's.
#[napi(js_name = "decodeBody")]
pub fn decode_body(op_id: String, status: u32, body: String) -> CallOutcome {
    let op = match uspacy::lookup(&op_id) {
        Ok(op) => op,
        Err(error) => return CallOutcome::failed(ErrorInfo::from(&error)),
    };
    let response = RawResponse {
        status: u16::try_from(status).unwrap_or(200),
        headers: Default::default(),
        body: Bytes::from(body),
    };
    decoded(op, &response)
}

/// Decodes a body with the core's rules: blank is `null`, an operation
/// without a documented body may send plain text (a JSON string here), and
/// anything else that is not JSON is a decode error.
fn decoded(op: &'static Operation, response: &RawResponse) -> CallOutcome {
    let value = uspacy::decode_json(op, response).and_then(|value| {
        serde_json::to_string(&value)
            .map_err(|error| Error::new(ErrorKind::Decode, error.to_string()))
    });
    match value {
        Ok(text) => CallOutcome {
            body: body_text(text.as_bytes()).ok(),
            status: Some(u32::from(response.status)),
            error: None,
        },
        Err(error) => CallOutcome::failed(ErrorInfo::from(&error)),
    }
}

fn spawn<'env, T>(
    env: &'env Env,
    work: impl Future<Output = T> + Send + 'static,
) -> napi::Result<PromiseRaw<'env, T>>
where
    T: Failed + napi::bindgen_prelude::ToNapiValue + Send + 'static,
{
    env.spawn_future(guarded(work))
}

/// Parses one JSON argument; unset is `null`.
fn parse_json(name: &str, text: Option<String>) -> Result<Value, Error> {
    match text {
        None => Ok(Value::Null),
        Some(text) => serde_json::from_str(&text)
            .map_err(|error| Error::config(format!("{name} is not valid JSON text: {error}"))),
    }
}

fn multipart_from(native: NativeMultipart) -> Multipart {
    Multipart {
        fields: native
            .fields
            .into_iter()
            .map(|field| (field.name, field.value))
            .collect(),
        files: native
            .files
            .into_iter()
            .map(|file| FilePart {
                field: file.field.unwrap_or_default(),
                filename: file.name,
                content_type: file.content_type,
                content: Bytes::copy_from_slice(&file.data),
            })
            .collect(),
    }
}

fn config_exception(error: Error) -> napi::Error {
    napi::Error::new(Status::InvalidArg, error.to_string())
}
