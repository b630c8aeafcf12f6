//! Seeds the Lambda, DynamoDB and Elastic Load Balancing part of the issue-12 services
//! (`seed_data::seed_services` calls [`seed`] once per region): half of each type tagged, half
//! never tagged. The tagged function holds [`LAMBDA_ENV_SECRET`] in an environment variable,
//! which no inventory may contain.

use aws_config::SdkConfig;
use aws_types::region::Region;

use super::seed::must;
use super::seed_data::{Network, ServicesSeeded};

/// The value of the seeded `DB_PASSWORD` environment variable: no inventory may contain it.
pub const LAMBDA_ENV_SECRET: &str = "l4mbd4-env-s3cr3t-DO-NOT-LEAK-2c9e";

/// An empty zip archive: moto stores function and layer code without unpacking it.
pub(crate) const EMPTY_ZIP: [u8; 22] = [
    0x50, 0x4b, 0x05, 0x06, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// What one region's seed needs: clients, the account, the region's network and customer key.
pub struct Ctx<'a> {
    pub cfg: &'a SdkConfig,
    pub region: &'a str,
    pub account: &'a str,
    pub short: &'a str,
    pub net: &'a Network,
    pub key: &'a str,
}

impl Ctx<'_> {
    fn what(&self, operation: &str, name: &str) -> String {
        format!("{operation} {name} in {}", self.region)
    }
}

macro_rules! regional {
    ($krate:ident, $cx:expr) => {{
        let conf = $krate::config::Builder::from($cx.cfg)
            .region(Region::new($cx.region.to_owned()))
            .build();
        $krate::Client::from_conf(conf)
    }};
}

/// Seeds one region.
pub async fn seed(seeded: &mut ServicesSeeded, cx: &Ctx<'_>) {
    seed_lambda(seeded, cx).await;
    seed_dynamodb(seeded, cx).await;
    seed_load_balancers(seeded, cx).await;
}

/// An instance behind two load balancers: a tagged Application Load Balancer on both subnets,
/// whose HTTP listener forwards to a tagged target group holding the instance, and a never-tagged
/// Classic Load Balancer with the instance registered; and a never-tagged target group that no
/// load balancer uses.
async fn seed_load_balancers(seeded: &mut ServicesSeeded, cx: &Ctx<'_>) {
    use aws_sdk_elasticloadbalancingv2::types::{Action, ActionTypeEnum, ProtocolEnum, Tag, TargetDescription};
    let ec2 = regional!(aws_sdk_ec2, cx);
    let elbv2 = regional!(aws_sdk_elasticloadbalancingv2, cx);
    let elb = regional!(aws_sdk_elasticloadbalancing, cx);
    let net = cx.net;
    let ran = must(
        &cx.what("ec2 RunInstances", "behind the load balancers"),
        ec2.run_instances()
            .image_id(super::seed::BASE_IMAGE)
            .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
            .min_count(1)
            .max_count(1)
            .subnet_id(&net.subnets[0])
            .security_group_ids(&net.security_group)
            .send()
            .await,
    );
    let instance = ran.instances()[0].instance_id().expect("an instance id").to_owned();
    let instance_arn = net.arn("instance", &instance);

    let name = format!("svc12-web-{}", cx.short);
    let created = must(
        &cx.what("elbv2 CreateLoadBalancer", &name),
        elbv2
            .create_load_balancer()
            .name(&name)
            .set_subnets(Some(net.subnets.clone()))
            .security_groups(&net.security_group)
            .tags(Tag::builder().key("Environment").value("dev").build())
            .send()
            .await,
    );
    let lb_arn = created.load_balancers()[0]
        .load_balancer_arn()
        .expect("a load balancer ARN")
        .to_owned();
    let group = format!("svc12-web-tg-{}", cx.short);
    let created = must(
        &cx.what("elbv2 CreateTargetGroup", &group),
        elbv2
            .create_target_group()
            .name(&group)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .vpc_id(&net.vpc)
            .tags(Tag::builder().key("Environment").value("dev").build())
            .send()
            .await,
    );
    let tg_arn = created.target_groups()[0]
        .target_group_arn()
        .expect("a target group ARN")
        .to_owned();
    must(
        &cx.what("elbv2 RegisterTargets", &group),
        elbv2
            .register_targets()
            .target_group_arn(&tg_arn)
            .targets(TargetDescription::builder().id(&instance).port(80).build())
            .send()
            .await,
    );
    must(
        &cx.what("elbv2 CreateListener", &name),
        elbv2
            .create_listener()
            .load_balancer_arn(&lb_arn)
            .protocol(ProtocolEnum::Http)
            .port(80)
            .default_actions(
                Action::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .target_group_arn(&tg_arn)
                    .build(),
            )
            .send()
            .await,
    );
    seeded.add(&lb_arn, "elasticloadbalancing:loadbalancer", cx.region, true);
    for subnet in &net.subnets {
        seeded.relate(&lb_arn, "in-subnet", &net.arn("subnet", subnet));
    }
    seeded.relate(
        &lb_arn,
        "has-security-group",
        &net.arn("security-group", &net.security_group),
    );
    seeded.relate(&lb_arn, "in-vpc", &net.arn("vpc", &net.vpc));
    seeded.relate(&lb_arn, "forwards-to", &tg_arn);
    seeded.add(&tg_arn, "elasticloadbalancing:targetgroup", cx.region, true);
    seeded.relate(&tg_arn, "has-target", &instance_arn);
    seeded.relate(&tg_arn, "in-vpc", &net.arn("vpc", &net.vpc));
    let idle = format!("svc12-idle-tg-{}", cx.short);
    let created = must(
        &cx.what("elbv2 CreateTargetGroup", &idle),
        elbv2
            .create_target_group()
            .name(&idle)
            .protocol(ProtocolEnum::Http)
            .port(8080)
            .vpc_id(&net.vpc)
            .send()
            .await,
    );
    let idle_arn = created.target_groups()[0]
        .target_group_arn()
        .expect("a target group ARN")
        .to_owned();
    seeded.add(&idle_arn, "elasticloadbalancing:targetgroup", cx.region, false);
    seeded.relate(&idle_arn, "in-vpc", &net.arn("vpc", &net.vpc));

    let classic = format!("svc12-legacy-{}", cx.short);
    must(
        &cx.what("elb CreateLoadBalancer", &classic),
        elb.create_load_balancer()
            .load_balancer_name(&classic)
            .listeners(
                aws_sdk_elasticloadbalancing::types::Listener::builder()
                    .protocol("HTTP")
                    .load_balancer_port(80)
                    .instance_protocol("HTTP")
                    .instance_port(80)
                    .build()
                    .unwrap(),
            )
            .subnets(&net.subnets[0])
            .security_groups(&net.security_group)
            .send()
            .await,
    );
    must(
        &cx.what("elb RegisterInstancesWithLoadBalancer", &classic),
        elb.register_instances_with_load_balancer()
            .load_balancer_name(&classic)
            .instances(
                aws_sdk_elasticloadbalancing::types::Instance::builder()
                    .instance_id(&instance)
                    .build(),
            )
            .send()
            .await,
    );
    let classic_arn = format!(
        "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{classic}",
        cx.region, cx.account
    );
    seeded.add(&classic_arn, "elasticloadbalancing:loadbalancer", cx.region, false);
    seeded.relate(&classic_arn, "has-target", &instance_arn);
    seeded.relate(&classic_arn, "in-subnet", &net.arn("subnet", &net.subnets[0]));
    seeded.relate(
        &classic_arn,
        "has-security-group",
        &net.arn("security-group", &net.security_group),
    );
}

/// A role, a layer, a tagged function in the VPC on the customer key with a layer and a
/// secret-looking environment value, a never-tagged function outside any VPC, and per function
/// an event source mapping from an SQS queue (the first tagged).
async fn seed_lambda(seeded: &mut ServicesSeeded, cx: &Ctx<'_>) {
    use aws_sdk_lambda::types::{Environment, FunctionCode, LayerVersionContentInput, Runtime, VpcConfig};
    let lambda = regional!(aws_sdk_lambda, cx);
    let sqs = regional!(aws_sdk_sqs, cx);
    let iam = aws_sdk_iam::Client::new(cx.cfg);
    let role_name = format!("svc12-fn-{}", cx.short);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let role = must(
        &cx.what("iam CreateRole", &role_name),
        iam.create_role()
            .role_name(&role_name)
            .assume_role_policy_document(trust)
            .send()
            .await,
    );
    let role_arn = role.role().map(|r| r.arn().to_owned()).expect("a role ARN");
    let layer = must(
        &cx.what("lambda PublishLayerVersion", "svc12-pillow"),
        lambda
            .publish_layer_version()
            .layer_name(format!("svc12-pillow-{}", cx.short))
            .content(
                LayerVersionContentInput::builder()
                    .zip_file(aws_smithy_types::Blob::new(EMPTY_ZIP.to_vec()))
                    .build(),
            )
            .send()
            .await,
    );
    let layer_arn = layer.layer_version_arn().expect("a layer version ARN").to_owned();
    for tagged in [true, false] {
        let suffix = if tagged { "dev" } else { "untagged" };
        let name = format!("resize-{suffix}-{}", cx.short);
        let mut request = lambda
            .create_function()
            .function_name(&name)
            .runtime(Runtime::Python312)
            .role(&role_arn)
            .handler("app.handler")
            .code(
                FunctionCode::builder()
                    .zip_file(aws_smithy_types::Blob::new(EMPTY_ZIP.to_vec()))
                    .build(),
            );
        if tagged {
            request = request
                .tags("Environment", "dev")
                .kms_key_arn(cx.key)
                .layers(&layer_arn)
                .vpc_config(
                    VpcConfig::builder()
                        .set_subnet_ids(Some(cx.net.subnets.clone()))
                        .security_group_ids(&cx.net.security_group)
                        .build(),
                )
                .environment(
                    Environment::builder()
                        .variables("DB_PASSWORD", LAMBDA_ENV_SECRET)
                        .variables("STAGE", "dev")
                        .build(),
                );
        }
        let created = must(&cx.what("lambda CreateFunction", &name), request.send().await);
        let arn = created.function_arn().expect("a function ARN").to_owned();
        seeded.add(&arn, "lambda:function", cx.region, tagged);
        seeded.relate(&arn, "uses-role", &role_arn);
        if tagged {
            seeded.relate(&arn, "uses-key", cx.key);
            seeded.relate(&arn, "uses-layer", &layer_arn);
            for subnet in &cx.net.subnets {
                seeded.relate(&arn, "in-subnet", &cx.net.arn("subnet", subnet));
            }
            let sg = cx.net.arn("security-group", &cx.net.security_group);
            seeded.relate(&arn, "has-security-group", &sg);
        }

        let queue_name = format!("svc12-jobs-{suffix}-{}", cx.short);
        let queue = must(
            &cx.what("sqs CreateQueue", &queue_name),
            sqs.create_queue().queue_name(&queue_name).send().await,
        );
        let queue_url = queue.queue_url().expect("a queue URL");
        let attrs = must(
            &cx.what("sqs GetQueueAttributes", &queue_name),
            sqs.get_queue_attributes()
                .queue_url(queue_url)
                .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .send()
                .await,
        );
        let queue_arn = attrs
            .attributes()
            .and_then(|a| a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn))
            .expect("a queue ARN")
            .to_owned();
        let mut mapping = lambda
            .create_event_source_mapping()
            .function_name(&name)
            .event_source_arn(&queue_arn)
            .batch_size(10);
        if tagged {
            mapping = mapping.tags("Environment", "dev");
        }
        let mapping = must(&cx.what("lambda CreateEventSourceMapping", &name), mapping.send().await);
        let uuid = mapping.uuid().expect("a mapping UUID");
        let mapping_arn = format!(
            "arn:aws:lambda:{}:{}:event-source-mapping:{uuid}",
            cx.region, cx.account
        );
        // Tagged or not, never seen as tagged: see `seed_data::UNLISTED_BY_MOTO_TAGGING`.
        seeded.add(&mapping_arn, "lambda:event-source-mapping", cx.region, false);
        seeded.relate(&mapping_arn, "invokes", &arn);
        seeded.relate(&mapping_arn, "reads-from", &queue_arn);
    }
}

/// A tagged on-demand table on the customer key with a stream and point-in-time recovery, which
/// an event source mapping reads into the never-tagged function, and a never-tagged provisioned
/// table on the default (AWS-owned) key.
async fn seed_dynamodb(seeded: &mut ServicesSeeded, cx: &Ctx<'_>) {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, PointInTimeRecoverySpecification,
        ProvisionedThroughput, ScalarAttributeType, SseSpecification, SseType, StreamSpecification, StreamViewType,
        Tag,
    };
    let dynamodb = regional!(aws_sdk_dynamodb, cx);
    let lambda = regional!(aws_sdk_lambda, cx);
    for tagged in [true, false] {
        let name = if tagged {
            format!("orders-dev-{}", cx.short)
        } else {
            format!("sessions-untagged-{}", cx.short)
        };
        let mut request = dynamodb
            .create_table()
            .table_name(&name)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(
                KeySchemaElement::builder()
                    .attribute_name("id")
                    .key_type(KeyType::Hash)
                    .build()
                    .unwrap(),
            );
        request = if tagged {
            request
                .billing_mode(BillingMode::PayPerRequest)
                .stream_specification(
                    StreamSpecification::builder()
                        .stream_enabled(true)
                        .stream_view_type(StreamViewType::NewImage)
                        .build()
                        .unwrap(),
                )
                // moto reports the key as given: the ARN, as AWS reports it.
                .sse_specification(
                    SseSpecification::builder()
                        .enabled(true)
                        .sse_type(SseType::Kms)
                        .kms_master_key_id(cx.key)
                        .build(),
                )
                .tags(Tag::builder().key("Environment").value("dev").build().unwrap())
        } else {
            request.provisioned_throughput(
                ProvisionedThroughput::builder()
                    .read_capacity_units(1)
                    .write_capacity_units(1)
                    .build()
                    .unwrap(),
            )
        };
        let created = must(&cx.what("dynamodb CreateTable", &name), request.send().await);
        let table = created.table_description().expect("a table description");
        let arn = table.table_arn().expect("a table ARN").to_owned();
        seeded.add(&arn, "dynamodb:table", cx.region, tagged);
        if !tagged {
            continue;
        }
        seeded.relate(&arn, "uses-key", cx.key);
        must(
            &cx.what("dynamodb UpdateContinuousBackups", &name),
            dynamodb
                .update_continuous_backups()
                .table_name(&name)
                .point_in_time_recovery_specification(
                    PointInTimeRecoverySpecification::builder()
                        .point_in_time_recovery_enabled(true)
                        .build()
                        .unwrap(),
                )
                .send()
                .await,
        );
        let stream = table.latest_stream_arn().expect("a stream ARN").to_owned();
        let function = format!("resize-untagged-{}", cx.short);
        let mapping = must(
            &cx.what("lambda CreateEventSourceMapping", &stream),
            lambda
                .create_event_source_mapping()
                .function_name(&function)
                .event_source_arn(&stream)
                .starting_position(aws_sdk_lambda::types::EventSourcePosition::Latest)
                .send()
                .await,
        );
        let uuid = mapping.uuid().expect("a mapping UUID");
        let mapping_arn = format!(
            "arn:aws:lambda:{}:{}:event-source-mapping:{uuid}",
            cx.region, cx.account
        );
        let function_arn = format!("arn:aws:lambda:{}:{}:function:{function}", cx.region, cx.account);
        seeded.add(&mapping_arn, "lambda:event-source-mapping", cx.region, false);
        seeded.relate(&mapping_arn, "invokes", &function_arn);
        seeded.relate(&mapping_arn, "reads-from", &stream);
    }
}
