//! From a stated figure to the interval of values it admits.
//!
//! A bare figure admits what rounds to it: "1.4 billion" is anything from
//! 1.35 to 1.45 billion, "25" anything from 24.5 to 25.5. Round numbers may
//! have been rounded further ("2,000", "thirty"), so their zeros widen the
//! interval, up to a tenth of the value. Hedges move or widen it: "over" and
//! "at least" open it upwards, "almost" and "up to" bound it from above,
//! "about" and "roughly" add a tenth either way. The intervals are lenient
//! at their edges on purpose: two hedges around one round number ("nearly
//! 5,000", "more than 5,000") never disagree, and a false alarm costs the
//! reader's trust more than a missed one.

/// How the text qualifies a figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Qualifier {
    /// Stated as is.
    Bare,
    /// "exactly", "precisely", "specifically": no further rounding.
    Exact,
    /// "about", "roughly", "some", "approximately".
    Approx,
    /// "over", "more than", "surpassing", "above": a lower bound.
    Over,
    /// "at least", "no less than", "or more".
    AtLeast,
    /// "just over", "slightly above": a little above.
    JustOver,
    /// "almost", "nearly": a little below.
    Almost,
    /// "just under", "slightly below".
    JustUnder,
    /// "under", "less than", "below": an upper bound.
    Under,
    /// "up to", "at most", "no more than", "as many as".
    AtMost,
    /// "between 20 and 30", "2024–2026", "two or three".
    Range,
    /// "hundreds", "a few", "dozens".
    Vague,
}

impl Qualifier {
    pub fn as_str(self) -> &'static str {
        match self {
            Qualifier::Bare => "as stated",
            Qualifier::Exact => "exact",
            Qualifier::Approx => "approximate",
            Qualifier::Over => "more than",
            Qualifier::AtLeast => "at least",
            Qualifier::JustOver => "just over",
            Qualifier::Almost => "almost",
            Qualifier::JustUnder => "just under",
            Qualifier::Under => "less than",
            Qualifier::AtMost => "at most",
            Qualifier::Range => "range",
            Qualifier::Vague => "vague",
        }
    }

    /// Bounded on both sides?
    pub fn is_bounded(self) -> bool {
        !matches!(
            self,
            Qualifier::Over | Qualifier::AtLeast | Qualifier::Under | Qualifier::AtMost
        )
    }
}

/// Qualifying phrases written before a figure, longest first within each
/// first word.
const BEFORE: &[(&[&str], Qualifier)] = &[
    (&["in", "excess", "of"], Qualifier::Over),
    (&["upwards", "of"], Qualifier::Over),
    (&["more", "than"], Qualifier::Over),
    (&["greater", "than"], Qualifier::Over),
    (&["higher", "than"], Qualifier::Over),
    (&["larger", "than"], Qualifier::Over),
    (&["bigger", "than"], Qualifier::Over),
    (&["north", "of"], Qualifier::Over),
    (&["well", "over"], Qualifier::Over),
    (&["well", "above"], Qualifier::Over),
    (&["well", "in", "excess", "of"], Qualifier::Over),
    (&["over"], Qualifier::Over),
    (&["above"], Qualifier::Over),
    (&["exceeding"], Qualifier::Over),
    (&["exceeds"], Qualifier::Over),
    (&["exceeded"], Qualifier::Over),
    (&["exceed"], Qualifier::Over),
    (&["surpassing"], Qualifier::Over),
    (&["surpassed"], Qualifier::Over),
    (&["surpasses"], Qualifier::Over),
    (&["surpass"], Qualifier::Over),
    (&["topping"], Qualifier::Over),
    (&["beyond"], Qualifier::Over),
    (&[">"], Qualifier::Over),
    (&["at", "least"], Qualifier::AtLeast),
    (&["no", "less", "than"], Qualifier::AtLeast),
    (&["not", "less", "than"], Qualifier::AtLeast),
    (&["no", "fewer", "than"], Qualifier::AtLeast),
    (&["not", "fewer", "than"], Qualifier::AtLeast),
    (&["a", "minimum", "of"], Qualifier::AtLeast),
    (&["at", "a", "minimum"], Qualifier::AtLeast),
    (&["minimum", "of"], Qualifier::AtLeast),
    (&["bigger", "or", "equal", "than"], Qualifier::AtLeast),
    (&["higher", "or", "equal", "than"], Qualifier::AtLeast),
    (
        &["greater", "than", "or", "equal", "to"],
        Qualifier::AtLeast,
    ),
    (&["more", "than", "or", "equal", "to"], Qualifier::AtLeast),
    (&["equal", "to", "or", "more", "than"], Qualifier::AtLeast),
    (
        &["equal", "to", "or", "greater", "than"],
        Qualifier::AtLeast,
    ),
    (&["at", "least", "or", "equal", "to"], Qualifier::AtLeast),
    (&[">", "="], Qualifier::AtLeast),
    (&["greater", "or", "equal", "than"], Qualifier::AtLeast),
    (&["more", "or", "equal", "than"], Qualifier::AtLeast),
    (&["larger", "or", "equal", "than"], Qualifier::AtLeast),
    (&["greater", "than", "or", "equal"], Qualifier::AtLeast),
    (&["just", "over"], Qualifier::JustOver),
    (&["just", "above"], Qualifier::JustOver),
    (&["just", "more", "than"], Qualifier::JustOver),
    (&["slightly", "over"], Qualifier::JustOver),
    (&["slightly", "above"], Qualifier::JustOver),
    (&["slightly", "more", "than"], Qualifier::JustOver),
    (&["a", "little", "over"], Qualifier::JustOver),
    (&["a", "little", "more", "than"], Qualifier::JustOver),
    (&["marginally", "above"], Qualifier::JustOver),
    (&["marginally", "over"], Qualifier::JustOver),
    (&["almost"], Qualifier::Almost),
    (&["nearly"], Qualifier::Almost),
    (&["close", "to"], Qualifier::Almost),
    (&["just", "shy", "of"], Qualifier::JustUnder),
    (&["just", "short", "of"], Qualifier::JustUnder),
    (&["just", "under"], Qualifier::JustUnder),
    (&["just", "below"], Qualifier::JustUnder),
    (&["just", "less", "than"], Qualifier::JustUnder),
    (&["slightly", "under"], Qualifier::JustUnder),
    (&["slightly", "below"], Qualifier::JustUnder),
    (&["slightly", "less", "than"], Qualifier::JustUnder),
    (&["a", "little", "under"], Qualifier::JustUnder),
    (&["a", "little", "less", "than"], Qualifier::JustUnder),
    (&["less", "than", "or", "equal", "to"], Qualifier::AtMost),
    (&["less", "or", "equal", "than"], Qualifier::AtMost),
    (&["less", "or", "equal", "to"], Qualifier::AtMost),
    (&["fewer", "or", "equal", "than"], Qualifier::AtMost),
    (&["smaller", "or", "equal", "than"], Qualifier::AtMost),
    (&["lower", "or", "equal", "than"], Qualifier::AtMost),
    (&["equal", "to", "or", "less", "than"], Qualifier::AtMost),
    (&["less", "than"], Qualifier::Under),
    (&["fewer", "than"], Qualifier::Under),
    (&["lower", "than"], Qualifier::Under),
    (&["smaller", "than"], Qualifier::Under),
    (&["under"], Qualifier::Under),
    (&["below"], Qualifier::Under),
    (&["<"], Qualifier::Under),
    (&["<", "="], Qualifier::AtMost),
    (&["up", "to"], Qualifier::AtMost),
    (&["at", "most"], Qualifier::AtMost),
    (&["no", "more", "than"], Qualifier::AtMost),
    (&["not", "more", "than"], Qualifier::AtMost),
    (&["a", "maximum", "of"], Qualifier::AtMost),
    (&["maximum", "of"], Qualifier::AtMost),
    (&["as", "many", "as"], Qualifier::AtMost),
    (&["as", "much", "as"], Qualifier::AtMost),
    (&["as", "high", "as"], Qualifier::AtMost),
    (&["in", "the", "region", "of"], Qualifier::Approx),
    (&["on", "the", "order", "of"], Qualifier::Approx),
    (&["somewhere", "around"], Qualifier::Approx),
    (&["roughly"], Qualifier::Approx),
    (&["around"], Qualifier::Approx),
    (&["about"], Qualifier::Approx),
    (&["approximately"], Qualifier::Approx),
    (&["approx"], Qualifier::Approx),
    (&["approx", "."], Qualifier::Approx),
    (&["an", "estimated"], Qualifier::Approx),
    (&["estimated"], Qualifier::Approx),
    (&["circa"], Qualifier::Approx),
    (&["ca", "."], Qualifier::Approx),
    (&["some"], Qualifier::Approx),
    (&["~"], Qualifier::Approx),
    (&["exactly"], Qualifier::Exact),
    (&["precisely"], Qualifier::Exact),
    (&["specifically"], Qualifier::Exact),
    (&["equal", "to"], Qualifier::Exact),
    (&["equals", "to"], Qualifier::Exact),
    (&["equals"], Qualifier::Exact),
    (&["equaling", "to"], Qualifier::Exact),
];

/// Qualifying phrases written after a figure.
const AFTER: &[(&[&str], Qualifier)] = &[
    (&["or", "more"], Qualifier::AtLeast),
    (&["or", "greater"], Qualifier::AtLeast),
    (&["or", "above"], Qualifier::AtLeast),
    (&["or", "higher"], Qualifier::AtLeast),
    (&["and", "more"], Qualifier::AtLeast),
    (&["and", "above"], Qualifier::AtLeast),
    (&["and", "over"], Qualifier::AtLeast),
    (&["or", "over"], Qualifier::AtLeast),
    (&["plus"], Qualifier::AtLeast),
    (&["+"], Qualifier::AtLeast),
    (&["or", "less"], Qualifier::AtMost),
    (&["or", "fewer"], Qualifier::AtMost),
    (&["or", "below"], Qualifier::AtMost),
    (&["or", "lower"], Qualifier::AtMost),
    (&["and", "under"], Qualifier::AtMost),
    (&["and", "below"], Qualifier::AtMost),
    (&["or", "greater", "than"], Qualifier::AtLeast),
    (&["or", "more", "than"], Qualifier::AtLeast),
    (&["or", "equal", "to"], Qualifier::Exact),
    (&["or", "equal"], Qualifier::Exact),
    (&["or", "so"], Qualifier::Approx),
    (&["odd"], Qualifier::Approx),
    (&["or", "thereabouts"], Qualifier::Approx),
];

/// The qualifier ending right before token `end` in `words` (lower-cased
/// words in text order, the last one right before the figure): the
/// qualifier and how many words it takes.
pub fn qualifier_before(words: &[&str]) -> Option<(Qualifier, usize)> {
    // phrases indexed by their last word: most figures have none
    type ByLast = rustc_hash::FxHashMap<&'static str, Vec<(&'static [&'static str], Qualifier)>>;
    static BY_LAST: std::sync::OnceLock<ByLast> = std::sync::OnceLock::new();
    let by_last = BY_LAST.get_or_init(|| {
        let mut m: ByLast = Default::default();
        for (p, q) in BEFORE {
            if let Some(last) = p.last() {
                m.entry(*last).or_default().push((*p, *q));
            }
        }
        m
    });
    let candidates = words.last().and_then(|w| by_last.get(w))?;
    let mut best: Option<(Qualifier, usize)> = None;
    for (phrase, q) in candidates {
        let n = phrase.len();
        if n > words.len() || best.is_some_and(|b| b.1 >= n) {
            continue;
        }
        let tail = &words[words.len() - n..];
        if tail.iter().zip(phrase.iter()).all(|(w, p)| *w == *p) {
            best = Some((*q, n));
        }
    }
    // "just 55 miles" means only 55: as stated
    best
}

/// The qualifier starting at the first of `words` (lower-cased, in text
/// order after the figure).
pub fn qualifier_after(words: &[&str]) -> Option<(Qualifier, usize)> {
    if !matches!(words.first(), Some(&("or" | "and" | "plus" | "+" | "odd"))) {
        return None;
    }
    let mut best: Option<(Qualifier, usize)> = None;
    for (phrase, q) in AFTER {
        let n = phrase.len();
        if n > words.len() || best.is_some_and(|b| b.1 >= n) {
            continue;
        }
        if words[..n].iter().zip(phrase.iter()).all(|(w, p)| *w == *p) {
            best = Some((*q, n));
        }
    }
    best
}

/// Half-width of the rounding a stated number may carry, in its own
/// units: half the place of its last digit, and for round numbers ("2,000",
/// "thirty") up to a tenth of the value.
pub fn rounding(value: f64, ulp: f64, round: bool) -> f64 {
    let half = ulp / 2.0;
    let p = if round {
        half.min(0.1 * value.abs()).max(half.min(ulp * 0.05))
    } else {
        half
    };
    // a hair inside the half so that 24 and 25 do not touch
    p * (1.0 - 1e-6)
}

/// The interval a figure admits. `value`, `precision` (from [`rounding`])
/// and `range` are in one unit; `nonneg` when the quantity cannot be below
/// zero (counts, money, lengths).
pub fn interval(
    value: f64,
    precision: f64,
    q: Qualifier,
    range: Option<(f64, f64)>,
    nonneg: bool,
) -> (f64, f64) {
    let v = value;
    let p = precision.max(v.abs() * 1e-9);
    let floor = if nonneg { 0.0 } else { f64::NEG_INFINITY };
    let tenth = 0.1 * v.abs();
    let (lo, hi) = match q {
        Qualifier::Bare | Qualifier::Exact => (v - p, v + p),
        Qualifier::Approx => (v - p - tenth, v + p + tenth),
        Qualifier::Over | Qualifier::AtLeast => (v - p, f64::INFINITY),
        Qualifier::JustOver => (v - p, v + p + tenth),
        Qualifier::Almost => (v - p - 2.0 * tenth, v + p),
        Qualifier::JustUnder => (v - p - tenth, v + p),
        Qualifier::Under | Qualifier::AtMost => (floor, v + p),
        Qualifier::Range | Qualifier::Vague => {
            let (a, b) = range.unwrap_or((v, v));
            (a - p, b + p)
        }
    };
    (lo.max(floor), hi)
}

/// Do two intervals leave no value in common?
pub fn disjoint(a: (f64, f64), b: (f64, f64)) -> bool {
    a.1 < b.0 || b.1 < a.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(v: f64, ulp: f64, round: bool, q: Qualifier) -> (f64, f64) {
        interval(v, rounding(v, ulp, round), q, None, true)
    }

    fn words(s: &str) -> Vec<&str> {
        s.split_whitespace().collect()
    }

    #[test]
    fn bare_figures_carry_their_precision() {
        // 1.4 billion covers 1.375 billion
        let a = iv(1.4e9, 1e8, false, Qualifier::Bare);
        assert!(a.0 <= 1.375e9 && 1.375e9 <= a.1);
        // 25 and 24 do not meet
        assert!(disjoint(
            iv(25.0, 1.0, false, Qualifier::Bare),
            iv(24.0, 1.0, false, Qualifier::Bare)
        ));
        // round numbers: 20 and 30 years apart, 2,000 covers 1,950
        assert!(disjoint(
            iv(20.0, 10.0, true, Qualifier::Bare),
            iv(30.0, 10.0, true, Qualifier::Bare)
        ));
        let b = iv(2000.0, 1000.0, true, Qualifier::Bare);
        assert!(b.0 <= 1950.0 && 1950.0 <= b.1);
    }

    #[test]
    fn hedges() {
        // roughly six percent covers 5.7, roughly nine does not
        let six = iv(6.0, 1.0, false, Qualifier::Approx);
        let nine = iv(9.0, 1.0, false, Qualifier::Approx);
        let exact = iv(5.7, 0.1, false, Qualifier::Bare);
        assert!(!disjoint(six, exact));
        assert!(disjoint(nine, exact));
        // almost 2,000 km vs 2,000 km agree; vs 1,200 km they do not
        let almost = iv(2000.0, 1000.0, true, Qualifier::Almost);
        assert!(!disjoint(almost, iv(2000.0, 1000.0, true, Qualifier::Bare)));
        assert!(disjoint(almost, iv(1200.0, 100.0, true, Qualifier::Bare)));
        // at least 30 days admits 60; 30 days does not
        let least = iv(30.0, 10.0, true, Qualifier::AtLeast);
        assert!(!disjoint(least, iv(60.0, 10.0, true, Qualifier::Bare)));
        // 135 vs at least 137
        assert!(disjoint(
            iv(135.0, 1.0, false, Qualifier::Bare),
            iv(137.0, 1.0, false, Qualifier::AtLeast)
        ));
        // nearly 5,000 vs more than 5,000: two hedges on one number agree
        assert!(!disjoint(
            iv(5000.0, 1000.0, true, Qualifier::Almost),
            iv(5000.0, 1000.0, true, Qualifier::Over)
        ));
    }

    #[test]
    fn phrases() {
        assert_eq!(
            qualifier_before(&words("the talks lasted for more than")),
            Some((Qualifier::Over, 2))
        );
        assert_eq!(
            qualifier_before(&words("Belarusian statistics indicate just over")),
            Some((Qualifier::JustOver, 2))
        );
        assert_eq!(
            qualifier_before(&words("a ceasefire for at least")),
            Some((Qualifier::AtLeast, 2))
        );
        assert_eq!(
            qualifier_before(&words("It is almost")),
            Some((Qualifier::Almost, 1))
        );
        assert_eq!(qualifier_before(&words("trade grew by")), None);
        assert_eq!(
            qualifier_after(&words("or more people")),
            Some((Qualifier::AtLeast, 2))
        );
    }
}
