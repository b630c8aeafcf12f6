//! EC2 depth: region discovery and one describe operation per resource family, every page,
//! turned into inventory resources with their relations (instance in subnet, volume attached
//! to instance, snapshot from volume...) and the attributes the runbook needs.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, Tag};

use super::ApiError;
use super::paginate::{Attrs, paginate};
use crate::model::{Relation, Resource, Source};
use crate::scan::arn;
use crate::scan::{Ec2Kind, UnitResult};

/// Regions the account can use, and opt-in regions it has not enabled.
pub async fn regions(client: &Client, home: &str) -> Result<(Vec<String>, Vec<String>), ApiError> {
    let out = client
        .describe_regions()
        .all_regions(true)
        .send()
        .await
        .map_err(|e| ApiError::from_sdk("DescribeRegions", home, e))?;
    let (mut enabled, mut disabled) = (Vec::new(), Vec::new());
    for region in out.regions() {
        let Some(name) = region.region_name() else { continue };
        if region.opt_in_status() == Some("not-opted-in") {
            disabled.push(name.to_owned());
        } else {
            enabled.push(name.to_owned());
        }
    }
    enabled.sort();
    disabled.sort();
    Ok((enabled, disabled))
}

/// Facts every EC2 resource of one (region, account) shares.
struct Scope<'a> {
    region: &'a str,
    account: &'a str,
}

impl Scope<'_> {
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

/// Runs one describe operation over every page.
pub async fn describe(client: &Client, region: &str, account: &str, kind: Ec2Kind) -> UnitResult {
    let scope = Scope { region, account };
    let mut out = Vec::new();
    let (requests, error) = match kind {
        Ec2Kind::Instances => paginate!(
            client.describe_instances().max_results(1000),
            "DescribeInstances",
            region,
            |page| {
                for instance in page.reservations().iter().flat_map(|r| r.instances()) {
                    let Some(id) = instance.instance_id() else { continue };
                    let mut relations: Vec<Relation> = [
                        scope.rel("in-subnet", "subnet", instance.subnet_id()),
                        scope.rel("in-vpc", "vpc", instance.vpc_id()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    relations.extend(
                        instance
                            .security_groups()
                            .iter()
                            .filter_map(|g| scope.rel("has-security-group", "security-group", g.group_id())),
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
                    out.push(scope.resource("instance", id, instance.tags(), attrs, relations));
                }
            }
        ),
        Ec2Kind::Volumes => paginate!(
            client.describe_volumes().max_results(500),
            "DescribeVolumes",
            region,
            |page| {
                for volume in page.volumes() {
                    let Some(id) = volume.volume_id() else { continue };
                    let mut relations: Vec<Relation> = volume
                        .attachments()
                        .iter()
                        .filter_map(|a| scope.rel("attached-to", "instance", a.instance_id()))
                        .collect();
                    relations.extend(scope.rel("from-snapshot", "snapshot", volume.snapshot_id()));
                    relations.extend(scope.key_rel(volume.kms_key_id()));
                    let attrs = Attrs::default()
                        .opt("state", volume.state().map(|s| s.as_str()))
                        .opt("size_gib", volume.size())
                        .opt("volume_type", volume.volume_type().map(|t| t.as_str()))
                        .opt("encrypted", volume.encrypted())
                        .opt("kms_key_id", volume.kms_key_id())
                        .opt("availability_zone", volume.availability_zone());
                    out.push(scope.resource("volume", id, volume.tags(), attrs, relations));
                }
            }
        ),
        Ec2Kind::Snapshots => {
            // `OwnerIds=self` is what AWS documents, but the emulator ignores it; the
            // owner-id filter means the same on both.
            let request = client
                .describe_snapshots()
                .filters(Filter::builder().name("owner-id").values(account).build())
                .max_results(1000);
            paginate!(request, "DescribeSnapshots", region, |page| {
                for snapshot in page.snapshots() {
                    let Some(id) = snapshot.snapshot_id() else { continue };
                    if snapshot.owner_id().is_some_and(|owner| owner != account) {
                        continue;
                    }
                    let relations: Vec<Relation> = [
                        scope.rel("from-volume", "volume", snapshot.volume_id()),
                        scope.key_rel(snapshot.kms_key_id()),
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
                    out.push(scope.resource("snapshot", id, snapshot.tags(), attrs, relations));
                }
            })
        }
        Ec2Kind::Images => {
            let request = client.describe_images().owners("self").max_results(1000);
            paginate!(request, "DescribeImages", region, |page| {
                for image in page.images() {
                    let Some(id) = image.image_id() else { continue };
                    let ebs: Vec<_> = image.block_device_mappings().iter().filter_map(|m| m.ebs()).collect();
                    let mut relations: Vec<Relation> = ebs
                        .iter()
                        .filter_map(|e| scope.rel("from-snapshot", "snapshot", e.snapshot_id()))
                        .collect();
                    relations.extend(ebs.iter().filter_map(|e| scope.key_rel(e.kms_key_id())));
                    let encrypted = ebs.iter().any(|e| e.encrypted() == Some(true));
                    let attrs = Attrs::default()
                        .opt("state", image.state().map(|s| s.as_str()))
                        .opt("image_name", image.name())
                        .opt("root_device_type", image.root_device_type().map(|t| t.as_str()))
                        .opt("public", image.public())
                        .set("encrypted", encrypted);
                    out.push(scope.resource("image", id, image.tags(), attrs, relations));
                }
            })
        }
        Ec2Kind::Vpcs => paginate!(
            client.describe_vpcs().max_results(1000),
            "DescribeVpcs",
            region,
            |page| {
                for vpc in page.vpcs() {
                    let Some(id) = vpc.vpc_id() else { continue };
                    let attrs = Attrs::default()
                        .opt("state", vpc.state().map(|s| s.as_str()))
                        .opt("cidr_block", vpc.cidr_block())
                        .opt("is_default", vpc.is_default());
                    out.push(scope.resource("vpc", id, vpc.tags(), attrs, vec![]));
                }
            }
        ),
        Ec2Kind::Subnets => paginate!(
            client.describe_subnets().max_results(1000),
            "DescribeSubnets",
            region,
            |page| {
                for subnet in page.subnets() {
                    let Some(id) = subnet.subnet_id() else { continue };
                    let relations = scope.rel("in-vpc", "vpc", subnet.vpc_id()).into_iter().collect();
                    let attrs = Attrs::default()
                        .opt("state", subnet.state().map(|s| s.as_str()))
                        .opt("cidr_block", subnet.cidr_block())
                        .opt("availability_zone", subnet.availability_zone())
                        .opt("map_public_ip_on_launch", subnet.map_public_ip_on_launch());
                    out.push(scope.resource("subnet", id, subnet.tags(), attrs, relations));
                }
            }
        ),
        Ec2Kind::SecurityGroups => {
            paginate!(
                client.describe_security_groups().max_results(1000),
                "DescribeSecurityGroups",
                region,
                |page| {
                    for group in page.security_groups() {
                        let Some(id) = group.group_id() else { continue };
                        let relations = scope.rel("in-vpc", "vpc", group.vpc_id()).into_iter().collect();
                        let attrs = Attrs::default()
                            .opt("group_name", group.group_name())
                            .opt("description", group.description())
                            .set("ingress_rules", group.ip_permissions().len() as u64)
                            .set("egress_rules", group.ip_permissions_egress().len() as u64);
                        out.push(scope.resource("security-group", id, group.tags(), attrs, relations));
                    }
                }
            )
        }
        Ec2Kind::NetworkInterfaces => {
            let request = client.describe_network_interfaces().max_results(1000);
            paginate!(request, "DescribeNetworkInterfaces", region, |page| {
                for eni in page.network_interfaces() {
                    let Some(id) = eni.network_interface_id() else { continue };
                    let mut relations: Vec<Relation> = [
                        scope.rel(
                            "attached-to",
                            "instance",
                            eni.attachment().and_then(|a| a.instance_id()),
                        ),
                        scope.rel("in-subnet", "subnet", eni.subnet_id()),
                        scope.rel("in-vpc", "vpc", eni.vpc_id()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    relations.extend(
                        eni.groups()
                            .iter()
                            .filter_map(|g| scope.rel("has-security-group", "security-group", g.group_id())),
                    );
                    let attrs = Attrs::default()
                        .opt("status", eni.status().map(|s| s.as_str()))
                        .opt("interface_type", eni.interface_type().map(|t| t.as_str()))
                        .opt("private_ip", eni.private_ip_address())
                        .opt("public_ip", eni.association().and_then(|a| a.public_ip()));
                    out.push(scope.resource("network-interface", id, eni.tag_set(), attrs, relations));
                }
            })
        }
        Ec2Kind::Addresses => {
            // DescribeAddresses has no pagination: one request returns every address.
            let result = client.describe_addresses().send().await;
            match result {
                Ok(page) => {
                    for address in page.addresses() {
                        let Some(id) = address.allocation_id().or(address.public_ip()) else {
                            continue;
                        };
                        let relations: Vec<Relation> = [
                            scope.rel("associated-with", "instance", address.instance_id()),
                            scope.rel("associated-with", "network-interface", address.network_interface_id()),
                        ]
                        .into_iter()
                        .flatten()
                        .collect();
                        let attrs = Attrs::default()
                            .opt("public_ip", address.public_ip())
                            .opt("domain", address.domain().map(|d| d.as_str()))
                            .set("associated", address.association_id().is_some());
                        out.push(scope.resource("elastic-ip", id, address.tags(), attrs, relations));
                    }
                    (1, None)
                }
                Err(err) => (1, Some(ApiError::from_sdk("DescribeAddresses", region, err))),
            }
        }
        Ec2Kind::NatGateways => paginate!(
            client.describe_nat_gateways().max_results(1000),
            "DescribeNatGateways",
            region,
            |page| {
                for nat in page.nat_gateways() {
                    let Some(id) = nat.nat_gateway_id() else { continue };
                    let mut relations: Vec<Relation> = [
                        scope.rel("in-subnet", "subnet", nat.subnet_id()),
                        scope.rel("in-vpc", "vpc", nat.vpc_id()),
                    ]
                    .into_iter()
                    .flatten()
                    .collect();
                    relations.extend(
                        nat.nat_gateway_addresses()
                            .iter()
                            .filter_map(|a| scope.rel("uses-address", "elastic-ip", a.allocation_id())),
                    );
                    let public_ip = nat.nat_gateway_addresses().iter().find_map(|a| a.public_ip());
                    let attrs = Attrs::default()
                        .opt("state", nat.state().map(|s| s.as_str()))
                        .opt("connectivity_type", nat.connectivity_type().map(|t| t.as_str()))
                        .opt("public_ip", public_ip);
                    out.push(scope.resource("natgateway", id, nat.tags(), attrs, relations));
                }
            }
        ),
        Ec2Kind::InternetGateways => {
            let request = client.describe_internet_gateways().max_results(1000);
            paginate!(request, "DescribeInternetGateways", region, |page| {
                for igw in page.internet_gateways() {
                    let Some(id) = igw.internet_gateway_id() else { continue };
                    let relations = igw
                        .attachments()
                        .iter()
                        .filter_map(|a| scope.rel("in-vpc", "vpc", a.vpc_id()))
                        .collect();
                    let attrs = Attrs::default().set("attached", !igw.attachments().is_empty());
                    out.push(scope.resource("internet-gateway", id, igw.tags(), attrs, relations));
                }
            })
        }
        Ec2Kind::TransitGateways => {
            let request = client.describe_transit_gateways().max_results(1000);
            paginate!(request, "DescribeTransitGateways", region, |page| {
                for tgw in page.transit_gateways() {
                    let Some(id) = tgw.transit_gateway_id() else { continue };
                    if tgw.owner_id().is_some_and(|owner| owner != account) {
                        continue;
                    }
                    let attrs = Attrs::default().opt("state", tgw.state().map(|s| s.as_str()));
                    out.push(scope.resource("transit-gateway", id, tgw.tags(), attrs, vec![]));
                }
            })
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
