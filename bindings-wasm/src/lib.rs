//! WebAssembly build of the Uspacy SDK, for browsers and other JavaScript
//! hosts with `fetch` (built with wasm-bindgen).
//!
//! Like the Node.js addon, this crate is thin: it converts values, maps
//! errors and bridges futures to JavaScript. Endpoints, retries and tokens
//! are the `uspacy` core crate's business. The JavaScript layer in `lib/`
//! wraps these exports into the public `Uspacy` class and its generated
//! namespaces.
//!
//! | module | contents |
//! |---|---|
//! | [`client`] | `WasmClient`: construction, `call`, token access, `close` |
//! | [`options`] | the options object turned into a core `ClientBuilder` |
//! | [`convert`] | values and errors to and from JavaScript |
//! | [`executor`] | the futures of all exports, polled from JavaScript |
//! | [`panic`] | the panic hook that reports a panic before the module stops |
//! | [`tokens`] | `onTokens`, token storage and the token provider |
//! | [`lock`] | the cross-tab refresh lock over Web Locks |
//! | [`pager`] | `WasmPager`: one page of `Client::paginate_pages` per step |
//!
//! Every export returns normally: failures come back as outcome objects
//! (`{error}`), and async work as a task id that JavaScript polls (see
//! [`executor`]). An exception out of an export therefore always means
//! that the instance stopped (a panic traps on wasm32), which the
//! JavaScript layer turns into a `UspacyError` before it resets the module.
//!
//! Everything is compiled for `wasm32` only; on other targets the crate is
//! empty, so host builds of the workspace still pass.
#![cfg(target_arch = "wasm32")]

pub mod client;
pub mod convert;
pub mod executor;
pub mod lock;
pub mod options;
pub mod pager;
pub mod panic;
pub mod testing;
pub mod tokens;

use js_sys::Function;
use wasm_bindgen::prelude::*;

/// Connects a fresh instance to the JavaScript runtime: `wake(taskId)`
/// schedules a poll of a task, and `onPanic(message)` receives the message
/// of a panic just before the instance stops. Called once after every
/// instantiation.
#[wasm_bindgen(js_name = connectRuntime)]
pub fn connect_runtime(wake: Function, on_panic: Function) {
    executor::set_wake(wake);
    panic::install(on_panic);
}
