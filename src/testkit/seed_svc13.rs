//! Seeds the DNS and certificates of issue 13 into moto: hosted zones with records pointing at
//! buckets and Elastic IPs of the account, and certificates, for the legacy test account
//! ([`seed_legacy_dns`], [`seed_legacy_certificates`]), and its container registries,
//! distribution and registered domain ([`seed_legacy_edge`]);
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
    add_records(cfg, &id, records).await;
    id
}

/// Creates `records` in the hosted zone `zone_id`.
pub async fn add_records(cfg: &SdkConfig, zone_id: &str, records: Vec<ResourceRecordSet>) {
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
        &format!("route53 ChangeResourceRecordSets {zone_id}"),
        client(cfg)
            .change_resource_record_sets()
            .hosted_zone_id(zone_id)
            .change_batch(must(
                "route53 ChangeBatch",
                ChangeBatch::builder().set_changes(Some(changes)).build(),
            ))
            .send()
            .await,
    );
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

/// Names of the legacy account's container registries, distribution and registered domain
/// (issue 13: ECR, CloudFront, Route 53 Domains).
pub mod legacy_edge {
    /// In us-east-1, tagged `Environment=prod`: KMS-encrypted with a seeded key, scan on push,
    /// immutable tags, a lifecycle policy, [`IMAGES`] images (one of them under two tags), and
    /// copied to [`REPLICA_ACCOUNT`] by the region's replication rule (prefix `legacy-web/`).
    pub const TAGGED_REPO: &str = "legacy-web/api";
    /// In eu-west-1, never tagged: AES256, no lifecycle policy, no image, no replication rule.
    pub const UNTAGGED_REPO: &str = "legacy-batch-worker";
    pub const IMAGES: usize = 2;
    pub const REPLICA_ACCOUNT: &str = "444455556666";
    pub const REPLICA_REGION: &str = "us-west-2";
    /// Words in the lifecycle policy text, which the inventory must not keep.
    pub const LIFECYCLE_TEXT: &str = "lifecycle-text-not-kept";
    /// The domain registered in the account (moto creates its hosted zone, as AWS does).
    pub const DOMAIN: &str = "acctsplit-legacy.com";
    /// The distribution's alternate domain name; the domain's zone CNAMEs it to the distribution.
    pub const CDN_ALIAS: &str = "cdn.acctsplit-legacy.com";
    /// The bucket the distribution's S3 origin names (`BUCKET.s3.amazonaws.com`).
    pub const CDN_BUCKET: &str = "legacy-cdn-assets";
    /// Contact details given when registering the domain: none may reach the inventory.
    pub const CONTACT_VALUES: [&str; 5] = [
        "Registrant-Not-Kept",
        "registrant-not-kept@acctsplit-legacy.com",
        "+1.5550100199",
        "1 Contact Street Not Kept",
        "Nowhere-Not-Kept",
    ];
}

fn ecr_client(cfg: &SdkConfig, region: &str) -> aws_sdk_ecr::Client {
    aws_sdk_ecr::Client::from_conf(
        aws_sdk_ecr::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build(),
    )
}

/// An image manifest with one layer, `layer` (a digest-like text). moto derives an image's digest
/// from its layers' digests (AWS from the whole manifest), so each image gets a layer of its own.
fn manifest(layer: &str) -> String {
    format!(
        r#"{{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{{"mediaType":"application/vnd.docker.container.image.v1+json","size":7023,"digest":"sha256:{layer}"}},"layers":[{{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip","size":32654,"digest":"sha256:{layer}"}}]}}"#
    )
}

/// Creates a repository with `tags` and the defaults otherwise (AES256, mutable tags, no scan on
/// push); returns its ARN.
pub(crate) async fn repository(cfg: &SdkConfig, region: &str, name: &str, tags: &[(&str, &str)]) -> String {
    let tags: Vec<_> = tags
        .iter()
        .map(|(k, v)| must("ecr Tag", aws_sdk_ecr::types::Tag::builder().key(*k).value(*v).build()))
        .collect();
    let out = must(
        &format!("ecr CreateRepository {name} in {region}"),
        ecr_client(cfg, region)
            .create_repository()
            .repository_name(name)
            .set_tags((!tags.is_empty()).then_some(tags))
            .send()
            .await,
    );
    out.repository()
        .and_then(|r| r.repository_arn())
        .expect("CreateRepository returns the ARN")
        .to_owned()
}

/// Seeds the repositories of [`legacy_edge`]; returns them with the relations a scan must find.
async fn seed_repositories(cfg: &SdkConfig) -> Vec<Expected> {
    use aws_sdk_ecr::types::{
        EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutability,
        ReplicationConfiguration, ReplicationDestination, ReplicationRule, RepositoryFilter, RepositoryFilterType, Tag,
    };
    use legacy_edge::*;
    let east = ecr_client(cfg, "us-east-1");
    let (_, key_arn) = super::seed::create_key(cfg, "us-east-1", "legacy ECR key").await;
    let out = must(
        "ecr CreateRepository tagged",
        east.create_repository()
            .repository_name(TAGGED_REPO)
            .tags(must("ecr Tag", Tag::builder().key("Environment").value("prod").build()))
            .image_scanning_configuration(ImageScanningConfiguration::builder().scan_on_push(true).build())
            .image_tag_mutability(ImageTagMutability::Immutable)
            .encryption_configuration(must(
                "ecr EncryptionConfiguration",
                EncryptionConfiguration::builder()
                    .encryption_type(EncryptionType::Kms)
                    .kms_key(&key_arn)
                    .build(),
            ))
            .send()
            .await,
    );
    let tagged_arn = out
        .repository()
        .and_then(|r| r.repository_arn())
        .expect("CreateRepository returns the ARN")
        .to_owned();
    let policy = format!(
        r#"{{"rules":[{{"rulePriority":1,"description":"{LIFECYCLE_TEXT}","selection":{{"tagStatus":"untagged","countType":"sinceImagePushed","countUnit":"days","countNumber":14}},"action":{{"type":"expire"}}}}]}}"#
    );
    must(
        "ecr PutLifecyclePolicy",
        east.put_lifecycle_policy()
            .repository_name(TAGGED_REPO)
            .lifecycle_policy_text(policy)
            .send()
            .await,
    );
    for (layer, tag) in [("aaa1", "v1"), ("aaa1", "latest"), ("bbb2", "v2")] {
        must(
            &format!("ecr PutImage {tag}"),
            east.put_image()
                .repository_name(TAGGED_REPO)
                .image_manifest(manifest(layer))
                .image_tag(tag)
                .send()
                .await,
        );
    }
    let rule = must(
        "ecr ReplicationRule",
        ReplicationRule::builder()
            .destinations(must(
                "ecr ReplicationDestination",
                ReplicationDestination::builder()
                    .region(REPLICA_REGION)
                    .registry_id(REPLICA_ACCOUNT)
                    .build(),
            ))
            .repository_filters(must(
                "ecr RepositoryFilter",
                RepositoryFilter::builder()
                    .filter("legacy-web/")
                    .filter_type(RepositoryFilterType::PrefixMatch)
                    .build(),
            ))
            .build(),
    );
    must(
        "ecr PutReplicationConfiguration",
        east.put_replication_configuration()
            .replication_configuration(must(
                "ecr ReplicationConfiguration",
                ReplicationConfiguration::builder().rules(rule).build(),
            ))
            .send()
            .await,
    );
    let untagged_arn = repository(cfg, "eu-west-1", UNTAGGED_REPO, &[]).await;
    vec![
        Expected {
            arn: tagged_arn,
            resource_type: "ecr:repository".to_owned(),
            region: Some("us-east-1".to_owned()),
            tagged: true,
            relations: vec![("uses-key".to_owned(), key_arn)],
        },
        Expected {
            arn: untagged_arn,
            resource_type: "ecr:repository".to_owned(),
            region: Some("eu-west-1".to_owned()),
            tagged: false,
            relations: Vec::new(),
        },
    ]
}

/// Registers [`legacy_edge::DOMAIN`] with privacy protection and auto-renew on; returns its
/// hosted zone's id (moto, like AWS, creates one for the domain).
async fn register_domain(cfg: &SdkConfig) -> String {
    use aws_sdk_route53domains::types::{ContactDetail, ContactType, CountryCode};
    use legacy_edge::*;
    let domains = aws_sdk_route53domains::Client::from_conf(
        aws_sdk_route53domains::config::Builder::from(cfg)
            .region(Region::new("us-east-1"))
            .build(),
    );
    let contact = ContactDetail::builder()
        .first_name(CONTACT_VALUES[0])
        .last_name(CONTACT_VALUES[0])
        .contact_type(ContactType::Person)
        .email(CONTACT_VALUES[1])
        .phone_number(CONTACT_VALUES[2])
        .address_line1(CONTACT_VALUES[3])
        .city(CONTACT_VALUES[4])
        .country_code(CountryCode::Us)
        .zip_code("99999")
        .build();
    must(
        &format!("route53domains RegisterDomain {DOMAIN}"),
        domains
            .register_domain()
            .domain_name(DOMAIN)
            // moto refuses one year: its expiry check runs a moment after it computed the date.
            .duration_in_years(2)
            .auto_renew(true)
            .admin_contact(contact.clone())
            .registrant_contact(contact.clone())
            .tech_contact(contact)
            .privacy_protect_admin_contact(true)
            .privacy_protect_registrant_contact(true)
            .privacy_protect_tech_contact(true)
            .send()
            .await,
    );
    let zones = must("route53 ListHostedZones", client(cfg).list_hosted_zones().send().await);
    let zone = zones
        .hosted_zones()
        .iter()
        .find(|z| z.name().trim_end_matches('.') == DOMAIN)
        .unwrap_or_else(|| panic!("RegisterDomain creates the domain's hosted zone: {zones:?}"));
    zone.id().rsplit('/').next().unwrap_or_default().to_owned()
}

/// Creates a distribution with one S3 origin, the bucket `origin_bucket`, and, when `alias` is
/// `(domain, certificate ARN)`, that alternate domain name served with that ACM certificate (the
/// legacy account's, [`legacy_edge`], has both); returns its ARN and CloudFront domain name.
pub(crate) async fn distribution(
    cfg: &SdkConfig,
    reference: &str,
    origin_bucket: &str,
    alias: Option<(&str, &str)>,
    tags: &[(&str, &str)],
) -> (String, String) {
    use aws_sdk_cloudfront::types::{
        Aliases, DefaultCacheBehavior, DistributionConfig, DistributionConfigWithTags, MinimumProtocolVersion, Origin,
        Origins, PriceClass, S3OriginConfig, SslSupportMethod, Tag, Tags, ViewerCertificate, ViewerProtocolPolicy,
    };
    let client = aws_sdk_cloudfront::Client::new(cfg);
    let origin = must(
        "cloudfront Origin",
        Origin::builder()
            .id("assets")
            .domain_name(format!("{origin_bucket}.s3.amazonaws.com"))
            .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
            .build(),
    );
    let mut config = DistributionConfig::builder()
        .caller_reference(reference)
        .origins(must(
            "cloudfront Origins",
            Origins::builder().quantity(1).items(origin).build(),
        ))
        .default_cache_behavior(must(
            "cloudfront DefaultCacheBehavior",
            DefaultCacheBehavior::builder()
                .target_origin_id("assets")
                .viewer_protocol_policy(ViewerProtocolPolicy::RedirectToHttps)
                .build(),
        ))
        .comment(format!("assets from {origin_bucket}"))
        .enabled(true)
        .price_class(PriceClass::PriceClass100);
    if let Some((domain, certificate)) = alias {
        config = config
            .aliases(must(
                "cloudfront Aliases",
                Aliases::builder().quantity(1).items(domain).build(),
            ))
            .viewer_certificate(
                ViewerCertificate::builder()
                    .acm_certificate_arn(certificate)
                    .ssl_support_method(SslSupportMethod::SniOnly)
                    .minimum_protocol_version(MinimumProtocolVersion::TlSv122021)
                    .build(),
            );
    }
    let tags: Vec<Tag> = tags
        .iter()
        .map(|(k, v)| must("cloudfront Tag", Tag::builder().key(*k).value(*v).build()))
        .collect();
    let out = must(
        "cloudfront CreateDistributionWithTags",
        client
            .create_distribution_with_tags()
            .distribution_config_with_tags(
                DistributionConfigWithTags::builder()
                    .distribution_config(must("cloudfront DistributionConfig", config.build()))
                    .tags(Tags::builder().set_items(Some(tags)).build())
                    .build(),
            )
            .send()
            .await,
    );
    let dist = out
        .distribution()
        .expect("CreateDistributionWithTags returns the distribution");
    (dist.arn().to_owned(), dist.domain_name().to_owned())
}

/// Seeds the legacy account's container registries (two regions), its distribution and its
/// registered domain (see [`legacy_edge`]); the domain's hosted zone CNAMEs the alias to the
/// distribution. Returns them, and that zone, with the relations a scan must find.
pub async fn seed_legacy_edge(cfg: &SdkConfig) -> Seeded {
    use legacy_edge::*;
    let account = account_id(cfg).await;
    let mut expected = seed_repositories(cfg).await;
    let cert = certificate(cfg, "us-east-1", CDN_ALIAS, &[], &[]).await;
    let (dist_arn, dist_domain) = distribution(
        cfg,
        "seed-legacy-cdn",
        CDN_BUCKET,
        Some((CDN_ALIAS, &cert)),
        &[("Environment", "prod")],
    )
    .await;
    let zone = register_domain(cfg).await;
    add_records(cfg, &zone, vec![record(CDN_ALIAS, RrType::Cname, 300, &[&dist_domain])]).await;
    let mut dist_relations = vec![
        ("has-origin".to_owned(), format!("arn:aws:s3:::{CDN_BUCKET}")),
        ("uses-certificate".to_owned(), cert),
    ];
    dist_relations.sort();
    expected.push(Expected {
        arn: dist_arn.clone(),
        resource_type: "cloudfront:distribution".to_owned(),
        region: None,
        tagged: true,
        relations: dist_relations,
    });
    expected.push(Expected {
        arn: format!("arn:aws:route53domains:us-east-1:{account}:domain/{DOMAIN}"),
        resource_type: "route53domains:domain".to_owned(),
        region: None,
        tagged: false,
        relations: Vec::new(),
    });
    expected.push(expected_zone(&zone, false, &[("routes-to", &dist_arn)]));
    expected.sort();
    Seeded {
        account_id: account,
        expected,
    }
}
