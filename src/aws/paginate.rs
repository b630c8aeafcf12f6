//! Helpers shared by the service files: a pagination macro that reads every page, counts one
//! request per page and stops at the first error (keeping what it already read), and a small
//! builder for resource attributes that skips absent values.

use crate::model::SortedMap;

/// Sends `$request` through its SDK paginator, running `$body` for every page.
/// Evaluates to `(requests, Option<ApiError>)`.
macro_rules! paginate {
    ($request:expr, $operation:literal, $region:expr, |$page:ident| $body:block) => {{
        let mut stream = $request.into_paginator().send();
        let mut requests = 0u64;
        let mut error = None;
        while let Some(result) = stream.next().await {
            requests += 1;
            match result {
                Ok($page) => $body,
                Err(err) => {
                    error = Some($crate::aws::ApiError::from_sdk($operation, $region, err));
                    break;
                }
            }
        }
        (requests, error)
    }};
}
pub(crate) use paginate;

/// Attribute map builder.
#[derive(Debug, Default)]
pub struct Attrs(SortedMap<serde_json::Value>);

impl Attrs {
    pub fn set(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.0.insert(key.to_owned(), value.into());
        self
    }

    pub fn opt<V: Into<serde_json::Value>>(self, key: &str, value: Option<V>) -> Self {
        match value {
            Some(value) => self.set(key, value),
            None => self,
        }
    }

    pub fn into_map(self) -> SortedMap<serde_json::Value> {
        self.0
    }
}
