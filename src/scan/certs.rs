//! Certificates to their users: once every collector has run, each resource an ACM certificate
//! names in `in_use_by` (a load balancer, a CloudFront distribution...) and that the scan found
//! gets a `uses-certificate` relation to the certificate, so the plan sees the dependency from
//! the side that must move with it. Users the scan did not find stay in `in_use_by` only.

use std::collections::BTreeMap;

use crate::model::{Relation, Resource};

/// Adds the `uses-certificate` relations of every certificate in `resources`.
pub fn link_certificates(resources: &mut [Resource]) {
    let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for cert in resources.iter().filter(|r| r.resource_type == "acm:certificate") {
        for user in cert
            .attributes
            .get("in_use_by")
            .and_then(|v| v.as_array())
            .into_iter()
            .flatten()
        {
            if let Some(user) = user.as_str() {
                users.entry(user.to_owned()).or_default().push(cert.arn.clone());
            }
        }
    }
    for r in resources.iter_mut() {
        if let Some(certs) = users.get(&r.arn) {
            r.relations
                .extend(certs.iter().map(|c| Relation::new("uses-certificate", c.clone())));
            r.normalize();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{SortedMap, Source};

    fn res(arn: &str, kind: &str, attrs: serde_json::Value) -> Resource {
        Resource {
            arn: arn.to_owned(),
            service: kind.split(':').next().unwrap().to_owned(),
            resource_type: kind.to_owned(),
            region: None,
            id: arn.to_owned(),
            name: None,
            tags: SortedMap::new(),
            sources: vec![Source::Tagging],
            relations: vec![],
            attributes: serde_json::from_value(attrs).unwrap(),
        }
    }

    #[test]
    fn the_users_a_certificate_names_get_a_relation_to_it() {
        let cert = "arn:aws:acm:us-east-1:1:certificate/c1";
        let lb = "arn:aws:elasticloadbalancing:us-east-1:1:loadbalancer/app/web/1";
        let mut resources = vec![
            res(
                cert,
                "acm:certificate",
                serde_json::json!({"in_use_by": [lb, "arn:aws:cloudfront::1:distribution/GONE"]}),
            ),
            res(lb, "elasticloadbalancing:loadbalancer", serde_json::json!({})),
        ];
        link_certificates(&mut resources);
        assert_eq!(resources[1].related("uses-certificate").collect::<Vec<_>>(), [cert]);
        assert!(resources[0].relations.is_empty());
    }
}
