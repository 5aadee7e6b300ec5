//! The corpus-wide figure index.
//!
//! Figures are bucketed by their quantity key — base unit and measured
//! thing — so that a document's update touches only the buckets of its own
//! figures. Figures whose thing is unknown are compared only inside their
//! document (through the links [`super::link`] made) and are not bucketed.
//!
//! # The bound
//!
//! A bucket can hold a figure of nearly every document: copies of one
//! agency story give thousands of figures of one key, and comparing each
//! with all of them (a statement similarity per pair) made the time to
//! diagnose a corpus grow with its square. So a figure is compared only
//! with its *neighbours* in its bucket, a fixed number whatever the corpus
//! size, in two orders kept sorted:
//!
//! - **by value** (then a per-figure hash of its document's path): the
//!   [`VALUE_RADIUS`] figures on either side, the values nearest its own —
//!   where a disagreeing report of one quantity ("24" against "25 million
//!   tonnes") lies in a bucket of unrelated values;
//! - **by that hash** alone: the [`SAMPLE_RADIUS`] figures on either side, a
//!   sample of the bucket that does not depend on the values — so that a
//!   figure inside a long run of equal values (a thousand copies of "24
//!   million tonnes") still meets some of the copies giving "25".
//!
//! At most `2 × (VALUE_RADIUS + SAMPLE_RADIUS)` figures are checked per
//! figure and bucket (a figure is in one bucket, or three: see "Time"
//! below), so [`FigureIndex::conflicts`] costs a constant per figure and
//! diagnosing a whole corpus is near-linear.
//!
//! What it trades: while a bucket holds at most `2 × VALUE_RADIUS + 1`
//! figures every figure is a neighbour of every other and the answers are
//! exactly those of comparing all pairs. In a larger bucket a disagreeing
//! figure is found only when it is a neighbour: when fewer than
//! [`VALUE_RADIUS`] figures of the bucket have values between the two, or
//! when the sample brings it. With many copies each copy lists only the
//! disagreeing copies among its neighbours (some tens, not thousands), and
//! copies far from the boundary between two runs of values are flagged
//! only when the sample brings them a disagreeing copy; a pair of figures
//! hidden among more than [`VALUE_RADIUS`] figures of values between theirs
//! is missed unless sampled. The relation stays symmetric (each order's
//! neighbourhood is), so a conflict is shown on both sides or neither.
//!
//! Neighbourhoods depend only on the figures in the bucket, their values,
//! their [`signatures`] (what other documents see of them, not where they
//! are) and the documents' paths (hashed by the caller into a rank), never
//! on document ids, positions or the order of edits: an index built edit by
//! edit answers as one built at once, and typing that leaves a figure's
//! signature alone leaves its neighbourhoods alone.
//!
//! # Time
//!
//! Two articles published far apart report two moments, not two versions
//! of one: with a window of `w` days ([`FigureIndex::within`]), figures of
//! documents whose own dates lie more than `w` days apart are neither
//! compared nor neighbours' concern. A bucket of a recurring sentence in an
//! archive holds years of values, and the figures near in value are mostly
//! of other years; so a dated figure is also indexed in two *period*
//! buckets of its key — the periods of `w` days numbered `p` and `p + 1`,
//! where its date falls in period `p` — and any two figures dated at most
//! `w` days apart share at least one (their periods differ by at most
//! one). Its neighbours there are figures of its own weeks. An undated
//! figure, or one whose date is a month or a year, is in the key's bucket
//! only, where every figure of the key is, as without a window.
//!
//! An edit inserting or removing a figure changes the neighbourhoods of the
//! figures within the radius of it in either order, each gaining (or
//! losing) it and losing (or gaining) the figure at the far edge of its
//! neighbourhood; [`FigureIndex::update`] names their documents when either
//! of those could be in conflict with them (a cheap test implied by a
//! conflict), so the documents to republish are bounded too and still a
//! superset of those whose conflicts changed.

use std::collections::BTreeSet;
use std::hash::Hasher;
use std::ops::Bound;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use super::Figure;
use super::link::{comparable_pair, dated_uniquely, disagree, same_by_description, same_magnitude};
use crate::analysis::entities::DocId;
use crate::analysis::span::Span;

/// Do two statements, each as (document, statement index), make the same claim?
pub type SameClaim<'a> = dyn Fn((DocId, u32), (DocId, u32)) -> bool + 'a;

/// A figure that disagrees with figures elsewhere about the same quantity.
#[derive(Clone, Debug, PartialEq)]
pub struct Conflict {
    /// Index into the document's figures.
    pub figure: u32,
    /// The disagreeing figures: (document, index into that document's figures).
    pub others: Vec<(DocId, u32)>,
}

type Key = u64;

fn key_of(f: &Figure) -> Option<Key> {
    let (unit, thing) = f.key()?;
    let mut h = FxHasher::default();
    h.write(unit.as_bytes());
    h.write_u8(0xff);
    h.write(thing.as_bytes());
    Some(h.finish())
}

/// When a document was published: the first and last day numbers its own
/// date covers ([`crate::analysis::dates::Date::day_range`]), if it has one
/// with a year.
pub type Published = Option<(i64, i64)>;

/// The buckets a figure is indexed in: its key's, then, when its document's
/// date is one day and a window is set, the two period buckets (see the
/// module documentation).
fn keys_of(f: &Figure, when: Published, window: Option<u32>) -> impl Iterator<Item = Key> + use<> {
    let base = indexed_key(f);
    let period = match (base, when, window) {
        (Some(_), Some((lo, hi)), Some(w)) if lo == hi && w > 0 => Some(lo.div_euclid(w as i64)),
        _ => None,
    };
    base.into_iter().chain(
        period
            .into_iter()
            .flat_map(|p| [p, p + 1])
            .zip(base)
            .map(|(p, k)| {
                let mut h = FxHasher::default();
                h.write_u64(k);
                h.write_i64(p);
                h.finish()
            }),
    )
}

/// A figure is compared with this many figures of its bucket on either side
/// of it in value order.
pub const VALUE_RADIUS: usize = 64;

/// ... and with this many on either side of it in hash order (a sample of
/// the bucket independent of values).
pub const SAMPLE_RADIUS: usize = 64;

/// A figure's place in the hash order: a hash of its document's rank and its
/// signature (so that one document's figures are spread), then the rank,
/// the document id (only where two paths hash alike) and the index. It
/// carries its document's date, so that a neighbour published too long
/// before or after is passed over without reading its document (the
/// fields before it already tell every two places apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ByHash {
    hash: u64,
    rank: u64,
    doc: DocId,
    figure: u32,
    days: Days,
}

/// A document's date as its figures' places carry it: the first and last
/// day numbers, and for a document without a date every day, which no
/// window excludes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Days {
    first: i32,
    last: i32,
}

impl Days {
    fn of(when: Published) -> Days {
        let day = |d: i64| d.clamp(i32::MIN as i64, i32::MAX as i64) as i32;
        match when {
            Some((lo, hi)) => Days {
                first: day(lo),
                last: day(hi),
            },
            None => Days {
                first: i32::MIN,
                last: i32::MAX,
            },
        }
    }

    /// Are two documents' dates at most `window` days apart (or is either
    /// unknown, or no window set)?
    fn near(self, other: Days, window: Option<u32>) -> bool {
        window.is_none_or(|w| {
            let gap = (i64::from(other.first) - i64::from(self.last))
                .max(i64::from(self.first) - i64::from(other.last));
            gap <= i64::from(w)
        })
    }
}

impl ByHash {
    /// Were the two figures' documents published within `window` days of
    /// each other? Read from the places, not from the documents.
    fn near(self, other: ByHash, window: Option<u32>) -> bool {
        self.days.near(other.days, window)
    }
}

/// A figure's place in the value order: its value (as totally ordered
/// bits), then its place in the hash order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct ByValue {
    value: u64,
    at: ByHash,
}

fn value_bits(v: f64) -> u64 {
    let b = v.to_bits();
    if b >> 63 == 1 { !b } else { b | (1 << 63) }
}

fn by_hash(rank: u64, when: Published, doc: DocId, figure: u32, signature: u64) -> ByHash {
    let mut h = FxHasher::default();
    h.write_u64(rank);
    h.write_u64(signature);
    // FxHasher's low bits mix poorly: fold the high half in
    let x = h.finish();
    ByHash {
        hash: x ^ x.rotate_left(29) ^ (x >> 17),
        rank,
        doc,
        figure,
        days: Days::of(when),
    }
}

/// The figures of one quantity key, in both orders.
#[derive(Debug, Default)]
struct Bucket {
    by_value: BTreeSet<ByValue>,
    by_hash: BTreeSet<ByHash>,
}

/// Up to `n` entries of `set` before and after `k` (nearest first),
/// `k` itself excluded.
fn around<T: Ord + Copy>(set: &BTreeSet<T>, k: &T, n: usize) -> (Vec<T>, Vec<T>) {
    let before = set.range(..*k).rev().take(n).copied().collect();
    let after = set
        .range((Bound::Excluded(*k), Bound::Unbounded))
        .take(n)
        .copied()
        .collect();
    (before, after)
}

/// A bucket's two orders as arrays; the hash order carries each figure's
/// place in the value order.
struct Orders {
    by_value: Vec<ByHash>,
    by_hash: Vec<(ByHash, usize)>,
}

impl Orders {
    /// The hash order is [`ByHash`]'s own: sorting the value order's
    /// entries gives it, with their places.
    fn of(b: &Bucket) -> Orders {
        let by_value: Vec<ByHash> = b.by_value.iter().map(|x| x.at).collect();
        let mut by_hash: Vec<(ByHash, usize)> =
            by_value.iter().enumerate().map(|(i, &x)| (x, i)).collect();
        by_hash.sort_unstable();
        debug_assert!(by_hash.iter().map(|x| &x.0).eq(b.by_hash.iter()));
        Orders { by_value, by_hash }
    }

    fn len(&self) -> usize {
        self.by_value.len()
    }
}

/// Corpus-wide figure index, updated one document at a time.
#[derive(Debug, Default)]
pub struct FigureIndex {
    /// Each document's figures as indexed (see [`FigureIndex::update`]).
    docs: FxHashMap<DocId, Indexed>,
    buckets: FxHashMap<Key, Bucket>,
    /// Compare figures of documents dated at most this many days apart
    /// (`None`: any dates).
    window: Option<u32>,
}

#[derive(Clone, Debug)]
struct Indexed {
    rank: u64,
    when: Published,
    figures: Arc<Vec<Figure>>,
    /// Per figure, its place in the hash order (see [`signatures`]).
    hashes: Vec<u64>,
}

/// What other documents see of each figure, hashed: everything comparisons
/// and messages about it read (its text, value, unit, measured thing,
/// flags, the words around it, and — through `statement_print` — the
/// content of the statements holding it), but not where it is in its
/// document. Figures with the same signature in one document are told
/// apart by their order among themselves.
///
/// An edit that leaves a figure's signature alone leaves every comparison
/// with it alone: [`FigureIndex::update`] moves it without telling anyone.
/// `statement_print` gives a statement's content fingerprint by index
/// ([`crate::analysis::claims::ClaimIndex::fingerprint`] in a corpus).
pub fn signatures(
    figures: &[Figure],
    text: &str,
    statement_print: impl Fn(u32) -> Option<u64>,
) -> Vec<u64> {
    let mut seen: FxHashMap<u64, u32> = FxHashMap::default();
    let mut buf = Vec::new();
    figures
        .iter()
        .map(|f| {
            let base = f.span.start;
            let shift = |s: Span| Span {
                start: s.start.saturating_sub(base),
                end: s.end.saturating_sub(base),
            };
            let mut g = f.clone();
            g.span = shift(f.span);
            g.style.number = shift(f.style.number);
            g.style.qualifier = f.style.qualifier.map(shift);
            g.statement = None;
            g.outer_statement = None;
            g.sentence = 0;
            g.same_as = Box::default();
            buf.clear();
            // serialising plain data into a Vec cannot fail
            let bytes = postcard::to_extend(&g, std::mem::take(&mut buf)).unwrap_or_default();
            let mut h = FxHasher::default();
            h.write_u64(xxhash_rust::xxh3::xxh3_64(&bytes));
            h.write(
                text.get(f.span.start as usize..f.span.end as usize)
                    .unwrap_or("")
                    .as_bytes(),
            );
            h.write_u8(0xff);
            for st in [f.statement, f.outer_statement] {
                h.write_u64(st.and_then(&statement_print).map_or(0, |p| p ^ 1));
            }
            buf = bytes;
            let sig = h.finish();
            let n = seen.entry(sig).or_insert(0);
            *n += 1;
            let mut h = FxHasher::default();
            h.write_u64(sig);
            h.write_u32(*n);
            h.finish()
        })
        .collect()
}

/// Could figures `a` (of one document) and `b` (of another) be the same
/// quantity, leaving aside whether their statements make the same claim?
fn cross_candidates(a: &Figure, b: &Figure) -> bool {
    comparable_pair(a, b) && a.thing == b.thing && dated_uniquely(a)
}

/// Do the statements holding `a` and `b` make the same claim (trying each
/// figure's innermost statement and the one enclosing it), and do the two
/// figures stand in the same place among their statements' figures of
/// that key?
fn claimed_alike(da: DocId, a: &Figure, db: DocId, b: &Figure, same_claim: &SameClaim) -> bool {
    if a.twins != b.twins && (a.twins.0 > 1 || b.twins.0 > 1) {
        return false;
    }
    // a projection and an outcome ("expected to meet for four to five
    // hours" / "the summit ended after three hours") are two quantities
    if a.has(super::flag::PROJECTED) != b.has(super::flag::PROJECTED) {
        return false;
    }
    let sa = [a.statement, a.outer_statement];
    let sb = [b.statement, b.outer_statement];
    sa.iter()
        .flatten()
        .any(|&x| sb.iter().flatten().any(|&y| same_claim((da, x), (db, y))))
}

/// Are `a` in `da` and `b` in `db` the same quantity?
fn same_quantity_across(
    da: DocId,
    a: &Figure,
    db: DocId,
    b: &Figure,
    same_claim: &SameClaim,
) -> bool {
    if !cross_candidates(a, b) || !same_magnitude(a, b) {
        return false;
    }
    if claimed_alike(da, a, db, b, same_claim) {
        return true;
    }
    same_by_description(a, b)
}

/// Do `a` in `da` and `b` in another document `db` disagree about one
/// quantity? Symmetric: [`FigureIndex::all_conflicts`] judges each pair
/// once for both sides.
fn conflict_across(da: DocId, a: &Figure, db: DocId, b: &Figure, same_claim: &SameClaim) -> bool {
    disagree(a, b) && same_quantity_across(da, a, db, b, same_claim)
}

/// The figures of its own document that `figs[i]` (comparable) disagrees
/// with, through the links the document's analysis made.
fn conflicts_within(figs: &[Figure], i: usize) -> impl Iterator<Item = u32> + '_ {
    let f = &figs[i];
    f.same_as.iter().copied().filter(move |&j| {
        figs.get(j as usize)
            .is_some_and(|g| g.comparable() && disagree(f, g))
    })
}

/// Could `x` (of another document) be in conflict with `g`? Implied by a
/// conflict between them, and cheap: no statement comparison.
fn might_conflict(g: &Figure, x: &Figure) -> bool {
    cross_candidates(g, x) && same_magnitude(g, x) && disagree(g, x)
}

/// The key a figure is indexed under, if it is indexed at all.
fn indexed_key(f: &Figure) -> Option<Key> {
    if f.comparable() { key_of(f) } else { None }
}

fn finish(mut touched: Vec<DocId>, doc: DocId) -> Vec<DocId> {
    touched.sort_unstable();
    touched.dedup();
    touched.retain(|&d| d != doc);
    touched
}

impl FigureIndex {
    /// Insert or replace a document; returns the other documents whose
    /// conflicts may have changed: those holding a neighbour (see the
    /// module documentation) of one of the document's removed or added
    /// figures that could conflict with it or with the figure its
    /// neighbourhood gained or lost at the far edge. A figure whose
    /// signature is unchanged (`hashes`, from [`signatures`]) is neither:
    /// it keeps its place in both orders and every comparison with it gives
    /// what it gave, so typing in a long article names only the neighbours
    /// of the figures of the sentences typed in. (Where it is in its
    /// document may have moved; a caller showing other documents' findings
    /// with locations in this one refreshes those itself.)
    ///
    /// `rank` places the document's figures in the hash order; the caller
    /// derives it from the path, so that answers do not depend on document
    /// ids.
    pub fn update(
        &mut self,
        doc: DocId,
        rank: u64,
        when: Published,
        figures: Arc<Vec<Figure>>,
        hashes: Vec<u64>,
    ) -> Vec<DocId> {
        debug_assert_eq!(figures.len(), hashes.len());
        let mut touched = Vec::new();
        // a new date changes every comparison: all of it goes and comes back
        let old = match self.docs.get(&doc) {
            Some(old) if old.rank == rank && old.when == when => old.clone(),
            _ => {
                self.remove_inner(doc, &mut touched);
                Indexed {
                    rank,
                    when,
                    figures: Arc::new(Vec::new()),
                    hashes: Vec::new(),
                }
            }
        };
        let new_at: FxHashMap<u64, u32> = (0..figures.len())
            .filter(|&i| indexed_key(&figures[i]).is_some())
            .map(|i| (hashes[i], i as u32))
            .collect();
        let mut kept: Vec<(u32, u32)> = Vec::new();
        let mut stays = vec![false; figures.len()];
        // figures that went away: their neighbours lose them
        for (j, f) in old.figures.iter().enumerate() {
            let Some(k) = indexed_key(f) else { continue };
            let h = old.hashes[j];
            if let Some(&i) = new_at.get(&h)
                && !stays[i as usize]
                && indexed_key(&figures[i as usize]) == Some(k)
                && figures[i as usize].value.to_bits() == f.value.to_bits()
            {
                stays[i as usize] = true;
                kept.push((j as u32, i));
                continue;
            }
            let at = by_hash(rank, when, doc, j as u32, h);
            for k in keys_of(f, when, self.window) {
                self.neighbours_changed(k, f, at, &mut touched);
                self.unindex(k, f, at);
            }
        }
        // figures that stayed: same places (same hash), new indices
        for &(j, i) in &kept {
            let f = &figures[i as usize];
            for k in keys_of(f, when, self.window) {
                self.unindex(k, f, by_hash(rank, when, doc, j, old.hashes[j as usize]));
                self.index(k, f, by_hash(rank, when, doc, i, hashes[i as usize]));
            }
        }
        self.docs.insert(
            doc,
            Indexed {
                rank,
                when,
                figures: figures.clone(),
                hashes: hashes.clone(),
            },
        );
        // figures that arrived: their neighbours gain them
        for (i, f) in figures.iter().enumerate() {
            if stays[i] {
                continue;
            }
            let at = by_hash(rank, when, doc, i as u32, hashes[i]);
            for k in keys_of(f, when, self.window) {
                self.index(k, f, at);
                self.neighbours_changed(k, f, at, &mut touched);
            }
        }
        finish(touched, doc)
    }

    /// Insert a document that is not indexed yet without working out whom
    /// it affects: for loading a corpus, after which every document's
    /// findings are computed anyway.
    pub fn insert_quiet(
        &mut self,
        doc: DocId,
        rank: u64,
        when: Published,
        figures: Arc<Vec<Figure>>,
        hashes: Vec<u64>,
    ) {
        if self.docs.contains_key(&doc) {
            self.update(doc, rank, when, figures, hashes);
            return;
        }
        for (i, f) in figures.iter().enumerate() {
            for k in keys_of(f, when, self.window) {
                self.index(k, f, by_hash(rank, when, doc, i as u32, hashes[i]));
            }
        }
        self.docs.insert(
            doc,
            Indexed {
                rank,
                when,
                figures,
                hashes,
            },
        );
    }

    /// An empty index comparing figures of documents dated at most `days`
    /// apart (`None`: any dates).
    pub fn within(days: Option<u32>) -> FigureIndex {
        FigureIndex {
            window: days,
            ..FigureIndex::default()
        }
    }

    /// Change the window, indexing every document again when it changes.
    pub fn set_window(&mut self, days: Option<u32>) {
        if self.window == days {
            return;
        }
        let docs = std::mem::take(&mut self.docs);
        self.buckets.clear();
        self.window = days;
        let mut docs: Vec<_> = docs.into_iter().collect();
        docs.sort_unstable_by_key(|(d, _)| *d);
        for (d, x) in docs {
            self.insert_quiet(d, x.rank, x.when, x.figures, x.hashes);
        }
    }

    pub fn remove(&mut self, doc: DocId) -> Vec<DocId> {
        let mut touched = Vec::new();
        self.remove_inner(doc, &mut touched);
        finish(touched, doc)
    }

    fn remove_inner(&mut self, doc: DocId, touched: &mut Vec<DocId>) {
        let Some(old) = self.docs.get(&doc).cloned() else {
            return;
        };
        for (i, f) in old.figures.iter().enumerate() {
            let at = by_hash(old.rank, old.when, doc, i as u32, old.hashes[i]);
            for k in keys_of(f, old.when, self.window) {
                // while it is still there: its neighbours lose it
                self.neighbours_changed(k, f, at, touched);
                self.unindex(k, f, at);
            }
        }
        self.docs.remove(&doc);
    }

    fn index(&mut self, k: Key, f: &Figure, at: ByHash) {
        let b = self.buckets.entry(k).or_default();
        b.by_hash.insert(at);
        b.by_value.insert(ByValue {
            value: value_bits(f.value),
            at,
        });
    }

    fn unindex(&mut self, k: Key, f: &Figure, at: ByHash) {
        if let Some(b) = self.buckets.get_mut(&k) {
            b.by_hash.remove(&at);
            b.by_value.remove(&ByValue {
                value: value_bits(f.value),
                at,
            });
            if b.by_hash.is_empty() {
                self.buckets.remove(&k);
            }
        }
    }

    /// The figure at `at`.
    fn figure_of(&self, at: ByHash) -> Option<&Figure> {
        self.docs.get(&at.doc)?.figures.get(at.figure as usize)
    }

    /// The documents of figures whose conflicts may change when `e` (at
    /// `at`, present in bucket `k`) is inserted or removed.
    fn neighbours_changed(&self, k: Key, e: &Figure, at: ByHash, touched: &mut Vec<DocId>) {
        let Some(b) = self.buckets.get(&k) else {
            return;
        };
        let v = ByValue {
            value: value_bits(e.value),
            at,
        };
        let (before, after) = around(&b.by_value, &v, VALUE_RADIUS + 1);
        let (before, after): (Vec<ByHash>, Vec<ByHash>) = (
            before.iter().map(|x| x.at).collect(),
            after.iter().map(|x| x.at).collect(),
        );
        self.edge_changes(at, e, &before, &after, VALUE_RADIUS, touched);
        let (before, after) = around(&b.by_hash, &at, SAMPLE_RADIUS + 1);
        self.edge_changes(at, e, &before, &after, SAMPLE_RADIUS, touched);
    }

    /// With `e` (at `at`) at position 0 of an order and `before`/`after`
    /// its nearest entries on each side (nearest first, up to `r + 1`): the
    /// figure `i` places before `e` gains (or loses) `e` and loses (or
    /// gains) the one `r + 1 - i` places after it, and the same mirrored.
    fn edge_changes(
        &self,
        at: ByHash,
        e: &Figure,
        before: &[ByHash],
        after: &[ByHash],
        r: usize,
        touched: &mut Vec<DocId>,
    ) {
        for (side, other) in [(before, after), (after, before)] {
            for (i, g) in side.iter().take(r).enumerate() {
                if g.doc == at.doc || touched.last() == Some(&g.doc) {
                    continue;
                }
                let Some(gf) = self.figure_of(*g) else {
                    continue;
                };
                // `g` is i + 1 places from `e`: the far edge is r - i - 1
                // entries into the other side
                let edge = other
                    .get(r - i - 1)
                    .filter(|x| x.doc != g.doc && g.near(**x, self.window))
                    .and_then(|x| self.figure_of(*x));
                if (g.near(at, self.window) && might_conflict(gf, e))
                    || edge.is_some_and(|x| might_conflict(gf, x))
                {
                    touched.push(g.doc);
                }
            }
        }
    }

    /// The figures of a document, as indexed.
    pub fn figures(&self, doc: DocId) -> Option<&Arc<Vec<Figure>>> {
        self.docs.get(&doc).map(|d| &d.figures)
    }

    /// Conflicts of one document's figures. `same_claim(a, b)` tells whether
    /// two statements, as (document, statement index), make the same claim.
    pub fn conflicts(&self, doc: DocId, same_claim: &SameClaim) -> Vec<Conflict> {
        let Some(d) = self.docs.get(&doc) else {
            return Vec::new();
        };
        let figs = &d.figures;
        let mut out = Vec::new();
        for (i, f) in figs.iter().enumerate() {
            if !f.comparable() {
                continue;
            }
            let mut others: Vec<(DocId, u32)> =
                conflicts_within(figs, i).map(|j| (doc, j)).collect();
            self.for_each_candidate(doc, d, i as u32, f, |d, j, g| {
                if conflict_across(doc, f, d, g, same_claim) {
                    others.push((d, j));
                }
            });
            if !others.is_empty() {
                others.sort_unstable();
                others.dedup();
                out.push(Conflict {
                    figure: i as u32,
                    others,
                });
            }
        }
        out
    }

    /// The conflicts of every document at once, each as
    /// [`FigureIndex::conflicts`] gives them (which this must equal): for
    /// diagnosing a whole corpus. Each bucket's orders are laid out as
    /// arrays and each pair of neighbours is judged once, for both sides
    /// (every test in [`same_quantity_across`] is symmetric), on all cores:
    /// `memo` makes one per worker what `same_claim` may remember in.
    ///
    /// Gives up, returning `None`, soon after `stop()` turns true (a few
    /// milliseconds: it asks between slices of a bucket).
    pub fn all_conflicts<M: Send>(
        &self,
        memo: impl Fn() -> M + Sync + Send,
        same_claim: impl Fn(&M, (DocId, u32), (DocId, u32)) -> bool + Sync + Send,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Option<FxHashMap<DocId, Vec<Conflict>>> {
        use rayon::prelude::*;
        let orders: Vec<Orders> = self.buckets.values().map(Orders::of).collect();
        // tasks: a range of positions of one bucket, largest buckets first
        const SPAN: usize = 512;
        let mut tasks: Vec<(usize, usize)> = Vec::new();
        let mut by_size: Vec<usize> = (0..orders.len()).collect();
        by_size.sort_by_key(|&b| std::cmp::Reverse(orders[b].len()));
        for b in by_size {
            tasks.extend((0..orders[b].len()).step_by(SPAN).map(|s| (b, s)));
        }
        // each pair found is kept in both directions, as (document, figure,
        // other document, other figure): 16 bytes where the pair of places
        // took 64 (at 100k generated articles, 4.3M pairs)
        type Directed = (DocId, u32, DocId, u32);
        let found: Vec<Vec<Directed>> = tasks
            .par_iter()
            .map_init(&memo, |m, &(b, start)| {
                if stop() {
                    return Vec::new();
                }
                let o = &orders[b];
                let end = (start + SPAN).min(o.len());
                let same = |x: (DocId, u32), y: (DocId, u32)| same_claim(m, x, y);
                let mut out = Vec::new();
                let mut judge = |a: ByHash, c: ByHash| {
                    if a.doc == c.doc || !a.near(c, self.window) {
                        return;
                    }
                    let (Some(fa), Some(fc)) = (self.figure_of(a), self.figure_of(c)) else {
                        return;
                    };
                    if conflict_across(a.doc, fa, c.doc, fc, &same) {
                        out.push((a.doc, a.figure, c.doc, c.figure));
                        out.push((c.doc, c.figure, a.doc, a.figure));
                    }
                };
                let after = |i: usize, r: usize| i + 1..(i + 1 + r).min(o.len());
                for i in start..end {
                    for &c in &o.by_value[after(i, VALUE_RADIUS)] {
                        judge(o.by_value[i], c);
                    }
                    let (a, pa) = o.by_hash[i];
                    for &(c, pc) in &o.by_hash[after(i, SAMPLE_RADIUS)] {
                        // a pair near in both orders is judged in the first
                        if pa.abs_diff(pc) > VALUE_RADIUS {
                            judge(a, c);
                        }
                    }
                }
                out.shrink_to_fit();
                out
            })
            .collect();
        // the orders' copy of every bucket is not needed any more
        drop(orders);
        if stop() {
            return None;
        }
        // and inside each document, through the links it made
        let mut within: Vec<Directed> = Vec::new();
        for (&doc, d) in &self.docs {
            for (i, f) in d.figures.iter().enumerate() {
                if f.comparable() {
                    within.extend(conflicts_within(&d.figures, i).map(|j| (doc, i as u32, doc, j)));
                }
            }
        }
        // one list, allocated once at its size; each part is freed once
        // copied
        let total = within.len() + found.iter().map(Vec::len).sum::<usize>();
        let mut directed: Vec<Directed> = Vec::with_capacity(total);
        directed.append(&mut within);
        drop(within);
        for part in found {
            directed.extend_from_slice(&part);
        }
        directed.par_sort_unstable();
        directed.dedup();
        // each figure's others, at their size
        let mut out: FxHashMap<DocId, Vec<Conflict>> = FxHashMap::default();
        for run in directed.chunk_by(|a, b| (a.0, a.1) == (b.0, b.1)) {
            out.entry(run[0].0).or_default().push(Conflict {
                figure: run[0].1,
                others: run.iter().map(|x| (x.2, x.3)).collect(),
            });
        }
        Some(out)
    }

    /// Other mentions of the same quantity as `doc`'s figure `figure`, in
    /// this document and others (its neighbours), whatever their values.
    pub fn same_quantity(
        &self,
        doc: DocId,
        figure: u32,
        same_claim: &SameClaim,
    ) -> Vec<(DocId, u32)> {
        let Some(d) = self.docs.get(&doc) else {
            return Vec::new();
        };
        let Some(f) = d.figures.get(figure as usize) else {
            return Vec::new();
        };
        let mut out: Vec<(DocId, u32)> = f.same_as.iter().map(|&j| (doc, j)).collect();
        if f.comparable() {
            self.for_each_candidate(doc, d, figure, f, |d, j, g| {
                if same_quantity_across(doc, f, d, g, same_claim) {
                    out.push((d, j));
                }
            });
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Visit the neighbours of `doc`'s figure `figure` (`f`) in its bucket
    /// that are in other documents, each once.
    fn for_each_candidate(
        &self,
        doc: DocId,
        indexed: &Indexed,
        figure: u32,
        f: &Figure,
        mut visit: impl FnMut(DocId, u32, &Figure),
    ) {
        let Some(&h) = indexed.hashes.get(figure as usize) else {
            return;
        };
        let at = by_hash(indexed.rank, indexed.when, doc, figure, h);
        let v = ByValue {
            value: value_bits(f.value),
            at,
        };
        let mut near: Vec<ByHash> = Vec::new();
        for k in keys_of(f, indexed.when, self.window) {
            let Some(b) = self.buckets.get(&k) else {
                continue;
            };
            let wanted = |x: &ByHash| x.doc != doc && x.near(at, self.window);
            let (before, after) = around(&b.by_value, &v, VALUE_RADIUS);
            near.extend(before.iter().chain(&after).map(|x| x.at).filter(wanted));
            let (before, after) = around(&b.by_hash, &at, SAMPLE_RADIUS);
            near.extend(before.into_iter().chain(after).filter(wanted));
        }
        near.sort_unstable_by_key(|x| (x.doc, x.figure));
        near.dedup();
        for x in near {
            if let Some(g) = self.figure_of(x) {
                visit(x.doc, x.figure, g);
            }
        }
    }
}

impl FigureIndex {
    /// Drop the index piece by piece, naming each piece for `t`
    /// ([`crate::analysis::teardown`]). The documents' figures it shares
    /// with their analyses only lose a reference here.
    pub fn drop_piecewise(self, t: &mut crate::analysis::teardown::Teardown) {
        const TABLES: &str = "figure index: documents and buckets tables";
        let FigureIndex {
            mut docs,
            mut buckets,
            window: _,
        } = self;
        use std::mem::take;
        t.drop_each(
            "figure index: signatures (Vec<u64>)",
            docs.values_mut()
                .map(|d| (d.hashes.len(), take(&mut d.hashes))),
        );
        t.drop(TABLES, docs.len(), docs);
        t.drop_each(
            "figure index: by-value sets (BTreeSet<ByValue>)",
            buckets
                .values_mut()
                .map(|b| (b.by_value.len(), take(&mut b.by_value))),
        );
        t.drop_each(
            "figure index: by-hash sets (BTreeSet<ByHash>)",
            buckets
                .values_mut()
                .map(|b| (b.by_hash.len(), take(&mut b.by_hash))),
        );
        t.drop(TABLES, 0, buckets);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The window rule on documents' own dates: at most `window` days
    /// apart, or either unknown, or no window set.
    fn near_in_time(a: Published, b: Published, window: Option<u32>) -> bool {
        match (a, b, window) {
            (Some((alo, ahi)), Some((blo, bhi)), Some(w)) => {
                let gap = (blo - ahi).max(alo - bhi).max(0);
                gap <= w as i64
            }
            _ => true,
        }
    }

    impl Days {
        /// The date this stands for.
        fn published(self) -> Published {
            (self != Days::of(None)).then_some((self.first as i64, self.last as i64))
        }
    }

    /// The date a place in the orders carries answers the window test as
    /// its document's own date does, so neighbours can be passed over by
    /// it alone.
    #[test]
    fn places_carry_their_documents_dates() {
        let edge = i64::from(i32::MAX) - 1;
        let dates: [Published; 8] = [
            None,
            Some((0, 0)),
            Some((30, 30)),
            Some((31, 31)),
            Some((-40, -10)),
            Some((10, 400)),
            Some((-1, 0)),
            Some((edge, edge)),
        ];
        for window in [None, Some(0), Some(1), Some(30), Some(365)] {
            for (i, &a) in dates.iter().enumerate() {
                for &b in &dates {
                    let x = by_hash(1, a, 0, i as u32, 7);
                    let y = by_hash(2, b, 1, 0, 7);
                    assert_eq!(x.days.published(), a);
                    assert_eq!(
                        x.near(y, window),
                        near_in_time(a, b, window),
                        "{a:?} and {b:?} within {window:?}"
                    );
                }
            }
        }
    }
}
