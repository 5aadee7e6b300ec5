//! The corpus-wide claim index: an inverted index from terms to the
//! sentences holding them, and sentence-level document frequencies for term
//! weights.
//!
//! Links are not stored: they are computed when asked, from the index as it
//! is now, and memoised until the next edit.
//! Loading documents only indexes their terms ([`ClaimIndex::insert`]); an
//! edit ([`ClaimIndex::update`]) also finds the documents linked to the
//! edited one before and after, from its own candidates. Every query is
//! bounded whatever the corpus size:
//!
//! - a term held by more than [`MAX_POSTINGS`] sentences is too common to
//!   find candidates through: its postings are dropped (it still counts when
//!   scoring);
//! - a query reads at most [`PROBE_BUDGET`] postings, rarest terms first;
//! - at most [`MAX_CANDIDATES`] sentences (with their quotes and clauses)
//!   are scored, those sharing the most rarity-weighted terms.
//!
//! Verbatim copies of a statement are found besides, by its fingerprint
//! ([`super::copies`]), so that a repeat made only of common words is
//! linked at any corpus size.
//!
//! Answers never depend on the order documents arrived in (nor on the ids
//! they were given): ties are broken by a rank the caller gives each
//! document (the corpus hashes its path), and a term is too common to probe
//! exactly while it is held by more than [`MAX_POSTINGS`] sentences, its
//! postings restored when it falls back below. So an index built edit by
//! edit answers as one built at once from the final texts.
//!
//! Whether two statements are linked depends only on the two documents they
//! are in (and the term weights), never on third documents: a strong score
//! links by itself; a moderate one links when each statement is the other's
//! best match in the other's document (as sentence aligners pair
//! translations: a rewrite of a quote is the closest thing to it in the
//! other article, while a sentence that only shares a topic has closer
//! neighbours there). So an edit changes the links of the edited document
//! only, and the set of documents to republish is exact. The one exception
//! is among verbatim copies of a statement, each linked to the copies
//! nearest it in rank order: an edit that adds or removes a copy changes
//! which copies are nearest, but only for copies linked to the edited
//! document before or after it, so the set stays exact.

use std::num::NonZeroU64;
use std::sync::Arc;

use parking_lot::Mutex;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};

use super::copies::Copies;
use super::features::Features;
use super::normalize::{TermClass, TermId};
use super::similarity::{self, Comparison, Rated};
use super::{DocClaims, Link, StatementClaims};
use crate::analysis::entities::DocId;

/// A term held by more sentences than this finds no candidates: its
/// postings are dropped while it is (and rebuilt when it falls back).
pub const MAX_POSTINGS: usize = 2000;

/// A query reads at most this many postings entries.
pub const PROBE_BUDGET: usize = 4000;

/// At most this many candidate sentences of a statement are scored, those
/// sharing the most (rarity-weighted) indexed terms.
pub const MAX_CANDIDATES: usize = 64;

/// A link found through another statement scores this much less.
const HOP_PENALTY: f32 = 0.1;

/// Links are followed one hop further from at most this many direct links.
const MAX_HOPS: usize = 8;

/// A claim group is explored up to this many statements.
const MAX_GROUP: usize = 256;

/// Memoised direct links are dropped all at once past this many.
const CACHE_LIMIT: usize = 200_000;

/// At most this many other documents are checked for a moderate
/// (mutual-best) link of one statement.
const MAX_MUTUAL_DOCS: usize = 8;

/// Neighbours this many sentences away (each side) can vouch for a
/// moderate link.
const VOUCH_WINDOW: usize = 3;

type Key = (DocId, u32);

#[derive(Debug, Default)]
struct Cache {
    by_doc: FxHashMap<DocId, FxHashMap<u32, Arc<[Link]>>>,
    len: usize,
}

/// A scored candidate.
#[derive(Clone, Copy, Debug)]
struct Scored {
    link: Link,
    cmp: Comparison,
}

/// Corpus-wide claim index.
#[derive(Debug, Default)]
pub struct ClaimIndex {
    docs: Vec<Option<Arc<DocClaims>>>,
    /// Each document's rank, which breaks ties between equal scores (by
    /// document id only when two ranks are equal).
    ranks: Vec<u64>,
    /// Each document's statements' fingerprints (never zero, so that an
    /// absent one takes no room: 8 bytes a statement, where `Option<u64>`
    /// took 16; 6.5M statements at 100k generated articles).
    prints: Vec<Vec<Option<NonZeroU64>>>,
    /// The statements with a fingerprint, by fingerprint.
    copies: Copies,
    /// Number of sentences holding each term (a small table, read for
    /// every weight).
    df: FxHashMap<TermId, u32>,
    /// The sentences holding each term not found too common, as (document,
    /// statement index).
    postings: FxHashMap<TermId, Vec<Key>>,
    /// Terms held by more than [`MAX_POSTINGS`] sentences.
    frequent: FxHashSet<TermId>,
    /// Frequent terms that fell back to [`MAX_POSTINGS`] sentences or
    /// fewer during an update: their postings are rebuilt at its end.
    fallen: FxHashSet<TermId>,
    /// Number of sentences.
    n: u32,
    cache: Mutex<Cache>,
}

impl ClaimIndex {
    /// Drop the index piece by piece, naming each piece for `t`
    /// ([`crate::analysis::teardown`]). The documents' matching data it
    /// shares with their analyses only lose a reference here.
    pub fn drop_piecewise(self, t: &mut crate::analysis::teardown::Teardown) {
        let ClaimIndex {
            docs,
            ranks,
            prints,
            copies,
            df,
            postings,
            frequent,
            fallen,
            n: _,
            cache,
        } = self;
        let statements = prints.iter().map(Vec::len).sum();
        t.drop("claim index: statement fingerprints", statements, prints);
        t.drop(
            "claim index: statements by fingerprint",
            copies.len(),
            copies,
        );
        let entries = postings.values().map(Vec::len).sum();
        t.drop(
            "claim index: postings (Vec<(DocId, u32)>)",
            entries,
            postings,
        );
        let rest = (ranks, df, frequent, fallen, cache);
        t.drop(
            "claim index: documents, ranks, term counts, link cache",
            docs.len(),
            (docs, rest),
        );
    }
}

/// A document's matching data with what indexing its statements needs from
/// the document alone (so for many documents in parallel, before the index
/// is locked): each sentence's terms and each statement's fingerprint.
#[derive(Debug)]
pub struct DocTerms {
    claims: Arc<DocClaims>,
    /// Every sentence's terms, one after another.
    terms: Vec<TermId>,
    /// (statement index, end of its terms in `terms`), for each sentence.
    sentences: Vec<(u32, u32)>,
    prints: Vec<Option<NonZeroU64>>,
}

impl DocTerms {
    pub fn new(claims: Arc<DocClaims>) -> DocTerms {
        let (mut terms, mut sentences) = (Vec::new(), Vec::new());
        ClaimIndex::sentence_terms(&claims, |i, ts| {
            terms.extend(ts.iter().map(|t| t.0));
            sentences.push((i, terms.len() as u32));
        });
        let prints = (0..claims.statements.len())
            .map(|st| ClaimIndex::print_of(&claims, st))
            .collect();
        DocTerms {
            claims,
            terms,
            sentences,
            prints,
        }
    }

    /// [`ClaimIndex::fingerprint`] of statement `st`, as it will be once the
    /// document is indexed.
    pub fn fingerprint(&self, st: u32) -> Option<u64> {
        self.prints.get(st as usize)?.map(NonZeroU64::get)
    }
}

impl ClaimIndex {
    /// Index a document (replacing an earlier version) without computing
    /// any links: the path for loading many documents. Answers computed
    /// earlier for other documents are forgotten.
    /// `rank` orders the document among others where scores tie.
    pub fn insert(&mut self, doc: DocId, rank: u64, claims: Arc<DocClaims>) {
        self.insert_terms(doc, rank, DocTerms::new(claims));
    }

    /// [`ClaimIndex::insert`] with the document's terms worked out before
    /// ([`DocTerms::new`], which needs no index: many documents' terms are
    /// made in parallel).
    pub fn insert_terms(&mut self, doc: DocId, rank: u64, terms: DocTerms) {
        self.unindex(doc);
        self.index(doc, rank, terms);
        self.restore_postings();
        self.clear_cache();
    }

    /// Insert or replace a document; returns the other documents whose
    /// links changed: those linked to it before or after. Costs what the
    /// document's own queries cost.
    pub fn update(&mut self, doc: DocId, rank: u64, claims: Arc<DocClaims>) -> Vec<DocId> {
        let mut affected = FxHashSet::default();
        if self.doc(doc).is_some() {
            self.linked_docs(doc, &mut affected);
            self.unindex(doc);
        }
        self.index(doc, rank, DocTerms::new(claims));
        self.restore_postings();
        self.clear_cache();
        self.linked_docs(doc, &mut affected);
        affected.remove(&doc);
        let mut out: Vec<DocId> = affected.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// Remove a document without working out which others were linked to
    /// it (what a corpus does: claim links are computed when asked).
    pub fn discard(&mut self, doc: DocId) {
        self.unindex(doc);
        self.restore_postings();
        self.clear_cache();
    }

    /// Remove a document; returns the other documents whose links changed.
    pub fn remove(&mut self, doc: DocId) -> Vec<DocId> {
        if self.doc(doc).is_none() {
            return Vec::new();
        }
        let mut affected = FxHashSet::default();
        self.linked_docs(doc, &mut affected);
        self.discard(doc);
        affected.remove(&doc);
        let mut out: Vec<DocId> = affected.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// Give back the room kept for growth, after loading many documents at
    /// once (see [`Copies::settle`]). Answers do not change.
    pub fn settle(&mut self) {
        self.copies.settle();
    }

    /// Forget every memoised answer: term weights changed with the edit, so
    /// scores anywhere may have moved a little, and answers must not depend
    /// on the order documents arrived in. Bounded by [`CACHE_LIMIT`].
    fn clear_cache(&mut self) {
        let c = self.cache.get_mut();
        c.by_doc.clear();
        c.len = 0;
    }

    /// Number of indexed documents.
    pub fn len(&self) -> usize {
        self.docs.iter().filter(|d| d.is_some()).count()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.iter().all(Option::is_none)
    }

    fn doc(&self, doc: DocId) -> Option<&Arc<DocClaims>> {
        self.docs.get(doc as usize).and_then(Option::as_ref)
    }

    /// The order of statements where scores tie: by their document's rank,
    /// then id, then position.
    fn ord(&self, k: Key) -> (u64, DocId, u32) {
        let rank = self.ranks.get(k.0 as usize).copied().unwrap_or(0);
        (rank, k.0, k.1)
    }

    /// Links best first: by score, then in [`ClaimIndex::ord`].
    fn best_first(&self, a: &Link, b: &Link) -> std::cmp::Ordering {
        b.score.total_cmp(&a.score).then_with(|| {
            self.ord((a.doc, a.statement))
                .cmp(&self.ord((b.doc, b.statement)))
        })
    }

    fn stmt(&self, k: Key) -> Option<&StatementClaims> {
        self.doc(k.0)?.statements.get(k.1 as usize)
    }

    /// The statements that make the same claim as `doc`'s statement
    /// `statement`, itself excluded, best first.
    ///
    /// These are the direct links and, one hop further, the direct links of
    /// its strong links (a score at or above the threshold), scored as the
    /// weaker of the two hops less a tenth: a restatement that matches the
    /// original well also repeats what the original's other restatements
    /// say. Of statements that overlap in one document (a clause, a quote
    /// and their sentence) only the best is listed.
    pub fn links(&self, doc: DocId, statement: u32) -> Vec<Link> {
        let Some(me) = self.stmt((doc, statement)).copied() else {
            return Vec::new();
        };
        let direct = self.direct(doc, statement);
        let mut out: Vec<(Link, StatementClaims)> = Vec::with_capacity(direct.len());
        let clash = |out: &[(Link, StatementClaims)], l: &Link, s: &StatementClaims| {
            (l.doc == doc && s.overlaps(&me))
                || out.iter().any(|(o, os)| o.doc == l.doc && os.overlaps(s))
        };
        for l in direct.iter() {
            if let Some(s) = self.stmt((l.doc, l.statement))
                && !clash(&out, l, s)
            {
                out.push((*l, *s));
            }
        }
        let firsts = out.len().min(MAX_HOPS);
        for i in 0..firsts {
            let (l, ls) = out[i];
            if l.score < similarity::threshold(me.is_clause() || ls.is_clause()) {
                continue;
            }
            for m in self.direct(l.doc, l.statement).iter() {
                let Some(s) = self.stmt((m.doc, m.statement)) else {
                    continue;
                };
                if !clash(&out, m, s) {
                    let score = l.score.min(m.score) - HOP_PENALTY;
                    out.push((
                        Link {
                            doc: m.doc,
                            statement: m.statement,
                            score,
                        },
                        *s,
                    ));
                }
            }
        }
        out.sort_by(|a, b| self.best_first(&a.0, &b.0));
        out.into_iter().map(|(l, _)| l).collect()
    }

    /// The direct links of a statement, best first, memoised until an edit
    /// touches its document.
    fn direct(&self, doc: DocId, statement: u32) -> Arc<[Link]> {
        if let Some(l) = self
            .cache
            .lock()
            .by_doc
            .get(&doc)
            .and_then(|m| m.get(&statement))
        {
            return l.clone();
        }
        let links: Arc<[Link]> = self.compute_direct((doc, statement)).into();
        let mut c = self.cache.lock();
        if c.len >= CACHE_LIMIT {
            c.by_doc.clear();
            c.len = 0;
        }
        if c.by_doc
            .entry(doc)
            .or_default()
            .insert(statement, links.clone())
            .is_none()
        {
            c.len += 1;
        }
        links
    }

    /// The direct links of a statement: every statement scoring at or above
    /// the threshold with it, and those at or above the lower mutual
    /// threshold that are its best match in their document while it is
    /// theirs in its own, in other documents or, within one document, said
    /// by the same named speaker (a quote and its report in narration).
    /// Symmetric: `b` is among `a`'s direct links exactly when `a` is among
    /// `b`'s (up to the bounds on candidates).
    fn compute_direct(&self, key: Key) -> Vec<Link> {
        let Some(me) = self.stmt(key).copied() else {
            return Vec::new();
        };
        let mut f = Features::default();
        let mut g = Features::default();
        self.features(key, &mut f);
        let scored = self.scored(key, &me, &f);
        let mut out = Vec::new();
        let mut mutual_docs = 0usize;
        let mut checked: FxHashMap<DocId, Option<u32>> = FxHashMap::default();
        for s in &scored {
            let other = (s.link.doc, s.link.statement);
            let Some(ost) = self.stmt(other).copied() else {
                continue;
            };
            let clause = me.is_clause() || ost.is_clause();
            if s.cmp.score >= similarity::threshold(clause) {
                out.push(s.link);
                continue;
            }
            if s.cmp.shared_words < similarity::MUTUAL_MIN_SHARED_WORDS
                || (other.0 == key.0 && (me.speaker == 0 || me.speaker != ost.speaker))
            {
                continue;
            }
            // my best in the other document (scored is best first; a
            // statement overlapping the first counts as the same place)
            let best_there = scored
                .iter()
                .find(|x| x.link.doc == other.0)
                .map(|x| x.link.statement);
            let overlaps = |d: DocId, a: u32, b: u32| match (self.stmt((d, a)), self.stmt((d, b))) {
                (Some(x), Some(y)) => a == b || x.overlaps(y),
                _ => false,
            };
            if !best_there.is_some_and(|b| overlaps(other.0, b, other.1)) {
                continue;
            }
            // and its best in my document
            let back = match checked.get(&other.0) {
                Some(&b) if other.0 != key.0 => b,
                _ => {
                    if mutual_docs >= MAX_MUTUAL_DOCS {
                        continue;
                    }
                    mutual_docs += 1;
                    self.features(other, &mut g);
                    let b = self.best_in_doc(other, &ost, &g, key.0);
                    checked.insert(other.0, b);
                    b
                }
            };
            if back.is_some_and(|b| overlaps(key.0, b, key.1))
                && (other.0 == key.0 || self.vouched(key, other))
            {
                out.push(s.link);
            }
        }
        if self.add_copies(key, &me, &f, &mut out) {
            out.sort_by(|a, b| self.best_first(a, b));
        }
        out
    }

    /// Add to `out` the verbatim copies of statement `key` (features `f`)
    /// that are its neighbours among all its copies
    /// ([`Copies::neighbours`]) and not in `out` yet, when a copy scores at
    /// the threshold. Statements of its own document that overlap it are
    /// never linked. Returns whether any was added.
    ///
    /// A copy has the statement's fingerprint, so the same features (both
    /// are made from the same terms, and a clause is never a copy of a
    /// sentence): its score is the statement's score against itself,
    /// computed once.
    fn add_copies(
        &self,
        key: Key,
        me: &StatementClaims,
        f: &Features,
        out: &mut Vec<Link>,
    ) -> bool {
        let Some(print) = self.fingerprint(key) else {
            return false;
        };
        let near = self.copies.neighbours(
            key,
            print,
            |k| self.fingerprint(k) == Some(print),
            |k| self.ord(k),
        );
        let mut score = None;
        let mut added = false;
        for k in near {
            // a copy in my own document is a different place unless it
            // overlaps me (a sentence and its own clause)
            let overlapping = k.0 == key.0 && self.stmt(k).is_some_and(|st| st.overlaps(me));
            if overlapping || out.iter().any(|l| (l.doc, l.statement) == k) {
                continue;
            }
            let score =
                *score.get_or_insert_with(|| similarity::compare(f, f, |t| self.idf(t)).score);
            if score < similarity::threshold(me.is_clause()) {
                break;
            }
            out.push(Link {
                doc: k.0,
                statement: k.1,
                score,
            });
            added = true;
        }
        added
    }

    /// Do neighbours vouch for a moderate pair across two documents? As in
    /// sentence alignment, a pair between aligned neighbours is aligned
    /// too: some sentence near `a` (within [`VOUCH_WINDOW`] sentences, its
    /// quotes and clauses included) is strongly linked to one near `b`.
    /// Two articles that merely share a topic have no such anchors.
    fn vouched(&self, a: Key, b: Key) -> bool {
        let (Some(ca), Some(cb)) = (self.doc(a.0), self.doc(b.0)) else {
            return false;
        };
        let near = |c: &DocClaims, k: u32| -> Vec<usize> {
            let own = c.sentence_of(k as usize);
            let mut out = Vec::new();
            // sentences before
            let mut i = own;
            let mut n = 0;
            while i > 0 && n < VOUCH_WINDOW {
                i = c.sentence_of(i - 1);
                out.extend(c.family(i));
                n += 1;
            }
            // the statement's own sentence, less the statement itself
            out.extend(
                c.family(own)
                    .filter(|&j| !c.statements[j].overlaps(&c.statements[k as usize])),
            );
            let mut e = c.family(own).end;
            n = 0;
            while e < c.statements.len() && n < VOUCH_WINDOW {
                let r = c.family(e);
                e = r.end;
                out.extend(r);
                n += 1;
            }
            out.retain(|&j| c.statements[j].linkable());
            out
        };
        let (na, nb) = (near(ca, a.1), near(cb, b.1));
        let (mut f, mut g) = (Features::default(), Features::default());
        for &x in &na {
            ca.features(x, &mut f);
            let sx = ca.statements[x];
            for &y in &nb {
                let sy = cb.statements[y];
                if a.0 == b.0 && (sx.overlaps(&sy) || x == y) {
                    continue;
                }
                cb.features(y, &mut g);
                if !similarity::may_match(&f, &g) {
                    continue;
                }
                let c = similarity::compare(&f, &g, |t| self.idf(t));
                if c.score >= similarity::threshold(sx.is_clause() || sy.is_clause()) {
                    return true;
                }
            }
        }
        false
    }

    /// The statement of document `doc` that best matches `who` (features
    /// `f`), when any scores at or above the mutual threshold.
    fn best_in_doc(&self, who: Key, me: &StatementClaims, f: &Features, doc: DocId) -> Option<u32> {
        let claims = self.doc(doc)?;
        let own = (who.0 == doc).then(|| {
            let c = self.doc(who.0)?;
            Some(c.family(c.sentence_of(who.1 as usize)))
        });
        let own = own.flatten();
        let mut g = Features::default();
        let mut best: Option<(f32, u32)> = None;
        for (i, st) in claims.statements.iter().enumerate() {
            if !st.linkable() || own.as_ref().is_some_and(|r| r.contains(&i)) {
                continue;
            }
            claims.features(i, &mut g);
            if !similarity::may_match(f, &g) {
                continue;
            }
            let c = similarity::compare(f, &g, |t| self.idf(t));
            if c.score >= similarity::mutual_threshold(me.is_clause() || st.is_clause())
                && best.is_none_or(|(s, _)| c.score > s)
            {
                best = Some((c.score, i as u32));
            }
        }
        best.map(|b| b.1)
    }

    fn features(&self, k: Key, out: &mut Features) {
        match self.doc(k.0) {
            Some(c) => c.features(k.1 as usize, out),
            None => {
                out.terms.clear();
                out.bigrams.clear();
            }
        }
    }

    /// Do statements `a` and `b`, each as (document, statement index), make
    /// the same claim (directly linked or in one claim group)?
    pub fn is_linked(&self, a: (DocId, u32), b: (DocId, u32)) -> bool {
        if a == b {
            return false;
        }
        self.group(a).contains(&b)
    }

    /// The claim group of a statement: every statement reachable through
    /// links, itself included, sorted (explored up to a bound).
    pub fn group(&self, start: (DocId, u32)) -> Vec<(DocId, u32)> {
        let mut seen: FxHashSet<Key> = FxHashSet::default();
        let mut queue = vec![start];
        seen.insert(start);
        while let Some(k) = queue.pop() {
            for l in self.direct(k.0, k.1).iter() {
                let n = (l.doc, l.statement);
                if seen.len() < MAX_GROUP && seen.insert(n) {
                    queue.push(n);
                }
            }
        }
        if seen.len() == 1 {
            return Vec::new();
        }
        let mut out: Vec<Key> = seen.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// All claim groups with at least two places: (doc, statement) lists,
    /// each sorted, the groups in order of their first member. Of
    /// statements of one group that overlap (a sentence and its clause) only
    /// the first is listed. Computed in parallel, without memoising (the
    /// links of a whole corpus would not fit).
    pub fn groups(&self) -> Vec<Vec<(DocId, u32)>> {
        let keys: Vec<Key> = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(d, c)| c.as_ref().map(|c| (d as DocId, c)))
            .flat_map(|(d, c)| {
                c.statements
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.linkable())
                    .map(move |(i, _)| (d, i as u32))
            })
            .collect();
        let mut edges: Vec<(Key, Key)> = keys
            .par_iter()
            .flat_map_iter(|&k| {
                // the lock is let go before computing (a guard in the
                // `match` head would live through every arm and make the
                // whole pass run on one thread)
                let memo = self
                    .cache
                    .lock()
                    .by_doc
                    .get(&k.0)
                    .and_then(|m| m.get(&k.1))
                    .cloned();
                let links = match memo {
                    Some(l) => l.to_vec(),
                    None => self.compute_direct(k),
                };
                links
                    .into_iter()
                    .map(move |l| (k, (l.doc, l.statement)))
                    .filter(|(a, b)| a < b)
            })
            .collect();
        edges.sort_unstable();
        edges.dedup();
        let mut pos: FxHashMap<Key, usize> = FxHashMap::default();
        let mut members: Vec<Key> = Vec::new();
        let mut id = |k: Key, members: &mut Vec<Key>| {
            *pos.entry(k).or_insert_with(|| {
                members.push(k);
                members.len() - 1
            })
        };
        let pairs: Vec<(usize, usize)> = edges
            .iter()
            .map(|&(a, b)| (id(a, &mut members), id(b, &mut members)))
            .collect();
        let mut parent: Vec<usize> = (0..members.len()).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for (i, j) in pairs {
            let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
            if ri != rj {
                parent[ri.max(rj)] = ri.min(rj);
            }
        }
        let mut by_root: FxHashMap<usize, Vec<Key>> = FxHashMap::default();
        for (i, &k) in members.iter().enumerate() {
            let r = find(&mut parent, i);
            by_root.entry(r).or_default().push(k);
        }
        // a sentence and its own clause or quote in one group are one
        // place: keep the first (the sentence; statements come in order)
        let mut groups: Vec<Vec<Key>> = by_root
            .into_values()
            .map(|mut g| {
                g.sort_unstable();
                let mut kept: Vec<(Key, StatementClaims)> = Vec::with_capacity(g.len());
                for k in g {
                    let Some(s) = self.stmt(k) else { continue };
                    if !kept.iter().any(|(o, os)| o.0 == k.0 && os.overlaps(s)) {
                        kept.push((k, *s));
                    }
                }
                kept.into_iter().map(|(k, _)| k).collect::<Vec<Key>>()
            })
            .filter(|g| g.len() >= 2)
            .collect();
        groups.sort_unstable();
        groups
    }

    /// Do two statements say the same thing, judged on the pair alone (no
    /// index query, so cheap enough to ask for many pairs): a score at the
    /// linking threshold. (Links found through the index may be weaker,
    /// vouched for by mutual best matches; a pair alone must be strong.)
    /// Used to decide which figures measure the same thing.
    pub fn similar(&self, a: (DocId, u32), b: (DocId, u32)) -> bool {
        let (Some(sa), Some(sb)) = (self.stmt(a), self.stmt(b)) else {
            return false;
        };
        if !sa.linkable() || !sb.linkable() {
            return false;
        }
        let clause = sa.is_clause() || sb.is_clause();
        let Some(c) = self.compare(a, b) else {
            return false;
        };
        c.score >= similarity::threshold(clause)
    }

    /// What [`ClaimIndex::similar`] reads of a statement, hashed: whether
    /// it is a clause and its run of terms less the attribution (from which
    /// its features are made). Two statements with one fingerprint — copies
    /// of one sentence in different articles — are similar to the same
    /// statements, so a caller comparing many pairs can compare each pair of
    /// fingerprints once. `None` for an unknown or unlinkable statement,
    /// which is similar to nothing. (A 64-bit hash: two different runs
    /// sharing one would be taken for copies; vanishingly rare.)
    pub fn fingerprint(&self, k: (DocId, u32)) -> Option<u64> {
        self.prints
            .get(k.0 as usize)?
            .get(k.1 as usize)?
            .map(NonZeroU64::get)
    }

    /// [`ClaimIndex::fingerprint`] of statement `st`, computed (once per
    /// statement, when its document is indexed).
    fn print_of(c: &DocClaims, st: usize) -> Option<NonZeroU64> {
        use std::hash::Hasher;
        let s = c.statements.get(st)?;
        if !s.linkable() {
            return None;
        }
        let (a, b) = (s.start as usize, s.end as usize);
        let (terms, classes) = (c.terms.get(a..b)?, c.classes.get(a..b)?);
        let skip = (
            s.skip.0.saturating_sub(s.start) as usize,
            s.skip.1.saturating_sub(s.start) as usize,
        );
        let mut h = rustc_hash::FxHasher::default();
        h.write_u8(s.is_clause() as u8);
        for (i, (&t, &cl)) in terms.iter().zip(classes).enumerate() {
            if skip.0 <= i && i < skip.1 {
                continue;
            }
            h.write_u32(t);
            h.write_u8(cl as u8);
        }
        let x = h.finish();
        // a zero hash is taken as one: one more way for two runs to share
        // a fingerprint, as rare as any other
        Some(NonZeroU64::new(x ^ (x >> 29)).unwrap_or(NonZeroU64::MIN))
    }

    /// A statement's features with its terms' current rarities, for
    /// [`ClaimIndex::similar_rated`], and whether it is a clause; `None` for
    /// an unknown or unlinkable statement.
    pub fn linkable_rated(&self, k: (DocId, u32)) -> Option<(Rated, bool)> {
        let s = self.stmt(k)?;
        if !s.linkable() {
            return None;
        }
        let clause = s.is_clause();
        let mut features = Features::default();
        self.features(k, &mut features);
        let idf = self.rarities(&features);
        Some((Rated { features, idf }, clause))
    }

    /// [`ClaimIndex::similar`] on statements rated already
    /// ([`ClaimIndex::linkable_rated`]), each with whether it is a clause:
    /// no allocation and no lookup.
    pub fn similar_rated(&self, a: (&Rated, bool), b: (&Rated, bool)) -> bool {
        let c = similarity::compare_rated(a.0, b.0);
        c.score >= similarity::threshold(a.1 || b.1)
    }

    /// Compare two statements with the current term weights (for
    /// explanations and calibration); `None` when either is unknown.
    pub fn compare(&self, a: (DocId, u32), b: (DocId, u32)) -> Option<Comparison> {
        self.stmt(a)?;
        self.stmt(b)?;
        let (mut fa, mut fb) = (Features::default(), Features::default());
        self.features(a, &mut fa);
        self.features(b, &mut fb);
        Some(similarity::compare(&fa, &fb, |t| self.idf(t)))
    }

    /// How rare a term is among the indexed statements.
    fn idf(&self, t: TermId) -> f32 {
        let df = self.df.get(&t).copied().unwrap_or(0);
        similarity::idf(df, self.n)
    }

    /// How rare each of a statement's terms is, in the order of its terms.
    fn rarities(&self, f: &Features) -> Vec<f32> {
        f.terms.iter().map(|&(t, _)| self.idf(t)).collect()
    }

    /// The distinct content terms of each sentence of a document.
    fn sentence_terms(claims: &DocClaims, mut each: impl FnMut(u32, &[(TermId, TermClass)])) {
        let mut f = Features::default();
        for (i, st) in claims.statements.iter().enumerate() {
            if !st.is_sentence() {
                continue;
            }
            claims.features(i, &mut f);
            f.terms.retain(|t| t.1 != TermClass::Negation);
            each(i as u32, &f.terms);
        }
    }

    fn index(&mut self, doc: DocId, rank: u64, terms: DocTerms) {
        let (df, postings, frequent) = (&mut self.df, &mut self.postings, &mut self.frequent);
        let mut from = 0;
        for &(i, end) in &terms.sentences {
            for &t in &terms.terms[from..end as usize] {
                let d = df.entry(t).or_default();
                *d += 1;
                if *d as usize > MAX_POSTINGS {
                    if frequent.insert(t) {
                        postings.remove(&t);
                    }
                } else if !frequent.contains(&t) {
                    postings.entry(t).or_default().push((doc, i));
                }
            }
            from = end as usize;
        }
        self.n += terms.sentences.len() as u32;
        if self.docs.len() <= doc as usize {
            self.docs.resize(doc as usize + 1, None);
            self.ranks.resize(doc as usize + 1, 0);
            self.prints.resize(doc as usize + 1, Vec::new());
        }
        let prints = terms.prints.iter().map(|p| p.map(NonZeroU64::get));
        self.copies.insert(doc, rank, prints);
        self.prints[doc as usize] = terms.prints;
        self.docs[doc as usize] = Some(terms.claims);
        self.ranks[doc as usize] = rank;
    }

    fn unindex(&mut self, doc: DocId) {
        let Some(claims) = self.docs.get_mut(doc as usize).and_then(Option::take) else {
            return;
        };
        if let Some(p) = self.prints.get_mut(doc as usize) {
            let prints = std::mem::take(p);
            let prints = prints.iter().map(|p| p.map(NonZeroU64::get));
            let rank = self.ranks.get(doc as usize).copied().unwrap_or(0);
            self.copies.remove(doc, rank, prints);
        }
        let mut distinct: FxHashSet<TermId> = FxHashSet::default();
        let (df, frequent, fallen) = (&mut self.df, &self.frequent, &mut self.fallen);
        let mut n = 0u32;
        Self::sentence_terms(&claims, |_, ts| {
            n += 1;
            for &(t, _) in ts {
                distinct.insert(t);
                if let Some(d) = df.get_mut(&t) {
                    *d = d.saturating_sub(1);
                    if *d as usize <= MAX_POSTINGS && frequent.contains(&t) {
                        fallen.insert(t);
                    }
                    if *d == 0 {
                        df.remove(&t);
                    }
                }
            }
        });
        for t in distinct {
            if let Some(list) = self.postings.get_mut(&t) {
                // a document's entries are one run: documents are indexed
                // one at a time (or, by `restore_postings`, in turn), and
                // removing keeps the order. An edited document's run is
                // last, so it is looked for from the end: a retain over
                // every list of a 36 KB transcript's terms (up to
                // MAX_POSTINGS entries each) was a tenth of a keystroke's
                // time at 100k generated articles (perf).
                if let Some(last) = list.iter().rposition(|k| k.0 == doc) {
                    let first = list[..last]
                        .iter()
                        .rposition(|k| k.0 != doc)
                        .map_or(0, |at| at + 1);
                    list.drain(first..=last);
                    debug_assert!(list.iter().all(|k| k.0 != doc), "one run a document");
                }
                if list.is_empty() {
                    self.postings.remove(&t);
                }
            }
        }
        self.n = self.n.saturating_sub(n);
    }

    /// Rebuild the postings of the frequent terms that fell back to
    /// [`MAX_POSTINGS`] sentences or fewer, so that the index holds what
    /// one built from the current documents would. A scan of the corpus,
    /// done only when a term crosses the bound downwards.
    fn restore_postings(&mut self) {
        if self.fallen.is_empty() {
            return;
        }
        let mut back: FxHashSet<TermId> = std::mem::take(&mut self.fallen)
            .into_iter()
            .filter(|t| self.df.get(t).is_none_or(|&d| d as usize <= MAX_POSTINGS))
            .collect();
        back.retain(|t| self.frequent.remove(t));
        if back.is_empty() {
            return;
        }
        for (d, c) in self.docs.iter().enumerate() {
            let Some(c) = c else { continue };
            let postings = &mut self.postings;
            Self::sentence_terms(c, |i, ts| {
                for &(t, _) in ts {
                    if back.contains(&t) {
                        postings.entry(t).or_default().push((d as DocId, i));
                    }
                }
            });
        }
    }

    /// The probe table, for tests: each term with postings and their
    /// number, and the frequent terms, sorted.
    #[cfg(test)]
    pub(super) fn probe_table(&self) -> (Vec<(TermId, usize)>, Vec<TermId>) {
        let mut p: Vec<(TermId, usize)> =
            self.postings.iter().map(|(&t, l)| (t, l.len())).collect();
        p.sort_unstable();
        let mut f: Vec<TermId> = self.frequent.iter().copied().collect();
        f.sort_unstable();
        (p, f)
    }

    /// Every term's postings, sorted, for tests.
    #[cfg(test)]
    pub(super) fn postings_table(&self) -> Vec<(TermId, Vec<Key>)> {
        let mut p: Vec<(TermId, Vec<Key>)> = self
            .postings
            .iter()
            .map(|(&t, l)| {
                let mut l = l.clone();
                l.sort_unstable();
                (t, l)
            })
            .collect();
        p.sort_unstable();
        p
    }

    /// Number of statements held by fingerprint, for tests.
    #[cfg(test)]
    pub(super) fn copies_len(&self) -> usize {
        self.copies.len()
    }

    /// The direct links of a statement, for tests.
    #[cfg(test)]
    pub(super) fn direct_links(&self, doc: DocId, statement: u32) -> Vec<Link> {
        self.direct(doc, statement).to_vec()
    }

    /// Add to `out` every document linked to a statement of `doc`.
    fn linked_docs(&self, doc: DocId, out: &mut FxHashSet<DocId>) {
        let Some(claims) = self.doc(doc) else {
            return;
        };
        for (s, st) in claims.statements.iter().enumerate() {
            if !st.linkable() {
                continue;
            }
            for l in self.direct(doc, s as u32).iter() {
                out.insert(l.doc);
            }
        }
    }

    /// The candidate sentences of a statement: those sharing its rarest
    /// terms, at most [`MAX_CANDIDATES`], its own sentence excluded.
    fn candidates(&self, key: Key, f: &Features) -> Vec<Key> {
        let own = self
            .doc(key.0)
            .map(|c| c.sentence_of(key.1 as usize) as u32);
        let mut probes: Vec<(usize, &[Key])> = Vec::with_capacity(f.terms.len());
        let mut unprobed = 0usize;
        for &(t, class) in &f.terms {
            if class == TermClass::Negation {
                continue;
            }
            match self.postings.get(&t) {
                Some(list) => probes.push((list.len(), list)),
                None if self.frequent.contains(&t) => unprobed += 1,
                None => {}
            }
        }
        probes.sort_unstable_by_key(|p| p.0);
        // the rarest lists first, within the budget
        let mut read = 0usize;
        probes.retain(|&(len, _)| {
            let within = read + len <= PROBE_BUDGET;
            if within {
                read += len;
            } else {
                unprobed += 1;
            }
            within
        });
        // sized for every entry read: growing it was a third of the time
        // spent finding candidates
        let mut acc: FxHashMap<Key, (u32, f32)> =
            FxHashMap::with_capacity_and_hasher(read, Default::default());
        for (len, list) in probes.iter() {
            let rarity = similarity::idf(*len as u32, self.n.max(*len as u32));
            for &k in list.iter() {
                let e = acc.entry(k).or_default();
                e.0 += 1;
                e.1 += rarity;
            }
        }
        // a link needs MIN_SHARED_TERMS shared terms, synonyms included: two
        // literal ones among the probed terms unless some went unprobed
        let need = if unprobed == 0 { 2 } else { 1 };
        let mut cands: Vec<(Key, f32)> = acc
            .into_iter()
            .filter(|&(k, (count, _))| count >= need && !(k.0 == key.0 && Some(k.1) == own))
            .map(|(k, (_, w))| (k, w))
            .collect();
        if cands.len() > MAX_CANDIDATES {
            cands.select_nth_unstable_by(MAX_CANDIDATES, |a, b| {
                b.1.total_cmp(&a.1).then(self.ord(a.0).cmp(&self.ord(b.0)))
            });
            cands.truncate(MAX_CANDIDATES);
        }
        cands.into_iter().map(|c| c.0).collect()
    }

    /// Every statement scoring at least the mutual threshold with this one,
    /// best first.
    fn scored(&self, key: Key, me: &StatementClaims, f: &Features) -> Vec<Scored> {
        if !me.linkable() {
            return Vec::new();
        }
        let mut out: Vec<Scored> = Vec::new();
        let mut g = Features::default();
        // compared with every candidate: its rarities looked up once
        let idf = self.rarities(f);
        for c in self.candidates(key, f) {
            let Some(claims) = self.doc(c.0) else {
                continue;
            };
            for i in claims.family(c.1 as usize) {
                let st = &claims.statements[i];
                if !st.linkable() || (c.0 == key.0 && st.overlaps(me)) {
                    continue;
                }
                claims.features(i, &mut g);
                if !similarity::may_match(f, &g) {
                    continue;
                }
                let cmp = similarity::compare_from(f, &idf, &g, |t| self.idf(t));
                if cmp.score >= similarity::mutual_threshold(me.is_clause() || st.is_clause()) {
                    out.push(Scored {
                        link: Link {
                            doc: c.0,
                            statement: i as u32,
                            score: cmp.score,
                        },
                        cmp,
                    });
                }
            }
        }
        out.sort_by(|a, b| self.best_first(&a.link, &b.link));
        out
    }
}
