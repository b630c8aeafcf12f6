//! The governance collectors of issue 14 (CloudTrail; more follow) against the moto emulator, on
//! an account seeded by `acctsplit::testkit::seed_svc14`: each seeded fact is found once, with
//! its relations; every call sent is read-only and in the published policy.

use std::path::Path;

use acctsplit::testkit::seed_svc14::{self, Governance};
use serde_json::Value;

use crate::moto::{self, Moto, assert_read_only_and_in_policy, run_acctsplit, stderr_of};
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

async fn seeded() -> Option<(Moto, Governance, tempfile::TempDir, Value, String, Vec<String>)> {
    let moto = moto::start()?;
    let seeded = seed_svc14::seed_governance(&moto.sdk_config().await).await;
    let dir = tempfile::tempdir().unwrap();
    let (inventory, text, operations) = scan(&moto, dir.path());
    Some((moto, seeded, dir, inventory, text, operations))
}

#[tokio::test(flavor = "multi_thread")]
async fn governance_facts_are_found_once_and_every_call_is_in_the_policy() {
    let Some((_emulator, seeded, _dir, inventory, text, operations)) = seeded().await else {
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
    ] {
        assert!(
            operations.iter().any(|o| o == expected),
            "{expected} not sent: {operations:?}"
        );
    }
}
