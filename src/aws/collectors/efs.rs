//! The EFS collector (per region): every file system (`DescribeFileSystems`) with its
//! encryption and key, metered size, performance and throughput modes, its lifecycle policies
//! (`DescribeLifecycleConfiguration`), and its mount targets (`DescribeMountTargets`) with their
//! subnets and security groups (`DescribeMountTargetSecurityGroups`). The API gives a mount target
//! no ARN: they are listed in the file system's `mount_targets` attribute, and their
//! subnets and security groups are the file system's `in-subnet` and `has-security-group`
//! relations. File contents and the file system policy are not read.

use aws_sdk_efs::Client;
use aws_sdk_efs::types::{FileSystemDescription, LifecyclePolicy};
use futures::future::BoxFuture;
use serde_json::json;

use super::common::{self, Ident, date, first_error, network_relations, tag_map};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_efs, "elasticfilesystem");

pub struct Efs;

const ACTIONS: &[Action] = &[
    action("EFS", "DescribeFileSystems", "elasticfilesystem:DescribeFileSystems"),
    action(
        "EFS",
        "DescribeLifecycleConfiguration",
        "elasticfilesystem:DescribeLifecycleConfiguration",
    ),
    action(
        "EFS",
        "DescribeMountTargetSecurityGroups",
        "elasticfilesystem:DescribeMountTargetSecurityGroups",
    ),
    action("EFS", "DescribeMountTargets", "elasticfilesystem:DescribeMountTargets"),
];

impl Collector<AwsScanSource> for Efs {
    fn name(&self) -> &'static str {
        "efs"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon Elastic File System"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// A mount target as the file system records it: id, subnet, availability zone and security
/// groups (sorted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MountTarget {
    pub id: String,
    pub subnet: String,
    pub availability_zone: Option<String>,
    pub security_groups: Vec<String>,
}

/// Reads every file system of one region, with its lifecycle and mount targets.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut out: Vec<Resource> = Vec::new();
    let mut systems: Vec<FileSystemDescription> = Vec::new();
    let (mut requests, error) = paginate!(client.describe_file_systems(), "DescribeFileSystems", region, |page| {
        systems.extend(page.file_systems().iter().cloned());
    });
    errors.extend(error);
    for fs in &systems {
        let id = fs.file_system_id();
        requests += 1;
        let lifecycle = match client
            .describe_lifecycle_configuration()
            .file_system_id(id)
            .send()
            .await
        {
            Ok(found) => Some(found.lifecycle_policies().to_vec()),
            Err(err) => {
                errors.push(ApiError::from_sdk("DescribeLifecycleConfiguration", region, err));
                None
            }
        };
        let mut targets: Vec<MountTarget> = Vec::new();
        let (n, error) = paginate!(
            client.describe_mount_targets().file_system_id(id),
            "DescribeMountTargets",
            region,
            |page| {
                targets.extend(page.mount_targets().iter().map(|t| MountTarget {
                    id: t.mount_target_id().to_owned(),
                    subnet: t.subnet_id().to_owned(),
                    availability_zone: t.availability_zone_name().map(str::to_owned),
                    security_groups: Vec::new(),
                }));
            }
        );
        requests += n;
        errors.extend(error);
        for target in &mut targets {
            requests += 1;
            match client
                .describe_mount_target_security_groups()
                .mount_target_id(&target.id)
                .send()
                .await
            {
                Ok(found) => target.security_groups = found.security_groups().to_vec(),
                Err(err) => errors.push(ApiError::from_sdk("DescribeMountTargetSecurityGroups", region, err)),
            }
        }
        out.extend(file_system(fs, lifecycle.as_deref(), &targets, region, account));
    }
    UnitResult {
        service: "efs",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// One lifecycle policy as `{"transition_to_ia": "AFTER_30_DAYS"}` and the like.
fn policy(p: &LifecyclePolicy) -> serde_json::Value {
    let mut rule = serde_json::Map::new();
    if let Some(v) = p.transition_to_ia() {
        rule.insert("transition_to_ia".into(), json!(v.as_str()));
    }
    if let Some(v) = p.transition_to_primary_storage_class() {
        rule.insert("transition_to_primary_storage_class".into(), json!(v.as_str()));
    }
    if let Some(v) = p.transition_to_archive() {
        rule.insert("transition_to_archive".into(), json!(v.as_str()));
    }
    serde_json::Value::Object(rule)
}

/// A file system; `lifecycle` is `None` when it could not be read, and `targets` its mount
/// targets.
pub fn file_system(
    fs: &FileSystemDescription,
    lifecycle: Option<&[LifecyclePolicy]>,
    targets: &[MountTarget],
    region: &str,
    account: &str,
) -> Option<Resource> {
    let (fs_arn, id) = (fs.file_system_arn()?, fs.file_system_id());
    let mut targets = targets.to_vec();
    targets.sort_by(|a, b| a.id.cmp(&b.id));
    for t in &mut targets {
        t.security_groups.sort();
    }
    let mut relations = network_relations(
        region,
        account,
        targets.iter().map(|t| t.subnet.as_str()),
        targets
            .iter()
            .flat_map(|t| t.security_groups.iter().map(String::as_str)),
    );
    relations.extend(
        fs.kms_key_id()
            .and_then(|k| arn::kms_key(region, account, k))
            .map(|k| Relation::new("uses-key", k)),
    );
    let mount_targets: Vec<serde_json::Value> = targets
        .iter()
        .map(|t| {
            json!({
                "id": t.id,
                "subnet": t.subnet,
                "availability_zone": t.availability_zone,
                "security_groups": t.security_groups,
            })
        })
        .collect();
    let attrs = Attrs::default()
        .opt("encrypted", fs.encrypted())
        .opt("kms_key_id", fs.kms_key_id())
        .opt("size_bytes", fs.size_in_bytes().map(|s| s.value()))
        .set("performance_mode", fs.performance_mode().as_str())
        .opt("throughput_mode", fs.throughput_mode().map(|v| v.as_str()))
        .opt("provisioned_throughput_mibps", fs.provisioned_throughput_in_mibps())
        .set("state", fs.life_cycle_state().as_str())
        .opt("availability_zone", fs.availability_zone_name())
        .opt("created", date(Some(fs.creation_time())))
        .opt("lifecycle", lifecycle.map(|l| l.iter().map(policy).collect::<Vec<_>>()))
        .set("mount_targets", mount_targets);
    let tags = tag_map(fs.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
    let ident = Ident {
        arn: fs_arn,
        region,
        id,
        name: fs.name(),
    };
    Some(common::resource(ident, tags, Source::Efs, attrs, relations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_efs::types::{
        FileSystemSize, LifeCycleState, PerformanceMode, Tag, ThroughputMode, TransitionToIaRules,
    };
    use aws_smithy_types::DateTime;

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";
    const ARN: &str = "arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-1";

    fn ec2(kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:eu-west-1:111122223333:{kind}/{id}")
    }

    fn fs() -> FileSystemDescription {
        FileSystemDescription::builder()
            .owner_id(ACCOUNT)
            .creation_token("t")
            .file_system_id("fs-1")
            .file_system_arn(ARN)
            .creation_time(DateTime::from_secs(0))
            .life_cycle_state(LifeCycleState::Available)
            .number_of_mount_targets(2)
            .size_in_bytes(FileSystemSize::builder().value(6144).build())
            .performance_mode(PerformanceMode::GeneralPurpose)
            .throughput_mode(ThroughputMode::Elastic)
            .encrypted(true)
            .kms_key_id("arn:aws:kms:eu-west-1:111122223333:key/k1")
            .name("shared")
            .tags(Tag::builder().key("env").value("prod").build().unwrap())
            .build()
            .unwrap()
    }

    #[test]
    fn file_system_has_encryption_size_modes_lifecycle_and_mount_targets() {
        let targets = [
            MountTarget {
                id: "fsmt-b".into(),
                subnet: "subnet-b".into(),
                availability_zone: Some("eu-west-1b".into()),
                security_groups: vec!["sg-2".into(), "sg-1".into()],
            },
            MountTarget {
                id: "fsmt-a".into(),
                subnet: "subnet-a".into(),
                availability_zone: None,
                security_groups: vec!["sg-1".into()],
            },
        ];
        let lifecycle = [LifecyclePolicy::builder()
            .transition_to_ia(TransitionToIaRules::After30Days)
            .build()];
        let res = file_system(&fs(), Some(&lifecycle), &targets, REGION, ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "elasticfilesystem:file-system");
        assert_eq!(res.id, "fs-1");
        assert_eq!(res.name.as_deref(), Some("shared"));
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.sources, vec![Source::Efs]);
        let rels: Vec<(&str, &str)> = res
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect();
        let (sg1, sg2, sa, sb) = (
            ec2("security-group", "sg-1"),
            ec2("security-group", "sg-2"),
            ec2("subnet", "subnet-a"),
            ec2("subnet", "subnet-b"),
        );
        assert_eq!(
            rels,
            vec![
                ("has-security-group", sg1.as_str()),
                ("has-security-group", sg2.as_str()),
                ("in-subnet", sa.as_str()),
                ("in-subnet", sb.as_str()),
                ("uses-key", "arn:aws:kms:eu-west-1:111122223333:key/k1"),
            ]
        );
        assert_eq!(res.attributes["encrypted"], true);
        assert_eq!(res.attributes["size_bytes"], 6144);
        assert_eq!(res.attributes["performance_mode"], "generalPurpose");
        assert_eq!(res.attributes["throughput_mode"], "elastic");
        assert_eq!(
            res.attributes["lifecycle"],
            serde_json::json!([{"transition_to_ia": "AFTER_30_DAYS"}])
        );
        assert_eq!(
            res.attributes["mount_targets"],
            serde_json::json!([
                {"id": "fsmt-a", "subnet": "subnet-a", "availability_zone": null, "security_groups": ["sg-1"]},
                {"id": "fsmt-b", "subnet": "subnet-b", "availability_zone": "eu-west-1b",
                 "security_groups": ["sg-1", "sg-2"]},
            ])
        );
    }

    #[test]
    fn an_unread_lifecycle_is_absent_not_empty() {
        let res = file_system(&fs(), None, &[], REGION, ACCOUNT).unwrap();
        assert!(!res.attributes.contains_key("lifecycle"));
        assert_eq!(res.attributes["mount_targets"], serde_json::json!([]));
        let res = file_system(&fs(), Some(&[]), &[], REGION, ACCOUNT).unwrap();
        assert_eq!(res.attributes["lifecycle"], serde_json::json!([]));
    }
}

/// moto answers `DescribeFileSystems` and `DescribeMountTargets` in one page, so the second
/// pages are read from a fake.
#[cfg(test)]
mod two_pages {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn answer(call: &Call) -> (u16, String) {
        // EFS is a REST protocol: the operation is the method and path, the marker a query field.
        let op = call.operation.as_str();
        let second = op.contains("Marker=page2");
        let n = if second { 2 } else { 1 };
        let marker = if second { "" } else { r#","NextMarker":"page2""# };
        let path = op.split_once(' ').map_or(op, |(_, p)| p);
        let path = path.split_once("/2015-02-01/").map_or(path, |(_, p)| p);
        let (path, query) = path.split_once('?').unwrap_or((path, ""));
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let fs_of = |q: &str| {
            q.split('&')
                .find_map(|kv| kv.strip_prefix("FileSystemId="))
                .unwrap_or_default()
                .to_owned()
        };
        let body = match parts.as_slice() {
            ["file-systems"] => format!(
                r#"{{"FileSystems":[{{"OwnerId":"111122223333","CreationToken":"t","FileSystemId":"fs-{n}","FileSystemArn":"arn:aws:elasticfilesystem:eu-west-1:111122223333:file-system/fs-{n}","CreationTime":0,"LifeCycleState":"available","NumberOfMountTargets":2,"SizeInBytes":{{"Value":0}},"PerformanceMode":"generalPurpose","Tags":[]}}]{marker}}}"#
            ),
            ["file-systems", _, "lifecycle-configuration"] => r#"{"LifecyclePolicies":[]}"#.to_owned(),
            ["mount-targets"] => {
                let fs = fs_of(query);
                format!(
                    r#"{{"MountTargets":[{{"MountTargetId":"{fs}-mt{n}","FileSystemId":"{fs}","SubnetId":"subnet-{n}","LifeCycleState":"available"}}]{marker}}}"#
                )
            }
            ["mount-targets", _, "security-groups"] => r#"{"SecurityGroups":["sg-1"]}"#.to_owned(),
            other => panic!("unexpected {op}: {other:?}"),
        };
        (200, body)
    }

    #[test]
    fn file_systems_and_mount_targets_are_read_past_the_first_page() {
        let client = fake_client!(aws_sdk_efs, answer);
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        let mut ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, vec!["fs-1", "fs-2"]);
        for fs in &result.resources {
            let targets: Vec<&str> = fs.attributes["mount_targets"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap())
                .collect();
            assert_eq!(targets, vec![format!("{}-mt1", fs.id), format!("{}-mt2", fs.id)]);
        }
        // DescribeFileSystems 2; per file system DescribeLifecycleConfiguration 1,
        // DescribeMountTargets 2, DescribeMountTargetSecurityGroups 2.
        assert_eq!(result.requests, 2 + 2 * 5);
    }
}
