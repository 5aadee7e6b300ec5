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
//! statement). A list is two parts, as in a log-structured merge: a sorted
//! part, searched by bisection, and a small unsorted part that takes new
//! entries with a push and is merged into the sorted part when it grows
//! past an eighth of it. A statement copied in thousands of articles so
//! costs, per insertion, a few moves of each entry in merges (an eighth
//! more entries each time) rather than thousands (one sorted list moved
//! every entry after the new one, which tripled the time to index 100k
//! generated articles). Finding its neighbours costs a bisection and a
//! pass over the small part; removing it, as well, shifting the entries
//! after it in the sorted part unless it is still in the small part (as
//! an edited document's are, from its second keystroke on). One unsorted
//! list costs a pass over all the copies instead: an edit of a 36 KB
//! transcript among 100k generated articles (analysis, install, findings)
//! took a third longer that way, the passes evicting what the rest of the
//! edit had cached.

use std::cmp::Ordering;

use crate::analysis::entities::DocId;

/// The number of lists (a power of two): 768 KiB of list headers.
const SHARDS: usize = 1 << 14;

/// A statement links to this many of its copies on each side.
pub const NEIGHBOURS: usize = 4;

/// A list's unsorted part is merged into its sorted part when it holds
/// more than this many entries, or more than an eighth of the sorted part.
const RECENT_MIN: usize = 32;

/// A statement, as (document, statement index).
type Key = (DocId, u32);

/// One statement in a list: bits of its fingerprint below those that chose
/// the list, the top bits of its document's rank, and where it is. Ordered
/// by those fields in turn, which is the sorted part's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
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

/// One list: entries sorted by [`Entry`]'s order, and entries not yet
/// merged into them.
#[derive(Clone, Debug, Default)]
struct List {
    sorted: Vec<Entry>,
    recent: Vec<Entry>,
}

impl List {
    fn len(&self) -> usize {
        self.sorted.len() + self.recent.len()
    }

    fn is_empty(&self) -> bool {
        self.sorted.is_empty() && self.recent.is_empty()
    }

    fn push(&mut self, e: Entry) {
        self.recent.push(e);
        if self.recent.len() > RECENT_MIN.max(self.sorted.len() / 8) {
            self.merge();
        }
    }

    /// Merge the unsorted part into the sorted one: two sorted runs, which
    /// the standard library's stable sort merges in one pass.
    fn merge(&mut self) {
        self.recent.sort_unstable();
        if self.sorted.is_empty() {
            std::mem::swap(&mut self.sorted, &mut self.recent);
        } else {
            self.sorted.append(&mut self.recent);
            self.sorted.sort();
        }
    }

    fn remove(&mut self, e: &Entry) {
        // the unsorted part first: an edited document's entries are there
        // from its second keystroke on
        let found = if let Some(at) = self.recent.iter().position(|x| x == e) {
            self.recent.swap_remove(at);
            true
        } else if let Ok(at) = self.sorted.binary_search(e) {
            self.sorted.remove(at);
            true
        } else {
            false
        };
        // not found: held with another rank or fingerprint, a mistake of
        // the caller's that would leave a stale entry behind
        debug_assert!(found, "no such entry: {e:?}");
        if self.is_empty() {
            // a list emptied by edits gives its room back
            *self = List::default();
        }
    }

    /// The entries with fingerprint bits `low` that may be among the
    /// [`NEIGHBOURS`] nearest on each side of an entry of rank bits `rank`,
    /// of those that pass `ok`: all the unsorted part's, all of the sorted
    /// part's with rank bits `rank` (their order against it is the
    /// caller's to tell), and of the rest, on each side, the nearest
    /// [`NEIGHBOURS`] that pass and any that tie with the farthest of those
    /// in rank bits.
    fn candidates(&self, low: u32, rank: u32, ok: &dyn Fn(&Entry) -> bool) -> Vec<Entry> {
        let run = {
            let from = self.sorted.partition_point(|x| x.low < low);
            let to = from + self.sorted[from..].partition_point(|x| x.low == low);
            &self.sorted[from..to]
        };
        let lo = run.partition_point(|x| x.rank < rank);
        let hi = lo + run[lo..].partition_point(|x| x.rank == rank);
        let mut out: Vec<Entry> = run[lo..hi].iter().filter(|e| ok(e)).copied().collect();
        let mut walk = |entries: &mut dyn Iterator<Item = &Entry>| {
            let mut taken = 0;
            let mut last = None;
            for e in entries {
                if taken >= NEIGHBOURS && last != Some(e.rank) {
                    break;
                }
                if ok(e) {
                    out.push(*e);
                    taken += 1;
                    last = Some(e.rank);
                }
            }
        };
        walk(&mut run[..lo].iter().rev());
        walk(&mut run[hi..].iter());
        out.extend(self.recent.iter().filter(|e| e.low == low && ok(e)));
        out
    }
}

/// Statements by fingerprint.
#[derive(Debug)]
pub struct Copies {
    shards: Vec<List>,
}

impl Default for Copies {
    fn default() -> Copies {
        Copies {
            shards: vec![List::default(); SHARDS],
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

/// The entries of `doc`, of rank `rank`, for the statements with a
/// fingerprint, given in statement order, with the list each goes in.
fn entries(
    doc: DocId,
    rank: u64,
    prints: impl IntoIterator<Item = Option<u64>>,
) -> impl Iterator<Item = (usize, Entry)> {
    prints.into_iter().enumerate().filter_map(move |(i, p)| {
        let p = p?;
        let e = Entry {
            low: p as u32,
            rank: rank_bits(rank),
            doc,
            statement: i as u32,
        };
        Some((shard(p), e))
    })
}

impl Copies {
    /// Number of statements held.
    pub fn len(&self) -> usize {
        self.shards.iter().map(List::len).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.shards.iter().all(List::is_empty)
    }

    /// Hold the statements of `doc`, of rank `rank`, with a fingerprint,
    /// given in statement order.
    pub fn insert(&mut self, doc: DocId, rank: u64, prints: impl IntoIterator<Item = Option<u64>>) {
        for (s, e) in entries(doc, rank, prints) {
            self.shards[s].push(e);
        }
    }

    /// Let go of the statements of `doc`, held with [`Copies::insert`] and
    /// the same `rank` and `prints`.
    pub fn remove(&mut self, doc: DocId, rank: u64, prints: impl IntoIterator<Item = Option<u64>>) {
        for (s, e) in entries(doc, rank, prints) {
            self.shards[s].remove(&e);
        }
    }

    /// Merge every list's unsorted part and give back spare room: for
    /// after loading many documents, when the lists are not growing.
    pub fn settle(&mut self) {
        for list in &mut self.shards {
            if !list.recent.is_empty() {
                list.merge();
            }
            list.sorted.shrink_to_fit();
            list.recent = Vec::new();
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
        let (low, rank) = (print as u32, rank_bits(ord(me).0));
        // how two entries stand: their rank bits decide but for ties
        let later = |a: &Entry, b: &Entry| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| ord(a.key()).cmp(&ord(b.key())))
        };
        let me_entry = Entry {
            low,
            rank,
            doc: me.0,
            statement: me.1,
        };
        let nearest = |ok: &dyn Fn(Key) -> bool| {
            // the NEIGHBOURS nearest before me, nearest first, and after
            let (mut before, mut after): (Vec<Entry>, Vec<Entry>) = (Vec::new(), Vec::new());
            for e in list.candidates(low, rank, &|e| e.key() != me && ok(e.key())) {
                let (near, keep) = match later(&e, &me_entry) {
                    Ordering::Less => (&mut before, Ordering::Greater),
                    Ordering::Greater => (&mut after, Ordering::Less),
                    Ordering::Equal => continue,
                };
                // insertion into a list of at most NEIGHBOURS, nearest first
                let at = near
                    .iter()
                    .position(|x| later(&e, x) == keep)
                    .unwrap_or(near.len());
                if at < NEIGHBOURS {
                    near.insert(at, e);
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
        c.remove(1, rank(1), [Some(a), None, Some(b)]);
        assert_eq!(near(&c, (2, 0)), vec![(3, 0)]);
        assert_eq!(c.len(), 2);
        c.remove(2, rank(2), [Some(a)]);
        c.remove(3, rank(3), [Some(a)]);
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
                c.remove(k.0, rank(k.0), [Some(print)]);
            }
        }
        assert_eq!(c.len(), 10);
        let kept: Vec<Key> = sorted.iter().copied().skip(1).step_by(2).collect();
        assert_eq!(near(&c, kept[5]), [&kept[1..5], &kept[6..10]].concat());
        // fewer copies than neighbours: all of them
        assert_eq!(near(&c, kept[0]).len(), NEIGHBOURS);
        for &k in &kept {
            c.remove(k.0, rank(k.0), [Some(print)]);
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

    /// Many documents come and go, in a pseudo-random order, holding
    /// statements whose fingerprints share a list (some their low bits as
    /// well), with ranks that often tie in the bits kept: enough to merge
    /// the lists' parts many times. After every step each held statement's
    /// neighbours are those of a plain sort of all its true copies.
    #[test]
    fn neighbours_match_a_sorted_model_through_merges_removals_and_settling() {
        let mut seed = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        // one list; the last two share the low bits too
        let prints = [
            0x0042_0000_0000_0001u64,
            0x0042_0000_0000_0002,
            0x0042_0001_0000_0003,
            0x0042_0002_0000_0003,
        ];
        // top bits in an order unrelated to ids, tying in threes (ties in
        // the bits kept), low bits apart
        let rank = |d: DocId| {
            let top = (d / 3).wrapping_mul(40_503) % 65_536;
            (u64::from(top) << 32) | u64::from(d.wrapping_mul(2_654_435_761))
        };
        let ord = order(rank);
        // each document's statements' fingerprints, by statement
        let doc_prints = |d: DocId| -> Vec<Option<u64>> {
            (0..3)
                .map(|i| match (d as usize + i) % 5 {
                    4 => None,
                    j => Some(prints[j % prints.len()]),
                })
                .collect()
        };
        let whole = |k: Key| doc_prints(k.0)[k.1 as usize];
        let mut held: Vec<DocId> = Vec::new();
        let mut c = Copies::default();
        let check = |c: &Copies, held: &[DocId], next: &mut dyn FnMut() -> u64| {
            let all: Vec<Key> = held
                .iter()
                .flat_map(|&d| (0..3).map(move |i| (d, i)))
                .filter(|&k| whole(k).is_some())
                .collect();
            assert_eq!(c.len(), all.len());
            for _ in 0..8 {
                let Some(&me) = all.get(next() as usize % all.len().max(1)) else {
                    return;
                };
                let print = whole(me).unwrap();
                let mut model: Vec<Key> = all
                    .iter()
                    .copied()
                    .filter(|&k| whole(k) == Some(print))
                    .collect();
                model.sort_by_key(|&k| ord(k));
                let at = model.iter().position(|&k| k == me).unwrap();
                let want = [
                    &model[at.saturating_sub(NEIGHBOURS)..at],
                    &model[at + 1..(at + 1 + NEIGHBOURS).min(model.len())],
                ]
                .concat();
                let got = c.neighbours(me, print, |k| whole(k) == Some(print), &ord);
                assert_eq!(got, want, "neighbours of {me:?}");
            }
        };
        for step in 0..1500u32 {
            let r = next();
            if r % 3 != 0 || held.is_empty() {
                // a new document, or a document's new version
                let d = (next() % 600) as DocId;
                if let Some(at) = held.iter().position(|&x| x == d) {
                    held.swap_remove(at);
                    c.remove(d, rank(d), doc_prints(d));
                }
                c.insert(d, rank(d), doc_prints(d));
                held.push(d);
            } else {
                let d = held.swap_remove(next() as usize % held.len());
                c.remove(d, rank(d), doc_prints(d));
            }
            if step == 1000 {
                c.settle();
            }
            check(&c, &held, &mut next);
        }
        for d in held.drain(..) {
            c.remove(d, rank(d), doc_prints(d));
        }
        assert!(c.is_empty());
    }
}
