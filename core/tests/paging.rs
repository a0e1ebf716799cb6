//! Streams over every paging kind, and where they stop.

mod common;

use common::*;
use futures::TryStreamExt;
use serde_json::{json, Value};
use uspacy_mock::Fault;

async fn collect(client: &uspacy::Client, op_id: &str, path: Value, query: Value) -> Vec<Value> {
    client
        .paginate(op_id, path, query)
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

fn respond_once(mock: &uspacy_mock::MockServer, route: &str, body: Value) {
    mock.inject(
        Fault::on(route)
            .times(1)
            .respond(200, vec![], body.to_string()),
    );
}

#[tokio::test]
async fn page_list_camel_case_meta() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    for page in 1..=3 {
        respond_once(
            &mock,
            "GET /tasks/v1/tasks",
            json!({"data": [{"id": format!("t{page}")}], "meta": {"currentPage": page, "lastPage": 3, "perPage": 1, "total": 3}}),
        );
    }
    let tasks = collect(&client, "tasks.list", Value::Null, json!({"list": 1})).await;
    assert_eq!(tasks.len(), 3);
    let queries: Vec<String> = recorded(&mock, "GET", "/tasks/v1/tasks")
        .into_iter()
        .filter_map(|r| r.query)
        .collect();
    assert_eq!(queries, ["list=1&page=1", "list=1&page=2", "list=1&page=3"]);
}

#[tokio::test]
async fn page_list_stops_on_repeated_page() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    let same =
        json!({"data": [{"id": 1}, {"id": 2}], "meta": {"page": 1, "list": 2, "total": 100}});
    mock.inject(Fault::on("GET /tasks/v1/tasks").respond(200, vec![], same.to_string()));

    let tasks = collect(&client, "tasks.list", Value::Null, json!({"list": 2})).await;
    assert_eq!(tasks.len(), 2, "the repeated page is not yielded");
    assert_eq!(mock.count("GET", "/tasks/v1/tasks"), 2);
}

#[tokio::test]
async fn page_list_stops_on_empty_page() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    respond_once(
        &mock,
        "GET /tasks/v1/tasks",
        json!({"data": [{"id": 1}], "meta": {"page": 1, "list": 1}}),
    );
    respond_once(
        &mock,
        "GET /tasks/v1/tasks",
        json!({"data": [], "meta": {"page": 2, "list": 1}}),
    );
    let tasks = collect(&client, "tasks.list", Value::Null, json!({"list": 1})).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(mock.count("GET", "/tasks/v1/tasks"), 2);
}

#[tokio::test]
async fn bare_array_is_one_page() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    respond_once(
        &mock,
        "GET /company/v1/users",
        json!([{"id": 1}, {"id": 2}, {"id": 3}]),
    );
    let users = collect(&client, "users.list", Value::Null, json!({"list": "all"})).await;
    assert_eq!(users.len(), 3);
    assert_eq!(mock.count("GET", "/company/v1/users"), 1);
}

#[tokio::test]
async fn cursor_paging() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    respond_once(
        &mock,
        "GET /messenger/v1/chats",
        json!({"pinned": [], "data": [{"id": "a"}, {"id": "b"}], "nextCursor": "c2", "hasNext": true}),
    );
    respond_once(
        &mock,
        "GET /messenger/v1/chats",
        json!({"data": [{"id": "c"}], "nextCursor": "c3", "hasNext": true}),
    );
    respond_once(
        &mock,
        "GET /messenger/v1/chats",
        json!({"data": [{"id": "d"}], "nextCursor": null, "hasNext": false}),
    );

    let chats = collect(
        &client,
        "messenger.chats.list",
        Value::Null,
        json!({"type": "EXTERNAL", "limit": 2}),
    )
    .await;

    let ids: Vec<&str> = chats
        .iter()
        .map(|chat| chat["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    let queries: Vec<String> = recorded(&mock, "GET", "/messenger/v1/chats")
        .into_iter()
        .filter_map(|r| r.query)
        .collect();
    assert_eq!(
        queries,
        [
            "type=EXTERNAL&limit=2",
            "type=EXTERNAL&limit=2&cursor=c2",
            "type=EXTERNAL&limit=2&cursor=c3"
        ]
    );
}

#[tokio::test]
async fn cursor_stops_when_cursor_repeats() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    respond_once(
        &mock,
        "GET /messenger/v1/chats",
        json!({"data": [{"id": "a"}], "nextCursor": "same", "hasNext": true}),
    );
    respond_once(
        &mock,
        "GET /messenger/v1/chats",
        json!({"data": [{"id": "b"}], "nextCursor": "same", "hasNext": true}),
    );
    let chats = collect(
        &client,
        "messenger.chats.list",
        Value::Null,
        json!({"limit": 1}),
    )
    .await;
    assert_eq!(chats.len(), 2);
    assert_eq!(mock.count("GET", "/messenger/v1/chats"), 2);
}

#[tokio::test]
async fn timestamp_paging() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    respond_once(
        &mock,
        "GET /messenger/v1/messages",
        json!([{"id": "m3", "timestamp": 3000}, {"id": "m2", "timestamp": 2000}]),
    );
    respond_once(
        &mock,
        "GET /messenger/v1/messages",
        json!([{"id": "m1", "timestamp": 1000}]),
    );

    let messages = collect(
        &client,
        "messenger.messages.list",
        Value::Null,
        json!({"chatId": "c1", "limit": 2}),
    )
    .await;

    assert_eq!(messages.len(), 3);
    let queries: Vec<String> = recorded(&mock, "GET", "/messenger/v1/messages")
        .into_iter()
        .filter_map(|r| r.query)
        .collect();
    assert_eq!(
        queries,
        ["chatId=c1&limit=2", "chatId=c1&limit=2&lastTimestamp=2000"],
        "a short page ends the stream"
    );
}

#[tokio::test]
async fn timestamp_stops_on_empty() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    respond_once(
        &mock,
        "GET /messenger/v1/messages",
        json!([{"id": "m2", "timestamp": 2000}]),
    );
    respond_once(&mock, "GET /messenger/v1/messages", json!([]));
    let messages = collect(
        &client,
        "messenger.messages.list",
        Value::Null,
        json!({"chatId": "c1"}),
    )
    .await;
    assert_eq!(messages.len(), 1);
    assert_eq!(mock.count("GET", "/messenger/v1/messages"), 2);
}

#[tokio::test]
async fn paginate_rejects_non_list() {
    let mock = mock().await;
    let client = password_client(&mock);
    assert!(client
        .paginate("crm.items.get", Value::Null, Value::Null)
        .is_err());
    assert!(client
        .paginate("no.such.op", Value::Null, Value::Null)
        .is_err());
}

#[tokio::test]
async fn stream_error_mid_way() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    respond_once(
        &mock,
        "GET /tasks/v1/tasks",
        json!({"data": [{"id": 1}], "meta": {"currentPage": 1, "lastPage": 2}}),
    );
    mock.inject(Fault::on("GET /tasks/v1/tasks").status(404));
    let result: uspacy::Result<Vec<Value>> = client
        .paginate("tasks.list", Value::Null, Value::Null)
        .unwrap()
        .try_collect()
        .await;
    assert_eq!(result.unwrap_err().kind(), uspacy::ErrorKind::NotFound);
}

#[tokio::test]
async fn pages_stream_keeps_meta() {
    let mock = mock().await;
    let client = password_client(&mock);
    let pages: Vec<uspacy::Page<Value>> = client
        .paginate_pages(
            "crm.items.list",
            json!({"entity_code": "deals"}),
            json!({"list": 100}),
        )
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert_eq!(pages[2].items.len(), 100);
    assert_eq!(pages[2].meta.as_ref().unwrap().current_page, Some(3));
    assert!(!pages[2].has_more());
}

#[tokio::test]
async fn page_keeps_other_top_level_keys() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    respond_once(
        &mock,
        "GET /messenger/v1/chats",
        json!({"pinned": [{"id": "p"}], "data": [{"id": "a"}], "nextCursor": "c2", "hasNext": true}),
    );
    let page = client
        .messenger()
        .chats()
        .list(&json!({"limit": 1}))
        .await
        .unwrap();
    assert_eq!(page.items[0].id.as_deref(), Some("a"));
    assert_eq!(page.next_cursor.as_deref(), Some("c2"));
    assert_eq!(page.extra["pinned"][0]["id"], "p", "pinned chats are kept");
    assert!(!page.extra.contains_key("data"));
}

#[tokio::test]
async fn wrong_shaped_list_bodies_fail() {
    let mock = mock().await;
    let client = password_client(&mock);
    client.authenticate().await.unwrap();
    let deals = client.crm().items();
    let query = uspacy::models::ListQuery::page(1, 2);
    let cases = [
        (
            r#"{"data": {"id": 1}, "meta": {}}"#,
            "not an object with a `data` array",
            Some("data"),
        ),
        (
            r#"{"items": []}"#,
            "not an object with a `data` array",
            Some("data"),
        ),
        (r#""deals""#, "is not a list", Some("data")),
        (r#"{"data": [1, 2"#, "is not JSON", None),
        (r#"{"data": []} []"#, "is not JSON", None),
        (
            r#"{"data": [{"id": 1}, {"id": "seven", "title": "Угода"}]}"#,
            "cannot be read",
            Some("data[1].id"),
        ),
    ];
    for (body, message, path) in cases {
        mock.inject(Fault::on("GET /crm/v1/entities/deals").times(1).respond(
            200,
            vec![],
            body.to_owned(),
        ));
        let error = deals.list("deals", &query).await.unwrap_err();
        assert_eq!(error.kind(), uspacy::ErrorKind::Decode, "{body}");
        assert!(error.to_string().contains(message), "{body}: {error}");
        assert_eq!(error.json_path(), path, "{body}");
    }

    // A blank body and `null` are an empty page, and string ids are read.
    for body in ["", " \n", "null"] {
        mock.inject(Fault::on("GET /crm/v1/entities/deals").times(1).respond(
            200,
            vec![],
            body.to_owned(),
        ));
        let page = deals.list("deals", &query).await.unwrap();
        assert!(page.items.is_empty(), "{body:?}");
    }
    mock.inject(
        Fault::on("GET /crm/v1/entities/deals").times(1).respond(
            200,
            vec![],
            r#"{"data": [{"id": "7", "owner": 3.0, "uf_crm_1": [1, "a"]}], "meta": {"page": 1}}"#
                .to_owned(),
        ),
    );
    let page = deals.list("deals", &query).await.unwrap();
    assert_eq!(page.items[0].id, Some(7));
    assert_eq!(page.items[0].owner, Some(3));
    assert_eq!(page.items[0].fields["uf_crm_1"], json!([1, "a"]));
    assert_eq!(page.meta.unwrap().current_page, Some(1));
}
