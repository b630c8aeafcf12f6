//! One function per subcommand: turns command-line arguments into validated settings, wires
//! the stages together, and decides the outcome. The only place besides `main` that uses
//! `anyhow` and adds context to errors.

mod assess;
mod classify;
mod costs;
mod runbook;
mod scan;

use std::process::ExitCode;

use crate::aws::AwsOptions;
use crate::cli::{Cli, Command, GlobalArgs};
use crate::progress::Progress;

/// How a run ended; each maps to a documented exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Everything asked for was done.
    Complete,
    /// Finished and wrote its files, but something was denied or failed (see the coverage).
    Incomplete,
    /// Bad input, no credentials, nothing written.
    Error,
}

impl Outcome {
    pub fn code(self) -> u8 {
        match self {
            Outcome::Complete => 0,
            Outcome::Incomplete => 1,
            Outcome::Error => 2,
        }
    }

    pub fn exit_code(self) -> ExitCode {
        ExitCode::from(self.code())
    }

    /// The worse of two outcomes.
    pub fn and(self, other: Outcome) -> Outcome {
        if self.code() >= other.code() { self } else { other }
    }
}

/// Settings every subcommand shares.
#[derive(Clone)]
pub struct Context {
    pub aws: AwsOptions,
    pub progress: Progress,
}

impl Context {
    fn from_args(global: &GlobalArgs) -> Context {
        Context {
            aws: AwsOptions {
                profile: global.profile.clone(),
                region: global.region.clone(),
                endpoint_url: global.endpoint_url.clone().filter(|url| !url.is_empty()),
            },
            progress: Progress::new(global.quiet),
        }
    }
}

/// Runs one command line.
pub fn run(cli: Cli) -> anyhow::Result<Outcome> {
    let ctx = Context::from_args(&cli.global);
    match cli.command {
        Command::Scan(args) => scan::run(&ctx, args),
        Command::Classify(args) => classify::run(&ctx, args),
        Command::Costs(args) => costs::run(&ctx, args),
        Command::Runbook(args) => runbook::run(&ctx, args),
        Command::Assess(args) => assess::run(&ctx, args),
        Command::Rules(args) => classify::rules(&ctx, args),
        Command::IamPolicy => {
            print!("{}", crate::aws::policy::policy_json());
            Ok(Outcome::Complete)
        }
    }
}

/// A Tokio runtime for the stages that call AWS.
fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    use anyhow::Context as _;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outcomes_map_to_documented_exit_codes() {
        assert_eq!(Outcome::Complete.code(), 0);
        assert_eq!(Outcome::Incomplete.code(), 1);
        assert_eq!(Outcome::Error.code(), 2);
    }

    /// Clap stops at the command line: `cli.rs` defines it, `main.rs` parses with it, and this
    /// module turns it into validated settings. Everything else takes those settings.
    #[test]
    fn nothing_below_app_imports_clap_or_the_cli_types() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut offenders = Vec::new();
        let mut dirs = vec![src.clone()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                let relative = path.strip_prefix(&src).unwrap().to_string_lossy().replace('\\', "/");
                if path.is_dir() {
                    if relative != "app" {
                        dirs.push(path);
                    }
                    continue;
                }
                if ["cli.rs", "main.rs", "app.rs"].contains(&relative.as_str()) {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for (n, line) in text.lines().enumerate() {
                    let code = line.split("//").next().unwrap_or_default();
                    if code.contains("clap") || code.contains("crate::cli") {
                        offenders.push(format!("src/{relative}:{}: {}", n + 1, line.trim()));
                    }
                }
            }
        }
        assert!(
            offenders.is_empty(),
            "clap below the app layer:\n{}",
            offenders.join("\n")
        );
    }

    #[test]
    fn and_keeps_the_worse_outcome() {
        assert_eq!(Outcome::Complete.and(Outcome::Incomplete), Outcome::Incomplete);
        assert_eq!(Outcome::Incomplete.and(Outcome::Complete), Outcome::Incomplete);
        assert_eq!(Outcome::Error.and(Outcome::Incomplete), Outcome::Error);
    }
}
