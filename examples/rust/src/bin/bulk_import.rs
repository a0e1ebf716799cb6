//! Bulk import: creates or updates CRM companies from a CSV file, matched by
//! the EDRPOU code in a custom field.
//!
//! ```text
//! cargo run --manifest-path examples/rust/Cargo.toml --bin bulk_import -- \
//!     [CSV] [--edrpou-field CODE] [--dry-run] [--write] [--verbose]
//! ```
//!
//! CSV columns: title, edrpou, city, phone, email. Any other column named
//! after a company field code is sent as that field. For a list field the
//! cell contains option titles (separated by ";"), which are mapped to option
//! values through the field definitions. The CSV defaults to
//! `examples/data/companies.csv` of the source tree the program was built
//! from. The portal and the credentials come from the USPACY_* variables, as
//! for `export_deals`.

use std::collections::HashMap;
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use futures::TryStreamExt;
use serde_json::{json, Map, Value};
use uspacy::models::{Field, ListQuery};
use uspacy::Client;
use uspacy_scenarios::cli::{self, Opt};
use uspacy_scenarios::portal::{map_titles, options_of};
use uspacy_scenarios::{connect, csv, exit_code, may_write};

const BASE_COLUMNS: [&str; 5] = ["title", "edrpou", "city", "phone", "email"];
const SHOWN_ACTIONS: usize = 5;
const USAGE: &str =
    "usage: bulk_import [CSV] [--edrpou-field CODE] [--dry-run] [--write] [--verbose]";
const DETAILS: &str = "  CSV                  CSV file (default examples/data/companies.csv)
  --edrpou-field CODE  code of the EDRPOU field (default uf_crm_1716200003)
  --dry-run            print the plan, change nothing
  --write              allow changes on a live portal
  --verbose            print every planned action";

struct Args {
    csv: PathBuf,
    edrpou_field: String,
    dry_run: bool,
    write: bool,
    verbose: bool,
}

/// One data row of the CSV: the line it starts on and its cells by column.
struct Row {
    line: usize,
    cells: HashMap<String, String>,
}

impl Row {
    fn get(&self, column: &str) -> &str {
        self.cells.get(column).map(String::as_str).unwrap_or("")
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Action {
    Create,
    Update,
    Unchanged,
}

fn default_csv() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .parent()
        .unwrap_or(manifest_dir)
        .join("data")
        .join("companies.csv")
}

fn parse_args() -> Result<Args, String> {
    let parsed = cli::parse(
        env::args().skip(1),
        &[
            Opt::Value("--edrpou-field"),
            Opt::Flag("--dry-run"),
            Opt::Flag("--write"),
            Opt::Flag("--verbose"),
        ],
        USAGE,
        DETAILS,
    )?;
    if let Some(extra) = parsed.positionals.get(1) {
        return Err(format!("unknown argument {extra}; {USAGE}"));
    }
    Ok(Args {
        csv: parsed
            .positionals
            .first()
            .map(PathBuf::from)
            .unwrap_or_else(default_csv),
        edrpou_field: parsed
            .value("--edrpou-field")
            .unwrap_or("uf_crm_1716200003")
            .to_owned(),
        dry_run: parsed.flag("--dry-run"),
        write: parsed.flag("--write"),
        verbose: parsed.flag("--verbose"),
    })
}

/// Reads the CSV's header and data rows. The header must name every base
/// column, and each row must have as many cells as the header.
fn read_rows(path: &Path) -> Result<(Vec<String>, Vec<Row>), String> {
    let path_text = path.display();
    let text =
        fs::read_to_string(path).map_err(|error| format!("cannot read {path_text}: {error}"))?;
    // Spreadsheet programs often start a UTF-8 CSV with a byte order mark.
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut records = csv::parse(text)
        .map_err(|error| format!("{path_text}: {error}"))?
        .into_iter();
    let header = records
        .next()
        .map(|record| record.cells)
        .unwrap_or_default();
    let rows: Vec<Row> = records
        .map(|record| {
            if record.cells.len() != header.len() {
                return Err(format!(
                    "{path_text}: line {}: {} cells, but the header has {} columns",
                    record.line,
                    record.cells.len(),
                    header.len()
                ));
            }
            Ok(Row {
                line: record.line,
                cells: header.iter().cloned().zip(record.cells).collect(),
            })
        })
        .collect::<Result<_, _>>()?;
    if rows.is_empty() {
        return Err(format!("{path_text} has no rows"));
    }
    let missing: Vec<&str> = BASE_COLUMNS
        .into_iter()
        .filter(|column| !header.iter().any(|name| name == column))
        .collect();
    if !missing.is_empty() {
        return Err(format!(
            "{path_text} lacks the columns {}",
            missing.join(", ")
        ));
    }
    Ok((header, rows))
}

/// Builds the company fields of one CSV row.
fn company_body(
    row: &Row,
    edrpou_field: &str,
    extra_fields: &[(String, Field)],
) -> Result<Map<String, Value>, String> {
    let mut body = Map::new();
    body.insert("title".into(), json!(row.get("title")));
    body.insert("city".into(), json!(row.get("city")));
    body.insert(edrpou_field.into(), json!(row.get("edrpou")));
    if !row.get("phone").is_empty() {
        let phone = json!([{"type": "work", "value": row.get("phone"), "main": true}]);
        body.insert("phone".into(), phone);
    }
    if !row.get("email").is_empty() {
        let email = json!([{"type": "work", "value": row.get("email"), "main": true}]);
        body.insert("email".into(), email);
    }
    for (code, field) in extra_fields {
        let cell = row.get(code);
        let value = if field.field_type.as_deref() == Some("list") {
            let values = map_titles(&options_of(field), cell.split(';'), code)
                .map_err(|error| format!("line {}: {error}", row.line))?;
            if field.multiple == Some(true) {
                json!(values)
            } else {
                values.into_iter().next().map_or(Value::Null, Value::from)
            }
        } else {
            json!(cell)
        };
        body.insert(code.clone(), value);
    }
    Ok(body)
}

/// Returns the `value` of the first entry of a phone or e-mail list, or "".
fn first_value(entries: Option<&Value>) -> &str {
    entries
        .and_then(|entries| entries.get(0))
        .and_then(|entry| entry.get("value"))
        .and_then(Value::as_str)
        .unwrap_or("")
}

/// Returns whether sending the body would change the stored company. For
/// phone and e-mail only the first entry's value counts, since the body
/// sends one.
fn differs(company: &Map<String, Value>, body: &Map<String, Value>) -> bool {
    body.iter().any(|(key, value)| {
        let stored = company.get(key);
        if key == "phone" || key == "email" {
            first_value(stored) != first_value(Some(value))
        } else {
            stored.unwrap_or(&Value::Null) != value
        }
    })
}

/// Returns the EDRPOU code of a stored company as text: a non-empty string
/// or a non-zero number. Any other value, `null` included, means no code.
fn edrpou_of(company: &Map<String, Value>, edrpou_field: &str) -> Option<String> {
    match company.get(edrpou_field)? {
        Value::String(code) if !code.is_empty() => Some(code.clone()),
        Value::Number(code) if code.as_f64() != Some(0.0) => Some(code.to_string()),
        _ => None,
    }
}

/// Reads every company, a page at a time, and keeps the fields the import
/// compares of those that have an EDRPOU code, by that code.
async fn index_companies(
    client: &Client,
    edrpou_field: &str,
    extra_fields: &[(String, Field)],
) -> Result<HashMap<String, Map<String, Value>>, String> {
    let listing_failed = |error| format!("listing the companies failed: {error}");
    let mut compared_keys = vec!["id", "title", "city", "phone", "email", edrpou_field];
    compared_keys.extend(extra_fields.iter().map(|(code, _)| code.as_str()));

    let companies = client
        .crm()
        .items()
        .iter(
            "companies",
            &ListQuery {
                list: Some(100),
                ..ListQuery::default()
            },
        )
        .map_err(listing_failed)?;
    futures::pin_mut!(companies);
    let mut by_edrpou = HashMap::new();
    while let Some(company) = companies.try_next().await.map_err(listing_failed)? {
        let Ok(Value::Object(company)) = serde_json::to_value(&company) else {
            continue;
        };
        let Some(code) = edrpou_of(&company, edrpou_field) else {
            continue;
        };
        let compared = compared_keys
            .iter()
            .map(|key| {
                (
                    key.to_string(),
                    company.get(*key).cloned().unwrap_or(Value::Null),
                )
            })
            .collect();
        by_edrpou.insert(code, compared);
    }
    Ok(by_edrpou)
}

async fn import(args: &Args, header: &[String], rows: &[Row]) -> Result<(), String> {
    let portal = connect()?;
    let client = &portal.client;
    let write = may_write(portal.live, args.write) && !args.dry_run;
    let edrpou_field = args.edrpou_field.as_str();

    let fields = client
        .crm()
        .fields()
        .list("companies")
        .await
        .map_err(|error| format!("listing the fields of companies failed: {error}"))?;
    let field_of = |code: &str| {
        fields
            .iter()
            .find(|field| field.code.as_deref() == Some(code))
    };
    if field_of(edrpou_field).is_none() {
        return Err(format!(
            "field {edrpou_field} not found among the fields of companies"
        ));
    }
    let extra_fields: Vec<(String, Field)> = header
        .iter()
        .filter(|column| !BASE_COLUMNS.contains(&column.as_str()))
        .filter_map(|column| Some((column.clone(), field_of(column)?.clone())))
        .collect();

    // Every row is checked before the first change, so a bad row leaves the
    // portal as it was.
    let bodies = rows
        .iter()
        .map(|row| {
            let edrpou = row.get("edrpou");
            if edrpou.len() != 8 || !edrpou.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!(
                    "line {}: EDRPOU '{edrpou}' is not 8 digits",
                    row.line
                ));
            }
            company_body(row, edrpou_field, &extra_fields)
        })
        .collect::<Result<Vec<_>, _>>()?;

    let mut by_edrpou = index_companies(client, edrpou_field, &extra_fields).await?;
    let file_name = args
        .csv
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default();
    println!(
        "read {} companies with an EDRPOU code; {} rows in {file_name}",
        by_edrpou.len(),
        rows.len()
    );

    let (mut create, mut update, mut unchanged) = (0usize, 0usize, 0usize);
    let mut shown_actions = 0;
    for (row, body) in rows.iter().zip(&bodies) {
        let edrpou = row.get("edrpou");
        let existing = by_edrpou.get(edrpou);
        let action = match existing {
            None => Action::Create,
            Some(company) if differs(company, body) => Action::Update,
            Some(_) => Action::Unchanged,
        };
        match action {
            Action::Create => create += 1,
            Action::Update => update += 1,
            Action::Unchanged => unchanged += 1,
        }
        if action == Action::Unchanged {
            continue;
        }
        let existing_id = existing
            .and_then(|company| company.get("id"))
            .and_then(Value::as_i64);

        if write {
            if let Some(created) = apply(client, action, existing_id, body, row).await? {
                // A later row with the same code is compared with this company.
                by_edrpou.insert(edrpou.to_owned(), created);
            }
        }
        if args.verbose || shown_actions < SHOWN_ACTIONS {
            let verb = if write { "done" } else { "plan" };
            let name = if action == Action::Create {
                "create"
            } else {
                "update"
            };
            let target = existing_id
                .map(|id| format!("id={id} "))
                .unwrap_or_default();
            println!(
                "{verb}: {name} {target}edrpou={edrpou} {}",
                row.get("title")
            );
            shown_actions += 1;
        }
    }

    let hidden = create + update - shown_actions;
    if hidden > 0 {
        println!("... {hidden} more actions (--verbose lists them)");
    }
    let mode = if write { "applied" } else { "planned" };
    println!("import {mode}: create={create} update={update} unchanged={unchanged}");
    Ok(())
}

/// Creates or updates the company of one row; returns the created company.
async fn apply(
    client: &Client,
    action: Action,
    existing_id: Option<i64>,
    body: &Map<String, Value>,
    row: &Row,
) -> Result<Option<Map<String, Value>>, String> {
    match (action, existing_id) {
        (Action::Create, _) => {
            let created = client
                .crm()
                .items()
                .create("companies", body)
                .await
                .map_err(|error| {
                    format!("creating the company of line {} failed: {error}", row.line)
                })?;
            match serde_json::to_value(&created) {
                Ok(Value::Object(created)) => Ok(Some(created)),
                _ => Ok(None),
            }
        }
        (_, Some(id)) => {
            client
                .crm()
                .items()
                .update("companies", id, body)
                .await
                .map_err(|error| {
                    format!("updating company {id} (line {}) failed: {error}", row.line)
                })?;
            Ok(None)
        }
        (_, None) => Err(format!(
            "line {}: the stored company with EDRPOU {} has no id",
            row.line,
            row.get("edrpou")
        )),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    exit_code(
        async {
            let args = parse_args()?;
            let (header, rows) = read_rows(&args.csv)?;
            import(&args, &header, &rows).await
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[(&str, &str)]) -> Row {
        Row {
            line: 2,
            cells: cells
                .iter()
                .map(|(column, cell)| (column.to_string(), cell.to_string()))
                .collect(),
        }
    }

    fn list_field(multiple: bool) -> Field {
        serde_json::from_value(json!({
            "code": "uf_size",
            "type": "list",
            "multiple": multiple,
            "values": [
                {"title": "Мала", "value": "small"},
                {"title": "Велика", "value": "large"},
            ],
        }))
        .unwrap()
    }

    #[test]
    fn body_maps_list_titles_to_values() {
        let row = row(&[
            ("title", "ТОВ «А»"),
            ("edrpou", "12345678"),
            ("city", "Київ"),
            ("phone", "+380501234567"),
            ("email", ""),
            ("uf_size", "Велика; Мала"),
        ]);
        let multiple = [("uf_size".to_owned(), list_field(true))];
        let body = company_body(&row, "uf_edrpou", &multiple).unwrap();
        assert_eq!(body["uf_size"], json!(["large", "small"]));
        assert_eq!(body["uf_edrpou"], json!("12345678"));
        assert_eq!(body["phone"][0]["value"], json!("+380501234567"));
        assert!(!body.contains_key("email"));

        let single = [("uf_size".to_owned(), list_field(false))];
        let body = company_body(&row, "uf_edrpou", &single).unwrap();
        assert_eq!(body["uf_size"], json!("large"));
    }

    #[test]
    fn body_rejects_unknown_list_title() {
        let row = row(&[("uf_size", "Середня")]);
        let fields = [("uf_size".to_owned(), list_field(true))];
        let error = company_body(&row, "uf_edrpou", &fields).unwrap_err();
        assert_eq!(
            error,
            "line 2: 'Середня' is not an option of uf_size; options: Мала, Велика"
        );
    }

    fn object(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(object) => object,
            other => panic!("not a JSON object: {other}"),
        }
    }

    #[test]
    fn differs_compares_first_phone_only() {
        let stored = object(json!({
            "title": "А",
            "phone": [{"value": "+1", "type": "work"}, {"value": "+2"}],
        }));
        let same = object(json!({
            "title": "А",
            "phone": [{"type": "work", "value": "+1", "main": true}],
        }));
        assert!(!differs(&stored, &same));

        let other_phone = object(json!({"phone": [{"value": "+2"}]}));
        assert!(differs(&stored, &other_phone));

        let new_city = object(json!({"city": ""}));
        assert!(differs(&stored, &new_city));
    }
}
