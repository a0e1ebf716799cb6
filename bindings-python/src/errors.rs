//! Core errors and Rust panics as exceptions of `uspacy.errors`.

use std::any::Any;

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList};
use uspacy::{Error, ErrorKind};

static ERRORS_MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();

fn errors_module(py: Python<'_>) -> PyResult<&Bound<'_, PyModule>> {
    ERRORS_MODULE
        .get_or_try_init(py, || Ok(py.import("uspacy.errors")?.unbind()))
        .map(|module| module.bind(py))
}

/// Returns the exception class of an error kind.
fn class_of(kind: ErrorKind) -> &'static str {
    match kind {
        ErrorKind::Api => "ApiError",
        ErrorKind::Unauthorized => "Unauthorized",
        ErrorKind::Forbidden => "Forbidden",
        ErrorKind::NotFound => "NotFound",
        ErrorKind::Validation => "ValidationError",
        ErrorKind::RateLimited => "RateLimited",
        ErrorKind::SessionExpired => "SessionExpired",
        ErrorKind::Duplicate => "Duplicate",
        ErrorKind::Network => "NetworkError",
        ErrorKind::Timeout => "Timeout",
        ErrorKind::Decode => "DecodeError",
        ErrorKind::Config => "ConfigError",
        // A kind added to the core later still reaches Python with its data.
        _ => "UspacyError",
    }
}

/// Builds the Python exception for a core error, with every detail the
/// error carries as attributes.
pub(crate) fn to_py_err(py: Python<'_>, error: &Error) -> PyErr {
    build(py, error).unwrap_or_else(|failure| failure)
}

/// Builds a `ConfigError` with `message`, for arguments the module checks itself.
pub(crate) fn config_error(py: Python<'_>, message: impl Into<String>) -> PyErr {
    to_py_err(py, &Error::config(message))
}

fn build(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let class_name = class_of(error.kind());
    let kind = error.kind().code();
    let class = errors_module(py)?.getattr(class_name)?;

    let field_errors = PyDict::new(py);
    for (field, messages) in error.field_errors() {
        field_errors.set_item(field, PyList::new(py, messages)?)?;
    }
    let kwargs = PyDict::new(py);
    kwargs.set_item("kind", kind)?;
    kwargs.set_item("message", error.message())?;
    kwargs.set_item("status", error.status())?;
    kwargs.set_item("method", error.method().map(|method| method.as_str()))?;
    kwargs.set_item("url", error.url())?;
    kwargs.set_item("field_errors", field_errors)?;
    kwargs.set_item("body", error.body().map(|body| PyBytes::new(py, body)))?;
    kwargs.set_item(
        "retry_after",
        error.retry_after().map(|wait| wait.as_secs_f64()),
    )?;
    kwargs.set_item("json_path", error.json_path())?;
    kwargs.set_item("retryable", error.is_retryable())?;

    let exception = class.call((error.to_string(),), Some(&kwargs))?;
    Ok(PyErr::from_value(exception))
}

/// `uspacy.UspacyError` for a Rust panic caught at the module boundary.
pub(crate) fn panic_error(py: Python<'_>, payload: &(dyn Any + Send)) -> PyErr {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|text| (*text).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "no panic message".to_owned());
    let text = format!(
        "internal error in the uspacy native module: {detail}; this is a bug, please report it"
    );
    let raised = errors_module(py)
        .and_then(|module| module.getattr("UspacyError"))
        .and_then(|class| {
            let kwargs = PyDict::new(py);
            kwargs.set_item("kind", "internal")?;
            class.call((text.clone(),), Some(&kwargs))
        });
    match raised {
        Ok(exception) => PyErr::from_value(exception),
        Err(_) => PyRuntimeError::new_err(text),
    }
}
