//! Files service over HTTP: multipart uploads with Cyrillic names, listing,
//! updates, deletion, totals and downloads.

mod common;

use common::{call, client, sign_in, start_small};
use reqwest::Method;
use serde_json::{json, Value};

const BOUNDARY: &str = "mock-test-boundary-7MA4YWxkTrZu0gW";

/// Builds a multipart body by hand so the file name is sent as raw UTF-8
/// bytes, the way browsers send it.
fn multipart_body(fields: &[(&str, &str)], files: &[(&str, &str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (part, filename, data) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{part}\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn upload(http: &reqwest::Client, base: &str, token: &str, body: Vec<u8>) -> (u16, Value) {
    let response = http
        .post(format!("{base}/files/v1/files"))
        .bearer_auth(token)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn cyrillic_filename_round_trip() {
    let server = start_small().await;
    let http = client();
    let token = sign_in(&server, &http).await;
    let base = server.base_url();
    let name = "Договір №5.pdf";
    let content: &[u8] = b"%PDF-1.7 \x00\xff binary";
    let body = multipart_body(
        &[("entityType", "deals"), ("entityId", "42")],
        &[
            ("files[]", name, content),
            ("files[]", "Акт звірки.txt", b"hello"),
        ],
    );
    let (status, uploaded) = upload(&http, &base, &token, body.clone()).await;
    assert_eq!(status, 200);
    let files = uploaded["data"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    let file = &files[0];
    assert_eq!(
        file["originalFilename"].as_str().unwrap().as_bytes(),
        name.as_bytes()
    );
    assert_eq!(file["entityType"], "deals");
    assert_eq!(file["entityId"], 42);
    assert_eq!(file["size"], content.len());
    assert_eq!(file["creatorId"], 1);
    assert_eq!(file["uploadId"], files[1]["uploadId"]);
    assert!(file["lastModified"].as_i64().unwrap() > 0);
    for key in ["width", "height"] {
        assert!(file.get(key).is_some(), "File has no {key} key");
    }

    // The request body reached the server byte for byte.
    let recorded = server
        .requests()
        .into_iter()
        .find(|r| r.path == "/files/v1/files")
        .unwrap();
    assert_eq!(recorded.body.as_ref(), body.as_slice());

    // The url serves the stored bytes without auth.
    let download = http
        .get(file["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    let disposition = download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_string();
    assert!(disposition.contains("UTF-8''"));
    assert_eq!(download.bytes().await.unwrap().as_ref(), content);

    let id = file["id"].as_i64().unwrap();
    let (status, got) = call(
        &http,
        &token,
        Method::GET,
        &format!("{base}/files/v1/files/{id}"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(got["originalFilename"], name);
}

#[tokio::test]
async fn indexed_part_names_accepted() {
    let server = start_small().await;
    let http = client();
    let token = sign_in(&server, &http).await;
    let body = multipart_body(
        &[("entityType", "task"), ("entityId", "7")],
        &[("files[0]", "a.txt", b"a"), ("files[1]", "b.txt", b"bb")],
    );
    let (status, uploaded) = upload(&http, &server.base_url(), &token, body).await;
    assert_eq!(status, 200);
    assert_eq!(uploaded["data"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn upload_validates_parts() {
    let server = start_small().await;
    let http = client();
    let token = sign_in(&server, &http).await;
    let base = server.base_url();

    let (status, body) = upload(
        &http,
        &base,
        &token,
        multipart_body(&[("entityType", "deals")], &[]),
    )
    .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["files"].is_array());
    assert!(body["errors"]["entityId"].is_array());

    let (status, _) = upload(&http, &base, &token, b"--nonsense".to_vec()).await;
    assert_eq!(status, 422);

    let (status, _) = call(
        &http,
        &token,
        Method::POST,
        &format!("{base}/files/v1/files"),
        Some(json!({"files": []})),
    )
    .await;
    assert_eq!(status, 422);

    let anonymous = http
        .post(format!("{base}/files/v1/files"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn list_update_delete_and_totals() {
    let server = start_small().await;
    let http = client();
    let token = sign_in(&server, &http).await;
    let base = server.base_url();
    for (entity_id, name) in [("1", "one.txt"), ("1", "two.txt"), ("2", "three.txt")] {
        let body = multipart_body(
            &[("entityType", "deals"), ("entityId", entity_id)],
            &[("files[]", name, b"12345")],
        );
        let (status, _) = upload(&http, &base, &token, body).await;
        assert_eq!(status, 200);
    }

    let (status, listed) = call(
        &http,
        &token,
        Method::GET,
        &format!("{base}/files/v1/files?entityType=deals&entityId=1"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(listed["meta"]["total"], 2);
    assert_eq!(listed["data"].as_array().unwrap().len(), 2);

    let (_, totals) = call(
        &http,
        &token,
        Method::GET,
        &format!("{base}/files/v1/totals/size"),
        None,
    )
    .await;
    assert_eq!(totals["data"]["size"], 15);
    assert!(totals["data"]["limit"].as_u64().unwrap() > 15);

    let first = listed["data"][0]["id"].as_i64().unwrap();
    let (status, patched) = call(
        &http,
        &token,
        Method::PATCH,
        &format!("{base}/files/v1/files/{first}"),
        Some(json!({"entity_id": 9})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(patched["entityId"], 9);

    let (status, moved) = call(
        &http,
        &token,
        Method::PATCH,
        &format!("{base}/files/v1/files?entityType=deals&entityId=2"),
        Some(json!({"entityId": 9})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(moved["data"].as_array().unwrap().len(), 1);

    let (status, _) = call(
        &http,
        &token,
        Method::DELETE,
        &format!("{base}/files/v1/files?entityType=deals&entityId=9"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (_, listed) = call(
        &http,
        &token,
        Method::GET,
        &format!("{base}/files/v1/files"),
        None,
    )
    .await;
    assert_eq!(listed["meta"]["total"], 1);

    let last = listed["data"][0]["id"].as_i64().unwrap();
    let (status, _) = call(
        &http,
        &token,
        Method::DELETE,
        &format!("{base}/files/v1/files/{last}/"),
        None,
    )
    .await;
    assert_eq!(status, 204);
    let (status, _) = call(
        &http,
        &token,
        Method::GET,
        &format!("{base}/files/v1/files/{last}"),
        None,
    )
    .await;
    assert_eq!(status, 404);
    let (status, _) = call(
        &http,
        &token,
        Method::DELETE,
        &format!("{base}/files/v1/files"),
        None,
    )
    .await;
    assert_eq!(status, 422, "delete by entity needs both parameters");
}
