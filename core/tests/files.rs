//! Multipart uploads and file records.

mod common;

use common::*;
use serde_json::json;
use uspacy::models::crm::Item;
use uspacy::Multipart;

#[tokio::test]
async fn cyrillic_filename_round_trip() {
    let mock = mock().await;
    let client = password_client(&mock);
    let deal = client
        .crm()
        .items()
        .create("deals", &Item::titled("Договірна угода"))
        .await
        .unwrap();
    let entity_id = deal.id.unwrap().to_string();

    let uploaded = client
        .files()
        .upload(
            Multipart::default()
                .text("entityType", "deals")
                .text("entityId", entity_id.clone())
                .attach("Договір №5.pdf", b"%PDF-1.4 test".to_vec()),
        )
        .await
        .unwrap();

    assert_eq!(uploaded.len(), 1);
    assert_eq!(
        uploaded[0].original_filename.as_deref(),
        Some("Договір №5.pdf")
    );
    assert_eq!(uploaded[0].size, Some(13));

    let request = recorded(&mock, "POST", "/files/v1/files").pop().unwrap();
    let content_type = request.header("content-type").unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&request.body);
    assert!(
        body.contains("name=\"files[]\"; filename=\"Договір №5.pdf\""),
        "raw UTF-8 name"
    );
    assert!(body.contains("name=\"entityType\"\r\n\r\ndeals\r\n"));

    let fetched = client.files().get(uploaded[0].id.unwrap()).await.unwrap();
    assert_eq!(fetched.original_filename.as_deref(), Some("Договір №5.pdf"));

    let listed = client
        .files()
        .list(&json!({"entityType": "deals", "entityId": entity_id}))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
}

#[tokio::test]
async fn several_files_and_delete() {
    let mock = mock().await;
    let client = password_client(&mock);
    let files = Multipart::default()
        .text("entityType", "deals")
        .text("entityId", "7")
        .attach("рахунок \"1\".txt", b"one".to_vec())
        .attach("акт.txt", b"two".to_vec());
    let uploaded = client.files().upload(files).await.unwrap();
    assert_eq!(uploaded.len(), 2);
    assert_eq!(uploaded[1].original_filename.as_deref(), Some("акт.txt"));

    client
        .files()
        .delete(uploaded[0].id.unwrap())
        .await
        .unwrap();
    let entity = json!({"entityType": "deals", "entityId": "7"});
    let left = client.files().list(&entity).await.unwrap();
    assert_eq!(left.items.len(), 1);

    client.files().delete_by_entity(&entity).await.unwrap();
    assert!(client.files().list(&entity).await.unwrap().items.is_empty());

    let totals = client.files().totals().get_size().await.unwrap();
    assert!(totals.limit.is_some());
}

#[tokio::test]
async fn upload_without_file_rejected() {
    let mock = mock().await;
    let client = password_client(&mock);
    let error = client
        .files()
        .upload(Multipart::default().text("entityType", "deals"))
        .await
        .unwrap_err();
    assert_eq!(error.kind(), uspacy::ErrorKind::Validation);
    assert!(
        error.field_errors().contains_key("files"),
        "{:?}",
        error.field_errors()
    );
}
