//! Python values to the core's JSON, query and body types, and JSON back
//! to plain Python objects.

use bytes::Bytes;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyDict, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Value};
use uspacy::{Body, Error, FilePart, Multipart};

type Result<T> = std::result::Result<T, Error>;

/// Returns the Python type name of `value`, for error messages.
pub(crate) fn type_name(value: &Bound<'_, PyAny>) -> String {
    value
        .get_type()
        .name()
        .map(|name| name.to_string())
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Converts `value` to JSON; `None` is `null`. `argument` names it in errors.
pub(crate) fn to_json(value: Option<&Bound<'_, PyAny>>, argument: &str) -> Result<Value> {
    let Some(value) = value else {
        return Ok(Value::Null);
    };
    if value.is_none() {
        return Ok(Value::Null);
    }
    pythonize::depythonize::<Value>(value).map_err(|error| {
        Error::config(format!(
            "{argument} cannot be sent as JSON ({error}): use dicts, lists, str, int, float, bool and None"
        ))
    })
}

/// Builds plain Python objects from JSON: dicts, lists, str, int, float, bool, None.
pub(crate) fn to_python(py: Python<'_>, value: &Value) -> PyResult<Py<PyAny>> {
    Ok(pythonize::pythonize(py, value)?.unbind())
}

/// Merges the method's documented keyword arguments (`None` meaning unset)
/// with the caller's `query=` mapping into one query. A parameter set both
/// ways is rejected rather than silently overridden.
pub(crate) fn merge_query(
    documented: Option<&Bound<'_, PyAny>>,
    extra: Option<&Bound<'_, PyAny>>,
) -> Result<Value> {
    let mut merged = match to_json(documented, "a query argument")? {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        _ => return Err(Error::config("documented query arguments must be a dict")),
    };
    merged.retain(|_, value| !value.is_null());

    let extra = match to_json(extra, "query")? {
        Value::Object(map) => map,
        Value::Null => Map::new(),
        other => {
            return Err(Error::config(format!(
                "query must be a dict of parameter names to values, got {}",
                json_kind(&other)
            )))
        }
    };
    for (name, value) in extra {
        if merged.contains_key(&name) && !value.is_null() {
            return Err(Error::config(format!(
                "query parameter `{name}` is given twice, as a keyword argument and in query=: pass it once"
            )));
        }
        merged.entry(name).or_insert(value);
    }
    Ok(Value::Object(merged))
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "None",
        Value::Bool(_) => "a bool",
        Value::Number(_) => "a number",
        Value::String(_) => "a str",
        Value::Array(_) => "a list",
        Value::Object(_) => "a dict",
    }
}

/// Builds the request body: JSON from `body`, or multipart from `files` and `fields`.
pub(crate) fn body(
    body: Option<&Bound<'_, PyAny>>,
    files: Option<&Bound<'_, PyAny>>,
    fields: Option<&Bound<'_, PyAny>>,
) -> Result<Body> {
    let is_set = |value: Option<&Bound<'_, PyAny>>| value.is_some_and(|value| !value.is_none());
    let multipart = is_set(files) || is_set(fields);
    if is_set(body) && multipart {
        return Err(Error::config(
            "pass either body= (sent as JSON) or files=/fields= (sent as multipart), not both",
        ));
    }
    if multipart {
        let mut form = Multipart::default();
        if let Some(files) = files.filter(|files| !files.is_none()) {
            form.files = file_parts(files)?;
        }
        if let Some(fields) = fields.filter(|fields| !fields.is_none()) {
            form.fields = text_fields(fields)?;
        }
        return Ok(Body::Multipart(form));
    }
    match to_json(body, "body")? {
        Value::Null => Ok(Body::None),
        value => Ok(Body::Json(value)),
    }
}

/// `files=[(filename, content[, content_type]), ...]` as file parts whose
/// form field the core fills from the operation.
fn file_parts(files: &Bound<'_, PyAny>) -> Result<Vec<FilePart>> {
    if files.is_instance_of::<PyString>()
        || files.is_instance_of::<PyBytes>()
        || files.is_instance_of::<PyDict>()
        || !(files.is_instance_of::<PyList>() || files.is_instance_of::<PyTuple>())
    {
        return Err(Error::config(format!(
            "files must be a list of (filename, content) or (filename, content, content_type) \
             tuples, got {}",
            type_name(files)
        )));
    }
    let mut parts = Vec::new();
    for (index, entry) in files.try_iter().map_err(python_error)?.enumerate() {
        let entry = entry.map_err(python_error)?;
        parts.push(file_part(index, &entry)?);
    }
    Ok(parts)
}

fn file_part(index: usize, entry: &Bound<'_, PyAny>) -> Result<FilePart> {
    let shape_error = || {
        Error::config(format!(
            "files[{index}] must be a (filename, content) or (filename, content, content_type) \
             tuple, got {}",
            type_name(entry)
        ))
    };
    let items: Vec<Bound<'_, PyAny>> = match entry.cast::<PyTuple>() {
        Ok(tuple) => tuple.iter().collect(),
        Err(_) => match entry.cast::<PyList>() {
            Ok(list) => list.iter().collect(),
            Err(_) => return Err(shape_error()),
        },
    };
    if !(2..=3).contains(&items.len()) {
        return Err(shape_error());
    }

    let filename = items[0].extract::<String>().map_err(|_| {
        Error::config(format!(
            "files[{index}]: the file name must be a str, got {}",
            type_name(&items[0])
        ))
    })?;
    if filename.is_empty() {
        return Err(Error::config(format!(
            "files[{index}]: the file name is empty"
        )));
    }
    let content = bytes_of(&items[1]).ok_or_else(|| {
        Error::config(format!(
            "files[{index}]: the content must be bytes, bytearray or memoryview, got {} \
             (read files in binary mode: open(path, \"rb\").read())",
            type_name(&items[1])
        ))
    })?;
    let content_type = match items.get(2) {
        None => None,
        Some(value) if value.is_none() => None,
        Some(value) => Some(value.extract::<String>().map_err(|_| {
            Error::config(format!(
                "files[{index}]: the content type must be a str such as \"application/pdf\", got {}",
                type_name(value)
            ))
        })?),
    };
    Ok(FilePart {
        field: String::new(),
        filename,
        content_type,
        content,
    })
}

/// Copies the bytes of a `bytes`, `bytearray` or `memoryview` (or any
/// other object with the buffer protocol); `None` for anything else.
fn bytes_of(value: &Bound<'_, PyAny>) -> Option<Bytes> {
    if let Ok(bytes) = value.cast::<PyBytes>() {
        return Some(Bytes::copy_from_slice(bytes.as_bytes()));
    }
    if let Ok(array) = value.cast::<PyByteArray>() {
        return Some(Bytes::from(array.to_vec()));
    }
    if value.is_instance_of::<PyString>() {
        return None;
    }
    let builtins = value.py().import("builtins").ok()?;
    let copied = builtins.getattr("memoryview").ok()?.call1((value,)).ok()?;
    let copied = copied.call_method0("tobytes").ok()?;
    let bytes = copied.cast::<PyBytes>().ok()?;
    Some(Bytes::copy_from_slice(bytes.as_bytes()))
}

/// `fields={"name": value}` or `[("name", value), ...]` as text fields;
/// `None` values are left out.
fn text_fields(fields: &Bound<'_, PyAny>) -> Result<Vec<(String, String)>> {
    let pairs: Vec<(Bound<'_, PyAny>, Bound<'_, PyAny>)> =
        if let Ok(mapping) = fields.cast::<PyMapping>() {
            let items = mapping.items().map_err(python_error)?;
            let mut pairs = Vec::new();
            for item in items.iter() {
                let (key, value) = item
                    .extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()
                    .map_err(python_error)?;
                pairs.push((key, value));
            }
            pairs
        } else if fields.is_instance_of::<PyList>() || fields.is_instance_of::<PyTuple>() {
            let mut pairs = Vec::new();
            for (index, item) in fields.try_iter().map_err(python_error)?.enumerate() {
                let item = item.map_err(python_error)?;
                let pair = item
                    .extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()
                    .map_err(|_| {
                        Error::config(format!(
                            "fields[{index}] must be a (name, value) pair, got {}",
                            type_name(&item)
                        ))
                    })?;
                pairs.push(pair);
            }
            pairs
        } else {
            return Err(Error::config(format!(
                "fields must be a dict or a list of (name, value) pairs, got {}",
                type_name(fields)
            )));
        };

    let mut out = Vec::new();
    for (key, value) in pairs {
        let name = key.extract::<String>().map_err(|_| {
            Error::config(format!(
                "fields: a field name must be a str, got {}",
                type_name(&key)
            ))
        })?;
        if value.is_none() {
            continue;
        }
        out.push((name.clone(), field_text(&name, &value)?));
    }
    Ok(out)
}

/// Formats a form value as text. Booleans become `1`/`0`, as the core's
/// query encoding sends them for Laravel's `boolean` rule.
fn field_text(name: &str, value: &Bound<'_, PyAny>) -> Result<String> {
    if let Ok(flag) = value.extract::<bool>() {
        if value.is_instance_of::<pyo3::types::PyBool>() {
            return Ok(if flag { "1" } else { "0" }.to_owned());
        }
    }
    if let Ok(text) = value.cast::<PyString>() {
        return text
            .to_cow()
            .map(|text| text.into_owned())
            .map_err(python_error);
    }
    if value.is_instance_of::<pyo3::types::PyInt>()
        || value.is_instance_of::<pyo3::types::PyFloat>()
    {
        return value
            .str()
            .and_then(|text| text.to_cow().map(|text| text.into_owned()))
            .map_err(python_error);
    }
    Err(Error::config(format!(
        "fields[\"{name}\"] must be a str, int, float or bool, got {}",
        type_name(value)
    )))
}

/// Wraps a Python exception raised while reading an argument in a
/// configuration error that keeps its text.
fn python_error(error: PyErr) -> Error {
    Error::config(format!("invalid argument: {error}"))
}
