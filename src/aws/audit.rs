//! An SDK interceptor that records every operation the tool sends, as `Service Operation` lines,
//! to the file named by `ACCTSPLIT_AUDIT_LOG`. The integration tests use it to prove the tool
//! is read-only and needs nothing beyond its published IAM policy; users can use it to audit a
//! run. Without the variable it does nothing.

use std::fs::File;
use std::io::Write;
use std::sync::{Mutex, OnceLock};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

/// The environment variable naming the audit log file (appended to).
pub const AUDIT_LOG_ENV: &str = "ACCTSPLIT_AUDIT_LOG";

#[derive(Debug, Clone, Copy)]
pub struct AuditInterceptor;

fn log_file() -> Option<&'static Mutex<File>> {
    static LOG: OnceLock<Option<Mutex<File>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let path = std::env::var_os(AUDIT_LOG_ENV)?;
        File::options()
            .create(true)
            .append(true)
            .open(path)
            .ok()
            .map(Mutex::new)
    })
    .as_ref()
}

impl Intercept for AuditInterceptor {
    fn name(&self) -> &'static str {
        "acctsplit-audit"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let (Some(file), Some(metadata)) = (log_file(), cfg.load::<Metadata>()) {
            let mut file = file.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            writeln!(file, "{}\t{}", metadata.service(), metadata.name())?;
        }
        Ok(())
    }
}
