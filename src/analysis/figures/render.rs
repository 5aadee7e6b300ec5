//! Figures back to text: a readable account of a figure's normalised value
//! and interval (for hovers and messages), and a figure's value written in
//! the style of another figure (for the "use the value the other articles
//! give" code action: "24 million tonnes" → "25 million tonnes", "almost
//! 2,000 km" → "1,200 km", "twenty-eight" → "thirty", "May 9, 2025" →
//! "May 10, 2025").

use crate::analysis::dates::Date;

use super::interval::Qualifier;
use super::numbers::Form;
use super::units::Dim;
use super::{Figure, Style};

/// "1234567.5" → "1,234,567.5" with the given separator and decimals.
pub fn format_number(v: f64, decimals: usize, sep: Option<char>) -> String {
    let neg = v < 0.0;
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = match s.split_once('.') {
        Some((a, b)) => (a.to_string(), Some(b.to_string())),
        None => (s.clone(), None),
    };
    let mut grouped = String::new();
    let digits: Vec<char> = int.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        if let Some(sp) = sep
            && i > 0
            && (digits.len() - i).is_multiple_of(3)
        {
            grouped.push(sp);
        }
        grouped.push(*c);
    }
    let dec_mark = if sep == Some('.') { ',' } else { '.' };
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    out.push_str(&grouped);
    if let Some(f) = frac {
        out.push(dec_mark);
        out.push_str(&f);
    }
    out
}

/// Fewest decimals (up to 3) that write `v` without loss.
fn needed_decimals(v: f64) -> usize {
    for d in 0..=3i32 {
        let p = 10f64.powi(d);
        if ((v * p).round() - v * p).abs() < 1e-6 * p.max(1.0) {
            return d as usize;
        }
    }
    3
}

/// A number in the readable default style ("2,000", "5.7", "1.375"), to
/// six significant digits (interval ends carry tiny offsets).
pub fn plain(v: f64) -> String {
    if !v.is_finite() {
        return if v > 0.0 { "∞".into() } else { "-∞".into() };
    }
    let v = significant(v, 6);
    let sep = if v.abs() >= 1000.0 { Some(',') } else { None };
    format_number(v, needed_decimals(v), sep)
}

fn significant(v: f64, digits: i32) -> f64 {
    if v == 0.0 {
        return 0.0;
    }
    let mag = v.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits - 1 - mag);
    (v * scale).round() / scale
}

/// A unit name for a value: "3 years", "1 year", "2 feet", "5 km".
fn unit_for(name: &str, v: f64) -> String {
    if (v - 1.0).abs() < 1e-9
        || name.len() <= 3
        || !name.chars().all(|c| c.is_ascii_lowercase() || c == ' ')
    {
        return name.to_string();
    }
    match name {
        "foot" => "feet".into(),
        "inch" => "inches".into(),
        "century" => "centuries".into(),
        "square foot" => "square feet".into(),
        "cubic foot" => "cubic feet".into(),
        n => format!("{n}s"),
    }
}

const ONES: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const TENS: [&str; 10] = [
    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

/// An integer below a million in words ("twenty-eight", "one hundred and
/// five"); `None` beyond that or for fractions.
pub fn words(v: f64, and: bool) -> Option<String> {
    if v < 0.0 || v.fract() != 0.0 || v >= 1e6 {
        return None;
    }
    let n = v as u64;
    fn below_thousand(n: u64, and: bool) -> String {
        let mut parts = Vec::new();
        let h = n / 100;
        let r = n % 100;
        if h > 0 {
            parts.push(format!("{} hundred", ONES[h as usize]));
        }
        if r > 0 {
            let r_text = if r < 20 {
                ONES[r as usize].to_string()
            } else if r.is_multiple_of(10) {
                TENS[(r / 10) as usize].to_string()
            } else {
                format!("{}-{}", TENS[(r / 10) as usize], ONES[(r % 10) as usize])
            };
            if h > 0 && and {
                parts.push(format!("and {r_text}"));
            } else {
                parts.push(r_text);
            }
        }
        parts.join(" ")
    }
    if n == 0 {
        return Some("zero".into());
    }
    let th = n / 1000;
    let rest = n % 1000;
    let mut out = String::new();
    if th > 0 {
        out.push_str(&below_thousand(th, and));
        out.push_str(" thousand");
    }
    if rest > 0 {
        if !out.is_empty() {
            out.push(' ');
            if rest < 100 && and {
                out.push_str("and ");
            }
        }
        out.push_str(&below_thousand(rest, and));
    }
    Some(out)
}

/// A value in a figure's shown unit ("2,000 km", "USD 1.4 billion",
/// "5.7 percent").
fn value_text(f: &Figure, base_value: f64) -> String {
    if f.dim == Dim::Date {
        return day_text(base_value);
    }
    let v = base_value / f.factor;
    let (num, scale) = scaled(v);
    match f.dim {
        Dim::Money => format!("{} {}{}", f.shown_unit, num, scale),
        Dim::Percent => format!("{num}{scale}%"),
        Dim::PercentPoint => format!("{num}{scale} percentage points"),
        Dim::Count => format!("{num}{scale}"),
        Dim::Ordinal => {
            let n = v.round() as i64;
            let suffix = match (n % 10, n % 100) {
                (_, 11..=13) => "th",
                (1, _) => "st",
                (2, _) => "nd",
                (3, _) => "rd",
                _ => "th",
            };
            format!("{n}{suffix}")
        }
        _ => format!("{num}{scale} {}", unit_for(f.shown_unit, v)),
    }
}

fn scaled(v: f64) -> (String, &'static str) {
    let a = v.abs();
    if !a.is_finite() {
        return (plain(v), "");
    }
    for (s, name) in [(1e12, " trillion"), (1e9, " billion"), (1e6, " million")] {
        if a >= s {
            return (plain(v / s), name);
        }
    }
    (plain(v), "")
}

fn day_text(day: f64) -> String {
    if !day.is_finite() {
        return "open".into();
    }
    let (y, m, d) = civil_from_days(day.round() as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Inverse of [`crate::analysis::dates::days_from_civil`].
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719468;
    let era = if z >= 0 { z } else { z - 146096 } / 146097;
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// "2,000 km — between 1,400 and 2,200 km (almost); length of: contact
/// line".
pub fn describe(f: &Figure) -> String {
    let stated = if f.dim == Dim::Date {
        match (f.date, f.until) {
            (Some(d), Some(u)) => format!("{d} to {u}"),
            (Some(d), None) => d.to_string(),
            _ => day_text(f.value),
        }
    } else {
        value_text(f, f.value)
    };
    let range = if f.dim == Dim::Date && f.date.is_some_and(|d| d.year.is_none()) {
        "any year".to_string()
    } else {
        match (f.low.is_finite(), f.high.is_finite()) {
            (true, true) if (f.high - f.low).abs() <= f.value.abs() * 1e-9 => "exactly".into(),
            (true, true) => format!(
                "between {} and {}",
                value_text(f, f.low),
                value_text(f, f.high)
            ),
            (true, false) => format!("at least {}", value_text(f, f.low)),
            (false, true) => format!("at most {}", value_text(f, f.high)),
            (false, false) => "unbounded".into(),
        }
    };
    let mut out = format!("{stated}: {range}");
    if f.qualifier != Qualifier::Bare {
        out.push_str(&format!(" ({})", f.qualifier.as_str()));
    }
    out.push_str(&format!("; {}", f.dim.as_str()));
    if let Some(t) = &f.thing {
        let shown = t.replace([':', '~'], " ").replace('/', " per ");
        out.push_str(&format!(" of: {shown}"));
    }
    out
}

/// The text to put in place of `target` (written in `target_text`) so that
/// it gives `source`'s value (from `source_text`) in `target`'s style:
/// same unit, scale word, number form and separators; the source's hedge
/// words replace the target's. `None` when the two are not of one unit.
pub fn replacement(
    target: &Figure,
    target_text: &str,
    source: &Figure,
    source_text: &str,
) -> Option<String> {
    if target.unit != source.unit || target.dim != source.dim {
        return None;
    }
    let whole = target.span.of(target_text);
    let st: &Style = &target.style;
    let rel = |a: u32| (a - target.span.start) as usize;
    if st.number.start < target.span.start || st.number.end > target.span.end {
        return None;
    }
    let number_text = if target.dim == Dim::Date {
        date_like(target, target_text, source)?
    } else {
        let factor = target.factor * st.scale.max(f64::MIN_POSITIVE);
        let (lo, hi) = source_stated(source);
        let fmt = |v: f64| -> String {
            let x = v / factor;
            match st.form {
                Form::Words => words(x, target_text.contains(" and "))
                    .unwrap_or_else(|| digits(x, st, source.style.decimals)),
                _ => digits(x, st, source.style.decimals),
            }
        };
        if (hi - lo).abs() > 1e-9 * hi.abs().max(1.0) {
            let sep = if st.form == Form::Words {
                " to "
            } else {
                "–"
            };
            format!("{}{sep}{}", fmt(lo), fmt(hi))
        } else {
            fmt(lo)
        }
    };
    let mut prefix = whole[..rel(st.number.start)].to_string();
    let suffix = &whole[rel(st.number.end)..];
    // drop the target's hedge, put the source's
    if let Some(q) = st.qualifier
        && q.start >= target.span.start
        && q.end <= st.number.start
    {
        let a = rel(q.start);
        let b = rel(q.end);
        prefix = format!("{}{}", &whole[..a], &whole[b..rel(st.number.start)]);
        prefix = prefix.trim_start().to_string();
    }
    let hedge = source
        .style
        .qualifier
        .map(|q| q.of(source_text).to_string())
        .filter(|h| !h.is_empty());
    let mut out = String::new();
    if let Some(h) = hedge {
        out.push_str(&h);
        out.push(' ');
    }
    out.push_str(&prefix);
    out.push_str(&number_text);
    out.push_str(suffix);
    Some(out)
}

/// The stated value(s) of a figure in base units: the range ends or the
/// value itself.
fn source_stated(f: &Figure) -> (f64, f64) {
    if f.qualifier == Qualifier::Range {
        let p = f.precision;
        (f.low + p, f.high - p)
    } else {
        (f.value, f.value)
    }
}

/// `x` in the target's digit style: its separator, and its decimal places
/// where the source stated as many (no "6.0" from "six").
fn digits(x: f64, st: &Style, source_decimals: u8) -> String {
    let dec = (st.decimals.min(source_decimals) as usize).max(needed_decimals(x));
    let sep = match st.separator {
        Some(c) => Some(c),
        None if x.abs() >= 10000.0 && st.scale <= 1.0 => Some(','),
        None => None,
    };
    format_number(x, dec, sep)
}

/// A date written like the target date: "May 9, 2025", "9 May 2025",
/// "2020-09-14", "1998", "May 9".
fn date_like(target: &Figure, target_text: &str, source: &Figure) -> Option<String> {
    let sd: Date = source.date?;
    let td: Date = target.date?;
    let t = target.style.number.of(target_text);
    let month_name = |m: u8| crate::analysis::dates::month_name(m).unwrap_or("");
    let year = sd.year;
    if let Some(u) = source.until {
        return Some(format!("{}–{}", year?, u.year?));
    }
    if t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') {
        return Some(format!("{:04}-{:02}-{:02}", year?, sd.month?, sd.day?));
    }
    match (td.month, td.day, td.year) {
        (None, None, Some(_)) => year.map(|y| y.to_string()),
        _ => {
            let m = month_name(sd.month?);
            let day_first = t.starts_with(|c: char| c.is_ascii_digit());
            let with_year = td.year.is_some() && year.is_some();
            Some(match (sd.day, day_first, with_year) {
                (Some(d), true, true) => format!("{d} {m} {}", year?),
                (Some(d), true, false) => format!("{d} {m}"),
                (Some(d), false, true) => format!("{m} {d}, {}", year?),
                (Some(d), false, false) => format!("{m} {d}"),
                (None, _, _) => match year {
                    Some(y) => format!("{m} {y}"),
                    None => m.to_string(),
                },
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_words() {
        assert_eq!(format_number(1234567.5, 1, Some(',')), "1,234,567.5");
        assert_eq!(format_number(2000.0, 0, None), "2000");
        assert_eq!(plain(1.375), "1.375");
        assert_eq!(words(28.0, false).unwrap(), "twenty-eight");
        assert_eq!(words(105.0, true).unwrap(), "one hundred and five");
        assert_eq!(words(2000.0, false).unwrap(), "two thousand");
        assert!(words(1.5, false).is_none());
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(
            civil_from_days(crate::analysis::dates::days_from_civil(1998, 12, 25)),
            (1998, 12, 25)
        );
    }
}
