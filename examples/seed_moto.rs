//! Seeds a running moto server with one of the accounts in `src/testkit/seed.rs`, for the
//! benchmark and sample-data scripts:
//!
//! ```text
//! seed_moto --endpoint http://127.0.0.1:PORT (--legacy | --bulk N --regions a,b,c [--buckets B] [--services S] | --sample)
//! ```
//!
//! `--buckets B` adds buckets to the bulk account (`testkit::seed_bench`) until it has B in all.
//! `--services S` adds about S resources of the other services the scanner collects (KMS, SQS,
//! SNS, Secrets Manager, SSM, CloudWatch Logs, ECR, ACM, RDS, Lambda, DynamoDB, load balancers,
//! IAM, Route 53, CloudFront, ElastiCache and the governance services:
//! `testkit::seed_bench_services`), in whole rounds of 44 a region.
//!
//! Prints one JSON line on stdout: the account kind, its regions, the resources created and the
//! seconds it took. Pin generated ids first with `POST /moto-api/seed?a=42` for a reproducible
//! account (the scripts do).

use acctsplit::testkit::seed;

use std::process::ExitCode;
use std::time::Instant;

const USAGE: &str = "usage: seed_moto --endpoint http://127.0.0.1:PORT (--legacy | --bulk N --regions a,b,c \
                     [--buckets B] [--services S] | --sample)";

enum Kind {
    Legacy,
    Bulk {
        total: usize,
        regions: Vec<String>,
        buckets: usize,
        services: usize,
    },
    Sample,
}

fn parse(args: &[String]) -> Result<(String, Kind), String> {
    let mut endpoint = None;
    let mut kind = None;
    let mut total = None;
    let mut regions = None;
    let mut buckets = 0;
    let mut services = 0;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().cloned().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--endpoint" => endpoint = Some(value("--endpoint")?),
            "--legacy" => kind = Some("legacy"),
            "--sample" => kind = Some("sample"),
            "--bulk" => {
                let text = value("--bulk")?;
                let n = text
                    .parse()
                    .map_err(|_| format!("--bulk wants a number, not {text:?}"))?;
                kind = Some("bulk");
                total = Some(n);
            }
            "--regions" => regions = Some(value("--regions")?),
            "--buckets" => {
                let text = value("--buckets")?;
                buckets = text
                    .parse()
                    .map_err(|_| format!("--buckets wants a number, not {text:?}"))?;
            }
            "--services" => {
                let text = value("--services")?;
                services = text
                    .parse()
                    .map_err(|_| format!("--services wants a number, not {text:?}"))?;
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    let endpoint = endpoint.ok_or("--endpoint is required")?;
    if services > 0 && kind != Some("bulk") {
        return Err("--services adds to the bulk account: use it with --bulk".to_owned());
    }
    let kind = match kind {
        Some("legacy") => Kind::Legacy,
        Some("sample") => Kind::Sample,
        Some(_) => {
            let regions: Vec<String> = regions
                .ok_or("--bulk needs --regions")?
                .split(',')
                .map(str::trim)
                .filter(|r| !r.is_empty())
                .map(str::to_owned)
                .collect();
            if regions.is_empty() {
                return Err("--regions names no region".to_owned());
            }
            Kind::Bulk {
                total: total.unwrap_or_default(),
                regions,
                buckets,
                services,
            }
        }
        None => return Err("choose one of --legacy, --bulk N, --sample".to_owned()),
    };
    Ok((endpoint, kind))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (endpoint, kind) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("seed_moto: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let started = Instant::now();
    let (name, regions, created) = runtime.block_on(async {
        let creds = aws_credential_types::Credentials::new("testing", "testing", None, None, "seed_moto");
        let cfg = aws_config::defaults(aws_config::BehaviorVersion::latest())
            .region(aws_types::region::Region::new("us-east-1"))
            .credentials_provider(creds)
            .endpoint_url(&endpoint)
            .load()
            .await;
        match kind {
            Kind::Legacy => {
                let seeded = seed::seed_legacy_account(&cfg).await;
                (
                    "legacy",
                    seed::LEGACY_REGIONS.map(str::to_owned).to_vec(),
                    seeded.expected.len(),
                )
            }
            Kind::Sample => {
                let created = seed::seed_sample_account(&cfg).await;
                ("sample", seed::SAMPLE_REGIONS.map(str::to_owned).to_vec(), created)
            }
            Kind::Bulk {
                total,
                regions,
                buckets,
                services,
            } => {
                let names: Vec<&str> = regions.iter().map(String::as_str).collect();
                let mut created = seed::seed_bulk(&cfg, &names, total).await;
                // seed_bulk makes 3 buckets a region.
                let more = buckets.saturating_sub(3 * names.len());
                created += acctsplit::testkit::seed_bench::seed_buckets(&cfg, &names, more).await;
                if services > 0 {
                    let seeded =
                        acctsplit::testkit::seed_bench_services::seed_bench_services(&cfg, &names, services).await;
                    created += seeded.expected.len();
                }
                ("bulk", regions, created)
            }
        }
    });
    let summary = serde_json::json!({
        "account": name,
        "regions": regions,
        "resources": created,
        "seconds": (started.elapsed().as_secs_f64() * 100.0).round() / 100.0,
    });
    println!("{summary}");
    ExitCode::SUCCESS
}
