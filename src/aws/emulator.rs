//! Compatibility with the moto emulator, installed only when `--endpoint-url` is in use.
//!
//! moto 5.2 answers S3 GetBucketVersioning with the root element `GetBucketVersioningResponse`
//! where S3 sends `VersioningConfiguration`, and the SDK rejects the document. This interceptor
//! reads the status from such a body and gives the SDK the output AWS would have produced.
//! Against AWS it never matches, so it changes nothing.

use aws_sdk_s3::operation::get_bucket_versioning::GetBucketVersioningOutput;
use aws_sdk_s3::types::BucketVersioningStatus;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextMut;
use aws_smithy_runtime_api::client::interceptors::context::Output;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

#[derive(Debug, Clone, Copy)]
pub struct MotoVersioningFix;

/// The `Status` of a moto versioning body, `Some(None)` when it has none, `None` when the
/// body is not moto's form.
pub fn moto_versioning_status(body: &str) -> Option<Option<&str>> {
    if !body.contains("<GetBucketVersioningResponse") {
        return None;
    }
    let status = body
        .split_once("<Status>")
        .and_then(|(_, rest)| rest.split_once("</Status>"))
        .map(|(s, _)| s.trim());
    Some(status)
}

impl Intercept for MotoVersioningFix {
    fn name(&self) -> &'static str {
        "acctsplit-moto-versioning"
    }

    fn modify_before_attempt_completion(
        &self,
        context: &mut FinalizerInterceptorContextMut<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if cfg.load::<Metadata>().is_none_or(|m| m.name() != "GetBucketVersioning") {
            return Ok(());
        }
        if !matches!(context.output_or_error(), Some(Err(_))) {
            return Ok(());
        }
        let status = context
            .response()
            .filter(|r| r.status().is_success())
            .and_then(|r| r.body().bytes())
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .and_then(moto_versioning_status)
            .map(|status| status.map(BucketVersioningStatus::from));
        if let (Some(status), Some(slot)) = (status, context.output_or_error_mut()) {
            let output = GetBucketVersioningOutput::builder().set_status(status).build();
            *slot = Ok(Output::erase(output));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_status_from_moto_bodies_only() {
        let empty = r#"<?xml version="1.0"?><GetBucketVersioningResponse xmlns="x"/>"#;
        assert_eq!(moto_versioning_status(empty), Some(None));
        let on = r#"<GetBucketVersioningResponse><Status>Enabled</Status></GetBucketVersioningResponse>"#;
        assert_eq!(moto_versioning_status(on), Some(Some("Enabled")));
        let aws = r#"<VersioningConfiguration><Status>Enabled</Status></VersioningConfiguration>"#;
        assert_eq!(moto_versioning_status(aws), None);
    }
}
