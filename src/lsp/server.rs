//! The `LanguageServer` implementation: capabilities, and each request and
//! notification routed to the module that answers it.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use parking_lot::Mutex;
use serde_json::{Value, json};
use tower_lsp_server::jsonrpc::{Error, ErrorCode, Result};
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::changes::Change;
use super::state::{Settings, Shared, client_answer};
use super::{actions, convert, hover, indexing, navigation, semantic, symbols};
use crate::analysis::config::{self, KeptFigure};
use crate::analysis::text::Encoding;
use crate::workspace::watch;

pub struct Backend {
    pub client: Client,
    pub shared: Arc<Shared>,
    watcher: Mutex<Option<watch::Watcher>>,
}

impl Backend {
    pub fn new(client: Client, shared: Arc<Shared>) -> Backend {
        Backend {
            client,
            shared,
            watcher: Mutex::new(None),
        }
    }

    /// Watch the roots ourselves (when the client does not watch for us).
    fn start_watcher(&self) {
        let roots = self.shared.session.read().roots.clone();
        if roots.is_empty() {
            return;
        }
        let shared = self.shared.clone();
        match watch::watch(&roots, move |paths| {
            shared.touched(paths.iter().map(|p| convert::normalize(p)).collect())
        }) {
            Ok(w) => *self.watcher.lock() = Some(w),
            Err(e) => tracing::error!(
                "cannot watch the workspace folders: {e}; changes on disk will not be seen"
            ),
        }
    }

    /// [`super::state::DEBUG_DOCUMENTS`]: the texts the corpus holds, for
    /// tests; "method not found" unless `CLAIMLENS_DEBUG_REQUESTS=1`.
    pub async fn debug_documents(&self) -> Result<Value> {
        if !self.shared.debug_requests {
            return Err(Error::method_not_found());
        }
        let sh = self.shared.clone();
        self.shared
            .read("debugDocuments", move |v| {
                // corpus lock first, then the versions (as the change queue)
                let open = sh.open.lock().clone();
                let mut docs: Vec<(String, Value)> = v
                    .corpus
                    .documents()
                    .filter_map(|(_, d)| {
                        let uri = convert::path_to_uri(&d.path)?;
                        let version = open.get(&d.path).copied();
                        Some((
                            uri.to_string(),
                            json!({"uri": uri, "text": &*d.text, "version": version}),
                        ))
                    })
                    .collect();
                docs.sort_by(|a, b| a.0.cmp(&b.0));
                json!({"documents": docs.into_iter().map(|(_, d)| d).collect::<Vec<_>>()})
            })
            .await
    }

    /// Ask the client to send file events for corpus files, the project
    /// file, and folders created or deleted.
    async fn register_file_watching(&self) -> bool {
        let watcher = |glob: &str, kind: Option<WatchKind>| FileSystemWatcher {
            glob_pattern: GlobPattern::String(glob.into()),
            kind,
        };
        let opts = DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                watcher("**/*.{txt,md,TXT,MD}", None),
                watcher(&format!("**/{}", config::FILE_NAME), None),
                watcher("**/*", Some(WatchKind::Create | WatchKind::Delete)),
            ],
        };
        let reg = Registration {
            id: "claimlens-watch".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(opts).ok(),
        };
        let answer = client_answer(
            "client/registerCapability",
            self.client.register_capability(vec![reg]),
        )
        .await;
        if answer.is_none() {
            tracing::warn!("no file watching from the client; watching the folders ourselves");
        }
        answer.is_some()
    }

    async fn pull_settings(&self) {
        if !self.shared.session.read().configuration_requests {
            return;
        }
        let items = vec![ConfigurationItem {
            scope_uri: None,
            section: Some("claimlens".into()),
        }];
        if let Some(values) =
            client_answer("workspace/configuration", self.client.configuration(items)).await
            && let Some(v) = values.into_iter().next()
            && !v.is_null()
        {
            self.apply_settings(&v).await;
        }
    }

    async fn apply_settings(&self, v: &Value) {
        let (settings, problems) = Settings::from_json(v);
        for p in problems {
            self.client
                .show_message(MessageType::WARNING, format!("claimlens: {p}"))
                .await;
        }
        self.shared.session.write().settings = settings;
    }

    async fn keep_figure(&self, args: &[Value]) -> Result<Option<Value>> {
        let (Some(uri), Some(text)) = (
            args.first().and_then(Value::as_str),
            args.get(1).and_then(Value::as_str),
        ) else {
            return Err(Error::invalid_params(
                "claimlens.keepFigure takes [uri, figure text]",
            ));
        };
        let uri: Uri = uri
            .parse()
            .map_err(|_| Error::invalid_params(format!("not a URI: {uri}")))?;
        let path = convert::uri_to_path(&uri);
        let root = {
            let s = self.shared.session.read();
            s.roots
                .iter()
                .filter(|r| path.starts_with(r))
                .max_by_key(|r| r.as_os_str().len())
                .cloned()
        };
        let Some(root) = root else {
            return Err(Error::invalid_params(format!(
                "{} is outside the workspace folders; no claimlens.toml to record it in",
                path.display()
            )));
        };
        let rel = path
            .strip_prefix(&root)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        let kept = KeptFigure {
            file: rel,
            text: text.to_string(),
        };
        let written = tokio::task::spawn_blocking(move || config::append_kept_figure(&root, &kept))
            .await
            .map_err(|e| Error::internal_error().with_message(e.to_string()))?;
        match written {
            Ok(p) => {
                tracing::info!("recorded a kept figure in {}", p.display());
                self.shared.send(Change::Config);
                Ok(None)
            }
            Err(e) => {
                let msg = format!("claimlens: cannot update claimlens.toml: {e}");
                self.client.show_message(MessageType::ERROR, &msg).await;
                Err(Error::internal_error().with_message(msg))
            }
        }
    }
}

trait WithMessage {
    fn with_message(self, m: String) -> Self;
}

impl WithMessage for Error {
    fn with_message(mut self, m: String) -> Self {
        self.message = m.into();
        self
    }
}

fn roots_of(params: &InitializeParams) -> Vec<PathBuf> {
    let mut roots: Vec<PathBuf> = params
        .workspace_folders
        .iter()
        .flatten()
        .map(|f| convert::uri_to_path(&f.uri))
        .collect();
    #[allow(deprecated)]
    if roots.is_empty()
        && let Some(u) = &params.root_uri
    {
        roots.push(convert::uri_to_path(u));
    }
    roots.retain(|r| r.is_absolute());
    roots
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let caps = &params.capabilities;
        let offered = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.clone())
            .unwrap_or_default();
        let (enc, kind) = if offered.contains(&PositionEncodingKind::UTF8) {
            (Encoding::Utf8, PositionEncodingKind::UTF8)
        } else {
            (Encoding::Utf16, PositionEncodingKind::UTF16)
        };
        {
            let mut s = self.shared.session.write();
            s.encoding = enc;
            s.roots = roots_of(&params);
            let ws = caps.workspace.as_ref();
            s.client_watches_files = ws
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|d| d.dynamic_registration)
                .unwrap_or(false);
            s.configuration_requests = ws.and_then(|w| w.configuration).unwrap_or(false);
            s.refresh_tokens = ws
                .and_then(|w| w.semantic_tokens.as_ref())
                .and_then(|t| t.refresh_support)
                .unwrap_or(false);
            s.refresh_lenses = ws
                .and_then(|w| w.code_lens.as_ref())
                .and_then(|t| t.refresh_support)
                .unwrap_or(false);
            let win = caps.window.as_ref();
            s.work_done_progress = win.and_then(|w| w.work_done_progress).unwrap_or(false);
            s.show_document = win
                .and_then(|w| w.show_document.as_ref())
                .map(|d| d.support)
                .unwrap_or(false);
        }
        if let Some(opts) = &params.initialization_options {
            self.apply_settings(opts).await;
        }
        tracing::info!(
            "initialize: roots {:?}, position encoding {:?}",
            self.shared.session.read().roots,
            enc
        );
        let sync = TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(TextDocumentSyncKind::INCREMENTAL),
            ..TextDocumentSyncOptions::default()
        };
        self.shared.initialized.store(true, Ordering::SeqCst);
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(kind),
                text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                definition_provider: Some(OneOf::Left(true)),
                references_provider: Some(OneOf::Left(true)),
                document_highlight_provider: Some(OneOf::Left(true)),
                document_symbol_provider: Some(OneOf::Left(true)),
                workspace_symbol_provider: Some(OneOf::Left(true)),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
                        ..CodeActionOptions::default()
                    },
                )),
                code_lens_provider: Some(CodeLensOptions {
                    resolve_provider: Some(false),
                }),
                execute_command_provider: Some(ExecuteCommandOptions {
                    commands: actions::COMMANDS.iter().map(|c| c.to_string()).collect(),
                    ..ExecuteCommandOptions::default()
                }),
                semantic_tokens_provider: Some(
                    SemanticTokensServerCapabilities::SemanticTokensOptions(
                        SemanticTokensOptions {
                            legend: semantic::legend(),
                            full: Some(SemanticTokensFullOptions::Bool(true)),
                            range: Some(true),
                            ..SemanticTokensOptions::default()
                        },
                    ),
                ),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..ServerCapabilities::default()
            },
            server_info: Some(ServerInfo {
                name: "claimlens".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        self.pull_settings().await;
        let client_watches = self.shared.session.read().client_watches_files;
        if !(client_watches && self.register_file_watching().await) {
            self.start_watcher();
        }
        tokio::spawn(indexing::index_workspace(
            self.shared.clone(),
            self.client.clone(),
        ));
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shutdown_requested.store(true, Ordering::SeqCst);
        *self.watcher.lock() = None;
        Ok(())
    }

    async fn did_open(&self, p: DidOpenTextDocumentParams) {
        self.shared.send_edit(Change::Open {
            path: convert::uri_to_path(&p.text_document.uri),
            version: p.text_document.version,
            text: p.text_document.text,
        });
    }

    async fn did_change(&self, p: DidChangeTextDocumentParams) {
        self.shared.send_edit(Change::Edit {
            path: convert::uri_to_path(&p.text_document.uri),
            version: p.text_document.version,
            changes: p.content_changes,
        });
    }

    async fn did_close(&self, p: DidCloseTextDocumentParams) {
        self.shared.send_edit(Change::Close {
            path: convert::uri_to_path(&p.text_document.uri),
        });
    }

    async fn did_change_watched_files(&self, p: DidChangeWatchedFilesParams) {
        self.shared.touched(
            p.changes
                .iter()
                .map(|c| convert::uri_to_path(&c.uri))
                .collect(),
        );
    }

    async fn did_change_configuration(&self, p: DidChangeConfigurationParams) {
        if p.settings.is_null() || p.settings.as_object().is_some_and(|o| o.is_empty()) {
            self.pull_settings().await;
        } else {
            self.apply_settings(&p.settings).await;
        }
        self.shared.send(Change::Config);
    }

    async fn did_change_workspace_folders(&self, p: DidChangeWorkspaceFoldersParams) {
        let added: Vec<PathBuf> = p
            .event
            .added
            .iter()
            .map(|f| convert::uri_to_path(&f.uri))
            .collect();
        let removed: Vec<PathBuf> = p
            .event
            .removed
            .iter()
            .map(|f| convert::uri_to_path(&f.uri))
            .collect();
        {
            let mut s = self.shared.session.write();
            s.roots.retain(|r| !removed.contains(r));
            s.roots.extend(added.iter().cloned());
        }
        if self.watcher.lock().is_some() {
            self.start_watcher();
        }
        let mut paths = removed;
        paths.extend(added);
        self.shared.send(Change::Config);
        self.shared.send(Change::Disk { paths });
    }

    async fn hover(&self, p: HoverParams) -> Result<Option<Hover>> {
        let tp = p.text_document_position_params;
        self.shared
            .read("hover", move |v| {
                hover::hover(v, &tp.text_document.uri, tp.position)
            })
            .await
    }

    async fn goto_definition(
        &self,
        p: GotoDefinitionParams,
    ) -> Result<Option<GotoDefinitionResponse>> {
        let tp = p.text_document_position_params;
        self.shared
            .read("definition", move |v| {
                navigation::definition(v, &tp.text_document.uri, tp.position)
            })
            .await
    }

    async fn references(&self, p: ReferenceParams) -> Result<Option<Vec<Location>>> {
        let tp = p.text_document_position;
        let decl = p.context.include_declaration;
        self.shared
            .read("references", move |v| {
                navigation::references(v, &tp.text_document.uri, tp.position, decl)
                    .map(navigation::Locations::into_vec)
            })
            .await
    }

    async fn document_highlight(
        &self,
        p: DocumentHighlightParams,
    ) -> Result<Option<Vec<DocumentHighlight>>> {
        let tp = p.text_document_position_params;
        self.shared
            .read("documentHighlight", move |v| {
                navigation::highlights(v, &tp.text_document.uri, tp.position)
            })
            .await
    }

    async fn semantic_tokens_full(
        &self,
        p: SemanticTokensParams,
    ) -> Result<Option<SemanticTokensResult>> {
        self.shared
            .read("semanticTokens", move |v| {
                semantic::tokens(v, &p.text_document.uri, None).map(SemanticTokensResult::Tokens)
            })
            .await
    }

    async fn semantic_tokens_range(
        &self,
        p: SemanticTokensRangeParams,
    ) -> Result<Option<SemanticTokensRangeResult>> {
        self.shared
            .read("semanticTokens", move |v| {
                semantic::tokens(v, &p.text_document.uri, Some(p.range))
                    .map(SemanticTokensRangeResult::Tokens)
            })
            .await
    }

    async fn document_symbol(
        &self,
        p: DocumentSymbolParams,
    ) -> Result<Option<DocumentSymbolResponse>> {
        self.shared
            .read("documentSymbol", move |v| {
                symbols::document_symbols(v, &p.text_document.uri)
            })
            .await
    }

    async fn symbol(&self, p: WorkspaceSymbolParams) -> Result<Option<WorkspaceSymbolResponse>> {
        self.shared
            .read("workspace/symbol", move |v| {
                symbols::workspace_symbols(v, &p.query)
            })
            .await
    }

    async fn code_lens(&self, p: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        self.shared
            .read("codeLens", move |v| {
                actions::code_lenses(v, &p.text_document.uri)
            })
            .await
    }

    async fn code_action(&self, p: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        self.shared
            .read("codeAction", move |v| {
                actions::code_actions(v, &p.text_document.uri, p.range, &p.context.diagnostics)
            })
            .await
    }

    async fn execute_command(&self, p: ExecuteCommandParams) -> Result<Option<Value>> {
        match p.command.as_str() {
            actions::SHOW_REPEATS => {
                let (Some(uri), Some(pos)) = (
                    p.arguments
                        .first()
                        .and_then(Value::as_str)
                        .and_then(|u| u.parse::<Uri>().ok()),
                    p.arguments
                        .get(1)
                        .and_then(|v| serde_json::from_value::<Position>(v.clone()).ok()),
                ) else {
                    return Err(Error::invalid_params(
                        "claimlens.showRepeats takes [uri, position]",
                    ));
                };
                let locs = self
                    .shared
                    .read("showRepeats", move |v| actions::repeats(v, &uri, pos))
                    .await?;
                if let Some(first) = locs.first()
                    && self.shared.session.read().show_document
                {
                    let _ = client_answer(
                        "window/showDocument",
                        self.client.show_document(ShowDocumentParams {
                            uri: first.uri.clone(),
                            external: Some(false),
                            take_focus: Some(true),
                            selection: Some(first.range),
                        }),
                    )
                    .await;
                }
                Ok(Some(json!(locs)))
            }
            actions::KEEP_FIGURE => self.keep_figure(&p.arguments).await,
            actions::LIST_CONFLICTS => Ok(Some(
                self.shared
                    .read("listConflicts", actions::list_conflicts)
                    .await?,
            )),
            other => Err(Error {
                code: ErrorCode::InvalidParams,
                message: format!("unknown command {other}").into(),
                data: None,
            }),
        }
    }
}
