//! What a request meets before tower-lsp-server dispatches it.
//!
//! **Shutdown, noted as it arrives.** The protocol wants exit code 0 when
//! `shutdown` was received before `exit`. A client may send `exit` right
//! behind `shutdown` without waiting for the answer; tower-lsp-server then
//! marks the session exited before the shutdown handler has run (handlers
//! run concurrently), and the handler never runs. Noting the request here,
//! in arrival order, keeps the code 0.
//!
//! **Large answers, written straight to the wire.** tower-lsp-server turns
//! every handler's answer into a `serde_json::Value` tree, then the tree
//! into text, then drops it. For most answers that is nothing. References
//! to a common name are not: in a corpus of 10,000 articles "Vladimir
//! Putin" has some 30,000 mentions, 6 MB of JSON, and building, writing
//! and freeing the tree took about two thirds of the request's 100–150 ms
//! (measured with `perf`; the tree is four maps and nine strings per
//! location). So references are answered here: the same function the
//! [`Backend`](super::server::Backend) handler calls, under the same read
//! lock ([`Shared::read`]), serialised once into the response frame, which
//! goes to the transport as a [`Note`] (written between tower-lsp-server's
//! frames, as the diagnostics are). Anything not answered here as
//! tower-lsp-server would goes on to it unchanged: requests before
//! `initialize` was answered or after `shutdown`, and params that do not
//! parse (tower-lsp-server reports those as invalid params). What is lost
//! is `$/cancelRequest` for these requests (tower-lsp-server only cancels
//! what it dispatched): an answer under way is still written.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde::Serialize;
use std::future::Future;
use std::pin::Pin;
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{self, Id, Request, Response};
use tower_lsp_server::ls_types::ReferenceParams;
use tower_service::Service;

use super::navigation;
use super::state::Shared;
use super::transport::{self, Note};

type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// The requests answered here.
const REFERENCES: &str = "textDocument/references";

/// The layer in front of tower-lsp-server's service `inner`.
pub struct Front<S> {
    pub inner: S,
    pub shared: Arc<Shared>,
    pub notes: mpsc::Sender<Note>,
}

impl<S> Service<Request> for Front<S>
where
    S: Service<Request, Response = Option<Response>>,
    S::Future: Send + 'static,
    S::Error: Send + 'static,
{
    type Response = Option<Response>;
    type Error = S::Error;
    type Future = BoxFuture<Result<Option<Response>, S::Error>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        // a shutdown before initialize is refused, and does not count
        if req.method() == "shutdown" && self.shared.initialized.load(Ordering::SeqCst) {
            self.shared.shutdown_requested.store(true, Ordering::SeqCst);
        }
        match self.take(req) {
            Ok(answer) => answer,
            Err(req) => Box::pin(self.inner.call(req)),
        }
    }
}

impl<S> Front<S> {
    /// The answer to `req` when this layer gives it; `req` back otherwise.
    fn take<E: Send + 'static>(
        &self,
        req: Request,
    ) -> Result<BoxFuture<Result<Option<Response>, E>>, Request> {
        if req.method() != REFERENCES
            || !self.shared.initialized.load(Ordering::SeqCst)
            || self.shared.shutdown_requested.load(Ordering::SeqCst)
        {
            return Err(req);
        }
        let (Some(id), Some(params)) = (req.id(), req.params()) else {
            return Err(req);
        };
        let Ok(p) = serde_json::from_value::<ReferenceParams>(params.clone()) else {
            return Err(req);
        };
        let id = id.clone();
        let shared = self.shared.clone();
        let notes = self.notes.clone();
        Ok(Box::pin(async move {
            let tp = p.text_document_position;
            let decl = p.context.include_declaration;
            let answering = id.clone();
            let answer = shared
                .read("references", move |v| {
                    let locs = navigation::references(v, &tp.text_document.uri, tp.position, decl);
                    result_frame(&answering, &locs)
                })
                .await;
            let bytes = match answer {
                Ok(Ok(bytes)) => bytes,
                // serialising plain data does not fail; if it did, say so
                Ok(Err(e)) => error_frame(
                    id,
                    jsonrpc::Error {
                        code: jsonrpc::ErrorCode::InternalError,
                        message: format!("claimlens: cannot write the answer: {e}").into(),
                        data: None,
                    },
                ),
                Err(e) => error_frame(id, e),
            };
            // the session ended when the channel is closed: nobody to answer
            let _ = notes.send(Note::from(bytes)).await;
            Ok(None)
        }))
    }
}

/// The frame of a successful response.
fn result_frame<T: Serialize>(id: &Id, result: &T) -> serde_json::Result<Vec<u8>> {
    #[derive(Serialize)]
    struct Body<'a, T> {
        jsonrpc: &'static str,
        id: &'a Id,
        result: &'a T,
    }
    let body = serde_json::to_vec(&Body {
        jsonrpc: "2.0",
        id,
        result,
    })?;
    Ok(transport::framed(&body))
}

/// The frame of an error response.
fn error_frame(id: Id, e: jsonrpc::Error) -> Vec<u8> {
    // a small struct of strings and numbers: serialising it cannot fail
    transport::framed(&serde_json::to_vec(&Response::from_error(id, e)).unwrap_or_default())
}
