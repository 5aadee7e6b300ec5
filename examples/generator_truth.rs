//! The generator's own truth about figure conflicts, for scoring the
//! diagnostics of a generated corpus (`scripts/conflict_truth.py`): one JSON
//! line per article with its path, its story and its figures as
//! `[start, end, key, perturbed]` (byte offsets; `key` names the figure of
//! the source sentence, so equal keys in one story report one quantity).
//!
//! `cargo run --release --example generator_truth -- ARTICLES SEED OUT.jsonl`

use std::io::Write;

use claimlens::bench::generate::{Generator, Sources, default_source_dirs};

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [articles, seed, out] = args.as_slice() else {
        return Err("usage: generator_truth ARTICLES SEED OUT.jsonl".into());
    };
    let articles: usize = articles.parse().map_err(|e| format!("ARTICLES: {e}"))?;
    let seed: u64 = seed.parse().map_err(|e| format!("SEED: {e}"))?;
    let g = Generator::new(Sources::load(&default_source_dirs())?, articles, seed);
    let file = std::fs::File::create(out).map_err(|e| format!("{out}: {e}"))?;
    let mut w = std::io::BufWriter::new(file);
    for i in 0..articles {
        let a = g.article(i);
        let figures: Vec<serde_json::Value> = a
            .figures
            .iter()
            .map(|f| serde_json::json!([f.start, f.end, f.key, f.flag]))
            .collect();
        let line = serde_json::json!({"path": a.path, "story": a.story, "figures": figures});
        writeln!(w, "{line}").map_err(|e| format!("{out}: {e}"))?;
    }
    w.flush().map_err(|e| format!("{out}: {e}"))
}
