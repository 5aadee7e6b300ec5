//! `claimlens bench memory`: what a corpus costs in memory once indexed as
//! the server's first indexing indexes it, phase by phase and structure by
//! structure.
//!
//! - Phases: the texts read, analysed ([`analyze`] on all cores), indexed
//!   ([`Corpus::upsert_many`]: staged on all cores and installed in bulk,
//!   as the server's first indexing does with `upsert_incoming`), judged
//!   ([`Corpus::prepare_findings`]) and the most mentioned entities
//!   described ahead (as the server does once ready). After each: jemalloc's
//!   `stats.allocated` and `stats.resident` (read after an epoch advance,
//!   with every thread's cache of freed blocks flushed first), the highest
//!   of them during the phase (sampled by a thread every 10 ms), and the
//!   process's VmRSS and VmHWM.
//! - Structures: at the end the corpus is dropped piece by piece
//!   ([`Corpus::drop_piecewise`]) and jemalloc's count of the bytes this
//!   thread freed (`thread.deallocated`, usable sizes) is read around each
//!   piece: exact bytes, allocator size classes included. Indexes go before
//!   documents, so what they share with the analyses is counted once,
//!   under the analysis. What the corpus held at the end (allocated then,
//!   minus allocated at the baseline) and the pieces' sum differ by the
//!   "not attributed" row. Last, each thread that analysed empties its
//!   cache of normalised words (the server's threads keep theirs).
//!
//! Only under jemalloc, the allocator of every non-MSVC build
//! (src/main.rs): elsewhere the command says so and fails.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Args;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::analysis::claims::normalize;
use crate::analysis::config::{Config, ProjectFile};
use crate::analysis::corpus::Corpus;
use crate::analysis::teardown::Teardown;
use crate::analysis::{DocAnalysis, analyze};
use crate::workspace;

#[derive(Args, Debug)]
pub struct MemoryArgs {
    /// The corpus folder (read as the server reads a workspace folder,
    /// with its claimlens.toml if it has one).
    #[arg(long)]
    pub corpus: PathBuf,
    /// Also write the report as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The report, as `--json` writes it. Bytes throughout.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct MemoryReport {
    pub claimlens_version: String,
    pub commit: String,
    pub build: String,
    pub corpus: String,
    pub files: usize,
    pub text_bytes: u64,
    /// Files not read (binary, not UTF-8, too large, unreadable).
    pub skipped: usize,
    pub threads: usize,
    /// The baseline (after a warm-up) and each phase.
    pub phases: Vec<Phase>,
    /// Allocated at the end minus allocated at the baseline: what the
    /// corpus (and anything else made since the baseline) holds.
    pub held: u64,
    /// The corpus's pieces, in the order they were dropped.
    pub pieces: Vec<PieceBytes>,
    /// The pieces' sum.
    pub attributed: u64,
    /// `held - attributed`: held but not freed by dropping the corpus, or
    /// (negative) freed but not counted as allocated at the end.
    pub not_attributed: i64,
    /// Everything this thread freed while dropping the corpus, pieces or
    /// not: equal to `attributed` unless something was dropped unnamed.
    pub freed_by_drop: u64,
    /// Allocated after dropping the corpus minus allocated at the baseline.
    pub left_after_drop: i64,
    /// Shared parts still shared when their piece came (expected 0).
    pub still_shared: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Phase {
    pub name: String,
    pub seconds: f64,
    /// jemalloc `stats.allocated` at the end of the phase.
    pub allocated: u64,
    /// The highest `stats.allocated` seen during the phase.
    pub peak_allocated: u64,
    /// jemalloc `stats.resident` at the end of the phase.
    pub resident: u64,
    pub peak_resident: u64,
    /// The process's VmRSS and VmHWM (/proc/self/status) at its end.
    pub vm_rss: u64,
    pub vm_hwm: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PieceBytes {
    /// Texts, figures, entity index, ... (the piece name's part before ':').
    pub section: String,
    pub piece: String,
    pub bytes: u64,
    pub items: u64,
}

pub fn run(args: &MemoryArgs) -> Result<(), String> {
    if cfg!(debug_assertions) {
        eprintln!("claimlens bench memory: this is a debug build; byte counts hold, times do not");
    }
    if !args.corpus.is_dir() {
        return Err(format!("{}: not a folder", args.corpus.display()));
    }
    jemalloc::check()?;
    let report = measure(&args.corpus)?;
    println!("{}", text_table(&report));
    if let Some(p) = &args.json {
        let s = serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?;
        std::fs::write(p, s + "\n").map_err(|e| format!("{}: {e}", p.display()))?;
    }
    Ok(())
}

/// Entities the server describes once ready, most mentioned first
/// ([`crate::lsp::indexing::DESCRIBED_AHEAD`]).
const DESCRIBED_AHEAD: usize = crate::lsp::indexing::DESCRIBED_AHEAD;

/// Index `files` as the server's first indexing does, phase by phase.
fn index(files: Vec<(PathBuf, Arc<str>)>, cfg: &Config, phases: &mut Phases) -> Corpus {
    let analysed: Vec<(PathBuf, Arc<str>, Arc<DocAnalysis>)> = phases.run("analysed", || {
        files
            .into_par_iter()
            .map(|(p, t)| {
                let a = analyze(&t, cfg);
                (p, t, Arc::new(a))
            })
            .collect()
    });
    let mut corpus = Corpus::new(cfg.clone());
    phases.run("indexed", || corpus.upsert_many(analysed));
    phases.run("judged", || corpus.prepare_findings(&|| false));
    phases.run("described ahead", || {
        // the order in which descriptions list articles, then the entities
        corpus.path_order();
        for id in corpus.most_mentioned(DESCRIBED_AHEAD) {
            corpus.entity(id);
        }
    });
    corpus
}

/// Read the corpus's texts, as the server reads a workspace folder.
fn read(root: &Path, cfg: &Config) -> (Vec<(PathBuf, Arc<str>)>, usize) {
    let read: Vec<Option<(PathBuf, Arc<str>)>> = workspace::discover(root)
        .into_par_iter()
        .map(|p| {
            let t = workspace::read_text(&p, cfg.max_file_bytes).ok()?;
            Some((p, Arc::from(t)))
        })
        .collect();
    let skipped = read.iter().filter(|r| r.is_none()).count();
    (read.into_iter().flatten().collect(), skipped)
}

fn measure(root: &Path) -> Result<MemoryReport, String> {
    // the folder's claimlens.toml, as the server and `claimlens check` read it
    let project = ProjectFile::load(root).map_err(|e| e.to_string())?;
    let cfg = Config::from_files(project.iter());
    let threads = rayon::current_num_threads();
    let mut phases = Phases::start()?;
    // what the analysis builds once and keeps is made before the
    // baseline, so that the corpus's bytes do not include it
    let warm: Vec<(PathBuf, Arc<str>)> = (0..4)
        .map(|i| {
            (
                PathBuf::from(format!("warm-up-{i}.txt")),
                Arc::from(crate::analysis::WARM_UP),
            )
        })
        .collect();
    drop(index(warm, &cfg, &mut phases));
    phases.done.clear();
    // the word caches are counted from empty
    rayon::broadcast(|_| normalize::drop_word_cache());
    phases.run("baseline", || ());
    let (files, skipped) = phases.run("texts read", || read(root, &cfg));
    let text_bytes = files.iter().map(|(_, t)| t.len() as u64).sum();
    let n = files.len();
    eprintln!("{n} files, {:.1} MB read", text_bytes as f64 / 1e6);
    let corpus = index(files, &cfg, &mut phases);
    let baseline = phases.done[0].allocated;
    let end = phases.done.last().map_or(0, |p| p.allocated);
    eprintln!("dropping the corpus piece by piece");
    let freed = jemalloc::freed_by_this_thread()?;
    let mut t = Teardown::new(&freed);
    let before = freed();
    corpus.drop_piecewise(&mut t);
    let mut freed_by_drop = freed() - before;
    // what the analysis keeps on each thread that ran it
    let words = rayon::broadcast(|_| drop_word_cache())
        .into_iter()
        .chain([drop_word_cache()])
        .collect::<Result<Vec<_>, String>>()?;
    let after = jemalloc::snapshot_flushed().allocated;
    // (stopped only now: a thread ending frees what jemalloc kept for it)
    let phases = phases.stop();
    let mut pieces: Vec<PieceBytes> = t
        .pieces()
        .iter()
        .map(|p| {
            let (section, piece) = p.name.split_once(": ").unwrap_or(("other", p.name));
            PieceBytes {
                section: section.into(),
                piece: piece.into(),
                bytes: p.bytes,
                items: p.items,
            }
        })
        .collect();
    let (bytes, items) = words.iter().fold((0, 0), |a, w| (a.0 + w.0, a.1 + w.1));
    freed_by_drop += bytes;
    pieces.push(PieceBytes {
        section: "analysis caches".into(),
        piece: "normalised words, one cache per analysing thread".into(),
        bytes,
        items,
    });
    let attributed = pieces.iter().map(|p| p.bytes).sum();
    let held = end.saturating_sub(baseline);
    Ok(MemoryReport {
        claimlens_version: env!("CARGO_PKG_VERSION").into(),
        commit: super::measure::git_commit().0,
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        }
        .into(),
        corpus: root.display().to_string(),
        files: n,
        text_bytes,
        skipped,
        threads,
        phases,
        held,
        pieces,
        attributed,
        not_attributed: held as i64 - attributed as i64,
        freed_by_drop,
        left_after_drop: after as i64 - baseline as i64,
        still_shared: t.still_shared(),
    })
}

/// Empty the calling thread's cache of normalised words: the bytes freed
/// and the words it held.
fn drop_word_cache() -> Result<(u64, u64), String> {
    let freed = jemalloc::freed_by_this_thread()?;
    let before = freed();
    let words = normalize::drop_word_cache();
    Ok((freed() - before, words as u64))
}

/// The phases measured so far, and the thread sampling the peaks.
struct Phases {
    done: Vec<Phase>,
    sampler: jemalloc::Sampler,
}

impl Phases {
    fn start() -> Result<Phases, String> {
        Ok(Phases {
            done: Vec::new(),
            sampler: jemalloc::Sampler::start()?,
        })
    }

    /// Run one phase and measure it.
    fn run<R>(&mut self, name: &str, f: impl FnOnce() -> R) -> R {
        let at_start = jemalloc::snapshot_flushed();
        self.sampler.reset(at_start);
        let t = Instant::now();
        let r = f();
        let seconds = t.elapsed().as_secs_f64();
        let end = jemalloc::snapshot_flushed();
        let peak = self.sampler.peak().max(end);
        let (vm_rss, vm_hwm) = vm_status();
        self.done.push(Phase {
            name: name.into(),
            seconds,
            allocated: end.allocated,
            peak_allocated: peak.allocated,
            resident: end.resident,
            peak_resident: peak.resident,
            vm_rss,
            vm_hwm,
        });
        r
    }

    fn stop(self) -> Vec<Phase> {
        self.sampler.stop();
        self.done
    }
}

/// VmRSS and VmHWM of this process, bytes (0 where /proc is not there).
fn vm_status() -> (u64, u64) {
    super::lsp_client::proc_mem(std::process::id())
        .map_or((0, 0), |m| (m.vm_rss_kib * 1024, m.vm_hwm_kib * 1024))
}

/// jemalloc's statistics, or why they cannot be read.
#[cfg(not(target_env = "msvc"))]
mod jemalloc {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
    use std::time::Duration;

    use tikv_jemalloc_ctl::{epoch, raw, stats, thread};

    fn err(what: &str, e: tikv_jemalloc_ctl::Error) -> String {
        format!("reading jemalloc's {what}: {e}")
    }

    /// Is jemalloc the allocator? Only then do its counters see the
    /// program's memory: a megabyte allocated must show in this thread's
    /// count of bytes allocated.
    pub fn check() -> Result<(), String> {
        let allocated = thread::allocatedp::read().map_err(|e| err("thread.allocatedp", e))?;
        let before = allocated.get();
        let block = std::hint::black_box(Vec::<u8>::with_capacity(1 << 20));
        let after = allocated.get();
        drop(block);
        if after.wrapping_sub(before) < 1 << 20 {
            return Err(
                "the global allocator is not jemalloc, so jemalloc's statistics \
                 do not see this program's memory: run the claimlens binary \
                 (its allocator is jemalloc on every non-MSVC target)"
                    .into(),
            );
        }
        Ok(())
    }

    #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
    pub struct Snapshot {
        pub allocated: u64,
        pub resident: u64,
    }

    impl Snapshot {
        pub fn max(self, o: Snapshot) -> Snapshot {
            Snapshot {
                allocated: self.allocated.max(o.allocated),
                resident: self.resident.max(o.resident),
            }
        }
    }

    /// Allocated and resident bytes, as of a fresh epoch.
    pub fn snapshot() -> Result<Snapshot, String> {
        epoch::advance().map_err(|e| err("epoch", e))?;
        Ok(Snapshot {
            allocated: stats::allocated::read().map_err(|e| err("stats.allocated", e))? as u64,
            resident: stats::resident::read().map_err(|e| err("stats.resident", e))? as u64,
        })
    }

    /// [`snapshot`] once every thread of the pool and this one have handed
    /// back the freed blocks they keep for reuse (jemalloc counts those as
    /// allocated until then). Zero if the statistics cannot be read, which
    /// [`check`] has ruled out.
    pub fn snapshot_flushed() -> Snapshot {
        rayon::broadcast(|_| flush_this_thread());
        flush_this_thread();
        snapshot().unwrap_or_default()
    }

    /// Turning a thread's cache off flushes it (jemalloc's manual,
    /// `thread.tcache.enabled`); it is turned on again at once.
    fn flush_this_thread() {
        const ENABLED: &[u8] = b"thread.tcache.enabled\0";
        // SAFETY: a documented boolean setting, written with a bool
        unsafe {
            if raw::read::<bool>(ENABLED) == Ok(true) {
                let _ = raw::write(ENABLED, false);
                let _ = raw::write(ENABLED, true);
            }
        }
    }

    /// This thread's count of bytes freed, ever: read before and after a
    /// drop, the bytes that drop freed.
    pub fn freed_by_this_thread() -> Result<impl Fn() -> u64, String> {
        let freed = thread::deallocatedp::read().map_err(|e| err("thread.deallocatedp", e))?;
        Ok(move || freed.get())
    }

    /// A thread reading the statistics every 10 ms, keeping the highest.
    pub struct Sampler {
        peak_allocated: Arc<AtomicU64>,
        peak_resident: Arc<AtomicU64>,
        stop: Arc<AtomicBool>,
        thread: std::thread::JoinHandle<()>,
    }

    impl Sampler {
        pub fn start() -> Result<Sampler, String> {
            snapshot()?;
            let peak_allocated = Arc::new(AtomicU64::new(0));
            let peak_resident = Arc::new(AtomicU64::new(0));
            let stop = Arc::new(AtomicBool::new(false));
            let (a, r, s) = (peak_allocated.clone(), peak_resident.clone(), stop.clone());
            let thread = std::thread::Builder::new()
                .name("claimlens-memory-sampler".into())
                .spawn(move || {
                    while !s.load(Ordering::Relaxed) {
                        if let Ok(x) = snapshot() {
                            a.fetch_max(x.allocated, Ordering::Relaxed);
                            r.fetch_max(x.resident, Ordering::Relaxed);
                        }
                        std::thread::sleep(Duration::from_millis(10));
                    }
                })
                .map_err(|e| format!("cannot start the sampling thread: {e}"))?;
            Ok(Sampler {
                peak_allocated,
                peak_resident,
                stop,
                thread,
            })
        }

        /// Start a phase: the peak is what it is now.
        pub fn reset(&self, now: Snapshot) {
            self.peak_allocated.store(now.allocated, Ordering::Relaxed);
            self.peak_resident.store(now.resident, Ordering::Relaxed);
        }

        pub fn peak(&self) -> Snapshot {
            Snapshot {
                allocated: self.peak_allocated.load(Ordering::Relaxed),
                resident: self.peak_resident.load(Ordering::Relaxed),
            }
        }

        pub fn stop(self) {
            self.stop.store(true, Ordering::Relaxed);
            let _ = self.thread.join();
        }
    }
}

/// Without jemalloc (MSVC builds use the system allocator) there are no
/// statistics to read: the command fails instead of printing zeros.
#[cfg(target_env = "msvc")]
mod jemalloc {
    const NO: &str = "this build's allocator is not jemalloc (MSVC builds use the system \
                      allocator), and only jemalloc's statistics can attribute memory";

    pub fn check() -> Result<(), String> {
        Err(NO.into())
    }

    #[derive(Clone, Copy, Debug, Default)]
    pub struct Snapshot {
        pub allocated: u64,
        pub resident: u64,
    }

    impl Snapshot {
        pub fn max(self, _: Snapshot) -> Snapshot {
            self
        }
    }

    pub fn snapshot_flushed() -> Snapshot {
        Snapshot::default()
    }

    pub fn freed_by_this_thread() -> Result<fn() -> u64, String> {
        Err(NO.into())
    }

    pub struct Sampler;

    impl Sampler {
        pub fn start() -> Result<Sampler, String> {
            Err(NO.into())
        }
        pub fn reset(&self, _: Snapshot) {}
        pub fn peak(&self) -> Snapshot {
            Snapshot::default()
        }
        pub fn stop(self) {}
    }
}

/// `exe bench memory` on `corpus` in a process of its own, as the full
/// bench measures its largest corpus (its own process holds what it
/// measured before); the JSON is written in `work`.
pub fn in_child(
    exe: &Path,
    corpus: &Path,
    work: &Path,
    timeout: Duration,
) -> Result<MemoryReport, String> {
    let json = work.join("memory.json");
    let _ = std::fs::remove_file(&json);
    let mut child = Command::new(exe)
        .args(["bench", "memory", "--corpus"])
        .arg(corpus)
        .arg("--json")
        .arg(&json)
        .stdout(Stdio::null())
        .spawn()
        .map_err(|e| format!("{}: {e}", exe.display()))?;
    let started = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().map_err(|e| e.to_string())? {
            break st;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("not done in {} s", timeout.as_secs()));
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    if !status.success() {
        return Err(format!("`claimlens bench memory` failed ({status})"));
    }
    let s = std::fs::read_to_string(&json).map_err(|e| format!("{}: {e}", json.display()))?;
    serde_json::from_str(&s).map_err(|e| format!("{}: {e}", json.display()))
}

/// The report's sections as a markdown table, for docs/benchmarks.md.
pub fn markdown(r: &MemoryReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "\n### Memory held after indexing ({} articles, `claimlens bench memory`)\n",
        r.files
    );
    let _ = writeln!(
        s,
        "A process of its own indexes the corpus as the server's first indexing does; \
         jemalloc's bytes allocated after each phase (peak during it sampled every 10 ms), \
         then what each structure holds, measured by dropping the corpus piece by piece.\n"
    );
    let _ = writeln!(
        s,
        "| phase | s | allocated (MiB) | peak during (MiB) | VmHWM (MiB) |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|");
    for p in r.phases.iter().skip(1) {
        let _ = writeln!(
            s,
            "| {} | {:.2} | {:.1} | {:.1} | {:.1} |",
            p.name,
            p.seconds,
            mib(p.allocated as f64),
            mib(p.peak_allocated as f64),
            mib(p.vm_hwm as f64)
        );
    }
    let _ = writeln!(s, "\n| structure | MiB | share | its pieces (MiB) |");
    let _ = writeln!(s, "|---|---:|---:|---|");
    let share = |b: f64| 100.0 * b / (r.held.max(1) as f64);
    for (name, bytes, pieces) in sections(r) {
        let pieces: Vec<String> = pieces
            .iter()
            .filter(|p| p.bytes >= 1 << 20)
            .map(|p| format!("{} {:.1}", p.piece, mib(p.bytes as f64)))
            .collect();
        let _ = writeln!(
            s,
            "| {name} | {:.1} | {:.1}% | {} |",
            mib(bytes as f64),
            share(bytes as f64),
            // type names, not HTML tags
            pieces.join("; ").replace('<', "&lt;").replace('>', "&gt;")
        );
    }
    let _ = writeln!(
        s,
        "| not attributed | {:.1} | {:.1}% | |",
        mib(r.not_attributed as f64),
        share(r.not_attributed as f64)
    );
    let _ = writeln!(
        s,
        "| **total held** | **{:.1}** | 100% | |",
        mib(r.held as f64)
    );
    s
}

/// The sections, largest first, each with its bytes and its pieces
/// (largest first).
fn sections(r: &MemoryReport) -> Vec<(&str, u64, Vec<&PieceBytes>)> {
    let mut out: Vec<(&str, u64, Vec<&PieceBytes>)> = Vec::new();
    for p in &r.pieces {
        match out.iter_mut().find(|s| s.0 == p.section) {
            Some(s) => {
                s.1 += p.bytes;
                s.2.push(p);
            }
            None => out.push((&p.section, p.bytes, vec![p])),
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.1));
    for s in &mut out {
        s.2.sort_by_key(|p| std::cmp::Reverse(p.bytes));
    }
    out
}

fn mib(b: f64) -> f64 {
    b / 1048576.0
}

/// The report as a plain-text table.
pub fn text_table(r: &MemoryReport) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(
        s,
        "claimlens bench memory: {} ({} files, {:.1} MB{}), {} build, {} threads, commit {}",
        r.corpus,
        r.files,
        r.text_bytes as f64 / 1e6,
        if r.skipped > 0 {
            format!("; {} skipped", r.skipped)
        } else {
            String::new()
        },
        r.build,
        r.threads,
        r.commit.get(..7).unwrap_or(&r.commit),
    );
    let _ = writeln!(
        s,
        "\nphases (MiB; jemalloc allocated and resident, process VmRSS and VmHWM)"
    );
    let _ = writeln!(
        s,
        "{:<16} {:>8} {:>10} {:>9} {:>10} {:>10} {:>10} {:>9} {:>9}",
        "phase", "s", "allocated", "change", "peak", "resident", "peak", "VmRSS", "VmHWM"
    );
    let mut last = None;
    for p in &r.phases {
        let change = last.map_or(String::new(), |l: u64| {
            format!("{:+.1}", mib(p.allocated as f64 - l as f64))
        });
        let _ = writeln!(
            s,
            "{:<16} {:>8.2} {:>10.1} {:>9} {:>10.1} {:>10.1} {:>10.1} {:>9.1} {:>9.1}",
            p.name,
            p.seconds,
            mib(p.allocated as f64),
            change,
            mib(p.peak_allocated as f64),
            mib(p.resident as f64),
            mib(p.peak_resident as f64),
            mib(p.vm_rss as f64),
            mib(p.vm_hwm as f64),
        );
        last = Some(p.allocated);
    }
    let _ = writeln!(
        s,
        "\nheld at the end, by structure (the corpus dropped piece by piece, the bytes each piece freed)"
    );
    let _ = writeln!(
        s,
        "{:<62} {:>9} {:>7} {:>11} {:>8}",
        "structure", "MiB", "share", "items", "B/item"
    );
    let share = |b: f64| 100.0 * b / (r.held.max(1) as f64);
    for (name, bytes, pieces) in sections(r) {
        let _ = writeln!(
            s,
            "{:<62} {:>9.1} {:>6.1}%",
            name,
            mib(bytes as f64),
            share(bytes as f64)
        );
        for p in pieces {
            let per = if p.items > 0 {
                format!("{:.1}", p.bytes as f64 / p.items as f64)
            } else {
                String::new()
            };
            let _ = writeln!(
                s,
                "  {:<60} {:>9.1} {:>6.1}% {:>11} {:>8}",
                p.piece,
                mib(p.bytes as f64),
                share(p.bytes as f64),
                p.items,
                per
            );
        }
    }
    let _ = writeln!(
        s,
        "{:<62} {:>9.1} {:>6.1}%",
        "not attributed",
        mib(r.not_attributed as f64),
        share(r.not_attributed as f64)
    );
    let _ = writeln!(
        s,
        "{:<62} {:>9.1} {:>6.1}%",
        "total held (allocated at the end - at the baseline)",
        mib(r.held as f64),
        100.0
    );
    let _ = write!(
        s,
        "\nfreed by dropping the corpus: {:.1} MiB ({:.1} MiB in the pieces); allocated after: {:+.1} MiB from the baseline",
        mib(r.freed_by_drop as f64),
        mib(r.attributed as f64),
        mib(r.left_after_drop as f64),
    );
    if r.still_shared > 0 {
        let _ = write!(
            s,
            "\n{} shared parts were still shared when dropped: their bytes are not in their rows",
            r.still_shared
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The library's tests run on the system allocator: jemalloc's
    /// statistics would read zeros, and the command says why it cannot run.
    #[test]
    fn refuses_to_measure_without_jemalloc() {
        let args = MemoryArgs {
            corpus: Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"),
            json: None,
        };
        let e = run(&args).unwrap_err();
        assert!(e.contains("not jemalloc"), "{e}");
    }
}
