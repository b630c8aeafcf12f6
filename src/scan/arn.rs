//! ARN parsing and building. The Tagging API gives only ARNs and tags, so the service, type,
//! region and id of a resource seen only there come from its ARN.

/// The parts of an ARN the inventory records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArnParts {
    pub partition: String,
    pub service: String,
    /// `service:type`, e.g. `ec2:instance`, `rds:db`, `s3:bucket`.
    pub resource_type: String,
    /// `None` when the ARN has no region (S3, IAM, Route 53...).
    pub region: Option<String>,
    pub account: Option<String>,
    pub id: String,
}

/// Services whose ARNs carry a bare name with no type segment.
fn bare_type(service: &str) -> &'static str {
    match service {
        "s3" => "bucket",
        "sns" => "topic",
        "sqs" => "queue",
        _ => "resource",
    }
}

/// Parses `arn:partition:service:region:account:resource`, where the resource is `type/id`,
/// `type:id` or a bare id. Returns `None` for text that is not an ARN.
pub fn parse(arn: &str) -> Option<ArnParts> {
    let mut parts = arn.splitn(6, ':');
    if parts.next()? != "arn" {
        return None;
    }
    let partition = parts.next()?;
    let service = parts.next()?;
    let region = parts.next()?;
    let account = parts.next()?;
    let resource = parts.next()?;
    if partition.is_empty() || service.is_empty() || resource.is_empty() {
        return None;
    }
    let split = resource.find(['/', ':']);
    let (kind, id) = match split {
        Some(at) => (&resource[..at], &resource[at + 1..]),
        None => (bare_type(service), resource),
    };
    Some(ArnParts {
        partition: partition.to_owned(),
        service: service.to_owned(),
        resource_type: format!("{service}:{kind}"),
        region: (!region.is_empty()).then(|| region.to_owned()),
        account: (!account.is_empty()).then(|| account.to_owned()),
        id: id.to_owned(),
    })
}

/// The partition a region belongs to.
pub fn partition_of(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

/// `arn:aws:ec2:REGION:ACCOUNT:TYPE/ID`, the form the Tagging API returns for every EC2 type.
pub fn ec2(region: &str, account: &str, kind: &str, id: &str) -> String {
    format!("arn:{}:ec2:{region}:{account}:{kind}/{id}", partition_of(region))
}

/// `arn:aws:s3:::BUCKET`.
pub fn s3_bucket(partition: &str, name: &str) -> String {
    format!("arn:{partition}:s3:::{name}")
}

/// A KMS key id, alias or ARN as EC2 and S3 report it, as a key ARN when it names a key.
/// Aliases do not name a key, so they give `None`.
pub fn kms_key(region: &str, account: &str, key: &str) -> Option<String> {
    if key.starts_with("arn:") {
        return (!key.contains(":alias/")).then(|| key.to_owned());
    }
    if key.is_empty() || key.starts_with("alias/") {
        return None;
    }
    Some(format!("arn:{}:kms:{region}:{account}:key/{key}", partition_of(region)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_slash_colon_and_bare_resources() {
        let ec2 = parse("arn:aws:ec2:us-east-1:123456789012:instance/i-0abc").unwrap();
        assert_eq!(
            (ec2.resource_type.as_str(), ec2.id.as_str()),
            ("ec2:instance", "i-0abc")
        );
        assert_eq!(ec2.region.as_deref(), Some("us-east-1"));
        assert_eq!(ec2.account.as_deref(), Some("123456789012"));

        let rds = parse("arn:aws:rds:eu-west-1:123456789012:db:orders-prod").unwrap();
        assert_eq!((rds.resource_type.as_str(), rds.id.as_str()), ("rds:db", "orders-prod"));

        let bucket = parse("arn:aws:s3:::my-logs").unwrap();
        assert_eq!(
            (bucket.resource_type.as_str(), bucket.id.as_str()),
            ("s3:bucket", "my-logs")
        );
        assert_eq!(bucket.region, None);

        let lambda = parse("arn:aws:lambda:us-east-1:123456789012:function:resize:live").unwrap();
        assert_eq!(
            (lambda.resource_type.as_str(), lambda.id.as_str()),
            ("lambda:function", "resize:live")
        );

        let queue = parse("arn:aws-cn:sqs:cn-north-1:123456789012:jobs").unwrap();
        assert_eq!(queue.resource_type, "sqs:queue");
        assert_eq!(queue.partition, "aws-cn");
    }

    #[test]
    fn rejects_non_arns() {
        for bad in [
            "",
            "arn",
            "arn:aws",
            "i-0abc",
            "urn:aws:ec2:us-east-1:1:instance/i",
            "arn:aws:ec2:us-east-1:1:",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn builds_arns_in_the_right_partition() {
        assert_eq!(
            ec2("us-east-1", "1", "vpc", "vpc-1"),
            "arn:aws:ec2:us-east-1:1:vpc/vpc-1"
        );
        assert_eq!(
            ec2("cn-north-1", "1", "vpc", "vpc-1"),
            "arn:aws-cn:ec2:cn-north-1:1:vpc/vpc-1"
        );
        assert_eq!(
            ec2("us-gov-west-1", "1", "vpc", "v"),
            "arn:aws-us-gov:ec2:us-gov-west-1:1:vpc/v"
        );
    }

    #[test]
    fn kms_key_ids_become_arns_and_aliases_do_not() {
        assert_eq!(
            kms_key("eu-west-1", "1", "abcd").as_deref(),
            Some("arn:aws:kms:eu-west-1:1:key/abcd")
        );
        let arn = "arn:aws:kms:eu-west-1:1:key/abcd";
        assert_eq!(kms_key("us-east-1", "1", arn).as_deref(), Some(arn));
        assert_eq!(kms_key("us-east-1", "1", "alias/aws/ebs"), None);
        assert_eq!(kms_key("us-east-1", "1", "arn:aws:kms:us-east-1:1:alias/x"), None);
    }
}
