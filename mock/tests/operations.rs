//! Every operation of the core's table is routed: a request built from the
//! operation's method and path template, with path parameters that exist in
//! the demo data, gets neither 404 nor 405, nor a server error.

mod common;

use common::*;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use reqwest::Method;
use serde_json::Value;
use uspacy::{AuthMode, BodyKind, Operation, OPERATIONS};
use uspacy_mock::demo;

/// Characters a path segment must not hold raw.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'/')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}');

/// Returns a value of path parameter `name` of `op` that exists in the
/// demo data.
fn sample_param(op: &Operation, name: &str) -> String {
    let id = op.id;
    let service = |prefix: &str| id.starts_with(prefix);
    let value = match name {
        "entity_code" if id.starts_with("crm.funnels.delete") => demo::CUSTOM_ENTITY,
        "entity_code" if id == "crm.kanban_stages.delete" => demo::CUSTOM_ENTITY,
        "entity_code" => "deals",
        "field_code" if service("custom_fields") => "customfield_2",
        "field_code" => demo::DEAL_CHANNEL_FIELD,
        "value" if service("custom_fields") => "чай з лимоном",
        "value" => "expo",
        "funnel_id" if id == "crm.funnels.delete" => "5",
        "funnel_id" => "1",
        "stage_id" if id == "crm.kanban_stages.delete" => "21",
        "stage_id" => "2",
        "reason_id" => "14",
        "item_id" if service("crm.kanban_stages") => "1",
        "item_id" if service("crm.product_categories") => "2",
        "item_id" => "1",
        "user_id" if service("invites") => "13",
        "user_id" if service("groups.join_requests") => "5",
        "user_id" => "2",
        "group_id" => "2",
        "task_id" | "call_event_id" | "product_id" | "document_id" | "requisite_id"
        | "bank_requisite_id" | "email_id" | "signature_id" | "letter_id" | "app_id" => "1",
        "template_id" | "unit_id" | "tax_id" => "2",
        "folder_id" => "1",
        "chat_id" => demo::GENERAL_CHAT_ID,
        "service" => "crm",
        "entity_table_name" => "deals",
        "id" if service("messenger.chats") => demo::SALES_CHAT_ID,
        "id" if service("messenger.messages") => demo::FIRST_MESSAGE_ID,
        "id" if service("messenger.external_lines") => demo::EXTERNAL_LINE_ID,
        "id" if service("tasks.stages") => "2",
        "id" if service("departments") => "4",
        "id" if service("roles") => "4",
        "id" if service("users") => "5",
        "id" => "1",
        other => panic!("no sample for path parameter `{other}` of {id}"),
    };
    value.to_string()
}

fn sample_path(op: &Operation) -> String {
    op.path
        .split('/')
        .map(
            |segment| match segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(name) => utf8_percent_encode(&sample_param(op, name), SEGMENT).to_string(),
                None => segment.to_string(),
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

/// Uploads one file, which gets id 1 on a fresh portal.
async fn upload_demo_file(server: &uspacy_mock::MockServer, http: &reqwest::Client) {
    let token = sign_in(server, http).await;
    let (content_type, body) = form_body(
        &[("entityType", "deals"), ("entityId", "1")],
        &[("files[]", "Договір.pdf", b"%PDF-1.4")],
    );
    let response = http
        .post(format!("{}/files/v1/files", server.base_url()))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload is sent");
    assert_eq!(response.status(), 200);
}

fn method_of(op: &Operation) -> Method {
    Method::from_bytes(op.method.as_str().as_bytes()).expect("HTTP method")
}

#[tokio::test]
async fn every_operation_answers() {
    let http = client();
    let mut failures = Vec::new();
    let shared = start_small().await;
    for op in OPERATIONS {
        // Reads share one portal; every change gets a fresh one, so a delete
        // cannot hide a later route.
        let server = if op.method == uspacy::Method::Get {
            shared.clone()
        } else {
            start_small().await
        };
        let base = server.base_url();
        if op.id.starts_with("files.") && op.path.contains("{id}") {
            upload_demo_file(&server, &http).await;
        }
        let url = format!("{base}{}", sample_path(op));
        let mut request = http.request(method_of(op), &url);
        request = match op.auth {
            AuthMode::Session => request.bearer_auth(sign_in(&server, &http).await),
            AuthMode::RefreshToken => request.bearer_auth(server.issue_tokens(3600).refresh_token),
            AuthMode::None => request,
        };
        request = match op.body {
            BodyKind::Json => request.json(&serde_json::json!({})),
            BodyKind::Multipart => {
                let (content_type, body) =
                    form_body(&[], &[(op.file_field, "sample.csv", b"a,b\n1,2\n")]);
                request.header("content-type", content_type).body(body)
            }
            BodyKind::None => request,
        };
        let response = request.send().await.expect("request is sent");
        let status = response.status().as_u16();
        let text = response.text().await.unwrap_or_default();
        if matches!(status, 404 | 405) || status >= 500 {
            failures.push(format!("{} {} {url} -> {status} {text}", op.id, op.method));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[tokio::test]
async fn operations_control_route_lists_the_table() {
    let server = start_small().await;
    let listed: Value = client()
        .get(format!("{}/__mock/operations", server.base_url()))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let listed = listed.as_array().unwrap();
    assert_eq!(listed.len(), OPERATIONS.len());
    assert!(listed.iter().all(|op| op["handler"] != "unassigned"));
    let shaped: Vec<&str> = listed
        .iter()
        .filter(|op| op["handler"] == "schema-shaped")
        .map(|op| op["op_id"].as_str().unwrap())
        .collect();
    assert!(shaped.contains(&"messenger.telephony.start_call"));
    assert!(!shaped.contains(&"crm.items.list"));
}

#[tokio::test]
async fn trailing_slash_reaches_the_same_route() {
    let server = start_small().await;
    let http = client();
    let token = sign_in(&server, &http).await;
    let base = server.base_url();
    for path in [
        "/tasks/v1/tasks/1",
        "/company/v1/users/me",
        "/messenger/v1/external-lines",
    ] {
        let (plain, plain_body) =
            call(&http, &token, Method::GET, &format!("{base}{path}"), None).await;
        let (slashed, slashed_body) =
            call(&http, &token, Method::GET, &format!("{base}{path}/"), None).await;
        assert_eq!(plain, 200, "{path}");
        assert_eq!(slashed, 200, "{path}/");
        assert_eq!(plain_body, slashed_body, "{path}");
    }
}

#[tokio::test]
async fn unknown_path_and_wrong_method() {
    let server = start_small().await;
    let http = client();
    let token = sign_in(&server, &http).await;
    let base = server.base_url();
    let (status, body) = call(
        &http,
        &token,
        Method::GET,
        &format!("{base}/tasks/v2/tasks"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    assert!(body["message"]
        .as_str()
        .unwrap()
        .contains("could not be found"));

    let response = http
        .put(format!(
            "{base}/messenger/v1/chats/{}",
            demo::GENERAL_CHAT_ID
        ))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 405);
    let allow = response.headers()["allow"].to_str().unwrap().to_string();
    assert!(allow.contains("GET"), "{allow}");
    assert!(allow.contains("DELETE"), "{allow}");
}

#[tokio::test]
async fn session_operations_need_a_token() {
    let server = start_small().await;
    let response = client()
        .get(format!("{}/tasks/v1/tasks", server.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
}

#[tokio::test]
async fn start_up_with_5000_deals_is_fast() {
    let started = std::time::Instant::now();
    let server = uspacy_mock::MockServer::start(uspacy_mock::MockConfig::default())
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert!(server.item("deals", 5000).is_some());
    // Debug builds on a loaded 2-core machine measured about 0.2 s.
    assert!(elapsed.as_millis() < 1000, "start-up took {elapsed:?}");
}
