//! Workloads and move units (documented in `docs/workloads.md`).
//!
//! A **move unit** is what must move as one, in one step, with one method: an instance with
//! its attached volumes, network interfaces and Elastic IPs (the AMI carries the volumes); an
//! AMI with its snapshots; a database with its subnet, parameter and option groups; a function
//! with its event source mappings and a role no other unit uses; a bucket with its replication
//! role. Every other moving resource is a unit of its own, except the network (VPCs, subnets,
//! route tables, gateways, endpoints, security groups), which is one landing-network unit per
//! (target, region), and the roles, keys, secrets and certificates several units share, which
//! are one identities unit per target.
//!
//! A **workload** is the application a unit belongs to, by the first evidence that holds: an
//! application tag, the CloudFormation stack that owns it, a shared name stem, or a hard
//! dependency on a unit that has a workload. Units without evidence form one workload per
//! target, region and VPC. Ids come from names (`dev/payments`, `dev/web-dev-01`), never from
//! positions, so a review decision renumbers nothing that did not change.

use std::collections::{BTreeMap, BTreeSet};

use super::engine::region_of;
use super::graph::{FastMap, Graph};
use super::methods::{self, Stage};
use super::rules::Rules;
use crate::model::{
    CidrOverlap, Dependency, LandingNetwork, MoveUnit, Shared, SubnetLayout, UnitKind, VpcLayout, VpcPlace, Workload,
    WorkloadKind,
};

/// The relation from a CloudFormation stack to each resource it owns (`ListStackResources`).
/// The CloudFormation collector (issue 14) writes it; if it names the kind differently, this
/// constant is the one place to change.
pub const STACK_OWNS: &str = "owns";
/// The resource type of a CloudFormation stack.
pub const STACK_TYPE: &str = "cloudformation:stack";

/// Types that make up a landing network: built once per (target, region), before any
/// application moves there.
pub(crate) const NETWORK_TYPES: &[&str] = &[
    "ec2:vpc",
    "ec2:subnet",
    "ec2:route-table",
    "ec2:network-acl",
    "ec2:internet-gateway",
    "ec2:egress-only-internet-gateway",
    "ec2:natgateway",
    "ec2:vpc-endpoint",
    "ec2:vpc-peering-connection",
    "ec2:transit-gateway",
    "ec2:transit-gateway-attachment",
    "ec2:transit-gateway-route-table",
    "ec2:vpn-gateway",
    "ec2:dhcp-options",
    "ec2:security-group",
];

/// Relation kinds through which a resource sits in a network container: they join nothing
/// into a workload (every application in a VPC uses it).
const CONTAINER_KINDS: &[&str] = &["in-vpc", "in-subnet", "has-security-group"];

/// The parts of a VPC that route and connect it, which a landing network recreates with it.
const ROUTING_TYPES: &[&str] = &[
    "ec2:route-table",
    "ec2:internet-gateway",
    "ec2:egress-only-internet-gateway",
    "ec2:natgateway",
    "ec2:vpc-endpoint",
    "ec2:network-acl",
    "ec2:vpc-peering-connection",
    "ec2:transit-gateway-attachment",
];

/// Where a moving resource goes before units are formed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Stays,
    Network,
    Identity,
    /// In the unit of the resource at this index (itself when it is an anchor).
    In(u32),
}

/// Evidence that places a unit in a workload, strongest first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Evidence {
    Tag { key: String, value: String },
    Stack { stack: String },
    Stem { stem: String },
    Dependency { via: u32 },
}

/// The plan's workloads, units and landing networks, and for each resource its unit.
pub(crate) struct Grouping {
    pub workloads: Vec<Workload>,
    pub units: Vec<MoveUnit>,
    pub landing_networks: Vec<LandingNetwork>,
    pub cidr_overlaps: Vec<CidrOverlap>,
    /// Index into `units` of each resource's unit.
    pub of_resource: Vec<Option<u32>>,
}

/// What the grouping reads.
pub(crate) struct Input<'p, 'a> {
    pub graph: &'p Graph<'a>,
    pub rules: &'p Rules,
    /// Target index of each resource that moves; `None` when it stays.
    pub moving: &'p [Option<usize>],
    /// The final target of every resource (staying ones too).
    pub target_of: &'p [usize],
    /// Placed by a log purpose (CloudTrail, Config delivery).
    pub log_archive: &'p [bool],
    pub target_names: &'p [Shared],
    pub arns: &'p [Shared],
}

/// Lower-case, `[a-z0-9-]` only, no leading, trailing or doubled dashes, at most 60
/// characters (ids stay readable whatever a name holds).
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(64));
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if out.len() >= 60 {
            break;
        }
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// Six hex digits of a stable (FNV-1a) hash of an ARN: the same on every platform and run.
pub(crate) fn short_hash(arn: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in arn.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{:06x}", h & 0xff_ffff)
}

/// The words of a name that may be its stem (algorithm in `docs/workloads.md`): split on the
/// rules' separators, without environment words (every target name and synonym), stop words,
/// region parts, ids and tokens with no letter. In name order, deduplicated.
pub(crate) fn stem_candidates(name: &str, rules: &Rules) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for t in super::rules::split_tokens(name, &rules.separators) {
        let looks_like_an_id = t.len() >= 8 && t.chars().all(|c| c.is_ascii_hexdigit());
        let says_what_not_which = rules.synonyms.contains_key(t.as_str())
            || rules.targets.iter().any(|target| target.name.eq_ignore_ascii_case(&t))
            || rules.workload_stop_words.contains(&t)
            || is_region_part(&t);
        let keep =
            t.len() >= 2 && t.chars().any(|c| c.is_ascii_alphabetic()) && !looks_like_an_id && !says_what_not_which;
        let t = slug(&t);
        if keep && !t.is_empty() && !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

/// The words that start many names followed by many different words (`acme-payments-uploads`,
/// `acme-ml-datasets`, `acme-web-assets`...): a company or account prefix, not an application,
/// so never a stem. A word is one when it is the first candidate of at least
/// [`PREFIX_MIN_NAMES`] names of the inventory whose second candidates are at least
/// [`PREFIX_MIN_FOLLOWERS`] different words. An application's word (`payments-ledger-db`,
/// `payments-gateway`) is rarely followed by so many different words; the rules' stop words
/// handle the rest.
pub(crate) fn account_prefixes<'n>(names: impl IntoIterator<Item = &'n str>, rules: &Rules) -> BTreeSet<String> {
    let mut followers: BTreeMap<String, (usize, BTreeSet<String>)> = BTreeMap::new();
    for name in names {
        let words = stem_candidates(name, rules);
        if let [first, second, ..] = words.as_slice() {
            let entry = followers.entry(first.clone()).or_default();
            entry.0 += 1;
            entry.1.insert(second.clone());
        }
    }
    followers
        .into_iter()
        .filter(|(_, (names, next))| *names >= PREFIX_MIN_NAMES && next.len() >= PREFIX_MIN_FOLLOWERS)
        .map(|(word, _)| word)
        .collect()
}

/// See [`account_prefixes`].
pub(crate) const PREFIX_MIN_NAMES: usize = 4;
/// See [`account_prefixes`].
pub(crate) const PREFIX_MIN_FOLLOWERS: usize = 4;

/// The stem among a name's candidates, given how many moving resources of the same target carry
/// each word: the word the fewest others share (at least one other), ties to the later word
/// (names run from general, such as a company prefix, to specific); when no word is shared, the
/// first candidate.
pub(crate) fn pick_stem(candidates: &[String], count: impl Fn(&str) -> usize) -> Option<String> {
    let shared = candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| count(c) >= 2)
        .min_by_key(|(pos, c)| (count(c), std::cmp::Reverse(*pos)))
        .map(|(_, c)| c.clone());
    shared.or_else(|| candidates.first().cloned())
}

/// `us`, `eu`, `ap`, `use1`, `euw1`... tokens that name where, not what.
fn is_region_part(token: &str) -> bool {
    const AREAS: &[&str] = &["us", "eu", "ap", "sa", "ca", "me", "af", "il", "mx", "cn", "gov"];
    if AREAS.contains(&token) {
        return true;
    }
    // use1, euw2, apse1...
    let letters = token.trim_end_matches(|c: char| c.is_ascii_digit());
    letters.len() < token.len() && AREAS.iter().any(|a| letters.starts_with(a)) && letters.len() <= 5
}

fn is_network(ty: &str) -> bool {
    NETWORK_TYPES.contains(&ty)
}

/// Roles, keys, secrets, certificates, key pairs: the security stage without security groups.
fn is_identity(ty: &str) -> bool {
    !is_network(ty) && methods::stage_of(ty) == Stage::Security || ty.starts_with("iam:")
}

fn unit_kind(ty: &str) -> UnitKind {
    match methods::stage_of(ty) {
        Stage::Data => UnitKind::Data,
        Stage::Compute => UnitKind::Compute,
        _ => UnitKind::Other,
    }
}

/// RDS types that are parts of a database: subnet, parameter and option groups (the RDS and
/// Tagging APIs name them `subgrp`, `pg`, `cluster-pg` and `og` in their ARNs).
fn is_rds_part(ty: &str) -> bool {
    ty.starts_with("rds:")
        && (ty.ends_with("group")
            || ty.ends_with("-grp")
            || ty.ends_with("subgrp")
            || matches!(ty, "rds:pg" | "rds:cluster-pg" | "rds:og"))
}

fn is_database(ty: &str) -> bool {
    ty == "rds:db" || ty == "rds:cluster"
}

pub(crate) fn build(input: &Input<'_, '_>) -> Grouping {
    let Input {
        graph,
        rules,
        moving,
        target_of,
        log_archive,
        target_names,
        arns,
    } = *input;
    let n = graph.len();
    let ty = |i: usize| graph.resources[i].resource_type.as_str();
    let same = |a: usize, b: usize| moving[a].is_some() && moving[a] == moving[b];
    // Incoming edges of moving resources: (from, kind).
    let mut incoming: Vec<Vec<(u32, u16)>> = vec![Vec::new(); n];
    for i in 0..n {
        for e in graph.edges(i) {
            if moving[e.to as usize].is_some() {
                incoming[e.to as usize].push((i as u32, e.kind));
            }
        }
    }
    let kind_is = |k: u16, name: &str| graph.kind(k) == name;
    // Neighbours of `i` in either direction, with the relation kind.
    let neighbours = |i: usize| {
        graph
            .edges(i)
            .iter()
            .map(|e| (e.to as usize, e.kind))
            .chain(incoming[i].iter().map(|&(f, k)| (f as usize, k)))
            .collect::<Vec<_>>()
    };

    let mut role: Vec<Role> = (0..n)
        .map(|i| match moving[i] {
            None => Role::Stays,
            Some(_) if is_network(ty(i)) => Role::Network,
            Some(_) if is_identity(ty(i)) => Role::Identity,
            Some(_) => Role::In(i as u32),
        })
        .collect();
    let anchor_of = |role: &[Role], i: usize| match role[i] {
        Role::In(a) => Some(a as usize),
        _ => None,
    };
    // Volumes and network interfaces attached to an instance of the same target.
    for i in 0..n {
        if !matches!(ty(i), "ec2:volume" | "ec2:network-interface") || moving[i].is_none() {
            continue;
        }
        if let Some(instance) = graph
            .edges(i)
            .iter()
            .find(|e| kind_is(e.kind, "attached-to") && ty(e.to as usize) == "ec2:instance" && same(i, e.to as usize))
        {
            role[i] = Role::In(instance.to);
        }
    }
    // Elastic IPs: with the instance they are associated with, directly or through its ENI.
    for i in 0..n {
        if ty(i) != "ec2:elastic-ip" || moving[i].is_none() {
            continue;
        }
        let owner = graph
            .edges(i)
            .iter()
            .filter(|e| kind_is(e.kind, "associated-with") && same(i, e.to as usize))
            .find_map(|e| match ty(e.to as usize) {
                "ec2:instance" => Some(e.to as usize),
                "ec2:network-interface" => anchor_of(&role, e.to as usize).filter(|&a| ty(a) == "ec2:instance"),
                _ => None,
            });
        if let Some(owner) = owner {
            role[i] = Role::In(owner as u32);
        }
    }
    // Snapshots an AMI was made from travel inside the AMI.
    for &i in &graph.by_arn_order {
        let i = i as usize;
        if ty(i) != "ec2:image" || moving[i].is_none() {
            continue;
        }
        for e in graph.edges(i) {
            let s = e.to as usize;
            if kind_is(e.kind, "from-snapshot") && same(i, s) && role[s] == Role::In(s as u32) {
                role[s] = Role::In(i as u32);
            }
        }
    }
    // Database parts, event source mappings, target groups (with a load balancer they serve).
    for &i in &graph.by_arn_order {
        let i = i as usize;
        if moving[i].is_none() {
            continue;
        }
        let wanted: fn(&str) -> bool = match ty(i) {
            t if is_rds_part(t) => is_database,
            "lambda:event-source-mapping" => |t| t == "lambda:function",
            "elasticloadbalancing:targetgroup" => |t| t == "elasticloadbalancing:loadbalancer",
            _ => continue,
        };
        let mut owners: Vec<usize> = neighbours(i)
            .into_iter()
            .map(|(j, _)| j)
            .filter(|&j| same(i, j) && wanted(ty(j)))
            .collect();
        owners.sort_by(|a, b| graph.resources[*a].arn.cmp(&graph.resources[*b].arn));
        if let Some(&owner) = owners.first() {
            role[i] = Role::In(owner as u32);
        }
    }
    // A role used by one function or bucket and by no other unit moves with it.
    for i in 0..n {
        if ty(i) != "iam:role" || moving[i].is_none() {
            continue;
        }
        let users: BTreeSet<usize> = neighbours(i)
            .into_iter()
            .filter_map(|(j, _)| anchor_of(&role, j))
            .collect();
        if users.len() == 1 {
            let user = *users.first().expect("one user");
            if matches!(ty(user), "lambda:function" | "s3:bucket") && same(i, user) {
                role[i] = Role::In(user as u32);
            }
        }
    }

    // ---- units ------------------------------------------------------------------------------
    let region = |i: usize| region_of(&graph.resources[i]).to_owned();
    // Members of each anchor, in ARN order.
    let mut members: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    let mut landing: BTreeMap<(usize, String), Vec<u32>> = BTreeMap::new();
    let mut identities: BTreeMap<usize, Vec<u32>> = BTreeMap::new();
    for &i in &graph.by_arn_order {
        let iu = i as usize;
        match role[iu] {
            Role::Stays => {}
            Role::Network => landing
                .entry((moving[iu].expect("moves"), region(iu)))
                .or_default()
                .push(i),
            Role::Identity => identities.entry(moving[iu].expect("moves")).or_default().push(i),
            Role::In(a) => members.entry(a).or_default().push(i),
        }
    }
    // Staying VPCs (and their subnets) that moving units of a (target, region) use: the
    // target needs a copy of their layout.
    let vpc_of = |i: usize| -> Option<usize> {
        if ty(i) == "ec2:vpc" {
            return Some(i);
        }
        let direct = graph
            .edges(i)
            .iter()
            .find(|e| kind_is(e.kind, "in-vpc") && ty(e.to as usize) == "ec2:vpc")
            .map(|e| e.to as usize);
        direct.or_else(|| {
            graph
                .edges(i)
                .iter()
                .filter(|e| kind_is(e.kind, "in-subnet"))
                .find_map(|e| {
                    graph
                        .edges(e.to as usize)
                        .iter()
                        .find(|s| kind_is(s.kind, "in-vpc") && ty(s.to as usize) == "ec2:vpc")
                        .map(|s| s.to as usize)
                })
        })
    };
    let mut copies: BTreeMap<(usize, String), BTreeSet<u32>> = BTreeMap::new();
    let mut copied_subnets: BTreeMap<(usize, String), BTreeSet<u32>> = BTreeMap::new();
    for i in 0..n {
        let Some(target) = moving[i] else { continue };
        if !matches!(role[i], Role::In(_) | Role::Network) {
            continue;
        }
        for e in graph.edges(i) {
            let to = e.to as usize;
            if !CONTAINER_KINDS.contains(&graph.kind(e.kind)) || moving[to] == Some(target) {
                continue;
            }
            if graph.resources[to].attr_bool("is_default") == Some(true) {
                continue;
            }
            let key = (target, region(i));
            if ty(to) == "ec2:subnet" {
                copied_subnets.entry(key.clone()).or_default().insert(to as u32);
            }
            if let Some(vpc) = vpc_of(to)
                && moving[vpc] != Some(target)
                && graph.resources[vpc].attr_bool("is_default") != Some(true)
            {
                copies.entry(key).or_default().insert(vpc as u32);
            }
        }
    }
    for key in copies.keys() {
        landing.entry(key.clone()).or_default();
    }

    // ---- workload evidence per anchor ----------------------------------------------------------
    let stack_owns = graph.kind_id(STACK_OWNS);
    let prefixes = account_prefixes(graph.resources.iter().filter_map(|r| r.name.as_deref()), rules);
    let candidates: Vec<Vec<String>> = (0..n)
        .map(|i| match (moving[i], graph.resources[i].name.as_deref()) {
            (Some(_), Some(name)) => {
                let mut words = stem_candidates(name, rules);
                words.retain(|w| !prefixes.contains(w));
                words
            }
            _ => Vec::new(),
        })
        .collect();
    let mut word_count: FastMap<(usize, &str), usize> = FastMap::default();
    for (i, words) in candidates.iter().enumerate() {
        for w in words {
            *word_count
                .entry((moving[i].expect("named moving"), w.as_str()))
                .or_default() += 1;
        }
    }
    let evidence_of = |i: usize| -> Option<Evidence> {
        let res = &graph.resources[i];
        for wanted in &rules.workload_tag_keys {
            if let Some((key, value)) = res
                .tags
                .iter()
                .find(|(k, v)| k.trim().eq_ignore_ascii_case(wanted) && !slug(v).is_empty())
            {
                return Some(Evidence::Tag {
                    key: key.clone(),
                    value: value.trim().to_owned(),
                });
            }
        }
        if let Some(owns) = stack_owns
            && let Some(&(stack, _)) = incoming[i]
                .iter()
                .find(|&&(f, k)| k == owns && ty(f as usize) == STACK_TYPE)
        {
            let stack = &graph.resources[stack as usize];
            return Some(Evidence::Stack {
                stack: stack.name.clone().unwrap_or_else(|| stack.id.clone()),
            });
        }
        // A stack the scan has as a resource but not as a relation of this one: the stack-name
        // tag CloudFormation puts on what it creates was read above as an application tag.
        let target = moving[i]?;
        pick_stem(&candidates[i], |w| word_count.get(&(target, w)).copied().unwrap_or(0))
            .map(|stem| Evidence::Stem { stem })
    };
    let mut evidence: BTreeMap<u32, Option<Evidence>> = BTreeMap::new();
    for (&anchor, list) in &members {
        let best = std::iter::once(anchor)
            .chain(list.iter().copied().filter(|&m| m != anchor))
            .filter_map(|m| evidence_of(m as usize))
            .min_by_key(|e| match e {
                Evidence::Tag { .. } => 0,
                Evidence::Stack { .. } => 1,
                Evidence::Stem { .. } => 2,
                Evidence::Dependency { .. } => 3,
            });
        evidence.insert(anchor, best);
    }
    // Hard dependencies: a unit without evidence joins the one workload of the units it is
    // related to (not through a network container), until nothing changes.
    let workload_name = |e: &Evidence, evidence: &BTreeMap<u32, Option<Evidence>>| -> Option<String> {
        let mut e = e.clone();
        for _ in 0..64 {
            match e {
                Evidence::Tag { value, .. } => return Some(slug(&value)),
                Evidence::Stack { stack } => return Some(slug(&stack)),
                Evidence::Stem { stem } => return Some(stem),
                Evidence::Dependency { via } => e = evidence.get(&via)?.clone()?,
            }
        }
        None
    };
    loop {
        let mut changed = false;
        let pending: Vec<u32> = evidence.iter().filter(|(_, e)| e.is_none()).map(|(a, _)| *a).collect();
        for anchor in pending {
            let mut found: BTreeMap<String, u32> = BTreeMap::new();
            for &m in &members[&anchor] {
                for (j, k) in neighbours(m as usize) {
                    if CONTAINER_KINDS.contains(&graph.kind(k)) || !same(m as usize, j) {
                        continue;
                    }
                    let Some(other) = anchor_of(&role, j) else { continue };
                    if other as u32 == anchor {
                        continue;
                    }
                    if let Some(Some(e)) = evidence.get(&(other as u32))
                        && let Some(name) = workload_name(e, &evidence)
                    {
                        found.entry(name).or_insert(other as u32);
                    }
                }
            }
            if found.len() == 1 {
                let via = *found.values().next().expect("one");
                evidence.insert(anchor, Some(Evidence::Dependency { via }));
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }

    // ---- assemble --------------------------------------------------------------------------
    let label = |i: usize| {
        let r = &graph.resources[i];
        match &r.name {
            Some(name) if name != &r.id => {
                let short: String = name.chars().take(60).collect();
                let more = if short.len() < name.len() { "…" } else { "" };
                format!("{short}{more} ({})", r.id)
            }
            _ => r.id.clone(),
        }
    };
    let mut workloads: BTreeMap<(usize, WorkloadKind, String), WorkloadDraft> = BTreeMap::new();
    let mut units: Vec<UnitDraft> = Vec::new();
    for ((target, reg), list) in &landing {
        let name = format!("network-{reg}");
        let w = workloads
            .entry((*target, WorkloadKind::LandingNetwork, name.clone()))
            .or_insert_with(|| {
                WorkloadDraft::new(format!(
                    "the network every workload of {} in {reg} needs: built before any of them",
                    target_names[*target]
                ))
            });
        w.units.push(units.len());
        units.push(UnitDraft {
            target: *target,
            name,
            region: reg.clone(),
            kind: UnitKind::LandingNetwork,
            anchor: None,
            resources: list.clone(),
            workload: (*target, WorkloadKind::LandingNetwork, format!("network-{reg}")),
        });
    }
    for (target, list) in &identities {
        let key = (*target, WorkloadKind::Identities, "identities".to_owned());
        workloads
            .entry(key.clone())
            .or_insert_with(|| {
                WorkloadDraft::new(
                    "roles, keys, secrets and certificates that several units use, or that no single unit owns: \
                     recreated before any of them"
                        .to_owned(),
                )
            })
            .units
            .push(units.len());
        units.push(UnitDraft {
            target: *target,
            name: "identities".to_owned(),
            region: "global".to_owned(),
            kind: UnitKind::Identities,
            anchor: None,
            resources: list.clone(),
            workload: key,
        });
    }
    // Unit names, stable across review decisions: they depend on the inventory, not on which
    // resources the plan moves. The anchor's name when no other resource of its type in the
    // account has it; else the name and the region when that tells them apart; else the name
    // and a hash of the ARN. A resource with no name, or one whose name is one the runbook's own
    // steps take (`MOVE-dev/identities`, `MOVE-dev/cleanup`, `MOVE-dev/network-us-east-1`),
    // gets its type or name and the hash.
    let reserved = |s: &str| s == "identities" || s == "cleanup" || s.starts_with("network-");
    let mut same_name: FastMap<(&str, String), usize> = FastMap::default();
    let mut same_place: FastMap<(&str, String, String), usize> = FastMap::default();
    for i in 0..n {
        if let Some(name) = graph.resources[i].name.as_deref().map(slug).filter(|s| !s.is_empty()) {
            *same_place.entry((ty(i), name.clone(), region(i))).or_default() += 1;
            *same_name.entry((ty(i), name)).or_default() += 1;
        }
    }
    let mut unit_names: BTreeMap<u32, String> = BTreeMap::new();
    for &anchor in members.keys() {
        let a = anchor as usize;
        let res = &graph.resources[a];
        let base = res.name.as_deref().map(slug).filter(|s| !s.is_empty());
        let name = match base {
            Some(b) if reserved(&b) => format!("{b}-{}", short_hash(&res.arn)),
            Some(b) if same_name.get(&(ty(a), b.clone())) == Some(&1) => b,
            Some(b) if same_place.get(&(ty(a), b.clone(), region(a))) == Some(&1) => format!("{b}-{}", region(a)),
            Some(b) => format!("{b}-{}", short_hash(&res.arn)),
            None => format!("{}-{}", slug(&super::explain::type_word(ty(a))), short_hash(&res.arn)),
        };
        unit_names.insert(anchor, name);
    }
    // Anchors of different types with one name in one target (a bucket and a queue both named
    // `reports`) each take the hash, so that every unit id stays unique.
    let mut taken: FastMap<(usize, &str), usize> = FastMap::default();
    for (&anchor, name) in &unit_names {
        *taken
            .entry((moving[anchor as usize].expect("moves"), name.as_str()))
            .or_default() += 1;
    }
    let clashing: Vec<u32> = unit_names
        .iter()
        .filter(|(a, name)| taken[&(moving[**a as usize].expect("moves"), name.as_str())] > 1)
        .map(|(a, _)| *a)
        .collect();
    for anchor in clashing {
        let hash = short_hash(&graph.resources[anchor as usize].arn);
        if let Some(name) = unit_names.get_mut(&anchor) {
            name.push('-');
            name.push_str(&hash);
        }
    }
    for (&anchor, list) in &members {
        let a = anchor as usize;
        let target = moving[a].expect("moves");
        let name = unit_names[&anchor].clone();
        let (kind, wname, reason) = if log_archive[a] {
            (
                WorkloadKind::LogArchive,
                "logs".to_owned(),
                (
                    "central logs placed by their delivery policy (CloudTrail, Config): their own procedure, \
                     not an application cutover"
                        .to_owned(),
                    String::new(),
                ),
            )
        } else {
            match &evidence[&anchor] {
                Some(e) => {
                    let wname = workload_name(e, &evidence).unwrap_or_else(|| name.clone());
                    let why = match e {
                        Evidence::Tag { key, value } => format!("tag {key}={value}"),
                        Evidence::Stack { stack } => format!("CloudFormation stack {stack} owns it"),
                        Evidence::Stem { stem } => format!("name stem '{stem}'"),
                        Evidence::Dependency { via } => format!("depends on {}", label(*via as usize)),
                    };
                    (WorkloadKind::Application, wname, (why, label(a)))
                }
                None => {
                    let reg = region(a);
                    let vpc = vpc_of(a);
                    let wname = match vpc {
                        Some(v) => format!(
                            "unassigned-{reg}-{}",
                            slug(graph.resources[v].name.as_deref().unwrap_or(&graph.resources[v].id))
                        ),
                        None => format!("unassigned-{reg}"),
                    };
                    let place = match vpc {
                        Some(v) => format!("{reg}, VPC {}", label(v)),
                        None => reg,
                    };
                    (
                        WorkloadKind::Unassigned,
                        wname,
                        (
                            format!(
                                "no application tag, stack, name stem or dependency: the resources of {} in {place}",
                                target_names[target]
                            ),
                            String::new(),
                        ),
                    )
                }
            }
        };
        let key = (target, kind, wname);
        let w = workloads
            .entry(key.clone())
            .or_insert_with(|| WorkloadDraft::new(String::new()));
        if kind == WorkloadKind::Application {
            w.evidence.entry(reason.0).or_default().insert(reason.1);
        } else {
            w.reason = reason.0;
        }
        w.units.push(units.len());
        let mut resources = vec![anchor];
        resources.extend(list.iter().copied().filter(|&m| m != anchor));
        units.push(UnitDraft {
            target,
            name,
            region: region(a),
            kind: unit_kind(ty(a)),
            anchor: Some(anchor),
            resources,
            workload: key,
        });
    }

    // Application workloads with a name taken by a reserved one get a suffix.
    let workload_id = |(target, kind, name): &(usize, WorkloadKind, String)| -> Shared {
        let clash = *kind == WorkloadKind::Application && (name == "identities" || name.starts_with("network-"));
        let name = if clash { format!("{name}-app") } else { name.clone() };
        Shared::from(format!("{}/{name}", target_names[*target]))
    };
    let unit_id = |u: &UnitDraft| Shared::from(format!("{}/{}", target_names[u.target], u.name));
    // Migration order: target (rules order), workload kind, workload name; inside a workload,
    // unit kind then name.
    let mut order: Vec<usize> = (0..units.len()).collect();
    order.sort_by(|&a, &b| {
        let (ua, ub) = (&units[a], &units[b]);
        (&ua.workload, ua.kind, &ua.name).cmp(&(&ub.workload, ub.kind, &ub.name))
    });
    let mut of_resource: Vec<Option<u32>> = vec![None; n];
    let mut out_units: Vec<MoveUnit> = Vec::with_capacity(units.len());
    let mut landing_of: BTreeMap<(usize, String), Shared> = BTreeMap::new();
    let mut identities_of: BTreeMap<usize, Shared> = BTreeMap::new();
    for &u in &order {
        let d = &units[u];
        let id = unit_id(d);
        match d.kind {
            UnitKind::LandingNetwork => {
                landing_of.insert((d.target, d.region.clone()), id.clone());
            }
            UnitKind::Identities => {
                identities_of.insert(d.target, id.clone());
            }
            _ => {}
        }
    }
    let mut data_units: BTreeMap<(usize, WorkloadKind, String), Vec<Shared>> = BTreeMap::new();
    for &u in &order {
        let d = &units[u];
        let id = unit_id(d);
        for &r in &d.resources {
            of_resource[r as usize] = Some(out_units.len() as u32);
        }
        let mut depends_on: Vec<Dependency> = Vec::new();
        match d.kind {
            UnitKind::LandingNetwork => {}
            UnitKind::Identities => depends_on.extend(
                landing_of
                    .iter()
                    .filter(|((t, _), _)| *t == d.target)
                    .map(|(_, id)| Dependency::Unit(id.clone())),
            ),
            kind => {
                if let Some(l) = landing_of.get(&(d.target, d.region.clone())) {
                    depends_on.push(Dependency::Unit(l.clone()));
                }
                if let Some(i) = identities_of.get(&d.target) {
                    depends_on.push(Dependency::Unit(i.clone()));
                }
                if kind != UnitKind::Data {
                    depends_on.extend(
                        data_units
                            .get(&d.workload)
                            .into_iter()
                            .flatten()
                            .map(|id| Dependency::Unit(id.clone())),
                    );
                } else {
                    data_units.entry(d.workload.clone()).or_default().push(id.clone());
                }
            }
        }
        // An instance moves as an AMI of itself, which carries its volumes.
        // Log buckets follow their own procedure, not their type's method.
        let method = d.anchor.map_or("recreate", |a| match ty(a as usize) {
            _ if log_archive[a as usize] => "log-archive",
            "ec2:instance" => "share-ami",
            other => methods::lookup(other).map_or("recreate", |e| e.method),
        });
        out_units.push(MoveUnit {
            id,
            workload: workload_id(&d.workload),
            target: target_names[d.target].clone(),
            region: Shared::from(d.region.as_str()),
            kind: d.kind,
            anchor: d.anchor.map(|a| arns[a as usize].clone()),
            method: Shared::from(method),
            resources: d.resources.iter().map(|&r| arns[r as usize].clone()).collect(),
            depends_on,
        });
    }
    let mut out_workloads: Vec<Workload> = Vec::with_capacity(workloads.len());
    for (key, w) in &workloads {
        let id = workload_id(key);
        let unit_ids: Vec<Shared> = out_units
            .iter()
            .filter(|u| u.workload == id)
            .map(|u| u.id.clone())
            .collect();
        let reason = if key.1 == WorkloadKind::Application {
            evidence_text(&w.evidence)
        } else {
            w.reason.clone()
        };
        let cutover_after = match key.1 {
            WorkloadKind::Application | WorkloadKind::Unassigned => {
                unit_ids.iter().map(|u| Dependency::Unit(u.clone())).collect()
            }
            _ => Vec::new(),
        };
        out_workloads.push(Workload {
            id,
            target: target_names[key.0].clone(),
            name: key.2.clone(),
            kind: key.1,
            reason,
            units: unit_ids,
            cutover_after,
        });
    }
    // ---- landing networks and CIDR overlaps --------------------------------------------------
    let text = |i: usize, key: &str| graph.resources[i].attr_str(key).map(str::to_owned);
    // What each VPC routes and connects with: the landing network recreates it with the VPC.
    let mut routing_of: BTreeMap<usize, Vec<Shared>> = BTreeMap::new();
    for (i, arn) in arns.iter().enumerate() {
        if !ROUTING_TYPES.contains(&ty(i)) {
            continue;
        }
        for e in graph.edges(i) {
            if (kind_is(e.kind, "in-vpc") || kind_is(e.kind, "connects")) && ty(e.to as usize) == "ec2:vpc" {
                routing_of.entry(e.to as usize).or_default().push(arn.clone());
            }
        }
    }
    for list in routing_of.values_mut() {
        list.sort();
        list.dedup();
    }
    let mut landing_networks = Vec::new();
    for ((target, reg), list) in &landing {
        let mut vpcs: BTreeMap<u32, (bool, BTreeSet<u32>)> = BTreeMap::new();
        for &r in list {
            if ty(r as usize) == "ec2:vpc" {
                vpcs.entry(r).or_default().0 = true;
            }
        }
        for &v in copies.get(&(*target, reg.clone())).into_iter().flatten() {
            vpcs.entry(v).or_default();
        }
        let subnets = list.iter().copied().filter(|&r| ty(r as usize) == "ec2:subnet").chain(
            copied_subnets
                .get(&(*target, reg.clone()))
                .into_iter()
                .flatten()
                .copied(),
        );
        for s in subnets {
            if let Some(v) = vpc_of(s as usize)
                && let Some(entry) = vpcs.get_mut(&(v as u32))
            {
                entry.1.insert(s);
            }
        }
        let mut layouts: Vec<VpcLayout> = vpcs
            .into_iter()
            .map(|(v, (moves, subnets))| VpcLayout {
                arn: arns[v as usize].clone(),
                name: graph.resources[v as usize].name.as_deref().map(Shared::from),
                cidr: text(v as usize, "cidr_block"),
                moves,
                subnets: {
                    let mut s: Vec<SubnetLayout> = subnets
                        .into_iter()
                        .map(|s| SubnetLayout {
                            arn: arns[s as usize].clone(),
                            name: graph.resources[s as usize].name.as_deref().map(Shared::from),
                            cidr: text(s as usize, "cidr_block"),
                            availability_zone: text(s as usize, "availability_zone"),
                        })
                        .collect();
                    s.sort_by(|a, b| a.arn.cmp(&b.arn));
                    s
                },
                routing: routing_of.get(&(v as usize)).cloned().unwrap_or_default(),
            })
            .collect();
        layouts.sort_by(|a, b| a.arn.cmp(&b.arn));
        landing_networks.push(LandingNetwork {
            unit: Shared::from(format!("{}/network-{reg}", target_names[*target])),
            target: target_names[*target].clone(),
            region: Shared::from(reg.as_str()),
            vpcs: layouts,
        });
    }
    let mut places: Vec<VpcPlace> = Vec::new();
    for l in &landing_networks {
        for v in &l.vpcs {
            if let Some(cidr) = &v.cidr {
                places.push(VpcPlace {
                    arn: v.arn.clone(),
                    target: l.target.clone(),
                    cidr: cidr.clone(),
                });
            }
        }
    }
    // VPCs that stay (not default ones: every account has its own 172.31.0.0/16).
    for i in 0..n {
        if ty(i) == "ec2:vpc"
            && moving[i].is_none()
            && graph.resources[i].attr_bool("is_default") != Some(true)
            && let Some(cidr) = text(i, "cidr_block")
        {
            {
                places.push(VpcPlace {
                    arn: arns[i].clone(),
                    target: target_names[target_of[i]].clone(),
                    cidr,
                });
            }
        }
    }
    places.sort();
    places.dedup();
    let cidr_overlaps = overlaps(&places);

    Grouping {
        workloads: out_workloads,
        units: out_units,
        landing_networks,
        cidr_overlaps,
        of_resource,
    }
}

/// Why an application workload holds its units, each piece of evidence once: alone when every
/// unit has it ("name stem 'payments'"), with a count when the units differ ("tag
/// App=payments (2 units); name stem 'payments' (1 unit)"); a dependency names the units that
/// follow it ("snap-1: depends on payments-db").
fn evidence_text(evidence: &BTreeMap<String, BTreeSet<String>>) -> String {
    let parts: Vec<String> = evidence
        .iter()
        .map(|(why, units)| {
            if why.starts_with("depends on ") {
                let units: Vec<&str> = units.iter().map(String::as_str).collect();
                format!("{}: {why}", units.join(", "))
            } else if evidence.len() == 1 {
                why.clone()
            } else {
                let n = units.len();
                format!("{why} ({n} {})", if n == 1 { "unit" } else { "units" })
            }
        })
        .collect();
    parts.join("; ")
}

struct WorkloadDraft {
    reason: String,
    /// The evidence that placed each unit of an application workload, and the units it placed
    /// (by label).
    evidence: BTreeMap<String, BTreeSet<String>>,
    units: Vec<usize>,
}

impl WorkloadDraft {
    fn new(reason: String) -> Self {
        WorkloadDraft {
            reason,
            evidence: BTreeMap::new(),
            units: Vec::new(),
        }
    }
}

struct UnitDraft {
    target: usize,
    name: String,
    region: String,
    kind: UnitKind,
    anchor: Option<u32>,
    resources: Vec<u32>,
    workload: (usize, WorkloadKind, String),
}

/// An IPv4 CIDR as a (first, last) address range.
pub(crate) fn cidr_range(cidr: &str) -> Option<(u32, u32)> {
    let (addr, len) = cidr.split_once('/')?;
    let len: u32 = len.trim().parse().ok()?;
    if len > 32 {
        return None;
    }
    let ip: std::net::Ipv4Addr = addr.trim().parse().ok()?;
    let ip = u32::from(ip);
    let mask = if len == 0 { 0 } else { u32::MAX << (32 - len) };
    let first = ip & mask;
    Some((first, first | !mask))
}

/// Pairs of places in different targets whose CIDRs overlap, sorted.
fn overlaps(places: &[VpcPlace]) -> Vec<CidrOverlap> {
    let mut ranged: Vec<((u32, u32), &VpcPlace)> = places
        .iter()
        .filter_map(|p| cidr_range(&p.cidr).map(|r| (r, p)))
        .collect();
    ranged.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
    let mut out = Vec::new();
    // Sweep: each range against the ranges after it that start before it ends.
    for (k, ((_, end), p)) in ranged.iter().enumerate() {
        for ((start, _), q) in &ranged[k + 1..] {
            if start > end {
                break;
            }
            if p.target != q.target {
                let (a, b) = if p <= q { (p, q) } else { (q, p) };
                out.push(CidrOverlap {
                    a: (*a).clone(),
                    b: (*b).clone(),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Rules, classify};
    use crate::model::{Plan, Resource};
    use crate::testkit::build::*;

    fn plan(resources: Vec<Resource>) -> Plan {
        classify(&inventory(resources), &Rules::default_rules())
    }

    fn workload_of<'p>(plan: &'p Plan, arn: &str) -> &'p str {
        plan.assignments
            .iter()
            .find(|a| a.arn == arn)
            .and_then(|a| a.workload.as_deref())
            .unwrap_or_else(|| panic!("{arn} has no workload"))
    }

    fn instance(id: &str, name: &str) -> Resource {
        res(
            &format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}"),
            "ec2:instance",
        )
        .named(name)
        .tag("env", "dev")
    }

    #[test]
    fn uat_portal_payments_dev_db_and_web_dev_01_land_in_three_workloads() {
        let plan = plan(vec![
            instance("i-1", "uat-portal"),
            instance("i-2", "payments-dev-db"),
            instance("i-3", "web-dev-01"),
            instance("i-4", "payments-dev-api"),
        ]);
        let arn = |id: &str| format!("arn:aws:ec2:us-east-1:111122223333:instance/{id}");
        assert_eq!(workload_of(&plan, &arn("i-1")), "dev/portal");
        assert_eq!(workload_of(&plan, &arn("i-2")), "dev/payments");
        assert_eq!(
            workload_of(&plan, &arn("i-4")),
            "dev/payments",
            "payments-dev-api shares the stem"
        );
        assert_eq!(workload_of(&plan, &arn("i-3")), "dev/unassigned-us-east-1");
        assert_eq!(plan.workloads.len(), 3);
    }

    #[test]
    fn a_company_prefix_on_many_different_names_is_never_a_stem() {
        let rules = Rules::default_rules();
        let names = [
            "acme-media-dev",
            "acme-fixtures-qa",
            "acme-payments-uploads",
            "acme-ml-datasets",
            "payments-ledger-db",
            "payments-gateway",
            "payments-ledger-api",
            "payments-gateway-api",
        ];
        let prefixes = account_prefixes(names, &rules);
        // acme starts 4 names followed by 4 different words; payments starts 4 names followed by
        // only 2 (ledger, gateway): an application.
        assert_eq!(prefixes.into_iter().collect::<Vec<_>>(), vec!["acme".to_owned()]);
        let three_followers = ["acme-media", "acme-fixtures", "acme-ml", "acme-ml-poc"];
        assert!(account_prefixes(three_followers, &rules).is_empty());

        let plan = plan(
            names
                .iter()
                .enumerate()
                .map(|(i, n)| instance(&format!("i-{i}"), n))
                .collect(),
        );
        let arn = |i: usize| format!("arn:aws:ec2:us-east-1:111122223333:instance/i-{i}");
        assert_eq!(workload_of(&plan, &arn(0)), "dev/media", "not dev/acme");
        assert_eq!(workload_of(&plan, &arn(1)), "dev/fixtures");
        assert_eq!(workload_of(&plan, &arn(2)), "dev/payments", "the shared word wins");
        assert_eq!(workload_of(&plan, &arn(4)), "dev/ledger");
        assert!(plan.workloads.iter().all(|w| !w.id.ends_with("/acme")));
    }

    #[test]
    fn stems_skip_environment_generic_and_region_words() {
        let rules = Rules::default_rules();
        assert_eq!(stem_candidates("uat-portal", &rules), ["portal"]);
        assert_eq!(stem_candidates("web-dev-01", &rules), Vec::<String>::new());
        assert_eq!(stem_candidates("eu-web-staging-02", &rules), Vec::<String>::new());
        assert_eq!(
            stem_candidates("acme-payments-dev-uploads", &rules),
            ["acme", "payments", "uploads"]
        );
        // The rarest shared word wins; with none shared, the first word.
        let counts = |w: &str| match w {
            "acme" => 3,
            "payments" => 2,
            _ => 1,
        };
        let words = stem_candidates("acme-payments-dev-uploads", &rules);
        assert_eq!(pick_stem(&words, counts).as_deref(), Some("payments"));
        assert_eq!(pick_stem(&["solo".to_owned()], |_| 1).as_deref(), Some("solo"));
        assert_eq!(pick_stem(&[], |_| 1), None);
    }

    #[test]
    fn stop_words_come_from_the_rules_file() {
        let rules = Rules::parse(
            &crate::classify::DEFAULT_RULES_TOML.replace("\"web\", \"www\",", "\"acme\", \"web\", \"www\","),
            "test rules",
        )
        .unwrap();
        assert_eq!(
            stem_candidates("acme-payments-dev-uploads", &rules),
            ["payments", "uploads"]
        );
    }

    #[test]
    fn an_application_tag_beats_a_stem_and_a_stack_beats_a_stem() {
        let stack = "arn:aws:cloudformation:us-east-1:111122223333:stack/billing-stack/1";
        let tagged = instance("i-1", "payments-dev-db").tag("Application", "Ledger");
        let owned = instance("i-2", "payments-dev-api");
        let plan = plan(vec![
            tagged,
            owned,
            res(stack, STACK_TYPE)
                .named("billing-stack")
                .tag("env", "dev")
                .rel(STACK_OWNS, "arn:aws:ec2:us-east-1:111122223333:instance/i-2"),
        ]);
        assert_eq!(
            workload_of(&plan, "arn:aws:ec2:us-east-1:111122223333:instance/i-1"),
            "dev/ledger"
        );
        assert_eq!(
            workload_of(&plan, "arn:aws:ec2:us-east-1:111122223333:instance/i-2"),
            "dev/billing-stack"
        );
    }

    #[test]
    fn a_dependency_pulls_an_untagged_unit_into_the_workload_it_serves() {
        let image = "arn:aws:ec2:us-east-1::image/ami-1";
        let plan = plan(vec![
            instance("i-1", "payments-dev-db").rel("from-image", image),
            res(image, "ec2:image").tag("env", "dev"),
        ]);
        assert_eq!(workload_of(&plan, image), "dev/payments");
    }

    #[test]
    fn a_function_takes_its_own_role_and_a_shared_role_goes_to_identities() {
        let role = |n: &str| format!("arn:aws:iam::111122223333:role/{n}");
        let function = |n: &str, r: &str| {
            res(
                &format!("arn:aws:lambda:us-east-1:111122223333:function:{n}"),
                "lambda:function",
            )
            .named(n)
            .tag("env", "dev")
            .rel("uses-role", &role(r))
        };
        let plan = plan(vec![
            function("orders-handler", "own"),
            function("billing-a", "shared"),
            function("billing-b", "shared"),
            res(&role("own"), "iam:role").tag("env", "dev"),
            res(&role("shared"), "iam:role").tag("env", "dev"),
        ]);
        let unit_of = |arn: &str| plan.assignments.iter().find(|a| a.arn == arn).unwrap().unit.clone();
        assert_eq!(unit_of(&role("own")).as_deref(), Some("dev/orders-handler"));
        assert_eq!(unit_of(&role("shared")).as_deref(), Some("dev/identities"));
        let identities = plan.units.iter().position(|u| u.kind == UnitKind::Identities).unwrap();
        let first_function = plan.units.iter().position(|u| u.kind == UnitKind::Compute).unwrap();
        assert!(
            identities < first_function,
            "identities come before the units that use them"
        );
    }

    #[test]
    fn a_database_moves_with_its_groups() {
        let db = "arn:aws:rds:us-east-1:111122223333:db:orders";
        let subnets = "arn:aws:rds:us-east-1:111122223333:subgrp:orders";
        let params = "arn:aws:rds:us-east-1:111122223333:pg:orders";
        let plan = plan(vec![
            res(db, "rds:db")
                .named("orders")
                .tag("env", "dev")
                .rel("in-subnet-group", subnets)
                .rel("uses-parameter-group", params),
            res(subnets, "rds:subnet-group").tag("env", "dev"),
            res(params, "rds:parameter-group").tag("env", "dev"),
        ]);
        assert_eq!(plan.units.len(), 1, "{:?}", plan.units);
        assert_eq!(plan.units[0].resources, [db, params, subnets]);
        assert_eq!(plan.units[0].method, "share-rds-snapshot");
    }

    #[test]
    fn a_database_moves_with_the_groups_the_tagging_api_found_by_their_arn_types() {
        let arn = |kind: &str, name: &str| format!("arn:aws:rds:us-east-1:111122223333:{kind}:{name}");
        let (db, subnets, params, options) = (
            arn("db", "orders"),
            arn("subgrp", "orders"),
            arn("pg", "orders-pg"),
            arn("og", "orders-og"),
        );
        let plan = plan(vec![
            res(&db, "rds:db")
                .named("orders")
                .tag("env", "dev")
                .rel("in-subnet-group", &subnets)
                .rel("uses-parameter-group", &params)
                .rel("uses-option-group", &options),
            res(&subnets, "rds:subgrp").tag("env", "dev"),
            res(&params, "rds:pg").tag("env", "dev"),
            res(&options, "rds:og").tag("env", "dev"),
        ]);
        assert_eq!(plan.units.len(), 1, "{:?}", plan.units);
        assert_eq!(plan.units[0].resources, [db, options, params, subnets]);
    }

    #[test]
    fn a_target_group_moves_in_its_load_balancers_unit_and_both_follow_the_instance() {
        let lb = "arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/web/1";
        let tg = "arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/web/1";
        let i1 = "arn:aws:ec2:us-east-1:111122223333:instance/i-1";
        let plan = plan(vec![
            instance("i-1", "payments-dev-api"),
            res(tg, "elasticloadbalancing:targetgroup").rel("has-target", i1),
            res(lb, "elasticloadbalancing:loadbalancer")
                .named("payments-web")
                .rel("forwards-to", tg),
        ]);
        let unit_of = |arn: &str| {
            plan.units
                .iter()
                .find(|u| u.resources.iter().any(|r| r == arn))
                .map(|u| u.id.to_string())
                .unwrap_or_else(|| panic!("{arn} in no unit"))
        };
        assert_eq!(unit_of(tg), unit_of(lb));
        assert_ne!(unit_of(lb), unit_of(i1));
        assert_eq!(workload_of(&plan, lb), "dev/payments");
    }

    #[test]
    fn ids_stay_the_same_when_a_review_decision_moves_another_resource() {
        let before = plan(vec![
            instance("i-1", "payments-dev-db"),
            instance("i-2", "uat-portal"),
            res("arn:aws:ec2:us-east-1:111122223333:volume/vol-9", "ec2:volume"),
        ]);
        // The review decision: the lone volume is tagged for dev.
        let after = plan(vec![
            instance("i-1", "payments-dev-db"),
            instance("i-2", "uat-portal"),
            res("arn:aws:ec2:us-east-1:111122223333:volume/vol-9", "ec2:volume").tag("env", "dev"),
        ]);
        let ids = |p: &Plan| -> Vec<(String, String)> {
            p.units
                .iter()
                .filter(|u| !u.resources.iter().any(|r| r.contains("vol-9")))
                .map(|u| (u.id.to_string(), u.workload.to_string()))
                .collect()
        };
        assert_eq!(ids(&before), ids(&after));
        assert_eq!(after.units.len(), before.units.len() + 1);
    }

    #[test]
    fn a_same_named_newcomer_leaves_the_first_units_id_alone() {
        let eu = |tagged: bool| {
            let r = res("arn:aws:ec2:eu-west-1:111122223333:instance/i-2", "ec2:instance")
                .named("web-01")
                .in_region("eu-west-1");
            if tagged { r.tag("env", "dev") } else { r }
        };
        let id_of = |p: &Plan, arn: &str| p.assignments.iter().find(|a| a.arn == arn).and_then(|a| a.unit.clone());
        let first = "arn:aws:ec2:us-east-1:111122223333:instance/i-1";
        // The review decision: the second web-01 moves to dev too.
        let before = plan(vec![instance("i-1", "web-01"), eu(false)]);
        let after = plan(vec![instance("i-1", "web-01"), eu(true)]);
        assert_eq!(id_of(&before, first).as_deref(), Some("dev/web-01-us-east-1"));
        assert_eq!(id_of(&after, first), id_of(&before, first));
        assert_eq!(
            id_of(&after, "arn:aws:ec2:eu-west-1:111122223333:instance/i-2").as_deref(),
            Some("dev/web-01-eu-west-1")
        );
    }

    #[test]
    fn anchors_of_two_types_with_one_name_get_distinct_ids() {
        let plan = plan(vec![
            res("arn:aws:sqs:us-east-1:111122223333:reports", "sqs:queue")
                .named("reports")
                .tag("env", "dev"),
            bucket("reports").tag("env", "dev"),
            instance("i-1", "api"),
        ]);
        let ids: Vec<&str> = plan.units.iter().map(|u| u.id.as_str()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "{ids:?}");
        assert!(
            ids.iter().filter(|id| id.starts_with("dev/reports-")).count() == 2,
            "{ids:?}"
        );
        assert!(ids.contains(&"dev/api"), "{ids:?}");
    }

    #[test]
    fn cidr_ranges_and_overlaps() {
        assert_eq!(cidr_range("10.0.0.0/16"), Some((0x0a00_0000, 0x0a00_ffff)));
        assert_eq!(cidr_range("10.0.1.7/24"), Some((0x0a00_0100, 0x0a00_01ff)));
        assert_eq!(cidr_range("nonsense"), None);
        let place = |arn: &str, target: &str, cidr: &str| VpcPlace {
            arn: arn.into(),
            target: target.into(),
            cidr: cidr.into(),
        };
        let found = overlaps(&[
            place("a", "dev", "10.0.0.0/16"),
            place("b", "prod", "10.0.128.0/17"),
            place("c", "prod", "10.1.0.0/16"),
            place("d", "dev", "10.0.5.0/24"),
        ]);
        let pairs: Vec<(&str, &str)> = found.iter().map(|o| (o.a.arn.as_str(), o.b.arn.as_str())).collect();
        // a and d are both dev: not a pair; c overlaps nothing.
        assert_eq!(pairs, [("a", "b")]);
    }
}
