//! A working day in a portal, through the typed methods only. A new
//! department gets a new colleague, who works a task through its checklist
//! and kanban. The owner comments on it, wins a deal with products and
//! taxes, attaches a contract and sends the colleague a chat message, which
//! the colleague reads. Each step reads the state back through the API.

mod common;

use common::*;
use serde_json::{json, Value};
use uspacy::models::crm::Item;
use uspacy::models::{
    Chat, Checklist, Comment, Department, EntityProductList, File, KanbanStage, Message, Product,
    Reasons, Task, TaskStage, Tax, User,
};
use uspacy::{Client, Credentials, ErrorKind, Multipart, Page};

const COLLEAGUE_EMAIL: &str = "maryna.lysenko@demo.uspacy.ua";
const COLLEAGUE_PASSWORD: &str = "Maryna-Password-1";

/// Creates the department and invites the colleague, who registers.
/// Returns the department id and the colleague's user id.
async fn hire_colleague(client: &Client) -> (i64, i64) {
    let department: Department = client
        .departments()
        .create(&json!({
            "name": "Відділ розвитку",
            "description": "Нові ринки та партнери",
            "headId": 3,
        }))
        .await
        .unwrap();
    let department_id = department.id.expect("the department has an id");
    let fetched = client.departments().get(department_id).await.unwrap();
    assert_eq!(fetched.name.as_deref(), Some("Відділ розвитку"));
    assert_eq!(fetched.head_id, Some(3));

    client
        .invites()
        .create(&json!([{
            "email": COLLEAGUE_EMAIL,
            "firstName": "Марина",
            "lastName": "Лисенко",
            "external_user": false,
        }]))
        .await
        .unwrap();
    let pending = client
        .invites()
        .check(&json!({"email": COLLEAGUE_EMAIL}))
        .await
        .unwrap();
    assert_eq!(pending.status, Some(true), "the invitation is pending");

    let invited: Page<User> = client
        .users()
        .list(&json!({"list": "all", "status": ["invited"]}))
        .await
        .unwrap();
    let colleague = invited
        .items
        .iter()
        .find(|user| {
            user.email
                .as_ref()
                .is_some_and(|e| e[0]["value"] == COLLEAGUE_EMAIL)
        })
        .expect("the invited colleague is listed");
    assert_eq!(colleague.registered, Some(false));
    let colleague_id = colleague.id.expect("the user has an id");

    let registered = client
        .auth()
        .register(&json!({
            "email": COLLEAGUE_EMAIL,
            "password": COLLEAGUE_PASSWORD,
            "firstName": "Марина",
            "lastName": "Лисенко",
            "domain": "demo.uspacy.ua",
        }))
        .await
        .unwrap();
    assert!(!registered.access_token.expose().is_empty());
    let joined = client.users().get(colleague_id).await.unwrap();
    assert_eq!(joined.registered, Some(true));

    let department = client
        .departments()
        .add_users(department_id, &json!([colleague_id]))
        .await
        .unwrap();
    assert!(department
        .users_ids
        .unwrap_or_default()
        .contains(&colleague_id));
    let colleague = client.users().get(colleague_id).await.unwrap();
    assert!(colleague
        .departments_ids
        .unwrap_or_default()
        .contains(&department_id));
    (department_id, colleague_id)
}

fn stage_titled(stages: &[TaskStage], title: &str) -> String {
    stages
        .iter()
        .find(|stage| stage.title.as_deref() == Some(title))
        .and_then(|stage| stage.id.clone())
        .unwrap_or_else(|| panic!("the personal kanban has a stage «{title}»"))
}

/// Works a task assigned to the colleague through its checklist and
/// kanban to completion; returns the task id.
async fn work_a_task(client: &Client, colleague_id: i64) -> i64 {
    let task: Task = client
        .tasks()
        .create(&json!({
            "title": "Підготувати комерційну пропозицію для ТОВ «Енергосвіт»",
            "body": "Котел, монтаж і річне обслуговування.",
            "responsibleId": colleague_id,
            "deadline": 1_767_225_600,
            "priority": "high",
        }))
        .await
        .unwrap();
    let task_id: i64 = task.id.as_deref().unwrap().parse().unwrap();
    assert_eq!(task.status.as_deref(), Some("new"));
    assert_eq!(task.responsible_id, Some(colleague_id));

    let with_list = client
        .tasks()
        .checklists()
        .create(
            task_id,
            &json!({"name": "Пропозиція", "items": [{"title": "Порахувати вартість"}]}),
        )
        .await
        .unwrap();
    let checklist_id = with_list.checklists.unwrap()[0].id.unwrap();
    let with_items = client
        .tasks()
        .checklist_items()
        .create(
            checklist_id,
            &json!({"title": "Узгодити знижку з керівником"}),
        )
        .await
        .unwrap();
    let items = with_items.checklists.unwrap()[0].items.clone().unwrap();
    assert_eq!(items.len(), 2);
    for item in &items {
        client
            .tasks()
            .checklist_items()
            .update(checklist_id, item.id.unwrap(), &json!({"done": true}))
            .await
            .unwrap();
    }
    let checklists: Vec<Checklist> = client.tasks().checklists().list(task_id).await.unwrap();
    let done: Vec<bool> = checklists[0]
        .items
        .iter()
        .flatten()
        .map(|item| item.done.unwrap())
        .collect();
    assert_eq!(done, [true, true]);

    let stages: Vec<TaskStage> = client.tasks().stages().list(&json!({})).await.unwrap();
    let in_work = stage_titled(&stages, "В роботі");
    let finished = stage_titled(&stages, "Готово");
    client
        .tasks()
        .stages()
        .move_task(&in_work, &json!({"id": task_id}))
        .await
        .unwrap();
    let started = client.tasks().start(task_id).await.unwrap();
    assert_eq!(started.kanban_stage_id.as_deref(), Some(in_work.as_str()));
    assert_eq!(started.status.as_deref(), Some("in_progress"));

    client
        .tasks()
        .stages()
        .move_task(&finished, &json!({"id": task_id}))
        .await
        .unwrap();
    client.tasks().complete(task_id).await.unwrap();
    let completed = client.tasks().get(task_id, &json!({})).await.unwrap();
    assert_eq!(completed.status.as_deref(), Some("ready"));
    assert_eq!(
        completed.kanban_stage_id.as_deref(),
        Some(finished.as_str())
    );

    let again = client.tasks().complete(task_id).await.unwrap_err();
    assert_eq!(
        again.status(),
        Some(422),
        "a completed task cannot complete again"
    );
    task_id
}

async fn comment_on_task(client: &Client, task_id: i64) {
    let comment: Comment = client
        .comments()
        .create(&json!({
            "entityType": "task",
            "entityId": task_id,
            "message": "КП надіслано клієнту, чекаємо відповіді.",
        }))
        .await
        .unwrap();
    let listed: Page<Comment> = client
        .comments()
        .list(&json!({"entityType": "task", "entityId": task_id.to_string()}))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].id, comment.id);
    assert_eq!(
        listed.items[0].message.as_deref(),
        Some("КП надіслано клієнту, чекаємо відповіді.")
    );
}

/// Creates a deal, fills its product list (a boiler with 20 % VAT on top
/// and an installation service without VAT) and checks the totals.
async fn sell_products(client: &Client) -> Item {
    let crm = client.crm();
    let deal = crm
        .items()
        .create(
            "deals",
            &Item::titled("Котел і монтаж — ТОВ «Енергосвіт»").with("owner", 3),
        )
        .await
        .unwrap();
    let deal_id = deal.id.unwrap();

    let list: EntityProductList = crm
        .entity_product_lists()
        .get_or_create(&json!({"entity_type": "deals", "entity_id": deal_id}))
        .await
        .unwrap();
    assert_eq!(list.amount_total.as_ref().map(|a| a.as_str()), Some("0.00"));
    let list_id = list.id.unwrap();

    let taxes: Vec<Tax> = crm.taxes().list().await.unwrap();
    let vat = taxes
        .iter()
        .find(|tax| tax.rate.as_ref().map(|r| r.as_str()) == Some("20.00"))
        .expect("a 20 % VAT rate exists");
    let products: Page<Product> = crm
        .products()
        .list(&json!({"q": "Котел газовий", "list": 5}))
        .await
        .unwrap();
    let boiler = &products.items[0];
    assert_eq!(boiler.tax_id, vat.id);
    assert_eq!(
        boiler.price.as_ref().map(|p| p.value.as_str()),
        Some("42000.00")
    );

    crm.list_products()
        .create(&json!({
            "entity_product_list_id": list_id,
            "product_id": boiler.id,
            "quantity": 1,
        }))
        .await
        .unwrap();
    let totals = crm
        .list_products()
        .create(&json!({
            "entity_product_list_id": list_id,
            "title": "Монтаж котла",
            "price": "1200.00",
            "currency": "UAH",
            "quantity": 3,
            "measurement_unit_abbr": "год",
            "tax_rate": 0,
            "discount_type": "relative",
            "discount_value": 10,
        }))
        .await
        .unwrap();
    let amount = |value: &Option<uspacy::models::Decimal>| value.as_ref().unwrap().to_string();
    assert_eq!(amount(&totals.amount_before_discount_and_tax), "45600.00");
    assert_eq!(amount(&totals.amount_discount), "360.00");
    assert_eq!(amount(&totals.amount_before_tax), "45240.00");
    assert_eq!(amount(&totals.amount_tax), "8400.00");
    assert_eq!(amount(&totals.amount_total), "53640.00");
    let lines = totals.list_products.unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(amount(&lines[0].amount), "50400.00");
    assert_eq!(amount(&lines[1].amount), "3240.00");

    let reread: EntityProductList = crm
        .entity_product_lists()
        .get_or_create(&json!({"entity_type": "deals", "entity_id": deal_id}))
        .await
        .unwrap();
    assert_eq!(reread.id, Some(list_id));
    assert_eq!(amount(&reread.amount_total), "53640.00");
    let deal = crm.items().get("deals", deal_id).await.unwrap();
    let money = deal
        .money("amount")
        .unwrap()
        .expect("the deal has an amount");
    assert_eq!(
        money.value.as_str(),
        "53640.00",
        "the deal amount follows its products"
    );
    deal
}

/// Moves the deal to its funnel's success stage with a success reason.
async fn win_the_deal(client: &Client, deal: &Item) {
    let crm = client.crm();
    let deal_id = deal.id.unwrap();
    let funnel_id = deal.funnel_id.expect("deals start in a funnel");
    let stages: Vec<KanbanStage> = crm
        .kanban_stages()
        .list("deals", &json!({"funnel_id": funnel_id}))
        .await
        .unwrap();
    let won = stages
        .iter()
        .find(|stage| stage.stage_code.as_deref() == Some("SUCCESS"))
        .expect("the funnel has a success stage");
    let won_id = won.id.unwrap();

    let no_reason = crm
        .kanban_stages()
        .r#move("deals", deal_id, won_id, &json!({}))
        .await
        .unwrap_err();
    assert_eq!(
        no_reason.kind(),
        ErrorKind::Validation,
        "a won deal needs a reason"
    );

    let reasons: Reasons = crm.reasons().list(funnel_id).await.unwrap();
    let reason_id = reasons.success[0].id.unwrap();
    crm.kanban_stages()
        .r#move("deals", deal_id, won_id, &json!({"reason_id": reason_id}))
        .await
        .unwrap();
    let won_deal = crm.items().get("deals", deal_id).await.unwrap();
    assert_eq!(won_deal.kanban_stage_id, Some(won_id));
    assert_eq!(won_deal.kanban_status.as_deref(), Some("SUCCESS"));
    assert_eq!(won_deal.kanban_reason_id, Some(reason_id));
}

async fn attach_contract(client: &Client, deal_id: i64) {
    let name = "Договір поставки №17 — ТОВ «Енергосвіт».pdf";
    let uploaded: Vec<File> = client
        .files()
        .upload(
            Multipart::default()
                .text("entityType", "deals")
                .text("entityId", deal_id.to_string())
                .attach(name, b"%PDF-1.4 contract".to_vec()),
        )
        .await
        .unwrap();
    assert_eq!(uploaded[0].original_filename.as_deref(), Some(name));
    let listed: Page<File> = client
        .files()
        .list(&json!({"entityType": "deals", "entityId": deal_id.to_string()}))
        .await
        .unwrap();
    assert_eq!(listed.items.len(), 1);
    assert_eq!(listed.items[0].original_filename.as_deref(), Some(name));
    assert_eq!(listed.items[0].size, Some(17));
}

/// Sends a message to the colleague, who signs in and reads it.
async fn message_the_colleague(client: &Client, mock: &uspacy_mock::MockServer, colleague_id: i64) {
    let messenger = client.messenger();
    let chat: Chat = messenger
        .chats()
        .create(&json!({"name": "Енергосвіт", "type": "GROUP", "members": [colleague_id]}))
        .await
        .unwrap();
    let chat_id = chat.id.unwrap();
    let sent: Message = messenger
        .messages()
        .create(&json!({
            "chatId": chat_id,
            "message": "Марино, угоду з «Енергосвітом» виграно! Договір у картці угоди.",
            "type": "MESSAGE",
        }))
        .await
        .unwrap();
    let message_id = sent.id.clone().unwrap();

    let colleague = builder(mock)
        .credentials(Credentials::password(COLLEAGUE_EMAIL, COLLEAGUE_PASSWORD))
        .build()
        .unwrap();
    let their_chat: Chat = colleague.messenger().chats().get(&chat_id).await.unwrap();
    assert_eq!(their_chat.unread_count, Some(1));
    let history: Vec<Message> = colleague
        .messenger()
        .messages()
        .list(&json!({"chatId": chat_id, "limit": 10}))
        .await
        .unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].id.as_deref(), Some(message_id.as_str()));

    let _: Value = colleague
        .messenger()
        .messages()
        .mark_read(&json!({"chatId": chat_id, "messagesIds": [message_id]}))
        .await
        .unwrap();
    let read: Message = messenger.messages().get(&message_id).await.unwrap();
    assert!(read.read_by.unwrap().contains(&colleague_id));
    let their_chat: Chat = colleague.messenger().chats().get(&chat_id).await.unwrap();
    assert_eq!(their_chat.unread_count, Some(0));
}

#[tokio::test]
async fn realistic_day() {
    let mock = mock().await;
    let client = password_client(&mock);

    let (_department_id, colleague_id) = hire_colleague(&client).await;
    let task_id = work_a_task(&client, colleague_id).await;
    comment_on_task(&client, task_id).await;
    let deal = sell_products(&client).await;
    win_the_deal(&client, &deal).await;
    attach_contract(&client, deal.id.unwrap()).await;
    message_the_colleague(&client, &mock, colleague_id).await;
}
