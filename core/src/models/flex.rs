//! Deserializers for values whose JSON type the server varies: numbers sent
//! as strings, booleans sent as `1`/`"1"`, money values as strings. A value
//! that fits none of the accepted forms is an error naming what was found,
//! never a silent zero.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

/// Reads a boolean from `true`/`false`, `1`/`0` and `"1"`/`"0"`/`"true"`/`"false"`.
pub(crate) fn bool_from_value(value: &Value) -> Option<bool> {
    match value {
        Value::Bool(flag) => Some(*flag),
        Value::Number(number) => match number.as_i64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        Value::String(text) => match text.trim() {
            "1" | "true" | "TRUE" | "True" => Some(true),
            "0" | "false" | "FALSE" | "False" | "" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

struct IntVisitor;

impl Visitor<'_> for IntVisitor {
    type Value = Option<i64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string of digits")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Self::Value, E> {
        Ok(Some(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Self::Value, E> {
        i64::try_from(value)
            .map(Some)
            .map_err(|_| E::custom(format!("integer {value} is out of range")))
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Self::Value, E> {
        if value.fract() == 0.0 && value.abs() < 9.0e15 {
            Ok(Some(value as i64))
        } else {
            Err(E::invalid_value(de::Unexpected::Float(value), &self))
        }
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Ok(None);
        }
        trimmed
            .parse()
            .map(Some)
            .map_err(|_| E::invalid_value(de::Unexpected::Str(value), &self))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// An optional integer sent as a number or a numeric string; `null`, a
/// missing key and `""` are `None`.
pub fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    // Straight from the deserializer, without an intermediate `Value`:
    // list pages read several of these per item.
    deserializer.deserialize_any(IntVisitor)
}

/// [`opt_i64`] as a type, for hand-written deserializers.
pub(crate) struct FlexI64(pub(crate) Option<i64>);

impl<'de> Deserialize<'de> for FlexI64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<FlexI64, D::Error> {
        opt_i64(deserializer).map(FlexI64)
    }
}

/// An optional boolean sent as `true`, `1` or `"1"` (and their false forms).
pub fn opt_bool<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<bool>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(other) => bool_from_value(&other).map(Some).ok_or_else(|| {
            de::Error::invalid_value(unexpected(&other), &"a boolean, 0/1 or \"0\"/\"1\"")
        }),
    }
}

/// An optional string that the server sometimes sends as a number (ids of
/// list values, messenger ids).
pub fn opt_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    let value = Option::<Value>::deserialize(deserializer)?;
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text)),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(other) => Err(de::Error::invalid_type(
            unexpected(&other),
            &"a string or a number",
        )),
    }
}

fn unexpected(value: &Value) -> de::Unexpected<'_> {
    match value {
        Value::Null => de::Unexpected::Unit,
        Value::Bool(flag) => de::Unexpected::Bool(*flag),
        Value::Number(number) => match number.as_f64() {
            Some(float) => de::Unexpected::Float(float),
            None => de::Unexpected::Other("number"),
        },
        Value::String(text) => de::Unexpected::Str(text),
        Value::Array(_) => de::Unexpected::Seq,
        Value::Object(_) => de::Unexpected::Map,
    }
}

/// A decimal number kept as its text, so money never passes through `f64`
/// arithmetic. Read from a string (`"12500.50"`) or a JSON number.
///
/// NOTE: serde_json parses a JSON number with a fraction into an `f64`
/// before this type sees it; its shortest round-trip text is kept, which is
/// exact for up to 15 significant digits but drops trailing zeros
/// (`12500.50` becomes `"12500.5"`). Strings are kept byte for byte.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal(String);

impl Decimal {
    /// Parses and checks a decimal: an optional sign, digits, an optional
    /// fraction. Returns `None` for anything else.
    pub fn parse(text: &str) -> Option<Decimal> {
        let trimmed = text.trim();
        let unsigned = trimmed.strip_prefix('-').unwrap_or(trimmed);
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let valid = !whole.is_empty()
            && whole.bytes().all(|b| b.is_ascii_digit())
            && fraction.bytes().all(|b| b.is_ascii_digit())
            && !(unsigned.contains('.') && fraction.is_empty());
        valid.then(|| Decimal(trimmed.to_owned()))
    }

    /// The decimal's text, as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for Decimal {
    /// Serializes as a string, the form the CRM sends.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
        let value = Value::deserialize(deserializer)?;
        let text = match &value {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            other => {
                return Err(de::Error::invalid_type(
                    unexpected(other),
                    &"a decimal number or string",
                ))
            }
        };
        Decimal::parse(&text).ok_or_else(|| {
            de::Error::invalid_value(
                de::Unexpected::Str(&text),
                &"a decimal number such as \"12500.50\"",
            )
        })
    }
}

/// A money amount: `{"currency": "UAH", "value": "12500.50"}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub currency: String,
    pub value: Decimal,
}

impl Money {
    /// A money amount; fails with a configuration error when `value` is not
    /// a decimal number.
    pub fn new(currency: impl Into<String>, value: &str) -> crate::Result<Money> {
        let value = Decimal::parse(value).ok_or_else(|| {
            crate::Error::config(format!(
                "invalid money value `{value}`: expected a decimal number such as 12500.50"
            ))
        })?;
        Ok(Money {
            currency: currency.into(),
            value,
        })
    }
}

/// A type read leniently from whatever JSON form the server uses for it.
/// Implemented for integers, booleans, strings, decimals, money, JSON
/// values, vectors of lenient types and every model declared with
/// [`crate::model!`].
pub trait Lenient: Sized {
    /// Reads `value`; the error says what was expected and what was found.
    fn from_json(value: Value) -> Result<Self, String>;
}

fn describe(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 60 {
        format!("{}...", text.chars().take(57).collect::<String>())
    } else {
        text
    }
}

impl Lenient for i64 {
    fn from_json(value: Value) -> Result<i64, String> {
        let parsed = match &value {
            Value::Number(number) => number.as_i64().or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                    .map(|f| f as i64)
            }),
            Value::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        parsed.ok_or_else(|| {
            format!(
                "expected an integer or a string of digits, found {}",
                describe(&value)
            )
        })
    }
}

impl Lenient for f64 {
    fn from_json(value: Value) -> Result<f64, String> {
        let parsed = match &value {
            Value::Number(number) => number.as_f64(),
            Value::String(text) => text.trim().parse().ok().filter(|f: &f64| f.is_finite()),
            _ => None,
        };
        parsed.ok_or_else(|| format!("expected a number, found {}", describe(&value)))
    }
}

impl Lenient for bool {
    fn from_json(value: Value) -> Result<bool, String> {
        bool_from_value(&value).ok_or_else(|| {
            format!(
                "expected a boolean, 0/1 or \"0\"/\"1\", found {}",
                describe(&value)
            )
        })
    }
}

impl Lenient for String {
    fn from_json(value: Value) -> Result<String, String> {
        match value {
            Value::String(text) => Ok(text),
            Value::Number(number) => Ok(number.to_string()),
            other => Err(format!("expected a string, found {}", describe(&other))),
        }
    }
}

impl Lenient for Value {
    fn from_json(value: Value) -> Result<Value, String> {
        Ok(value)
    }
}

impl Lenient for serde_json::Map<String, Value> {
    fn from_json(value: Value) -> Result<Self, String> {
        match value {
            Value::Object(map) => Ok(map),
            other => Err(format!("expected an object, found {}", describe(&other))),
        }
    }
}

impl Lenient for Decimal {
    fn from_json(value: Value) -> Result<Decimal, String> {
        serde_json::from_value(value).map_err(|error| error.to_string())
    }
}

impl Lenient for Money {
    fn from_json(value: Value) -> Result<Money, String> {
        serde_json::from_value(value).map_err(|error| error.to_string())
    }
}

impl<T: Lenient> Lenient for Vec<T> {
    fn from_json(value: Value) -> Result<Vec<T>, String> {
        match value {
            Value::Array(items) => items
                .into_iter()
                .enumerate()
                .map(|(index, item)| {
                    T::from_json(item).map_err(|error| format!("[{index}]: {error}"))
                })
                .collect(),
            other => Err(format!("expected an array, found {}", describe(&other))),
        }
    }
}

/// `deserialize_with` for every model field: `null` and a missing key are
/// `None`; anything else goes through [`Lenient`].
pub fn option<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Lenient,
{
    match Option::<Value>::deserialize(deserializer)? {
        None | Some(Value::Null) => Ok(None),
        Some(value) => T::from_json(value).map(Some).map_err(de::Error::custom),
    }
}

/// Declares a model: every field optional, read through [`Lenient`] and
/// skipped when `None`, plus an `extra` map that keeps every other key.
#[macro_export]
macro_rules! model {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[$field_meta:meta])*
                $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        #[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
        $(#[$meta])*
        pub struct $name {
            $(
                $(#[$field_meta])*
                #[serde(
                    default,
                    deserialize_with = "crate::models::flex::option",
                    skip_serializing_if = "Option::is_none"
                )]
                pub $field: Option<$ty>,
            )*
            /// Every key not named above, kept as sent so updates built
            /// from a fetched value send it back unchanged.
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl $crate::models::flex::Lenient for $name {
            fn from_json(value: serde_json::Value) -> Result<Self, String> {
                serde_json::from_value(value).map_err(|error| error.to_string())
            }
        }
    };
}
