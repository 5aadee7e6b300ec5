//! `claimlens check` and the analysis cache: a second run answers from the
//! cache (counted in the log, not timed), prints the same report as a run
//! without the cache, and never writes inside the corpus. The judged
//! figures kept beside the analyses are read only for the very corpus they
//! were judged for; a damaged file is reported and replaced.

use std::path::Path;
use std::process::{Command, Output};

fn check(corpus: &Path, extra: &[&str], cache: Option<&Path>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_claimlens"));
    c.arg("check")
        .arg(corpus)
        .args(["--format", "json"])
        .args(extra)
        .env("CLAIMLENS_LOG", "claimlens=info")
        .env_remove("CLAIMLENS_CACHE");
    match cache {
        Some(d) => c.env("CLAIMLENS_CACHE_DIR", d),
        None => c.env_remove("CLAIMLENS_CACHE_DIR"),
    };
    let out = c.output().expect("run claimlens check");
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    out
}

/// Check that the run's log holds `needle`.
fn logged(out: &Output, needle: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "no {needle:?} in the log:\n{err}");
}

fn copy_corpus(to: &Path) -> usize {
    copy_from(&Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus"), to)
}

fn copy_from(src: &Path, to: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
            n += p.extension().is_some_and(|x| x == "txt" || x == "md") as usize;
        }
    }
    n
}

fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let b = std::fs::read(&p).unwrap_or_default();
            (p.file_name().unwrap().to_string_lossy().into_owned(), b)
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_second_check_reads_the_cache_and_prints_the_same_report() {
    let corpus = tempfile::tempdir().unwrap();
    let cache = tempfile::tempdir().unwrap();
    let n = copy_corpus(corpus.path());
    assert!(n >= 5);
    let before = listing(corpus.path());
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let plain = check(corpus.path(), &["--no-cache"], Some(cache.path()));
    assert!(
        !stderr(&plain).contains("analysis cache"),
        "{}",
        stderr(&plain)
    );
    assert_eq!(std::fs::read_dir(cache.path()).unwrap().count(), 0);
    let cold = check(corpus.path(), &[], Some(cache.path()));
    assert!(
        stderr(&cold).contains(&format!("analysis cache: 0 hits, {n} analysed")),
        "{}",
        stderr(&cold)
    );
    assert!(stderr(&cold).contains(&format!("analysis cache saved: {n} entries")));
    let warm = check(corpus.path(), &[], Some(cache.path()));
    assert!(
        stderr(&warm).contains(&format!("analysis cache: {n} hits, 0 analysed")),
        "{}",
        stderr(&warm)
    );
    assert!(stderr(&warm).contains("analysis cache up to date"));
    // the --cache-dir flag wins over the environment
    let other = tempfile::tempdir().unwrap();
    let flag = check(
        corpus.path(),
        &["--cache-dir", &other.path().display().to_string()],
        Some(cache.path()),
    );
    assert!(stderr(&flag).contains(&format!("analysis cache: 0 hits, {n} analysed")));
    // the analyses and the judged figures
    assert_eq!(std::fs::read_dir(other.path()).unwrap().count(), 2);
    assert_eq!(plain.stdout, cold.stdout);
    assert_eq!(plain.stdout, warm.stdout);
    assert_eq!(plain.stdout, flag.stdout);
    assert!(listing(corpus.path()) == before, "the corpus was written");
}

#[test]
fn a_cache_folder_inside_the_corpus_is_refused() {
    let corpus = tempfile::tempdir().unwrap();
    copy_corpus(corpus.path());
    let before = listing(corpus.path());
    let inside = corpus.path().join("cache");
    let out = check(corpus.path(), &[], Some(&inside));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("inside the workspace"), "{err}");
    assert!(!inside.exists());
    assert!(listing(corpus.path()) == before, "the corpus was written");
}

#[test]
fn judged_figures_are_read_only_for_the_corpus_they_were_judged_for() {
    // real articles, some of whose figures disagree
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus-real");
    let corpus = tempfile::tempdir().unwrap();
    let mut n = 0;
    for e in std::fs::read_dir(&real).expect("../shared/corpus-real") {
        let p = e.unwrap().path();
        if p.is_dir() {
            n += copy_from(&p, corpus.path());
        }
    }
    assert!(n > 20, "{n} articles copied");
    let cache = tempfile::tempdir().unwrap();
    let stderr = |o: &Output| String::from_utf8_lossy(&o.stderr).into_owned();
    let conflicts = |o: &Output| {
        let report = String::from_utf8_lossy(&o.stdout);
        report.matches("inconsistent-figure").count()
    };
    let plain = check(corpus.path(), &["--no-cache"], None);
    assert!(
        conflicts(&plain) >= 4,
        "{}",
        String::from_utf8_lossy(&plain.stdout)
    );
    let judged_file = || {
        let files: Vec<_> = std::fs::read_dir(cache.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().ends_with(".judged.bin"))
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files[0].clone()
    };

    let cold = check(corpus.path(), &[], Some(cache.path()));
    logged(&cold, "judged figures saved in");
    let warm = check(corpus.path(), &[], Some(cache.path()));
    logged(&warm, "judged figures read from");
    assert_eq!(plain.stdout, cold.stdout);
    assert_eq!(plain.stdout, warm.stdout);

    // one figure edited: the stored table is for another corpus, judged again
    let (path, text) = std::fs::read_dir(corpus.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| Some((p.clone(), std::fs::read_to_string(&p).ok()?)))
        .find(|(_, t)| t.contains("per cent") || t.contains("percent"))
        .expect("an article with a percentage");
    let edited = text.replacen("per", "a per", 1);
    std::fs::write(&path, edited).unwrap();
    let plain_edited = check(corpus.path(), &["--no-cache"], None);
    let stale = check(corpus.path(), &[], Some(cache.path()));
    assert!(
        !stderr(&stale).contains("judged figures read"),
        "{}",
        stderr(&stale)
    );
    logged(&stale, "judged figures saved in");
    assert_eq!(plain_edited.stdout, stale.stdout);

    // a damaged file: reported, ignored, replaced
    let file = judged_file();
    let mut bytes = std::fs::read(&file).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x55;
    std::fs::write(&file, &bytes).unwrap();
    let damaged = check(corpus.path(), &[], Some(cache.path()));
    logged(
        &damaged,
        "ignored (checksum mismatch); they will be judged again",
    );
    assert_eq!(plain_edited.stdout, damaged.stdout);
    std::fs::write(&file, &bytes[..40]).unwrap();
    let truncated = check(corpus.path(), &[], Some(cache.path()));
    logged(&truncated, "judged figures in");
    assert_eq!(plain_edited.stdout, truncated.stdout);
    let again = check(corpus.path(), &[], Some(cache.path()));
    logged(&again, "judged figures read from");
    assert_eq!(plain_edited.stdout, again.stdout);
}
