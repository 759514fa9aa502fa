//! Local receivers for the outbox benchmark: an SMTP server that accepts every message,
//! an HTTP receiver that answers 204 at once, and one that accepts connections and never
//! answers (a dead endpoint).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Counts what a receiver accepted.
#[derive(Clone, Default)]
pub struct Received(Arc<AtomicU64>);

impl Received {
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }

    fn add(&self) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// As real servers do: without it, Nagle's algorithm meets the client's delayed ACK and
/// every reply waits ~40 ms, which would measure the sink, not Proofline.
fn no_delay(stream: &TcpStream) {
    let _ = stream.set_nodelay(true);
}

async fn listen() -> anyhow::Result<(TcpListener, u16)> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    Ok((listener, port))
}

/// Serves every connection with `session`, counting into `received`; returns the port.
async fn serve<F, Fut>(received: Received, session: F) -> anyhow::Result<u16>
where
    F: Fn(TcpStream, Received) -> Fut + Send + 'static,
    Fut: std::future::Future<Output = std::io::Result<()>> + Send + 'static,
{
    let (listener, port) = listen().await?;
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            no_delay(&stream);
            tokio::spawn(session(stream, received.clone()));
        }
    });
    Ok(port)
}

/// A minimal SMTP server (no TLS, no auth) that accepts every message; returns its port.
pub async fn smtp_sink(received: Received) -> anyhow::Result<u16> {
    serve(received, smtp_session).await
}

async fn smtp_session(stream: TcpStream, received: Received) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 bench ESMTP\r\n").await?;
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
        let reply: &[u8] = match verb.as_str() {
            "EHLO" => b"250-bench\r\n250 8BITMIME\r\n",
            "HELO" | "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 ok\r\n",
            "DATA" => {
                write.write_all(b"354 go on\r\n").await?;
                loop {
                    line.clear();
                    if lines.read_line(&mut line).await? == 0 {
                        return Ok(());
                    }
                    if line == ".\r\n" {
                        break;
                    }
                }
                received.add();
                b"250 queued\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            }
            _ => b"502 not here\r\n",
        };
        write.write_all(reply).await?;
    }
}

/// An HTTP/1.1 receiver answering every request with 204; keeps connections alive.
pub async fn http_sink(received: Received) -> anyhow::Result<u16> {
    serve(received, http_session).await
}

async fn http_session(stream: TcpStream, received: Received) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    let mut line = String::new();
    loop {
        let mut length = 0usize;
        loop {
            line.clear();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).await?;
        received.add();
        write.write_all(b"HTTP/1.1 204 No Content\r\n\r\n").await?;
    }
}

/// Accepts connections and never answers.
pub async fn dead_sink() -> anyhow::Result<u16> {
    let (listener, port) = listen().await?;
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    Ok(port)
}
