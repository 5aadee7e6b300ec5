//! The wire: frames from the client are checked before tower-lsp-server
//! sees them.
//!
//! tower-lsp-server reads frames with tokio-util's `FramedRead`, which ends
//! the stream after the first frame it cannot decode; the server then stops
//! as if the client had gone away. One malformed message (truncated JSON, a
//! bad header, a body that is not UTF-8) would end the session with exit
//! code 1. So the frames are read here first:
//!
//! - a well-formed message is passed on as it came;
//! - a frame whose header or body cannot be read gets a Parse error
//!   response, JSON that is not a JSON-RPC message an Invalid request
//!   (carrying the request's id when it has a usable one, so the client is
//!   not left waiting), and a warning in the log;
//! - reading goes on with the next frame.
//!
//! The error responses are written between the server's own frames, never
//! inside one. So are the notifications the publisher writes itself
//! ([`Note`]): diagnostics for a whole corpus are hundreds of thousands of
//! locations, which tower-lsp-server would turn into a `serde_json::Value`
//! and then text on one thread; the publisher serialises them on all cores
//! instead and hands over the bytes.

use std::pin::Pin;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::jsonrpc::{Request, Response};

/// What tower-lsp-server decodes a frame body into: anything else makes its
/// reader stop.
#[derive(Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
enum Message {
    Response(Response),
    Request(Request),
}

/// A header block this long without its blank line is not a header.
const MAX_HEADER: usize = 8 * 1024;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

fn error_frame(id: Value, code: i64, message: &str) -> Vec<u8> {
    let body = json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}});
    framed(&serde_json::to_vec(&body).unwrap_or_default())
}

/// A message body with its header: a whole frame.
pub fn framed(body: &[u8]) -> Vec<u8> {
    let mut out = header(body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// The header of a frame whose body is `len` bytes.
pub fn header(len: usize) -> String {
    format!("Content-Length: {len}\r\n\r\n")
}

/// Why a frame was refused: the error code, a message, and the id to answer.
fn check_body(body: &[u8]) -> Result<(), (i64, String, Value)> {
    let text = std::str::from_utf8(body)
        .map_err(|e| (PARSE_ERROR, format!("body is not UTF-8: {e}"), Value::Null))?;
    // the common case first: one parse for a well-formed message (a
    // didOpen may carry megabytes)
    if serde_json::from_str::<Message>(text).is_ok() {
        return Ok(());
    }
    let value: Value = serde_json::from_str(text)
        .map_err(|e| (PARSE_ERROR, format!("body is not JSON: {e}"), Value::Null))?;
    // a usable id is a number or a string (JSON-RPC); otherwise null
    let id = match value.get("id") {
        Some(v @ (Value::Number(_) | Value::String(_)))
            if v.as_f64().is_none_or(|f| f.fract() == 0.0) =>
        {
            v.clone()
        }
        _ => Value::Null,
    };
    Err((
        INVALID_REQUEST,
        "not a JSON-RPC request, notification or response".into(),
        id,
    ))
}

/// Read frames from `input` until it ends; pass well-formed ones to
/// `server`, answer the others through `errors`.
pub async fn read_frames<I, W>(input: I, mut server: W, errors: mpsc::UnboundedSender<Vec<u8>>)
where
    I: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut r = BufReader::new(input);
    let refuse = |code: i64, why: &str, id: Value| {
        tracing::warn!("malformed message from the client ({why}); answered with error {code}");
        let _ = errors.send(error_frame(id, code, why));
    };
    loop {
        // the header block: lines up to a blank one
        let mut length: Option<Result<usize, String>> = None;
        let mut junk = 0usize;
        let mut seen = 0usize;
        let mut started = false;
        loop {
            let mut line = Vec::new();
            let n = match (&mut r)
                .take(MAX_HEADER as u64 + 1)
                .read_until(b'\n', &mut line)
                .await
            {
                Ok(n) => n,
                Err(e) => {
                    tracing::info!("client input ended: {e}");
                    return;
                }
            };
            if n == 0 {
                if started {
                    tracing::info!("client input ended inside a header");
                }
                return; // end of input
            }
            started = true;
            seen += n;
            let text = String::from_utf8_lossy(&line);
            let mut text = text.trim_end_matches(['\r', '\n']);
            if text.is_empty() && line.ends_with(b"\n") {
                break;
            }
            // garbage glued to a header (the rest of a refused frame's
            // body): resynchronise on the Content-Length
            if let Some(at) = text.to_ascii_lowercase().find("content-length")
                && at > 0
            {
                junk += at;
                text = &text[at..];
            }
            match text.split_once(':') {
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-length") => {
                    length = Some(
                        value
                            .trim()
                            .parse::<usize>()
                            .map_err(|e| format!("bad Content-Length {:?}: {e}", value.trim())),
                    );
                }
                Some((name, value)) if name.trim().eq_ignore_ascii_case("content-type") => {
                    let v = value.to_ascii_lowercase();
                    if let Some(cs) = v.split(';').find_map(|p| p.trim().strip_prefix("charset=")) {
                        let cs = cs.trim_matches('"');
                        if cs != "utf-8" && cs != "utf8" {
                            length = Some(Err(format!("unsupported charset {cs}")));
                        }
                    }
                }
                Some(_) => {} // other headers are allowed and ignored
                None => junk += n,
            }
            if seen > MAX_HEADER {
                break;
            }
        }
        if junk > 0 {
            tracing::warn!("skipped {junk} bytes of garbage between messages");
        }
        let len = match length {
            Some(Ok(len)) => len,
            Some(Err(why)) => {
                refuse(PARSE_ERROR, &why, Value::Null);
                continue;
            }
            None => {
                refuse(PARSE_ERROR, "header without Content-Length", Value::Null);
                continue;
            }
        };
        // the body, as it arrives (a huge length allocates only what comes)
        let mut body = Vec::with_capacity(len.min(1 << 20));
        match (&mut r).take(len as u64).read_to_end(&mut body).await {
            Ok(n) if n == len => {}
            _ => {
                tracing::info!("client input ended inside a message body");
                return;
            }
        }
        match check_body(&body) {
            Ok(()) => {
                let head = format!("Content-Length: {len}\r\n\r\n");
                if server.write_all(head.as_bytes()).await.is_err()
                    || server.write_all(&body).await.is_err()
                    || server.flush().await.is_err()
                {
                    return; // the server has stopped reading
                }
            }
            Err((code, why, id)) => refuse(code, &why, id),
        }
    }
}

/// Copy the server's frames to `output`, with the error responses from
/// `errors` and the notifications from `notes` written between them, until
/// the server's output ends.
pub async fn write_frames<S, O>(
    mut from_server: S,
    output: O,
    mut errors: mpsc::UnboundedReceiver<Vec<u8>>,
    mut notes: mpsc::Receiver<Note>,
) where
    S: AsyncRead + Unpin,
    O: AsyncWrite,
{
    let mut output: Pin<Box<O>> = Box::pin(output);
    let mut pending: Vec<u8> = Vec::new();
    let mut queued: Vec<Vec<u8>> = Vec::new();
    let mut noted: Vec<Note> = Vec::new();
    let mut errors_open = true;
    let mut notes_open = true;
    loop {
        // every whole frame the server has written so far
        while let Some((head, len)) = frame_len(&pending)
            && pending.len() >= head + len
        {
            let rest = pending.split_off(head + len);
            if output.write_all(&pending).await.is_err() {
                return;
            }
            pending = rest;
        }
        // at a frame boundary: the error responses and notes waiting, in
        // one write (each write to stdout is a round trip through tokio's
        // blocking threads: one per note kept the publisher waiting)
        if pending.is_empty() && !(queued.is_empty() && noted.is_empty()) {
            let mut batch = Vec::with_capacity(
                queued.iter().map(Vec::len).sum::<usize>()
                    + noted
                        .iter()
                        .map(|n| n.frame.len())
                        .filter(|&l| l < OWN_WRITE)
                        .sum::<usize>(),
            );
            for e in queued.drain(..) {
                batch.extend_from_slice(&e);
            }
            let mut written = Vec::new();
            for n in noted.drain(..) {
                if n.frame.len() >= OWN_WRITE {
                    // what came before it first, then the frame itself
                    if output.write_all(&batch).await.is_err()
                        || output.write_all(&n.frame).await.is_err()
                    {
                        return;
                    }
                    batch.clear();
                } else {
                    batch.extend_from_slice(&n.frame);
                }
                written.extend(n.written);
            }
            if output.write_all(&batch).await.is_err() {
                return;
            }
            for w in written {
                let _ = w.send(());
            }
        }
        if output.flush().await.is_err() {
            return;
        }
        tokio::select! {
            // both branches are cancel-safe: read_buf reads nothing when
            // the other branch wins
            n = from_server.read_buf(&mut pending) => match n {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            },
            e = errors.recv(), if errors_open => match e {
                Some(e) => queued.push(e),
                None => errors_open = false,
            },
            n = notes.recv(), if notes_open && noted.len() < NOTES_QUEUED => match n {
                Some(n) => {
                    noted.push(n);
                    // and those behind it, written with one flush: one
                    // write and flush per note kept the publisher waiting
                    // on each (100k notes after the first indexing)
                    while noted.len() < NOTES_QUEUED
                        && let Ok(n) = notes.try_recv()
                    {
                        noted.push(n);
                    }
                }
                None => notes_open = false,
            },
        }
    }
    // the server's output ended: answers to the last bad frames
    queued.extend(std::iter::from_fn(|| errors.try_recv().ok()));
    for e in queued {
        if output.write_all(&e).await.is_err() {
            return;
        }
    }
    let _ = output.flush().await;
}

/// A notification the server writes beside tower-lsp-server's frames, and
/// who waits until it is written (or dropped, when the session ends).
pub struct Note {
    pub frame: Vec<u8>,
    pub written: Vec<oneshot::Sender<()>>,
}

impl Note {
    /// The frame of notification `method` with `params`.
    pub fn frame(method: &str, params: &impl Serialize) -> Vec<u8> {
        #[derive(Serialize)]
        struct Body<'a, P> {
            jsonrpc: &'static str,
            method: &'a str,
            params: &'a P,
        }
        let body = Body {
            jsonrpc: "2.0",
            method,
            params,
        };
        // plain data into a Vec: cannot fail
        framed(&serde_json::to_vec(&body).unwrap_or_default())
    }
}

impl From<Vec<u8>> for Note {
    fn from(frame: Vec<u8>) -> Note {
        Note {
            frame,
            written: Vec::new(),
        }
    }
}

/// Notes taken from the publisher while this many wait to be written: it
/// waits too when the client reads slowly. Also the capacity of the channel
/// they come through, so that a step's notes are handed over while earlier
/// ones are written.
pub const NOTES_QUEUED: usize = 64;

/// A note at least this long is written on its own, not copied into the
/// batch around it: the answer to references on a common name is
/// megabytes, and copying it was a pass over fresh pages.
const OWN_WRITE: usize = 1 << 20;

/// (header length, body length) of a buffered frame start.
fn frame_len(buf: &[u8]) -> Option<(usize, usize)> {
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n")? + 4;
    let head = std::str::from_utf8(&buf[..end]).ok()?;
    let len = head.lines().find_map(|l| {
        let (name, v) = l.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse::<usize>().ok())?
    })?;
    Some((end, len))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        framed(body.as_bytes())
    }

    /// A note too long to copy into a batch is written on its own, in its
    /// place among the others, and each one's sender hears it was written.
    #[tokio::test]
    async fn a_long_note_keeps_its_place() {
        let (server, from_server) = tokio::io::duplex(64);
        let (output, mut client) = tokio::io::duplex(4 << 20);
        let (_errors_tx, errors_rx) = mpsc::unbounded_channel();
        let (notes_tx, notes_rx) = mpsc::channel(8);
        let writer = tokio::spawn(write_frames(from_server, output, errors_rx, notes_rx));
        let long = frame(&format!("{{\"x\":\"{}\"}}", "a".repeat(OWN_WRITE)));
        let frames = [frame("{\"n\":1}"), long, frame("{\"n\":3}")];
        let mut told = Vec::new();
        for f in &frames {
            let (tx, rx) = oneshot::channel();
            told.push(rx);
            notes_tx
                .send(Note {
                    frame: f.clone(),
                    written: vec![tx],
                })
                .await
                .unwrap();
        }
        let want = frames.concat();
        let mut out = vec![0; want.len()];
        client.read_exact(&mut out).await.unwrap();
        assert!(out == want, "frames written out of order or changed");
        for rx in told {
            rx.await.expect("told once written");
        }
        drop(server);
        drop(notes_tx);
        writer.await.unwrap();
    }

    /// A note sent while the server is half-way through a frame is written
    /// after that frame, whole, and the one waiting for it hears so only
    /// then.
    #[tokio::test]
    async fn notes_go_between_the_servers_frames_and_tell_when_written() {
        // a one-byte pipe: once a write returns, the writer has read all
        // but its last byte
        let (mut server, from_server) = tokio::io::duplex(1);
        let (output, mut client) = tokio::io::duplex(1 << 20);
        let (_errors_tx, errors_rx) = mpsc::unbounded_channel();
        let (notes_tx, notes_rx) = mpsc::channel(1);
        let writer = tokio::spawn(write_frames(from_server, output, errors_rx, notes_rx));
        let big = frame(&format!("{{\"x\":\"{}\"}}", "a".repeat(5000)));
        let (first, second) = big.split_at(2000);
        server.write_all(first).await.unwrap();
        server.flush().await.unwrap();
        let (tx, mut rx) = oneshot::channel();
        notes_tx
            .send(Note {
                frame: frame("{\"note\":1}"),
                written: vec![tx],
            })
            .await
            .unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(rx.try_recv().is_err(), "told before the note was written");
        server.write_all(second).await.unwrap();
        server.flush().await.unwrap();
        rx.await.expect("told once written");
        drop(server);
        writer.await.unwrap();
        let mut out = Vec::new();
        client.read_to_end(&mut out).await.unwrap();
        let mut want = big.clone();
        want.extend(frame("{\"note\":1}"));
        assert_eq!(
            String::from_utf8(out).unwrap(),
            String::from_utf8(want).unwrap()
        );
    }
}
