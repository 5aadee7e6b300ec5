//! Soak: a long session against a generated ~1k-article corpus over real
//! stdio. 10,000 random (seeded) incremental edits on open documents —
//! inserts, deletes and replacements across lines, multi-byte characters,
//! CRLF — interleaved with 1,000 disk events (files created, modified and
//! deleted, reported by the client), then:
//!
//! - the server is still alive and answering;
//! - its peak RSS (VmHWM) stays under a generous fixed bound;
//! - its answers equal those of a fresh server started on the final files:
//!   diagnostics of every file, semantic tokens of every open document, and
//!   hovers, definitions and references at a sample of positions.
//!
//! The figures (edits, disk events, wall time, peak RSS) are printed; run
//! with `--nocapture` to see them. Nothing here asserts on timing.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{
    SNIPPETS, Server, Start, answers, ask, diagnostics, files_under, first_difference, position,
    snap_back, snap_forward, tokens, uri,
};

/// The sizes; `CLAIMLENS_SOAK_<NAME>` overrides each (for a quicker or a
/// longer run by hand).
fn knob(name: &str, default: usize) -> usize {
    std::env::var(format!("CLAIMLENS_SOAK_{name}"))
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
/// Peak resident memory allowed for the soaked server.
const RSS_BOUND_KB: u64 = 1536 * 1024;

/// splitmix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

/// A random byte offset on a character boundary, not inside a CRLF pair.
fn offset(rng: &mut Rng, text: &str) -> usize {
    let at = rng.below(text.len() + 1);
    snap_back(text, at)
}

/// One random edit of `text`: (start, end, new text) in bytes.
fn random_edit(rng: &mut Rng, text: &str) -> (usize, usize, String) {
    let start = offset(rng, text);
    let kind = rng.below(10);
    let end = if kind < 4 {
        start // insert
    } else {
        // delete or replace up to ~80 bytes, possibly across lines
        let end = start + rng.below(80);
        snap_forward(text, end)
    };
    let new = if (4..7).contains(&kind) {
        String::new()
    } else {
        let mut s = String::new();
        for _ in 0..1 + rng.below(3) {
            let piece: &&str = rng.pick(SNIPPETS);
            s.push_str(piece);
        }
        s
    };
    (start, end, new)
}

fn vm_hwm_kb(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

/// The full soak: 1k articles, 10,000 edits, 1,000 disk events. Ignored by
/// default because it runs for minutes (see the figures it prints); run it
/// with `cargo test --release --test soak -- --ignored --nocapture`. The
/// `CLAIMLENS_SOAK_*` variables (ARTICLES, EDITS, DISK_EVENTS, OPEN_DOCS,
/// SEED) change its sizes.
#[test]
#[ignore = "minutes long; a shorter session runs in the suite"]
fn ten_thousand_edits_and_a_thousand_disk_events_end_where_a_fresh_index_starts() {
    soak(
        knob("ARTICLES", 1000),
        knob("EDITS", 10_000),
        knob("DISK_EVENTS", 1_000),
        knob("OPEN_DOCS", 24),
        knob("SEED", 7) as u64,
    );
}

/// The same session, shorter, in the suite: 150 articles, 1,500 edits and
/// 150 disk events (seconds in release). Before claim ties were broken by
/// path rank and role spellings by count, this exact run failed twice over:
/// a repeated quote "made 26 times" against a fresh server's 25, then
/// "Russian President" against "Russian president".
#[test]
fn a_short_session_ends_where_a_fresh_index_starts() {
    soak(150, 1500, 150, 24, 7);
}

fn soak(articles: usize, edits_wanted: usize, events_wanted: usize, open_docs: usize, seed: u64) {
    let t0 = Instant::now();
    let phase = |what: &str| eprintln!("soak: {what} at {:.1}s", t0.elapsed().as_secs_f64());
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    let st = Command::new(env!("CARGO_BIN_EXE_claimlens"))
        .args(["bench", "generate", "--articles", &articles.to_string()])
        .args(["--seed", &seed.to_string(), "--out"])
        .arg(&root)
        .status()
        .expect("run claimlens bench generate");
    assert!(st.success(), "generate failed: {st}");
    let mut rng = Rng(seed);

    let mut opts = Start::new(&root);
    opts.client_watches = true;
    let mut s = Server::start(opts);
    let t_indexed = t0.elapsed();
    phase("indexed");

    // open a few documents; the model keeps their expected texts
    let all = files_under(&root);
    let mut open: BTreeMap<PathBuf, (String, i32)> = BTreeMap::new();
    while open.len() < open_docs {
        let p = rng.pick(&all).clone();
        let text = std::fs::read_to_string(&p).unwrap();
        s.open(&p, &text);
        open.insert(p, (text, 1));
    }
    let open_paths: Vec<PathBuf> = open.keys().cloned().collect();

    // the files on disk that disk events may touch (open ones only get
    // modified: their buffers win)
    let mut on_disk: Vec<PathBuf> = all.clone();
    let mut next_new = 0;
    let (mut edits, mut events) = (0, 0);
    let (mut created, mut modified, mut deleted) = (0, 0, 0);
    while edits < edits_wanted || events < events_wanted {
        let disk_turn = events < events_wanted
            && (edits >= edits_wanted || rng.below(edits_wanted + events_wanted) < events_wanted);
        if disk_turn {
            events += 1;
            let kind = rng.below(3);
            let (path, change) = if kind == 0 || on_disk.is_empty() {
                // create: another article's text with a figure perturbed
                let src = rng.pick(&on_disk).clone();
                let text = std::fs::read_to_string(&src).unwrap_or_default();
                let text = text.replacen('1', "7", 1 + rng.below(3));
                next_new += 1;
                let p = root.join(format!("new/{}/soak-{next_new:04}.txt", rng.below(5)));
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, text).unwrap();
                on_disk.push(p.clone());
                created += 1;
                (p, 1)
            } else if kind == 1 {
                // modify: replace a few sentences' worth with another file's text
                let p = rng.pick(&on_disk).clone();
                let other = rng.pick(&on_disk).clone();
                let mut text = std::fs::read_to_string(&p).unwrap();
                let extra = std::fs::read_to_string(&other).unwrap();
                let cut = offset(&mut rng, &text);
                text.truncate(cut);
                let from = offset(&mut rng, &extra);
                text.push_str(&extra[from..]);
                std::fs::write(&p, text).unwrap();
                modified += 1;
                (p, 2)
            } else {
                // delete a file that is not open
                let i = rng.below(on_disk.len());
                if open.contains_key(&on_disk[i]) {
                    events -= 1;
                    continue;
                }
                let p = on_disk.swap_remove(i);
                std::fs::remove_file(&p).unwrap();
                deleted += 1;
                (p, 3)
            };
            s.notify(
                "workspace/didChangeWatchedFiles",
                json!({"changes": [{"uri": uri(&path), "type": change}]}),
            );
        } else {
            edits += 1;
            let p = rng.pick(&open_paths).clone();
            let (text, version) = open.get_mut(&p).unwrap();
            let (start, end, new) = random_edit(&mut rng, text);
            let range = json!({"start": position(text, start), "end": position(text, end)});
            text.replace_range(start..end, &new);
            *version += 1;
            s.change(&p, *version, range, &new);
        }
        // now and then a request, as an editor would send, which also
        // keeps the queue from growing without bound
        if (edits + events) % 500 == 0 {
            let p = rng.pick(&open_paths).clone();
            let at = position(&open[&p].0, 0);
            ask(
                &mut s,
                "textDocument/hover",
                json!({"textDocument": {"uri": uri(&p)}, "position": at}),
            );
        }
    }
    let t_session = t0.elapsed();
    phase("session sent");

    // the final texts on disk, so a fresh server sees what the soaked one
    // holds in its buffers
    for (p, (text, _)) in &open {
        std::fs::write(p, text).unwrap();
    }
    let final_files = files_under(&root);
    let open_uris: Vec<String> = open_paths.iter().map(|p| uri(p)).collect();

    // the fresh server first: its diagnostics are complete once it is ready
    let mut opts = Start::new(&root);
    opts.client_watches = true;
    let mut fresh = Server::start(opts);
    let want = diagnostics(&fresh);
    phase("fresh server ready");
    assert_eq!(
        final_files
            .iter()
            .filter(|p| fresh.diagnostics(p).is_some())
            .count(),
        final_files.len(),
        "the fresh server published diagnostics for every file"
    );

    // probes: positions in the open documents and a sample of other files
    let mut probes: Vec<(String, Value)> = Vec::new();
    let mut sample: Vec<PathBuf> = open_paths.clone();
    for _ in 0..40 {
        sample.push(rng.pick(&final_files).clone());
    }
    for p in &sample {
        let text = std::fs::read_to_string(p).unwrap();
        // the starts of diagnostics (figures, repeated quotes) and random spots
        if let Some(d) = fresh.diagnostics(p) {
            for d in d.iter().take(3) {
                probes.push((uri(p), d["range"]["start"].clone()));
            }
        }
        for _ in 0..3 {
            let at = offset(&mut rng, &text);
            probes.push((uri(p), position(&text, at)));
        }
    }

    // the soaked server: alive, and (once the last disk events are read)
    // its diagnostics are the fresh ones
    let hwm_session = vm_hwm_kb(s.pid());
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut got = diagnostics(&s);
    while got != want && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
        got = diagnostics(&s);
    }
    let t_settled = t0.elapsed();
    phase("diagnostics compared");
    if got != want {
        let dump = std::env::temp_dir().join("claimlens-soak");
        std::fs::create_dir_all(&dump).unwrap();
        for (name, d) in [("soaked.json", &got), ("fresh.json", &want)] {
            std::fs::write(dump.join(name), serde_json::to_string_pretty(d).unwrap()).unwrap();
        }
        eprintln!("soak: diagnostics written to {}", dump.display());
    }
    assert!(
        got == want,
        "diagnostics differ from a fresh index ({} vs {} files with diagnostics); first difference: {}",
        got.len(),
        want.len(),
        first_difference(&got, &want)
    );
    for p in &final_files {
        assert!(
            s.diagnostics(p).is_some(),
            "no diagnostics ever published for {}",
            p.display()
        );
    }
    assert_eq!(
        tokens(&mut s, &open_uris),
        tokens(&mut fresh, &open_uris),
        "semantic tokens of the open documents (the buffers) differ"
    );
    phase("tokens compared");
    let soaked_answers = answers(&mut s, &probes);
    let fresh_answers = answers(&mut fresh, &probes);
    if soaked_answers != fresh_answers {
        let dump = std::env::temp_dir().join("claimlens-soak");
        std::fs::create_dir_all(&dump).unwrap();
        for (name, d) in [
            ("soaked-answers.json", &soaked_answers),
            ("fresh-answers.json", &fresh_answers),
        ] {
            std::fs::write(dump.join(name), serde_json::to_string_pretty(d).unwrap()).unwrap();
        }
        eprintln!("soak: answers written to {}", dump.display());
    }
    for (i, (a, b)) in soaked_answers.iter().zip(&fresh_answers).enumerate() {
        assert_eq!(
            a,
            b,
            "answer {} ({:?}) differs from a fresh index",
            i,
            probes[i / 3]
        );
    }
    phase("answers compared");
    let hwm = vm_hwm_kb(s.pid());
    let hwm_fresh = vm_hwm_kb(fresh.pid());
    eprintln!(
        "soak: {articles} articles, {edits} edits on {open_docs} open documents, {events} disk events \
         ({created} created, {modified} modified, {deleted} deleted), {} files at the end; \
         {} probes x 3 requests; indexed after {:.1}s, session done after {:.1}s, settled after {:.1}s, \
         total {:.1}s; peak RSS {} MiB after the session, {} MiB at the end (fresh server: {} MiB)",
        final_files.len(),
        probes.len(),
        t_indexed.as_secs_f64(),
        t_session.as_secs_f64(),
        t_settled.as_secs_f64(),
        t0.elapsed().as_secs_f64(),
        hwm_session / 1024,
        hwm / 1024,
        hwm_fresh / 1024,
    );
    assert!(
        hwm < RSS_BOUND_KB,
        "peak RSS {hwm} kB over {RSS_BOUND_KB} kB"
    );
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    s.notify("exit", Value::Null);
    assert_eq!(
        s.finish().code(),
        Some(0),
        "the soaked server exits cleanly"
    );
}
