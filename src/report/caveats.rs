//! Caveats a move step prints for one resource: each is one predicate over the resource's own
//! scanned attributes, so a caveat appears only where it is true (the default-key caveat only
//! on what is encrypted with an AWS-managed key, replication wording only on buckets).

use crate::model::Resource;

/// One caveat: when it applies, and what it says.
pub struct Caveat {
    /// A stable name, for tests and `docs/workloads.md`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub id: &'static str,
    pub applies: fn(&Resource) -> bool,
    pub text: &'static str,
}

/// Encrypted, with no key named or an `aws/...` alias: the default AWS-managed key.
fn on_default_key(r: &Resource) -> bool {
    r.attr_bool("encrypted") == Some(true)
        && match r.attr_str("kms_key_id") {
            None | Some("") => true,
            Some(key) => key.contains("alias/aws/"),
        }
}

/// Every caveat, in the order a step prints them.
pub const CAVEATS: &[Caveat] = &[
    Caveat {
        id: "default-key-ebs",
        applies: |r| {
            matches!(r.resource_type.as_str(), "ec2:volume" | "ec2:snapshot" | "ec2:image") && on_default_key(r)
        },
        text: "encrypted with the default AWS-managed key (`aws/ebs`), which cannot be shared: copy it under a \
               customer-managed key the target may use, and share that copy.",
    },
    Caveat {
        id: "default-key-rds",
        applies: |r| r.resource_type.starts_with("rds:") && on_default_key(r),
        text: "encrypted with the default `aws/rds` key: copy the snapshot under a customer-managed key before \
               sharing it.",
    },
    Caveat {
        id: "bucket-has-replication",
        applies: |r| r.resource_type == "s3:bucket" && r.attr_bool("replication") == Some(true),
        text: "it already replicates: add the new rule beside the existing ones rather than replace them.",
    },
    Caveat {
        id: "public-ip-on-interface",
        applies: |r| {
            r.resource_type == "ec2:network-interface" && r.attr_str("public_ip").is_some_and(|ip| !ip.is_empty())
        },
        text: "it has a public IP that changes with the new interface unless it is an Elastic IP: update DNS and \
               allow-lists at cutover.",
    },
];

/// The caveats that apply to a resource.
pub fn applying(r: &Resource) -> impl Iterator<Item = &'static Caveat> + '_ {
    CAVEATS.iter().filter(move |c| (c.applies)(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::build::*;

    fn ids(r: &Resource) -> Vec<&'static str> {
        applying(r).map(|c| c.id).collect()
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
