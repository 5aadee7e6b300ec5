//! The corpus on disk: which files belong to it, reading them safely, and
//! watching the folders for changes.

pub mod watch;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use ignore::WalkBuilder;

/// File extensions that make up a corpus.
pub const EXTENSIONS: &[&str] = &["txt", "md"];

/// Is `path` a corpus file by its name (extension, no hidden component
/// below `root`)?
pub fn is_corpus_path(root: &Path, path: &Path) -> bool {
    let ext_ok = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)));
    if !ext_ok {
        return false;
    }
    is_corpus_dir(root, path)
}

/// Is the folder `dir` part of the corpus under `root` (no hidden component)?
pub fn is_corpus_dir(root: &Path, dir: &Path) -> bool {
    let rel = dir.strip_prefix(root).unwrap_or(dir);
    !rel.components().any(|c| {
        c.as_os_str()
            .to_str()
            .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
    })
}

/// The corpus files under `root`, sorted: `*.txt` and `*.md`, skipping hidden
/// files and folders and whatever `.gitignore` / `.ignore` files exclude.
/// Symbolic links are not followed.
pub fn discover(root: &Path) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .require_git(false)
        .follow_links(false)
        .build()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
        .map(|e| e.into_path())
        .filter(|p| is_corpus_path(root, p))
        .collect();
    out.sort();
    out
}

/// Is `path` excluded by a `.gitignore` / `.ignore` between `root` and it?
pub fn is_ignored(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut dir = root.to_path_buf();
    let mut matchers = Vec::new();
    let comps: Vec<_> = rel.components().collect();
    for (i, c) in comps.iter().enumerate() {
        for name in [".gitignore", ".ignore"] {
            let f = dir.join(name);
            if f.is_file() {
                let mut b = ignore::gitignore::GitignoreBuilder::new(&dir);
                b.add(&f);
                if let Ok(m) = b.build() {
                    matchers.push(m);
                }
            }
        }
        if i + 1 < comps.len() {
            dir.push(c);
        }
    }
    let is_dir = path.is_dir();
    matchers
        .iter()
        .rev()
        .any(|m| m.matched_path_or_any_parents(path, is_dir).is_ignore())
}

/// Is `path` reached through a symbolic link below `root` (a linked folder
/// on the way to it)? Such paths are not part of the corpus: links are not
/// followed, and a linked folder may lead out of the workspace. `path`
/// itself is not looked at (callers use `symlink_metadata` for it).
pub fn is_under_symlink(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    let mut dir = root.to_path_buf();
    let comps: Vec<_> = rel.components().collect();
    for c in comps.iter().take(comps.len().saturating_sub(1)) {
        dir.push(c);
        if std::fs::symlink_metadata(&dir).is_ok_and(|m| m.file_type().is_symlink()) {
            return true;
        }
    }
    false
}

/// Why a file was not read into the corpus.
#[derive(Debug)]
pub enum ReadError {
    /// Not valid UTF-8; `offset` is the first bad byte.
    NotUtf8 {
        offset: usize,
    },
    /// Looks binary (NUL bytes).
    Binary,
    /// Larger than the configured limit.
    TooLarge {
        size: u64,
        limit: u64,
    },
    /// Gone between listing and reading.
    Vanished,
    Io(std::io::Error),
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::NotUtf8 { offset } => {
                write!(
                    f,
                    "not UTF-8 text (invalid byte at offset {offset}); skipped"
                )
            }
            ReadError::Binary => write!(f, "binary file (contains NUL bytes); skipped"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "{size} bytes, over the {limit}-byte limit (raise [limits] max_file_bytes in claimlens.toml); skipped"
            ),
            ReadError::Vanished => write!(f, "file disappeared before it could be read"),
            ReadError::Io(e) => write!(f, "cannot read: {e}"),
        }
    }
}

/// Read a corpus file as text, refusing binary, non-UTF-8 and oversized
/// files. A leading byte-order mark is dropped.
pub fn read_text(path: &Path, max_bytes: u64) -> Result<String, ReadError> {
    let file = std::fs::File::open(path).map_err(io_error)?;
    let meta = file.metadata().map_err(io_error)?;
    if meta.len() > max_bytes {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit: max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // read one byte past the limit so a file that grew is still caught
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > max_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    decode(bytes)
}

/// Turn file bytes into text with the same rules as [`read_text`].
pub fn decode(mut bytes: Vec<u8>) -> Result<String, ReadError> {
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    if bytes.iter().take(8192).any(|&b| b == 0) {
        return Err(ReadError::Binary);
    }
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        if e.as_bytes().contains(&0) {
            ReadError::Binary
        } else {
            ReadError::NotUtf8 { offset }
        }
    })
}

fn io_error(e: std::io::Error) -> ReadError {
    if e.kind() == std::io::ErrorKind::NotFound {
        ReadError::Vanished
    } else {
        ReadError::Io(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discovers_corpus_files_only() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("sub")).unwrap();
        std::fs::create_dir_all(root.join(".hidden")).unwrap();
        std::fs::create_dir_all(root.join("skip")).unwrap();
        for f in [
            "a.txt",
            "b.md",
            "c.rs",
            "sub/d.TXT",
            ".hidden/e.txt",
            ".f.txt",
            "skip/g.txt",
        ] {
            std::fs::write(root.join(f), "x").unwrap();
        }
        std::fs::write(root.join(".gitignore"), "skip/\n").unwrap();
        let found: Vec<String> = discover(root)
            .iter()
            .map(|p| p.strip_prefix(root).unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(found, vec!["a.txt", "b.md", "sub/d.TXT"]);
        assert!(is_ignored(root, &root.join("skip/g.txt")));
        assert!(!is_ignored(root, &root.join("a.txt")));
        assert!(!is_corpus_path(root, &root.join(".hidden/e.txt")));
    }

    #[test]
    fn paths_through_linked_folders_are_recognised() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("real/deep")).unwrap();
        std::fs::create_dir_all(outside.path().join("deep")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.join("link")).unwrap();
        assert!(is_under_symlink(root, &root.join("link/a.txt")));
        assert!(is_under_symlink(root, &root.join("link/deep/a.txt")));
        assert!(is_under_symlink(root, &root.join("link/deep")));
        // the link itself is the caller's business; real folders are fine
        assert!(!is_under_symlink(root, &root.join("link")));
        assert!(!is_under_symlink(root, &root.join("real/deep/a.txt")));
        assert!(!is_under_symlink(root, Path::new("/elsewhere/a.txt")));
    }

    #[test]
    fn read_errors_are_clear() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("bad.txt");
        std::fs::write(&p, b"caf\xe9 au lait").unwrap();
        let e = read_text(&p, 1000).unwrap_err();
        assert!(matches!(e, ReadError::NotUtf8 { offset: 3 }), "{e}");
        std::fs::write(&p, b"PK\x03\x04\x00\x00binary").unwrap();
        assert!(matches!(
            read_text(&p, 1000).unwrap_err(),
            ReadError::Binary
        ));
        std::fs::write(&p, "x".repeat(2000)).unwrap();
        let e = read_text(&p, 1000).unwrap_err();
        assert!(e.to_string().contains("max_file_bytes"), "{e}");
        assert!(matches!(
            read_text(&dir.path().join("gone.txt"), 1000),
            Err(ReadError::Vanished)
        ));
        std::fs::write(&p, "\u{feff}hello").unwrap();
        assert_eq!(read_text(&p, 1000).unwrap(), "hello");
    }
}
