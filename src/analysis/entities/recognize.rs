//! Finding names in one document: runs of capitalised words are cut into
//! name candidates, each typed by a sieve of rules from most to least
//! precise (declared in `claimlens.toml`, gazetteer, head word, given name,
//! title, acronym, context), with roles and titles taken off the name.
//!
//! Capital letters at a sentence, line or clause start are no evidence of a
//! name (Mikheev's document-centred approach): a word there counts only when
//! the same word is capitalised elsewhere in the document, or the lexicon or
//! context types it; otherwise it is a weak candidate the corpus may confirm.

use rustc_hash::{FxHashMap, FxHashSet};

use super::lexicon::{LEXICON, Lexicon, class, lower_into};
use super::names;
use super::{DeclaredEntity, EntityConfig, EntityKind};
use crate::analysis::sentences::CLAUSE_START;
use crate::analysis::span::Span;
use crate::analysis::tokens::{Token, TokenKind, flag};

/// One name found in the text, before the document's referents are built.
#[derive(Clone, Debug)]
pub struct Part<'a> {
    pub span: Span,
    /// Token range.
    pub a: usize,
    pub b: usize,
    /// Words of the name as written (initials with their dot).
    pub words: Vec<&'a str>,
    pub kind: Option<EntityKind>,
    /// Typed by strong evidence (lexicon, head word, title, given name,
    /// declaration, acronym) rather than a guess from context.
    pub strong: bool,
    /// Appears only where capitals are no evidence and nothing confirms it.
    pub weak: bool,
    pub roles: Vec<String>,
    /// Honorific gender: 1 feminine, 2 masculine.
    pub gender: u8,
    /// Index into the declared entities of the configuration.
    pub declared: Option<u32>,
    /// An acronym written right after the name in brackets.
    pub acronym_after: Option<usize>,
}

impl Part<'_> {
    pub fn text(&self) -> String {
        self.words.join(" ")
    }
}

#[derive(Clone, Debug)]
struct Unit<'a> {
    a: usize,
    b: usize,
    span: Span,
    text: &'a str,
    low: Low,
    cls: u32,
    /// Starts with an uppercase letter.
    cap: bool,
    /// An acronym: all capitals ("CSTO", "U.S.") or ends in two capitals ("BelTA").
    acro: bool,
    /// Where a capital is no evidence of a name.
    ambiguous: bool,
    /// A lowercase connector (of, the, and, de).
    conn: bool,
    /// A single-letter initial with its dot.
    initial: bool,
}

/// A lowercased word, kept inline when short (most are): no allocation
/// per capitalised word.
#[derive(Clone)]
enum Low {
    Inline([u8; 23], u8),
    Heap(String),
}

impl Low {
    fn new(s: &str) -> Low {
        let b = s.as_bytes();
        if b.len() <= 23 {
            let mut buf = [0u8; 23];
            buf[..b.len()].copy_from_slice(b);
            Low::Inline(buf, b.len() as u8)
        } else {
            Low::Heap(s.to_string())
        }
    }

    fn as_str(&self) -> &str {
        match self {
            // the bytes were copied from a &str whole, so they are UTF-8
            Low::Inline(buf, n) => std::str::from_utf8(&buf[..*n as usize]).unwrap_or(""),
            Low::Heap(s) => s,
        }
    }
}

impl std::ops::Deref for Low {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Low {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_str().fmt(f)
    }
}

impl PartialEq<&str> for Low {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

/// A set of words kept as hashes: membership tests for the
/// document-centred capitalisation evidence without one allocation per word.
#[derive(Default)]
struct WordSet(FxHashSet<u64>);

impl WordSet {
    fn hash(w: &str) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = rustc_hash::FxHasher::default();
        w.hash(&mut h);
        h.finish()
    }
    fn insert(&mut self, w: &str) {
        self.0.insert(Self::hash(w));
    }
    fn contains(&self, w: &str) -> bool {
        self.0.contains(&Self::hash(w))
    }
}

struct Doc<'a> {
    text: &'a str,
    toks: &'a [Token],
    lex: &'a Lexicon,
    /// Per token: inside a title-case or all-caps headline line.
    headline: Vec<u8>,
    /// Lowercased words seen capitalised at a position where that is evidence.
    cap_seen: WordSet,
    /// Lowercased words seen written in lowercase.
    low_seen: WordSet,
    buf: String,
}

const TITLE_LINE: u8 = 1;
const SHOUT_LINE: u8 = 2;

pub fn find_parts<'a>(text: &'a str, toks: &'a [Token], config: &EntityConfig) -> Vec<Part<'a>> {
    let lex = &*LEXICON;
    let mut d = Doc {
        text,
        toks,
        lex,
        headline: vec![0; toks.len()],
        cap_seen: WordSet::default(),
        low_seen: WordSet::default(),
        buf: String::new(),
    };
    d.scan_lines();
    d.scan_vocabulary();
    let declared = declared_parts(&d, config);
    let mut parts = Vec::new();
    let mut units = Vec::new();
    let n = toks.len();
    let mut i = 0;
    while i < n {
        if !d.starts_unit(i) {
            i += 1;
            continue;
        }
        let end = d.run(i, &mut units);
        if !units.is_empty() {
            d.process_run(&units, &mut parts);
        }
        i = end.max(i + 1);
    }
    // declared names outrank inference
    if !declared.is_empty() {
        // both sorted: drop inferred parts overlapping a declared one
        let mut j = 0;
        parts.retain(|p| {
            while j < declared.len() && declared[j].span.end <= p.span.start {
                j += 1;
            }
            !declared
                .get(j)
                .is_some_and(|q: &Part| q.span.overlaps(p.span))
        });
        parts.extend(declared);
        parts.sort_by_key(|p| p.span);
    }
    if !config.exclude.is_empty() {
        let ex: FxHashSet<String> = config.exclude.iter().map(|e| names::org_key(e)).collect();
        parts.retain(|p| !ex.contains(&names::org_key(&p.text())));
    }
    d.attach_roles(&mut parts);
    parts
}

impl<'a> Doc<'a> {
    fn tok(&self, i: usize) -> Option<Token> {
        self.toks.get(i).copied()
    }

    fn ttext(&self, i: usize) -> &'a str {
        self.toks.get(i).map(|t| t.span.of(self.text)).unwrap_or("")
    }

    fn cls_of(&mut self, s: &str) -> u32 {
        let l = lower_into(s, &mut self.buf);
        self.lex.get(l)
    }

    /// Mark title-case and all-caps headline lines.
    fn scan_lines(&mut self) {
        let n = self.toks.len();
        let mut i = 0;
        while i < n {
            let mut j = i + 1;
            while j < n && !self.toks[j].newline_before() {
                j += 1;
            }
            let (mut caps, mut lows, mut shout, mut words) = (0, 0, 0, 0);
            for k in i..j {
                let t = self.toks[k];
                if !t.is_word() {
                    continue;
                }
                if lows > 0 && shout == 0 && k > i + 3 {
                    // ordinary prose: neither headline kind
                    break;
                }
                words += 1;
                let s = t.span.of(self.text);
                if t.is_capitalized() {
                    caps += 1;
                    if t.is_all_caps() && s.chars().count() > 1 {
                        shout += 1;
                    }
                } else {
                    let c = self.cls_of(s);
                    if c & class::CONNECTOR == 0 && c & class::FUNCTION == 0 {
                        lows += 1;
                    }
                }
            }
            let mut mark = 0;
            if words >= 3 && lows == 0 && caps >= 3 {
                mark |= TITLE_LINE;
            }
            if shout >= 3 && shout * 2 > words {
                mark |= SHOUT_LINE;
            }
            if mark != 0 {
                for h in &mut self.headline[i..j] {
                    *h = mark;
                }
            }
            i = j;
        }
    }

    /// Which words the document writes capitalised mid-sentence, and which
    /// in lowercase.
    fn scan_vocabulary(&mut self) {
        // only the lowercase forms of capitalised words are ever asked
        // about: collect those, then look each lowercase word up in that
        // small set instead of filing every word of the document
        let mut asked = WordSet::default();
        for (i, t) in self.toks.iter().enumerate() {
            if !t.is_word() || !t.is_capitalized() {
                continue;
            }
            let ambiguous = self.is_ambiguous(i);
            let l = lower_into(t.span.of(self.text), &mut self.buf);
            asked.insert(l);
            if !ambiguous {
                self.cap_seen.insert(l);
            }
        }
        for t in self.toks {
            if !t.is_word() || t.is_capitalized() {
                continue;
            }
            let s = t.span.of(self.text);
            if s.chars().next().is_some_and(char::is_lowercase) && asked.contains(s) {
                self.low_seen.insert(s);
            }
        }
    }

    fn is_ambiguous(&self, i: usize) -> bool {
        let Some(t) = self.tok(i) else { return true };
        if t.has(flag::SENTENCE_START | flag::LINE_START | CLAUSE_START) {
            return true;
        }
        if self.headline.get(i).copied().unwrap_or(0) & TITLE_LINE != 0 {
            return true;
        }
        // after an opening bracket, a dash or a bullet
        if i > 0 {
            let p = self.ttext(i - 1);
            if matches!(p, "(" | "[" | "•" | "*" | "—" | "–")
                && self.tok(i - 1).is_some_and(|t| t.is_line_start())
            {
                return true;
            }
        }
        false
    }

    fn glued(&self, i: usize) -> bool {
        self.tok(i).is_some_and(|t| !t.space_before())
    }

    fn is_cap_word(&self, i: usize) -> bool {
        self.tok(i)
            .is_some_and(|t| t.is_word() && t.is_capitalized())
    }

    /// Can a name unit start at token `i`?
    fn starts_unit(&self, i: usize) -> bool {
        if self.is_cap_word(i) {
            return true;
        }
        // al-Assad, el-Sisi
        let t = self.ttext(i);
        t.len() <= 3
            && matches!(t, "al" | "el" | "ul" | "bin" | "ibn" | "abu")
            && self.ttext(i + 1) == "-"
            && self.glued(i + 1)
            && self.glued(i + 2)
            && self.is_cap_word(i + 2)
            && i > 0
            && self.is_cap_word(i - 1)
    }

    /// The unit starting at token `i` (a capitalised word with glued
    /// hyphen parts, initials, abbreviation dots, dotted acronyms, domains).
    fn unit_at(&mut self, i: usize) -> Option<Unit<'a>> {
        if !self.starts_unit(i) {
            return None;
        }
        let n = self.toks.len();
        let mut b = i + 1;
        let first = self.ttext(i);
        let first_len = first.chars().count();
        let mut initial = false;
        let mut dotted = false;
        // hyphenated: Jean-Claude, Al-Assad, Guinea-Bissau
        loop {
            if b + 1 < n
                && self.ttext(b) == "-"
                && self.glued(b)
                && self.glued(b + 1)
                && self.is_cap_word(b + 1)
                && self.ttext(b - 1).chars().count() >= 2
                && self.ttext(b + 1).chars().count() >= 2
            {
                b += 2;
                continue;
            }
            break;
        }
        if b == i + 1 && self.ttext(b) == "." && self.glued(b) {
            let low = lower_into(first, &mut self.buf).to_string();
            if first_len == 1 && first.chars().all(char::is_uppercase) {
                // initial "J." or dotted acronym "U.S.", "N.Y."
                b += 1;
                while b + 1 < n
                    && self.glued(b)
                    && self.tok(b).is_some_and(|t| t.is_word())
                    && self.ttext(b).chars().count() == 1
                    && self.ttext(b).chars().all(char::is_uppercase)
                    && self.ttext(b + 1) == "."
                    && self.glued(b + 1)
                {
                    b += 2;
                    dotted = true;
                }
                initial = !dotted;
            } else if self.lex.get(&low) & class::ABBREV_DOT != 0 {
                b += 1;
            } else if b + 1 < n
                && self.glued(b + 1)
                && self.tok(b + 1).is_some_and(|t| t.is_word())
                && self
                    .ttext(b + 1)
                    .chars()
                    .next()
                    .is_some_and(char::is_lowercase)
                && (b + 2 >= n || !self.glued(b + 2) || self.ttext(b + 2) != ".")
            {
                // a domain: Pravda.ru
                b += 2;
            }
        } else if b + 1 < n
            && self.ttext(b) == "&"
            && self.glued(b)
            && self.glued(b + 1)
            && self.is_cap_word(b + 1)
        {
            b += 2;
        }
        let span = Span::new(
            self.toks[i].span.start as usize,
            self.toks[b - 1].span.end as usize,
        );
        let text = span.of(self.text);
        let key = Low::new(lower_into(
            if dotted {
                text
            } else {
                text.trim_end_matches('.')
            },
            &mut self.buf,
        ));
        let mut cls = self.lex.get(&key);
        if cls == 0 && key.contains('-') {
            // hyphenated: class of the parts when they agree (Belarusian-Russian)
            let parts: Vec<u32> = key.split('-').map(|p| self.lex.get(p)).collect();
            // Russia-Belarus, US-Ukraine, Belarusian-Russian: adjectival
            if parts
                .iter()
                .all(|c| c & (class::DEMONYM | class::COUNTRY) != 0)
            {
                cls = class::DEMONYM;
            }
        }
        // acronym shape without collecting the letters
        let (mut n_letters, mut upper, mut last2) = (0usize, 0usize, [false; 2]);
        for c in text.chars().filter(|c| c.is_alphabetic()) {
            n_letters += 1;
            let up = c.is_uppercase();
            upper += up as usize;
            last2 = [last2[1], up];
        }
        let acro = !initial
            && ((n_letters >= 2 && upper == n_letters)
                || (n_letters <= 8 && upper >= 2 && n_letters >= 3 && last2[0] && last2[1]));
        Some(Unit {
            a: i,
            b,
            span,
            text,
            low: key,
            cls,
            cap: true,
            acro,
            ambiguous: self.is_ambiguous(i),
            conn: false,
            initial,
        })
    }

    fn conn_unit(&mut self, i: usize) -> Option<Unit<'a>> {
        let t = self.tok(i)?;
        let s = self.ttext(i);
        if s.len() > 5 {
            // no connector is longer than "della"
            return None;
        }
        let is_word = t.is_word() && s.chars().next().is_some_and(char::is_lowercase);
        if !(is_word || s == "&") {
            return None;
        }
        let cls = self.cls_of(s);
        if cls & class::CONNECTOR == 0 {
            return None;
        }
        Some(Unit {
            a: i,
            b: i + 1,
            span: t.span,
            text: s,
            low: Low::new(lower_into(s, &mut self.buf)),
            cls,
            cap: false,
            acro: false,
            ambiguous: false,
            conn: true,
            initial: false,
        })
    }

    /// The run of units starting at token `i`, and the token after it.
    fn run(&mut self, i: usize, units: &mut Vec<Unit<'a>>) -> usize {
        units.clear();
        let mut j = i;
        let n = self.toks.len();
        while let Some(u) = self.unit_at(j) {
            j = u.b;
            units.push(u);
            if j >= n || self.toks[j].newline_before() {
                break;
            }
            if self.starts_unit(j) && self.toks[j].space_before() {
                if self.is_sentence_break(j) {
                    break;
                }
                continue;
            }
            // connectors followed by another unit: pushed, and taken back
            // when no unit follows
            let mut k = j;
            let before = units.len();
            while k < n && k - j < 3 && !self.toks[k].newline_before() {
                match self.conn_unit(k) {
                    Some(c) => {
                        units.push(c);
                        k += 1;
                    }
                    None => break,
                }
            }
            if units.len() > before
                && k < n
                && !self.toks[k].newline_before()
                && self.starts_unit(k)
                && !self.is_sentence_break(k)
                && {
                    let w = self.ttext(k);
                    self.cls_of(w) & class::TIME == 0
                }
            {
                j = k;
                continue;
            }
            units.truncate(before);
            break;
        }
        j
    }

    fn is_sentence_break(&self, i: usize) -> bool {
        self.tok(i).is_some_and(|t| t.is_sentence_start())
    }

    fn process_run(&mut self, units: &[Unit<'a>], out: &mut Vec<Part<'a>>) {
        // cut the run at connectors that do not belong inside one name
        // segments are ranges of `units`; cut connectors are dropped
        let mut segs: Vec<(usize, usize, &str)> = Vec::new();
        let mut cur_start = 0;
        let mut split_by = "";
        let mut kept_of_org = false;
        let mut idx = 0;
        while idx < units.len() {
            let u = &units[idx];
            if !u.conn {
                idx += 1;
                continue;
            }
            let mut k = idx;
            while k < units.len() && units[k].conn {
                k += 1;
            }
            let cur = &units[cur_start..idx];
            let c0 = units[idx].low.as_str();
            let last = cur.last().map(|h| h.cls).unwrap_or(0);
            let keep = match c0 {
                "of" => {
                    last & (class::ORG_CUE
                        | class::PLACE_CUE
                        | class::STATE_CUE
                        | class::TITLE
                        | class::EVENT_CUE
                        | class::ROLE_MOD)
                        != 0
                }
                "for" => last & (class::ORG_CUE | class::EVENT_CUE | class::TITLE) != 0,
                "on" | "upon" => last & (class::ORG_CUE | class::EVENT_CUE) != 0,
                "and" | "&" => {
                    c0 == "&"
                        || (kept_of_org
                            && units.len() - k <= 3
                            && units[k..].iter().all(|u| !u.conn))
                        || self.phrase_with_and(cur, &units[k..])
                }
                "the" => false,
                _ => {
                    // name particles: de Gaulle, von der Leyen
                    units[idx..k]
                        .iter()
                        .all(|c| c.cls & class::NAME_PARTICLE != 0)
                        && cur
                            .last()
                            .is_some_and(|u| u.cls & class::TITLE == 0 || u.cls & class::GIVEN != 0)
                }
            };
            if keep {
                if (c0 == "of" || c0 == "for") && last & (class::ORG_CUE | class::STATE_CUE) != 0 {
                    kept_of_org = true;
                }
            } else {
                if idx > cur_start {
                    segs.push((cur_start, idx, split_by));
                }
                split_by = match c0 {
                    "of" => "of",
                    "on" | "upon" => "on",
                    "for" => "for",
                    _ => "",
                };
                kept_of_org = false;
                cur_start = k;
            }
            idx = k;
        }
        if units.len() > cur_start {
            segs.push((cur_start, units.len(), split_by));
        }
        // an event or document title swallows what it is "of" / "on":
        // the Justice Against Sponsors of Terrorism Act, the Protocol on the
        // Exchange of Letters of Ratification of the Treaty
        let is_event = |seg: &[Unit<'a>]| {
            first_phrase_head(seg)
                .is_some_and(|h| h.cls & class::EVENT_CUE != 0 && h.cls & class::ORG_CUE == 0)
        };
        let seg_of = |s: &(usize, usize, &str)| &units[s.0..s.1];
        let mut event: Vec<bool> = segs.iter().map(|sg| is_event(seg_of(sg))).collect();
        for i in 1..segs.len() {
            if event[i - 1] && !segs[i].2.is_empty() {
                event[i] = true;
            }
        }
        for i in (0..segs.len().saturating_sub(1)).rev() {
            if event[i + 1] && !segs[i + 1].2.is_empty() && is_event(seg_of(&segs[i + 1])) {
                event[i] = true;
            }
        }
        for (i, sg) in segs.iter().enumerate() {
            if event[i] {
                continue;
            }
            let seg = seg_of(sg);
            let skip = seg.iter().take_while(|u| u.conn).count();
            self.type_segment(&seg[skip..], out);
        }
    }

    /// "Bosnia and Herzegovina": the units before and after "and" form a
    /// gazetteer phrase.
    fn phrase_with_and(&self, before: &[Unit<'a>], after: &[Unit<'a>]) -> bool {
        let Some(last) = before.last() else {
            return false;
        };
        let Some(next) = after.first() else {
            return false;
        };
        self.lex
            .phrases(&last.low)
            .iter()
            .any(|p| p.len() == 3 && p[1] == "and" && p[2] == next.low.as_str())
    }

    /// Type one segment and push its parts. Returns true when the segment
    /// names an event or document (its tail is absorbed).
    fn type_segment(&mut self, seg: &[Unit<'a>], out: &mut Vec<Part<'a>>) -> bool {
        let mut s = 0;
        let mut e = seg.len();
        while e > s && seg[e - 1].conn {
            e -= 1;
        }
        // leading words that only look like names because of their position
        let mut the_prefix = None;
        while s < e {
            let u = &seg[s];
            if u.conn {
                s += 1;
                continue;
            }
            if u.low == "the" {
                // "The" mid-line belongs to the name ("The New York Times");
                // a headline capitalises every word, so only the token's
                // own position counts here
                let at_start = self
                    .tok(u.a)
                    .is_none_or(|t| t.has(flag::SENTENCE_START | flag::LINE_START | CLAUSE_START));
                if !at_start {
                    the_prefix = Some(s);
                }
                s += 1;
                continue;
            }
            let stop = u.cls & class::STOP != 0
                && u.cls
                    & (class::TITLE
                        | class::HONORIFIC
                        | class::COUNTRY
                        | class::ROLE_MOD
                        | class::DEMONYM)
                    == 0;
            // a verb form capitalised by its position ("Diverting Pentagon funds")
            let verb_form = u.ambiguous
                && (u.low.ends_with("ing") || u.low.ends_with("ed"))
                && self.low_seen.contains(&u.low)
                && u.cls & (class::GIVEN | class::COUNTRY | class::CITY) == 0;
            let function = u.cls & class::FUNCTION != 0 || verb_form;
            if (function || stop) && e - s > 1 {
                let rest_head = seg[e - 1].cls;
                let cue_headed = rest_head & (class::ORG_CUE | class::PLACE_CUE | class::EVENT_CUE)
                    != 0
                    && !function;
                if (u.ambiguous || function) && !cue_headed {
                    s += 1;
                    the_prefix = None;
                    continue;
                }
            }
            break;
        }
        if s >= e {
            return false;
        }
        let seg = &seg[s..e];
        let the_before = the_prefix.filter(|&p| p + 1 == s);
        self.type_core(seg, the_before.is_some(), out)
    }

    fn type_core(&mut self, seg: &[Unit<'a>], with_the: bool, out: &mut Vec<Part<'a>>) -> bool {
        let n = seg.len();
        // 1. gazetteer: the whole segment is a known place
        if self.is_gazetteer(seg) {
            self.push(out, seg, Some(EntityKind::Place), true, None, 0);
            return false;
        }
        let head = first_phrase_head(seg).map(|u| u.cls).unwrap_or(0);
        let last = &seg[n - 1];
        // 2. head words: events, organisations, places
        if n > 1 || head & (class::ORG_CUE | class::STATE_CUE) != 0 {
            if head & class::EVENT_CUE != 0 && head & class::ORG_CUE == 0 {
                return true;
            }
            let real_units = seg.iter().filter(|u| !u.conn).count();
            let cue_only = real_units == 1;
            if head & class::STATE_CUE != 0 && !cue_only {
                // Russian Federation, Republic of Belarus: a country; Union
                // State, Islamic State: an organisation
                let h = seg
                    .iter()
                    .position(|u| !u.conn && u.cls & class::STATE_CUE != 0)
                    .unwrap_or(0);
                let before = &seg[..h];
                let org_mod = before.iter().any(|u| u.cls & class::ORG_CUE != 0);
                let place_mod = before
                    .iter()
                    .any(|u| u.cls & (class::DEMONYM | class::COUNTRY | class::CITY) != 0);
                let of_place = seg.get(h + 1).is_some_and(|u| u.conn && u.low == "of")
                    && seg[h + 1..]
                        .iter()
                        .any(|u| u.cls & (class::COUNTRY | class::CITY) != 0);
                let kind = if !org_mod && (place_mod || of_place) {
                    EntityKind::Place
                } else {
                    EntityKind::Organization
                };
                self.push_with_the(out, seg, with_the, kind);
                return false;
            }
            if head & class::ORG_CUE != 0 && head & class::TITLE == 0 {
                if cue_only {
                    if last.cls & class::ONE_WORD_ORG != 0 {
                        self.push(out, seg, Some(EntityKind::Organization), true, None, 0);
                    }
                    return false;
                }
                self.push_with_the(out, seg, with_the, EntityKind::Organization);
                return false;
            }
            if head & class::PLACE_CUE != 0 && head & class::TITLE == 0 && !cue_only {
                self.push(out, seg, Some(EntityKind::Place), true, None, 0);
                return false;
            }
        }
        // 3. a person introduced by a given name, with a role before it
        if let Some(k) = self.given_name_start(seg) {
            let (role, gender) = role_text(&seg[..k]);
            let places_only = k > 0
                && seg[..k]
                    .iter()
                    .all(|u| u.cls & (class::DEMONYM | class::COUNTRY) != 0);
            if places_only {
                // "the head of Belarus Alexander Lukashenko": the country is
                // a place of its own, not the person's role
                self.type_core(&seg[..k], false, out);
                self.push(out, &seg[k..], Some(EntityKind::Person), true, None, 0);
            } else if k == 0 || is_role_prefix(&seg[..k]) {
                self.push(out, &seg[k..], Some(EntityKind::Person), true, role, gender);
            } else {
                self.type_core(&seg[..k], false, out);
                self.push(out, &seg[k..], Some(EntityKind::Person), true, None, 0);
            }
            return false;
        }
        // 4. a title or honorific, then the name
        let mut p = 0;
        while p < n
            && !seg[p].conn
            && seg[p].cls & (class::TITLE | class::HONORIFIC | class::ROLE_MOD | class::DEMONYM)
                != 0
            && seg[p].cls & class::GIVEN == 0
        {
            p += 1;
        }
        let titled = seg[..p]
            .iter()
            .any(|u| u.cls & (class::TITLE | class::HONORIFIC) != 0);
        if titled && p > 0 {
            if p == n {
                return false;
            }
            if seg[p].conn {
                // President of Russia: the object of the role is a name of its own
                let skip = seg[p..].iter().take_while(|u| u.conn).count();
                let obj = &seg[p + skip..];
                if !obj.is_empty() {
                    self.type_core(obj, false, out);
                }
                return false;
            }
            let rest = &seg[p..];
            if rest.iter().all(|u| {
                (!u.conn || u.cls & class::NAME_PARTICLE != 0) && u.cls & class::FUNCTION == 0
            }) && rest.len() <= 4
                && !(rest.len() == 1 && rest[0].cls & class::COUNTRY != 0)
            {
                let (role, gender) = role_text(&seg[..p]);
                self.push(out, rest, Some(EntityKind::Person), true, role, gender);
                return false;
            }
            return self.type_core(rest, false, out);
        }
        // 5. acronyms
        if n == 1 && last.acro {
            let shout = self.headline.get(last.a).copied().unwrap_or(0) & SHOUT_LINE != 0;
            if last.cls & class::PLAIN_ACRONYM != 0 || shout && !self.alone_on_line(last) {
                return false;
            }
            let dotted = last.text.matches('.').count() >= 2;
            if last.cls & (class::COUNTRY | class::CITY) != 0
                || (dotted && last.text.chars().filter(|c| c.is_alphabetic()).count() <= 2)
            {
                self.push(out, seg, Some(EntityKind::Place), true, None, 0);
                return false;
            }
            if last.cls & (class::STOP | class::TIME | class::DEMONYM | class::TITLE) != 0 {
                return false;
            }
            let low_word = self.low_seen.contains(&last.low);
            if low_word && !self.alone_on_line(last) {
                return false;
            }
            self.push(out, seg, Some(EntityKind::Organization), true, None, 0);
            return false;
        }
        // 6. single words
        if n == 1 {
            let c = last.cls;
            if c & (class::COUNTRY | class::CITY) != 0 {
                self.push(out, seg, Some(EntityKind::Place), true, None, 0);
                return false;
            }
            if c & class::ONE_WORD_ORG != 0 {
                self.push(out, seg, Some(EntityKind::Organization), true, None, 0);
                return false;
            }
            if c & (class::STOP
                | class::ROLE_NOUN
                | class::TIME
                | class::TITLE
                | class::HONORIFIC
                | class::DEMONYM
                | class::ROLE_MOD
                | class::EVENT_CUE
                | class::ORG_CUE
                | class::PLACE_CUE)
                != 0
                || last.initial
            {
                return false;
            }
            let speaker = self.speaker_label(seg);
            let says = self.followed_by_speech(last.b);
            if speaker || says {
                self.push_guess(out, seg, Some(EntityKind::Person), speaker);
                return false;
            }
            if last.ambiguous
                && !self.cap_seen.contains(&last.low)
                && self.low_seen.contains(&last.low)
            {
                return false;
            }
            let guess = if self.after_place_prep(last.a) {
                Some(EntityKind::Place)
            } else if names::looks_like_surname(last.text) {
                Some(EntityKind::Person)
            } else {
                None
            };
            self.push_guess(out, seg, guess, false);
            return false;
        }
        // 7. several words without a cue
        if seg
            .iter()
            .filter(|u| !u.conn)
            .all(|u| u.cls & (class::DEMONYM | class::COUNTRY | class::STOP | class::TIME) != 0)
        {
            return false;
        }
        if seg.iter().all(|u| u.initial || u.conn) || last.cls & class::DEMONYM != 0 {
            // initials alone; a group of people ("Leading Democrats")
            return false;
        }
        // Lake Geneva, Mount Kenya, Cape Horn: a place word before a name
        if n == 2 && seg[0].cls & class::PLACE_CUE != 0 && seg[0].cls & class::TITLE == 0 {
            self.push(out, seg, Some(EntityKind::Place), true, None, 0);
            return false;
        }
        let speaker = self.speaker_label(seg);
        let says = self.followed_by_speech(last.b);
        let surname = names::looks_like_surname(last.text)
            && !seg
                .iter()
                .any(|u| u.cls & (class::STOP | class::COUNTRY | class::CITY) != 0);
        if speaker || says || surname {
            self.push_guess(out, seg, Some(EntityKind::Person), speaker);
        } else {
            self.push_guess(out, seg, None, false);
        }
        false
    }

    fn alone_on_line(&self, u: &Unit<'a>) -> bool {
        let first = self.tok(u.a).is_some_and(|t| t.is_line_start());
        let last = self.tok(u.b).is_none_or(|t| t.newline_before());
        first && last
    }

    fn is_gazetteer(&self, seg: &[Unit<'a>]) -> bool {
        if seg.len() == 1 {
            return seg[0].cls & (class::COUNTRY | class::CITY) != 0 && !seg[0].initial;
        }
        self.lex
            .phrases(&seg[0].low)
            .iter()
            .any(|p| p.len() == seg.len() && p.iter().zip(seg).all(|(a, b)| a == b.low.as_str()))
    }

    /// Where a person's name starts: a given name followed by 1-3 more name
    /// words, none of them a head word of an organisation or place.
    fn given_name_start(&self, seg: &[Unit<'a>]) -> Option<usize> {
        let n = seg.len();
        for k in 0..n.saturating_sub(1) {
            let u = &seg[k];
            // "Al Qaeda", "El Salvador": a particle is no given name here
            if u.conn || u.acro || u.cls & class::GIVEN == 0 || u.cls & class::NAME_PARTICLE != 0 {
                continue;
            }
            let tail = &seg[k + 1..];
            if tail.is_empty() || tail.len() > 4 {
                continue;
            }
            let ok = tail.iter().all(|t| {
                !(t.ambiguous && self.low_seen.contains(&t.low))
                    && ((t.conn && t.cls & class::NAME_PARTICLE != 0)
                        || (t.cap
                            && !t.acro
                            && t.cls
                                & (class::TITLE
                                    | class::ORG_CUE
                                    | class::PLACE_CUE
                                    | class::EVENT_CUE
                                    | class::DEMONYM
                                    | class::FUNCTION)
                                == 0
                            && t.cls & (class::COUNTRY | class::CITY) == 0)
                        || (t.cap && t.cls & class::GIVEN != 0))
            });
            if ok && !tail.last().is_some_and(|t| t.conn) {
                return Some(k);
            }
        }
        None
    }

    fn speaker_label(&self, seg: &[Unit<'a>]) -> bool {
        let (Some(first), Some(last)) = (seg.first(), seg.last()) else {
            return false;
        };
        self.tok(first.a).is_some_and(|t| t.is_line_start())
            && self.ttext(last.b) == ":"
            && seg.len() <= 4
    }

    fn followed_by_speech(&mut self, b: usize) -> bool {
        let mut j = b;
        // skip ", 56," or an apposition? keep it simple: the next word
        if self.ttext(j) == "’s" || self.ttext(j) == "'s" {
            return false;
        }
        if self.tok(j).is_some_and(|t| t.is_punct()) {
            return false;
        }
        let w = self.ttext(j);
        let c = self.cls_of(w);
        if c & class::SPEECH != 0 && w.chars().next().is_some_and(char::is_lowercase) {
            return true;
        }
        // "Putin also said"
        if matches!(w, "also" | "then" | "later" | "has" | "had" | "once") {
            j += 1;
            let w2 = self.ttext(j);
            let c2 = self.cls_of(w2);
            return c2 & class::SPEECH != 0 && w2.chars().next().is_some_and(char::is_lowercase);
        }
        false
    }

    fn after_place_prep(&mut self, a: usize) -> bool {
        if a == 0 {
            return false;
        }
        let mut j = a - 1;
        if self.ttext(j) == "the" && j > 0 {
            j -= 1;
        }
        let w = self.ttext(j);
        self.cls_of(w) & class::PLACE_PREP != 0
    }

    fn push_with_the(
        &mut self,
        out: &mut Vec<Part<'a>>,
        seg: &[Unit<'a>],
        with_the: bool,
        kind: EntityKind,
    ) {
        if with_the
            && let Some(first) = seg.first()
            && first.a > 0
            && self.ttext(first.a - 1) == "The"
        {
            let the = Unit {
                a: first.a - 1,
                b: first.a,
                span: self.toks[first.a - 1].span,
                text: "The",
                low: Low::new("the"),
                cls: 0,
                cap: true,
                acro: false,
                ambiguous: false,
                conn: false,
                initial: false,
            };
            let mut v = vec![the];
            v.extend(seg.iter().cloned());
            self.push(out, &v, Some(kind), true, None, 0);
            return;
        }
        self.push(out, seg, Some(kind), true, None, 0);
    }

    /// A part typed by a guess: weak when only its position capitalises it
    /// and nothing in the document confirms it.
    fn push_guess(
        &mut self,
        out: &mut Vec<Part<'a>>,
        seg: &[Unit<'a>],
        kind: Option<EntityKind>,
        sure: bool,
    ) {
        let first = &seg[0];
        let confirmed = !first.ambiguous || self.cap_seen.contains(&first.low) || sure;
        let n = out.len();
        self.push(out, seg, kind, false, None, 0);
        if let Some(p) = out.get_mut(n) {
            p.weak = !confirmed;
        }
    }

    fn push(
        &mut self,
        out: &mut Vec<Part<'a>>,
        seg: &[Unit<'a>],
        kind: Option<EntityKind>,
        strong: bool,
        role: Option<String>,
        gender: u8,
    ) {
        let (Some(first), Some(last)) = (seg.first(), seg.last()) else {
            return;
        };
        let span = Span::new(first.span.start as usize, last.span.end as usize);
        let words = seg.iter().map(|u| u.text).collect();
        out.push(Part {
            span,
            a: first.a,
            b: last.b,
            words,
            kind,
            strong,
            weak: false,
            roles: role.into_iter().collect(),
            gender,
            declared: None,
            acronym_after: None,
        });
    }

    /// Roles the text gives next to a person: a bracket or an apposition
    /// after the name, a lowercase role before it, an organisation after
    /// "of" or a comma (bylines), and acronyms in brackets after a name.
    fn attach_roles(&mut self, parts: &mut [Part<'a>]) {
        for i in 0..parts.len() {
            let b = parts[i].b;
            // "Collective Security Treaty Organization (CSTO)"
            if self.ttext(b) == "("
                && i + 1 < parts.len()
                && parts[i + 1].a == b + 1
                && self.ttext(parts[i + 1].b) == ")"
                && parts[i + 1].words.len() == 1
                && parts[i].kind != Some(EntityKind::Person)
                && names::acronym_matches(parts[i + 1].words[0], &parts[i].words)
            {
                parts[i].acronym_after = Some(i + 1);
            }
            if parts[i].kind != Some(EntityKind::Person) {
                continue;
            }
            let mut roles = Vec::new();
            if let Some(r) = self.bracket_role(b) {
                roles.push(r);
            }
            if let Some(r) = self.apposition_role(b) {
                roles.push(r);
            }
            if let Some(r) = self.role_before(parts[i].a) {
                roles.push(r);
            }
            if i + 1 < parts.len() && parts[i + 1].kind == Some(EntityKind::Organization) {
                let q = &parts[i + 1];
                let between: Vec<&str> = (b..q.a).map(|k| self.ttext(k)).collect();
                let line_start = self.tok(parts[i].a).is_some_and(|t| t.is_line_start());
                let ends = self.tok(q.b).is_none_or(|t| t.newline_before())
                    || matches!(self.ttext(q.b), "." | ":" | ")" | "]")
                    || (line_start && self.ttext(q.b) == ",");
                if between == ["of"] || (between == [","] && ends) {
                    roles.push(q.text());
                }
            }
            for r in roles {
                if !parts[i].roles.contains(&r) {
                    parts[i].roles.push(r);
                }
            }
        }
    }

    fn bracket_role(&mut self, b: usize) -> Option<String> {
        let open = self.ttext(b);
        let close = match open {
            "[" => "]",
            "(" => ")",
            _ => return None,
        };
        let first = self.ttext(b + 1);
        if self.cls_of(first) & (class::TITLE | class::ROLE_NOUN | class::ROLE_MOD | class::DEMONYM)
            == 0
        {
            return None;
        }
        let mut j = b + 1;
        while j < self.toks.len() && j < b + 40 {
            if self.ttext(j) == close {
                let span = Span::new(
                    self.toks[b + 1].span.start as usize,
                    self.toks[j - 1].span.end as usize,
                );
                return Some(clean_role(span.of(self.text)));
            }
            if self.toks[j].newline_before() {
                return None;
            }
            j += 1;
        }
        None
    }

    /// "Dmitry Peskov, the Kremlin spokesman," or "Anthony Fauci, director of
    /// the National Institute of Allergy and Infectious Diseases,": words up
    /// to the next comma or full stop, with a role word and no verb.
    fn apposition_role(&mut self, b: usize) -> Option<String> {
        if self.ttext(b) != "," {
            return None;
        }
        let mut j = b + 1;
        if matches!(self.ttext(j), "the" | "a" | "an") {
            j += 1;
        }
        let start = j;
        let mut has_role = false;
        while j < self.toks.len() && j < start + 14 {
            let t = self.toks[j];
            if t.newline_before() {
                return None;
            }
            let w = self.ttext(j);
            if !t.is_word() {
                if matches!(w, "," | "." | ";" | ")") {
                    break;
                }
                if w == "’s" || w == "'s" || w == "-" {
                    j += 1;
                    continue;
                }
                return None;
            }
            let c = self.cls_of(w);
            let inner = matches!(w, "of" | "the" | "and" | "for" | "to");
            if c & class::SPEECH != 0 || (c & class::FUNCTION != 0 && !inner) {
                return None;
            }
            if c & (class::TITLE | class::ROLE_NOUN) != 0 {
                // "President Putin, President Lukashenko, I would like…": a
                // title followed by a name is another person, not a role
                let next = self.toks.get(j + 1).copied();
                let names_someone = c & class::TITLE != 0
                    && next.is_some_and(|n| {
                        n.is_word()
                            && n.is_capitalized()
                            && self.cls_of(self.ttext(j + 1))
                                & (class::TITLE | class::ROLE_NOUN | class::FUNCTION)
                                == 0
                    });
                if names_someone {
                    return None;
                }
                has_role = true;
            }
            j += 1;
        }
        if !has_role || j == start || j >= start + 14 {
            return None;
        }
        let span = Span::new(
            self.toks[start].span.start as usize,
            self.toks[j - 1].span.end as usize,
        );
        Some(clean_role(span.of(self.text)))
    }

    /// "Kremlin spokesman Dmitry Peskov", "opposition leader X".
    fn role_before(&mut self, a: usize) -> Option<String> {
        if a == 0 {
            return None;
        }
        let w = self.ttext(a - 1);
        let t = self.toks[a - 1];
        if !t.is_word() || t.is_capitalized() {
            return None;
        }
        if self.cls_of(w) & (class::TITLE | class::ROLE_NOUN) == 0 {
            return None;
        }
        let end = a - 1;
        let mut start = end;
        while start > 0 && end - start < 4 {
            let p = self.toks[start - 1];
            if !p.is_word() || self.toks[start].newline_before() {
                break;
            }
            let pw = self.ttext(start - 1);
            let c = self.cls_of(pw);
            if c & (class::FUNCTION | class::SPEECH) != 0
                || c & class::STOP != 0 && !p.is_capitalized()
            {
                break;
            }
            start -= 1;
        }
        let span = Span::new(
            self.toks[start].span.start as usize,
            self.toks[end].span.end as usize,
        );
        Some(clean_role(span.of(self.text)))
    }
}

/// The head of the first phrase: the last unit before the first connector.
fn first_phrase_head<'s, 'a>(seg: &'s [Unit<'a>]) -> Option<&'s Unit<'a>> {
    let mut head = None;
    for u in seg {
        if u.conn {
            if head.is_some() {
                break;
            }
            continue;
        }
        head = Some(u);
    }
    head
}

/// Units before a person's given name that form a role ("Russian Minister
/// of Foreign Affairs", "President of the Republic of Belarus").
fn is_role_prefix(units: &[Unit<'_>]) -> bool {
    let has_title = units
        .iter()
        .any(|u| u.cls & (class::TITLE | class::HONORIFIC) != 0);
    has_title
        && units.iter().all(|u| {
            u.conn
                || u.cls
                    & (class::TITLE
                        | class::HONORIFIC
                        | class::ROLE_MOD
                        | class::DEMONYM
                        | class::COUNTRY
                        | class::CITY
                        | class::ORG_CUE
                        | class::PLACE_CUE
                        | class::STATE_CUE)
                    != 0
                || u.acro
        })
}

/// The role text of the units before a name, honorifics left out, with the
/// gender an honorific gives.
fn role_text(units: &[Unit<'_>]) -> (Option<String>, u8) {
    let mut gender = 0;
    let mut words = Vec::new();
    for u in units {
        if u.cls & class::FEMININE != 0 {
            gender = 1;
        } else if u.cls & class::MASCULINE != 0 {
            gender = 2;
        }
        if u.cls & class::HONORIFIC != 0 && u.cls & class::TITLE == 0 {
            continue;
        }
        words.push(u.text);
    }
    if words.is_empty() {
        return (None, gender);
    }
    (Some(clean_role(&words.join(" "))), gender)
}

fn clean_role(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let s = s
        .strip_prefix("the ")
        .or_else(|| s.strip_prefix("The "))
        .unwrap_or(&s);
    let mut s = s
        .trim_matches(|c: char| c == ',' || c == '.' || c == ' ')
        .to_string();
    if s.len() > 160 {
        let mut cut = 160;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
    }
    s
}

/// Declared names and aliases found in the text, longest first.
fn declared_parts<'a>(d: &Doc<'a>, config: &EntityConfig) -> Vec<Part<'a>> {
    if config.entities.is_empty() {
        return Vec::new();
    }
    // first word -> (words, entity index)
    let mut table: FxHashMap<String, Vec<(Vec<String>, u32)>> = FxHashMap::default();
    for (i, e) in config.entities.iter().enumerate() {
        for name in std::iter::once(&e.name).chain(e.aliases.iter()) {
            let words = name_words(name);
            if let Some(f) = words.first() {
                table
                    .entry(f.clone())
                    .or_default()
                    .push((words.clone(), i as u32));
            }
        }
    }
    for v in table.values_mut() {
        v.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
    }
    let toks = d.toks;
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let t = toks[i];
        if t.kind == TokenKind::Punct {
            i += 1;
            continue;
        }
        let w = t.span.of(d.text).to_lowercase();
        let Some(cands) = table.get(&w) else {
            i += 1;
            continue;
        };
        let mut matched = None;
        'cand: for (words, idx) in cands {
            // compare word tokens, skipping punctuation inside the name
            let mut j = i;
            for (k, cw) in words.iter().enumerate() {
                while k > 0 && j < toks.len() && toks[j].kind == TokenKind::Punct && !cw.is_empty()
                {
                    if toks[j].span.of(d.text).to_lowercase() == *cw {
                        break;
                    }
                    j += 1;
                }
                if j >= toks.len() || toks[j].span.of(d.text).to_lowercase() != *cw {
                    continue 'cand;
                }
                j += 1;
            }
            // a whole word: not glued to a following letter
            if toks.get(j).is_some_and(|n| {
                !n.space_before() && n.is_word() && !n.span.of(d.text).starts_with(['\'', '’'])
            }) {
                continue;
            }
            matched = Some((j, *idx));
            break;
        }
        match matched {
            Some((j, idx)) => {
                let e: &DeclaredEntity = &config.entities[idx as usize];
                let span = Span::new(toks[i].span.start as usize, toks[j - 1].span.end as usize);
                out.push(Part {
                    span,
                    a: i,
                    b: j,
                    words: span.of(d.text).split_whitespace().collect(),
                    kind: e.kind.or(Some(EntityKind::Organization)),
                    strong: true,
                    weak: false,
                    roles: Vec::new(),
                    gender: 0,
                    declared: Some(idx),
                    acronym_after: None,
                });
                i = j;
            }
            None => i += 1,
        }
    }
    out
}

/// Lowercased tokens of a declared name, as the tokenizer splits them.
fn name_words(name: &str) -> Vec<String> {
    crate::analysis::tokens::tokenize(name)
        .iter()
        .map(|t| t.span.of(name).to_lowercase())
        .collect()
}
