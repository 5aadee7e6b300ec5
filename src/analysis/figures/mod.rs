//! Figures: numbers with their units, qualifiers and what they measure, and
//! the conflicts between figures that measure the same thing.
//!
//! Per document, [`extract()`] reads every figure ([`numbers`]: numbers in
//! digits and words; [`units`]: units and currencies; [`interval`]: hedges
//! and the intervals they give; [`crate::analysis::dates`]: dates;
//! [`extract`](mod@extract): the scan that puts them together), works out
//! what each one measures ([`measure`]: the counted thing, the context
//! words, markers such as "these 30 days" or "earlier"), and links the
//! figures of the document that give the same quantity ([`link`]: anaphora,
//! restatement, re-mention, headline support, shared description). Word
//! classes come from one lookup per word ([`lexicon`]). Across documents,
//! [`index::FigureIndex`] buckets figures by a quantity key (unit and
//! measured thing) so that an edit re-checks only the figures that could be
//! about the same thing; [`render`] writes figures back as text.
//!
//! Two figures conflict when they give the same quantity and the intervals
//! of values they admit ([`interval`]) have nothing in common: "24 million
//! tonnes" against "25 million tonnes", not "almost 2,000 kilometres"
//! against "2,000 km".

pub mod extract;
pub mod index;
pub mod interval;
pub mod lexicon;
pub mod link;
pub mod measure;
pub mod numbers;
pub mod render;
pub mod units;

pub use index::{Conflict, FigureIndex, Published, SameClaim, signatures};
pub use interval::Qualifier;
pub use units::Dim;

use super::dates::Date;
use super::span::Span;
use super::statements::Statement;
use super::tokens::Token;

/// Figure flags (see [`Figure::flags`]).
pub mod flag {
    /// In the headline block at the top of the text.
    pub const HEADLINE: u16 = 1;
    /// Points back at a figure given before: "these 30 days".
    pub const DEMONSTRATIVE: u16 = 2;
    /// A bare re-mention: "a distance of 2,000 km", "Just imagine: almost
    /// 2,000 km."
    pub const REMENTION: u16 = 4;
    /// A value the text itself marks as earlier or replaced ("Earlier, the
    /// minister announced 113", "up from 40").
    pub const SUPERSEDED: u16 = 8;
    /// A new level after a change ("has risen to 135").
    pub const NEW_LEVEL: u16 = 16;
    /// A change rather than a level ("increased by 5.7 percent").
    pub const CHANGE: u16 = 32;
    /// An addition to something else ("1,300 students more", "another 30").
    pub const INCREMENT: u16 = 64;
    /// A rate per something ("$70 a share", "500,000 barrels a day").
    pub const RATE: u16 = 128;
    /// Introduced by a restating connective ("– specifically 5.7 percent").
    pub const RESTATES: u16 = 256;
    /// A relative time ("30 years ago").
    pub const AGO: u16 = 512;
    /// Part of a list or a comparison within its sentence ("from 113 to
    /// 135", "97-1").
    pub const CONTRAST: u16 = 1024;
    /// A date line or time stamp rather than a claim.
    pub const STAMP: u16 = 2048;
    /// A projection, plan or hypothesis ("expected to last four to five
    /// hours", "would cost"), not a reported fact.
    pub const PROJECTED: u16 = 4096;
    /// Its document gives several disagreeing values for its quantity key:
    /// the key is too coarse there to match it with other documents by
    /// context alone.
    pub const MULTI: u16 = 8192;
}

/// How a figure's number was written, for rendering a replacement in the
/// same style.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Style {
    pub form: numbers::Form,
    /// Span of the number itself ("24", "twenty-eight", "1.4").
    pub number: Span,
    /// Multiplier written after the number ("million" → 1e6), 1 when none.
    pub scale: f64,
    /// Span of the qualifier words, if any ("almost").
    pub qualifier: Option<Span>,
    /// Decimal places written.
    pub decimals: u8,
    /// Thousands separator written (',', '.', ' '), if any.
    pub separator: Option<char>,
}

/// A figure in the text.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Figure {
    /// The whole figure with its qualifier: "almost 2,000 kilometres".
    pub span: Span,
    /// Lower and upper bound of the value, in the unit's base (tonnes,
    /// metres, days, dollars, percent; day numbers for dates); equal for an
    /// exact figure, infinite for an open bound.
    pub low: f64,
    pub high: f64,
    /// The base unit compared on: "tonne", "metre", "day", "USD",
    /// "percent", "date", "count" (with [`Figure::thing`] saying of what).
    /// One of the unit table's names, not a string of its own: 1.4M
    /// figures at 100k generated articles gave 8 distinct units.
    #[serde(with = "unit_name")]
    pub unit: unit_name::Name,
    /// Index of the innermost statement holding it.
    pub statement: Option<u32>,
    /// The statement enclosing that one (a quote's sentence), if any.
    pub outer_statement: Option<u32>,
    /// How many figures of its quantity key its sentence holds, and which
    /// of them it is (0-based): statements that make the same claim pair
    /// their figures of one key in order.
    pub twins: (u8, u8),
    pub dim: Dim,
    /// The unit as written, normalised ("km", "tonne", "year", "USD").
    #[serde(with = "unit_name")]
    pub shown_unit: unit_name::Name,
    /// Factor from the shown unit to the base unit.
    pub factor: f64,
    /// The stated value in the base unit (the midpoint for ranges).
    pub value: f64,
    pub qualifier: Qualifier,
    /// Half-width of the rounding the stated digits allow, in the base
    /// unit ("1.4 billion": 0.05 billion).
    pub precision: f64,
    /// What it measures: the counted or measured thing ("oil", "student",
    /// "killed", "agreement"), normalised. `None` when the text does not
    /// say; such figures are compared only through explicit links.
    pub thing: Option<Box<str>>,
    /// The words it is matched on, hashed: see [`Figure::context`],
    /// [`Figure::local`] and [`Figure::names`].
    pub words: WordHashes,
    /// Index of the sentence holding it.
    pub sentence: u32,
    /// See [`flag`].
    pub flags: u16,
    /// For dates: the date, possibly partial, and the end of a period.
    pub date: Option<Date>,
    pub until: Option<Date>,
    /// Figures of the same document that give the same quantity (indices).
    pub same_as: Box<[u32]>,
    /// Time expressions scoping the figure ("in 2014", "last year"), hashed;
    /// 0 when none.
    pub scope: u32,
    pub style: Style,
}

/// The word hashes a figure is matched on, three sorted lists kept in one
/// allocation (1.4M figures at 100k generated articles: three vectors each
/// were 72 bytes of headers and three heap blocks a figure).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct WordHashes {
    /// `context`, then `local`, then `names`.
    hashes: Box<[u32]>,
    /// Where `local` and `names` start in `hashes`.
    local_at: u32,
    names_at: u32,
}

impl WordHashes {
    pub fn new(context: &[u32], local: &[u32], names: &[u32]) -> Self {
        let hashes: Box<[u32]> = [context, local, names].concat().into();
        // a part longer than u32::MAX words cannot fit a Span'd text
        let local_at = u32::try_from(context.len()).unwrap_or(u32::MAX);
        let names_at = u32::try_from(context.len() + local.len()).unwrap_or(u32::MAX);
        WordHashes {
            hashes,
            local_at,
            names_at,
        }
    }

    fn part(&self, start: u32, end: usize) -> &[u32] {
        self.hashes.get(start as usize..end).unwrap_or(&[])
    }

    /// Hashes of the content words of its sentence and the sentences on
    /// either side, sorted.
    pub fn context(&self) -> &[u32] {
        self.part(0, self.local_at as usize)
    }

    /// Hashes of the content words within ten tokens of it in its clause
    /// (the words that name what it measures), sorted.
    pub fn local(&self) -> &[u32] {
        self.part(self.local_at, self.names_at as usize)
    }

    /// Hashes of the capitalised words of its sentence (names, mostly),
    /// sorted: figures whose sentences name disjoint sets of people and
    /// places are about different subjects.
    pub fn names(&self) -> &[u32] {
        self.part(self.names_at, self.hashes.len())
    }

    /// Do the parts' bounds fit the hashes (a cached analysis read back)?
    pub fn is_well_formed(&self) -> bool {
        self.local_at <= self.names_at && self.names_at as usize <= self.hashes.len()
    }
}

/// Drop a document's figures piece by piece, naming each piece for `t`
/// ([`crate::analysis::teardown`]).
pub fn drop_piecewise(mut figures: Vec<Figure>, t: &mut crate::analysis::teardown::Teardown) {
    use std::mem::take;
    for f in &mut figures {
        let (words, same_as) = (take(&mut f.words), take(&mut f.same_as));
        t.drop(
            "figures: word hashes, same_as (Box<[u32]>)",
            words.hashes.len() + same_as.len(),
            (words, same_as),
        );
        t.drop(
            "figures: things (Box<str>)",
            usize::from(f.thing.is_some()),
            f.thing.take(),
        );
    }
    t.drop("figures: Vec<Figure>", figures.len(), figures);
}

impl Figure {
    pub fn has(&self, f: u16) -> bool {
        self.flags & f != 0
    }

    /// See [`WordHashes::context`].
    pub fn context(&self) -> &[u32] {
        self.words.context()
    }

    /// See [`WordHashes::local`].
    pub fn local(&self) -> &[u32] {
        self.words.local()
    }

    /// See [`WordHashes::names`].
    pub fn names(&self) -> &[u32] {
        self.words.names()
    }

    /// The quantity key figures are bucketed by across documents: the base
    /// unit and the measured thing. `None` when the thing is unknown.
    pub fn key(&self) -> Option<(&str, &str)> {
        self.thing.as_deref().map(|t| (self.unit, t))
    }

    /// Can this figure be compared with others at all? Earlier values,
    /// increments and stamps are not claims about the current quantity.
    pub fn comparable(&self) -> bool {
        !self.has(flag::SUPERSEDED | flag::INCREMENT | flag::STAMP)
            && self.qualifier != Qualifier::Vague
            && (self.low.is_finite() || self.high.is_finite())
    }

    /// A human-readable account of the normalised value and interval:
    /// "2,000 km (1,400–2,200 km), almost; length of contact line".
    pub fn describe(&self) -> String {
        render::describe(self)
    }

    /// Text to replace this figure (written in `text`) with so that it
    /// gives `other`'s value (written in `other_text`), in this figure's
    /// style: "24 million tonnes" with 25 million tonnes gives "25 million
    /// tonnes", "almost 2,000 km" with "1,200 kilometres" gives "1,200 km".
    /// Falls back to the other figure's own text when the two are not of
    /// one unit.
    pub fn restyle(&self, text: &str, other: &Figure, other_text: &str) -> String {
        render::replacement(self, text, other, other_text)
            .unwrap_or_else(|| other.span.of(other_text).to_string())
    }
}

/// [`Figure::shown_unit`] through serde (the analysis cache): written as a
/// string, read back as a `&'static str` from a small interned set. Unit
/// names are a few hundred short strings at most; a longer name, or more
/// distinct names than that, is refused (the cache entry is then analysed
/// afresh) so a damaged cache cannot grow the set.
mod unit_name {
    use std::sync::{Mutex, OnceLock};

    use rustc_hash::FxHashSet;
    use serde::de::Error;
    use serde::{Deserialize, Deserializer, Serializer};

    /// A plain `&'static str`, named so that serde does not borrow it from
    /// the input.
    pub type Name = &'static str;

    const MAX_NAMES: usize = 4096;
    const MAX_LEN: usize = 64;

    pub fn serialize<S: Serializer>(name: &&'static str, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(name)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        let name = <&'de str>::deserialize(d)?;
        intern(name).ok_or_else(|| D::Error::custom("unexpected unit name"))
    }

    fn intern(name: &str) -> Option<&'static str> {
        static NAMES: OnceLock<Mutex<FxHashSet<&'static str>>> = OnceLock::new();
        let mut names = NAMES
            .get_or_init(Mutex::default)
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(&n) = names.get(name) {
            return Some(n);
        }
        if name.len() > MAX_LEN || names.len() >= MAX_NAMES {
            return None;
        }
        let n: &'static str = Box::leak(name.to_owned().into_boxed_str());
        names.insert(n);
        Some(n)
    }
}

/// Every figure of a document, in text order, with in-document links.
pub fn extract(
    text: &str,
    toks: &[Token],
    sentences: &[Span],
    statements: &[Statement],
) -> Vec<Figure> {
    let mut figs = extract::figures(text, toks, sentences, statements);
    link::link_document(text, toks, sentences, &mut figs);
    figs
}

#[cfg(test)]
mod tests;
