//! One SDK configuration for the whole run: profile, home region, endpoint override and an
//! adaptive retry policy, so throttling slows a run down instead of aborting it. Service
//! clients are derived from it, one per region where the service is regional.

use aws_config::BehaviorVersion;
use aws_config::retry::RetryConfig;
use aws_types::SdkConfig;
use aws_types::region::Region;

use super::audit::AuditInterceptor;

/// How to reach AWS, from the global command-line options.
#[derive(Debug, Clone, Default)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// Home region for global calls.
    pub region: String,
    /// Endpoint override for local emulators (also `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
}

/// Cost Explorer answers only in us-east-1.
pub const COST_EXPLORER_REGION: &str = "us-east-1";

/// Attempts per call, the first included, before a throttled or failing call is given up.
const MAX_ATTEMPTS: u32 = 10;

/// Errors getting ready to call AWS.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "no AWS credentials found ({0}); set AWS_PROFILE or --profile, run `aws sso login`, or export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
    )]
    NoCredentials(String),
}

/// The shared SDK configuration and a factory for service clients.
#[derive(Debug, Clone)]
pub struct Aws {
    sdk: SdkConfig,
    home_region: String,
    emulator: bool,
}

impl Aws {
    /// Loads the standard credential and config chain once.
    pub async fn load(options: &AwsOptions) -> Aws {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(options.region.clone()))
            .retry_config(RetryConfig::adaptive().with_max_attempts(MAX_ATTEMPTS));
        if let Some(profile) = &options.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &options.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        Aws {
            sdk: loader.load().await,
            home_region: options.region.clone(),
            emulator: options.endpoint_url.is_some(),
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

    pub fn ec2(&self, region: &str) -> aws_sdk_ec2::Client {
        let conf = aws_sdk_ec2::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_owned()))
            .interceptor(AuditInterceptor)
            .build();
        aws_sdk_ec2::Client::from_conf(conf)
    }

    pub fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let mut conf = aws_sdk_s3::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_owned()))
            .force_path_style(self.emulator)
            .interceptor(AuditInterceptor);
        if self.emulator {
            conf = conf.interceptor(super::emulator::MotoVersioningFix);
        }
        let conf = conf.build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    pub fn tagging(&self, region: &str) -> aws_sdk_resourcegroupstagging::Client {
        let conf = aws_sdk_resourcegroupstagging::config::Builder::from(&self.sdk)
            .region(Region::new(region.to_owned()))
            .interceptor(AuditInterceptor)
            .build();
        aws_sdk_resourcegroupstagging::Client::from_conf(conf)
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        let conf = aws_sdk_sts::config::Builder::from(&self.sdk)
            .interceptor(AuditInterceptor)
            .build();
        aws_sdk_sts::Client::from_conf(conf)
    }

    pub fn organizations(&self) -> aws_sdk_organizations::Client {
        let conf = aws_sdk_organizations::config::Builder::from(&self.sdk)
            .interceptor(AuditInterceptor)
            .build();
        aws_sdk_organizations::Client::from_conf(conf)
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        let conf = aws_sdk_iam::config::Builder::from(&self.sdk)
            .interceptor(AuditInterceptor)
            .build();
        aws_sdk_iam::Client::from_conf(conf)
    }

    /// Cost Explorer, always in us-east-1.
    pub fn cost_explorer(&self) -> aws_sdk_costexplorer::Client {
        let conf = aws_sdk_costexplorer::config::Builder::from(&self.sdk)
            .region(Region::new(COST_EXPLORER_REGION))
            .interceptor(AuditInterceptor)
            .build();
        aws_sdk_costexplorer::Client::from_conf(conf)
    }
}

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
