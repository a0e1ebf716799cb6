//! `uspacy._native`: the Rust core exposed to the `uspacy` Python package.
//!
//! The module only converts values, maps errors, bridges async code and
//! calls back into Python. Every endpoint, retry and token rule lives in
//! the core crate. The Python package wraps it in `uspacy.Client` and
//! `uspacy.AsyncClient`, whose namespaces are generated from the core's
//! operation table.
//!
//! | module | contents |
//! |---|---|
//! | [`client`] | `NativeClient`: configuration, calls, pagers, tokens |
//! | [`config`] | keyword arguments to a core `Client`, with argument checks |
//! | [`convert`] | Python values to JSON, query merging, multipart bodies |
//! | [`errors`] | core errors and Rust panics to `uspacy.errors` exceptions |
//! | [`logging`] | `tracing` events to Python's `logging` |
//! | [`pager`] | iterators and async iterators over the core's item streams |
//! | [`runtime`] | the shared tokio runtime and GIL-free blocking |
//! | [`tokens`] | `TokenPair` and the `on_tokens` callback |

mod aio;
mod client;
mod config;
mod convert;
mod errors;
mod json;
mod logging;
mod pager;
mod runtime;
mod tokens;

use std::panic::{catch_unwind, AssertUnwindSafe};

use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Runs `body`, turning a Rust panic into `uspacy.UspacyError`, so a
/// `PanicException` never reaches Python.
pub(crate) fn guard<T>(py: Python<'_>, body: impl FnOnce() -> PyResult<T>) -> PyResult<T> {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(result) => result,
        Err(payload) => Err(errors::panic_error(py, payload.as_ref())),
    }
}

/// Returns the core's defaults of the timeouts and retry settings, in
/// seconds, under the names of the client's keyword arguments.
#[pyfunction]
fn defaults(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let timeouts = uspacy::Timeouts::default();
    let retry = uspacy::RetryPolicy::default();
    let values = PyDict::new(py);
    values.set_item("connect_timeout", timeouts.connect.as_secs_f64())?;
    values.set_item("request_timeout", timeouts.request.as_secs_f64())?;
    values.set_item("upload_timeout", timeouts.upload.as_secs_f64())?;
    values.set_item("max_attempts", retry.max_attempts)?;
    values.set_item("initial_backoff", retry.initial_backoff.as_secs_f64())?;
    values.set_item("max_backoff", retry.max_backoff.as_secs_f64())?;
    values.set_item("max_retry_after", retry.max_retry_after.as_secs_f64())?;
    values.set_item("max_elapsed", retry.max_elapsed.as_secs_f64())?;
    values.set_item("user_agent", config::default_user_agent())?;
    Ok(values)
}

/// Panics inside the module's panic boundary; the test suite checks that
/// Python receives `uspacy.UspacyError`, not `PanicException`.
#[pyfunction]
#[pyo3(signature = (asynchronous = false))]
fn _panic_for_test(py: Python<'_>, asynchronous: bool) -> PyResult<Bound<'_, PyAny>> {
    guard(py, || {
        if !asynchronous {
            panic!("test panic at the synchronous boundary");
        }
        aio::spawn(
            py,
            async { panic!("test panic inside an async call") },
            |py, ()| Ok(py.None()),
        )
    })
}

#[pymodule]
#[pyo3(name = "_native")]
fn native_module(module: &Bound<'_, PyModule>) -> PyResult<()> {
    logging::install();
    aio::install(module)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    module.add_class::<client::NativeClient>()?;
    module.add_class::<tokens::TokenPair>()?;
    module.add_class::<pager::Pager>()?;
    module.add_class::<pager::AsyncPager>()?;
    module.add_class::<aio::Ready>()?;
    module.add_function(wrap_pyfunction!(defaults, module)?)?;
    module.add_function(wrap_pyfunction!(_panic_for_test, module)?)?;
    Ok(())
}
