//! The `acctsplit` binary: parse, run, print the error chain once, exit with a documented code.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a million-resource snapshot is some twenty million
/// small strings and vectors, which it packs tighter and hands out faster (on the classify
/// benchmark, about 10% less peak memory and 20% less time; see `docs/benchmarks.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
