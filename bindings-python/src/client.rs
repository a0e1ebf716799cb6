//! `NativeClient`: one core `Client` and the blocking and asyncio entry
//! points the generated namespaces call.

use std::panic::AssertUnwindSafe;
use std::sync::RwLock;

use futures::FutureExt;
use pyo3::prelude::*;
use serde_json::Value;

use crate::config::{self, AuthKind, Options};
use crate::convert::PendingBody;
use crate::pager::{AsyncPager, PageStream, Pager};
use crate::tokens::TokenPair;
use crate::{aio, convert, errors, guard, logging, runtime};

/// The native half of `uspacy.Client` and `uspacy.AsyncClient`.
#[pyclass(module = "uspacy._native", name = "NativeClient", frozen)]
pub(crate) struct NativeClient {
    /// `None` once closed.
    client: RwLock<Option<uspacy::Client>>,
    auth: AuthKind,
    /// The redacted base URL, kept for `repr()` after closing.
    base_url: String,
}

/// One call's arguments, converted while the GIL is held.
struct Request {
    op_id: String,
    path: Value,
    query: Value,
    body: PendingBody,
}

impl Request {
    /// Sends the request; the body is decoded later, with the GIL.
    async fn send(
        self,
        client: uspacy::Client,
    ) -> uspacy::Result<(&'static uspacy::Operation, uspacy::RawResponse)> {
        let body = self.body.load().await?;
        let op = uspacy::lookup(&self.op_id)?;
        let response = client.call_raw(op, &self.path, &self.query, body).await?;
        Ok((op, response))
    }

    fn new(
        op_id: &Bound<'_, PyAny>,
        path: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        extra_query: Option<&Bound<'_, PyAny>>,
        body: PendingBody,
    ) -> uspacy::Result<Request> {
        let op_id = op_id.extract::<String>().map_err(|_| {
            uspacy::Error::config(format!(
                "the op id must be a str such as \"crm.items.list\", got {}",
                convert::type_name(op_id)
            ))
        })?;
        Ok(Request {
            path: convert::to_json(path, "path parameters")?,
            query: convert::merge_query(query, extra_query)?,
            op_id,
            body,
        })
    }
}

/// Converts a finished future's outcome (a value, an error or a panic) for Python.
fn finish<T>(
    py: Python<'_>,
    outcome: std::thread::Result<uspacy::Result<T>>,
    convert_value: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Py<PyAny>> {
    match outcome {
        Ok(Ok(value)) => convert_value(py, value),
        Ok(Err(error)) => Err(errors::to_py_err(py, &error)),
        Err(payload) => Err(errors::panic_error(py, payload.as_ref())),
    }
}

fn body_to_python(
    py: Python<'_>,
    (op, response): (&'static uspacy::Operation, uspacy::RawResponse),
) -> PyResult<Py<PyAny>> {
    convert::body_to_python(py, op, &response)
}

fn pair_to_python(py: Python<'_>, pair: uspacy::TokenPair) -> PyResult<Py<PyAny>> {
    Ok(Py::new(py, TokenPair::from(&pair))?.into_any())
}

impl NativeClient {
    /// Returns a clone of the core client, or a `ConfigError` when closed.
    fn client(&self, py: Python<'_>) -> PyResult<uspacy::Client> {
        self.client
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clone()
            .ok_or_else(|| {
                errors::config_error(
                    py,
                    "this client is closed: create a new one to send requests",
                )
            })
    }

    /// Runs `future` on the current thread with the GIL released.
    fn run_blocking<T: Send>(
        &self,
        py: Python<'_>,
        future: impl std::future::Future<Output = uspacy::Result<T>> + Send,
        convert_value: impl FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let outcome = runtime::block_on(py, AssertUnwindSafe(future).catch_unwind())?;
        finish(py, outcome, convert_value)
    }

    /// Returns an asyncio awaitable that runs `future` on the shared runtime.
    fn run_async<'py, T: Send + 'static>(
        &self,
        py: Python<'py>,
        future: impl std::future::Future<Output = uspacy::Result<T>> + Send + 'static,
        convert_value: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        aio::spawn(
            py,
            future.map(move |result| (result, convert_value)),
            |py, (result, convert_value)| match result {
                Ok(value) => convert_value(py, value),
                Err(error) => Err(errors::to_py_err(py, &error)),
            },
        )
    }

    fn stream(&self, py: Python<'_>, request: Request) -> PyResult<PageStream> {
        let client = self.client(py)?;
        let _runtime = runtime::enter();
        let stream = client
            .paginate_raw_pages(&request.op_id, request.path, request.query)
            .map_err(|error| errors::to_py_err(py, &error))?;
        Ok(Box::pin(stream))
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (
        *,
        domain = None,
        base_url = None,
        email = None,
        password = None,
        code = None,
        client_id = None,
        client_secret = None,
        access_token = None,
        refresh_token = None,
        webhook_url = None,
        connect_timeout = None,
        request_timeout = None,
        upload_timeout = None,
        max_attempts = None,
        initial_backoff = None,
        max_backoff = None,
        max_retry_after = None,
        max_elapsed = None,
        refresh_skew = None,
        user_agent = None,
        on_tokens = None,
    ))]
    #[allow(clippy::too_many_arguments)]
    fn new<'py>(
        py: Python<'py>,
        domain: Option<Bound<'py, PyAny>>,
        base_url: Option<Bound<'py, PyAny>>,
        email: Option<Bound<'py, PyAny>>,
        password: Option<Bound<'py, PyAny>>,
        code: Option<Bound<'py, PyAny>>,
        client_id: Option<Bound<'py, PyAny>>,
        client_secret: Option<Bound<'py, PyAny>>,
        access_token: Option<Bound<'py, PyAny>>,
        refresh_token: Option<Bound<'py, PyAny>>,
        webhook_url: Option<Bound<'py, PyAny>>,
        connect_timeout: Option<Bound<'py, PyAny>>,
        request_timeout: Option<Bound<'py, PyAny>>,
        upload_timeout: Option<Bound<'py, PyAny>>,
        max_attempts: Option<Bound<'py, PyAny>>,
        initial_backoff: Option<Bound<'py, PyAny>>,
        max_backoff: Option<Bound<'py, PyAny>>,
        max_retry_after: Option<Bound<'py, PyAny>>,
        max_elapsed: Option<Bound<'py, PyAny>>,
        refresh_skew: Option<Bound<'py, PyAny>>,
        user_agent: Option<Bound<'py, PyAny>>,
        on_tokens: Option<Bound<'py, PyAny>>,
    ) -> PyResult<Self> {
        guard(py, || {
            let options = Options {
                domain,
                base_url,
                email,
                password,
                code,
                client_id,
                client_secret,
                access_token,
                refresh_token,
                webhook_url,
                connect_timeout,
                request_timeout,
                upload_timeout,
                max_attempts,
                initial_backoff,
                max_backoff,
                max_retry_after,
                max_elapsed,
                refresh_skew,
                user_agent,
                on_tokens,
            };
            let (client, auth) =
                config::build(&options).map_err(|error| errors::to_py_err(py, &error))?;
            Ok(NativeClient {
                base_url: client.base_url(),
                client: RwLock::new(Some(client)),
                auth,
            })
        })
    }

    /// Calls operation `op_id` and returns the response body as plain
    /// Python objects (`None` for an empty body), blocking with the GIL
    /// released.
    #[pyo3(signature = (op_id, path = None, query = None, extra_query = None, *, body = None, files = None, fields = None))]
    #[allow(clippy::too_many_arguments)]
    fn call(
        &self,
        py: Python<'_>,
        op_id: &Bound<'_, PyAny>,
        path: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        extra_query: Option<&Bound<'_, PyAny>>,
        body: Option<&Bound<'_, PyAny>>,
        files: Option<&Bound<'_, PyAny>>,
        fields: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        guard(py, || {
            logging::refresh_threshold(py);
            let to_error = |error: uspacy::Error| errors::to_py_err(py, &error);
            let body = convert::body(body, files, fields).map_err(to_error)?;
            let request = Request::new(op_id, path, query, extra_query, body).map_err(to_error)?;
            let client = self.client(py)?;
            self.run_blocking(py, request.send(client), body_to_python)
        })
    }

    /// Like `call`, but returns an awaitable for the asyncio client.
    #[pyo3(signature = (op_id, path = None, query = None, extra_query = None, *, body = None, files = None, fields = None))]
    #[allow(clippy::too_many_arguments)]
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        op_id: &Bound<'py, PyAny>,
        path: Option<&Bound<'py, PyAny>>,
        query: Option<&Bound<'py, PyAny>>,
        extra_query: Option<&Bound<'py, PyAny>>,
        body: Option<&Bound<'py, PyAny>>,
        files: Option<&Bound<'py, PyAny>>,
        fields: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            logging::refresh_threshold(py);
            let to_error = |error: uspacy::Error| errors::to_py_err(py, &error);
            let body = convert::body(body, files, fields).map_err(to_error)?;
            let request = Request::new(op_id, path, query, extra_query, body).map_err(to_error)?;
            let client = self.client(py)?;
            self.run_async(py, request.send(client), body_to_python)
        })
    }

    /// Returns an iterator over every item of list operation `op_id`.
    #[pyo3(signature = (op_id, path = None, query = None, extra_query = None))]
    fn paginate(
        &self,
        py: Python<'_>,
        op_id: &Bound<'_, PyAny>,
        path: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        extra_query: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Pager> {
        guard(py, || {
            logging::refresh_threshold(py);
            let request = Request::new(op_id, path, query, extra_query, PendingBody::none())
                .map_err(|error| errors::to_py_err(py, &error))?;
            let op_id = request.op_id.clone();
            Ok(Pager::new(op_id, self.stream(py, request)?))
        })
    }

    /// Returns an async iterator over every item of list operation `op_id`.
    #[pyo3(signature = (op_id, path = None, query = None, extra_query = None))]
    fn paginate_async(
        &self,
        py: Python<'_>,
        op_id: &Bound<'_, PyAny>,
        path: Option<&Bound<'_, PyAny>>,
        query: Option<&Bound<'_, PyAny>>,
        extra_query: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<AsyncPager> {
        guard(py, || {
            logging::refresh_threshold(py);
            let request = Request::new(op_id, path, query, extra_query, PendingBody::none())
                .map_err(|error| errors::to_py_err(py, &error))?;
            let op_id = request.op_id.clone();
            Ok(AsyncPager::new(op_id, self.stream(py, request)?))
        })
    }

    /// Signs in (or checks the given tokens) now instead of at the first call.
    fn authenticate(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        guard(py, || {
            logging::refresh_threshold(py);
            let client = self.client(py)?;
            self.run_blocking(py, async move { client.authenticate().await }, |py, ()| {
                Ok(py.None())
            })
        })
    }

    fn authenticate_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            logging::refresh_threshold(py);
            let client = self.client(py)?;
            self.run_async(py, async move { client.authenticate().await }, |py, ()| {
                Ok(py.None())
            })
        })
    }

    /// Refreshes the access token now and returns the new pair.
    fn refresh(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        guard(py, || {
            logging::refresh_threshold(py);
            let client = self.client(py)?;
            self.run_blocking(py, async move { client.refresh().await }, pair_to_python)
        })
    }

    fn refresh_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            logging::refresh_threshold(py);
            let client = self.client(py)?;
            self.run_async(py, async move { client.refresh().await }, pair_to_python)
        })
    }

    /// Returns the current token pair, or `None` before sign-in and for
    /// clients without tokens.
    fn tokens(&self, py: Python<'_>) -> PyResult<Option<TokenPair>> {
        guard(py, || {
            let client = self.client(py)?;
            // The core reads the pair under a lock that a refresh may hold
            // while it logs through Python, so wait for it without the GIL.
            let pair = py.detach(move || client.tokens());
            Ok(pair.as_ref().map(TokenPair::from))
        })
    }

    /// Returns the portal's base URL; a webhook key in it reads `***`.
    #[getter]
    fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// `none`, `password`, `app`, `tokens` or `webhook`.
    #[getter]
    fn auth_kind(&self) -> &'static str {
        self.auth.as_str()
    }

    #[getter]
    fn closed(&self) -> bool {
        self.client
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .is_none()
    }

    /// Drops the connection pool. Calls already running finish; later
    /// calls raise `ConfigError`. Closing twice is allowed.
    fn close(&self) {
        let client = self
            .client
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take();
        // Closes the clones held by running calls too (see `Client::close`);
        // the pool's connections close when the last clone is dropped.
        if let Some(client) = client {
            client.close();
        }
    }

    fn __repr__(&self) -> String {
        let state = if self.closed() { " closed" } else { "" };
        format!(
            "<uspacy.NativeClient base_url='{}' auth={}{state}>",
            self.base_url,
            self.auth.as_str()
        )
    }
}
