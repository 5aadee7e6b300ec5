//! Where the verbatim copies of a statement are: statements by fingerprint.
//!
//! The claim index finds candidates through rare terms, so a statement
//! whose every term is common (held by more sentences than the index probes)
//! finds nothing that way, not even its own word-for-word repeats. In a big
//! archive that is a wire story's sentence or a much-quoted line. This table
//! finds those repeats by the statement's fingerprint instead, at any corpus
//! size and whatever its words.
//!
//! A statement with many copies links to a bounded number of them: its
//! [`NEIGHBOURS`] nearest on each side in one order of all the copies (their
//! documents' ranks). Being near is symmetric, so links stay symmetric; the
//! copies form a chain, so one claim group still holds them all; and an
//! edit changes the neighbours only of statements that are the edited
//! document's neighbours before or after it, so the documents whose links
//! changed are still those linked to the edited one.
//!
//! Held as a hash table with chaining by hand: the fingerprint's top bits
//! pick one of [`SHARDS`] lists, each entry 12 bytes (the next 32 bits of
//! the fingerprint, document and statement). A list is kept sorted by those
//! bits and then by the caller's order of statements, so the copies of one
//! statement are a run of the list in that order and its neighbours are
//! found by binary search, however many copies there are. A match on the
//! 32 bits is confirmed against the statement's whole fingerprint, which
//! the caller holds. Adding or removing a document moves entries of the
//! lists its statements are in (some hundreds of entries each at 100k
//! articles).

use std::cmp::Ordering;

use crate::analysis::entities::DocId;

/// The number of lists (a power of two): 384 KiB of list headers.
const SHARDS: usize = 1 << 14;

/// A statement links to this many of its copies on each side.
pub const NEIGHBOURS: usize = 4;

/// A statement, as (document, statement index).
type Key = (DocId, u32);

/// One statement in a list: bits of its fingerprint below those that chose
/// the list, and where it is.
#[derive(Clone, Copy, Debug)]
struct Entry {
    low: u32,
    doc: DocId,
    statement: u32,
}

impl Entry {
    fn key(&self) -> Key {
        (self.doc, self.statement)
    }
}

/// Statements by fingerprint.
#[derive(Debug)]
pub struct Copies {
    shards: Vec<Vec<Entry>>,
}

impl Default for Copies {
    fn default() -> Copies {
        Copies {
            shards: vec![Vec::new(); SHARDS],
        }
    }
}

fn shard(print: u64) -> usize {
    (print >> (64 - SHARDS.trailing_zeros())) as usize
}

impl Copies {
    /// Number of statements held.
    pub fn len(&self) -> usize {
        self.shards.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(Vec::is_empty)
    }

    /// Hold the statements of `doc` with a fingerprint, given in statement
    /// order. `ord` orders statements (a total order, the same for every
    /// call while they are held; it must know `doc` already).
    pub fn insert<K: Ord>(
        &mut self,
        doc: DocId,
        prints: impl IntoIterator<Item = Option<u64>>,
        ord: impl Fn(Key) -> K,
    ) {
        for (i, p) in prints.into_iter().enumerate() {
            let Some(p) = p else { continue };
            let e = Entry {
                low: p as u32,
                doc,
                statement: i as u32,
            };
            let list = &mut self.shards[shard(p)];
            let mine = ord(e.key());
            let at = list.partition_point(|x| match x.low.cmp(&e.low) {
                Ordering::Equal => ord(x.key()) < mine,
                o => o == Ordering::Less,
            });
            list.insert(at, e);
        }
    }

    /// Let go of the statements of `doc`, whose fingerprints are `prints`.
    pub fn remove(&mut self, doc: DocId, prints: impl IntoIterator<Item = Option<u64>>) {
        let mut lists: Vec<usize> = prints.into_iter().flatten().map(shard).collect();
        lists.sort_unstable();
        lists.dedup();
        for s in lists {
            let list = &mut self.shards[s];
            list.retain(|e| e.doc != doc);
            if list.is_empty() {
                // a list emptied by edits gives its room back
                *list = Vec::new();
            }
        }
    }

    /// Of the statements held with fingerprint `print` (that of `me`), the
    /// [`NEIGHBOURS`] nearest to `me` on each side in the order `ord` given
    /// when they were inserted, `me` left out, in that order. `same`
    /// confirms a candidate's whole fingerprint (only the bits that chose
    /// the list and 32 more are compared here). Logarithmic in the number
    /// of copies.
    pub fn neighbours<K: Ord>(
        &self,
        me: Key,
        print: u64,
        same: impl Fn(Key) -> bool,
        ord: impl Fn(Key) -> K,
    ) -> Vec<Key> {
        let list = &self.shards[shard(print)];
        let low = print as u32;
        let from = list.partition_point(|x| x.low < low);
        let to = from + list[from..].partition_point(|x| x.low == low);
        let run = &list[from..to];
        let mine = ord(me);
        let at = run.partition_point(|x| ord(x.key()) < mine);
        let near = |e: &&Entry| e.key() != me && same(e.key());
        let mut out: Vec<Key> = run[..at]
            .iter()
            .rev()
            .filter(near)
            .take(NEIGHBOURS)
            .map(Entry::key)
            .collect();
        out.reverse();
        out.extend(
            run[at..]
                .iter()
                .filter(near)
                .take(NEIGHBOURS)
                .map(Entry::key),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_copies_by_whole_fingerprint_only() {
        let mut c = Copies::default();
        let a = 0xABCD_0000_1234_5678u64;
        // same list and same low bits, different in between
        let b = 0xABCD_0001_1234_5678u64;
        let whole = |k: Key| match k {
            (1, 0) | (2, 0) | (3, 0) => a,
            _ => b,
        };
        let ord = |k: Key| k;
        c.insert(1, [Some(a), None, Some(b)], ord);
        c.insert(3, [Some(a)], ord);
        c.insert(2, [Some(a)], ord);
        let near =
            |c: &Copies, me: Key| c.neighbours(me, whole(me), |k| whole(k) == whole(me), ord);
        assert_eq!(near(&c, (2, 0)), vec![(1, 0), (3, 0)]);
        assert!(near(&c, (1, 2)).is_empty());
        c.remove(1, [Some(a), None, Some(b)]);
        assert_eq!(near(&c, (2, 0)), vec![(3, 0)]);
        assert_eq!(c.len(), 2);
        c.remove(2, [Some(a)]);
        c.remove(3, [Some(a)]);
        assert!(c.is_empty());
    }

    #[test]
    fn neighbours_are_the_nearest_on_each_side_and_symmetric() {
        let print = 0x0123_4567_89AB_CDEFu64;
        // an order unrelated to the ids, or to the order of insertion
        let ord = |k: Key| (k.0 * 7) % 20;
        let mut c = Copies::default();
        for d in [
            13, 2, 19, 0, 7, 11, 5, 16, 1, 9, 18, 3, 14, 6, 10, 17, 4, 12, 8, 15,
        ] {
            c.insert(d, [Some(print)], ord);
        }
        let near = |me: Key| c.neighbours(me, print, |_| true, ord);
        let mid = near((10, 0));
        assert_eq!(mid.len(), 2 * NEIGHBOURS);
        assert!(mid.windows(2).all(|w| ord(w[0]) < ord(w[1])), "in order");
        let o = ord((10, 0));
        assert!(
            mid.iter()
                .all(|&k| ord(k).abs_diff(o) as usize <= NEIGHBOURS)
        );
        // at an end of the order, only one side
        let first = (0..20).map(|d| (d, 0)).min_by_key(|&k| ord(k)).unwrap();
        assert_eq!(near(first).len(), NEIGHBOURS);
        for x in (0..20).map(|d| (d, 0)) {
            for y in near(x) {
                assert!(near(y).contains(&x), "{x:?} near {y:?} but not back");
            }
        }
        // statements that fail the whole-fingerprint check are passed over,
        // not counted: the nearest true copies are found beyond them
        let odd = |k: Key| ord(k) % 2 == 1;
        let near_odd = c.neighbours((10, 0), print, odd, ord);
        assert_eq!(near_odd.len(), 2 * NEIGHBOURS);
        assert!(near_odd.iter().all(|&k| odd(k)));
        // fewer copies than neighbours: all of them
        let mut few = Copies::default();
        for d in 0..3 {
            few.insert(d, [Some(print)], ord);
        }
        assert_eq!(few.neighbours((0, 0), print, |_| true, ord).len(), 2);
    }
}
