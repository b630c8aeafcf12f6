//! Seeds the moto emulator with accounts for the scanner to find, through the official AWS SDK:
//! the legacy test account (every resource type and relation the scanner must report), a bulk
//! account for benchmarks, and the realistic sample account behind `sample-data/`.
//!
//! Used by the integration tests and `examples/seed_moto.rs`; it builds its own clients from the
//! `SdkConfig` it is given. Seeding is test set-up: a failed call panics with the operation,
//! region and the SDK's error context. The checks of the seeders against the emulator are in
//! `tests/integration/seeders.rs`.
//!
//! Every seeder creates resources one call at a time in a fixed order, so on a server whose ids
//! were pinned with `POST /moto-api/seed?a=N` it creates the same ids every run.

use std::collections::BTreeSet;

use aws_config::SdkConfig;
use aws_sdk_ec2 as ec2;
use aws_sdk_s3 as s3;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::region::Region;
use ec2::types::{DomainType, InstanceType, ResourceType, Tag, TagSpecification, VolumeType};

/// The regions of the legacy test account.
pub const LEGACY_REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// The regions of the built-in sample account.
pub const SAMPLE_REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "us-west-2"];
/// An Amazon-owned image that moto serves in every region.
pub(crate) const BASE_IMAGE: &str = "ami-12c6146b";

/// What a correct scan of a seeded account must contain.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub account_id: String,
    /// One entry per seeded resource, sorted by ARN. Resources moto creates by itself (the default
    /// VPC, its subnets and security groups) are not listed: a scan finds them as well.
    pub expected: Vec<Expected>,
}

/// One seeded resource.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    /// The ARN as the Resource Groups Tagging API spells it:
    /// `arn:aws:ec2:REGION:ACCOUNT:TYPE/ID` or `arn:aws:s3:::BUCKET`.
    pub arn: String,
    /// `service:type` from the ARN (`ec2:instance`, `ec2:natgateway`, `s3:bucket`...).
    pub resource_type: String,
    /// `None` for S3 buckets, whose ARNs carry no region.
    pub region: Option<String>,
    /// False for resources that were never tagged: only the EC2 and S3 depth calls can find them.
    pub tagged: bool,
    /// `(kind, arn)` edges a correct scan must report (it may report more), sorted. Kinds:
    /// `in-subnet` (instance), `in-vpc` (subnet, security group, internet gateway), `attached-to`
    /// (volume, network interface), `from-volume` (snapshot), `from-snapshot` (image),
    /// `associated-with` (Elastic IP, to its instance or network interface).
    pub relations: Vec<(String, String)>,
}

impl Seeded {
    pub fn find(&self, arn: &str) -> Option<&Expected> {
        self.expected.iter().find(|e| e.arn == arn)
    }

    /// Seeded resources of one type, for example `ec2:instance`.
    pub fn of_type<'a>(&'a self, resource_type: &'a str) -> impl Iterator<Item = &'a Expected> + 'a {
        self.expected.iter().filter(move |e| e.resource_type == resource_type)
    }
}

/// Seeds the legacy test account in `us-east-1` and `eu-west-1`; see the module docs of the test
/// below for what it holds.
pub async fn seed_legacy_account(cfg: &SdkConfig) -> Seeded {
    let account_id = account_id(cfg).await;
    let mut book = Book::default();
    let key = create_key(cfg, "us-east-1", "legacy-prod-assets bucket key").await;
    let mut nets = Vec::new();
    for region in LEGACY_REGIONS {
        let ec2 = Ec2::new(cfg, region, &account_id);
        nets.push(seed_legacy_region(&ec2, &mut book, region == "us-east-1").await);
    }

    let east = S3::new(cfg, "us-east-1");
    let trail = format!("legacy-cloudtrail-logs-{account_id}");
    east.bucket(&mut book, &trail, &[]).await;
    east.log_policy(&trail, "cloudtrail.amazonaws.com", &account_id).await;
    east.encryption(&trail, None).await;
    east.block_public_access(&trail).await;
    let assets = "legacy-prod-assets";
    east.bucket(&mut book, assets, &[("Environment", "prod"), ("Name", "prod-assets")])
        .await;
    east.encryption(assets, Some(&key.0)).await;
    east.versioning(assets).await;

    let west = S3::new(cfg, "eu-west-1");
    west.bucket(&mut book, "legacy-eu-dev-uploads", &[("env", " Dev ")])
        .await;
    west.bucket(&mut book, "legacy-eu-untagged-archive", &[]).await;

    // The network parts come last, so every id created above stays what it was before they
    // were added.
    let flow_buckets = [trail.as_str(), "legacy-eu-dev-uploads"];
    for ((region, net), bucket) in LEGACY_REGIONS.into_iter().zip(&nets).zip(flow_buckets) {
        let ec2 = Ec2::new(cfg, region, &account_id);
        seed_legacy_network(&ec2, &mut book, net, bucket).await;
    }

    // IAM last, for the same reason; it is global, and checked by its own scan test
    // (`LEGACY_IAM`), not recorded in `expected`.
    seed_legacy_iam(cfg, &account_id).await;

    Seeded {
        account_id,
        expected: book.finish(),
    }
}

/// Names of the legacy account's IAM resources (`seed_legacy_iam`).
pub mod legacy_iam {
    /// Trusted by EC2 and Lambda; in `APP_PROFILE`; uses `CROSS_POLICY`; tagged.
    pub const APP_ROLE: &str = "legacy-app-role";
    /// Trusted by another account (`OTHER_ACCOUNT`) and by the SAML provider; never tagged.
    pub const AUDIT_ROLE: &str = "legacy-audit-role";
    /// A customer-managed policy naming `OTHER_ACCOUNT`; tagged.
    pub const CROSS_POLICY: &str = "legacy-cross-account-read";
    /// Console password, one access key (the scan test adds a second), in `GROUP`.
    pub const ALICE: &str = "legacy-alice";
    /// No console password, no keys, no group.
    pub const BOB: &str = "legacy-bob";
    pub const GROUP: &str = "legacy-admins";
    /// With `APP_ROLE`.
    pub const APP_PROFILE: &str = "legacy-app-profile";
    /// Without a role.
    pub const EMPTY_PROFILE: &str = "legacy-empty-profile";
    pub const SAML_PROVIDER: &str = "legacy-corp-idp";
    pub const OIDC_URL: &str = "https://token.actions.githubusercontent.com";
    pub const OTHER_ACCOUNT: &str = "444455556666";
    pub const SERVICE_LINKED_FOR: &str = "elasticbeanstalk.amazonaws.com";
}

/// Seeds the legacy account's IAM: see [`legacy_iam`].
pub async fn seed_legacy_iam(cfg: &SdkConfig, account_id: &str) {
    use legacy_iam::*;
    let iam = aws_sdk_iam::Client::new(cfg);
    let tag = |k: &str, v: &str| aws_sdk_iam::types::Tag::builder().key(k).value(v).build().unwrap();
    let trust_services = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ec2.amazonaws.com","lambda.amazonaws.com"]},"Action":"sts:AssumeRole"}]}"#;
    let trust_other = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER_ACCOUNT}:root"}},"Action":"sts:AssumeRole"}},{{"Effect":"Allow","Principal":{{"Federated":"arn:aws:iam::{account_id}:saml-provider/{SAML_PROVIDER}"}},"Action":"sts:AssumeRoleWithSAML"}}]}}"#
    );
    let policy = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::partner-bucket/*"}},{{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"arn:aws:iam::{OTHER_ACCOUNT}:role/reader"}}]}}"#
    );
    must(
        "iam CreateRole app",
        iam.create_role()
            .role_name(APP_ROLE)
            .assume_role_policy_document(trust_services)
            .tags(tag("Environment", "prod"))
            .send()
            .await,
    );
    must(
        "iam CreateSAMLProvider",
        iam.create_saml_provider()
            .name(SAML_PROVIDER)
            .saml_metadata_document(
                "<EntityDescriptor xmlns=\"urn:oasis:names:tc:SAML:2.0:metadata\" entityID=\"corp\"/>",
            )
            .send()
            .await,
    );
    must(
        "iam CreateOpenIDConnectProvider",
        iam.create_open_id_connect_provider()
            .url(OIDC_URL)
            .client_id_list("sts.amazonaws.com")
            .thumbprint_list("6938fd4d98bab03faadb97b34396831e3780aea1")
            .send()
            .await,
    );
    must(
        "iam CreateRole audit",
        iam.create_role()
            .role_name(AUDIT_ROLE)
            .path("/audit/")
            .assume_role_policy_document(&trust_other)
            .send()
            .await,
    );
    must(
        "iam CreateServiceLinkedRole",
        iam.create_service_linked_role()
            .aws_service_name(SERVICE_LINKED_FOR)
            .send()
            .await,
    );
    let policy_arn = must(
        "iam CreatePolicy",
        iam.create_policy()
            .policy_name(CROSS_POLICY)
            .policy_document(&policy)
            .tags(tag("team", "data"))
            .send()
            .await,
    )
    .policy()
    .and_then(|p| p.arn())
    .expect("CreatePolicy returns the ARN")
    .to_owned();
    must(
        "iam AttachRolePolicy",
        iam.attach_role_policy()
            .role_name(APP_ROLE)
            .policy_arn(&policy_arn)
            .send()
            .await,
    );
    must("iam CreateGroup", iam.create_group().group_name(GROUP).send().await);
    must(
        "iam AttachGroupPolicy",
        iam.attach_group_policy()
            .group_name(GROUP)
            .policy_arn(&policy_arn)
            .send()
            .await,
    );
    for user in [ALICE, BOB] {
        must("iam CreateUser", iam.create_user().user_name(user).send().await);
    }
    must(
        "iam AddUserToGroup",
        iam.add_user_to_group().group_name(GROUP).user_name(ALICE).send().await,
    );
    must(
        "iam CreateLoginProfile",
        iam.create_login_profile()
            .user_name(ALICE)
            .password("Legacy-Password-1!")
            .send()
            .await,
    );
    must(
        "iam CreateAccessKey",
        iam.create_access_key().user_name(ALICE).send().await,
    );
    for profile in [APP_PROFILE, EMPTY_PROFILE] {
        must(
            "iam CreateInstanceProfile",
            iam.create_instance_profile()
                .instance_profile_name(profile)
                .send()
                .await,
        );
    }
    must(
        "iam AddRoleToInstanceProfile",
        iam.add_role_to_instance_profile()
            .instance_profile_name(APP_PROFILE)
            .role_name(APP_ROLE)
            .send()
            .await,
    );
}

/// Ids of one legacy region that the network seeding builds on.
struct LegacyNet {
    prod_vpc: String,
    dev_vpc: String,
    prod_subnet: String,
    dev_subnet: String,
    dev_sg: String,
    igw: String,
    nat: String,
}

async fn seed_legacy_region(ec2: &Ec2, book: &mut Book, many_tags: bool) -> LegacyNet {
    let az = ec2.az('a');
    let prod_vpc = ec2
        .vpc(book, "10.0.0.0/16", &[("Name", "prod-vpc"), ("Environment", "prod")])
        .await;
    let dev_vpc = ec2
        .vpc(book, "10.1.0.0/16", &[("Name", "dev-vpc"), ("env", " Dev ")])
        .await;
    let prod_subnet = ec2
        .subnet(
            book,
            &prod_vpc,
            "10.0.1.0/24",
            &az,
            &[("Name", "prod-app-a"), ("Environment", "prod")],
        )
        .await;
    let dev_subnet = ec2.subnet(book, &dev_vpc, "10.1.1.0/24", &az, &[]).await;
    let prod_sg = ec2
        .security_group(
            book,
            &prod_vpc,
            "prod-web",
            &[("Name", "web-prod-sg"), ("Stage", "production")],
        )
        .await;
    let dev_sg = ec2.security_group(book, &dev_vpc, "dev-default", &[]).await;

    let web1 = ec2
        .instance(
            book,
            &prod_subnet,
            &prod_sg,
            &[("Name", "web-prod-01"), ("Environment", "prod")],
        )
        .await;
    ec2.instance(
        book,
        &prod_subnet,
        &prod_sg,
        &[("Name", "web-prod-02"), ("Environment", "prod")],
    )
    .await;
    ec2.instance(book, &dev_subnet, &dev_sg, &[("Name", "api-dev-01"), ("env", " Dev ")])
        .await;
    let untagged = ec2.instance(book, &dev_subnet, &dev_sg, &[]).await;

    let data = ec2
        .volume(
            book,
            &az,
            20,
            None,
            &[("Name", "prod-data-01"), ("Environment", "prod")],
        )
        .await;
    ec2.attach_volume(book, &data, &web1, "/dev/sdf").await;
    let scratch = ec2.volume(book, &az, 8, None, &[]).await;
    ec2.attach_volume(book, &scratch, &untagged, "/dev/sdf").await;
    ec2.volume(book, &az, 4, None, &[("Stage", "staging")]).await;
    ec2.snapshot(book, &data, &[("Environment", "prod")]).await;
    ec2.snapshot(book, &scratch, &[]).await;
    ec2.image(
        book,
        &web1,
        "web-prod-ami",
        &[("Name", "web-prod-ami"), ("Environment", "prod")],
    )
    .await;

    let eip = ec2.elastic_ip(book, &[("Name", "web-prod-eip")]).await;
    ec2.associate_with_instance(book, &eip, &web1).await;
    ec2.elastic_ip(book, &[]).await;
    let igw = ec2.internet_gateway(book, &prod_vpc, &[("Name", "prod-igw")]).await;
    let nat = ec2
        .nat_gateway(book, &prod_subnet, &[("Name", "prod-nat"), ("Environment", "prod")])
        .await;

    if many_tags {
        // More than one Tagging API page (100 resources at most) of tagged resources in one region.
        let conventions = [("Environment", "prod"), ("env", " Dev "), ("Stage", "staging")];
        for i in 0..120 {
            let (key, value) = conventions[i % conventions.len()];
            let vpc = if i % 2 == 0 { &prod_vpc } else { &dev_vpc };
            let name = format!("app-sg-{i:03}");
            ec2.security_group(book, vpc, &name, &[("Name", &name), (key, value)])
                .await;
        }
    }
    LegacyNet {
        prod_vpc,
        dev_vpc,
        prod_subnet,
        dev_subnet,
        dev_sg,
        igw,
        nat,
    }
}

/// The EC2 network parts of one legacy region: of each type one tagged and one never tagged
/// (flow logs only never tagged: moto's Tagging API reports them under a type AWS does not use),
/// plus the main route table and default network ACL moto made with each VPC.
async fn seed_legacy_network(ec2: &Ec2, book: &mut Book, net: &LegacyNet, flow_bucket: &str) {
    let prod = [("Name", "prod-net"), ("Environment", "prod")];
    for vpc in [&net.prod_vpc, &net.dev_vpc] {
        ec2.vpc_defaults(book, vpc).await;
    }

    let peering = ec2.vpc_peering(book, &net.prod_vpc, &net.dev_vpc, &prod).await;
    ec2.vpc_peering(book, &net.dev_vpc, &net.prod_vpc, &[]).await;

    let tgw = ec2.transit_gateway(book, &[("Name", "hub-tgw")]).await;
    ec2.transit_gateway_attachment(book, &tgw, &net.prod_vpc, &net.prod_subnet, &prod)
        .await;
    ec2.transit_gateway_attachment(book, &tgw, &net.dev_vpc, &net.dev_subnet, &[])
        .await;
    ec2.transit_gateway_route_table(book, &tgw, &prod).await;
    ec2.transit_gateway_route_table(book, &tgw, &[]).await;

    let public = ec2
        .route_table(book, &net.prod_vpc, Some(&net.prod_subnet), &prod)
        .await;
    ec2.route(book, &public, "0.0.0.0/0", Target::Gateway(&net.igw)).await;
    ec2.route(book, &public, "10.1.0.0/16", Target::Peering(&peering)).await;
    ec2.route(book, &public, "10.20.0.0/16", Target::TransitGateway(&tgw))
        .await;
    let private = ec2.route_table(book, &net.dev_vpc, Some(&net.dev_subnet), &[]).await;
    ec2.route(book, &private, "0.0.0.0/0", Target::Nat(&net.nat)).await;

    ec2.network_acl(book, &net.prod_vpc, Some(&net.prod_subnet), &prod)
        .await;
    ec2.network_acl(book, &net.dev_vpc, None, &[]).await;

    ec2.gateway_endpoint(book, &net.prod_vpc, &public, &prod).await;
    ec2.interface_endpoint(book, &net.dev_vpc, &net.dev_subnet, &net.dev_sg, &[])
        .await;

    ec2.flow_log(book, FlowOf::Vpc(&net.prod_vpc), flow_bucket).await;
    ec2.flow_log(book, FlowOf::Subnet(&net.dev_subnet), flow_bucket).await;

    let domain = if ec2.region == "us-east-1" {
        "ec2.internal".to_owned()
    } else {
        format!("{}.compute.internal", ec2.region)
    };
    ec2.dhcp_options(
        book,
        &[("domain-name", "corp.example"), ("domain-name-servers", "10.0.0.2")],
        Some(&net.prod_vpc),
        &prod,
    )
    .await;
    // Shaped like the set AWS creates in every region (moto creates none).
    ec2.dhcp_options(
        book,
        &[("domain-name", &domain), ("domain-name-servers", "AmazonProvidedDNS")],
        Some(&net.dev_vpc),
        &[],
    )
    .await;

    ec2.launch_template(book, "web-prod-lt", &prod).await;
    ec2.launch_template(book, "scratch-lt", &[]).await;
    ec2.key_pair(book, "deploy-prod", &prod).await;
    ec2.key_pair(book, "old-laptop", &[]).await;
}

/// Where a seeded route sends traffic.
enum Target<'a> {
    Gateway(&'a str),
    Nat(&'a str),
    Peering(&'a str),
    TransitGateway(&'a str),
}

/// What a seeded flow log watches.
enum FlowOf<'a> {
    Vpc(&'a str),
    Subnet(&'a str),
}

/// False for EC2 types moto's Resource Groups Tagging API never returns, tagged or not (AWS
/// returns them): only the EC2 describe calls see them in the emulator.
pub fn moto_tagging_lists(resource_type: &str) -> bool {
    !matches!(
        resource_type,
        "ec2:elastic-ip"
            | "ec2:network-acl"
            | "ec2:vpc-endpoint"
            | "ec2:dhcp-options"
            | "ec2:launch-template"
            | "ec2:key-pair"
            | "ec2:transit-gateway-route-table"
            | "ec2:vpc-flow-log"
    )
}

/// The environment tags of the bulk account, under mixed keys and spellings, used in turn.
pub(crate) const BULK_ENVS: [(&str, &str); 5] = [
    ("Environment", "prod"),
    ("env", "dev"),
    ("Stage", "staging"),
    ("TIER", "qa"),
    ("environment", " Production "),
];

/// Seeds at least `total` resources spread evenly over `regions` (instances with their root
/// volumes and network interfaces, attached and free volumes, security groups, subnets, VPCs and
/// buckets, nearly all tagged) and returns how many it created.
pub async fn seed_bulk(cfg: &SdkConfig, regions: &[&str], total: usize) -> usize {
    seed_bulk_account(cfg, regions, total).await.expected.len()
}

/// [`seed_bulk`], with the full record of what it created.
pub async fn seed_bulk_account(cfg: &SdkConfig, regions: &[&str], total: usize) -> Seeded {
    assert!(!regions.is_empty(), "seed_bulk needs at least one region");
    let account_id = account_id(cfg).await;
    let mut book = Book::default();
    let per_region = total.div_ceil(regions.len());
    let envs = BULK_ENVS;
    for (r, region) in regions.iter().enumerate() {
        let ec2 = Ec2::new(cfg, region, &account_id);
        let s3 = S3::new(cfg, region);
        let start = book.len();
        let made = |book: &Book| book.len() - start;
        let vpc = ec2.vpc(&mut book, "10.0.0.0/16", &[("Name", "bulk-vpc")]).await;
        let mut subnets = Vec::new();
        for s in 0..4u8 {
            let az = ec2.az(['a', 'b', 'c', 'a'][usize::from(s)]);
            let (key, value) = envs[usize::from(s) % envs.len()];
            let name = format!("bulk-subnet-{s}");
            let cidr = format!("10.0.{}.0/20", u32::from(s) * 16);
            subnets.push((
                ec2.subnet(&mut book, &vpc, &cidr, &az, &[("Name", &name), (key, value)])
                    .await,
                az,
            ));
        }
        for b in 0..3 {
            let (key, value) = envs[b % envs.len()];
            let name = format!("bulk-{region}-{b}");
            s3.bucket(&mut book, &name, &[(key, value)]).await;
        }
        let group = ec2
            .security_group(&mut book, &vpc, "bulk-base", &[("Name", "bulk-base")])
            .await;

        // Fill the region in rounds: one batch of 10 instances (30 resources with their root
        // volumes and network interfaces), 10 volumes (half attached), 10 security groups.
        let mut round = 0usize;
        while made(&book) < per_region {
            let (subnet, az) = &subnets[round % subnets.len()];
            let (key, value) = envs[round % envs.len()];
            let name = format!("bulk-{r}-{round:04}");
            let instances = ec2
                .instances(&mut book, subnet, &group, 10, &[("Name", &name), (key, value)])
                .await;
            for (v, instance) in instances.iter().enumerate() {
                if made(&book) >= per_region {
                    break;
                }
                let name = format!("bulk-vol-{r}-{round:04}-{v}");
                let volume = ec2
                    .volume(&mut book, az, 1, None, &[("Name", &name), (key, value)])
                    .await;
                if v % 2 == 0 {
                    ec2.attach_volume(&mut book, &volume, instance, "/dev/sdf").await;
                }
            }
            for g in 0..10 {
                if made(&book) >= per_region {
                    break;
                }
                let name = format!("bulk-sg-{r}-{round:04}-{g}");
                ec2.security_group(&mut book, &vpc, &name, &[("Name", &name), (key, value)])
                    .await;
            }
            round += 1;
        }
    }
    Seeded {
        account_id,
        expected: book.finish(),
    }
}

/// Seeds the built-in sample account: a realistic legacy account of a few hundred resources in
/// `us-east-1`, `eu-west-1` and `us-west-2`, tagged with every convention the default rules know
/// and with the traps they must handle. Returns how many resources it created.
pub async fn seed_sample_account(cfg: &SdkConfig) -> usize {
    seed_sample(cfg).await.expected.len()
}

/// [`seed_sample_account`], with the full record of what it created.
pub async fn seed_sample(cfg: &SdkConfig) -> Seeded {
    let account_id = account_id(cfg).await;
    let mut book = Book::default();
    let customer_key = create_key(cfg, "us-east-1", "acme-payments-prod customer managed key").await;

    // us-east-1: the original production region, with everything that grew around it.
    let ec2 = Ec2::new(cfg, "us-east-1", &account_id);
    let az_a = ec2.az('a');
    let az_b = ec2.az('b');
    let prod_vpc = ec2
        .vpc(
            &mut book,
            "10.10.0.0/16",
            &[("Name", "prod-vpc"), ("Environment", " Production ")],
        )
        .await;
    let legacy_vpc = ec2.vpc(&mut book, "10.20.0.0/16", &[("Name", "legacy-main-vpc")]).await;
    let dev_vpc = ec2
        .vpc(&mut book, "10.30.0.0/16", &[("Name", "dev-vpc"), ("env", "dev")])
        .await;
    let tools_vpc = ec2
        .vpc(&mut book, "10.40.0.0/16", &[("Name", "tools-vpc"), ("TIER", "tools")])
        .await;
    let prod_app = ec2
        .subnet(
            &mut book,
            &prod_vpc,
            "10.10.1.0/24",
            &az_a,
            &[("Name", "prod-app-a"), ("Environment", "prod")],
        )
        .await;
    let prod_data = ec2.subnet(&mut book, &prod_vpc, "10.10.2.0/24", &az_b, &[]).await;
    let legacy_a = ec2.subnet(&mut book, &legacy_vpc, "10.20.1.0/24", &az_a, &[]).await;
    let legacy_b = ec2
        .subnet(&mut book, &legacy_vpc, "10.20.2.0/24", &az_b, &[("Name", "legacy-b")])
        .await;
    let dev_a = ec2
        .subnet(
            &mut book,
            &dev_vpc,
            "10.30.1.0/24",
            &az_a,
            &[("Name", "dev-a"), ("Stage", "test")],
        )
        .await;
    let tools_a = ec2
        .subnet(
            &mut book,
            &tools_vpc,
            "10.40.1.0/24",
            &az_a,
            &[("Name", "ci-runners-a")],
        )
        .await;

    let prod_web_sg = ec2
        .security_group(
            &mut book,
            &prod_vpc,
            "prod-web",
            &[("Name", "prod-web-sg"), ("Environment", "PRD")],
        )
        .await;
    let prod_db_sg = ec2
        .security_group(
            &mut book,
            &prod_vpc,
            "prod-db",
            &[("Name", "prod-db-sg"), ("Environment", "prod")],
        )
        .await;
    let legacy_sg = ec2.security_group(&mut book, &legacy_vpc, "legacy-all", &[]).await;
    let dev_sg = ec2
        .security_group(
            &mut book,
            &dev_vpc,
            "dev-app",
            &[("Name", "dev-app-sg"), ("ENV", "DEV")],
        )
        .await;
    let tools_sg = ec2
        .security_group(&mut book, &tools_vpc, "ci-runner", &[("Name", "ci-runner-sg")])
        .await;

    let mut prod_instances = Vec::new();
    for (i, value) in ["prod", " Production ", "PRD", "live"].into_iter().enumerate() {
        let name = format!("web-prod-{:02}", i + 1);
        let id = ec2
            .instance(
                &mut book,
                &prod_app,
                &prod_web_sg,
                &[("Name", &name), ("Environment", value)],
            )
            .await;
        prod_instances.push(id);
    }
    let db = ec2
        .instance(
            &mut book,
            &prod_data,
            &prod_db_sg,
            &[("Name", "payments-prod-db"), ("Stage", "prod")],
        )
        .await;
    // Untagged instances in a tagged subnet: they follow the subnet.
    ec2.instance(&mut book, &prod_app, &prod_web_sg, &[]).await;
    ec2.instance(&mut book, &dev_a, &dev_sg, &[]).await;
    // The legacy VPC mixes prod and dev workloads: a conflict the plan must flag.
    ec2.instance(
        &mut book,
        &legacy_a,
        &legacy_sg,
        &[("Name", "billing-batch"), ("env", "prod")],
    )
    .await;
    ec2.instance(
        &mut book,
        &legacy_b,
        &legacy_sg,
        &[("Name", "billing-batch-dev"), ("env", "dev")],
    )
    .await;
    ec2.instance(
        &mut book,
        &legacy_a,
        &legacy_sg,
        &[("Name", "reports-qa"), ("Environment", "qa")],
    )
    .await;
    ec2.instance(&mut book, &legacy_b, &legacy_sg, &[]).await;
    // A dev instance that uses a prod security group.
    ec2.instance(
        &mut book,
        &dev_a,
        &prod_web_sg,
        &[("Name", "web-dev-01"), ("env", "Dev")],
    )
    .await;
    // Name tokens only.
    let dev_db = ec2
        .instance(&mut book, &dev_a, &dev_sg, &[("Name", "payments-dev-db")])
        .await;
    let runner = ec2
        .instance(&mut book, &tools_a, &tools_sg, &[("Name", "ci-runner-shared-01")])
        .await;
    ec2.instance(
        &mut book,
        &tools_a,
        &tools_sg,
        &[("Name", "ci-runner-shared-02"), ("tier", "tools")],
    )
    .await;
    ec2.instance(&mut book, &dev_a, &dev_sg, &[("Name", "uat-portal"), ("STAGE", "UAT")])
        .await;
    ec2.instance(
        &mut book,
        &dev_a,
        &dev_sg,
        &[("Name", "ml-poc-01"), ("Environment", "poc")],
    )
    .await;
    ec2.instance(
        &mut book,
        &tools_a,
        &tools_sg,
        &[("Name", "dns-resolver"), ("Environment", "shared-services")],
    )
    .await;
    // No signal at all.
    ec2.instance(
        &mut book,
        &legacy_a,
        &legacy_sg,
        &[("Owner", "bob"), ("CostCenter", "4711")],
    )
    .await;

    // Untagged volumes and network interfaces attached to tagged instances.
    for (i, instance) in prod_instances.iter().enumerate() {
        let volume = ec2.volume(&mut book, &az_a, 50, None, &[]).await;
        ec2.attach_volume(&mut book, &volume, instance, "/dev/sdf").await;
        if i < 2 {
            let eni = ec2.network_interface(&mut book, &prod_app, &prod_web_sg, &[]).await;
            ec2.attach_network_interface(&mut book, &eni, instance, 1).await;
        }
    }
    let db_volume = ec2
        .volume(
            &mut book,
            &az_b,
            200,
            Some(&customer_key.1),
            &[("Name", "payments-prod-db-data")],
        )
        .await;
    ec2.attach_volume(&mut book, &db_volume, &db, "/dev/sdf").await;
    let dev_db_volume = ec2.volume(&mut book, &az_a, 20, None, &[]).await;
    ec2.attach_volume(&mut book, &dev_db_volume, &dev_db, "/dev/sdf").await;
    let cache = ec2.volume(&mut book, &az_a, 100, None, &[("Name", "ci-cache")]).await;
    ec2.attach_volume(&mut book, &cache, &runner, "/dev/sdg").await;
    ec2.volume(&mut book, &az_a, 10, None, &[]).await;
    ec2.volume(&mut book, &az_b, 30, None, &[("Stage", "Staging")]).await;

    // Encrypted snapshots: one with the default EBS key, one with a customer managed key.
    let encrypted = ec2
        .encrypted_volume(
            &mut book,
            &az_a,
            16,
            None,
            &[("Name", "payments-prod-export"), ("Environment", "prod")],
        )
        .await;
    ec2.snapshot(&mut book, &encrypted, &[("Environment", "prod")]).await;
    ec2.snapshot(
        &mut book,
        &db_volume,
        &[("Name", "payments-prod-db-nightly"), ("Environment", "prod")],
    )
    .await;
    ec2.snapshot(&mut book, &dev_db_volume, &[("env", "dev")]).await;
    ec2.snapshot(&mut book, &cache, &[]).await;
    ec2.image(
        &mut book,
        &prod_instances[0],
        "web-prod-golden",
        &[("Name", "web-prod-golden"), ("Environment", "prod")],
    )
    .await;
    ec2.image(&mut book, &runner, "ci-runner-base", &[]).await;

    let eip = ec2
        .elastic_ip(&mut book, &[("Name", "web-prod-eip"), ("Environment", "prod")])
        .await;
    ec2.associate_with_instance(&mut book, &eip, &prod_instances[0]).await;
    ec2.elastic_ip(&mut book, &[]).await;
    ec2.internet_gateway(&mut book, &prod_vpc, &[("Name", "prod-igw")])
        .await;
    ec2.internet_gateway(&mut book, &legacy_vpc, &[]).await;
    ec2.nat_gateway(&mut book, &prod_app, &[("Name", "prod-nat-a"), ("Environment", "prod")])
        .await;

    // The long tail that accumulates in an old account: security groups nobody remembers.
    let tail = [
        ("Environment", "prod"),
        ("env", "dev"),
        ("Stage", "qa"),
        ("TIER", "test"),
        ("environment", "sandbox"),
        ("Env", "staging"),
    ];
    for i in 0..60usize {
        let name = format!("legacy-sg-{i:03}");
        let tags: Vec<(&str, &str)> = match i % 4 {
            0 => vec![("Name", &name)],
            1 => vec![("Name", &name), tail[i % tail.len()]],
            2 => vec![tail[i % tail.len()]],
            _ => vec![],
        };
        let vpc = [&prod_vpc, &legacy_vpc, &dev_vpc, &tools_vpc][i % 4];
        ec2.security_group(&mut book, vpc, &name, &tags).await;
    }

    // eu-west-1: the European production footprint and its staging copy.
    let ec2 = Ec2::new(cfg, "eu-west-1", &account_id);
    let az = ec2.az('a');
    let eu_vpc = ec2
        .vpc(
            &mut book,
            "10.50.0.0/16",
            &[("Name", "eu-prod-vpc"), ("environment", "prod")],
        )
        .await;
    let eu_app = ec2
        .subnet(&mut book, &eu_vpc, "10.50.1.0/24", &az, &[("Name", "eu-prod-app")])
        .await;
    let eu_staging = ec2
        .subnet(
            &mut book,
            &eu_vpc,
            "10.50.2.0/24",
            &az,
            &[("Name", "eu-staging"), ("Stage", "staging")],
        )
        .await;
    let eu_sg = ec2
        .security_group(
            &mut book,
            &eu_vpc,
            "eu-web",
            &[("Name", "eu-web-sg"), ("environment", "prod")],
        )
        .await;
    let mut eu_web = Vec::new();
    for i in 1..=3 {
        let name = format!("eu-web-prod-{i:02}");
        let instance = ec2
            .instance(&mut book, &eu_app, &eu_sg, &[("Name", &name), ("environment", "live")])
            .await;
        let volume = ec2.volume(&mut book, &az, 40, None, &[]).await;
        ec2.attach_volume(&mut book, &volume, &instance, "/dev/sdf").await;
        eu_web.push(instance);
    }
    for i in 1..=2 {
        let name = format!("eu-web-staging-{i:02}");
        ec2.instance(&mut book, &eu_staging, &eu_sg, &[("Name", &name)]).await;
    }
    ec2.instance(&mut book, &eu_staging, &eu_sg, &[]).await;
    let eu_eip = ec2.elastic_ip(&mut book, &[("Name", "eu-web-eip")]).await;
    ec2.associate_with_instance(&mut book, &eu_eip, &eu_web[0]).await;
    for i in 0..40usize {
        let name = format!("eu-sg-{i:03}");
        let tags: Vec<(&str, &str)> = match i % 3 {
            0 => vec![("Name", &name), ("environment", "prod")],
            1 => vec![("Name", &name), ("Stage", "staging")],
            _ => vec![],
        };
        ec2.security_group(&mut book, &eu_vpc, &name, &tags).await;
    }

    // us-west-2: where developers experimented.
    let ec2 = Ec2::new(cfg, "us-west-2", &account_id);
    let az = ec2.az('a');
    let sandbox_vpc = ec2
        .vpc(
            &mut book,
            "10.60.0.0/16",
            &[("Name", "sandbox-vpc"), ("Environment", "sandbox")],
        )
        .await;
    let sandbox_subnet = ec2.subnet(&mut book, &sandbox_vpc, "10.60.1.0/24", &az, &[]).await;
    let sandbox_sg = ec2.security_group(&mut book, &sandbox_vpc, "sandbox-open", &[]).await;
    let west_values = [
        ("Environment", "sandbox"),
        ("env", "test"),
        ("Stage", "poc"),
        ("env", "qa"),
        ("Environment", "UAT"),
    ];
    for (i, (key, value)) in west_values.into_iter().enumerate() {
        let name = format!("experiment-{:02}", i + 1);
        let instance = ec2
            .instance(
                &mut book,
                &sandbox_subnet,
                &sandbox_sg,
                &[("Name", &name), (key, value)],
            )
            .await;
        if i % 2 == 0 {
            let volume = ec2.volume(&mut book, &az, 8, None, &[]).await;
            ec2.attach_volume(&mut book, &volume, &instance, "/dev/sdf").await;
        }
    }
    ec2.instance(&mut book, &sandbox_subnet, &sandbox_sg, &[]).await;
    for i in 0..40usize {
        let name = format!("scratch-vol-{i:03}");
        let tags: Vec<(&str, &str)> = match i % 4 {
            0 => vec![("Name", &name), ("env", "dev")],
            1 => vec![("Name", &name), ("Environment", "sandbox")],
            2 => vec![("Name", &name)],
            _ => vec![],
        };
        ec2.volume(&mut book, &az, 2, None, &tags).await;
    }

    // Buckets: the log archive, workload data and the usual leftovers.
    let east = S3::new(cfg, "us-east-1");
    let trail = format!("acme-cloudtrail-logs-{account_id}");
    east.bucket(&mut book, &trail, &[("Name", "org-trail")]).await;
    east.log_policy(&trail, "cloudtrail.amazonaws.com", &account_id).await;
    east.encryption(&trail, None).await;
    east.block_public_access(&trail).await;
    let config = format!("acme-config-history-{account_id}");
    east.bucket(&mut book, &config, &[]).await;
    east.log_policy(&config, "config.amazonaws.com", &account_id).await;
    east.block_public_access(&config).await;
    east.bucket(&mut book, "acme-payments-prod-data", &[("Environment", "prod")])
        .await;
    east.encryption("acme-payments-prod-data", Some(&customer_key.0)).await;
    east.versioning("acme-payments-prod-data").await;
    east.block_public_access("acme-payments-prod-data").await;
    east.bucket(&mut book, "acme-web-assets", &[("Environment", " Production ")])
        .await;
    east.bucket(&mut book, "acme-payments-dev-uploads", &[]).await;
    east.bucket(&mut book, "acme-qa-fixtures", &[("Stage", "QA")]).await;
    east.bucket(&mut book, "acme-tools-artifacts", &[("tier", "tools")])
        .await;
    east.encryption("acme-tools-artifacts", None).await;
    east.bucket(&mut book, "acme-shared-services-dns-zones", &[]).await;
    east.bucket(&mut book, "misc-uploads-2017", &[]).await;
    let eu = S3::new(cfg, "eu-west-1");
    eu.bucket(&mut book, "acme-eu-prod-media", &[("environment", "live")])
        .await;
    eu.versioning("acme-eu-prod-media").await;
    eu.bucket(&mut book, "acme-eu-staging-media", &[("Stage", "staging")])
        .await;
    let west = S3::new(cfg, "us-west-2");
    west.bucket(&mut book, "acme-ml-poc-datasets", &[]).await;
    west.bucket(&mut book, "acme-sandbox-scratch", &[("Environment", "sandbox")])
        .await;
    super::seed_svc14::seed_sample_governance(cfg, &trail).await;

    // The services of issue 13, last, so every id above stays what it was.
    super::seed_svc13::seed_sample_svc13(cfg).await;
    // The IAM roles and users of the runbook's IAM step, after everything else.
    super::seed_identities::seed_sample_identities(cfg).await;
    // Functions, databases and tables, after the identities.
    super::seed_sample_apps::seed_sample_apps(cfg, &account_id, &customer_key.1).await;
    Seeded {
        account_id,
        expected: book.finish(),
    }
}

/// Collects what was seeded.
#[derive(Default)]
struct Book {
    expected: Vec<Expected>,
}

impl Book {
    fn add(&mut self, arn: String, tagged: bool) {
        let (resource_type, region) = parse_arn(&arn);
        self.expected.push(Expected {
            arn,
            resource_type,
            region,
            tagged,
            relations: Vec::new(),
        });
    }

    fn relate(&mut self, arn: &str, kind: &str, target: &str) {
        let entry = self
            .expected
            .iter_mut()
            .rev()
            .find(|e| e.arn == arn)
            .unwrap_or_else(|| panic!("seeding: relation from {arn}, which was not recorded"));
        entry.relations.push((kind.to_owned(), target.to_owned()));
    }

    fn len(&self) -> usize {
        self.expected.len()
    }

    fn finish(mut self) -> Vec<Expected> {
        let unique: BTreeSet<&str> = self.expected.iter().map(|e| e.arn.as_str()).collect();
        assert_eq!(unique.len(), self.expected.len(), "seeding recorded an ARN twice");
        for entry in &mut self.expected {
            entry.relations.sort();
            entry.relations.dedup();
        }
        self.expected.sort();
        self.expected
    }
}

/// `(service:type, region)` of an ARN the seeders built.
fn parse_arn(arn: &str) -> (String, Option<String>) {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let (service, region, resource) = (parts[2], parts[3], parts[5]);
    let kind = resource.split('/').next().unwrap_or(resource);
    if service == "s3" {
        ("s3:bucket".to_owned(), None)
    } else {
        (format!("{service}:{kind}"), Some(region.to_owned()))
    }
}

pub(crate) fn must<T, E: std::error::Error + 'static>(what: &str, result: Result<T, E>) -> T {
    result.unwrap_or_else(|err| panic!("seeding: {what}: {}", DisplayErrorContext(&err)))
}

pub(crate) async fn account_id(cfg: &SdkConfig) -> String {
    let sts = aws_sdk_sts::Client::new(cfg);
    let identity = must("sts GetCallerIdentity", sts.get_caller_identity().send().await);
    identity
        .account()
        .expect("GetCallerIdentity names the account")
        .to_owned()
}

/// Creates a customer managed KMS key; returns (key id, key ARN).
pub(crate) async fn create_key(cfg: &SdkConfig, region: &str, description: &str) -> (String, String) {
    let conf = aws_sdk_kms::config::Builder::from(cfg)
        .region(Region::new(region.to_owned()))
        .build();
    let kms = aws_sdk_kms::Client::from_conf(conf);
    let out = must(
        &format!("kms CreateKey in {region}"),
        kms.create_key().description(description).send().await,
    );
    let meta = out.key_metadata().expect("CreateKey returns the key metadata");
    (meta.key_id().to_owned(), meta.arn().unwrap_or_default().to_owned())
}

fn ec2_tags(tags: &[(&str, &str)]) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(*k).value(*v).build())
        .collect()
}

/// Tag specifications for a create call; empty when there are no tags (a never-tagged resource).
fn tag_spec(resource_type: ResourceType, tags: &[(&str, &str)]) -> Option<Vec<TagSpecification>> {
    (!tags.is_empty()).then(|| {
        vec![
            TagSpecification::builder()
                .resource_type(resource_type)
                .set_tags(Some(ec2_tags(tags)))
                .build(),
        ]
    })
}

/// An EC2 client for one region, and the ARNs of what it creates.
pub struct Ec2 {
    pub client: ec2::Client,
    region: String,
    account: String,
}

impl Ec2 {
    pub fn new(cfg: &SdkConfig, region: &str, account: &str) -> Self {
        let conf = ec2::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build();
        Ec2 {
            client: ec2::Client::from_conf(conf),
            region: region.to_owned(),
            account: account.to_owned(),
        }
    }

    pub fn arn(&self, kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:{}:{}:{kind}/{id}", self.region, self.account)
    }

    fn az(&self, letter: char) -> String {
        format!("{}{letter}", self.region)
    }

    fn what(&self, operation: &str) -> String {
        format!("ec2 {operation} in {}", self.region)
    }

    async fn vpc(&self, book: &mut Book, cidr: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_vpc()
            .cidr_block(cidr)
            .set_tag_specifications(tag_spec(ResourceType::Vpc, tags))
            .send()
            .await;
        let out = must(&self.what("CreateVpc"), out);
        let id = out
            .vpc()
            .and_then(|v| v.vpc_id())
            .expect("CreateVpc returns an id")
            .to_owned();
        book.add(self.arn("vpc", &id), !tags.is_empty());
        id
    }

    async fn subnet(&self, book: &mut Book, vpc: &str, cidr: &str, az: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_subnet()
            .vpc_id(vpc)
            .cidr_block(cidr)
            .availability_zone(az)
            .set_tag_specifications(tag_spec(ResourceType::Subnet, tags))
            .send()
            .await;
        let out = must(&self.what("CreateSubnet"), out);
        let id = out
            .subnet()
            .and_then(|s| s.subnet_id())
            .expect("CreateSubnet returns an id")
            .to_owned();
        let arn = self.arn("subnet", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "in-vpc", &self.arn("vpc", vpc));
        id
    }

    async fn security_group(&self, book: &mut Book, vpc: &str, name: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_security_group()
            .group_name(name)
            .description(format!("{name} (seeded)"))
            .vpc_id(vpc)
            .set_tag_specifications(tag_spec(ResourceType::SecurityGroup, tags))
            .send()
            .await;
        let out = must(&self.what("CreateSecurityGroup"), out);
        let id = out.group_id().expect("CreateSecurityGroup returns an id").to_owned();
        let arn = self.arn("security-group", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "in-vpc", &self.arn("vpc", vpc));
        id
    }

    async fn instance(&self, book: &mut Book, subnet: &str, group: &str, tags: &[(&str, &str)]) -> String {
        self.instances(book, subnet, group, 1, tags).await.remove(0)
    }

    /// Launches `count` instances in one call. Their root volumes and network interfaces are
    /// recorded as never tagged, except in batches (`count > 1`), where one CreateTags call tags
    /// them all like the instances.
    async fn instances(
        &self,
        book: &mut Book,
        subnet: &str,
        group: &str,
        count: i32,
        tags: &[(&str, &str)],
    ) -> Vec<String> {
        let out = self
            .client
            .run_instances()
            .image_id(BASE_IMAGE)
            .instance_type(InstanceType::T3Micro)
            .min_count(count)
            .max_count(count)
            .subnet_id(subnet)
            .security_group_ids(group)
            .set_tag_specifications(tag_spec(ResourceType::Instance, tags))
            .send()
            .await;
        let out = must(&self.what("RunInstances"), out);
        let subnet_arn = self.arn("subnet", subnet);
        let mut ids = Vec::new();
        let mut attached = Vec::new();
        for instance in out.instances() {
            let id = instance.instance_id().expect("RunInstances returns ids").to_owned();
            let arn = self.arn("instance", &id);
            book.add(arn.clone(), !tags.is_empty());
            book.relate(&arn, "in-subnet", &subnet_arn);
            for mapping in instance.block_device_mappings() {
                if let Some(volume) = mapping.ebs().and_then(|e| e.volume_id()) {
                    attached.push((self.arn("volume", volume), arn.clone(), volume.to_owned()));
                }
            }
            for eni in instance.network_interfaces() {
                if let Some(eni) = eni.network_interface_id() {
                    attached.push((self.arn("network-interface", eni), arn.clone(), eni.to_owned()));
                }
            }
            ids.push(id);
        }
        assert_eq!(
            ids.len(),
            count as usize,
            "RunInstances launched {} of {count}",
            ids.len()
        );
        let tag_children = count > 1 && !tags.is_empty();
        for (child, parent, _) in &attached {
            book.add(child.clone(), tag_children);
            book.relate(child, "attached-to", parent);
        }
        if tag_children {
            let children: Vec<String> = attached.into_iter().map(|(_, _, id)| id).collect();
            self.tag(&children, tags).await;
        }
        ids
    }

    async fn tag(&self, ids: &[String], tags: &[(&str, &str)]) {
        let out = self
            .client
            .create_tags()
            .set_resources(Some(ids.to_vec()))
            .set_tags(Some(ec2_tags(tags)))
            .send()
            .await;
        must(&self.what("CreateTags"), out);
    }

    async fn volume(
        &self,
        book: &mut Book,
        az: &str,
        size: i32,
        kms_key: Option<&str>,
        tags: &[(&str, &str)],
    ) -> String {
        self.create_volume(book, az, size, kms_key.is_some(), kms_key, tags)
            .await
    }

    /// An encrypted volume; with no key, EBS uses the account's default key.
    async fn encrypted_volume(
        &self,
        book: &mut Book,
        az: &str,
        size: i32,
        kms_key: Option<&str>,
        tags: &[(&str, &str)],
    ) -> String {
        self.create_volume(book, az, size, true, kms_key, tags).await
    }

    async fn create_volume(
        &self,
        book: &mut Book,
        az: &str,
        size: i32,
        encrypted: bool,
        kms_key: Option<&str>,
        tags: &[(&str, &str)],
    ) -> String {
        let out = self
            .client
            .create_volume()
            .availability_zone(az)
            .size(size)
            .volume_type(VolumeType::Gp3)
            .encrypted(encrypted)
            .set_kms_key_id(kms_key.map(str::to_owned))
            .set_tag_specifications(tag_spec(ResourceType::Volume, tags))
            .send()
            .await;
        let out = must(&self.what("CreateVolume"), out);
        let id = out.volume_id().expect("CreateVolume returns an id").to_owned();
        book.add(self.arn("volume", &id), !tags.is_empty());
        id
    }

    async fn attach_volume(&self, book: &mut Book, volume: &str, instance: &str, device: &str) {
        let out = self
            .client
            .attach_volume()
            .volume_id(volume)
            .instance_id(instance)
            .device(device)
            .send()
            .await;
        must(&self.what("AttachVolume"), out);
        book.relate(
            &self.arn("volume", volume),
            "attached-to",
            &self.arn("instance", instance),
        );
    }

    async fn network_interface(&self, book: &mut Book, subnet: &str, group: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_network_interface()
            .subnet_id(subnet)
            .groups(group)
            .set_tag_specifications(tag_spec(ResourceType::NetworkInterface, tags))
            .send()
            .await;
        let out = must(&self.what("CreateNetworkInterface"), out);
        let id = out
            .network_interface()
            .and_then(|n| n.network_interface_id())
            .expect("CreateNetworkInterface returns an id")
            .to_owned();
        book.add(self.arn("network-interface", &id), !tags.is_empty());
        id
    }

    async fn attach_network_interface(&self, book: &mut Book, eni: &str, instance: &str, index: i32) {
        let out = self
            .client
            .attach_network_interface()
            .network_interface_id(eni)
            .instance_id(instance)
            .device_index(index)
            .send()
            .await;
        must(&self.what("AttachNetworkInterface"), out);
        book.relate(
            &self.arn("network-interface", eni),
            "attached-to",
            &self.arn("instance", instance),
        );
    }

    async fn snapshot(&self, book: &mut Book, volume: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_snapshot()
            .volume_id(volume)
            .description(format!("backup of {volume}"))
            .set_tag_specifications(tag_spec(ResourceType::Snapshot, tags))
            .send()
            .await;
        let out = must(&self.what("CreateSnapshot"), out);
        let id = out.snapshot_id().expect("CreateSnapshot returns an id").to_owned();
        let arn = self.arn("snapshot", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "from-volume", &self.arn("volume", volume));
        id
    }

    /// CreateImage from an instance. moto also creates the image's backing snapshot (owned by the
    /// account, never tagged), which is recorded too.
    async fn image(&self, book: &mut Book, instance: &str, name: &str, tags: &[(&str, &str)]) -> String {
        let out = self.client.create_image().instance_id(instance).name(name).send().await;
        let out = must(&self.what("CreateImage"), out);
        let id = out.image_id().expect("CreateImage returns an id").to_owned();
        if !tags.is_empty() {
            self.tag(std::slice::from_ref(&id), tags).await;
        }
        let described = self.client.describe_images().image_ids(&id).send().await;
        let described = must(&self.what("DescribeImages"), described);
        let snapshots: Vec<String> = described
            .images()
            .iter()
            .flat_map(|image| image.block_device_mappings())
            .filter_map(|mapping| mapping.ebs().and_then(|e| e.snapshot_id()))
            .map(str::to_owned)
            .collect();
        let arn = self.arn("image", &id);
        book.add(arn.clone(), !tags.is_empty());
        for snapshot in snapshots {
            let snapshot_arn = self.arn("snapshot", &snapshot);
            book.add(snapshot_arn.clone(), false);
            book.relate(&arn, "from-snapshot", &snapshot_arn);
        }
        id
    }

    async fn elastic_ip(&self, book: &mut Book, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .allocate_address()
            .domain(DomainType::Vpc)
            .set_tag_specifications(tag_spec(ResourceType::ElasticIp, tags))
            .send()
            .await;
        let out = must(&self.what("AllocateAddress"), out);
        let id = out.allocation_id().expect("AllocateAddress returns an id").to_owned();
        book.add(self.arn("elastic-ip", &id), !tags.is_empty());
        id
    }

    async fn associate_with_instance(&self, book: &mut Book, allocation: &str, instance: &str) {
        let out = self
            .client
            .associate_address()
            .allocation_id(allocation)
            .instance_id(instance)
            .send()
            .await;
        must(&self.what("AssociateAddress"), out);
        book.relate(
            &self.arn("elastic-ip", allocation),
            "associated-with",
            &self.arn("instance", instance),
        );
    }

    async fn internet_gateway(&self, book: &mut Book, vpc: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_internet_gateway()
            .set_tag_specifications(tag_spec(ResourceType::InternetGateway, tags))
            .send()
            .await;
        let out = must(&self.what("CreateInternetGateway"), out);
        let id = out
            .internet_gateway()
            .and_then(|g| g.internet_gateway_id())
            .expect("CreateInternetGateway returns an id")
            .to_owned();
        let attach = self
            .client
            .attach_internet_gateway()
            .internet_gateway_id(&id)
            .vpc_id(vpc)
            .send()
            .await;
        must(&self.what("AttachInternetGateway"), attach);
        let arn = self.arn("internet-gateway", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "in-vpc", &self.arn("vpc", vpc));
        id
    }

    /// A NAT gateway with its own Elastic IP. moto gives it a network interface (never tagged) that
    /// the Elastic IP is associated with; both are recorded.
    async fn nat_gateway(&self, book: &mut Book, subnet: &str, tags: &[(&str, &str)]) -> String {
        let allocation = self.elastic_ip(book, &[]).await;
        let out = self
            .client
            .create_nat_gateway()
            .subnet_id(subnet)
            .allocation_id(&allocation)
            .set_tag_specifications(tag_spec(ResourceType::Natgateway, tags))
            .send()
            .await;
        let out = must(&self.what("CreateNatGateway"), out);
        let gateway = out.nat_gateway().expect("CreateNatGateway returns the gateway");
        let id = gateway.nat_gateway_id().expect("a NAT gateway id").to_owned();
        book.add(self.arn("natgateway", &id), !tags.is_empty());
        for address in gateway.nat_gateway_addresses() {
            if let Some(eni) = address.network_interface_id() {
                let eni_arn = self.arn("network-interface", eni);
                book.add(eni_arn.clone(), false);
                book.relate(&self.arn("elastic-ip", &allocation), "associated-with", &eni_arn);
            }
        }
        id
    }

    fn filter(name: &str, value: &str) -> ec2::types::Filter {
        ec2::types::Filter::builder().name(name).values(value).build()
    }

    /// Records the main route table and default network ACL moto created with `vpc`.
    async fn vpc_defaults(&self, book: &mut Book, vpc: &str) {
        let vpc_arn = self.arn("vpc", vpc);
        let out = self
            .client
            .describe_route_tables()
            .filters(Self::filter("vpc-id", vpc))
            .filters(Self::filter("association.main", "true"))
            .send()
            .await;
        let out = must(&self.what("DescribeRouteTables"), out);
        for table in out.route_tables() {
            let arn = self.arn("route-table", table.route_table_id().expect("a route table id"));
            book.add(arn.clone(), false);
            book.relate(&arn, "in-vpc", &vpc_arn);
        }
        let out = self
            .client
            .describe_network_acls()
            .filters(Self::filter("vpc-id", vpc))
            .filters(Self::filter("default", "true"))
            .send()
            .await;
        let out = must(&self.what("DescribeNetworkAcls"), out);
        for acl in out.network_acls() {
            let arn = self.arn("network-acl", acl.network_acl_id().expect("a network ACL id"));
            book.add(arn.clone(), false);
            book.relate(&arn, "in-vpc", &vpc_arn);
        }
    }

    async fn route_table(&self, book: &mut Book, vpc: &str, subnet: Option<&str>, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_route_table()
            .vpc_id(vpc)
            .set_tag_specifications(tag_spec(ResourceType::RouteTable, tags))
            .send()
            .await;
        let out = must(&self.what("CreateRouteTable"), out);
        let id = out
            .route_table()
            .and_then(|t| t.route_table_id())
            .expect("CreateRouteTable returns an id")
            .to_owned();
        let arn = self.arn("route-table", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "in-vpc", &self.arn("vpc", vpc));
        if let Some(subnet) = subnet {
            let out = self
                .client
                .associate_route_table()
                .route_table_id(&id)
                .subnet_id(subnet)
                .send()
                .await;
            must(&self.what("AssociateRouteTable"), out);
            book.relate(&arn, "associated-with", &self.arn("subnet", subnet));
        }
        id
    }

    async fn route(&self, book: &mut Book, table: &str, cidr: &str, target: Target<'_>) {
        let request = self
            .client
            .create_route()
            .route_table_id(table)
            .destination_cidr_block(cidr);
        let (request, kind, id) = match target {
            Target::Gateway(id) => (request.gateway_id(id), "internet-gateway", id),
            Target::Nat(id) => (request.nat_gateway_id(id), "natgateway", id),
            Target::Peering(id) => (request.vpc_peering_connection_id(id), "vpc-peering-connection", id),
            Target::TransitGateway(id) => (request.transit_gateway_id(id), "transit-gateway", id),
        };
        must(&self.what("CreateRoute"), request.send().await);
        book.relate(&self.arn("route-table", table), "routes-to", &self.arn(kind, id));
    }

    async fn network_acl(&self, book: &mut Book, vpc: &str, subnet: Option<&str>, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_network_acl()
            .vpc_id(vpc)
            .set_tag_specifications(tag_spec(ResourceType::NetworkAcl, tags))
            .send()
            .await;
        let out = must(&self.what("CreateNetworkAcl"), out);
        let id = out
            .network_acl()
            .and_then(|a| a.network_acl_id())
            .expect("CreateNetworkAcl returns an id")
            .to_owned();
        let arn = self.arn("network-acl", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "in-vpc", &self.arn("vpc", vpc));
        if let Some(subnet) = subnet {
            let out = self
                .client
                .describe_network_acls()
                .filters(Self::filter("association.subnet-id", subnet))
                .send()
                .await;
            let out = must(&self.what("DescribeNetworkAcls"), out);
            let association = out
                .network_acls()
                .iter()
                .flat_map(|a| a.associations())
                .find(|a| a.subnet_id() == Some(subnet))
                .and_then(|a| a.network_acl_association_id())
                .expect("every subnet has a network ACL association")
                .to_owned();
            let out = self
                .client
                .replace_network_acl_association()
                .association_id(association)
                .network_acl_id(&id)
                .send()
                .await;
            must(&self.what("ReplaceNetworkAclAssociation"), out);
            book.relate(&arn, "associated-with", &self.arn("subnet", subnet));
        }
        id
    }

    async fn gateway_endpoint(&self, book: &mut Book, vpc: &str, route_table: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_vpc_endpoint()
            .vpc_id(vpc)
            .vpc_endpoint_type(ec2::types::VpcEndpointType::Gateway)
            .service_name(format!("com.amazonaws.{}.s3", self.region))
            .route_table_ids(route_table)
            .set_tag_specifications(tag_spec(ResourceType::VpcEndpoint, tags))
            .send()
            .await;
        let out = must(&self.what("CreateVpcEndpoint"), out);
        let id = out
            .vpc_endpoint()
            .and_then(|e| e.vpc_endpoint_id())
            .expect("CreateVpcEndpoint returns an id")
            .to_owned();
        let arn = self.arn("vpc-endpoint", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "in-vpc", &self.arn("vpc", vpc));
        book.relate(&arn, "associated-with", &self.arn("route-table", route_table));
        id
    }

    async fn interface_endpoint(
        &self,
        book: &mut Book,
        vpc: &str,
        subnet: &str,
        group: &str,
        tags: &[(&str, &str)],
    ) -> String {
        let out = self
            .client
            .create_vpc_endpoint()
            .vpc_id(vpc)
            .vpc_endpoint_type(ec2::types::VpcEndpointType::Interface)
            .service_name(format!("com.amazonaws.{}.sqs", self.region))
            .subnet_ids(subnet)
            .security_group_ids(group)
            .set_tag_specifications(tag_spec(ResourceType::VpcEndpoint, tags))
            .send()
            .await;
        let out = must(&self.what("CreateVpcEndpoint"), out);
        let endpoint = out.vpc_endpoint().expect("CreateVpcEndpoint returns the endpoint");
        let id = endpoint.vpc_endpoint_id().expect("an endpoint id").to_owned();
        let arn = self.arn("vpc-endpoint", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "in-vpc", &self.arn("vpc", vpc));
        book.relate(&arn, "in-subnet", &self.arn("subnet", subnet));
        book.relate(&arn, "has-security-group", &self.arn("security-group", group));
        // The endpoint's network interfaces are the emulator's own, never tagged.
        for eni in endpoint.network_interface_ids() {
            book.add(self.arn("network-interface", eni), false);
        }
        id
    }

    async fn vpc_peering(&self, book: &mut Book, vpc: &str, peer: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_vpc_peering_connection()
            .vpc_id(vpc)
            .peer_vpc_id(peer)
            .set_tag_specifications(tag_spec(ResourceType::VpcPeeringConnection, tags))
            .send()
            .await;
        let out = must(&self.what("CreateVpcPeeringConnection"), out);
        let id = out
            .vpc_peering_connection()
            .and_then(|p| p.vpc_peering_connection_id())
            .expect("CreateVpcPeeringConnection returns an id")
            .to_owned();
        let arn = self.arn("vpc-peering-connection", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "connects", &self.arn("vpc", vpc));
        book.relate(&arn, "connects", &self.arn("vpc", peer));
        id
    }

    async fn transit_gateway(&self, book: &mut Book, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_transit_gateway()
            .set_tag_specifications(tag_spec(ResourceType::TransitGateway, tags))
            .send()
            .await;
        let out = must(&self.what("CreateTransitGateway"), out);
        let id = out
            .transit_gateway()
            .and_then(|t| t.transit_gateway_id())
            .expect("CreateTransitGateway returns an id")
            .to_owned();
        book.add(self.arn("transit-gateway", &id), !tags.is_empty());
        id
    }

    async fn transit_gateway_attachment(
        &self,
        book: &mut Book,
        tgw: &str,
        vpc: &str,
        subnet: &str,
        tags: &[(&str, &str)],
    ) -> String {
        let out = self
            .client
            .create_transit_gateway_vpc_attachment()
            .transit_gateway_id(tgw)
            .vpc_id(vpc)
            .subnet_ids(subnet)
            .send()
            .await;
        let out = must(&self.what("CreateTransitGatewayVpcAttachment"), out);
        let id = out
            .transit_gateway_vpc_attachment()
            .and_then(|a| a.transit_gateway_attachment_id())
            .expect("CreateTransitGatewayVpcAttachment returns an id")
            .to_owned();
        // moto 5.2 reads this call's tag specification under the wrong resource type and drops
        // it, so the tags are added afterwards.
        if !tags.is_empty() {
            self.tag(std::slice::from_ref(&id), tags).await;
        }
        let arn = self.arn("transit-gateway-attachment", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "attached-to", &self.arn("transit-gateway", tgw));
        book.relate(&arn, "in-vpc", &self.arn("vpc", vpc));
        book.relate(&arn, "in-subnet", &self.arn("subnet", subnet));
        id
    }

    async fn transit_gateway_route_table(&self, book: &mut Book, tgw: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_transit_gateway_route_table()
            .transit_gateway_id(tgw)
            .set_tag_specifications(tag_spec(ResourceType::TransitGatewayRouteTable, tags))
            .send()
            .await;
        let out = must(&self.what("CreateTransitGatewayRouteTable"), out);
        let id = out
            .transit_gateway_route_table()
            .and_then(|t| t.transit_gateway_route_table_id())
            .expect("CreateTransitGatewayRouteTable returns an id")
            .to_owned();
        let arn = self.arn("transit-gateway-route-table", &id);
        book.add(arn.clone(), !tags.is_empty());
        book.relate(&arn, "in-transit-gateway", &self.arn("transit-gateway", tgw));
        id
    }

    /// A flow log to an S3 bucket, never tagged.
    async fn flow_log(&self, book: &mut Book, of: FlowOf<'_>, bucket: &str) -> String {
        let (resource_type, id, kind, relation) = match of {
            FlowOf::Vpc(id) => (ec2::types::FlowLogsResourceType::Vpc, id, "vpc", "in-vpc"),
            FlowOf::Subnet(id) => (ec2::types::FlowLogsResourceType::Subnet, id, "subnet", "in-subnet"),
        };
        let out = self
            .client
            .create_flow_logs()
            .resource_type(resource_type)
            .resource_ids(id)
            .traffic_type(ec2::types::TrafficType::All)
            .log_destination_type(ec2::types::LogDestinationType::S3)
            .log_destination(format!("arn:aws:s3:::{bucket}"))
            .send()
            .await;
        let out = must(&self.what("CreateFlowLogs"), out);
        assert!(
            out.unsuccessful().is_empty(),
            "CreateFlowLogs: {:?}",
            out.unsuccessful()
        );
        let flow = out
            .flow_log_ids()
            .first()
            .expect("CreateFlowLogs returns an id")
            .to_owned();
        let arn = self.arn("vpc-flow-log", &flow);
        book.add(arn.clone(), false);
        book.relate(&arn, relation, &self.arn(kind, id));
        book.relate(&arn, "logs-to", &format!("arn:aws:s3:::{bucket}"));
        flow
    }

    async fn dhcp_options(
        &self,
        book: &mut Book,
        options: &[(&str, &str)],
        vpc: Option<&str>,
        tags: &[(&str, &str)],
    ) -> String {
        let configurations = options
            .iter()
            .map(|(key, value)| {
                ec2::types::NewDhcpConfiguration::builder()
                    .key(*key)
                    .values(*value)
                    .build()
            })
            .collect();
        let out = self
            .client
            .create_dhcp_options()
            .set_dhcp_configurations(Some(configurations))
            .set_tag_specifications(tag_spec(ResourceType::DhcpOptions, tags))
            .send()
            .await;
        let out = must(&self.what("CreateDhcpOptions"), out);
        let id = out
            .dhcp_options()
            .and_then(|d| d.dhcp_options_id())
            .expect("CreateDhcpOptions returns an id")
            .to_owned();
        let arn = self.arn("dhcp-options", &id);
        book.add(arn.clone(), !tags.is_empty());
        if let Some(vpc) = vpc {
            let out = self
                .client
                .associate_dhcp_options()
                .dhcp_options_id(&id)
                .vpc_id(vpc)
                .send()
                .await;
            must(&self.what("AssociateDhcpOptions"), out);
            book.relate(&arn, "associated-with", &self.arn("vpc", vpc));
        }
        id
    }

    async fn launch_template(&self, book: &mut Book, name: &str, tags: &[(&str, &str)]) -> String {
        let data = ec2::types::RequestLaunchTemplateData::builder()
            .image_id(BASE_IMAGE)
            .instance_type(InstanceType::T3Micro)
            .build();
        let out = self
            .client
            .create_launch_template()
            .launch_template_name(name)
            .launch_template_data(data)
            .set_tag_specifications(tag_spec(ResourceType::LaunchTemplate, tags))
            .send()
            .await;
        let out = must(&self.what("CreateLaunchTemplate"), out);
        let id = out
            .launch_template()
            .and_then(|t| t.launch_template_id())
            .expect("CreateLaunchTemplate returns an id")
            .to_owned();
        book.add(self.arn("launch-template", &id), !tags.is_empty());
        id
    }

    async fn key_pair(&self, book: &mut Book, name: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_key_pair()
            .key_name(name)
            .set_tag_specifications(tag_spec(ResourceType::KeyPair, tags))
            .send()
            .await;
        let out = must(&self.what("CreateKeyPair"), out);
        let id = out.key_pair_id().expect("CreateKeyPair returns an id").to_owned();
        book.add(self.arn("key-pair", &id), !tags.is_empty());
        id
    }
}

/// An S3 client for one region (path-style addressing, as the emulator needs).
pub struct S3 {
    pub client: s3::Client,
    region: String,
}

impl S3 {
    pub fn new(cfg: &SdkConfig, region: &str) -> Self {
        let conf = s3::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .force_path_style(true)
            .build();
        S3 {
            client: s3::Client::from_conf(conf),
            region: region.to_owned(),
        }
    }

    fn what(&self, operation: &str, bucket: &str) -> String {
        format!("s3 {operation} {bucket} in {}", self.region)
    }

    async fn bucket(&self, book: &mut Book, name: &str, tags: &[(&str, &str)]) {
        let mut create = self.client.create_bucket().bucket(name);
        if self.region != "us-east-1" {
            let constraint = s3::types::BucketLocationConstraint::from(self.region.as_str());
            create = create.create_bucket_configuration(
                s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(constraint)
                    .build(),
            );
        }
        must(&self.what("CreateBucket", name), create.send().await);
        if !tags.is_empty() {
            let tag_set = tags
                .iter()
                .map(|(k, v)| must("s3 Tag", s3::types::Tag::builder().key(*k).value(*v).build()))
                .collect();
            let tagging = must(
                "s3 Tagging",
                s3::types::Tagging::builder().set_tag_set(Some(tag_set)).build(),
            );
            let out = self
                .client
                .put_bucket_tagging()
                .bucket(name)
                .tagging(tagging)
                .send()
                .await;
            must(&self.what("PutBucketTagging", name), out);
        }
        book.add(format!("arn:aws:s3:::{name}"), !tags.is_empty());
    }

    /// A log-delivery bucket policy: `service` may write under `AWSLogs/<account>/`, only on the
    /// account's behalf.
    async fn log_policy(&self, bucket: &str, service: &str, account: &str) {
        let policy = serde_json::json!({
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AclCheck",
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "s3:GetBucketAcl",
                    "Resource": format!("arn:aws:s3:::{bucket}")
                },
                {
                    "Sid": "Write",
                    "Effect": "Allow",
                    "Principal": {"Service": service},
                    "Action": "s3:PutObject",
                    "Resource": format!("arn:aws:s3:::{bucket}/AWSLogs/{account}/*"),
                    "Condition": {
                        "StringEquals": {
                            "s3:x-amz-acl": "bucket-owner-full-control",
                            "aws:SourceAccount": account
                        }
                    }
                }
            ]
        });
        let out = self
            .client
            .put_bucket_policy()
            .bucket(bucket)
            .policy(policy.to_string())
            .send()
            .await;
        must(&self.what("PutBucketPolicy", bucket), out);
    }

    /// Default encryption: SSE-KMS with `kms_key`, or SSE-S3 (AES256) without one.
    async fn encryption(&self, bucket: &str, kms_key: Option<&str>) {
        use s3::types::{
            ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
            ServerSideEncryptionRule,
        };
        let algorithm = if kms_key.is_some() {
            ServerSideEncryption::AwsKms
        } else {
            ServerSideEncryption::Aes256
        };
        let default = ServerSideEncryptionByDefault::builder()
            .sse_algorithm(algorithm)
            .set_kms_master_key_id(kms_key.map(str::to_owned))
            .build();
        let rule = ServerSideEncryptionRule::builder()
            .apply_server_side_encryption_by_default(must("s3 encryption default", default))
            .build();
        let config = must(
            "s3 encryption configuration",
            ServerSideEncryptionConfiguration::builder().rules(rule).build(),
        );
        let out = self
            .client
            .put_bucket_encryption()
            .bucket(bucket)
            .server_side_encryption_configuration(config)
            .send()
            .await;
        must(&self.what("PutBucketEncryption", bucket), out);
    }

    async fn block_public_access(&self, bucket: &str) {
        let config = s3::types::PublicAccessBlockConfiguration::builder()
            .block_public_acls(true)
            .ignore_public_acls(true)
            .block_public_policy(true)
            .restrict_public_buckets(true)
            .build();
        let out = self
            .client
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(config)
            .send()
            .await;
        must(&self.what("PutPublicAccessBlock", bucket), out);
    }

    async fn versioning(&self, bucket: &str) {
        let config = s3::types::VersioningConfiguration::builder()
            .status(s3::types::BucketVersioningStatus::Enabled)
            .build();
        let out = self
            .client
            .put_bucket_versioning()
            .bucket(bucket)
            .versioning_configuration(config)
            .send()
            .await;
        must(&self.what("PutBucketVersioning", bucket), out);
    }
}
