//! Tests of the test proxy against the emulator: it denies and delays as asked. Its parsing is
//! unit-tested in `src/testkit/proxy.rs`.

use std::time::{Duration, Instant};

use aws_sdk_ec2 as ec2;
use aws_sdk_resourcegroupstagging as tagging;
use aws_sdk_s3 as s3;
use aws_types::region::Region;

use crate::moto;
use acctsplit::testkit::proxy::*;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn denied_region_gets_each_protocols_access_denied_and_others_pass_through() {
    let Some(moto) = moto::start() else { return };
    let proxy = start(
        moto.port,
        ProxyOptions {
            deny_region: Some("eu-west-1".into()),
            ..ProxyOptions::default()
        },
    );
    runtime().block_on(async {
        let cfg = moto::sdk_config_for(&proxy.endpoint()).await;
        let regional = |region: &'static str| {
            (
                ec2::Client::from_conf(ec2::config::Builder::from(&cfg).region(Region::new(region)).build()),
                tagging::Client::from_conf(tagging::config::Builder::from(&cfg).region(Region::new(region)).build()),
                s3::Client::from_conf(
                    s3::config::Builder::from(&cfg)
                        .region(Region::new(region))
                        .force_path_style(true)
                        .build(),
                ),
            )
        };
        let (ec2_ok, tagging_ok, s3_ok) = regional("us-east-1");
        let vpcs = ec2_ok.describe_vpcs().send().await.unwrap();
        assert!(!vpcs.vpcs().is_empty(), "moto's default VPC comes through the proxy");
        tagging_ok.get_resources().send().await.unwrap();
        s3_ok.create_bucket().bucket("through-the-proxy").send().await.unwrap();
        let listed = s3_ok.list_buckets().send().await.unwrap();
        assert_eq!(listed.buckets().len(), 1);

        let (ec2_no, tagging_no, s3_no) = regional("eu-west-1");
        let err = ec2_no.describe_vpcs().send().await.unwrap_err();
        let err = err.as_service_error().expect("a modelled EC2 error");
        assert_eq!(
            aws_smithy_types::error::metadata::ProvideErrorMetadata::code(err),
            Some("UnauthorizedOperation")
        );
        let err = tagging_no.get_resources().send().await.unwrap_err();
        let err = err.as_service_error().expect("a modelled Tagging API error");
        assert_eq!(
            aws_smithy_types::error::metadata::ProvideErrorMetadata::code(err),
            Some("AccessDeniedException")
        );
        let err = s3_no
            .get_bucket_policy()
            .bucket("through-the-proxy")
            .send()
            .await
            .unwrap_err();
        let err = err.as_service_error().expect("a modelled S3 error");
        assert_eq!(
            aws_smithy_types::error::metadata::ProvideErrorMetadata::code(err),
            Some("AccessDenied")
        );
    });
    assert_eq!(proxy.requests_for("ec2", "us-east-1"), 1);
    assert_eq!(proxy.requests_for("tagging", "us-east-1"), 1);
    assert_eq!(proxy.requests_for("s3", "us-east-1"), 2);
    // Access denied is not retried, so each denied call is one request.
    assert_eq!(proxy.requests_for("ec2", "eu-west-1"), 1);
    assert_eq!(proxy.requests_for("tagging", "eu-west-1"), 1);
    assert_eq!(proxy.requests_for("s3", "eu-west-1"), 1);
    assert_eq!(proxy.total_requests(), 7);
}

#[test]
fn latency_is_added_to_every_request_and_the_proxy_stops_on_drop() {
    let Some(moto) = moto::start() else { return };
    let latency = Duration::from_millis(50);
    let proxy = start(
        moto.port,
        ProxyOptions {
            latency,
            ..ProxyOptions::default()
        },
    );
    let port = proxy.port;
    let begin = Instant::now();
    for _ in 0..3 {
        let (status, body) = moto::http_request(port, "GET", "/moto-api/data.json", "").unwrap();
        assert_eq!(status, 200, "{body}");
    }
    assert!(begin.elapsed() >= latency * 3, "3 requests took {:?}", begin.elapsed());
    assert_eq!(proxy.requests_for("unsigned", "none"), 3);
    drop(proxy);
    assert!(
        moto::http_request(port, "GET", "/moto-api/data.json", "").is_err(),
        "the proxy still answers on {port} after drop"
    );
}

#[test]
fn an_upstream_that_does_not_answer_in_time_gets_502_and_is_counted() {
    // An "emulator" that takes every connection and never answers.
    let silent = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
    let upstream_port = silent.local_addr().unwrap().port();
    let holder = std::thread::spawn(move || silent.accept().map(|(stream, _)| stream));
    let proxy = start(
        upstream_port,
        ProxyOptions {
            upstream_timeout: Some(Duration::from_millis(300)),
            ..ProxyOptions::default()
        },
    );
    let begin = Instant::now();
    let (status, body) = moto::http_request(proxy.port, "GET", "/moto-api/data.json", "").unwrap();
    assert_eq!(status, 502, "{body}");
    assert!(
        body.contains(&format!("upstream 127.0.0.1:{upstream_port} failed")),
        "{body}"
    );
    assert!(
        begin.elapsed() >= Duration::from_millis(300),
        "gave up after {:?}, before the timeout",
        begin.elapsed()
    );
    assert_eq!(proxy.upstream_failures(), 1);
    let (status, stats) = moto::http_request(proxy.port, "GET", STATS_PATH, "").unwrap();
    assert_eq!(status, 200, "{stats}");
    let stats: serde_json::Value = serde_json::from_str(&stats).unwrap();
    assert_eq!(stats["upstream_failures"], 1, "{stats}");
    assert_eq!(stats["requests"], 1, "the statistics request is not counted: {stats}");
    drop(holder.join().unwrap().unwrap());
}
