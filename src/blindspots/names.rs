//! What each Cost Explorer `SERVICE` name stands for: a charge with no resource to move, or the
//! ARN service prefix of the resources it bills. The one place these names live; the collectors
//! say which of them they read in depth (`CollectorFacts::billed_as`), everything else here is
//! what the blind-spot check falls back on.
//!
//! Where the names come from. AWS publishes no complete list of `SERVICE` values; they are
//! what `GetDimensionValues` and `GetCostAndUsage` answer, and they change as services are
//! renamed (Amazon Elasticsearch Service became Amazon OpenSearch Service). Each group below
//! says how its names were checked:
//!
//! - **Answer**: seen in a real `GetDimensionValues(SERVICE)` answer published with its request
//!   (a 2019 account: 25 values, reproduced verbatim in a public repository's notes).
//! - **AWS reference**: named in the Cost Explorer API reference text (the `SERVICE` values it
//!   gives as examples for reservations).
//! - **Exports**: not in either of those, but spelled the same in several independent public
//!   tools and exports that group Cost Explorer data by `SERVICE`. Good evidence, not proof.
//! - **Unverified**: our best knowledge, found in at most one public source. Treat with care;
//!   a wrong name here only makes a row fall back to "unknown name", never hides spend.

/// What a Cost Explorer service name bills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Billed {
    /// A charge with no resource behind it to move: why, in words.
    AccountLevel(&'static str),
    /// Resources whose ARNs carry one of these service prefixes.
    Resources {
        prefixes: &'static [&'static str],
        /// The Resource Groups Tagging API lists these resources (when they carry a tag).
        tagging: bool,
        /// Reserved Instances (or reserved capacity) of this service are billed under this
        /// name, so spend may remain where no resource exists: an unused reservation.
        reservations: bool,
    },
}

/// One known Cost Explorer `SERVICE` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CeService {
    pub name: &'static str,
    pub billed: Billed,
}

const fn account(name: &'static str, why: &'static str) -> CeService {
    CeService {
        name,
        billed: Billed::AccountLevel(why),
    }
}

const fn res(name: &'static str, prefixes: &'static [&'static str]) -> CeService {
    CeService {
        name,
        billed: Billed::Resources {
            prefixes,
            tagging: true,
            reservations: false,
        },
    }
}

/// A service whose reservations are billed under its own name.
const fn reserved(name: &'static str, prefixes: &'static [&'static str]) -> CeService {
    CeService {
        name,
        billed: Billed::Resources {
            prefixes,
            tagging: true,
            reservations: true,
        },
    }
}

/// A service whose resources the Tagging API does not list.
const fn untaggable(name: &'static str, prefixes: &'static [&'static str]) -> CeService {
    CeService {
        name,
        billed: Billed::Resources {
            prefixes,
            tagging: false,
            reservations: false,
        },
    }
}

const SUPPORT: &str = "a support plan belongs to the account, not to a resource";
const DATA_TRANSFER: &str = "data transfer is billed to the account; it follows the resources that send the data";

/// Account-level charges: nothing to move, so never a blind spot.
pub const ACCOUNT_LEVEL: &[CeService] = &[
    // Answer.
    account("Tax", "tax on the bill"),
    account("AWS Support (Developer)", SUPPORT),
    // Exports.
    account("AWS Support (Business)", SUPPORT),
    account("AWS Support (Enterprise)", SUPPORT),
    account(
        "Savings Plans for AWS Compute usage",
        "the Savings Plans commitment fee; the plan is shared across the organization once the account joins",
    ),
    account(
        "AWS Cost Explorer",
        "Cost Explorer API requests, such as this tool's export",
    ),
    account("AWS Data Transfer", DATA_TRANSFER),
    // Unverified.
    account("AWS Support (Enterprise On-Ramp)", SUPPORT),
];

/// Names that start with this are support plans too (AWS adds tiers now and then).
pub const SUPPORT_PREFIX: &str = "AWS Support (";

/// Services whose resources can be moved, by the ARN prefix of those resources.
pub const RESOURCE_SERVICES: &[CeService] = &[
    // Answer.
    reserved("Amazon Elastic Compute Cloud - Compute", &["ec2"]),
    res("Amazon Elastic Block Store", &["ec2"]),
    res("Amazon Virtual Private Cloud", &["ec2"]),
    reserved("Amazon Relational Database Service", &["rds"]),
    res("Amazon Simple Storage Service", &["s3"]),
    res("AWS Key Management Service", &["kms"]),
    res("AWS Secrets Manager", &["secretsmanager"]),
    res("AWS Systems Manager", &["ssm"]),
    reserved("Amazon DynamoDB", &["dynamodb"]),
    res("Amazon EC2 Container Registry (ECR)", &["ecr"]),
    res("Amazon EC2 Container Service", &["ecs"]),
    res("Amazon Elastic Container Service for Kubernetes", &["eks"]),
    res("Amazon Elastic Load Balancing", &["elasticloadbalancing"]),
    reserved("Amazon Elasticsearch Service", &["es"]),
    res("Amazon Managed Streaming for Apache Kafka", &["kafka"]),
    res("Amazon Route 53", &["route53"]),
    res("Amazon Simple Email Service", &["ses"]),
    res("Amazon Simple Notification Service", &["sns"]),
    res("Amazon Simple Queue Service", &["sqs"]),
    untaggable("Amazon SimpleDB", &["sdb"]),
    res("AmazonCloudWatch", &["logs", "cloudwatch"]),
    res("AWS CodePipeline", &["codepipeline"]),
    res("CodeBuild", &["codebuild"]),
    // AWS reference.
    reserved("Amazon ElastiCache", &["elasticache"]),
    reserved("Amazon Redshift", &["redshift"]),
    // Exports.
    res("EC2 - Other", &["ec2"]),
    res("AWS Lambda", &["lambda"]),
    res("AWS CloudTrail", &["cloudtrail"]),
    res("Amazon SageMaker", &["sagemaker"]),
    res("Elastic Load Balancing", &["elasticloadbalancing"]),
    res("Amazon Elastic Container Service", &["ecs"]),
    res("Amazon Elastic Kubernetes Service", &["eks"]),
    res("Amazon Elastic File System", &["elasticfilesystem"]),
    res("Amazon CloudFront", &["cloudfront"]),
    res("AWS Config", &["config"]),
    res("Amazon GuardDuty", &["guardduty"]),
    res("AWS Security Hub", &["securityhub"]),
    res("AWS Glue", &["glue"]),
    res("Amazon Kinesis", &["kinesis"]),
    res("Amazon API Gateway", &["apigateway"]),
    res("AWS Step Functions", &["states"]),
    // Route 53 domain registration, renewal and transfer fees: the Billing console shows them
    // under "Registrar" (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/troubleshooting-multiple-invoices.html),
    // and public cost exports and Cost Explorer service lists spell the service "Amazon
    // Registrar" (product code `AmazonRegistrar`). A domain has no ARN, so the Tagging API
    // cannot return it.
    untaggable("Amazon Registrar", &["route53domains"]),
    reserved("Amazon OpenSearch Service", &["es"]),
    // Unverified.
    res("AWS WAF", &["wafv2", "waf"]),
    // AWS Price List `serviceName` (Cost Explorer's SERVICE is usually the same): unverified.
    res("AWS CloudFormation", &["cloudformation"]),
];

/// The known service of a Cost Explorer `SERVICE` name, if any.
pub fn lookup(name: &str) -> Option<CeService> {
    if let Some(known) = ACCOUNT_LEVEL.iter().chain(RESOURCE_SERVICES).find(|s| s.name == name) {
        return Some(*known);
    }
    name.starts_with(SUPPORT_PREFIX).then_some(CeService {
        name: SUPPORT_PREFIX,
        billed: Billed::AccountLevel(SUPPORT),
    })
}

/// Cost Explorer's `REGION` values for spend that belongs to no region.
pub const GLOBAL_REGIONS: [&str; 2] = ["global", "NoRegion"];

pub fn is_global_region(region: &str) -> bool {
    GLOBAL_REGIONS.contains(&region) || region.is_empty()
}

/// The region where the Tagging API lists the resources of global services (Route 53,
/// CloudFront, IAM): the first region AWS created, where their control planes live.
pub const GLOBAL_TAGGING_REGION: &str = "us-east-1";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_listed_once() {
        let mut names: Vec<&str> = ACCOUNT_LEVEL.iter().chain(RESOURCE_SERVICES).map(|s| s.name).collect();
        let count = names.len();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), count, "a name is listed twice");
    }

    #[test]
    fn real_cost_explorer_names_map_to_what_they_bill() {
        let prefixes = |name: &str| match lookup(name).map(|s| s.billed) {
            Some(Billed::Resources { prefixes, .. }) => prefixes.to_vec(),
            other => panic!("{name}: {other:?}"),
        };
        assert_eq!(prefixes("EC2 - Other"), ["ec2"]);
        assert_eq!(prefixes("Amazon Elastic Compute Cloud - Compute"), ["ec2"]);
        assert_eq!(prefixes("Amazon Virtual Private Cloud"), ["ec2"]);
        assert_eq!(prefixes("AmazonCloudWatch"), ["logs", "cloudwatch"]);
        assert_eq!(prefixes("Amazon Relational Database Service"), ["rds"]);
        assert_eq!(prefixes("Amazon SageMaker"), ["sagemaker"]);
        for name in [
            "AWS Data Transfer",
            "Tax",
            "Savings Plans for AWS Compute usage",
            "AWS Support (Business)",
            "AWS Cost Explorer",
            "AWS Support (Some Future Tier)",
        ] {
            assert!(
                matches!(lookup(name).map(|s| s.billed), Some(Billed::AccountLevel(_))),
                "{name}"
            );
        }
    }

    #[test]
    fn reservations_are_noted_where_they_are_billed() {
        let reserved = |name: &str| match lookup(name).unwrap().billed {
            Billed::Resources { reservations, .. } => reservations,
            Billed::AccountLevel(_) => false,
        };
        assert!(reserved("Amazon Relational Database Service"));
        assert!(reserved("Amazon Elastic Compute Cloud - Compute"));
        assert!(!reserved("EC2 - Other"));
        assert!(!reserved("AWS Lambda"));
    }

    #[test]
    fn unknown_and_near_miss_names_are_unknown() {
        assert_eq!(lookup("Amazon Quantum Ledger Of Everything"), None);
        assert_eq!(lookup("amazoncloudwatch"), None, "names are compared exactly");
        assert_eq!(lookup(""), None);
    }

    #[test]
    fn global_regions_are_cost_explorer_s_spellings() {
        assert!(is_global_region("global") && is_global_region("NoRegion"));
        assert!(!is_global_region("us-east-1"));
    }
}
