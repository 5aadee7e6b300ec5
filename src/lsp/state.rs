//! What the server knows: the corpus (behind a lock), the session settings
//! negotiated with the client, and the counters that let a request wait until
//! every edit sent before it has been applied.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use parking_lot::{Mutex, RwLock, RwLockWriteGuard};
use rustc_hash::{FxHashMap, FxHashSet};
use tokio::sync::{mpsc, watch};
use tower_lsp_server::jsonrpc;
use tower_lsp_server::ls_types::Uri;

use super::changes::Change;
use super::convert;
use crate::analysis::config::DEFAULT_MAX_FILE_BYTES;
use crate::analysis::corpus::{Corpus, Document};
use crate::analysis::entities::DocId;
use crate::analysis::text::Encoding;

/// Settings the client sends (initializationOptions or the `claimlens`
/// configuration section).
#[derive(Clone, Debug, PartialEq)]
pub struct Settings {
    /// Files larger than this are skipped (a `claimlens.toml` limit wins).
    pub max_file_bytes: u64,
    /// Use the analysis cache (`"cache": false` turns it off).
    pub cache: bool,
    /// The analysis cache folder (`"cacheDir"`, absolute); `None`: the
    /// default (see [`crate::cache::cache_dir`]).
    pub cache_dir: Option<PathBuf>,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
            cache: true,
            cache_dir: None,
        }
    }
}

impl Settings {
    /// Read the settings object; unknown keys are ignored, bad values keep
    /// the default and are reported.
    pub fn from_json(v: &serde_json::Value) -> (Settings, Vec<String>) {
        let mut s = Settings::default();
        let mut problems = Vec::new();
        let v = v.get("claimlens").unwrap_or(v);
        let max = v
            .get("maxFileBytes")
            .or_else(|| v.pointer("/limits/maxFileBytes"));
        if let Some(m) = max.filter(|m| !m.is_null()) {
            match m.as_u64() {
                Some(n) if n > 0 => s.max_file_bytes = n,
                _ => problems.push(format!(
                    "claimlens.maxFileBytes must be a positive integer, got {m}"
                )),
            }
        }
        if let Some(c) = v.get("cache").filter(|c| !c.is_null()) {
            match c.as_bool() {
                Some(b) => s.cache = b,
                None => problems.push(format!("claimlens.cache must be true or false, got {c}")),
            }
        }
        if let Some(d) = v.get("cacheDir").filter(|d| !d.is_null()) {
            match d.as_str().map(PathBuf::from) {
                Some(p) if p.is_absolute() => s.cache_dir = Some(p),
                _ => problems.push(format!(
                    "claimlens.cacheDir must be an absolute path, got {d}"
                )),
            }
        }
        (s, problems)
    }
}

/// Facts about the session, fixed at `initialize` or changed by the client.
#[derive(Clone, Debug)]
pub struct Session {
    pub encoding: Encoding,
    pub roots: Vec<PathBuf>,
    pub client_watches_files: bool,
    pub work_done_progress: bool,
    pub show_document: bool,
    pub configuration_requests: bool,
    /// The client accepts `workspace/semanticTokens/refresh` and
    /// `workspace/codeLens/refresh`.
    pub refresh_tokens: bool,
    pub refresh_lenses: bool,
    pub settings: Settings,
}

impl Default for Session {
    fn default() -> Session {
        Session {
            encoding: Encoding::Utf16,
            roots: Vec::new(),
            client_watches_files: false,
            work_done_progress: false,
            show_document: false,
            configuration_requests: false,
            refresh_tokens: false,
            refresh_lenses: false,
            settings: Settings::default(),
        }
    }
}

/// How long the server waits for the client to answer one of its own
/// requests (configuration, registrations, progress tokens, refreshes,
/// showDocument). A client may never answer; the server goes on without.
pub const CLIENT_ANSWER: Duration = Duration::from_secs(5);

/// Await the client's answer to a server request, for at most
/// [`CLIENT_ANSWER`]; `None` (and a log line) when it refuses or is silent.
pub async fn client_answer<T, E: std::fmt::Display>(
    what: &str,
    request: impl std::future::Future<Output = Result<T, E>>,
) -> Option<T> {
    match tokio::time::timeout(CLIENT_ANSWER, request).await {
        Ok(Ok(v)) => Some(v),
        Ok(Err(e)) => {
            tracing::warn!("{what}: the client answered with an error: {e}");
            None
        }
        Err(_) => {
            tracing::warn!(
                "{what}: no answer from the client in {CLIENT_ANSWER:?}; going on without"
            );
            None
        }
    }
}

pub struct Shared {
    /// Changed through [`Shared::corpus_mut`].
    pub corpus: RwLock<Corpus>,
    /// How many are waiting for the corpus write lock: long readers
    /// ([`Corpus::prepare_findings`]) give way to them.
    writers: AtomicUsize,
    pub session: RwLock<Session>,
    changes: mpsc::UnboundedSender<Change>,
    /// Paths touched on disk, on their way through the debouncer.
    disk: mpsc::UnboundedSender<Vec<PathBuf>>,
    /// Client edits sent to the change queue / applied by it.
    sent: AtomicU64,
    applied: watch::Receiver<u64>,
    /// Versions of the documents open in the editor.
    pub open: Mutex<FxHashMap<PathBuf, i32>>,
    /// Paths already reported as unreadable (one message each).
    pub warned: Mutex<FxHashSet<PathBuf>>,
    /// Where the corpus's judged figures are kept between runs (beside the
    /// analysis cache), when it is on.
    pub judged_file: Mutex<Option<PathBuf>>,
    /// `initialize` was answered successfully.
    pub initialized: AtomicBool,
    pub shutdown_requested: AtomicBool,
    /// For tests only: the request (by the name `read` logs, e.g. "hover")
    /// whose analysis panics on purpose, from the `CLAIMLENS_TEST_PANIC`
    /// environment variable read at startup; proves that a panic becomes an
    /// error response. No client message can set it.
    panic_in: Option<String>,
    /// For tests only: answer [`DEBUG_DOCUMENTS`], from the
    /// `CLAIMLENS_DEBUG_REQUESTS` environment variable (`1`) read at
    /// startup. Off, the method is unknown to the server; no client message
    /// can turn it on.
    pub debug_requests: bool,
}

/// `claimlens/debug/documents`: every document the corpus holds, as
/// `{"documents": [{"uri", "text", "version"}]}` sorted by URI (`version`
/// is the editor's for open documents, null for the others): the texts the
/// answers are computed from, so that a test can check the buffers after a
/// session of incremental edits. Answered only with
/// `CLAIMLENS_DEBUG_REQUESTS=1` in the server's environment; otherwise
/// "method not found", as for any other unknown method.
pub const DEBUG_DOCUMENTS: &str = "claimlens/debug/documents";

impl Shared {
    pub fn new(
        changes: mpsc::UnboundedSender<Change>,
        disk: mpsc::UnboundedSender<Vec<PathBuf>>,
        applied: watch::Receiver<u64>,
    ) -> Shared {
        Shared {
            corpus: RwLock::new(Corpus::default()),
            writers: AtomicUsize::new(0),
            session: RwLock::new(Session::default()),
            changes,
            disk,
            sent: AtomicU64::new(0),
            applied,
            open: Mutex::new(FxHashMap::default()),
            warned: Mutex::new(FxHashSet::default()),
            judged_file: Mutex::new(None),
            initialized: AtomicBool::new(false),
            shutdown_requested: AtomicBool::new(false),
            panic_in: std::env::var("CLAIMLENS_TEST_PANIC")
                .ok()
                .filter(|v| !v.is_empty()),
            debug_requests: std::env::var("CLAIMLENS_DEBUG_REQUESTS").is_ok_and(|v| v == "1"),
        }
    }

    /// The corpus, to change it: long readers that look at
    /// [`Shared::writer_waiting`] give way.
    pub fn corpus_mut(&self) -> RwLockWriteGuard<'_, Corpus> {
        self.writers.fetch_add(1, Ordering::SeqCst);
        let guard = self.corpus.write();
        self.writers.fetch_sub(1, Ordering::SeqCst);
        guard
    }

    /// How many changes the client has sent so far.
    pub fn edits_sent(&self) -> u64 {
        self.sent.load(Ordering::SeqCst)
    }

    /// Is someone waiting to change the corpus?
    pub fn writer_waiting(&self) -> bool {
        self.writers.load(Ordering::Relaxed) > 0
    }

    /// Has the client sent an edit the corpus does not hold yet? Background
    /// work (other documents' diagnostics) gives way to it.
    pub fn edit_pending(&self) -> bool {
        self.sent.load(Ordering::SeqCst) > *self.applied.borrow()
    }

    /// Queue a change from the client (open, edit, close): counted, so that
    /// later requests wait for it.
    pub fn send_edit(&self, change: Change) {
        self.sent.fetch_add(1, Ordering::SeqCst);
        let _ = self.changes.send(change);
    }

    /// Queue a change from elsewhere (indexing, configuration).
    pub fn send(&self, change: Change) {
        let _ = self.changes.send(change);
    }

    /// Report paths that may have changed on disk; they reach the change
    /// queue once the disk has been quiet for a moment.
    pub fn touched(&self, paths: Vec<PathBuf>) {
        let _ = self.disk.send(paths);
    }

    /// Wait until every client edit sent so far has been applied, so an
    /// answer follows what the user typed (bounded, so a stuck queue cannot
    /// hang a request).
    pub async fn edits_applied(&self) {
        let want = self.sent.load(Ordering::SeqCst);
        let mut rx = self.applied.clone();
        let _ = tokio::time::timeout(Duration::from_secs(5), rx.wait_for(|&n| n >= want)).await;
    }

    pub fn encoding(&self) -> Encoding {
        self.session.read().encoding
    }

    /// Run `f` over a consistent view of the corpus on a blocking thread. A
    /// panic inside becomes an error response and a log line; the server
    /// keeps serving.
    pub async fn read<T, F>(self: &Arc<Self>, what: &'static str, f: F) -> jsonrpc::Result<T>
    where
        T: Send + 'static,
        F: FnOnce(&View) -> T + Send + 'static,
    {
        self.edits_applied().await;
        let shared = self.clone();
        let forced = shared.panic_in.as_deref() == Some(what);
        let asked = std::time::Instant::now();
        let res = tokio::task::spawn_blocking(move || {
            if forced {
                panic!("forced by CLAIMLENS_TEST_PANIC={what}");
            }
            let corpus = shared.corpus.read();
            let locked = asked.elapsed();
            let view = View {
                corpus: &corpus,
                enc: shared.encoding(),
            };
            let v = f(&view);
            tracing::debug!(
                "{what}: corpus read after {:.2} ms, answered after {:.2} ms",
                locked.as_secs_f64() * 1e3,
                asked.elapsed().as_secs_f64() * 1e3
            );
            v
        })
        .await;
        match res {
            Ok(v) => Ok(v),
            Err(e) => {
                let msg = if e.is_panic() {
                    panic_message(e.into_panic())
                } else {
                    "cancelled".into()
                };
                tracing::error!("internal error in {what}: {msg}");
                Err(jsonrpc::Error {
                    code: jsonrpc::ErrorCode::InternalError,
                    message: format!("claimlens: internal error in {what}: {msg}").into(),
                    data: None,
                })
            }
        }
    }
}

/// What a panic carried, as text.
fn panic_message(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Report a background task of the server's own (not a request) that ended
/// without a value. A panic is an internal error: logged, and its message
/// returned for the caller to show. A cancellation only means the runtime
/// is shutting down (the client exited first): nothing is lost, so it is
/// logged for debugging only and `None` is returned.
pub fn task_failed(doing: &str, e: tokio::task::JoinError) -> Option<String> {
    if e.is_panic() {
        let msg = panic_message(e.into_panic());
        tracing::error!("internal error while {doing}: {msg}");
        Some(msg)
    } else {
        tracing::debug!("stopped while {doing}: the server is exiting");
        None
    }
}

/// A read-only view of the corpus for one request.
pub struct View<'a> {
    pub corpus: &'a Corpus,
    pub enc: Encoding,
}

impl View<'_> {
    pub fn doc(&self, uri: &Uri) -> Option<(DocId, &Document)> {
        let path = convert::uri_to_path(uri);
        self.doc_by_path(&path)
    }

    pub fn doc_by_path(&self, path: &Path) -> Option<(DocId, &Document)> {
        let id = self.corpus.doc_id(path)?;
        Some((id, self.corpus.doc(id)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_parse_and_report_bad_values() {
        let (s, p) = Settings::from_json(&serde_json::json!({"claimlens": {"maxFileBytes": 5}}));
        assert_eq!(s.max_file_bytes, 5);
        assert!(p.is_empty());
        let (s, p) = Settings::from_json(&serde_json::json!({"maxFileBytes": "big"}));
        assert_eq!(s.max_file_bytes, DEFAULT_MAX_FILE_BYTES);
        assert_eq!(p.len(), 1);
        // VS Code answers unset settings with null: not a problem
        let (s, p) = Settings::from_json(&serde_json::json!({"maxFileBytes": null}));
        assert_eq!(s.max_file_bytes, DEFAULT_MAX_FILE_BYTES);
        assert!(p.is_empty());
        assert!(s.cache && s.cache_dir.is_none());
        let (s, p) = Settings::from_json(
            &serde_json::json!({"claimlens": {"cache": false, "cacheDir": "/var/cache/cl"}}),
        );
        assert!(!s.cache);
        assert_eq!(s.cache_dir, Some(PathBuf::from("/var/cache/cl")));
        assert!(p.is_empty());
        let (s, p) = Settings::from_json(&serde_json::json!({"cache": 1, "cacheDir": "rel"}));
        assert!(s.cache && s.cache_dir.is_none());
        assert_eq!(p.len(), 2);
    }
}
