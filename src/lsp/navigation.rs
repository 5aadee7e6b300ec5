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
        let mut locs: Vec<Location> = e
            .mentions
            .iter()
            .filter(|&&m| include_declaration || Some(m) != decl)
            .filter_map(|&(d, s)| location(view, d, s))
            .collect();
        // mentions are kept in document-id order, which is the order the
        // files arrived in: answer in an order that depends on the files
        // only (by URI, then position)
        locs.sort_by(|a, b| {
            (a.uri.as_str(), a.range.start.line, a.range.start.character).cmp(&(
                b.uri.as_str(),
                b.range.start.line,
                b.range.start.character,
            ))
        });
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
