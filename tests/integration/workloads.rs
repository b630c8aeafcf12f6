//! The workload collectors of issue 14 (CloudFormation, ECS, EKS, Auto Scaling, EFS;
//! ElastiCache follows) against the moto emulator, on an account seeded by
//! `acctsplit::testkit::seed_workloads`: each seeded resource is found once, with its relations,
//! tagged and never tagged alike; every call sent is read-only and in the published policy; and
//! no secret value the emulator hands back reaches `inventory.json`.

use std::path::Path;

use acctsplit::testkit::seed_workloads::{self, ECS_ENV_SECRET, STACK_SECRET, Workloads};
use serde_json::Value;

use crate::moto::{self, Moto, run_acctsplit, stderr_of};

/// Scans the seeded account with an audit log; returns the inventory, its text and the
/// operations sent (service, operation), sorted and deduplicated.
fn scan(moto: &Moto, dir: &Path) -> (Value, String, Vec<String>) {
    let out = dir.join("inventory.json");
    let audit = dir.join("audit.log");
    let mut env = moto.env();
    env.push(("ACCTSPLIT_AUDIT_LOG".into(), audit.display().to_string()));
    let output = run_acctsplit(
        &[
            "scan",
            "--out",
            out.to_str().unwrap(),
            "--regions",
            seed_workloads::REGION,
            "-q",
        ],
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

pub(crate) fn of_type<'a>(inventory: &'a Value, ty: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    inventory["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(move |r| r["resource_type"] == ty)
}

fn related<'a>(resource: &'a Value, kind: &str) -> Vec<&'a str> {
    resource["relations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == kind)
        .map(|r| r["arn"].as_str().unwrap())
        .collect()
}

/// The one resource of `ty` whose id is `id`.
fn find<'a>(inventory: &'a Value, ty: &'a str, id: &str) -> &'a Value {
    let found: Vec<&Value> = of_type(inventory, ty).filter(|r| r["id"] == id).collect();
    assert_eq!(found.len(), 1, "{ty} {id}: {found:?}");
    found[0]
}

/// Every relation as `(kind, arn)`, in the inventory's order (sorted).
pub(crate) fn all_relations(resource: &Value) -> Vec<(String, String)> {
    resource["relations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["kind"].as_str().unwrap().to_owned(),
                r["arn"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn sources(resource: &Value) -> Vec<&str> {
    resource["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect()
}

async fn seeded() -> Option<(Moto, Workloads, tempfile::TempDir, Value, String, Vec<String>)> {
    let moto = moto::start()?;
    let seeded = seed_workloads::seed_workloads(&moto.sdk_config().await).await;
    let dir = tempfile::tempdir().unwrap();
    let (inventory, text, operations) = scan(&moto, dir.path());
    Some((moto, seeded, dir, inventory, text, operations))
}

#[tokio::test(flavor = "multi_thread")]
async fn workload_services_are_found_with_their_relations_and_every_call_is_in_the_policy() {
    let Some((emulator, seeded, _dir, inventory, text, operations)) = seeded().await else {
        return;
    };

    // CloudFormation: each stack once, owning what its template created.
    let stacks: Vec<&Value> = of_type(&inventory, "cloudformation:stack").collect();
    assert_eq!(stacks.len(), seeded.stacks.len(), "{stacks:?}");
    for (name, tagged, owns) in &seeded.stacks {
        let stack = stacks
            .iter()
            .find(|s| s["id"] == name.as_str())
            .unwrap_or_else(|| panic!("stack {name} not found"));
        let mut found = related(stack, "owns");
        found.sort_unstable();
        assert_eq!(found, *owns, "{name}");
        assert!(sources(stack).contains(&"cloudformation"), "{stack}");
        assert_eq!(stack["attributes"]["status"], "CREATE_COMPLETE", "{stack}");
        if *tagged {
            assert_eq!(stack["tags"]["Environment"], "prod", "{stack}");
        } else {
            assert_eq!(stack["tags"], serde_json::json!({}), "{stack}");
        }
        let coverage = inventory["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["service"] == "cloudformation")
            .expect("a cloudformation coverage row");
        assert_eq!(coverage["status"], "ok", "{coverage}");
    }
    assert!(
        !text.contains(STACK_SECRET),
        "a stack parameter value reached the inventory"
    );

    // ECS: clusters and services, tagged and never tagged, with the task definition's roles.
    for (name, tagged) in &seeded.ecs_clusters {
        let cluster = find(&inventory, "ecs:cluster", name);
        assert!(sources(cluster).contains(&"ecs"), "{cluster}");
        assert_eq!(cluster["tags"].as_object().unwrap().is_empty(), !tagged, "{cluster}");
    }
    for (name, tagged, relations) in &seeded.ecs_services {
        let service = find(&inventory, "ecs:service", name);
        assert_eq!(all_relations(service), *relations, "{name}");
        assert_eq!(service["tags"].as_object().unwrap().is_empty(), !tagged, "{service}");
        assert_eq!(service["attributes"]["task_family"], "shop-web", "{service}");
    }
    // EKS: clusters and node groups, with tags the collector read itself (the emulator's
    // Tagging API leaves EKS out). The emulator adds its own cluster security group, so the
    // seeded relations must be among those found.
    for (ty, name, tagged, relations) in &seeded.eks {
        let found = find(&inventory, ty, name);
        let all = all_relations(found);
        for relation in relations {
            assert!(all.contains(relation), "{ty} {name}: {relation:?} missing from {all:?}");
        }
        assert_eq!(found["tags"].as_object().unwrap().is_empty(), !tagged, "{found}");
        assert_eq!(sources(found), vec!["eks"], "{found}");
    }

    // Auto Scaling: groups tagged and never tagged, with tags the collector read itself (AWS's
    // Tagging API does not return Auto Scaling groups), each group linked to the instances it
    // runs, and each of those instances in the inventory.
    for (name, tagged, relations) in &seeded.autoscaling {
        let found = find(&inventory, "autoscaling:autoScalingGroup", name);
        assert_eq!(all_relations(found), *relations, "{name}");
        assert_eq!(found["tags"].as_object().unwrap().is_empty(), !tagged, "{found}");
        assert_eq!(sources(found), vec!["autoscaling"], "{found}");
        for instance in related(found, "has-instance") {
            let instance = of_type(&inventory, "ec2:instance")
                .find(|r| r["arn"] == instance)
                .unwrap_or_else(|| panic!("{name}: instance {instance} not in the inventory"));
            assert_eq!(
                instance["tags"]["aws:autoscaling:groupName"],
                name.as_str(),
                "{instance}"
            );
        }
    }
    let web = find(&inventory, "autoscaling:autoScalingGroup", "asg-web");
    assert_eq!(related(web, "has-instance").len(), 1, "{web}");
    assert_eq!(web["attributes"]["desired_capacity"], 1, "{web}");
    let legacy = find(&inventory, "autoscaling:autoScalingGroup", "asg-legacy");
    assert_eq!(legacy["attributes"]["launch_configuration"], "asg-legacy", "{legacy}");

    // EFS: file systems tagged and never tagged, with their mount targets' subnets and security
    // groups and the lifecycle policy. The Tagging API sees the tagged one too, so the two merge.
    for (id, tagged, relations, mount_targets) in &seeded.efs {
        let found = find(&inventory, "elasticfilesystem:file-system", id);
        let all = all_relations(found);
        for relation in relations {
            assert!(all.contains(relation), "{id}: {relation:?} missing from {all:?}");
        }
        assert_eq!(found["tags"].as_object().unwrap().is_empty(), !tagged, "{found}");
        let expected = if *tagged { vec!["tagging", "efs"] } else { vec!["efs"] };
        assert_eq!(sources(found), expected, "{found}");
        let attrs = &found["attributes"];
        assert_eq!(
            attrs["mount_targets"].as_array().unwrap().len(),
            *mount_targets,
            "{found}"
        );
        assert_eq!(attrs["encrypted"], *tagged, "{found}");
        if *tagged {
            assert_eq!(found["name"], "shared-data", "{found}");
            assert_eq!(
                attrs["lifecycle"],
                serde_json::json!([{"transition_to_ia": "AFTER_30_DAYS"}]),
                "{found}"
            );
        }
    }

    // The emulator does hand the value back to DescribeTaskDefinition, so the check below means
    // something: the collector dropped it.
    let ecs = aws_sdk_ecs::Client::new(&emulator.sdk_config().await);
    let described = ecs
        .describe_task_definition()
        .task_definition("shop-web")
        .send()
        .await
        .unwrap();
    let values: Vec<&str> = described
        .task_definition()
        .map(|t| t.container_definitions())
        .unwrap_or_default()
        .iter()
        .flat_map(|c| c.environment())
        .filter_map(|e| e.value())
        .collect();
    assert_eq!(values, vec![ECS_ENV_SECRET], "{described:?}");
    assert!(
        !text.contains(ECS_ENV_SECRET) && !text.contains("DATABASE_PASSWORD"),
        "a task definition's environment reached the inventory"
    );

    // Every operation sent is read-only and in the published policy, and each collector's
    // operations were exercised.
    for line in &operations {
        let (service, operation) = line.split_once('\t').unwrap();
        assert!(
            acctsplit::aws::policy::is_read_only_operation(operation),
            "{line} is not a List/Describe/Get call"
        );
        assert!(
            acctsplit::aws::policy::find(service, operation).is_some(),
            "{line} is missing from the IAM policy"
        );
    }
    for expected in [
        "CloudFormation\tDescribeStacks",
        "CloudFormation\tListStackResources",
        "ECS\tListClusters",
        "ECS\tDescribeClusters",
        "ECS\tListServices",
        "ECS\tDescribeServices",
        "ECS\tDescribeTaskDefinition",
        "EKS\tListClusters",
        "EKS\tDescribeCluster",
        "EKS\tListNodegroups",
        "EKS\tDescribeNodegroup",
        "Auto Scaling\tDescribeAutoScalingGroups",
        "EFS\tDescribeFileSystems",
        "EFS\tDescribeLifecycleConfiguration",
        "EFS\tDescribeMountTargets",
        "EFS\tDescribeMountTargetSecurityGroups",
    ] {
        assert!(
            operations.iter().any(|o| o == expected),
            "{expected} not sent: {operations:?}"
        );
    }
}
