//! The Classic Load Balancer collector (per region): every Classic Load Balancer
//! (`DescribeLoadBalancers` of the 2012-06-01 API) with its listeners (ports, protocols and the
//! certificate of each secure listener), subnets, security groups, health check target and its
//! registered instances, as `has-target` relations so the load balancer follows them. Tags come
//! from the Tagging API, which returns Classic Load Balancers too. The resource type is the one Application Load Balancers have
//! (`elasticloadbalancing:loadbalancer`, ARN `loadbalancer/NAME`); the `type` attribute says
//! `classic`.

use aws_sdk_elasticloadbalancing::Client;
use aws_sdk_elasticloadbalancing::types::LoadBalancerDescription;
use futures::future::BoxFuture;
use serde_json::json;

use super::common::{self, Ident, date, network_relations};
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_elasticloadbalancing, "elasticloadbalancing");

pub struct Elb;

const ACTIONS: &[Action] = &[action(
    "Elastic Load Balancing",
    "DescribeLoadBalancers",
    "elasticloadbalancing:DescribeLoadBalancers",
)];

impl Collector<AwsScanSource> for Elb {
    fn name(&self) -> &'static str {
        "elb"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    /// Billed under the same Cost Explorer services as the `elbv2` collector, which claims them.
    fn billed_as(&self) -> &'static [&'static str] {
        &[]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// Reads every Classic Load Balancer of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut out: Vec<Resource> = Vec::new();
    let (requests, error) = paginate!(
        client.describe_load_balancers().page_size(400),
        "DescribeLoadBalancers",
        region,
        |page| {
            out.extend(
                page.load_balancer_descriptions()
                    .iter()
                    .filter_map(|b| load_balancer(b, region, account)),
            );
        }
    );
    UnitResult {
        service: "elb",
        region: region.to_owned(),
        resources: out,
        requests,
        error,
    }
}

/// A Classic Load Balancer.
pub fn load_balancer(b: &LoadBalancerDescription, region: &str, account: &str) -> Option<Resource> {
    let name = b.load_balancer_name()?;
    let lb_arn = format!(
        "arn:{}:elasticloadbalancing:{region}:{account}:loadbalancer/{name}",
        arn::partition_of(region)
    );
    let mut relations = network_relations(
        region,
        account,
        b.subnets().iter().map(String::as_str),
        b.security_groups().iter().map(String::as_str),
    );
    relations.extend(
        b.vpc_id()
            .map(|v| Relation::new("in-vpc", arn::ec2(region, account, "vpc", v))),
    );
    let mut instances: Vec<&str> = b.instances().iter().filter_map(|i| i.instance_id()).collect();
    instances.sort_unstable();
    instances.dedup();
    relations.extend(
        instances
            .iter()
            .map(|id| Relation::new("has-target", arn::ec2(region, account, "instance", id))),
    );
    let mut listeners: Vec<serde_json::Value> = Vec::new();
    for l in b.listener_descriptions().iter().filter_map(|d| d.listener()) {
        let certificate = l.ssl_certificate_id().filter(|c| !c.is_empty());
        relations.extend(certificate.map(|c| Relation::new("uses-certificate", c)));
        listeners.push(json!({
            "port": l.load_balancer_port(),
            "protocol": l.protocol(),
            "instance_port": l.instance_port(),
            "instance_protocol": l.instance_protocol(),
            "certificate": certificate,
        }));
    }
    listeners.sort_by_key(|l| (l["port"].as_i64(), l["protocol"].to_string()));
    let mut subnets: Vec<&str> = b.subnets().iter().map(String::as_str).collect();
    subnets.sort_unstable();
    let attrs = Attrs::default()
        .set("type", "classic")
        .opt("scheme", b.scheme())
        .opt("dns_name", b.dns_name())
        .opt("canonical_hosted_zone_id", b.canonical_hosted_zone_name_id())
        .opt("vpc_id", b.vpc_id())
        .opt("created", date(b.created_time()))
        .opt("health_check", b.health_check().map(|h| h.target()))
        .set("subnets", subnets)
        .set("instances", instances.len())
        .set("listeners", listeners);
    let ident = Ident {
        arn: &lb_arn,
        region,
        id: name,
        name: Some(name),
    };
    Some(common::resource(ident, SortedMap::new(), Source::Elb, attrs, relations))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancing::types::{HealthCheck, Instance, Listener, ListenerDescription};

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";
    const CERT: &str = "arn:aws:iam::111122223333:server-certificate/legacy-web";

    fn ec2(kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:eu-west-1:111122223333:{kind}/{id}")
    }

    fn listener(port: i32, protocol: &str, certificate: Option<&str>) -> ListenerDescription {
        let l = Listener::builder()
            .protocol(protocol)
            .load_balancer_port(port)
            .instance_protocol("HTTP")
            .instance_port(8080)
            .set_ssl_certificate_id(certificate.map(str::to_owned))
            .build()
            .unwrap();
        ListenerDescription::builder().listener(l).build()
    }

    fn classic() -> LoadBalancerDescription {
        LoadBalancerDescription::builder()
            .load_balancer_name("legacy-web")
            .dns_name("legacy-web-1.eu-west-1.elb.amazonaws.com")
            .canonical_hosted_zone_name_id("Z32O12XQLNTSW2")
            .scheme("internet-facing")
            .vpc_id("vpc-1")
            .subnets("subnet-b")
            .subnets("subnet-a")
            .security_groups("sg-1")
            .instances(Instance::builder().instance_id("i-2").build())
            .instances(Instance::builder().instance_id("i-1").build())
            .listener_descriptions(listener(443, "HTTPS", Some(CERT)))
            .listener_descriptions(listener(80, "HTTP", None))
            .health_check(
                HealthCheck::builder()
                    .target("HTTP:8080/health")
                    .interval(30)
                    .timeout(5)
                    .unhealthy_threshold(2)
                    .healthy_threshold(3)
                    .build()
                    .unwrap(),
            )
            .build()
    }

    #[test]
    fn a_classic_load_balancer_has_its_instances_network_listeners_and_certificate() {
        let res = load_balancer(&classic(), REGION, ACCOUNT).unwrap();
        assert_eq!(
            res.arn,
            "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/legacy-web"
        );
        assert_eq!(res.resource_type, "elasticloadbalancing:loadbalancer");
        assert_eq!(res.sources, vec![Source::Elb]);
        let rels: Vec<(&str, String)> = res.relations.iter().map(|r| (r.kind.as_str(), r.arn.clone())).collect();
        assert_eq!(
            rels,
            vec![
                ("has-security-group", ec2("security-group", "sg-1")),
                ("has-target", ec2("instance", "i-1")),
                ("has-target", ec2("instance", "i-2")),
                ("in-subnet", ec2("subnet", "subnet-a")),
                ("in-subnet", ec2("subnet", "subnet-b")),
                ("in-vpc", ec2("vpc", "vpc-1")),
                ("uses-certificate", CERT.to_owned()),
            ]
        );
        assert_eq!(res.attributes["type"], "classic");
        assert_eq!(res.attributes["dns_name"], "legacy-web-1.eu-west-1.elb.amazonaws.com");
        assert_eq!(res.attributes["instances"], 2);
        assert_eq!(res.attributes["health_check"], "HTTP:8080/health");
        assert_eq!(
            res.attributes["listeners"],
            json!([
                {"port": 80, "protocol": "HTTP", "instance_port": 8080, "instance_protocol": "HTTP", "certificate": null},
                {"port": 443, "protocol": "HTTPS", "instance_port": 8080, "instance_protocol": "HTTP", "certificate": CERT},
            ])
        );
    }
}

/// moto answers `DescribeLoadBalancers` in one page, so the second page is read from a fake.
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    /// Load balancers a page.
    const PER_PAGE: usize = 12;

    fn xml(operation: &str, result: &str) -> String {
        format!(
            "<{operation}Response xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2012-06-01/\">\
             <{operation}Result>{result}</{operation}Result>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{operation}Response>"
        )
    }

    fn answer(call: &Call) -> (u16, String) {
        let second = call.second_page();
        let n = if second { 2 } else { 1 };
        let op = call.operation.as_str();
        let body = match op {
            "DescribeLoadBalancers" => {
                let marker = if second { "" } else { "<NextMarker>page2</NextMarker>" };
                let members: String = (0..PER_PAGE)
                    .map(|k| format!("<member><LoadBalancerName>clb{n}-{k:02}</LoadBalancerName></member>"))
                    .collect();
                xml(
                    op,
                    &format!("<LoadBalancerDescriptions>{members}</LoadBalancerDescriptions>{marker}"),
                )
            }
            other => panic!("unexpected {other}"),
        };
        (200, body)
    }

    #[test]
    fn the_second_page_is_read() {
        let client = fake_client!(aws_sdk_elasticloadbalancing, answer);
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        assert_eq!(result.resources.len(), 2 * PER_PAGE);
        assert!(result.resources.iter().any(|r| r.id == "clb2-11"));
        assert_eq!(result.requests, 2);
    }
}
