//! Hooks for the package's own tests and conversion benchmark. The public
//! JavaScript API does not expose them.

use std::sync::Mutex;

use bytes::Bytes;
use napi::bindgen_prelude::{Buffer, Either, Latin1String, PromiseRaw, Utf16String};
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use crate::outcome::{body_text, guarded, CallOutcome};

/// A response body kept in Rust memory, as the core keeps one after a call.
static BENCH_BODY: Mutex<Option<Bytes>> = Mutex::new(None);

/// The same body converted for `__benchAsPreparedText`: Latin-1 bytes or
/// UTF-16 code units.
static BENCH_TEXT: Mutex<Option<Either<Vec<u8>, Vec<u16>>>> = Mutex::new(None);

/// Returns a promise whose work panics, to show that a panic rejects one
/// call instead of aborting the process.
#[napi(js_name = "__panicInFutureForTesting")]
pub fn panic_in_future(env: &Env) -> napi::Result<PromiseRaw<'_, CallOutcome>> {
    env.spawn_future(guarded(async {
        if std::hint::black_box(true) {
            panic!("test panic inside a future");
        }
        CallOutcome {
            body: None,
            status: None,
            error: None,
        }
    }))
}

/// Panics on the JavaScript thread; napi turns it into a thrown error.
#[napi(js_name = "__panicForTesting", catch_unwind)]
pub fn panic_now() {
    panic!("test panic on the JavaScript thread");
}

/// Stores `body` for the conversion benchmark.
#[napi(js_name = "__benchLoad")]
pub fn bench_load(body: Buffer) {
    let bytes = Bytes::copy_from_slice(&body);
    let text = String::from_utf8_lossy(&bytes);
    let prepared = if text.is_ascii() {
        Either::A(text.as_bytes().to_vec())
    } else {
        Either::B(text.encode_utf16().collect())
    };
    *BENCH_TEXT.lock().unwrap_or_else(|e| e.into_inner()) = Some(prepared);
    *BENCH_BODY.lock().unwrap_or_else(|e| e.into_inner()) = Some(bytes);
}

fn bench_body() -> napi::Result<Bytes> {
    BENCH_BODY
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
        .ok_or_else(|| napi::Error::from_reason("call __benchLoad first"))
}

/// Returns the stored body as a JavaScript string (one UTF-8 decode and copy).
#[napi(js_name = "__benchAsString")]
pub fn bench_as_string() -> napi::Result<String> {
    String::from_utf8(bench_body()?.to_vec()).map_err(|e| napi::Error::from_reason(e.to_string()))
}

/// Returns the stored body as a Node.js `Buffer` (external memory, no decode).
#[napi(js_name = "__benchAsBuffer")]
pub fn bench_as_buffer() -> napi::Result<Buffer> {
    Ok(Buffer::from(bench_body()?.to_vec()))
}

/// Returns the stored body as the call path hands it over: Latin-1 when it is
/// ASCII, else UTF-16, both converted in Rust. `call` does the conversion
/// on a runtime thread; here it runs on the JavaScript thread, so the time
/// is an upper bound.
#[napi(js_name = "__benchAsText")]
pub fn bench_as_text() -> napi::Result<Either<Latin1String, Utf16String>> {
    body_text(&bench_body()?).map_err(|e| napi::Error::from_reason(e.to_string()))
}

/// Like `__benchAsText`, with the conversion done before the clock starts
/// (by `__benchLoad`), as `call` does it on a runtime thread: what is left
/// is the work on the JavaScript thread.
#[napi(js_name = "__benchAsPreparedText")]
pub fn bench_as_prepared_text() -> napi::Result<Either<Latin1String, Utf16String>> {
    let prepared = BENCH_TEXT.lock().unwrap_or_else(|e| e.into_inner()).clone();
    match prepared {
        Some(Either::A(latin1)) => Ok(Either::A(Latin1String::from(
            String::from_utf8(latin1).map_err(|e| napi::Error::from_reason(e.to_string()))?,
        ))),
        Some(Either::B(utf16)) => Ok(Either::B(Utf16String::from(utf16))),
        None => Err(napi::Error::from_reason("call __benchLoad first")),
    }
}

/// Parses the stored body with serde_json and builds the JavaScript objects
/// value by value.
#[napi(js_name = "__benchAsValue")]
pub fn bench_as_value() -> napi::Result<Value> {
    serde_json::from_slice(&bench_body()?).map_err(|e| napi::Error::from_reason(e.to_string()))
}
