//! A small LSP client for integration tests: spawns the built `claimlens lsp`,
//! speaks JSON-RPC over its stdio, answers the server's own requests, and
//! records notifications (diagnostics, messages, progress).

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(60);

/// What the server sent besides responses.
#[derive(Default)]
pub struct Inbox {
    /// Latest diagnostics per URI.
    pub diagnostics: HashMap<String, Vec<Value>>,
    /// Every publishDiagnostics, in order.
    pub published: Vec<(String, Vec<Value>)>,
    /// The version of the latest publishDiagnostics per URI (None when the
    /// server sent none: the document is not open).
    pub versions: HashMap<String, Option<i64>>,
    /// showMessage (type) and logMessage (10 + type), in order.
    pub messages: Vec<(i64, String)>,
    pub progress: Vec<Value>,
    pub show_document: Vec<Value>,
    pub registrations: Vec<Value>,
    /// Every request from the server, by method, in order.
    pub requests: Vec<String>,
    /// Requests from the server left unanswered (see `Start::answer_requests`).
    pub unanswered: Vec<String>,
    /// Error responses without an id (to messages that could not be decoded).
    pub null_id_errors: Vec<Value>,
}

// the bench's client speaks the same JSON-RPC framing and URI spelling
pub use claimlens::bench::lsp_client::{uri, write_frame};

fn read_frame(r: &mut impl BufRead) -> Option<Value> {
    let (_, body) = claimlens::bench::lsp_client::read_frame(r)?;
    serde_json::from_slice(&body).ok()
}

/// How to start and initialize a server.
pub struct Start {
    pub root: PathBuf,
    /// Offer dynamic registration of file watching (VS Code does; Neovim on
    /// Linux does not, and then the server watches by itself).
    pub client_watches: bool,
    pub encodings: Vec<&'static str>,
    pub init_options: Value,
    pub progress: bool,
    /// Run the server through this command (e.g. `setpriv` to drop root).
    pub wrapper: Vec<String>,
    /// Answer the server's own requests (configuration, registrations,
    /// progress tokens); an odd client may leave them unanswered.
    pub answer_requests: bool,
    /// Extra environment variables for the server process.
    pub env: Vec<(String, String)>,
    /// Declare support for `workspace/codeLens/refresh` and
    /// `workspace/semanticTokens/refresh`.
    pub refresh: bool,
}

impl Start {
    pub fn new(root: &Path) -> Start {
        Start {
            root: root.to_path_buf(),
            client_watches: false,
            encodings: vec!["utf-16"],
            init_options: Value::Null,
            progress: true,
            wrapper: Vec::new(),
            answer_requests: true,
            env: Vec::new(),
            refresh: false,
        }
    }
}

pub struct Server {
    child: Child,
    writer: Arc<Mutex<Option<ChildStdin>>>,
    responses: Receiver<Value>,
    pub inbox: Arc<Mutex<Inbox>>,
    pub stderr: Arc<Mutex<String>>,
    next_id: i64,
    pub root: PathBuf,
    pub init: Value,
    /// The analysis cache folder given to the server when the test named
    /// none: a temporary one, so that tests never fill the user's cache.
    _cache: Option<tempfile::TempDir>,
}

impl Server {
    /// Start the process, without initializing it.
    pub fn spawn(root: &Path) -> Server {
        Server::spawn_with(root, &[], true)
    }

    /// Start the process through `wrapper` (if any), without initializing it.
    pub fn spawn_with(root: &Path, wrapper: &[String], answer_requests: bool) -> Server {
        Server::spawn_env(root, wrapper, answer_requests, &[])
    }

    /// `spawn_with`, plus environment variables for the server.
    pub fn spawn_env(
        root: &Path,
        wrapper: &[String],
        answer_requests: bool,
        env: &[(String, String)],
    ) -> Server {
        let bin = env!("CARGO_BIN_EXE_claimlens");
        let cache = if env.iter().any(|(k, _)| k == "CLAIMLENS_CACHE_DIR") {
            None
        } else {
            Some(tempfile::tempdir().expect("cache folder"))
        };
        let mut cmd = match wrapper.split_first() {
            Some((prog, args)) => {
                let mut c = Command::new(prog);
                c.args(args).arg(bin);
                c
            }
            None => Command::new(bin),
        };
        let mut child = cmd
            .arg("lsp")
            .env("CLAIMLENS_LOG", "claimlens=debug")
            .envs(cache.iter().map(|c| ("CLAIMLENS_CACHE_DIR", c.path())))
            .envs(env.iter().map(|(k, v)| (k, v)))
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn claimlens lsp");
        let writer = Arc::new(Mutex::new(child.stdin.take()));
        let stdout = child.stdout.take().expect("stdout");
        let stderr = child.stderr.take().expect("stderr");
        let log = Arc::new(Mutex::new(String::new()));
        {
            let log = log.clone();
            thread::spawn(move || {
                let mut r = BufReader::new(stderr);
                let mut line = String::new();
                while r.read_line(&mut line).unwrap_or(0) > 0 {
                    log.lock().unwrap().push_str(&line);
                    line.clear();
                }
            });
        }
        let (tx, rx) = channel();
        let inbox = Arc::new(Mutex::new(Inbox::default()));
        {
            let inbox = inbox.clone();
            let writer = writer.clone();
            thread::spawn(move || {
                let mut r = BufReader::new(stdout);
                while let Some(msg) = read_frame(&mut r) {
                    let method = msg
                        .get("method")
                        .and_then(Value::as_str)
                        .map(str::to_string);
                    match (method, msg.get("id").is_some()) {
                        (Some(m), true) if !answer_requests => {
                            let mut ib = inbox.lock().unwrap();
                            ib.requests.push(m.clone());
                            ib.unanswered.push(m);
                        }
                        (Some(m), true) => {
                            inbox.lock().unwrap().requests.push(m.clone());
                            let result = answer(&m, &msg["params"], &inbox);
                            if let Some(w) = writer.lock().unwrap().as_mut() {
                                let _ = write_frame(
                                    w,
                                    &json!({"jsonrpc": "2.0", "id": msg["id"], "result": result}),
                                );
                            }
                        }
                        (None, true) if msg["id"].is_null() => {
                            inbox.lock().unwrap().null_id_errors.push(msg);
                        }
                        (None, true) => {
                            let _ = tx.send(msg);
                        }
                        (Some(m), false) => record(&m, &msg["params"], &inbox),
                        (None, false) => {}
                    }
                }
            });
        }
        Server {
            child,
            writer,
            responses: rx,
            inbox,
            stderr: log,
            next_id: 0,
            root: root.to_path_buf(),
            init: Value::Null,
            _cache: cache,
        }
    }

    /// Start and initialize; wait until the corpus is indexed.
    pub fn start(opts: Start) -> Server {
        let mut s = Server::spawn_env(&opts.root, &opts.wrapper, opts.answer_requests, &opts.env);
        s.initialize(&opts);
        s.wait_ready();
        s
    }

    /// Send `initialize` (and `initialized`) as `Start::start` does.
    pub fn initialize(&mut self, opts: &Start) {
        let s = self;
        let root_uri = uri(&opts.root);
        let caps = json!({
            "general": {"positionEncodings": opts.encodings},
            "window": {"workDoneProgress": opts.progress, "showDocument": {"support": true}},
            "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": opts.client_watches},
                          "workspaceFolders": true, "configuration": true,
                          "codeLens": {"refreshSupport": opts.refresh},
                          "semanticTokens": {"refreshSupport": opts.refresh}},
            "textDocument": {
                "hover": {"contentFormat": ["markdown", "plaintext"]},
                "publishDiagnostics": {"relatedInformation": true},
                "semanticTokens": {"requests": {"full": true, "range": true}, "tokenTypes": [],
                                   "tokenModifiers": [], "formats": ["relative"]}
            }
        });
        let init = s
            .request(
                "initialize",
                json!({"processId": null, "rootUri": root_uri,
                       "workspaceFolders": [{"uri": root_uri, "name": "root"}],
                       "capabilities": caps, "initializationOptions": opts.init_options}),
            )
            .expect("initialize");
        s.init = init;
        s.notify("initialized", json!({}));
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Wait until indexing progress has ended (or, without progress, until
    /// every corpus file has diagnostics).
    pub fn wait_ready(&self) {
        self.wait_for("the end of indexing", |ib| {
            ib.progress.iter().any(|p| p["value"]["kind"] == "end")
        });
    }

    pub fn send(&self, msg: &Value) {
        if let Some(w) = self.writer.lock().unwrap().as_mut() {
            let _ = write_frame(w, msg);
        }
    }

    /// Write raw bytes to the server (for malformed input).
    pub fn send_raw(&self, bytes: &[u8]) {
        if let Some(w) = self.writer.lock().unwrap().as_mut() {
            let _ = w.write_all(bytes);
            let _ = w.flush();
        }
    }

    pub fn notify(&self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Send a request and wait for its response: `Ok(result)` or `Err(error)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        self.response(id)
    }

    /// Wait for the response with `id`.
    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        self.response_to(&json!(id))
    }

    /// Wait for the response with `id` (a number or a string).
    pub fn response_to(&mut self, id: &Value) -> Result<Value, Value> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let msg = self.responses.recv_timeout(left).unwrap_or_else(|_| {
                panic!("no response to request {id}; server log:\n{}", self.log())
            });
            if &msg["id"] != id {
                continue;
            }
            return match msg.get("error") {
                Some(e) => Err(e.clone()),
                None => Ok(msg.get("result").cloned().unwrap_or(Value::Null)),
            };
        }
    }

    /// Send a request without waiting; returns its id.
    pub fn request_async(&mut self, method: &str, params: Value) -> i64 {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        id
    }

    pub fn wait_for(&self, what: &str, cond: impl Fn(&Inbox) -> bool) {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if cond(&self.inbox.lock().unwrap()) {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
        panic!("timed out waiting for {what}; server log:\n{}", self.log());
    }

    /// Poll `f` until it returns `Some`, re-asking the server each time.
    pub fn eventually<T>(&mut self, what: &str, mut f: impl FnMut(&mut Server) -> Option<T>) -> T {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if let Some(v) = f(self) {
                return v;
            }
            thread::sleep(Duration::from_millis(25));
        }
        panic!("timed out waiting for {what}; server log:\n{}", self.log());
    }

    pub fn log(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Wait until the server's log (read on a thread of its own, so it can
    /// lag behind the messages) contains `needle`.
    pub fn wait_log(&self, what: &str, needle: &str) {
        let deadline = Instant::now() + TIMEOUT;
        while Instant::now() < deadline {
            if self.log().contains(needle) {
                return;
            }
            thread::sleep(Duration::from_millis(10));
        }
        panic!(
            "timed out waiting for {what}; server log:
{}",
            self.log()
        );
    }

    pub fn diagnostics(&self, path: &Path) -> Option<Vec<Value>> {
        self.inbox
            .lock()
            .unwrap()
            .diagnostics
            .get(&uri(path))
            .cloned()
    }

    pub fn open(&self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(path), "languageId": "plaintext", "version": 1, "text": text}}),
        );
    }

    pub fn hover_text(&mut self, path: &Path, line: u32, character: u32) -> Option<String> {
        let r = self
            .request(
                "textDocument/hover",
                json!({"textDocument": {"uri": uri(path)}, "position": {"line": line, "character": character}}),
            )
            .ok()?;
        r.get("contents")
            .map(|c| c["value"].as_str().unwrap_or("").to_string())
    }

    /// Close stdin and wait for the process to end.
    pub fn finish(mut self) -> ExitStatus {
        self.writer.lock().unwrap().take();
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(st) = self.child.try_wait().expect("wait") {
                return st;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("server did not exit; log:\n{}", self.log());
            }
            thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn answer(method: &str, params: &Value, inbox: &Mutex<Inbox>) -> Value {
    match method {
        "workspace/configuration" => {
            let n = params["items"].as_array().map(|a| a.len()).unwrap_or(0);
            Value::Array(vec![Value::Null; n])
        }
        "window/showDocument" => {
            inbox.lock().unwrap().show_document.push(params.clone());
            json!({"success": true})
        }
        "client/registerCapability" => {
            inbox.lock().unwrap().registrations.push(params.clone());
            Value::Null
        }
        _ => Value::Null,
    }
}

fn record(method: &str, params: &Value, inbox: &Mutex<Inbox>) {
    let mut ib = inbox.lock().unwrap();
    match method {
        "textDocument/publishDiagnostics" => {
            let u = params["uri"].as_str().unwrap_or("").to_string();
            let d = params["diagnostics"]
                .as_array()
                .cloned()
                .unwrap_or_default();
            ib.diagnostics.insert(u.clone(), d.clone());
            ib.versions.insert(u.clone(), params["version"].as_i64());
            ib.published.push((u, d));
        }
        "window/showMessage" => ib.messages.push((
            params["type"].as_i64().unwrap_or(0),
            params["message"].as_str().unwrap_or("").into(),
        )),
        "window/logMessage" => ib.messages.push((
            10 + params["type"].as_i64().unwrap_or(0),
            params["message"].as_str().unwrap_or("").into(),
        )),
        "$/progress" => ib.progress.push(params.clone()),
        _ => {}
    }
}

/// A temporary corpus folder with the given files.
pub fn corpus(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text) in files {
        let p = dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).unwrap();
        }
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// A temporary copy of the project's sample corpus.
pub fn sample_corpus() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    for e in std::fs::read_dir(src).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    dir
}

/// (line, character in UTF-16) of the `nth` (1-based) occurrence of `needle`,
/// plus `delta` characters.
pub fn pos_of(text: &str, needle: &str, nth: usize, delta: usize) -> (u32, u32) {
    let mut start = 0;
    let mut at = None;
    for _ in 0..nth {
        let i = text[start..]
            .find(needle)
            .map(|i| i + start)
            .expect("needle in text");
        at = Some(i);
        start = i + needle.len();
    }
    let at = at.unwrap();
    let line_start = text[..at].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let line = text[..at].matches('\n').count() as u32;
    let col = text[line_start..at].encode_utf16().count() + delta;
    (line, col as u32)
}

/// The LSP range (UTF-16) of the `nth` (1-based) occurrence of `needle`,
/// which must not span lines.
pub fn range_of(text: &str, needle: &str, nth: usize) -> Value {
    assert!(!needle.contains('\n'), "range_of needs a one-line needle");
    let (line, start) = pos_of(text, needle, nth, 0);
    let end = start + needle.encode_utf16().count() as u32;
    json!({"start": {"line": line, "character": start},
           "end": {"line": line, "character": end}})
}

/// The text an LSP range (UTF-16 positions) covers in `text`.
pub fn text_in(text: &str, range: &Value) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().expect("line") as usize;
        let ch = p["character"].as_u64().expect("character") as usize;
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= ch || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    text[offset(&range["start"])..offset(&range["end"])].to_string()
}

impl Server {
    /// Send one incremental didChange: replace `range` with `text`.
    pub fn change(&self, path: &Path, version: i32, range: Value, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(path), "version": version},
                   "contentChanges": [{"range": range, "text": text}]}),
        );
    }

    pub fn close(&self, path: &Path) {
        self.notify(
            "textDocument/didClose",
            json!({"textDocument": {"uri": uri(path)}}),
        );
    }

    /// `textDocument/definition` answered as a list of locations (empty for
    /// null; a single location becomes a list of one).
    pub fn definition(&mut self, path: &Path, (line, character): (u32, u32)) -> Vec<Value> {
        let r = self
            .request(
                "textDocument/definition",
                json!({"textDocument": {"uri": uri(path)},
                       "position": {"line": line, "character": character}}),
            )
            .expect("definition");
        match r {
            Value::Null => Vec::new(),
            Value::Array(a) => a,
            one => vec![one],
        }
    }

    /// `textDocument/references` with the declaration included.
    pub fn references(&mut self, path: &Path, (line, character): (u32, u32)) -> Vec<Value> {
        let r = self
            .request(
                "textDocument/references",
                json!({"textDocument": {"uri": uri(path)},
                       "position": {"line": line, "character": character},
                       "context": {"includeDeclaration": true}}),
            )
            .expect("references");
        r.as_array().cloned().unwrap_or_default()
    }

    pub fn code_lenses(&mut self, path: &Path) -> Vec<Value> {
        let r = self
            .request(
                "textDocument/codeLens",
                json!({"textDocument": {"uri": uri(path)}}),
            )
            .expect("codeLens");
        r.as_array().cloned().unwrap_or_default()
    }

    /// The latest published diagnostics of `path` with the given code.
    pub fn diagnostics_with_code(&self, path: &Path, code: &str) -> Option<Vec<Value>> {
        self.diagnostics(path)
            .map(|d| d.into_iter().filter(|d| d["code"] == code).collect())
    }
}

// ------------------------------------------------ sessions against a fresh index
// (shared by the soak and the protocol-level property test)

/// What edits insert: names, figures, quotes, sentence ends, line breaks
/// (LF and CRLF) and multi-byte text (2-, 3- and 4-byte UTF-8, surrogate
/// pairs in UTF-16).
pub const SNIPPETS: &[&str] = &[
    "Vladimir Putin",
    "Alexander Lukashenko",
    " said ",
    "Belarus",
    "25 million tonnes",
    "24 million tonnes",
    "$1.5 billion",
    "40%",
    " on 12 March 2019",
    "\"We will not give up,\" he said. ",
    ". ",
    "\n",
    "\r\n",
    "\n\n",
    "Лукашенко заявил",
    "café Zürich",
    "😀",
    "𝔘𝔫𝔦",
    "—",
    "e\u{301}",
    "x",
    " ",
];

/// The LSP position (UTF-16) of byte offset `at`, which is on a character
/// boundary and never between "\r" and "\n" (see [`snap_back`]).
pub fn position(text: &str, at: usize) -> Value {
    let before = &text[..at];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let character = before[start..].encode_utf16().count();
    json!({"line": line, "character": character})
}

/// Every file under `root` (hidden ones included; symbolic links listed,
/// never followed), sorted.
pub fn all_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if std::fs::symlink_metadata(&p).unwrap().is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The `.txt` files under `root`, sorted.
pub fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = all_files(root);
    out.retain(|p| p.extension().is_some_and(|x| x == "txt"));
    out
}

/// Every file under `dir` (path relative to it → bytes), to prove what was
/// and was not written.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    all_files(dir)
        .into_iter()
        .map(|p| {
            let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            let bytes = std::fs::read(&p).unwrap_or_default();
            (rel, bytes)
        })
        .collect()
}

/// The latest diagnostics per URI, as published (order included); empty
/// lists (cleared, or nothing to say) are dropped.
pub fn diagnostics(s: &Server) -> BTreeMap<String, Vec<Value>> {
    let ib = s.inbox.lock().unwrap();
    ib.diagnostics
        .iter()
        .filter(|(_, d)| !d.is_empty())
        .map(|(u, d)| (u.clone(), d.clone()))
        .collect()
}

/// The first difference between two diagnostics maps, for a failure message.
pub fn first_difference(
    a: &BTreeMap<String, Vec<Value>>,
    b: &BTreeMap<String, Vec<Value>>,
) -> String {
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    for k in keys {
        if a.get(k) != b.get(k) {
            return format!(
                "{k}:\n incremental: {}\n fresh:       {}",
                serde_json::to_string(&a.get(k)).unwrap(),
                serde_json::to_string(&b.get(k)).unwrap()
            );
        }
    }
    "none".into()
}

/// A request that must succeed.
pub fn ask(s: &mut Server, method: &str, params: Value) -> Value {
    s.request(method, params)
        .unwrap_or_else(|e| panic!("{method} failed: {e}; log:\n{}", s.log()))
}

/// Hover, definition and references at each position, in order.
pub fn answers(s: &mut Server, probes: &[(String, Value)]) -> Vec<Value> {
    let mut out = Vec::new();
    for (u, pos) in probes {
        let at = json!({"textDocument": {"uri": u}, "position": pos});
        out.push(ask(s, "textDocument/hover", at.clone()));
        out.push(ask(s, "textDocument/definition", at.clone()));
        let mut refs = at.clone();
        refs["context"] = json!({"includeDeclaration": true});
        out.push(ask(s, "textDocument/references", refs));
    }
    out
}

/// The semantic tokens (`data`) of each document.
pub fn tokens(s: &mut Server, uris: &[String]) -> Vec<Value> {
    uris.iter()
        .map(|u| {
            ask(
                s,
                "textDocument/semanticTokens/full",
                json!({"textDocument": {"uri": u}}),
            )["data"]
                .clone()
        })
        .collect()
}

/// Byte offset `at` (at most the text's length) moved back to a character
/// boundary, and never between "\r" and "\n": a valid edit position.
pub fn snap_back(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    if at > 0 && text.as_bytes()[at - 1] == b'\r' {
        at -= 1;
    }
    at
}

/// The end of an edit range at byte offset `end` (clamped to the text),
/// moved forward to a character boundary and past a "\r" it would split
/// from its "\n".
pub fn snap_forward(text: &str, end: usize) -> usize {
    let mut end = end.min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    if end > 0 && end < text.len() && text.as_bytes()[end - 1] == b'\r' {
        end += 1;
    }
    end
}
