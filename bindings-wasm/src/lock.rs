//! The refresh lock shared by the tabs of one browser profile, over the
//! Web Locks API (`navigator.locks.request`).
//!
//! The lock is held from the moment the browser grants it until the
//! returned guard is dropped: the callback given to `request` returns a
//! promise that the guard resolves when it drops. Where `navigator.locks`
//! is missing (Node.js 20, old browsers, opaque origins), or a request
//! fails, the refresh runs without a cross-tab lock.
//!
//! Browsers copy `localStorage` between the processes of different tabs
//! asynchronously, and nothing orders that copy before the next grant of
//! the lock. So a tab that had to wait for the lock while the stored pair
//! was expired waits, after the grant, until the holder's new pair shows
//! up in its own view of the storage (at most [`HANDOFF_WAIT_MS`]).
//! Without that wait it could refresh again with a refresh token the
//! portal has just replaced, and lose the session.

use std::cell::RefCell;
use std::rc::Rc;

use futures::channel::oneshot;
use futures::future::{self, Either, LocalBoxFuture};
use js_sys::{Function, Object, Promise, Reflect};
use uspacy::{RefreshGuard, RefreshLock};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::tokens::{describe, TokenStore};

/// The maximum wait for another tab's new pair after a waited-for grant.
const HANDOFF_WAIT_MS: f64 = 1000.0;
/// The interval at which the storage is read during that wait.
const HANDOFF_POLL_MS: i32 = 10;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = warn)]
    fn console_warn(message: &str);

    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(handler: &Function, milliseconds: i32) -> JsValue;
}

/// A lock named after the portal, taken through `navigator.locks`, for the
/// clients that share `store`.
pub struct WebLock {
    name: Rc<RefCell<String>>,
    store: TokenStore,
}

impl WebLock {
    /// Creates a lock whose name is set later with [`WebLock::set_portal`].
    pub fn new(store: TokenStore) -> WebLock {
        WebLock {
            name: Rc::new(RefCell::new(String::new())),
            store,
        }
    }

    pub fn set_portal(&self, base_url: &str) {
        *self.name.borrow_mut() = format!("uspacy-web:refresh:{base_url}");
    }
}

/// `navigator.locks` when this host has the Web Locks API.
pub fn lock_manager() -> Option<JsValue> {
    let navigator = Reflect::get(&js_sys::global(), &JsValue::from_str("navigator")).ok()?;
    if navigator.is_undefined() || navigator.is_null() {
        return None;
    }
    let locks = Reflect::get(&navigator, &JsValue::from_str("locks")).ok()?;
    let request = Reflect::get(&locks, &JsValue::from_str("request")).ok()?;
    request.is_function().then_some(locks)
}

/// Resolves the promise that keeps the lock held, when dropped.
struct Release {
    resolve: Option<Function>,
}

impl Drop for Release {
    fn drop(&mut self) {
        if let Some(resolve) = self.resolve.take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// The outcome of one `navigator.locks.request` call.
enum Requested {
    Held(Release),
    /// `ifAvailable` was set and another client holds the lock.
    Busy,
    /// The request failed; the refresh goes on without the lock.
    Failed,
}

/// Requests the lock `name`; with `if_available`, returns `Busy` at once
/// instead of waiting when another client holds it.
async fn request(locks: &JsValue, name: &str, if_available: bool) -> Requested {
    let mut resolve_slot: Option<Function> = None;
    let held = Promise::new(&mut |resolve, _reject| resolve_slot = Some(resolve));
    // Created before anything is awaited: if this future is dropped while
    // waiting, dropping `release` lets a late grant end at once.
    let release = Release {
        resolve: resolve_slot,
    };

    let (granted_sender, granted) = oneshot::channel::<bool>();
    let on_grant = Closure::once_into_js(move |lock: JsValue| -> JsValue {
        // `ifAvailable` grants `null` when the lock is taken.
        let got_lock = !lock.is_null();
        if granted_sender.send(got_lock).is_err() || !got_lock {
            // Nothing to hold, or the acquiring future was dropped:
            // release at once.
            return Promise::resolve(&JsValue::UNDEFINED).into();
        }
        held.into()
    });

    let options = Object::new();
    if if_available {
        let _ = Reflect::set(&options, &JsValue::from_str("ifAvailable"), &JsValue::TRUE);
    }
    let requested = Reflect::get(locks, &JsValue::from_str("request"))
        .and_then(|request| request.dyn_into::<Function>())
        .and_then(|request| request.call3(locks, &JsValue::from_str(name), &options, &on_grant))
        .and_then(|value| value.dyn_into::<Promise>());
    let requested = match requested {
        Ok(promise) => promise,
        Err(error) => {
            console_warn(&format!(
                "uspacy: navigator.locks.request failed ({}); refreshing without a cross-tab lock",
                describe(&error)
            ));
            return Requested::Failed;
        }
    };

    // The request's own promise settles only after the lock is released,
    // or early when the request fails.
    match future::select(granted, JsFuture::from(requested)).await {
        Either::Left((Ok(true), _)) => Requested::Held(release),
        Either::Left((Ok(false), _)) => Requested::Busy,
        Either::Left((Err(_), _)) => Requested::Failed,
        Either::Right((outcome, _)) => {
            if let Err(error) = outcome {
                console_warn(&format!(
                    "uspacy: the cross-tab refresh lock failed ({}); refreshing without it",
                    describe(&error)
                ));
            }
            Requested::Failed
        }
    }
}

/// Sleeps `milliseconds` on a browser timer.
async fn sleep_ms(milliseconds: i32) {
    let timer = Promise::new(&mut |resolve, _reject| {
        set_timeout(&resolve, milliseconds);
    });
    let _ = JsFuture::from(timer).await;
}

impl WebLock {
    /// Returns whether the stored pair is missing or expired, so another
    /// tab that held the lock may be about to store a new one.
    fn stored_pair_expired(&self) -> bool {
        let now_seconds = js_sys::Date::now() / 1000.0;
        match self.store.load() {
            Some(pair) => pair
                .expires_at
                .is_some_and(|expires_at| (expires_at as f64) <= now_seconds),
            None => true,
        }
    }

    /// After a grant that had to wait: gives the previous holder's new pair
    /// time to reach this tab's view of the storage.
    async fn wait_for_handoff(&self, before: Option<String>) {
        let started = js_sys::Date::now();
        while self.store.raw() == before
            && self.stored_pair_expired()
            && js_sys::Date::now() - started < HANDOFF_WAIT_MS
        {
            sleep_ms(HANDOFF_POLL_MS).await;
        }
    }
}

impl RefreshLock for WebLock {
    fn acquire(&self) -> LocalBoxFuture<'_, RefreshGuard> {
        Box::pin(async move {
            let Some(locks) = lock_manager() else {
                return Box::new(()) as RefreshGuard;
            };
            let name = self.name.borrow().clone();
            let before = self.store.raw();

            match request(&locks, &name, true).await {
                Requested::Held(release) => return Box::new(release) as RefreshGuard,
                Requested::Failed => return Box::new(()) as RefreshGuard,
                Requested::Busy => {}
            }
            match request(&locks, &name, false).await {
                Requested::Held(release) => {
                    self.wait_for_handoff(before).await;
                    Box::new(release) as RefreshGuard
                }
                Requested::Busy | Requested::Failed => Box::new(()) as RefreshGuard,
            }
        })
    }
}
