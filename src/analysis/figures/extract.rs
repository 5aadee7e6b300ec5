//! Recognising figures in a document: a number (see [`super::numbers`])
//! with what surrounds it — a currency before it, a scale, unit, percent
//! sign or counted noun after it, a hedge before or after it, a second
//! number making a range — or a date expression (see [`crate::analysis::dates`]).
//!
//! The scan is a single pass over the shared tokens that looks closer only
//! at tokens that can start a figure (digits, number words, month names,
//! currency signs), so that most of the text costs one comparison per token.

use crate::analysis::dates::{Date, DateMatch, DateScanner, days_from_civil, year_value};
use crate::analysis::span::Span;
use crate::analysis::statements::Statement;
use crate::analysis::tokens::{Token, TokenKind};

use super::interval::{self, Qualifier};
use super::lexicon;
use super::measure;
use super::numbers::{self, Form, Low, Num, Scanner, lower};
use super::units::{self, DATE, Dim, ORDINAL, PERCENT, Unit};
use super::{Figure, Style, flag};

/// A few lower-case words next to a figure, on the stack.
#[derive(Default)]
struct Words<'a> {
    w: [&'a str; 6],
    n: usize,
}

impl<'a> std::ops::Deref for Words<'a> {
    type Target = [&'a str];
    fn deref(&self) -> &[&'a str] {
        &self.w[..self.n]
    }
}

/// A unit found after a number: the unit, the token after it, and for a
/// hyphenated unit the noun it qualifies ("six-mile trip").
type UnitAfter = (Unit, usize, Option<(String, usize)>);

/// A figure before its measured thing and links are known.
#[derive(Clone, Debug)]
pub(crate) struct Raw {
    /// Token range of the whole figure, qualifier included.
    pub start: usize,
    pub end: usize,
    /// Where the value starts (after a hedge before it) and where the
    /// number ends (before units and counted nouns).
    pub core: usize,
    pub num_end: usize,
    pub unit: Unit,
    /// Value in the shown unit, and the range when one was written.
    pub value: f64,
    pub range: Option<(f64, f64)>,
    /// Rounding half-width in the shown unit.
    pub precision: f64,
    pub qualifier: Qualifier,
    pub qualifier_span: Option<Span>,
    pub form: Form,
    pub number: Span,
    /// What the number proper is multiplied by in the text ("million").
    pub head_scale: f64,
    pub scale: f64,
    /// Counted noun for counts ("student"), or the noun after a hyphenated
    /// unit ("six-mile trip" → "trip").
    pub noun: Option<(String, usize)>,
    pub date: Option<DateMatch>,
    pub flags: u16,
}

pub(crate) struct Ctx<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    pub sc: Scanner<'a>,
    pub ds: DateScanner<'a>,
    /// Content-word stem hashes per token, filled on use (0: not a
    /// content word; `u32::MAX`: not computed yet).
    stems: Vec<std::cell::Cell<u32>>,
}

impl<'a> Ctx<'a> {
    pub fn new(text: &'a str, toks: &'a [Token]) -> Ctx<'a> {
        Ctx {
            text,
            toks,
            sc: Scanner::new(text, toks),
            ds: DateScanner::new(text, toks),
            stems: vec![std::cell::Cell::new(u32::MAX); toks.len()],
        }
    }

    /// The content-word stem hash of token `k`, computed once.
    pub fn stem_of(&self, k: usize, compute: impl FnOnce() -> Option<u32>) -> Option<u32> {
        let cell = self.stems.get(k)?;
        match cell.get() {
            u32::MAX => {
                let v = compute();
                cell.set(v.unwrap_or(0));
                v
            }
            0 => None,
            v => Some(v),
        }
    }

    pub fn t(&self, i: usize) -> &'a str {
        self.toks.get(i).map(|t| t.text(self.text)).unwrap_or("")
    }

    pub fn low(&self, i: usize) -> Low<'_> {
        self.sc.lowered(i)
    }

    /// Word classes of token `i` (see [`lexicon`]).
    pub fn class(&self, i: usize) -> u32 {
        self.sc.class(i)
    }

    /// Classes of token `i` within a group, cheaply ruled out for most words.
    pub fn class_in(&self, i: usize, group: lexicon::Group) -> u32 {
        self.sc.class_in(i, group)
    }

    pub fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokenKind::Word)
    }

    pub fn is_num(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Number)
    }

    pub fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.space_before())
    }

    pub fn span(&self, a: usize, b: usize) -> Span {
        let b = b.max(a + 1).min(self.toks.len());
        Span::new(
            self.toks[a].span.start as usize,
            self.toks[b - 1].span.end as usize,
        )
    }

    /// Can a figure start at token `i`? Cheap: most tokens answer no from
    /// their kind and first byte.
    fn may_start(&self, i: usize) -> bool {
        let t = self.toks[i];
        match t.kind {
            TokenKind::Number => true,
            TokenKind::Punct => {
                let s = t.text(self.text);
                let next_number = self.is_num(i + 1);
                match s.as_bytes()[0] {
                    b'$' => next_number || self.class(i + 1) & lexicon::NUMBER != 0,
                    // a minus sign, ".08"
                    b'-' => next_number,
                    b'.' => next_number && self.glued(i + 1),
                    c if c < 0x80 => false,
                    _ => match s {
                        "€" | "£" | "¥" | "₽" | "₹" | "₿" | "₴" | "₡" | "₾" | "₭" => {
                            next_number || self.class(i + 1) & lexicon::NUMBER != 0
                        }
                        "−" => next_number,
                        _ => numbers::vulgar_fraction(s).is_some(),
                    },
                }
            }
            TokenKind::Word => {
                // most words end here: no starter has these first two
                // letters and this length
                let bytes = self.text.as_bytes();
                let at = t.span.start as usize;
                let len = t.span.len();
                let b0 = bytes.get(at).copied().unwrap_or(0);
                let b1 = if len > 1 {
                    bytes.get(at + 1).copied().unwrap_or(0)
                } else {
                    0
                };
                if b0 < 0x80
                    && !lexicon::prefilter_bytes(b0, b1, len)
                    && !t.has(crate::analysis::tokens::flag::HAS_DIGIT)
                {
                    return false;
                }
                let s = t.text(self.text);
                // "aud$ 15", "Mex$ 10 million", "USD115"
                if self
                    .toks
                    .get(i + 1)
                    .is_some_and(|n| !n.space_before() && n.kind == TokenKind::Punct)
                    && self.t(i + 1) == "$"
                {
                    return true;
                }
                if t.has(crate::analysis::tokens::flag::HAS_DIGIT) && s.len() > 3 {
                    return true;
                }
                if s.as_bytes()[0] >= 0x80 {
                    // "元", "₿" as words
                    return units::currency_symbol(s).is_some();
                }
                let w = self.low(i).as_str();
                if !lexicon::may_start_prefilter(w) {
                    return false;
                }
                let c = self.class(i);
                if c & lexicon::ARTICLE != 0 {
                    // only before a scale, "dozen", a denominator or "few"
                    return self.class(i + 1) & lexicon::AFTER_ARTICLE != 0;
                }
                // prefixes and words that start a figure only before an amount:
                // "us $ 150", "USD 200", "per cent of", "minus five"
                if c & lexicon::CONDITIONAL != 0 {
                    let amount = self.is_num(i + 1) || self.class(i + 1) & lexicon::NUMBER != 0;
                    let next = self.low(i + 1).as_str();
                    return amount || self.t(i + 1) == "$" || next == "cent" || next == "of";
                }
                // "one of", "no one.": a pronoun, never a figure
                if w == "one"
                    && ((self.class(i + 1) & lexicon::FUNCTION != 0
                        && self.low(i + 1).as_str() != "and")
                        || self
                            .toks
                            .get(i + 1)
                            .is_none_or(|n| n.kind == TokenKind::Punct && self.t(i + 1) != "-"))
                {
                    return false;
                }
                c & (lexicon::NUMBER | lexicon::START) != 0
                    || (t.is_capitalized() && c & (lexicon::MONTH | lexicon::CURRENCY) != 0)
            }
        }
    }

    /// Lower-cased words right before token `i` (at most `n` ≤ 6, not
    /// across a sentence end), in text order.
    fn words_before(&self, i: usize, n: usize) -> Words<'_> {
        let mut out = Words::default();
        let n = n.min(6);
        let mut k = i;
        while k > 0 && out.n < n {
            k -= 1;
            let t = self.toks[k];
            let s = t.text(self.text);
            if t.kind == TokenKind::Punct && !matches!(s, ">" | "<" | "=" | "~" | ".") {
                break;
            }
            if s == "." && !(k > 0 && matches!(self.low(k - 1).as_str(), "approx" | "ca")) {
                break;
            }
            out.w[out.n] = self.low(k).as_str();
            out.n += 1;
            if t.is_sentence_start() {
                break;
            }
        }
        out.w[..out.n].reverse();
        out
    }

    /// Lower-cased words from token `i` on (at most `n` ≤ 6, not across
    /// punctuation other than "+").
    fn words_after(&self, i: usize, n: usize) -> Words<'_> {
        let mut out = Words::default();
        let n = n.min(6);
        let mut k = i;
        while k < self.toks.len() && out.n < n {
            let t = self.toks[k];
            if t.kind == TokenKind::Punct && t.text(self.text) != "+" {
                break;
            }
            out.w[out.n] = self.low(k).as_str();
            out.n += 1;
            k += 1;
        }
        out
    }

    // ------------------------------------------------------------ figures

    fn figure_at(&self, i: usize) -> Option<Raw> {
        // "10:32", "15:00 GMT": times are not figures
        if self.is_num(i) && self.t(i + 1) == ":" && self.is_num(i + 2) && self.glued(i + 2) {
            return None;
        }
        // inside a URL or an encoded string: "?q=30%25", "issn%280024"
        if self.is_num(i)
            && i > 0
            && self.glued(i)
            && matches!(self.t(i - 1), "%" | "=" | "&" | "?" | "#" | "_" | "@")
        {
            return None;
        }
        // "USD115", "USD50": a code glued to its amount is one word token
        if self.is_word(i)
            && let Some(r) = self.code_glued_amount(i)
        {
            return Some(r);
        }
        if let Some(d) = self.ds.date_at(i) {
            return Some(self.date_raw(i, d));
        }
        if let Some(r) = self.percent_of_at(i) {
            return Some(r);
        }
        let (currency, nstart) = match self.currency_before_at(i) {
            Some((code, j)) => (Some(code), j),
            None => (None, i),
        };
        let ns = self.sc.signed_numbers_at(nstart);
        if ns.len() != 1 {
            return None;
        }
        let n = ns.into_iter().next()?;
        if !n.value.is_finite() {
            return None;
        }
        // "9/11", "24/7", "5/17/2018": numbers joined by slashes are names
        // and dates, not amounts (fractions were read by the scanner)
        if n.value.fract() == 0.0
            && ((n.start > 0 && self.t(n.start - 1) == "/" && self.glued(n.start))
                || (self.t(n.end) == "/" && self.glued(n.end) && self.is_num(n.end + 1)))
        {
            return None;
        }
        // a number glued to letters before it ("G7"), or to a word by a
        // hyphen ("SCP-173", "COVID-19"), is a name
        if n.start > 0
            && self.glued(n.start)
            && currency.is_none()
            && (self.toks[n.start - 1].kind == TokenKind::Word
                || (self.t(n.start - 1) == "-"
                    && n.start >= 2
                    && self.glued(n.start - 1)
                    && self.toks[n.start - 2].kind == TokenKind::Word))
        {
            return None;
        }
        if n.decade {
            return self.decade_raw(i, &n);
        }
        if currency.is_none()
            && n.form == Form::Digits
            && n.end == n.start + 1
            && !n.ordinal
            && n.suffix.is_none()
            && let Some(y) = year_value(self.t(n.start))
            && self.reads_as_year(n.start, n.end, y)
        {
            return Some(self.year_raw(i, n.start, y));
        }
        self.quantity_raw(i, currency, n)
    }

    /// "USD115", "EUR125.5": the tokenizer keeps a currency code and its
    /// digits as one word.
    fn code_glued_amount(&self, i: usize) -> Option<Raw> {
        let s = self.t(i);
        let code = s.get(..3)?;
        if !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return None;
        }
        let cur = units::currency_symbol(code)?;
        let mut rest = s[3..].to_string();
        let mut end = i + 1;
        // "USD115.5": the decimals are a token of their own
        if self.t(i + 1) == "." && self.glued(i + 1) && self.is_num(i + 2) && self.glued(i + 2) {
            rest = format!("{rest}.{}", self.t(i + 2));
            end = i + 3;
        }
        if rest.is_empty() || !rest.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
        let parts = numbers::split_digit_body(&rest);
        let &(_, _, value, ulp) = parts.first()?;
        if parts.len() != 1 {
            return None;
        }
        Some(Raw {
            start: i,
            end,
            core: i,
            num_end: end,
            unit: units::money(cur, 1.0),
            value,
            range: None,
            precision: interval::rounding(value, ulp, false),
            qualifier: Qualifier::Bare,
            qualifier_span: None,
            form: Form::Digits,
            number: self.span(i, end),
            head_scale: 1.0,
            scale: 1.0,
            noun: None,
            date: None,
            flags: 0,
        })
    }

    /// "percent of 10", "per cent of twenty-two": the value after.
    fn percent_of_at(&self, i: usize) -> Option<Raw> {
        let (pend, _) = if units::percent_word(self.t(i)) {
            (i + 1, ())
        } else if self.low(i).as_str() == "per" && self.low(i + 1).as_str() == "cent" {
            (i + 2, ())
        } else {
            return None;
        };
        if i > 0 && (self.is_num(i - 1) || numbers::is_number_word(self.low(i - 1).as_str())) {
            return None;
        }
        if self.low(pend).as_str() != "of" {
            return None;
        }
        let ns = self.sc.signed_numbers_at(pend + 1);
        let n = ns.first()?;
        // "per cent of the population" has no number after "of"
        let prec = interval::rounding(n.value, n.ulp, n.round);
        Some(Raw {
            start: i,
            end: n.end,
            core: i,
            num_end: n.end,
            unit: PERCENT,
            value: n.value,
            range: None,
            precision: prec,
            qualifier: Qualifier::Bare,
            qualifier_span: None,
            form: n.form,
            number: n.span,
            head_scale: 1.0,
            scale: n.scale,
            noun: None,
            date: None,
            flags: 0,
        })
    }

    /// A currency sign or code before a number: "$", "US$", "us $", "€",
    /// "USD", "C$". Returns the currency and where the number starts.
    fn currency_before_at(&self, i: usize) -> Option<(&'static str, usize)> {
        let s = self.t(i);
        let starts_number = |j: usize| {
            self.toks.get(j).is_some_and(|t| {
                t.kind == TokenKind::Number
                    || (t.kind == TokenKind::Word && {
                        let w = lower(t.text(self.text));
                        numbers::is_number_word(w.as_str())
                            || matches!(
                                w.as_str(),
                                "a" | "half" | "hundreds" | "thousands" | "millions" | "billions"
                            )
                    })
            })
        };
        // "US$", "C$", "HK$", "Mex$": a word glued to "$"
        if self.is_word(i)
            && self.t(i + 1) == "$"
            && self.glued(i + 1)
            && let Some(code) = units::currency_prefix_word(s)
            && starts_number(i + 2)
        {
            return Some((code, i + 2));
        }
        // "us $ 150 million", "c $ 16.4 million", "u . s $"
        if self.is_word(i)
            && self.t(i + 1) == "$"
            && starts_number(i + 2)
            && let Some(code) = units::currency_prefix_word(s)
        {
            return Some((code, i + 2));
        }
        if let Some(code) = units::currency_symbol(s) {
            // codes are upper-case words ("USD 200"), symbols punctuation
            let is_code = self.is_word(i);
            if is_code && !(s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())) && s != "Rs"
            {
                return None;
            }
            if starts_number(i + 1) {
                return Some((code, i + 1));
            }
            // "$ 20,000"
        }
        None
    }

    /// Does the 4-digit number at `a..b` read as a year? "in 2014", "the
    /// 1998 Agreement", "2024–2026", but not "2000 people" or "2400 tonnes".
    fn reads_as_year(&self, a: usize, b: usize, y: i32) -> bool {
        let next = self.t(b);
        let next_low = self.low(b);
        let prev = if a > 0 { self.low(a - 1) } else { Low("") };
        // "above 1000", "more than 2000": a comparison is of an amount
        if interval::qualifier_before(&self.words_before(a, 5)).is_some() {
            return false;
        }
        // outside modern years only with a word that makes it a time
        if !(1800..=2100).contains(&y)
            && !matches!(
                prev.as_str(),
                "in" | "since" | "by" | "until" | "before" | "after" | "during" | "year" | "circa"
            )
        {
            return false;
        }
        if self.is_word(b) {
            let nw = next_low.as_str();
            if numbers::scale_word(nw).is_some()
                || units::unit_word_low(next, nw).is_some()
                || matches!(nw, "percent" | "percents" | "pct" | "percentage")
                || units::currency_word_low(nw, "").is_some()
            {
                return false;
            }
            // a lower-case noun after it is what is counted ("2000 people"),
            // unless a preposition says it is a time ("in 2000 troops ...")
            let prev = if a > 0 { self.low(a - 1) } else { Low("") };
            // "in 2000", "the Clintons' 2014 tax rate", "her 2014 return"
            let time_prep = matches!(
                prev.as_str(),
                "in" | "since"
                    | "by"
                    | "until"
                    | "till"
                    | "before"
                    | "after"
                    | "during"
                    | "of"
                    | "from"
                    | "through"
                    | "year"
                    | "early"
                    | "late"
                    | "mid"
                    | "circa"
                    | "the"
                    | "’"
                    | "'"
                    | "’s"
                    | "'s"
                    | "s"
                    | "his"
                    | "her"
                    | "its"
                    | "their"
                    | "our"
                    | "my"
                    | "your"
                    | "this"
                    | "that"
                    | "fiscal"
            );
            if next.starts_with(|c: char| c.is_lowercase())
                && !time_prep
                && !matches!(
                    nw,
                    "and"
                        | "or"
                        | "to"
                        | "through"
                        | "when"
                        | "as"
                        | "was"
                        | "is"
                        | "were"
                        | "will"
                        | "the"
                        | "for"
                        | "at"
                        | "on"
                        | "in"
                        | "with"
                        | "after"
                        | "before"
                )
            {
                return false;
            }
        }
        if next == "%" || units::currency_symbol(next).is_some() {
            return false;
        }
        true
    }

    fn date_raw(&self, i: usize, d: DateMatch) -> Raw {
        // a period: "May 9–11, 2025" is rare; "from December 6, 2024 to ..."
        // is read as two dates
        self.date_like(i, d.start, d.end, d.date, None, Some(d.span))
    }

    fn year_raw(&self, i: usize, at: usize, y: i32) -> Raw {
        // year ranges: "2024–2026", "2024 to 2026", "2007-08", "from 2007
        // to 2014", "between 2011 and 2014"
        let mut end = at + 1;
        let mut until = None;
        let sep = self.t(end);
        let sep_low = self.low(end);
        let between = at > 0 && matches!(self.low(at - 1).as_str(), "between" | "from");
        let joins = matches!(sep, "–" | "—" | "-" | "/")
            || matches!(sep_low.as_str(), "to" | "through" | "until" | "till")
            || (between && sep_low.as_str() == "and");
        if joins && self.is_num(end + 1) {
            let s2 = self.t(end + 1);
            if let Some(y2) = year_value(s2).filter(|y2| *y2 > y && *y2 - y < 200) {
                until = Some(y2);
                end += 2;
            } else if s2.len() == 2
                && matches!(sep, "–" | "-" | "/")
                && self.glued(end + 1)
                && let Ok(yy) = s2.parse::<i32>()
            {
                let y2 = y - y % 100 + yy;
                if y2 > y {
                    until = Some(y2);
                    end += 2;
                }
            }
        }
        let date = Date {
            year: Some(y),
            month: None,
            day: None,
        };
        let until = until.map(|u| Date {
            year: Some(u),
            month: None,
            day: None,
        });
        let start = if until.is_some() && between {
            at - 1
        } else {
            i
        };
        let mut r = self.date_like(start, at, end, date, until, None);
        if until.is_some() {
            r.qualifier = Qualifier::Range;
        }
        r
    }

    fn decade_raw(&self, i: usize, n: &Num) -> Option<Raw> {
        let y = n.value as i32;
        if !(1000..=2190).contains(&y) {
            return None;
        }
        let mut end = n.end;
        let mut last = y + 9;
        // "1970s-1980s"
        if matches!(self.t(end), "–" | "-" | "—" | "to")
            && let Some(m) = self.sc.numbers_at(end + 1).first()
            && m.decade
            && (m.value as i32) > y
        {
            last = m.value as i32 + 9;
            end = m.end;
        }
        let date = Date {
            year: Some(y),
            month: None,
            day: None,
        };
        let until = Some(Date {
            year: Some(last),
            month: None,
            day: None,
        });
        let mut r = self.date_like(i, n.start, end, date, until, None);
        r.qualifier = Qualifier::Range;
        Some(r)
    }

    fn date_like(
        &self,
        start: usize,
        vstart: usize,
        end: usize,
        date: Date,
        until: Option<Date>,
        span: Option<Span>,
    ) -> Raw {
        let dm = DateMatch {
            start: vstart,
            end,
            span: span.unwrap_or_else(|| self.span(vstart, end)),
            date,
            until,
        };
        let (lo, hi) = match dm.day_range() {
            Some((a, b)) => (a as f64, b as f64),
            None => {
                // no year: a day of an unspecified year, numbered in 2000
                let m = date.month.unwrap_or(1);
                match date.day {
                    Some(d) => {
                        let n = (days_from_civil(2000, m, d) - days_from_civil(2000, 1, 1)) as f64;
                        (n, n)
                    }
                    None => {
                        let a = (days_from_civil(2000, m, 1) - days_from_civil(2000, 1, 1)) as f64;
                        (a, a + 27.0)
                    }
                }
            }
        };
        let mut r = Raw {
            start,
            end,
            core: vstart,
            num_end: end,
            unit: DATE,
            value: (lo + hi) / 2.0,
            range: Some((lo, hi)),
            precision: 0.0,
            qualifier: Qualifier::Bare,
            qualifier_span: None,
            form: Form::Digits,
            number: dm.span,
            head_scale: 1.0,
            scale: 1.0,
            noun: None,
            date: Some(dm),
            flags: 0,
        };
        // "since 2014", "before 2020", "after 2020": the date is a bound of
        // a period, not the date of the thing itself
        self.apply_date_qualifier(&mut r);
        r
    }

    fn apply_date_qualifier(&self, r: &mut Raw) {
        if r.start == 0 {
            return;
        }
        let w = self.low(r.start - 1);
        let q = match w.as_str() {
            "since" | "after" | "from" => Some(Qualifier::AtLeast),
            "before" | "until" | "till" | "by" => Some(Qualifier::AtMost),
            "around" | "circa" | "about" => Some(Qualifier::Approx),
            _ => None,
        };
        if let Some(q) = q
            && r.qualifier == Qualifier::Bare
        {
            r.qualifier = q;
        }
    }

    // ------------------------------------------------------------ quantities

    fn quantity_raw(&self, i: usize, currency: Option<&'static str>, n: Num) -> Option<Raw> {
        let mut value = n.value;
        let mut precision = interval::rounding(n.value, n.ulp, n.round);
        let mut range = n.vague;
        let mut qualifier = if n.vague.is_some() {
            Qualifier::Vague
        } else {
            Qualifier::Bare
        };
        let mut end = n.end;
        let mut scale = n.scale;
        let mut flags = 0u16;
        // a range: "20 to 30", "2–3", "between 20 and 30", "$19 and $22
        // million", "two or three", "eight to 10 feet"
        if n.vague.is_none()
            && !n.ordinal
            && let Some((m, mend)) = self.range_second(i, &n, currency)
        {
            let mut lo = n.value;
            if n.scale == 1.0 && m.scale > 1.0 && lo * m.scale <= m.value {
                lo *= m.scale;
                precision = interval::rounding(lo, n.ulp * m.scale, n.round);
            }
            if m.value > lo {
                let p2 = interval::rounding(m.value, m.ulp, m.round);
                precision = precision.max(p2);
                range = Some((lo, m.value));
                value = (lo + m.value) / 2.0;
                qualifier = Qualifier::Range;
                end = mend;
                scale = m.scale.max(n.scale);
            }
        }
        let n_end = end;
        // what follows: unit, percent, currency, counted noun
        let mut unit: Option<Unit> = None;
        let mut noun: Option<(String, usize)> = None;
        if let Some(sfx) = n.suffix {
            let s = sfx.of(self.text);
            match self.suffix_unit(s, end) {
                Some((u, e)) => {
                    unit = Some(u);
                    end = e;
                }
                None => return None,
            }
        }
        if n.ordinal {
            unit = Some(ORDINAL);
        }
        if unit.is_none()
            && let Some((u, e, nn)) = self.unit_after(end, currency, scale)
        {
            unit = Some(u);
            end = e;
            noun = nn;
        }
        if let Some(code) = currency {
            // "$5 million dollars" would repeat it; "$70 a share" is a rate
            match unit {
                Some(u) if u.dim == Dim::Money => {}
                _ => unit = Some(units::money(code, 1.0)),
            }
        }
        // "3 dollars 50 cents", "thirteen dollars and forty-five cents",
        // "15 dollars 50." — a main unit and its hundredths
        if let Some(u) = unit
            && u.dim == Dim::Money
            && u.factor == 1.0
            && qualifier == Qualifier::Bare
            && scale == 1.0
            && end > 0
            && matches!(
                self.low(end - 1).as_str(),
                "dollar"
                    | "dollars"
                    | "euro"
                    | "euros"
                    | "pound"
                    | "pounds"
                    | "franc"
                    | "francs"
                    | "rouble"
                    | "roubles"
                    | "ruble"
                    | "rubles"
                    | "$"
                    | "€"
                    | "£"
            )
            && let Some((cents, e)) = self.hundredths_after(end)
        {
            value += cents;
            precision = 0.005;
            end = e;
        }
        let unit = match unit {
            Some(u) => u,
            None => {
                // a count: the counted noun, if the text names one
                if let Some((lemma, e, adjacent)) = measure::counted_noun(self, end) {
                    if adjacent {
                        end = e;
                    }
                    noun = Some((lemma, e));
                }
                units::COUNT
            }
        };
        // ordinals: the thing ranked ("80th anniversary")
        if unit.dim == Dim::Ordinal
            && let Some((lemma, e, adjacent)) = measure::counted_noun(self, end)
        {
            if adjacent {
                end = e;
            }
            noun = Some((lemma, e));
        }
        // hedges after: "or more", "5,000-plus", "40-odd", "5,000 people or
        // more"; not "10 and more than 40" nor "12 and below 30"
        let mut num_end = n_end;
        let hedge_after = |at: usize| -> Option<(Qualifier, usize)> {
            let after = self.words_after(at, 4);
            let (q, k) = interval::qualifier_after(&after)?;
            let next = after.get(k).copied().unwrap_or("");
            let then_number = self.is_num(at + k)
                || numbers::is_number_word(next)
                || !self.sc.numbers_at(at + k).is_empty();
            (next != "than" && next != "to" && !then_number).then_some((q, k))
        };
        let mut inclusive = false;
        if qualifier == Qualifier::Bare
            && let Some((Qualifier::Exact, k)) = hedge_after(n_end)
        {
            // "less than 5000 or equal (to)": the bound includes its value
            inclusive = true;
            num_end = n_end + k;
            if end == n_end {
                end = num_end;
            }
        } else if qualifier == Qualifier::Bare
            && let Some((q, k)) = hedge_after(n_end).or_else(|| hedge_after(end))
        {
            qualifier = q;
            if hedge_after(n_end).is_some() && end == n_end {
                num_end = n_end + k;
                end = num_end;
            } else if hedge_after(n_end).is_some() {
                num_end = n_end + k;
            } else {
                end += k;
            }
        } else if self.t(end) == "-"
            && self.glued(end)
            && matches!(self.low(end + 1).as_str(), "plus" | "odd")
        {
            qualifier = if self.low(end + 1).as_str() == "plus" {
                Qualifier::AtLeast
            } else {
                Qualifier::Approx
            };
            end += 2;
        }
        // hedges before
        let vstart = n.start.min(i);
        let mut start = vstart;
        let mut qualifier_span = None;
        let before = self.words_before(vstart, 6);
        if matches!(qualifier, Qualifier::AtLeast | Qualifier::AtMost)
            && let Some((Qualifier::Exact, k)) = interval::qualifier_before(&before)
        {
            // "equal to 5000 or less"
            start = vstart - k;
        }
        if qualifier == Qualifier::Bare || qualifier == Qualifier::Range {
            if qualifier == Qualifier::Range {
                // "between 20 and 30", "from 200 to 300"
                if let Some(w) = before.last()
                    && matches!(*w, "between" | "from")
                {
                    start = vstart - 1;
                }
            } else if let Some((q, k)) = interval::qualifier_before(&before) {
                qualifier = match (q, inclusive) {
                    (Qualifier::Over, true) => Qualifier::AtLeast,
                    (Qualifier::Under, true) => Qualifier::AtMost,
                    (q, _) => q,
                };
                start = vstart - k;
                qualifier_span = Some(self.span(start, vstart));
            }
        }
        if let Some(w) = self.words_before(start, 2).last()
            && matches!(*w, "these" | "those" | "this" | "that" | "same" | "said")
        {
            flags |= flag::DEMONSTRATIVE;
        }
        // "<>30", "=>30": not comparisons anyone writes in prose
        if start > 0
            && self.glued(start)
            && matches!(self.t(start - 1), "<" | ">" | "=")
            && matches!(self.t(start), "<" | ">" | "=")
        {
            return None;
        }
        Some(Raw {
            start,
            end,
            core: vstart,
            num_end: num_end.max(n_end),
            unit,
            value,
            range,
            precision,
            qualifier,
            qualifier_span,
            form: n.form,
            number: n.head,
            head_scale: if n.head == n.span { 1.0 } else { n.scale },
            scale,
            noun,
            date: None,
            flags,
        })
    }

    /// Hundredths after an amount in a main currency unit: "[and] 50
    /// cents", or a bare "50" closing the sentence.
    fn hundredths_after(&self, j: usize) -> Option<(f64, usize)> {
        let k = if self.low(j).as_str() == "and" {
            j + 1
        } else {
            j
        };
        let m = self.sc.numbers_at(k).into_iter().next()?;
        if m.value.fract() != 0.0
            || m.value <= 0.0
            || m.value >= 100.0
            || m.ordinal
            || m.suffix.is_some()
        {
            return None;
        }
        let w = self.low(m.end);
        if matches!(w.as_str(), "cent" | "cents" | "pence" | "penny") {
            return Some((m.value / 100.0, m.end + 1));
        }
        let closes = self
            .toks
            .get(m.end)
            .is_none_or(|t| matches!(t.text(self.text), "." | "!" | "?" | ";"));
        closes.then_some((m.value / 100.0, m.end))
    }

    /// The second number of a range after the first number `n`.
    fn range_second(
        &self,
        i: usize,
        n: &Num,
        currency: Option<&'static str>,
    ) -> Option<(Num, usize)> {
        let j = n.end;
        let sep = self.t(j);
        let sep_low = self.low(j);
        let before = if i > 0 { self.low(i - 1) } else { Low("") };
        let between = matches!(before.as_str(), "between" | "from");
        // "rose from 5 to 7 percent" is a change, not a range
        if before.as_str() == "from" && i >= 2 {
            let v = self.low(i - 2);
            let v2 = if i >= 3 { self.low(i - 3) } else { Low("") };
            let change = |w: &str| {
                matches!(
                    w,
                    "rose"
                        | "risen"
                        | "grew"
                        | "grown"
                        | "increased"
                        | "fell"
                        | "fallen"
                        | "dropped"
                        | "declined"
                        | "decreased"
                        | "climbed"
                        | "jumped"
                        | "up"
                        | "down"
                        | "went"
                        | "changed"
                        | "revised"
                        | "raised"
                        | "cut"
                        | "lowered"
                        | "soared"
                        | "plunged"
                )
            };
            if change(v.as_str()) || change(v2.as_str()) {
                return None;
            }
        }
        let dash = matches!(sep, "–" | "—" | "-" | "~");
        let ok = dash
            || matches!(sep_low.as_str(), "to" | "through")
            || (sep_low.as_str() == "and" && between)
            || (sep_low.as_str() == "or" && n.form == Form::Words && n.value < 100.0);
        if !ok {
            return None;
        }
        // "fifty - two" is one number (the word scanner took it); a dash
        // between digits and a word number is not a range
        let mut k = j + 1;
        if currency.is_some() && units::currency_symbol(self.t(k)).is_some() {
            k += 1;
        }
        let m = self.sc.numbers_at(k);
        let m = m.into_iter().next()?;
        // "+1-222-2222-2222": a phone number, not a range
        if dash
            && ((i > 0 && self.t(i - 1) == "+")
                || (matches!(self.t(m.end), "-" | "/")
                    && self.glued(m.end)
                    && self.is_num(m.end + 1)))
        {
            return None;
        }
        if m.ordinal || m.decade || m.vague.is_some() || m.suffix.is_some() && n.suffix.is_none() {
            return None;
        }
        if dash && (n.form == Form::Words) != (m.form == Form::Words) {
            return None;
        }
        // a dash between two numbers glued on both sides: "97-1" votes and
        // scores are not ranges when the second is smaller (checked by caller)
        let end = m.end;
        Some((m, end))
    }

    /// A unit glued to digits: "5km", "200lbs", "1.8m", "75ml", "100t",
    /// "24703m2", "10kph", "115USD", "100元", "0.8rad".
    fn suffix_unit(&self, s: &str, end: usize) -> Option<(Unit, usize)> {
        // "24703m2": the square is a digit token glued after the unit;
        // "24703m212" is a code
        if self.is_num(end) && self.glued(end) {
            let d = self.t(end);
            let u = units::unit_word(s)?;
            let glued_after = self
                .toks
                .get(end + 1)
                .is_some_and(|t| !t.space_before() && t.kind != TokenKind::Punct);
            return match (u.dim, d, glued_after) {
                (Dim::Length, "2" | "3", false) => {
                    units::unit_word(&format!("{s}{d}")).map(|u| (u, end + 1))
                }
                _ => None,
            };
        }
        if let Some(u) = units::unit_word(s) {
            // "10km/hr", "50 km/ms": speed written with a slash
            if u.dim == Dim::Length && self.t(end) == "/" && self.glued(end) {
                let per = self.low(end + 1);
                if matches!(per.as_str(), "h" | "hr" | "hour") {
                    return Some((units::unit_phrase(&["km", "per", "hour"])?.0, end + 2));
                }
            }
            return Some((u, end));
        }
        if units::percent_word(s) {
            return Some((PERCENT, end));
        }
        if let Some(code) = units::currency_symbol(s) {
            return Some((units::money(code, 1.0), end));
        }
        if let Some((code, f)) = units::currency_word(s, "") {
            return Some((units::money(code, f), end));
        }
        None
    }

    /// Unit, percent or currency words after a number at `j`; the unit, the
    /// end token, and for hyphenated units the noun they qualify.
    fn unit_after(
        &self,
        j: usize,
        currency: Option<&'static str>,
        scale: f64,
    ) -> Option<UnitAfter> {
        let raw = self.t(j);
        if raw == "%" || raw == "％" {
            // "30%25" is URL encoding, not thirty percent
            if self
                .toks
                .get(j + 1)
                .is_some_and(|t| !t.space_before() && t.kind != TokenKind::Punct)
            {
                return None;
            }
            return Some((PERCENT, j + 1, None));
        }
        // "six-mile trip", "3-inch", "12-cent", "one-yen"
        if raw == "-" && self.glued(j) && self.is_word(j + 1) && self.glued(j + 1) {
            let w = self.t(j + 1);
            if let Some(u) = units::unit_word(w) {
                let noun = measure::counted_noun(self, j + 2).map(|(l, e, _)| (l, e));
                return Some((u, j + 2, noun));
            }
            if let Some((code, f)) = units::currency_word(w, "") {
                return Some((units::money(code, f), j + 2, None));
            }
            return None;
        }
        // "20 (kg)", "20 [kg]"
        if matches!(raw, "(" | "[" | "{" | "<")
            && let Some(u) = units::unit_word(self.t(j + 1))
            && matches!(self.t(j + 2), ")" | "]" | "}" | ">")
        {
            return Some((u, j + 3, None));
        }
        if !self.is_word(j) {
            // "10 $", "10 €"
            if currency.is_none()
                && let Some(code) = units::currency_symbol(raw)
                && self.toks[j].kind == TokenKind::Punct
            {
                return Some((units::money(code, 1.0), j + 1, None));
            }
            return None;
        }
        let ws: Vec<&str> = (j..(j + 3).min(self.toks.len()))
            .take_while(|&k| self.is_word(k))
            .map(|k| self.low(k).as_str())
            .collect();
        if let Some((u, k)) = units::unit_phrase(&ws) {
            return Some((u, j + k, None));
        }
        if matches!(
            ws[0],
            "percent" | "percents" | "pct" | "percentage" | "percentages"
        ) {
            // "percentage points"
            if matches!(ws.get(1).copied(), Some("point" | "points")) {
                return Some((units::PERCENT_POINT, j + 2, None));
            }
            return Some((PERCENT, j + 1, None));
        }
        // "361 million pounds" is money; "25 pounds" a weight
        if matches!(ws[0], "pound" | "pounds") && (scale > 1.0 || currency == Some("GBP")) {
            return Some((units::money("GBP", 1.0), j + 1, None));
        }
        if ws[0] == "sterling"
            || (matches!(ws[0], "pound" | "pounds") && ws.get(1) == Some(&"sterling"))
        {
            let k = if ws[0] == "sterling" { 1 } else { 2 };
            return Some((units::money("GBP", 1.0), j + k, None));
        }
        // currencies: "dollars", "Australian dollars", "finnish markka",
        // "USD", "usd million"
        let prev = if j > 0 { self.low(j - 1).as_str() } else { "" };
        if let Some((code, f)) = units::currency_word_low(ws[0], prev) {
            if matches!(ws[0], "pound" | "pounds") {
                // money only after a scale or with a pound sign near
                if scale <= 1.0 && currency.is_none() {
                    return Some((units::unit_word_low(raw, ws[0])?, j + 1, None));
                }
                return Some((units::money("GBP", 1.0), j + 1, None));
            }
            // "75 USD million": the scale after the code
            if let Some(s) = numbers::scale_word(ws.get(1).copied().unwrap_or(""))
                && s > 100.0
                && scale <= 1.0
            {
                return Some((units::money(code, f * s), j + 2, None));
            }
            return Some((units::money(code, f), j + 1, None));
        }
        if let Some(code) = units::currency_symbol(raw)
            && ((raw.len() == 3 && raw.bytes().all(|b| b.is_ascii_uppercase())) || !raw.is_ascii())
        {
            return Some((units::money(code, 1.0), j + 1, None));
        }
        // an adjective of nationality before the currency: "finnish markka",
        // "swiss francs", "us dollar", "chinese yuan"
        if ws.len() >= 2
            && let Some((code, f)) = units::currency_word_low(ws[1], ws[0])
            && !matches!(ws[1], "pound" | "pounds")
            && (raw.starts_with(|c: char| c.is_uppercase())
                || matches!(
                    ws[0],
                    "us" | "hong"
                        | "new"
                        | "swiss"
                        | "finnish"
                        | "dutch"
                        | "turkish"
                        | "australian"
                        | "canadian"
                        | "chinese"
                        | "japanese"
                        | "indian"
                        | "russian"
                        | "belarusian"
                ))
        {
            let code = if ws[0] == "us" { "USD" } else { code };
            return Some((units::money(code, f), j + 2, None));
        }
        if let Some(u) = units::unit_word_low(raw, ws[0]) {
            // one-letter units only when glued or unmistakable
            if raw.len() == 1 && !matches!(raw, "m" | "t" | "g") {
                return None;
            }
            if matches!(raw, "m" | "t" | "g") {
                // "1 m", "100 t": only without a following word that would
                // make it a name
                if self.is_word(j + 1) && self.toks[j + 1].is_capitalized() {
                    return None;
                }
            }
            // "3 in 5", "ha", "rad": too common as words; "degrees" in news
            // are temperatures, not angles; "World Cup" is a name
            if matches!(
                ws[0],
                "in" | "min" | "sec" | "ha" | "turn" | "turns" | "degree" | "degrees" | "rad"
            ) || (matches!(ws[0], "cup" | "cups") && raw != ws[0])
            {
                return None;
            }
            // "miles an hour"
            if u.dim == Dim::Length
                && matches!(ws.get(1).copied(), Some("an" | "per" | "a"))
                && let Some((s, k)) = units::unit_phrase(&ws)
            {
                return Some((s, j + k, None));
            }
            return Some((u, j + 1, None));
        }
        None
    }
}

/// Stage timings for the benchmark: (candidates, raw figures) of a text.
#[cfg(test)]
pub(crate) fn stage_counts(text: &str, toks: &[Token], times: &mut [f64; 3]) -> (usize, usize) {
    let t0 = std::time::Instant::now();
    let cx = Ctx::new(text, toks);
    times[0] += t0.elapsed().as_secs_f64();
    let t0 = std::time::Instant::now();
    let candidates = (0..toks.len()).filter(|&i| cx.may_start(i)).count();
    times[1] += t0.elapsed().as_secs_f64();
    let t0 = std::time::Instant::now();
    let n = scan(&cx).len();
    times[2] += t0.elapsed().as_secs_f64();
    (candidates, n)
}

/// Every raw figure in token order, with two-sided bounds merged.
fn scan(cx: &Ctx) -> Vec<Raw> {
    let toks = cx.toks;
    let mut raws: Vec<Raw> = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !cx.may_start(i) {
            i += 1;
            continue;
        }
        match cx.figure_at(i) {
            Some(r) if r.end > i => {
                i = r.end;
                raws.push(r);
            }
            _ => i += 1,
        }
    }
    merge_bounds(cx, raws)
}

/// "more than 20 but fewer than 30", "above 1000 and below 1500", "no
/// more than 50 and no less than 20": one range from two bounds.
fn merge_bounds(cx: &Ctx, raws: Vec<Raw>) -> Vec<Raw> {
    let lower = |q: Qualifier| matches!(q, Qualifier::Over | Qualifier::AtLeast);
    let upper = |q: Qualifier| matches!(q, Qualifier::Under | Qualifier::AtMost);
    let mut out: Vec<Raw> = Vec::with_capacity(raws.len());
    for r in raws {
        if let Some(p) = out.last()
            && ((lower(p.qualifier) && upper(r.qualifier))
                || (upper(p.qualifier) && lower(r.qualifier)))
            && r.start > p.end
            && r.start - p.end <= 2
            && (p.end..r.start)
                .all(|k| matches!(lower_str(cx, k).as_str(), "and" | "but" | "," | "yet"))
            && (p.unit == r.unit || p.unit.dim == Dim::Count && p.noun.is_none())
        {
            let (lo, hi) = if lower(p.qualifier) {
                (p.value, r.value)
            } else {
                (r.value, p.value)
            };
            if lo < hi {
                let p = out.pop().unwrap_or_else(|| unreachable!());
                out.push(Raw {
                    start: p.start,
                    end: r.end,
                    core: p.start,
                    num_end: r.num_end,
                    value: (lo + hi) / 2.0,
                    range: Some((lo, hi)),
                    precision: p.precision.max(r.precision),
                    qualifier: Qualifier::Range,
                    qualifier_span: None,
                    ..r
                });
                continue;
            }
        }
        out.push(r);
    }
    out
}

fn lower_str(cx: &Ctx, k: usize) -> String {
    cx.low(k).as_str().to_string()
}

/// A quantity as recognised in text, before deciding what it measures:
/// the recognition layer under [`super::extract`](crate::analysis::figures::extract()),
/// for tools and tests.
#[derive(Clone, Debug, PartialEq)]
pub struct Quantity {
    /// The whole quantity: hedge, number, unit ("about $ 14 million").
    pub span: Span,
    /// Without the hedge before it ("$ 14 million").
    pub core: Span,
    /// Hedge and number, without units or counted nouns ("more than
    /// thirty" in "more than thirty years").
    pub number: Span,
    pub unit: Unit,
    /// The stated value in `unit` (the midpoint of a range).
    pub value: f64,
    /// The stated ends of a range or of two bounds.
    pub range: Option<(f64, f64)>,
    pub qualifier: Qualifier,
    pub date: Option<Date>,
}

/// Every quantity in `text`, bare numbers included.
pub fn quantities(text: &str) -> Vec<Quantity> {
    let mut toks = crate::analysis::tokens::tokenize(text);
    crate::analysis::sentences::split(text, &mut toks);
    let cx = Ctx::new(text, &toks);
    scan(&cx)
        .into_iter()
        .map(|r| Quantity {
            span: cx.span(r.start, r.end),
            core: cx.span(r.core.max(r.start).min(r.end.saturating_sub(1)), r.end),
            number: cx.span(r.start, r.num_end.max(r.start + 1).min(r.end)),
            unit: r.unit,
            value: r.value,
            range: r.range,
            qualifier: r.qualifier,
            date: r.date.map(|d| d.date),
        })
        .collect()
}

/// Recognise every figure of a document, with what it measures.
pub(crate) fn figures(
    text: &str,
    toks: &[Token],
    sentences: &[Span],
    statements: &[Statement],
) -> Vec<Figure> {
    let cx = Ctx::new(text, toks);
    let mut raws = scan(&cx);
    let stmt_index = StatementIndex::new(statements);
    let mut out = Vec::with_capacity(raws.len());
    let mut sent = 0usize;
    // a bare decimal takes the unit of the next figure of its sentence:
    // "her tax rate was 35.72, and … a combined rate of 45.8 percent"
    let sentence_of = |r: &Raw| {
        let at = toks[r.start.min(toks.len() - 1)].span.start;
        sentences.partition_point(|s| s.end <= at)
    };
    for i in 0..raws.len().saturating_sub(1) {
        let (a, b) = (&raws[i], &raws[i + 1]);
        let decimal = a.value.fract() != 0.0 && a.form == Form::Digits;
        if a.unit.dim == Dim::Count
            && a.noun.is_none()
            && decimal
            && !matches!(b.unit.dim, Dim::Count | Dim::Date | Dim::Ordinal)
            && sentence_of(a) == sentence_of(b)
            && a.value > 0.0
            && b.value > 0.0
            && a.value / b.value <= 3.0
            && b.value / a.value <= 3.0
        {
            let u = b.unit;
            raws[i].unit = u;
        }
    }
    // the last figure with a unit, for elliptical amounts: "just over 51
    // billion" after "$50 billion" is in dollars too
    let mut last_unit: Option<(usize, Unit, f64)> = None;
    let doc = measure::DocFacts {
        sentences,
        terms: measure::SentenceTerms::new(sentences.len()),
        lede_end: super::link::lede_end(text, super::link::headline_end(text)) as u32,
    };
    for r in raws.iter_mut() {
        let span = cx.span(r.start, r.end);
        while sent + 1 < sentences.len() && sentences[sent].end <= span.start {
            sent += 1;
        }
        if r.unit.dim == Dim::Count && r.noun.is_none() && r.scale >= 1e3 {
            if let Some((s, u, v)) = last_unit
                && sent <= s + 1
                && (r.value / v).abs() < 10.0
                && (v / r.value).abs() < 10.0
            {
                r.unit = u;
            }
        } else if !matches!(r.unit.dim, Dim::Count | Dim::Date | Dim::Ordinal) {
            last_unit = Some((sent, r.unit, r.value));
        }
        let (inner, outer) = stmt_index.innermost(span);
        let Some(mut fig) = measure::finish(&cx, r, span, sent as u32, inner, &doc) else {
            continue;
        };
        fig.outer_statement = outer;
        out.push(fig);
    }
    out
}

/// Finds the innermost statement holding a span.
struct StatementIndex {
    /// (start, end, index), sorted by start.
    by_start: Vec<(u32, u32, u32)>,
}

impl StatementIndex {
    fn new(statements: &[Statement]) -> StatementIndex {
        let mut by_start: Vec<(u32, u32, u32)> = statements
            .iter()
            .enumerate()
            .map(|(i, s)| (s.span.start, s.span.end, i as u32))
            .collect();
        by_start.sort_unstable();
        StatementIndex { by_start }
    }

    /// The innermost statement holding `span` and the one enclosing it.
    fn innermost(&self, span: Span) -> (Option<u32>, Option<u32>) {
        let upto = self.by_start.partition_point(|s| s.0 <= span.start);
        let mut holding: Vec<(u32, u32)> = Vec::new();
        // statements nest shallowly; look back a bounded distance
        for &(s, e, idx) in self.by_start[..upto].iter().rev().take(64) {
            if s <= span.start && span.end <= e {
                holding.push((e - s, idx));
            }
        }
        holding.sort_unstable();
        (holding.first().map(|h| h.1), holding.get(1).map(|h| h.1))
    }
}

/// The style of a raw figure, for rendering replacements.
pub(crate) fn style_of(cx: &Ctx, r: &Raw) -> Style {
    let num_text = r.number.of(cx.text);
    let decimals = match r.form {
        Form::Words => 0,
        _ => {
            // digits after a decimal point that is not a thousands separator
            let digits: &str = num_text.trim_end_matches(|c: char| c.is_alphabetic());
            match digits.rfind(['.', ',']) {
                Some(p) if digits.len() - p - 1 != 3 => (digits.len() - p - 1) as u8,
                _ => 0,
            }
        }
    };
    let separator = if num_text.contains(',') && (decimals == 0 || num_text.contains('.')) {
        Some(',')
    } else if num_text.contains(' ') || num_text.contains('\u{a0}') {
        Some(' ')
    } else if num_text.matches('.').count() >= 1
        && decimals == 0
        && r.form == Form::Digits
        && r.date.is_none()
    {
        Some('.')
    } else {
        None
    };
    Style {
        form: r.form,
        number: r.number,
        scale: r.head_scale,
        qualifier: r.qualifier_span,
        decimals,
        separator,
    }
}
