//! Hooks for the package's own tests. The public JavaScript API does not
//! expose them.

use wasm_bindgen::prelude::*;

use crate::executor;

/// Panics on the calling JavaScript stack.
#[wasm_bindgen(js_name = __panicForTesting)]
pub fn panic_now() {
    panic!("test panic on the JavaScript thread");
}

/// Returns a task that panics on its second poll, after an `await`, as a
/// bug inside a request would.
#[wasm_bindgen(js_name = __panicInTaskForTesting)]
pub fn panic_in_task() -> u32 {
    executor::spawn(async {
        let resolved = js_sys::Promise::resolve(&JsValue::UNDEFINED);
        let _ = wasm_bindgen_futures::JsFuture::from(resolved).await;
        if std::hint::black_box(true) {
            panic!("test panic inside a task");
        }
        JsValue::UNDEFINED
    })
}
