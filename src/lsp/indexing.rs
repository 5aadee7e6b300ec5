//! Reading the workspace: the first indexing with progress reports, the
//! project file, and turning "this path changed on disk" into texts to
//! analyse or documents to drop.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use tokio::sync::oneshot;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{MessageType, ProgressToken};

use super::changes::Change;
use super::hover;
use super::publish::SETTLE;
use super::state::{Shared, client_answer, task_failed};
use crate::analysis::analyze;
use crate::analysis::config::{Config, FILE_NAME, ProjectFile};
use crate::analysis::corpus::Incoming;
use crate::analysis::entities::Stopped;
use crate::cache::{self, Cache};
use crate::workspace::{self, ReadError};

/// Documents read and analysed per message to the change queue.
const CHUNK: usize = 256;

/// Index every root: discover, read and analyse files in parallel, hand them
/// to the change queue in chunks, report progress, and finish once every
/// document's diagnostics are published.
pub async fn index_workspace(shared: Arc<Shared>, client: Client) {
    // the tables analysing and comparing build on first use, built beside
    // the reading: otherwise the first judging of figures waits for the
    // synonym table on the way to ready; or, after a reopen whose
    // analyses and judging all came from the cache, the first request that
    // looks up a statement's repeats (code lens, hover, definition) waits
    // for it, and the first document opened or edited for the analysis's
    // word lists
    crate::analysis::warm_up_in_background();
    reload_config(&shared, &client).await;
    let roots = shared.session.read().roots.clone();
    let progress = shared.session.read().work_done_progress;
    let token = ProgressToken::String("claimlens/indexing".into());
    let ongoing = if progress
        && client_answer(
            "window/workDoneProgress/create",
            client.create_work_done_progress(token.clone()),
        )
        .await
        .is_some()
    {
        Some(
            client
                .progress(token, "claimlens: indexing")
                .with_message("finding files")
                .with_percentage(0)
                .begin()
                .await,
        )
    } else {
        None
    };
    let started = Instant::now();
    let cache = open_cache(&shared).await;
    let files = tokio::task::spawn_blocking(move || {
        let mut all: Vec<PathBuf> = roots.iter().flat_map(|r| workspace::discover(r)).collect();
        all.sort();
        all.dedup();
        all
    })
    .await
    .unwrap_or_default();
    let total = files.len();
    let mut problems = Vec::new();
    let mut done = 0usize;
    // one thread reads the next chunk while this one is analysed: on a
    // disk that has to be read (a cold start), reading on the analysis
    // threads left them waiting for it
    let read_ahead = |chunk: Vec<PathBuf>| {
        let sh = shared.clone();
        tokio::task::spawn_blocking(move || {
            let max = sh.corpus.read().config().max_file_bytes;
            chunk
                .into_iter()
                .map(|p| {
                    let r = workspace::read_text(&p, max);
                    (p, r)
                })
                .collect::<Vec<_>>()
        })
    };
    // where the time goes (logged at debug level): waiting for files to
    // be read, for the corpus (an install holds it), and analysing
    let (mut waited_files, mut waited_corpus, mut analysing) =
        (Duration::ZERO, Duration::ZERO, Duration::ZERO);
    let mut chunks = files.chunks(CHUNK).map(<[PathBuf]>::to_vec);
    let mut next = chunks.next().map(read_ahead);
    while let Some(reading) = next.take() {
        next = chunks.next().map(read_ahead);
        let asked = Instant::now();
        let r = reading.await;
        waited_files += asked.elapsed();
        let texts = match r {
            Ok(t) => t,
            Err(e) => {
                task_failed("reading a chunk of files", e);
                continue;
            }
        };
        let size = texts.len();
        let sh = shared.clone();
        let cache = cache.clone();
        let res = tokio::task::spawn_blocking(move || {
            let asked = Instant::now();
            let cfg = sh.corpus.read().config().clone();
            let locked = Instant::now();
            let cache = cache.filter(|c| c.is_for(&cfg));
            let read: Vec<_> = texts
                .into_par_iter()
                .map(|(p, r)| match r {
                    Ok(t) => {
                        let t: Arc<str> = Arc::from(t);
                        let a = match &cache {
                            Some(c) => c.analyze(&t, &cfg),
                            None => analyze(&t, &cfg),
                        };
                        // staged here, on all cores, so that only filling
                        // the indexes waits for the corpus
                        Ok(Incoming::new(p, t, Arc::new(a)))
                    }
                    Err(e) => Err((p, e)),
                })
                .collect();
            (read, locked - asked, locked.elapsed())
        })
        .await;
        let (read, waited, analysed) = match res {
            Ok(r) => r,
            Err(e) => {
                task_failed("indexing a chunk of files", e);
                continue;
            }
        };
        waited_corpus += waited;
        analysing += analysed;
        let mut docs = Vec::with_capacity(read.len());
        for r in read {
            match r {
                Ok(d) => docs.push(d),
                Err(p) => problems.push(p),
            }
        }
        done += size;
        shared.send(Change::Indexed { docs, done: None });
        if let Some(p) = &ongoing {
            let pct = (done * 100 / total.max(1)) as u32;
            p.report_with_message(format!("{done}/{total} files"), pct)
                .await;
        }
    }
    tracing::debug!(
        "indexing: {waited_files:.2?} waiting for files, {waited_corpus:.2?} for the corpus, {analysing:.2?} analysing; all handed over after {:.2?}",
        started.elapsed()
    );
    report_unreadable(&shared, &client, problems).await;
    let (tx, rx) = oneshot::channel();
    shared.send(Change::Indexed {
        docs: Vec::new(),
        done: Some(tx),
    });
    let _ = rx.await;
    let n = shared.corpus.read().len();
    tracing::info!("indexed {n} files in {:.2?}", started.elapsed());
    if let Some(p) = ongoing {
        p.finish_with_message(format!("{n} files indexed")).await;
    }
    tokio::spawn(describe_ahead(shared.clone()));
    if let Some(cache) = cache {
        save_cache(shared, cache).await;
    }
}

/// Entities described once indexing is done, before anyone asks.
pub const DESCRIBED_AHEAD: usize = 64;

/// Describe the most mentioned entities in the background: the first
/// hover on a head of state otherwise gathers every mention in the
/// corpus while the user waits (10 ms at 10k generated articles), and a
/// description is kept until an edit touches its entity. A description
/// gives way to an edit waiting for the corpus (at 100k articles the
/// largest took 200 ms, and keystrokes typed right after indexing waited
/// for it) and starts again once typing pauses. A hover asking for the
/// entity being described waits for that description rather than making
/// a second one beside it. The documents' path order, by which a hover
/// lists an entity's articles, is made first if judging has not made it.
async fn describe_ahead(shared: Arc<Shared>) {
    let res = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let ids = {
            let corpus = shared.corpus.read();
            // the order in which hovers list an entity's articles: made
            // already when the corpus was judged at once, here when that
            // judgement gave way to an edit
            corpus.path_order();
            tracing::debug!("paths ordered in {:.2?}", started.elapsed());
            corpus.most_mentioned(DESCRIBED_AHEAD)
        };
        let (mut mentions, mut gave_way) = (0, 0);
        let stop = || shared.writer_waiting();
        for &id in &ids {
            loop {
                // the read lock is let go before waiting for the writer
                let described = shared.corpus.read().entity_unless(id, &stop);
                match described {
                    Ok(e) => {
                        mentions += e.as_ref().map_or(0, |e| e.mentions.len());
                        // and the articles its hover lists (a few ms for
                        // a head of state at 100k articles)
                        if let Some(e) = e
                            && !stop()
                        {
                            shared.corpus.read().entity_articles(&e, hover::LISTED);
                        }
                        break;
                    }
                    Err(Stopped) => {
                        gave_way += 1;
                        // each start collects the entity's members before
                        // it can give way again: start once typing pauses
                        if !wait_for_quiet(&shared) {
                            return;
                        }
                    }
                }
            }
        }
        tracing::debug!(
            "described {} entities ({mentions} mentions) ahead in {:.2?}, giving way to edits {gave_way} times",
            ids.len(),
            started.elapsed()
        );
    })
    .await;
    if let Err(e) = res {
        task_failed("describing entities ahead", e);
    }
}

/// Wait until typing pauses: the client has sent no edit for
/// [`SETTLE`] (as the publisher's backlog waits) and none waits for the
/// corpus; false when the server is shutting down instead.
fn wait_for_quiet(shared: &Shared) -> bool {
    loop {
        let sent = shared.edits_sent();
        std::thread::sleep(SETTLE);
        if shared.shutdown_requested.load(Ordering::SeqCst) {
            return false;
        }
        if shared.edits_sent() == sent && !shared.writer_waiting() && !shared.edit_pending() {
            return true;
        }
    }
}

/// The analysis cache of this workspace, unless the settings or the
/// environment turn it off or its folder cannot be used (logged).
async fn open_cache(shared: &Arc<Shared>) -> Option<Arc<Cache>> {
    let (roots, settings) = {
        let s = shared.session.read();
        (s.roots.clone(), s.settings.clone())
    };
    let Some(dir) = cache::folder(settings.cache, settings.cache_dir.as_deref()) else {
        tracing::info!(
            "analysis cache off (by the settings or CLAIMLENS_CACHE, or no folder: set CLAIMLENS_CACHE_DIR)"
        );
        return None;
    };
    let sh = shared.clone();
    let opened = tokio::task::spawn_blocking(move || {
        let cfg = sh.corpus.read().config().clone();
        Cache::open(&dir, &roots, &cfg)
    })
    .await;
    match opened {
        Ok(Ok(c)) => {
            tracing::info!(
                "analysis cache: {} entries in {}",
                c.stats().loaded,
                c.file().display()
            );
            *shared.judged_file.lock() = Some(c.judged_file());
            Some(Arc::new(c))
        }
        Ok(Err(e)) => {
            tracing::warn!("{e}");
            None
        }
        Err(e) => {
            task_failed("opening the analysis cache", e);
            None
        }
    }
}

/// Write the analysis cache for the documents indexed now, off the
/// answering path; a failure is logged.
async fn save_cache(shared: Arc<Shared>, cache: Arc<Cache>) {
    let st = cache.stats();
    tracing::info!("analysis cache: {} hits, {} analysed", st.hits, st.misses);
    let res = tokio::task::spawn_blocking(move || {
        let docs: Vec<_> = {
            let corpus = shared.corpus.read();
            if !cache.is_for(corpus.config()) {
                return None;
            }
            corpus
                .documents()
                .map(|(_, d)| (d.text.clone(), d.analysis.clone()))
                .collect()
        };
        Some(cache.save(&docs))
    })
    .await;
    match res {
        Ok(Some(saved)) => cache::log_saved(&saved),
        Ok(None) => tracing::info!("analysis cache not saved: the configuration changed"),
        Err(e) => {
            task_failed("saving the analysis cache", e);
        }
    }
}

/// Is `path` the project file of a workspace root?
pub fn is_project_file(shared: &Shared, path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == FILE_NAME)
        && path
            .parent()
            .is_some_and(|dir| shared.session.read().roots.iter().any(|r| r == dir))
}

/// Re-read the project files and client settings. Returns whether the
/// effective configuration changed (the caller then re-analyses). A broken
/// project file is reported and the previous configuration kept.
pub async fn reload_config(shared: &Arc<Shared>, client: &Client) -> bool {
    let sh = shared.clone();
    let res = tokio::task::spawn_blocking(move || {
        let (roots, settings) = {
            let s = sh.session.read();
            (s.roots.clone(), s.settings.clone())
        };
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for r in &roots {
            match ProjectFile::load(r) {
                Ok(Some(f)) => files.push(f),
                Ok(None) => {}
                Err(e) => errors.push(e.to_string()),
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut cfg = Config::from_files(files.iter());
        let file_sets_limit = files
            .iter()
            .any(|f| f.limits.as_ref().and_then(|l| l.max_file_bytes).is_some());
        if !file_sets_limit {
            cfg.max_file_bytes = settings.max_file_bytes;
        }
        let mut corpus = sh.corpus_mut();
        if *corpus.config() == cfg {
            return Ok(false);
        }
        corpus.set_config(cfg);
        Ok(true)
    })
    .await;
    match res {
        Ok(Ok(changed)) => {
            if changed {
                tracing::info!("configuration loaded");
            }
            changed
        }
        Ok(Err(errors)) => {
            for e in &errors {
                tracing::error!("{e}");
                client
                    .show_message(
                        MessageType::ERROR,
                        format!("claimlens: {e} (previous settings kept)"),
                    )
                    .await;
            }
            false
        }
        Err(e) => {
            task_failed("loading the configuration", e);
            false
        }
    }
}

/// What the disk says about each touched path: a text to (re)analyse, or
/// `None` for a document to drop; plus files that could not be read.
pub async fn resolve_disk(
    shared: Arc<Shared>,
    paths: Vec<PathBuf>,
) -> (Vec<(PathBuf, Option<Arc<str>>)>, Vec<(PathBuf, ReadError)>) {
    tokio::task::spawn_blocking(move || {
        let roots = shared.session.read().roots.clone();
        let max = shared.corpus.read().config().max_file_bytes;
        let known: Vec<PathBuf> = shared
            .corpus
            .read()
            .documents()
            .map(|(_, d)| d.path.clone())
            .collect();
        let mut out = Vec::new();
        let mut problems = Vec::new();
        let mut seen = rustc_hash::FxHashSet::default();
        for p in paths {
            if !seen.insert(p.clone()) {
                continue;
            }
            resolve_one(&p, &roots, &known, max, &mut out, &mut problems);
        }
        let mut warned = shared.warned.lock();
        for (p, t) in &out {
            if t.is_some() {
                warned.remove(p);
            }
        }
        (out, problems)
    })
    .await
    .unwrap_or_default()
}

fn resolve_one(
    p: &Path,
    roots: &[PathBuf],
    known: &[PathBuf],
    max: u64,
    out: &mut Vec<(PathBuf, Option<Arc<str>>)>,
    problems: &mut Vec<(PathBuf, ReadError)>,
) {
    let root = roots
        .iter()
        .filter(|r| p.starts_with(r))
        .max_by_key(|r| r.as_os_str().len());
    let drop_under = |out: &mut Vec<(PathBuf, Option<Arc<str>>)>| {
        for k in known.iter().filter(|k| k.starts_with(p)) {
            out.push((k.clone(), None));
        }
    };
    let meta = match std::fs::symlink_metadata(p) {
        Ok(m) => m,
        Err(_) => return drop_under(out),
    };
    let Some(root) = root else {
        // outside every workspace folder: only open buffers belong
        return drop_under(out);
    };
    if workspace::is_under_symlink(root, p) {
        // reached through a linked folder (which may lead out of the
        // workspace): links are not followed
        return drop_under(out);
    }
    if meta.is_dir() {
        if workspace::is_ignored(root, p) || !workspace::is_corpus_dir(root, p) {
            return drop_under(out);
        }
        let found = workspace::discover(p);
        for k in known
            .iter()
            .filter(|k| k.starts_with(p) && !found.contains(k))
        {
            out.push((k.clone(), None));
        }
        for f in found {
            if !workspace::is_ignored(root, &f) {
                read_one(&f, max, out, problems);
            }
        }
        return;
    }
    if !meta.is_file() || !workspace::is_corpus_path(root, p) || workspace::is_ignored(root, p) {
        // symlinks are not followed; other extensions are not corpus files
        return drop_under(out);
    }
    read_one(p, max, out, problems);
}

fn read_one(
    p: &Path,
    max: u64,
    out: &mut Vec<(PathBuf, Option<Arc<str>>)>,
    problems: &mut Vec<(PathBuf, ReadError)>,
) {
    match workspace::read_text(p, max) {
        Ok(t) => out.push((p.to_path_buf(), Some(Arc::from(t)))),
        Err(e) => {
            out.push((p.to_path_buf(), None));
            problems.push((p.to_path_buf(), e));
        }
    }
}

/// Log every unreadable file, and show one message per file (once until it
/// becomes readable again; at most a few at a time, then a summary).
pub async fn report_unreadable(
    shared: &Shared,
    client: &Client,
    problems: Vec<(PathBuf, ReadError)>,
) {
    let mut fresh = Vec::new();
    for (p, e) in problems {
        if matches!(e, ReadError::Vanished) {
            tracing::info!("{}: {e}", p.display());
            continue;
        }
        tracing::warn!("{}: {e}", p.display());
        if shared.warned.lock().insert(p.clone()) {
            fresh.push(format!("{}: {e}", p.display()));
        }
    }
    const SHOWN: usize = 3;
    for m in fresh.iter().take(SHOWN) {
        client
            .show_message(MessageType::WARNING, format!("claimlens: {m}"))
            .await;
    }
    if fresh.len() > SHOWN {
        client
            .show_message(
                MessageType::WARNING,
                format!(
                    "claimlens: {} more files skipped; see the log",
                    fresh.len() - SHOWN
                ),
            )
            .await;
    }
}
