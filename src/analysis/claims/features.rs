//! Matching features of statements.
//!
//! Every token of a document is normalised once, into one array of terms in
//! text order (a content word, name or number gives its term; a negation
//! gives the one negation term). A statement is a range of that array, less
//! its attributing phrase; its [`Features`] (distinct terms, hashed pairs of
//! adjacent terms) are read off the range when it is compared. Nested
//! statements (a quote inside its sentence, a clause) share the array, so a
//! document's claims cost about five bytes per content word.

use std::hash::Hasher;

use rustc_hash::{FxHashSet, FxHasher};

use super::normalize::{self, Norm, TermClass, TermId};
use crate::analysis::entities::DocEntities;
use crate::analysis::sentences::CLAUSE_START;
use crate::analysis::span::Span;
use crate::analysis::statements::Statement;
use crate::analysis::tokens::{Token, TokenKind};

/// The features of one statement, computed from its term range.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features {
    /// Distinct terms sorted by id, each with its class (the strongest class
    /// it had in the statement: a number or name outranks a word).
    pub terms: Vec<(TermId, TermClass)>,
    /// Distinct hashes of adjacent content-term pairs, sorted.
    pub bigrams: Vec<u32>,
}

impl Features {
    /// Number of content terms (names, words and numbers, not negation).
    pub fn content_len(&self) -> usize {
        self.terms
            .iter()
            .filter(|t| t.1 != TermClass::Negation)
            .count()
    }

    /// Fill from a run of terms in text order, skipping `skip` (positions
    /// within the run).
    pub fn fill(&mut self, terms: &[TermId], classes: &[TermClass], skip: (usize, usize)) {
        self.terms.clear();
        self.bigrams.clear();
        let mut prev: Option<TermId> = None;
        for (k, (&t, &c)) in terms.iter().zip(classes).enumerate() {
            if skip.0 <= k && k < skip.1 {
                continue;
            }
            self.terms.push((t, c));
            if c == TermClass::Negation {
                continue;
            }
            if let Some(p) = prev
                && p != t
            {
                self.bigrams.push(pair_hash(p, t));
            }
            prev = Some(t);
        }
        // distinct terms; a term keeps its strongest class
        self.terms
            .sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
        self.terms.dedup_by_key(|x| x.0);
        self.bigrams.sort_unstable();
        self.bigrams.dedup();
    }
}

/// The hash of an ordered pair of adjacent terms.
pub fn pair_hash(a: TermId, b: TermId) -> u32 {
    let mut h = FxHasher::default();
    h.write_u32(a);
    h.write_u32(b.rotate_left(17));
    let h = h.finish();
    (h ^ (h >> 32)) as u32
}

/// One token's normal form, computed once per document.
#[derive(Clone, Copy)]
struct TokTerm {
    term: Option<(TermId, TermClass)>,
    negation: bool,
}

/// Normalise every token of a document.
fn token_terms(text: &str, toks: &[Token], entities: &DocEntities) -> Vec<TokTerm> {
    let mut out = Vec::with_capacity(toks.len());
    let mut mention = 0usize;
    let mut bracket = 0i32;
    // words seen capitalised inside a sentence, and words seen in lowercase:
    // a capitalised sentence-initial word is a name when the document uses
    // it as one elsewhere and never writes it in lowercase
    let mut named: FxHashSet<TermId> = FxHashSet::default();
    let mut common: FxHashSet<TermId> = FxHashSet::default();
    let mut initial: Vec<usize> = Vec::new();
    for t in toks {
        let s = t.text(text);
        let mut tt = TokTerm {
            term: None,
            negation: false,
        };
        match t.kind {
            TokenKind::Punct => {
                // editorial insertions "[Putin]" are not part of what is said
                match s {
                    "[" => bracket += 1,
                    "]" => bracket = (bracket - 1).max(0),
                    _ => {}
                }
            }
            _ if bracket > 0 => {}
            TokenKind::Number => {
                tt.term = Some((normalize::number_term(s), TermClass::Number));
            }
            TokenKind::Word => {
                while mention < entities.mentions.len()
                    && entities.mentions[mention].span.end <= t.span.start
                {
                    mention += 1;
                }
                let in_mention = entities
                    .mentions
                    .get(mention)
                    .is_some_and(|m| m.span.start <= t.span.start);
                // the cheap proper-noun cue: capitalised, not first in its
                // sentence or clause, not a lone capital letter
                let cue = t.is_capitalized()
                    && !t.is_sentence_start()
                    && !t.has(CLAUSE_START)
                    && s.chars().nth(1).is_some();
                match normalize::word(s, in_mention || cue) {
                    Norm::Stop => {}
                    Norm::Negation => tt.negation = true,
                    Norm::Term(id, class, neg) => {
                        tt.term = Some((id, class));
                        tt.negation = neg;
                        if class == TermClass::Name {
                            named.insert(id);
                        } else if !t.is_capitalized() {
                            common.insert(id);
                        } else {
                            initial.push(out.len());
                        }
                    }
                }
            }
        }
        out.push(tt);
    }
    for i in initial {
        if let Some((id, class)) = out[i].term.as_mut()
            && named.contains(id)
            && !common.contains(id)
        {
            *class = TermClass::Name;
        }
    }
    // in a run of name words only the last is the name proper
    for i in 1..out.len() {
        if let (Some((_, TermClass::Name)), Some((_, TermClass::Name))) =
            (out[i - 1].term, out[i].term)
            && toks[i].space_before()
            && !toks[i].newline_before()
            && let Some(t) = out[i - 1].term.as_mut()
        {
            t.1 = TermClass::NamePart;
        }
    }
    out
}

/// The terms of a document in text order and, for every statement, its
/// range of them and its attribution's range (left out).
pub struct DocTerms {
    pub terms: Vec<TermId>,
    pub classes: Vec<TermClass>,
    /// Per statement: its term range and the attribution's term range.
    pub ranges: Vec<((u32, u32), (u32, u32))>,
}

/// Normalise a document's tokens and cut the statements' term ranges.
pub fn build(
    text: &str,
    toks: &[Token],
    statements: &[Statement],
    entities: &DocEntities,
) -> DocTerms {
    let per_tok = token_terms(text, toks, entities);
    let mut terms = Vec::with_capacity(per_tok.len() / 2);
    let mut classes = Vec::with_capacity(per_tok.len() / 2);
    // at[k]: number of terms before token k
    let mut at: Vec<u32> = Vec::with_capacity(per_tok.len() + 1);
    for tt in &per_tok {
        at.push(terms.len() as u32);
        if let Some((id, class)) = tt.term {
            terms.push(id);
            classes.push(class);
        }
        if tt.negation {
            terms.push(normalize::negation_term());
            classes.push(TermClass::Negation);
        }
    }
    at.push(terms.len() as u32);
    let ranges = statements
        .iter()
        .map(|st| {
            let (a, b) = token_range(toks, st.span);
            let (x, y) = st.attribution().map_or((a, a), |s| token_range(toks, s));
            let (x, y) = (x.clamp(a, b), y.clamp(a, b));
            ((at[a], at[b]), (at[x], at[y.max(x)]))
        })
        .collect();
    DocTerms {
        terms,
        classes,
        ranges,
    }
}

fn token_range(toks: &[Token], span: Span) -> (usize, usize) {
    let a = toks.partition_point(|t| t.span.start < span.start);
    let b = toks.partition_point(|t| t.span.start < span.end);
    (a, b.max(a))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{sentences, statements, tokens};

    fn feats(text: &str) -> Vec<Features> {
        let mut toks = tokens::tokenize(text);
        let sents = sentences::split(text, &mut toks);
        let st = statements::segment(text, &toks, &sents);
        let d = build(text, &toks, &st, &DocEntities::default());
        d.ranges
            .iter()
            .map(|&((a, b), (x, y))| {
                let mut f = Features::default();
                let (a, b) = (a as usize, b as usize);
                f.fill(
                    &d.terms[a..b],
                    &d.classes[a..b],
                    (x as usize - a, y as usize - a),
                );
                f
            })
            .collect()
    }

    #[test]
    fn terms_classes_and_pairs() {
        let f = feats("We receive natural gas from fraternal Russia, not 25 [million] tonnes.");
        let f = &f[0];
        let classes: Vec<TermClass> = f.terms.iter().map(|t| t.1).collect();
        assert_eq!(f.content_len(), 7); // receiv natur gas fratern russia 25 tonn
        assert!(classes.contains(&TermClass::Name));
        assert!(classes.contains(&TermClass::Number));
        assert!(classes.contains(&TermClass::Negation));
        assert_eq!(f.bigrams.len(), 6);
    }

    #[test]
    fn attribution_is_left_out() {
        let f = feats("Trade grew by six percent, Putin said.");
        let g = feats("Trade grew by six percent.");
        assert_eq!(f[0].terms, g[0].terms);
    }

    #[test]
    fn sentence_start_is_not_a_name_but_the_same_term() {
        let a = &feats("Russia will do it.")[0];
        let b = &feats("They know Russia will do it.")[0];
        assert_eq!(a.terms[0].1, TermClass::Word);
        assert!(
            b.terms
                .iter()
                .any(|t| t.0 == a.terms[0].0 && t.1 == TermClass::Name)
        );
    }
}
