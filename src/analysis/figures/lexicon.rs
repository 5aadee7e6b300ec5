//! Word classes: one hash lookup per word of a document tells every later
//! check what the word can be (a number word, a function word, a unit, a
//! month, a quantity noun, a casualty event, …), so that scanning a text
//! costs a bit test per word rather than a string comparison per
//! vocabulary entry.

use std::cell::Cell;
use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::analysis::tokens::TokenKind;

pub const NUMBER: u32 = 1;
pub const FUNCTION: u32 = 1 << 1;
pub const UNIT: u32 = 1 << 2;
/// May start a figure although not a number word ("half", "several",
/// "minus", "percent", currency codes).
pub const START: u32 = 1 << 3;
/// Makes "a"/"an" before it a number ("a dozen", "a third").
pub const AFTER_ARTICLE: u32 = 1 << 4;
pub const MONTH: u32 = 1 << 5;
/// Currency symbols and codes.
pub const CURRENCY: u32 = 1 << 6;
/// Words every story has, kept out of context matching.
pub const NONCONTENT: u32 = 1 << 7;
pub const QUANTITY: u32 = 1 << 8;
pub const EVENT: u32 = 1 << 9;
pub const DATED: u32 = 1 << 10;
pub const CHANGE: u32 = 1 << 11;
/// "earlier", "previously": the value is a former one.
pub const SUPERSEDE: u32 = 1 << 12;
/// "expected", "would": a projection.
pub const PROJECT: u32 = 1 << 13;
pub const ARTICLE: u32 = 1 << 14;
/// Starts a figure only right before an amount, "$" or "cent"/"of" ("us
/// $", "USD 200", "per cent", "percent of 10").
pub const CONDITIONAL: u32 = 1 << 15;
/// "last", "this", "next": a time scope with "year", "month".
pub const SCOPE: u32 = 1 << 16;

const NUMBER_WORDS: &[&str] = &[
    "zero",
    "nought",
    "naught",
    "nil",
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
    "twenty",
    "thirty",
    "forty",
    "fourty",
    "fifty",
    "sixty",
    "seventy",
    "eighty",
    "ninety",
    "hundred",
    "thousand",
    "lakh",
    "lakhs",
    "lac",
    "million",
    "mln",
    "mn",
    "mil",
    "mio",
    "crore",
    "crores",
    "billion",
    "bn",
    "bln",
    "trillion",
    "tn",
    "tln",
    "trn",
    "dozen",
    "dozens",
    "half",
    "quarter",
];

const START_WORDS: &[&str] = &[
    "half",
    "quarter",
    "few",
    "several",
    "couple",
    "tens",
    "dozens",
    "hundreds",
    "thousands",
    "millions",
    "billions",
];

const CONDITIONAL_WORDS: &[&str] = &[
    "us", "c", "hk", "usd", "eur", "gbp", "rmb", "rs", "percent", "percents", "per", "minus",
    "negative", "a", "au", "aud", "cad", "nz", "nzd", "mex", "mxn", "ca", "can", "hkd",
];

const AFTER_ARTICLE_WORDS: &[&str] = &[
    "dozen",
    "hundred",
    "thousand",
    "million",
    "billion",
    "trillion",
    "lakh",
    "crore",
    "half",
    "third",
    "quarter",
    "fourth",
    "fifth",
    "sixth",
    "seventh",
    "eighth",
    "ninth",
    "tenth",
    "twelfth",
    "twentieth",
    "hundredth",
    "thousandth",
    "millionth",
    "billionth",
    "trillionth",
    "few",
    "couple",
];

const MONTH_WORDS: &[&str] = &[
    "january",
    "jan",
    "february",
    "feb",
    "march",
    "mar",
    "april",
    "apr",
    "may",
    "june",
    "jun",
    "july",
    "jul",
    "august",
    "aug",
    "september",
    "sep",
    "sept",
    "october",
    "oct",
    "november",
    "nov",
    "december",
    "dec",
];

const CURRENCY_WORDS: &[&str] = &[
    "usd", "eur", "gbp", "jpy", "rub", "inr", "rs", "uah", "btc", "rmb", "cny", "cad", "aud",
    "hkd", "nzd", "mxn", "chf", "us$", "c$", "a$", "hk$", "nz$", "mex$", "usd$",
];

const NONCONTENT_WORDS: &[&str] = &[
    "million",
    "billion",
    "thousand",
    "percent",
    "percentage",
    "pct",
    "year",
    "years",
    "president",
    "presidents",
    "minister",
    "leader",
    "leaders",
];

const SUPERSEDE_WORDS: &[&str] = &[
    "earlier",
    "previously",
    "initially",
    "originally",
    "formerly",
];

const PROJECT_WORDS: &[&str] = &[
    "expected",
    "expects",
    "expect",
    "planned",
    "plans",
    "plan",
    "scheduled",
    "projected",
    "forecast",
    "forecasts",
    "predicted",
    "predicts",
    "target",
    "targets",
    "goal",
    "aims",
    "aim",
    "would",
    "could",
    "might",
    "if",
    "hopes",
    "hope",
    "proposed",
    "proposes",
    "seeks",
    "sought",
    "wants",
    "demanded",
    "requested",
    "asked",
];

const QUANTITY_WORDS: &[&str] = &[
    "trade",
    "turnover",
    "export",
    "exports",
    "import",
    "imports",
    "investment",
    "investments",
    "invested",
    "invest",
    "invests",
    "loan",
    "loans",
    "lend",
    "lent",
    "lending",
    "credit",
    "borrowed",
    "borrow",
    "debt",
    "debts",
    "deficit",
    "surplus",
    "budget",
    "spending",
    "spent",
    "spend",
    "expenditure",
    "revenue",
    "revenues",
    "sales",
    "profit",
    "profits",
    "income",
    "earnings",
    "earned",
    "earn",
    "tax",
    "taxes",
    "rate",
    "price",
    "prices",
    "cost",
    "costs",
    "costing",
    "salary",
    "salaries",
    "wage",
    "wages",
    "gdp",
    "output",
    "production",
    "produce",
    "produced",
    "producing",
    "growth",
    "inflation",
    "unemployment",
    "turnout",
    "vote",
    "votes",
    "voted",
    "population",
    "capacity",
    "reserves",
    "stake",
    "fine",
    "fined",
    "aid",
    "assistance",
    "funding",
    "funds",
    "donation",
    "donations",
    "donated",
    "contributions",
    "ceasefire",
    "truce",
    "armistice",
    "sentence",
    "sentenced",
    "toll",
    "friendship",
    "anniversary",
    "contract",
    "wall",
    "barrier",
    "fence",
    "fencing",
];

const EVENT_WORDS: &[&str] = &[
    "killed",
    "kill",
    "kills",
    "killing",
    "dead",
    "deaths",
    "death",
    "died",
    "die",
    "dies",
    "fatalities",
    "fatality",
    "perished",
    "lives",
    "injured",
    "injuring",
    "injuries",
    "injury",
    "wounded",
    "wounding",
    "hurt",
    "hospitalised",
    "hospitalized",
    "missing",
    "homeless",
    "displaced",
    "evacuated",
    "evacuees",
    "arrested",
    "detained",
    "arrests",
    "detentions",
    "casualties",
];

const DATED_WORDS: &[&str] = &[
    "agreement",
    "agreements",
    "treaty",
    "treaties",
    "accord",
    "accords",
    "pact",
    "convention",
    "deal",
    "protocol",
    "memorandum",
    "law",
    "act",
    "bill",
    "decree",
    "resolution",
    "constitution",
    "meeting",
    "summit",
    "talks",
    "visit",
    "negotiations",
    "conference",
    "election",
    "elections",
    "referendum",
    "vote",
    "parade",
    "celebration",
    "celebrations",
    "anniversary",
    "ceremony",
    "attack",
    "attacks",
    "explosion",
    "blast",
    "bombing",
    "earthquake",
    "crash",
    "incident",
    "war",
    "invasion",
    "conflict",
    "founding",
    "founded",
    "established",
    "independence",
    "born",
    "birth",
];

const CHANGE_WORDS: &[&str] = &[
    "increased",
    "increase",
    "increases",
    "rose",
    "risen",
    "rise",
    "rises",
    "grew",
    "grown",
    "grow",
    "grows",
    "climbed",
    "climb",
    "climbs",
    "jumped",
    "jump",
    "jumps",
    "soared",
    "surged",
    "fell",
    "fallen",
    "fall",
    "falls",
    "dropped",
    "drop",
    "drops",
    "declined",
    "decline",
    "declines",
    "decreased",
    "decrease",
    "decreases",
    "sank",
    "plunged",
    "slid",
    "tumbled",
    "shrank",
    "expanded",
    "gained",
    "lost",
    "went",
    "revised",
    "raised",
    "lowered",
    "cut",
    "up",
    "down",
];

fn table() -> &'static FxHashMap<&'static str, u32> {
    static MAP: OnceLock<FxHashMap<&'static str, u32>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m: FxHashMap<&'static str, u32> = FxHashMap::default();
        let mut add = |words: &[&'static str], class: u32| {
            for w in words {
                *m.entry(w).or_default() |= class;
            }
        };
        add(NUMBER_WORDS, NUMBER);
        add(super::measure::FUNCTION_WORDS, FUNCTION);
        add(START_WORDS, START);
        add(CONDITIONAL_WORDS, CONDITIONAL);
        add(AFTER_ARTICLE_WORDS, AFTER_ARTICLE);
        add(MONTH_WORDS, MONTH);
        add(CURRENCY_WORDS, CURRENCY);
        add(NONCONTENT_WORDS, NONCONTENT);
        add(QUANTITY_WORDS, QUANTITY);
        add(EVENT_WORDS, EVENT);
        add(DATED_WORDS, DATED);
        add(CHANGE_WORDS, CHANGE);
        add(SUPERSEDE_WORDS, SUPERSEDE);
        add(PROJECT_WORDS, PROJECT);
        add(&["a", "an"], ARTICLE);
        add(&["last", "this", "next", "previous", "past"], SCOPE);
        for (names, _) in super::units::UNIT_WORDS {
            add(names, UNIT);
        }
        m
    })
}

/// The classes of a lower-case word (0 when it has none).
pub fn class_of(lower: &str) -> u32 {
    if lower.len() > 16 {
        return 0;
    }
    table().get(lower).copied().unwrap_or(0)
}

/// Could a lower-case word start a figure? A first-letter and length
/// table answers no for most words without hashing them.
pub fn may_start_prefilter(lower: &str) -> bool {
    let b = lower.as_bytes();
    match b.first() {
        Some(&c) => prefilter_bytes(c, b.get(1).copied().unwrap_or(0), b.len()),
        None => false,
    }
}

/// [`may_start_prefilter`] on a word's first two bytes (ASCII letters in
/// either case) and its length: a 32 × 32 table of length bit sets.
pub fn prefilter_bytes(first: u8, second: u8, len: usize) -> bool {
    prefilter(Group::Starter, first, second, len)
}

/// Groups of classes with a cheap first test each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Group {
    /// Words that may start a figure.
    Starter = 0,
    /// Words that mark figures around them (see [`MARKED`]).
    Marked = 1,
    /// Words that are not content words (see [`NOT_CONTENT`]).
    NotContent = 2,
}

/// Classes of the [`Group::Marked`] group.
pub const MARKED: u32 = SUPERSEDE | PROJECT | EVENT | QUANTITY | DATED | SCOPE;
/// Classes of the [`Group::NotContent`] group.
pub const NOT_CONTENT: u32 = FUNCTION | NUMBER | UNIT | NONCONTENT;

/// Could a word with these first two bytes (ASCII letters in either case)
/// and this length belong to `group`? No false negatives; most other words
/// answer no without being hashed.
pub fn prefilter(group: Group, first: u8, second: u8, len: usize) -> bool {
    if first >= 128 || second >= 128 || len >= 32 {
        // non-ASCII words go to the full lookup
        return first >= 128 || second >= 128;
    }
    prefilter_tables()[group as usize][(first & 31) as usize][(second & 31) as usize] & (1 << len)
        != 0
}

type Table = [[u32; 32]; 32];

fn prefilter_tables() -> &'static [Table; 3] {
    static TABLES: OnceLock<[Table; 3]> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = [[[0u32; 32]; 32]; 3];
        let mut fill = |g: usize, list: &[&str]| {
            for w in list {
                let b = w.as_bytes();
                let second = b.get(1).copied().unwrap_or(0);
                if b[0] < 128 && second < 128 && w.len() < 32 {
                    t[g][(b[0] & 31) as usize][(second & 31) as usize] |= 1 << w.len();
                }
            }
        };
        for list in [
            NUMBER_WORDS,
            START_WORDS,
            CONDITIONAL_WORDS,
            MONTH_WORDS,
            CURRENCY_WORDS,
            &["a", "an"],
        ] {
            fill(0, list);
        }
        for list in [
            SUPERSEDE_WORDS,
            PROJECT_WORDS,
            EVENT_WORDS,
            QUANTITY_WORDS,
            DATED_WORDS,
            &["last", "this", "next", "previous", "past"],
        ] {
            fill(1, list);
        }
        fill(2, NUMBER_WORDS);
        fill(2, super::measure::FUNCTION_WORDS);
        fill(2, NONCONTENT_WORDS);
        for (names, _) in super::units::UNIT_WORDS {
            fill(2, names);
        }
        t
    })
}

/// Token classes of a document, computed on first use and kept.
pub struct Classes {
    cells: Vec<Cell<u32>>,
}

const UNKNOWN: u32 = u32::MAX;

impl Classes {
    pub fn new(n: usize) -> Classes {
        Classes {
            cells: vec![Cell::new(UNKNOWN); n],
        }
    }

    /// The classes of token `i`, whose lower-case text is `lower` and kind
    /// `kind`.
    pub fn get(&self, i: usize, kind: TokenKind, lower: &str) -> u32 {
        let Some(cell) = self.cells.get(i) else {
            return 0;
        };
        let c = cell.get();
        if c != UNKNOWN {
            return c;
        }
        let c = match kind {
            TokenKind::Word => class_of(lower),
            _ => 0,
        };
        cell.set(c);
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        assert!(class_of("twenty") & NUMBER != 0);
        assert!(class_of("the") & FUNCTION != 0);
        assert!(class_of("tonnes") & UNIT != 0);
        assert!(class_of("may") & MONTH != 0);
        assert!(class_of("toll") & QUANTITY != 0);
        assert!(class_of("killed") & EVENT != 0);
        assert!(class_of("treaty") & DATED != 0);
        assert!(class_of("risen") & CHANGE != 0);
        assert!(class_of("dozen") & AFTER_ARTICLE != 0);
        assert_eq!(class_of("lukashenko"), 0);
    }
}
