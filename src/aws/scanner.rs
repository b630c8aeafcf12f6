//! The real [`ScanSource`]: identity and region discovery up front, then the collectors of
//! [`REGISTRY`], each getting its clients from the shared [`Aws`] (one per service and region).

use aws_sdk_ec2::Client as Ec2Client;

use super::collectors::REGISTRY;
use super::{ApiError, Aws, identity};
use crate::model::Account;
use crate::scan::{Collector, Preflight, ScanSource};

pub struct AwsScanSource {
    aws: Aws,
    max_records_per_zone: usize,
}

impl AwsScanSource {
    pub fn new(aws: Aws) -> Self {
        AwsScanSource {
            aws,
            max_records_per_zone: super::collectors::route53::DEFAULT_MAX_RECORDS_PER_ZONE,
        }
    }

    /// Reads at most `max` records per Route 53 hosted zone.
    pub fn with_max_records_per_zone(mut self, max: usize) -> Self {
        self.max_records_per_zone = max;
        self
    }

    pub fn max_records_per_zone(&self) -> usize {
        self.max_records_per_zone
    }

    /// The configuration and client cache collectors build their clients from.
    pub fn aws(&self) -> &Aws {
        &self.aws
    }
}

impl ScanSource for AwsScanSource {
    async fn preflight(&self) -> Result<Preflight, ApiError> {
        let home = self.aws.home_region().to_owned();
        let account_id = identity::account_id(&self.aws).await?;
        let mut coverage = vec![identity::global_row("sts", 1, &Ok(()))];

        let alias = identity::alias(&self.aws).await;
        coverage.push(identity::global_row(
            "iam",
            1,
            &alias.as_ref().map(|_| ()).map_err(Clone::clone),
        ));
        let (organization, org_result) = identity::organization(&self.aws, &account_id).await;
        coverage.push(identity::global_row("organizations", 1, &org_result));
        let (alternate_contacts, contacts_result) = identity::alternate_contacts(&self.aws).await;
        coverage.push(identity::global_row(
            "account",
            identity::ALTERNATE_CONTACT_TYPES.len() as u64,
            &contacts_result,
        ));

        let (enabled_regions, disabled_regions, regions_verified) = match regions(&self.aws.client(&home), &home).await
        {
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

        Ok(Preflight {
            account: Account {
                id: account_id,
                alias: alias.ok().flatten(),
                organization,
                alternate_contacts,
            },
            enabled_regions,
            disabled_regions,
            regions_verified,
            home_region: home,
            coverage,
        })
    }

    fn collectors(&self) -> &[&dyn Collector<Self>] {
        REGISTRY
    }
}

/// Regions the account can use, and opt-in regions it has not enabled.
pub async fn regions(client: &Ec2Client, home: &str) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let out = client
        .describe_regions()
        .all_regions(true)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("DescribeRegions", home, e))?;
    let (mut enabled, mut disabled) = (Vec::new(), Vec::new());
    for region in out.regions() {
        let Some(name) = region.region_name() else { continue };
        if region.opt_in_status() == Some("not-opted-in") {
            disabled.push(name.to_owned());
        } else {
            enabled.push(name.to_owned());
        }
    }
    enabled.sort();
    disabled.sort();
    Ok((enabled, disabled))
}
