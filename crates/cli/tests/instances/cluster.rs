//! PostgreSQL for the fault tests: a fresh database on the server CI provides, or a
//! private server in a temp directory that a test may crash and restart.

use proofline_store_postgres::{create_database, drop_database};
use std::path::{Path, PathBuf};
use std::process::Command;

/// A database the test owns, on a server it is given.
pub struct Database {
    pub url: String,
    server: String,
    name: String,
}

impl Database {
    /// A new database on the server at `server` (a URL whose path names any database).
    pub async fn create(server: &str) -> Database {
        let name = format!("proofline_fault_{:016x}", fastrand::u64(..));
        let url = create_database(server, &name).await.expect("the test server creates a database");
        Database { url, server: server.to_string(), name }
    }

    pub async fn drop_now(self) {
        drop_database(&self.server, &self.name).await.expect("the test database is dropped");
    }
}

/// A PostgreSQL server of the test's own, so it can be killed without touching anyone
/// else's. PostgreSQL refuses to run as root, so as root it runs as `postgres`.
pub struct PrivateServer {
    bin: PathBuf,
    dir: tempfile::TempDir,
    pub port: u16,
    as_root: bool,
}

impl PrivateServer {
    /// `None` (with the reason) when this machine has no PostgreSQL server binaries.
    pub fn start() -> Result<PrivateServer, String> {
        let bin = server_binaries().ok_or("no PostgreSQL server binaries (initdb, pg_ctl) found")?;
        let as_root = Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let port = free_port();
        let server = PrivateServer { bin, dir, port, as_root };
        if as_root {
            let owned = Command::new("chown").args(["-R", "postgres:postgres"]).arg(server.dir.path()).status();
            if !owned.is_ok_and(|s| s.success()) {
                return Err("cannot hand the data directory to the postgres user".into());
            }
        }
        let data = server.data();
        server.run("initdb", &["-D", &data, "-A", "trust", "-U", "postgres", "--no-sync"])?;
        server.start_again()?;
        Ok(server)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    pub fn start_again(&self) -> Result<(), String> {
        let options =
            format!("-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off", self.port, self.dir.path().display());
        let log = self.dir.path().join("server.log").display().to_string();
        self.run("pg_ctl", &["-D", &self.data(), "-o", &options, "-l", &log, "-w", "start"])
    }

    /// Stops the server the way a crash would: no checkpoint, clients cut off mid-statement.
    pub fn crash(&self) -> Result<(), String> {
        self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "-w", "stop"])
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let path = self.bin.join(program);
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&path);
            c
        } else {
            Command::new(&path)
        };
        let output = command.args(args).current_dir(self.dir.path()).output().map_err(|e| format!("{program}: {e}"))?;
        if output.status.success() {
            Ok(())
        } else {
            Err(format!("{program} failed: {}", String::from_utf8_lossy(&output.stderr)))
        }
    }
}

impl Drop for PrivateServer {
    fn drop(&mut self) {
        let _ = self.run("pg_ctl", &["-D", &self.data(), "-m", "immediate", "stop"]);
    }
}

fn server_binaries() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop().or_else(|| Some(Path::new("/usr/local/bin").to_path_buf()).filter(|b| b.join("initdb").exists()))
}

pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    listener.local_addr().expect("its address").port()
}
