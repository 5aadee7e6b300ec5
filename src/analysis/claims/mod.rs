//! Repeated claims: statements that say the same thing, found through an
//! index over normalised terms and scored with a calibrated similarity.
//!
//! - [`normalize`]: words to terms (stems, stop words, numbers, negation).
//! - [`synonyms`]: WordNet-derived synonym concepts of words.
//! - [`features`]: a statement's terms, word-order pairs and concepts.
//! - [`similarity`]: the score of two statements and the linking thresholds.
//! - [`index`]: the corpus-wide inverted index that finds candidates and
//!   answers links and groups, updated one document at a time.
//! - [`copies`]: statements by fingerprint, which find a statement's
//!   verbatim repeats however common its words.
//!
//! Two statements are linked when their score reaches
//! [`similarity::THRESHOLD`] (higher for clauses), or, at a lower score,
//! when each is the other's best match and they are in different documents
//! or said by the same named speaker. `links` adds one hop through the claim
//! group; `groups` are the connected components.

pub mod copies;
pub mod features;
pub mod index;
pub mod normalize;
pub mod similarity;
pub mod synonyms;
#[cfg(test)]
mod tests;

pub use features::Features;
pub use index::ClaimIndex;

use super::entities::{DocEntities, DocId};
use super::statements::{StatementKind, Statements};
use super::tokens::Token;
use normalize::{TermClass, TermId};

/// One statement as the claim index sees it: a range of its document's
/// terms. Kept small (24 bytes): a corpus holds millions.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatementClaims {
    /// The statement's terms: `DocClaims::terms[start..end]`.
    pub start: u32,
    pub end: u32,
    /// The attributing phrase's terms inside that range, left out.
    pub skip: (u32, u32),
    /// The speaker's last name, lowercase, hashed ("Aleksandr Lukashenko"
    /// and "Lukashenko" agree); 0 when the text names nobody.
    pub speaker: u32,
    /// Number of distinct content terms (saturating).
    pub content: u16,
    pub kind: StatementKind,
}

impl StatementClaims {
    /// Is this a clause cut out of a longer sentence?
    pub fn is_clause(&self) -> bool {
        self.kind == StatementKind::Clause
    }

    /// Is this a top-level statement (a sentence)?
    pub fn is_sentence(&self) -> bool {
        self.kind == StatementKind::Sentence
    }

    /// Can the statement take part in links? Clauses, being short, need
    /// more content terms than sentences and quotes.
    pub fn linkable(&self) -> bool {
        let min = if self.is_clause() {
            similarity::MIN_CLAUSE_TERMS
        } else {
            similarity::MIN_CONTENT_TERMS
        };
        self.content as usize >= min
    }

    /// Do two statements of one document share text?
    pub fn overlaps(&self, other: &StatementClaims) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// Per-document matching data: the document's terms in text order and every
/// statement as a range of them, in statement order (a sentence, then its
/// quotes and clauses).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct DocClaims {
    pub terms: Box<[TermId]>,
    pub classes: Box<[TermClass]>,
    pub statements: Box<[StatementClaims]>,
}

impl DocClaims {
    /// Drop the matching data piece by piece, naming each piece for `t`
    /// ([`crate::analysis::teardown`]).
    pub fn drop_piecewise(self, t: &mut crate::analysis::teardown::Teardown) {
        let DocClaims {
            terms,
            classes,
            statements,
        } = self;
        t.drop("claims: terms (Box<[TermId]>)", terms.len(), terms);
        t.drop(
            "claims: term classes (Box<[TermClass]>)",
            classes.len(),
            classes,
        );
        t.drop(
            "claims: statements' term ranges (Box<[StatementClaims]>)",
            statements.len(),
            statements,
        );
    }
}

impl DocClaims {
    pub fn build(
        text: &str,
        toks: &[Token],
        all: &Statements,
        entities: &DocEntities,
    ) -> DocClaims {
        let dt = features::build(text, toks, all, entities);
        let mut f = Features::default();
        let statements = all
            .iter()
            .zip(&dt.ranges)
            .map(|(s, &((a, b), skip))| {
                let (x, y) = (a as usize, b as usize);
                f.fill(
                    &dt.terms[x..y],
                    &dt.classes[x..y],
                    ((skip.0 - a) as usize, (skip.1 - a) as usize),
                );
                StatementClaims {
                    start: a,
                    end: b,
                    skip,
                    speaker: all.speaker(s).and_then(speaker_key).unwrap_or(0),
                    content: f.content_len().min(u16::MAX as usize) as u16,
                    kind: s.kind,
                }
            })
            .collect();
        DocClaims {
            terms: dt.terms.into(),
            classes: dt.classes.into(),
            statements,
        }
    }

    /// The features of statement `i` (empty when there is none).
    pub fn features(&self, i: usize, out: &mut Features) {
        let Some(s) = self.statements.get(i) else {
            out.terms.clear();
            out.bigrams.clear();
            return;
        };
        let (a, b) = (s.start as usize, s.end as usize);
        let (Some(terms), Some(classes)) = (self.terms.get(a..b), self.classes.get(a..b)) else {
            out.terms.clear();
            out.bigrams.clear();
            return;
        };
        let skip = (
            s.skip.0.saturating_sub(s.start) as usize,
            s.skip.1.saturating_sub(s.start) as usize,
        );
        out.fill(terms, classes, skip);
    }

    /// The sentence a statement belongs to (itself for a sentence).
    pub fn sentence_of(&self, i: usize) -> usize {
        let mut k = i.min(self.statements.len().saturating_sub(1));
        while k > 0 && !self.statements[k].is_sentence() {
            k -= 1;
        }
        k
    }

    /// The statements of the sentence at `i`: itself, then its quotes and
    /// clauses.
    pub fn family(&self, i: usize) -> std::ops::Range<usize> {
        let mut e = i + 1;
        while e < self.statements.len() && !self.statements[e].is_sentence() {
            e += 1;
        }
        i..e.min(self.statements.len()).max(i)
    }
}

/// The key of a speaker: the last word of the name, lowercase. Descriptions
/// ("the Belarusian leader") give none: they cannot be told apart.
fn speaker_key(name: &str) -> Option<u32> {
    if name.starts_with(|c: char| c.is_lowercase()) {
        return None;
    }
    let last = name.split_whitespace().last()?;
    Some(normalize::hash_str(&last.to_lowercase()).max(1))
}

/// A link from one statement to another that makes the same claim.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Link {
    pub doc: DocId,
    pub statement: u32,
    pub score: f32,
}
