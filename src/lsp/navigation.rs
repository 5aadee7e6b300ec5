//! Going places: definition, references and highlights, for entity
//! mentions and for repeated statements.

use tower_lsp_server::ls_types::{
    DocumentHighlight, DocumentHighlightKind, GotoDefinitionResponse, Location, Position, Uri,
};

use super::convert;
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

pub fn references(
    view: &View,
    uri: &Uri,
    pos: Position,
    include_declaration: bool,
) -> Option<Vec<Location>> {
    let (id, offset) = cursor(view, uri, pos)?;
    if let Some((_, eid)) = view.corpus.entity_at(id, offset) {
        let e = view.corpus.entity(eid)?;
        let decl = defining_mention(view, &e);
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
        let mut locs = Vec::with_capacity(e.mentions.len());
        for (uri, d, ms) in by_doc {
            for &m in ms {
                if include_declaration || Some(m) != decl {
                    locs.push(Location::new(
                        uri.clone(),
                        convert::span_to_range(d, m.1, view.enc),
                    ));
                }
            }
        }
        return Some(locs);
    }
    let (here, others) = view.corpus.claim_at(id, offset)?;
    let mut all = vec![here];
    all.extend(others);
    Some(
        all.iter()
            .filter_map(|r| statement_location(view, *r))
            .collect(),
    )
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
