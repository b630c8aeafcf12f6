//! The Auto Scaling collector (per region): every Auto Scaling group
//! (`DescribeAutoScalingGroups`) with its launch template or launch configuration, its sizes,
//! its subnets (`VPCZoneIdentifier`), the target groups and Classic Load Balancers it registers
//! its instances with, its service-linked role, and the instances it runs. AWS's Tagging API
//! does not return Auto Scaling groups (`GetResources` answers empty for them), so the tags come
//! from `DescribeAutoScalingGroups`, which returns them with each group.

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::types::{AutoScalingGroup, LaunchTemplateSpecification};
use futures::future::BoxFuture;

use super::common::{self, Ident, date, network_relations, tag_map};
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_autoscaling, "autoscaling");

pub struct AutoScaling;

/// The SDK names the service `Auto Scaling` (its operation metadata, which the audit log records).
const ACTIONS: &[Action] = &[action(
    "Auto Scaling",
    "DescribeAutoScalingGroups",
    "autoscaling:DescribeAutoScalingGroups",
)];

impl Collector<AwsScanSource> for AutoScaling {
    fn name(&self) -> &'static str {
        "autoscaling"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// Auto Scaling itself is free; the instances it starts are billed as EC2.
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every Auto Scaling group of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut out: Vec<Resource> = Vec::new();
    let (requests, error) = paginate!(
        client.describe_auto_scaling_groups(),
        "DescribeAutoScalingGroups",
        region,
        |page| {
            out.extend(
                page.auto_scaling_groups()
                    .iter()
                    .filter_map(|g| group(g, region, account)),
            );
        }
    );
    UnitResult {
        service: "autoscaling",
        region: region.to_owned(),
        resources: out,
        requests,
        error,
    }
}

/// The launch template a group starts instances from: its own, or its mixed instances policy's.
fn launch_template(g: &AutoScalingGroup) -> Option<&LaunchTemplateSpecification> {
    g.launch_template().or_else(|| {
        g.mixed_instances_policy()
            .and_then(|p| p.launch_template())
            .and_then(|t| t.launch_template_specification())
    })
}

pub fn group(g: &AutoScalingGroup, region: &str, account: &str) -> Option<Resource> {
    let (group_arn, name) = (g.auto_scaling_group_arn()?, g.auto_scaling_group_name()?);
    // VPCZoneIdentifier is a comma-separated list of subnet ids.
    let subnets = g.vpc_zone_identifier().unwrap_or_default().split(',').map(str::trim);
    let mut relations = network_relations(region, account, subnets, []);
    let template = launch_template(g);
    relations.extend(
        template
            .and_then(|t| t.launch_template_id())
            .map(|id| Relation::new("uses-launch-template", arn::ec2(region, account, "launch-template", id))),
    );
    relations.extend(
        g.target_group_arns()
            .iter()
            .map(|tg| Relation::new("in-target-group", tg)),
    );
    let partition = arn::partition_of(region);
    relations.extend(g.load_balancer_names().iter().map(|lb| {
        Relation::new(
            "in-load-balancer",
            format!("arn:{partition}:elasticloadbalancing:{region}:{account}:loadbalancer/{lb}"),
        )
    }));
    relations.extend(g.service_linked_role_arn().map(|r| Relation::new("uses-role", r)));
    relations.extend(
        g.instances()
            .iter()
            .filter_map(|i| i.instance_id())
            .map(|id| Relation::new("has-instance", arn::ec2(region, account, "instance", id))),
    );
    let attrs = Attrs::default()
        .opt("launch_template", template.and_then(|t| t.launch_template_name()))
        .opt("launch_template_version", template.and_then(|t| t.version()))
        .opt("launch_configuration", g.launch_configuration_name())
        .set("mixed_instances_policy", g.mixed_instances_policy().is_some())
        .opt("min_size", g.min_size())
        .opt("max_size", g.max_size())
        .opt("desired_capacity", g.desired_capacity())
        .set("instances", g.instances().len())
        .opt("health_check_type", g.health_check_type())
        .opt("status", g.status())
        .opt("created", date(g.created_time()));
    let tags = tag_map(g.tags().iter().map(|t| (t.key(), t.value())));
    let ident = Ident {
        arn: group_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(ident, tags, Source::Autoscaling, attrs, relations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_autoscaling::types::{Instance, LaunchTemplate, MixedInstancesPolicy, TagDescription};

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";
    const ARN: &str = "arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:0b1c2d3e-0000-4000-8000-000000000001:autoScalingGroupName/web";
    const TG: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/abc";

    fn ec2(kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:eu-west-1:111122223333:{kind}/{id}")
    }

    fn instance(id: &str) -> Instance {
        Instance::builder().instance_id(id).build()
    }

    #[test]
    fn group_has_template_sizes_network_load_balancing_and_instances() {
        let g = AutoScalingGroup::builder()
            .auto_scaling_group_name("web")
            .auto_scaling_group_arn(ARN)
            .launch_template(
                LaunchTemplateSpecification::builder()
                    .launch_template_id("lt-1")
                    .launch_template_name("web-lt")
                    .version("$Latest")
                    .build(),
            )
            .min_size(1)
            .max_size(4)
            .desired_capacity(2)
            .vpc_zone_identifier("subnet-b, subnet-a")
            .target_group_arns(TG)
            .load_balancer_names("classic-web")
            .service_linked_role_arn("arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling")
            .instances(instance("i-2"))
            .instances(instance("i-1"))
            .tags(TagDescription::builder().key("env").value("prod").build())
            .build();
        let res = group(&g, REGION, ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "autoscaling:autoScalingGroup");
        assert_eq!(res.service, "autoscaling");
        assert_eq!(res.id, "web");
        assert_eq!(res.name.as_deref(), Some("web"));
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.sources, vec![Source::Autoscaling]);
        let rels: Vec<(&str, &str)> = res
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect();
        let (i1, i2, lt, sa, sb) = (
            ec2("instance", "i-1"),
            ec2("instance", "i-2"),
            ec2("launch-template", "lt-1"),
            ec2("subnet", "subnet-a"),
            ec2("subnet", "subnet-b"),
        );
        assert_eq!(
            rels,
            vec![
                ("has-instance", i1.as_str()),
                ("has-instance", i2.as_str()),
                (
                    "in-load-balancer",
                    "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/classic-web"
                ),
                ("in-subnet", sa.as_str()),
                ("in-subnet", sb.as_str()),
                ("in-target-group", TG),
                ("uses-launch-template", lt.as_str()),
                (
                    "uses-role",
                    "arn:aws:iam::111122223333:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling"
                ),
            ]
        );
        assert_eq!(res.attributes["launch_template"], "web-lt");
        assert_eq!(res.attributes["launch_template_version"], "$Latest");
        assert_eq!(res.attributes["min_size"], 1);
        assert_eq!(res.attributes["max_size"], 4);
        assert_eq!(res.attributes["desired_capacity"], 2);
        assert_eq!(res.attributes["instances"], 2);
        assert_eq!(res.attributes["mixed_instances_policy"], false);
        assert!(!res.attributes.contains_key("launch_configuration"));
    }

    #[test]
    fn launch_configuration_and_mixed_instances_template_are_read() {
        let old = AutoScalingGroup::builder()
            .auto_scaling_group_name("old")
            .auto_scaling_group_arn(ARN.replace("/web", "/old"))
            .launch_configuration_name("old-lc")
            .build();
        let res = group(&old, REGION, ACCOUNT).unwrap();
        assert_eq!(res.attributes["launch_configuration"], "old-lc");
        assert!(res.relations.is_empty(), "{:?}", res.relations);
        assert!(res.tags.is_empty());

        let mixed = AutoScalingGroup::builder()
            .auto_scaling_group_name("mixed")
            .auto_scaling_group_arn(ARN.replace("/web", "/mixed"))
            .mixed_instances_policy(
                MixedInstancesPolicy::builder()
                    .launch_template(
                        LaunchTemplate::builder()
                            .launch_template_specification(
                                LaunchTemplateSpecification::builder()
                                    .launch_template_id("lt-9")
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .build();
        let res = group(&mixed, REGION, ACCOUNT).unwrap();
        assert_eq!(
            res.related("uses-launch-template").collect::<Vec<_>>(),
            vec![ec2("launch-template", "lt-9")]
        );
        assert_eq!(res.attributes["mixed_instances_policy"], true);
    }

    #[test]
    fn a_group_without_arn_or_name_is_skipped() {
        let g = AutoScalingGroup::builder().auto_scaling_group_name("x").build();
        assert!(group(&g, REGION, ACCOUNT).is_none());
    }
}

/// moto answers `DescribeAutoScalingGroups` in one page, so the second page is read from a fake.
#[cfg(test)]
mod two_pages {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn answer(call: &Call) -> (u16, String) {
        // Auto Scaling is a query protocol: the answer is XML, the token a form field.
        assert_eq!(call.operation, "DescribeAutoScalingGroups", "{call:?}");
        let (n, token) = if call.second_page() {
            (2, "")
        } else {
            (1, "<NextToken>page2</NextToken>")
        };
        let body = format!(
            r#"<DescribeAutoScalingGroupsResponse xmlns="http://autoscaling.amazonaws.com/doc/2011-01-01/">
  <DescribeAutoScalingGroupsResult>
    <AutoScalingGroups>
      <member>
        <AutoScalingGroupName>g{n}</AutoScalingGroupName>
        <AutoScalingGroupARN>arn:aws:autoscaling:eu-west-1:111122223333:autoScalingGroup:u{n}:autoScalingGroupName/g{n}</AutoScalingGroupARN>
        <MinSize>0</MinSize><MaxSize>1</MaxSize><DesiredCapacity>0</DesiredCapacity>
      </member>
    </AutoScalingGroups>
    {token}
  </DescribeAutoScalingGroupsResult>
</DescribeAutoScalingGroupsResponse>"#
        );
        (200, body)
    }

    #[test]
    fn groups_are_read_past_the_first_page() {
        let client = fake_client!(aws_sdk_autoscaling, answer);
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        let mut ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, vec!["g1", "g2"]);
        assert_eq!(result.requests, 2);
    }
}
