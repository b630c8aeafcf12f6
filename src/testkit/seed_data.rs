//! Seeds the services of issue 12 (KMS, RDS, Lambda, DynamoDB, load balancers) into the emulator,
//! in two regions, half of each type tagged and half never tagged, for the seeded scan test
//! (`tests/integration/scan_services.rs`). Like `seed.rs`, a failed call panics with what it was.

use aws_config::SdkConfig;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::region::Region;

use super::seed::Expected;

/// The regions seeded.
pub const SERVICE_REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// The key id moto's `alias/aws/rds` points at (moto never lists it in `ListKeys`).
pub const MOTO_AWS_RDS_KEY: &str = "f5f30938-abed-41a2-a0f6-5482d02a2489";
/// The master password of the seeded databases, which no inventory may contain.
pub const RDS_PASSWORD: &str = "not-a-real-password-1";
/// Types the seed tags but moto's Tagging API does not list (it lists RDS databases, clusters
/// and snapshots, not DB subnet groups; nor Lambda event source mappings), so the scan sees them
/// without a `tagging` source.
pub const UNLISTED_BY_MOTO_TAGGING: &[&str] = &["rds:subgrp", "lambda:event-source-mapping"];

/// What the services seed created.
#[derive(Debug, Default)]
pub struct ServicesSeeded {
    pub account_id: String,
    /// Sorted by ARN.
    pub expected: Vec<Expected>,
}

impl ServicesSeeded {
    pub(crate) fn add(&mut self, arn: &str, resource_type: &str, region: &str, tagged: bool) {
        self.expected.push(Expected {
            arn: arn.to_owned(),
            resource_type: resource_type.to_owned(),
            region: Some(region.to_owned()),
            tagged,
            relations: Vec::new(),
        });
    }

    pub(crate) fn relate(&mut self, arn: &str, kind: &str, target: &str) {
        let entry = self
            .expected
            .iter_mut()
            .find(|e| e.arn == arn)
            .unwrap_or_else(|| panic!("seeding: relation from {arn}, which was not recorded"));
        entry.relations.push((kind.to_owned(), target.to_owned()));
    }

    pub fn of_type<'a>(&'a self, resource_type: &'a str) -> impl Iterator<Item = &'a Expected> + 'a {
        self.expected.iter().filter(move |e| e.resource_type == resource_type)
    }
}

fn must<T, E: std::error::Error + 'static>(what: &str, result: Result<T, E>) -> T {
    result.unwrap_or_else(|err| panic!("seeding: {what}: {}", DisplayErrorContext(&err)))
}

/// Seeds every issue-12 service in [`SERVICE_REGIONS`].
pub async fn seed_services(cfg: &SdkConfig, account_id: &str) -> ServicesSeeded {
    let mut seeded = ServicesSeeded {
        account_id: account_id.to_owned(),
        ..Default::default()
    };
    for region in SERVICE_REGIONS {
        let kms = Kms::new(cfg, region);
        let short = if region == "us-east-1" { "east" } else { "west" };
        let key = kms
            .key(
                &mut seeded,
                &format!("orders-dev-{short}"),
                &[("Environment", "dev")],
                true,
            )
            .await;
        kms.key(&mut seeded, &format!("untagged-{short}"), &[], false).await;
        let net = Network::new(cfg, region, account_id).await;
        Rds::new(cfg, region, account_id)
            .seed(&mut seeded, &net, &key, short)
            .await;
        let cx = super::seed_svc12::Ctx {
            cfg,
            region,
            account: account_id,
            short,
            net: &net,
            key: &key,
        };
        super::seed_svc12::seed(&mut seeded, &cx).await;
    }
    for e in &mut seeded.expected {
        e.relations.sort();
        e.relations.dedup();
    }
    seeded.expected.sort();
    seeded
}

/// A KMS client for one region.
pub struct Kms {
    client: aws_sdk_kms::Client,
    region: String,
}

impl Kms {
    pub fn new(cfg: &SdkConfig, region: &str) -> Self {
        let conf = aws_sdk_kms::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build();
        Kms {
            client: aws_sdk_kms::Client::from_conf(conf),
            region: region.to_owned(),
        }
    }

    /// A customer-managed key with `alias/NAME`, tagged or not, with rotation on or off; its ARN.
    pub async fn key(&self, seeded: &mut ServicesSeeded, alias: &str, tags: &[(&str, &str)], rotate: bool) -> String {
        let tags: Vec<aws_sdk_kms::types::Tag> = tags
            .iter()
            .map(|(k, v)| {
                aws_sdk_kms::types::Tag::builder()
                    .tag_key(*k)
                    .tag_value(*v)
                    .build()
                    .expect("tag key and value")
            })
            .collect();
        let what = format!("kms CreateKey {alias} in {}", self.region);
        let out = must(
            &what,
            self.client
                .create_key()
                .description(format!("{alias} key"))
                .set_tags((!tags.is_empty()).then_some(tags.clone()))
                .send()
                .await,
        );
        let meta = out.key_metadata().expect("CreateKey returns the key metadata");
        let (id, arn) = (meta.key_id().to_owned(), meta.arn().unwrap_or_default().to_owned());
        must(
            &what,
            self.client
                .create_alias()
                .alias_name(format!("alias/{alias}"))
                .target_key_id(&id)
                .send()
                .await,
        );
        if rotate {
            must(&what, self.client.enable_key_rotation().key_id(&id).send().await);
        }
        seeded.add(&arn, "kms:key", &self.region, !tags.is_empty());
        arn
    }
}

/// A VPC with two subnets and a security group, for the services that run in one.
pub struct Network {
    pub region: String,
    pub account: String,
    pub vpc: String,
    pub subnets: Vec<String>,
    pub security_group: String,
}

impl Network {
    pub async fn new(cfg: &SdkConfig, region: &str, account: &str) -> Network {
        let conf = aws_sdk_ec2::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build();
        let ec2 = aws_sdk_ec2::Client::from_conf(conf);
        let what = format!("ec2 network for the services in {region}");
        let vpc = must(&what, ec2.create_vpc().cidr_block("10.42.0.0/16").send().await);
        let vpc = vpc.vpc().and_then(|v| v.vpc_id()).expect("a VPC id").to_owned();
        let mut subnets = Vec::new();
        for (cidr, az) in [("10.42.1.0/24", 'a'), ("10.42.2.0/24", 'b')] {
            let out = must(
                &what,
                ec2.create_subnet()
                    .vpc_id(&vpc)
                    .cidr_block(cidr)
                    .availability_zone(format!("{region}{az}"))
                    .send()
                    .await,
            );
            subnets.push(
                out.subnet()
                    .and_then(|s| s.subnet_id())
                    .expect("a subnet id")
                    .to_owned(),
            );
        }
        let sg = must(
            &what,
            ec2.create_security_group()
                .group_name("services")
                .description("services")
                .vpc_id(&vpc)
                .send()
                .await,
        );
        Network {
            region: region.to_owned(),
            account: account.to_owned(),
            vpc,
            subnets,
            security_group: sg.group_id().expect("a group id").to_owned(),
        }
    }

    pub fn arn(&self, kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:{}:{}:{kind}/{id}", self.region, self.account)
    }
}

fn rds_tags(tags: &[(&str, &str)]) -> Option<Vec<aws_sdk_rds::types::Tag>> {
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(k, v)| aws_sdk_rds::types::Tag::builder().key(*k).value(*v).build())
            .collect()
    })
}

/// An RDS client for one region.
pub struct Rds {
    client: aws_sdk_rds::Client,
    region: String,
    account: String,
}

impl Rds {
    pub fn new(cfg: &SdkConfig, region: &str, account: &str) -> Self {
        let conf = aws_sdk_rds::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build();
        Rds {
            client: aws_sdk_rds::Client::from_conf(conf),
            region: region.to_owned(),
            account: account.to_owned(),
        }
    }

    pub fn arn(&self, kind: &str, name: &str) -> String {
        format!("arn:aws:rds:{}:{}:{kind}:{name}", self.region, self.account)
    }

    fn what(&self, operation: &str, name: &str) -> String {
        format!("rds {operation} {name} in {}", self.region)
    }

    /// Per region: a tagged and a never-tagged subnet group, DB instance (the tagged one on the
    /// customer key `key`, the other on moto's `aws/rds` key), manual DB snapshot, Aurora
    /// cluster with one member instance, and manual cluster snapshot.
    pub async fn seed(&self, seeded: &mut ServicesSeeded, net: &Network, key: &str, short: &str) {
        let region = self.region.clone();
        let aws_rds_key = format!("arn:aws:kms:{region}:{}:key/{MOTO_AWS_RDS_KEY}", self.account);
        for (tags, suffix, kms) in [
            (&[("Environment", "dev")][..], "dev", key.to_owned()),
            (&[][..], "untagged", aws_rds_key),
        ] {
            let group = format!("orders-{suffix}-{short}-subnets");
            must(
                &self.what("CreateDBSubnetGroup", &group),
                self.client
                    .create_db_subnet_group()
                    .db_subnet_group_name(&group)
                    .db_subnet_group_description("orders")
                    .set_subnet_ids(Some(net.subnets.clone()))
                    .set_tags(rds_tags(tags))
                    .send()
                    .await,
            );
            let group_arn = self.arn("subgrp", &group);
            // Tagged, but never seen as tagged: see `UNLISTED_BY_MOTO_TAGGING`.
            seeded.add(&group_arn, "rds:subgrp", &region, false);
            seeded.relate(&group_arn, "in-vpc", &net.arn("vpc", &net.vpc));

            let db = format!("orders-{suffix}-{short}");
            must(
                &self.what("CreateDBInstance", &db),
                self.client
                    .create_db_instance()
                    .db_instance_identifier(&db)
                    .engine("postgres")
                    .engine_version("15.4")
                    .db_instance_class("db.t3.micro")
                    .allocated_storage(20)
                    .master_username("orders")
                    .master_user_password(RDS_PASSWORD)
                    .db_subnet_group_name(&group)
                    .vpc_security_group_ids(&net.security_group)
                    .storage_encrypted(true)
                    .kms_key_id(&kms)
                    .backup_retention_period(7)
                    .set_tags(rds_tags(tags))
                    .send()
                    .await,
            );
            let db_arn = self.arn("db", &db);
            seeded.add(&db_arn, "rds:db", &region, !tags.is_empty());
            seeded.relate(&db_arn, "in-subnet-group", &group_arn);
            for subnet in &net.subnets {
                seeded.relate(&db_arn, "in-subnet", &net.arn("subnet", subnet));
            }
            seeded.relate(
                &db_arn,
                "has-security-group",
                &net.arn("security-group", &net.security_group),
            );
            seeded.relate(&db_arn, "uses-key", &kms);

            let snapshot = format!("{db}-before-move");
            must(
                &self.what("CreateDBSnapshot", &snapshot),
                self.client
                    .create_db_snapshot()
                    .db_snapshot_identifier(&snapshot)
                    .db_instance_identifier(&db)
                    .set_tags(rds_tags(tags))
                    .send()
                    .await,
            );
            let snapshot_arn = self.arn("snapshot", &snapshot);
            seeded.add(&snapshot_arn, "rds:snapshot", &region, !tags.is_empty());
            seeded.relate(&snapshot_arn, "from-db", &db_arn);

            let cluster = format!("reports-{suffix}-{short}");
            must(
                &self.what("CreateDBCluster", &cluster),
                self.client
                    .create_db_cluster()
                    .db_cluster_identifier(&cluster)
                    .engine("aurora-postgresql")
                    .master_username("reports")
                    .master_user_password(RDS_PASSWORD)
                    .db_subnet_group_name(&group)
                    .vpc_security_group_ids(&net.security_group)
                    .set_tags(rds_tags(tags))
                    .send()
                    .await,
            );
            let cluster_arn = self.arn("cluster", &cluster);
            seeded.add(&cluster_arn, "rds:cluster", &region, !tags.is_empty());
            seeded.relate(&cluster_arn, "in-subnet-group", &group_arn);
            seeded.relate(
                &cluster_arn,
                "has-security-group",
                &net.arn("security-group", &net.security_group),
            );

            let member = format!("{cluster}-1");
            must(
                &self.what("CreateDBInstance", &member),
                self.client
                    .create_db_instance()
                    .db_instance_identifier(&member)
                    .db_cluster_identifier(&cluster)
                    .engine("aurora-postgresql")
                    .db_instance_class("db.r6g.large")
                    .set_tags(rds_tags(tags))
                    .send()
                    .await,
            );
            let member_arn = self.arn("db", &member);
            seeded.add(&member_arn, "rds:db", &region, !tags.is_empty());
            seeded.relate(&member_arn, "in-cluster", &cluster_arn);

            let cluster_snapshot = format!("{cluster}-before-move");
            must(
                &self.what("CreateDBClusterSnapshot", &cluster_snapshot),
                self.client
                    .create_db_cluster_snapshot()
                    .db_cluster_snapshot_identifier(&cluster_snapshot)
                    .db_cluster_identifier(&cluster)
                    .set_tags(rds_tags(tags))
                    .send()
                    .await,
            );
            let cluster_snapshot_arn = self.arn("cluster-snapshot", &cluster_snapshot);
            seeded.add(&cluster_snapshot_arn, "rds:cluster-snapshot", &region, !tags.is_empty());
            seeded.relate(&cluster_snapshot_arn, "from-cluster", &cluster_arn);
        }
    }
}
