//! The only code that talks to AWS. Every client comes from one [`config::Aws`]; every call is
//! a List, Describe or Get operation listed in [`policy::ACTIONS`]; SDK types are turned into
//! model types here and go no further.

pub mod audit;
pub mod config;
pub mod costexplorer;
pub mod ec2;
mod emulator;
pub mod errors;
pub mod identity;
mod paginate;
pub mod policy;
pub mod s3;
pub mod scanner;
pub mod tagging;

pub use config::{Aws, AwsOptions};
pub use errors::{ApiError, ErrorKind};
