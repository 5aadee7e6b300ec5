//! People, organisations and places: recognition in one document and alias
//! resolution across the corpus.
//!
//! PLACEHOLDER (skeleton): the types and signatures below are the contract
//! the corpus index uses; the recognizer and resolver are being written.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::span::Span;
use super::tokens::Token;

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
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// The name itself, without honorifics or titles ("Putin" in "Mr Putin").
    pub span: Span,
    /// Index into [`DocEntities::locals`]: which referent of this document.
    pub local: u32,
    pub kind: EntityKind,
}

/// A referent inside one document, with all the names the document uses for it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalEntity {
    /// The fullest name the document gives ("Alexander Lukashenko").
    pub name: String,
    pub kind: Option<EntityKind>,
    /// Every surface form used in this document.
    pub names: Vec<String>,
    /// Roles and titles the text gives ("Belarusian President").
    pub roles: Vec<String>,
}

/// Recognition result for one document.
#[derive(Clone, Debug, Default)]
pub struct DocEntities {
    /// Sorted by span, not overlapping.
    pub mentions: Vec<Mention>,
    pub locals: Vec<LocalEntity>,
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

pub fn recognize(
    text: &str,
    toks: &[Token],
    sentences: &[Span],
    config: &EntityConfig,
) -> DocEntities {
    let _ = (text, toks, sentences, config);
    DocEntities::default()
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
    /// Every mention, ordered by document then position.
    pub mentions: Vec<(DocId, Span)>,
}

/// Corpus-wide alias resolution, updated one document at a time.
#[derive(Debug, Default)]
pub struct EntityIndex {
    docs: rustc_hash::FxHashMap<DocId, Arc<DocEntities>>,
    config: EntityConfig,
}

impl EntityIndex {
    pub fn new(config: EntityConfig) -> EntityIndex {
        EntityIndex {
            docs: Default::default(),
            config,
        }
    }

    pub fn set_config(&mut self, config: EntityConfig) {
        self.config = config;
    }

    /// Insert or replace one document's recognition result.
    pub fn update(&mut self, doc: DocId, ents: Arc<DocEntities>) {
        self.docs.insert(doc, ents);
    }

    pub fn remove(&mut self, doc: DocId) {
        self.docs.remove(&doc);
    }

    /// The accepted mentions of a document with their entity and final kind,
    /// sorted by span.
    pub fn doc_mentions(&self, doc: DocId) -> Vec<(Span, EntityId, EntityKind)> {
        let _ = doc;
        Vec::new()
    }

    /// The mention under `offset` in `doc`.
    pub fn mention_at(&self, doc: DocId, offset: usize) -> Option<(Span, EntityId)> {
        self.doc_mentions(doc)
            .into_iter()
            .find(|(s, _, _)| s.touches(offset))
            .map(|(s, id, _)| (s, id))
    }

    pub fn entity(&self, id: EntityId) -> Option<EntityInfo> {
        let _ = id;
        None
    }

    /// Entities whose canonical name or an alias matches `query` (fuzzy), best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<EntityId> {
        let _ = (query, limit);
        Vec::new()
    }
}
