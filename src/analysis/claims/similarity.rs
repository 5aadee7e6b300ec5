//! How much two statements say the same thing: a weighted term overlap
//! (rarer terms weigh more; names and numbers more than words), read both as
//! a symmetric Dice coefficient and as the containment of the shorter
//! statement in the longer one, the latter trusted only when word order is
//! shared too (copied or lightly edited text).
//!
//! The score is in 0..=1 and symmetric, so `a` links to `b` exactly when `b`
//! links to `a`.

use super::features::Features;
use super::normalize::{TermClass, TermId};
use super::synonyms::{self, Concept};

/// Link two statements at or above this score.
pub const THRESHOLD: f32 = 0.5;

/// Link at or above this score when either statement is a clause cut out of
/// a longer sentence: short pieces share a topic's words by chance more
/// often than whole sentences do.
pub const CLAUSE_THRESHOLD: f32 = 0.6;

/// Link two statements that are each other's best match at or above this
/// score (plus the clause margin when either is a clause).
pub const MUTUAL_THRESHOLD: f32 = 0.40;

/// A mutual best match below the threshold needs this many shared words.
pub const MUTUAL_MIN_SHARED_WORDS: usize = 3;

/// The linking threshold for a pair, one of them a clause or not.
pub fn threshold(clause: bool) -> f32 {
    if clause { CLAUSE_THRESHOLD } else { THRESHOLD }
}

/// The mutual-best threshold for a pair, one of them a clause or not.
pub fn mutual_threshold(clause: bool) -> f32 {
    MUTUAL_THRESHOLD
        + if clause {
            CLAUSE_THRESHOLD - THRESHOLD
        } else {
            0.0
        }
}

/// A statement needs this many content terms to take part in links: fewer
/// ("The Russian Federation.") say too little to be a claim.
pub const MIN_CONTENT_TERMS: usize = 4;

/// The same for a clause cut out of a longer sentence.
pub const MIN_CLAUSE_TERMS: usize = 5;

/// Containment (one statement inside a longer one) needs this many content
/// terms in the shorter statement, and this many less two shared pairs.
pub const MIN_COPY_TERMS: usize = 6;

/// At least this many shared terms must be words, not names or numbers:
/// two statements about the same people, or two datelines, are not the
/// same claim.
pub const MIN_SHARED_WORDS: usize = 2;

/// At least this many content terms must be shared.
pub const MIN_SHARED_TERMS: usize = 3;

/// A synonym match counts for this share of the lighter word's weight.
pub const SYNONYM_CREDIT: f32 = 0.8;

/// How much a class of term weighs, times its rarity.
pub fn class_factor(class: TermClass) -> f32 {
    match class {
        TermClass::Word => 1.0,
        TermClass::Name => 1.0,
        TermClass::NamePart => 0.4,
        TermClass::Number => 1.6,
        TermClass::Negation => 0.6,
    }
}

/// Inverse document frequency over `n` statements.
pub fn idf(df: u32, n: u32) -> f32 {
    let v = ((n as f32 + 1.0) / (df as f32 + 0.5)).ln();
    v.max(0.05)
}

/// The parts of a comparison, for callers that want to explain a score.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Comparison {
    pub score: f32,
    /// Weighted Dice coefficient of the term sets.
    pub dice: f32,
    /// Weight of the shared terms over the lighter statement's weight.
    pub containment: f32,
    /// Shared adjacent-term pairs over the shorter statement's pairs.
    pub order: f32,
    pub shared_terms: usize,
    /// Shared terms that are words (synonyms included), not names or numbers.
    pub shared_words: usize,
}

/// Pairs sharing fewer literal content terms than this are not compared:
/// synonyms can confirm a match that shares words, not make one.
pub const MIN_LITERAL_SHARED: usize = 2;

/// A cheap test before [`compare`]: do the statements share enough literal
/// content terms (and are both long enough) to score above zero?
pub fn may_match(a: &Features, b: &Features) -> bool {
    if a.terms.len() < MIN_CONTENT_TERMS || b.terms.len() < MIN_CONTENT_TERMS {
        return false;
    }
    let (mut i, mut j, mut n) = (0, 0, 0);
    let (ta, tb) = (&a.terms, &b.terms);
    while i < ta.len() && j < tb.len() {
        match ta[i].0.cmp(&tb[j].0) {
            std::cmp::Ordering::Equal => {
                if ta[i].1 != TermClass::Negation {
                    n += 1;
                    if n >= MIN_LITERAL_SHARED {
                        return true;
                    }
                }
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    false
}

/// At most this many (concept, word) entries per side take part in the
/// synonym match.
const MAX_SENSES: usize = 64;

/// A statement's features with the rarity of each of its terms, looked up
/// once: one statement is compared with many when figures are judged, and
/// each lookup (a map of every term's frequency, and a logarithm) was paid
/// again in every comparison.
#[derive(Clone, Debug, Default)]
pub struct Rated {
    pub features: Features,
    /// The rarity ([`idf`]) of each term, in the order of `features.terms`.
    pub idf: Vec<f32>,
}

/// Compare two statements given each term's rarity ([`idf`]); a term
/// weighs its rarity times its class's factor ([`class_factor`]).
pub fn compare(a: &Features, b: &Features, idf: impl Fn(TermId) -> f32) -> Comparison {
    compare_by(a, b, |i| idf(a.terms[i].0), |j| idf(b.terms[j].0))
}

/// [`compare`] on statements whose terms' rarities were looked up already.
pub fn compare_rated(a: &Rated, b: &Rated) -> Comparison {
    compare_by(&a.features, &b.features, |i| a.idf[i], |j| b.idf[j])
}

/// [`compare`] with the rarities of `a`'s terms looked up already
/// (`idf_a`, in the order of its terms): one statement against many.
pub fn compare_from(
    a: &Features,
    idf_a: &[f32],
    b: &Features,
    idf: impl Fn(TermId) -> f32,
) -> Comparison {
    compare_by(a, b, |i| idf_a[i], |j| idf(b.terms[j].0))
}

/// [`compare`], given the rarity of the `i`th term of `a` and of `b`.
fn compare_by(
    a: &Features,
    b: &Features,
    idf_a: impl Fn(usize) -> f32,
    idf_b: impl Fn(usize) -> f32,
) -> Comparison {
    let (mut wa, mut wb, mut shared) = (0f32, 0f32, 0f32);
    let mut shared_terms = 0usize;
    let mut shared_words = 0usize;
    // the senses of the words one side has and the other lacks, each with
    // the word and its rarity
    let mut sa = [(0 as Concept, 0 as TermId, 0f32); MAX_SENSES];
    let mut sb = [(0 as Concept, 0 as TermId, 0f32); MAX_SENSES];
    let (mut na, mut nb) = (0usize, 0usize);
    let senses = |t: TermId,
                  class: TermClass,
                  idf: f32,
                  buf: &mut [(Concept, TermId, f32)],
                  n: &mut usize| {
        if class != TermClass::Word {
            return;
        }
        for &c in synonyms::concepts(t) {
            if *n < buf.len() {
                buf[*n] = (c, t, idf);
                *n += 1;
            }
        }
    };
    let (mut i, mut j) = (0, 0);
    let (ta, tb) = (&a.terms, &b.terms);
    // numbers that differ count less against a match than missing words:
    // two reports of one event often disagree on a figure
    let unshared = |class: TermClass, w: f32| {
        if class == TermClass::Number {
            w * 0.4
        } else {
            w
        }
    };
    while i < ta.len() || j < tb.len() {
        match (ta.get(i), tb.get(j)) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                let class = x.1.max(y.1);
                let w = idf_a(i) * class_factor(class);
                wa += w;
                wb += w;
                shared += w;
                if class != TermClass::Negation {
                    shared_terms += 1;
                }
                if class == TermClass::Word {
                    shared_words += 1;
                }
                i += 1;
                j += 1;
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                let r = idf_a(i);
                wa += unshared(x.1, r * class_factor(x.1));
                senses(x.0, x.1, r, &mut sa, &mut na);
                i += 1;
            }
            (Some(_), Some(y)) => {
                let r = idf_b(j);
                wb += unshared(y.1, r * class_factor(y.1));
                senses(y.0, y.1, r, &mut sb, &mut nb);
                j += 1;
            }
            (Some(x), None) => {
                let r = idf_a(i);
                wa += unshared(x.1, r * class_factor(x.1));
                senses(x.0, x.1, r, &mut sa, &mut na);
                i += 1;
            }
            (None, Some(y)) => {
                let r = idf_b(j);
                wb += unshared(y.1, r * class_factor(y.1));
                senses(y.0, y.1, r, &mut sb, &mut nb);
                j += 1;
            }
            (None, None) => break,
        }
    }
    if wa <= 0.0 || wb <= 0.0 {
        return Comparison::default();
    }
    // synonyms: a word of one statement missing from the other matches a
    // missing word of the other that shares a concept with it, for part of
    // the lighter word's weight; each word matches once
    if na > 0 && nb > 0 {
        let (sa, sb) = (&mut sa[..na], &mut sb[..nb]);
        // by concept, then word: a word is a term once, with one rarity
        let by_sense = |p: &(Concept, TermId, f32)| (p.0, p.1);
        sa.sort_unstable_by_key(by_sense);
        sb.sort_unstable_by_key(by_sense);
        let mut used: [TermId; 16] = [0; 16];
        let mut n_used = 0usize;
        let (mut i, mut j) = (0, 0);
        while i < sa.len() && j < sb.len() && n_used + 2 <= used.len() {
            match sa[i].0.cmp(&sb[j].0) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    let ((_, x, rx), (_, y, ry)) = (sa[i], sb[j]);
                    if !used[..n_used].contains(&x) && !used[..n_used].contains(&y) {
                        let w = (rx * class_factor(TermClass::Word))
                            .min(ry * class_factor(TermClass::Word));
                        shared += SYNONYM_CREDIT * w;
                        shared_terms += 1;
                        shared_words += 1;
                        used[n_used] = x;
                        used[n_used + 1] = y;
                        n_used += 2;
                    }
                    j += 1;
                }
            }
        }
    }
    let (ca, cb) = (a.content_len(), b.content_len());
    let dice = 2.0 * shared / (wa + wb);
    let containment = shared / wa.min(wb);
    let shared_pairs = count_shared(&a.bigrams, &b.bigrams);
    let order = {
        let fewer = a.bigrams.len().min(b.bigrams.len());
        if fewer == 0 {
            0.0
        } else {
            shared_pairs as f32 / fewer as f32
        }
    };
    // containment counts when the shorter statement's word order recurs in
    // the longer one (agency copy trimmed or extended by an editor) and the
    // shorter one is long enough for that to mean copying
    let copied = if ca.min(cb) >= MIN_COPY_TERMS && shared_pairs >= MIN_COPY_TERMS - 2 {
        containment * order.sqrt()
    } else {
        0.0
    };
    let score = if !may_match(a, b)
        || shared_terms < MIN_SHARED_TERMS
        || shared_words < MIN_SHARED_WORDS
        || ca < MIN_CONTENT_TERMS
        || cb < MIN_CONTENT_TERMS
    {
        0.0
    } else {
        dice.max(copied * 0.95)
    };
    Comparison {
        score,
        dice,
        containment,
        order,
        shared_terms,
        shared_words,
    }
}

fn count_shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
        }
    }
    n
}
