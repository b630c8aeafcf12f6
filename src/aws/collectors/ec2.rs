//! The EC2 collector: one describe operation per resource family and region, every page, each a
//! part of its own so they run concurrently. The SDK-to-model conversions are the pure functions
//! at the bottom (one per type, tested below): each gives the resource with its relations
//! (instance in subnet, volume attached to instance, snapshot from volume...) and the
//! attributes the runbook needs.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{self as sdk, Filter, Tag};
use futures::future::BoxFuture;

use crate::aws::ApiError;
use crate::aws::config::service_client;
use crate::aws::paginate::{Attrs, paginate};
use crate::aws::scanner::AwsScanSource;
use crate::model::{Relation, Resource, Source};
use crate::scan::{Action, Collector, Scope, Task, UnitResult, action, arn};

service_client!(aws_sdk_ec2, "ec2");

pub struct Ec2;

/// The resource families, one describe operation (and one part) each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Instances,
    Volumes,
    Snapshots,
    Images,
    Vpcs,
    Subnets,
    SecurityGroups,
    NetworkInterfaces,
    Addresses,
    NatGateways,
    InternetGateways,
    TransitGateways,
    RouteTables,
    NetworkAcls,
    VpcEndpoints,
    VpcPeeringConnections,
    TransitGatewayAttachments,
    TransitGatewayVpcAttachments,
    TransitGatewayRouteTables,
    FlowLogs,
    DhcpOptions,
    LaunchTemplates,
    KeyPairs,
}

impl Part {
    const ALL: [Part; 23] = [
        Part::Instances,
        Part::Volumes,
        Part::Snapshots,
        Part::Images,
        Part::Vpcs,
        Part::Subnets,
        Part::SecurityGroups,
        Part::NetworkInterfaces,
        Part::Addresses,
        Part::NatGateways,
        Part::InternetGateways,
        Part::TransitGateways,
        Part::RouteTables,
        Part::NetworkAcls,
        Part::VpcEndpoints,
        Part::VpcPeeringConnections,
        Part::TransitGatewayAttachments,
        Part::TransitGatewayVpcAttachments,
        Part::TransitGatewayRouteTables,
        Part::FlowLogs,
        Part::DhcpOptions,
        Part::LaunchTemplates,
        Part::KeyPairs,
    ];

    fn name(self) -> &'static str {
        match self {
            Part::Instances => "instances",
            Part::Volumes => "volumes",
            Part::Snapshots => "snapshots",
            Part::Images => "images",
            Part::Vpcs => "vpcs",
            Part::Subnets => "subnets",
            Part::SecurityGroups => "security-groups",
            Part::NetworkInterfaces => "network-interfaces",
            Part::Addresses => "addresses",
            Part::NatGateways => "nat-gateways",
            Part::InternetGateways => "internet-gateways",
            Part::TransitGateways => "transit-gateways",
            Part::RouteTables => "route-tables",
            Part::NetworkAcls => "network-acls",
            Part::VpcEndpoints => "vpc-endpoints",
            Part::VpcPeeringConnections => "vpc-peering-connections",
            Part::TransitGatewayAttachments => "transit-gateway-attachments",
            Part::TransitGatewayVpcAttachments => "transit-gateway-vpc-attachments",
            Part::TransitGatewayRouteTables => "transit-gateway-route-tables",
            Part::FlowLogs => "flow-logs",
            Part::DhcpOptions => "dhcp-options",
            Part::LaunchTemplates => "launch-templates",
            Part::KeyPairs => "key-pairs",
        }
    }

    fn from_name(name: &str) -> Option<Part> {
        Part::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// [`Part::ALL`] by name, in the same order (a test checks it).
const PARTS: &[&str] = &[
    "instances",
    "volumes",
    "snapshots",
    "images",
    "vpcs",
    "subnets",
    "security-groups",
    "network-interfaces",
    "addresses",
    "nat-gateways",
    "internet-gateways",
    "transit-gateways",
    "route-tables",
    "network-acls",
    "vpc-endpoints",
    "vpc-peering-connections",
    "transit-gateway-attachments",
    "transit-gateway-vpc-attachments",
    "transit-gateway-route-tables",
    "flow-logs",
    "dhcp-options",
    "launch-templates",
    "key-pairs",
];

const ACTIONS: &[Action] = &[
    action("EC2", "DescribeAddresses", "ec2:DescribeAddresses"),
    action("EC2", "DescribeDhcpOptions", "ec2:DescribeDhcpOptions"),
    action("EC2", "DescribeFlowLogs", "ec2:DescribeFlowLogs"),
    action("EC2", "DescribeImages", "ec2:DescribeImages"),
    action("EC2", "DescribeInstances", "ec2:DescribeInstances"),
    action("EC2", "DescribeInternetGateways", "ec2:DescribeInternetGateways"),
    action("EC2", "DescribeKeyPairs", "ec2:DescribeKeyPairs"),
    action("EC2", "DescribeLaunchTemplates", "ec2:DescribeLaunchTemplates"),
    action("EC2", "DescribeNatGateways", "ec2:DescribeNatGateways"),
    action("EC2", "DescribeNetworkAcls", "ec2:DescribeNetworkAcls"),
    action("EC2", "DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaces"),
    action("EC2", "DescribeRouteTables", "ec2:DescribeRouteTables"),
    action("EC2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups"),
    action("EC2", "DescribeSnapshots", "ec2:DescribeSnapshots"),
    action("EC2", "DescribeSubnets", "ec2:DescribeSubnets"),
    action(
        "EC2",
        "DescribeTransitGatewayAttachments",
        "ec2:DescribeTransitGatewayAttachments",
    ),
    action(
        "EC2",
        "DescribeTransitGatewayRouteTables",
        "ec2:DescribeTransitGatewayRouteTables",
    ),
    action(
        "EC2",
        "DescribeTransitGatewayVpcAttachments",
        "ec2:DescribeTransitGatewayVpcAttachments",
    ),
    action("EC2", "DescribeTransitGateways", "ec2:DescribeTransitGateways"),
    action("EC2", "DescribeVolumes", "ec2:DescribeVolumes"),
    action("EC2", "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints"),
    action(
        "EC2",
        "DescribeVpcPeeringConnections",
        "ec2:DescribeVpcPeeringConnections",
    ),
    action("EC2", "DescribeVpcs", "ec2:DescribeVpcs"),
];

impl Collector<AwsScanSource> for Ec2 {
    fn name(&self) -> &'static str {
        "ec2"
    }

    fn scope(&self) -> Scope {
        Scope::Regional
    }

    fn parts(&self) -> &'static [&'static str] {
        PARTS
    }

    fn actions(&self) -> &'static [Action] {
        ACTIONS
    }

    fn billed_as(&self) -> &'static [&'static str] {
        // Instances; EBS, snapshots, NAT gateways and Elastic IPs (some accounts see EBS as a
        // service of its own); VPC features (endpoints, transit gateways, public IPv4 addresses).
        &[
            "Amazon Elastic Compute Cloud - Compute",
            "EC2 - Other",
            "Amazon Elastic Block Store",
            "Amazon Virtual Private Cloud",
        ]
    }

    fn run<'a>(&'a self, source: &'a AwsScanSource, task: Task<'a>) -> BoxFuture<'a, UnitResult> {
        Box::pin(async move {
            let client: Client = source.aws().client(task.region);
            let part = Part::from_name(task.part).expect("the scan runs only the parts the collector lists");
            describe(&client, task.region, task.account, part).await
        })
    }
}

/// Runs one describe operation over every page.
async fn describe(client: &Client, region: &str, account: &str, part: Part) -> UnitResult {
    let cx = Ctx { region, account };
    let mut out = Vec::new();
    let (requests, error) = match part {
        Part::Instances => paginate!(
            client.describe_instances().max_results(1000),
            "DescribeInstances",
            region,
            |page| {
                let instances = page.reservations().iter().flat_map(|r| r.instances());
                out.extend(instances.filter_map(|i| instance(&cx, i)));
            }
        ),
        Part::Volumes => paginate!(
            client.describe_volumes().max_results(500),
            "DescribeVolumes",
            region,
            |page| {
                out.extend(page.volumes().iter().filter_map(|v| volume(&cx, v)));
            }
        ),
        Part::Snapshots => {
            // `OwnerIds=self` is what AWS documents, but the emulator ignores it; the
            // owner-id filter means the same on both.
            let request = client
                .describe_snapshots()
                .filters(Filter::builder().name("owner-id").values(account).build())
                .max_results(1000);
            paginate!(request, "DescribeSnapshots", region, |page| {
                out.extend(page.snapshots().iter().filter_map(|s| snapshot(&cx, s)));
            })
        }
        Part::Images => {
            let request = client.describe_images().owners("self").max_results(1000);
            paginate!(request, "DescribeImages", region, |page| {
                out.extend(page.images().iter().filter_map(|i| image(&cx, i)));
            })
        }
        Part::Vpcs => paginate!(
            client.describe_vpcs().max_results(1000),
            "DescribeVpcs",
            region,
            |page| {
                out.extend(page.vpcs().iter().filter_map(|v| vpc(&cx, v)));
                out.extend(page.vpcs().iter().filter_map(|v| dhcp_options_of_vpc(&cx, v)));
            }
        ),
        Part::Subnets => paginate!(
            client.describe_subnets().max_results(1000),
            "DescribeSubnets",
            region,
            |page| {
                out.extend(page.subnets().iter().filter_map(|s| subnet(&cx, s)));
            }
        ),
        Part::SecurityGroups => paginate!(
            client.describe_security_groups().max_results(1000),
            "DescribeSecurityGroups",
            region,
            |page| {
                out.extend(page.security_groups().iter().filter_map(|g| security_group(&cx, g)));
            }
        ),
        Part::NetworkInterfaces => paginate!(
            client.describe_network_interfaces().max_results(1000),
            "DescribeNetworkInterfaces",
            region,
            |page| {
                out.extend(
                    page.network_interfaces()
                        .iter()
                        .filter_map(|n| network_interface(&cx, n)),
                );
            }
        ),
        Part::Addresses => {
            // DescribeAddresses has no pagination: one request returns every address.
            match client.describe_addresses().send().await {
                Ok(page) => {
                    out.extend(page.addresses().iter().filter_map(|a| address(&cx, a)));
                    (1, None)
                }
                Err(err) => (1, Some(ApiError::from_sdk("DescribeAddresses", region, err))),
            }
        }
        Part::NatGateways => paginate!(
            client.describe_nat_gateways().max_results(1000),
            "DescribeNatGateways",
            region,
            |page| {
                out.extend(page.nat_gateways().iter().filter_map(|n| nat_gateway(&cx, n)));
            }
        ),
        Part::InternetGateways => paginate!(
            client.describe_internet_gateways().max_results(1000),
            "DescribeInternetGateways",
            region,
            |page| {
                out.extend(page.internet_gateways().iter().filter_map(|g| internet_gateway(&cx, g)));
            }
        ),
        Part::TransitGateways => paginate!(
            client.describe_transit_gateways().max_results(1000),
            "DescribeTransitGateways",
            region,
            |page| {
                out.extend(page.transit_gateways().iter().filter_map(|t| transit_gateway(&cx, t)));
            }
        ),
        Part::RouteTables => paginate!(
            client.describe_route_tables().max_results(100),
            "DescribeRouteTables",
            region,
            |page| {
                out.extend(page.route_tables().iter().filter_map(|t| route_table(&cx, t)));
            }
        ),
        Part::NetworkAcls => paginate!(
            client.describe_network_acls().max_results(100),
            "DescribeNetworkAcls",
            region,
            |page| {
                out.extend(page.network_acls().iter().filter_map(|a| network_acl(&cx, a)));
            }
        ),
        Part::VpcEndpoints => paginate!(
            client.describe_vpc_endpoints().max_results(1000),
            "DescribeVpcEndpoints",
            region,
            |page| {
                out.extend(page.vpc_endpoints().iter().filter_map(|e| vpc_endpoint(&cx, e)));
            }
        ),
        Part::VpcPeeringConnections => paginate!(
            client.describe_vpc_peering_connections().max_results(1000),
            "DescribeVpcPeeringConnections",
            region,
            |page| {
                let peerings = page.vpc_peering_connections().iter();
                out.extend(peerings.filter_map(|p| vpc_peering_connection(&cx, p)));
            }
        ),
        Part::TransitGatewayAttachments => paginate!(
            client.describe_transit_gateway_attachments().max_results(1000),
            "DescribeTransitGatewayAttachments",
            region,
            |page| {
                let attachments = page.transit_gateway_attachments().iter();
                out.extend(attachments.filter_map(|a| transit_gateway_attachment(&cx, a)));
            }
        ),
        Part::TransitGatewayVpcAttachments => paginate!(
            client.describe_transit_gateway_vpc_attachments().max_results(1000),
            "DescribeTransitGatewayVpcAttachments",
            region,
            |page| {
                let attachments = page.transit_gateway_vpc_attachments().iter();
                out.extend(attachments.filter_map(|a| transit_gateway_vpc_attachment(&cx, a)));
            }
        ),
        Part::TransitGatewayRouteTables => paginate!(
            client.describe_transit_gateway_route_tables().max_results(1000),
            "DescribeTransitGatewayRouteTables",
            region,
            |page| {
                let tables = page.transit_gateway_route_tables().iter();
                out.extend(tables.filter_map(|t| transit_gateway_route_table(&cx, t)));
            }
        ),
        Part::FlowLogs => paginate!(
            client.describe_flow_logs().max_results(1000),
            "DescribeFlowLogs",
            region,
            |page| {
                out.extend(page.flow_logs().iter().filter_map(|f| flow_log(&cx, f)));
            }
        ),
        Part::DhcpOptions => paginate!(
            client.describe_dhcp_options().max_results(1000),
            "DescribeDhcpOptions",
            region,
            |page| {
                out.extend(page.dhcp_options().iter().filter_map(|d| dhcp_options(&cx, d)));
            }
        ),
        Part::LaunchTemplates => paginate!(
            client.describe_launch_templates().max_results(200),
            "DescribeLaunchTemplates",
            region,
            |page| {
                out.extend(page.launch_templates().iter().filter_map(|t| launch_template(&cx, t)));
            }
        ),
        Part::KeyPairs => {
            // DescribeKeyPairs has no pagination; it is asked for no public key material.
            match client.describe_key_pairs().send().await {
                Ok(page) => {
                    out.extend(page.key_pairs().iter().filter_map(|k| key_pair(&cx, k)));
                    (1, None)
                }
                Err(err) => (1, Some(ApiError::from_sdk("DescribeKeyPairs", region, err))),
            }
        }
    };
    UnitResult {
        service: "ec2",
        region: region.to_owned(),
        resources: out,
        requests,
        error,
    }
}

/// Facts every EC2 resource of one (region, account) shares.
pub(crate) struct Ctx<'a> {
    pub region: &'a str,
    pub account: &'a str,
}

impl Ctx<'_> {
    fn arn(&self, kind: &str, id: &str) -> String {
        arn::ec2(self.region, self.account, kind, id)
    }

    fn resource(&self, kind: &str, id: &str, tags: &[Tag], attrs: Attrs, relations: Vec<Relation>) -> Resource {
        let tags: crate::model::SortedMap<String> = tags
            .iter()
            .filter_map(|t| Some((t.key()?.to_owned(), t.value().unwrap_or_default().to_owned())))
            .collect();
        Resource {
            arn: self.arn(kind, id),
            service: "ec2".to_owned(),
            resource_type: format!("ec2:{kind}"),
            region: Some(self.region.to_owned()),
            id: id.to_owned(),
            name: tags.get("Name").cloned(),
            tags,
            sources: vec![Source::Ec2],
            relations,
            attributes: attrs.into_map(),
        }
    }

    fn rel(&self, kind: &str, target_kind: &str, id: Option<&str>) -> Option<Relation> {
        id.filter(|id| !id.is_empty())
            .map(|id| Relation::new(kind, self.arn(target_kind, id)))
    }

    fn key_rel(&self, key: Option<&str>) -> Option<Relation> {
        arn::kms_key(self.region, self.account, key?).map(|a| Relation::new("uses-key", a))
    }
}

fn instance(cx: &Ctx<'_>, instance: &sdk::Instance) -> Option<Resource> {
    let id = instance.instance_id()?;
    let mut relations: Vec<Relation> = [
        cx.rel("in-subnet", "subnet", instance.subnet_id()),
        cx.rel("in-vpc", "vpc", instance.vpc_id()),
    ]
    .into_iter()
    .flatten()
    .collect();
    relations.extend(
        instance
            .security_groups()
            .iter()
            .filter_map(|g| cx.rel("has-security-group", "security-group", g.group_id())),
    );
    relations.extend(
        instance
            .iam_instance_profile()
            .and_then(|p| p.arn())
            .filter(|a| !a.is_empty())
            .map(|a| Relation::new("uses-instance-profile", a)),
    );
    let attrs = Attrs::default()
        .opt("state", instance.state().and_then(|s| s.name()).map(|n| n.as_str()))
        .opt("instance_type", instance.instance_type().map(|t| t.as_str()))
        .opt("public_ip", instance.public_ip_address())
        .opt("private_ip", instance.private_ip_address())
        .opt("image_id", instance.image_id())
        .opt(
            "availability_zone",
            instance.placement().and_then(|p| p.availability_zone()),
        )
        .opt("platform", instance.platform_details());
    Some(cx.resource("instance", id, instance.tags(), attrs, relations))
}

fn volume(cx: &Ctx<'_>, volume: &sdk::Volume) -> Option<Resource> {
    let id = volume.volume_id()?;
    let mut relations: Vec<Relation> = volume
        .attachments()
        .iter()
        .filter_map(|a| cx.rel("attached-to", "instance", a.instance_id()))
        .collect();
    relations.extend(cx.rel("from-snapshot", "snapshot", volume.snapshot_id()));
    relations.extend(cx.key_rel(volume.kms_key_id()));
    let attrs = Attrs::default()
        .opt("state", volume.state().map(|s| s.as_str()))
        .opt("size_gib", volume.size())
        .opt("volume_type", volume.volume_type().map(|t| t.as_str()))
        .opt("encrypted", volume.encrypted())
        .opt("kms_key_id", volume.kms_key_id())
        .opt("availability_zone", volume.availability_zone());
    Some(cx.resource("volume", id, volume.tags(), attrs, relations))
}

fn snapshot(cx: &Ctx<'_>, snapshot: &sdk::Snapshot) -> Option<Resource> {
    let id = snapshot.snapshot_id()?;
    if snapshot.owner_id().is_some_and(|owner| owner != cx.account) {
        return None;
    }
    let relations: Vec<Relation> = [
        cx.rel("from-volume", "volume", snapshot.volume_id()),
        cx.key_rel(snapshot.kms_key_id()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let attrs = Attrs::default()
        .opt("state", snapshot.state().map(|s| s.as_str()))
        .opt("size_gib", snapshot.volume_size())
        .opt("encrypted", snapshot.encrypted())
        .opt("kms_key_id", snapshot.kms_key_id())
        .opt("description", snapshot.description().filter(|d| !d.is_empty()));
    Some(cx.resource("snapshot", id, snapshot.tags(), attrs, relations))
}

fn image(cx: &Ctx<'_>, image: &sdk::Image) -> Option<Resource> {
    let id = image.image_id()?;
    let ebs: Vec<_> = image.block_device_mappings().iter().filter_map(|m| m.ebs()).collect();
    let mut relations: Vec<Relation> = ebs
        .iter()
        .filter_map(|e| cx.rel("from-snapshot", "snapshot", e.snapshot_id()))
        .collect();
    relations.extend(ebs.iter().filter_map(|e| cx.key_rel(e.kms_key_id())));
    let encrypted = ebs.iter().any(|e| e.encrypted() == Some(true));
    let attrs = Attrs::default()
        .opt("state", image.state().map(|s| s.as_str()))
        .opt("image_name", image.name())
        .opt("root_device_type", image.root_device_type().map(|t| t.as_str()))
        .opt("public", image.public())
        .set("encrypted", encrypted);
    Some(cx.resource("image", id, image.tags(), attrs, relations))
}

fn vpc(cx: &Ctx<'_>, vpc: &sdk::Vpc) -> Option<Resource> {
    let id = vpc.vpc_id()?;
    let attrs = Attrs::default()
        .opt("state", vpc.state().map(|s| s.as_str()))
        .opt("cidr_block", vpc.cidr_block())
        .opt("is_default", vpc.is_default());
    Some(cx.resource("vpc", id, vpc.tags(), attrs, vec![]))
}

fn subnet(cx: &Ctx<'_>, subnet: &sdk::Subnet) -> Option<Resource> {
    let id = subnet.subnet_id()?;
    let relations = cx.rel("in-vpc", "vpc", subnet.vpc_id()).into_iter().collect();
    let attrs = Attrs::default()
        .opt("state", subnet.state().map(|s| s.as_str()))
        .opt("cidr_block", subnet.cidr_block())
        .opt("availability_zone", subnet.availability_zone())
        .opt("default_for_az", subnet.default_for_az())
        .opt("map_public_ip_on_launch", subnet.map_public_ip_on_launch());
    Some(cx.resource("subnet", id, subnet.tags(), attrs, relations))
}

fn security_group(cx: &Ctx<'_>, group: &sdk::SecurityGroup) -> Option<Resource> {
    let id = group.group_id()?;
    let relations = cx.rel("in-vpc", "vpc", group.vpc_id()).into_iter().collect();
    let attrs = Attrs::default()
        .opt("group_name", group.group_name())
        .opt("description", group.description())
        .set("ingress_rules", group.ip_permissions().len() as u64)
        .set("egress_rules", group.ip_permissions_egress().len() as u64);
    Some(cx.resource("security-group", id, group.tags(), attrs, relations))
}

fn network_interface(cx: &Ctx<'_>, eni: &sdk::NetworkInterface) -> Option<Resource> {
    let id = eni.network_interface_id()?;
    let mut relations: Vec<Relation> = [
        cx.rel(
            "attached-to",
            "instance",
            eni.attachment().and_then(|a| a.instance_id()),
        ),
        cx.rel("in-subnet", "subnet", eni.subnet_id()),
        cx.rel("in-vpc", "vpc", eni.vpc_id()),
    ]
    .into_iter()
    .flatten()
    .collect();
    relations.extend(
        eni.groups()
            .iter()
            .filter_map(|g| cx.rel("has-security-group", "security-group", g.group_id())),
    );
    let attrs = Attrs::default()
        .opt("status", eni.status().map(|s| s.as_str()))
        .opt("interface_type", eni.interface_type().map(|t| t.as_str()))
        .opt("private_ip", eni.private_ip_address())
        .opt("public_ip", eni.association().and_then(|a| a.public_ip()));
    Some(cx.resource("network-interface", id, eni.tag_set(), attrs, relations))
}

fn address(cx: &Ctx<'_>, address: &sdk::Address) -> Option<Resource> {
    let id = address.allocation_id().or(address.public_ip())?;
    let relations: Vec<Relation> = [
        cx.rel("associated-with", "instance", address.instance_id()),
        cx.rel("associated-with", "network-interface", address.network_interface_id()),
    ]
    .into_iter()
    .flatten()
    .collect();
    let attrs = Attrs::default()
        .opt("public_ip", address.public_ip())
        .opt("domain", address.domain().map(|d| d.as_str()))
        .set("associated", address.association_id().is_some());
    Some(cx.resource("elastic-ip", id, address.tags(), attrs, relations))
}

fn nat_gateway(cx: &Ctx<'_>, nat: &sdk::NatGateway) -> Option<Resource> {
    let id = nat.nat_gateway_id()?;
    let mut relations: Vec<Relation> = [
        cx.rel("in-subnet", "subnet", nat.subnet_id()),
        cx.rel("in-vpc", "vpc", nat.vpc_id()),
    ]
    .into_iter()
    .flatten()
    .collect();
    relations.extend(
        nat.nat_gateway_addresses()
            .iter()
            .filter_map(|a| cx.rel("uses-address", "elastic-ip", a.allocation_id())),
    );
    let public_ip = nat.nat_gateway_addresses().iter().find_map(|a| a.public_ip());
    let attrs = Attrs::default()
        .opt("state", nat.state().map(|s| s.as_str()))
        .opt("connectivity_type", nat.connectivity_type().map(|t| t.as_str()))
        .opt("public_ip", public_ip);
    Some(cx.resource("natgateway", id, nat.tags(), attrs, relations))
}

fn internet_gateway(cx: &Ctx<'_>, igw: &sdk::InternetGateway) -> Option<Resource> {
    let id = igw.internet_gateway_id()?;
    let relations = igw
        .attachments()
        .iter()
        .filter_map(|a| cx.rel("in-vpc", "vpc", a.vpc_id()))
        .collect();
    let attrs = Attrs::default().set("attached", !igw.attachments().is_empty());
    Some(cx.resource("internet-gateway", id, igw.tags(), attrs, relations))
}

fn transit_gateway(cx: &Ctx<'_>, tgw: &sdk::TransitGateway) -> Option<Resource> {
    let id = tgw.transit_gateway_id()?;
    if tgw.owner_id().is_some_and(|owner| owner != cx.account) {
        return None;
    }
    let attrs = Attrs::default().opt("state", tgw.state().map(|s| s.as_str()));
    Some(cx.resource("transit-gateway", id, tgw.tags(), attrs, vec![]))
}

/// A route's target as `(kind, id)`: the resource the traffic goes to. `local` routes (inside the
/// VPC) have none.
fn route_target(route: &sdk::Route) -> Option<(&'static str, &str)> {
    let gateway = route.gateway_id().filter(|g| *g != "local").map(|g| {
        let kind = if g.starts_with("vgw-") {
            "vpn-gateway"
        } else if g.starts_with("vpce-") {
            "vpc-endpoint"
        } else {
            "internet-gateway"
        };
        (kind, g)
    });
    gateway
        .or(route.nat_gateway_id().map(|id| ("natgateway", id)))
        .or(route.transit_gateway_id().map(|id| ("transit-gateway", id)))
        .or(route
            .vpc_peering_connection_id()
            .map(|id| ("vpc-peering-connection", id)))
        .or(route
            .egress_only_internet_gateway_id()
            .map(|id| ("egress-only-internet-gateway", id)))
        .or(route.network_interface_id().map(|id| ("network-interface", id)))
        .or(route.instance_id().map(|id| ("instance", id)))
        .or(route.carrier_gateway_id().map(|id| ("carrier-gateway", id)))
        .or(route.local_gateway_id().map(|id| ("local-gateway", id)))
        .filter(|(_, id)| !id.is_empty())
}

/// The id a route sends traffic to, as AWS shows it: `local`, `igw-...`, `nat-...`.
fn route_target_id(route: &sdk::Route) -> Option<&str> {
    route_target(route)
        .map(|(_, id)| id)
        .or(route.gateway_id())
        .or(route.core_network_arn())
}

fn route_table(cx: &Ctx<'_>, table: &sdk::RouteTable) -> Option<Resource> {
    let id = table.route_table_id()?;
    let mut relations: Vec<Relation> = cx.rel("in-vpc", "vpc", table.vpc_id()).into_iter().collect();
    relations.extend(
        table
            .associations()
            .iter()
            .filter_map(|a| cx.rel("associated-with", "subnet", a.subnet_id())),
    );
    relations.extend(
        table
            .routes()
            .iter()
            .filter_map(route_target)
            .map(|(kind, target)| Relation::new("routes-to", cx.arn(kind, target))),
    );
    let mut routes: Vec<serde_json::Value> = table
        .routes()
        .iter()
        .map(|r| {
            let destination = r
                .destination_cidr_block()
                .or(r.destination_ipv6_cidr_block())
                .or(r.destination_prefix_list_id());
            serde_json::json!({
                "destination": destination,
                "target": route_target_id(r),
                "state": r.state().map(|s| s.as_str()),
            })
        })
        .collect();
    routes.sort_by_key(|r| r.to_string());
    let main = table.associations().iter().any(|a| a.main() == Some(true));
    let attrs = Attrs::default()
        .set("main", main)
        .set(
            "subnet_associations",
            relations.iter().filter(|r| r.kind == "associated-with").count() as u64,
        )
        .set("routes", routes);
    Some(cx.resource("route-table", id, table.tags(), attrs, relations))
}

fn network_acl(cx: &Ctx<'_>, acl: &sdk::NetworkAcl) -> Option<Resource> {
    let id = acl.network_acl_id()?;
    let mut relations: Vec<Relation> = cx.rel("in-vpc", "vpc", acl.vpc_id()).into_iter().collect();
    relations.extend(
        acl.associations()
            .iter()
            .filter_map(|a| cx.rel("associated-with", "subnet", a.subnet_id())),
    );
    let egress = acl.entries().iter().filter(|e| e.egress() == Some(true)).count() as u64;
    let attrs = Attrs::default()
        .opt("is_default", acl.is_default())
        .set("ingress_rules", acl.entries().len() as u64 - egress)
        .set("egress_rules", egress);
    Some(cx.resource("network-acl", id, acl.tags(), attrs, relations))
}

fn vpc_endpoint(cx: &Ctx<'_>, endpoint: &sdk::VpcEndpoint) -> Option<Resource> {
    let id = endpoint.vpc_endpoint_id()?;
    let mut relations: Vec<Relation> = cx.rel("in-vpc", "vpc", endpoint.vpc_id()).into_iter().collect();
    relations.extend(
        endpoint
            .subnet_ids()
            .iter()
            .filter_map(|s| cx.rel("in-subnet", "subnet", Some(s))),
    );
    relations.extend(
        endpoint
            .groups()
            .iter()
            .filter_map(|g| cx.rel("has-security-group", "security-group", g.group_id())),
    );
    relations.extend(
        endpoint
            .route_table_ids()
            .iter()
            .filter_map(|t| cx.rel("associated-with", "route-table", Some(t))),
    );
    let attrs = Attrs::default()
        .opt("service_name", endpoint.service_name())
        .opt("endpoint_type", endpoint.vpc_endpoint_type().map(|t| t.as_str()))
        .opt("state", endpoint.state().map(|s| s.as_str()))
        .opt("private_dns_enabled", endpoint.private_dns_enabled())
        .set("has_policy", endpoint.policy_document().is_some_and(|p| !p.is_empty()));
    Some(cx.resource("vpc-endpoint", id, endpoint.tags(), attrs, relations))
}

/// The ARN of a VPC named by a peering connection or attachment, in its own account and region.
fn foreign_vpc_arn(cx: &Ctx<'_>, vpc: Option<&str>, owner: Option<&str>, region: Option<&str>) -> Option<String> {
    let vpc = vpc.filter(|v| !v.is_empty())?;
    let owner = owner.filter(|o| !o.is_empty()).unwrap_or(cx.account);
    let region = region.filter(|r| !r.is_empty()).unwrap_or(cx.region);
    Some(arn::ec2(region, owner, "vpc", vpc))
}

fn vpc_peering_connection(cx: &Ctx<'_>, peering: &sdk::VpcPeeringConnection) -> Option<Resource> {
    let id = peering.vpc_peering_connection_id()?;
    let sides = [peering.requester_vpc_info(), peering.accepter_vpc_info()];
    let relations = sides
        .iter()
        .flatten()
        .filter_map(|side| foreign_vpc_arn(cx, side.vpc_id(), side.owner_id(), side.region()))
        .map(|vpc| Relation::new("connects", vpc))
        .collect();
    let side = |info: Option<&sdk::VpcPeeringConnectionVpcInfo>| {
        info.map(|i| {
            serde_json::json!({
                "vpc_id": i.vpc_id(),
                "owner_id": i.owner_id(),
                "region": i.region(),
                "cidr_block": i.cidr_block(),
            })
        })
    };
    let attrs = Attrs::default()
        .opt("status", peering.status().and_then(|s| s.code()).map(|c| c.as_str()))
        .opt("requester", side(peering.requester_vpc_info()))
        .opt("accepter", side(peering.accepter_vpc_info()));
    Some(cx.resource("vpc-peering-connection", id, peering.tags(), attrs, relations))
}

fn transit_gateway_attachment(cx: &Ctx<'_>, attachment: &sdk::TransitGatewayAttachment) -> Option<Resource> {
    let id = attachment.transit_gateway_attachment_id()?;
    let tgw_owner = attachment.transit_gateway_owner_id().unwrap_or(cx.account);
    let mut relations: Vec<Relation> = attachment
        .transit_gateway_id()
        .map(|tgw| Relation::new("attached-to", arn::ec2(cx.region, tgw_owner, "transit-gateway", tgw)))
        .into_iter()
        .collect();
    let resource_type = attachment.resource_type().map(|t| t.as_str());
    if resource_type == Some("vpc") {
        let vpc = foreign_vpc_arn(cx, attachment.resource_id(), attachment.resource_owner_id(), None);
        relations.extend(vpc.map(|v| Relation::new("in-vpc", v)));
    }
    let route_table = attachment
        .association()
        .and_then(|a| a.transit_gateway_route_table_id())
        .filter(|t| !t.is_empty());
    relations.extend(route_table.map(|t| {
        Relation::new(
            "associated-with",
            arn::ec2(cx.region, tgw_owner, "transit-gateway-route-table", t),
        )
    }));
    let attrs = Attrs::default()
        .opt("state", attachment.state().map(|s| s.as_str()))
        .opt("attached_resource_type", resource_type)
        .opt("attached_resource_id", attachment.resource_id())
        .opt("transit_gateway_owner_id", attachment.transit_gateway_owner_id());
    Some(cx.resource("transit-gateway-attachment", id, attachment.tags(), attrs, relations))
}

/// The subnets of a VPC attachment, which DescribeTransitGatewayAttachments does not give; merged
/// by ARN with the attachment read there.
fn transit_gateway_vpc_attachment(cx: &Ctx<'_>, attachment: &sdk::TransitGatewayVpcAttachment) -> Option<Resource> {
    let id = attachment.transit_gateway_attachment_id()?;
    let owner = attachment
        .vpc_owner_id()
        .filter(|o| !o.is_empty())
        .unwrap_or(cx.account);
    let mut relations: Vec<Relation> = attachment
        .subnet_ids()
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| Relation::new("in-subnet", arn::ec2(cx.region, owner, "subnet", s)))
        .collect();
    let vpc = foreign_vpc_arn(cx, attachment.vpc_id(), attachment.vpc_owner_id(), None);
    relations.extend(vpc.map(|v| Relation::new("in-vpc", v)));
    let attrs = Attrs::default().opt("state", attachment.state().map(|s| s.as_str()));
    Some(cx.resource("transit-gateway-attachment", id, attachment.tags(), attrs, relations))
}

fn transit_gateway_route_table(cx: &Ctx<'_>, table: &sdk::TransitGatewayRouteTable) -> Option<Resource> {
    let id = table.transit_gateway_route_table_id()?;
    let relations = cx
        .rel("in-transit-gateway", "transit-gateway", table.transit_gateway_id())
        .into_iter()
        .collect();
    let attrs = Attrs::default()
        .opt("state", table.state().map(|s| s.as_str()))
        .opt("default_association", table.default_association_route_table())
        .opt("default_propagation", table.default_propagation_route_table());
    Some(cx.resource("transit-gateway-route-table", id, table.tags(), attrs, relations))
}

/// Where a flow log delivers: the bucket, log group or stream ARN. An S3 destination may name a
/// folder inside the bucket; the relation points at the bucket.
fn flow_log_destination(cx: &Ctx<'_>, flow: &sdk::FlowLog) -> Option<String> {
    let destination = flow.log_destination().filter(|d| !d.is_empty());
    match (flow.log_destination_type().map(|t| t.as_str()), destination) {
        (Some("s3"), Some(dest)) => {
            // arn:PARTITION:s3:::BUCKET[/FOLDER...]
            let fields: Vec<&str> = dest.splitn(6, ':').collect();
            let (partition, resource) = (fields.get(1)?, fields.get(5)?);
            let bucket = resource.split('/').next().filter(|b| !b.is_empty())?;
            Some(arn::s3_bucket(partition, bucket))
        }
        (_, Some(dest)) => Some(dest.trim_end_matches(":*").to_owned()),
        (_, None) => flow.log_group_name().filter(|g| !g.is_empty()).map(|group| {
            format!(
                "arn:{}:logs:{}:{}:log-group:{group}",
                arn::partition_of(cx.region),
                cx.region,
                cx.account
            )
        }),
    }
}

fn flow_log(cx: &Ctx<'_>, flow: &sdk::FlowLog) -> Option<Resource> {
    let id = flow.flow_log_id()?;
    let mut relations: Vec<Relation> = Vec::new();
    if let Some(resource) = flow.resource_id().filter(|r| !r.is_empty()) {
        let relation = if resource.starts_with("vpc-") {
            Relation::new("in-vpc", cx.arn("vpc", resource))
        } else if resource.starts_with("subnet-") {
            Relation::new("in-subnet", cx.arn("subnet", resource))
        } else if resource.starts_with("eni-") {
            Relation::new("monitors", cx.arn("network-interface", resource))
        } else if resource.starts_with("tgw-attach-") {
            Relation::new("monitors", cx.arn("transit-gateway-attachment", resource))
        } else {
            Relation::new("monitors", cx.arn("transit-gateway", resource))
        };
        relations.push(relation);
    }
    relations.extend(flow_log_destination(cx, flow).map(|d| Relation::new("logs-to", d)));
    relations.extend(
        flow.deliver_logs_permission_arn()
            .filter(|r| r.starts_with("arn:"))
            .map(|role| Relation::new("uses-role", role)),
    );
    let attrs = Attrs::default()
        .opt("status", flow.flow_log_status())
        .opt("traffic_type", flow.traffic_type().map(|t| t.as_str()))
        .opt("destination_type", flow.log_destination_type().map(|t| t.as_str()))
        .opt("monitored_resource_id", flow.resource_id());
    Some(cx.resource("vpc-flow-log", id, flow.tags(), attrs, relations))
}

/// The domain name AWS's default DHCP options set gives a region.
fn default_domain_name(region: &str) -> String {
    if region == "us-east-1" {
        "ec2.internal".to_owned()
    } else {
        format!("{region}.compute.internal")
    }
}

fn dhcp_options(cx: &Ctx<'_>, options: &sdk::DhcpOptions) -> Option<Resource> {
    let id = options.dhcp_options_id()?;
    if options.owner_id().is_some_and(|owner| owner != cx.account) {
        return None;
    }
    let mut values: crate::model::SortedMap<serde_json::Value> = crate::model::SortedMap::new();
    for config in options.dhcp_configurations() {
        let Some(key) = config.key() else { continue };
        let mut list: Vec<&str> = config.values().iter().filter_map(|v| v.value()).collect();
        list.sort_unstable();
        values.insert(key.to_owned(), serde_json::json!(list));
    }
    // What AWS creates in every region of every account: Amazon's DNS and the region's
    // domain name, nothing else. A set with exactly these options is interchangeable with it.
    let is_default = values.len() == 2
        && values.get("domain-name-servers") == Some(&serde_json::json!(["AmazonProvidedDNS"]))
        && values.get("domain-name") == Some(&serde_json::json!([default_domain_name(cx.region)]));
    let attrs = Attrs::default()
        .set("is_default", is_default)
        .set("options", serde_json::to_value(values).unwrap_or_default());
    Some(cx.resource("dhcp-options", id, options.tags(), attrs, vec![]))
}

/// DescribeDhcpOptions does not say which VPCs use a set; DescribeVpcs does. The VPC part adds
/// the `associated-with` relation to the set's resource, merged by ARN with the set itself.
fn dhcp_options_of_vpc(cx: &Ctx<'_>, vpc: &sdk::Vpc) -> Option<Resource> {
    let vpc_id = vpc.vpc_id()?;
    let options = vpc.dhcp_options_id().filter(|d| !d.is_empty() && *d != "default")?;
    let relation = Relation::new("associated-with", cx.arn("vpc", vpc_id));
    let mut link = cx.resource("dhcp-options", options, &[], Attrs::default(), vec![relation]);
    link.name = None;
    Some(link)
}

fn launch_template(cx: &Ctx<'_>, template: &sdk::LaunchTemplate) -> Option<Resource> {
    let id = template.launch_template_id()?;
    let attrs = Attrs::default()
        .opt("launch_template_name", template.launch_template_name())
        .opt("default_version", template.default_version_number())
        .opt("latest_version", template.latest_version_number());
    let mut resource = cx.resource("launch-template", id, template.tags(), attrs, vec![]);
    if resource.name.is_none() {
        resource.name = template.launch_template_name().map(str::to_owned);
    }
    Some(resource)
}

/// Key pairs by name only: the private key never leaves AWS, and the public key is not asked for.
fn key_pair(cx: &Ctx<'_>, key: &sdk::KeyPairInfo) -> Option<Resource> {
    let id = key.key_pair_id().or(key.key_name())?;
    let attrs = Attrs::default()
        .opt("key_name", key.key_name())
        .opt("key_type", key.key_type().map(|t| t.as_str()));
    let mut resource = cx.resource("key-pair", id, key.tags(), attrs, vec![]);
    if resource.name.is_none() {
        resource.name = key.key_name().map(str::to_owned);
    }
    Some(resource)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CX: Ctx<'static> = Ctx {
        region: "eu-west-1",
        account: "111122223333",
    };

    fn tag(key: &str, value: &str) -> Tag {
        Tag::builder().key(key).value(value).build()
    }

    fn arn(kind: &str, id: &str) -> String {
        format!("arn:aws:ec2:eu-west-1:111122223333:{kind}/{id}")
    }

    fn relations(resource: &Resource) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = resource
            .relations
            .iter()
            .map(|r| (r.kind.clone(), r.arn.clone()))
            .collect();
        out.sort();
        out
    }

    fn rel(kind: &str, arn: String) -> (String, String) {
        (kind.to_owned(), arn)
    }

    #[test]
    fn parts_are_listed_once_in_order() {
        let names: Vec<&str> = Part::ALL.iter().map(|p| p.name()).collect();
        assert_eq!(names, PARTS);
        for part in Part::ALL {
            assert_eq!(Part::from_name(part.name()), Some(part));
        }
    }

    #[test]
    fn instance_is_in_its_subnet_vpc_and_groups() {
        let sdk = sdk::Instance::builder()
            .instance_id("i-1")
            .subnet_id("subnet-1")
            .vpc_id("vpc-1")
            .security_groups(sdk::GroupIdentifier::builder().group_id("sg-1").build())
            .state(
                sdk::InstanceState::builder()
                    .name(sdk::InstanceStateName::Running)
                    .build(),
            )
            .instance_type(sdk::InstanceType::T3Micro)
            .tags(tag("Name", "web"))
            .build();
        let r = instance(&CX, &sdk).unwrap();
        assert_eq!(r.arn, arn("instance", "i-1"));
        assert_eq!(r.name.as_deref(), Some("web"));
        assert_eq!(r.attributes["state"], "running");
        assert_eq!(r.attributes["instance_type"], "t3.micro");
        assert_eq!(
            relations(&r),
            vec![
                rel("has-security-group", arn("security-group", "sg-1")),
                rel("in-subnet", arn("subnet", "subnet-1")),
                rel("in-vpc", arn("vpc", "vpc-1")),
            ]
        );
        assert!(
            instance(&CX, &sdk::Instance::builder().build()).is_none(),
            "no id, no resource"
        );
    }

    #[test]
    fn instance_uses_its_instance_profile() {
        let profile = "arn:aws:iam::111122223333:instance-profile/app";
        let sdk = sdk::Instance::builder()
            .instance_id("i-2")
            .iam_instance_profile(sdk::IamInstanceProfile::builder().arn(profile).id("AIPA1").build())
            .build();
        let r = instance(&CX, &sdk).unwrap();
        assert_eq!(relations(&r), vec![rel("uses-instance-profile", profile.to_owned())]);
    }

    #[test]
    fn volume_names_its_instance_snapshot_and_key() {
        let sdk = sdk::Volume::builder()
            .volume_id("vol-1")
            .attachments(sdk::VolumeAttachment::builder().instance_id("i-1").build())
            .snapshot_id("snap-1")
            .encrypted(true)
            .kms_key_id("k1")
            .size(8)
            .build();
        let r = volume(&CX, &sdk).unwrap();
        assert_eq!(r.attributes["size_gib"], 8);
        assert_eq!(
            relations(&r),
            vec![
                rel("attached-to", arn("instance", "i-1")),
                rel("from-snapshot", arn("snapshot", "snap-1")),
                rel("uses-key", "arn:aws:kms:eu-west-1:111122223333:key/k1".into()),
            ]
        );
    }

    #[test]
    fn snapshots_of_other_owners_are_dropped() {
        let own = sdk::Snapshot::builder()
            .snapshot_id("snap-1")
            .owner_id("111122223333")
            .volume_id("vol-1")
            .description("")
            .build();
        let r = snapshot(&CX, &own).unwrap();
        assert_eq!(relations(&r), vec![rel("from-volume", arn("volume", "vol-1"))]);
        assert!(
            !r.attributes.contains_key("description"),
            "empty descriptions are left out"
        );
        let public = sdk::Snapshot::builder().snapshot_id("snap-2").owner_id("999").build();
        assert!(snapshot(&CX, &public).is_none());
    }

    #[test]
    fn image_is_encrypted_when_any_mapping_is() {
        let mapping = |snap: &str, encrypted: bool| {
            sdk::BlockDeviceMapping::builder()
                .ebs(
                    sdk::EbsBlockDevice::builder()
                        .snapshot_id(snap)
                        .encrypted(encrypted)
                        .build(),
                )
                .build()
        };
        let sdk = sdk::Image::builder()
            .image_id("ami-1")
            .block_device_mappings(mapping("snap-1", false))
            .block_device_mappings(mapping("snap-2", true))
            .build();
        let r = image(&CX, &sdk).unwrap();
        assert_eq!(r.attributes["encrypted"], true);
        assert_eq!(
            relations(&r),
            vec![
                rel("from-snapshot", arn("snapshot", "snap-1")),
                rel("from-snapshot", arn("snapshot", "snap-2")),
            ]
        );
    }

    #[test]
    fn vpc_subnet_and_group_facts() {
        let v = vpc(
            &CX,
            &sdk::Vpc::builder()
                .vpc_id("vpc-1")
                .is_default(true)
                .cidr_block("10.0.0.0/16")
                .build(),
        )
        .unwrap();
        assert_eq!(v.attributes["is_default"], true);
        assert!(v.relations.is_empty());
        let s = subnet(
            &CX,
            &sdk::Subnet::builder()
                .subnet_id("subnet-1")
                .vpc_id("vpc-1")
                .default_for_az(true)
                .build(),
        )
        .unwrap();
        assert_eq!(relations(&s), vec![rel("in-vpc", arn("vpc", "vpc-1"))]);
        assert_eq!(s.attributes["default_for_az"], true, "AWS made it with the default VPC");
        let g = security_group(
            &CX,
            &sdk::SecurityGroup::builder()
                .group_id("sg-1")
                .group_name("default")
                .vpc_id("vpc-1")
                .ip_permissions(sdk::IpPermission::builder().ip_protocol("tcp").build())
                .build(),
        )
        .unwrap();
        assert_eq!(g.attributes["ingress_rules"], 1);
        assert_eq!(g.attributes["egress_rules"], 0);
        assert_eq!(relations(&g), vec![rel("in-vpc", arn("vpc", "vpc-1"))]);
    }

    #[test]
    fn interface_address_and_gateways() {
        let eni = network_interface(
            &CX,
            &sdk::NetworkInterface::builder()
                .network_interface_id("eni-1")
                .attachment(sdk::NetworkInterfaceAttachment::builder().instance_id("i-1").build())
                .subnet_id("subnet-1")
                .tag_set(tag("Name", "n"))
                .build(),
        )
        .unwrap();
        assert_eq!(eni.name.as_deref(), Some("n"));
        assert_eq!(
            relations(&eni),
            vec![
                rel("attached-to", arn("instance", "i-1")),
                rel("in-subnet", arn("subnet", "subnet-1")),
            ]
        );
        let eip = address(
            &CX,
            &sdk::Address::builder()
                .allocation_id("eipalloc-1")
                .network_interface_id("eni-1")
                .association_id("eipassoc-1")
                .build(),
        )
        .unwrap();
        assert_eq!(eip.attributes["associated"], true);
        assert_eq!(
            relations(&eip),
            vec![rel("associated-with", arn("network-interface", "eni-1"))]
        );
        let nat = nat_gateway(
            &CX,
            &sdk::NatGateway::builder()
                .nat_gateway_id("nat-1")
                .subnet_id("subnet-1")
                .nat_gateway_addresses(
                    sdk::NatGatewayAddress::builder()
                        .allocation_id("eipalloc-1")
                        .public_ip("1.2.3.4")
                        .build(),
                )
                .build(),
        )
        .unwrap();
        assert_eq!(nat.attributes["public_ip"], "1.2.3.4");
        assert!(relations(&nat).contains(&rel("uses-address", arn("elastic-ip", "eipalloc-1"))));
        let igw = internet_gateway(
            &CX,
            &sdk::InternetGateway::builder()
                .internet_gateway_id("igw-1")
                .attachments(sdk::InternetGatewayAttachment::builder().vpc_id("vpc-1").build())
                .build(),
        )
        .unwrap();
        assert_eq!(igw.attributes["attached"], true);
        let shared = sdk::TransitGateway::builder()
            .transit_gateway_id("tgw-1")
            .owner_id("999")
            .build();
        assert!(
            transit_gateway(&CX, &shared).is_none(),
            "a shared transit gateway is not ours"
        );
    }

    #[test]
    fn route_table_names_its_vpc_subnets_and_each_route_target() {
        let route = |dest: &str| sdk::Route::builder().destination_cidr_block(dest);
        let sdk = sdk::RouteTable::builder()
            .route_table_id("rtb-1")
            .vpc_id("vpc-1")
            .associations(
                sdk::RouteTableAssociation::builder()
                    .subnet_id("subnet-1")
                    .main(false)
                    .build(),
            )
            .routes(route("10.0.0.0/16").gateway_id("local").build())
            .routes(route("0.0.0.0/0").gateway_id("igw-1").build())
            .routes(route("10.1.0.0/16").vpc_peering_connection_id("pcx-1").build())
            .routes(route("10.2.0.0/16").transit_gateway_id("tgw-1").build())
            .routes(route("10.3.0.0/16").nat_gateway_id("nat-1").build())
            .routes(
                sdk::Route::builder()
                    .destination_prefix_list_id("pl-1")
                    .gateway_id("vpce-1")
                    .build(),
            )
            .build();
        let r = route_table(&CX, &sdk).unwrap();
        assert_eq!(r.resource_type, "ec2:route-table");
        assert_eq!(r.attributes["main"], false);
        assert_eq!(r.attributes["subnet_associations"], 1);
        assert_eq!(
            relations(&r),
            vec![
                rel("associated-with", arn("subnet", "subnet-1")),
                rel("in-vpc", arn("vpc", "vpc-1")),
                rel("routes-to", arn("internet-gateway", "igw-1")),
                rel("routes-to", arn("natgateway", "nat-1")),
                rel("routes-to", arn("transit-gateway", "tgw-1")),
                rel("routes-to", arn("vpc-endpoint", "vpce-1")),
                rel("routes-to", arn("vpc-peering-connection", "pcx-1")),
            ]
        );
        let routes = r.attributes["routes"].as_array().unwrap();
        assert_eq!(routes.len(), 6);
        assert!(routes.contains(&serde_json::json!({"destination": "10.0.0.0/16", "target": "local", "state": null})));
        assert!(routes.contains(&serde_json::json!({"destination": "pl-1", "target": "vpce-1", "state": null})));

        let main = sdk::RouteTable::builder()
            .route_table_id("rtb-2")
            .vpc_id("vpc-1")
            .associations(sdk::RouteTableAssociation::builder().main(true).build())
            .build();
        let r = route_table(&CX, &main).unwrap();
        assert_eq!(r.attributes["main"], true, "the main route table is the one AWS made");
        assert_eq!(relations(&r), vec![rel("in-vpc", arn("vpc", "vpc-1"))]);
    }

    #[test]
    fn network_acl_counts_rules_and_names_its_subnets() {
        let entry = |egress: bool| sdk::NetworkAclEntry::builder().egress(egress).rule_number(100).build();
        let sdk = sdk::NetworkAcl::builder()
            .network_acl_id("acl-1")
            .vpc_id("vpc-1")
            .is_default(true)
            .entries(entry(false))
            .entries(entry(true))
            .entries(entry(true))
            .associations(sdk::NetworkAclAssociation::builder().subnet_id("subnet-1").build())
            .build();
        let r = network_acl(&CX, &sdk).unwrap();
        assert_eq!(r.attributes["is_default"], true);
        assert_eq!(r.attributes["ingress_rules"], 1);
        assert_eq!(r.attributes["egress_rules"], 2);
        assert_eq!(
            relations(&r),
            vec![
                rel("associated-with", arn("subnet", "subnet-1")),
                rel("in-vpc", arn("vpc", "vpc-1")),
            ]
        );
    }

    #[test]
    fn vpc_endpoint_names_its_vpc_subnets_groups_and_route_tables() {
        let sdk = sdk::VpcEndpoint::builder()
            .vpc_endpoint_id("vpce-1")
            .vpc_id("vpc-1")
            .vpc_endpoint_type(sdk::VpcEndpointType::Interface)
            .service_name("com.amazonaws.eu-west-1.sqs")
            .subnet_ids("subnet-1")
            .groups(sdk::SecurityGroupIdentifier::builder().group_id("sg-1").build())
            .route_table_ids("rtb-1")
            .policy_document("{}")
            .build();
        let r = vpc_endpoint(&CX, &sdk).unwrap();
        assert_eq!(r.attributes["endpoint_type"], "Interface");
        assert_eq!(r.attributes["service_name"], "com.amazonaws.eu-west-1.sqs");
        assert_eq!(r.attributes["has_policy"], true);
        assert_eq!(
            relations(&r),
            vec![
                rel("associated-with", arn("route-table", "rtb-1")),
                rel("has-security-group", arn("security-group", "sg-1")),
                rel("in-subnet", arn("subnet", "subnet-1")),
                rel("in-vpc", arn("vpc", "vpc-1")),
            ]
        );
    }

    #[test]
    fn peering_connects_both_vpcs_in_their_own_account_and_region() {
        let info = |vpc: &str, owner: &str, region: &str| {
            sdk::VpcPeeringConnectionVpcInfo::builder()
                .vpc_id(vpc)
                .owner_id(owner)
                .region(region)
                .build()
        };
        let sdk = sdk::VpcPeeringConnection::builder()
            .vpc_peering_connection_id("pcx-1")
            .requester_vpc_info(info("vpc-1", "111122223333", "eu-west-1"))
            .accepter_vpc_info(info("vpc-9", "444455556666", "us-east-1"))
            .status(
                sdk::VpcPeeringConnectionStateReason::builder()
                    .code(sdk::VpcPeeringConnectionStateReasonCode::Active)
                    .build(),
            )
            .build();
        let r = vpc_peering_connection(&CX, &sdk).unwrap();
        assert_eq!(r.attributes["status"], "active");
        assert_eq!(r.attributes["accepter"]["owner_id"], "444455556666");
        assert_eq!(
            relations(&r),
            vec![
                rel("connects", arn("vpc", "vpc-1")),
                rel("connects", "arn:aws:ec2:us-east-1:444455556666:vpc/vpc-9".into()),
            ]
        );
    }

    #[test]
    fn transit_gateway_attachment_and_its_vpc_part_merge_into_one_resource() {
        let sdk = sdk::TransitGatewayAttachment::builder()
            .transit_gateway_attachment_id("tgw-attach-1")
            .transit_gateway_id("tgw-1")
            .transit_gateway_owner_id("444455556666")
            .resource_type(sdk::TransitGatewayAttachmentResourceType::Vpc)
            .resource_id("vpc-1")
            .resource_owner_id("111122223333")
            .association(
                sdk::TransitGatewayAttachmentAssociation::builder()
                    .transit_gateway_route_table_id("tgw-rtb-1")
                    .build(),
            )
            .tags(tag("Environment", "prod"))
            .build();
        let general = transit_gateway_attachment(&CX, &sdk).unwrap();
        assert_eq!(general.attributes["attached_resource_type"], "vpc");
        assert_eq!(
            relations(&general),
            vec![
                rel(
                    "associated-with",
                    "arn:aws:ec2:eu-west-1:444455556666:transit-gateway-route-table/tgw-rtb-1".into()
                ),
                rel(
                    "attached-to",
                    "arn:aws:ec2:eu-west-1:444455556666:transit-gateway/tgw-1".into()
                ),
                rel("in-vpc", arn("vpc", "vpc-1")),
            ]
        );
        let vpc_part = sdk::TransitGatewayVpcAttachment::builder()
            .transit_gateway_attachment_id("tgw-attach-1")
            .vpc_id("vpc-1")
            .subnet_ids("subnet-1")
            .subnet_ids("subnet-2")
            .tags(tag("Environment", "prod"))
            .build();
        let subnets = transit_gateway_vpc_attachment(&CX, &vpc_part).unwrap();
        assert_eq!(subnets.arn, general.arn);
        let merged = crate::scan::merge::merge(vec![general, subnets]);
        assert_eq!(merged.len(), 1);
        assert_eq!(
            relations(&merged[0])
                .into_iter()
                .filter(|(k, _)| k == "in-subnet")
                .collect::<Vec<_>>(),
            vec![
                rel("in-subnet", arn("subnet", "subnet-1")),
                rel("in-subnet", arn("subnet", "subnet-2")),
            ]
        );
    }

    #[test]
    fn transit_gateway_route_table_is_in_its_gateway() {
        let sdk = sdk::TransitGatewayRouteTable::builder()
            .transit_gateway_route_table_id("tgw-rtb-1")
            .transit_gateway_id("tgw-1")
            .default_association_route_table(true)
            .build();
        let r = transit_gateway_route_table(&CX, &sdk).unwrap();
        assert_eq!(r.attributes["default_association"], true);
        assert_eq!(
            relations(&r),
            vec![rel("in-transit-gateway", arn("transit-gateway", "tgw-1"))]
        );
    }

    #[test]
    fn flow_log_relates_what_it_watches_and_where_it_writes() {
        let to_s3 = sdk::FlowLog::builder()
            .flow_log_id("fl-1")
            .resource_id("vpc-1")
            .log_destination_type(sdk::LogDestinationType::S3)
            .log_destination("arn:aws:s3:::flow-bucket/vpc/logs")
            .traffic_type(sdk::TrafficType::All)
            .build();
        let r = flow_log(&CX, &to_s3).unwrap();
        assert_eq!(r.resource_type, "ec2:vpc-flow-log");
        assert_eq!(r.attributes["traffic_type"], "ALL");
        assert_eq!(
            relations(&r),
            vec![
                rel("in-vpc", arn("vpc", "vpc-1")),
                rel("logs-to", "arn:aws:s3:::flow-bucket".into()),
            ]
        );
        let to_logs = sdk::FlowLog::builder()
            .flow_log_id("fl-2")
            .resource_id("subnet-1")
            .log_destination_type(sdk::LogDestinationType::CloudWatchLogs)
            .log_group_name("vpc-flows")
            .deliver_logs_permission_arn("arn:aws:iam::111122223333:role/flow-logs")
            .build();
        let r = flow_log(&CX, &to_logs).unwrap();
        assert_eq!(
            relations(&r),
            vec![
                rel("in-subnet", arn("subnet", "subnet-1")),
                rel(
                    "logs-to",
                    "arn:aws:logs:eu-west-1:111122223333:log-group:vpc-flows".into()
                ),
                rel("uses-role", "arn:aws:iam::111122223333:role/flow-logs".into()),
            ]
        );
        let eni = sdk::FlowLog::builder().flow_log_id("fl-3").resource_id("eni-1").build();
        assert_eq!(
            relations(&flow_log(&CX, &eni).unwrap()),
            vec![rel("monitors", arn("network-interface", "eni-1"))]
        );
    }

    #[test]
    fn dhcp_options_shaped_like_aws_default_are_marked_and_linked_to_their_vpcs() {
        let config = |key: &str, values: &[&str]| {
            let mut b = sdk::DhcpConfiguration::builder().key(key);
            for v in values {
                b = b.values(sdk::AttributeValue::builder().value(*v).build());
            }
            b.build()
        };
        let aws_default = sdk::DhcpOptions::builder()
            .dhcp_options_id("dopt-1")
            .owner_id("111122223333")
            .dhcp_configurations(config("domain-name", &["eu-west-1.compute.internal"]))
            .dhcp_configurations(config("domain-name-servers", &["AmazonProvidedDNS"]))
            .build();
        let r = dhcp_options(&CX, &aws_default).unwrap();
        assert_eq!(r.attributes["is_default"], true);
        assert_eq!(
            r.attributes["options"]["domain-name-servers"],
            serde_json::json!(["AmazonProvidedDNS"])
        );
        let custom = sdk::DhcpOptions::builder()
            .dhcp_options_id("dopt-2")
            .dhcp_configurations(config("domain-name", &["corp.example"]))
            .dhcp_configurations(config("domain-name-servers", &["10.0.0.2", "10.0.0.1"]))
            .build();
        let r = dhcp_options(&CX, &custom).unwrap();
        assert_eq!(r.attributes["is_default"], false);
        assert_eq!(
            r.attributes["options"]["domain-name-servers"],
            serde_json::json!(["10.0.0.1", "10.0.0.2"])
        );
        let foreign = sdk::DhcpOptions::builder()
            .dhcp_options_id("dopt-3")
            .owner_id("999")
            .build();
        assert!(dhcp_options(&CX, &foreign).is_none());

        let using = sdk::Vpc::builder().vpc_id("vpc-1").dhcp_options_id("dopt-2").build();
        let link = dhcp_options_of_vpc(&CX, &using).unwrap();
        assert_eq!(link.arn, arn("dhcp-options", "dopt-2"));
        assert_eq!(relations(&link), vec![rel("associated-with", arn("vpc", "vpc-1"))]);
        let none = sdk::Vpc::builder().vpc_id("vpc-2").dhcp_options_id("default").build();
        assert!(
            dhcp_options_of_vpc(&CX, &none).is_none(),
            "`default` means no options set"
        );
        let merged = crate::scan::merge::merge(vec![link, r_with_tags(&custom)]);
        assert_eq!(merged.len(), 1);
        assert_eq!(merged[0].name.as_deref(), Some("corp"));
        assert_eq!(merged[0].attributes["is_default"], false);
    }

    fn r_with_tags(options: &sdk::DhcpOptions) -> Resource {
        let mut tagged = options.clone();
        tagged.tags = Some(vec![tag("Name", "corp")]);
        dhcp_options(&CX, &tagged).unwrap()
    }

    #[test]
    fn launch_templates_and_key_pairs_are_named_without_secrets() {
        let sdk = sdk::LaunchTemplate::builder()
            .launch_template_id("lt-1")
            .launch_template_name("web-prod")
            .default_version_number(1)
            .latest_version_number(3)
            .build();
        let r = launch_template(&CX, &sdk).unwrap();
        assert_eq!(r.arn, arn("launch-template", "lt-1"));
        assert_eq!(r.name.as_deref(), Some("web-prod"));
        assert_eq!(r.attributes["latest_version"], 3);
        let key = sdk::KeyPairInfo::builder()
            .key_pair_id("key-1")
            .key_name("deploy")
            .key_type(sdk::KeyType::Ed25519)
            .key_fingerprint("aa:bb")
            .public_key("ssh-ed25519 AAAA")
            .build();
        let r = key_pair(&CX, &key).unwrap();
        assert_eq!(r.arn, arn("key-pair", "key-1"));
        assert_eq!(r.name.as_deref(), Some("deploy"));
        let keys: Vec<&String> = r.attributes.keys().collect();
        assert_eq!(keys, ["key_name", "key_type"], "no key material or fingerprint");
    }

    /// moto answers most EC2 describe calls in one page, so pagination is tested against this
    /// fake: every operation answers two pages of one item each, the first with a `nextToken`.
    mod two_pages {
        use aws_smithy_runtime_api::client::http::{
            HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
        };
        use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
        use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
        use aws_smithy_types::body::SdkBody;

        use super::super::*;

        /// (operation, list element, id element) of every paginated operation but
        /// DescribeInstances, whose instances sit inside reservations.
        const SHAPES: &[(&str, &str, &str)] = &[
            ("DescribeVolumes", "volumeSet", "volumeId"),
            ("DescribeSnapshots", "snapshotSet", "snapshotId"),
            ("DescribeImages", "imagesSet", "imageId"),
            ("DescribeVpcs", "vpcSet", "vpcId"),
            ("DescribeSubnets", "subnetSet", "subnetId"),
            ("DescribeSecurityGroups", "securityGroupInfo", "groupId"),
            ("DescribeNetworkInterfaces", "networkInterfaceSet", "networkInterfaceId"),
            ("DescribeNatGateways", "natGatewaySet", "natGatewayId"),
            ("DescribeInternetGateways", "internetGatewaySet", "internetGatewayId"),
            ("DescribeTransitGateways", "transitGatewaySet", "transitGatewayId"),
            ("DescribeRouteTables", "routeTableSet", "routeTableId"),
            ("DescribeNetworkAcls", "networkAclSet", "networkAclId"),
            ("DescribeVpcEndpoints", "vpcEndpointSet", "vpcEndpointId"),
            (
                "DescribeVpcPeeringConnections",
                "vpcPeeringConnectionSet",
                "vpcPeeringConnectionId",
            ),
            (
                "DescribeTransitGatewayAttachments",
                "transitGatewayAttachments",
                "transitGatewayAttachmentId",
            ),
            (
                "DescribeTransitGatewayVpcAttachments",
                "transitGatewayVpcAttachments",
                "transitGatewayAttachmentId",
            ),
            (
                "DescribeTransitGatewayRouteTables",
                "transitGatewayRouteTables",
                "transitGatewayRouteTableId",
            ),
            ("DescribeFlowLogs", "flowLogSet", "flowLogId"),
            ("DescribeDhcpOptions", "dhcpOptionsSet", "dhcpOptionsId"),
            ("DescribeLaunchTemplates", "launchTemplates", "launchTemplateId"),
        ];

        #[derive(Debug, Clone)]
        struct TwoPages;

        fn page(body: &str) -> String {
            let field = |name: &str| crate::aws::collectors::fake_pages::query_field(body, name);
            let operation = field("Action");
            let second = field("NextToken") == "page2";
            let n = if second { 2 } else { 1 };
            let items = if operation == "DescribeInstances" {
                format!(
                    "<reservationSet><item><instancesSet><item><instanceId>i-{n}</instanceId></item></instancesSet></item></reservationSet>"
                )
            } else {
                let (_, list, id) = SHAPES
                    .iter()
                    .find(|(op, _, _)| *op == operation)
                    .unwrap_or_else(|| panic!("no fake page for {operation}"));
                format!("<{list}><item><{id}>x-{n}</{id}></item></{list}>")
            };
            let token = if second { "" } else { "<nextToken>page2</nextToken>" };
            format!(
                "<{operation}Response xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>r</requestId>{items}{token}</{operation}Response>"
            )
        }

        impl HttpConnector for TwoPages {
            fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
                let body = std::str::from_utf8(request.body().bytes().unwrap_or_default()).unwrap_or_default();
                let response = HttpResponse::new(200u16.try_into().unwrap(), SdkBody::from(page(body)));
                HttpConnectorFuture::ready(Ok(response))
            }
        }

        impl HttpClient for TwoPages {
            fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
                SharedHttpConnector::new(self.clone())
            }
        }

        fn client() -> Client {
            let conf = aws_sdk_ec2::Config::builder()
                .behavior_version(aws_sdk_ec2::config::BehaviorVersion::latest())
                .region(aws_sdk_ec2::config::Region::new("eu-west-1"))
                .credentials_provider(aws_sdk_ec2::config::Credentials::new("a", "b", None, None, "test"))
                .http_client(TwoPages)
                .build();
            Client::from_conf(conf)
        }

        #[test]
        fn every_paginated_part_reads_the_second_page() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            let client = client();
            for part in Part::ALL {
                if matches!(part, Part::Addresses | Part::KeyPairs) {
                    continue; // not paginated in AWS: one request returns everything
                }
                let result = rt.block_on(describe(&client, "eu-west-1", "111122223333", part));
                assert!(result.error.is_none(), "{}: {:?}", part.name(), result.error);
                assert_eq!(result.requests, 2, "{}", part.name());
                let ids: Vec<&str> = result.resources.iter().map(|r| r.id.as_str()).collect();
                assert_eq!(ids.len(), 2, "{}: {ids:?}", part.name());
                assert!(ids[1].ends_with("-2"), "{}: {ids:?}", part.name());
            }
        }
    }
}
