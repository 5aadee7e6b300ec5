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
///
/// Converting an offset reads only this index, never the text: a list of
/// references or a document's findings point into thousands of other
/// documents, and reading each one's line up to the place (articles are
/// long lines with a curly quote) was a cache miss or more per place.
#[derive(Clone, Debug, Default)]
pub struct LineIndex {
    /// Byte offset where each line starts; always begins with 0.
    starts: Vec<u32>,
    /// Whether each line is pure ASCII (then every encoding counts bytes).
    ascii: Vec<bool>,
    /// Every character that is not ASCII, in order: its byte offset, and
    /// the bytes beyond one per character up to it, it included (what
    /// counting code points rather than bytes takes off).
    wide: Box<[(u32, u32)]>,
    /// The byte offsets of the four-byte characters, which are two UTF-16
    /// units where other wide characters are one.
    astral: Box<[u32]>,
    len: u32,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0u32];
        let mut ascii = Vec::new();
        let (mut wide, mut astral) = (Vec::new(), Vec::new());
        let mut beyond = 0u32;
        let mut line_ascii = true;
        for (i, b) in text.bytes().enumerate() {
            if b == b'\n' {
                ascii.push(line_ascii);
                line_ascii = true;
                starts.push(i as u32 + 1);
            } else if b >= 0x80 {
                line_ascii = false;
                // a character's first byte says how long it is
                if b >= 0xC0 {
                    let extra = if b >= 0xF0 {
                        astral.push(i as u32);
                        3
                    } else if b >= 0xE0 {
                        2
                    } else {
                        1
                    };
                    beyond += extra;
                    wide.push((i as u32, beyond));
                }
            }
        }
        ascii.push(line_ascii);
        LineIndex {
            starts,
            ascii,
            wide: wide.into(),
            astral: astral.into(),
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

    /// `offset` moved back to the start of the character it is inside.
    fn boundary(&self, offset: usize) -> usize {
        let k = self.wide.partition_point(|&(at, _)| at as usize <= offset);
        if k == 0 {
            return offset;
        }
        let (at, beyond) = self.wide[k - 1];
        let before = if k >= 2 { self.wide[k - 2].1 } else { 0 };
        let len = (beyond - before) as usize + 1;
        if offset < at as usize + len {
            at as usize
        } else {
            offset
        }
    }

    /// Length of the text between character boundaries `from <= to` in the
    /// units of `enc`.
    fn units_between(&self, from: usize, to: usize, enc: Encoding) -> usize {
        let beyond_before = |offset: usize| {
            let k = self.wide.partition_point(|&(at, _)| (at as usize) < offset);
            if k == 0 {
                0
            } else {
                self.wide[k - 1].1 as usize
            }
        };
        let astral_before =
            |offset: usize| self.astral.partition_point(|&at| (at as usize) < offset);
        let bytes = to - from;
        match enc {
            Encoding::Utf8 => bytes,
            Encoding::Utf32 => bytes - (beyond_before(to) - beyond_before(from)),
            // a four-byte character is two units: one byte less taken off
            Encoding::Utf16 => {
                bytes - (beyond_before(to) - beyond_before(from))
                    + (astral_before(to) - astral_before(from))
            }
        }
    }

    /// The position of byte `offset` (clamped to the text, and moved back to a
    /// character boundary).
    pub fn position(&self, offset: usize, enc: Encoding) -> LineCol {
        let offset = offset.min(self.len as usize);
        let line = self.starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = self.starts[line] as usize;
        let col = if self.ascii[line] {
            // every offset is a boundary and a column is bytes
            offset - start
        } else {
            // never back past the line's start, which follows a '\n'
            self.units_between(start, self.boundary(offset), enc)
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
    pub fn span(&self, start: usize, end: usize, enc: Encoding) -> (LineCol, LineCol) {
        let a = self.position(start, enc);
        let line = a.line as usize;
        let line_end = self
            .starts
            .get(line + 1)
            .map_or(usize::MAX, |&s| s as usize);
        let len = self.len as usize;
        let from = start.min(len);
        let end = end.min(len);
        if end < from || end >= line_end {
            return (a, self.position(end, enc));
        }
        let more = if self.ascii[line] {
            end - from
        } else {
            // either may sit inside a character: `position` counts from the
            // start of that character
            self.units_between(self.boundary(from), self.boundary(end), enc)
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
            let pos = idx.position(off, enc);
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

    /// A position as counting the text itself gives it: move back to a
    /// character boundary, then count the line up to there.
    fn position_by_reading(text: &str, offset: usize, enc: Encoding) -> LineCol {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        LineCol {
            line: text[..offset].matches('\n').count() as u32,
            col: units(&text[start..offset], enc) as u32,
        }
    }

    #[test]
    fn positions_from_the_index_are_those_counted_on_the_text() {
        let mixed = "“Belarusian” President – Лукашенко 🙂 said 24 million.\r\n\
                     plain line\n\néé🙂🙂x\n€\n🙂";
        let long = mixed.repeat(5);
        for text in ["", "a", "🙂", "é\n", "\n€", "ab\r\ncd", mixed, &long] {
            let idx = LineIndex::new(text);
            for enc in [Encoding::Utf8, Encoding::Utf16, Encoding::Utf32] {
                // every offset, inside characters and past the end too
                for off in 0..=text.len() + 2 {
                    assert_eq!(
                        idx.position(off, enc),
                        position_by_reading(text, off, enc),
                        "{off} in {text:?} via {enc:?}"
                    );
                }
            }
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
                        idx.span(a, b, enc),
                        (idx.position(a, enc), idx.position(b, enc)),
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
            idx.position(said, Encoding::Utf16),
            LineCol { line: 1, col: 10 }
        );
        assert_eq!(
            idx.position(said, Encoding::Utf8),
            LineCol { line: 1, col: 19 }
        );
        let twice = text.find("twice").unwrap();
        // the emoji is two UTF-16 units and one code point
        assert_eq!(idx.position(twice, Encoding::Utf16).col, 10 + 5 + 3);
        assert_eq!(idx.position(twice, Encoding::Utf32).col, 10 + 5 + 2);
        let dash = text.find("dash").unwrap();
        assert_eq!(
            idx.position(dash, Encoding::Utf16),
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
            idx.position(99, Encoding::Utf16),
            LineCol { line: 1, col: 2 }
        );
        // inside a surrogate pair: snaps to the character's start
        let t = "a🙂b";
        let i = LineIndex::new(t);
        assert_eq!(i.offset(t, LineCol { line: 0, col: 2 }, Encoding::Utf16), 1);
    }
}
