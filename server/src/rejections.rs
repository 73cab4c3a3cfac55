//! Requests hyper refuses before any handler sees them (a NUL or an
//! obs-fold in a header, two `Content-Length`s, a TLS handshake on the
//! plain port, too many or too large headers, an overlong URL) still get
//! the contract's error body.
//!
//! hyper answers those itself with a bodiless `400`, `414` or `431` and
//! closes the connection, and offers no hook to shape the answer. So each
//! connection's socket is wrapped: a response head hyper writes with
//! `content-length: 0` and one of those statuses (the handlers never answer
//! an error without a body) is replaced, before it reaches the client, by
//! the same status with the contract's JSON body.

use std::io;
use std::pin::Pin;
use std::task::{ready, Context, Poll};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use users_api::{ErrorBody, ErrorCode};

/// A socket whose bodiless HTTP-level rejections are given the contract's body.
pub struct ContractRejections<S> {
    inner: S,
    /// A rewritten answer still to be written, and how much of it has been.
    pending: Option<(Vec<u8>, usize)>,
}

impl<S> ContractRejections<S> {
    pub fn new(inner: S) -> Self {
        ContractRejections {
            inner,
            pending: None,
        }
    }
}

/// The contract's answer for a bodiless rejection head, if `head` is one.
fn rewrite(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    let rest = text.strip_prefix("HTTP/1.1 ")?;
    if !text.ends_with("\r\n\r\n")
        || !text
            .to_ascii_lowercase()
            .contains("\r\ncontent-length: 0\r\n")
    {
        return None;
    }
    let (code, reason, message) = match rest.get(..3)? {
        "400" => (
            ErrorCode::BadRequest,
            "Bad Request",
            "The request is malformed: it is not valid HTTP/1.1 (e.g. a control character or a folded line in a header, or two Content-Length headers).",
        ),
        "414" => (
            ErrorCode::UriTooLong,
            "URI Too Long",
            "The request's URL is too long.",
        ),
        "431" => (
            ErrorCode::HeadersTooLarge,
            "Request Header Fields Too Large",
            "The request's headers are too many or too large.",
        ),
        _ => return None,
    };
    let body = serde_json::to_string(&ErrorBody::new(code, message)).ok()?;
    Some(
        format!(
            "HTTP/1.1 {} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\ncache-control: no-store\r\nconnection: close\r\n\r\n{body}",
            code.status(),
            body.len()
        )
        .into_bytes(),
    )
}

impl<S: AsyncWrite + Unpin> ContractRejections<S> {
    /// Writes what is left of a rewritten answer.
    fn poll_pending(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        while let Some((bytes, written)) = &mut self.pending {
            if *written == bytes.len() {
                self.pending = None;
                break;
            }
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            *written += n;
        }
        Poll::Ready(Ok(()))
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for ContractRejections<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for ContractRejections<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        ready!(self.poll_pending(cx))?;
        if buf.len() < 512 {
            if let Some(answer) = rewrite(buf) {
                self.pending = Some((answer, 0));
                // The original head counts as written; the answer follows
                // through poll_pending (on this call, or flush/shutdown).
                let _ = self.poll_pending(cx)?;
                return Poll::Ready(Ok(buf.len()));
            }
        }
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        ready!(self.poll_pending(cx))?;
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    /// One buffer per write, so a response head is seen whole.
    fn is_write_vectored(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodiless_rejections_get_the_contract_body_and_nothing_else_changes() {
        let head = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\ndate: Thu, 03 Dec 2026 08:00:00 GMT\r\n\r\n";
        let answer = String::from_utf8(rewrite(head).unwrap()).unwrap();
        assert!(answer.starts_with("HTTP/1.1 431 "), "{answer}");
        let body: ErrorBody =
            serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
        assert_eq!(body.error.code, ErrorCode::HeadersTooLarge);

        // A handler's answer always has a body; a 404 is not a parse error.
        assert!(rewrite(b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: 80\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n").is_none());
        assert!(rewrite(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").is_none());
    }
}
