//! What the workload and governance collectors (CloudFormation, ECS, EKS, EFS, Auto Scaling,
//! ElastiCache, the governance facts) share: building a regional resource from its ARN, turning
//! tags into the sorted map, and reducing several errors of one unit to the one its coverage row
//! records.

use crate::aws::ApiError;
use crate::aws::paginate::Attrs;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::arn;

/// Where a regional resource is and what it is called: its ARN, region, id and a name to use
/// when it has no `Name` tag.
pub struct Ident<'a> {
    pub arn: &'a str,
    pub region: &'a str,
    pub id: &'a str,
    pub name: Option<&'a str>,
}

/// A regional resource: its `service` and `resource_type` come from the ARN, as the Tagging API's
/// would, so the two merge into one; the name is the `Name` tag, else `ident.name`.
pub fn resource(
    ident: Ident<'_>,
    tags: SortedMap<String>,
    source: Source,
    attrs: Attrs,
    relations: Vec<Relation>,
) -> Resource {
    let (service, resource_type) = match arn::parse(ident.arn) {
        Some(parts) => (parts.service, parts.resource_type),
        None => (String::new(), String::new()),
    };
    let mut resource = Resource {
        arn: ident.arn.to_owned(),
        service,
        resource_type,
        region: Some(ident.region.to_owned()),
        id: ident.id.to_owned(),
        name: tags.get("Name").cloned().or_else(|| ident.name.map(str::to_owned)),
        tags,
        sources: vec![source],
        relations,
        attributes: attrs.into_map(),
    };
    resource.normalize();
    resource
}

/// Key-value pairs as a tag map; pairs without a key are dropped.
pub fn tag_map<'a>(pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>) -> SortedMap<String> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k?.to_owned(), v.unwrap_or_default().to_owned())))
        .collect()
}

/// The tag map of an SDK answer that carries its tags as a map (EKS, GuardDuty, Access
/// Analyzer); `None` (no tags in the answer) gives an empty map.
pub fn tags_of(map: Option<&std::collections::HashMap<String, String>>) -> SortedMap<String> {
    map.into_iter().flatten().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// The denied error if any (it decides the coverage status), else the first failure, else a
/// "not enabled" answer (which leaves the coverage row `ok`).
pub fn first_error(mut errors: Vec<ApiError>) -> Option<ApiError> {
    let denied = errors.iter().position(ApiError::is_denied);
    let failed = errors.iter().position(|e| !e.is_not_enabled());
    match denied.or(failed) {
        Some(i) => Some(errors.swap_remove(i)),
        None => errors.into_iter().next(),
    }
}

/// The region a global API that lives in us-east-1 (CloudFront, Route 53 Domains) is called in:
/// us-east-1 for a home region of the `aws` partition, else the home region itself.
pub fn global_api_region(home: &str) -> &str {
    if arn::partition_of(home) == "aws" {
        "us-east-1"
    } else {
        home
    }
}

/// An RFC 3339 date, as the inventory records dates.
pub fn date(value: Option<&aws_smithy_types::DateTime>) -> Option<String> {
    value.and_then(|d| d.fmt(aws_smithy_types::date_time::Format::DateTime).ok())
}

/// `in-subnet` and `has-security-group` relations for a list of subnet and security group ids.
pub fn network_relations<'a>(
    region: &str,
    account: &str,
    subnets: impl IntoIterator<Item = &'a str>,
    security_groups: impl IntoIterator<Item = &'a str>,
) -> Vec<Relation> {
    let mut out: Vec<Relation> = subnets
        .into_iter()
        .filter(|id| !id.is_empty())
        .map(|id| Relation::new("in-subnet", arn::ec2(region, account, "subnet", id)))
        .collect();
    out.extend(
        security_groups
            .into_iter()
            .filter(|id| !id.is_empty())
            .map(|id| Relation::new("has-security-group", arn::ec2(region, account, "security-group", id))),
    );
    out
}

/// An in-process fake HTTP client for the collectors' unit tests (second pages, "not enabled"
/// answers, denied calls): every request is answered by a function of its operation and body.
#[cfg(test)]
pub mod fake {
    use std::sync::Arc;

    use aws_smithy_runtime_api::client::http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
    use aws_smithy_types::body::SdkBody;

    /// What a fake is asked: the operation (from the `X-Amz-Target` header of JSON protocols,
    /// the `Action` field of query protocols, else the method and path) and the body.
    #[derive(Debug, Clone)]
    pub struct Call {
        pub operation: String,
        pub body: String,
    }

    impl Call {
        /// True when the request carries a continuation token `page2` (JSON or query form).
        pub fn second_page(&self) -> bool {
            self.body.contains("page2")
        }
    }

    type Answer = dyn Fn(&Call) -> (u16, String) + Send + Sync;

    #[derive(Clone)]
    struct Fake(Arc<Answer>);

    impl std::fmt::Debug for Fake {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("Fake")
        }
    }

    fn call_of(request: &HttpRequest) -> Call {
        let body = std::str::from_utf8(request.body().bytes().unwrap_or_default())
            .unwrap_or_default()
            .to_owned();
        let target = request
            .headers()
            .get("x-amz-target")
            .map(|t| t.rsplit('.').next().unwrap_or(t).to_owned());
        let action = body
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .map(str::to_owned);
        let operation = target
            .or(action)
            .unwrap_or_else(|| format!("{} {}", request.method(), request.uri()));
        Call { operation, body }
    }

    impl HttpConnector for Fake {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let (status, body) = (self.0)(&call_of(&request));
            let mut response = HttpResponse::new(status.try_into().unwrap(), SdkBody::from(body));
            response.headers_mut().insert("content-type", "application/json");
            HttpConnectorFuture::ready(Ok(response))
        }
    }

    impl HttpClient for Fake {
        fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
            SharedHttpConnector::new(self.clone())
        }
    }

    /// An HTTP client that answers every request with `answer`.
    pub fn http(answer: impl Fn(&Call) -> (u16, String) + Send + Sync + 'static) -> SharedHttpClient {
        SharedHttpClient::new(Fake(Arc::new(answer)))
    }

    /// Runs a future to completion on a fresh single-threaded runtime.
    pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(future)
    }

    /// Builds a client of an SDK crate that talks to [`http`], in `eu-west-1`, without retries.
    macro_rules! fake_client {
        ($krate:ident, $answer:expr) => {{
            let conf = $krate::Config::builder()
                .behavior_version($krate::config::BehaviorVersion::latest())
                .region($krate::config::Region::new("eu-west-1"))
                .credentials_provider($krate::config::Credentials::new("a", "b", None, None, "test"))
                .retry_config($krate::config::retry::RetryConfig::disabled())
                .http_client($crate::aws::collectors::common::fake::http($answer))
                .build();
            $krate::Client::from_conf(conf)
        }};
    }
    pub(crate) use fake_client;
}
