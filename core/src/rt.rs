//! Clocks and sleeps that work both natively and in the browser.
//!
//! `std::time::SystemTime::now()` panics on `wasm32-unknown-unknown`, so all
//! clock reads go through `web-time`, which uses `Date.now()` and
//! `performance.now()` there.

use std::time::Duration;

pub(crate) use web_time::Instant;

/// Milliseconds since the Unix epoch.
pub(crate) fn now_unix_ms() -> u64 {
    web_time::SystemTime::now()
        .duration_since(web_time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_millis() as u64)
        .unwrap_or(0)
}

/// Sleeps without blocking the executor.
#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn sleep(duration: Duration) {
    tokio::time::sleep(duration).await
}

/// Sleeps without blocking the browser's event loop.
#[cfg(target_arch = "wasm32")]
pub(crate) async fn sleep(duration: Duration) {
    gloo_timers::future::sleep(duration).await
}

/// `Send + Sync` natively; nothing on wasm32, where JavaScript values and
/// futures are single-threaded and cannot be `Send`.
#[cfg(not(target_arch = "wasm32"))]
pub trait MaybeSendSync: Send + Sync {}
#[cfg(not(target_arch = "wasm32"))]
impl<T: Send + Sync + ?Sized> MaybeSendSync for T {}

/// `Send + Sync` natively; nothing on wasm32, where JavaScript values and
/// futures are single-threaded and cannot be `Send`.
#[cfg(target_arch = "wasm32")]
pub trait MaybeSendSync {}
#[cfg(target_arch = "wasm32")]
impl<T: ?Sized> MaybeSendSync for T {}
