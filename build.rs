//! Build script: a fingerprint of the analysis code and its word lists, so
//! the analysis cache (`src/cache.rs`) never serves results computed by a
//! different analysis. Any change under `src/analysis` or `data` changes it.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let mut all = Vec::new();
    for d in ["src/analysis", "data"] {
        println!("cargo:rerun-if-changed={d}");
        files(Path::new(d), &mut all);
    }
    all.sort();
    // FNV-1a over names and contents: stable across toolchains
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            for &b in bytes {
                self.0 = (self.0 ^ b as u64).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for p in &all {
        h.write(p.to_string_lossy().as_bytes());
        h.write(&[0]);
        h.write(&std::fs::read(p).unwrap_or_default());
        h.write(&[0]);
    }
    println!(
        "cargo:rustc-env=CLAIMLENS_ANALYSIS_HASH={:016x}",
        h.finish()
    );
}
