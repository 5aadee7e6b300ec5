//! The analysis cache: per-document analyses kept on disk between runs, so
//! reopening an unchanged corpus does not analyse it again.
//!
//! One file per workspace (its name is a hash of the canonical root paths)
//! in a cache folder outside the corpus: `CLAIMLENS_CACHE_DIR`, else
//! `$XDG_CACHE_HOME/claimlens`, else `~/.cache/claimlens`. A folder inside
//! a workspace root is refused. Entries are keyed by a 128-bit hash of the
//! text, seeded with a fingerprint of everything else the analysis depends
//! on (file format, crate version, a hash of the analysis sources taken at
//! build time, and the entity settings of the configuration), so an edited
//! file, another configuration or another build never gets a stale answer.
//!
//! A missing, truncated, damaged or foreign file is ignored with a log line
//! and rebuilt; an entry that does not decode, or does not fit its text, is
//! analysed afresh. Opening reads the file once through, to check it and
//! to index its entries; each entry is then read from it when its text is
//! looked up, so the file's bytes (0.8 GB at 100k articles) are never held
//! in memory at once. Writing streams the entries to a temporary file
//! renamed over the old one, and happens after indexing; a failure is
//! logged, never fatal.
//!
//! File layout (little-endian): `MAGIC`, format version (u32), fingerprint
//! (u64), crate version (u8 length + bytes), entry count (u64), payload
//! length (u64), payload hash (xxh3-64, u64), then the payload: per entry a
//! key (u128), a length (u32) and the postcard encoding of the analysis.
//!
//! Beside it, `ws-….judged.bin` keeps the corpus's judged figures (every
//! document's conflicts, [`crate::analysis::corpus::Corpus::prepare_findings`]):
//! judging takes a fifth of reopening a 100k-article corpus. It holds one
//! table for one corpus: `JUDGED_MAGIC`, format version (u32), fingerprint
//! (u64, as above), the corpus key (u128,
//! [`crate::analysis::corpus::Corpus::judged_key`]: configuration, paths
//! and texts), payload length (u64), payload hash (xxh3-64, u64), then the
//! table in its stored form. Another corpus's table is left unread
//! and replaced once the new one is judged; a damaged one likewise, with a
//! warning.

use std::io::{BufReader, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::{Xxh3, xxh3_64, xxh3_128_with_seed};

use crate::analysis::claims::DocClaims;
use crate::analysis::config::Config;
use crate::analysis::corpus::Corpus;
use crate::analysis::dates::Date;
use crate::analysis::entities::DocEntities;
use crate::analysis::figures::Figure;
use crate::analysis::span::Span;
use crate::analysis::statements::Statements;
use crate::analysis::{DocAnalysis, analyze};

const MAGIC: &[u8; 8] = b"CLMLNS\x00C";
const JUDGED_MAGIC: &[u8; 8] = b"CLMLNS\x00J";
/// Bump when the layout above or the encoded types change shape.
pub const FORMAT_VERSION: u32 = 1;
/// Hash of the analysis sources (`build.rs`).
const ANALYSIS_HASH: &str = env!("CLAIMLENS_ANALYSIS_HASH");
/// Environment variable naming the cache folder.
pub const DIR_ENV: &str = "CLAIMLENS_CACHE_DIR";
/// Environment variable that turns the cache off (`0`, `off`, `false`, `no`).
pub const SWITCH_ENV: &str = "CLAIMLENS_CACHE";
/// Texts longer than this are not cached (their analysis is kept in memory
/// only).
pub const MAX_ENTRY_TEXT: usize = 16 * 1024 * 1024;
/// The cache file is not written past this size; the remaining documents
/// are left out.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Is the cache turned off by the environment?
pub fn disabled_by_env() -> bool {
    std::env::var(SWITCH_ENV).is_ok_and(|v| {
        matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "0" | "off" | "false" | "no"
        )
    })
}

/// The cache folder: `explicit` if given, else `CLAIMLENS_CACHE_DIR`, else
/// `$XDG_CACHE_HOME/claimlens`, else `$HOME/.cache/claimlens`.
pub fn cache_dir(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(d) = explicit {
        return Some(d.to_path_buf());
    }
    let var = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if let Some(d) = var(DIR_ENV) {
        return Some(d);
    }
    if let Some(x) = var("XDG_CACHE_HOME").filter(|p| p.is_absolute()) {
        return Some(x.join("claimlens"));
    }
    var("HOME").map(|h| h.join(".cache").join("claimlens"))
}

/// The cache folder to use, `None` when the cache is off: `enabled` (the
/// caller's switch: a flag, a setting) and the environment must both allow
/// it; then as [`cache_dir`].
pub fn folder(enabled: bool, explicit: Option<&Path>) -> Option<PathBuf> {
    if !enabled || disabled_by_env() {
        return None;
    }
    cache_dir(explicit)
}

/// Log how a [`Cache::save`] went.
pub fn log_saved(res: &std::io::Result<Saved>) {
    match res {
        Ok(Saved::UpToDate) => tracing::info!("analysis cache up to date"),
        Ok(Saved::Written { entries, bytes }) => {
            tracing::info!("analysis cache saved: {entries} entries, {bytes} bytes")
        }
        Err(e) => tracing::warn!("analysis cache not saved: {e}"),
    }
}

/// What the configuration and the build contribute to every key.
pub fn fingerprint(config: &Config) -> u64 {
    // `analyze` reads only the entity settings of the configuration
    let s = format!(
        "{FORMAT_VERSION}\0{}\0{ANALYSIS_HASH}\0{:?}",
        env!("CARGO_PKG_VERSION"),
        config.entities
    );
    xxh3_64(s.as_bytes())
}

/// Counts of one run, for the log and the tests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// Entries in the file when it was opened.
    pub loaded: usize,
    /// Documents answered from the cache.
    pub hits: usize,
    /// Documents analysed.
    pub misses: usize,
}

/// What [`Cache::save`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Saved {
    /// Every document was already in the file, and nothing else was: not
    /// rewritten.
    UpToDate,
    Written {
        entries: usize,
        bytes: u64,
    },
}

/// The cache of one workspace, opened for one indexing.
pub struct Cache {
    file: PathBuf,
    fingerprint: u64,
    /// The file as opened, kept open: each entry is read from it when
    /// asked (`index` gives where), and a newer file renamed over it
    /// (this cache's own save, another instance's) does not change what
    /// it holds.
    source: Option<std::fs::File>,
    /// Each entry's offset and length in `source`.
    index: FxHashMap<u128, (u64, u32)>,
    hits: AtomicUsize,
    misses: AtomicUsize,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("file", &self.file)
            .field("entries", &self.index.len())
            .finish()
    }
}

/// An analysis as written (borrowed) and read (owned); one postcard layout.
#[derive(Serialize)]
struct StoredRef<'a> {
    entities: &'a DocEntities,
    statements: &'a Statements,
    claims: &'a DocClaims,
    figures: &'a [Figure],
    date: Option<Date>,
}

#[derive(Deserialize)]
struct Stored {
    entities: DocEntities,
    statements: Statements,
    claims: DocClaims,
    figures: Vec<Figure>,
    date: Option<Date>,
}

impl Cache {
    /// Open the cache of the workspace made of `roots` in folder `dir`
    /// (created if needed). An unusable file is logged and treated as
    /// empty. Errors only when the folder cannot be used at all, or lies
    /// inside a root: the caller then works without a cache.
    pub fn open(dir: &Path, roots: &[PathBuf], config: &Config) -> Result<Cache, String> {
        let roots: Vec<PathBuf> = roots
            .iter()
            .map(|r| std::fs::canonicalize(r).unwrap_or_else(|_| r.clone()))
            .collect();
        let inside = |d: &Path| roots.iter().any(|r| d.starts_with(r));
        // refuse before creating anything: the corpus is never written
        if dir.is_relative() || inside(&resolved(dir)) {
            return Err(format!(
                "cache folder {} is inside the workspace or not absolute; cache disabled",
                dir.display()
            ));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create cache folder {}: {e}", dir.display()))?;
        let dir = resolved(dir);
        if inside(&dir) {
            return Err(format!(
                "cache folder {} is inside the workspace; cache disabled",
                dir.display()
            ));
        }
        let mut names: Vec<String> = roots
            .iter()
            .map(|r| r.to_string_lossy().into_owned())
            .collect();
        names.sort();
        let name = format!("ws-{:016x}.bin", xxh3_64(names.join("\0").as_bytes()));
        let mut cache = Cache {
            file: dir.join(name),
            fingerprint: fingerprint(config),
            source: None,
            index: FxHashMap::default(),
            hits: AtomicUsize::new(0),
            misses: AtomicUsize::new(0),
        };
        match std::fs::File::open(&cache.file) {
            Ok(f) => match read_index(&f, cache.fingerprint) {
                Ok(index) => {
                    cache.source = Some(f);
                    cache.index = index;
                }
                Err(why) => tracing::warn!(
                    "analysis cache {} ignored ({why}); it will be rebuilt",
                    cache.file.display()
                ),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => tracing::warn!(
                "analysis cache {} unreadable ({e}); it will be rebuilt",
                cache.file.display()
            ),
        }
        Ok(cache)
    }

    /// Were this cache's keys made for `config`? (When the configuration
    /// changed since [`Cache::open`], the cache must not be used.)
    pub fn is_for(&self, config: &Config) -> bool {
        fingerprint(config) == self.fingerprint
    }

    /// The cache file.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The file of the judged figures kept beside this workspace's analyses.
    pub fn judged_file(&self) -> PathBuf {
        self.file.with_extension("judged.bin")
    }

    pub fn stats(&self) -> Stats {
        Stats {
            loaded: self.index.len(),
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }

    fn key(&self, text: &str) -> u128 {
        xxh3_128_with_seed(text.as_bytes(), self.fingerprint)
    }

    /// The bytes of the entry at `at`, `len` long, as the file holds them.
    fn entry(&self, (at, len): (u64, u32)) -> Option<Vec<u8>> {
        let mut buf = vec![0; len as usize];
        read_exact_at(self.source.as_ref()?, &mut buf, at).ok()?;
        Some(buf)
    }

    /// The cached analysis of `text`, if any and usable.
    pub fn lookup(&self, text: &str) -> Option<DocAnalysis> {
        let key = self.key(text);
        let bytes = self.entry(*self.index.get(&key)?)?;
        let s: Stored = postcard::from_bytes(&bytes).ok()?;
        if !fits(&s, text) {
            return None;
        }
        Some(DocAnalysis {
            entities: Arc::new(s.entities),
            statements: s.statements,
            claims: Arc::new(s.claims),
            figures: Arc::new(s.figures),
            date: s.date,
        })
    }

    /// The analysis of `text`: from the cache, or computed.
    pub fn analyze(&self, text: &str, config: &Config) -> DocAnalysis {
        if let Some(a) = self.lookup(text) {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return a;
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        analyze(text, config)
    }

    /// Write the cache for exactly these documents (entries of others are
    /// dropped): atomically, through a temporary file in the cache folder.
    /// Not rewritten when it already holds exactly these documents.
    pub fn save(&self, docs: &[(Arc<str>, Arc<DocAnalysis>)]) -> std::io::Result<Saved> {
        let keyed: Vec<(u128, &str, &DocAnalysis)> = docs
            .par_iter()
            .filter(|(t, _)| t.len() <= MAX_ENTRY_TEXT)
            .map(|(t, a)| (self.key(t), &**t, &**a))
            .collect();
        let keys: FxHashSet<u128> = keyed.iter().map(|k| k.0).collect();
        if keys.len() == self.index.len() && keys.iter().all(|k| self.index.contains_key(k)) {
            return Ok(Saved::UpToDate);
        }
        let mut keyed = keyed;
        keyed.sort_unstable_by_key(|k| k.0);
        keyed.dedup_by_key(|k| k.0);
        let head_len = self.header(0, 0, 0).len();
        let (count, len) = write_atomically_with(&self.file, |f| {
            let mut w = BufWriter::with_capacity(1 << 20, &mut *f);
            w.write_all(&vec![0; head_len])?;
            let (mut hash, mut len, mut count) = (Xxh3::new(), 0u64, 0u64);
            // a chunk at a time, so that the encodings are never all held
            'chunks: for chunk in keyed.chunks(SAVE_CHUNK) {
                let encoded: Vec<Option<Vec<u8>>> = chunk
                    .par_iter()
                    .map(|&(k, _, a)| {
                        // the file's own bytes where it holds the entry
                        if let Some(&at) = self.index.get(&k)
                            && let Some(bytes) = self.entry(at)
                        {
                            return Some(bytes);
                        }
                        let r = StoredRef {
                            entities: &a.entities,
                            statements: &a.statements,
                            claims: &a.claims,
                            figures: &a.figures,
                            date: a.date,
                        };
                        postcard::to_allocvec(&r)
                            .ok()
                            .filter(|b| b.len() <= u32::MAX as usize)
                    })
                    .collect();
                for (&(k, _, _), bytes) in chunk.iter().zip(&encoded) {
                    let Some(bytes) = bytes else { continue };
                    let entry = 20 + bytes.len() as u64;
                    if head_len as u64 + len + entry + 1024 > MAX_FILE_BYTES {
                        tracing::info!(
                            "analysis cache full: {} documents left out",
                            keyed.len() as u64 - count
                        );
                        break 'chunks;
                    }
                    let mut head = [0u8; 20];
                    head[..16].copy_from_slice(&k.to_le_bytes());
                    head[16..].copy_from_slice(&(bytes.len() as u32).to_le_bytes());
                    for part in [&head[..], bytes] {
                        w.write_all(part)?;
                        hash.update(part);
                    }
                    len += entry;
                    count += 1;
                }
            }
            w.flush()?;
            drop(w);
            f.seek(SeekFrom::Start(0))?;
            f.write_all(&self.header(count, len, hash.digest()))?;
            Ok((count, len))
        })?;
        Ok(Saved::Written {
            entries: count as usize,
            bytes: head_len as u64 + len,
        })
    }

    /// The file's header for `count` entries in a payload of `len` bytes
    /// whose xxh3-64 is `sum`.
    fn header(&self, count: u64, len: u64, sum: u64) -> Vec<u8> {
        let mut head = Vec::with_capacity(64);
        head.extend_from_slice(MAGIC);
        head.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        head.extend_from_slice(&self.fingerprint.to_le_bytes());
        let version = env!("CARGO_PKG_VERSION").as_bytes();
        head.push(version.len() as u8);
        head.extend_from_slice(version);
        head.extend_from_slice(&count.to_le_bytes());
        head.extend_from_slice(&len.to_le_bytes());
        head.extend_from_slice(&sum.to_le_bytes());
        head
    }
}

/// Documents encoded at once while saving.
const SAVE_CHUNK: usize = 1024;

/// Fill `buf` from `file` at offset `at`, without moving a shared cursor
/// (lookups run on many threads at once).
#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            n => {
                buf = &mut buf[n..];
                at += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(_: &std::fs::File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Write `parts` as the whole of `file`, atomically: through a temporary
/// file in its folder, renamed over it.
fn write_atomically(file: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    write_atomically_with(file, |f| {
        for p in parts {
            f.write_all(p)?;
        }
        Ok(())
    })
}

/// Let `write` fill a temporary file in `file`'s folder, then rename it
/// over `file`; the temporary file is removed when anything fails.
fn write_atomically_with<T>(
    file: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<T>,
) -> std::io::Result<T> {
    let dir = file.parent().unwrap_or(Path::new("."));
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    remove_leftovers(dir, &name);
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        let value = write(&mut f)?;
        f.sync_all()?;
        std::fs::rename(&tmp, file)?;
        Ok(value)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Remove the temporary files that a process writing `name` in `dir` left
/// behind when it ended mid-write (the editor stopped the server), where
/// the system tells which processes are running (`/proc`); a live
/// process's file is left alone.
fn remove_leftovers(dir: &Path, name: &str) {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let prefix = format!(".{name}.");
    for e in entries.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = n
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".tmp"))
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if !proc.join(pid.to_string()).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// What [`load_judged`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Judged {
    /// The corpus now holds the stored table.
    Loaded,
    /// No file: nothing was judged for this workspace yet.
    Absent,
    /// A table judged for another corpus (a text, a path, the
    /// configuration or the build changed since).
    Stale,
}

/// Read the judged figures stored in `file` into `corpus` when they were
/// judged for it (`key`: its [`Corpus::judged_key`]). An error names what is
/// wrong with a file that cannot be used (damaged, foreign); the corpus is
/// then left as it was.
fn load_judged(file: &Path, corpus: &Corpus, key: u128) -> Result<Judged, String> {
    let data = match std::fs::read(file) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Judged::Absent),
        Err(e) => return Err(format!("unreadable: {e}")),
    };
    let head = 8 + 4 + 8 + 16 + 8 + 8;
    if data.len() < head || &data[..8] != JUDGED_MAGIC {
        return Err("not a claimlens judged-figures file".into());
    }
    let u64_at = |at: usize| u64::from_le_bytes(data[at..at + 8].try_into().unwrap_or_default());
    let format = u32::from_le_bytes(data[8..12].try_into().unwrap_or_default());
    if format != FORMAT_VERSION || u64_at(12) != fingerprint(corpus.config()) {
        return Ok(Judged::Stale);
    }
    let stored = u128::from_le_bytes(data[20..36].try_into().unwrap_or_default());
    let payload = checked_payload(&data[head..], u64_at(36), u64_at(44))?;
    if stored != key {
        return Ok(Judged::Stale);
    }
    corpus.import_judged(payload)?;
    Ok(Judged::Loaded)
}

/// `corpus`'s judged figures as the bytes of a judged-figures file, if it
/// has them (and they fit [`MAX_FILE_BYTES`]); `key` is its
/// [`Corpus::judged_key`].
fn judged_bytes(corpus: &Corpus, key: u128) -> Option<Vec<u8>> {
    let payload = corpus.export_judged()?;
    if payload.len() as u64 + 64 > MAX_FILE_BYTES {
        return None;
    }
    let mut out = Vec::with_capacity(payload.len() + 64);
    out.extend_from_slice(JUDGED_MAGIC);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&fingerprint(corpus.config()).to_le_bytes());
    out.extend_from_slice(&key.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&xxh3_64(&payload).to_le_bytes());
    out.extend_from_slice(&payload);
    Some(out)
}

/// How [`judge`] gave a corpus its judged figures.
#[derive(Debug)]
pub enum Judgement {
    /// Read from the file kept for this very corpus.
    Read,
    /// Judged now; with the file's bytes for the next run, when there is a
    /// file to keep them in (write them with [`save_judged`]).
    Judged(Option<Vec<u8>>),
    /// Not judged: `stop()` turned true meanwhile.
    GaveWay,
}

/// Give `corpus` its judged figures ([`Corpus::prepare_findings`]): read
/// from `file` when they were kept there for this very corpus, else
/// judged, giving way when `stop()` turns true. A file that cannot be used
/// is logged and will be replaced.
pub fn judge(corpus: &Corpus, file: Option<&Path>, stop: &(dyn Fn() -> bool + Sync)) -> Judgement {
    if corpus.findings_prepared() {
        return Judgement::Read;
    }
    // the texts hashed once, for reading and for keeping
    let key = file.map(|_| corpus.judged_key());
    if let (Some(f), Some(key)) = (file, key) {
        match load_judged(f, corpus, key) {
            Ok(Judged::Loaded) => return Judgement::Read,
            Ok(Judged::Absent | Judged::Stale) => {}
            Err(why) => tracing::warn!(
                "judged figures in {} ignored ({why}); they will be judged again",
                f.display()
            ),
        }
    }
    if !corpus.prepare_findings(stop) {
        return Judgement::GaveWay;
    }
    Judgement::Judged(key.and_then(|k| judged_bytes(corpus, k)))
}

/// Write a judged-figures file made by [`judge`], atomically; the outcome
/// is logged.
pub fn save_judged(file: &Path, bytes: &[u8]) {
    match write_atomically(file, &[bytes]) {
        Ok(()) => tracing::info!(
            "judged figures saved in {} ({} bytes)",
            file.display(),
            bytes.len()
        ),
        Err(e) => tracing::warn!("judged figures not saved in {}: {e}", file.display()),
    }
}

/// The payload after a file's header, when it has the length (`len`) and
/// hash (`sum`) the header gives.
fn checked_payload(payload: &[u8], len: u64, sum: u64) -> Result<&[u8], String> {
    if payload.len() as u64 != len {
        return Err(format!(
            "payload of {} bytes, expected {len}",
            payload.len()
        ));
    }
    if xxh3_64(payload) != sum {
        return Err("checksum mismatch".into());
    }
    Ok(payload)
}

/// `d` with its longest existing prefix canonicalised (links resolved).
fn resolved(d: &Path) -> PathBuf {
    let mut base = d.to_path_buf();
    let mut rest = Vec::new();
    loop {
        if let Ok(mut c) = std::fs::canonicalize(&base) {
            c.extend(rest.iter().rev());
            return c;
        }
        match (base.file_name(), base.parent()) {
            (Some(n), Some(p)) => {
                rest.push(n.to_owned());
                base = p.to_path_buf();
            }
            _ => return d.to_path_buf(),
        }
    }
}

/// The entries of a cache file, or why it cannot be used.
/// Check a cache file and index its entries (key to offset and length),
/// reading it once through.
fn read_index(
    file: &std::fs::File,
    fingerprint: u64,
) -> Result<FxHashMap<u128, (u64, u32)>, String> {
    let size = file.metadata().map_err(|e| e.to_string())?.len();
    let mut r = BufReader::with_capacity(1 << 20, file);
    let mut take = |n: usize| -> Result<Vec<u8>, String> {
        let mut b = vec![0; n];
        r.read_exact(&mut b).map_err(|_| "truncated".to_string())?;
        Ok(b)
    };
    if take(MAGIC.len())? != MAGIC {
        return Err("not a claimlens cache".into());
    }
    let u32_of = |b: &[u8]| u32::from_le_bytes(b.try_into().unwrap_or_default());
    let u64_of = |b: &[u8]| u64::from_le_bytes(b.try_into().unwrap_or_default());
    let format = u32_of(&take(4)?);
    if format != FORMAT_VERSION {
        return Err(format!("format {format}, expected {FORMAT_VERSION}"));
    }
    if u64_of(&take(8)?) != fingerprint {
        return Err("made by another build or configuration".into());
    }
    let vlen = take(1)?[0] as usize;
    let version = take(vlen)?;
    if version != env!("CARGO_PKG_VERSION").as_bytes() {
        return Err(format!(
            "made by claimlens {}",
            String::from_utf8_lossy(&version)
        ));
    }
    let count = u64_of(&take(8)?);
    let len = u64_of(&take(8)?);
    let sum = u64_of(&take(8)?);
    let start = (MAGIC.len() + 4 + 8 + 1 + vlen + 24) as u64;
    let payload = size.saturating_sub(start);
    if payload != len {
        return Err(format!("payload of {payload} bytes, expected {len}"));
    }
    let mut hash = Xxh3::new();
    let mut index = FxHashMap::default();
    index.reserve(count.min(len / 20) as usize);
    let mut p = 0u64;
    for _ in 0..count {
        if len - p < 20 {
            return Err("entry truncated".into());
        }
        let head = take(20)?;
        hash.update(&head);
        let key = u128::from_le_bytes(head[..16].try_into().unwrap_or_default());
        let n = u32_of(&head[16..20]);
        p += 20;
        if len - p < u64::from(n) {
            return Err("entry truncated".into());
        }
        let body = take(n as usize)?;
        hash.update(&body);
        index.insert(key, (start + p, n));
        p += u64::from(n);
    }
    if p != len {
        return Err("trailing bytes".into());
    }
    if hash.digest() != sum {
        return Err("checksum mismatch".into());
    }
    Ok(index)
}

/// Does a decoded analysis fit its text? (Spans inside it and on character
/// boundaries, indices inside their lists.) A hash collision or a damaged
/// entry that passed the checksum must not reach code that slices the text.
fn fits(s: &Stored, text: &str) -> bool {
    let span = |sp: &Span| {
        sp.start <= sp.end
            && (sp.end as usize) <= text.len()
            && text.is_char_boundary(sp.start as usize)
            && text.is_char_boundary(sp.end as usize)
    };
    let nst = s.statements.len() as u32;
    let nfig = s.figures.len() as u32;
    let nterms = s.claims.terms.len() as u32;
    s.entities
        .mentions
        .iter()
        .all(|m| span(&m.span) && (m.local as usize) < s.entities.locals.len())
        && s.statements
            .iter()
            .all(|st| span(&st.span) && st.attribution().as_ref().is_none_or(span))
        && s.statements.is_well_formed()
        && s.claims.classes.len() == s.claims.terms.len()
        && s.claims.statements.len() == s.statements.len()
        && s.claims
            .statements
            .iter()
            .all(|c| c.start <= c.end && c.end <= nterms)
        && s.figures.iter().all(|f| {
            span(&f.span)
                && span(&f.style.number)
                && f.style.qualifier.as_ref().is_none_or(span)
                && f.statement.is_none_or(|i| i < nst)
                && f.outer_statement.is_none_or(|i| i < nst)
                && f.same_as.iter().all(|&i| i < nfig)
                && f.words.is_well_formed()
        })
}

/// Analyse `texts` in parallel through `cache` when there is one.
pub fn analyze_all(
    cache: Option<&Cache>,
    config: &Config,
    texts: &[Arc<str>],
) -> Vec<Arc<DocAnalysis>> {
    texts
        .par_iter()
        .map(|t| {
            Arc::new(match cache {
                Some(c) => c.analyze(t, config),
                None => analyze(t, config),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(dirs: &[&str]) -> Vec<Arc<str>> {
        let mut out = Vec::new();
        for d in dirs {
            let d = Path::new(env!("CARGO_MANIFEST_DIR")).join(d);
            for p in crate::workspace::discover(&d) {
                out.push(Arc::from(std::fs::read_to_string(p).unwrap()));
            }
        }
        out
    }

    fn bundled() -> Vec<Arc<str>> {
        let t = texts(&["corpus", "../shared/corpus-real"]);
        assert!(t.len() > 10, "corpus not found");
        t
    }

    /// Analyses compared whole: `Debug` prints every field, floats exactly.
    fn same(a: &DocAnalysis, b: &DocAnalysis) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    type Docs = Vec<(Arc<str>, Arc<DocAnalysis>)>;

    fn fresh(texts: &[Arc<str>], config: &Config) -> Docs {
        let a = analyze_all(None, config, texts);
        texts.iter().cloned().zip(a).collect()
    }

    struct Dirs {
        _tmp: tempfile::TempDir,
        root: PathBuf,
        cache: PathBuf,
    }

    /// Fresh folders, the default configuration, the bundled texts and
    /// their analyses.
    fn setup() -> (Dirs, Config, Vec<Arc<str>>, Docs) {
        let config = Config::default();
        let texts = bundled();
        let docs = fresh(&texts, &config);
        (dirs(), config, texts, docs)
    }

    fn dirs() -> Dirs {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("corpus");
        let cache = tmp.path().join("cache");
        std::fs::create_dir(&root).unwrap();
        Dirs {
            root,
            cache,
            _tmp: tmp,
        }
    }

    /// Save `docs` in the cache of `d`'s corpus.
    fn write(d: &Dirs, config: &Config, docs: &[(Arc<str>, Arc<DocAnalysis>)]) {
        Cache::open(&d.cache, std::slice::from_ref(&d.root), config)
            .unwrap()
            .save(docs)
            .unwrap();
    }

    /// Check that `c` gives each document's analysis.
    fn reads_back(c: &Cache, docs: &[(Arc<str>, Arc<DocAnalysis>)], config: &Config) {
        for (t, a) in docs {
            assert!(same(&c.analyze(t, config), a));
        }
    }

    fn only_file(dir: &Path) -> PathBuf {
        let files: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1, "{files:?}");
        files[0].clone()
    }

    #[test]
    fn analyses_read_back_equal_fresh_ones_on_the_bundled_corpora() {
        let (d, config, texts, docs) = setup();
        let c = Cache::open(&d.cache, std::slice::from_ref(&d.root), &config).unwrap();
        assert_eq!(c.stats().loaded, 0);
        assert!(matches!(c.save(&docs), Ok(Saved::Written { .. })));
        let c = Cache::open(&d.cache, std::slice::from_ref(&d.root), &config).unwrap();
        assert_eq!(c.stats().loaded, texts.len());
        // statements naming one speaker share one copy of the name, as
        // when analysed
        let mut repeated = 0;
        for (t, a) in &docs {
            let got = c.analyze(t, &config);
            assert!(same(&got, a), "differs for {}", &t[..t.len().min(80)]);
            for analysis in [&got, a.as_ref()] {
                let all = &analysis.statements;
                let names = all.speakers();
                let distinct: std::collections::HashSet<&str> =
                    names.iter().map(|s| &**s).collect();
                assert_eq!(distinct.len(), names.len(), "a name kept twice");
                let named = all.iter().filter_map(|s| all.speaker(s)).count();
                repeated += named - names.len();
            }
        }
        assert!(repeated > 100, "the bundled transcripts repeat speakers");
        assert_eq!(c.stats().hits, texts.len());
        assert_eq!(c.stats().misses, 0);
        // nothing new: not rewritten
        assert_eq!(c.save(&docs).unwrap(), Saved::UpToDate);
    }

    #[test]
    fn a_damaged_or_foreign_file_is_ignored_and_rebuilt() {
        let (d, config, texts, docs) = setup();
        let roots = [d.root.clone()];
        write(&d, &config, &docs);
        let file = only_file(&d.cache);
        let good = std::fs::read(&file).unwrap();
        let mut wrong_version = good.clone();
        wrong_version[MAGIC.len()] ^= 0x7f;
        let mut flipped = good.clone();
        let mid = good.len() / 2;
        flipped[mid] ^= 1;
        let mut random = Vec::new();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..100_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            random.push(x as u8);
        }
        let mut random_with_magic = MAGIC.to_vec();
        random_with_magic.extend_from_slice(&random);
        let damaged: Vec<(&str, Vec<u8>)> = vec![
            ("empty", Vec::new()),
            ("truncated header", good[..10].to_vec()),
            ("truncated", good[..good.len() - 7].to_vec()),
            ("longer", [good.clone(), vec![0; 3]].concat()),
            ("wrong version", wrong_version),
            ("flipped byte", flipped),
            ("random", random),
            ("random after magic", random_with_magic),
        ];
        for (what, bytes) in damaged {
            std::fs::write(&file, &bytes).unwrap();
            let c = Cache::open(&d.cache, &roots, &config).unwrap();
            assert_eq!(c.stats().loaded, 0, "{what} accepted");
            for (t, a) in &docs {
                assert!(same(&c.analyze(t, &config), a), "{what}");
            }
            assert_eq!(c.stats().misses, texts.len(), "{what}");
            assert!(matches!(c.save(&docs), Ok(Saved::Written { .. })), "{what}");
            assert_eq!(std::fs::read(&file).unwrap(), good, "{what}: not rebuilt");
            let c = Cache::open(&d.cache, &roots, &config).unwrap();
            assert_eq!(c.stats().loaded, texts.len(), "{what}");
        }
        // another configuration: the whole file is ignored
        let mut other = Config::default();
        other.entities.exclude.push("Minsk".into());
        let c = Cache::open(&d.cache, &roots, &other).unwrap();
        assert_eq!(c.stats().loaded, 0);
        assert!(!c.is_for(&config) && c.is_for(&other));
    }

    #[test]
    fn saves_write_every_entry_from_the_file_or_the_analyses() {
        let (d, config, texts, mut docs) = setup();
        let roots = [d.root.clone()];
        write(&d, &config, &docs);
        let c = Cache::open(&d.cache, &roots, &config).unwrap();
        for (t, _) in &docs {
            c.analyze(t, &config);
        }
        assert_eq!(c.stats().misses, 0);
        assert_eq!(c.save(&docs).unwrap(), Saved::UpToDate);
        // a text changed: its entry is encoded from the analysis, the others
        // copied from the file
        let changed: Arc<str> = format!("{} Vladimir Putin said 12 tonnes.", texts[0]).into();
        docs[0] = (changed.clone(), Arc::new(analyze(&changed, &config)));
        assert!(matches!(
            c.save(&docs),
            Ok(Saved::Written { entries, bytes })
                if entries == texts.len()
                    && bytes == std::fs::metadata(c.file()).unwrap().len()
        ));
        let c = Cache::open(&d.cache, &roots, &config).unwrap();
        reads_back(&c, &docs, &config);
        assert_eq!(c.stats().misses, 0);
    }

    #[test]
    fn entries_are_read_from_the_file_as_opened() {
        let (d, config, _, docs) = setup();
        let roots = [d.root.clone()];
        write(&d, &config, &docs);
        // another save renames a file of one document over it: what was
        // opened still answers
        let c = Cache::open(&d.cache, &roots, &config).unwrap();
        write(&d, &config, &docs[..1]);
        reads_back(&c, &docs, &config);
        assert_eq!(c.stats().misses, 0);
        // the file cut short under an open cache: the entries past the cut
        // are analysed afresh, and the answers are the same
        write(&d, &config, &docs);
        let c = Cache::open(&d.cache, &roots, &config).unwrap();
        let f = std::fs::OpenOptions::new()
            .write(true)
            .open(c.file())
            .unwrap();
        f.set_len(64).unwrap();
        reads_back(&c, &docs, &config);
        assert_eq!(c.stats().misses, docs.len());
    }

    #[test]
    fn a_changed_text_is_analysed_again_and_gone_documents_are_dropped() {
        let (d, config, texts, mut docs) = setup();
        let roots = [d.root.clone()];
        write(&d, &config, &docs);
        let changed: Arc<str> = format!("{} Vladimir Putin said 12 tonnes.", texts[0]).into();
        let c = Cache::open(&d.cache, &roots, &config).unwrap();
        let a = c.analyze(&changed, &config);
        assert_eq!(c.stats().misses, 1);
        assert_eq!(c.stats().hits, 0);
        assert!(same(&a, &analyze(&changed, &config)));
        docs[0] = (changed.clone(), Arc::new(a));
        docs.pop();
        assert!(matches!(
            c.save(&docs),
            Ok(Saved::Written { entries, .. }) if entries == texts.len() - 1
        ));
        let c = Cache::open(&d.cache, &roots, &config).unwrap();
        assert_eq!(c.stats().loaded, texts.len() - 1);
        assert!(c.lookup(&changed).is_some());
        assert!(c.lookup(texts.last().unwrap()).is_none());
    }

    #[test]
    fn the_cache_folder_is_never_inside_the_workspace() {
        let d = dirs();
        let config = Config::default();
        let inside = d.root.join("cache");
        let err = Cache::open(&inside, std::slice::from_ref(&d.root), &config).unwrap_err();
        assert!(err.contains("inside the workspace"), "{err}");
        assert!(!inside.exists(), "created inside the corpus");
        assert!(Cache::open(&d.root, std::slice::from_ref(&d.root), &config).is_err());
        assert!(
            Cache::open(
                Path::new("rel/cache"),
                std::slice::from_ref(&d.root),
                &config
            )
            .is_err()
        );
        // through a link into the corpus
        #[cfg(unix)]
        {
            let link = d.cache.with_file_name("link");
            std::os::unix::fs::symlink(&d.root, &link).unwrap();
            assert!(Cache::open(&link.join("c"), std::slice::from_ref(&d.root), &config).is_err());
            assert!(!d.root.join("c").exists());
        }
        // the default folder is the user's cache, not the working folder
        let dflt = cache_dir(None);
        assert!(dflt.as_ref().is_none_or(|p| p.is_absolute()), "{dflt:?}");
        // one file per workspace, named from the roots
        let c1 = Cache::open(&d.cache, std::slice::from_ref(&d.root), &config).unwrap();
        let other = d.cache.with_file_name("other");
        std::fs::create_dir(&other).unwrap();
        let c2 = Cache::open(&d.cache, &[other], &config).unwrap();
        assert_ne!(c1.file(), c2.file());
        assert!(
            c1.file()
                .starts_with(std::fs::canonicalize(&d.cache).unwrap())
        );
    }

    #[test]
    fn a_temporary_file_left_by_an_ended_process_is_removed_on_the_next_save() {
        let (d, config, _, docs) = setup();
        let c = Cache::open(&d.cache, std::slice::from_ref(&d.root), &config).unwrap();
        let name = c.file().file_name().unwrap().to_string_lossy().into_owned();
        // no process has this id (above the largest Linux allows)
        let dead = d.cache.join(format!(".{name}.4294967295.tmp"));
        let live = d.cache.join(format!(".{name}.{}.tmp", std::process::id()));
        let other = d.cache.join(".notes.4294967295.tmp");
        for f in [&dead, &live, &other] {
            std::fs::write(f, b"partial").unwrap();
        }
        assert!(matches!(c.save(&docs), Ok(Saved::Written { .. })));
        if Path::new("/proc/self").exists() {
            assert!(!dead.exists(), "left behind");
        }
        // this process's own name is reused by the save; others are left
        assert!(!live.exists());
        assert!(other.exists());
    }
}
