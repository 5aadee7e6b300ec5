//! Synonyms: words that share one of their most frequent meanings, so that
//! two translations of one sentence ("we cooperate" / "we collaborate",
//! "he declined" / "he refused") still match word for word.
//!
//! The table, `data/synonyms.txt`, is derived from WordNet 3.0 by
//! `tools/wordnet_synonyms.py` (each line a set of single words sharing a
//! sense that is among the first senses of each; see the script) and is
//! compiled into the binary. Each line is a *concept*; a word's terms (its
//! stem, as [`super::normalize`] makes it) map to the concepts it belongs to.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::normalize::{self, Norm, TermId};

const TABLE: &str = include_str!("../../../data/synonyms.txt");

/// A synonym set, numbered by its line in the table.
pub type Concept = u32;

fn table() -> &'static FxHashMap<TermId, Box<[Concept]>> {
    static T: OnceLock<FxHashMap<TermId, Box<[Concept]>>> = OnceLock::new();
    T.get_or_init(|| {
        let mut map: FxHashMap<TermId, Vec<Concept>> = FxHashMap::default();
        let lines = TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty());
        for (concept, line) in lines.enumerate() {
            let mut terms: Vec<TermId> = line
                .split_whitespace()
                .filter_map(|w| match normalize::word(w, false) {
                    Norm::Term(id, _, false) => Some(id),
                    _ => None,
                })
                .collect();
            terms.sort_unstable();
            terms.dedup();
            // a line whose words all stem alike adds nothing
            if terms.len() < 2 {
                continue;
            }
            for t in terms {
                map.entry(t).or_default().push(concept as Concept);
            }
        }
        map.into_iter()
            .map(|(t, mut c)| {
                c.sort_unstable();
                c.dedup();
                (t, c.into_boxed_slice())
            })
            .collect()
    })
}

/// Build the table now, on this thread. Otherwise the first comparison of
/// two statements builds it itself, stemming every word of the table (tens
/// of milliseconds: 35 ms on the machine of `docs/benchmarks.md`), and any
/// comparison meanwhile on another thread waits for it. A comparison that
/// comes while this runs waits too, for what is left.
pub fn load() {
    table();
}

/// The concepts a term belongs to (empty for most terms).
pub fn concepts(term: TermId) -> &'static [Concept] {
    table().get(&term).map_or(&[], |c| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(w: &str) -> TermId {
        match normalize::word(w, false) {
            Norm::Term(id, _, _) => id,
            other => panic!("{w}: {other:?}"),
        }
    }

    fn synonyms(a: &str, b: &str) -> bool {
        let (ca, cb) = (concepts(term(a)), concepts(term(b)));
        ca.iter().any(|c| cb.contains(c))
    }

    #[test]
    fn shared_senses() {
        assert!(synonyms("cooperate", "collaborating"));
        assert!(synonyms("refused", "declined"));
        assert!(synonyms("evolved", "developed"));
        assert!(synonyms("receive", "obtained"));
    }

    #[test]
    fn unrelated_words_and_rare_senses() {
        assert!(!synonyms("gas", "oil"));
        assert!(!synonyms("cooperate", "refuse"));
        // "refuse" is also garbage, but not in its first senses as a verb
        // only: the noun sense is shared with "garbage", not with "decline"
        assert!(!synonyms("decline", "garbage"));
        assert!(concepts(term("the-unknown-word")).is_empty());
    }
}
