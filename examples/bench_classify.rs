//! Benchmark for the classifier: generates a snapshot of N resources (1,000,000 by default) with
//! relations and mixed tags, classifies it with the default rules, and prints the time and the
//! peak resident memory (`VmHWM`). Run it in release mode, through `scripts/bench-classify.sh`.
//!
//! Arguments: `[RESOURCES] [--runs N] [--write DIR] [--snapshot FILE]`. Classification runs
//! `N` times (3 by default) and the median time is reported. With `--write`, the plan and the
//! CSV are also written (timed separately), as `acctsplit classify` would. With `--snapshot`,
//! the generated snapshot is also saved as `inventory.json`, so that `scripts/bench-classify.sh`
//! can time the real `acctsplit classify` command on it.
//!
//! The generated account: VPCs, subnets and security groups; instances in them; volumes and
//! network interfaces attached to the instances; snapshots of the volumes; Elastic IPs; S3
//! buckets (some CloudTrail log buckets, some naming the account in their policy); and a share
//! of Tagging-API-only types (RDS, Lambda, DynamoDB). About a third of the resources carry an
//! environment tag (in varied key case and value spelling), some only a telling name, and the
//! rest nothing, so every convention and the dependency propagation are exercised.

use std::time::Instant;

/// The allocator of the `acctsplit` binary (see `src/main.rs`), so the figures are the ones the
/// command gives.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use acctsplit::classify::{Rules, classify, write_assignments_csv, write_outputs};
use acctsplit::model::{Inventory, Relation, Resource, Source};
use acctsplit::testkit::build::{self, ResExt, res};

const ACCOUNT: &str = "123456789012";

/// A small deterministic generator (xorshift64*), so every run builds the same snapshot.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len() as u64) as usize]
    }
}

const REGIONS: [&str; 4] = ["us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2"];
const ENV_KEYS: [&str; 6] = ["Environment", "environment", "ENV", "env", "Stage", "tier"];
const ENV_VALUES: [&str; 12] = [
    "prod",
    "Production",
    " live ",
    "dev",
    "QA",
    "staging",
    "test ",
    "sandbox",
    "poc",
    "shared",
    "tools",
    "unknown-value",
];
const NAME_WORDS: [&str; 10] = [
    "web", "api", "worker", "db", "cache", "batch", "etl", "ml", "auth", "search",
];
const NAME_ENVS: [&str; 8] = ["prod", "dev", "qa", "sandbox", "infra", "uat", "core", "blue"];

struct Generator {
    rng: Rng,
    resources: Vec<Resource>,
    /// Index into `ENV_VALUES` of the current block's environment.
    home: usize,
}

impl Generator {
    fn ec2(&mut self, region: &str, kind: &str, id: String) -> Resource {
        res(
            &format!("arn:aws:ec2:{region}:{ACCOUNT}:{kind}/{id}"),
            &format!("ec2:{kind}"),
        )
        .in_region(region)
    }

    /// Environment tag on `percent` of resources, a telling name on some of the rest. Most
    /// tags name the block's home environment (one VPC per environment is the common layout);
    /// one in ten names another, which makes shared VPCs, subnets and groups conflict.
    fn tags(&mut self, res: &mut Resource, percent: u64) {
        let roll = self.rng.below(100);
        let home = self.home;
        if roll < percent {
            let key = self.rng.pick(&ENV_KEYS);
            let value = if self.rng.below(10) == 0 {
                self.rng.pick(&ENV_VALUES)
            } else {
                ENV_VALUES[home]
            };
            res.tags.insert(key.to_owned(), value.to_owned());
        } else if roll < percent + 15 {
            let env = if self.rng.below(10) == 0 {
                self.rng.pick(&NAME_ENVS)
            } else {
                NAME_ENVS[home % NAME_ENVS.len()]
            };
            let name = format!("{}-{env}-{:03}", self.rng.pick(&NAME_WORDS), self.rng.below(1000));
            res.tags.insert("Name".to_owned(), name.clone());
            res.name = Some(name);
        }
        if self.rng.below(4) == 0 {
            res.tags
                .insert("CostCenter".to_owned(), format!("cc-{}", self.rng.below(50)));
        }
    }

    fn push(&mut self, mut res: Resource) -> String {
        res.relations.sort();
        let arn = res.arn.clone();
        self.resources.push(res);
        arn
    }
}

fn generate(total: usize) -> Inventory {
    let mut g = Generator {
        rng: Rng(0x9e37_79b9_7f4a_7c15),
        resources: Vec::with_capacity(total),
        home: 0,
    };
    // Per 1,000 resources: 1 VPC, 4 subnets, 5 security groups, 250 instances, 250 volumes,
    // 250 network interfaces, 100 snapshots, 20 Elastic IPs, 50 buckets, 70 Tagging-only.
    let blocks = total.div_ceil(1000);
    let mut n = 0usize;
    for block in 0..blocks {
        let region = REGIONS[block % REGIONS.len()];
        g.home = g.rng.below(ENV_VALUES.len() as u64) as usize;
        let mut vpc = g.ec2(region, "vpc", format!("vpc-{block:08x}"));
        g.tags(&mut vpc, 50);
        vpc.attributes.insert("cidr".into(), "10.0.0.0/16".into());
        let vpc = g.push(vpc);
        let subnets: Vec<String> = (0..4)
            .map(|s| {
                let mut subnet = g.ec2(region, "subnet", format!("subnet-{block:08x}{s:02}"));
                g.tags(&mut subnet, 40);
                subnet.relations.push(Relation::new("in-vpc", vpc.clone()));
                g.push(subnet)
            })
            .collect();
        let groups: Vec<String> = (0..5)
            .map(|s| {
                let mut sg = g.ec2(region, "security-group", format!("sg-{block:08x}{s:02}"));
                g.tags(&mut sg, 30);
                sg.relations.push(Relation::new("in-vpc", vpc.clone()));
                g.push(sg)
            })
            .collect();
        for k in 0..250 {
            let subnet = &subnets[g.rng.below(4) as usize];
            let sg = &groups[g.rng.below(5) as usize];
            let mut instance = g.ec2(region, "instance", format!("i-{block:08x}{k:04}"));
            g.tags(&mut instance, 40);
            instance.relations.push(Relation::new("in-subnet", subnet.clone()));
            instance.relations.push(Relation::new("in-vpc", vpc.clone()));
            instance.relations.push(Relation::new("has-security-group", sg.clone()));
            instance.attributes.insert("state".into(), "running".into());
            let instance = g.push(instance);

            let mut volume = g.ec2(region, "volume", format!("vol-{block:08x}{k:04}"));
            g.tags(&mut volume, 10);
            volume.relations.push(Relation::new("attached-to", instance.clone()));
            volume.attributes.insert("encrypted".into(), (k % 3 == 0).into());
            volume.attributes.insert("size_gib".into(), 8.into());
            let volume = g.push(volume);

            let mut eni = g.ec2(region, "network-interface", format!("eni-{block:08x}{k:04}"));
            eni.relations.push(Relation::new("attached-to", instance.clone()));
            eni.relations.push(Relation::new("in-subnet", subnet.clone()));
            eni.relations.push(Relation::new("has-security-group", sg.clone()));
            g.push(eni);

            if k % 5 < 2 {
                let mut snapshot = g.ec2(region, "snapshot", format!("snap-{block:08x}{k:04}"));
                g.tags(&mut snapshot, 30);
                snapshot.relations.push(Relation::new("from-volume", volume));
                snapshot.attributes.insert("encrypted".into(), (k % 3 == 0).into());
                g.push(snapshot);
            }
            if k % 25 < 2 {
                let mut eip = g.ec2(region, "elastic-ip", format!("eipalloc-{block:08x}{k:04}"));
                g.tags(&mut eip, 30);
                eip.relations.push(Relation::new("associated-with", instance));
                g.push(eip);
            }
        }
        for b in 0..50 {
            let name = format!(
                "acme-{}-{}-{block:06}{b:02}",
                g.rng.pick(&NAME_WORDS),
                g.rng.pick(&NAME_ENVS)
            );
            let mut bucket = build::bucket(&name);
            if b % 10 == 0 {
                bucket.attributes.insert(
                    "policy_write_services".into(),
                    serde_json::json!(["cloudtrail.amazonaws.com"]),
                );
            }
            if b % 7 == 0 {
                bucket
                    .attributes
                    .insert("policy_account_ids".into(), serde_json::json!([ACCOUNT]));
            }
            bucket.attributes.insert("location".into(), region.into());
            g.tags(&mut bucket, 30);
            g.push(bucket);
        }
        for t in 0..70 {
            let (ty, arn) = match t % 3 {
                0 => (
                    "rds:db",
                    format!("arn:aws:rds:{region}:{ACCOUNT}:db:db-{block:08x}{t:02}"),
                ),
                1 => (
                    "lambda:function",
                    format!("arn:aws:lambda:{region}:{ACCOUNT}:function:fn-{block:08x}{t:02}"),
                ),
                _ => (
                    "dynamodb:table",
                    format!("arn:aws:dynamodb:{region}:{ACCOUNT}:table/t-{block:08x}{t:02}"),
                ),
            };
            let mut res = res(&arn, ty).in_region(region).seen_by(Source::Tagging);
            g.tags(&mut res, 60);
            g.push(res);
        }
        n = g.resources.len();
        if n >= total {
            break;
        }
    }
    let mut resources = g.resources;
    resources.truncate(total.min(n));
    let mut inventory = build::inventory(resources);
    inventory.tool_version = acctsplit::TOOL_VERSION.to_owned();
    inventory.account.id = ACCOUNT.to_owned();
    inventory.regions = REGIONS.iter().map(|r| (*r).to_owned()).collect();
    inventory
}

/// A writer that discards what it is given and counts the bytes.
struct ByteCounter(u64);

impl std::io::Write for ByteCounter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Peak resident set size of this process so far, in MiB (Linux `VmHWM`).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time (user + system) this process has used so far, in seconds: on a shared machine the
/// wall-clock time also counts the time other processes held the cores.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    // Linux reports clock ticks; USER_HZ is 100 on every mainstream configuration.
    Some((utime + stime) / 100.0)
}

fn rss_text() -> String {
    peak_rss_mib()
        .map(|m| format!("{m:.0} MiB"))
        .unwrap_or_else(|| "unknown (no /proc/self/status)".to_owned())
}

fn main() {
    let mut total = 1_000_000usize;
    let mut write_dir: Option<std::path::PathBuf> = None;
    let mut snapshot: Option<std::path::PathBuf> = None;
    let mut runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--write" => write_dir = args.next().map(Into::into),
            "--snapshot" => snapshot = args.next().map(Into::into),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).filter(|&n| n > 0).unwrap_or(1),
            other => match other.replace('_', "").parse() {
                Ok(n) => total = n,
                Err(_) => {
                    eprintln!("usage: bench_classify [RESOURCES] [--runs N] [--write DIR] [--snapshot FILE]");
                    std::process::exit(2);
                }
            },
        }
    }

    let started = Instant::now();
    let inventory = generate(total);
    let relations: usize = inventory.resources.iter().map(|r| r.relations.len()).sum();
    println!(
        "generated {} resources with {relations} relations in {:.2} s (peak RSS so far {})",
        inventory.resources.len(),
        started.elapsed().as_secs_f64(),
        rss_text()
    );

    if let Some(path) = &snapshot {
        let started = Instant::now();
        if let Err(err) = acctsplit::fsutil::write_json_atomic(path, &inventory) {
            eprintln!("error: {err}");
            std::process::exit(2);
        }
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        println!(
            "snapshot saved to {} ({:.0} MiB) in {:.2} s",
            path.display(),
            size as f64 / 1048576.0,
            started.elapsed().as_secs_f64()
        );
    }

    // Several runs, each on a fresh plan (the previous one is dropped first, so the peak is that
    // of one run): a shared machine's speed varies from one second to the next.
    let rules = Rules::default_rules();
    let mut walls = Vec::with_capacity(runs);
    let mut plan = None;
    for run in 1..=runs {
        drop(plan.take());
        let started = Instant::now();
        let cpu_before = cpu_seconds();
        let classified = classify(&inventory, &rules);
        let wall = started.elapsed().as_secs_f64();
        let cpu = match (cpu_before, cpu_seconds()) {
            (Some(before), Some(after)) => format!("{:.2} s", after - before),
            _ => "unknown".to_owned(),
        };
        println!("classify run {run}/{runs}: {wall:.2} s wall ({cpu} CPU)");
        walls.push(wall);
        plan = Some(classified);
    }
    let plan = plan.expect("at least one run");
    walls.sort_by(f64::total_cmp);
    println!(
        "classified in {:.2} s (median of {runs}; fastest {:.2} s, slowest {:.2} s): {} assignments, {} workloads, {} move units, {} conflicts, {} to review, {} cross-target edges",
        walls[walls.len() / 2],
        walls[0],
        walls[walls.len() - 1],
        plan.assignments.len(),
        plan.workloads.len(),
        plan.units.len(),
        plan.conflicts.len(),
        plan.review.len(),
        plan.cross_target.len()
    );
    for t in &plan.targets {
        println!(
            "  {:<12} {:>8} resources, {:>8} to review",
            t.name, t.resources, t.needs_review
        );
    }
    println!("peak RSS after classify: {}", rss_text());

    let started = Instant::now();
    // Rendered as `classify` writes it, streamed, into a writer that only counts the bytes.
    let mut counter = ByteCounter(0);
    write_assignments_csv(&plan, &mut counter).expect("counting bytes cannot fail");
    let csv_len = counter.0;
    println!(
        "assignments.csv rendered in {:.2} s ({:.0} MiB)",
        started.elapsed().as_secs_f64(),
        csv_len as f64 / 1048576.0
    );
    if let Some(dir) = write_dir {
        let started = Instant::now();
        if let Err(err) = write_outputs(&plan, &acctsplit::layout::Layout::new(&dir)) {
            eprintln!("error: {err}");
            std::process::exit(2);
        }
        println!(
            "plan.json and assignments.csv written to {} in {:.2} s",
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    println!("peak RSS at the end: {}", rss_text());
}
