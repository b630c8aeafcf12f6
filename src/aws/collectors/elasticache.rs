//! The ElastiCache collector (per region): cache subnet groups (`DescribeCacheSubnetGroups`)
//! with their subnets and VPC; cache clusters (`DescribeCacheClusters`) with their subnet group,
//! subnets and security groups; replication groups (`DescribeReplicationGroups`) with their
//! encryption, KMS key, and the subnet group and security groups of their member clusters; and
//! the manual and automatic snapshots (`DescribeSnapshots`) with their source and key. Every
//! listing is paginated with a `Marker`. Tags come from the Tagging API. No cached data and no
//! AUTH token is read.

use std::collections::BTreeMap;

use aws_sdk_elasticache::Client;
use aws_sdk_elasticache::types::{CacheCluster, CacheSubnetGroup, ReplicationGroup, Snapshot};
use futures::future::BoxFuture;

use super::common::{self, Ident, date, first_error};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_elasticache, "elasticache");

pub struct ElastiCache;

const ACTIONS: &[Action] = &[
    action(
        "ElastiCache",
        "DescribeCacheClusters",
        "elasticache:DescribeCacheClusters",
    ),
    action(
        "ElastiCache",
        "DescribeCacheSubnetGroups",
        "elasticache:DescribeCacheSubnetGroups",
    ),
    action(
        "ElastiCache",
        "DescribeReplicationGroups",
        "elasticache:DescribeReplicationGroups",
    ),
    action("ElastiCache", "DescribeSnapshots", "elasticache:DescribeSnapshots"),
];

impl Collector<AwsScanSource> for ElastiCache {
    fn name(&self) -> &'static str {
        "elasticache"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon ElastiCache"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// `arn:aws:elasticache:REGION:ACCOUNT:KIND:NAME`, when the API leaves the ARN out.
fn cache_arn(region: &str, account: &str, kind: &str, name: &str) -> String {
    format!(
        "arn:{}:elasticache:{region}:{account}:{kind}:{name}",
        arn::partition_of(region)
    )
}

/// What a cluster needs of its subnet group: the group's ARN and its subnet ids.
#[derive(Debug, Clone, Default)]
pub struct SubnetGroupRef {
    pub arn: String,
    pub subnets: Vec<String>,
}

/// Reads every subnet group, cluster, replication group and snapshot of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut requests = 0;
    let mut groups: Vec<CacheSubnetGroup> = Vec::new();
    let (n, error) = paginate!(
        client.describe_cache_subnet_groups(),
        "DescribeCacheSubnetGroups",
        region,
        |page| {
            groups.extend(page.cache_subnet_groups().iter().cloned());
        }
    );
    requests += n;
    errors.extend(error);
    let mut clusters: Vec<CacheCluster> = Vec::new();
    let (n, error) = paginate!(
        client.describe_cache_clusters(),
        "DescribeCacheClusters",
        region,
        |page| {
            clusters.extend(page.cache_clusters().iter().cloned());
        }
    );
    requests += n;
    errors.extend(error);
    let mut replication: Vec<ReplicationGroup> = Vec::new();
    let (n, error) = paginate!(
        client.describe_replication_groups(),
        "DescribeReplicationGroups",
        region,
        |page| {
            replication.extend(page.replication_groups().iter().cloned());
        }
    );
    requests += n;
    errors.extend(error);
    let mut snapshots: Vec<Snapshot> = Vec::new();
    let (n, error) = paginate!(client.describe_snapshots(), "DescribeSnapshots", region, |page| {
        snapshots.extend(page.snapshots().iter().cloned());
    });
    requests += n;
    errors.extend(error);

    let mut out: Vec<Resource> = Vec::new();
    let mut by_name: BTreeMap<String, SubnetGroupRef> = BTreeMap::new();
    for g in &groups {
        if let Some(res) = subnet_group(g, region, account) {
            by_name.insert(
                res.id.clone(),
                SubnetGroupRef {
                    arn: res.arn.clone(),
                    subnets: res
                        .related("in-subnet")
                        .map(|s| s.rsplit('/').next().unwrap_or(s).to_owned())
                        .collect(),
                },
            );
            out.push(res);
        }
    }
    let cluster_resources: Vec<Resource> = clusters
        .iter()
        .filter_map(|c| {
            let group = c.cache_subnet_group_name().and_then(|n| by_name.get(n));
            cluster(c, group, region, account)
        })
        .collect();
    for g in &replication {
        let members: Vec<&Resource> = cluster_resources
            .iter()
            .filter(|c| {
                g.replication_group_id().is_some() && c.attr_str("replication_group") == g.replication_group_id()
            })
            .collect();
        out.extend(replication_group(g, &members, region, account));
    }
    out.extend(cluster_resources);
    out.extend(snapshots.iter().filter_map(|s| snapshot(s, region, account)));
    UnitResult {
        service: "elasticache",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// A cache subnet group, with its subnets and VPC.
pub fn subnet_group(g: &CacheSubnetGroup, region: &str, account: &str) -> Option<Resource> {
    let name = g.cache_subnet_group_name()?;
    let group_arn = g
        .arn()
        .map(str::to_owned)
        .unwrap_or_else(|| cache_arn(region, account, "subnetgroup", name));
    let subnets: Vec<&str> = g.subnets().iter().filter_map(|s| s.subnet_identifier()).collect();
    let mut relations = common::network_relations(region, account, subnets.iter().copied(), []);
    relations.extend(
        g.vpc_id()
            .filter(|v| !v.is_empty())
            .map(|v| Relation::new("in-vpc", arn::ec2(region, account, "vpc", v))),
    );
    let attrs = Attrs::default()
        .opt("description", g.cache_subnet_group_description())
        .set("subnets", subnets.len());
    let ident = Ident {
        arn: &group_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Elasticache,
        attrs,
        relations,
    ))
}

/// A cache cluster (a node of a replication group, or a standalone Memcached or Valkey/Redis
/// OSS cluster), with its subnet group's subnets when `group` is known.
pub fn cluster(c: &CacheCluster, group: Option<&SubnetGroupRef>, region: &str, account: &str) -> Option<Resource> {
    let id = c.cache_cluster_id()?;
    let cluster_arn = c
        .arn()
        .map(str::to_owned)
        .unwrap_or_else(|| cache_arn(region, account, "cluster", id));
    let mut security_groups: Vec<&str> = c
        .security_groups()
        .iter()
        .filter_map(|s| s.security_group_id())
        .collect();
    security_groups.sort_unstable();
    let subnets: Vec<&str> = group
        .map(|g| g.subnets.iter().map(String::as_str).collect())
        .unwrap_or_default();
    let mut relations = common::network_relations(region, account, subnets, security_groups.iter().copied());
    relations.extend(group.map(|g| Relation::new("in-subnet-group", g.arn.clone())));
    relations.extend(c.replication_group_id().map(|r| {
        Relation::new(
            "in-replication-group",
            cache_arn(region, account, "replicationgroup", r),
        )
    }));
    let attrs = Attrs::default()
        .opt("status", c.cache_cluster_status())
        .opt("engine", c.engine())
        .opt("engine_version", c.engine_version())
        .opt("node_type", c.cache_node_type())
        .opt("nodes", c.num_cache_nodes())
        .opt("availability_zone", c.preferred_availability_zone())
        .opt("subnet_group", c.cache_subnet_group_name())
        .opt("replication_group", c.replication_group_id())
        .opt("at_rest_encryption", c.at_rest_encryption_enabled())
        .opt("transit_encryption", c.transit_encryption_enabled())
        .opt("auth_token_enabled", c.auth_token_enabled())
        .opt("snapshot_retention_days", c.snapshot_retention_limit())
        .opt("created", date(c.cache_cluster_create_time()));
    let ident = Ident {
        arn: &cluster_arn,
        region,
        id,
        name: Some(id),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Elasticache,
        attrs,
        relations,
    ))
}

/// A replication group, with its key, and the subnets, subnet group and security groups of its
/// member clusters (`members`, as [`cluster`] made them).
pub fn replication_group(g: &ReplicationGroup, members: &[&Resource], region: &str, account: &str) -> Option<Resource> {
    let id = g.replication_group_id()?;
    let group_arn = g
        .arn()
        .map(str::to_owned)
        .unwrap_or_else(|| cache_arn(region, account, "replicationgroup", id));
    let mut relations: Vec<Relation> = members
        .iter()
        .flat_map(|m| m.relations.iter())
        .filter(|r| matches!(r.kind.as_str(), "in-subnet" | "has-security-group" | "in-subnet-group"))
        .cloned()
        .collect();
    relations.extend(
        g.kms_key_id()
            .and_then(|k| arn::kms_key(region, account, k))
            .map(|k| Relation::new("uses-key", k)),
    );
    let mut member_ids: Vec<&str> = g.member_clusters().iter().map(String::as_str).collect();
    member_ids.sort_unstable();
    let attrs = Attrs::default()
        .opt("status", g.status())
        .opt("engine", g.engine())
        .opt("description", g.description())
        .opt("node_type", g.cache_node_type())
        .opt("cluster_enabled", g.cluster_enabled())
        .opt("multi_az", g.multi_az().map(|m| m.as_str()))
        .opt("automatic_failover", g.automatic_failover().map(|a| a.as_str()))
        .opt("at_rest_encryption", g.at_rest_encryption_enabled())
        .opt("transit_encryption", g.transit_encryption_enabled())
        .opt("auth_token_enabled", g.auth_token_enabled())
        .opt("kms_key_id", g.kms_key_id())
        .opt("snapshot_retention_days", g.snapshot_retention_limit())
        .set("node_groups", g.node_groups().len())
        .set("member_clusters", member_ids)
        .opt(
            "global_replication_group",
            g.global_replication_group_info()
                .and_then(|i| i.global_replication_group_id()),
        )
        .opt("created", date(g.replication_group_create_time()));
    let ident = Ident {
        arn: &group_arn,
        region,
        id,
        name: Some(id),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Elasticache,
        attrs,
        relations,
    ))
}

/// A snapshot, with the replication group or cluster it was taken from and its key.
pub fn snapshot(s: &Snapshot, region: &str, account: &str) -> Option<Resource> {
    let name = s.snapshot_name()?;
    let snapshot_arn = s
        .arn()
        .map(str::to_owned)
        .unwrap_or_else(|| cache_arn(region, account, "snapshot", name));
    let mut relations: Vec<Relation> = Vec::new();
    if let Some(group) = s.replication_group_id() {
        relations.push(Relation::new(
            "from-replication-group",
            cache_arn(region, account, "replicationgroup", group),
        ));
    } else if let Some(cluster) = s.cache_cluster_id() {
        relations.push(Relation::new(
            "from-cluster",
            cache_arn(region, account, "cluster", cluster),
        ));
    }
    relations.extend(
        s.kms_key_id()
            .and_then(|k| arn::kms_key(region, account, k))
            .map(|k| Relation::new("uses-key", k)),
    );
    let attrs = Attrs::default()
        .opt("status", s.snapshot_status())
        .opt("source", s.snapshot_source())
        .opt("engine", s.engine())
        .opt("engine_version", s.engine_version())
        .opt("node_type", s.cache_node_type())
        .opt("kms_key_id", s.kms_key_id())
        .opt("replication_group", s.replication_group_id())
        .opt("cache_cluster", s.cache_cluster_id());
    let ident = Ident {
        arn: &snapshot_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Elasticache,
        attrs,
        relations,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticache::types::{AutomaticFailoverStatus, SecurityGroupMembership, Subnet};

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";

    fn ec2(kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:eu-west-1:111122223333:{kind}/{id}")
    }

    fn rels(res: &Resource) -> Vec<(&str, &str)> {
        res.relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect()
    }

    #[test]
    fn a_cluster_of_a_replication_group_links_its_network_and_group() {
        let group = CacheSubnetGroup::builder()
            .cache_subnet_group_name("cache-net")
            .vpc_id("vpc-1")
            .subnets(Subnet::builder().subnet_identifier("subnet-b").build())
            .subnets(Subnet::builder().subnet_identifier("subnet-a").build())
            .build();
        let group = subnet_group(&group, REGION, ACCOUNT).unwrap();
        assert_eq!(
            group.arn,
            "arn:aws:elasticache:eu-west-1:111122223333:subnetgroup:cache-net"
        );
        assert_eq!(group.resource_type, "elasticache:subnetgroup");
        let (sa, sb, vpc) = (
            ec2("subnet", "subnet-a"),
            ec2("subnet", "subnet-b"),
            ec2("vpc", "vpc-1"),
        );
        assert_eq!(
            rels(&group),
            vec![
                ("in-subnet", sa.as_str()),
                ("in-subnet", sb.as_str()),
                ("in-vpc", vpc.as_str())
            ]
        );
        let reference = SubnetGroupRef {
            arn: group.arn.clone(),
            subnets: vec!["subnet-a".into(), "subnet-b".into()],
        };
        let c = CacheCluster::builder()
            .cache_cluster_id("sessions-001")
            .engine("redis")
            .cache_node_type("cache.t3.micro")
            .cache_cluster_status("available")
            .num_cache_nodes(1)
            .cache_subnet_group_name("cache-net")
            .replication_group_id("sessions")
            .at_rest_encryption_enabled(true)
            .security_groups(SecurityGroupMembership::builder().security_group_id("sg-1").build())
            .build();
        let res = cluster(&c, Some(&reference), REGION, ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "elasticache:cluster");
        let sg = ec2("security-group", "sg-1");
        assert_eq!(
            rels(&res),
            vec![
                ("has-security-group", sg.as_str()),
                (
                    "in-replication-group",
                    "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:sessions"
                ),
                ("in-subnet", sa.as_str()),
                ("in-subnet", sb.as_str()),
                ("in-subnet-group", group.arn.as_str()),
            ]
        );
        assert_eq!(res.attributes["engine"], "redis");
        assert_eq!(res.attributes["at_rest_encryption"], true);

        let g = ReplicationGroup::builder()
            .replication_group_id("sessions")
            .status("available")
            .member_clusters("sessions-002")
            .member_clusters("sessions-001")
            .automatic_failover(AutomaticFailoverStatus::Enabled)
            .at_rest_encryption_enabled(true)
            .transit_encryption_enabled(true)
            .kms_key_id("arn:aws:kms:eu-west-1:111122223333:key/k1")
            .build();
        let rg = replication_group(&g, &[&res], REGION, ACCOUNT).unwrap();
        assert_eq!(rg.resource_type, "elasticache:replicationgroup");
        assert_eq!(
            rels(&rg),
            vec![
                ("has-security-group", sg.as_str()),
                ("in-subnet", sa.as_str()),
                ("in-subnet", sb.as_str()),
                ("in-subnet-group", group.arn.as_str()),
                ("uses-key", "arn:aws:kms:eu-west-1:111122223333:key/k1"),
            ]
        );
        assert_eq!(
            rg.attributes["member_clusters"],
            serde_json::json!(["sessions-001", "sessions-002"])
        );
        assert_eq!(rg.attributes["automatic_failover"], "enabled");
        assert_eq!(rg.attributes["transit_encryption"], true);
    }

    #[test]
    fn a_snapshot_names_its_source() {
        let s = Snapshot::builder()
            .snapshot_name("nightly")
            .replication_group_id("sessions")
            .snapshot_source("manual")
            .snapshot_status("available")
            .build();
        let res = snapshot(&s, REGION, ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "elasticache:snapshot");
        assert_eq!(
            rels(&res),
            vec![(
                "from-replication-group",
                "arn:aws:elasticache:eu-west-1:111122223333:replicationgroup:sessions"
            )]
        );
        let s = Snapshot::builder()
            .snapshot_name("one")
            .cache_cluster_id("memc")
            .build();
        let res = snapshot(&s, REGION, ACCOUNT).unwrap();
        assert_eq!(
            rels(&res),
            vec![(
                "from-cluster",
                "arn:aws:elasticache:eu-west-1:111122223333:cluster:memc"
            )]
        );
    }
}

/// moto answers every listing in one page; the second pages are read from a fake.
#[cfg(test)]
mod two_pages {
    use super::super::common::fake::fake_client;
    use super::super::common::fake::{self, Call};
    use super::*;

    /// (operation, list element, item element, id element) of every listing.
    const SHAPES: &[(&str, &str, &str, &str)] = &[
        (
            "DescribeCacheSubnetGroups",
            "CacheSubnetGroups",
            "CacheSubnetGroup",
            "CacheSubnetGroupName",
        ),
        (
            "DescribeCacheClusters",
            "CacheClusters",
            "CacheCluster",
            "CacheClusterId",
        ),
        (
            "DescribeReplicationGroups",
            "ReplicationGroups",
            "ReplicationGroup",
            "ReplicationGroupId",
        ),
        ("DescribeSnapshots", "Snapshots", "Snapshot", "SnapshotName"),
    ];

    fn answer(call: &Call) -> (u16, String) {
        let op = call.operation.as_str();
        let second = call.body.contains("Marker=page2");
        let n = if second { 2 } else { 1 };
        let (_, list, item, id) = SHAPES
            .iter()
            .find(|(o, ..)| *o == op)
            .unwrap_or_else(|| panic!("unexpected {op}"));
        let marker = if second { "" } else { "<Marker>page2</Marker>" };
        let body = format!(
            "<{op}Response xmlns=\"http://elasticache.amazonaws.com/doc/2015-02-02/\"><{op}Result>\
             <{list}><{item}><{id}>x-{n}</{id}></{item}></{list}>{marker}</{op}Result>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{op}Response>"
        );
        (200, body)
    }

    #[test]
    fn every_listing_reads_the_second_page() {
        let client = fake_client!(aws_sdk_elasticache, answer);
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        assert_eq!(result.requests, 4 * 2);
        for ty in [
            "elasticache:subnetgroup",
            "elasticache:cluster",
            "elasticache:replicationgroup",
            "elasticache:snapshot",
        ] {
            let mut ids: Vec<&str> = result
                .resources
                .iter()
                .filter(|r| r.resource_type == ty)
                .map(|r| r.id.as_str())
                .collect();
            ids.sort_unstable();
            assert_eq!(ids, vec!["x-1", "x-2"], "{ty}");
        }
    }
}
