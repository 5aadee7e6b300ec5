//! Incremental equals from scratch (issue 7), as property tests with fixed
//! seeds (deterministic; no regression files are written):
//!
//! - `buffer_edits_match_a_reference`: random sequences of `didChange`
//!   edits (inserts, deletes, replacements across lines, multi-byte
//!   characters, CRLF, full replacements) applied to the server's rope
//!   buffer in each position encoding give exactly the text a plain,
//!   independent splice gives.
//! - `incremental_corpus_equals_a_fresh_index`: random document creations,
//!   edits and deletions applied one by one to a corpus (as the server does
//!   for editor and disk changes, after a bulk first indexing) leave it
//!   answering exactly as a corpus indexed from scratch from the final
//!   texts: diagnostics (repeated claims, figure conflicts), semantic tokens,
//!   symbols, code lenses, hovers, the conflict list and the claim groups.
//!   The fresh corpus judges its figures all at once
//!   (`Corpus::prepare_findings`), the incremental one document by document.
//! - `judging_all_figures_at_once_equals_document_by_document`: the same on a
//!   generated corpus of a thousand articles, whose buckets are far larger
//!   than a figure's neighbourhood, with and without figures the user kept;
//!   and giving way when asked leaves the answers as they were.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use claimlens::analysis::config::Config;
use claimlens::analysis::corpus::Corpus;
use claimlens::analysis::text::Encoding;
use claimlens::lsp::buffer::Buffer;
use claimlens::lsp::convert::path_to_uri;
use claimlens::lsp::state::View;
use claimlens::lsp::{actions, hover, publish, semantic, symbols};
use proptest::prelude::*;
use proptest::test_runner::{Config as PtConfig, RngSeed};
use serde_json::{Value, json};
use tower_lsp_server::ls_types::{Position, Range, TextDocumentContentChangeEvent};

fn config(cases: u32, seed: u64) -> PtConfig {
    PtConfig {
        cases,
        rng_seed: RngSeed::Fixed(seed),
        failure_persistence: None,
        ..PtConfig::default()
    }
}

// ------------------------------------------------------------ buffers

/// Pieces of text: ASCII, two- and three-byte characters, characters
/// outside the BMP (two UTF-16 units), line breaks of both kinds.
const PIECES: &[&str] = &[
    "a",
    "Putin",
    " ",
    "é",
    "Лукашенко",
    "€",
    "😀",
    "𝔘",
    "\n",
    "\r\n",
    "said.",
    "24",
    "\t",
];

fn piece_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max).prop_map(|v| v.concat())
}

/// Lines of `text` as (start byte, content end byte): content without its
/// `\n` or `\r\n`.
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, _) in text.match_indices('\n') {
        let end = if i > start && text.as_bytes()[i - 1] == b'\r' {
            i - 1
        } else {
            i
        };
        out.push((start, end));
        start = i + 1;
    }
    out.push((start, text.len()));
    out
}

fn units(s: &str, enc: Encoding) -> u32 {
    match enc {
        Encoding::Utf8 => s.len() as u32,
        Encoding::Utf16 => s.encode_utf16().count() as u32,
        Encoding::Utf32 => s.chars().count() as u32,
    }
}

/// A valid position (on a character boundary, inside a line's content)
/// chosen by two fractions, and its byte offset.
fn position(text: &str, enc: Encoding, fl: f64, fc: f64) -> (Position, usize) {
    let ls = lines(text);
    let l = ((fl * ls.len() as f64) as usize).min(ls.len() - 1);
    let (start, end) = ls[l];
    let content = &text[start..end];
    let bounds: Vec<usize> = content
        .char_indices()
        .map(|(i, _)| i)
        .chain([content.len()])
        .collect();
    let b = bounds[((fc * bounds.len() as f64) as usize).min(bounds.len() - 1)];
    (
        Position::new(l as u32, units(&content[..b], enc)),
        start + b,
    )
}

#[derive(Debug, Clone)]
enum BufEdit {
    Splice {
        a: (f64, f64),
        b: (f64, f64),
        text: String,
    },
    Replace(String),
}

fn buf_edit() -> impl Strategy<Value = BufEdit> {
    prop_oneof![
        8 => ((0.0..1.0f64, 0.0..1.0f64), (0.0..1.0f64, 0.0..1.0f64), piece_text(6))
            .prop_map(|(a, b, text)| BufEdit::Splice { a, b, text }),
        1 => piece_text(12).prop_map(BufEdit::Replace),
    ]
}

fn encoding() -> impl Strategy<Value = Encoding> {
    prop_oneof![
        Just(Encoding::Utf8),
        Just(Encoding::Utf16),
        Just(Encoding::Utf32)
    ]
}

proptest! {
    #![proptest_config(config(512, 0x7e57_b0ff))]
    #[test]
    fn buffer_edits_match_a_reference(
        enc in encoding(),
        initial in piece_text(24),
        edits in prop::collection::vec(buf_edit(), 1..24),
    ) {
        let mut expected = initial.clone();
        let mut buf = Buffer::new(&initial, 1);
        for e in &edits {
            let change = match e {
                BufEdit::Splice { a, b, text } => {
                    let (pa, oa) = position(&expected, enc, a.0, a.1);
                    let (pb, ob) = position(&expected, enc, b.0, b.1);
                    // a range may come end first: the same range
                    let (lo, hi) = (oa.min(ob), oa.max(ob));
                    expected.replace_range(lo..hi, text);
                    TextDocumentContentChangeEvent {
                        range: Some(Range::new(pa, pb)),
                        range_length: None,
                        text: text.clone(),
                    }
                }
                BufEdit::Replace(t) => {
                    expected = t.clone();
                    TextDocumentContentChangeEvent { range: None, range_length: None, text: t.clone() }
                }
            };
            buf.apply(&change, enc);
            prop_assert_eq!(buf.text(), expected.clone(), "after {:?} in {:?}", e, enc);
        }
    }
}

// ------------------------------------------------------------ corpus

/// Sentences that make entities, repeated claims and figure conflicts.
const SENTENCES: &[&str] = &[
    "Belarusian President Alexander Lukashenko met Vladimir Putin in Sochi on Friday.",
    "\"Belarus cannot do without Russia,\" Lukashenko said.",
    "Lukashenko told reporters that Belarus cannot do without Russia.",
    "Trade between the two countries reached 24 million tonnes last year.",
    "Trade between the two countries reached 25 million tonnes last year, Putin said.",
    "Mr Putin said trade had reached 30 billion dollars.",
    "The Kremlin said the talks were constructive.",
    "Mikhail Mishustin visited Minsk and met Lukashenka.",
    "Roman Golovchenko said gas prices would fall by 10 percent.",
    "Gas prices would fall by 15 percent, Golovchenko said.",
    "The European Union imposed new sanctions on Belarus.",
    "Лукашенко 😀 говорил é.",
    "",
];

const SEPARATORS: &[&str] = &[" ", "\n", "\r\n", "\n\n"];

fn article() -> impl Strategy<Value = String> {
    prop::collection::vec(
        (
            prop::sample::select(SENTENCES),
            prop::sample::select(SEPARATORS),
        ),
        0..7,
    )
    .prop_map(|v| v.into_iter().map(|(s, sep)| format!("{s}{sep}")).collect())
}

const SLOTS: u8 = 5;

#[derive(Debug, Clone)]
enum Op {
    /// Create or overwrite a document (a disk write, a didOpen).
    Put(u8, String),
    /// An edit: replace a stretch of the text (cut at character
    /// boundaries, chosen by two fractions) with a sentence.
    Edit(u8, f64, f64, &'static str),
    /// Delete the document (from disk, or a closed unsaved buffer).
    Remove(u8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..SLOTS, article()).prop_map(|(s, t)| Op::Put(s, t)),
        6 => (0..SLOTS, 0.0..1.0f64, 0.0..1.0f64, prop::sample::select(SENTENCES))
            .prop_map(|(s, a, b, t)| Op::Edit(s, a, b, t)),
        2 => (0..SLOTS).prop_map(Op::Remove),
    ]
}

fn path(slot: u8) -> PathBuf {
    PathBuf::from(format!("/claimlens-prop/doc{slot}.txt"))
}

fn char_cut(text: &str, f: f64) -> usize {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    bounds[((f * bounds.len() as f64) as usize).min(bounds.len() - 1)]
}

/// Everything the server answers from the corpus, keyed by question, with
/// document ids replaced by paths (ids depend on the order of arrival).
fn answers(corpus: &Corpus) -> BTreeMap<String, Value> {
    let view = View {
        corpus,
        enc: Encoding::Utf16,
    };
    let mut out = BTreeMap::new();
    let mut docs: Vec<_> = corpus
        .documents()
        .map(|(id, d)| (d.path.clone(), id, d.text.clone()))
        .collect();
    docs.sort();
    let path_of = |id| {
        corpus
            .doc(id)
            .map(|d| d.path.display().to_string())
            .unwrap_or_default()
    };
    for (p, id, text) in &docs {
        let name = p.display().to_string();
        let uri = path_to_uri(p).expect("uri");
        out.insert(format!("{name} text"), json!(text.to_string()));
        out.insert(
            format!("{name} diagnostics"),
            json!(publish::diagnostics(&view, *id)),
        );
        out.insert(
            format!("{name} tokens"),
            json!(semantic::tokens(&view, &uri, None)),
        );
        out.insert(
            format!("{name} symbols"),
            json!(symbols::document_symbols(&view, &uri)),
        );
        out.insert(
            format!("{name} lenses"),
            json!(actions::code_lenses(&view, &uri)),
        );
        // a hover at the start of every line and every word
        let mut line = 0u32;
        let mut col = 0u32;
        let mut prev = '\n';
        for ch in text.chars() {
            if ch == '\n' {
                line += 1;
                col = 0;
            } else {
                if !prev.is_alphanumeric() && ch.is_alphanumeric() {
                    let pos = Position::new(line, col);
                    out.insert(
                        format!("{name} hover {line}:{col}"),
                        json!(hover::hover(&view, &uri, pos)),
                    );
                }
                col += ch.len_utf16() as u32;
            }
            prev = ch;
        }
    }
    out.insert("conflicts".into(), actions::list_conflicts(&view));
    let mut ws = json!(symbols::workspace_symbols(&view, ""));
    if let Some(a) = ws.as_array_mut() {
        a.sort_by_key(|v| v.to_string());
    }
    out.insert("workspace symbols".into(), ws);
    let mut groups: Vec<Vec<(String, u32)>> = corpus
        .claim_index()
        .groups()
        .into_iter()
        .map(|g| {
            let mut g: Vec<_> = g.into_iter().map(|(d, s)| (path_of(d), s)).collect();
            g.sort();
            g
        })
        .collect();
    groups.sort();
    out.insert("claim groups".into(), json!(groups));
    out
}

fn assert_same(incremental: &BTreeMap<String, Value>, fresh: &BTreeMap<String, Value>) {
    let keys = |m: &BTreeMap<String, Value>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(incremental), keys(fresh), "different questions");
    for (k, v) in fresh {
        assert!(
            incremental[k] == *v,
            "{k} differs\nincremental: {}\nfresh:       {v}",
            incremental[k]
        );
    }
}

proptest! {
    #![proptest_config(config(256, 0x5eed_0002))]
    #[test]
    fn incremental_corpus_equals_a_fresh_index(
        initial in prop::collection::vec(article(), 0..SLOTS as usize),
        ops in prop::collection::vec(op(), 1..24),
    ) {
        let cfg = Config::default();
        let analysed = |t: &str| Arc::new(claimlens::analysis::analyze(t, &cfg));
        let mut texts: BTreeMap<u8, String> = BTreeMap::new();
        // the first indexing: in bulk, as the server does
        let mut corpus = Corpus::new(cfg.clone());
        let mut first = Vec::new();
        for (i, t) in initial.iter().enumerate() {
            texts.insert(i as u8, t.clone());
            first.push((path(i as u8), Arc::from(t.as_str()), analysed(t)));
        }
        corpus.upsert_many(first);
        // then one change at a time
        for op in &ops {
            match op {
                Op::Put(s, t) => {
                    texts.insert(*s, t.clone());
                    corpus.upsert(path(*s), Arc::from(t.as_str()), analysed(t));
                }
                Op::Edit(s, a, b, new) => {
                    let Some(t) = texts.get_mut(s) else { continue };
                    let (x, y) = (char_cut(t, *a), char_cut(t, *b));
                    t.replace_range(x.min(y)..x.max(y), new);
                    let t = t.clone();
                    corpus.upsert(path(*s), Arc::from(t.as_str()), analysed(&t));
                }
                Op::Remove(s) => {
                    texts.remove(s);
                    corpus.remove(&path(*s));
                }
            }
        }
        prop_assert_eq!(corpus.len(), texts.len());
        let fresh = Corpus::build(
            cfg.clone(),
            texts.iter().map(|(s, t)| (path(*s), Arc::from(t.as_str()))).collect(),
        );
        // the fresh side judges all figures at once, the other per document
        prop_assert!(fresh.prepare_findings(&|| false));
        assert_same(&answers(&corpus), &answers(&fresh));
    }
}

#[test]
fn judging_all_figures_at_once_equals_document_by_document() {
    use claimlens::bench::generate::{Generator, Sources, default_source_dirs};
    let sources = Sources::load(&default_source_dirs()).expect("generator sources");
    let generator = Generator::new(sources, 1000, 11);
    let files: Vec<(PathBuf, Arc<str>)> = (0..1000)
        .map(|i| {
            let a = generator.article(i);
            (
                PathBuf::from("/claimlens-gen").join(&a.path),
                Arc::from(a.text.as_str()),
            )
        })
        .collect();
    let corpus = Corpus::build(Config::default(), files.clone());
    let kept = same_either_way(&corpus);
    // figures the user kept leave findings on both sides, prepared or not
    let mut cfg = Config::default();
    for (path, text) in kept.iter().step_by(5) {
        cfg.kept_figures
            .push(claimlens::analysis::config::KeptFigure {
                file: path
                    .strip_prefix("/claimlens-gen")
                    .unwrap()
                    .display()
                    .to_string(),
                text: text.clone(),
            });
    }
    assert!(cfg.kept_figures.len() > 10);
    let corpus = Corpus::build(cfg, files);
    let after = same_either_way(&corpus);
    assert!(
        after.len() < kept.len() - 10,
        "{} of {}",
        after.len(),
        kept.len()
    );
}

/// Check that a corpus's findings are the same judged document by
/// document and all at once; return every flagged figure (path, text).
fn same_either_way(corpus: &Corpus) -> Vec<(PathBuf, String)> {
    let ids: Vec<_> = corpus.documents().map(|(id, _)| id).collect();
    let one_by_one: Vec<_> = ids.iter().map(|&id| corpus.findings(id)).collect();
    let flagged = one_by_one.iter().filter(|f| !f.is_empty()).count();
    assert!(flagged > 100, "only {flagged} documents with findings");
    // asked to give way at once: nothing is kept, answers are unchanged
    assert!(!corpus.prepare_findings(&|| true));
    assert!(!corpus.findings_prepared());
    assert!(corpus.prepare_findings(&|| false));
    assert!(corpus.findings_prepared());
    let mut figures = Vec::new();
    for (k, &id) in ids.iter().enumerate() {
        let d = corpus.doc(id).unwrap();
        assert_eq!(
            corpus.findings(id),
            one_by_one[k],
            "findings of {} differ",
            d.path.display()
        );
        for f in &one_by_one[k] {
            figures.push((d.path.clone(), f.span.of(&d.text).to_string()));
        }
    }
    figures
}

/// The first indexing fills the entity index on one thread and the claim
/// and figure indexes on another (`Corpus::upsert_incoming`, for batches of
/// 32 documents or more); a corpus built so, and then refilled in bulk with
/// some documents changed, answers as one built a document at a time.
#[test]
fn bulk_indexing_on_two_threads_equals_one_document_at_a_time() {
    use claimlens::bench::generate::{Generator, Sources, default_source_dirs};
    let sources = Sources::load(&default_source_dirs()).expect("generator sources");
    let generator = Generator::new(sources, 120, 23);
    let cfg = Config::default();
    let mut files: Vec<(PathBuf, String)> = (0..120)
        .map(|i| {
            let a = generator.article(i);
            (PathBuf::from("/claimlens-gen").join(&a.path), a.text)
        })
        .collect();
    let staged = |files: &[(PathBuf, String)]| -> Vec<_> {
        files
            .iter()
            .map(|(p, t)| {
                let t: Arc<str> = Arc::from(t.as_str());
                let a = Arc::new(claimlens::analysis::analyze(&t, &cfg));
                (p.clone(), t, a)
            })
            .collect()
    };
    let mut bulk = Corpus::new(cfg.clone());
    bulk.upsert_many(staged(&files));
    // a third of them again, changed: ids are reused, entries replaced
    for (_, t) in files.iter_mut().step_by(3) {
        *t = t
            .replacen("million", "billion", 1)
            .replacen(" said", " told reporters", 1);
    }
    let again: Vec<_> = files.iter().step_by(3).cloned().collect();
    assert!(again.len() >= 32);
    let changed = bulk.upsert_many(staged(&again));
    assert_eq!(changed.len(), again.len());
    assert_eq!(bulk.len(), files.len());

    let mut single = Corpus::new(cfg.clone());
    for (p, t, a) in staged(&files) {
        single.upsert(p, t, a);
    }
    assert_same(&answers(&bulk), &answers(&single));
}
