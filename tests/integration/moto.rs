//! The moto emulator harness: starts `moto_server` on a free 127.0.0.1 port for one test and
//! stops it (by its own PID) when the test ends. When the emulator is missing the test is
//! skipped with a message, except under `CI=true`, where a missing emulator fails the run.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub struct Moto {
    child: Child,
    pub port: u16,
}

fn moto_binary() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("ACCTSPLIT_MOTO_SERVER") {
        return Some(PathBuf::from(path));
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    local.exists().then_some(local)
}

/// Starts a fresh emulator, or returns `None` (outside CI) when it is not installed.
pub fn start() -> Option<Moto> {
    let Some(binary) = moto_binary() else {
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("moto_server not found: run scripts/test.sh, which installs it into .venv");
        }
        eprintln!("SKIPPED: moto_server not found; run scripts/test.sh to install it");
        return None;
    };
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(&binary)
        .args(["-H", "127.0.0.1", "-p", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", binary.display()));
    let mut moto = Moto { child, port };
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if moto.try_request("GET", "/moto-api/data.json", "").is_ok() {
            return Some(moto);
        }
        if let Ok(Some(status)) = moto.child.try_wait() {
            panic!("moto_server exited early: {status}");
        }
        assert!(
            Instant::now() < deadline,
            "moto_server did not answer on port {port} within 60 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

impl Moto {
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Sends a raw HTTP/1.1 request to the emulator's own API; returns (status, body).
    pub fn try_request(&self, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
        http_request(self.port, method, path, body)
    }

    pub fn request(&self, method: &str, path: &str, body: &str) -> String {
        let (status, text) = self.try_request(method, path, body).expect("moto answers");
        assert!((200..300).contains(&status), "{method} {path} -> {status}: {text}");
        text
    }

    /// Makes generated ids reproducible; call on a fresh server.
    pub fn seed_ids(&self, seed: u32) {
        self.request("POST", &format!("/moto-api/seed?a={seed}"), "");
    }

    /// Environment for a child process that talks to this emulator with dummy credentials.
    pub fn env(&self) -> Vec<(String, String)> {
        self.env_via(&self.endpoint())
    }

    /// The same, sending every call to `endpoint` instead (a proxy in front of this emulator).
    pub fn env_via(&self, endpoint: &str) -> Vec<(String, String)> {
        vec![
            ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
            ("AWS_ENDPOINT_URL".into(), endpoint.to_owned()),
            ("AWS_REGION".into(), "us-east-1".into()),
            ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
        ]
    }

    /// An SDK config pointing at this emulator, for seeding.
    pub async fn sdk_config(&self) -> aws_config::SdkConfig {
        sdk_config_for(&self.endpoint()).await
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub async fn sdk_config_for(endpoint: &str) -> aws_config::SdkConfig {
    let creds = aws_credential_types::Credentials::new("testing", "testing", None, None, "tests");
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_types::region::Region::new("us-east-1"))
        .credentials_provider(creds)
        .endpoint_url(endpoint)
        .load()
        .await
}

pub fn http_request(port: u16, method: &str, path: &str, body: &str) -> std::io::Result<(u16, String)> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// Path of the binary under test.
pub fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_acctsplit")
}

/// Runs the binary with a clean environment: no AWS variables from the caller, plus `env`.
pub fn run_acctsplit(args: &[&str], env: &[(String, String)]) -> Output {
    let mut cmd = Command::new(binary());
    cmd.args(args);
    for (key, _) in std::env::vars() {
        if key.starts_with("AWS_") || key == "ACCTSPLIT_AUDIT_LOG" || key == "SOURCE_DATE_EPOCH" {
            cmd.env_remove(key);
        }
    }
    cmd.env("HOME", std::env::temp_dir());
    cmd.env("AWS_CONFIG_FILE", "/nonexistent/acctsplit-test-config");
    cmd.env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/acctsplit-test-credentials");
    cmd.env("AWS_EC2_METADATA_DISABLED", "true");
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.output().expect("the binary runs")
}

/// stderr as text, for assertion messages.
pub fn stderr_of(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// True for a coverage row that an emulator scan skips because moto serves no such API at all
/// (IAM Access Analyzer: `ApiError::not_served`): nothing was sent, and AWS never gives it.
pub fn not_served_by_the_emulator(row: &serde_json::Value) -> bool {
    row["status"] == "skipped"
        && row["requests"] == 0
        && row["detail"]
            .as_str()
            .is_some_and(|d| d.ends_with(": not served by the emulator"))
}

/// Asserts that every `service\toperation` line of an audit log is a read-only call the
/// published IAM policy covers.
pub fn assert_read_only_and_in_policy(operations: &[String]) {
    for line in operations {
        let (service, operation) = line.split_once('\t').unwrap();
        assert!(
            acctsplit::aws::policy::is_read_only_operation(operation),
            "{line} is not a List/Describe/Get call"
        );
        assert!(
            acctsplit::aws::policy::find(service, operation).is_some(),
            "{line} is missing from the IAM policy"
        );
    }
}
