//! The `uspacy-mock` binary: the `--json` start-up line, serving, and a
//! clean exit on SIGTERM.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

const BINARY: &str = env!("CARGO_BIN_EXE_uspacy-mock");

/// Kills the child when a test fails before its own cleanup.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Running, Value) {
    let mut child = Command::new(BINARY)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let stdout = child.stdout.take().expect("piped stdout");
    let running = Running(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("a start-up line");
    let value: Value = serde_json::from_str(line.trim_end())
        .unwrap_or_else(|e| panic!("not JSON ({e}): {line:?}"));
    (running, value)
}

#[test]
fn json_line_then_serves_and_stops() {
    let (mut running, info) = spawn(&[
        "--port",
        "0",
        "--json",
        "--deals",
        "30",
        "--token-lifetime",
        "120",
    ]);
    let base = info["base_url"].as_str().expect("base_url");
    assert!(base.starts_with("http://127.0.0.1:"));
    for key in [
        "email",
        "password",
        "client_id",
        "client_secret",
        "webhook_key",
        "webhook_url",
        "two_factor_email",
        "two_factor_password",
        "two_factor_code",
    ] {
        assert!(
            info[key].is_string(),
            "{key} missing from the start-up line"
        );
    }
    assert_eq!(
        info["webhook_url"].as_str().unwrap(),
        format!(
            "{base}/company/v1/incoming_webhooks/run/{}",
            info["webhook_key"].as_str().unwrap()
        )
    );

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let http = reqwest::Client::builder().no_proxy().build().unwrap();
        let signed_in: Value = http
            .post(format!("{base}/auth/v1/auth/sign_in"))
            .json(&json!({"email": info["email"], "password": info["password"]}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(signed_in["expireInSeconds"], 120);
        let deals: Value = http
            .get(format!(
                "{}/crm/v1/entities/deals",
                info["webhook_url"].as_str().unwrap()
            ))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(deals["meta"]["total"], 30);
    });

    #[cfg(unix)]
    {
        let status = Command::new("kill")
            .args(["-TERM", &running.0.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let exit = running.0.wait().expect("the binary exits");
        assert_eq!(exit.code(), Some(0), "SIGTERM exits cleanly");
    }
}

#[test]
fn human_banner_lists_credentials() {
    let mut child = Command::new(BINARY)
        .args(["--port", "0", "--deals", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let running = Running(child);
    let mut lines = BufReader::new(stdout).lines();
    let first = lines.next().unwrap().unwrap();
    assert!(first.contains("http://127.0.0.1:"), "{first}");
    let rest: Vec<String> = lines.take(4).map(Result::unwrap).collect();
    let text = rest.join("\n");
    for needle in [
        "admin@demo.uspacy.ua",
        "demo-app",
        "incoming_webhooks/run/",
        "123456",
    ] {
        assert!(text.contains(needle), "{needle} missing from:\n{text}");
    }
    drop(running);
}

#[test]
fn help_and_bad_flags() {
    let help = Command::new(BINARY).arg("--help").output().unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("--token-lifetime"));

    let bad = Command::new(BINARY)
        .args(["--port", "not-a-port"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--port"));
}
