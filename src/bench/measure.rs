//! The measurements: for each corpus size, a fresh `claimlens lsp` over
//! stdio (indexing, readiness, memory, requests, keystrokes), then the
//! analysis core in process (throughput on one and all cores, time per
//! stage, index and diagnostics cost, the cost of one edit).

use std::collections::{HashMap, HashSet};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rayon::prelude::*;
use serde_json::{Value, json};

use super::external;
use super::generate::{Article, Generator, Manifest, Sources};
use super::lsp_client::{LspClient, Msg, ProcMem, Received, proc_cpu_seconds, proc_mem, uri};
use super::report::{
    InProcess, Latency, LspResult, Machine, Module, Output, Reopen, Report, SizeResult, Slow,
    markdown_page, text_table,
};
use super::rng::{Rng, mix};
use super::{RunArgs, source_dirs};
use crate::analysis::config::Config;
use crate::analysis::corpus::Corpus;
use crate::analysis::text::{Encoding, LineIndex};
use crate::analysis::{DocAnalysis, analyze, claims, dates, entities, figures, sentences};
use crate::analysis::{statements, tokens};
use crate::workspace;

/// Articles regenerated to pick request and edit positions from.
const SAMPLE_ARTICLES: usize = 100;
/// Requests of each kind sent before timing starts.
const WARMUP: usize = 5;

pub fn run(args: &RunArgs) -> Result<(), String> {
    if let Some(p) = &args.from_json {
        let s = std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let report: Report =
            serde_json::from_str(&s).map_err(|e| format!("{}: {e}", p.display()))?;
        println!("{}", text_table(&report));
        return write_outputs(&report, args);
    }
    if args.sizes.is_empty() || args.sizes.contains(&0) {
        return Err("--sizes needs positive article counts".into());
    }
    let exe = match &args.server {
        Some(p) => p.clone(),
        None => std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?,
    };
    if cfg!(debug_assertions) {
        eprintln!(
            "claimlens bench: this is a debug build; its numbers say nothing about release performance"
        );
    }
    if args.compare.is_some() && !args.python.exists() {
        return Err(external::setup_hint(&args.python));
    }
    std::fs::create_dir_all(&args.work).map_err(|e| format!("{}: {e}", args.work.display()))?;
    let work = args
        .work
        .canonicalize()
        .map_err(|e| format!("{}: {e}", args.work.display()))?;
    let mut report = Report {
        claimlens_version: env!("CARGO_PKG_VERSION").into(),
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .into(),
        machine: machine(),
        command: command_line(),
        unix_time: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        seed: args.seed,
        ..Report::default()
    };
    (report.commit, report.dirty) = git_commit();
    let mut last_output = None;
    for &n in &args.sizes {
        let sources = Sources::load(&source_dirs(&args.sources))?;
        let g = Generator::new(sources, n, args.seed);
        let dir = work.join(format!("articles-{n}-seed{}", args.seed));
        let (manifest, gen_s) = match Manifest::read(&dir).filter(|m| m.matches(&g)) {
            Some(m) => {
                eprintln!("[{n}] reusing {}", dir.display());
                (m, None)
            }
            None => {
                eprintln!("[{n}] generating {}", dir.display());
                let t = Instant::now();
                let m = g.write(&dir)?;
                (m, Some(t.elapsed().as_secs_f64()))
            }
        };
        let mut res = SizeResult {
            articles: n,
            bytes: manifest.stats.bytes,
            corpus: manifest.stats.clone(),
            generate_seconds: gen_s,
            ..SizeResult::default()
        };
        let plan = Plan::new(&g, &dir, args)?;
        eprintln!("[{n}] language server over stdio");
        match lsp_session(&exe, &dir, &work, &plan, &manifest, args) {
            Ok(l) => res.lsp = Some(l),
            Err(e) => {
                eprintln!("[{n}] server measurement failed: {e}");
                res.lsp_error = Some(e);
            }
        }
        eprintln!("[{n}] reopening with the analysis cache");
        match reopen(&exe, &dir, &work, &manifest, args) {
            Ok(r) => {
                eprintln!(
                    "[{n}] ready in {:.2} s (filling the cache: {:.2} s)",
                    r.ready_s, r.fill_ready_s
                );
                res.reopen = Some(r);
            }
            Err(e) => eprintln!("[{n}] reopen measurement failed: {e}"),
        }
        eprintln!("[{n}] analysis in process");
        let ip = in_process(&dir, &plan, args)?;
        last_output = Some(ip.output.clone());
        res.inprocess = Some(ip);
        report.sizes.push(res);
        // keep what is measured so far, in case a later size runs out of time
        write_outputs(&report, args)?;
    }
    // the largest corpus's memory by structure, in a process of its own
    if let Some(&n) = args.sizes.iter().max() {
        let dir = work.join(format!("articles-{n}-seed{}", args.seed));
        eprintln!("[{n}] memory by structure (claimlens bench memory)");
        let timeout = Duration::from_secs(args.timeout);
        match super::memory::in_child(&exe, &dir, &work, timeout) {
            Ok(m) => report.memory = Some(m),
            Err(e) => {
                eprintln!("[{n}] memory measurement failed: {e}");
                report.memory_error = Some(e);
            }
        }
    }
    if let Some(reference) = args.compare {
        let n = args.sizes[0];
        let dir = work.join(format!("articles-{n}-seed{}", args.seed));
        eprintln!(
            "comparing with {reference:?} on {} bytes",
            args.compare_bytes
        );
        report.external = Some(external::compare(
            reference,
            &args.python,
            &dir,
            &work,
            args.compare_bytes,
        )?);
    }
    report.analysis_modules = modules(last_output.as_ref());
    report.machine.load_avg_end = load_avg();
    println!("{}", text_table(&report));
    write_outputs(&report, args)
}

fn write_outputs(report: &Report, args: &RunArgs) -> Result<(), String> {
    for p in args.json.iter().chain(&args.markdown) {
        if let Some(dir) = p.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        }
    }
    if let Some(p) = &args.json {
        let s = serde_json::to_string_pretty(report).map_err(|e| e.to_string())?;
        std::fs::write(p, s + "\n").map_err(|e| format!("{}: {e}", p.display()))?;
    }
    if let Some(p) = &args.markdown {
        std::fs::write(p, markdown_page(report)).map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(())
}

// ------------------------------------------------------------------ positions

/// Where requests and keystrokes go, chosen deterministically from
/// regenerated articles (checked against the files on disk).
struct Plan {
    /// (path, line, UTF-16 column) on entity mentions.
    hovers: Vec<(PathBuf, u32, u32)>,
    references: Vec<(PathBuf, u32, u32)>,
    /// Inside quoted statements (repeated claims).
    definitions: Vec<(PathBuf, u32, u32)>,
    /// The transcript the keystrokes edit, with its text.
    transcript: (PathBuf, String),
}

fn position(lines: &LineIndex, offset: usize) -> (u32, u32) {
    let lc = lines.position(offset, Encoding::Utf16);
    (lc.line, lc.col)
}

fn regenerate(g: &Generator, dir: &Path, i: usize) -> Result<Article, String> {
    let a = g.article(i);
    let p = dir.join(&a.path);
    let disk = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    if disk != a.text {
        return Err(format!(
            "{} differs from what the generator makes for it; regenerate the corpus",
            p.display()
        ));
    }
    Ok(a)
}

impl Plan {
    fn new(g: &Generator, dir: &Path, args: &RunArgs) -> Result<Plan, String> {
        let n = g.articles;
        let picks: Vec<usize> = (0..SAMPLE_ARTICLES.min(n))
            .map(|k| (mix(args.seed ^ 0xB3AC, k as u64) % n as u64) as usize)
            .collect();
        let mut arts = Vec::new();
        for &i in &picks {
            let a = regenerate(g, dir, i)?;
            let lines = LineIndex::new(&a.text);
            arts.push((a, lines));
        }
        let mut r = Rng::derive(args.seed, 0x9051, n as u64);
        let count = args.requests + WARMUP;
        let on = |kind: u8, r: &mut Rng| -> Vec<(PathBuf, u32, u32)> {
            let mut out = Vec::new();
            let mut tries = 0;
            while out.len() < count && tries < count * 20 {
                tries += 1;
                let (a, lines) = &arts[r.below(arts.len())];
                let anns = if kind == b'q' && !a.quotes.is_empty() {
                    &a.quotes
                } else {
                    &a.mentions
                };
                if anns.is_empty() {
                    continue;
                }
                let m = anns[r.below(anns.len())];
                let mut off = (m.start + (m.end - m.start) / 2) as usize;
                while !a.text.is_char_boundary(off) {
                    off -= 1;
                }
                let (l, c) = position(lines, off);
                out.push((dir.join(&a.path), l, c));
            }
            out
        };
        let hovers = on(b'm', &mut r);
        let references = on(b'm', &mut r);
        let definitions = on(b'q', &mut r);
        let t = regenerate(g, dir, 0)?;
        if !t.transcript {
            return Err("article 0 should be a transcript".into());
        }
        Ok(Plan {
            hovers,
            references,
            definitions,
            transcript: (dir.join(&t.path), t.text),
        })
    }
}

// ------------------------------------------------------------------ over stdio

struct Conn {
    c: LspClient,
    expected: HashSet<PathBuf>,
    published: HashSet<PathBuf>,
    findings: HashMap<PathBuf, usize>,
    /// JSON bytes of every `publishDiagnostics` received so far.
    diagnostics_bytes: u64,
    first_diag: Option<Instant>,
    last_new_file: Option<Instant>,
    progress_end: Option<Instant>,
    /// (when, percentage) of each progress report
    progress: Vec<(Instant, u32)>,
    responses: HashMap<i64, (Instant, Result<Value, Value>)>,
    /// (path, version) -> when its diagnostics arrived
    versions: HashMap<(PathBuf, i64), Instant>,
}

impl Conn {
    fn take(&mut self, r: Received) {
        match r.msg {
            Msg::Response { id, result } => {
                self.responses.insert(id, (r.at, result));
            }
            Msg::Diagnostics {
                path,
                version,
                count,
            } => {
                self.first_diag.get_or_insert(r.at);
                self.diagnostics_bytes += r.bytes as u64;
                if let Some(v) = version {
                    self.versions.insert((path.clone(), v), r.at);
                }
                if self.expected.contains(&path) && self.published.insert(path.clone()) {
                    self.last_new_file = Some(r.at);
                }
                self.findings.insert(path, count);
            }
            Msg::Progress { kind, percentage } => {
                if kind == "end" {
                    self.progress_end = Some(r.at);
                }
                if let Some(p) = percentage {
                    self.progress.push((r.at, p));
                }
            }
            Msg::Other => {}
        }
    }

    fn ready(&self) -> bool {
        self.progress_end.is_some() && self.published.len() == self.expected.len()
    }

    fn pump_until(
        &mut self,
        deadline: Instant,
        done: impl Fn(&Conn) -> bool,
    ) -> Result<(), String> {
        while !done(self) {
            match self.c.recv(deadline) {
                Some(r) => self.take(r),
                None => {
                    if self.c.exited() {
                        return Err("the server exited".into());
                    }
                    if Instant::now() >= deadline {
                        return Err("timed out".into());
                    }
                }
            }
        }
        Ok(())
    }

    /// Send a request and wait for its answer; returns the latency.
    fn timed_request(
        &mut self,
        method: &str,
        params: Value,
    ) -> Result<(f64, Result<Value, Value>), String> {
        let t0 = Instant::now();
        let id = self.c.request(method, params)?;
        self.pump_until(t0 + Duration::from_secs(60), |c| {
            c.responses.contains_key(&id)
        })
        .map_err(|e| format!("{method}: {e}"))?;
        let (at, res) = self.responses.remove(&id).ok_or("lost response")?;
        Ok((ms(at - t0), res))
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn non_empty(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => o.get("contents").map_or(!o.is_empty(), |c| {
            c.get("value")
                .and_then(Value::as_str)
                .is_none_or(|s| !s.is_empty())
        }),
        _ => true,
    }
}

/// Open the corpus twice more with a cache folder of the bench's own: the
/// first start fills the cache (written once the server is ready), the
/// second reads it.
fn reopen(
    exe: &Path,
    root: &Path,
    work: &Path,
    manifest: &Manifest,
    args: &RunArgs,
) -> Result<Reopen, String> {
    let n = manifest.articles;
    let dir = work.join(format!("cache-{n}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let expected: HashSet<PathBuf> = workspace::discover(root).into_iter().collect();
    let log = work.join(format!("server-{n}-fill.log"));
    let fill = start(exe, root, &log, Some(&dir), expected.clone(), args)?;
    // the cache is written after readiness: wait for the server to say so
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.contains("analysis cache saved") || text.contains("analysis cache up to date") {
            break;
        }
        if text.contains("analysis cache not saved") || Instant::now() > deadline {
            return Err(format!(
                "the cache was not written; server log: {}",
                log.display()
            ));
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    fill.conn.c.shutdown(Duration::from_secs(10));
    let cache_bytes = std::fs::read_dir(&dir)
        .map(|rd| {
            rd.flatten()
                .filter_map(|e| e.metadata().ok())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0);
    let log = work.join(format!("server-{n}-reopen.log"));
    let again = start(exe, root, &log, Some(&dir), expected, args)?;
    again.conn.c.shutdown(Duration::from_secs(10));
    let _ = std::fs::remove_dir_all(&dir);
    Ok(Reopen {
        fill_ready_s: fill.ready_s,
        ready_s: again.ready_s,
        cache_bytes,
        mem_ready: again.mem_ready,
    })
}

/// A server started on a corpus and ready: diagnostics for every file.
struct Started {
    conn: Conn,
    pid: u32,
    t0: Instant,
    init_ms: f64,
    ready_s: f64,
    /// Server CPU seconds from `initialized` to ready.
    index_cpu_s: f64,
    mem_ready: ProcMem,
}

/// Spawn the server on `root`, initialise it as VS Code would and wait
/// until it is ready.
fn start(
    exe: &Path,
    root: &Path,
    log: &Path,
    cache: Option<&Path>,
    expected: HashSet<PathBuf>,
    args: &RunArgs,
) -> Result<Started, String> {
    let mut conn = Conn {
        c: LspClient::spawn(exe, root, log, cache)?,
        expected,
        published: HashSet::new(),
        findings: HashMap::new(),
        diagnostics_bytes: 0,
        first_diag: None,
        last_new_file: None,
        progress_end: None,
        progress: Vec::new(),
        responses: HashMap::new(),
        versions: HashMap::new(),
    };
    let pid = conn.c.pid;
    let root_uri = uri(root);
    // what VS Code offers: UTF-16 positions, progress, client-side watching
    let caps = json!({
        "general": {"positionEncodings": ["utf-16"]},
        "window": {"workDoneProgress": true},
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true},
                      "workspaceFolders": true, "configuration": true},
        "textDocument": {
            "synchronization": {"dynamicRegistration": false},
            "hover": {"contentFormat": ["markdown", "plaintext"]},
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true}
        }
    });
    let (init_ms, res) = conn.timed_request(
        "initialize",
        json!({"processId": std::process::id(), "rootUri": root_uri,
               "workspaceFolders": [{"uri": root_uri, "name": "bench"}],
               "capabilities": caps}),
    )?;
    res.map_err(|e| format!("initialize failed: {e}"))?;
    let cpu0 = proc_cpu_seconds(pid).unwrap_or(0.0);
    let t0 = Instant::now();
    conn.c.notify("initialized", json!({}))?;
    conn.pump_until(t0 + Duration::from_secs(args.timeout), Conn::ready)
        .map_err(|e| {
            let progress = conn
                .progress
                .last()
                .map_or("no progress report".into(), |(at, p)| {
                    format!(
                        "indexing progress {p}% at {:.0} s",
                        (*at - t0).as_secs_f64()
                    )
                });
            format!(
                "waiting for readiness: {e} after {} s ({progress}; {} of {} files published, \
                 progress ended: {}); server log: {}",
                args.timeout,
                conn.published.len(),
                conn.expected.len(),
                conn.progress_end.is_some(),
                log.display()
            )
        })?;
    let ready_at = conn.progress_end.max(conn.last_new_file).unwrap_or(t0);
    let cpu1 = proc_cpu_seconds(pid).unwrap_or(0.0);
    let mem_ready = proc_mem(pid).unwrap_or_default();
    let ready_s = (ready_at - t0).as_secs_f64();
    Ok(Started {
        conn,
        pid,
        t0,
        init_ms,
        ready_s,
        index_cpu_s: cpu1 - cpu0,
        mem_ready,
    })
}

fn lsp_session(
    exe: &Path,
    root: &Path,
    work: &Path,
    plan: &Plan,
    manifest: &Manifest,
    args: &RunArgs,
) -> Result<LspResult, String> {
    let n = manifest.articles;
    let log = work.join(format!("server-{n}.log"));
    let expected: HashSet<PathBuf> = workspace::discover(root).into_iter().collect();
    if expected.len() != n {
        return Err(format!(
            "{} holds {} corpus files, expected {n}",
            root.display(),
            expected.len()
        ));
    }
    let st = start(exe, root, &log, None, expected, args)?;
    let (mut conn, ready_s) = (st.conn, st.ready_s);
    let diagnostics_total = conn.findings.values().sum();
    let diagnostics_bytes = conn.diagnostics_bytes;
    eprintln!("[{n}] ready in {ready_s:.2} s");

    let timed = |name: &str, method: &str, at: &[(PathBuf, u32, u32)], conn: &mut Conn| {
        let mut lat = Vec::new();
        let mut samples = Vec::new();
        let (mut ok, mut errors) = (0, 0);
        for (k, (path, line, col)) in at.iter().enumerate() {
            let mut params = json!({"textDocument": {"uri": uri(path)},
                                    "position": {"line": line, "character": col}});
            if method == "textDocument/references" {
                params["context"] = json!({"includeDeclaration": true});
            }
            let (t, res) = conn.timed_request(method, params)?;
            if k < WARMUP {
                continue;
            }
            lat.push(t);
            let answer_bytes = match &res {
                Ok(v) | Err(v) => v.to_string().len(),
            };
            let rel = path.strip_prefix(root).unwrap_or(path);
            samples.push(Slow {
                at: format!("{}:{line}:{col}", rel.display()),
                ms: t,
                answer_bytes,
            });
            match res {
                Ok(v) if non_empty(&v) => ok += 1,
                Ok(_) => {}
                Err(_) => errors += 1,
            }
        }
        eprintln!("[{n}] {name}: {} requests", lat.len());
        Ok::<Latency, String>(Latency::from_samples(lat, ok, errors).with_slowest(samples))
    };
    let hover = timed("hover", "textDocument/hover", &plan.hovers, &mut conn)?;
    let definition = timed(
        "definition",
        "textDocument/definition",
        &plan.definitions,
        &mut conn,
    )?;
    let references = timed(
        "references",
        "textDocument/references",
        &plan.references,
        &mut conn,
    )?;
    let keystroke = keystrokes(&mut conn, plan, args)?;
    eprintln!("[{n}] keystrokes: {}", keystroke.n);
    let mem_end = proc_mem(st.pid).unwrap_or_default();
    conn.c.shutdown(Duration::from_secs(10));
    let secs = ready_s.max(1e-9);
    Ok(LspResult {
        initialize_ms: st.init_ms,
        first_diagnostics_s: conn.first_diag.map(|t| (t - st.t0).as_secs_f64()),
        ready_s,
        index_mb_per_s: manifest.stats.bytes as f64 / 1e6 / secs,
        index_articles_per_s: n as f64 / secs,
        index_cores_used: st.index_cpu_s / secs,
        index_progress: conn
            .progress
            .iter()
            .map(|&(at, p)| (at.saturating_duration_since(st.t0).as_secs_f64(), p))
            .collect(),
        files_with_diagnostics: conn.published.len(),
        diagnostics_total,
        diagnostics_bytes,
        mem_ready: st.mem_ready,
        mem_end,
        hover,
        definition,
        references,
        keystroke,
    })
}

/// Type into the transcript: insert a character, then delete it, each a
/// `didChange` with a new version, timing until that version's diagnostics
/// are published.
fn keystrokes(conn: &mut Conn, plan: &Plan, args: &RunArgs) -> Result<Latency, String> {
    let (path, text) = &plan.transcript;
    let u = uri(path);
    conn.c.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": u, "languageId": "plaintext", "version": 1, "text": text}}),
    )?;
    let lines = LineIndex::new(text);
    let mut r = Rng::derive(args.seed, 0x7E97, text.len() as u64);
    let mut lat = Vec::new();
    let mut at = (0, 0);
    for k in 0..args.keystrokes {
        let version = k as i64 + 2;
        let change = if k % 2 == 0 {
            // somewhere in the middle half, not at a line break
            let mut off = text.len() / 4 + r.below(text.len() / 2);
            while !text.is_char_boundary(off) || text.as_bytes().get(off) == Some(&b'\n') {
                off -= 1;
            }
            at = position(&lines, off);
            json!({"range": {"start": {"line": at.0, "character": at.1},
                             "end": {"line": at.0, "character": at.1}}, "text": "x"})
        } else {
            json!({"range": {"start": {"line": at.0, "character": at.1},
                             "end": {"line": at.0, "character": at.1 + 1}}, "text": ""})
        };
        let t0 = Instant::now();
        conn.c.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": u, "version": version}, "contentChanges": [change]}),
        )?;
        let key = (path.clone(), version);
        conn.pump_until(t0 + Duration::from_secs(30), |c| {
            c.versions.contains_key(&key)
        })
        .map_err(|e| format!("keystroke {k}: diagnostics for version {version}: {e}"))?;
        let at_t = conn.versions[&key];
        lat.push(ms(at_t - t0));
    }
    conn.c
        .notify("textDocument/didClose", json!({"textDocument": {"uri": u}}))?;
    Ok(Latency::from_samples(lat, 0, 0))
}

// ------------------------------------------------------------------ in process

/// CPU seconds this process has used.
pub fn self_cpu() -> f64 {
    proc_cpu_seconds(std::process::id()).unwrap_or(0.0)
}

fn mbps(bytes: u64, secs: f64) -> f64 {
    bytes as f64 / 1e6 / secs.max(1e-12)
}

/// Time each stage of `analyze` on one thread. Mirrors `analysis::analyze`;
/// the report shows the whole `analyze` beside the sum as a check.
fn stage_times(texts: &[&str], cfg: &Config) -> Vec<(String, f64)> {
    let mut t = [0f64; 7];
    for text in texts {
        let mut lap = Instant::now();
        let mut tick = |i: usize, lap: &mut Instant| {
            let now = Instant::now();
            t[i] += (now - *lap).as_secs_f64();
            *lap = now;
        };
        let mut toks = tokens::tokenize(text);
        tick(0, &mut lap);
        let sents = sentences::split(text, &mut toks);
        tick(1, &mut lap);
        let ents = entities::recognize(text, &toks, &sents, &cfg.entities);
        tick(2, &mut lap);
        let stmts = statements::segment(text, &toks, &sents);
        tick(3, &mut lap);
        let cl = claims::DocClaims::build(text, &toks, &stmts, &ents);
        tick(4, &mut lap);
        let figs = figures::extract(text, &toks, &sents, &stmts);
        tick(5, &mut lap);
        let d = dates::article_date_in(text, &toks);
        tick(6, &mut lap);
        black_box((ents, cl, figs, d));
    }
    [
        "tokens",
        "sentences",
        "entities",
        "statements",
        "claims",
        "figures",
        "dates",
    ]
    .iter()
    .zip(t)
    .map(|(n, s)| (n.to_string(), s))
    .collect()
}

fn in_process(root: &Path, plan: &Plan, args: &RunArgs) -> Result<InProcess, String> {
    // the whole-corpus steps stop at this deadline and report how far they got
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let cfg = Config::default();
    let paths = workspace::discover(root);
    let files: Vec<(PathBuf, Arc<str>)> = paths
        .par_iter()
        .map(|p| {
            workspace::read_text(p, cfg.max_file_bytes)
                .map(|t| (p.clone(), Arc::<str>::from(t)))
                .map_err(|e| format!("{}: {e}", p.display()))
        })
        .collect::<Result<_, _>>()?;
    let mut sample_owned: Vec<Arc<str>> = Vec::new();
    let mut sample_bytes = 0u64;
    for (_, t) in &files {
        if sample_bytes as usize >= args.inprocess_bytes {
            break;
        }
        sample_owned.push(t.clone());
        sample_bytes += t.len() as u64;
    }
    let sample: Vec<&str> = sample_owned.iter().map(|t| &**t).collect();
    // one core
    let cpu = self_cpu();
    let t = Instant::now();
    for text in &sample {
        black_box(analyze(text, &cfg));
    }
    let one = t.elapsed().as_secs_f64();
    let one_cpu = self_cpu() - cpu;
    // all cores
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| e.to_string())?;
    let cpu = self_cpu();
    let t = Instant::now();
    pool.install(|| {
        sample.par_iter().for_each(|text| {
            black_box(analyze(text, &cfg));
        })
    });
    let all = t.elapsed().as_secs_f64();
    let all_cpu = self_cpu() - cpu;
    let stages = stage_times(&sample, &cfg);

    // the whole corpus, as the server builds it
    let t = Instant::now();
    let analysed: Vec<(PathBuf, Arc<str>, DocAnalysis)> = pool.install(|| {
        files
            .into_par_iter()
            .map(|(p, text)| {
                let a = analyze(&text, &cfg);
                (p, text, a)
            })
            .collect()
    });
    let full_analyze_s = t.elapsed().as_secs_f64();
    let mut output = Output::default();
    for (_, _, a) in &analysed {
        output.statements += a.statements.len() as u64;
        output.figures += a.figures.len() as u64;
    }
    let mut corpus = Corpus::new(cfg.clone());
    let t = Instant::now();
    let total = analysed.len();
    let mut upsert_tenths = Vec::new();
    let mut lap = Instant::now();
    let mut upserted = 0;
    for (k, (p, text, a)) in analysed.into_iter().enumerate() {
        if Instant::now() > deadline {
            break;
        }
        corpus.upsert(p, text, Arc::new(a));
        upserted += 1;
        if (k + 1) * 10 / total.max(1) > upsert_tenths.len() {
            upsert_tenths.push(lap.elapsed().as_secs_f64());
            lap = Instant::now();
        }
    }
    let full_upsert_s = t.elapsed().as_secs_f64();
    let ids: Vec<_> = corpus.documents().map(|(id, _)| id).collect();
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let t = Instant::now();
    let mut found_for = 0;
    for &id in &ids {
        if Instant::now() > deadline {
            break;
        }
        output.findings += corpus.findings(id).len() as u64;
        found_for += 1;
    }
    let full_findings_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    corpus.prepare_findings(&|| false);
    let full_prepare_s = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for &id in &ids[..found_for] {
        black_box(corpus.findings(id));
    }
    let full_findings_prepared_s = t.elapsed().as_secs_f64();
    for &id in &ids {
        output.entity_mentions += corpus.mentions(id).len() as u64;
    }
    output.claim_groups = corpus.claim_index().groups().len() as u64;

    // one keystroke in the transcript: analyse, install, recompute findings
    let (tpath, ttext) = &plan.transcript;
    let mut rng = Rng::derive(args.seed, 0xED17, 1);
    let (mut ea, mut eu, mut ef) = (Vec::new(), Vec::new(), Vec::new());
    let mut changed_docs = 0;
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    for k in 0..21 {
        if k > 0 && Instant::now() > deadline {
            break;
        }
        let mut text = ttext.clone();
        if k % 2 == 0 {
            let mut off = text.len() / 4 + rng.below(text.len() / 2);
            while !text.is_char_boundary(off) {
                off -= 1;
            }
            text.insert(off, 'x');
        }
        let text: Arc<str> = Arc::from(text);
        let t = Instant::now();
        let a = analyze(&text, &cfg);
        ea.push(ms(t.elapsed()));
        let t = Instant::now();
        let changed = corpus.upsert(tpath.clone(), text, Arc::new(a));
        eu.push(ms(t.elapsed()));
        let t = Instant::now();
        for &d in &changed {
            black_box(corpus.findings(d));
        }
        ef.push(ms(t.elapsed()));
        changed_docs = changed_docs.max(changed.len());
    }
    let median = |mut v: Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        v[v.len() / 2]
    };
    let analyze_total_s = one;
    Ok(InProcess {
        threads,
        sample_articles: sample.len(),
        sample_bytes,
        one_core_mb_per_s: mbps(sample_bytes, one),
        all_cores_mb_per_s: mbps(sample_bytes, all),
        one_core_cpu_s: one_cpu,
        all_cores_cpu_s: all_cpu,
        all_cores_wall_s: all,
        stages,
        analyze_total_s,
        full_analyze_s,
        full_upsert_s,
        full_upsert_docs: upserted,
        full_findings_docs: found_for,
        upsert_tenths,
        full_findings_s,
        full_prepare_s,
        full_findings_prepared_s,
        edit_analyze_ms: median(ea),
        edit_upsert_ms: median(eu),
        edit_findings_ms: median(ef),
        edit_changed_docs: changed_docs,
        output,
    })
}

// ------------------------------------------------------------------ context

fn load_avg() -> [f64; 3] {
    let s = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let v: Vec<f64> = s
        .split_whitespace()
        .take(3)
        .filter_map(|x| x.parse().ok())
        .collect();
    [
        v.first().copied().unwrap_or(0.0),
        v.get(1).copied().unwrap_or(0.0),
        v.get(2).copied().unwrap_or(0.0),
    ]
}

fn machine() -> Machine {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu_model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".into(), |(_, v)| v.trim().to_string());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let mem_kib: f64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    Machine {
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        cpu_model,
        mem_total_gib: mem_kib / 1024.0 / 1024.0,
        load_avg_start: load_avg(),
        load_avg_end: [0.0; 3],
    }
}

fn command_line() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(first) = args.first_mut() {
        *first = "claimlens".into();
    }
    args.join(" ")
}

fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

pub(super) fn git_commit() -> (String, bool) {
    let commit = git(&["rev-parse", "HEAD"]).unwrap_or_else(|| "unknown".into());
    let dirty =
        git(&["status", "--porcelain", "--untracked-files=no"]).is_some_and(|s| !s.is_empty());
    (commit, dirty)
}

/// Which analysis modules are merged (by merge commits naming them), and
/// what each produced over the last corpus measured.
fn modules(out: Option<&Output>) -> Vec<Module> {
    let merges = git(&["log", "--merges", "--format=%H %s"]).unwrap_or_default();
    ["entities", "claims", "figures"]
        .iter()
        .map(|&name| {
            let merge_commit = merges
                .lines()
                .find(|l| l.to_lowercase().contains(name))
                .and_then(|l| l.split_whitespace().next())
                .map(str::to_string);
            let output = out.map_or(0, |o| match name {
                "entities" => o.entity_mentions,
                "claims" => o.claim_groups,
                _ => o.figures,
            });
            Module {
                name: name.into(),
                merge_commit,
                output,
            }
        })
        .collect()
}
