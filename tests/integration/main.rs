//! Integration tests: the real binary, against the moto emulator where AWS is involved.
//! One test target, so the large SDK is linked once.

mod classify;
mod cli;
mod costs;
mod moto;
mod proxy;
mod runbook;
mod scan;
mod seed;
