//! The real [`ScanSource`]: identity, region discovery and bucket listing up front, then each
//! unit of work against the right regional client. Clients are built once per region.

use std::collections::HashMap;
use std::sync::Mutex;

use super::{ApiError, Aws, ec2, identity, s3, tagging};
use crate::model::Account;
use crate::scan::{Preflight, ScanSource, Unit, UnitResult};

pub struct AwsScanSource {
    aws: Aws,
    /// Set by `preflight`.
    account_id: std::sync::OnceLock<String>,
    ec2: Mutex<HashMap<String, aws_sdk_ec2::Client>>,
    s3: Mutex<HashMap<String, aws_sdk_s3::Client>>,
    tagging: Mutex<HashMap<String, aws_sdk_resourcegroupstagging::Client>>,
}

fn cached<C: Clone>(cache: &Mutex<HashMap<String, C>>, region: &str, make: impl FnOnce() -> C) -> C {
    let mut map = cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    map.entry(region.to_owned()).or_insert_with(make).clone()
}

impl AwsScanSource {
    pub fn new(aws: Aws) -> Self {
        AwsScanSource {
            aws,
            account_id: std::sync::OnceLock::new(),
            ec2: Mutex::default(),
            s3: Mutex::default(),
            tagging: Mutex::default(),
        }
    }

    fn ec2(&self, region: &str) -> aws_sdk_ec2::Client {
        cached(&self.ec2, region, || self.aws.ec2(region))
    }

    fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        cached(&self.s3, region, || self.aws.s3(region))
    }

    fn tagging(&self, region: &str) -> aws_sdk_resourcegroupstagging::Client {
        cached(&self.tagging, region, || self.aws.tagging(region))
    }

    fn account(&self) -> &str {
        self.account_id.get().map(String::as_str).unwrap_or_default()
    }
}

impl ScanSource for AwsScanSource {
    async fn preflight(&self) -> Result<Preflight, ApiError> {
        let home = self.aws.home_region().to_owned();
        let account_id = identity::account_id(&self.aws).await?;
        let _ = self.account_id.set(account_id.clone());
        let mut coverage = vec![identity::global_row("sts", 1, &Ok(()))];

        let alias = identity::alias(&self.aws).await;
        coverage.push(identity::global_row(
            "iam",
            1,
            &alias.as_ref().map(|_| ()).map_err(Clone::clone),
        ));
        let (organization, org_result) = identity::organization(&self.aws, &account_id).await;
        coverage.push(identity::global_row("organizations", 1, &org_result));

        let (enabled_regions, disabled_regions, regions_verified) = match ec2::regions(&self.ec2(&home), &home).await {
            Ok((enabled, disabled)) => {
                coverage.push(identity::global_row("ec2", 1, &Ok(())));
                (enabled, disabled, true)
            }
            Err(err) => {
                let mut row = identity::global_row("ec2", 1, &Err(err));
                if let Some(detail) = &mut row.detail {
                    detail.push_str(
                        "; region discovery failed, so only the home region or the --regions list was scanned",
                    );
                }
                coverage.push(row);
                (vec![home.clone()], vec![], false)
            }
        };

        let (buckets, requests, error) = s3::list_buckets(&self.s3(&home), &home).await;
        coverage.push(identity::global_row("s3", requests, &error.map_or(Ok(()), Err)));

        Ok(Preflight {
            account: Account {
                id: account_id,
                alias: alias.ok().flatten(),
                organization,
            },
            enabled_regions,
            disabled_regions,
            regions_verified,
            buckets,
            coverage,
        })
    }

    async fn run(&self, unit: &Unit) -> UnitResult {
        match unit {
            Unit::Tagging { region } => tagging::get_resources(&self.tagging(region), region).await,
            Unit::Ec2 { region, kind } => ec2::describe(&self.ec2(region), region, self.account(), *kind).await,
            Unit::S3Bucket { name } => {
                let home = self.aws.home_region();
                s3::describe_bucket(&self.s3(home), |region| self.s3(region), home, self.account(), name).await
            }
        }
    }
}
