//! The CloudFront collector (global; the API answers from us-east-1): every distribution
//! (`ListDistributions`, every page by `Marker`) with its CloudFront domain name (`domain_name`,
//! which the Route 53 records that point at it are linked by, `scan::dns`), its alternate domain
//! names, whether it is enabled, its price class, its origins, its viewer certificate and its WAF
//! web ACL.
//!
//! Relations: `has-origin` to the bucket an S3 origin names (`BUCKET.s3.amazonaws.com`,
//! `BUCKET.s3.REGION.amazonaws.com`, a website endpoint), and, once every collector has run, to
//! the load balancer whose `dns_name` a custom origin names (`scan::dns::link_origins`);
//! `uses-certificate` to its ACM certificate; `uses-web-acl` to its web ACL when that is an ARN
//! (AWS WAF); a WAF Classic web ACL is an id and stays an attribute. Origin custom headers are
//! never kept: they often carry a shared secret the origin checks.
//!
//! Tags come from the Tagging API, which returns distributions (AWS's from us-east-1 only, as
//! for every global service; moto's from every region).

use aws_sdk_cloudfront::Client;
use aws_sdk_cloudfront::types::{DistributionSummary, Origin};
use futures::future::BoxFuture;
use serde_json::json;

use super::common::{date, first_error, global_api_region};
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::dns::{bucket_of_endpoint, normalize};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_cloudfront, "cloudfront");

pub struct CloudFront;

const ACTIONS: &[Action] = &[action(
    "CloudFront",
    "ListDistributions",
    "cloudfront:ListDistributions",
)];

impl Collector<AwsScanSource> for CloudFront {
    fn name(&self) -> &'static str {
        "cloudfront"
    }

    fn scope(&self) -> Scope {
        Scope::Global
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon CloudFront"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let region = global_api_region(task.home);
            collect(&source.aws().client(region), region).await
        })
    }
}

/// Reads every distribution.
pub async fn collect(client: &Client, region: &str) -> UnitResult {
    let mut out: Vec<Resource> = Vec::new();
    let (requests, error) = paginate!(client.list_distributions(), "ListDistributions", region, |page| {
        let items = page.distribution_list().map(|l| l.items()).unwrap_or_default();
        out.extend(items.iter().filter_map(|d| distribution(d, region)));
    });
    UnitResult {
        service: "cloudfront",
        region: "global".to_owned(),
        resources: out,
        requests,
        error: first_error(error.into_iter().collect()),
    }
}

/// What kind of origin an origin is: `s3` (an S3 origin configuration), `vpc` (a VPC origin)
/// or `custom` (anything else: a load balancer, a website endpoint, a server).
fn origin_kind(origin: &Origin) -> &'static str {
    if origin.s3_origin_config().is_some() {
        "s3"
    } else if origin.vpc_origin_config().is_some() {
        "vpc"
    } else {
        "custom"
    }
}

/// A distribution; `region` is where the API answered (the partition of the ARNs it builds).
pub fn distribution(d: &DistributionSummary, region: &str) -> Option<Resource> {
    if d.arn().is_empty() {
        return None;
    }
    let partition = arn::partition_of(region);
    let mut relations: Vec<Relation> = Vec::new();
    let mut origins: Vec<serde_json::Value> = Vec::new();
    for origin in d.origins().map(|o| o.items()).unwrap_or_default() {
        let domain = normalize(origin.domain_name());
        if let Some(bucket) = bucket_of_endpoint(&domain) {
            relations.push(Relation::new("has-origin", arn::s3_bucket(partition, bucket)));
        }
        let mut entry = json!({"id": origin.id(), "domain_name": domain, "kind": origin_kind(origin)});
        if let Some(path) = origin.origin_path().filter(|p| !p.is_empty()) {
            entry["path"] = path.into();
        }
        origins.push(entry);
    }
    origins.sort_by(|a, b| a["id"].as_str().cmp(&b["id"].as_str()));
    let mut aliases: Vec<String> = d
        .aliases()
        .map(|a| a.items().iter().map(|n| normalize(n)).collect())
        .unwrap_or_default();
    aliases.sort();
    aliases.dedup();
    let cert = d.viewer_certificate();
    let acm = cert.and_then(|c| c.acm_certificate_arn()).filter(|a| !a.is_empty());
    relations.extend(acm.map(|a| Relation::new("uses-certificate", a)));
    let certificate_source = match cert {
        _ if acm.is_some() => "acm",
        Some(c) if c.iam_certificate_id().is_some_and(|i| !i.is_empty()) => "iam",
        _ => "cloudfront",
    };
    let web_acl = Some(d.web_acl_id()).filter(|w| !w.is_empty());
    relations.extend(
        web_acl
            .filter(|w| w.starts_with("arn:"))
            .map(|w| Relation::new("uses-web-acl", w)),
    );
    let attrs = Attrs::default()
        .set("domain_name", normalize(d.domain_name()))
        .set("aliases", aliases)
        .set("enabled", d.enabled())
        .set("status", d.status())
        .set("price_class", d.price_class().as_str())
        .set("http_version", d.http_version().as_str())
        .set("ipv6_enabled", d.is_ipv6_enabled())
        .set("staging", d.staging())
        .set("origins", origins)
        .set("origin_groups", d.origin_groups().map_or(0, |g| g.quantity()))
        .set("certificate_source", certificate_source)
        .opt("acm_certificate_arn", acm)
        .opt(
            "iam_certificate_id",
            cert.and_then(|c| c.iam_certificate_id()).filter(|i| !i.is_empty()),
        )
        .opt(
            "minimum_protocol_version",
            cert.and_then(|c| c.minimum_protocol_version()).map(|v| v.as_str()),
        )
        .opt("web_acl_id", web_acl)
        .opt("comment", Some(d.comment()).filter(|c| !c.is_empty()))
        .opt("last_modified", date(Some(d.last_modified_time())));
    let mut resource = Resource {
        arn: d.arn().to_owned(),
        service: "cloudfront".to_owned(),
        resource_type: "cloudfront:distribution".to_owned(),
        region: None,
        id: d.id().to_owned(),
        name: None,
        tags: SortedMap::new(),
        sources: vec![Source::Cloudfront],
        relations,
        attributes: attrs.into_map(),
    };
    resource.normalize();
    Some(resource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_cloudfront::types::{
        Aliases, CustomHeaders, CustomOriginConfig, HttpVersion, MinimumProtocolVersion, OriginCustomHeader,
        OriginProtocolPolicy, Origins, PriceClass, S3OriginConfig, ViewerCertificate,
    };
    use aws_smithy_types::DateTime;

    const ARN: &str = "arn:aws:cloudfront::111122223333:distribution/E2QWRUHEXAMPLE";
    const CERT: &str = "arn:aws:acm:us-east-1:111122223333:certificate/c1";
    const ACL: &str = "arn:aws:wafv2:us-east-1:111122223333:global/webacl/edge/a1";

    fn s3_origin(id: &str, domain: &str) -> Origin {
        Origin::builder()
            .id(id)
            .domain_name(domain)
            .s3_origin_config(S3OriginConfig::builder().origin_access_identity("").build())
            .build()
            .unwrap()
    }

    fn lb_origin() -> Origin {
        Origin::builder()
            .id("api")
            .domain_name("web-123.eu-west-1.elb.amazonaws.com")
            .origin_path("/v1")
            .custom_headers(
                CustomHeaders::builder()
                    .quantity(1)
                    .items(
                        OriginCustomHeader::builder()
                            .header_name("X-Origin-Secret")
                            .header_value("header-secret-not-kept")
                            .build()
                            .unwrap(),
                    )
                    .build()
                    .unwrap(),
            )
            .custom_origin_config(
                CustomOriginConfig::builder()
                    .http_port(80)
                    .https_port(443)
                    .origin_protocol_policy(OriginProtocolPolicy::HttpsOnly)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    }

    fn summary(cert: ViewerCertificate, web_acl: &str) -> DistributionSummary {
        DistributionSummary::builder()
            .id("E2QWRUHEXAMPLE")
            .arn(ARN)
            .status("Deployed")
            .last_modified_time(DateTime::from_secs(0))
            .domain_name("D111111ABCDEF8.cloudfront.net")
            .aliases(
                Aliases::builder()
                    .quantity(2)
                    .items("www.example.com")
                    .items("cdn.example.com")
                    .build()
                    .unwrap(),
            )
            .origins(
                Origins::builder()
                    .quantity(3)
                    .items(s3_origin("assets", "assets-bucket.s3.amazonaws.com"))
                    .items(s3_origin("media", "media-bucket.s3.eu-west-1.amazonaws.com"))
                    .items(lb_origin())
                    .build()
                    .unwrap(),
            )
            .comment("main site")
            .price_class(PriceClass::PriceClass100)
            .enabled(true)
            .viewer_certificate(cert)
            .web_acl_id(web_acl)
            .http_version(HttpVersion::Http2)
            .is_ipv6_enabled(true)
            .staging(false)
            .build()
            .unwrap()
    }

    fn acm_cert() -> ViewerCertificate {
        ViewerCertificate::builder()
            .acm_certificate_arn(CERT)
            .minimum_protocol_version(MinimumProtocolVersion::TlSv122021)
            .build()
    }

    #[test]
    fn distribution_has_domain_aliases_origins_certificate_and_web_acl() {
        let res = distribution(&summary(acm_cert(), ACL), "us-east-1").unwrap();
        assert_eq!(res.arn, ARN);
        assert_eq!(res.resource_type, "cloudfront:distribution");
        assert_eq!(res.service, "cloudfront");
        assert_eq!(res.region, None);
        assert_eq!(res.id, "E2QWRUHEXAMPLE");
        assert_eq!(res.sources, vec![Source::Cloudfront]);
        let a = &res.attributes;
        assert_eq!(a["domain_name"], "d111111abcdef8.cloudfront.net");
        assert_eq!(a["aliases"], json!(["cdn.example.com", "www.example.com"]));
        assert_eq!(a["enabled"], true);
        assert_eq!(a["price_class"], "PriceClass_100");
        assert_eq!(a["certificate_source"], "acm");
        assert_eq!(a["acm_certificate_arn"], CERT);
        assert_eq!(a["minimum_protocol_version"], "TLSv1.2_2021");
        assert_eq!(a["web_acl_id"], ACL);
        assert_eq!(a["comment"], "main site");
        assert_eq!(
            a["origins"],
            json!([
                {"id": "api", "domain_name": "web-123.eu-west-1.elb.amazonaws.com", "kind": "custom", "path": "/v1"},
                {"id": "assets", "domain_name": "assets-bucket.s3.amazonaws.com", "kind": "s3"},
                {"id": "media", "domain_name": "media-bucket.s3.eu-west-1.amazonaws.com", "kind": "s3"},
            ])
        );
        assert_eq!(
            res.related("has-origin").collect::<Vec<_>>(),
            ["arn:aws:s3:::assets-bucket", "arn:aws:s3:::media-bucket"],
            "the load balancer origin is linked after the scan, by its DNS name"
        );
        assert_eq!(res.related("uses-certificate").collect::<Vec<_>>(), [CERT]);
        assert_eq!(res.related("uses-web-acl").collect::<Vec<_>>(), [ACL]);
        assert_eq!(res.relations.len(), 4);
        let text = serde_json::to_string(&res).unwrap();
        assert!(
            !text.contains("header-secret-not-kept"),
            "an origin header value was kept"
        );
        assert!(!text.contains("X-Origin-Secret"), "an origin header name was kept");
    }

    #[test]
    fn the_default_certificate_and_a_classic_web_acl_id_give_no_relation() {
        let default_cert = ViewerCertificate::builder()
            .cloud_front_default_certificate(true)
            .build();
        let res = distribution(
            &summary(default_cert, "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111"),
            "us-east-1",
        )
        .unwrap();
        assert_eq!(res.attributes["certificate_source"], "cloudfront");
        assert!(!res.attributes.contains_key("acm_certificate_arn"));
        assert_eq!(res.attributes["web_acl_id"], "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111");
        assert_eq!(res.related("uses-certificate").count(), 0);
        assert_eq!(res.related("uses-web-acl").count(), 0);

        let res = distribution(&summary(ViewerCertificate::builder().build(), ""), "us-east-1").unwrap();
        assert!(!res.attributes.contains_key("web_acl_id"), "no web ACL");
    }
}

/// moto pages `ListDistributions` only when asked for fewer items than it holds, and the
/// collector does not ask: the second page, and a denied listing, are read from a fake.
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    const NS: &str = r#"xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/""#;

    fn summary_xml(n: usize) -> String {
        format!(
            "<DistributionSummary><Id>E{n}</Id><ARN>arn:aws:cloudfront::111122223333:distribution/E{n}</ARN>\
             <Status>Deployed</Status><LastModifiedTime>2024-01-01T00:00:00Z</LastModifiedTime>\
             <DomainName>d{n}.cloudfront.net</DomainName><Aliases><Quantity>0</Quantity></Aliases>\
             <Origins><Quantity>1</Quantity><Items><Origin><Id>o</Id><DomainName>b{n}.s3.amazonaws.com</DomainName>\
             <S3OriginConfig><OriginAccessIdentity></OriginAccessIdentity></S3OriginConfig></Origin></Items></Origins>\
             <Comment></Comment><PriceClass>PriceClass_All</PriceClass><Enabled>true</Enabled>\
             <WebACLId></WebACLId><HttpVersion>http2</HttpVersion><IsIPV6Enabled>true</IsIPV6Enabled>\
             <Staging>false</Staging></DistributionSummary>"
        )
    }

    fn answer(call: &Call) -> (u16, String) {
        let op = call.operation.as_str();
        assert!(
            op.starts_with("GET ") && op.contains("/2020-05-31/distribution"),
            "unexpected {op}"
        );
        let (item, tail) = if op.contains("Marker=page2") {
            (summary_xml(2), "<IsTruncated>false</IsTruncated>")
        } else {
            (
                summary_xml(1),
                "<IsTruncated>true</IsTruncated><NextMarker>page2</NextMarker>",
            )
        };
        (
            200,
            format!(
                "<DistributionList {NS}><Marker></Marker>{tail}<MaxItems>1</MaxItems><Quantity>1</Quantity><Items>{item}</Items></DistributionList>"
            ),
        )
    }

    #[test]
    fn distributions_are_read_past_the_first_page() {
        let client = fake_client!(aws_sdk_cloudfront, answer);
        let result = fake::block_on(collect(&client, "us-east-1"));
        assert!(result.error.is_none(), "{:?}", result.error);
        assert_eq!(result.region, "global");
        let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["E1", "E2"]);
        assert_eq!(
            result.resources[1].related("has-origin").collect::<Vec<_>>(),
            ["arn:aws:s3:::b2"]
        );
        assert_eq!(result.requests, 2);
    }

    #[test]
    fn a_denied_listing_is_the_units_error() {
        let client = fake_client!(aws_sdk_cloudfront, |_: &Call| {
            (
                403,
                format!(
                    "<ErrorResponse {NS}><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>"
                ),
            )
        });
        let result = fake::block_on(collect(&client, "us-east-1"));
        assert!(result.resources.is_empty());
        let err = result.error.expect("the denied listing is reported");
        assert!(err.is_denied(), "{err:?}");
        assert_eq!(err.coverage_detail(), "ListDistributions: AccessDenied");
    }
}
