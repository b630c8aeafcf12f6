//! Command-line contract tests that need no emulator.

use crate::moto::{run_acctsplit, stderr_of};

#[test]
fn iam_policy_matches_the_committed_copy() {
    let output = run_acctsplit(&["iam-policy"], &[]);
    assert!(output.status.success(), "{}", stderr_of(&output));
    let committed = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/iam-policy.json")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);
}

#[test]
fn unknown_subcommand_exits_2() {
    let output = run_acctsplit(&["frobnicate"], &[]);
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn moto_harness_starts_a_server_and_stops_it_on_drop() {
    let Some(moto) = crate::moto::start() else { return };
    let port = moto.port;
    let (status, _) = moto.try_request("GET", "/moto-api/data.json", "").unwrap();
    assert_eq!(status, 200);
    assert_eq!(
        moto.env().iter().find(|(k, _)| k == "AWS_ENDPOINT_URL").unwrap().1,
        moto.endpoint()
    );
    drop(moto);
    assert!(
        crate::moto::http_request(port, "GET", "/", "").is_err(),
        "moto still answers on {port} after drop"
    );
}
