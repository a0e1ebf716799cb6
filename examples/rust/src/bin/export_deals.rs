//! Export: streams every deal of a funnel into a CSV file, page by page.
//!
//! ```text
//! cargo run --manifest-path examples/rust/Cargo.toml --bin export_deals -- \
//!     --funnel ID --out FILE [--page-size N]
//! ```
//!
//! The portal comes from `USPACY_BASE_URL` (a mock portal) or `USPACY_DOMAIN`
//! (a live one), the credentials from `USPACY_EMAIL`/`USPACY_PASSWORD`,
//! `USPACY_CLIENT_ID`/`USPACY_CLIENT_SECRET` or `USPACY_WEBHOOK_URL`, as in
//! the Python and Node.js scenarios. The export only reads. One page of deals
//! is in memory at a time; the progress bar goes to stderr.

use std::collections::HashMap;
use std::env;
use std::fs::File;
use std::io::{BufWriter, IsTerminal, Write};
use std::process::ExitCode;

use futures::TryStreamExt;
use serde_json::{json, Value};
use uspacy::Client;
use uspacy_scenarios::cli::{self, Opt};
use uspacy_scenarios::{connect, csv, exit_code};

const COLUMNS: &str = "id,title,stage_id,stage,status,amount,currency,owner,created_at";
const BAR_WIDTH: u64 = 30;
const USAGE: &str = "usage: export_deals --funnel ID --out FILE [--page-size N]";
const DETAILS: &str = "  --funnel ID      deal funnel id
  --out FILE       CSV file to write
  --page-size N    deals per request (default 100)";

struct Args {
    funnel: i64,
    out: String,
    page_size: u64,
}

fn parse_args() -> Result<Args, String> {
    let parsed = cli::parse(
        env::args().skip(1),
        &[
            Opt::Value("--funnel"),
            Opt::Value("--out"),
            Opt::Value("--page-size"),
        ],
        USAGE,
        DETAILS,
    )?;
    if let Some(extra) = parsed.positionals.first() {
        return Err(format!("unknown argument {extra}; {USAGE}"));
    }
    let page_size = match parsed.value("--page-size") {
        None => 100,
        Some(text) => text
            .parse()
            .ok()
            .filter(|size| *size >= 1)
            .ok_or("--page-size must be at least 1".to_owned())?,
    };
    match (parsed.integer("--funnel")?, parsed.value("--out")) {
        (Some(funnel), Some(out)) => Ok(Args {
            funnel,
            out: out.to_owned(),
            page_size,
        }),
        _ => Err(USAGE.to_owned()),
    }
}

/// Returns a field as CSV text: strings as they are, numbers as written, null as empty.
fn cell_of(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => csv::quote(text),
        Some(other) => csv::quote(&other.to_string()),
    }
}

/// Redraws the bar in place on a terminal; elsewhere prints a line per quarter done.
fn draw_progress(done: u64, total: u64, previous: u64) {
    let filled = (BAR_WIDTH * done).checked_div(total).unwrap_or(BAR_WIDTH);
    let bar = format!(
        "[{}{}] {done}/{total}",
        "#".repeat(filled as usize),
        ".".repeat((BAR_WIDTH - filled) as usize)
    );
    let stderr = std::io::stderr();
    if stderr.is_terminal() {
        eprint!("\r{bar}");
    } else if total > 0 && 4 * done / total > 4 * previous / total {
        eprintln!("{bar}");
    }
}

async fn export(client: &Client, args: &Args) -> Result<u64, String> {
    let stages: HashMap<i64, String> = client
        .crm()
        .kanban_stages()
        .list("deals", &json!({ "funnel_id": args.funnel }))
        .await
        .map_err(|error| {
            format!(
                "listing the stages of funnel {} failed: {error}",
                args.funnel
            )
        })?
        .into_iter()
        .filter_map(|stage| Some((stage.id?, stage.title.unwrap_or_default())))
        .collect();
    // A one-item page gives the total for the progress bar.
    let first = client
        .crm()
        .items()
        .list("deals", &json!({ "list": 1, "funnel_id": args.funnel }))
        .await
        .map_err(|error| format!("reading the number of deals failed: {error}"))?;
    let total = first.meta.and_then(|meta| meta.total).unwrap_or(0);

    let file =
        File::create(&args.out).map_err(|error| format!("cannot create {}: {error}", args.out))?;
    let mut out = BufWriter::new(file);
    let write_failed = |error: std::io::Error| format!("writing {} failed: {error}", args.out);
    writeln!(out, "{COLUMNS}").map_err(write_failed)?;

    let deals = client
        .crm()
        .items()
        .iter(
            "deals",
            &json!({ "list": args.page_size, "funnel_id": args.funnel }),
        )
        .map_err(|error| format!("listing the deals failed: {error}"))?;
    futures::pin_mut!(deals);
    let (mut written, mut drawn) = (0u64, 0u64);
    while let Some(deal) = deals
        .try_next()
        .await
        .map_err(|error| format!("listing the deals failed after {written} deals: {error}"))?
    {
        let amount = deal.fields.get("amount");
        let stage = deal
            .kanban_stage_id
            .and_then(|id| stages.get(&id))
            .cloned()
            .unwrap_or_default();
        let row = [
            deal.id.map(|id| id.to_string()).unwrap_or_default(),
            csv::quote(deal.title.as_deref().unwrap_or("")),
            deal.kanban_stage_id
                .map(|id| id.to_string())
                .unwrap_or_default(),
            csv::quote(&stage),
            csv::quote(deal.kanban_status.as_deref().unwrap_or("")),
            cell_of(amount.and_then(|money| money.get("value"))),
            cell_of(amount.and_then(|money| money.get("currency"))),
            deal.owner.map(|id| id.to_string()).unwrap_or_default(),
            deal.created_at.map(|at| at.to_string()).unwrap_or_default(),
        ];
        writeln!(out, "{}", row.join(",")).map_err(write_failed)?;
        written += 1;
        if written % args.page_size == 0 || written == total {
            draw_progress(written, total.max(written), drawn);
            drawn = written;
        }
    }
    out.flush().map_err(write_failed)?;
    if std::io::stderr().is_terminal() {
        eprintln!();
    }
    Ok(written)
}

#[tokio::main]
async fn main() -> ExitCode {
    exit_code(
        async {
            let args = parse_args()?;
            let client = connect()?.client;
            let written = export(&client, &args).await?;
            println!(
                "exported {written} deals of funnel {} to {}",
                args.funnel, args.out
            );
            Ok(())
        }
        .await,
    )
}
