//! Checks the seeders against the emulator itself: every recorded resource exists, every
//! recorded relation is what the describe calls say, and the tagged flag matches the Tagging API.

use std::collections::{BTreeMap, BTreeSet};

use crate::moto;
use acctsplit::testkit::seed::*;
use aws_config::SdkConfig;
use aws_sdk_ec2 as ec2;
use aws_sdk_s3 as s3;
use aws_types::region::Region;

/// Runs `f` on a thread with a 16 MiB stack. The sample account's seeder is one long async
/// function; a debug build's poll frames for it outgrow a test thread's 2 MiB.
fn on_a_large_stack<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .stack_size(16 << 20)
            .spawn_scoped(scope, f)
            .expect("a thread")
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

/// What the emulator holds, read back through describe calls: ARN -> relations.
type Truth = BTreeMap<String, BTreeSet<(String, String)>>;

async fn read_back(cfg: &SdkConfig, account: &str, regions: &[&str]) -> Truth {
    let mut truth = Truth::new();
    for region in regions {
        let ec2 = Ec2::new(cfg, region, account);
        let c = &ec2.client;
        let mut add = |arn: String, relations: Vec<(&str, String)>| {
            let entry = truth.entry(arn).or_default();
            entry.extend(relations.into_iter().map(|(k, a)| (k.to_owned(), a)));
        };
        let mut pages = c.describe_instances().into_paginator().send();
        while let Some(page) = pages.next().await {
            for reservation in page.unwrap().reservations() {
                for i in reservation.instances() {
                    let subnet = ec2.arn("subnet", i.subnet_id().unwrap_or_default());
                    add(
                        ec2.arn("instance", i.instance_id().unwrap()),
                        vec![("in-subnet", subnet)],
                    );
                }
            }
        }
        let mut items = c.describe_subnets().into_paginator().items().send();
        while let Some(s) = items.next().await {
            let s = s.unwrap();
            let vpc = ec2.arn("vpc", s.vpc_id().unwrap());
            add(ec2.arn("subnet", s.subnet_id().unwrap()), vec![("in-vpc", vpc)]);
        }
        let mut items = c.describe_vpcs().into_paginator().items().send();
        while let Some(v) = items.next().await {
            add(ec2.arn("vpc", v.unwrap().vpc_id().unwrap()), vec![]);
        }
        let mut items = c.describe_security_groups().into_paginator().items().send();
        while let Some(g) = items.next().await {
            let g = g.unwrap();
            let vpc = ec2.arn("vpc", g.vpc_id().unwrap_or_default());
            add(ec2.arn("security-group", g.group_id().unwrap()), vec![("in-vpc", vpc)]);
        }
        let mut items = c.describe_volumes().into_paginator().items().send();
        while let Some(v) = items.next().await {
            let v = v.unwrap();
            let rel = v.attachments().iter().filter_map(|a| a.instance_id());
            let rel = rel.map(|i| ("attached-to", ec2.arn("instance", i))).collect();
            add(ec2.arn("volume", v.volume_id().unwrap()), rel);
        }
        let mut items = c
            .describe_snapshots()
            .filters(ec2::types::Filter::builder().name("owner-id").values(account).build())
            .into_paginator()
            .items()
            .send();
        while let Some(s) = items.next().await {
            let s = s.unwrap();
            let rel = vec![("from-volume", ec2.arn("volume", s.volume_id().unwrap_or_default()))];
            add(ec2.arn("snapshot", s.snapshot_id().unwrap()), rel);
        }
        let images = c.describe_images().owners("self").send().await.unwrap();
        for image in images.images() {
            let rel = image.block_device_mappings().iter();
            let rel = rel.filter_map(|m| m.ebs().and_then(|e| e.snapshot_id()));
            let rel = rel.map(|s| ("from-snapshot", ec2.arn("snapshot", s))).collect();
            add(ec2.arn("image", image.image_id().unwrap()), rel);
        }
        let mut items = c.describe_network_interfaces().into_paginator().items().send();
        while let Some(n) = items.next().await {
            let n = n.unwrap();
            let rel = n.attachment().and_then(|a| a.instance_id()).filter(|i| !i.is_empty());
            let rel = rel
                .map(|i| ("attached-to", ec2.arn("instance", i)))
                .into_iter()
                .collect();
            add(ec2.arn("network-interface", n.network_interface_id().unwrap()), rel);
        }
        let addresses = c.describe_addresses().send().await.unwrap();
        for a in addresses.addresses() {
            let mut rel = Vec::new();
            if let Some(i) = a.instance_id().filter(|i| !i.is_empty()) {
                rel.push(("associated-with", ec2.arn("instance", i)));
            } else if let Some(n) = a.network_interface_id().filter(|n| !n.is_empty()) {
                rel.push(("associated-with", ec2.arn("network-interface", n)));
            }
            add(ec2.arn("elastic-ip", a.allocation_id().unwrap()), rel);
        }
        let mut items = c.describe_internet_gateways().into_paginator().items().send();
        while let Some(g) = items.next().await {
            let g = g.unwrap();
            let rel = g.attachments().iter().filter_map(|a| a.vpc_id());
            let rel = rel.map(|v| ("in-vpc", ec2.arn("vpc", v))).collect();
            add(ec2.arn("internet-gateway", g.internet_gateway_id().unwrap()), rel);
        }
        let mut items = c.describe_nat_gateways().into_paginator().items().send();
        while let Some(g) = items.next().await {
            add(ec2.arn("natgateway", g.unwrap().nat_gateway_id().unwrap()), vec![]);
        }
        let vpc_arn = |v: Option<&str>| ec2.arn("vpc", v.unwrap_or_default());
        let subnet_arn = |s: &str| ec2.arn("subnet", s);
        let mut items = c.describe_route_tables().into_paginator().items().send();
        while let Some(t) = items.next().await {
            let t = t.unwrap();
            let mut rel = vec![("in-vpc", vpc_arn(t.vpc_id()))];
            let subnets = t.associations().iter().filter_map(|a| a.subnet_id());
            rel.extend(subnets.map(|s| ("associated-with", subnet_arn(s))));
            for r in t.routes() {
                let target = [
                    r.gateway_id()
                        .filter(|g| g.starts_with("igw-"))
                        .map(|g| ec2.arn("internet-gateway", g)),
                    r.nat_gateway_id().map(|n| ec2.arn("natgateway", n)),
                    r.vpc_peering_connection_id()
                        .map(|p| ec2.arn("vpc-peering-connection", p)),
                    r.transit_gateway_id().map(|t| ec2.arn("transit-gateway", t)),
                ];
                rel.extend(target.into_iter().flatten().map(|a| ("routes-to", a)));
            }
            add(ec2.arn("route-table", t.route_table_id().unwrap()), rel);
        }
        let mut items = c.describe_network_acls().into_paginator().items().send();
        while let Some(a) = items.next().await {
            let a = a.unwrap();
            let mut rel = vec![("in-vpc", vpc_arn(a.vpc_id()))];
            let subnets = a.associations().iter().filter_map(|x| x.subnet_id());
            rel.extend(subnets.map(|s| ("associated-with", subnet_arn(s))));
            add(ec2.arn("network-acl", a.network_acl_id().unwrap()), rel);
        }
        let mut items = c.describe_vpc_endpoints().into_paginator().items().send();
        while let Some(e) = items.next().await {
            let e = e.unwrap();
            let mut rel = vec![("in-vpc", vpc_arn(e.vpc_id()))];
            rel.extend(e.subnet_ids().iter().map(|s| ("in-subnet", subnet_arn(s))));
            let groups = e.groups().iter().filter_map(|g| g.group_id());
            rel.extend(groups.map(|g| ("has-security-group", ec2.arn("security-group", g))));
            let tables = e.route_table_ids().iter();
            rel.extend(tables.map(|t| ("associated-with", ec2.arn("route-table", t))));
            add(ec2.arn("vpc-endpoint", e.vpc_endpoint_id().unwrap()), rel);
        }
        let mut items = c.describe_vpc_peering_connections().into_paginator().items().send();
        while let Some(p) = items.next().await {
            let p = p.unwrap();
            let sides = [p.requester_vpc_info(), p.accepter_vpc_info()];
            let rel = sides
                .iter()
                .flatten()
                .map(|i| ("connects", vpc_arn(i.vpc_id())))
                .collect();
            add(
                ec2.arn("vpc-peering-connection", p.vpc_peering_connection_id().unwrap()),
                rel,
            );
        }
        let mut items = c.describe_transit_gateways().into_paginator().items().send();
        while let Some(t) = items.next().await {
            add(
                ec2.arn("transit-gateway", t.unwrap().transit_gateway_id().unwrap()),
                vec![],
            );
        }
        let mut items = c
            .describe_transit_gateway_vpc_attachments()
            .into_paginator()
            .items()
            .send();
        while let Some(a) = items.next().await {
            let a = a.unwrap();
            let mut rel = vec![
                ("in-vpc", vpc_arn(a.vpc_id())),
                (
                    "attached-to",
                    ec2.arn("transit-gateway", a.transit_gateway_id().unwrap()),
                ),
            ];
            rel.extend(a.subnet_ids().iter().map(|s| ("in-subnet", subnet_arn(s))));
            add(
                ec2.arn("transit-gateway-attachment", a.transit_gateway_attachment_id().unwrap()),
                rel,
            );
        }
        let mut items = c
            .describe_transit_gateway_route_tables()
            .into_paginator()
            .items()
            .send();
        while let Some(t) = items.next().await {
            let t = t.unwrap();
            let rel = vec![(
                "in-transit-gateway",
                ec2.arn("transit-gateway", t.transit_gateway_id().unwrap()),
            )];
            add(
                ec2.arn(
                    "transit-gateway-route-table",
                    t.transit_gateway_route_table_id().unwrap(),
                ),
                rel,
            );
        }
        let mut items = c.describe_flow_logs().into_paginator().items().send();
        while let Some(f) = items.next().await {
            let f = f.unwrap();
            let watched = f.resource_id().unwrap();
            let mut rel = vec![if watched.starts_with("vpc-") {
                ("in-vpc", ec2.arn("vpc", watched))
            } else {
                ("in-subnet", subnet_arn(watched))
            }];
            rel.extend(f.log_destination().map(|d| ("logs-to", d.to_owned())));
            add(ec2.arn("vpc-flow-log", f.flow_log_id().unwrap()), rel);
        }
        let vpcs = c.describe_vpcs().send().await.unwrap();
        let mut items = c.describe_dhcp_options().into_paginator().items().send();
        while let Some(d) = items.next().await {
            let id = d.unwrap().dhcp_options_id().unwrap().to_owned();
            let users = vpcs.vpcs().iter().filter(|v| v.dhcp_options_id() == Some(id.as_str()));
            let rel = users.map(|v| ("associated-with", vpc_arn(v.vpc_id()))).collect();
            add(ec2.arn("dhcp-options", &id), rel);
        }
        let mut items = c.describe_launch_templates().into_paginator().items().send();
        while let Some(t) = items.next().await {
            add(
                ec2.arn("launch-template", t.unwrap().launch_template_id().unwrap()),
                vec![],
            );
        }
        for k in c.describe_key_pairs().send().await.unwrap().key_pairs() {
            add(ec2.arn("key-pair", k.key_pair_id().unwrap()), vec![]);
        }
    }
    let s3 = S3::new(cfg, "us-east-1");
    for bucket in s3.client.list_buckets().send().await.unwrap().buckets() {
        truth.insert(format!("arn:aws:s3:::{}", bucket.name().unwrap()), BTreeSet::new());
    }
    truth
}

/// Every ARN the Tagging API returns in `region`, and how many pages it took.
async fn tagging_arns(cfg: &SdkConfig, region: &str) -> (BTreeSet<String>, usize) {
    let conf = aws_sdk_resourcegroupstagging::config::Builder::from(cfg)
        .region(Region::new(region.to_owned()))
        .build();
    let client = aws_sdk_resourcegroupstagging::Client::from_conf(conf);
    let (mut arns, mut pages) = (BTreeSet::new(), 0);
    let mut stream = client.get_resources().into_paginator().send();
    while let Some(page) = stream.next().await {
        let page = page.unwrap();
        pages += 1;
        assert!(page.resource_tag_mapping_list().len() <= 100);
        arns.extend(
            page.resource_tag_mapping_list()
                .iter()
                .filter_map(|m| m.resource_arn())
                .map(str::to_owned),
        );
    }
    (arns, pages)
}

/// The seeded record agrees with the emulator: each resource exists, each relation is real,
/// and a resource comes back from the Tagging API exactly when it is recorded as tagged.
async fn assert_record_matches(cfg: &SdkConfig, seeded: &Seeded, regions: &[&str]) {
    let truth = read_back(cfg, &seeded.account_id, regions).await;
    for e in &seeded.expected {
        let Some(relations) = truth.get(&e.arn) else {
            panic!("{} was recorded but the emulator does not list it", e.arn)
        };
        for relation in &e.relations {
            assert!(
                relations.contains(relation),
                "{}: {relation:?} not in {relations:?}",
                e.arn
            );
        }
    }
    for region in regions {
        let (tagged, _) = tagging_arns(cfg, region).await;
        for e in seeded.expected.iter().filter(|e| e.region.as_deref() == Some(*region)) {
            // moto's Tagging API never returns some types (see `moto_tagging_lists`).
            if moto_tagging_lists(&e.resource_type) {
                assert_eq!(
                    tagged.contains(&e.arn),
                    e.tagged,
                    "{} in the Tagging API of {region}",
                    e.arn
                );
            }
        }
        for e in seeded.expected.iter().filter(|e| e.region.is_none()) {
            assert_eq!(
                tagged.contains(&e.arn),
                e.tagged,
                "{} in the Tagging API of {region}",
                e.arn
            );
        }
    }
}

fn count(seeded: &Seeded, resource_type: &str, region: Option<&str>) -> usize {
    seeded
        .of_type(resource_type)
        .filter(|e| region.is_none() || e.region.as_deref() == region)
        .count()
}

#[test]
fn legacy_account_matches_its_record_and_spans_two_tagging_pages() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(42);
    runtime().block_on(async {
        let cfg = moto.sdk_config().await;
        let seeded = seed_legacy_account(&cfg).await;
        assert_eq!(seeded.account_id, "123456789012");
        assert_record_matches(&cfg, &seeded, &LEGACY_REGIONS).await;

        for region in LEGACY_REGIONS {
            let r = Some(region);
            assert_eq!(count(&seeded, "ec2:instance", r), 4, "{region}");
            // 4 root volumes + 3 created ones
            assert_eq!(count(&seeded, "ec2:volume", r), 7, "{region}");
            // 2 of volumes + 1 behind the image
            assert_eq!(count(&seeded, "ec2:snapshot", r), 3, "{region}");
            assert_eq!(count(&seeded, "ec2:image", r), 1, "{region}");
            assert_eq!(count(&seeded, "ec2:elastic-ip", r), 3, "{region}");
            assert_eq!(count(&seeded, "ec2:natgateway", r), 1, "{region}");
            assert_eq!(count(&seeded, "ec2:internet-gateway", r), 1, "{region}");
            let untagged = seeded
                .of_type("ec2:instance")
                .filter(|e| e.region.as_deref() == r && !e.tagged);
            assert_eq!(untagged.count(), 1, "one never-tagged instance in {region}");
        }
        assert_eq!(count(&seeded, "ec2:security-group", Some("us-east-1")), 122);
        assert_eq!(count(&seeded, "s3:bucket", None), 4);

        let (tagged, pages) = tagging_arns(&cfg, "us-east-1").await;
        assert!(
            tagged.len() > 100,
            "only {} tagged resources in us-east-1",
            tagged.len()
        );
        assert!(pages >= 2, "the Tagging API answered in {pages} page(s)");

        let s3 = S3::new(&cfg, "eu-west-1");
        let location = s3
            .client
            .get_bucket_location()
            .bucket("legacy-eu-dev-uploads")
            .send()
            .await
            .unwrap();
        assert_eq!(location.location_constraint().map(|c| c.as_str()), Some("eu-west-1"));
        let trail = format!("legacy-cloudtrail-logs-{}", seeded.account_id);
        let s3 = S3::new(&cfg, "us-east-1");
        let policy = s3.client.get_bucket_policy().bucket(&trail).send().await.unwrap();
        let policy = policy.policy().unwrap();
        assert!(policy.contains("cloudtrail.amazonaws.com") && policy.contains(&seeded.account_id));
        let encryption = s3
            .client
            .get_bucket_encryption()
            .bucket("legacy-prod-assets")
            .send()
            .await
            .unwrap();
        let rule = &encryption.server_side_encryption_configuration().unwrap().rules()[0];
        let default = rule.apply_server_side_encryption_by_default().unwrap();
        assert_eq!(default.sse_algorithm(), &s3::types::ServerSideEncryption::AwsKms);
        assert!(default.kms_master_key_id().is_some_and(|k| !k.is_empty()));
        let block = s3.client.get_public_access_block().bucket(&trail).send().await.unwrap();
        assert_eq!(
            block.public_access_block_configuration().unwrap().block_public_policy(),
            Some(true)
        );
        let tagging = s3
            .client
            .get_bucket_tagging()
            .bucket("legacy-prod-assets")
            .send()
            .await
            .unwrap();
        assert_eq!(tagging.tag_set().len(), 2);
        // moto 5.2.5 answers GetBucketVersioning with a `GetBucketVersioningResponse` root that
        // the Rust SDK rejects, so read the raw XML instead.
        let (status, body) = moto::http_request(moto.port, "GET", "/legacy-prod-assets?versioning", "").unwrap();
        assert_eq!(status, 200, "{body}");
        assert!(body.contains("<Status>Enabled</Status>"), "{body}");
    });
}

#[test]
fn bulk_account_creates_at_least_the_requested_total_in_every_region() {
    let Some(moto) = moto::start() else { return };
    runtime().block_on(async {
        let cfg = moto.sdk_config().await;
        let regions = ["us-east-1", "eu-west-1", "us-west-2"];
        let seeded = seed_bulk_account(&cfg, &regions, 180).await;
        assert!(seeded.expected.len() >= 180, "{} resources", seeded.expected.len());
        for region in regions {
            let here = seeded.expected.iter().filter(|e| e.region.as_deref() == Some(region));
            assert!(here.count() >= 60 - 3, "{region} holds too few");
        }
        assert_record_matches(&cfg, &seeded, &regions).await;
    });
}

#[test]
fn sample_account_is_reproducible_and_matches_its_record() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(42);
    let first = on_a_large_stack(|| {
        runtime().block_on(async {
            let cfg = moto.sdk_config().await;
            let seeded = seed_sample(&cfg).await;
            assert_record_matches(&cfg, &seeded, &SAMPLE_REGIONS).await;
            seeded
        })
    });
    assert!(first.expected.len() >= 250, "{} resources", first.expected.len());
    for region in SAMPLE_REGIONS {
        assert!(
            first.expected.iter().any(|e| e.region.as_deref() == Some(region)),
            "{region}"
        );
    }
    assert!(
        first
            .expected
            .iter()
            .any(|e| !e.tagged && e.resource_type == "ec2:instance")
    );

    let Some(again) = moto::start() else { return };
    again.seed_ids(42);
    let second = on_a_large_stack(|| runtime().block_on(async { seed_sample(&again.sdk_config().await).await }));
    let arns = |s: &Seeded| s.expected.iter().map(|e| e.arn.clone()).collect::<Vec<_>>();
    assert_eq!(arns(&first), arns(&second), "the same seed gives the same ids");
}
