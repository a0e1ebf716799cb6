//! Token callbacks between the core and JavaScript: `onTokens` receives
//! each new token pair, and a `tokenProvider` supplies access tokens for
//! provider credentials.
//!
//! Both are weak threadsafe functions: they do not keep the Node.js event
//! loop alive, so a script that has finished its calls exits even while
//! the client still exists. The JavaScript layer wraps the user's functions
//! so that they never throw, because an exception escaping a threadsafe
//! function call would be fatal to the process.

use std::sync::{Arc, Mutex, MutexGuard};

use futures::future::BoxFuture;
use napi::bindgen_prelude::Promise;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;
use uspacy::{Error, TokenHook, TokenPair, TokenProvider};

/// A token pair as handed to JavaScript.
#[napi(object)]
#[derive(Clone)]
pub struct NativeTokens {
    pub access_token: String,
    pub refresh_token: Option<String>,
    /// Seconds since the Unix epoch, when known.
    pub expires_at: Option<f64>,
}

impl From<&TokenPair> for NativeTokens {
    fn from(pair: &TokenPair) -> NativeTokens {
        NativeTokens {
            access_token: pair.access_token.expose().to_owned(),
            refresh_token: pair
                .refresh_token
                .as_ref()
                .map(|token| token.expose().to_owned()),
            expires_at: pair.expires_at.map(|seconds| seconds as f64),
        }
    }
}

/// The JavaScript callback: called with one `NativeTokens` object, result
/// ignored, not callee-handled, weak (unref'd).
pub type TokenCallback = ThreadsafeFunction<NativeTokens, (), NativeTokens, Status, false, true>;

/// The slot holding the callback; emptied by `close()`, after which new
/// pairs are dropped.
#[derive(Clone, Default)]
pub struct TokenForwarder {
    callback: Arc<Mutex<Option<TokenCallback>>>,
}

impl TokenForwarder {
    pub fn new(callback: TokenCallback) -> TokenForwarder {
        TokenForwarder {
            callback: Arc::new(Mutex::new(Some(callback))),
        }
    }

    /// Releases the callback; later token pairs reach no JavaScript code.
    pub fn release(&self) {
        self.slot().take();
    }

    fn slot(&self) -> MutexGuard<'_, Option<TokenCallback>> {
        // A panic while the lock was held leaves nothing half-written.
        self.callback
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl TokenHook for TokenForwarder {
    fn on_tokens(&self, tokens: &TokenPair) {
        if let Some(callback) = self.slot().as_ref() {
            // Non-blocking, because the core holds its refresh lock while this
            // runs. The queue is unbounded (max_queue_size 0), so the call
            // does not wait for room.
            callback.call(
                NativeTokens::from(tokens),
                ThreadsafeFunctionCallMode::NonBlocking,
            );
        }
    }
}

/// The result of the wrapped `tokenProvider`: the token, or the message of
/// the error the user's function threw.
#[napi(object)]
pub struct ProvidedToken {
    pub token: Option<String>,
    pub error: Option<String>,
}

/// The wrapped JavaScript `tokenProvider`: called with `rejected`, resolves
/// with a [`ProvidedToken`]; weak (unref'd).
pub type ProviderCallback =
    ThreadsafeFunction<bool, Promise<ProvidedToken>, bool, Status, false, true>;

/// Asks the JavaScript `tokenProvider` for access tokens.
pub struct JsTokenProvider {
    callback: ProviderCallback,
}

impl JsTokenProvider {
    pub fn new(callback: ProviderCallback) -> JsTokenProvider {
        JsTokenProvider { callback }
    }
}

impl TokenProvider for JsTokenProvider {
    fn access_token(&self, rejected: bool) -> BoxFuture<'_, uspacy::Result<String>> {
        Box::pin(async move {
            // NOTE: the core offers no public constructor for an
            // authentication error, so a failing provider is reported as a
            // configuration error.
            let promise = self
                .callback
                .call_async_catch(rejected)
                .await
                .map_err(|error| {
                    Error::config(format!("the tokenProvider could not be called: {error}"))
                })?;
            let provided = promise.await.map_err(|error| {
                Error::config(format!("the tokenProvider could not be awaited: {error}"))
            })?;
            match (provided.token, provided.error) {
                (_, Some(message)) => Err(Error::config(format!(
                    "the tokenProvider failed: {message}"
                ))),
                (Some(token), None) if !token.trim().is_empty() => Ok(token),
                _ => Err(Error::config(
                    "the tokenProvider returned no token: resolve with the access token as a non-empty string",
                )),
            }
        })
    }
}
