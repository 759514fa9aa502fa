//! A webhook receiver: answers 204 to every POST and counts each `webhook-id` it saw, so
//! a test can tell a message received once from one received again after a retry.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

#[derive(Clone, Default)]
pub struct Sink {
    seen: Arc<Mutex<HashMap<String, u32>>>,
}

impl Sink {
    /// Starts receiving on a free local port; returns the URL to send to.
    pub async fn start(&self) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a local port");
        let port = listener.local_addr().expect("its address").port();
        let sink = self.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let _ = stream.set_nodelay(true);
                tokio::spawn(sink.clone().session(stream));
            }
        });
        format!("http://127.0.0.1:{port}/hook")
    }

    /// How many times each webhook id arrived.
    pub fn seen(&self) -> HashMap<String, u32> {
        self.seen.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    async fn session(self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut reader = BufReader::new(read);
        loop {
            let mut id = None;
            let mut length = 0usize;
            let mut line = String::new();
            if reader.read_line(&mut line).await? == 0 {
                return Ok(());
            }
            loop {
                line.clear();
                if reader.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                let header = line.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some((name, value)) = header.split_once(':') {
                    match name.trim().to_ascii_lowercase().as_str() {
                        "webhook-id" => id = Some(value.trim().to_string()),
                        "content-length" => length = value.trim().parse().unwrap_or(0),
                        _ => {}
                    }
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).await?;
            if let Some(id) = id {
                *self.seen.lock().unwrap_or_else(|e| e.into_inner()).entry(id).or_default() += 1;
            }
            write.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await?;
        }
    }
}
