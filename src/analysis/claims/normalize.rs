//! Words to matching terms: lowercase, contractions split into their word
//! and a negation, stop words dropped, numbers canonicalised, everything
//! else stemmed with the Snowball English stemmer.
//!
//! The stemmer is the `rust-stemmers` crate (the Snowball project's own
//! algorithm, generated code): Porter2 is the standard for English retrieval
//! and a hand-written suffix stripper would only be a worse copy of it. Stems
//! are memoised per thread, so the stemmer runs once per distinct word.

use std::cell::RefCell;
use std::hash::Hasher;
use std::sync::OnceLock;

use rust_stemmers::{Algorithm, Stemmer};
use rustc_hash::{FxHashMap, FxHasher};

/// A matching term: a 32-bit hash of its normal form, the same in every
/// document. Thirty-two bits keep the per-token arrays and postings small;
/// a collision between two words only matters when both occur in one pair
/// of compared statements, which the other terms of the pair outvote.
pub type TermId = u32;

/// What kind of evidence a term is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum TermClass {
    /// A content word.
    Word,
    /// A word of a name that another name word follows ("Vladimir" and
    /// "President" in "President Vladimir Putin"): titles and first names
    /// say little about a claim.
    NamePart,
    /// The last word of a name: an entity mention, or a run of words
    /// capitalised inside a sentence.
    Name,
    /// A number: "2,000" is 2000, "two" is 2.
    Number,
    /// "not", "no", "never", "n't", "cannot".
    Negation,
}

/// The one negation term.
pub fn negation_term() -> TermId {
    hash_str("\u{1}not")
}

pub fn hash_str(s: &str) -> TermId {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    h.write_u8(0xff);
    let h = h.finish();
    (h ^ (h >> 32)) as TermId
}

/// Function words, and the verbs that attribute speech (they tell who speaks,
/// not what is said). Lowercase, apostrophes as `'`.
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "above",
    "across",
    "after",
    "afterwards",
    "again",
    "against",
    "all",
    "almost",
    "along",
    "already",
    "also",
    "although",
    "always",
    "am",
    "among",
    "an",
    "and",
    "another",
    "any",
    "anyone",
    "anything",
    "are",
    "around",
    "as",
    "at",
    "be",
    "became",
    "because",
    "become",
    "becomes",
    "been",
    "before",
    "being",
    "below",
    "besides",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "done",
    "during",
    "each",
    "either",
    "else",
    "etc",
    "even",
    "ever",
    "every",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "hence",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "indeed",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "let",
    "may",
    "me",
    "might",
    "mine",
    "more",
    "most",
    "mr",
    "mrs",
    "ms",
    "much",
    "must",
    "my",
    "myself",
    "neither",
    "nor",
    "now",
    "of",
    "off",
    "often",
    "on",
    "once",
    "only",
    "onto",
    "or",
    "other",
    "others",
    "otherwise",
    "our",
    "ours",
    "ourselves",
    "out",
    "over",
    "own",
    "per",
    "perhaps",
    "quite",
    "rather",
    "really",
    "same",
    "shall",
    "she",
    "should",
    "since",
    "so",
    "some",
    "somehow",
    "something",
    "still",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "thereby",
    "therefore",
    "these",
    "they",
    "this",
    "those",
    "though",
    "through",
    "thus",
    "to",
    "too",
    "toward",
    "towards",
    "under",
    "until",
    "up",
    "upon",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "whatever",
    "when",
    "whenever",
    "where",
    "whereas",
    "whether",
    "which",
    "while",
    "who",
    "whoever",
    "whom",
    "whose",
    "why",
    "will",
    "with",
    "within",
    "would",
    "yet",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "'s",
    "s",
    "ll",
    "ve",
    "re",
    "d",
    "m",
    "okay",
    "ok",
    "yes",
    "well",
    "oh",
    "like",
    "certain",
    "course",
    "fact",
    "example",
    "instance",
    "particular",
    "said",
    "say",
    "says",
    "saying",
    "stated",
    "states",
    "added",
    "adds",
    "adding",
    "noted",
    "notes",
    "stressed",
    "stresses",
    "told",
    "tells",
    "explained",
    "emphasized",
    "emphasised",
    "underlined",
    "declared",
    "remarked",
    "continued",
    "according",
    "reported",
    "reports",
];

/// Words that negate.
const NEGATIONS: &[&str] = &[
    "not", "no", "never", "cannot", "nothing", "nobody", "none", "neither", "nor",
];

/// Number words as digits.
const NUMBER_WORDS: &[(&str, &str)] = &[
    ("zero", "0"),
    ("one", "1"),
    ("two", "2"),
    ("three", "3"),
    ("four", "4"),
    ("five", "5"),
    ("six", "6"),
    ("seven", "7"),
    ("eight", "8"),
    ("nine", "9"),
    ("ten", "10"),
    ("eleven", "11"),
    ("twelve", "12"),
    ("fifteen", "15"),
    ("twenty", "20"),
    ("thirty", "30"),
    ("forty", "40"),
    ("fifty", "50"),
    ("hundred", "100"),
    ("thousand", "1000"),
];

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::English))
}

fn stop_set() -> &'static rustc_hash::FxHashSet<&'static str> {
    static S: OnceLock<rustc_hash::FxHashSet<&'static str>> = OnceLock::new();
    S.get_or_init(|| STOP_WORDS.iter().copied().collect())
}

/// Normal form of one word token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Norm {
    /// Nothing to match on.
    Stop,
    /// A term, and whether the word also carried a negation ("won't").
    Term(TermId, TermClass, bool),
    /// Only a negation ("not", "can't").
    Negation,
}

thread_local! {
    static CACHE: RefCell<FxHashMap<Box<str>, Norm>> = RefCell::new(FxHashMap::default());
}

const CACHE_LIMIT: usize = 200_000;

/// Empty this thread's cache of normalised words, freeing its memory, and
/// return how many words it held. Every thread that analyses keeps one (up
/// to [`CACHE_LIMIT`] words) for as long as it lives; this is for measuring
/// that (`claimlens bench memory`): analysis never needs it.
pub fn drop_word_cache() -> usize {
    CACHE.with(|c| std::mem::take(&mut *c.borrow_mut()).len())
}

/// Normalise a word token's text (`Word` tokens only; numbers go through
/// [`number_term`]). `name` marks a word read as part of a name; it changes
/// the class, not the term, so a name matches the same word elsewhere.
pub fn word(raw: &str, name: bool) -> Norm {
    let n = CACHE.with(|c| c.borrow().get(raw).copied());
    let n = match n {
        Some(n) => n,
        None => {
            let n = compute(raw);
            CACHE.with(|c| {
                let mut c = c.borrow_mut();
                if c.len() >= CACHE_LIMIT {
                    c.clear();
                }
                c.insert(raw.into(), n);
            });
            n
        }
    };
    match n {
        Norm::Term(id, TermClass::Word, neg) if name => Norm::Term(id, TermClass::Name, neg),
        n => n,
    }
}

fn compute(raw: &str) -> Norm {
    let mut lower = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '’' | '‘' | '`' => lower.push('\''),
            c => lower.extend(c.to_lowercase()),
        }
    }
    let mut negated = false;
    let mut w: &str = &lower;
    if let Some(base) = w.strip_suffix("n't") {
        negated = true;
        w = match base {
            "wo" => "will",
            "ca" => "can",
            "sha" => "shall",
            b => b,
        };
    }
    if NEGATIONS.contains(&w) {
        return Norm::Negation;
    }
    if let Some(&(_, d)) = NUMBER_WORDS.iter().find(|(k, _)| *k == w) {
        return Norm::Term(hash_str(d), TermClass::Number, negated);
    }
    // "we've", "it's": the part before the apostrophe decides
    let head = w.split('\'').next().unwrap_or(w);
    if head.is_empty() || stop_set().contains(w) || stop_set().contains(head) {
        return if negated { Norm::Negation } else { Norm::Stop };
    }
    if head.chars().count() < 2 {
        return Norm::Stop;
    }
    let stem = stemmer().stem(head);
    Norm::Term(hash_str(&stem), TermClass::Word, negated)
}

/// The term of a `Number` token: digits without thousands separators, an
/// ordinal or plural suffix dropped ("80th" → 80, "1970s" → 1970s kept as a
/// decade).
pub fn number_term(raw: &str) -> TermId {
    let mut s = String::with_capacity(raw.len());
    let bytes = raw.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b',' => {}
            b'.' if i + 1 < bytes.len() && bytes[i + 1].is_ascii_digit() => s.push('.'),
            b'0'..=b'9' => s.push(b as char),
            _ => {
                let suffix = raw[i..].to_ascii_lowercase();
                match suffix.as_str() {
                    "st" | "nd" | "rd" | "th" => {}
                    other => s.push_str(other),
                }
                break;
            }
        }
    }
    // "2.0" and "2" are one number
    if s.contains('.') && !s.contains(|c: char| c.is_alphabetic()) {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    hash_str(&s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(w: &str) -> Option<TermId> {
        match word(w, false) {
            Norm::Term(id, _, _) => Some(id),
            _ => None,
        }
    }

    #[test]
    fn inflections_share_a_term() {
        assert_eq!(term("producing"), term("produce"));
        assert_eq!(term("produces"), term("produced"));
        assert_eq!(term("negotiations"), term("negotiation"));
        assert_eq!(term("Refineries"), term("refinery"));
        assert_ne!(term("gas"), term("oil"));
    }

    #[test]
    fn stop_words_and_negations() {
        assert_eq!(word("the", false), Norm::Stop);
        assert_eq!(word("We've", false), Norm::Stop);
        assert_eq!(word("said", false), Norm::Stop);
        assert_eq!(word("not", false), Norm::Negation);
        assert_eq!(word("can't", false), Norm::Negation);
        assert_eq!(word("won’t", false), Norm::Negation);
        assert_eq!(word("Cannot", false), Norm::Negation);
        assert!(matches!(
            word("didn't", false),
            Norm::Negation | Norm::Term(_, _, true)
        ));
    }

    #[test]
    fn names_keep_their_term() {
        match (word("Russia", true), word("Russia", false)) {
            (Norm::Term(a, TermClass::Name, _), Norm::Term(b, TermClass::Word, _)) => {
                assert_eq!(a, b)
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn numbers() {
        assert_eq!(number_term("2,000"), number_term("2000"));
        assert_eq!(number_term("80th"), number_term("80"));
        assert_eq!(number_term("5.70"), number_term("5.7"));
        assert_ne!(number_term("5.7"), number_term("57"));
        assert_ne!(number_term("1970s"), number_term("1970"));
        assert_eq!(
            word("two", false),
            Norm::Term(number_term("2"), TermClass::Number, false)
        );
    }
}
