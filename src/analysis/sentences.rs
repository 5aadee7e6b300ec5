//! Sentence boundaries: where a sentence ends on `.`, `!`, `?` or a line
//! break, with abbreviations, initials and missing spaces handled. Marks
//! sentence-initial and clause-initial tokens so that capitalisation there is
//! not read as evidence of a name.

use super::span::Span;
use super::tokens::{Token, TokenKind, flag};

/// Extra token flag: first word after an opening quote or a colon (its
/// capital letter may be due to the quote, not to a name).
pub const CLAUSE_START: u8 = 128;

/// Titles and other abbreviations after which a full stop never ends a
/// sentence.
const TITLE_ABBREVIATIONS: &[&str] = &[
    "Mr", "Mrs", "Ms", "Mx", "Dr", "Prof", "Rev", "Fr", "Sr", "Jr", "St", "Gen", "Lt", "Col",
    "Maj", "Capt", "Cpt", "Sgt", "Cmdr", "Adm", "Gov", "Sen", "Rep", "Hon", "Pres", "Amb", "Supt",
    "Insp", "Messrs", "Mme", "Mlle", "No", "Nos", "Vol", "Fig", "Art", "Ch", "Sec", "pp", "vs",
    "cf", "approx", "ca", "Mt", "Ft", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
    "Sept", "Oct", "Nov", "Dec", "e.g", "i.e",
];

/// Abbreviations that may end a sentence when a sentence-like word follows.
const WEAK_ABBREVIATIONS: &[&str] = &[
    "Inc", "Ltd", "Co", "Corp", "Bros", "etc", "al", "LLC", "PLC", "Plc",
];

/// Words that typically begin a sentence; after an abbreviation or initials
/// ("U.S.") one of them signals a new sentence.
const SENTENCE_OPENERS: &[&str] = &[
    "The",
    "A",
    "An",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "You",
    "But",
    "And",
    "Or",
    "In",
    "On",
    "At",
    "This",
    "That",
    "These",
    "Those",
    "There",
    "His",
    "Her",
    "Its",
    "Their",
    "Our",
    "My",
    "However",
    "Meanwhile",
    "Yet",
    "So",
    "As",
    "If",
    "When",
    "While",
    "After",
    "Before",
    "For",
    "Since",
    "Although",
    "Still",
    "Also",
    "Then",
    "Now",
    "Today",
    "Yesterday",
    "What",
    "Who",
    "Why",
    "How",
    "Where",
];

fn is_terminal(c: &str) -> bool {
    matches!(c, "." | "!" | "?" | "…")
}

fn is_closer(c: &str) -> bool {
    matches!(c, "\"" | "”" | "’" | "'" | ")" | "]" | "»" | "›")
}

fn is_opening_quote(text: &str, toks: &[Token], i: usize) -> bool {
    let t = toks[i];
    match t.text(text) {
        "“" | "‘" | "«" | "‹" | "„" => true,
        "\"" | "'" => {
            let next_glued = toks.get(i + 1).is_some_and(|n| !n.space_before());
            (t.space_before() || i == 0) && next_glued
        }
        _ => false,
    }
}

/// Find sentence spans and mark `SENTENCE_START` / `CLAUSE_START` on tokens.
pub fn split(text: &str, toks: &mut [Token]) -> Vec<Span> {
    let mut out = Vec::new();
    if toks.is_empty() {
        return out;
    }
    let mut start = 0usize;
    let mut i = 0usize;
    while i < toks.len() {
        let t = toks[i];
        let s = t.text(text);
        // a line break before the next token ends the sentence unless the
        // line was hard-wrapped mid-sentence (next line starts lowercase)
        if let Some(next) = toks.get(i + 1)
            && next.newline_before()
            && !continues_wrapped_line(text, &toks[start..=i], *next)
        {
            out.push(close(toks, start, i));
            start = i + 1;
            i += 1;
            continue;
        }
        if t.kind == TokenKind::Punct && is_terminal(s) {
            // swallow runs of terminals and closing quotes/brackets
            let mut j = i;
            while j + 1 < toks.len() {
                let n = toks[j + 1];
                let ns = n.text(text);
                if !n.space_before() && (is_terminal(ns) || is_closer(ns)) && !n.newline_before() {
                    j += 1;
                } else {
                    break;
                }
            }
            if j + 1 >= toks.len() {
                break;
            }
            if ends_sentence(text, toks, i, j) {
                out.push(close(toks, start, j));
                start = j + 1;
            }
            i = j + 1;
            continue;
        }
        i += 1;
    }
    if start < toks.len() {
        out.push(close(toks, start, toks.len() - 1));
    }
    for sp in &out {
        mark_start(text, toks, *sp);
    }
    mark_clause_starts(text, toks);
    out
}

fn close(toks: &[Token], a: usize, b: usize) -> Span {
    Span::new(toks[a].span.start as usize, toks[b].span.end as usize)
}

fn continues_wrapped_line(text: &str, line: &[Token], next: Token) -> bool {
    // a blank line is always a paragraph break
    let gap =
        &text[line.last().map(|t| t.span.end as usize).unwrap_or(0)..next.span.start as usize];
    if gap.matches('\n').count() >= 2 {
        return false;
    }
    let last = line.last().unwrap().text(text);
    if is_terminal(last) || is_closer(last) || last == ":" {
        return false;
    }
    // the next line must start with a lowercase word to be a continuation
    let nt = next.text(text);
    next.kind == TokenKind::Word && nt.chars().next().is_some_and(char::is_lowercase)
}

/// Does the terminal run `toks[i..=j]` end a sentence?
fn ends_sentence(text: &str, toks: &[Token], i: usize, j: usize) -> bool {
    let term = toks[i].text(text);
    let next = toks[j + 1];
    let ns = next.text(text);
    let next_starts = match next.kind {
        TokenKind::Word => ns.chars().next().is_some_and(char::is_uppercase),
        TokenKind::Number => true,
        TokenKind::Punct => !matches!(ns, "," | ";" | ":" | ")" | "]") && !is_terminal(ns),
    };
    if !next_starts {
        return false;
    }
    if !next.space_before() {
        // "in Belarus.According to": only between words, never after a
        // number ("5.7") or inside a domain or initials
        if term != "." {
            return next.kind == TokenKind::Word;
        }
        let prev = if i > 0 { toks[i - 1] } else { return false };
        let prev_letters = prev.text(text).chars().count();
        return prev.kind == TokenKind::Word
            && next.kind == TokenKind::Word
            && prev_letters >= 3
            && !prev.is_all_caps()
            && ns.chars().count() >= 2
            && toks.get(j + 2).is_none_or(|t| t.text(text) != ".");
    }
    if term != "." || i == 0 {
        return true;
    }
    let prev = toks[i - 1];
    let ps = prev.text(text);
    let glued = !toks[i].space_before();
    if !glued || prev.kind != TokenKind::Word {
        return true;
    }
    if TITLE_ABBREVIATIONS.contains(&ps) {
        return false;
    }
    let opener = SENTENCE_OPENERS.contains(&ns);
    if WEAK_ABBREVIATIONS.contains(&ps) {
        return opener;
    }
    // initials: a single letter before the dot ("J. Trump", "U.S. forces")
    if ps.chars().count() == 1 && prev.is_capitalized() {
        return opener;
    }
    if ps.chars().count() == 1 && i >= 2 && toks[i - 2].text(text) == "." {
        // "a.m." / "p.m."
        return opener;
    }
    true
}

fn mark_start(text: &str, toks: &mut [Token], sp: Span) {
    // tokens are sorted: start at the sentence's first token instead of
    // scanning from the beginning (which made splitting quadratic)
    let first = toks.partition_point(|t| t.span.start < sp.start);
    for t in toks[first..].iter_mut() {
        if t.span.start >= sp.end {
            break;
        }
        if t.kind != TokenKind::Punct {
            t.flags |= flag::SENTENCE_START;
            break;
        }
        let _ = text;
    }
}

fn mark_clause_starts(text: &str, toks: &mut [Token]) {
    for i in 0..toks.len().saturating_sub(1) {
        let opener = is_opening_quote(text, toks, i) || toks[i].text(text) == ":";
        if opener
            && let Some(n) = toks[i + 1..]
                .iter_mut()
                .find(|t| t.kind != TokenKind::Punct)
        {
            n.flags |= CLAUSE_START;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::tokens::tokenize;

    fn sents(text: &str) -> Vec<&str> {
        let mut toks = tokenize(text);
        split(text, &mut toks)
            .into_iter()
            .map(|s| s.of(text))
            .collect()
    }

    #[test]
    fn basic_and_abbreviations() {
        assert_eq!(
            sents("Mr. Putin met Dr. Smith. They talked! Did they? Yes."),
            vec![
                "Mr. Putin met Dr. Smith.",
                "They talked!",
                "Did they?",
                "Yes."
            ]
        );
        assert_eq!(
            sents("Donald J. Trump visited the U.S. Congress. The talks ended."),
            vec![
                "Donald J. Trump visited the U.S. Congress.",
                "The talks ended."
            ]
        );
        assert_eq!(
            sents("He left the U.S. The end."),
            vec!["He left the U.S.", "The end."]
        );
        assert_eq!(
            sents("Trade grew 5.7 percent. It rose."),
            vec!["Trade grew 5.7 percent.", "It rose."]
        );
    }

    #[test]
    fn quotes_lines_and_missing_spaces() {
        assert_eq!(
            sents("He said: \"We will.\" Then he left.\nNew line here"),
            vec!["He said: \"We will.\"", "Then he left.", "New line here"]
        );
        assert_eq!(
            sents("the crisis in Belarus.According to him, all is well."),
            vec!["the crisis in Belarus.", "According to him, all is well."]
        );
        assert_eq!(
            sents("Russia and Belarus... are open."),
            vec!["Russia and Belarus... are open."]
        );
        assert_eq!(
            sents("a wrapped\nline continues. Next"),
            vec!["a wrapped\nline continues.", "Next"]
        );
        assert_eq!(
            sents("Visit Pravda.ru today."),
            vec!["Visit Pravda.ru today."]
        );
    }

    #[test]
    fn marks_starts() {
        let text = "The talks. Lukashenko stated \"Russia will do.\"";
        let mut toks = tokenize(text);
        split(text, &mut toks);
        let starts: Vec<&str> = toks
            .iter()
            .filter(|t| t.is_sentence_start())
            .map(|t| t.text(text))
            .collect();
        assert_eq!(starts, vec!["The", "Lukashenko"]);
        let clause: Vec<&str> = toks
            .iter()
            .filter(|t| t.has(CLAUSE_START))
            .map(|t| t.text(text))
            .collect();
        assert_eq!(clause, vec!["Russia"]);
    }
}
