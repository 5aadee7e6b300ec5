//! The language server: LSP over stdio, a thin layer over the analysis core.
//!
//! - [`server`]: capabilities and the routing of requests and notifications;
//! - [`changes`]: the one ordered path through which every document change
//!   (editor, disk, indexing, configuration) reaches the corpus;
//! - [`indexing`], [`publish`]: the first indexing and diagnostics;
//! - [`hover`], [`navigation`], [`semantic`], [`symbols`], [`actions`]: the
//!   answers;
//! - [`convert`], [`buffer`], [`state`]: plumbing;
//! - [`transport`], [`front`]: the wire, and what requests meet before
//!   tower-lsp-server (shutdown noted, large answers written directly).

pub mod actions;
pub mod buffer;
pub mod changes;
pub mod convert;
pub mod front;
pub mod hover;
pub mod indexing;
pub mod navigation;
pub mod publish;
pub mod semantic;
pub mod server;
pub mod state;
pub mod symbols;
pub mod transport;

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use tokio::sync::{mpsc, watch};
use tower_lsp_server::{LspService, Server};

use server::Backend;
use state::Shared;

/// Serve LSP on stdin/stdout until `exit`. Exit code 0 after `shutdown`,
/// 1 when `exit` came without it (or the client went away).
pub fn run() -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("claimlens: cannot start the async runtime: {e}");
            return ExitCode::from(2);
        }
    };
    let clean = rt.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // do not wait for blocking work still running after exit
    rt.shutdown_timeout(std::time::Duration::from_millis(100));
    if clean {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Serve one client over the given streams; returns whether `shutdown` was
/// requested before the end.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite,
{
    let (change_tx, change_rx) = mpsc::unbounded_channel();
    let (disk_tx, disk_rx) = mpsc::unbounded_channel();
    let (applied_tx, applied_rx) = watch::channel(0u64);
    let (publish_tx, publish_rx) = mpsc::unbounded_channel();
    let (notes_tx, notes_rx) = mpsc::channel(transport::NOTES_QUEUED);
    let shared = Arc::new(Shared::new(change_tx, disk_tx, applied_rx));
    let sh = shared.clone();
    let answers_tx = notes_tx.clone();
    let (service, socket) = LspService::build(move |client| {
        tokio::spawn(changes::run(
            sh.clone(),
            client.clone(),
            change_rx,
            applied_tx,
            publish_tx,
        ));
        tokio::spawn(publish::run(
            sh.clone(),
            client.clone(),
            publish_rx,
            notes_tx,
        ));
        tokio::spawn(changes::debounce_disk(sh.clone(), disk_rx));
        Backend::new(client, sh)
    })
    // for tests only, and only when the environment asks (see state.rs)
    .custom_method(state::DEBUG_DOCUMENTS, Backend::debug_documents)
    .finish();
    // notes shutdown as it arrives; large answers skip tower-lsp-server's
    // JSON tree (see front.rs)
    let service = front::Front {
        inner: service,
        shared: shared.clone(),
        notes: answers_tx,
    };
    // frames pass through transport.rs, which answers malformed ones itself
    // (tower-lsp-server would stop reading at the first)
    let (to_server, server_in) = tokio::io::duplex(1 << 16);
    let (server_out, from_server) = tokio::io::duplex(1 << 16);
    let (errors_tx, errors_rx) = mpsc::unbounded_channel();
    let server = async move {
        Server::new(server_in, server_out, socket)
            .serve(service)
            .await;
    };
    let session = async move {
        tokio::join!(
            server,
            transport::write_frames(from_server, output, errors_rx, notes_rx)
        );
    };
    tokio::pin!(session);
    tokio::select! {
        // the server stopped (exit): stop reading the client
        _ = &mut session => {}
        // the client's input ended: the server sees the end too and stops
        _ = transport::read_frames(input, to_server, errors_tx) => session.await,
    }
    shared.shutdown_requested.load(Ordering::SeqCst)
}
