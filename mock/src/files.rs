//! Files service: multipart upload, listing, metadata updates, deletion,
//! storage totals, and the download route behind each file's `url`.

use bytes::Bytes;
use http::header;
use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::filter::{page_body, paging};
use crate::http::{bytes_response, empty, invalid, json, message, now, ApiRequest, Errors, Resp};
use crate::multipart;
use crate::server::Shared;
use crate::state::StoredFile;

/// Storage quota reported by `GET /files/v1/totals/size`: 10 GiB.
const STORAGE_LIMIT: u64 = 10 * 1024 * 1024 * 1024;

fn not_found(id: &str) -> Resp {
    message(404, false, format!("File {id} not found."))
}

/// Returns the JSON form of a file; `entityId` is a number when numeric.
fn file_json(base_url: &str, file: &StoredFile) -> Value {
    let entity_id = match file.entity_id.parse::<i64>() {
        Ok(number) => json!(number),
        Err(_) => json!(file.entity_id),
    };
    json!({
        "id": file.id,
        "entityType": file.entity_type,
        "entityId": entity_id,
        "uploadId": file.upload_id,
        "creatorId": file.creator_id,
        "originalFilename": file.original_filename,
        "lastModified": file.last_modified,
        "size": file.bytes.len(),
        "url": download_url(base_url, file),
        "width": file.width,
        "height": file.height,
    })
}

fn download_url(base_url: &str, file: &StoredFile) -> String {
    format!(
        "{base_url}/__mock/storage/{}/{}",
        file.id,
        utf8_percent_encode(&file.original_filename, NON_ALPHANUMERIC)
    )
}

/// Reads width and height from PNG, GIF or JPEG headers.
fn image_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let be16 = |at: usize| -> Option<u32> {
        Some(u32::from(u16::from_be_bytes(
            bytes.get(at..at + 2)?.try_into().ok()?,
        )))
    };
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        let width = u32::from_be_bytes(bytes.get(16..20)?.try_into().ok()?);
        let height = u32::from_be_bytes(bytes.get(20..24)?.try_into().ok()?);
        return Some((width, height));
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        let width = u16::from_le_bytes(bytes.get(6..8)?.try_into().ok()?);
        let height = u16::from_le_bytes(bytes.get(8..10)?.try_into().ok()?);
        return Some((u32::from(width), u32::from(height)));
    }
    if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut position = 2;
        while position + 4 <= bytes.len() {
            if bytes[position] != 0xFF {
                position += 1;
                continue;
            }
            let marker = bytes[position + 1];
            // SOF0..SOF15 carry the frame size; C4, C8 and CC are other segments.
            if (0xC0..=0xCF).contains(&marker) && !matches!(marker, 0xC4 | 0xC8 | 0xCC) {
                return Some((be16(position + 7)?, be16(position + 5)?));
            }
            position += 2 + be16(position + 2)? as usize;
        }
    }
    None
}

fn guess_content_type(filename: &str) -> &'static str {
    let extension = filename
        .rsplit('.')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "txt" => "text/plain; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "json" => "application/json",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

/// Returns a random UUID v4 string for `uploadId`.
fn uuid_v4() -> String {
    let mut bytes = [0u8; 16];
    bytes.iter_mut().for_each(|b| *b = fastrand::u8(..));
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// `POST /files/v1/files`: multipart with `files[]` (or `files[N]`) file
/// parts plus `entityType` and `entityId` text parts.
pub(crate) fn upload(shared: &Shared, req: &ApiRequest) -> Handled {
    let content_type = req
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multipart::boundary(content_type).ok_or_else(|| {
        invalid(
            "files",
            "The files must be sent as multipart/form-data with a boundary.",
        )
    })?;
    let parts = multipart::parse(&boundary, &req.body).map_err(|error| {
        invalid(
            "files",
            format!("The multipart body is malformed: {error}."),
        )
    })?;

    let mut entity_type = None;
    let mut entity_id = None;
    let mut uploads = Vec::new();
    for part in parts {
        let is_file_field = part.name == "files" || part.name.starts_with("files[");
        match (part.filename, part.name.as_str()) {
            (Some(filename), _) if is_file_field => {
                uploads.push((filename, part.content_type, part.data))
            }
            (None, "entityType") => {
                entity_type = Some(String::from_utf8_lossy(&part.data).trim().to_string())
            }
            (None, "entityId") => {
                entity_id = Some(String::from_utf8_lossy(&part.data).trim().to_string())
            }
            _ => {}
        }
    }
    let mut errors = Errors::default();
    if uploads.is_empty() {
        errors.add(
            "files",
            "The files field is required: send one files[] part per file.",
        );
    }
    if entity_type.as_deref().is_none_or(str::is_empty) {
        errors.add("entityType", "The entity type field is required.");
    }
    if entity_id.as_deref().is_none_or(str::is_empty) {
        errors.add("entityId", "The entity id field is required.");
    }
    errors.check()?;

    let upload_id = uuid_v4();
    let mut portal = shared.portal();
    let mut stored = Vec::new();
    for (filename, part_type, data) in uploads {
        portal.seq.file += 1;
        let (width, height) = match image_size(&data) {
            Some((w, h)) => (Some(w), Some(h)),
            None => (None, None),
        };
        let file = StoredFile {
            id: portal.seq.file,
            entity_type: entity_type.clone().unwrap_or_default(),
            entity_id: entity_id.clone().unwrap_or_default(),
            upload_id: upload_id.clone(),
            creator_id: req.actor(),
            content_type: part_type.unwrap_or_else(|| guess_content_type(&filename).to_string()),
            original_filename: filename,
            last_modified: now() * 1000,
            width,
            height,
            bytes: data,
        };
        stored.push(file_json(&shared.base_url, &file));
        portal.files.insert(file.id, file);
    }
    Ok(json(200, &json!({"data": stored})))
}

/// A parsed `multipart/form-data` body: text fields and file parts.
pub(crate) struct Form {
    pub fields: Vec<(String, String)>,
    pub files: Vec<multipart::Part>,
}

impl Form {
    /// Returns the first text field called `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// Returns the fields as a PHP-style object: `usersIds[]` become arrays
    /// and `themeSettings[bgColor]` nested objects, as Laravel reads them.
    pub fn to_value(&self) -> Value {
        let encoded: Vec<String> = self
            .fields
            .iter()
            .map(|(key, value)| {
                format!(
                    "{}={}",
                    utf8_percent_encode(key, NON_ALPHANUMERIC),
                    utf8_percent_encode(value, NON_ALPHANUMERIC)
                )
            })
            .collect();
        crate::query::parse(&encoded.join("&"))
    }
}

/// Reads a multipart body; `field` names the form field in the error when
/// the body is not multipart.
pub(crate) fn read_form(req: &ApiRequest, field: &str) -> Result<Form, Resp> {
    let content_type = req
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let boundary = multipart::boundary(content_type).ok_or_else(|| {
        invalid(
            field,
            "The body must be sent as multipart/form-data with a boundary.",
        )
    })?;
    let parts = multipart::parse(&boundary, &req.body)
        .map_err(|error| invalid(field, format!("The multipart body is malformed: {error}.")))?;
    let mut form = Form {
        fields: Vec::new(),
        files: Vec::new(),
    };
    for part in parts {
        if part.filename.is_some() {
            form.files.push(part);
        } else {
            let text = String::from_utf8_lossy(&part.data).into_owned();
            form.fields.push((part.name, text));
        }
    }
    Ok(form)
}

/// Stores an uploaded part as a file of `entity_type`/`entity_id` and
/// returns its JSON form (with the download `url`).
pub(crate) fn store_part(
    shared: &Shared,
    portal: &mut crate::state::Portal,
    part: &multipart::Part,
    entity: (&str, &str),
    creator_id: i64,
) -> Value {
    portal.seq.file += 1;
    let filename = part.filename.clone().unwrap_or_default();
    let (width, height) = match image_size(&part.data) {
        Some((w, h)) => (Some(w), Some(h)),
        None => (None, None),
    };
    let file = StoredFile {
        id: portal.seq.file,
        entity_type: entity.0.to_string(),
        entity_id: entity.1.to_string(),
        upload_id: uuid_v4(),
        creator_id,
        content_type: part
            .content_type
            .clone()
            .unwrap_or_else(|| guess_content_type(&filename).to_string()),
        original_filename: filename,
        last_modified: now() * 1000,
        width,
        height,
        bytes: part.data.clone(),
    };
    let value = file_json(&shared.base_url, &file);
    portal.files.insert(file.id, file);
    value
}

fn entity_filter(req: &ApiRequest) -> (Option<String>, Option<String>) {
    let read = |key: &str| {
        req.query
            .get(key)
            .and_then(|v| match v {
                Value::String(text) => Some(text.trim().to_string()),
                _ => None,
            })
            .filter(|text| !text.is_empty())
    };
    (read("entityType"), read("entityId"))
}

/// Tells whether a file belongs to the entity; a missing filter matches all.
fn matches_entity(
    file: &StoredFile,
    entity_type: &Option<String>,
    entity_id: &Option<String>,
) -> bool {
    let type_ok = entity_type.as_ref().is_none_or(|t| *t == file.entity_type);
    let id_ok = entity_id.as_ref().is_none_or(|id| *id == file.entity_id);
    type_ok && id_ok
}

/// `GET /files/v1/files[?entityType=&entityId=&page=&list=]`.
pub(crate) fn list(shared: &Shared, req: &ApiRequest) -> Handled {
    let paging = paging(&req.query)?;
    let (entity_type, entity_id) = entity_filter(req);
    let portal = shared.portal();
    let matched: Vec<&StoredFile> = portal
        .files
        .values()
        .filter(|f| matches_entity(f, &entity_type, &entity_id))
        .collect();
    let total = matched.len();
    let rows = matched
        .into_iter()
        .skip((paging.page - 1).saturating_mul(paging.per_page))
        .take(paging.per_page)
        .map(|f| file_json(&shared.base_url, f))
        .collect();
    let url = format!("{}/files/v1/files", shared.base_url);
    Ok(json(200, &page_body(rows, total, paging, &url)))
}

/// `GET /files/v1/files/{id}`.
pub(crate) fn get(shared: &Shared, id: &str) -> Handled {
    let portal = shared.portal();
    id.parse::<i64>()
        .ok()
        .and_then(|id| portal.files.get(&id))
        .map(|f| json(200, &file_json(&shared.base_url, f)))
        .ok_or_else(|| not_found(id))
}

/// Reads the new owner from a body that may spell keys in camelCase or snake_case.
fn retarget_body(req: &ApiRequest) -> Result<(Option<String>, Option<String>), Resp> {
    let body = req.body_value();
    let read = |camel: &str, snake: &str| -> Option<String> {
        match body.get(camel).or_else(|| body.get(snake)) {
            Some(Value::String(text)) if !text.trim().is_empty() => Some(text.trim().to_string()),
            Some(Value::Number(number)) => Some(number.to_string()),
            _ => None,
        }
    };
    let target = (
        read("entityType", "entity_type"),
        read("entityId", "entity_id"),
    );
    if target.0.is_none() && target.1.is_none() {
        return Err(invalid(
            "entityId",
            "Send entityType and/or entityId to attach the files to.",
        ));
    }
    Ok(target)
}

fn retarget(file: &mut StoredFile, target: &(Option<String>, Option<String>)) {
    if let Some(entity_type) = &target.0 {
        file.entity_type = entity_type.clone();
    }
    if let Some(entity_id) = &target.1 {
        file.entity_id = entity_id.clone();
    }
    file.last_modified = now() * 1000;
}

/// `PATCH /files/v1/files/{id}`: `{id}` is a file id (returns the file) or
/// an `uploadId` (returns `{data: [...]}` for every file of that upload).
pub(crate) fn update(shared: &Shared, req: &ApiRequest, id: &str) -> Handled {
    let target = retarget_body(req)?;
    let mut portal = shared.portal();
    if let Ok(number) = id.parse::<i64>() {
        let file = portal.files.get_mut(&number).ok_or_else(|| not_found(id))?;
        retarget(file, &target);
        return Ok(json(200, &file_json(&shared.base_url, file)));
    }
    let mut updated = Vec::new();
    for file in portal.files.values_mut().filter(|f| f.upload_id == id) {
        retarget(file, &target);
        updated.push(file_json(&shared.base_url, file));
    }
    if updated.is_empty() {
        return Err(not_found(id));
    }
    Ok(json(200, &json!({"data": updated})))
}

/// `DELETE /files/v1/files/{id}`.
pub(crate) fn delete(shared: &Shared, id: &str) -> Handled {
    let mut portal = shared.portal();
    match id.parse::<i64>().ok().and_then(|n| portal.files.remove(&n)) {
        Some(_) => Ok(empty(204)),
        None => Err(not_found(id)),
    }
}

fn required_entity(req: &ApiRequest) -> Result<(String, String), Resp> {
    let (entity_type, entity_id) = entity_filter(req);
    let mut errors = Errors::default();
    if entity_type.is_none() {
        errors.add("entityType", "The entityType query parameter is required.");
    }
    if entity_id.is_none() {
        errors.add("entityId", "The entityId query parameter is required.");
    }
    errors.check()?;
    Ok((
        entity_type.unwrap_or_default(),
        entity_id.unwrap_or_default(),
    ))
}

/// `PATCH /files/v1/files?entityType=&entityId=`: moves every file of that
/// entity to the entity named in the body.
// NOTE: no client calls this route; the body mirrors the single-file update.
pub(crate) fn update_by_entity(shared: &Shared, req: &ApiRequest) -> Handled {
    let (entity_type, entity_id) = required_entity(req)?;
    let target = retarget_body(req)?;
    let mut portal = shared.portal();
    let mut updated = Vec::new();
    for file in portal
        .files
        .values_mut()
        .filter(|f| f.entity_type == entity_type && f.entity_id == entity_id)
    {
        retarget(file, &target);
        updated.push(file_json(&shared.base_url, file));
    }
    Ok(json(200, &json!({"data": updated})))
}

/// `DELETE /files/v1/files?entityType=&entityId=`: deletes every file of
/// that entity (204 even when there were none).
pub(crate) fn delete_by_entity(shared: &Shared, req: &ApiRequest) -> Handled {
    let (entity_type, entity_id) = required_entity(req)?;
    let mut portal = shared.portal();
    portal
        .files
        .retain(|_, f| !(f.entity_type == entity_type && f.entity_id == entity_id));
    Ok(empty(204))
}

/// `GET /files/v1/totals/size`: bytes stored and the quota.
pub(crate) fn totals(shared: &Shared) -> Handled {
    let portal = shared.portal();
    let size: u64 = portal.files.values().map(|f| f.bytes.len() as u64).sum();
    Ok(json(
        200,
        &json!({"data": {"size": size, "limit": STORAGE_LIMIT}}),
    ))
}

/// `GET /__mock/storage/{id}[/{name}]`: the stored bytes, as the storage
/// link in a file's `url` would serve them (no auth).
pub(crate) fn download(shared: &Shared, id: &str) -> Resp {
    let portal = shared.portal();
    let Some(file) = id.parse::<i64>().ok().and_then(|n| portal.files.get(&n)) else {
        return not_found(id);
    };
    let mut response = bytes_response(200, &file.content_type, Bytes::clone(&file.bytes));
    let disposition = format!(
        "inline; filename*=UTF-8''{}",
        utf8_percent_encode(&file.original_filename, NON_ALPHANUMERIC)
    );
    if let Ok(value) = http::HeaderValue::from_str(&disposition) {
        response
            .headers_mut()
            .insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_size() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        png.extend_from_slice(&640u32.to_be_bytes());
        png.extend_from_slice(&480u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((640, 480)));
    }

    #[test]
    fn gif_size() {
        let gif = b"GIF89a\x20\x00\x10\x00";
        assert_eq!(image_size(gif), Some((32, 16)));
    }

    #[test]
    fn jpeg_size() {
        // SOI, an APP0 segment of length 4, then SOF0 with height 2, width 3.
        let jpeg = [
            0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0x00, 0x00, 0xFF, 0xC0, 0x00, 0x11, 0x08, 0x00,
            0x02, 0x00, 0x03,
        ];
        assert_eq!(image_size(&jpeg), Some((3, 2)));
    }

    #[test]
    fn non_image_has_no_size() {
        assert_eq!(image_size(b"%PDF-1.7"), None);
    }
}
