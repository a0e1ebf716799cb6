//! Signs in to a Uspacy portal, creates a contact and a deal, moves the deal
//! to the next stage of its funnel and counts every deal, printing one line
//! per step.
//!
//! ```text
//! USPACY_BASE_URL=http://127.0.0.1:8080 USPACY_EMAIL=... USPACY_PASSWORD=... \
//!     cargo run -p uspacy --example quickstart
//! ```
//!
//! `scripts/demo.sh` starts the mock portal and runs this example against
//! it. Run with `--help` for the environment variables.
//!
//! The example writes (creates a contact and a deal, moves the deal) only
//! when the portal is on a loopback address, such as the mock portal, or
//! when `--write` is passed. Against any other portal it only reads.

use std::env;
use std::fmt;
use std::net::IpAddr;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use serde_json::json;
use uspacy::models::crm::{Funnel, Item, KanbanStage, ListQuery};
use uspacy::{Client, Credentials, Error, ErrorKind};

const HELP: &str = "\
Usage: cargo run -p uspacy --example quickstart [-- --write]

Signs in to a Uspacy portal, creates a contact and a deal, moves the deal to
the next stage of its funnel and counts every deal.

Portal (one of):
  USPACY_BASE_URL       full base URL, e.g. the mock portal's http://127.0.0.1:8080
  USPACY_DOMAIN         portal name, e.g. acme for https://acme.uspacy.ua
                        (USPACY_BASE_URL wins when both are set)

Credentials (the first complete kind is used):
  USPACY_EMAIL and USPACY_PASSWORD            a user's e-mail and password, plus
                                              USPACY_TWO_FACTOR_CODE when the account
                                              has two-factor authentication
  USPACY_CLIENT_ID and USPACY_CLIENT_SECRET   a marketplace app's id and secret
  USPACY_WEBHOOK_URL                          an incoming-webhook URL; it names the
                                              portal, so no portal variable is needed

Options:
  --write     create a contact and a deal and move the deal even when the portal
              is not on a loopback address (a live portal); without it such a
              portal is only read
  -h, --help  print this help

RUST_LOG=uspacy=debug prints every request attempt of the SDK to stderr.
";

/// Page size of the deal count; 100 keeps the number of requests low.
const PAGE_SIZE: u64 = 100;

/// A failure that ends the example, printed as `error: {failure}`.
enum Failure {
    /// Invalid arguments or environment; nothing was sent.
    Usage(String),
    /// An SDK call failed during `step`.
    Call { step: String, error: Error },
    /// The portal responded, but not as expected.
    Check(String),
}

impl Failure {
    fn exit_code(&self) -> ExitCode {
        match self {
            Failure::Usage(_) => ExitCode::from(2),
            // The SDK rejected the configuration before sending anything.
            Failure::Call { error, .. } if error.kind() == ErrorKind::Config => ExitCode::from(2),
            Failure::Call { .. } | Failure::Check(_) => ExitCode::FAILURE,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Usage(message) | Failure::Check(message) => f.write_str(message),
            Failure::Call { step, error } => write!(f, "{step} failed: {error}"),
        }
    }
}

/// Wraps an SDK error with the step it happened in.
fn failed(step: impl Into<String>) -> impl FnOnce(Error) -> Failure {
    let step = step.into();
    move |error| Failure::Call { step, error }
}

/// Settings read from the environment and the arguments.
struct Settings {
    portal: Portal,
    credentials: Credentials,
    /// Description of the credentials for the output, without secrets.
    credentials_label: String,
    /// `--write` was passed.
    write_requested: bool,
}

enum Portal {
    BaseUrl(String),
    Domain(String),
    /// The incoming-webhook URL names the portal.
    FromWebhook,
}

#[tokio::main]
async fn main() -> ExitCode {
    init_logging();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {failure}");
            if let Failure::Call { error, .. } = &failure {
                for (field, messages) in error.field_errors() {
                    eprintln!("  {field}: {}", messages.join("; "));
                }
            }
            if let Failure::Usage(_) = failure {
                eprintln!("Run with --help for the environment variables.");
            }
            failure.exit_code()
        }
    }
}

/// Prints the SDK's tracing events to stderr when `RUST_LOG` is set.
fn init_logging() {
    if env::var_os("RUST_LOG").is_some() {
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
}

async fn run() -> Result<(), Failure> {
    let Some(write_requested) = parse_args(env::args().skip(1))? else {
        print!("{HELP}");
        return Ok(());
    };
    let settings = read_settings(write_requested)?;
    let started = Instant::now();

    let mut builder = Client::builder().credentials(settings.credentials.clone());
    let source = match &settings.portal {
        Portal::BaseUrl(url) => {
            builder = builder.base_url(url.clone());
            "USPACY_BASE_URL"
        }
        Portal::Domain(domain) => {
            builder = builder.domain(domain.clone());
            "USPACY_DOMAIN"
        }
        Portal::FromWebhook => "USPACY_WEBHOOK_URL",
    };
    let client = builder
        .build()
        .map_err(failed(format!("building the client from {source}")))?;

    let local = is_loopback_url(&client.base_url());
    let write = local || settings.write_requested;
    let mode = match (write, local) {
        (true, true) => "read and write (loopback portal)",
        (true, false) => "read and write (--write)",
        (false, _) => "read-only (not a loopback portal; pass --write to create records)",
    };
    println!(
        "portal {} with {}, {mode}",
        client.base_url(),
        settings.credentials_label
    );

    sign_in(&client).await?;
    let funnel = first_deal_funnel(&client).await?;
    let stages = stages_of(&client, &funnel).await?;

    if write {
        let contact_id = create_contact(&client).await?;
        let deal = create_deal(&client, &funnel, &stages, contact_id).await?;
        move_deal(&client, &deal, &stages).await?;
    } else {
        println!("skipped creating a contact and a deal and moving the deal: read-only");
    }

    count_deals(&client, local).await?;
    println!("done in {}", format_elapsed(started.elapsed()));
    Ok(())
}

/// Returns `Some(write_requested)`, or `None` when help was asked for.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<bool>, Failure> {
    let mut write = false;
    for arg in args {
        match arg.as_str() {
            "--write" => write = true,
            "-h" | "--help" => return Ok(None),
            other => {
                return Err(Failure::Usage(format!(
                    "unknown argument `{other}`: expected --write or --help"
                )))
            }
        }
    }
    Ok(Some(write))
}

/// Reads a variable; unset and empty are the same.
fn var(name: &str) -> Result<Option<String>, Failure> {
    match env::var(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value.trim().to_owned())),
        Err(env::VarError::NotPresent) => Ok(None),
        Err(env::VarError::NotUnicode(_)) => Err(Failure::Usage(format!(
            "{name} is not valid UTF-8: set it to plain text"
        ))),
    }
}

/// Reads one of two variables that must be set together.
fn pair(first: &str, second: &str, what: &str) -> Result<Option<(String, String)>, Failure> {
    match (var(first)?, var(second)?) {
        (Some(a), Some(b)) => Ok(Some((a, b))),
        (None, None) => Ok(None),
        (Some(_), None) => Err(Failure::Usage(format!(
            "{first} is set but {second} is not: set {second} to the {what}"
        ))),
        (None, Some(_)) => Err(Failure::Usage(format!(
            "{second} is set but {first} is not: set {first} as well"
        ))),
    }
}

fn read_settings(write_requested: bool) -> Result<Settings, Failure> {
    let password = pair("USPACY_EMAIL", "USPACY_PASSWORD", "account's password")?;
    let app = pair(
        "USPACY_CLIENT_ID",
        "USPACY_CLIENT_SECRET",
        "app's client secret",
    )?;
    let webhook = var("USPACY_WEBHOOK_URL")?;

    let (credentials, credentials_label) = match (password, app, webhook) {
        (Some((email, password)), _, _) => match var("USPACY_TWO_FACTOR_CODE")? {
            Some(code) => (
                Credentials::password_with_code(email.clone(), password, code),
                format!("e-mail, password and two-factor code of {email}"),
            ),
            None => (
                Credentials::password(email.clone(), password),
                format!("e-mail and password of {email}"),
            ),
        },
        (None, Some((client_id, secret)), _) => (
            Credentials::app(client_id.clone(), secret),
            format!("app client id {client_id}"),
        ),
        (None, None, Some(url)) => (
            Credentials::webhook(url),
            "an incoming-webhook URL".to_owned(),
        ),
        (None, None, None) => {
            return Err(Failure::Usage(
                "no credentials: set USPACY_EMAIL and USPACY_PASSWORD, \
                 or USPACY_CLIENT_ID and USPACY_CLIENT_SECRET, or USPACY_WEBHOOK_URL"
                    .to_owned(),
            ))
        }
    };

    let is_webhook = matches!(credentials, Credentials::Webhook { .. });
    let portal = match (var("USPACY_BASE_URL")?, var("USPACY_DOMAIN")?) {
        // The webhook URL names the portal; the SDK ignores any other address.
        _ if is_webhook => Portal::FromWebhook,
        (Some(url), _) => Portal::BaseUrl(url),
        (None, Some(domain)) => Portal::Domain(domain),
        (None, None) => {
            return Err(Failure::Usage(
                "no portal: set USPACY_BASE_URL (such as the mock portal's \
                 http://127.0.0.1:8080) or USPACY_DOMAIN (acme for https://acme.uspacy.ua)"
                    .to_owned(),
            ))
        }
    };

    Ok(Settings {
        portal,
        credentials,
        credentials_label,
        write_requested,
    })
}

/// Returns whether `url`'s host is `localhost` or a loopback IP address.
fn is_loopback_url(url: &str) -> bool {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let host = if let Some(bracketed) = host_port.strip_prefix('[') {
        bracketed.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

async fn sign_in(client: &Client) -> Result<(), Failure> {
    let started = Instant::now();
    client.authenticate().await.map_err(failed("signing in"))?;
    let elapsed = format_elapsed(started.elapsed());
    match client.tokens() {
        Some(tokens) => {
            let expiry = match tokens.expires_at {
                Some(at) => format!(
                    "the access token expires in {} s",
                    at.saturating_sub(unix_now())
                ),
                None => "the access token's expiry is unknown".to_owned(),
            };
            println!("signed in in {elapsed}; {expiry}");
        }
        None => println!("no sign-in needed: the incoming-webhook URL authorizes every request"),
    }
    Ok(())
}

async fn first_deal_funnel(client: &Client) -> Result<Funnel, Failure> {
    let started = Instant::now();
    let funnels = client
        .crm()
        .funnels()
        .list("deals")
        .await
        .map_err(failed("listing the deal funnels"))?;
    let count = funnels.len();
    let funnel = funnels.into_iter().next().ok_or_else(|| {
        Failure::Check("the portal has no deal funnel: create one in the CRM settings".to_owned())
    })?;
    let funnel_id = id_of(funnel.id, "the first deal funnel")?;
    println!(
        "read {count} deal funnels in {}; using funnel {funnel_id} {}",
        format_elapsed(started.elapsed()),
        quoted(&funnel.title)
    );
    Ok(funnel)
}

/// Returns the funnel's stages in board order. For portals that do not
/// embed them in the funnel list, it calls `crm.kanban_stages.list`.
async fn stages_of(client: &Client, funnel: &Funnel) -> Result<Vec<KanbanStage>, Failure> {
    let started = Instant::now();
    let funnel_id = id_of(funnel.id, "the first deal funnel")?;
    let (mut stages, source) = match &funnel.stages {
        Some(stages) if !stages.is_empty() => (stages.clone(), "from the funnel list"),
        _ => {
            let stages = client
                .crm()
                .kanban_stages()
                .list("deals", &json!({ "funnel_id": funnel_id }))
                .await
                .map_err(failed("listing the funnel's stages"))?;
            (stages, "with crm.kanban_stages.list")
        }
    };
    stages.sort_by_key(|stage| (stage.sort.unwrap_or(i64::MAX), stage.id.unwrap_or(i64::MAX)));
    let movable = stages
        .iter()
        .filter(|stage| !is_closing_stage(stage))
        .count();
    println!(
        "read {} stages of funnel {funnel_id} {source} in {} ({movable} of them not closing stages)",
        stages.len(),
        format_elapsed(started.elapsed()),
    );
    Ok(stages)
}

/// Returns whether a stage closes the item (won or lost). Such stages need a reason,
/// so the example never moves a deal there.
fn is_closing_stage(stage: &KanbanStage) -> bool {
    stage.system_stage == Some(true)
        || matches!(stage.stage_code.as_deref(), Some("SUCCESS" | "FAIL"))
}

async fn create_contact(client: &Client) -> Result<i64, Failure> {
    let started = Instant::now();
    let contact = Item::default()
        .with("first_name", "Олена")
        .with("last_name", "Коваленко")
        .with(
            "phone",
            json!([{"type": "mobile", "value": "+380671234567", "main": true}]),
        )
        .with(
            "email",
            json!([{"type": "work", "value": "olena.kovalenko@example.com", "main": true}]),
        );
    let created = client
        .crm()
        .items()
        .create("contacts", &contact)
        .await
        .map_err(failed("creating the contact"))?;
    let contact_id = id_of(created.id, "the created contact")?;
    println!(
        "created contact {contact_id} {} in {}",
        quoted(&created.title),
        format_elapsed(started.elapsed())
    );
    Ok(contact_id)
}

async fn create_deal(
    client: &Client,
    funnel: &Funnel,
    stages: &[KanbanStage],
    contact_id: i64,
) -> Result<Item, Failure> {
    let started = Instant::now();
    let deal = Item {
        funnel_id: funnel.id,
        ..Item::titled("Постачання ноутбуків для бухгалтерії")
    }
    .with("amount", json!({"currency": "UAH", "value": "48500.00"}))
    .with("contacts", json!([{"id": contact_id}]));
    let created = client
        .crm()
        .items()
        .create("deals", &deal)
        .await
        .map_err(failed("creating the deal"))?;

    let deal_id = id_of(created.id, "the created deal")?;
    let amount = match created
        .money("amount")
        .map_err(failed("reading the deal's amount"))?
    {
        Some(money) => format!("{} {}", money.value, money.currency),
        None => "no amount".to_owned(),
    };
    let stage = stage_label(stages, created.kanban_stage_id);
    println!(
        "created deal {deal_id} {} for contact {contact_id} in funnel {}, {stage}, {amount}, in {}",
        quoted(&created.title),
        created
            .funnel_id
            .map_or_else(|| "?".to_owned(), |id| id.to_string()),
        format_elapsed(started.elapsed())
    );
    Ok(created)
}

/// Moves `deal` to the first stage after its current one that does not
/// close it, and reads the deal back to check the move.
async fn move_deal(client: &Client, deal: &Item, stages: &[KanbanStage]) -> Result<(), Failure> {
    let started = Instant::now();
    let deal_id = id_of(deal.id, "the created deal")?;
    let current = stages
        .iter()
        .position(|stage| stage.id.is_some() && stage.id == deal.kanban_stage_id);
    let first_candidate = current.map_or(0, |index| index + 1);
    let target = stages[first_candidate.min(stages.len())..]
        .iter()
        .find(|stage| {
            !is_closing_stage(stage) && stage.id.is_some() && stage.id != deal.kanban_stage_id
        })
        .ok_or_else(|| {
            Failure::Check(format!(
                "funnel {:?} has no open stage after the deal's stage {:?} to move the deal to",
                deal.funnel_id, deal.kanban_stage_id
            ))
        })?;
    let target_id = id_of(target.id, "the target stage")?;

    client
        .crm()
        .kanban_stages()
        .r#move("deals", deal_id, target_id, &json!({ "reason_id": null }))
        .await
        .map_err(failed("moving the deal"))?;
    let moved = client
        .crm()
        .items()
        .get("deals", deal_id)
        .await
        .map_err(failed("reading the moved deal"))?;
    if moved.kanban_stage_id != Some(target_id) {
        return Err(Failure::Check(format!(
            "deal {deal_id} was moved to stage {target_id}, but the portal now reports stage {:?}",
            moved.kanban_stage_id
        )));
    }
    println!(
        "moved deal {deal_id} from {} to {} in {} (checked by reading the deal back)",
        stage_label(stages, deal.kanban_stage_id),
        stage_label(stages, Some(target_id)),
        format_elapsed(started.elapsed())
    );
    Ok(())
}

/// Counts every deal by streaming all pages, and compares the count with
/// the total the portal reports on the first page.
async fn count_deals(client: &Client, local: bool) -> Result<(), Failure> {
    let started = Instant::now();
    let first_page = client
        .crm()
        .items()
        .list("deals", &ListQuery::page(1, 1))
        .await
        .map_err(failed("reading the deal total"))?;
    let reported = first_page.meta.as_ref().and_then(|meta| meta.total);

    let deals = client
        .crm()
        .items()
        .iter("deals", &ListQuery::page(1, PAGE_SIZE))
        .map_err(failed("listing the deals"))?;
    let count = deals
        .try_fold(0u64, |count, _deal| async move { Ok(count + 1) })
        .await
        .map_err(failed("listing the deals"))?;
    let elapsed = format_elapsed(started.elapsed());

    match reported {
        Some(total) if total == count => {
            println!("counted {count} deals, {PAGE_SIZE} per page, in {elapsed}; the portal reports {total}")
        }
        Some(total) if local => {
            return Err(Failure::Check(format!(
                "counted {count} deals page by page, but the portal reports a total of {total}"
            )))
        }
        // A live portal may gain or lose deals while the pages are read.
        Some(total) => println!(
            "counted {count} deals, {PAGE_SIZE} per page, in {elapsed}; the portal reported {total} \
             before paging (deals changed meanwhile?)"
        ),
        None => println!("counted {count} deals, {PAGE_SIZE} per page, in {elapsed}; the portal reports no total"),
    }
    Ok(())
}

/// Returns the id of a record the portal returned, or a failure naming the record.
fn id_of(id: Option<i64>, what: &str) -> Result<i64, Failure> {
    id.ok_or_else(|| Failure::Check(format!("{what} has no id in the portal's answer")))
}

/// Formats a stage as `stage 2 "Кваліфікація"`, or as `stage 2` when it is
/// missing from `stages`.
fn stage_label(stages: &[KanbanStage], stage_id: Option<i64>) -> String {
    let Some(id) = stage_id else {
        return "no stage".to_owned();
    };
    match stages.iter().find(|stage| stage.id == Some(id)) {
        Some(stage) => format!("stage {id} {}", quoted(&stage.title)),
        None => format!("stage {id}"),
    }
}

fn quoted(title: &Option<String>) -> String {
    match title {
        Some(title) => format!("\"{title}\""),
        None => "(untitled)".to_owned(),
    }
}

fn format_elapsed(elapsed: Duration) -> String {
    if elapsed < Duration::from_secs(1) {
        format!("{} ms", elapsed.as_millis())
    } else {
        format!("{:.2} s", elapsed.as_secs_f64())
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
