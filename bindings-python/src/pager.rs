//! Iterators over every item of a list operation, driven by the core's
//! stream of pages (`Client::paginate_raw_pages`): a page is fetched only
//! when the items of the previous one have been consumed, so memory stays
//! at one page.
//!
//! A fetched page becomes Python objects in one pass (`crate::json`) and
//! waits in a buffer. Stepping through its items then needs neither the runtime
//! nor a handoff between threads, and only the first item of each page
//! waits for the network.

use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::sync::{Arc, Mutex as SyncMutex};

use futures::{FutureExt, Stream, StreamExt};
use pyo3::exceptions::{PyRuntimeError, PyStopAsyncIteration};
use pyo3::prelude::*;
use serde_json::value::RawValue;
use tokio::sync::Mutex;

use crate::aio::{self, Ready};
use crate::{convert, errors, guard, runtime};

/// The core's stream of pages, items as JSON text.
pub(crate) type PageStream =
    Pin<Box<dyn Stream<Item = uspacy::Result<uspacy::Page<Box<RawValue>>>> + Send>>;

/// The stream; `None` once it has ended or failed.
type SharedStream = Arc<Mutex<Option<PageStream>>>;

/// Items of the fetched page not yet returned; read and written with the
/// GIL held.
type Buffer = Arc<SyncMutex<VecDeque<Py<PyAny>>>>;

type Step = Option<uspacy::Result<uspacy::Page<Box<RawValue>>>>;

/// Takes the next page from the locked stream; ends the stream after its
/// last page or an error.
async fn next_page(slot: &mut Option<PageStream>) -> Step {
    let next = match slot.as_mut() {
        Some(stream) => stream.next().await,
        None => None,
    };
    if !matches!(next, Some(Ok(_))) {
        *slot = None;
    }
    next
}

fn take(buffer: &Buffer) -> Option<Py<PyAny>> {
    buffer
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .pop_front()
}

/// Buffers the items of a fetched page and returns the next item: `None`
/// at the end of the list.
fn step(py: Python<'_>, op_id: &str, buffer: &Buffer, next: Step) -> PyResult<Option<Py<PyAny>>> {
    match next {
        Some(Ok(page)) => {
            let items = convert::items_to_python(py, op_id, &page.items)?;
            let mut buffered = buffer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            buffered.extend(items.iter().map(Bound::unbind));
            Ok(buffered.pop_front())
        }
        Some(Err(error)) => Err(errors::to_py_err(py, &error)),
        // Another step of the same iterator may have buffered a page.
        None => Ok(take(buffer)),
    }
}

/// An iterator over every item of a list operation, for the blocking
/// client. Each page request runs with the GIL released.
#[pyclass(module = "uspacy._native", name = "Pager", frozen)]
pub(crate) struct Pager {
    op_id: String,
    stream: SharedStream,
    buffer: Buffer,
}

impl Pager {
    pub(crate) fn new(op_id: String, stream: PageStream) -> Pager {
        Pager {
            op_id,
            stream: Arc::new(Mutex::new(Some(stream))),
            buffer: Buffer::default(),
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
            if let Some(item) = take(&self.buffer) {
                return Ok(Some(item));
            }
            let stream = self.stream.clone();
            let outcome = runtime::block_on(
                py,
                AssertUnwindSafe(async move { next_page(&mut *stream.lock().await).await })
                    .catch_unwind(),
            )?;
            match outcome {
                Ok(next) => step(py, &self.op_id, &self.buffer, next),
                Err(payload) => Err(errors::panic_error(py, payload.as_ref())),
            }
        })
    }

    /// Stops the iteration early and frees the page held in memory.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        guard(py, || {
            self.buffer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clear();
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
    buffer: Buffer,
}

impl AsyncPager {
    pub(crate) fn new(op_id: String, stream: PageStream) -> AsyncPager {
        AsyncPager {
            op_id,
            stream: Arc::new(Mutex::new(Some(stream))),
            buffer: Buffer::default(),
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
            if let Some(item) = take(&self.buffer) {
                return Ok(Bound::new(py, Ready::new(item))?.into_any());
            }
            let stream = self.stream.clone();
            let buffer = self.buffer.clone();
            let op_id = self.op_id.clone();
            aio::spawn(
                py,
                async move {
                    // The page is buffered before the stream is unlocked, so
                    // concurrent steps buffer pages in the order fetched.
                    let mut slot = stream.lock().await;
                    let next = next_page(&mut slot).await;
                    aio::with_gil(|py| step(py, &op_id, &buffer, next)).unwrap_or_else(|| {
                        Err(PyRuntimeError::new_err("the interpreter is exiting"))
                    })
                },
                |_py, item| match item? {
                    Some(item) => Ok(item),
                    None => Err(PyStopAsyncIteration::new_err(())),
                },
            )
        })
    }

    /// Stops the iteration early and frees the page held in memory.
    fn aclose<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        guard(py, || {
            self.buffer
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner())
                .clear();
            let stream = self.stream.clone();
            aio::spawn(py, async move { *stream.lock().await = None }, |py, ()| {
                Ok(py.None())
            })
        })
    }

    fn __repr__(&self) -> String {
        format!("<uspacy.AsyncPager {}>", self.op_id)
    }
}
