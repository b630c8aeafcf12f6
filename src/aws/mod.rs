//! The only code that talks to AWS. Every client comes from one [`config::Aws`]; every call is
//! a List, Describe or Get operation declared by a collector (or listed in [`policy`] for the
//! calls outside the collectors); SDK types are turned into model types here and go no further.
//! One file per AWS service under [`collectors`], listed in [`collectors::REGISTRY`].

pub mod audit;
pub mod collectors;
pub mod config;
pub mod costexplorer;
mod emulator;
pub mod errors;
pub mod identity;
mod paginate;
pub mod policy;
pub mod retry;
pub mod scanner;

pub use config::{Aws, AwsOptions};
pub use errors::{ApiError, ErrorKind};
