//! Between protocol and core: URIs and paths, ranges and spans.

use std::path::{Component, Path, PathBuf};
use std::str::FromStr;
use std::sync::Arc;

use serde::{Serialize, Serializer};
use serde_json::value::RawValue;

use tower_lsp_server::ls_types::{Position, Range, Uri};

use crate::analysis::corpus::Document;
use crate::analysis::span::Span;
use crate::analysis::text::{Encoding, LineCol};

/// The key a document is stored under: the file path for `file:` URIs, the
/// URI text itself for others (unsaved buffers).
pub fn uri_to_path(uri: &Uri) -> PathBuf {
    let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
    if is_file && let Some(p) = uri.to_file_path() {
        return normalize(&p);
    }
    PathBuf::from(uri.as_str())
}

pub fn path_to_uri(path: &Path) -> Option<Uri> {
    if path.is_absolute() {
        Uri::from_file_path(path)
    } else {
        Uri::from_str(&path.to_string_lossy()).ok()
    }
}

/// A URI as the JSON string it is written as, escaped once: a document's
/// URI is written into every location that points at it (the related
/// places of findings, the answers to references), thousands of times
/// for a much cited article. Serialises as that string (serde_json, the
/// only serializer these meet, writes a `RawValue` as the JSON it holds).
#[derive(Clone, Debug)]
pub struct JsonUri(Arc<RawValue>);

impl JsonUri {
    pub fn of(uri: &Uri) -> Option<JsonUri> {
        // a URI is a string: cannot fail
        let raw = serde_json::value::to_raw_value(uri).ok()?;
        Some(JsonUri(Arc::from(raw)))
    }

    pub fn of_path(path: &Path) -> Option<JsonUri> {
        JsonUri::of(&path_to_uri(path)?)
    }

    /// The JSON string, quotes included.
    pub fn json(&self) -> &str {
        self.0.get()
    }
}

impl Serialize for JsonUri {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_ref().serialize(s)
    }
}

/// Remove `.` and resolve `..` lexically, without touching the disk.
pub fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

pub fn position_to_offset(doc: &Document, pos: Position, enc: Encoding) -> usize {
    doc.lines.offset(
        &doc.text,
        LineCol {
            line: pos.line,
            col: pos.character,
        },
        enc,
    )
}

pub fn offset_to_position(doc: &Document, offset: usize, enc: Encoding) -> Position {
    let lc = doc.lines.position(offset, enc);
    Position::new(lc.line, lc.col)
}

pub fn span_to_range(doc: &Document, span: Span, enc: Encoding) -> Range {
    let (a, b) = doc.lines.span(span.start as usize, span.end as usize, enc);
    Range::new(Position::new(a.line, a.col), Position::new(b.line, b.col))
}

pub fn range_to_span(doc: &Document, range: Range, enc: Encoding) -> Span {
    let a = position_to_offset(doc, range.start, enc);
    let b = position_to_offset(doc, range.end, enc);
    Span::new(a.min(b), a.max(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_and_paths_round_trip() {
        let uri = Uri::from_str("file:///tmp/corpus%20one/a%C3%A9.txt").unwrap();
        let p = uri_to_path(&uri);
        assert_eq!(p, PathBuf::from("/tmp/corpus one/aé.txt"));
        assert_eq!(uri_to_path(&path_to_uri(&p).unwrap()), p);
        let untitled = Uri::from_str("untitled:Untitled-1").unwrap();
        let k = uri_to_path(&untitled);
        assert_eq!(path_to_uri(&k).unwrap().as_str(), "untitled:Untitled-1");
        assert_eq!(normalize(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
    }
}
