//! claimlens: a language server and command-line tool for a corpus of news
//! articles and transcripts.
//!
//! - [`analysis`]: the core. Text in; entities, statements, claims and figures
//!   out; the corpus index. No protocol types.
//! - [`workspace`]: finding and reading corpus files on disk, and watching them.
//! - [`lsp`]: the language server, a thin layer over the core.
//! - [`cli`]: `claimlens check` and friends, over the same core.
//! - [`cache`]: per-document analyses kept on disk between runs.
//! - [`bench`]: `claimlens bench`: corpus generator and benchmarks.

pub mod analysis;
pub mod bench;
pub mod cache;
pub mod cli;
pub mod lsp;
pub mod workspace;
