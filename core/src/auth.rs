//! Tokens of one client: sign-in, proactive and reactive refresh, shared by
//! all concurrent calls.
//!
//! One refresh runs at a time (`gate`); every token carries a generation
//! number, so a call that saw a 401 with a token that has since been
//! replaced retries with the new one instead of refreshing again. While the
//! refresh endpoint is failing, renewals back off on a shared schedule and
//! calls fail fast with the last failure instead of sending an expired token.
//! A 401 or 403 from the refresh endpoint ends the session for good.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{json, Value};

use crate::config::{strip_bearer, Config, Credentials, RefreshLock, TokenHook, TokenPair};
use crate::error::{Error, ErrorKind, Result};
use crate::jwt;
use crate::operation::{self, Operation};
use crate::request::{self, Body};
use crate::rt::{self, Instant};
use crate::secret::Secret;
use crate::transport::{RawResponse, Transport};

/// Maximum wait between renewal attempts while the refresh endpoint fails.
const MAX_RENEW_BACKOFF: Duration = Duration::from_secs(30);
const FIRST_RENEW_BACKOFF: Duration = Duration::from_millis(500);

/// An access token and the generation it belongs to.
#[derive(Clone)]
pub(crate) struct Bearer {
    pub(crate) token: Secret,
    pub(crate) generation: u64,
}

#[derive(Default)]
struct TokenState {
    access: Option<Secret>,
    refresh: Option<Secret>,
    /// Expiry of `access`, milliseconds since the Unix epoch, when known.
    expires_at_ms: Option<u64>,
    /// When `access` was issued (or first seen), milliseconds since the epoch.
    issued_at_ms: u64,
    /// Incremented on every new access token.
    generation: u64,
    /// Set once the session cannot be renewed; returned to every later call.
    ended: Option<Error>,
    backoff: Option<RenewBackoff>,
}

struct RenewBackoff {
    failures: u32,
    retry_at: Instant,
    error: Error,
}

/// The signed-in state of a client that uses tokens.
pub(crate) struct Session {
    credentials: Credentials,
    state: Mutex<TokenState>,
    gate: futures::lock::Mutex<()>,
    hook: Option<Arc<dyn TokenHook>>,
    refresh_lock: Option<Arc<dyn RefreshLock>>,
    skew: Duration,
    /// Set by [`crate::Client::close`]: a refresh still running then keeps
    /// its pair for its own call but no longer reports it to the hook, so a
    /// sign-out that closed the client does not find the pair stored again.
    closed: AtomicBool,
}

impl Session {
    pub(crate) fn new(credentials: Credentials, config: &Config) -> Session {
        let mut state = TokenState::default();
        if let Credentials::Tokens {
            access_token,
            refresh_token,
        } = &credentials
        {
            let claims = jwt::claims(access_token.expose()).unwrap_or_default();
            state.expires_at_ms = claims.exp.map(|exp| exp.saturating_mul(1000));
            state.issued_at_ms = claims
                .iat
                .map(|iat| iat.saturating_mul(1000))
                .unwrap_or_else(rt::now_unix_ms);
            state.access = Some(access_token.clone());
            state.refresh = refresh_token.clone();
        }
        Session {
            credentials,
            state: Mutex::new(state),
            gate: futures::lock::Mutex::new(()),
            hook: config.token_hook.clone(),
            refresh_lock: config.refresh_lock.clone(),
            skew: config.refresh_skew,
            closed: AtomicBool::new(false),
        }
    }

    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::SeqCst);
    }

    fn lock(&self) -> MutexGuard<'_, TokenState> {
        // A poisoned lock only means a panic elsewhere while holding it; the
        // token state itself is always left consistent.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Returns the current token pair, if any, for callers that persist it themselves.
    pub(crate) fn tokens(&self) -> Option<TokenPair> {
        let state = self.lock();
        Some(TokenPair {
            access_token: state.access.clone()?,
            refresh_token: state.refresh.clone(),
            expires_at: state.expires_at_ms.map(|ms| ms / 1000),
        })
    }

    /// Returns a usable access token, signing in or refreshing first when
    /// there is none or it expires within the skew.
    pub(crate) async fn bearer(&self, transport: &Transport) -> Result<Bearer> {
        let seen = {
            let state = self.lock();
            if let Some(error) = &state.ended {
                return Err(error.clone());
            }
            match &state.access {
                Some(token) if !self.expires_soon(&state) => {
                    return Ok(Bearer {
                        token: token.clone(),
                        generation: state.generation,
                    })
                }
                _ => state.generation,
            }
        };
        self.renew(transport, seen, false).await
    }

    /// Checks whether the access token expires within the skew. The skew is at
    /// most half the token's lifetime, so a portal that issues short-lived
    /// tokens does not get a refresh before every call.
    fn expires_soon(&self, state: &TokenState) -> bool {
        let Some(expires_at) = state.expires_at_ms else {
            return false;
        };
        let lifetime_ms = expires_at.saturating_sub(state.issued_at_ms);
        let skew_ms = (self.skew.as_millis() as u64).min(lifetime_ms / 2);
        rt::now_unix_ms().saturating_add(skew_ms) >= expires_at
    }

    /// Replaces the token of generation `seen`, which expired or, when
    /// `rejected`, drew a 401. When another call already replaced it,
    /// returns the newer token without any request; when a shared store
    /// contains a newer valid pair (another tab refreshed), adopts that.
    pub(crate) async fn renew(
        &self,
        transport: &Transport,
        seen: u64,
        rejected: bool,
    ) -> Result<Bearer> {
        let _gate = self.gate.lock().await;
        let _shared_lock = match &self.refresh_lock {
            Some(lock) => Some(lock.acquire().await),
            None => None,
        };

        let refresh_token = {
            let state = self.lock();
            if let Some(error) = &state.ended {
                return Err(error.clone());
            }
            if state.generation != seen {
                if let Some(token) = &state.access {
                    return Ok(Bearer {
                        token: token.clone(),
                        generation: state.generation,
                    });
                }
            }
            if let Some(backoff) = &state.backoff {
                if Instant::now() < backoff.retry_at {
                    return Err(backoff.error.clone());
                }
            }
            state.refresh.clone()
        };

        if let Some(bearer) = self.adopt_stored() {
            return Ok(bearer);
        }
        if let Credentials::Provider(provider) = &self.credentials {
            let token = provider.access_token(rejected).await?;
            return Ok(self.store(pair_from_access_token(token)));
        }

        let outcome = match (&refresh_token, self.can_sign_in()) {
            (Some(refresh_token), _) => self.refresh_with(transport, refresh_token).await,
            (None, true) => self.sign_in(transport).await,
            (None, false) => Err(Error::with_kind(
                ErrorKind::SessionExpired,
                "the access token expired and there is no refresh token to renew it: \
                 build the client with a refresh token or with sign-in credentials",
            )
            .finish()),
        };

        match outcome {
            Ok(pair) => Ok(self.store(pair)),
            Err(error) if ends_session(&error) => {
                // A rejected refresh token still leaves sign-in credentials to try.
                if refresh_token.is_some() && self.can_sign_in() {
                    tracing::info!(target: "uspacy::auth", "refresh token rejected, signing in again");
                    match self.sign_in(transport).await {
                        Ok(pair) => return Ok(self.store(pair)),
                        Err(error) if !ends_session(&error) => return Err(self.back_off(error)),
                        Err(error) => return Err(self.end(error, false)),
                    }
                }
                // A rejected refresh token reads as an ended session; rejected
                // sign-in credentials keep their own kind (unauthorized, ...).
                Err(self.end(error, refresh_token.is_some()))
            }
            Err(error) => Err(self.back_off(error)),
        }
    }

    /// Takes the pair from a shared store when it is not ours and is still
    /// valid; the hook is not called for it, since it came from the store.
    fn adopt_stored(&self) -> Option<Bearer> {
        let stored = self.hook.as_ref()?.load_tokens()?;
        let mut state = self.lock();
        if state.access.as_ref() == Some(&stored.access_token) {
            return None;
        }
        let candidate = TokenState {
            expires_at_ms: stored
                .expires_at
                .map(|seconds| seconds.saturating_mul(1000)),
            issued_at_ms: rt::now_unix_ms(),
            ..TokenState::default()
        };
        if candidate.expires_at_ms.is_none() || self.expires_soon(&candidate) {
            return None;
        }
        state.access = Some(stored.access_token.clone());
        if stored.refresh_token.is_some() {
            state.refresh = stored.refresh_token;
        }
        state.expires_at_ms = candidate.expires_at_ms;
        state.issued_at_ms = candidate.issued_at_ms;
        state.generation += 1;
        state.backoff = None;
        tracing::info!(target: "uspacy::auth", "adopted tokens another client refreshed");
        Some(Bearer {
            token: stored.access_token,
            generation: state.generation,
        })
    }

    fn can_sign_in(&self) -> bool {
        matches!(
            self.credentials,
            Credentials::Password { .. } | Credentials::App { .. }
        )
    }

    /// Forces a refresh now, whatever the token's expiry.
    pub(crate) async fn force_refresh(&self, transport: &Transport) -> Result<Bearer> {
        let seen = self.lock().generation;
        self.renew(transport, seen, true).await
    }

    async fn refresh_with(
        &self,
        transport: &Transport,
        refresh_token: &Secret,
    ) -> Result<TokenPair> {
        let op = operation::find("auth.refresh_token").expect("auth.refresh_token is in the table");
        let response = send_auth_call(transport, op, Body::None, Some(refresh_token)).await?;
        let pair = parse_token_response(op, &response, Some(refresh_token))?;
        tracing::info!(
            target: "uspacy::auth",
            expires_at = pair.expires_at,
            "access token refreshed"
        );
        Ok(pair)
    }

    async fn sign_in(&self, transport: &Transport) -> Result<TokenPair> {
        let (op_id, body) = match &self.credentials {
            Credentials::Password {
                email,
                password,
                code,
            } => {
                let mut body = json!({"email": email, "password": password.expose()});
                if let Some(code) = code {
                    body["code"] = Value::String(code.expose().to_owned());
                }
                ("auth.sign_in", body)
            }
            Credentials::App {
                client_id,
                client_secret,
            } => (
                "auth.app_sign_in",
                json!({"client_id": client_id, "client_secret": client_secret.expose()}),
            ),
            Credentials::Tokens { .. } | Credentials::Webhook { .. } | Credentials::Provider(_) => {
                unreachable!("sign_in is only called when can_sign_in() is true")
            }
        };
        let op = operation::find(op_id).expect("sign-in operations are in the table");
        let response = send_auth_call(transport, op, Body::Json(body), None).await?;
        let pair = parse_token_response(op, &response, None)?;
        tracing::info!(target: "uspacy::auth", op = op.id, expires_at = pair.expires_at, "signed in");
        Ok(pair)
    }

    /// Stores a new pair, bumps the generation and hands the pair to the hook.
    fn store(&self, pair: TokenPair) -> Bearer {
        let bearer = {
            let mut state = self.lock();
            state.access = Some(pair.access_token.clone());
            if pair.refresh_token.is_some() {
                state.refresh = pair.refresh_token.clone();
            }
            state.expires_at_ms = pair.expires_at.map(|seconds| seconds.saturating_mul(1000));
            state.issued_at_ms = rt::now_unix_ms();
            state.generation += 1;
            state.backoff = None;
            Bearer {
                token: pair.access_token.clone(),
                generation: state.generation,
            }
        };
        if let Some(hook) = self
            .hook
            .as_ref()
            .filter(|_| !self.closed.load(Ordering::SeqCst))
        {
            let stored = self.tokens().unwrap_or(pair);
            hook.on_tokens(&stored);
        }
        bearer
    }

    fn back_off(&self, error: Error) -> Error {
        let mut state = self.lock();
        let failures = state.backoff.as_ref().map_or(0, |backoff| backoff.failures) + 1;
        let exponential = FIRST_RENEW_BACKOFF.saturating_mul(1u32 << (failures - 1).min(16));
        let delay = error
            .retry_after()
            .unwrap_or(exponential)
            .min(MAX_RENEW_BACKOFF);
        tracing::warn!(
            target: "uspacy::auth",
            failures,
            retry_in_ms = delay.as_millis() as u64,
            kind = ?error.kind(),
            status = error.status(),
            "token renewal failed; later calls fail fast until the retry time"
        );
        state.backoff = Some(RenewBackoff {
            failures,
            retry_at: Instant::now() + delay,
            error: error.clone(),
        });
        error
    }

    /// Stores the error every later call gets; `as_expired` turns it into
    /// a session-expired error that keeps the server's reason and status.
    fn end(&self, error: Error, as_expired: bool) -> Error {
        let ended = if !as_expired || error.kind() == ErrorKind::SessionExpired {
            error
        } else {
            let reason = error.message().to_owned();
            let mut builder = Error::with_kind(
                ErrorKind::SessionExpired,
                format!("the session ended: {reason}; sign in again with new credentials"),
            );
            if let Some(status) = error.status() {
                builder = builder.status(status);
            }
            if let (Some(method), Some(url)) = (error.method(), error.url()) {
                builder = builder.request(method, url.to_owned());
            }
            if let Some(body) = error.body() {
                builder = builder.body(body.clone());
            }
            builder.finish()
        };
        tracing::warn!(
            target: "uspacy::auth",
            status = ended.status(),
            reason = ended.message(),
            "session ended; no further refresh attempts"
        );
        let mut state = self.lock();
        state.ended = Some(ended.clone());
        state.backoff = None;
        ended
    }
}

/// Builds a pair from a provider's access token, with the expiry of its `exp` claim.
fn pair_from_access_token(token: String) -> TokenPair {
    let token = strip_bearer(token);
    let expires_at = jwt::claims(&token).and_then(|claims| claims.exp);
    TokenPair {
        access_token: Secret::new(token),
        refresh_token: None,
        expires_at,
    }
}

/// 401 and 403 from the auth endpoints, and any 4xx from sign-in, mean the
/// credentials themselves were rejected; retrying cannot help.
fn ends_session(error: &Error) -> bool {
    matches!(
        error.kind(),
        ErrorKind::Unauthorized
            | ErrorKind::Forbidden
            | ErrorKind::SessionExpired
            | ErrorKind::Validation
    ) || matches!(error.status(), Some(400..=499) if error.status() != Some(429))
}

/// Sends one auth request; renewal failures are retried by the shared
/// backoff, not here.
async fn send_auth_call(
    transport: &Transport,
    op: &Operation,
    body: Body,
    bearer: Option<&Secret>,
) -> Result<RawResponse> {
    let prepared = request::prepare(transport.base_url(), op, &Value::Null, &Value::Null, &body)?;
    let response = transport.send(op, &prepared, bearer).await?;
    if response.is_success() {
        Ok(response)
    } else {
        Err(response.into_error(op, &prepared.url))
    }
}

/// Reads `{jwt, refreshToken, expireInSeconds}`. The expiry may be spelled
/// `expiresInSeconds` and be a number or a numeric string; without it the
/// JWT's `exp` claim is used. A missing new refresh token keeps `previous`.
pub(crate) fn parse_token_response(
    op: &Operation,
    response: &RawResponse,
    previous_refresh: Option<&Secret>,
) -> Result<TokenPair> {
    let decode_error = |message: &str| {
        // The body contains tokens, so it is not attached to the error.
        Error::with_kind(ErrorKind::Decode, format!("{} response: {message}", op.id))
            .status(response.status)
            .finish()
    };
    let body: Value =
        serde_json::from_slice(&response.body).map_err(|_| decode_error("the body is not JSON"))?;
    let jwt = match body.get("jwt") {
        Some(Value::String(jwt)) if !jwt.is_empty() => jwt.clone(),
        _ => return Err(decode_error("`jwt` is missing")),
    };
    let refresh_token = match body.get("refreshToken") {
        Some(Value::String(token)) if !token.is_empty() => Some(Secret::new(token.clone())),
        _ => previous_refresh.cloned(),
    };
    let expires_in = ["expireInSeconds", "expiresInSeconds"]
        .iter()
        .find_map(|key| match body.get(*key)? {
            Value::Number(number) => number
                .as_u64()
                .or_else(|| number.as_f64().map(|f| f as u64)),
            Value::String(text) => text.trim().parse::<u64>().ok(),
            _ => None,
        });
    let expires_at = match expires_in {
        Some(seconds) => Some(rt::now_unix_ms() / 1000 + seconds),
        None => jwt::claims(&jwt).and_then(|claims| claims.exp),
    };
    Ok(TokenPair {
        access_token: Secret::new(jwt),
        refresh_token,
        expires_at,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &str) -> RawResponse {
        RawResponse {
            status: 200,
            headers: Default::default(),
            body: body.as_bytes().to_vec().into(),
        }
    }

    fn sign_in_op() -> &'static Operation {
        operation::find("auth.sign_in").unwrap()
    }

    #[test]
    fn expiry_spellings() {
        let now = rt::now_unix_ms() / 1000;
        for body in [
            r#"{"jwt":"a","refreshToken":"r","expireInSeconds":3600}"#,
            r#"{"jwt":"a","refreshToken":"r","expiresInSeconds":"3600"}"#,
        ] {
            let pair = parse_token_response(sign_in_op(), &response(body), None).unwrap();
            let expires_at = pair.expires_at.unwrap();
            assert!((now + 3599..=now + 3601).contains(&expires_at), "{body}");
        }
    }

    #[test]
    fn expiry_from_jwt_claim() {
        use base64::Engine;
        let payload =
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(r#"{"exp":4000000000}"#);
        let body = format!(r#"{{"jwt":"h.{payload}.s","refreshToken":"r"}}"#);
        let pair = parse_token_response(sign_in_op(), &response(&body), None).unwrap();
        assert_eq!(pair.expires_at, Some(4_000_000_000));
    }

    #[test]
    fn missing_jwt_is_decode_error() {
        let error = parse_token_response(sign_in_op(), &response(r#"{"refreshToken":"r"}"#), None)
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
        assert!(error.message().contains("`jwt`"), "{error}");
        assert!(
            error.body().is_none(),
            "the body may hold tokens and is not kept"
        );
    }

    #[test]
    fn missing_refresh_keeps_previous() {
        let previous = Secret::new("old-refresh");
        let pair = parse_token_response(sign_in_op(), &response(r#"{"jwt":"a"}"#), Some(&previous))
            .unwrap();
        assert_eq!(pair.refresh_token, Some(previous));
    }

    #[test]
    fn non_json_body_is_decode_error() {
        let error = parse_token_response(sign_in_op(), &response("<html>"), None).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Decode);
    }
}
