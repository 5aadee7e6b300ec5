//! Watching corpus folders ourselves, for clients that do not watch files
//! for us (Neovim turns client-side watching off on Linux).
//!
//! Every event is reduced to "this path may have changed": the consumer looks
//! at the path (file, folder or gone) and updates the corpus to match, which
//! makes create / modify / rename / delete one code path.

use std::path::PathBuf;

use notify::{EventKind, RecursiveMode, Watcher as _};

/// A running watcher; dropping it stops watching.
pub struct Watcher {
    _inner: notify::RecommendedWatcher,
}

/// Watch `roots` recursively; `on_change` receives batches of touched paths
/// from the watcher's own thread.
pub fn watch<F>(roots: &[PathBuf], on_change: F) -> Result<Watcher, notify::Error>
where
    F: Fn(Vec<PathBuf>) + Send + 'static,
{
    let mut inner =
        notify::recommended_watcher(move |res: notify::Result<notify::Event>| match res {
            Ok(ev) => {
                if matches!(ev.kind, EventKind::Access(_)) {
                    return;
                }
                if !ev.paths.is_empty() {
                    on_change(ev.paths);
                }
            }
            Err(e) => tracing::warn!("file watcher error: {e}"),
        })?;
    for root in roots {
        inner.watch(root, RecursiveMode::Recursive)?;
    }
    Ok(Watcher { _inner: inner })
}
