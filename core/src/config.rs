//! Client configuration: portal address, credentials, timeouts, retries.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::error::{Error, Result};
use crate::rt::MaybeSendSync;
use crate::secret::Secret;

/// How the client proves who it is.
#[derive(Clone)]
pub enum Credentials {
    /// E-mail and password, signed in with `POST /auth/v1/auth/sign_in`.
    Password {
        email: String,
        password: Secret,
        /// Two-factor code, when the account has 2FA enabled.
        code: Option<Secret>,
    },
    /// A marketplace app's client id and secret, signed in with
    /// `POST /auth/v1/auth/app_sign_in`.
    App {
        client_id: String,
        client_secret: Secret,
    },
    /// An access token obtained elsewhere, with the refresh token that renews it.
    Tokens {
        access_token: Secret,
        refresh_token: Option<Secret>,
    },
    /// An incoming-webhook URL
    /// (`https://{domain}.uspacy.ua/company/v1/incoming_webhooks/run/{key}`):
    /// API paths are appended to it and sent without a bearer token.
    Webhook { url: Secret },
    /// Access tokens supplied by the host application, for example a widget
    /// embedded in the portal that gets the user's token from the page. The
    /// client never refreshes these itself: it asks the provider again.
    Provider(Arc<dyn TokenProvider>),
}

/// The path prefix of incoming-webhook URLs; the segment after it is the key.
pub(crate) const WEBHOOK_RUN_MARKER: &str = "/company/v1/incoming_webhooks/run/";

impl Credentials {
    /// E-mail and password credentials.
    pub fn password(email: impl Into<String>, password: impl Into<Secret>) -> Credentials {
        Credentials::Password {
            email: email.into(),
            password: password.into(),
            code: None,
        }
    }

    /// E-mail, password and a two-factor code.
    pub fn password_with_code(
        email: impl Into<String>,
        password: impl Into<Secret>,
        code: impl Into<Secret>,
    ) -> Credentials {
        Credentials::Password {
            email: email.into(),
            password: password.into(),
            code: Some(code.into()),
        }
    }

    /// App client id and secret.
    pub fn app(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Credentials {
        Credentials::App {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
        }
    }

    /// An existing token pair. A `Bearer ` prefix on either token is removed.
    pub fn tokens(access_token: impl Into<String>, refresh_token: Option<String>) -> Credentials {
        Credentials::Tokens {
            access_token: Secret::new(strip_bearer(access_token.into())),
            refresh_token: refresh_token.map(|token| Secret::new(strip_bearer(token))),
        }
    }

    /// Access tokens from `provider`.
    pub fn provider(provider: impl TokenProvider + 'static) -> Credentials {
        Credentials::Provider(Arc::new(provider))
    }

    /// An incoming-webhook URL. Checked when the client is built.
    pub fn webhook(url: impl Into<String>) -> Credentials {
        Credentials::Webhook {
            url: Secret::new(url.into()),
        }
    }
}

pub(crate) fn strip_bearer(token: String) -> String {
    let trimmed = token.trim();
    let without_prefix = trimmed
        .strip_prefix("Bearer ")
        .or_else(|| trimmed.strip_prefix("bearer "))
        .unwrap_or(trimmed);
    without_prefix.trim().to_owned()
}

/// Prints the kind of credentials and the non-secret identifiers only.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::Password { email, code, .. } => f
                .debug_struct("Password")
                .field("email", email)
                .field("password", &"***")
                .field("code", &code.as_ref().map(|_| "***"))
                .finish(),
            Credentials::App { client_id, .. } => f
                .debug_struct("App")
                .field("client_id", client_id)
                .field("client_secret", &"***")
                .finish(),
            Credentials::Tokens { refresh_token, .. } => f
                .debug_struct("Tokens")
                .field("access_token", &"***")
                .field("refresh_token", &refresh_token.as_ref().map(|_| "***"))
                .finish(),
            Credentials::Webhook { .. } => f.debug_struct("Webhook").field("url", &"***").finish(),
            Credentials::Provider(_) => f.write_str("Provider"),
        }
    }
}

/// Splits a webhook URL into the base that API paths are appended to.
/// Returns a configuration error naming what is wrong, never the key.
pub(crate) fn parse_webhook_url(url: &Secret) -> Result<Url> {
    let parsed = Url::parse(url.expose().trim()).map_err(|error| {
        Error::config(format!(
            "invalid incoming-webhook URL ({error}): expected \
             https://{{domain}}.uspacy.ua{WEBHOOK_RUN_MARKER}{{key}}"
        ))
    })?;
    let key = parsed
        .path()
        .strip_prefix(WEBHOOK_RUN_MARKER)
        .unwrap_or("")
        .trim_end_matches('/')
        .to_owned();
    if key.is_empty() || key.contains('/') {
        return Err(Error::config(format!(
            "invalid incoming-webhook URL: its path must be {WEBHOOK_RUN_MARKER}{{key}}, \
             copy the whole URL from the portal's incoming-webhook settings"
        )));
    }
    check_scheme(&parsed)?;
    let mut base = parsed;
    base.set_query(None);
    base.set_fragment(None);
    base.set_path(&format!("{WEBHOOK_RUN_MARKER}{key}"));
    Ok(base)
}

fn check_scheme(url: &Url) -> Result<()> {
    match url.scheme() {
        "https" | "http" => Ok(()),
        other => Err(Error::config(format!(
            "unsupported URL scheme `{other}`: use https:// (or http:// for a local mock portal)"
        ))),
    }
}

/// Parses a base URL given by the caller.
pub(crate) fn parse_base_url(raw: &str) -> Result<Url> {
    let url = Url::parse(raw.trim()).map_err(|error| {
        Error::config(format!(
            "invalid base_url `{raw}` ({error}): expected a URL such as https://acme.uspacy.ua"
        ))
    })?;
    check_scheme(&url)?;
    if url.host_str().is_none() {
        return Err(Error::config(format!(
            "invalid base_url `{raw}`: it has no host"
        )));
    }
    Ok(url)
}

/// Turns a portal name (`acme`) or host (`acme.uspacy.ua`) into its base URL.
pub(crate) fn base_url_for_domain(domain: &str) -> Result<Url> {
    let domain = domain.trim().trim_end_matches('/');
    let host = if domain.contains('.') {
        domain.to_ascii_lowercase()
    } else {
        format!("{}.uspacy.ua", domain.to_ascii_lowercase())
    };
    if !is_valid_host(&host) {
        return Err(Error::config(format!(
            "invalid portal domain `{domain}`: expected a name such as `acme` \
             (for https://acme.uspacy.ua) or a host name"
        )));
    }
    Ok(Url::parse(&format!("https://{host}")).expect("a validated host forms a valid URL"))
}

/// Checks a DNS host name: dot-separated labels of letters, digits and
/// inner hyphens, each 1 to 63 characters, 253 in all.
pub(crate) fn is_valid_host(host: &str) -> bool {
    host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-')
        })
}

/// Connection and request time limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// Time to open a connection (native only). Default 10 s.
    pub connect: Duration,
    /// Time for one attempt of an ordinary request, response body included.
    /// Default 30 s.
    pub request: Duration,
    /// Time for one attempt of a multipart upload. Default 300 s.
    pub upload: Duration,
}

impl Default for Timeouts {
    fn default() -> Timeouts {
        Timeouts {
            connect: Duration::from_secs(10),
            request: Duration::from_secs(30),
            upload: Duration::from_secs(300),
        }
    }
}

/// When and how long to wait before replaying a failed request.
///
/// 429 answers are replayed for every operation; 5xx answers, timeouts and
/// connection failures only for idempotent operations; other 4xx answers never.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first included. Default 4; 1 disables retries.
    pub max_attempts: u32,
    /// Backoff before the first replay; doubled for each later one. Default 250 ms.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff. Default 10 s.
    pub max_backoff: Duration,
    /// Longest `Retry-After` the client waits; a longer one fails the call at
    /// once with a rate-limit error. Default 60 s.
    pub max_retry_after: Duration,
    /// The deadline of one call, retries and waits included: no wait starts
    /// that would end past it. Default 120 s.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    fn default() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// A policy that never replays a request.
    pub fn none() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// Backoff before replay number `replay` (1 for the first), with full
    /// jitter: a random duration between half and all of the capped
    /// exponential value, so clients that failed together spread out.
    pub(crate) fn backoff(&self, replay: u32) -> Duration {
        let exponent = replay.saturating_sub(1).min(20);
        let base = self.initial_backoff.saturating_mul(1u32 << exponent);
        let capped = base.min(self.max_backoff);
        let half = capped / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

/// A new token pair, handed to the [`TokenHook`] for persistence.
#[derive(Clone, Debug)]
pub struct TokenPair {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// When the access token expires, in seconds since the Unix epoch, when known.
    pub expires_at: Option<u64>,
}

/// Receives every new token pair (after sign-in and after each refresh), so
/// the caller can store it and start later with [`Credentials::tokens`].
///
/// The hook runs while the client holds its refresh lock, so pairs arrive in
/// the order they were issued. It must not call the same client.
pub trait TokenHook: MaybeSendSync {
    /// Receives a pair the client just obtained.
    fn on_tokens(&self, tokens: &TokenPair);

    /// Returns the pair last stored, when the store is shared with other
    /// clients (browser tabs, processes). Before refreshing, the client
    /// adopts a stored pair that is newer than its own and still valid, so
    /// one refresh serves every client that shares the store. The default
    /// stores nothing.
    fn load_tokens(&self) -> Option<TokenPair> {
        None
    }
}

/// A boxed future: `Send` natively, not on wasm32 where JavaScript futures
/// are single-threaded.
#[cfg(not(target_arch = "wasm32"))]
pub type BoxFuture<'a, T> = futures::future::BoxFuture<'a, T>;
/// A boxed future: `Send` natively, not on wasm32 where JavaScript futures
/// are single-threaded.
#[cfg(target_arch = "wasm32")]
pub type BoxFuture<'a, T> = futures::future::LocalBoxFuture<'a, T>;

/// Supplies access tokens for [`Credentials::Provider`].
pub trait TokenProvider: MaybeSendSync {
    /// Returns a current access token (a `Bearer ` prefix is removed).
    /// `rejected` is true when the server refused the previous token, so
    /// the provider should fetch a new one rather than return a cached one.
    fn access_token(&self, rejected: bool) -> BoxFuture<'_, crate::Result<String>>;
}

/// Held while a refresh runs; dropping it releases the lock.
pub type RefreshGuard = Box<dyn MaybeSendSync>;

/// A lock shared by clients that share tokens (browser tabs through Web
/// Locks, processes through a file lock), so only one of them refreshes at
/// a time. Within one client, refreshes are always serialized.
pub trait RefreshLock: MaybeSendSync {
    /// Waits for the lock.
    fn acquire(&self) -> BoxFuture<'_, RefreshGuard>;
}

impl<F> TokenHook for F
where
    F: Fn(&TokenPair) + MaybeSendSync,
{
    fn on_tokens(&self, tokens: &TokenPair) {
        self(tokens)
    }
}

/// Everything a [`crate::Client`] is built from.
#[derive(Clone)]
pub(crate) struct Config {
    pub(crate) base_url: Option<Url>,
    pub(crate) credentials: Option<Credentials>,
    pub(crate) timeouts: Timeouts,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) refresh_skew: Duration,
    pub(crate) token_hook: Option<Arc<dyn TokenHook>>,
    pub(crate) refresh_lock: Option<Arc<dyn RefreshLock>>,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            base_url: None,
            credentials: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            user_agent: format!("uspacy-rust/{}", env!("CARGO_PKG_VERSION")),
            refresh_skew: Duration::from_secs(30),
            token_hook: None,
            refresh_lock: None,
        }
    }
}
