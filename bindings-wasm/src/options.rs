//! The options object of `new Uspacy(..)`, after the JavaScript layer has
//! checked its shape, turned into a core [`ClientBuilder`].
//!
//! Durations arrive in seconds (fractions allowed), the unit of the
//! TypeScript options.

use std::time::Duration;

use js_sys::Function;
use serde::Deserialize;
use uspacy::{ClientBuilder, Credentials, Error, RetryPolicy, Timeouts};

use crate::tokens::JsTokenProvider;

/// Credentials of one kind; `kind` names the fields that are set.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebCredentials {
    /// `password`, `app`, `tokens`, `webhook` or `provider` (the function
    /// is passed to [`crate::client::WasmClient::create`] separately).
    pub kind: String,
    pub email: Option<String>,
    pub password: Option<String>,
    pub code: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub access_token: Option<String>,
    pub refresh_token: Option<String>,
    pub webhook_url: Option<String>,
}

/// Time limits in seconds; unset ones keep the core's defaults.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct WebTimeouts {
    pub connect: Option<f64>,
    pub request: Option<f64>,
    pub upload: Option<f64>,
}

/// Retry settings, durations in seconds; unset ones keep the core's defaults.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebRetry {
    pub max_attempts: Option<u32>,
    pub initial_backoff: Option<f64>,
    pub max_backoff: Option<f64>,
    pub max_retry_after: Option<f64>,
    pub max_elapsed: Option<f64>,
}

/// Everything a client is built from, except the JavaScript functions.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WebOptions {
    pub domain: Option<String>,
    pub base_url: Option<String>,
    pub credentials: Option<WebCredentials>,
    pub timeouts: Option<WebTimeouts>,
    pub retry: Option<WebRetry>,
    pub user_agent: Option<String>,
    /// Seconds before expiry at which an access token is renewed.
    pub refresh_skew: Option<f64>,
}

/// Applies `options` to a fresh builder. Fails with a configuration error
/// naming the option when a value cannot be used.
pub fn builder(options: &WebOptions, provider: Option<&Function>) -> Result<ClientBuilder, Error> {
    let mut builder = uspacy::Client::builder();
    if let Some(domain) = &options.domain {
        builder = builder.domain(domain.clone());
    }
    if let Some(base_url) = &options.base_url {
        builder = builder.base_url(base_url.clone());
    }
    if let Some(credentials) = &options.credentials {
        builder = builder.credentials(credentials_from(credentials, provider)?);
    }
    if let Some(timeouts) = &options.timeouts {
        builder = builder.timeouts(timeouts_from(timeouts)?);
    }
    if let Some(retry) = &options.retry {
        builder = builder.retry(retry_from(retry)?);
    }
    if let Some(user_agent) = &options.user_agent {
        builder = builder.user_agent(user_agent.clone());
    }
    if let Some(skew) = options.refresh_skew {
        builder = builder.refresh_skew(seconds("refreshSkew", skew)?);
    }
    Ok(builder)
}

fn credentials_from(
    credentials: &WebCredentials,
    provider: Option<&Function>,
) -> Result<Credentials, Error> {
    let required = |value: &Option<String>, name: &str| {
        value
            .clone()
            .filter(|text| !text.is_empty())
            .ok_or_else(|| {
                Error::config(format!(
                    "credentials.{name} is missing or empty: set it to a non-empty string"
                ))
            })
    };
    let built = match credentials.kind.as_str() {
        "password" => {
            let email = required(&credentials.email, "email")?;
            let password = required(&credentials.password, "password")?;
            match &credentials.code {
                Some(code) => Credentials::password_with_code(email, password, code.clone()),
                None => Credentials::password(email, password),
            }
        }
        "app" => Credentials::app(
            required(&credentials.client_id, "clientId")?,
            required(&credentials.client_secret, "clientSecret")?,
        ),
        "tokens" => Credentials::tokens(
            required(&credentials.access_token, "accessToken")?,
            credentials
                .refresh_token
                .clone()
                .filter(|token| !token.is_empty()),
        ),
        "webhook" => Credentials::webhook(required(&credentials.webhook_url, "webhookUrl")?),
        "provider" => {
            let callback = provider.ok_or_else(|| {
                Error::config("credentials.tokenProvider is missing: pass a function")
            })?;
            Credentials::provider(JsTokenProvider::new(callback.clone()))
        }
        other => {
            return Err(Error::config(format!(
                "unknown credentials kind `{other}`: use password, app, tokens, webhook or provider"
            )))
        }
    };
    Ok(built)
}

fn timeouts_from(native: &WebTimeouts) -> Result<Timeouts, Error> {
    let mut timeouts = Timeouts::default();
    if let Some(connect) = native.connect {
        timeouts.connect = positive_seconds("timeouts.connect", connect)?;
    }
    if let Some(request) = native.request {
        timeouts.request = positive_seconds("timeouts.request", request)?;
    }
    if let Some(upload) = native.upload {
        timeouts.upload = positive_seconds("timeouts.upload", upload)?;
    }
    Ok(timeouts)
}

fn retry_from(native: &WebRetry) -> Result<RetryPolicy, Error> {
    let mut retry = RetryPolicy::default();
    if let Some(max_attempts) = native.max_attempts {
        retry.max_attempts = max_attempts;
    }
    if let Some(initial) = native.initial_backoff {
        retry.initial_backoff = seconds("retry.initialBackoff", initial)?;
    }
    if let Some(max) = native.max_backoff {
        retry.max_backoff = seconds("retry.maxBackoff", max)?;
    }
    if let Some(max) = native.max_retry_after {
        retry.max_retry_after = seconds("retry.maxRetryAfter", max)?;
    }
    if let Some(max) = native.max_elapsed {
        retry.max_elapsed = positive_seconds("retry.maxElapsed", max)?;
    }
    Ok(retry)
}

/// Converts seconds to a duration of zero or more.
fn seconds(name: &str, value: f64) -> Result<Duration, Error> {
    Duration::try_from_secs_f64(value).map_err(|_| {
        Error::config(format!(
            "{name} must be a finite number of seconds, zero or more; got {value}"
        ))
    })
}

/// Converts seconds to a duration of more than zero.
fn positive_seconds(name: &str, value: f64) -> Result<Duration, Error> {
    match seconds(name, value)? {
        duration if duration.is_zero() => Err(Error::config(format!(
            "{name} must be more than zero seconds; got {value}"
        ))),
        duration => Ok(duration),
    }
}
