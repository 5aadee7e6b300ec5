//! Incremental equals from scratch, over the protocol: a property test
//! against the real server binary over stdio. Each case is a generated
//! sequence of client operations on a small corpus (8 files cut from the
//! sample articles):
//!
//! - incremental `didChange` edits on open documents (inserts, deletes and
//!   replacements across lines, multi-byte characters, CRLF);
//! - `didOpen` (of a file on disk, or of an unsaved buffer) and `didClose`;
//! - files created, modified and deleted on disk, each reported with
//!   `workspace/didChangeWatchedFiles`.
//!
//! Afterwards the server must hold exactly the expected texts (the buffers
//! of open documents, the disk for the others; read back through the
//! test-only `claimlens/debug/documents` request, with editor versions),
//! and answer exactly as a fresh server started on the final files:
//! diagnostics of every file, semantic tokens of the open documents, and
//! hovers, definitions and references at positions in every document.
//!
//! The operations are the strategy's values, so proptest shrinks a failure
//! to a short session. `PROPTEST_CASES` sets the number of cases (12 by
//! default; the seed is fixed, nothing is written to disk on failure).

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, RngSeed, TestCaseError, TestRunner};
use serde_json::{Value, json};
use support::{
    SNIPPETS, Server, Start, answers, diagnostics, files_under, first_difference, position,
    snap_back, snap_forward, tokens, uri,
};

/// Paths the operations use: the first `INITIAL` exist at the start, the
/// others may be created (or opened as unsaved buffers).
const NAMES: &[&str] = &[
    "a.txt",
    "b.txt",
    "c.txt",
    "d.txt",
    "e.txt",
    "f.txt",
    "g.txt",
    "h.txt",
    "new/i.txt",
    "new/j.txt",
    "k.txt",
    "new/deep/l.txt",
];
const INITIAL: usize = 8;
const MAX_OPS: usize = 40;
/// How long the server may take to settle after the last operation (disk
/// events are debounced).
const SETTLE: Duration = Duration::from_secs(10);

/// The sample articles, as lines.
fn source_lines() -> Vec<Vec<String>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_string)
                .collect()
        })
        .collect()
}

/// A short text: `lines` lines of article `src` from line `from` (wrapping),
/// the first figure digit changed when `perturb` (a figure conflict with
/// the original), at most ~1.5 KB.
#[derive(Debug, Clone)]
struct Content {
    src: usize,
    from: usize,
    lines: usize,
    perturb: bool,
}

impl Content {
    fn text(&self, sources: &[Vec<String>]) -> String {
        let src = &sources[self.src % sources.len()];
        let mut out = String::new();
        for i in 0..self.lines.max(1) {
            let line = &src[(self.from + i) % src.len()];
            if out.len() + line.len() > 1500 && !out.is_empty() {
                break;
            }
            out.push_str(line);
            out.push('\n');
        }
        if self.perturb
            && let Some(i) = out.find(|c: char| c.is_ascii_digit() && c != '9')
        {
            let d = out.as_bytes()[i] + 1;
            out.replace_range(i..i + 1, &(d as char).to_string());
        }
        out
    }
}

/// The starting files: overlapping cuts of the articles, some with a figure
/// changed, so that there are repeated claims and figure conflicts.
fn initial(k: usize) -> Content {
    Content {
        src: k % 5,
        from: (k / 5) * 3,
        lines: 6,
        perturb: k >= 5,
    }
}

#[derive(Debug, Clone)]
enum Op {
    /// Open `NAMES[name]` (unless open): the text on disk, or `unsaved`
    /// for a file that is not there.
    Open { name: usize, unsaved: Content },
    /// Close one of the open documents (by rank).
    Close { doc: usize },
    /// Replace `len` bytes from `start` (both snapped to valid positions)
    /// in one of the open documents with the concatenated snippets.
    Edit {
        doc: usize,
        start: usize,
        len: usize,
        text: Vec<&'static str>,
    },
    /// Write `NAMES[name]` on disk (created or modified) and report it.
    Write { name: usize, content: Content },
    /// Delete `NAMES[name]` from disk (if there) and report it.
    Delete { name: usize },
}

fn content() -> impl Strategy<Value = Content> {
    (0..5usize, 0..40usize, 1..6usize, any::<bool>()).prop_map(|(src, from, lines, perturb)| {
        Content {
            src,
            from,
            lines,
            perturb,
        }
    })
}

fn op() -> impl Strategy<Value = Op> {
    let name = 0..NAMES.len();
    prop_oneof![
        3 => (name.clone(), content()).prop_map(|(name, unsaved)| Op::Open { name, unsaved }),
        1 => (0..8usize).prop_map(|doc| Op::Close { doc }),
        10 => (
            0..8usize,
            0..2000usize,
            0..80usize,
            prop::collection::vec(prop::sample::select(SNIPPETS), 0..3)
        )
            .prop_map(|(doc, start, len, text)| Op::Edit { doc, start, len, text }),
        2 => (name.clone(), content()).prop_map(|(name, content)| Op::Write { name, content }),
        2 => name.prop_map(|name| Op::Delete { name }),
    ]
}

/// What the client knows: the disk (by name) and its open buffers.
struct Model {
    root: PathBuf,
    open: BTreeMap<usize, (String, i32)>,
}

impl Model {
    fn path(&self, name: usize) -> PathBuf {
        self.root.join(NAMES[name])
    }

    fn on_disk(&self, name: usize) -> Option<String> {
        std::fs::read_to_string(self.path(name)).ok()
    }

    fn nth_open(&self, doc: usize) -> Option<usize> {
        let n = self.open.len();
        (n > 0).then(|| *self.open.keys().nth(doc % n).unwrap())
    }

    /// Apply one operation to the disk and the model, and tell the server.
    fn apply(&mut self, s: &Server, op: &Op, sources: &[Vec<String>]) {
        match op {
            Op::Open { name, unsaved } => {
                if self.open.contains_key(name) {
                    return;
                }
                let text = self.on_disk(*name).unwrap_or_else(|| unsaved.text(sources));
                s.open(&self.path(*name), &text);
                self.open.insert(*name, (text, 1));
            }
            Op::Close { doc } => {
                if let Some(name) = self.nth_open(*doc) {
                    self.open.remove(&name);
                    s.close(&self.path(name));
                }
            }
            Op::Edit {
                doc,
                start,
                len,
                text: pieces,
            } => {
                let Some(name) = self.nth_open(*doc) else {
                    return;
                };
                let path = self.path(name);
                let (text, version) = self.open.get_mut(&name).unwrap();
                let start = snap_back(text, *start % (text.len() + 1));
                let end = snap_forward(text, start + len);
                let new = pieces.concat();
                let range = json!({"start": position(text, start), "end": position(text, end)});
                text.replace_range(start..end, &new);
                *version += 1;
                s.change(&path, *version, range, &new);
            }
            Op::Write { name, content } => {
                let path = self.path(*name);
                let kind = if path.exists() { 2 } else { 1 };
                std::fs::create_dir_all(path.parent().unwrap()).unwrap();
                std::fs::write(&path, content.text(sources)).unwrap();
                watched(s, &path, kind);
            }
            Op::Delete { name } => {
                let path = self.path(*name);
                if path.exists() {
                    std::fs::remove_file(&path).unwrap();
                    watched(s, &path, 3);
                }
            }
        }
    }

    /// The texts a fresh index of the final state holds, by URI: the open
    /// buffers, and the files on disk for the rest.
    fn expected(&self) -> BTreeMap<String, (String, Option<i64>)> {
        let mut out = BTreeMap::new();
        for name in 0..NAMES.len() {
            let text = match self.open.get(&name) {
                Some((t, v)) => Some((t.clone(), Some(*v as i64))),
                None => self.on_disk(name).map(|t| (t, None)),
            };
            if let Some(t) = text {
                out.insert(uri(&self.path(name)), t);
            }
        }
        out
    }
}

fn watched(s: &Server, path: &Path, kind: i32) {
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(path), "type": kind}]}),
    );
}

fn start(root: &Path) -> Server {
    let mut opts = Start::new(root);
    // the client reports disk changes; the server does not watch by itself
    opts.client_watches = true;
    opts.env = vec![("CLAIMLENS_DEBUG_REQUESTS".into(), "1".into())];
    Server::start(opts)
}

/// What the server holds: text and editor version by URI.
fn held(s: &mut Server) -> BTreeMap<String, (String, Option<i64>)> {
    let r = support::ask(s, "claimlens/debug/documents", Value::Null);
    r["documents"]
        .as_array()
        .expect("documents")
        .iter()
        .map(|d| {
            (
                d["uri"].as_str().unwrap().to_string(),
                (
                    d["text"].as_str().unwrap().to_string(),
                    d["version"].as_i64(),
                ),
            )
        })
        .collect()
}

/// Poll `f` until it returns true or `SETTLE` has passed.
fn settle(mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + SETTLE;
    loop {
        if f() {
            return true;
        }
        if Instant::now() > deadline {
            return false;
        }
        thread::sleep(Duration::from_millis(50));
    }
}

fn check(ops: &[Op], sources: &[Vec<String>]) -> Result<(), TestCaseError> {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    for (k, name) in NAMES.iter().enumerate().take(INITIAL) {
        std::fs::write(root.join(name), initial(k).text(sources)).unwrap();
    }
    let mut s = start(&root);
    let mut model = Model {
        root: root.clone(),
        open: BTreeMap::new(),
    };
    for op in ops {
        model.apply(&s, op, sources);
    }

    // the buffers (and what the disk events brought): once the debounced
    // disk events are read, the server holds exactly the expected texts
    let want = model.expected();
    let mut got = held(&mut s);
    settle(|| {
        got = held(&mut s);
        got == want
    });
    for (u, w) in &want {
        prop_assert_eq!(got.get(u), Some(w), "text and version held for {}", u);
    }
    prop_assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "documents held"
    );

    // a fresh server on the final texts
    for (&name, (text, _)) in &model.open {
        let p = model.path(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let mut fresh = start(&root);
    let fresh_held: BTreeMap<String, String> = held(&mut fresh)
        .into_iter()
        .map(|(u, (t, _))| (u, t))
        .collect();
    let want_texts: BTreeMap<String, String> = want
        .iter()
        .map(|(u, (t, _))| (u.clone(), t.clone()))
        .collect();
    prop_assert_eq!(
        &fresh_held,
        &want_texts,
        "the fresh server reads the final texts"
    );

    // diagnostics: published asynchronously, so wait for them to agree
    let fresh_diags = diagnostics(&fresh);
    let mut diags = diagnostics(&s);
    settle(|| {
        diags = diagnostics(&s);
        diags == fresh_diags
    });
    prop_assert!(
        diags == fresh_diags,
        "diagnostics differ from a fresh index; first difference: {}",
        first_difference(&diags, &fresh_diags)
    );
    // a document's diagnostics follow its installation in the corpus (which
    // `held` reads) by a debounce: wait for them too
    let files = files_under(&root);
    settle(|| files.iter().all(|p| s.diagnostics(p).is_some()));
    for p in files {
        prop_assert!(
            s.diagnostics(&p).is_some(),
            "no diagnostics ever published for {}",
            p.display()
        );
    }

    let open_uris: Vec<String> = model.open.keys().map(|&n| uri(&model.path(n))).collect();
    prop_assert_eq!(
        tokens(&mut s, &open_uris),
        tokens(&mut fresh, &open_uris),
        "semantic tokens of the open documents"
    );

    // hover, definition and references at the starts of the diagnostics
    // and at a few spots of every document
    let mut probes: Vec<(String, Value)> = Vec::new();
    for (u, (text, _)) in &want {
        for d in fresh_diags.get(u).into_iter().flatten().take(3) {
            probes.push((u.clone(), d["range"]["start"].clone()));
        }
        for k in 1..4 {
            let at = snap_back(text, text.len() * k / 4);
            probes.push((u.clone(), position(text, at)));
        }
    }
    let got = answers(&mut s, &probes);
    let fresh_answers = answers(&mut fresh, &probes);
    for (i, (a, b)) in got.iter().zip(&fresh_answers).enumerate() {
        prop_assert_eq!(
            a,
            b,
            "answer {} ({}) at {:?}",
            i,
            ["hover", "definition", "references"][i % 3],
            &probes[i / 3]
        );
    }
    Ok(())
}

#[test]
fn protocol_sessions_end_where_a_fresh_index_starts() {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(12);
    let mut runner = TestRunner::new(PtConfig {
        cases,
        rng_seed: RngSeed::Fixed(0x15e5_510e),
        failure_persistence: None,
        // each case starts two servers: bound the shrinking
        max_shrink_time: 300_000,
        ..PtConfig::default()
    });
    let sources = source_lines();
    let t0 = Instant::now();
    let result = runner.run(&prop::collection::vec(op(), 1..=MAX_OPS), |ops| {
        check(&ops, &sources)
    });
    eprintln!(
        "lsp_incremental: {cases} cases in {:.1}s",
        t0.elapsed().as_secs_f64()
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}
