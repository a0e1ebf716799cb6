//! `files.*`: uploads and file records.

use bytes::Bytes;
use serde_json::{json, Value};

use crate::client::Client;
use crate::decode;
use crate::error::{Error, Result};
use crate::models::files::{File, StorageSize};
use crate::page::{self, Page};
use crate::request::{Body, FilePart, Multipart};

/// The files service.
#[derive(Clone, Debug)]
pub struct Files {
    client: Client,
}

/// Storage totals (`files.totals.*`).
#[derive(Clone, Debug)]
pub struct Totals {
    client: Client,
}

impl Client {
    /// The files service (`files.*`).
    pub fn files(&self) -> Files {
        Files {
            client: self.clone(),
        }
    }
}

/// A file to upload.
#[derive(Clone, Debug)]
pub struct UploadFile {
    /// The name the portal shows; UTF-8 (Cyrillic included) is kept as is.
    pub filename: String,
    /// Defaults to `application/octet-stream`.
    pub content_type: Option<String>,
    pub content: Bytes,
}

impl UploadFile {
    pub fn new(filename: impl Into<String>, content: impl Into<Bytes>) -> UploadFile {
        UploadFile {
            filename: filename.into(),
            content_type: None,
            content: content.into(),
        }
    }
}

fn entity_query(entity_type: &str, entity_id: &str) -> Value {
    json!({"entityType": entity_type, "entityId": entity_id})
}

impl Files {
    /// Storage totals.
    pub fn totals(&self) -> Totals {
        Totals {
            client: self.client.clone(),
        }
    }

    /// `files.list`: the files attached to an entity (`entity_type` such as
    /// `deals`, `task`, `comment`).
    pub async fn list(&self, entity_type: &str, entity_id: &str) -> Result<Page<File>> {
        let query = entity_query(entity_type, entity_id);
        let (op, response) = self
            .client
            .send_op("files.list", Value::Null, query, Body::None)
            .await?;
        page::typed(op, &response, page::split(op, &response)?)
    }

    /// `files.upload`: uploads files and attaches them to an entity, as one
    /// multipart request with a `files[]` part per file.
    pub async fn upload(
        &self,
        entity_type: &str,
        entity_id: &str,
        files: Vec<UploadFile>,
    ) -> Result<Vec<File>> {
        if files.is_empty() {
            return Err(Error::config("files.upload needs at least one file"));
        }
        let multipart = Multipart {
            fields: vec![
                ("entityType".to_owned(), entity_type.to_owned()),
                ("entityId".to_owned(), entity_id.to_owned()),
            ],
            files: files
                .into_iter()
                .map(|file| FilePart {
                    field: "files[]".to_owned(),
                    filename: file.filename,
                    content_type: file.content_type,
                    content: file.content,
                })
                .collect(),
        };
        let (op, response) = self
            .client
            .send_op(
                "files.upload",
                Value::Null,
                Value::Null,
                Body::Multipart(multipart),
            )
            .await?;
        decode::data(op, &response)
    }

    /// `files.get`: one file record.
    pub async fn get(&self, id: i64) -> Result<File> {
        let (op, response) = self
            .client
            .send_op("files.get", json!({"id": id}), Value::Null, Body::None)
            .await?;
        decode::data(op, &response)
    }

    /// `files.update`: changes a file record (for example `{"entity_id": 42}`
    /// to attach an upload to an entity).
    pub async fn update(&self, id: &str, changes: &Value) -> Result<File> {
        let (op, response) = self
            .client
            .send_op(
                "files.update",
                json!({"id": id}),
                Value::Null,
                Body::Json(changes.clone()),
            )
            .await?;
        decode::data(op, &response)
    }

    /// `files.delete`.
    pub async fn delete(&self, id: i64) -> Result<()> {
        self.client
            .send_op("files.delete", json!({"id": id}), Value::Null, Body::None)
            .await?;
        Ok(())
    }

    /// `files.update_by_entity`: changes every file of an entity.
    pub async fn update_by_entity(
        &self,
        entity_type: &str,
        entity_id: &str,
        changes: &Value,
    ) -> Result<Value> {
        let query = entity_query(entity_type, entity_id);
        let (op, response) = self
            .client
            .send_op(
                "files.update_by_entity",
                Value::Null,
                query,
                Body::Json(changes.clone()),
            )
            .await?;
        decode::body(op, &response)
    }

    /// `files.delete_by_entity`: deletes every file of an entity.
    pub async fn delete_by_entity(&self, entity_type: &str, entity_id: &str) -> Result<()> {
        let query = entity_query(entity_type, entity_id);
        self.client
            .send_op("files.delete_by_entity", Value::Null, query, Body::None)
            .await?;
        Ok(())
    }
}

impl Totals {
    /// `files.totals.get_size`: storage used and allowed.
    pub async fn get_size(&self) -> Result<StorageSize> {
        let (op, response) = self
            .client
            .send_op(
                "files.totals.get_size",
                Value::Null,
                Value::Null,
                Body::None,
            )
            .await?;
        decode::data(op, &response)
    }
}
