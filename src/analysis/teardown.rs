//! Taking the corpus apart piece by piece, naming each piece, so that a
//! caller counting the bytes each drop frees can tell which structure held
//! them (`claimlens bench memory` counts with the allocator's per-thread
//! count of bytes freed). The core only names the pieces; it never reads an
//! allocator. Nothing in the server or the analysis uses this.
//!
//! Pieces shared through an `Arc` are freed by their last holder: the
//! corpus drops its indexes before its documents, so what the indexes
//! share with the analyses (each document's entities, claims and figures)
//! is counted once, under the analysis.

use std::sync::Arc;

/// Counts what each piece frees, by name, as a structure is dropped.
pub struct Teardown<'a> {
    /// Bytes freed by this thread so far (a counter that only grows).
    freed: &'a dyn Fn() -> u64,
    rows: Vec<Piece>,
    still_shared: u64,
}

/// What the pieces of one name freed together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// "section: piece", e.g. "figure index: by-value sets".
    pub name: &'static str,
    pub bytes: u64,
    /// How many things the pieces held (figures, statements, entries...),
    /// as the piece's name says; 0 where counting means nothing.
    pub items: u64,
}

impl<'a> Teardown<'a> {
    /// `freed` reads how many bytes the calling thread has freed so far;
    /// every drop must happen on that thread.
    pub fn new(freed: &'a dyn Fn() -> u64) -> Teardown<'a> {
        Teardown {
            freed,
            // no growth (a reallocation frees) while pieces are dropped
            rows: Vec::with_capacity(64),
            still_shared: 0,
        }
    }

    /// Drop `value`, adding the bytes it frees and `items` to `name`.
    pub fn drop<T>(&mut self, name: &'static str, items: usize, value: T) {
        let before = (self.freed)();
        drop(value);
        let bytes = (self.freed)() - before;
        self.add(name, bytes, items as u64);
    }

    /// Drop each of `values`, a part taken out of each of a structure's
    /// entries with how many things it holds, adding what each frees to
    /// `name`: the parts are counted before the entries that held them.
    pub fn drop_each<T>(
        &mut self,
        name: &'static str,
        values: impl IntoIterator<Item = (usize, T)>,
    ) {
        for (items, value) in values {
            self.drop(name, items, value);
        }
    }

    /// The value inside `arc` if this is its last reference, adding the
    /// allocation that held it to `name`; `None` (the reference dropped,
    /// counted in [`Teardown::still_shared`]) if something else holds it.
    pub fn unshare<T>(&mut self, name: &'static str, arc: Arc<T>) -> Option<T> {
        let before = (self.freed)();
        let value = Arc::try_unwrap(arc);
        let bytes = (self.freed)() - before;
        match value {
            Ok(v) => {
                self.add(name, bytes, 1);
                Some(v)
            }
            Err(shared) => {
                self.still_shared += 1;
                drop(shared);
                None
            }
        }
    }

    fn add(&mut self, name: &'static str, bytes: u64, items: u64) {
        match self.rows.iter_mut().find(|r| r.name == name) {
            Some(r) => {
                r.bytes += bytes;
                r.items += items;
            }
            None => self.rows.push(Piece { name, bytes, items }),
        }
    }

    /// The pieces, by name, in the order first dropped.
    pub fn pieces(&self) -> &[Piece] {
        &self.rows
    }

    /// `Arc`s that were still shared when their piece came: their contents
    /// were not counted where expected (0 for a corpus taken apart whole).
    pub fn still_shared(&self) -> u64 {
        self.still_shared
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// A whole corpus, judged and with an entity described, comes apart
    /// into every kind of piece, and the indexes let go of what they share
    /// with the analyses before the analyses come.
    #[test]
    fn a_corpus_comes_apart_with_nothing_left_shared() {
        use crate::analysis::config::Config;
        use crate::analysis::corpus::Corpus;
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
        let mut files: Vec<(std::path::PathBuf, Arc<str>)> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                let t = std::fs::read_to_string(&p).unwrap();
                (p, Arc::from(t))
            })
            .collect();
        files.sort();
        let corpus = Corpus::build(Config::default(), files);
        assert!(corpus.prepare_findings(&|| false));
        let id = corpus.most_mentioned(1)[0];
        assert!(corpus.entity(id).is_some());
        let zero = || 0;
        let mut t = Teardown::new(&zero);
        corpus.drop_piecewise(&mut t);
        assert_eq!(t.still_shared(), 0);
        let sections: std::collections::BTreeSet<&str> = t
            .pieces()
            .iter()
            .map(|p| p.name.split_once(": ").unwrap().0)
            .collect();
        let expected = [
            "analysis headers",
            "claim index",
            "claims",
            "corpus",
            "entity index",
            "figure index",
            "figures",
            "judged",
            "local entities",
            "mentions",
            "statements",
            "texts",
        ];
        assert_eq!(sections.into_iter().collect::<Vec<_>>(), expected);
        let texts = t
            .pieces()
            .iter()
            .find(|p| p.name.starts_with("texts: "))
            .unwrap();
        assert_eq!(texts.items, 5);
    }

    #[test]
    fn pieces_add_up_by_name_and_shared_arcs_are_told() {
        // a fake counter: each drop "frees" what the test says
        let freed = Cell::new(0u64);
        struct Frees<'a>(&'a Cell<u64>, u64);
        impl Drop for Frees<'_> {
            fn drop(&mut self) {
                self.0.set(self.0.get() + self.1);
            }
        }
        let read = || freed.get();
        let mut t = Teardown::new(&read);
        t.drop("a: x", 2, Frees(&freed, 10));
        t.drop("a: y", 1, Frees(&freed, 5));
        t.drop("a: x", 3, Frees(&freed, 7));
        let kept = Arc::new(1u8);
        let held = kept.clone();
        assert_eq!(t.unshare("a: arc", held), None);
        assert_eq!(t.unshare("a: arc", kept), Some(1));
        assert_eq!(t.still_shared(), 1);
        let rows: Vec<_> = t
            .pieces()
            .iter()
            .map(|p| (p.name, p.bytes, p.items))
            .collect();
        assert_eq!(rows, [("a: x", 17, 5), ("a: y", 5, 1), ("a: arc", 0, 1)]);
    }
}
