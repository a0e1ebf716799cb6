//! Shared set-up: a mock portal on an ephemeral loopback port and clients
//! pointed at it.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use uspacy::{Client, ClientBuilder, Credentials, RetryPolicy, TokenPair};
use uspacy_mock::{MockConfig, MockServer};

/// Starts a mock portal with a small data set.
pub async fn mock() -> MockServer {
    mock_with(MockConfig {
        deals: 300,
        ..MockConfig::default()
    })
    .await
}

pub async fn mock_with(config: MockConfig) -> MockServer {
    MockServer::start(config).await.expect("mock portal starts")
}

/// Retries with tiny backoffs, so retry tests run fast.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
        max_retry_after: Duration::from_secs(5),
        max_elapsed: Duration::from_secs(20),
    }
}

pub fn builder(mock: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(mock.base_url())
        .retry(fast_retry())
}

/// A client signed in with the demo user's e-mail and password.
pub fn password_client(mock: &MockServer) -> Client {
    let demo = mock.credentials();
    builder(mock)
        .credentials(Credentials::password(demo.email, demo.password))
        .build()
        .expect("client builds")
}

/// A client holding a token pair issued with `lifetime_secs`.
pub fn token_client(mock: &MockServer, lifetime_secs: i64) -> (Client, Arc<Mutex<Vec<TokenPair>>>) {
    let issued = mock.issue_tokens(lifetime_secs);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let sink = seen.clone();
    let client = builder(mock)
        .credentials(Credentials::tokens(
            issued.access_token,
            Some(issued.refresh_token),
        ))
        .on_tokens(move |pair: &TokenPair| sink.lock().unwrap().push(pair.clone()))
        .build()
        .expect("client builds");
    (client, seen)
}

/// Recorded requests with this method and path.
pub fn recorded(mock: &MockServer, method: &str, path: &str) -> Vec<uspacy_mock::RecordedRequest> {
    mock.requests()
        .into_iter()
        .filter(|request| request.method == method && request.path == path)
        .collect()
}

pub const REFRESH_PATH: &str = "/auth/v1/auth/refresh_token";
