//! Every model named in the operation table decodes its fixture (with the
//! type variations the server sends) and keeps every non-null key when
//! serialized again.

use std::collections::BTreeSet;

use serde_json::{Map, Value};
use uspacy::models::*;
use uspacy::OPERATIONS;

/// Decodes `value` as the model called `name` and serializes it again.
fn round_trip(name: &str, value: Value) -> Result<Value, String> {
    macro_rules! models {
        ($($model:ident),* $(,)?) => {
            match name {
                $(stringify!($model) => {
                    let text = value.to_string();
                    let deserializer = &mut serde_json::Deserializer::from_str(&text);
                    let decoded: $model = serde_path_to_error::deserialize(deserializer)
                        .map_err(|error| format!("{} at {}", error.inner(), error.path()))?;
                    Ok(serde_json::to_value(decoded).unwrap())
                })*
                other => Err(format!("no decoder for model `{other}`")),
            }
        };
    }
    models!(
        Item,
        Field,
        ListValue,
        Funnel,
        KanbanStage,
        Reason,
        Reasons,
        Entity,
        File,
        StorageSize,
        StatusMessage,
        User,
        PortalSettings,
        TwoFactorStatus,
        TwoFactorSetup,
        Department,
        Role,
        Permissions,
        Webhook,
        TransferResult,
        Post,
        Task,
        TaskStage,
        Checklist,
        ChecklistItem,
        Comment,
        Group,
        CrmTask,
        CallEvent,
        ProductCategory,
        MeasurementUnit,
        Tax,
        Product,
        EntityProductList,
        ListProduct,
        DocumentTemplate,
        TemplateField,
        Document,
        Region,
        RequisiteTemplate,
        Requisite,
        BankRequisite,
        FieldType,
        App,
        Mailbox,
        CrmSetting,
        Folder,
        Signature,
        Letter,
        HistoryChange,
        Activity,
        Chat,
        Message,
        ExternalLine,
    )
}

fn fixtures() -> Map<String, Value> {
    serde_json::from_str(include_str!("fixtures/models.json")).expect("fixtures are JSON")
}

#[test]
fn every_table_model_has_fixture() {
    let fixtures = fixtures();
    let named: BTreeSet<&str> = OPERATIONS
        .iter()
        .map(|op| op.returns.trim_end_matches("[]"))
        .filter(|name| !matches!(*name, "Value" | "TokenPair"))
        .collect();
    let missing: Vec<&&str> = named
        .iter()
        .filter(|name| !fixtures.contains_key(**name))
        .collect();
    assert!(missing.is_empty(), "models without fixtures: {missing:?}");
}

#[test]
fn fixtures_decode_and_keep_keys() {
    let mut failures = Vec::new();
    for (name, cases) in fixtures() {
        for (index, case) in cases
            .as_array()
            .expect("a list of cases")
            .iter()
            .enumerate()
        {
            match round_trip(&name, case.clone()) {
                Err(error) => failures.push(format!("{name}[{index}]: {error}")),
                Ok(encoded) => {
                    for (key, value) in case.as_object().expect("cases are objects") {
                        if !value.is_null() && encoded.get(key).is_none() {
                            failures.push(format!("{name}[{index}]: key `{key}` lost"));
                        }
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn numeric_strings_normalized() {
    let task = round_trip(
        "Task",
        serde_json::json!({"id": 645, "deadline": "1733400000", "accomplicesIds": ["4"]}),
    )
    .unwrap();
    assert_eq!(task["id"], "645", "task ids are strings");
    assert_eq!(task["deadline"], 1733400000);
    assert_eq!(task["accomplicesIds"], serde_json::json!([4]));
}

#[test]
fn external_line_as_id_or_object() {
    let by_id = round_trip("Message", serde_json::json!({"externalLine": "l1"})).unwrap();
    let by_object =
        round_trip("Message", serde_json::json!({"externalLine": {"id": "l1"}})).unwrap();
    assert_eq!(by_id["externalLine"], "l1");
    assert_eq!(by_object["externalLine"]["id"], "l1");
}

#[test]
fn bad_values_name_their_field() {
    let cases = [
        ("User", serde_json::json!({"id": "abc"}), "id"),
        (
            "Department",
            serde_json::json!({"usersIds": [1, "x"]}),
            "usersIds",
        ),
        ("Tax", serde_json::json!({"rate": "twenty"}), "rate"),
        ("Chat", serde_json::json!({"pinned": "maybe"}), "pinned"),
        (
            "Folder",
            serde_json::json!({"message_count": true}),
            "message_count",
        ),
        (
            "Product",
            serde_json::json!({"price": {"currency": "UAH", "value": "1,5"}}),
            "price",
        ),
    ];
    for (name, value, field) in cases {
        let error = round_trip(name, value).unwrap_err();
        assert!(
            error.contains(field),
            "{name}: `{error}` should name `{field}`"
        );
    }
}
