//! The migration-method catalog (documented in `docs/methods.md`): how a resource of each type
//! reaches its target account, and in which stage of the move it goes. AWS resources cannot be
//! moved between accounts: they stay, are shared and copied, are transferred, or are recreated.

use std::sync::OnceLock;

use super::graph::{FastMap, Graph};
use crate::model::Resource;

/// The order move groups run in, per target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stage {
    Network,
    Security,
    Data,
    Compute,
    Other,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Network => "network",
            Stage::Security => "security",
            Stage::Data => "data",
            Stage::Compute => "compute",
            Stage::Other => "other",
        }
    }
}

/// One catalog row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CatalogEntry {
    pub resource_type: &'static str,
    pub method: &'static str,
    pub stage: Stage,
}

const fn entry(resource_type: &'static str, method: &'static str, stage: Stage) -> CatalogEntry {
    CatalogEntry {
        resource_type,
        method,
        stage,
    }
}

/// Every resource type the classifier knows how to move.
pub const CATALOG: &[CatalogEntry] = &[
    // network
    entry("ec2:vpc", "recreate", Stage::Network),
    entry("ec2:subnet", "recreate", Stage::Network),
    entry("ec2:internet-gateway", "recreate", Stage::Network),
    entry("ec2:natgateway", "recreate", Stage::Network),
    entry("ec2:transit-gateway", "recreate", Stage::Network),
    entry("ec2:route-table", "recreate", Stage::Network),
    entry("ec2:network-acl", "recreate", Stage::Network),
    entry("ec2:vpc-endpoint", "recreate", Stage::Network),
    entry("ec2:vpc-peering-connection", "recreate", Stage::Network),
    entry("ec2:transit-gateway-attachment", "recreate", Stage::Network),
    entry("ec2:transit-gateway-route-table", "recreate", Stage::Network),
    entry("ec2:dhcp-options", "recreate", Stage::Network),
    entry("ec2:network-interface", "recreate", Stage::Network),
    entry("rds:subgrp", "recreate", Stage::Network),
    entry("ec2:elastic-ip", "transfer", Stage::Network),
    entry("route53:hostedzone", "recreate", Stage::Network),
    entry("route53domains:domain", "transfer", Stage::Network),
    // security
    entry("ec2:key-pair", "recreate", Stage::Security),
    entry("ec2:security-group", "recreate", Stage::Security),
    entry("kms:key", "recreate-key", Stage::Security),
    entry("secretsmanager:secret", "recreate-secret", Stage::Security),
    entry("ssm:parameter", "recreate", Stage::Security),
    entry("acm:certificate", "reissue", Stage::Security),
    entry("iam:role", "recreate", Stage::Security),
    entry("iam:user", "recreate", Stage::Security),
    entry("iam:group", "recreate", Stage::Security),
    entry("iam:policy", "recreate", Stage::Security),
    entry("iam:instance-profile", "recreate", Stage::Security),
    entry("iam:oidc-provider", "recreate", Stage::Security),
    entry("iam:saml-provider", "recreate", Stage::Security),
    entry("cloudtrail:trail", "recreate", Stage::Security),
    entry("config:configuration-recorder", "recreate", Stage::Security),
    entry("config:delivery-channel", "recreate", Stage::Security),
    entry("guardduty:detector", "recreate", Stage::Security),
    entry("securityhub:hub", "recreate", Stage::Security),
    entry("access-analyzer:analyzer", "recreate", Stage::Security),
    // data
    entry("ec2:volume", "share-snapshot", Stage::Data),
    entry("ec2:snapshot", "share-snapshot", Stage::Data),
    entry("ec2:image", "share-ami", Stage::Data),
    entry("s3:bucket", "replicate", Stage::Data),
    entry("rds:db", "share-rds-snapshot", Stage::Data),
    entry("rds:cluster", "share-rds-snapshot", Stage::Data),
    entry("rds:snapshot", "share-rds-snapshot", Stage::Data),
    entry("rds:cluster-snapshot", "share-rds-snapshot", Stage::Data),
    entry("dynamodb:table", "export-import", Stage::Data),
    entry("ecr:repository", "replicate-images", Stage::Data),
    entry("elasticache:replicationgroup", "recreate", Stage::Data),
    entry("elasticache:cluster", "recreate", Stage::Data),
    entry("elasticache:snapshot", "recreate", Stage::Data),
    entry("elasticache:subnetgroup", "recreate", Stage::Network),
    entry("elasticfilesystem:file-system", "backup-copy", Stage::Data),
    // compute
    entry("ec2:instance", "share-ami", Stage::Compute),
    entry("ec2:launch-template", "recreate", Stage::Compute),
    entry("lambda:function", "redeploy", Stage::Compute),
    entry("lambda:event-source-mapping", "recreate", Stage::Compute),
    entry("ecs:cluster", "recreate", Stage::Compute),
    entry("ecs:service", "redeploy", Stage::Compute),
    entry("eks:cluster", "recreate", Stage::Compute),
    entry("eks:nodegroup", "recreate", Stage::Compute),
    entry("autoscaling:autoScalingGroup", "recreate", Stage::Compute),
    entry("elasticloadbalancing:loadbalancer", "recreate", Stage::Compute),
    entry("elasticloadbalancing:targetgroup", "recreate", Stage::Compute),
    entry("cloudfront:distribution", "recreate", Stage::Compute),
    entry("states:stateMachine", "redeploy", Stage::Compute),
    // other
    entry("sns:topic", "recreate", Stage::Other),
    entry("sqs:queue", "recreate", Stage::Other),
    entry("logs:log-group", "recreate", Stage::Other),
    entry("ec2:vpc-flow-log", "recreate", Stage::Other),
    entry("cloudformation:stack", "redeploy", Stage::Other),
];

/// The catalog row for a type, if any.
pub fn lookup(resource_type: &str) -> Option<&'static CatalogEntry> {
    static INDEX: OnceLock<FastMap<&'static str, &'static CatalogEntry>> = OnceLock::new();
    INDEX
        .get_or_init(|| CATALOG.iter().map(|e| (e.resource_type, e)).collect())
        .get(resource_type)
        .copied()
}

/// The stage a type moves in (`other` when unknown).
pub fn stage_of(resource_type: &str) -> Stage {
    lookup(resource_type).map(|e| e.stage).unwrap_or(Stage::Other)
}

/// The per-type table of `docs/methods.md`, generated from [`CATALOG`] (sorted by type).
pub fn catalog_markdown() -> String {
    let mut rows: Vec<&CatalogEntry> = CATALOG.iter().collect();
    rows.sort_by_key(|e| e.resource_type);
    let mut text = String::from("| resource type | method | stage |\n|---|---|---|\n");
    for e in rows {
        text.push_str(&format!(
            "| `{}` | `{}` | {} |\n",
            e.resource_type,
            e.method,
            e.stage.as_str()
        ));
    }
    text
}

/// What the legacy account's resources get.
pub const STAY: &str = "stay";

/// The method and its notes for a resource that moves to `target`.
/// The volumes attached to each instance (by index): an AMI of the instance carries them.
pub(crate) fn attached_volumes(graph: &Graph<'_>) -> FastMap<usize, Vec<usize>> {
    let mut out: FastMap<usize, Vec<usize>> = FastMap::default();
    let Some(attached) = graph.kind_id("attached-to") else {
        return out;
    };
    for v in 0..graph.len() {
        if graph.resources[v].resource_type != "ec2:volume" {
            continue;
        }
        for t in graph.related(v, attached) {
            if graph.resources[t].resource_type == "ec2:instance" {
                out.entry(t).or_default().push(v);
            }
        }
    }
    out
}

/// A volume that moves inside the AMI of the instance it is attached to: no snapshot of its own.
pub(crate) fn carried_in_ami(
    graph: &Graph<'_>,
    volume: usize,
    instance: usize,
    target: &str,
) -> (&'static str, String) {
    (
        "share-ami",
        format!(
            "carried in the AMI of {}, with the instance: no snapshot of its own{}",
            super::explain::label(&graph.resources[instance]),
            kms_caveat(key_use(graph, volume), target)
        ),
    )
}

pub(crate) fn moving(
    graph: &Graph<'_>,
    i: usize,
    target: &str,
    account_id: &str,
    volumes: &FastMap<usize, Vec<usize>>,
) -> (&'static str, String) {
    let res = &graph.resources[i];
    let Some(entry) = lookup(&res.resource_type) else {
        return (
            "recreate",
            format!(
                "no catalog method for {}: recreate it in {target} and review how its data and configuration move",
                res.resource_type
            ),
        );
    };
    let notes = match res.resource_type.as_str() {
        "ec2:volume" => format!(
            "snapshot the volume, share the snapshot with {target} and create a volume from it there{}",
            kms_caveat(key_use(graph, i), target)
        ),
        "ec2:snapshot" => format!(
            "share the snapshot with {target}, which copies it{}",
            kms_caveat(key_use(graph, i), target)
        ),
        "ec2:image" => format!(
            "share the AMI (and its snapshots) with {target}, which launches from it or copies it{}",
            kms_caveat(image_key_use(graph, i), target)
        ),
        "ec2:instance" => {
            let attached = volumes.get(&i).map(Vec::as_slice).unwrap_or_default();
            format!(
                "create an AMI from the instance, share it with {target} (share-ami) and launch a new instance from \
                 it{}",
                kms_caveat(merged_key_use(attached.iter().map(|&v| key_use(graph, v))), target)
            )
        }
        "ec2:elastic-ip" => {
            format!(
                "enable Elastic IP transfer to the {target} account and accept it there; the address keeps its region"
            )
        }
        "ec2:transit-gateway" => {
            format!("recreate it in {target}, or create it once in a network account and share it with AWS RAM")
        }
        "ec2:network-interface" => format!("recreated in {target} with the instance or service that owns it"),
        "ec2:key-pair" => format!(
            "import the same public key into {target} (ImportKeyPair), or create a new key pair there; \
             the private key is never read"
        ),
        "ec2:launch-template" => {
            format!("recreate it in {target} with that account's AMI, subnet and security group ids")
        }
        "ec2:vpc-peering-connection" => {
            format!("request the peering again from {target} and accept it, then add the routes on both sides")
        }
        "ec2:vpc-flow-log" => format!("recreate the flow log in {target}, writing to the log-archive destination"),
        "s3:bucket" => bucket_notes(res, target, account_id),
        "rds:db" | "rds:cluster" | "rds:snapshot" | "rds:cluster-snapshot" => rds_notes(graph, i, target),
        "secretsmanager:secret" => secret_notes(res, target, account_id),
        "ssm:parameter" => format!(
            "create the parameter in {target} and copy its value there{}; advanced-tier parameters can \
             instead be shared with {target} through AWS RAM",
            if res.attr_str("type") == Some("SecureString") {
                " under a key of that account"
            } else {
                ""
            }
        ),
        "logs:log-group" => format!(
            "log events cannot move between accounts: create the log group in {target} (same name, retention \
             and subscriptions), point its writers there, and keep this one for its retention{}",
            match res.attributes.get("retention_days").and_then(|v| v.as_i64()) {
                Some(days) => format!(" ({days} days), then delete it"),
                None => ": it never expires, so export what must be kept to S3 before deleting it".to_owned(),
            }
        ),
        "route53:hostedzone" => hosted_zone_notes(res, target),
        "route53domains:domain" => domain_notes(res, target),
        "ecr:repository" => repository_notes(res, target),
        "cloudfront:distribution" => distribution_notes(res, target),
        "acm:certificate" => certificate_notes(res, target),
        "elasticloadbalancing:loadbalancer" => load_balancer_notes(res, target),
        ty if ty.starts_with("iam:") => iam_notes(res, target, account_id),
        _ => match entry.method {
            "recreate" => format!("recreate it in {target}, preferably from infrastructure as code"),
            "transfer" => format!("transfer it to the {target} account"),
            "recreate-key" => format!(
                "KMS keys cannot move: create a customer-managed key in {target}, re-encrypt the data under it, \
                 and grant {target} use of this key while the move runs"
            ),
            "recreate-secret" => format!("create the secret in {target}, copy its value, then rotate it"),
            "reissue" => format!("request a new certificate in {target} and validate it again"),
            "share-rds-snapshot" => format!(
                "take a manual snapshot, share it with {target} and restore it there; a snapshot on the default \
                 aws/rds key cannot be shared: copy it under a customer-managed key and share that key"
            ),
            "export-import" => format!("export the table to S3 and import it into a new table in {target}"),
            "backup-copy" => {
                format!("copy a recovery point to {target} with AWS Backup cross-account copy and restore it")
            }
            "redeploy" => format!("deploy its code and configuration again in {target}"),
            other => format!("{other} to {target}"),
        },
    };
    let mut notes = notes;
    notes.shrink_to_fit();
    (entry.method, notes)
}

/// A load balancer is rebuilt with a new DNS name, so the records that name it are switched at
/// cutover; a Classic Load Balancer can be rebuilt as an Application or Network Load Balancer
/// (the ELB migration wizard creates a new load balancer from a classic one and leaves the old
/// one: https://docs.aws.amazon.com/elasticloadbalancing/latest/userguide/migrate-classic-load-balancer.html).
fn load_balancer_notes(res: &Resource, target: &str) -> String {
    let certificates = res.related("uses-certificate").count();
    let listeners = match certificates {
        0 => String::new(),
        1 => ", with a certificate issued in that account".to_owned(),
        n => format!(", with its {n} certificates issued in that account"),
    };
    let rebuild = match res.attr_str("type") {
        Some("classic") => format!(
            "recreate it in {target}, preferably as an Application or Network Load Balancer (the ELB migration \
             wizard builds one from this configuration and leaves this one running){listeners}"
        ),
        _ => format!("recreate it in {target} with its listeners and rules{listeners}"),
    };
    format!(
        "{rebuild}; register the new targets there, then switch the DNS records that name this load balancer \
         to the new one's DNS name"
    )
}

/// A certificate cannot move: an Amazon-issued one is requested again and validated, an imported
/// one imported again; the resources that use it switch to the new one.
fn certificate_notes(res: &Resource, target: &str) -> String {
    let names = res
        .attributes
        .get("subject_alternative_names")
        .and_then(|v| v.as_array())
        .map(|n| n.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", "))
        .filter(|n| !n.is_empty())
        .or_else(|| res.attr_str("domain_name").map(str::to_owned))
        .unwrap_or_default();
    let mut notes = if res.attr_bool("imported") == Some(true) {
        format!(
            "import the certificate into ACM in {target} again from its original files (ACM does not export an \
             imported certificate's private key)"
        )
    } else if res.attr_str("validation_method") == Some("EMAIL") {
        format!("request a new certificate for {names} in {target} and validate it by email again")
    } else {
        format!(
            "request a new certificate for {names} in {target} and validate it with DNS: add the validation \
             CNAME record ACM gives there to the hosted zone"
        )
    };
    let users = res
        .attributes
        .get("in_use_by")
        .and_then(|v| v.as_array())
        .map_or(0, Vec::len);
    if users > 0 {
        notes.push_str(&format!(
            "; then switch the {users} resources that use it to the new certificate"
        ));
    }
    if let Some(expires) = res.attr_str("expires") {
        notes.push_str(&format!("; this one expires {expires}"));
    }
    notes
}

/// A registered domain is transferred between accounts, and its hosted zone does not follow it
/// (<https://docs.aws.amazon.com/Route53/latest/APIReference/API_domains_TransferDomainToAnotherAwsAccount.html>:
/// the other account must accept within 3 days, and Route 53 does not transfer the hosted zone).
fn domain_notes(res: &Resource, target: &str) -> String {
    let mut notes = format!(
        "transfer the registration to the {target} account with Route 53 Domains \
         TransferDomainToAnotherAwsAccount, and accept it from {target} within 3 days \
         (AcceptDomainTransferFromAnotherAwsAccount); its hosted zone does not move with it"
    );
    if res.attr_bool("auto_renew") == Some(false) {
        notes.push_str("; auto-renew is off");
    }
    if let Some(expires) = res.attr_str("expires") {
        notes.push_str(&format!("; it expires {expires}"));
    }
    notes
}

/// ECR replication copies only what is pushed after it is configured
/// (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/replication.html>, "Considerations"),
/// and the destination registry's policy must allow it
/// (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html>).
fn repository_notes(res: &Resource, target: &str) -> String {
    let images = match res.attributes.get("image_count").and_then(|v| v.as_u64()) {
        Some(1) => "its 1 existing image".to_owned(),
        Some(n) => format!("its {n} existing images"),
        None => "its existing images".to_owned(),
    };
    let mut notes = format!(
        "add an ECR replication rule that copies it to {target} (whose registry policy must allow \
         ecr:ReplicateImage, and ecr:CreateRepository unless a repository of the same name exists there); \
         replication copies only images pushed after it is configured, so pull {images} and push them to {target}"
    );
    if res.attr_bool("lifecycle_policy") == Some(true) {
        notes.push_str("; recreate its lifecycle policy there");
    }
    if res.attr_bool("replicated_to_other_account") == Some(true) {
        notes.push_str("; it already replicates to another account: add a rule rather than replace the configuration");
    }
    notes
}

/// A distribution is recreated; its alternate domain names then move to the new one
/// (<https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/alternate-domain-names-move-options.html>:
/// across accounts a non-apex name moves with a wildcard on the target distribution, an apex
/// name through AWS Support; the target needs a certificate covering the names, from ACM in
/// us-east-1).
fn distribution_notes(res: &Resource, target: &str) -> String {
    let aliases: Vec<&str> = res
        .attributes
        .get("aliases")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect())
        .unwrap_or_default();
    let mut notes = format!("create the distribution again in {target} with the same origins and cache behaviors");
    if aliases.is_empty() {
        notes.push_str(&format!(
            "; clients use its CloudFront domain name{}, which cannot move: give them the new distribution's",
            res.attr_str("domain_name").map(|d| format!(" {d}")).unwrap_or_default()
        ));
    } else {
        notes.push_str(&format!(
            ", with an ACM certificate of {target} in us-east-1 covering {}; then move the alternate domain \
             names to it (across accounts: a wildcard alternate name on the new distribution, or AWS Support for \
             an apex name) and point their DNS records at the new distribution",
            aliases.join(", ")
        ));
    }
    if res.attr_str("web_acl_id").is_some() {
        notes.push_str(&format!("; recreate its web ACL in {target} and attach it"));
    }
    notes
}

/// A hosted zone is recreated and its records exported; its TTLs say how early to lower them.
fn hosted_zone_notes(res: &Resource, target: &str) -> String {
    let private = res.attr_bool("private") == Some(true);
    let mut notes = format!(
        "create the {} hosted zone in {target} and copy its records there, all but the zone's own NS and SOA records",
        if private { "private" } else { "public" }
    );
    if let Some(max) = res.attributes.get("max_ttl").and_then(|v| v.as_i64()) {
        notes.push_str(&format!(
            "; lower the TTLs of the records that change at cutover at least one old TTL before it (the longest is {max} s)"
        ));
    }
    if private {
        let vpcs = res
            .attributes
            .get("vpcs")
            .and_then(|v| v.as_array())
            .map_or(0, Vec::len);
        notes.push_str(&format!(
            "; associate the new zone with the VPCs this one serves ({vpcs})"
        ));
    } else {
        notes.push_str("; then point the domain's name servers at the new zone");
    }
    if res.attr_bool("records_capped") == Some(true) {
        notes.push_str("; the scan read only part of its records (see the coverage)");
    }
    notes
}

/// Secrets Manager has no cross-account copy: the secret is shared (resource policy plus a
/// customer-managed key, which the AWS managed key cannot be) or recreated, then rotated.
fn secret_notes(res: &Resource, target: &str, account_id: &str) -> String {
    let mut notes = format!(
        "Secrets Manager has no cross-account copy: either share it with {target} (a resource policy granting \
         {target}, and a customer-managed KMS key whose key policy lets {target} decrypt) or create it in \
         {target} and copy its value; then rotate it"
    );
    if res.attr_bool("default_key") == Some(true) {
        notes.push_str(
            "; it is encrypted with the AWS managed key aws/secretsmanager, which cannot be used across accounts, \
             so sharing it first needs a customer-managed key",
        );
    }
    let others: Vec<&str> = res
        .attributes
        .get("policy_account_ids")
        .and_then(|v| v.as_array())
        .map(|ids| {
            ids.iter()
                .filter_map(|v| v.as_str())
                .filter(|id| *id != account_id)
                .collect()
        })
        .unwrap_or_default();
    if !others.is_empty() {
        notes.push_str(&format!("; its resource policy already names {}", others.join(", ")));
    }
    notes
}

/// How a snapshot or volume is encrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
enum KeyUse {
    Plain,
    /// The default AWS-managed key (no `kms_key_id`, or an `aws/` alias).
    DefaultKey,
    Customer(Vec<String>),
}

/// EC2 names even the default key by its ARN: the key's own record, when the scan saw it,
/// tells whether it is AWS-managed.
fn key_use(graph: &Graph<'_>, i: usize) -> KeyUse {
    let res = &graph.resources[i];
    if res.attr_bool("encrypted") != Some(true) {
        return KeyUse::Plain;
    }
    match res.attr_str("kms_key_id") {
        None | Some("") => KeyUse::DefaultKey,
        Some(key) if key.contains("alias/aws/") => KeyUse::DefaultKey,
        Some(_) if related_key(graph, i).is_some_and(|k| k.attr_bool("aws_managed") == Some(true)) => {
            KeyUse::DefaultKey
        }
        Some(key) => KeyUse::Customer(vec![key.to_owned()]),
    }
}

/// An AMI's encryption: its own attributes, or those of the snapshots it was made from.
fn image_key_use(graph: &Graph<'_>, i: usize) -> KeyUse {
    let mut uses = vec![key_use(graph, i)];
    if let Some(kind) = graph.kind_id("from-snapshot") {
        uses.extend(graph.related(i, kind).map(|s| key_use(graph, s)));
    }
    merged_key_use(uses)
}

/// The encryption of several disks taken together: the default key if any uses it, else every
/// customer key they use, else none.
fn merged_key_use(uses: impl IntoIterator<Item = KeyUse>) -> KeyUse {
    let mut keys: Vec<String> = Vec::new();
    for used in uses {
        match used {
            KeyUse::DefaultKey => return KeyUse::DefaultKey,
            KeyUse::Customer(k) => keys.extend(k),
            KeyUse::Plain => {}
        }
    }
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        KeyUse::Plain
    } else {
        KeyUse::Customer(keys)
    }
}

fn kms_caveat(key: KeyUse, target: &str) -> String {
    match key {
        KeyUse::Plain => String::new(),
        KeyUse::DefaultKey => format!(
            "; it is encrypted with the default AWS-managed key, which cannot be shared: copy it re-encrypted \
             with a customer-managed key, share that key with {target}, then share the copy"
        ),
        KeyUse::Customer(keys) => format!("; share KMS key {} with {target} too", keys.join(", ")),
    }
}

/// The key a resource's `uses-key` relation names, as the inventory knows it.
fn related_key<'g>(graph: &Graph<'g>, i: usize) -> Option<&'g Resource> {
    let kind = graph.kind_id("uses-key")?;
    graph.related(i, kind).map(|k| &graph.resources[k]).next()
}

/// An RDS database, cluster or snapshot: how its data reaches `target` depends on its key.
fn rds_notes(graph: &Graph<'_>, i: usize, target: &str) -> String {
    let res = &graph.resources[i];
    let start = if res.resource_type.ends_with("snapshot") {
        format!("share the snapshot with {target}")
    } else {
        format!("take a manual snapshot and share it with {target}")
    };
    match res.attr_bool("encrypted") {
        Some(false) => return format!("{start}, which restores from it directly (it is not encrypted)"),
        // Seen only by the Tagging API: how it is encrypted is not known.
        None => {
            return format!(
                "take a manual snapshot, share it with {target} and restore it there; a snapshot on the default \
                 aws/rds key cannot be shared: copy it under a customer-managed key and share that key"
            );
        }
        Some(true) => {}
    }
    let key = related_key(graph, i);
    let aws_managed = key.and_then(|k| k.attr_bool("aws_managed")) == Some(true)
        || res.attr_str("kms_key_id").is_some_and(|k| k.contains("alias/aws/"));
    if aws_managed {
        return format!(
            "it is encrypted with the AWS-managed aws/rds key, which cannot be shared: copy the snapshot under a \
             customer-managed key, give {target} use of that key, share the copy, then copy it in {target} and \
             restore from that copy"
        );
    }
    match key.map(|k| k.name.as_deref().unwrap_or(k.id.as_str())) {
        Some(name) => format!(
            "{start} and give {target} use of its customer-managed KMS key {name}; {target} copies the shared \
             snapshot and restores from the copy (a shared encrypted snapshot cannot be restored directly)"
        ),
        None => format!(
            "{start}; it is encrypted with a key the scan did not see: a snapshot on the default aws/rds key \
             cannot be shared (copy it under a customer-managed key first), one on a customer-managed key can \
             once {target} may use the key"
        ),
    }
}

fn bucket_notes(res: &Resource, target: &str, account_id: &str) -> String {
    let mut notes = format!(
        "bucket names are global: create a bucket under a new name in {target}, replicate new objects with S3 \
         Replication and existing ones with S3 Batch Replication, then switch clients over"
    );
    if res.attr_bool("replication") == Some(true) {
        notes.push_str("; it already has a replication configuration: add a rule rather than replace it");
    }
    if policy_names_account(res, account_id) {
        notes.push_str(&format!(
            "; its policy names the legacy account {account_id}: rewrite it for the new account"
        ));
    }
    notes
}

fn iam_notes(res: &Resource, target: &str, account_id: &str) -> String {
    let mut notes = match res.resource_type.as_str() {
        "iam:user" => format!(
            "create the user in {target} (or give the person access through IAM Identity Center); access keys \
             and console passwords cannot be copied: issue new ones there and retire these"
        ),
        "iam:instance-profile" => format!("recreate it in {target} with its role, then attach it to the new instances"),
        "iam:oidc-provider" | "iam:saml-provider" => {
            format!("register the identity provider in {target} and point the roles that trust it at the new ARN")
        }
        _ => format!("recreate it in {target}, preferably from infrastructure as code"),
    };
    if policy_names_account(res, account_id) {
        notes.push_str(&format!(
            "; its policy names the legacy account {account_id}: rewrite it for the new account"
        ));
    }
    notes
}

/// True when a bucket policy, or an IAM role's trust policy or an IAM policy, names the given
/// account id.
pub(crate) fn policy_names_account(res: &Resource, account_id: &str) -> bool {
    let names = |key: &str| {
        res.attributes
            .get(key)
            .and_then(|v| v.as_array())
            .is_some_and(|ids| ids.iter().any(|id| id.as_str() == Some(account_id)))
    };
    (res.resource_type == "s3:bucket" || res.resource_type.starts_with("iam:"))
        && !account_id.is_empty()
        && (names("policy_account_ids") || names("trust_account_ids"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::build::*;

    fn method_of(resources: &[Resource], i: usize) -> (&'static str, String) {
        let graph = Graph::build(resources);
        moving(&graph, i, "dev", "111122223333", &attached_volumes(&graph))
    }

    const INSTANCE: &str = "arn:aws:ec2:us-east-1:111122223333:instance/i-1";

    fn instance_with(volumes: &[(&str, Option<&str>)]) -> Vec<Resource> {
        let mut out = vec![res(INSTANCE, "ec2:instance")];
        for (id, key) in volumes {
            let mut v = res(&format!("arn:aws:ec2:us-east-1:111122223333:volume/{id}"), "ec2:volume")
                .rel("attached-to", INSTANCE)
                .attr("encrypted", key.is_some());
            if let Some(key) = key.filter(|k| !k.is_empty()) {
                v = v.attr("kms_key_id", key);
            }
            out.push(v);
        }
        out
    }

    #[test]
    fn the_default_key_caveat_fires_only_on_an_instance_with_a_volume_on_that_key() {
        let (method, plain) = method_of(&instance_with(&[("vol-1", None), ("vol-2", None)]), 0);
        assert_eq!(method, "share-ami");
        assert!(!plain.contains("AWS-managed key"), "{plain}");
        assert!(!plain.contains("KMS key"), "{plain}");
        let (_, default) = method_of(&instance_with(&[("vol-1", None), ("vol-2", Some(""))]), 0);
        assert!(
            default.contains("default AWS-managed key, which cannot be shared"),
            "{default}"
        );
        let key = "arn:aws:kms:us-east-1:111122223333:key/app";
        let (_, customer) = method_of(&instance_with(&[("vol-1", Some(key))]), 0);
        assert!(
            customer.ends_with(&format!("; share KMS key {key} with dev too")),
            "{customer}"
        );
        assert!(!customer.contains("AWS-managed"), "{customer}");
    }

    #[test]
    fn catalog_has_no_duplicate_types() {
        let mut types: Vec<&str> = CATALOG.iter().map(|e| e.resource_type).collect();
        types.sort();
        let before = types.len();
        types.dedup();
        assert_eq!(before, types.len());
    }

    #[test]
    fn docs_methods_md_is_generated_from_the_catalog() {
        let doc = include_str!("../../docs/methods.md");
        crate::docs::assert_generated_section("docs/methods.md", doc, "catalog", &catalog_markdown());
        // The summary table names exactly the catalog's methods, plus `stay`.
        let mut documented: Vec<&str> = doc
            .lines()
            .skip_while(|l| !l.starts_with("| method |"))
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .filter_map(|l| l.split('`').nth(1))
            .collect();
        documented.sort_unstable();
        let mut methods: Vec<&str> = CATALOG.iter().map(|e| e.method).chain([STAY]).collect();
        methods.sort_unstable();
        methods.dedup();
        assert_eq!(
            documented, methods,
            "docs/methods.md's summary table and CATALOG disagree"
        );
    }

    #[test]
    fn method_per_type_table() {
        let cases = [
            ("ec2:instance", "share-ami", Stage::Compute),
            ("ec2:volume", "share-snapshot", Stage::Data),
            ("ec2:snapshot", "share-snapshot", Stage::Data),
            ("ec2:image", "share-ami", Stage::Data),
            ("ec2:vpc", "recreate", Stage::Network),
            ("ec2:subnet", "recreate", Stage::Network),
            ("ec2:security-group", "recreate", Stage::Security),
            ("ec2:network-interface", "recreate", Stage::Network),
            ("ec2:elastic-ip", "transfer", Stage::Network),
            ("ec2:natgateway", "recreate", Stage::Network),
            ("ec2:internet-gateway", "recreate", Stage::Network),
            ("ec2:transit-gateway", "recreate", Stage::Network),
            ("ec2:route-table", "recreate", Stage::Network),
            ("ec2:network-acl", "recreate", Stage::Network),
            ("ec2:vpc-endpoint", "recreate", Stage::Network),
            ("ec2:vpc-peering-connection", "recreate", Stage::Network),
            ("ec2:transit-gateway-attachment", "recreate", Stage::Network),
            ("ec2:transit-gateway-route-table", "recreate", Stage::Network),
            ("ec2:dhcp-options", "recreate", Stage::Network),
            ("ec2:vpc-flow-log", "recreate", Stage::Other),
            ("ec2:launch-template", "recreate", Stage::Compute),
            ("ec2:key-pair", "recreate", Stage::Security),
            ("s3:bucket", "replicate", Stage::Data),
            ("rds:db", "share-rds-snapshot", Stage::Data),
            ("lambda:function", "redeploy", Stage::Compute),
            ("dynamodb:table", "export-import", Stage::Data),
            ("ecr:repository", "replicate-images", Stage::Data),
            ("route53domains:domain", "transfer", Stage::Network),
            ("cloudfront:distribution", "recreate", Stage::Compute),
            ("kms:key", "recreate-key", Stage::Security),
            ("secretsmanager:secret", "recreate-secret", Stage::Security),
            ("iam:role", "recreate", Stage::Security),
            ("iam:user", "recreate", Stage::Security),
            ("iam:group", "recreate", Stage::Security),
            ("iam:policy", "recreate", Stage::Security),
            ("iam:instance-profile", "recreate", Stage::Security),
            ("iam:oidc-provider", "recreate", Stage::Security),
            ("iam:saml-provider", "recreate", Stage::Security),
        ];
        for (ty, method, stage) in cases {
            let resources = [res("arn:x", ty)];
            assert_eq!(method_of(&resources, 0).0, method, "{ty}");
            assert_eq!(stage_of(ty), stage, "{ty}");
        }
    }

    #[test]
    fn domain_repository_and_distribution_notes_say_how_each_moves() {
        let domain = [res("arn:d", "route53domains:domain")
            .attr("auto_renew", false)
            .attr("expires", "2027-01-15T08:00:00Z")];
        let notes = method_of(&domain, 0).1;
        assert!(notes.contains("TransferDomainToAnotherAwsAccount"), "{notes}");
        assert!(notes.contains("within 3 days"), "{notes}");
        assert!(notes.contains("hosted zone does not move"), "{notes}");
        assert!(
            notes.ends_with("; auto-renew is off; it expires 2027-01-15T08:00:00Z"),
            "{notes}"
        );

        let repo = [res("arn:r", "ecr:repository")
            .attr("image_count", 12)
            .attr("lifecycle_policy", true)
            .attr("replicated_to_other_account", true)];
        let notes = method_of(&repo, 0).1;
        assert!(notes.contains("only images pushed after it is configured"), "{notes}");
        assert!(
            notes.contains("pull its 12 existing images and push them to dev"),
            "{notes}"
        );
        assert!(notes.contains("recreate its lifecycle policy"), "{notes}");
        assert!(notes.contains("already replicates to another account"), "{notes}");
        let plain = [res("arn:r", "ecr:repository").attr("lifecycle_policy", false)];
        let notes = method_of(&plain, 0).1;
        assert!(notes.contains("pull its existing images"), "{notes}");
        assert!(!notes.contains("lifecycle"), "{notes}");

        let cdn = [res("arn:c", "cloudfront:distribution")
            .attr("aliases", serde_json::json!(["cdn.example.com", "www.example.com"]))
            .attr("web_acl_id", "arn:aws:wafv2:us-east-1:1:global/webacl/w/1")];
        let notes = method_of(&cdn, 0).1;
        assert!(
            notes.contains("certificate of dev in us-east-1 covering cdn.example.com, www.example.com"),
            "{notes}"
        );
        assert!(notes.contains("AWS Support for an apex name"), "{notes}");
        assert!(notes.contains("recreate its web ACL in dev"), "{notes}");
        let bare = [res("arn:c", "cloudfront:distribution").attr("domain_name", "d1.cloudfront.net")];
        let notes = method_of(&bare, 0).1;
        assert!(
            notes.contains("its CloudFront domain name d1.cloudfront.net, which cannot move"),
            "{notes}"
        );
    }

    #[test]
    fn unknown_type_is_recreated_and_says_so() {
        let resources = [res("arn:x", "quantum:ledger")];
        let (method, notes) = method_of(&resources, 0);
        assert_eq!(method, "recreate");
        assert!(notes.contains("no catalog method for quantum:ledger"), "{notes}");
        assert_eq!(stage_of("quantum:ledger"), Stage::Other);
    }

    #[test]
    fn snapshot_on_the_default_key_gets_the_re_encryption_caveat() {
        let default_key = [res("arn:s", "ec2:snapshot").attr("encrypted", true)];
        let notes = method_of(&default_key, 0).1;
        assert!(
            notes.contains("default AWS-managed key, which cannot be shared"),
            "{notes}"
        );
        let cmk = [res("arn:s", "ec2:snapshot")
            .attr("encrypted", true)
            .attr("kms_key_id", "arn:aws:kms:us-east-1:111122223333:key/k1")];
        let notes = method_of(&cmk, 0).1;
        assert!(
            notes.contains("share KMS key arn:aws:kms:us-east-1:111122223333:key/k1 with dev"),
            "{notes}"
        );
        let plain = [res("arn:s", "ec2:snapshot").attr("encrypted", false)];
        assert_eq!(method_of(&plain, 0).1, "share the snapshot with dev, which copies it");
    }

    #[test]
    fn ami_inherits_the_caveat_from_its_snapshot() {
        let resources = [
            res("arn:ami", "ec2:image").rel("from-snapshot", "arn:snap"),
            res("arn:snap", "ec2:snapshot").attr("encrypted", true),
        ];
        let (method, notes) = method_of(&resources, 0);
        assert_eq!(method, "share-ami");
        assert!(notes.contains("cannot be shared"), "{notes}");
    }

    #[test]
    fn iam_notes_ask_to_rewrite_a_policy_or_trust_naming_the_legacy_account() {
        let resources = [
            res("arn:aws:iam::111122223333:role/app", "iam:role")
                .attr("trust_account_ids", serde_json::json!(["111122223333"])),
            res("arn:aws:iam::111122223333:policy/p", "iam:policy").attr(
                "policy_account_ids",
                serde_json::json!(["111122223333", "444455556666"]),
            ),
            res("arn:aws:iam::111122223333:policy/q", "iam:policy")
                .attr("policy_account_ids", serde_json::json!(["444455556666"])),
            res("arn:aws:iam::111122223333:user/u", "iam:user"),
        ];
        for i in 0..2 {
            let (method, notes) = method_of(&resources, i);
            assert_eq!(method, "recreate");
            assert!(
                notes.contains("names the legacy account 111122223333: rewrite it"),
                "{notes}"
            );
        }
        assert!(!method_of(&resources, 2).1.contains("legacy account"));
        assert!(
            method_of(&resources, 3)
                .1
                .contains("access keys and console passwords cannot be copied")
        );
    }

    #[test]
    fn bucket_notes_mention_global_names_and_the_policy() {
        let resources = [res("arn:aws:s3:::b", "s3:bucket")
            .attr("policy_account_ids", serde_json::json!(["111122223333"]))
            .attr("replication", true)];
        let notes = method_of(&resources, 0).1;
        assert!(notes.starts_with("bucket names are global"), "{notes}");
        assert!(notes.contains("S3 Batch Replication"), "{notes}");
        assert!(notes.contains("names the legacy account 111122223333"), "{notes}");
        assert!(notes.contains("already has a replication configuration"), "{notes}");
    }

    #[test]
    fn secret_notes_say_share_or_recreate_then_rotate_and_name_the_default_key() {
        let resources = [
            res(
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
                "secretsmanager:secret",
            )
            .attr("default_key", true)
            .attr("policy_account_ids", serde_json::json!(["444455556666"])),
            res(
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:api-AbCdEf",
                "secretsmanager:secret",
            )
            .attr("default_key", false),
        ];
        let (method, notes) = method_of(&resources, 0);
        assert_eq!(method, "recreate-secret");
        assert!(
            notes.starts_with("Secrets Manager has no cross-account copy"),
            "{notes}"
        );
        assert!(notes.contains("then rotate it"), "{notes}");
        assert!(
            notes.contains("aws/secretsmanager, which cannot be used across accounts"),
            "{notes}"
        );
        assert!(notes.contains("already names 444455556666"), "{notes}");
        let notes = method_of(&resources, 1).1;
        assert!(!notes.contains("aws/secretsmanager"), "{notes}");
    }

    #[test]
    fn certificate_notes_reissue_or_import_and_name_the_users() {
        let resources = [
            res("arn:aws:acm:us-east-1:111122223333:certificate/a", "acm:certificate")
                .attr("domain_name", "example.com")
                .attr(
                    "subject_alternative_names",
                    serde_json::json!(["example.com", "www.example.com"]),
                )
                .attr("validation_method", "DNS")
                .attr(
                    "in_use_by",
                    serde_json::json!(["arn:aws:cloudfront::111122223333:distribution/E1"]),
                )
                .attr("expires", "2027-01-15T08:00:00Z"),
            res("arn:aws:acm:us-east-1:111122223333:certificate/b", "acm:certificate").attr("imported", true),
        ];
        let (method, issued) = method_of(&resources, 0);
        assert_eq!(method, "reissue");
        assert!(issued.contains("for example.com, www.example.com in dev"), "{issued}");
        assert!(issued.contains("validation CNAME"), "{issued}");
        assert!(issued.contains("switch the 1 resources"), "{issued}");
        assert!(issued.contains("expires 2027-01-15T08:00:00Z"), "{issued}");
        let (_, imported) = method_of(&resources, 1);
        assert!(
            imported.starts_with("import the certificate into ACM in dev"),
            "{imported}"
        );
    }

    #[test]
    fn hosted_zone_notes_name_the_ttl_the_vpcs_and_the_cap() {
        let resources = [
            res("arn:aws:route53:::hostedzone/Z1", "route53:hostedzone")
                .attr("private", false)
                .attr("max_ttl", 86400),
            res("arn:aws:route53:::hostedzone/Z2", "route53:hostedzone")
                .attr("private", true)
                .attr("vpcs", serde_json::json!([{"region": "eu-west-1", "vpc_id": "vpc-1"}]))
                .attr("records_capped", true),
        ];
        let (method, public) = method_of(&resources, 0);
        assert_eq!(method, "recreate");
        assert!(public.contains("all but the zone's own NS and SOA records"), "{public}");
        assert!(public.contains("(the longest is 86400 s)"), "{public}");
        assert!(public.contains("name servers"), "{public}");
        let (_, private) = method_of(&resources, 1);
        assert!(private.contains("private hosted zone"), "{private}");
        assert!(private.contains("VPCs this one serves (1)"), "{private}");
        assert!(private.contains("only part of its records"), "{private}");
        assert!(!private.contains("longest"), "{private}");
    }

    #[test]
    fn log_group_notes_keep_the_old_group_for_its_retention() {
        let resources = [
            res("arn:aws:logs:eu-west-1:111122223333:log-group:app", "logs:log-group").attr("retention_days", 30),
            res("arn:aws:logs:eu-west-1:111122223333:log-group:old", "logs:log-group"),
            res("arn:aws:ssm:eu-west-1:111122223333:parameter/token", "ssm:parameter").attr("type", "SecureString"),
        ];
        let notes = method_of(&resources, 0).1;
        assert!(notes.contains("keep this one for its retention (30 days)"), "{notes}");
        let notes = method_of(&resources, 1).1;
        assert!(notes.contains("it never expires"), "{notes}");
        let (method, notes) = method_of(&resources, 2);
        assert_eq!(method, "recreate");
        assert!(
            notes.contains("under a key of that account") && notes.contains("AWS RAM"),
            "{notes}"
        );
    }
}
