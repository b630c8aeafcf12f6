//! The decision passes: for each resource, which target it goes to and on what evidence.
//! Explicit rules first, then the conventions in priority order (environment tag, name tokens,
//! dependencies, purpose), then the no-signal fallback; afterwards, shared network containers
//! used by several targets are pulled back to the legacy target as conflicts.
//!
//! Decisions keep the evidence as data (which tag, which token, which resource was followed);
//! `explain` turns it into sentences only when the plan is assembled.

use std::borrow::Cow;

use super::graph::{FastMap, Graph};
use super::rules::{ExplicitRule, Rules};
use crate::model::Resource;

/// A set of target indices (the rules allow at most 64 targets).
pub(crate) type TargetSet = u64;

pub(crate) fn bit(target: usize) -> TargetSet {
    1u64 << target
}

/// The targets in a set, in rules order.
pub(crate) fn members(set: TargetSet) -> impl Iterator<Item = usize> {
    (0..64).filter(move |t| set & bit(*t) != 0)
}

/// The evidence that decided a resource's target.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Basis<'a> {
    Explicit {
        rule: usize,
    },
    EnvTag {
        key: &'a str,
        value: &'a str,
    },
    NameToken {
        token: &'a str,
    },
    Follows {
        via: usize,
        kind: u16,
    },
    Purpose {
        purpose: usize,
        service: &'a str,
    },
    /// A container (network, IAM or key) without evidence of its own, used only by resources of
    /// one target: it goes with them. `via` is one of those users.
    UsedBy {
        via: usize,
    },
    /// A container (network, IAM or key) used by resources of several targets.
    Conflict {
        users: TargetSet,
    },
    /// Plumbing AWS creates by itself, so every new account already has its own: the default
    /// VPC and its default subnets, internet gateway, main route table, default network ACL and
    /// `default` security group, and the region's default DHCP options (`vpc: None`); and the default security group, main route table and default
    /// network ACL of any other VPC, which go wherever their VPC goes (`vpc: Some`); and the
    /// service-linked IAM roles (`vpc: None`).
    AwsDefault {
        vpc: Option<usize>,
    },
    NoSignal,
}

impl Basis<'_> {
    /// The short rule id written to the plan.
    pub fn rule_id(&self, rules: &Rules) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Basis::Explicit { rule } => return Cow::Owned(format!("explicit:{}", rules.explicit[*rule].id)),
            Basis::EnvTag { .. } => "env-tag",
            Basis::NameToken { .. } => "name-token",
            Basis::Follows { .. } => "follows",
            Basis::UsedBy { .. } => "used-by",
            Basis::Purpose { .. } => "purpose",
            Basis::Conflict { .. } => "conflict",
            Basis::AwsDefault { .. } => "aws-default",
            Basis::NoSignal => "no-signal",
        })
    }
}

/// Extra evidence, added to the explanation; most of it also asks for a review.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Note<'a> {
    /// Another environment tag names a different target.
    EnvDisagrees {
        key: &'a str,
        value: &'a str,
        target: usize,
    },
    /// An environment tag whose value is no known synonym (informational).
    EnvUnknown { key: &'a str, value: &'a str },
    /// Another name token names a different target.
    NameAlsoMatches { token: &'a str, target: usize },
    /// A log bucket by its policy, placed elsewhere by a stronger convention.
    PurposeDisagrees { purpose: usize, service: &'a str },
    /// The related resources it could follow belong to several targets.
    FollowSplit { kind: u16, targets: TargetSet },
    /// A container without a signal whose users with a target all belong to these targets, but
    /// which stays: resources without a target use it too (`untargeted`), or it is a network part
    /// left to its VPC. Informational unless `untargeted`.
    UsedBy { targets: TargetSet, untargeted: bool },
    /// A container placed by an explicit rule although several targets use it.
    ConflictKept { users: TargetSet },
    /// The resource moves but the method catalog has no entry for its type.
    UnknownType,
}

impl Note<'_> {
    pub fn needs_review(&self) -> bool {
        !matches!(self, Note::EnvUnknown { .. } | Note::UsedBy { untargeted: false, .. })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Decision<'a> {
    /// Index into `rules.targets`.
    pub target: usize,
    pub basis: Basis<'a>,
    pub notes: Vec<Note<'a>>,
}

impl Decision<'_> {
    /// True when the decision rests on evidence (so others may follow it).
    pub fn has_signal(&self) -> bool {
        !matches!(
            self.basis,
            Basis::NoSignal | Basis::Conflict { .. } | Basis::AwsDefault { .. }
        )
    }

    pub fn needs_review(&self, rules: &Rules) -> bool {
        match self.basis {
            Basis::NoSignal | Basis::Conflict { .. } => true,
            Basis::AwsDefault { .. } => false,
            Basis::Explicit { rule } if rules.explicit[rule].review => true,
            _ => self.notes.iter().any(Note::needs_review),
        }
    }
}

/// Relation kinds through which a resource uses a container, and the container type: the
/// network it runs in, the identity it runs as, the key it is encrypted with.
pub(crate) const CONTAINER_USES: [(&str, &str); 7] = [
    ("in-vpc", "ec2:vpc"),
    ("in-subnet", "ec2:subnet"),
    ("has-security-group", "ec2:security-group"),
    ("uses-instance-profile", "iam:instance-profile"),
    ("uses-role", "iam:role"),
    ("uses-policy", "iam:policy"),
    ("uses-key", "kms:key"),
];

/// Containers that pass their users, and their own target, on to the container they use, in
/// this order (so that an instance's target reaches its profile's role, then the role's
/// policies): (container type, relation kind, container type used).
const PASSED_ON: [(&str, &str, &str); 4] = [
    ("ec2:subnet", "in-vpc", "ec2:vpc"),
    ("ec2:security-group", "in-vpc", "ec2:vpc"),
    ("iam:instance-profile", "uses-role", "iam:role"),
    ("iam:role", "uses-policy", "iam:policy"),
];

/// The containers that stay inside their VPC's decision: a subnet or security group without
/// evidence, in a VPC with evidence of its own, goes where the VPC goes (`network`).
fn is_vpc_part(resource_type: &str) -> bool {
    matches!(resource_type, "ec2:subnet" | "ec2:security-group")
}

/// A conflict found on a container: its index and the targets that use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ConflictFound {
    pub index: usize,
    pub users: TargetSet,
}

/// Runs every decision pass; returns one decision per resource and the conflicts found.
pub(crate) fn decide<'a>(graph: &Graph<'a>, rules: &Rules) -> (Vec<Decision<'a>>, Vec<ConflictFound>) {
    let matcher = Matcher::new(rules);
    let mut decisions: Vec<Decision<'a>> = graph.resources.iter().map(|r| matcher.direct(r)).collect();
    follow_dependencies(graph, rules, &mut decisions);
    for (i, decision) in decisions.iter_mut().enumerate() {
        if decision.basis == Basis::NoSignal {
            if let Some((purpose, service)) = matcher.purpose(&graph.resources[i]) {
                decision.target = rules.purposes[purpose].target;
                decision.basis = Basis::Purpose { purpose, service };
                decision.notes.retain(|n| !matches!(n, Note::EnvUnknown { .. }));
            } else {
                decision.target = rules.legacy;
                if in_default_vpc(graph, i)
                    || is_service_linked_role(&graph.resources[i])
                    || is_aws_managed_key(&graph.resources[i])
                {
                    decision.basis = Basis::AwsDefault { vpc: None };
                    decision.notes.clear();
                }
            }
        }
    }
    let conflicts = find_conflicts(graph, rules, &mut decisions);
    follow_vpc_default_groups(graph, &mut decisions);
    (decisions, conflicts)
}

/// A role AWS created for one of its services (`/aws-service-role/` path): the service creates
/// it again in each account that uses it.
pub(crate) fn is_service_linked_role(res: &Resource) -> bool {
    res.resource_type == "iam:role" && res.attr_bool("service_linked") == Some(true)
}

/// A KMS key AWS manages for one of its services (`aws/ebs`, `aws/rds`...): every account has
/// its own, and it cannot be shared.
pub(crate) fn is_aws_managed_key(res: &Resource) -> bool {
    res.resource_type == "kms:key" && res.attr_bool("aws_managed") == Some(true)
}

fn is_default_dhcp_options(res: &Resource) -> bool {
    res.resource_type == "ec2:dhcp-options" && res.attr_bool("is_default") == Some(true)
}

/// Parts AWS creates with every VPC: its `default` security group, its main route table and its
/// default network ACL.
pub(crate) fn is_vpc_default_part(res: &Resource) -> bool {
    match res.resource_type.as_str() {
        "ec2:security-group" => res.attr_str("group_name") == Some("default"),
        "ec2:route-table" => res.attr_bool("main") == Some(true),
        "ec2:network-acl" => res.attr_bool("is_default") == Some(true),
        _ => false,
    }
}

fn is_default_vpc(res: &Resource) -> bool {
    res.resource_type == "ec2:vpc" && res.attr_bool("is_default") == Some(true)
}

/// What AWS itself created in a default VPC: the default VPC; its default subnets
/// (`DefaultForAz`), its internet gateway, and its main route table, default network ACL and
/// `default` security group; or a DHCP options set shaped like the one AWS creates in every
/// region (`is_default`). A `launch-wizard-1` group or a hand-made subnet in the default VPC
/// was made by a person: the new account will not have it, so it is not AWS's.
fn in_default_vpc(graph: &Graph<'_>, i: usize) -> bool {
    let res = &graph.resources[i];
    if is_default_vpc(res) || is_default_dhcp_options(res) {
        return true;
    }
    let part = match res.resource_type.as_str() {
        "ec2:subnet" => res.attr_bool("default_for_az") == Some(true),
        "ec2:internet-gateway" => true,
        _ => is_vpc_default_part(res),
    };
    part && graph
        .kind_id("in-vpc")
        .is_some_and(|k| graph.related(i, k).any(|v| is_default_vpc(&graph.resources[v])))
}

/// A VPC's `default` security group, main route table and default network ACL have no signal
/// of their own: AWS creates them with the VPC, and creates them again with the VPC in the new
/// account. Each takes the VPC's final target.
fn follow_vpc_default_groups(graph: &Graph<'_>, decisions: &mut [Decision<'_>]) {
    let Some(in_vpc) = graph.kind_id("in-vpc") else { return };
    for i in 0..graph.len() {
        let res = &graph.resources[i];
        if decisions[i].basis != Basis::NoSignal || !is_vpc_default_part(res) {
            continue;
        }
        if let Some(vpc) = graph
            .related(i, in_vpc)
            .find(|&v| graph.resources[v].resource_type == "ec2:vpc")
        {
            decisions[i].target = decisions[vpc].target;
            decisions[i].basis = Basis::AwsDefault { vpc: Some(vpc) };
            decisions[i].notes.clear();
        }
    }
}

/// Per-run lookup tables built from the rules.
struct Matcher<'r> {
    rules: &'r Rules,
    /// First token -> (synonym tokens, target), longest first.
    by_first_token: FastMap<&'r str, Vec<(&'r [String], usize)>>,
}

impl<'r> Matcher<'r> {
    fn new(rules: &'r Rules) -> Self {
        let mut by_first_token: FastMap<&'r str, Vec<(&'r [String], usize)>> = FastMap::default();
        for (tokens, target) in &rules.token_synonyms {
            by_first_token
                .entry(tokens[0].as_str())
                .or_default()
                .push((tokens.as_slice(), *target));
        }
        Matcher { rules, by_first_token }
    }

    /// Explicit rules, environment tag and name tokens; `NoSignal` when none decides.
    fn direct<'a>(&self, res: &'a Resource) -> Decision<'a> {
        let rules = self.rules;
        if let Some(rule) = rules.explicit.iter().position(|rule| explicit_matches(rule, res)) {
            return Decision {
                target: rules.explicit[rule].target,
                basis: Basis::Explicit { rule },
                notes: Vec::new(),
            };
        }
        let mut notes = Vec::new();
        let mut decided = self.env_tag(res, &mut notes);
        if decided.is_none() && rules.name_tokens {
            decided = self.name_token(res, &mut notes);
        }
        let Some((target, basis)) = decided else {
            return Decision {
                target: rules.legacy,
                basis: Basis::NoSignal,
                notes,
            };
        };
        if let Some((purpose, service)) = self.purpose(res)
            && rules.purposes[purpose].target != target
        {
            notes.push(Note::PurposeDisagrees { purpose, service });
        }
        Decision { target, basis, notes }
    }

    /// Convention 1. The first key in priority order with a known value decides; other known
    /// values that disagree become notes.
    fn env_tag<'a>(&self, res: &'a Resource, notes: &mut Vec<Note<'a>>) -> Option<(usize, Basis<'a>)> {
        let mut decided: Option<(usize, Basis<'a>)> = None;
        let mut first_unknown: Option<(&'a str, &'a str)> = None;
        let mut buf = String::new();
        // Keys in priority order; a handful of keys and tags, so no allocation.
        for wanted in &self.rules.env_tag_keys {
            for (key, value) in &res.tags {
                if !eq_lower(key.trim(), wanted) {
                    continue;
                }
                let Some(target) = self.synonym(value, &mut buf) else {
                    first_unknown.get_or_insert((key.as_str(), value.as_str()));
                    continue;
                };
                match &decided {
                    None => decided = Some((target, Basis::EnvTag { key, value })),
                    Some((first, _)) if *first != target => notes.push(Note::EnvDisagrees { key, value, target }),
                    Some(_) => {}
                }
            }
        }
        if decided.is_none()
            && let Some((key, value)) = first_unknown
        {
            notes.push(Note::EnvUnknown { key, value });
        }
        decided
    }

    fn synonym(&self, value: &str, buf: &mut String) -> Option<usize> {
        self.rules.synonyms.get(lower(value.trim(), buf)).copied()
    }

    /// Convention 2. The leftmost matching token (or run of tokens) decides; later tokens that
    /// name other targets become notes.
    fn name_token<'a>(&self, res: &'a Resource, notes: &mut Vec<Note<'a>>) -> Option<(usize, Basis<'a>)> {
        let name = res.name.as_deref()?;
        let spans = token_spans(name, &self.rules.separators);
        let mut decided: Option<(usize, Basis<'a>)> = None;
        let mut noted: TargetSet = 0;
        let mut buf = String::new();
        let mut i = 0;
        while i < spans.len() {
            let first = lower(&name[spans[i].0..spans[i].1], &mut buf);
            let hit = self.by_first_token.get(first).and_then(|candidates| {
                candidates.iter().find(|(tokens, _)| {
                    i + tokens.len() <= spans.len()
                        && tokens
                            .iter()
                            .enumerate()
                            .skip(1)
                            .all(|(j, t)| eq_lower(&name[spans[i + j].0..spans[i + j].1], t))
                })
            });
            let Some(&(tokens, target)) = hit else {
                i += 1;
                continue;
            };
            let token = &name[spans[i].0..spans[i + tokens.len() - 1].1];
            match &decided {
                None => {
                    decided = Some((target, Basis::NameToken { token }));
                    noted |= bit(target);
                }
                Some(_) if noted & bit(target) == 0 => {
                    notes.push(Note::NameAlsoMatches { token, target });
                    noted |= bit(target);
                }
                Some(_) => {}
            }
            i += tokens.len();
        }
        decided
    }

    /// Convention 4: a bucket whose policy lets a listed service write.
    fn purpose<'a>(&self, res: &'a Resource) -> Option<(usize, &'a str)> {
        if res.resource_type != "s3:bucket" || self.rules.purposes.is_empty() {
            return None;
        }
        let writers = res.attributes.get("policy_write_services")?.as_array()?;
        for (p, purpose) in self.rules.purposes.iter().enumerate() {
            for wanted in &purpose.write_services {
                let hit = writers
                    .iter()
                    .filter_map(|w| w.as_str())
                    .find(|w| eq_lower(w.trim(), wanted));
                if let Some(service) = hit {
                    return Some((p, service));
                }
            }
        }
        None
    }
}

/// Every condition of the rule holds for the resource.
fn explicit_matches(rule: &ExplicitRule, res: &Resource) -> bool {
    if rule
        .resource_type
        .as_ref()
        .is_some_and(|g| !g.is_match(&res.resource_type))
    {
        return false;
    }
    if rule.region.as_ref().is_some_and(|g| !g.is_match(region_of(res))) {
        return false;
    }
    if rule.arn.as_ref().is_some_and(|g| !g.is_match(&res.arn)) {
        return false;
    }
    if let Some(regex) = &rule.name {
        match &res.name {
            Some(name) if regex.is_match(name) => {}
            _ => return false,
        }
    }
    if rule.tag_key.is_some() || rule.tag_value.is_some() {
        let any = res.tags.iter().any(|(key, value)| {
            rule.tag_key.as_ref().is_none_or(|g| g.is_match(key.trim()))
                && rule.tag_value.as_ref().is_none_or(|g| g.is_match(value.trim()))
        });
        if !any {
            return false;
        }
    }
    true
}

/// The region an explicit rule's `region` glob sees: the resource's region, a bucket's
/// location (`us-east-1` when empty), or `global`.
pub(crate) fn region_of(res: &Resource) -> &str {
    if let Some(region) = &res.region {
        return region;
    }
    match res.attr_str("location") {
        Some("") => "us-east-1",
        Some(location) => location,
        None => "global",
    }
}

/// Convention 3, iteratively (no recursion, so a long chain cannot overflow the stack).
fn follow_dependencies(graph: &Graph<'_>, rules: &Rules, decisions: &mut [Decision<'_>]) {
    if rules.follow.is_empty() {
        return;
    }
    // Relation kind ids per followed type; kinds absent from the graph are skipped.
    let mut follow_kinds: FastMap<&str, Vec<u16>> = FastMap::default();
    for f in &rules.follow {
        let kinds = f.relations.iter().filter_map(|k| graph.kind_id(k)).collect();
        follow_kinds.entry(f.resource_type.as_str()).or_insert(kinds);
    }
    const DONE: u8 = 0;
    const PENDING: u8 = 1;
    const ACTIVE: u8 = 2;
    let kinds_of = |i: usize| follow_kinds.get(graph.resources[i].resource_type.as_str());
    let mut state: Vec<u8> = (0..graph.len())
        .map(|i| {
            if decisions[i].basis == Basis::NoSignal && kinds_of(i).is_some_and(|k| !k.is_empty()) {
                PENDING
            } else {
                DONE
            }
        })
        .collect();
    let mut stack: Vec<usize> = Vec::new();
    for start in 0..graph.len() {
        if state[start] != PENDING {
            continue;
        }
        stack.push(start);
        while let Some(&r) = stack.last() {
            if state[r] == DONE {
                stack.pop();
                continue;
            }
            state[r] = ACTIVE;
            let kinds = kinds_of(r).map(Vec::as_slice).unwrap_or_default();
            let next = kinds
                .iter()
                .flat_map(|&k| graph.related(r, k))
                .find(|&t| state[t] == PENDING);
            if let Some(t) = next {
                stack.push(t);
                continue;
            }
            // Every dependency is decided (or is on the stack: a cycle, which gives no signal).
            for &kind in kinds {
                let mut targets: TargetSet = 0;
                let mut via = None;
                for t in graph.related(r, kind) {
                    if decisions[t].has_signal() {
                        targets |= bit(decisions[t].target);
                        via.get_or_insert(t);
                    }
                }
                let Some(via) = via else { continue };
                if targets.count_ones() == 1 {
                    let target = decisions[via].target;
                    let decision = &mut decisions[r];
                    decision.target = target;
                    decision.basis = Basis::Follows { via, kind };
                    decision.notes.retain(|n| !matches!(n, Note::EnvUnknown { .. }));
                } else {
                    decisions[r].notes.push(Note::FollowSplit { kind, targets });
                }
                break;
            }
            state[r] = DONE;
            stack.pop();
        }
    }
}

/// Containers: a VPC, subnet, security group, instance profile, role, managed policy or KMS key
/// (see [`CONTAINER_USES`]). One used by resources of several targets stays in the legacy
/// target (unless an explicit rule placed it) and needs review: each target recreates its own.
/// One without evidence of its own, used only by resources of one target, goes with them
/// (`used-by`), except a subnet or security group whose VPC has evidence of its own, which
/// `network` keeps with its VPC, and one that resources without a target use too: those still
/// stay in the legacy account, and so does what they run in. Only resources with a signal count as users; subnets and
/// security groups pass their users (and their own target) on to their VPC, an instance profile
/// to its role, and a role to its policies ([`PASSED_ON`]). What AWS creates in every account
/// (service-linked roles, AWS-managed keys) is never a conflict.
fn find_conflicts(graph: &Graph<'_>, rules: &Rules, decisions: &mut [Decision<'_>]) -> Vec<ConflictFound> {
    // Per resource: which container type it is (index into CONTAINER_USES + 1), 0 for none.
    let container: Vec<u8> = graph
        .resources
        .iter()
        .map(|r| {
            CONTAINER_USES
                .iter()
                .position(|(_, ty)| r.resource_type == *ty)
                .map_or(0, |p| p as u8 + 1)
        })
        .collect();
    // Per relation kind id: the container type it points to, 0 for none.
    let use_of_kind: Vec<u8> = graph
        .kinds
        .iter()
        .map(|k| {
            CONTAINER_USES
                .iter()
                .position(|(kind, _)| k == kind)
                .map_or(0, |p| p as u8 + 1)
        })
        .collect();
    if use_of_kind.iter().all(|&u| u == 0) {
        return Vec::new();
    }
    let own = |d: &Decision<'_>| if d.has_signal() { bit(d.target) } else { 0 };
    let mut users: Vec<TargetSet> = vec![0; graph.len()];
    // One user of each container (the first in inventory order), for the reason.
    let mut first_user: Vec<Option<usize>> = vec![None; graph.len()];
    // Containers that a resource without a target uses too.
    let mut untargeted: Vec<bool> = vec![false; graph.len()];
    // Pass 1: ordinary resources mark the containers they use.
    for (i, decision) in decisions.iter().enumerate() {
        if container[i] != 0 {
            continue;
        }
        let mark = own(decision);
        let unsure = decision.basis == Basis::NoSignal;
        if mark == 0 && !unsure {
            continue;
        }
        for edge in graph.edges(i) {
            let to = edge.to as usize;
            let wanted = use_of_kind[edge.kind as usize];
            if wanted != 0 && container[to] == wanted {
                if unsure {
                    untargeted[to] = true;
                    continue;
                }
                users[to] |= mark;
                first_user[to].get_or_insert(i);
            }
        }
    }
    // Pass 2: containers pass their users (and their own target) on, in PASSED_ON order.
    for (from_type, kind, to_type) in PASSED_ON {
        let Some(kind) = graph.kind_id(kind) else { continue };
        for i in 0..graph.len() {
            if graph.resources[i].resource_type != from_type {
                continue;
            }
            let mark = users[i] | own(&decisions[i]);
            if mark == 0 && !untargeted[i] {
                continue;
            }
            let user = if own(&decisions[i]) != 0 {
                Some(i)
            } else {
                first_user[i]
            };
            for to in graph.related(i, kind) {
                if graph.resources[to].resource_type == to_type {
                    untargeted[to] |= untargeted[i];
                    users[to] |= mark;
                    if first_user[to].is_none() {
                        first_user[to] = user;
                    }
                }
            }
        }
    }
    // The VPCs with evidence of their own, before any container's decision changes below.
    let vpc_decides: Vec<bool> = graph
        .resources
        .iter()
        .zip(decisions.iter())
        .map(|(r, d)| r.resource_type == "ec2:vpc" && d.has_signal())
        .collect();
    let in_vpc = graph.kind_id("in-vpc");
    let mut conflicts = Vec::new();
    for (i, &set) in users.iter().enumerate() {
        if set == 0 {
            continue;
        }
        let ty = graph.resources[i].resource_type.as_str();
        let network = CONTAINER_USES[..3].iter().any(|(_, t)| *t == ty);
        let decision = &mut decisions[i];
        if !network && matches!(decision.basis, Basis::AwsDefault { .. }) {
            continue;
        }
        if set.count_ones() >= 2 {
            conflicts.push(ConflictFound { index: i, users: set });
            if matches!(decision.basis, Basis::Explicit { .. }) {
                decision.notes.push(Note::ConflictKept { users: set });
            } else {
                decision.target = rules.legacy;
                decision.basis = Basis::Conflict { users: set };
                decision.notes.clear();
            }
            continue;
        }
        if decision.basis != Basis::NoSignal {
            continue;
        }
        let kept_by_vpc = is_vpc_part(ty) && in_vpc.is_some_and(|k| graph.related(i, k).any(|v| vpc_decides[v]));
        match first_user[i] {
            Some(via) if !kept_by_vpc && !untargeted[i] => {
                decision.target = members(set).next().unwrap_or(rules.legacy);
                decision.basis = Basis::UsedBy { via };
                decision.notes.retain(|n| !matches!(n, Note::EnvUnknown { .. }));
            }
            _ => decision.notes.push(Note::UsedBy {
                targets: set,
                untargeted: untargeted[i],
            }),
        }
    }
    conflicts
}

/// Byte ranges of the tokens of `name`, split on any separator, empty pieces dropped.
fn token_spans(name: &str, separators: &[char]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, c) in name.char_indices() {
        if separators.contains(&c) {
            if i > start {
                spans.push((start, i));
            }
            start = i + c.len_utf8();
        }
    }
    if name.len() > start {
        spans.push((start, name.len()));
    }
    spans
}

/// `text` in lower case, borrowing it when it already is.
fn lower<'b>(text: &'b str, buf: &'b mut String) -> &'b str {
    if text.is_ascii() {
        if !text.bytes().any(|b| b.is_ascii_uppercase()) {
            return text;
        }
        buf.clear();
        buf.push_str(text);
        buf.make_ascii_lowercase();
    } else {
        *buf = text.to_lowercase();
    }
    buf.as_str()
}

/// `text` equals `wanted` (already lower case), ignoring case.
fn eq_lower(text: &str, wanted: &str) -> bool {
    if text.is_ascii() {
        text.eq_ignore_ascii_case(wanted)
    } else {
        text.to_lowercase() == wanted
    }
}
