//! Tokens from a host-supplied provider, and tokens shared between clients
//! (browser tabs, processes) through a store and a refresh lock.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::*;
use futures::future::join_all;
use serde_json::{json, Value};
use uspacy::{
    Body, Client, Credentials, Error, ErrorKind, RefreshGuard, RefreshLock, TokenHook, TokenPair,
    TokenProvider,
};
use uspacy_mock::{Fault, MockServer};

async fn list_deals(client: &Client) -> uspacy::Result<Value> {
    client
        .call(
            "crm.deals.list",
            &Value::Null,
            &json!({"list": 1}),
            Body::None,
        )
        .await
}

/// Hands out tokens the mock issued, remembering each request.
struct MockProvider {
    mock: MockServer,
    calls: Mutex<Vec<bool>>,
}

impl TokenProvider for MockProvider {
    fn access_token(&self, rejected: bool) -> uspacy::BoxFuture<'_, uspacy::Result<String>> {
        self.calls.lock().unwrap().push(rejected);
        let token = format!("Bearer {}", self.mock.issue_tokens(3600).access_token);
        Box::pin(async move { Ok(token) })
    }
}

#[tokio::test]
async fn provider_supplies_and_renews_tokens() {
    let mock = mock().await;
    let provider = Arc::new(MockProvider {
        mock: mock.clone(),
        calls: Mutex::new(Vec::new()),
    });
    let client = builder(&mock)
        .credentials(Credentials::Provider(provider.clone()))
        .build()
        .unwrap();

    list_deals(&client)
        .await
        .expect("first call uses the provider's token");
    list_deals(&client)
        .await
        .expect("the cached token is reused");
    mock.inject(
        Fault::on("GET /crm/v1/entities/deals")
            .times(1)
            .expired_token(),
    );
    list_deals(&client)
        .await
        .expect("a rejected token is replaced by the provider");

    assert_eq!(*provider.calls.lock().unwrap(), [false, true]);
    assert_eq!(
        mock.count("POST", REFRESH_PATH),
        0,
        "the client never refreshes provider tokens"
    );
}

struct FailingProvider;

impl TokenProvider for FailingProvider {
    fn access_token(&self, _rejected: bool) -> uspacy::BoxFuture<'_, uspacy::Result<String>> {
        Box::pin(async { Err(Error::config("the host page has no signed-in user")) })
    }
}

#[tokio::test]
async fn provider_error_reaches_caller() {
    let mock = mock().await;
    let client = builder(&mock)
        .credentials(Credentials::provider(FailingProvider))
        .build()
        .unwrap();
    let error = list_deals(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.message().contains("signed-in user"));
    assert!(mock.requests().is_empty());
}

#[test]
fn provider_needs_portal_address() {
    let error = Client::builder()
        .credentials(Credentials::provider(FailingProvider))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
}

/// A token store shared by several clients, like `localStorage` is by tabs.
#[derive(Clone, Default)]
struct SharedStore {
    pair: Arc<Mutex<Option<TokenPair>>>,
    saves: Arc<AtomicUsize>,
}

impl TokenHook for SharedStore {
    fn on_tokens(&self, tokens: &TokenPair) {
        self.saves.fetch_add(1, Ordering::SeqCst);
        *self.pair.lock().unwrap() = Some(tokens.clone());
    }

    fn load_tokens(&self) -> Option<TokenPair> {
        self.pair.lock().unwrap().clone()
    }
}

/// A lock shared by several clients, like Web Locks are by tabs.
#[derive(Clone, Default)]
struct SharedLock(Arc<tokio::sync::Mutex<()>>);

impl RefreshLock for SharedLock {
    fn acquire(&self) -> uspacy::BoxFuture<'_, RefreshGuard> {
        let mutex = self.0.clone();
        Box::pin(async move { Box::new(mutex.lock_owned().await) as RefreshGuard })
    }
}

fn tab(
    mock: &MockServer,
    issued: &uspacy_mock::IssuedTokens,
    store: &SharedStore,
    lock: Option<&SharedLock>,
) -> Client {
    let mut builder = builder(mock)
        .credentials(Credentials::tokens(
            issued.access_token.clone(),
            Some(issued.refresh_token.clone()),
        ))
        .on_tokens(store.clone());
    if let Some(lock) = lock {
        builder = builder.refresh_lock(lock.clone());
    }
    builder.build().unwrap()
}

#[tokio::test]
async fn second_tab_adopts_stored_tokens() {
    let mock = mock().await;
    let issued = mock.issue_tokens(-10);
    let store = SharedStore::default();
    let first = tab(&mock, &issued, &store, None);
    let second = tab(&mock, &issued, &store, None);

    list_deals(&first).await.unwrap();
    list_deals(&second)
        .await
        .expect("the second tab uses the first tab's new tokens");

    assert_eq!(mock.count("POST", REFRESH_PATH), 1);
    assert_eq!(
        store.saves.load(Ordering::SeqCst),
        1,
        "an adopted pair is not saved again"
    );
    assert_eq!(
        first.tokens().unwrap().access_token,
        second.tokens().unwrap().access_token
    );
}

#[tokio::test]
async fn concurrent_tabs_refresh_once_under_lock() {
    let mock = mock().await;
    let issued = mock.issue_tokens(-10);
    let store = SharedStore::default();
    let lock = SharedLock::default();
    let tabs: Vec<Client> = (0..4)
        .map(|_| tab(&mock, &issued, &store, Some(&lock)))
        .collect();

    let calls = tabs
        .iter()
        .flat_map(|client| (0..5).map(move |_| list_deals(client)));
    for result in join_all(calls).await {
        result.expect("every call succeeds");
    }

    assert_eq!(
        mock.count("POST", REFRESH_PATH),
        1,
        "one refresh across all tabs"
    );
}

#[tokio::test]
async fn expired_stored_pair_not_adopted() {
    let mock = mock().await;
    let issued = mock.issue_tokens(-10);
    let store = SharedStore::default();
    let stale = mock.issue_tokens(-5);
    *store.pair.lock().unwrap() = Some(TokenPair {
        access_token: stale.access_token.into(),
        refresh_token: Some(stale.refresh_token.into()),
        expires_at: Some(1),
    });
    let client = tab(&mock, &issued, &store, None);
    list_deals(&client).await.unwrap();
    assert_eq!(
        mock.count("POST", REFRESH_PATH),
        1,
        "an expired stored pair is refreshed, not used"
    );
}
