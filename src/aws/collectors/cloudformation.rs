//! The CloudFormation collector (per region): every stack from `DescribeStacks` (every page), and
//! per stack the resources it created from `ListStackResources` (every page), recorded as `owns`
//! relations from the stack to each resource's ARN. Stack membership is the best evidence of
//! which resources form one application, so the workload plan reads these relations. Templates,
//! parameter values and output values are never read or kept (parameters can hold secrets).

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::types::{Stack, StackResourceSummary};
use futures::future::BoxFuture;

use super::common::{self, Ident, date, first_error, tag_map};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_cloudformation, "cloudformation");

pub struct CloudFormation;

const ACTIONS: &[Action] = &[
    action("CloudFormation", "DescribeStacks", "cloudformation:DescribeStacks"),
    action(
        "CloudFormation",
        "ListStackResources",
        "cloudformation:ListStackResources",
    ),
];

impl Collector<AwsScanSource> for CloudFormation {
    fn name(&self) -> &'static str {
        "cloudformation"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// Stacks themselves cost nothing (the resources they create are billed under their own
    /// services); third-party resource handler operations are billed as `AWS CloudFormation`.
    fn billed_as(&self) -> &'static [&'static str] {
        &["AWS CloudFormation"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every stack of one region and the resources each owns.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut stacks: Vec<Stack> = Vec::new();
    let mut errors: Vec<ApiError> = Vec::new();
    let (mut requests, error) = paginate!(client.describe_stacks(), "DescribeStacks", region, |page| {
        stacks.extend(page.stacks().iter().cloned());
    });
    errors.extend(error);
    let mut out = Vec::with_capacity(stacks.len());
    for s in &stacks {
        let Some(stack_id) = s.stack_id() else { continue };
        let mut members: Vec<StackResourceSummary> = Vec::new();
        let (n, error) = paginate!(
            client.list_stack_resources().stack_name(stack_id),
            "ListStackResources",
            region,
            |page| {
                members.extend(page.stack_resource_summaries().iter().cloned());
            }
        );
        requests += n;
        let listed = error.is_none();
        errors.extend(error);
        out.extend(stack(s, region, account, listed.then_some(members.as_slice())));
    }
    UnitResult {
        service: "cloudformation",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// A stack; `members` is `None` when its resources could not be listed (the attributes then
/// leave the counts out rather than claim the stack owns nothing).
pub fn stack(s: &Stack, region: &str, account: &str, members: Option<&[StackResourceSummary]>) -> Option<Resource> {
    let stack_arn = s.stack_id()?;
    let name = s.stack_name()?;
    let mut relations: Vec<Relation> = Vec::new();
    relations.extend(
        s.parent_id()
            .filter(|p| p.starts_with("arn:"))
            .map(|p| Relation::new("nested-in", p)),
    );
    relations.extend(
        s.role_arn()
            .filter(|r| r.starts_with("arn:"))
            .map(|r| Relation::new("uses-role", r)),
    );
    let mut attrs = Attrs::default()
        .opt("status", s.stack_status().map(|v| v.as_str()))
        .opt("created", date(s.creation_time()))
        .opt("updated", date(s.last_updated_time()))
        .opt("termination_protection", s.enable_termination_protection())
        .opt(
            "drift_status",
            s.drift_information()
                .and_then(|d| d.stack_drift_status())
                .map(|v| v.as_str()),
        )
        .set("nested", s.parent_id().is_some())
        .set("parameters", s.parameters().len())
        .set("outputs", s.outputs().len());
    if let Some(members) = members {
        let mut unmapped: Vec<String> = Vec::new();
        for m in members {
            let (Some(kind), Some(physical)) = (m.resource_type(), m.physical_resource_id()) else {
                continue;
            };
            match member_arn(region, account, kind, physical) {
                Some(member) => relations.push(Relation::new("owns", member)),
                None => unmapped.push(kind.to_owned()),
            }
        }
        unmapped.sort();
        attrs = attrs.set("resources", members.len()).set("unmapped_resource_types", {
            unmapped.dedup();
            unmapped
        });
    }
    let tags = tag_map(s.tags().iter().map(|t| (t.key(), t.value())));
    let ident = Ident {
        arn: stack_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(ident, tags, Source::Cloudformation, attrs, relations))
}

/// The ARN of a stack resource from its CloudFormation type and physical id, for the types the
/// scan records (and a few more the Tagging API reports); `None` for a type whose physical id
/// does not name one resource this way (an Elastic IP's public address, a bucket policy...).
/// A physical id that already is an ARN (SNS topics, ECS services, load balancers, nested
/// stacks...) is taken as it is. An IAM role's ARN is built at the root path, as its physical id
/// is its name only.
pub fn member_arn(region: &str, account: &str, kind: &str, physical: &str) -> Option<String> {
    if physical.is_empty() {
        return None;
    }
    if physical.starts_with("arn:") {
        return Some(physical.to_owned());
    }
    let p = arn::partition_of(region);
    let ec2 = |t: &str| Some(arn::ec2(region, account, t, physical));
    match kind {
        "AWS::EC2::Instance" => ec2("instance"),
        "AWS::EC2::Volume" => ec2("volume"),
        "AWS::EC2::VPC" => ec2("vpc"),
        "AWS::EC2::Subnet" => ec2("subnet"),
        "AWS::EC2::SecurityGroup" if physical.starts_with("sg-") => ec2("security-group"),
        "AWS::EC2::InternetGateway" => ec2("internet-gateway"),
        "AWS::EC2::NatGateway" => ec2("natgateway"),
        "AWS::EC2::RouteTable" => ec2("route-table"),
        "AWS::EC2::NetworkAcl" => ec2("network-acl"),
        "AWS::EC2::NetworkInterface" => ec2("network-interface"),
        "AWS::EC2::LaunchTemplate" => ec2("launch-template"),
        "AWS::EC2::VPCEndpoint" => ec2("vpc-endpoint"),
        "AWS::EC2::TransitGateway" => ec2("transit-gateway"),
        "AWS::S3::Bucket" => Some(arn::s3_bucket(p, physical)),
        "AWS::IAM::Role" => Some(format!("arn:{p}:iam::{account}:role/{physical}")),
        "AWS::IAM::InstanceProfile" => Some(format!("arn:{p}:iam::{account}:instance-profile/{physical}")),
        "AWS::IAM::User" => Some(format!("arn:{p}:iam::{account}:user/{physical}")),
        "AWS::IAM::Group" => Some(format!("arn:{p}:iam::{account}:group/{physical}")),
        "AWS::Lambda::Function" => Some(format!("arn:{p}:lambda:{region}:{account}:function:{physical}")),
        "AWS::DynamoDB::Table" => Some(format!("arn:{p}:dynamodb:{region}:{account}:table/{physical}")),
        "AWS::RDS::DBInstance" => Some(format!("arn:{p}:rds:{region}:{account}:db:{physical}")),
        "AWS::RDS::DBCluster" => Some(format!("arn:{p}:rds:{region}:{account}:cluster:{physical}")),
        "AWS::KMS::Key" => arn::kms_key(region, account, physical),
        "AWS::Logs::LogGroup" => Some(format!("arn:{p}:logs:{region}:{account}:log-group:{physical}")),
        "AWS::ECS::Cluster" => Some(format!("arn:{p}:ecs:{region}:{account}:cluster/{physical}")),
        "AWS::EKS::Cluster" => Some(format!("arn:{p}:eks:{region}:{account}:cluster/{physical}")),
        "AWS::EFS::FileSystem" => Some(format!(
            "arn:{p}:elasticfilesystem:{region}:{account}:file-system/{physical}"
        )),
        "AWS::ElastiCache::ReplicationGroup" => Some(format!(
            "arn:{p}:elasticache:{region}:{account}:replicationgroup:{physical}"
        )),
        "AWS::ElastiCache::CacheCluster" => Some(format!("arn:{p}:elasticache:{region}:{account}:cluster:{physical}")),
        "AWS::SQS::Queue" => sqs_queue_arn(p, physical),
        "AWS::ECR::Repository" => Some(format!("arn:{p}:ecr:{region}:{account}:repository/{physical}")),
        _ => None,
    }
}

/// A queue URL (`https://sqs.REGION.amazonaws.com/ACCOUNT/NAME`) as the queue's ARN.
fn sqs_queue_arn(partition: &str, url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let mut parts = rest.split('/');
    let host = parts.next()?;
    let (account, name) = (parts.next()?, parts.next()?);
    let region = host.strip_prefix("sqs.")?.split('.').next()?;
    (!account.is_empty() && !name.is_empty()).then(|| format!("arn:{partition}:sqs:{region}:{account}:{name}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudformation::types::{Output, Parameter, StackStatus, Tag};
    use aws_smithy_types::DateTime;

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";
    const STACK: &str = "arn:aws:cloudformation:eu-west-1:111122223333:stack/shop/0a1b";

    fn member(kind: &str, logical: &str, physical: &str) -> StackResourceSummary {
        StackResourceSummary::builder()
            .resource_type(kind)
            .logical_resource_id(logical)
            .physical_resource_id(physical)
            .last_updated_timestamp(DateTime::from_secs(0))
            .build()
    }

    fn shop() -> Stack {
        Stack::builder()
            .stack_id(STACK)
            .stack_name("shop")
            .stack_status(StackStatus::UpdateComplete)
            .creation_time(DateTime::from_secs(1_700_000_000))
            .enable_termination_protection(true)
            .parameters(
                Parameter::builder()
                    .parameter_key("DbPassword")
                    .parameter_value("hunter2-secret")
                    .build(),
            )
            .outputs(
                Output::builder()
                    .output_key("Url")
                    .output_value("https://shop.example")
                    .build(),
            )
            .tags(Tag::builder().key("env").value("prod").build())
            .build()
    }

    #[test]
    fn stack_owns_its_resources_by_arn_and_keeps_no_parameter_or_output_value() {
        let members = [
            member("AWS::EC2::Instance", "Web", "i-0abc"),
            member("AWS::S3::Bucket", "Assets", "shop-assets"),
            member("AWS::SNS::Topic", "Alerts", "arn:aws:sns:eu-west-1:111122223333:alerts"),
            member(
                "AWS::SQS::Queue",
                "Jobs",
                "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs",
            ),
            member("AWS::EC2::EIP", "Ip", "203.0.113.7"),
            member("AWS::S3::BucketPolicy", "AssetsPolicy", "shop-assets"),
        ];
        let res = stack(&shop(), REGION, ACCOUNT, Some(&members)).unwrap();
        assert_eq!(res.resource_type, "cloudformation:stack");
        assert_eq!(res.service, "cloudformation");
        assert_eq!(res.id, "shop");
        assert_eq!(res.name.as_deref(), Some("shop"));
        assert_eq!(res.region.as_deref(), Some(REGION));
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.sources, vec![Source::Cloudformation]);
        let owned: Vec<&str> = res.related("owns").collect();
        assert_eq!(
            owned,
            vec![
                "arn:aws:ec2:eu-west-1:111122223333:instance/i-0abc",
                "arn:aws:s3:::shop-assets",
                "arn:aws:sns:eu-west-1:111122223333:alerts",
                "arn:aws:sqs:eu-west-1:111122223333:jobs",
            ]
        );
        let a = &res.attributes;
        assert_eq!(a["status"], "UPDATE_COMPLETE");
        assert_eq!(a["created"], "2023-11-14T22:13:20Z");
        assert_eq!(a["termination_protection"], true);
        assert_eq!(a["resources"], 6);
        assert_eq!(
            a["unmapped_resource_types"],
            serde_json::json!(["AWS::EC2::EIP", "AWS::S3::BucketPolicy"])
        );
        assert_eq!((a["parameters"].clone(), a["outputs"].clone()), (1.into(), 1.into()));
        assert_eq!(a["nested"], false);
        let text = serde_json::to_string(&res).unwrap();
        for secret in ["hunter2", "DbPassword", "shop.example"] {
            assert!(!text.contains(secret), "{secret} kept: {text}");
        }
    }

    #[test]
    fn nested_stack_points_at_its_parent_and_unlisted_resources_leave_the_counts_out() {
        let nested = Stack::builder()
            .stack_id("arn:aws:cloudformation:eu-west-1:111122223333:stack/shop-db/0c")
            .stack_name("shop-db")
            .parent_id(STACK)
            .role_arn("arn:aws:iam::111122223333:role/cfn-deployer")
            .creation_time(DateTime::from_secs(0))
            .build();
        let res = stack(&nested, REGION, ACCOUNT, None).unwrap();
        assert_eq!(res.related("nested-in").collect::<Vec<_>>(), vec![STACK]);
        assert_eq!(
            res.related("uses-role").collect::<Vec<_>>(),
            vec!["arn:aws:iam::111122223333:role/cfn-deployer"]
        );
        assert_eq!(res.attributes["nested"], true);
        assert!(!res.attributes.contains_key("resources"));
        assert!(!res.attributes.contains_key("unmapped_resource_types"));
    }

    #[test]
    fn member_arns_for_each_mapped_type() {
        let cases = [
            (
                "AWS::EC2::SecurityGroup",
                "sg-1",
                Some("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1"),
            ),
            ("AWS::EC2::SecurityGroup", "default-classic", None),
            ("AWS::IAM::Role", "app", Some("arn:aws:iam::111122223333:role/app")),
            (
                "AWS::Lambda::Function",
                "resize",
                Some("arn:aws:lambda:eu-west-1:111122223333:function:resize"),
            ),
            (
                "AWS::RDS::DBInstance",
                "orders",
                Some("arn:aws:rds:eu-west-1:111122223333:db:orders"),
            ),
            (
                "AWS::ECS::Cluster",
                "web",
                Some("arn:aws:ecs:eu-west-1:111122223333:cluster/web"),
            ),
            (
                "AWS::EFS::FileSystem",
                "fs-1",
                Some("arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-1"),
            ),
            (
                "AWS::ElastiCache::ReplicationGroup",
                "sessions",
                Some("arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:sessions"),
            ),
            (
                "AWS::KMS::Key",
                "abcd",
                Some("arn:aws:kms:eu-west-1:111122223333:key/abcd"),
            ),
            ("AWS::SQS::Queue", "not-a-url", None),
            ("AWS::Custom::Thing", "x", None),
            ("AWS::EC2::Instance", "", None),
        ];
        for (kind, physical, want) in cases {
            assert_eq!(
                member_arn(REGION, ACCOUNT, kind, physical).as_deref(),
                want,
                "{kind} {physical}"
            );
        }
    }
}

/// moto answers both list calls in one page, so the second pages are read from a fake.
#[cfg(test)]
mod two_pages {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn answer(call: &Call) -> (u16, String) {
        let n = if call.second_page() { 2 } else { 1 };
        let token = if n == 1 { "<NextToken>page2</NextToken>" } else { "" };
        let op = call.operation.as_str();
        let result = match op {
            "DescribeStacks" => format!(
                "<Stacks><member><StackId>arn:aws:cloudformation:eu-west-1:111122223333:stack/s{n}/x</StackId>\
                 <StackName>s{n}</StackName><CreationTime>2024-01-01T00:00:00Z</CreationTime>\
                 <StackStatus>CREATE_COMPLETE</StackStatus></member></Stacks>"
            ),
            "ListStackResources" => format!(
                "<StackResourceSummaries><member><LogicalResourceId>L{n}</LogicalResourceId>\
                 <PhysicalResourceId>i-{n}</PhysicalResourceId><ResourceType>AWS::EC2::Instance</ResourceType>\
                 <LastUpdatedTimestamp>2024-01-01T00:00:00Z</LastUpdatedTimestamp>\
                 <ResourceStatus>CREATE_COMPLETE</ResourceStatus></member></StackResourceSummaries>"
            ),
            other => panic!("unexpected {other}"),
        };
        let body = format!(
            "<{op}Response xmlns=\"http://cloudformation.amazonaws.com/doc/2010-05-15/\"><{op}Result>{result}{token}</{op}Result>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{op}Response>"
        );
        (200, body)
    }

    #[test]
    fn stacks_and_their_resources_are_read_past_the_first_page() {
        let client = fake_client!(aws_sdk_cloudformation, answer);
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        // DescribeStacks: 2 pages; ListStackResources: 2 pages for each of the 2 stacks.
        assert_eq!(result.requests, 6);
        let names: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(names, vec!["s1", "s2"]);
        for stack in &result.resources {
            let owned: Vec<&str> = stack.related("owns").collect();
            assert_eq!(
                owned,
                vec![
                    "arn:aws:ec2:eu-west-1:111122223333:instance/i-1",
                    "arn:aws:ec2:eu-west-1:111122223333:instance/i-2"
                ],
                "{}",
                stack.id
            );
        }
    }

    #[test]
    fn a_denied_listing_is_the_units_error_and_the_stacks_read_before_it_are_kept() {
        let client = fake_client!(aws_sdk_cloudformation, |call: &Call| {
            if call.operation == "ListStackResources" {
                let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                            <Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>";
                return (403, body.to_owned());
            }
            answer(call)
        });
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        let error = result.error.expect("the denied call is reported");
        assert!(error.is_denied(), "{error:?}");
        assert_eq!(error.operation, "ListStackResources");
        assert_eq!(result.resources.len(), 2);
        assert!(!result.resources[0].attributes.contains_key("resources"));
    }
}
