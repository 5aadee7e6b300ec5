//! When two figures give the same quantity.
//!
//! A long transcript holds many figures of one unit that are rightly
//! different ("60 percent of trade", "90 percent of payments"), so two
//! figures are taken to give one quantity only on positive evidence, the
//! kind a careful reader uses:
//!
//! * **anaphora** — "these 60 days" points back at the nearest earlier
//!   figure of its unit ("a ceasefire for 30 days");
//! * **restatement** — "roughly nine percent – specifically 5.7 percent",
//!   "135 (137)": the second figure restates the first;
//! * **re-mention** — a figure with no description of its own ("a distance
//!   of 1,200 km", "Just imagine: almost 2,000 km.") takes the nearest
//!   earlier figure of its unit a few sentences back;
//! * **headline support** — a figure in the headline is the story's key
//!   figure, and the body should give it too: when the body gives figures of
//!   that unit about that thing, one of them should agree;
//! * **shared description** — the same measured thing, the same time scope,
//!   and much the same words around both ("tonnes of oil" in two
//!   translations of one remark; "the 1998 Agreement … on Equal Rights"
//!   and "the treaty of 1998 on equal rights").
//!
//! Across documents only the last applies, or the two statements make the
//! same claim (the claim index says so). Figures the text itself marks as
//! earlier values, increments, rates or new levels after a change are kept
//! out of comparisons that would be unfair to them.

use rustc_hash::FxHashMap;

use crate::analysis::span::Span;
use crate::analysis::tokens::Token;

use super::interval::disjoint;
use super::units::Dim;
use super::{Figure, flag};

/// How many content words two contexts share, and that over the smaller.
pub fn similarity(a: &[u32], b: &[u32]) -> (usize, f64) {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    let m = a.len().min(b.len()).max(1);
    (n, n as f64 / m as f64)
}

/// Context evidence strong enough to take two figures with the same
/// measured thing for one quantity.
pub fn strong_context(a: &Figure, b: &Figure) -> bool {
    let (n, s) = similarity(a.context(), b.context());
    n >= 4 && s >= 0.25
}

/// Evidence from the words naming the thing, for two figures of one
/// document: three shared words nearby, a third of the smaller set.
pub fn strong_local(a: &Figure, b: &Figure) -> bool {
    let (n, s) = similarity(a.local(), b.local());
    n >= 3 && s >= 0.3
}

/// Stated values within a factor of three. Two reports of one quantity
/// rarely differ by more; figures further apart are nearly always two
/// quantities the matching conflated ("four hours" and "twenty years",
/// eight years' earnings and three years' fees).
pub fn same_magnitude(a: &Figure, b: &Figure) -> bool {
    let (x, y) = (a.value.abs(), b.value.abs());
    if x == 0.0 || y == 0.0 || a.dim == Dim::Date {
        return true;
    }
    x / y <= 3.0 && y / x <= 3.0
}

/// Dates are compared only when they belong to a named instrument (a
/// treaty, a law), which has one date; meetings and elections recur.
pub fn dated_uniquely(f: &Figure) -> bool {
    f.dim != Dim::Date || matches!(f.thing.as_deref(), Some("agreement" | "law"))
}

/// Do two figures name the same people or places next to them, or both
/// none? "Jeb Bush released 33 years of returns" and "Clinton … released
/// eight years of tax returns" are about different subjects; "Bush paid a
/// rate of roughly 36 percent" and "the couple paid a rate of 31.55
/// percent" may be too.
pub fn names_agree(a: &Figure, b: &Figure) -> bool {
    (a.names().is_empty() && b.names().is_empty()) || similarity(a.names(), b.names()).0 > 0
}

/// Two figures of different documents that describe one quantity, by
/// what the texts say around them: the same measured thing (checked by the
/// caller), neither a projection nor from a document that gives several
/// values for it, the same order of magnitude, no contradicting names, and
/// much the same words around them.
pub fn same_by_description(a: &Figure, b: &Figure) -> bool {
    !a.has(flag::MULTI | flag::PROJECTED)
        && !b.has(flag::MULTI | flag::PROJECTED)
        && same_magnitude(a, b)
        && names_agree(a, b)
        && strong_context(a, b)
}

/// Same measured thing, both known.
pub fn same_thing(a: &Figure, b: &Figure) -> bool {
    matches!((&a.thing, &b.thing), (Some(x), Some(y)) if x == y)
}

/// Same thing, or one of them says nothing about what it measures (a bare
/// "almost 2,000 km", "30 years ago").
pub fn loose_thing(a: &Figure, b: &Figure) -> bool {
    match (&a.thing, &b.thing) {
        (Some(x), Some(y)) => x == y || base_thing(x) == base_thing(y),
        _ => true,
    }
}

fn base_thing(t: &str) -> &str {
    t.split(['~', '/']).next().unwrap_or(t)
}

/// Necessary conditions for two figures to give one quantity: comparable
/// at all, the same base unit, compatible time scopes, and neither a rate
/// unless both are.
pub fn comparable_pair(a: &Figure, b: &Figure) -> bool {
    a.comparable()
        && b.comparable()
        && a.unit == b.unit
        && a.dim == b.dim
        && (a.scope == 0 || b.scope == 0 || a.scope == b.scope)
        && a.has(flag::RATE) == b.has(flag::RATE)
        && a.has(flag::CHANGE) == b.has(flag::CHANGE)
}

/// Do the values of two figures of one quantity disagree?
pub fn disagree(a: &Figure, b: &Figure) -> bool {
    if a.dim == Dim::Date {
        return dates_disagree(a, b);
    }
    disjoint((a.low, a.high), (b.low, b.high))
}

fn dates_disagree(a: &Figure, b: &Figure) -> bool {
    let (Some(da), Some(db)) = (a.date, b.date) else {
        return false;
    };
    if da.year.is_some() && db.year.is_some() {
        return disjoint((a.low, a.high), (b.low, b.high));
    }
    // one without a year: compare what both give
    if a.until.is_some() || b.until.is_some() {
        return false;
    }
    // only at the same granularity: "May 9" against "9 May 2025", never
    // "September 14" against "October 2000"
    match (da.month, db.month, da.day, db.day) {
        (Some(ma), Some(mb), Some(x), Some(y)) => ma != mb || x != y,
        _ => false,
    }
}

/// Where the headline block ends: the short lines at the top that do not
/// end like sentences, before the first body line.
pub fn headline_end(text: &str) -> usize {
    let mut at = 0;
    let mut end = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        if t.is_empty() {
            at += line.len();
            continue;
        }
        // two sentences on one line are prose ("U.S." is not two)
        let inner_ends =
            t.matches(". ").count() + t.matches("? ").count() + t.matches("! ").count();
        let ends = t.ends_with(['.', '?', '!']);
        let body_like = t.len() > 160
            || t.ends_with('.')
            || t.ends_with(".\"")
            || t.ends_with(".”")
            || (inner_ends >= 1 && ends);
        if body_like {
            // a headline block only where a body follows it
            return end;
        }
        at += line.len();
        end = at;
        if at > 1200 {
            return end;
        }
    }
    0
}

/// Where the lede ends: the first body line after the headline block that
/// reads as prose (the paragraph a headline summarises).
pub fn lede_end(text: &str, head: usize) -> usize {
    let mut at = head;
    for line in text[head.min(text.len())..].split_inclusive('\n') {
        at += line.len();
        let t = line.trim();
        if t.len() > 80 || t.ends_with('.') {
            return at;
        }
    }
    at
}

/// Link the figures of one document that give the same quantity (fills
/// [`Figure::same_as`]) and mark headline figures.
pub fn link_document(text: &str, toks: &[Token], sentences: &[Span], figs: &mut [Figure]) {
    let _ = (toks, sentences);
    let head = headline_end(text) as u32;
    let lede = lede_end(text, head as usize) as u32;
    for f in figs.iter_mut() {
        if f.span.end <= head {
            f.flags |= flag::HEADLINE;
        }
    }
    let mut links: Vec<(usize, usize)> = Vec::new();
    for i in 0..figs.len() {
        let f = &figs[i];
        if !f.comparable() {
            continue;
        }
        // anaphora: "these 60 days"
        if f.has(flag::DEMONSTRATIVE)
            && let Some(j) = antecedent(figs, i, 40)
        {
            links.push((j, i));
        }
        // re-mention: "a distance of 1,200 km", "Just imagine: almost 2,000 km."
        if f.has(flag::REMENTION)
            && f.dim != Dim::Date
            && let Some(j) = antecedent(figs, i, 4)
        {
            links.push((j, i));
        }
        // restatement: "roughly nine percent – specifically 5.7 percent",
        // "135 (137)"
        if i > 0 {
            let g = &figs[i - 1];
            if g.comparable() && g.unit == f.unit && g.dim == f.dim && restates(text, g, f) {
                links.push((i - 1, i));
            }
        }
        // shared description: within a document only for the date of a
        // named instrument ("the 1998 Agreement … on Equal Rights", "the
        // treaty of 1998 on equal rights"); other things a text describes
        // alike often have several facets ("requested", "approved",
        // "total")
        if f.dim != Dim::Date || !dated_uniquely(f) {
            continue;
        }
        for (j, g) in figs.iter().enumerate().take(i) {
            if g.sentence == f.sentence
                || !comparable_pair(g, f)
                || !same_thing(g, f)
                || !dated_uniquely(f)
                || g.has(flag::NEW_LEVEL)
                || f.has(flag::NEW_LEVEL)
                || g.has(flag::HEADLINE) != f.has(flag::HEADLINE)
            {
                continue;
            }
            if strong_local(g, f) {
                links.push((j, i));
            }
        }
    }
    headline_links(figs, lede, &mut links);
    mark_multi(figs);
    count_twins(figs);
    let mut same_as: Vec<Vec<u32>> = figs.iter().map(|f| f.same_as.to_vec()).collect();
    for (a, b) in links {
        if a == b {
            continue;
        }
        same_as[a].push(b as u32);
        same_as[b].push(a as u32);
    }
    for (f, mut s) in figs.iter_mut().zip(same_as) {
        if !s.is_empty() {
            s.sort_unstable();
            s.dedup();
            f.same_as = s.into();
        }
    }
}

/// The nearest earlier figure of the same unit, within `max_sentences`,
/// whose thing does not contradict.
fn antecedent(figs: &[Figure], i: usize, max_sentences: u32) -> Option<usize> {
    let f = &figs[i];
    (0..i)
        .rev()
        .take_while(|&j| f.sentence.saturating_sub(figs[j].sentence) <= max_sentences)
        .find(|&j| {
            let g = &figs[j];
            comparable_pair(g, f)
                && loose_thing(g, f)
                && same_magnitude(g, f)
                && !g.has(flag::HEADLINE)
        })
}

/// Does `f` restate `g` right after it: only a dash, comma, colon or an
/// opening parenthesis between them, and a restating word or a bracket?
fn restates(text: &str, g: &Figure, f: &Figure) -> bool {
    if g.span.end > f.span.start {
        return false;
    }
    let between = &text[g.span.end as usize..f.span.start as usize];
    let b = between.trim();
    if b.len() > 40 {
        return false;
    }
    let words: Vec<&str> = b
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let connective = words.iter().all(|w| {
        matches!(
            w.to_ascii_lowercase().as_str(),
            "specifically"
                | "namely"
                | "precisely"
                | "exactly"
                | "or"
                | "rather"
                | "that"
                | "is"
                | "i"
                | "e"
                | "to"
                | "be"
                | "precise"
                | "exact"
        )
    });
    let opens_paren = b == "(" || b.ends_with('(');
    let restating = f.has(flag::RESTATES)
        || words.iter().any(|w| {
            matches!(
                w.to_ascii_lowercase().as_str(),
                "specifically" | "namely" | "precisely" | "exactly" | "rather"
            )
        });
    connective && (restating || (opens_paren && words.is_empty()))
}

/// Headline support: a headline figure against the figures of its unit and
/// thing in the lede, the paragraph it summarises. Linked to the lede
/// figures that agree with it, or, when none does, to the one whose
/// surroundings share most words with the headline's (and at least one).
fn headline_links(figs: &[Figure], lede_end: u32, links: &mut Vec<(usize, usize)>) {
    for (i, h) in figs.iter().enumerate() {
        if !h.has(flag::HEADLINE) || !h.comparable() || h.dim == Dim::Date || h.has(flag::PROJECTED)
        {
            continue;
        }
        let cands: Vec<usize> = figs
            .iter()
            .enumerate()
            .filter(|(_, g)| {
                !g.has(flag::HEADLINE)
                    && g.span.start < lede_end
                    && comparable_pair(h, g)
                    && loose_thing(h, g)
                    && same_magnitude(h, g)
                    && !g.has(flag::NEW_LEVEL | flag::CHANGE | flag::PROJECTED)
            })
            .map(|(j, _)| j)
            .collect();
        if cands.is_empty() {
            continue;
        }
        let agree: Vec<usize> = cands
            .iter()
            .copied()
            .filter(|&j| !disagree(h, &figs[j]))
            .collect();
        if !agree.is_empty() {
            links.extend(agree.into_iter().map(|j| (i, j)));
            continue;
        }
        let best = cands
            .iter()
            .copied()
            .map(|j| {
                let thing_bonus = usize::from(same_thing(h, &figs[j]));
                (
                    similarity(h.context(), figs[j].context()).0 + thing_bonus,
                    j,
                )
            })
            .max_by_key(|&(n, j)| (n, std::cmp::Reverse(j)));
        if let Some((n, j)) = best
            && n >= 1
        {
            links.push((i, j));
        }
    }
}

/// Number the figures of one key within each statement (see
/// [`Figure::twins`]).
fn count_twins(figs: &mut [Figure]) {
    // by sentence: a claim link may join a quote or a clause, or the
    // sentence around it; pairing by the sentence's order is the safe one
    let mut groups: FxHashMap<(u32, &str, &str), Vec<usize>> = FxHashMap::default();
    for (i, f) in figs.iter().enumerate() {
        if let Some((u, t)) = f.key() {
            groups.entry((f.sentence, u, t)).or_default().push(i);
        }
    }
    let twins: Vec<(usize, (u8, u8))> = groups
        .values()
        .flat_map(|idx| {
            let n = idx.len().min(255) as u8;
            idx.iter()
                .enumerate()
                .map(move |(at, &i)| (i, (n, at.min(255) as u8)))
        })
        .collect();
    for (i, t) in twins {
        figs[i].twins = t;
    }
}

/// Flag the figures of a key for which the document gives disagreeing
/// values (see [`flag::MULTI`]). Figures are grouped by key first, so the
/// cost follows the size of the groups, not of the document.
fn mark_multi(figs: &mut [Figure]) {
    let mut groups: FxHashMap<(&str, &str), Vec<usize>> = FxHashMap::default();
    for (i, f) in figs.iter().enumerate() {
        if f.comparable()
            && !f.has(flag::PROJECTED)
            && let Some(k) = f.key()
        {
            groups.entry(k).or_default().push(i);
        }
    }
    let mut multi = vec![false; figs.len()];
    for idx in groups.values() {
        for (x, &i) in idx.iter().enumerate() {
            let f = &figs[i];
            for &j in &idx[x + 1..] {
                let g = &figs[j];
                if g.has(flag::RATE) == f.has(flag::RATE)
                    && (f.scope == 0 || g.scope == 0 || f.scope == g.scope)
                    && disagree(f, g)
                {
                    multi[i] = true;
                    multi[j] = true;
                }
            }
        }
    }
    for (f, m) in figs.iter_mut().zip(multi) {
        if m {
            f.flags |= flag::MULTI;
        }
    }
}
