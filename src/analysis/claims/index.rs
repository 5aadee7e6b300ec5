//! The corpus-wide claim index: an inverted index from terms to the
//! statements holding them, and statement-level document frequencies for
//! term weights.
//!
//! Links are not stored: they are computed when asked, from the index as it
//! is now, and memoised until the next edit. So the answer for a corpus never
//! depends on the order its documents arrived in, and an edit costs only the
//! re-indexing of its own statements (plus finding which documents it was or
//! is linked to, to report them). Candidates come from the postings of a
//! statement's terms; a term held by more than [`MAX_POSTINGS`] statements is
//! too common to find candidates through (its postings stop growing) and
//! only counts when scoring.

use std::sync::Arc;

use parking_lot::Mutex;
use rustc_hash::{FxHashMap, FxHashSet};

use super::features::Features;
use super::normalize::{TermClass, TermId};
use super::similarity::{self, Comparison};
use super::synonyms;
use super::{DocClaims, Link};
use crate::analysis::entities::DocId;
use crate::analysis::span::Span;

/// Postings of a term stop growing at this length.
pub const MAX_POSTINGS: usize = 2000;

/// Candidates must share this many indexed terms (outside the query's most
/// common ones) before they are scored.
const MIN_CANDIDATE_TERMS: u32 = 1;

/// A link found through another statement scores this much less.
const HOP_PENALTY: f32 = 0.1;

/// At most this many candidates of a statement are scored, those sharing
/// the most (rarity-weighted) indexed terms.
pub const MAX_CANDIDATES: usize = 256;

/// A claim group is explored up to this many statements.
const MAX_GROUP: usize = 256;

type Key = (DocId, u32);

/// Corpus-wide claim index, updated one document at a time.
#[derive(Debug, Default)]
pub struct ClaimIndex {
    docs: FxHashMap<DocId, Arc<DocClaims>>,
    postings: FxHashMap<TermId, Vec<Key>>,
    /// Number of top-level statements (sentences) holding each term.
    df: FxHashMap<TermId, u32>,
    /// Number of top-level statements.
    n: u32,
    cache: Mutex<FxHashMap<Key, Arc<[Link]>>>,
    direct_cache: Mutex<FxHashMap<Key, Arc<[Link]>>>,
}

impl ClaimIndex {
    /// Insert or replace a document; returns the other documents whose links changed.
    pub fn update(&mut self, doc: DocId, claims: Arc<DocClaims>) -> Vec<DocId> {
        let mut affected = FxHashSet::default();
        if self.docs.contains_key(&doc) {
            self.linked_docs(doc, &mut affected);
            self.unindex(doc);
        }
        self.index(doc, claims);
        self.linked_docs(doc, &mut affected);
        affected.remove(&doc);
        let mut out: Vec<DocId> = affected.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// Remove a document; returns the other documents whose links changed.
    pub fn remove(&mut self, doc: DocId) -> Vec<DocId> {
        if !self.docs.contains_key(&doc) {
            return Vec::new();
        }
        let mut affected = FxHashSet::default();
        self.linked_docs(doc, &mut affected);
        self.unindex(doc);
        affected.remove(&doc);
        let mut out: Vec<DocId> = affected.into_iter().collect();
        out.sort_unstable();
        out
    }

    /// The statements that make the same claim as `doc`'s statement
    /// `statement`, itself excluded, best first.
    ///
    /// These are the direct links (a score at or above the threshold) and
    /// the direct links of those, one hop further, scored as the weaker of
    /// the two hops less a tenth: a claim group is the same claim, and a
    /// restatement that matches the original well enough also repeats what
    /// the original's other restatements say.
    pub fn links(&self, doc: DocId, statement: u32) -> Vec<Link> {
        let direct = self.direct(doc, statement);
        let Some(me) = self.span_of((doc, statement)) else {
            return Vec::new();
        };
        // of statements that overlap in one document (a clause, a quote and
        // their sentence) only the best stays
        let mut out: Vec<(Link, Span)> = Vec::with_capacity(direct.len());
        for l in direct.iter() {
            if let Some(sp) = self.span_of((l.doc, l.statement))
                && !out
                    .iter()
                    .any(|(o, osp)| o.doc == l.doc && osp.overlaps(sp))
            {
                out.push((*l, sp));
            }
        }
        let firsts = out.len();
        for i in 0..firsts {
            let l = out[i].0;
            for m in self.direct(l.doc, l.statement).iter() {
                let Some(sp) = self.span_of((m.doc, m.statement)) else {
                    continue;
                };
                let clash = (m.doc == doc && sp.overlaps(me))
                    || out
                        .iter()
                        .any(|(o, osp)| o.doc == m.doc && osp.overlaps(sp));
                if !clash {
                    let score = l.score.min(m.score) - HOP_PENALTY;
                    out.push((
                        Link {
                            doc: m.doc,
                            statement: m.statement,
                            score,
                        },
                        sp,
                    ));
                }
            }
        }
        out.sort_by(|a, b| {
            b.0.score
                .total_cmp(&a.0.score)
                .then((a.0.doc, a.0.statement).cmp(&(b.0.doc, b.0.statement)))
        });
        out.into_iter().map(|(l, _)| l).collect()
    }

    /// The direct links of a statement, best first, memoised until the
    /// next edit: every statement scoring at or above the threshold with it,
    /// and those at or above the lower mutual threshold that are its best
    /// match while it is theirs (as in sentence alignment: a translation or
    /// rewrite of a quote is the closest thing to it in the other article,
    /// while a sentence that only shares a topic has closer neighbours),
    /// in other documents or, within one document, said by the same named
    /// speaker (a quote and its report in narration). Symmetric: `b` is among `a`'s direct
    /// links exactly when `a` is among `b`'s.
    fn direct(&self, doc: DocId, statement: u32) -> Arc<[Link]> {
        let key = (doc, statement);
        if let Some(l) = self.direct_cache.lock().get(&key) {
            return l.clone();
        }
        let me = self.clause_flag(key);
        let scored = self.scored(doc, statement);
        let links: Arc<[Link]> = scored
            .iter()
            .filter(|l| {
                let clause = me || self.clause_flag((l.doc, l.statement));
                l.score >= similarity::threshold(clause)
                    || ((l.doc != doc || self.same_speaker(key, (l.doc, l.statement)))
                        && self.mutual_best(key, (l.doc, l.statement))
                        && self
                            .compare(key, (l.doc, l.statement))
                            .is_some_and(|c| c.shared_words >= similarity::MUTUAL_MIN_SHARED_WORDS))
            })
            .copied()
            .collect();
        self.direct_cache.lock().insert(key, links.clone());
        links
    }

    /// Every candidate at or above the mutual threshold, best first.
    fn scored(&self, doc: DocId, statement: u32) -> Arc<[Link]> {
        let key = (doc, statement);
        if let Some(l) = self.cache.lock().get(&key) {
            return l.clone();
        }
        let links: Arc<[Link]> = self.compute_scored(doc, statement).into();
        self.cache.lock().insert(key, links.clone());
        links
    }

    /// Is `b` (or a statement overlapping it) `a`'s best match, and the
    /// other way round?
    fn mutual_best(&self, a: Key, b: Key) -> bool {
        let best_overlaps = |x: Key, y: Key| {
            let Some(best) = self.scored(x.0, x.1).first().copied() else {
                return false;
            };
            best.doc == y.0
                && match (self.span_of((best.doc, best.statement)), self.span_of(y)) {
                    (Some(p), Some(q)) => p.overlaps(q),
                    _ => false,
                }
        };
        best_overlaps(a, b) && best_overlaps(b, a)
    }

    /// Do two statements have the same named speaker?
    fn same_speaker(&self, a: Key, b: Key) -> bool {
        let speaker = |k: Key| {
            self.docs
                .get(&k.0)
                .and_then(|c| c.statements.get(k.1 as usize))
                .and_then(|s| s.speaker)
        };
        speaker(a).is_some() && speaker(a) == speaker(b)
    }

    fn clause_flag(&self, k: Key) -> bool {
        self.docs
            .get(&k.0)
            .and_then(|c| c.statements.get(k.1 as usize))
            .is_some_and(|s| s.is_clause())
    }

    fn span_of(&self, k: Key) -> Option<Span> {
        Some(self.docs.get(&k.0)?.statements.get(k.1 as usize)?.span)
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
    /// the first is listed.
    pub fn groups(&self) -> Vec<Vec<(DocId, u32)>> {
        let mut keys: Vec<Key> = self
            .docs
            .iter()
            .flat_map(|(&d, c)| (0..c.statements.len() as u32).map(move |s| (d, s)))
            .collect();
        keys.sort_unstable();
        let pos: FxHashMap<Key, usize> = keys.iter().enumerate().map(|(i, &k)| (k, i)).collect();
        let mut parent: Vec<usize> = (0..keys.len()).collect();
        fn find(p: &mut [usize], mut x: usize) -> usize {
            while p[x] != x {
                p[x] = p[p[x]];
                x = p[x];
            }
            x
        }
        for (i, &(d, s)) in keys.iter().enumerate() {
            for l in self.direct(d, s).iter() {
                if let Some(&j) = pos.get(&(l.doc, l.statement)) {
                    let (ri, rj) = (find(&mut parent, i), find(&mut parent, j));
                    if ri != rj {
                        parent[ri.max(rj)] = ri.min(rj);
                    }
                }
            }
        }
        let mut by_root: FxHashMap<usize, Vec<Key>> = FxHashMap::default();
        for (i, &k) in keys.iter().enumerate() {
            let r = find(&mut parent, i);
            by_root.entry(r).or_default().push(k);
        }
        // a sentence and its own clause or quote in one group are one
        // place: keep the first (the sentence; statements come in order)
        let mut groups: Vec<Vec<Key>> = by_root
            .into_values()
            .map(|mut g| {
                g.sort_unstable();
                let mut kept: Vec<(Key, Span)> = Vec::with_capacity(g.len());
                for k in g {
                    let Some(sp) = self.span_of(k) else { continue };
                    if !kept.iter().any(|(o, osp)| o.0 == k.0 && osp.overlaps(sp)) {
                        kept.push((k, sp));
                    }
                }
                kept.into_iter().map(|(k, _)| k).collect::<Vec<Key>>()
            })
            .filter(|g| g.len() >= 2)
            .collect();
        groups.sort_unstable();
        groups
    }

    /// Compare two statements with the current term weights (for
    /// explanations and calibration); `None` when either is unknown.
    pub fn compare(&self, a: (DocId, u32), b: (DocId, u32)) -> Option<Comparison> {
        let fa = &self.docs.get(&a.0)?.statements.get(a.1 as usize)?.features;
        let fb = &self.docs.get(&b.0)?.statements.get(b.1 as usize)?.features;
        Some(similarity::compare(fa, fb, |t, c| self.weight(t, c)))
    }

    fn weight(&self, t: TermId, class: TermClass) -> f32 {
        let df = self.df.get(&t).copied().unwrap_or(0);
        similarity::idf(df, self.n) * similarity::class_factor(class)
    }

    fn index(&mut self, doc: DocId, claims: Arc<DocClaims>) {
        for (i, st) in claims.statements.iter().enumerate() {
            for &(t, _) in st.features.terms.iter() {
                if st.parent.is_none() {
                    *self.df.entry(t).or_default() += 1;
                }
                let list = self.postings.entry(t).or_default();
                if list.len() < MAX_POSTINGS {
                    list.push((doc, i as u32));
                }
            }
            for key in concept_keys(&st.features) {
                let list = self.postings.entry(key).or_default();
                if list.len() < MAX_POSTINGS {
                    list.push((doc, i as u32));
                }
            }
            if st.parent.is_none() {
                self.n += 1;
            }
        }
        self.docs.insert(doc, claims);
        self.cache.get_mut().clear();
        self.direct_cache.get_mut().clear();
    }

    fn unindex(&mut self, doc: DocId) {
        let Some(claims) = self.docs.remove(&doc) else {
            return;
        };
        let mut seen: FxHashSet<TermId> = FxHashSet::default();
        for st in claims.statements.iter() {
            for &(t, _) in st.features.terms.iter() {
                if st.parent.is_none()
                    && let Some(d) = self.df.get_mut(&t)
                {
                    *d = d.saturating_sub(1);
                    if *d == 0 {
                        self.df.remove(&t);
                    }
                }
                if seen.insert(t)
                    && let Some(list) = self.postings.get_mut(&t)
                {
                    list.retain(|k| k.0 != doc);
                    if list.is_empty() {
                        self.postings.remove(&t);
                    }
                }
            }
            for key in concept_keys(&st.features) {
                if seen.insert(key)
                    && let Some(list) = self.postings.get_mut(&key)
                {
                    list.retain(|k| k.0 != doc);
                    if list.is_empty() {
                        self.postings.remove(&key);
                    }
                }
            }
            if st.parent.is_none() {
                self.n = self.n.saturating_sub(1);
            }
        }
        self.cache.get_mut().clear();
        self.direct_cache.get_mut().clear();
    }

    /// Add to `out` every document linked to a statement of `doc`.
    fn linked_docs(&self, doc: DocId, out: &mut FxHashSet<DocId>) {
        let Some(claims) = self.docs.get(&doc) else {
            return;
        };
        for s in 0..claims.statements.len() as u32 {
            for l in self.direct(doc, s).iter() {
                out.insert(l.doc);
            }
        }
    }

    /// Every statement scoring at least the mutual-best threshold with this
    /// one, best first.
    fn compute_scored(&self, doc: DocId, statement: u32) -> Vec<Link> {
        let Some(claims) = self.docs.get(&doc) else {
            return Vec::new();
        };
        let Some(me) = claims.statements.get(statement as usize) else {
            return Vec::new();
        };
        if !me.linkable() {
            return Vec::new();
        }
        // accumulate shared indexed terms per candidate, with their rarity
        let mut acc: FxHashMap<Key, (u32, f32)> = FxHashMap::default();
        // prefix filter: a pair must share MIN_SHARED_TERMS terms, so it
        // shares one outside the statement's MIN_SHARED_TERMS - 1 most
        // common terms; their (longest) postings need not be read
        let mut words: Vec<(usize, TermId)> = me
            .features
            .terms
            .iter()
            .filter(|t| t.1 != TermClass::Negation)
            .filter_map(|t| Some((self.postings.get(&t.0)?.len(), t.0)))
            .collect();
        words.sort_unstable_by(|a, b| b.cmp(a));
        let skip = (similarity::MIN_SHARED_TERMS - 1).min(words.len());
        let rarest = words[skip..].iter().map(|w| w.1);
        for t in rarest.chain(concept_keys(&me.features)) {
            let Some(list) = self.postings.get(&t) else {
                continue;
            };
            if list.len() >= MAX_POSTINGS {
                continue;
            }
            let rarity = similarity::idf(list.len() as u32, self.n.max(list.len() as u32));
            for &k in list {
                let e = acc.entry(k).or_default();
                e.0 += 1;
                e.1 += rarity;
            }
        }
        let mut cands: Vec<(Key, f32)> = acc
            .into_iter()
            .filter(|&(k, (count, _))| count >= MIN_CANDIDATE_TERMS && k != (doc, statement))
            .map(|(k, (_, w))| (k, w))
            .collect();
        // score only the candidates sharing the most weight: a statement
        // repeated in thousands of places stays cheap to query
        if cands.len() > MAX_CANDIDATES {
            cands.select_nth_unstable_by(MAX_CANDIDATES, |a, b| {
                b.1.total_cmp(&a.1).then(a.0.cmp(&b.0))
            });
            cands.truncate(MAX_CANDIDATES);
        }
        let mut links: Vec<(Link, u32, u32)> = Vec::new();
        for (k, _) in cands {
            let Some(oc) = self.docs.get(&k.0) else {
                continue;
            };
            let Some(other) = oc.statements.get(k.1 as usize) else {
                continue;
            };
            if (k.0 == doc && other.span.overlaps(me.span)) || !other.linkable() {
                continue;
            }
            let c = similarity::compare(&me.features, &other.features, |t, cl| self.weight(t, cl));
            if c.score >= similarity::mutual_threshold(me.is_clause() || other.is_clause()) {
                links.push((
                    Link {
                        doc: k.0,
                        statement: k.1,
                        score: c.score,
                    },
                    other.span.start,
                    other.span.end,
                ));
            }
        }
        links.sort_by(|a, b| {
            b.0.score
                .total_cmp(&a.0.score)
                .then((a.0.doc, a.0.statement).cmp(&(b.0.doc, b.0.statement)))
        });
        links.into_iter().map(|l| l.0).collect()
    }
}

/// The index keys of a statement's synonym concepts, each once.
fn concept_keys(f: &Features) -> impl Iterator<Item = TermId> + '_ {
    let mut last = None;
    f.concepts.iter().filter_map(move |&(c, _)| {
        if last == Some(c) {
            return None;
        }
        last = Some(c);
        Some(synonyms::concept_key(c))
    })
}
