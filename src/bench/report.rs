//! The benchmark report: its data (serialised as JSON), a plain-text table
//! and the markdown page docs/benchmarks.md.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::generate::Stats;
use super::lsp_client::ProcMem;

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Report {
    pub claimlens_version: String,
    pub commit: String,
    pub dirty: bool,
    /// Merge commits on the current branch whose subject names an analysis
    /// module, and whether each module produced output on the corpus.
    pub analysis_modules: Vec<Module>,
    pub build: String,
    pub machine: Machine,
    pub command: String,
    pub unix_time: u64,
    pub seed: u64,
    pub sizes: Vec<SizeResult>,
    pub external: Option<External>,
    /// `claimlens bench memory` on the largest corpus (absent in reports
    /// written before it was measured).
    #[serde(default)]
    pub memory: Option<super::memory::MemoryReport>,
    /// Why it was not measured, if it failed.
    #[serde(default)]
    pub memory_error: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Module {
    pub name: String,
    pub merge_commit: Option<String>,
    /// What the module produced over the largest corpus measured in process.
    pub output: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Machine {
    pub cores: usize,
    pub cpu_model: String,
    pub mem_total_gib: f64,
    /// 1, 5 and 15 minute load averages when the run started (other work on
    /// the machine shows here).
    pub load_avg_start: [f64; 3],
    pub load_avg_end: [f64; 3],
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct SizeResult {
    pub articles: usize,
    pub bytes: u64,
    pub corpus: Stats,
    /// Seconds to generate the corpus (None: reused from an earlier run).
    pub generate_seconds: Option<f64>,
    pub lsp: Option<LspResult>,
    pub lsp_error: Option<String>,
    /// Opening the corpus again with the analysis cache (absent in reports
    /// written before it was measured).
    #[serde(default)]
    pub reopen: Option<Reopen>,
    pub inprocess: Option<InProcess>,
}

/// The server started twice more on an unchanged corpus with a cache
/// folder of its own: once to fill the cache, once to use it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Reopen {
    /// Ready (as [`LspResult::ready_s`]) with an empty cache folder.
    pub fill_ready_s: f64,
    /// Ready with the cache the first start left.
    pub ready_s: f64,
    /// Cache file size, bytes.
    pub cache_bytes: u64,
    pub mem_ready: ProcMem,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct LspResult {
    pub initialize_ms: f64,
    /// From `initialized` to the first publishDiagnostics.
    pub first_diagnostics_s: Option<f64>,
    /// From `initialized` to the end of the indexing progress with
    /// diagnostics published for every file.
    pub ready_s: f64,
    pub index_mb_per_s: f64,
    pub index_articles_per_s: f64,
    /// Server CPU seconds per wall second while indexing.
    pub index_cores_used: f64,
    /// (seconds since `initialized`, percentage) of each indexing progress report.
    pub index_progress: Vec<(f64, u32)>,
    pub files_with_diagnostics: usize,
    pub diagnostics_total: usize,
    /// JSON bytes of the `publishDiagnostics` notifications received by
    /// then (0 in reports written before it was measured).
    #[serde(default)]
    pub diagnostics_bytes: u64,
    pub mem_ready: ProcMem,
    pub mem_end: ProcMem,
    pub hover: Latency,
    pub definition: Latency,
    pub references: Latency,
    pub keystroke: Latency,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Latency {
    pub n: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
    /// Requests with a non-empty answer (hover contents, locations).
    pub answered: usize,
    pub errors: usize,
    /// The slowest requests, slowest first: what made the tail.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slowest: Vec<Slow>,
}

/// One timed request, for [`Latency::slowest`].
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Slow {
    /// `path:line:character` (path within the corpus, zero-based position
    /// as sent).
    pub at: String,
    pub ms: f64,
    /// Bytes of the answer as compact JSON.
    pub answer_bytes: usize,
}

/// How many of the slowest requests a [`Latency`] keeps.
pub const SLOWEST: usize = 3;

impl Latency {
    /// Keep the [`SLOWEST`] of `samples`.
    pub fn with_slowest(mut self, mut samples: Vec<Slow>) -> Latency {
        samples.sort_by(|a, b| b.ms.total_cmp(&a.ms));
        samples.truncate(SLOWEST);
        self.slowest = samples;
        self
    }

    pub fn from_samples(mut ms: Vec<f64>, answered: usize, errors: usize) -> Latency {
        if ms.is_empty() {
            return Latency {
                errors,
                ..Latency::default()
            };
        }
        ms.sort_by(|a, b| a.total_cmp(b));
        let q = |p: f64| {
            // nearest rank
            let rank = ((p * ms.len() as f64).ceil() as usize).clamp(1, ms.len());
            ms[rank - 1]
        };
        Latency {
            n: ms.len(),
            p50_ms: q(0.50),
            p99_ms: q(0.99),
            max_ms: *ms.last().unwrap_or(&0.0),
            mean_ms: ms.iter().sum::<f64>() / ms.len() as f64,
            answered,
            errors,
            slowest: Vec::new(),
        }
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct InProcess {
    pub threads: usize,
    pub sample_articles: usize,
    pub sample_bytes: u64,
    pub one_core_mb_per_s: f64,
    pub all_cores_mb_per_s: f64,
    /// Process CPU seconds over the one-core and all-core runs: MB per
    /// CPU-second does not depend on other load on the machine, and CPU
    /// over wall time shows how many cores the parallel run got.
    pub one_core_cpu_s: f64,
    pub all_cores_cpu_s: f64,
    pub all_cores_wall_s: f64,
    /// Single-thread seconds per analysis stage over the sample, and the
    /// whole `analyze` for comparison.
    pub stages: Vec<(String, f64)>,
    pub analyze_total_s: f64,
    /// Over the whole corpus: analysis on all cores, then `Corpus::upsert`
    /// of every document on one thread (what the server's change task does),
    /// then `findings` of every document (what the publisher computes).
    pub full_analyze_s: f64,
    pub full_upsert_s: f64,
    /// Documents upserted and documents whose findings were computed before
    /// the time limit (`--timeout`): fewer than the corpus means partial.
    pub full_upsert_docs: usize,
    pub full_findings_docs: usize,
    /// Seconds for each tenth of the documents upserted, in order: flat
    /// when an upsert costs the same however large the corpus already is.
    pub upsert_tenths: Vec<f64>,
    pub full_findings_s: f64,
    /// The same findings after `Corpus::prepare_findings` judged every
    /// pair of figures at once on all cores (what the server does for a
    /// large backlog): that step, then `findings` of each (one core).
    #[serde(default)]
    pub full_prepare_s: f64,
    #[serde(default)]
    pub full_findings_prepared_s: f64,
    /// One keystroke in the 36 KB transcript, in process (medians, ms).
    pub edit_analyze_ms: f64,
    pub edit_upsert_ms: f64,
    pub edit_findings_ms: f64,
    pub edit_changed_docs: usize,
    pub output: Output,
}

/// What the analysis found over the whole corpus.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Output {
    pub entity_mentions: u64,
    pub statements: u64,
    pub figures: u64,
    pub claim_groups: u64,
    pub findings: u64,
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct External {
    pub name: String,
    pub detail: String,
    pub docs: usize,
    pub bytes: u64,
    pub seconds: f64,
    /// CPU seconds of the reference's process over the same span.
    pub cpu_seconds: f64,
    pub mb_per_s: f64,
    pub entities: u64,
    /// claimlens `analyze` on one core over the same texts.
    pub claimlens_seconds: f64,
    pub claimlens_cpu_seconds: f64,
    pub claimlens_mb_per_s: f64,
    /// claimlens MB per CPU-second divided by the reference's.
    pub ratio: f64,
}

fn mib(kib: u64) -> f64 {
    kib as f64 / 1024.0
}

fn opt(v: Option<f64>, prec: usize) -> String {
    v.map_or("-".into(), |x| format!("{x:.prec$}"))
}

/// The targets of the issue, checked against a size's results.
struct Target {
    what: &'static str,
    want: String,
    got: String,
    met: Option<bool>,
}

fn targets(r: &Report) -> Vec<Target> {
    let mut out = Vec::new();
    let at = |n: usize| r.sizes.iter().find(|s| s.articles == n);
    let largest_ip = r.sizes.iter().rev().find_map(|s| s.inprocess.as_ref());
    if let Some(ip) = largest_ip {
        out.push(Target {
            what: "cold indexing, one core (in process)",
            want: ">= 20 MB/s".into(),
            got: format!("{:.1} MB/s", ip.one_core_mb_per_s),
            met: Some(ip.one_core_mb_per_s >= 20.0),
        });
        let speedup = ip.all_cores_mb_per_s / ip.one_core_mb_per_s.max(1e-9);
        out.push(Target {
            what: "uses both cores (in-process speed-up)",
            want: format!("~{}x", r.machine.cores),
            got: format!("{speedup:.2}x"),
            met: Some(speedup >= 0.8 * r.machine.cores.min(2) as f64),
        });
    }
    if let Some(l) = at(10_000).and_then(|s| s.lsp.as_ref()) {
        out.push(Target {
            what: "10k articles ready",
            want: "< 3 s".into(),
            got: format!("{:.2} s", l.ready_s),
            met: Some(l.ready_s < 3.0),
        });
        let p99 = [&l.hover, &l.definition, &l.references]
            .iter()
            .map(|x| x.p99_ms)
            .fold(0.0, f64::max);
        out.push(Target {
            what: "request p99 at 10k (worst of hover/definition/references)",
            want: "< 5 ms".into(),
            got: format!("{p99:.2} ms"),
            met: Some(p99 < 5.0),
        });
        out.push(Target {
            what: "keystroke to diagnostics p99 at 10k",
            want: "< 50 ms".into(),
            got: format!("{:.1} ms", l.keystroke.p99_ms),
            met: Some(l.keystroke.p99_ms < 50.0),
        });
    }
    if let Some(l) = at(100_000).and_then(|s| s.lsp.as_ref()) {
        out.push(Target {
            what: "100k articles ready",
            want: "< 30 s".into(),
            got: format!("{:.1} s", l.ready_s),
            met: Some(l.ready_s < 30.0),
        });
        out.push(Target {
            what: "100k peak RSS",
            want: "< 1.5 GiB".into(),
            got: format!("{:.0} MiB", mib(l.mem_end.vm_hwm_kib)),
            met: Some(mib(l.mem_end.vm_hwm_kib) < 1536.0),
        });
    }
    if let Some((n, re)) = r
        .sizes
        .iter()
        .rev()
        .find_map(|x| x.reopen.as_ref().map(|re| (x.articles, re)))
    {
        out.push(Target {
            what: "reopening an unchanged 100k corpus (the cache), at the largest size measured",
            want: "< 2 s".into(),
            got: format!("{:.2} s at {n} articles", re.ready_s),
            met: if n >= 100_000 {
                Some(re.ready_s < 2.0)
            } else if re.ready_s >= 2.0 {
                Some(false)
            } else {
                None
            },
        });
    }
    let ks: Vec<(usize, f64)> = r
        .sizes
        .iter()
        .filter_map(|s| s.lsp.as_ref().map(|l| (s.articles, l.keystroke.p50_ms)))
        .filter(|(_, p)| *p > 0.0)
        .collect();
    if let (Some(first), Some(last)) = (ks.first(), ks.last())
        && last.0 > first.0
    {
        let ratio = last.1 / first.1;
        out.push(Target {
            what: "edit cost flat (keystroke p50, largest / smallest size)",
            want: "<= 2x".into(),
            got: format!("{ratio:.2}x ({} -> {} articles)", first.0, last.0),
            met: Some(ratio <= 2.0),
        });
    }
    out
}

/// The table printed to the terminal.
pub fn text_table(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "claimlens {} @ {}{} ({} build), {} cores {}, {:.0} GiB, load {:.1} -> {:.1}",
        r.claimlens_version,
        short(&r.commit),
        if r.dirty { "+dirty" } else { "" },
        r.build,
        r.machine.cores,
        r.machine.cpu_model,
        r.machine.mem_total_gib,
        r.machine.load_avg_start[0],
        r.machine.load_avg_end[0],
    );
    s.push_str(&markdown_tables(r));
    s
}

fn short(c: &str) -> &str {
    &c[..c.len().min(10)]
}

fn lat(l: &Latency) -> String {
    if l.n == 0 {
        return "-".into();
    }
    format!("{:.2} / {:.2}", l.p50_ms, l.p99_ms)
}

fn answered(l: &Latency) -> String {
    if l.n == 0 {
        return "-".into();
    }
    format!("{}/{}", l.answered, l.n)
}

/// The result tables, in markdown (readable as text too).
pub fn markdown_tables(r: &Report) -> String {
    let mut s = String::new();
    let cols: Vec<String> = r
        .sizes
        .iter()
        .map(|x| format!("{} articles", x.articles))
        .collect();
    let header = |s: &mut String, first: &str| {
        let _ = writeln!(s, "| {first} | {} |", cols.join(" | "));
        let _ = writeln!(s, "|---|{}", "---:|".repeat(cols.len()));
    };
    let row = |s: &mut String, name: &str, f: &dyn Fn(&SizeResult) -> String| {
        let cells: Vec<String> = r.sizes.iter().map(f).collect();
        let _ = writeln!(s, "| {name} | {} |", cells.join(" | "));
    };
    let l = |x: &SizeResult, f: &dyn Fn(&LspResult) -> String| {
        x.lsp.as_ref().map_or_else(
            || x.lsp_error.clone().map_or("-".into(), |_| "failed".into()),
            f,
        )
    };
    let ip = |x: &SizeResult, f: &dyn Fn(&InProcess) -> String| {
        x.inprocess.as_ref().map_or("-".into(), f)
    };

    let _ = writeln!(s, "\n### Over stdio (a spawned `claimlens lsp`)\n");
    header(&mut s, "");
    row(&mut s, "corpus size", &|x| {
        format!("{:.1} MB", x.bytes as f64 / 1e6)
    });
    row(&mut s, "initialize (ms)", &|x| {
        l(x, &|y| format!("{:.1}", y.initialize_ms))
    });
    row(&mut s, "first diagnostics (s)", &|x| {
        l(x, &|y| opt(y.first_diagnostics_s, 3))
    });
    row(
        &mut s,
        "ready: progress end + every file published (s)",
        &|x| l(x, &|y| format!("{:.2}", y.ready_s)),
    );
    row(&mut s, "indexing throughput (MB/s)", &|x| {
        l(x, &|y| format!("{:.1}", y.index_mb_per_s))
    });
    row(&mut s, "indexing throughput (articles/s)", &|x| {
        l(x, &|y| format!("{:.0}", y.index_articles_per_s))
    });
    row(&mut s, "server cores busy while indexing", &|x| {
        l(x, &|y| format!("{:.2}", y.index_cores_used))
    });
    row(&mut s, "peak RSS at ready (MiB)", &|x| {
        l(x, &|y| format!("{:.0}", mib(y.mem_ready.vm_hwm_kib)))
    });
    row(&mut s, "peak RSS at end (MiB)", &|x| {
        l(x, &|y| format!("{:.0}", mib(y.mem_end.vm_hwm_kib)))
    });
    row(&mut s, "hover p50 / p99 (ms)", &|x| {
        l(x, &|y| lat(&y.hover))
    });
    row(&mut s, "definition p50 / p99 (ms)", &|x| {
        l(x, &|y| lat(&y.definition))
    });
    row(&mut s, "references p50 / p99 (ms)", &|x| {
        l(x, &|y| lat(&y.references))
    });
    row(&mut s, "keystroke to diagnostics p50 / p99 (ms)", &|x| {
        l(x, &|y| lat(&y.keystroke))
    });
    row(&mut s, "keystroke max (ms)", &|x| {
        l(x, &|y| format!("{:.1}", y.keystroke.max_ms))
    });
    row(&mut s, "answered hover / definition / references", &|x| {
        l(x, &|y| {
            format!(
                "{} / {} / {}",
                answered(&y.hover),
                answered(&y.definition),
                answered(&y.references)
            )
        })
    });
    row(
        &mut s,
        "answer of the slowest hover / definition / references (KB)",
        &|x| {
            l(x, &|y| {
                let kb = |l: &Latency| {
                    l.slowest.first().map_or("-".into(), |s| {
                        format!("{:.1}", s.answer_bytes as f64 / 1e3)
                    })
                };
                format!(
                    "{} / {} / {}",
                    kb(&y.hover),
                    kb(&y.definition),
                    kb(&y.references)
                )
            })
        },
    );
    row(
        &mut s,
        "diagnostics published at ready (MB of JSON)",
        &|x| {
            l(x, &|y| match y.diagnostics_bytes {
                0 => y.diagnostics_total.to_string(),
                b => format!("{} ({:.1})", y.diagnostics_total, b as f64 / 1e6),
            })
        },
    );
    let re =
        |x: &SizeResult, f: &dyn Fn(&Reopen) -> String| x.reopen.as_ref().map_or("-".into(), f);
    row(&mut s, "reopen with the analysis cache: ready (s)", &|x| {
        re(x, &|y| format!("{:.2}", y.ready_s))
    });
    row(&mut s, "first open filling the cache: ready (s)", &|x| {
        re(x, &|y| format!("{:.2}", y.fill_ready_s))
    });
    row(&mut s, "cache size (MB) / peak RSS at reopen (MiB)", &|x| {
        re(x, &|y| {
            format!(
                "{:.1} / {:.0}",
                y.cache_bytes as f64 / 1e6,
                mib(y.mem_ready.vm_hwm_kib)
            )
        })
    });

    let _ = writeln!(s, "\n### In process (the analysis core, no protocol)\n");
    header(&mut s, "");
    row(&mut s, "sample analysed", &|x| {
        ip(x, &|y| {
            format!(
                "{} art., {:.1} MB",
                y.sample_articles,
                y.sample_bytes as f64 / 1e6
            )
        })
    });
    row(&mut s, "`analyze`, 1 core (MB/s)", &|x| {
        ip(x, &|y| format!("{:.1}", y.one_core_mb_per_s))
    });
    row(&mut s, "`analyze`, all cores (MB/s)", &|x| {
        ip(x, &|y| {
            format!("{:.1} ({} threads)", y.all_cores_mb_per_s, y.threads)
        })
    });
    row(&mut s, "whole corpus: analyze, all cores (s)", &|x| {
        ip(x, &|y| format!("{:.2}", y.full_analyze_s))
    });
    let partial = |done: usize, n: usize| {
        if done < n {
            format!(" (stopped at the time limit: {done} of {n} documents)")
        } else {
            String::new()
        }
    };
    row(
        &mut s,
        "whole corpus: `Corpus::upsert` each, 1 core (s)",
        &|x| {
            ip(x, &|y| {
                format!(
                    "{:.2}{}",
                    y.full_upsert_s,
                    partial(y.full_upsert_docs, x.articles)
                )
            })
        },
    );
    row(
        &mut s,
        "upsert seconds per tenth of the corpus, first / last",
        &|x| {
            ip(
                x,
                &|y| match (y.upsert_tenths.first(), y.upsert_tenths.last()) {
                    (Some(a), Some(b)) => format!("{a:.3} / {b:.3}"),
                    _ => "-".into(),
                },
            )
        },
    );
    row(&mut s, "whole corpus: `findings` of each (s)", &|x| {
        ip(x, &|y| {
            format!(
                "{:.2}{}",
                y.full_findings_s,
                partial(y.full_findings_docs, y.full_upsert_docs)
            )
        })
    });
    row(
        &mut s,
        "whole corpus at once: `prepare_findings`, all cores / then `findings` of each (s)",
        &|x| {
            ip(x, &|y| {
                format!(
                    "{:.2} / {:.2}",
                    y.full_prepare_s, y.full_findings_prepared_s
                )
            })
        },
    );
    row(
        &mut s,
        "edit in transcript: analyze / upsert / findings (ms)",
        &|x| {
            ip(x, &|y| {
                format!(
                    "{:.2} / {:.2} / {:.2}",
                    y.edit_analyze_ms, y.edit_upsert_ms, y.edit_findings_ms
                )
            })
        },
    );
    row(&mut s, "documents whose answers an edit changed", &|x| {
        ip(x, &|y| y.edit_changed_docs.to_string())
    });
    row(&mut s, "found: mentions / statements / figures", &|x| {
        ip(x, &|y| {
            format!(
                "{} / {} / {}",
                y.output.entity_mentions, y.output.statements, y.output.figures
            )
        })
    });
    row(&mut s, "found: claim groups / findings", &|x| {
        ip(x, &|y| {
            format!("{} / {}", y.output.claim_groups, y.output.findings)
        })
    });

    if let Some(big) = r
        .sizes
        .iter()
        .rev()
        .find_map(|x| x.inprocess.as_ref().map(|y| (x.articles, y)))
    {
        let (n, y) = big;
        let _ = writeln!(
            s,
            "\n### Where analysis time goes ({n} articles, one thread, {:.1} MB)\n",
            y.sample_bytes as f64 / 1e6
        );
        let _ = writeln!(s, "| stage | seconds | share | MB/s |");
        let _ = writeln!(s, "|---|---:|---:|---:|");
        let total: f64 = y.stages.iter().map(|(_, t)| t).sum();
        for (name, t) in &y.stages {
            let _ = writeln!(
                s,
                "| {name} | {t:.3} | {:.0}% | {:.0} |",
                100.0 * t / total.max(1e-12),
                y.sample_bytes as f64 / 1e6 / t.max(1e-12)
            );
        }
        let _ = writeln!(s, "| sum of stages | {total:.3} | | |");
        let _ = writeln!(s, "| `analyze` (whole) | {:.3} | | |", y.analyze_total_s);
    }

    if let Some(m) = &r.memory {
        s.push_str(&super::memory::markdown(m));
    }
    if let Some(e) = &r.memory_error {
        let _ = writeln!(s, "\n### Memory held after indexing\n\nNot measured: {e}");
    }

    if let Some(e) = &r.external {
        let _ = writeln!(s, "\n### Outside reference\n");
        let _ = writeln!(
            s,
            "| | texts | MB | seconds | CPU seconds | MB/s | MB per CPU-s | entities |"
        );
        let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---:|---:|");
        let mb = e.bytes as f64 / 1e6;
        let _ = writeln!(
            s,
            "| {} | {} | {mb:.2} | {:.2} | {:.2} | {:.3} | {:.3} | {} |",
            e.name,
            e.docs,
            e.seconds,
            e.cpu_seconds,
            e.mb_per_s,
            mb / e.cpu_seconds.max(1e-9),
            e.entities
        );
        let _ = writeln!(
            s,
            "| claimlens `analyze`, 1 core | {} | {mb:.2} | {:.2} | {:.2} | {:.3} | {:.3} | |",
            e.docs,
            e.claimlens_seconds,
            e.claimlens_cpu_seconds,
            e.claimlens_mb_per_s,
            mb / e.claimlens_cpu_seconds.max(1e-9)
        );
        let _ = writeln!(
            s,
            "\nclaimlens / {} throughput: **{:.1}x** ({})",
            e.name, e.ratio, e.detail
        );
    }

    let t = targets(r);
    if !t.is_empty() {
        let _ = writeln!(s, "\n### Targets\n");
        let _ = writeln!(s, "| target | wanted | measured | met |");
        let _ = writeln!(s, "|---|---|---|---|");
        for x in t {
            let met = match x.met {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "-",
            };
            let _ = writeln!(s, "| {} | {} | {} | {met} |", x.what, x.want, x.got);
        }
    }
    let errs: Vec<String> = r
        .sizes
        .iter()
        .filter_map(|x| {
            x.lsp_error
                .as_ref()
                .map(|e| format!("- {} articles: {e}", x.articles))
        })
        .collect();
    if !errs.is_empty() {
        let _ = writeln!(s, "\n### Errors\n\n{}", errs.join("\n"));
    }
    s
}

/// docs/benchmarks.md: how to reproduce, the machine, the tables.
pub fn markdown_page(r: &Report) -> String {
    let mut s = String::new();
    s.push_str(include_str!("benchmarks_intro.md"));
    let _ = writeln!(s, "\n## Latest run\n");
    let _ = writeln!(
        s,
        "- commit `{}`{} ({} build), claimlens {}",
        r.commit,
        if r.dirty {
            " with uncommitted changes"
        } else {
            ""
        },
        r.build,
        r.claimlens_version
    );
    let mods: Vec<String> = r
        .analysis_modules
        .iter()
        .map(|m| {
            let what = match m.name.as_str() {
                "entities" => "entity mentions",
                "claims" => "claim groups",
                other => other,
            };
            format!("{what} {}", m.output)
        })
        .collect();
    let _ = writeln!(
        s,
        "- found at the last size measured in process: {}",
        mods.join(", ")
    );
    let _ = writeln!(
        s,
        "- machine: {} cores ({}), {:.1} GiB RAM; load average {:.2} at start, {:.2} at end \
         (the machine is shared: other work running at the same time slows every figure)",
        r.machine.cores,
        r.machine.cpu_model,
        r.machine.mem_total_gib,
        r.machine.load_avg_start[0],
        r.machine.load_avg_end[0]
    );
    let _ = writeln!(
        s,
        "- seed {}; command:\n\n```sh\n{}\n```",
        r.seed, r.command
    );
    let _ = writeln!(s, "\n### Generated corpora\n");
    let _ = writeln!(
        s,
        "| articles | MB | transcripts | stories | mentions (misspelt) | quotes (paraphrased) | figures (perturbed) | generated in |"
    );
    let _ = writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    for x in &r.sizes {
        let c = &x.corpus;
        let _ = writeln!(
            s,
            "| {} | {:.1} | {} | {} | {} ({}) | {} ({}) | {} ({}) | {} |",
            x.articles,
            x.bytes as f64 / 1e6,
            c.transcripts,
            c.stories,
            c.mentions,
            c.misspelt_mentions,
            c.quotes,
            c.paraphrased_quotes,
            c.figures,
            c.conflicting_figures,
            opt(x.generate_seconds, 1)
                + if x.generate_seconds.is_some() {
                    " s"
                } else {
                    " (reused)"
                }
        );
    }
    s.push_str(&markdown_tables(r));
    let curve: Vec<String> = r
        .sizes
        .iter()
        .filter_map(|x| {
            x.lsp.as_ref().map(|l| {
                format!(
                    "{} → {:.1} ms (p99 {:.1})",
                    x.articles, l.keystroke.p50_ms, l.keystroke.p99_ms
                )
            })
        })
        .collect();
    if !curve.is_empty() {
        let _ = writeln!(
            s,
            "\n### Edit cost against corpus size\n\nKeystroke to updated diagnostics, p50: {}\n",
            curve.join("; ")
        );
    }
    s
}
