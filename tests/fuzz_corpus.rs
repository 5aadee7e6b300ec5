//! The fuzz corpus replayed in a normal `cargo test`: every stored input of
//! every cargo-fuzz target (`fuzz/corpus/<target>/`) goes through the same
//! entry points as the fuzzer (`fuzz/src/lib.rs`), with the same checks. A
//! panic anywhere, even one the server catches and turns into an error
//! response, fails the test. (Live fuzzing: see fuzz/README.md.)

#[path = "../fuzz/src/lib.rs"]
#[allow(dead_code)]
mod harness;

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    harness::install_panic_counter();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no corpus for {target}");
    let before = harness::panics();
    for f in &files {
        let data = std::fs::read(f).unwrap();
        run(&data);
        assert_eq!(
            harness::panics(),
            before,
            "{target}: a panic while replaying {}",
            f.display()
        );
    }
    eprintln!("{target}: {} inputs replayed", files.len());
}

#[test]
fn analyze_corpus() {
    replay("analyze", harness::analyze_input);
}

#[test]
fn answers_corpus() {
    replay("answers", harness::answers_input);
}

#[test]
fn lsp_corpus() {
    replay("lsp", harness::lsp_input);
}
