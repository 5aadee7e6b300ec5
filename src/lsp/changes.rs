//! The one ordered path for document changes.
//!
//! tower-lsp-server may run notification handlers concurrently, so handlers
//! never touch the corpus: they queue a [`Change`] and return. A single task
//! applies changes in the order they were queued, in batches: it updates the
//! open buffers, reads what changed on disk, analyses the changed documents
//! off the async executor, installs the results under a short write lock and
//! tells the publisher which documents' diagnostics to refresh.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustc_hash::FxHashMap;
use tokio::sync::{mpsc, oneshot, watch};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, TextDocumentContentChangeEvent};

use super::buffer::Buffer;
use super::indexing;
use super::publish::Publish;
use super::state::Shared;
use crate::analysis::analyze;
use crate::analysis::corpus::Incoming;

pub enum Change {
    Open {
        path: PathBuf,
        version: i32,
        text: String,
    },
    Edit {
        path: PathBuf,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
    },
    Close {
        path: PathBuf,
    },
    /// Paths that may have changed on disk (files or folders, present or gone).
    Disk {
        paths: Vec<PathBuf>,
    },
    /// Documents read and analysed by the initial indexing.
    Indexed {
        docs: Vec<Incoming>,
        /// Present on the last batch: answered once every document's
        /// diagnostics are published.
        done: Option<oneshot::Sender<()>>,
    },
    /// The project file or the client settings changed: reload and re-analyse.
    Config,
}

/// How long the disk must be quiet before touched paths are read: tools
/// write files in several steps (truncate, then write), and reading in
/// between would see a text that never really existed.
const DISK_QUIET: Duration = Duration::from_millis(60);
/// The longest a stream of disk events may delay reading.
const DISK_MAX_DELAY: Duration = Duration::from_millis(600);

/// Collect touched paths until the disk is quiet, then queue them as one
/// [`Change::Disk`].
pub async fn debounce_disk(shared: Arc<Shared>, mut rx: mpsc::UnboundedReceiver<Vec<PathBuf>>) {
    while let Some(first) = rx.recv().await {
        let mut paths = first;
        let started = Instant::now();
        while started.elapsed() < DISK_MAX_DELAY {
            match tokio::time::timeout(DISK_QUIET, rx.recv()).await {
                Ok(Some(more)) => paths.extend(more),
                _ => break,
            }
        }
        paths.sort();
        paths.dedup();
        shared.send(Change::Disk { paths });
    }
}

/// Run the change queue until the server stops.
pub async fn run(
    shared: Arc<Shared>,
    client: Client,
    mut rx: mpsc::UnboundedReceiver<Change>,
    applied: watch::Sender<u64>,
    publish: mpsc::UnboundedSender<Publish>,
) {
    let mut buffers: FxHashMap<PathBuf, Buffer> = FxHashMap::default();
    let mut applied_edits = 0u64;
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        while let Ok(c) = rx.try_recv() {
            batch.push(c);
        }
        let mut step = Step::default();
        for change in batch {
            step.take(change, &mut buffers, &shared);
        }
        let edits = step.edits;
        step.apply(&shared, &client, &buffers, &publish).await;
        applied_edits += edits;
        let _ = applied.send(applied_edits);
    }
}

/// What one batch of changes amounts to.
#[derive(Default)]
struct Step {
    /// New texts (Some) or removals (None) by path; the last change wins.
    texts: FxHashMap<PathBuf, Option<Arc<str>>>,
    /// Paths to look at on disk after the buffers are updated.
    disk: Vec<PathBuf>,
    indexed: Vec<Incoming>,
    done: Vec<oneshot::Sender<()>>,
    config: bool,
    edits: u64,
    /// Editor versions of the buffers this batch opened, edited (Some) or
    /// closed (None). Recorded in `shared.open` only once the corpus holds
    /// the texts, so that the publisher never labels diagnostics of an older
    /// text with a newer version.
    versions: FxHashMap<PathBuf, Option<i32>>,
}

impl Step {
    fn take(&mut self, change: Change, buffers: &mut FxHashMap<PathBuf, Buffer>, shared: &Shared) {
        match change {
            Change::Open {
                path,
                version,
                text,
            } => {
                self.edits += 1;
                self.versions.insert(path.clone(), Some(version));
                let buf = Buffer::new(&text, version);
                buffers.insert(path.clone(), buf);
                self.texts.insert(path, Some(Arc::from(text)));
            }
            Change::Edit {
                path,
                version,
                changes,
            } => {
                self.edits += 1;
                let Some(buf) = buffers.get_mut(&path) else {
                    tracing::warn!(
                        "didChange for {} which is not open; ignored (send didOpen first)",
                        path.display()
                    );
                    return;
                };
                if version <= buf.version {
                    tracing::warn!(
                        "didChange for {}: version went backwards ({} after {}); applied in arrival order",
                        path.display(),
                        version,
                        buf.version
                    );
                }
                let enc = shared.encoding();
                for c in &changes {
                    buf.apply(c, enc);
                }
                buf.version = version;
                self.versions.insert(path.clone(), Some(version));
                self.texts.insert(path, Some(Arc::from(buf.text())));
            }
            Change::Close { path } => {
                self.edits += 1;
                buffers.remove(&path);
                self.versions.insert(path.clone(), None);
                // back to what the disk says (or gone, for unsaved buffers)
                self.texts.remove(&path);
                self.disk.push(path);
            }
            Change::Disk { paths } => self.disk.extend(paths),
            Change::Indexed { docs, done } => {
                self.indexed.extend(docs);
                self.done.extend(done);
            }
            Change::Config => self.config = true,
        }
    }

    async fn apply(
        mut self,
        shared: &Arc<Shared>,
        client: &Client,
        buffers: &FxHashMap<PathBuf, Buffer>,
        publish: &mpsc::UnboundedSender<Publish>,
    ) {
        // disk: skip what the editor has open; the buffer wins
        self.disk.retain(|p| !buffers.contains_key(p));
        let refresh = self.config || !self.disk.is_empty() || !self.done.is_empty();
        if self.config
            || self
                .disk
                .iter()
                .any(|p| indexing::is_project_file(shared, p))
        {
            self.config |= indexing::reload_config(shared, client).await;
        }
        if !self.disk.is_empty() {
            let disk = std::mem::take(&mut self.disk);
            let (found, problems) = indexing::resolve_disk(shared.clone(), disk).await;
            for (p, t) in found {
                if !buffers.contains_key(&p) {
                    self.texts.insert(p, t);
                }
            }
            indexing::report_unreadable(shared, client, problems).await;
        }
        // initial indexing results, unless the editor has the file open
        let indexed = std::mem::take(&mut self.indexed);
        // analyse what changed, off the executor
        let shared2 = shared.clone();
        let texts = std::mem::take(&mut self.texts);
        let config = self.config;
        let versions = std::mem::take(&mut self.versions);
        // the first indexing is over (its end is a message of its own,
        // with or after the last batch): documents come one at a time
        // from now on
        let first_indexing_done = !self.done.is_empty();
        let res = tokio::task::spawn_blocking(move || {
            let cfg = shared2.corpus.read().config().clone();
            let mut work: Vec<(PathBuf, Option<Arc<str>>)> = texts.into_iter().collect();
            if config {
                // every document, re-analysed with the new configuration
                let corpus = shared2.corpus.read();
                for (_, d) in corpus.documents() {
                    if !work.iter().any(|(p, _)| p == &d.path) {
                        work.push((d.path.clone(), Some(d.text.clone())));
                    }
                }
            } else {
                let corpus = shared2.corpus.read();
                // unchanged text (a didOpen of what is on disk): nothing to do
                work.retain(
                    |(p, t)| match (t, corpus.doc_id(p).and_then(|id| corpus.doc(id))) {
                        (Some(t), Some(d)) => *d.text != **t,
                        (None, None) => false,
                        _ => true,
                    },
                );
            }
            let started = Instant::now();
            let n = work.len();
            let analysed = analyse_all(work, &cfg);
            let analysed_at = Instant::now();
            let mut corpus = shared2.corpus_mut();
            let locked_at = Instant::now();
            let mut changed = Vec::new();
            let mut edited = Vec::new();
            let mut removed = Vec::new();
            // first indexing: the bulk path, which works out no effects on
            // other documents: once the last batch is in, every document's
            // diagnostics are published (`all`), and publishing a partial
            // corpus before would only be redone
            let fresh: Vec<_> = indexed
                .into_iter()
                .filter(|d| corpus.doc_id(d.path()).is_none())
                .collect();
            let indexed = fresh.len();
            corpus.upsert_incoming(fresh);
            if indexed > 0 {
                tracing::debug!(
                    "{indexed} indexed documents installed in {:.1} ms, the corpus locked after {:.1} ms",
                    locked_at.elapsed().as_secs_f64() * 1e3,
                    (locked_at - analysed_at).as_secs_f64() * 1e3,
                );
            }
            if first_indexing_done {
                let t = Instant::now();
                corpus.settle();
                tracing::debug!(
                    "the indexes settled in {:.1} ms",
                    t.elapsed().as_secs_f64() * 1e3
                );
            }
            for (path, res) in analysed {
                match res {
                    Some(doc) => {
                        let named = corpus.upsert_staged(doc);
                        let id = corpus.doc_id(&path);
                        // with a new configuration every document is
                        // re-analysed: none comes before the others
                        match id.filter(|_| !config) {
                            Some(id) => {
                                edited.push(id);
                                changed.extend(named.into_iter().filter(|&d| d != id));
                            }
                            None => changed.extend(named),
                        }
                    }
                    None => {
                        if corpus.doc_id(&path).is_some() {
                            changed.extend(corpus.remove(&path));
                            removed.push(path);
                        }
                    }
                }
            }
            // the texts are installed: their versions now label diagnostics
            // (still under the write lock, so the publisher sees both at once)
            let mut open = shared2.open.lock();
            for (path, v) in versions {
                match v {
                    Some(v) => open.insert(path, v),
                    None => open.remove(&path),
                };
            }
            drop(open);
            changed.sort_unstable();
            changed.dedup();
            changed.retain(|d| !edited.contains(d));
            if n > 0 {
                tracing::debug!(
                    "{n} changed texts analysed in {:.1} ms, corpus locked after {:.1} ms, installed in {:.1} ms; {} other documents to republish",
                    (analysed_at - started).as_secs_f64() * 1e3,
                    (locked_at - analysed_at).as_secs_f64() * 1e3,
                    locked_at.elapsed().as_secs_f64() * 1e3,
                    changed.len()
                );
            }
            (edited, changed, removed)
        })
        .await;
        let (edited, changed, removed) = match res {
            Ok(r) => r,
            Err(e) => {
                if let Some(msg) = super::state::task_failed("applying changes", e) {
                    client
                        .show_message(
                            MessageType::ERROR,
                            format!("claimlens: internal error while applying changes: {msg}"),
                        )
                        .await;
                }
                (Vec::new(), Vec::new(), Vec::new())
            }
        };
        let all = !self.done.is_empty() || config;
        // tokens, lenses and hovers of other documents follow corpus-wide
        // answers (entity types, claim links) that any change may move
        let refresh = refresh || !edited.is_empty() || !changed.is_empty() || !removed.is_empty();
        let _ = publish.send(Publish {
            urgent: edited,
            docs: changed,
            removed,
            all,
            refresh,
            ack: self.done,
        });
    }
}

/// Analyse and stage documents in parallel; `None` texts stay removals.
fn analyse_all(
    work: Vec<(PathBuf, Option<Arc<str>>)>,
    cfg: &crate::analysis::config::Config,
) -> Vec<(PathBuf, Option<Incoming>)> {
    use rayon::prelude::*;
    // staged here, before the corpus is locked
    let stage = |(p, t): (PathBuf, Option<Arc<str>>)| {
        let r = t.map(|t| {
            let a = analyze(&t, cfg);
            Incoming::new(p.clone(), t, Arc::new(a))
        });
        (p, r)
    };
    if work.len() <= 1 {
        // a keystroke: on this thread, not queued behind whatever the
        // rayon pool is computing (diagnostics of other documents)
        return work.into_iter().map(stage).collect();
    }
    work.into_par_iter().map(stage).collect()
}
