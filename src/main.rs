//! The `acctsplit` binary: parse, run, print the error chain once, exit with a documented code.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = acctsplit::cli::Cli::parse();
    match acctsplit::app::run(cli) {
        Ok(outcome) => outcome.exit_code(),
        Err(err) => {
            eprintln!("error: {err:#}");
            acctsplit::app::Outcome::Error.exit_code()
        }
    }
}
