//! Fuzzing entry points for claimlens, shared by the cargo-fuzz targets
//! (`fuzz/fuzz_targets/*.rs`) and by `tests/fuzz_corpus.rs`, which replays
//! the stored corpus (`fuzz/corpus/<target>/`) through the same functions in
//! a plain `cargo test`.
//!
//! - [`analyze_input`]: arbitrary bytes as text (lossy UTF-8) through every
//!   analysis stage and `analyze`, checking the invariants the rest of the
//!   program relies on (spans inside the text and on character boundaries,
//!   mentions sorted, indices valid, stages agreeing with the whole
//!   pipeline), and position conversions in every encoding.
//! - [`answers_input`]: a structured session of document puts, incremental
//!   edits, removals and questions against a `Corpus`, answered by the same
//!   functions the server uses (hover, navigation, tokens, symbols, lenses,
//!   actions, diagnostics); edits are applied both to the server's rope
//!   buffer and by plain string splicing at `LineIndex` offsets, which must
//!   agree; every returned range must lie inside its document.
//! - [`lsp_input`]: a structured client session (well-formed requests with
//!   odd parameters, arbitrary JSON, arbitrary frames and raw bytes, disk
//!   changes, cancellations) against `claimlens::lsp::serve` over in-memory
//!   streams; the server must answer every request exactly once, stop after
//!   `shutdown` + `exit` (or end of input), and never panic.
//!
//! A panic anywhere, even one the server would catch and turn into an error
//! response, is a finding: libFuzzer aborts on any panic, and the replay test
//! counts them with [`install_panic_counter`].

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};
use claimlens::analysis::config::Config;
use claimlens::analysis::corpus::Corpus;
use claimlens::analysis::entities::{DeclaredEntity, EntityConfig, EntityKind};
use claimlens::analysis::span::Span;
use claimlens::analysis::text::{Encoding, LineCol, LineIndex};
use claimlens::analysis::{self, claims, dates, entities, figures, sentences, statements, tokens};
use claimlens::lsp::buffer::Buffer;
use claimlens::lsp::state::View;
use claimlens::lsp::{actions, hover, navigation, publish, semantic, symbols};
use serde_json::{Value, json};
use tower_lsp_server::ls_types::{
    self as lsp, Position, Range, TextDocumentContentChangeEvent, Uri,
};

// ------------------------------------------------------------------ panics

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// Count every panic in the process (on any thread, caught or not), on top
/// of the default hook's message. For the replay test, where a panic the
/// server catches would otherwise go unnoticed.
pub fn install_panic_counter() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            PANICS.fetch_add(1, Ordering::SeqCst);
            prev(info);
        }));
    });
}

pub fn panics() -> usize {
    PANICS.load(Ordering::SeqCst)
}

// ------------------------------------------------------------------ analyze

/// A configuration with declared entities and exclusions, as a project file
/// would give, so recognition takes its config-dependent paths too.
fn declared_config() -> Config {
    Config {
        entities: EntityConfig {
            entities: vec![
                DeclaredEntity {
                    name: "Alexander Lukashenko".into(),
                    kind: Some(EntityKind::Person),
                    aliases: vec!["Lukashenka".into(), "Batka".into()],
                    description: Some("President of Belarus".into()),
                },
                DeclaredEntity {
                    name: "BelTA".into(),
                    kind: Some(EntityKind::Organization),
                    aliases: vec![],
                    description: None,
                },
                DeclaredEntity {
                    name: "".into(),
                    kind: None,
                    aliases: vec![" ".into()],
                    description: None,
                },
            ],
            exclude: vec!["Full Article".into(), "".into()],
        },
        ..Config::default()
    }
}

fn check_span(text: &str, s: Span, what: &str) {
    assert!(
        s.start <= s.end && s.end as usize <= text.len(),
        "{what} {s:?} outside a text of {} bytes",
        text.len()
    );
    assert!(
        text.is_char_boundary(s.start as usize) && text.is_char_boundary(s.end as usize),
        "{what} {s:?} not on a character boundary"
    );
}

/// Every stage on its own, then the whole pipeline, with their invariants.
pub fn check_analysis(text: &str, cfg: &Config) {
    let mut toks = tokens::tokenize(text);
    for t in &toks {
        check_span(text, t.span, "token");
        assert!(!t.span.is_empty(), "empty token {t:?}");
    }
    for w in toks.windows(2) {
        assert!(w[0].span.end <= w[1].span.start, "tokens overlap: {w:?}");
    }
    let sents = sentences::split(text, &mut toks);
    for s in &sents {
        check_span(text, *s, "sentence");
    }
    let ents = entities::recognize(text, &toks, &sents, &cfg.entities);
    for m in &ents.mentions {
        check_span(text, m.span, "mention");
        assert!(
            (m.local as usize) < ents.locals.len(),
            "mention {m:?} points to local {} of {}",
            m.local,
            ents.locals.len()
        );
    }
    for w in ents.mentions.windows(2) {
        assert!(
            w[0].span.end <= w[1].span.start,
            "mentions not sorted or overlapping: {:?} {:?}",
            w[0],
            w[1]
        );
    }
    let stmts = statements::segment(text, &toks, &sents);
    for (i, s) in stmts.iter().enumerate() {
        check_span(text, s.span, "statement");
        if let Some(a) = s.attribution() {
            check_span(text, a, "attribution");
        }
        if let Some(p) = s.parent() {
            assert!((p as usize) < stmts.len(), "statement {i} has parent {p}");
            assert!(p as usize != i, "statement {i} is its own parent");
        }
    }
    assert!(stmts.is_well_formed(), "statements point outside");
    let dc = claims::DocClaims::build(text, &toks, &stmts, &ents);
    assert_eq!(dc.statements.len(), stmts.len());
    let figs = figures::extract(text, &toks, &sents, &stmts);
    for f in &figs {
        check_span(text, f.span, "figure");
        assert!(
            f.low <= f.high || f.low.is_nan() || f.high.is_nan(),
            "figure {f:?} has low > high"
        );
        if let Some(s) = f.statement {
            assert!((s as usize) < stmts.len(), "figure {f:?}: no statement {s}");
        }
        let _ = f.describe();
    }
    let _ = dates::article_date(text);
    // the pipeline is the stages in order: same results (and deterministic)
    let whole = analysis::analyze(text, cfg);
    assert_eq!(whole.entities.mentions, ents.mentions);
    assert_eq!(
        whole.statements.iter().map(|s| s.span).collect::<Vec<_>>(),
        stmts.iter().map(|s| s.span).collect::<Vec<_>>()
    );
    assert_eq!(whole.figures.as_slice(), figs.as_slice());
}

/// Byte offset -> position -> byte offset is the identity on every
/// character boundary (line breaks aside), in every encoding; any position
/// maps to a character boundary inside the text.
pub fn check_positions(text: &str, probes: &[(u32, u32)]) {
    let li = LineIndex::new(text);
    let encs = [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32];
    // at most ~4000 offsets, evenly spread
    let step = (text.len() / 4000).max(1);
    let mut offsets: Vec<usize> = (0..=text.len()).step_by(step).collect();
    offsets.push(text.len());
    for off in offsets {
        if !text.is_char_boundary(off) {
            continue;
        }
        let ch = text[off..].chars().next();
        for enc in encs {
            let p = li.position(off, enc);
            if matches!(ch, Some('\r' | '\n')) {
                continue; // a line break maps to the end of its line
            }
            assert_eq!(
                li.offset(text, p, enc),
                off,
                "offset {off} via {enc:?} {p:?}"
            );
        }
    }
    for &(line, col) in probes {
        for enc in encs {
            let o = li.offset(text, LineCol { line, col }, enc);
            assert!(
                o <= text.len() && text.is_char_boundary(o),
                "{line}:{col} -> {o}"
            );
        }
    }
}

pub fn analyze_input(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    check_analysis(&text, &Config::default());
    check_analysis(&text, &declared_config());
    let probes: Vec<(u32, u32)> = data
        .chunks(2)
        .take(16)
        .map(|c| (c[0] as u32 % 8, *c.get(1).unwrap_or(&0) as u32))
        .chain([(0, u32::MAX), (u32::MAX, 0), (u32::MAX, u32::MAX)])
        .collect();
    check_positions(&text, &probes);
}

// ------------------------------------------------------------------ answers

#[derive(Arbitrary, Debug)]
pub struct AnswersSession {
    pub enc: u8,
    pub ops: Vec<AnswersOp>,
}

#[derive(Arbitrary, Debug)]
pub enum AnswersOp {
    Put {
        slot: u8,
        text: String,
    },
    Edit {
        slot: u8,
        start: (u32, u32),
        end: (u32, u32),
        text: String,
    },
    Remove {
        slot: u8,
    },
    Ask {
        slot: u8,
        line: u32,
        col: u32,
    },
}

const SLOTS: u8 = 4;

fn slot_path(slot: u8) -> PathBuf {
    PathBuf::from(format!("/fuzz/doc{}.txt", slot % SLOTS))
}

/// Apply an LSP range edit by splicing the string at `LineIndex` offsets:
/// the reference the rope buffer must agree with.
pub fn splice(text: &str, range: Range, new: &str, enc: Encoding) -> String {
    let li = LineIndex::new(text);
    let at = |p: Position| {
        li.offset(
            text,
            LineCol {
                line: p.line,
                col: p.character,
            },
            enc,
        )
    };
    let (a, b) = (at(range.start), at(range.end));
    let (a, b) = (a.min(b), a.max(b));
    let mut out = String::with_capacity(text.len() + new.len());
    out.push_str(&text[..a]);
    out.push_str(new);
    out.push_str(&text[b..]);
    out
}

fn check_range(view: &View, uri: &Uri, r: Range, what: &str) {
    assert!(
        r.start <= r.end,
        "{what}: range {r:?} ends before it starts"
    );
    let (_, doc) = view
        .doc(uri)
        .unwrap_or_else(|| panic!("{what}: {} is not a document", uri.as_str()));
    for p in [r.start, r.end] {
        let off = doc.lines.offset(
            &doc.text,
            LineCol {
                line: p.line,
                col: p.character,
            },
            view.enc,
        );
        let back = doc.lines.position(off, view.enc);
        assert_eq!(
            back,
            LineCol {
                line: p.line,
                col: p.character
            },
            "{what}: {p:?} is not a position in {}",
            uri.as_str()
        );
    }
}

fn check_location(view: &View, l: &lsp::Location, what: &str) {
    check_range(view, &l.uri, l.range, what);
}

/// Ask every question the server answers about `uri` at `pos`, and check
/// that the answers point at real places.
pub fn ask_everything(view: &View, uri: &Uri, pos: Position) {
    if let Some(h) = hover::hover(view, uri, pos)
        && let Some(r) = h.range
    {
        check_range(view, uri, r, "hover");
    }
    match navigation::definition(view, uri, pos) {
        Some(lsp::GotoDefinitionResponse::Scalar(l)) => check_location(view, &l, "definition"),
        Some(lsp::GotoDefinitionResponse::Array(ls)) => ls
            .iter()
            .for_each(|l| check_location(view, l, "definition")),
        _ => {}
    }
    for decl in [true, false] {
        for l in navigation::references(view, uri, pos, decl)
            .map(navigation::Locations::into_vec)
            .unwrap_or_default()
        {
            check_location(view, &l, "references");
        }
    }
    for h in navigation::highlights(view, uri, pos).unwrap_or_default() {
        check_range(view, uri, h.range, "highlight");
    }
    for l in actions::repeats(view, uri, pos) {
        check_location(view, &l, "repeats");
    }
    let around = Range::new(
        Position::new(pos.line.saturating_sub(1), 0),
        Position::new(pos.line.saturating_add(1), pos.character),
    );
    check_tokens(view, uri, Some(around));
    let _ = actions::code_actions(view, uri, around, &[]);
}

/// Semantic tokens decode to single-line ranges inside the document.
fn check_tokens(view: &View, uri: &Uri, range: Option<Range>) {
    let Some(toks) = semantic::tokens(view, uri, range) else {
        return;
    };
    let (mut line, mut col) = (0u32, 0u32);
    for t in toks.data {
        if t.delta_line > 0 {
            line += t.delta_line;
            col = t.delta_start;
        } else {
            col += t.delta_start;
        }
        assert!(t.length > 0, "empty semantic token");
        let r = Range::new(
            Position::new(line, col),
            Position::new(line, col + t.length),
        );
        check_range(view, uri, r, "semantic token");
    }
}

/// Whole-document and whole-corpus answers for every document, plus
/// questions at every mention.
pub fn ask_about_corpus(view: &View) {
    let docs: Vec<_> = view
        .corpus
        .documents()
        .map(|(id, d)| (id, d.path.clone()))
        .collect();
    for (id, path) in &docs {
        let uri = claimlens::lsp::convert::path_to_uri(path).expect("uri");
        check_tokens(view, &uri, None);
        let _ = symbols::document_symbols(view, &uri);
        for lens in actions::code_lenses(view, &uri).unwrap_or_default() {
            check_range(view, &uri, lens.range, "code lens");
        }
        for d in publish::diagnostics(view, *id) {
            check_range(view, &uri, d.range, "diagnostic");
            for r in d.related_information.unwrap_or_default() {
                check_location(view, &r.location, "related information");
            }
        }
        let doc = view.corpus.doc(*id).expect("doc");
        let mentions = view.corpus.mentions(*id);
        for (span, _, _) in mentions.iter().take(64) {
            let p = doc.lines.position(span.start as usize, view.enc);
            ask_everything(view, &uri, Position::new(p.line, p.col));
        }
    }
    let _ = actions::list_conflicts(view);
    for q in ["", "a", "Lukashenko", "ö", " "] {
        let _ = symbols::workspace_symbols(view, q);
    }
    let _ = view.corpus.claim_index().groups();
}

pub fn answers_input(data: &[u8]) {
    let Ok(session) = AnswersSession::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    run_answers(&session);
}

pub fn run_answers(session: &AnswersSession) {
    let enc = match session.enc % 3 {
        0 => Encoding::Utf16,
        1 => Encoding::Utf8,
        _ => Encoding::Utf32,
    };
    let cfg = Config::default();
    let mut corpus = Corpus::new(cfg.clone());
    let mut texts: BTreeMap<u8, String> = BTreeMap::new();
    let put = |corpus: &mut Corpus, slot: u8, text: &str| {
        let a = analysis::analyze(text, &cfg);
        corpus.upsert(slot_path(slot), Arc::from(text), Arc::new(a));
    };
    for op in session.ops.iter().take(48) {
        match op {
            AnswersOp::Put { slot, text } => {
                texts.insert(slot % SLOTS, text.clone());
                put(&mut corpus, slot % SLOTS, text);
            }
            AnswersOp::Edit {
                slot,
                start,
                end,
                text,
            } => {
                let slot = slot % SLOTS;
                let Some(old) = texts.get(&slot) else {
                    continue;
                };
                let range = Range::new(
                    Position::new(start.0 % 64, start.1),
                    Position::new(end.0 % 64, end.1),
                );
                let mut buf = Buffer::new(old, 1);
                buf.apply(
                    &TextDocumentContentChangeEvent {
                        range: Some(range),
                        range_length: None,
                        text: text.clone(),
                    },
                    enc,
                );
                let expected = splice(old, range, text, enc);
                assert_eq!(
                    buf.text(),
                    expected,
                    "buffer and LineIndex disagree on {range:?} in {old:?}"
                );
                texts.insert(slot, expected.clone());
                put(&mut corpus, slot, &expected);
            }
            AnswersOp::Remove { slot } => {
                texts.remove(&(slot % SLOTS));
                corpus.remove(&slot_path(*slot));
            }
            AnswersOp::Ask { slot, line, col } => {
                let view = View {
                    corpus: &corpus,
                    enc,
                };
                let uri = claimlens::lsp::convert::path_to_uri(&slot_path(*slot)).unwrap();
                ask_everything(&view, &uri, Position::new(*line, *col));
            }
        }
    }
    assert_eq!(corpus.len(), texts.len());
    let view = View {
        corpus: &corpus,
        enc,
    };
    ask_about_corpus(&view);
}

// ------------------------------------------------------------------ lsp

#[derive(Arbitrary, Debug)]
pub struct LspSession {
    pub utf8: bool,
    pub client_watches: bool,
    pub progress: bool,
    pub msgs: Vec<Msg>,
}

#[derive(Arbitrary, Debug)]
pub enum Msg {
    /// Bytes written as they are.
    Raw(Vec<u8>),
    /// A frame with a correct header and an arbitrary body.
    Body(Vec<u8>),
    /// A message of a known method with arbitrary parameters.
    Json {
        id: Option<u8>,
        method: u8,
        params: FJson,
    },
    Open {
        doc: u8,
        version: i32,
        text: String,
    },
    Change {
        doc: u8,
        version: i32,
        edits: Vec<FEdit>,
    },
    Close {
        doc: u8,
    },
    At {
        what: u8,
        doc: u8,
        line: u32,
        character: u32,
    },
    Cancel {
        back: u8,
    },
    Disk {
        file: u8,
        text: Option<String>,
    },
    Settings {
        max_file_bytes: i64,
    },
    KeepFigure {
        doc: u8,
        text: String,
    },
}

#[derive(Arbitrary, Debug)]
pub struct FEdit {
    pub range: Option<((u32, u32), (u32, u32))>,
    pub text: String,
}

#[derive(Arbitrary, Debug)]
pub enum FJson {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    Arr(Vec<FJson>),
    Obj(Vec<(FKey, FJson)>),
}

/// Keys the server looks for, and any other.
#[derive(Arbitrary, Debug)]
pub enum FKey {
    Known(u8),
    Other(String),
}

const KEYS: &[&str] = &[
    "textDocument",
    "uri",
    "position",
    "line",
    "character",
    "range",
    "start",
    "end",
    "text",
    "version",
    "contentChanges",
    "context",
    "includeDeclaration",
    "diagnostics",
    "query",
    "command",
    "arguments",
    "settings",
    "changes",
    "type",
    "id",
    "claimlens",
    "maxFileBytes",
    "languageId",
];

impl FJson {
    fn to_value(&self, root: &Path, depth: u32) -> Value {
        if depth > 8 {
            return Value::Null;
        }
        match self {
            FJson::Null => Value::Null,
            FJson::Bool(b) => json!(b),
            FJson::Int(i) => json!(i),
            FJson::Float(f) => json!(f),
            // strings that look like URIs of the workspace are more useful
            FJson::Str(s) if s.starts_with('@') => json!(doc_uri(root, s.len() as u8)),
            FJson::Str(s) => json!(s),
            FJson::Arr(a) => Value::Array(a.iter().map(|v| v.to_value(root, depth + 1)).collect()),
            FJson::Obj(o) => Value::Object(
                o.iter()
                    .map(|(k, v)| {
                        let k = match k {
                            FKey::Known(i) => KEYS[*i as usize % KEYS.len()].to_string(),
                            FKey::Other(s) => s.clone(),
                        };
                        (k, v.to_value(root, depth + 1))
                    })
                    .collect(),
            ),
        }
    }
}

/// Every method the server handles, and some it does not. Not
/// `workspace/didChangeWorkspaceFolders`: it would let an input add any
/// folder of this machine (say `/`) to the workspace and index it.
const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/documentHighlight",
    "textDocument/semanticTokens/full",
    "textDocument/semanticTokens/range",
    "textDocument/documentSymbol",
    "workspace/symbol",
    "textDocument/codeLens",
    "textDocument/codeAction",
    "workspace/executeCommand",
    "textDocument/didOpen",
    "textDocument/didChange",
    "textDocument/didClose",
    "textDocument/didSave",
    "workspace/didChangeWatchedFiles",
    "workspace/didChangeConfiguration",
    "$/cancelRequest",
    "$/setTrace",
    "initialize",
    "initialized",
    "shutdown",
    "exit",
    "textDocument/completion",
    "claimlens/unknown",
];

fn doc_path(root: &Path, d: u8) -> PathBuf {
    match d % 6 {
        0 | 1 => root.join(format!("doc{}.txt", d % 6)),
        2 => root.join("sub/ünï cödé.md"),
        3 => root.join("new.txt"),
        _ => root.join("notes.rs"),
    }
}

fn doc_uri(root: &Path, d: u8) -> String {
    match d % 8 {
        6 => "untitled:Untitled-1".into(),
        7 => "file:///nonexistent/outside.txt".into(),
        _ => Uri::from_file_path(doc_path(root, d))
            .map(|u| u.as_str().to_string())
            .unwrap_or_default(),
    }
}

const SAMPLE: &str = "Belarusian President Alexander Lukashenko met Vladimir Putin in Sochi on Friday.\n\
\"Belarus cannot do without Russia,\" Lukashenko said. Trade reached 24 million tonnes.\r\n\
The Kremlin said the talks were constructive.\n";
const SAMPLE2: &str = "Lukashenko told reporters: \"Belarus cannot do without Russia.\"\n\
Mr Putin said trade had reached 25 million tonnes, and the talks were constructive.\n";

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn frame_json(v: &Value) -> Vec<u8> {
    frame(&serde_json::to_vec(v).unwrap())
}

/// The bytes a session writes, and the ids of its well-formed requests.
fn render(session: &LspSession, root: &Path) -> (Vec<Vec<u8>>, Vec<i64>, bool) {
    let mut out = Vec::new();
    let mut ids = Vec::new();
    let mut garbage = false;
    let req = |method: &str, params: Value, out: &mut Vec<Vec<u8>>, ids: &mut Vec<i64>| {
        let id = 101 + ids.len() as i64;
        ids.push(id);
        out.push(frame_json(
            &json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}),
        ));
    };
    let note = |method: &str, params: Value, out: &mut Vec<Vec<u8>>| {
        out.push(frame_json(
            &json!({"jsonrpc": "2.0", "method": method, "params": params}),
        ));
    };
    for m in session.msgs.iter().take(64) {
        match m {
            Msg::Raw(b) => {
                garbage = true;
                out.push(b.clone());
            }
            Msg::Body(b) => {
                garbage = true;
                out.push(frame(b));
            }
            Msg::Json { id, method, params } => {
                garbage = true; // may be an exit, a shutdown, a duplicate id...
                let mut v = json!({"jsonrpc": "2.0", "method": METHODS[*method as usize % METHODS.len()],
                                   "params": params.to_value(root, 0)});
                if let Some(id) = id {
                    v["id"] = json!(id);
                }
                out.push(frame_json(&v));
            }
            Msg::Open { doc, version, text } => note(
                "textDocument/didOpen",
                json!({"textDocument": {"uri": doc_uri(root, *doc), "languageId": "plaintext",
                                        "version": version, "text": text}}),
                &mut out,
            ),
            Msg::Change {
                doc,
                version,
                edits,
            } => {
                let changes: Vec<Value> = edits
                    .iter()
                    .take(8)
                    .map(|e| match e.range {
                        Some(((l1, c1), (l2, c2))) => json!({
                            "range": {"start": {"line": l1 % 16, "character": c1 % 128},
                                      "end": {"line": l2 % 16, "character": c2 % 128}},
                            "text": e.text}),
                        None => json!({"text": e.text}),
                    })
                    .collect();
                note(
                    "textDocument/didChange",
                    json!({"textDocument": {"uri": doc_uri(root, *doc), "version": version},
                           "contentChanges": changes}),
                    &mut out,
                );
            }
            Msg::Close { doc } => note(
                "textDocument/didClose",
                json!({"textDocument": {"uri": doc_uri(root, *doc)}}),
                &mut out,
            ),
            Msg::At {
                what,
                doc,
                line,
                character,
            } => {
                let td = json!({"uri": doc_uri(root, *doc)});
                let pos = json!({"line": line, "character": character});
                let range = json!({"start": {"line": 0, "character": 0}, "end": pos});
                let (method, params) = match what % 12 {
                    0 => (
                        "textDocument/hover",
                        json!({"textDocument": td, "position": pos}),
                    ),
                    1 => (
                        "textDocument/definition",
                        json!({"textDocument": td, "position": pos}),
                    ),
                    2 => (
                        "textDocument/references",
                        json!({"textDocument": td, "position": pos,
                               "context": {"includeDeclaration": line % 2 == 0}}),
                    ),
                    3 => (
                        "textDocument/documentHighlight",
                        json!({"textDocument": td, "position": pos}),
                    ),
                    4 => (
                        "textDocument/semanticTokens/full",
                        json!({"textDocument": td}),
                    ),
                    5 => (
                        "textDocument/semanticTokens/range",
                        json!({"textDocument": td, "range": range}),
                    ),
                    6 => ("textDocument/documentSymbol", json!({"textDocument": td})),
                    7 => ("textDocument/codeLens", json!({"textDocument": td})),
                    8 => (
                        "textDocument/codeAction",
                        json!({"textDocument": td, "range": range, "context": {"diagnostics": []}}),
                    ),
                    9 => (
                        "workspace/executeCommand",
                        json!({"command": "claimlens.showRepeats", "arguments": [td["uri"], pos]}),
                    ),
                    10 => (
                        "workspace/executeCommand",
                        json!({"command": "claimlens.listConflicts", "arguments": []}),
                    ),
                    _ => ("workspace/symbol", json!({"query": "Lu"})),
                };
                req(method, params, &mut out, &mut ids);
            }
            Msg::Cancel { back } => {
                let id = 100 + ids.len() as i64 - *back as i64 % 4;
                note("$/cancelRequest", json!({"id": id}), &mut out);
            }
            Msg::Disk { file, text } => {
                // written by the session runner just before this message;
                // here only the event the client would send
                let path = disk_path(root, *file);
                let kind = if text.is_some() { 2 } else { 3 };
                note(
                    "workspace/didChangeWatchedFiles",
                    json!({"changes": [{"uri": Uri::from_file_path(&path).map(|u| u.as_str().to_string()).unwrap_or_default(), "type": kind}]}),
                    &mut out,
                );
            }
            Msg::Settings { max_file_bytes } => note(
                "workspace/didChangeConfiguration",
                json!({"settings": {"claimlens": {"maxFileBytes": max_file_bytes}}}),
                &mut out,
            ),
            Msg::KeepFigure { doc, text } => req(
                "workspace/executeCommand",
                json!({"command": "claimlens.keepFigure", "arguments": [doc_uri(root, *doc), text]}),
                &mut out,
                &mut ids,
            ),
        }
    }
    (out, ids, garbage)
}

fn disk_path(root: &Path, file: u8) -> PathBuf {
    match file % 6 {
        5 => root.join("claimlens.toml"),
        4 => root.join("sub"),
        f => doc_path(root, f),
    }
}

/// Could this input reach `workspace/didChangeWorkspaceFolders` (and so
/// add an arbitrary folder of the machine to the workspace)? Such inputs are
/// skipped: the method name is either spelled out or escaped with `\u`.
fn may_add_folders(session: &LspSession) -> bool {
    session.msgs.iter().any(|m| match m {
        Msg::Raw(b) | Msg::Body(b) => {
            contains(b, b"didChangeWorkspaceFolders") || contains(b, b"\\u")
        }
        _ => false,
    })
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

pub fn lsp_input(data: &[u8]) {
    let Ok(session) = LspSession::arbitrary_take_rest(Unstructured::new(data)) else {
        return;
    };
    if may_add_folders(&session) {
        return;
    }
    run_lsp(&session);
}

/// Read one frame from the server; `None` at the end of the stream.
async fn read_frame<R: tokio::io::AsyncBufRead + Unpin>(r: &mut R) -> Option<Value> {
    use tokio::io::{AsyncBufReadExt, AsyncReadExt};
    let mut len = None;
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).await.ok()? == 0 {
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
    let mut body = vec![0; len.expect("server frame without Content-Length")];
    r.read_exact(&mut body).await.ok()?;
    Some(serde_json::from_slice(&body).expect("server sent invalid JSON"))
}

pub fn run_lsp(session: &LspSession) {
    use tokio::io::AsyncWriteExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let root = dir.path().to_path_buf();
    std::fs::write(root.join("doc0.txt"), SAMPLE).unwrap();
    std::fs::write(root.join("doc1.txt"), SAMPLE2).unwrap();
    let (frames, ids, garbage) = render(session, &root);

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .max_blocking_threads(4)
        .enable_all()
        .build()
        .expect("runtime");
    let root_uri = Uri::from_file_path(&root).unwrap().as_str().to_string();
    let encodings = if session.utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    let caps = json!({
        "general": {"positionEncodings": encodings},
        "window": {"workDoneProgress": session.progress, "showDocument": {"support": true}},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": session.client_watches},
                      "workspaceFolders": true, "configuration": true,
                      "semanticTokens": {"refreshSupport": true},
                      "codeLens": {"refreshSupport": true}},
    });
    let init = frame_json(&json!({"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"processId": null, "rootUri": root_uri,
                   "workspaceFolders": [{"uri": root_uri, "name": "root"}],
                   "capabilities": caps}}));
    let initialized = frame_json(&json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}));
    let shutdown = frame_json(&json!({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}));
    let exit = frame_json(&json!({"jsonrpc": "2.0", "method": "exit"}));

    // the index in `frames` (one frame a message) of each Disk message, to
    // write the file first
    let disk_ops: Vec<(usize, PathBuf, Option<String>)> = session
        .msgs
        .iter()
        .take(64)
        .enumerate()
        .filter_map(|(i, m)| match m {
            Msg::Disk { file, text } => Some((i, disk_path(&root, *file), text.clone())),
            _ => None,
        })
        .collect();

    let responses = rt.block_on(async move {
        let (client_io, server_io) = tokio::io::duplex(1 << 16);
        let (server_r, server_w) = tokio::io::split(server_io);
        let (client_r, client_w) = tokio::io::split(client_io);
        let server = tokio::spawn(claimlens::lsp::serve(server_r, server_w));
        // one writer: our messages and answers to the server's requests
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<Option<Vec<u8>>>();
        let writer = tokio::spawn(async move {
            let mut w = client_w;
            while let Some(Some(bytes)) = rx.recv().await {
                if w.write_all(&bytes).await.is_err() {
                    break;
                }
            }
            let _ = w.shutdown().await;
        });
        let answer_tx = tx.clone();
        // the client waits for the answer to `initialize` before it says more
        let (init_tx, init_rx) = tokio::sync::oneshot::channel();
        let mut init_tx = Some(init_tx);
        let reader = tokio::spawn(async move {
            let mut r = tokio::io::BufReader::new(client_r);
            let mut responses: Vec<Value> = Vec::new();
            while let Some(msg) = read_frame(&mut r).await {
                assert_eq!(msg["jsonrpc"], "2.0", "{msg}");
                match (msg.get("method"), msg.get("id")) {
                    (Some(m), Some(id)) => {
                        let result = if m == "workspace/configuration" {
                            let n = msg["params"]["items"].as_array().map_or(0, Vec::len);
                            Value::Array(vec![Value::Null; n])
                        } else {
                            Value::Null
                        };
                        let _ = answer_tx.send(Some(frame_json(
                            &json!({"jsonrpc": "2.0", "id": id, "result": result}),
                        )));
                    }
                    (Some(_), None) => {}
                    (None, Some(_)) => {
                        assert!(
                            msg.get("result").is_some() != msg.get("error").is_some(),
                            "a response needs a result or an error: {msg}"
                        );
                        if msg["id"] == 1
                            && let Some(t) = init_tx.take()
                        {
                            let _ = t.send(());
                        }
                        responses.push(msg);
                    }
                    (None, None) => panic!("neither a request nor a response: {msg}"),
                }
            }
            responses
        });
        let _ = tx.send(Some(init));
        tokio::time::timeout(Duration::from_secs(30), init_rx)
            .await
            .expect("no answer to initialize")
            .expect("output ended before the answer to initialize");
        let _ = tx.send(Some(initialized));
        let mut disk = disk_ops.into_iter().peekable();
        for (i, f) in frames.into_iter().enumerate() {
            while let Some((_, path, text)) = disk.next_if(|(j, _, _)| *j == i) {
                match text {
                    Some(t) => {
                        let _ = std::fs::write(&path, t);
                    }
                    None => {
                        let _ = std::fs::remove_file(&path);
                        let _ = std::fs::remove_dir_all(&path);
                    }
                }
            }
            let _ = tx.send(Some(f));
        }
        let _ = tx.send(Some(shutdown));
        let _ = tx.send(Some(exit));
        // the end of input: a server that missed the exit in the garbage
        // stops here
        let _ = tx.send(None);
        let clean = tokio::time::timeout(Duration::from_secs(30), server)
            .await
            .expect("the server did not stop after shutdown, exit and the end of input")
            .expect("server task");
        drop(tx);
        writer.abort();
        let responses = tokio::time::timeout(Duration::from_secs(30), reader)
            .await
            .expect("output did not end")
            .expect("reader");
        if !garbage {
            assert!(clean, "shutdown was requested; exit code would be 1");
        }
        responses
    });
    rt.shutdown_timeout(Duration::from_millis(100));
    let answered = |id: i64| responses.iter().filter(|r| r["id"] == json!(id)).count();
    assert_eq!(answered(1), 1, "initialize not answered: {responses:?}");
    if !garbage {
        for id in ids.iter().copied().chain([2]) {
            assert_eq!(
                answered(id),
                1,
                "request {id} answered {} times",
                answered(id)
            );
        }
        let internal: Vec<_> = responses
            .iter()
            .filter(|r| {
                r["error"]["message"]
                    .as_str()
                    .is_some_and(|m| m.contains("internal error in"))
            })
            .collect();
        assert!(internal.is_empty(), "caught panics: {internal:?}");
    }
}
