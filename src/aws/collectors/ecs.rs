//! The ECS collector (per region): every cluster (`ListClusters`, `DescribeClusters`), and per
//! cluster every service (`ListServices`, `DescribeServices`) with its task definition's family,
//! revision, task role and execution role (`DescribeTaskDefinition`, once per task definition),
//! its subnets and security groups, and the load balancer target groups its tasks register
//! with. A task definition's container definitions carry environment values and secret
//! references: the conversion keeps only the container count and the image names, never an
//! environment name or value.

use std::collections::BTreeMap;

use aws_sdk_ecs::Client;
use aws_sdk_ecs::types::{Cluster, ClusterField, Service, ServiceField, TaskDefinition};
use futures::future::BoxFuture;

use super::common::{self, Ident, date, first_error, network_relations, tag_map};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action};

service_client!(aws_sdk_ecs, "ecs");

pub struct Ecs;

const ACTIONS: &[Action] = &[
    action("ECS", "DescribeClusters", "ecs:DescribeClusters"),
    action("ECS", "DescribeServices", "ecs:DescribeServices"),
    action("ECS", "DescribeTaskDefinition", "ecs:DescribeTaskDefinition"),
    action("ECS", "ListClusters", "ecs:ListClusters"),
    action("ECS", "ListServices", "ecs:ListServices"),
];

/// `DescribeClusters` takes at most 100 clusters a call, `DescribeServices` at most 10 services.
const CLUSTERS_PER_CALL: usize = 100;
const SERVICES_PER_CALL: usize = 10;

impl Collector<AwsScanSource> for Ecs {
    fn name(&self) -> &'static str {
        "ecs"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// Fargate tasks and ECS on Outposts; the EC2 container instances are billed as EC2. Older
    /// bills name the service `Amazon EC2 Container Service`.
    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon Elastic Container Service", "Amazon EC2 Container Service"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every cluster and service of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut out: Vec<Resource> = Vec::new();
    let mut cluster_arns: Vec<String> = Vec::new();
    let (mut requests, error) = paginate!(client.list_clusters(), "ListClusters", region, |page| {
        cluster_arns.extend(page.cluster_arns().iter().cloned());
    });
    errors.extend(error);

    let mut clusters: Vec<Cluster> = Vec::new();
    for batch in cluster_arns.chunks(CLUSTERS_PER_CALL) {
        requests += 1;
        let call = client
            .describe_clusters()
            .set_clusters(Some(batch.to_vec()))
            .include(ClusterField::Tags)
            .send()
            .await;
        match call {
            Ok(page) => clusters.extend(page.clusters().iter().cloned()),
            Err(err) => errors.push(ApiError::from_sdk("DescribeClusters", region, err)),
        }
    }

    let mut task_definitions: BTreeMap<String, Option<TaskDefinition>> = BTreeMap::new();
    for c in &clusters {
        let Some(cluster_arn) = c.cluster_arn() else { continue };
        out.extend(cluster(c, region));
        let mut service_arns: Vec<String> = Vec::new();
        let (n, error) = paginate!(
            client.list_services().cluster(cluster_arn),
            "ListServices",
            region,
            |page| {
                service_arns.extend(page.service_arns().iter().cloned());
            }
        );
        requests += n;
        errors.extend(error);
        for batch in service_arns.chunks(SERVICES_PER_CALL) {
            requests += 1;
            let call = client
                .describe_services()
                .cluster(cluster_arn)
                .set_services(Some(batch.to_vec()))
                .include(ServiceField::Tags)
                .send()
                .await;
            let services = match call {
                Ok(page) => page.services().to_vec(),
                Err(err) => {
                    errors.push(ApiError::from_sdk("DescribeServices", region, err));
                    continue;
                }
            };
            for s in &services {
                let definition = match s.task_definition() {
                    Some(arn) if !task_definitions.contains_key(arn) => {
                        requests += 1;
                        let read = client.describe_task_definition().task_definition(arn).send().await;
                        let read = match read {
                            Ok(found) => found.task_definition().map(slim_task_definition),
                            Err(err) => {
                                errors.push(ApiError::from_sdk("DescribeTaskDefinition", region, err));
                                None
                            }
                        };
                        task_definitions.entry(arn.to_owned()).or_insert(read)
                    }
                    Some(arn) => task_definitions.get_mut(arn).expect("checked above"),
                    None => &mut None,
                };
                out.extend(service(s, definition.as_ref(), region, account));
            }
        }
    }
    UnitResult {
        service: "ecs",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// What the inventory may learn from a task definition: everything but its container
/// definitions, of which only the images are kept. Environment values, secret references,
/// commands and log options never leave this function.
pub fn slim_task_definition(t: &TaskDefinition) -> TaskDefinition {
    let images: Vec<_> = t
        .container_definitions()
        .iter()
        .map(|c| {
            aws_sdk_ecs::types::ContainerDefinition::builder()
                .set_name(c.name().map(str::to_owned))
                .set_image(c.image().map(str::to_owned))
                .build()
        })
        .collect();
    let mut slim = t.clone();
    slim.container_definitions = Some(images);
    slim
}

pub fn cluster(c: &Cluster, region: &str) -> Option<Resource> {
    let (arn, name) = (c.cluster_arn()?, c.cluster_name()?);
    let mut providers: Vec<&str> = c.capacity_providers().iter().map(String::as_str).collect();
    providers.sort_unstable();
    let attrs = Attrs::default()
        .opt("status", c.status())
        .set("running_tasks", c.running_tasks_count())
        .set("pending_tasks", c.pending_tasks_count())
        .set("active_services", c.active_services_count())
        .set("container_instances", c.registered_container_instances_count())
        .set("capacity_providers", providers);
    let tags = tag_map(c.tags().iter().map(|t| (t.key(), t.value())));
    let ident = Ident {
        arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(ident, tags, Source::Ecs, attrs, vec![]))
}

/// A service, with what its task definition says when it could be read (`definition`: already
/// slimmed by [`slim_task_definition`]).
pub fn service(s: &Service, definition: Option<&TaskDefinition>, region: &str, account: &str) -> Option<Resource> {
    let (arn, name) = (s.service_arn()?, s.service_name()?);
    let awsvpc = s.network_configuration().and_then(|n| n.awsvpc_configuration());
    let mut relations = network_relations(
        region,
        account,
        awsvpc
            .map(|a| a.subnets())
            .unwrap_or_default()
            .iter()
            .map(String::as_str),
        awsvpc
            .map(|a| a.security_groups())
            .unwrap_or_default()
            .iter()
            .map(String::as_str),
    );
    relations.extend(s.cluster_arn().map(|c| Relation::new("in-cluster", c)));
    relations.extend(
        s.load_balancers()
            .iter()
            .filter_map(|lb| lb.target_group_arn())
            .map(|tg| Relation::new("in-target-group", tg)),
    );
    let mut attrs = Attrs::default()
        .opt("status", s.status())
        .opt("launch_type", s.launch_type().map(|v| v.as_str()))
        .opt("scheduling_strategy", s.scheduling_strategy().map(|v| v.as_str()))
        .set("desired_count", s.desired_count())
        .set("running_count", s.running_count())
        .opt("created", date(s.created_at()))
        .opt("task_definition", s.task_definition())
        .opt(
            "assign_public_ip",
            awsvpc.and_then(|a| a.assign_public_ip()).map(|v| v.as_str()),
        );
    if let Some(t) = definition {
        for role in [t.task_role_arn(), t.execution_role_arn()].into_iter().flatten() {
            relations.push(Relation::new("uses-role", role));
        }
        let mut images: Vec<&str> = t.container_definitions().iter().filter_map(|c| c.image()).collect();
        images.sort_unstable();
        images.dedup();
        let mut compatibilities: Vec<&str> = t.requires_compatibilities().iter().map(|c| c.as_str()).collect();
        compatibilities.sort_unstable();
        attrs = attrs
            .opt("task_family", t.family())
            .set("task_revision", t.revision())
            .opt("task_role", t.task_role_arn())
            .opt("execution_role", t.execution_role_arn())
            .opt("network_mode", t.network_mode().map(|v| v.as_str()))
            .opt("cpu", t.cpu())
            .opt("memory", t.memory())
            .set("requires_compatibilities", compatibilities)
            .set("containers", t.container_definitions().len())
            .set("images", images);
    }
    let tags = tag_map(s.tags().iter().map(|t| (t.key(), t.value())));
    let ident = Ident {
        arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(ident, tags, Source::Ecs, attrs, relations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_ecs::types::{
        AssignPublicIp, AwsVpcConfiguration, ContainerDefinition, KeyValuePair, LaunchType, LoadBalancer,
        NetworkConfiguration, Secret, Tag,
    };

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";
    const CLUSTER: &str = "arn:aws:ecs:eu-west-1:111122223333:cluster/web";
    const TG: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/abc";

    fn definition() -> TaskDefinition {
        TaskDefinition::builder()
            .task_definition_arn("arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7")
            .family("web")
            .revision(7)
            .task_role_arn("arn:aws:iam::111122223333:role/web-task")
            .execution_role_arn("arn:aws:iam::111122223333:role/ecs-exec")
            .container_definitions(
                ContainerDefinition::builder()
                    .name("app")
                    .image("111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4")
                    .environment(
                        KeyValuePair::builder()
                            .name("DB_PASSWORD")
                            .value("env-value-secret")
                            .build(),
                    )
                    .secrets(
                        Secret::builder()
                            .name("API_TOKEN")
                            .value_from("arn:aws:secretsmanager:eu-west-1:111122223333:secret:token")
                            .build()
                            .unwrap(),
                    )
                    .command("--token=command-line-secret")
                    .build(),
            )
            .build()
    }

    #[test]
    fn service_has_cluster_network_target_group_and_roles_but_no_environment() {
        let s = Service::builder()
            .service_arn("arn:aws:ecs:eu-west-1:111122223333:service/web/api")
            .service_name("api")
            .cluster_arn(CLUSTER)
            .status("ACTIVE")
            .launch_type(LaunchType::Fargate)
            .desired_count(2)
            .running_count(2)
            .task_definition("arn:aws:ecs:eu-west-1:111122223333:task-definition/web:7")
            .network_configuration(
                NetworkConfiguration::builder()
                    .awsvpc_configuration(
                        AwsVpcConfiguration::builder()
                            .subnets("subnet-1")
                            .security_groups("sg-1")
                            .assign_public_ip(AssignPublicIp::Disabled)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .load_balancers(LoadBalancer::builder().target_group_arn(TG).build())
            .tags(Tag::builder().key("env").value("prod").build())
            .build();
        let slim = slim_task_definition(&definition());
        let res = service(&s, Some(&slim), REGION, ACCOUNT).unwrap();
        assert_eq!(res.resource_type, "ecs:service");
        assert_eq!(res.id, "api");
        assert_eq!(res.tags["env"], "prod");
        assert_eq!(res.sources, vec![Source::Ecs]);
        let rels: Vec<(&str, &str)> = res
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect();
        assert_eq!(
            rels,
            vec![
                (
                    "has-security-group",
                    "arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1"
                ),
                ("in-cluster", CLUSTER),
                ("in-subnet", "arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-1"),
                ("in-target-group", TG),
                ("uses-role", "arn:aws:iam::111122223333:role/ecs-exec"),
                ("uses-role", "arn:aws:iam::111122223333:role/web-task"),
            ]
        );
        let a = &res.attributes;
        assert_eq!(a["task_family"], "web");
        assert_eq!(a["task_revision"], 7);
        assert_eq!(a["task_role"], "arn:aws:iam::111122223333:role/web-task");
        assert_eq!(a["execution_role"], "arn:aws:iam::111122223333:role/ecs-exec");
        assert_eq!(a["launch_type"], "FARGATE");
        assert_eq!(a["assign_public_ip"], "DISABLED");
        assert_eq!(a["containers"], 1);
        assert_eq!(
            a["images"],
            serde_json::json!(["111122223333.dkr.ecr.eu-west-1.amazonaws.com/web:1.4"])
        );
        let text = serde_json::to_string(&res).unwrap();
        for secret in [
            "env-value-secret",
            "DB_PASSWORD",
            "API_TOKEN",
            "secret:token",
            "command-line-secret",
        ] {
            assert!(!text.contains(secret), "{secret} kept: {text}");
        }
        // (The SDK's Debug output redacts environment values, so the slim copy is checked field
        // by field.)
        for c in slim.container_definitions() {
            assert!(c.environment().is_empty() && c.secrets().is_empty() && c.command().is_empty());
        }
    }

    #[test]
    fn service_without_a_readable_task_definition_keeps_its_own_facts() {
        let s = Service::builder()
            .service_arn("arn:aws:ecs:eu-west-1:111122223333:service/web/worker")
            .service_name("worker")
            .cluster_arn(CLUSTER)
            .build();
        let res = service(&s, None, REGION, ACCOUNT).unwrap();
        assert_eq!(res.related("in-cluster").collect::<Vec<_>>(), vec![CLUSTER]);
        assert!(!res.attributes.contains_key("task_family"));
        assert!(res.related("uses-role").next().is_none());
    }

    #[test]
    fn cluster_counts_its_tasks_and_services() {
        let c = Cluster::builder()
            .cluster_arn(CLUSTER)
            .cluster_name("web")
            .status("ACTIVE")
            .running_tasks_count(3)
            .active_services_count(2)
            .capacity_providers("FARGATE")
            .build();
        let res = cluster(&c, REGION).unwrap();
        assert_eq!(res.resource_type, "ecs:cluster");
        assert_eq!(res.id, "web");
        assert_eq!(res.attributes["running_tasks"], 3);
        assert_eq!(res.attributes["active_services"], 2);
        assert_eq!(res.attributes["capacity_providers"], serde_json::json!(["FARGATE"]));
    }
}

/// moto answers the list calls in one page, so the second pages are read from a fake.
#[cfg(test)]
mod two_pages {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn answer(call: &Call) -> (u16, String) {
        let n = if call.second_page() { 2 } else { 1 };
        let token = if n == 1 { r#","nextToken":"page2""# } else { "" };
        let cluster = |i: &str| format!("arn:aws:ecs:eu-west-1:111122223333:cluster/c{i}");
        let body = match call.operation.as_str() {
            "ListClusters" => format!(r#"{{"clusterArns":["{}"]{token}}}"#, cluster(&n.to_string())),
            "DescribeClusters" => {
                let names: Vec<String> = ["c1", "c2"]
                    .iter()
                    .filter(|c| call.body.contains(&format!("cluster/{c}\"")))
                    .map(|c| format!(r#"{{"clusterArn":"{}","clusterName":"{c}"}}"#, cluster(&c[1..])))
                    .collect();
                format!(r#"{{"clusters":[{}],"failures":[]}}"#, names.join(","))
            }
            "ListServices" => {
                let c = if call.body.contains("cluster/c1") { "c1" } else { "c2" };
                format!(r#"{{"serviceArns":["arn:aws:ecs:eu-west-1:111122223333:service/{c}/s{n}"]{token}}}"#)
            }
            "DescribeServices" => {
                let c = if call.body.contains("cluster/c1") { "c1" } else { "c2" };
                let services: Vec<String> = (1..=2)
                    .map(|i| {
                        format!(
                            r#"{{"serviceArn":"arn:aws:ecs:eu-west-1:111122223333:service/{c}/s{i}","serviceName":"{c}-s{i}","clusterArn":"{}","taskDefinition":"arn:aws:ecs:eu-west-1:111122223333:task-definition/app:1"}}"#,
                            cluster(&c[1..])
                        )
                    })
                    .collect();
                format!(r#"{{"services":[{}],"failures":[]}}"#, services.join(","))
            }
            "DescribeTaskDefinition" => {
                r#"{"taskDefinition":{"family":"app","revision":1,"taskRoleArn":"arn:aws:iam::111122223333:role/app"}}"#
                    .to_owned()
            }
            other => panic!("unexpected {other}"),
        };
        (200, body)
    }

    #[test]
    fn clusters_and_services_are_read_past_the_first_page_and_a_task_definition_once() {
        let client = fake_client!(aws_sdk_ecs, answer);
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        let mut ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        assert_eq!(ids, vec!["c1", "c1-s1", "c1-s2", "c2", "c2-s1", "c2-s2"]);
        // ListClusters 2, DescribeClusters 1, per cluster ListServices 2 + DescribeServices 1,
        // and DescribeTaskDefinition once for the one task definition all services share.
        assert_eq!(result.requests, 2 + 1 + 2 * 3 + 1);
        for s in result.resources.iter().filter(|r| r.resource_type == "ecs:service") {
            assert_eq!(
                s.attr_str("task_role"),
                Some("arn:aws:iam::111122223333:role/app"),
                "{}",
                s.id
            );
        }
    }
}
