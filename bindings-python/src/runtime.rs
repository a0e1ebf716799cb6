//! The one tokio runtime of the module, shared by every client, and a
//! blocking call that releases the GIL while it waits.

use std::future::Future;
use std::sync::OnceLock;
use std::time::Duration;

use pyo3::prelude::*;
use tokio::runtime::{Handle, Runtime};

/// How often a blocking call takes the GIL back to run Python's signal
/// handlers, so Ctrl-C interrupts a call that waits for retries.
const SIGNAL_CHECK_INTERVAL: Duration = Duration::from_millis(100);

// NOTE: a process forked after the runtime started has no worker threads,
// so calls in the child hang. The README's Limits section recommends the
// `spawn` or `forkserver` start method for multiprocessing workers.
// The runtime is never shut down; its threads stop taking the GIL at
// interpreter exit instead (`aio::close_gate`).
static RUNTIME: OnceLock<Runtime> = OnceLock::new();

/// Returns the shared multi-threaded runtime, starting it on first use.
pub(crate) fn runtime() -> &'static Runtime {
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("uspacy-worker")
            .build()
            .expect("the tokio runtime starts")
    })
}

/// Runs `future` to completion with the GIL released.
///
/// Every `SIGNAL_CHECK_INTERVAL` the GIL is taken back briefly to run
/// Python's signal handlers. When one raises (Ctrl-C raises
/// `KeyboardInterrupt`), the future is dropped, which cancels the request,
/// and the exception is returned.
pub(crate) fn block_on<F>(py: Python<'_>, future: F) -> PyResult<F::Output>
where
    F: Future + Send,
    F::Output: Send,
{
    let mut future = std::pin::pin!(future);
    loop {
        let outcome = py.detach(|| {
            run(async { tokio::time::timeout(SIGNAL_CHECK_INTERVAL, future.as_mut()).await })
        });
        match outcome {
            Ok(output) => return Ok(output),
            Err(_elapsed) => py.check_signals()?,
        }
    }
}

/// Blocks the current thread on `future`. On a thread that already runs
/// inside a tokio runtime (a callback called from a worker thread), the
/// thread first leaves the runtime, because tokio forbids nested `block_on`.
fn run<F: Future>(future: F) -> F::Output {
    match Handle::try_current() {
        Ok(handle) => tokio::task::block_in_place(|| handle.block_on(future)),
        Err(_) => runtime().block_on(future),
    }
}

/// Enters the shared runtime's context, for code that needs one to
/// construct (not to run) its parts.
pub(crate) fn enter() -> tokio::runtime::EnterGuard<'static> {
    runtime().enter()
}
