//! Test support, in one place for the unit tests, the integration tests, the examples and the
//! sample scripts: resource builders, a deterministic synthetic Cost Explorer, the emulator
//! seeders and a test proxy. Compiled only with the `testkit` feature, which the package's
//! dev-dependency on itself turns on for tests and examples; `cargo build --release` never
//! compiles it, so none of it ships.

pub mod build;
pub mod cost_explorer;
pub mod proxy;
pub mod seed;
pub mod seed_bench;
pub mod seed_bench_services;
pub mod seed_data;
pub mod seed_identities;
pub mod seed_sample_apps;
pub mod seed_services;
pub mod seed_svc12;
pub mod seed_svc13;
pub mod seed_svc14;
pub mod seed_workloads;
