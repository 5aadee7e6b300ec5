//! Extraction, linking and index tests over small texts.

use super::*;
use crate::analysis::entities::DocId;
use crate::analysis::sentences;
use crate::analysis::statements;
use crate::analysis::tokens::tokenize;

pub(crate) fn figs(text: &str) -> Vec<Figure> {
    let mut toks = tokenize(text);
    let sents = sentences::split(text, &mut toks);
    let stmts = statements::segment(text, &toks, &sents);
    extract(text, &toks, &sents, &stmts)
}

/// The figure whose text is `needle` (first occurrence).
fn find<'a>(text: &str, fs: &'a [Figure], needle: &str) -> &'a Figure {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text")) as u32;
    fs.iter()
        .find(|f| f.span.start <= at && at < f.span.end)
        .unwrap_or_else(|| {
            panic!(
                "no figure at {needle:?}: {:?}",
                fs.iter().map(|f| f.span.of(text)).collect::<Vec<_>>()
            )
        })
}

fn texts<'a>(text: &'a str, fs: &[Figure]) -> Vec<&'a str> {
    fs.iter().map(|f| f.span.of(text)).collect()
}

fn approx(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0)
}

#[test]
fn numbers_in_digits_and_words_with_units() {
    let t = "Are we producing 25 million tonnes of oil? They built almost 2,000 kilometres \
             of road and twenty-eight programmes, and trade grew by roughly six percent.";
    let fs = figs(t);
    let oil = find(t, &fs, "25 million");
    assert_eq!(oil.span.of(t), "25 million tonnes");
    assert_eq!(
        (oil.dim, oil.unit, oil.thing.as_deref()),
        (Dim::Mass, "tonne", Some("oil"))
    );
    assert!(approx(oil.value, 25e6) && oil.low < 25e6 && oil.high > 25e6);
    let km = find(t, &fs, "almost");
    assert_eq!(km.span.of(t), "almost 2,000 kilometres");
    assert_eq!((km.unit, km.qualifier), ("metre", Qualifier::Almost));
    assert!(approx(km.value, 2e6) && km.high >= 2e6 && km.low < 2e6);
    let p = find(t, &fs, "twenty-eight");
    assert_eq!((p.value, p.thing.as_deref()), (28.0, Some("programme")));
    let r = find(t, &fs, "roughly six");
    assert_eq!((r.dim, r.qualifier), (Dim::Percent, Qualifier::Approx));
    assert!(r.low <= 5.7 && 5.7 <= r.high);
}

#[test]
fn money_scales_and_currencies() {
    let t = "Russia agreed a $1.5 billion loan. It gave one and a half billion dollars. \
             Fees of €2 million and 420 million roubles were paid, and 50 cents a share.";
    let fs = figs(t);
    let a = find(t, &fs, "$1.5");
    assert_eq!((a.unit, a.thing.as_deref()), ("USD", Some("loan")));
    assert!(approx(a.value, 1.5e9));
    let b = find(t, &fs, "one and a half");
    assert_eq!(b.span.of(t), "one and a half billion dollars");
    assert!(approx(b.value, 1.5e9) && b.unit == "USD");
    assert_eq!(find(t, &fs, "€2").unit, "EUR");
    let r = find(t, &fs, "420");
    assert_eq!((r.unit, r.value), ("RUB", 420e6));
    let c = find(t, &fs, "50 cents");
    assert!(approx(c.value, 0.5) && c.has(flag::RATE));
    // $1.4 billion covers $1.375 billion
    let t2 = "Congress gave $1.4 billion.";
    let f2 = figs(t2);
    let d = find(t2, &f2, "$1.4");
    assert!(d.low <= 1.375e9 && 1.375e9 <= d.high);
}

#[test]
fn percent_forms_and_points() {
    let t = "Turnout was 60%, up 3 percentage points, and 40 per cent voted against.";
    let fs = figs(t);
    assert_eq!(find(t, &fs, "60%").dim, Dim::Percent);
    assert_eq!(find(t, &fs, "3 percentage").dim, Dim::PercentPoint);
    let pc = find(t, &fs, "40 per cent");
    assert_eq!((pc.dim, pc.value), (Dim::Percent, 40.0));
}

#[test]
fn hedges_become_intervals() {
    let t = "over 90 percent of payments; at least 30 days of truce; up to 700 workers; \
             nearly 5,000 victims were injured; 5,000-plus others were hurt; about 12,000 students.";
    let fs = figs(t);
    let over = find(t, &fs, "over 90");
    assert_eq!(over.qualifier, Qualifier::Over);
    assert!(over.high.is_infinite() && over.low <= 90.0);
    let least = find(t, &fs, "at least 30");
    assert!(least.low <= 30.0 && least.high.is_infinite());
    let up = find(t, &fs, "up to 700");
    assert_eq!(up.qualifier, Qualifier::AtMost);
    assert!(up.low == 0.0 && up.high >= 700.0);
    let nearly = find(t, &fs, "nearly 5,000");
    assert!(nearly.high >= 5000.0 && nearly.low < 5000.0);
    assert_eq!(nearly.thing.as_deref(), Some("people:injured"));
    assert_eq!(find(t, &fs, "5,000-plus").qualifier, Qualifier::AtLeast);
    let about = find(t, &fs, "about 12,000");
    assert!(about.low < 11000.0 && about.high > 13000.0);
}

#[test]
fn ranges_dates_ordinals_and_years() {
    let t = "The plan for 2024–2026 and the plan for 2024 to 2026 matter. Between 20 and 30 \
             people came, two or three armies wait. The 80th anniversary is on May 9, 2025, \
             also written 9 May 2025; the treaty was signed on December 6, 2024. In the 1970s.";
    let fs = figs(t);
    let r1 = find(t, &fs, "2024–2026");
    let r2 = find(t, &fs, "2024 to 2026");
    assert_eq!((r1.low, r1.high), (r2.low, r2.high));
    assert_eq!(r1.dim, Dim::Date);
    let b = find(t, &fs, "Between");
    assert_eq!(b.qualifier, Qualifier::Range);
    assert!(b.low <= 20.0 && b.high >= 30.0);
    let tt = find(t, &fs, "two or three");
    assert!(tt.low <= 2.0 && tt.high >= 3.0);
    let o = find(t, &fs, "80th");
    assert_eq!(
        (o.dim, o.value, o.thing.as_deref()),
        (Dim::Ordinal, 80.0, Some("anniversary"))
    );
    let d1 = find(t, &fs, "May 9, 2025");
    let d2 = find(t, &fs, "9 May 2025");
    assert_eq!((d1.low, d1.high), (d2.low, d2.high));
    assert!(!link::disagree(d1, d2));
    let dec = find(t, &fs, "1970s");
    assert_eq!(dec.date.and_then(|d| d.year), Some(1970));
    assert_eq!(dec.until.and_then(|d| d.year), Some(1979));
}

#[test]
fn vague_amounts_and_non_figures() {
    let t = "Hundreds of people and a dozen tanks came; 9/11 and 24/7 and G7 are names. \
             At 15:00 GMT the two leaders met. Which one do you prefer?";
    let fs = figs(t);
    let h = find(t, &fs, "Hundreds");
    assert_eq!(h.qualifier, Qualifier::Vague);
    assert!(!h.comparable());
    assert_eq!(find(t, &fs, "a dozen").value, 12.0);
    let all = texts(t, &fs);
    for bad in ["9", "11", "24", "7", "15", "00", "two leaders", "one"] {
        assert!(!all.contains(&bad), "{bad} in {all:?}");
    }
}

#[test]
fn markers_that_change_comparisons() {
    let t = "Earlier today, the minister said 113 people were killed. The death toll has risen \
             to 135. Another 30 soldiers arrived, and 1,300 students more will come. The talks \
             were expected to last four hours. Shares cost $70 a share. It happened 30 years ago.";
    let fs = figs(t);
    assert!(find(t, &fs, "113").has(flag::SUPERSEDED));
    let toll = find(t, &fs, "135");
    assert!(toll.has(flag::NEW_LEVEL));
    assert_eq!(toll.thing.as_deref(), Some("people:killed"));
    assert!(find(t, &fs, "30 soldiers").has(flag::INCREMENT));
    assert!(find(t, &fs, "1,300").has(flag::INCREMENT));
    assert!(find(t, &fs, "four hours").has(flag::PROJECTED));
    assert!(find(t, &fs, "$70").has(flag::RATE));
    assert!(find(t, &fs, "30 years").has(flag::AGO));
}

/// Link helper: are figures at `a` and `b` linked in one document?
fn linked(t: &str, fs: &[Figure], a: &str, b: &str) -> bool {
    let fa = find(t, fs, a);
    let ib = fs
        .iter()
        .position(|f| std::ptr::eq(f, find(t, fs, b)))
        .unwrap() as u32;
    fa.same_as.contains(&ib)
}

#[test]
fn in_document_links() {
    // anaphora
    let t = "A ceasefire for 30 days is proposed. What would happen over 30 days? \
             Then how would these 60 days be used?";
    let fs = figs(t);
    assert!(linked(t, &fs, "60 days", "30 days?"));
    // restatement
    let t = "Trade increased by roughly nine percent – specifically 5.7 percent – last year.";
    let fs = figs(t);
    assert!(linked(t, &fs, "roughly", "5.7"));
    assert!(link::disagree(find(t, &fs, "roughly"), find(t, &fs, "5.7")));
    // re-mention of a bare measure
    let t = "The contact line is long. Just imagine: almost 2,000 km. Who can watch over a \
             distance of 1,200 km?";
    let fs = figs(t);
    assert!(linked(t, &fs, "1,200", "almost"));
    // dates of one named instrument
    let t = "They amended the Agreement on Equal Rights for Their Citizens of December 25, \
             1997. Signing the protocol on the treaty of 1998 on equal rights of citizens \
             matters. The Treaty on Security Guarantees was signed on December 6, 2024.";
    let fs = figs(t);
    assert!(linked(t, &fs, "December 25", "1998"));
    assert!(!linked(t, &fs, "December 25", "December 6"));
    // headline support: the headline figure against the lede
    let t = "Putin and Lukashenko reaffirm 20 years of their friendship\n\nOn Monday Putin met \
             Lukashenko in Sochi. Interestingly, 30 years ago Putin and Lukashenko said the same.\n";
    let fs = figs(t);
    assert!(find(t, &fs, "20 years").has(flag::HEADLINE));
    assert!(linked(t, &fs, "20 years", "30 years"));
}

#[test]
fn figures_of_different_things_stay_apart() {
    // a transcript's many percents about different things
    let t = "Russia accounts for approximately 60 percent of foreign trade turnover. Over 90 \
             percent of all payments are in national currencies. The plant meets about 40 \
             percent of electricity needs. Voter turnout was over 90 percent, and more than 87 \
             percent voted for the incumbent.";
    let fs = figs(t);
    assert!(
        fs.iter().all(|f| f.same_as.is_empty()),
        "{:?}",
        fs.iter()
            .map(|f| (f.span.of(t), &f.same_as))
            .collect::<Vec<_>>()
    );
    // meetings recur: their dates are not compared
    let t = "On Monday, September 14, Putin met Lukashenko in Sochi. In October 2000, at a \
             similar meeting in Sochi with Lukashenko, Putin said the same.";
    let fs = figs(t);
    assert!(fs.iter().all(|f| f.same_as.is_empty()));
}

#[test]
fn restyle_in_the_figures_own_style() {
    let a = "Are we producing 24 million tonnes of oil?";
    let b = "Are we producing 25 million tonnes of oil?";
    let fa = figs(a);
    let fb = figs(b);
    assert_eq!(fa[0].restyle(a, &fb[0], b), "25 million tonnes");
    let a = "Just imagine: almost 2,000 km.";
    let b = "It is 1,200 kilometres long.";
    let (fa, fb) = (figs(a), figs(b));
    assert_eq!(fa[0].restyle(a, &fb[0], b), "1,200 km");
    let a = "all twenty-eight programmes";
    let b = "all 30 programmes";
    let (fa, fb) = (figs(a), figs(b));
    assert_eq!(fa[0].restyle(a, &fb[0], b), "thirty programmes");
    let a = "Congress gave $1.4 billion.";
    let b = "Congress gave $1.375 billion.";
    let (fa, fb) = (figs(a), figs(b));
    assert_eq!(fa[0].restyle(a, &fb[0], b), "$1.375 billion");
    let a = "the parade on May 9, 2025.";
    let b = "the parade on 10 May 2025.";
    let (fa, fb) = (figs(a), figs(b));
    assert_eq!(fa[0].restyle(a, &fb[0], b), "May 10, 2025");
    let a = "it grew roughly six percent";
    let b = "it grew 5.7 percent";
    let (fa, fb) = (figs(a), figs(b));
    assert_eq!(fa[0].restyle(a, &fb[0], b), "5.7 percent");
    assert_eq!(fb[0].restyle(b, &fa[0], a), "roughly 6 percent");
}

#[test]
fn describe_gives_value_and_interval() {
    let t = "It is almost 2,000 km long.";
    let fs = figs(t);
    let d = fs[0].describe();
    assert!(d.contains("2,000") || d.contains("2000"), "{d}");
    assert!(
        d.contains("between") && d.contains("almost") && d.contains("length"),
        "{d}"
    );
    let t = "in 1998";
    let d = figs(t)[0].describe();
    assert!(d.contains("1998"), "{d}");
}

// ------------------------------------------------------------------ index

/// Index (or re-index) `text` as document `doc`, its statements
/// fingerprinted by their text as a corpus fingerprints them by their words.
fn put(ix: &mut FigureIndex, doc: DocId, rank: u64, text: &str) -> Vec<DocId> {
    put_dated(ix, doc, rank, None, text)
}

/// [`put`] for a document published on day number `day`.
fn put_dated(
    ix: &mut FigureIndex,
    doc: DocId,
    rank: u64,
    day: Option<i64>,
    text: &str,
) -> Vec<DocId> {
    let mut toks = tokenize(text);
    let sents = sentences::split(text, &mut toks);
    let stmts = statements::segment(text, &toks, &sents);
    let fs = extract(text, &toks, &sents, &stmts);
    let hashes = signatures(&fs, text, |st| {
        use std::hash::{Hash, Hasher};
        let s = stmts.get(st as usize)?;
        let mut h = std::collections::hash_map::DefaultHasher::new();
        s.span.of(text).hash(&mut h);
        Some(h.finish())
    });
    ix.update(
        doc,
        rank,
        day.map(|d| (d, d)),
        std::sync::Arc::new(fs),
        hashes,
    )
}

const OIL_25: &str = "Belarus president said: \"Power industry. Are we producing gas? No, we \
                      receive natural gas from fraternal Russia. Are we producing 25 million \
                      tonnes of oil to provide oil refineries? No.\"";
const OIL_24: &str = "For example, energy. \"Do we produce gas? No. We get natural gas from the \
                      fraternal Russia. Do we produce 24 million tonnes of oil that we have the \
                      capacities to process? We have two modernized refineries.\"";
const OIL_25B: &str = "For example, energy. \"Do we produce gas? No. We get natural gas from the \
                       fraternal Russia. Do we produce 25 million tonnes of oil that we have the \
                       capacities to process? We have two modernized refineries.\"";

fn never(_: (u32, u32), _: (u32, u32)) -> bool {
    false
}

#[test]
fn index_update_creates_and_resolves_a_conflict() {
    let mut ix = FigureIndex::default();
    assert!(put(&mut ix, 1, 1, OIL_25).is_empty());
    // a second document disagreeing: the first must be refreshed
    assert_eq!(put(&mut ix, 2, 2, OIL_24), vec![1]);
    let c1 = ix.conflicts(1, &never);
    let c2 = ix.conflicts(2, &never);
    assert_eq!(c1.len(), 1, "{c1:?}");
    assert_eq!(c1[0].others, vec![(2, c2[0].figure)]);
    assert_eq!(c2[0].others, vec![(1, c1[0].figure)]);
    // the edit that resolves it also names the first document
    assert_eq!(put(&mut ix, 2, 2, OIL_25B), vec![1]);
    assert!(ix.conflicts(1, &never).is_empty());
    assert!(ix.conflicts(2, &never).is_empty());
    // same quantity, whatever the values
    assert_eq!(ix.same_quantity(1, c1[0].figure, &never).len(), 1);
    // an edit elsewhere in the text that leaves the figures alone touches
    // nobody else
    assert!(put(&mut ix, 2, 2, &format!("{OIL_25B} Thanks.")).is_empty());
    // nor does one that moves them, shifting their offsets and the indices
    // of their statements: the first document's conflicts are the same
    put(&mut ix, 2, 2, OIL_24);
    let before = ix.conflicts(1, &never);
    assert_eq!(before.len(), 1);
    assert!(put(&mut ix, 2, 2, &format!("In Minsk, talks went on. {OIL_24}")).is_empty());
    assert_eq!(ix.conflicts(1, &never), before);
    // removal: the other document loses a conflict partner
    assert_eq!(ix.remove(2), vec![1]);
    assert!(ix.conflicts(1, &never).is_empty());
}

#[test]
fn index_uses_the_claim_predicate() {
    // different wording, but the claim index says the statements match
    let a = "Officials said the new bridge cost $40 million.";
    let b = "In the end, its total cost came to $55 million.";
    let c = "One cost estimate was $30 million and another cost estimate was $55 million.";
    let (fa, fb, fc) = (figs(a), figs(b), figs(c));
    assert_eq!(fa[0].key(), Some(("USD", "cost")));
    assert_eq!(fa[0].key(), fb[0].key());
    let mut ix = FigureIndex::default();
    put(&mut ix, 1, 1, a);
    put(&mut ix, 2, 2, b);
    // without a claim link and with few shared words: not one quantity
    assert!(ix.conflicts(1, &never).is_empty());
    let yes = |_: (u32, u32), _: (u32, u32)| true;
    let c1 = ix.conflicts(1, &yes);
    assert_eq!(c1.len(), 1);
    assert_eq!(c1[0].others, vec![(2, 0)]);
    assert_eq!(ix.same_quantity(1, 0, &yes), vec![(2, 0)]);
    // a statement with two costs pairs them in order, not every one with
    // every one
    assert_eq!(fc.iter().filter(|f| f.key() == fa[0].key()).count(), 2);
    put(&mut ix, 3, 3, c);
    let c3 = ix.conflicts(3, &yes);
    assert!(
        c3.iter().all(|c| !c.others.iter().any(|o| o.0 == 1)),
        "{c3:?}"
    );
}

#[test]
fn index_skips_documents_with_other_values_for_the_key() {
    // the article itself gives two values for wall money: it is not one
    // quantity there, so it is not matched by description
    let a = "Congress gives $1.375 billion for the wall, as opposed to the $5.7 billion for \
             the wall that Trump wants for the border wall.";
    let b = "Trump will get $8 billion for the wall on the border, Trump said of the wall.";
    let mut ix = FigureIndex::default();
    put(&mut ix, 1, 1, a);
    put(&mut ix, 2, 2, b);
    assert!(ix.conflicts(2, &never).is_empty());
}

/// Pseudo-random documents built from fragments that stress the number,
/// date and unit grammars, run through extraction, rendering and the index.
#[test]
fn random_documents_never_panic() {
    const FRAGMENTS: &[&str] = &[
        "1",
        "2,000",
        "5.7",
        "1.375",
        "12,34,567",
        "1.111,11",
        "0",
        "00",
        "9/11",
        "½",
        "-",
        "–",
        "—",
        ".",
        ",",
        ":",
        ";",
        "(",
        ")",
        "$",
        "€",
        "£",
        "US",
        "$",
        "%",
        "percent",
        "per",
        "cent",
        "million",
        "bn",
        "k",
        "M",
        "km",
        "kilometres",
        "tonnes",
        "of",
        "oil",
        "people",
        "killed",
        "injured",
        "at",
        "least",
        "more",
        "than",
        "almost",
        "about",
        "between",
        "and",
        "or",
        "to",
        "twenty",
        "-",
        "eight",
        "one",
        "and",
        "a",
        "half",
        "a",
        "dozen",
        "hundreds",
        "thousand",
        "May",
        "9",
        "9th",
        "December",
        "25",
        "1998",
        "2024",
        "2026",
        "1970s",
        "these",
        "days",
        "years",
        "ago",
        "the",
        "death",
        "toll",
        "rose",
        "from",
        "earlier",
        "expected",
        "\n",
        "\n\n",
        "Title",
        "Agreement",
        "on",
        "Equal",
        "Rights",
        "specifically",
        "roughly",
        "Sept",
        "a",
        "distance",
        "imagine",
        "USD115",
        "aud$",
        "cents",
        "dollars",
        "pounds",
        "m2",
        "3/4",
        "¾",
        "10:32",
        "Published",
        "date",
        "2020-09-14",
        "100",
        "200",
        "years",
        "of",
        "friendship",
        "Лукашенко",
        "五",
        "🙂",
        "’s",
        "'s",
        "\"",
        "“",
        "”",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut ix = FigureIndex::default();
    for doc in 0..3000u32 {
        let n = (next() % 60) as usize;
        let mut text = String::new();
        for _ in 0..n {
            let f = FRAGMENTS[(next() % FRAGMENTS.len() as u64) as usize];
            let f = f.replace("\\n", "\n").replace("\\\"", "\"");
            if next() % 4 != 0 {
                text.push(' ');
            }
            text.push_str(&f);
        }
        let fs = figs(&text);
        for f in &fs {
            let _ = f.describe();
            if let Some(g) = fs.first() {
                let _ = f.restyle(&text, g, &text);
            }
        }
        let hashes = signatures(&fs, &text, |st| Some(st as u64));
        ix.update(
            doc % 50,
            (doc % 50) as u64,
            None,
            std::sync::Arc::new(fs),
            hashes,
        );
        let _ = ix.conflicts(doc % 50, &never);
        let _ = crate::analysis::dates::article_date(&text);
    }
}

#[test]
fn never_panics_on_odd_input() {
    let samples = [
        "",
        " ",
        "$",
        "€€€ 5",
        "-",
        "--5",
        "5-",
        "1,",
        ",1",
        "1..2",
        "1.2.3.4.5.6",
        "9999999999999999999999999",
        "0.0000000001%",
        "a a a a",
        "and and",
        "one and",
        "hundred thousand million billion",
        "between and",
        "from to",
        "May",
        "May 32",
        "February 29, 2023",
        "2024–",
        "–2026",
        "1970s-",
        "½ ⅔",
        "１２３",
        "٣٤٥",
        "五",
        "🙂 5 🙂",
        "\u{202f}5\u{202f}000",
        "5\u{0301}0",
        "twenty-",
        "-twenty",
        "a third of",
        "the 19 Sept. 11",
        "12:",
        ":30",
        "$1.5 billion-",
        "per cent of",
        "percent of",
        "US$",
        "C $",
        "3 1/",
        "1/0",
        "0/0",
        "Rs. 5",
        "5 Rs.",
        "10 km/",
        "10km/hr",
        "1e10",
        "1.1^23",
    ];
    for s in samples {
        let _ = figs(s);
        let _ = crate::analysis::dates::article_date(s);
    }
    // every char boundary slice of a real text
    let t = "Almost 2,000 km – roughly 5.7% of $1.4 billion on May 9, 2025 (twenty-eight).";
    for (i, _) in t.char_indices() {
        let _ = figs(&t[i..]);
        let _ = figs(&t[..i]);
    }
}

/// Debugging aid: `CLAIMLENS_DUMP=file.txt cargo test --lib dump_figures -- --ignored --nocapture`
#[test]
#[ignore]
fn dump_figures() {
    let Ok(paths) = std::env::var("CLAIMLENS_DUMP") else {
        return;
    };
    for p in paths.split(':') {
        let text = std::fs::read_to_string(p).unwrap();
        println!("=== {p}");
        let fs = figs(&text);
        for (i, f) in fs.iter().enumerate() {
            println!(
                "{i:3} s{:<3} {:40} | {:9} {:10} thing={:?} q={:?} [{}, {}] flags={:#x} same={:?}",
                f.sentence,
                format!("{:?}", f.span.of(&text)),
                f.dim.as_str(),
                f.shown_unit,
                f.thing,
                f.qualifier,
                render::plain(f.low),
                render::plain(f.high),
                f.flags,
                f.same_as
            );
        }
    }
}

/// Debugging aid: every cross-document candidate pair (same key, both
/// comparable) with its evidence.
/// `CLAIMLENS_PAIRS=a.txt:b.txt:… cargo test --lib dump_pairs -- --ignored --nocapture`
#[test]
#[ignore]
fn dump_pairs() {
    let Ok(paths) = std::env::var("CLAIMLENS_PAIRS") else {
        return;
    };
    let docs: Vec<(String, String, Vec<Figure>)> = paths
        .split(':')
        .map(|p| {
            let t = std::fs::read_to_string(p).unwrap();
            let f = figs(&t);
            (p.rsplit('/').next().unwrap().to_string(), t, f)
        })
        .collect();
    for (a, (na, ta, fa)) in docs.iter().enumerate() {
        for (nb, tb, fb) in docs.iter().skip(a + 1) {
            for f in fa {
                for g in fb {
                    if f.key().is_none() || f.key() != g.key() || !link::comparable_pair(f, g) {
                        continue;
                    }
                    let (n, s) = link::similarity(f.context(), g.context());
                    let (ln, ls) = link::similarity(f.local(), g.local());
                    println!(
                        "{:5} {}:{:?} ~ {}:{:?} key={:?} ctx=({n},{s:.2}) local=({ln},{ls:.2}) names={} mag={} flags={:#x}/{:#x} disagree={}",
                        link::same_by_description(f, g),
                        na,
                        f.span.of(ta),
                        nb,
                        g.span.of(tb),
                        f.key(),
                        link::names_agree(f, g),
                        link::same_magnitude(f, g),
                        f.flags,
                        g.flags,
                        link::disagree(f, g)
                    );
                }
            }
        }
    }
}

/// Debugging aid: the conflicts of a corpus through [`crate::analysis::corpus::Corpus`].
#[test]
#[ignore]
fn dump_corpus_conflicts() {
    use crate::analysis::corpus::Corpus;
    let Ok(paths) = std::env::var("CLAIMLENS_PAIRS") else {
        return;
    };
    let files: Vec<(std::path::PathBuf, std::sync::Arc<str>)> = paths
        .split(':')
        .map(|p| (p.into(), std::fs::read_to_string(p).unwrap().into()))
        .collect();
    let c = Corpus::build(Default::default(), files);
    for (id, d) in c.documents() {
        for f in c.findings(id) {
            let fig = c.figure_at(id, f.span.start as usize).unwrap().1;
            println!(
                "{} {:?} names={:?} flags={:#x} :: {}",
                d.path.display(),
                f.span.of(&d.text),
                fig.names(),
                fig.flags,
                f.message
            );
            for (od, os, _) in &f.related {
                let g = c.figure_at(*od, os.start as usize).unwrap().1;
                println!(
                    "   other names={:?} flags={:#x} desc={} cand={}",
                    g.names(),
                    g.flags,
                    link::same_by_description(fig, g),
                    link::comparable_pair(fig, g)
                );
            }
        }
    }
}

#[test]
#[ignore]
fn dbg_tokens() {
    let text = std::env::var("CLAIMLENS_TEXT").unwrap_or_default();
    let mut toks = tokenize(&text);
    let sents = sentences::split(&text, &mut toks);
    for s in &sents {
        println!("SENT {:?}", s.of(&text));
    }
    for t in &toks {
        println!("{:?} {:#x}", t.text(&text), t.flags);
    }
}

/// Throughput of figure extraction alone and of the whole per-document
/// pipeline, over the seed and real corpora repeated to about 8 MB, one
/// article at a time (as the server sees them):
/// `cargo test --release --lib bench_figures -- --ignored --nocapture`
#[test]
#[ignore]
fn bench_figures() {
    let dirs = ["/work/shared/corpus/seeds", "/work/shared/corpus-real"];
    let mut files = Vec::new();
    for d in dirs {
        let mut stack = vec![std::path::PathBuf::from(d)];
        while let Some(p) = stack.pop() {
            let Ok(rd) = std::fs::read_dir(&p) else {
                continue;
            };
            for e in rd.flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if let Ok(t) = std::fs::read_to_string(&p) {
                    files.push(t);
                }
            }
        }
    }
    if files.is_empty() {
        return;
    }
    let mut docs = Vec::new();
    let mut total = 0;
    let size: usize = std::env::var("BENCH_BYTES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(8_000_000);
    while total < size {
        for f in &files {
            total += f.len();
            docs.push(f.clone());
        }
    }
    let prepared: Vec<_> = docs
        .iter()
        .map(|t| {
            let mut toks = tokenize(t);
            let sents = sentences::split(t, &mut toks);
            let stmts = statements::segment(t, &toks, &sents);
            (t, toks, sents, stmts)
        })
        .collect();
    let mb = total as f64 / 1e6;
    // the best of three runs (the machine is shared); each document is
    // tokenized right before its figures are extracted, as in `analyze`,
    // and only the extraction is timed
    // on-CPU time of this thread, in seconds (robust to a loaded machine)
    let cpu = || -> f64 {
        std::fs::read_to_string("/proc/thread-self/schedstat")
            .ok()
            .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
            .map(|ns| ns / 1e9)
            .unwrap_or(0.0)
    };
    if std::env::var("BENCH_ANALYZE_ONLY").is_ok() {
        for d in &docs {
            std::hint::black_box(crate::analysis::analyze(d, &Default::default()));
        }
        return;
    }
    if let Ok(reps) = std::env::var("BENCH_WARM_ONLY") {
        for _ in 0..reps.parse::<usize>().unwrap_or(8) {
            for d in &docs {
                let mut toks = tokenize(d);
                let sents = sentences::split(d, &mut toks);
                let stmts = statements::segment(d, &toks, &sents);
                std::hint::black_box(extract(d, &toks, &sents, &stmts));
            }
        }
        return;
    }
    // CPU time of the loop with extraction minus the same loop without
    let mut with = f64::INFINITY;
    let mut without = f64::INFINITY;
    let mut dt = f64::INFINITY;
    let mut n = 0;
    for _ in 0..3 {
        let c0 = cpu();
        for d in &docs {
            let mut toks = tokenize(d);
            let sents = sentences::split(d, &mut toks);
            let stmts = statements::segment(d, &toks, &sents);
            std::hint::black_box((&toks, &sents, &stmts));
        }
        without = without.min(cpu() - c0);
        let (t0, c0) = (std::time::Instant::now(), cpu());
        n = 0;
        for d in &docs {
            let mut toks = tokenize(d);
            let sents = sentences::split(d, &mut toks);
            let stmts = statements::segment(d, &toks, &sents);
            n += extract(d, &toks, &sents, &stmts).len();
        }
        with = with.min(cpu() - c0);
        dt = dt.min(t0.elapsed().as_secs_f64());
    }
    let dt_cpu = with - without;
    println!(
        "extract on-CPU: {:.3} s = {:.1} MB/s per core",
        dt_cpu,
        total as f64 / 1e6 / dt_cpu
    );
    println!(
        "extract: {n} figures from {mb:.1} MB in {dt:.3} s = {:.1} MB/s",
        mb / dt
    );
    let t0 = std::time::Instant::now();
    let (mut cands, mut raws) = (0, 0);
    let mut times = [0.0; 3];
    for (t, toks, _, _) in &prepared {
        let (c, r) = super::extract::stage_counts(t, toks, &mut times);
        cands += c;
        raws += r;
    }
    let dt = t0.elapsed().as_secs_f64();
    let ntok: usize = prepared.iter().map(|p| p.1.len()).sum();
    println!(
        "  stages: {ntok} tokens, {cands} candidates, {raws} raw figures; {dt:.3} s: context {:.3}, may_start {:.3}, scan {:.3}",
        times[0], times[1], times[2]
    );
    let t0 = std::time::Instant::now();
    for (t, toks, _, _) in &prepared {
        let _ = super::numbers::Scanner::new(t, toks);
    }
    println!(
        "  lower-case + classify alone {:.3} s",
        t0.elapsed().as_secs_f64()
    );
    if let Ok(reps) = std::env::var("BENCH_EXTRACT_ONLY") {
        for _ in 0..reps.parse::<usize>().unwrap_or(4) {
            for (t, toks, sents, stmts) in &prepared {
                std::hint::black_box(extract(t, toks, sents, stmts));
            }
        }
        return;
    }
    let t0 = std::time::Instant::now();
    for d in &docs {
        let _ = crate::analysis::dates::article_date(d);
    }
    let dt = t0.elapsed().as_secs_f64();
    println!(
        "article_date: {mb:.1} MB in {dt:.3} s = {:.1} MB/s",
        mb / dt
    );
    let t0 = std::time::Instant::now();
    for d in &docs {
        let _ = crate::analysis::analyze(d, &Default::default());
    }
    let dt = t0.elapsed().as_secs_f64();
    println!(
        "analyze (whole pipeline): {mb:.1} MB in {dt:.3} s = {:.1} MB/s",
        mb / dt
    );
    let t0 = std::time::Instant::now();
    for d in &docs {
        let mut toks = tokenize(d);
        let _ = sentences::split(d, &mut toks);
    }
    let dt = t0.elapsed().as_secs_f64();
    println!(
        "tokenize + split sentences: {mb:.1} MB in {dt:.3} s = {:.1} MB/s",
        mb / dt
    );
}

/// Debugging aid: `describe()` of every figure of the files in `CLAIMLENS_DUMP`.
#[test]
#[ignore]
fn dump_descriptions() {
    let Ok(paths) = std::env::var("CLAIMLENS_DUMP") else {
        return;
    };
    for p in paths.split(':') {
        let text = std::fs::read_to_string(p).unwrap();
        for f in figs(&text) {
            println!(
                "{:30} => {}",
                format!("{:?}", f.span.of(&text)),
                f.describe()
            );
        }
    }
}

/// All conflicts of an index, each figure named by (rank of its document,
/// index), for comparing indexes whose documents have different ids.
fn ranked_conflicts(
    ix: &FigureIndex,
    docs: &[(DocId, u64)],
) -> std::collections::BTreeMap<(u64, u32), Vec<(u64, u32)>> {
    let rank: std::collections::HashMap<DocId, u64> = docs.iter().copied().collect();
    let mut out = std::collections::BTreeMap::new();
    for &(d, r) in docs {
        for c in ix.conflicts(d, &never) {
            let mut others: Vec<(u64, u32)> =
                c.others.iter().map(|&(o, j)| (rank[&o], j)).collect();
            others.sort_unstable();
            out.insert((r, c.figure), others);
        }
    }
    out
}

fn yes(_: (u32, u32), _: (u32, u32)) -> bool {
    true
}

fn others(ix: &FigureIndex, doc: DocId) -> Vec<DocId> {
    let mut v: Vec<DocId> = ix
        .conflicts(doc, &yes)
        .into_iter()
        .flat_map(|c| c.others.into_iter().map(|(d, _)| d))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[test]
fn figures_of_articles_far_apart_in_time_are_not_compared() {
    let mut ix = FigureIndex::within(Some(30));
    put_dated(&mut ix, 1, 1, Some(18_000), OIL_25);
    // 40 days later: another moment, not another version
    assert!(put_dated(&mut ix, 2, 2, Some(18_040), OIL_24).is_empty());
    assert!(others(&ix, 1).is_empty());
    assert!(ix.same_quantity(2, 0, &yes).is_empty());
    // an undated article is compared with every other
    assert_eq!(put_dated(&mut ix, 3, 3, None, OIL_24), vec![1]);
    assert_eq!(others(&ix, 1), vec![3]);
    assert_eq!(others(&ix, 3), vec![1]);
    assert!(others(&ix, 2).is_empty());
    // moving the second article's date near the first's names the first
    // and makes the conflict; 30 days apart is still near
    assert_eq!(put_dated(&mut ix, 2, 2, Some(18_030), OIL_24), vec![1]);
    assert_eq!(others(&ix, 1), vec![2, 3]);
    assert_eq!(others(&ix, 2), vec![1]);
    // and back out of reach
    assert_eq!(put_dated(&mut ix, 2, 2, Some(18_031), OIL_24), vec![1]);
    assert_eq!(others(&ix, 1), vec![3]);
    // without a window every date is compared; changing the window gives
    // what an index built with it gives
    ix.set_window(None);
    assert_eq!(others(&ix, 1), vec![2, 3]);
    ix.set_window(Some(30));
    assert_eq!(others(&ix, 1), vec![3]);
}

/// Two reports of one day disagreeing, among many figures of the same key
/// from other years whose values lie between theirs: without a window they
/// are too far apart in value order to be neighbours; with one they share a
/// period bucket, where they are.
#[test]
fn a_window_finds_disagreements_among_other_years_values() {
    let text = |v: &str| OIL_25.replace("25 million", &format!("{v} million"));
    let build = |window: Option<u32>| {
        let mut ix = FigureIndex::within(window);
        for i in 0..1000u32 {
            // other years, one per 100 days: never within 30 days of another
            let v = format!("24.{:03}", i + 1);
            put_dated(
                &mut ix,
                10 + i,
                u64::from(i) * 7919 + 11,
                Some(20_000 + 100 * i64::from(i)),
                &text(&v),
            );
        }
        put_dated(&mut ix, 1, 1, Some(10_000), &text("24"));
        put_dated(&mut ix, 2, 2, Some(10_001), &text("25"));
        ix
    };
    let windowed = build(Some(30));
    assert_eq!(others(&windowed, 1), vec![2]);
    assert_eq!(others(&windowed, 2), vec![1]);
    // the other years' figures conflict with nobody within 30 days
    assert!(others(&windowed, 500).is_empty());
    let open = build(None);
    assert!(!others(&open, 1).contains(&2), "{:?}", others(&open, 1));
}

/// A bucket far larger than the neighbourhoods: answers still do not
/// depend on ids, arrival order or history, conflicts are symmetric, and
/// every update names (at least) the documents whose conflicts changed.
#[test]
fn bounded_neighbourhoods_are_order_free_symmetric_and_updates_name_what_changed() {
    bounded_neighbourhoods(None, &|_| None);
    // dated articles, some near each other and some far, some undated: a
    // figure is in its key's bucket and two period buckets
    bounded_neighbourhoods(Some(30), &|i| {
        (!i.is_multiple_of(7)).then_some(18_000 + (i % 10) as i64 * 20)
    });
}

fn bounded_neighbourhoods(window: Option<u32>, day: &dyn Fn(usize) -> Option<i64>) {
    use super::index::{SAMPLE_RADIUS, VALUE_RADIUS};
    let n = 300usize;
    let text = |i: usize| if i.is_multiple_of(3) { OIL_24 } else { OIL_25 };
    let rank = |i: usize| (i as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    // A: ids in order, loaded at once
    let mut a = FigureIndex::within(window);
    let docs_a: Vec<(DocId, u64)> = (0..n).map(|i| (i as DocId, rank(i))).collect();
    for &(d, r) in &docs_a {
        put_dated(&mut a, d, r, day(d as usize), text(d as usize));
    }
    let want = ranked_conflicts(&a, &docs_a);
    assert!(
        want.len() > 2 * (VALUE_RADIUS + SAMPLE_RADIUS),
        "{}",
        want.len()
    );
    // symmetric
    for ((r, f), others) in &want {
        for (o, g) in others {
            assert!(
                want.get(&(*o, *g))
                    .is_some_and(|back| back.contains(&(*r, *f))),
                "conflict ({r}, {f}) -> ({o}, {g}) is not shown on the other side"
            );
        }
    }
    // B: ids reversed, loaded in reverse, with a history; after every step
    // the documents whose conflicts changed are among those named
    let mut b = FigureIndex::within(window);
    let id_b = |i: usize| (n - 1 - i) as DocId;
    let mut live: Vec<(DocId, u64)> = Vec::new();
    for i in (0..n).rev() {
        put_dated(&mut b, id_b(i), rank(i), day(i), text(i));
        live.push((id_b(i), rank(i)));
    }
    let by_doc = |ix: &FigureIndex, live: &[(DocId, u64)]| -> Vec<(DocId, Vec<Conflict>)> {
        live.iter()
            .map(|&(d, _)| (d, ix.conflicts(d, &never)))
            .collect()
    };
    let check = |before: Vec<(DocId, Vec<Conflict>)>,
                 after: Vec<(DocId, Vec<Conflict>)>,
                 edited: DocId,
                 named: &[DocId]| {
        let after: std::collections::HashMap<DocId, Vec<Conflict>> = after.into_iter().collect();
        for (d, c) in before {
            if d != edited && after.get(&d).is_some_and(|x| *x != c) {
                assert!(named.contains(&d), "document {d} changed but was not named");
            }
        }
    };
    let extra: Vec<(DocId, u64)> = (0..40)
        .map(|k| ((n + k) as DocId, u64::MAX - k as u64))
        .collect();
    for (k, &(d, r)) in extra.iter().enumerate() {
        let before = by_doc(&b, &live);
        let named = put_dated(&mut b, d, r, day(k), OIL_24);
        live.push((d, r));
        check(before, by_doc(&b, &live), d, &named);
    }
    // edits of the text, then of the date alone (moving an article in time)
    for (i, txt, when) in [
        (7, OIL_24, day(7)),
        (7, OIL_25, day(7)),
        (9, OIL_25B, day(9)),
        (11, text(11), day(3)),
        (11, text(11), None),
        (11, text(11), day(11)),
    ] {
        let d = id_b(i);
        let before = by_doc(&b, &live);
        let named = put_dated(&mut b, d, rank(i), when, txt);
        check(before, by_doc(&b, &live), d, &named);
    }
    put_dated(&mut b, id_b(9), rank(9), day(9), text(9));
    for &(d, _) in &extra {
        let before = by_doc(&b, &live);
        let named = b.remove(d);
        live.retain(|x| x.0 != d);
        check(before, by_doc(&b, &live), d, &named);
    }
    let docs_b: Vec<(DocId, u64)> = (0..n).map(|i| (id_b(i), rank(i))).collect();
    assert_eq!(ranked_conflicts(&b, &docs_b), want);
}

#[test]
fn word_hashes_keep_their_three_parts_apart() {
    let w = WordHashes::new(&[1, 5, 9], &[], &[2, 3]);
    assert_eq!(
        (w.context(), w.local(), w.names()),
        (&[1, 5, 9][..], &[][..], &[2, 3][..])
    );
    let w = WordHashes::new(&[], &[7], &[]);
    assert_eq!(
        (w.context(), w.local(), w.names()),
        (&[][..], &[7][..], &[][..])
    );
    assert!(w.is_well_formed());
    // bounds read back from a damaged cache: no panic, empty parts, flagged
    let bad: WordHashes =
        postcard::from_bytes(&postcard::to_stdvec(&(vec![1u32, 2], 5u32, 1u32)).unwrap()).unwrap();
    assert!(!bad.is_well_formed());
    assert_eq!((bad.local(), bad.names()), (&[][..], &[2][..]));
}
