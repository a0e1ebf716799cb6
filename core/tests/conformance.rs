//! Replays the cross-language conformance cases of tests/conformance/
//! through the generic `Client::call`. The format is described in
//! tests/conformance/README.md; every binding replays the same files.

mod common;

use std::time::Duration;

use futures::future::join_all;
use futures::TryStreamExt;
use serde_json::{json, Map, Value};
use uspacy::{Body, Client, Credentials, Error, FilePart, Multipart, RetryPolicy, Timeouts};
use uspacy_mock::{MockConfig, MockServer};

const CASES: &[(&str, &str)] = &[
    (
        "auth.json",
        include_str!("../../tests/conformance/auth.json"),
    ),
    (
        "decoding.json",
        include_str!("../../tests/conformance/decoding.json"),
    ),
    (
        "errors.json",
        include_str!("../../tests/conformance/errors.json"),
    ),
    (
        "paging.json",
        include_str!("../../tests/conformance/paging.json"),
    ),
    (
        "query.json",
        include_str!("../../tests/conformance/query.json"),
    ),
    (
        "retries.json",
        include_str!("../../tests/conformance/retries.json"),
    ),
    (
        "uploads.json",
        include_str!("../../tests/conformance/uploads.json"),
    ),
];

fn millis(value: Option<&Value>, default: u64) -> Duration {
    Duration::from_millis(value.and_then(Value::as_u64).unwrap_or(default))
}

fn build_client(mock: &MockServer, spec: &Value) -> Client {
    let retry = spec.get("retry").cloned().unwrap_or(Value::Null);
    let policy = RetryPolicy {
        max_attempts: retry
            .get("max_attempts")
            .and_then(Value::as_u64)
            .unwrap_or(4) as u32,
        initial_backoff: millis(retry.get("initial_backoff_ms"), 10),
        max_backoff: millis(retry.get("max_backoff_ms"), 50),
        max_retry_after: millis(retry.get("max_retry_after_ms"), 5000),
        max_elapsed: millis(retry.get("max_elapsed_ms"), 20000),
    };
    let timeouts = Timeouts {
        request: millis(spec.get("request_timeout_ms"), 30000),
        ..Timeouts::default()
    };
    let demo = mock.credentials();
    let credentials = match spec
        .get("credentials")
        .and_then(Value::as_str)
        .unwrap_or("password")
    {
        "password" => Some(Credentials::password(demo.email, demo.password)),
        "wrong_password" => Some(Credentials::password(demo.email, "not the password")),
        "app" => Some(Credentials::app(demo.client_id, demo.client_secret)),
        "tokens" => {
            let issued = mock.issue_tokens(3600);
            Some(Credentials::tokens(
                issued.access_token,
                Some(issued.refresh_token),
            ))
        }
        "expired_tokens" => {
            let issued = mock.issue_tokens(-10);
            Some(Credentials::tokens(
                issued.access_token,
                Some(issued.refresh_token),
            ))
        }
        "access_token_only" => Some(Credentials::tokens(
            mock.issue_tokens(-10).access_token,
            None,
        )),
        "webhook" => Some(Credentials::webhook(demo.webhook_url)),
        "none" => None,
        other => panic!("unknown credentials kind `{other}`"),
    };
    let mut builder = Client::builder()
        .base_url(mock.base_url())
        .retry(policy)
        .timeouts(timeouts);
    if let Some(credentials) = credentials {
        builder = builder.credentials(credentials);
    }
    builder.build().expect("client builds")
}

fn multipart(call: &Value) -> Option<Multipart> {
    let files = call.get("files")?.as_array()?;
    let fields = call
        .get("fields")
        .and_then(Value::as_object)
        .map(|fields| {
            fields
                .iter()
                .map(|(name, value)| (name.clone(), value.as_str().unwrap_or_default().to_owned()))
                .collect()
        })
        .unwrap_or_default();
    let files = files
        .iter()
        .map(|file| FilePart {
            field: String::new(),
            filename: file["name"].as_str().unwrap().to_owned(),
            content_type: None,
            content: file["text"].as_str().unwrap().as_bytes().to_vec().into(),
        })
        .collect();
    Some(Multipart { fields, files })
}

async fn make_call(client: &Client, call: &Value) -> Result<Value, Error> {
    let op = call["op"].as_str().expect("call.op");
    let path = call.get("path").cloned().unwrap_or(Value::Null);
    let query = call.get("query").cloned().unwrap_or(Value::Null);
    if call
        .get("paginate")
        .and_then(Value::as_bool)
        .unwrap_or(false)
    {
        let items: Vec<Value> = client.paginate(op, path, query)?.try_collect().await?;
        return Ok(Value::Array(items));
    }
    let body = match (multipart(call), call.get("body")) {
        (Some(multipart), _) => Body::Multipart(multipart),
        (None, Some(body)) => Body::Json(body.clone()),
        (None, None) => Body::None,
    };
    client.call(op, &path, &query, body).await
}

/// `NotFound` -> `not_found`.
fn kind_name(error: &Error) -> String {
    let mut out = String::new();
    for (index, ch) in format!("{:?}", error.kind()).chars().enumerate() {
        if ch.is_ascii_uppercase() && index > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

fn subset(expected: &Value, actual: &Value) -> bool {
    match (expected, actual) {
        (Value::Object(expected), Value::Object(actual)) => expected
            .iter()
            .all(|(key, value)| actual.get(key).is_some_and(|actual| subset(value, actual))),
        (Value::Array(expected), Value::Array(actual)) => {
            expected.len() == actual.len() && expected.iter().zip(actual).all(|(e, a)| subset(e, a))
        }
        (Value::Number(expected), Value::Number(actual)) => expected.as_f64() == actual.as_f64(),
        _ => expected == actual,
    }
}

fn check_result(
    expect: &Map<String, Value>,
    result: &Result<Value, Error>,
    problems: &mut Vec<String>,
) {
    match (result, expect.get("error")) {
        (Ok(value), None) => {
            if let Some(expected) = expect.get("ok") {
                if expected != &Value::Bool(true) && !subset(expected, value) {
                    problems.push(format!("value {value} does not match {expected}"));
                }
            }
            if let Some(count) = expect.get("items").and_then(Value::as_u64) {
                let actual = value.as_array().map_or(0, Vec::len) as u64;
                if actual != count {
                    problems.push(format!("{actual} items, expected {count}"));
                }
            }
        }
        (Ok(value), Some(_)) => problems.push(format!("succeeded with {value}, expected an error")),
        (Err(error), None) => problems.push(format!("failed with {error}, expected success")),
        (Err(error), Some(expected)) => {
            let kind = kind_name(error);
            if expected["kind"].as_str() != Some(kind.as_str()) {
                problems.push(format!(
                    "error kind {kind} ({error}), expected {}",
                    expected["kind"]
                ));
            }
            if let Some(status) = expected.get("status").and_then(Value::as_u64) {
                if error.status().map(u64::from) != Some(status) {
                    problems.push(format!("status {:?}, expected {status}", error.status()));
                }
            }
            for field in expected
                .get("field_errors")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !error
                    .field_errors()
                    .contains_key(field.as_str().unwrap_or_default())
                {
                    problems.push(format!(
                        "no field error for {field}: {:?}",
                        error.field_errors()
                    ));
                }
            }
            if let Some(seconds) = expected.get("retry_after_s").and_then(Value::as_f64) {
                if error.retry_after().map(|wait| wait.as_secs_f64()) != Some(seconds) {
                    problems.push(format!(
                        "retry_after {:?}, expected {seconds} s",
                        error.retry_after()
                    ));
                }
            }
        }
    }
}

fn check_requests(mock: &MockServer, expect: &Map<String, Value>, problems: &mut Vec<String>) {
    let recorded = mock.requests();
    if let Some(expected) = expect.get("request") {
        let last = recorded
            .iter()
            .rev()
            .find(|request| !request.path.starts_with("/auth/"));
        match last {
            None => problems.push("no request was recorded".to_owned()),
            Some(request) => {
                let key = mock.credentials().webhook_key;
                let path = expected["path"]
                    .as_str()
                    .unwrap_or_default()
                    .replace("{webhook_key}", &key);
                if expected["method"].as_str() != Some(request.method.as_str())
                    || path != request.path
                {
                    problems.push(format!(
                        "request {} {}, expected {} {path}",
                        request.method, request.path, expected["method"]
                    ));
                }
                if let Some(query) = expected.get("query") {
                    if query.as_str() != request.query.as_deref() {
                        problems.push(format!("query {:?}, expected {query}", request.query));
                    }
                }
                if let Some(json) = expected.get("json") {
                    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
                    if &body != json {
                        problems.push(format!("body {body}, expected {json}"));
                    }
                }
                let text = String::from_utf8_lossy(&request.body);
                for needle in expected
                    .get("contains")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if !text.contains(needle.as_str().unwrap_or_default()) {
                        problems.push(format!("body lacks {needle}"));
                    }
                }
                for header in expected
                    .get("no_header")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    if request
                        .header(header.as_str().unwrap_or_default())
                        .is_some()
                    {
                        problems.push(format!("header {header} was sent"));
                    }
                }
            }
        }
    }
    for (route, count) in expect
        .get("count")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let actual = if route == "*" {
            recorded.len()
        } else {
            let (method, path) = route
                .split_once(' ')
                .expect("count keys are `METHOD /path`");
            mock.count(method, path)
        };
        if Some(actual as u64) != count.as_u64() {
            problems.push(format!("{route} seen {actual} times, expected {count}"));
        }
    }
}

async fn run_case(case: &Value) -> Vec<String> {
    let mock = MockServer::start(MockConfig {
        deals: 120,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts");
    let client_spec = case.get("client").cloned().unwrap_or(json!({}));
    let client = build_client(&mock, &client_spec);
    let credentials = client_spec
        .get("credentials")
        .and_then(Value::as_str)
        .unwrap_or("password");
    if matches!(credentials, "password" | "app" | "wrong_password") {
        let _ = client.authenticate().await;
    }

    let http = reqwest::Client::new();
    if let Some(faults) = case.get("faults") {
        let response = http
            .post(format!("{}/__mock/faults", mock.base_url()))
            .json(faults)
            .send()
            .await
            .expect("faults are accepted");
        assert!(
            response.status().is_success(),
            "{}: faults rejected: {}",
            case["name"],
            response.text().await.unwrap_or_default()
        );
    }
    mock.clear_requests();

    let call = &case["call"];
    let concurrency = call.get("concurrency").and_then(Value::as_u64).unwrap_or(1) as usize;
    let results = join_all((0..concurrency).map(|_| make_call(&client, call))).await;

    let expect = case["expect"].as_object().expect("expect is an object");
    let mut problems = Vec::new();
    for result in &results {
        check_result(expect, result, &mut problems);
    }
    check_requests(&mock, expect, &mut problems);
    problems
}

#[tokio::test]
async fn conformance_cases() {
    let mut failures = Vec::new();
    let mut total = 0;
    for (file, text) in CASES {
        let cases: Vec<Value> =
            serde_json::from_str(text).unwrap_or_else(|error| panic!("{file}: {error}"));
        for case in &cases {
            total += 1;
            let problems = run_case(case).await;
            if !problems.is_empty() {
                failures.push(format!("{file} {}: {}", case["name"], problems.join("; ")));
            }
        }
    }
    assert!(total >= 40, "only {total} cases");
    assert!(
        failures.is_empty(),
        "{} of {total} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_case_file_is_listed() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/conformance");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json"))
        .collect();
    files.sort();
    let listed: Vec<&str> = CASES.iter().map(|(name, _)| *name).collect();
    assert_eq!(files, listed);
}
