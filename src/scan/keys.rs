//! Key references after the merge: every `uses-key` relation must resolve to a key in the
//! inventory. A key the KMS collector did not report (another account's key, a deleted key, or
//! one in a region the scan did not read) is added as an external key with a note, so readers
//! see it rather than a dangling ARN. AWS-managed keys known only from their `alias/aws/`
//! aliases (moto lists such aliases for keys it never created) are kept only when something uses
//! them.

use std::collections::BTreeSet;

use crate::model::{Relation, Resource};

use super::arn;

/// The relation kind that names a KMS key.
pub const USES_KEY: &str = "uses-key";

/// Drops unused alias-only keys and adds an external key for every `uses-key` target the
/// inventory lacks. `resources` need not be sorted; the result is sorted by ARN.
pub fn resolve(mut resources: Vec<Resource>, account: &str) -> Vec<Resource> {
    let used: BTreeSet<String> = resources
        .iter()
        .flat_map(|r| r.relations.iter())
        .filter(|rel| rel.kind == USES_KEY)
        .map(|rel| rel.arn.clone())
        .collect();
    resources.retain(|r| {
        !(r.resource_type == "kms:key" && r.attr_bool("alias_only") == Some(true) && !used.contains(&r.arn))
    });
    let known: BTreeSet<&str> = resources.iter().map(|r| r.arn.as_str()).collect();
    let missing: Vec<String> = used.into_iter().filter(|a| !known.contains(a.as_str())).collect();
    resources.extend(missing.iter().filter_map(|a| external_key(a, account)));
    resources.sort_by(|a, b| a.arn.cmp(&b.arn));
    resources
}

/// An external key: its ARN's facts, `external: true` and a note saying why it is not here.
pub fn external_key(key_arn: &str, account: &str) -> Option<Resource> {
    let parts = arn::parse(key_arn)?;
    let owner = parts.account.clone().unwrap_or_default();
    let note = if owner != account && !owner.is_empty() {
        format!(
            "not in the inventory: a key of account {owner}; the resources that use it need that account to \
             grant the new accounts use of it, or a key of their own"
        )
    } else {
        "not in the inventory: the KMS scan of its region did not report it (a deleted key, a region not scanned, \
         or a KMS call that failed: see coverage)"
            .to_owned()
    };
    let mut attributes = crate::model::SortedMap::new();
    attributes.insert("external".to_owned(), true.into());
    attributes.insert("note".to_owned(), note.into());
    Some(Resource {
        arn: key_arn.to_owned(),
        service: parts.service,
        resource_type: parts.resource_type,
        region: parts.region,
        id: parts.id,
        name: None,
        tags: Default::default(),
        sources: Vec::new(),
        relations: Vec::<Relation>::new(),
        attributes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::build::*;

    const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/k1";

    #[test]
    fn every_uses_key_target_resolves_and_unknown_keys_are_external() {
        let other = "arn:aws:kms:eu-west-1:444455556666:key/theirs";
        let gone = "arn:aws:kms:eu-west-1:111122223333:key/deleted";
        let resources = vec![
            res("arn:aws:ec2:eu-west-1:111122223333:volume/vol-1", "ec2:volume")
                .rel(USES_KEY, KEY)
                .rel(USES_KEY, other),
            res("arn:aws:ec2:eu-west-1:111122223333:snapshot/snap-1", "ec2:snapshot").rel(USES_KEY, gone),
            res(KEY, "kms:key"),
        ];
        let out = resolve(resources, "111122223333");
        assert_eq!(out.len(), 5);
        assert!(out.is_sorted_by(|a, b| a.arn <= b.arn));
        let find = |a: &str| out.iter().find(|r| r.arn == a).unwrap();
        assert_eq!(find(KEY).attr_bool("external"), None, "a scanned key is not external");
        let theirs = find(other);
        assert_eq!(theirs.resource_type, "kms:key");
        assert_eq!(theirs.region.as_deref(), Some("eu-west-1"));
        assert_eq!(theirs.id, "theirs");
        assert_eq!(theirs.attr_bool("external"), Some(true));
        assert!(theirs.attr_str("note").unwrap().contains("444455556666"));
        assert!(find(gone).attr_str("note").unwrap().contains("deleted key"));
        for r in &out {
            for rel in r.relations.iter().filter(|rel| rel.kind == USES_KEY) {
                assert!(out.iter().any(|k| k.arn == rel.arn), "{} unresolved", rel.arn);
            }
        }
    }

    #[test]
    fn alias_only_keys_stay_only_when_used() {
        let used = "arn:aws:kms:eu-west-1:111122223333:key/aws-rds";
        let unused = "arn:aws:kms:eu-west-1:111122223333:key/aws-glue";
        let resources = vec![
            res(used, "kms:key").attr("alias_only", true),
            res(unused, "kms:key").attr("alias_only", true),
            res("arn:aws:rds:eu-west-1:111122223333:db:orders", "rds:db").rel(USES_KEY, used),
        ];
        let out = resolve(resources, "111122223333");
        let arns: Vec<&str> = out.iter().map(|r| r.arn.as_str()).collect();
        assert_eq!(arns, vec![used, "arn:aws:rds:eu-west-1:111122223333:db:orders"]);
    }
}
