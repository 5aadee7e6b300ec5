//! The judged table: every document's figure conflicts worked out for the
//! whole corpus at once ([`Corpus::prepare_findings`]), and its stored
//! form, so that reopening an unchanged corpus reads the table instead of
//! judging every pair of figures again.
//!
//! Stored form, little-endian `u32`s, documents in path order and named by
//! their place in it: the number of documents; then per document the
//! number of its conflicts and, per conflict, the figure's index, the
//! number of disagreeing figures and each as (place, figure index). It is
//! valid only for the corpus that [`Corpus::judged_key`] names, which the
//! caller stores beside it (the cache file's header).

use std::path::Path;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::{ClaimMemo, Corpus, PathOrder};
use crate::analysis::entities::DocId;
use crate::analysis::figures::Conflict;

/// What [`Corpus::prepare_findings`] works out for the findings asked next.
#[derive(Debug, Default)]
pub(super) struct Prepared {
    /// Each document's conflicts, others in path order.
    pub(super) conflicts: FxHashMap<DocId, Vec<Conflict>>,
    /// Each figure's text as a number, by document id then figure index:
    /// equal texts, equal numbers. Findings group a figure's disagreeing
    /// figures by text; reading a number from this small table instead of
    /// each figure's text elsewhere in memory made grouping a generated 10k
    /// corpus's 2.6M disagreeing figures twice as fast.
    pub(super) texts: Vec<Box<[u32]>>,
}

impl Prepared {
    /// Drop the table piece by piece, naming each piece for `t`
    /// ([`crate::analysis::teardown`]).
    pub(super) fn drop_piecewise(self, t: &mut crate::analysis::teardown::Teardown) {
        let Prepared {
            mut conflicts,
            texts,
        } = self;
        let n = conflicts.values().map(Vec::len).sum();
        t.drop_each(
            "judged: disagreeing figures (Vec<(DocId, u32)>)",
            conflicts
                .values_mut()
                .flatten()
                .map(|c| (c.others.len(), std::mem::take(&mut c.others))),
        );
        t.drop("judged: conflicts (Vec<Conflict>, table)", n, conflicts);
        let figures = texts.iter().map(|t| t.len()).sum();
        t.drop("judged: figure texts (Box<[u32]>)", figures, texts);
    }
}

impl Corpus {
    /// Work out every document's conflicts at once, on all cores, for the
    /// findings asked next: diagnosing a whole corpus this way judges each
    /// pair of figures once instead of once from each side, and shares
    /// statement comparisons across documents. Kept until the corpus
    /// changes; answers are the same as without it. Returns whether they
    /// are ready: `false` when `stop()` turned true meanwhile (someone waits
    /// to change the corpus), and findings are then computed one document
    /// at a time as before.
    pub fn prepare_findings(&self, stop: &(dyn Fn() -> bool + Sync)) -> bool {
        if self.table.get().is_some() {
            return true;
        }
        let Some(mut table) = self.figures.all_conflicts(
            ClaimMemo::default,
            |memo, a, b| memo.is_linked(&self.claims, a, b),
            stop,
        ) else {
            return false;
        };
        let place = &self.path_order().place;
        table.par_iter_mut().for_each(|(_, list)| {
            for c in list {
                c.others
                    .sort_unstable_by_key(|&(d, f)| (place[d as usize], f));
            }
        });
        let _ = self.table.set(Prepared {
            conflicts: table,
            texts: self.figure_texts(),
        });
        true
    }

    /// Has [`Corpus::prepare_findings`] run (or [`Corpus::import_judged`]
    /// succeeded) since the corpus last changed?
    pub fn findings_prepared(&self) -> bool {
        self.table.get().is_some()
    }

    /// Forget what [`Corpus::prepare_findings`] worked out (a document
    /// changed). The table is freed on a thread of its own: at 100k
    /// articles it holds millions of vectors, and freeing them here, under
    /// the caller's write lock, delayed the first keystroke after indexing.
    pub(super) fn forget_judged(&mut self) {
        if let Some(t) = self.table.take() {
            // when no thread can be started, the table is freed here
            let _ = std::thread::Builder::new()
                .name("claimlens-free".into())
                .spawn(move || drop(t));
        }
    }

    /// Names the corpus a stored table was judged for: the configuration,
    /// and every document's path and text. Equal keys, equal tables.
    pub fn judged_key(&self) -> u128 {
        let order = &self.path_order().order;
        let parts: Vec<(&Path, u128)> = order
            .par_iter()
            .filter_map(|&id| {
                let d = self.doc(id)?;
                Some((
                    d.path.as_path(),
                    xxhash_rust::xxh3::xxh3_128(d.text.as_bytes()),
                ))
            })
            .collect();
        let mut all = format!("{:?}", self.config).into_bytes();
        for (path, text) in parts {
            let p = path.as_os_str().as_encoded_bytes();
            all.extend_from_slice(&(p.len() as u64).to_le_bytes());
            all.extend_from_slice(p);
            all.extend_from_slice(&text.to_le_bytes());
        }
        xxhash_rust::xxh3::xxh3_128(&all)
    }

    /// The judged table in its stored form (module documentation), if
    /// [`Corpus::prepare_findings`] has made it for the corpus as it is.
    pub fn export_judged(&self) -> Option<Vec<u8>> {
        let table = self.table.get()?;
        let PathOrder { order, place } = self.path_order();
        let mut out = Vec::new();
        let mut put = |v: u32| out.extend_from_slice(&v.to_le_bytes());
        put(order.len() as u32);
        for id in order {
            let list = table.conflicts.get(id).map_or(&[][..], Vec::as_slice);
            put(list.len() as u32);
            for c in list {
                put(c.figure);
                put(c.others.len() as u32);
                for &(d, f) in &c.others {
                    put(place[d as usize]);
                    put(f);
                }
            }
        }
        Some(out)
    }

    /// Take a table in its stored form ([`Corpus::export_judged`] of a
    /// corpus with the same [`Corpus::judged_key`]) as this corpus's
    /// judgement, as if [`Corpus::prepare_findings`] had made it. Anything
    /// that does not fit the corpus (a count, a place or a figure out of
    /// range, conflicts out of order, bytes left over) is refused whole and
    /// leaves the corpus as it was.
    pub fn import_judged(&self, stored: &[u8]) -> Result<(), String> {
        if self.table.get().is_some() {
            return Ok(());
        }
        let order = &self.path_order().order;
        // figure counts by place: read once each, not once per mention
        let counts: Vec<usize> = order
            .iter()
            .map(|&id| self.doc(id).map_or(0, |d| d.analysis.figures.len()))
            .collect();
        let mut words = stored
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap_or_default()));
        if !stored.len().is_multiple_of(4) {
            return Err("length is not a whole number of words".into());
        }
        let mut next = || words.next().ok_or_else(|| "truncated".to_string());
        let n = next()? as usize;
        if n != order.len() {
            return Err(format!("{n} documents, the corpus has {}", order.len()));
        }
        let mut conflicts: FxHashMap<DocId, Vec<Conflict>> = FxHashMap::default();
        for (&id, &own) in order.iter().zip(&counts) {
            let count = next()? as usize;
            if count > own {
                return Err("more conflicts than figures".into());
            }
            let mut list: Vec<Conflict> = Vec::with_capacity(count);
            for _ in 0..count {
                let figure = next()?;
                if figure as usize >= own || list.last().is_some_and(|c| c.figure >= figure) {
                    return Err("a figure out of range or out of order".into());
                }
                let m = next()? as usize;
                if m == 0 || m > stored.len() / 8 {
                    return Err("a conflict with no or too many figures".into());
                }
                let mut others = Vec::with_capacity(m);
                let mut last: Option<(u32, u32)> = None;
                for _ in 0..m {
                    let (p, f) = (next()?, next()?);
                    let (Some(&od), Some(&n)) = (order.get(p as usize), counts.get(p as usize))
                    else {
                        return Err("a document out of range".into());
                    };
                    if f as usize >= n || last.is_some_and(|l| l >= (p, f)) {
                        return Err("a disagreeing figure out of range or out of order".into());
                    }
                    last = Some((p, f));
                    others.push((od, f));
                }
                list.push(Conflict { figure, others });
            }
            if !list.is_empty() {
                conflicts.insert(id, list);
            }
        }
        if next().is_ok() {
            return Err("trailing bytes".into());
        }
        let _ = self.table.set(Prepared {
            conflicts,
            texts: self.figure_texts(),
        });
        Ok(())
    }

    /// [`Prepared::texts`] for the corpus as it is.
    fn figure_texts(&self) -> Vec<Box<[u32]>> {
        let mut numbers: FxHashMap<&str, u32> = FxHashMap::default();
        self.docs
            .iter()
            .map(|d| {
                let Some(d) = d else { return Box::default() };
                d.analysis
                    .figures
                    .iter()
                    .map(|f| {
                        let n = numbers.len() as u32;
                        *numbers.entry(f.span.of(&d.text)).or_insert(n)
                    })
                    .collect()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::analysis::config::Config;

    /// Articles giving one of three values for one quantity, some twice,
    /// and one with no figure at all.
    fn files() -> Vec<(PathBuf, Arc<str>)> {
        let mut out = Vec::new();
        for (k, v) in ["25", "24", "26"].iter().enumerate() {
            for i in 0..4 {
                let text = format!(
                    "Lukashenko on energy\n\
                     Belarusian President Alexander Lukashenko spoke after talks in Minsk.\n\
                     \"Are we producing {v} million tonnes of oil to provide our refineries? \
                     No,\" he said.\n"
                );
                out.push((PathBuf::from(format!("/c/{k}-{i}.txt")), Arc::from(text)));
            }
        }
        out.push((
            PathBuf::from("/c/z.txt"),
            Arc::from("Talks in Minsk\nThe talks went on into the night.\n"),
        ));
        out
    }

    /// Every document's findings, documents named by path (ids differ
    /// between corpora).
    fn findings(c: &Corpus) -> Vec<(PathBuf, Vec<String>)> {
        let path = |id: DocId| c.doc(id).map(|d| d.path.clone());
        let mut all: Vec<_> = c
            .documents()
            .map(|(id, d)| {
                let shown = c
                    .findings(id)
                    .into_iter()
                    .map(|f| {
                        let related: Vec<_> = f
                            .related
                            .iter()
                            .map(|(od, span, label)| (path(*od), span, label))
                            .collect();
                        let mut partners: Vec<_> = f.partners.iter().map(|&p| path(p)).collect();
                        partners.sort();
                        format!(
                            "{:?} {} {:?} {:?} {}",
                            f.span, f.message, related, partners, f.unlisted
                        )
                    })
                    .collect();
                (d.path.clone(), shown)
            })
            .collect();
        all.sort();
        all
    }

    #[test]
    fn a_stored_table_read_into_the_same_corpus_gives_the_same_findings() {
        let judged = Corpus::build(Config::default(), files());
        let unjudged = findings(&judged);
        assert!(unjudged.iter().filter(|f| !f.1.is_empty()).count() >= 12);
        assert!(judged.prepare_findings(&|| false));
        let stored = judged.export_judged().expect("prepared");
        // the same texts arriving in another order get other document ids:
        // the stored form names documents by path
        let mut reversed = files();
        reversed.reverse();
        let other = Corpus::build(Config::default(), reversed);
        assert_eq!(other.judged_key(), judged.judged_key());
        other.import_judged(&stored).expect("fits");
        assert!(other.findings_prepared());
        assert_eq!(findings(&other), unjudged);
        assert_eq!(other.export_judged().as_deref(), Some(&stored[..]));
    }

    #[test]
    fn a_key_names_the_texts_paths_and_configuration() {
        let base = Corpus::build(Config::default(), files());
        let mut edited = files();
        edited[3].1 = Arc::from(format!("{} ", edited[3].1));
        let mut moved = files();
        moved[3].0 = PathBuf::from("/c/moved.txt");
        let mut cfg = Config::default();
        cfg.max_file_bytes += 1;
        for other in [
            Corpus::build(Config::default(), edited),
            Corpus::build(Config::default(), moved),
            Corpus::build(cfg, files()),
        ] {
            assert_ne!(other.judged_key(), base.judged_key());
        }
    }

    #[test]
    fn a_stored_table_that_does_not_fit_is_refused_whole() {
        let judged = Corpus::build(Config::default(), files());
        assert!(judged.prepare_findings(&|| false));
        let stored = judged.export_judged().unwrap();
        let word = |i: usize| u32::from_le_bytes(stored[4 * i..4 * i + 4].try_into().unwrap());
        let set = |i: usize, v: u32| {
            let mut s = stored.clone();
            s[4 * i..4 * i + 4].copy_from_slice(&v.to_le_bytes());
            s
        };
        // the first document (0-0) has one conflict: words 1.. are its
        // count, figure, number of others, then (place, figure) pairs
        assert_eq!((word(1), word(3)), (1, 8));
        let bad = [
            (set(0, word(0) + 1), "documents"),
            (set(2, 7), "figure"),
            (set(4, 999), "document out of range"),
            (set(5, 99), "out of range"),
            (set(6, 0), "out of order"),
            (stored[..stored.len() - 4].to_vec(), "truncated"),
            ([&stored[..], &[0, 0, 0, 0]].concat(), "trailing"),
            (stored[..stored.len() - 1].to_vec(), "whole number"),
        ];
        for (b, why) in bad {
            let fresh = Corpus::build(Config::default(), files());
            let err = fresh.import_judged(&b).expect_err(why);
            assert!(err.contains(why), "{why}: {err}");
            assert!(!fresh.findings_prepared());
        }
    }
}
