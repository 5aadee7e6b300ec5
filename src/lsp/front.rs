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
                    locations_frame(&answering, locs.as_ref())
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

/// The frame of a successful response whose result is `locations` (`null`
/// when `None`), written once into a buffer of its final size, header
/// first: the list comes to megabytes, and a body written on its own, then
/// copied behind its header, was a second pass over fresh pages.
fn locations_frame(
    id: &Id,
    locations: Option<&navigation::Locations>,
) -> serde_json::Result<Vec<u8>> {
    let json = match locations {
        Some(l) => Some(l.json().ok_or_else(|| {
            <serde_json::Error as serde::ser::Error>::custom("a URI not written as JSON")
        })?),
        None => None,
    };
    let head = serde_json::to_vec(&Head { jsonrpc: "2.0", id })?;
    // `{"jsonrpc":"2.0","id":1}` opened again: `,"result":` + the list + `}`
    let open = head.strip_suffix(b"}").ok_or_else(|| {
        <serde_json::Error as serde::ser::Error>::custom("a response head not written as an object")
    })?;
    const RESULT: &[u8] = b",\"result\":";
    let result_len = json.as_ref().map_or(4, |j| j.bytes());
    let len = open.len() + RESULT.len() + result_len + 1;
    let header = transport::header(len);
    let mut frame = Vec::with_capacity(header.len() + len);
    frame.extend_from_slice(header.as_bytes());
    frame.extend_from_slice(open);
    frame.extend_from_slice(RESULT);
    match json {
        Some(j) => j.write(&mut frame),
        None => frame.extend_from_slice(b"null"),
    }
    frame.push(b'}');
    Ok(frame)
}

/// The start of a response, before its result.
#[derive(Serialize)]
struct Head<'a> {
    jsonrpc: &'static str,
    id: &'a Id,
}

/// The frame of an error response.
fn error_frame(id: Id, e: jsonrpc::Error) -> Vec<u8> {
    // a small struct of strings and numbers: serialising it cannot fail
    transport::framed(&serde_json::to_vec(&Response::from_error(id, e)).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;
    use tower_lsp_server::ls_types::{Location, Position, Range, Uri};

    /// The header and body of a frame, the body as JSON.
    fn parts(frame: &[u8]) -> (usize, serde_json::Value) {
        let text = std::str::from_utf8(frame).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let len = head
            .strip_prefix("Content-Length: ")
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(len, body.len(), "Content-Length is the body's length");
        (len, serde_json::from_str(body).unwrap())
    }

    #[test]
    fn a_locations_frame_is_the_response_tower_lsp_server_would_write() {
        let a = Uri::from_str("file:///tmp/a%20b.txt").unwrap();
        let range = Range::new(Position::new(3, 1), Position::new(3, 12));
        let mut locs = navigation::Locations::default();
        locs.push(&a, range);
        locs.push(&a, Range::new(Position::new(40, 0), Position::new(41, 2)));
        for id in [Id::Number(7), Id::String("x\"y".into())] {
            let want = serde_json::to_value(Response::from_ok(
                id.clone(),
                serde_json::to_value(vec![
                    Location::new(a.clone(), range),
                    Location::new(
                        a.clone(),
                        Range::new(Position::new(40, 0), Position::new(41, 2)),
                    ),
                ])
                .unwrap(),
            ))
            .unwrap();
            let (_, got) = parts(&locations_frame(&id, Some(&locs)).unwrap());
            assert_eq!(got, want);
            let (_, none) = parts(&locations_frame(&id, None).unwrap());
            let null =
                serde_json::to_value(Response::from_ok(id, serde_json::Value::Null)).unwrap();
            assert_eq!(none, null);
        }
    }
}
