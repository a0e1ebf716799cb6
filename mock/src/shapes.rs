//! Schema-shaped responses: generated data in the documented shape of an
//! operation, built from its envelope and result model (`returns`) in the
//! core's table. Operations listed in `SCHEMA_SHAPED` are served this way on
//! purpose, and any operation without a stateful handler falls back to it.

use serde_json::{json, Value};
use uspacy::{Envelope, Operation};

use crate::crm_items::Handled;
use crate::data::{Rng, EPOCH};
use crate::http::{empty, json};
use crate::router::Call;
use crate::store::{now_ms, paged, Meta};
use crate::words::{CITIES, FEMALE_NAMES, SERVICES, SURNAMES};

/// Operations whose effect the mock does not model. Their responses have the
/// documented shape but change nothing.
pub(crate) const SCHEMA_SHAPED: &[&str] = &[
    // Only the API reference names these; their bodies are unknown.
    "messenger.telephony.start_call",
    "messenger.telephony.end_call",
    "tasks.transfers.transfer_to_department",
];

/// Items in a generated list.
const LIST_LENGTH: i64 = 3;

/// Responds to `call` with generated data of its operation's shape.
pub(crate) fn answer(call: &Call<'_>) -> Handled {
    let op = call.op;
    let seed = op.id.bytes().fold(7_u64, |hash, b| {
        hash.wrapping_mul(31).wrapping_add(u64::from(b))
    });
    let mut rng = Rng::new(seed);
    let body = match op.envelope {
        Envelope::Empty => return Ok(empty(204)),
        Envelope::Paginated => {
            let items = list(op, &mut rng);
            paged(items, call.query(), &call.url(), Meta::Snake)?
        }
        Envelope::Cursor => {
            json!({"data": list(op, &mut rng), "nextCursor": null, "hasNext": false})
        }
        Envelope::Array | Envelope::TimestampPaged => Value::Array(list(op, &mut rng)),
        Envelope::Data => json!({"data": result(op, &mut rng)}),
        Envelope::StatusData => json!({"status": true, "data": result(op, &mut rng)}),
        Envelope::Object => result(op, &mut rng),
    };

    Ok(json(200, &body))
}

/// Returns the model name without a list marker, and whether it had one.
fn model_of(op: &Operation) -> (&'static str, bool) {
    match op.returns.strip_suffix("[]") {
        Some(base) => (base, true),
        None => (op.returns, false),
    }
}

fn list(op: &Operation, rng: &mut Rng) -> Vec<Value> {
    let (name, _) = model_of(op);
    (1..=LIST_LENGTH)
        .map(|id| model(op, name, id, rng))
        .collect()
}

fn result(op: &Operation, rng: &mut Rng) -> Value {
    let (name, is_list) = model_of(op);
    if is_list {
        Value::Array(list(op, rng))
    } else {
        model(op, name, 1, rng)
    }
}

/// Returns an untyped result (`Value`) of an operation the mock does not model.
fn untyped(op: &Operation, rng: &mut Rng) -> Value {
    match op.id {
        "messenger.telephony.start_call" => json!({
            "callId": format!("call-{:012x}", rng.next_u64() >> 16),
            "status": "started",
            "startedAt": now_ms(),
        }),
        "messenger.telephony.end_call" => json!({
            "callId": format!("call-{:012x}", rng.next_u64() >> 16),
            "status": "ended",
            "duration": rng.range(10, 600),
        }),
        "tasks.transfers.transfer_to_department" => json!({"count": 0, "status": "completed"}),
        _ => json!({"status": true, "message": "Done."}),
    }
}

fn person(rng: &mut Rng) -> (&'static str, &'static str) {
    (rng.word(FEMALE_NAMES), rng.word(SURNAMES))
}

/// Returns a generated instance of model `name` with id `id`.
fn model(op: &Operation, name: &str, id: i64, rng: &mut Rng) -> Value {
    let time = EPOCH + id * 86_400;
    let ms = time * 1000;
    match name {
        "TokenPair" => {
            json!({"jwt": "header.payload.signature", "refreshToken": format!("refresh-{id}"), "expireInSeconds": 3600})
        }
        "StatusMessage" => json!({"status": true, "message": "Done."}),
        "User" => {
            let (first, last) = person(rng);
            json!({"id": id, "authUserId": id, "firstName": first, "lastName": last, "email": [{"type": "work", "value": format!("user{id}@demo.uspacy.ua"), "main": true}], "phone": [], "roles": ["user"], "departmentsIds": [1], "active": true, "registered": true, "city": rng.pick(CITIES)})
        }
        "PortalSettings" => {
            json!({"lang": "uk", "timezone": "Europe/Kyiv", "dateFormat": "DD.MM.YYYY", "timeFormat": "24", "defaultCurrency": "UAH", "availableCurrencies": ["UAH"], "weekends": [6, 7], "holidays": [], "installedApps": []})
        }
        "TwoFactorStatus" => json!({"enabled": false}),
        "TwoFactorSetup" => {
            json!({"step": "get-qr-code", "code": "otpauth://totp/Uspacy?secret=JBSWY3DP"})
        }
        "Department" => {
            json!({"id": id, "name": format!("Відділ {id}"), "description": "", "headId": 1, "parentDepartmentId": 1, "usersIds": [1], "roles": [], "main": false})
        }
        "Permissions" => json!({"create": [], "view": [], "edit": [], "delete": [], "export": []}),
        "Role" => {
            json!({"id": id, "code": format!("role_{id}"), "title": format!("Роль {id}"), "userList": [1], "departmentList": [], "permissions": []})
        }
        "Field" => {
            json!({"name": format!("Поле {id}"), "code": format!("uf_crm_{}", 1_716_300_000 + id), "type": "string", "required": false, "editable": true, "show": true, "hidden": false, "multiple": false, "system_field": false, "sort": id * 10, "values": [], "field_section_id": 1})
        }
        "ListValue" => {
            json!({"title": format!("Значення {id}"), "value": format!("value_{id}"), "color": "#3AA1FF", "sort": id * 10, "selected": false, "active": true})
        }
        "Webhook" => {
            json!({"id": id, "name": format!("Вебхук {id}"), "description": "", "url": "https://example.com/hook", "active": true, "events": [], "created_at": crate::store::iso(time), "updated_at": crate::store::iso(time)})
        }
        "Post" => {
            json!({"id": id, "title": "Новина", "message": "Текст новини", "authorId": 1, "author_mood": "", "date": time, "group_id": null, "files": [], "comments": [], "recipients": {}, "reactions": [], "total_comments": 0})
        }
        "Task" => {
            json!({"id": id.to_string(), "title": rng.pick(SERVICES), "body": "", "status": "new", "priority": "neutral", "deadline": time + 86_400, "responsibleId": 1, "accomplicesIds": [], "auditorsIds": [], "kanbanStageId": "1", "groupId": null, "parentId": null, "checklists": [], "files": []})
        }
        "TaskStage" => {
            json!({"id": id.to_string(), "title": format!("Стадія {id}"), "color": "#3AA1FF", "afterId": null, "sort": id * 10, "group_id": null})
        }
        "Checklist" => json!({"id": id, "name": "Чекліст", "sort": id * 10, "items": []}),
        "ChecklistItem" => {
            json!({"id": id, "title": format!("Пункт {id}"), "done": false, "sort": id * 10})
        }
        "TransferResult" => json!({"count": 0, "status": "completed"}),
        "File" => {
            json!({"id": id, "entityType": "deals", "entityId": "1", "uploadId": format!("upload-{id}"), "creatorId": 1, "originalFilename": format!("Файл {id}.pdf"), "lastModified": ms, "size": 1024, "url": "https://example.com/file.pdf"})
        }
        "StorageSize" => json!({"size": 0, "limit": 10_737_418_240_i64}),
        "Comment" => {
            json!({"id": id, "entityType": "task", "entityId": "1", "authorId": 1, "message": "Коментар", "date": time, "pinned": false, "read": true, "files": [], "reactions": []})
        }
        "Group" => {
            json!({"id": id, "name": format!("Група {id}"), "groupType": "OPEN", "ownerId": 1, "description": "", "archived": false, "moderatorsIds": [], "usersIds": [1], "externalUserIds": [], "enableColorTheme": false})
        }
        "Entity" => {
            json!({"id": id, "title": "Угоди", "title_singular": "Угода", "table_name": "deals", "type": "system", "sort": id, "kanban": true})
        }
        "FieldType" => json!({"id": id, "code": "string", "name": "Рядок"}),
        "Item" => {
            json!({"id": id, "title": format!("{} №{id}", rng.pick(SERVICES)), "owner": 1, "created_at": time, "updated_at": time})
        }
        "CrmTask" | "Activity" => {
            json!({"id": id, "title": "Зателефонувати клієнту", "type": "call", "status": "planned", "description": "", "start_time": time, "end_time": time + 3600, "responsible_id": 1, "created_by": 1, "created_at": time, "updated_at": time})
        }
        "Funnel" => {
            json!({"id": id, "title": "Продажі", "funnel_code": "sales", "default": id == 1, "active": true, "stages": []})
        }
        "KanbanStage" => {
            json!({"id": id, "title": "Нова", "stage_code": "NEW", "color": "#3AA1FF", "sort": id * 10, "system_stage": false, "funnel_id": 1, "reasons": []})
        }
        "Reasons" => {
            json!({"SUCCESS": [{"id": 1, "title": "Оплачено", "sort": 1, "type": "SUCCESS", "funnel_id": 1}], "FAIL": []})
        }
        "Reason" => {
            json!({"id": id, "title": "Оплачено", "sort": 1, "type": "SUCCESS", "funnel_id": 1})
        }
        "CallEvent" => {
            json!({"id": id, "subject": "Вхідний дзвінок", "call_type": "incoming", "ended_call_status": "answered", "from": "+380671234567", "to": "+380441234567", "begin_time": time, "end_time": time + 60, "duration": 60, "contacts": [], "companies": [], "deals": [], "leads": []})
        }
        "ProductCategory" => {
            json!({"id": id, "parent_id": null, "name": "Обладнання", "sort": id * 10, "is_active": true, "child_categories": []})
        }
        "MeasurementUnit" => {
            json!({"id": id, "name": "Штука", "abbr": "шт", "is_default": id == 1})
        }
        "Tax" => {
            json!({"id": id, "name": "ПДВ 20%", "rate": "20.00", "is_active": true, "created_at": time, "updated_at": time})
        }
        "Product" => {
            json!({"id": id, "title": rng.pick(SERVICES), "type": "goods", "is_active": true, "article": format!("ART-{id}"), "price": {"currency": "UAH", "value": "1000.00"}, "prices": [], "measurement_unit_id": 1, "tax_id": 1, "is_tax_included": false, "balance": "5.00", "file_ids": [], "created_at": time, "updated_at": time})
        }
        "EntityProductList" => {
            json!({"id": id, "entity_type": "deals", "entity_id": 1, "is_automatic_calculation": true, "amount_before_discount_and_tax": "0.00", "amount_discount": "0.00", "amount_tax": "0.00", "amount_before_tax": "0.00", "amount_total": "0.00", "list_products": []})
        }
        "ListProduct" => {
            json!({"id": id, "title": "Монтаж", "price": "1000.00", "currency": "UAH", "quantity": "1.00", "measurement_unit_abbr": "шт", "discount_value": "0.00", "discount_type": "relative", "discount_price": "1000.00", "tax_rate": "20.00", "is_tax_included": false, "amount": "1200.00", "product_id": 1, "price_type_id": 1, "created_at": time, "updated_at": time})
        }
        "DocumentTemplate" => {
            json!({"id": id, "name": "Рахунок на оплату", "is_active": true, "file": null, "code": format!("DOC-{id:03}"), "binding_entities": [], "access": {}, "created_at": time, "updated_at": time, "created_by": 1, "updated_by": 1, "disabled": false})
        }
        "TemplateField" => {
            json!({"id": id, "name": "Назва угоди", "entity": "deals", "symbol_code": "DEAL_TITLE"})
        }
        "Document" => {
            json!({"id": id, "name": "Рахунок №1", "template_id": 1, "entity_type": "deals", "entity_id": 1, "file": null, "created_at": time, "updated_at": time})
        }
        "Region" => json!({"id": id, "code": "UA", "name": "Україна", "image": ""}),
        "RequisiteTemplate" => {
            json!({"id": id, "name": "Юридична особа", "region": {"id": 1, "code": "UA", "name": "Україна", "image": ""}, "fields": [], "created_at": time, "updated_at": time, "created_by": 1, "updated_by": 1})
        }
        "Requisite" => {
            json!({"id": id, "name": "Основні реквізити", "is_basic": true, "template_id": 1, "template_name": "Юридична особа", "region": null, "fields": {"list": [], "values": {}}, "payer_pdv": false, "bank_requisites": []})
        }
        "BankRequisite" => {
            json!({"id": id, "name": "Банк", "is_basic": true, "requisite_id": 1, "fields": {"list": [], "values": {}}, "created_by": 1, "updated_by": 1})
        }
        "App" => {
            json!({"id": id, "name": format!("Застосунок {id}"), "code": format!("app-{id}"), "short_description": "", "active": true, "paid": false, "installed": false, "price": null})
        }
        "Mailbox" => {
            json!({"id": id, "email": format!("box{id}@demo.uspacy.ua"), "name": "Пошта", "imap_port": 993, "smtp_port": 465, "status": "active", "sync_freq": 5, "crm_integration_enabled": false, "access_roles": [], "folders": [], "created_at": crate::store::iso(time), "updated_at": crate::store::iso(time)})
        }
        "CrmSetting" => json!({"setting_name": format!("setting_{id}"), "setting_value": 1}),
        "Folder" => {
            json!({"id": id, "email_id": 1, "parent_id": null, "folder_name": "INBOX", "path": "INBOX", "delimitter": "/", "message_count": 0, "unread_message_count": 0, "is_inbox": id == 1, "is_trash": false, "is_spam": false, "is_draft": false, "is_junk": false, "is_sent": false, "is_root": true, "has_children": false})
        }
        "Signature" => {
            json!({"id": id, "name": "Підпис", "signature": "<p>З повагою</p>", "added_by": 1, "is_all_emails": true, "emails": [], "active": true, "created_at": crate::store::iso(time), "updated_at": crate::store::iso(time)})
        }
        "Letter" => {
            let (first, last) = person(rng);
            json!({"id": id, "uid": id, "email_id": 1, "message_id": format!("<{id}@demo>"), "subject": "Запит пропозиції", "body": format!("Добрий день! {first} {last}"), "body_html": "", "date": time, "is_read": false, "status": "succseed", "contacts": [], "folders": [], "attachments": [], "crm_entities": {}, "thread_length": 1})
        }
        "HistoryChange" => {
            json!({"id": id, "changed_by": 1, "changed_at": time, "contributor": null, "contributor_id": 1, "items": []})
        }
        "Chat" => {
            json!({"id": format!("{}{id:016x}", crate::messenger::CHAT_PREFIX), "name": format!("Чат {id}"), "type": "GROUP", "ownerId": 1, "members": [1], "pinned": false, "timestamp": ms, "externalLines": [], "meta": [], "unreadCount": 0, "unreadMentions": []})
        }
        "Message" => {
            json!({"id": format!("{}{id:016x}", crate::messenger::MESSAGE_PREFIX), "chatId": format!("{}{:016x}", crate::messenger::CHAT_PREFIX, 1), "authorId": 1, "message": "Привіт!", "type": "MESSAGE", "timestamp": ms, "readBy": [1], "mentioned": [], "attachedFiles": [], "status": "sent"})
        }
        "ExternalLine" => {
            json!({"id": format!("{}{id:016x}", crate::messenger::LINE_PREFIX), "externalId": format!("line-{id}"), "name": "Telegram", "icon": "telegram", "phoneNumber": "", "portal": "demo", "timestamp": ms})
        }
        _ => untyped(op, rng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uspacy::models::*;

    /// Decodes `value` as the model called `name`; `Err` names the problem.
    fn decodes(name: &str, value: &Value) -> Result<(), String> {
        macro_rules! models {
            ($($model:ident),* $(,)?) => {
                match name {
                    "Value" => Ok(()),
                    "TokenPair" => value.get("jwt").map(|_| ()).ok_or_else(|| "no jwt".to_string()),
                    $(stringify!($model) => serde_json::from_value::<$model>(value.clone())
                        .map(|_| ())
                        .map_err(|error| error.to_string()),)*
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

    /// Every model the table names has a generated sample that decodes.
    #[test]
    fn samples_decode_as_their_models() {
        let mut failures = Vec::new();
        for op in uspacy::OPERATIONS {
            let (name, _) = model_of(op);
            let mut rng = Rng::new(1);
            let sample = model(op, name, 1, &mut rng);
            if let Err(error) = decodes(name, &sample) {
                failures.push(format!("{} ({name}): {error}", op.id));
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn lists_hold_distinct_ids() {
        let op = uspacy::operation::find("crm.units.list").unwrap();
        let items = list(op, &mut Rng::new(1));
        assert_eq!(items.len(), LIST_LENGTH as usize);
        assert_ne!(items[0]["id"], items[1]["id"]);
    }
}
