//! People, organisations and places: recognition in one document and alias
//! resolution across the corpus.
//!
//! - [`lexicon`]: general word classes (titles, head words, gazetteer, given names).
//! - [`names`]: name keys, transliteration, misspellings, acronyms.
//! - [`recognize`]: names in one document, typed, with their roles.
//! - [`locals`]: the document's referents (aliases joined inside one document).
//! - [`resolve`]: [`EntityIndex`], the corpus-wide alias resolution.

pub mod lexicon;
pub mod locals;
pub mod names;
pub mod recognize;
pub mod resolve;
#[cfg(test)]
mod tests;

use serde::{Deserialize, Serialize};

use super::span::Span;
use super::tokens::Token;

pub use resolve::{EntityIndex, Stopped};

pub type DocId = u32;
pub type EntityId = u32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EntityKind {
    Person,
    Organization,
    Place,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Person => "person",
            EntityKind::Organization => "organization",
            EntityKind::Place => "place",
        }
    }
}

/// One occurrence of a name in a document.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Mention {
    /// The name itself, without honorifics or titles ("Putin" in "Mr Putin").
    pub span: Span,
    /// Index into [`DocEntities::locals`]: which referent of this document.
    pub local: u32,
    pub kind: EntityKind,
    /// Capitalised only where capitals are no evidence (sentence or line
    /// start, headline) with nothing in the document confirming it: kept
    /// only when the corpus knows the entity from elsewhere.
    pub weak: bool,
}

/// A referent inside one document, with all the names the document uses for it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
///
/// Its strings and lists are boxed, made at their size: 2.3M referents at
/// 100k generated articles, where `String`s and `Vec`s took 136 bytes of
/// headers a referent and 8 more a name.
pub struct LocalEntity {
    /// The fullest name the document gives ("Alexander Lukashenko").
    pub name: Box<str>,
    pub kind: Option<EntityKind>,
    /// Every surface form used in this document, in order of first use.
    pub names: Box<[Box<str>]>,
    /// How many mentions use each of `names`.
    pub name_counts: Box<[u32]>,
    /// Roles and titles the text gives ("Belarusian President").
    pub roles: Box<[Box<str>]>,
    /// Index into [`EntityConfig::entities`] when declared in `claimlens.toml`.
    pub declared: Option<u32>,
    /// The acronym the document gives for it ("CSTO").
    pub acronym: Option<Box<str>>,
}

/// Recognition result for one document.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct DocEntities {
    /// Sorted by span, not overlapping.
    pub mentions: Vec<Mention>,
    pub locals: Vec<LocalEntity>,
}

impl DocEntities {
    /// Drop the recognition result piece by piece, naming each piece for
    /// `t` ([`crate::analysis::teardown`]).
    pub fn drop_piecewise(self, t: &mut crate::analysis::teardown::Teardown) {
        use std::mem::take;
        let DocEntities {
            mentions,
            mut locals,
        } = self;
        t.drop("mentions: Vec<Mention>", mentions.len(), mentions);
        for l in &mut locals {
            let strings = 1 + l.names.len() + l.roles.len() + usize::from(l.acronym.is_some());
            let owned = (take(&mut l.name), take(&mut l.names), take(&mut l.roles));
            t.drop(
                "local entities: names, roles, acronyms (Box<str>)",
                strings,
                (owned, l.acronym.take()),
            );
            let counts = take(&mut l.name_counts);
            t.drop(
                "local entities: name counts (Box<[u32]>)",
                counts.len(),
                counts,
            );
        }
        t.drop("local entities: Vec<LocalEntity>", locals.len(), locals);
    }
}

/// Entity settings from `claimlens.toml`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EntityConfig {
    pub entities: Vec<DeclaredEntity>,
    /// Names never to report as entities.
    pub exclude: Vec<String>,
}

/// An entity declared in `claimlens.toml`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DeclaredEntity {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: Option<EntityKind>,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub description: Option<String>,
}

/// Find the people, organisations and places of one document.
pub fn recognize(
    text: &str,
    toks: &[Token],
    sentences: &[Span],
    config: &EntityConfig,
) -> DocEntities {
    let _ = sentences;
    let parts = recognize::find_parts(text, toks, config);
    locals::build(parts, config)
}

/// An entity as the corpus knows it.
#[derive(Clone, Debug, Default)]
pub struct EntityInfo {
    pub id: EntityId,
    pub canonical: String,
    pub kind: Option<EntityKind>,
    pub description: Option<String>,
    /// Each alias with how often it occurs.
    pub aliases: Vec<(String, u32)>,
    pub roles: Vec<String>,
    /// Every mention, ordered by document (id) then span, without repeats.
    pub mentions: Vec<(DocId, Span)>,
    /// The articles it is mentioned in, once worked out: set only by
    /// [`crate::analysis::corpus::Corpus::entity_articles`], which answers
    /// from it.
    pub(crate) articles: std::sync::OnceLock<Articles>,
}

/// The articles that mention an entity.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Articles {
    /// How many.
    pub count: usize,
    /// The first in path order, at most as many as were asked for: each
    /// with its number of mentions and its first mention.
    pub first: Vec<(DocId, u32, Span)>,
}
