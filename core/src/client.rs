//! [`Client`] and its builder: the request flow every operation goes through.

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tracing::Instrument;
use url::Url;

use crate::auth::Session;
use crate::config::{
    self, Config, Credentials, RefreshLock, RetryPolicy, Timeouts, TokenHook, TokenPair,
};
use crate::error::{Error, ErrorKind, Result};
use crate::jwt;
use crate::operation::{self, AuthMode, Operation};
use crate::request::{self, Body, Prepared};
use crate::rt::{self, Instant};
use crate::secret::Secret;
use crate::transport::{RawResponse, Transport};

/// A client of one Uspacy portal. Cheap to clone: clones share the
/// connection pool and the tokens. Two clients built separately share
/// nothing.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    transport: Transport,
    auth: AuthState,
    retry: RetryPolicy,
    /// Set by [`Client::close`].
    closed: AtomicBool,
}

enum AuthState {
    /// No credentials: only operations without auth can be called.
    Anonymous,
    Session(Box<Session>),
    /// Requests go to the webhook base without a bearer token.
    Webhook,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let auth = match &self.inner.auth {
            AuthState::Anonymous => "anonymous",
            AuthState::Session(_) => "session",
            AuthState::Webhook => "webhook",
        };
        f.debug_struct("Client")
            .field(
                "base_url",
                &request::redact_url(self.inner.transport.base_url()),
            )
            .field("auth", &auth)
            .field("retry", &self.inner.retry)
            .finish()
    }
}

/// Builds a [`Client`]. Set the portal with [`ClientBuilder::domain`] or
/// [`ClientBuilder::base_url`] (or let a token's `domain` claim or a webhook
/// URL give it), and the credentials.
#[derive(Default)]
pub struct ClientBuilder {
    config: Config,
    domain: Option<String>,
    base_url: Option<String>,
}

impl ClientBuilder {
    /// Sets the portal by name (`acme` for `https://acme.uspacy.ua`) or host name.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Sets a full base URL, such as `http://127.0.0.1:8080` for a local mock.
    /// Takes precedence over [`ClientBuilder::domain`].
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.config.credentials = Some(credentials);
        self
    }

    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.config.timeouts = timeouts;
        self
    }

    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.config.retry = retry;
        self
    }

    /// Sets the `User-Agent` header (native only, because browsers set their own).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.config.user_agent = user_agent.into();
        self
    }

    /// Sets how long before its expiry an access token is renewed. Default 30 s.
    pub fn refresh_skew(mut self, skew: Duration) -> Self {
        self.config.refresh_skew = skew;
        self
    }

    /// Sets a lock shared with other clients that use the same tokens, so that
    /// one refresh at a time runs across them (see [`RefreshLock`]).
    pub fn refresh_lock(mut self, lock: impl RefreshLock + 'static) -> Self {
        self.config.refresh_lock = Some(Arc::new(lock));
        self
    }

    /// A hook that receives every new token pair, to persist it.
    pub fn on_tokens(mut self, hook: impl TokenHook + 'static) -> Self {
        self.config.token_hook = Some(Arc::new(hook));
        self
    }

    /// Checks the configuration and builds the client; nothing is sent yet.
    // On wasm32 the token hook may hold JavaScript values, so the client is
    // not `Send`; it is single-threaded there and `Arc` only shares it.
    ///
    /// Fails with a configuration error when the portal address is missing
    /// or invalid, or the webhook URL is malformed.
    #[cfg_attr(target_arch = "wasm32", allow(clippy::arc_with_non_send_sync))]
    pub fn build(self) -> Result<Client> {
        let ClientBuilder {
            mut config,
            domain,
            base_url,
        } = self;
        if config.retry.max_attempts == 0 {
            return Err(Error::config("retry.max_attempts must be at least 1"));
        }

        let explicit_base = match (&base_url, &domain) {
            (Some(url), _) => Some(config::parse_base_url(url)?),
            (None, Some(domain)) => Some(config::base_url_for_domain(domain)?),
            (None, None) => None,
        };

        let (base, auth) = match config.credentials.take() {
            Some(Credentials::Webhook { url }) => {
                (config::parse_webhook_url(&url)?, AuthState::Webhook)
            }
            Some(credentials) => {
                let base = match explicit_base {
                    Some(base) => base,
                    None => base_from_token_claim(&credentials)?,
                };
                let session = Session::new(credentials, &config);
                (base, AuthState::Session(Box::new(session)))
            }
            None => {
                let base = explicit_base.ok_or_else(|| {
                    Error::config("no portal given: set the portal domain (`acme` for https://acme.uspacy.ua) or a base URL")
                })?;
                (base, AuthState::Anonymous)
            }
        };

        config.base_url = Some(base.clone());
        let transport = Transport::new(&config, base)?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                auth,
                retry: config.retry,
                closed: AtomicBool::new(false),
            }),
        })
    }
}

/// Returns the base URL from the access token's `domain` claim, validated as a
/// host name, with `https://` added.
fn base_from_token_claim(credentials: &Credentials) -> Result<Url> {
    let Credentials::Tokens { access_token, .. } = credentials else {
        return Err(Error::config(
            "these credentials need the portal address: set the portal domain (`acme`) or a base URL",
        ));
    };
    let domain = jwt::claims(access_token.expose())
        .and_then(|claims| claims.domain)
        .ok_or_else(|| {
            Error::config(
                "the access token has no `domain` claim: set the portal domain (`acme`) or a base URL",
            )
        })?;
    if !config::is_valid_host(&domain) {
        return Err(Error::config(format!(
            "the access token's `domain` claim `{domain}` is not a valid host name: set a base URL"
        )));
    }
    Ok(Url::parse(&format!("https://{domain}")).expect("a validated host forms a valid URL"))
}

impl Client {
    /// Starts building a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Marks the client and every clone of it closed: a token pair renewed
    /// from now on, by a call still running or by any clone, is no longer
    /// reported to the token hook. Without that, closing a client at
    /// sign-out and forgetting its stored pair could be undone by a refresh
    /// that was still running. Calls still work; the bindings reject calls
    /// on a closed client themselves, and the connections close when the
    /// last clone is dropped.
    pub fn close(&self) {
        self.inner.closed.store(true, Ordering::SeqCst);
        if let AuthState::Session(session) = &self.inner.auth {
            session.close();
        }
    }

    /// Returns whether [`Client::close`] was called on this client or a clone.
    pub fn is_closed(&self) -> bool {
        self.inner.closed.load(Ordering::SeqCst)
    }

    /// Returns the portal's base URL (a webhook key in it reads `***`).
    pub fn base_url(&self) -> String {
        request::redact_url(self.inner.transport.base_url())
    }

    /// Returns the current token pair, when the client uses tokens and has one.
    pub fn tokens(&self) -> Option<TokenPair> {
        match &self.inner.auth {
            AuthState::Session(session) => session.tokens(),
            _ => None,
        }
    }

    /// Signs in (or checks the given tokens) now instead of at the first
    /// call. Fails like that first call would.
    pub async fn authenticate(&self) -> Result<()> {
        match &self.inner.auth {
            AuthState::Session(session) => session.bearer(&self.inner.transport).await.map(|_| ()),
            AuthState::Webhook | AuthState::Anonymous => Ok(()),
        }
    }

    /// Refreshes the access token now, whatever its expiry; concurrent
    /// callers share one refresh.
    pub async fn refresh(&self) -> Result<TokenPair> {
        let session = self.session()?;
        session.force_refresh(&self.inner.transport).await?;
        session.tokens().ok_or_else(|| {
            Error::with_kind(ErrorKind::SessionExpired, "no token after refresh").finish()
        })
    }

    fn session(&self) -> Result<&Session> {
        match &self.inner.auth {
            AuthState::Session(session) => Ok(session),
            AuthState::Webhook => Err(Error::config(
                "this client uses an incoming-webhook URL, which has no tokens to refresh",
            )),
            AuthState::Anonymous => Err(Error::config(
                "this client has no credentials: give an e-mail and password, app credentials, tokens, a webhook URL or a token provider",
            )),
        }
    }

    /// Calls any operation of the table by id and returns the response body
    /// as JSON (`null` for an empty body).
    ///
    /// `path_params` and `query` are JSON objects (or `null`); query values
    /// are encoded in PHP bracket style. Fails with a configuration error for
    /// an unknown `op_id` or a missing path parameter, before sending.
    pub async fn call(
        &self,
        op_id: &str,
        path_params: &Value,
        query: &Value,
        body: Body,
    ) -> Result<Value> {
        let op = lookup(op_id)?;
        let response = self.call_raw(op, path_params, query, body).await?;
        decode_json(op, &response)
    }

    /// Like [`Client::call`] but returns the raw response, for callers that
    /// decode the bytes themselves.
    pub async fn call_raw(
        &self,
        op: &'static Operation,
        path_params: &Value,
        query: &Value,
        body: Body,
    ) -> Result<RawResponse> {
        if op.auth == AuthMode::RefreshToken {
            return self.refresh_as_response().await;
        }
        let prepared = request::prepare(
            self.inner.transport.base_url(),
            op,
            path_params,
            query,
            &body,
        )?;
        self.execute(op, &prepared).await
    }

    /// `auth.refresh_token` called directly goes through the shared refresh,
    /// so the client's own tokens stay the newest.
    async fn refresh_as_response(&self) -> Result<RawResponse> {
        let pair = self.refresh().await?;
        let body = serde_json::json!({
            "jwt": pair.access_token.expose(),
            "refreshToken": pair.refresh_token.as_ref().map(Secret::expose),
            "expireInSeconds": pair.expires_at.map(|at| at.saturating_sub(rt::now_unix_ms() / 1000)),
        });
        Ok(RawResponse {
            status: 200,
            headers: Default::default(),
            body: serde_json::to_vec(&body)
                .expect("JSON values serialize")
                .into(),
        })
    }

    /// Sends `prepared` with auth, refresh-on-401 and retries, and returns
    /// the 2xx response or the error.
    pub(crate) async fn execute(
        &self,
        op: &'static Operation,
        prepared: &Prepared,
    ) -> Result<RawResponse> {
        let span = tracing::debug_span!(
            "uspacy.request",
            op = op.id,
            method = op.method.as_str(),
            path = op.path,
            status = tracing::field::Empty,
            attempt = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        self.execute_with_retries(op, prepared)
            .instrument(span)
            .await
    }

    async fn execute_with_retries(
        &self,
        op: &'static Operation,
        prepared: &Prepared,
    ) -> Result<RawResponse> {
        let retry = &self.inner.retry;
        let started = Instant::now();
        let deadline = started + retry.max_elapsed;
        let mut attempt: u32 = 0;
        let mut refreshed_after_401 = false;

        loop {
            attempt += 1;
            let bearer = self.bearer_for(op).await?;
            let attempt_started = Instant::now();
            let outcome = self
                .inner
                .transport
                .send(op, prepared, bearer.as_ref().map(|bearer| &bearer.token))
                .await;
            let latency_ms = attempt_started.elapsed().as_millis() as u64;

            let span = tracing::Span::current();
            span.record("attempt", attempt);
            span.record("latency_ms", latency_ms);
            if let Ok(response) = &outcome {
                span.record("status", response.status);
            }
            tracing::debug!(
                status = outcome.as_ref().ok().map(|response| response.status),
                attempt,
                latency_ms,
                "uspacy request attempt"
            );

            let wait = match outcome {
                Ok(response) if response.is_success() => return Ok(response),
                Ok(response) if response.status == 401 && !refreshed_after_401 => {
                    let (AuthState::Session(session), Some(bearer)) = (&self.inner.auth, &bearer)
                    else {
                        return Err(response.into_error(op, &prepared.url));
                    };
                    // One refresh per call; the replay does not count as a retry.
                    refreshed_after_401 = true;
                    attempt -= 1;
                    session
                        .renew(&self.inner.transport, bearer.generation, true)
                        .await?;
                    continue;
                }
                Ok(response) if response.status == 429 => {
                    let requested = response.retry_after();
                    let wait = requested.unwrap_or_else(|| retry.backoff(attempt));
                    let error = response.into_error(op, &prepared.url);
                    if wait > retry.max_retry_after {
                        return Err(error);
                    }
                    match self.wait_allowed(attempt, wait, deadline) {
                        true => wait,
                        false => return Err(error),
                    }
                }
                Ok(response) if response.status >= 500 && op.idempotent => {
                    let wait = retry.backoff(attempt);
                    if !self.wait_allowed(attempt, wait, deadline) {
                        return Err(response.into_error(op, &prepared.url));
                    }
                    wait
                }
                Ok(response) => return Err(response.into_error(op, &prepared.url)),
                Err(error) if error.is_retryable() && op.idempotent => {
                    let wait = retry.backoff(attempt);
                    if !self.wait_allowed(attempt, wait, deadline) {
                        return Err(error);
                    }
                    wait
                }
                Err(error) => return Err(error),
            };

            tracing::debug!(
                attempt,
                wait_ms = wait.as_millis() as u64,
                "uspacy request retry scheduled"
            );
            rt::sleep(wait).await;
        }
    }

    /// Checks whether another attempt may start after waiting `wait`.
    fn wait_allowed(&self, attempt: u32, wait: Duration, deadline: Instant) -> bool {
        attempt < self.inner.retry.max_attempts && Instant::now() + wait <= deadline
    }

    /// The bearer token for `op`, renewing it first when needed.
    async fn bearer_for(&self, op: &Operation) -> Result<Option<crate::auth::Bearer>> {
        if op.auth != AuthMode::Session {
            return Ok(None);
        }
        match &self.inner.auth {
            AuthState::Session(session) => session.bearer(&self.inner.transport).await.map(Some),
            AuthState::Webhook => Ok(None),
            AuthState::Anonymous => Err(Error::config(format!(
                "{} needs credentials: give an e-mail and password, app credentials, tokens, a webhook URL or a token provider",
                op.id
            ))),
        }
    }
}

/// Finds `op_id` in the operation table; a configuration error names an
/// unknown id.
pub fn lookup(op_id: &str) -> Result<&'static Operation> {
    operation::find(op_id).ok_or_else(|| {
        Error::config(format!(
            "unknown operation `{op_id}`: op ids look like `crm.items.list`; see uspacy::OPERATIONS"
        ))
    })
}

/// Parses a 2xx body as JSON; an empty body is `null`. An operation that
/// documents no body (`Envelope::Empty`) may answer plain text, which comes
/// back as a JSON string.
pub fn decode_json(op: &Operation, response: &RawResponse) -> Result<Value> {
    if response.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Null);
    }
    let parsed = serde_json::from_slice(&response.body);
    if parsed.is_err() && op.envelope == crate::operation::Envelope::Empty {
        return Ok(Value::String(
            String::from_utf8_lossy(&response.body).into_owned(),
        ));
    }
    parsed.map_err(|error| {
        Error::with_kind(
            ErrorKind::Decode,
            format!("{} returned a body that is not JSON: {error}", op.id),
        )
        .status(response.status)
        .body(response.body.clone())
        .finish()
    })
}
