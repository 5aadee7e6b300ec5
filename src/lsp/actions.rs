//! Acting on findings and repeats: code lenses over repeated statements,
//! code actions on figure conflicts, and the server-side commands behind
//! them (so they work the same in every editor).

use std::collections::HashMap;

use serde_json::{Value, json};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeLens, Command, Diagnostic, Location,
    NumberOrString, Position, Range, TextEdit, Uri, WorkspaceEdit,
};

use super::convert;
use super::state::View;
use crate::analysis::corpus::{INCONSISTENT_FIGURE, StatementRef, display_name};
use crate::analysis::entities::DocId;

pub const SHOW_REPEATS: &str = "claimlens.showRepeats";
pub const KEEP_FIGURE: &str = "claimlens.keepFigure";
pub const LIST_CONFLICTS: &str = "claimlens.listConflicts";
pub const COMMANDS: &[&str] = &[SHOW_REPEATS, KEEP_FIGURE, LIST_CONFLICTS];

/// A lens above each repeated statement: how often it is made elsewhere.
pub fn code_lenses(view: &View, uri: &Uri) -> Option<Vec<CodeLens>> {
    let (id, doc) = view.doc(uri)?;
    let mut lenses = Vec::new();
    let mut last_line = None;
    for (i, st) in doc.analysis.statements.iter().enumerate() {
        let links = view.corpus.claim_index().links(id, i as u32);
        if links.is_empty() {
            continue;
        }
        let range = convert::span_to_range(doc, st.span, view.enc);
        // one lens per line: a quote inside a repeated sentence shares it
        if last_line == Some(range.start.line) {
            continue;
        }
        last_line = Some(range.start.line);
        let here = links.iter().filter(|l| l.doc == id).count();
        let mut elsewhere: Vec<DocId> = links
            .iter()
            .filter(|l| l.doc != id)
            .map(|l| l.doc)
            .collect();
        elsewhere.sort_unstable();
        elsewhere.dedup();
        let title = lens_title(elsewhere.len(), here);
        lenses.push(CodeLens {
            range: Range::new(range.start, range.start),
            command: Some(Command {
                title,
                command: SHOW_REPEATS.into(),
                arguments: Some(vec![json!(uri.as_str()), json!(range.start)]),
            }),
            data: None,
        });
    }
    Some(lenses)
}

fn lens_title(other_articles: usize, here: usize) -> String {
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            one.to_string()
        } else {
            format!("{n} {many}")
        }
    };
    match (other_articles, here) {
        (0, h) => format!(
            "repeated {} in this article",
            plural(h, "once more", "more times")
        ),
        (a, 0) => format!("said in {}", plural(a, "1 other article", "other articles")),
        (a, h) => format!(
            "said in {} and {} here",
            plural(a, "1 other article", "other articles"),
            plural(h, "once more", "more times")
        ),
    }
}

/// The other occurrences of the claim at a position (for the lens command).
pub fn repeats(view: &View, uri: &Uri, pos: Position) -> Vec<Location> {
    let Some((id, doc)) = view.doc(uri) else {
        return Vec::new();
    };
    let offset = convert::position_to_offset(doc, pos, view.enc);
    let Some((_, others)) = view.corpus.claim_at(id, offset) else {
        return Vec::new();
    };
    others
        .iter()
        .filter_map(|r| statement_location(view, *r))
        .collect()
}

fn statement_location(view: &View, r: StatementRef) -> Option<Location> {
    let d = view.corpus.doc(r.doc)?;
    let s = view.corpus.statement(r)?;
    Some(Location::new(
        convert::path_to_uri(&d.path)?,
        convert::span_to_range(d, s.span, view.enc),
    ))
}

/// Quick fixes for the figure conflicts inside `range`.
pub fn code_actions(
    view: &View,
    uri: &Uri,
    range: Range,
    diagnostics: &[Diagnostic],
) -> Option<Vec<CodeActionOrCommand>> {
    let (id, doc) = view.doc(uri)?;
    let want = convert::range_to_span(doc, range, view.enc);
    let mut out = Vec::new();
    for c in view.corpus.conflicts(id) {
        let Some(fig) = view.corpus.figure(id, c.figure) else {
            continue;
        };
        if !fig.span.overlaps(want) && !fig.span.touches(want.start as usize) {
            continue;
        }
        let fig_range = convert::span_to_range(doc, fig.span, view.enc);
        let mine = fig.span.of(&doc.text).to_string();
        let diags: Vec<Diagnostic> = diagnostics
            .iter()
            .filter(|d| {
                d.range == fig_range
                    && d.code == Some(NumberOrString::String(INCONSISTENT_FIGURE.into()))
            })
            .cloned()
            .collect();
        let mut offered: Vec<String> = Vec::new();
        for &(od, oi) in &c.others {
            let (Some(odoc), Some(other)) = (view.corpus.doc(od), view.corpus.figure(od, oi))
            else {
                continue;
            };
            let replacement = fig.restyle(&doc.text, other, &odoc.text);
            if replacement == mine || offered.contains(&replacement) {
                continue;
            }
            offered.push(replacement.clone());
            let edit = WorkspaceEdit {
                changes: Some(HashMap::from([(
                    uri.clone(),
                    vec![TextEdit {
                        range: fig_range,
                        new_text: replacement.clone(),
                    }],
                )])),
                ..WorkspaceEdit::default()
            };
            out.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Use {replacement}, as {} gives", display_name(&odoc.path)),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(diags.clone()),
                edit: Some(edit),
                is_preferred: Some(offered.len() == 1),
                ..CodeAction::default()
            }));
        }
        out.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: format!("Keep {mine} as is (record in claimlens.toml)"),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(diags),
            command: Some(Command {
                title: "Keep as is".into(),
                command: KEEP_FIGURE.into(),
                arguments: Some(vec![json!(uri.as_str()), json!(mine)]),
            }),
            ..CodeAction::default()
        }));
    }
    Some(out)
}

/// Every figure conflict of the corpus, for a quickfix list.
pub fn list_conflicts(view: &View) -> Value {
    let mut out = Vec::new();
    for (id, doc) in view.corpus.documents() {
        let Some(uri) = convert::path_to_uri(&doc.path) else {
            continue;
        };
        for f in view.corpus.findings(id) {
            out.push(json!({
                "uri": uri.as_str(),
                "range": convert::span_to_range(doc, f.span, view.enc),
                "message": f.message,
                "code": f.code,
            }));
        }
    }
    Value::Array(out)
}
