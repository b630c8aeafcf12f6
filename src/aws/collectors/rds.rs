//! The RDS collector (per region): DB instances, Aurora (and Multi-AZ) DB clusters, the
//! account's manual DB and cluster snapshots (`SnapshotType=manual`: only the account's own;
//! snapshots shared by other accounts are `shared` and not asked for) and DB subnet groups, one
//! describe operation per part, every page. Each resource relates to its subnets (through its
//! subnet group), security groups, key and cluster; the attributes are what a move needs:
//! engine, version, class, encryption, Multi-AZ, public access, backup retention, parameter and
//! option group names. Tags come with the describe answers (`TagList`) and from the Tagging API.

use aws_sdk_rds::Client;
use aws_sdk_rds::types::{self as sdk, Tag};
use futures::future::BoxFuture;

use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_rds, "rds");

pub struct Rds;

const PARTS: &[&str] = &[
    "instances",
    "clusters",
    "snapshots",
    "cluster-snapshots",
    "subnet-groups",
];

const ACTIONS: &[Action] = &[
    action("RDS", "DescribeDBClusterSnapshots", "rds:DescribeDBClusterSnapshots"),
    action("RDS", "DescribeDBClusters", "rds:DescribeDBClusters"),
    action("RDS", "DescribeDBInstances", "rds:DescribeDBInstances"),
    action("RDS", "DescribeDBSnapshots", "rds:DescribeDBSnapshots"),
    action("RDS", "DescribeDBSubnetGroups", "rds:DescribeDBSubnetGroups"),
];

impl Collector<AwsScanSource> for Rds {
    fn name(&self) -> &'static str {
        "rds"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn parts(&self) -> &'static [&'static str] {
        PARTS
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon Relational Database Service"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let client: Client = source.aws().client(task.region);
            describe(&client, task.region, task.account, task.part).await
        })
    }
}

/// Runs one part's describe operation over every page.
async fn describe(client: &Client, region: &str, account: &str, part: &str) -> UnitResult {
    let cx = Ctx { region, account };
    let mut out = Vec::new();
    let (requests, error) = match part {
        "instances" => paginate!(
            client.describe_db_instances().max_records(100),
            "DescribeDBInstances",
            region,
            |page| {
                out.extend(page.db_instances().iter().filter_map(|d| db_instance(&cx, d)));
            }
        ),
        "clusters" => paginate!(
            client.describe_db_clusters().max_records(100),
            "DescribeDBClusters",
            region,
            |page| {
                out.extend(page.db_clusters().iter().filter_map(|c| db_cluster(&cx, c)));
            }
        ),
        "snapshots" => paginate!(
            client.describe_db_snapshots().snapshot_type("manual").max_records(100),
            "DescribeDBSnapshots",
            region,
            |page| {
                out.extend(page.db_snapshots().iter().filter_map(|s| db_snapshot(&cx, s)));
            }
        ),
        "cluster-snapshots" => paginate!(
            client
                .describe_db_cluster_snapshots()
                .snapshot_type("manual")
                .max_records(100),
            "DescribeDBClusterSnapshots",
            region,
            |page| {
                out.extend(
                    page.db_cluster_snapshots()
                        .iter()
                        .filter_map(|s| db_cluster_snapshot(&cx, s)),
                );
            }
        ),
        "subnet-groups" => paginate!(
            client.describe_db_subnet_groups().max_records(100),
            "DescribeDBSubnetGroups",
            region,
            |page| {
                out.extend(page.db_subnet_groups().iter().filter_map(|g| subnet_group(&cx, g)));
            }
        ),
        other => unreachable!("the scan runs only the parts the collector lists, not {other}"),
    };
    UnitResult {
        service: "rds",
        region: region.to_owned(),
        resources: out,
        requests,
        error,
    }
}

/// Facts every RDS resource of one (region, account) shares.
pub(crate) struct Ctx<'a> {
    pub region: &'a str,
    pub account: &'a str,
}

impl Ctx<'_> {
    /// `arn:aws:rds:REGION:ACCOUNT:KIND:NAME`, as the Tagging API spells RDS ARNs.
    fn arn(&self, kind: &str, name: &str) -> String {
        format!(
            "arn:{}:rds:{}:{}:{kind}:{name}",
            arn::partition_of(self.region),
            self.region,
            self.account
        )
    }

    fn resource(
        &self,
        arn: String,
        kind: &str,
        id: &str,
        tags: &[Tag],
        attrs: Attrs,
        mut relations: Vec<Relation>,
    ) -> Resource {
        relations.sort();
        relations.dedup();
        let tags: SortedMap<String> = tags
            .iter()
            .filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned())))
            .collect();
        Resource {
            arn,
            service: "rds".to_owned(),
            resource_type: format!("rds:{kind}"),
            region: Some(self.region.to_owned()),
            id: id.to_owned(),
            name: Some(id.to_owned()),
            tags,
            sources: vec![Source::Rds],
            relations,
            attributes: attrs.into_map(),
        }
    }

    fn ec2(&self, kind: &str, target_kind: &str, id: Option<&str>) -> Option<Relation> {
        id.filter(|id| !id.is_empty())
            .map(|id| Relation::new(kind, arn::ec2(self.region, self.account, target_kind, id)))
    }

    fn key(&self, key: Option<&str>) -> Option<Relation> {
        arn::kms_key(self.region, self.account, key?).map(|a| Relation::new("uses-key", a))
    }

    fn groups(&self, groups: &[sdk::VpcSecurityGroupMembership]) -> Vec<Relation> {
        groups
            .iter()
            .filter_map(|g| self.ec2("has-security-group", "security-group", g.vpc_security_group_id()))
            .collect()
    }

    fn subnet_group_rels(&self, name: Option<&str>, subnets: &[sdk::Subnet]) -> Vec<Relation> {
        let mut rels: Vec<Relation> = name
            .filter(|n| !n.is_empty())
            .map(|n| Relation::new("in-subnet-group", self.arn("subgrp", n)))
            .into_iter()
            .collect();
        rels.extend(
            subnets
                .iter()
                .filter_map(|s| self.ec2("in-subnet", "subnet", s.subnet_identifier())),
        );
        rels
    }
}

pub(crate) fn db_instance(cx: &Ctx<'_>, d: &sdk::DbInstance) -> Option<Resource> {
    let id = d.db_instance_identifier()?;
    let arn = d.db_instance_arn().map_or_else(|| cx.arn("db", id), str::to_owned);
    let group = d.db_subnet_group();
    let mut relations = cx.subnet_group_rels(
        group.and_then(|g| g.db_subnet_group_name()),
        group.map(|g| g.subnets()).unwrap_or_default(),
    );
    relations.extend(cx.ec2("in-vpc", "vpc", group.and_then(|g| g.vpc_id())));
    relations.extend(cx.groups(d.vpc_security_groups()));
    relations.extend(cx.key(d.kms_key_id()));
    relations.extend(
        d.db_cluster_identifier()
            .map(|c| Relation::new("in-cluster", cx.arn("cluster", c))),
    );
    let mut parameter_groups: Vec<&str> = d
        .db_parameter_groups()
        .iter()
        .filter_map(|g| g.db_parameter_group_name())
        .collect();
    parameter_groups.sort_unstable();
    let mut option_groups: Vec<&str> = d
        .option_group_memberships()
        .iter()
        .filter_map(|g| g.option_group_name())
        .collect();
    option_groups.sort_unstable();
    // A group of the account's own (not AWS's `default.` or `default:` ones) is a part of the
    // database: the Tagging API reports it by these ARNs, and it moves in the database's unit.
    relations.extend(
        parameter_groups
            .iter()
            .filter(|g| !g.starts_with("default."))
            .map(|g| Relation::new("uses-parameter-group", cx.arn("pg", g))),
    );
    relations.extend(
        option_groups
            .iter()
            .filter(|g| !g.starts_with("default:"))
            .map(|g| Relation::new("uses-option-group", cx.arn("og", g))),
    );
    let attrs = Attrs::default()
        .opt("status", d.db_instance_status())
        .opt("engine", d.engine())
        .opt("engine_version", d.engine_version())
        .opt("instance_class", d.db_instance_class())
        .opt("allocated_storage_gib", d.allocated_storage())
        .set("encrypted", d.storage_encrypted().unwrap_or(false))
        .opt("kms_key_id", d.kms_key_id())
        .opt("multi_az", d.multi_az())
        .opt("publicly_accessible", d.publicly_accessible())
        .opt("backup_retention_days", d.backup_retention_period())
        .set("parameter_groups", parameter_groups)
        .set("option_groups", option_groups)
        .opt("cluster", d.db_cluster_identifier());
    Some(cx.resource(arn, "db", id, d.tag_list(), attrs, relations))
}

pub(crate) fn db_cluster(cx: &Ctx<'_>, c: &sdk::DbCluster) -> Option<Resource> {
    let id = c.db_cluster_identifier()?;
    let arn = c.db_cluster_arn().map_or_else(|| cx.arn("cluster", id), str::to_owned);
    let mut relations = cx.subnet_group_rels(c.db_subnet_group(), &[]);
    relations.extend(cx.groups(c.vpc_security_groups()));
    relations.extend(cx.key(c.kms_key_id()));
    relations.extend(
        c.db_cluster_parameter_group()
            .filter(|g| !g.starts_with("default."))
            .map(|g| Relation::new("uses-parameter-group", cx.arn("cluster-pg", g))),
    );
    let mut members: Vec<&str> = c
        .db_cluster_members()
        .iter()
        .filter_map(|m| m.db_instance_identifier())
        .collect();
    members.sort_unstable();
    let attrs = Attrs::default()
        .opt("status", c.status())
        .opt("engine", c.engine())
        .opt("engine_version", c.engine_version())
        .opt("instance_class", c.db_cluster_instance_class())
        .set("encrypted", c.storage_encrypted().unwrap_or(false))
        .opt("kms_key_id", c.kms_key_id())
        .opt("multi_az", c.multi_az())
        .opt("publicly_accessible", c.publicly_accessible())
        .opt("backup_retention_days", c.backup_retention_period())
        .opt("parameter_group", c.db_cluster_parameter_group())
        .set("members", members);
    Some(cx.resource(arn, "cluster", id, c.tag_list(), attrs, relations))
}

pub(crate) fn db_snapshot(cx: &Ctx<'_>, s: &sdk::DbSnapshot) -> Option<Resource> {
    let id = s.db_snapshot_identifier()?;
    let arn = s
        .db_snapshot_arn()
        .map_or_else(|| cx.arn("snapshot", id), str::to_owned);
    let mut relations: Vec<Relation> = s
        .db_instance_identifier()
        .map(|d| Relation::new("from-db", cx.arn("db", d)))
        .into_iter()
        .collect();
    relations.extend(cx.key(s.kms_key_id()));
    let attrs = Attrs::default()
        .opt("status", s.status())
        .opt("engine", s.engine())
        .opt("engine_version", s.engine_version())
        .opt("allocated_storage_gib", s.allocated_storage())
        .set("encrypted", s.encrypted().unwrap_or(false))
        .opt("kms_key_id", s.kms_key_id())
        .opt("snapshot_type", s.snapshot_type())
        .opt("db_instance", s.db_instance_identifier());
    Some(cx.resource(arn, "snapshot", id, s.tag_list(), attrs, relations))
}

pub(crate) fn db_cluster_snapshot(cx: &Ctx<'_>, s: &sdk::DbClusterSnapshot) -> Option<Resource> {
    let id = s.db_cluster_snapshot_identifier()?;
    let arn = s
        .db_cluster_snapshot_arn()
        .map_or_else(|| cx.arn("cluster-snapshot", id), str::to_owned);
    let mut relations: Vec<Relation> = s
        .db_cluster_identifier()
        .map(|c| Relation::new("from-cluster", cx.arn("cluster", c)))
        .into_iter()
        .collect();
    relations.extend(cx.key(s.kms_key_id()));
    let attrs = Attrs::default()
        .opt("status", s.status())
        .opt("engine", s.engine())
        .opt("engine_version", s.engine_version())
        .set("encrypted", s.storage_encrypted().unwrap_or(false))
        .opt("kms_key_id", s.kms_key_id())
        .opt("snapshot_type", s.snapshot_type())
        .opt("db_cluster", s.db_cluster_identifier());
    Some(cx.resource(arn, "cluster-snapshot", id, s.tag_list(), attrs, relations))
}

pub(crate) fn subnet_group(cx: &Ctx<'_>, g: &sdk::DbSubnetGroup) -> Option<Resource> {
    let name = g.db_subnet_group_name()?;
    let arn = g
        .db_subnet_group_arn()
        .map_or_else(|| cx.arn("subgrp", name), str::to_owned);
    let mut relations: Vec<Relation> = g
        .subnets()
        .iter()
        .filter_map(|s| cx.ec2("in-subnet", "subnet", s.subnet_identifier()))
        .collect();
    relations.extend(cx.ec2("in-vpc", "vpc", g.vpc_id()));
    let attrs = Attrs::default()
        .opt("description", g.db_subnet_group_description())
        .opt("status", g.subnet_group_status())
        .set("subnets", g.subnets().len());
    Some(cx.resource(arn, "subgrp", name, &[], attrs, relations))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACCOUNT: &str = "111122223333";
    const REGION: &str = "eu-west-1";
    const CX: Ctx<'static> = Ctx {
        region: REGION,
        account: ACCOUNT,
    };

    fn has(r: &Resource, kind: &str, target: &str) -> bool {
        r.relations.iter().any(|rel| rel.kind == kind && rel.arn == target)
    }

    fn ec2(kind: &str, id: &str) -> String {
        arn::ec2(REGION, ACCOUNT, kind, id)
    }

    const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/k1";

    #[test]
    fn instance_has_engine_encryption_groups_and_its_network_and_cluster() {
        let d = sdk::DbInstance::builder()
            .db_instance_identifier("orders-dev")
            .db_instance_arn(format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-dev"))
            .db_instance_status("available")
            .engine("aurora-postgresql")
            .engine_version("15.4")
            .db_instance_class("db.r6g.large")
            .storage_encrypted(true)
            .kms_key_id(KEY)
            .multi_az(false)
            .publicly_accessible(false)
            .backup_retention_period(7)
            .db_cluster_identifier("orders")
            .db_parameter_groups(
                sdk::DbParameterGroupStatus::builder()
                    .db_parameter_group_name("pg-b")
                    .build(),
            )
            .db_parameter_groups(
                sdk::DbParameterGroupStatus::builder()
                    .db_parameter_group_name("pg-a")
                    .build(),
            )
            .option_group_memberships(
                sdk::OptionGroupMembership::builder()
                    .option_group_name("default:postgres-15")
                    .build(),
            )
            .db_subnet_group(
                sdk::DbSubnetGroup::builder()
                    .db_subnet_group_name("orders-subnets")
                    .vpc_id("vpc-1")
                    .subnets(sdk::Subnet::builder().subnet_identifier("subnet-a").build())
                    .subnets(sdk::Subnet::builder().subnet_identifier("subnet-b").build())
                    .build(),
            )
            .vpc_security_groups(
                sdk::VpcSecurityGroupMembership::builder()
                    .vpc_security_group_id("sg-1")
                    .build(),
            )
            .tag_list(Tag::builder().key("Environment").value("dev").build())
            .build();
        let r = db_instance(&CX, &d).unwrap();
        assert_eq!(r.arn, format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-dev"));
        assert_eq!(r.resource_type, "rds:db");
        assert_eq!(r.name.as_deref(), Some("orders-dev"));
        assert_eq!(r.tags["Environment"], "dev");
        assert_eq!(r.sources, vec![Source::Rds]);
        assert!(has(&r, "in-subnet", &ec2("subnet", "subnet-a")));
        assert!(has(&r, "in-subnet", &ec2("subnet", "subnet-b")));
        assert!(has(&r, "in-vpc", &ec2("vpc", "vpc-1")));
        assert!(has(&r, "has-security-group", &ec2("security-group", "sg-1")));
        assert!(has(&r, "uses-key", KEY));
        assert!(has(
            &r,
            "in-subnet-group",
            &format!("arn:aws:rds:{REGION}:{ACCOUNT}:subgrp:orders-subnets")
        ));
        assert!(has(
            &r,
            "in-cluster",
            &format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:orders")
        ));
        let a = &r.attributes;
        assert_eq!(a["engine"], "aurora-postgresql");
        assert_eq!(a["engine_version"], "15.4");
        assert_eq!(a["instance_class"], "db.r6g.large");
        assert_eq!(a["encrypted"], true);
        assert_eq!(a["multi_az"], false);
        assert_eq!(a["publicly_accessible"], false);
        assert_eq!(a["backup_retention_days"], 7);
        assert_eq!(a["parameter_groups"], serde_json::json!(["pg-a", "pg-b"]));
        assert_eq!(a["option_groups"], serde_json::json!(["default:postgres-15"]));
        // The account's own parameter groups are parts of the database; AWS's default ones are not.
        for pg in ["pg-a", "pg-b"] {
            assert!(has(
                &r,
                "uses-parameter-group",
                &format!("arn:aws:rds:{REGION}:{ACCOUNT}:pg:{pg}")
            ));
        }
        assert!(
            !r.relations.iter().any(|rel| rel.kind == "uses-option-group"),
            "{:?}",
            r.relations
        );
    }

    #[test]
    fn unencrypted_instance_without_arn_gets_one_built_and_no_key() {
        let d = sdk::DbInstance::builder().db_instance_identifier("legacy").build();
        let r = db_instance(&CX, &d).unwrap();
        assert_eq!(r.arn, format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:legacy"));
        assert_eq!(r.attributes["encrypted"], false);
        assert!(r.relations.is_empty());
    }

    #[test]
    fn cluster_lists_members_and_uses_its_subnet_group_and_key() {
        let c = sdk::DbCluster::builder()
            .db_cluster_identifier("orders")
            .engine("aurora-mysql")
            .storage_encrypted(true)
            .kms_key_id(KEY)
            .db_subnet_group("orders-subnets")
            .db_cluster_parameter_group("cpg")
            .db_cluster_members(
                sdk::DbClusterMember::builder()
                    .db_instance_identifier("orders-2")
                    .build(),
            )
            .db_cluster_members(
                sdk::DbClusterMember::builder()
                    .db_instance_identifier("orders-1")
                    .build(),
            )
            .build();
        let r = db_cluster(&CX, &c).unwrap();
        assert_eq!(r.resource_type, "rds:cluster");
        assert_eq!(r.attributes["members"], serde_json::json!(["orders-1", "orders-2"]));
        assert_eq!(r.attributes["parameter_group"], "cpg");
        assert!(has(&r, "uses-key", KEY));
        assert!(has(
            &r,
            "in-subnet-group",
            &format!("arn:aws:rds:{REGION}:{ACCOUNT}:subgrp:orders-subnets")
        ));
    }

    #[test]
    fn snapshots_name_their_source_and_key() {
        let s = sdk::DbSnapshot::builder()
            .db_snapshot_identifier("orders-before-move")
            .db_instance_identifier("orders-dev")
            .encrypted(true)
            .kms_key_id(KEY)
            .snapshot_type("manual")
            .build();
        let r = db_snapshot(&CX, &s).unwrap();
        assert_eq!(r.resource_type, "rds:snapshot");
        assert!(has(
            &r,
            "from-db",
            &format!("arn:aws:rds:{REGION}:{ACCOUNT}:db:orders-dev")
        ));
        assert!(has(&r, "uses-key", KEY));
        let s = sdk::DbClusterSnapshot::builder()
            .db_cluster_snapshot_identifier("orders-c")
            .db_cluster_identifier("orders")
            .storage_encrypted(false)
            .build();
        let r = db_cluster_snapshot(&CX, &s).unwrap();
        assert_eq!(r.resource_type, "rds:cluster-snapshot");
        assert_eq!(r.attributes["encrypted"], false);
        assert!(has(
            &r,
            "from-cluster",
            &format!("arn:aws:rds:{REGION}:{ACCOUNT}:cluster:orders")
        ));
    }

    #[test]
    fn subnet_group_is_in_its_vpc_and_subnets() {
        let g = sdk::DbSubnetGroup::builder()
            .db_subnet_group_name("orders-subnets")
            .vpc_id("vpc-1")
            .subnets(sdk::Subnet::builder().subnet_identifier("subnet-a").build())
            .build();
        let r = subnet_group(&CX, &g).unwrap();
        assert_eq!(r.resource_type, "rds:subgrp");
        assert_eq!(r.attributes["subnets"], 1);
        assert!(has(&r, "in-vpc", &ec2("vpc", "vpc-1")));
        assert!(has(&r, "in-subnet", &ec2("subnet", "subnet-a")));
    }

    /// moto answers the RDS describe calls in one page when there are few resources, so
    /// pagination is tested against the shared fake: every part answers two pages of one item
    /// each, the first with a `Marker`.
    mod two_pages {
        use super::super::*;
        use super::{ACCOUNT, REGION};
        use crate::aws::collectors::fake_pages::{FakeHttp, Seen, block_on, fake_client};

        /// (operation, list element, item element, id element) of every part.
        const SHAPES: &[(&str, &str, &str, &str)] = &[
            (
                "DescribeDBInstances",
                "DBInstances",
                "DBInstance",
                "DBInstanceIdentifier",
            ),
            ("DescribeDBClusters", "DBClusters", "DBCluster", "DBClusterIdentifier"),
            (
                "DescribeDBSnapshots",
                "DBSnapshots",
                "DBSnapshot",
                "DBSnapshotIdentifier",
            ),
            (
                "DescribeDBClusterSnapshots",
                "DBClusterSnapshots",
                "DBClusterSnapshot",
                "DBClusterSnapshotIdentifier",
            ),
            (
                "DescribeDBSubnetGroups",
                "DBSubnetGroups",
                "DBSubnetGroup",
                "DBSubnetGroupName",
            ),
        ];

        fn page(seen: &Seen) -> (u16, String) {
            let operation = seen.query_field("Action");
            let second = seen.query_field("Marker") == "page2";
            let n = if second { 2 } else { 1 };
            let (_, list, item, id) = SHAPES
                .iter()
                .find(|(op, ..)| *op == operation)
                .unwrap_or_else(|| panic!("no fake page for {operation}"));
            let marker = if second { "" } else { "<Marker>page2</Marker>" };
            let body = format!(
                "<{operation}Response xmlns=\"http://rds.amazonaws.com/doc/2014-10-31/\"><{operation}Result>\
                 <{list}><{item}><{id}>x-{n}</{id}></{item}></{list}>{marker}</{operation}Result>\
                 <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{operation}Response>"
            );
            (200, body)
        }

        #[test]
        fn every_part_reads_the_second_page() {
            for part in PARTS {
                let http = FakeHttp::new(page);
                let client = fake_client!(aws_sdk_rds, REGION, http);
                let result = block_on(describe(&client, REGION, ACCOUNT, part));
                assert!(result.error.is_none(), "{part}: {:?}", result.error);
                assert_eq!(result.requests, 2, "{part}");
                assert_eq!(http.requests().len(), 2, "{part}");
                let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
                assert_eq!(ids, vec!["x-1", "x-2"], "{part}");
            }
        }
    }
}
