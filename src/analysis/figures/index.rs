//! The corpus-wide figure index.
//!
//! Figures are bucketed by their quantity key — base unit and measured
//! thing — so that a document's update touches only the buckets of its own
//! figures: the cost is in proportion to the document's figures and the
//! sizes of their buckets, not to the corpus. Figures whose thing is
//! unknown are compared only inside their document (through the links
//! [`super::link`] made) and are not bucketed.

use std::hash::Hasher;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use super::Figure;
use super::link::{comparable_pair, dated_uniquely, disagree, same_by_description, same_magnitude};
use crate::analysis::entities::DocId;

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

/// Corpus-wide figure index, updated one document at a time.
#[derive(Debug, Default)]
pub struct FigureIndex {
    docs: FxHashMap<DocId, Arc<Vec<Figure>>>,
    /// Quantity key → document → indices of its figures with that key.
    buckets: FxHashMap<Key, FxHashMap<DocId, Vec<u32>>>,
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

impl FigureIndex {
    /// Insert or replace a document; returns the other documents whose
    /// conflicts may have changed: those holding a figure that could be the
    /// same quantity as one of the document's old or new figures and whose
    /// value disagrees with it.
    pub fn update(&mut self, doc: DocId, figures: Arc<Vec<Figure>>) -> Vec<DocId> {
        let mut touched = self.remove_inner(doc);
        touched.extend(self.affected(doc, &figures));
        for (i, f) in figures.iter().enumerate() {
            if !f.comparable() {
                continue;
            }
            if let Some(k) = key_of(f) {
                self.buckets
                    .entry(k)
                    .or_default()
                    .entry(doc)
                    .or_default()
                    .push(i as u32);
            }
        }
        self.docs.insert(doc, figures);
        touched.sort_unstable();
        touched.dedup();
        touched.retain(|&d| d != doc);
        touched
    }

    pub fn remove(&mut self, doc: DocId) -> Vec<DocId> {
        let mut touched = self.remove_inner(doc);
        touched.sort_unstable();
        touched.dedup();
        touched.retain(|&d| d != doc);
        touched
    }

    fn remove_inner(&mut self, doc: DocId) -> Vec<DocId> {
        let Some(old) = self.docs.remove(&doc) else {
            return Vec::new();
        };
        for f in old.iter() {
            if let Some(k) = key_of(f)
                && let Some(b) = self.buckets.get_mut(&k)
            {
                b.remove(&doc);
                if b.is_empty() {
                    self.buckets.remove(&k);
                }
            }
        }
        self.affected(doc, &old)
    }

    /// Documents other than `doc` with a figure that may conflict with one
    /// of `figs` (same bucket, candidates, disagreeing values).
    fn affected(&self, doc: DocId, figs: &[Figure]) -> Vec<DocId> {
        let mut out = Vec::new();
        for f in figs {
            if !f.comparable() {
                continue;
            }
            let Some(k) = key_of(f) else { continue };
            let Some(bucket) = self.buckets.get(&k) else {
                continue;
            };
            for (&d, idxs) in bucket {
                if d == doc || out.last() == Some(&d) {
                    continue;
                }
                let Some(other) = self.docs.get(&d) else {
                    continue;
                };
                let hit = idxs.iter().any(|&j| {
                    other
                        .get(j as usize)
                        .is_some_and(|g| cross_candidates(f, g) && disagree(f, g))
                });
                if hit {
                    out.push(d);
                }
            }
        }
        out
    }

    /// The figures of a document, as indexed.
    pub fn figures(&self, doc: DocId) -> Option<&Arc<Vec<Figure>>> {
        self.docs.get(&doc)
    }

    /// Conflicts of one document's figures. `same_claim(a, b)` tells whether
    /// two statements, as (document, statement index), make the same claim.
    pub fn conflicts(&self, doc: DocId, same_claim: &SameClaim) -> Vec<Conflict> {
        let Some(figs) = self.docs.get(&doc) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, f) in figs.iter().enumerate() {
            if !f.comparable() {
                continue;
            }
            let mut others: Vec<(DocId, u32)> = f
                .same_as
                .iter()
                .filter(|&&j| {
                    figs.get(j as usize)
                        .is_some_and(|g| g.comparable() && disagree(f, g))
                })
                .map(|&j| (doc, j))
                .collect();
            self.for_each_candidate(doc, f, |d, j, g| {
                if disagree(f, g) && same_quantity_across(doc, f, d, g, same_claim) {
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

    /// Other mentions of the same quantity as `doc`'s figure `figure`, in
    /// this document and others, whatever their values.
    pub fn same_quantity(
        &self,
        doc: DocId,
        figure: u32,
        same_claim: &SameClaim,
    ) -> Vec<(DocId, u32)> {
        let Some(figs) = self.docs.get(&doc) else {
            return Vec::new();
        };
        let Some(f) = figs.get(figure as usize) else {
            return Vec::new();
        };
        let mut out: Vec<(DocId, u32)> = f.same_as.iter().map(|&j| (doc, j)).collect();
        if f.comparable() {
            self.for_each_candidate(doc, f, |d, j, g| {
                if same_quantity_across(doc, f, d, g, same_claim) {
                    out.push((d, j));
                }
            });
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    fn for_each_candidate(
        &self,
        doc: DocId,
        f: &Figure,
        mut visit: impl FnMut(DocId, u32, &Figure),
    ) {
        let Some(k) = key_of(f) else { return };
        let Some(bucket) = self.buckets.get(&k) else {
            return;
        };
        let mut docs: Vec<(&DocId, &Vec<u32>)> = bucket.iter().collect();
        docs.sort_unstable_by_key(|(d, _)| **d);
        for (&d, idxs) in docs {
            if d == doc {
                continue;
            }
            let Some(other) = self.docs.get(&d) else {
                continue;
            };
            for &j in idxs {
                if let Some(g) = other.get(j as usize) {
                    visit(d, j, g);
                }
            }
        }
    }
}
