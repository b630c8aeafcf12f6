//! The EKS collector (per region): every cluster (`ListClusters`, then `DescribeCluster`) with
//! its Kubernetes version, cluster role, VPC, subnets and security groups, and every managed node
//! group (`ListNodegroups`, then `DescribeNodegroup`) with its node role and subnets. The
//! emulator's Tagging API leaves EKS out, so tags come from the describe calls (AWS returns them
//! there too). Nothing inside the cluster (Kubernetes objects, secrets) is read.

use aws_sdk_eks::Client;
use aws_sdk_eks::types::{Cluster, Nodegroup};
use futures::future::BoxFuture;

use super::common::{self, Ident, date, first_error, network_relations, tags_of};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_eks, "eks");

pub struct Eks;

const ACTIONS: &[Action] = &[
    action("EKS", "DescribeCluster", "eks:DescribeCluster"),
    action("EKS", "DescribeNodegroup", "eks:DescribeNodegroup"),
    action("EKS", "ListClusters", "eks:ListClusters"),
    action("EKS", "ListNodegroups", "eks:ListNodegroups"),
];

impl Collector<AwsScanSource> for Eks {
    fn name(&self) -> &'static str {
        "eks"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// The control plane; the nodes are billed as EC2. Older bills use the longer name.
    fn billed_as(&self) -> &'static [&'static str] {
        &[
            "Amazon Elastic Kubernetes Service",
            "Amazon Elastic Container Service for Kubernetes",
        ]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every cluster and managed node group of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut out: Vec<Resource> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    let (mut requests, error) = paginate!(client.list_clusters(), "ListClusters", region, |page| {
        names.extend(page.clusters().iter().cloned());
    });
    errors.extend(error);
    for name in &names {
        requests += 1;
        match client.describe_cluster().name(name).send().await {
            Ok(found) => out.extend(found.cluster().and_then(|c| cluster(c, region, account))),
            Err(err) => errors.push(ApiError::from_sdk("DescribeCluster", region, err)),
        }
        let mut groups: Vec<String> = Vec::new();
        let (n, error) = paginate!(
            client.list_nodegroups().cluster_name(name),
            "ListNodegroups",
            region,
            |page| {
                groups.extend(page.nodegroups().iter().cloned());
            }
        );
        requests += n;
        errors.extend(error);
        for group in &groups {
            requests += 1;
            match client
                .describe_nodegroup()
                .cluster_name(name)
                .nodegroup_name(group)
                .send()
                .await
            {
                Ok(found) => out.extend(found.nodegroup().and_then(|g| nodegroup(g, region, account))),
                Err(err) => errors.push(ApiError::from_sdk("DescribeNodegroup", region, err)),
            }
        }
    }
    UnitResult {
        service: "eks",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

pub fn cluster(c: &Cluster, region: &str, account: &str) -> Option<Resource> {
    let (cluster_arn, name) = (c.arn()?, c.name()?);
    let vpc = c.resources_vpc_config();
    let mut groups: Vec<&str> = vpc
        .map(|v| v.security_group_ids())
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .collect();
    groups.extend(vpc.and_then(|v| v.cluster_security_group_id()));
    let mut relations = network_relations(
        region,
        account,
        vpc.map(|v| v.subnet_ids())
            .unwrap_or_default()
            .iter()
            .map(String::as_str),
        groups,
    );
    relations.extend(
        vpc.and_then(|v| v.vpc_id())
            .filter(|id| !id.is_empty())
            .map(|id| Relation::new("in-vpc", arn::ec2(region, account, "vpc", id))),
    );
    relations.extend(c.role_arn().map(|r| Relation::new("uses-role", r)));
    relations.extend(
        c.encryption_config()
            .iter()
            .filter_map(|e| e.provider().and_then(|p| p.key_arn()))
            .filter_map(|k| arn::kms_key(region, account, k))
            .map(|k| Relation::new("uses-key", k)),
    );
    let attrs = Attrs::default()
        .opt("version", c.version())
        .opt("platform_version", c.platform_version())
        .opt("status", c.status().map(|s| s.as_str()))
        .opt("created", date(c.created_at()))
        .opt("endpoint_public_access", vpc.map(|v| v.endpoint_public_access()))
        .opt("endpoint_private_access", vpc.map(|v| v.endpoint_private_access()))
        .set("envelope_encryption", !c.encryption_config().is_empty());
    let ident = Ident {
        arn: cluster_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(
        ident,
        tags_of(c.tags()),
        Source::Eks,
        attrs,
        relations,
    ))
}

pub fn nodegroup(g: &Nodegroup, region: &str, account: &str) -> Option<Resource> {
    let (group_arn, name) = (g.nodegroup_arn()?, g.nodegroup_name()?);
    let mut relations = network_relations(region, account, g.subnets().iter().map(String::as_str), []);
    relations.extend(g.node_role().map(|r| Relation::new("uses-role", r)));
    relations.extend(g.cluster_name().map(|c| {
        let partition = arn::partition_of(region);
        Relation::new(
            "in-cluster",
            format!("arn:{partition}:eks:{region}:{account}:cluster/{c}"),
        )
    }));
    relations.extend(
        g.launch_template()
            .and_then(|t| t.id())
            .map(|id| Relation::new("uses-launch-template", arn::ec2(region, account, "launch-template", id))),
    );
    let mut types: Vec<&str> = g.instance_types().iter().map(String::as_str).collect();
    types.sort_unstable();
    let scaling = g.scaling_config();
    let attrs = Attrs::default()
        .opt("cluster", g.cluster_name())
        .opt("version", g.version())
        .opt("status", g.status().map(|s| s.as_str()))
        .opt("capacity_type", g.capacity_type().map(|s| s.as_str()))
        .opt("ami_type", g.ami_type().map(|s| s.as_str()))
        .set("instance_types", types)
        .opt("min_size", scaling.and_then(|s| s.min_size()))
        .opt("max_size", scaling.and_then(|s| s.max_size()))
        .opt("desired_size", scaling.and_then(|s| s.desired_size()))
        .opt("created", date(g.created_at()));
    let ident = Ident {
        arn: group_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(
        ident,
        tags_of(g.tags()),
        Source::Eks,
        attrs,
        relations,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_eks::types::{EncryptionConfig, Provider, VpcConfigResponse};

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";
    const CLUSTER: &str = "arn:aws:eks:eu-west-1:111122223333:cluster/platform";

    fn ec2(kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:eu-west-1:111122223333:{kind}/{id}")
    }

    #[test]
    fn cluster_has_version_role_network_and_key() {
        let c = Cluster::builder()
            .arn(CLUSTER)
            .name("platform")
            .version("1.31")
            .role_arn("arn:aws:iam::111122223333:role/eks-cluster")
            .resources_vpc_config(
                VpcConfigResponse::builder()
                    .subnet_ids("subnet-a")
                    .security_group_ids("sg-extra")
                    .cluster_security_group_id("sg-cluster")
                    .vpc_id("vpc-1")
                    .endpoint_public_access(true)
                    .endpoint_private_access(false)
                    .build(),
            )
            .encryption_config(
                EncryptionConfig::builder()
                    .provider(
                        Provider::builder()
                            .key_arn("arn:aws:kms:eu-west-1:111122223333:key/k1")
                            .build(),
                    )
                    .build(),
            )
            .tags("env", "prod")
            .build();
        let res = cluster(&c, REGION, ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "eks:cluster");
        assert_eq!(res.id, "platform");
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.sources, vec![Source::Eks]);
        let rels: Vec<(&str, &str)> = res
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect();
        let (sg_cluster, sg_extra, subnet, vpc) = (
            ec2("security-group", "sg-cluster"),
            ec2("security-group", "sg-extra"),
            ec2("subnet", "subnet-a"),
            ec2("vpc", "vpc-1"),
        );
        assert_eq!(
            rels,
            vec![
                ("has-security-group", sg_cluster.as_str()),
                ("has-security-group", sg_extra.as_str()),
                ("in-subnet", subnet.as_str()),
                ("in-vpc", vpc.as_str()),
                ("uses-key", "arn:aws:kms:eu-west-1:111122223333:key/k1"),
                ("uses-role", "arn:aws:iam::111122223333:role/eks-cluster"),
            ]
        );
        assert_eq!(res.attributes["version"], "1.31");
        assert_eq!(res.attributes["endpoint_public_access"], true);
        assert_eq!(res.attributes["envelope_encryption"], true);
    }

    #[test]
    fn node_group_has_its_cluster_role_and_subnets() {
        let g = Nodegroup::builder()
            .nodegroup_arn("arn:aws:eks:eu-west-1:111122223333:nodegroup/platform/general/abcd")
            .nodegroup_name("general")
            .cluster_name("platform")
            .node_role("arn:aws:iam::111122223333:role/eks-node")
            .subnets("subnet-a")
            .instance_types("m6i.large")
            .build();
        let res = nodegroup(&g, REGION, ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "eks:nodegroup");
        assert_eq!(res.related("in-cluster").collect::<Vec<_>>(), vec![CLUSTER]);
        assert_eq!(
            res.related("uses-role").collect::<Vec<_>>(),
            vec!["arn:aws:iam::111122223333:role/eks-node"]
        );
        assert_eq!(
            res.related("in-subnet").collect::<Vec<_>>(),
            vec![ec2("subnet", "subnet-a")]
        );
        assert_eq!(res.attributes["instance_types"], serde_json::json!(["m6i.large"]));
    }
}

/// moto answers the list calls in one page, so the second pages are read from a fake.
#[cfg(test)]
mod two_pages {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn answer(call: &Call) -> (u16, String) {
        // EKS is a REST protocol: the operation is the method and path, the token a query field.
        let op = call.operation.as_str();
        let second = op.contains("nextToken=page2");
        let n = if second { 2 } else { 1 };
        let token = if second { "" } else { r#","nextToken":"page2""# };
        let path = op.split_once(' ').map_or(op, |(_, p)| p);
        let path = path.split_once("/clusters").map_or(path, |(_, p)| p);
        let path = path.split('?').next().unwrap_or_default();
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let body = match parts.as_slice() {
            [] => format!(r#"{{"clusters":["c{n}"]{token}}}"#),
            [c] => format!(r#"{{"cluster":{{"name":"{c}","arn":"arn:aws:eks:eu-west-1:111122223333:cluster/{c}"}}}}"#),
            [c, "node-groups"] => format!(r#"{{"nodegroups":["{c}-g{n}"]{token}}}"#),
            [c, "node-groups", g] => format!(
                r#"{{"nodegroup":{{"nodegroupName":"{g}","clusterName":"{c}","nodegroupArn":"arn:aws:eks:eu-west-1:111122223333:nodegroup/{c}/{g}/x"}}}}"#
            ),
            other => panic!("unexpected {op}: {other:?}"),
        };
        (200, body)
    }

    #[test]
    fn clusters_and_node_groups_are_read_past_the_first_page() {
        let client = fake_client!(aws_sdk_eks, answer);
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        let mut ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, vec!["c1", "c1-g1", "c1-g2", "c2", "c2-g1", "c2-g2"]);
        // ListClusters 2; per cluster DescribeCluster 1, ListNodegroups 2, DescribeNodegroup 2.
        assert_eq!(result.requests, 2 + 2 * 5);
    }
}
