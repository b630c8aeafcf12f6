//! Sentences for reviewers: why each resource went where it did, what decision a flagged
//! resource needs, and what a cross-target dependency means. Every sentence names its evidence
//! (the tag, the token, the resource followed) so a reviewer can check it without the code.

use std::borrow::Cow;

use super::engine::{Basis, Decision, Note, TargetSet, members};
use super::graph::Graph;
use super::rules::Rules;
use crate::model::Resource;

/// A readable word for a resource type: `instance`, `VPC`, `security group`.
pub(crate) fn type_word(resource_type: &str) -> Cow<'_, str> {
    let word = match resource_type {
        "ec2:instance" => "instance",
        "ec2:volume" => "volume",
        "ec2:snapshot" => "snapshot",
        "ec2:image" => "AMI",
        "ec2:vpc" => "VPC",
        "ec2:subnet" => "subnet",
        "ec2:security-group" => "security group",
        "ec2:network-interface" => "network interface",
        "ec2:elastic-ip" => "Elastic IP",
        "ec2:natgateway" => "NAT gateway",
        "ec2:internet-gateway" => "internet gateway",
        "ec2:transit-gateway" => "transit gateway",
        "ec2:transit-gateway-attachment" => "transit gateway attachment",
        "ec2:route-table" => "route table",
        "ec2:network-acl" => "network ACL",
        "ec2:vpc-endpoint" => "VPC endpoint",
        "ec2:vpc-peering-connection" => "peering connection",
        "ec2:egress-only-internet-gateway" => "egress-only internet gateway",
        "rds:subgrp" => "DB subnet group",
        "s3:bucket" => "bucket",
        "kms:key" => "KMS key",
        "rds:db" => "RDS database",
        "lambda:function" => "Lambda function",
        "dynamodb:table" => "DynamoDB table",
        "ecr:repository" => "ECR repository",
        "secretsmanager:secret" => "secret",
        other => {
            let short = other.split_once(':').map(|(_, t)| t).unwrap_or(other);
            return Cow::Owned(short.replace('-', " "));
        }
    };
    Cow::Borrowed(word)
}

/// `instance i-0abc`: the type word and the resource id (the ARN when there is no id).
/// Formatted in place, without an intermediate string.
#[derive(Clone, Copy)]
pub(crate) struct Label<'r>(&'r Resource);

impl std::fmt::Display for Label<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let res = self.0;
        let id = if res.id.is_empty() { &res.arn } else { &res.id };
        write!(f, "{} {id}", type_word(&res.resource_type))
    }
}

pub(crate) fn label(res: &Resource) -> Label<'_> {
    Label(res)
}

/// How a resource relates to the one it follows: "follows instance i-1 (dev) <phrase>".
fn follow_phrase(kind: &str) -> Cow<'_, str> {
    Cow::Borrowed(match kind {
        "attached-to" => "it is attached to",
        "in-subnet" | "in-vpc" => "it is in",
        "has-security-group" => "it uses",
        "from-volume" | "from-snapshot" => "it was made from",
        "associated-with" => "it is associated with",
        "uses-key" => "it is encrypted with",
        "has-instance" => "it runs",
        other => return Cow::Owned(format!("it is related to ({other})")),
    })
}

/// `dev`, `dev and prod`, `dev, sandbox and prod`.
pub(crate) fn target_list(rules: &Rules, set: TargetSet) -> String {
    let names: Vec<&str> = members(set).map(|t| rules.targets[t].name.as_str()).collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

pub(crate) struct Explainer<'g, 'a> {
    pub rules: &'g Rules,
    pub graph: &'g Graph<'a>,
    pub decisions: &'g [Decision<'a>],
}

impl Explainer<'_, '_> {
    fn name(&self, target: usize) -> &str {
        &self.rules.targets[target].name
    }

    fn legacy(&self) -> &str {
        self.name(self.rules.legacy)
    }

    /// The `reason` of an assignment.
    pub fn reason(&self, i: usize) -> String {
        let d = &self.decisions[i];
        let res = &self.graph.resources[i];
        let target = self.name(d.target);
        let mut text = match &d.basis {
            Basis::Explicit { rule } => {
                let rule = &self.rules.explicit[*rule];
                let mut s = format!("explicit rule '{}' ({}) sends it to {target}", rule.id, rule.conditions);
                if let Some(reason) = &rule.reason {
                    s.push_str(": ");
                    s.push_str(reason);
                }
                s
            }
            Basis::EnvTag { key, value } => format!("tag {key}='{value}' matches {target}"),
            Basis::NameToken { token } => {
                format!(
                    "name token '{token}' in '{}' matches {target}",
                    res.name.as_deref().unwrap_or("")
                )
            }
            Basis::Follows { via, kind } => format!(
                "follows {} ({target}) {}",
                label(&self.graph.resources[*via]),
                follow_phrase(self.graph.kind(*kind))
            ),
            Basis::UsedBy { via } => format!(
                "used only by {target} resources, such as {}, so it goes to {target} with them",
                label(&self.graph.resources[*via])
            ),
            Basis::Purpose { purpose, service } => format!(
                "its policy lets {service} write, so it is {}; goes to {target}",
                self.rules.purposes[*purpose].description
            ),
            Basis::Conflict { users } => self.conflict_reason(res, *users),
            Basis::AwsDefault { vpc: None } if res.resource_type == "ec2:vpc" => format!(
                "the default VPC of {}: AWS creates one in every region of every account, so the new accounts \
                 have their own; it stays in {target}",
                res.region.as_deref().unwrap_or("its region")
            ),
            Basis::AwsDefault { vpc: None } if res.resource_type == "ec2:dhcp-options" => format!(
                "the default DHCP options of {}: AWS creates the same set in every region of every account, so \
                 the new accounts have their own; it stays in {target}",
                res.region.as_deref().unwrap_or("its region")
            ),
            Basis::AwsDefault { vpc: None } if res.resource_type == "iam:role" => format!(
                "a service-linked role: AWS creates it in every account whose service uses it, so the new \
                 accounts get their own; it stays in {target}"
            ),
            Basis::AwsDefault { vpc: None } if res.resource_type == "kms:key" => format!(
                "an AWS-managed key: AWS creates it in every account whose service uses it, so the new accounts \
                 get their own; it cannot be shared with them, and it stays in {target}"
            ),
            Basis::AwsDefault { vpc: None } => format!(
                "part of the default VPC, created by AWS with it; every new account has its own, so it stays in {target}"
            ),
            Basis::AwsDefault { vpc: Some(vpc) } => format!(
                "the {} of {} ({target}): AWS creates it with every VPC, so it goes where the VPC goes",
                match res.resource_type.as_str() {
                    "ec2:route-table" => "main route table",
                    "ec2:network-acl" => "default network ACL",
                    _ => "default security group",
                },
                label(&self.graph.resources[*vpc])
            ),
            Basis::NoSignal => self.no_signal_reason(res, &d.notes),
        };
        for note in &d.notes {
            let extra = match note {
                Note::EnvDisagrees { key, value, target } => {
                    format!("but tag {key}='{value}' says {}", self.name(*target))
                }
                Note::NameAlsoMatches { token, target } => {
                    format!("but name token '{token}' says {}", self.name(*target))
                }
                Note::PurposeDisagrees { purpose, service } => {
                    let p = &self.rules.purposes[*purpose];
                    format!(
                        "but its policy lets {service} write, which makes it {} for {}",
                        p.description,
                        self.name(p.target)
                    )
                }
                Note::FollowSplit { kind, targets } => format!(
                    "the resources {} belong to several targets ({})",
                    follow_phrase(self.graph.kind(*kind)),
                    target_list(self.rules, *targets)
                ),
                Note::UsedBy {
                    targets,
                    untargeted: false,
                } => format!("only {} resources use it", target_list(self.rules, *targets)),
                Note::UsedBy {
                    targets,
                    untargeted: true,
                } => format!(
                    "{} resources use it, and so do resources still without a target",
                    target_list(self.rules, *targets)
                ),
                Note::ConflictKept { users } => {
                    format!("but {} resources use it", target_list(self.rules, *users))
                }
                Note::UnknownType => format!("no catalog method for {}: review how it moves", res.resource_type),
                Note::EnvUnknown { .. } => continue,
            };
            text.push_str("; ");
            text.push_str(&extra);
        }
        text.shrink_to_fit();
        text
    }

    fn no_signal_reason(&self, res: &Resource, notes: &[Note<'_>]) -> String {
        let follows = self.rules.follow.iter().any(|f| f.resource_type == res.resource_type);
        let unknown = notes.iter().find_map(|n| match n {
            Note::EnvUnknown { key, value } => Some((*key, *value)),
            _ => None,
        });
        let evidence = match (unknown, follows) {
            (None, false) => "no environment tag or name token".to_owned(),
            (None, true) => "no environment tag, name token or related resource with a target".to_owned(),
            (Some((key, value)), false) => {
                format!("tag {key}='{value}' names no known environment, and no name token does")
            }
            (Some((key, value)), true) => {
                format!("tag {key}='{value}' names no known environment, and no name token or related resource does")
            }
        };
        format!("{evidence}; stays in {} for review", self.legacy())
    }

    fn conflict_reason(&self, res: &Resource, users: TargetSet) -> String {
        let word = type_word(&res.resource_type);
        let mut text = format!(
            "used by {} resources, so it stays in {}",
            target_list(self.rules, users),
            self.legacy()
        );
        for t in members(users).filter(|&t| t != self.rules.legacy) {
            let name = self.name(t);
            text.push_str(&format!("; {name} workloads need their own {word} in {name}"));
        }
        text
    }

    /// The decision a flagged resource needs, for the review queue.
    pub fn review_decision(&self, i: usize) -> String {
        let d = &self.decisions[i];
        let res = &self.graph.resources[i];
        let mut parts: Vec<String> = Vec::new();
        match &d.basis {
            Basis::NoSignal => {
                let only_user = d.notes.iter().find_map(|n| match n {
                    Note::UsedBy { targets, untargeted } if targets.count_ones() == 1 => {
                        Some((self.name(members(*targets).next()?), *untargeted))
                    }
                    _ => None,
                });
                parts.push(match only_user {
                    Some((user, true)) => format!(
                        "decide first the resources without a target that use it: if they all go to {user}, it goes \
                         with them; left alone it stays in {}",
                        self.legacy()
                    ),
                    Some((user, false)) => format!(
                        "only {user} resources use it: tag it (Environment={user}) or add an explicit rule to move it \
                         with them; left alone it stays in {}",
                        self.legacy()
                    ),
                    None => format!(
                        "tag it (for example Environment=dev) or add an explicit rule; left alone it stays in {}",
                        self.legacy()
                    ),
                });
            }
            Basis::Conflict { users } => {
                let others = members(*users)
                    .filter(|&t| t != self.rules.legacy)
                    .fold(0, |s, t| s | (1 << t));
                parts.push(format!(
                    "recreate the {} in {} before moving their resources, or split its users",
                    type_word(&res.resource_type),
                    target_list(self.rules, others)
                ));
            }
            Basis::Explicit { rule } if self.rules.explicit[*rule].review => {
                parts.push(format!("confirm explicit rule '{}'", self.rules.explicit[*rule].id));
            }
            _ => {}
        }
        for note in &d.notes {
            let part = match note {
                Note::EnvDisagrees { .. } => "make its environment tags agree".to_owned(),
                Note::NameAlsoMatches { .. } => "confirm the target: its name names several".to_owned(),
                Note::PurposeDisagrees { purpose, .. } => format!(
                    "confirm whether it belongs in {}",
                    self.name(self.rules.purposes[*purpose].target)
                ),
                Note::FollowSplit { .. } => "choose a target: the resources it depends on disagree".to_owned(),
                Note::ConflictKept { users } => format!(
                    "confirm the explicit rule: {} resources also use it",
                    target_list(self.rules, *users)
                ),
                Note::UnknownType => format!(
                    "choose how to move {}; the default is to recreate it",
                    res.resource_type
                ),
                Note::EnvUnknown { .. } | Note::UsedBy { .. } => continue,
            };
            parts.push(part);
        }
        parts.join("; ")
    }

    /// The note of a cross-target edge.
    pub fn edge_note(&self, from: usize, kind: &str, to: usize) -> String {
        let mut note = self.edge_text(from, kind, to);
        note.shrink_to_fit();
        note
    }

    fn edge_text(&self, from: usize, kind: &str, to: usize) -> String {
        let from_target = self.name(self.decisions[from].target);
        let to_res = &self.graph.resources[to];
        let to_label = label(to_res);
        let to_target = self.decisions[to].target;
        let whereabouts = if to_target == self.rules.legacy {
            format!("stays in {}", self.name(to_target))
        } else {
            format!("goes to {}", self.name(to_target))
        };
        if self.decisions[from].basis == Basis::NoSignal {
            return format!(
                "{} has no target of its own and stays in {from_target}, but {to_label} {whereabouts}: \
                 tag it to move it along",
                label(&self.graph.resources[from])
            );
        }
        match kind {
            "in-vpc" | "in-subnet" => format!(
                "{from_target} needs its own {} in {from_target}: {to_label} {whereabouts}",
                type_word(&to_res.resource_type)
            ),
            "has-security-group" => format!("recreate {to_label} in {from_target}: it {whereabouts}"),
            "attached-to" => format!("attached to {to_label}, which {whereabouts}: move them together or detach"),
            "from-volume" | "from-snapshot" => {
                format!("made from {to_label}, which {whereabouts}: share a copy with {from_target}")
            }
            "associated-with" => {
                format!("associated with {to_label}, which {whereabouts}: re-associate after the move")
            }
            "uses-key" => format!(
                "encrypted with {to_label}, which {whereabouts}: grant {from_target} use of it or re-encrypt with a key in {from_target}"
            ),
            other => format!("{other} {to_label}, which {whereabouts}"),
        }
    }
}
