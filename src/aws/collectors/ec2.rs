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
}

impl Part {
    const ALL: [Part; 12] = [
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
];

const ACTIONS: &[Action] = &[
    action("EC2", "DescribeAddresses", "ec2:DescribeAddresses"),
    action("EC2", "DescribeImages", "ec2:DescribeImages"),
    action("EC2", "DescribeInstances", "ec2:DescribeInstances"),
    action("EC2", "DescribeInternetGateways", "ec2:DescribeInternetGateways"),
    action("EC2", "DescribeNatGateways", "ec2:DescribeNatGateways"),
    action("EC2", "DescribeNetworkInterfaces", "ec2:DescribeNetworkInterfaces"),
    action("EC2", "DescribeSecurityGroups", "ec2:DescribeSecurityGroups"),
    action("EC2", "DescribeSnapshots", "ec2:DescribeSnapshots"),
    action("EC2", "DescribeSubnets", "ec2:DescribeSubnets"),
    action("EC2", "DescribeTransitGateways", "ec2:DescribeTransitGateways"),
    action("EC2", "DescribeVolumes", "ec2:DescribeVolumes"),
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
        // Instances; EBS, snapshots, NAT gateways and Elastic IPs; VPC features
        // (endpoints, transit gateways, public IPv4 addresses).
        &[
            "Amazon Elastic Compute Cloud - Compute",
            "EC2 - Other",
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
            &sdk::Subnet::builder().subnet_id("subnet-1").vpc_id("vpc-1").build(),
        )
        .unwrap();
        assert_eq!(relations(&s), vec![rel("in-vpc", arn("vpc", "vpc-1"))]);
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
}
