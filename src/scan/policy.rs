//! Reads a bucket policy document for what the migration needs: who the principals are, which
//! AWS services may write (a bucket CloudTrail or Config writes to is a log-archive bucket),
//! and which account ids it names (they must be rewritten after the move).

use std::collections::BTreeSet;

use serde_json::Value;

/// What a bucket policy says, each list sorted and without duplicates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyFacts {
    /// Every principal of every statement (`*`, role ARNs, account ids, service names).
    pub principals: Vec<String>,
    /// Service principals that an Allow statement lets write objects.
    pub write_services: Vec<String>,
    /// Twelve-digit account ids anywhere in the document.
    pub account_ids: Vec<String>,
}

fn strings(value: &Value) -> Vec<&str> {
    match value {
        Value::String(s) => vec![s.as_str()],
        Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    }
}

fn is_write_action(action: &str) -> bool {
    let action = action.to_ascii_lowercase();
    action == "*" || action == "s3:*" || action.starts_with("s3:put")
}

/// Analyses a policy document. Text that is not a JSON policy gives `None`.
pub fn analyze(text: &str) -> Option<PolicyFacts> {
    let doc: Value = serde_json::from_str(text).ok()?;
    let statements = match doc.get("Statement")? {
        Value::Array(items) => items.iter().collect::<Vec<_>>(),
        single @ Value::Object(_) => vec![single],
        _ => return None,
    };
    let mut principals = BTreeSet::new();
    let mut write_services = BTreeSet::new();
    for statement in statements {
        let allows = statement.get("Effect").and_then(Value::as_str) == Some("Allow");
        let writes = statement
            .get("Action")
            .map(strings)
            .unwrap_or_default()
            .into_iter()
            .any(is_write_action);
        match statement.get("Principal") {
            Some(Value::String(p)) => {
                principals.insert(p.clone());
            }
            Some(Value::Object(map)) => {
                for (kind, value) in map {
                    for principal in strings(value) {
                        principals.insert(principal.to_owned());
                        if kind == "Service" && allows && writes {
                            write_services.insert(principal.to_owned());
                        }
                    }
                }
            }
            _ => {}
        }
    }
    Some(PolicyFacts {
        principals: principals.into_iter().collect(),
        write_services: write_services.into_iter().collect(),
        account_ids: account_ids(text),
    })
}

/// Every run of exactly twelve digits.
fn account_ids(text: &str) -> Vec<String> {
    let mut ids = BTreeSet::new();
    let bytes = text.as_bytes();
    let mut start = None;
    for (i, b) in bytes.iter().chain(std::iter::once(&b' ')).enumerate() {
        match (b.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s == 12 {
                    ids.insert(text[s..i].to_owned());
                }
                start = None;
            }
            _ => {}
        }
    }
    ids.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CLOUDTRAIL: &str = r#"{
      "Version": "2012-10-17",
      "Statement": [
        {"Sid": "AclCheck", "Effect": "Allow", "Principal": {"Service": "cloudtrail.amazonaws.com"},
         "Action": "s3:GetBucketAcl", "Resource": "arn:aws:s3:::trail"},
        {"Sid": "Write", "Effect": "Allow", "Principal": {"Service": ["cloudtrail.amazonaws.com"]},
         "Action": ["s3:PutObject"], "Resource": "arn:aws:s3:::trail/AWSLogs/123456789012/*",
         "Condition": {"StringEquals": {"aws:SourceAccount": "123456789012"}}},
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::210987654321:role/reader"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::trail/*"},
        {"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "arn:aws:s3:::trail/*"}
      ]
    }"#;

    #[test]
    fn finds_write_services_principals_and_account_ids() {
        let facts = analyze(CLOUDTRAIL).unwrap();
        assert_eq!(facts.write_services, vec!["cloudtrail.amazonaws.com"]);
        assert_eq!(
            facts.principals,
            vec!["*", "arn:aws:iam::210987654321:role/reader", "cloudtrail.amazonaws.com"]
        );
        assert_eq!(facts.account_ids, vec!["123456789012", "210987654321"]);
    }

    #[test]
    fn read_only_or_denying_service_statements_are_not_writers() {
        let text = r#"{"Statement": {"Effect": "Deny", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject"}}"#;
        assert_eq!(analyze(text).unwrap().write_services, Vec::<String>::new());
        let text = r#"{"Statement": [{"Effect": "Allow", "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:*"}]}"#;
        assert_eq!(analyze(text).unwrap().write_services, vec!["config.amazonaws.com"]);
    }

    #[test]
    fn longer_digit_runs_are_not_account_ids() {
        assert_eq!(account_ids("1234567890123 and 123456789012."), vec!["123456789012"]);
    }

    #[test]
    fn malformed_policy_gives_none() {
        assert_eq!(analyze("not json"), None);
        assert_eq!(analyze("{}"), None);
    }
}
