//! PHP-style query string parsing (`a[b][0]=x`, `ids[]=1&ids[]=2`).
//!
//! Uspacy's list filters use PHP's bracket notation (the API responds with
//! Laravel's paginator and error shapes). This parser builds the nested
//! structure PHP's `parse_str` would, as a
//! `serde_json::Value`: every leaf is a string, and a map whose keys are all
//! integers becomes an array ordered by key.

use serde_json::{Map, Value};

/// One node of the parsed tree before conversion to JSON.
enum Node {
    Leaf(String),
    /// Ordered map, because PHP arrays keep insertion order.
    Branch(Vec<(String, Node)>),
}

impl Node {
    fn branch_mut(&mut self) -> &mut Vec<(String, Node)> {
        if let Node::Leaf(_) = self {
            // PHP replaces a scalar by an array when a bracketed key follows.
            *self = Node::Branch(Vec::new());
        }
        match self {
            Node::Branch(entries) => entries,
            Node::Leaf(_) => unreachable!("converted to a branch above"),
        }
    }

    fn into_value(self) -> Value {
        match self {
            Node::Leaf(text) => Value::String(text),
            Node::Branch(entries) => {
                let all_numeric = !entries.is_empty()
                    && entries.iter().all(|(key, _)| key.parse::<u64>().is_ok());
                if all_numeric {
                    let mut indexed: Vec<(u64, Node)> = entries
                        .into_iter()
                        .map(|(key, node)| (key.parse::<u64>().unwrap_or(0), node))
                        .collect();
                    indexed.sort_by_key(|(index, _)| *index);
                    Value::Array(indexed.into_iter().map(|(_, n)| n.into_value()).collect())
                } else {
                    let mut map = Map::new();
                    for (key, node) in entries {
                        map.insert(key, node.into_value());
                    }
                    Value::Object(map)
                }
            }
        }
    }
}

/// Returns the next free integer key of a PHP array, as `$a[] = x` does.
fn next_index(entries: &[(String, Node)]) -> String {
    let max = entries
        .iter()
        .filter_map(|(key, _)| key.parse::<i64>().ok())
        .max();
    match max {
        Some(max) if max >= 0 => (max + 1).to_string(),
        _ => "0".to_string(),
    }
}

/// Splits `a[b][]` into `("a", ["b", ""])`. A key with an unbalanced bracket
/// is kept whole as a plain name.
fn split_key(key: &str) -> (String, Vec<String>) {
    let Some(open) = key.find('[') else {
        return (key.to_string(), Vec::new());
    };
    if open == 0 {
        return (key.to_string(), Vec::new());
    }
    let base = key[..open].to_string();
    let mut parts = Vec::new();
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            return (key.to_string(), Vec::new());
        };
        parts.push(stripped[..close].to_string());
        rest = &stripped[close + 1..];
    }
    // PHP ignores anything after the last closing bracket.
    (base, parts)
}

fn insert(entries: &mut Vec<(String, Node)>, path: &[String], value: String) {
    let (first, rest) = match path.split_first() {
        Some(split) => split,
        None => return,
    };
    let key = if first.is_empty() {
        next_index(entries)
    } else {
        first.clone()
    };
    if rest.is_empty() {
        if let Some(slot) = entries.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = Node::Leaf(value);
        } else {
            entries.push((key, Node::Leaf(value)));
        }
        return;
    }
    let position = match entries.iter().position(|(k, _)| *k == key) {
        Some(position) => position,
        None => {
            entries.push((key, Node::Branch(Vec::new())));
            entries.len() - 1
        }
    };
    insert(entries[position].1.branch_mut(), rest, value);
}

/// Parses a raw (still percent-encoded) query string into a JSON object.
pub fn parse(raw: &str) -> Value {
    let mut root: Vec<(String, Node)> = Vec::new();
    for (key, value) in form_urlencoded::parse(raw.as_bytes()) {
        if key.is_empty() {
            continue;
        }
        let (base, mut parts) = split_key(&key);
        parts.insert(0, base);
        insert(&mut root, &parts, value.into_owned());
    }
    match Node::Branch(root).into_value() {
        Value::Object(map) => Value::Object(map),
        // A query made only of numeric top-level keys is still an object.
        Value::Array(items) => {
            let mut map = Map::new();
            for (index, item) in items.into_iter().enumerate() {
                map.insert(index.to_string(), item);
            }
            Value::Object(map)
        }
        _ => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::parse;
    use serde_json::json;

    #[test]
    fn flat_and_repeated_keys() {
        assert_eq!(parse("a=1&b=x+y&a=2"), json!({"a": "2", "b": "x y"}));
    }

    #[test]
    fn appended_arrays() {
        assert_eq!(parse("ids[]=1&ids[]=2"), json!({"ids": ["1", "2"]}));
        assert_eq!(parse("ids%5B%5D=1&ids%5B%5D=3"), json!({"ids": ["1", "3"]}));
    }

    #[test]
    fn nested_smart_filter() {
        let raw = "filters[condition]=and&filters[filters][0][field]=owner\
                   &filters[filters][0][operator]=eq&filters[filters][0][values][0]=5\
                   &filters[filters][1][field]=title&filters[filters][1][operator]=like\
                   &filters[filters][1][values][]=%D0%A2%D0%9E%D0%92";
        assert_eq!(
            parse(raw),
            json!({"filters": {"condition": "and", "filters": [
                {"field": "owner", "operator": "eq", "values": ["5"]},
                {"field": "title", "operator": "like", "values": ["ТОВ"]}
            ]}})
        );
    }

    #[test]
    fn sort_map_keeps_names() {
        assert_eq!(
            parse("sort_by[amount]=desc&sort_by[id]=asc"),
            json!({"sort_by": {"amount": "desc", "id": "asc"}})
        );
    }

    #[test]
    fn unbalanced_bracket_is_plain_key() {
        assert_eq!(parse("a[b=1"), json!({"a[b": "1"}));
    }

    #[test]
    fn scalar_then_bracket_becomes_array() {
        assert_eq!(parse("a=1&a[]=2"), json!({"a": ["2"]}));
    }
}
