//! In-memory state of the emulated portal: users, CRM schema and records,
//! files, and the record tables of the other services.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

/// A portal user who can sign in.
#[derive(Clone, Debug)]
pub(crate) struct User {
    pub id: i64,
    pub email: String,
    pub password: String,
    pub first_name: String,
    pub last_name: String,
    pub roles: Vec<String>,
    /// Users with a code must send it as `code` when signing in.
    pub two_factor_code: Option<String>,
    /// Every other key of the user object (`patronymic`, `position`,
    /// `phone`, `active`, `registered`, custom fields), camelCase as sent.
    pub profile: Map<String, Value>,
}

impl User {
    /// Tells whether the user may sign in and shows in default lists.
    pub fn active(&self) -> bool {
        self.profile.get("active").and_then(Value::as_bool) != Some(false)
    }

    /// Tells whether the user finished registration (false for invitations).
    pub fn registered(&self) -> bool {
        self.profile.get("registered").and_then(Value::as_bool) != Some(false)
    }
}

/// A CRM entity definition (built-in or custom), addressed by `table_name`.
#[derive(Clone, Debug)]
pub(crate) struct EntityDef {
    pub id: i64,
    pub title: String,
    pub title_singular: String,
    pub table_name: String,
    pub kind: String,
    pub sort: i64,
    pub kanban: bool,
    pub created_at: i64,
}

impl EntityDef {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "title_singular": self.title_singular,
            "table_name": self.table_name,
            "type": self.kind,
            "sort": self.sort,
            "kanban": self.kanban,
            "for_all_users": true,
            "display_in_menu": true,
            "activity_support": true,
            "task_support": true,
            "created_at": self.created_at,
            "updated_at": self.created_at,
        })
    }
}

/// A kanban funnel of one entity.
#[derive(Clone, Debug)]
pub(crate) struct Funnel {
    pub id: i64,
    pub entity_code: String,
    pub title: String,
    pub funnel_code: String,
    pub default: bool,
    pub active: bool,
}

/// Outcome class of a stage, which sets an item's `kanban_status`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StageKind {
    InWork,
    Success,
    Fail,
}

impl StageKind {
    pub fn status(self) -> &'static str {
        match self {
            StageKind::InWork => "IN_WORK",
            StageKind::Success => "SUCCESS",
            StageKind::Fail => "FAIL",
        }
    }
}

/// A kanban stage inside a funnel.
#[derive(Clone, Debug)]
pub(crate) struct Stage {
    pub id: i64,
    pub funnel_id: i64,
    pub title: String,
    pub stage_code: String,
    pub color: String,
    pub sort: i64,
    pub kind: StageKind,
}

impl Stage {
    /// SUCCESS and FAIL stages are system stages and cannot be deleted.
    pub fn system_stage(&self) -> bool {
        self.kind != StageKind::InWork
    }
}

/// A success or fail reason of a funnel.
#[derive(Clone, Debug)]
pub(crate) struct Reason {
    pub id: i64,
    pub funnel_id: i64,
    pub title: String,
    pub sort: i64,
    pub kind: StageKind,
}

impl Reason {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "title": self.title,
            "sort": self.sort,
            "funnel_id": self.funnel_id,
            "type": self.kind.status(),
        })
    }
}

/// An uploaded file and its bytes.
#[derive(Clone, Debug)]
pub(crate) struct StoredFile {
    pub id: i64,
    pub entity_type: String,
    pub entity_id: String,
    pub upload_id: String,
    pub creator_id: i64,
    pub original_filename: String,
    /// Milliseconds since the Unix epoch, as the generated file lists use.
    pub last_modified: i64,
    pub content_type: String,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub bytes: bytes::Bytes,
}

/// Records of one entity or resource, keyed by id.
#[derive(Default, Debug)]
pub(crate) struct ItemTable {
    pub rows: BTreeMap<i64, Map<String, Value>>,
    pub next_id: i64,
}

/// The record table of a service resource (departments, tasks, products...).
pub(crate) type Table = ItemTable;

impl ItemTable {
    pub fn allocate_id(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// Stores `row` under a new id, which is also written to its `id` key.
    pub fn insert_new(&mut self, mut row: Map<String, Value>) -> i64 {
        let id = self.allocate_id();
        row.insert("id".into(), json!(id));
        self.rows.insert(id, row);
        id
    }

    pub fn get(&self, id: i64) -> Option<&Map<String, Value>> {
        self.rows.get(&id)
    }

    pub fn get_mut(&mut self, id: i64) -> Option<&mut Map<String, Value>> {
        self.rows.get_mut(&id)
    }
}

/// Messenger documents (chats, messages, external lines) in creation order.
/// Their ids are opaque 24-digit hex strings, like MongoDB object ids.
#[derive(Default, Debug)]
pub(crate) struct Documents {
    pub rows: Vec<Map<String, Value>>,
    /// The counter in the last generated id.
    pub next: u64,
}

impl Documents {
    /// Returns a new id: the 8-digit `prefix` and a 16-digit counter.
    pub fn allocate(&mut self, prefix: &str) -> String {
        self.next += 1;
        format!("{prefix}{:016x}", self.next)
    }

    pub fn get(&self, id: &str) -> Option<&Map<String, Value>> {
        self.rows
            .iter()
            .find(|row| row.get("id").and_then(Value::as_str) == Some(id))
    }

    pub fn get_mut(&mut self, id: &str) -> Option<&mut Map<String, Value>> {
        self.rows
            .iter_mut()
            .find(|row| row.get("id").and_then(Value::as_str) == Some(id))
    }

    /// Removes the document with `id`; returns whether it existed.
    pub fn remove(&mut self, id: &str) -> bool {
        let before = self.rows.len();
        self.rows
            .retain(|row| row.get("id").and_then(Value::as_str) != Some(id));
        self.rows.len() != before
    }
}

/// Next free ids of the portal-wide sequences.
#[derive(Default, Debug)]
pub(crate) struct Sequences {
    pub entity: i64,
    pub funnel: i64,
    pub stage: i64,
    pub reason: i64,
    pub file: i64,
    pub user: i64,
    /// Suffix of generated `uf_crm_<digits>` field codes.
    pub field_code: i64,
    /// Suffix of generated `customfield_<n>` user field codes.
    pub user_field_code: i64,
}

/// Everything the mock portal stores.
#[derive(Default, Debug)]
pub(crate) struct Portal {
    pub users: Vec<User>,
    pub entities: Vec<EntityDef>,
    /// Field definitions per entity code, in display order.
    pub fields: HashMap<String, Vec<Map<String, Value>>>,
    pub items: HashMap<String, ItemTable>,
    pub funnels: Vec<Funnel>,
    pub stages: Vec<Stage>,
    pub reasons: Vec<Reason>,
    pub files: BTreeMap<i64, StoredFile>,
    /// Valid refresh tokens and the user each belongs to; each works once.
    pub refresh_tokens: HashMap<String, i64>,
    pub seq: Sequences,
    pub company: Company,
    pub work: Work,
    pub messenger: Messenger,
    pub catalog: Catalog,
    pub crm_more: CrmMore,
    pub email: Email,
    pub apps: Table,
    /// CSV imports started through the file import service.
    pub imports: Table,
}

/// Company service state: departments, roles, user settings, custom user
/// fields (their definitions live in `Portal::fields` under `users`) and
/// webhooks.
#[derive(Default, Debug)]
pub(crate) struct Company {
    pub departments: Table,
    pub roles: Table,
    /// Personal settings by user id; users without an entry get the portal's.
    pub user_settings: HashMap<i64, Map<String, Value>>,
    pub portal_settings: Map<String, Value>,
    pub incoming_webhooks: Table,
    pub outgoing_webhooks: Table,
}

/// Tasks, news feed, comments and groups.
#[derive(Default, Debug)]
pub(crate) struct Work {
    pub tasks: Table,
    pub stages: Table,
    pub checklists: Table,
    pub checklist_items: Table,
    pub task_settings: Map<String, Value>,
    pub posts: Table,
    pub comments: Table,
    pub groups: Table,
    pub group_invites: Table,
    /// Requests to join closed groups: `(group id, user id, unix seconds)`.
    pub join_requests: Vec<(i64, i64, i64)>,
}

/// Messenger state.
#[derive(Default, Debug)]
pub(crate) struct Messenger {
    pub chats: Documents,
    pub messages: Documents,
    pub external_lines: Documents,
}

/// CRM products with their catalogues, and the product lists of CRM items.
#[derive(Default, Debug)]
pub(crate) struct Catalog {
    pub categories: Table,
    pub units: Table,
    pub taxes: Table,
    pub products: Table,
    pub product_lists: Table,
    pub list_products: Table,
}

/// The CRM services besides records: legacy CRM tasks, calls, requisites,
/// documents and activities.
#[derive(Default, Debug)]
pub(crate) struct CrmMore {
    pub tasks: Table,
    pub calls: Table,
    pub regions: Vec<Value>,
    pub requisite_templates: Table,
    pub requisites: Table,
    pub bank_requisites: Table,
    pub document_templates: Table,
    pub documents: Table,
    pub activities: Table,
}

/// E-mail service state.
#[derive(Default, Debug)]
pub(crate) struct Email {
    pub mailboxes: Table,
    pub folders: Table,
    pub letters: Table,
    pub signatures: Table,
    /// CRM settings per mailbox id: `[{setting_name, setting_value}]`.
    pub crm_settings: HashMap<i64, Vec<Value>>,
}

impl Portal {
    pub fn entity(&self, code: &str) -> Option<&EntityDef> {
        self.entities.iter().find(|e| e.table_name == code)
    }

    pub fn user(&self, id: i64) -> Option<&User> {
        self.users.iter().find(|u| u.id == id)
    }

    pub fn user_mut(&mut self, id: i64) -> Option<&mut User> {
        self.users.iter_mut().find(|u| u.id == id)
    }

    /// Returns the user object of the company service (camelCase keys), with
    /// `departmentsIds` read from the departments.
    pub fn user_json(&self, user: &User) -> Value {
        let departments: Vec<i64> = self
            .company
            .departments
            .rows
            .values()
            .filter(|row| {
                row.get("usersIds")
                    .and_then(Value::as_array)
                    .is_some_and(|ids| ids.iter().any(|id| id.as_i64() == Some(user.id)))
            })
            .filter_map(|row| row.get("id").and_then(Value::as_i64))
            .collect();
        let mut value = json!({
            "id": user.id,
            "authUserId": user.id,
            "firstName": user.first_name,
            "lastName": user.last_name,
            "email": [{"type": "work", "value": user.email, "main": true}],
            "roles": user.roles,
            "departmentsIds": departments,
        });
        if let Value::Object(map) = &mut value {
            for (key, field) in &user.profile {
                map.entry(key.clone()).or_insert_with(|| field.clone());
            }
            map.entry("active").or_insert(json!(true));
            map.entry("registered").or_insert(json!(true));
        }
        value
    }

    pub fn user_by_email(&self, email: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.email.eq_ignore_ascii_case(email.trim()))
    }

    pub fn funnel(&self, id: i64) -> Option<&Funnel> {
        self.funnels.iter().find(|f| f.id == id)
    }

    pub fn stage(&self, id: i64) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }

    pub fn funnels_of<'a>(&'a self, code: &'a str) -> impl Iterator<Item = &'a Funnel> + 'a {
        self.funnels.iter().filter(move |f| f.entity_code == code)
    }

    pub fn default_funnel(&self, code: &str) -> Option<&Funnel> {
        let mut funnels = self.funnels.iter().filter(|f| f.entity_code == code);
        let first = funnels.clone().next();
        funnels.find(|f| f.default).or(first)
    }

    /// Returns the stages of a funnel ordered by `sort`, then id.
    pub fn stages_of(&self, funnel_id: i64) -> Vec<&Stage> {
        let mut stages: Vec<&Stage> = self
            .stages
            .iter()
            .filter(|s| s.funnel_id == funnel_id)
            .collect();
        stages.sort_by_key(|s| (s.sort, s.id));
        stages
    }

    /// Returns the first in-work stage of a funnel, where new items start.
    pub fn first_stage(&self, funnel_id: i64) -> Option<&Stage> {
        let stages = self.stages_of(funnel_id);
        stages
            .iter()
            .find(|s| s.kind == StageKind::InWork)
            .or(stages.first())
            .copied()
    }

    pub fn reasons_of(&self, funnel_id: i64, kind: StageKind) -> Vec<&Reason> {
        let mut reasons: Vec<&Reason> = self
            .reasons
            .iter()
            .filter(|r| r.funnel_id == funnel_id && r.kind == kind)
            .collect();
        reasons.sort_by_key(|r| (r.sort, r.id));
        reasons
    }

    pub fn stage_json(&self, stage: &Stage) -> Value {
        let reasons: Vec<Value> = match stage.kind {
            StageKind::InWork => Vec::new(),
            kind => self
                .reasons_of(stage.funnel_id, kind)
                .into_iter()
                .map(Reason::to_json)
                .collect(),
        };
        json!({
            "id": stage.id,
            "title": stage.title,
            "stage_code": stage.stage_code,
            "color": stage.color,
            "sort": stage.sort,
            "system_stage": stage.system_stage(),
            "reasons": reasons,
            "funnel_id": stage.funnel_id,
        })
    }

    pub fn funnel_json(&self, funnel: &Funnel) -> Value {
        let stages: Vec<Value> = self
            .stages_of(funnel.id)
            .into_iter()
            .map(|s| self.stage_json(s))
            .collect();
        json!({
            "id": funnel.id,
            "title": funnel.title,
            "funnel_code": funnel.funnel_code,
            "default": funnel.default,
            "active": funnel.active,
            "stages": stages,
            "tariff_limited": false,
            "permissions": {
                "create": "allowed", "view": "allowed", "edit": "allowed", "delete": "allowed"
            },
        })
    }

    /// Creates a funnel with the standard stages (new, in progress, success,
    /// fail) and one reason of each outcome.
    pub fn add_funnel(&mut self, code: &str, title: &str, funnel_code: &str, default: bool) -> i64 {
        self.seq.funnel += 1;
        let funnel_id = self.seq.funnel;
        self.funnels.push(Funnel {
            id: funnel_id,
            entity_code: code.to_string(),
            title: title.to_string(),
            funnel_code: funnel_code.to_string(),
            default,
            active: true,
        });
        let stages = [
            ("Новий", "NEW", "#3AA1FF", StageKind::InWork),
            ("В роботі", "IN_PROGRESS", "#FFC53D", StageKind::InWork),
            ("Успішно", "SUCCESS", "#52C41A", StageKind::Success),
            ("Провалено", "FAIL", "#FF4D4F", StageKind::Fail),
        ];
        for (sort, (title, stage_code, color, kind)) in stages.into_iter().enumerate() {
            self.add_stage(
                funnel_id,
                title,
                stage_code,
                color,
                (sort as i64 + 1) * 10,
                kind,
            );
        }
        self.add_reason(funnel_id, "Угоду закрито", 1, StageKind::Success);
        self.add_reason(funnel_id, "Відмова клієнта", 1, StageKind::Fail);
        funnel_id
    }

    pub fn add_stage(
        &mut self,
        funnel_id: i64,
        title: &str,
        stage_code: &str,
        color: &str,
        sort: i64,
        kind: StageKind,
    ) -> i64 {
        self.seq.stage += 1;
        self.stages.push(Stage {
            id: self.seq.stage,
            funnel_id,
            title: title.to_string(),
            stage_code: stage_code.to_string(),
            color: color.to_string(),
            sort,
            kind,
        });
        self.seq.stage
    }

    pub fn add_reason(&mut self, funnel_id: i64, title: &str, sort: i64, kind: StageKind) -> i64 {
        self.seq.reason += 1;
        self.reasons.push(Reason {
            id: self.seq.reason,
            funnel_id,
            title: title.to_string(),
            sort,
            kind,
        });
        self.seq.reason
    }

    /// Returns the next custom field code, `uf_crm_<digits>`.
    pub fn next_field_code(&mut self) -> String {
        self.seq.field_code += 1;
        format!("uf_crm_{}", self.seq.field_code)
    }

    pub fn field(&self, code: &str, field_code: &str) -> Option<&Map<String, Value>> {
        self.fields
            .get(code)?
            .iter()
            .find(|f| f.get("code").and_then(Value::as_str) == Some(field_code))
    }

    pub fn field_mut(&mut self, code: &str, field_code: &str) -> Option<&mut Map<String, Value>> {
        self.fields
            .get_mut(code)?
            .iter_mut()
            .find(|f| f.get("code").and_then(Value::as_str) == Some(field_code))
    }
}
