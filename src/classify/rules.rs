//! The rules file: TOML text in, a validated [`Rules`] out. Everything the classifier decides
//! by convention (targets, environment tag keys, synonyms, name tokens, dependencies, purpose)
//! and every explicit rule comes from here, so a team can change any of it without code.
//! Validation happens once, up front: a run with a bad rules file writes nothing.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use globset::{GlobBuilder, GlobMatcher};
use regex::Regex;
use serde::Deserialize;
use toml::Spanned;

use crate::blindspots::Acknowledgement;
use crate::model::EnvironmentConvention;

/// The default rules, embedded in the binary and printed by `acctsplit rules --print-default`.
pub const DEFAULT_RULES_TOML: &str = include_str!("../../rules/default.toml");

/// At most this many targets, so a set of targets fits in one machine word.
pub const MAX_TARGETS: usize = 64;

/// Why a rules file was refused. Every variant names the file, and the line when known.
#[derive(Debug, thiserror::Error)]
pub enum RulesError {
    #[error("cannot read rules file {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{origin}:{line}:{column}: {message}")]
    Syntax {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}:{line}: rule '{rule}' names unknown target '{target}' (known targets: {known})")]
    UnknownTarget {
        origin: String,
        line: usize,
        rule: String,
        target: String,
        known: String,
    },
    #[error("{origin}:{line}: rule '{rule}' has an invalid {field} pattern '{pattern}': {message}")]
    BadPattern {
        origin: String,
        line: usize,
        rule: String,
        field: &'static str,
        pattern: String,
        message: String,
    },
    #[error("{origin}: {message}")]
    Invalid { origin: String, message: String },
}

/// A target account, as the rules file defines it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub name: String,
    pub ou: String,
    pub purpose: String,
    pub stays_in_legacy: bool,
    /// Lower-case, trimmed.
    pub synonyms: Vec<String>,
}

/// A dependency convention: a resource of this type without a signal follows related
/// resources, trying the relation kinds in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Follow {
    pub resource_type: String,
    pub relations: Vec<String>,
}

/// A purpose convention: buckets whose policy lets one of these services write go to `target`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Purpose {
    pub target: usize,
    pub description: String,
    pub write_services: Vec<String>,
}

/// One explicit rule, with its patterns compiled.
#[derive(Debug, Clone)]
pub struct ExplicitRule {
    pub id: String,
    pub target: usize,
    pub reason: Option<String>,
    pub review: bool,
    /// The conditions in words, for explanations: `resource_type ec2:transit-gateway`.
    pub conditions: String,
    pub resource_type: Option<GlobMatcher>,
    pub region: Option<GlobMatcher>,
    pub tag_key: Option<GlobMatcher>,
    pub tag_value: Option<GlobMatcher>,
    pub name: Option<Regex>,
    pub arn: Option<GlobMatcher>,
}

/// Validated classification rules.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Where the rules came from (`default rules` or a file name), for messages.
    pub origin: String,
    pub targets: Vec<Target>,
    /// Index into `targets` of the legacy account.
    pub legacy: usize,
    /// Lower-case, trimmed, in priority order.
    pub env_tag_keys: Vec<String>,
    pub name_tokens: bool,
    pub separators: Vec<char>,
    pub follow: Vec<Follow>,
    /// `[workloads] tag_keys`: lower-case, trimmed, in priority order.
    pub workload_tag_keys: Vec<String>,
    /// `[workloads] stop_words`: lower-case words that are never a name stem on their own.
    pub workload_stop_words: Vec<String>,
    pub purposes: Vec<Purpose>,
    pub explicit: Vec<ExplicitRule>,
    /// Blind spots the team accepts (`[[acknowledge]]`), for the blind-spot check; they place
    /// no resource.
    pub acknowledge: Vec<Acknowledgement>,
    /// Lower-case synonym -> target index.
    pub(crate) synonyms: super::graph::FastMap<String, usize>,
    /// Synonyms split into tokens, for name-token matching; longest first.
    pub(crate) token_synonyms: Vec<(Vec<String>, usize)>,
}

// ---- raw TOML shape -------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    targets: Vec<RawTarget>,
    environment: RawEnvironment,
    #[serde(default)]
    name_tokens: Option<RawNameTokens>,
    #[serde(default)]
    follow: Vec<RawFollow>,
    #[serde(default)]
    workloads: Option<RawWorkloads>,
    #[serde(default)]
    purpose: Vec<RawPurpose>,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    acknowledge: Vec<RawAcknowledge>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: Spanned<String>,
    ou: String,
    purpose: String,
    #[serde(default)]
    stays_in_legacy: bool,
    #[serde(default)]
    synonyms: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEnvironment {
    tag_keys: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNameTokens {
    #[serde(default = "yes")]
    enabled: bool,
    #[serde(default = "default_separators")]
    separators: String,
}

/// `[workloads]`: how resources are grouped into applications. Both keys default to the
/// lists below, so rules files written before workloads keep working.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWorkloads {
    #[serde(default = "default_workload_tag_keys")]
    tag_keys: Vec<String>,
    #[serde(default = "default_stop_words")]
    stop_words: Vec<String>,
}

/// The application tag keys, in priority order.
pub const DEFAULT_WORKLOAD_TAG_KEYS: [&str; 6] = [
    "application",
    "app",
    "project",
    "service",
    "workload",
    "aws:cloudformation:stack-name",
];

/// Generic words that say what a resource is, not which application it serves.
pub const DEFAULT_STOP_WORDS: [&str; 42] = [
    "web",
    "www",
    "api",
    "app",
    "apps",
    "db",
    "database",
    "rds",
    "sql",
    "server",
    "srv",
    "host",
    "worker",
    "workers",
    "vm",
    "node",
    "nodes",
    "instance",
    "ec2",
    "vol",
    "volume",
    "disk",
    "data",
    "snap",
    "snapshot",
    "backup",
    "bucket",
    "s3",
    "sg",
    "subnet",
    "vpc",
    "net",
    "private",
    "public",
    "main",
    "primary",
    "secondary",
    "new",
    "old",
    "tmp",
    "temp",
    "scratch",
];

fn default_workload_tag_keys() -> Vec<String> {
    DEFAULT_WORKLOAD_TAG_KEYS.iter().map(|s| s.to_string()).collect()
}

fn default_stop_words() -> Vec<String> {
    DEFAULT_STOP_WORDS.iter().map(|s| s.to_string()).collect()
}

fn yes() -> bool {
    true
}

fn default_separators() -> String {
    "-_.".to_owned()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFollow {
    resource_type: String,
    relations: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPurpose {
    target: Spanned<String>,
    #[serde(default)]
    description: Option<String>,
    policy_write_services: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    target: Spanned<String>,
    #[serde(default)]
    reason: Option<String>,
    #[serde(default)]
    review: bool,
    resource_type: Option<Spanned<String>>,
    region: Option<Spanned<String>>,
    tag_key: Option<Spanned<String>>,
    tag_value: Option<Spanned<String>>,
    name: Option<Spanned<String>>,
    arn: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAcknowledge {
    service: Spanned<String>,
    #[serde(default)]
    region: Option<String>,
    reason: String,
}

// ---- loading --------------------------------------------------------------------------------

impl Rules {
    /// The embedded default rules.
    pub fn default_rules() -> Rules {
        Rules::parse(DEFAULT_RULES_TOML, "default rules").expect("the embedded default rules are valid")
    }

    /// Reads, parses and validates a rules file.
    pub fn load(path: &Path) -> Result<Rules, RulesError> {
        let text = std::fs::read_to_string(path).map_err(|source| RulesError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Rules::parse(&text, &path.display().to_string())
    }

    /// Parses and validates rules text; `origin` names the text in messages.
    pub fn parse(text: &str, origin: &str) -> Result<Rules, RulesError> {
        let raw: RawRules = toml::from_str(text).map_err(|err| {
            let (line, column) = err.span().map(|span| line_col(text, span.start)).unwrap_or((1, 1));
            RulesError::Syntax {
                origin: origin.to_owned(),
                line,
                column,
                message: err.message().trim().to_owned(),
            }
        })?;
        Validator { text, origin }.validate(raw)
    }

    /// Index of a target by name.
    pub fn target_index(&self, name: &str) -> Option<usize> {
        self.targets.iter().position(|t| t.name == name)
    }

    /// The legacy target (the one whose resources stay).
    pub fn legacy_target(&self) -> &Target {
        &self.targets[self.legacy]
    }

    /// The environment convention as the plan records it.
    pub fn environment_convention(&self) -> EnvironmentConvention {
        let synonyms: BTreeMap<String, String> = self
            .synonyms
            .iter()
            .map(|(value, &target)| (value.clone(), self.targets[target].name.clone()))
            .collect();
        EnvironmentConvention {
            tag_keys: self.env_tag_keys.clone(),
            synonyms,
        }
    }

    /// The target a trimmed, case-insensitive environment value names.
    pub fn synonym_target(&self, value: &str) -> Option<usize> {
        let value = value.trim();
        if let Some(&t) = self.synonyms.get(value) {
            return Some(t);
        }
        self.synonyms.get(&value.to_lowercase()).copied()
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, before[line_start..].chars().count() + 1)
}

struct Validator<'a> {
    text: &'a str,
    origin: &'a str,
}

impl Validator<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        line_col(self.text, span.start).0
    }

    fn invalid(&self, message: String) -> RulesError {
        RulesError::Invalid {
            origin: self.origin.to_owned(),
            message,
        }
    }

    fn at(&self, span: Range<usize>, message: String) -> RulesError {
        let (line, column) = line_col(self.text, span.start);
        RulesError::Syntax {
            origin: self.origin.to_owned(),
            line,
            column,
            message,
        }
    }

    fn validate(&self, raw: RawRules) -> Result<Rules, RulesError> {
        if raw.targets.is_empty() {
            return Err(self.invalid("no [[targets]]: define at least the legacy target".to_owned()));
        }
        if raw.targets.len() > MAX_TARGETS {
            return Err(self.invalid(format!(
                "{} targets defined; at most {MAX_TARGETS} are supported",
                raw.targets.len()
            )));
        }
        let mut targets: Vec<Target> = Vec::with_capacity(raw.targets.len());
        let mut synonyms: super::graph::FastMap<String, usize> = Default::default();
        for (index, raw_target) in raw.targets.into_iter().enumerate() {
            let span = raw_target.name.span();
            let name = raw_target.name.into_inner();
            if !valid_target_name(&name) {
                return Err(self.at(
                    span,
                    format!("target name '{name}' must be lower-case letters, digits and '-' (it is used in ids)"),
                ));
            }
            if targets.iter().any(|t| t.name == name) {
                return Err(self.at(span, format!("target '{name}' is defined twice")));
            }
            let mut own = Vec::with_capacity(raw_target.synonyms.len());
            for synonym in raw_target.synonyms {
                let span = synonym.span();
                let value = synonym.into_inner().trim().to_lowercase();
                if value.is_empty() {
                    return Err(self.at(span, format!("target '{name}' has an empty synonym")));
                }
                if let Some(&other) = synonyms.get(&value) {
                    if other != index {
                        return Err(self.at(
                            span,
                            format!(
                                "synonym '{value}' is given to both '{}' and '{name}'",
                                targets[other].name
                            ),
                        ));
                    }
                    continue;
                }
                synonyms.insert(value.clone(), index);
                own.push(value);
            }
            targets.push(Target {
                name,
                ou: raw_target.ou,
                purpose: raw_target.purpose,
                stays_in_legacy: raw_target.stays_in_legacy,
                synonyms: own,
            });
        }
        let legacy: Vec<usize> = (0..targets.len()).filter(|&i| targets[i].stays_in_legacy).collect();
        let legacy = match legacy.as_slice() {
            [one] => *one,
            [] => {
                return Err(self.invalid(
                    "no target has `stays_in_legacy = true`: mark the one the legacy account becomes".to_owned(),
                ));
            }
            many => {
                let names: Vec<&str> = many.iter().map(|&i| targets[i].name.as_str()).collect();
                return Err(self.invalid(format!(
                    "several targets have `stays_in_legacy = true` ({}): the legacy account becomes exactly one",
                    names.join(", ")
                )));
            }
        };
        let known = targets.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ");
        let find_target = |name: &str| targets.iter().position(|t| t.name == name);

        let mut env_tag_keys: Vec<String> = Vec::new();
        for key in raw.environment.tag_keys {
            let key = key.trim().to_lowercase();
            if key.is_empty() {
                return Err(self.invalid("[environment] tag_keys has an empty key".to_owned()));
            }
            if !env_tag_keys.contains(&key) {
                env_tag_keys.push(key);
            }
        }

        let (name_tokens, separators): (bool, Vec<char>) = match raw.name_tokens {
            Some(n) => (n.enabled, n.separators.chars().collect()),
            None => (true, default_separators().chars().collect()),
        };

        let (workload_tag_keys, workload_stop_words) = match raw.workloads {
            Some(w) => (w.tag_keys, w.stop_words),
            None => (default_workload_tag_keys(), default_stop_words()),
        };
        let lowered = |list: Vec<String>| -> Vec<String> {
            let mut out: Vec<String> = Vec::new();
            for item in list {
                let item = item.trim().to_lowercase();
                if !item.is_empty() && !out.contains(&item) {
                    out.push(item);
                }
            }
            out
        };
        let (workload_tag_keys, workload_stop_words) = (lowered(workload_tag_keys), lowered(workload_stop_words));

        let mut follow = Vec::new();
        for f in raw.follow {
            if f.relations.is_empty() {
                return Err(self.invalid(format!("[[follow]] for '{}' lists no relations", f.resource_type)));
            }
            follow.push(Follow {
                resource_type: f.resource_type.trim().to_owned(),
                relations: f.relations.iter().map(|r| r.trim().to_owned()).collect(),
            });
        }

        let mut purposes = Vec::new();
        for p in raw.purpose {
            let span = p.target.span();
            let name = p.target.into_inner();
            let Some(target) = find_target(&name) else {
                return Err(RulesError::UnknownTarget {
                    origin: self.origin.to_owned(),
                    line: self.line(span),
                    rule: "[[purpose]]".to_owned(),
                    target: name,
                    known,
                });
            };
            purposes.push(Purpose {
                target,
                description: p
                    .description
                    .unwrap_or_else(|| format!("a {} bucket", targets[target].name)),
                write_services: p
                    .policy_write_services
                    .iter()
                    .map(|s| s.trim().to_lowercase())
                    .collect(),
            });
        }

        let mut explicit: Vec<ExplicitRule> = Vec::new();
        for rule in raw.rules {
            let id_span = rule.id.span();
            let id = rule.id.into_inner();
            if id.trim().is_empty() {
                return Err(self.at(id_span, "a rule has an empty id".to_owned()));
            }
            if explicit.iter().any(|r| r.id == id) {
                return Err(self.at(id_span, format!("rule id '{id}' is used twice")));
            }
            let target_span = rule.target.span();
            let target_name = rule.target.into_inner();
            let Some(target) = find_target(&target_name) else {
                return Err(RulesError::UnknownTarget {
                    origin: self.origin.to_owned(),
                    line: self.line(target_span),
                    rule: id,
                    target: target_name,
                    known,
                });
            };
            let mut conditions: Vec<String> = Vec::new();
            let resource_type = self.glob(&id, "resource_type", rule.resource_type, false, &mut conditions)?;
            let region = self.glob(&id, "region", rule.region, false, &mut conditions)?;
            let tag_key = self.glob(&id, "tag_key", rule.tag_key, true, &mut conditions)?;
            let tag_value = self.glob(&id, "tag_value", rule.tag_value, true, &mut conditions)?;
            let name = match rule.name {
                None => None,
                Some(pattern) => {
                    let span = pattern.span();
                    let pattern = pattern.into_inner();
                    let regex = Regex::new(&pattern).map_err(|err| RulesError::BadPattern {
                        origin: self.origin.to_owned(),
                        line: self.line(span),
                        rule: id.clone(),
                        field: "name",
                        pattern: pattern.clone(),
                        message: last_line(&err.to_string()),
                    })?;
                    conditions.push(format!("name ~ /{pattern}/"));
                    Some(regex)
                }
            };
            let arn = self.glob(&id, "arn", rule.arn, false, &mut conditions)?;
            if conditions.is_empty() {
                return Err(self.at(
                    id_span,
                    format!(
                        "rule '{id}' has no condition: give at least one of resource_type, region, tag_key, tag_value, name, arn"
                    ),
                ));
            }
            explicit.push(ExplicitRule {
                id,
                target,
                reason: rule.reason.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()),
                review: rule.review,
                conditions: conditions.join(", "),
                resource_type,
                region,
                tag_key,
                tag_value,
                name,
                arn,
            });
        }

        let mut acknowledge = Vec::new();
        for ack in raw.acknowledge {
            let span = ack.service.span();
            let service = ack.service.into_inner().trim().to_owned();
            if service.is_empty() {
                return Err(self.at(span, "[[acknowledge]] has an empty service".to_owned()));
            }
            let reason = ack.reason.trim().to_owned();
            if reason.is_empty() {
                return Err(self.at(
                    span,
                    format!("[[acknowledge]] of '{service}' has no reason: say why the team accepts this blind spot"),
                ));
            }
            acknowledge.push(Acknowledgement {
                service,
                region: ack.region.map(|r| r.trim().to_owned()).filter(|r| !r.is_empty()),
                reason,
                origin: format!("{}:{}", self.origin, self.line(span)),
            });
        }

        let mut token_synonyms: Vec<(Vec<String>, usize)> = synonyms
            .iter()
            .map(|(value, &target)| (split_tokens(value, &separators), target))
            .filter(|(tokens, _)| !tokens.is_empty())
            .collect();
        // Longest first, then alphabetical, so matching is deterministic.
        token_synonyms.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));

        Ok(Rules {
            origin: self.origin.to_owned(),
            targets,
            legacy,
            env_tag_keys,
            name_tokens,
            separators,
            follow,
            workload_tag_keys,
            workload_stop_words,
            purposes,
            explicit,
            acknowledge,
            synonyms,
            token_synonyms,
        })
    }

    fn glob(
        &self,
        rule: &str,
        field: &'static str,
        pattern: Option<Spanned<String>>,
        case_insensitive: bool,
        conditions: &mut Vec<String>,
    ) -> Result<Option<GlobMatcher>, RulesError> {
        let Some(pattern) = pattern else { return Ok(None) };
        let span = pattern.span();
        let pattern = pattern.into_inner();
        let glob = GlobBuilder::new(&pattern)
            .case_insensitive(case_insensitive)
            .literal_separator(false)
            .backslash_escape(true)
            .build()
            .map_err(|err| RulesError::BadPattern {
                origin: self.origin.to_owned(),
                line: self.line(span),
                rule: rule.to_owned(),
                field,
                pattern: pattern.clone(),
                message: err.kind().to_string(),
            })?;
        conditions.push(format!("{field} {pattern}"));
        Ok(Some(glob.compile_matcher()))
    }
}

fn valid_target_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn last_line(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let last = lines.last().copied().unwrap_or(text);
    last.strip_prefix("error: ").unwrap_or(last).to_owned()
}

/// Splits on any of `separators`, dropping empty pieces; lower-case.
pub(crate) fn split_tokens(text: &str, separators: &[char]) -> Vec<String> {
    text.split(|c| separators.contains(&c))
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINIMAL: &str = r#"
[[targets]]
name = "prod"
ou = "Workloads/Prod"
purpose = "p"
stays_in_legacy = true
synonyms = ["prod"]

[[targets]]
name = "dev"
ou = "Workloads/NonProd"
purpose = "d"
synonyms = ["dev"]

[environment]
tag_keys = ["Environment"]
"#;

    fn with(extra: &str) -> String {
        format!("{MINIMAL}{extra}")
    }

    fn error_of(text: &str) -> String {
        Rules::parse(text, "my-rules.toml").unwrap_err().to_string()
    }

    #[test]
    fn default_rules_parse_and_define_the_design_targets() {
        let rules = Rules::default_rules();
        let names: Vec<&str> = rules.targets.iter().map(|t| t.name.as_str()).collect();
        assert_eq!(names, ["prod", "dev", "shared", "sandbox", "security", "log-archive"]);
        let ous: Vec<&str> = rules.targets.iter().map(|t| t.ou.as_str()).collect();
        assert_eq!(
            ous,
            [
                "Workloads/Prod",
                "Workloads/NonProd",
                "Infrastructure",
                "Sandbox",
                "Security",
                "Security"
            ]
        );
        assert_eq!(rules.legacy_target().name, "prod");
        assert_eq!(rules.env_tag_keys, ["environment", "env", "stage", "tier"]);
        // The only default rules place the governance facts.
        let explicit: Vec<(&str, &str)> = rules
            .explicit
            .iter()
            .map(|r| (r.id.as_str(), rules.targets[r.target].name.as_str()))
            .collect();
        assert_eq!(
            explicit,
            [
                ("governance-trails", "log-archive"),
                ("governance-config", "log-archive"),
                ("governance-guardduty", "security"),
                ("governance-securityhub", "security"),
                ("governance-access-analyzer", "security"),
            ]
        );
        let followed: Vec<&str> = rules.follow.iter().map(|f| f.resource_type.as_str()).collect();
        assert_eq!(
            followed,
            [
                "ec2:volume",
                "ec2:network-interface",
                "ec2:instance",
                "elasticloadbalancing:targetgroup",
                "elasticloadbalancing:loadbalancer",
                "lambda:event-source-mapping",
            ]
        );
        assert_eq!(
            rules.purposes[0].write_services,
            ["cloudtrail.amazonaws.com", "config.amazonaws.com"]
        );
    }

    #[test]
    fn default_rules_acknowledge_no_blind_spot() {
        assert!(Rules::default_rules().acknowledge.is_empty());
    }

    #[test]
    fn acknowledgements_are_read_with_their_line() {
        let rules = Rules::parse(
            &with(
                r#"
[[acknowledge]]
service = " Amazon SageMaker "
reason = "the ML team moves its notebooks itself"

[[acknowledge]]
service = "Amazon OpenSearch Service"
region = "ap-southeast-2"
reason = "a search trial, deleted before the split"
"#,
            ),
            "my-rules.toml",
        )
        .unwrap();
        assert_eq!(
            rules.acknowledge,
            [
                Acknowledgement {
                    service: "Amazon SageMaker".into(),
                    region: None,
                    reason: "the ML team moves its notebooks itself".into(),
                    origin: "my-rules.toml:19".into(),
                },
                Acknowledgement {
                    service: "Amazon OpenSearch Service".into(),
                    region: Some("ap-southeast-2".into()),
                    reason: "a search trial, deleted before the split".into(),
                    origin: "my-rules.toml:23".into(),
                },
            ]
        );
    }

    #[test]
    fn an_acknowledgement_needs_a_service_and_a_reason() {
        let err = error_of(&with(
            "\n[[acknowledge]]\nservice = \"Amazon SageMaker\"\nreason = \" \"\n",
        ));
        assert!(err.starts_with("my-rules.toml:19:"), "{err}");
        assert!(err.contains("has no reason"), "{err}");
        let err = error_of(&with("\n[[acknowledge]]\nservice = \"Amazon SageMaker\"\n"));
        assert!(err.contains("missing field `reason`"), "{err}");
        let err = error_of(&with("\n[[acknowledge]]\nservice = \"\"\nreason = \"r\"\n"));
        assert!(err.contains("empty service"), "{err}");
    }

    #[test]
    fn environment_convention_lists_every_synonym() {
        let env = Rules::default_rules().environment_convention();
        assert_eq!(env.synonyms.len(), 4 + 7 + 5 + 4);
        assert_eq!(env.synonyms["uat"], "dev");
        assert_eq!(env.synonyms["shared-services"], "shared");
        assert_eq!(env.synonyms["live"], "prod");
    }

    #[test]
    fn synonyms_and_keys_are_normalised() {
        let rules = Rules::parse(&MINIMAL.replace(r#"["dev"]"#, r#"[" DEV "]"#), "x").unwrap();
        assert_eq!(rules.targets[1].synonyms, ["dev"]);
        assert_eq!(rules.env_tag_keys, ["environment"]);
        assert_eq!(rules.synonym_target("  Dev\t"), Some(1));
    }

    #[test]
    fn syntax_error_names_file_line_and_column() {
        let text = with("\n[[rules]]\nid = \"x\ntarget = \"dev\"\n");
        let err = Rules::parse(&text, "my-rules.toml").unwrap_err();
        match &err {
            RulesError::Syntax { line, column, .. } => {
                assert_eq!(*line, 19, "{err}");
                assert_eq!(*column, 8, "{err}");
            }
            other => panic!("expected a syntax error, got {other:?}"),
        }
        assert!(err.to_string().starts_with("my-rules.toml:19:8: "), "{err}");
    }

    #[test]
    fn unknown_key_is_refused_with_its_position() {
        let err = error_of(&with("\n[name_tokens]\nenable = true\n"));
        assert_eq!(
            err,
            "my-rules.toml:19:1: unknown field `enable`, expected `enabled` or `separators`"
        );
        assert!(err.contains("enable"), "{err}");
    }

    #[test]
    fn rule_naming_an_unknown_target_names_the_rule_and_the_line() {
        let err = error_of(&with(
            "\n[[rules]]\nid = \"ci\"\ntarget = \"qa\"\nresource_type = \"s3:bucket\"\n",
        ));
        assert_eq!(
            err,
            "my-rules.toml:20: rule 'ci' names unknown target 'qa' (known targets: prod, dev)"
        );
    }

    #[test]
    fn purpose_naming_an_unknown_target_is_refused() {
        let err = error_of(&with(
            "\n[[purpose]]\ntarget = \"log-archive\"\npolicy_write_services = [\"cloudtrail.amazonaws.com\"]\n",
        ));
        assert!(err.contains("unknown target 'log-archive'"), "{err}");
    }

    #[test]
    fn invalid_regex_names_the_rule() {
        let err = error_of(&with(
            "\n[[rules]]\nid = \"bad-name\"\ntarget = \"dev\"\nname = \"(unclosed\"\n",
        ));
        assert!(
            err == "my-rules.toml:21: rule 'bad-name' has an invalid name pattern '(unclosed': unclosed group",
            "{err}"
        );
    }

    #[test]
    fn invalid_glob_names_the_rule_and_field() {
        let err = error_of(&with(
            "\n[[rules]]\nid = \"bad-arn\"\ntarget = \"dev\"\narn = \"arn:aws:s3:::[abc\"\n",
        ));
        assert!(
            err == "my-rules.toml:21: rule 'bad-arn' has an invalid arn pattern 'arn:aws:s3:::[abc': unclosed character class; missing ']'",
            "{err}"
        );
    }

    #[test]
    fn rule_without_conditions_is_refused() {
        let err = error_of(&with("\n[[rules]]\nid = \"all\"\ntarget = \"dev\"\n"));
        assert!(err.contains("rule 'all' has no condition"), "{err}");
    }

    #[test]
    fn duplicate_rule_ids_targets_and_synonyms_are_refused() {
        let two = "\n[[rules]]\nid = \"a\"\ntarget = \"dev\"\nregion = \"*\"\n";
        assert!(error_of(&with(&format!("{two}{two}"))).contains("rule id 'a' is used twice"));
        let twin = MINIMAL.replace("name = \"dev\"", "name = \"prod\"");
        assert!(error_of(&twin).contains("target 'prod' is defined twice"));
        let shared = MINIMAL.replace(r#"synonyms = ["dev"]"#, r#"synonyms = ["Prod"]"#);
        assert!(error_of(&shared).contains("synonym 'prod' is given to both 'prod' and 'dev'"));
    }

    #[test]
    fn exactly_one_legacy_target_is_required() {
        let none = MINIMAL.replace("stays_in_legacy = true", "");
        assert!(error_of(&none).contains("no target has `stays_in_legacy = true`"));
        let two = MINIMAL.replace("purpose = \"d\"", "purpose = \"d\"\nstays_in_legacy = true");
        assert!(error_of(&two).contains("several targets have `stays_in_legacy = true` (prod, dev)"));
    }

    #[test]
    fn target_names_must_be_usable_in_ids() {
        let bad = MINIMAL.replace("name = \"dev\"", "name = \"Dev Account\"");
        assert!(error_of(&bad).contains("target name 'Dev Account'"));
    }

    #[test]
    fn explicit_rules_compile_every_condition() {
        let rules = Rules::parse(
            &with(
                r#"
[[rules]]
id = "ci"
target = "dev"
resource_type = "s3:*"
region = "eu-*"
tag_key = "team"
tag_value = "ci*"
name = "^acme-"
arn = "arn:aws:s3:::acme-*"
reason = "CI artefacts"
review = true
"#,
            ),
            "x",
        )
        .unwrap();
        let rule = &rules.explicit[0];
        assert_eq!(rule.target, 1);
        assert!(rule.review);
        assert_eq!(rule.reason.as_deref(), Some("CI artefacts"));
        assert_eq!(
            rule.conditions,
            "resource_type s3:*, region eu-*, tag_key team, tag_value ci*, name ~ /^acme-/, arn arn:aws:s3:::acme-*"
        );
        assert!(rule.tag_key.as_ref().unwrap().is_match("Team"));
        assert!(rule.arn.as_ref().unwrap().is_match("arn:aws:s3:::acme-ci/logs"));
    }

    #[test]
    fn multi_token_synonyms_are_split_and_sorted_longest_first() {
        let rules = Rules::default_rules();
        assert_eq!(rules.token_synonyms[0].0, ["shared", "services"]);
        assert_eq!(rules.token_synonyms[0].1, 2);
    }

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("ab\ncdé\nf", 0), (1, 1));
        assert_eq!(line_col("ab\ncdé\nf", 3), (2, 1));
        assert_eq!(line_col("ab\ncdé\nf", 8), (3, 1));
        assert_eq!(line_col("ab\ncdé\nf", 99), (3, 2));
    }
}
