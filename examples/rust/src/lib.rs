//! Shared pieces of the Rust scenarios in `src/bin/`: the command line, the
//! client from the USPACY_* variables, the write guard, list-field options
//! and CSV. The Python and Node.js scenarios keep theirs in `common.py` and
//! `common.mjs`.

use std::process::ExitCode;

pub mod cli;
pub mod csv;
pub mod portal;

pub use portal::{connect, may_write, Portal};

/// Turns a scenario's result into its exit status, printing an error as
/// `error: MESSAGE` on stderr as the Python and Node.js scenarios do.
pub fn exit_code(result: Result<(), String>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
