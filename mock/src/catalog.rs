//! CRM products: categories, measurement units, taxes, the product
//! catalogue, and the product lists of CRM records with their totals.
//! Keys are snake_case, timestamps unix seconds, amounts decimal strings.

use serde_json::{json, Value};

use crate::crm_items::Handled;
use crate::data::{Rng, EPOCH};
use crate::http::{as_int, crm_error, empty, invalid, json, now, Errors, Resp};
use crate::router::{Call, Handler};
use crate::state::Portal;
use crate::store::{
    ids_of, merge, not_found, object_body, paged, require_text, row, select, status_error,
    strings_of, value, values, Meta, Row, Style,
};

const STYLE: Style = Style::Crm;

pub(crate) const HANDLERS: &[(&str, Handler)] = &[
    ("crm.product_categories.tree", |c| {
        let portal = c.shared.portal();

        Ok(json(200, &json!({"data": category_tree(&portal, None)})))
    }),
    ("crm.product_categories.create", create_category),
    ("crm.product_categories.get", |c| {
        let id = c.id("item_id", STYLE, "Product category")?;

        let portal = c.shared.portal();

        Ok(json(200, &category_json(&portal, id)?))
    }),
    ("crm.product_categories.update", update_category),
    ("crm.product_categories.delete", delete_category),
    ("crm.units.list", |c| {
        let portal = c.shared.portal();

        Ok(json(
            200,
            &json!({"data": values(portal.catalog.units.rows.values().collect())}),
        ))
    }),
    ("crm.units.create", |c| save_unit(c, None)),
    ("crm.units.get", |c| {
        let id = c.id("unit_id", STYLE, "Measurement unit")?;

        let portal = c.shared.portal();
        let unit = portal
            .catalog
            .units
            .get(id)
            .ok_or_else(|| not_found(STYLE, "Measurement unit", id))?;

        Ok(json(200, &value(unit)))
    }),
    ("crm.units.update", |c| {
        let id = c.id("unit_id", STYLE, "Measurement unit")?;
        save_unit(c, Some(id))
    }),
    ("crm.units.delete", |c| {
        let id = c.id("unit_id", STYLE, "Measurement unit")?;

        let mut portal = c.shared.portal();
        let unit = portal
            .catalog
            .units
            .get(id)
            .ok_or_else(|| not_found(STYLE, "Measurement unit", id))?;
        if unit.get("is_default") == Some(&json!(true)) {
            return Err(status_error(
                STYLE,
                422,
                "The default unit cannot be deleted; make another unit the default first.",
            ));
        }
        portal.catalog.units.rows.remove(&id);
        Ok(empty(204))
    }),
    ("crm.taxes.list", |c| {
        let portal = c.shared.portal();

        Ok(json(
            200,
            &json!({"data": values(portal.catalog.taxes.rows.values().collect())}),
        ))
    }),
    ("crm.taxes.create", |c| save_tax(c, None)),
    ("crm.taxes.update", |c| {
        let id = c.id("tax_id", STYLE, "Tax")?;
        save_tax(c, Some(id))
    }),
    ("crm.taxes.delete", |c| {
        let id = c.id("tax_id", STYLE, "Tax")?;

        let mut portal = c.shared.portal();
        portal
            .catalog
            .taxes
            .rows
            .remove(&id)
            .ok_or_else(|| not_found(STYLE, "Tax", id))?;
        Ok(empty(204))
    }),
    ("crm.products.list", list_products),
    ("crm.products.create", |c| save_product(c, None)),
    ("crm.products.get", |c| {
        let id = c.id("product_id", STYLE, "Product")?;

        let portal = c.shared.portal();

        Ok(json(200, &value(product(&portal, id)?)))
    }),
    ("crm.products.update", |c| {
        let id = c.id("product_id", STYLE, "Product")?;
        save_product(c, Some(id))
    }),
    ("crm.products.delete", |c| {
        let id = c.id("product_id", STYLE, "Product")?;

        let mut portal = c.shared.portal();
        portal
            .catalog
            .products
            .rows
            .remove(&id)
            .ok_or_else(|| not_found(STYLE, "Product", id))?;
        Ok(empty(204))
    }),
    ("crm.entity_product_lists.get_or_create", get_or_create_list),
    ("crm.entity_product_lists.update", update_list),
    ("crm.list_products.create", create_list_product),
    ("crm.list_products.get", |c| {
        let id = c.id("item_id", STYLE, "List product")?;

        let portal = c.shared.portal();

        Ok(json(
            200,
            &list_product_json(&portal, list_product(&portal, id)?),
        ))
    }),
    ("crm.list_products.update", |c| {
        let id = c.id("item_id", STYLE, "List product")?;
        let body = object_body(c.req, STYLE)?;

        let mut portal = c.shared.portal();
        let updated = update_line(&mut portal, id, body)?;

        Ok(json(200, &updated))
    }),
    ("crm.list_products.delete", |c| {
        let id = c.id("item_id", STYLE, "List product")?;

        let mut portal = c.shared.portal();
        let list_id = list_product(&portal, id)?["entity_product_list_id"]
            .as_i64()
            .unwrap_or(0);
        portal.catalog.list_products.rows.remove(&id);
        recalculate(&mut portal, list_id);
        Ok(empty(204))
    }),
    ("crm.list_products.bulk_update", |c| {
        let body = object_body(c.req, STYLE)?;
        let lines = match body.get("list_products") {
            Some(Value::Array(lines)) if !lines.is_empty() => lines.clone(),
            _ => return Err(invalid(
                "list_products",
                "The list_products field must be a non-empty array of list products with their id.",
            )),
        };

        let mut portal = c.shared.portal();
        for (index, line) in lines.iter().enumerate() {
            let id = line.get("id").and_then(as_int).ok_or_else(|| {
                invalid(
                    &format!("list_products.{index}.id"),
                    "The id field is required.",
                )
            })?;
            list_product(&portal, id)?;
        }
        let mut updated = Vec::new();
        for line in lines {
            let id = line.get("id").and_then(as_int).unwrap_or(0);
            let mut body = crate::store::row(line);
            body.remove("id");
            updated.push(update_line(&mut portal, id, body)?);
        }

        Ok(json(200, &Value::Array(updated)))
    }),
    ("crm.list_products.bulk_delete", |c| {
        let ids = ids_of(c.query().get("list_products"));
        if ids.is_empty() {
            return Err(invalid(
                "list_products",
                "Send the ids as list_products[]=1&list_products[]=2.",
            ));
        }

        let mut portal = c.shared.portal();
        for id in &ids {
            list_product(&portal, *id)?;
        }
        let mut lists = Vec::new();
        for id in &ids {
            if let Some(line) = portal.catalog.list_products.rows.remove(id) {
                lists.extend(line["entity_product_list_id"].as_i64());
            }
        }
        lists.sort_unstable();
        lists.dedup();
        for list in lists {
            recalculate(&mut portal, list);
        }
        Ok(empty(204))
    }),
];

// ------------------------------------------------------------- decimals

/// Reads a decimal sent as a number or a numeric string.
fn decimal(value: Option<&Value>) -> Option<f64> {
    match value? {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|number| number.is_finite())
}

fn cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

/// Formats cents as a decimal string with two digits (`"1200.50"`).
fn money_text(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    format!("{sign}{}.{:02}", cents.abs() / 100, cents.abs() % 100)
}

/// Formats a decimal as the CRM does, with two digits.
fn decimal_text(amount: f64) -> String {
    money_text(cents(amount))
}

// ----------------------------------------------------------- categories

fn category(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .catalog
        .categories
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Product category", id))
}

/// Categories under `parent` (top level for `None`), each with its
/// `child_categories`, ordered by `sort`.
fn category_tree(portal: &Portal, parent: Option<i64>) -> Vec<Value> {
    let mut children: Vec<&Row> = portal
        .catalog
        .categories
        .rows
        .values()
        .filter(|c| c.get("parent_id").and_then(Value::as_i64) == parent)
        .collect();
    children.sort_by_key(|c| (c["sort"].as_i64().unwrap_or(0), c["id"].as_i64()));
    children
        .into_iter()
        .map(|c| {
            let mut value = value(c);
            value["child_categories"] = Value::Array(category_tree(portal, c["id"].as_i64()));
            value
        })
        .collect()
}

fn category_json(portal: &Portal, id: i64) -> Result<Value, Resp> {
    let mut found = value(category(portal, id)?);
    found["child_categories"] = Value::Array(category_tree(portal, Some(id)));
    Ok(found)
}

/// Tells whether `candidate` is `id` or below it.
fn is_within(portal: &Portal, candidate: i64, id: i64) -> bool {
    let mut current = Some(candidate);
    let mut steps = 0;
    while let Some(at) = current {
        if at == id {
            return true;
        }
        steps += 1;
        if steps > 100 {
            return false;
        }
        current = portal
            .catalog
            .categories
            .get(at)
            .and_then(|c| c.get("parent_id"))
            .and_then(Value::as_i64);
    }
    false
}

fn check_parent(portal: &Portal, body: &Row, id: Option<i64>) -> Result<(), Resp> {
    if let Some(parent) = body.get("parent_id").filter(|v| !v.is_null()) {
        let parent = as_int(parent)
            .filter(|p| portal.catalog.categories.get(*p).is_some())
            .ok_or_else(|| invalid("parent_id", "The selected parent category does not exist."))?;
        if id.is_some_and(|id| is_within(portal, parent, id)) {
            return Err(invalid(
                "parent_id",
                "A category cannot be moved under itself.",
            ));
        }
    }
    Ok(())
}

fn create_category(c: &Call<'_>) -> Handled {
    let body = object_body(c.req, STYLE)?;
    require_text(&body, &["name"])?;

    let mut portal = c.shared.portal();
    check_parent(&portal, &body, None)?;
    let parent = body.get("parent_id").and_then(as_int);
    let mut category = row(json!({
        "parent_id": parent,
        "name": "",
        "sort": portal.catalog.categories.next_id * 10 + 10,
        "is_active": true,
    }));
    merge(
        &mut category,
        body,
        &["id", "parent_id", "child_categories"],
    );
    let id = portal.catalog.categories.insert_new(category);

    Ok(json(201, &category_json(&portal, id)?))
}

fn update_category(c: &Call<'_>) -> Handled {
    let id = c.id("item_id", STYLE, "Product category")?;
    let mut body = object_body(c.req, STYLE)?;
    if body.contains_key("name") {
        require_text(&body, &["name"])?;
    }

    let mut portal = c.shared.portal();
    category(&portal, id)?;
    check_parent(&portal, &body, Some(id))?;
    if let Some(active) = body.get("is_active").cloned() {
        body.insert(
            "is_active".into(),
            json!(active.as_bool().unwrap_or(as_int(&active) == Some(1))),
        );
    }
    if let Some(parent) = body.get("parent_id").cloned() {
        body.insert("parent_id".into(), json!(as_int(&parent)));
    }
    let stored = portal
        .catalog
        .categories
        .get_mut(id)
        .expect("checked above");
    merge(stored, body, &["id", "child_categories"]);

    Ok(json(200, &category_json(&portal, id)?))
}

/// `DELETE /crm/v1/static/product-categories/{id}?category_for_products=&child_categories=`:
/// products move to `category_for_products` (or lose their category);
/// `child_categories=delete` deletes the subcategories, otherwise they move
/// to the deleted category's parent.
// NOTE: the meaning of both parameters is inferred from their names.
fn delete_category(c: &Call<'_>) -> Handled {
    let id = c.id("item_id", STYLE, "Product category")?;

    let mut portal = c.shared.portal();
    let parent = category(&portal, id)?
        .get("parent_id")
        .and_then(Value::as_i64);
    let target = match c.query().get("category_for_products") {
        None => None,
        Some(raw) => {
            let target = as_int(raw)
                .filter(|t| *t != id && portal.catalog.categories.get(*t).is_some())
                .ok_or_else(|| {
                    invalid(
                        "category_for_products",
                        "The category for products does not exist.",
                    )
                })?;
            Some(target)
        }
    };
    let delete_children =
        c.query().get("child_categories").and_then(Value::as_str) == Some("delete");
    let mut doomed = vec![id];
    if delete_children {
        let all: Vec<i64> = portal.catalog.categories.rows.keys().copied().collect();
        doomed.extend(
            all.into_iter()
                .filter(|c| *c != id && is_within(&portal, *c, id)),
        );
    }
    for category in portal.catalog.categories.rows.values_mut() {
        if category.get("parent_id").and_then(Value::as_i64) == Some(id) && !delete_children {
            category.insert("parent_id".into(), json!(parent));
        }
    }
    for doomed_id in &doomed {
        portal.catalog.categories.rows.remove(doomed_id);
    }
    for product in portal.catalog.products.rows.values_mut() {
        let category = product.get("product_category_id").and_then(Value::as_i64);
        if category.is_some_and(|c| doomed.contains(&c)) {
            product.insert("product_category_id".into(), json!(target));
        }
    }
    Ok(empty(204))
}

// --------------------------------------------------------- units, taxes

fn flag(value: &Value) -> bool {
    value.as_bool().unwrap_or(as_int(value) == Some(1))
}

fn save_unit(c: &Call<'_>, id: Option<i64>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    if id.is_none() {
        require_text(&body, &["name", "abbr"])?;
    } else {
        for key in ["name", "abbr"] {
            if body.contains_key(key) {
                require_text(&body, &[key])?;
            }
        }
    }
    if let Some(default) = body.get("is_default").cloned() {
        body.insert("is_default".into(), json!(flag(&default)));
    }

    let mut portal = c.shared.portal();
    if let Some(id) = id {
        portal
            .catalog
            .units
            .get(id)
            .ok_or_else(|| not_found(STYLE, "Measurement unit", id))?;
    }
    let becomes_default = body.get("is_default") == Some(&json!(true));
    if becomes_default {
        for unit in portal.catalog.units.rows.values_mut() {
            unit.insert("is_default".into(), json!(false));
        }
    }
    let id = match id {
        Some(id) => {
            let stored = portal.catalog.units.get_mut(id).expect("checked above");
            merge(stored, body, &["id"]);
            id
        }
        None => {
            let mut unit = row(json!({"name": "", "abbr": "", "is_default": false}));
            merge(&mut unit, body, &["id"]);
            portal.catalog.units.insert_new(unit)
        }
    };
    let saved = value(portal.catalog.units.get(id).expect("just saved"));

    Ok(json(
        if c.req.method == http::Method::POST {
            201
        } else {
            200
        },
        &saved,
    ))
}

fn save_tax(c: &Call<'_>, id: Option<i64>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    let mut errors = Errors::default();
    let name_missing = body
        .get("name")
        .and_then(Value::as_str)
        .is_none_or(|n| n.trim().is_empty());
    if (id.is_none() || body.contains_key("name")) && name_missing {
        errors.add("name", "The name field is required.");
    }
    if id.is_none() || body.contains_key("rate") {
        match decimal(body.get("rate")) {
            Some(rate) if (0.0..=100.0).contains(&rate) => {
                body.insert("rate".into(), json!(decimal_text(rate)));
            }
            _ => errors.add("rate", "The rate must be a number from 0 to 100."),
        }
    }
    errors.check()?;

    if let Some(active) = body.get("is_active").cloned() {
        body.insert("is_active".into(), json!(flag(&active)));
    }

    let mut portal = c.shared.portal();
    let timestamp = now();
    let id = match id {
        Some(id) => {
            let stored = portal
                .catalog
                .taxes
                .get_mut(id)
                .ok_or_else(|| not_found(STYLE, "Tax", id))?;
            merge(stored, body, &["id", "created_at"]);
            stored.insert("updated_at".into(), json!(timestamp));
            id
        }
        None => {
            let mut tax = row(json!({
                "name": "", "rate": "0.00", "is_active": true,
                "created_at": timestamp, "updated_at": timestamp,
            }));
            merge(&mut tax, body, &["id", "created_at", "updated_at"]);
            portal.catalog.taxes.insert_new(tax)
        }
    };
    let saved = value(portal.catalog.taxes.get(id).expect("just saved"));

    Ok(json(
        if c.req.method == http::Method::POST {
            201
        } else {
            200
        },
        &saved,
    ))
}

// ------------------------------------------------------------- products

fn product(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .catalog
        .products
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Product", id))
}

fn tax_rate(portal: &Portal, tax_id: Option<i64>) -> f64 {
    tax_id
        .and_then(|id| portal.catalog.taxes.get(id))
        .and_then(|tax| decimal(tax.get("rate")))
        .unwrap_or(0.0)
}

/// `GET /crm/v1/static/products`: `q` (title, article), `product_category_ids`,
/// `type[]`, `is_active[]`, `availability[]`, `price[from|to]`,
/// `balance_from`, `balance_to`, `sort_by`, smart `filters`.
fn list_products(c: &Call<'_>) -> Handled {
    let portal = c.shared.portal();
    let mut query = c.query().clone();
    let categories: Vec<i64> = match query.get("product_category_ids") {
        Some(Value::String(text)) => text
            .split(',')
            .filter_map(|p| p.trim().parse().ok())
            .collect(),
        other => ids_of(other),
    };
    let price = query.get("price").cloned();
    let balance = (
        decimal(query.get("balance_from")),
        decimal(query.get("balance_to")),
    );
    if let Some(map) = query.as_object_mut() {
        for key in [
            "product_category_ids",
            "price",
            "balance_from",
            "balance_to",
        ] {
            map.remove(key);
        }
    }
    let price_bounds = (
        decimal(price.as_ref().and_then(|p| p.get("from"))),
        decimal(price.as_ref().and_then(|p| p.get("to"))),
    );
    let within = |amount: Option<f64>, (low, high): (Option<f64>, Option<f64>)| {
        let amount = amount.unwrap_or(0.0);
        low.is_none_or(|low| amount >= low) && high.is_none_or(|high| amount <= high)
    };
    let rows: Vec<Value> = select(
        portal.catalog.products.rows.values(),
        &query,
        &["title", "article"],
    )?
    .into_iter()
    .filter(|p| {
        categories.is_empty()
            || p.get("product_category_id")
                .and_then(Value::as_i64)
                .is_some_and(|c| categories.contains(&c))
    })
    .filter(|p| {
        within(
            decimal(p.get("price").and_then(|m| m.get("value"))),
            price_bounds,
        )
    })
    .filter(|p| within(decimal(p.get("balance")), balance))
    .map(value)
    .collect();

    Ok(json(200, &paged(rows, c.query(), &c.url(), Meta::Snake)?))
}

fn check_product(portal: &Portal, body: &Row) -> Result<(), Resp> {
    let mut errors = Errors::default();
    if let Some(kind) = body.get("type") {
        if !matches!(kind.as_str(), Some("goods" | "service")) {
            errors.add("type", "The type must be goods or service.");
        }
    }
    if let Some(unit) = body.get("measurement_unit_id").filter(|v| !v.is_null()) {
        if as_int(unit)
            .and_then(|id| portal.catalog.units.get(id))
            .is_none()
        {
            errors.add(
                "measurement_unit_id",
                "The selected measurement unit does not exist.",
            );
        }
    }
    if let Some(category) = body.get("product_category_id").filter(|v| !v.is_null()) {
        if as_int(category)
            .and_then(|id| portal.catalog.categories.get(id))
            .is_none()
        {
            errors.add(
                "product_category_id",
                "The selected category does not exist.",
            );
        }
    }
    if let Some(availability) = body.get("availability") {
        if !matches!(
            availability.as_str(),
            Some("available" | "pending" | "not_available")
        ) {
            errors.add(
                "availability",
                "The availability must be available, pending or not_available.",
            );
        }
    }
    match body.get("prices") {
        None => {}
        Some(Value::Array(prices)) => {
            for (index, price) in prices.iter().enumerate() {
                if decimal(price.get("price")).is_none_or(|p| p < 0.0) {
                    errors.add(
                        &format!("prices.{index}.price"),
                        "The price must be a number of at least 0.",
                    );
                }
                if let Some(tax) = price.get("tax_id").filter(|v| !v.is_null()) {
                    if as_int(tax)
                        .and_then(|id| portal.catalog.taxes.get(id))
                        .is_none()
                    {
                        errors.add(
                            &format!("prices.{index}.tax_id"),
                            "The selected tax does not exist.",
                        );
                    }
                }
            }
        }
        Some(_) => errors.add(
            "prices",
            "The prices must be an array of {price, currency, tax_id}.",
        ),
    }
    errors.check()
}

/// Sets `price`, `tax_id` and `is_tax_included` from the first of `prices`.
fn apply_prices(product: &mut Row) {
    let Some(first) = product
        .get("prices")
        .and_then(Value::as_array)
        .and_then(|prices| prices.first())
        .cloned()
    else {
        return;
    };
    let amount = decimal(first.get("price")).unwrap_or(0.0);
    let currency = first
        .get("currency")
        .and_then(Value::as_str)
        .unwrap_or("UAH")
        .to_string();
    product.insert(
        "price".into(),
        json!({"currency": currency, "value": decimal_text(amount)}),
    );
    product.insert("tax_id".into(), json!(first.get("tax_id").and_then(as_int)));
    product.insert(
        "is_tax_included".into(),
        json!(first.get("is_tax_included").is_some_and(flag)),
    );
}

fn save_product(c: &Call<'_>, id: Option<i64>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    if id.is_none() || body.contains_key("title") {
        require_text(&body, &["title"])?;
    }

    let mut portal = c.shared.portal();
    if let Some(id) = id {
        product(&portal, id)?;
    }
    check_product(&portal, &body)?;
    if let Some(active) = body.get("is_active").cloned() {
        body.insert("is_active".into(), json!(flag(&active)));
    }
    for key in ["quantity", "reserved_quantity"] {
        if let Some(amount) = decimal(body.get(key)) {
            body.insert(key.into(), json!(amount));
        }
    }
    let timestamp = now();
    let id = match id {
        Some(id) => {
            let stored = portal.catalog.products.get_mut(id).expect("checked above");
            merge(stored, body, &["id", "created_at", "price", "balance"]);
            apply_prices(stored);
            stored.insert("updated_at".into(), json!(timestamp));
            id
        }
        None => {
            let mut product = row(json!({
                "title": "",
                "description": "",
                "type": "goods",
                "is_active": true,
                "article": "",
                "price": {"currency": "UAH", "value": "0.00"},
                "prices": [],
                "measurement_unit_id": 1,
                "tax_id": null,
                "is_tax_included": false,
                "product_category_id": null,
                "availability": "available",
                "quantity": 0,
                "reserved_quantity": 0,
                "file_ids": [],
                "preview_image_id": null,
                "created_at": timestamp,
                "updated_at": timestamp,
            }));
            merge(
                &mut product,
                body,
                &["id", "created_at", "updated_at", "price", "balance"],
            );
            apply_prices(&mut product);
            portal.catalog.products.insert_new(product)
        }
    };
    let stored = portal.catalog.products.get_mut(id).expect("just saved");
    let quantity = decimal(stored.get("quantity")).unwrap_or(0.0);
    let reserved = decimal(stored.get("reserved_quantity")).unwrap_or(0.0);
    stored.insert("balance".into(), json!(decimal_text(quantity - reserved)));
    let saved = value(stored);

    Ok(json(
        if c.req.method == http::Method::POST {
            201
        } else {
            200
        },
        &saved,
    ))
}

// -------------------------------------------------------- product lists

fn product_list(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .catalog
        .product_lists
        .get(id)
        .ok_or_else(|| not_found(STYLE, "Entity product list", id))
}

fn list_product(portal: &Portal, id: i64) -> Result<&Row, Resp> {
    portal
        .catalog
        .list_products
        .get(id)
        .ok_or_else(|| not_found(STYLE, "List product", id))
}

/// Returns a list line with its catalogue product embedded.
fn list_product_json(portal: &Portal, line: &Row) -> Value {
    let mut found = value(line);
    found["product"] = line
        .get("product_id")
        .and_then(Value::as_i64)
        .and_then(|id| portal.catalog.products.get(id))
        .map(value)
        .unwrap_or(Value::Null);
    found
}

fn list_json(portal: &Portal, id: i64) -> Result<Value, Resp> {
    let mut found = value(product_list(portal, id)?);
    let lines: Vec<Value> = portal
        .catalog
        .list_products
        .rows
        .values()
        .filter(|line| line.get("entity_product_list_id").and_then(Value::as_i64) == Some(id))
        .map(|line| list_product_json(portal, line))
        .collect();
    found["list_products"] = Value::Array(lines);
    Ok(found)
}

/// The amounts of one line, in cents.
struct LineAmounts {
    before_discount: i64,
    discount: i64,
    before_tax: i64,
    tax: i64,
    total: i64,
    discount_price: f64,
}

/// Computes a line from its price, quantity, discount and tax. With
/// `is_tax_included` the price contains the tax, and the net amounts take
/// it out.
/// A `relative` discount is a percent of the price, an `absolute` one an
/// amount per unit.
fn line_amounts(line: &Row) -> LineAmounts {
    let price = decimal(line.get("price")).unwrap_or(0.0);
    let quantity = decimal(line.get("quantity")).unwrap_or(0.0);
    let discount_value = decimal(line.get("discount_value")).unwrap_or(0.0);
    let rate = decimal(line.get("tax_rate")).unwrap_or(0.0);
    let included = line.get("is_tax_included").is_some_and(flag);
    let unit_discount = match line.get("discount_type").and_then(Value::as_str) {
        Some("absolute") => discount_value,
        _ => price * discount_value / 100.0,
    };
    let discount_price = price - unit_discount;
    let gross = discount_price * quantity;
    let (before_tax, tax, total, before_discount) = if included {
        let total = cents(gross);
        let tax = cents(gross * rate / (100.0 + rate));
        let before_discount = cents(price * quantity / (1.0 + rate / 100.0));
        (total - tax, tax, total, before_discount)
    } else {
        let before_tax = cents(gross);
        let tax = cents(gross * rate / 100.0);
        (before_tax, tax, before_tax + tax, cents(price * quantity))
    };
    LineAmounts {
        before_discount,
        discount: before_discount - before_tax,
        before_tax,
        tax,
        total,
        discount_price,
    }
}

/// Recomputes a list and, for automatic lists, moves the CRM record's money
/// field `amount` to the new total.
fn recalculate(portal: &mut Portal, list_id: i64) {
    let Some((entity_type, entity_id, currency, total)) = recalculate_totals(portal, list_id)
    else {
        return;
    };
    let has_amount = portal
        .field(&entity_type, "amount")
        .is_some_and(|f| f["type"] == "money");
    if !has_amount {
        return;
    }
    if let Some(item) = portal
        .items
        .get_mut(&entity_type)
        .and_then(|table| table.rows.get_mut(&entity_id))
    {
        item.insert(
            "amount".into(),
            json!({"currency": currency, "value": money_text(total)}),
        );
        item.insert("updated_at".into(), json!(now()));
    }
}

/// Recomputes each line's `discount_price` and `amount` and, for automatic
/// lists, the totals. Returns the list's record, currency and total in
/// cents when the totals were recomputed.
fn recalculate_totals(portal: &mut Portal, list_id: i64) -> Option<(String, i64, String, i64)> {
    let mut sums = [0_i64; 5];
    let mut currency = None;
    for line in portal.catalog.list_products.rows.values_mut() {
        if line.get("entity_product_list_id").and_then(Value::as_i64) != Some(list_id) {
            continue;
        }
        let amounts = line_amounts(line);
        line.insert(
            "discount_price".into(),
            json!(decimal_text(amounts.discount_price)),
        );
        line.insert("amount".into(), json!(money_text(amounts.total)));
        sums[0] += amounts.before_discount;
        sums[1] += amounts.discount;
        sums[2] += amounts.tax;
        sums[3] += amounts.before_tax;
        sums[4] += amounts.total;
        if currency.is_none() {
            currency = line
                .get("currency")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
    }

    let list = portal.catalog.product_lists.get_mut(list_id)?;
    if list.get("is_automatic_calculation") == Some(&json!(false)) {
        return None;
    }
    for (key, sum) in [
        "amount_before_discount_and_tax",
        "amount_discount",
        "amount_tax",
        "amount_before_tax",
        "amount_total",
    ]
    .into_iter()
    .zip(sums)
    {
        list.insert(key.into(), json!(money_text(sum)));
    }

    let entity_type = list["entity_type"].as_str().unwrap_or("").to_string();
    let entity_id = list["entity_id"].as_i64().unwrap_or(0);
    let currency = currency.unwrap_or_else(|| "UAH".to_string());
    Some((entity_type, entity_id, currency, sums[4]))
}

/// `GET /crm/v1/static/entity-product-lists?entity_type=&entity_id=`: the
/// record's product list, created empty on first read.
fn get_or_create_list(c: &Call<'_>) -> Handled {
    let query = c.query();
    let entity_type = strings_of(query.get("entity_type")).into_iter().next();
    let entity_id = query.get("entity_id").and_then(as_int);
    let mut errors = Errors::default();
    if entity_type.is_none() {
        errors.add("entity_type", "The entity type field is required.");
    }
    if entity_id.is_none() {
        errors.add("entity_id", "The entity id field must be an integer.");
    }
    errors.check()?;

    let (entity_type, entity_id) = (entity_type.unwrap_or_default(), entity_id.unwrap_or(0));

    let mut portal = c.shared.portal();
    let exists = portal
        .items
        .get(&entity_type)
        .ok_or_else(|| crm_error(404, format!("Entity `{entity_type}` not found.")))?
        .rows
        .contains_key(&entity_id);
    if !exists {
        return Err(not_found(
            STYLE,
            &format!("Record of `{entity_type}`"),
            entity_id,
        ));
    }
    let existing = portal
        .catalog
        .product_lists
        .rows
        .values()
        .find(|list| list["entity_type"] == entity_type.as_str() && list["entity_id"] == entity_id)
        .and_then(|list| list["id"].as_i64());
    let id = match existing {
        Some(id) => id,
        None => portal.catalog.product_lists.insert_new(row(json!({
            "entity_type": entity_type,
            "entity_id": entity_id,
            "is_automatic_calculation": true,
            "amount_before_discount_and_tax": "0.00",
            "amount_discount": "0.00",
            "amount_tax": "0.00",
            "amount_before_tax": "0.00",
            "amount_total": "0.00",
        }))),
    };

    Ok(json(200, &list_json(&portal, id)?))
}

/// `PATCH /crm/v1/static/entity-product-lists/{id}`: switches automatic
/// calculation or, with it off, sets the totals by hand.
fn update_list(c: &Call<'_>) -> Handled {
    let id = c.id("id", STYLE, "Entity product list")?;
    let body = object_body(c.req, STYLE)?;

    let mut portal = c.shared.portal();
    product_list(&portal, id)?;
    let mut errors = Errors::default();
    let mut changes = Row::new();
    for (key, raw) in &body {
        match key.as_str() {
            "is_automatic_calculation" => {
                changes.insert(key.clone(), json!(flag(raw)));
            }
            "amount_before_discount_and_tax"
            | "amount_discount"
            | "amount_tax"
            | "amount_before_tax"
            | "amount_total" => match decimal(Some(raw)) {
                Some(amount) => {
                    changes.insert(key.clone(), json!(decimal_text(amount)));
                }
                None => errors.add(key, "The amount must be a number."),
            },
            _ => {}
        }
    }
    errors.check()?;

    let stored = portal
        .catalog
        .product_lists
        .get_mut(id)
        .expect("checked above");
    merge(stored, changes, &[]);
    recalculate(&mut portal, id);

    Ok(json(200, &list_json(&portal, id)?))
}

/// Checks a line body, filling price, title, tax and unit from the product.
fn prepare_line(portal: &Portal, line: &mut Row, creating: bool) -> Result<(), Resp> {
    let mut errors = Errors::default();
    let product = match line.get("product_id").filter(|v| !v.is_null()) {
        Some(raw) => match as_int(raw).and_then(|id| portal.catalog.products.get(id)) {
            Some(product) => Some(product.clone()),
            None => {
                errors.add("product_id", "The selected product does not exist.");
                None
            }
        },
        None => None,
    };
    if let Some(product) = &product {
        line.insert("product_id".into(), product["id"].clone());
        if creating {
            line.entry("title")
                .or_insert_with(|| product["title"].clone());
            line.entry("price")
                .or_insert_with(|| product["price"]["value"].clone());
            line.entry("currency")
                .or_insert_with(|| product["price"]["currency"].clone());
            let rate = tax_rate(portal, product.get("tax_id").and_then(Value::as_i64));
            line.entry("tax_rate").or_insert(json!(rate));
            line.entry("is_tax_included")
                .or_insert_with(|| product["is_tax_included"].clone());
            let abbr = product
                .get("measurement_unit_id")
                .and_then(Value::as_i64)
                .and_then(|id| portal.catalog.units.get(id))
                .map(|unit| unit["abbr"].clone())
                .unwrap_or(json!("шт"));
            line.entry("measurement_unit_abbr").or_insert(abbr);
        }
    }
    if creating
        && line
            .get("title")
            .and_then(Value::as_str)
            .is_none_or(|t| t.trim().is_empty())
    {
        errors.add("title", "The title field is required without a product_id.");
    }
    for (key, minimum) in [
        ("price", 0.0),
        ("quantity", 0.0),
        ("discount_value", 0.0),
        ("tax_rate", 0.0),
    ] {
        if let Some(raw) = line.get(key) {
            match decimal(Some(raw)) {
                Some(amount) if amount >= minimum => {
                    line.insert(key.into(), json!(decimal_text(amount)));
                }
                _ => errors.add(
                    key,
                    format!(
                        "The {} must be a number of at least {minimum}.",
                        crate::store::label(key)
                    ),
                ),
            }
        } else if creating && key == "price" {
            errors.add(key, "The price field is required without a product_id.");
        }
    }
    if decimal(line.get("quantity")).is_some_and(|q| q <= 0.0) {
        errors.add("quantity", "The quantity must be greater than 0.");
    }
    if let Some(kind) = line.get("discount_type") {
        if !matches!(kind.as_str(), Some("relative" | "absolute")) {
            errors.add(
                "discount_type",
                "The discount type must be relative or absolute.",
            );
        }
    }
    if decimal(line.get("tax_rate")).is_some_and(|r| r > 100.0) {
        errors.add("tax_rate", "The tax rate must be at most 100.");
    }
    errors.check()?;

    if let Some(included) = line.get("is_tax_included").cloned() {
        line.insert("is_tax_included".into(), json!(flag(&included)));
    }
    Ok(())
}

/// `POST /crm/v1/static/list-products`: adds a line and returns the whole
/// list with recomputed totals, as the JS SDK types it.
fn create_list_product(c: &Call<'_>) -> Handled {
    let mut body = object_body(c.req, STYLE)?;
    let list_id = body
        .get("entity_product_list_id")
        .and_then(as_int)
        .ok_or_else(|| {
            invalid(
                "entity_product_list_id",
                "The entity product list id field is required.",
            )
        })?;

    let mut portal = c.shared.portal();
    product_list(&portal, list_id).map_err(|_| {
        invalid(
            "entity_product_list_id",
            "The selected entity product list does not exist.",
        )
    })?;
    prepare_line(&portal, &mut body, true)?;
    let timestamp = now();
    let mut line = row(json!({
        "entity_product_list_id": list_id,
        "product_id": null,
        "title": "",
        "price": "0.00",
        "currency": "UAH",
        "quantity": "1.00",
        "measurement_unit_abbr": "шт",
        "discount_value": "0.00",
        "discount_type": "relative",
        "discount_price": "0.00",
        "tax_rate": "0.00",
        "is_tax_included": false,
        "amount": "0.00",
        "price_type_id": 1,
        "created_at": timestamp,
        "updated_at": timestamp,
    }));
    merge(
        &mut line,
        body,
        &[
            "id",
            "entity_product_list_id",
            "amount",
            "discount_price",
            "created_at",
            "updated_at",
        ],
    );
    portal.catalog.list_products.insert_new(line);
    recalculate(&mut portal, list_id);

    Ok(json(201, &list_json(&portal, list_id)?))
}

/// Applies `body` to a line, recomputes its list and returns the line.
fn update_line(portal: &mut Portal, id: i64, mut body: Row) -> Result<Value, Resp> {
    let list_id = list_product(portal, id)?["entity_product_list_id"]
        .as_i64()
        .unwrap_or(0);
    prepare_line(portal, &mut body, false)?;
    let stored = portal
        .catalog
        .list_products
        .get_mut(id)
        .expect("checked above");
    merge(
        stored,
        body,
        &[
            "id",
            "entity_product_list_id",
            "amount",
            "discount_price",
            "created_at",
        ],
    );
    stored.insert("updated_at".into(), json!(now()));
    recalculate(portal, list_id);
    Ok(list_product_json(portal, list_product(portal, id)?))
}

// ----------------------------------------------------------------- seed

const PRODUCTS: &[(&str, i64, i64, i64, i64, &str)] = &[
    // (title, category, unit, price in UAH, tax, type)
    (
        "Котел газовий Vaillant ecoTEC 24 кВт",
        2,
        1,
        42_000,
        1,
        "goods",
    ),
    ("Котел твердопаливний 30 кВт", 2, 1, 36_500, 1, "goods"),
    ("Бойлер непрямого нагріву 150 л", 2, 1, 18_900, 1, "goods"),
    ("Сонячна панель 450 Вт", 3, 1, 5_200, 1, "goods"),
    ("Інвертор гібридний 5 кВт", 3, 1, 28_000, 1, "goods"),
    ("Акумулятор LiFePO4 5 кВт·год", 3, 1, 47_000, 1, "goods"),
    ("Кріплення для панелей, комплект", 3, 5, 3_400, 1, "goods"),
    ("Кабель сонячний 6 мм²", 3, 4, 38, 1, "goods"),
    ("Монтаж котла", 5, 3, 1_200, 3, "service"),
    ("Монтаж сонячної станції", 5, 3, 1_500, 3, "service"),
    ("Виїзд майстра", 4, 1, 600, 3, "service"),
    ("Річне сервісне обслуговування", 4, 1, 4_800, 2, "service"),
    ("Пусконалагоджувальні роботи", 5, 3, 900, 3, "service"),
    ("Фільтр для води", 1, 1, 1_350, 1, "goods"),
    ("Насос циркуляційний", 1, 1, 3_900, 1, "goods"),
    ("Розширювальний бак 24 л", 1, 1, 1_100, 1, "goods"),
];

/// Builds the product catalogue and one product list on deal 1.
pub(crate) fn seed(portal: &mut Portal, rng: &mut Rng) {
    for (parent, name) in [
        (None, "Обладнання"),
        (Some(1), "Котли та бойлери"),
        (Some(1), "Сонячна енергетика"),
        (None, "Послуги"),
        (Some(4), "Монтаж"),
    ] {
        let sort = portal.catalog.categories.next_id * 10 + 10;
        portal.catalog.categories.insert_new(row(json!({
            "parent_id": parent, "name": name, "sort": sort, "is_active": true,
        })));
    }
    for (name, abbr, default) in [
        ("Штука", "шт", true),
        ("Кілограм", "кг", false),
        ("Година", "год", false),
        ("Метр", "м", false),
        ("Комплект", "компл", false),
    ] {
        portal.catalog.units.insert_new(row(
            json!({"name": name, "abbr": abbr, "is_default": default}),
        ));
    }
    for (name, rate) in [
        ("ПДВ 20%", "20.00"),
        ("ПДВ 7%", "7.00"),
        ("Без ПДВ", "0.00"),
    ] {
        portal.catalog.taxes.insert_new(row(json!({
            "name": name, "rate": rate, "is_active": true, "created_at": EPOCH, "updated_at": EPOCH,
        })));
    }
    for (index, (title, category, unit, price, tax, kind)) in PRODUCTS.iter().enumerate() {
        let quantity = if *kind == "goods" {
            rng.range(0, 40)
        } else {
            0
        };
        let reserved = if quantity > 0 {
            rng.range(0, quantity.min(3))
        } else {
            0
        };
        let price_text = money_text(price * 100);
        portal.catalog.products.insert_new(row(json!({
            "title": title,
            "description": "",
            "type": kind,
            "is_active": true,
            "article": format!("ART-{:04}", 1001 + index),
            "price": {"currency": "UAH", "value": price_text},
            "prices": [{"price": price_text, "currency": "UAH", "tax_id": tax, "is_tax_included": 0, "price_type_id": 1}],
            "measurement_unit_id": unit,
            "tax_id": tax,
            "is_tax_included": false,
            "product_category_id": category,
            "availability": if *kind == "service" || quantity > reserved { "available" } else { "not_available" },
            "quantity": quantity,
            "reserved_quantity": reserved,
            "balance": decimal_text((quantity - reserved) as f64),
            "file_ids": [],
            "preview_image_id": null,
            "created_at": EPOCH + index as i64 * 3600,
            "updated_at": EPOCH + index as i64 * 3600,
        })));
    }
    let list = portal.catalog.product_lists.insert_new(row(json!({
        "entity_type": "deals",
        "entity_id": 1,
        "is_automatic_calculation": true,
        "amount_before_discount_and_tax": "0.00",
        "amount_discount": "0.00",
        "amount_tax": "0.00",
        "amount_before_tax": "0.00",
        "amount_total": "0.00",
    })));
    for (product, quantity) in [(1, "1.00"), (9, "4.00")] {
        let mut line = row(json!({"product_id": product, "quantity": quantity}));
        if prepare_line(portal, &mut line, true).is_err() {
            continue;
        }
        let mut full = row(json!({
            "entity_product_list_id": list,
            "discount_value": "0.00",
            "discount_type": "relative",
            "price_type_id": 1,
            "created_at": EPOCH,
            "updated_at": EPOCH,
        }));
        merge(&mut full, line, &[]);
        portal.catalog.list_products.insert_new(full);
    }
    // Only the totals: the seeded deal keeps its generated amount.
    recalculate_totals(portal, list);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(value: Value) -> Row {
        row(value)
    }

    #[test]
    fn tax_on_top() {
        let amounts = line_amounts(&line(
            json!({"price": "1000.00", "quantity": "2", "tax_rate": "20"}),
        ));
        assert_eq!(amounts.before_tax, 200_000);
        assert_eq!(amounts.tax, 40_000);
        assert_eq!(amounts.total, 240_000);
        assert_eq!(amounts.discount, 0);
    }

    #[test]
    fn tax_included_with_percent_discount() {
        let amounts = line_amounts(&line(json!({
            "price": "1200", "quantity": 1, "tax_rate": 20, "is_tax_included": true,
            "discount_type": "relative", "discount_value": 10,
        })));
        assert_eq!(amounts.total, 108_000);
        assert_eq!(amounts.tax, 18_000);
        assert_eq!(amounts.before_tax, 90_000);
        assert_eq!(amounts.before_discount, 100_000);
        assert_eq!(amounts.discount, 10_000);
    }

    #[test]
    fn absolute_discount_per_unit() {
        let amounts = line_amounts(&line(json!({
            "price": 500, "quantity": 3, "discount_type": "absolute", "discount_value": 50,
        })));
        assert_eq!(amounts.total, 135_000);
        assert_eq!(amounts.discount, 15_000);
    }

    #[test]
    fn money_formatting() {
        assert_eq!(money_text(123_456), "1234.56");
        assert_eq!(money_text(5), "0.05");
        assert_eq!(money_text(-250), "-2.50");
    }
}
