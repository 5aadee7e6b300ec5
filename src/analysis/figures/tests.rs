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

/// Debugging aid: every cross-document candidate pair (same key, both
/// comparable) with its evidence.
/// `CLAIMLENS_PAIRS=a.txt:b.txt:… cargo test --lib dump_pairs -- --ignored --nocapture`
#[test]
#[ignore]
fn dump_pairs() {
    let Ok(paths) = std::env::var("CLAIMLENS_PAIRS") else {
        return;
    };
    let docs: Vec<(String, String, Vec<Figure>)> = paths
        .split(':')
        .map(|p| {
            let t = std::fs::read_to_string(p).unwrap();
            let f = figs(&t);
            (p.rsplit('/').next().unwrap().to_string(), t, f)
        })
        .collect();
    for (a, (na, ta, fa)) in docs.iter().enumerate() {
        for (nb, tb, fb) in docs.iter().skip(a + 1) {
            for f in fa {
                for g in fb {
                    if f.key().is_none() || f.key() != g.key() || !link::comparable_pair(f, g) {
                        continue;
                    }
                    let (n, s) = link::similarity(&f.context, &g.context);
                    let (ln, ls) = link::similarity(&f.local, &g.local);
                    println!(
                        "{:5} {}:{:?} ~ {}:{:?} key={:?} ctx=({n},{s:.2}) local=({ln},{ls:.2}) names={} mag={} flags={:#x}/{:#x} disagree={}",
                        link::same_by_description(f, g),
                        na,
                        f.span.of(ta),
                        nb,
                        g.span.of(tb),
                        f.key(),
                        link::names_agree(f, g),
                        link::same_magnitude(f, g),
                        f.flags,
                        g.flags,
                        link::disagree(f, g)
                    );
                }
            }
        }
    }
}

/// Debugging aid: the conflicts of a corpus through [`crate::analysis::corpus::Corpus`].
#[test]
#[ignore]
fn dump_corpus_conflicts() {
    use crate::analysis::corpus::Corpus;
    let Ok(paths) = std::env::var("CLAIMLENS_PAIRS") else {
        return;
    };
    let files: Vec<(std::path::PathBuf, std::sync::Arc<str>)> = paths
        .split(':')
        .map(|p| (p.into(), std::fs::read_to_string(p).unwrap().into()))
        .collect();
    let c = Corpus::build(Default::default(), files);
    for (id, d) in c.documents() {
        for f in c.findings(id) {
            let fig = c.figure_at(id, f.span.start as usize).unwrap().1;
            println!(
                "{} {:?} names={:?} flags={:#x} :: {}",
                d.path.display(),
                f.span.of(&d.text),
                fig.names,
                fig.flags,
                f.message
            );
            for (od, os, _) in &f.related {
                let g = c.figure_at(*od, os.start as usize).unwrap().1;
                println!(
                    "   other names={:?} flags={:#x} desc={} cand={}",
                    g.names,
                    g.flags,
                    link::same_by_description(fig, g),
                    link::comparable_pair(fig, g)
                );
            }
        }
    }
}

#[test]
#[ignore]
fn dbg_tokens() {
    let text = std::env::var("CLAIMLENS_TEXT").unwrap_or_default();
    let mut toks = tokenize(&text);
    let sents = sentences::split(&text, &mut toks);
    for s in &sents {
        println!("SENT {:?}", s.of(&text));
    }
    for t in &toks {
        println!("{:?} {:#x}", t.text(&text), t.flags);
    }
}
