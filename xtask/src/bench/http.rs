//! A minimal HTTP/1.1 keep-alive client on std, enough to time GET requests
//! to the local server without a load generator's own overhead in the way.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

pub struct Connection {
    reader: BufReader<TcpStream>,
    host: String,
    token: String,
}

impl Connection {
    pub fn open(addr: &str, token: &str) -> Result<Self, String> {
        let stream = TcpStream::connect(addr).map_err(|e| format!("connect {addr}: {e}"))?;
        stream.set_nodelay(true).ok();
        Ok(Connection {
            reader: BufReader::new(stream),
            host: addr.to_string(),
            token: token.to_string(),
        })
    }

    /// One GET; returns the status, the body and how long it took.
    pub fn get(&mut self, path: &str) -> Result<(u16, Vec<u8>, Duration), String> {
        self.send("GET", path, "", "")
    }

    /// One request with extra header lines (each ending in CRLF) and a JSON
    /// body (none when empty); returns the status, the body and the time.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &str,
    ) -> Result<(u16, Vec<u8>, Duration), String> {
        let started = Instant::now();
        let content = if body.is_empty() {
            String::new()
        } else {
            format!(
                "Content-Type: application/json\r\nContent-Length: {}\r\n",
                body.len()
            )
        };
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nAccess-Token: {}\r\nAccept: application/json\r\n{headers}{content}\r\n{body}",
            self.host, self.token
        );
        self.reader
            .get_mut()
            .write_all(request.as_bytes())
            .map_err(|e| e.to_string())?;
        let mut status_line = String::new();
        self.reader
            .read_line(&mut status_line)
            .map_err(|e| e.to_string())?;
        let status = status_line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| format!("bad status line {status_line:?}"))?;
        let mut length = None;
        let mut chunked = false;
        loop {
            let mut line = String::new();
            self.reader
                .read_line(&mut line)
                .map_err(|e| e.to_string())?;
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(v) = lower.strip_prefix("content-length:") {
                length = v.trim().parse::<usize>().ok();
            }
            if lower.starts_with("transfer-encoding:") && lower.contains("chunked") {
                chunked = true;
            }
        }
        let body = if chunked {
            self.read_chunked()?
        } else {
            self.read_exact(length.unwrap_or(0))?
        };
        Ok((status, body, started.elapsed()))
    }

    fn read_exact(&mut self, n: usize) -> Result<Vec<u8>, String> {
        let mut body = vec![0; n];
        self.reader
            .read_exact(&mut body)
            .map_err(|e| e.to_string())?;
        Ok(body)
    }

    fn read_chunked(&mut self) -> Result<Vec<u8>, String> {
        let mut body = Vec::new();
        loop {
            let mut size_line = String::new();
            self.reader
                .read_line(&mut size_line)
                .map_err(|e| e.to_string())?;
            let size = usize::from_str_radix(size_line.trim().split(';').next().unwrap_or("0"), 16)
                .map_err(|e| format!("bad chunk size {size_line:?}: {e}"))?;
            let chunk = self.read_exact(size + 2)?; // data + CRLF
            body.extend_from_slice(&chunk[..size]);
            if size == 0 {
                return Ok(body);
            }
        }
    }
}

/// p-th percentile (0–100) of sorted durations, in milliseconds.
pub fn percentile_ms(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)].as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_pick_the_nearest_rank() {
        let sorted: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile_ms(&sorted, 50.0), 51.0);
        assert_eq!(percentile_ms(&sorted, 95.0), 95.0);
        assert_eq!(percentile_ms(&sorted, 100.0), 100.0);
        assert!(percentile_ms(&[], 50.0).is_nan());
    }
}
