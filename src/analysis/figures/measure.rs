//! What a figure measures: the counted or measured thing ("tonnes *of
//! oil*", "12,000 Belarusian *students*", "the death toll … rose to 135"),
//! the content words around it, the time it is scoped to ("in 2014", "last
//! year"), and the markers that change how it may be compared ("these 30
//! days", "Earlier, … 113", "has risen to", "1,300 students more", "$70 a
//! share").
//!
//! The measured thing is found the way a reader finds it, nearest first: a
//! counted noun right after the number, an "of" phrase after the unit, a
//! noun after it ("a $1.5 billion loan"), a purpose or content phrase for
//! money ("$43 million in taxes"), and else a quantity noun earlier in the
//! clause ("bilateral trade increased by 5.7 percent"). Casualty figures
//! are keyed by what happened to the people counted ("killed", "injured"),
//! since "135" and "137 people" are the same toll only when both are deaths.

use rustc_hash::{FxHashSet, FxHasher};
use std::hash::Hasher;
use std::sync::OnceLock;

use crate::analysis::dates::{month_word, year_value};
use crate::analysis::span::Span;
use crate::analysis::tokens::TokenKind;

use super::WordHashes;
use super::extract::{Ctx, Raw, style_of};
use super::interval::{self, Qualifier};
use super::lexicon;
use super::numbers::lower;
use super::units::Dim;
use super::{Figure, flag};

/// Function words: never a counted noun or a context word.
pub(crate) const FUNCTION_WORDS: &[&str] = &[
    "the",
    "a",
    "an",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "from",
    "by",
    "with",
    "and",
    "or",
    "but",
    "nor",
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "this",
    "these",
    "those",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "having",
    "will",
    "would",
    "could",
    "should",
    "can",
    "may",
    "might",
    "must",
    "shall",
    "do",
    "does",
    "did",
    "not",
    "no",
    "than",
    "as",
    "per",
    "each",
    "every",
    "more",
    "less",
    "fewer",
    "over",
    "under",
    "about",
    "into",
    "out",
    "up",
    "down",
    "off",
    "after",
    "before",
    "since",
    "until",
    "while",
    "if",
    "so",
    "such",
    "its",
    "their",
    "his",
    "her",
    "our",
    "my",
    "your",
    "we",
    "they",
    "he",
    "she",
    "it",
    "i",
    "you",
    "there",
    "here",
    "also",
    "only",
    "just",
    "still",
    "already",
    "all",
    "both",
    "some",
    "any",
    "ago",
    "later",
    "earlier",
    "long",
    "old",
    "away",
    "apart",
    "then",
    "when",
    "where",
    "what",
    "how",
    "why",
    "them",
    "us",
    "him",
    "me",
    "own",
    "very",
    "too",
    "even",
    "again",
    "now",
    "today",
    "yesterday",
    "tomorrow",
    "most",
    "much",
    "many",
    "s",
    "'s",
    "’s",
    "between",
    "among",
    "against",
    "during",
    "through",
    "across",
    "within",
    "without",
    "around",
    "near",
    "via",
    "like",
    "unlike",
    "toward",
    "towards",
    "upon",
    "onto",
    "including",
    "whether",
    "because",
    "although",
    "though",
    "yet",
    "another",
    "other",
    "same",
    "said",
    "says",
    "say",
    "according",
    "told",
    "added",
    "noted",
    "stated",
    "further",
    "nearly",
    "almost",
    "roughly",
    "approximately",
    "least",
    "compared",
    "respectively",
    "thereby",
    "namely",
    "specifically",
    "precisely",
    "exactly",
    "well",
    "slightly",
];

/// Is `w` (lower-case) a function word? A hash set: this is asked of
/// every word around every figure.
pub fn is_function_word(w: &str) -> bool {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| FUNCTION_WORDS.iter().copied().collect())
        .contains(w)
}

/// Words that open sentences without being names ("However", "Earlier").
fn is_common_opener(w: &str) -> bool {
    is_function_word(w)
        || matches!(
            w,
            "however"
                | "meanwhile"
                | "earlier"
                | "later"
                | "following"
                | "despite"
                | "thus"
                | "therefore"
                | "moreover"
                | "instead"
                | "indeed"
                | "interestingly"
                | "last"
                | "next"
                | "first"
                | "second"
                | "third"
                | "finally"
                | "overall"
                | "together"
                | "according"
                | "asked"
                | "speaking"
                | "writing"
                | "reporting"
                | "photo"
                | "file"
                | "read"
                | "watch"
                | "see"
                | "note"
                | "but"
                | "so"
                | "yes"
                | "no"
                | "thank"
                | "thanks"
                | "good"
                | "well"
                | "let"
                | "just"
                | "since"
                | "unlike"
                | "like"
                | "although"
                | "while"
                | "once"
                | "whether"
                | "perhaps"
                | "maybe"
                | "recently"
                | "currently"
                | "separately"
                | "additionally"
                | "similarly"
        )
}

/// Nouns too general to say what is counted.
fn is_generic_noun(w: &str) -> bool {
    matches!(
        w,
        "time"
            | "way"
            | "thing"
            | "kind"
            | "sort"
            | "type"
            | "part"
            | "side"
            | "place"
            | "one"
            | "bit"
            | "lot"
            | "point"
            | "step"
            | "word"
            | "reason"
            | "option"
            | "order"
            | "case"
            | "example"
            | "level"
            | "stage"
            | "round"
            | "item"
            | "aspect"
            | "area"
            | "direction"
            | "moment"
            | "number"
            | "total"
            | "amount"
            | "sum"
            | "figure"
            | "percent"
            | "per"
    )
}

/// Nouns for people in general: what matters is what happened to them.
fn is_person_noun(w: &str) -> bool {
    matches!(
        w,
        "people"
            | "person"
            | "individual"
            | "other"
            | "victim"
            | "civilian"
            | "resident"
            | "citizen"
            | "man"
            | "woman"
            | "child"
            | "inhabitant"
            | "passenger"
    )
}

/// What happened to the people counted, normalised.
fn event_word(w: &str) -> Option<&'static str> {
    Some(match w {
        "killed" | "kill" | "kills" | "killing" | "dead" | "deaths" | "death" | "died" | "die"
        | "dies" | "fatalities" | "fatality" | "perished" | "lives" => "killed",
        "injured" | "injuring" | "injuries" | "injury" | "wounded" | "wounding" | "hurt"
        | "hospitalised" | "hospitalized" => "injured",
        "missing" => "missing",
        "homeless" | "displaced" | "evacuated" | "evacuees" => "displaced",
        "arrested" | "detained" | "arrests" | "detentions" => "arrested",
        "casualties" => "casualties",
        _ => return None,
    })
}

/// Nouns that name a quantity ("trade", "loan", "turnout"), normalised, as
/// found when looking back from a figure within its clause.
fn quantity_noun(w: &str) -> Option<&'static str> {
    Some(match w {
        "trade" => "trade",
        "turnover" => "turnover",
        "export" | "exports" => "export",
        "import" | "imports" => "import",
        "investment" | "investments" | "invested" | "invest" | "invests" => "investment",
        "loan" | "loans" | "lend" | "lent" | "lending" | "credit" | "borrowed" | "borrow" => "loan",
        "debt" | "debts" => "debt",
        "deficit" => "deficit",
        "surplus" => "surplus",
        "budget" => "budget",
        "spending" | "spent" | "spend" | "expenditure" => "spending",
        "revenue" | "revenues" => "revenue",
        "sales" => "sales",
        "profit" | "profits" => "profit",
        "income" | "earnings" | "earned" | "earn" => "income",
        "tax" | "taxes" => "tax",
        "rate" => "rate",
        "price" | "prices" => "price",
        "cost" | "costs" | "costing" => "cost",
        "salary" | "salaries" | "wage" | "wages" => "wage",
        "gdp" => "gdp",
        "output" => "output",
        "production" | "produce" | "produced" | "producing" => "production",
        "growth" => "growth",
        "inflation" => "inflation",
        "unemployment" => "unemployment",
        "turnout" => "turnout",
        "vote" | "votes" | "voted" => "vote",
        "population" => "population",
        "capacity" => "capacity",
        "reserves" => "reserves",
        "stake" => "stake",
        "fine" | "fined" => "fine",
        "aid" | "assistance" => "aid",
        "funding" | "funds" => "funding",
        "donation" | "donations" | "donated" | "contributions" => "donation",
        "ceasefire" | "truce" | "armistice" => "ceasefire",
        "sentence" | "sentenced" => "sentence",
        "toll" => "toll",
        "friendship" => "friendship",
        "anniversary" => "anniversary",
        "contract" => "contract",
        "wall" | "barrier" | "fence" | "fencing" => "barrier",
        _ => return None,
    })
}

/// Documents and events a date can be the date of.
fn dated_thing(w: &str) -> Option<&'static str> {
    Some(match w {
        "agreement" | "agreements" | "treaty" | "treaties" | "accord" | "accords" | "pact"
        | "convention" | "deal" | "protocol" | "memorandum" => "agreement",
        "law" | "act" | "bill" | "decree" | "resolution" | "constitution" => "law",
        "meeting" | "summit" | "talks" | "visit" | "negotiations" | "conference" => "meeting",
        "election" | "elections" | "referendum" | "vote" => "election",
        "parade" | "celebration" | "celebrations" | "anniversary" | "ceremony" => "celebration",
        "attack" | "attacks" | "explosion" | "blast" | "bombing" | "earthquake" | "crash" => {
            "incident"
        }
        "war" | "invasion" | "conflict" => "war",
        "founding" | "founded" | "established" | "independence" => "founding",
        "born" | "birth" => "birth",
        _ => return None,
    })
}

/// Dimension nouns that say nothing about what is measured: "a distance
/// of 1,200 km" re-mentions the distance under discussion.
fn remention_noun(w: &str) -> bool {
    matches!(
        w,
        "distance"
            | "length"
            | "stretch"
            | "period"
            | "span"
            | "area"
            | "height"
            | "depth"
            | "width"
            | "duration"
            | "extent"
    )
}

/// Plural to singular, for matching "students" with "student".
pub fn lemma(w: &str) -> String {
    let l = lower(w);
    let s = l.as_str();
    if s.is_empty() {
        return w.to_lowercase();
    }
    let irregular = match s {
        "people" => Some("people"),
        "men" => Some("man"),
        "women" => Some("woman"),
        "children" => Some("child"),
        "feet" => Some("foot"),
        "data" => Some("data"),
        "news" => Some("news"),
        "series" => Some("series"),
        "sales" => Some("sales"),
        "others" => Some("other"),
        _ => None,
    };
    if let Some(x) = irregular {
        return x.to_string();
    }
    if let Some(stem) = s.strip_suffix("ies")
        && stem.len() >= 2
    {
        return format!("{stem}y");
    }
    for suf in ["sses", "shes", "ches", "xes", "zes"] {
        if s.ends_with(suf) {
            return s[..s.len() - 2].to_string();
        }
    }
    if s.len() > 3
        && s.ends_with('s')
        && !s.ends_with("ss")
        && !s.ends_with("us")
        && !s.ends_with("is")
    {
        return s[..s.len() - 1].to_string();
    }
    s.to_string()
}

/// A crude stem for context matching: lower-case, no plural or verb ending,
/// at most six letters ("producing", "production", "produce" → "produc").
pub fn stem(w: &str) -> String {
    let mut s = w.to_lowercase();
    // plural first, then verb endings: "earnings" → "earning" → "earn"
    for suf in ["ies", "es", "s"] {
        if s.len() > suf.len() + 3 && s.ends_with(suf) && !s.ends_with("ss") {
            s.truncate(s.len() - suf.len());
            break;
        }
    }
    for suf in ["ing", "ed", "ly"] {
        if s.len() > suf.len() + 3 && s.ends_with(suf) {
            s.truncate(s.len() - suf.len());
            break;
        }
    }
    if s.chars().count() > 6 {
        s = s.chars().take(6).collect();
    }
    s
}

pub fn hash_str(s: &str) -> u32 {
    let mut h = FxHasher::default();
    h.write(s.as_bytes());
    let v = h.finish();
    (v ^ (v >> 32)) as u32 | 1
}

/// The hash of a lower-cased word's stem ([`stem`], without allocating).
pub fn stem_hash(lower: &str) -> u32 {
    let mut s = lower;
    for suf in ["ies", "es", "s"] {
        if s.len() > suf.len() + 3 && s.ends_with(suf) && !s.ends_with("ss") {
            s = &s[..s.len() - suf.len()];
            break;
        }
    }
    for suf in ["ing", "ed", "ly"] {
        if s.len() > suf.len() + 3 && s.ends_with(suf) {
            s = &s[..s.len() - suf.len()];
            break;
        }
    }
    let end = s.char_indices().nth(6).map(|(i, _)| i).unwrap_or(s.len());
    hash_str(&s[..end])
}

/// The stem hash of the word at `k` if it is a content word (not a
/// function word, number, unit or a word every political story has).
fn content(cx: &Ctx, k: usize) -> Option<u32> {
    cx.stem_of(k, || content_uncached(cx, k))
}

fn content_uncached(cx: &Ctx, k: usize) -> Option<u32> {
    let t = cx.toks.get(k)?;
    if t.kind != TokenKind::Word {
        return None;
    }
    let s = t.text(cx.text);
    if s.len() < 3 {
        return None;
    }
    // the commonest function words, without hashing
    if matches!(
        cx.low(k).as_str(),
        "the"
            | "and"
            | "that"
            | "for"
            | "with"
            | "was"
            | "are"
            | "this"
            | "from"
            | "have"
            | "has"
            | "said"
    ) {
        return None;
    }
    if cx.class_in(k, lexicon::Group::NotContent) & lexicon::NOT_CONTENT != 0 {
        return None;
    }
    Some(stem_hash(cx.low(k).as_str()))
}

/// A pseudo-class for marks: a four-digit year among the numbers.
const YEAR_MARK: u32 = 1 << 30;

/// What one pass over a sentence tells every figure in it: its content
/// words, where its clauses break, and the words that mark figures
/// (earlier values, projections, casualty events, quantity nouns, dated
/// things, time scopes).
pub(crate) struct SentenceFacts {
    first: usize,
    end: usize,
    /// Content-word stems, computed when a figure needs them.
    terms: std::cell::OnceCell<Vec<u32>>,
    breaks: Vec<usize>,
    marks: Vec<(usize, u32)>,
}

impl SentenceFacts {
    fn build(cx: &Ctx, sp: Span) -> SentenceFacts {
        let first = cx.toks.partition_point(|t| t.span.start < sp.start);
        let mut end = first;
        let mut breaks = Vec::new();
        let mut marks = Vec::new();
        while end < cx.toks.len() && cx.toks[end].span.end <= sp.end {
            let t = cx.toks[end];
            match t.kind {
                TokenKind::Word => {
                    let c = cx.class_in(end, lexicon::Group::Marked) & lexicon::MARKED;
                    if c != 0 {
                        marks.push((end, c));
                    }
                }
                TokenKind::Number => {
                    if t.span.len() == 4 && year_value(cx.t(end)).is_some() {
                        marks.push((end, YEAR_MARK));
                    }
                }
                TokenKind::Punct => {
                    if matches!(cx.t(end), ";" | ":") {
                        breaks.push(end);
                    }
                }
            }
            end += 1;
        }
        SentenceFacts {
            first,
            end,
            terms: std::cell::OnceCell::new(),
            breaks,
            marks,
        }
    }

    /// The sentence's content-word stems, sorted.
    fn terms(&self, cx: &Ctx) -> &[u32] {
        self.terms.get_or_init(|| {
            let mut v: Vec<u32> = (self.first..self.end)
                .filter_map(|k| content(cx, k))
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        })
    }

    /// Token bounds of the clause holding tokens `a..b`.
    fn clause(&self, a: usize, b: usize) -> (usize, usize) {
        let s = self
            .breaks
            .iter()
            .rev()
            .find(|&&k| k < a)
            .map(|&k| k + 1)
            .unwrap_or(self.first)
            .max(self.first);
        let e = self
            .breaks
            .iter()
            .find(|&&k| k >= b)
            .copied()
            .unwrap_or(self.end)
            .min(self.end)
            .max(b.min(self.end));
        (s.min(a), e)
    }

    /// Marks of class `c` in tokens `range`, in text order.
    fn marks_in(
        &self,
        c: u32,
        range: std::ops::Range<usize>,
    ) -> impl DoubleEndedIterator<Item = usize> + '_ {
        let lo = self.marks.partition_point(|m| m.0 < range.start);
        let hi = self.marks.partition_point(|m| m.0 < range.end);
        self.marks[lo..hi.max(lo)]
            .iter()
            .filter(move |(_, m)| m & c != 0)
            .map(|(k, _)| *k)
    }
}

/// Two sorted, deduplicated lists as one.
fn merge_sorted_slices(a: &[u32], b: &[u32]) -> Vec<u32> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => {
                out.push(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                out.push(b[j]);
                j += 1;
            }
            std::cmp::Ordering::Equal => {
                out.push(a[i]);
                i += 1;
                j += 1;
            }
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

fn merge_sorted(a: Vec<u32>, b: &[u32]) -> Vec<u32> {
    if b.is_empty() {
        return a;
    }
    merge_sorted_slices(&a, b)
}

/// Sentence facts, computed once for the sentences that hold figures or
/// neighbour figures that need context.
pub(crate) struct SentenceTerms {
    facts: Vec<std::cell::OnceCell<SentenceFacts>>,
}

impl SentenceTerms {
    pub fn new(n: usize) -> SentenceTerms {
        SentenceTerms {
            facts: (0..n).map(|_| std::cell::OnceCell::new()).collect(),
        }
    }

    fn get(&self, cx: &Ctx, sentences: &[Span], i: usize) -> Option<&SentenceFacts> {
        let cell = self.facts.get(i)?;
        Some(cell.get_or_init(|| SentenceFacts::build(cx, sentences[i])))
    }

    fn terms(&self, cx: &Ctx, sentences: &[Span], i: usize) -> &[u32] {
        self.get(cx, sentences, i)
            .map(|f| f.terms(cx))
            .unwrap_or(&[])
    }
}

/// The counted noun after a number at `j`: its lemma, the token after it,
/// and whether it follows the number directly. "12,000 Belarusian students
/// studying" → ("student", …, false).
pub(crate) fn counted_noun(cx: &Ctx, j: usize) -> Option<(String, usize, bool)> {
    let mut run: Vec<usize> = Vec::new();
    let mut k = j;
    while run.len() < 3 && cx.is_word(k) {
        let ls = cx.low(k).as_str();
        let c = cx.class(k);
        if c & (lexicon::FUNCTION | lexicon::NUMBER) != 0
            || (c & lexicon::MONTH != 0 && cx.toks[k].is_capitalized())
        {
            break;
        }
        // participles and adverbs end the noun phrase
        if !run.is_empty() && (ls.ends_with("ing") || ls.ends_with("ed") || ls.ends_with("ly")) {
            break;
        }
        run.push(k);
        k += 1;
        // a hyphenated compound continues the word: "Russian-Belarusian"
        if cx.t(k) == "-" && cx.glued(k) && cx.is_word(k + 1) && cx.glued(k + 1) {
            k += 1;
        }
    }
    if run.is_empty() {
        return None;
    }
    // the first plural-looking noun, else the last word
    let pick = run
        .iter()
        .copied()
        .find(|&k| {
            let l = cx.low(k);
            let s = l.as_str();
            (s.ends_with('s') && !s.ends_with("ss") && !s.ends_with("ous") && s.len() > 3)
                || matches!(
                    s,
                    "people"
                        | "men"
                        | "women"
                        | "children"
                        | "police"
                        | "staff"
                        | "personnel"
                        | "troops"
                        | "cattle"
                )
        })
        .unwrap_or(*run.last().unwrap());
    let w = cx.t(pick);
    let l = lower(w);
    let ls = l.as_str();
    if ls.ends_with("ed") || ls.ends_with("ing") || ls.ends_with("ly") {
        return None;
    }
    // a capitalised word on its own is a name ("Lukashenko"), not a noun
    if cx.toks[pick].is_capitalized() && !cx.toks[pick].is_sentence_start() && ls != "people" {
        return None;
    }
    let lem = lemma(w);
    Some((lem, pick + 1, pick == j))
}

/// The head noun of a noun phrase starting at `j` ("its foreign trade
/// turnover" → "turnover", "Belarus's electricity needs" → "need"), or None.
fn head_noun(cx: &Ctx, j: usize, limit: usize) -> Option<(String, usize)> {
    let mut k = j;
    let mut last: Option<usize> = None;
    let mut n = 0;
    while n < 6 && k < cx.toks.len().min(limit) {
        let t = cx.toks[k];
        if t.newline_before() && k > j {
            break;
        }
        let s = cx.t(k);
        if t.kind == TokenKind::Punct {
            if s == "-" && cx.glued(k) && cx.glued(k + 1) {
                k += 1;
                continue;
            }
            break;
        }
        if t.kind == TokenKind::Number {
            break;
        }
        let ls = cx.low(k).as_str();
        if matches!(
            ls,
            "the"
                | "its"
                | "their"
                | "his"
                | "her"
                | "our"
                | "my"
                | "your"
                | "a"
                | "an"
                | "all"
                | "this"
                | "these"
                | "those"
                | "'s"
                | "’s"
                | "s"
        ) {
            k += 1;
            n += 1;
            continue;
        }
        if cx.class(k) & (lexicon::FUNCTION | lexicon::NUMBER) != 0 {
            break;
        }
        if ls.ends_with("ly") && ls.len() > 4 {
            // "currently available funds"
            k += 1;
            n += 1;
            continue;
        }
        if last.is_some() && (ls.ends_with("ing") || ls.ends_with("ed") && ls.len() > 4) {
            break;
        }
        last = Some(k);
        k += 1;
        n += 1;
    }
    let h = last?;
    let w = cx.t(h);
    if cx.toks[h].is_capitalized() && !cx.toks[h].is_sentence_start() {
        // a name: "percent of Belarus" is a share of a country, keep it
        return Some((lemma(w), h + 1));
    }
    Some((lemma(w), h + 1))
}

/// Token bounds of the clause around tokens `a..b`: not across a sentence
/// end, a semicolon or a colon.
fn clause(cx: &Ctx, sent: Span, a: usize, b: usize) -> (usize, usize) {
    let mut s = a;
    while s > 0 {
        let t = cx.toks[s - 1];
        if t.span.start < sent.start || matches!(cx.t(s - 1), ";" | ":") {
            break;
        }
        s -= 1;
    }
    let mut e = b;
    while e < cx.toks.len() {
        let t = cx.toks[e];
        if t.span.end > sent.end || matches!(cx.t(e), ";" | ":") {
            break;
        }
        e += 1;
    }
    (s, e)
}

/// Build the figure from a raw match: interval, thing, context, markers.
/// What [`finish`] needs to know about the whole document.
pub(crate) struct DocFacts<'a> {
    pub sentences: &'a [Span],
    pub terms: SentenceTerms,
    /// Byte offset where the lede (first body paragraph) ends.
    pub lede_end: u32,
}

pub(crate) fn finish(
    cx: &Ctx,
    r: &Raw,
    span: Span,
    sentence: u32,
    statement: Option<u32>,
    doc: &DocFacts,
) -> Option<Figure> {
    let (sentences, terms, lede_end) = (doc.sentences, &doc.terms, doc.lede_end);
    let sent = sentences
        .get(sentence as usize)
        .copied()
        .unwrap_or(Span::new(0, cx.text.len()));
    let s_idx = sentence as usize;
    let facts = terms.get(cx, sentences, s_idx);
    let (cs, ce) = match facts {
        Some(f) => f.clause(r.start, r.end),
        None => clause(cx, sent, r.start, r.end),
    };
    // marks of a class in a token range, from the sentence's facts
    let empty = SentenceFacts {
        first: 0,
        end: 0,
        terms: std::cell::OnceCell::new(),
        breaks: Vec::new(),
        marks: Vec::new(),
    };
    let f = facts.unwrap_or(&empty);
    let marks = |c: u32, range: std::ops::Range<usize>| f.marks_in(c, range);
    let mut flags = r.flags;
    let u = r.unit;

    // ---- markers
    let before = |k: usize| -> &str {
        if r.start >= k && r.start - k >= cs {
            cx.low(r.start - k).as_str()
        } else {
            ""
        }
    };
    let after = |k: usize| -> &str {
        if r.end + k < ce {
            cx.low(r.end + k).as_str()
        } else {
            ""
        }
    };
    let (b1, b2, b3) = (before(1), before(2), before(3));
    let (a0, a1) = (after(0), after(1));
    // after the counted noun: "1,300 Belarusian students more"
    let noun_end = r.noun.as_ref().map(|n| n.1).unwrap_or(r.end);
    let (n0, n1) = if noun_end < ce {
        (cx.low(noun_end).as_str(), cx.low(noun_end + 1).as_str())
    } else {
        ("", "")
    };
    let change_verb = |w: &str| lexicon::class_of(w) & lexicon::CHANGE != 0;
    if b1 == "to" && (change_verb(b2) || change_verb(b3) || b2 == "now") {
        flags |= flag::NEW_LEVEL;
    }
    if matches!(b1, "reached" | "reaching" | "hit" | "reaches")
        || (b1 == "at" && matches!(b2, "now" | "stands" | "stood"))
    {
        flags |= flag::NEW_LEVEL;
    }
    if b1 == "by" && (change_verb(b2) || change_verb(b3)) {
        flags |= flag::CHANGE;
    }
    if matches!(b1, "up" | "down") && u.dim == Dim::Percent {
        flags |= flag::CHANGE;
    }
    if matches!(
        a0,
        "increase"
            | "rise"
            | "growth"
            | "drop"
            | "decline"
            | "decrease"
            | "jump"
            | "fall"
            | "gain"
            | "hike"
            | "cut"
            | "reduction"
    ) || matches!(
        b2,
        "increase"
            | "rise"
            | "growth"
            | "drop"
            | "decline"
            | "decrease"
            | "jump"
            | "fall"
            | "gain"
            | "reduction"
    ) && b1 == "of"
    {
        flags |= flag::CHANGE;
    }
    if b1 == "from" && (change_verb(b2) || change_verb(b3)) {
        flags |= flag::SUPERSEDED;
    }
    if b1 == "from" && (a0 == "to" || matches!(b2, "up" | "down")) {
        flags |= flag::SUPERSEDED;
    }
    if matches!(b2, "compared" | "versus") || b1 == "vs" {
        flags |= flag::SUPERSEDED;
    }
    // "Earlier, the minister announced that 113 people were killed", "the
    // $5.7 billion he initially requested"
    if marks(lexicon::SUPERSEDE, cs..ce.min(r.end + 6))
        .next()
        .is_some()
    {
        flags |= flag::SUPERSEDED;
    }
    if matches!(b1, "another" | "additional" | "extra") || (b1 == "more" && b2 == "an") {
        flags |= flag::INCREMENT;
    }
    // "1,300 Belarusian students more", "30 more"
    if (a0 == "more" && !matches!(a1, "than" | "and" | "or"))
        || (n0 == "more" && !matches!(n1, "than" | "and" | "or"))
    {
        flags |= flag::INCREMENT;
    }
    let rate_word = |a: &str, b: &str| {
        (matches!(a, "a" | "per" | "an" | "each")
            && matches!(
                b,
                "share"
                    | "day"
                    | "year"
                    | "month"
                    | "week"
                    | "hour"
                    | "person"
                    | "head"
                    | "capita"
                    | "barrel"
                    | "tonne"
                    | "ton"
                    | "kilogram"
                    | "gallon"
                    | "litre"
                    | "liter"
                    | "annum"
                    | "piece"
                    | "dozen"
            ))
            || matches!(
                a,
                "apiece" | "annually" | "daily" | "monthly" | "weekly" | "yearly" | "each"
            )
    };
    let mut rate: Option<String> = None;
    if rate_word(a0, a1) {
        flags |= flag::RATE;
        rate = Some(if matches!(a0, "a" | "per" | "an" | "each") {
            a1.to_string()
        } else {
            a0.to_string()
        });
    }
    if a0 == "ago" {
        flags |= flag::AGO;
    }
    // a projection or hypothesis: "expected to last four to five hours"
    if marks(lexicon::PROJECT, cs.max(r.start.saturating_sub(8))..r.start)
        .next()
        .is_some()
    {
        flags |= flag::PROJECTED;
    }
    if matches!(b1, "specifically" | "namely" | "precisely" | "exactly")
        || r.qualifier_span.is_some_and(|q| {
            matches!(
                lower(q.of(cx.text)).as_str(),
                "specifically" | "namely" | "precisely" | "exactly"
            )
        })
        || (b1 == "is" && b2 == "that")
        || (b1 == "e" && b2 == ".")
    {
        flags |= flag::RESTATES;
    }
    let mut dimension_noun = false;
    if b1 == "of" && remention_noun(b2) && matches!(b3, "a" | "the" | "an") {
        flags |= flag::REMENTION;
        dimension_noun = true;
    }
    // a verbless fragment: "Just imagine: almost 2,000 km." (but not "the
    // tax rate: 30 percent", where the colon gives the thing its value)
    if r.end < cx.toks.len()
        && matches!(cx.t(r.end), "." | "!" | "?")
        && r.start <= cs + 1
        && cs > 1
        && cx.t(cs - 1) == ":"
        && matches!(
            cx.low(cs - 2).as_str(),
            "imagine"
                | "think"
                | "consider"
                | "remember"
                | "recall"
                | "look"
                | "see"
                | "note"
                | "picture"
                | "example"
                | "say"
                | "again"
                | "mind"
        )
    {
        flags |= flag::REMENTION;
    }
    if r.start == cs
        && r.end < cx.toks.len()
        && matches!(cx.t(r.end), "." | "!" | "?")
        && cx.toks[r.start].is_sentence_start()
    {
        flags |= flag::REMENTION;
    }
    // a time stamp or date line: "10:32, 20 December", "Sep 14, 2020"
    if u.dim == Dim::Date && stamp_line(cx, span) {
        flags |= flag::STAMP;
    }

    // ---- what it measures
    let mut thing: Option<String> = None;
    // what happened to the people counted: a predicate right after the
    // figure ("4,000 people were injured", "5.000 injured"), else the
    // nearest event word before it in the clause ("killed at least 137
    // people", "the death toll … has risen to 135")
    let mut event: Option<(usize, &'static str)> = None;
    let noun_end = r.noun.as_ref().map(|n| n.1.max(r.end)).unwrap_or(r.end);
    let mut k = noun_end;
    while k < ce && k < noun_end + 4 {
        let w = cx.low(k);
        if let Some(e) = event_word(w.as_str()) {
            event = Some((0, e));
            break;
        }
        if !matches!(
            w.as_str(),
            "were"
                | "was"
                | "are"
                | "is"
                | "have"
                | "has"
                | "had"
                | "been"
                | "being"
                | "reported"
                | "confirmed"
                | "reportedly"
                | "people"
                | "others"
                | "persons"
        ) {
            break;
        }
        k += 1;
    }
    if event.is_none() {
        for k in marks(lexicon::EVENT, cs..r.start).rev() {
            if let Some(e) = event_word(cx.low(k).as_str()) {
                event = Some((r.start - k, e));
                break;
            }
        }
    }
    let event = event.map(|(_, e)| e);
    if matches!(u.dim, Dim::Count | Dim::Ordinal) {
        thing = r.noun.as_ref().map(|n| n.0.clone());
    }
    if thing.is_none() && u.dim != Dim::Date {
        // "of X" after the figure
        if r.end < ce
            && cx.low(r.end).as_str() == "of"
            && let Some((h, _)) = head_noun(cx, r.end + 1, ce)
            && !is_generic_noun(&h)
        {
            thing = Some(h);
        }
    }
    if thing.is_none() && u.dim == Dim::Money && r.end < ce {
        // "$43 million in federal taxes", "$5.7 billion for a wall"
        let w = cx.low(r.end);
        if matches!(w.as_str(), "in" | "for")
            && let Some((h, _)) = head_noun(cx, r.end + 1, ce)
            && !is_generic_noun(&h)
            && !cx.toks.get(r.end + 1).is_some_and(|t| t.is_capitalized())
        {
            thing = Some(quantity_noun(&h).map(str::to_string).unwrap_or(h));
        }
    }
    if thing.is_none() && u.dim != Dim::Date && u.dim != Dim::Count {
        // a quantity word right after: "87 percent voted"
        if let Some(q) = quantity_noun(a0) {
            thing = Some(q.to_string());
        }
    }
    if thing.is_none() && u.dim != Dim::Date && u.dim != Dim::Count {
        // a noun right after: "$1.5 billion loan"; hyphenated units name it
        if let Some((n, _)) = &r.noun {
            thing = Some(n.clone());
        } else if r.end < ce
            && let Some((h, _, adjacent)) = counted_noun(cx, r.end)
            && adjacent
            && !is_generic_noun(&h)
            && quantity_noun(&h).is_some()
        {
            thing = quantity_noun(&h).map(str::to_string);
        }
    }
    if thing.is_none() && !matches!(u.dim, Dim::Date | Dim::Count) && !dimension_noun {
        // a quantity noun earlier in the clause (a bare count takes its
        // thing only from a counted noun or a casualty event)
        let lim = cs.max(r.start.saturating_sub(14));
        for k in marks(lexicon::QUANTITY, lim..r.start).rev() {
            if let Some(q) = quantity_noun(cx.low(k).as_str()) {
                thing = Some(q.to_string());
                break;
            }
        }
    }
    if u.dim == Dim::Date || (u.dim == Dim::Duration && thing.is_none() && !dimension_noun) {
        // the document or event the date belongs to (or that lasted so
        // long: "the talks lasted for more than four hours"), nearest first
        let mut best: Option<(usize, &'static str)> = None;
        for k in marks(lexicon::DATED, cs..ce) {
            if k >= r.start && k < r.end {
                continue;
            }
            if let Some(d) = dated_thing(cx.low(k).as_str()) {
                let dist = if k < r.start {
                    r.start - k
                } else {
                    k - r.end + 1
                };
                if best.is_none_or(|b| dist < b.0) {
                    best = Some((dist, d));
                }
            }
        }
        thing = best.map(|b| b.1.to_string());
    }
    // casualties: what happened to the people counted
    if let Some(e) = event
        && matches!(u.dim, Dim::Count)
    {
        let who = match thing.as_deref() {
            None => "people".to_string(),
            Some(t) if is_person_noun(t) || t == "toll" => "people".to_string(),
            Some(t) => t.to_string(),
        };
        thing = Some(format!("{who}:{e}"));
    } else if matches!(thing.as_deref(), Some("toll")) {
        thing = None;
    }
    if let Some(t) = &thing
        && (is_generic_noun(t) || t.chars().count() < 3)
    {
        thing = None;
    }
    if u.dim == Dim::Count && thing.is_none() {
        // a bare number without anything counted is not a figure
        return None;
    }
    if u.dim == Dim::Count && matches!(thing.as_deref(), Some("time")) {
        return None;
    }
    // "the two countries", "both leaders", "one reason": references to
    // things already known, not figures
    if u.dim == Dim::Count
        && r.form == super::numbers::Form::Words
        && r.qualifier == Qualifier::Bare
    {
        if r.value <= 1.0 {
            return None;
        }
        if r.value <= 10.0
            && matches!(
                b1,
                "the"
                    | "these"
                    | "those"
                    | "both"
                    | "our"
                    | "their"
                    | "its"
                    | "his"
                    | "her"
                    | "my"
                    | "your"
                    | "all"
            )
        {
            return None;
        }
    }
    if let Some(t) = thing.as_mut() {
        if flags & flag::CHANGE != 0 {
            t.push_str("~change");
        }
        if let Some(rt) = &rate {
            t.push('/');
            t.push_str(&lemma(rt));
        }
        if flags & flag::AGO != 0 {
            t.push_str("~ago");
        }
    }

    // ---- context words: the sentence and its neighbours
    // (dates other than those of named instruments are never compared, so
    // they need no context)
    // Context words serve two comparisons only: figures with a thing
    // matched across documents (the dates of named instruments among them),
    // and headline figures matched against the lede.
    let needs_context = if u.dim == Dim::Date {
        matches!(thing.as_deref(), Some("agreement" | "law"))
    } else {
        thing.is_some() || span.start < lede_end
    };
    let mut context = Vec::new();
    if needs_context {
        // the three sentences' terms are sorted: merge them
        let a = if s_idx > 0 {
            terms.terms(cx, sentences, s_idx - 1)
        } else {
            &[]
        };
        let b = terms.terms(cx, sentences, s_idx);
        let c = terms.terms(cx, sentences, s_idx + 1);
        context = merge_sorted(merge_sorted_slices(a, b), c);
    }
    // the figure's own counted noun says nothing about which figure it is
    if let Some((n, _)) = &r.noun {
        let own = stem_hash(n);
        context.retain(|&h| h != own);
    }
    // names next to it: capitalised words within ten tokens, in the clause
    // (names matter only for figures compared across documents, which
    // have a thing)
    let mut names = Vec::new();
    let name_range = if thing.is_some() {
        cs.max(r.start.saturating_sub(10))..ce.min(r.end + 10)
    } else {
        0..0
    };
    for k in name_range {
        let t = cx.toks[k];
        let initial = t.is_sentence_start() || t.has(crate::analysis::sentences::CLAUSE_START);
        if t.kind == TokenKind::Word
            && t.is_capitalized()
            && !(k >= r.start && k < r.end)
            && !(initial && is_common_opener(cx.low(k).as_str()))
        {
            let w = cx.t(k);
            let l = lower(w);
            let title = matches!(
                l.as_str(),
                "president"
                    | "minister"
                    | "prime"
                    | "secretary"
                    | "chancellor"
                    | "governor"
                    | "senator"
                    | "mr"
                    | "mrs"
                    | "ms"
                    | "dr"
                    | "the"
                    | "former"
                    | "general"
                    | "state"
                    | "house"
                    | "senate"
                    | "congress"
                    | "government"
                    | "i"
            );
            if !title && month_word(w).is_none() && !crate::analysis::dates::weekday_word(w) {
                names.push(stem_hash(cx.low(k).as_str()));
            }
        }
    }
    names.sort_unstable();
    names.dedup();
    // the words naming the thing: within ten tokens, inside the clause
    // (only the dates of named instruments are linked by these words)
    let mut local = Vec::new();
    let lo_k = cs.max(r.start.saturating_sub(10));
    let hi_k = ce.min(r.end + 10);
    if u.dim == Dim::Date && needs_context {
        for k in lo_k..hi_k {
            if !(k >= r.start && k < r.end)
                && let Some(h) = content(cx, k)
            {
                local.push(h);
            }
        }
    }
    local.sort_unstable();
    local.dedup();

    // ---- time scope: other dates in the clause
    // (hashed as found: years, or "last year" and the like)
    let mut scope_parts: Vec<u32> = Vec::new();
    if u.dim != Dim::Date {
        for k in marks(YEAR_MARK | lexicon::SCOPE, cs..ce) {
            if k >= r.start && k < r.end {
                continue;
            }
            if cx.is_num(k) {
                if let Some(y) = year_value(cx.t(k)) {
                    scope_parts.push(y as u32);
                }
            } else {
                let w = cx.low(k).as_str();
                let next = cx.low(k + 1).as_str();
                if matches!(next, "year" | "month" | "week" | "quarter") {
                    scope_parts.push(hash_str(w) ^ hash_str(next).rotate_left(7));
                }
            }
        }
    }
    scope_parts.sort();
    scope_parts.dedup();
    let scope = if scope_parts.is_empty() {
        0
    } else {
        let mut h = FxHasher::default();
        for p in &scope_parts {
            h.write_u32(*p);
        }
        let v = h.finish();
        (v ^ (v >> 32)) as u32 | 1
    };

    // ---- the interval, in base units
    let nonneg = !matches!(u.dim, Dim::Percent | Dim::PercentPoint | Dim::Angle);
    let (lo, hi) = if u.dim == Dim::Date {
        let (a, b) = r.range.unwrap_or((r.value, r.value));
        match r.qualifier {
            Qualifier::AtLeast | Qualifier::Over => (a, f64::INFINITY),
            Qualifier::AtMost | Qualifier::Under => (f64::NEG_INFINITY, b),
            Qualifier::Approx => (a - 366.0, b + 366.0),
            _ => (a, b),
        }
    } else {
        interval::interval(r.value, r.precision, r.qualifier, r.range, nonneg)
    };
    let f = u.factor;
    let (low, high) = if u.dim == Dim::Date {
        (lo, hi)
    } else {
        (lo * f, hi * f)
    };
    let value = r.value * if u.dim == Dim::Date { 1.0 } else { f };
    let precision = r.precision * if u.dim == Dim::Date { 1.0 } else { f };
    let (date, until) = match &r.date {
        Some(d) => (Some(d.date), d.until),
        None => (None, None),
    };
    let base = if u.dim == Dim::Date { "date" } else { u.base };
    Some(Figure {
        span,
        low,
        high,
        unit: base,
        statement,
        outer_statement: None,
        twins: (1, 0),
        dim: u.dim,
        shown_unit: u.name,
        factor: f,
        value,
        qualifier: r.qualifier,
        precision,
        thing: thing.map(String::into_boxed_str),
        words: WordHashes::new(&context, &local, &names),
        sentence,
        flags,
        date,
        until,
        same_as: Box::default(),
        scope,
        style: style_of(cx, r),
    })
}

/// Is the figure on a line that is only a date stamp ("10:32, 20 December",
/// "Sep 14, 2020", " date 2020-08-05 World 0", "Copyright … 2020.")?
fn stamp_line(cx: &Ctx, span: Span) -> bool {
    let text = cx.text;
    let s = span.start as usize;
    let ls = text[..s].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let le = text[s..].find('\n').map(|p| s + p).unwrap_or(text.len());
    let line = &text[ls..le];
    let rest_len = line.trim().len().saturating_sub(span.len());
    // the same line in the document's lower-cased copy (same offsets)
    let lower_line = cx.sc.lowered_text().get(ls..le).unwrap_or("");
    rest_len <= 12
        || lower_line.trim_start().starts_with("date ")
        || lower_line.contains("copyright")
        || lower_line.contains("all rights reserved")
        || line.trim().len() <= 40 && !line.trim_end().ends_with('.')
}
