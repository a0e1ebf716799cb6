//! Helpers shared by the integration tests: servers on 127.0.0.1 ephemeral
//! ports and a plain reqwest client.
#![allow(dead_code)]

use base64::Engine as _;
use serde_json::{json, Value};
use uspacy_mock::{MockConfig, MockServer};

/// Starts a mock with a small data set so tests stay fast.
pub async fn start_small() -> MockServer {
    MockServer::start(MockConfig {
        deals: 200,
        ..MockConfig::default()
    })
    .await
    .expect("mock server starts")
}

/// Returns a client without connection reuse surprises between tests.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest client builds")
}

/// Signs in as the main demo user and returns the access token.
pub async fn sign_in(server: &MockServer, http: &reqwest::Client) -> String {
    let credentials = server.credentials();
    let response = http
        .post(format!("{}/auth/v1/auth/sign_in", server.base_url()))
        .json(&json!({"email": credentials.email, "password": credentials.password}))
        .send()
        .await
        .expect("sign-in request");
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.expect("sign-in JSON");
    body["jwt"].as_str().expect("jwt string").to_string()
}

/// Sends an authenticated request and returns status and JSON body
/// (`Value::Null` for an empty body).
pub async fn call(
    http: &reqwest::Client,
    token: &str,
    method: reqwest::Method,
    url: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = http.request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request is sent");
    let status = response.status().as_u16();
    let bytes = response.bytes().await.expect("body is read");
    let value = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "body of {url} is not JSON ({e}): {}",
                String::from_utf8_lossy(&bytes)
            )
        })
    };
    (status, value)
}

/// Decodes the claims of a JWT without checking its signature.
pub fn jwt_claims(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("JWT has three parts");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .expect("claims are base64url");
    serde_json::from_slice(&bytes).expect("claims are JSON")
}

/// Boundary of the bodies `form_body` builds.
pub const FORM_BOUNDARY: &str = "mock-test-boundary-7f3a";

/// Builds a `multipart/form-data` body: text fields, then files as
/// `(field, filename, bytes)`. Returns the content type and the body.
pub fn form_body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{FORM_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (field, filename, data) in files {
        body.extend_from_slice(
            format!(
                "--{FORM_BOUNDARY}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{FORM_BOUNDARY}--\r\n").as_bytes());
    (
        format!("multipart/form-data; boundary={FORM_BOUNDARY}"),
        body,
    )
}
