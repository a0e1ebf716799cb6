//! Fails when a committed generated file differs from what the operation
//! table gives today.

use std::process::Command;

#[test]
fn generated_files_match_table() {
    let output = Command::new(env!("CARGO_BIN_EXE_uspacy-codegen"))
        .arg("--check")
        .output()
        .expect("uspacy-codegen runs");
    assert!(
        output.status.success(),
        "generated files are stale:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
