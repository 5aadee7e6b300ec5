//! Semantic tokens: every entity mention typed `person`, `organization` or
//! `place`, so editors colour names.

use tower_lsp_server::ls_types::{
    Range, SemanticToken, SemanticTokenType, SemanticTokens, SemanticTokensLegend, Uri,
};

use super::convert;
use super::state::View;
use crate::analysis::entities::EntityKind;
use crate::analysis::span::Span;
use crate::analysis::text::units;

pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend {
        token_types: vec![
            SemanticTokenType::new("person"),
            SemanticTokenType::new("organization"),
            SemanticTokenType::new("place"),
        ],
        token_modifiers: Vec::new(),
    }
}

fn type_index(k: EntityKind) -> u32 {
    match k {
        EntityKind::Person => 0,
        EntityKind::Organization => 1,
        EntityKind::Place => 2,
    }
}

/// Tokens of a document, optionally only those overlapping `range`.
pub fn tokens(view: &View, uri: &Uri, range: Option<Range>) -> Option<SemanticTokens> {
    let (id, doc) = view.doc(uri)?;
    let window = range.map(|r| convert::range_to_span(doc, r, view.enc));
    let mut data = Vec::new();
    let (mut prev_line, mut prev_col) = (0u32, 0u32);
    for (span, _, kind) in view.corpus.mentions(id) {
        if window.is_some_and(|w| !w.overlaps(span)) {
            continue;
        }
        // one token per line: clients need not support multi-line tokens
        for piece in split_lines(&doc.text, span) {
            let p = convert::offset_to_position(doc, piece.start as usize, view.enc);
            let len = units(piece.of(&doc.text), view.enc) as u32;
            if len == 0 {
                continue;
            }
            let delta_line = p.line - prev_line;
            let delta_start = if delta_line == 0 {
                p.character - prev_col
            } else {
                p.character
            };
            data.push(SemanticToken {
                delta_line,
                delta_start,
                length: len,
                token_type: type_index(kind),
                token_modifiers_bitset: 0,
            });
            prev_line = p.line;
            prev_col = p.character;
        }
    }
    Some(SemanticTokens {
        result_id: None,
        data,
    })
}

fn split_lines(text: &str, span: Span) -> Vec<Span> {
    let s = span.of(text);
    let mut out = Vec::new();
    let mut start = span.start as usize;
    for line in s.split('\n') {
        let trimmed = line.trim_end_matches('\r');
        out.push(Span::new(start, start + trimmed.len()));
        start += line.len() + 1;
    }
    out
}
