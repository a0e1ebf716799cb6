//! Builds the demo portal deterministically from a seed.

use serde_json::{json, Map, Value};

use crate::demo;
use crate::state::{EntityDef, ItemTable, Portal, StageKind, User};
use crate::words::*;

/// SplitMix64: small, fast and stable across versions, so one seed always
/// yields the same portal.
pub(crate) struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Returns a number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn range(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1) as u64) as i64
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Picks a word; unlike `pick`, returns the `&'static str` itself.
    pub fn word(&mut self, words: &[&'static str]) -> &'static str {
        words[self.below(words.len() as u64) as usize]
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// Sizes of the generated record sets.
pub(crate) struct Sizes {
    pub deals: usize,
    pub contacts: usize,
    pub companies: usize,
    pub leads: usize,
    pub projects: usize,
}

/// Number of employees that own records.
pub(crate) const EMPLOYEES: i64 = 12;
/// 2024-01-01T00:00:00Z: generated records are dated after it, so the data
/// does not depend on the clock.
pub(crate) const EPOCH: i64 = 1_704_067_200;

/// Builds the whole demo portal.
pub(crate) fn generate(seed: u64, domain: &str, sizes: &Sizes) -> Portal {
    let mut rng = Rng::new(seed);
    let mut portal = Portal::default();
    add_users(&mut portal, &mut rng, domain);
    add_entities(&mut portal);
    add_fields(&mut portal);
    add_funnels(&mut portal);

    for code in [
        "leads",
        "deals",
        "contacts",
        "companies",
        demo::CUSTOM_ENTITY,
    ] {
        portal.items.insert(code.to_string(), ItemTable::default());
    }
    add_companies(&mut portal, &mut rng, sizes.companies);
    add_contacts(&mut portal, &mut rng, sizes.contacts);
    add_deals(&mut portal, &mut rng, sizes.deals);
    add_leads(&mut portal, &mut rng, sizes.leads);
    add_projects(&mut portal, &mut rng, sizes.projects);
    portal
}

/// Adds the demo data of the services beyond CRM records: company, groups,
/// tasks, messenger, products, activities, requisites, documents, e-mail and
/// apps. Each service draws from its own stream of the seed, so adding data
/// to one leaves the others unchanged. `webhook` is the base URL and key of
/// the demo incoming webhook.
pub(crate) fn add_services(portal: &mut Portal, seed: u64, domain: &str, webhook: (&str, &str)) {
    let stream = |salt: u64| Rng::new(seed ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    // A funnel without records, which can be deleted, as can its stages.
    portal.add_funnel(demo::CUSTOM_ENTITY, "Внутрішні проєкти", "internal", false);
    crate::company::seed(portal, &mut stream(1), webhook);
    crate::social::seed(portal, &mut stream(2));
    crate::tasks::seed(portal, &mut stream(3));
    let workspace = domain.split('.').next().unwrap_or(domain);
    crate::messenger::seed(portal, &mut stream(4), workspace);
    crate::catalog::seed(portal, &mut stream(5));
    crate::activities::seed(portal, &mut stream(6));
    crate::requisites::seed(portal, &mut stream(7));
    crate::crm_more::seed(portal);
    crate::email::seed(portal, &mut stream(8), domain);
    crate::apps::seed(portal);
}

fn add_users(portal: &mut Portal, rng: &mut Rng, domain: &str) {
    portal.users.push(User {
        id: 1,
        email: demo::email(domain),
        password: demo::PASSWORD.to_string(),
        first_name: "Оксана".to_string(),
        last_name: "Демченко".to_string(),
        roles: vec!["owner".to_string(), "admin".to_string()],
        two_factor_code: None,
        profile: Default::default(),
    });
    portal.users.push(User {
        id: 2,
        email: demo::two_factor_email(domain),
        password: demo::TWO_FACTOR_PASSWORD.to_string(),
        first_name: "Богдан".to_string(),
        last_name: "Захарченко".to_string(),
        roles: vec!["admin".to_string()],
        two_factor_code: Some(demo::TWO_FACTOR_CODE.to_string()),
        profile: Default::default(),
    });
    // Employees who own records but never sign in.
    for id in 3..=EMPLOYEES {
        let female = rng.chance(50);
        let first = if female {
            rng.pick(FEMALE_NAMES)
        } else {
            rng.pick(MALE_NAMES)
        };
        let last = rng.pick(SURNAMES);
        portal.users.push(User {
            id,
            email: format!(
                "{}.{}@{}",
                transliterate(first, '.'),
                transliterate(last, '.'),
                domain
            ),
            password: format!("employee-{id}-{:x}", rng.next_u64()),
            first_name: first.to_string(),
            last_name: last.to_string(),
            roles: vec!["user".to_string()],
            two_factor_code: None,
            profile: Default::default(),
        });
    }
    portal.seq.user = EMPLOYEES;
}

fn add_entities(portal: &mut Portal) {
    let entities = [
        ("Ліди", "Лід", "leads", "system", true),
        ("Угоди", "Угода", "deals", "system", true),
        ("Контакти", "Контакт", "contacts", "system", false),
        ("Компанії", "Компанія", "companies", "system", false),
        ("Проєкти", "Проєкт", demo::CUSTOM_ENTITY, "custom", true),
    ];
    for (index, (title, singular, table, kind, kanban)) in entities.into_iter().enumerate() {
        portal.entities.push(EntityDef {
            id: index as i64 + 1,
            title: title.to_string(),
            title_singular: singular.to_string(),
            table_name: table.to_string(),
            kind: kind.to_string(),
            sort: index as i64 + 1,
            kanban,
            created_at: EPOCH,
        });
    }
    portal.seq.entity = portal.entities.len() as i64;
}

/// Returns a field definition in the shape of `GET .../fields`.
pub(crate) fn field_def(
    name: &str,
    code: &str,
    field_type: &str,
    sort: i64,
    system: bool,
) -> Map<String, Value> {
    let value = json!({
        "name": name,
        "code": code,
        "type": field_type,
        "required": false,
        "editable": true,
        "show": true,
        "hidden": false,
        "multiple": false,
        "system_field": system,
        "base_field": system,
        "sort": sort,
        "default_value": null,
        "values": [],
        "entity_reference_id": null,
        "tooltip": "",
        "field_section_id": 1,
        "required_for": [],
    });
    match value {
        Value::Object(map) => map,
        _ => unreachable!("json! object literal"),
    }
}

fn list_values(pairs: &[(&str, &str, &str)]) -> Value {
    let values: Vec<Value> = pairs
        .iter()
        .enumerate()
        .map(|(index, (title, value, color))| {
            json!({
                "title": title, "value": value, "color": color,
                "sort": (index + 1) * 10, "selected": false, "active": true
            })
        })
        .collect();
    Value::Array(values)
}

/// Returns the system fields every entity has.
pub(crate) fn base_fields(kanban: bool) -> Vec<Map<String, Value>> {
    let mut title = field_def("Назва", "title", "string", 10, true);
    title.insert("required".into(), Value::Bool(true));
    let mut fields = vec![
        title,
        field_def("Відповідальний", "owner", "user_id", 20, true),
        field_def("Створено", "created_at", "datetime", 900, true),
        field_def("Змінено", "updated_at", "datetime", 910, true),
        field_def("Хто створив", "created_by", "user_id", 920, true),
        field_def("Хто змінив", "changed_by", "user_id", 930, true),
    ];
    if kanban {
        fields.push(field_def("Воронка", "funnel_id", "integer", 30, true));
        fields.push(field_def("Стадія", "kanban_stage_id", "stage", 40, true));
        fields.push(field_def("Статус", "kanban_status", "string", 50, true));
        fields.push(field_def(
            "Причина",
            "kanban_reason_id",
            "integer",
            60,
            true,
        ));
    }
    fields
}

fn add_fields(portal: &mut Portal) {
    let phone_email = |fields: &mut Vec<Map<String, Value>>| {
        let mut email = field_def("E-mail", "email", "email", 110, true);
        email.insert("multiple".into(), Value::Bool(true));
        let mut phone = field_def("Телефон", "phone", "phone", 120, true);
        phone.insert("multiple".into(), Value::Bool(true));
        fields.push(email);
        fields.push(phone);
    };

    let mut leads = base_fields(true);
    leads.push(field_def("Ім'я", "first_name", "string", 100, true));
    leads.push(field_def("Прізвище", "last_name", "string", 101, true));
    phone_email(&mut leads);
    let mut source = field_def("Джерело", "source", "list", 130, true);
    source.insert(
        "values".into(),
        list_values(&[
            ("Сайт", "website", "#3AA1FF"),
            ("Дзвінок", "call", "#52C41A"),
            ("Рекомендація", "referral", "#FFC53D"),
            ("Виставка", "exhibition", "#9254DE"),
        ]),
    );
    leads.push(source);
    leads.push(field_def("Конвертовано", "converted", "boolean", 140, true));

    let mut deals = base_fields(true);
    deals.push(field_def("Сума", "amount", "money", 100, true));
    let mut contacts_ref = field_def("Контакти", "contacts", "entity_reference", 110, true);
    contacts_ref.insert("multiple".into(), Value::Bool(true));
    contacts_ref.insert("entity_reference_id".into(), json!(3));
    deals.push(contacts_ref);
    let mut companies_ref = field_def("Компанії", "companies", "entity_reference", 120, true);
    companies_ref.insert("multiple".into(), Value::Bool(true));
    companies_ref.insert("entity_reference_id".into(), json!(4));
    deals.push(companies_ref);
    let mut channel = field_def(
        "Канал продажу",
        demo::DEAL_CHANNEL_FIELD,
        "list",
        200,
        false,
    );
    channel.insert("values".into(), list_values(DEAL_CHANNELS));
    deals.push(channel);

    let mut contacts = base_fields(false);
    contacts.push(field_def("Ім'я", "first_name", "string", 100, true));
    contacts.push(field_def("Прізвище", "last_name", "string", 101, true));
    contacts.push(field_def("Посада", "position", "string", 102, true));
    phone_email(&mut contacts);
    let mut contact_company = field_def("Компанії", "companies", "entity_reference", 130, true);
    contact_company.insert("multiple".into(), Value::Bool(true));
    contact_company.insert("entity_reference_id".into(), json!(4));
    contacts.push(contact_company);
    let mut interests = field_def(
        "Інтереси",
        demo::CONTACT_INTERESTS_FIELD,
        "list",
        200,
        false,
    );
    interests.insert("multiple".into(), Value::Bool(true));
    interests.insert("values".into(), list_values(CONTACT_INTERESTS));
    contacts.push(interests);

    let mut companies = base_fields(false);
    phone_email(&mut companies);
    companies.push(field_def("Місто", "city", "string", 130, true));
    companies.push(field_def("Адреса", "address", "address", 140, true));
    let mut edrpou = field_def(
        "Код ЄДРПОУ",
        demo::COMPANY_EDRPOU_FIELD,
        "string",
        200,
        false,
    );
    edrpou.insert("tooltip".into(), json!("8 цифр"));
    companies.push(edrpou);

    let mut projects = base_fields(true);
    projects.push(field_def("Бюджет", "budget", "money", 100, false));
    projects.push(field_def("Дедлайн", "deadline", "datetime", 110, false));

    portal.fields.insert("leads".into(), leads);
    portal.fields.insert("deals".into(), deals);
    portal.fields.insert("contacts".into(), contacts);
    portal.fields.insert("companies".into(), companies);
    portal.fields.insert(demo::CUSTOM_ENTITY.into(), projects);
    portal.seq.field_code = demo::FIRST_FIELD_CODE_NUMBER + 2;
}

const DEAL_CHANNELS: &[(&str, &str, &str)] = &[
    ("Сайт", "site", "#3AA1FF"),
    ("Рекомендація", "referral", "#52C41A"),
    ("Холодний дзвінок", "cold_call", "#FFC53D"),
    ("Виставка", "expo", "#9254DE"),
    ("Тендер Prozorro", "prozorro", "#FF7A45"),
];

const CONTACT_INTERESTS: &[(&str, &str, &str)] = &[
    ("Опалення", "heating", "#FF7A45"),
    ("Сонячні панелі", "solar", "#FFC53D"),
    ("Сервіс", "service", "#3AA1FF"),
    ("Навчання", "training", "#52C41A"),
    ("Оптові закупівлі", "wholesale", "#9254DE"),
];

fn add_funnels(portal: &mut Portal) {
    // Deals: a sales funnel (default) and a tender funnel, each with its own
    // in-work stages and reasons.
    let sales = add_custom_funnel(
        portal,
        "deals",
        ("Продажі", "sales", true),
        &[
            "Нова",
            "Кваліфікація",
            "Комерційна пропозиція",
            "Переговори",
        ],
        &["Оплачено", "Підписано договір"],
        &["Висока ціна", "Обрали конкурента", "Не виходить на зв'язок"],
    );
    let tenders = add_custom_funnel(
        portal,
        "deals",
        ("Тендери", "tenders", false),
        &["Нова", "Підготовка документів", "Подано пропозицію"],
        &["Перемога в тендері"],
        &["Тендер скасовано", "Програли за ціною"],
    );
    debug_assert!(sales < tenders);
    add_custom_funnel(
        portal,
        "leads",
        ("Ліди", "leads", true),
        &["Новий", "Контакт встановлено", "Кваліфіковано"],
        &["Конвертовано"],
        &["Спам", "Нецільовий"],
    );
    portal.add_funnel(demo::CUSTOM_ENTITY, "Проєкти", "projects", true);
}

fn add_custom_funnel(
    portal: &mut Portal,
    code: &str,
    (title, funnel_code, default): (&str, &str, bool),
    work_stages: &[&str],
    success_reasons: &[&str],
    fail_reasons: &[&str],
) -> i64 {
    portal.seq.funnel += 1;
    let funnel_id = portal.seq.funnel;
    portal.funnels.push(crate::state::Funnel {
        id: funnel_id,
        entity_code: code.to_string(),
        title: title.to_string(),
        funnel_code: funnel_code.to_string(),
        default,
        active: true,
    });
    const COLORS: &[&str] = &["#3AA1FF", "#36CFC9", "#FFC53D", "#FF9C6E", "#B37FEB"];
    let mut sort = 0;
    for (index, stage_title) in work_stages.iter().enumerate() {
        sort += 10;
        let stage_code = if index == 0 {
            "NEW".to_string()
        } else {
            format!("IN_WORK_{index}")
        };
        let color = COLORS[index % COLORS.len()];
        portal.add_stage(
            funnel_id,
            stage_title,
            &stage_code,
            color,
            sort,
            StageKind::InWork,
        );
    }
    portal.add_stage(
        funnel_id,
        "Успішно",
        "SUCCESS",
        "#52C41A",
        sort + 10,
        StageKind::Success,
    );
    portal.add_stage(
        funnel_id,
        "Провалено",
        "FAIL",
        "#FF4D4F",
        sort + 20,
        StageKind::Fail,
    );
    for (index, title) in success_reasons.iter().enumerate() {
        portal.add_reason(funnel_id, title, index as i64 + 1, StageKind::Success);
    }
    for (index, title) in fail_reasons.iter().enumerate() {
        portal.add_reason(funnel_id, title, index as i64 + 1, StageKind::Fail);
    }
    funnel_id
}

fn object(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => unreachable!("json! object literal"),
    }
}

fn phone(rng: &mut Rng) -> String {
    format!("+380{}{:07}", rng.pick(MOBILE_CODES), rng.below(10_000_000))
}

fn contact_list(kind: &str, value: String) -> Value {
    json!([{"type": kind, "value": value, "main": true, "sort": 1}])
}

fn brand(rng: &mut Rng) -> String {
    format!("{}{}", rng.pick(BRAND_STARTS), rng.pick(BRAND_ENDS))
}

/// Returns (created_at, updated_at) after `EPOCH`.
fn timestamps(rng: &mut Rng) -> (i64, i64) {
    let created = EPOCH + rng.range(0, 500 * 86_400);
    (created, created + rng.range(0, 30 * 86_400))
}

fn system_keys(rng: &mut Rng, id: i64, title: String) -> Map<String, Value> {
    let owner = rng.range(1, EMPLOYEES);
    let (created, updated) = timestamps(rng);
    object(json!({
        "id": id,
        "title": title,
        "owner": owner,
        "created_by": owner,
        "changed_by": owner,
        "created_at": created,
        "updated_at": updated,
    }))
}

struct Person {
    first: &'static str,
    last: &'static str,
    patronymic: &'static str,
}

fn random_person(rng: &mut Rng) -> Person {
    let female = rng.chance(50);
    let (male_patronymic, female_patronymic) = *rng.pick(PATRONYMICS);
    Person {
        first: if female {
            rng.word(FEMALE_NAMES)
        } else {
            rng.word(MALE_NAMES)
        },
        last: rng.word(SURNAMES),
        patronymic: if female {
            female_patronymic
        } else {
            male_patronymic
        },
    }
}

fn personal_email(rng: &mut Rng, person: &Person) -> String {
    format!(
        "{}.{}{}@{}",
        transliterate(person.first, '.'),
        transliterate(person.last, '.'),
        rng.below(100),
        rng.pick(MAIL_DOMAINS)
    )
}

fn add_companies(portal: &mut Portal, rng: &mut Rng, count: usize) {
    let table = portal.items.get_mut("companies").expect("companies table");
    for _ in 0..count {
        let id = table.allocate_id();
        let (title, site) = if rng.chance(20) {
            let owner = random_person(rng);
            let title = format!("ФОП {} {} {}", owner.last, owner.first, owner.patronymic);
            (title, None)
        } else {
            let brand = brand(rng);
            let title = format!("{} «{}»", rng.pick(LEGAL_FORMS), brand);
            (title, Some(transliterate(&brand, '-')))
        };
        let email = match &site {
            Some(site) => format!("info@{site}.com.ua"),
            None => format!("fop{}@{}", rng.below(100_000), rng.pick(MAIL_DOMAINS)),
        };
        let city = rng.pick(CITIES);
        let mut row = system_keys(rng, id, title);
        row.insert("email".into(), contact_list("work", email));
        row.insert("phone".into(), contact_list("work", phone(rng)));
        row.insert("city".into(), json!(city));
        row.insert(
            "address".into(),
            json!(format!(
                "{}, {}, {}",
                city,
                rng.pick(STREETS),
                rng.range(1, 150)
            )),
        );
        let edrpou = edrpou_with_check_digit(rng.below(10_000_000) as u32);
        row.insert(demo::COMPANY_EDRPOU_FIELD.into(), json!(edrpou));
        table.rows.insert(id, row);
    }
}

fn add_contacts(portal: &mut Portal, rng: &mut Rng, count: usize) {
    let companies = portal.items["companies"].next_id;
    let table = portal.items.get_mut("contacts").expect("contacts table");
    for _ in 0..count {
        let id = table.allocate_id();
        let person = random_person(rng);
        let mut row = system_keys(rng, id, format!("{} {}", person.last, person.first));
        row.insert("first_name".into(), json!(person.first));
        row.insert("last_name".into(), json!(person.last));
        const POSITIONS: &[&str] = &["Директор", "Менеджер із закупівель", "Бухгалтер", "Інженер"];
        row.insert("position".into(), json!(rng.pick(POSITIONS)));
        row.insert(
            "email".into(),
            contact_list("work", personal_email(rng, &person)),
        );
        row.insert("phone".into(), contact_list("mobile", phone(rng)));
        let company = if companies > 0 && rng.chance(80) {
            json!([{"id": rng.range(1, companies)}])
        } else {
            json!([])
        };
        row.insert("companies".into(), company);
        let interests: Vec<&str> = CONTACT_INTERESTS
            .iter()
            .filter(|_| rng.chance(30))
            .map(|(_, value, _)| *value)
            .collect();
        row.insert(demo::CONTACT_INTERESTS_FIELD.into(), json!(interests));
        table.rows.insert(id, row);
    }
}

/// Puts an item on a random stage of a random funnel (weights favour the
/// first funnel) and sets the kanban keys to match.
fn place_on_kanban(
    portal: &Portal,
    rng: &mut Rng,
    funnels: &[(i64, Vec<(i64, StageKind)>)],
    row: &mut Map<String, Value>,
) {
    let funnel_index = if funnels.len() > 1 && rng.chance(30) {
        1
    } else {
        0
    };
    let (funnel_id, stages) = &funnels[funnel_index];
    let (stage_id, kind) = *rng.pick(stages);
    let reason = match kind {
        StageKind::InWork => Value::Null,
        kind => {
            let reasons = portal.reasons_of(*funnel_id, kind);
            if reasons.is_empty() {
                Value::Null
            } else {
                json!(rng.pick(&reasons).id)
            }
        }
    };
    row.insert("funnel_id".into(), json!(funnel_id));
    row.insert("kanban_stage_id".into(), json!(stage_id));
    row.insert("kanban_status".into(), json!(kind.status()));
    row.insert("kanban_reason_id".into(), reason);
}

fn kanban_layout(portal: &Portal, code: &str) -> Vec<(i64, Vec<(i64, StageKind)>)> {
    portal
        .funnels_of(code)
        .map(|funnel| {
            let stages = portal
                .stages_of(funnel.id)
                .into_iter()
                .map(|s| (s.id, s.kind))
                .collect();
            (funnel.id, stages)
        })
        .collect()
}

fn money(rng: &mut Rng, low: i64, high: i64) -> Value {
    let cents = rng.range(low * 100, high * 100);
    json!({"currency": "UAH", "value": format!("{}.{:02}", cents / 100, cents % 100)})
}

fn add_deals(portal: &mut Portal, rng: &mut Rng, count: usize) {
    let layout = kanban_layout(portal, "deals");
    let contacts = portal.items["contacts"].next_id;
    let company_titles: Vec<(i64, String)> = portal.items["companies"]
        .rows
        .values()
        .map(|row| {
            let id = row["id"].as_i64().unwrap_or(0);
            (id, row["title"].as_str().unwrap_or_default().to_string())
        })
        .collect();
    let mut rows = Vec::with_capacity(count);
    for index in 0..count {
        let id = index as i64 + 1;
        let service = rng.pick(SERVICES);
        let company = if company_titles.is_empty() {
            None
        } else {
            Some(rng.pick(&company_titles).clone())
        };
        let title = match &company {
            Some((_, name)) => format!("{service} — {name}"),
            None => format!("{service} №{id}"),
        };
        let mut row = system_keys(rng, id, title);
        place_on_kanban(portal, rng, &layout, &mut row);
        row.insert("amount".into(), money(rng, 500, 500_000));
        let contact = if contacts > 0 {
            json!([{"id": rng.range(1, contacts)}])
        } else {
            json!([])
        };
        row.insert("contacts".into(), contact);
        let company = match company {
            Some((company_id, _)) => json!([{"id": company_id}]),
            None => json!([]),
        };
        row.insert("companies".into(), company);
        let (_, channel, _) = rng.pick(DEAL_CHANNELS);
        row.insert(demo::DEAL_CHANNEL_FIELD.into(), json!(channel));
        rows.push((id, row));
    }
    let table = portal.items.get_mut("deals").expect("deals table");
    table.rows.extend(rows);
    table.next_id = count as i64;
}

fn add_leads(portal: &mut Portal, rng: &mut Rng, count: usize) {
    let layout = kanban_layout(portal, "leads");
    let mut rows = Vec::with_capacity(count);
    for index in 0..count {
        let id = index as i64 + 1;
        let person = random_person(rng);
        let service = rng.pick(SERVICES);
        let title = format!("Заявка: {service} ({} {})", person.first, person.last);
        let mut row = system_keys(rng, id, title);
        place_on_kanban(portal, rng, &layout, &mut row);
        row.insert("first_name".into(), json!(person.first));
        row.insert("last_name".into(), json!(person.last));
        row.insert(
            "email".into(),
            contact_list("work", personal_email(rng, &person)),
        );
        row.insert("phone".into(), contact_list("mobile", phone(rng)));
        const SOURCES: &[&str] = &["website", "call", "referral", "exhibition"];
        row.insert("source".into(), json!(rng.pick(SOURCES)));
        row.insert("converted".into(), json!(false));
        rows.push((id, row));
    }
    let table = portal.items.get_mut("leads").expect("leads table");
    table.rows.extend(rows);
    table.next_id = count as i64;
}

fn add_projects(portal: &mut Portal, rng: &mut Rng, count: usize) {
    let layout = kanban_layout(portal, demo::CUSTOM_ENTITY);
    let mut rows = Vec::with_capacity(count);
    for index in 0..count {
        let id = index as i64 + 1;
        let title = format!("Проєкт №{}: {}", id, rng.pick(SERVICES));
        let mut row = system_keys(rng, id, title);
        place_on_kanban(portal, rng, &layout, &mut row);
        row.insert("budget".into(), money(rng, 10_000, 2_000_000));
        let deadline = row["created_at"].as_i64().unwrap_or(EPOCH) + rng.range(7, 180) * 86_400;
        row.insert("deadline".into(), json!(deadline));
        rows.push((id, row));
    }
    let table = portal
        .items
        .get_mut(demo::CUSTOM_ENTITY)
        .expect("custom entity table");
    table.rows.extend(rows);
    table.next_id = count as i64;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes() -> Sizes {
        Sizes {
            deals: 200,
            contacts: 50,
            companies: 20,
            leads: 10,
            projects: 5,
        }
    }

    #[test]
    fn same_seed_same_portal() {
        let a = generate(7, "demo.uspacy.ua", &sizes());
        let b = generate(7, "demo.uspacy.ua", &sizes());
        assert_eq!(a.items["deals"].rows, b.items["deals"].rows);
        assert_eq!(a.items["contacts"].rows, b.items["contacts"].rows);
    }

    #[test]
    fn other_seed_other_portal() {
        let a = generate(7, "demo.uspacy.ua", &sizes());
        let b = generate(8, "demo.uspacy.ua", &sizes());
        assert_ne!(a.items["deals"].rows, b.items["deals"].rows);
    }

    #[test]
    fn deals_use_both_funnels_and_valid_stages() {
        let portal = generate(1, "demo.uspacy.ua", &sizes());
        let deals = &portal.items["deals"].rows;
        assert_eq!(deals.len(), 200);
        let funnels: std::collections::BTreeSet<i64> = deals
            .values()
            .map(|d| d["funnel_id"].as_i64().unwrap())
            .collect();
        assert_eq!(funnels.len(), 2);
        for deal in deals.values() {
            let stage = portal
                .stage(deal["kanban_stage_id"].as_i64().unwrap())
                .unwrap();
            assert_eq!(Some(stage.funnel_id), deal["funnel_id"].as_i64());
            assert_eq!(deal["kanban_status"], stage.kind.status());
            assert_eq!(deal["amount"]["currency"], "UAH");
            assert!(deal["amount"]["value"].is_string());
        }
    }

    #[test]
    fn companies_have_edrpou() {
        let portal = generate(1, "demo.uspacy.ua", &sizes());
        for company in portal.items["companies"].rows.values() {
            let code = company[demo::COMPANY_EDRPOU_FIELD].as_str().unwrap();
            assert_eq!(code.len(), 8);
            assert!(code.chars().all(|c| c.is_ascii_digit()));
        }
    }
}
