//! Fault injection (queued, per-request header and HTTP control routes),
//! request recording, CORS, and the server start modes.

mod common;

use std::time::{Duration, Instant};

use common::{client, start_small};
use serde_json::{json, Value};
use uspacy_mock::{Fault, FaultKind, MockConfig, MockServer};

const DEALS: &str = "/crm/v1/entities/deals";

struct Setup {
    server: MockServer,
    http: reqwest::Client,
    token: String,
}

impl Setup {
    async fn new() -> Setup {
        let server = start_small().await;
        let token = server.issue_tokens(600).access_token;
        Setup {
            server,
            http: client(),
            token,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base_url(), path)
    }

    async fn get(&self, path: &str) -> Result<reqwest::Response, reqwest::Error> {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.token)
            .send()
            .await
    }

    async fn get_with_fault(
        &self,
        path: &str,
        fault: &str,
    ) -> Result<reqwest::Response, reqwest::Error> {
        self.http
            .get(self.url(path))
            .bearer_auth(&self.token)
            .header("x-mock-fault", fault)
            .send()
            .await
    }
}

#[tokio::test]
async fn status_fault_has_api_shape() {
    let s = Setup::new().await;
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).status(503));
    let response = s.get(DEALS).await.unwrap();
    assert_eq!(response.status(), 503);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({"status": 503, "error": "Service Unavailable"}));
    assert_eq!(
        s.get(DEALS).await.unwrap().status(),
        200,
        "times(1) is used up"
    );

    s.server.inject(
        Fault::on("POST /auth/v1/auth/refresh_token")
            .times(1)
            .status(500),
    );
    let refresh = s
        .http
        .post(s.url("/auth/v1/auth/refresh_token"))
        .send()
        .await
        .unwrap();
    assert_eq!(refresh.status(), 500);
    let body: Value = refresh.json().await.unwrap();
    assert_eq!(body["status"], false);
}

#[tokio::test]
async fn counted_faults_consumed_in_order() {
    let s = Setup::new().await;
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(2).status(502));
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).status(504));
    let statuses = [
        s.get(DEALS).await.unwrap().status().as_u16(),
        s.get(DEALS).await.unwrap().status().as_u16(),
        s.get(DEALS).await.unwrap().status().as_u16(),
        s.get(DEALS).await.unwrap().status().as_u16(),
    ];
    assert_eq!(statuses, [502, 502, 504, 200]);
    assert!(s.server.faults().is_empty());
}

#[tokio::test]
async fn unlimited_fault_until_cleared() {
    let s = Setup::new().await;
    s.server.inject(Fault::on("GET /crm/*").status(500));
    for _ in 0..3 {
        assert_eq!(
            s.get("/crm/v1/entities/leads/").await.unwrap().status(),
            500
        );
    }
    assert_eq!(
        s.get("/files/v1/files").await.unwrap().status(),
        200,
        "prefix limits the fault"
    );
    s.server.clear_faults();
    assert_eq!(s.get(DEALS).await.unwrap().status(), 200);

    s.server.inject(Fault::on("*").times(1).status(418));
    assert_eq!(s.get("/files/v1/totals/size").await.unwrap().status(), 418);
}

#[tokio::test]
async fn canned_responses_script_pages() {
    let s = Setup::new().await;
    let json_type = vec![("content-type".to_string(), "application/json".to_string())];
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).respond(
            200,
            json_type.clone(),
            r#"{"data":[{"id":1}],"meta":{"current_page":1,"last_page":2}}"#,
        ));
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).respond(
            200,
            json_type,
            r#"{"data":[{"id":2}],"meta":{"current_page":2,"last_page":2}}"#,
        ));
    let first: Value = s.get(DEALS).await.unwrap().json().await.unwrap();
    let second: Value = s.get(DEALS).await.unwrap().json().await.unwrap();
    assert_eq!(first["data"][0]["id"], 1);
    assert_eq!(second["meta"]["current_page"], 2);
    let real: Value = s.get(DEALS).await.unwrap().json().await.unwrap();
    assert_eq!(real["meta"]["total"], 200);
}

#[tokio::test]
async fn latency_delays_then_answers() {
    let s = Setup::new().await;
    s.server.inject(
        Fault::on(format!("GET {DEALS}"))
            .times(1)
            .latency(Duration::from_millis(300)),
    );
    let started = Instant::now();
    let response = s.get(DEALS).await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(response.status(), 200);

    let started = Instant::now();
    let response = s.get_with_fault(DEALS, "latency=200ms").await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn rate_limit_sets_retry_after() {
    let s = Setup::new().await;
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).rate_limited("1"));
    let date = "Wed, 21 Oct 2015 07:28:00 GMT";
    s.server.inject(
        Fault::on(format!("GET {DEALS}"))
            .times(1)
            .rate_limited(date),
    );
    let first = s.get(DEALS).await.unwrap();
    assert_eq!(first.status(), 429);
    assert_eq!(first.headers()["retry-after"], "1");
    let second = s.get(DEALS).await.unwrap();
    assert_eq!(second.headers()["retry-after"], date);

    let header = s.get_with_fault(DEALS, "retry-after=2").await.unwrap();
    assert_eq!(header.status(), 429);
    assert_eq!(header.headers()["retry-after"], "2");
}

#[tokio::test]
async fn drop_connection_is_transport_error() {
    let s = Setup::new().await;
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).drop_connection());
    let error = s.get(DEALS).await.expect_err("no HTTP response");
    assert!(
        error.status().is_none(),
        "a dropped connection has no status: {error:?}"
    );
    assert!(
        error.is_request() || error.is_connect(),
        "unexpected error kind: {error:?}"
    );
    assert_eq!(
        s.server.count("GET", DEALS),
        1,
        "the dropped request is still recorded"
    );
    assert_eq!(s.get(DEALS).await.unwrap().status(), 200);

    let error = s
        .get_with_fault(DEALS, "drop")
        .await
        .expect_err("no HTTP response");
    assert!(error.status().is_none());
}

#[tokio::test]
async fn broken_bodies() {
    let s = Setup::new().await;
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).empty_body());
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).malformed_json());
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).html_error(502));

    let empty = s.get(DEALS).await.unwrap();
    assert_eq!(empty.status(), 200);
    assert!(empty.bytes().await.unwrap().is_empty());

    let malformed = s.get(DEALS).await.unwrap();
    assert_eq!(malformed.status(), 200);
    assert!(malformed.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    assert!(malformed.json::<Value>().await.is_err());

    let html = s.get(DEALS).await.unwrap();
    assert_eq!(html.status(), 502);
    assert!(html.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(html.text().await.unwrap().contains("502 Bad Gateway"));

    for (header, status) in [
        ("empty", 200),
        ("malformed", 200),
        ("html=504", 504),
        ("status=503", 503),
    ] {
        let response = s.get_with_fault(DEALS, header).await.unwrap();
        assert_eq!(response.status(), status, "x-mock-fault: {header}");
    }
}

#[tokio::test]
async fn expired_token_fault() {
    let s = Setup::new().await;
    s.server
        .inject(Fault::on(format!("GET {DEALS}")).times(1).expired_token());
    let response = s.get(DEALS).await.unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"message": "Unauthenticated."})
    );
    assert_eq!(s.get(DEALS).await.unwrap().status(), 200);
}

#[tokio::test]
async fn invalid_fault_header_rejected() {
    let s = Setup::new().await;
    let response = s.get_with_fault(DEALS, "explode").await.unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("x-mock-fault"));
}

#[tokio::test]
async fn cors_on_every_response() {
    let s = Setup::new().await;
    let plain = s.get(DEALS).await.unwrap();
    assert_eq!(plain.headers()["access-control-allow-origin"], "*");
    let exposed = plain.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap();
    assert!(exposed.contains("Retry-After"));

    let with_origin = s
        .http
        .get(s.url("/crm/v1/nothing"))
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(with_origin.status(), 404);
    assert_eq!(
        with_origin.headers()["access-control-allow-origin"],
        "http://localhost:5173"
    );

    let preflight = s
        .http
        .request(reqwest::Method::OPTIONS, s.url(DEALS))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "content-type, x-trace-id")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    let headers = preflight.headers();
    assert_eq!(
        headers["access-control-allow-origin"],
        "http://localhost:5173"
    );
    let methods = headers["access-control-allow-methods"].to_str().unwrap();
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        assert!(methods.contains(method), "{method} missing from {methods}");
    }
    let allowed = headers["access-control-allow-headers"].to_str().unwrap();
    for name in [
        "authorization",
        "content-type",
        "accept",
        "x-mock-fault",
        "x-trace-id",
    ] {
        assert!(allowed.contains(name), "{name} missing from {allowed}");
    }

    let fault_response = s.get_with_fault(DEALS, "status=500").await.unwrap();
    assert_eq!(fault_response.headers()["access-control-allow-origin"], "*");
}

#[tokio::test]
async fn no_cors_fault_strips_headers() {
    let s = Setup::new().await;
    s.server.inject(Fault::on(format!("GET {DEALS}")).no_cors());
    let preflight = s
        .http
        .request(reqwest::Method::OPTIONS, s.url(DEALS))
        .header("origin", "http://localhost:5173")
        .header("access-control-request-method", "GET")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), 204);
    assert!(preflight
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));

    let response = s
        .http
        .get(s.url(DEALS))
        .bearer_auth(&s.token)
        .header("origin", "http://localhost:5173")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response
        .headers()
        .keys()
        .all(|k| !k.as_str().starts_with("access-control-")));

    let other = s.get("/crm/v1/entities/leads").await.unwrap();
    assert!(other.headers().contains_key("access-control-allow-origin"));
}

#[tokio::test]
async fn requests_recorded_raw() {
    let s = Setup::new().await;
    s.server.clear_requests();
    let path = "/crm/v1/entities/deals/?q=%D0%A2%D0%9E%D0%92&sort_by%5Bamount%5D=desc";
    s.get(path).await.unwrap();
    s.http
        .post(s.url("/crm/v1/entities/leads"))
        .bearer_auth(&s.token)
        .header("x-trace", "abc")
        .json(&json!({"title": "Лід"}))
        .send()
        .await
        .unwrap();

    let requests = s.server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, "/crm/v1/entities/deals/");
    assert_eq!(
        requests[0].query.as_deref(),
        Some("q=%D0%A2%D0%9E%D0%92&sort_by%5Bamount%5D=desc")
    );
    assert_eq!(requests[1].header("x-trace"), Some("abc"));
    assert!(requests[1]
        .headers
        .iter()
        .all(|(name, _)| *name == name.to_lowercase()));
    let body: Value = serde_json::from_slice(&requests[1].body).unwrap();
    assert_eq!(body["title"], "Лід");

    assert_eq!(s.server.count("POST", "/crm/v1/entities/leads"), 1);
    assert_eq!(
        s.server.count("GET", "/crm/v1/entities/deals"),
        0,
        "count uses the exact raw path"
    );
    s.server.clear_requests();
    assert!(s.server.requests().is_empty());
}

#[tokio::test]
async fn control_routes_over_http() {
    let s = Setup::new().await;
    let http = &s.http;

    let added = http
        .post(s.url("/__mock/faults"))
        .json(&json!({"route": "GET /crm/v1/entities/deals", "times": 1, "kind": "status", "status": 503}))
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let listed: Value = http
        .get(s.url("/__mock/faults"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["kind"], "status");
    assert_eq!(listed[0]["times"], 1);
    assert_eq!(s.get(DEALS).await.unwrap().status(), 503);
    assert_eq!(s.get(DEALS).await.unwrap().status(), 200);

    let batch = json!([
        {"route": "GET /crm/v1/entities/deals", "times": 1, "kind": "rate_limited", "retry_after": 7},
        {"route": "GET /crm/v1/entities/deals", "times": 1, "kind": "respond", "status": 200,
         "headers": {"content-type": "application/json"}, "body": {"data": [], "meta": {"total": 0}}},
        {"route": "GET /crm/v1/entities/deals", "kind": "latency", "latency_ms": 1},
    ]);
    assert_eq!(
        http.post(s.url("/__mock/faults"))
            .json(&batch)
            .send()
            .await
            .unwrap()
            .status(),
        201
    );
    assert_eq!(
        s.server.faults()[2].kind(),
        &FaultKind::Latency(Duration::from_millis(1))
    );
    let limited = s.get(DEALS).await.unwrap();
    assert_eq!(limited.headers()["retry-after"], "7");
    let canned: Value = s.get(DEALS).await.unwrap().json().await.unwrap();
    assert_eq!(canned["meta"]["total"], 0);
    assert_eq!(
        http.delete(s.url("/__mock/faults"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert!(s.server.faults().is_empty());

    let bad = http
        .post(s.url("/__mock/faults"))
        .json(&json!({"route": "*", "kind": "teleport"}))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400);

    // Binary bodies come back as base64; control routes are never recorded.
    http.post(s.url("/crm/v1/entities/leads"))
        .bearer_auth(&s.token)
        .body(vec![0xffu8, 0x00, 0x80])
        .send()
        .await
        .unwrap();
    let recorded: Value = http
        .get(s.url("/__mock/requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let recorded = recorded.as_array().unwrap();
    assert!(recorded
        .iter()
        .all(|r| !r["path"].as_str().unwrap().starts_with("/__mock")));
    let binary = recorded.last().unwrap();
    assert_eq!(binary["body_base64"], "/wCA");
    assert_eq!(binary["body"], Value::Null);
    assert_eq!(
        http.delete(s.url("/__mock/requests"))
            .send()
            .await
            .unwrap()
            .status(),
        204
    );
    assert!(s.server.requests().is_empty());

    let tokens: Value = http
        .post(s.url("/__mock/tokens"))
        .json(&json!({"lifetime_secs": -5}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(tokens["expires_in"], -5);
    let expired = http
        .get(s.url(DEALS))
        .bearer_auth(tokens["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(expired.status(), 401);
    let refreshed = http
        .post(s.url("/auth/v1/auth/refresh_token"))
        .bearer_auth(tokens["refresh_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(refreshed.status(), 200);

    let credentials: Value = http
        .get(s.url("/__mock/credentials"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(credentials["email"], s.server.credentials().email.as_str());
    assert_eq!(
        credentials["webhook_url"],
        s.server.credentials().webhook_url.as_str()
    );

    let item: Value = http
        .get(s.url("/__mock/items/deals/5"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(Some(item), s.server.item("deals", 5));
    assert_eq!(
        http.get(s.url("/__mock/nothing"))
            .send()
            .await
            .unwrap()
            .status(),
        404
    );
    let paths: Vec<String> = s.server.requests().into_iter().map(|r| r.path).collect();
    assert_eq!(
        paths,
        [DEALS, "/auth/v1/auth/refresh_token"],
        "control calls are not recorded"
    );
}

#[tokio::test]
async fn control_routes_ignore_faults() {
    let s = Setup::new().await;
    s.server.inject(Fault::on("*").status(500));
    let response = s.http.get(s.url("/__mock/health")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["access-control-allow-origin"], "*");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn start_on_multi_thread_runtime() {
    let server = MockServer::start(MockConfig {
        deals: 10,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    assert!(server.base_url().starts_with("http://127.0.0.1:"));
    assert!(!server.base_url().ends_with('/'));
    let response = client()
        .get(format!("{}/__mock/health", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

#[test]
fn start_blocking_and_shutdown() {
    let server = MockServer::start_blocking(MockConfig {
        deals: 10,
        ..MockConfig::default()
    })
    .unwrap();
    let base = server.base_url();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let status = runtime.block_on(async {
        client()
            .get(format!("{base}/__mock/health"))
            .send()
            .await
            .unwrap()
            .status()
    });
    assert_eq!(status, 200);

    server.shutdown();
    let after = runtime.block_on(async {
        reqwest::Client::builder()
            .no_proxy()
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap()
            .get(format!("{base}/__mock/health"))
            .send()
            .await
    });
    assert!(after.is_err(), "the server still answers after shutdown");
}

#[tokio::test]
async fn ipv6_loopback_base_url() {
    let server = match MockServer::start(MockConfig {
        deals: 10,
        host: "::1".parse().unwrap(),
        ..MockConfig::default()
    })
    .await
    {
        Ok(server) => server,
        // NOTE: some containers have no IPv6 loopback; nothing to check there.
        Err(error) => {
            eprintln!("skipping: cannot bind ::1: {error}");
            return;
        }
    };
    assert!(server.base_url().starts_with("http://[::1]:"));
    let response = client()
        .get(format!("{}/__mock/health", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}
