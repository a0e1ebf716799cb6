//! Query strings in the PHP bracket style the Uspacy backend (Laravel) reads:
//! `filters[filters][0][field]=owner`, `owner[]=1&owner[]=2`.

use serde_json::Value;

use crate::error::{Error, Result};

/// Characters left as they are in keys and values: RFC 3986 unreserved.
/// Everything else is percent-encoded (UTF-8), so a space is `%20`.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Encodes a JSON object as a bracket-style query string (no leading `?`).
///
/// - `null` values are dropped (an unset option); empty strings are kept.
/// - A top-level array of scalars is `key[]=a&key[]=b`; arrays anywhere
///   deeper are indexed (`key[sub][0]=a`), as PHP's `http_build_query` does.
/// - Booleans are `1` and `0`, which Laravel's `boolean` rule accepts (it
///   rejects the strings `true` and `false`).
/// - Brackets stay unencoded, so the string reads like the documentation.
///
/// Returns a configuration error when `query` is neither an object nor null.
pub fn encode(query: &Value) -> Result<String> {
    let mut pairs = Vec::new();
    match query {
        Value::Null => {}
        Value::Object(map) => {
            for (key, value) in map {
                let key = escape(key);
                match value {
                    Value::Array(items) if items.iter().all(is_scalar) => {
                        for item in items {
                            push_scalar(&mut pairs, format!("{key}[]"), item);
                        }
                    }
                    _ => push_value(&mut pairs, key, value),
                }
            }
        }
        other => {
            return Err(Error::config(format!(
                "query must be an object of parameter names to values, got {}",
                kind_name(other)
            )))
        }
    }
    Ok(pairs.join("&"))
}

fn push_value(pairs: &mut Vec<String>, key: String, value: &Value) {
    match value {
        Value::Object(map) => {
            for (sub_key, sub_value) in map {
                push_value(pairs, format!("{key}[{}]", escape(sub_key)), sub_value);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                push_value(pairs, format!("{key}[{index}]"), item);
            }
        }
        scalar => push_scalar(pairs, key, scalar),
    }
}

fn push_scalar(pairs: &mut Vec<String>, key: String, value: &Value) {
    let text = match value {
        Value::Null => return,
        Value::Bool(true) => "1".to_owned(),
        Value::Bool(false) => "0".to_owned(),
        Value::Number(number) => number.to_string(),
        Value::String(text) => escape(text),
        Value::Array(_) | Value::Object(_) => unreachable!("containers are expanded by push_value"),
    };
    pairs.push(format!("{key}={text}"));
}

fn is_scalar(value: &Value) -> bool {
    !matches!(value, Value::Array(_) | Value::Object(_))
}

fn escape(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, COMPONENT).to_string()
}

pub(crate) fn kind_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn nested_filter_matches_golden() {
        let query = json!({
            "filters": {
                "condition": "and",
                "filters": [{"field": "owner", "operator": "eq", "values": [5]}]
            }
        });
        assert_eq!(
            encode(&query).unwrap(),
            "filters[condition]=and&filters[filters][0][field]=owner\
             &filters[filters][0][operator]=eq&filters[filters][0][values][0]=5"
        );
    }

    #[test]
    fn top_level_array_uses_empty_brackets() {
        let query = json!({"owner": [1, 2], "kanban_status": ["IN_WORK"]});
        assert_eq!(
            encode(&query).unwrap(),
            "owner[]=1&owner[]=2&kanban_status[]=IN_WORK"
        );
    }

    #[test]
    fn null_dropped_empty_string_kept() {
        let query = json!({"q": "", "page": null, "list": 50});
        assert_eq!(encode(&query).unwrap(), "q=&list=50");
    }

    #[test]
    fn booleans_as_digits() {
        assert_eq!(encode(&json!({"a": true, "b": false})).unwrap(), "a=1&b=0");
    }

    #[test]
    fn values_and_keys_percent_encoded() {
        let query = json!({"q": "ТОВ «Ромашка» & Co", "sort_by": {"created at": "desc"}});
        assert_eq!(
            encode(&query).unwrap(),
            "q=%D0%A2%D0%9E%D0%92%20%C2%AB%D0%A0%D0%BE%D0%BC%D0%B0%D1%88%D0%BA%D0%B0%C2%BB%20%26%20Co\
             &sort_by[created%20at]=desc"
        );
    }

    #[test]
    fn range_object() {
        let query = json!({"amount": {"from": 100, "to": 200, "currency": "UAH"}});
        assert_eq!(
            encode(&query).unwrap(),
            "amount[from]=100&amount[to]=200&amount[currency]=UAH"
        );
    }

    #[test]
    fn non_object_rejected() {
        let error = encode(&json!([1, 2])).unwrap_err();
        assert!(error.to_string().contains("got an array"), "{error}");
    }
}
