//! Caveats a move step prints for one resource: each is one predicate over the resource's own
//! scanned attributes and whether its key is the default AWS-managed one, so a caveat appears
//! only where it is true (the default-key caveat only on what is encrypted with an AWS-managed
//! key, replication wording only on buckets).

use crate::model::Resource;

/// One caveat: when it applies, and what it says.
pub struct Caveat {
    /// A stable name, for tests and `docs/workloads.md`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub id: &'static str,
    /// Over the resource, and whether it is on the default AWS-managed key ([`on_default_key`]).
    pub applies: fn(&Resource, bool) -> bool,
    pub text: &'static str,
}

/// Encrypted with the default AWS-managed key: no key named, an `aws/...` alias, or a key the
/// scan saw as AWS-managed. EC2 and RDS name even the default key by its ARN, so the key's own
/// record (`key` finds it by ARN) is what tells.
pub fn on_default_key<'a>(r: &Resource, key: impl Fn(&str) -> Option<&'a Resource>) -> bool {
    let aws_managed = |arn: &str| key(arn).is_some_and(|k| k.attr_bool("aws_managed") == Some(true));
    r.attr_bool("encrypted") == Some(true)
        && match r.attr_str("kms_key_id") {
            None | Some("") => true,
            Some(k) => k.contains("alias/aws/") || aws_managed(k) || r.related("uses-key").any(aws_managed),
        }
}

/// Every caveat, in the order a step prints them.
pub const CAVEATS: &[Caveat] = &[
    Caveat {
        id: "default-key-ebs",
        applies: |r, default_key| {
            matches!(r.resource_type.as_str(), "ec2:volume" | "ec2:snapshot" | "ec2:image") && default_key
        },
        text: "encrypted with the default AWS-managed key (`aws/ebs`), which cannot be shared: copy it under a \
               customer-managed key the target may use, and share that copy.",
    },
    Caveat {
        id: "default-key-rds",
        applies: |r, default_key| r.resource_type.starts_with("rds:") && default_key,
        text: "encrypted with the default `aws/rds` key: copy the snapshot under a customer-managed key before \
               sharing it.",
    },
    Caveat {
        id: "bucket-has-replication",
        applies: |r, _| r.resource_type == "s3:bucket" && r.attr_bool("replication") == Some(true),
        text: "it already replicates: add the new rule beside the existing ones rather than replace them.",
    },
    Caveat {
        id: "public-ip-on-interface",
        applies: |r, _| {
            r.resource_type == "ec2:network-interface" && r.attr_str("public_ip").is_some_and(|ip| !ip.is_empty())
        },
        text: "it has a public IP that changes with the new interface unless it is an Elastic IP: update DNS and \
               allow-lists at cutover.",
    },
];

/// The caveats that apply to a resource; `key` finds a KMS key of the scan by ARN.
pub fn applying<'k>(r: &Resource, key: impl Fn(&str) -> Option<&'k Resource>) -> Vec<&'static Caveat> {
    let default_key = on_default_key(r, key);
    CAVEATS.iter().filter(|c| (c.applies)(r, default_key)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::build::*;

    fn ids(r: &Resource) -> Vec<&'static str> {
        applying(r, |_| None).into_iter().map(|c| c.id).collect()
    }

    #[test]
    fn default_key_caveat_fires_only_on_ebs_encrypted_with_an_aws_managed_key() {
        let plain = res("arn:vol-1", "ec2:volume").attr("encrypted", false);
        let customer = res("arn:vol-2", "ec2:volume")
            .attr("encrypted", true)
            .attr("kms_key_id", "arn:aws:kms:us-east-1:1:key/abc");
        let default = res("arn:vol-3", "ec2:volume").attr("encrypted", true);
        let alias = res("arn:snap-1", "ec2:snapshot")
            .attr("encrypted", true)
            .attr("kms_key_id", "alias/aws/ebs");
        assert!(ids(&plain).is_empty());
        assert!(ids(&customer).is_empty());
        assert_eq!(ids(&default), ["default-key-ebs"]);
        assert_eq!(ids(&alias), ["default-key-ebs"]);
        // An encrypted bucket is not an EBS resource: no snapshot wording.
        assert!(ids(&res("arn:aws:s3:::b", "s3:bucket").attr("encrypted", true)).is_empty());
    }

    #[test]
    fn a_key_named_by_arn_is_the_default_key_when_the_scan_saw_it_aws_managed() {
        let aws_key = "arn:aws:kms:us-east-1:1:key/aws-rds";
        let app_key = "arn:aws:kms:us-east-1:1:key/app";
        let keys = [
            res(aws_key, "kms:key").attr("aws_managed", true),
            res(app_key, "kms:key").attr("aws_managed", false),
        ];
        let find = |arn: &str| keys.iter().find(|k| k.arn == arn);
        let on = |key: &str| res("arn:db", "rds:db").attr("encrypted", true).attr("kms_key_id", key);
        let by_relation = res("arn:vol-1", "ec2:volume")
            .attr("encrypted", true)
            .attr("kms_key_id", "k-id-only")
            .rel("uses-key", aws_key);
        assert_eq!(
            applying(&on(aws_key), find)
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>(),
            ["default-key-rds"]
        );
        assert_eq!(applying(&on(app_key), find).len(), 0);
        // A key the scan did not see is not assumed to be the default one.
        assert_eq!(applying(&on("arn:aws:kms:us-east-1:1:key/unseen"), find).len(), 0);
        assert_eq!(
            applying(&by_relation, find)
                .into_iter()
                .map(|c| c.id)
                .collect::<Vec<_>>(),
            ["default-key-ebs"]
        );
    }

    #[test]
    fn rds_default_key_caveat_fires_only_on_rds() {
        assert_eq!(
            ids(&res("arn:db", "rds:db").attr("encrypted", true)),
            ["default-key-rds"]
        );
        assert!(ids(&res("arn:db", "rds:db").attr("encrypted", false)).is_empty());
    }

    #[test]
    fn replication_wording_only_for_buckets_that_replicate() {
        assert_eq!(
            ids(&res("arn:aws:s3:::b", "s3:bucket").attr("replication", true)),
            ["bucket-has-replication"]
        );
        assert!(ids(&res("arn:aws:s3:::b", "s3:bucket").attr("replication", false)).is_empty());
        assert!(ids(&res("arn:vol-1", "ec2:volume").attr("replication", true)).is_empty());
    }

    #[test]
    fn public_ip_caveat_only_for_interfaces_with_one() {
        assert_eq!(
            ids(&res("arn:eni-1", "ec2:network-interface").attr("public_ip", "203.0.113.7")),
            ["public-ip-on-interface"]
        );
        assert!(ids(&res("arn:eni-2", "ec2:network-interface")).is_empty());
    }
}
