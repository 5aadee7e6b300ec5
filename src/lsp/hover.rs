//! Hover: who a name refers to, what a figure says, or where else a
//! statement is made, as markdown.

use std::fmt::Write;

use tower_lsp_server::ls_types::{Hover, HoverContents, MarkupContent, MarkupKind, Position, Uri};

use super::convert;
use super::state::View;
use crate::analysis::corpus::{Document, StatementRef, display_name};
use crate::analysis::entities::{DocId, EntityInfo};
use crate::analysis::span::Span;
use crate::analysis::text::snippet;

/// How many places a hover lists before summarising the rest.
pub const LISTED: usize = 8;

pub fn hover(view: &View, uri: &Uri, pos: Position) -> Option<Hover> {
    let (id, doc) = view.doc(uri)?;
    let offset = convert::position_to_offset(doc, pos, view.enc);
    let (span, value) = if let Some((span, eid)) = view.corpus.entity_at(id, offset) {
        let e = view.corpus.entity(eid)?;
        (span, entity_markdown(view, &e))
    } else if let Some((fi, fig)) = view.corpus.figure_at(id, offset) {
        (fig.span, figure_markdown(view, id, fi))
    } else if let Some((here, others)) = view.corpus.claim_at(id, offset) {
        let span = view.corpus.statement(here)?.span;
        (span, claim_markdown(view, here, &others))
    } else {
        return None;
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent {
            kind: MarkupKind::Markdown,
            value,
        }),
        range: Some(convert::span_to_range(doc, span, view.enc)),
    })
}

/// `file.txt:12` as a markdown link to the line.
fn place_link(view: &View, doc: &Document, span: Span) -> String {
    let line = doc.lines.position(span.start as usize, view.enc).line + 1;
    let name = display_name(&doc.path);
    match convert::path_to_uri(&doc.path) {
        Some(u) => format!("[{name}:{line}]({}#L{line})", u.as_str()),
        None => format!("{name}:{line}"),
    }
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub fn entity_markdown(view: &View, e: &EntityInfo) -> String {
    let mut md = String::new();
    let kind = e.kind.map(|k| k.as_str()).unwrap_or("entity");
    let _ = writeln!(md, "**{}** · {kind}", escape(&e.canonical));
    if let Some(d) = &e.description {
        let _ = writeln!(md, "\n{}", escape(d));
    }
    if !e.roles.is_empty() {
        let roles: Vec<String> = e.roles.iter().map(|r| escape(r)).collect();
        let _ = writeln!(md, "\n*{}*", roles.join("; "));
    }
    // most used first, ties by name (not by order of arrival)
    let mut aliases: Vec<_> = e
        .aliases
        .iter()
        .filter(|(a, _)| a != &e.canonical)
        .collect();
    aliases.sort_by(|(a, n), (b, m)| m.cmp(n).then(a.cmp(b)));
    let aliases: Vec<String> = aliases
        .into_iter()
        .map(|(a, n)| format!("{} ({n})", escape(a)))
        .collect();
    if !aliases.is_empty() {
        let _ = writeln!(md, "\nAlso written: {}", aliases.join(", "));
    }
    let articles = view.corpus.entity_articles(e, LISTED);
    let n_docs = articles.count;
    let _ = writeln!(
        md,
        "\n{} mention{} in {} article{}:",
        e.mentions.len(),
        if e.mentions.len() == 1 { "" } else { "s" },
        n_docs,
        if n_docs == 1 { "" } else { "s" }
    );
    for &(d, n, first) in &articles.first {
        if let Some(doc) = view.corpus.doc(d) {
            let _ = writeln!(md, "- {} ×{n}", place_link(view, doc, first));
        }
    }
    if n_docs > articles.first.len() {
        let _ = writeln!(
            md,
            "- … and {} more articles",
            n_docs - articles.first.len()
        );
    }
    md
}

pub fn figure_markdown(view: &View, doc: DocId, index: u32) -> String {
    let mut md = String::new();
    let Some(d) = view.corpus.doc(doc) else {
        return md;
    };
    let Some(fig) = view.corpus.figure(doc, index) else {
        return md;
    };
    let _ = writeln!(md, "**{}** · figure", escape(fig.span.of(&d.text)));
    let _ = writeln!(md, "\n{}", escape(&fig.describe()));
    let same = view.corpus.same_quantity(doc, index);
    let conflicts: Vec<(DocId, u32)> = view
        .corpus
        .conflicts(doc)
        .into_iter()
        .filter(|c| c.figure == index)
        .flat_map(|c| c.others)
        .collect();
    if !same.is_empty() {
        let _ = writeln!(md, "\nThe same quantity elsewhere:");
        for (od, oi) in same.iter().take(LISTED) {
            let (Some(odoc), Some(of)) = (view.corpus.doc(*od), view.corpus.figure(*od, *oi))
            else {
                continue;
            };
            let flag = if conflicts.contains(&(*od, *oi)) {
                " — **disagrees**"
            } else {
                ""
            };
            let _ = writeln!(
                md,
                "- {}: {}{flag}",
                place_link(view, odoc, of.span),
                escape(of.span.of(&odoc.text))
            );
        }
        if same.len() > LISTED {
            let _ = writeln!(md, "- … and {} more", same.len() - LISTED);
        }
    }
    md
}

pub fn claim_markdown(view: &View, here: StatementRef, others: &[StatementRef]) -> String {
    let mut md = String::new();
    let mut all = vec![here];
    all.extend_from_slice(others);
    let mut docs: Vec<DocId> = all.iter().map(|r| r.doc).collect();
    docs.sort_unstable();
    docs.dedup();
    let _ = writeln!(
        md,
        "**Repeated claim** · made {} times in {} article{}",
        all.len(),
        docs.len(),
        if docs.len() == 1 { "" } else { "s" }
    );
    let mut speakers: Vec<&str> = all.iter().filter_map(|r| view.corpus.speaker(*r)).collect();
    speakers.sort_unstable();
    speakers.dedup();
    if !speakers.is_empty() {
        let _ = writeln!(
            md,
            "\nBy: {}",
            speakers
                .iter()
                .map(|s| escape(s))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let _ = writeln!(md);
    for r in others.iter().take(LISTED) {
        let (Some(doc), Some(st)) = (view.corpus.doc(r.doc), view.corpus.statement(*r)) else {
            continue;
        };
        // the document and statement in hand: no second lookup
        let who = doc
            .analysis
            .statements
            .speaker(st)
            .map(|s| format!(" ({})", escape(s)))
            .unwrap_or_default();
        let _ = writeln!(
            md,
            "- {}{who}: “{}”",
            place_link(view, doc, st.span),
            escape(&snippet(st.span.of(&doc.text), 120))
        );
    }
    if others.len() > LISTED {
        let _ = writeln!(md, "- … and {} more", others.len() - LISTED);
    }
    md
}
