//! A minimal LSP client over the stdio of a spawned server, for timing.
//!
//! A reader thread takes each frame off the server's stdout, stamps it with
//! the instant its body was read (before JSON parsing, so parsing is not
//! charged to the server; diagnostics are parsed without building a tree
//! of them, see [`diagnostics`]), answers the server's own requests at once, and
//! hands everything else to the caller over a channel. The caller writes
//! requests and notifications and waits for what it needs.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// What the server sent, as far as the benchmark cares.
#[derive(Debug, PartialEq)]
pub enum Msg {
    Response {
        id: i64,
        result: Result<Value, Value>,
    },
    Diagnostics {
        /// The document's path (decoded from its `file:` URI).
        path: PathBuf,
        version: Option<i64>,
        count: usize,
    },
    /// `$/progress` with its kind (begin, report, end).
    Progress {
        kind: String,
        percentage: Option<u32>,
    },
    Other,
}

pub struct Received {
    pub at: Instant,
    pub msg: Msg,
    /// The frame body's length in bytes.
    pub bytes: usize,
}

pub struct LspClient {
    child: Child,
    writer: Arc<Mutex<Option<ChildStdin>>>,
    rx: Receiver<Received>,
    next_id: i64,
    pub pid: u32,
}

/// `file:` URI of an absolute path (unreserved characters kept, the rest
/// percent-encoded).
pub fn uri(path: &Path) -> String {
    let mut s = String::from("file://");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-._~".contains(&b) {
            s.push(b as char);
        } else {
            s.push_str(&format!("%{b:02X}"));
        }
    }
    s
}

/// The path of a `file:` URI.
pub fn uri_path(uri: &str) -> PathBuf {
    let rest = uri.strip_prefix("file://").unwrap_or(uri);
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            let v = (h * 16 + l) as u8;
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    PathBuf::from(String::from_utf8_lossy(&out).into_owned())
}

/// Write one JSON-RPC message with its `Content-Length` header.
pub fn write_frame(w: &mut impl Write, v: &Value) -> std::io::Result<()> {
    let body = serde_json::to_vec(v).map_err(std::io::Error::other)?;
    write!(w, "Content-Length: {}\r\n\r\n", body.len())?;
    w.write_all(&body)?;
    w.flush()
}

/// Read one JSON-RPC message body and when it was read; `None` at the
/// end of the stream or on a broken header.
pub fn read_frame(r: &mut impl BufRead) -> Option<(Instant, Vec<u8>)> {
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim();
        if line.is_empty() {
            break;
        }
        if let Some(v) = line.strip_prefix("Content-Length:") {
            len = v.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; len?];
    r.read_exact(&mut body).ok()?;
    Some((Instant::now(), body))
}

/// A `textDocument/publishDiagnostics` notification, parsed into what the
/// bench reads. Every byte is still parsed as JSON, but no tree is built
/// for the diagnostics: after the first indexing of 100k articles the
/// server sends 1.1 GB of them, and building a `Value` of each took this
/// thread longer than the server took to compute and write them (42 s to
/// ready against 27 s with a client that only counts frames, at 49a0bfe),
/// on one of the two cores the server runs on.
fn diagnostics(body: &[u8]) -> Option<Msg> {
    #[derive(serde::Deserialize)]
    struct Note {
        method: String,
        params: Params,
    }
    #[derive(serde::Deserialize)]
    struct Params {
        uri: String,
        version: Option<i64>,
        diagnostics: Vec<serde::de::IgnoredAny>,
    }
    let head = &body[..body.len().min(128)];
    let needle = b"textDocument/publishDiagnostics";
    if !head.windows(needle.len()).any(|w| w == needle) {
        return None;
    }
    let n: Note = serde_json::from_slice(body).ok()?;
    (n.method == "textDocument/publishDiagnostics").then(|| Msg::Diagnostics {
        path: uri_path(&n.params.uri),
        version: n.params.version,
        count: n.params.diagnostics.len(),
    })
}

fn classify(v: &Value) -> Msg {
    let method = v.get("method").and_then(Value::as_str);
    match (method, v.get("id")) {
        (None, Some(id)) => Msg::Response {
            id: id.as_i64().unwrap_or(-1),
            result: match v.get("error") {
                Some(e) => Err(e.clone()),
                None => Ok(v.get("result").cloned().unwrap_or(Value::Null)),
            },
        },
        (Some("textDocument/publishDiagnostics"), None) => {
            let p = &v["params"];
            Msg::Diagnostics {
                path: uri_path(p["uri"].as_str().unwrap_or("")),
                version: p["version"].as_i64(),
                count: p["diagnostics"].as_array().map_or(0, Vec::len),
            }
        }
        (Some("$/progress"), None) => Msg::Progress {
            kind: v["params"]["value"]["kind"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            percentage: v["params"]["value"]["percentage"]
                .as_u64()
                .map(|p| p as u32),
        },
        _ => Msg::Other,
    }
}

/// The answer to a request the server sends the client.
fn answer(method: &str, params: &Value) -> Value {
    match method {
        "workspace/configuration" => {
            let n = params["items"].as_array().map_or(0, Vec::len);
            Value::Array(vec![Value::Null; n])
        }
        _ => Value::Null,
    }
}

impl LspClient {
    /// Start `exe lsp` in `cwd`, its log (stderr) going to `log`, with
    /// the analysis cache in `cache` (None: off).
    pub fn spawn(
        exe: &Path,
        cwd: &Path,
        log: &Path,
        cache: Option<&Path>,
    ) -> Result<LspClient, String> {
        let log_file = std::fs::File::create(log).map_err(|e| format!("{}: {e}", log.display()))?;
        let mut cmd = Command::new(exe);
        cmd.arg("lsp")
            .current_dir(cwd)
            .env("CLAIMLENS_LOG", "claimlens=info");
        match cache {
            // never the user's cache
            Some(dir) => cmd
                .env("CLAIMLENS_CACHE", "on")
                .env("CLAIMLENS_CACHE_DIR", dir),
            None => cmd.env("CLAIMLENS_CACHE", "off"),
        };
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log_file))
            .spawn()
            .map_err(|e| format!("cannot start {} lsp: {e}", exe.display()))?;
        let pid = child.id();
        let writer = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().ok_or("no stdout")?;
        let (tx, rx) = channel();
        let w2 = writer.clone();
        thread::spawn(move || {
            let mut r = BufReader::with_capacity(1 << 20, stdout);
            while let Some((at, body)) = read_frame(&mut r) {
                if let Some(msg) = diagnostics(&body) {
                    let bytes = body.len();
                    if tx.send(Received { at, msg, bytes }).is_err() {
                        break;
                    }
                    continue;
                }
                let Ok(v) = serde_json::from_slice::<Value>(&body) else {
                    continue;
                };
                if let (Some(m), Some(id)) = (v.get("method").and_then(Value::as_str), v.get("id"))
                {
                    let res = answer(m, &v["params"]);
                    if let Some(w) = w2.lock().unwrap_or_else(|e| e.into_inner()).as_mut() {
                        let _ = write_frame(w, &json!({"jsonrpc": "2.0", "id": id, "result": res}));
                    }
                    continue;
                }
                if tx
                    .send(Received {
                        at,
                        msg: classify(&v),
                        bytes: body.len(),
                    })
                    .is_err()
                {
                    break;
                }
            }
        });
        Ok(LspClient {
            child,
            writer,
            rx,
            next_id: 0,
            pid,
        })
    }

    fn send(&self, v: &Value) -> Result<(), String> {
        let mut g = self.writer.lock().unwrap_or_else(|e| e.into_inner());
        let w = g.as_mut().ok_or("server input closed")?;
        write_frame(w, v).map_err(|e| format!("cannot write to the server: {e}"))
    }

    pub fn notify(&self, method: &str, params: Value) -> Result<(), String> {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}))
    }

    /// Send a request; returns its id.
    pub fn request(&mut self, method: &str, params: Value) -> Result<i64, String> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}))?;
        Ok(id)
    }

    /// The next message, or `None` at the deadline or when the server is gone.
    pub fn recv(&self, deadline: Instant) -> Option<Received> {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.rx.recv_timeout(left) {
            Ok(m) => Some(m),
            Err(RecvTimeoutError::Timeout) | Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    /// Has the process ended?
    pub fn exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// `shutdown`, `exit`, and wait (killing it after `grace`).
    pub fn shutdown(mut self, grace: Duration) {
        if let Ok(id) = self.request("shutdown", Value::Null) {
            let deadline = Instant::now() + grace;
            while let Some(r) = self.recv(deadline) {
                if matches!(r.msg, Msg::Response { id: i, .. } if i == id) {
                    break;
                }
            }
        }
        let _ = self.notify("exit", Value::Null);
        self.writer.lock().unwrap_or_else(|e| e.into_inner()).take();
        let deadline = Instant::now() + grace;
        while Instant::now() < deadline {
            if self.exited() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        if !self.exited() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Process figures from /proc (Linux): peak and current resident set.
#[derive(Clone, Copy, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct ProcMem {
    pub vm_hwm_kib: u64,
    pub vm_rss_kib: u64,
}

pub fn proc_mem(pid: u32) -> Option<ProcMem> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        s.lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
    };
    Some(ProcMem {
        vm_hwm_kib: field("VmHWM:")?,
        vm_rss_kib: field("VmRSS:")?,
    })
}

/// CPU time (user + system) the process has used, in seconds.
pub fn proc_cpu_seconds(pid: u32) -> Option<f64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // fields after the command name (which may hold spaces) in parentheses
    let rest = &s[s.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / clock_ticks())
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diagnostics_are_read_as_from_a_tree() {
        let diag = json!({"range": {"start": {"line": 1, "character": 2}, "end": {"line": 1, "character": 9}},
            "severity": 2, "code": "inconsistent-figure", "message": "25 \"million\" disagrees",
            "relatedInformation": [{"location": {"uri": "file:///c/b%20c.txt", "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}}}, "message": "gives 24"}]});
        for (version, list) in [
            (json!(3), vec![diag.clone(), diag.clone()]),
            (Value::Null, vec![]),
        ] {
            let v = json!({"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics",
                "params": {"uri": "file:///c/a%20b.txt", "version": version, "diagnostics": list}});
            let body = serde_json::to_vec(&v).unwrap();
            let got = diagnostics(&body).expect("read");
            assert!(matches!(got, Msg::Diagnostics { .. }));
            assert_eq!(got, classify(&v));
        }
        for other in [
            json!({"jsonrpc": "2.0", "method": "$/progress", "params": {"token": "t", "value": {"kind": "end"}}}),
            json!({"jsonrpc": "2.0", "id": 1, "result": {"message": "textDocument/publishDiagnostics"}}),
        ] {
            assert!(diagnostics(&serde_json::to_vec(&other).unwrap()).is_none());
        }
        // not JSON: left to the general path, which skips it
        assert!(diagnostics(br#"{"method":"textDocument/publishDiagnostics","params":"#).is_none());
    }
}
