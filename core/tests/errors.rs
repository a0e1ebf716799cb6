//! Error kinds and what errors keep from the response.

mod common;

use common::*;
use serde_json::{json, Value};
use uspacy::models::crm::Item;
use uspacy::{Body, ErrorKind, Method};
use uspacy_mock::Fault;

const DEALS: &str = "/crm/v1/entities/deals";

#[tokio::test]
async fn html_502_keeps_status_and_body() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("POST {DEALS}")).html_error(502));

    let error = client
        .crm()
        .items()
        .create("deals", &Item::titled("x"))
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Api);
    assert_eq!(error.status(), Some(502));
    assert_eq!(error.method(), Some(Method::Post));
    assert!(error.url().unwrap().ends_with(DEALS), "{:?}", error.url());
    assert!(
        String::from_utf8_lossy(error.body().unwrap()).contains("<"),
        "raw HTML kept"
    );
    assert!(error.to_string().contains("502"), "{error}");
}

#[tokio::test]
async fn validation_field_errors() {
    let mock = mock().await;
    let client = password_client(&mock);

    let error = client
        .crm()
        .items()
        .create("deals", &Item::default())
        .await
        .unwrap_err();

    assert_eq!(error.kind(), ErrorKind::Validation);
    assert_eq!(error.status(), Some(422));
    assert!(
        error.field_errors().contains_key("title"),
        "{:?}",
        error.field_errors()
    );
    assert!(!error.message().is_empty());
}

#[tokio::test]
async fn not_found_crm_style() {
    let mock = mock().await;
    let client = password_client(&mock);
    let error = client
        .crm()
        .items()
        .get("deals", 99_999_999)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
    assert_eq!(error.status(), Some(404));
}

#[tokio::test]
async fn forbidden_kind() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).status(403));
    let error = client
        .call("crm.deals.list", &Value::Null, &Value::Null, Body::None)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Forbidden);
    assert_eq!(
        mock.count("POST", REFRESH_PATH),
        0,
        "403 is not a reason to refresh"
    );
}

#[tokio::test]
async fn message_from_list_and_error_keys() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    let cases = [
        (json!({"message": ["first", "second"]}), "first; second"),
        (
            json!({"status": 409, "error": "Already exists"}),
            "Already exists",
        ),
        (
            json!({"status": false, "errors": {"phone": ["Invalid phone"]}}),
            "Invalid phone",
        ),
    ];
    for (body, expected) in cases {
        mock.clear_faults();
        mock.inject(Fault::on(format!("GET {DEALS}")).respond(409, vec![], body.to_string()));
        let error = client
            .call("crm.deals.list", &Value::Null, &Value::Null, Body::None)
            .await
            .unwrap_err();
        assert_eq!(error.message(), expected);
    }
}

#[tokio::test]
async fn duplicate_messenger_id() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    let body =
        json!({"message": "E11000 duplicate key error collection: messages index: _id_ dup key"});
    mock.inject(Fault::on("POST /messenger/v1/messages").respond(400, vec![], body.to_string()));

    let error = client
        .call(
            "messenger.messages.create",
            &Value::Null,
            &Value::Null,
            Body::Json(json!({"id": "m1", "chatId": "c1", "message": "Привіт"})),
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Duplicate);
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn malformed_json_is_decode_error() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}/1")).malformed_json());
    let error = client.crm().items().get("deals", 1).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.status(), Some(200));
    assert!(error.body().is_some());
}

#[tokio::test]
async fn wrong_type_names_json_path() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    let page = json!({
        "data": [{"id": 1, "title": "ok"}, {"id": 2, "owner": "not a number"}],
        "meta": {"current_page": 1, "last_page": 1, "per_page": 20, "total": 2}
    });
    mock.inject(Fault::on(format!("GET {DEALS}")).respond(200, vec![], page.to_string()));

    let error = client
        .crm()
        .items()
        .list("deals", &uspacy::models::ListQuery::default())
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.json_path(), Some("data[1].owner"));
}

#[tokio::test]
async fn empty_body_is_success() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on(format!("GET {DEALS}")).empty_body());
    let value = client
        .call("crm.deals.list", &Value::Null, &Value::Null, Body::None)
        .await
        .unwrap();
    assert_eq!(value, Value::Null);
}

#[tokio::test]
async fn delete_with_empty_body() {
    let mock = mock().await;
    let client = password_client(&mock);
    let deal = client
        .crm()
        .items()
        .create("deals", &Item::titled("На видалення"))
        .await
        .unwrap();
    client
        .crm()
        .items()
        .delete("deals", deal.id.unwrap())
        .await
        .expect("204 is success");
    assert_eq!(
        client
            .crm()
            .items()
            .get("deals", deal.id.unwrap())
            .await
            .unwrap_err()
            .kind(),
        ErrorKind::NotFound
    );
}

#[tokio::test]
async fn unknown_op_and_bad_params_are_config_errors() {
    let mock = mock().await;
    let client = password_client(&mock);
    let unknown = client
        .call("crm.item.list", &Value::Null, &Value::Null, Body::None)
        .await
        .unwrap_err();
    assert_eq!(unknown.kind(), ErrorKind::Config);
    assert!(unknown.message().contains("crm.item.list"));

    let missing = client
        .call(
            "crm.items.get",
            &json!({"entity_code": "deals"}),
            &Value::Null,
            Body::None,
        )
        .await
        .unwrap_err();
    assert!(missing.message().contains("`id`"), "{missing}");

    let extra = client
        .call(
            "crm.items.get",
            &json!({"entity_code": "deals", "id": 1, "idd": 2}),
            &Value::Null,
            Body::None,
        )
        .await
        .unwrap_err();
    assert!(extra.message().contains("`idd`"), "{extra}");

    let bad_query = client
        .call("crm.deals.list", &Value::Null, &json!([1]), Body::None)
        .await
        .unwrap_err();
    assert_eq!(bad_query.kind(), ErrorKind::Config);

    let bad_type = client
        .call(
            "crm.items.get",
            &json!({"entity_code": "deals", "id": {"x": 1}}),
            &Value::Null,
            Body::None,
        )
        .await
        .unwrap_err();
    assert!(
        bad_type.message().contains("string or a number"),
        "{bad_type}"
    );
    assert!(mock.requests().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn path_params_are_single_segments() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    let _ = client
        .call(
            "crm.items.get",
            &json!({"entity_code": "deals", "id": "1/../../x?y=1"}),
            &Value::Null,
            Body::None,
        )
        .await;
    let request = mock
        .requests()
        .into_iter()
        .find(|r| r.method == "GET")
        .unwrap();
    assert_eq!(request.path, "/crm/v1/entities/deals/1%2F..%2F..%2Fx%3Fy=1");
    assert!(request.query.is_none());
}

#[tokio::test]
async fn plain_text_answer_to_bodiless_op() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on("DELETE /crm/v1/entities/deals/5").respond(200, vec![], "OK"));
    let value = client
        .call(
            "crm.items.delete",
            &json!({"entity_code": "deals", "id": 5}),
            &Value::Null,
            Body::None,
        )
        .await
        .unwrap();
    assert_eq!(value, json!("OK"));
}

#[tokio::test]
async fn wrong_type_in_object_names_field() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on("GET /crm/v1/entities/deals/3").respond(
        200,
        vec![],
        json!({"id": 3, "owner": "abc"}).to_string(),
    ));
    let error = client.crm().items().get("deals", 3).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert_eq!(error.json_path(), Some("owner"));
    assert!(error.body().is_some());
}

#[tokio::test]
async fn trailing_garbage_is_decode_error() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    mock.inject(Fault::on("GET /crm/v1/entities/deals/3").respond(
        200,
        vec![],
        r#"{"id": 3} trailing"#,
    ));
    let error = client.crm().items().get("deals", 3).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Decode);
    assert!(error.message().contains("not JSON"), "{error}");
}
