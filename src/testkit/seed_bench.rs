//! Seeders for the scan benchmark (`scripts/bench-scan.sh`) beyond the bulk account of
//! `seed.rs`: more buckets, so that S3's per-bucket requests weigh as they do in a real account.

use aws_types::SdkConfig;

use super::seed::S3;

/// Creates `count` buckets named `bench-<region>-<n>`, spread evenly over `regions`; three in
/// four tagged with an environment tag (under mixed keys), the rest untagged. Returns `count`.
pub async fn seed_buckets(cfg: &SdkConfig, regions: &[&str], count: usize) -> usize {
    let envs = [("Environment", "prod"), ("env", "dev"), ("Stage", "staging")];
    let clients: Vec<S3> = regions.iter().map(|region| S3::new(cfg, region)).collect();
    for n in 0..count {
        let (region, s3) = (regions[n % regions.len()], &clients[n % regions.len()]);
        let name = format!("bench-{region}-{n:05}");
        let mut create = s3.client.create_bucket().bucket(&name);
        if region != "us-east-1" {
            create = create.create_bucket_configuration(
                aws_sdk_s3::types::CreateBucketConfiguration::builder()
                    .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(region))
                    .build(),
            );
        }
        create
            .send()
            .await
            .unwrap_or_else(|e| panic!("CreateBucket {name}: {e:?}"));
        if n % 4 != 3 {
            let (key, value) = envs[n % envs.len()];
            let tag = aws_sdk_s3::types::Tag::builder()
                .key(key)
                .value(value)
                .build()
                .expect("a tag has a key and a value");
            let tagging = aws_sdk_s3::types::Tagging::builder()
                .tag_set(tag)
                .build()
                .expect("a tag set");
            s3.client
                .put_bucket_tagging()
                .bucket(&name)
                .tagging(tagging)
                .send()
                .await
                .unwrap_or_else(|e| panic!("PutBucketTagging {name}: {e:?}"));
        }
    }
    count
}
