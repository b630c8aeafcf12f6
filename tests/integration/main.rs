//! Integration tests: the real binary, against the moto emulator where AWS is involved.
//! One test target, so the large SDK is linked once.

mod assess;
mod classify;
mod cli;
mod costs;
mod hostile;
mod moto;
mod replication;
mod runbook;
mod safe_outputs;
mod scan;
mod scan_services;
mod seeders;
mod services;
mod svc12b;
mod svc13b;
mod svc14b;
mod test_proxy;
mod workloads;

// The test kit's seeders and proxy, under the names the tests use.
use acctsplit::testkit::{proxy, seed};
