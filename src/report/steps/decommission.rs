//! The Decommission phase: what is left in the legacy account once every target has cut over
//! and cleaned up, and the sign-off before its logs may go.

use super::{Builder, Draft, Facts, PLATFORM, Phase, SECURITY};
use crate::model::WorkloadKind;
use crate::report::text::{join_words, md_text, plural};

pub(super) fn decommission(b: &mut Builder, f: &Facts, after: Vec<String>) {
    let moved: Vec<String> = f
        .move_targets
        .iter()
        .filter(|t| !t.stays_in_legacy && !t.units.is_empty())
        .map(|t| md_text(&t.name))
        .collect();
    // KMS key deletion waits 7 to 30 days and can be cancelled meanwhile
    // (https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html).
    let leftovers = b.add(
        Phase::Decommission,
        "leftovers",
        Draft {
            summary: "Remove what the moves left behind in the legacy account".into(),
            owner: PLATFORM,
            action: format!(
                "Once every cleanup is done{}: in the legacy account, remove what only served the moves: the AMI, \
                 snapshot and KMS key shares with the new accounts, replication rules and their roles, bucket \
                 policies and trusts opened to the new accounts, and the IAM roles, users and access keys of the \
                 moved workloads. Schedule the deletion of each KMS key nothing uses any more: it waits 7 to 30 \
                 days, during which it can be cancelled. Then run `acctsplit scan` and `acctsplit classify` again: \
                 only what stays should be left.",
                if moved.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", join_words(&moved))
                }
            ),
            verify: "The new plan assigns every remaining resource to the legacy account's own target, and no \
                     resource policy or trust in the new accounts names the legacy account any more."
                .into(),
            rollback: "Cancel a scheduled key deletion during its waiting period; other removals are restored from \
                       the backups of the cleanups."
                .into(),
            depends_on: after,
            ..Draft::default()
        },
    );
    let log_buckets: Vec<String> = f
        .move_targets
        .iter()
        .flat_map(|t| {
            t.workloads
                .iter()
                .filter(|w| w.kind == WorkloadKind::LogArchive)
                .flat_map(|w| t.units_of(w))
        })
        .filter_map(|u| u.anchor.as_deref())
        .map(|arn| f.md_label(arn))
        .collect();
    b.add(
        Phase::Decommission,
        "log-retention",
        Draft {
            summary: "Sign off the retention of the legacy logs before any is deleted".into(),
            owner: SECURITY,
            action: format!(
                "The legacy account's logs stay readable for their retention period ({}). The security owner \
                 records, for each, the retention its compliance rules require, the date it ends and who may \
                 read it meanwhile, and signs that off in writing. Nothing is deleted before that date; then \
                 delete with a second person's approval.",
                if log_buckets.is_empty() {
                    "the scan found no log bucket: list the trail and Config buckets by hand".to_owned()
                } else {
                    format!(
                        "{}: {}",
                        plural(log_buckets.len(), "log bucket", "log buckets"),
                        join_words(&log_buckets)
                    )
                }
            ),
            verify: "The signed retention record names every log bucket with its end date and its protection \
                     (Object Lock, a legal hold, or a bucket policy that denies deletion), and each bucket has it."
                .into(),
            rollback: "Nothing to roll back: this step deletes nothing.".into(),
            depends_on: vec![leftovers],
            ..Draft::default()
        },
    );
}
