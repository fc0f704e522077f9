//! A tiny TCP front in front of the wiremock server, for the faults an HTTP responder cannot produce.
//!
//! Every client connection is relayed byte for byte to wiremock. Responses are parsed just enough to
//! find their end (`Content-Length`); a response carrying the internal header `x-emulator-fault: drop`
//! is replaced by closing the client's connection, and one carrying `x-emulator-fault: cut` is forwarded
//! with only half of its body before the connection is closed. Clients therefore see a real dropped
//! connection and a real truncated transfer.

use std::io;
use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The header through which the responder asks the front for a fault.
pub(crate) const FAULT_HEADER: &str = "x-emulator-fault";

/// The listening front; stops accepting when dropped.
#[derive(Debug)]
pub(crate) struct Front {
    pub(crate) addr: SocketAddr,
    task: JoinHandle<()>,
}

impl Drop for Front {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Front {
    /// Listens on `127.0.0.1:<port>` (0: any free port) and relays to `upstream`.
    pub(crate) async fn start(upstream: SocketAddr, port: u16) -> io::Result<Front> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let task = tokio::spawn(async move {
            loop {
                let Ok((client, _)) = listener.accept().await else {
                    continue;
                };
                tokio::spawn(async move {
                    if let Err(e) = relay(client, upstream).await {
                        tracing::debug!("emulator front: connection ended: {e}");
                    }
                });
            }
        });
        Ok(Front { addr, task })
    }
}

async fn relay(client: TcpStream, upstream: SocketAddr) -> io::Result<()> {
    let server = TcpStream::connect(upstream).await?;
    client.set_nodelay(true)?;
    server.set_nodelay(true)?;
    let (mut client_read, client_write) = client.into_split();
    let (server_read, mut server_write) = server.into_split();
    let requests = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut client_read, &mut server_write).await;
        let _ = server_write.shutdown().await;
    });
    let result = responses(server_read, client_write).await;
    requests.abort();
    result
}

/// Where a response head ends, and what it says.
struct Head {
    len: usize,
    body_len: Option<usize>,
    fault: Option<String>,
    /// The head without the fault header.
    text: Vec<u8>,
}

fn parse_head(buf: &[u8]) -> Option<Head> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let text = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = text.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut body_len = Some(0);
    let mut saw_length = false;
    let mut fault = None;
    let mut kept = String::new();
    for (i, line) in text.split("\r\n").enumerate() {
        let lower = line.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            body_len = v.trim().parse().ok();
            saw_length = true;
        } else if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
            body_len = None;
            saw_length = true;
        }
        if let Some(v) = lower.strip_prefix(&format!("{FAULT_HEADER}:")) {
            fault = Some(v.trim().to_owned());
            continue;
        }
        if i > 0 && line.is_empty() {
            continue;
        }
        kept.push_str(line);
        kept.push_str("\r\n");
    }
    kept.push_str("\r\n");
    if !(saw_length || status == 204 || status == 304 || (100..200).contains(&status)) {
        // Neither length nor chunked: the body runs to the end of the connection.
        body_len = None;
    }
    Some(Head {
        len: end,
        body_len,
        fault,
        text: kept.into_bytes(),
    })
}

async fn responses(mut from: OwnedReadHalf, mut to: OwnedWriteHalf) -> io::Result<()> {
    let mut buf: Vec<u8> = Vec::with_capacity(64 * 1024);
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let head = loop {
            if let Some(h) = parse_head(&buf) {
                break h;
            }
            let n = from.read(&mut chunk).await?;
            if n == 0 {
                to.write_all(&buf).await?;
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let Some(body_len) = head.body_len else {
            // Unknown length: relay the rest verbatim.
            to.write_all(&buf).await?;
            tokio::io::copy(&mut from, &mut to).await?;
            return Ok(());
        };
        let total = head.len + body_len;
        while buf.len() < total {
            let n = from.read(&mut chunk).await?;
            if n == 0 {
                to.write_all(&buf).await?;
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        match head.fault.as_deref() {
            Some("drop") => {
                // Close the client's connection without a byte of the response.
                return Ok(());
            }
            Some("cut") => {
                to.write_all(&head.text).await?;
                to.write_all(&buf[head.len..head.len + body_len / 2])
                    .await?;
                to.flush().await?;
                return Ok(());
            }
            _ => {
                to.write_all(&head.text).await?;
                to.write_all(&buf[head.len..total]).await?;
            }
        }
        buf.drain(..total);
    }
}
