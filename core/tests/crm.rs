//! Typed CRM calls against the mock portal.

mod common;

use common::*;
use futures::TryStreamExt;
use serde_json::{json, Value};
use uspacy::models::crm::{Filter, FilterRule, Item, ListQuery, ListValue};
use uspacy_mock::MockConfig;

#[tokio::test]
async fn create_get_update_delete() {
    let mock = mock().await;
    let client = password_client(&mock);
    let items = client.crm().items();

    let created = items
        .create(
            "contacts",
            &Item::default()
                .with("first_name", "Олена")
                .with("last_name", "Коваленко")
                .with(
                    "phone",
                    json!([{"type": "work", "value": "+380671234567", "main": true}]),
                ),
        )
        .await
        .unwrap();
    let id = created.id.expect("created item has an id");

    let fetched = items.get("contacts", id).await.unwrap();
    assert_eq!(fetched.fields["first_name"], json!("Олена"));
    assert_eq!(fetched.fields["phone"][0]["value"], json!("+380671234567"));

    let changes = Item::default().with("last_name", "Шевченко");
    let updated = items.update("contacts", id, &changes).await.unwrap();
    assert_eq!(updated.fields["last_name"], json!("Шевченко"));
    assert_eq!(
        updated.fields["first_name"],
        json!("Олена"),
        "other fields untouched"
    );

    items.delete("contacts", id).await.unwrap();
    assert!(mock.item("contacts", id).is_none());
}

#[tokio::test]
async fn update_sends_only_set_fields() {
    let mock = mock().await;
    let client = password_client(&mock);
    let deal = client
        .crm()
        .items()
        .create("deals", &Item::titled("Угода"))
        .await
        .unwrap();

    let changes = Item {
        title: Some("Нова назва".into()),
        ..Item::default()
    };
    client
        .crm()
        .items()
        .update("deals", deal.id.unwrap(), &changes)
        .await
        .unwrap();

    let path = format!("/crm/v1/entities/deals/{}", deal.id.unwrap());
    let patch = recorded(&mock, "PATCH", &path).pop().unwrap();
    let body: Value = serde_json::from_slice(&patch.body).unwrap();
    assert_eq!(body, json!({"title": "Нова назва"}));
}

#[tokio::test]
async fn get_then_update_keeps_custom_fields() {
    let mock = mock().await;
    let client = password_client(&mock);
    let items = client.crm().items();
    let created = items
        .create(
            "deals",
            &Item::titled("Поставка")
                .with("uf_crm_1002", "wholesale")
                .with("uf_crm_9999", json!({"nested": [1, 2, 3]}))
                .with("amount", json!({"currency": "UAH", "value": "15000.00"})),
        )
        .await
        .unwrap();
    let id = created.id.unwrap();

    let mut deal = items.get("deals", id).await.unwrap();
    deal.title = Some("Поставка (змінено)".into());
    items.update("deals", id, &deal).await.unwrap();

    let stored = mock.item("deals", id).unwrap();
    assert_eq!(stored["uf_crm_1002"], json!("wholesale"));
    assert_eq!(stored["uf_crm_9999"], json!({"nested": [1, 2, 3]}));
    assert_eq!(stored["amount"]["value"], json!("15000.00"));
    assert_eq!(stored["title"], json!("Поставка (змінено)"));
}

#[tokio::test]
async fn list_page_meta() {
    let mock = mock().await;
    let client = password_client(&mock);
    let page = client
        .crm()
        .items()
        .list("deals", &ListQuery::page(2, 25))
        .await
        .unwrap();
    let meta = page.meta.clone().unwrap();
    assert_eq!(page.items.len(), 25);
    assert_eq!(meta.current_page, Some(2));
    assert_eq!(meta.per_page, Some(25));
    assert_eq!(meta.total, Some(300));
    assert_eq!(meta.last_page, Some(12));
    assert!(page.has_more());
    assert!(page.links.is_some());
}

#[tokio::test]
async fn stream_all_deals() {
    let mock = mock_with(MockConfig {
        deals: 5000,
        ..MockConfig::default()
    })
    .await;
    let client = password_client(&mock);

    let deals: Vec<Item> = client
        .crm()
        .items()
        .iter("deals", &ListQuery::page(1, 100))
        .unwrap()
        .try_collect()
        .await
        .unwrap();

    assert_eq!(deals.len(), 5000);
    let mut ids: Vec<i64> = deals.iter().map(|deal| deal.id.unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 5000, "no item twice");
    assert_eq!(mock.count("GET", "/crm/v1/entities/deals"), 50);
}

#[tokio::test]
async fn filter_query_encoding_golden() {
    let mock = mock().await;
    let client = password_client(&mock);
    let query = ListQuery {
        list: Some(10),
        filters: Some(Filter::all(vec![FilterRule::new(
            "owner",
            "eq",
            vec![json!(1)],
        )])),
        ..ListQuery::default()
    }
    .sort_by("created_at", true)
    .param("kanban_status", json!(["IN_WORK", "SUCCESS"]));

    let page = client.crm().items().list("deals", &query).await.unwrap();

    let request = recorded(&mock, "GET", "/crm/v1/entities/deals")
        .pop()
        .unwrap();
    assert_eq!(
        request.query.as_deref(),
        Some(
            "list=10&sort_by[created_at]=desc&filters[condition]=and&filters[filters][0][field]=owner\
             &filters[filters][0][operator]=eq&filters[filters][0][values][0]=1\
             &kanban_status[]=IN_WORK&kanban_status[]=SUCCESS"
        )
    );
    assert!(
        page.items.iter().all(|deal| deal.owner == Some(1)),
        "the mock applied the filter"
    );
}

#[tokio::test]
async fn funnels_stages_and_move_with_reason() {
    let mock = mock().await;
    let client = password_client(&mock);
    let crm = client.crm();

    let funnels = crm.funnels().list("deals").await.unwrap();
    let funnel = &funnels[0];
    let funnel_id = funnel.id.unwrap();
    let stages = crm
        .kanban_stages()
        .list("deals", &json!({"funnel_id": funnel_id}))
        .await
        .unwrap();
    assert!(stages
        .iter()
        .all(|stage| stage.funnel_id == Some(funnel_id)));
    let won = stages
        .iter()
        .find(|stage| stage.stage_code.as_deref() == Some("SUCCESS"))
        .unwrap();
    let reasons = crm.reasons().list(funnel_id).await.unwrap();
    let reason_id = reasons.success[0].id.unwrap();

    let deal = crm
        .items()
        .create(
            "deals",
            &Item {
                funnel_id: Some(funnel_id),
                ..Item::titled("Оплата рахунку")
            },
        )
        .await
        .unwrap();
    crm.kanban_stages()
        .r#move(
            "deals",
            deal.id.unwrap(),
            won.id.unwrap(),
            &json!({"reason_id": reason_id}),
        )
        .await
        .unwrap();

    let moved = crm.items().get("deals", deal.id.unwrap()).await.unwrap();
    assert_eq!(moved.kanban_stage_id, won.id);
    assert_eq!(moved.kanban_status.as_deref(), Some("SUCCESS"));
    assert_eq!(moved.kanban_reason_id, Some(reason_id));
    let path = format!(
        "/crm/v1/entities/deals/{}/move/stage/{}",
        deal.id.unwrap(),
        won.id.unwrap()
    );
    let body: Value = serde_json::from_slice(&recorded(&mock, "POST", &path)[0].body).unwrap();
    assert_eq!(body, json!({"reason_id": reason_id}));

    let in_stage = crm
        .kanban_stages()
        .get("deals", won.id.unwrap(), &ListQuery::page(1, 100))
        .await
        .unwrap();
    assert!(in_stage.items.iter().any(|item| item.id == deal.id));
}

#[tokio::test]
async fn fields_and_list_values() {
    let mock = mock().await;
    let client = password_client(&mock);
    let crm = client.crm();

    let fields = crm.fields().list("deals").await.unwrap();
    let list_field = fields
        .iter()
        .find(|field| {
            field.field_type.as_deref() == Some("list")
                && field
                    .code
                    .as_deref()
                    .is_some_and(|c| c.starts_with("uf_crm_"))
        })
        .expect("the demo portal has a custom list field on deals");
    let code = list_field.code.clone().unwrap();

    let new_value = ListValue {
        title: Some("Партнерський канал".into()),
        value: Some("partner".into()),
        ..ListValue::default()
    };
    crm.field_list_items()
        .upsert("deals", &code, &[new_value])
        .await
        .unwrap();
    let values = crm.field_list_items().list("deals", &code).await.unwrap();
    assert!(values
        .iter()
        .any(|value| value.value.as_deref() == Some("partner")));

    crm.field_list_items()
        .delete("deals", &code, "partner")
        .await
        .unwrap();
    let values = crm.field_list_items().list("deals", &code).await.unwrap();
    assert!(!values
        .iter()
        .any(|value| value.value.as_deref() == Some("partner")));

    let field = crm.fields().get("deals", &code).await.unwrap();
    assert_eq!(field.code.as_deref(), Some(code.as_str()));
}

#[tokio::test]
async fn entity_aliases_hit_fixed_paths() {
    let mock = mock().await;
    let client = password_client(&mock);
    let crm = client.crm();
    crm.companies().list(&ListQuery::page(1, 5)).await.unwrap();
    crm.contacts().list(&ListQuery::page(1, 5)).await.unwrap();
    crm.deals().list(&ListQuery::page(1, 5)).await.unwrap();
    crm.leads().list(&ListQuery::page(1, 5)).await.unwrap();
    crm.lead_fields().list().await.unwrap();
    for path in ["companies", "contacts", "deals", "leads", "leads/fields"] {
        assert_eq!(
            mock.count("GET", &format!("/crm/v1/entities/{path}")),
            1,
            "{path}"
        );
    }
}

#[tokio::test]
async fn custom_entity_items() {
    let mock = mock().await;
    let client = password_client(&mock);
    let entities = client.crm().entities().list(&json!({})).await.unwrap();
    let custom = entities
        .items
        .iter()
        .find_map(|entity| {
            entity.table_name.clone().filter(|name| {
                !["leads", "deals", "contacts", "companies"].contains(&name.as_str())
            })
        })
        .expect("the demo portal has a custom entity");
    let created = client
        .crm()
        .items()
        .create(&custom, &Item::titled("Проєкт").with("uf_crm_7001", "x"))
        .await
        .unwrap();
    let fetched = client
        .crm()
        .items()
        .get(&custom, created.id.unwrap())
        .await
        .unwrap();
    assert_eq!(fetched.fields["uf_crm_7001"], json!("x"));
}
