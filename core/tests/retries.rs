//! Retry rules: 429 with Retry-After, 5xx and connection failures for
//! idempotent operations only, deadlines.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};
use uspacy::{Body, ErrorKind, RetryPolicy};
use uspacy_mock::Fault;

const DEALS: &str = "/crm/v1/entities/deals";

async fn list_deals(client: &uspacy::Client) -> uspacy::Result<Value> {
    client
        .call(
            "crm.deals.list",
            &Value::Null,
            &json!({"list": 1}),
            Body::None,
        )
        .await
}

async fn create_deal(client: &uspacy::Client) -> uspacy::Result<Value> {
    client
        .call(
            "crm.items.create",
            &json!({"entity_code": "deals"}),
            &Value::Null,
            Body::Json(json!({"title": "Нова угода"})),
        )
        .await
}

#[tokio::test]
async fn rate_limit_waits_retry_after() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).times(1).rate_limited("1"));

    let started = Instant::now();
    list_deals(&client).await.expect("succeeds after waiting");

    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(mock.count("GET", DEALS), 2);
}

#[tokio::test]
async fn rate_limit_replays_post() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(
        Fault::on(format!("POST {DEALS}"))
            .times(1)
            .rate_limited("0"),
    );

    create_deal(&client)
        .await
        .expect("a 429 POST is replayed: the server did not process it");
    let posts = recorded(&mock, "POST", DEALS);
    assert_eq!(posts.len(), 2);
    assert_eq!(posts[0].body, posts[1].body);
}

#[tokio::test]
async fn rate_limit_http_date() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    let date = httpdate::fmt_http_date(std::time::SystemTime::now() + Duration::from_secs(1));
    mock.inject(
        Fault::on(format!("GET {DEALS}"))
            .times(1)
            .rate_limited(date),
    );

    list_deals(&client).await.expect("succeeds after the date");
    assert_eq!(mock.count("GET", DEALS), 2);
}

#[tokio::test]
async fn rate_limit_beyond_cap_fails_at_once() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).rate_limited("3600"));

    let started = Instant::now();
    let error = list_deals(&client).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(error.retry_after(), Some(Duration::from_secs(3600)));
    assert!(error.is_retryable());
    assert!(started.elapsed() < Duration::from_secs(2));
    assert_eq!(mock.count("GET", DEALS), 1);
}

#[tokio::test]
async fn rate_limit_exhausts_attempts() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).rate_limited("0"));

    let error = list_deals(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert_eq!(mock.count("GET", DEALS), 4, "max_attempts is 4");
}

#[tokio::test]
async fn post_503_not_replayed() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("POST {DEALS}")).times(1).status(503));

    let error = create_deal(&client).await.unwrap_err();

    assert_eq!(error.status(), Some(503));
    assert_eq!(error.kind(), ErrorKind::Api);
    assert!(error.is_retryable());
    assert_eq!(mock.count("POST", DEALS), 1);
}

#[tokio::test]
async fn get_503_replayed() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).times(2).status(503));

    list_deals(&client).await.expect("third attempt succeeds");
    assert_eq!(mock.count("GET", DEALS), 3);
}

#[tokio::test]
async fn get_dropped_connection_replayed() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).times(1).drop_connection());

    list_deals(&client).await.expect("the replay succeeds");
    assert_eq!(mock.count("GET", DEALS), 2);
}

#[tokio::test]
async fn post_dropped_connection_not_replayed() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(
        Fault::on(format!("POST {DEALS}"))
            .times(1)
            .drop_connection(),
    );

    let error = create_deal(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(error.status().is_none());
    assert_eq!(mock.count("POST", DEALS), 1);
}

#[tokio::test]
async fn other_4xx_never_retried() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).status(400));

    let error = list_deals(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(400));
    assert!(!error.is_retryable());
    assert_eq!(mock.count("GET", DEALS), 1);
}

#[tokio::test]
async fn retries_stop_at_max_attempts() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).status(500));

    let error = list_deals(&client).await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(mock.count("GET", DEALS), 4);
}

#[tokio::test]
async fn no_sleep_past_deadline() {
    let mock = mock().await;
    let demo = mock.credentials();
    let client = builder(&mock)
        .credentials(uspacy::Credentials::password(demo.email, demo.password))
        .retry(RetryPolicy {
            max_attempts: 10,
            initial_backoff: Duration::from_millis(10),
            max_backoff: Duration::from_millis(10),
            max_retry_after: Duration::from_secs(60),
            max_elapsed: Duration::from_millis(1500),
        })
        .build()
        .unwrap();
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).rate_limited("2"));

    let started = Instant::now();
    let error = list_deals(&client).await.unwrap_err();

    assert_eq!(error.kind(), ErrorKind::RateLimited);
    assert!(
        started.elapsed() < Duration::from_millis(1000),
        "did not wait {:?}",
        started.elapsed()
    );
    assert_eq!(mock.count("GET", DEALS), 1);
}

#[tokio::test]
async fn retries_disabled() {
    let mock = mock().await;
    let demo = mock.credentials();
    let client = builder(&mock)
        .credentials(uspacy::Credentials::password(demo.email, demo.password))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).times(1).status(502));
    assert_eq!(list_deals(&client).await.unwrap_err().status(), Some(502));
    assert_eq!(mock.count("GET", DEALS), 1);
}

#[tokio::test]
async fn timeout_is_timeout_error() {
    let mock = mock().await;
    let demo = mock.credentials();
    let client = builder(&mock)
        .credentials(uspacy::Credentials::password(demo.email, demo.password))
        .timeouts(uspacy::Timeouts {
            request: Duration::from_millis(200),
            ..uspacy::Timeouts::default()
        })
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).latency(Duration::from_secs(2)));

    let error = list_deals(&client).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Timeout);
    assert!(error.is_retryable());
}

#[tokio::test]
async fn connection_refused_is_network_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let client = uspacy::Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let error = client
        .call(
            "auth.check_email",
            &Value::Null,
            &json!({"email": "a@b.ua"}),
            Body::None,
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Network);
    assert!(error.message().contains("connect"), "{error}");
}
