//! The Elastic Load Balancing v2 collector (per region): Application, Network and Gateway Load
//! Balancers (`DescribeLoadBalancers`) with their listeners (`DescribeListeners`: port,
//! protocol, certificates and the target groups their default actions forward to), and target
//! groups (`DescribeTargetGroups`) with their registered targets (`DescribeTargetHealth`: only
//! which targets, not their health, which changes from one scan to the next). Tags come from the
//! Tagging API, which returns load balancers and target groups (AWS's and moto's).
//!
//! Relations point from what is reached to what it reaches, so a load balancer can follow its
//! targets (`rules/default.toml`): a load balancer `forwards-to` each target group a listener
//! forwards to or that names it (listener rules are not read; a target group lists its load
//! balancers), and a target group `has-target` for each registered instance, function or load
//! balancer. IP targets stay in the `targets` attribute.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types::{Action as LbAction, Listener, LoadBalancer, TargetGroup, TargetTypeEnum};
use futures::future::BoxFuture;
use serde_json::json;

use super::common::{self, Ident, date, first_error, network_relations};
use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, SortedMap, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_elasticloadbalancingv2, "elasticloadbalancing");

pub struct Elbv2;

const ACTIONS: &[Action] = &[
    action(
        "Elastic Load Balancing v2",
        "DescribeListeners",
        "elasticloadbalancing:DescribeListeners",
    ),
    action(
        "Elastic Load Balancing v2",
        "DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    ),
    action(
        "Elastic Load Balancing v2",
        "DescribeTargetGroups",
        "elasticloadbalancing:DescribeTargetGroups",
    ),
    action(
        "Elastic Load Balancing v2",
        "DescribeTargetHealth",
        "elasticloadbalancing:DescribeTargetHealth",
    ),
];

impl Collector<AwsScanSource> for Elbv2 {
    fn name(&self) -> &'static str {
        "elbv2"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        &["Elastic Load Balancing", "Amazon Elastic Load Balancing"]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move { collect(&source.aws().client(task.region), task.region, task.account).await })
    }
}

/// A registered target: its id (instance id, IP address, function or load balancer ARN) and
/// port.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Target {
    pub id: String,
    pub port: Option<i32>,
}

/// Reads every load balancer and target group of one region.
pub async fn collect(client: &Client, region: &str, account: &str) -> UnitResult {
    let mut errors: Vec<ApiError> = Vec::new();
    let mut balancers: Vec<LoadBalancer> = Vec::new();
    let (mut requests, error) = paginate!(
        client.describe_load_balancers().page_size(400),
        "DescribeLoadBalancers",
        region,
        |page| {
            balancers.extend(page.load_balancers().iter().cloned());
        }
    );
    errors.extend(error);
    let mut groups: Vec<TargetGroup> = Vec::new();
    let (n, error) = paginate!(
        client.describe_target_groups().page_size(400),
        "DescribeTargetGroups",
        region,
        |page| {
            groups.extend(page.target_groups().iter().cloned());
        }
    );
    requests += n;
    errors.extend(error);

    let mut listeners: BTreeMap<String, Vec<Listener>> = BTreeMap::new();
    for lb in balancers.iter().filter_map(LoadBalancer::load_balancer_arn) {
        let found = listeners.entry(lb.to_owned()).or_default();
        let (n, error) = paginate!(
            client.describe_listeners().load_balancer_arn(lb),
            "DescribeListeners",
            region,
            |page| {
                found.extend(page.listeners().iter().cloned());
            }
        );
        requests += n;
        errors.extend(error);
    }
    let mut targets: BTreeMap<String, Vec<Target>> = BTreeMap::new();
    for tg in groups.iter().filter_map(TargetGroup::target_group_arn) {
        requests += 1;
        match client.describe_target_health().target_group_arn(tg).send().await {
            Ok(found) => {
                let list = found
                    .target_health_descriptions()
                    .iter()
                    .filter_map(|d| d.target())
                    .filter_map(|t| {
                        Some(Target {
                            id: t.id()?.to_owned(),
                            port: t.port(),
                        })
                    });
                targets.insert(tg.to_owned(), list.collect());
            }
            Err(err) => errors.push(ApiError::from_sdk("DescribeTargetHealth", region, err)),
        }
    }

    let cx = Ctx { region, account };
    let mut out: Vec<Resource> = Vec::new();
    for lb in &balancers {
        let Some(lb_arn) = lb.load_balancer_arn() else { continue };
        let listened = listeners.get(lb_arn).map(Vec::as_slice).unwrap_or_default();
        let named_by: Vec<&str> = groups
            .iter()
            .filter(|g| g.load_balancer_arns().iter().any(|a| a == lb_arn))
            .filter_map(TargetGroup::target_group_arn)
            .collect();
        out.extend(load_balancer(&cx, lb, listened, &named_by));
    }
    for g in &groups {
        let Some(tg_arn) = g.target_group_arn() else { continue };
        let registered = targets.get(tg_arn).map(Vec::as_slice);
        out.extend(target_group(&cx, g, registered));
    }
    UnitResult {
        service: "elbv2",
        region: region.to_owned(),
        resources: out,
        requests,
        error: first_error(errors),
    }
}

/// The region and account every resource of one unit shares.
pub struct Ctx<'a> {
    pub region: &'a str,
    pub account: &'a str,
}

/// The target groups an action forwards to: its own `TargetGroupArn` and those of its forward
/// configuration (weighted target groups).
fn forwarded(action: &LbAction) -> impl Iterator<Item = &str> {
    let weighted = action
        .forward_config()
        .into_iter()
        .flat_map(|f| f.target_groups())
        .filter_map(|t| t.target_group_arn());
    action.target_group_arn().into_iter().chain(weighted)
}

/// One listener as the load balancer records it.
fn listener(l: &Listener) -> serde_json::Value {
    let mut certificates: Vec<&str> = l.certificates().iter().filter_map(|c| c.certificate_arn()).collect();
    certificates.sort_unstable();
    certificates.dedup();
    let mut groups: Vec<&str> = l.default_actions().iter().flat_map(forwarded).collect();
    groups.sort_unstable();
    groups.dedup();
    let mut actions: Vec<&str> = l
        .default_actions()
        .iter()
        .filter_map(|a| a.r#type().map(|t| t.as_str()))
        .collect();
    actions.sort_unstable();
    json!({
        "port": l.port(),
        "protocol": l.protocol().map(|p| p.as_str()),
        "ssl_policy": l.ssl_policy(),
        "certificates": certificates,
        "default_actions": actions,
        "target_groups": groups,
    })
}

/// A load balancer with its `listeners` and the target groups that name it (`named_by`).
pub fn load_balancer(cx: &Ctx<'_>, lb: &LoadBalancer, listeners: &[Listener], named_by: &[&str]) -> Option<Resource> {
    let lb_arn = lb.load_balancer_arn()?;
    let (region, account) = (cx.region, cx.account);
    let subnets: Vec<&str> = lb.availability_zones().iter().filter_map(|z| z.subnet_id()).collect();
    let mut relations = network_relations(
        region,
        account,
        subnets.iter().copied(),
        lb.security_groups().iter().map(String::as_str),
    );
    relations.extend(
        lb.vpc_id()
            .map(|v| Relation::new("in-vpc", arn::ec2(region, account, "vpc", v))),
    );
    let mut listed: Vec<&Listener> = listeners.iter().collect();
    listed.sort_by_key(|l| (l.port(), l.protocol().map(|p| p.as_str().to_owned())));
    for l in &listed {
        relations.extend(
            l.certificates()
                .iter()
                .filter_map(|c| c.certificate_arn())
                .map(|c| Relation::new("uses-certificate", c)),
        );
        relations.extend(
            l.default_actions()
                .iter()
                .flat_map(forwarded)
                .map(|tg| Relation::new("forwards-to", tg)),
        );
    }
    relations.extend(named_by.iter().map(|tg| Relation::new("forwards-to", *tg)));
    let mut zones: Vec<serde_json::Value> = lb
        .availability_zones()
        .iter()
        .map(|z| json!({"zone": z.zone_name(), "subnet": z.subnet_id()}))
        .collect();
    zones.sort_by_key(|z| z.to_string());
    let attrs = Attrs::default()
        .opt("type", lb.r#type().map(|t| t.as_str()))
        .opt("scheme", lb.scheme().map(|s| s.as_str()))
        .opt("dns_name", lb.dns_name())
        .opt("canonical_hosted_zone_id", lb.canonical_hosted_zone_id())
        .opt("state", lb.state().and_then(|s| s.code()).map(|c| c.as_str()))
        .opt("ip_address_type", lb.ip_address_type().map(|t| t.as_str()))
        .opt("vpc_id", lb.vpc_id())
        .opt("created", date(lb.created_time()))
        .set("availability_zones", zones)
        .set("listeners", listed.iter().map(|l| listener(l)).collect::<Vec<_>>());
    let ident = Ident {
        arn: lb_arn,
        region,
        id: lb.load_balancer_name().unwrap_or(lb_arn),
        name: lb.load_balancer_name(),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Elbv2,
        attrs,
        relations,
    ))
}

/// A target group with its registered targets (`None` when they could not be read).
pub fn target_group(cx: &Ctx<'_>, g: &TargetGroup, targets: Option<&[Target]>) -> Option<Resource> {
    let tg_arn = g.target_group_arn()?;
    let (region, account) = (cx.region, cx.account);
    let mut relations: Vec<Relation> = g
        .vpc_id()
        .map(|v| Relation::new("in-vpc", arn::ec2(region, account, "vpc", v)))
        .into_iter()
        .collect();
    let kind = g.target_type();
    let mut registered: Vec<Target> = targets.unwrap_or_default().to_vec();
    registered.sort();
    registered.dedup();
    relations.extend(registered.iter().filter_map(|t| {
        let to = match kind {
            Some(TargetTypeEnum::Instance) => arn::ec2(region, account, "instance", &t.id),
            Some(TargetTypeEnum::Lambda | TargetTypeEnum::Alb) => t.id.clone(),
            _ => return None,
        };
        Some(Relation::new("has-target", to))
    }));
    let mut balancers: Vec<&str> = g.load_balancer_arns().iter().map(String::as_str).collect();
    balancers.sort_unstable();
    let attrs = Attrs::default()
        .opt("protocol", g.protocol().map(|p| p.as_str()))
        .opt("port", g.port())
        .opt("target_type", kind.map(|k| k.as_str()))
        .opt("vpc_id", g.vpc_id())
        .opt("health_check_path", g.health_check_path())
        .set("load_balancers", balancers)
        .opt(
            "targets",
            targets.map(|_| {
                registered
                    .iter()
                    .map(|t| json!({"id": t.id, "port": t.port}))
                    .collect::<Vec<_>>()
            }),
        );
    let ident = Ident {
        arn: tg_arn,
        region,
        id: g.target_group_name().unwrap_or(tg_arn),
        name: g.target_group_name(),
    };
    Some(common::resource(
        ident,
        SortedMap::new(),
        Source::Elbv2,
        attrs,
        relations,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_elasticloadbalancingv2::types::{
        ActionTypeEnum, AvailabilityZone, Certificate, ForwardActionConfig, LoadBalancerSchemeEnum, LoadBalancerState,
        LoadBalancerStateEnum, LoadBalancerTypeEnum, ProtocolEnum, TargetGroupTuple,
    };

    const REGION: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";
    const LB: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer/app/web/50dc6c495c0c9188";
    const TG: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/73e2d6bc24d8a067";
    const TG2: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/api/1";
    const TG3: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/rules-only/2";
    const CERT: &str = "arn:aws:acm:eu-west-1:111122223333:certificate/c1";
    const CX: Ctx<'static> = Ctx {
        region: REGION,
        account: ACCOUNT,
    };

    fn ec2(kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:eu-west-1:111122223333:{kind}/{id}")
    }

    fn lb() -> LoadBalancer {
        LoadBalancer::builder()
            .load_balancer_arn(LB)
            .load_balancer_name("web")
            .dns_name("web-1.eu-west-1.elb.amazonaws.com")
            .canonical_hosted_zone_id("Z32O12XQLNTSW2")
            .scheme(LoadBalancerSchemeEnum::InternetFacing)
            .r#type(LoadBalancerTypeEnum::Application)
            .vpc_id("vpc-1")
            .state(LoadBalancerState::builder().code(LoadBalancerStateEnum::Active).build())
            .availability_zones(
                AvailabilityZone::builder()
                    .zone_name("eu-west-1b")
                    .subnet_id("subnet-b")
                    .build(),
            )
            .availability_zones(
                AvailabilityZone::builder()
                    .zone_name("eu-west-1a")
                    .subnet_id("subnet-a")
                    .build(),
            )
            .security_groups("sg-1")
            .build()
    }

    fn https() -> Listener {
        Listener::builder()
            .port(443)
            .protocol(ProtocolEnum::Https)
            .ssl_policy("ELBSecurityPolicy-TLS13-1-2-2021-06")
            .certificates(Certificate::builder().certificate_arn(CERT).build())
            .default_actions(
                LbAction::builder()
                    .r#type(ActionTypeEnum::Forward)
                    .forward_config(
                        ForwardActionConfig::builder()
                            .target_groups(TargetGroupTuple::builder().target_group_arn(TG).weight(90).build())
                            .target_groups(TargetGroupTuple::builder().target_group_arn(TG2).weight(10).build())
                            .build(),
                    )
                    .build(),
            )
            .build()
    }

    fn http_redirect() -> Listener {
        Listener::builder()
            .port(80)
            .protocol(ProtocolEnum::Http)
            .default_actions(LbAction::builder().r#type(ActionTypeEnum::Redirect).build())
            .build()
    }

    #[test]
    fn a_load_balancer_has_its_network_listeners_certificates_and_target_groups() {
        let res = load_balancer(&CX, &lb(), &[https(), http_redirect()], &[TG3, TG]).unwrap();
        assert_eq!(res.resource_type, "elasticloadbalancing:loadbalancer");
        assert_eq!((res.id.as_str(), res.name.as_deref()), ("web", Some("web")));
        assert_eq!(res.sources, vec![Source::Elbv2]);
        let rels: Vec<(&str, &str)> = res
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect();
        let (sg, sa, sb, vpc) = (
            ec2("security-group", "sg-1"),
            ec2("subnet", "subnet-a"),
            ec2("subnet", "subnet-b"),
            ec2("vpc", "vpc-1"),
        );
        assert_eq!(
            rels,
            vec![
                ("forwards-to", TG2),
                ("forwards-to", TG3),
                ("forwards-to", TG),
                ("has-security-group", sg.as_str()),
                ("in-subnet", sa.as_str()),
                ("in-subnet", sb.as_str()),
                ("in-vpc", vpc.as_str()),
                ("uses-certificate", CERT),
            ]
        );
        assert_eq!(res.attributes["dns_name"], "web-1.eu-west-1.elb.amazonaws.com");
        assert_eq!(res.attributes["type"], "application");
        assert_eq!(res.attributes["scheme"], "internet-facing");
        assert_eq!(res.attributes["state"], "active");
        assert_eq!(
            res.attributes["availability_zones"],
            json!([{"zone": "eu-west-1a", "subnet": "subnet-a"}, {"zone": "eu-west-1b", "subnet": "subnet-b"}])
        );
        // Sorted by port: the redirect on 80 first, then 443 with its weighted groups.
        assert_eq!(
            res.attributes["listeners"],
            json!([
                {"port": 80, "protocol": "HTTP", "ssl_policy": null, "certificates": [],
                 "default_actions": ["redirect"], "target_groups": []},
                {"port": 443, "protocol": "HTTPS", "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06",
                 "certificates": [CERT], "default_actions": ["forward"], "target_groups": [TG2, TG]},
            ])
        );
    }

    fn group(kind: TargetTypeEnum) -> TargetGroup {
        TargetGroup::builder()
            .target_group_arn(TG)
            .target_group_name("web")
            .protocol(ProtocolEnum::Http)
            .port(8080)
            .vpc_id("vpc-1")
            .target_type(kind)
            .health_check_path("/health")
            .load_balancer_arns(LB)
            .build()
    }

    fn target(id: &str, port: i32) -> Target {
        Target {
            id: id.to_owned(),
            port: Some(port),
        }
    }

    #[test]
    fn a_target_group_relates_to_its_instances_and_keeps_every_target() {
        let registered = [target("i-2", 8080), target("i-1", 8080), target("i-1", 8080)];
        let res = target_group(&CX, &group(TargetTypeEnum::Instance), Some(&registered)).unwrap();
        assert_eq!(res.resource_type, "elasticloadbalancing:targetgroup");
        assert_eq!(res.id, "web");
        let (i1, i2, vpc) = (ec2("instance", "i-1"), ec2("instance", "i-2"), ec2("vpc", "vpc-1"));
        let rels: Vec<(&str, &str)> = res
            .relations
            .iter()
            .map(|r| (r.kind.as_str(), r.arn.as_str()))
            .collect();
        assert_eq!(
            rels,
            vec![
                ("has-target", i1.as_str()),
                ("has-target", i2.as_str()),
                ("in-vpc", vpc.as_str())
            ]
        );
        assert_eq!(
            res.attributes["targets"],
            json!([{"id": "i-1", "port": 8080}, {"id": "i-2", "port": 8080}])
        );
        assert_eq!(res.attributes["load_balancers"], json!([LB]));
        assert_eq!(res.attributes["target_type"], "instance");
        assert_eq!(res.attributes["health_check_path"], "/health");
    }

    #[test]
    fn ip_targets_stay_in_the_attribute_and_function_targets_are_relations() {
        let ips = [target("10.0.1.5", 80)];
        let res = target_group(&CX, &group(TargetTypeEnum::Ip), Some(&ips)).unwrap();
        assert!(res.relations.iter().all(|r| r.kind != "has-target"));
        assert_eq!(res.attributes["targets"], json!([{"id": "10.0.1.5", "port": 80}]));
        let f = "arn:aws:lambda:eu-west-1:111122223333:function:resize";
        let functions = [Target {
            id: f.to_owned(),
            port: None,
        }];
        let res = target_group(&CX, &group(TargetTypeEnum::Lambda), Some(&functions)).unwrap();
        assert!(res.relations.iter().any(|r| r.kind == "has-target" && r.arn == f));
    }

    #[test]
    fn unread_targets_are_absent_not_empty() {
        let res = target_group(&CX, &group(TargetTypeEnum::Instance), None).unwrap();
        assert!(!res.attributes.contains_key("targets"));
        let res = target_group(&CX, &group(TargetTypeEnum::Instance), Some(&[])).unwrap();
        assert_eq!(res.attributes["targets"], json!([]));
    }
}

/// moto answers every ELBv2 listing in one page, so the second pages and a denied call are read
/// from a fake.
#[cfg(test)]
mod fake {
    use super::super::common::fake::{self, Call, fake_client};
    use super::*;

    fn xml(operation: &str, result: &str) -> String {
        format!(
            "<{operation}Response xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\">\
             <{operation}Result>{result}</{operation}Result>\
             <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></{operation}Response>"
        )
    }

    const PREFIX: &str = "arn:aws:elasticloadbalancing:eu-west-1:111122223333";
    /// Load balancers a page.
    const PER_PAGE: usize = 12;

    fn answer(call: &Call, deny_health: bool) -> (u16, String) {
        let second = call.second_page();
        let n = if second { 2 } else { 1 };
        let marker = if second { "" } else { "<NextMarker>page2</NextMarker>" };
        let op = call.operation.as_str();
        let body = match op {
            "DescribeLoadBalancers" => {
                let members: String = (0..PER_PAGE)
                    .map(|k| {
                        format!(
                            "<member><LoadBalancerArn>{PREFIX}:loadbalancer/app/lb{n}-{k:02}/1</LoadBalancerArn>\
                             <LoadBalancerName>lb{n}-{k:02}</LoadBalancerName><Type>application</Type></member>"
                        )
                    })
                    .collect();
                xml(op, &format!("<LoadBalancers>{members}</LoadBalancers>{marker}"))
            }
            "DescribeTargetGroups" => xml(
                op,
                &format!(
                    "<TargetGroups><member><TargetGroupArn>{PREFIX}:targetgroup/tg{n}/1</TargetGroupArn>\
                     <TargetGroupName>tg{n}</TargetGroupName><TargetType>instance</TargetType>\
                     <LoadBalancerArns><member>{PREFIX}:loadbalancer/app/lb{n}-00/1</member></LoadBalancerArns>\
                     </member></TargetGroups>{marker}"
                ),
            ),
            "DescribeListeners" => xml(
                op,
                &format!(
                    "<Listeners><member><Port>{}</Port><Protocol>HTTP</Protocol></member></Listeners>{marker}",
                    80 + n
                ),
            ),
            "DescribeTargetHealth" if deny_health => {
                let body = "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>\
                            <Message>no</Message></Error><RequestId>r</RequestId></ErrorResponse>";
                return (403, body.to_owned());
            }
            "DescribeTargetHealth" => xml(
                op,
                "<TargetHealthDescriptions><member><Target><Id>i-1</Id><Port>80</Port></Target></member>\
                 </TargetHealthDescriptions>",
            ),
            other => panic!("unexpected {other}"),
        };
        (200, body)
    }

    #[test]
    fn every_listing_is_read_past_the_first_page() {
        let client = fake_client!(aws_sdk_elasticloadbalancingv2, |c: &Call| answer(c, false));
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        assert!(result.error.is_none(), "{:?}", result.error);
        let balancers = result
            .resources
            .iter()
            .filter(|r| r.resource_type == "elasticloadbalancing:loadbalancer")
            .count();
        assert_eq!(balancers, 2 * PER_PAGE);
        let groups: Vec<&str> = result
            .resources
            .iter()
            .filter(|r| r.resource_type == "elasticloadbalancing:targetgroup")
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(groups, vec!["tg1", "tg2"]);
        let first = result.resources.iter().find(|r| r.id == "lb1-00").unwrap();
        let ports: Vec<i64> = first.attributes["listeners"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l["port"].as_i64().unwrap())
            .collect();
        assert_eq!(ports, vec![81, 82]);
        let tg1 = format!("{PREFIX}:targetgroup/tg1/1");
        assert!(first.relations.iter().any(|r| r.kind == "forwards-to" && r.arn == tg1));
        let tg2 = result.resources.iter().find(|r| r.id == "tg2").unwrap();
        assert!(tg2.relations.iter().any(|r| r.kind == "has-target"));
        // Load balancers 2 pages, target groups 2, listeners 2 pages per load balancer, target
        // health 1 per group.
        assert_eq!(result.requests, 2 + 2 + 2 * 2 * PER_PAGE as u64 + 2);
    }

    #[test]
    fn a_denied_target_health_keeps_the_target_group_without_targets() {
        let client = fake_client!(aws_sdk_elasticloadbalancingv2, |c: &Call| answer(c, true));
        let result = fake::block_on(collect(&client, "eu-west-1", "111122223333"));
        let error = result.error.expect("the denied call is the unit's error");
        assert!(error.is_denied(), "{error:?}");
        assert_eq!(error.operation, "DescribeTargetHealth");
        let tg1 = result.resources.iter().find(|r| r.id == "tg1").expect("kept");
        assert!(!tg1.attributes.contains_key("targets"));
        assert_eq!(result.resources.len(), 2 * PER_PAGE + 2);
    }
}
