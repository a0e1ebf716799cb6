//! `uspacy-mock` command: runs a mock Uspacy portal until SIGTERM or Ctrl-C.

use std::io::Write as _;
use std::net::IpAddr;
use std::process::ExitCode;

use uspacy_mock::{startup_json, MockConfig, MockServer};

const USAGE: &str = "\
Usage: uspacy-mock [OPTIONS]

Runs a local emulator of a Uspacy portal's REST API (every operation of the
SDK's table) with generated demo data, until SIGTERM or Ctrl-C.

Options:
  --host ADDR            address to bind (default 127.0.0.1)
  --port PORT            port to bind, 0 for a free one (default 0)
  --token-lifetime SECS  access-token lifetime in seconds (default 3600)
  --seed N               seed of the generated demo data (default 1)
  --deals N              number of generated deals (default 5000)
  --domain NAME          `domain` claim of issued tokens (default demo.uspacy.ua)
  --json                 print one JSON line with base_url and credentials on stdout
  -h, --help             print this help

Logs go to stderr; set RUST_LOG (e.g. RUST_LOG=debug) to change the level.";

struct Options {
    config: MockConfig,
    json: bool,
}

fn parse_value<T: std::str::FromStr>(
    flag: &str,
    value: Option<String>,
    expected: &str,
) -> Result<T, String> {
    let value = value.ok_or_else(|| format!("{flag} needs a value ({expected})"))?;
    value
        .parse()
        .map_err(|_| format!("invalid value `{value}` for {flag}: expected {expected}"))
}

/// Parses the arguments; `Ok(None)` means help was printed.
fn parse_args(args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut config = MockConfig::default();
    let mut json = false;
    let mut args = args.peekable();
    while let Some(arg) = args.next() {
        // Accept both `--flag value` and `--flag=value`.
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        match flag.as_str() {
            "-h" | "--help" => return Ok(None),
            "--json" => json = true,
            "--host" => config.host = parse_value::<IpAddr>(&flag, value(), "an IP address")?,
            "--port" => config.port = parse_value(&flag, value(), "a port number 0-65535")?,
            "--token-lifetime" => {
                config.token_lifetime_secs = parse_value(&flag, value(), "seconds")?
            }
            "--seed" => config.seed = parse_value(&flag, value(), "an unsigned integer")?,
            "--deals" => config.deals = parse_value(&flag, value(), "a count")?,
            "--domain" => {
                config.domain = value()
                    .filter(|d| !d.is_empty())
                    .ok_or("--domain needs a value")?
            }
            other => return Err(format!("unknown option `{other}`")),
        }
    }
    Ok(Some(Options { config, json }))
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

fn print_banner(server: &MockServer, json: bool) -> std::io::Result<()> {
    let mut stdout = std::io::stdout().lock();
    if json {
        writeln!(stdout, "{}", startup_json(server))?;
    } else {
        let c = server.credentials();
        writeln!(
            stdout,
            "Uspacy mock portal listening on {}",
            server.base_url()
        )?;
        writeln!(stdout, "  sign in:        {} / {}", c.email, c.password)?;
        writeln!(
            stdout,
            "  2FA sign in:    {} / {} (code {})",
            c.two_factor_email, c.two_factor_password, c.two_factor_code
        )?;
        writeln!(
            stdout,
            "  app sign in:    client_id {} / client_secret {}",
            c.client_id, c.client_secret
        )?;
        writeln!(stdout, "  webhook URL:    {}", c.webhook_url)?;
        writeln!(
            stdout,
            "  control routes: {}/__mock/ (faults, requests, tokens, credentials)",
            server.base_url()
        )?;
        writeln!(stdout, "Stop with Ctrl-C or SIGTERM.")?;
    }
    stdout.flush()
}

#[cfg(unix)]
fn wait_for_stop_signal() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
        Ok(mut signals) => {
            if let Some(signal) = signals.forever().next() {
                tracing::info!(signal, "stop signal received");
            }
        }
        Err(error) => {
            tracing::error!(%error, "cannot listen for signals; running until killed");
            loop {
                std::thread::park();
            }
        }
    }
}

#[cfg(not(unix))]
fn wait_for_stop_signal() {
    // NOTE: without unix signals the process runs until it is killed.
    loop {
        std::thread::park();
    }
}

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(error) => {
            eprintln!("uspacy-mock: {error}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    init_logging();
    let server = match MockServer::start_blocking(options.config.clone()) {
        Ok(server) => server,
        Err(error) => {
            eprintln!(
                "uspacy-mock: cannot listen on {}:{}: {error}",
                options.config.host, options.config.port
            );
            return ExitCode::FAILURE;
        }
    };
    if let Err(error) = print_banner(&server, options.json) {
        eprintln!("uspacy-mock: cannot write to stdout: {error}");
        return ExitCode::FAILURE;
    }
    wait_for_stop_signal();
    server.shutdown();
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Option<Options>, String> {
        parse_args(args.iter().map(|s| s.to_string()))
    }

    #[test]
    fn flags_set_config() {
        let options = parse(&[
            "--port",
            "0",
            "--seed=7",
            "--deals",
            "10",
            "--json",
            "--token-lifetime",
            "-5",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(options.config.seed, 7);
        assert_eq!(options.config.deals, 10);
        assert_eq!(options.config.token_lifetime_secs, -5);
        assert!(options.json);
    }

    #[test]
    fn bad_flags_rejected() {
        assert!(parse(&["--port", "http"]).is_err());
        assert!(parse(&["--port"]).is_err());
        assert!(parse(&["--frobnicate"]).is_err());
        assert!(parse(&["--help"]).unwrap().is_none());
    }
}
