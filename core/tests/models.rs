//! Decoding of models from the shapes the server is known to send.

use serde_json::{json, Value};
use uspacy::models::crm::{Field, Funnel, Item, ListValue, Reasons};
use uspacy::models::files::File;
use uspacy::models::{Decimal, Money};

fn item(value: Value) -> Item {
    serde_json::from_value(value).expect("item decodes")
}

#[test]
fn ids_as_number_or_string() {
    for raw in [json!({"id": 42}), json!({"id": "42"}), json!({"id": 42.0})] {
        assert_eq!(item(raw.clone()).id, Some(42), "{raw}");
    }
}

#[test]
fn null_missing_and_empty_ids() {
    assert_eq!(item(json!({"id": null})).id, None);
    assert_eq!(item(json!({})).id, None);
    assert_eq!(item(json!({"owner": ""})).owner, None);
}

#[test]
fn bad_id_is_error_naming_field() {
    let error = serde_path_to_error_like(json!({"title": "x", "owner": "abc"}));
    assert!(error.contains("owner"), "{error}");
}

fn serde_path_to_error_like(value: Value) -> String {
    let text = value.to_string();
    let deserializer = &mut serde_json::Deserializer::from_str(&text);
    match serde_path_to_error::deserialize::<_, Item>(deserializer) {
        Ok(_) => panic!("should fail"),
        Err(error) => format!("{} at {}", error.inner(), error.path()),
    }
}

#[test]
fn booleans_in_every_form() {
    let cases = [
        (json!(true), Some(true)),
        (json!(false), Some(false)),
        (json!(1), Some(true)),
        (json!(0), Some(false)),
        (json!("1"), Some(true)),
        (json!("0"), Some(false)),
        (json!("true"), Some(true)),
        (json!(null), None),
    ];
    for (raw, expected) in cases {
        let value: ListValue = serde_json::from_value(json!({"selected": raw})).unwrap();
        assert_eq!(value.selected, expected, "{raw}");
    }
}

#[test]
fn boolean_rejects_other_numbers() {
    assert!(serde_json::from_value::<ListValue>(json!({"selected": 2})).is_err());
    assert!(serde_json::from_value::<ListValue>(json!({"selected": "yes"})).is_err());
}

#[test]
fn list_value_code_as_number() {
    let value: ListValue = serde_json::from_value(json!({"title": "Опт", "value": 3})).unwrap();
    assert_eq!(value.value.as_deref(), Some("3"));
}

#[test]
fn money_value_string_kept_exactly() {
    let money: Money =
        serde_json::from_value(json!({"currency": "UAH", "value": "12500.50"})).unwrap();
    assert_eq!(money.value.as_str(), "12500.50");
    assert_eq!(
        serde_json::to_value(&money).unwrap(),
        json!({"currency": "UAH", "value": "12500.50"})
    );
}

#[test]
fn money_value_number_read() {
    let money: Money = serde_json::from_value(json!({"currency": "UAH", "value": 199.99})).unwrap();
    assert_eq!(money.value.as_str(), "199.99");
    let whole: Money =
        serde_json::from_value(json!({"currency": "USD", "value": 1000000})).unwrap();
    assert_eq!(whole.value.as_str(), "1000000");
}

#[test]
fn money_value_garbage_rejected() {
    for bad in [
        json!("12,5"),
        json!("abc"),
        json!(true),
        json!("1."),
        json!(""),
    ] {
        let result = serde_json::from_value::<Money>(json!({"currency": "UAH", "value": bad}));
        assert!(result.is_err(), "{bad} should be rejected");
    }
}

#[test]
fn decimal_parse() {
    assert!(Decimal::parse("-0.5").is_some());
    assert!(Decimal::parse("12").is_some());
    assert!(Decimal::parse("1e5").is_none());
    assert!(Money::new("UAH", "abc").is_err());
}

#[test]
fn item_money_accessor() {
    let deal =
        item(json!({"id": 1, "amount": {"currency": "UAH", "value": "500"}, "broken": {"x": 1}}));
    assert_eq!(deal.money("amount").unwrap().unwrap().value.as_str(), "500");
    assert_eq!(deal.money("missing").unwrap(), None);
    let error = deal.money("broken").unwrap_err();
    assert_eq!(error.json_path(), Some("broken"));
}

#[test]
fn unknown_fields_survive_round_trip() {
    let raw = json!({
        "id": 7,
        "title": "Угода",
        "uf_crm_1001": ["opt", "retail"],
        "uf_crm_edrpou": "12345678",
        "phone": [{"type": "work", "value": "+380501234567", "main": true}],
        "created_at": "1700000000"
    });
    let decoded = item(raw);
    let encoded = serde_json::to_value(&decoded).unwrap();
    assert_eq!(encoded["uf_crm_1001"], json!(["opt", "retail"]));
    assert_eq!(encoded["uf_crm_edrpou"], json!("12345678"));
    assert_eq!(encoded["phone"][0]["value"], json!("+380501234567"));
    assert_eq!(encoded["created_at"], json!(1700000000));
}

#[test]
fn unset_fields_not_serialized() {
    let changes = Item {
        title: Some("Нова назва".into()),
        ..Item::default()
    };
    assert_eq!(
        serde_json::to_value(&changes).unwrap(),
        json!({"title": "Нова назва"})
    );
}

#[test]
fn explicit_null_kept_in_fields() {
    let changes = Item::default().with("uf_crm_1001", Value::Null);
    assert_eq!(
        serde_json::to_value(&changes).unwrap(),
        json!({"uf_crm_1001": null})
    );
}

#[test]
fn field_with_string_flags() {
    let field: Field = serde_json::from_value(json!({
        "name": "Джерело", "code": "uf_crm_1001", "type": "list",
        "required": "0", "multiple": 1, "sort": "10",
        "values": [{"title": "Опт", "value": "opt", "selected": 0}],
        "tooltip": null
    }))
    .unwrap();
    assert_eq!(field.field_type.as_deref(), Some("list"));
    assert_eq!(field.required, Some(false));
    assert_eq!(field.multiple, Some(true));
    assert_eq!(field.sort, Some(10));
    assert_eq!(field.values.unwrap()[0].value.as_deref(), Some("opt"));
    assert_eq!(field.extra["tooltip"], Value::Null);
}

#[test]
fn funnel_with_stages() {
    let funnel: Funnel = serde_json::from_value(json!({
        "id": "3", "title": "Продажі", "default": true,
        "stages": [{"id": 10, "title": "Нова", "stage_code": "NEW", "system_stage": "1", "funnel_id": 3}]
    }))
    .unwrap();
    let stages = funnel.stages.unwrap();
    assert_eq!(stages[0].system_stage, Some(true));
    assert_eq!(stages[0].funnel_id, Some(3));
}

#[test]
fn reasons_grouped() {
    let reasons: Reasons = serde_json::from_value(json!({
        "SUCCESS": [{"id": 1, "title": "Оплачено", "type": "SUCCESS"}],
        "FAIL": []
    }))
    .unwrap();
    assert_eq!(reasons.success[0].reason_type.as_deref(), Some("SUCCESS"));
    assert!(reasons.fail.is_empty());
}

#[test]
fn file_camel_case_and_string_ids() {
    let file: File = serde_json::from_value(json!({
        "id": 5, "entityType": "deals", "entityId": 42, "originalFilename": "Договір №5.pdf",
        "size": "2048", "uploadId": "a1b2"
    }))
    .unwrap();
    assert_eq!(file.entity_id.as_deref(), Some("42"));
    assert_eq!(file.size, Some(2048));
    assert_eq!(file.original_filename.as_deref(), Some("Договір №5.pdf"));
}
