//! CRM routes over HTTP: schema, records, paging, filters, sorting, kanban
//! moves, reasons, list values and lead conversion.

mod common;

use common::{call, client, sign_in};
use reqwest::Method;
use serde_json::{json, Value};
use uspacy_mock::{demo, MockConfig, MockServer};

struct Portal {
    server: MockServer,
    http: reqwest::Client,
    token: String,
}

impl Portal {
    async fn start(deals: usize) -> Portal {
        let server = MockServer::start(MockConfig {
            deals,
            ..MockConfig::default()
        })
        .await
        .unwrap();
        let http = client();
        let token = sign_in(&server, &http).await;
        Portal {
            server,
            http,
            token,
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.server.base_url(), path)
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        call(&self.http, &self.token, Method::GET, &self.url(path), None).await
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> (u16, Value) {
        call(&self.http, &self.token, method, &self.url(path), Some(body)).await
    }

    async fn delete(&self, path: &str) -> (u16, Value) {
        call(
            &self.http,
            &self.token,
            Method::DELETE,
            &self.url(path),
            None,
        )
        .await
    }
}

fn ids(page: &Value) -> Vec<i64> {
    page["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["id"].as_i64().unwrap())
        .collect()
}

fn amount(item: &Value) -> f64 {
    item["amount"]["value"].as_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn default_portal_has_demo_data() {
    let portal = Portal::start(5000).await;
    let (status, deals) = portal.get("/crm/v1/entities/deals").await;
    assert_eq!(status, 200);
    assert_eq!(deals["meta"]["total"], 5000);
    assert_eq!(deals["meta"]["per_page"], 20);
    assert_eq!(deals["data"].as_array().unwrap().len(), 20);
    let deal = &deals["data"][0];
    assert_eq!(deal["amount"]["currency"], "UAH");
    assert!(deal["amount"]["value"].is_string());

    for (code, minimum) in [
        ("contacts", 900),
        ("companies", 400),
        ("leads", 250),
        (demo::CUSTOM_ENTITY, 10),
    ] {
        let (status, page) = portal.get(&format!("/crm/v1/entities/{code}")).await;
        assert_eq!(status, 200, "{code}");
        assert!(page["meta"]["total"].as_i64().unwrap() >= minimum, "{code}");
    }

    let (_, contacts) = portal.get("/crm/v1/entities/contacts?list=50").await;
    let contact = &contacts["data"][0];
    let email = &contact["email"][0];
    assert!(email["value"].as_str().unwrap().contains('@'));
    assert_eq!(email["main"], true);
    assert!(contact["phone"][0]["value"]
        .as_str()
        .unwrap()
        .starts_with("+380"));

    let (_, companies) = portal.get("/crm/v1/entities/companies?list=100").await;
    let titles: Vec<&str> = companies["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert!(titles.iter().any(|t| t.starts_with("ТОВ «")));
    assert!(titles.iter().any(|t| t.starts_with("ФОП ")));
    let edrpou = companies["data"][0][demo::COMPANY_EDRPOU_FIELD]
        .as_str()
        .unwrap();
    assert_eq!(edrpou.len(), 8);
}

#[tokio::test]
async fn same_seed_same_data() {
    let a = MockServer::start(MockConfig {
        deals: 50,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    let b = MockServer::start(MockConfig {
        deals: 50,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    assert_eq!(a.item("deals", 17), b.item("deals", 17));
    assert_eq!(a.item("contacts", 3), b.item("contacts", 3));
    let c = MockServer::start(MockConfig {
        deals: 50,
        seed: 2,
        ..MockConfig::default()
    })
    .await
    .unwrap();
    assert_ne!(a.item("deals", 17), c.item("deals", 17));
}

#[tokio::test]
async fn entities_list_with_funnels() {
    let portal = Portal::start(20).await;
    let (status, body) = portal.get("/crm/v1/entity?with-funnels=true").await;
    assert_eq!(status, 200);
    let tables: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["table_name"].as_str().unwrap())
        .collect();
    assert_eq!(
        tables,
        [
            "leads",
            "deals",
            "contacts",
            "companies",
            demo::CUSTOM_ENTITY
        ]
    );
    assert_eq!(body["meta"]["total"], 5);
    let deals = &body["data"][1];
    assert_eq!(deals["funnels"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn custom_fields_defined() {
    let portal = Portal::start(20).await;
    let (_, contacts) = portal.get("/crm/v1/entities/contacts/fields").await;
    let interests = contacts["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["code"] == demo::CONTACT_INTERESTS_FIELD)
        .expect("interests field");
    assert_eq!(interests["type"], "list");
    assert_eq!(interests["multiple"], true);

    let (status, channel) = portal
        .get(&format!(
            "/crm/v1/entities/deals/fields/{}",
            demo::DEAL_CHANNEL_FIELD
        ))
        .await;
    assert_eq!(status, 200);
    let values = channel["values"].as_array().unwrap();
    assert!(values.iter().all(|v| v["value"] != v["title"]));

    let (status, edrpou) = portal
        .get(&format!(
            "/crm/v1/entities/companies/fields/{}/",
            demo::COMPANY_EDRPOU_FIELD
        ))
        .await;
    assert_eq!(status, 200);
    assert_eq!(edrpou["type"], "string");

    let (status, types) = portal.get("/crm/v1/field_types").await;
    assert_eq!(status, 200);
    assert!(types["data"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["type"] == "money"));
}

#[tokio::test]
async fn item_crud_keeps_custom_keys() {
    let portal = Portal::start(20).await;
    let (status, created) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/companies",
            json!({"title": "ТОВ «Тест»", demo::COMPANY_EDRPOU_FIELD: "12345678", "uf_crm_999": {"nested": [1, 2]}}),
        )
        .await;
    assert_eq!(status, 201);
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["uf_crm_999"], json!({"nested": [1, 2]}));
    assert_eq!(created[demo::COMPANY_EDRPOU_FIELD], "12345678");
    assert!(created["created_at"].as_i64().unwrap() > 1_700_000_000);
    assert_eq!(created["owner"], 1);

    let (status, fetched) = portal
        .get(&format!("/crm/v1/entities/companies/{id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(fetched, created);

    let (status, patched) = portal
        .send(
            Method::PATCH,
            &format!("/crm/v1/entities/companies/{id}/"),
            json!({"city": "Львів"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["city"], "Львів");
    assert_eq!(patched["title"], "ТОВ «Тест»");
    assert_eq!(patched["uf_crm_999"], json!({"nested": [1, 2]}));
    assert_eq!(
        portal.server.item("companies", id).unwrap()["city"],
        "Львів"
    );

    let (status, body) = portal
        .delete(&format!("/crm/v1/entities/companies/{id}"))
        .await;
    assert_eq!(status, 204);
    assert_eq!(body, Value::Null);
    let (status, body) = portal
        .get(&format!("/crm/v1/entities/companies/{id}"))
        .await;
    assert_eq!(status, 404);
    assert_eq!(body["status"], 404);
    assert!(body["error"].is_string());
    assert!(portal.server.item("companies", id).is_none());
}

#[tokio::test]
async fn create_validates_fields() {
    let portal = Portal::start(20).await;
    let (status, body) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals",
            json!({"amount": {"currency": "UAH", "value": "1.00"}}),
        )
        .await;
    assert_eq!(status, 422);
    assert_eq!(body["status"], false);
    assert!(body["errors"]["title"][0]
        .as_str()
        .unwrap()
        .contains("required"));

    let (status, body) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals",
            json!({"title": "Угода", demo::DEAL_CHANNEL_FIELD: "Сайт"}),
        )
        .await;
    assert_eq!(status, 422, "list fields take value codes, not titles");
    assert!(body["errors"][demo::DEAL_CHANNEL_FIELD].is_array());

    let (status, body) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals",
            json!({"title": "Угода", "funnel_id": 999}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["funnel_id"].is_array());

    let (status, _) = portal
        .send(Method::POST, "/crm/v1/entities/nope", json!({"title": "x"}))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn create_sets_kanban_defaults() {
    let portal = Portal::start(20).await;
    let (status, deal) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals",
            json!({"title": "Нова угода", demo::DEAL_CHANNEL_FIELD: "cold_call"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(deal["funnel_id"], 1);
    assert_eq!(deal["kanban_status"], "IN_WORK");
    let (_, funnels) = portal.get("/crm/v1/entities/deals/funnel").await;
    let first_stage = &funnels[0]["stages"][0];
    assert_eq!(deal["kanban_stage_id"], first_stage["id"]);
    assert_eq!(first_stage["stage_code"], "NEW");

    let (status, moved) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals",
            json!({"title": "Тендер", "funnel_id": 2}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(moved["funnel_id"], 2);
    assert_eq!(moved["kanban_stage_id"], funnels[1]["stages"][0]["id"]);
}

#[tokio::test]
async fn paging_meta_and_last_page() {
    let portal = Portal::start(45).await;
    let (status, page) = portal.get("/crm/v1/entities/deals?page=3").await;
    assert_eq!(status, 200);
    let meta = &page["meta"];
    assert_eq!(meta["current_page"], 3);
    assert_eq!(meta["last_page"], 3);
    assert_eq!(meta["per_page"], 20);
    assert_eq!(meta["total"], 45);
    assert_eq!(meta["from"], 41);
    assert_eq!(meta["to"], 45);
    assert_eq!(meta["path"], portal.url("/crm/v1/entities/deals"));
    assert_eq!(ids(&page), vec![41, 42, 43, 44, 45]);
    assert_eq!(page["links"]["next"], Value::Null);
    assert_eq!(
        page["links"]["prev"],
        portal.url("/crm/v1/entities/deals?page=2")
    );

    let (_, beyond) = portal.get("/crm/v1/entities/deals?page=4").await;
    assert_eq!(beyond["data"], json!([]));
    assert_eq!(beyond["meta"]["from"], Value::Null);

    let (_, big) = portal.get("/crm/v1/entities/deals?list=9999").await;
    assert_eq!(big["meta"]["per_page"], 1000);
    assert_eq!(big["data"].as_array().unwrap().len(), 45);

    let (status, _) = portal.get("/crm/v1/entities/deals?page=0").await;
    assert_eq!(status, 422);
    let (status, _) = portal.get("/crm/v1/entities/deals?list=abc").await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn smart_filter_eq_owner() {
    let portal = Portal::start(300).await;
    let path =
        "/crm/v1/entities/deals?list=1000&filters[condition]=and&filters[filters][0][field]=owner\
                &filters[filters][0][operator]=eq&filters[filters][0][values][0]=5";
    let (status, page) = portal.get(path).await;
    assert_eq!(status, 200);
    let data = page["data"].as_array().unwrap();
    assert!(!data.is_empty());
    assert!(data.iter().all(|d| d["owner"] == 5));

    // The same filter percent-encoded the way axios sends it.
    let encoded = "/crm/v1/entities/deals?list=1000&filters%5Bcondition%5D=and&filters%5Bfilters%5D%5B0%5D%5Bfield%5D=owner\
                   &filters%5Bfilters%5D%5B0%5D%5Boperator%5D=eq&filters%5Bfilters%5D%5B0%5D%5Bvalues%5D%5B0%5D=5";
    let (_, same) = portal.get(encoded).await;
    assert_eq!(same["meta"]["total"], page["meta"]["total"]);

    let not_eq = path.replace("=eq", "=not_eq");
    let (_, rest) = portal.get(&not_eq).await;
    assert_eq!(
        rest["meta"]["total"].as_i64().unwrap() + page["meta"]["total"].as_i64().unwrap(),
        300
    );
}

#[tokio::test]
async fn smart_filter_ranges_and_like() {
    let portal = Portal::start(300).await;
    let path = "/crm/v1/entities/deals?list=1000&filters[condition]=and\
                &filters[filters][0][field]=amount&filters[filters][0][operator]=gte&filters[filters][0][values][0]=100000\
                &filters[filters][1][field]=amount&filters[filters][1][operator]=lte&filters[filters][1][values][0]=200000";
    let (_, page) = portal.get(path).await;
    let data = page["data"].as_array().unwrap();
    assert!(!data.is_empty());
    assert!(data
        .iter()
        .all(|d| (100_000.0..=200_000.0).contains(&amount(d))));

    let (_, in_page) = portal
        .get("/crm/v1/entities/deals?list=1000&filters[filters][0][field]=owner&filters[filters][0][operator]=in&filters[filters][0][values][0]=1&filters[filters][0][values][1]=2")
        .await;
    assert!(in_page["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["owner"] == 1 || d["owner"] == 2));

    let (_, like) = portal
        .get("/crm/v1/entities/companies?list=1000&filters[filters][0][field]=title&filters[filters][0][operator]=like&filters[filters][0][values][0]=фоп")
        .await;
    let titles = like["data"].as_array().unwrap();
    assert!(!titles.is_empty());
    assert!(titles
        .iter()
        .all(|c| c["title"].as_str().unwrap().to_lowercase().contains("фоп")));

    let (_, prefix) = portal
        .get("/crm/v1/entities/companies?list=1000&filters[filters][0][field]=title&filters[filters][0][operator]=startswith&filters[filters][0][values][0]=фоп")
        .await;
    let titles = prefix["data"].as_array().unwrap();
    assert!(!titles.is_empty());
    assert!(titles
        .iter()
        .all(|c| c["title"].as_str().unwrap().starts_with("ФОП")));

    let (status, body) = portal
        .get("/crm/v1/entities/deals?filters[filters][0][field]=owner&filters[filters][0][operator]=around&filters[filters][0][values][0]=1")
        .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["filters"].is_array());
}

#[tokio::test]
async fn sort_and_simple_filters() {
    let portal = Portal::start(300).await;
    let (_, sorted) = portal
        .get("/crm/v1/entities/deals?list=50&sort_by[amount]=desc")
        .await;
    let amounts: Vec<f64> = sorted["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(amount)
        .collect();
    assert!(
        amounts.windows(2).all(|w| w[0] >= w[1]),
        "amounts not descending: {amounts:?}"
    );

    let (_, ascending) = portal
        .get("/crm/v1/entities/deals?list=50&sort_by[amount]=asc")
        .await;
    let first = amount(&ascending["data"][0]);
    assert!(amounts.iter().all(|a| *a >= first));

    let (status, _) = portal
        .get("/crm/v1/entities/deals?sort_by[amount]=sideways")
        .await;
    assert_eq!(status, 422);

    let (_, owners) = portal
        .get("/crm/v1/entities/deals?list=1000&owner[]=3&owner[]=4")
        .await;
    let data = owners["data"].as_array().unwrap();
    assert!(!data.is_empty());
    assert!(data.iter().all(|d| d["owner"] == 3 || d["owner"] == 4));

    let (_, funnel_two) = portal
        .get("/crm/v1/entities/deals?list=1000&funnel_id=2")
        .await;
    let data = funnel_two["data"].as_array().unwrap();
    assert!(!data.is_empty());
    assert!(data.iter().all(|d| d["funnel_id"] == 2));

    let stage = data[0]["kanban_stage_id"].as_i64().unwrap();
    let (_, staged) = portal
        .get(&format!(
            "/crm/v1/entities/deals?list=1000&kanban_stage_id={stage}"
        ))
        .await;
    assert!(staged["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["kanban_stage_id"] == stage));

    let (_, ranged) = portal
        .get("/crm/v1/entities/deals?list=1000&amount[from]=1000&amount[to]=5000")
        .await;
    assert!(ranged["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| (1000.0..=5000.0).contains(&amount(d))));

    let (_, search) = portal.get("/crm/v1/entities/deals?list=1000&q=%D0%BA%D0%BE%D0%BD%D1%81%D0%B0%D0%BB%D1%82%D0%B8%D0%BD%D0%B3").await;
    let data = search["data"].as_array().unwrap();
    assert!(
        !data.is_empty(),
        "q=консалтинг finds titles starting with Консалтинг"
    );
    assert!(data.iter().all(|d| d["title"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("консалтинг")));

    let (_, interests) = portal
        .get(&format!(
            "/crm/v1/entities/contacts?list=1000&{}[]=solar",
            demo::CONTACT_INTERESTS_FIELD
        ))
        .await;
    let data = interests["data"].as_array().unwrap();
    assert!(!data.is_empty());
    assert!(data.iter().all(|c| c[demo::CONTACT_INTERESTS_FIELD]
        .as_array()
        .unwrap()
        .contains(&json!("solar"))));
}

#[tokio::test]
async fn move_stage_needs_reason() {
    let portal = Portal::start(20).await;
    let (_, funnels) = portal.get("/crm/v1/entities/deals/funnel").await;
    let stages = funnels[0]["stages"].as_array().unwrap();
    let fail = stages.iter().find(|s| s["stage_code"] == "FAIL").unwrap();
    let fail_id = fail["id"].as_i64().unwrap();
    let (_, reasons) = portal.get("/crm/v1/reasons/1").await;
    let reason = reasons["FAIL"][0]["id"].as_i64().unwrap();
    assert_eq!(fail["reasons"][0]["id"], reason);

    let (_, deal) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals",
            json!({"title": "На провал"}),
        )
        .await;
    let id = deal["id"].as_i64().unwrap();
    let path = format!("/crm/v1/entities/deals/{id}/move/stage/{fail_id}");

    let (status, body) = portal.send(Method::POST, &path, json!({})).await;
    assert_eq!(status, 422);
    assert!(body["errors"]["reason_id"].is_array());

    let success_reason = reasons["SUCCESS"][0]["id"].as_i64().unwrap();
    let (status, _) = portal
        .send(Method::POST, &path, json!({"reason_id": success_reason}))
        .await;
    assert_eq!(status, 422, "a SUCCESS reason does not fit a FAIL stage");

    let (status, moved) = portal
        .send(Method::POST, &path, json!({"reason_id": reason}))
        .await;
    assert_eq!(status, 200);
    assert_eq!(moved["kanban_stage_id"], fail_id);
    assert_eq!(moved["kanban_status"], "FAIL");
    assert_eq!(moved["kanban_reason_id"], reason);
    assert_eq!(
        portal.server.item("deals", id).unwrap()["kanban_status"],
        "FAIL"
    );

    // Back to an in-work stage clears the reason.
    let work = stages[1]["id"].as_i64().unwrap();
    let (status, back) = portal
        .send(
            Method::POST,
            &format!("/crm/v1/entities/deals/{id}/move/stage/{work}"),
            json!({"reason_id": null}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(back["kanban_status"], "IN_WORK");
    assert_eq!(back["kanban_reason_id"], Value::Null);

    // A stage of another entity's funnel is not found.
    let (_, lead_funnels) = portal.get("/crm/v1/entities/leads/funnel").await;
    let lead_stage = lead_funnels[0]["stages"][0]["id"].as_i64().unwrap();
    let (status, _) = portal
        .send(
            Method::POST,
            &format!("/crm/v1/entities/deals/{id}/move/stage/{lead_stage}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn move_between_funnels() {
    let portal = Portal::start(20).await;
    let (_, stages) = portal
        .get("/crm/v1/entities/deals/kanban/stage?funnel_id=2")
        .await;
    let stages = stages["data"].as_array().unwrap();
    assert!(stages.iter().all(|s| s["funnel_id"] == 2));
    let target = stages[1]["id"].as_i64().unwrap();
    let (status, moved) = portal
        .send(
            Method::POST,
            &format!("/crm/v1/entities/deals/1/move/stage/{target}"),
            json!({}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(moved["funnel_id"], 2);
}

#[tokio::test]
async fn stage_get_returns_items_page() {
    let portal = Portal::start(300).await;
    let (_, deal) = portal.get("/crm/v1/entities/deals/1").await;
    let stage = deal["kanban_stage_id"].as_i64().unwrap();
    let (status, page) = portal
        .get(&format!(
            "/crm/v1/entities/deals/kanban/stage/{stage}?list=500"
        ))
        .await;
    assert_eq!(status, 200);
    assert!(page["meta"]["total"].as_i64().unwrap() >= 1);
    assert!(ids(&page).contains(&1));
    assert!(page["data"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["kanban_stage_id"] == stage));
    let (status, _) = portal.get("/crm/v1/entities/deals/kanban/stage/9999").await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn stage_create_update_delete() {
    let portal = Portal::start(20).await;
    let (status, stage) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals/kanban/stage",
            json!({"title": "Доставка", "funnel_id": 1, "color": "#123456"}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(stage["system_stage"], false);
    let id = stage["id"].as_i64().unwrap();

    let (status, updated) = portal
        .send(
            Method::PATCH,
            &format!("/crm/v1/entities/deals/kanban/stage/{id}"),
            json!({"title": "Відвантаження"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(updated["title"], "Відвантаження");
    assert_eq!(updated["color"], "#123456");

    let (status, _) = portal
        .delete(&format!("/crm/v1/entities/deals/kanban/stage/{id}"))
        .await;
    assert_eq!(status, 204);

    let (_, stages) = portal
        .get("/crm/v1/entities/deals/kanban/stage?funnel_id=1")
        .await;
    let success = stages["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage_code"] == "SUCCESS")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let (status, body) = portal
        .delete(&format!("/crm/v1/entities/deals/kanban/stage/{success}"))
        .await;
    assert_eq!(status, 422);
    assert!(body["error"].as_str().unwrap().contains("system stage"));

    let (status, body) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals/kanban/stage",
            json!({"funnel_id": 1}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["title"].is_array());
}

#[tokio::test]
async fn funnel_crud() {
    let portal = Portal::start(20).await;
    let (status, funnel) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals/funnel",
            json!({"title": "Партнери"}),
        )
        .await;
    assert_eq!(status, 201);
    let id = funnel["id"].as_i64().unwrap();
    let codes: Vec<&str> = funnel["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["stage_code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"SUCCESS"));
    assert!(codes.contains(&"FAIL"));

    let (status, got) = portal
        .get(&format!("/crm/v1/entities/deals/funnel/{id}"))
        .await;
    assert_eq!(status, 200);
    assert_eq!(got["title"], "Партнери");

    let (status, patched) = portal
        .send(
            Method::PATCH,
            &format!("/crm/v1/entities/deals/funnel/{id}"),
            json!({"title": "Партнерська мережа"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["title"], "Партнерська мережа");

    let (status, _) = portal
        .delete(&format!("/crm/v1/entities/deals/funnel/{id}"))
        .await;
    assert_eq!(status, 204);
    let (_, list) = portal.get("/crm/v1/entities/deals/funnel").await;
    assert_eq!(list.as_array().unwrap().len(), 2);

    let (status, _) = portal.delete("/crm/v1/entities/deals/funnel/1").await;
    assert_eq!(status, 422, "default funnel stays");
    let (status, _) = portal.get("/crm/v1/entities/contacts/funnel").await;
    assert_eq!(status, 422, "contacts have no kanban");
}

#[tokio::test]
async fn reasons_crud() {
    let portal = Portal::start(20).await;
    let (status, reason) = portal
        .send(
            Method::POST,
            "/crm/v1/reasons/1",
            json!({"title": "Дорога доставка", "type": "FAIL"}),
        )
        .await;
    assert_eq!(status, 201);
    let id = reason["id"].as_i64().unwrap();
    let (_, reasons) = portal.get("/crm/v1/reasons/1").await;
    assert!(reasons["FAIL"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == id));

    let (status, patched) = portal
        .send(
            Method::PATCH,
            &format!("/crm/v1/reasons/{id}"),
            json!({"title": "Доставка"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["title"], "Доставка");
    let (status, _) = portal.delete(&format!("/crm/v1/reasons/{id}")).await;
    assert_eq!(status, 204);
    let (status, _) = portal.delete(&format!("/crm/v1/reasons/{id}")).await;
    assert_eq!(status, 404);
    let (status, _) = portal
        .send(
            Method::POST,
            "/crm/v1/reasons/1",
            json!({"title": "x", "type": "MAYBE"}),
        )
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn field_and_list_values_crud() {
    let portal = Portal::start(20).await;
    let (status, field) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals/fields",
            json!({"name": "Регіон", "type": "list", "values": [{"title": "Київ", "value": "kyiv"}]}),
        )
        .await;
    assert_eq!(status, 201);
    let code = field["code"].as_str().unwrap().to_string();
    assert!(code.starts_with("uf_crm_"));
    assert!(code["uf_crm_".len()..].chars().all(|c| c.is_ascii_digit()));

    let lists = format!("/crm/v1/entities/deals/lists/{code}");
    let (status, values) = portal
        .send(
            Method::POST,
            &lists,
            json!([{"title": "Київ і область", "value": "kyiv"}, {"title": "Львів", "value": "lviv", "color": "#00FF00"}]),
        )
        .await;
    assert_eq!(status, 200);
    let values = values.as_array().unwrap();
    assert_eq!(values.len(), 2);
    assert_eq!(values[0]["title"], "Київ і область");

    let (status, listed) = portal.get(&lists).await;
    assert_eq!(status, 200);
    assert_eq!(listed.as_array().unwrap().len(), 2);

    let (status, _) = portal.delete(&format!("{lists}/kyiv")).await;
    assert_eq!(status, 204);
    let (_, listed) = portal.get(&lists).await;
    assert_eq!(listed, json!([values[1].clone()]));
    let (status, _) = portal.delete(&format!("{lists}/kyiv")).await;
    assert_eq!(status, 404);

    let (status, _) = portal
        .send(Method::POST, &lists, json!({"title": "not an array"}))
        .await;
    assert_eq!(status, 422);

    let (status, patched) = portal
        .send(
            Method::PATCH,
            &format!("/crm/v1/entities/deals/fields/{code}"),
            json!({"name": "Область", "required": false}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["name"], "Область");
    assert_eq!(patched["code"], code.as_str());

    let (status, _) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals",
            json!({"title": "З регіоном", code.clone(): "lviv"}),
        )
        .await;
    assert_eq!(status, 201);

    let (status, _) = portal
        .delete(&format!("/crm/v1/entities/deals/fields/{code}"))
        .await;
    assert_eq!(status, 204);
    let (status, _) = portal
        .get(&format!("/crm/v1/entities/deals/fields/{code}"))
        .await;
    assert_eq!(status, 404);
    let (status, _) = portal.delete("/crm/v1/entities/deals/fields/title").await;
    assert_eq!(status, 403, "system fields stay");

    let (status, body) = portal
        .send(
            Method::POST,
            "/crm/v1/entities/deals/fields",
            json!({"name": "x", "type": "hologram"}),
        )
        .await;
    assert_eq!(status, 422);
    assert!(body["errors"]["type"].is_array());
}

#[tokio::test]
async fn custom_entity_lifecycle() {
    let portal = Portal::start(20).await;
    let (status, entity) = portal
        .send(
            Method::POST,
            "/crm/v1/entity",
            json!({"title": "Об'єкти нерухомості", "kanban": true}),
        )
        .await;
    assert_eq!(status, 201);
    let table = entity["table_name"].as_str().unwrap().to_string();
    assert_eq!(table, "obiekty_nerukhomosti");

    let (status, item) = portal
        .send(
            Method::POST,
            &format!("/crm/v1/entities/{table}"),
            json!({"title": "Квартира на Подолі", "data_formuvannya": 1717000000}),
        )
        .await;
    assert_eq!(status, 201);
    assert_eq!(item["kanban_status"], "IN_WORK");
    assert_eq!(item["data_formuvannya"], 1717000000);
    let (_, page) = portal.get(&format!("/crm/v1/entities/{table}")).await;
    assert_eq!(page["meta"]["total"], 1);

    let (_, projects) = portal
        .get(&format!("/crm/v1/entities/{}?list=5", demo::CUSTOM_ENTITY))
        .await;
    assert_eq!(projects["data"][0]["budget"]["currency"], "UAH");

    let (status, _) = portal
        .send(Method::POST, "/crm/v1/entity", json!({"kanban": true}))
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn lead_conversion() {
    let portal = Portal::start(20).await;
    let (status, result) = portal
        .send(Method::POST, "/crm/v1/entities/leads/4/convert", json!({}))
        .await;
    assert_eq!(status, 200);
    let contact_id = result["contact_id"].as_i64().unwrap();
    let deal_id = result["deal_id"].as_i64().unwrap();
    let lead = portal.server.item("leads", 4).unwrap();
    assert_eq!(lead["converted"], true);
    assert_eq!(lead["kanban_status"], "SUCCESS");
    let contact = portal.server.item("contacts", contact_id).unwrap();
    assert_eq!(contact["first_name"], lead["first_name"]);
    let deal = portal.server.item("deals", deal_id).unwrap();
    assert_eq!(deal["contacts"], json!([{"id": contact_id}]));

    let (status, _) = portal
        .send(Method::POST, "/crm/v1/entities/leads/4/convert", json!({}))
        .await;
    assert_eq!(status, 422, "a lead converts once");
    let (status, _) = portal
        .send(Method::POST, "/crm/v1/entities/deals/4/convert", json!({}))
        .await;
    assert_eq!(status, 422);
}

#[tokio::test]
async fn patch_kanban_stage_updates_status() {
    let portal = Portal::start(20).await;
    let (_, stages) = portal
        .get("/crm/v1/entities/deals/kanban/stage?funnel_id=1")
        .await;
    let success = stages["data"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["stage_code"] == "SUCCESS")
        .unwrap()["id"]
        .clone();
    let (status, patched) = portal
        .send(
            Method::PATCH,
            "/crm/v1/entities/deals/2",
            json!({"kanban_stage_id": success, "kanban_status": "FAIL"}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(patched["kanban_stage_id"], success);
    assert_eq!(
        patched["kanban_status"], "SUCCESS",
        "status follows the stage"
    );
}

#[tokio::test]
async fn routing_edges() {
    let portal = Portal::start(20).await;
    let (status, body) = portal.get("/crm/v1/entities/deals/abc").await;
    assert_eq!(status, 404);
    assert_eq!(body["status"], 404);
    let (status, body) = portal.get("/crm/v1/nothing/here").await;
    assert_eq!(status, 404);
    assert!(body["message"].is_string());
    let (status, _) = portal.get("/crm/v1/entities/unknown").await;
    assert_eq!(status, 404);
    let (status, _) = portal
        .send(Method::PUT, "/crm/v1/entities/deals/1", json!({}))
        .await;
    assert_eq!(status, 405);

    let (status, mass) = portal
        .send(
            Method::DELETE,
            "/crm/v1/entities/deals/mass_deletion",
            json!({"entity_ids": [1, 2, 3], "except_ids": [2]}),
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(mass["deleted"], 2);
    assert!(portal.server.item("deals", 1).is_none());
    assert!(portal.server.item("deals", 2).is_some());
}
