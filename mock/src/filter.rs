//! Filtering, sorting and paging of CRM item lists, following the query
//! conventions of the CRM list endpoints: `q`, `<field>[]=v`,
//! `<field>[from|to]`, `boolean_operator`, the nested `filters` smart filter,
//! `sort_by[<field>]`, `page` and `list`.

use std::cmp::Ordering;
use std::collections::HashSet;

use serde_json::{json, Map, Value};

use crate::http::{invalid, Resp};

/// Default page size (`list`), as the JS SDK assumes.
pub(crate) const DEFAULT_PAGE_SIZE: usize = 20;
/// Largest page size; larger requests are clamped, because the JS SDK requests
/// `list=9999` to mean "everything".
pub(crate) const MAX_PAGE_SIZE: usize = 1000;

/// Query keys that are never field filters.
const RESERVED: &[&str] = &[
    "page",
    "list",
    "q",
    "sort_by",
    "filters",
    "boolean_operator",
    "with-funnels",
];

/// Page number and size of a list request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    pub page: usize,
    pub per_page: usize,
}

/// Reads `page` (1-based) and `list` (page size).
pub(crate) fn paging(query: &Value) -> Result<Paging, Resp> {
    let page = match query.get("page") {
        None => 1,
        Some(value) => match value.as_str().and_then(|s| s.trim().parse::<usize>().ok()) {
            Some(page) if page >= 1 => page,
            _ => {
                return Err(invalid(
                    "page",
                    "The page must be an integer of at least 1.",
                ))
            }
        },
    };
    let per_page = match query.get("list") {
        None => DEFAULT_PAGE_SIZE,
        Some(Value::String(text)) if text == "all" => MAX_PAGE_SIZE,
        Some(value) => match value.as_str().and_then(|s| s.trim().parse::<usize>().ok()) {
            Some(size) if size >= 1 => size.min(MAX_PAGE_SIZE),
            _ => {
                return Err(invalid(
                    "list",
                    "The list must be an integer of at least 1.",
                ))
            }
        },
    };
    Ok(Paging { page, per_page })
}

/// Builds the Laravel paginator body around one page of `rows`.
pub(crate) fn page_body(rows: Vec<Value>, total: usize, paging: Paging, path_url: &str) -> Value {
    let last_page = total.div_ceil(paging.per_page).max(1);
    let from = (paging.page - 1) * paging.per_page + 1;
    let (from, to) = if rows.is_empty() {
        (Value::Null, Value::Null)
    } else {
        (json!(from), json!(from + rows.len() - 1))
    };
    let link = |page: usize| json!(format!("{path_url}?page={page}"));
    json!({
        "data": rows,
        "links": {
            "first": link(1),
            "last": link(last_page),
            "prev": if paging.page > 1 { link(paging.page - 1) } else { Value::Null },
            "next": if paging.page < last_page { link(paging.page + 1) } else { Value::Null },
        },
        "meta": {
            "current_page": paging.page,
            "from": from,
            "last_page": last_page,
            "per_page": paging.per_page,
            "to": to,
            "total": total,
            "path": path_url,
        },
    })
}

/// Flattens a stored value into the strings a filter compares: scalars as
/// text, arrays element by element, money by `value`, references by `id`.
fn views(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_views(value, &mut out);
    out
}

fn collect_views(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Null => {}
        Value::Bool(flag) => {
            out.push(flag.to_string());
            out.push(if *flag { "1" } else { "0" }.to_string());
        }
        Value::Number(number) => out.push(number.to_string()),
        Value::String(text) => out.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| collect_views(item, out)),
        Value::Object(map) => {
            if let Some(inner) = map.get("value").or_else(|| map.get("id")) {
                collect_views(inner, out);
            }
        }
    }
}

fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|n| n.is_finite())
}

fn loose_eq(left: &str, right: &str) -> bool {
    if left == right {
        return true;
    }
    match (number(left), number(right)) {
        (Some(a), Some(b)) => a == b,
        _ => left.to_lowercase() == right.to_lowercase(),
    }
}

fn compare(left: &str, right: &str) -> Ordering {
    match (number(left), number(right)) {
        (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
        _ => left.cmp(right),
    }
}

fn contains(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

/// Reads filter values: a list, one scalar, or a `{from, to}` object.
fn filter_values(value: Option<&Value>) -> Vec<Value> {
    match value {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(other) => vec![other.clone()],
    }
}

fn value_text(value: &Value) -> Option<String> {
    match value {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// Reads a range as `[{from, to}]` or `[from, to]`.
fn range_bounds(values: &[Value]) -> (Option<String>, Option<String>) {
    match values {
        [Value::Object(bounds), ..] => (
            bounds.get("from").and_then(value_text),
            bounds.get("to").and_then(value_text),
        ),
        [from, to, ..] => (value_text(from), value_text(to)),
        [from] => (value_text(from), None),
        [] => (None, None),
    }
}

fn in_range(
    stored: &[String],
    low: &Option<String>,
    high: &Option<String>,
    strict: (bool, bool),
) -> bool {
    stored.iter().any(|v| {
        let above = match low {
            Some(low) => match compare(v, low) {
                Ordering::Greater => true,
                Ordering::Equal => !strict.0,
                Ordering::Less => false,
            },
            None => true,
        };
        let below = match high {
            Some(high) => match compare(v, high) {
                Ordering::Less => true,
                Ordering::Equal => !strict.1,
                Ordering::Greater => false,
            },
            None => true,
        };
        above && below
    })
}

/// Evaluates one smart-filter condition against an item.
fn eval_condition(item: &Map<String, Value>, condition: &Value) -> Result<bool, Resp> {
    let field = condition
        .get("field")
        .and_then(Value::as_str)
        .filter(|f| !f.is_empty())
        .ok_or_else(|| invalid("filters", "Each filter needs a `field`."))?;
    let operator = condition
        .get("operator")
        .and_then(Value::as_str)
        .unwrap_or("eq");
    let values = filter_values(condition.get("values"));
    let expected: Vec<String> = values.iter().filter_map(value_text).collect();
    let stored = item.get(field).map(views).unwrap_or_default();
    let any_eq = || {
        stored
            .iter()
            .any(|s| expected.iter().any(|w| loose_eq(s, w)))
    };
    let any_like = || {
        stored
            .iter()
            .any(|s| expected.iter().any(|w| contains(s, w)))
    };
    let first = expected.first().cloned();
    let result = match operator {
        "eq" | "in" | "is" => any_eq(),
        "not_eq" | "not_in" => !any_eq(),
        "like" | "part" => any_like(),
        "not_like" => !any_like(),
        "startswith" => stored.iter().any(|s| {
            expected
                .iter()
                .any(|w| s.to_lowercase().starts_with(&w.to_lowercase()))
        }),
        "endswith" => stored.iter().any(|s| {
            expected
                .iter()
                .any(|w| s.to_lowercase().ends_with(&w.to_lowercase()))
        }),
        "gte" => in_range(&stored, &first, &None, (false, false)),
        "gt" => in_range(&stored, &first, &None, (true, false)),
        "lte" => in_range(&stored, &None, &first, (false, false)),
        "lt" => in_range(&stored, &None, &first, (false, true)),
        "gte-lte" | "gt-lt" | "gte-lt" | "gt-lte" => {
            let (low, high) = range_bounds(&values);
            let strict = (operator.starts_with("gt-"), operator.ends_with("-lt"));
            in_range(&stored, &low, &high, strict)
        }
        "empty" => stored.iter().all(|s| s.is_empty()),
        "not_empty" | "exists" => stored.iter().any(|s| !s.is_empty()),
        other => {
            return Err(invalid(
                "filters",
                format!(
                    "The operator `{other}` is not supported: use eq, not_eq, in, not_in, like, \
                     not_like, startswith, endswith, gt, gte, lt, lte, gte-lte, gt-lt, gte-lt, \
                     gt-lte, empty or not_empty."
                ),
            ))
        }
    };
    Ok(result)
}

/// Evaluates a smart-filter group: `{condition, filters: [...], groups: [...]}`.
fn eval_group(item: &Map<String, Value>, group: &Value) -> Result<bool, Resp> {
    let use_or = match group.get("condition").and_then(Value::as_str) {
        None => false,
        Some(c) if c.eq_ignore_ascii_case("and") => false,
        Some(c) if c.eq_ignore_ascii_case("or") => true,
        Some(other) => {
            return Err(invalid(
                "filters",
                format!("The condition `{other}` is invalid: use and or or."),
            ))
        }
    };
    let mut results = Vec::new();
    for condition in filter_values(group.get("filters")) {
        results.push(eval_condition(item, &condition)?);
    }
    for subgroup in filter_values(group.get("groups")) {
        results.push(eval_group(item, &subgroup)?);
    }
    if results.is_empty() {
        return Ok(true);
    }
    Ok(if use_or {
        results.iter().any(|r| *r)
    } else {
        results.iter().all(|r| *r)
    })
}

/// A compiled simple filter on one key.
enum Simple {
    AnyOf(String, Vec<String>),
    Range(String, Option<String>, Option<String>),
    Currency(String, String),
}

impl Simple {
    fn matches(&self, item: &Map<String, Value>) -> bool {
        match self {
            Simple::AnyOf(key, expected) => {
                let stored = item.get(key).map(views).unwrap_or_default();
                stored
                    .iter()
                    .any(|s| expected.iter().any(|w| loose_eq(s, w)))
            }
            Simple::Range(key, low, high) => {
                let stored = item.get(key).map(views).unwrap_or_default();
                in_range(&stored, low, high, (false, false))
            }
            Simple::Currency(key, currency) => item
                .get(key)
                .and_then(|money| money.get("currency"))
                .and_then(Value::as_str)
                .map(|c| c.eq_ignore_ascii_case(currency))
                .unwrap_or(false),
        }
    }
}

/// A parsed list query for one entity.
pub(crate) struct ItemQuery {
    search: Option<String>,
    simple: Vec<Simple>,
    simple_or: bool,
    smart: Option<Value>,
    sort: Vec<(String, bool)>,
}

impl ItemQuery {
    /// Parses the query. `known_keys` are the field codes of the entity; only
    /// those become simple filters, so unrelated parameters such as cache
    /// busters are ignored.
    pub fn parse(query: &Value, known_keys: &HashSet<String>) -> Result<ItemQuery, Resp> {
        let search = query
            .get("q")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_lowercase);
        let simple_or = match query.get("boolean_operator").and_then(Value::as_str) {
            None => false,
            Some(op) if op.eq_ignore_ascii_case("and") => false,
            Some(op) if op.eq_ignore_ascii_case("or") => true,
            Some(_) => {
                return Err(invalid(
                    "boolean_operator",
                    "The boolean operator must be AND or OR.",
                ))
            }
        };

        let mut simple = Vec::new();
        if let Value::Object(map) = query {
            for (key, value) in map {
                if RESERVED.contains(&key.as_str()) || !known_keys.contains(key) {
                    continue;
                }
                match value {
                    Value::String(text) => {
                        simple.push(Simple::AnyOf(key.clone(), vec![text.clone()]))
                    }
                    Value::Array(items) => simple.push(Simple::AnyOf(
                        key.clone(),
                        items.iter().filter_map(value_text).collect(),
                    )),
                    Value::Object(bounds) => {
                        let from = bounds.get("from").and_then(value_text);
                        let to = bounds.get("to").and_then(value_text);
                        if from.is_some() || to.is_some() {
                            simple.push(Simple::Range(key.clone(), from, to));
                        }
                        if let Some(currency) = bounds.get("currency").and_then(value_text) {
                            simple.push(Simple::Currency(key.clone(), currency));
                        }
                        // NOTE: link-field filters such as `companies[title]=...`
                        // would need a join and are ignored.
                    }
                    _ => {}
                }
            }
        }

        let smart = match query.get("filters") {
            None => None,
            Some(Value::Object(group)) => Some(Value::Object(group.clone())),
            Some(_) => {
                return Err(invalid(
                    "filters",
                    "The filters parameter must be an object: filters[condition]=and&filters[filters][0][field]=...",
                ))
            }
        };

        let mut sort = Vec::new();
        match query.get("sort_by") {
            None => {}
            Some(Value::Object(map)) => {
                for (field, direction) in map {
                    let descending =
                        match direction.as_str().map(str::to_ascii_lowercase).as_deref() {
                            Some("asc") => false,
                            Some("desc") => true,
                            _ => {
                                return Err(invalid(
                                    "sort_by",
                                    format!("The sort direction of `{field}` must be asc or desc."),
                                ))
                            }
                        };
                    sort.push((field.clone(), descending));
                }
            }
            Some(_) => return Err(invalid("sort_by", "Use sort_by[<field>]=asc|desc.")),
        }

        Ok(ItemQuery {
            search,
            simple,
            simple_or,
            smart,
            sort,
        })
    }

    /// Tells whether an item passes every filter of the query.
    pub fn matches(&self, item: &Map<String, Value>) -> Result<bool, Resp> {
        if let Some(search) = &self.search {
            let title = item.get("title").and_then(Value::as_str).unwrap_or("");
            if !title.to_lowercase().contains(search) {
                return Ok(false);
            }
        }
        if !self.simple.is_empty() {
            let pass = if self.simple_or {
                self.simple.iter().any(|f| f.matches(item))
            } else {
                self.simple.iter().all(|f| f.matches(item))
            };
            if !pass {
                return Ok(false);
            }
        }
        match &self.smart {
            Some(group) => eval_group(item, group),
            None => Ok(true),
        }
    }

    /// Sorts items by the `sort_by` keys in order, then by id ascending.
    /// Missing values sort before present ones.
    pub fn sort(&self, items: &mut Vec<&Map<String, Value>>) {
        if self.sort.is_empty() {
            // Rows come from a map ordered by id, so they are already sorted.
            return;
        }
        // Compute each item's keys once: comparing raw values would rebuild
        // them O(n log n) times, which is slow on thousands of records.
        let mut keyed: Vec<Keyed<'_>> = items
            .iter()
            .map(|item| {
                let keys = self
                    .sort
                    .iter()
                    .map(|(field, _)| item.get(field).and_then(SortKey::of))
                    .collect();
                let id = item.get("id").and_then(Value::as_i64).unwrap_or(0);
                (keys, id, *item)
            })
            .collect();
        keyed.sort_by(|(left, left_id, _), (right, right_id, _)| {
            for ((a, b), (_, descending)) in left.iter().zip(right).zip(&self.sort) {
                let order = match (a, b) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Less,
                    (Some(_), None) => Ordering::Greater,
                    (Some(a), Some(b)) => a.cmp_with(b),
                };
                let order = if *descending { order.reverse() } else { order };
                if order != Ordering::Equal {
                    return order;
                }
            }
            left_id.cmp(right_id)
        });
        *items = keyed.into_iter().map(|(_, _, item)| item).collect();
    }
}

/// An item with its precomputed sort keys and id.
type Keyed<'a> = (Vec<Option<SortKey>>, i64, &'a Map<String, Value>);

/// The first comparable view of a value, parsed once for sorting.
struct SortKey {
    number: Option<f64>,
    text: String,
}

impl SortKey {
    fn of(value: &Value) -> Option<SortKey> {
        let text = views(value).into_iter().next()?;
        Some(SortKey {
            number: number(&text),
            text,
        })
    }

    /// Compares numerically when both are numbers, else as text, like `compare`.
    fn cmp_with(&self, other: &SortKey) -> Ordering {
        match (self.number, other.number) {
            (Some(a), Some(b)) => a.partial_cmp(&b).unwrap_or(Ordering::Equal),
            _ => self.text.cmp(&other.text),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    fn item(value: Value) -> Map<String, Value> {
        value.as_object().unwrap().clone()
    }

    fn keys() -> HashSet<String> {
        ["owner", "amount", "tags", "title", "companies"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn passes(raw: &str, value: Value) -> bool {
        let query = ItemQuery::parse(&parse(raw), &keys()).ok().unwrap();
        query.matches(&item(value)).ok().unwrap()
    }

    #[test]
    fn smart_eq_and_not_eq() {
        let raw = "filters[condition]=and&filters[filters][0][field]=owner&filters[filters][0][operator]=eq&filters[filters][0][values][0]=5";
        assert!(passes(raw, json!({"owner": 5})));
        assert!(!passes(raw, json!({"owner": 6})));
        let raw = raw.replace("=eq", "=not_eq");
        assert!(passes(&raw, json!({"owner": 6})));
    }

    #[test]
    fn smart_money_range() {
        let raw = "filters[filters][0][field]=amount&filters[filters][0][operator]=gte&filters[filters][0][values][0]=1000";
        assert!(passes(
            raw,
            json!({"amount": {"currency": "UAH", "value": "1000.00"}})
        ));
        assert!(!passes(
            raw,
            json!({"amount": {"currency": "UAH", "value": "999.99"}})
        ));
    }

    #[test]
    fn smart_or_group() {
        let raw = "filters[condition]=or&filters[filters][0][field]=owner&filters[filters][0][operator]=eq&filters[filters][0][values][0]=1\
                   &filters[filters][1][field]=title&filters[filters][1][operator]=like&filters[filters][1][values][0]=тов";
        assert!(passes(raw, json!({"owner": 1, "title": "x"})));
        assert!(passes(raw, json!({"owner": 2, "title": "ТОВ «Агросвіт»"})));
        assert!(!passes(raw, json!({"owner": 2, "title": "ФОП"})));
    }

    #[test]
    fn simple_multi_value_and_reference() {
        assert!(passes("owner[]=1&owner[]=2", json!({"owner": 2})));
        assert!(!passes("owner[]=1&owner[]=2", json!({"owner": 3})));
        assert!(passes("companies[]=7", json!({"companies": [{"id": 7}]})));
        assert!(passes(
            "tags[]=solar",
            json!({"tags": ["heating", "solar"]})
        ));
    }

    #[test]
    fn unknown_operator_rejected() {
        let raw = "filters[filters][0][field]=owner&filters[filters][0][operator]=near";
        assert!(ItemQuery::parse(&parse(raw), &keys())
            .ok()
            .unwrap()
            .matches(&item(json!({"owner": 1})))
            .is_err());
    }

    #[test]
    fn sort_numbers_missing_and_ties() {
        let rows: Vec<Map<String, Value>> = [
            json!({"id": 1, "amount": {"currency": "UAH", "value": "10.5"}}),
            json!({"id": 2}),
            json!({"id": 3, "amount": {"currency": "UAH", "value": "9"}}),
            json!({"id": 4, "amount": {"currency": "UAH", "value": "10.5"}}),
        ]
        .into_iter()
        .map(item)
        .collect();
        let query = ItemQuery::parse(&parse("sort_by[amount]=desc"), &keys())
            .ok()
            .unwrap();
        let mut refs: Vec<&Map<String, Value>> = rows.iter().collect();
        query.sort(&mut refs);
        let ids: Vec<i64> = refs.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        // Numeric order (10.5 > 9), ties by id, and a missing value last when descending.
        assert_eq!(ids, [1, 4, 3, 2]);
    }

    #[test]
    fn paging_defaults_and_clamp() {
        assert_eq!(
            paging(&parse("")).ok(),
            Some(Paging {
                page: 1,
                per_page: 20
            })
        );
        assert_eq!(
            paging(&parse("page=3&list=9999")).ok(),
            Some(Paging {
                page: 3,
                per_page: 1000
            })
        );
        assert!(paging(&parse("page=0")).is_err());
        assert!(paging(&parse("list=abc")).is_err());
    }

    #[test]
    fn page_body_last_page() {
        let body = page_body(
            vec![json!(1)],
            41,
            Paging {
                page: 3,
                per_page: 20,
            },
            "http://x/p",
        );
        assert_eq!(body["meta"]["last_page"], 3);
        assert_eq!(body["meta"]["from"], 41);
        assert_eq!(body["meta"]["to"], 41);
        assert_eq!(body["links"]["next"], Value::Null);
        assert_eq!(body["links"]["prev"], "http://x/p?page=2");
    }
}
