//! Matching features of a statement: its distinct terms with their class,
//! and the hashed pairs of adjacent terms (word order, the mark of copied
//! text).
//!
//! Every token of a document is normalised once; a statement's features are
//! then read off its token range, so nested statements (a quote inside its
//! sentence) cost no second normalisation.

use std::hash::Hasher;

use rustc_hash::{FxHashSet, FxHasher};

use super::normalize::{self, Norm, TermClass, TermId};
use super::synonyms::{self, Concept};
use crate::analysis::entities::DocEntities;
use crate::analysis::sentences::CLAUSE_START;
use crate::analysis::span::Span;
use crate::analysis::statements::Statement;
use crate::analysis::tokens::{Token, TokenKind};

/// The features of one statement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Features {
    /// Distinct terms sorted by id, each with its class (the strongest class
    /// it had in the statement: a number or name outranks a word).
    pub terms: Box<[(TermId, TermClass)]>,
    /// Distinct hashes of adjacent term pairs, sorted.
    pub bigrams: Box<[u64]>,
    /// The synonym concepts of the word terms, with the term, sorted.
    pub concepts: Box<[(Concept, TermId)]>,
}

impl Features {
    /// Number of content terms (names, words and numbers, not negation).
    pub fn content_len(&self) -> usize {
        self.terms
            .iter()
            .filter(|t| t.1 != TermClass::Negation)
            .count()
    }
}

/// One token's normal form, computed once per document.
#[derive(Clone, Copy)]
struct TokTerm {
    term: Option<(TermId, TermClass)>,
    negation: bool,
}

fn pair_hash(a: TermId, b: TermId) -> u64 {
    let mut h = FxHasher::default();
    h.write_u64(a);
    h.write_u64(b.rotate_left(17));
    h.finish()
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

/// Features of every statement of a document.
pub fn build(
    text: &str,
    toks: &[Token],
    statements: &[Statement],
    entities: &DocEntities,
) -> Vec<Features> {
    let terms = token_terms(text, toks, entities);
    let mut buf_terms: Vec<(TermId, TermClass)> = Vec::new();
    let mut buf_pairs: Vec<u64> = Vec::new();
    let mut buf_concepts: Vec<(Concept, TermId)> = Vec::new();
    statements
        .iter()
        .map(|st| {
            let (a, b) = token_range(toks, st.span);
            let skip = st.attribution.map_or((0, 0), |s| token_range(toks, s));
            buf_terms.clear();
            buf_pairs.clear();
            let mut negated = false;
            let mut prev: Option<TermId> = None;
            for (k, tt) in terms.get(a..b).unwrap_or(&[]).iter().enumerate() {
                let k = a + k;
                if skip.0 <= k && k < skip.1 {
                    continue;
                }
                negated |= tt.negation;
                if let Some((id, class)) = tt.term {
                    buf_terms.push((id, class));
                    if let Some(p) = prev
                        && p != id
                    {
                        buf_pairs.push(pair_hash(p, id));
                    }
                    prev = Some(id);
                }
            }
            if negated {
                buf_terms.push((normalize::negation_term(), TermClass::Negation));
            }
            // distinct terms; a term keeps its strongest class
            buf_terms.sort_unstable_by(|x, y| x.0.cmp(&y.0).then(y.1.cmp(&x.1)));
            buf_terms.dedup_by_key(|x| x.0);
            buf_pairs.sort_unstable();
            buf_pairs.dedup();
            buf_concepts.clear();
            for &(t, class) in &buf_terms {
                if class == TermClass::Word {
                    buf_concepts.extend(synonyms::concepts(t).iter().map(|&c| (c, t)));
                }
            }
            buf_concepts.sort_unstable();
            Features {
                terms: buf_terms.as_slice().into(),
                bigrams: buf_pairs.as_slice().into(),
                concepts: buf_concepts.as_slice().into(),
            }
        })
        .collect()
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
        build(text, &toks, &st, &DocEntities::default())
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
