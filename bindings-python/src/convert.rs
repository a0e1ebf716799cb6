//! Python values to the core's JSON, query and body types, and JSON back
//! to plain Python objects.

use std::path::{Path, PathBuf};

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

/// Turns a 2xx response body into Python objects, in one pass over its
/// bytes ([`crate::json`]). A body that is blank or not JSON goes to the
/// core, which decides as in every other language: blank is `None`, an
/// operation without a documented body may send plain text, anything else
/// is a `DecodeError`.
pub(crate) fn body_to_python(
    py: Python<'_>,
    op: &uspacy::Operation,
    response: &uspacy::RawResponse,
) -> PyResult<Py<PyAny>> {
    if !response.body.iter().all(u8::is_ascii_whitespace) {
        if let Ok(value) = crate::json::parse(py, &response.body) {
            return Ok(value);
        }
    }
    match uspacy::decode_json(op, response) {
        Ok(value) => to_python(py, &value),
        Err(error) => Err(crate::errors::to_py_err(py, &error)),
    }
}

/// Parses the items of a page of `op_id`, each one JSON text, into a
/// Python list.
pub(crate) fn items_to_python<'py>(
    py: Python<'py>,
    op_id: &str,
    items: &[Box<serde_json::value::RawValue>],
) -> PyResult<Bound<'py, PyList>> {
    crate::json::parse_items(py, items).map_err(|error| {
        let message = format!("{op_id} returned a value that cannot be read: {error}");
        crate::errors::to_py_err(py, &Error::new(uspacy::ErrorKind::Decode, message))
    })
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

/// A request body whose file parts may still have to be read from disk.
///
/// Files given as paths are read by [`PendingBody::load`], inside the call's
/// future: off the event loop for the asyncio client and without the GIL for
/// the blocking one, and before anything is sent.
pub(crate) struct PendingBody {
    body: Body,
    /// The index of each file part whose content is a path, and the path.
    reads: Vec<(usize, PathBuf)>,
}

impl PendingBody {
    /// Wraps a body that has no file left to read.
    fn ready(body: Body) -> PendingBody {
        PendingBody {
            body,
            reads: Vec::new(),
        }
    }

    /// Returns an empty body.
    pub(crate) fn none() -> PendingBody {
        PendingBody::ready(Body::None)
    }

    /// Reads the files given as paths and returns the complete body. A file
    /// that cannot be read is a configuration error naming the part and path.
    pub(crate) async fn load(self) -> Result<Body> {
        let PendingBody { mut body, reads } = self;
        if reads.is_empty() {
            return Ok(body);
        }
        let read_all = move || {
            reads
                .into_iter()
                .map(|(index, path)| match std::fs::read(&path) {
                    Ok(content) => Ok((index, Bytes::from(content))),
                    Err(error) => Err(Error::config(format!(
                        "files[{index}]: cannot read {}: {error}",
                        path.display()
                    ))),
                })
                .collect::<Result<Vec<_>>>()
        };
        let contents = match tokio::task::spawn_blocking(read_all).await {
            Ok(contents) => contents?,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(_) => return Err(Error::config("reading the files to upload was cancelled")),
        };
        if let Body::Multipart(form) = &mut body {
            for (index, content) in contents {
                form.files[index].content = content;
            }
        }
        Ok(body)
    }
}

/// Builds the request body: JSON from `body`, or multipart from `files` and `fields`.
pub(crate) fn body(
    body: Option<&Bound<'_, PyAny>>,
    files: Option<&Bound<'_, PyAny>>,
    fields: Option<&Bound<'_, PyAny>>,
) -> Result<PendingBody> {
    let is_set = |value: Option<&Bound<'_, PyAny>>| value.is_some_and(|value| !value.is_none());
    let multipart = is_set(files) || is_set(fields);
    if is_set(body) && multipart {
        return Err(Error::config(
            "pass either body= (sent as JSON) or files=/fields= (sent as multipart), not both",
        ));
    }
    if multipart {
        let mut form = Multipart::default();
        let mut reads = Vec::new();
        if let Some(files) = files.filter(|files| !files.is_none()) {
            for (index, (part, path)) in file_parts(files)?.into_iter().enumerate() {
                form.files.push(part);
                if let Some(path) = path {
                    reads.push((index, path));
                }
            }
        }
        if let Some(fields) = fields.filter(|fields| !fields.is_none()) {
            form.fields = text_fields(fields)?;
        }
        return Ok(PendingBody {
            body: Body::Multipart(form),
            reads,
        });
    }
    match to_json(body, "body")? {
        Value::Null => Ok(PendingBody::ready(Body::None)),
        value => Ok(PendingBody::ready(Body::Json(value))),
    }
}

/// A file part, and the path to read its content from when it was given
/// as a path (the part's content is empty until then).
type FileEntry = (FilePart, Option<PathBuf>);

const FILE_SHAPES: &str = "a (filename, content) or (filename, content, content_type) tuple, \
                           or a path (pathlib.Path)";

/// `files=[path, (filename, content[, content_type]), ...]` as file parts
/// whose form field the core fills from the operation.
fn file_parts(files: &Bound<'_, PyAny>) -> Result<Vec<FileEntry>> {
    if files.is_instance_of::<PyString>()
        || files.is_instance_of::<PyBytes>()
        || files.is_instance_of::<PyDict>()
        || !(files.is_instance_of::<PyList>() || files.is_instance_of::<PyTuple>())
    {
        let hint = if is_path(files) {
            " (put the path in a list: files=[path])"
        } else {
            ""
        };
        return Err(Error::config(format!(
            "files must be a list whose items are each {FILE_SHAPES}, got {}{hint}",
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

/// Tells whether `value` is an `os.PathLike` (it has `__fspath__`); a
/// `str` is not, because it could as well be a file name.
fn is_path(value: &Bound<'_, PyAny>) -> bool {
    value.hasattr("__fspath__").unwrap_or(false)
}

/// Returns the path of an `os.PathLike`, whose `__fspath__` may return
/// `str` or `bytes`.
fn path_of(index: usize, value: &Bound<'_, PyAny>) -> Result<PathBuf> {
    let unusable = |error: PyErr| {
        Error::config(format!(
            "files[{index}]: {} is not a valid path: {error}",
            type_name(value)
        ))
    };
    let os = value.py().import("os").map_err(unusable)?;
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStringExt;
        // `os.fsencode` gives the bytes the OS uses, also for names that are
        // not valid UTF-8.
        let raw = os.call_method1("fsencode", (value,)).map_err(unusable)?;
        let raw = raw.extract::<Vec<u8>>().map_err(unusable)?;
        Ok(PathBuf::from(std::ffi::OsString::from_vec(raw)))
    }
    #[cfg(not(unix))]
    {
        let text = os.call_method1("fsdecode", (value,)).map_err(unusable)?;
        text.extract::<String>()
            .map(PathBuf::from)
            .map_err(unusable)
    }
}

/// Returns the file name a path uploads under, which is its last component.
fn name_of(index: usize, path: &Path) -> Result<String> {
    let name = path.file_name().ok_or_else(|| {
        Error::config(format!(
            "files[{index}]: the path {} has no file name: pass (filename, path) to name it",
            path.display()
        ))
    })?;
    name.to_str().map(str::to_owned).ok_or_else(|| {
        Error::config(format!(
            "files[{index}]: the file name of {} is not valid UTF-8: pass (filename, path) \
             with the name as a str",
            path.display()
        ))
    })
}

fn file_part(index: usize, entry: &Bound<'_, PyAny>) -> Result<FileEntry> {
    if is_path(entry) {
        let path = path_of(index, entry)?;
        let part = FilePart {
            field: String::new(),
            filename: name_of(index, &path)?,
            content_type: None,
            content: Bytes::new(),
        };
        return Ok((part, Some(path)));
    }
    let shape_error = || {
        let hint = if entry.is_instance_of::<PyString>() {
            " (wrap a path in pathlib.Path)"
        } else {
            ""
        };
        Error::config(format!(
            "files[{index}] must be {FILE_SHAPES}, got {}{hint}",
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
    let (content, path) = if is_path(&items[1]) {
        (Bytes::new(), Some(path_of(index, &items[1])?))
    } else {
        let content = bytes_of(&items[1]).ok_or_else(|| {
            Error::config(format!(
                "files[{index}]: the content must be bytes, bytearray, memoryview or a path \
                 (pathlib.Path), got {} (read files in binary mode: open(path, \"rb\").read())",
                type_name(&items[1])
            ))
        })?;
        (content, None)
    };
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
    let part = FilePart {
        field: String::new(),
        filename,
        content_type,
        content,
    };
    Ok((part, path))
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
