//! `NativePager`: the core's item stream (`Client::paginate`) stepped from
//! JavaScript one item per step.
//!
//! One item per step keeps the fetching strictly lazy. The stream starts
//! the request for page N+1 only when the item after the last one of page
//! N is requested, so a loop that stops early sends no extra request.
//!
//! Each step first tries `tryNext()`, a synchronous poll on the JavaScript
//! thread: items of a page already fetched come back without a trip
//! through the async runtime. Only when that poll is pending (a page
//! request has just started) does the caller await `next()`, which goes on
//! polling the same stream. Measured on the mock portal, this makes
//! iterating 5,000 items several times faster than awaiting every item.

use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex as StdMutex};
use std::task::{Context, Poll};

use futures::future::{AbortHandle, Abortable};
use futures::{Stream, StreamExt};
use napi::bindgen_prelude::PromiseRaw;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;
use tokio::sync::Mutex;

use crate::outcome::{guarded, ErrorInfo, Failed};

type ItemStream = Pin<Box<dyn Stream<Item = uspacy::Result<Value>> + Send>>;

enum State {
    Streaming(ItemStream),
    /// The stream could not start; the error is the first step's result.
    Failed(uspacy::Error),
    Finished,
}

/// One step: an item as JSON text, the end, an error (which also ends
/// it), or for `tryNext()` only: `pending`, the item is not there yet.
#[napi(object)]
pub struct PageStep {
    pub item: Option<String>,
    pub done: bool,
    pub pending: bool,
    pub error: Option<ErrorInfo>,
}

impl Failed for PageStep {
    fn failed(error: ErrorInfo) -> PageStep {
        PageStep {
            error: Some(error),
            ..PageStep::done()
        }
    }
}

impl PageStep {
    fn done() -> PageStep {
        PageStep {
            item: None,
            done: true,
            pending: false,
            error: None,
        }
    }

    fn pending() -> PageStep {
        PageStep {
            done: false,
            pending: true,
            ..PageStep::done()
        }
    }
}

/// The items of one list, fetched page by page.
#[napi]
pub struct NativePager {
    state: Arc<Mutex<State>>,
    /// Cancels the `next()` in flight when `close()` runs.
    in_flight: StdMutex<Option<AbortHandle>>,
    closed: AtomicBool,
}

impl NativePager {
    pub(crate) fn new(
        start: uspacy::Result<impl Stream<Item = uspacy::Result<Value>> + Send + 'static>,
    ) -> NativePager {
        let state = match start {
            Ok(stream) => State::Streaming(Box::pin(stream)),
            Err(error) => State::Failed(error),
        };
        NativePager {
            state: Arc::new(Mutex::new(state)),
            in_flight: StdMutex::new(None),
            closed: AtomicBool::new(false),
        }
    }
}

#[napi]
impl NativePager {
    /// Returns the next item when it is ready now; otherwise `pending`,
    /// after which the caller awaits `next()`. Polling may start the
    /// request for the next page, so call it only when an item is wanted.
    #[napi(catch_unwind)]
    pub fn try_next(&self) -> PageStep {
        if self.closed.load(Ordering::SeqCst) {
            return PageStep::done();
        }
        let Ok(mut state) = self.state.try_lock() else {
            return PageStep::pending();
        };
        let step = match &mut *state {
            State::Streaming(stream) => {
                let mut context = Context::from_waker(futures::task::noop_waker_ref());
                // Inside the runtime context, so a request the poll starts
                // finds its reactor and timers.
                let poll = napi::bindgen_prelude::within_runtime_if_available(|| {
                    stream.as_mut().poll_next(&mut context)
                });
                match poll {
                    Poll::Pending => return PageStep::pending(),
                    Poll::Ready(Some(Ok(item))) => return item_step(&item),
                    Poll::Ready(Some(Err(error))) => PageStep::failed(ErrorInfo::from(&error)),
                    Poll::Ready(None) => PageStep::done(),
                }
            }
            State::Failed(error) => PageStep::failed(ErrorInfo::from(&*error)),
            State::Finished => PageStep::done(),
        };
        *state = State::Finished;
        step
    }

    /// Resolves with the next item, `done`, or an error after which the
    /// pager is finished. After `close()` it resolves with `done`.
    #[napi(catch_unwind)]
    pub fn next<'env>(&self, env: &'env Env) -> napi::Result<PromiseRaw<'env, PageStep>> {
        let state = Arc::clone(&self.state);
        let (abort, registration) = AbortHandle::new_pair();
        if self.closed.load(Ordering::SeqCst) {
            abort.abort();
        }
        *self.abort_slot() = Some(abort);
        let step = Abortable::new(next_step(state), registration);
        env.spawn_future(guarded(async move {
            step.await.unwrap_or_else(|_aborted| PageStep::done())
        }))
    }

    /// Stops the iteration: cancels a `next()` in flight and drops the
    /// stream with any request it has started.
    #[napi(catch_unwind)]
    pub fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
        if let Some(abort) = self.abort_slot().take() {
            abort.abort();
        }
        let state = Arc::clone(&self.state);
        // Dropped inside the runtime, where the stream's connections live.
        napi::bindgen_prelude::spawn(async move {
            *state.lock().await = State::Finished;
        });
    }
}

impl NativePager {
    fn abort_slot(&self) -> std::sync::MutexGuard<'_, Option<AbortHandle>> {
        self.in_flight
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// Takes the next item of the stream; an error or the end finishes it.
async fn next_step(state: Arc<Mutex<State>>) -> PageStep {
    let mut state = state.lock().await;
    let step = match &mut *state {
        State::Streaming(stream) => match stream.next().await {
            Some(Ok(item)) => return item_step(&item),
            Some(Err(error)) => PageStep::failed(ErrorInfo::from(&error)),
            None => PageStep::done(),
        },
        State::Failed(error) => PageStep::failed(ErrorInfo::from(&*error)),
        State::Finished => PageStep::done(),
    };
    *state = State::Finished;
    step
}

fn item_step(item: &Value) -> PageStep {
    match serde_json::to_string(item) {
        Ok(text) => PageStep {
            item: Some(text),
            done: false,
            pending: false,
            error: None,
        },
        Err(error) => PageStep::failed(ErrorInfo::internal(format!(
            "an item could not be serialized: {error}"
        ))),
    }
}
