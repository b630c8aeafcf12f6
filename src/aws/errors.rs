//! SDK errors reduced to what the rest of the tool needs: the error code, and whether it means
//! access was denied, the caller was throttled, or something else failed. Matched by code and
//! error kind, never by message text.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The credentials may not call this operation, or the region is not enabled.
    Denied,
    /// Throttled even after the retry policy gave up.
    Throttled,
    /// Anything else: network, timeouts, service faults, not implemented.
    Failed,
}

/// A failed AWS call, naming the operation and region.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{operation} in {region} failed: {code}{}", if message.is_empty() { String::new() } else { format!(" ({message})") })]
pub struct ApiError {
    pub operation: &'static str,
    pub region: String,
    pub kind: ErrorKind,
    /// The AWS error code, or the SDK failure kind (`DispatchFailure`, `TimeoutError`...).
    pub code: String,
    pub message: String,
}

const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthFailure",
    "OptInRequired",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
];

const THROTTLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "LimitExceededException",
    "SlowDown",
    "RequestThrottled",
];

/// Classifies an error code.
pub fn kind_of_code(code: &str) -> ErrorKind {
    if DENIED_CODES.contains(&code) {
        ErrorKind::Denied
    } else if THROTTLE_CODES.contains(&code) {
        ErrorKind::Throttled
    } else {
        ErrorKind::Failed
    }
}

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
        ApiError {
            operation,
            region: region.to_owned(),
            kind: kind_of_code(&code),
            code,
            message,
        }
    }

    pub fn is_denied(&self) -> bool {
        self.kind == ErrorKind::Denied
    }

    /// The coverage status this error gives its stream: `denied` or `failed`.
    pub fn coverage_status(&self) -> crate::model::CoverageStatus {
        if self.is_denied() {
            crate::model::CoverageStatus::Denied
        } else {
            crate::model::CoverageStatus::Failed
        }
    }

    /// `Operation: Code`, as coverage rows record it.
    pub fn coverage_detail(&self) -> String {
        format!("{}: {}", self.operation, self.code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denied_and_throttle_codes_are_classified() {
        assert_eq!(kind_of_code("AccessDenied"), ErrorKind::Denied);
        assert_eq!(kind_of_code("UnauthorizedOperation"), ErrorKind::Denied);
        assert_eq!(kind_of_code("AccessDeniedException"), ErrorKind::Denied);
        assert_eq!(kind_of_code("ThrottlingException"), ErrorKind::Throttled);
        assert_eq!(kind_of_code("RequestLimitExceeded"), ErrorKind::Throttled);
        assert_eq!(kind_of_code("InternalError"), ErrorKind::Failed);
    }
}
