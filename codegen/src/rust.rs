//! Emits `core/src/api/generated.rs`: one struct per namespace and one
//! typed method per operation, so the Rust API covers the whole table and
//! cannot drift from it.

use std::fmt::Write;
use std::path::PathBuf;

use uspacy::{AuthMode, BodyKind, Envelope, Paging};

use crate::model::{pascal, MethodSpec, Namespace};
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

/// The Rust type of a model name from the table.
fn model_type(name: &str) -> String {
    match name {
        "Value" => "Value".to_owned(),
        "TokenPair" => "crate::TokenPair".to_owned(),
        other => format!("crate::models::{other}"),
    }
}

/// What a method returns and which client helper decodes it.
fn result_of(method: &MethodSpec) -> (String, &'static str) {
    let op = method.op;
    let (base, is_list) = match op.returns.strip_suffix("[]") {
        Some(base) => (base, true),
        None => (op.returns, false),
    };
    let item = model_type(base);
    match op.envelope {
        Envelope::Paginated | Envelope::Cursor => (format!("Page<{item}>"), "typed_page"),
        Envelope::Array | Envelope::TimestampPaged => (format!("Vec<{item}>"), "typed_list"),
        _ if base == "TokenPair" => (item, "typed_tokens"),
        _ if is_list => (format!("Vec<{item}>"), "typed_list"),
        _ => (item, "typed_one"),
    }
}

fn takes_query(method: &MethodSpec) -> bool {
    !method.op.query.is_empty() || method.op.paging != Paging::None
}

/// The parameter list after `&self`, and the generic parameters it needs.
fn parameters(method: &MethodSpec, with_body: bool) -> (Vec<String>, Vec<&'static str>) {
    let mut params: Vec<String> = method
        .path_params
        .iter()
        .map(|name| format!("{}: impl Display", escape(name)))
        .collect();
    let mut generics = Vec::new();
    if with_body {
        match method.op.body {
            BodyKind::Json => {
                params.push("body: &B".to_owned());
                generics.push("B: Serialize + ?Sized");
            }
            BodyKind::Multipart => params.push("body: Multipart".to_owned()),
            BodyKind::None => {}
        }
    }
    if takes_query(method) {
        params.push("query: &Q".to_owned());
        generics.push("Q: Serialize + ?Sized");
    }
    (params, generics)
}

fn path_json(method: &MethodSpec) -> String {
    if method.path_params.is_empty() {
        return "Value::Null".to_owned();
    }
    let wire: Vec<&str> = method.op.path_params().collect();
    let pairs: Vec<String> = wire
        .iter()
        .zip(&method.path_params)
        .map(|(wire, ident)| format!("\"{wire}\": {}.to_string()", escape(ident)))
        .collect();
    format!("json!({{{}}})", pairs.join(", "))
}

fn query_json(method: &MethodSpec) -> &'static str {
    if takes_query(method) {
        "to_json(query, \"the query\")?"
    } else {
        "Value::Null"
    }
}

fn body_expr(method: &MethodSpec) -> &'static str {
    match method.op.body {
        BodyKind::Json => "Body::Json(to_json(body, \"the request body\")?)",
        BodyKind::Multipart => "Body::Multipart(body)",
        BodyKind::None => "Body::None",
    }
}

fn emit_method(out: &mut String, method: &MethodSpec) {
    let op = method.op;
    let (result, helper) = result_of(method);
    let (params, generics) = parameters(method, true);
    let generics = if generics.is_empty() {
        String::new()
    } else {
        format!("<{}>", generics.join(", "))
    };
    let params = std::iter::once("&self".to_owned())
        .chain(params)
        .collect::<Vec<_>>()
        .join(", ");

    writeln!(out, "    /// `{}`: `{} {}`.", op.id, op.method, op.path).unwrap();
    if op.auth == AuthMode::RefreshToken {
        writeln!(
            out,
            "    ///\n    /// Runs the client's shared refresh and returns the new pair."
        )
        .unwrap();
        writeln!(
            out,
            "    pub async fn {}(&self) -> Result<crate::TokenPair> {{",
            escape(&method.name)
        )
        .unwrap();
        writeln!(out, "        self.client.refresh().await\n    }}\n").unwrap();
        return;
    }
    writeln!(
        out,
        "    pub async fn {}{generics}({params}) -> Result<{result}> {{",
        escape(&method.name)
    )
    .unwrap();
    writeln!(out, "        let op = lookup(\"{}\")?;", op.id).unwrap();
    writeln!(
        out,
        "        self.client.{helper}(op, {}, {}, {}).await\n    }}\n",
        path_json(method),
        query_json(method),
        body_expr(method)
    )
    .unwrap();

    if let Some(iter_name) = &method.iter_name {
        let (item_result, _) = result_of(method);
        let item = item_result
            .strip_prefix("Page<")
            .or_else(|| item_result.strip_prefix("Vec<"))
            .and_then(|rest| rest.strip_suffix('>'))
            .unwrap_or(&item_result)
            .to_owned();
        let (params, generics) = parameters(method, false);
        let generics = if generics.is_empty() {
            String::new()
        } else {
            format!("<{}>", generics.join(", "))
        };
        let params = std::iter::once("&self".to_owned())
            .chain(params)
            .collect::<Vec<_>>()
            .join(", ");
        writeln!(
            out,
            "    /// Every item of `{}`, fetched page by page as the stream is consumed.",
            op.id
        )
        .unwrap();
        writeln!(
            out,
            "    pub fn {}{generics}({params}) -> Result<impl Stream<Item = Result<{item}>>> {{",
            escape(iter_name)
        )
        .unwrap();
        writeln!(out, "        let op = lookup(\"{}\")?;", op.id).unwrap();
        writeln!(
            out,
            "        Ok(self.client.typed_stream(op, {}, {}))\n    }}\n",
            path_json(method),
            query_json(method)
        )
        .unwrap();
    }
}

fn emit_namespace(out: &mut String, namespace: &Namespace) {
    let name = pascal(&namespace.path);
    writeln!(out, "/// Operations under `{}.*`.", namespace.path).unwrap();
    writeln!(
        out,
        "#[derive(Clone, Debug)]\npub struct {name} {{\n    client: Client,\n}}\n"
    )
    .unwrap();
    writeln!(out, "impl {name} {{").unwrap();
    for child in namespace.children.values() {
        emit_accessor(out, child, "self.client");
    }
    for method in &namespace.methods {
        emit_method(out, method);
    }
    let trimmed = out.trim_end().to_owned();
    out.clear();
    out.push_str(&trimmed);
    out.push_str("\n}\n\n");
}

fn emit_accessor(out: &mut String, child: &Namespace, client: &str) {
    writeln!(out, "    /// Operations under `{}.*`.", child.path).unwrap();
    writeln!(
        out,
        "    pub fn {}(&self) -> {} {{\n        {} {{ client: {client}.clone() }}\n    }}\n",
        escape(child.name()),
        pascal(&child.path),
        pascal(&child.path)
    )
    .unwrap();
}

/// The generated Rust API.
pub fn outputs(root: &Namespace) -> Vec<Output> {
    let mut out = String::new();
    out.push_str(
        "// @generated by `cargo run -p uspacy-codegen` from the operation table; do not edit.\n\
         //! Typed methods for every operation of the table, grouped the way op\n\
         //! ids are: `crm.items.list` is `client.crm().items().list(..)`.\n\
         //!\n\
         //! Path parameters take anything printable (`\"deals\"`, `42`); bodies and\n\
         //! queries take any `Serialize` value: a model, a request struct such as\n\
         //! [`crate::models::ListQuery`], or `serde_json::json!({..})`.\n\n\
         #![allow(clippy::too_many_arguments)]\n\n\
         use std::fmt::Display;\n\n\
         use futures::Stream;\n\
         use serde::Serialize;\n\
         use serde_json::{json, Value};\n\n\
         use super::to_json;\n\
         use crate::client::{lookup, Client};\n\
         use crate::error::Result;\n\
         use crate::page::Page;\n\
         use crate::request::{Body, Multipart};\n\n",
    );

    out.push_str("impl Client {\n");
    for child in root.children.values() {
        emit_accessor(&mut out, child, "self");
    }
    let trimmed = out.trim_end().to_owned();
    out = trimmed;
    out.push_str("\n}\n\n");

    let mut namespaces = Vec::new();
    root.walk(&mut |namespace| {
        if !namespace.path.is_empty() {
            namespaces.push(namespace);
        }
    });
    for namespace in namespaces {
        emit_namespace(&mut out, namespace);
    }

    vec![Output {
        path: PathBuf::from("core/src/api/generated.rs"),
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
        "rustfmt rejected the generated code:\n{source}"
    );
    String::from_utf8(output.stdout).expect("rustfmt writes UTF-8")
}
