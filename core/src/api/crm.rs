//! `crm.*`: entities, fields, list values, items, funnels, kanban stages
//! and reasons.

use futures::Stream;
use serde_json::{json, Value};

use super::{json_body, to_json};
use crate::client::Client;
use crate::decode;
use crate::error::Result;
use crate::models::crm::{
    Entity, Field, Funnel, Item, KanbanStage, ListQuery, ListValue, Reason, Reasons,
};
use crate::page::{self, Page};
use crate::request::Body;

/// The CRM service.
#[derive(Clone, Debug)]
pub struct Crm {
    client: Client,
}

impl Client {
    /// The CRM service (`crm.*`).
    pub fn crm(&self) -> Crm {
        Crm {
            client: self.clone(),
        }
    }
}

macro_rules! resource {
    ($(#[$doc:meta])* $name:ident, $method:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug)]
        pub struct $name {
            client: Client,
        }

        impl Crm {
            $(#[$doc])*
            pub fn $method(&self) -> $name {
                $name { client: self.client.clone() }
            }
        }
    };
}

resource!(
    /// Entity definitions (`crm.entities.*`).
    Entities, entities
);
resource!(
    /// Field definitions of an entity (`crm.fields.*`).
    Fields, fields
);
resource!(
    /// Values of list-type fields (`crm.field_list_items.*`).
    FieldListItems, field_list_items
);
resource!(
    /// Items of any entity (`crm.items.*`).
    Items, items
);
resource!(
    /// Funnels (`crm.funnels.*`).
    Funnels, funnels
);
resource!(
    /// Kanban stages and moving items between them (`crm.kanban_stages.*`).
    KanbanStages, kanban_stages
);
resource!(
    /// Won and lost reasons of a funnel (`crm.reasons.*`).
    ReasonsApi, reasons
);
resource!(
    /// Companies (`crm.companies.*`).
    Companies, companies
);
resource!(
    /// Contacts (`crm.contacts.*`).
    Contacts, contacts
);
resource!(
    /// Deals (`crm.deals.*`).
    Deals, deals
);
resource!(
    /// Leads (`crm.leads.*`).
    Leads, leads
);
resource!(
    /// Field definitions of leads (`crm.lead_fields.*`).
    LeadFields, lead_fields
);

impl Entities {
    /// `crm.entities.list`: the entity definitions; with `with_funnels`
    /// each one embeds its funnels.
    pub async fn list(&self, with_funnels: bool) -> Result<Page<Entity>> {
        let query = if with_funnels {
            json!({"with-funnels": true})
        } else {
            Value::Null
        };
        let (op, response) = self
            .client
            .send_op("crm.entities.list", Value::Null, query, Body::None)
            .await?;
        page::typed(op, &response, page::split(op, &response)?)
    }

    /// `crm.entities.create`: creates a custom entity.
    pub async fn create(&self, entity: &Entity) -> Result<Entity> {
        let (op, response) = self
            .client
            .send_op(
                "crm.entities.create",
                Value::Null,
                Value::Null,
                json_body(entity)?,
            )
            .await?;
        decode::body(op, &response)
    }
}

impl Fields {
    /// `crm.fields.list`: the fields of `entity_code` (`deals`, `contacts`,
    /// a custom entity's `table_name`, ...).
    pub async fn list(&self, entity_code: &str) -> Result<Vec<Field>> {
        let path = json!({"entity_code": entity_code});
        let (op, response) = self
            .client
            .send_op("crm.fields.list", path, Value::Null, Body::None)
            .await?;
        decode::data(op, &response)
    }

    /// `crm.fields.create`: adds a field.
    pub async fn create(&self, entity_code: &str, field: &Field) -> Result<Field> {
        let path = json!({"entity_code": entity_code});
        let (op, response) = self
            .client
            .send_op("crm.fields.create", path, Value::Null, json_body(field)?)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.fields.get`: one field by code.
    pub async fn get(&self, entity_code: &str, field_code: &str) -> Result<Field> {
        let path = json!({"entity_code": entity_code, "field_code": field_code});
        let (op, response) = self
            .client
            .send_op("crm.fields.get", path, Value::Null, Body::None)
            .await?;
        decode::data(op, &response)
    }

    /// `crm.fields.update`: changes the keys set in `field`.
    pub async fn update(
        &self,
        entity_code: &str,
        field_code: &str,
        field: &Field,
    ) -> Result<Field> {
        let path = json!({"entity_code": entity_code, "field_code": field_code});
        let (op, response) = self
            .client
            .send_op("crm.fields.update", path, Value::Null, json_body(field)?)
            .await?;
        decode::data(op, &response)
    }

    /// `crm.fields.delete`: removes a field (system fields cannot be removed).
    pub async fn delete(&self, entity_code: &str, field_code: &str) -> Result<()> {
        let path = json!({"entity_code": entity_code, "field_code": field_code});
        self.client
            .send_op("crm.fields.delete", path, Value::Null, Body::None)
            .await?;
        Ok(())
    }
}

impl FieldListItems {
    /// `crm.field_list_items.list`: the values of a list field.
    pub async fn list(&self, entity_code: &str, field_code: &str) -> Result<Vec<ListValue>> {
        let path = json!({"entity_code": entity_code, "field_code": field_code});
        let (op, response) = self
            .client
            .send_op("crm.field_list_items.list", path, Value::Null, Body::None)
            .await?;
        decode::data(op, &response)
    }

    /// `crm.field_list_items.upsert`: edits the values whose `value` exists
    /// and adds the others.
    pub async fn upsert(
        &self,
        entity_code: &str,
        field_code: &str,
        values: &[ListValue],
    ) -> Result<Vec<ListValue>> {
        let path = json!({"entity_code": entity_code, "field_code": field_code});
        let (op, response) = self
            .client
            .send_op(
                "crm.field_list_items.upsert",
                path,
                Value::Null,
                json_body(values)?,
            )
            .await?;
        decode::data(op, &response)
    }

    /// `crm.field_list_items.delete`: removes the value with code `value`.
    pub async fn delete(&self, entity_code: &str, field_code: &str, value: &str) -> Result<()> {
        let path = json!({"entity_code": entity_code, "field_code": field_code, "value": value});
        self.client
            .send_op("crm.field_list_items.delete", path, Value::Null, Body::None)
            .await?;
        Ok(())
    }
}

impl Items {
    /// `crm.items.list`: one page of items of `entity_code`.
    pub async fn list(&self, entity_code: &str, query: &ListQuery) -> Result<Page<Item>> {
        list_items(
            &self.client,
            "crm.items.list",
            json!({"entity_code": entity_code}),
            query,
        )
        .await
    }

    /// Every item of `entity_code` matching `query`, fetched page by page
    /// as the stream is consumed (`query.page` is the first page).
    pub fn stream(
        &self,
        entity_code: &str,
        query: &ListQuery,
    ) -> Result<impl Stream<Item = Result<Item>> + use<>> {
        let op = crate::client::lookup("crm.items.list")?;
        let query = to_json(query, "the list query")?;
        Ok(page::items(
            self.client.clone(),
            op,
            json!({"entity_code": entity_code}),
            query,
        ))
    }

    /// `crm.items.create`: creates an item; returns it with its id.
    pub async fn create(&self, entity_code: &str, item: &Item) -> Result<Item> {
        let path = json!({"entity_code": entity_code});
        let (op, response) = self
            .client
            .send_op("crm.items.create", path, Value::Null, json_body(item)?)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.items.get`: one item, custom fields included.
    pub async fn get(&self, entity_code: &str, id: i64) -> Result<Item> {
        let path = json!({"entity_code": entity_code, "id": id});
        let (op, response) = self
            .client
            .send_op("crm.items.get", path, Value::Null, Body::None)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.items.update`: sends only the keys set in `changes` and returns
    /// the whole updated item.
    pub async fn update(&self, entity_code: &str, id: i64, changes: &Item) -> Result<Item> {
        let path = json!({"entity_code": entity_code, "id": id});
        let (op, response) = self
            .client
            .send_op("crm.items.update", path, Value::Null, json_body(changes)?)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.items.delete`.
    pub async fn delete(&self, entity_code: &str, id: i64) -> Result<()> {
        let path = json!({"entity_code": entity_code, "id": id});
        self.client
            .send_op("crm.items.delete", path, Value::Null, Body::None)
            .await?;
        Ok(())
    }

    /// `crm.items.convert`: converts an item (a lead) into other entities;
    /// `body` names the targets. Returns the server's answer as JSON.
    pub async fn convert(&self, entity_code: &str, id: i64, body: &Value) -> Result<Value> {
        let path = json!({"entity_code": entity_code, "id": id});
        let (op, response) = self
            .client
            .send_op(
                "crm.items.convert",
                path,
                Value::Null,
                Body::Json(body.clone()),
            )
            .await?;
        decode::body(op, &response)
    }
}

async fn list_items(
    client: &Client,
    op_id: &'static str,
    path: Value,
    query: &ListQuery,
) -> Result<Page<Item>> {
    let query = to_json(query, "the list query")?;
    let (op, response) = client.send_op(op_id, path, query, Body::None).await?;
    page::typed(op, &response, page::split(op, &response)?)
}

impl Companies {
    /// `crm.companies.list`.
    pub async fn list(&self, query: &ListQuery) -> Result<Page<Item>> {
        list_items(&self.client, "crm.companies.list", Value::Null, query).await
    }
}

impl Contacts {
    /// `crm.contacts.list`.
    pub async fn list(&self, query: &ListQuery) -> Result<Page<Item>> {
        list_items(&self.client, "crm.contacts.list", Value::Null, query).await
    }
}

impl Deals {
    /// `crm.deals.list`.
    pub async fn list(&self, query: &ListQuery) -> Result<Page<Item>> {
        list_items(&self.client, "crm.deals.list", Value::Null, query).await
    }
}

impl Leads {
    /// `crm.leads.list`.
    pub async fn list(&self, query: &ListQuery) -> Result<Page<Item>> {
        list_items(&self.client, "crm.leads.list", Value::Null, query).await
    }
}

impl LeadFields {
    /// `crm.lead_fields.list`.
    pub async fn list(&self) -> Result<Vec<Field>> {
        let (op, response) = self
            .client
            .send_op("crm.lead_fields.list", Value::Null, Value::Null, Body::None)
            .await?;
        decode::data(op, &response)
    }
}

impl Funnels {
    /// `crm.funnels.list`: the funnels of `entity_code`, with their stages.
    pub async fn list(&self, entity_code: &str) -> Result<Vec<Funnel>> {
        let path = json!({"entity_code": entity_code});
        let (op, response) = self
            .client
            .send_op("crm.funnels.list", path, Value::Null, Body::None)
            .await?;
        decode::data(op, &response)
    }

    /// `crm.funnels.create`.
    pub async fn create(&self, entity_code: &str, funnel: &Funnel) -> Result<Funnel> {
        let path = json!({"entity_code": entity_code});
        let (op, response) = self
            .client
            .send_op("crm.funnels.create", path, Value::Null, json_body(funnel)?)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.funnels.get`.
    pub async fn get(&self, entity_code: &str, funnel_id: i64) -> Result<Funnel> {
        let path = json!({"entity_code": entity_code, "funnel_id": funnel_id});
        let (op, response) = self
            .client
            .send_op("crm.funnels.get", path, Value::Null, Body::None)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.funnels.update`: changes the keys set in `funnel`.
    pub async fn update(
        &self,
        entity_code: &str,
        funnel_id: i64,
        funnel: &Funnel,
    ) -> Result<Funnel> {
        let path = json!({"entity_code": entity_code, "funnel_id": funnel_id});
        let (op, response) = self
            .client
            .send_op("crm.funnels.update", path, Value::Null, json_body(funnel)?)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.funnels.delete`.
    pub async fn delete(&self, entity_code: &str, funnel_id: i64) -> Result<()> {
        let path = json!({"entity_code": entity_code, "funnel_id": funnel_id});
        self.client
            .send_op("crm.funnels.delete", path, Value::Null, Body::None)
            .await?;
        Ok(())
    }
}

impl KanbanStages {
    /// `crm.kanban_stages.list`: the stages of one funnel, or of all
    /// funnels when `funnel_id` is `None`.
    pub async fn list(
        &self,
        entity_code: &str,
        funnel_id: Option<i64>,
    ) -> Result<Vec<KanbanStage>> {
        let path = json!({"entity_code": entity_code});
        let query = json!({"funnel_id": funnel_id});
        let (op, response) = self
            .client
            .send_op("crm.kanban_stages.list", path, query, Body::None)
            .await?;
        decode::data(op, &response)
    }

    /// `crm.kanban_stages.create`.
    pub async fn create(&self, entity_code: &str, stage: &KanbanStage) -> Result<KanbanStage> {
        let path = json!({"entity_code": entity_code});
        let (op, response) = self
            .client
            .send_op(
                "crm.kanban_stages.create",
                path,
                Value::Null,
                json_body(stage)?,
            )
            .await?;
        decode::body(op, &response)
    }

    /// `crm.kanban_stages.get`: a page of the items in stage `stage_id`
    /// (the API answers with items, not with the stage).
    pub async fn get(
        &self,
        entity_code: &str,
        stage_id: i64,
        query: &ListQuery,
    ) -> Result<Page<Item>> {
        let path = json!({"entity_code": entity_code, "stage_id": stage_id});
        list_items(&self.client, "crm.kanban_stages.get", path, query).await
    }

    /// `crm.kanban_stages.update`: changes the keys set in `stage`.
    pub async fn update(
        &self,
        entity_code: &str,
        stage_id: i64,
        stage: &KanbanStage,
    ) -> Result<KanbanStage> {
        let path = json!({"entity_code": entity_code, "stage_id": stage_id});
        let (op, response) = self
            .client
            .send_op(
                "crm.kanban_stages.update",
                path,
                Value::Null,
                json_body(stage)?,
            )
            .await?;
        decode::body(op, &response)
    }

    /// `crm.kanban_stages.delete` (system stages cannot be deleted).
    pub async fn delete(&self, entity_code: &str, stage_id: i64) -> Result<()> {
        let path = json!({"entity_code": entity_code, "stage_id": stage_id});
        self.client
            .send_op("crm.kanban_stages.delete", path, Value::Null, Body::None)
            .await?;
        Ok(())
    }

    /// `crm.kanban_stages.move`: moves item `item_id` into stage `stage_id`.
    /// A won or lost stage takes the closing reason's id. Returns the
    /// server's answer (the item, on current portals) as JSON.
    pub async fn r#move(
        &self,
        entity_code: &str,
        item_id: i64,
        stage_id: i64,
        reason_id: Option<i64>,
    ) -> Result<Value> {
        let path = json!({"entity_code": entity_code, "item_id": item_id, "stage_id": stage_id});
        let body = Body::Json(json!({"reason_id": reason_id}));
        let (op, response) = self
            .client
            .send_op("crm.kanban_stages.move", path, Value::Null, body)
            .await?;
        decode::body(op, &response)
    }
}

impl ReasonsApi {
    /// `crm.reasons.list`: the won and lost reasons of a funnel.
    pub async fn list(&self, funnel_id: i64) -> Result<Reasons> {
        let path = json!({"funnel_id": funnel_id});
        let (op, response) = self
            .client
            .send_op("crm.reasons.list", path, Value::Null, Body::None)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.reasons.create`: `reason.reason_type` is `SUCCESS` or `FAIL`.
    pub async fn create(&self, funnel_id: i64, reason: &Reason) -> Result<Reason> {
        let path = json!({"funnel_id": funnel_id});
        let (op, response) = self
            .client
            .send_op("crm.reasons.create", path, Value::Null, json_body(reason)?)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.reasons.update`.
    pub async fn update(&self, reason_id: i64, reason: &Reason) -> Result<Reason> {
        let path = json!({"reason_id": reason_id});
        let (op, response) = self
            .client
            .send_op("crm.reasons.update", path, Value::Null, json_body(reason)?)
            .await?;
        decode::body(op, &response)
    }

    /// `crm.reasons.delete`.
    pub async fn delete(&self, reason_id: i64) -> Result<()> {
        let path = json!({"reason_id": reason_id});
        self.client
            .send_op("crm.reasons.delete", path, Value::Null, Body::None)
            .await?;
        Ok(())
    }
}
