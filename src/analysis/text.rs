//! Lines and positions: byte offsets to (line, column) and back, in the
//! column units an editor speaks (UTF-8 bytes, UTF-16 code units or
//! code points).

/// How columns are counted in a position.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
    Utf32,
}

/// A zero-based line and column, columns counted in some [`Encoding`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: u32,
    pub col: u32,
}

/// Line starts of one text, for converting between byte offsets and
/// positions. Lines end at `\n`; a `\r` before it belongs to the line break.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    starts: Vec<u32>,
    /// Whether each line is pure ASCII (then every encoding counts bytes).
    ascii: Vec<bool>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        let mut ascii = Vec::new();
        let mut line_ascii = true;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                ascii.push(line_ascii);
                line_ascii = true;
                starts.push(i as u32 + 1);
            } else if b >= 0x80 {
                line_ascii = false;
            }
        }
        ascii.push(line_ascii);
        LineIndex {
            starts,
            ascii,
            len: text.len() as u32,
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of line `line` without its line break.
    pub fn line_span(&self, text: &str, line: usize) -> Option<(usize, usize)> {
        let start = *self.starts.get(line)? as usize;
        let mut end = self
            .starts
            .get(line + 1)
            .map(|&s| s as usize - 1)
            .unwrap_or(self.len as usize);
        if end > start && text.as_bytes().get(end - 1) == Some(&b'\r') {
            end -= 1;
        }
        Some((start, end.max(start)))
    }

    /// The position of byte `offset` (clamped to the text, and moved back to a
    /// character boundary).
    pub fn position(&self, text: &str, offset: usize, enc: Encoding) -> LineCol {
        let mut offset = offset.min(text.len());
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.starts[line] as usize;
        // on an ASCII line every offset is a boundary and a column is bytes:
        // the text itself is not read (in a long reference list, reading it
        // is a cache miss per location)
        let col = if self.ascii[line] {
            offset - start
        } else {
            // never back past the line's start, which follows a '\n'
            while !text.is_char_boundary(offset) {
                offset -= 1;
            }
            units(&text[start..offset], enc)
        };
        LineCol {
            line: line as u32,
            col: col as u32,
        }
    }

    /// The positions of bytes `start` and `end` (`start <= end`), as two
    /// calls of [`LineIndex::position`] would give them; when both are on
    /// one line the end is counted on from the start, not from the line's
    /// start again (a reference list converts tens of thousands of spans).
    pub fn span(&self, text: &str, start: usize, end: usize, enc: Encoding) -> (LineCol, LineCol) {
        let a = self.position(text, start, enc);
        let line = a.line as usize;
        let line_end = self
            .starts
            .get(line + 1)
            .map_or(usize::MAX, |&s| s as usize);
        let from = start.min(text.len());
        let mut end = end.min(text.len());
        if end < from || end >= line_end {
            return (a, self.position(text, end, enc));
        }
        let more = if self.ascii[line] {
            end - from
        } else {
            // either may sit inside a character: `position` counts from the
            // start of that character
            let mut from = from;
            while !text.is_char_boundary(from) {
                from -= 1;
            }
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            units(&text[from..end], enc)
        };
        (
            a,
            LineCol {
                line: a.line,
                col: a.col + more as u32,
            },
        )
    }

    /// The byte offset of a position. A line past the end gives the end of the
    /// text; a column past the end of its line gives the end of that line; a
    /// column inside a character gives that character's start.
    pub fn offset(&self, text: &str, pos: LineCol, enc: Encoding) -> usize {
        let line = pos.line as usize;
        let Some((start, end)) = self.line_span(text, line) else {
            return text.len();
        };
        if self.ascii[line] {
            return (start + pos.col as usize).min(end);
        }
        let want = pos.col as usize;
        let mut seen = 0usize;
        for (i, ch) in text[start..end].char_indices() {
            let w = width(ch, enc);
            if seen + w > want {
                return start + i;
            }
            seen += w;
        }
        end
    }
}

fn width(ch: char, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => ch.len_utf8(),
        Encoding::Utf16 => ch.len_utf16(),
        Encoding::Utf32 => 1,
    }
}

/// Length of `s` in the units of `enc`.
///
/// Counted on bytes, not decoded characters: the position of every flagged
/// figure and of every place a finding points at is converted, and
/// articles are long lines with a curly quote. A character is its leading
/// byte and continuation bytes; one of four bytes is two UTF-16 units.
pub fn units(s: &str, enc: Encoding) -> usize {
    match enc {
        Encoding::Utf8 => s.len(),
        Encoding::Utf16 => s.len() - surplus_bytes(s.as_bytes(), true),
        Encoding::Utf32 => s.len() - surplus_bytes(s.as_bytes(), false),
    }
}

/// Continuation bytes of `b`, less its four-byte characters when `utf16`.
/// Counted in blocks of 64 into one byte each, which the compiler turns
/// into vector code: an order of magnitude faster than decoding on an
/// article's long lines (a scratch benchmark, a million cuts of 1 KB).
fn surplus_bytes(b: &[u8], utf16: bool) -> usize {
    let mut n = 0isize;
    for block in b.chunks(64) {
        // within [-16, 64]: fits an i8
        let mut k = 0i8;
        for &x in block {
            k = k.wrapping_add(((x as i8) < -0x40) as i8);
            if utf16 {
                k = k.wrapping_sub((x >= 0xF0) as i8);
            }
        }
        n += k as isize;
    }
    n as usize
}

/// At most `max` characters of `s` on one line.
pub fn snippet(s: &str, max: usize) -> String {
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let cut: String = flat.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(text: &str, enc: Encoding) {
        let idx = LineIndex::new(text);
        for (off, ch) in text.char_indices() {
            if ch == '\r' || ch == '\n' {
                continue; // a line break maps to the end of its line
            }
            let pos = idx.position(text, off, enc);
            assert_eq!(
                idx.offset(text, pos, enc),
                off,
                "offset {off} in {text:?} via {enc:?}"
            );
        }
    }

    #[test]
    fn units_count_what_decoding_counts() {
        let long = "“Belarusian” President – Лукашенко 🙂 said 24 million. ".repeat(9);
        let mut cases = vec![
            "",
            "plain",
            "“Quote” – dash",
            "Лукашенко 🙂 x",
            "🙂🙂",
            "é\r\n€",
        ];
        // every cut of a long line: blocks of 64 bytes end inside characters
        cases.extend(long.char_indices().map(|(i, _)| &long[..i]));
        for s in cases {
            assert_eq!(units(s, Encoding::Utf8), s.len());
            assert_eq!(
                units(s, Encoding::Utf16),
                s.chars().map(char::len_utf16).sum::<usize>(),
                "{s}"
            );
            assert_eq!(units(s, Encoding::Utf32), s.chars().count(), "{s}");
        }
    }

    #[test]
    fn spans_are_two_positions() {
        let text = "“Quote” – dash\nЛукашенко said 🙂 twice 🙂.\r\nend\n\nlast";
        let idx = LineIndex::new(text);
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            // every pair of offsets, inside characters and past the end too
            for a in 0..=text.len() + 2 {
                for b in a..=text.len() + 2 {
                    assert_eq!(
                        idx.span(text, a, b, enc),
                        (idx.position(text, a, enc), idx.position(text, b, enc)),
                        "{a}..{b} {enc:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn curly_quotes_dashes_cyrillic_emoji() {
        let text = "“Quote” – dash\nЛукашенко said 🙂 twice 🙂.\r\nend";
        for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
            round_trip(text, enc);
        }
        let idx = LineIndex::new(text);
        let said = text.find("said").unwrap();
        // "Лукашенко " is 10 code points, 10 UTF-16 units, 19 bytes.
        assert_eq!(
            idx.position(text, said, Encoding::Utf16),
            LineCol { line: 1, col: 10 }
        );
        assert_eq!(
            idx.position(text, said, Encoding::Utf8),
            LineCol { line: 1, col: 19 }
        );
        let twice = text.find("twice").unwrap();
        // the emoji is two UTF-16 units and one code point
        assert_eq!(idx.position(text, twice, Encoding::Utf16).col, 10 + 5 + 3);
        assert_eq!(idx.position(text, twice, Encoding::Utf32).col, 10 + 5 + 2);
        let dash = text.find("dash").unwrap();
        assert_eq!(
            idx.position(text, dash, Encoding::Utf16),
            LineCol { line: 0, col: 10 }
        );
    }

    #[test]
    fn clamps_out_of_range_positions() {
        let text = "ab\r\ncd";
        let idx = LineIndex::new(text);
        assert_eq!(
            idx.offset(text, LineCol { line: 0, col: 99 }, Encoding::Utf16),
            2
        );
        assert_eq!(
            idx.offset(text, LineCol { line: 9, col: 0 }, Encoding::Utf16),
            6
        );
        assert_eq!(
            idx.position(text, 99, Encoding::Utf16),
            LineCol { line: 1, col: 2 }
        );
        // inside a surrogate pair: snaps to the character's start
        let t = "a🙂b";
        let i = LineIndex::new(t);
        assert_eq!(i.offset(t, LineCol { line: 0, col: 2 }, Encoding::Utf16), 1);
    }
}
