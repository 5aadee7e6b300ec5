//! Regression floors on the eval kit (`../shared/eval`): the server is scored
//! over LSP on the sample corpus and on a copy with injected figure
//! conflicts, and each score must stay at or above a floor set just under
//! the score measured when the floor was last raised. A guard against
//! regressions, not a tuning target: the floors move up only after the
//! scores do, for reasons that hold on other corpora too.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// Seeds (`seeds.gold.json`): JSON pointer into the kit's report, floor.
/// Measured when set: entity F1 1.000, exact 1.000, hover 1.000, alias
/// B-cubed F1 0.990, claim links P 0.857 R 0.082 F1 0.149.
const FLOORS_SEEDS: &[(&str, f64)] = &[
    ("/entity_mentions/f1", 0.98),
    ("/entity_mentions/exact_boundary_and_type", 0.97),
    ("/entity_hover/named_correctly", 0.98),
    ("/alias_merging_bcubed/f1", 0.97),
    ("/claim_links/precision", 0.80),
    ("/claim_links/f1", 0.14),
];
/// Injected conflicts: measured recall 1.0 with no false flags (and none
/// are allowed).
const FLOOR_CONFLICT_RECALL: f64 = 0.95;

fn kit() -> PathBuf {
    let kit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval");
    assert!(
        kit.join("eval_lsp.py").is_file(),
        "the eval kit is expected at {} (the sibling folder ../shared)",
        kit.display()
    );
    kit
}

fn run_eval(corpus: &Path, gold: &Path) -> Value {
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.json");
    let server = format!("{} lsp", env!("CARGO_BIN_EXE_claimlens"));
    let res = Command::new("python3")
        // measured cold, and the user's cache left alone
        .env("CLAIMLENS_CACHE", "off")
        .arg(kit().join("eval_lsp.py"))
        .args(["--server", &server, "--corpus"])
        .arg(corpus)
        .arg("--gold")
        .arg(gold)
        .arg("--json")
        .arg(&report)
        .output()
        .expect("run python3 eval_lsp.py");
    let stdout = String::from_utf8_lossy(&res.stdout);
    println!("{stdout}");
    assert!(
        res.status.success(),
        "eval kit failed: {stdout}\n{}",
        String::from_utf8_lossy(&res.stderr)
    );
    let rep: Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert!(
        rep["server_died"].is_null(),
        "server died: {}",
        rep["server_died"]
    );
    assert_eq!(rep["exit_code"], 0, "server exit code");
    assert_eq!(rep["published_for_all_files"], true);
    assert!(
        rep["request_errors"].as_array().unwrap().is_empty(),
        "{}",
        rep["request_errors"]
    );
    rep
}

fn at_least(rep: &Value, pointer: &str, floor: f64) {
    let v = rep
        .pointer(pointer)
        .and_then(Value::as_f64)
        .unwrap_or_else(|| panic!("{pointer} missing"));
    assert!(v >= floor, "{pointer} = {v} fell below its floor {floor}");
}

#[test]
fn seeds_stay_above_the_floors() {
    let kit = kit();
    let rep = run_eval(&kit.join("../corpus/seeds"), &kit.join("seeds.gold.json"));
    for (pointer, floor) in FLOORS_SEEDS {
        at_least(&rep, pointer, *floor);
    }
    // the clean seeds hold no inconsistent figures: nothing may be flagged
    assert_eq!(
        rep["inconsistent_figures"]["diagnostics"], 0,
        "{}",
        rep["inconsistent_figures"]
    );
}

#[test]
fn injected_conflicts_are_found_and_form_only_edits_stay_silent() {
    let kit = kit();
    let out = tempfile::tempdir().unwrap();
    let st = Command::new("python3")
        .arg(kit.join("perturb.py"))
        .arg("--corpus")
        .arg(kit.join("../corpus/seeds"))
        .arg("--gold")
        .arg(kit.join("seeds.gold.json"))
        .arg("--edits")
        .arg(kit.join("seeds-conflicts.edits.json"))
        .arg("--out")
        .arg(out.path().join("p"))
        .status()
        .expect("run perturb.py");
    assert!(st.success());
    let rep = run_eval(
        &out.path().join("p/corpus"),
        &out.path().join("p/gold.json"),
    );
    let fig = &rep["inconsistent_figures"];
    at_least(&rep, "/inconsistent_figures/recall", FLOOR_CONFLICT_RECALL);
    assert_eq!(
        fig["false_flags"], 0,
        "false flags: {}",
        fig["false_flag_examples"]
    );
    assert_eq!(fig["consistent_groups_flagged"], 0, "{fig}");
}
