//! `uspacy-bench CONTENDER`: runs one workload against a local mock portal
//! and prints one JSON result line. The run specification comes as one
//! JSON object on stdin (see `spec::Spec`); `bench/driver.py` starts this
//! binary once per contender and workload.
//!
//! Contenders: `core` (the `uspacy` crate's typed API), `reqwest` (a
//! hand-written client on the same reqwest build) and `core-raw` (the
//! core's transport without decoding, for the `decode` workload only).

mod core_client;
mod measure;
mod reqwest_client;
mod spec;
mod workloads;

use std::io::Read as _;
use std::process::ExitCode;

use spec::{Report, Spec};

const USAGE: &str =
    "usage: uspacy-bench core|core-raw|reqwest < spec.json, or uspacy-bench --version";

fn read_spec() -> Result<Spec, String> {
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .map_err(|error| format!("cannot read the spec from stdin: {error}"))?;
    serde_json::from_str(&text).map_err(|error| format!("invalid spec on stdin: {error}"))
}

fn run(contender: &str, spec: &Spec) -> Result<Report, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|error| format!("cannot start the tokio runtime: {error}"))?;
    let mut report = Report {
        contender: format!("rust-{contender}"),
        language: "rust".to_owned(),
        library: match contender {
            "core" | "core-raw" => format!("uspacy {}", env!("CARGO_PKG_VERSION")),
            _ => "reqwest 0.12".to_owned(),
        },
        ..Report::default()
    };
    runtime.block_on(async {
        match contender {
            "core" => workloads::run::<core_client::Core>(spec, &mut report).await,
            "reqwest" => workloads::run::<reqwest_client::Handwritten>(spec, &mut report).await,
            "core-raw" => workloads::run::<core_client::CoreRaw>(spec, &mut report).await,
            other => Err(format!("unknown contender `{other}`; {USAGE}")),
        }
    })?;
    Ok(report)
}

fn main() -> ExitCode {
    let Some(contender) = std::env::args().nth(1) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    if contender == "--version" {
        println!("uspacy-bench {}", env!("CARGO_PKG_VERSION"));
        return ExitCode::SUCCESS;
    }
    let outcome = read_spec().and_then(|spec| run(&contender, &spec));
    match outcome {
        Ok(report) => {
            println!(
                "{}",
                serde_json::to_string(&report).expect("the report serializes")
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("uspacy-bench: {error}");
            ExitCode::FAILURE
        }
    }
}
