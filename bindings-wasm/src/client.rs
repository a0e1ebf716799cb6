//! `WasmClient`: one core [`Client`] behind the JavaScript `Uspacy` class.

use std::cell::RefCell;

use bytes::Bytes;
use js_sys::{Array, Function, Reflect, Uint8Array};
use uspacy::{Body, Client, Credentials, Error, FilePart, Multipart};
use wasm_bindgen::prelude::*;

use crate::convert::{self, from_js};
use crate::executor;
use crate::lock::{lock_manager, WebLock};
use crate::options::{self, WebOptions};
use crate::pager::WasmPager;
use crate::tokens::{pair_to_js, TokenStore, WebTokenHook};

/// A client of one portal. All state (tokens, callbacks, storage) belongs
/// to this instance.
#[wasm_bindgen]
pub struct WasmClient {
    /// `None` once `close()` has run.
    client: RefCell<Option<Client>>,
    base_url: String,
    storage_key: Option<String>,
    cross_tab_lock: bool,
}

#[wasm_bindgen]
impl WasmClient {
    /// Builds a client and returns `{client}` or `{error}`; nothing is sent
    /// yet.
    ///
    /// `options` is the checked options object (see [`WebOptions`]).
    /// `on_tokens` and `token_provider` are the JavaScript layer's wrappers
    /// of the user's functions. `storage` is a `Storage`-like object for a
    /// shared token store, or `undefined` for memory only. With a store,
    /// refreshes also take a cross-tab Web Lock where the host has one.
    pub fn create(
        options: JsValue,
        on_tokens: Option<Function>,
        token_provider: Option<Function>,
        storage: JsValue,
    ) -> JsValue {
        match build(options, on_tokens, token_provider, storage) {
            Ok(client) => convert::object(&[("client", &JsValue::from(client))]),
            Err(error) => convert::error_outcome(&error),
        }
    }

    /// Returns the portal's base URL, with a webhook key in it shown as `***`.
    #[wasm_bindgen(getter, js_name = baseUrl)]
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// The key of this portal's pair in the token storage, or `undefined`
    /// when tokens stay in memory.
    #[wasm_bindgen(getter, js_name = storageKey)]
    pub fn storage_key(&self) -> Option<String> {
        self.storage_key.clone()
    }

    /// Returns whether refreshes take a cross-tab Web Lock.
    #[wasm_bindgen(getter, js_name = crossTabLock)]
    pub fn cross_tab_lock(&self) -> bool {
        self.cross_tab_lock
    }

    /// Returns whether `close()` has run.
    #[wasm_bindgen(getter)]
    pub fn closed(&self) -> bool {
        self.client.borrow().is_none()
    }

    /// Returns the current pair as `{accessToken, refreshToken, expiresAt}`,
    /// or `null`.
    pub fn tokens(&self) -> JsValue {
        match self.client.borrow().as_ref().and_then(Client::tokens) {
            Some(pair) => pair_to_js(&pair),
            None => JsValue::NULL,
        }
    }

    /// Signs in (or checks the given tokens) now. Returns a task id whose
    /// outcome is `{value: null}` or `{error}`.
    pub fn authenticate(&self) -> u32 {
        let client = self.client();
        executor::spawn(async move {
            match client {
                Ok(client) => match client.authenticate().await {
                    Ok(()) => convert::value_outcome(&serde_json::Value::Null),
                    Err(error) => convert::error_outcome(&error),
                },
                Err(error) => convert::error_outcome(&error),
            }
        })
    }

    /// Refreshes the access token now. Returns a task id whose outcome is
    /// `{value: pair}` or `{error}`.
    pub fn refresh(&self) -> u32 {
        let client = self.client();
        executor::spawn(async move {
            let refreshed = match client {
                Ok(client) => client.refresh().await,
                Err(error) => Err(error),
            };
            match refreshed {
                Ok(pair) => convert::object(&[("value", &pair_to_js(&pair))]),
                Err(error) => convert::error_outcome(&error),
            }
        })
    }

    /// Calls operation `op_id`. `path_params`, `query` and `body` are JSON
    /// values; `multipart` (`{files: [{name, data, contentType, field}],
    /// fields: [{name, value}]}`) replaces `body` for uploads. Returns a
    /// task id whose outcome is `{value}` or `{error}`.
    pub fn call(
        &self,
        op_id: String,
        path_params: JsValue,
        query: JsValue,
        body: JsValue,
        multipart: JsValue,
    ) -> u32 {
        let request = self.request(path_params, query, body, multipart);
        executor::spawn(async move {
            let (client, path, query, body) = match request {
                Ok(request) => request,
                Err(error) => return convert::error_outcome(&error),
            };
            match client.call(&op_id, &path, &query, body).await {
                Ok(value) => convert::value_outcome(&value),
                Err(error) => convert::error_outcome(&error),
            }
        })
    }

    /// Starts iterating every page of paging operation `op_id`. Errors (an
    /// unknown or non-paging operation, a closed client) arrive with the
    /// first step.
    pub fn paginate(&self, op_id: String, path_params: JsValue, query: JsValue) -> WasmPager {
        let start = self.client().and_then(|client| {
            let path = from_js("pathParams", path_params)?;
            let query = from_js("query", query)?;
            client.paginate_pages(&op_id, path, query)
        });
        WasmPager::new(start)
    }

    /// Drops the core client and its callbacks. Calls already running
    /// finish; later calls fail with a configuration error.
    pub fn close(&self) {
        // Closes the clones held by running calls too (see `Client::close`),
        // so a refresh still running no longer stores or reports its pair.
        if let Some(client) = self.client.borrow_mut().take() {
            client.close();
        }
    }
}

type Request = (Client, serde_json::Value, serde_json::Value, Body);

impl WasmClient {
    fn client(&self) -> Result<Client, Error> {
        self.client.borrow().clone().ok_or_else(|| {
            Error::config("this client is closed: create a new Uspacy client to make calls")
        })
    }

    fn request(
        &self,
        path_params: JsValue,
        query: JsValue,
        body: JsValue,
        multipart: JsValue,
    ) -> Result<Request, Error> {
        let client = self.client()?;
        let path = from_js("pathParams", path_params)?;
        let query = from_js("query", query)?;
        let body = if !multipart.is_undefined() && !multipart.is_null() {
            Body::Multipart(multipart_from(&multipart)?)
        } else if body.is_undefined() || body.is_null() {
            Body::None
        } else {
            Body::Json(from_js("body", body)?)
        };
        Ok((client, path, query, body))
    }
}

fn build(
    options: JsValue,
    on_tokens: Option<Function>,
    token_provider: Option<Function>,
    storage: JsValue,
) -> Result<WasmClient, Error> {
    let options: WebOptions = serde_wasm_bindgen::from_value(options)
        .map_err(|error| Error::config(format!("invalid options: {error}")))?;
    let store = (!storage.is_undefined() && !storage.is_null()).then(|| TokenStore::new(storage));

    // The portal's base URL keys the stored pair and the lock, so a first
    // build without them finds it (it also checks the options).
    let probe = options::builder(&options, token_provider.as_ref())?.build()?;
    let base_url = probe.base_url();
    drop(probe);

    let mut builder = options::builder(&options, token_provider.as_ref())?;
    let mut cross_tab_lock = false;
    if let Some(store) = &store {
        store.set_portal(&base_url);
        if options.credentials.is_none() {
            // No credentials given: start from the pair an earlier page
            // load or another tab stored for this portal, when there is one.
            if let Some(pair) = store.load() {
                builder = builder.credentials(Credentials::Tokens {
                    access_token: pair.access_token,
                    refresh_token: pair.refresh_token,
                });
            }
        }
        if lock_manager().is_some() {
            let lock = WebLock::new(store.clone());
            lock.set_portal(&base_url);
            builder = builder.refresh_lock(lock);
            cross_tab_lock = true;
        }
    }
    let storage_key = store.as_ref().map(TokenStore::key);
    if store.is_some() || on_tokens.is_some() {
        builder = builder.on_tokens(WebTokenHook {
            store,
            listener: on_tokens,
        });
    }
    let client = builder.build()?;
    Ok(WasmClient {
        base_url: client.base_url(),
        client: RefCell::new(Some(client)),
        storage_key,
        cross_tab_lock,
    })
}

/// Reads a property of a multipart object.
fn property(object: &JsValue, name: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

fn optional_string(object: &JsValue, name: &str) -> Option<String> {
    property(object, name)
        .as_string()
        .filter(|text| !text.is_empty())
}

/// Converts the checked `{files, fields}` form of the JavaScript layer.
fn multipart_from(form: &JsValue) -> Result<Multipart, Error> {
    let invalid = |what: &str| Error::config(format!("invalid upload: {what}"));
    let files: Array = property(form, "files")
        .dyn_into()
        .map_err(|_| invalid("files must be an array"))?;
    let fields: Array = property(form, "fields")
        .dyn_into()
        .unwrap_or_else(|_| Array::new());

    let mut multipart = Multipart::default();
    for field in fields.iter() {
        let name = optional_string(&field, "name").ok_or_else(|| invalid("a field has no name"))?;
        let value = property(&field, "value").as_string().unwrap_or_default();
        multipart.fields.push((name, value));
    }
    for (index, file) in files.iter().enumerate() {
        let name = optional_string(&file, "name")
            .ok_or_else(|| invalid(&format!("files[{index}].name is missing")))?;
        let data: Uint8Array = property(&file, "data")
            .dyn_into()
            .map_err(|_| invalid(&format!("files[{index}].data must be a Uint8Array")))?;
        multipart.files.push(FilePart {
            field: optional_string(&file, "field").unwrap_or_default(),
            filename: name,
            content_type: optional_string(&file, "contentType"),
            content: Bytes::from(data.to_vec()),
        });
    }
    Ok(multipart)
}
