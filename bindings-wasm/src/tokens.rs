//! Token callbacks and storage between the core and JavaScript.
//!
//! `onTokens` receives each new token pair. A token store (`localStorage`
//! or any object with `getItem`/`setItem`) keeps the pair for other tabs
//! and later page loads. A `tokenProvider` supplies access tokens for
//! provider credentials.

use std::cell::RefCell;
use std::rc::Rc;

use futures::future::LocalBoxFuture;
use js_sys::{Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use uspacy::{Error, Secret, TokenHook, TokenPair, TokenProvider};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::convert;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(message: &str);
}

/// A token pair as stored and as handed to JavaScript; the same shape as
/// `TokenPair.toJSON()` of both npm packages.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredPair {
    pub access_token: String,
    #[serde(default)]
    pub refresh_token: Option<String>,
    /// Seconds since the Unix epoch, when known.
    #[serde(default, serialize_with = "whole_seconds")]
    pub expires_at: Option<f64>,
}

/// Writes whole seconds as an integer (`1796427709`, not `1796427709.0`),
/// as `JSON.stringify` would.
fn whole_seconds<S: serde::Serializer>(
    seconds: &Option<f64>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match seconds {
        Some(value) if value.fract() == 0.0 && *value >= 0.0 && *value < 9.0e15 => {
            serializer.serialize_u64(*value as u64)
        }
        Some(value) => serializer.serialize_f64(*value),
        None => serializer.serialize_none(),
    }
}

impl From<&TokenPair> for StoredPair {
    fn from(pair: &TokenPair) -> StoredPair {
        StoredPair {
            access_token: pair.access_token.expose().to_owned(),
            refresh_token: pair
                .refresh_token
                .as_ref()
                .map(|token| token.expose().to_owned()),
            expires_at: pair.expires_at.map(|seconds| seconds as f64),
        }
    }
}

impl StoredPair {
    fn into_pair(self) -> Option<TokenPair> {
        if self.access_token.is_empty() {
            return None;
        }
        Some(TokenPair {
            access_token: Secret::new(self.access_token),
            refresh_token: self
                .refresh_token
                .filter(|token| !token.is_empty())
                .map(Secret::new),
            expires_at: self
                .expires_at
                .filter(|seconds| seconds.is_finite() && *seconds > 0.0)
                .map(|seconds| seconds as u64),
        })
    }
}

/// Converts a pair to `{accessToken, refreshToken, expiresAt}`.
pub fn pair_to_js(pair: &TokenPair) -> JsValue {
    convert::to_js(&StoredPair::from(pair)).unwrap_or(JsValue::NULL)
}

/// A `Storage`-like object (`localStorage`, `sessionStorage` or the
/// caller's own) and the key of this portal's pair in it. The key is set
/// once the client knows its base URL.
#[derive(Clone)]
pub struct TokenStore {
    storage: JsValue,
    key: Rc<RefCell<String>>,
}

impl TokenStore {
    pub fn new(storage: JsValue) -> TokenStore {
        TokenStore {
            storage,
            key: Rc::new(RefCell::new(String::new())),
        }
    }

    /// Sets the key from the portal's base URL, so each portal keeps its
    /// own pair in a shared storage.
    pub fn set_portal(&self, base_url: &str) {
        *self.key.borrow_mut() = format!("uspacy-web:tokens:{base_url}");
    }

    /// Returns the key this store reads and writes.
    pub fn key(&self) -> String {
        self.key.borrow().clone()
    }

    fn call(&self, method: &str, arguments: &[JsValue]) -> Result<JsValue, JsValue> {
        let function: Function = Reflect::get(&self.storage, &JsValue::from_str(method))?
            .dyn_into()
            .map_err(|_| JsValue::from_str(&format!("the token storage has no {method}()")))?;
        match arguments {
            [key] => function.call1(&self.storage, key),
            [key, value] => function.call2(&self.storage, key, value),
            _ => function.call0(&self.storage),
        }
    }

    /// Returns the stored text as it is, or `None` when there is none.
    pub fn raw(&self) -> Option<String> {
        self.call("getItem", &[JsValue::from_str(&self.key())])
            .ok()?
            .as_string()
    }

    /// Reads the stored pair; a missing or unreadable entry is `None`.
    pub fn load(&self) -> Option<TokenPair> {
        let key = self.key();
        let text = match self.call("getItem", &[JsValue::from_str(&key)]) {
            Ok(text) => text.as_string()?,
            Err(error) => {
                console_warn(&format!(
                    "uspacy: reading the token storage failed: {}",
                    describe(&error)
                ));
                return None;
            }
        };
        match serde_json::from_str::<StoredPair>(&text) {
            Ok(stored) => stored.into_pair(),
            Err(error) => {
                // The entry is not a pair this package wrote; the error
                // names the position only, never the stored text.
                console_warn(&format!(
                    "uspacy: the stored tokens under {key} are not readable ({error}); ignoring them"
                ));
                None
            }
        }
    }

    /// Writes `pair`; a failure (storage full or disabled) is reported on
    /// the console, and the client keeps its tokens in memory.
    pub fn save(&self, pair: &TokenPair) {
        let text = match serde_json::to_string(&StoredPair::from(pair)) {
            Ok(text) => text,
            Err(_) => return,
        };
        let key = self.key();
        if let Err(error) = self.call(
            "setItem",
            &[JsValue::from_str(&key), JsValue::from_str(&text)],
        ) {
            console_warn(&format!(
                "uspacy: storing the tokens under {key} failed: {}",
                describe(&error)
            ));
        }
    }
}

/// Describes a thrown JavaScript value: its `message` when it has one.
pub fn describe(error: &JsValue) -> String {
    Reflect::get(error, &JsValue::from_str("message"))
        .ok()
        .and_then(|message| message.as_string())
        .or_else(|| error.as_string())
        .unwrap_or_else(|| "an unknown error".to_owned())
}

/// The core's token hook: writes each new pair to the store, then hands it
/// to the `onTokens` listener. `load_tokens` reads the store, so a pair
/// another tab refreshed is adopted instead of refreshing again.
pub struct WebTokenHook {
    pub store: Option<TokenStore>,
    /// The JavaScript layer's wrapper of `onTokens`, which catches what the
    /// user's function throws.
    pub listener: Option<Function>,
}

impl TokenHook for WebTokenHook {
    fn on_tokens(&self, tokens: &TokenPair) {
        if let Some(store) = &self.store {
            store.save(tokens);
        }
        if let Some(listener) = &self.listener {
            let _ = listener.call1(&JsValue::UNDEFINED, &pair_to_js(tokens));
        }
    }

    fn load_tokens(&self) -> Option<TokenPair> {
        self.store.as_ref()?.load()
    }
}

/// Asks the JavaScript `tokenProvider` for access tokens. The callback is
/// the JavaScript layer's wrapper: called with `rejected`, it returns a
/// promise of `{token}` or `{error}` and never throws.
pub struct JsTokenProvider {
    callback: Function,
}

impl JsTokenProvider {
    pub fn new(callback: Function) -> JsTokenProvider {
        JsTokenProvider { callback }
    }
}

impl TokenProvider for JsTokenProvider {
    fn access_token(&self, rejected: bool) -> LocalBoxFuture<'_, uspacy::Result<String>> {
        Box::pin(async move {
            // NOTE: a failing provider is reported as a configuration error,
            // as the Node.js package does, so both raise `ConfigError`.
            let returned = self
                .callback
                .call1(&JsValue::UNDEFINED, &JsValue::from_bool(rejected))
                .map_err(|error| {
                    Error::config(format!(
                        "the tokenProvider could not be called: {}",
                        describe(&error)
                    ))
                })?;
            let provided = JsFuture::from(Promise::resolve(&returned))
                .await
                .map_err(|error| {
                    Error::config(format!(
                        "the tokenProvider could not be awaited: {}",
                        describe(&error)
                    ))
                })?;
            let field = |name: &str| {
                Reflect::get(&provided, &JsValue::from_str(name))
                    .ok()
                    .and_then(|value| value.as_string())
            };
            match (field("token"), field("error")) {
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
