//! The registry: every collector the scan runs, one line each, in the order their units start.
//! The scan, the skipped-region coverage rows, the IAM policy (`aws::policy`) and the collector
//! table in `docs/collectors.md` are all derived from this list. `docs/collectors.md` says how
//! to add a service.

pub mod accessanalyzer;
pub mod acm;
pub mod autoscaling;
pub mod cloudformation;
pub mod cloudfront;
pub mod cloudtrail;
pub(crate) mod common;
pub mod config;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod eks;
pub mod elasticache;
pub mod elb;
pub mod elbv2;
#[cfg(test)]
mod fake_pages;
pub mod guardduty;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod rds;
pub mod route53;
pub mod route53domains;
pub mod s3;
pub mod secretsmanager;
pub mod securityhub;
pub mod sns;
pub mod sqs;
pub mod ssm;
pub mod tagging;

use super::scanner::AwsScanSource;
use crate::scan::Collector;

/// Every collector. Adding a service: its file above, and one line here.
pub static REGISTRY: &[&dyn Collector<AwsScanSource>] = &[
    &tagging::Tagging, // breadth: every tagged resource of every service
    &ec2::Ec2,
    &s3::S3,
    &iam::Iam,
    &sqs::Sqs,
    &sns::Sns,
    &cloudformation::CloudFormation,
    &ecs::Ecs,
    &kms::Kms,
    &secretsmanager::SecretsManager,
    &ssm::Ssm,
    &logs::Logs,
    &eks::Eks,
    &autoscaling::AutoScaling,
    &efs::Efs,
    &rds::Rds,
    &lambda::Lambda,
    &dynamodb::Dynamodb,
    &route53::Route53,
    &acm::Acm,
    &cloudtrail::CloudTrail,
    &config::Config,
    &guardduty::GuardDuty,
    &securityhub::SecurityHub,
    &accessanalyzer::AccessAnalyzer,
    &elasticache::ElastiCache,
    &elbv2::Elbv2,
    &elb::Elb,
    &ecr::Ecr,
    &cloudfront::CloudFront,
    &route53domains::Route53Domains,
];

/// The Markdown table of `docs/collectors.md`: each collector, its units, the Cost Explorer
/// services it covers and the IAM actions it may call.
pub fn markdown_table() -> String {
    let mut text = String::from("| collector | units | Cost Explorer services | IAM actions |\n|---|---|---|---|\n");
    for collector in REGISTRY {
        let mut actions: Vec<&str> = collector.actions().iter().map(|a| a.iam_action).collect();
        actions.sort_unstable();
        actions.dedup();
        let units = match collector.parts() {
            [_] => collector.scope().as_str().to_owned(),
            parts => format!("{}, {} parts", collector.scope().as_str(), parts.len()),
        };
        let billed = if collector.billed_as().is_empty() {
            "(none)".to_owned()
        } else {
            collector.billed_as().join(", ")
        };
        let actions: Vec<String> = actions.iter().map(|a| format!("`{a}`")).collect();
        text.push_str(&format!(
            "| `{}` | {units} | {billed} | {} |\n",
            collector.name(),
            actions.join(", ")
        ));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collector_names_are_unique_and_each_declares_its_calls() {
        let mut names: Vec<&str> = REGISTRY.iter().map(|c| c.name()).collect();
        names.sort_unstable();
        let before = names.len();
        names.dedup();
        assert_eq!(before, names.len(), "two collectors share a name");
        for collector in REGISTRY {
            assert!(
                !collector.actions().is_empty(),
                "{} declares no actions",
                collector.name()
            );
            assert!(!collector.parts().is_empty(), "{} has no parts", collector.name());
        }
    }

    #[test]
    fn docs_collectors_md_table_matches_the_registry() {
        crate::docs::assert_generated_section(
            "docs/collectors.md",
            include_str!("../../../docs/collectors.md"),
            "collectors",
            &markdown_table(),
        );
    }
}
