//! The governance collectors of issue 14 (CloudTrail, AWS Config, GuardDuty, Security Hub,
//! IAM Access Analyzer, alternate contacts) and the ElastiCache collector against the moto
//! emulator, on an account seeded by `acctsplit::testkit::seed_svc14`: each seeded fact is found
//! once, with its relations; a service that is not enabled is an answer, not a failure (the scan
//! exits 0); every call sent is read-only and in the published policy.

use std::path::Path;

use acctsplit::testkit::seed_svc14::{self, Governance, SeededCaches};
use serde_json::Value;

use crate::moto::{self, Moto, assert_read_only_and_in_policy, not_served_by_the_emulator, run_acctsplit, stderr_of};
use crate::workloads::{all_relations, of_type};

/// Scans both seeded regions with an audit log; returns the inventory and the operations sent
/// (service, operation), sorted and deduplicated.
fn scan(moto: &Moto, dir: &Path) -> (Value, String, Vec<String>) {
    let out = dir.join("inventory.json");
    let audit = dir.join("audit.log");
    let mut env = moto.env();
    env.push(("ACCTSPLIT_AUDIT_LOG".into(), audit.display().to_string()));
    let regions = format!("{},{}", seed_svc14::HOME, seed_svc14::OTHER);
    let output = run_acctsplit(
        &["scan", "--out", out.to_str().unwrap(), "--regions", &regions, "-q"],
        &env,
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr_of(&output));
    let text = std::fs::read_to_string(&out).unwrap();
    let mut operations: Vec<String> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect();
    operations.sort();
    operations.dedup();
    (serde_json::from_str(&text).unwrap(), text, operations)
}

fn coverage<'a>(inventory: &'a Value, service: &str, region: &str) -> &'a Value {
    inventory["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["service"] == service && c["region"] == region)
        .unwrap_or_else(|| panic!("no {service}/{region} coverage row"))
}

type Seeded = (
    Moto,
    Governance,
    SeededCaches,
    tempfile::TempDir,
    Value,
    String,
    Vec<String>,
);

async fn seeded() -> Option<Seeded> {
    let moto = moto::start()?;
    let cfg = moto.sdk_config().await;
    let seeded = seed_svc14::seed_governance(&cfg).await;
    let caches = seed_svc14::seed_caches(&cfg).await;
    let dir = tempfile::tempdir().unwrap();
    let (inventory, text, operations) = scan(&moto, dir.path());
    Some((moto, seeded, caches, dir, inventory, text, operations))
}

fn find<'a>(inventory: &'a Value, arn: &str) -> &'a Value {
    inventory["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["arn"] == arn)
        .unwrap_or_else(|| panic!("{arn} missing"))
}

#[tokio::test(flavor = "multi_thread")]
async fn governance_facts_are_found_once_and_every_call_is_in_the_policy() {
    let Some((_emulator, seeded, caches, _dir, inventory, text, operations)) = seeded().await else {
        return;
    };

    // CloudTrail: each trail once, in its home region (the multi-region trail is not repeated
    // by the other region), with its flags, status and destinations.
    let trails: Vec<&Value> = of_type(&inventory, "cloudtrail:trail").collect();
    assert_eq!(trails.len(), seeded.trails.len(), "{trails:?}");
    for want in &seeded.trails {
        let found: Vec<&&Value> = trails.iter().filter(|t| t["id"] == want.name.as_str()).collect();
        assert_eq!(found.len(), 1, "{}: {trails:?}", want.name);
        let trail = found[0];
        assert_eq!(trail["region"], want.region.as_str(), "{trail}");
        assert_eq!(trail["attributes"]["multi_region"], want.multi_region, "{trail}");
        assert_eq!(trail["attributes"]["is_logging"], want.logging, "{trail}");
        assert_eq!(trail["attributes"]["organization_trail"], false, "{trail}");
        assert_eq!(all_relations(trail), want.relations, "{}", want.name);
    }
    for region in [seed_svc14::HOME, seed_svc14::OTHER] {
        let row = coverage(&inventory, "cloudtrail", region);
        assert_eq!(row["status"], "ok", "{row}");
    }

    // AWS Config: the recorder (recording) and the delivery channel in the home region; the
    // other region has none, an answer rather than a failure.
    let recorders: Vec<&Value> = of_type(&inventory, "config:configuration-recorder").collect();
    assert_eq!(recorders.len(), 1, "{recorders:?}");
    assert_eq!(recorders[0]["region"], seed_svc14::HOME, "{}", recorders[0]);
    assert_eq!(recorders[0]["attributes"]["recording"], true, "{}", recorders[0]);
    assert_eq!(all_relations(recorders[0]), seeded.config.recorder_relations);
    let channels: Vec<&Value> = of_type(&inventory, "config:delivery-channel").collect();
    assert_eq!(channels.len(), 1, "{channels:?}");
    assert_eq!(all_relations(channels[0]), seeded.config.channel_relations);
    let home = coverage(&inventory, "config", seed_svc14::HOME);
    assert_eq!(
        (&home["status"], &home["detail"]),
        (&"ok".into(), &Value::Null),
        "{home}"
    );
    let other = coverage(&inventory, "config", seed_svc14::OTHER);
    assert_eq!(
        (&other["status"], &other["detail"]),
        (&"ok".into(), &"not enabled".into()),
        "{other}"
    );

    // GuardDuty: the detector of the home region, with the tags it read itself; none in the
    // other region, which is "not enabled".
    let detectors: Vec<&Value> = of_type(&inventory, "guardduty:detector").collect();
    assert_eq!(detectors.len(), 1, "{detectors:?}");
    assert_eq!(detectors[0]["id"], seeded.detector.as_str());
    assert_eq!(detectors[0]["attributes"]["status"], "ENABLED", "{}", detectors[0]);
    assert_eq!(detectors[0]["tags"]["team"], "security", "{}", detectors[0]);
    let other = coverage(&inventory, "guardduty", seed_svc14::OTHER);
    assert_eq!(
        (&other["status"], &other["detail"]),
        (&"ok".into(), &"not enabled".into()),
        "{other}"
    );

    // Security Hub: the hub of the home region, not a member of any administrator; the other
    // region answers InvalidAccessException, which is "not enabled" (an ok row, and the scan
    // above exited 0), after one request.
    let hubs: Vec<&Value> = of_type(&inventory, "securityhub:hub").collect();
    assert_eq!(hubs.len(), 1, "{hubs:?}");
    let hub = hubs[0];
    assert_eq!(hub["arn"], seeded.hub.as_str(), "{hub}");
    assert_eq!(hub["region"], seed_svc14::HOME, "{hub}");
    assert_eq!(hub["sources"], serde_json::json!(["securityhub"]), "{hub}");
    assert!(hub["attributes"]["subscribed_at"].is_string(), "{hub}");
    assert_eq!(hub["attributes"]["auto_enable_controls"], true, "{hub}");
    assert_eq!(hub["attributes"]["has_administrator"], false, "{hub}");
    let home = coverage(&inventory, "securityhub", seed_svc14::HOME);
    assert_eq!(
        (&home["status"], &home["detail"], &home["requests"]),
        (&"ok".into(), &Value::Null, &2.into()),
        "{home}"
    );
    let other = coverage(&inventory, "securityhub", seed_svc14::OTHER);
    assert_eq!(
        (&other["status"], &other["detail"], &other["requests"]),
        (&"ok".into(), &"not enabled".into(), &1.into()),
        "{other}"
    );

    // IAM Access Analyzer: moto has none, so against it the collector sends nothing and its rows
    // are skipped with the reason (the fake in `src/aws/collectors/accessanalyzer.rs` covers the
    // calls); skipped rows leave the exit code 0.
    for region in [seed_svc14::HOME, seed_svc14::OTHER] {
        let row = coverage(&inventory, "access-analyzer", region);
        assert!(not_served_by_the_emulator(row), "{row}");
        assert_eq!(row["detail"], "ListAnalyzers: not served by the emulator", "{row}");
    }
    assert_eq!(of_type(&inventory, "access-analyzer:analyzer").count(), 0);
    assert!(
        !operations.iter().any(|o| o.starts_with("AccessAnalyzer\t")),
        "{operations:?}"
    );

    // ElastiCache: the subnet group with its subnets and VPC; the cluster with its subnet group
    // and subnets (moto never returns its security group: see docs/collectors.md); the
    // replication group with its encryption; the snapshot with the cluster it was taken from.
    let group = find(&inventory, &caches.subnet_group_arn);
    assert_eq!(group["resource_type"], "elasticache:subnetgroup", "{group}");
    assert_eq!(all_relations(group), caches.subnet_group_relations, "{group}");
    assert_eq!(group["attributes"]["subnets"], 2, "{group}");
    let cluster = find(&inventory, &caches.cluster_arn);
    assert_eq!(cluster["resource_type"], "elasticache:cluster", "{cluster}");
    assert_eq!(cluster["attributes"]["engine"], "memcached", "{cluster}");
    assert_eq!(cluster["attributes"]["subnet_group"], "cache-subnets", "{cluster}");
    let found = all_relations(cluster);
    for want in &caches.cluster_relations {
        assert!(found.contains(want), "{want:?} missing: {cluster}");
    }
    let group_arn = |id: &str| {
        format!(
            "arn:aws:ec2:{}:{}:security-group/{id}",
            seed_svc14::HOME,
            seeded.account_id
        )
    };
    let others: Vec<&(String, String)> = found
        .iter()
        .filter(|r| !caches.cluster_relations.contains(*r))
        .collect();
    assert!(
        others
            .iter()
            .all(|(kind, arn)| kind == "has-security-group" && *arn == group_arn(&caches.security_group)),
        "unexpected relations {others:?}: {cluster}"
    );
    let orders = find(&inventory, &caches.replication_group_arn);
    assert_eq!(orders["resource_type"], "elasticache:replicationgroup", "{orders}");
    assert_eq!(orders["attributes"]["engine"], "redis", "{orders}");
    assert_eq!(orders["attributes"]["at_rest_encryption"], true, "{orders}");
    assert_eq!(orders["attributes"]["transit_encryption"], true, "{orders}");
    let snapshot = find(&inventory, &caches.snapshot_arn);
    assert_eq!(snapshot["resource_type"], "elasticache:snapshot", "{snapshot}");
    assert_eq!(
        all_relations(snapshot),
        vec![("from-cluster".to_owned(), caches.cluster_arn.clone())],
        "{snapshot}"
    );
    for region in [seed_svc14::HOME, seed_svc14::OTHER] {
        assert_eq!(coverage(&inventory, "elasticache", region)["status"], "ok");
    }

    // Alternate contacts: whether each is set, and nothing of the contact itself.
    assert_eq!(
        inventory["account"]["alternate_contacts"],
        serde_json::json!({"billing": true, "operations": false, "security": false})
    );
    assert_eq!(coverage(&inventory, "account", "global")["status"], "ok");
    for value in seeded.billing_contact {
        assert!(!text.contains(value), "{value} reached the inventory");
    }

    // Every operation sent is read-only and in the published policy, and each collector's
    // operations were exercised.
    assert_read_only_and_in_policy(&operations);
    for expected in [
        "CloudTrail\tDescribeTrails",
        "CloudTrail\tGetTrailStatus",
        "Config Service\tDescribeConfigurationRecorders",
        "Config Service\tDescribeConfigurationRecorderStatus",
        "Config Service\tDescribeDeliveryChannels",
        "GuardDuty\tListDetectors",
        "GuardDuty\tGetDetector",
        "Account\tGetAlternateContact",
        "ElastiCache\tDescribeCacheClusters",
        "ElastiCache\tDescribeReplicationGroups",
        "ElastiCache\tDescribeCacheSubnetGroups",
        "ElastiCache\tDescribeSnapshots",
        "SecurityHub\tDescribeHub",
        "SecurityHub\tGetAdministratorAccount",
    ] {
        assert!(
            operations.iter().any(|o| o == expected),
            "{expected} not sent: {operations:?}"
        );
    }
}
