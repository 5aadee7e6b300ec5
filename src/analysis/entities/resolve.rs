//! Corpus-wide alias resolution: which document referents are one entity.
//!
//! Every referent is filed in a few buckets under normalised keys (its
//! surname, its given name, its organisation or place name, its acronym).
//! A bucket keeps running totals (mentions, given names with their weight,
//! acronyms, type votes), so resolving a referent reads a handful of
//! buckets, and adding or removing a document touches only the buckets of
//! its own referents. Each document's resolved mentions are cached with the
//! versions of the buckets they were read from; a request revalidates them
//! in time proportional to the document's own referents.
//!
//! Resolution rules, entity-centred:
//! - a person is (surname family, given name): one surname written several
//!   ways (transliterations, a one-letter slip) is one family; two given
//!   names in one family are two people; a surname alone goes to the
//!   family's most mentioned person; a first name with a patronymic goes to
//!   the most mentioned person of that first name;
//! - an organisation is its acronym when one is known for it (written after
//!   it, or its initials are used as an acronym somewhere), else its name;
//! - a place is its name; an untyped single word joins the person, place or
//!   organisation written the same way elsewhere, or stays unreported;
//! - names declared in `claimlens.toml` outrank all of it.

use std::sync::Arc;
use std::time::Duration;

use parking_lot::{Condvar, Mutex};
use rustc_hash::{FxHashMap, FxHashSet};

use super::names;
use super::{DocEntities, DocId, EntityConfig, EntityId, EntityInfo, EntityKind, LocalEntity};
use crate::analysis::span::Span;

type Member = (DocId, u32);

#[derive(Debug, Default)]
struct Bucket {
    /// Referent -> its number of mentions.
    members: FxHashMap<Member, u32>,
    weight: u32,
    /// Given-name key -> weight (person buckets).
    firsts: FxHashMap<String, u32>,
    /// Surname key -> weight of people with a given name (given-name buckets).
    surnames: FxHashMap<String, u32>,
    /// Acronym -> weight, from referents that are or carry an acronym.
    acronyms: FxHashMap<String, u32>,
    /// Strong-mention kind votes: person, organisation, place.
    kinds: [u32; 3],
    version: u64,
}

/// What a referent is filed under, computed once when its document arrives.
/// Everything its resolution reads, and nothing else: equal keys resolve
/// alike, so a description resolves each distinct keys once.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
struct Keys {
    kind: Option<EntityKind>,
    declared: Option<u32>,
    /// Translit key of the surname (people with a full name or a single word).
    surname: Option<String>,
    /// Translit key of the given name.
    first: Option<String>,
    /// First name with patronymic and no surname.
    patronymic: bool,
    /// org_key of the fullest name.
    name: String,
    /// Acronym the referent is or carries.
    acronym: Option<String>,
    /// Initials of its fullest name (organisations).
    initials: Option<String>,
    /// A single word of unknown type.
    single: bool,
    /// Every mention is weak.
    weak: bool,
}

/// Members a thread gathers, at the least, when describing an entity
/// ([`EntityIndex::entity`]) on several.
const MEMBERS_PER_THREAD: usize = 2048;

/// A description given up because its caller asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stopped;

/// A description and the buckets it was read from; `None` for an entity
/// that is not there.
type Description = Result<Option<(EntityInfo, Vec<String>)>, Stopped>;

/// Documents gathered between two questions to `stop`: at 100k
/// generated articles the most named place is in most documents, and its
/// description took 200 ms while an edit waited.
const STOP_EVERY: usize = 64;

/// What a share of an entity's members contributes to its description.
/// Answers must not depend on the order documents arrived in (their ids):
/// ties between forms are broken by the text, never by which was seen
/// first, so shares merge in any order.
#[derive(Default)]
struct Gathered<'a> {
    found: bool,
    /// Given up on being asked to stop: the rest is partial.
    stopped: bool,
    kinds: [u32; 3],
    mentions: Vec<(DocId, Span)>,
    /// Surface form -> how often.
    forms: FxHashMap<&'a str, u32>,
    /// Role (lowercased) -> spelling -> how often.
    roles: FxHashMap<String, FxHashMap<&'a str, u32>>,
    /// Buckets the members' resolutions read.
    read: Vec<String>,
}

impl<'a> Gathered<'a> {
    fn merge(&mut self, o: Gathered<'a>) {
        self.found |= o.found;
        self.stopped |= o.stopped;
        for (k, n) in self.kinds.iter_mut().zip(o.kinds) {
            *k += n;
        }
        self.mentions.extend(o.mentions);
        for (f, n) in o.forms {
            *self.forms.entry(f).or_default() += n;
        }
        for (role, spellings) in o.roles {
            let mine = self.roles.entry(role).or_default();
            for (sp, n) in spellings {
                *mine.entry(sp).or_default() += n;
            }
        }
        self.read.extend(o.read);
    }
}

/// The most mentions the kept descriptions hold together (12 bytes each):
/// beyond it the least recently asked are dropped. At 100k generated
/// articles the most named place alone has 390k.
const KEPT_MENTIONS: usize = 4_000_000;

/// How often a caller waiting for someone else's description of the same
/// entity asks its `stop` (the wait ends as soon as that description is
/// kept or given up).
const MAKING_WAIT: Duration = Duration::from_millis(5);

/// Entity descriptions already made, each with the versions of the
/// buckets it was made from: a description stands until one of them
/// changes, so an edit elsewhere in the corpus keeps it.
#[derive(Debug, Default)]
struct Descriptions {
    kept: FxHashMap<EntityId, Described>,
    /// Ticks once per request, to find the least recently asked.
    tick: u64,
    /// Mentions held by `kept`.
    mentions: usize,
    /// Entities being described right now: whoever asks for one of them
    /// meanwhile waits for that description instead of making it again
    /// (see [`EntityIndex::entity_unless`]).
    making: FxHashSet<EntityId>,
}

#[derive(Debug)]
struct Described {
    stamps: Vec<(String, u64)>,
    info: Arc<EntityInfo>,
    asked: u64,
}

impl Descriptions {
    fn keep(&mut self, id: EntityId, stamps: Vec<(String, u64)>, info: Arc<EntityInfo>) {
        self.tick += 1;
        self.mentions += info.mentions.len();
        if let Some(old) = self.kept.insert(
            id,
            Described {
                stamps,
                info,
                asked: self.tick,
            },
        ) {
            self.mentions -= old.info.mentions.len();
        }
        if self.mentions > KEPT_MENTIONS {
            let mut by_age: Vec<(u64, EntityId)> =
                self.kept.iter().map(|(&id, d)| (d.asked, id)).collect();
            by_age.sort_unstable();
            for (_, old) in by_age {
                if self.mentions <= KEPT_MENTIONS / 2 || old == id {
                    break;
                }
                if let Some(d) = self.kept.remove(&old) {
                    self.mentions -= d.info.mentions.len();
                }
            }
        }
    }
}

impl Keys {
    fn buckets(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(d) = self.declared {
            out.push(format!("d:{d}"));
        }
        if let Some(s) = &self.surname {
            out.push(format!("s:{s}"));
        }
        if let Some(f) = &self.first {
            if self.patronymic {
                // first name + patronymic: filed apart, so that people's
                // entities do not read every namesake
                out.push(format!("pg:{f}"));
            } else if self.surname.is_some() {
                out.push(format!("g:{f}"));
            }
        }
        if !self.name.is_empty() {
            out.push(format!("n:{}", self.name));
            if self.kind == Some(EntityKind::Organization)
                && let Some((head, _)) = self.name.split_once(" of ")
                && head.contains(' ')
            {
                out.push(format!("h:{head}"));
            }
        }
        if let Some(a) = &self.acronym {
            out.push(format!("a:{a}"));
        }
        if let Some(i) = &self.initials
            && self.acronym.as_deref() != Some(i.as_str())
        {
            out.push(format!("a:{i}"));
        }
        out.sort();
        out.dedup();
        out
    }
}

/// A document's recognition result with where its referents are filed,
/// worked out from the document alone (so for many documents in parallel,
/// before the index is locked): each referent's keys, weight and hash,
/// its buckets and its names as searched.
#[derive(Debug)]
pub struct DocKeys {
    ents: Arc<DocEntities>,
    referents: Vec<Referent>,
    buckets: Vec<Vec<String>>,
    aliases: Vec<Vec<String>>,
}

impl DocKeys {
    pub fn new(ents: Arc<DocEntities>) -> DocKeys {
        let mut weights = vec![0u32; ents.locals.len()];
        let mut strong = vec![false; ents.locals.len()];
        for m in &ents.mentions {
            if let Some(w) = weights.get_mut(m.local as usize) {
                *w += 1;
            }
            if !m.weak
                && let Some(s) = strong.get_mut(m.local as usize)
            {
                *s = true;
            }
        }
        let referents: Vec<Referent> = ents
            .locals
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let keys = keys_of(l, !strong[i]);
                Referent {
                    hash: std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, &keys),
                    keys: Arc::new(keys),
                    weight: weights[i],
                }
            })
            .collect();
        // referents without mentions are not filed
        let (buckets, aliases) = referents
            .iter()
            .zip(&ents.locals)
            .map(|(r, l)| match r.weight {
                0 => (Vec::new(), Vec::new()),
                _ => (
                    r.keys.buckets(),
                    l.names.iter().map(|n| search_key(n)).collect(),
                ),
            })
            .unzip();
        DocKeys {
            ents,
            referents,
            buckets,
            aliases,
        }
    }
}

fn keys_of(l: &LocalEntity, weak: bool) -> Keys {
    let mut k = Keys {
        kind: l.kind,
        declared: l.declared,
        weak,
        name: names::org_key(&l.name),
        acronym: l.acronym.as_deref().map(str::to_string),
        ..Keys::default()
    };
    let words: Vec<&str> = l
        .name
        .split_whitespace()
        .filter(|w| !(w.len() <= 2 && w.ends_with('.')))
        .collect();
    match l.kind {
        Some(EntityKind::Person) if l.declared.is_none() => {
            if words.len() == 2 && names::is_patronymic(words[1]) {
                k.first = Some(names::translit_key(words[0]));
                k.patronymic = true;
            } else if let Some(last) = words.last() {
                k.surname = Some(names::translit_key(last));
                if words.len() >= 2 {
                    k.first = Some(names::translit_key(words[0]));
                }
            }
        }
        Some(EntityKind::Organization) | Some(EntityKind::Place) => {
            if words.len() == 1 && is_acronym(words[0]) {
                k.acronym = Some(names::acronym_letters(words[0]));
            } else if words.len() >= 2 {
                let ini = names::initials(&words);
                if ini.len() >= 2 {
                    k.initials = Some(ini);
                }
            }
        }
        _ => {
            if words.len() == 1 {
                k.single = true;
                k.surname = Some(names::translit_key(words[0]));
                if is_acronym(words[0]) {
                    k.acronym = Some(names::acronym_letters(words[0]));
                }
            }
        }
    }
    k
}

fn is_acronym(w: &str) -> bool {
    names::is_acronym(w)
}

#[derive(Debug)]
struct DocEntry {
    ents: Arc<DocEntities>,
    referents: Vec<Referent>,
    cache: Mutex<Option<Cached>>,
}

/// One referent as filed: its keys, its weight (number of mentions) and
/// the hash of its keys, computed before the index is locked. Equal keys
/// are shared once filed ([`KeysTable`]).
#[derive(Debug)]
struct Referent {
    keys: Arc<Keys>,
    weight: u32,
    hash: u64,
}

/// Every distinct [`Keys`] of the filed referents, once. Thousands of
/// documents file one person under equal keys: at 100k generated articles,
/// 2.34M referents had 38k distinct keys, and each referent's own copy
/// (152 bytes and up to five strings) was 0.4 GB of the index. Entries no
/// referent uses any more are dropped once the table has doubled since.
#[derive(Debug, Default)]
struct KeysTable {
    set: FxHashSet<SameKeys<Arc<Keys>>>,
    /// Entries kept at the last sweep.
    swept: usize,
}

impl KeysTable {
    /// The shared copy of `keys` (hashed `hash`), which is filed if new.
    fn share(&mut self, hash: u64, keys: Arc<Keys>) -> Arc<Keys> {
        let filed = SameKeys(hash, keys);
        if let Some(f) = self.set.get(&filed) {
            return f.1.clone();
        }
        let shared = filed.1.clone();
        self.set.insert(filed);
        if self.set.len() > 2 * self.swept.max(1024) {
            // kept only by the table: no referent files them any more
            self.set.retain(|f| Arc::strong_count(&f.1) > 1);
            self.swept = self.set.len();
        }
        shared
    }
}

/// Keys (owned or borrowed) compared by value but hashed by the hash
/// their referent carries: thousands of documents file one person under
/// equal keys; the index keeps each distinct keys once ([`KeysTable`]),
/// and a description resolves each once, neither rehashing them.
#[derive(Debug)]
struct SameKeys<K>(u64, K);

impl<K: std::ops::Deref<Target = Keys>> PartialEq for SameKeys<K> {
    fn eq(&self, other: &Self) -> bool {
        // shared keys are one copy: equal without reading them
        self.0 == other.0 && (std::ptr::eq(&*self.1, &*other.1) || *self.1 == *other.1)
    }
}

impl<K: std::ops::Deref<Target = Keys>> Eq for SameKeys<K> {}

impl<K> std::hash::Hash for SameKeys<K> {
    fn hash<H: std::hash::Hasher>(&self, h: &mut H) {
        h.write_u64(self.0);
    }
}

#[derive(Debug, Clone)]
struct Cached {
    stamps: Vec<(String, u64)>,
    mentions: Arc<Vec<(Span, EntityId, EntityKind)>>,
}

/// Entity keys <-> ids. Ids are stable for the life of the index.
#[derive(Debug, Default)]
struct Interner {
    ids: FxHashMap<String, EntityId>,
    keys: Vec<String>,
}

impl Interner {
    fn id(&mut self, key: &str) -> EntityId {
        if let Some(&id) = self.ids.get(key) {
            return id;
        }
        let id = self.keys.len() as EntityId;
        self.keys.push(key.to_string());
        self.ids.insert(key.to_string(), id);
        id
    }
}

/// Corpus-wide alias resolution, updated one document at a time.
#[derive(Debug, Default)]
pub struct EntityIndex {
    docs: FxHashMap<DocId, DocEntry>,
    config: EntityConfig,
    buckets: FxHashMap<String, Bucket>,
    /// Deletion key -> surname keys (one-edit neighbours).
    fuzzy: FxHashMap<String, FxHashSet<String>>,
    /// Surface name, folded word by word -> referents using it (for search).
    aliases: FxHashMap<String, FxHashSet<Member>>,
    /// Declared people: (surname key, first key) -> declared index.
    declared_people: FxHashMap<(String, String), u32>,
    /// Declared names and aliases (org_key) -> declared index.
    declared_names: FxHashMap<String, u32>,
    clock: u64,
    keys: KeysTable,
    interner: Mutex<Interner>,
    /// Entities described ([`EntityIndex::entity`] gathers every member of
    /// a bucket: thousands for a head of state).
    descriptions: Mutex<Descriptions>,
    /// Signalled when a description in `making` is kept or given up.
    made: Condvar,
}

/// Marks an entity as being described until dropped (kept, given up,
/// not found or unwound), then wakes whoever waits for it.
struct Making<'a> {
    index: &'a EntityIndex,
    id: EntityId,
}

impl Drop for Making<'_> {
    fn drop(&mut self) {
        self.index.descriptions.lock().making.remove(&self.id);
        self.index.made.notify_all();
    }
}

/// How a referent resolved.
#[derive(Debug, Clone, PartialEq)]
struct Resolved {
    key: String,
    kind: Option<EntityKind>,
    /// Reported (typed, and not a weak mention alone in the corpus).
    shown: bool,
}

impl EntityIndex {
    pub fn new(config: EntityConfig) -> EntityIndex {
        let mut idx = EntityIndex::default();
        idx.set_config(config);
        idx
    }

    pub fn set_config(&mut self, config: EntityConfig) {
        self.declared_people.clear();
        self.declared_names.clear();
        *self.descriptions.get_mut() = Descriptions::default();
        for (i, e) in config.entities.iter().enumerate() {
            for n in std::iter::once(&e.name).chain(e.aliases.iter()) {
                self.declared_names.insert(names::org_key(n), i as u32);
                let words: Vec<&str> = n.split_whitespace().collect();
                if e.kind == Some(EntityKind::Person) && words.len() >= 2 {
                    let s = names::translit_key(words[words.len() - 1]);
                    let f = names::translit_key(words[0]);
                    self.declared_people.insert((s, f), i as u32);
                }
            }
        }
        self.config = config;
        // every cached answer may change
        self.clock += 1;
        let keys: Vec<String> = self.buckets.keys().cloned().collect();
        for k in keys {
            self.bump(&k);
        }
    }

    pub fn config(&self) -> &EntityConfig {
        &self.config
    }

    fn bump(&mut self, key: &str) {
        self.clock += 1;
        let c = self.clock;
        if let Some(b) = self.buckets.get_mut(key) {
            b.version = c;
        }
    }

    /// Insert or replace one document's recognition result.
    pub fn update(&mut self, doc: DocId, ents: Arc<DocEntities>) {
        self.update_keyed(doc, DocKeys::new(ents));
    }

    /// [`EntityIndex::update`] with the document's keys worked out before
    /// ([`DocKeys::new`], which needs no index: many documents' keys are
    /// made in parallel).
    pub fn update_keyed(&mut self, doc: DocId, filed: DocKeys) {
        self.remove_doc(doc);
        let DocKeys {
            ents,
            mut referents,
            buckets,
            aliases,
        } = filed;
        for (i, (r, (bs, names))) in referents
            .iter_mut()
            .zip(buckets.into_iter().zip(aliases))
            .enumerate()
        {
            r.keys = self.keys.share(r.hash, r.keys.clone());
            let (k, w) = (&r.keys, r.weight);
            if w > 0 {
                let member = (doc, i as u32);
                for b in bs {
                    if b.starts_with("s:") {
                        self.add_fuzzy(&b);
                    }
                    self.clock += 1;
                    let clock = self.clock;
                    let bucket = self.buckets.entry(b).or_default();
                    bucket.version = clock;
                    bucket.members.insert(member, w);
                    bucket.weight += w;
                    if let (Some(f), Some(s)) = (&k.first, &k.surname) {
                        inc(&mut bucket.firsts, f, w);
                        inc(&mut bucket.surnames, s, w);
                    }
                    if let Some(a) = &k.acronym {
                        inc(&mut bucket.acronyms, a, w);
                    }
                    if let Some(kind) = k.kind
                        && !k.weak
                    {
                        bucket.kinds[kind as usize] += w;
                    }
                }
                for n in names {
                    self.aliases.entry(n).or_default().insert(member);
                }
            }
        }
        self.docs.insert(
            doc,
            DocEntry {
                ents,
                referents,
                cache: Mutex::new(None),
            },
        );
    }

    pub fn remove(&mut self, doc: DocId) {
        self.remove_doc(doc);
    }

    /// Insert or replace a document and return the other documents whose
    /// entity answers (mentions, kinds, entity ids) may have changed: those
    /// whose cached answers read a bucket this change touched.
    pub fn update_affected(&mut self, doc: DocId, ents: Arc<DocEntities>) -> Vec<DocId> {
        self.affected_by(doc, |idx| idx.update(doc, ents))
    }

    /// Remove a document and return the other documents whose answers may
    /// have changed.
    pub fn remove_affected(&mut self, doc: DocId) -> Vec<DocId> {
        self.affected_by(doc, |idx| idx.remove(doc))
    }

    /// The documents other than `doc` whose cached answers `change` makes
    /// stale. Read from the answers' own bucket stamps, which every change
    /// bumps, so the index keeps no list of who read what (it cost a lock
    /// and a copy of every bucket key on each answer, and a set per bucket,
    /// for these two queries only). Costs a look at every cached answer.
    fn affected_by(&mut self, doc: DocId, change: impl FnOnce(&mut Self)) -> Vec<DocId> {
        let current = |idx: &Self, d: DocId| {
            idx.docs.get(&d).is_some_and(|e| {
                e.cache
                    .lock()
                    .as_ref()
                    .is_some_and(|c| idx.still_current(&c.stamps))
            })
        };
        let before: Vec<DocId> = self
            .docs
            .keys()
            .copied()
            .filter(|&d| d != doc && current(self, d))
            .collect();
        change(self);
        let mut out: Vec<DocId> = before
            .into_iter()
            .filter(|&d| self.docs.contains_key(&d) && !current(self, d))
            .collect();
        out.sort_unstable();
        out
    }

    fn remove_doc(&mut self, doc: DocId) {
        let Some(entry) = self.docs.remove(&doc) else {
            return;
        };
        for (i, r) in entry.referents.iter().enumerate() {
            let (k, w) = (&r.keys, r.weight);
            if w == 0 {
                continue;
            }
            let member = (doc, i as u32);
            for b in k.buckets() {
                self.clock += 1;
                let clock = self.clock;
                let mut empty = false;
                if let Some(bucket) = self.buckets.get_mut(&b) {
                    bucket.version = clock;
                    if bucket.members.remove(&member).is_some() {
                        bucket.weight = bucket.weight.saturating_sub(w);
                        if let (Some(f), Some(s)) = (&k.first, &k.surname) {
                            dec(&mut bucket.firsts, f, w);
                            dec(&mut bucket.surnames, s, w);
                        }
                        if let Some(a) = &k.acronym {
                            dec(&mut bucket.acronyms, a, w);
                        }
                        if let Some(kind) = k.kind
                            && !k.weak
                        {
                            let v = &mut bucket.kinds[kind as usize];
                            *v = v.saturating_sub(w);
                        }
                    }
                    empty = bucket.members.is_empty();
                }
                if empty {
                    self.buckets.remove(&b);
                    if let Some(s) = b.strip_prefix("s:") {
                        self.remove_fuzzy(s);
                    }
                }
            }
            for n in &entry.ents.locals[i].names {
                let key = search_key(n);
                if let Some(set) = self.aliases.get_mut(&key) {
                    set.remove(&member);
                    if set.is_empty() {
                        self.aliases.remove(&key);
                    }
                }
            }
        }
    }

    /// `bucket`: a surname bucket's key ("s:" and the surname key).
    fn add_fuzzy(&mut self, bucket: &str) {
        let s = &bucket[2..];
        if self.buckets.contains_key(bucket) || s.chars().count() < 6 {
            return;
        }
        // a new spelling joins the family of its neighbours: their answers change
        let mut touched = Vec::new();
        for d in names::deletion_keys(s) {
            let set = self.fuzzy.entry(d).or_default();
            for other in set.iter() {
                if other != s {
                    touched.push(format!("s:{other}"));
                }
            }
            set.insert(s.to_string());
        }
        for t in touched {
            self.bump(&t);
        }
    }

    fn remove_fuzzy(&mut self, s: &str) {
        if s.chars().count() < 6 {
            return;
        }
        let mut touched = Vec::new();
        for d in names::deletion_keys(s) {
            if let Some(set) = self.fuzzy.get_mut(&d) {
                set.remove(s);
                touched.extend(set.iter().map(|o| format!("s:{o}")));
                if set.is_empty() {
                    self.fuzzy.remove(&d);
                }
            }
        }
        for t in touched {
            self.bump(&t);
        }
    }

    /// Surname keys written within one edit of `s` (itself included) that
    /// have referents.
    fn family(&self, s: &str) -> Vec<String> {
        let mut out = vec![s.to_string()];
        if s.chars().count() >= 6 {
            for d in names::deletion_keys(s) {
                if let Some(set) = self.fuzzy.get(&d) {
                    for o in set {
                        if !out.contains(o)
                            && names::within_one_edit(o, s)
                            && o.chars().next() == s.chars().next()
                        {
                            out.push(o.clone());
                        }
                    }
                }
            }
        }
        out.sort();
        out
    }

    fn bucket(&self, key: &str) -> Option<&Bucket> {
        self.buckets.get(key)
    }

    fn version(&self, key: &str) -> u64 {
        self.buckets.get(key).map(|b| b.version).unwrap_or(0)
    }

    /// The buckets an answer was made from, each with its version now: the
    /// answer stands while [`EntityIndex::still_current`] says so.
    fn stamp(&self, read: Vec<String>) -> Vec<(String, u64)> {
        read.into_iter()
            .map(|b| {
                let v = self.version(&b);
                (b, v)
            })
            .collect()
    }

    /// Has none of the stamped buckets changed?
    fn still_current(&self, stamps: &[(String, u64)]) -> bool {
        stamps.iter().all(|(b, v)| self.version(b) == *v)
    }

    /// Resolve a referent, recording the buckets read.
    fn resolve(&self, k: &Keys, read: &mut Vec<String>) -> Resolved {
        let shown_if = |r: Resolved| r;
        if let Some(d) = k.declared {
            read.push(format!("d:{d}"));
            let kind = self
                .config
                .entities
                .get(d as usize)
                .and_then(|e| e.kind)
                .or(k.kind);
            return Resolved {
                key: format!("d:{d}"),
                kind: kind.or(Some(EntityKind::Organization)),
                shown: true,
            };
        }
        // a declared name written in full
        if let Some(&d) = self.declared_names.get(&k.name) {
            return Resolved {
                key: format!("d:{d}"),
                kind: self
                    .config
                    .entities
                    .get(d as usize)
                    .and_then(|e| e.kind)
                    .or(k.kind),
                shown: true,
            };
        }
        let r = match k.kind {
            Some(EntityKind::Person) => self.resolve_person(k, read),
            Some(EntityKind::Organization) => self.resolve_org(k, read),
            Some(EntityKind::Place) => {
                read.push(format!("n:{}", k.name));
                Resolved {
                    key: format!("l:{}", k.name),
                    kind: Some(EntityKind::Place),
                    shown: true,
                }
            }
            None => self.resolve_untyped(k, read),
        };
        let mut r = shown_if(r);
        if k.weak && r.shown {
            // weak alone: shown only when another referent shares its buckets
            let support = k.buckets().iter().any(|b| {
                read.push(b.clone());
                self.bucket(b)
                    .is_some_and(|bk| bk.members.len() > 1 && bk.kinds.iter().any(|&v| v > 0))
            });
            r.shown = support;
        }
        r
    }

    fn resolve_person(&self, k: &Keys, read: &mut Vec<String>) -> Resolved {
        if k.patronymic {
            let f = k.first.clone().unwrap_or_default();
            let g = format!("g:{f}");
            read.push(g.clone());
            // the most mentioned person with that first name
            let mut best: Option<(u32, String)> = None;
            if let Some(b) = self.bucket(&g) {
                let mut by_surname: FxHashMap<String, u32> = FxHashMap::default();
                for (m, w) in &b.members {
                    if let Some(mk) = self.keys_of_member(*m)
                        && let Some(s) = &mk.surname
                    {
                        *by_surname.entry(s.clone()).or_default() += w;
                    }
                }
                for (s, w) in by_surname {
                    if best
                        .as_ref()
                        .is_none_or(|(bw, bs)| w > *bw || (w == *bw && s < *bs))
                    {
                        best = Some((w, s));
                    }
                }
            }
            return match best {
                Some((_, s)) => {
                    let mut kk = k.clone();
                    kk.surname = Some(s);
                    kk.patronymic = false;
                    self.resolve_person(&kk, read)
                }
                None => Resolved {
                    key: format!("p:|{f}"),
                    kind: Some(EntityKind::Person),
                    shown: true,
                },
            };
        }
        let Some(s) = &k.surname else {
            return Resolved {
                key: format!("p:|{}", k.name),
                kind: Some(EntityKind::Person),
                shown: true,
            };
        };
        let fam = self.family(s);
        let mut canon: Option<(u32, &str)> = None;
        let mut firsts: FxHashMap<&str, u32> = FxHashMap::default();
        for f in &fam {
            let key = format!("s:{f}");
            if let Some(b) = self.bucket(&key) {
                if canon.is_none_or(|(w, c)| b.weight > w || (b.weight == w && f.as_str() < c)) {
                    canon = Some((b.weight, f));
                }
                for (g, w) in &b.firsts {
                    *firsts.entry(g.as_str()).or_default() += w;
                }
            }
            read.push(key);
        }
        let canon = canon.map(|c| c.1.to_string()).unwrap_or_else(|| s.clone());
        let first = match &k.first {
            Some(f) => {
                // the heaviest given name of the family that is this one
                // spelled another way (an initial, a transliteration)
                firsts
                    .iter()
                    .filter(|(g, _)| names::same_given_key(g, f))
                    .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                    .map(|(g, _)| g.to_string())
                    .unwrap_or_else(|| f.clone())
            }
            None => {
                // a surname alone: the family's most mentioned person, or a
                // declared one
                let declared = self
                    .declared_people
                    .keys()
                    .filter(|(ds, _)| fam.contains(ds))
                    .map(|(_, df)| df.clone())
                    .next();
                declared.unwrap_or_else(|| {
                    firsts
                        .iter()
                        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                        .map(|(g, _)| g.to_string())
                        .unwrap_or_default()
                })
            }
        };
        for f in &fam {
            if let Some(&d) = self.declared_people.get(&(f.clone(), first.clone())) {
                return Resolved {
                    key: format!("d:{d}"),
                    kind: Some(EntityKind::Person),
                    shown: true,
                };
            }
        }
        Resolved {
            key: format!("p:{canon}|{first}"),
            kind: Some(EntityKind::Person),
            shown: true,
        }
    }

    fn resolve_org(&self, k: &Keys, read: &mut Vec<String>) -> Resolved {
        // "Union State of Belarus and Russia" is the "Union State" known by
        // that name elsewhere
        if let Some((head, _)) = k.name.split_once(" of ")
            && head.contains(' ')
        {
            let hk = format!("n:{head}");
            read.push(hk.clone());
            if self.bucket(&hk).is_some_and(|b| b.kinds[1] > 0) {
                let mut kk = k.clone();
                kk.name = head.to_string();
                kk.initials = None;
                kk.acronym = None;
                return self.resolve_org(&kk, read);
            }
        }
        let name_key = format!("n:{}", k.name);
        read.push(name_key.clone());
        let mut acr = k.acronym.clone();
        if acr.is_none()
            && let Some(b) = self.bucket(&name_key)
        {
            // an acronym written for this name elsewhere
            acr = b
                .acronyms
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(a, _)| a.clone());
        }
        if acr.is_none()
            && let Some(i) = &k.initials
        {
            let ak = format!("a:{i}");
            read.push(ak.clone());
            if self.bucket(&ak).is_some_and(|b| b.acronyms.contains_key(i)) {
                acr = Some(i.clone());
            }
        }
        if let Some(a) = &acr {
            read.push(format!("a:{a}"));
            if let Some(&d) = self.declared_names.get(&a.to_lowercase()) {
                return Resolved {
                    key: format!("d:{d}"),
                    kind: Some(EntityKind::Organization),
                    shown: true,
                };
            }
        }
        Resolved {
            key: match acr {
                Some(a) => format!("o:a:{a}"),
                None => format!("o:n:{}", k.name),
            },
            kind: Some(EntityKind::Organization),
            shown: true,
        }
    }

    /// A referent the document could not type: typed by the corpus.
    fn resolve_untyped(&self, k: &Keys, read: &mut Vec<String>) -> Resolved {
        let unknown = Resolved {
            key: format!("u:{}", k.name),
            kind: None,
            shown: false,
        };
        // a person's surname
        if let Some(s) = &k.surname
            && k.single
        {
            for f in self.family(s) {
                let key = format!("s:{f}");
                read.push(key.clone());
                if self.bucket(&key).is_some_and(|b| b.kinds[0] > 0) {
                    let mut kk = k.clone();
                    kk.kind = Some(EntityKind::Person);
                    return self.resolve_person(&kk, read);
                }
            }
        }
        // the same name typed elsewhere
        let nk = format!("n:{}", k.name);
        read.push(nk.clone());
        if let Some(b) = self.bucket(&nk) {
            let best = (0..3).max_by_key(|&i| b.kinds[i]).unwrap_or(0);
            if b.kinds[best] > 0 {
                let mut kk = k.clone();
                kk.kind = Some(kind_of(best));
                kk.weak = false;
                return self.resolve(&kk, read);
            }
        }
        if let Some(a) = &k.acronym {
            let ak = format!("a:{a}");
            read.push(ak.clone());
            if self.bucket(&ak).is_some_and(|b| b.kinds[1] > 0) {
                let mut kk = k.clone();
                kk.kind = Some(EntityKind::Organization);
                return self.resolve_org(&kk, read);
            }
        }
        unknown
    }

    fn keys_of_member(&self, m: Member) -> Option<&Keys> {
        let r = self.docs.get(&m.0)?.referents.get(m.1 as usize)?;
        Some(&r.keys)
    }

    /// The accepted mentions of a document with their entity and final kind,
    /// sorted by span.
    pub fn doc_mentions(&self, doc: DocId) -> Vec<(Span, EntityId, EntityKind)> {
        self.doc_mentions_arc(doc)
            .map(|a| a.as_ref().clone())
            .unwrap_or_default()
    }

    /// Like [`EntityIndex::doc_mentions`], shared: cheap on repeated calls.
    pub fn doc_mentions_arc(&self, doc: DocId) -> Option<Arc<Vec<(Span, EntityId, EntityKind)>>> {
        let entry = self.docs.get(&doc)?;
        let mut cache = entry.cache.lock();
        if let Some(c) = cache.as_ref()
            && self.still_current(&c.stamps)
        {
            return Some(c.mentions.clone());
        }
        let mut read = Vec::new();
        let resolved: Vec<Resolved> = entry
            .referents
            .iter()
            .map(|r| self.resolve(&r.keys, &mut read))
            .collect();
        let mut interner = self.interner.lock();
        let mut out = Vec::with_capacity(entry.ents.mentions.len());
        for m in &entry.ents.mentions {
            let Some(r) = resolved.get(m.local as usize) else {
                continue;
            };
            let Some(kind) = r.kind else { continue };
            if !r.shown {
                continue;
            }
            out.push((m.span, interner.id(&r.key), kind));
        }
        drop(interner);
        read.sort();
        read.dedup();
        let stamps = self.stamp(read);
        let mentions = Arc::new(out);
        *cache = Some(Cached {
            stamps,
            mentions: mentions.clone(),
        });
        Some(mentions)
    }

    /// The mention under `offset` in `doc`.
    pub fn mention_at(&self, doc: DocId, offset: usize) -> Option<(Span, EntityId)> {
        let ms = self.doc_mentions_arc(doc)?;
        // prefer the mention containing the offset, then one ending there
        let i = ms.partition_point(|(s, _, _)| (s.end as usize) < offset);
        ms[i..]
            .iter()
            .take(2)
            .find(|(s, _, _)| s.contains(offset))
            .or_else(|| ms[i..].iter().take(2).find(|(s, _, _)| s.touches(offset)))
            .map(|(s, id, _)| (*s, *id))
    }

    fn key_of_id(&self, id: EntityId) -> Option<String> {
        self.interner.lock().keys.get(id as usize).cloned()
    }

    /// The buckets where the referents of an entity key are filed, adding
    /// to `read` the other buckets consulted to find them.
    fn candidate_buckets(&self, key: &str, read: &mut Vec<String>) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(rest) = key.strip_prefix("p:") {
            let (s, f) = rest.split_once('|').unwrap_or((rest, ""));
            if !s.is_empty() {
                out.extend(self.family(s).into_iter().map(|f| format!("s:{f}")));
            }
            if !f.is_empty() {
                out.push(format!("pg:{f}"));
            }
        } else if let Some(a) = key.strip_prefix("o:a:") {
            out.push(format!("a:{a}"));
            // expansions filed by name (a:{a} is read as a candidate)
            if let Some(b) = self.bucket(&format!("a:{a}")) {
                for m in b.members.keys() {
                    if let Some(k) = self.keys_of_member(*m) {
                        out.push(format!("n:{}", k.name));
                    }
                }
            }
            out.push(format!("s:{}", names::translit_key(a)));
        } else if let Some(n) = key.strip_prefix("o:n:").or_else(|| key.strip_prefix("l:")) {
            out.push(format!("n:{n}"));
            // longer names "X of Y" filed under their head too
            read.push(format!("h:{n}"));
            if let Some(b) = self.bucket(&format!("h:{n}")) {
                for m in b.members.keys() {
                    if let Some(k) = self.keys_of_member(*m) {
                        out.push(format!("n:{}", k.name));
                    }
                }
            }
            if !n.contains(' ') {
                out.push(format!("s:{}", names::translit_key(n)));
            }
        } else if let Some(d) = key.strip_prefix("d:") {
            out.push(format!("d:{d}"));
            if let Some(e) = d
                .parse::<usize>()
                .ok()
                .and_then(|i| self.config.entities.get(i))
            {
                for n in std::iter::once(&e.name).chain(e.aliases.iter()) {
                    out.push(format!("n:{}", names::org_key(n)));
                    let words: Vec<&str> = n.split_whitespace().collect();
                    if let Some(last) = words.last() {
                        let s = names::translit_key(last);
                        out.extend(self.family(&s).into_iter().map(|f| format!("s:{f}")));
                    }
                    if words.len() == 1 && is_acronym(words[0]) {
                        out.push(format!("a:{}", names::acronym_letters(words[0])));
                    }
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// Who `id` is, gathered from every mention (shared: a head of state's
    /// answer holds hundreds of thousands of mentions at 100k articles,
    /// and hover, definition, references and symbols all read it).
    pub fn entity(&self, id: EntityId) -> Option<Arc<EntityInfo>> {
        self.entity_unless(id, &|| false).unwrap_or(None)
    }

    /// [`EntityIndex::entity`], given up soon after `stop()` turns true
    /// (it asks every few dozen documents): for describing in the
    /// background while an edit may be waiting for the index. Nothing is
    /// kept from a description given up.
    pub fn entity_unless(
        &self,
        id: EntityId,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Arc<EntityInfo>>, Stopped> {
        // outside the rayon pool only: a waiting pool thread could be one
        // the description it waits for needs (a thread of its own, as the
        // server's requests and describing ahead are, waits safely)
        let may_wait = rayon::current_thread_index().is_none();
        let making = {
            let mut ds = self.descriptions.lock();
            loop {
                ds.tick += 1;
                let tick = ds.tick;
                if let Some(d) = ds.kept.get_mut(&id)
                    && self.still_current(&d.stamps)
                {
                    d.asked = tick;
                    return Ok(Some(d.info.clone()));
                }
                if !may_wait || ds.making.insert(id) {
                    break;
                }
                // someone else is describing it (a hover right after
                // indexing, while it is described ahead): wait for that
                // one; if it gives up, describe it here
                if stop() {
                    return Err(Stopped);
                }
                self.made.wait_for(&mut ds, MAKING_WAIT);
            }
            may_wait.then(|| Making { index: self, id })
        };
        let Some((info, read)) = self.describe(id, stop)? else {
            return Ok(None);
        };
        let info = Arc::new(info);
        self.descriptions
            .lock()
            .keep(id, self.stamp(read), info.clone());
        drop(making);
        Ok(Some(info))
    }

    /// The `limit` most mentioned entities, heaviest first: those whose
    /// description costs most to make, and which a user is likeliest to
    /// ask about (each is led by its heaviest bucket's heaviest referent).
    pub fn most_mentioned(&self, limit: usize) -> Vec<EntityId> {
        let mut heavy: Vec<(u32, &str, &Bucket)> = self
            .buckets
            .iter()
            .filter(|(k, _)| ["s:", "n:", "a:", "d:"].iter().any(|p| k.starts_with(p)))
            .map(|(k, b)| (b.weight, k.as_str(), b))
            .collect();
        heavy.sort_unstable_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let mut out = Vec::new();
        for (_, _, b) in heavy {
            if out.len() >= limit {
                break;
            }
            let Some(lead) = b
                .members
                .iter()
                .max_by(|x, y| x.1.cmp(y.1).then(y.0.cmp(x.0)))
                .and_then(|(m, _)| self.keys_of_member(*m))
            else {
                continue;
            };
            let r = self.resolve(lead, &mut Vec::new());
            if r.kind.is_none() || !r.shown {
                continue;
            }
            let id = self.interner.lock().id(&r.key);
            if !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    /// What `members` (sorted) contribute to the description of the entity
    /// with `key`: those that resolve to it, their mentions, names and
    /// roles.
    fn gather<'a>(
        &'a self,
        key: &str,
        members: &[Member],
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Gathered<'a> {
        let mut g = Gathered::default();
        // whether each keys resolve to the entity, and as what: many
        // documents' referents share keys, and each keys resolve once
        let mut resolved: FxHashMap<SameKeys<&Keys>, Option<Option<EntityKind>>> =
            FxHashMap::default();
        let mut ours: Vec<u32> = Vec::new();
        for (n, in_doc) in members.chunk_by(|a, b| a.0 == b.0).enumerate() {
            if n % STOP_EVERY == 0 && stop() {
                g.stopped = true;
                break;
            }
            let doc = in_doc[0].0;
            let Some(entry) = self.docs.get(&doc) else {
                continue;
            };
            ours.clear();
            for &(_, local) in in_doc {
                let Some(referent) = entry.referents.get(local as usize) else {
                    continue;
                };
                let weight = referent.weight;
                let Some(kind) = *resolved
                    .entry(SameKeys(referent.hash, &*referent.keys))
                    .or_insert_with(|| {
                        let r = self.resolve(&referent.keys, &mut g.read);
                        (r.key == key && r.shown).then_some(r.kind)
                    })
                else {
                    continue;
                };
                g.found = true;
                if let Some(kind) = kind {
                    g.kinds[kind as usize] += weight;
                }
                ours.push(local);
                let l = &entry.ents.locals[local as usize];
                // surface forms with how often they occur
                for (j, n) in l.names.iter().enumerate() {
                    *g.forms.entry(&**n).or_default() += l.name_counts.get(j).copied().unwrap_or(1);
                }
                for r in &l.roles {
                    *g.roles
                        .entry(r.to_lowercase())
                        .or_default()
                        .entry(&**r)
                        .or_default() += 1;
                }
            }
            // one pass over the document's mentions for all its referents
            if !ours.is_empty() {
                g.mentions.extend(
                    entry
                        .ents
                        .mentions
                        .iter()
                        .filter(|mm| ours.contains(&mm.local))
                        .map(|mm| (doc, mm.span)),
                );
            }
        }
        g
    }

    /// The description of `id`, with every bucket it was made from.
    fn describe(&self, id: EntityId, stop: &(dyn Fn() -> bool + Sync)) -> Description {
        // a name in most articles has members in most documents, each a
        // few cache misses away: shared among threads when there are many
        // (at 100k articles "Russia" has 390k mentions; one thread took
        // 440 ms)
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        self.describe_on(id, |members| cores.min(members / MEMBERS_PER_THREAD), stop)
    }

    /// [`EntityIndex::describe`] on as many threads as `threads` says for
    /// the number of members.
    fn describe_on(
        &self,
        id: EntityId,
        threads: impl Fn(usize) -> usize,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Description {
        let Some(key) = self.key_of_id(id) else {
            return Ok(None);
        };
        let mut members: FxHashSet<Member> = FxHashSet::default();
        let mut read = Vec::new();
        let candidates = self.candidate_buckets(&key, &mut read);
        for b in &candidates {
            if let Some(bk) = self.bucket(b) {
                members.extend(bk.members.keys().copied());
            }
            if stop() {
                return Err(Stopped);
            }
        }
        let mut members: Vec<Member> = members.into_iter().collect();
        members.sort_unstable();
        let threads = threads(members.len()).min(members.len()).max(1);
        let g = if threads == 1 {
            self.gather(&key, &members, stop)
        } else {
            let share = members.len().div_ceil(threads);
            std::thread::scope(|s| {
                let others: Vec<_> = members[share..]
                    .chunks(share)
                    .map(|c| s.spawn(|| self.gather(&key, c, stop)))
                    .collect();
                let mut g = self.gather(&key, &members[..share], stop);
                for h in others {
                    match h.join() {
                        Ok(o) => g.merge(o),
                        Err(p) => std::panic::resume_unwind(p),
                    }
                }
                g
            })
        };
        if g.stopped {
            return Err(Stopped);
        }
        if !g.found {
            return Ok(None);
        }
        let Gathered {
            kinds,
            mentions,
            forms,
            roles,
            read: resolutions,
            ..
        } = g;
        read.extend(candidates);
        read.extend(resolutions);
        read.sort_unstable();
        read.dedup();
        let mut info = EntityInfo {
            id,
            mentions,
            ..EntityInfo::default()
        };
        info.mentions.sort_unstable();
        info.mentions.dedup();
        let best = (0..3).max_by_key(|&i| kinds[i]).unwrap_or(0);
        info.kind = Some(kind_of(best));
        let mut fs: Vec<(String, u32)> =
            forms.into_iter().map(|(n, c)| (n.to_string(), c)).collect();
        fs.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let fs: Vec<(String, u32, usize)> = fs
            .into_iter()
            .enumerate()
            .map(|(i, (n, c))| (n, c, i))
            .collect();
        if let Some(d) = key.strip_prefix("d:").and_then(|d| d.parse::<usize>().ok())
            && let Some(e) = self.config.entities.get(d)
        {
            info.canonical = e.name.clone();
            info.description = e.description.clone();
            if let Some(k) = e.kind {
                info.kind = Some(k);
            }
        } else {
            info.canonical = super::locals::fullest(&fs, info.kind);
        }
        info.aliases = fs.into_iter().map(|(n, c, _)| (n, c)).collect();
        // a role counts all its spellings and is shown in its commonest
        let mut rs: Vec<(u32, String)> = roles
            .into_values()
            .map(|spellings| {
                let total = spellings.values().sum();
                let shown = spellings
                    .into_iter()
                    .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(a.0)))
                    .map(|s| s.0.to_string())
                    .unwrap_or_default();
                (total, shown)
            })
            .collect();
        rs.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        info.roles = rs.into_iter().map(|r| r.1).collect();
        Ok(Some((info, read)))
    }

    /// Entities whose canonical name or an alias matches `query` (fuzzy), best first.
    pub fn search(&self, query: &str, limit: usize) -> Vec<EntityId> {
        let q = names::fold(query);
        let mut scored: Vec<(u32, &str, Member)> = Vec::new();
        for (alias, members) in &self.aliases {
            let Some(score) = match_score(&q, alias) else {
                continue;
            };
            if let Some(m) = members.iter().min() {
                scored.push((score, alias.as_str(), *m));
            }
        }
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
        let mut out = Vec::new();
        let mut seen = FxHashSet::default();
        for (_, _, m) in scored {
            if out.len() >= limit {
                break;
            }
            let Some(k) = self.keys_of_member(m) else {
                continue;
            };
            let mut read = Vec::new();
            let r = self.resolve(k, &mut read);
            if !r.shown || r.kind.is_none() {
                continue;
            }
            let id = self.interner.lock().id(&r.key);
            if seen.insert(id) {
                out.push(id);
            }
        }
        out
    }
}

/// Add `w` to `key`'s count, copying the key only when it is new.
fn inc(map: &mut FxHashMap<String, u32>, key: &str, w: u32) {
    match map.get_mut(key) {
        Some(v) => *v += w,
        None => {
            map.insert(key.to_string(), w);
        }
    }
}

fn dec(map: &mut FxHashMap<String, u32>, key: &str, w: u32) {
    if let Some(v) = map.get_mut(key) {
        *v = v.saturating_sub(w);
        if *v == 0 {
            map.remove(key);
        }
    }
}

fn kind_of(i: usize) -> EntityKind {
    match i {
        0 => EntityKind::Person,
        1 => EntityKind::Organization,
        _ => EntityKind::Place,
    }
}

/// A name folded word by word ("Łukasz Nowak" -> "lukasz nowak"), made once
/// when a document arrives so that searching folds only the query.
fn search_key(name: &str) -> String {
    name.split_whitespace()
        .map(names::fold)
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How well the folded `alias` matches the folded query: exact, word
/// prefix, substring, one edit, or letters in order; None when it does not.
fn match_score(q: &str, alias: &str) -> Option<u32> {
    if q.is_empty() {
        return Some(1);
    }
    let a: String = alias.chars().filter(|c| *c != ' ').collect();
    if a == q {
        return Some(100);
    }
    let words: Vec<&str> = alias.split(' ').collect();
    if words.contains(&q) {
        return Some(90);
    }
    if a.starts_with(q) || words.iter().any(|w| w.starts_with(q)) {
        return Some(80);
    }
    if a.contains(q) {
        return Some(60);
    }
    if q.chars().count() >= 4 && words.iter().any(|w| names::within_one_edit(w, q)) {
        return Some(50);
    }
    // letters in order (subsequence), as editors' fuzzy finders do
    let mut it = a.chars();
    if q.chars().all(|c| it.any(|x| x == c)) {
        return Some(10);
    }
    None
}

impl EntityIndex {
    /// Drop the index piece by piece, naming each piece for `t`
    /// ([`crate::analysis::teardown`]). The documents' recognition results
    /// it shares with their analyses only lose a reference here.
    pub fn drop_piecewise(self, t: &mut crate::analysis::teardown::Teardown) {
        const DOCS: &str = "entity index: documents (table, cached answers)";
        let EntityIndex {
            mut docs,
            config,
            mut buckets,
            fuzzy,
            aliases,
            declared_people,
            declared_names,
            clock: _,
            keys,
            interner,
            descriptions,
            made: _,
        } = self;
        use std::mem::take;
        t.drop_each(
            "entity index: referents (Vec<Referent>)",
            docs.values_mut()
                .map(|d| (d.referents.len(), take(&mut d.referents))),
        );
        t.drop(DOCS, docs.len(), docs);
        // after the referents, which share them
        t.drop(
            "entity index: distinct keys (Arc<Keys>)",
            keys.set.len(),
            keys,
        );
        t.drop_each(
            "entity index: bucket members (maps)",
            buckets
                .values_mut()
                .map(|b| (b.members.len(), take(&mut b.members))),
        );
        t.drop(
            "entity index: buckets (keys, name maps, table)",
            buckets.len(),
            buckets,
        );
        t.drop(
            "entity index: aliases (sets of referents)",
            aliases.len(),
            aliases,
        );
        t.drop("entity index: fuzzy surname keys", fuzzy.len(), fuzzy);
        let descriptions = descriptions.into_inner();
        t.drop(
            "entity index: descriptions",
            descriptions.kept.len(),
            descriptions,
        );
        let declared = (config, declared_people, declared_names);
        t.drop(
            "entity index: interner, declared names",
            0,
            (interner, declared),
        );
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;

    use crate::analysis::config::Config;
    use crate::analysis::corpus::Corpus;
    use crate::bench::generate::{Generator, Sources, default_source_dirs};

    fn generator(articles: usize, seed: u64) -> Generator {
        let sources = Sources::load(&default_source_dirs()).expect("generator sources");
        Generator::new(sources, articles, seed)
    }

    /// Equal keys come back as one shared copy; keys no referent files
    /// any more are swept once the table has doubled, and those still
    /// filed stay.
    #[test]
    fn keys_table_shares_equal_keys_and_sweeps_unused_ones() {
        let keys = |name: &str| Keys {
            name: name.to_string(),
            surname: Some(name.to_string()),
            ..Keys::default()
        };
        let hash = |k: &Keys| std::hash::BuildHasher::hash_one(&rustc_hash::FxBuildHasher, k);
        let mut t = KeysTable::default();
        let a = keys("lukashenko");
        let first = t.share(hash(&a), Arc::new(a.clone()));
        let again = t.share(hash(&a), Arc::new(a.clone()));
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(t.set.len(), 1);
        // a hash shared by different keys keeps them apart
        let b = keys("lukashenka");
        let other = t.share(hash(&a), Arc::new(b.clone()));
        assert_eq!(*other, b);
        assert!(!Arc::ptr_eq(&first, &other));
        drop(other);
        // thousands of keys filed and let go (an editor retyping a name)
        for i in 0..5000 {
            let k = keys(&format!("name{i}"));
            drop(t.share(hash(&k), Arc::new(k)));
        }
        assert!(t.set.len() <= 2 * 1024 + 1, "{} kept", t.set.len());
        assert!(t.set.len() < 5000);
        let kept = t.share(hash(&a), Arc::new(a.clone()));
        assert!(Arc::ptr_eq(&first, &kept), "keys still filed are kept");
    }

    /// A corpus of `articles` generated articles.
    fn generated(articles: usize, seed: u64) -> Corpus {
        let generator = generator(articles, seed);
        let files = (0..articles)
            .map(|i| {
                let a = generator.article(i);
                (
                    PathBuf::from("/gen").join(&a.path),
                    Arc::from(a.text.as_str()),
                )
            })
            .collect();
        Corpus::build(Config::default(), files)
    }

    /// Described on several threads, every entity reads as on one.
    #[test]
    fn entities_described_in_shares_read_as_described_whole() {
        let corpus = generated(150, 5);
        let index = corpus.entity_index();
        let mut ids: Vec<u32> = corpus
            .documents()
            .flat_map(|(d, _)| corpus.mentions(d))
            .map(|m| m.1)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        let mut described = 0;
        let mut many = 0;
        for id in ids {
            let whole = index.describe_on(id, |_| 1, &|| false).unwrap();
            if let Some(w) = &whole {
                described += 1;
                many += usize::from(w.0.mentions.len() > 100);
            }
            for threads in [2, 3, 7] {
                let shared = index.describe_on(id, |_| threads, &|| false).unwrap();
                assert_eq!(format!("{whole:?}"), format!("{shared:?}"), "entity {id}");
            }
        }
        assert!(
            described > 50 && many > 3,
            "{described} described, {many} large"
        );
    }

    /// A description asked to stop gives up partway and keeps nothing; the
    /// next one is whole.
    #[test]
    fn descriptions_give_way_when_asked() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let corpus = generated(400, 5);
        let index = corpus.entity_index();
        let id = index.most_mentioned(1)[0];
        let whole = index.describe_on(id, |_| 1, &|| false).unwrap().unwrap();
        let docs: FxHashSet<DocId> = whole.0.mentions.iter().map(|m| m.0).collect();
        assert!(docs.len() > 2 * STOP_EVERY, "{} documents", docs.len());
        for threads in [1, 2] {
            // asked at the start of each share, then after STOP_EVERY documents
            let asked = AtomicUsize::new(0);
            let stop = || asked.fetch_add(1, Ordering::SeqCst) >= threads;
            assert!(matches!(
                index.describe_on(id, |_| threads, &stop),
                Err(Stopped)
            ));
            assert!(asked.load(Ordering::SeqCst) > threads);
        }
        assert!(matches!(index.entity_unless(id, &|| true), Err(Stopped)));
        assert!(index.descriptions.lock().kept.is_empty());
        let kept = index.entity_unless(id, &|| false).unwrap().unwrap();
        assert_eq!(format!("{:?}", *kept), format!("{:?}", whole.0));
        assert!(index.descriptions.lock().kept.contains_key(&id));
        // a kept description is given even when asked to stop
        assert!(index.entity_unless(id, &|| true).is_ok_and(|e| e.is_some()));
    }

    /// Whoever asks for an entity while another thread describes it waits
    /// for that description (and gets the very one kept) rather than making
    /// it again; when that one gives up, the waiter describes it itself. A
    /// thread of a rayon pool does not wait (the description it would wait
    /// for could need it): it describes the entity itself.
    #[test]
    fn a_description_in_progress_is_waited_for_not_made_twice() {
        use std::sync::mpsc::channel;
        let corpus = generated(400, 5);
        let index = corpus.entity_index();
        let id = index.most_mentioned(1)[0];
        let whole = format!(
            "{:?}",
            index.describe_on(id, |_| 1, &|| false).unwrap().unwrap().0
        );
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        for (gives_up, in_pool) in [(false, false), (true, false), (false, true)] {
            index.descriptions.lock().kept.clear();
            let (started, on_start) = channel::<()>();
            let (release, on_release) = channel::<()>();
            let first_ask = std::sync::Mutex::new(Some((started, on_release)));
            // the describer's first look at `stop` holds it inside the
            // description until released; later looks answer `gives_up`
            let stop = || {
                let first = first_ask.lock().unwrap().take();
                match first {
                    Some((started, on_release)) => {
                        started.send(()).unwrap();
                        on_release.recv().unwrap();
                        false
                    }
                    None => gives_up,
                }
            };
            std::thread::scope(|s| {
                // dropped if this thread fails, which lets the first go
                let release = release;
                let first = s.spawn(|| index.entity_unless(id, &stop));
                on_start.recv().unwrap();
                let making = || index.descriptions.lock().making.contains(&id);
                assert!(making());
                if in_pool {
                    let own = pool.install(|| index.entity(id)).unwrap();
                    assert_eq!(format!("{:?}", *own), whole);
                    // the first one's mark is left alone
                    assert!(making());
                    release.send(()).unwrap();
                    assert!(first.join().unwrap().unwrap().is_some());
                    return;
                }
                let tick = index.descriptions.lock().tick;
                let second = s.spawn(|| index.entity(id));
                // until the second asker has looked twice more (it waits)
                // or has finished (it described the entity itself)
                while !second.is_finished() && index.descriptions.lock().tick < tick + 3 {
                    std::thread::yield_now();
                }
                release.send(()).unwrap();
                let (first, second) = (first.join().unwrap(), second.join().unwrap().unwrap());
                assert_eq!(format!("{:?}", *second), whole);
                match first {
                    Ok(first) => {
                        assert!(!gives_up);
                        assert!(Arc::ptr_eq(&first.unwrap(), &second), "made twice");
                    }
                    Err(Stopped) => assert!(gives_up),
                }
            });
            assert!(index.descriptions.lock().making.is_empty());
            assert!(index.descriptions.lock().kept.contains_key(&id));
        }
    }

    /// A kept description is what describing afresh gives, after any
    /// sequence of edits, and one that no edit touched is kept, not made
    /// again.
    #[test]
    fn kept_descriptions_follow_edits() {
        let generator = generator(90, 11);
        let config = Config::default();
        let ents = |text: &str| crate::analysis::analyze(text, &config).entities;
        let texts: Vec<String> = (0..90).map(|i| generator.article(i).text).collect();
        let mut index = EntityIndex::new(config.entities.clone());
        for (d, t) in texts.iter().enumerate().take(80) {
            index.update(d as DocId, ents(t));
        }
        let ids = |index: &EntityIndex| {
            let mut ids: Vec<EntityId> = (0..90)
                .flat_map(|d| index.doc_mentions(d))
                .map(|m| m.1)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        let check = |index: &EntityIndex| -> Vec<(EntityId, Arc<EntityInfo>)> {
            let mut out = Vec::new();
            for id in ids(index) {
                let kept = index.entity(id);
                let afresh = index.describe(id, &|| false).unwrap().map(|d| d.0);
                assert_eq!(
                    format!("{:?}", kept.as_deref()),
                    format!("{afresh:?}"),
                    "entity {id}"
                );
                out.extend(kept.map(|k| (id, k)));
            }
            out
        };
        let mut before = check(&index);
        assert!(before.len() > 50, "{} entities", before.len());
        let mut survived = 0;
        let mut remade = 0;
        // edits: articles added, removed, replaced by another's text, cut
        // short, and a misspelt name joining a family
        let edits: Vec<(DocId, Option<String>)> = vec![
            (80, Some(texts[80].clone())),
            (3, None),
            (7, Some(texts[85].clone())),
            (
                12,
                Some(texts[12][..texts[12].floor_char_boundary(texts[12].len() / 2)].to_string()),
            ),
            (
                81,
                Some("Vladimir Putinn met Alexandr Lukashenka in Minsk.".into()),
            ),
            (3, Some(texts[3].clone())),
            (81, None),
            (40, Some("Nothing of note happened.".into())),
        ];
        for (d, text) in edits {
            match &text {
                Some(t) => index.update(d, ents(t)),
                None => index.remove(d),
            }
            let after = check(&index);
            for (id, old) in &before {
                if let Some((_, new)) = after.iter().find(|(i, _)| i == id) {
                    if Arc::ptr_eq(old, new) {
                        survived += 1;
                    } else {
                        remade += 1;
                    }
                }
            }
            before = after;
        }
        assert!(
            survived > 100 && remade > 10,
            "{survived} kept, {remade} made again"
        );
    }

    /// The entities described ahead include the most mentioned one, and
    /// each is a distinct entity with a description.
    #[test]
    fn most_mentioned_leads_with_the_most_mentioned() {
        let corpus = generated(120, 3);
        let index = corpus.entity_index();
        let mut count: FxHashMap<EntityId, usize> = FxHashMap::default();
        for (d, _) in corpus.documents() {
            for m in corpus.mentions(d) {
                *count.entry(m.1).or_default() += 1;
            }
        }
        let top = count
            .iter()
            .max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id)));
        let (&top, &n) = top.expect("entities");
        let ahead = index.most_mentioned(10);
        assert_eq!(ahead.len(), 10, "{ahead:?}");
        let mut distinct = ahead.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), ahead.len());
        assert!(ahead.iter().all(|&id| index.entity(id).is_some()));
        assert!(
            ahead[..3].contains(&top),
            "{top} ({n} mentions) not in {ahead:?}"
        );
    }
}
