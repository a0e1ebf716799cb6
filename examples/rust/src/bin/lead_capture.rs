//! Lead capture: turns a web-form submission into a contact and a deal, and
//! moves the deal to the won stage when the payment callback arrives.
//!
//! ```text
//! cargo run --manifest-path examples/rust/Cargo.toml --bin lead_capture -- \
//!     submit --form FORM.json [--funnel ID] [--write]
//! lead_capture submit --first-name N --last-name N --phone P --email E \
//!     [--interests "Опалення,Сервіс"] [--channel Сайт] --amount 15000 [--funnel ID] [--write]
//! lead_capture paid --payment PAYMENT.json [--funnel ID] [--write]
//! ```
//!
//! Re-running `submit` with the same phone or e-mail updates the contact and
//! its deal in the funnel instead of creating new ones. The portal and the
//! credentials come from the USPACY_* variables, as for `export_deals`. On a
//! live portal changes are only printed as a plan unless `--write` is given.

use std::env;
use std::fs;
use std::process::ExitCode;

use serde_json::{json, Map, Value};
use uspacy::models::{Item, ListQuery};
use uspacy::Client;
use uspacy_scenarios::cli::{self, Opt};
use uspacy_scenarios::portal::{list_options, map_titles};
use uspacy_scenarios::{connect, exit_code, may_write};

const CURRENCY: &str = "UAH";
const DEFAULT_REASON: &str = "Оплачено";
const USAGE: &str = "\
usage: lead_capture submit --form FORM.json [OPTIONS]
       lead_capture submit --first-name N --last-name N --phone P --email E \
[--interests TITLES] [--channel TITLE] --amount AMOUNT [OPTIONS]
       lead_capture paid --payment PAYMENT.json [OPTIONS]";
const DETAILS: &str = "\
submit creates or updates the contact and the deal of a form; paid moves the
deal of a paid order to the won stage.
  --form FILE             JSON file of the form submission
  --first-name, --last-name, --phone, --email
                          the form's fields, replacing those of --form
  --interests TITLES      comma-separated option titles, e.g. \"Опалення,Сервіс\"
  --channel TITLE         option title of the deal's channel, e.g. Сайт
  --amount AMOUNT         deal amount in UAH, e.g. 15000.00
  --payment FILE          JSON file of the payment callback
OPTIONS:
  --funnel ID             deal funnel id (default 1)
  --interests-field CODE  code of the contacts' multi-select list field
  --channel-field CODE    code of the deals' list field
  --write                 allow changes on a live portal";

const COMMON_OPTIONS: [Opt; 4] = [
    Opt::Value("--funnel"),
    Opt::Value("--interests-field"),
    Opt::Value("--channel-field"),
    Opt::Flag("--write"),
];
const SUBMIT_OPTIONS: [Opt; 8] = [
    Opt::Value("--form"),
    Opt::Value("--first-name"),
    Opt::Value("--last-name"),
    Opt::Value("--phone"),
    Opt::Value("--email"),
    Opt::Value("--interests"),
    Opt::Value("--channel"),
    Opt::Value("--amount"),
];
const PAID_OPTIONS: [Opt; 1] = [Opt::Value("--payment")];

/// Python's default decimal precision: `quantize` fails on a result with
/// more digits, and so does [`two_places`].
const MAX_DIGITS: usize = 28;

struct Settings {
    funnel: i64,
    interests_field: String,
    channel_field: String,
    write: bool,
}

enum Command {
    Submit(Form),
    Paid(Payment),
}

/// A form submission with the command-line options applied over the file.
struct Form {
    first_name: String,
    last_name: String,
    phone: Option<String>,
    email: Option<String>,
    interests: Vec<String>,
    channel: Option<String>,
    /// The amount with two decimal places.
    amount: String,
}

/// A payment callback.
struct Payment {
    status: Value,
    phone: Option<String>,
    email: Option<String>,
    reason: String,
}

fn parse_args() -> Result<(Settings, Command), String> {
    let all: Vec<Opt> = [&COMMON_OPTIONS[..], &SUBMIT_OPTIONS, &PAID_OPTIONS].concat();
    let parsed = cli::parse(env::args().skip(1), &all, USAGE, DETAILS)?;
    let (command, other_options) = match parsed.positionals.first().map(String::as_str) {
        Some("submit") => ("submit", &PAID_OPTIONS[..]),
        Some("paid") => ("paid", &SUBMIT_OPTIONS[..]),
        Some(other) => {
            return Err(format!(
                "unknown command {other}: expected submit or paid; {USAGE}"
            ))
        }
        None => return Err(format!("expected the command submit or paid; {USAGE}")),
    };
    if let Some(extra) = parsed.positionals.get(1) {
        return Err(format!("unknown argument {extra}; {USAGE}"));
    }
    let misplaced = parsed.names().find(|name| {
        other_options
            .iter()
            .any(|option| matches!(option, Opt::Value(known) if known == name))
    });
    if let Some(name) = misplaced {
        return Err(format!("{name} is not an option of {command}; {USAGE}"));
    }

    let settings = Settings {
        funnel: parsed.integer("--funnel")?.unwrap_or(1),
        interests_field: parsed
            .value("--interests-field")
            .unwrap_or("uf_crm_1716200001")
            .to_owned(),
        channel_field: parsed
            .value("--channel-field")
            .unwrap_or("uf_crm_1716200002")
            .to_owned(),
        write: parsed.flag("--write"),
    };
    let command = if command == "submit" {
        Command::Submit(read_form(&parsed)?)
    } else {
        let path = parsed
            .value("--payment")
            .ok_or_else(|| format!("paid needs --payment FILE; {USAGE}"))?;
        Command::Paid(read_payment(path)?)
    };
    Ok((settings, command))
}

/// Reads a JSON file that must contain an object.
fn read_json_object(path: &str) -> Result<Map<String, Value>, String> {
    let text = fs::read_to_string(path).map_err(|error| format!("cannot read {path}: {error}"))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(object)) => Ok(object),
        Ok(_) => Err(format!("{path} does not contain a JSON object")),
        Err(error) => Err(format!("{path} is not valid JSON: {error}")),
    }
}

/// Returns a text field of a JSON object: a string as it is, a number as
/// written, `None` for a missing key, `null` or `""`.
fn text_of(object: &Map<String, Value>, key: &str, path: &str) -> Result<Option<String>, String> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone()).filter(|text| !text.is_empty())),
        Some(Value::Number(number)) => Ok(Some(number.to_string())),
        Some(other) => Err(format!("{path}: {key} must be a string, not {other}")),
    }
}

fn read_form(parsed: &cli::Parsed) -> Result<Form, String> {
    let (file, path) = match parsed.value("--form") {
        Some(path) => (read_json_object(path)?, path),
        None => (Map::new(), "the form"),
    };
    // A command-line option replaces the file's value, even with an empty one.
    let field = |key: &str, flag: &str| match parsed.value(flag) {
        Some(text) => Ok(Some(text.to_owned()).filter(|text| !text.is_empty())),
        None => text_of(&file, key, path),
    };
    let first_name = field("first_name", "--first-name")?.unwrap_or_default();
    let last_name = field("last_name", "--last-name")?.unwrap_or_default();
    let phone = field("phone", "--phone")?;
    let email = field("email", "--email")?;
    let channel = field("channel", "--channel")?.filter(|title| !title.trim().is_empty());

    let interests = match parsed.value("--interests") {
        Some(titles) => titles.split(',').map(str::to_owned).collect(),
        None => match file.get("interests") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::String(titles)) => titles.split(',').map(str::to_owned).collect(),
            Some(Value::Array(titles)) => titles
                .iter()
                .map(|title| {
                    title.as_str().map(str::to_owned).ok_or_else(|| {
                        format!("{path}: interests must be option titles, not {title}")
                    })
                })
                .collect::<Result<_, _>>()?,
            Some(other) => {
                return Err(format!(
                    "{path}: interests must be a list of option titles, not {other}"
                ))
            }
        },
    };

    if phone.is_none() && email.is_none() {
        return Err("the form needs a phone or an e-mail".to_owned());
    }
    let amount_text = match parsed.value("--amount") {
        Some(text) => text.to_owned(),
        None => match file.get("amount") {
            None => "0".to_owned(),
            Some(Value::String(text)) => text.clone(),
            Some(Value::Number(number)) => number.to_string(),
            Some(other) => return Err(format!("amount {other} is not a number")),
        },
    };
    let amount = two_places(&amount_text)
        .ok_or_else(|| format!("amount '{amount_text}' is not a number"))?;

    Ok(Form {
        first_name,
        last_name,
        phone,
        email,
        interests,
        channel,
        amount,
    })
}

fn read_payment(path: &str) -> Result<Payment, String> {
    let file = read_json_object(path)?;
    Ok(Payment {
        status: file.get("status").cloned().unwrap_or(Value::Null),
        phone: text_of(&file, "phone", path)?,
        email: text_of(&file, "email", path)?,
        reason: text_of(&file, "reason", path)?.unwrap_or_else(|| DEFAULT_REASON.to_owned()),
    })
}

/// Rounds a decimal number to two places, half to even, as Python's
/// `Decimal(text).quantize(Decimal("0.01"))` does: `17250.5` becomes
/// `17250.50`, `1e3` becomes `1000.00`, `0.125` becomes `0.12`.
///
/// Returns `None` for text that is not a finite decimal number and for a
/// result of more than [`MAX_DIGITS`] digits.
fn two_places(text: &str) -> Option<String> {
    let text = text.trim();
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (mantissa, exponent) = match unsigned.split_once(['e', 'E']) {
        // An i64 exponent keeps the i128 arithmetic below from overflowing.
        Some((mantissa, exponent)) => (mantissa, i128::from(exponent.parse::<i64>().ok()?)),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = whole
        .bytes()
        .chain(fraction.bytes())
        .all(|b| b.is_ascii_digit());
    if !all_digits || (whole.is_empty() && fraction.is_empty()) {
        return None;
    }

    // The value is `digits` * 10^-scale; the result needs a scale of 2.
    let digits = format!("{whole}{fraction}");
    let digits = digits.trim_start_matches('0');
    let scale = fraction.len() as i128 - exponent;
    let coefficient = if digits.is_empty() {
        "0".to_owned()
    } else if scale <= 2 {
        let zeros = 2 - scale;
        if digits.len() as i128 + zeros > MAX_DIGITS as i128 {
            return None;
        }
        format!("{digits}{}", "0".repeat(zeros as usize))
    } else {
        round_half_even(digits, scale - 2)
    };
    if coefficient.len() > MAX_DIGITS {
        return None;
    }

    let padded = format!("{coefficient:0>3}");
    let (units, cents) = padded.split_at(padded.len() - 2);
    let sign = if negative && coefficient != "0" {
        "-"
    } else {
        ""
    };
    Some(format!("{sign}{units}.{cents}"))
}

/// Drops the last `dropped` digits of a digit string without leading zeros,
/// rounding half to even. Returns the digits left without leading zeros, or
/// `"0"` when none are left.
fn round_half_even(digits: &str, dropped: i128) -> String {
    if dropped > digits.len() as i128 {
        // The value is below a tenth of the last kept place, so it rounds to 0.
        return "0".to_owned();
    }
    let (kept, rest) = digits.split_at(digits.len() - dropped as usize);
    let first = rest.as_bytes()[0];
    let beyond_half = rest.bytes().skip(1).any(|b| b != b'0');
    let last_odd = kept.bytes().last().is_some_and(|b| (b - b'0') % 2 == 1);
    let up = first > b'5' || (first == b'5' && (beyond_half || last_odd));

    let mut result: Vec<u8> = kept.bytes().collect();
    if up {
        let mut carry = true;
        for digit in result.iter_mut().rev() {
            if *digit == b'9' {
                *digit = b'0';
            } else {
                *digit += 1;
                carry = false;
                break;
            }
        }
        if carry {
            result.insert(0, b'1');
        }
    }
    let text: String = result.into_iter().map(char::from).collect();
    match text.trim_start_matches('0') {
        "" => "0".to_owned(),
        trimmed => trimmed.to_owned(),
    }
}

/// Returns an item's id, or an error naming what the portal returned.
fn id_of(item: &Item, kind: &str) -> Result<i64, String> {
    item.id
        .ok_or_else(|| format!("the portal returned a {kind} without an id"))
}

/// Finds a contact whose phone or e-mail matches, through the list filters.
// NOTE: the filters `phone[]=...&email[]=...&boolean_operator=OR` are those the
// mock portal implements; a live portal was not tried.
async fn find_contact(
    client: &Client,
    phone: Option<&str>,
    email: Option<&str>,
) -> Result<Option<Item>, String> {
    let mut query = ListQuery {
        list: Some(2),
        boolean_operator: Some("OR".to_owned()),
        ..ListQuery::default()
    };
    if let Some(phone) = phone {
        query = query.param("phone", json!([phone]));
    }
    if let Some(email) = email {
        query = query.param("email", json!([email]));
    }
    let page = client
        .crm()
        .items()
        .list("contacts", &query)
        .await
        .map_err(|error| format!("searching contacts by phone and e-mail failed: {error}"))?;
    Ok(page.items.into_iter().next())
}

/// Finds the contact's deal in the funnel, preferring one that is still open.
async fn find_deal(client: &Client, contact_id: i64, funnel: i64) -> Result<Option<Item>, String> {
    let query = ListQuery {
        list: Some(50),
        funnel_id: Some(funnel),
        ..ListQuery::default()
    }
    .param("contacts", json!([contact_id]));
    let deals = client
        .crm()
        .items()
        .list("deals", &query)
        .await
        .map_err(|error| format!("listing the deals of contact {contact_id} failed: {error}"))?
        .items;
    let closed = |deal: &Item| matches!(deal.kanban_status.as_deref(), Some("SUCCESS" | "FAIL"));
    let open = deals.iter().position(|deal| !closed(deal));
    Ok(deals.into_iter().nth(open.unwrap_or(0)))
}

/// Returns the id of the funnel's first stage, where new deals go.
async fn first_stage(client: &Client, funnel: i64) -> Result<i64, String> {
    let mut stages: Vec<_> = client
        .crm()
        .kanban_stages()
        .list("deals", &json!({ "funnel_id": funnel }))
        .await
        .map_err(|error| format!("listing the stages of funnel {funnel} failed: {error}"))?
        .into_iter()
        .filter(|stage| stage.funnel_id == Some(funnel))
        .collect();
    stages.sort_by_key(|stage| stage.sort);
    stages
        .first()
        .and_then(|stage| stage.id)
        .ok_or_else(|| format!("deal funnel {funnel} not found or has no stages"))
}

/// Updates the contact `id` or creates one, or in plan mode prints what
/// would happen. Returns the contact's id, or `None` for a planned creation.
async fn save_contact(
    client: &Client,
    id: Option<i64>,
    body: &Item,
    interests: &str,
    write: bool,
) -> Result<Option<i64>, String> {
    let title = body.title.as_deref().unwrap_or("");
    match (write, id) {
        (false, Some(id)) => {
            println!("plan: contact update id={id}: {title} interests={interests}");
            Ok(Some(id))
        }
        (false, None) => {
            println!("plan: contact create: {title} interests={interests}");
            Ok(None)
        }
        (true, Some(id)) => {
            client
                .crm()
                .items()
                .update("contacts", id, body)
                .await
                .map_err(|error| format!("updating contact {id} failed: {error}"))?;
            println!("contact updated: id={id} interests={interests}");
            Ok(Some(id))
        }
        (true, None) => {
            let created = client
                .crm()
                .items()
                .create("contacts", body)
                .await
                .map_err(|error| format!("creating contact {title} failed: {error}"))?;
            let id = id_of(&created, "contact")?;
            println!("contact created: id={id} interests={interests}");
            Ok(Some(id))
        }
    }
}

/// The place of a new deal: its funnel, the funnel's first stage and its contact.
struct DealTarget {
    funnel: i64,
    first_stage: i64,
    contact_id: Option<i64>,
}

/// Updates the deal `id` or creates one in the target, or in plan mode
/// prints what would happen.
async fn save_deal(
    client: &Client,
    id: Option<i64>,
    mut body: Item,
    target: &DealTarget,
    amount: &str,
    write: bool,
) -> Result<(), String> {
    let funnel = target.funnel;
    match (write, id) {
        (false, Some(id)) => {
            println!("plan: deal update id={id}: funnel={funnel} amount={amount} {CURRENCY}");
        }
        (false, None) => {
            println!("plan: deal create: funnel={funnel} amount={amount} {CURRENCY}");
        }
        (true, Some(id)) => {
            client
                .crm()
                .items()
                .update("deals", id, &body)
                .await
                .map_err(|error| format!("updating deal {id} failed: {error}"))?;
            println!("deal updated: id={id} funnel={funnel} amount={amount} {CURRENCY}");
        }
        (true, None) => {
            // In write mode the contact was found or created before.
            let contact_id = target
                .contact_id
                .ok_or("no contact to attach the new deal to")?;
            let stage = target.first_stage;
            body.funnel_id = Some(funnel);
            body.kanban_stage_id = Some(stage);
            let body = body.with("contacts", json!([contact_id]));
            let created = client
                .crm()
                .items()
                .create("deals", &body)
                .await
                .map_err(|error| {
                    format!("creating the deal of contact {contact_id} failed: {error}")
                })?;
            let id = id_of(&created, "deal")?;
            println!(
                "deal created: id={id} funnel={funnel} stage={stage} amount={amount} {CURRENCY}"
            );
        }
    }
    Ok(())
}

async fn submit(
    client: &Client,
    settings: &Settings,
    form: &Form,
    write: bool,
) -> Result<(), String> {
    let interests_field = settings.interests_field.as_str();
    let options = list_options(client, "contacts", interests_field).await?;
    let interests = map_titles(
        &options,
        form.interests.iter().map(String::as_str),
        interests_field,
    )?;
    let interests_text = interests.join(",");
    let title = format!("{} {}", form.last_name, form.first_name)
        .trim()
        .to_owned();
    let mut contact_body = Item::titled(&title)
        .with("first_name", form.first_name.as_str())
        .with("last_name", form.last_name.as_str())
        .with(interests_field, json!(interests));
    if let Some(phone) = &form.phone {
        contact_body = contact_body.with(
            "phone",
            json!([{"type": "mobile", "value": phone, "main": true}]),
        );
    }
    if let Some(email) = &form.email {
        contact_body = contact_body.with(
            "email",
            json!([{"type": "work", "value": email, "main": true}]),
        );
    }

    // The funnel and the channel are checked before anything is written, so
    // a wrong title or funnel leaves the portal as it was.
    let funnel = settings.funnel;
    let first_stage = first_stage(client, funnel).await?;
    let mut deal_body = Item::titled(format!("Заявка з сайту: {title}")).with(
        "amount",
        json!({ "value": form.amount, "currency": CURRENCY }),
    );
    if let Some(channel) = &form.channel {
        let channel_field = settings.channel_field.as_str();
        let options = list_options(client, "deals", channel_field).await?;
        let values = map_titles(&options, [channel.as_str()], channel_field)?;
        if let Some(value) = values.into_iter().next() {
            deal_body = deal_body.with(channel_field, value);
        }
    }

    let contact = find_contact(client, form.phone.as_deref(), form.email.as_deref()).await?;
    let contact_id = match contact {
        Some(existing) => Some(id_of(&existing, "contact")?),
        None => None,
    };
    let contact_id =
        save_contact(client, contact_id, &contact_body, &interests_text, write).await?;

    let deal = match contact_id {
        Some(id) => find_deal(client, id, funnel).await?,
        None => None,
    };
    let deal_id = match &deal {
        Some(deal) => Some(id_of(deal, "deal")?),
        None => None,
    };
    let target = DealTarget {
        funnel,
        first_stage,
        contact_id,
    };
    save_deal(client, deal_id, deal_body, &target, &form.amount, write).await
}

async fn paid(client: &Client, funnel: i64, payment: &Payment, write: bool) -> Result<(), String> {
    if payment.status.as_str() != Some("success") {
        let status = match &payment.status {
            Value::String(text) => format!("'{text}'"),
            other => other.to_string(),
        };
        println!("payment status is {status}, not 'success': nothing to do");
        return Ok(());
    }
    // Without either, the list filters would match every contact.
    if payment.phone.is_none() && payment.email.is_none() {
        return Err(
            "the payment has neither a phone nor an e-mail to find the contact by".to_owned(),
        );
    }
    let contact = find_contact(client, payment.phone.as_deref(), payment.email.as_deref())
        .await?
        .ok_or("no contact matches the payment's phone or e-mail; submit the form first")?;
    let contact_id = id_of(&contact, "contact")?;
    let deal = find_deal(client, contact_id, funnel)
        .await?
        .ok_or_else(|| format!("contact {contact_id} has no deal in funnel {funnel}"))?;
    let deal_id = id_of(&deal, "deal")?;
    if deal.kanban_status.as_deref() == Some("SUCCESS") {
        let stage = deal
            .kanban_stage_id
            .map(|id| id.to_string())
            .unwrap_or_default();
        println!("deal already won: id={deal_id} stage={stage}");
        return Ok(());
    }

    let stages = client
        .crm()
        .kanban_stages()
        .list("deals", &json!({ "funnel_id": funnel }))
        .await
        .map_err(|error| format!("listing the stages of funnel {funnel} failed: {error}"))?;
    let won = stages
        .iter()
        .find(|stage| {
            stage.funnel_id == Some(funnel) && stage.stage_code.as_deref() == Some("SUCCESS")
        })
        .ok_or_else(|| format!("funnel {funnel} has no won (SUCCESS) stage"))?;
    let won_id = won
        .id
        .ok_or("the portal returned a won stage without an id")?;
    let won_title = won.title.as_deref().unwrap_or("");

    let reasons = client
        .crm()
        .reasons()
        .list(funnel)
        .await
        .map_err(|error| format!("listing the reasons of funnel {funnel} failed: {error}"))?
        .success;
    let reason = reasons
        .iter()
        .find(|reason| reason.title.as_deref() == Some(payment.reason.as_str()))
        .ok_or_else(|| {
            let titles: Vec<&str> = reasons
                .iter()
                .filter_map(|reason| reason.title.as_deref())
                .collect();
            format!(
                "'{}' is not a won reason of funnel {funnel}; reasons: {}",
                payment.reason,
                titles.join(", ")
            )
        })?;
    let reason_id = reason
        .id
        .ok_or("the portal returned a reason without an id")?;

    if !write {
        println!("plan: deal move id={deal_id} stage={won_id} ({won_title}) reason={reason_id}");
        return Ok(());
    }
    client
        .crm()
        .kanban_stages()
        .r#move("deals", deal_id, won_id, &json!({ "reason_id": reason_id }))
        .await
        .map_err(|error| format!("moving deal {deal_id} to stage {won_id} failed: {error}"))?;
    println!(
        "deal moved: id={deal_id} stage={won_id} ({won_title}) reason={reason_id} ({})",
        payment.reason
    );
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    exit_code(
        async {
            let (settings, command) = parse_args()?;
            let portal = connect()?;
            let write = may_write(portal.live, settings.write);
            match &command {
                Command::Submit(form) => submit(&portal.client, &settings, form, write).await,
                Command::Paid(payment) => {
                    paid(&portal.client, settings.funnel, payment, write).await
                }
            }
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::two_places;

    #[test]
    fn amounts_get_two_places() {
        let cases = [
            ("15000.00", "15000.00"),
            ("17250.5", "17250.50"),
            ("15000", "15000.00"),
            (" 7 ", "7.00"),
            ("+7", "7.00"),
            (".5", "0.50"),
            ("5.", "5.00"),
            ("1e3", "1000.00"),
            ("12.5E-1", "1.25"),
            ("0", "0.00"),
            ("-0", "0.00"),
            ("-1.5", "-1.50"),
            ("0e999999999", "0.00"),
        ];
        for (text, expected) in cases {
            assert_eq!(
                two_places(text).as_deref(),
                Some(expected),
                "amount {text:?}"
            );
        }
    }

    #[test]
    fn amounts_round_half_to_even() {
        let cases = [
            ("0.125", "0.12"),
            ("0.135", "0.14"),
            ("0.1251", "0.13"),
            ("9.999", "10.00"),
            ("0.005", "0.00"),
            ("0.0051", "0.01"),
            ("0.015", "0.02"),
            ("-1.005", "-1.00"),
            ("1e-999999999", "0.00"),
        ];
        for (text, expected) in cases {
            assert_eq!(
                two_places(text).as_deref(),
                Some(expected),
                "amount {text:?}"
            );
        }
    }

    #[test]
    fn amounts_that_are_not_numbers() {
        for text in [
            "", "abc", "1,5", "1e", "e3", ".", "-", "NaN", "Infinity", "1.2.3", "١٢",
        ] {
            assert_eq!(two_places(text), None, "amount {text:?}");
        }
    }

    #[test]
    fn amounts_of_more_than_28_digits() {
        assert_eq!(
            two_places("1e25").as_deref(),
            Some("10000000000000000000000000.00")
        );
        assert_eq!(two_places("1e26"), None);
        assert_eq!(two_places("1e99999999999999999999999"), None);
        assert_eq!(two_places("1e9223372036854775807"), None);
        assert_eq!(
            two_places("1e-9223372036854775808").as_deref(),
            Some("0.00")
        );
        assert_eq!(
            two_places("1e170141183460469231731687303715884105727"),
            None
        );
    }
}
