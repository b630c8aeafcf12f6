//! Unit-test support for the collectors of issue 13: an in-process HTTP client that answers
//! every request from a function of (method, URI, body), so a collector's second pages and
//! failed calls are tested without the emulator (which answers most list calls in one page).

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;

/// One request as the fake saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    /// The `X-Amz-Target` header of JSON protocols (`AmazonSQS.ListQueues`), if any.
    pub target: String,
    pub body: String,
}

impl Seen {
    /// A field of the query-protocol body (`Action`, `Marker`), empty when absent.
    pub fn query_field(&self, name: &str) -> &str {
        query_field(&self.body, name)
    }
}

/// A field of a query-protocol body (`Action=DescribeVpcs&NextToken=...`), empty when absent.
pub fn query_field<'a>(body: &'a str, name: &str) -> &'a str {
    body.split('&')
        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
        .unwrap_or_default()
}

type Answer = dyn Fn(&Seen) -> (u16, String) + Send + Sync;

/// Answers every request with `answer`, and keeps what it was asked.
#[derive(Clone)]
pub struct FakeHttp {
    answer: Arc<Answer>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl std::fmt::Debug for FakeHttp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FakeHttp")
    }
}

impl FakeHttp {
    pub fn new(answer: impl Fn(&Seen) -> (u16, String) + Send + Sync + 'static) -> Self {
        FakeHttp {
            answer: Arc::new(answer),
            seen: Arc::default(),
        }
    }

    /// The requests seen so far.
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl HttpConnector for FakeHttp {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let seen = Seen {
            method: request.method().to_owned(),
            uri: request.uri().to_owned(),
            target: request.headers().get("x-amz-target").unwrap_or_default().to_owned(),
            body: std::str::from_utf8(request.body().bytes().unwrap_or_default())
                .unwrap_or_default()
                .to_owned(),
        };
        let (status, body) = (self.answer)(&seen);
        self.seen.lock().unwrap().push(seen);
        let response = HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body));
        HttpConnectorFuture::ready(Ok(response))
    }
}

impl HttpClient for FakeHttp {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

/// A client of `$krate` in `$region` that sends everything to `$http` and never retries.
macro_rules! fake_client {
    ($krate:ident, $region:expr, $http:expr) => {{
        let conf = $krate::Config::builder()
            .behavior_version($krate::config::BehaviorVersion::latest())
            .region($krate::config::Region::new($region))
            .credentials_provider($krate::config::Credentials::new("a", "b", None, None, "test"))
            .retry_config($krate::config::retry::RetryConfig::disabled())
            .http_client($http.clone())
            .build();
        $krate::Client::from_conf(conf)
    }};
}
pub(crate) use fake_client;

/// Runs a future to completion on a fresh single-threaded runtime.
pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

/// A JSON-protocol access-denied answer.
pub fn denied_json() -> (u16, String) {
    (
        400,
        r#"{"__type":"AccessDeniedException","message":"not allowed"}"#.to_owned(),
    )
}
