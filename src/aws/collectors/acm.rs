//! The ACM collector (per region): every certificate (`ListCertificates`, every page, every key
//! type: without `Includes.keyTypes` AWS lists only RSA_1024 and RSA_2048 certificates) and its
//! details (`DescribeCertificate`): domain names, status, type (imported, Amazon-issued or
//! private), validation method and DNS validation records, expiry, key algorithm, renewal
//! eligibility, and the resources that use it (`in_use_by`). Once every collector has run, the
//! scan gives each of those resources found in the inventory a `uses-certificate` relation to the
//! certificate (`scan::certs`). The certificate body and its private key are never read: no
//! `GetCertificate`, no `ExportCertificate`.
//!
//! CloudFront uses certificates of us-east-1 only: they are found when the scan includes
//! us-east-1.

use aws_sdk_acm::Client;
use aws_sdk_acm::types::{CertificateDetail, Filters, KeyAlgorithm};
use futures::future::BoxFuture;
use serde_json::json;

use super::common::{self, Ident, date, first_error};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action};

service_client!(aws_sdk_acm, "acm");

pub struct Acm;

const ACTIONS: &[Action] = &[
    action("ACM", "DescribeCertificate", "acm:DescribeCertificate"),
    action("ACM", "ListCertificates", "acm:ListCertificates"),
];

impl Collector<AwsScanSource> for Acm {
    fn name(&self) -> &'static str {
        "acm"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// Public ACM certificates cost nothing; private ones are billed to AWS Private CA, which
    /// has no collector.
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region).await })
    }
}

/// Every key type, so that `ListCertificates` lists them all.
fn every_key_type() -> Filters {
    let all = [
        KeyAlgorithm::Rsa1024,
        KeyAlgorithm::Rsa2048,
        KeyAlgorithm::Rsa3072,
        KeyAlgorithm::Rsa4096,
        KeyAlgorithm::EcPrime256v1,
        KeyAlgorithm::EcSecp384r1,
        KeyAlgorithm::EcSecp521r1,
    ];
    Filters::builder().set_key_types(Some(all.to_vec())).build()
}

/// Reads every certificate of one region with its details.
pub async fn collect(client: &Client, region: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut arns: Vec<(String, Option<String>)> = Vec::new();
    let (mut requests, error) = paginate!(
        client.list_certificates().includes(every_key_type()),
        "ListCertificates",
        region,
        |page| {
            arns.extend(
                page.certificate_summary_list()
                    .iter()
                    .filter_map(|c| Some((c.certificate_arn()?.to_owned(), c.domain_name().map(str::to_owned)))),
            );
        }
    );
    errors.extend(error);
    arns.sort();
    arns.dedup();
    let mut out = Vec::new();
    for (arn, domain) in &arns {
        requests += 1;
        match client.describe_certificate().certificate_arn(arn).send().await {
            Ok(found) => out.extend(found.certificate().and_then(|c| certificate(c, region))),
            Err(err) => {
                errors.push(ApiError::from_sdk("DescribeCertificate", region, err));
                // What the listing said, so the certificate is not lost.
                let listed = CertificateDetail::builder()
                    .certificate_arn(arn)
                    .set_domain_name(domain.clone())
                    .build();
                out.extend(certificate(&listed, region));
            }
        }
    }
    UnitResult {
        service: "acm",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// A certificate. Tags come from the Tagging API, which returns ACM certificates.
pub fn certificate(cert: &CertificateDetail, region: &str) -> Option<Resource> {
    let arn = cert.certificate_arn()?;
    let id = arn.rsplit('/').next().unwrap_or(arn);
    let mut names: Vec<&str> = cert.subject_alternative_names().iter().map(String::as_str).collect();
    names.sort_unstable();
    names.dedup();
    let mut in_use_by: Vec<&str> = cert.in_use_by().iter().map(String::as_str).collect();
    in_use_by.sort_unstable();
    in_use_by.dedup();
    let validations = cert.domain_validation_options();
    let mut methods: Vec<&str> = validations
        .iter()
        .filter_map(|v| v.validation_method().map(|m| m.as_str()))
        .collect();
    methods.sort_unstable();
    methods.dedup();
    let mut records: Vec<serde_json::Value> = validations
        .iter()
        .filter_map(|v| {
            let r = v.resource_record()?;
            Some(json!({"domain": v.domain_name(), "name": r.name(), "type": r.r#type().as_str(), "value": r.value()}))
        })
        .collect();
    records.sort_by_key(|r| r.to_string());
    records.dedup();
    let kind = cert.r#type().map(|t| t.as_str());
    let attrs = Attrs::default()
        .opt("domain_name", cert.domain_name())
        .set("subject_alternative_names", names)
        .opt("status", cert.status().map(|s| s.as_str()))
        .opt("type", kind)
        .opt("imported", kind.map(|k| k == "IMPORTED"))
        .opt("validation_method", (methods.len() == 1).then(|| methods[0]))
        .set("validation_records", records)
        .opt("expires", date(cert.not_after()))
        .opt("not_before", date(cert.not_before()))
        .opt("key_algorithm", cert.key_algorithm().map(|k| k.as_str()))
        .opt("issuer", cert.issuer())
        .opt("renewal_eligibility", cert.renewal_eligibility().map(|r| r.as_str()))
        .set("in_use", !in_use_by.is_empty())
        .set("in_use_by", in_use_by);
    let ident = Ident {
        arn,
        region,
        id,
        name: cert.domain_name(),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Acm,
        attrs,
        Vec::new(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_acm::types::{
        CertificateStatus, CertificateType, DomainStatus, DomainValidation, RecordType, ResourceRecord,
        ValidationMethod,
    };
    use aws_smithy_types::DateTime;

    const ARN: &str = "arn:aws:acm:us-east-1:111122223333:certificate/0a1b2c3d";

    fn issued() -> CertificateDetail {
        CertificateDetail::builder()
            .certificate_arn(ARN)
            .domain_name("example.com")
            .subject_alternative_names("www.example.com")
            .subject_alternative_names("example.com")
            .status(CertificateStatus::Issued)
            .r#type(CertificateType::AmazonIssued)
            .not_after(DateTime::from_secs(1_800_000_000))
            .key_algorithm(KeyAlgorithm::Rsa2048)
            .in_use_by("arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1")
            .in_use_by("arn:aws:cloudfront::111122223333:distribution/E1")
            .domain_validation_options(
                DomainValidation::builder()
                    .domain_name("example.com")
                    .validation_method(ValidationMethod::Dns)
                    .validation_status(DomainStatus::Success)
                    .resource_record(
                        ResourceRecord::builder()
                            .name("_abc.example.com.")
                            .r#type(RecordType::Cname)
                            .value("_def.acm-validations.aws.")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .build()
    }

    #[test]
    fn certificate_has_names_status_type_expiry_validation_and_users() {
        let res = certificate(&issued(), "us-east-1").unwrap();
        assert_eq!(res.resource_type, "acm:certificate");
        assert_eq!(res.service, "acm");
        assert_eq!(res.id, "0a1b2c3d");
        assert_eq!(res.name.as_deref(), Some("example.com"));
        assert_eq!(res.sources, vec![Source::Acm]);
        let a = &res.attributes;
        assert_eq!(
            a["subject_alternative_names"],
            json!(["example.com", "www.example.com"])
        );
        assert_eq!(a["status"], "ISSUED");
        assert_eq!(a["type"], "AMAZON_ISSUED");
        assert_eq!(a["imported"], false);
        assert_eq!(a["validation_method"], "DNS");
        assert_eq!(
            a["validation_records"],
            json!([{"domain": "example.com", "name": "_abc.example.com.", "type": "CNAME", "value": "_def.acm-validations.aws."}])
        );
        assert_eq!(a["expires"], "2027-01-15T08:00:00Z");
        assert_eq!(a["key_algorithm"], "RSA_2048");
        assert_eq!(a["in_use"], true);
        assert_eq!(
            a["in_use_by"],
            json!([
                "arn:aws:cloudfront::111122223333:distribution/E1",
                "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1"
            ])
        );
        assert!(res.relations.is_empty(), "the users carry the relation");
    }

    #[test]
    fn an_imported_unused_certificate_says_so() {
        let cert = CertificateDetail::builder()
            .certificate_arn(ARN)
            .domain_name("legacy.example.com")
            .status(CertificateStatus::Expired)
            .r#type(CertificateType::Imported)
            .build();
        let res = certificate(&cert, "us-east-1").unwrap();
        assert_eq!(res.attributes["imported"], true);
        assert_eq!(res.attributes["status"], "EXPIRED");
        assert_eq!(res.attributes["in_use"], false);
        assert!(!res.attributes.contains_key("validation_method"));
    }

    #[test]
    fn no_call_reads_the_certificate_body_or_its_key() {
        for action in ACTIONS {
            assert!(
                !matches!(action.operation, "GetCertificate" | "ExportCertificate"),
                "{}",
                action.iam_action
            );
        }
    }
}

/// moto answers `ListCertificates` in one page, so the second page, the key-type filter and a
/// denied `DescribeCertificate` (the listed certificate kept) are checked against a fake.
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn answer(call: &Call, deny_describe: bool) -> (u16, String) {
        match call.operation.as_str() {
            "ListCertificates" => {
                assert!(
                    call.body.contains("EC_secp521r1") && call.body.contains("RSA_4096"),
                    "{}",
                    call.body
                );
                let (n, next) = if call.second_page() {
                    (2, "")
                } else {
                    (1, r#","NextToken":"page2""#)
                };
                (
                    200,
                    format!(
                        r#"{{"CertificateSummaryList":[{{"CertificateArn":"arn:aws:acm:eu-west-1:111122223333:certificate/c{n}","DomainName":"c{n}.example.com"}}]{next}}}"#
                    ),
                )
            }
            "DescribeCertificate" if deny_describe => {
                (400, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned())
            }
            "DescribeCertificate" => {
                let arn = call.body.split('"').nth(3).unwrap().to_owned();
                (
                    200,
                    format!(
                        r#"{{"Certificate":{{"CertificateArn":"{arn}","DomainName":"x.example.com","Status":"ISSUED","Type":"IMPORTED"}}}}"#
                    ),
                )
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn certificates_are_listed_past_the_first_page_with_every_key_type() {
        let client = fake_client!(aws_sdk_acm, |call: &Call| answer(call, false));
        let result = fake::block_on(collect(&client, "eu-west-1"));
        assert!(result.error.is_none(), "{:?}", result.error);
        let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2"]);
        assert_eq!(result.requests, 2 + 2);
    }

    #[test]
    fn a_denied_describe_is_the_units_error() {
        let client = fake_client!(aws_sdk_acm, |call: &Call| answer(call, true));
        let result = fake::block_on(collect(&client, "eu-west-1"));
        let names: Vec<&str> = result.resources.iter().filter_map(|r| r.name.as_deref()).collect();
        assert_eq!(
            names,
            ["c1.example.com", "c2.example.com"],
            "the listed certificates are kept"
        );
        let err = result.error.unwrap();
        assert!(err.is_denied());
        assert_eq!(err.coverage_detail(), "DescribeCertificate: AccessDeniedException");
    }
}
