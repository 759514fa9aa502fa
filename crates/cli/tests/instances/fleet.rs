//! Proofline instances as separate processes of the real binary, each with its own data
//! directory and log, all on one database; any of them can be killed with SIGKILL and
//! started again.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

pub struct Fleet {
    database_url: String,
    dir: tempfile::TempDir,
    instances: Vec<Child>,
    starts: usize,
    pub kills: usize,
}

impl Fleet {
    pub fn start(database_url: &str, count: usize) -> Fleet {
        let mut fleet = Fleet {
            database_url: database_url.to_string(),
            dir: tempfile::tempdir().expect("a temp dir"),
            instances: Vec::new(),
            starts: 0,
            kills: 0,
        };
        for _ in 0..count {
            let child = fleet.spawn();
            fleet.instances.push(child);
        }
        fleet
    }

    fn spawn(&mut self) -> Child {
        self.starts += 1;
        let log = self.dir.path().join(format!("instance-{}.log", self.starts));
        let log = std::fs::File::create(&log).expect("a log file");
        let data: PathBuf = self.dir.path().join(format!("data-{}", self.starts));
        Command::new(env!("CARGO_BIN_EXE_proofline"))
            .arg("serve")
            .env("DATABASE_URL", &self.database_url)
            .env("PROOFLINE_DATA_DIR", &data)
            .env("PROOFLINE_LISTEN", "127.0.0.1:0")
            .env("PROOFLINE_LOG", "warn,proofline=info")
            // A message an instance was sending when killed goes out again this soon,
            // rather than after the default five minutes.
            .env("PROOFLINE_DELIVERY_LEASE_SECS", "3")
            .env_remove("PROOFLINE_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(log.try_clone().expect("the log again"))
            .stderr(log)
            .spawn()
            .expect("the proofline binary starts")
    }

    /// SIGKILL to instance `i` (no chance to finish anything), then a fresh start.
    pub fn kill_and_restart(&mut self, i: usize) {
        let i = i % self.instances.len();
        let _ = self.instances[i].kill();
        let _ = self.instances[i].wait();
        self.kills += 1;
        self.instances[i] = self.spawn();
    }

    /// Every instance still running (none exited on its own, e.g. on a lost database).
    pub fn all_running(&mut self) -> bool {
        self.instances.iter_mut().all(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// The last lines the instances logged, for a failure message.
    pub fn logs(&self) -> String {
        let mut out = String::new();
        for n in 1..=self.starts {
            let path = self.dir.path().join(format!("instance-{n}.log"));
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let tail: Vec<&str> = text.lines().rev().take(8).collect();
            out.push_str(&format!("--- instance start {n}\n"));
            for line in tail.into_iter().rev() {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }
}

impl Drop for Fleet {
    fn drop(&mut self) {
        for child in &mut self.instances {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}
