//! Statements: sentences, quoted clauses inside them, and speaker turns in
//! transcripts, each with its speaker when the text names one.
//!
//! The segmenter works on the shared tokens and sentence spans:
//!
//! 1. Transcript turns: a line that opens with a speaker label
//!    ("Vladimir Putin: …", "Question: …") starts a turn that runs through the
//!    following paragraphs up to the next label, when the document has at
//!    least two labels; a lone label ("Lukashenko: Belarus cannot do without
//!    Russia" as a headline) covers its own line only.
//! 2. Quotation regions: paired quotation marks within a paragraph (curly,
//!    guillemets, straight quotes paired by position). A region may span
//!    several sentences; its part inside each sentence that also holds
//!    narration becomes a [`StatementKind::Quote`] statement.
//! 3. Attributions outside quotes: "X said", "said X", "X noted:",
//!    "according to X", with pronouns ("he said") resolved to the last named
//!    speaker nearby. A quote takes the attribution found in any sentence of
//!    its region; a sentence takes its turn's speaker first.
//!
//! Every statement span is tight: a speaker label, quotation marks and the
//! commas that glue a quote to its attribution are left out.

use std::num::NonZeroU32;
use std::sync::OnceLock;

use rustc_hash::{FxHashMap, FxHashSet};

use super::span::Span;
use super::tokens::{Token, TokenKind};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StatementKind {
    /// A whole sentence of narration or speech.
    Sentence,
    /// A quoted clause inside a sentence.
    Quote,
    /// A clause of a sentence (between semicolons, dashes, a comma and a
    /// conjunction, after "said that"), for claims repeated as part of a
    /// longer sentence.
    Clause,
}

/// One statement, in 28 bytes: a document holds one for every sentence,
/// quote and clause (6.5M at 100k generated articles), so the optional
/// parts are kept without `Option`'s room and the speaker as an index into
/// its document's [`Statements`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Statement {
    pub span: Span,
    pub kind: StatementKind,
    /// Index + 1 of its speaker in [`Statements::speaker`]'s list.
    speaker: Option<NonZeroU32>,
    /// Index + 1 of the enclosing statement.
    parent: Option<NonZeroU32>,
    /// The attributing phrase; empty when there is none.
    attribution: Span,
}

/// `i + 1`, for an index kept as `Option<NonZeroU32>`: `None` for an index
/// no document reaches (u32::MAX statements or speakers).
fn plus_one(i: u32) -> Option<NonZeroU32> {
    NonZeroU32::new(i.checked_add(1)?)
}

impl Statement {
    fn new(
        span: Span,
        kind: StatementKind,
        speaker: Option<u32>,
        parent: Option<u32>,
        attribution: Option<Span>,
    ) -> Statement {
        Statement {
            span,
            kind,
            speaker: speaker.and_then(plus_one),
            parent: parent.and_then(plus_one),
            attribution: attribution.filter(|a| a.start < a.end).unwrap_or_default(),
        }
    }

    /// Index of the enclosing statement (a quote's sentence).
    pub fn parent(&self) -> Option<u32> {
        self.parent.map(|p| p.get() - 1)
    }

    /// The attributing phrase inside the statement ("Lukashenko said",
    /// "said the Belarusian leader"): who speaks, not what is said.
    pub fn attribution(&self) -> Option<Span> {
        (self.attribution.start < self.attribution.end).then_some(self.attribution)
    }

    /// Index of its speaker among its document's, when the text tells.
    pub fn speaker_index(&self) -> Option<u32> {
        self.speaker.map(|p| p.get() - 1)
    }
}

/// A document's statements in text order, with their speakers' names, each
/// kept once: a transcript names its speaker in every turn, an article its
/// source in every quote and clause (3.1M statements with a speaker at 100k
/// generated articles, 16k distinct names).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Statements {
    list: Vec<Statement>,
    speakers: Vec<Box<str>>,
}

impl std::ops::Deref for Statements {
    type Target = [Statement];

    fn deref(&self) -> &[Statement] {
        &self.list
    }
}

impl Statements {
    /// Who says `st` (one of these statements), when the text tells
    /// (transcript turn, "X said").
    pub fn speaker(&self, st: &Statement) -> Option<&str> {
        self.speakers
            .get(st.speaker_index()? as usize)
            .map(|s| &**s)
    }

    /// The speakers' names, each once, in order of first use.
    pub fn speakers(&self) -> &[Box<str>] {
        &self.speakers
    }

    /// Do parents and speakers point inside (a cached analysis read back)?
    pub fn is_well_formed(&self) -> bool {
        let n = self.list.len();
        self.list.iter().all(|st| {
            st.parent().is_none_or(|p| (p as usize) < n)
                && st
                    .speaker_index()
                    .is_none_or(|s| (s as usize) < self.speakers.len())
        })
    }

    pub fn shrink_to_fit(&mut self) {
        self.list.shrink_to_fit();
        self.speakers.shrink_to_fit();
    }

    /// Drop the statements piece by piece, naming each piece for `t`
    /// ([`crate::analysis::teardown`]).
    pub fn drop_piecewise(self, t: &mut crate::analysis::teardown::Teardown) {
        let Statements { list, speakers } = self;
        t.drop(
            "statements: speaker names (Vec<Box<str>>)",
            speakers.len(),
            speakers,
        );
        t.drop("statements: Vec<Statement>", list.len(), list);
    }
}

/// Builds [`Statements`], keeping each speaker's name once.
#[derive(Default)]
struct Builder {
    out: Statements,
    ids: FxHashMap<String, u32>,
}

impl Builder {
    fn push(
        &mut self,
        span: Span,
        kind: StatementKind,
        speaker: Option<String>,
        parent: Option<u32>,
        attribution: Option<Span>,
    ) {
        let speaker = speaker.map(|name| match self.ids.get(&name) {
            Some(&id) => id,
            None => {
                let id = self.out.speakers.len() as u32;
                self.out.speakers.push(name.as_str().into());
                self.ids.insert(name, id);
                id
            }
        });
        self.out
            .list
            .push(Statement::new(span, kind, speaker, parent, attribution));
    }

    fn len(&self) -> usize {
        self.out.list.len()
    }

    /// The spans of the statements pushed from index `i` on.
    fn spans_from(&self, i: usize) -> Vec<Span> {
        self.out
            .list
            .get(i..)
            .unwrap_or(&[])
            .iter()
            .map(|s| s.span)
            .collect()
    }
}

/// Verbs that attribute speech ("X said", "said X"), lowercase.
const SPEECH_VERBS: &[&str] = &[
    "said",
    "says",
    "stated",
    "states",
    "added",
    "adds",
    "noted",
    "notes",
    "stressed",
    "stresses",
    "told",
    "tells",
    "explained",
    "explains",
    "emphasized",
    "emphasised",
    "emphasizes",
    "emphasises",
    "underlined",
    "underscored",
    "declared",
    "announced",
    "remarked",
    "continued",
    "insisted",
    "warned",
    "claimed",
    "argued",
    "asked",
    "replied",
    "answered",
    "recalled",
    "concluded",
    "admitted",
    "acknowledged",
    "wrote",
    "writes",
    "tweeted",
    "reiterated",
    "affirmed",
    "reaffirmed",
    "confirmed",
    "mentioned",
    "observed",
    "pointed",
    "quipped",
    "reported",
    "reports",
    "promised",
];

/// Words that may stand between a speaker and the speech verb
/// ("Putin also said", "Lukashenko has reaffirmed").
const VERB_LEAD_INS: &[&str] = &[
    "also",
    "then",
    "later",
    "further",
    "again",
    "once",
    "earlier",
    "previously",
    "reportedly",
    "has",
    "had",
    "have",
    "was",
    "is",
    "had",
    "himself",
    "herself",
    "repeatedly",
    "recently",
    "clearly",
    "publicly",
    "firmly",
    "separately",
];

/// Lowercase words allowed inside a capitalised name or title run
/// ("President of the Republic of Belarus Alexander Lukashenko").
const NAME_CONNECTORS: &[&str] = &[
    "of", "the", "and", "de", "da", "del", "van", "von", "der", "al", "el", "bin", "ibn", "la",
    "le", "for",
];

/// Determiners that open a descriptive speaker ("the Belarusian leader").
const DETERMINERS: &[&str] = &[
    "the", "a", "an", "his", "her", "their", "its", "our", "this",
];

/// Line labels that look like speaker labels but introduce no speech.
const NON_SPEAKER_LABELS: &[&str] = &[
    "photo",
    "photos",
    "source",
    "sources",
    "note",
    "update",
    "updated",
    "related",
    "tags",
    "tag",
    "caption",
    "image",
    "images",
    "video",
    "date",
    "by",
    "published",
    "copyright",
    "credit",
    "credits",
    "watch",
    "listen",
    "also",
    "see",
    "more",
    "file",
    "editor",
    "editors",
    "advertisement",
    "topics",
    "category",
    "categories",
    "keywords",
    "subject",
    "title",
    "headline",
    "author",
    "location",
    "dateline",
    "contact",
    "email",
    "phone",
    "tel",
    "fax",
    "web",
    "website",
    "http",
    "https",
    "www",
];

/// Pronouns that stand for the last named speaker.
const PRONOUNS: &[&str] = &["he", "she", "they"];

/// Is `s` (any case) one of the speech verbs? A hashed lookup: it is asked
/// for every word outside quotes.
fn is_speech_verb(s: &str) -> bool {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    let set = SET.get_or_init(|| SPEECH_VERBS.iter().copied().collect());
    let mut buf = [0u8; 16];
    let Some(dst) = buf.get_mut(..s.len()) else {
        return false;
    };
    dst.copy_from_slice(s.as_bytes());
    dst.make_ascii_lowercase();
    std::str::from_utf8(dst).is_ok_and(|w| set.contains(w))
}

fn lower_eq(s: &str, list: &[&str]) -> bool {
    // most words are longer than any listed one or start with another letter
    let Some(&first) = s.as_bytes().first() else {
        return list.contains(&"");
    };
    let first = first.to_ascii_lowercase();
    list.iter().any(|w| {
        w.len() == s.len()
            && w.as_bytes().first().map(u8::to_ascii_lowercase) == Some(first)
            && w.eq_ignore_ascii_case(s)
    })
}

/// Role of a quotation mark token.
#[derive(Clone, Copy, PartialEq, Eq)]
enum QuoteMark {
    Open,
    Close,
    /// A straight quote whose surroundings do not tell.
    Either,
}

fn quote_mark(text: &str, toks: &[Token], i: usize) -> Option<QuoteMark> {
    let t = toks[i];
    if t.kind != TokenKind::Punct {
        return None;
    }
    let glued_next = toks
        .get(i + 1)
        .is_some_and(|n| !n.space_before() && !n.newline_before());
    let next_is_word = toks.get(i + 1).is_some_and(|n| !n.is_punct());
    let glued_prev = i > 0 && !t.space_before();
    match t.text(text) {
        "“" | "«" | "„" => Some(QuoteMark::Open),
        "”" | "»" => {
            if !glued_prev && glued_next && next_is_word {
                Some(QuoteMark::Either)
            } else {
                Some(QuoteMark::Close)
            }
        }
        "\"" => Some(if glued_next && !glued_prev {
            QuoteMark::Open
        } else if glued_prev && !glued_next {
            QuoteMark::Close
        } else {
            QuoteMark::Either
        }),
        _ => None,
    }
}

/// Does a new paragraph start at token `i` (so that open quotes end)?
fn paragraph_break(text: &str, toks: &[Token], i: usize) -> bool {
    if i == 0 || !toks[i].newline_before() {
        return false;
    }
    let gap = &text[toks[i - 1].span.end as usize..toks[i].span.start as usize];
    if gap.matches('\n').count() >= 2 {
        return true;
    }
    // one paragraph per line: the previous line ended a sentence
    let prev = toks[i - 1].text(text);
    matches!(
        prev,
        "." | "!" | "?" | "…" | "\"" | "”" | "»" | ":" | ")" | "’" | "'"
    ) || !toks[i].is_punct() && toks[i].is_capitalized()
}

/// Quotation regions as token ranges of their content (marks excluded).
fn quote_regions(text: &str, toks: &[Token]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut open: Option<usize> = None;
    for i in 0..toks.len() {
        if paragraph_break(text, toks, i)
            && let Some(o) = open.take()
        {
            out.push((o + 1, i));
        }
        let Some(mark) = quote_mark(text, toks, i) else {
            continue;
        };
        match (mark, open) {
            (QuoteMark::Open, Some(o)) => {
                // a new opening mark while one is open: the earlier quote
                // lost its closing mark
                out.push((o + 1, i));
                open = Some(i);
            }
            (QuoteMark::Open | QuoteMark::Either, None) => open = Some(i),
            (QuoteMark::Close | QuoteMark::Either, Some(o)) => {
                out.push((o + 1, i));
                open = None;
            }
            (QuoteMark::Close, None) => {}
        }
    }
    if let Some(o) = open {
        out.push((o + 1, toks.len()));
    }
    out.retain(|&(a, b)| a < b);
    out
}

/// A speaker label at the start of the line beginning at token `i`: returns
/// the index of the colon and the speaker's name.
fn speaker_label(text: &str, toks: &[Token], i: usize) -> Option<(usize, String)> {
    let first = toks.get(i)?;
    if !first.is_word() || !first.is_capitalized() {
        return None;
    }
    if lower_eq(first.text(text), NON_SPEAKER_LABELS) {
        return None;
    }
    let mut depth = 0i32;
    for (k, t) in toks.iter().enumerate().skip(i).take(14) {
        if k > i && t.newline_before() {
            return None;
        }
        let s = t.text(text);
        match s {
            "(" | "[" => depth += 1,
            ")" | "]" => depth -= 1,
            _ if depth > 0 => {}
            ":" => {
                if k == i || toks.get(k + 1).is_some_and(|n| !n.space_before()) {
                    return None;
                }
                let name = speaker_name(text, &toks[i..k]);
                return (!name.is_empty()).then_some((k, name));
            }
            "." | "-" | "’" | "'" | "," => {}
            _ if t.is_word() && (t.is_capitalized() || lower_eq(s, NAME_CONNECTORS)) => {}
            _ => return None,
        }
    }
    None
}

/// The name in a run of capitalised words and connectors: the last two
/// capitalised words after the last connector or bracket ("President of
/// Russia Vladimir Putin" gives "Vladimir Putin"), or three when the middle
/// one is an initial ("Donald J. Trump").
fn speaker_name(text: &str, run: &[Token]) -> String {
    let mut words: Vec<Token> = Vec::new();
    let mut depth = 0i32;
    for (k, t) in run.iter().enumerate() {
        let s = t.text(text);
        match s {
            "(" | "[" => {
                depth += 1;
                continue;
            }
            ")" | "]" => {
                depth -= 1;
                continue;
            }
            _ => {}
        }
        if depth > 0 {
            continue;
        }
        if t.is_word() && t.is_capitalized() && !(k == 0 && lower_eq(s, DETERMINERS)) {
            words.push(*t);
        } else if t.is_word() {
            words.clear();
        }
    }
    // a title without a name ("the President of Russia"): the whole phrase
    let connected = run
        .iter()
        .any(|t| t.is_word() && !t.is_capitalized() && lower_eq(t.text(text), NAME_CONNECTORS));
    if connected && words.len() == 1 && run.len() > 1 {
        let first = run[0];
        let last = run[run.len() - 1];
        let span = Span::new(first.span.start as usize, last.span.end as usize);
        return span
            .of(text)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
    }
    let n = words.len();
    let take = if n >= 3 && words[n - 2].text(text).chars().count() == 1 {
        3
    } else {
        2.min(n)
    };
    let picked = &words[n - take..];
    let Some(first) = picked.first() else {
        return String::new();
    };
    let span = Span::new(
        first.span.start as usize,
        picked.last().unwrap_or(first).span.end as usize,
    );
    span.of(text)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// A speaker phrase found next to a speech verb.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Who {
    Named(String),
    Pronoun,
}

/// The speaker phrase ending right before token `end` (exclusive), within
/// `lo..end`: a capitalised name run, or a determiner phrase ("the
/// Belarusian leader").
fn speaker_before(text: &str, toks: &[Token], lo: usize, end: usize) -> Option<(Who, usize)> {
    let mut e = end;
    // skip lead-in adverbs and auxiliaries: "Putin also said"
    while e > lo && toks[e - 1].is_word() && lower_eq(toks[e - 1].text(text), VERB_LEAD_INS) {
        e -= 1;
    }
    if e == lo {
        return None;
    }
    let last = toks[e - 1];
    if !last.is_word() {
        return None;
    }
    if lower_eq(last.text(text), PRONOUNS) {
        return Some((Who::Pronoun, e - 1));
    }
    if last.is_capitalized() {
        let mut s = e - 1;
        while s > lo {
            let p = toks[s - 1];
            let ps = p.text(text);
            let initial_dot = ps == "." && s >= 2 && toks[s - 2].text(text).chars().count() == 1;
            if (p.is_word() && (p.is_capitalized() || lower_eq(ps, NAME_CONNECTORS))) || initial_dot
            {
                s -= 1;
            } else {
                break;
            }
        }
        let name = speaker_name(text, &toks[s..e]);
        return (!name.is_empty()).then_some((Who::Named(name), s));
    }
    // "Lukashenko thanked Putin and said": the name that opens the clause
    if lower_eq(last.text(text), &["and", "but", "then"]) {
        let first = toks[lo];
        if first.is_word() && first.is_capitalized() && !lower_eq(first.text(text), DETERMINERS) {
            let mut s = lo;
            while s < e && toks[s].is_word() && toks[s].is_capitalized() {
                s += 1;
            }
            let name = speaker_name(text, &toks[lo..s]);
            return (!name.is_empty()).then_some((Who::Named(name), e - 1));
        }
        return None;
    }
    // "the Belarusian leader said": a short determiner phrase
    for s in (lo..e - 1).rev().take(5) {
        let t = toks[s];
        if !t.is_word() || lower_eq(t.text(text), &["and", "or", "but", "that", "to"]) {
            return None;
        }
        if lower_eq(t.text(text), DETERMINERS) {
            let span = Span::new(t.span.start as usize, last.span.end as usize);
            let phrase = span.of(text).split_whitespace().collect::<Vec<_>>();
            return Some((Who::Named(phrase.join(" ")), s));
        }
    }
    None
}

/// The speaker phrase starting at token `start` ("said Putin", "said the
/// Belarusian leader"), which must end the clause.
fn speaker_after(text: &str, toks: &[Token], start: usize, hi: usize) -> Option<(Who, usize)> {
    let first = *toks.get(start).filter(|_| start < hi)?;
    if !first.is_word() {
        return None;
    }
    let fs = first.text(text);
    let mut e = start;
    let named;
    if lower_eq(fs, PRONOUNS) {
        e += 1;
        named = None;
    } else if first.is_capitalized() || lower_eq(fs, DETERMINERS) {
        while e < hi && e < start + 8 {
            let t = toks[e];
            let s = t.text(text);
            let initial_dot = s == "." && e > start && toks[e - 1].text(text).chars().count() == 1;
            let ok = if e == start {
                true
            } else if lower_eq(fs, DETERMINERS) {
                t.is_word() && !lower_eq(s, CLAUSE_ENDERS)
            } else {
                (t.is_word() && (t.is_capitalized() || lower_eq(s, NAME_CONNECTORS))) || initial_dot
            };
            if !ok {
                break;
            }
            e += 1;
        }
        named = Some(());
    } else {
        return None;
    }
    // the phrase must close the clause: punctuation, the end, or an adjunct
    if e < hi {
        let n = toks[e];
        let closes = n.is_punct() && n.text(text) != "'s"
            || lower_eq(n.text(text), CLAUSE_ENDERS)
            || n.is_number();
        if !closes {
            return None;
        }
    }
    let who = match named {
        None => Who::Pronoun,
        Some(()) => {
            if lower_eq(fs, DETERMINERS) {
                let span = Span::new(first.span.start as usize, toks[e - 1].span.end as usize);
                let phrase = span.of(text).split_whitespace().collect::<Vec<_>>();
                Who::Named(phrase.join(" "))
            } else {
                let name = speaker_name(text, &toks[start..e]);
                if name.is_empty() {
                    return None;
                }
                Who::Named(name)
            }
        }
    };
    Some((who, e))
}

/// Words after which a speaker phrase that follows its verb has ended.
const CLAUSE_ENDERS: &[&str] = &[
    "on",
    "in",
    "at",
    "during",
    "after",
    "before",
    "adding",
    "while",
    "when",
    "as",
    "last",
    "earlier",
    "today",
    "yesterday",
    "and",
    "but",
    "who",
    "which",
    "upon",
    "following",
    "to",
    "told",
    "referring",
    "speaking",
    "according",
];

/// The attribution of a sentence, read from its tokens outside quotes: the
/// speaker and the token range of the attributing phrase ("Putin said",
/// "said the Belarusian leader", "according to BelTA").
fn attribution(
    text: &str,
    toks: &[Token],
    lo: usize,
    hi: usize,
    quoted: &[bool],
) -> Option<(Who, (usize, usize))> {
    for k in lo..hi {
        if quoted[k] || !toks[k].is_word() {
            continue;
        }
        let s = toks[k].text(text);
        // "according to X"
        if s.eq_ignore_ascii_case("according")
            && toks.get(k + 1).is_some_and(|t| t.text(text) == "to")
            && k + 2 < hi
            && !quoted[k + 2]
        {
            if let Some((w, e)) = speaker_after(text, toks, k + 2, hi) {
                return Some((w, (k, e)));
            }
            continue;
        }
        if !is_speech_verb(s) {
            continue;
        }
        // "pointed out": only with "out"
        if s.eq_ignore_ascii_case("pointed")
            && toks.get(k + 1).is_none_or(|t| t.text(text) != "out")
        {
            continue;
        }
        let before_lo = (lo..k).rev().find(|&j| quoted[j]).map_or(lo, |j| j + 1);
        if let Some((w, s)) = speaker_before(text, toks, before_lo, k) {
            return Some((w, (s, k + 1)));
        }
        if let Some((w, e)) = speaker_after(text, toks, k + 1, hi)
            && !quoted.get(k + 1).copied().unwrap_or(false)
        {
            return Some((w, (k, e)));
        }
    }
    None
}

/// Token range `[a, b)` of a byte span.
fn token_range(toks: &[Token], span: Span) -> (usize, usize) {
    let a = toks.partition_point(|t| t.span.start < span.start);
    let b = toks.partition_point(|t| t.span.start < span.end);
    (a, b.max(a))
}

fn is_glue(s: &str) -> bool {
    matches!(s, "," | ";" | ":" | "–" | "—" | "-" | "…")
}

fn is_quote_char(s: &str) -> bool {
    matches!(s, "\"" | "“" | "”" | "«" | "»" | "„")
}

/// Trim a token range of leading glue and quote marks, and trailing glue and
/// quote marks; `None` when no word is left.
fn trim_range(text: &str, toks: &[Token], mut a: usize, mut b: usize) -> Option<(usize, usize)> {
    while a < b && toks[a].is_punct() && {
        let s = toks[a].text(text);
        is_glue(s) || is_quote_char(s) || matches!(s, "." | "!" | "?")
    } {
        a += 1;
    }
    while b > a && toks[b - 1].is_punct() && {
        let s = toks[b - 1].text(text);
        is_glue(s) || is_quote_char(s)
    } {
        b -= 1;
    }
    toks[a..b].iter().any(|t| !t.is_punct()).then_some((a, b))
}

fn span_of(toks: &[Token], a: usize, b: usize) -> Span {
    Span::new(toks[a].span.start as usize, toks[b - 1].span.end as usize)
}

/// A pronoun is resolved across at most this many sentences.
const MAX_PRONOUN_DISTANCE: usize = 40;

/// The quotation region (sorted, disjoint token ranges) holding token `tok`.
fn region_at(regions: &[(usize, usize)], tok: usize) -> Option<usize> {
    let i = regions.partition_point(|r| r.0 <= tok).checked_sub(1)?;
    (tok < regions[i].1).then_some(i)
}

/// Segment a document into statements. Sentences come first in text order,
/// each followed by its quoted clauses.
pub fn segment(text: &str, toks: &[Token], sentences: &[Span]) -> Statements {
    let mut out = Builder::default();
    out.out.list.reserve(sentences.len() * 5 / 4);
    if toks.is_empty() {
        return out.out;
    }

    // ---- speaker labels and turns
    let mut labels: Vec<(usize, usize, String)> = Vec::new(); // (line start tok, colon tok, name)
    for i in 0..toks.len() {
        if (i == 0 || toks[i].newline_before())
            && let Some((colon, name)) = speaker_label(text, toks, i)
        {
            labels.push((i, colon, name));
        }
    }
    let transcript = labels.len() >= 2;
    let mut label_at: Vec<Option<u32>> = vec![None; toks.len()];
    for (li, l) in labels.iter().enumerate() {
        label_at[l.0] = Some(li as u32);
    }
    // turn_of[token] = index into labels
    let mut turn_of: Vec<Option<u32>> = vec![None; toks.len()];
    for (li, &(start, _, _)) in labels.iter().enumerate() {
        let end = if transcript {
            labels.get(li + 1).map_or(toks.len(), |l| l.0)
        } else {
            (start + 1..toks.len())
                .find(|&k| toks[k].newline_before())
                .unwrap_or(toks.len())
        };
        for slot in &mut turn_of[start..end] {
            *slot = Some(li as u32);
        }
    }
    // a separator line ("* * *") or a line of its own without words ends a turn
    if transcript {
        let mut k = 0;
        while k < toks.len() {
            let line_end = (k + 1..toks.len())
                .find(|&j| toks[j].newline_before())
                .unwrap_or(toks.len());
            if toks[k..line_end].iter().all(|t| t.is_punct()) {
                let cur = turn_of[k];
                let mut j = k;
                while j < toks.len() && turn_of[j] == cur && cur.is_some() {
                    if label_at[j].is_some() {
                        break;
                    }
                    turn_of[j] = None;
                    j += 1;
                }
            }
            k = line_end;
        }
    }

    // ---- quotation regions
    let regions = quote_regions(text, toks);
    let mut quoted = vec![false; toks.len()];
    for &(a, b) in &regions {
        for q in &mut quoted[a..b] {
            *q = true;
        }
    }
    // quotation marks themselves count as quoted for attribution scans
    for (i, q) in quoted.iter_mut().enumerate() {
        if is_quote_char(toks[i].text(text)) {
            *q = true;
        }
    }

    // ---- attribution per sentence, then per region
    let ranges: Vec<(usize, usize)> = sentences.iter().map(|&s| token_range(toks, s)).collect();
    let mut sent_who: Vec<Option<String>> = Vec::with_capacity(sentences.len());
    let mut sent_attr: Vec<Option<Span>> = Vec::with_capacity(sentences.len());
    let mut last_named: Option<(usize, String)> = None;
    for (si, &(a, b)) in ranges.iter().enumerate() {
        let found = attribution(text, toks, a, b, &quoted);
        sent_attr.push(
            found
                .as_ref()
                .and_then(|&(_, (x, y))| (x < y).then(|| span_of(toks, x, y))),
        );
        let resolved = match found.map(|f| f.0) {
            Some(Who::Named(n)) => {
                last_named = Some((si, n.clone()));
                Some(n)
            }
            // "he said" is the last named speaker when nothing but quoted
            // speech came between
            Some(Who::Pronoun) => last_named
                .as_ref()
                .filter(|(at, _)| {
                    si - at <= MAX_PRONOUN_DISTANCE
                        && ranges[at + 1..si].iter().all(|&(x, y)| {
                            toks[x..y]
                                .iter()
                                .position(|t| t.is_word())
                                .is_some_and(|w| quoted[x + w])
                        })
                })
                .map(|(_, n)| n.clone()),
            None => None,
        };
        sent_who.push(resolved);
    }
    let region_who: Vec<Option<String>> = regions
        .iter()
        .map(|&(a, b)| {
            // the sentence holding the region's end speaks first ("…," X said),
            // then the one holding its start ("X said: “…")
            let holding = |tok: usize| {
                let i = ranges.partition_point(|r| r.0 <= tok).checked_sub(1)?;
                let (sa, sb) = ranges[i];
                (sa <= tok && tok < sb.max(sa + 1)).then_some(i)
            };
            let end_s = holding(b.min(toks.len()).saturating_sub(1).max(a));
            let start_s = holding(a.saturating_sub(1));
            let after_s = holding(b.min(toks.len().saturating_sub(1)));
            [end_s, after_s, start_s]
                .into_iter()
                .flatten()
                .find_map(|s| sent_who[s].clone())
        })
        .collect();
    let turn_name = |tok: usize| -> Option<String> {
        turn_of
            .get(tok)
            .copied()
            .flatten()
            .map(|li| labels[li as usize].2.clone())
    };

    // ---- statements
    for (si, &(a0, b)) in ranges.iter().enumerate() {
        if a0 >= b {
            continue;
        }
        let mut a = a0;
        // leave a speaker label out of the sentence
        if let Some(&(_, colon, _)) = label_at[a0].map(|li| &labels[li as usize])
            && colon < b
        {
            a = colon + 1;
        }
        let Some((ta, tb)) = trim_range(text, toks, a, b).or_else(|| {
            // a sentence of punctuation only keeps its span
            (a < b).then_some((a, b))
        }) else {
            continue;
        };
        // the sentence's speaker: its turn, else its own attribution, else
        // the region it lies in
        let in_region = region_at(&regions, ta).filter(|&r| tb <= regions[r].1);
        let speaker = turn_name(ta)
            .or_else(|| sent_who[si].clone())
            .or_else(|| in_region.and_then(|r| region_who[r].clone()));
        let parent = out.len() as u32;
        let span = span_of(toks, ta, tb);
        out.push(
            span,
            StatementKind::Sentence,
            speaker,
            None,
            sent_attr[si].filter(|a| span.covers(*a)),
        );
        // quoted clauses that are a proper part of the sentence
        let words_in = |x: usize, y: usize| toks[x..y].iter().filter(|t| !t.is_punct()).count();
        let sentence_words = words_in(ta, tb);
        let first = regions.partition_point(|r| r.1 <= ta);
        for (ri, &(ra, rb)) in regions.iter().enumerate().skip(first) {
            if ra >= tb {
                break;
            }
            let (qa, qb) = (ra.max(ta), rb.min(tb));
            let Some((qa, qb)) = trim_range(text, toks, qa, qb) else {
                continue;
            };
            let n = words_in(qa, qb);
            if n < 3 || n >= sentence_words {
                continue;
            }
            let speaker = region_who[ri]
                .clone()
                .or_else(|| turn_name(qa))
                .or_else(|| sent_who[si].clone());
            out.push(
                span_of(toks, qa, qb),
                StatementKind::Quote,
                speaker,
                Some(parent),
                None,
            );
        }
        // clauses: the parts of a sentence between clause boundaries, for
        // claims repeated as part of a longer sentence
        let attr = sent_attr[si].map(|a| token_range(toks, a));
        let quote_spans = out.spans_from(parent as usize + 1);
        for (ca, cb) in clauses(text, toks, ta, tb, attr) {
            let Some((ca, cb)) = trim_range(text, toks, ca, cb) else {
                continue;
            };
            let n = words_in(ca, cb);
            let span = span_of(toks, ca, cb);
            if n < MIN_CLAUSE_WORDS || n >= sentence_words || quote_spans.contains(&span) {
                continue;
            }
            let in_quote = region_at(&regions, ca).filter(|&r| cb <= regions[r].1);
            let speaker = in_quote
                .and_then(|r| region_who[r].clone())
                .or_else(|| turn_name(ca))
                .or_else(|| sent_who[si].clone());
            out.push(span, StatementKind::Clause, speaker, Some(parent), None);
        }
    }
    out.out
}

/// A clause needs this many words to be a statement of its own.
const MIN_CLAUSE_WORDS: usize = 5;

/// Conjunctions and relatives that open a clause after a comma.
const CLAUSE_OPENERS: &[&str] = &[
    "but", "and", "while", "whereas", "although", "though", "because", "which", "who", "where",
    "yet", "so", "since", "thereby", "as",
];

/// Verbs after which "that" opens a reported clause.
const REPORTING_VERBS: &[&str] = &[
    "said",
    "says",
    "stated",
    "added",
    "noted",
    "stressed",
    "told",
    "explained",
    "emphasized",
    "emphasised",
    "underlined",
    "declared",
    "announced",
    "insisted",
    "warned",
    "claimed",
    "argued",
    "recalled",
    "admitted",
    "acknowledged",
    "reiterated",
    "affirmed",
    "reaffirm",
    "reaffirmed",
    "confirmed",
    "mentioned",
    "believe",
    "believes",
    "believed",
    "think",
    "thinks",
    "thought",
    "hope",
    "hopes",
    "hoped",
    "agree",
    "agreed",
    "promised",
    "expect",
    "expects",
    "know",
    "knows",
    "understand",
    "convinced",
    "clear",
    "sure",
    "confident",
    "means",
];

/// Token ranges of the clauses of a sentence `[a, b)`: pieces between
/// semicolons, colons, spaced dashes, brackets, a comma before a
/// conjunction, a reporting "that", and the attributing phrase `attr`.
fn clauses(
    text: &str,
    toks: &[Token],
    a: usize,
    b: usize,
    attr: Option<(usize, usize)>,
) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = a;
    let mut k = a;
    while k < b {
        let t = toks[k];
        let s = t.text(text);
        let next = toks.get(k + 1).filter(|_| k + 1 < b);
        // the attributing phrase is a boundary of its own
        if let Some((x, y)) = attr
            && k == x
            && y > x
        {
            out.push((start, k));
            start = y.min(b);
            k = y.min(b);
            continue;
        }
        let boundary = match s {
            ";" | "(" | ")" => true,
            ":" => next.is_some_and(|n| n.space_before()),
            "–" | "—" | "-" => t.space_before() && next.is_some_and(|n| n.space_before()),
            "," => {
                // ", BelTA reports.": a closing attribution ends the clause
                let rest: Vec<&Token> = toks[k + 1..b]
                    .iter()
                    .filter(|t| t.is_word())
                    .take(5)
                    .collect();
                if rest.len() <= 4 && rest.iter().any(|t| is_speech_verb(t.text(text))) {
                    out.push((start, k));
                    start = b;
                    break;
                }
                next.is_some_and(|n| n.is_word() && lower_eq(n.text(text), CLAUSE_OPENERS))
            }
            _ if t.is_word() && s.eq_ignore_ascii_case("that") => {
                k > a && lower_eq(toks[k - 1].text(text), REPORTING_VERBS)
            }
            _ => false,
        };
        if boundary {
            out.push((start, k));
            start = k + 1;
        }
        k += 1;
    }
    out.push((start, b));
    out.retain(|&(x, y)| x < y);
    if out.len() == 1 && out[0] == (a, b) {
        out.clear();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::sentences;
    use crate::analysis::tokens::tokenize;

    fn seg(text: &str) -> Vec<(StatementKind, String, Option<String>, Option<u32>)> {
        let mut toks = tokenize(text);
        let sents = sentences::split(text, &mut toks);
        let all = segment(text, &toks, &sents);
        all.iter()
            .map(|s| {
                (
                    s.kind,
                    s.span.of(text).to_string(),
                    all.speaker(s).map(str::to_string),
                    s.parent(),
                )
            })
            .collect()
    }

    fn quotes(text: &str) -> Vec<(String, Option<String>)> {
        seg(text)
            .into_iter()
            .filter(|s| s.0 == StatementKind::Quote)
            .map(|s| (s.1, s.2))
            .collect()
    }

    fn some(s: &str) -> Option<String> {
        Some(s.to_string())
    }

    #[test]
    fn quote_inside_narration_with_attribution_before() {
        let text = "Following talks, Lukashenko stated \"Russia will do without us. But we won't do without it.\"";
        let all = seg(text);
        assert_eq!(
            all[0],
            (
                StatementKind::Sentence,
                "Following talks, Lukashenko stated \"Russia will do without us.".into(),
                some("Lukashenko"),
                None
            )
        );
        assert_eq!(
            all[1],
            (
                StatementKind::Quote,
                "Russia will do without us.".into(),
                some("Lukashenko"),
                Some(0)
            )
        );
        // the second sentence lies wholly in the quote: no separate quote, but
        // it inherits the quote's speaker
        assert_eq!(
            all[2],
            (
                StatementKind::Sentence,
                "But we won't do without it.".into(),
                some("Lukashenko"),
                None
            )
        );
        assert_eq!(all.len(), 3);
    }

    #[test]
    fn multi_sentence_quote_with_attribution_after() {
        let text = "“Power industry. Are we producing gas? No, we receive natural gas from fraternal Russia. But we also need favorable prices,” Lukashenko said.";
        let all = seg(text);
        let speakers: Vec<_> = all.iter().map(|s| s.2.clone()).collect();
        assert!(speakers.iter().all(|s| s.as_deref() == Some("Lukashenko")));
        assert_eq!(
            quotes(text),
            vec![(
                "But we also need favorable prices".into(),
                some("Lukashenko")
            )]
        );
        assert_eq!(all[0].1, "Power industry.");
    }

    #[test]
    fn two_quotes_in_one_sentence_and_said_after_name() {
        let text = "\"And we agreed here that yes, we will act on equal terms,\" adding \"Are we able to defend ourselves alone?\" said the Belarusian leader.";
        let q = quotes(text);
        assert_eq!(
            q,
            vec![
                (
                    "And we agreed here that yes, we will act on equal terms".into(),
                    some("the Belarusian leader")
                ),
                (
                    "Are we able to defend ourselves alone?".into(),
                    some("the Belarusian leader")
                ),
            ]
        );
    }

    #[test]
    fn short_scare_quotes_are_not_statements() {
        let text = "We got a good “inoculation” from our so-called partners.";
        assert!(quotes(text).is_empty());
    }

    #[test]
    fn colon_attribution_and_pronoun() {
        let text = "Putin met Lukashenko in Sochi. He noted: “It is the same for the space sphere. We have relevant plans.”\nThe talks ended.";
        let all = seg(text);
        assert_eq!(all[1].1, "He noted: “It is the same for the space sphere.");
        // "he" resolves to nobody named as a speaker before: no speaker
        assert_eq!(all[1].2, None);
        let text = "\"We will do it together,\" Putin said. He added: \"It is the same for the space sphere, of course.\"";
        let q = quotes(text);
        assert_eq!(q[0], ("We will do it together".into(), some("Putin")));
        assert_eq!(
            q[1],
            (
                "It is the same for the space sphere, of course.".into(),
                some("Putin")
            )
        );
    }

    #[test]
    fn speaker_turns_in_transcripts() {
        let text = "The talks ended.\n* * *\nPresident of Russia Vladimir Putin: Mr President, colleagues,\nWe reviewed trade. It grew.\nPresident of the Republic of Belarus Alexander Lukashenko: Thank you.\nWe agree with the President of Russia, as he said.\nQuestion: Will you meet again?";
        let all = seg(text);
        let find = |s: &str| all.iter().find(|x| x.1 == s).unwrap().2.clone();
        assert_eq!(find("The talks ended."), None);
        assert_eq!(find("Mr President, colleagues"), some("Vladimir Putin"));
        assert_eq!(find("We reviewed trade."), some("Vladimir Putin"));
        assert_eq!(find("It grew."), some("Vladimir Putin"));
        assert_eq!(find("Thank you."), some("Alexander Lukashenko"));
        assert_eq!(
            find("We agree with the President of Russia, as he said."),
            some("Alexander Lukashenko")
        );
        assert_eq!(find("Will you meet again?"), some("Question"));
    }

    #[test]
    fn lone_label_is_a_headline_attribution() {
        let text =
            "Lukashenko: Belarus cannot do without Russia\nPhoto: BelTA\nThe talks ended in Minsk.";
        let all = seg(text);
        assert_eq!(all[0].1, "Belarus cannot do without Russia");
        assert_eq!(all[0].2, some("Lukashenko"));
        assert_eq!(all[1].1, "Photo: BelTA");
        assert_eq!(all[1].2, None);
        assert_eq!(all[2].2, None);
    }

    #[test]
    fn abbreviations_do_not_split_statements() {
        let text = "Mr. Putin told the U.S. delegation that talks went well, according to Dr. Smith. The end came soon.";
        let all: Vec<_> = seg(text)
            .into_iter()
            .filter(|s| s.0 == StatementKind::Sentence)
            .collect();
        assert_eq!(all.len(), 2);
        assert_eq!(
            all[0].1,
            "Mr. Putin told the U.S. delegation that talks went well, according to Dr. Smith."
        );
        assert_eq!(all[0].2, some("Putin"));
    }

    #[test]
    fn paragraphs_close_open_quotes() {
        let text = "He said: \"We will go on\nThe next paragraph is narration by the author here.";
        let all = seg(text);
        assert_eq!(all.len(), 3);
        assert_eq!(all[1].1, "We will go on");
        assert_eq!(all[1].2, None);
        assert_eq!(
            all[2].1,
            "The next paragraph is narration by the author here."
        );
        assert_eq!(all[2].2, None);
    }

    #[test]
    fn clauses_of_long_sentences() {
        let text = "They signed the protocol on equal rights for citizens; the treaty on security guarantees entered into force. \
                    The Belarusian leader stressed that the parties laid the foundation for rapid progress in the future, BelTA reports.";
        let clauses: Vec<String> = seg(text)
            .into_iter()
            .filter(|s| s.0 == StatementKind::Clause)
            .map(|s| s.1)
            .collect();
        assert_eq!(
            clauses,
            vec![
                "They signed the protocol on equal rights for citizens",
                "the treaty on security guarantees entered into force.",
                "the parties laid the foundation for rapid progress in the future",
            ]
        );
    }

    #[test]
    fn never_panics_on_odd_input() {
        for text in [
            "",
            "\"",
            "“”",
            ":",
            "A:",
            "\" \" \" said",
            "said he",
            "according to",
            "X: \"a b c\nY: “",
            "«Да», сказал он. “Ünïcödé quote here now,” said Zoë.",
            "Mr.\n\n\"",
        ] {
            let _ = seg(text);
        }
    }
}
