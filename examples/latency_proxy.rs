//! Runs the test proxy of `src/testkit/proxy.rs` on its own, in front of a moto server, so
//! a benchmark can give every request a real region's round trip:
//!
//! ```text
//! latency_proxy --upstream-port P [--port Q] [--latency-ms 50] [--deny-region R]
//! ```
//!
//! Prints `listening on http://127.0.0.1:Q` on stdout once it accepts connections, then serves
//! until it is killed.

use acctsplit::testkit::proxy;

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

const USAGE: &str = "usage: latency_proxy --upstream-port P [--port Q] [--latency-ms 50] [--deny-region R]";

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
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok((upstream.ok_or("--upstream-port is required")?, options))
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
