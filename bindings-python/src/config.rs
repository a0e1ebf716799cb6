//! The keyword arguments of `uspacy.Client` and `uspacy.AsyncClient`,
//! checked and turned into a core `Client`. Errors name the argument and
//! state what to pass instead.

use std::time::Duration;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyFloat, PyInt, PyString};
use uspacy::{Credentials, Error, RetryPolicy, Timeouts};

use crate::convert::type_name;

type Result<T> = std::result::Result<T, Error>;

/// Every keyword argument of the clients, as passed from Python.
pub(crate) struct Options<'py> {
    pub domain: Option<Bound<'py, PyAny>>,
    pub base_url: Option<Bound<'py, PyAny>>,
    pub email: Option<Bound<'py, PyAny>>,
    pub password: Option<Bound<'py, PyAny>>,
    pub code: Option<Bound<'py, PyAny>>,
    pub client_id: Option<Bound<'py, PyAny>>,
    pub client_secret: Option<Bound<'py, PyAny>>,
    pub access_token: Option<Bound<'py, PyAny>>,
    pub refresh_token: Option<Bound<'py, PyAny>>,
    pub webhook_url: Option<Bound<'py, PyAny>>,
    pub connect_timeout: Option<Bound<'py, PyAny>>,
    pub request_timeout: Option<Bound<'py, PyAny>>,
    pub upload_timeout: Option<Bound<'py, PyAny>>,
    pub max_attempts: Option<Bound<'py, PyAny>>,
    pub initial_backoff: Option<Bound<'py, PyAny>>,
    pub max_backoff: Option<Bound<'py, PyAny>>,
    pub max_retry_after: Option<Bound<'py, PyAny>>,
    pub max_elapsed: Option<Bound<'py, PyAny>>,
    pub refresh_skew: Option<Bound<'py, PyAny>>,
    pub user_agent: Option<Bound<'py, PyAny>>,
    pub on_tokens: Option<Bound<'py, PyAny>>,
}

/// The kind of credentials a client was built with, shown by `repr()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AuthKind {
    None,
    Password,
    App,
    Tokens,
    Webhook,
}

impl AuthKind {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            AuthKind::None => "none",
            AuthKind::Password => "password",
            AuthKind::App => "app",
            AuthKind::Tokens => "tokens",
            AuthKind::Webhook => "webhook",
        }
    }
}

/// `uspacy-python/<version>`, sent unless `user_agent` is given.
pub(crate) fn default_user_agent() -> String {
    format!("uspacy-python/{}", env!("CARGO_PKG_VERSION"))
}

/// Checks the options and builds the core client; nothing is sent yet.
pub(crate) fn build(options: &Options<'_>) -> Result<(uspacy::Client, AuthKind)> {
    let (credentials, kind) = credentials(options)?;

    let mut builder = uspacy::Client::builder();
    if let Some(domain) = text(&options.domain, "domain")? {
        builder = builder.domain(domain);
    }
    if let Some(base_url) = text(&options.base_url, "base_url")? {
        builder = builder.base_url(base_url);
    }
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    builder = builder
        .timeouts(timeouts(options)?)
        .retry(retry(options)?)
        .user_agent(text(&options.user_agent, "user_agent")?.unwrap_or_else(default_user_agent));
    if let Some(skew) = seconds(&options.refresh_skew, "refresh_skew", Minimum::Zero)? {
        builder = builder.refresh_skew(skew);
    }
    if let Some(callback) = present(&options.on_tokens) {
        check_callback(callback, kind)?;
        builder = builder.on_tokens(crate::tokens::hook(callback.clone().unbind()));
    }

    // reqwest builds its connection pool inside a runtime context.
    let _runtime = crate::runtime::enter();
    let client = builder.build()?;
    Ok((client, kind))
}

/// `value` unless it is missing or Python's `None`.
fn present<'a, 'py>(value: &'a Option<Bound<'py, PyAny>>) -> Option<&'a Bound<'py, PyAny>> {
    value.as_ref().filter(|value| !value.is_none())
}

/// Reads a non-empty `str` argument; `None` when it is missing.
fn text(value: &Option<Bound<'_, PyAny>>, name: &str) -> Result<Option<String>> {
    let Some(value) = present(value) else {
        return Ok(None);
    };
    let Ok(text) = value.cast::<PyString>() else {
        return Err(Error::config(format!(
            "`{name}` must be a str, got {}",
            type_name(value)
        )));
    };
    let text = text
        .to_cow()
        .map_err(|_| Error::config(format!("`{name}` is not valid Unicode text")))?;
    if text.trim().is_empty() {
        return Err(Error::config(format!(
            "`{name}` is empty: pass a value or leave the argument out"
        )));
    }
    Ok(Some(text.into_owned()))
}

/// Returns the credentials the arguments give, rejecting more than one kind.
fn credentials(options: &Options<'_>) -> Result<(Option<Credentials>, AuthKind)> {
    let email = text(&options.email, "email")?;
    let password = text(&options.password, "password")?;
    let code = text(&options.code, "code")?;
    let client_id = text(&options.client_id, "client_id")?;
    let client_secret = text(&options.client_secret, "client_secret")?;
    let access_token = text(&options.access_token, "access_token")?;
    let refresh_token = text(&options.refresh_token, "refresh_token")?;
    let webhook_url = text(&options.webhook_url, "webhook_url")?;

    let mut kinds = Vec::new();
    if email.is_some() || password.is_some() || code.is_some() {
        kinds.push("email/password");
    }
    if client_id.is_some() || client_secret.is_some() {
        kinds.push("client_id/client_secret");
    }
    if access_token.is_some() || refresh_token.is_some() {
        kinds.push("access_token/refresh_token");
    }
    if webhook_url.is_some() {
        kinds.push("webhook_url");
    }
    if kinds.len() > 1 {
        return Err(Error::config(format!(
            "pass one kind of credentials, got {}: choose email + password, \
             client_id + client_secret, access_token (+ refresh_token) or webhook_url",
            kinds.join(" and ")
        )));
    }

    let missing =
        |name: &str, needed_for: &str| Error::config(format!("`{name}` is missing: {needed_for}"));
    if email.is_some() || password.is_some() || code.is_some() {
        let email = email.ok_or_else(|| missing("email", "signing in needs email and password"))?;
        let password =
            password.ok_or_else(|| missing("password", "signing in needs email and password"))?;
        let credentials = match code {
            Some(code) => Credentials::password_with_code(email, password, code),
            None => Credentials::password(email, password),
        };
        return Ok((Some(credentials), AuthKind::Password));
    }
    if client_id.is_some() || client_secret.is_some() {
        let client_id = client_id
            .ok_or_else(|| missing("client_id", "app sign-in needs client_id and client_secret"))?;
        let client_secret = client_secret.ok_or_else(|| {
            missing(
                "client_secret",
                "app sign-in needs client_id and client_secret",
            )
        })?;
        return Ok((
            Some(Credentials::app(client_id, client_secret)),
            AuthKind::App,
        ));
    }
    if access_token.is_some() || refresh_token.is_some() {
        let access_token = access_token.ok_or_else(|| {
            missing(
                "access_token",
                "a refresh_token is used together with the access_token it belongs to",
            )
        })?;
        return Ok((
            Some(Credentials::tokens(access_token, refresh_token)),
            AuthKind::Tokens,
        ));
    }
    if let Some(url) = webhook_url {
        return Ok((Some(Credentials::webhook(url)), AuthKind::Webhook));
    }
    Ok((None, AuthKind::None))
}

/// The smallest value a duration argument accepts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Minimum {
    AboveZero,
    Zero,
}

/// Reads a duration in seconds: an int, a float or a `datetime.timedelta`.
fn seconds(
    value: &Option<Bound<'_, PyAny>>,
    name: &str,
    minimum: Minimum,
) -> Result<Option<Duration>> {
    let Some(value) = present(value) else {
        return Ok(None);
    };
    let expected = match minimum {
        Minimum::AboveZero => "a positive number of seconds",
        Minimum::Zero => "a number of seconds, 0 or more",
    };
    let number = if value.is_instance_of::<PyBool>() {
        None
    } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
        value.extract::<f64>().ok()
    } else if value.hasattr("total_seconds").unwrap_or(false) && type_name(value) == "timedelta" {
        value
            .call_method0("total_seconds")
            .and_then(|total| total.extract::<f64>())
            .ok()
    } else {
        None
    };
    let Some(number) = number else {
        return Err(Error::config(format!(
            "`{name}` must be {expected} (int, float or datetime.timedelta), got {}",
            type_name(value)
        )));
    };
    let in_range = match minimum {
        Minimum::AboveZero => number > 0.0,
        Minimum::Zero => number >= 0.0,
    };
    if !in_range || !number.is_finite() {
        return Err(Error::config(format!(
            "`{name}` must be {expected}, got {number}"
        )));
    }
    Duration::try_from_secs_f64(number)
        .map(Some)
        .map_err(|_| Error::config(format!("`{name}` is too large: {number} seconds")))
}

fn timeouts(options: &Options<'_>) -> Result<Timeouts> {
    let mut timeouts = Timeouts::default();
    if let Some(connect) = seconds(
        &options.connect_timeout,
        "connect_timeout",
        Minimum::AboveZero,
    )? {
        timeouts.connect = connect;
    }
    if let Some(request) = seconds(
        &options.request_timeout,
        "request_timeout",
        Minimum::AboveZero,
    )? {
        timeouts.request = request;
    }
    if let Some(upload) = seconds(
        &options.upload_timeout,
        "upload_timeout",
        Minimum::AboveZero,
    )? {
        timeouts.upload = upload;
    }
    Ok(timeouts)
}

fn retry(options: &Options<'_>) -> Result<RetryPolicy> {
    let mut retry = RetryPolicy::default();
    if let Some(value) = present(&options.max_attempts) {
        let attempts = if value.is_instance_of::<PyBool>() {
            None
        } else {
            value.extract::<i64>().ok()
        };
        match attempts.map(u32::try_from) {
            Some(Ok(attempts)) if attempts >= 1 => retry.max_attempts = attempts,
            Some(_) => {
                return Err(Error::config(format!(
                    "`max_attempts` must be 1 or more (1 turns retries off), got {}",
                    value.str().map(|text| text.to_string()).unwrap_or_default()
                )))
            }
            None => {
                return Err(Error::config(format!(
                    "`max_attempts` must be an int, got {}",
                    type_name(value)
                )))
            }
        }
    }
    let durations = [
        (&options.initial_backoff, "initial_backoff"),
        (&options.max_backoff, "max_backoff"),
        (&options.max_retry_after, "max_retry_after"),
        (&options.max_elapsed, "max_elapsed"),
    ];
    for (value, name) in durations {
        let Some(duration) = seconds(value, name, Minimum::Zero)? else {
            continue;
        };
        match name {
            "initial_backoff" => retry.initial_backoff = duration,
            "max_backoff" => retry.max_backoff = duration,
            "max_retry_after" => retry.max_retry_after = duration,
            _ => retry.max_elapsed = duration,
        }
    }
    Ok(retry)
}

/// `on_tokens` must be a plain callable, and only token-based clients
/// ever call it.
fn check_callback(callback: &Bound<'_, PyAny>, kind: AuthKind) -> Result<()> {
    if !callback.is_callable() {
        return Err(Error::config(format!(
            "`on_tokens` must be a callable that takes a TokenPair, got {}",
            type_name(callback)
        )));
    }
    let is_coroutine_function = callback
        .py()
        .import("inspect")
        .and_then(|inspect| inspect.call_method1("iscoroutinefunction", (callback,)))
        .and_then(|result| result.extract::<bool>())
        .unwrap_or(false);
    if is_coroutine_function {
        return Err(Error::config(
            "`on_tokens` must be a plain function, not `async def`: it runs on an SDK thread \
             while the refresh lock is held; hand the pair to your event loop from there if needed",
        ));
    }
    if matches!(kind, AuthKind::None | AuthKind::Webhook) {
        return Err(Error::config(format!(
            "`on_tokens` is never called for a client with {}: only email/password, \
             client_id/client_secret and access_token credentials receive tokens",
            match kind {
                AuthKind::Webhook => "a webhook_url",
                _ => "no credentials",
            }
        )));
    }
    Ok(())
}
