//! Publishing diagnostics: findings of the documents whose answers changed,
//! debounced so that a burst of keystrokes publishes once.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustc_hash::FxHashSet;
use tokio::sync::{mpsc, oneshot};
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{
    Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
};

use super::convert;
use super::state::{Shared, View, client_answer};
use crate::analysis::entities::DocId;

/// Quiet time before publishing, and the longest a burst may delay it.
const QUIET: Duration = Duration::from_millis(15);
const MAX_DELAY: Duration = Duration::from_millis(120);
/// Documents converted per read-lock acquisition.
const CHUNK: usize = 512;

pub struct Publish {
    pub docs: Vec<DocId>,
    /// Documents that left the corpus: their diagnostics are cleared.
    pub removed: Vec<PathBuf>,
    /// Publish for every document (after indexing).
    pub all: bool,
    /// Answers the client caches may have changed beyond the documents
    /// listed (any change of the corpus: entity types and claim links are
    /// corpus-wide): ask it to re-request tokens and lenses.
    pub refresh: bool,
    pub ack: Vec<oneshot::Sender<()>>,
}

pub async fn run(shared: Arc<Shared>, client: Client, mut rx: mpsc::UnboundedReceiver<Publish>) {
    while let Some(first) = rx.recv().await {
        let mut docs: FxHashSet<DocId> = FxHashSet::default();
        let mut removed = Vec::new();
        let mut all = false;
        let mut refresh = false;
        let mut acks = Vec::new();
        let mut take = |m: Publish, acks: &mut Vec<oneshot::Sender<()>>| {
            docs.extend(m.docs);
            removed.extend(m.removed);
            all |= m.all;
            refresh |= m.refresh;
            acks.extend(m.ack);
        };
        take(first, &mut acks);
        let started = Instant::now();
        while acks.is_empty() && started.elapsed() < MAX_DELAY {
            match tokio::time::timeout(QUIET, rx.recv()).await {
                Ok(Some(m)) => take(m, &mut acks),
                _ => break,
            }
        }
        for path in removed {
            if let Some(uri) = convert::path_to_uri(&path) {
                client.publish_diagnostics(uri, Vec::new(), None).await;
            }
        }
        let mut ids: Vec<DocId> = if all {
            let corpus = shared.corpus.read();
            corpus.documents().map(|(id, _)| id).collect()
        } else {
            docs.into_iter().collect()
        };
        ids.sort_unstable();
        for chunk in ids.chunks(CHUNK) {
            let batch = {
                let sh = shared.clone();
                let chunk = chunk.to_vec();
                tokio::task::spawn_blocking(move || {
                    let corpus = sh.corpus.read();
                    let view = View {
                        corpus: &corpus,
                        enc: sh.encoding(),
                    };
                    let open = sh.open.lock().clone();
                    chunk
                        .iter()
                        .filter_map(|&id| {
                            let d = corpus.doc(id)?;
                            let uri = convert::path_to_uri(&d.path)?;
                            Some((uri, diagnostics(&view, id), open.get(&d.path).copied()))
                        })
                        .collect::<Vec<_>>()
                })
                .await
            };
            match batch {
                Ok(batch) => {
                    for (uri, diags, version) in batch {
                        client.publish_diagnostics(uri, diags, version).await;
                    }
                }
                Err(e) => tracing::error!("internal error while computing diagnostics: {e}"),
            }
        }
        if refresh {
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
        for a in acks {
            let _ = a.send(());
        }
    }
}

/// The diagnostics of one document.
pub fn diagnostics(view: &View, id: DocId) -> Vec<Diagnostic> {
    let corpus = view.corpus;
    let Some(doc) = corpus.doc(id) else {
        return Vec::new();
    };
    corpus
        .findings(id)
        .into_iter()
        .map(|f| {
            let related = f
                .related
                .iter()
                .filter_map(|(od, span, label)| {
                    let other = corpus.doc(*od)?;
                    Some(DiagnosticRelatedInformation {
                        location: Location::new(
                            convert::path_to_uri(&other.path)?,
                            convert::span_to_range(other, *span, view.enc),
                        ),
                        message: label.clone(),
                    })
                })
                .collect();
            Diagnostic {
                range: convert::span_to_range(doc, f.span, view.enc),
                severity: Some(DiagnosticSeverity::WARNING),
                code: Some(NumberOrString::String(f.code.to_string())),
                source: Some("claimlens".into()),
                message: f.message,
                related_information: Some(related),
                ..Diagnostic::default()
            }
        })
        .collect()
}
