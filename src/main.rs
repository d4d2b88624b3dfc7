//! secdash: parse the command line and hand it to `run`, which resolves the config and runs
//! the dashboard, one snapshot or a verb.

use clap::Parser;
use secdash::cli::Cli;
use secdash::cli::exit;
use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version are not errors; bad arguments are fatal (exit 1).
            let code = if e.use_stderr() {
                exit::FATAL
            } else {
                exit::OK
            };
            let _ = e.print();
            return ExitCode::from(code as u8);
        }
    };
    match secdash::run::main(cli) {
        Ok(code) => ExitCode::from(code as u8),
        Err(e) => {
            // A closed terminal (a hang-up) is no reason to panic.
            let _ = writeln!(std::io::stderr(), "secdash: {e:#}");
            ExitCode::from(exit::FATAL as u8)
        }
    }
}
