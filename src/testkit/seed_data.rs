//! Seeds the services of issue 12 (KMS, RDS, Lambda, DynamoDB, load balancers) into the emulator,
//! in two regions, half of each type tagged and half never tagged, for the seeded scan test
//! (`tests/integration/scan_services.rs`). Like `seed.rs`, a failed call panics with what it was.

use aws_config::SdkConfig;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::region::Region;

use super::seed::Expected;

/// The regions seeded.
pub const SERVICE_REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];

/// What the services seed created.
#[derive(Debug, Default)]
pub struct ServicesSeeded {
    pub account_id: String,
    /// Sorted by ARN.
    pub expected: Vec<Expected>,
}

impl ServicesSeeded {
    fn add(&mut self, arn: &str, resource_type: &str, region: &str, tagged: bool) {
        self.expected.push(Expected {
            arn: arn.to_owned(),
            resource_type: resource_type.to_owned(),
            region: Some(region.to_owned()),
            tagged,
            relations: Vec::new(),
        });
    }

    pub fn of_type<'a>(&'a self, resource_type: &'a str) -> impl Iterator<Item = &'a Expected> + 'a {
        self.expected.iter().filter(move |e| e.resource_type == resource_type)
    }
}

fn must<T, E: std::error::Error + 'static>(what: &str, result: Result<T, E>) -> T {
    result.unwrap_or_else(|err| panic!("seeding: {what}: {}", DisplayErrorContext(&err)))
}

/// Seeds every issue-12 service in [`SERVICE_REGIONS`].
pub async fn seed_services(cfg: &SdkConfig, account_id: &str) -> ServicesSeeded {
    let mut seeded = ServicesSeeded {
        account_id: account_id.to_owned(),
        ..Default::default()
    };
    for region in SERVICE_REGIONS {
        let kms = Kms::new(cfg, region);
        let short = if region == "us-east-1" { "east" } else { "west" };
        kms.key(
            &mut seeded,
            &format!("orders-dev-{short}"),
            &[("Environment", "dev")],
            true,
        )
        .await;
        kms.key(&mut seeded, &format!("untagged-{short}"), &[], false).await;
    }
    for e in &mut seeded.expected {
        e.relations.sort();
        e.relations.dedup();
    }
    seeded.expected.sort();
    seeded
}

/// A KMS client for one region.
pub struct Kms {
    client: aws_sdk_kms::Client,
    region: String,
}

impl Kms {
    pub fn new(cfg: &SdkConfig, region: &str) -> Self {
        let conf = aws_sdk_kms::config::Builder::from(cfg)
            .region(Region::new(region.to_owned()))
            .build();
        Kms {
            client: aws_sdk_kms::Client::from_conf(conf),
            region: region.to_owned(),
        }
    }

    /// A customer-managed key with `alias/NAME`, tagged or not, with rotation on or off; its ARN.
    pub async fn key(&self, seeded: &mut ServicesSeeded, alias: &str, tags: &[(&str, &str)], rotate: bool) -> String {
        let tags: Vec<aws_sdk_kms::types::Tag> = tags
            .iter()
            .map(|(k, v)| {
                aws_sdk_kms::types::Tag::builder()
                    .tag_key(*k)
                    .tag_value(*v)
                    .build()
                    .expect("tag key and value")
            })
            .collect();
        let what = format!("kms CreateKey {alias} in {}", self.region);
        let out = must(
            &what,
            self.client
                .create_key()
                .description(format!("{alias} key"))
                .set_tags((!tags.is_empty()).then_some(tags.clone()))
                .send()
                .await,
        );
        let meta = out.key_metadata().expect("CreateKey returns the key metadata");
        let (id, arn) = (meta.key_id().to_owned(), meta.arn().unwrap_or_default().to_owned());
        must(
            &what,
            self.client
                .create_alias()
                .alias_name(format!("alias/{alias}"))
                .target_key_id(&id)
                .send()
                .await,
        );
        if rotate {
            must(&what, self.client.enable_key_rotation().key_id(&id).send().await);
        }
        seeded.add(&arn, "kms:key", &self.region, !tags.is_empty());
        arn
    }
}
