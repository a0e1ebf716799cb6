//! Sign-in, credentials of every kind, and token refresh.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::*;
use futures::future::join_all;
use serde_json::{json, Value};
use uspacy::{Body, Client, Credentials, ErrorKind};
use uspacy_mock::Fault;

async fn me_deals(client: &Client) -> uspacy::Result<Value> {
    client
        .call(
            "crm.deals.list",
            &Value::Null,
            &json!({"list": 1}),
            Body::None,
        )
        .await
}

#[tokio::test]
async fn password_sign_in_then_call() {
    let mock = mock().await;
    let client = password_client(&mock);

    me_deals(&client).await.expect("call succeeds");

    let sign_ins = recorded(&mock, "POST", "/auth/v1/auth/sign_in");
    assert_eq!(sign_ins.len(), 1);
    let body: Value = serde_json::from_slice(&sign_ins[0].body).unwrap();
    assert_eq!(body["email"], json!(mock.credentials().email));
    assert!(
        sign_ins[0].header("authorization").is_none(),
        "sign-in sends no bearer"
    );
    let call = &recorded(&mock, "GET", "/crm/v1/entities/deals")[0];
    let token = client.tokens().unwrap().access_token;
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {}", token.expose()).as_str())
    );
}

#[tokio::test]
async fn sign_in_happens_once_for_many_calls() {
    let mock = mock().await;
    let client = password_client(&mock);
    let calls = (0..20).map(|_| me_deals(&client));
    for result in join_all(calls).await {
        result.expect("call succeeds");
    }
    assert_eq!(mock.count("POST", "/auth/v1/auth/sign_in"), 1);
}

#[tokio::test]
async fn two_factor_code_sent() {
    let mock = mock().await;
    let demo = mock.credentials();
    let client = builder(&mock)
        .credentials(Credentials::password_with_code(
            demo.two_factor_email.clone(),
            demo.two_factor_password.clone(),
            demo.two_factor_code.clone(),
        ))
        .build()
        .unwrap();
    client.authenticate().await.expect("2FA sign-in succeeds");
    let body: Value =
        serde_json::from_slice(&recorded(&mock, "POST", "/auth/v1/auth/sign_in")[0].body).unwrap();
    assert_eq!(body["code"], json!(demo.two_factor_code));
}

#[tokio::test]
async fn wrong_password_is_unauthorized_and_final() {
    let mock = mock().await;
    let client = builder(&mock)
        .credentials(Credentials::password(
            mock.credentials().email,
            "wrong password",
        ))
        .build()
        .unwrap();

    let first = me_deals(&client).await.unwrap_err();
    let second = me_deals(&client).await.unwrap_err();

    assert_eq!(first.kind(), ErrorKind::Unauthorized);
    assert_eq!(first.status(), Some(401));
    assert_eq!(second.kind(), ErrorKind::Unauthorized);
    assert_eq!(
        mock.count("POST", "/auth/v1/auth/sign_in"),
        1,
        "no second sign-in with a rejected password"
    );
    assert_eq!(mock.count("POST", REFRESH_PATH), 0);
}

#[tokio::test]
async fn app_credentials_sign_in() {
    let mock = mock().await;
    let demo = mock.credentials();
    let client = builder(&mock)
        .credentials(Credentials::app(
            demo.client_id.clone(),
            demo.client_secret.clone(),
        ))
        .build()
        .unwrap();
    me_deals(&client).await.expect("call succeeds");
    let request = &recorded(&mock, "POST", "/auth/v1/auth/app_sign_in")[0];
    let body: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(
        body,
        json!({"client_id": demo.client_id, "client_secret": demo.client_secret})
    );
}

#[tokio::test]
async fn bearer_prefix_stripped() {
    let mock = mock().await;
    let issued = mock.issue_tokens(3600);
    let client = builder(&mock)
        .credentials(Credentials::tokens(
            format!("Bearer {}", issued.access_token),
            Some(format!("Bearer {}", issued.refresh_token)),
        ))
        .build()
        .unwrap();
    me_deals(&client).await.expect("call succeeds");
    let call = &recorded(&mock, "GET", "/crm/v1/entities/deals")[0];
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {}", issued.access_token).as_str())
    );
}

#[tokio::test]
async fn webhook_url_sends_no_bearer() {
    let mock = mock().await;
    let webhook_url = mock.credentials().webhook_url;
    let client = Client::builder()
        .credentials(Credentials::webhook(webhook_url.clone()))
        .retry(fast_retry())
        .build()
        .unwrap();

    me_deals(&client).await.expect("webhook call succeeds");

    let key = mock.credentials().webhook_key;
    let path = format!("/company/v1/incoming_webhooks/run/{key}/crm/v1/entities/deals");
    let requests = recorded(&mock, "GET", &path);
    assert_eq!(requests.len(), 1, "the webhook base path is kept");
    assert!(requests[0].header("authorization").is_none());
    assert!(
        client.base_url().ends_with("/run/***"),
        "{}",
        client.base_url()
    );
}

#[tokio::test]
async fn webhook_rejected_key_no_refresh() {
    let mock = mock().await;
    let bad = format!(
        "{}/company/v1/incoming_webhooks/run/not-a-key",
        mock.base_url()
    );
    let client = Client::builder()
        .credentials(Credentials::webhook(bad))
        .build()
        .unwrap();
    let error = me_deals(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert!(!error.to_string().contains("not-a-key"), "{error}");
    assert_eq!(mock.count("POST", REFRESH_PATH), 0);
}

#[test]
fn malformed_webhook_url_rejected() {
    for bad in [
        "https://acme.uspacy.ua/crm/v1/entities",
        "not a url",
        "ftp://acme.uspacy.ua/company/v1/incoming_webhooks/run/abc",
        "https://acme.uspacy.ua/company/v1/incoming_webhooks/run/",
    ] {
        let error = Client::builder()
            .credentials(Credentials::webhook(bad))
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{bad}");
    }
}

#[tokio::test]
async fn expired_token_refreshed_before_call() {
    let mock = mock().await;
    let (client, persisted) = token_client(&mock, -10);

    me_deals(&client).await.expect("call succeeds");

    assert_eq!(mock.count("POST", REFRESH_PATH), 1);
    let refresh = &recorded(&mock, "POST", REFRESH_PATH)[0];
    assert!(refresh.body.is_empty(), "refresh has no body");
    let stored = persisted.lock().unwrap().clone();
    assert_eq!(stored.len(), 1, "the hook saw the new pair");
    let call = &recorded(&mock, "GET", "/crm/v1/entities/deals")[0];
    assert_eq!(
        call.header("authorization"),
        Some(format!("Bearer {}", stored[0].access_token.expose()).as_str()),
        "the call used the new token"
    );
}

#[tokio::test]
async fn refresh_sends_refresh_token_as_bearer() {
    let mock = mock().await;
    let issued = mock.issue_tokens(-10);
    let client = builder(&mock)
        .credentials(Credentials::tokens(
            issued.access_token.clone(),
            Some(issued.refresh_token.clone()),
        ))
        .build()
        .unwrap();
    me_deals(&client).await.unwrap();
    let refresh = &recorded(&mock, "POST", REFRESH_PATH)[0];
    assert_eq!(
        refresh.header("authorization"),
        Some(format!("Bearer {}", issued.refresh_token).as_str())
    );
}

#[tokio::test]
async fn fifty_concurrent_calls_one_refresh() {
    let mock = mock().await;
    let (client, persisted) = token_client(&mock, -10);

    let calls = (0..50).map(|_| me_deals(&client));
    for result in join_all(calls).await {
        result.expect("every call succeeds");
    }

    assert_eq!(mock.count("POST", REFRESH_PATH), 1);
    assert_eq!(persisted.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn fifty_concurrent_401s_one_refresh() {
    let mock = mock().await;
    let (client, _) = token_client(&mock, 3600);
    mock.inject(
        Fault::on("GET /crm/v1/entities/deals")
            .times(50)
            .expired_token(),
    );

    let calls = (0..50).map(|_| me_deals(&client));
    for result in join_all(calls).await {
        result.expect("every call succeeds after the refresh");
    }
    assert_eq!(mock.count("POST", REFRESH_PATH), 1);
}

#[tokio::test]
async fn calls_on_many_threads_share_refresh() {
    let mock = mock().await;
    let (client, _) = token_client(&mock, -10);
    let runtime_handles: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { me_deals(&client).await })
        })
        .collect();
    for handle in runtime_handles {
        handle.await.unwrap().expect("call succeeds");
    }
    assert_eq!(mock.count("POST", REFRESH_PATH), 1);
}

#[tokio::test]
async fn post_replayed_after_401_with_same_bytes() {
    let mock = mock().await;
    let (client, _) = token_client(&mock, 3600);
    mock.inject(
        Fault::on("POST /crm/v1/entities/deals")
            .times(1)
            .expired_token(),
    );

    let deal = json!({"title": "Угода «Ромашка»", "uf_crm_1002": ["a", "b"], "amount": {"currency": "UAH", "value": "10.50"}});
    client
        .call(
            "crm.items.create",
            &json!({"entity_code": "deals"}),
            &Value::Null,
            Body::Json(deal),
        )
        .await
        .expect("create succeeds after refresh");

    let posts = recorded(&mock, "POST", "/crm/v1/entities/deals");
    assert_eq!(posts.len(), 2);
    assert_eq!(
        posts[0].body, posts[1].body,
        "the replay sends identical bytes"
    );
    assert_ne!(
        posts[0].header("authorization"),
        posts[1].header("authorization")
    );
    assert_eq!(mock.count("POST", REFRESH_PATH), 1);
}

#[tokio::test]
async fn second_401_not_refreshed_again() {
    let mock = mock().await;
    let (client, _) = token_client(&mock, 3600);
    mock.inject(
        Fault::on("GET /crm/v1/entities/deals")
            .times(2)
            .expired_token(),
    );

    let error = me_deals(&client).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert_eq!(mock.count("POST", REFRESH_PATH), 1);
    assert_eq!(mock.count("GET", "/crm/v1/entities/deals"), 2);
}

#[tokio::test]
async fn refresh_403_ends_session_for_all() {
    let mock = mock().await;
    let (client, _) = token_client(&mock, -10);
    mock.inject(Fault::on(format!("POST {REFRESH_PATH}")).status(403));

    let calls = (0..10).map(|_| me_deals(&client));
    let results = join_all(calls).await;

    for result in results {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::SessionExpired);
        assert!(!error.message().is_empty());
    }
    assert_eq!(mock.count("POST", REFRESH_PATH), 1);
    let later = me_deals(&client).await.unwrap_err();
    assert_eq!(later.kind(), ErrorKind::SessionExpired);
    assert_eq!(mock.count("POST", REFRESH_PATH), 1, "never refreshes again");
    assert_eq!(
        mock.count("GET", "/crm/v1/entities/deals"),
        0,
        "the expired token is never sent"
    );
}

#[tokio::test]
async fn used_refresh_token_ends_session() {
    let mock = mock().await;
    let issued = mock.issue_tokens(-10);
    let first = builder(&mock)
        .credentials(Credentials::tokens(
            issued.access_token.clone(),
            Some(issued.refresh_token.clone()),
        ))
        .build()
        .unwrap();
    let second = builder(&mock)
        .credentials(Credentials::tokens(
            issued.access_token,
            Some(issued.refresh_token),
        ))
        .build()
        .unwrap();

    me_deals(&first).await.expect("first refresh works");
    let error = me_deals(&second).await.unwrap_err();

    assert_eq!(
        error.kind(),
        ErrorKind::SessionExpired,
        "the rotated token is rejected"
    );
    assert_eq!(error.status(), Some(401));
}

#[tokio::test]
async fn refresh_rejected_password_client_signs_in_again() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(
        Fault::on(format!("POST {REFRESH_PATH}"))
            .times(1)
            .status(401),
    );
    mock.inject(
        Fault::on("GET /crm/v1/entities/deals")
            .times(1)
            .expired_token(),
    );

    me_deals(&client)
        .await
        .expect("signs in again and succeeds");
    assert_eq!(mock.count("POST", "/auth/v1/auth/sign_in"), 2);
}

#[tokio::test]
async fn refresh_down_backs_off_and_fails_fast() {
    let mock = mock().await;
    let (client, _) = token_client(&mock, -10);
    mock.inject(Fault::on(format!("POST {REFRESH_PATH}")).status(503));

    let first = me_deals(&client).await.unwrap_err();
    let second = me_deals(&client).await.unwrap_err();

    assert_eq!(first.status(), Some(503));
    assert_eq!(second.status(), Some(503));
    assert_eq!(
        mock.count("POST", REFRESH_PATH),
        1,
        "the second call failed fast during the backoff"
    );
    assert_eq!(
        mock.count("GET", "/crm/v1/entities/deals"),
        0,
        "the expired token is never sent"
    );

    mock.clear_faults();
    tokio::time::sleep(Duration::from_millis(600)).await;
    me_deals(&client)
        .await
        .expect("succeeds once the backoff has passed");
    assert_eq!(mock.count("POST", REFRESH_PATH), 2);
}

#[tokio::test]
async fn sign_in_never_refreshes() {
    let mock = mock().await;
    let (client, _) = token_client(&mock, 3600);
    let error = client
        .auth()
        .sign_in(&json!({"email": mock.credentials().email, "password": "wrong"}))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Unauthorized);
    assert_eq!(mock.count("POST", REFRESH_PATH), 0);
}

#[tokio::test]
async fn typed_sign_in_returns_pair() {
    let mock = mock().await;
    let client = builder(&mock).build().unwrap();
    let demo = mock.credentials();
    let pair = client
        .auth()
        .sign_in(&json!({"email": demo.email, "password": demo.password}))
        .await
        .unwrap();
    assert!(pair.refresh_token.is_some());
    assert!(pair.expires_at.is_some());
}

#[tokio::test]
async fn anonymous_client_rejects_session_call() {
    let mock = mock().await;
    let client = builder(&mock).build().unwrap();
    let error = me_deals(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.message().contains("credentials"), "{error}");
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn hook_sees_sign_in_and_refresh() {
    let mock = mock().await;
    let demo = mock.credentials();
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let client = builder(&mock)
        .credentials(Credentials::password(demo.email, demo.password))
        .on_tokens(move |_: &uspacy::TokenPair| {
            counter.fetch_add(1, Ordering::SeqCst);
        })
        .build()
        .unwrap();
    client.authenticate().await.unwrap();
    let before = client.tokens().unwrap();
    let after = client.refresh().await.unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_ne!(before.access_token, after.access_token);
    assert_ne!(
        before.refresh_token, after.refresh_token,
        "the refresh token rotated"
    );
}

#[tokio::test]
async fn raw_refresh_call_updates_client() {
    let mock = mock().await;
    let (client, persisted) = token_client(&mock, 3600);
    let answer = client
        .call("auth.refresh_token", &Value::Null, &Value::Null, Body::None)
        .await
        .unwrap();
    let stored = client.tokens().unwrap();
    assert_eq!(answer["jwt"], json!(stored.access_token.expose()));
    assert_eq!(persisted.lock().unwrap().len(), 1);
}

#[test]
fn base_url_from_domain_claim() {
    use base64::Engine;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .encode(r#"{"domain":"acme.uspacy.ua","exp":4000000000}"#);
    let token = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig");
    let client = Client::builder()
        .credentials(Credentials::tokens(token, None))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://acme.uspacy.ua/");
}

#[test]
fn invalid_domain_claim_rejected() {
    use base64::Engine;
    for domain in ["evil.com/path", "a b.ua", "-bad.uspacy.ua", ""] {
        let claims = json!({"domain": domain}).to_string();
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(claims);
        let token = format!("eyJhbGciOiJIUzI1NiJ9.{payload}.sig");
        let error = Client::builder()
            .credentials(Credentials::tokens(token, None))
            .build()
            .unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Config, "{domain}");
    }
}

#[test]
fn domain_forms() {
    let short = Client::builder().domain("acme").build().unwrap();
    assert_eq!(short.base_url(), "https://acme.uspacy.ua/");
    let full = Client::builder().domain("acme.uspacy.ua").build().unwrap();
    assert_eq!(full.base_url(), "https://acme.uspacy.ua/");
    let error = Client::builder().domain("ac me").build().unwrap_err();
    assert!(error.message().contains("ac me"), "{error}");
}

#[test]
fn password_without_portal_rejected() {
    let error = Client::builder()
        .credentials(Credentials::password("a@b.ua", "x"))
        .build()
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Config);
    assert!(error.message().contains("domain"), "{error}");
}

#[tokio::test]
async fn access_token_only_expired_is_session_expired() {
    let mock = mock().await;
    let issued = mock.issue_tokens(-10);
    let client = builder(&mock)
        .credentials(Credentials::tokens(issued.access_token, None))
        .build()
        .unwrap();
    let error = me_deals(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SessionExpired);
    assert!(mock.requests().is_empty());
}

#[tokio::test]
async fn two_clients_share_nothing() {
    let first_mock = mock().await;
    let second_mock = mock().await;
    let first = password_client(&first_mock);
    let second = password_client(&second_mock);
    first.authenticate().await.unwrap();
    second.authenticate().await.unwrap();
    assert_ne!(
        first.tokens().unwrap().access_token,
        second.tokens().unwrap().access_token
    );
    me_deals(&first).await.unwrap();
    assert_eq!(second_mock.count("GET", "/crm/v1/entities/deals"), 0);
}

#[tokio::test]
async fn short_lived_tokens_not_refreshed_every_call() {
    let mock = mock_with(uspacy_mock::MockConfig {
        deals: 10,
        token_lifetime_secs: 20,
        ..uspacy_mock::MockConfig::default()
    })
    .await;
    let client = password_client(&mock);
    for _ in 0..3 {
        me_deals(&client).await.unwrap();
    }
    assert_eq!(
        mock.count("POST", REFRESH_PATH),
        0,
        "a 20 s token is not renewed by the 30 s skew"
    );
}

#[tokio::test]
async fn close_silences_a_running_refresh() {
    let mock = mock().await;
    let (client, seen) = token_client(&mock, -10);
    mock.inject(
        Fault::on("POST /auth/v1/auth/refresh_token")
            .times(1)
            .latency(Duration::from_millis(300)),
    );
    let running = {
        let client = client.clone();
        tokio::spawn(async move {
            client
                .call(
                    "crm.items.list",
                    &json!({"entity_code": "deals"}),
                    &json!({"list": 1}),
                    Body::None,
                )
                .await
        })
    };
    tokio::time::sleep(Duration::from_millis(100)).await;

    client.close();

    assert!(client.is_closed());
    let page = running
        .await
        .unwrap()
        .expect("a call already running finishes");
    assert!(page["data"].is_array());
    assert_eq!(mock.count("POST", "/auth/v1/auth/refresh_token"), 1);
    assert!(
        seen.lock().unwrap().is_empty(),
        "the renewed pair was reported after close"
    );

    // Nor is a pair renewed later, by this client or a clone.
    client
        .clone()
        .refresh()
        .await
        .expect("the refresh itself still works");
    assert_eq!(mock.count("POST", "/auth/v1/auth/refresh_token"), 2);
    assert!(seen.lock().unwrap().is_empty());
}
