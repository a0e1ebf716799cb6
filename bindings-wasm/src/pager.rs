//! `WasmPager`: the core's page stream (`Client::paginate_pages`) stepped
//! from JavaScript one page per step.
//!
//! The JavaScript iterator yields the items of a page one by one and
//! requests the next page only when the loop wants an item past the last one,
//! so a loop that stops early sends no extra request.

use std::cell::RefCell;
use std::rc::Rc;

use futures::stream::LocalBoxStream;
use futures::{Stream, StreamExt};
use serde_json::Value;
use uspacy::{Error, Page};
use wasm_bindgen::prelude::*;

use crate::convert;
use crate::executor;

type PageStream = LocalBoxStream<'static, uspacy::Result<Page<Value>>>;

enum State {
    Streaming(PageStream),
    /// The stream could not start; the error is the first step's outcome.
    Failed(Error),
    /// Taken by the step in flight.
    Busy,
    Finished,
}

/// The pages of one list.
#[wasm_bindgen]
pub struct WasmPager {
    state: Rc<RefCell<State>>,
}

impl WasmPager {
    pub(crate) fn new(
        start: uspacy::Result<impl Stream<Item = uspacy::Result<Page<Value>>> + 'static>,
    ) -> WasmPager {
        let state = match start {
            Ok(stream) => State::Streaming(stream.boxed_local()),
            Err(error) => State::Failed(error),
        };
        WasmPager {
            state: Rc::new(RefCell::new(state)),
        }
    }
}

#[wasm_bindgen]
impl WasmPager {
    /// Fetches the next page. Returns a task id whose outcome is
    /// `{items: [..]}`, `{done: true}`, or `{error}` after which the pager
    /// is finished.
    pub fn next(&self) -> u32 {
        let state = Rc::clone(&self.state);
        executor::spawn(async move {
            let taken = std::mem::replace(&mut *state.borrow_mut(), State::Busy);
            let mut stream = match taken {
                State::Streaming(stream) => stream,
                State::Failed(error) => {
                    *state.borrow_mut() = State::Finished;
                    return convert::error_outcome(&error);
                }
                State::Busy => {
                    return convert::internal_outcome(
                        "a page is already being fetched: await each step before the next",
                    )
                }
                State::Finished => return done(),
            };
            let step = stream.next().await;
            // `close()` may have run while the page was in flight.
            let closed = matches!(*state.borrow(), State::Finished);
            match step {
                Some(Ok(page)) if !closed => {
                    *state.borrow_mut() = State::Streaming(stream);
                    match convert::json_to_js(&Value::Array(page.items)) {
                        Ok(items) => convert::object(&[("items", &items)]),
                        Err(error) => convert::internal_outcome(&format!(
                            "a page could not be converted: {error}"
                        )),
                    }
                }
                Some(Err(error)) if !closed => {
                    *state.borrow_mut() = State::Finished;
                    convert::error_outcome(&error)
                }
                _ => {
                    *state.borrow_mut() = State::Finished;
                    done()
                }
            }
        })
    }

    /// Stops the iteration and drops the stream; a step in flight still
    /// resolves, with `done`.
    pub fn close(&self) {
        *self.state.borrow_mut() = State::Finished;
    }
}

fn done() -> JsValue {
    convert::object(&[("done", &JsValue::TRUE)])
}
