//! Symbols: the people and organisations of a document (outline), and any
//! entity of the corpus by any of its names (workspace symbol search).

use tower_lsp_server::ls_types::{
    DocumentSymbol, DocumentSymbolResponse, Location, SymbolInformation, SymbolKind, Uri,
    WorkspaceSymbolResponse,
};

use super::convert;
use super::navigation::defining_mention;
use super::state::View;
use crate::analysis::entities::{EntityId, EntityKind};
use crate::analysis::span::Span;

/// Results a workspace symbol search returns at most.
const MAX_RESULTS: usize = 100;

fn symbol_kind(k: Option<EntityKind>) -> SymbolKind {
    match k {
        Some(EntityKind::Person) => SymbolKind::OBJECT,
        Some(EntityKind::Organization) => SymbolKind::CLASS,
        Some(EntityKind::Place) => SymbolKind::NAMESPACE,
        None => SymbolKind::VARIABLE,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must still be filled in
pub fn document_symbols(view: &View, uri: &Uri) -> Option<DocumentSymbolResponse> {
    let (id, doc) = view.doc(uri)?;
    let mut firsts: Vec<(EntityId, Span, usize)> = Vec::new();
    for (span, eid, kind) in view.corpus.mentions(id) {
        if kind == EntityKind::Place {
            continue;
        }
        match firsts.iter_mut().find(|f| f.0 == eid) {
            Some(f) => f.2 += 1,
            None => firsts.push((eid, span, 1)),
        }
    }
    let symbols = firsts
        .into_iter()
        .filter_map(|(eid, span, count)| {
            let e = view.corpus.entity(eid)?;
            let range = convert::span_to_range(doc, span, view.enc);
            let kind = e.kind.map(|k| k.as_str()).unwrap_or("entity");
            Some(DocumentSymbol {
                name: e.canonical.clone(),
                detail: Some(format!(
                    "{kind}, {count} mention{}",
                    if count == 1 { "" } else { "s" }
                )),
                kind: symbol_kind(e.kind),
                tags: None,
                deprecated: None,
                range,
                selection_range: range,
                children: None,
            })
        })
        .collect();
    Some(DocumentSymbolResponse::Nested(symbols))
}

#[allow(deprecated)]
pub fn workspace_symbols(view: &View, query: &str) -> Option<WorkspaceSymbolResponse> {
    let ids = view.corpus.entity_index().search(query, MAX_RESULTS);
    let out = ids
        .into_iter()
        .filter_map(|eid| {
            let e = view.corpus.entity(eid)?;
            let (d, s) = defining_mention(view, &e)?;
            let doc = view.corpus.doc(d)?;
            Some(SymbolInformation {
                name: e.canonical.clone(),
                kind: symbol_kind(e.kind),
                tags: None,
                deprecated: None,
                location: Location::new(
                    convert::path_to_uri(&doc.path)?,
                    convert::span_to_range(doc, s, view.enc),
                ),
                container_name: e.kind.map(|k| k.as_str().to_string()),
            })
        })
        .collect();
    Some(WorkspaceSymbolResponse::Flat(out))
}
