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
//! pick one of [`SHARDS`] unsorted lists, each entry 16 bytes (the next 32
//! bits of the fingerprint, the top 32 bits of the document's rank,
//! document and statement). Adding is a push and removing a document one
//! pass over each list its statements are in. Finding a statement's
//! neighbours is one pass over its list (some hundreds of entries at 100k
//! articles), comparing the entries' own bits: the caller's order is asked
//! only where the rank bits tie, and the whole fingerprint, which the
//! caller holds, only of the neighbours found. Kept sorted, the lists
//! would answer by binary search, but a statement copied in thousands of
//! articles would make every insertion move thousands of entries: at 100k
//! generated articles that tripled the time to index the corpus.

use std::cmp::Ordering;

use crate::analysis::entities::DocId;

/// The number of lists (a power of two): 384 KiB of list headers.
const SHARDS: usize = 1 << 14;

/// A statement links to this many of its copies on each side.
pub const NEIGHBOURS: usize = 4;

/// A statement, as (document, statement index).
type Key = (DocId, u32);

/// One statement in a list: bits of its fingerprint below those that chose
/// the list, the top bits of its document's rank, and where it is.
#[derive(Clone, Copy, Debug)]
struct Entry {
    low: u32,
    rank: u32,
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

/// The rank bits an entry keeps.
fn rank_bits(rank: u64) -> u32 {
    (rank >> 32) as u32
}

impl Copies {
    /// Number of statements held.
    pub fn len(&self) -> usize {
        self.shards.iter().map(Vec::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(Vec::is_empty)
    }

    /// Hold the statements of `doc`, of rank `rank`, with a fingerprint,
    /// given in statement order.
    pub fn insert(&mut self, doc: DocId, rank: u64, prints: impl IntoIterator<Item = Option<u64>>) {
        for (i, p) in prints.into_iter().enumerate() {
            if let Some(p) = p {
                self.shards[shard(p)].push(Entry {
                    low: p as u32,
                    rank: rank_bits(rank),
                    doc,
                    statement: i as u32,
                });
            }
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

    /// Of the statements held with fingerprint `print`, the [`NEIGHBOURS`]
    /// nearest on each side to `me` (held or not) in the order `ord`, `me`
    /// left out, in that order. `ord` gives a statement's document's rank
    /// first, then what breaks ties so that the order is total. `same`
    /// confirms a statement's whole fingerprint (only the bits that chose
    /// the list and 32 more are compared here).
    pub fn neighbours(
        &self,
        me: Key,
        print: u64,
        same: impl Fn(Key) -> bool,
        ord: impl Fn(Key) -> (u64, DocId, u32),
    ) -> Vec<Key> {
        let list = &self.shards[shard(print)];
        let mine = ord(me);
        let (low, rank) = (print as u32, rank_bits(mine.0));
        // where an entry stands against me: its rank bits decide but for
        // ties
        let side = |e: &Entry| e.rank.cmp(&rank).then_with(|| ord(e.key()).cmp(&mine));
        let nearest = |ok: &dyn Fn(Key) -> bool| {
            // the NEIGHBOURS nearest before me, nearest first, and after
            let (mut before, mut after): (Vec<Entry>, Vec<Entry>) = (Vec::new(), Vec::new());
            let later = |a: &Entry, b: &Entry| {
                a.rank
                    .cmp(&b.rank)
                    .then_with(|| ord(a.key()).cmp(&ord(b.key())))
            };
            for e in list
                .iter()
                .filter(|e| e.low == low && e.key() != me && ok(e.key()))
            {
                let (near, keep) = match side(e) {
                    Ordering::Less => (&mut before, Ordering::Greater),
                    Ordering::Greater => (&mut after, Ordering::Less),
                    Ordering::Equal => continue,
                };
                // insertion into a list of at most NEIGHBOURS, nearest first
                let at = near
                    .iter()
                    .position(|x| later(e, x) == keep)
                    .unwrap_or(near.len());
                if at < NEIGHBOURS {
                    near.insert(at, *e);
                    near.truncate(NEIGHBOURS);
                }
            }
            (before, after)
        };
        let (mut before, mut after) = nearest(&|_| true);
        if before.iter().chain(&after).any(|e| !same(e.key())) {
            // another fingerprint sharing these bits: pass over it
            (before, after) = nearest(&same);
        }
        before.reverse();
        before.iter().chain(&after).map(Entry::key).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The order of statements given documents' ranks, as the claim index
    /// orders them.
    fn order(rank: impl Fn(DocId) -> u64) -> impl Fn(Key) -> (u64, DocId, u32) {
        move |k: Key| (rank(k.0), k.0, k.1)
    }

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
        let rank = |d: DocId| u64::from(d) << 40;
        let ord = order(rank);
        c.insert(1, rank(1), [Some(a), None, Some(b)]);
        c.insert(3, rank(3), [Some(a)]);
        c.insert(2, rank(2), [Some(a)]);
        let near =
            |c: &Copies, me: Key| c.neighbours(me, whole(me), |k| whole(k) == whole(me), &ord);
        assert_eq!(near(&c, (2, 0)), vec![(1, 0), (3, 0)]);
        assert!(near(&c, (1, 2)).is_empty());
        c.remove(1, [Some(a), None, Some(b)]);
        assert_eq!(near(&c, (2, 0)), vec![(3, 0)]);
        assert_eq!(c.len(), 2);
        c.remove(2, [Some(a)]);
        c.remove(3, [Some(a)]);
        assert!(c.is_empty());
    }

    /// Twenty documents hold one statement each with one fingerprint,
    /// inserted in an order unrelated to their ranks; then every second
    /// one is removed.
    fn nearest_on_each_side_and_symmetric(rank: impl Fn(DocId) -> u64 + Copy) {
        let print = 0x0123_4567_89AB_CDEFu64;
        let ord = order(rank);
        let mut c = Copies::default();
        let docs = [
            13, 2, 19, 0, 7, 11, 5, 16, 1, 9, 18, 3, 14, 6, 10, 17, 4, 12, 8, 15,
        ];
        for d in docs {
            c.insert(d, rank(d), [Some(print)]);
        }
        let mut sorted: Vec<Key> = docs.iter().map(|&d| (d, 0)).collect();
        sorted.sort_by_key(|&k| ord(k));
        let near = |c: &Copies, me: Key| c.neighbours(me, print, |_| true, &ord);
        let mid = sorted[10];
        let found = near(&c, mid);
        assert_eq!(found, [&sorted[6..10], &sorted[11..15]].concat());
        // at an end of the order, only one side
        assert_eq!(near(&c, sorted[0]), sorted[1..=NEIGHBOURS].to_vec());
        for &x in &sorted {
            for y in near(&c, x) {
                assert!(near(&c, y).contains(&x), "{x:?} near {y:?} but not back");
            }
        }
        // statements that fail the whole-fingerprint check are passed over,
        // not counted: the nearest true copies are found beyond them
        let pos = |k: Key| sorted.iter().position(|&s| s == k).unwrap_or(0);
        let odd = |k: Key| pos(k) % 2 == 1;
        let near_odd = c.neighbours(mid, print, odd, &ord);
        assert_eq!(near_odd.len(), 2 * NEIGHBOURS);
        assert!(near_odd.iter().all(|&k| odd(k)));
        // removing every second one leaves the others where they were
        for (i, &k) in sorted.iter().enumerate() {
            if i % 2 == 0 {
                c.remove(k.0, [Some(print)]);
            }
        }
        assert_eq!(c.len(), 10);
        let kept: Vec<Key> = sorted.iter().copied().skip(1).step_by(2).collect();
        assert_eq!(near(&c, kept[5]), [&kept[1..5], &kept[6..10]].concat());
        // fewer copies than neighbours: all of them
        assert_eq!(near(&c, kept[0]).len(), NEIGHBOURS);
        for &k in &kept {
            c.remove(k.0, [Some(print)]);
        }
        assert!(c.is_empty());
    }

    #[test]
    fn neighbours_by_rank_are_the_nearest_on_each_side_and_symmetric() {
        // ranks far apart in their top bits, in an order unrelated to ids
        nearest_on_each_side_and_symmetric(|d| u64::from((d * 7) % 20) << 40);
    }

    #[test]
    fn neighbours_where_ranks_tie_in_the_bits_kept_follow_the_whole_order() {
        // the entries' rank bits all equal: the caller's order decides
        nearest_on_each_side_and_symmetric(|d| u64::from((d * 7) % 20));
        // and entirely equal ranks: ties broken by the rest of the order
        nearest_on_each_side_and_symmetric(|_| 5);
    }
}
