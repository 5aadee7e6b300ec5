//! `claimlens check`: annotate a corpus from the terminal, as text or JSON.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use serde_json::{Value, json};

use super::{CheckArgs, Format, Section};
use crate::analysis::config::{Config, ProjectFile};
use crate::analysis::corpus::{Corpus, Document};
use crate::analysis::span::Span;
use crate::analysis::text::{Encoding, snippet};
use crate::cache::{self, Cache};
use crate::workspace;

pub fn run(args: &CheckArgs) -> ExitCode {
    match check(args, &mut std::io::stdout().lock()) {
        Ok(flagged) => ExitCode::from(if flagged { 1 } else { 0 }),
        Err(msg) => {
            eprintln!("claimlens: {msg}");
            ExitCode::from(2)
        }
    }
}

/// A corpus loaded for the command line.
pub struct Loaded {
    pub corpus: Corpus,
    /// Files skipped, with why.
    pub skipped: Vec<(PathBuf, String)>,
    /// The analysis cache being written in the background (join it before
    /// exiting).
    pub saving: Option<std::thread::JoinHandle<()>>,
    /// Where the judged figures are kept, when the cache is on.
    pub judged: Option<PathBuf>,
}

/// Load the corpus named by `paths`, through the analysis cache in
/// `cache_dir` when given; errors are usage or I/O problems.
pub fn load(paths: &[PathBuf], cache_dir: Option<&Path>) -> Result<Loaded, String> {
    // beside the reading, rather than by the first analysis and judging
    crate::analysis::warm_up_in_background();
    let mut files = Vec::new();
    let mut roots = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            roots.push(p.clone());
            files.extend(workspace::discover(p));
        } else {
            files.push(p.clone());
        }
    }
    let mut projects = Vec::new();
    for r in &roots {
        if let Some(f) = ProjectFile::load(r).map_err(|e| e.to_string())? {
            projects.push(f);
        }
    }
    let config = Config::from_files(projects.iter());
    let mut texts = Vec::new();
    let mut skipped = Vec::new();
    for f in files {
        match workspace::read_text(&f, config.max_file_bytes) {
            Ok(t) => texts.push((f, Arc::<str>::from(t))),
            Err(e) => skipped.push((f, e.to_string())),
        }
    }
    let mut cache_roots = roots.clone();
    cache_roots.extend(paths.iter().filter(|p| !p.is_dir()).map(|p| {
        match std::path::absolute(p) {
            Ok(a) => a.parent().map(Path::to_path_buf).unwrap_or(a),
            Err(_) => p.clone(),
        }
    }));
    let cache = cache_dir.and_then(|d| match Cache::open(d, &cache_roots, &config) {
        Ok(c) => Some(c),
        Err(e) => {
            tracing::warn!("{e}");
            None
        }
    });
    let (paths, texts): (Vec<PathBuf>, Vec<Arc<str>>) = texts.into_iter().unzip();
    let analyses = cache::analyze_all(cache.as_ref(), &config, &texts);
    let mut corpus = Corpus::new(config);
    let judged = cache.as_ref().map(Cache::judged_file);
    let saving = cache.map(|c| {
        let st = c.stats();
        tracing::info!(
            "analysis cache: {} hits, {} analysed ({})",
            st.hits,
            st.misses,
            c.file().display()
        );
        let docs: Vec<_> = texts
            .iter()
            .cloned()
            .zip(analyses.iter().cloned())
            .collect();
        std::thread::spawn(move || cache::log_saved(&c.save(&docs)))
    });
    corpus.upsert_many(
        paths
            .into_iter()
            .zip(texts)
            .zip(analyses)
            .map(|((p, t), a)| (p, t, a))
            .collect(),
    );
    Ok(Loaded {
        corpus,
        skipped,
        saving,
        judged,
    })
}

/// Judge the corpus's figures, or read the judgement kept from the last
/// run on the same corpus; keep a new one for the next run.
pub fn judge(corpus: &Corpus, judged: Option<&Path>) {
    match (cache::judge(corpus, judged, &|| false), judged) {
        (cache::Judgement::Read, Some(f)) => {
            tracing::info!("judged figures read from {}", f.display());
        }
        (cache::Judgement::Judged(Some(bytes)), Some(f)) => cache::save_judged(f, &bytes),
        _ => {}
    }
}

fn check(args: &CheckArgs, out: &mut impl Write) -> Result<bool, String> {
    let cache_dir = cache::folder(!args.no_cache, args.cache_dir.as_deref());
    let Loaded {
        corpus,
        skipped,
        saving,
        judged,
    } = load(&args.paths, cache_dir.as_deref())?;
    judge(&corpus, judged.as_deref());
    let flagged = corpus
        .documents()
        .any(|(id, _)| !corpus.findings(id).is_empty());
    let written = write_report(args, &corpus, &skipped, out);
    if let Some(h) = saving
        && h.join().is_err()
    {
        tracing::warn!("analysis cache not saved: internal error");
    }
    match written {
        Ok(()) => Ok(flagged),
        // the reader went away (`claimlens check | head`): not an error
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(flagged),
        Err(e) => Err(format!("cannot write output: {e}")),
    }
}

fn write_report(
    args: &CheckArgs,
    corpus: &Corpus,
    skipped: &[(PathBuf, String)],
    out: &mut impl Write,
) -> std::io::Result<()> {
    for (p, why) in skipped {
        eprintln!("claimlens: {}: {why}", p.display());
    }
    let base = common_base(&args.paths);
    let show = |s: Section| args.show.is_empty() || args.show.contains(&s);
    let report = Report {
        corpus,
        base: &base,
    };
    match args.format {
        Format::Json => {
            let mut v = json!({
                "files": corpus.len(),
                "skipped": skipped.iter().map(|(p, w)| json!({"path": report.rel(p), "reason": w})).collect::<Vec<_>>(),
            });
            if show(Section::Entities) {
                v["entities"] = report.entities_json();
            }
            if show(Section::Claims) {
                v["claims"] = report.claims_json();
            }
            if show(Section::Conflicts) {
                v["conflicts"] = report.conflicts_json();
            }
            serde_json::to_writer_pretty(&mut *out, &v)?;
            writeln!(out)?;
        }
        Format::Text => {
            let bytes: usize = corpus.documents().map(|(_, d)| d.text.len()).sum();
            writeln!(
                out,
                "{} files, {} bytes{}",
                corpus.len(),
                bytes,
                if skipped.is_empty() {
                    String::new()
                } else {
                    format!(", {} skipped", skipped.len())
                }
            )?;
            if show(Section::Entities) {
                report.entities_text(out)?;
            }
            if show(Section::Claims) {
                report.claims_text(out)?;
            }
            if show(Section::Conflicts) {
                report.conflicts_text(out)?;
            }
        }
    }
    Ok(())
}

/// "1 file", "2 files".
fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn common_base(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        _ => PathBuf::new(),
    }
}

struct Report<'a> {
    corpus: &'a Corpus,
    base: &'a Path,
}

impl Report<'_> {
    fn rel(&self, p: &Path) -> String {
        p.strip_prefix(self.base).unwrap_or(p).display().to_string()
    }

    /// `file:line:col` (1-based, columns in characters).
    fn loc(&self, d: &Document, span: Span) -> String {
        let p = d.lines.position(span.start as usize, Encoding::Utf32);
        format!("{}:{}:{}", self.rel(&d.path), p.line + 1, p.col + 1)
    }

    fn loc_json(&self, d: &Document, span: Span) -> Value {
        let p = d.lines.position(span.start as usize, Encoding::Utf32);
        json!({"path": self.rel(&d.path), "line": p.line + 1, "column": p.col + 1,
               "start": span.start, "end": span.end, "text": span.of(&d.text)})
    }

    fn entity_ids(&self) -> Vec<u32> {
        let mut ids: Vec<u32> = self
            .corpus
            .documents()
            .flat_map(|(id, _)| self.corpus.mentions(id).into_iter().map(|m| m.1))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn entities_json(&self) -> Value {
        let mut out = Vec::new();
        for id in self.entity_ids() {
            let Some(e) = self.corpus.entity(id) else {
                continue;
            };
            let mentions: Vec<Value> = e
                .mentions
                .iter()
                .filter_map(|&(d, s)| self.corpus.doc(d).map(|doc| self.loc_json(doc, s)))
                .collect();
            out.push(json!({
                "name": e.canonical,
                "type": e.kind.map(|k| k.as_str()),
                "description": e.description,
                "roles": e.roles,
                "aliases": e.aliases.iter().map(|(a, n)| json!({"name": a, "count": n})).collect::<Vec<_>>(),
                "mentions": mentions,
            }));
        }
        Value::Array(out)
    }

    fn entities_text(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut ents: Vec<_> = self
            .entity_ids()
            .into_iter()
            .filter_map(|id| self.corpus.entity(id))
            .collect();
        ents.sort_by(|a, b| {
            b.mentions
                .len()
                .cmp(&a.mentions.len())
                .then(a.canonical.cmp(&b.canonical))
        });
        writeln!(out, "\nentities: {}", ents.len())?;
        for e in ents {
            let mut files: Vec<u32> = e.mentions.iter().map(|m| m.0).collect();
            files.sort_unstable();
            files.dedup();
            let kind = e.kind.map(|k| k.as_str()).unwrap_or("entity");
            write!(
                out,
                "  {} ({kind}): {} in {}",
                e.canonical,
                plural(e.mentions.len(), "mention"),
                plural(files.len(), "file")
            )?;
            let aliases: Vec<&str> = e
                .aliases
                .iter()
                .map(|a| a.0.as_str())
                .filter(|a| *a != e.canonical)
                .collect();
            if !aliases.is_empty() {
                write!(out, "; also {}", aliases.join(", "))?;
            }
            if !e.roles.is_empty() {
                write!(out, "; {}", e.roles.join("; "))?;
            }
            writeln!(out)?;
        }
        Ok(())
    }

    fn claims_json(&self) -> Value {
        let groups = self.corpus.claim_index().groups();
        Value::Array(
            groups
                .iter()
                .map(|g| {
                    Value::Array(
                        g.iter()
                            .filter_map(|&(d, st)| {
                                let doc = self.corpus.doc(d)?;
                                let s = doc.analysis.statements.get(st as usize)?;
                                let mut v = self.loc_json(doc, s.span);
                                v["speaker"] = json!(doc.analysis.statements.speaker(s));
                                Some(v)
                            })
                            .collect(),
                    )
                })
                .collect(),
        )
    }

    fn claims_text(&self, out: &mut impl Write) -> std::io::Result<()> {
        let groups = self.corpus.claim_index().groups();
        writeln!(out, "\nrepeated claims: {}", groups.len())?;
        for (i, g) in groups.iter().enumerate() {
            writeln!(out, "  claim {}:", i + 1)?;
            for &(d, st) in g {
                let Some(doc) = self.corpus.doc(d) else {
                    continue;
                };
                let Some(s) = doc.analysis.statements.get(st as usize) else {
                    continue;
                };
                let who = doc
                    .analysis
                    .statements
                    .speaker(s)
                    .map(|w| format!(" [{w}]"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "    {}{who}: {}",
                    self.loc(doc, s.span),
                    snippet(s.span.of(&doc.text), 100)
                )?;
            }
        }
        Ok(())
    }

    fn conflicts_json(&self) -> Value {
        let mut out = Vec::new();
        for (id, doc) in self.corpus.documents() {
            for f in self.corpus.findings(id) {
                let mut v = self.loc_json(doc, f.span);
                v["code"] = json!(f.code);
                v["message"] = json!(f.message);
                v["unlisted"] = json!(f.unlisted);
                v["related"] = Value::Array(
                    f.related
                        .iter()
                        .filter_map(|(d, s, label)| {
                            let od = self.corpus.doc(*d)?;
                            let mut r = self.loc_json(od, *s);
                            r["label"] = json!(label);
                            Some(r)
                        })
                        .collect(),
                );
                out.push(v);
            }
        }
        Value::Array(out)
    }

    fn conflicts_text(&self, out: &mut impl Write) -> std::io::Result<()> {
        let mut lines = Vec::new();
        for (id, doc) in self.corpus.documents() {
            for f in self.corpus.findings(id) {
                lines.push(format!(
                    "  {}: warning[{}]: {}",
                    self.loc(doc, f.span),
                    f.code,
                    f.message
                ));
                for (d, s, label) in &f.related {
                    if let Some(od) = self.corpus.doc(*d) {
                        lines.push(format!("    see {}: {label}", self.loc(od, *s)));
                    }
                }
                if f.unlisted > 0 {
                    lines.push(format!("    and {} more", f.unlisted));
                }
            }
        }
        writeln!(
            out,
            "\nfigure conflicts: {}",
            lines.iter().filter(|l| !l.starts_with("    ")).count()
        )?;
        for l in lines {
            writeln!(out, "{l}")?;
        }
        Ok(())
    }
}
