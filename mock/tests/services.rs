//! The stateful services over HTTP: messenger paging and errors, tasks,
//! product list totals, invitations, webhooks, groups, e-mail and search.

mod common;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use uspacy_mock::demo;

struct Session {
    server: uspacy_mock::MockServer,
    http: reqwest::Client,
    token: String,
}

impl Session {
    async fn start() -> Session {
        let server = start_small().await;
        let http = client();
        let token = sign_in(&server, &http).await;
        Session {
            server,
            http,
            token,
        }
    }

    async fn send(&self, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
        let url = format!("{}{path}", self.server.base_url());
        call(&self.http, &self.token, method, &url, body).await
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        self.send(Method::GET, path, None).await
    }
}

fn ids(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn demo_ids_exist() {
    let s = Session::start().await;
    let (status, chat) = s
        .get(&format!("/messenger/v1/chats/{}", demo::GENERAL_CHAT_ID))
        .await;
    assert_eq!(status, 200);
    assert_eq!(chat["type"], "PUBLIC");
    let (status, message) = s
        .get(&format!(
            "/messenger/v1/messages/{}",
            demo::FIRST_MESSAGE_ID
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(message["chatId"], demo::GENERAL_CHAT_ID);
    assert_eq!(message["authorId"], 1);

    let (status, line) = s
        .get(&format!(
            "/messenger/v1/external-lines/{}",
            demo::EXTERNAL_LINE_ID
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(line["icon"], "telegram");

    let (_, invited) = s
        .get(&format!("/company/v1/users/{}", demo::INVITED_USER_ID))
        .await;
    assert_eq!(invited["registered"], false);
    let (status, funnel) = s
        .get(&format!(
            "/crm/v1/entities/{}/funnel/{}",
            demo::CUSTOM_ENTITY,
            demo::EMPTY_FUNNEL_ID
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(funnel["default"], false);
}

#[tokio::test]
async fn messages_page_newest_first_by_timestamp() {
    let s = Session::start().await;
    let chat = demo::GENERAL_CHAT_ID;
    let (status, first) = s
        .get(&format!("/messenger/v1/messages?chatId={chat}&limit=10"))
        .await;
    assert_eq!(status, 200);
    let first = first.as_array().unwrap().clone();
    assert_eq!(first.len(), 10);
    let stamps: Vec<i64> = first
        .iter()
        .map(|m| m["timestamp"].as_i64().unwrap())
        .collect();
    assert!(
        stamps.windows(2).all(|pair| pair[0] > pair[1]),
        "newest first: {stamps:?}"
    );

    let oldest = stamps.last().unwrap();
    let (_, second) = s
        .get(&format!(
            "/messenger/v1/messages?chatId={chat}&limit=10&lastTimestamp={oldest}"
        ))
        .await;
    let second = second.as_array().unwrap();
    assert_eq!(second.len(), 10);
    assert!(second
        .iter()
        .all(|m| m["timestamp"].as_i64().unwrap() < *oldest));

    let (_, newer) = s
        .get(&format!(
            "/messenger/v1/messages?chatId={chat}&limit=3&firstTimestamp={oldest}"
        ))
        .await;
    let newer: Vec<i64> = newer
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["timestamp"].as_i64().unwrap())
        .collect();
    assert_eq!(newer.len(), 3);
    assert!(newer.iter().all(|t| t > oldest));
    assert_eq!(
        newer.last(),
        stamps.get(8),
        "the three right after the bound"
    );

    let (status, error) = s.get("/messenger/v1/messages?limit=5").await;
    assert_eq!(status, 400);
    assert!(error["message"].as_str().unwrap().contains("chatId"));
}

#[tokio::test]
async fn message_lifecycle_and_duplicate_id() {
    let s = Session::start().await;
    let chat = demo::SALES_CHAT_ID;
    let body = json!({"id": "6650d00dffff000000000001", "chatId": chat, "message": "Рахунок надіслано", "type": "MESSAGE"});
    let (status, created) = s
        .send(Method::POST, "/messenger/v1/messages", Some(body.clone()))
        .await;
    assert_eq!(status, 201);
    assert_eq!(created["id"], "6650d00dffff000000000001");
    assert_eq!(created["authorId"], 1);

    let (status, duplicate) = s
        .send(Method::POST, "/messenger/v1/messages", Some(body))
        .await;
    assert_eq!(status, 400);
    assert!(duplicate["message"]
        .as_str()
        .unwrap()
        .starts_with("E11000 duplicate key error"));

    let (_, newest) = s
        .get(&format!("/messenger/v1/messages?chatId={chat}&limit=1"))
        .await;
    assert_eq!(ids(&newest), ["6650d00dffff000000000001"]);
    let (_, chat_after) = s.get(&format!("/messenger/v1/chats/{chat}")).await;
    assert_eq!(chat_after["lastMessage"]["id"], "6650d00dffff000000000001");

    let (status, edited) = s
        .send(
            Method::PATCH,
            "/messenger/v1/messages",
            Some(json!({"id": "6650d00dffff000000000001", "message": "Рахунок оплачено"})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(edited["message"], "Рахунок оплачено");
    assert!(edited["updateTimestamp"].is_i64());

    let (status, forwarded) = s
        .send(Method::POST, "/messenger/v1/messages/forwardMessages", Some(json!({"chatId": demo::GENERAL_CHAT_ID, "messagesIds": ["6650d00dffff000000000001"]})))
        .await;
    assert_eq!(status, 201);
    assert_eq!(
        forwarded[0]["ref"]["refMessageId"],
        "6650d00dffff000000000001"
    );
    assert_eq!(forwarded[0]["chatId"], demo::GENERAL_CHAT_ID);

    let (status, _) = s
        .send(
            Method::DELETE,
            "/messenger/v1/messages/6650d00dffff000000000001",
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = s
        .get("/messenger/v1/messages/6650d00dffff000000000001")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn read_marks_and_unread_count() {
    let s = Session::start().await;
    let chat = demo::GENERAL_CHAT_ID;
    let (_, all) = s
        .get(&format!("/messenger/v1/messages?chatId={chat}&limit=100"))
        .await;
    let unread_ids: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| !m["readBy"].as_array().unwrap().contains(&json!(1)))
        .map(|m| m["id"].as_str().unwrap().to_string())
        .collect();
    let (_, before) = s.get(&format!("/messenger/v1/chats/{chat}")).await;
    assert_eq!(before["unreadCount"], unread_ids.len());
    assert!(
        !unread_ids.is_empty(),
        "seeded chats end with unread messages"
    );

    let (status, _) = s
        .send(
            Method::POST,
            "/messenger/v1/messages/readMessages",
            Some(json!({"chatId": chat, "messagesIds": unread_ids})),
        )
        .await;
    assert_eq!(status, 201);
    let (_, after) = s.get(&format!("/messenger/v1/chats/{chat}")).await;
    assert_eq!(after["unreadCount"], 0);

    let sales = demo::SALES_CHAT_ID;
    let (_, sales_before) = s.get(&format!("/messenger/v1/chats/{sales}")).await;
    assert!(sales_before["unreadCount"].as_i64().unwrap() > 0);
    let (status, _) = s
        .send(
            Method::POST,
            "/messenger/v1/messages/readAll",
            Some(json!({"chatId": sales})),
        )
        .await;
    assert_eq!(status, 201);
    let (_, sales_after) = s.get(&format!("/messenger/v1/chats/{sales}")).await;
    assert_eq!(sales_after["unreadCount"], 0);
}

#[tokio::test]
async fn external_chats_page_by_cursor() {
    let s = Session::start().await;
    let (status, first) = s.get("/messenger/v1/chats?type=EXTERNAL&limit=3").await;
    assert_eq!(status, 200);
    assert_eq!(first["data"].as_array().unwrap().len(), 3);
    assert_eq!(first["hasNext"], true);
    assert!(
        first["pinned"].is_array(),
        "the first page carries pinned chats"
    );
    let cursor = first["nextCursor"].as_str().unwrap();
    let (_, second) = s
        .get(&format!(
            "/messenger/v1/chats?type=EXTERNAL&limit=3&cursor={cursor}"
        ))
        .await;
    assert_eq!(second["data"].as_array().unwrap().len(), 1);
    assert_eq!(second["hasNext"], false);
    assert!(second["nextCursor"].is_null());
    assert!(second.get("pinned").is_none());

    let (status, bare) = s.get("/messenger/v1/chats?type=EXTERNAL").await;
    assert_eq!(status, 200);
    assert_eq!(
        bare.as_array().unwrap().len(),
        4,
        "without cursor or limit: a bare array"
    );

    let (status, _) = s
        .get("/messenger/v1/chats?type=EXTERNAL&limit=2&cursor=nonsense")
        .await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn chat_pin_and_find_by_meta() {
    let s = Session::start().await;
    let chat = demo::GENERAL_CHAT_ID;
    let (status, pinned) = s
        .send(
            Method::POST,
            &format!("/messenger/v1/chats/{chat}/pin"),
            None,
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(pinned["pinned"], true);
    let (_, unpinned) = s
        .send(
            Method::POST,
            &format!("/messenger/v1/chats/{chat}/unpin"),
            None,
        )
        .await;
    assert_eq!(unpinned["pinned"], false);

    let (_, external) = s.get("/messenger/v1/chats?type=EXTERNAL").await;
    let phone = external[0]["meta"][0]["value"]
        .as_str()
        .unwrap()
        .to_string();
    let (status, found) = s
        .get(&format!(
            "/messenger/v1/chats/findByMeta?type=phone&value={}",
            phone.replace('+', "%2B")
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(found["meta"][0]["value"], phone);
    let (status, _) = s
        .get("/messenger/v1/chats/findByMeta?type=phone&value=%2B0000")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn task_lifecycle_with_checklist_and_stage() {
    let s = Session::start().await;
    let (status, task) = s
        .send(
            Method::POST,
            "/tasks/v1/tasks",
            Some(json!({"title": "Підготувати КП", "responsibleId": "3", "deadline": 1767225600})),
        )
        .await;
    assert_eq!(status, 201);
    let id = task["id"].as_i64().unwrap();
    assert_eq!(task["status"], "new");
    assert_eq!(task["responsibleId"], 3);

    let (status, with_list) = s
        .send(
            Method::POST,
            &format!("/tasks/v1/tasks/{id}/checklists"),
            Some(json!({"name": "Кроки", "items": [{"title": "Порахувати"}]})),
        )
        .await;
    assert_eq!(status, 201);
    let checklist = with_list["checklists"][0]["id"].as_i64().unwrap();
    assert_eq!(with_list["checklists"][0]["items"][0]["done"], false);
    let item = with_list["checklists"][0]["items"][0]["id"]
        .as_i64()
        .unwrap();
    let (_, done) = s
        .send(
            Method::PATCH,
            &format!("/tasks/v1/tasks/checklists/{checklist}/items/{item}"),
            Some(json!({"done": true})),
        )
        .await;
    assert_eq!(done["checklists"][0]["items"][0]["done"], true);
    let (status, _) = s
        .send(
            Method::PATCH,
            &format!("/tasks/v1/tasks/checklists/{checklist}/items/999"),
            Some(json!({"done": true})),
        )
        .await;
    assert_eq!(status, 404);

    let (_, moved) = s
        .send(
            Method::POST,
            "/tasks/v1/stages/2/moveTask",
            Some(json!({"id": id})),
        )
        .await;
    assert_eq!(moved["kanbanStageId"], 2);
    let (_, started) = s
        .send(Method::PATCH, &format!("/tasks/v1/tasks/{id}/start"), None)
        .await;
    assert_eq!(started["status"], "in_progress");
    let (_, completed) = s
        .send(Method::PATCH, &format!("/tasks/v1/tasks/{id}/ready"), None)
        .await;
    assert_eq!(completed["status"], "ready");
    assert_eq!(completed["closedBy"], 1);
    let (status, again) = s
        .send(Method::PATCH, &format!("/tasks/v1/tasks/{id}/ready"), None)
        .await;
    assert_eq!(status, 422);
    assert_eq!(again["status"], false);

    let (status, errors) = s
        .send(
            Method::POST,
            "/tasks/v1/tasks",
            Some(json!({"body": "без назви"})),
        )
        .await;
    assert_eq!(status, 422);
    assert!(errors["errors"]["title"].is_array());
}

#[tokio::test]
async fn product_list_totals_follow_lines() {
    let s = Session::start().await;
    let (status, list) = s
        .get("/crm/v1/static/entity-product-lists?entity_type=deals&entity_id=7")
        .await;
    assert_eq!(status, 200);
    assert_eq!(list["amount_total"], "0.00");
    let list_id = list["id"].as_i64().unwrap();

    let (status, with_line) = s
        .send(
            Method::POST,
            "/crm/v1/static/list-products",
            Some(json!({
                "entity_product_list_id": list_id, "title": "Монтаж котла", "price": "1500.00",
                "currency": "UAH", "quantity": 2, "tax_rate": 20, "is_tax_included": 0,
            })),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(with_line["amount_before_tax"], "3000.00");
    assert_eq!(with_line["amount_tax"], "600.00");
    assert_eq!(with_line["amount_total"], "3600.00");
    assert_eq!(with_line["list_products"][0]["amount"], "3600.00");

    let (_, deal) = s.get("/crm/v1/entities/deals/7").await;
    assert_eq!(
        deal["amount"],
        json!({"currency": "UAH", "value": "3600.00"})
    );

    let (status, _) = s
        .send(
            Method::POST,
            "/crm/v1/static/list-products",
            Some(json!({"entity_product_list_id": list_id, "title": "x", "price": -1})),
        )
        .await;
    assert_eq!(status, 422);
    let (status, _) = s
        .get("/crm/v1/static/entity-product-lists?entity_type=deals&entity_id=999999")
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn invitation_then_registration() {
    let s = Session::start().await;
    let (status, _) = s
        .send(
            Method::POST,
            "/company/v1/invites/email",
            Some(
                json!([{"email": "nova@demo.uspacy.ua", "firstName": "Ніна", "lastName": "Бойко"}]),
            ),
        )
        .await;
    assert_eq!(status, 200);
    let (_, check) = s
        .get("/company/v1/users/check_invite?email=nova@demo.uspacy.ua")
        .await;
    assert_eq!(check["status"], true);
    let (_, invited) = s.get("/company/v1/users?status[]=invited&list=all").await;
    let emails: Vec<&str> = invited
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["email"][0]["value"].as_str().unwrap())
        .collect();
    assert!(emails.contains(&"nova@demo.uspacy.ua"), "{emails:?}");

    let (status, tokens) = s
        .send(
            Method::POST,
            "/auth/v1/auth/register",
            Some(json!({
                "email": "nova@demo.uspacy.ua", "password": "Nova-Password-1", "firstName": "Ніна",
                "lastName": "Бойко", "domain": "demo.uspacy.ua",
            })),
        )
        .await;
    assert_eq!(status, 200);
    assert!(tokens["jwt"].is_string());
    let (_, check) = s
        .get("/company/v1/users/check_invite?email=nova@demo.uspacy.ua")
        .await;
    assert_eq!(check["status"], false, "the invitation is used");
}

#[tokio::test]
async fn deactivated_user_is_locked_out() {
    let s = Session::start().await;
    let (status, user) = s
        .send(
            Method::POST,
            "/company/v1/users/2/deactivate",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(user["active"], false);
    let response = s
        .http
        .post(format!("{}/auth/v1/auth/sign_in", s.server.base_url()))
        .json(&json!({"email": s.server.credentials().two_factor_email, "password": demo::TWO_FACTOR_PASSWORD, "code": demo::TWO_FACTOR_CODE}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    let (status, _) = s
        .send(
            Method::POST,
            "/company/v1/users/1/deactivate",
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 403, "the owner stays active");
}

#[tokio::test]
async fn new_incoming_webhook_authenticates() {
    let s = Session::start().await;
    let (status, id) = s
        .send(
            Method::POST,
            "/company/v1/incoming_webhooks",
            Some(json!({"name": "Імпорт з ERP"})),
        )
        .await;
    assert_eq!(status, 201);
    let id = id.as_i64().unwrap();
    let (_, hooks) = s.get("/company/v1/incoming_webhooks?name=ERP").await;
    let url = hooks["data"][0]["url"].as_str().unwrap().to_string();
    let through_hook = s
        .http
        .get(format!("{url}/crm/v1/entities/deals?list=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(through_hook.status(), 200);

    let (status, _) = s
        .send(
            Method::PATCH,
            &format!("/company/v1/incoming_webhooks/{id}"),
            Some(json!({"active": false})),
        )
        .await;
    assert_eq!(status, 200);
    let disabled = s
        .http
        .get(format!("{url}/crm/v1/entities/deals?list=1"))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), 401);
}

#[tokio::test]
async fn groups_join_rules() {
    let s = Session::start().await;
    let (status, joined) = s
        .send(
            Method::PATCH,
            "/groups/v1/groups/4/joinGroup",
            Some(json!("4")),
        )
        .await;
    assert_eq!(status, 200);
    assert!(joined["usersIds"].as_array().unwrap().contains(&json!(1)));
    let (status, _) = s
        .send(
            Method::PATCH,
            "/groups/v1/groups/5/joinGroup",
            Some(json!("5")),
        )
        .await;
    assert_eq!(status, 403, "closed groups take join requests");

    let (status, _) = s
        .send(Method::POST, "/groups/v1/join/5/request", Some(json!({})))
        .await;
    assert_eq!(status, 201);
    let (_, requests) = s.get("/groups/v1/join/5").await;
    assert!(requests.as_array().unwrap().contains(&json!(1)));
    let (status, _) = s
        .send(
            Method::PATCH,
            "/groups/v1/groups/1/leaveGroup",
            Some(json!("1")),
        )
        .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn letters_send_move_and_read() {
    let s = Session::start().await;
    let (status, sent) = s
        .send(Method::POST, "/email/v1/letters/by_folder/2", Some(json!({
            "subject": "Комерційна пропозиція", "body": "Надсилаємо КП",
            "contacts": [{"email": "client@example.com", "name": "Клієнт", "contact_type": "to"}],
        })))
        .await;
    assert_eq!(status, 201);
    assert_eq!(sent["status"], "pending");
    let id = sent["id"].as_i64().unwrap();
    let (_, stored) = s.get(&format!("/email/v1/letters/{id}")).await;
    assert_eq!(stored["status"], "succseed");

    let (status, _) = s
        .send(
            Method::PATCH,
            "/email/v1/letters/unread/2",
            Some(json!({"ids": [id]})),
        )
        .await;
    assert_eq!(status, 204);
    let (_, unread) = s.get("/email/v1/letters/by_folder/2?is_read[]=0").await;
    assert!(unread["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["id"] == id));
    let (status, _) = s
        .send(
            Method::PATCH,
            "/email/v1/letters/move/4",
            Some(json!({"ids": [id]})),
        )
        .await;
    assert_eq!(status, 204);
    let (_, trash) = s.get("/email/v1/letters/by_folder/4").await;
    assert_eq!(trash["data"][0]["id"], id);

    let (status, _) = s
        .send(
            Method::POST,
            "/email/v1/letters/by_folder/2",
            Some(json!({"subject": "Без адресата"})),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn search_finds_records_and_tasks() {
    let s = Session::start().await;
    let (status, found) = s
        .get("/search/v1/search?q=%D0%BE%D0%B1%D0%BB%D0%B0%D0%B4%D0%BD%D0%B0%D0%BD%D0%BD%D1%8F")
        .await;
    assert_eq!(status, 200);
    let deals = found["data"]["deals"]
        .as_array()
        .expect("deals titled with «обладнання»");
    assert!(!deals.is_empty());
    assert!(deals.iter().all(|d| d["title"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("обладнання")));
    let (status, _) = s.get("/search/v1/search?q=a").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn schema_shaped_answers_have_the_documented_shape() {
    let s = Session::start().await;
    let (status, call) = s
        .send(
            Method::POST,
            "/messenger/v1/telephony/call/start",
            Some(json!({"chatId": demo::GENERAL_CHAT_ID})),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(call["status"], "started");
    assert!(call["callId"].is_string());
}

#[tokio::test]
async fn history_of_a_deal() {
    let s = Session::start().await;
    let (status, history) = s.get("/history/v1/crm/deals/1").await;
    assert_eq!(status, 200);
    let changes = history["data"].as_array().unwrap();
    assert_eq!(changes.last().unwrap()["action"], "create");
    let (status, _) = s.get("/history/v1/crm/deals/999999").await;
    assert_eq!(status, 404);
}
