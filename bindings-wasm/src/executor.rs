//! The futures of all exports, polled from JavaScript.
//!
//! wasm-bindgen-futures polls futures inside a microtask of its own, so a
//! panic there (a trap on wasm32) escapes as an uncaught exception and the
//! call's promise never settles. Here every export that does async work
//! stores its future in a table and returns the task id. The JavaScript
//! runtime (`lib/runtime.js`) calls [`poll_task`] inside a `try`, and the
//! waker only asks it to schedule the next poll, so a trap always lands in
//! that `try` and rejects the call.
//!
//! Futures that the core awaits (`fetch`, timers, a token provider's
//! promise) still complete through wasm-bindgen callbacks, but those only
//! store a value and call the waker.

use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures::future::LocalBoxFuture;
use futures::task::{waker, ArcWake};
use js_sys::Function;
use wasm_bindgen::prelude::*;

use crate::convert;

thread_local! {
    static TASKS: RefCell<HashMap<u32, LocalBoxFuture<'static, JsValue>>> =
        RefCell::new(HashMap::new());
    static NEXT_ID: Cell<u32> = const { Cell::new(1) };
    static WAKE: RefCell<Option<Function>> = const { RefCell::new(None) };
}

pub(crate) fn set_wake(wake: Function) {
    WAKE.with(|slot| *slot.borrow_mut() = Some(wake));
}

/// Wakes one task by asking JavaScript to poll it on a later microtask,
/// never from inside the current poll.
struct TaskWaker {
    id: u32,
}

impl ArcWake for TaskWaker {
    fn wake_by_ref(arc_self: &Arc<Self>) {
        WAKE.with(|slot| {
            if let Ok(wake) = slot.try_borrow() {
                if let Some(wake) = wake.as_ref() {
                    // The runtime's wake function does not throw; a failure
                    // here would only delay the task until its next wake.
                    let _ = wake.call1(&JsValue::UNDEFINED, &JsValue::from(arc_self.id));
                }
            }
        });
    }
}

/// Stores `future` and returns its task id. The JavaScript runtime polls
/// it for the first time on the next microtask.
pub fn spawn(future: impl Future<Output = JsValue> + 'static) -> u32 {
    let id = NEXT_ID.with(|next| {
        let id = next.get();
        next.set(id.wrapping_add(1).max(1));
        id
    });
    TASKS.with(|tasks| tasks.borrow_mut().insert(id, Box::pin(future)));
    id
}

/// Polls task `id` once. Returns `undefined` while it is pending, else its
/// outcome object, after which the task is gone.
#[wasm_bindgen(js_name = pollTask)]
pub fn poll_task(id: u32) -> JsValue {
    // The future leaves the table while it runs, so a wake or a new task
    // created during the poll never meets a borrowed table.
    let Some(mut future) = TASKS.with(|tasks| tasks.borrow_mut().remove(&id)) else {
        return convert::internal_outcome(&format!("task {id} does not exist or has finished"));
    };
    let task_waker = waker(Arc::new(TaskWaker { id }));
    let mut context = Context::from_waker(&task_waker);
    match future.as_mut().poll(&mut context) {
        Poll::Ready(outcome) => outcome,
        Poll::Pending => {
            TASKS.with(|tasks| tasks.borrow_mut().insert(id, future));
            JsValue::UNDEFINED
        }
    }
}

/// Drops task `id` with whatever it has started: an unfinished `fetch` is
/// aborted when its request future is dropped.
#[wasm_bindgen(js_name = dropTask)]
pub fn drop_task(id: u32) {
    let removed = TASKS.with(|tasks| tasks.borrow_mut().remove(&id));
    drop(removed);
}

/// The number of tasks not yet finished, for the package's tests.
#[wasm_bindgen(js_name = taskCount)]
pub fn task_count() -> u32 {
    TASKS.with(|tasks| tasks.borrow().len() as u32)
}
