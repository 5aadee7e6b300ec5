//! Going places: definition, references and highlights, for entity
//! mentions and for repeated statements.

use tower_lsp_server::ls_types::{
    DocumentHighlight, DocumentHighlightKind, GotoDefinitionResponse, Location, Position, Range,
    Uri,
};

use super::convert::{self, JsonUri};
use super::state::View;
use crate::analysis::corpus::{Document, StatementRef};
use crate::analysis::entities::{DocId, EntityInfo};
use crate::analysis::span::Span;

fn location(view: &View, doc: DocId, span: Span) -> Option<Location> {
    let d = view.corpus.doc(doc)?;
    Some(Location::new(
        convert::path_to_uri(&d.path)?,
        convert::span_to_range(d, span, view.enc),
    ))
}

fn statement_location(view: &View, r: StatementRef) -> Option<Location> {
    location(view, r.doc, view.corpus.statement(r)?.span)
}

fn cursor(view: &View, uri: &Uri, pos: Position) -> Option<(DocId, usize)> {
    let (id, doc): (DocId, &Document) = view.doc(uri)?;
    Some((id, convert::position_to_offset(doc, pos, view.enc)))
}

/// The mention that best introduces an entity: its fullest form (longest
/// text), first in corpus order.
pub fn defining_mention(view: &View, e: &EntityInfo) -> Option<(DocId, Span)> {
    e.mentions
        .iter()
        .filter_map(|&(d, s)| {
            let doc = view.corpus.doc(d)?;
            let len = s.of(&doc.text).chars().count();
            Some((
                (std::cmp::Reverse(len), doc.path.as_path(), s.start),
                (d, s),
            ))
        })
        .min_by(|a, b| a.0.cmp(&b.0))
        .map(|(_, m)| m)
}

pub fn definition(view: &View, uri: &Uri, pos: Position) -> Option<GotoDefinitionResponse> {
    let (id, offset) = cursor(view, uri, pos)?;
    if let Some((_, eid)) = view.corpus.entity_at(id, offset) {
        let e = view.corpus.entity(eid)?;
        let (d, s) = defining_mention(view, &e)?;
        return Some(GotoDefinitionResponse::Scalar(location(view, d, s)?));
    }
    let (_, others) = view.corpus.claim_at(id, offset)?;
    let locs: Vec<Location> = others
        .iter()
        .filter_map(|r| statement_location(view, *r))
        .collect();
    (!locs.is_empty()).then_some(GotoDefinitionResponse::Array(locs))
}

/// A list of locations as consecutive runs in one document: each
/// document's URI is kept, and written as JSON, once.
#[derive(Debug, Default)]
pub struct Locations {
    runs: Vec<(Uri, Vec<Range>)>,
}

impl Locations {
    pub fn push(&mut self, uri: &Uri, range: Range) {
        match self.runs.last_mut() {
            Some((u, ranges)) if u == uri => ranges.push(range),
            _ => self.runs.push((uri.clone(), vec![range])),
        }
    }

    pub fn len(&self) -> usize {
        self.runs.iter().map(|r| r.1.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.iter().all(|r| r.1.is_empty())
    }

    pub fn into_vec(self) -> Vec<Location> {
        let mut out = Vec::with_capacity(self.len());
        for (uri, ranges) in self.runs {
            out.extend(ranges.into_iter().map(|r| Location::new(uri.clone(), r)));
        }
        out
    }

    /// The list as JSON, the `Location[]` it stands for, its length known
    /// before it is written; `None` if a URI cannot be written as JSON.
    /// For a long list writing is what
    /// references spends most of its time on: at 10k generated articles a
    /// common name has 30,000 mentions, 6 MB of JSON, and serde's writer,
    /// escaping every field name and growing its buffer by doubling (each
    /// step a copy into fresh pages), took as long as finding them.
    pub fn json(&self) -> Option<LocationsJson<'_>> {
        let uris = self
            .runs
            .iter()
            .map(|(u, _)| JsonUri::of(u))
            .collect::<Option<Vec<JsonUri>>>()?;
        let digits = |n: u32| n.checked_ilog10().map_or(1, |d| d as usize + 1);
        let mut len = 2 + self.len().saturating_sub(1);
        for (uri, (_, ranges)) in uris.iter().zip(&self.runs) {
            for r in ranges {
                len += LOCATION_FIXED + uri.json().len();
                for n in [r.start.line, r.start.character, r.end.line, r.end.character] {
                    len += digits(n);
                }
            }
        }
        Some(LocationsJson {
            locations: self,
            uris,
            len,
        })
    }
}

/// [`Locations`] about to be written as JSON.
pub struct LocationsJson<'a> {
    locations: &'a Locations,
    /// Each run's URI as JSON.
    uris: Vec<JsonUri>,
    len: usize,
}

impl LocationsJson<'_> {
    /// The number of bytes [`LocationsJson::write`] appends.
    pub fn bytes(&self) -> usize {
        self.len
    }

    /// Append the JSON to `out`.
    pub fn write(&self, out: &mut Vec<u8>) {
        out.reserve(self.len);
        let mut numbers = itoa::Buffer::new();
        out.push(b'[');
        let mut first = true;
        for (uri, (_, ranges)) in self.uris.iter().zip(&self.locations.runs) {
            for r in ranges {
                if !first {
                    out.push(b',');
                }
                first = false;
                let parts = [
                    (&b"{\"uri\":"[..], None),
                    (uri.json().as_bytes(), None),
                    (b",\"range\":{\"start\":{\"line\":", Some(r.start.line)),
                    (b",\"character\":", Some(r.start.character)),
                    (b"},\"end\":{\"line\":", Some(r.end.line)),
                    (b",\"character\":", Some(r.end.character)),
                ];
                for (text, n) in parts {
                    out.extend_from_slice(text);
                    if let Some(n) = n {
                        out.extend_from_slice(numbers.format(n).as_bytes());
                    }
                }
                out.extend_from_slice(b"}}}");
            }
        }
        out.push(b']');
    }
}

/// The bytes of one location in [`LocationsJson::write`] besides its URI
/// and its four numbers.
const LOCATION_FIXED: usize =
    r#"{"uri":,"range":{"start":{"line":,"character":},"end":{"line":,"character":}}}"#.len();

pub fn references(
    view: &View,
    uri: &Uri,
    pos: Position,
    include_declaration: bool,
) -> Option<Locations> {
    let (id, offset) = cursor(view, uri, pos)?;
    let mut locs = Locations::default();
    if let Some((_, eid)) = view.corpus.entity_at(id, offset) {
        let e = view.corpus.entity(eid)?;
        // the fullest mention is sought only when it is to be left out
        let decl = if include_declaration {
            None
        } else {
            defining_mention(view, &e)
        };
        // an order that depends on the files only (by URI, then position),
        // not on document ids (the order files arrived in); mentions are
        // sorted by document and offset, so each document's URI is made
        // once and its mentions are already in order
        type Mentions<'a> = &'a [(DocId, Span)];
        let mut by_doc: Vec<(Uri, &Document, Mentions)> = e
            .mentions
            .chunk_by(|a, b| a.0 == b.0)
            .filter_map(|ms| {
                let d = view.corpus.doc(ms[0].0)?;
                Some((convert::path_to_uri(&d.path)?, d, ms))
            })
            .collect();
        by_doc.sort_by(|a, b| a.0.as_str().cmp(b.0.as_str()));
        for (uri, d, ms) in by_doc {
            for &m in ms {
                if Some(m) != decl {
                    locs.push(&uri, convert::span_to_range(d, m.1, view.enc));
                }
            }
        }
        return Some(locs);
    }
    let (here, others) = view.corpus.claim_at(id, offset)?;
    for r in std::iter::once(here).chain(others) {
        if let Some(l) = statement_location(view, r) {
            locs.push(&l.uri, l.range);
        }
    }
    Some(locs)
}

pub fn highlights(view: &View, uri: &Uri, pos: Position) -> Option<Vec<DocumentHighlight>> {
    let (id, offset) = cursor(view, uri, pos)?;
    let doc = view.corpus.doc(id)?;
    let spans: Vec<Span> = if let Some((_, eid)) = view.corpus.entity_at(id, offset) {
        view.corpus
            .mentions(id)
            .into_iter()
            .filter(|m| m.1 == eid)
            .map(|m| m.0)
            .collect()
    } else {
        let (here, others) = view.corpus.claim_at(id, offset)?;
        std::iter::once(here)
            .chain(others)
            .filter(|r| r.doc == id)
            .filter_map(|r| Some(view.corpus.statement(r)?.span))
            .collect()
    };
    Some(
        spans
            .into_iter()
            .map(|s| DocumentHighlight {
                range: convert::span_to_range(doc, s, view.enc),
                kind: Some(DocumentHighlightKind::TEXT),
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn locations_are_written_as_the_list_they_stand_for() {
        let a = Uri::from_str("file:///tmp/corpus%20one/a%C3%A9%22.txt").unwrap();
        let b = Uri::from_str("file:///tmp/b.txt").unwrap();
        let r = |l: u32, c: u32| Range::new(Position::new(l, c), Position::new(l, c + 3));
        let mut locs = Locations::default();
        let far = Range::new(
            Position::new(99_999, 4_294_967_292),
            Position::new(100_000, 0),
        );
        for (u, range) in [
            (&a, r(0, 1)),
            (&a, r(2, 0)),
            (&b, r(1, 1)),
            (&a, r(5, 5)),
            (&b, far),
        ] {
            locs.push(u, range);
        }
        assert_eq!(locs.len(), 5);
        let json = locs.json().unwrap();
        let bytes = json.bytes();
        let mut written = b"x".to_vec();
        json.write(&mut written);
        let list = locs.into_vec();
        assert_eq!(list.len(), 5);
        // what serde writes for the protocol's own list
        let text = serde_json::to_string(&list).unwrap();
        assert_eq!(bytes, text.len());
        assert_eq!(written, [&b"x"[..], text.as_bytes()].concat());
        let empty = Locations::default();
        assert!(empty.is_empty());
        let mut written = Vec::new();
        let json = empty.json().unwrap();
        assert_eq!(json.bytes(), 2);
        json.write(&mut written);
        assert_eq!(written, b"[]");
    }
}
