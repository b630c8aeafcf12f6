//! A failed AWS call, as every stage sees it: the operation, the region, the error code and
//! whether it means access was denied, the caller was throttled, or something else failed.
//! No SDK type appears here, so `scan` and `costs` use it without knowing the SDK; the
//! conversion from SDK errors lives in `aws::errors`. Matched by code, never by message text.

use crate::model::CoverageStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The credentials may not call this operation, or the region is not enabled.
    Denied,
    /// Throttled even after the retry policy gave up.
    Throttled,
    /// Anything else: network, timeouts, service faults, not implemented.
    Failed,
    /// Not a failure: the service answered that it is not set up in this account or region
    /// (GuardDuty without a detector, AWS Config without a recorder...). The coverage row stays
    /// `ok` and its detail says `not enabled`; built with [`ApiError::not_enabled`].
    NotEnabled,
    /// Not a failure of the account's scan: the endpoint is an emulator (`--endpoint-url`) that
    /// serves no such API at all (moto has no IAM Access Analyzer), so the stream was not read.
    /// The coverage row is `skipped`, its detail says why; against AWS it never happens. Built
    /// with [`ApiError::not_served`].
    NotServed,
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

/// The coverage detail of a stream whose service is not set up (see [`ErrorKind::NotEnabled`]).
pub const NOT_ENABLED: &str = "not enabled";

/// The coverage detail of a stream the emulator does not serve (see [`ErrorKind::NotServed`]).
pub const NOT_SERVED: &str = "not served by the emulator";

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
    /// An error from its code; the kind follows from the code.
    pub fn new(operation: &'static str, region: &str, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            operation,
            region: region.to_owned(),
            kind: kind_of_code(code),
            code: code.to_owned(),
            message: message.into(),
        }
    }

    /// The answer "this service is not set up here" from `operation`: the stream's coverage row
    /// stays `ok`, with the detail `not enabled`.
    pub fn not_enabled(operation: &'static str, region: &str) -> ApiError {
        ApiError {
            operation,
            region: region.to_owned(),
            kind: ErrorKind::NotEnabled,
            code: NOT_ENABLED.to_owned(),
            message: String::new(),
        }
    }

    /// The emulator's "no such service": the stream's coverage row is `skipped`, with the detail
    /// `not served by the emulator`.
    pub fn not_served(operation: &'static str, region: &str) -> ApiError {
        ApiError {
            operation,
            region: region.to_owned(),
            kind: ErrorKind::NotServed,
            code: NOT_SERVED.to_owned(),
            message: String::new(),
        }
    }

    pub fn is_denied(&self) -> bool {
        self.kind == ErrorKind::Denied
    }

    /// True for the "not enabled" answer, which is not a failure.
    pub fn is_not_enabled(&self) -> bool {
        self.kind == ErrorKind::NotEnabled
    }

    /// The coverage status this error gives its stream: `denied` or `failed`, `ok` for a
    /// "not enabled" answer, and `skipped` for an API the emulator does not serve.
    pub fn coverage_status(&self) -> CoverageStatus {
        match self.kind {
            ErrorKind::Denied => CoverageStatus::Denied,
            ErrorKind::NotEnabled => CoverageStatus::Ok,
            ErrorKind::NotServed => CoverageStatus::Skipped,
            ErrorKind::Throttled | ErrorKind::Failed => CoverageStatus::Failed,
        }
    }

    /// `Operation: Code`, as coverage rows record it; `not enabled` for that answer, and
    /// `Operation: not served by the emulator` for an API the emulator does not serve.
    pub fn coverage_detail(&self) -> String {
        if self.is_not_enabled() {
            return NOT_ENABLED.to_owned();
        }
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

    #[test]
    fn not_enabled_is_an_ok_answer_with_its_detail() {
        let err = ApiError::not_enabled("ListDetectors", "eu-west-1");
        assert!(err.is_not_enabled() && !err.is_denied());
        assert_eq!(err.coverage_status(), CoverageStatus::Ok);
        assert_eq!(err.coverage_detail(), "not enabled");
    }

    #[test]
    fn not_served_is_a_skipped_row_that_names_the_operation() {
        let err = ApiError::not_served("ListAnalyzers", "eu-west-1");
        assert!(!err.is_not_enabled() && !err.is_denied());
        assert_eq!(err.coverage_status(), CoverageStatus::Skipped);
        assert_eq!(err.coverage_detail(), "ListAnalyzers: not served by the emulator");
    }

    #[test]
    fn new_takes_the_kind_from_the_code() {
        let err = ApiError::new("DescribeVpcs", "eu-west-1", "UnauthorizedOperation", "");
        assert!(err.is_denied());
        assert_eq!(err.coverage_status(), CoverageStatus::Denied);
        assert_eq!(err.coverage_detail(), "DescribeVpcs: UnauthorizedOperation");
        assert_eq!(
            err.to_string(),
            "DescribeVpcs in eu-west-1 failed: UnauthorizedOperation"
        );
    }
}
