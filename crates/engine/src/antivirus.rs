//! An optional virus scan of uploaded files by an outside command such as ClamAV's
//! `clamdscan --no-summary -`. It fails closed: a scanner that cannot be started, crashes
//! or does not answer in time is an error, and the caller refuses the upload.

use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

/// A scanner command that reads the file on standard input and answers by exit code:
/// 0 clean, 1 infected (ClamAV's convention), anything else a failure.
#[derive(Debug, Clone)]
pub struct Antivirus {
    command: Vec<String>,
    timeout: Duration,
}

/// What the scanner said about a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScanVerdict {
    Clean,
    /// The name the scanner gave the threat, e.g. `Eicar-Test-Signature`.
    Infected(String),
}

impl Antivirus {
    /// A scanner run as `command[0]` with the rest as its arguments, given `timeout` to answer.
    pub fn new(command: Vec<String>, timeout: Duration) -> Result<Antivirus, String> {
        if command.first().is_none_or(|program| program.trim().is_empty()) {
            return Err("the virus scanner command is empty".into());
        }
        Ok(Antivirus { command, timeout })
    }

    /// A scanner from a command line split on whitespace (no quoting: put a command that
    /// needs it in a script).
    pub fn from_command_line(line: &str, timeout: Duration) -> Result<Antivirus, String> {
        Antivirus::new(line.split_whitespace().map(str::to_string).collect(), timeout)
    }

    /// Sends `bytes` to the scanner and reads its verdict. On timeout the scanner is killed.
    pub async fn scan(&self, bytes: &[u8]) -> Result<ScanVerdict, String> {
        let program = &self.command[0];
        let mut child = Command::new(program)
            .args(&self.command[1..])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Dropping the child on timeout kills it rather than leaving it running.
            .kill_on_drop(true)
            .spawn()
            .map_err(|e| format!("the virus scanner {program:?} could not be started: {e}"))?;
        let mut stdin = child.stdin.take().ok_or("the virus scanner's input could not be opened")?;
        // Writing and reading at once: a scanner that answers before reading all of a large
        // file must not leave both sides waiting on full pipes.
        let write = async move {
            let written = stdin.write_all(bytes).await;
            drop(stdin);
            written
        };
        let run = async { tokio::join!(write, child.wait_with_output()) };
        let (written, output) = tokio::time::timeout(self.timeout, run)
            .await
            .map_err(|_| format!("the virus scanner did not answer within {:?}", self.timeout))?;
        let output = output.map_err(|e| format!("the virus scanner {program:?} failed: {e}"))?;
        let stdout = String::from_utf8_lossy(&output.stdout);
        match output.status.code() {
            Some(0) if written.is_err() => Err("the virus scanner stopped reading the file before its end".into()),
            Some(0) => Ok(ScanVerdict::Clean),
            Some(1) => Ok(ScanVerdict::Infected(threat_name(&stdout))),
            code => {
                let stderr = String::from_utf8_lossy(&output.stderr);
                let detail = stderr.lines().chain(stdout.lines()).find(|line| !line.trim().is_empty()).unwrap_or("");
                let how = code.map_or("was stopped by a signal".to_string(), |code| format!("exited with {code}"));
                Err(format!("the virus scanner {how}: {}", detail.trim()).trim_end_matches([':', ' ']).to_string())
            }
        }
    }
}

/// The first line of the scanner's report, without ClamAV's `stdin: ` and ` FOUND`.
fn threat_name(stdout: &str) -> String {
    let line = stdout.lines().map(str::trim).find(|line| !line.is_empty()).unwrap_or("");
    let name = line.strip_prefix("stdin:").unwrap_or(line).trim();
    let name = name.strip_suffix("FOUND").unwrap_or(name).trim();
    if name.is_empty() { "an unnamed threat".to_string() } else { name.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    /// A scanner script, run through `/bin/sh` rather than executed, which avoids
    /// "text file busy" when a test thread forks while another still holds a script open.
    fn scanner(dir: &tempfile::TempDir, name: &str, body: &str, timeout: Duration) -> Antivirus {
        let path = dir.path().join(name);
        std::fs::write(&path, body).unwrap();
        Antivirus::new(vec!["/bin/sh".into(), path.display().to_string()], timeout).unwrap()
    }

    #[tokio::test]
    async fn exit_zero_is_clean_even_for_a_large_file() {
        let dir = tempfile::tempdir().unwrap();
        let av = scanner(&dir, "clean.sh", "cat >/dev/null\nexit 0\n", Duration::from_secs(20));
        assert_eq!(av.scan(&vec![7u8; 5 << 20]).await.unwrap(), ScanVerdict::Clean);
    }

    #[tokio::test]
    async fn exit_one_is_infected_with_clamavs_name() {
        let dir = tempfile::tempdir().unwrap();
        let body = "cat >/dev/null\necho 'stdin: Eicar-Test-Signature FOUND'\nexit 1\n";
        let av = scanner(&dir, "infected.sh", body, Duration::from_secs(20));
        assert_eq!(av.scan(b"X5O!P%@AP").await.unwrap(), ScanVerdict::Infected("Eicar-Test-Signature".into()));
        assert_eq!(threat_name("\n"), "an unnamed threat");
    }

    #[tokio::test]
    async fn other_exit_codes_fail_closed_with_the_scanners_words() {
        let dir = tempfile::tempdir().unwrap();
        let body = "cat >/dev/null\necho 'ERROR: Could not connect to clamd' >&2\nexit 2\n";
        let av = scanner(&dir, "broken.sh", body, Duration::from_secs(20));
        let err = av.scan(b"file").await.unwrap_err();
        assert!(err.contains("exited with 2") && err.contains("Could not connect to clamd"), "{err}");
    }

    #[tokio::test]
    async fn a_clean_answer_without_reading_the_whole_file_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let av = scanner(&dir, "lazy.sh", "exit 0\n", Duration::from_secs(20));
        let err = av.scan(&vec![0u8; 4 << 20]).await.unwrap_err();
        assert!(err.contains("stopped reading"), "{err}");
    }

    #[tokio::test]
    async fn a_scanner_that_hangs_is_killed_at_the_timeout() {
        let dir = tempfile::tempdir().unwrap();
        // `exec` so that the process killed is the sleeping one, not a shell above it.
        let av = scanner(&dir, "hang.sh", "cat >/dev/null\nexec sleep 30\n", Duration::from_millis(300));
        let started = Instant::now();
        let err = av.scan(b"file").await.unwrap_err();
        assert!(err.contains("did not answer within"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_missing_scanner_is_an_error_not_a_pass() {
        let av = Antivirus::from_command_line("/nonexistent/clamdscan --no-summary -", Duration::from_secs(5)).unwrap();
        let err = av.scan(b"file").await.unwrap_err();
        assert!(err.contains("could not be started") && err.contains("/nonexistent/clamdscan"), "{err}");
        assert!(Antivirus::from_command_line("   ", Duration::from_secs(5)).is_err());
    }
}
