//! `claimlens bench memory` on the bundled corpus, through the binary (whose
//! allocator is jemalloc): the report is consistent with itself and with
//! the allocator's totals. No timing is asserted.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

fn u(v: &Value, k: &str) -> u64 {
    v[k].as_u64()
        .unwrap_or_else(|| panic!("{k} is not a count: {}", v[k]))
}

fn i(v: &Value, k: &str) -> i64 {
    v[k].as_i64()
        .unwrap_or_else(|| panic!("{k} is not a number: {}", v[k]))
}

#[cfg(not(target_env = "msvc"))]
#[test]
fn memory_report_adds_up_on_the_sample_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let json = tmp.path().join("memory.json");
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let out = Command::new(env!("CARGO_BIN_EXE_claimlens"))
        .args(["bench", "memory", "--corpus"])
        .arg(&corpus)
        .arg("--json")
        .arg(&json)
        .output()
        .expect("run claimlens bench memory");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "failed: {}\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    for row in ["phases", "not attributed", "total held"] {
        assert!(stdout.contains(row), "no {row:?} in the table:\n{stdout}");
    }
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(u(&r, "files"), 5);
    assert_eq!(u(&r, "skipped"), 0);

    // every phase, each with the allocator's figures (not zeros)
    let phases = r["phases"].as_array().unwrap();
    let names: Vec<&str> = phases.iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "baseline",
            "texts read",
            "analysed",
            "indexed",
            "judged",
            "described ahead"
        ]
    );
    for p in phases {
        assert!(u(p, "allocated") > 0 && u(p, "resident") > 0, "{p}");
        assert!(u(p, "peak_allocated") >= u(p, "allocated"), "{p}");
        assert!(u(p, "vm_hwm") >= u(p, "vm_rss"), "{p}");
    }
    let (baseline, end) = (
        u(&phases[0], "allocated"),
        u(&phases[phases.len() - 1], "allocated"),
    );
    let held = u(&r, "held");
    assert_eq!(held, end - baseline, "held is the allocated delta");
    assert!(
        u(&phases[1], "allocated") > baseline,
        "reading texts allocates"
    );

    // the rows add up to the total held
    let pieces = r["pieces"].as_array().unwrap();
    let sum: u64 = pieces.iter().map(|p| u(p, "bytes")).sum();
    assert_eq!(sum, u(&r, "attributed"));
    assert_eq!(sum as i64 + i(&r, "not_attributed"), held as i64);
    // everything dropping the corpus freed is in a named piece
    assert_eq!(u(&r, "freed_by_drop"), sum, "freed outside the pieces");
    assert_eq!(
        u(&r, "still_shared"),
        0,
        "indexes let go of the analyses first"
    );
    // the pieces account for nearly all the corpus held (measured: 99%)
    let off = i(&r, "not_attributed").unsigned_abs();
    assert!(off * 20 <= held, "{off} of {held} bytes not attributed");
    // and dropping the corpus gives back nearly all of it
    let left = i(&r, "left_after_drop").unsigned_abs();
    assert!(
        left * 20 <= held,
        "{left} of {held} bytes left after the drop"
    );

    // the structures are named, and the texts are at least their bytes
    let section = |s: &str| -> (u64, u64) {
        pieces
            .iter()
            .filter(|p| p["section"] == s)
            .fold((0, 0), |a, p| (a.0 + u(p, "bytes"), a.1 + u(p, "items")))
    };
    for s in [
        "texts",
        "statements",
        "claims",
        "figures",
        "local entities",
        "mentions",
        "entity index",
        "claim index",
        "figure index",
        "judged",
        "corpus",
        "analysis caches",
    ] {
        assert!(section(s).0 > 0, "nothing under {s:?}: {pieces:#?}");
    }
    let (text_bytes, texts) = section("texts");
    assert_eq!(texts, 5);
    assert!(text_bytes >= u(&r, "text_bytes"), "{text_bytes}");
}

#[test]
fn memory_needs_a_folder() {
    let out = Command::new(env!("CARGO_BIN_EXE_claimlens"))
        .args([
            "bench",
            "memory",
            "--corpus",
            "/nonexistent/claimlens-corpus",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a folder"));
}
