//! Extraction, linking and index tests over small texts.

use super::*;
use crate::analysis::sentences;
use crate::analysis::statements;
use crate::analysis::tokens::tokenize;

pub(crate) fn figs(text: &str) -> Vec<Figure> {
    let mut toks = tokenize(text);
    let sents = sentences::split(text, &mut toks);
    let stmts = statements::segment(text, &toks, &sents);
    extract(text, &toks, &sents, &stmts)
}

#[test]
fn smoke() {
    let f = figs("Are we producing 25 million tonnes of oil?");
    assert_eq!(f.len(), 1);
}

/// Debugging aid: `CLAIMLENS_DUMP=file.txt cargo test --lib dump_figures -- --ignored --nocapture`
#[test]
#[ignore]
fn dump_figures() {
    let Ok(paths) = std::env::var("CLAIMLENS_DUMP") else {
        return;
    };
    for p in paths.split(':') {
        let text = std::fs::read_to_string(p).unwrap();
        println!("=== {p}");
        let fs = figs(&text);
        for (i, f) in fs.iter().enumerate() {
            println!(
                "{i:3} s{:<3} {:40} | {:9} {:10} thing={:?} q={:?} [{}, {}] flags={:#x} same={:?}",
                f.sentence,
                format!("{:?}", f.span.of(&text)),
                f.dim.as_str(),
                f.shown_unit,
                f.thing,
                f.qualifier,
                render::plain(f.low),
                render::plain(f.high),
                f.flags,
                f.same_as
            );
        }
    }
}
