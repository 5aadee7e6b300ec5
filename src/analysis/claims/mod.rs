//! Repeated claims: statements that say the same thing, found through an
//! index over normalised terms and scored with a calibrated similarity.
//!
//! - [`normalize`]: words to terms (stems, stop words, numbers, negation).
//! - [`synonyms`]: WordNet-derived synonym concepts of words.
//! - [`features`]: a statement's terms, word-order pairs and concepts.
//! - [`similarity`]: the score of two statements and the linking thresholds.
//! - [`index`]: the corpus-wide inverted index that finds candidates and
//!   answers links and groups, updated one document at a time.
//!
//! Two statements are linked when their score reaches
//! [`similarity::THRESHOLD`] (higher for clauses), or, at a lower score,
//! when each is the other's best match and they are in different documents
//! or said by the same named speaker. `links` adds one hop through the claim
//! group; `groups` are the connected components.

pub mod features;
pub mod index;
pub mod normalize;
pub mod similarity;
pub mod synonyms;
#[cfg(test)]
mod tests;

use std::sync::Arc;

pub use features::Features;
pub use index::ClaimIndex;

use super::entities::{DocEntities, DocId};
use super::span::Span;
use super::statements::{Statement, StatementKind};
use super::tokens::Token;

/// One statement as the claim index sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct StatementClaims {
    pub span: Span,
    /// The enclosing statement, as in [`Statement::parent`].
    pub parent: Option<u32>,
    pub kind: StatementKind,
    /// The speaker's last name, lowercase, hashed ("Aleksandr Lukashenko"
    /// and "Lukashenko" agree).
    pub speaker: Option<u64>,
    pub features: Features,
}

impl StatementClaims {
    /// Is this a clause cut out of a longer sentence?
    pub fn is_clause(&self) -> bool {
        self.kind == StatementKind::Clause
    }

    /// Can the statement take part in links? Clauses, being short, need
    /// more content terms than sentences and quotes.
    pub fn linkable(&self) -> bool {
        let min = if self.is_clause() {
            similarity::MIN_CLAUSE_TERMS
        } else {
            similarity::MIN_CONTENT_TERMS
        };
        self.features.content_len() >= min
    }
}

/// Per-document matching features of every statement, in statement order.
/// Cheap to clone.
#[derive(Clone, Debug, Default)]
pub struct DocClaims {
    pub statements: Arc<[StatementClaims]>,
}

impl DocClaims {
    pub fn build(
        text: &str,
        toks: &[Token],
        statements: &[Statement],
        entities: &DocEntities,
    ) -> DocClaims {
        let feats = features::build(text, toks, statements, entities);
        DocClaims {
            statements: statements
                .iter()
                .zip(feats)
                .map(|(s, features)| StatementClaims {
                    span: s.span,
                    parent: s.parent,
                    kind: s.kind,
                    speaker: s.speaker.as_deref().and_then(speaker_key),
                    features,
                })
                .collect(),
        }
    }
}

/// The key of a speaker: the last word of the name, lowercase. Descriptions
/// ("the Belarusian leader") give none: they cannot be told apart.
fn speaker_key(name: &str) -> Option<u64> {
    if name.starts_with(|c: char| c.is_lowercase()) {
        return None;
    }
    let last = name.split_whitespace().last()?;
    Some(normalize::hash_str(&last.to_lowercase()))
}

/// A link from one statement to another that makes the same claim.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub doc: DocId,
    pub statement: u32,
    pub score: f32,
}
