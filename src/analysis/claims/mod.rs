//! Repeated claims: statements that say the same thing, found through an
//! index over normalised terms and scored with a calibrated similarity.
//!
//! PLACEHOLDER (skeleton): the contract the corpus index uses; the
//! normaliser, index and similarity are being written.

use std::sync::Arc;

use super::entities::{DocEntities, DocId};
use super::statements::Statement;
use super::tokens::Token;

/// Per-document matching features of every statement.
#[derive(Clone, Debug, Default)]
pub struct DocClaims {}

impl DocClaims {
    pub fn build(
        text: &str,
        toks: &[Token],
        statements: &[Statement],
        entities: &DocEntities,
    ) -> DocClaims {
        let _ = (text, toks, statements, entities);
        DocClaims {}
    }
}

/// A link from one statement to another that makes the same claim.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub doc: DocId,
    pub statement: u32,
    pub score: f32,
}

/// Corpus-wide claim index, updated one document at a time.
#[derive(Debug, Default)]
pub struct ClaimIndex {
    docs: rustc_hash::FxHashMap<DocId, Arc<DocClaims>>,
}

impl ClaimIndex {
    /// Insert or replace a document; returns the other documents whose links changed.
    pub fn update(&mut self, doc: DocId, claims: Arc<DocClaims>) -> Vec<DocId> {
        self.docs.insert(doc, claims);
        Vec::new()
    }

    /// Remove a document; returns the other documents whose links changed.
    pub fn remove(&mut self, doc: DocId) -> Vec<DocId> {
        self.docs.remove(&doc);
        Vec::new()
    }

    /// The statements that make the same claim as `doc`'s statement `statement`,
    /// itself excluded, best first.
    pub fn links(&self, doc: DocId, statement: u32) -> Vec<Link> {
        let _ = (doc, statement);
        Vec::new()
    }

    /// Do statements `a` and `b`, each as (document, statement index), make
    /// the same claim (directly linked or in one claim group)?
    pub fn is_linked(&self, a: (DocId, u32), b: (DocId, u32)) -> bool {
        self.links(a.0, a.1)
            .iter()
            .any(|l| (l.doc, l.statement) == b)
    }

    /// All claim groups with at least two members: (doc, statement) lists.
    pub fn groups(&self) -> Vec<Vec<(DocId, u32)>> {
        Vec::new()
    }
}
