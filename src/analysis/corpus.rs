//! The corpus index: every document's text and analysis, and the
//! corpus-level indexes (entities, claims, figures) kept up to date one
//! document at a time.
//!
//! Documents are keyed by path. Whether a text came from disk or from an
//! editor buffer is the caller's business; the corpus holds the text that
//! answers should follow.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::claims::index::DocTerms;
use super::claims::similarity::Rated;
use super::claims::{ClaimIndex, Link};
use super::config::Config;
use super::dates::Date;
use super::entities::resolve::DocKeys;
use super::entities::{Articles, DocId, EntityId, EntityIndex, EntityInfo, EntityKind, Stopped};
use super::figures::{self, Conflict, Figure, FigureIndex};
use super::span::Span;
use super::statements::Statement;
use super::text::LineIndex;
use super::{DocAnalysis, analyze};

mod judged;
use judged::Prepared;

/// One document of the corpus.
#[derive(Debug)]
pub struct Document {
    pub path: PathBuf,
    pub text: Arc<str>,
    pub lines: LineIndex,
    pub analysis: Arc<DocAnalysis>,
}

/// A finding about a document, shown as a diagnostic by the server and as a
/// line of the report by the CLI.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    pub span: Span,
    pub code: &'static str,
    pub message: String,
    /// Places elsewhere that the finding refers to, with a short label
    /// ("gives 24 million tonnes"; whoever shows the place shows its file).
    pub related: Vec<(DocId, Span, String)>,
    /// How many more places it refers to than `related` lists.
    pub unlisted: usize,
    /// Every document it refers to (listed or not), sorted: those whose
    /// findings point back here.
    pub partners: Vec<DocId>,
}

/// The most places a finding lists in [`Finding::related`]: at least one
/// for each value the message spells out ([`MAX_VALUES`]). A figure copied
/// by thousands of articles is flagged in each of them, and every listed
/// place is a location the editor receives and keeps: at 10k generated
/// articles 16 places per finding made 567k of them to send and convert
/// at startup; the message counts the rest and the "list figure conflicts"
/// command gives them all.
pub const MAX_RELATED: usize = 8;
/// The most articles a finding's message names for one disagreeing value.
pub const NAMES_PER_VALUE: usize = 3;
/// The most disagreeing values a finding's message spells out.
pub const MAX_VALUES: usize = 6;

/// "a", "a and b", "a, b and c".
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

pub const INCONSISTENT_FIGURE: &str = "inconsistent-figure";

/// A statement and where it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StatementRef {
    pub doc: DocId,
    pub statement: u32,
}

#[derive(Debug)]
pub struct Corpus {
    config: Config,
    docs: Vec<Option<Document>>,
    by_path: FxHashMap<PathBuf, DocId>,
    free: Vec<DocId>,
    entities: EntityIndex,
    claims: ClaimIndex,
    figures: FigureIndex,
    /// Every document's conflicts, when computed for the corpus as it is
    /// ([`Corpus::prepare_findings`]); emptied by any change.
    table: std::sync::OnceLock<Prepared>,
    /// Each document's place among the corpus's paths (by document id),
    /// made when first asked and dropped when a document arrives or
    /// leaves: a hover lists a capital's first articles by path out of
    /// tens of thousands.
    path_order: std::sync::OnceLock<PathOrder>,
}

/// The documents of a corpus in path order.
#[derive(Debug, Default)]
pub struct PathOrder {
    /// Document ids, by path.
    pub order: Vec<DocId>,
    /// Each document id's place in `order` (`u32::MAX` for a free id).
    pub place: Vec<u32>,
}

impl Default for Corpus {
    fn default() -> Corpus {
        Corpus::new(Config::default())
    }
}

impl Corpus {
    pub fn new(config: Config) -> Corpus {
        Corpus {
            entities: EntityIndex::new(config.entities.clone()),
            figures: FigureIndex::within(config.figures_within_days),
            config,
            docs: Vec::new(),
            by_path: FxHashMap::default(),
            free: Vec::new(),
            claims: ClaimIndex::default(),
            table: std::sync::OnceLock::new(),
            path_order: std::sync::OnceLock::new(),
        }
    }

    /// Analyse and index many documents at once, in parallel.
    pub fn build(config: Config, files: Vec<(PathBuf, Arc<str>)>) -> Corpus {
        let mut corpus = Corpus::new(config);
        let analysed: Vec<_> = files
            .into_par_iter()
            .map(|(path, text)| {
                let a = analyze(&text, &corpus.config);
                (path, text, a)
            })
            .collect();
        corpus.upsert_many(
            analysed
                .into_iter()
                .map(|(p, t, a)| (p, t, Arc::new(a)))
                .collect(),
        );
        corpus
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Replace the configuration. Per-document analyses depend on it, so the
    /// caller re-analyses every document afterwards and upserts the results.
    pub fn set_config(&mut self, config: Config) {
        self.forget_judged();
        self.entities.set_config(config.entities.clone());
        self.figures.set_window(config.figures_within_days);
        self.config = config;
    }

    pub fn len(&self) -> usize {
        self.by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_path.is_empty()
    }

    pub fn doc_id(&self, path: &Path) -> Option<DocId> {
        self.by_path.get(path).copied()
    }

    /// Where `id`'s path comes among the corpus's paths, in `Path` order:
    /// comparing two of these is comparing the paths (cheaper when many
    /// are compared). `None` for a document not in the corpus.
    pub fn path_rank(&self, id: DocId) -> Option<u32> {
        self.doc(id)?;
        self.path_order().place.get(id as usize).copied()
    }

    /// The documents in path order: made on the first call after
    /// documents arrived or left, which a server can do ahead of the first
    /// hover.
    pub fn path_order(&self) -> &PathOrder {
        self.path_order.get_or_init(|| {
            let mut by_path: Vec<(&Path, DocId)> = self
                .by_path
                .iter()
                .map(|(p, &d)| (p.as_path(), d))
                .collect();
            by_path.sort_unstable();
            let mut place = vec![u32::MAX; self.docs.len()];
            for (r, &(_, d)) in by_path.iter().enumerate() {
                place[d as usize] = r as u32;
            }
            PathOrder {
                order: by_path.into_iter().map(|x| x.1).collect(),
                place,
            }
        })
    }

    pub fn doc(&self, id: DocId) -> Option<&Document> {
        self.docs.get(id as usize).and_then(Option::as_ref)
    }

    /// All documents, in path order.
    pub fn documents(&self) -> impl Iterator<Item = (DocId, &Document)> {
        let mut ids: Vec<(&PathBuf, DocId)> = self.by_path.iter().map(|(p, &id)| (p, id)).collect();
        ids.sort();
        ids.into_iter()
            .filter_map(|(_, id)| self.doc(id).map(|d| (id, d)))
    }

    /// Insert or replace a document. Returns the documents whose findings
    /// (diagnostics) may have changed: the document itself and those with a
    /// figure that may conflict with one of its changed figures (see
    /// [`figures::signatures`]: a figure the edit only moved changes nobody's
    /// conflicts). Other documents' findings that point at a moved figure
    /// keep their content but point at its old place; a caller showing those
    /// locations refreshes the documents named in the edited document's
    /// [`Finding::partners`] (the server does, when the flagged spans move).
    ///
    /// Answers that are computed when asked (hover, claim links, lenses,
    /// entity tokens) may change in other documents too; which ones is not
    /// computed here (finding the documents claim-linked to the edited one,
    /// before and after, cost more than the rest of an edit): a server asks
    /// its client to re-request what it caches.
    pub fn upsert(
        &mut self,
        path: PathBuf,
        text: Arc<str>,
        analysis: Arc<DocAnalysis>,
    ) -> Vec<DocId> {
        self.upsert_staged(Incoming::new(path, text, analysis))
    }

    /// [`Corpus::upsert`] of a document staged by the caller (before
    /// locking the corpus, as the server does for every edit).
    pub fn upsert_staged(&mut self, doc: Incoming) -> Vec<DocId> {
        self.install(doc)
    }

    /// Insert or replace many documents at once, as the first indexing
    /// does. Unlike [`Corpus::upsert`] it does not work out which other
    /// documents' findings the new ones affect: after loading, a caller
    /// computes every document's findings anyway. Returns the documents
    /// inserted or replaced.
    ///
    /// What each document's indexing needs from it alone ([`Incoming`]) is
    /// worked out on the other cores while the indexes are filled, a few
    /// hundred documents ahead (not all at once: that would hold every
    /// document's staging in memory). Then the indexes give back the room
    /// they kept for growth ([`Corpus::settle`], a pass over the claim
    /// index's copies: 0.14 s at 100k generated articles, whatever the
    /// number of documents given), so this is for loading many at once.
    pub fn upsert_many(&mut self, docs: Vec<(PathBuf, Arc<str>, Arc<DocAnalysis>)>) -> Vec<DocId> {
        const AHEAD: usize = 256;
        let stage = |chunk: Vec<(PathBuf, Arc<str>, Arc<DocAnalysis>)>| -> Vec<Incoming> {
            chunk
                .into_par_iter()
                .map(|(path, text, analysis)| Incoming::new(path, text, analysis))
                .collect()
        };
        let mut changed = Vec::with_capacity(docs.len());
        let mut docs = docs.into_iter();
        let mut ready = stage(docs.by_ref().take(AHEAD).collect());
        while !ready.is_empty() {
            let chunk: Vec<_> = docs.by_ref().take(AHEAD).collect();
            let (next, installed) = rayon::join(|| stage(chunk), || self.upsert_incoming(ready));
            changed.extend(installed);
            ready = next;
        }
        self.settle();
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    /// [`Corpus::upsert_many`] of documents staged by the caller: a server
    /// stages each document on its analysis workers, and only filling the
    /// indexes waits for the corpus.
    ///
    /// The three indexes do not read each other: the entities (over half
    /// the work) are filled on this thread while a second one fills the
    /// claims and the figures, each index taking the documents in the same
    /// order as one at a time would. A thread of its own rather than the
    /// rayon pool: in a server the pool is busy analysing the next chunk,
    /// and work queued behind that would keep the corpus locked.
    pub fn upsert_incoming(&mut self, docs: Vec<Incoming>) -> Vec<DocId> {
        /// Below this many documents a second thread costs more than it saves.
        const ON_TWO_THREADS: usize = 32;
        let n = docs.len();
        if n == 0 {
            return Vec::new();
        }
        self.forget_judged();
        let filings: Vec<Filing> = docs.into_iter().map(|d| self.place(d)).collect();
        let mut ids: Vec<DocId> = filings.iter().map(|f| f.id).collect();
        let (entity_index, claim_index, figure_index) =
            (&mut self.entities, &mut self.claims, &mut self.figures);
        let mut keys = Vec::with_capacity(n);
        let mut rest = Vec::with_capacity(n);
        for f in filings {
            keys.push((f.id, f.keys));
            rest.push((f.id, f.rank, f.when, f.terms, f.figures, f.hashes));
        }
        let entities = move || {
            for (id, k) in keys {
                entity_index.update_keyed(id, k);
            }
        };
        let others = move || {
            for (id, rank, when, terms, figs, hashes) in rest {
                claim_index.insert_terms(id, rank, terms);
                figure_index.insert_quiet(id, rank, when, figs, hashes);
            }
        };
        if n < ON_TWO_THREADS {
            entities();
            others();
        } else {
            // a panic on the other thread is raised here when the scope ends
            std::thread::scope(|s| {
                s.spawn(others);
                entities();
            });
        }
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Put a staged document in its place (the id its path has, or a new
    /// one) and return what the indexes are to be given for it.
    fn place(&mut self, doc: Incoming) -> Filing {
        let Incoming {
            path,
            text,
            analysis,
            lines,
            rank,
            when,
            filed,
            terms,
            hashes,
        } = doc;
        let id = match self.by_path.get(&path) {
            Some(&id) => id,
            None => {
                let id = self.free.pop().unwrap_or(self.docs.len() as DocId);
                if id as usize == self.docs.len() {
                    self.docs.push(None);
                }
                self.by_path.insert(path.clone(), id);
                self.path_order.take();
                id
            }
        };
        let figures = analysis.figures.clone();
        self.docs[id as usize] = Some(Document {
            path,
            text,
            lines,
            analysis,
        });
        Filing {
            id,
            rank,
            keys: filed,
            terms,
            when,
            figures,
            hashes,
        }
    }

    /// Install a document; return the documents whose findings may have
    /// changed (see [`Corpus::upsert`]).
    fn install(&mut self, doc: Incoming) -> Vec<DocId> {
        self.forget_judged();
        let f = self.place(doc);
        self.entities.update_keyed(f.id, f.keys);
        self.claims.insert_terms(f.id, f.rank, f.terms);
        let mut changed = self
            .figures
            .update(f.id, f.rank, f.when, f.figures, f.hashes);
        changed.push(f.id);
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    /// Give back the room the indexes keep for growth: for after a first
    /// indexing, when documents will come one at a time. Answers do not
    /// change.
    pub fn settle(&mut self) {
        self.claims.settle();
    }

    /// Remove a document. Returns the documents whose answers may have changed.
    pub fn remove(&mut self, path: &Path) -> Vec<DocId> {
        let Some(id) = self.by_path.remove(path) else {
            return Vec::new();
        };
        self.forget_judged();
        self.path_order.take();
        self.docs[id as usize] = None;
        self.free.push(id);
        self.entities.remove(id);
        self.claims.discard(id);
        let mut changed = self.figures.remove(id);
        changed.retain(|&d| d != id);
        changed.sort_unstable();
        changed.dedup();
        changed
    }

    // ------------------------------------------------------------ entities

    pub fn entity_index(&self) -> &EntityIndex {
        &self.entities
    }

    /// The entity mention under `offset`.
    pub fn entity_at(&self, doc: DocId, offset: usize) -> Option<(Span, EntityId)> {
        self.entities.mention_at(doc, offset)
    }

    pub fn entity(&self, id: EntityId) -> Option<Arc<EntityInfo>> {
        self.entities.entity(id)
    }

    /// The articles that mention entity `e`: how many, and the first
    /// `listed` in path order. Worked out once per description, which is
    /// kept until an edit touches the entity (a document's path never
    /// changes, so neither does their order): at 100k generated articles a
    /// head of state is in some 90,000 articles, and every hover on it went
    /// through all of its 300,000 mentions again, 4-8 ms each time.
    pub fn entity_articles<'a>(
        &self,
        e: &'a EntityInfo,
        listed: usize,
    ) -> std::borrow::Cow<'a, Articles> {
        use std::borrow::Cow;
        let a = e.articles.get_or_init(|| self.articles_of(e, listed));
        // what was kept answers any number that lists the same articles
        if a.first.len() == listed.min(a.count) {
            Cow::Borrowed(a)
        } else {
            // kept for another number: worked out again, not kept
            Cow::Owned(self.articles_of(e, listed))
        }
    }

    fn articles_of(&self, e: &EntityInfo, listed: usize) -> Articles {
        let mut per_doc: Vec<(DocId, u32, Span)> = Vec::new();
        for &(d, s) in &e.mentions {
            match per_doc.last_mut() {
                Some(last) if last.0 == d => last.1 += 1,
                _ => per_doc.push((d, 1, s)),
            }
        }
        let count = per_doc.len();
        // by path, not by document id: ids follow the order in which files
        // arrived, and the same corpus must read the same however built;
        // only the listed ones are sorted
        let by_path = |a: &(DocId, u32, Span), b: &(DocId, u32, Span)| {
            let rank = |d: DocId| self.path_rank(d);
            rank(a.0).cmp(&rank(b.0)).then(a.2.start.cmp(&b.2.start))
        };
        if per_doc.len() > listed {
            per_doc.select_nth_unstable_by(listed, by_path);
            per_doc.truncate(listed);
        }
        per_doc.sort_by(by_path);
        per_doc.shrink_to_fit();
        Articles {
            count,
            first: per_doc,
        }
    }

    /// [`Corpus::entity`], given up soon after `stop()` turns true (see
    /// [`EntityIndex::entity_unless`]).
    pub fn entity_unless(
        &self,
        id: EntityId,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Option<Arc<EntityInfo>>, Stopped> {
        self.entities.entity_unless(id, stop)
    }

    /// The `limit` most mentioned entities, heaviest first (to describe
    /// ahead of being asked).
    pub fn most_mentioned(&self, limit: usize) -> Vec<EntityId> {
        self.entities.most_mentioned(limit)
    }

    /// The accepted entity mentions of a document, sorted.
    pub fn mentions(&self, doc: DocId) -> Vec<(Span, EntityId, EntityKind)> {
        self.entities.doc_mentions(doc)
    }

    // ------------------------------------------------------------ claims

    pub fn claim_index(&self) -> &ClaimIndex {
        &self.claims
    }

    /// The statements of `doc` that contain `offset`, innermost first.
    pub fn statements_at(&self, doc: DocId, offset: usize) -> Vec<u32> {
        let Some(d) = self.doc(doc) else {
            return Vec::new();
        };
        let mut hits: Vec<(usize, u32)> = d
            .analysis
            .statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s.span.contains(offset))
            .map(|(i, s)| (s.span.len(), i as u32))
            .collect();
        hits.sort_unstable();
        hits.into_iter().map(|(_, i)| i).collect()
    }

    pub fn statement(&self, r: StatementRef) -> Option<&Statement> {
        self.doc(r.doc)?
            .analysis
            .statements
            .get(r.statement as usize)
    }

    /// Who makes the statement `r`, when its text tells.
    pub fn speaker(&self, r: StatementRef) -> Option<&str> {
        let all = &self.doc(r.doc)?.analysis.statements;
        all.speaker(all.get(r.statement as usize)?)
    }

    /// The other occurrences of the claim made at `offset`: the innermost
    /// statement there that is repeated elsewhere, with its links ordered by
    /// article date (undated articles after dated ones, then corpus order).
    pub fn claim_at(&self, doc: DocId, offset: usize) -> Option<(StatementRef, Vec<StatementRef>)> {
        for st in self.statements_at(doc, offset) {
            let links = self.claims.links(doc, st);
            if !links.is_empty() {
                let here = StatementRef { doc, statement: st };
                return Some((here, self.order_links(&links)));
            }
        }
        None
    }

    fn order_links(&self, links: &[Link]) -> Vec<StatementRef> {
        let mut refs: Vec<(Option<Date>, &Path, u32, StatementRef)> = links
            .iter()
            .filter_map(|l| {
                let d = self.doc(l.doc)?;
                let span = d.analysis.statements.get(l.statement as usize)?.span;
                Some((
                    d.analysis.date,
                    d.path.as_path(),
                    span.start,
                    StatementRef {
                        doc: l.doc,
                        statement: l.statement,
                    },
                ))
            })
            .collect();
        // dated first, earliest first; then path order; then position
        refs.sort_by(|a, b| {
            let ka = (a.0.is_none(), a.0, a.1, a.2);
            let kb = (b.0.is_none(), b.0, b.1, b.2);
            ka.cmp(&kb)
        });
        refs.into_iter().map(|r| r.3).collect()
    }

    // ------------------------------------------------------------ figures

    pub fn figure_index(&self) -> &FigureIndex {
        &self.figures
    }

    pub fn figure_at(&self, doc: DocId, offset: usize) -> Option<(u32, &Figure)> {
        let d = self.doc(doc)?;
        d.analysis
            .figures
            .iter()
            .enumerate()
            .find(|(_, f)| f.span.touches(offset))
            .map(|(i, f)| (i as u32, f))
    }

    pub fn figure(&self, doc: DocId, index: u32) -> Option<&Figure> {
        self.doc(doc)?.analysis.figures.get(index as usize)
    }

    /// The figures that disagree with `doc`'s figures, each list in path
    /// order.
    pub fn conflicts(&self, doc: DocId) -> Vec<Conflict> {
        self.conflicts_with(doc, &ClaimMemo::default())
    }

    fn conflicts_with(&self, doc: DocId, memo: &ClaimMemo) -> Vec<Conflict> {
        if let Some(table) = self.table.get() {
            return table.conflicts.get(&doc).cloned().unwrap_or_default();
        }
        let mut out = self.figures.conflicts(doc, &self.same_claim(memo));
        for c in &mut out {
            self.sort_by_path(&mut c.others);
        }
        out
    }

    /// "Do these two statements make the same claim?", remembered in `memo`.
    fn same_claim<'a>(
        &'a self,
        memo: &'a ClaimMemo,
    ) -> impl Fn((DocId, u32), (DocId, u32)) -> bool + 'a {
        move |a, b| memo.is_linked(&self.claims, a, b)
    }

    /// Order (document, index) pairs by the document's path: ids follow the
    /// order in which files arrived, and answers must not depend on it.
    fn sort_by_path(&self, refs: &mut [(DocId, u32)]) {
        refs.sort_by(|a, b| {
            let path = |d: DocId| self.doc(d).map(|doc| doc.path.as_path());
            path(a.0).cmp(&path(b.0)).then(a.1.cmp(&b.1))
        });
    }

    /// Other mentions of the quantity that `doc`'s figure `index` gives.
    pub fn same_quantity(&self, doc: DocId, index: u32) -> Vec<(DocId, u32)> {
        let memo = ClaimMemo::default();
        let mut out = self
            .figures
            .same_quantity(doc, index, &self.same_claim(&memo));
        self.sort_by_path(&mut out);
        out
    }

    /// The findings (diagnostics) of one document.
    ///
    /// A figure copied by many articles can disagree with hundreds of
    /// others. A finding names every disagreeing value, each with up to
    /// [`NAMES_PER_VALUE`] articles and how many more, and points at no
    /// more than [`MAX_RELATED`] places, taken in turn from each value
    /// (in path order), so that every value is one click away.
    pub fn findings(&self, doc: DocId) -> Vec<Finding> {
        self.findings_with(doc, &ClaimMemo::default())
    }

    /// [`Corpus::findings`], remembering statement comparisons in `memo`:
    /// documents computed together (copies of one story share sentences)
    /// compare each pair of sentences once.
    pub fn findings_with(&self, doc: DocId, memo: &ClaimMemo) -> Vec<Finding> {
        let Some(d) = self.doc(doc) else {
            return Vec::new();
        };
        let prepared = self.table.get();
        let computed;
        let conflicts: &[Conflict] = match prepared {
            Some(p) => p.conflicts.get(&doc).map_or(&[], Vec::as_slice),
            None => {
                computed = self.conflicts_with(doc, memo);
                &computed
            }
        };
        let mut out = Vec::new();
        for c in conflicts {
            let Some(fig) = d.analysis.figures.get(c.figure as usize) else {
                continue;
            };
            // a figure the user kept is an accepted disagreement and
            // raises no warning on either side
            if self.is_kept(d, fig) {
                continue;
            }
            let finding = match prepared {
                Some(p) => self.finding(d, fig, &c.others, |od, of| {
                    p.texts.get(od as usize)?.get(of as usize).copied()
                }),
                None => self.finding(d, fig, &c.others, |od, of| {
                    let odoc = self.doc(od)?;
                    Some(odoc.analysis.figures.get(of as usize)?.span.of(&odoc.text))
                }),
            };
            out.extend(finding);
        }
        out
    }

    /// The finding about `fig` of `d`, which disagrees with `others` (in
    /// path order); `text` tells whether two of those give the same text
    /// (equal keys) without reading it, and `None` for a figure that is
    /// gone.
    fn finding<K: Copy + Eq + std::hash::Hash>(
        &self,
        d: &Document,
        fig: &Figure,
        others: &[(DocId, u32)],
        text: impl Fn(DocId, u32) -> Option<K>,
    ) -> Option<Finding> {
        let kept = !self.config.kept_figures.is_empty();
        let others: Vec<(DocId, u32, K)> = others
            .iter()
            .filter_map(|&(od, of)| {
                if kept {
                    let odoc = self.doc(od)?;
                    if self.is_kept(odoc, odoc.analysis.figures.get(of as usize)?) {
                        return None;
                    }
                }
                Some((od, of, text(od, of)?))
            })
            .collect();
        if others.is_empty() {
            return None;
        }
        // the disagreeing values, in order of their first article (a
        // figure copied by many articles can meet dozens of values)
        let mut values: Vec<Vec<usize>> = Vec::new();
        let mut value_of: FxHashMap<K, usize> = FxHashMap::default();
        for (i, o) in others.iter().enumerate() {
            let v = *value_of.entry(o.2).or_insert_with(|| {
                values.push(Vec::new());
                values.len() - 1
            });
            values[v].push(i);
        }
        // only the places shown are read
        let place = |i: usize| -> Option<(&Document, Span, &str)> {
            let (od, of, _) = others[i];
            let odoc = self.doc(od)?;
            let span = odoc.analysis.figures.get(of as usize)?.span;
            Some((odoc, span, span.of(&odoc.text)))
        };
        let mut related = Vec::new();
        'turns: for turn in 0.. {
            let mut any = false;
            for at in &values {
                let Some(&i) = at.get(turn) else { continue };
                any = true;
                if related.len() == MAX_RELATED {
                    break 'turns;
                }
                // the editor shows the place's file beside the label
                let (_, span, t) = place(i)?;
                related.push((others[i].0, span, format!("gives {t}")));
            }
            if !any {
                break;
            }
        }
        let mut parts = Vec::new();
        for at in values.iter().take(MAX_VALUES) {
            let (_, _, t) = place(at[0])?;
            // articles, once each (one may give the value twice)
            let mut docs: Vec<DocId> = at.iter().map(|&i| others[i].0).collect();
            docs.dedup();
            let mut names: Vec<String> = docs
                .iter()
                .take(NAMES_PER_VALUE)
                .filter_map(|&od| self.doc(od).map(|x| display_name(&x.path)))
                .collect();
            if docs.len() > NAMES_PER_VALUE {
                names.push(format!("{} more", docs.len() - NAMES_PER_VALUE));
            }
            parts.push(format!("{t} ({})", join_and(&names)));
        }
        if values.len() > MAX_VALUES {
            parts.push(format!("{} other values", values.len() - MAX_VALUES));
        }
        let mut partners: Vec<DocId> = others.iter().map(|o| o.0).collect();
        partners.sort_unstable();
        partners.dedup();
        Some(Finding {
            partners,
            span: fig.span,
            code: INCONSISTENT_FIGURE,
            message: format!(
                "{} disagrees with {}",
                fig.span.of(&d.text),
                join_and(&parts)
            ),
            unlisted: others.len() - related.len(),
            related,
        })
    }

    fn is_kept(&self, d: &Document, fig: &Figure) -> bool {
        if self.config.kept_figures.is_empty() {
            return false;
        }
        let text = fig.span.of(&d.text);
        let path = d.path.to_string_lossy().replace('\\', "/");
        self.config
            .kept_figures
            .iter()
            .any(|k| k.text == text && (path.ends_with(&format!("/{}", k.file)) || path == k.file))
    }
}

impl Corpus {
    /// Drop the corpus piece by piece, naming each piece for `t`
    /// ([`crate::analysis::teardown`]): the judged table, the path order and
    /// the indexes first, then each document (path, text, line index and
    /// analysis), so that what the indexes share with the analyses is
    /// counted once, under the analysis. For measuring memory; the corpus
    /// itself never needs it.
    pub fn drop_piecewise(self, t: &mut crate::analysis::teardown::Teardown) {
        const PATHS: &str = "corpus: paths (by_path key and Document.path)";
        let Corpus {
            config,
            mut docs,
            by_path,
            free,
            entities,
            claims,
            figures,
            table,
            path_order,
        } = self;
        if let Some(table) = table.into_inner() {
            table.drop_piecewise(t);
        }
        let ordered = path_order.get().map_or(0, |p| p.order.len());
        t.drop("corpus: path order", ordered, path_order);
        entities.drop_piecewise(t);
        claims.drop_piecewise(t);
        figures.drop_piecewise(t);
        t.drop(PATHS, by_path.len(), by_path);
        for d in docs.iter_mut().filter_map(Option::take) {
            let Document {
                path,
                text,
                lines,
                analysis,
            } = d;
            t.drop(PATHS, 0, path);
            t.drop("texts: Document.text (Arc<str>)", 1, text);
            t.drop("corpus: line indexes", 1, lines);
            if let Some(a) = t.unshare("analysis headers: Arc<DocAnalysis>", analysis) {
                a.drop_piecewise(t);
            }
        }
        let rest = (docs, free, config);
        t.drop(
            "corpus: documents (Vec<Option<Document>>), free ids, settings",
            0,
            rest,
        );
    }
}

/// A document on its way into the corpus, with what its indexing needs
/// from it alone worked out (line starts, where its referents are filed,
/// its sentences' terms, its figures' signatures): in parallel for many
/// documents, before the corpus is locked.
pub struct Incoming {
    path: PathBuf,
    text: Arc<str>,
    analysis: Arc<DocAnalysis>,
    lines: LineIndex,
    rank: u64,
    /// The article's own date, as day numbers: the text's, else one in its
    /// file or folder name (archives name articles and event folders by
    /// date). Figures of articles far apart in time are not compared.
    when: figures::Published,
    filed: DocKeys,
    terms: DocTerms,
    /// The figures' signatures ([`figures::signatures`]).
    hashes: Vec<u64>,
}

/// What the indexes are given for one placed document
/// ([`Corpus::place`]).
struct Filing {
    id: DocId,
    rank: u64,
    keys: DocKeys,
    terms: DocTerms,
    when: figures::Published,
    figures: Arc<Vec<Figure>>,
    hashes: Vec<u64>,
}

impl Incoming {
    pub fn new(path: PathBuf, text: Arc<str>, analysis: Arc<DocAnalysis>) -> Incoming {
        let terms = DocTerms::new(analysis.claims.clone());
        let hashes = figures::signatures(&analysis.figures, &text, |st| terms.fingerprint(st));
        Incoming {
            lines: LineIndex::new(&text),
            rank: path_rank(&path),
            when: analysis
                .date
                .and_then(Date::day_range)
                .or_else(|| super::dates::path_date(&path).and_then(Date::day_range)),
            filed: DocKeys::new(analysis.entities.clone()),
            terms,
            hashes,
            path,
            text,
            analysis,
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// A document's rank among others where claim scores tie: a hash of its
/// path, so that answers do not depend on the order in which files arrived
/// (document ids do).
fn path_rank(path: &Path) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(path.as_os_str().as_encoded_bytes());
    h.finish()
}

/// A short name for a document in messages: its file name.
pub fn display_name(path: &Path) -> String {
    // without parsing the path's components: what follows the last
    // separator (a finding names up to a dozen articles, and the first
    // publishing of 100k articles formats a million names)
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let name = bytes.rsplit(|&b| b == b'/').next().unwrap_or(bytes);
        if !matches!(name, b"" | b"." | b"..")
            && let Ok(name) = std::str::from_utf8(name)
        {
            return name.to_string();
        }
    }
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// "Do these two statements make the same claim?" for figure comparison,
/// within one query, remembered per pair. Judged on the pair alone
/// ([`ClaimIndex::similar`]), not through the link index: after an edit the
/// links of every statement a check touches would be recomputed, and a
/// document's figures are checked against hundreds of statements in a large
/// corpus, which made diagnostics after a keystroke cost seconds.
///
/// Remembered by [`ClaimIndex::fingerprint`], not by statement: copies of
/// one sentence in many articles are compared once, and each distinct
/// statement's features are made once per memo. A memo holds for as long
/// as the corpus does not change: one query, or the findings of many
/// documents computed together ([`Corpus::findings_with`]).
#[derive(Default)]
pub struct ClaimMemo(std::cell::RefCell<MemoInner>);

#[derive(Default)]
struct MemoInner {
    features: FxHashMap<u64, (Rated, bool)>,
    pairs: FxHashMap<(u64, u64), bool>,
}

impl ClaimMemo {
    fn is_linked(&self, claims: &ClaimIndex, a: (DocId, u32), b: (DocId, u32)) -> bool {
        if a == b {
            return false;
        }
        let (Some(pa), Some(pb)) = (claims.fingerprint(a), claims.fingerprint(b)) else {
            return false;
        };
        let mut m = self.0.borrow_mut();
        let m = &mut *m;
        let key = if pa <= pb { (pa, pb) } else { (pb, pa) };
        if let Some(&v) = m.pairs.get(&key) {
            return v;
        }
        for (p, k) in [(pa, a), (pb, b)] {
            if let std::collections::hash_map::Entry::Vacant(e) = m.features.entry(p) {
                let Some(rated) = claims.linkable_rated(k) else {
                    return false;
                };
                e.insert(rated);
            }
        }
        // in the key's order, so that either side asking gets one answer
        let (fa, fb) = (&m.features[&key.0], &m.features[&key.1]);
        let v = claims.similar_rated((&fa.0, fa.1), (&fb.0, fb.1));
        m.pairs.insert(key, v);
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(figure: &str) -> String {
        format!(
            "Lukashenko on energy\n\
             Belarusian President Alexander Lukashenko spoke after talks in Minsk.\n\
             \"Are we producing gas? No, we receive natural gas from fraternal Russia. \
             Are we producing {figure} of oil to provide our refineries? No,\" he said.\n"
        )
    }

    /// An entity's articles: how many, the first ones in path order with
    /// their counts and first mentions, worked out once per description
    /// and again (not kept) for another number; a new description after
    /// an edit works them out afresh.
    #[test]
    fn entity_articles_are_counted_in_path_order_and_kept() {
        use std::borrow::Cow;
        let mut c = Corpus::default();
        let up = |c: &mut Corpus, p: &str, text: String| {
            let t: Arc<str> = Arc::from(text);
            let a = Arc::new(crate::analysis::analyze(&t, &Config::default()));
            c.upsert(PathBuf::from(p), t, a);
        };
        // arriving out of path order; each names him twice (headline and
        // text), "d.txt" three times
        for p in ["d.txt", "b/x.txt", "a.txt", "c.txt"] {
            up(&mut c, p, article("25 million tonnes"));
        }
        let twice = format!("{}Mr Lukashenko left.\n", article("25 million tonnes"));
        up(&mut c, "d.txt", twice);
        let d = c.doc_id(Path::new("a.txt")).unwrap();
        let at = c.doc(d).unwrap().text.find("Alexander").unwrap();
        let (_, eid) = c.entity_at(d, at).unwrap();
        let e = c.entity(eid).unwrap();
        let name = |id: DocId| c.doc(id).unwrap().path.to_string_lossy().into_owned();
        let a = c.entity_articles(&e, 3);
        assert!(matches!(a, Cow::Borrowed(_)), "kept with the description");
        assert_eq!(a.count, 4);
        let first: Vec<(String, u32)> = a.first.iter().map(|f| (name(f.0), f.1)).collect();
        assert_eq!(
            first,
            [
                ("a.txt".into(), 2),
                ("b/x.txt".into(), 2),
                ("c.txt".into(), 2)
            ]
        );
        for &(id, _, span) in &a.first {
            assert_eq!(span, e.mentions.iter().find(|m| m.0 == id).unwrap().1);
        }
        // the same description answers from what it kept
        let again = c.entity(eid).unwrap();
        assert!(Arc::ptr_eq(&e, &again));
        assert!(matches!(c.entity_articles(&again, 3), Cow::Borrowed(_)));
        let all = c.entity_articles(&e, 10);
        assert!(matches!(all, Cow::Owned(_)), "another number is not kept");
        assert_eq!(all.first.len(), 4);
        assert_eq!((name(all.first[3].0), all.first[3].1), ("d.txt".into(), 3));
        // an edit that touches him: a new description, counted again
        up(&mut c, "c.txt", "Nothing about anyone here.\n".into());
        let (_, eid) = c.entity_at(d, at).unwrap();
        let e = c.entity(eid).unwrap();
        assert_eq!(c.entity_articles(&e, 3).count, 3);
    }

    /// A document's path rank orders documents as their paths do, after
    /// documents arrive, leave and come back (reusing a freed id), and an
    /// edit keeps it.
    #[test]
    fn path_ranks_follow_the_paths() {
        let mut c = Corpus::default();
        let up = |c: &mut Corpus, p: &str, figure: &str| {
            let t: Arc<str> = Arc::from(article(figure));
            let a = Arc::new(crate::analysis::analyze(&t, &Config::default()));
            c.upsert(PathBuf::from(p), t, a);
        };
        let check = |c: &Corpus| {
            let mut ids: Vec<DocId> = c.documents().map(|(id, _)| id).collect();
            let mut by_rank = ids.clone();
            ids.sort_by(|&a, &b| c.doc(a).unwrap().path.cmp(&c.doc(b).unwrap().path));
            by_rank.sort_by_key(|&d| c.path_rank(d).unwrap());
            assert_eq!(ids, by_rank);
        };
        // "a/b" comes before "a-b" and "a.txt" as a path, not as bytes
        for p in ["c/a-b.txt", "c/a/b.txt", "c/a.txt", "c/ab/c.txt", "b.txt"] {
            up(&mut c, p, "25 million tonnes");
            check(&c);
        }
        let rank_before = c.path_rank(c.doc_id(Path::new("c/a.txt")).unwrap());
        up(&mut c, "c/a.txt", "24 million tonnes");
        assert_eq!(
            c.path_rank(c.doc_id(Path::new("c/a.txt")).unwrap()),
            rank_before
        );
        let gone = c.doc_id(Path::new("c/a/b.txt")).unwrap();
        c.remove(Path::new("c/a/b.txt"));
        assert_eq!(c.path_rank(gone), None);
        check(&c);
        up(&mut c, "a/z.txt", "24 million tonnes");
        assert_eq!(
            c.doc_id(Path::new("a/z.txt")),
            Some(gone),
            "the freed id again"
        );
        check(&c);
        assert_eq!(c.path_rank(gone), Some(0));
    }

    #[test]
    fn display_names_are_the_file_names() {
        let file_name = |p: &Path| {
            p.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| p.display().to_string())
        };
        for p in [
            "/c/2020/01/a.txt",
            "a.txt",
            "rel/dir/b c.txt",
            "/c/dir/",
            "/c/dir/.",
            "/c/dir/..",
            "/",
            "",
            "/c/x:y.txt",
            "/c/été/ü.txt",
            "untitled:Untitled-1",
        ] {
            let p = Path::new(p);
            assert_eq!(display_name(p), file_name(p), "{}", p.display());
        }
    }

    #[test]
    fn a_figure_disagreeing_with_many_lists_each_value_and_a_bounded_set_of_places() {
        let mut files = Vec::new();
        for (k, v) in ["25", "24", "26"].iter().enumerate() {
            for i in 0..10 {
                let text = article(&format!("{v} million tonnes"));
                files.push((
                    PathBuf::from(format!("/c/{k}-{i:02}.txt")),
                    Arc::from(text.as_str()),
                ));
            }
        }
        let corpus = Corpus::build(Config::default(), files);
        let id = corpus.doc_id(Path::new("/c/0-00.txt")).unwrap();
        let f = corpus.findings(id);
        assert_eq!(f.len(), 1, "{f:?}");
        let f = &f[0];
        // 20 disagreeing articles: MAX_RELATED places listed, taken in
        // turn from each value, the rest counted
        assert_eq!(f.partners.len(), 20);
        assert_eq!(f.related.len(), MAX_RELATED);
        assert_eq!(f.unlisted, 20 - MAX_RELATED);
        let gives = |v: &str| {
            f.related
                .iter()
                .filter(|r| r.2.ends_with(&format!("gives {v} million tonnes")))
                .count()
        };
        assert_eq!(
            (gives("24"), gives("26")),
            (MAX_RELATED / 2, MAX_RELATED / 2)
        );
        assert_eq!(
            f.message,
            "25 million tonnes disagrees with 24 million tonnes (1-00.txt, 1-01.txt, \
             1-02.txt and 7 more) and 26 million tonnes (2-00.txt, 2-01.txt, 2-02.txt \
             and 7 more)"
        );
    }
}
