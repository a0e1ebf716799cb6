//! Awaitables for asyncio backed by tasks on the shared tokio runtime, and
//! the gate that keeps runtime threads away from Python once it exits.
//!
//! A runtime thread that resolves an asyncio future takes the GIL, and
//! `loop.call_soon_threadsafe` releases it for a moment while it wakes the
//! loop. If the main thread finishes the program in that moment and
//! Python starts finalizing, the runtime thread cannot take the GIL back:
//! Python ends the thread from inside `take_gil`, and the process aborts
//! with "PyGILState_Release: thread state must be current". So every
//! runtime thread takes the GIL through [`with_gil`], and an `atexit` hook
//! ([`close_gate`]) waits for those inside to leave and turns later ones
//! away.

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures::FutureExt;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::PyCFunction;
use tokio::task::AbortHandle;

use crate::{errors, runtime};

/// Set by the `atexit` hook; no runtime thread takes the GIL afterwards.
static CLOSED: AtomicBool = AtomicBool::new(false);
/// Runtime threads inside [`with_gil`].
static INSIDE: AtomicUsize = AtomicUsize::new(0);
/// How long the `atexit` hook waits for threads inside [`with_gil`].
const EXIT_WAIT: Duration = Duration::from_secs(5);

/// Runs `body` with the GIL on a thread that Python did not start; `None`
/// once the interpreter is exiting.
pub(crate) fn with_gil<R>(body: impl FnOnce(Python<'_>) -> R) -> Option<R> {
    INSIDE.fetch_add(1, Ordering::SeqCst);
    let outcome = if CLOSED.load(Ordering::SeqCst) {
        None
    } else {
        Python::try_attach(body)
    };
    INSIDE.fetch_sub(1, Ordering::SeqCst);
    outcome
}

/// The `atexit` hook: closes the gate, then waits with the GIL released
/// until no runtime thread is inside it.
#[pyfunction]
pub(crate) fn close_gate(py: Python<'_>) {
    CLOSED.store(true, Ordering::SeqCst);
    py.detach(|| {
        let deadline = Instant::now() + EXIT_WAIT;
        while INSIDE.load(Ordering::SeqCst) > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(1));
        }
    });
}

/// Registers [`close_gate`] with `atexit`, and adds it to the module for
/// the test that checks it.
pub(crate) fn install(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let hook = wrap_pyfunction!(close_gate, module)?;
    module.add_function(hook.clone())?;
    module
        .py()
        .import("atexit")?
        .call_method1("register", (hook,))?;
    Ok(())
}

/// Returns an asyncio future of the running loop that `future`, run on the
/// shared runtime, resolves through `convert`. Cancelling the asyncio
/// future drops `future`, which cancels its request.
pub(crate) fn spawn<'py, F, T>(
    py: Python<'py>,
    future: F,
    convert: fn(Python<'_>, T) -> PyResult<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let event_loop = running_loop(py)?;
    let py_future = event_loop.call_method0(pyo3::intern!(py, "create_future"))?;
    let target = (event_loop.unbind(), py_future.clone().unbind());
    let task = runtime::runtime().spawn(async move {
        let outcome = AssertUnwindSafe(future).catch_unwind().await;
        let (event_loop, py_future) = target;
        with_gil(|py| {
            let result = match outcome {
                Ok(value) => convert(py, value),
                Err(payload) => Err(errors::panic_error(py, payload.as_ref())),
            };
            let (ok, value) = match result {
                Ok(value) => (true, value),
                Err(error) => (false, error.into_value(py).into_any()),
            };
            // Fails only when the loop is closed, and then no coroutine awaits it.
            let _ = resolver(py).and_then(|resolve| {
                event_loop.call_method1(
                    py,
                    pyo3::intern!(py, "call_soon_threadsafe"),
                    (resolve, py_future, ok, value),
                )
            });
        });
    });
    py_future.call_method1(
        pyo3::intern!(py, "add_done_callback"),
        (Canceller {
            task: task.abort_handle(),
        },),
    )?;
    Ok(py_future)
}

/// An awaitable that is already resolved, for results at hand (the next
/// item of a page already fetched) without a trip through the runtime.
#[pyclass(module = "uspacy._native", name = "Ready")]
pub(crate) struct Ready {
    value: Option<Py<PyAny>>,
}

impl Ready {
    pub(crate) fn new(value: Py<PyAny>) -> Ready {
        Ready { value: Some(value) }
    }
}

#[pymethods]
impl Ready {
    fn __await__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    /// Ends at once with the value, as a coroutine that never suspends.
    fn __next__(&mut self, py: Python<'_>) -> PyResult<()> {
        let value = self.value.take().unwrap_or_else(|| py.None());
        Err(pyo3::exceptions::PyStopIteration::new_err((value,)))
    }
}

fn running_loop(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    static GET_RUNNING_LOOP: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    GET_RUNNING_LOOP
        .import(py, "asyncio", "get_running_loop")?
        .call0()
}

/// `resolve(future, ok, value)`, run by the event loop: sets the result
/// or the exception unless the future was cancelled meanwhile.
fn resolver(py: Python<'_>) -> PyResult<Py<PyAny>> {
    static RESOLVE: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    RESOLVE
        .get_or_try_init(py, || {
            let resolve =
                PyCFunction::new_closure(py, None, None, |args, _kwargs| -> PyResult<()> {
                    let (future, ok, value): (Bound<'_, PyAny>, bool, Bound<'_, PyAny>) =
                        args.extract()?;
                    let py = args.py();
                    if future
                        .call_method0(pyo3::intern!(py, "done"))?
                        .is_truthy()?
                    {
                        return Ok(());
                    }
                    let method = if ok { "set_result" } else { "set_exception" };
                    future.call_method1(method, (value,))?;
                    Ok(())
                })?;
            Ok::<_, PyErr>(resolve.into_any().unbind())
        })
        .map(|resolve| resolve.clone_ref(py))
}

/// The done callback of an asyncio future made by [`spawn`]: aborts the
/// task when the future was cancelled.
#[pyclass(module = "uspacy._native", name = "Canceller", frozen)]
struct Canceller {
    task: AbortHandle,
}

#[pymethods]
impl Canceller {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future
            .call_method0(pyo3::intern!(future.py(), "cancelled"))?
            .is_truthy()?
        {
            self.task.abort();
        }
        Ok(())
    }
}
