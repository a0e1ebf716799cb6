//! Node.js addon of the Uspacy SDK, built with napi-rs.
//!
//! The addon is thin on purpose: it converts values, maps errors, bridges
//! futures to promises and forwards token pairs to a JavaScript callback.
//! Endpoints, retries and tokens are the `uspacy` core crate's business.
//! The JavaScript layer in `lib/` wraps this module into the public
//! `Uspacy` class and its generated namespaces.
//!
//! | module | contents |
//! |---|---|
//! | [`client`] | `NativeClient`: construction, `call`, token access, `close` |
//! | [`options`] | the options object turned into a core `ClientBuilder` |
//! | [`outcome`] | call outcomes and core errors as plain objects, panics caught |
//! | [`tokens`] | the `onTokens` callback as a weak threadsafe function |
//! | [`pager`] | `NativePager`: one item of `Client::paginate` per `next()` |
//! | [`testing`] | hooks for the package's own tests and benchmark |
//!
//! Every async method resolves with an outcome object (`{error}` or a
//! result) instead of rejecting, so the JavaScript layer can build the
//! matching error class with all its fields.

pub mod client;
pub mod options;
pub mod outcome;
pub mod pager;
pub mod testing;
pub mod tokens;
