//! The retry and rate policy of every client, per (service, region): see docs/throttling.md.
//!
//! - **Retries** are the SDK's standard mode ([`retry_config`]): up to [`MAX_ATTEMPTS`] attempts,
//!   exponential backoff with full jitter from [`INITIAL_BACKOFF`] up to [`MAX_BACKOFF`], and no
//!   retry quota (each (service, region) partition gets an unlimited token bucket), so a burst of
//!   random throttling is retried, not given up. The SDK's adaptive mode is not used: after one
//!   throttling error it paces the whole client down hard and stays slow.
//! - **Pacing** is ours ([`Pacer`]): a client sends freely until, in two observation windows in
//!   a row, more than half of its answers are throttling errors. That is not bad luck but a rate
//!   limit, so it then sends at the rate that got through (the successes of that window), cuts
//!   the rate the same way when more than 35% of two windows in a row is throttled, and grows it
//!   by 5% after every window with at most a fifth throttled. Random throttling of a fifth of the
//!   requests never paces a client down, nor do a few throttled answers of a sparse stream.
//!
//! The scan's bounded concurrency is shared by all streams, so a paced stream must not hold every
//! slot: the S3 collector interleaves its buckets by region for that reason.
//!
//! The pacer sits in the client's HTTP connector ([`PacedHttpClient`]), so every attempt, retries
//! included, waits for its slot; an interceptor ([`ThrottleObserver`]) feeds it each attempt's
//! outcome, classified by the SDK's own retry classifiers. One client per (service, region)
//! (`aws::config`) means one pacer per (service, region): throttling in one stream never slows
//! another.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_smithy_runtime::client::retries::TokenBucket;
use aws_smithy_runtime::client::retries::classifiers::run_classifiers_on_ctx;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::FinalizerInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::retries::classifiers::{RetryAction, RetryReason};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::ErrorKind;

/// Attempts per request, the first included. A request still failing after them (throttled
/// every time, or a server error every time) is given up: its error becomes the failed coverage
/// row of its (service, region), with what was read before it.
pub const MAX_ATTEMPTS: u32 = 10;
/// Backoff before the first retry is a random time up to this; it doubles with every attempt.
pub const INITIAL_BACKOFF: Duration = Duration::from_millis(100);
/// Upper bound of one backoff.
pub const MAX_BACKOFF: Duration = Duration::from_secs(5);

/// The SDK retry configuration every client shares (the partitions are per client).
pub fn retry_config() -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(MAX_ATTEMPTS)
        .with_initial_backoff(INITIAL_BACKOFF)
        .with_max_backoff(MAX_BACKOFF)
}

/// The retry partition of one (service, region): its own name, and no retry quota (the SDK's
/// default quota of 500 tokens runs out after about 100 throttled retries in a row and then
/// fails requests that one more retry would have got through; the pacer limits the load instead).
pub fn retry_partition(name: String) -> aws_smithy_runtime::client::retries::RetryPartition {
    aws_smithy_runtime::client::retries::RetryPartition::custom(name)
        .token_bucket(TokenBucket::unlimited())
        .build()
}

/// Shortest observation window, in seconds.
pub const WINDOW_SECONDS: f64 = 0.5;
/// Answers a window needs before it decides anything, so that random throttling does not look
/// like a rate limit by chance...
const MIN_SAMPLES: u32 = 20;
/// ...unless the window is this long (seconds): a slow stream decides with fewer.
const LONGEST_WINDOW_SECONDS: f64 = 5.0;
/// Share of throttled answers, in one window and in it and the one before together, that turns
/// pacing on, at the rate that got through in that window. Random throttling of a fifth of the
/// requests stays far below it; sending twice the allowed rate reaches it.
pub const PACE_FRACTION: f64 = 0.5;
/// Share of throttled answers, in one window and in it and the one before together, that cuts
/// a paced rate to the rate that got through in those two windows.
pub const CUT_FRACTION: f64 = 0.35;
/// A paced rate grows after a window with at most this share of throttled answers, and holds
/// between this and [`CUT_FRACTION`]: a rate limit then keeps the rate between the allowed rate
/// and 1 / (1 - 0.35), about 1.5 times it (a fifth to a third of the attempts throttled and
/// retried, the allowed rate of them answered), with random throttling on top or not.
pub const GROW_FRACTION: f64 = 0.2;
/// Growth of the paced rate after a window with little throttling.
const GROWTH: f64 = 1.05;
/// The paced rate never goes below this (requests a second).
pub const MIN_RATE: f64 = 1.0;
/// A paced rate above this is no limit at all: pacing turns off.
const MAX_RATE: f64 = 10_000.0;

/// The state of one pacer; times are seconds from any fixed origin.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PaceState {
    /// Requests a second, or `None` while unpaced.
    pub rate: Option<f64>,
    next_slot: f64,
    window_start: f64,
    ok: u32,
    throttled: u32,
    /// The previous window, if it had enough answers to decide: (answered, throttled, seconds).
    previous: Option<(u32, u32, f64)>,
}

impl PaceState {
    /// Takes the next send slot at `now`; returns the seconds to wait for it.
    pub fn reserve(&mut self, now: f64) -> f64 {
        let Some(rate) = self.rate else { return 0.0 };
        let slot = self.next_slot.max(now);
        self.next_slot = slot + 1.0 / rate;
        slot - now
    }

    /// Records one attempt's outcome at `now`, and at the end of a window adjusts the rate.
    pub fn record(&mut self, now: f64, throttled: bool) {
        if throttled {
            self.throttled += 1;
        } else {
            self.ok += 1;
        }
        let span = now - self.window_start;
        let samples = self.ok + self.throttled;
        let full = span >= WINDOW_SECONDS && samples >= MIN_SAMPLES;
        if !full && span < LONGEST_WINDOW_SECONDS {
            return;
        }
        let (ok, throttled) = (self.ok, self.throttled);
        self.window_start = now;
        self.ok = 0;
        self.throttled = 0;
        if !full {
            // A sparse stream: too few answers to tell a rate limit from bad luck, and its
            // answers a second measure its demand, not a limit. It can only grow a paced rate.
            self.previous = None;
            if throttled == 0 {
                self.rate = self.rate.map(|r| r * GROWTH).filter(|r| *r < MAX_RATE);
            }
            return;
        }
        // Pacing starts, or a paced rate is cut, only when this window and the one before are
        // both over the line: twice the answers, so random throttling hardly ever looks like a
        // rate limit (and a burst the bucket allowed does not count as the rate).
        let fraction = f64::from(throttled) / f64::from(samples);
        let Some((ok_before, throttled_before, span_before)) = self.previous.replace((ok, throttled, span)) else {
            return;
        };
        let fraction_both = f64::from(throttled + throttled_before) / f64::from(samples + ok_before + throttled_before);
        let got_through = f64::from(ok) / span;
        let got_through_both = f64::from(ok + ok_before) / (span + span_before);
        self.rate = match self.rate {
            None if fraction > PACE_FRACTION && fraction_both > PACE_FRACTION => {
                self.next_slot = now;
                Some(got_through.max(MIN_RATE))
            }
            None => None,
            Some(rate) if fraction > CUT_FRACTION && fraction_both > CUT_FRACTION => {
                Some(got_through_both.min(rate).max(MIN_RATE))
            }
            Some(rate) if fraction <= GROW_FRACTION => Some(rate * GROWTH).filter(|r| *r < MAX_RATE),
            Some(rate) => Some(rate),
        };
    }
}

/// One (service, region)'s pacer, shared by its connector and its interceptor.
#[derive(Debug)]
pub struct Pacer {
    origin: tokio::time::Instant,
    state: Mutex<PaceState>,
}

impl Default for Pacer {
    fn default() -> Self {
        Pacer {
            origin: tokio::time::Instant::now(),
            state: Mutex::default(),
        }
    }
}

impl Pacer {
    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, PaceState> {
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// How long the next attempt must wait for its slot.
    pub fn reserve(&self) -> Duration {
        let now = self.now();
        Duration::from_secs_f64(self.state().reserve(now))
    }

    pub fn record(&self, throttled: bool) {
        let now = self.now();
        self.state().record(now, throttled);
    }

    /// The paced rate, `None` while unpaced.
    pub fn rate(&self) -> Option<f64> {
        self.state().rate
    }
}

/// An HTTP client whose every attempt first waits for its pacer's slot.
#[derive(Debug, Clone)]
pub struct PacedHttpClient {
    pub inner: SharedHttpClient,
    pub pacer: Arc<Pacer>,
}

impl HttpClient for PacedHttpClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            inner: self.inner.http_connector(settings, components),
            pacer: Arc::clone(&self.pacer),
        })
    }

    fn connector_metadata(&self) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct PacedConnector {
    inner: SharedHttpConnector,
    pacer: Arc<Pacer>,
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let delay = self.pacer.reserve();
        let inner = self.inner.clone();
        HttpConnectorFuture::new(async move {
            if !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            inner.call(request).await
        })
    }
}

/// Tells the pacer, after every attempt, whether it was throttled (as the SDK's retry
/// classifiers see it). Attempts that got no answer (a connection error) tell it nothing.
#[derive(Debug, Clone)]
pub struct ThrottleObserver(pub Arc<Pacer>);

impl Intercept for ThrottleObserver {
    fn name(&self) -> &'static str {
        "acctsplit-throttle-observer"
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        runtime_components: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let ctx = context.inner();
        if ctx.response().is_none() {
            return Ok(());
        }
        let action = run_classifiers_on_ctx(runtime_components.retry_classifiers(), ctx);
        let throttled = matches!(
            action,
            RetryAction::RetryIndicated(RetryReason::RetryableError {
                kind: ErrorKind::ThrottlingError,
                ..
            })
        );
        self.0.record(throttled);
        Ok(())
    }
}

/// The HTTP client the SDK would use by default, to be wrapped by each client's pacer.
pub fn default_http_client() -> SharedHttpClient {
    use aws_smithy_runtime_api::client::behavior_version::BehaviorVersion;
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponentsBuilder;
    use aws_smithy_runtime_api::client::runtime_plugin::RuntimePlugin;
    aws_smithy_runtime::client::defaults::default_http_client_plugin_v2(BehaviorVersion::latest())
        .and_then(|plugin| {
            plugin
                .runtime_components(&RuntimeComponentsBuilder::new("acctsplit"))
                .http_client()
        })
        .expect("the SDK's default HTTPS client is compiled in")
}

#[cfg(test)]
mod tests;
