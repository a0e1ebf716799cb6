//! Sample arguments of the generated per-operation tests, keyed by op id:
//! path parameters, query, body and multipart form that the mock portal's
//! demo data accepts (`MockConfig { deals: 50, .. }`, seed 1).
//!
//! Bodies are JSON written compactly, exactly as `serde_json` serializes
//! them, because the tests compare the sent bytes with this text. A query
//! sample pairs the JSON the test passes with the query string the core
//! must send for it.

/// Ids of the mock's seeded messenger objects.
const GENERAL_CHAT: &str = "6650c0de0000000000000001";
const SALES_CHAT: &str = "6650c0de0000000000000002";
const FIRST_MESSAGE: &str = "6650d00d0000000000000001";
const TELEGRAM_LINE: &str = "6650e11e0000000000000001";

/// A multipart body: text fields and one file part under the operation's
/// file field.
pub struct Form {
    pub fields: &'static [(&'static str, &'static str)],
    pub filename: &'static str,
    pub content: &'static str,
}

/// Path parameters that differ from `default_param`, by op id.
const PATHS: &[(&str, &[(&str, &str)])] = &[
    ("auth.change_user_password", &[("user_id", "5")]),
    ("users.two_factor.get_status", &[("id", "2")]),
    ("users.two_factor.disable", &[("id", "2")]),
    ("departments.delete", &[("id", "4")]),
    ("roles.get", &[("id", "1")]),
    ("invites.resend", &[("user_id", "13")]),
    ("invites.delete", &[("user_id", "13")]),
    (
        "custom_fields.fields.get",
        &[("field_code", "customfield_1")],
    ),
    (
        "custom_fields.fields.update",
        &[("field_code", "customfield_1")],
    ),
    (
        "custom_fields.fields.delete",
        &[("field_code", "customfield_3")],
    ),
    (
        "custom_fields.lists.get",
        &[("field_code", "customfield_2")],
    ),
    (
        "custom_fields.lists.upsert",
        &[("field_code", "customfield_2")],
    ),
    (
        "custom_fields.lists.delete_item",
        &[("field_code", "customfield_2"), ("value", "чай з лимоном")],
    ),
    ("webhooks.outgoing.delete", &[("id", "2")]),
    ("newsfeed.posts.delete", &[("id", "2")]),
    ("tasks.delete", &[("id", "5")]),
    ("tasks.stop", &[("id", "2")]),
    ("tasks.restart", &[("id", "3")]),
    ("tasks.stages.delete", &[("id", "4")]),
    ("tasks.checklists.delete", &[("id", "2")]),
    (
        "tasks.checklist_items.delete",
        &[("id", "1"), ("item_id", "2")],
    ),
    ("comments.delete", &[("id", "2")]),
    ("groups.delete", &[("id", "4")]),
    ("groups.members.add", &[("id", "1"), ("user_id", "2")]),
    ("groups.members.remove", &[("id", "1"), ("user_id", "5")]),
    ("groups.members.join", &[("id", "4")]),
    ("groups.join_requests.create", &[("group_id", "5")]),
    (
        "groups.join_requests.get",
        &[("group_id", "2"), ("user_id", "5")],
    ),
    (
        "groups.join_requests.decline",
        &[("group_id", "2"), ("user_id", "5")],
    ),
    ("crm.fields.delete", &[("field_code", "uf_crm_1716200002")]),
    ("crm.funnels.get", &[("funnel_id", "2")]),
    ("crm.funnels.update", &[("funnel_id", "2")]),
    (
        "crm.funnels.delete",
        &[("entity_code", "smart_projects"), ("funnel_id", "5")],
    ),
    ("crm.kanban_stages.get", &[("stage_id", "1")]),
    (
        "crm.kanban_stages.delete",
        &[("entity_code", "smart_projects"), ("stage_id", "21")],
    ),
    (
        "crm.kanban_stages.move",
        &[("item_id", "1"), ("stage_id", "5")],
    ),
    ("crm.reasons.delete", &[("reason_id", "15")]),
    ("crm.items.update", &[("id", "2")]),
    ("crm.items.delete", &[("id", "3")]),
    (
        "crm.items.convert",
        &[("entity_code", "leads"), ("id", "1")],
    ),
    ("crm.tasks.delete", &[("id", "2")]),
    ("crm.product_categories.update", &[("item_id", "2")]),
    ("crm.product_categories.delete", &[("item_id", "3")]),
    ("crm.units.update", &[("unit_id", "2")]),
    ("crm.units.delete", &[("unit_id", "3")]),
    ("crm.taxes.update", &[("tax_id", "2")]),
    ("crm.taxes.delete", &[("tax_id", "3")]),
    ("crm.products.update", &[("product_id", "2")]),
    ("crm.products.delete", &[("product_id", "3")]),
    ("crm.list_products.delete", &[("item_id", "2")]),
    ("crm.requisites.templates.delete", &[("template_id", "2")]),
    ("crm.requisites.delete", &[("requisite_id", "2")]),
    (
        "crm.requisites.bank_requisites.delete",
        &[("requisite_id", "2"), ("bank_requisite_id", "2")],
    ),
    (
        "crm.requisites.bank_requisites.bulk_delete",
        &[("requisite_id", "3")],
    ),
    ("apps.delete", &[("app_id", "2")]),
    ("email.folders.delete", &[("folder_id", "6")]),
    ("email.signatures.delete", &[("signature_id", "2")]),
    ("email.letters.send", &[("folder_id", "2")]),
    ("email.letters.delete", &[("letter_id", "2")]),
    ("email.letters.move", &[("folder_id", "4")]),
    ("activities.delete", &[("id", "2")]),
    ("messenger.chats.get", &[("id", GENERAL_CHAT)]),
    ("messenger.chats.delete", &[("id", GENERAL_CHAT)]),
    ("messenger.chats.set_active", &[("id", GENERAL_CHAT)]),
    ("messenger.chats.pin", &[("id", GENERAL_CHAT)]),
    ("messenger.chats.unpin", &[("id", GENERAL_CHAT)]),
    ("messenger.chats.mute", &[("id", GENERAL_CHAT)]),
    ("messenger.chats.unmute", &[("id", GENERAL_CHAT)]),
    (
        "messenger.messages.go_to",
        &[("id", "6650d00d000000000000000a")],
    ),
    (
        "messenger.messages.pin",
        &[("id", "6650d00d0000000000000003")],
    ),
    (
        "messenger.messages.unpin",
        &[("id", "6650d00d0000000000000003")],
    ),
    (
        "messenger.external_lines.delete",
        &[("id", "6650e11e0000000000000002")],
    ),
];

/// Returns the value of path parameter `name` when `PATHS` names none: the
/// first seeded record of the resource, or the one the samples agree on.
fn default_param(op_id: &str, name: &str) -> Option<&'static str> {
    let in_service = |prefix: &str| op_id.starts_with(prefix);
    let value = match name {
        "entity_code" => "deals",
        "field_code" => "uf_crm_1716200002",
        "value" => "expo",
        "funnel_id" | "reason_id" | "call_event_id" | "product_id" | "document_id"
        | "requisite_id" | "bank_requisite_id" | "template_id" | "email_id" | "folder_id"
        | "signature_id" | "letter_id" | "app_id" | "task_id" | "unit_id" | "tax_id" => "1",
        "stage_id" => "2",
        "item_id" if in_service("crm.product_categories") => "1",
        "item_id" => "1",
        "group_id" => "2",
        "chat_id" => GENERAL_CHAT,
        "service" => "crm",
        "entity_table_name" => "deals",
        "id" if in_service("users.") => "5",
        "id" if in_service("departments.") => "2",
        "id" if in_service("roles.") => "4",
        "id" if in_service("tasks.stages.") => "2",
        "id" if in_service("messenger.chats.") => SALES_CHAT,
        "id" if in_service("messenger.messages.") => FIRST_MESSAGE,
        "id" if in_service("messenger.external_lines.") => TELEGRAM_LINE,
        "id" => "1",
        _ => return None,
    };
    Some(value)
}

/// Returns the value of path parameter `name` of `op_id`.
pub fn path_param(op_id: &str, name: &str) -> Option<&'static str> {
    PATHS
        .iter()
        .find(|(id, _)| *id == op_id)
        .and_then(|(_, params)| params.iter().find(|(key, _)| *key == name))
        .map(|(_, value)| *value)
        .or_else(|| default_param(op_id, name))
}

/// JSON bodies of every operation that takes one.
const BODIES: &[(&str, &str)] = &[
    (
        "auth.sign_in",
        r#"{"email":"admin@demo.uspacy.ua","password":"Demo-Password-1"}"#,
    ),
    (
        "auth.app_sign_in",
        r#"{"client_id":"demo-app","client_secret":"demo-app-secret"}"#,
    ),
    (
        "auth.confirm_email",
        r#"{"email":"admin@demo.uspacy.ua","token":"confirm-7f3a"}"#,
    ),
    (
        "auth.register",
        r#"{"email":"andrii.petrenko@gmail.com","password":"Andrii-Password-1","firstName":"Андрій","lastName":"Петренко","domain":"demo.uspacy.ua"}"#,
    ),
    (
        "auth.sign_up",
        r#"{"email":"nina.boiko@demo.uspacy.ua","password":"Nina-Password-1","firstName":"Ніна","lastName":"Бойко"}"#,
    ),
    (
        "auth.forgot_password",
        r#"{"email":"admin@demo.uspacy.ua"}"#,
    ),
    (
        "auth.reset_password",
        r#"{"email":"admin@demo.uspacy.ua","password":"New-Password-2","token":"reset-1a2b"}"#,
    ),
    (
        "auth.change_user_password",
        r#"{"password":"Set-By-Admin-1"}"#,
    ),
    (
        "auth.change_password",
        r#"{"oldPassword":"Demo-Password-1","newPassword":"Demo-Password-9"}"#,
    ),
    (
        "users.update",
        r#"{"patronymic":"Іванівна","city":"Львів","phone":[{"type":"work","value":"+380671112233","main":true}]}"#,
    ),
    ("users.deactivate", r#"{}"#),
    ("users.activate", r#"{}"#),
    (
        "users.update_roles",
        r#"{"roles":["user","sales_manager"]}"#,
    ),
    (
        "users.update_position",
        r#"{"position":"Керівник відділу продажів"}"#,
    ),
    (
        "users.settings.update",
        r#"{"lang":"en","timezone":"Europe/Warsaw"}"#,
    ),
    ("users.list_by_filter", r#"{"ids":[1,3]}"#),
    ("users.me.update_settings", r#"{"dateFormat":"YYYY-MM-DD"}"#),
    (
        "departments.create",
        r#"{"name":"Відділ маркетингу","description":"Реклама та PR","headId":"8","usersIds":["8","11"]}"#,
    ),
    (
        "departments.update",
        r#"{"description":"Продажі в регіонах"}"#,
    ),
    ("departments.update_roles", r#"["user","sales_manager"]"#),
    ("departments.add_users", r#"[7,8]"#),
    ("departments.remove_users", r#"[6]"#),
    (
        "roles.create",
        r#"{"title":"Бухгалтер","permissions":["crm.view"]}"#,
    ),
    (
        "roles.update",
        r#"{"title":"Старший менеджер","usersIds":[3,4]}"#,
    ),
    (
        "invites.create",
        r#"[{"email":"olha.kravets@demo.uspacy.ua","firstName":"Ольга","lastName":"Кравець","external_user":false}]"#,
    ),
    (
        "invites.create_batch",
        r#"["taras@demo.uspacy.ua","iryna@demo.uspacy.ua"]"#,
    ),
    (
        "custom_fields.fields.create",
        r#"{"name":"Табельний номер","type":"string","required":false}"#,
    ),
    ("custom_fields.fields.update", r#"{"name":"Розмір одягу"}"#),
    (
        "custom_fields.lists.upsert",
        r##"[{"title":"Какао","value":"kakao","color":"#8C5E3C"}]"##,
    ),
    (
        "webhooks.incoming.create",
        r#"{"name":"Інтеграція з 1С","active":true,"permissions":[{"service":"crm"}]}"#,
    ),
    ("webhooks.incoming.bulk_delete", r#"{"ids":[1]}"#),
    (
        "webhooks.incoming.update",
        r#"{"name":"Сайт (форма заявки)"}"#,
    ),
    (
        "webhooks.outgoing.create",
        r#"{"name":"Угоди в ERP","url":"https://erp.example.com/hooks","active":true,"events":[{"service":"crm","type":"entity","actions":["create"],"table_name":"deals","category":"crm"}]}"#,
    ),
    ("webhooks.outgoing.bulk_delete", r#"{"ids":[1,2]}"#),
    (
        "newsfeed.posts.create",
        r#"{"title":"Новий прайс","message":"Оновили ціни на котли з понеділка.","author_mood":"happy"}"#,
    ),
    (
        "newsfeed.posts.update",
        r#"{"message":"Оновили ціни на котли та бойлери."}"#,
    ),
    (
        "newsfeed.posts.delete",
        r#"{"notify":{"users":[],"departments":[],"groups":[]}}"#,
    ),
    (
        "tasks.create",
        r#"{"title":"Підготувати договір","body":"Для ТОВ «Агросвіт»","deadline":1767225600,"responsibleId":"3","priority":"high"}"#,
    ),
    (
        "tasks.update",
        r#"{"title":"Підготувати договір поставки","priority":"neutral"}"#,
    ),
    (
        "tasks.stages.create",
        r##"{"title":"Очікує клієнта","color":"#FF7A45","sort":25}"##,
    ),
    ("tasks.stages.update", r#"{"title":"У роботі"}"#),
    ("tasks.stages.move_task", r#"{"id":1,"prev_id":null}"#),
    (
        "tasks.checklists.create",
        r#"{"name":"Документи","sort":30,"items":[{"title":"Рахунок","done":false,"sort":10}]}"#,
    ),
    ("tasks.checklists.update", r#"{"name":"Підготовка КП"}"#),
    (
        "tasks.checklist_items.create",
        r#"{"title":"Перевірити знижку","done":false}"#,
    ),
    ("tasks.checklist_items.update", r#"{"done":true}"#),
    (
        "tasks.bulk_complete",
        r#"{"taskIds":["1","2"],"exceptIds":[],"all":false}"#,
    ),
    ("tasks.bulk_delete", r#"{"taskIds":["4"],"all":false}"#),
    (
        "tasks.bulk_update",
        r#"{"taskIds":["1"],"payload":{"priority":"high"}}"#,
    ),
    (
        "tasks.transfers.transfer_to_user",
        r#"{"oldUserId":1,"newUserIds":[3],"onlyQuantity":true}"#,
    ),
    (
        "tasks.transfers.transfer_to_department",
        r#"{"oldDepartmentId":2,"newDepartmentId":3}"#,
    ),
    (
        "tasks.settings.update",
        r#"{"defaultDeadlineDays":5,"allowDeadlineChange":true}"#,
    ),
    ("files.update", r#"{"entity_id":2}"#),
    ("files.update_by_entity", r#"{"entityId":"2"}"#),
    (
        "comments.create",
        r#"{"entityType":"task","entityId":1,"message":"Договір надіслано клієнту."}"#,
    ),
    ("comments.update", r#"{"message":"Договір підписано."}"#),
    ("comments.delete", r#"{"notify":{"users":[]}}"#),
    (
        "groups.update",
        r#"{"description":"Усі, хто продає","archived":0}"#,
    ),
    ("groups.members.add", r#"{}"#),
    ("groups.members.remove", r#"{}"#),
    ("groups.members.join", r#""4""#),
    ("groups.members.leave", r#""1""#),
    (
        "groups.invites.create",
        r#"{"groupId":"1","userIds":["2"]}"#,
    ),
    (
        "groups.transfers.transfer_to_user",
        r#"{"oldUserId":3,"newUserIds":[4],"onlyQuantity":false}"#,
    ),
    (
        "groups.transfers.get_quantity",
        r#"{"oldUserId":3,"newUserIds":[4],"onlyQuantity":true}"#,
    ),
    (
        "groups.transfers.transfer_legacy",
        r#"{"oldUserId":9,"newUserIds":[11]}"#,
    ),
    ("groups.join_requests.create", r#"{}"#),
    (
        "crm.entities.create",
        r#"{"title":"Сервісні заявки","title_singular":"Сервісна заявка","kanban":true}"#,
    ),
    (
        "crm.fields.create",
        r#"{"name":"Номер договору","type":"string"}"#,
    ),
    ("crm.fields.update", r#"{"name":"Канал"}"#),
    (
        "crm.field_list_items.upsert",
        r##"[{"title":"Соцмережі","value":"social","color":"#1677FF"}]"##,
    ),
    (
        "crm.items.create",
        r#"{"title":"Монтаж котла — ФОП Ткаченко","amount":{"currency":"UAH","value":"42000.00"}}"#,
    ),
    (
        "crm.items.update",
        r#"{"title":"Постачання котла (оновлено)"}"#,
    ),
    (
        "crm.items.convert",
        r#"{"create_contact":true,"create_deal":true}"#,
    ),
    (
        "crm.tasks.create",
        r#"{"title":"Зателефонувати клієнту","type":"call","status":"planned","start_time":1767258000,"end_time":1767261600,"responsible_id":3}"#,
    ),
    ("crm.tasks.update", r#"{"status":"done"}"#),
    (
        "crm.funnels.create",
        r#"{"title":"Партнери","funnel_code":"partners","default":false,"active":true}"#,
    ),
    ("crm.funnels.update", r#"{"title":"Держзакупівлі"}"#),
    (
        "crm.kanban_stages.create",
        r##"{"title":"Пробна поставка","color":"#13C2C2","sort":35,"funnel_id":1}"##,
    ),
    (
        "crm.kanban_stages.update",
        r#"{"title":"Кваліфікація ліда"}"#,
    ),
    ("crm.kanban_stages.move", r#"{"reason_id":1}"#),
    (
        "crm.reasons.create",
        r#"{"title":"Рекомендація партнера","sort":3,"type":"SUCCESS"}"#,
    ),
    ("crm.reasons.update", r#"{"title":"Оплачено повністю"}"#),
    (
        "crm.call_events.create",
        r#"{"integration_code":"demo_telephony","external_id":"call-42","subject":"Дзвінок клієнту","call_type":"outgoing","from":"+380441234567","to":"+380671234567","begin_time":1767258000,"end_time":1767258125,"deal_id":1}"#,
    ),
    (
        "crm.call_events.update",
        r#"{"note":"Клієнт просить передзвонити."}"#,
    ),
    (
        "crm.product_categories.create",
        r#"{"name":"Теплові насоси","parent_id":1}"#,
    ),
    (
        "crm.product_categories.update",
        r#"{"name":"Котли та водонагрівачі","sort":15}"#,
    ),
    (
        "crm.units.create",
        r#"{"name":"Літр","abbr":"л","is_default":0}"#,
    ),
    ("crm.units.update", r#"{"abbr":"кілограм"}"#),
    (
        "crm.taxes.create",
        r#"{"name":"ПДВ 14%","rate":14,"is_active":1}"#,
    ),
    ("crm.taxes.update", r#"{"rate":"7.00"}"#),
    (
        "crm.products.create",
        r#"{"title":"Тепловий насос 9 кВт","type":"goods","article":"HP-9","product_category_id":1,"measurement_unit_id":1,"is_active":true,"prices":[{"price":"85000.00","currency":"UAH","tax_id":1,"is_tax_included":0,"price_type_id":1}]}"#,
    ),
    ("crm.products.update", r#"{"description":"Новинка сезону"}"#),
    (
        "crm.entity_product_lists.update",
        r#"{"is_automatic_calculation":1}"#,
    ),
    (
        "crm.list_products.create",
        r#"{"entity_product_list_id":1,"product_id":4,"quantity":10,"discount_type":"relative","discount_value":5}"#,
    ),
    ("crm.list_products.update", r#"{"quantity":2}"#),
    (
        "crm.list_products.bulk_update",
        r#"{"list_products":[{"id":1,"quantity":2},{"id":2,"discount_type":"absolute","discount_value":100}]}"#,
    ),
    (
        "crm.document_templates.create",
        r#"{"name":"Комерційна пропозиція","is_active":true,"binding_entities":[{"entity_id":2,"funnels":[1]}]}"#,
    ),
    ("crm.document_templates.update", r#"{"is_active":false}"#),
    (
        "crm.documents.create",
        r#"{"template_id":1,"entity_type":"deals","entity_id":2}"#,
    ),
    ("crm.documents.update", r#"{"name":"Рахунок №17"}"#),
    (
        "crm.document_fields.update",
        r#"{"fields":[{"symbol_code":"DEAL_TITLE","value":"Поставка обладнання"}]}"#,
    ),
    (
        "crm.requisites.templates.create",
        r#"{"name":"Sp. z o.o. (Польща)","region_id":2,"fields":[{"name":"NIP","type":"string","code":"nip","default_value":"","required":true}]}"#,
    ),
    (
        "crm.requisites.templates.update",
        r#"{"name":"ТОВ (Україна)"}"#,
    ),
    (
        "crm.requisites.create",
        r#"{"template_id":2,"name":"Реквізити ФОП","is_basic":true,"fields":{"values":{"full_name":"Ткаченко Ірина","rnokpp":"3123456789"}}}"#,
    ),
    ("crm.requisites.update", r#"{"payer_pdv":true}"#),
    (
        "crm.requisites.bank_requisites.create",
        r#"{"name":"АТ «Ощадбанк»","is_basic":false,"fields":{"list":[],"values":{"iban":"UA213223130000026007233566001"}}}"#,
    ),
    (
        "crm.requisites.bank_requisites.update",
        r#"{"name":"АТ КБ «ПриватБанк»"}"#,
    ),
    (
        "apps.update",
        r#"{"short_description":"Дзвінки з картки угоди"}"#,
    ),
    (
        "email.credentials.create",
        r#"{"email":"support@demo.uspacy.ua","password":"mail-password","imap_host":"imap.example.com","imap_port":"993","smtp_host":"smtp.example.com","smtp_port":"465","name":"Підтримка","sender_name":"Служба підтримки"}"#,
    ),
    (
        "email.credentials.update",
        r#"{"sender_name":"Відділ продажів «Сонце»"}"#,
    ),
    (
        "email.settings.create",
        r#"{"access_level":"shared","sync_freq":10,"crm_integration_enabled":true}"#,
    ),
    ("email.settings.update", r#"{"sync_freq":15}"#),
    (
        "email.crm_settings.update",
        r#"[{"setting_name":"create_lead_from_unknown","setting_value":0}]"#,
    ),
    (
        "email.folders.create",
        r#"{"email_id":1,"folder_name":"Тендери","parent_id":1}"#,
    ),
    (
        "email.signatures.create",
        r#"{"name":"Святковий","signature":"<p>З Різдвом!</p>","is_all_emails":true,"emails":[]}"#,
    ),
    ("email.signatures.update", r#"{"active":false}"#),
    (
        "email.letters.send",
        r#"{"subject":"Комерційна пропозиція","body":"Добрий день! Надсилаємо КП.","contacts":[{"email":"client@example.com","name":"Клієнт","contact_type":"to"}]}"#,
    ),
    (
        "email.letters.update_crm_entities",
        r#"{"crm_entities":{"deals":[{"id":2}]}}"#,
    ),
    ("email.letters.move", r#"{"ids":[3]}"#),
    ("email.letters.mark_read", r#"{"ids":[20]}"#),
    ("email.letters.mark_unread", r#"{"ids":[1]}"#),
    (
        "activities.create",
        r#"{"title":"Зустріч на об'єкті","type":"meeting","status":"planned","start_time":1767258000,"end_time":1767265200,"responsible_id":3,"crm_entities":{"deals":[1]}}"#,
    ),
    ("activities.update", r#"{"status":"done"}"#),
    (
        "activities.bulk_delete",
        r#"{"all":false,"entity_ids":[3,4],"except_ids":[]}"#,
    ),
    (
        "messenger.chats.create",
        r#"{"name":"Запуск нового продукту","type":"GROUP","members":[1,3,4]}"#,
    ),
    (
        "messenger.chats.update",
        r#"{"id":"6650c0de0000000000000001","name":"Загальний чат компанії"}"#,
    ),
    ("messenger.chats.add_members", r#"{"members":[7]}"#),
    ("messenger.chats.remove_members", r#"{"members":[4]}"#),
    ("messenger.chats.set_active", r#"{"active":false}"#),
    ("messenger.chats.mute", r#"{"muteUntil":1798761600000}"#),
    (
        "messenger.messages.create",
        r#"{"id":"6650d00dffff000000000001","chatId":"6650c0de0000000000000001","message":"Доброго дня! Нагадую про нараду о 15:00.","type":"MESSAGE"}"#,
    ),
    (
        "messenger.messages.update",
        r#"{"id":"6650d00d0000000000000001","message":"Доброго ранку, колеги! (виправлено)"}"#,
    ),
    (
        "messenger.messages.mark_read",
        r#"{"chatId":"6650c0de0000000000000001","messagesIds":["6650d00d000000000000001e"]}"#,
    ),
    (
        "messenger.messages.forward",
        r#"{"chatId":"6650c0de0000000000000002","messagesIds":["6650d00d0000000000000001"]}"#,
    ),
    (
        "messenger.messages.bulk_delete",
        r#"{"chatId":"6650c0de0000000000000001","messagesIds":["6650d00d0000000000000001"]}"#,
    ),
    (
        "messenger.messages.mark_all_read",
        r#"{"chatId":"6650c0de0000000000000002"}"#,
    ),
    (
        "messenger.external_lines.create",
        r#"{"name":"WhatsApp «Продажі»","icon":"whatsapp","phoneNumber":"+380671234567","externalId":"wa-sales"}"#,
    ),
    (
        "messenger.external_lines.update",
        r#"{"name":"Telegram «Сонце»"}"#,
    ),
    (
        "messenger.telephony.start_call",
        r#"{"chatId":"6650c0de0000000000000001","userId":3}"#,
    ),
    ("messenger.telephony.end_call", r#"{"callId":"call-42"}"#),
];

/// Returns the JSON body sample of `op_id`.
pub fn body(op_id: &str) -> Option<&'static str> {
    BODIES
        .iter()
        .find(|(id, _)| *id == op_id)
        .map(|(_, body)| *body)
}

/// Query samples: the JSON passed to the method and the expected query
/// string. Paged lists without an entry get `{"page":1,"list":5}`.
const QUERIES: &[(&str, &str, &str)] = &[
    (
        "auth.check_email",
        r#"{"email":"admin@demo.uspacy.ua"}"#,
        "email=admin%40demo.uspacy.ua",
    ),
    (
        "users.list",
        r#"{"page":1,"list":5,"ids":[1,2]}"#,
        "page=1&list=5&ids[]=1&ids[]=2",
    ),
    ("users.search", r#"{"email":"admin"}"#, "email=admin"),
    (
        "invites.check",
        r#"{"email":"andrii.petrenko@gmail.com"}"#,
        "email=andrii.petrenko%40gmail.com",
    ),
    (
        "tasks.list",
        r#"{"page":1,"list":5,"responsible_id":[1],"sort_by":{"deadline":"asc"}}"#,
        "page=1&list=5&responsible_id[]=1&sort_by[deadline]=asc",
    ),
    (
        "tasks.get",
        r#"{"crm_entity_list":true}"#,
        "crm_entity_list=1",
    ),
    ("tasks.stages.list", r#"{"groupId":1}"#, "groupId=1"),
    (
        "files.list",
        r#"{"entityType":"deals","entityId":"1"}"#,
        "entityType=deals&entityId=1",
    ),
    (
        "files.update_by_entity",
        r#"{"entityType":"deals","entityId":"1"}"#,
        "entityType=deals&entityId=1",
    ),
    (
        "files.delete_by_entity",
        r#"{"entityType":"deals","entityId":"1"}"#,
        "entityType=deals&entityId=1",
    ),
    (
        "comments.list",
        r#"{"entityType":"task","entityId":"1","list":5}"#,
        "entityType=task&entityId=1&list=5",
    ),
    (
        "comments.list_by_entity_ids",
        r#"{"entityType":"task","entityIds":[1,2]}"#,
        "entityType=task&entityIds[]=1&entityIds[]=2",
    ),
    (
        "comments.delete_by_entity",
        r#"{"entityType":"task","entityId":"2"}"#,
        "entityType=task&entityId=2",
    ),
    (
        "crm.entities.list",
        r#"{"with-funnels":true}"#,
        "with-funnels=1",
    ),
    (
        "crm.items.list",
        r#"{"page":1,"list":5,"sort_by":{"id":"desc"}}"#,
        "page=1&list=5&sort_by[id]=desc",
    ),
    (
        "crm.companies.list",
        r#"{"page":1,"list":5,"q":"ТОВ"}"#,
        "page=1&list=5&q=%D0%A2%D0%9E%D0%92",
    ),
    (
        "crm.deals.list",
        r#"{"page":1,"list":5,"funnel_id":1}"#,
        "page=1&list=5&funnel_id=1",
    ),
    (
        "crm.leads.list",
        r#"{"list":5,"filters":{"condition":"and","filters":[{"field":"source","operator":"eq","values":["website"]}]}}"#,
        "list=5&filters[condition]=and&filters[filters][0][field]=source&filters[filters][0][operator]=eq&filters[filters][0][values][0]=website",
    ),
    ("crm.kanban_stages.list", r#"{"funnel_id":1}"#, "funnel_id=1"),
    (
        "crm.call_events.list",
        r#"{"page":1,"list":5,"type":["incoming"]}"#,
        "page=1&list=5&type[]=incoming",
    ),
    (
        "crm.product_categories.delete",
        r#"{"category_for_products":1}"#,
        "category_for_products=1",
    ),
    (
        "crm.products.list",
        r#"{"page":1,"list":5,"type":["service"]}"#,
        "page=1&list=5&type[]=service",
    ),
    (
        "crm.entity_product_lists.get_or_create",
        r#"{"entity_type":"deals","entity_id":1}"#,
        "entity_type=deals&entity_id=1",
    ),
    (
        "crm.list_products.bulk_delete",
        r#"{"list_products":[1]}"#,
        "list_products[]=1",
    ),
    (
        "crm.document_templates.bulk_delete",
        r#"{"ids":[2,3]}"#,
        "ids[]=2&ids[]=3",
    ),
    (
        "crm.document_template_fields.list",
        r#"{"page":1,"list":5,"binding_entities":["deals"]}"#,
        "page=1&list=5&binding_entities[]=deals",
    ),
    ("crm.documents.list", r#"{"page":1,"list":5}"#, "page=1&list=5"),
    (
        "crm.requisites.list",
        r#"{"entity_type":"companies","entity_id":1}"#,
        "entity_type=companies&entity_id=1",
    ),
    (
        "crm.requisites.create",
        r#"{"entity_type":"companies","entity_id":6}"#,
        "entity_type=companies&entity_id=6",
    ),
    (
        "search.query",
        r#"{"q":"обладнання"}"#,
        "q=%D0%BE%D0%B1%D0%BB%D0%B0%D0%B4%D0%BD%D0%B0%D0%BD%D0%BD%D1%8F",
    ),
    (
        "email.letters.list_by_folder",
        r#"{"email_id":1,"page":1,"list":5}"#,
        "email_id=1&page=1&list=5",
    ),
    (
        "activities.list",
        r#"{"page":1,"list":5,"status":["planned"]}"#,
        "page=1&list=5&status[]=planned",
    ),
    ("activities.bulk_delete", r#"{}"#, ""),
    (
        "messenger.chats.list",
        r#"{"type":"EXTERNAL","limit":2}"#,
        "type=EXTERNAL&limit=2",
    ),
    (
        "messenger.chats.find_by_meta",
        r#"{"type":"phone","value":"+380501234501"}"#,
        "type=phone&value=%2B380501234501",
    ),
    (
        "messenger.chats.find_all_by_meta",
        r#"{"type":"phone","value":"+380501234502"}"#,
        "type=phone&value=%2B380501234502",
    ),
    (
        "messenger.messages.list",
        r#"{"chatId":"6650c0de0000000000000001","limit":5}"#,
        "chatId=6650c0de0000000000000001&limit=5",
    ),
    (
        "messenger.messages.list_pinned",
        r#"{"chatId":"6650c0de0000000000000001"}"#,
        "chatId=6650c0de0000000000000001",
    ),
    (
        "messenger.search.messages",
        r#"{"q":"клієнт","page":1}"#,
        "q=%D0%BA%D0%BB%D1%96%D1%94%D0%BD%D1%82&page=1",
    ),
    (
        "messenger.search.in_chat",
        r#"{"q":"прайс"}"#,
        "q=%D0%BF%D1%80%D0%B0%D0%B9%D1%81",
    ),
];

/// Returns the query sample of `op_id`: the JSON and the expected query
/// string (empty when nothing is sent).
pub fn query(op_id: &str) -> Option<(&'static str, &'static str)> {
    QUERIES
        .iter()
        .find(|(id, _, _)| *id == op_id)
        .map(|(_, json, wire)| (*json, *wire))
}

/// Multipart bodies of every operation that takes one.
const FORMS: &[(&str, Form)] = &[
    (
        "users.upload_avatar",
        Form {
            fields: &[("userId", "5")],
            filename: "Аватар Олени.png",
            content: "PNG demo avatar",
        },
    ),
    (
        "groups.create",
        Form {
            fields: &[
                ("name", "Проєкт «Теплий дім»"),
                ("groupType", "CLOSED"),
                ("usersIds[]", "3"),
                ("usersIds[]", "4"),
                ("themeSettings[bgColor]", "#13C2C2"),
                ("settings[letMembersSeeAllTasks]", "1"),
            ],
            filename: "logo.png",
            content: "PNG demo logo",
        },
    ),
    (
        "groups.upload_logo",
        Form {
            fields: &[],
            filename: "Логотип групи.png",
            content: "PNG demo logo",
        },
    ),
    (
        "files.upload",
        Form {
            fields: &[("entityType", "deals"), ("entityId", "1")],
            filename: "Договір №5.pdf",
            content: "%PDF-1.4 demo contract",
        },
    ),
    (
        "file_import.upload_csv",
        Form {
            fields: &[("entity_type", "contacts")],
            filename: "контакти.csv",
            content: "first_name,last_name,phone\nОлена,Коваленко,+380671234567\n",
        },
    ),
    (
        "apps.create",
        Form {
            fields: &[
                ("name", "Фіскалізація оплат"),
                ("code", "fiscal-demo"),
                ("short_description", "Чеки для оплат з CRM"),
            ],
            filename: "logo.png",
            content: "PNG demo logo",
        },
    ),
];

/// Returns the multipart sample of `op_id`.
pub fn form(op_id: &str) -> Option<&'static Form> {
    FORMS
        .iter()
        .find(|(id, _)| *id == op_id)
        .map(|(_, form)| form)
}

/// Statements run before the tested call, whose requests are not checked:
/// the demo portal stores no files, so file operations upload one first
/// (it gets id 1).
const UPLOAD_FILE: &str = r#"client
        .files()
        .upload(
            Multipart::default()
                .text("entityType", "deals")
                .text("entityId", "1")
                .attach("Договір.pdf", b"%PDF-1.4 setup".to_vec()),
        )
        .await
        .expect("the setup upload succeeds");"#;

/// Returns the setup statements of `op_id`, if it needs any.
pub fn setup(op_id: &str) -> Option<&'static str> {
    match op_id {
        "files.list" | "files.get" | "files.update" | "files.delete" => Some(UPLOAD_FILE),
        _ => None,
    }
}
