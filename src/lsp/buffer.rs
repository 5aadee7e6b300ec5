//! Open editor buffers: the text the user is typing, kept in a rope and
//! edited incrementally from `didChange` events.

use ropey::Rope;
use tower_lsp_server::ls_types::{Position, TextDocumentContentChangeEvent};

use crate::analysis::text::Encoding;

#[derive(Debug)]
pub struct Buffer {
    pub rope: Rope,
    pub version: i32,
}

impl Buffer {
    pub fn new(text: &str, version: i32) -> Buffer {
        Buffer {
            rope: Rope::from_str(text),
            version,
        }
    }

    /// Apply one change event: a full replacement when it has no range,
    /// otherwise an edit of the range (positions clamped to the text).
    pub fn apply(&mut self, change: &TextDocumentContentChangeEvent, enc: Encoding) {
        match change.range {
            None => self.rope = Rope::from_str(&change.text),
            Some(range) => {
                let a = self.char_index(range.start, enc);
                let b = self.char_index(range.end, enc);
                let (a, b) = (a.min(b), a.max(b));
                self.rope.remove(a..b);
                self.rope.insert(a, &change.text);
            }
        }
    }

    pub fn text(&self) -> String {
        self.rope.to_string()
    }

    /// The char index of a position. Lines end at `\n` (a `\r` before it is
    /// part of the break, as is one ending the text); a column past the end of
    /// the line is the line's end. This is `LineIndex::offset`, which gives
    /// every position the server sends: a lone `\r` inside a line is an
    /// ordinary character for both.
    fn char_index(&self, pos: Position, enc: Encoding) -> usize {
        let line = pos.line as usize;
        if line >= self.rope.len_lines() {
            return self.rope.len_chars();
        }
        let start = self.rope.line_to_char(line);
        let mut units = 0usize;
        let want = pos.character as usize;
        let mut chars = self.rope.line(line).chars().enumerate().peekable();
        while let Some((i, ch)) = chars.next() {
            let next = chars.peek().map(|&(_, c)| c);
            if ch == '\n' || (ch == '\r' && matches!(next, None | Some('\n'))) {
                return start + i;
            }
            let w = match enc {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
                Encoding::Utf32 => 1,
            };
            if units + w > want {
                return start + i;
            }
            units += w;
        }
        start + self.rope.line(line).len_chars()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::Range;

    fn edit(l1: u32, c1: u32, l2: u32, c2: u32, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.to_string(),
        }
    }

    /// Found by fuzzing (answers target): a lone `\r` inside a line ended
    /// the line for the buffer but not for `LineIndex`, so an edit at a
    /// column past it landed elsewhere than the positions the server sends.
    #[test]
    fn a_lone_carriage_return_is_an_ordinary_character() {
        let mut b = Buffer::new("ab\rcd\nef\r", 1);
        b.apply(&edit(0, 4, 0, 4, "!"), Encoding::Utf16);
        assert_eq!(b.text(), "ab\rc!d\nef\r");
        // past the end of the line: before "\n", and before a final "\r"
        b.apply(&edit(0, 99, 0, 99, "?"), Encoding::Utf16);
        b.apply(&edit(1, 99, 1, 99, "."), Encoding::Utf16);
        assert_eq!(b.text(), "ab\rc!d?\nef.\r");
        // the fuzzer's input: a backwards range from past the end of the line
        let text = "\0\0\0\0\x0055\r\0\0@";
        let mut b = Buffer::new(text, 1);
        b.apply(&edit(0, 4410691, 0, 0, ""), Encoding::Utf16);
        assert_eq!(b.text(), "");
    }

    #[test]
    fn incremental_edits_in_utf16_and_utf8() {
        let mut b = Buffer::new("“Hi” – Лукашенко 🙂 said\r\nsecond line\n", 1);
        // replace "said" (after the emoji: 2 UTF-16 units) with "spoke"
        let col = "“Hi” – Лукашенко 🙂 ".encode_utf16().count() as u32;
        b.apply(&edit(0, col, 0, col + 4, "spoke"), Encoding::Utf16);
        assert_eq!(b.text(), "“Hi” – Лукашенко 🙂 spoke\r\nsecond line\n");
        // multi-line delete across the CRLF, in UTF-8 columns
        let col8 = "“Hi” – Лукашенко 🙂 spoke".len() as u32;
        b.apply(&edit(0, col8, 1, 6, ""), Encoding::Utf8);
        assert_eq!(b.text(), "“Hi” – Лукашенко 🙂 spoke line\n");
        // past the end of a line and of the document: clamped
        b.apply(&edit(0, 999, 0, 999, "!"), Encoding::Utf16);
        b.apply(&edit(99, 0, 99, 0, "end"), Encoding::Utf16);
        assert_eq!(b.text(), "“Hi” – Лукашенко 🙂 spoke line!\nend");
        // full replacement
        b.apply(
            &TextDocumentContentChangeEvent {
                range: None,
                range_length: None,
                text: "new".into(),
            },
            Encoding::Utf16,
        );
        assert_eq!(b.text(), "new");
    }
}
