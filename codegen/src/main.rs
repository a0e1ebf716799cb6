//! `uspacy-codegen`: writes the files each binding generates from the
//! operation table, or with `--check` fails when a committed file differs
//! from what the table gives.

mod docs;
mod migration;
mod model;
mod models;
mod python;
mod rust;
mod tests;
mod typescript;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A generated file: its path from the workspace root and its content.
pub struct Output {
    pub path: PathBuf,
    pub content: String,
}

/// Collects every emitter's outputs. Each binding adds its emitter here.
/// Fails when an emitter's input other than the operation table is invalid.
fn outputs(root: &model::Namespace) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    outputs.extend(rust::outputs(root));
    outputs.extend(python::outputs(root));
    outputs.extend(typescript::outputs(root));
    outputs.extend(tests::outputs(root));
    outputs.extend(docs::outputs(root));
    outputs.extend(migration::outputs(root)?);
    Ok(outputs)
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("codegen/ sits in the workspace root")
        .to_path_buf()
}

fn main() -> ExitCode {
    let check = std::env::args().skip(1).any(|arg| arg == "--check");
    let tree = match model::tree() {
        Ok(tree) => tree,
        Err(problems) => {
            eprintln!("the operation table cannot form namespaces:\n{problems}");
            return ExitCode::FAILURE;
        }
    };

    let outputs = match outputs(&tree) {
        Ok(outputs) => outputs,
        Err(problems) => {
            eprintln!("{problems}");
            return ExitCode::FAILURE;
        }
    };

    let root = workspace_root();
    let mut stale = Vec::new();
    for output in outputs {
        let path = root.join(&output.path);
        let current = std::fs::read_to_string(&path).ok();
        if current.as_deref() == Some(output.content.as_str()) {
            continue;
        }
        if check {
            stale.push(output.path.display().to_string());
            continue;
        }
        if let Some(parent) = path.parent() {
            if let Err(error) = std::fs::create_dir_all(parent) {
                eprintln!("could not create {}: {error}", parent.display());
                return ExitCode::FAILURE;
            }
        }
        if let Err(error) = std::fs::write(&path, &output.content) {
            eprintln!("could not write {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
        println!("wrote {}", output.path.display());
    }

    if stale.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!(
            "generated files differ from the operation table: {}\nrun `cargo run -p uspacy-codegen` and commit the result",
            stale.join(", ")
        );
        ExitCode::FAILURE
    }
}
