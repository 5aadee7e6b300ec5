//! `claimlens bench`: the generator is deterministic, and the benchmark runs
//! end to end on a tiny corpus and writes a well-formed report. (No timing
//! is asserted: numbers from a test machine mean nothing.)

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

mod support;
use support::snapshot;

fn exe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_claimlens"))
}

/// The repository's sample corpus: always present, so the tests do not
/// depend on the shared folder beside the repository.
fn sources() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

fn generate(out: &Path, articles: usize, seed: u64) {
    let st = exe()
        .args(["bench", "generate", "--articles", &articles.to_string()])
        .args(["--seed", &seed.to_string()])
        .arg("--out")
        .arg(out)
        .arg("--sources")
        .arg(sources())
        .status()
        .expect("run claimlens bench generate");
    assert!(st.success(), "generate failed: {st}");
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b, c) = (
        tmp.path().join("a"),
        tmp.path().join("b"),
        tmp.path().join("c"),
    );
    generate(&a, 80, 7);
    generate(&b, 80, 7);
    generate(&c, 80, 8);
    let (ta, tb, tc) = (snapshot(&a), snapshot(&b), snapshot(&c));
    let articles = ta.keys().filter(|k| k.ends_with(".txt")).count();
    assert_eq!(articles, 80);
    assert!(ta.contains_key(".claimlens-bench/corpus.json"));
    assert_eq!(ta, tb, "same seed must give the same files, byte for byte");
    assert_ne!(ta, tc, "another seed must give another corpus");
    // a transcript (article 0) of about 36 KB
    let transcript = ta
        .iter()
        .find(|(k, _)| k.contains("transcript") && k.ends_with("-000000.txt"))
        .expect("article 0 is a transcript");
    assert!(
        (30_000..42_000).contains(&transcript.1.len()),
        "{}",
        transcript.1.len()
    );
    // regenerating into a corpus folder made by the generator replaces it
    generate(&a, 80, 7);
    assert_eq!(snapshot(&a), tb);
}

#[test]
fn generate_refuses_a_folder_it_did_not_make() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine").unwrap();
    let out = exe()
        .args(["bench", "generate", "--articles", "5", "--out"])
        .arg(tmp.path())
        .arg("--sources")
        .arg(sources())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not empty"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("notes.txt")).unwrap(),
        "mine"
    );
}

#[test]
fn bench_runs_end_to_end_and_writes_a_report() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("report.json");
    // a folder that does not exist yet, as docs/ in a fresh checkout
    let md = tmp.path().join("docs").join("benchmarks.md");
    let out = exe()
        .args([
            "bench",
            "--sizes",
            "20",
            "--requests",
            "6",
            "--keystrokes",
            "4",
        ])
        .arg("--work")
        .arg(tmp.path().join("work"))
        .arg("--sources")
        .arg(sources())
        .arg("--json")
        .arg(&json)
        .arg("--markdown")
        .arg(&md)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "bench failed: {stderr}");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("keystroke to diagnostics"), "{table}");

    let r: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert!(r["commit"].as_str().is_some_and(|c| !c.is_empty()));
    assert!(r["machine"]["cores"].as_u64().unwrap() >= 1);
    let sizes = r["sizes"].as_array().unwrap();
    assert_eq!(sizes.len(), 1);
    let s = &sizes[0];
    assert_eq!(s["articles"], 20);
    assert!(s["bytes"].as_u64().unwrap() > 10_000);
    assert!(s["lsp_error"].is_null(), "{}", s["lsp_error"]);
    let l = &s["lsp"];
    assert_eq!(l["files_with_diagnostics"], 20, "every file published");
    assert!(l["ready_s"].as_f64().unwrap() > 0.0);
    assert!(l["first_diagnostics_s"].as_f64().unwrap() <= l["ready_s"].as_f64().unwrap());
    assert!(l["mem_end"]["vm_hwm_kib"].as_u64().unwrap() > 0);
    for k in ["hover", "definition", "references"] {
        assert_eq!(l[k]["n"], 6, "{k}");
        assert_eq!(l[k]["errors"], 0, "{k}");
        assert!(l[k]["p99_ms"].as_f64().unwrap() >= l[k]["p50_ms"].as_f64().unwrap());
    }
    assert_eq!(l["keystroke"]["n"], 4);
    assert!(l["keystroke"]["p50_ms"].as_f64().unwrap() > 0.0);
    let ip = &s["inprocess"];
    assert_eq!(ip["sample_articles"], 20);
    assert!(ip["one_core_mb_per_s"].as_f64().unwrap() > 0.0);
    assert_eq!(ip["stages"].as_array().unwrap().len(), 7);
    assert_eq!(ip["full_upsert_docs"], 20);
    assert_eq!(ip["upsert_tenths"].as_array().unwrap().len(), 10);
    assert!(!l["index_progress"].as_array().unwrap().is_empty());
    assert!(ip["output"]["statements"].as_u64().unwrap() > 0);
    // the largest corpus's memory by structure, in a process of its own
    // (jemalloc's statistics: not on MSVC, where it says why)
    if cfg!(not(target_env = "msvc")) {
        assert!(r["memory_error"].is_null(), "{}", r["memory_error"]);
        let m = &r["memory"];
        assert_eq!(m["files"], 20);
        assert!(m["held"].as_u64().unwrap() > 0);
        assert!(!m["pieces"].as_array().unwrap().is_empty());
    }

    let page = std::fs::read_to_string(&md).unwrap();
    assert!(page.contains("## Latest run"));
    assert!(page.contains("| ready: progress end + every file published (s) |"));
    assert!(page.contains("claimlens bench"));
    if cfg!(not(target_env = "msvc")) {
        assert!(page.contains("### Memory held after indexing (20 articles"));
        assert!(page.contains("| **total held** |"));
    }

    // re-rendering a saved report measures nothing and writes the same page
    let again = tmp.path().join("again.md");
    let st = exe()
        .args(["bench", "--from-json"])
        .arg(&json)
        .arg("--markdown")
        .arg(&again)
        .output()
        .unwrap();
    assert!(st.status.success());
    assert_eq!(std::fs::read_to_string(&again).unwrap(), page);
}
