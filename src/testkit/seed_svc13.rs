//! Seeds the DNS and certificates of issue 13 into moto: hosted zones with records pointing at
//! buckets and Elastic IPs of the account, and certificates, for the legacy test account
//! ([`seed_legacy_dns`], [`seed_legacy_certificates`]);
//! and the issue-13 services of the built-in sample account ([`seed_sample_svc13`]: queues,
//! topics, parameters, log groups, its hosted zone and certificate), called last by `seed.rs` so that every
//! id seeded before stays what it was.

use aws_config::SdkConfig;
use aws_sdk_ec2 as ec2;
use aws_sdk_route53 as route53;
use aws_sdk_s3 as s3;
use aws_types::region::Region;
use route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, HostedZoneConfig, ResourceRecord, ResourceRecordSet, RrType, Tag,
    TagResourceType, Vpc, VpcRegion,
};

use super::seed::{Expected, Seeded, account_id, must};
use super::seed_services::Services;

/// Names of the legacy account's DNS.
pub mod legacy_dns {
    /// A public zone, tagged `Environment=prod`.
    pub const PUBLIC_ZONE: &str = "legacy-dns.example";
    /// A private zone, never tagged, associated with [`VPC_CIDR`]'s VPC in us-east-1.
    pub const PRIVATE_ZONE: &str = "internal.legacy-dns.example";
    pub const VPC_CIDR: &str = "10.90.0.0/16";
    /// The S3 website bucket `www.` of the public zone aliases (named like the record).
    pub const WEBSITE_BUCKET: &str = "www.legacy-dns.example";
    /// The bucket `static.` of the public zone names in a CNAME.
    pub const STATIC_BUCKET: &str = "legacy-dns-static";
    /// An alias to a load balancer that is not in the account: the record keeps it, no relation.
    pub const FOREIGN_LB: &str = "dualstack.other-web-1234.us-east-1.elb.amazonaws.com.";
    /// The TXT value of the public zone: a record value the inventory must not keep.
    pub const TXT_VALUE: &str = "\"site-verification=txt-value-not-kept-4e1a\"";
    /// Records of the public zone, with the NS and SOA records moto creates.
    pub const PUBLIC_RECORDS: usize = 7;
    /// Records of the private zone, with its NS and SOA.
    pub const PRIVATE_RECORDS: usize = 3;
}

/// The sample account's public hosted zone.
pub const SAMPLE_ZONE: &str = "acme-corp.example";

/// The hosted zone id AWS publishes for S3 website endpoints in us-east-1.
const S3_WEBSITE_ZONE_US_EAST_1: &str = "Z3AQBSTGFYJSTF";

fn client(cfg: &SdkConfig) -> route53::Client {
    route53::Client::new(cfg)
}

fn ec2_client(cfg: &SdkConfig, region: &str) -> ec2::Client {
    ec2::Client::from_conf(
        ec2::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build(),
    )
}

/// A record of `kind` with a TTL and values.
pub fn record(name: &str, kind: RrType, ttl: i64, values: &[&str]) -> ResourceRecordSet {
    let values = values
        .iter()
        .map(|v| must("route53 ResourceRecord", ResourceRecord::builder().value(*v).build()))
        .collect();
    must(
        "route53 ResourceRecordSet",
        ResourceRecordSet::builder()
            .name(name)
            .r#type(kind)
            .ttl(ttl)
            .set_resource_records(Some(values))
            .build(),
    )
}

/// An A alias record to `dns_name` in the hosted zone `zone_id` (of the target).
pub fn alias(name: &str, zone_id: &str, dns_name: &str) -> ResourceRecordSet {
    let target = must(
        "route53 AliasTarget",
        AliasTarget::builder()
            .hosted_zone_id(zone_id)
            .dns_name(dns_name)
            .evaluate_target_health(false)
            .build(),
    );
    must(
        "route53 ResourceRecordSet",
        ResourceRecordSet::builder()
            .name(name)
            .r#type(RrType::A)
            .alias_target(target)
            .build(),
    )
}

/// Creates a hosted zone with `records` (private when `vpc` is `(region, vpc id)`) and tags;
/// returns its bare id.
pub async fn hosted_zone(
    cfg: &SdkConfig,
    name: &str,
    vpc: Option<(&str, &str)>,
    tags: &[(&str, &str)],
    records: Vec<ResourceRecordSet>,
) -> String {
    let r53 = client(cfg);
    let mut create = r53
        .create_hosted_zone()
        .name(name)
        .caller_reference(format!("seed-{name}"))
        .hosted_zone_config(HostedZoneConfig::builder().private_zone(vpc.is_some()).build());
    if let Some((region, id)) = vpc {
        create = create.vpc(Vpc::builder().vpc_region(VpcRegion::from(region)).vpc_id(id).build());
    }
    let out = must(&format!("route53 CreateHostedZone {name}"), create.send().await);
    let zone = out.hosted_zone().expect("CreateHostedZone returns the zone");
    let id = zone.id().rsplit('/').next().unwrap_or_default().to_owned();
    if !tags.is_empty() {
        let tags = tags
            .iter()
            .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
            .collect();
        must(
            &format!("route53 ChangeTagsForResource {name}"),
            r53.change_tags_for_resource()
                .resource_type(TagResourceType::Hostedzone)
                .resource_id(&id)
                .set_add_tags(Some(tags))
                .send()
                .await,
        );
    }
    let changes = records
        .into_iter()
        .map(|r| {
            must(
                "route53 Change",
                Change::builder()
                    .action(ChangeAction::Create)
                    .resource_record_set(r)
                    .build(),
            )
        })
        .collect();
    must(
        &format!("route53 ChangeResourceRecordSets {name}"),
        r53.change_resource_record_sets()
            .hosted_zone_id(&id)
            .change_batch(must(
                "route53 ChangeBatch",
                ChangeBatch::builder().set_changes(Some(changes)).build(),
            ))
            .send()
            .await,
    );
    id
}

/// The ARN of a hosted zone.
pub fn zone_arn(id: &str) -> String {
    format!("arn:aws:route53:::hostedzone/{id}")
}

fn expected_zone(id: &str, tagged: bool, relations: &[(&str, &str)]) -> Expected {
    let mut relations: Vec<(String, String)> = relations
        .iter()
        .map(|(k, a)| ((*k).to_owned(), (*a).to_owned()))
        .collect();
    relations.sort();
    Expected {
        arn: zone_arn(id),
        resource_type: "route53:hostedzone".to_owned(),
        region: None,
        tagged,
        relations,
    }
}

/// An Elastic IP in `region`; returns its ARN and address.
async fn elastic_ip(cfg: &SdkConfig, region: &str, account: &str) -> (String, String) {
    let out = must(
        "ec2 AllocateAddress",
        ec2_client(cfg, region)
            .allocate_address()
            .domain(ec2::types::DomainType::Vpc)
            .send()
            .await,
    );
    let id = out.allocation_id().expect("an allocation id");
    let ip = out.public_ip().expect("a public IP").to_owned();
    (format!("arn:aws:ec2:{region}:{account}:elastic-ip/{id}"), ip)
}

/// The address of the Elastic IP tagged `Name=name` in `region`.
async fn address_named(cfg: &SdkConfig, region: &str, name: &str) -> String {
    let filter = ec2::types::Filter::builder().name("tag:Name").values(name).build();
    let out = must(
        "ec2 DescribeAddresses",
        ec2_client(cfg, region)
            .describe_addresses()
            .filters(filter)
            .send()
            .await,
    );
    out.addresses()
        .first()
        .and_then(|a| a.public_ip())
        .unwrap_or_else(|| panic!("seeding: no Elastic IP named {name} in {region}"))
        .to_owned()
}

async fn bucket(cfg: &SdkConfig, name: &str) -> String {
    let s3 = s3::Client::from_conf(
        s3::config::Builder::from(cfg)
            .region(Region::new("us-east-1"))
            .force_path_style(true)
            .build(),
    );
    must(
        &format!("s3 CreateBucket {name}"),
        s3.create_bucket().bucket(name).send().await,
    );
    format!("arn:aws:s3:::{name}")
}

/// Seeds the legacy account's DNS in us-east-1 (see [`legacy_dns`]): a public zone whose
/// records point at two buckets, an Elastic IP and a load balancer of another account, and a
/// private zone associated with a VPC. Returns the zones, with the relations a scan must find.
pub async fn seed_legacy_dns(cfg: &SdkConfig) -> Seeded {
    use legacy_dns::*;
    let region = "us-east-1";
    let account = account_id(cfg).await;
    let ec2 = ec2_client(cfg, region);
    let vpc = must("ec2 CreateVpc", ec2.create_vpc().cidr_block(VPC_CIDR).send().await);
    let vpc_id = vpc.vpc().and_then(|v| v.vpc_id()).expect("a VPC id").to_owned();
    let vpc_arn = format!("arn:aws:ec2:{region}:{account}:vpc/{vpc_id}");
    let (eip_arn, ip) = elastic_ip(cfg, region, &account).await;
    let website = bucket(cfg, WEBSITE_BUCKET).await;
    let assets = bucket(cfg, STATIC_BUCKET).await;

    let public = hosted_zone(
        cfg,
        PUBLIC_ZONE,
        None,
        &[("Environment", "prod")],
        vec![
            alias(
                &format!("www.{PUBLIC_ZONE}"),
                S3_WEBSITE_ZONE_US_EAST_1,
                "s3-website-us-east-1.amazonaws.com.",
            ),
            record(
                &format!("static.{PUBLIC_ZONE}"),
                RrType::Cname,
                300,
                &[&format!("{STATIC_BUCKET}.s3.amazonaws.com")],
            ),
            record(&format!("vpn.{PUBLIC_ZONE}"), RrType::A, 60, &[&ip]),
            alias(&format!("api.{PUBLIC_ZONE}"), "Z35SXDOTRQ7X7K", FOREIGN_LB),
            record(PUBLIC_ZONE, RrType::Txt, 3600, &[TXT_VALUE]),
        ],
    )
    .await;
    let private = hosted_zone(
        cfg,
        PRIVATE_ZONE,
        Some((region, &vpc_id)),
        &[],
        vec![record(
            &format!("db.{PRIVATE_ZONE}"),
            RrType::Cname,
            30,
            &["legacy-db.abcdefghijkl.us-east-1.rds.amazonaws.com"],
        )],
    )
    .await;
    let mut expected = vec![
        expected_zone(
            &public,
            true,
            &[("routes-to", &website), ("routes-to", &assets), ("routes-to", &eip_arn)],
        ),
        expected_zone(&private, false, &[("associated-with", &vpc_arn)]),
    ];
    expected.sort();
    Seeded {
        account_id: account,
        expected,
    }
}

/// Requests a DNS-validated certificate for `domain` (and `names`) in `region`; returns its ARN.
pub async fn certificate(cfg: &SdkConfig, region: &str, domain: &str, names: &[&str], tags: &[(&str, &str)]) -> String {
    use aws_sdk_acm as acm;
    let client = acm::Client::from_conf(
        acm::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build(),
    );
    let tags: Vec<acm::types::Tag> = tags
        .iter()
        .map(|(k, v)| must("acm Tag", acm::types::Tag::builder().key(*k).value(*v).build()))
        .collect();
    let out = must(
        &format!("acm RequestCertificate {domain} in {region}"),
        client
            .request_certificate()
            .domain_name(domain)
            .validation_method(acm::types::ValidationMethod::Dns)
            .set_subject_alternative_names((!names.is_empty()).then(|| names.iter().map(|n| (*n).to_owned()).collect()))
            .set_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await,
    );
    out.certificate_arn()
        .expect("RequestCertificate returns the ARN")
        .to_owned()
}

/// The legacy account's certificates: `legacy-dns.example` (and `www.`), tagged
/// `Environment=prod`, in us-east-1, and `api.legacy-dns.example`, never tagged, in eu-west-1.
pub async fn seed_legacy_certificates(cfg: &SdkConfig) -> Seeded {
    let account = account_id(cfg).await;
    let mut expected = Vec::new();
    for (region, domain, names, tags) in [
        (
            "us-east-1",
            legacy_dns::PUBLIC_ZONE,
            vec!["www.legacy-dns.example"],
            vec![("Environment", "prod")],
        ),
        ("eu-west-1", "api.legacy-dns.example", vec![], vec![]),
    ] {
        let arn = certificate(cfg, region, domain, &names, &tags).await;
        expected.push(Expected {
            arn,
            resource_type: "acm:certificate".to_owned(),
            region: Some(region.to_owned()),
            tagged: !tags.is_empty(),
            relations: Vec::new(),
        });
    }
    expected.sort();
    Seeded {
        account_id: account,
        expected,
    }
}

/// The sample account's issue-13 services, in us-east-1 (where it pays for CloudWatch and one
/// hosted zone; SQS, SNS and standard parameters cost it nothing, and it pays for no secret, so
/// it has none): queues, a topic, parameters, log groups, and the public zone `acme-corp.example`
/// whose records point at the web Elastic IP and the `acme-web-assets` bucket. Returns how many
/// resources it created; they are not added to the sample's [`Seeded`] record, which the seeder
/// test reads back through EC2 and S3 only (the sample's scan is checked in `sample-data/`).
pub async fn seed_sample_svc13(cfg: &SdkConfig) -> usize {
    use aws_sdk_sqs::types::QueueAttributeName as Q;
    let region = "us-east-1";
    let mut book = Services::new(cfg).await;
    let dlq = book.queue(region, "acme-payments-prod-orders-dlq", &[], &[], &[]).await;
    let redrive = format!(r#"{{"deadLetterTargetArn":"{dlq}","maxReceiveCount":"5"}}"#);
    let orders = book
        .queue(
            region,
            "acme-payments-prod-orders",
            &[("Environment", "prod"), ("Project", "payments")],
            &[(Q::RedrivePolicy, &redrive)],
            &[("dead-letter-to", &dlq)],
        )
        .await;
    book.queue(region, "billing-batch-dev-jobs", &[], &[], &[]).await;
    book.topic(
        region,
        "acme-ops-alerts",
        &[],
        None,
        &[("sqs", &orders), ("email", "ops-pager@acme.example")],
        &[("delivers-to", &orders)],
    )
    .await;
    book.parameter(region, "/acme/payments/prod/db-url", &[], None, &[])
        .await;
    book.parameter(
        region,
        "acme-ci-runner-token",
        &[("TIER", "tools")],
        Some("alias/aws/ssm"),
        &[],
    )
    .await;
    book.log_group(region, "/aws/lambda/acme-payments-prod-api", &[], Some(30), None, &[])
        .await;
    book.log_group(
        region,
        "/ci/runners/build-logs",
        &[("TIER", "tools")],
        Some(14),
        None,
        &[],
    )
    .await;
    book.log_group(region, "/legacy/app/syslog", &[], None, None, &[]).await;

    let zone = SAMPLE_ZONE;
    let web_ip = address_named(cfg, region, "web-prod-eip").await;
    hosted_zone(
        cfg,
        zone,
        None,
        &[("TIER", "network")],
        vec![
            record(&format!("www.{zone}"), RrType::A, 3600, &[&web_ip]),
            record(
                &format!("assets.{zone}"),
                RrType::Cname,
                86400,
                &["acme-web-assets.s3.amazonaws.com"],
            ),
            record(zone, RrType::Mx, 3600, &["10 mail.acme-corp.example"]),
        ],
    )
    .await;
    certificate(cfg, region, zone, &[&format!("*.{zone}")], &[("TIER", "network")]).await;
    book.expected.len() + 2
}
