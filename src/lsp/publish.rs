//! Publishing diagnostics: findings of the documents whose answers changed.
//!
//! Two queues. *Urgent* holds the documents whose own text just changed (a
//! keystroke, a file written on disk): the user is looking at them, so they
//! are published first, as soon as the change is installed (no quiet period:
//! the change task already folds the keystrokes that arrive while it works
//! into one change, and so does this queue). The *backlog*
//! holds everything else: documents whose findings a change may have moved
//! (a conflict partner of an edited figure), every document after the
//! first indexing or a configuration change. It waits while the user types
//! (until typing pauses for [`SETTLE`]), then is published a chunk at a
//! time, both cores computing, and new urgent work is taken between chunks,
//! so a keystroke never waits behind a whole corpus; a chunk stops early
//! when the client has sent an edit.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use parking_lot::RwLock;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::notification::{Notification, PublishDiagnostics};
use tower_lsp_server::ls_types::{Diagnostic, DiagnosticSeverity, Range};

use super::convert::{self, JsonUri};
use super::state::{Shared, View, client_answer};
use super::transport::Note;
use crate::analysis::corpus::{ClaimMemo, Corpus, Document};
use crate::analysis::entities::DocId;
use crate::analysis::span::Span;
use crate::cache;

/// Backlog documents computed per step, between two looks at new work. A
/// step holds the corpus read lock, which an edit waits for: while the user
/// is typing (urgent work within [`TYPING`]) steps are short, a few
/// milliseconds of both cores at 10k articles; otherwise (the first
/// indexing) longer steps share more statement comparisons.
const CHUNK_TYPING: usize = 4;
const CHUNK: usize = 64;
const TYPING: Duration = Duration::from_secs(2);
/// The longest the backlog waits for an edit it gave way to (a bound only:
/// it waits until the edit is installed).
const EDIT_WAIT: Duration = Duration::from_millis(100);
/// The backlog waits until the user has stopped typing this long. Otherwise
/// every keystroke would send again all the other documents it touches
/// (their findings point at places it moved, or at a figure or name it
/// changed) ahead of the next keystroke's diagnostics: in a transcript of
/// the 10k-article benchmark corpus, 57 documents and 4 MB of JSON for a
/// keystroke that moves figures, 179 for one inside a figure.
pub(super) const SETTLE: Duration = Duration::from_millis(400);
/// Judge the whole corpus's figures at once when at least one document in
/// this many waits to be published.
const PREPARE_SHARE: usize = 8;

pub struct Publish {
    /// Documents whose own text changed: published first.
    pub urgent: Vec<DocId>,
    /// Other documents whose findings may have changed.
    pub docs: Vec<DocId>,
    /// Documents that left the corpus: their diagnostics are cleared.
    pub removed: Vec<PathBuf>,
    /// Publish for every document (after indexing or a configuration
    /// change); the open ones first.
    pub all: bool,
    /// Answers the client caches may have changed beyond the documents
    /// listed (any change of the corpus: entity types and claim links are
    /// corpus-wide): ask it to re-request tokens and lenses.
    pub refresh: bool,
    /// Answered once everything queued so far is published.
    pub ack: Vec<oneshot::Sender<()>>,
}

/// What the publisher has still to do.
#[derive(Default)]
struct Queue {
    urgent: Vec<DocId>,
    backlog: Vec<DocId>,
    queued: FxHashSet<DocId>,
    /// When urgent work last arrived.
    typed: Option<Instant>,
    removed: Vec<PathBuf>,
    all: bool,
    refresh: bool,
    acks: Vec<oneshot::Sender<()>>,
}

impl Queue {
    fn take(&mut self, m: Publish) {
        if !m.urgent.is_empty() {
            self.typed = Some(Instant::now());
        }
        self.later(m.docs);
        for d in m.urgent {
            if !self.urgent.contains(&d) {
                self.urgent.push(d);
            }
        }
        self.removed.extend(m.removed);
        self.all |= m.all;
        self.refresh |= m.refresh;
        self.acks.extend(m.ack);
    }

    fn later(&mut self, docs: impl IntoIterator<Item = DocId>) {
        for d in docs {
            if self.queued.insert(d) {
                self.backlog.push(d);
            }
        }
    }

    /// How much longer the backlog waits for typing to pause (see
    /// [`SETTLE`]); `None` when it may go on.
    fn held(&self) -> Option<Duration> {
        let left = SETTLE.saturating_sub(self.typed?.elapsed());
        (!left.is_zero()).then_some(left)
    }

    /// Has urgent work arrived lately?
    fn typing(&self) -> bool {
        self.typed.is_some_and(|t| t.elapsed() < TYPING)
    }

    fn is_idle(&self) -> bool {
        self.urgent.is_empty() && self.backlog.is_empty() && self.removed.is_empty() && !self.all
    }

    /// The next documents to publish: all urgent ones, else a chunk of the
    /// backlog unless it is held.
    fn next(&mut self) -> Vec<DocId> {
        if !self.urgent.is_empty() {
            let out = std::mem::take(&mut self.urgent);
            for d in &out {
                self.queued.remove(d);
            }
            self.backlog.retain(|d| !out.contains(d));
            return out;
        }
        if self.held().is_some() {
            return Vec::new();
        }
        let typing = self.typing();
        let n = self
            .backlog
            .len()
            .min(if typing { CHUNK_TYPING } else { CHUNK });
        let out: Vec<DocId> = self.backlog.drain(..n).collect();
        for d in &out {
            self.queued.remove(d);
        }
        out
    }
}

/// What was last published for a document with findings: the spans of its
/// flagged figures and the documents its findings refer to. Those
/// documents' findings point at these spans; when the spans move (typing
/// above them), they are republished.
type Shown = FxHashMap<DocId, (Vec<Span>, Vec<DocId>)>;

/// Publish what arrives on `rx`, writing the notifications through `notes`
/// (see [`super::transport`]).
pub async fn run(
    shared: Arc<Shared>,
    client: Client,
    mut rx: mpsc::UnboundedReceiver<Publish>,
    notes: mpsc::Sender<Note>,
) {
    let mut q = Queue::default();
    let mut shown: Shown = FxHashMap::default();
    let uris = Arc::new(Uris::default());
    // written once the last chunk of the backlog sent is written
    let mut in_flight: Option<oneshot::Receiver<()>> = None;
    loop {
        if q.is_idle() {
            uris.clear();
            let written = finish(&shared, &client, &mut q);
            // answered once what was published before is written
            if !written.is_empty() {
                let _ = notes
                    .send(Note {
                        frame: Vec::new(),
                        written,
                    })
                    .await;
            }
            let Some(first) = rx.recv().await else { break };
            q.take(first);
        } else if q.urgent.is_empty()
            && q.removed.is_empty()
            && !q.all
            && let Some(left) = q.held()
        {
            // only the backlog, held while the user types
            match tokio::time::timeout(left, rx.recv()).await {
                Ok(Some(m)) => q.take(m),
                Ok(None) => break,
                Err(_) => {}
            }
        }
        while let Ok(m) = rx.try_recv() {
            q.take(m);
        }
        if leaving(&shared, &q) {
            break;
        }
        for path in std::mem::take(&mut q.removed) {
            if let Some(frame) = cleared(&path) {
                let _ = notes.send(Note::from(frame)).await;
            }
        }
        if std::mem::take(&mut q.all) {
            let corpus = shared.corpus.read();
            let open = shared.open.lock();
            let mut ids: Vec<(bool, &std::path::Path, DocId)> = corpus
                .documents()
                .map(|(id, d)| (!open.contains_key(&d.path), d.path.as_path(), id))
                .collect();
            ids.sort();
            let (first, rest): (Vec<_>, Vec<_>) = ids.into_iter().partition(|x| !x.0);
            q.urgent.extend(first.into_iter().map(|x| x.2));
            q.later(rest.into_iter().map(|x| x.2));
        }
        let urgent = !q.urgent.is_empty();
        // while the user types, other documents' diagnostics are computed
        // only once the last chunk of them is written: a keystroke's own
        // diagnostics then queue behind one chunk at most
        if !urgent
            && q.typing()
            && let Some(w) = in_flight.as_mut()
        {
            tokio::select! {
                m = rx.recv() => match m {
                    Some(m) => q.take(m),
                    None => break,
                },
                _ = w => in_flight = None,
            }
            continue;
        }
        let ids = q.next();
        if ids.is_empty() {
            continue;
        }
        // a large backlog (the first indexing) is judged at once when
        // nobody is typing
        let bulk = (!urgent && !q.typing()).then_some(q.backlog.len() + ids.len());
        let sh = shared.clone();
        let uris = uris.clone();
        let started = Instant::now();
        let n = ids.len();
        // while the user types, other documents are computed on one core,
        // leaving the other to the next keystroke
        let parallel = urgent || !q.typing();
        let batch =
            tokio::task::spawn_blocking(move || compute(&sh, &uris, &ids, bulk, urgent, parallel))
                .await;
        if urgent {
            tracing::debug!(
                "diagnostics of {n} edited documents computed in {:.1} ms",
                started.elapsed().as_secs_f64() * 1e3
            );
        }
        let (batch, skipped) = match batch {
            Ok(b) => b,
            Err(e) => {
                super::state::task_failed("computing diagnostics", e);
                continue;
            }
        };
        // left for an edit on its way: first in line again, after it
        let gave_way = batch.is_empty() && !skipped.is_empty();
        let front: Vec<DocId> = skipped
            .into_iter()
            .filter(|&d| q.queued.insert(d))
            .collect();
        q.backlog.splice(0..0, front);
        if gave_way {
            // until the edit is installed (its diagnostics are then queued:
            // the change task hands them over before counting it applied)
            let _ = tokio::time::timeout(EDIT_WAIT, shared.edits_applied()).await;
        }
        let count = batch.len();
        for (k, p) in batch.into_iter().enumerate() {
            let last = k + 1 == count;
            // documents pointing at this one's figures, when those moved
            if urgent {
                let before = shown.get(&p.id);
                let moved = before.map(|b| &b.0) != Some(&p.spans)
                    && !(before.is_none() && p.spans.is_empty());
                if moved {
                    let mut partners = p.partners.clone();
                    if let Some(b) = before {
                        partners.extend(b.1.iter().copied());
                    }
                    partners.retain(|&d| d != p.id);
                    q.later(partners);
                }
            }
            if p.spans.is_empty() {
                shown.remove(&p.id);
            } else {
                shown.insert(p.id, (p.spans, p.partners));
            }
            if leaving(&shared, &q) {
                return;
            }
            let mut note = Note::from(p.frame);
            if !urgent && last {
                let (tx, rx) = oneshot::channel();
                note.written.push(tx);
                in_flight = Some(rx);
            }
            let _ = notes.send(note).await;
        }
    }
}

/// Has the client asked to shut down? It is leaving, and may have stopped
/// reading: nothing queued is published any more (a client that no longer
/// reads would otherwise keep the server writing, and never reading
/// `exit`).
fn leaving(shared: &Shared, q: &Queue) -> bool {
    let leaving = shared.shutdown_requested.load(Ordering::SeqCst);
    if leaving {
        tracing::debug!(
            "shutdown requested: the diagnostics of {} queued documents are not published",
            q.urgent.len() + q.backlog.len()
        );
    }
    leaving
}

/// Documents' URIs, each made once while there is work to publish. A
/// document's URI is written into the related information of every
/// finding that points at it: at 100k generated articles, percent-encoding
/// and parsing them again for each one took a tenth of publishing the
/// first indexing's diagnostics (perf, at 94fe0ae). An entry holds the path
/// it was made from, so a document id given to another file after a
/// removal is not answered with the old URI; the memo is emptied whenever
/// the queue runs dry.
#[derive(Default)]
struct Uris(RwLock<FxHashMap<DocId, (PathBuf, JsonUri)>>);

impl Uris {
    fn of(&self, id: DocId, doc: &Document) -> Option<JsonUri> {
        if let Some((path, uri)) = self.0.read().get(&id)
            && *path == doc.path
        {
            return Some(uri.clone());
        }
        let uri = JsonUri::of_path(&doc.path)?;
        self.0.write().insert(id, (doc.path.clone(), uri.clone()));
        Some(uri)
    }

    fn clear(&self) {
        let mut m = self.0.write();
        if m.capacity() > 0 {
            *m = FxHashMap::default();
        }
    }
}

/// One document's diagnostics, ready to send.
struct Published {
    id: DocId,
    /// The `textDocument/publishDiagnostics` notification.
    frame: Vec<u8>,
    spans: Vec<Span>,
    partners: Vec<DocId>,
}

/// The notification publishing `diagnostics` for the document at `uri`.
fn frame(uri: &JsonUri, diagnostics: &[Diag], version: Option<i32>) -> Vec<u8> {
    /// `PublishDiagnosticsParams`, field for field.
    #[derive(Serialize)]
    struct Params<'a> {
        uri: &'a JsonUri,
        diagnostics: &'a [Diag],
        #[serde(skip_serializing_if = "Option::is_none")]
        version: Option<i32>,
    }
    Note::frame(
        PublishDiagnostics::METHOD,
        &Params {
            uri,
            diagnostics,
            version,
        },
    )
}

/// The notification clearing the diagnostics of a file that is gone.
fn cleared(path: &std::path::Path) -> Option<Vec<u8>> {
    Some(frame(&JsonUri::of_path(path)?, &[], None))
}

/// A diagnostic as the protocol's `Diagnostic` is written (the fields
/// claimlens sets, in that type's order), made from a finding without
/// copying its texts or its places' URIs: the first publishing of 100k
/// generated articles writes 1 GB of these, and building `Diagnostic`s
/// (each related place's URI cloned, then escaped again) took a fifth of
/// it (perf, reopening that corpus at 756b0eb).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Diag {
    range: Range,
    severity: DiagnosticSeverity,
    code: &'static str,
    source: &'static str,
    message: String,
    related_information: Vec<Related>,
}

/// `DiagnosticRelatedInformation`, field for field.
#[derive(Debug, Serialize)]
struct Related {
    location: Place,
    message: String,
}

/// `Location`, field for field.
#[derive(Debug, Serialize)]
struct Place {
    uri: JsonUri,
    range: Range,
}

/// The diagnostics of `ids`, computed on all cores. `bulk`: how many
/// documents wait to be published, these included, when judging the whole
/// corpus's figures at once may pay. Unless `urgent`, documents not yet
/// started when an edit is on its way (sent by the client, or waiting for
/// the corpus) are left out and returned (second), so that the edit waits
/// for at most one document per core.
fn compute(
    shared: &Shared,
    uris: &Uris,
    ids: &[DocId],
    bulk: Option<usize>,
    urgent: bool,
    parallel: bool,
) -> (Vec<Published>, Vec<DocId>) {
    let corpus = shared.corpus.read();
    // judging every pair of figures at once costs about what an eighth of
    // the corpus costs document by document (`claimlens bench` at 1ee4166,
    // 10k articles: 1.15 s of two cores against 12.4 s of one for all
    // documents); it gives way to an edit waiting for the corpus
    if let Some(n) = bulk
        && n * PREPARE_SHARE >= corpus.len()
        && !corpus.findings_prepared()
    {
        judge(shared, &corpus);
    }
    let view = View {
        corpus: &corpus,
        enc: shared.encoding(),
    };
    let open = shared.open.lock().clone();
    let one = |memo: &mut ClaimMemo, &id: &DocId| {
        if !urgent && (shared.writer_waiting() || shared.edit_pending()) {
            return Err(id);
        }
        let Some(d) = corpus.doc(id) else {
            return Ok(None);
        };
        let Some(uri) = uris.of(id, d) else {
            return Ok(None);
        };
        let (diagnostics, spans, partners) = diagnostics_of(&view, id, memo, uris);
        Ok(Some(Published {
            id,
            frame: frame(&uri, &diagnostics, open.get(&d.path).copied()),
            spans,
            partners,
        }))
    };
    let done: Vec<Result<Option<Published>, DocId>> = if parallel {
        ids.par_iter().map_init(ClaimMemo::default, one).collect()
    } else {
        let mut memo = ClaimMemo::default();
        ids.iter().map(|id| one(&mut memo, id)).collect()
    };
    let mut published = Vec::with_capacity(done.len());
    let mut skipped = Vec::new();
    for r in done {
        match r {
            Ok(p) => published.extend(p),
            Err(id) => skipped.push(id),
        }
    }
    (published, skipped)
}

/// Judge every pair of the corpus's figures at once, or read the judgement
/// kept from the last run when the corpus is the same; keep a new one for
/// the next run (written on a thread of its own).
fn judge(shared: &Shared, corpus: &Corpus) {
    let started = Instant::now();
    let file = shared.judged_file.lock().clone();
    let how = cache::judge(corpus, file.as_deref(), &|| shared.writer_waiting());
    let secs = started.elapsed().as_secs_f64();
    let bytes = match how {
        cache::Judgement::GaveWay => return,
        cache::Judgement::Read => {
            tracing::info!(
                "figures of {} documents: judgement read in {secs:.2} s",
                corpus.len()
            );
            return;
        }
        cache::Judgement::Judged(bytes) => {
            tracing::info!(
                "figures of {} documents judged in {secs:.2} s",
                corpus.len()
            );
            bytes
        }
    };
    let (Some(f), Some(bytes)) = (file, bytes) else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("claimlens-judged".into())
        .spawn(move || cache::save_judged(&f, &bytes));
}

/// Nothing left to publish: ask the client to re-request what it caches if
/// anything asked for it, and return who waits for what was published.
fn finish(shared: &Shared, client: &Client, q: &mut Queue) -> Vec<oneshot::Sender<()>> {
    if std::mem::take(&mut q.refresh) {
        let (tokens, lenses) = {
            let s = shared.session.read();
            (s.refresh_tokens, s.refresh_lenses)
        };
        // asked on the side: diagnostics never wait for the client
        if tokens {
            let c = client.clone();
            tokio::spawn(async move {
                client_answer(
                    "workspace/semanticTokens/refresh",
                    c.semantic_tokens_refresh(),
                )
                .await
            });
        }
        if lenses {
            let c = client.clone();
            tokio::spawn(async move {
                client_answer("workspace/codeLens/refresh", c.code_lens_refresh()).await
            });
        }
    }
    std::mem::take(&mut q.acks)
}

/// The diagnostics of one document, as the protocol's types: what its
/// notification carries, read back.
pub fn diagnostics(view: &View, id: DocId) -> Vec<Diagnostic> {
    let (diags, _, _) = diagnostics_of(view, id, &ClaimMemo::default(), &Uris::default());
    // written by serde_json from plain data, in the protocol's shape
    serde_json::to_value(&diags)
        .and_then(serde_json::from_value)
        .unwrap_or_default()
}

/// The diagnostics of one document, with the spans they flag and the
/// documents they refer to.
fn diagnostics_of(
    view: &View,
    id: DocId,
    memo: &ClaimMemo,
    uris: &Uris,
) -> (Vec<Diag>, Vec<Span>, Vec<DocId>) {
    let corpus = view.corpus;
    let Some(doc) = corpus.doc(id) else {
        return (Vec::new(), Vec::new(), Vec::new());
    };
    let findings = corpus.findings_with(id, memo);
    let spans = findings.iter().map(|f| f.span).collect();
    let mut partners: Vec<DocId> = findings
        .iter()
        .flat_map(|f| f.partners.iter().copied())
        .collect();
    partners.sort_unstable();
    partners.dedup();
    let diagnostics = findings
        .into_iter()
        .map(|f| {
            let related = f
                .related
                .into_iter()
                .filter_map(|(od, span, label)| {
                    let other = corpus.doc(od)?;
                    Some(Related {
                        location: Place {
                            uri: uris.of(od, other)?,
                            range: convert::span_to_range(other, span, view.enc),
                        },
                        message: label,
                    })
                })
                .collect();
            Diag {
                range: convert::span_to_range(doc, f.span, view.enc),
                severity: DiagnosticSeverity::WARNING,
                code: f.code,
                source: "claimlens",
                message: f.message,
                related_information: related,
            }
        })
        .collect();
    (diagnostics, spans, partners)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::analysis::config::Config;

    fn up(c: &mut Corpus, path: &str) -> DocId {
        let t: Arc<str> = Arc::from("Belarus imported 25 million tonnes of oil.");
        let a = Arc::new(crate::analysis::analyze(&t, &Config::default()));
        c.upsert(PathBuf::from(path), t, a);
        c.doc_id(Path::new(path)).unwrap()
    }

    /// The notification written straight from the findings is the one
    /// the protocol's types give for them, byte for byte: field names,
    /// order, the code as a string, escaped URIs, the version when open.
    #[test]
    fn frames_are_what_the_protocol_types_write() {
        use tower_lsp_server::ls_types::{
            DiagnosticRelatedInformation, Location, NumberOrString, PublishDiagnosticsParams,
        };
        let mut c = Corpus::default();
        let texts = [
            (
                "/news/été 1.txt",
                "Belarus imported 25 million tonnes of Russian oil in 2019, the ministry said.",
            ),
            (
                "/news/b\"q.txt",
                "Belarus imported 24 million tonnes of Russian oil in 2019, the ministry said.",
            ),
            (
                "/news/c.txt",
                "Belarus imported 22 million tonnes of Russian oil in 2019, the ministry said.",
            ),
        ];
        for (path, text) in texts {
            let t: Arc<str> = Arc::from(text);
            let a = Arc::new(crate::analysis::analyze(&t, &Config::default()));
            c.upsert(PathBuf::from(path), t, a);
        }
        let view = View {
            corpus: &c,
            enc: crate::analysis::text::Encoding::Utf16,
        };
        let uris = Uris::default();
        let mut flagged = 0;
        for (path, _) in texts {
            let id = c.doc_id(Path::new(path)).unwrap();
            let d = c.doc(id).unwrap();
            // the protocol's types, filled as the server filled them before
            let want: Vec<Diagnostic> = c
                .findings(id)
                .into_iter()
                .map(|f| Diagnostic {
                    range: convert::span_to_range(d, f.span, view.enc),
                    severity: Some(DiagnosticSeverity::WARNING),
                    code: Some(NumberOrString::String(f.code.to_string())),
                    source: Some("claimlens".into()),
                    message: f.message,
                    related_information: Some(
                        f.related
                            .iter()
                            .map(|(od, span, label)| {
                                let o = c.doc(*od).unwrap();
                                DiagnosticRelatedInformation {
                                    location: Location::new(
                                        convert::path_to_uri(&o.path).unwrap(),
                                        convert::span_to_range(o, *span, view.enc),
                                    ),
                                    message: label.clone(),
                                }
                            })
                            .collect(),
                    ),
                    ..Diagnostic::default()
                })
                .collect();
            flagged += want.len();
            let (diags, _, _) = diagnostics_of(&view, id, &ClaimMemo::default(), &uris);
            let uri = uris.of(id, d).unwrap();
            for version in [None, Some(7)] {
                let expected = Note::frame(
                    PublishDiagnostics::METHOD,
                    &PublishDiagnosticsParams {
                        uri: convert::path_to_uri(&d.path).unwrap(),
                        diagnostics: want.clone(),
                        version,
                    },
                );
                let got = frame(&uri, &diags, version);
                assert_eq!(String::from_utf8(got), String::from_utf8(expected));
            }
            assert_eq!(diagnostics(&view, id), want);
        }
        assert!(flagged >= 3, "each article disagrees with the others");
    }

    /// A document's URI is made once, and an id given to another file
    /// after a removal gets that file's URI, not the one kept.
    #[test]
    fn uris_follow_the_document_an_id_stands_for() {
        let mut c = Corpus::default();
        let uris = Uris::default();
        let a = up(&mut c, "/news/a b.txt");
        // as JSON, the form the memo keeps
        let json = |u: Option<JsonUri>| u.map(|u| u.json().to_string());
        let of_path = |p: &str| {
            convert::path_to_uri(Path::new(p)).map(|u| serde_json::to_string(&u).unwrap())
        };
        let want_a = of_path("/news/a b.txt");
        assert!(want_a.as_deref().is_some_and(|u| u.contains("a%20b")));
        assert_eq!(json(uris.of(a, c.doc(a).unwrap())), want_a);
        assert_eq!(uris.0.read().len(), 1);
        assert_eq!(json(uris.of(a, c.doc(a).unwrap())), want_a);
        assert_eq!(uris.0.read().len(), 1);
        c.remove(Path::new("/news/a b.txt"));
        let b = up(&mut c, "/news/b.txt");
        assert_eq!(b, a, "the freed id is given again");
        assert_eq!(json(uris.of(b, c.doc(b).unwrap())), of_path("/news/b.txt"));
        uris.clear();
        assert!(uris.0.read().is_empty());
    }
}
