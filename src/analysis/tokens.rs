//! Words, numbers and punctuation with their byte spans: the one tokenizer
//! every analysis (entities, statements, figures) reads.

use super::span::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Letters, with inner apostrophes ("don't") and inner digits ("G7").
    /// A trailing possessive "'s" / "’s" is its own `Word` token.
    Word,
    /// Digits with inner `,` or `.` between digits ("2,000", "5.7"), and a
    /// letter suffix glued on ("80th", "1970s", "8bn").
    Number,
    /// Any other single non-space character.
    Punct,
}

/// Token flags, see the `Token::is_*` helpers.
pub mod flag {
    pub const SPACE_BEFORE: u8 = 1;
    pub const NEWLINE_BEFORE: u8 = 2;
    pub const CAPITALIZED: u8 = 4;
    pub const ALL_CAPS: u8 = 8;
    pub const HAS_DIGIT: u8 = 16;
    /// First word-like token of a sentence (set by the sentence splitter).
    pub const SENTENCE_START: u8 = 32;
    /// Starts a line (first token after a line break, or of the text).
    pub const LINE_START: u8 = 64;
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    pub span: Span,
    pub kind: TokenKind,
    pub flags: u8,
}

impl Token {
    pub fn text(self, text: &str) -> &str {
        self.span.of(text)
    }
    pub fn has(self, f: u8) -> bool {
        self.flags & f != 0
    }
    /// Separated from the previous token by whitespace (or first in text).
    pub fn space_before(self) -> bool {
        self.has(flag::SPACE_BEFORE)
    }
    pub fn newline_before(self) -> bool {
        self.has(flag::NEWLINE_BEFORE)
    }
    pub fn is_capitalized(self) -> bool {
        self.has(flag::CAPITALIZED)
    }
    pub fn is_all_caps(self) -> bool {
        self.has(flag::ALL_CAPS)
    }
    pub fn is_sentence_start(self) -> bool {
        self.has(flag::SENTENCE_START)
    }
    pub fn is_line_start(self) -> bool {
        self.has(flag::LINE_START)
    }
    pub fn is_word(self) -> bool {
        self.kind == TokenKind::Word
    }
    pub fn is_number(self) -> bool {
        self.kind == TokenKind::Number
    }
    pub fn is_punct(self) -> bool {
        self.kind == TokenKind::Punct
    }
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

/// Split `text` into tokens. Whitespace is dropped; every other character
/// belongs to exactly one token.
pub fn tokenize(text: &str) -> Vec<Token> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(text.len() / 5);
    let mut space = true;
    let mut newline = true;
    let mut i = 0usize;
    while i < bytes.len() {
        let b = bytes[i];
        // ASCII fast path; other characters are decoded where they start
        let c = if b < 0x80 {
            b as char
        } else {
            text[i..].chars().next().unwrap_or('\u{fffd}')
        };
        if c.is_whitespace() {
            if c == '\n' || c == '\r' || c == '\u{2028}' || c == '\u{2029}' {
                newline = true;
            }
            space = true;
            i += c.len_utf8();
            continue;
        }
        let mut flags = 0u8;
        if space {
            flags |= flag::SPACE_BEFORE;
        }
        if newline {
            flags |= flag::NEWLINE_BEFORE | flag::LINE_START;
        }
        space = false;
        newline = false;
        let start = i;
        let (kind, end) = if is_apostrophe(c) && possessive_after_word(text, start, out.last()) {
            (TokenKind::Word, start + c.len_utf8() + 1)
        } else if c.is_alphabetic() {
            (TokenKind::Word, scan_word(text, start))
        } else if c.is_ascii_digit() {
            (TokenKind::Number, scan_number(text, start))
        } else {
            (TokenKind::Punct, start + c.len_utf8())
        };
        match kind {
            TokenKind::Word => flags |= word_flags(&text[start..end]),
            TokenKind::Number => flags |= flag::HAS_DIGIT,
            TokenKind::Punct => {}
        }
        out.push(Token {
            span: Span::new(start, end),
            kind,
            flags,
        });
        i = end;
    }
    out
}

/// CAPITALIZED when the first letter is upper case; ALL_CAPS when, besides,
/// there are more letters and none is lower case; HAS_DIGIT.
fn word_flags(word: &str) -> u8 {
    if word.is_ascii() {
        ascii_word_flags(word.as_bytes())
    } else {
        word_flags_chars(word)
    }
}

/// [`word_flags`], character by character.
fn word_flags_chars(word: &str) -> u8 {
    let mut flags = 0u8;
    let mut letters = 0usize;
    let mut first_upper = false;
    let mut later_lower = false;
    let mut digit = false;
    for c in word.chars() {
        if c.is_ascii_digit() {
            digit = true;
        } else if c.is_alphabetic() {
            if letters == 0 {
                first_upper = c.is_uppercase();
            } else if c.is_lowercase() {
                later_lower = true;
            }
            letters += 1;
        }
    }
    if first_upper {
        flags |= flag::CAPITALIZED;
        if letters > 1 && !later_lower {
            flags |= flag::ALL_CAPS;
        }
    }
    if digit {
        flags |= flag::HAS_DIGIT;
    }
    flags
}

/// [`word_flags`] of an ASCII word, byte by byte.
fn ascii_word_flags(word: &[u8]) -> u8 {
    let mut flags = 0u8;
    let mut letters = word.iter().filter(|b| b.is_ascii_alphabetic());
    if let Some(first) = letters.next()
        && first.is_ascii_uppercase()
    {
        flags |= flag::CAPITALIZED;
        let mut more = false;
        let mut later_lower = false;
        for b in letters {
            more = true;
            later_lower |= b.is_ascii_lowercase();
        }
        if more && !later_lower {
            flags |= flag::ALL_CAPS;
        }
    }
    if word.iter().any(u8::is_ascii_digit) {
        flags |= flag::HAS_DIGIT;
    }
    flags
}

/// Is the apostrophe at `at` the possessive "'s" glued to the word before?
fn possessive_after_word(text: &str, at: usize, prev: Option<&Token>) -> bool {
    let glued = prev.is_some_and(|p| p.kind == TokenKind::Word && p.span.end as usize == at);
    let mut rest = text[at..].chars().skip(1);
    glued
        && matches!(rest.next(), Some('s' | 'S'))
        && rest.next().is_none_or(|a| !a.is_alphanumeric())
}

/// End of a word starting at `start`: letters, marks and digits, with inner
/// apostrophes, stopping before a possessive `'s` so that it becomes a token
/// of its own.
fn scan_word(text: &str, start: usize) -> usize {
    // ASCII letters and digits first, byte by byte: most words are only
    // these; at anything else the characters are read one by one from there
    let b = text.as_bytes();
    let mut end = start;
    while end < b.len() && b[end].is_ascii_alphanumeric() {
        end += 1;
    }
    if end < b.len() && (b[end] >= 0x80 || b[end] == b'\'') {
        scan_word_chars(text, end)
    } else {
        end
    }
}

/// [`scan_word`] from `start`, which ends what is already in the word,
/// character by character.
fn scan_word_chars(text: &str, start: usize) -> usize {
    let mut end = start;
    for (i, c) in text[start..].char_indices() {
        let at = start + i;
        if c.is_alphanumeric() || is_mark(c) {
            end = at + c.len_utf8();
            continue;
        }
        if is_apostrophe(c) && end == at {
            let mut rest = text[at + c.len_utf8()..].chars();
            if let Some(n) = rest.next()
                && n.is_alphabetic()
            {
                let possessive =
                    (n == 's' || n == 'S') && rest.next().is_none_or(|a| !a.is_alphanumeric());
                if !possessive {
                    end = at + c.len_utf8();
                    continue;
                }
            }
        }
        break;
    }
    end
}

fn is_mark(c: char) -> bool {
    // combining diacritics (NFD text): U+0300..U+036F
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// End of a number starting at `start`: digits, inner `,`/`.` between digits,
/// and a glued letter suffix.
fn scan_number(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let mut i = start;
    while i < b.len() {
        let inner_sep =
            (b[i] == b',' || b[i] == b'.') && i + 1 < b.len() && b[i + 1].is_ascii_digit();
        if !(b[i].is_ascii_digit() || inner_sep) {
            break;
        }
        i += 1;
    }
    // glued alphabetic suffix: 80th, 1970s, 8bn, 5km
    let rest = &text[i..];
    let suffix: usize = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphabetic())
        .map(|(_, c)| c.len_utf8())
        .sum();
    i + suffix
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text).into_iter().map(|t| t.text(text)).collect()
    }

    #[test]
    fn splits_words_numbers_punct() {
        assert_eq!(
            words("Russia’s 2,000 km – “don't” 5.7% 80th U.S."),
            vec![
                "Russia", "’s", "2,000", "km", "–", "“", "don't", "”", "5.7", "%", "80th", "U",
                ".", "S", "."
            ]
        );
        assert_eq!(words("twenty-eight"), vec!["twenty", "-", "eight"]);
        assert_eq!(words("Lukashenko's plan"), vec!["Lukashenko", "'s", "plan"]);
        assert_eq!(words("Лукашенко сказал"), vec!["Лукашенко", "сказал"]);
    }

    #[test]
    fn word_flags_cover_case_and_digits() {
        assert_eq!(word_flags("BelTA"), flag::CAPITALIZED);
        assert_eq!(word_flags("CSTO"), flag::CAPITALIZED | flag::ALL_CAPS);
        assert_eq!(word_flags("G7"), flag::CAPITALIZED | flag::HAS_DIGIT);
        assert_eq!(word_flags("ÉCOLE"), flag::CAPITALIZED | flag::ALL_CAPS);
        assert_eq!(word_flags("iPhone"), 0);
        assert_eq!(word_flags("A"), flag::CAPITALIZED);
    }

    /// `cargo test --release --lib tokens::tests::throughput -- --ignored --nocapture`
    #[test]
    #[ignore]
    fn throughput() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut text = String::new();
        for e in std::fs::read_dir(dir).unwrap() {
            text.push_str(&std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
        let text = text.repeat(400);
        let t = std::time::Instant::now();
        let n = tokenize(&text).len();
        let secs = t.elapsed().as_secs_f64();
        println!("{n} tokens, {:.1} MB/s", text.len() as f64 / secs / 1e6);
    }

    /// The byte-by-byte paths for ASCII find the words and flags the
    /// character-by-character ones find, in the project's articles and in
    /// mixed-script, apostrophe and digit cases.
    #[test]
    fn ascii_paths_agree_with_reading_characters() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut texts = vec![
            "don't Russia’s O'Brien's rock'n'roll G7 80th 1970s CSTO BelTA iPhone".to_string(),
            "Zürich Łukaszenka naïve café’s e\u{301}cole ÉCOLE NATO’S A'' x'y' 'quoted'".into(),
            "MiG-29 A1B2 ab12cd Лукашенко's TASS-reported i18n".into(),
        ];
        for e in std::fs::read_dir(dir).unwrap() {
            texts.push(std::fs::read_to_string(e.unwrap().path()).unwrap());
        }
        let mut words = 0;
        for text in &texts {
            for (i, c) in text.char_indices() {
                if !c.is_alphabetic() {
                    continue;
                }
                let end = scan_word(text, i);
                assert_eq!(end, scan_word_chars(text, i), "at {i} in {text:?}");
                let w = &text[i..end];
                assert_eq!(word_flags(w), word_flags_chars(w), "{w:?}");
                words += 1;
            }
        }
        assert!(words > 10_000, "{words} words");
    }

    #[test]
    fn flags() {
        let text = "The CSTO and\nBelTA said";
        let t = tokenize(text);
        assert!(t[0].is_capitalized() && !t[0].is_all_caps() && t[0].is_line_start());
        assert!(t[1].is_all_caps() && t[1].space_before());
        assert!(!t[2].is_capitalized());
        assert!(t[3].newline_before() && t[3].is_capitalized() && !t[3].is_all_caps());
    }
}
