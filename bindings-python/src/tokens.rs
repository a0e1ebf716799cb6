//! `uspacy.TokenPair` and the `on_tokens` callback that receives it.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};

/// An access token, the refresh token that renews it and the access
/// token's expiry. `repr()` hides both tokens.
#[pyclass(module = "uspacy._native", name = "TokenPair", frozen, eq)]
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct TokenPair {
    /// The JWT sent as `Authorization: Bearer ...`.
    #[pyo3(get)]
    access_token: String,
    /// The token that renews it; `None` when the server gave none.
    #[pyo3(get)]
    refresh_token: Option<String>,
    /// When the access token expires, in seconds since the Unix epoch;
    /// `None` when unknown.
    #[pyo3(get)]
    expires_at: Option<u64>,
}

impl From<&uspacy::TokenPair> for TokenPair {
    fn from(pair: &uspacy::TokenPair) -> TokenPair {
        TokenPair {
            access_token: pair.access_token.expose().to_owned(),
            refresh_token: pair
                .refresh_token
                .as_ref()
                .map(|token| token.expose().to_owned()),
            expires_at: pair.expires_at,
        }
    }
}

#[pymethods]
impl TokenPair {
    #[new]
    #[pyo3(signature = (access_token, refresh_token = None, expires_at = None))]
    fn new(access_token: String, refresh_token: Option<String>, expires_at: Option<u64>) -> Self {
        TokenPair {
            access_token,
            refresh_token,
            expires_at,
        }
    }

    /// Returns the pair as a dict with the keys `access_token`,
    /// `refresh_token` and `expires_at`, for storing it as JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("access_token", &self.access_token)?;
        dict.set_item("refresh_token", &self.refresh_token)?;
        dict.set_item("expires_at", self.expires_at)?;
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        let refresh = match self.refresh_token {
            Some(_) => "'***'",
            None => "None",
        };
        let expires = self
            .expires_at
            .map_or_else(|| "None".to_owned(), |at| at.to_string());
        format!("TokenPair(access_token='***', refresh_token={refresh}, expires_at={expires})")
    }

    fn __reduce__<'py>(
        slf: &Bound<'py, Self>,
    ) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyTuple>)> {
        let pair = slf.get();
        let args = (
            pair.access_token.clone(),
            pair.refresh_token.clone(),
            pair.expires_at,
        );
        Ok((slf.get_type().into_any(), args.into_pyobject(slf.py())?))
    }
}

/// The core token hook that calls the Python `callback` with each new pair.
///
/// The core calls it while it holds the client's refresh lock, on the thread
/// that ran the refresh. Only calls that wait for that refresh wait for the
/// callback; they wait with the GIL released, so the callback can take it.
/// An exception in the callback is logged on the `uspacy` logger and does
/// not fail the call that refreshed.
///
/// NOTE: the core owns the callback, so Python's garbage collector cannot see
/// the reference. A callback that refers back to its client (a bound method
/// of an object that keeps the client) keeps both alive until exit.
pub(crate) fn hook(callback: Py<PyAny>) -> impl Fn(&uspacy::TokenPair) + Send + Sync + 'static {
    move |pair: &uspacy::TokenPair| {
        let pair = TokenPair::from(pair);
        // A panic must not unwind into the core's refresh, which holds a lock.
        let _ = catch_unwind(AssertUnwindSafe(|| {
            crate::aio::with_gil(|py| {
                if let Err(error) = callback.call1(py, (pair,)) {
                    crate::logging::callback_failed(py, "on_tokens", &error);
                }
            })
        }));
    }
}
