//! `acctsplit scan` of the issue-12 services (KMS, RDS, Lambda, DynamoDB, load balancers) against
//! the emulator: every seeded resource is found once, with its depth source, tags and relations;
//! every `uses-key` relation resolves; nothing secret reaches the inventory.

use std::path::Path;

use serde_json::Value;

use crate::moto::{self, Moto, run_acctsplit, stderr_of};
use acctsplit::testkit::seed_data::{self, ServicesSeeded};

async fn seed(moto: &Moto) -> ServicesSeeded {
    let cfg = moto.sdk_config().await;
    let sts = aws_sdk_sts::Client::new(&cfg);
    let identity = sts.get_caller_identity().send().await.unwrap();
    seed_data::seed_services(&cfg, identity.account().unwrap()).await
}

fn scan(moto: &Moto, dir: &Path) -> (Option<i32>, Value, String, String) {
    let out = dir.join("inventory.json");
    let output = run_acctsplit(
        &[
            "scan",
            "--out",
            out.to_str().unwrap(),
            "--regions",
            "us-east-1,eu-west-1",
            "--quiet",
        ],
        &moto.env(),
    );
    let stderr = stderr_of(&output);
    let text = std::fs::read_to_string(&out).unwrap_or_else(|_| panic!("no inventory: {stderr}"));
    let inventory = serde_json::from_str(&text).unwrap();
    (output.status.code(), inventory, text, stderr)
}

/// The collector (source) that reads a type in depth: its service prefix, except for load
/// balancers, which the `elbv2` collector reads, and the `elb` collector for Classic ones.
fn depth_sources(resource_type: &str) -> Vec<&str> {
    match resource_type.split(':').next().unwrap() {
        "elasticloadbalancing" => vec!["elbv2", "elb"],
        service => vec![service],
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn service_resources_are_found_once_with_sources_tags_and_relations() {
    let Some(moto) = moto::start() else { return };
    moto.seed_ids(17);
    let seeded = seed(&moto).await;
    let dir = tempfile::tempdir().unwrap();
    let (code, inventory, text, stderr) = scan(&moto, dir.path());
    assert_eq!(code, Some(0), "{stderr}");
    let resources = inventory["resources"].as_array().unwrap();
    let find = |arn: &str| -> &Value {
        let found: Vec<&Value> = resources.iter().filter(|r| r["arn"] == arn).collect();
        assert_eq!(found.len(), 1, "{arn} found {} times", found.len());
        found[0]
    };
    for expected in &seeded.expected {
        let r = find(&expected.arn);
        assert_eq!(r["resource_type"], expected.resource_type.as_str(), "{}", expected.arn);
        assert_eq!(r["region"].as_str(), expected.region.as_deref(), "{}", expected.arn);
        let sources: Vec<&str> = r["sources"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert!(
            depth_sources(&expected.resource_type)
                .iter()
                .any(|s| sources.contains(s)),
            "{} not seen by its collector: {sources:?}",
            expected.arn
        );
        assert_eq!(
            sources.contains(&"tagging"),
            expected.tagged,
            "{}: tagged {} but sources {sources:?}",
            expected.arn,
            expected.tagged
        );
        for (kind, target) in &expected.relations {
            let has = r["relations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["kind"] == kind.as_str() && e["arn"] == target.as_str());
            assert!(has, "{} lacks {kind} -> {target}: {}", expected.arn, r["relations"]);
        }
    }
    // Of every type, in each region, one tagged and one never tagged.
    let types: std::collections::BTreeSet<&str> = seeded.expected.iter().map(|e| e.resource_type.as_str()).collect();
    for ty in types
        .iter()
        .filter(|ty| !seed_data::UNLISTED_BY_MOTO_TAGGING.contains(ty))
    {
        for region in seed_data::SERVICE_REGIONS {
            let here: Vec<_> = seeded
                .of_type(ty)
                .filter(|e| e.region.as_deref() == Some(region))
                .collect();
            assert!(here.iter().any(|e| e.tagged), "no tagged {ty} in {region}");
            assert!(here.iter().any(|e| !e.tagged), "no never-tagged {ty} in {region}");
        }
    }
    // Every uses-key relation resolves to a key in the inventory.
    for r in resources {
        for rel in r["relations"].as_array().unwrap() {
            if rel["kind"] == "uses-key" {
                let key = find(rel["arn"].as_str().unwrap());
                assert_eq!(key["resource_type"], "kms:key", "{}", rel["arn"]);
            }
        }
    }
    for row in inventory["coverage"].as_array().unwrap() {
        assert!(
            row["status"] == "ok" || crate::moto::not_served_by_the_emulator(row),
            "{row}"
        );
    }

    // KMS facts.
    for e in seeded.of_type("kms:key") {
        let key = find(&e.arn);
        let a = &key["attributes"];
        assert_eq!(a["aws_managed"], false, "{key}");
        assert_eq!(a["state"], "Enabled", "{key}");
        assert_eq!(a["rotation_enabled"], e.tagged, "the tagged keys rotate: {key}");
        assert_eq!(a["aliases"].as_array().unwrap().len(), 1, "{key}");
        let principals = a["policy_principals"].as_array().unwrap();
        assert!(
            principals
                .iter()
                .any(|p| p.as_str().unwrap().contains(&seeded.account_id)),
            "the default key policy names the account root: {key}"
        );
    }
    assert!(!text.contains("kms:*"), "no key policy statement is kept");

    // RDS facts: engine, encryption and the key each stand-alone database uses, which
    // resolves; cluster members name their cluster, which lists them.
    for e in seeded.of_type("rds:db") {
        let db = find(&e.arn);
        let a = &db["attributes"];
        if let Some((_, cluster_arn)) = e.relations.iter().find(|(k, _)| k == "in-cluster") {
            assert_eq!(a["engine"], "aurora-postgresql", "{db}");
            let cluster = find(cluster_arn);
            let members = cluster["attributes"]["members"].as_array().unwrap();
            assert!(members.contains(&db["id"]), "{cluster} lacks member {}", db["id"]);
            continue;
        }
        assert_eq!(a["engine"], "postgres", "{db}");
        assert_eq!(a["encrypted"], true, "{db}");
        assert_eq!(a["backup_retention_days"], 7, "{db}");
        let key_arn = e.relations.iter().find(|(k, _)| k == "uses-key").unwrap().1.as_str();
        let key = find(key_arn);
        // The never-tagged database uses moto's aws/rds key, known only from its alias.
        assert_eq!(key["attributes"]["aws_managed"], !e.tagged, "{key}");
    }
    assert!(seeded.of_type("rds:db").count() >= 4, "the RDS seed ran");
    assert!(!text.contains(seed_data::RDS_PASSWORD), "no master password is kept");
    crate::svc12b::check(&moto, &seeded, resources, &text).await;

    // A second scan gives the same inventory.
    let again = tempfile::tempdir().unwrap();
    let (_, second, _, _) = scan(&moto, again.path());
    assert_eq!(inventory["resources"], second["resources"]);
    assert_eq!(inventory["coverage"], second["coverage"]);
}
