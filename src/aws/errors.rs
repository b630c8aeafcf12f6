//! SDK errors reduced to [`ApiError`] (defined in `crate::error`, without SDK types): the error
//! code, and whether it means access was denied, the caller was throttled, or something else
//! failed. Matched by code and error kind, never by message text.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

pub use crate::error::{ApiError, ErrorKind, kind_of_code};

impl ApiError {
    /// Reduces any SDK error to an [`ApiError`].
    pub fn from_sdk<E, R>(operation: &'static str, region: &str, err: SdkError<E, R>) -> ApiError
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        let (code, message) = match &err {
            SdkError::ServiceError(service) => {
                let inner = service.err();
                let code = inner.code().unwrap_or("UnknownServiceError").to_owned();
                (code, inner.message().unwrap_or_default().to_owned())
            }
            SdkError::ConstructionFailure(_) => ("ConstructionFailure".to_owned(), super::config::error_chain(&err)),
            SdkError::TimeoutError(_) => ("TimeoutError".to_owned(), super::config::error_chain(&err)),
            SdkError::DispatchFailure(_) => ("DispatchFailure".to_owned(), super::config::error_chain(&err)),
            SdkError::ResponseError(_) => ("ResponseError".to_owned(), super::config::error_chain(&err)),
            _ => ("UnknownError".to_owned(), super::config::error_chain(&err)),
        };
        ApiError::new(operation, region, &code, message)
    }
}
