//! The analysis core: text in, entities, statements, claims and figures out,
//! and the corpus index that joins documents. Nothing here knows about LSP;
//! the `lsp` and `cli` layers are thin views over this module.
//!
//! Per document, [`analyze`] is a pure function of the text (and the
//! project configuration), so documents are analysed in parallel and an edit
//! re-analyses only its own document. Corpus-level results (entity clusters,
//! claim groups, figure conflicts) live in [`corpus::Corpus`], which updates
//! them incrementally from per-document results.

pub mod claims;
pub mod config;
pub mod corpus;
pub mod dates;
pub mod entities;
pub mod figures;
pub mod sentences;
pub mod span;
pub mod statements;
pub mod text;
pub mod tokens;

pub use span::Span;

use std::sync::Arc;

use config::Config;

/// Everything known about one document on its own. The parts the corpus
/// indexes keep are shared, not copied.
#[derive(Debug, Default)]
pub struct DocAnalysis {
    pub sentences: Vec<Span>,
    pub entities: Arc<entities::DocEntities>,
    pub statements: Vec<statements::Statement>,
    pub claims: Arc<claims::DocClaims>,
    pub figures: Arc<Vec<figures::Figure>>,
    /// The article's own date when its text gives one.
    pub date: Option<dates::Date>,
}

/// Analyse one document. Pure: same text and configuration, same result.
pub fn analyze(text: &str, config: &Config) -> DocAnalysis {
    let mut toks = tokens::tokenize(text);
    let sentences = sentences::split(text, &mut toks);
    let entities = entities::recognize(text, &toks, &sentences, &config.entities);
    let statements = statements::segment(text, &toks, &sentences);
    let claims = claims::DocClaims::build(text, &toks, &statements, &entities);
    let figures = figures::extract(text, &toks, &sentences, &statements);
    let date = dates::article_date(text);
    DocAnalysis {
        sentences,
        entities: Arc::new(entities),
        statements,
        claims: Arc::new(claims),
        figures: Arc::new(figures),
        date,
    }
}
