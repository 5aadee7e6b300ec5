//! Dates: the article's own date, for ordering occurrences of a claim, and
//! the date expressions the figures module compares ("December 6, 2024",
//! "9 May 2025", "May 9", "October 2000", "2020-09-14", "2024–2026",
//! "the 1970s").
//!
//! A date expression may leave out the year ("20 December") or the day
//! ("October 2000"); it is kept partial rather than guessed. Comparisons
//! happen on day numbers ([`days_from_civil`]): a year covers all its days,
//! so "December 25, 1998" agrees with "1998" and not with "1997".

use std::fmt;

use super::figures::numbers::lower;
use super::span::Span;
use super::tokens::{Token, TokenKind, tokenize};

/// A calendar date; `year`, `month` and `day` may each be unknown, but an
/// article date always has at least a month or a year.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Date {
    pub year: Option<i32>,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl Date {
    pub fn ymd(year: i32, month: u8, day: u8) -> Date {
        Date {
            year: Some(year),
            month: Some(month),
            day: Some(day),
        }
    }

    /// First and last day number this date covers, when it has a year.
    pub fn day_range(self) -> Option<(i64, i64)> {
        let y = self.year?;
        Some(match (self.month, self.day) {
            (Some(m), Some(d)) => {
                let n = days_from_civil(y, m, d);
                (n, n)
            }
            (Some(m), None) => (
                days_from_civil(y, m, 1),
                days_from_civil(y, m, days_in_month(y, m)),
            ),
            _ => (days_from_civil(y, 1, 1), days_from_civil(y, 12, 31)),
        })
    }
}

/// The English name of month `m` (1 = January), if it is one.
pub fn month_name(m: u8) -> Option<&'static str> {
    MONTHS.get(m.wrapping_sub(1) as usize).copied()
}

impl fmt::Display for Date {
    /// ISO when complete ("2020-09-14"), else words ("20 December",
    /// "October 2000", "2020").
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let month = self.month.and_then(month_name);
        match (self.year, month, self.day) {
            (Some(y), Some(_), Some(d)) => {
                write!(f, "{y:04}-{:02}-{d:02}", self.month.unwrap_or(1))
            }
            (None, Some(m), Some(d)) => write!(f, "{d} {m}"),
            (Some(y), Some(m), None) => write!(f, "{m} {y}"),
            (None, Some(m), None) => write!(f, "{m}"),
            (Some(y), None, _) => write!(f, "{y}"),
            (None, None, _) => write!(f, "unknown date"),
        }
    }
}

/// A date written as `YYYY-MM-DD` (or with `_`) in a file's name, else in
/// its folder's, as archives name articles and event folders
/// ("2020-08-04-beirut-port-explosion/b92.txt",
/// "2019/01/2019-01-15-talks.txt"). Folders further up are not read: they
/// name where a corpus is kept ("backup-2021-06-16/"), not when its
/// articles were written.
pub fn path_date(path: &std::path::Path) -> Option<Date> {
    let in_name = |n: &std::ffi::OsStr| date_in(&n.to_string_lossy());
    path.file_name()
        .and_then(in_name)
        .or_else(|| path.parent()?.file_name().and_then(in_name))
}

/// The last `YYYY-MM-DD` (or `YYYY_MM_DD`) in `name`; digits around it make
/// it something else (an id).
fn date_in(name: &str) -> Option<Date> {
    let b = name.as_bytes();
    let digits = |i: usize, n: usize| -> Option<u32> {
        let s = b.get(i..i + n)?;
        s.iter()
            .all(u8::is_ascii_digit)
            .then(|| s.iter().fold(0, |v, d| v * 10 + u32::from(d - b'0')))
    };
    (0..b.len().saturating_sub(9)).rev().find_map(|i| {
        let sep = b[i + 4];
        if !matches!(sep, b'-' | b'_')
            || b[i + 7] != sep
            || (i > 0 && b[i - 1].is_ascii_digit())
            || b.get(i + 10).is_some_and(u8::is_ascii_digit)
        {
            return None;
        }
        let (y, m, d) = (digits(i, 4)?, digits(i + 5, 2)?, digits(i + 8, 2)?);
        let (y, m, d) = (
            i32::try_from(y).ok()?,
            u8::try_from(m).ok()?,
            u8::try_from(d).ok()?,
        );
        ((1800..=2200).contains(&y)
            && (1..=12).contains(&m)
            && (1..=days_in_month(y, m)).contains(&d))
        .then(|| Date::ymd(y, m, d))
    })
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
/// algorithm).
pub fn days_from_civil(y: i32, m: u8, d: u8) -> i64 {
    let y = i64::from(y) - i64::from(m <= 2);
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = i64::from(m);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub fn days_in_month(y: i32, m: u8) -> u8 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Month number of a month name or abbreviation ("Sept", "Dec"). `May`
/// only capitalised: lower-case "may" is the verb.
pub fn month_word(w: &str) -> Option<u8> {
    if w.is_empty() || !w.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let l = lower(w);
    Some(match l.as_str() {
        "january" | "jan" => 1,
        "february" | "feb" => 2,
        "march" | "mar" => 3,
        "april" | "apr" => 4,
        "may" => 5,
        "june" | "jun" => 6,
        "july" | "jul" => 7,
        "august" | "aug" => 8,
        "september" | "sep" | "sept" => 9,
        "october" | "oct" => 10,
        "november" | "nov" => 11,
        "december" | "dec" => 12,
        _ => return None,
    })
}

pub fn weekday_word(w: &str) -> bool {
    let l = lower(w);
    matches!(
        l.as_str(),
        "monday"
            | "tuesday"
            | "wednesday"
            | "thursday"
            | "friday"
            | "saturday"
            | "sunday"
            | "mon"
            | "tue"
            | "tues"
            | "wed"
            | "thu"
            | "thurs"
            | "fri"
            | "sat"
            | "sun"
    )
}

/// A plausible calendar year written as four digits.
pub fn year_value(s: &str) -> Option<i32> {
    if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let y: i32 = s.parse().ok()?;
    (1000..=2199).contains(&y).then_some(y)
}

/// A date expression found in the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DateMatch {
    /// Token range.
    pub start: usize,
    pub end: usize,
    pub span: Span,
    pub date: Date,
    /// For periods ("2024–2026", "the 1970s"): the last date covered.
    pub until: Option<Date>,
}

impl DateMatch {
    /// Day numbers covered, when the year is known.
    pub fn day_range(&self) -> Option<(i64, i64)> {
        let (a, b) = self.date.day_range()?;
        match self.until {
            Some(u) => Some((a, u.day_range()?.1.max(b))),
            None => Some((a, b)),
        }
    }
}

/// Reads date expressions from the shared token stream.
pub struct DateScanner<'a> {
    text: &'a str,
    toks: &'a [Token],
}

impl<'a> DateScanner<'a> {
    pub fn new(text: &'a str, toks: &'a [Token]) -> DateScanner<'a> {
        DateScanner { text, toks }
    }

    fn t(&self, i: usize) -> &'a str {
        self.toks.get(i).map(|t| t.text(self.text)).unwrap_or("")
    }

    fn span(&self, a: usize, b: usize) -> Span {
        Span::new(
            self.toks[a].span.start as usize,
            self.toks[b - 1].span.end as usize,
        )
    }

    /// Day of month at `i` ("9", "14th"), with the token after it.
    fn day_at(&self, i: usize) -> Option<(u8, usize)> {
        let t = self.toks.get(i)?;
        if t.kind != TokenKind::Number {
            return None;
        }
        let s = t.text(self.text);
        let digits = s.trim_end_matches(|c: char| c.is_ascii_alphabetic());
        let suffix = &s[digits.len()..];
        if !(suffix.is_empty() || matches!(suffix, "st" | "nd" | "rd" | "th")) {
            return None;
        }
        if digits.is_empty() || digits.len() > 2 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let d: u8 = digits.parse().ok()?;
        (1..=31).contains(&d).then_some((d, i + 1))
    }

    /// A month name at `i`, skipping an abbreviation's full stop.
    fn month_at(&self, i: usize) -> Option<(u8, usize)> {
        let t = self.toks.get(i)?;
        if t.kind != TokenKind::Word {
            return None;
        }
        let s = t.text(self.text);
        let m = month_word(s)?;
        // short forms need a day or year next to them to count: "Mar" and
        // "Jan" are also names
        let mut end = i + 1;
        if s.len() <= 4 && self.t(end) == "." && !self.toks[end].space_before() {
            end += 1;
        }
        Some((m, end))
    }

    fn year_at(&self, i: usize) -> Option<(i32, usize)> {
        let t = self.toks.get(i)?;
        if t.kind != TokenKind::Number {
            return None;
        }
        Some((year_value(t.text(self.text))?, i + 1))
    }

    /// A full or partial date starting at token `i`: "December 6, 2024",
    /// "May 9", "9 May 2025", "14th of September, 2020", "October 2000",
    /// "2020-09-14". Bare years are not read here (see [`Self::year_at`]):
    /// whether "2000" is a year depends on what follows it.
    pub fn date_at(&self, i: usize) -> Option<DateMatch> {
        // ISO: 2020-09-14
        if let Some((y, j)) = self.year_at(i)
            && self.t(j) == "-"
            && !self.toks.get(j + 1).is_none_or(|t| t.space_before())
            && let Some(m) = self.two_digits(j + 1).filter(|m| (1..=12).contains(m))
            && self.t(j + 2) == "-"
            && let Some(d) = self.two_digits(j + 3).filter(|d| (1..=31).contains(d))
            && !self.toks[j + 2].space_before()
        {
            let date = Date::ymd(y, m, d.min(days_in_month(y, m)));
            return Some(self.mk(i, j + 4, date));
        }
        // Month Day[, Year] | Month Year
        if let Some((m, j)) = self.month_at(i) {
            if let Some((d, k)) = self.day_at(j)
                && !self.t(k).starts_with(':')
            {
                // "May 9, 2025", "May 9 2025", "Sept. 30"
                let k2 = if self.t(k) == "," { k + 1 } else { k };
                if let Some((y, e)) = self.year_at(k2) {
                    return Some(self.mk(i, e, self.valid(Some(y), m, Some(d))?));
                }
                return Some(self.mk(i, k, self.valid(None, m, Some(d))?));
            }
            // "October 2000", "in July, 2019"
            let k = if self.t(j) == "," { j + 1 } else { j };
            if let Some((y, e)) = self.year_at(k) {
                return Some(self.mk(
                    i,
                    e,
                    Date {
                        year: Some(y),
                        month: Some(m),
                        day: None,
                    },
                ));
            }
            return None;
        }
        // Day Month [Year]: "9 May 2025", "14th of September, 2020"
        if let Some((d, j)) = self.day_at(i) {
            let j2 = if lower(self.t(j)).as_str() == "of" {
                j + 1
            } else {
                j
            };
            if let Some((m, k)) = self.month_at(j2) {
                // "the 19 Sept. 11 hijackers": the month takes the day after it
                if self.day_at(k).is_some() && self.year_at(k).is_none() {
                    return None;
                }
                let k2 = if self.t(k) == "," { k + 1 } else { k };
                if let Some((y, e)) = self.year_at(k2) {
                    return Some(self.mk(i, e, self.valid(Some(y), m, Some(d))?));
                }
                return Some(self.mk(i, k, self.valid(None, m, Some(d))?));
            }
        }
        None
    }

    fn two_digits(&self, i: usize) -> Option<u8> {
        let s = self.t(i);
        if s.len() != 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    }

    fn valid(&self, y: Option<i32>, m: u8, d: Option<u8>) -> Option<Date> {
        if let Some(d) = d {
            let max = days_in_month(y.unwrap_or(2000), m);
            if d > max {
                return None;
            }
        }
        Some(Date {
            year: y,
            month: Some(m),
            day: d,
        })
    }

    fn mk(&self, a: usize, b: usize, date: Date) -> DateMatch {
        DateMatch {
            start: a,
            end: b,
            span: self.span(a, b),
            date,
            until: None,
        }
    }
}

// ------------------------------------------------------------ article date

/// The article's own date: a store stamp ("date 2020-09-14"), a
/// "Published …" line, a line that is only a date and perhaps a time
/// ("10:32, 20 December", "Sep 14, 2020", "By | September 14, 2020"), or a
/// dateline opening the first paragraph ("Beirut (Agency) August 5, 2020 –").
/// Only the head of the text is read: dates in the body are events, not the
/// article's date.
pub fn article_date(text: &str) -> Option<Date> {
    let head = &text[..head_limit(text)];
    article_date_in(head, &tokenize(head))
}

/// [`article_date`] over the text's tokens, made once for every analysis
/// (tokenizing the head again was 2% of analysing an article). A token
/// that the head's limit would cut is left out with what follows it.
pub fn article_date_in(text: &str, toks: &[Token]) -> Option<Date> {
    let head_end = head_limit(text);
    let head = &text[..head_end];
    let toks = &toks[..toks.partition_point(|t| t.span.end as usize <= head_end)];
    let sc = DateScanner::new(head, toks);
    let mut stamp = None;
    let mut published = None;
    let mut date_line = None;
    let mut dateline = None;
    let mut line_no = 0usize;
    let mut i = 0;
    while i < toks.len() {
        if toks[i].is_line_start() {
            line_no += 1;
        }
        let w = lower(sc.t(i));
        let ws = w.as_str();
        // "date 2020-09-14"
        if ws == "date"
            && stamp.is_none()
            && let Some(m) = sc.date_at(i + 1)
            && m.date.year.is_some()
        {
            stamp = Some(m.date);
        }
        if matches!(ws, "published" | "updated" | "posted") && published.is_none() {
            // the first date within a short distance
            for k in i + 1..(i + 12).min(toks.len()) {
                if let Some(m) = sc.date_at(k) {
                    published = Some(m.date);
                    break;
                }
            }
        }
        if let Some(m) = sc.date_at(i) {
            let (ls, le) = line_bounds(head, toks[i].span.start as usize);
            let line = &head[ls..le];
            let rest = line.len() - m.span.len();
            if date_line.is_none() && rest <= 24 && line_is_date_like(line, m.span, ls) {
                date_line = Some(m.date);
            }
            // dateline: within the first 80 bytes of a paragraph, followed by
            // a dash or colon
            let after = sc.t(m.end);
            if dateline.is_none()
                && (m.span.start as usize) - ls <= 80
                && matches!(after, "–" | "—" | "-" | ":")
                && line.len() > 80
                && m.date.year.is_some()
            {
                dateline = Some(m.date);
            }
            i = m.end;
            continue;
        }
        i += 1;
    }
    let _ = line_no;
    stamp.or(published).or(date_line).or(dateline)
}

/// The head of an article: its first 12 lines, at most 1,500 bytes.
fn head_limit(text: &str) -> usize {
    let mut lines = 0;
    let mut end = text.len().min(1500);
    for (i, b) in text.bytes().enumerate() {
        if i >= end {
            break;
        }
        if b == b'\n' {
            lines += 1;
            if lines >= 12 {
                end = i;
                break;
            }
        }
    }
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

fn line_bounds(text: &str, at: usize) -> (usize, usize) {
    let s = text[..at].rfind('\n').map(|p| p + 1).unwrap_or(0);
    let e = text[at..].find('\n').map(|p| at + p).unwrap_or(text.len());
    (s, e)
}

/// A line that holds a date and little else: times, bars, "By", weekday
/// names, a dash.
fn line_is_date_like(line: &str, date: Span, line_start: usize) -> bool {
    let a = date.start as usize - line_start;
    let b = (date.end as usize - line_start).min(line.len());
    let rest = format!("{} {}", &line[..a], &line[b..]);
    rest.split(|c: char| !c.is_alphanumeric() && c != ':')
        .filter(|w| !w.is_empty())
        .all(|w| {
            w.bytes().all(|c| c.is_ascii_digit() || c == b':')
                || weekday_word(w)
                || matches!(
                    lower(w).as_str(),
                    "by" | "on" | "at" | "am" | "pm" | "gmt" | "utc" | "published" | "updated"
                )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dates(text: &str) -> Vec<(String, Date)> {
        let toks = tokenize(text);
        let sc = DateScanner::new(text, &toks);
        let mut out = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            if let Some(m) = sc.date_at(i) {
                out.push((m.span.of(text).to_string(), m.date));
                i = m.end;
            } else {
                i += 1;
            }
        }
        out
    }

    #[test]
    fn expressions() {
        assert_eq!(
            dates("signed in Minsk on December 6, 2024, and on 9 May 2025"),
            vec![
                ("December 6, 2024".into(), Date::ymd(2024, 12, 6)),
                ("9 May 2025".into(), Date::ymd(2025, 5, 9))
            ]
        );
        let d = dates("in Moscow on May 9. In October 2000 and on the 14th of September, 2020");
        assert_eq!(
            d[0].1,
            Date {
                year: None,
                month: Some(5),
                day: Some(9)
            }
        );
        assert_eq!(
            d[1].1,
            Date {
                year: Some(2000),
                month: Some(10),
                day: None
            }
        );
        assert_eq!(d[2].1, Date::ymd(2020, 9, 14));
        assert_eq!(dates("2020-09-14")[0].1, Date::ymd(2020, 9, 14));
        assert_eq!(dates("Sept. 30, 1990")[0].1, Date::ymd(1990, 9, 30));
        // the verb, and impossible days
        assert!(dates("it may 9 times").is_empty());
        assert!(dates("February 30, 2020").is_empty());
    }

    #[test]
    fn day_numbers() {
        assert_eq!(days_from_civil(1970, 1, 1), 0);
        assert_eq!(days_from_civil(2000, 3, 1), 11017);
        let y = Date {
            year: Some(1998),
            month: None,
            day: None,
        };
        let (a, b) = y.day_range().unwrap();
        let d = Date::ymd(1998, 12, 25).day_range().unwrap().0;
        assert!(a <= d && d <= b);
        assert_eq!(b - a, 364);
    }

    #[test]
    fn article_dates() {
        assert_eq!(
            article_date(" date 2020-08-05 World 0\n\nThe number of victims"),
            Some(Date::ymd(2020, 8, 5))
        );
        assert_eq!(
            article_date("Lukashenko explains importance\n\n10:32, 20 December\n\nPhoto: BelTA"),
            Some(Date {
                year: None,
                month: Some(12),
                day: Some(20)
            })
        );
        assert_eq!(
            article_date("Putin and Lukashenko\n\nBy | September 14, 2020\nPutin and Lukashenko"),
            Some(Date::ymd(2020, 9, 14))
        );
        assert_eq!(
            article_date("Sep 14, 2020\n0 0\n\nPeskov revealed details"),
            Some(Date::ymd(2020, 9, 14))
        );
        assert_eq!(
            article_date("Title\n\nPublished\n\nOn Monday, September 14, Russian President met"),
            Some(Date {
                year: None,
                month: Some(9),
                day: Some(14)
            })
        );
        assert_eq!(
            article_date(
                "Beirut, Lebanon (PortSEurope) August 5, 2020 – Beirut awoke to scenes of devastation on August 5, following two huge explosions"
            ),
            Some(Date::ymd(2020, 8, 5))
        );
        // a date inside a photo caption is not the article's
        assert_eq!(
            article_date(
                "Title\n\nFILE PHOTO: Putin attends a meeting outside Moscow, Russia September 10, 2020. Sputnik/Kremlin via REUTERS\n\nMOSCOW (Reuters) - President"
            ),
            None
        );
        assert_eq!(article_date("No date here at all."), None);
    }

    /// Reading the whole text's tokens finds the date the head's own
    /// tokens find: in every article of the project's and the shared
    /// corpora, where the 1,500-byte limit cuts a date in two, and where
    /// the only date line is past the head.
    #[test]
    fn article_date_from_the_texts_tokens() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut texts = Vec::new();
        let mut dirs = vec![root.join("corpus"), root.join("../shared/corpus-real")];
        while let Some(dir) = dirs.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                if p.is_dir() {
                    dirs.push(p);
                } else if let Ok(t) = std::fs::read_to_string(&p) {
                    texts.push(t);
                }
            }
        }
        assert!(texts.len() >= 5, "no articles found under {root:?}");
        let dated = texts.iter().filter(|t| article_date(t).is_some()).count();
        assert!(dated > 0, "no article of {} has a date", texts.len());
        // "Title" then a date line whose year the limit cuts off
        let cut = format!(
            "Title\n\n{}\n\nSeptember 14, 2020 – and more",
            "x ".repeat(738)
        );
        assert_eq!(cut.find("2020"), Some(1499));
        texts.push(cut);
        // a date line past the twelfth line is the body's
        let late = format!("Title\n{}September 14, 2020\n\nBody", "line\n".repeat(12));
        assert_eq!(article_date(&late), None);
        texts.push(late);
        for t in &texts {
            assert_eq!(
                article_date_in(t, &tokenize(t)),
                article_date(t),
                "{}",
                &t[..t.len().min(200)]
            );
        }
    }

    #[test]
    fn path_dates() {
        let d = |p: &str| path_date(std::path::Path::new(p));
        assert_eq!(
            d("corpus/2020-08-04-beirut-port-explosion/b92_victims.txt"),
            Some(Date::ymd(2020, 8, 4))
        );
        // the file's own date wins over its folder's
        assert_eq!(
            d("/a/2019-12-07-talks/2019_12_09-follow-up.txt"),
            Some(Date::ymd(2019, 12, 9))
        );
        assert_eq!(
            d("/a/2019/01/2019-01-15-talks.txt"),
            Some(Date::ymd(2019, 1, 15))
        );
        // folders further up name where the corpus is kept
        assert_eq!(d("/backup-2021-06-16/articles/talks.txt"), None);
        assert_eq!(d("x/2019-02-30-no-such-day.txt"), None);
        assert_eq!(d("x/2019-13-01-no-such-month.txt"), None);
        assert_eq!(d("x/12019-01-01.txt"), None);
        assert_eq!(d("x/2019-01-011.txt"), None);
        assert_eq!(d("x/2019-01_01.txt"), None);
        assert_eq!(d("seeds/000_5c151fb9312706bf.txt"), None);
        assert_eq!(d("é/2019-01-01"), Some(Date::ymd(2019, 1, 1)));
        assert_eq!(d("2019-01-01 é.txt"), Some(Date::ymd(2019, 1, 1)));
        assert_eq!(d(""), None);
    }

    #[test]
    fn display() {
        assert_eq!(Date::ymd(2020, 9, 14).to_string(), "2020-09-14");
        assert_eq!(
            Date {
                year: None,
                month: Some(12),
                day: Some(20)
            }
            .to_string(),
            "20 December"
        );
    }
}
