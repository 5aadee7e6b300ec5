//! Figures: numbers with their units, qualifiers and what they measure, and
//! the conflicts between figures that measure the same thing.
//!
//! PLACEHOLDER (skeleton): the contract the corpus index uses; extraction
//! and conflict detection are being written.

use std::sync::Arc;

use super::entities::DocId;
use super::span::Span;
use super::statements::Statement;
use super::tokens::Token;

/// A figure in the text.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    pub span: Span,
    /// Lower and upper bound of the value, in the unit's base (tonnes, metres,
    /// days, dollars, percent, ...); equal for an exact figure.
    pub low: f64,
    pub high: f64,
    /// The unit, normalised ("tonne", "km", "day", "USD", "percent", "year").
    pub unit: String,
    /// Index of the statement holding it.
    pub statement: Option<u32>,
}

impl Figure {
    /// The normalised value in words, for hovers.
    pub fn describe(&self) -> String {
        if self.low == self.high {
            format!("{} {}", self.low, self.unit)
        } else {
            format!("between {} and {} {}", self.low, self.high, self.unit)
        }
    }
}

impl Figure {
    /// Text to replace this figure with so that it gives `other`'s value, in
    /// this figure's style.
    pub fn restyle(&self, text: &str, other: &Figure, other_text: &str) -> String {
        let _ = text;
        other.span.of(other_text).to_string()
    }
}

pub fn extract(
    text: &str,
    toks: &[Token],
    sentences: &[Span],
    statements: &[Statement],
) -> Vec<Figure> {
    let _ = (text, toks, sentences, statements);
    Vec::new()
}

/// Do two statements, each as (document, statement index), make the same claim?
pub type SameClaim<'a> = dyn Fn((DocId, u32), (DocId, u32)) -> bool + 'a;

/// A figure that disagrees with figures elsewhere about the same quantity.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// Index into the document's figures.
    pub figure: u32,
    /// The disagreeing figures: (document, index into that document's figures).
    pub others: Vec<(DocId, u32)>,
}

/// Corpus-wide figure index, updated one document at a time.
#[derive(Debug, Default)]
pub struct FigureIndex {
    docs: rustc_hash::FxHashMap<DocId, Arc<Vec<Figure>>>,
}

impl FigureIndex {
    /// Insert or replace a document; returns the other documents whose
    /// conflicts may have changed.
    pub fn update(&mut self, doc: DocId, figures: Arc<Vec<Figure>>) -> Vec<DocId> {
        self.docs.insert(doc, figures);
        Vec::new()
    }

    pub fn remove(&mut self, doc: DocId) -> Vec<DocId> {
        self.docs.remove(&doc);
        Vec::new()
    }

    /// Conflicts of one document's figures. `same_claim(a, b)` tells whether
    /// two statements, as (document, statement index), make the same claim.
    pub fn conflicts(&self, doc: DocId, same_claim: &SameClaim) -> Vec<Conflict> {
        let _ = (doc, same_claim);
        Vec::new()
    }

    /// Other mentions of the same quantity as `doc`'s figure `figure`.
    pub fn same_quantity(
        &self,
        doc: DocId,
        figure: u32,
        same_claim: &SameClaim,
    ) -> Vec<(DocId, u32)> {
        let _ = (doc, figure, same_claim);
        Vec::new()
    }
}
