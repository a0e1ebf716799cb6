//! The panic hook.
//!
//! On `wasm32-unknown-unknown` a panic cannot unwind: after the hook runs,
//! the instance executes `unreachable` and traps, so `catch_unwind` cannot
//! turn it into an error. The hook therefore hands the panic message to
//! JavaScript first. The JavaScript runtime catches the trap at the export
//! it came out of, rejects the calls in flight with a `UspacyError`, marks
//! the clients of the stopped instance as unusable and creates a fresh
//! instance for new clients.

use std::cell::RefCell;
use std::sync::Once;

use js_sys::Function;
use wasm_bindgen::JsValue;

thread_local! {
    static LISTENER: RefCell<Option<Function>> = const { RefCell::new(None) };
}

static HOOK: Once = Once::new();

/// Sets the JavaScript function that receives panic messages and installs
/// the hook (once per instance).
pub(crate) fn install(listener: Function) {
    LISTENER.with(|slot| *slot.borrow_mut() = Some(listener));
    HOOK.call_once(|| std::panic::set_hook(Box::new(report)));
}

fn report(info: &std::panic::PanicHookInfo<'_>) {
    // `try_borrow`: a panic while the listener is being replaced must not
    // panic again inside the hook.
    let message = info.to_string();
    LISTENER.with(|slot| {
        if let Ok(listener) = slot.try_borrow() {
            if let Some(listener) = listener.as_ref() {
                let _ = listener.call1(&JsValue::UNDEFINED, &JsValue::from_str(&message));
            }
        }
    });
}
