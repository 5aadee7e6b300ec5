//! Dates: the article's own date, for ordering occurrences of a claim.
//!
//! PLACEHOLDER (skeleton): being written with the figures module.

/// A calendar date; `month` and `day` may be unknown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

pub fn article_date(text: &str) -> Option<Date> {
    let _ = text;
    None
}
