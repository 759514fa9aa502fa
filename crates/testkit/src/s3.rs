//! A real S3-compatible server for tests: moto's (`pip install 'moto[server]'`), started
//! once per test binary on a free port, and gone when the binary ends (it reads its stdin
//! until the pipe from us closes). Without it, tests say they are skipped.

use std::io::BufRead;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};

/// Starts moto on a port the system picks, says which, and serves until stdin closes.
const SERVE: &str = r#"
import sys
from moto.server import ThreadedMotoServer
server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
server.start()
print(server.get_host_and_port()[1], flush=True)
sys.stdin.read()
"#;

pub struct S3Server {
    /// `http://127.0.0.1:PORT`
    pub endpoint: String,
    // Held, never used: its stdin pipe keeps the server alive.
    _server: Child,
}

/// The shared server, or why there is none (for the test to print as its reason to skip).
pub fn s3() -> Result<&'static S3Server, String> {
    static SERVER: OnceLock<Result<S3Server, String>> = OnceLock::new();
    SERVER.get_or_init(S3Server::start).as_ref().map_err(Clone::clone)
}

impl S3Server {
    fn start() -> Result<S3Server, String> {
        // moto logs every request; a file takes it without ever blocking the server.
        let log_path = std::env::temp_dir().join(format!("proofline-moto-{}.log", std::process::id()));
        let log = std::fs::File::create(&log_path).map_err(|e| format!("{}: {e}", log_path.display()))?;
        let mut server = Command::new("python3")
            .args(["-c", SERVE])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("no python3 to run moto's S3 server: {e}"))?;
        let mut port = String::new();
        let mut said = std::io::BufReader::new(server.stdout.take().expect("piped"));
        let _ = said.read_line(&mut port);
        let port = port.trim().parse::<u16>().map_err(|_| {
            let _ = server.wait();
            let log = std::fs::read_to_string(&log_path).unwrap_or_default();
            let last = log.lines().last().unwrap_or("it exited").to_string();
            format!("moto's S3 server did not start ({last}); pip install 'moto[server]'")
        });
        // The server keeps writing to the file it holds open; no name is left behind.
        let _ = std::fs::remove_file(&log_path);
        let port = port?;
        Ok(S3Server { endpoint: format!("http://127.0.0.1:{port}"), _server: server })
    }

    /// The variables an operator would set to reach this server.
    pub fn settings(&self) -> Vec<(String, String)> {
        [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_REGION", "us-east-1"),
            ("AWS_ENDPOINT_URL", self.endpoint.as_str()),
            ("AWS_ALLOW_HTTP", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    /// A new empty bucket, named uniquely within this run.
    pub async fn bucket(&self) -> String {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!("proofline-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed));
        let response = crate::http_client().put(format!("{}/{name}", self.endpoint)).send().await;
        let status = response.expect("moto answers").status();
        assert!(status.is_success(), "creating bucket {name}: {status}");
        name
    }
}
