//! A small HTTP/1.1 forwarding proxy that sits between the binary (`--endpoint-url`) and moto, so
//! tests and benchmarks can see what real AWS would do and moto does not:
//! - deny one region: every request signed for it gets the AccessDenied error of its protocol;
//! - add a fixed latency to every request, like a real round trip to a region;
//! - count requests per (signing service, region), read from the SigV4 credential scope;
//! - throttle like AWS: the first requests of every stream, a share of all requests at random,
//!   or by rate, with a token bucket per (signing service, region);
//! - time moto: the wall time during which at least one forwarded request waited for moto's
//!   answer (the emulator floor of a benchmark: moto works on one request at a time, so no client
//!   can finish sooner), and the sum of the per-request times, served unsigned at
//!   `GET /acctsplit-proxy/stats`.
//!
//! One thread per client connection, one upstream connection per request (`Connection: close`),
//! the response read whole and sent back with a `Content-Length`, so keep-alive clients work
//! whatever framing moto chose. Used by the integration tests and `examples/latency_proxy.rs`;
//! its own tests are in `tests/integration/test_proxy.rs`.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// What the proxy does besides forwarding.
#[derive(Debug, Clone, Default)]
pub struct ProxyOptions {
    /// Answer AccessDenied to every request signed for this region.
    pub deny_region: Option<String>,
    /// Deny only these signing services (`ec2`, `tagging`, `s3`...); empty means all of them.
    pub deny_services: Vec<String>,
    /// Added to every request before it is answered.
    pub latency: Duration,
    /// Answer the first this-many requests of every (service, region) with that protocol's
    /// throttling error, as a busy AWS API does; the retries then go through.
    pub throttle_first: u64,
    /// Throttle only these signing services; empty means all of them.
    pub throttle_services: Vec<String>,
    /// Answer this percentage of the requests, chosen at random, with the throttling error.
    pub throttle_percent: u32,
    /// Seed of that random choice (the same seed throttles the same request numbers).
    pub seed: u64,
    /// A token bucket per (signing service, region): `(capacity, refill a second)`. A request
    /// finding it empty is throttled and takes no token; the bucket starts full.
    pub token_bucket: Option<(f64, f64)>,
    /// How long to wait for moto's answer to one request before answering 502 Bad Gateway;
    /// `None` waits [`DEFAULT_UPSTREAM_TIMEOUT`]. A benchmark of a large account raises it: moto
    /// works on its requests in turn, so 16 slow ones in flight each take 16 times as long, and
    /// a request given up and retried makes moto do its work twice.
    pub upstream_timeout: Option<Duration>,
    /// Port to listen on (127.0.0.1); 0 picks a free one.
    pub port: u16,
}

/// How long the proxy waits for one of moto's answers unless told otherwise.
pub const DEFAULT_UPSTREAM_TIMEOUT: Duration = Duration::from_secs(300);

/// A running proxy; it stops, and joins its threads, when dropped.
pub struct Proxy {
    pub port: u16,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

struct Shared {
    upstream_port: u16,
    options: ProxyOptions,
    stop: AtomicBool,
    next_id: AtomicU64,
    counts: Mutex<BTreeMap<(String, String), u64>>,
    buckets: Mutex<BTreeMap<(String, String), (f64, Instant)>>,
    rng: Mutex<u64>,
    throttled: AtomicU64,
    /// Forwarded requests moto did not answer (refused, closed or timed out): answered 502.
    upstream_failures: AtomicU64,
    /// Nanoseconds spent waiting for moto's answers, summed over every forwarded request.
    upstream_nanos: AtomicU64,
    /// Forwarded requests in flight, and since when at least one has been.
    in_flight: Mutex<(u32, Option<Instant>)>,
    /// Nanoseconds during which at least one forwarded request was in flight.
    busy_nanos: AtomicU64,
    clients: Mutex<Vec<(TcpStream, JoinHandle<()>)>>,
}

/// Starts a proxy on 127.0.0.1 that forwards to moto on `upstream_port`.
pub fn start(upstream_port: u16, options: ProxyOptions) -> Proxy {
    let listener = TcpListener::bind(("127.0.0.1", options.port))
        .unwrap_or_else(|e| panic!("proxy cannot listen on 127.0.0.1:{}: {e}", options.port));
    let port = listener.local_addr().expect("a bound listener has an address").port();
    let seed = options.seed;
    let shared = Arc::new(Shared {
        upstream_port,
        options,
        stop: AtomicBool::new(false),
        next_id: AtomicU64::new(1),
        counts: Mutex::new(BTreeMap::new()),
        buckets: Mutex::new(BTreeMap::new()),
        rng: Mutex::new(seed.max(1)),
        throttled: AtomicU64::new(0),
        upstream_failures: AtomicU64::new(0),
        upstream_nanos: AtomicU64::new(0),
        in_flight: Mutex::new((0, None)),
        busy_nanos: AtomicU64::new(0),
        clients: Mutex::new(Vec::new()),
    });
    let accepting = Arc::clone(&shared);
    let acceptor = std::thread::spawn(move || accept_loop(&listener, &accepting));
    Proxy {
        port,
        shared,
        acceptor: Some(acceptor),
    }
}

impl Proxy {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Requests received so far, by (signing service, region); unsigned requests count under
    /// `("unsigned", "none")`. Denied requests are counted too.
    pub fn requests(&self) -> BTreeMap<(String, String), u64> {
        self.shared.counts.lock().unwrap().clone()
    }

    pub fn requests_for(&self, service: &str, region: &str) -> u64 {
        let key = (service.to_owned(), region.to_owned());
        self.shared.counts.lock().unwrap().get(&key).copied().unwrap_or(0)
    }

    pub fn total_requests(&self) -> u64 {
        self.shared.counts.lock().unwrap().values().sum()
    }

    /// Requests answered with a throttling error so far.
    pub fn throttled(&self) -> u64 {
        self.shared.throttled.load(Ordering::SeqCst)
    }

    /// Forwarded requests answered 502 because moto did not answer in time (or at all).
    pub fn upstream_failures(&self) -> u64 {
        self.shared.upstream_failures.load(Ordering::SeqCst)
    }

    /// Seconds moto spent answering the forwarded requests so far, summed per request (requests
    /// waiting on each other inside moto count their waits too).
    pub fn upstream_seconds(&self) -> f64 {
        self.shared.upstream_nanos.load(Ordering::SeqCst) as f64 / 1e9
    }

    /// Seconds during which moto had at least one forwarded request to answer: the floor.
    pub fn busy_seconds(&self) -> f64 {
        self.shared.busy_nanos.load(Ordering::SeqCst) as f64 / 1e9
    }
}

/// The path of the proxy's own statistics (`GET`, unsigned): `{"requests": N, "throttled": T,
/// "upstream_failures": F, "busy_seconds": B, "upstream_seconds": S}`, all since the proxy
/// started (see [`Proxy::upstream_failures`], [`Proxy::busy_seconds`] and
/// [`Proxy::upstream_seconds`]).
pub const STATS_PATH: &str = "/acctsplit-proxy/stats";

impl Shared {
    fn stats(&self) -> Response {
        let requests: u64 = self.counts.lock().unwrap().values().sum();
        let body = serde_json::json!({
            "requests": requests,
            "throttled": self.throttled.load(Ordering::SeqCst),
            "upstream_failures": self.upstream_failures.load(Ordering::SeqCst),
            "upstream_seconds": self.upstream_nanos.load(Ordering::SeqCst) as f64 / 1e9,
            "busy_seconds": self.busy_nanos.load(Ordering::SeqCst) as f64 / 1e9,
        })
        .to_string();
        Response {
            status_line: "HTTP/1.1 200 OK".to_owned(),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body: body.into_bytes(),
        }
    }

    /// True when a random draw says to throttle (`throttle_percent` of the draws).
    fn random_throttle(&self) -> bool {
        if self.options.throttle_percent == 0 {
            return false;
        }
        let mut x = self.rng.lock().unwrap();
        // xorshift64
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        *x % 100 < u64::from(self.options.throttle_percent)
    }

    /// Takes a token from the stream's bucket; false when it is empty (or there is no bucket).
    fn bucket_empty(&self, key: &(String, String)) -> bool {
        let Some((capacity, refill)) = self.options.token_bucket else {
            return false;
        };
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap();
        let (tokens, last) = buckets.entry(key.clone()).or_insert((capacity, now));
        *tokens = (*tokens + now.duration_since(*last).as_secs_f64() * refill).min(capacity);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            false
        } else {
            true
        }
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept so the acceptor sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(acceptor) = self.acceptor.take() {
            let _ = acceptor.join();
        }
        let clients = std::mem::take(&mut *self.shared.clients.lock().unwrap());
        for (stream, _) in &clients {
            let _ = stream.shutdown(Shutdown::Both);
        }
        for (_, handle) in clients {
            let _ = handle.join();
        }
    }
}

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let Ok(handle_copy) = stream.try_clone() else { continue };
        let serving = Arc::clone(shared);
        let handle = std::thread::spawn(move || serve(stream, &serving));
        let mut clients = shared.clients.lock().unwrap();
        clients.retain(|(_, h)| !h.is_finished());
        clients.push((handle_copy, handle));
    }
}

/// The (region, service) of a SigV4 `Authorization` header's credential scope
/// (`Credential=AKID/DATE/REGION/SERVICE/aws4_request`).
pub fn signing_scope(authorization: &str) -> Option<(String, String)> {
    let start = authorization.find("Credential=")? + "Credential=".len();
    let credential = authorization[start..]
        .split(|c: char| c == ',' || c.is_whitespace())
        .next()?;
    let parts: Vec<&str> = credential.split('/').collect();
    match parts.as_slice() {
        [key, date, region, service, "aws4_request"] if !key.is_empty() && !date.is_empty() => {
            (!region.is_empty() && !service.is_empty()).then(|| (region.to_string(), service.to_string()))
        }
        _ => None,
    }
}

struct Request {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

struct Response {
    status_line: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// Reads header lines up to the empty line.
/// A start line and its headers.
type Head = (String, Vec<(String, String)>);

fn read_head(reader: &mut impl BufRead) -> io::Result<Option<Head>> {
    let mut first = String::new();
    if reader.read_line(&mut first)? == 0 {
        return Ok(None);
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Err(invalid("connection closed inside the headers"));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            break;
        }
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| invalid("header line without a colon"))?;
        headers.push((name.trim().to_owned(), value.trim().to_owned()));
    }
    Ok(Some((first.trim_end_matches(['\r', '\n']).to_owned(), headers)))
}

/// Reads a body framed by `Content-Length` or chunked transfer coding; `None` when neither.
fn read_framed_body(reader: &mut impl BufRead, headers: &[(String, String)]) -> io::Result<Option<Vec<u8>>> {
    let chunked = header(headers, "transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    if chunked {
        let mut body = Vec::new();
        loop {
            let mut size_line = String::new();
            reader.read_line(&mut size_line)?;
            let size_text = size_line.trim().split(';').next().unwrap_or_default();
            let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
            if size == 0 {
                // Trailers, up to the empty line.
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line)? == 0 || line.trim().is_empty() {
                        return Ok(Some(body));
                    }
                }
            }
            let start = body.len();
            body.resize(start + size, 0);
            reader.read_exact(&mut body[start..])?;
            let mut crlf = String::new();
            reader.read_line(&mut crlf)?;
        }
    }
    match header(headers, "content-length") {
        Some(length) => {
            let length: usize = length.parse().map_err(|_| invalid("bad Content-Length"))?;
            let mut body = vec![0; length];
            reader.read_exact(&mut body)?;
            Ok(Some(body))
        }
        None => Ok(None),
    }
}

fn read_request(reader: &mut BufReader<TcpStream>, writer: &mut TcpStream) -> io::Result<Option<Request>> {
    let Some((line, headers)) = read_head(reader)? else {
        return Ok(None);
    };
    let mut parts = line.split_whitespace();
    let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
        return Err(invalid("bad request line"));
    };
    if header(&headers, "expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let body = read_framed_body(reader, &headers)?.unwrap_or_default();
    Ok(Some(Request {
        method: method.to_owned(),
        target: target.to_owned(),
        headers,
        body,
    }))
}

/// Hop-by-hop and framing headers that the proxy sets itself.
fn is_framing(name: &str) -> bool {
    [
        "connection",
        "keep-alive",
        "proxy-connection",
        "transfer-encoding",
        "content-length",
        "expect",
    ]
    .iter()
    .any(|h| name.eq_ignore_ascii_case(h))
}

/// Serves one client connection until it closes, then shuts the socket down: the acceptor keeps a
/// handle to it (for `Drop`), so dropping ours alone would not close it.
fn serve(stream: TcpStream, shared: &Shared) {
    let _ = serve_requests(&stream, shared);
    let _ = stream.shutdown(Shutdown::Both);
}

fn serve_requests(stream: &TcpStream, shared: &Shared) -> io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream.try_clone()?;
    while !shared.stop.load(Ordering::SeqCst) {
        let Some(request) = read_request(&mut reader, &mut writer)? else {
            return Ok(());
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        if request.method == "GET" && request.target == STATS_PATH {
            write_response(&mut writer, &request, &shared.stats(), close)?;
            if close {
                return Ok(());
            }
            continue;
        }
        let scope = request.header("authorization").and_then(signing_scope);
        let key = match &scope {
            Some((region, service)) => (service.clone(), region.clone()),
            None => ("unsigned".to_owned(), "none".to_owned()),
        };
        let seen = {
            let mut counts = shared.counts.lock().unwrap();
            let count = counts.entry(key).or_default();
            *count += 1;
            *count
        };
        if !shared.options.latency.is_zero() {
            std::thread::sleep(shared.options.latency);
        }
        let id = shared.next_id.fetch_add(1, Ordering::SeqCst);
        let refusal = scope.and_then(|(region, service)| {
            let throttles_service =
                shared.options.throttle_services.is_empty() || shared.options.throttle_services.contains(&service);
            if denies(&shared.options, &region, &service) {
                Some(refusal(Refusal::Denied, &service, &region, id))
            } else if throttles_service
                && (seen <= shared.options.throttle_first
                    || shared.random_throttle()
                    || shared.bucket_empty(&(service.clone(), region.clone())))
            {
                shared.throttled.fetch_add(1, Ordering::SeqCst);
                Some(refusal(Refusal::Throttled, &service, &region, id))
            } else {
                None
            }
        });
        let response = match refusal {
            Some(response) => response,
            None => timed_forward(shared, &request).unwrap_or_else(|e| {
                shared.upstream_failures.fetch_add(1, Ordering::SeqCst);
                Response {
                    status_line: "HTTP/1.1 502 Bad Gateway".to_owned(),
                    headers: vec![("Content-Type".to_owned(), "text/plain".to_owned())],
                    body: format!("proxy: upstream 127.0.0.1:{} failed: {e}", shared.upstream_port).into_bytes(),
                }
            }),
        };
        write_response(&mut writer, &request, &response, close)?;
        if close {
            return Ok(());
        }
    }
    Ok(())
}

fn denies(options: &ProxyOptions, region: &str, service: &str) -> bool {
    options.deny_region.as_deref() == Some(region)
        && (options.deny_services.is_empty() || options.deny_services.iter().any(|s| s == service))
}

/// Why the proxy answers instead of forwarding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Denied,
    Throttled,
}

/// The AccessDenied or throttling answer of the protocol `service` speaks.
fn refusal(why: Refusal, service: &str, region: &str, id: u64) -> Response {
    let request_id = format!("acctsplit-proxy-{id:08}");
    let message = match why {
        Refusal::Denied => format!("acctsplit test proxy denies every {service} request in {region}"),
        Refusal::Throttled => format!("acctsplit test proxy throttles {service} in {region}: rate exceeded"),
    };
    let throttled = why == Refusal::Throttled;
    let (status, content_type, code, body) = match service {
        // EC2 query protocol.
        "ec2" => {
            let (status, code) = if throttled {
                ("503 Service Unavailable", "RequestLimitExceeded")
            } else {
                ("403 Forbidden", "UnauthorizedOperation")
            };
            (
                status,
                "text/xml;charset=UTF-8",
                code,
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
                     <Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
                ),
            )
        }
        // S3 REST XML.
        "s3" => {
            let (status, code) = if throttled {
                ("503 Slow Down", "SlowDown")
            } else {
                ("403 Forbidden", "AccessDenied")
            };
            (
                status,
                "application/xml",
                code,
                format!(
                    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message>\
                     <RequestId>{request_id}</RequestId><HostId>{request_id}</HostId></Error>"
                ),
            )
        }
        // awsQuery services (by signing name), and Route 53 and CloudFront, whose REST XML errors
        // have the same shape.
        "sts"
        | "iam"
        | "sns"
        | "elasticloadbalancing"
        | "rds"
        | "cloudformation"
        | "autoscaling"
        | "elasticache"
        | "route53"
        | "cloudfront" => {
            let (status, code) = if throttled {
                ("400 Bad Request", "Throttling")
            } else {
                ("403 Forbidden", "AccessDenied")
            };
            (
                status,
                "text/xml",
                code,
                format!(
                    "<ErrorResponse xmlns=\"https://{service}.amazonaws.com/doc/\"><Error><Type>Sender</Type>\
                     <Code>{code}</Code><Message>{message}</Message></Error>\
                     <RequestId>{request_id}</RequestId></ErrorResponse>"
                ),
            )
        }
        // awsJson 1.0/1.1: the Tagging API, Organizations, Cost Explorer, KMS, SQS...
        _ => {
            let code = if throttled {
                "ThrottlingException"
            } else {
                "AccessDeniedException"
            };
            (
                "400 Bad Request",
                "application/x-amz-json-1.1",
                code,
                format!(r#"{{"__type":"{code}","message":"{message}"}}"#),
            )
        }
    };
    Response {
        status_line: format!("HTTP/1.1 {status}"),
        headers: vec![
            ("Content-Type".to_owned(), content_type.to_owned()),
            ("x-amzn-ErrorType".to_owned(), code.to_owned()),
            ("x-amzn-RequestId".to_owned(), request_id.clone()),
            ("x-amz-request-id".to_owned(), request_id),
        ],
        body: body.into_bytes(),
    }
}

/// [`forward`], adding moto's time to the proxy's sums.
fn timed_forward(shared: &Shared, request: &Request) -> io::Result<Response> {
    let nanos = |since: Instant| u64::try_from(since.elapsed().as_nanos()).unwrap_or(u64::MAX);
    {
        let mut in_flight = shared.in_flight.lock().unwrap();
        in_flight.0 += 1;
        in_flight.1.get_or_insert_with(Instant::now);
    }
    let started = Instant::now();
    let timeout = shared.options.upstream_timeout.unwrap_or(DEFAULT_UPSTREAM_TIMEOUT);
    let response = forward(shared.upstream_port, timeout, request);
    shared.upstream_nanos.fetch_add(nanos(started), Ordering::SeqCst);
    let mut in_flight = shared.in_flight.lock().unwrap();
    in_flight.0 -= 1;
    if in_flight.0 == 0
        && let Some(busy_since) = in_flight.1.take()
    {
        shared.busy_nanos.fetch_add(nanos(busy_since), Ordering::SeqCst);
    }
    response
}

fn forward(upstream_port: u16, timeout: Duration, request: &Request) -> io::Result<Response> {
    let mut upstream = TcpStream::connect(("127.0.0.1", upstream_port))?;
    upstream.set_read_timeout(Some(timeout))?;
    let mut head = format!("{} {} HTTP/1.1\r\n", request.method, request.target);
    for (name, value) in &request.headers {
        if !is_framing(name) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body.len()
    ));
    upstream.write_all(head.as_bytes())?;
    upstream.write_all(&request.body)?;
    upstream.flush()?;

    let mut reader = BufReader::new(upstream);
    let (status_line, headers) = loop {
        let (line, headers) = read_head(&mut reader)?.ok_or_else(|| invalid("upstream closed without answering"))?;
        // Skip interim 1xx answers.
        if !line.split_whitespace().nth(1).is_some_and(|code| code.starts_with('1')) {
            break (line, headers);
        }
    };
    let status = status_line.split_whitespace().nth(1).unwrap_or_default();
    let body = if request.method.eq_ignore_ascii_case("HEAD") || status == "204" || status == "304" {
        Vec::new()
    } else {
        match read_framed_body(&mut reader, &headers)? {
            Some(body) => body,
            None => {
                let mut body = Vec::new();
                reader.read_to_end(&mut body)?;
                body
            }
        }
    };
    Ok(Response {
        status_line,
        headers,
        body,
    })
}

fn write_response(writer: &mut TcpStream, request: &Request, response: &Response, close: bool) -> io::Result<()> {
    let status = response.status_line.split_whitespace().nth(1).unwrap_or_default();
    let head_only = request.method.eq_ignore_ascii_case("HEAD");
    let mut head = format!("{}\r\n", response.status_line);
    for (name, value) in &response.headers {
        // A HEAD answer keeps moto's Content-Length: it describes the body a GET would get.
        let keep_length = head_only && name.eq_ignore_ascii_case("content-length");
        if keep_length || !is_framing(name) {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    if !head_only && status != "204" && status != "304" {
        head.push_str(&format!("Content-Length: {}\r\n", response.body.len()));
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    writer.write_all(head.as_bytes())?;
    writer.write_all(&response.body)?;
    writer.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signing_scope_reads_region_and_service_from_the_credential() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/ec2/aws4_request, \
                      SignedHeaders=host;x-amz-date, Signature=abc123";
        assert_eq!(signing_scope(header), Some(("eu-west-1".into(), "ec2".into())));
        let no_spaces = "AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/tagging/aws4_request,\
                         SignedHeaders=host,Signature=0";
        assert_eq!(signing_scope(no_spaces), Some(("us-east-1".into(), "tagging".into())));
    }

    #[test]
    fn signing_scope_rejects_what_is_not_a_sigv4_scope() {
        for header in [
            "",
            "Basic dXNlcjpwYXNz",
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2, Signature=x",
            "AWS4-HMAC-SHA256 Credential=AKID/20260101//ec2/aws4_request, Signature=x",
            "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/ec2/aws4_request/extra",
            "AWS AKID:signature",
        ] {
            assert_eq!(signing_scope(header), None, "{header:?}");
        }
    }

    #[test]
    fn chunked_bodies_are_decoded_with_extensions_and_trailers() {
        let raw = b"4;ext=1\r\nWiki\r\n5\r\npedia\r\n0\r\nTrailer: x\r\n\r\nnext";
        let mut reader = BufReader::new(&raw[..]);
        let headers = vec![("Transfer-Encoding".to_owned(), "chunked".to_owned())];
        assert_eq!(read_framed_body(&mut reader, &headers).unwrap().unwrap(), b"Wikipedia");
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "next");
    }

    #[test]
    fn denial_is_limited_to_the_region_and_services_asked_for() {
        let options = ProxyOptions {
            deny_region: Some("eu-west-1".into()),
            deny_services: vec!["tagging".into()],
            ..ProxyOptions::default()
        };
        assert!(denies(&options, "eu-west-1", "tagging"));
        assert!(!denies(&options, "eu-west-1", "ec2"));
        assert!(!denies(&options, "us-east-1", "tagging"));
        let all = ProxyOptions {
            deny_region: Some("eu-west-1".into()),
            ..ProxyOptions::default()
        };
        assert!(denies(&all, "eu-west-1", "s3"));
        assert!(!denies(&ProxyOptions::default(), "eu-west-1", "s3"));
    }
}
