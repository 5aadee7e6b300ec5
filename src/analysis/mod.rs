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
pub mod teardown;
pub mod text;
pub mod tokens;

pub use span::Span;

use std::sync::Arc;

use config::Config;

/// Everything known about one document on its own. The parts the corpus
/// indexes keep are shared, not copied. Its sentence spans are not kept:
/// statements hold every sentence, and nothing read them after analysis
/// (31 MiB at 100k generated articles).
#[derive(Debug, Default)]
pub struct DocAnalysis {
    pub entities: Arc<entities::DocEntities>,
    pub statements: statements::Statements,
    pub claims: Arc<claims::DocClaims>,
    pub figures: Arc<Vec<figures::Figure>>,
    /// The article's own date when its text gives one.
    pub date: Option<dates::Date>,
}

/// A short text that touches what analysing builds once and keeps (word
/// lists, unit names): see [`warm_up_in_background`]; `claimlens bench
/// memory` analyses it before its baseline.
pub const WARM_UP: &str = "MINSK, 4 August 2020. Belarusian President Alexander \
Lukashenko said on Tuesday that Russia would supply 24 million tonnes of oil, \
almost 2,000 km of pipeline. \"We agreed,\" Mr Lukashenko said.";

/// Build, on a thread of its own, the tables that analysing and comparing
/// otherwise build on first use, whoever is waiting then: the word lists
/// and unit names (an analysis of [`WARM_UP`]) and the synonym table
/// ([`claims::synonyms::load`]). For a caller about to read a corpus. If
/// no thread can be had, each is built on first use as before.
pub fn warm_up_in_background() {
    let _ = std::thread::Builder::new()
        .name("claimlens-warm".into())
        .spawn(|| {
            analyze(WARM_UP, &Config::default());
            claims::synonyms::load();
        });
}

/// Analyse one document. Pure: same text and configuration, same result.
pub fn analyze(text: &str, config: &Config) -> DocAnalysis {
    let mut toks = tokens::tokenize(text);
    let sentences = sentences::split(text, &mut toks);
    let mut entities = entities::recognize(text, &toks, &sentences, &config.entities);
    let mut statements = statements::segment(text, &toks, &sentences);
    let claims = claims::DocClaims::build(text, &toks, &statements, &entities);
    let mut figures = figures::extract(text, &toks, &sentences, &statements);
    let date = dates::article_date_in(text, &toks);
    fit(&mut entities, &mut statements, &mut figures);
    DocAnalysis {
        entities: Arc::new(entities),
        statements,
        claims: Arc::new(claims),
        figures: Arc::new(figures),
        date,
    }
}

impl DocAnalysis {
    /// Drop the analysis piece by piece, naming each piece for `t`
    /// ([`teardown`]). The parts the indexes share are counted here if the
    /// indexes let go of them first; otherwise only their references drop.
    pub fn drop_piecewise(self, t: &mut teardown::Teardown) {
        const ARCS: &str = "analysis headers: Arc<DocEntities>, Arc<DocClaims>, Arc<Vec<Figure>>";
        let DocAnalysis {
            entities,
            statements,
            claims,
            figures,
            date: _,
        } = self;
        if let Some(e) = t.unshare(ARCS, entities) {
            e.drop_piecewise(t);
        }
        statements.drop_piecewise(t);
        if let Some(c) = t.unshare(ARCS, claims) {
            c.drop_piecewise(t);
        }
        if let Some(f) = t.unshare(ARCS, figures) {
            figures::drop_piecewise(f, t);
        }
    }
}

/// Drop the spare capacity the builders leave. An analysis lives as long as
/// its document, and its parts are many small vectors and strings grown by
/// pushing: at 100k generated articles the spare room was a fifth of every
/// analysis, 0.5 GB (a cache hit is decoded without it, so this makes a
/// fresh analysis take what a cached one takes).
fn fit(
    entities: &mut entities::DocEntities,
    statements: &mut statements::Statements,
    figures: &mut Vec<figures::Figure>,
) {
    entities.mentions.shrink_to_fit();
    entities.locals.shrink_to_fit();
    // a referent's own strings and lists are boxed, made at their size
    statements.shrink_to_fit();
    // a figure's own lists and strings are boxed slices, made at their size
    figures.shrink_to_fit();
}
