//! Runs the test proxy of `src/testkit/proxy.rs` on its own, in front of a moto server, so
//! a benchmark can give every request a real region's round trip:
//!
//! ```text
//! latency_proxy --upstream-port P [--port Q] [--latency-ms 50] [--deny-region R]
//!               [--throttle-percent 20] [--token-bucket 100/20] [--seed N]
//!               [--upstream-timeout-secs 300]
//! ```
//!
//! `--throttle-percent` answers that share of the requests, at random, with the throttling error
//! of their protocol; `--token-bucket CAPACITY/REFILL` gives every (signing service, region) a
//! token bucket of CAPACITY requests refilled at REFILL a second and throttles what finds it
//! empty. `--upstream-timeout-secs` is how long to wait for one of moto's answers before
//! answering 502 (default 300). `GET /acctsplit-proxy/stats` answers the requests, throttled
//! requests, requests moto did not answer and seconds moto spent answering, since the start.
//!
//! Prints `listening on http://127.0.0.1:Q` on stdout once it accepts connections, then serves
//! until it is killed.

use acctsplit::testkit::proxy;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: latency_proxy --upstream-port P [--port Q] [--latency-ms 50] [--deny-region R] \
                     [--throttle-percent 20] [--token-bucket 100/20] [--seed N] [--upstream-timeout-secs 300]";

fn parse(args: &[String]) -> Result<(u16, proxy::ProxyOptions), String> {
    let mut upstream = None;
    let mut options = proxy::ProxyOptions::default();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let value = args.next().ok_or(format!("{arg} needs a value"))?;
        let number = |what: &str| {
            value
                .parse::<u64>()
                .map_err(|_| format!("{what} wants a number, not {value:?}"))
        };
        match arg.as_str() {
            "--upstream-port" => upstream = Some(port(number("--upstream-port")?)?),
            "--port" => options.port = port(number("--port")?)?,
            "--latency-ms" => options.latency = Duration::from_millis(number("--latency-ms")?),
            "--deny-region" => options.deny_region = Some(value.clone()),
            "--throttle-percent" => {
                options.throttle_percent = u32::try_from(number("--throttle-percent")?.min(100)).unwrap_or(100)
            }
            "--seed" => options.seed = number("--seed")?,
            "--token-bucket" => options.token_bucket = Some(bucket(value)?),
            "--upstream-timeout-secs" => match number("--upstream-timeout-secs")? {
                0 => return Err("--upstream-timeout-secs wants a number of seconds above 0".to_owned()),
                secs => options.upstream_timeout = Some(Duration::from_secs(secs)),
            },
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((upstream.ok_or("--upstream-port is required")?, options))
}

/// `CAPACITY/REFILL`, both positive numbers.
fn bucket(value: &str) -> Result<(f64, f64), String> {
    let parsed = value
        .split_once('/')
        .and_then(|(c, r)| Some((c.parse::<f64>().ok()?, r.parse::<f64>().ok()?)));
    match parsed {
        Some((capacity, refill)) if capacity >= 1.0 && refill > 0.0 => Ok((capacity, refill)),
        _ => Err(format!(
            "--token-bucket wants CAPACITY/REFILL, such as 100/20, not {value:?}"
        )),
    }
}

fn port(n: u64) -> Result<u16, String> {
    u16::try_from(n).map_err(|_| format!("{n} is not a port"))
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (upstream, options) = match parse(&args) {
        Ok(parsed) => parsed,
        Err(message) => {
            eprintln!("latency_proxy: {message}\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let proxy = proxy::start(upstream, options);
    println!("listening on {}", proxy.endpoint());
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
