//! Emits `core/tests/operations.rs`: one test per operation of the table.
//! Each test starts a mock portal and calls the operation through its typed
//! method with the arguments of `samples`. It binds the result to the
//! method's declared type and checks the request the mock recorded: method,
//! raw path, query string, body and `Authorization` header.

#[path = "samples.rs"]
mod samples;

use std::collections::HashMap;
use std::fmt::Write;
use std::path::PathBuf;

use uspacy::{AuthMode, BodyKind, Envelope, Operation, Paging};

use crate::model::{MethodSpec, Namespace};
use crate::Output;

const RUST_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "crate", "dyn", "else", "enum", "extern",
    "false", "fn", "for", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "self", "static", "struct", "super", "trait", "true", "type", "unsafe", "use",
    "where", "while", "yield",
];

fn escape(name: &str) -> String {
    if RUST_KEYWORDS.contains(&name) {
        format!("r#{name}")
    } else {
        name.to_owned()
    }
}

/// Returns a string literal of `text`: a plain one when nothing needs an
/// escape, else a raw one with as many `#` as it needs.
fn raw(text: &str) -> String {
    if !text.contains(['"', '\\']) {
        return format!("\"{text}\"");
    }
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}

/// Percent-encodes one path segment the way the core's URL builder does:
/// controls, space, `"#<>?^`{}/%\` and every non-ASCII byte.
fn encode_segment(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        let keep = byte.is_ascii_graphic() && !b"\"#<>?^`{}/%\\".contains(&byte);
        if keep {
            out.push(byte as char);
        } else {
            write!(out, "%{byte:02X}").unwrap();
        }
    }
    out
}

/// Returns the Rust type of a model name, as an integration test spells it.
fn model_type(name: &str) -> String {
    match name {
        "Value" => "Value".to_owned(),
        "TokenPair" => "uspacy::TokenPair".to_owned(),
        other => format!("uspacy::models::{other}"),
    }
}

/// What a result holds: one value, a page or a vector of items.
enum Shape {
    One,
    Page,
    List,
}

/// Returns the declared result type of the typed method of `op`.
fn result_of(op: &Operation) -> (String, Shape) {
    if op.auth == AuthMode::RefreshToken {
        return ("uspacy::TokenPair".to_owned(), Shape::One);
    }
    let (base, is_list) = match op.returns.strip_suffix("[]") {
        Some(base) => (base, true),
        None => (op.returns, false),
    };
    let item = model_type(base);
    match op.envelope {
        Envelope::Paginated | Envelope::Cursor => (format!("Page<{item}>"), Shape::Page),
        Envelope::Array | Envelope::TimestampPaged => (format!("Vec<{item}>"), Shape::List),
        _ if base == "TokenPair" => (item, Shape::One),
        _ if is_list => (format!("Vec<{item}>"), Shape::List),
        _ => (item, Shape::One),
    }
}

fn takes_query(op: &Operation) -> bool {
    !op.query.is_empty() || op.paging != Paging::None
}

/// Returns the query sample of `op`: JSON and expected query string.
fn query_of(op: &Operation) -> (&'static str, &'static str) {
    match samples::query(op.id) {
        Some(sample) => sample,
        None if op.paging == Paging::PageList => (r#"{"page":1,"list":5}"#, "page=1&list=5"),
        None => ("{}", ""),
    }
}

/// Returns the path with every placeholder replaced by its encoded sample
/// value.
fn sample_path(op: &Operation, problems: &mut Vec<String>) -> String {
    op.path
        .split('/')
        .map(|segment| {
            match segment
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) => match samples::path_param(op.id, name) {
                    Some(value) => encode_segment(value),
                    None => {
                        problems.push(format!("{}: no sample for path parameter `{name}`", op.id));
                        String::new()
                    }
                },
                None => segment.to_owned(),
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Returns the statements that build the multipart body sample.
fn form_code(form: &samples::Form) -> String {
    let mut code = String::from("let form = Multipart::default()");
    for (name, value) in form.fields {
        write!(code, ".text({name:?}, {value:?})").unwrap();
    }
    write!(
        code,
        ".attach({:?}, {:?}.as_bytes().to_vec());",
        form.filename, form.content
    )
    .unwrap();
    code
}

fn emit_test(out: &mut String, namespace: &str, method: &MethodSpec, problems: &mut Vec<String>) {
    let op = method.op;
    let test_name = op.id.replace('.', "_");
    let path = sample_path(op, problems);
    let (result_type, shape) = result_of(op);

    writeln!(out, "/// `{}`: `{} {}`.", op.id, op.method, op.path).unwrap();
    writeln!(out, "#[tokio::test]\nasync fn {test_name}() {{").unwrap();
    writeln!(out, "let (mock, client) = start().await;").unwrap();
    if let Some(setup) = samples::setup(op.id) {
        writeln!(out, "{setup}").unwrap();
    }
    writeln!(out, "mock.clear_requests();").unwrap();
    match op.auth {
        AuthMode::Session => writeln!(out, "let bearer = access_token(&client);").unwrap(),
        AuthMode::RefreshToken => writeln!(out, "let bearer = refresh_token(&client);").unwrap(),
        AuthMode::None => {}
    }

    let mut args: Vec<String> = op
        .path_params()
        .map(|name| format!("{:?}", samples::path_param(op.id, name).unwrap_or("")))
        .collect();
    let body = samples::body(op.id);
    let form = samples::form(op.id);
    match op.body {
        BodyKind::Json => match body {
            Some(body) => {
                writeln!(out, "let body = json_text({});", raw(body)).unwrap();
                args.push("&body".to_owned());
            }
            None => problems.push(format!("{}: no JSON body sample", op.id)),
        },
        BodyKind::Multipart => match form {
            Some(form) => {
                writeln!(out, "{}", form_code(form)).unwrap();
                args.push("form".to_owned());
            }
            None => problems.push(format!("{}: no multipart sample", op.id)),
        },
        BodyKind::None => {
            if body.is_some() || form.is_some() {
                problems.push(format!(
                    "{}: a body sample for an operation without body",
                    op.id
                ));
            }
        }
    }
    let (query_json, query_wire) = query_of(op);
    if takes_query(op) {
        writeln!(out, "let query = json_text({});", raw(query_json)).unwrap();
        args.push("&query".to_owned());
    } else if samples::query(op.id).is_some() {
        problems.push(format!(
            "{}: a query sample for an operation without query",
            op.id
        ));
    }

    let chain: String = namespace
        .split('.')
        .map(|part| format!(".{}()", escape(part)))
        .collect();
    let call_args = if op.auth == AuthMode::RefreshToken {
        String::new()
    } else {
        args.join(", ")
    };
    let binding = match shape {
        Shape::One => "_result",
        Shape::Page | Shape::List => "result",
    };
    writeln!(
        out,
        "let {binding}: {result_type} = client{chain}.{}({call_args}).await.expect(\"{} succeeds\");",
        escape(&method.name),
        op.id
    )
    .unwrap();
    match shape {
        Shape::Page => writeln!(
            out,
            "assert!(!result.items.is_empty(), \"{} returns items\");",
            op.id
        )
        .unwrap(),
        Shape::List => writeln!(
            out,
            "assert!(!result.is_empty(), \"{} returns items\");",
            op.id
        )
        .unwrap(),
        Shape::One => {}
    }

    writeln!(out, "let request = only_request(&mock);").unwrap();
    writeln!(out, "assert_eq!(request.method, {:?});", op.method.as_str()).unwrap();
    writeln!(out, "assert_eq!(request.path, {});", raw(&path)).unwrap();
    if query_wire.is_empty() {
        writeln!(out, "assert_eq!(request.query, None);").unwrap();
    } else {
        writeln!(
            out,
            "assert_eq!(request.query.as_deref(), Some({}));",
            raw(query_wire)
        )
        .unwrap();
    }
    match (op.body, body, form) {
        (BodyKind::Json, Some(body), _) => {
            writeln!(out, "assert_eq!(body_text(&request), {});", raw(body)).unwrap();
            writeln!(
                out,
                "assert_eq!(request.header(\"content-type\"), Some(\"application/json\"));"
            )
            .unwrap();
        }
        (BodyKind::Multipart, _, Some(form)) => {
            let fields: Vec<String> = form
                .fields
                .iter()
                .map(|(name, value)| format!("({name:?}, {value:?})"))
                .collect();
            writeln!(
                out,
                "assert_form(&request, {:?}, {:?}, {:?}, &[{}]);",
                op.file_field,
                form.filename,
                form.content,
                fields.join(", ")
            )
            .unwrap();
        }
        _ => writeln!(
            out,
            "assert!(request.body.is_empty(), \"{} sends no body\");",
            op.id
        )
        .unwrap(),
    }
    match op.auth {
        AuthMode::None => writeln!(out, "assert_eq!(request.header(\"authorization\"), None);").unwrap(),
        _ => writeln!(
            out,
            "assert_eq!(request.header(\"authorization\"), Some(format!(\"Bearer {{bearer}}\").as_str()));"
        )
        .unwrap(),
    }
    writeln!(out, "}}\n").unwrap();
}

const HEADER: &str = r#"// @generated by `cargo run -p uspacy-codegen` from the operation table and
// codegen/src/samples.rs; do not edit.
//! One test per operation of the table. Each calls the operation through
//! its typed method against a mock portal and binds the result to the
//! method's declared type. Then it checks the request the mock recorded:
//! method, raw path, query string, body and `Authorization` header.

mod common;

use serde_json::Value;
use uspacy::{Client, Multipart, Page};
use uspacy_mock::{MockConfig, MockServer, RecordedRequest};

/// Starts a small mock portal and a client signed in as its owner.
async fn start() -> (MockServer, Client) {
    let mock = common::mock_with(MockConfig {
        deals: 50,
        ..MockConfig::default()
    })
    .await;
    let client = common::password_client(&mock);
    client
        .authenticate()
        .await
        .expect("the demo owner signs in");
    (mock, client)
}

fn access_token(client: &Client) -> String {
    let tokens = client.tokens().expect("the client holds tokens");
    tokens.access_token.expose().to_owned()
}

fn refresh_token(client: &Client) -> String {
    let tokens = client.tokens().expect("the client holds tokens");
    let refresh = tokens.refresh_token.expect("sign-in returns a refresh token");
    refresh.expose().to_owned()
}

fn json_text(text: &str) -> Value {
    serde_json::from_str(text).expect("the sample is JSON")
}

/// Returns the one request the mock recorded since it was cleared.
fn only_request(mock: &MockServer) -> RecordedRequest {
    let mut requests = mock.requests();
    assert_eq!(requests.len(), 1, "exactly one request: {requests:#?}");
    requests.remove(0)
}

fn body_text(request: &RecordedRequest) -> &str {
    std::str::from_utf8(&request.body).expect("the body is UTF-8")
}

/// Checks a multipart body: its content type, each text field, and the
/// file part under `file_field` with its name and content.
fn assert_form(
    request: &RecordedRequest,
    file_field: &str,
    filename: &str,
    content: &str,
    fields: &[(&str, &str)],
) {
    let content_type = request.header("content-type").expect("a content type");
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = body_text(request);
    for (name, value) in fields {
        let part = format!("name=\"{name}\"\r\n\r\n{value}\r\n");
        assert!(body.contains(&part), "field {name} missing from {body}");
    }
    let file = format!("name=\"{file_field}\"; filename=\"{filename}\"");
    assert!(body.contains(&file), "file part {file} missing from {body}");
    assert!(body.contains(content), "file content missing from {body}");
}

"#;

/// Returns the generated per-operation tests.
pub fn outputs(root: &Namespace) -> Vec<Output> {
    let mut methods: HashMap<&str, (&str, &MethodSpec)> = HashMap::new();
    root.walk(&mut |namespace| {
        for method in &namespace.methods {
            methods.insert(method.op.id, (namespace.path.as_str(), method));
        }
    });

    let mut out = String::from(HEADER);
    let mut problems = Vec::new();
    for op in uspacy::OPERATIONS {
        match methods.get(op.id) {
            Some((namespace, method)) => emit_test(&mut out, namespace, method, &mut problems),
            None => problems.push(format!("{}: no typed method", op.id)),
        }
    }
    assert!(
        problems.is_empty(),
        "the operation tests need samples in codegen/src/samples.rs:\n{}",
        problems.join("\n")
    );

    vec![Output {
        path: PathBuf::from("core/tests/operations.rs"),
        content: rustfmt(&out),
    }]
}

/// Formats generated code the way `cargo fmt` does, so the drift check and
/// `cargo fmt --check` agree.
fn rustfmt(source: &str) -> String {
    use std::io::Write as _;
    use std::process::{Command, Stdio};

    let mut child = Command::new("rustfmt")
        .args(["--edition", "2021", "--emit", "stdout"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("rustfmt runs (rustup component add rustfmt)");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(source.as_bytes())
        .expect("rustfmt reads the generated code");
    let output = child.wait_with_output().expect("rustfmt finishes");
    assert!(
        output.status.success(),
        "rustfmt rejected the generated tests"
    );
    String::from_utf8(output.stdout).expect("rustfmt writes UTF-8")
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn segments_encode_like_the_core() {
        assert_eq!(encode_segment("deals"), "deals");
        assert_eq!(encode_segment("чай з"), "%D1%87%D0%B0%D0%B9%20%D0%B7");
        assert_eq!(encode_segment("a/b?c"), "a%2Fb%3Fc");
    }

    #[test]
    fn raw_strings_pick_enough_hashes() {
        assert_eq!(raw("plain"), "\"plain\"");
        assert_eq!(raw("a\"b"), "r#\"a\"b\"#");
        assert_eq!(raw("\"#x"), "r##\"\"#x\"##");
    }
}
