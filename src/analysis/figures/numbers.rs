//! Numbers as written: digits ("2,000", "5.7", "1 234 567", "8bn", "80th"),
//! words ("twenty-eight", "one and a half", "a dozen", "two thirds",
//! "hundreds"), and the two mixed ("1.4 billion", "3 hundred and 21").
//!
//! The recogniser reads the shared token stream and returns each number with
//! its value and its *precision*: the place of the last digit the writer
//! stated. Precision is what lets "1.4 billion" cover 1.375 billion while
//! "25" and "24" stay apart; it is turned into an interval by
//! [`super::interval`].
//!
//! The word grammar follows the usual composition of English numerals (a
//! group below a thousand is built from units, tens and "hundred"; each
//! scale word multiplies the group before it; "and" may join a smaller part
//! to a larger one), the way rule-based recognisers such as Duckling and
//! Recognizers-Text compose them, written here as a single left-to-right
//! scan over tokens.

use crate::analysis::span::Span;
use crate::analysis::tokens::{Token, TokenKind};

/// How a number was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Form {
    Digits,
    Words,
    /// Digits with a scale word ("1.4 billion", "3 hundred and 21").
    Mixed,
}

/// A recognised number.
#[derive(Clone, Debug, PartialEq)]
pub struct Num {
    /// Token range `start..end` the number covers.
    pub start: usize,
    pub end: usize,
    /// Byte span; narrower than the tokens when one token holds a list
    /// ("22,24,26").
    pub span: Span,
    pub value: f64,
    /// Place value of the last stated digit (1 for "25", 0.1 for "5.7",
    /// 1e6 for "25 million", 1000 for "2,000").
    pub ulp: f64,
    /// The stated digits end in zeros before the decimal point ("2,000",
    /// "thirty"): the writer may have rounded.
    pub round: bool,
    pub form: Form,
    /// "80th", "tenth".
    pub ordinal: bool,
    /// "1970s": the decade starting at `value`.
    pub decade: bool,
    /// Vague amounts ("hundreds", "a few", "dozens"): an interval instead
    /// of a point.
    pub vague: Option<(f64, f64)>,
    /// The largest scale word used ("million" → 1e6), 1 when none.
    pub scale: f64,
    /// A glued unit suffix the caller should interpret ("5km" → "km").
    pub suffix: Option<Span>,
    /// The number before its scale word ("25" in "25 million", "one and a
    /// half" in "one and a half billion"); the whole span when it has none
    /// or the two cannot be told apart.
    pub head: Span,
}

impl Num {
    fn point(start: usize, end: usize, span: Span, value: f64, ulp: f64, form: Form) -> Num {
        Num {
            start,
            end,
            span,
            value,
            ulp,
            round: false,
            form,
            ordinal: false,
            decade: false,
            vague: None,
            scale: 1.0,
            suffix: None,
            head: span,
        }
    }
}

// ------------------------------------------------------------------ words

/// Lower-case ASCII copy of a short word in a stack buffer (no allocation
/// per token).
pub struct Lower {
    buf: [u8; 24],
    len: usize,
}

impl Lower {
    pub fn new(s: &str) -> Option<Lower> {
        let b = s.as_bytes();
        if b.is_empty() || b.len() > 24 {
            return None;
        }
        let mut buf = [0u8; 24];
        for (i, &c) in b.iter().enumerate() {
            // Non-ASCII letters cannot be English number words; keep them
            // as they are so that the comparison simply fails.
            buf[i] = c.to_ascii_lowercase();
        }
        Some(Lower { buf, len: b.len() })
    }
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.buf[..self.len]).unwrap_or("")
    }
}

/// Lower-cased word, or "" when it is too long to be a vocabulary word.
pub fn lower(s: &str) -> Lower {
    Lower::new(s).unwrap_or(Lower {
        buf: [0; 24],
        len: 0,
    })
}

/// 0..19 as words.
pub fn unit_word(w: &str) -> Option<f64> {
    Some(match w {
        "zero" | "nought" | "naught" | "nil" => 0.0,
        "one" => 1.0,
        "two" => 2.0,
        "three" => 3.0,
        "four" => 4.0,
        "five" => 5.0,
        "six" => 6.0,
        "seven" => 7.0,
        "eight" => 8.0,
        "nine" => 9.0,
        "ten" => 10.0,
        "eleven" => 11.0,
        "twelve" => 12.0,
        "thirteen" => 13.0,
        "fourteen" => 14.0,
        "fifteen" => 15.0,
        "sixteen" => 16.0,
        "seventeen" => 17.0,
        "eighteen" => 18.0,
        "nineteen" => 19.0,
        _ => return None,
    })
}

pub fn tens_word(w: &str) -> Option<f64> {
    Some(match w {
        "twenty" => 20.0,
        "thirty" => 30.0,
        "forty" | "fourty" => 40.0,
        "fifty" => 50.0,
        "sixty" => 60.0,
        "seventy" => 70.0,
        "eighty" => 80.0,
        "ninety" => 90.0,
        _ => return None,
    })
}

/// Scale words written out or abbreviated as separate words.
pub fn scale_word(w: &str) -> Option<f64> {
    Some(match w {
        "hundred" => 1e2,
        "thousand" => 1e3,
        "lakh" | "lakhs" | "lac" => 1e5,
        "million" | "mln" | "mn" | "mil" | "mio" => 1e6,
        "crore" | "crores" => 1e7,
        "billion" | "bn" | "bln" => 1e9,
        "trillion" | "tn" | "tln" | "trn" => 1e12,
        _ => return None,
    })
}

/// Scale abbreviations that only count right after digits, case-sensitive
/// ("10k", "2.33 k", "10M", "1,674.5 G", "US$ 1MM"); a lower-case "m" or
/// "mm" is a length, not a million.
fn digit_scale_suffix(s: &str) -> Option<f64> {
    Some(match s {
        "k" | "K" => 1e3,
        "lakh" | "lakhs" => 1e5,
        "M" | "MM" | "mln" | "Mln" | "mn" | "Mn" | "mil" | "Mil" | "mio" => 1e6,
        "crore" | "crores" => 1e7,
        "b" | "B" | "bn" | "Bn" | "BN" | "bln" | "Bln" | "G" => 1e9,
        "tn" | "Tn" | "tln" | "trn" => 1e12,
        _ => return None,
    })
}

/// The value of a vulgar fraction character ("½" → 0.5).
pub fn vulgar_fraction(s: &str) -> Option<f64> {
    Some(match s {
        "½" => 0.5,
        "⅓" => 1.0 / 3.0,
        "⅔" => 2.0 / 3.0,
        "¼" => 0.25,
        "¾" => 0.75,
        "⅕" => 0.2,
        "⅖" => 0.4,
        "⅗" => 0.6,
        "⅘" => 0.8,
        "⅙" => 1.0 / 6.0,
        "⅚" => 5.0 / 6.0,
        "⅛" => 0.125,
        "⅜" => 0.375,
        "⅝" => 0.625,
        "⅞" => 0.875,
        _ => return None,
    })
}

/// Plural scale words used as vague amounts ("hundreds of", "thousands").
fn vague_plural(w: &str) -> Option<f64> {
    Some(match w {
        "tens" => 10.0,
        "dozens" => 12.0,
        "scores" => 20.0,
        "hundreds" => 1e2,
        "thousands" => 1e3,
        "millions" => 1e6,
        "billions" => 1e9,
        "trillions" => 1e12,
        _ => return None,
    })
}

/// Denominator words: "third" → 3, "quarters" → 4, "hundredths" → 100.
pub fn fraction_word(w: &str) -> Option<f64> {
    let w = w.strip_suffix('s').unwrap_or(w);
    Some(match w {
        "half" | "halve" => 2.0,
        "third" => 3.0,
        "quarter" | "fourth" => 4.0,
        "fifth" => 5.0,
        "sixth" => 6.0,
        "seventh" => 7.0,
        "eighth" => 8.0,
        "ninth" => 9.0,
        "tenth" => 10.0,
        "twelfth" => 12.0,
        "twentieth" => 20.0,
        "thirtieth" => 30.0,
        "hundredth" => 1e2,
        "thousandth" => 1e3,
        "millionth" => 1e6,
        "billionth" => 1e9,
        "trillionth" => 1e12,
        _ => return None,
    })
}

/// Ordinal words 1st..19th and the tens ("twentieth").
pub fn ordinal_word(w: &str) -> Option<f64> {
    Some(match w {
        "first" => 1.0,
        "second" => 2.0,
        "third" => 3.0,
        "fourth" => 4.0,
        "fifth" => 5.0,
        "sixth" => 6.0,
        "seventh" => 7.0,
        "eighth" => 8.0,
        "ninth" => 9.0,
        "tenth" => 10.0,
        "eleventh" => 11.0,
        "twelfth" => 12.0,
        "thirteenth" => 13.0,
        "fourteenth" => 14.0,
        "fifteenth" => 15.0,
        "sixteenth" => 16.0,
        "seventeenth" => 17.0,
        "eighteenth" => 18.0,
        "nineteenth" => 19.0,
        "twentieth" => 20.0,
        "thirtieth" => 30.0,
        "fortieth" => 40.0,
        "fiftieth" => 50.0,
        "sixtieth" => 60.0,
        "seventieth" => 70.0,
        "eightieth" => 80.0,
        "ninetieth" => 90.0,
        "hundredth" => 100.0,
        "thousandth" => 1000.0,
        _ => return None,
    })
}

/// Could this word start or continue a written-out number? One lookup in
/// the figures lexicon, which holds the number words.
pub fn is_number_word(w: &str) -> bool {
    super::lexicon::class_of(w) & super::lexicon::NUMBER != 0
}

// ------------------------------------------------------------------ scanner

pub struct Scanner<'a> {
    pub text: &'a str,
    pub toks: &'a [Token],
    /// The text with ASCII letters lower-cased: the same byte offsets, so a
    /// token's lower-case form is a slice, computed once per document.
    lowered: String,
    /// Word classes per token (see [`super::lexicon`]), filled on use.
    classes: super::lexicon::Classes,
}

/// A token's text in lower case (a slice of the lower-cased document).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Low<'s>(pub &'s str);

impl<'s> Low<'s> {
    pub fn as_str(&self) -> &'s str {
        self.0
    }
}

impl<'a> Scanner<'a> {
    pub fn new(text: &'a str, toks: &'a [Token]) -> Scanner<'a> {
        let lowered = text.to_ascii_lowercase();
        let classes = super::lexicon::Classes::new(toks.len());
        Scanner {
            text,
            toks,
            lowered,
            classes,
        }
    }

    /// The classes of token `i` among those of `group`, 0 when the cheap
    /// first test rules the group out (then nothing is cached).
    pub fn class_in(&self, i: usize, group: super::lexicon::Group) -> u32 {
        let Some(t) = self.toks.get(i) else {
            return 0;
        };
        if t.kind != TokenKind::Word {
            return 0;
        }
        let b = self.text.as_bytes();
        let at = t.span.start as usize;
        let first = b.get(at).copied().unwrap_or(0);
        let second = if t.span.len() > 1 {
            b.get(at + 1).copied().unwrap_or(0)
        } else {
            0
        };
        if !super::lexicon::prefilter(group, first, second, t.span.len()) {
            return 0;
        }
        self.class(i)
    }

    /// The word classes of token `i` (0 past the end).
    pub fn class(&self, i: usize) -> u32 {
        let Some(t) = self.toks.get(i) else {
            return 0;
        };
        self.classes.get(i, t.kind, self.lowered(i).0)
    }

    /// The whole text with ASCII letters lower-cased (same byte offsets).
    pub fn lowered_text(&self) -> &str {
        &self.lowered
    }

    /// Token `i` in lower case ("" past the end).
    pub fn lowered(&self, i: usize) -> Low<'_> {
        Low(self
            .toks
            .get(i)
            .and_then(|t| self.lowered.get(t.span.range()))
            .unwrap_or(""))
    }

    fn t(&self, i: usize) -> &'a str {
        self.toks.get(i).map(|t| t.text(self.text)).unwrap_or("")
    }

    fn low(&self, i: usize) -> Low<'_> {
        self.lowered(i)
    }

    fn is_word(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| t.kind == TokenKind::Word)
    }

    fn is_num(&self, i: usize) -> bool {
        self.toks
            .get(i)
            .is_some_and(|t| t.kind == TokenKind::Number)
    }

    /// Token `i` directly follows `i - 1` with no space.
    fn glued(&self, i: usize) -> bool {
        self.toks.get(i).is_some_and(|t| !t.space_before())
    }

    /// Is token `i` a hyphen joining two parts of one word ("twenty-eight")?
    fn is_hyphen(&self, i: usize) -> bool {
        matches!(self.t(i), "-" | "‐" | "‑")
    }

    fn span(&self, a: usize, b: usize) -> Span {
        Span::new(
            self.toks[a].span.start as usize,
            self.toks[b - 1].span.end as usize,
        )
    }

    /// Every number starting at token `i`, with a leading minus sign
    /// ("-9.23", "minus five", "negative one") when there is one.
    pub fn signed_numbers_at(&self, i: usize) -> Vec<Num> {
        let s = self.t(i);
        let w = self.low(i);
        let dash = matches!(s, "-" | "−" | "–");
        let word = matches!(w.as_str(), "minus" | "negative");
        if dash || word {
            // a dash after a number or glued to a word joins or ranges
            let prev_number = i > 0
                && (self.is_num(i - 1)
                    || (self.is_word(i - 1) && is_number_word(self.low(i - 1).as_str())));
            let glued_to_word = dash && i > 0 && self.glued(i) && !self.toks[i - 1].is_punct();
            if (dash && (prev_number || glued_to_word)) || (word && prev_number) {
                return self.numbers_at(i);
            }
            let mut v = self.numbers_at(i + 1);
            if v.len() == 1
                && v[0].value > 0.0
                && !v[0].ordinal
                && !v[0].decade
                && v[0].vague.is_none()
            {
                let n = &mut v[0];
                n.value = -n.value;
                n.start = i;
                n.span = Span::new(self.toks[i].span.start as usize, n.span.end as usize);
                return v;
            }
            return Vec::new();
        }
        self.numbers_at(i)
    }

    /// Every number starting at token `i`. Usually one; a token holding a
    /// list of numbers ("22,24,26", "192.168.1.2") gives several.
    pub fn numbers_at(&self, i: usize) -> Vec<Num> {
        let Some(tok) = self.toks.get(i) else {
            return Vec::new();
        };
        match tok.kind {
            TokenKind::Number => self.digits_at(i),
            TokenKind::Word => self.words_at(i).into_iter().collect(),
            TokenKind::Punct => {
                // "½", "¾"
                let s = self.t(i);
                if let Some(v) = vulgar_fraction(s) {
                    return vec![Num::point(i, i + 1, tok.span, v, 0.0, Form::Digits)];
                }
                // ".08", "-9.23", "− 1"
                if s == "." && self.is_num(i + 1) && self.glued(i + 1) && !self.prev_glued_alnum(i)
                {
                    let mut v = self.digits_at(i + 1);
                    if let Some(n) = v.first_mut()
                        && n.value.fract() == 0.0
                        && n.start == i + 1
                        && !n.ordinal
                        && n.suffix.is_none()
                    {
                        let digits = n.span.of(self.text).len();
                        if let Ok(x) = format!("0.{}", n.span.of(self.text)).parse::<f64>() {
                            n.value = x;
                            n.ulp = 10f64.powi(-(digits as i32));
                            n.round = false;
                            n.start = i;
                            n.span = Span::new(tok.span.start as usize, n.span.end as usize);
                            v.truncate(1);
                            return v;
                        }
                    }
                }
                Vec::new()
            }
        }
    }

    fn prev_glued_alnum(&self, i: usize) -> bool {
        i > 0 && self.glued(i) && !self.toks[i - 1].is_punct()
    }

    // -------------------------------------------------------------- digits

    fn digits_at(&self, i: usize) -> Vec<Num> {
        let tok = self.toks[i];
        let s = tok.text(self.text);
        let digits_end = s
            .bytes()
            .position(|b| !(b.is_ascii_digit() || b == b',' || b == b'.'))
            .unwrap_or(s.len());
        let (body, suffix) = s.split_at(digits_end);
        let base = tok.span.start as usize;
        let parts = split_digit_body(body);
        if parts.is_empty() {
            return Vec::new();
        }
        if parts.len() > 1 {
            // a list glued together: each part is a plain integer
            return parts
                .into_iter()
                .map(|(a, b, v, ulp)| {
                    Num::point(
                        i,
                        i + 1,
                        Span::new(base + a, base + b),
                        v,
                        ulp,
                        Form::Digits,
                    )
                })
                .collect();
        }
        let (_, _, mut value, mut ulp) = parts[0];
        let mut n = Num::point(i, i + 1, tok.span, value, ulp, Form::Digits);
        n.round = !body.contains('.') && value != 0.0 && trailing_zero_int(value);
        if n.round {
            n.ulp = place_of_last_nonzero(value);
        }
        // glued suffix
        if !suffix.is_empty() {
            let sl = lower(suffix);
            let sl = sl.as_str();
            if matches!(sl, "st" | "nd" | "rd" | "th") && value.fract() == 0.0 {
                n.ordinal = true;
                n.round = false;
                n.ulp = 1.0;
            } else if sl == "s" && value.fract() == 0.0 && value >= 10.0 && value % 10.0 == 0.0 {
                n.decade = true;
            } else if let Some(mult) = digit_scale_suffix(suffix) {
                value *= mult;
                ulp *= mult;
                n.value = value;
                n.ulp = if n.round {
                    place_of_last_nonzero(value)
                } else {
                    ulp
                };
                n.scale = mult;
                n.form = Form::Mixed;
            } else if suffix.starts_with(|c: char| c.is_alphabetic()) {
                n.suffix = Some(Span::new(base + digits_end, tok.span.end as usize));
            }
        }
        // spaced thousands: "1 234 567", "40 000"
        let mut j = i + 1;
        if n.suffix.is_none()
            && !n.ordinal
            && !n.decade
            && n.scale == 1.0
            && !body.contains(',')
            && !body.contains('.')
            && body.len() <= 3
        {
            let mut v = n.value;
            let mut joined = false;
            while let Some(t) = self.toks.get(j) {
                let ts = t.text(self.text);
                let gap = &self.text[self.toks[j - 1].span.end as usize..t.span.start as usize];
                let thin = matches!(gap, " " | "\u{a0}" | "\u{202f}" | "\u{2009}");
                let group = ts.split_once('.').map(|(a, _)| a).unwrap_or(ts);
                if t.kind == TokenKind::Number
                    && thin
                    && group.len() == 3
                    && ts.bytes().all(|b| b.is_ascii_digit() || b == b'.')
                    && ts.matches('.').count() <= 1
                    // "in 2014 100 people": the head must be a short group
                    && !self
                        .toks
                        .get(j + 1)
                        .is_some_and(|n| n.kind == TokenKind::Number && !n.space_before())
                {
                    v = v * 1000.0 + ts.parse::<f64>().unwrap_or(0.0);
                    j += 1;
                    joined = true;
                    if ts.contains('.') {
                        break;
                    }
                } else {
                    break;
                }
            }
            if joined {
                // a trailing ".89" on the last group
                n.value = v;
                n.end = j;
                n.span = self.span(i, j);
                n.head = n.span;
                n.round = trailing_zero_int(v);
                n.ulp = if n.round {
                    place_of_last_nonzero(v)
                } else {
                    1.0
                };
            }
        }
        // "1,234,567.89" split as "1 234 567.89" is handled by the body
        // parser of the last group; a fraction after an integer: "2 1/4"
        // "2½"
        if let Some(f) = self
            .toks
            .get(n.end)
            .filter(|t| !t.space_before())
            .and_then(|t| vulgar_fraction(t.text(self.text)))
            && n.suffix.is_none()
            && !n.ordinal
            && n.value.fract() == 0.0
        {
            n.value += f;
            n.ulp = 0.0;
            n.round = false;
            n.end += 1;
            n.span = self.span(n.start, n.end);
            n.head = n.span;
        }
        let mut out = vec![n];
        self.extend_fraction(&mut out[0]);
        self.extend_scale_words(&mut out[0]);
        let n = &mut out[0];
        if !n.ordinal
            && !n.decade
            && n.suffix.is_none()
            && matches!(
                self.low(n.end).as_str(),
                "dozen" | "dozens" | "dzs" | "doz" | "dozs"
            )
        {
            n.value *= 12.0;
            n.ulp = 1.0;
            n.round = false;
            n.end += 1;
            n.span = self.span(n.start, n.end);
        }
        out
    }

    /// "3/4", "2 1/4", "10 1/2": a small fraction after or instead of an
    /// integer. Only common denominators, so that "9/11" and "24/7" stay
    /// what they are.
    fn extend_fraction(&self, n: &mut Num) {
        if n.ordinal || n.decade || n.suffix.is_some() || n.scale != 1.0 || n.value.fract() != 0.0 {
            return;
        }
        let j = n.end;
        let frac = |a: usize| -> Option<(f64, usize)> {
            // a "/" b, glued
            if !(self.is_num(a) && self.t(a + 1) == "/" && self.is_num(a + 2)) {
                return None;
            }
            if !self.glued(a + 1) || !self.glued(a + 2) {
                return None;
            }
            // not part of a longer chain "5/17/2018"
            if self.t(a + 3) == "/" && self.glued(a + 3) {
                return None;
            }
            if a > 0 && self.t(a - 1) == "/" && self.glued(a) {
                return None;
            }
            let num: f64 = self.t(a).parse().ok()?;
            let den: f64 = self.t(a + 2).parse().ok()?;
            let common = [2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 16.0, 32.0, 64.0, 100.0];
            if num >= den || !common.contains(&den) {
                return None;
            }
            Some((num / den, a + 3))
        };
        if let Some((f, end)) = frac(n.start)
            && n.start == j - 1
        {
            n.value = f;
            n.ulp = 0.0;
            n.end = end;
            n.span = self.span(n.start, end);
            n.head = n.span;
            return;
        }
        // "2 1/4": a whole number then a fraction, separated by space
        if self.toks.get(j).is_some_and(|t| t.space_before())
            && let Some((f, end)) = frac(j)
        {
            n.value += f;
            n.ulp = 0.0;
            n.end = end;
            n.span = self.span(n.start, end);
            n.head = n.span;
        }
    }

    /// Scale word at token `j`: "million", "bn", or (right after digits,
    /// spaced) an abbreviation such as "k" or "M".
    fn scale_at(&self, j: usize, after_digits: bool) -> Option<f64> {
        if !self.is_word(j) {
            return None;
        }
        scale_word(self.low(j).as_str()).or_else(|| {
            digit_scale_suffix(self.t(j)).filter(|_| after_digits && self.toks[j].space_before())
        })
    }

    /// "25 million", "1.4 billion", "2.33 k", "3 hundred and 21", "13 lakh",
    /// "3 million and a half".
    fn extend_scale_words(&self, n: &mut Num) {
        if n.ordinal || n.decade || n.suffix.is_some() || n.scale != 1.0 {
            return;
        }
        let mut j = n.end;
        let mut total = 0.0f64;
        let mut group = n.value;
        let mut ulp = n.ulp;
        let mut round = n.round;
        let mut last_big = f64::INFINITY;
        let mut any = false;
        while let Some(s) = self.scale_at(j, true) {
            if s == 1e2 {
                // "322 hundred" is fine as a first scale; "300 hundred" after
                // another part is not
                if (group >= 100.0 && any) || group == 0.0 {
                    break;
                }
                group *= 100.0;
                ulp *= 100.0;
            } else {
                if s >= last_big {
                    break;
                }
                total += group * s;
                ulp *= s;
                group = 0.0;
                last_big = s;
            }
            any = true;
            j += 1;
            n.scale = n.scale.max(s);
            // a smaller part after the scale: "4 thousand 3 hundred and 21",
            // "3 hundred and one"
            let and = self.low(j).as_str() == "and";
            let k = if and { j + 1 } else { j };
            if let Some((v, end)) = self.small_part(k, s, and) {
                n.head = self.span(n.start, end);
                if s == 1e2 {
                    group += v;
                } else {
                    group = v;
                }
                ulp = 1.0;
                round = false;
                j = end;
            }
        }
        if !any {
            return;
        }
        let mut value = total + group;
        if let Some((f, end)) = self.and_a_fraction(j) {
            value += f * n.scale;
            j = end;
        }
        n.value = value;
        n.ulp = if round {
            place_of_last_nonzero(value)
        } else {
            ulp
        };
        n.round = round;
        n.form = Form::Mixed;
        n.end = j;
        n.span = self.span(n.start, j);
    }

    /// A part smaller than `limit` at `k` that continues a number: plain
    /// digits or words, followed by a smaller scale or nothing.
    fn small_part(&self, k: usize, limit: f64, and: bool) -> Option<(f64, usize)> {
        let tok = self.toks.get(k)?;
        if !tok.space_before() {
            return None;
        }
        let (v, end) = if tok.kind == TokenKind::Number {
            let s = tok.text(self.text);
            if !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            (s.parse::<f64>().ok()?, k + 1)
        } else {
            // words after digits only with "and": "3 hundred and one"
            if !and {
                return None;
            }
            let w = self.low(k);
            let v = unit_word(w.as_str()).or_else(|| tens_word(w.as_str()))?;
            let n = self.words_at(k)?;
            if n.scale >= limit || n.value != n.value.trunc() || n.value < v {
                return None;
            }
            (n.value, n.end)
        };
        if v <= 0.0 || v >= limit {
            return None;
        }
        match self.scale_at(end, true) {
            Some(ns) if ns < limit => Some((v, end)),
            Some(_) => None,
            None => Some((v, end)),
        }
    }

    /// "and a half", "and a quarter", "and three quarters", "and two
    /// thirds" at `j`: the fraction value and the end token.
    fn and_a_fraction(&self, j: usize) -> Option<(f64, usize)> {
        if self.low(j).as_str() != "and" {
            return None;
        }
        let k = j + 1;
        let w = self.low(k);
        // "and a half", "and three quarters", "and fifty-four hundredths"
        let (num, after) = match w.as_str() {
            "a" | "an" | "one" => (1.0, k + 1),
            x if unit_word(x).is_some_and(|v| v >= 1.0) => (unit_word(x).unwrap_or(1.0), k + 1),
            x if tens_word(x).is_some() => {
                let t = tens_word(x).unwrap_or(0.0);
                match unit_word(self.low(k + 2).as_str()) {
                    Some(u) if self.is_hyphen(k + 1) && (1.0..10.0).contains(&u) => (t + u, k + 3),
                    _ => (t, k + 1),
                }
            }
            _ => return None,
        };
        let dw = self.low(after);
        let den = fraction_word(dw.as_str())?;
        if den > 100.0 || (num > 1.0 && !dw.as_str().ends_with('s')) {
            return None;
        }
        Some((num / den, after + 1))
    }

    // -------------------------------------------------------------- words

    fn words_at(&self, i: usize) -> Option<Num> {
        let first = self.low(i);
        let f = first.as_str();
        // "which one", "that one", "no one": a pronoun, not a count
        if f == "one"
            && i > 0
            && self.is_word(i - 1)
            && matches!(
                self.low(i - 1).as_str(),
                "the"
                    | "this"
                    | "that"
                    | "which"
                    | "each"
                    | "any"
                    | "every"
                    | "no"
                    | "some"
                    | "another"
                    | "someone"
                    | "anyone"
                    | "everyone"
                    | "little"
                    | "only"
            )
            && !self.is_word_number_continuation(i + 1)
            && !self.toks.get(i + 1).is_some_and(|t| {
                t.kind == TokenKind::Word && super::units::unit_word(t.text(self.text)).is_some()
            })
        {
            return None;
        }
        if let Some(n) = self.vague_at(i, f) {
            return Some(n);
        }
        // "half a million", "quarter million", "half a dozen", "half of"
        if matches!(f, "half" | "quarter") {
            return self.bare_fraction_at(i, f);
        }
        // a leading article counts as one before a scale, "dozen" or a
        // denominator: "a dozen", "a hundred", "a third", "a half"
        let mut j = i;
        let mut article = false;
        if matches!(f, "a" | "an") {
            let next = self.low(i + 1);
            let ns = next.as_str();
            let ok = ns == "dozen"
                || scale_word(ns).is_some_and(|s| s >= 100.0)
                || (fraction_word(ns).is_some() && ns != "second" && !ns.ends_with('s'));
            if !ok {
                return None;
            }
            article = true;
            j = i + 1;
        }
        let mut total = 0.0f64;
        let mut group = 0.0f64;
        let mut last_big = f64::INFINITY;
        let mut state = if article { Last::Article } else { Last::Start };
        let mut end = j;
        let mut scale_max = 1.0f64;
        let mut k = j;
        while self.is_word(k) || self.is_hyphen(k) {
            let w = self.low(k);
            let ws = w.as_str();
            if self.is_hyphen(k) {
                // inside a word only: "twenty-eight", spaced "fifty - two"
                let next_unit =
                    unit_word(self.low(k + 1).as_str()).is_some_and(|u| (1.0..10.0).contains(&u));
                if state == Last::Tens && next_unit {
                    k += 1;
                    continue;
                }
                break;
            }
            if let Some(u) = unit_word(ws) {
                let ok = match state {
                    Last::Start | Last::Hundred | Last::Big | Last::And => true,
                    Last::Tens => (1.0..10.0).contains(&u),
                    _ => false,
                };
                if !ok {
                    break;
                }
                group += u;
                state = if u >= 10.0 { Last::Teen } else { Last::Unit };
            } else if let Some(t) = tens_word(ws) {
                if !matches!(state, Last::Start | Last::Hundred | Last::Big | Last::And) {
                    break;
                }
                group += t;
                state = Last::Tens;
            } else if ws == "hundred" {
                if state == Last::Article {
                    group = 1.0;
                }
                if group <= 0.0
                    || group >= 100.0
                    || !matches!(state, Last::Unit | Last::Teen | Last::Tens | Last::Article)
                {
                    break;
                }
                group *= 100.0;
                state = Last::Hundred;
                scale_max = scale_max.max(100.0);
            } else if let Some(s) = scale_word(ws).filter(|s| *s > 100.0) {
                if state == Last::Article {
                    group = 1.0;
                }
                if state == Last::And || state == Last::Start {
                    break;
                }
                if group == 0.0 && total > 0.0 && s > last_big {
                    // "three lakh crore"
                    total *= s;
                } else if group == 0.0 {
                    break;
                } else if s < last_big {
                    total += group * s;
                } else {
                    total = (total + group) * s;
                }
                group = 0.0;
                last_big = s;
                state = Last::Big;
                scale_max = scale_max.max(s);
            } else if ws == "and" {
                let nx = self.low(k + 1);
                let joins = matches!(state, Last::Hundred | Last::Big)
                    && (unit_word(nx.as_str()).is_some() || tens_word(nx.as_str()).is_some())
                    && !self.fraction_follows(k + 1, state == Last::Big);
                if !joins {
                    break;
                }
                state = Last::And;
                k += 1;
                continue;
            } else {
                break;
            }
            k += 1;
            end = k;
        }
        if state == Last::And {
            // never end on "and"
            return None;
        }
        let mut value = total + group;
        let mut n_end = end;
        let mut ordinal = false;
        let mut exact_fraction = false;
        let mut decimals: Option<f64> = None;
        let numerator_ok = value > 0.0 && value < 1e12;
        // a fraction: "two thirds", "one-eighth", "a half", "three quarters"
        let after = if self.is_hyphen(end) && self.is_word(end + 1) {
            end + 1
        } else {
            end
        };
        let den_word = self.low(after);
        let den = fraction_word(den_word.as_str());
        if (numerator_ok || state == Last::Article)
            && let Some(den) = den
            && !(den == 2.0 && value > 1.0)
            && (den_word.as_str().ends_with('s') || value <= 1.0 || state == Last::Article)
            && !(state == Last::Tens
                && ordinal_word(den_word.as_str()).is_some_and(|o| o < 10.0)
                && after != end)
        {
            if state == Last::Article {
                value = 1.0;
            }
            value /= den;
            n_end = after + 1;
            exact_fraction = true;
            if let Some((s, e)) = self.scale_after_fraction(n_end) {
                value *= s;
                n_end = e;
                scale_max = scale_max.max(s);
            }
        } else if state == Last::Tens
            && after != end
            && let Some(o) = ordinal_word(den_word.as_str()).filter(|o| *o < 10.0)
        {
            // "twenty-first"
            value += o;
            n_end = after + 1;
            ordinal = true;
        }
        if state == Last::Article && !exact_fraction {
            if self.low(j).as_str() != "dozen" {
                return None;
            }
            value = 1.0;
        }
        if !exact_fraction && !ordinal {
            // "one and a half", "one million and a half", "five and a quarter"
            if let Some((fv, e)) = self.and_a_fraction(n_end) {
                let mult = if scale_max > 100.0 { scale_max } else { 1.0 };
                value += fv * mult;
                n_end = e;
                exact_fraction = mult == 1.0;
                // "one and a half billion", "one and a half-billion"
                let s_at = if self.is_hyphen(n_end) {
                    n_end + 1
                } else {
                    n_end
                };
                if mult == 1.0
                    && let Some(s) = scale_word(self.low(s_at).as_str()).filter(|s| *s > 100.0)
                {
                    value *= s;
                    scale_max = s;
                    n_end = s_at + 1;
                    exact_fraction = false;
                    decimals = Some(s / 10.0);
                } else if mult > 1.0 {
                    decimals = Some(mult / 10.0);
                }
            }
        }
        // "a dozen", "three dozens", "half a dozen"
        if matches!(
            self.low(n_end).as_str(),
            "dozen" | "dozens" | "dzs" | "doz" | "dozs"
        ) && !ordinal
        {
            value *= 12.0;
            n_end += 1;
            exact_fraction = false;
        }
        // "point zero three", "point seventy-one"
        if !exact_fraction
            && !ordinal
            && scale_max < 1000.0
            && self.low(n_end).as_str() == "point"
            && let Some((dec, digits, e)) = self.point_decimals(n_end + 1)
        {
            value += dec;
            decimals = Some(10f64.powi(-(digits as i32)));
            n_end = e;
        }
        let zero_word = matches!(self.low(i).as_str(), "zero" | "nought" | "naught" | "nil");
        if value == 0.0 && !zero_word {
            return None;
        }
        let mut n = Num::point(i, n_end, self.span(i, n_end), value, 1.0, Form::Words);
        n.scale = scale_max;
        n.ordinal = ordinal;
        // "two million", "one and a half-billion": the words before the
        // scale are the number proper
        if scale_max > 100.0 && n_end >= i + 2 {
            let last = self.low(n_end - 1);
            if scale_word(last.as_str()) == Some(scale_max) {
                let mut h = n_end - 1;
                if self.is_hyphen(h - 1) && h - 1 > i {
                    h -= 1;
                }
                if h > i {
                    n.head = self.span(i, h);
                }
            }
        }

        if exact_fraction {
            n.ulp = 0.0;
        } else if let Some(d) = decimals {
            n.ulp = d;
        } else if matches!(state, Last::Unit | Last::Teen) && scale_max == 1.0 {
            n.ulp = 1.0;
        } else {
            n.round = trailing_zero_int(value);
            n.ulp = place_of_last_nonzero(value);
        }
        Some(n)
    }

    /// Does the word at `k` continue a written number ("hundred", "and a
    /// half", "-eighth")?
    fn is_word_number_continuation(&self, k: usize) -> bool {
        let w = self.low(k);
        let ws = w.as_str();
        scale_word(ws).is_some() || ws == "and" || self.is_hyphen(k) || fraction_word(ws).is_some()
    }

    /// Does a fraction ("three quarters", "two thirds") start at `k`?
    fn fraction_follows(&self, k: usize, after_scale: bool) -> bool {
        let mut j = k;
        while self.is_word(j) || self.is_hyphen(j) {
            let w = self.low(j);
            let ws = w.as_str();
            if unit_word(ws).is_some() || tens_word(ws).is_some() || self.is_hyphen(j) {
                j += 1;
                continue;
            }
            // "and three quarters", "and two thirds" add a common fraction,
            // and after a scale any fraction is of the scale ("two million
            // and three fifths"); "one hundred and thirty fifths" continues
            // the numerator
            return matches!(
                ws,
                "half" | "halves" | "quarter" | "quarters" | "third" | "thirds"
            ) || (after_scale && fraction_word(ws).is_some());
        }
        false
    }

    /// "hundreds", "tens of thousands", "dozens", "a few", "several".
    fn vague_at(&self, i: usize, f: &str) -> Option<Num> {
        if let Some(v) = vague_plural(f) {
            let (mut lo, mut hi) = if f == "dozens" {
                (24.0, 144.0)
            } else {
                (v * 2.0, v * 10.0)
            };
            let mut j = i + 1;
            if self.low(j).as_str() == "of"
                && let Some(v2) = vague_plural(self.low(j + 1).as_str())
                && v2 > v
            {
                lo *= v2;
                hi *= v2;
                j += 2;
            }
            if f == "tens" && j == i + 1 {
                return None;
            }
            // "millions and millions"
            if self.low(j).as_str() == "and" && self.low(j + 1).as_str() == f {
                j += 2;
                hi *= 10.0;
            }
            let mut n = Num::point(i, j, self.span(i, j), lo, v, Form::Words);
            n.vague = Some((lo, hi));
            return Some(n);
        }
        let (lo, hi, j) = match f {
            "a" if self.low(i + 1).as_str() == "few" => (2.0, 5.0, i + 2),
            "a" if self.low(i + 1).as_str() == "couple" => (2.0, 3.0, i + 2),
            "few" => (2.0, 5.0, i + 1),
            "several" => (3.0, 9.0, i + 1),
            _ => return None,
        };
        // "a few hundred", "several thousand"
        let (lo, hi, j) = match scale_word(self.low(j).as_str()) {
            Some(s) => (lo * s, hi * s, j + 1),
            None => (lo, hi, j),
        };
        let mut n = Num::point(i, j, self.span(i, j), lo, 1.0, Form::Words);
        n.vague = Some((lo, hi));
        Some(n)
    }

    /// "half a million", "quarter million", "half a dozen", "half" after a
    /// comparison ("more than half").
    fn bare_fraction_at(&self, i: usize, f: &str) -> Option<Num> {
        let v = if f == "half" { 0.5 } else { 0.25 };
        let mut j = i + 1;
        let mut value = v;
        let mut scale = 1.0;
        let next = self.low(j);
        if let Some(s) = scale_word(next.as_str()).filter(|s| *s > 100.0) {
            value *= s;
            scale = s;
            j += 1;
        } else if next.as_str() == "a" && self.low(j + 1).as_str() == "dozen" {
            value *= 12.0;
            j += 2;
        } else if next.as_str() == "a"
            && let Some(s) = scale_word(self.low(j + 1).as_str()).filter(|s| *s > 100.0)
        {
            value *= s;
            scale = s;
            j += 2;
        } else if f == "half" {
            // "more than half", "half of the": a share
            let prev = if i > 0 { self.low(i - 1) } else { Low("") };
            let comparative = matches!(
                prev.as_str(),
                "than" | "over" | "about" | "nearly" | "almost" | "roughly"
            );
            if !(comparative || next.as_str() == "of") || self.is_hyphen(i + 1) {
                return None;
            }
        } else {
            return None;
        }
        if i > 0
            && matches!(self.low(i - 1).as_str(), "a" | "and" | "one")
            && scale == 1.0
            && value < 1.0
        {
            return None;
        }
        let mut n = Num::point(i, j, self.span(i, j), value, 0.0, Form::Words);
        n.scale = scale;
        if scale > 1.0 {
            n.ulp = scale / 10.0;
        }
        Some(n)
    }

    fn scale_after_fraction(&self, j: usize) -> Option<(f64, usize)> {
        let w = self.low(j);
        if let Some(s) = scale_word(w.as_str()).filter(|s| *s > 100.0) {
            return Some((s, j + 1));
        }
        if w.as_str() == "of"
            && matches!(self.low(j + 1).as_str(), "a" | "one")
            && let Some(s) = scale_word(self.low(j + 2).as_str()).filter(|s| *s > 100.0)
        {
            return Some((s, j + 3));
        }
        None
    }

    /// Decimal digits after "point": "zero three" → (0.03, 2), "seventy-one"
    /// → (0.71, 2), "five" → (0.5, 1).
    fn point_decimals(&self, j: usize) -> Option<(f64, usize, usize)> {
        let mut digits = String::new();
        let mut k = j;
        loop {
            let w = self.low(k);
            let ws = w.as_str();
            if let Some(u) = unit_word(ws).filter(|u| *u < 10.0) {
                digits.push(char::from(b'0' + u as u8));
                k += 1;
            } else if let Some(t) = tens_word(ws) {
                let mut v = t as u32;
                k += 1;
                if self.is_hyphen(k)
                    && let Some(u) =
                        unit_word(self.low(k + 1).as_str()).filter(|u| *u < 10.0 && *u > 0.0)
                {
                    v += u as u32;
                    k += 2;
                } else if let Some(u) =
                    unit_word(self.low(k).as_str()).filter(|u| *u < 10.0 && *u > 0.0)
                {
                    v += u as u32;
                    k += 1;
                }
                digits.push_str(&v.to_string());
            } else if let Some(u) = unit_word(ws).filter(|u| *u >= 10.0) {
                digits.push_str(&(u as u32).to_string());
                k += 1;
            } else if self.is_num(k)
                && self.toks[k].space_before()
                && self.t(k).bytes().all(|b| b.is_ascii_digit())
            {
                digits.push_str(self.t(k));
                k += 1;
                break;
            } else {
                break;
            }
        }
        if digits.is_empty() {
            return None;
        }
        let v: f64 = format!("0.{digits}").parse().ok()?;
        Some((v, digits.len(), k))
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Last {
    Start,
    Article,
    Unit,
    Teen,
    Tens,
    Hundred,
    Big,
    And,
}

/// Every number in `text`, in order: the number layer on its own, for
/// tools and tests.
pub fn numbers(text: &str) -> Vec<Num> {
    let toks = crate::analysis::tokens::tokenize(text);
    let sc = Scanner::new(text, &toks);
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        let ns = sc.signed_numbers_at(i);
        match ns.iter().map(|n| n.end).max() {
            Some(end) if end > i => {
                i = end;
                out.extend(ns);
            }
            _ => i += 1,
        }
    }
    out
}

/// Split a run of digits with `,` and `.` into numbers: one number
/// ("1,234,567.89", "5.7", "12,34,567", "1.111,11", "5.000") or a list
/// ("22,24,26", "192.168.1.2"). Returns (start, end, value, ulp) with byte
/// offsets into `body`.
pub fn split_digit_body(body: &str) -> Vec<(usize, usize, f64, f64)> {
    let b = body.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() {
        return Vec::new();
    }
    let seps: Vec<(usize, u8)> = b
        .iter()
        .enumerate()
        .filter(|(_, c)| **c == b',' || **c == b'.')
        .map(|(i, c)| (i, *c))
        .collect();
    let plain = |s: &str| -> f64 { s.parse::<f64>().unwrap_or(f64::NAN) };
    if seps.is_empty() {
        let v = plain(body);
        return if v.is_finite() {
            vec![(0, body.len(), v, 1.0)]
        } else {
            Vec::new()
        };
    }
    // groups between separators
    let mut groups: Vec<&str> = Vec::new();
    let mut last = 0;
    for &(i, _) in &seps {
        groups.push(&body[last..i]);
        last = i + 1;
    }
    groups.push(&body[last..]);
    let commas = seps.iter().filter(|s| s.1 == b',').count();
    let dots = seps.len() - commas;
    let decimal_ulp = |frac: &str| 10f64.powi(-(frac.len() as i32));
    let three = |g: &&str| g.len() == 3;
    let lead_ok = groups[0].len() <= 3;
    let as_list = || -> Vec<(usize, usize, f64, f64)> {
        let mut out = Vec::new();
        let mut at = 0;
        for g in &groups {
            let v = plain(g);
            if v.is_finite() {
                out.push((at, at + g.len(), v, 1.0));
            }
            at += g.len() + 1;
        }
        out
    };
    let one = |v: f64, ulp: f64| vec![(0, body.len(), v, ulp)];
    if commas > 0 && dots > 0 {
        // the last separator is the decimal mark
        let (last_i, last_c) = *seps.last().unwrap();
        let grouping = if last_c == b'.' { b',' } else { b'.' };
        if seps[..seps.len() - 1].iter().any(|s| s.1 != grouping) {
            return as_list();
        }
        let int: String = body[..last_i]
            .chars()
            .filter(|c| c.is_ascii_digit())
            .collect();
        let frac = &body[last_i + 1..];
        let int_groups = &groups[..groups.len() - 1];
        let indian = int_groups.len() >= 2
            && int_groups[int_groups.len() - 1].len() == 3
            && int_groups[1..int_groups.len() - 1]
                .iter()
                .all(|g| g.len() == 2);
        let western = lead_ok && int_groups[1..].iter().all(three);
        if !western && !indian {
            return as_list();
        }
        let v = plain(&format!("{int}.{frac}"));
        return one(v, decimal_ulp(frac));
    }
    if commas > 0 {
        let rest = &groups[1..];
        if lead_ok && rest.iter().all(three) {
            let v = plain(&groups.concat());
            return one(v, 1.0);
        }
        // Indian grouping 12,34,567
        if groups.len() >= 3
            && groups[groups.len() - 1].len() == 3
            && groups[1..groups.len() - 1].iter().all(|g| g.len() == 2)
            && groups[0].len() <= 2
        {
            return one(plain(&groups.concat()), 1.0);
        }
        if commas == 1 {
            // a decimal comma: "1,3", "5,00"
            let v = plain(&format!("{}.{}", groups[0], groups[1]));
            return one(v, decimal_ulp(groups[1]));
        }
        return as_list();
    }
    // dots only
    if dots == 1 {
        let frac = groups[1];
        // "5.000 injured": a dot before exactly three zeros is a thousands
        // separator in the many languages that write it so; nobody states a
        // decimal to three zero places in running prose.
        if frac == "000" && lead_ok && groups[0] != "0" {
            return one(plain(&groups.concat()), 1000.0);
        }
        let v = plain(body);
        return one(v, decimal_ulp(frac));
    }
    if lead_ok && groups[1..].iter().all(three) {
        // 1.234.567
        return one(plain(&groups.concat()), 1.0);
    }
    as_list()
}

fn trailing_zero_int(v: f64) -> bool {
    v.fract() == 0.0 && v >= 10.0 && (v % 10.0) == 0.0
}

/// Place value of the last non-zero digit of an integer: 2000 → 1000,
/// 1200 → 100, 135 → 1.
pub fn place_of_last_nonzero(v: f64) -> f64 {
    if v == 0.0 || v.fract() != 0.0 || !v.is_finite() {
        return 1.0;
    }
    let mut p = 1.0;
    let mut x = v.abs();
    while x >= 10.0 && (x % 10.0) == 0.0 {
        x /= 10.0;
        p *= 10.0;
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tokens::tokenize;

    fn nums(text: &str) -> Vec<(String, f64)> {
        let toks = tokenize(text);
        let sc = Scanner::new(text, &toks);
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let ns = sc.numbers_at(i);
            if ns.is_empty() {
                i += 1;
                continue;
            }
            i = ns.iter().map(|n| n.end).max().unwrap();
            for n in ns {
                out.push((n.span.of(text).to_string(), n.value));
            }
        }
        out
    }

    fn one(text: &str) -> f64 {
        let v = nums(text);
        assert_eq!(v.len(), 1, "{text}: {v:?}");
        assert_eq!(v[0].0, text.trim(), "{text}");
        v[0].1
    }

    #[test]
    fn digits() {
        assert_eq!(one("2,000"), 2000.0);
        assert_eq!(one("5.7"), 5.7);
        assert_eq!(one("1,234,567.89"), 1234567.89);
        assert_eq!(one("12,34,567"), 1234567.0);
        assert_eq!(one("1,3"), 1.3);
        assert_eq!(one("5.000"), 5000.0);
        assert_eq!(one("4.800"), 4.8);
        assert_eq!(one("1 234 567"), 1234567.0);
        assert_eq!(one("8bn"), 8e9);
        assert_eq!(one("10k"), 1e4);
        assert_eq!(one("2.33 k"), 2330.0);
        assert_eq!(one("10M"), 1e7);
        assert_eq!(one(".08"), 0.08);
        assert_eq!(one("3/4"), 0.75);
        assert_eq!(one("2 1/4"), 2.25);
        assert_eq!(
            nums("22,24,26,31"),
            vec![
                ("22".into(), 22.0),
                ("24".into(), 24.0),
                ("26".into(), 26.0),
                ("31".into(), 31.0)
            ]
        );
        assert_eq!(nums("192.168.1.2").len(), 4);
        // 9/11 is an event, not a fraction
        assert_eq!(nums("9/11").len(), 2);
    }

    #[test]
    fn mixed() {
        assert_eq!(one("25 million"), 25e6);
        assert_eq!(one("1.4 billion"), 1.4e9);
        assert_eq!(one("1,674.5 million"), 1674.5e6);
        assert_eq!(one("3 hundred and 21"), 321.0);
        assert_eq!(one("4 thousand 3 hundred and 21"), 4321.0);
        assert_eq!(one("322 hundred"), 32200.0);
        assert_eq!(one("13 lakh"), 1.3e6);
        assert_eq!(one("3 million and a half"), 3.5e6);
        assert_eq!(one("3 dozens").round(), 36.0);
    }

    #[test]
    fn words() {
        assert_eq!(one("twenty-eight"), 28.0);
        assert_eq!(one("fifty - two"), 52.0);
        assert_eq!(one("one hundred and sixty-one"), 161.0);
        assert_eq!(one("two hundred and two thousand"), 202000.0);
        assert_eq!(one("twenty-one trillion and three hundred"), 21e12 + 300.0);
        assert_eq!(one("a dozen"), 12.0);
        assert_eq!(one("half a dozen"), 6.0);
        assert_eq!(one("three dozens"), 36.0);
        assert_eq!(one("one and a half"), 1.5);
        assert_eq!(one("two thirds"), 2.0 / 3.0);
        assert_eq!(one("a third"), 1.0 / 3.0);
        assert_eq!(one("three quarters"), 0.75);
        assert_eq!(one("one-eighth"), 0.125);
        assert_eq!(one("two hundred point zero three"), 200.03);
        assert_eq!(one("one and a half billion"), 1.5e9);
        assert_eq!(one("three lakh crore"), 3e12);
        assert!(nums("Which one do you prefer").len() <= 1);
        assert!(nums("a").is_empty());
    }

    #[test]
    fn precision() {
        let toks = tokenize("2,000 5.70 25 million thirty");
        let sc = Scanner::new("2,000 5.70 25 million thirty", &toks);
        let a = &sc.numbers_at(0)[0];
        assert!(a.round && a.ulp == 1000.0);
        let b = &sc.numbers_at(1)[0];
        assert!(!b.round && (b.ulp - 0.01).abs() < 1e-12);
        let c = &sc.numbers_at(2)[0];
        assert_eq!(c.ulp, 1e6);
        let d = &sc.numbers_at(4)[0];
        assert!(d.round && d.ulp == 10.0);
    }

    #[test]
    fn vague() {
        let text = "hundreds of people and tens of thousands more";
        let toks = tokenize(text);
        let sc = Scanner::new(text, &toks);
        assert_eq!(sc.numbers_at(0)[0].vague, Some((200.0, 1000.0)));
        let n = &sc.numbers_at(4)[0];
        assert_eq!(n.vague, Some((20000.0, 100000.0)));
    }
}
