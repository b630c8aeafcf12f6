//! Seeds the services the scanner collects beyond EC2 and S3 into the scan benchmark's bulk
//! account (`seed_moto --bulk N --services M`, `scripts/bench-scan.sh`), so that the benchmark
//! counts the requests and the time their collectors add. It is built from the test accounts'
//! seeders: per region and round, KMS keys with aliases, queues (one with a dead-letter queue),
//! topics, secrets, parameters, log groups, ECR repositories and a certificate, then the issue-12
//! services of `seed_svc12` and `seed_data` (RDS in a subnet group, Lambda functions with their
//! role, DynamoDB tables, an Application and a Classic Load Balancer with target groups);
//! globally, IAM roles, users, managed policies and instance profiles, a hosted zone per round
//! whose records alias and CNAME that round's load balancer, and a few distributions; once, the
//! ElastiCache caches and the governance facts of issue 14. About half of each kind is tagged
//! (with the bulk account's environment tags, or `Environment=dev` in the issue-12 seeders),
//! the rest never.

use aws_config::SdkConfig;
use aws_sdk_route53::types::RrType;
use aws_types::region::Region;

use super::seed::{BULK_ENVS, Expected, Seeded, account_id, must};
use super::seed_data::{Kms, Network, Rds, ServicesSeeded};
use super::seed_services::Services;
use super::seed_svc12::Ctx;
use super::seed_svc13::{alias, certificate, distribution, hosted_zone, record, repository};
use super::seed_svc14::{HOME, OTHER, seed_caches, seed_governance};
use crate::scan::arn;

/// Resources one round records in one region, with its share of the global ones: 2 keys,
/// 2 queues, 2 topics, 2 secrets, 2 parameters, 2 log groups, 2 repositories, 1 certificate;
/// 12 RDS resources; 11 Lambda, DynamoDB and load-balancer resources; 5 IAM resources and 1
/// hosted zone. The scan finds more: the Lambda seeder's 2 queues, layer and instance (with its
/// volume and network interface) are not recorded.
pub const PER_ROUND: usize = 44;

/// Seeds about `count` resources (whole rounds of [`PER_ROUND`] in every region, at least one)
/// into `regions`, and returns the record of what it created. The ElastiCache caches are
/// seeded when `regions` has [`HOME`], the governance facts (trails, AWS Config, GuardDuty,
/// Security Hub, an alternate contact) when it has [`HOME`] and [`OTHER`]; the governance
/// facts, and the two buckets, two keys and log group they use, are not in the record.
pub async fn seed_bench_services(cfg: &SdkConfig, regions: &[&str], count: usize) -> Seeded {
    assert!(!regions.is_empty(), "seed_bench_services needs at least one region");
    let account = account_id(cfg).await;
    let mut seeded = ServicesSeeded {
        account_id: account.clone(),
        ..Default::default()
    };
    let mut book = Services::new(cfg).await;
    let rounds = count.div_ceil(PER_ROUND * regions.len()).max(1);
    let mut n = 0;
    for (r, region) in regions.iter().enumerate() {
        let net = Network::new(cfg, region, &account).await;
        let kms = Kms::new(cfg, region);
        let rds = Rds::new(cfg, region, &account);
        for round in 0..rounds {
            // Unique across regions: IAM role names and hosted zones are global.
            let short = format!("b{r}r{round}");
            let env = BULK_ENVS[n % BULK_ENVS.len()];
            let key = kms.key(&mut seeded, &format!("bench-{short}"), &[env], true).await;
            kms.key(&mut seeded, &format!("bench-untagged-{short}"), &[], false)
                .await;
            messaging(&mut book, region, &short, env, &key).await;
            for (name, tags) in [
                (format!("bench/{short}/api"), &[env][..]),
                (format!("bench-{short}-worker"), &[]),
            ] {
                let repo = repository(cfg, region, &name, tags).await;
                add(&mut seeded, &repo, !tags.is_empty());
            }
            let tags: &[(&str, &str)] = if n % 2 == 0 { &[env] } else { &[] };
            let domain = format!("{short}.bench-services.example");
            let cert = certificate(cfg, region, &domain, &[&format!("*.{domain}")], tags).await;
            add(&mut seeded, &cert, !tags.is_empty());

            rds.seed(&mut seeded, &net, &key, &short).await;
            let cx = Ctx {
                cfg,
                region,
                account: &account,
                short: &short,
                net: &net,
                key: &key,
            };
            super::seed_svc12::seed(&mut seeded, &cx).await;
            add(
                &mut seeded,
                &format!("arn:aws:iam::{account}:role/svc12-fn-{short}"),
                false,
            );

            identities(cfg, &mut seeded, &short, env).await;
            let (lb_dns, lb_zone) = load_balancer(cfg, region, &format!("svc12-web-{short}")).await;
            let zone = hosted_zone(
                cfg,
                &domain,
                None,
                tags,
                vec![
                    alias(&format!("www.{domain}"), &lb_zone, &lb_dns),
                    record(&format!("api.{domain}"), RrType::Cname, 300, &[&lb_dns]),
                    record(&format!("vpn.{domain}"), RrType::A, 300, &["192.0.2.10"]),
                ],
            )
            .await;
            add(&mut seeded, &super::seed_svc13::zone_arn(&zone), !tags.is_empty());
            n += 1;
        }
    }
    for d in 0..count.div_ceil(500).clamp(1, 5) {
        let tags: &[(&str, &str)] = if d % 2 == 0 {
            &[BULK_ENVS[d % BULK_ENVS.len()]]
        } else {
            &[]
        };
        let (dist, _) = distribution(cfg, &format!("bench-cdn-{d}"), &format!("bench-cdn-{d}"), None, tags).await;
        add(&mut seeded, &dist, !tags.is_empty());
    }
    if regions.contains(&HOME) {
        let caches = seed_caches(cfg).await;
        for arn in [
            caches.subnet_group_arn,
            caches.cluster_arn,
            caches.replication_group_arn,
            caches.snapshot_arn,
        ] {
            add(&mut seeded, &arn, false);
        }
        if regions.contains(&OTHER) {
            seed_governance(cfg).await;
        }
    }
    let mut expected = seeded.expected;
    expected.extend(book.finish().expected);
    for e in &mut expected {
        e.relations.sort();
        e.relations.dedup();
    }
    expected.sort();
    Seeded {
        account_id: account,
        expected,
    }
}

/// Records a resource with no relations, its type and region read from its ARN.
fn add(seeded: &mut ServicesSeeded, arn: &str, tagged: bool) {
    let parts = arn::parse(arn).unwrap_or_else(|| panic!("seeding: {arn} does not parse"));
    seeded.expected.push(Expected {
        arn: arn.to_owned(),
        resource_type: parts.resource_type,
        region: parts.region,
        tagged,
        relations: Vec::new(),
    });
}

/// One round's queues, topics, secrets, parameters and log groups: of each, one tagged `env`
/// and one never tagged. The tagged queue dead-letters to the untagged one and is subscribed to
/// the tagged topic; the tagged secret is on the customer key `key`.
async fn messaging(book: &mut Services, region: &str, short: &str, env: (&str, &str), key: &str) {
    use aws_sdk_sqs::types::QueueAttributeName as Q;
    let dlq = book.queue(region, &format!("bench-{short}-dlq"), &[], &[], &[]).await;
    let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":"5"}}"#);
    let orders = book
        .queue(
            region,
            &format!("bench-{short}-orders"),
            &[env],
            &[(Q::RedrivePolicy, &redrive)],
            &[("dead-letter-to", &dlq)],
        )
        .await;
    book.topic(
        region,
        &format!("bench-{short}-alerts"),
        &[env],
        None,
        &[("sqs", &orders)],
        &[("delivers-to", &orders)],
    )
    .await;
    book.topic(region, &format!("bench-{short}-events"), &[], None, &[], &[])
        .await;
    book.secret(
        region,
        &format!("bench/{short}/db-password"),
        &[env],
        Some(key),
        None,
        &[("uses-key", key)],
    )
    .await;
    book.secret(region, &format!("bench-{short}-api-key"), &[], None, None, &[])
        .await;
    book.parameter(region, &format!("/bench/{short}/db-url"), &[env], None, &[])
        .await;
    book.parameter(
        region,
        &format!("/bench/{short}/token"),
        &[],
        Some("alias/aws/ssm"),
        &[],
    )
    .await;
    book.log_group(region, &format!("/bench/{short}/app"), &[env], Some(30), None, &[])
        .await;
    book.log_group(region, &format!("/bench/{short}/syslog"), &[], None, None, &[])
        .await;
}

/// A role trusted by EC2 (tagged `env`), a managed policy attached to it (never tagged), an
/// instance profile holding it, and a user (never tagged).
async fn identities(cfg: &SdkConfig, seeded: &mut ServicesSeeded, short: &str, env: (&str, &str)) {
    let iam = aws_sdk_iam::Client::new(cfg);
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    let name = format!("bench-app-{short}");
    let tag = must(
        "iam Tag",
        aws_sdk_iam::types::Tag::builder().key(env.0).value(env.1).build(),
    );
    let role = must(
        &format!("iam CreateRole {name}"),
        iam.create_role()
            .role_name(&name)
            .assume_role_policy_document(trust)
            .tags(tag)
            .send()
            .await,
    );
    add(seeded, role.role().expect("CreateRole returns the role").arn(), true);
    let document = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bench-{short}/*"}}]}}"#
    );
    let policy = must(
        &format!("iam CreatePolicy {name}"),
        iam.create_policy()
            .policy_name(&name)
            .policy_document(document)
            .send()
            .await,
    );
    let policy_arn = policy
        .policy()
        .and_then(|p| p.arn())
        .expect("CreatePolicy returns the ARN")
        .to_owned();
    add(seeded, &policy_arn, false);
    must(
        &format!("iam AttachRolePolicy {name}"),
        iam.attach_role_policy()
            .role_name(&name)
            .policy_arn(&policy_arn)
            .send()
            .await,
    );
    let profile = must(
        &format!("iam CreateInstanceProfile {name}"),
        iam.create_instance_profile().instance_profile_name(&name).send().await,
    );
    add(
        seeded,
        profile
            .instance_profile()
            .expect("CreateInstanceProfile returns the profile")
            .arn(),
        false,
    );
    must(
        &format!("iam AddRoleToInstanceProfile {name}"),
        iam.add_role_to_instance_profile()
            .instance_profile_name(&name)
            .role_name(&name)
            .send()
            .await,
    );
    let user = must(
        &format!("iam CreateUser {name}"),
        iam.create_user().user_name(format!("bench-ci-{short}")).send().await,
    );
    add(seeded, user.user().expect("CreateUser returns the user").arn(), false);
}

/// The DNS name and canonical hosted zone id of the load balancer `name` in `region`.
async fn load_balancer(cfg: &SdkConfig, region: &str, name: &str) -> (String, String) {
    let elbv2 = aws_sdk_elasticloadbalancingv2::Client::from_conf(
        aws_sdk_elasticloadbalancingv2::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build(),
    );
    let out = must(
        &format!("elbv2 DescribeLoadBalancers {name} in {region}"),
        elbv2.describe_load_balancers().names(name).send().await,
    );
    let lb = out
        .load_balancers()
        .first()
        .unwrap_or_else(|| panic!("seeding: no load balancer {name} in {region}"));
    (
        lb.dns_name().expect("a DNS name").to_owned(),
        lb.canonical_hosted_zone_id().expect("a hosted zone id").to_owned(),
    )
}
