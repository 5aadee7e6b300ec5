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
//! pick one of [`SHARDS`] lists, each entry 16 bytes (the next 32 bits of
//! the fingerprint, the top 32 bits of the document's rank, document and
//! statement). A list is kept sorted by those bits and then in the
//! caller's order of statements (the rank's bits decide it but for ties),
//! so the copies of one statement are a run of the list in that order, and
//! finding a statement's neighbours, adding it or removing it is a binary
//! search that reads the list alone, however many copies there are. A
//! match on the 32 bits is confirmed against the statement's whole
//! fingerprint, which the caller holds.

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

/// Where `e` goes in `list` (sorted), or is: the first entry not before it.
/// `ord` is called only where the entries' own bits tie.
fn position<K: Ord>(list: &[Entry], e: &Entry, ord: &impl Fn(Key) -> K) -> usize {
    let mine = ord(e.key());
    list.partition_point(|x| match (x.low, x.rank).cmp(&(e.low, e.rank)) {
        Ordering::Equal => ord(x.key()) < mine,
        o => o == Ordering::Less,
    })
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
    /// order. `rank` is the document's and `ord` orders statements: by
    /// their documents' ranks first, ties broken so that the order is
    /// total, the same for every call while they are held.
    pub fn insert<K: Ord>(
        &mut self,
        doc: DocId,
        rank: u64,
        prints: impl IntoIterator<Item = Option<u64>>,
        ord: impl Fn(Key) -> K,
    ) {
        for (i, p) in prints.into_iter().enumerate() {
            let Some(p) = p else { continue };
            let e = Entry {
                low: p as u32,
                rank: rank_bits(rank),
                doc,
                statement: i as u32,
            };
            let list = &mut self.shards[shard(p)];
            let at = position(list, &e, &ord);
            list.insert(at, e);
        }
    }

    /// Let go of the statements of `doc`, whose fingerprints are `prints`,
    /// held with [`Copies::insert`] and the same `rank` and `ord`.
    pub fn remove<K: Ord>(
        &mut self,
        doc: DocId,
        rank: u64,
        prints: impl IntoIterator<Item = Option<u64>>,
        ord: impl Fn(Key) -> K,
    ) {
        for (i, p) in prints.into_iter().enumerate() {
            let Some(p) = p else { continue };
            let e = Entry {
                low: p as u32,
                rank: rank_bits(rank),
                doc,
                statement: i as u32,
            };
            let list = &mut self.shards[shard(p)];
            let at = position(list, &e, &ord);
            if list.get(at).is_some_and(|x| x.key() == e.key()) {
                list.remove(at);
            } else if let Some(at) = list.iter().position(|x| x.key() == e.key()) {
                // not where the order puts it: a caller broke the
                // contract; let it go all the same
                debug_assert!(false, "a copy held out of order");
                list.remove(at);
            }
            if list.is_empty() {
                // a list emptied by edits gives its room back
                *list = Vec::new();
            }
        }
    }

    /// Of the statements held with fingerprint `print`, the [`NEIGHBOURS`]
    /// nearest on each side to `me` (of a document of rank `rank`, held or
    /// not) in the order given when they were inserted, `me` left out, in
    /// that order. `same` confirms a candidate's whole fingerprint (only
    /// the bits that chose the list and 32 more are compared here).
    /// Logarithmic in the number of copies.
    pub fn neighbours<K: Ord>(
        &self,
        me: Key,
        rank: u64,
        print: u64,
        same: impl Fn(Key) -> bool,
        ord: impl Fn(Key) -> K,
    ) -> Vec<Key> {
        let list = &self.shards[shard(print)];
        let low = print as u32;
        let from = list.partition_point(|x| x.low < low);
        let to = from + list[from..].partition_point(|x| x.low == low);
        let run = &list[from..to];
        let e = Entry {
            low,
            rank: rank_bits(rank),
            doc: me.0,
            statement: me.1,
        };
        let at = position(run, &e, &ord);
        let near = |x: &&Entry| x.key() != me && same(x.key());
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
        c.insert(1, rank(1), [Some(a), None, Some(b)], &ord);
        c.insert(3, rank(3), [Some(a)], &ord);
        c.insert(2, rank(2), [Some(a)], &ord);
        let near = |c: &Copies, me: Key| {
            c.neighbours(me, rank(me.0), whole(me), |k| whole(k) == whole(me), &ord)
        };
        assert_eq!(near(&c, (2, 0)), vec![(1, 0), (3, 0)]);
        assert!(near(&c, (1, 2)).is_empty());
        c.remove(1, rank(1), [Some(a), None, Some(b)], &ord);
        assert_eq!(near(&c, (2, 0)), vec![(3, 0)]);
        assert_eq!(c.len(), 2);
        c.remove(2, rank(2), [Some(a)], &ord);
        c.remove(3, rank(3), [Some(a)], &ord);
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
            c.insert(d, rank(d), [Some(print)], &ord);
        }
        let mut sorted: Vec<Key> = docs.iter().map(|&d| (d, 0)).collect();
        sorted.sort_by_key(|&k| ord(k));
        let near = |c: &Copies, me: Key| c.neighbours(me, rank(me.0), print, |_| true, &ord);
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
        let near_odd = c.neighbours(mid, rank(mid.0), print, odd, &ord);
        assert_eq!(near_odd.len(), 2 * NEIGHBOURS);
        assert!(near_odd.iter().all(|&k| odd(k)));
        // removing every second one leaves the others where they were
        for (i, &k) in sorted.iter().enumerate() {
            if i % 2 == 0 {
                c.remove(k.0, rank(k.0), [Some(print)], &ord);
            }
        }
        assert_eq!(c.len(), 10);
        let kept: Vec<Key> = sorted.iter().copied().skip(1).step_by(2).collect();
        assert_eq!(near(&c, kept[5]), [&kept[1..5], &kept[6..10]].concat());
        // fewer copies than neighbours: all of them
        assert_eq!(near(&c, kept[0]).len(), NEIGHBOURS);
        for &k in &kept {
            c.remove(k.0, rank(k.0), [Some(print)], &ord);
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
