//! The server over real stdio: negotiation, readiness, bad files, unknown
//! documents, watching, and exit codes. (Answers about entities, claims and
//! figures are tested in lsp_answers.rs.)

mod support;

use serde_json::{Value, json};
use support::{Server, Start, corpus, uri};

#[test]
fn negotiates_encoding_and_declares_capabilities() {
    let dir = corpus(&[("a.txt", "Hello.")]);
    let mut opts = Start::new(dir.path());
    opts.encodings = vec!["utf-8", "utf-16"];
    let s = Server::start(opts);
    let caps = &s.init["capabilities"];
    assert_eq!(caps["positionEncoding"], "utf-8");
    let legend: Vec<&str> = caps["semanticTokensProvider"]["legend"]["tokenTypes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(legend, vec!["person", "organization", "place"]);
    assert_eq!(caps["textDocumentSync"]["change"], 2, "incremental sync");
    for p in [
        "hoverProvider",
        "definitionProvider",
        "referencesProvider",
        "documentHighlightProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "codeLensProvider",
        "codeActionProvider",
    ] {
        assert!(!caps[p].is_null(), "{p} missing");
    }
    drop(s);

    let dir = corpus(&[("a.txt", "Hello.")]);
    let s = Server::start(Start::new(dir.path()));
    assert_eq!(s.init["capabilities"]["positionEncoding"], "utf-16");
}

#[test]
fn indexing_reports_progress_and_publishes_every_file() {
    let dir = corpus(&[
        ("a.txt", "One article."),
        ("sub/b.md", "# Two\nAnother article."),
        ("c.txt", "Third."),
        (".hidden/d.txt", "hidden"),
        ("notes.rs", "not a corpus file"),
    ]);
    let s = Server::start(Start::new(dir.path()));
    let ib = s.inbox.lock().unwrap();
    let kinds: Vec<&str> = ib
        .progress
        .iter()
        .map(|p| p["value"]["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.first(), Some(&"begin"));
    assert_eq!(kinds.last(), Some(&"end"));
    assert!(kinds.contains(&"report"), "{kinds:?}");
    let report = ib
        .progress
        .iter()
        .find(|p| p["value"]["kind"] == "report")
        .unwrap();
    assert!(
        report["value"]["message"].as_str().unwrap().contains("3/3"),
        "{report}"
    );
    // every corpus file has diagnostics (possibly empty) by the end of indexing
    for f in ["a.txt", "sub/b.md", "c.txt"] {
        assert!(
            ib.diagnostics.contains_key(&uri(&dir.path().join(f))),
            "{f} not published"
        );
    }
    assert!(
        !ib.diagnostics
            .contains_key(&uri(&dir.path().join(".hidden/d.txt")))
    );
    assert!(
        !ib.diagnostics
            .contains_key(&uri(&dir.path().join("notes.rs")))
    );
}

#[test]
fn bad_files_are_skipped_with_one_message_each_and_the_server_keeps_serving() {
    let dir = corpus(&[(
        "good.txt",
        "Alexander Lukashenko met Vladimir Putin in Sochi.",
    )]);
    std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9 au lait").unwrap();
    std::fs::write(dir.path().join("binary.txt"), b"\x00\x01\x02PK\x00").unwrap();
    let mut s = Server::start(Start::new(dir.path()));
    let messages: Vec<String> = s
        .inbox
        .lock()
        .unwrap()
        .messages
        .iter()
        .filter(|m| m.0 == 2)
        .map(|m| m.1.clone())
        .collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.contains("latin1.txt") && m.contains("UTF-8")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("binary.txt") && m.contains("binary")),
        "{messages:?}"
    );
    let log = s.log();
    assert!(
        log.contains("latin1.txt") && log.contains("binary.txt"),
        "{log}"
    );
    // still serving
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&dir.path().join("good.txt"))}, "position": {"line": 0, "character": 3}}),
    );
    assert!(r.is_ok());
    // touching a bad file again does not repeat the message
    std::fs::write(dir.path().join("latin1.txt"), b"caf\xe9 au lait!").unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    let n = s
        .inbox
        .lock()
        .unwrap()
        .messages
        .iter()
        .filter(|m| m.0 == 2)
        .count();
    assert_eq!(n, 2, "{:?}", s.inbox.lock().unwrap().messages);
}

#[test]
fn oversized_files_are_skipped_with_a_configurable_limit() {
    let dir = corpus(&[
        ("small.txt", "Short."),
        ("big.txt", &"Long text. ".repeat(50)),
    ]);
    let mut opts = Start::new(dir.path());
    opts.init_options = json!({"maxFileBytes": 100});
    let s = Server::start(opts);
    let ib = s.inbox.lock().unwrap();
    let warn: Vec<&String> = ib
        .messages
        .iter()
        .filter(|m| m.0 == 2)
        .map(|m| &m.1)
        .collect();
    assert_eq!(warn.len(), 1, "{warn:?}");
    assert!(
        warn[0].contains("big.txt") && warn[0].contains("100-byte limit"),
        "{warn:?}"
    );
    assert!(
        ib.diagnostics
            .contains_key(&uri(&dir.path().join("small.txt")))
    );
    assert!(
        !ib.diagnostics
            .contains_key(&uri(&dir.path().join("big.txt")))
    );
}

#[test]
fn requests_for_unknown_documents_answer_empty() {
    let dir = corpus(&[("a.txt", "Text.")]);
    let mut s = Server::start(Start::new(dir.path()));
    let td = json!({"uri": "file:///nowhere/missing.txt"});
    let pos = json!({"line": 3, "character": 7});
    for (method, params) in [
        (
            "textDocument/hover",
            json!({"textDocument": td, "position": pos}),
        ),
        (
            "textDocument/definition",
            json!({"textDocument": td, "position": pos}),
        ),
        (
            "textDocument/references",
            json!({"textDocument": td, "position": pos, "context": {"includeDeclaration": true}}),
        ),
        (
            "textDocument/documentHighlight",
            json!({"textDocument": td, "position": pos}),
        ),
        (
            "textDocument/semanticTokens/full",
            json!({"textDocument": td}),
        ),
        ("textDocument/documentSymbol", json!({"textDocument": td})),
        ("textDocument/codeLens", json!({"textDocument": td})),
    ] {
        assert_eq!(s.request(method, params), Ok(Value::Null), "{method}");
    }
    // positions far outside a real document are clamped, not a crash
    let a = json!({"uri": uri(&dir.path().join("a.txt"))});
    let far = json!({"line": 4_000_000_000u32, "character": 4_000_000_000u32});
    assert!(
        s.request(
            "textDocument/hover",
            json!({"textDocument": a, "position": far})
        )
        .is_ok()
    );
    let e = s.request(
        "workspace/executeCommand",
        json!({"command": "claimlens.nope", "arguments": []}),
    );
    assert!(e.is_err());
}

#[test]
fn shutdown_then_exit_is_code_0_and_exit_alone_is_code_1() {
    let dir = corpus(&[("a.txt", "Text.")]);
    let mut s = Server::start(Start::new(dir.path()));
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    s.notify("exit", Value::Null);
    assert_eq!(s.finish().code(), Some(0));

    let s = Server::start(Start::new(dir.path()));
    s.notify("exit", Value::Null);
    assert_eq!(s.finish().code(), Some(1));
}

#[test]
fn registers_file_watching_when_the_client_offers_it() {
    let dir = corpus(&[("a.txt", "Text.")]);
    let mut opts = Start::new(dir.path());
    opts.client_watches = true;
    let s = Server::start(opts);
    let regs = s.inbox.lock().unwrap().registrations.clone();
    let reg = regs
        .iter()
        .flat_map(|r| r["registrations"].as_array().cloned().unwrap_or_default())
        .next();
    let reg = reg.expect("a registration");
    assert_eq!(reg["method"], "workspace/didChangeWatchedFiles");
    let globs = reg["registerOptions"]["watchers"].to_string();
    assert!(
        globs.contains("*.{txt,md") && globs.contains("claimlens.toml"),
        "{globs}"
    );
    // events from the client are handled: a new file gets diagnostics
    let new = dir.path().join("new.txt");
    std::fs::write(&new, "A new article.").unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&new), "type": 1}]}),
    );
    s.wait_for("diagnostics for the new file", |ib| {
        ib.diagnostics.contains_key(&uri(&new))
    });
}

#[test]
fn watches_the_folder_itself_when_the_client_does_not() {
    let dir = corpus(&[("a.txt", "Text.")]);
    let s = Server::start(Start::new(dir.path()));
    assert!(s.inbox.lock().unwrap().registrations.is_empty());
    let new = dir.path().join("fresh.txt");
    std::fs::write(&new, "Fresh article.").unwrap();
    s.wait_for("diagnostics for the written file", |ib| {
        ib.diagnostics.contains_key(&uri(&new))
    });
    // a folder created with files in it
    std::fs::create_dir_all(dir.path().join("more/deep")).unwrap();
    let deep = dir.path().join("more/deep/x.md");
    std::fs::write(&deep, "Deep article.").unwrap();
    s.wait_for("diagnostics for the nested file", |ib| {
        ib.diagnostics.contains_key(&uri(&deep))
    });
}

/// References are written by the server itself, not by tower-lsp-server
/// (src/lsp/direct.rs): the same answers and the same errors at the edges:
/// before `initialize`, with params that do not parse, with a string id,
/// and after `shutdown`.
#[test]
fn references_answer_like_every_other_request_at_the_edges() {
    let text = "Alexander Lukashenko met Vladimir Putin. Lukashenko spoke first.";
    let dir = corpus(&[("a.txt", text), ("b.txt", "Mr Lukashenko left.")]);
    let a = json!({"uri": uri(&dir.path().join("a.txt"))});
    let at = json!({"textDocument": a, "position": {"line": 0, "character": 44},
                    "context": {"includeDeclaration": true}});

    let mut s = Server::spawn(dir.path());
    let early = s.request("textDocument/references", at.clone());
    assert_eq!(early.unwrap_err()["code"], -32002, "not initialized");
    s.initialize(&Start::new(dir.path()));
    s.wait_ready();

    let locs = s.request("textDocument/references", at.clone()).unwrap();
    let locs = locs.as_array().unwrap();
    assert_eq!(locs.len(), 3, "{locs:?}");
    assert!(
        locs.iter()
            .all(|l| l["range"]["start"]["line"] == 0 && l["uri"].is_string())
    );
    let mut without = at.clone();
    without["context"]["includeDeclaration"] = json!(false);
    let fewer = s.request("textDocument/references", without).unwrap();
    assert_eq!(fewer.as_array().unwrap().len(), 2, "{fewer}");

    let bad = s.request("textDocument/references", json!({"textDocument": a}));
    assert_eq!(bad.unwrap_err()["code"], -32602, "invalid params");

    s.send(
        &json!({"jsonrpc": "2.0", "id": "refs-1", "method": "textDocument/references",
                   "params": at}),
    );
    let named = s.response_to(&json!("refs-1")).unwrap();
    assert_eq!(named.as_array().unwrap().len(), 3, "{named}");

    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    let late = s.request("textDocument/references", at);
    assert_eq!(late.unwrap_err()["code"], -32600, "after shutdown");
    s.notify("exit", Value::Null);
    assert_eq!(s.finish().code(), Some(0));
}
