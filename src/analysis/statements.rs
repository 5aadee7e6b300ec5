//! Statements: sentences, quoted clauses inside them, and speaker turns in
//! transcripts, each with its speaker when the text names one.
//!
//! PLACEHOLDER (skeleton): one statement per sentence; the segmenter is
//! being written.

use super::span::Span;
use super::tokens::Token;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementKind {
    /// A whole sentence of narration or speech.
    Sentence,
    /// A quoted clause inside a sentence.
    Quote,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub span: Span,
    pub kind: StatementKind,
    /// Who says it, when the text tells (transcript turn, "X said").
    pub speaker: Option<String>,
    /// Index of the enclosing statement (a quote's sentence).
    pub parent: Option<u32>,
}

pub fn segment(text: &str, toks: &[Token], sentences: &[Span]) -> Vec<Statement> {
    let _ = (text, toks);
    sentences
        .iter()
        .map(|&span| Statement {
            span,
            kind: StatementKind::Sentence,
            speaker: None,
            parent: None,
        })
        .collect()
}
