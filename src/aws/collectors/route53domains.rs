//! The Route 53 Domains collector (global; the API answers in us-east-1 only): every domain the
//! account registered (`ListDomains`, every page by `Marker`) with its expiry, auto-renew and
//! transfer lock; from `GetDomainDetail`, what the listing lacks: whether privacy protection is
//! on, the name servers, the EPP status codes, the creation date, the registrar and DNSSEC; and its
//! tags (`ListTagsForDomain`: a domain has no ARN, so the Tagging API cannot return it).
//!
//! `GetDomainDetail` also answers the registrant, administrative, technical and billing contacts
//! (names, addresses, email addresses, phone numbers): none of them is ever kept, nor the
//! registrar's abuse contact.
//!
//! A domain has no ARN in AWS: the Route 53 Developer Guide says domains do not support
//! resource-level permissions
//! (<https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/access-control-overview.html>, "ARNs
//! for Amazon Route 53 resources"), and the Service Authorization Reference lists no resource type
//! for Route 53 Domains
//! (<https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53domains.html>).
//! The inventory keys a domain by `arn:aws:route53domains:us-east-1:ACCOUNT:domain/NAME`, the
//! service's home region and the account that registered it: its type is then
//! `route53domains:domain`, like every other type's `service:type`. It is global (`region`
//! null), like a hosted zone.

use aws_sdk_route53domains::Client;
use aws_sdk_route53domains::operation::get_domain_detail::GetDomainDetailOutput;
use aws_sdk_route53domains::types::DomainSummary;
use futures::future::BoxFuture;

use super::common::{date, first_error, global_api_region, tag_map};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Resource, SortedMap, Source};
use crate::scan::dns::normalize;
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_route53domains, "route53domains");

pub struct Route53Domains;

const ACTIONS: &[Action] = &[
    action("Route 53 Domains", "GetDomainDetail", "route53domains:GetDomainDetail"),
    action("Route 53 Domains", "ListDomains", "route53domains:ListDomains"),
    action(
        "Route 53 Domains",
        "ListTagsForDomain",
        "route53domains:ListTagsForDomain",
    ),
];

impl Collector<AwsScanSource> for Route53Domains {
    fn name(&self) -> &'static str {
        "route53domains"
    }

    fn scope(&self) -> Scope {
        Scope::Global
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// Registration, renewal and transfer fees are billed by Amazon Registrar.
    fn billed_as(&self) -> &'static [&'static str] {
        &["Amazon Registrar"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let region = global_api_region(task.home);
            collect(&source.aws().client(region), region, task.account).await
        })
    }
}

/// What `GetDomainDetail` says of a domain, without its contacts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Detail {
    /// Whether privacy protection is on for every contact the answer reports.
    pub privacy_protection: Option<bool>,
    pub nameservers: Vec<String>,
    pub status_list: Vec<String>,
    pub created: Option<String>,
    pub expires: Option<String>,
    pub registrar: Option<String>,
    pub dnssec: Option<String>,
}

impl Detail {
    /// Keeps what the migration needs of the answer; the contacts are dropped here.
    pub fn from_sdk(d: &GetDomainDetailOutput) -> Detail {
        let flags = [
            d.admin_privacy(),
            d.registrant_privacy(),
            d.tech_privacy(),
            d.billing_privacy(),
        ];
        let known: Vec<bool> = flags.into_iter().flatten().collect();
        let mut nameservers: Vec<String> = d.nameservers().iter().map(|n| normalize(n.name())).collect();
        nameservers.sort();
        nameservers.dedup();
        let mut status_list = d.status_list().to_vec();
        status_list.sort();
        Detail {
            privacy_protection: (!known.is_empty()).then(|| known.iter().all(|p| *p)),
            nameservers,
            status_list,
            created: date(d.creation_date()),
            expires: date(d.expiration_date()),
            registrar: d.registrar_name().filter(|r| !r.is_empty()).map(str::to_owned),
            dnssec: d.dns_sec().filter(|s| !s.is_empty()).map(str::to_owned),
        }
    }
}

/// Reads every registered domain with its detail and tags.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut domains: Vec<DomainSummary> = Vec::new();
    let (mut requests, error) = paginate!(client.list_domains(), "ListDomains", region, |page| {
        domains.extend(page.domains().iter().cloned());
    });
    errors.extend(error);
    let mut out = Vec::new();
    for summary in &domains {
        let Some(name) = summary.domain_name() else { continue };
        requests += 1;
        let detail = match client.get_domain_detail().domain_name(name).send().await {
            Ok(answer) => Some(Detail::from_sdk(&answer)),
            Err(err) => {
                errors.push(ApiError::from_sdk("GetDomainDetail", region, err));
                None
            }
        };
        requests += 1;
        let tags = match client.list_tags_for_domain().domain_name(name).send().await {
            Ok(answer) => tag_map(answer.tag_list().iter().map(|t| (t.key(), t.value()))),
            Err(err) => {
                errors.push(ApiError::from_sdk("ListTagsForDomain", region, err));
                SortedMap::new()
            }
        };
        out.extend(domain(summary, detail.as_ref(), tags, region, account));
    }
    UnitResult {
        service: "route53domains",
        region: "global".to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// The inventory's key for a registered domain (see the module documentation).
pub fn domain_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:route53domains:{region}:{account}:domain/{name}",
        arn::partition_of(region)
    )
}

/// A registered domain; `detail` is `None` when `GetDomainDetail` failed.
pub fn domain(
    summary: &DomainSummary,
    detail: Option<&Detail>,
    tags: SortedMap<String>,
    region: &str,
    account: &str,
) -> Option<Resource> {
    let name = normalize(summary.domain_name()?);
    let expires = date(summary.expiry()).or_else(|| detail.and_then(|d| d.expires.clone()));
    let mut attrs = Attrs::default()
        .opt("expires", expires)
        .opt("auto_renew", summary.auto_renew())
        .opt("transfer_lock", summary.transfer_lock());
    if let Some(d) = detail {
        let on_route53 = !d.nameservers.is_empty() && d.nameservers.iter().all(|n| n.contains(".awsdns-"));
        attrs = attrs
            .opt("privacy_protection", d.privacy_protection)
            .set("nameservers", d.nameservers.clone())
            .set("route53_nameservers", on_route53)
            .set("status_list", d.status_list.clone())
            .opt("created", d.created.clone())
            .opt("registrar", d.registrar.clone())
            .opt("dnssec", d.dnssec.clone());
    }
    let mut resource = Resource {
        arn: domain_arn(region, account, &name),
        service: "route53domains".to_owned(),
        resource_type: "route53domains:domain".to_owned(),
        region: None,
        id: name.clone(),
        name: Some(tags.get("Name").cloned().unwrap_or(name)),
        tags,
        sources: vec![Source::Route53domains],
        relations: Vec::new(),
        attributes: attrs.into_map(),
    };
    resource.normalize();
    Some(resource)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_route53domains::types::{ContactDetail, ContactType, CountryCode, Nameserver};
    use aws_smithy_types::DateTime;

    const ACCOUNT: &str = "111122223333";

    fn summary() -> DomainSummary {
        DomainSummary::builder()
            .domain_name("Example.COM")
            .auto_renew(true)
            .transfer_lock(false)
            .expiry(DateTime::from_secs(1_800_000_000))
            .build()
    }

    fn contact() -> ContactDetail {
        ContactDetail::builder()
            .first_name("Contact-First-Not-Kept")
            .last_name("Contact-Last-Not-Kept")
            .contact_type(ContactType::Person)
            .email("registrant-not-kept@example.net")
            .phone_number("+1.5550100199")
            .address_line1("1 Not Kept Street")
            .city("Nowhere")
            .country_code(CountryCode::Us)
            .zip_code("99999")
            .build()
    }

    fn detail_output(privacy: [bool; 3]) -> GetDomainDetailOutput {
        GetDomainDetailOutput::builder()
            .domain_name("example.com")
            .nameservers(Nameserver::builder().name("ns-1.awsdns-01.org.").build().unwrap())
            .nameservers(Nameserver::builder().name("NS-2.awsdns-02.com").build().unwrap())
            .admin_contact(contact())
            .registrant_contact(contact())
            .tech_contact(contact())
            .billing_contact(contact())
            .admin_privacy(privacy[0])
            .registrant_privacy(privacy[1])
            .tech_privacy(privacy[2])
            .registrar_name("Amazon Registrar, Inc.")
            .abuse_contact_email("abuse-not-kept@example.net")
            .abuse_contact_phone("+1.5550100100")
            .creation_date(DateTime::from_secs(0))
            .status_list("serverTransferProhibited")
            .status_list("clientTransferProhibited")
            .dns_sec("DISABLED")
            .build()
    }

    #[test]
    fn domain_has_expiry_renewal_lock_privacy_and_name_servers_but_no_contact() {
        let detail = Detail::from_sdk(&detail_output([true, true, true]));
        let tags: SortedMap<String> = [("Environment".to_owned(), "prod".to_owned())].into_iter().collect();
        let res = domain(&summary(), Some(&detail), tags, "us-east-1", ACCOUNT).unwrap();
        assert_eq!(
            res.arn,
            "arn:aws:route53domains:us-east-1:111122223333:domain/example.com"
        );
        assert_eq!(res.resource_type, "route53domains:domain");
        assert_eq!(res.service, "route53domains");
        assert_eq!(res.region, None);
        assert_eq!(res.id, "example.com");
        assert_eq!(res.name.as_deref(), Some("example.com"));
        assert_eq!(res.tags["Environment"], "prod");
        assert_eq!(res.sources, vec![Source::Route53domains]);
        let a = &res.attributes;
        assert_eq!(a["expires"], "2027-01-15T08:00:00Z");
        assert_eq!(a["auto_renew"], true);
        assert_eq!(a["transfer_lock"], false);
        assert_eq!(a["privacy_protection"], true);
        assert_eq!(
            a["nameservers"],
            serde_json::json!(["ns-1.awsdns-01.org", "ns-2.awsdns-02.com"])
        );
        assert_eq!(a["route53_nameservers"], true);
        assert_eq!(
            a["status_list"],
            serde_json::json!(["clientTransferProhibited", "serverTransferProhibited"])
        );
        assert_eq!(a["created"], "1970-01-01T00:00:00Z");
        assert_eq!(a["registrar"], "Amazon Registrar, Inc.");
        assert_eq!(a["dnssec"], "DISABLED");
        let text = serde_json::to_string(&res).unwrap();
        for personal in ["Not-Kept", "not-kept", "Not Kept", "5550100", "Nowhere", "99999"] {
            assert!(!text.contains(personal), "{personal} reached the inventory: {text}");
        }
    }

    #[test]
    fn privacy_is_on_only_when_every_contact_is_protected_and_unread_detail_is_absent() {
        let partial = Detail::from_sdk(&detail_output([true, false, true]));
        assert_eq!(partial.privacy_protection, Some(false));
        let res = domain(&summary(), None, SortedMap::new(), "us-east-1", ACCOUNT).unwrap();
        for key in ["privacy_protection", "nameservers", "status_list", "registrar"] {
            assert!(!res.attributes.contains_key(key), "{key} was not read");
        }
        assert_eq!(res.attributes["auto_renew"], true, "the listing's facts are kept");
    }
}

/// moto pages `ListDomains` only when asked for fewer items than it holds, and the collector does
/// not ask; it has no `ListTagsForDomain` either. The second page, the tags and a denied detail
/// are read from a fake.
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn answer(call: &Call, deny_detail: bool) -> (u16, String) {
        let body = match call.operation.as_str() {
            "ListDomains" => {
                let (n, next) = if call.second_page() {
                    (2, "")
                } else {
                    (1, r#","NextPageMarker":"page2""#)
                };
                format!(
                    r#"{{"Domains":[{{"DomainName":"d{n}.example","AutoRenew":true,"TransferLock":true,"Expiry":1800000000}}]{next}}}"#
                )
            }
            "GetDomainDetail" if deny_detail => {
                return (400, r#"{"__type":"AccessDeniedException","message":"no"}"#.to_owned());
            }
            "GetDomainDetail" => r#"{"DomainName":"x","Nameservers":[{"Name":"ns-1.awsdns-01.org"}],
                "AdminContact":{"Email":"admin-not-kept@example.net"},"RegistrantContact":{},"TechContact":{},
                "AdminPrivacy":true,"RegistrantPrivacy":true,"TechPrivacy":true}"#
                .to_owned(),
            "ListTagsForDomain" => r#"{"TagList":[{"Key":"Environment","Value":"prod"}]}"#.to_owned(),
            other => panic!("unexpected {other}"),
        };
        (200, body)
    }

    #[test]
    fn domains_are_read_past_the_first_page_with_detail_and_tags() {
        let client = fake_client!(aws_sdk_route53domains, |call: &Call| answer(call, false));
        let result = fake::block_on(collect(&client, "us-east-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        assert_eq!(result.region, "global");
        let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["d1.example", "d2.example"]);
        for d in &result.resources {
            assert_eq!(d.tags["Environment"], "prod");
            assert_eq!(d.attributes["privacy_protection"], true);
            assert_eq!(d.attributes["transfer_lock"], true);
        }
        assert!(!serde_json::to_string(&result.resources).unwrap().contains("not-kept"));
        // ListDomains 2; per domain GetDomainDetail 1, ListTagsForDomain 1.
        assert_eq!(result.requests, 2 + 2 * 2);
    }

    #[test]
    fn a_denied_detail_keeps_the_listed_domains_and_is_the_units_error() {
        let client = fake_client!(aws_sdk_route53domains, |call: &Call| answer(call, true));
        let result = fake::block_on(collect(&client, "us-east-1", "111122223333"));
        assert_eq!(result.resources.len(), 2);
        assert!(result.resources.iter().all(|d| d.attributes["auto_renew"] == true));
        assert!(!result.resources[0].attributes.contains_key("privacy_protection"));
        let err = result.error.expect("the denied call is reported");
        assert!(err.is_denied(), "{err:?}");
        assert_eq!(err.coverage_detail(), "GetDomainDetail: AccessDeniedException");
    }
}
