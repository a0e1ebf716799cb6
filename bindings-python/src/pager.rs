//! Iterators over every item of a list operation, driven by the core's
//! item stream (`Client::paginate`): a page is fetched only when the items
//! of the previous one have been consumed, so memory stays at one page.

use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::Arc;

use futures::{FutureExt, Stream, StreamExt};
use pyo3::exceptions::PyStopAsyncIteration;
use pyo3::prelude::*;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::{convert, errors, guard, runtime};

/// The core's stream of items; `None` once it has ended or failed.
pub(crate) type ItemStream = Pin<Box<dyn Stream<Item = uspacy::Result<Value>> + Send>>;

type SharedStream = Arc<Mutex<Option<ItemStream>>>;

/// Takes the next item; ends the stream after its last item or an error.
async fn next_item(stream: &Mutex<Option<ItemStream>>) -> Option<uspacy::Result<Value>> {
    let mut slot = stream.lock().await;
    let next = match slot.as_mut() {
        Some(stream) => stream.next().await,
        None => None,
    };
    if !matches!(next, Some(Ok(_))) {
        *slot = None;
    }
    next
}

/// Converts one step of an iterator for Python: an item, the end, or an error.
fn finish(
    py: Python<'_>,
    outcome: std::thread::Result<Option<uspacy::Result<Value>>>,
) -> PyResult<Option<Py<PyAny>>> {
    match outcome {
        Ok(Some(Ok(item))) => convert::to_python(py, &item).map(Some),
        Ok(Some(Err(error))) => Err(errors::to_py_err(py, &error)),
        Ok(None) => Ok(None),
        Err(payload) => Err(errors::panic_error(py, payload.as_ref())),
    }
}

/// An iterator over every item of a list operation, for the blocking
/// client. Each page request runs with the GIL released.
#[pyclass(module = "uspacy._native", name = "Pager", frozen)]
pub(crate) struct Pager {
    op_id: String,
    stream: SharedStream,
}

impl Pager {
    pub(crate) fn new(op_id: String, stream: ItemStream) -> Pager {
        Pager {
            op_id,
            stream: Arc::new(Mutex::new(Some(stream))),
        }
    }
}

#[pymethods]
impl Pager {
    fn __iter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __next__(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        guard(py, || {
            let stream = self.stream.clone();
            let outcome = runtime::block_on(
                py,
                AssertUnwindSafe(async move { next_item(&stream).await }).catch_unwind(),
            )?;
            finish(py, outcome)
        })
    }

    /// Stops the iteration early and frees the page held in memory.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            let stream = self.stream.clone();
            runtime::block_on(py, async move { *stream.lock().await = None })
        })
    }

    fn __repr__(&self) -> String {
        format!("<uspacy.Pager {}>", self.op_id)
    }
}

/// An async iterator over every item of a list operation, for the asyncio
/// client. Each `__anext__` is awaited without blocking the event loop.
#[pyclass(module = "uspacy._native", name = "AsyncPager", frozen)]
pub(crate) struct AsyncPager {
    op_id: String,
    stream: SharedStream,
}

impl AsyncPager {
    pub(crate) fn new(op_id: String, stream: ItemStream) -> AsyncPager {
        AsyncPager {
            op_id,
            stream: Arc::new(Mutex::new(Some(stream))),
        }
    }
}

#[pymethods]
impl AsyncPager {
    fn __aiter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let stream = self.stream.clone();
            pyo3_async_runtimes::tokio::future_into_py(py, async move {
                let outcome = AssertUnwindSafe(async move { next_item(&stream).await })
                    .catch_unwind()
                    .await;
                Python::attach(|py| match finish(py, outcome)? {
                    Some(item) => Ok(item),
                    None => Err(PyStopAsyncIteration::new_err(())),
                })
            })
        })
    }

    /// Stops the iteration early and frees the page held in memory.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            let stream = self.stream.clone();
            pyo3_async_runtimes::tokio::future_into_py(py, async move {
                *stream.lock().await = None;
                Ok(())
            })
        })
    }

    fn __repr__(&self) -> String {
        format!("<uspacy.AsyncPager {}>", self.op_id)
    }
}
