use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_types::body::SdkBody;
use futures::StreamExt;

use super::*;
use crate::aws::{Aws, AwsOptions};

/// A fake EC2 endpoint that throttles like AWS does, both ways at once: a token bucket per
/// client (`capacity` requests, refilled at `refill` a second; a throttled request takes no
/// token), and, in front of it, one request in `random_one_in` throttled whatever the rate.
#[derive(Debug, Clone)]
struct ThrottlingEc2(Arc<FakeState>);

#[derive(Debug)]
struct FakeState {
    capacity: f64,
    refill: f64,
    random_one_in: u64,
    bucket: Mutex<(f64, tokio::time::Instant)>,
    rng: AtomicU64,
    answered: AtomicU64,
    throttled: AtomicU64,
    /// Highest attempt number of each request (by invocation id), from `amz-sdk-request`.
    attempts: Mutex<HashMap<String, u32>>,
}

impl ThrottlingEc2 {
    fn new(capacity: f64, refill: f64, random_one_in: u64) -> Self {
        ThrottlingEc2(Arc::new(FakeState {
            capacity,
            refill,
            random_one_in,
            bucket: Mutex::new((capacity, tokio::time::Instant::now())),
            rng: AtomicU64::new(0x9e37_79b9_7f4a_7c15),
            answered: AtomicU64::new(0),
            throttled: AtomicU64::new(0),
            attempts: Mutex::default(),
        }))
    }

    fn random_throttle(&self) -> bool {
        // xorshift64: deterministic, good enough to spread throttles.
        let mut x = self.0.rng.load(Ordering::SeqCst);
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0.rng.store(x, Ordering::SeqCst);
        x.is_multiple_of(self.0.random_one_in)
    }

    fn take_token(&self) -> bool {
        let mut bucket = self.0.bucket.lock().unwrap();
        let now = tokio::time::Instant::now();
        let (tokens, last) = *bucket;
        let tokens = (tokens + now.duration_since(last).as_secs_f64() * self.0.refill).min(self.0.capacity);
        let (tokens, ok) = if tokens >= 1.0 {
            (tokens - 1.0, true)
        } else {
            (tokens, false)
        };
        *bucket = (tokens, now);
        ok
    }
}

impl HttpConnector for ThrottlingEc2 {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let header = |name: &str| request.headers().get(name).unwrap_or_default().to_owned();
        let attempt: u32 = header("amz-sdk-request")
            .split(';')
            .find_map(|part| part.trim().strip_prefix("attempt=").and_then(|n| n.parse().ok()))
            .expect("the SDK numbers its attempts");
        let id = header("amz-sdk-invocation-id");
        {
            let mut attempts = self.0.attempts.lock().unwrap();
            let seen = attempts.entry(id).or_default();
            *seen = (*seen).max(attempt);
        }
        let throttled = self.random_throttle() || !self.take_token();
        let response = if throttled {
            self.0.throttled.fetch_add(1, Ordering::SeqCst);
            HttpResponse::new(
                503.try_into().unwrap(),
                SdkBody::from(
                    "<Response><Errors><Error><Code>RequestLimitExceeded</Code><Message>Request limit \
                     exceeded.</Message></Error></Errors><RequestID>r</RequestID></Response>",
                ),
            )
        } else {
            self.0.answered.fetch_add(1, Ordering::SeqCst);
            HttpResponse::new(
                200.try_into().unwrap(),
                SdkBody::from(
                    "<DescribeVpcsResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\">\
                     <requestId>r</requestId><vpcSet/></DescribeVpcsResponse>",
                ),
            )
        };
        HttpConnectorFuture::new(async move {
            // A round trip.
            tokio::time::sleep(Duration::from_millis(5)).await;
            Ok(response)
        })
    }
}

impl HttpClient for ThrottlingEc2 {
    fn http_connector(&self, _: &HttpConnectorSettings, _: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

fn aws_with(fake: &ThrottlingEc2) -> Aws {
    use aws_credential_types::Credentials;
    use aws_credential_types::provider::SharedCredentialsProvider;
    let sdk = aws_types::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new("eu-west-1"))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "a", "b", None, None, "test",
        )))
        .retry_config(retry_config())
        .build();
    let options = AwsOptions {
        region: "eu-west-1".into(),
        ..Default::default()
    };
    Aws::from_sdk_config(sdk, &options, SharedHttpClient::new(fake.clone()))
}

/// Sends `requests` DescribeVpcs, `concurrency` at a time, through the tool's own client.
fn run(fake: &ThrottlingEc2, requests: usize, concurrency: usize) -> (usize, Vec<String>) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let aws = aws_with(fake);
        let client: aws_sdk_ec2::Client = aws.client("eu-west-1");
        let calls = (0..requests).map(|_| {
            let client = client.clone();
            async move { client.describe_vpcs().send().await }
        });
        let results: Vec<_> = futures::stream::iter(calls)
            .buffer_unordered(concurrency)
            .collect()
            .await;
        let errors: Vec<String> = results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .map(|e| crate::aws::config::error_chain(e))
            .collect();
        (results.len() - errors.len(), errors)
    })
}

#[test]
fn every_request_gets_through_rate_and_random_throttling_within_the_documented_attempts() {
    // A bucket of 20 refilled at 200 a second, one request in five throttled at random, and 32
    // requests in flight: far more than the bucket allows.
    let fake = ThrottlingEc2::new(20.0, 200.0, 5);
    let started = std::time::Instant::now();
    let (ok, errors) = run(&fake, 600, 32);
    let elapsed = started.elapsed().as_secs_f64();
    assert!(errors.is_empty(), "failed requests: {errors:?}");
    assert_eq!(ok, 600);
    assert_eq!(fake.0.answered.load(Ordering::SeqCst), 600);
    let attempts = fake.0.attempts.lock().unwrap();
    assert_eq!(attempts.len(), 600, "one invocation id per request");
    let most = attempts.values().copied().max().unwrap();
    assert!(most <= MAX_ATTEMPTS, "a request took {most} attempts");
    // Converged near the allowed rate: 600 answers at 200 a second take 3 s at best; the random
    // fifth costs retries, not time, once paced.
    let throttled = fake.0.throttled.load(Ordering::SeqCst);
    assert!(
        throttled < 600,
        "{throttled} throttled attempts for 600 answers: the pacer did not settle"
    );
    assert!(elapsed < 15.0, "took {elapsed:.1} s for what the rate allows in 3 s");
}

#[test]
fn random_throttling_alone_is_retried_without_pacing() {
    // No rate limit, one request in five throttled: everything gets through, and fast.
    let fake = ThrottlingEc2::new(1e9, 1e9, 5);
    let started = std::time::Instant::now();
    let (ok, errors) = run(&fake, 400, 16);
    assert!(errors.is_empty(), "failed requests: {errors:?}");
    assert_eq!(ok, 400);
    let most = fake.0.attempts.lock().unwrap().values().copied().max().unwrap();
    assert!(most <= MAX_ATTEMPTS, "a request took {most} attempts");
    // Unpaced, 16 in flight at 5 ms: 400 requests take well under a second even with retries,
    // on a busy machine a few; the SDK's adaptive mode, paced down to a few a second, a minute.
    let elapsed = started.elapsed().as_secs_f64();
    assert!(
        elapsed < 15.0,
        "took {elapsed:.1} s: random throttling slowed the client down"
    );
}

/// Feeds one pacer the outcomes of a simulated client sending as fast as it is let through a
/// token bucket, in simulated time; returns the pacer's mean rate over the second half (`None`
/// if it was unpaced at the end) and the share of attempts throttled in that half.
fn simulate(limit: f64, random_one_in: u64, seconds: f64) -> (Option<f64>, f64) {
    let mut state = PaceState::default();
    let (mut tokens, capacity) = (limit * 5.0, limit * 5.0);
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    let (mut now, mut last) = (0.0_f64, 0.0_f64);
    let (mut sent, mut throttled_late, mut rate_sum) = (0u64, 0u64, 0.0);
    // 400 attempts a second offered (16 in flight at 40 ms).
    while now < seconds {
        now += state.reserve(now).max(1.0 / 400.0);
        tokens = (tokens + (now - last) * limit).min(capacity);
        last = now;
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let random = random_one_in > 0 && rng.is_multiple_of(random_one_in);
        let throttled = random || tokens < 1.0;
        if !throttled {
            tokens -= 1.0;
        }
        if now > seconds / 2.0 {
            sent += 1;
            throttled_late += u64::from(throttled);
            rate_sum += state.rate.unwrap_or(f64::INFINITY);
        }
        state.record(now, throttled);
    }
    (
        state.rate.map(|_| rate_sum / sent as f64),
        throttled_late as f64 / sent as f64,
    )
}

#[test]
fn a_rate_limit_paces_the_client_near_the_allowed_rate() {
    for limit in [5.0, 20.0, 100.0] {
        let (rate, late_throttled) = simulate(limit, 0, 60.0);
        let rate = rate.expect("a rate limit turns pacing on");
        assert!(
            rate >= limit * 0.8 && rate <= limit * 1.6,
            "limit {limit}: paced at {rate:.1}"
        );
        assert!(
            late_throttled < CUT_FRACTION,
            "limit {limit}: {late_throttled:.2} of attempts throttled"
        );
    }
}

#[test]
fn random_throttling_on_top_of_a_rate_limit_neither_collapses_nor_runs_away() {
    for limit in [5.0, 20.0, 100.0] {
        let (rate, _) = simulate(limit, 5, 60.0);
        let rate = rate.expect("a rate limit turns pacing on");
        assert!(
            rate >= limit * 0.6 && rate <= limit * 1.7,
            "limit {limit}: paced at {rate:.1}"
        );
    }
}

#[test]
fn random_throttling_never_turns_pacing_on() {
    let (rate, _) = simulate(1e9, 5, 60.0);
    assert_eq!(rate, None);
}

#[test]
fn a_sparse_stream_never_paces_on_a_few_throttled_answers() {
    // Three requests every five seconds, two of them throttled: too few answers to tell a rate
    // limit, and their rate is the stream's demand, not a limit.
    let mut state = PaceState::default();
    for round in 0..20 {
        let start = f64::from(round) * 5.0;
        state.record(start, true);
        state.record(start + 0.1, true);
        state.record(start + 0.2, false);
        assert_eq!(state.reserve(start + 0.3), 0.0);
    }
    assert_eq!(state.rate, None);
}
