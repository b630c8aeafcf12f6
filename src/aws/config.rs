//! One SDK configuration for the whole run: profile, home region, endpoint override and the
//! retry policy of [`super::retry`], so throttling slows a run down instead of aborting it.
//! Service clients are derived from it, one per (service, region), each with its own retry
//! partition and pacer, and cached; the service files say how to build theirs ([`ServiceClient`]).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aws_config::BehaviorVersion;
use aws_smithy_runtime_api::client::http::SharedHttpClient;
use aws_types::SdkConfig;
use aws_types::region::Region;

/// How to reach AWS, from the global command-line options.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// Home region for global calls.
    pub region: String,
    /// Endpoint override for local emulators (also `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
}

pub use crate::costs::api::COST_EXPLORER_REGION;

/// Errors getting ready to call AWS.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no AWS credentials found ({0}); set AWS_PROFILE or --profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )]
    NoCredentials(String),
}

/// The shared SDK configuration and a cache of service clients, one per (service, region).
#[derive(Clone)]
pub struct Aws {
    sdk: SdkConfig,
    home_region: String,
    emulator: bool,
    /// The HTTP client every service client's pacer wraps (one connection pool for the run).
    http: SharedHttpClient,
    clients: Arc<Mutex<ClientCache>>,
}

type ClientCache = HashMap<(TypeId, String), Box<dyn Any + Send + Sync>>;

impl std::fmt::Debug for Aws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Aws")
            .field("home_region", &self.home_region)
            .field("emulator", &self.emulator)
            .finish_non_exhaustive()
    }
}

impl Aws {
    /// Loads the standard credential and config chain once.
    pub async fn load(options: &AwsOptions) -> Aws {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(options.region.clone()))
            .retry_config(super::retry::retry_config());
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &options.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        Aws::from_sdk_config(loader.load().await, options, super::retry::default_http_client())
    }

    /// An [`Aws`] from a ready SDK configuration and the HTTP client its pacers wrap (tests build
    /// both without the credential chain or a network).
    pub fn from_sdk_config(sdk: SdkConfig, options: &AwsOptions, http: SharedHttpClient) -> Aws {
        Aws {
            sdk,
            home_region: options.region.clone(),
            emulator: options.endpoint_url.is_some(),
            http,
            clients: Arc::default(),
        }
    }

    /// Fails early, with a message a person can act on, when no credentials can be found.
    pub async fn check_credentials(&self) -> Result<(), ConfigError> {
        use aws_credential_types::provider::ProvideCredentials;
        let Some(provider) = self.sdk.credentials_provider() else {
            return Err(ConfigError::NoCredentials("no credential provider configured".into()));
        };
        provider.provide_credentials().await.map(|_| ()).map_err(|e| {
            // The chain's message lists every provider it tried, one a line: keep one line,
            // without the trailing list.
            let text = error_chain(&e);
            let first = text.lines().next().unwrap_or_default();
            ConfigError::NoCredentials(
                first
                    .trim_end_matches("Attempted:")
                    .trim_end()
                    .trim_end_matches('.')
                    .to_owned(),
            )
        })
    }

    pub fn home_region(&self) -> &str {
        &self.home_region
    }

    /// The shared SDK configuration every client is built from.
    pub fn sdk_config(&self) -> &SdkConfig {
        &self.sdk
    }

    /// The HTTP client of one new service client: the run's connection pool behind a pacer of
    /// its own, and the interceptor that feeds that pacer (see [`super::retry`]).
    pub fn paced_http(&self) -> (super::retry::PacedHttpClient, super::retry::ThrottleObserver) {
        let pacer = Arc::new(super::retry::Pacer::default());
        (
            super::retry::PacedHttpClient {
                inner: self.http.clone(),
                pacer: Arc::clone(&pacer),
            },
            super::retry::ThrottleObserver(pacer),
        )
    }

    /// True when `--endpoint-url` points the tool at an emulator.
    pub fn emulator(&self) -> bool {
        self.emulator
    }

    /// The client of one service in one region: built on first use, then shared.
    pub fn client<C: ServiceClient>(&self, region: &str) -> C {
        let key = (TypeId::of::<C>(), region.to_owned());
        let mut map = self.clients.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = map.entry(key).or_insert_with(|| Box::new(C::build(self, region)));
        entry
            .downcast_ref::<C>()
            .expect("the cache key holds the client's type")
            .clone()
    }
}

/// A service client the tool builds from the one [`SdkConfig`], once per region: with that
/// region, the audit interceptor, a retry partition of its own (see [`retry_partition_name`])
/// and a pacer of its own (see [`super::retry`]).
/// Each service file implements it for its client, usually with [`service_client!`].
pub trait ServiceClient: Clone + Send + Sync + 'static {
    /// The service part of the retry partition name: `ec2`, `s3`...
    const SERVICE: &'static str;
    fn build(aws: &Aws, region: &str) -> Self;
}

/// The retry partition of one (service, region). The SDK's default partition is per service,
/// shared by every region, so throttling in one region would slow all the others down: each
/// (service, region) gets its own partition (with no retry quota) and its own pacer instead.
pub fn retry_partition_name(service: &str, region: &str) -> String {
    format!("acctsplit-{service}-{region}")
}

/// Implements [`ServiceClient`] for `$krate::Client`; the optional closure adjusts the config
/// builder (S3's path-style addressing, for example).
macro_rules! service_client {
    ($krate:ident, $service:literal) => {
        $crate::aws::config::service_client!($krate, $service, |builder, _aws| builder);
    };
    ($krate:ident, $service:literal, |$builder:ident, $aws:ident| $adjust:expr) => {
        impl $crate::aws::config::ServiceClient for $krate::Client {
            const SERVICE: &'static str = $service;
            fn build(aws: &$crate::aws::Aws, region: &str) -> Self {
                let $aws = aws;
                let (http, observer) = aws.paced_http();
                let $builder = $krate::config::Builder::from(aws.sdk_config())
                    .region(::aws_types::region::Region::new(region.to_owned()))
                    .retry_partition($crate::aws::retry::retry_partition(
                        $crate::aws::config::retry_partition_name($service, region),
                    ))
                    .http_client(http)
                    .interceptor(observer)
                    .interceptor($crate::aws::audit::AuditInterceptor);
                $krate::Client::from_conf($adjust.build())
            }
        }
    };
}
pub(crate) use service_client;

/// Joins an error and its sources with `: `.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        let part = inner.to_string();
        if !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        source = inner.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_cached_client_per_service_and_region_each_with_its_own_retry_partition() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let aws = Aws::load(&AwsOptions {
                region: "us-east-1".into(),
                ..Default::default()
            })
            .await;
            let east: aws_sdk_ec2::Client = aws.client("us-east-1");
            let west: aws_sdk_ec2::Client = aws.client("eu-west-1");
            let s3_west: aws_sdk_s3::Client = aws.client("eu-west-1");
            let partition = |p: Option<&aws_sdk_ec2::config::retry::RetryPartition>| p.unwrap().to_string();
            assert_eq!(partition(east.config().retry_partition()), "acctsplit-ec2-us-east-1");
            assert_eq!(partition(west.config().retry_partition()), "acctsplit-ec2-eu-west-1");
            assert_eq!(partition(s3_west.config().retry_partition()), "acctsplit-s3-eu-west-1");
            assert_eq!(west.config().region().map(|r| r.as_ref()), Some("eu-west-1"));
            let _again: aws_sdk_ec2::Client = aws.client("eu-west-1");
            assert_eq!(
                aws.clients.lock().unwrap().len(),
                3,
                "clients are built once and cached"
            );
        });
    }
}
