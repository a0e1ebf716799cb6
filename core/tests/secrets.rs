//! No secret of any credential kind in Debug output, errors or logs.

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::*;
use serde_json::{json, Value};
use tracing_subscriber::fmt::MakeWriter;
use uspacy::{Body, Client, Credentials, ErrorKind};
use uspacy_mock::Fault;

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

fn assert_clean(text: &str, secrets: &[&str], what: &str) {
    for secret in secrets {
        assert!(!secret.is_empty());
        assert!(!text.contains(secret), "{what} leaks a secret: {text}");
    }
}

#[tokio::test]
async fn every_credential_kind_stays_secret() {
    let logs = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(logs.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mock = mock().await;
    let demo = mock.credentials();
    let issued = mock.issue_tokens(-10);
    let secrets_owned = [
        demo.password.clone(),
        demo.client_secret.clone(),
        demo.webhook_key.clone(),
        issued.access_token.clone(),
        issued.refresh_token.clone(),
        demo.two_factor_code.clone(),
    ];
    let secrets: Vec<&str> = secrets_owned.iter().map(String::as_str).collect();

    let kinds = [
        Credentials::password(demo.email.clone(), demo.password.clone()),
        Credentials::password_with_code(
            demo.two_factor_email.clone(),
            demo.two_factor_password.clone(),
            demo.two_factor_code.clone(),
        ),
        Credentials::app(demo.client_id.clone(), demo.client_secret.clone()),
        Credentials::tokens(
            issued.access_token.clone(),
            Some(issued.refresh_token.clone()),
        ),
        Credentials::webhook(demo.webhook_url.clone()),
    ];
    let mut outputs = Vec::new();
    for credentials in kinds {
        outputs.push(format!("{credentials:?}"));
        let client = Client::builder()
            .base_url(mock.base_url())
            .credentials(credentials)
            .retry(fast_retry())
            .build()
            .unwrap();
        outputs.push(format!("{client:?}"));

        client
            .call(
                "crm.deals.list",
                &Value::Null,
                &json!({"list": 1}),
                Body::None,
            )
            .await
            .unwrap();
        if let Some(tokens) = client.tokens() {
            outputs.push(format!("{tokens:?}"));
            secrets_check_later(&mut outputs, &tokens);
        }

        mock.inject(
            Fault::on("GET /crm/v1/entities/deals/1")
                .times(1)
                .status(500),
        );
        mock.inject(
            Fault::on("GET /crm/v1/entities/deals/1")
                .times(3)
                .drop_connection(),
        );
        let error = client.crm().items().get("deals", 1).await.unwrap_err();
        outputs.push(format!("{error:?}"));
        outputs.push(error.to_string());
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            outputs.push(cause.to_string());
            outputs.push(format!("{cause:?}"));
            source = cause.source();
        }
        mock.clear_faults();
    }

    let rejected = Client::builder()
        .base_url(mock.base_url())
        .credentials(Credentials::tokens(
            issued.access_token.clone(),
            Some(issued.refresh_token.clone()),
        ))
        .build()
        .unwrap();
    let error = rejected
        .call("crm.deals.list", &Value::Null, &Value::Null, Body::None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::SessionExpired);
    outputs.push(format!("{error:?} {error}"));

    let bad_webhook = Client::builder()
        .credentials(Credentials::webhook(format!(
            "{}/company/v1/incoming_webhooks/run/{}/extra",
            mock.base_url(),
            demo.webhook_key
        )))
        .build()
        .unwrap_err();
    outputs.push(format!("{bad_webhook:?} {bad_webhook}"));

    let all = outputs.join("\n");
    let log_text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(
        log_text.contains("uspacy.request"),
        "request spans were logged: {log_text}"
    );
    assert!(log_text.contains("access token refreshed"));
    assert_clean(&all, &secrets, "Debug/Display output");
    assert_clean(&log_text, &secrets, "the log");
}

/// New tokens issued during the test must stay out of the output as well.
fn secrets_check_later(outputs: &mut [String], tokens: &uspacy::TokenPair) {
    let text = outputs.join("\n");
    assert!(!text.contains(tokens.access_token.expose()));
    if let Some(refresh) = &tokens.refresh_token {
        assert!(!text.contains(refresh.expose()));
    }
}
