//! JSON text straight to Python objects, in one pass over the bytes.
//!
//! A response body used to go through a `serde_json::Value` and then
//! `pythonize`, two passes that made a 1,000-item page slower to read than
//! `json.loads`. Here serde_json's parser calls a visitor that creates each
//! Python object as its value ends. A cache gives every repeated key (each
//! item of a page has the same ones) a single `str` object, so Python
//! computes its hash once.

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyList, PyString};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// The `str` objects of the keys seen so far in one parse.
type Keys = RefCell<HashMap<Box<str>, Py<PyString>>>;

/// Parses the JSON text `text` into Python objects. Fails on anything that
/// is not one JSON value, including `NaN` and lone surrogates, which the
/// core rejects too.
pub(crate) fn parse(py: Python<'_>, text: &[u8]) -> Result<Py<PyAny>, serde_json::Error> {
    let keys = Keys::default();
    let mut deserializer = serde_json::Deserializer::from_slice(text);
    let value = Builder { py, keys: &keys }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(value.unbind())
}

/// Parses each JSON text of `items` into one Python list, sharing the key
/// cache across the items.
pub(crate) fn parse_items<'py>(
    py: Python<'py>,
    items: &[Box<serde_json::value::RawValue>],
) -> Result<Bound<'py, PyList>, serde_json::Error> {
    let keys = Keys::default();
    let mut parsed = Vec::with_capacity(items.len());
    for item in items {
        let mut deserializer = serde_json::Deserializer::from_str(item.get());
        parsed.push(Builder { py, keys: &keys }.deserialize(&mut deserializer)?);
        deserializer.end()?;
    }
    PyList::new(py, parsed).map_err(python_error)
}

fn python_error<E: de::Error>(error: PyErr) -> E {
    E::custom(format!("building the Python value failed: {error}"))
}

#[derive(Clone, Copy)]
struct Builder<'py, 'k> {
    py: Python<'py>,
    keys: &'k Keys,
}

impl<'de, 'py> DeserializeSeed<'de> for Builder<'py, '_> {
    type Value = Bound<'py, PyAny>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de, 'py> Visitor<'de> for Builder<'py, '_> {
    type Value = Bound<'py, PyAny>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.py.None().into_bound(self.py))
    }

    fn visit_bool<E: de::Error>(self, value: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.py, value).to_owned().into_any())
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        let Ok(int) = value.into_pyobject(self.py);
        Ok(int.into_any())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        let Ok(int) = value.into_pyobject(self.py);
        Ok(int.into_any())
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        Ok(PyFloat::new(self.py, value).into_any())
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.py, value).into_any())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(PyList::new(self.py, items)
            .map_err(python_error)?
            .into_any())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.py);
        while let Some(key) = map.next_key_seed(Key(self))? {
            let value = map.next_value_seed(self)?;
            dict.set_item(key, value).map_err(python_error)?;
        }
        Ok(dict.into_any())
    }
}

/// A key of an object, taken from the cache when seen before.
struct Key<'py, 'k>(Builder<'py, 'k>);

impl<'de, 'py> DeserializeSeed<'de> for Key<'py, '_> {
    type Value = Bound<'py, PyString>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de, 'py> Visitor<'de> for Key<'py, '_> {
    type Value = Bound<'py, PyString>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Self::Value, E> {
        let Builder { py, keys } = self.0;
        let mut keys = keys.borrow_mut();
        if let Some(cached) = keys.get(key) {
            return Ok(cached.bind(py).clone());
        }
        let created = PyString::new(py, key);
        keys.insert(key.into(), created.clone().unbind());
        Ok(created)
    }
}
