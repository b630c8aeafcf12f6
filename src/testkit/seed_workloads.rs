//! Seeds the emulator with the workload services and the governance facts of issue 14: a
//! CloudFormation stack that owns a bucket, a queue and a security group (tagged) and one that
//! owns a bucket (never tagged); more services follow in this file. Each seeder returns what a
//! correct scan must report, so the tests in `tests/integration/workloads.rs` compare against
//! it rather than against numbers written twice.

use aws_config::SdkConfig;
use aws_types::region::Region;

use super::seed::{account_id, must};

/// The region the workload seeders use.
pub const REGION: &str = "us-east-1";

/// What the workload seed created, by name.
#[derive(Debug, Clone)]
pub struct Workloads {
    pub account_id: String,
    /// (stack name, tagged, ARNs the stack must own), sorted by name.
    pub stacks: Vec<(String, bool, Vec<String>)>,
    /// ECS clusters: (name, tagged).
    pub ecs_clusters: Vec<(String, bool)>,
    /// ECS services: (name, tagged, `(kind, arn)` relations a scan must report, sorted).
    pub ecs_services: Vec<(String, bool, Relations)>,
    /// EKS clusters and node groups: (resource type, name, tagged, relations), sorted.
    pub eks: Vec<(String, String, bool, Relations)>,
    /// Auto Scaling groups: (name, tagged, relations a scan must report, sorted). The
    /// `has-instance` ones are every instance the emulator started for the group.
    pub autoscaling: Vec<(String, bool, Relations)>,
    /// EFS file systems: (file system id, tagged, relations a scan must report, sorted, mount
    /// target count).
    pub efs: Vec<(String, bool, Relations, usize)>,
}

/// `(kind, arn)` relations, sorted.
pub type Relations = Vec<(String, String)>;

/// A subnet and a security group in a fresh VPC of [`REGION`], for the services to run in.
pub struct Network {
    pub vpc: String,
    pub subnet: String,
    pub security_group: String,
}

/// A client of an SDK crate for one region.
macro_rules! client {
    ($krate:ident, $cfg:expr, $region:expr) => {
        $krate::Client::from_conf(
            $krate::config::Builder::from($cfg)
                .region(Region::new($region.to_owned()))
                .build(),
        )
    };
}
pub(crate) use client;

/// Seeds every workload service in [`REGION`].
pub async fn seed_workloads(cfg: &SdkConfig) -> Workloads {
    let account_id = account_id(cfg).await;
    let stacks = seed_stacks(cfg, &account_id).await;
    let net = seed_network(cfg).await;
    let (ecs_clusters, ecs_services) = seed_ecs(cfg, &account_id, &net).await;
    let eks = seed_eks(cfg, &account_id, &net).await;
    let (autoscaling, lb_stack) = seed_autoscaling(cfg, &account_id, &net).await;
    let efs = seed_efs(cfg, &account_id, &net).await;
    let mut stacks = stacks;
    stacks.push(lb_stack);
    stacks.sort();
    Workloads {
        eks,
        autoscaling,
        efs,
        account_id,
        stacks,
        ecs_clusters,
        ecs_services,
    }
}

const SHOP_TEMPLATE: &str = r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Parameters": {"DbPassword": {"Type": "String", "NoEcho": true}},
  "Resources": {
    "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.42.0.0/16"}},
    "WebSg": {"Type": "AWS::EC2::SecurityGroup",
              "Properties": {"GroupDescription": "shop web", "VpcId": {"Ref": "Vpc"}}},
    "Assets": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "shop-stack-assets"}},
    "Jobs": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": "shop-stack-jobs"}}
  },
  "Outputs": {"AssetsBucket": {"Value": {"Ref": "Assets"}}}
}"#;

const REPORTS_TEMPLATE: &str = r#"{
  "Resources": {
    "Reports": {"Type": "AWS::S3::Bucket", "Properties": {"BucketName": "reports-stack-output"}}
  }
}"#;

/// The parameter value the shop stack is created with: no scan may keep it.
pub const STACK_SECRET: &str = "stack-param-secret-7f3a";

async fn seed_stacks(cfg: &SdkConfig, account: &str) -> Vec<(String, bool, Vec<String>)> {
    use aws_sdk_cloudformation as cfn;
    let client = client!(cfn, cfg, REGION);
    let shop = must(
        "cloudformation CreateStack shop",
        client
            .create_stack()
            .stack_name("shop")
            .template_body(SHOP_TEMPLATE)
            .parameters(
                cfn::types::Parameter::builder()
                    .parameter_key("DbPassword")
                    .parameter_value(STACK_SECRET)
                    .build(),
            )
            .tags(cfn::types::Tag::builder().key("Environment").value("prod").build())
            .send()
            .await,
    );
    must(
        "cloudformation CreateStack reports",
        client
            .create_stack()
            .stack_name("reports")
            .template_body(REPORTS_TEMPLATE)
            .send()
            .await,
    );
    // The ARNs each stack must own, from the emulator's own answer for the security group.
    let mut shop_owns = vec![
        "arn:aws:s3:::shop-stack-assets".to_owned(),
        format!("arn:aws:sqs:{REGION}:{account}:shop-stack-jobs"),
    ];
    let listed = must(
        "cloudformation ListStackResources shop",
        client
            .list_stack_resources()
            .stack_name(shop.stack_id().unwrap_or("shop"))
            .send()
            .await,
    );
    for r in listed.stack_resource_summaries() {
        let physical = r.physical_resource_id().unwrap_or_default();
        match r.resource_type() {
            Some("AWS::EC2::SecurityGroup") => {
                shop_owns.push(format!("arn:aws:ec2:{REGION}:{account}:security-group/{physical}"))
            }
            Some("AWS::EC2::VPC") => shop_owns.push(format!("arn:aws:ec2:{REGION}:{account}:vpc/{physical}")),
            _ => {}
        }
    }
    shop_owns.sort();
    vec![
        (
            "reports".to_owned(),
            false,
            vec!["arn:aws:s3:::reports-stack-output".to_owned()],
        ),
        ("shop".to_owned(), true, shop_owns),
    ]
}

async fn seed_network(cfg: &SdkConfig) -> Network {
    use aws_sdk_ec2 as ec2;
    let client = client!(ec2, cfg, REGION);
    let vpc = must(
        "ec2 CreateVpc",
        client.create_vpc().cidr_block("10.43.0.0/16").send().await,
    );
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("a VPC id").to_owned();
    let subnet = must(
        "ec2 CreateSubnet",
        client
            .create_subnet()
            .vpc_id(&vpc_id)
            .cidr_block("10.43.1.0/24")
            .send()
            .await,
    );
    let group = must(
        "ec2 CreateSecurityGroup",
        client
            .create_security_group()
            .group_name("workloads")
            .description("workload services")
            .vpc_id(&vpc_id)
            .send()
            .await,
    );
    Network {
        vpc: vpc_id,
        subnet: subnet
            .subnet()
            .and_then(|s| s.subnet_id())
            .expect("a subnet id")
            .to_owned(),
        security_group: group.group_id().expect("a group id").to_owned(),
    }
}

/// The value of an environment variable of the seeded task definition: no scan may keep it.
pub const ECS_ENV_SECRET: &str = "ecs-env-value-secret-91c2";

type EcsSeed = (Vec<(String, bool)>, Vec<(String, bool, Relations)>);

async fn seed_ecs(cfg: &SdkConfig, account: &str, net: &Network) -> EcsSeed {
    use aws_sdk_ecs as ecs;
    use ecs::types::{AwsVpcConfiguration, ContainerDefinition, KeyValuePair, LoadBalancer, NetworkConfiguration, Tag};
    let client = client!(ecs, cfg, REGION);
    let tag = |k: &str, v: &str| Tag::builder().key(k).value(v).build();
    let cluster_arn = |name: &str| format!("arn:aws:ecs:{REGION}:{account}:cluster/{name}");
    must(
        "ecs CreateCluster shop-web",
        client
            .create_cluster()
            .cluster_name("shop-web")
            .tags(tag("Environment", "prod"))
            .send()
            .await,
    );
    must(
        "ecs CreateCluster batch",
        client.create_cluster().cluster_name("batch").send().await,
    );
    let task_role = format!("arn:aws:iam::{account}:role/shop-web-task");
    let exec_role = format!("arn:aws:iam::{account}:role/ecs-task-execution");
    let registered = must(
        "ecs RegisterTaskDefinition shop-web",
        client
            .register_task_definition()
            .family("shop-web")
            .task_role_arn(&task_role)
            .execution_role_arn(&exec_role)
            .network_mode(ecs::types::NetworkMode::Awsvpc)
            .container_definitions(
                ContainerDefinition::builder()
                    .name("web")
                    .image("nginx:1.27")
                    .memory(512)
                    .environment(
                        KeyValuePair::builder()
                            .name("DATABASE_PASSWORD")
                            .value(ECS_ENV_SECRET)
                            .build(),
                    )
                    .build(),
            )
            .send()
            .await,
    );
    let definition = registered
        .task_definition()
        .and_then(|t| t.task_definition_arn())
        .expect("a task definition ARN")
        .to_owned();
    let target_group = format!("arn:aws:elasticloadbalancing:{REGION}:{account}:targetgroup/shop-web/0123456789abcdef");
    let network = NetworkConfiguration::builder()
        .awsvpc_configuration(
            AwsVpcConfiguration::builder()
                .subnets(&net.subnet)
                .security_groups(&net.security_group)
                .build()
                .expect("subnets are set"),
        )
        .build();
    must(
        "ecs CreateService shop-web-api",
        client
            .create_service()
            .cluster("shop-web")
            .service_name("shop-web-api")
            .task_definition(&definition)
            .desired_count(1)
            .network_configuration(network)
            .load_balancers(
                LoadBalancer::builder()
                    .target_group_arn(&target_group)
                    .container_name("web")
                    .container_port(80)
                    .build(),
            )
            .tags(tag("Environment", "prod"))
            .send()
            .await,
    );
    must(
        "ecs CreateService batch-worker",
        client
            .create_service()
            .cluster("batch")
            .service_name("batch-worker")
            .task_definition(&definition)
            .desired_count(0)
            .send()
            .await,
    );
    let ec2 = |kind: &str, id: &str| format!("arn:aws:ec2:{REGION}:{account}:{kind}/{id}");
    let mut api = vec![
        (
            "has-security-group".to_owned(),
            ec2("security-group", &net.security_group),
        ),
        ("in-cluster".to_owned(), cluster_arn("shop-web")),
        ("in-subnet".to_owned(), ec2("subnet", &net.subnet)),
        ("in-target-group".to_owned(), target_group),
        ("uses-role".to_owned(), exec_role.clone()),
        ("uses-role".to_owned(), task_role.clone()),
    ];
    api.sort();
    let mut worker = vec![
        ("in-cluster".to_owned(), cluster_arn("batch")),
        ("uses-role".to_owned(), exec_role),
        ("uses-role".to_owned(), task_role),
    ];
    worker.sort();
    (
        vec![("batch".to_owned(), false), ("shop-web".to_owned(), true)],
        vec![
            ("batch-worker".to_owned(), false, worker),
            ("shop-web-api".to_owned(), true, api),
        ],
    )
}

async fn seed_eks(cfg: &SdkConfig, account: &str, net: &Network) -> Vec<(String, String, bool, Relations)> {
    use aws_sdk_eks as eks;
    let client = client!(eks, cfg, REGION);
    let cluster_role = format!("arn:aws:iam::{account}:role/eks-cluster");
    let node_role = format!("arn:aws:iam::{account}:role/eks-node");
    let ec2 = |kind: &str, id: &str| format!("arn:aws:ec2:{REGION}:{account}:{kind}/{id}");
    let mut out = Vec::new();
    for (name, tagged) in [("platform", true), ("legacy-k8s", false)] {
        let mut create = client
            .create_cluster()
            .name(name)
            .version("1.31")
            .role_arn(&cluster_role)
            .resources_vpc_config(
                eks::types::VpcConfigRequest::builder()
                    .subnet_ids(&net.subnet)
                    .security_group_ids(&net.security_group)
                    .build(),
            );
        if tagged {
            create = create.tags("Environment", "dev");
        }
        let created = must("eks CreateCluster", create.send().await);
        let cluster_arn = created
            .cluster()
            .and_then(|c| c.arn())
            .expect("a cluster ARN")
            .to_owned();
        let mut relations = vec![
            (
                "has-security-group".to_owned(),
                ec2("security-group", &net.security_group),
            ),
            ("in-subnet".to_owned(), ec2("subnet", &net.subnet)),
            ("uses-role".to_owned(), cluster_role.clone()),
        ];
        relations.sort();
        out.push(("eks:cluster".to_owned(), name.to_owned(), tagged, relations));
        let group = format!("{name}-nodes");
        let mut create = client
            .create_nodegroup()
            .cluster_name(name)
            .nodegroup_name(&group)
            .node_role(&node_role)
            .subnets(&net.subnet);
        if tagged {
            create = create.tags("Environment", "dev");
        }
        must("eks CreateNodegroup", create.send().await);
        let mut relations = vec![
            ("in-cluster".to_owned(), cluster_arn),
            ("in-subnet".to_owned(), ec2("subnet", &net.subnet)),
            ("uses-role".to_owned(), node_role.clone()),
        ];
        relations.sort();
        out.push(("eks:nodegroup".to_owned(), group, tagged, relations));
    }
    out.sort();
    out
}

/// A target group for the web Auto Scaling group, made through CloudFormation (the emulator
/// checks a group's target groups exist, and the test kit has no load balancing client).
const ASG_LB_TEMPLATE: &str = r#"{
  "Parameters": {"VpcId": {"Type": "String"}},
  "Resources": {
    "WebTargets": {"Type": "AWS::ElasticLoadBalancingV2::TargetGroup",
                   "Properties": {"Name": "asg-web", "Port": 80, "Protocol": "HTTP",
                                  "VpcId": {"Ref": "VpcId"}}}
  }
}"#;

/// A tagged group started from a launch template, registered with a target group and running
/// one instance; a never-tagged group from a launch configuration, naming a Classic Load
/// Balancer, running none. Also returns the stack that made the target group, as
/// [`Workloads::stacks`] lists it.
async fn seed_autoscaling(
    cfg: &SdkConfig,
    account: &str,
    net: &Network,
) -> (Vec<(String, bool, Relations)>, (String, bool, Vec<String>)) {
    use aws_sdk_autoscaling as asg;
    use aws_sdk_cloudformation as cfn;
    use aws_sdk_ec2 as ec2;
    let ec2_arn = |kind: &str, id: &str| format!("arn:aws:ec2:{REGION}:{account}:{kind}/{id}");
    let role =
        format!("arn:aws:iam::{account}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling");

    let stacks = client!(cfn, cfg, REGION);
    let stack = must(
        "cloudformation CreateStack asg-web-lb",
        stacks
            .create_stack()
            .stack_name("asg-web-lb")
            .template_body(ASG_LB_TEMPLATE)
            .parameters(
                cfn::types::Parameter::builder()
                    .parameter_key("VpcId")
                    .parameter_value(&net.vpc)
                    .build(),
            )
            .send()
            .await,
    );
    let listed = must(
        "cloudformation ListStackResources asg-web-lb",
        stacks
            .list_stack_resources()
            .stack_name(stack.stack_id().unwrap_or("asg-web-lb"))
            .send()
            .await,
    );
    let target_group = listed
        .stack_resource_summaries()
        .iter()
        .find_map(|r| r.physical_resource_id())
        .expect("the target group's ARN")
        .to_owned();

    let ec2c = client!(ec2, cfg, REGION);
    let template = must(
        "ec2 CreateLaunchTemplate",
        ec2c.create_launch_template()
            .launch_template_name("asg-web")
            .launch_template_data(
                ec2::types::RequestLaunchTemplateData::builder()
                    .image_id(super::seed::BASE_IMAGE)
                    .instance_type(ec2::types::InstanceType::T3Micro)
                    .build(),
            )
            .send()
            .await,
    );
    let template_id = template
        .launch_template()
        .and_then(|t| t.launch_template_id())
        .expect("a launch template id")
        .to_owned();

    let client = client!(asg, cfg, REGION);
    must(
        "autoscaling CreateAutoScalingGroup asg-web",
        client
            .create_auto_scaling_group()
            .auto_scaling_group_name("asg-web")
            .launch_template(
                asg::types::LaunchTemplateSpecification::builder()
                    .launch_template_id(&template_id)
                    .version("$Latest")
                    .build(),
            )
            .min_size(1)
            .max_size(3)
            .desired_capacity(1)
            .vpc_zone_identifier(&net.subnet)
            .target_group_arns(&target_group)
            .tags(
                asg::types::Tag::builder()
                    .resource_id("asg-web")
                    .resource_type("auto-scaling-group")
                    .key("Environment")
                    .value("dev")
                    .propagate_at_launch(true)
                    .build(),
            )
            .send()
            .await,
    );
    must(
        "autoscaling CreateLaunchConfiguration",
        client
            .create_launch_configuration()
            .launch_configuration_name("asg-legacy")
            .image_id(super::seed::BASE_IMAGE)
            .instance_type("t3.micro")
            .send()
            .await,
    );
    must(
        "autoscaling CreateAutoScalingGroup asg-legacy",
        client
            .create_auto_scaling_group()
            .auto_scaling_group_name("asg-legacy")
            .launch_configuration_name("asg-legacy")
            .min_size(0)
            .max_size(2)
            .desired_capacity(0)
            .vpc_zone_identifier(&net.subnet)
            .load_balancer_names("legacy-classic")
            .send()
            .await,
    );

    // The instances the emulator started for the web group, found through EC2 (the emulator
    // tags them with the group's name, as AWS does), not through the API under test.
    let running = must(
        "ec2 DescribeInstances",
        ec2c.describe_instances()
            .filters(
                ec2::types::Filter::builder()
                    .name("tag:aws:autoscaling:groupName")
                    .values("asg-web")
                    .build(),
            )
            .send()
            .await,
    );
    let mut web = vec![
        ("in-subnet".to_owned(), ec2_arn("subnet", &net.subnet)),
        ("in-target-group".to_owned(), target_group.clone()),
        (
            "uses-launch-template".to_owned(),
            ec2_arn("launch-template", &template_id),
        ),
        ("uses-role".to_owned(), role.clone()),
    ];
    let instances: Vec<String> = running
        .reservations()
        .iter()
        .flat_map(|r| r.instances())
        .filter_map(|i| i.instance_id())
        .map(|id| ec2_arn("instance", id))
        .collect();
    assert_eq!(instances.len(), 1, "the web group runs one instance: {instances:?}");
    web.extend(instances.into_iter().map(|arn| ("has-instance".to_owned(), arn)));
    web.sort();
    let mut legacy = vec![
        (
            "in-load-balancer".to_owned(),
            format!("arn:aws:elasticloadbalancing:{REGION}:{account}:loadbalancer/legacy-classic"),
        ),
        ("in-subnet".to_owned(), ec2_arn("subnet", &net.subnet)),
        ("uses-role".to_owned(), role),
    ];
    legacy.sort();
    (
        vec![
            ("asg-legacy".to_owned(), false, legacy),
            ("asg-web".to_owned(), true, web),
        ],
        ("asg-web-lb".to_owned(), false, vec![target_group]),
    )
}

/// A tagged, encrypted file system with a lifecycle policy and a mount target in the workload
/// subnet; a never-tagged one with neither.
async fn seed_efs(cfg: &SdkConfig, account: &str, net: &Network) -> Vec<(String, bool, Relations, usize)> {
    use aws_sdk_efs as efs;
    let client = client!(efs, cfg, REGION);
    let ec2_arn = |kind: &str, id: &str| format!("arn:aws:ec2:{REGION}:{account}:{kind}/{id}");
    let mut out = Vec::new();
    for (name, tagged) in [("shared-data", true), ("scratch", false)] {
        let mut create = client.create_file_system().creation_token(name).encrypted(tagged);
        if tagged {
            create = create
                .tags(
                    efs::types::Tag::builder()
                        .key("Name")
                        .value(name)
                        .build()
                        .expect("a tag"),
                )
                .tags(
                    efs::types::Tag::builder()
                        .key("Environment")
                        .value("prod")
                        .build()
                        .expect("a tag"),
                );
        }
        let created = must("efs CreateFileSystem", create.send().await);
        let id = created.file_system_id().to_owned();
        if !tagged {
            out.push((id, false, Vec::new(), 0));
            continue;
        }
        must(
            "efs PutLifecycleConfiguration",
            client
                .put_lifecycle_configuration()
                .file_system_id(&id)
                .lifecycle_policies(
                    efs::types::LifecyclePolicy::builder()
                        .transition_to_ia(efs::types::TransitionToIaRules::After30Days)
                        .build(),
                )
                .send()
                .await,
        );
        must(
            "efs CreateMountTarget",
            client
                .create_mount_target()
                .file_system_id(&id)
                .subnet_id(&net.subnet)
                .security_groups(&net.security_group)
                .send()
                .await,
        );
        let mut relations = vec![
            (
                "has-security-group".to_owned(),
                ec2_arn("security-group", &net.security_group),
            ),
            ("in-subnet".to_owned(), ec2_arn("subnet", &net.subnet)),
        ];
        relations.sort();
        out.push((id, true, relations, 1));
    }
    out.sort();
    out
}
