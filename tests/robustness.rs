//! Bad input over real stdio, one test each: odd files on disk (empty,
//! 50 MB, vanishing, unreadable, symlink loops and links out of the
//! workspace), odd positions and URIs, malformed messages, requests out of
//! order, edits to unopened documents and versions going backwards,
//! cancellation, clients that do not answer, and what the server writes.
//! Every test ends by proving the server still answers: a hover on a known
//! name must still name it. (Non-UTF-8 and binary files, unknown documents
//! and the exit codes are in lsp_protocol.rs.)

mod support;

use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::{Server, Start, corpus, pos_of, uri};

/// Two files whose figures disagree (24 vs 25 million tonnes).
const TRADE_A: &str = "Trade reached 24 million tonnes, Alexander Lukashenko said.";
const TRADE_B: &str = "# Trade\nTrade reached 25 million tonnes, Vladimir Putin said.\n";

const GOOD: &str = "Belarusian President Alexander Lukashenko met Vladimir Putin in Sochi.\n\
Lukashenko said the talks were useful.\n";

/// The server still answers: a hover on "Lukashenko" in good.txt names him.
fn alive(s: &mut Server) {
    let good = s.root.join("good.txt");
    let (l, c) = pos_of(GOOD, "Lukashenko", 1, 2);
    let h = s
        .hover_text(&good, l, c)
        .unwrap_or_else(|| panic!("no hover on a known name; log:\n{}", s.log()));
    assert!(h.contains("Lukashenko"), "{h}");
}

fn warnings(s: &Server) -> Vec<String> {
    s.inbox
        .lock()
        .unwrap()
        .messages
        .iter()
        .filter(|m| m.0 <= 2)
        .map(|m| m.1.clone())
        .collect()
}

fn published(s: &Server) -> Vec<String> {
    let mut v: Vec<String> = s
        .inbox
        .lock()
        .unwrap()
        .diagnostics
        .keys()
        .cloned()
        .collect();
    v.sort();
    v
}

fn td(path: &Path) -> Value {
    json!({"uri": uri(path)})
}

#[test]
fn an_empty_file_is_indexed_and_answers_empty() {
    let dir = corpus(&[("good.txt", GOOD), ("empty.txt", "")]);
    let mut s = Server::start(Start::new(dir.path()));
    let empty = dir.path().join("empty.txt");
    assert_eq!(s.diagnostics(&empty), Some(vec![]), "{:?}", published(&s));
    assert!(warnings(&s).is_empty(), "{:?}", warnings(&s));
    let pos = json!({"line": 0, "character": 0});
    assert_eq!(
        s.request(
            "textDocument/hover",
            json!({"textDocument": td(&empty), "position": pos})
        ),
        Ok(Value::Null)
    );
    assert_eq!(
        s.request(
            "textDocument/documentSymbol",
            json!({"textDocument": td(&empty)})
        ),
        Ok(json!([]))
    );
    let toks = s
        .request(
            "textDocument/semanticTokens/full",
            json!({"textDocument": td(&empty)}),
        )
        .unwrap();
    assert_eq!(toks["data"], json!([]));
    // an edit of the empty document, at a position past its end
    s.open(&empty, "");
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&empty), "version": 2},
               "contentChanges": [{"range": {"start": {"line": 3, "character": 9}, "end": {"line": 3, "character": 9}},
                                   "text": "Vladimir Putin spoke."}]}),
    );
    let h = s.hover_text(&empty, 0, 3).expect("hover on the typed name");
    assert!(h.contains("Putin"), "{h}");
    alive(&mut s);
}

/// 50 MB: a real first and last line, and spaces in between (lines of 1,000
/// bytes), so that reading, limits and positions are tested at full size
/// while the analysis stays quick.
fn write_50mb(path: &Path) -> (usize, u32) {
    let mut text = String::with_capacity(50 * 1024 * 1024 + 200);
    text.push_str(GOOD);
    let filler = format!("{}\n", " ".repeat(999));
    while text.len() < 50 * 1024 * 1024 {
        text.push_str(&filler);
    }
    let last_line = text.matches('\n').count() as u32;
    text.push_str("At the end, Vladimir Putin spoke.\n");
    std::fs::write(path, &text).unwrap();
    (text.len(), last_line)
}

#[test]
fn a_50_mb_file_is_skipped_by_default_and_indexed_when_the_limit_is_raised() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let big = dir.path().join("big.txt");
    let (size, last_line) = write_50mb(&big);
    let mut s = Server::start(Start::new(dir.path()));
    let w = warnings(&s);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("big.txt")
            && w[0].contains(&format!("{size} bytes"))
            && w[0].contains("10485760-byte limit")
            && w[0].contains("max_file_bytes"),
        "{w:?}"
    );
    s.wait_log("the skip is logged too", "big.txt");
    assert_eq!(s.diagnostics(&big), None);
    alive(&mut s);
    drop(s);

    // raised in claimlens.toml: indexed, answers at its very end
    std::fs::write(
        dir.path().join("claimlens.toml"),
        "[limits]\nmax_file_bytes = 60_000_000\n",
    )
    .unwrap();
    let started = Instant::now();
    let mut s = Server::start(Start::new(dir.path()));
    eprintln!("50 MB indexed in {:.1?}", started.elapsed());
    assert!(warnings(&s).is_empty(), "{:?}", warnings(&s));
    assert_eq!(s.diagnostics(&big), Some(vec![]));
    let h = s
        .hover_text(&big, last_line, "At the end, Vladimir P".len() as u32)
        .unwrap_or_else(|| panic!("no hover at the end of the big file; log:\n{}", s.log()));
    assert!(h.contains("Putin"), "{h}");
    alive(&mut s);
}

#[test]
fn a_file_that_vanishes_before_it_is_read() {
    // the read path's mapping: a file listed, then gone, is `Vanished`
    let dir = corpus(&[("good.txt", GOOD), ("gone.txt", "Soon gone.")]);
    let listed = claimlens::workspace::discover(dir.path());
    assert_eq!(listed.len(), 2);
    std::fs::remove_file(dir.path().join("gone.txt")).unwrap();
    let errs: Vec<String> = listed
        .iter()
        .filter_map(|p| claimlens::workspace::read_text(p, 1 << 20).err())
        .map(|e| {
            assert!(
                matches!(e, claimlens::workspace::ReadError::Vanished),
                "{e:?}"
            );
            e.to_string()
        })
        .collect();
    assert_eq!(errs, vec!["file disappeared before it could be read"]);

    // over the protocol: a file reported as created is gone when the server
    // gets to read it; another one, indexed, is deleted
    let mut opts = Start::new(dir.path());
    opts.client_watches = true;
    let mut s = Server::start(opts);
    let brief = dir.path().join("brief.txt");
    let good2 = dir.path().join("good2.txt");
    std::fs::write(&good2, GOOD).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&good2), "type": 1}]}),
    );
    s.wait_for("good2.txt indexed", |ib| {
        ib.diagnostics.contains_key(&uri(&good2))
    });
    std::fs::write(&brief, "Here for a moment.").unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&brief), "type": 1}]}),
    );
    std::fs::remove_file(&brief).unwrap();
    std::fs::remove_file(&good2).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&good2), "type": 3}]}),
    );
    // the deleted document's diagnostics are cleared, the vanished one never appears
    s.wait_for("good2.txt cleared", |ib| {
        ib.published
            .iter()
            .rev()
            .find(|(u, _)| u == &uri(&good2))
            .is_some_and(|(_, d)| d.is_empty())
            && ib
                .published
                .iter()
                .filter(|(u, _)| u == &uri(&good2))
                .count()
                >= 2
    });
    let h = s.hover_text(&good2, 0, 25);
    assert_eq!(h, None, "a deleted file still answers");
    assert_eq!(s.diagnostics(&brief), None);
    assert!(
        warnings(&s).is_empty(),
        "a vanished file is no warning: {:?}",
        warnings(&s)
    );
    alive(&mut s);
}

/// Root reads every file, so the test drops to `nobody` with setpriv when
/// it runs as root (as in CI); as another user, chmod 000 is enough.
#[test]
fn an_unreadable_file_is_skipped_with_a_message() {
    use std::os::unix::fs::PermissionsExt;
    let dir = corpus(&[("good.txt", GOOD), ("secret.txt", "Alexander Lukashenko.")]);
    let secret = dir.path().join("secret.txt");
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o000)).unwrap();
    let mut opts = Start::new(dir.path());
    let is_root = std::fs::metadata("/proc/self")
        .map(|m| m.uid() == 0)
        .unwrap_or(false);
    if is_root {
        if !Path::new("/usr/bin/setpriv").exists() {
            eprintln!("SKIPPED: running as root without setpriv; cannot make a file unreadable");
            return;
        }
        std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        opts.wrapper = [
            "/usr/bin/setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
        .map(String::from)
        .to_vec();
    }
    let mut s = Server::start(opts);
    let w = warnings(&s);
    assert_eq!(w.len(), 1, "{w:?}");
    assert!(
        w[0].contains("secret.txt")
            && w[0].contains("cannot read")
            && w[0].contains("ermission denied"),
        "{w:?}"
    );
    s.wait_log("the unreadable file is logged too", "secret.txt");
    assert_eq!(s.diagnostics(&secret), None);
    alive(&mut s);
}

#[test]
fn symlink_loops_and_links_out_of_the_workspace_are_not_followed() {
    use std::os::unix::fs::symlink;
    let outside = corpus(&[
        ("secret.txt", "Vladimir Putin is outside."),
        ("dir/x.txt", "Outside too."),
    ]);
    let dir = corpus(&[("good.txt", GOOD), ("sub/inner.txt", "Inner text.")]);
    let root = dir.path();
    symlink(".", root.join("loop")).unwrap();
    symlink("..", root.join("sub/up")).unwrap();
    symlink("self.txt", root.join("self.txt")).unwrap();
    symlink("b.txt", root.join("a.txt")).unwrap();
    symlink("a.txt", root.join("b.txt")).unwrap();
    symlink(outside.path().join("secret.txt"), root.join("outside.txt")).unwrap();
    symlink(outside.path().join("dir"), root.join("outdir")).unwrap();
    let mut opts = Start::new(root);
    opts.client_watches = true;
    let mut s = Server::start(opts);
    let expected = vec![
        uri(&root.join("good.txt")),
        uri(&root.join("sub/inner.txt")),
    ];
    assert_eq!(published(&s), expected);
    // events on the links themselves change nothing
    let links = [
        "loop",
        "sub/up",
        "self.txt",
        "a.txt",
        "b.txt",
        "outside.txt",
        "outdir",
        "outdir/x.txt",
    ];
    let changes: Vec<Value> = links
        .iter()
        .map(|l| json!({"uri": uri(&root.join(l)), "type": 2}))
        .collect();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": changes}),
    );
    // a later event is handled after them: once it is in, they were too
    let later = root.join("later.txt");
    std::fs::write(&later, "Later.").unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&later), "type": 1}]}),
    );
    s.wait_for("later.txt", |ib| ib.diagnostics.contains_key(&uri(&later)));
    let mut expected = expected;
    expected.push(uri(&later));
    expected.sort();
    assert_eq!(published(&s), expected);
    assert_eq!(s.hover_text(&root.join("outside.txt"), 0, 10), None);
    alive(&mut s);
}

#[test]
fn positions_past_the_end_are_clamped_in_requests_and_edits() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let mut s = Server::start(Start::new(dir.path()));
    let good = dir.path().join("good.txt");
    let m = u32::MAX;
    for (line, ch) in [(0, 500), (1, m), (2, 0), (3, 7), (m, 0), (m, m)] {
        let pos = json!({"line": line, "character": ch});
        let range = json!({"start": {"line": 0, "character": 0}, "end": pos});
        let backwards = json!({"start": pos, "end": {"line": 0, "character": 0}});
        for (method, params) in [
            (
                "textDocument/hover",
                json!({"textDocument": td(&good), "position": pos}),
            ),
            (
                "textDocument/definition",
                json!({"textDocument": td(&good), "position": pos}),
            ),
            (
                "textDocument/references",
                json!({"textDocument": td(&good), "position": pos, "context": {"includeDeclaration": true}}),
            ),
            (
                "textDocument/documentHighlight",
                json!({"textDocument": td(&good), "position": pos}),
            ),
            (
                "textDocument/semanticTokens/range",
                json!({"textDocument": td(&good), "range": range}),
            ),
            (
                "textDocument/semanticTokens/range",
                json!({"textDocument": td(&good), "range": backwards}),
            ),
            (
                "textDocument/codeAction",
                json!({"textDocument": td(&good), "range": backwards, "context": {"diagnostics": []}}),
            ),
            (
                "workspace/executeCommand",
                json!({"command": "claimlens.showRepeats", "arguments": [uri(&good), pos]}),
            ),
        ] {
            let r = s.request(method, params);
            assert!(r.is_ok(), "{method} at {line}:{ch}: {r:?}");
        }
    }
    // edits past the end of a line and of the document are clamped
    s.open(&good, GOOD);
    let change = |version: i32, l1: u32, c1: u32, l2: u32, c2: u32, text: &str| {
        json!({"textDocument": {"uri": uri(&good), "version": version},
               "contentChanges": [{"range": {"start": {"line": l1, "character": c1},
                                             "end": {"line": l2, "character": c2}}, "text": text}]})
    };
    // past the end of the document: appended
    s.notify(
        "textDocument/didChange",
        change(2, 99, 99, m, m, "Vladimir Putin replied."),
    );
    // past the end of line 0: at its end, before the line break
    s.notify(
        "textDocument/didChange",
        change(3, 0, 9999, 0, 9999, " Mikhail Mishustin came."),
    );
    // a range given end first: the same range
    s.notify(
        "textDocument/didChange",
        change(4, 1, 10, 1, 0, "Mr Lukashenko"),
    );
    let text = format!(
        "{} Mikhail Mishustin came.\nMr Lukashenko said the talks were useful.\nVladimir Putin replied.",
        GOOD.lines().next().unwrap()
    );
    for (needle, name) in [
        ("Mishustin", "Mishustin"),
        ("Putin replied", "Putin"),
        ("Lukashenko said", "Lukashenko"),
    ] {
        let (l, c) = pos_of(&text, needle, 1, 2);
        let h = s
            .hover_text(&good, l, c)
            .unwrap_or_else(|| panic!("no hover on {needle} at {l}:{c}; log:\n{}", s.log()));
        assert!(h.contains(name), "{needle}: {h}");
    }
    alive(&mut s);
}

#[test]
fn odd_uris_are_answered_not_crashed() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let mut s = Server::start(Start::new(dir.path()));
    // an unsaved buffer is a document like any other
    let untitled = "untitled:Untitled-1";
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": untitled, "languageId": "plaintext", "version": 1,
                                "text": "Vladimir Putin spoke."}}),
    );
    let r = s
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": untitled}, "position": {"line": 0, "character": 12}}),
        )
        .unwrap();
    assert!(
        r["contents"]["value"]
            .as_str()
            .unwrap_or("")
            .contains("Putin"),
        "{r}"
    );
    // other schemes, relative and strange file URIs: nothing there, no error
    for u in [
        "git:/repo/good.txt?HEAD",
        "file:good.txt",
        "file:///a%00b.txt",
        "file:///../../etc/passwd",
        "file://remote-host/share/a.txt",
    ] {
        let r = s.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": u}, "position": {"line": 0, "character": 0}}),
        );
        assert_eq!(r, Ok(Value::Null), "{u}");
    }
    // not a URI at all: invalid params
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": "not a uri"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(r.unwrap_err()["code"], -32602);
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "claimlens.keepFigure", "arguments": ["::", "3"]}),
    );
    assert_eq!(r.unwrap_err()["code"], -32602);
    alive(&mut s);
}

#[test]
fn malformed_messages_get_error_responses_and_the_server_keeps_serving() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let mut s = Server::start(Start::new(dir.path()));
    let errors_for_null_id = |s: &Server| s.inbox.lock().unwrap().null_id_errors.len();
    let frame = |body: &[u8]| {
        let mut v = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        v.extend_from_slice(body);
        v
    };
    // truncated JSON, JSON that is not a message, invalid UTF-8, a header
    // without a length, a non-numeric length
    s.send_raw(&frame(br#"{"jsonrpc":"2.0","id":77,"method":"#));
    s.send_raw(&frame(b"[1, 2, 3]"));
    s.send_raw(&frame(b"{\"jsonrpc\":\"2.0\",\"method\":\"x\xff\xfe\"}"));
    s.send_raw(b"Content-Type: application/json\r\n\r\n{}");
    s.send_raw(b"Content-Length: lots\r\n\r\n{}");
    // each decoding error is answered with id null (the reader sees them as responses)
    let started = Instant::now();
    while errors_for_null_id(&s) < 4 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(errors_for_null_id(&s) >= 4, "log:\n{}", s.log());
    // a well-formed request of the wrong shape: invalid params
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri(&dir.path().join("good.txt"))}, "position": "here"}),
    );
    assert_eq!(r.unwrap_err()["code"], -32602);
    // an unknown method: method not found
    let r = s.request("claimlens/nonsense", json!({}));
    assert_eq!(r.unwrap_err()["code"], -32601);
    // notifications of the wrong shape are dropped
    s.notify("textDocument/didChange", json!({"textDocument": 5}));
    s.notify("textDocument/didOpen", json!(null));
    alive(&mut s);
}

#[test]
fn requests_before_initialize_are_refused_then_served() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let mut s = Server::spawn(dir.path());
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": td(&dir.path().join("good.txt")), "position": {"line": 0, "character": 25}}),
    );
    assert_eq!(r.unwrap_err()["code"], -32002, "server not initialized");
    // notifications before initialize are dropped, not applied
    s.open(&dir.path().join("good.txt"), "Nothing here.");
    let r = s.request("shutdown", Value::Null);
    assert_eq!(r.unwrap_err()["code"], -32002);
    let opts = Start::new(dir.path());
    s.initialize(&opts);
    s.wait_ready();
    alive(&mut s);
    // a second initialize is refused
    let r = s.request("initialize", json!({"capabilities": {}}));
    assert_eq!(r.unwrap_err()["code"], -32600);
    alive(&mut s);
}

#[test]
fn a_change_to_a_document_never_opened_is_logged_and_ignored() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let mut s = Server::start(Start::new(dir.path()));
    let good = dir.path().join("good.txt");
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri(&good), "version": 2},
               "contentChanges": [{"text": "Nothing here any more."}]}),
    );
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": "file:///never/opened.txt", "version": 1},
               "contentChanges": [{"text": "Vladimir Putin."}]}),
    );
    // the disk text still answers: the change was not applied
    alive(&mut s);
    // the log comes through stderr, read apart from the answers: it may
    // arrive after them on a loaded machine
    s.wait_log("the first warning", "good.txt which is not open; ignored");
    s.wait_log("the second warning", "opened.txt which is not open");
    let log = s.log();
    assert!(
        log.contains("good.txt which is not open; ignored")
            && log.contains("opened.txt which is not open"),
        "{log}"
    );
    assert_eq!(
        s.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": "file:///never/opened.txt"}, "position": {"line": 0, "character": 10}})
        ),
        Ok(Value::Null)
    );
    // closing a document never opened: the disk text stays
    s.notify("textDocument/didClose", json!({"textDocument": td(&good)}));
    alive(&mut s);
}

#[test]
fn a_version_going_backwards_is_logged_and_applied_in_arrival_order() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let mut s = Server::start(Start::new(dir.path()));
    let doc = dir.path().join("doc.txt");
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri(&doc), "languageId": "plaintext", "version": 10, "text": "Nothing yet."}}),
    );
    let edit = |v: i32, text: &str| json!({"textDocument": {"uri": uri(&doc), "version": v}, "contentChanges": [{"text": text}]});
    s.notify("textDocument/didChange", edit(7, "Vladimir Putin spoke."));
    let h = s
        .hover_text(&doc, 0, 12)
        .expect("hover after the backwards version");
    assert!(h.contains("Putin"), "{h}");
    s.notify(
        "textDocument/didChange",
        edit(7, "Mikhail Mishustin spoke."),
    );
    let h = s
        .hover_text(&doc, 0, 12)
        .expect("hover after a repeated version");
    assert!(h.contains("Mishustin"), "{h}");
    let log = s.log();
    assert!(log.contains("version went backwards (7 after 10)"), "{log}");
    assert!(log.contains("version went backwards (7 after 7)"), "{log}");
    alive(&mut s);
}

#[test]
fn shutdown_and_exit_sent_together_exit_with_code_0() {
    // a client may send `exit` right behind `shutdown`, without waiting
    let dir = corpus(&[("good.txt", GOOD)]);
    for _ in 0..5 {
        let mut s = Server::start(Start::new(dir.path()));
        let id = s.request_async("shutdown", Value::Null);
        s.notify("exit", Value::Null);
        let _ = id;
        assert_eq!(s.finish().code(), Some(0));
    }
    // requests after shutdown are refused, and exit is still 0
    let mut s = Server::start(Start::new(dir.path()));
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    let r = s.request(
        "textDocument/hover",
        json!({"textDocument": td(&dir.path().join("good.txt")), "position": {"line": 0, "character": 25}}),
    );
    assert_eq!(r.unwrap_err()["code"], -32600);
    s.notify("exit", Value::Null);
    assert_eq!(s.finish().code(), Some(0));
}

/// A request waits for the edits sent before it; while a large document is
/// being analysed, a hover is cancelled.
#[test]
fn a_cancelled_request_answers_request_cancelled_and_the_server_keeps_serving() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let mut s = Server::start(Start::new(dir.path()));
    let big = dir.path().join("big.txt");
    let sample = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("corpus/01-belarus-cannot-do-without-russia.txt"),
    )
    .unwrap();
    let text = sample.repeat((6_000_000 / sample.len()).max(1));
    let mut cancelled = 0;
    for round in 0..3 {
        let started = Instant::now();
        s.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(&big), "languageId": "plaintext", "version": round,
                                    "text": format!("{round}{text}")}}),
        );
        let id = s.request_async(
            "textDocument/hover",
            json!({"textDocument": td(&big), "position": {"line": 3, "character": 5}}),
        );
        s.notify("$/cancelRequest", json!({"id": id}));
        let r = s.response(id);
        eprintln!(
            "round {round}: {:?} after {:.1?}",
            r.as_ref().err(),
            started.elapsed()
        );
        match r {
            Err(e) if e["code"] == -32800 => cancelled += 1,
            // the answer may win the race; then it is a real answer
            other => assert!(other.is_ok(), "{other:?}"),
        }
        s.notify("textDocument/didClose", json!({"textDocument": td(&big)}));
    }
    assert!(cancelled >= 1, "no request was cancelled");
    alive(&mut s);
}

/// A client that announces configuration, progress and watching support but
/// never answers the server's requests still gets an indexed workspace.
#[test]
fn a_client_that_never_answers_server_requests_is_still_served() {
    let dir = corpus(&[
        ("good.txt", GOOD),
        ("other.txt", "Vladimir Putin in Moscow."),
    ]);
    let mut opts = Start::new(dir.path());
    opts.answer_requests = false;
    opts.client_watches = true;
    let mut s = Server::spawn_with(dir.path(), &[], false);
    s.initialize(&opts);
    s.wait_for("diagnostics for every file", |ib| ib.diagnostics.len() == 2);
    alive(&mut s);
    let unanswered = s.inbox.lock().unwrap().unanswered.clone();
    assert!(!unanswered.is_empty(), "the server asked nothing");
    // a settings change that makes the server ask again
    s.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    alive(&mut s);
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    s.notify("exit", Value::Null);
    assert_eq!(s.finish().code(), Some(0));
}

/// Every file of a folder: bytes, modification time and inode.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (Vec<u8>, i64, i64, u64)> {
    support::all_files(root)
        .into_iter()
        .map(|p| {
            let m = std::fs::symlink_metadata(&p).unwrap();
            let bytes = std::fs::read(&p).unwrap_or_default();
            (
                p.strip_prefix(root).unwrap().to_path_buf(),
                (bytes, m.mtime(), m.mtime_nsec(), m.ino()),
            )
        })
        .collect()
}

#[test]
fn the_server_writes_nothing_but_claimlens_toml_and_that_atomically() {
    let dir = corpus(&[
        ("good.txt", GOOD),
        ("a.txt", TRADE_A),
        ("b.md", TRADE_B),
        ("sub/c.txt", "Mikhail Mishustin visited Minsk."),
        ("notes.rs", "fn main() {}"),
        (
            "claimlens.toml",
            "# my notes\n[exclude]\nnames = [\"Full Article\"]\n",
        ),
    ]);
    let root = dir.path();
    // written before the session, with times in the past, so any rewrite shows
    std::thread::sleep(Duration::from_millis(20));
    let mut expected = snapshot(root);
    // the analysis cache goes to its own folder, outside the corpus
    let cache = tempfile::tempdir().unwrap();
    let mut opts = Start::new(root);
    opts.env = vec![(
        "CLAIMLENS_CACHE_DIR".into(),
        cache.path().display().to_string(),
    )];
    let mut s = Server::start(opts);
    s.wait_log("the analysis cache to be saved", "analysis cache saved");
    let a = root.join("a.txt");
    let a_text = std::fs::read_to_string(&a).unwrap();
    s.open(&a, &a_text);
    for v in 2..40 {
        s.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri(&a), "version": v},
                   "contentChanges": [{"range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}},
                                       "text": format!("Edit {v}. ")}]}),
        );
        let _ = s.hover_text(&a, 0, v as u32);
        let _ = s.request("textDocument/codeLens", json!({"textDocument": td(&a)}));
        let _ = s.request(
            "textDocument/codeAction",
            json!({"textDocument": td(&a), "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 99}},
                   "context": {"diagnostics": []}}),
        );
    }
    s.notify("textDocument/didSave", json!({"textDocument": td(&a)}));
    s.notify("textDocument/didClose", json!({"textDocument": td(&a)}));
    // disk events the user makes: they are expected changes
    let d = root.join("d.txt");
    std::fs::write(&d, "Vladimir Putin in Sochi.").unwrap();
    std::fs::remove_file(root.join("sub/c.txt")).unwrap();
    s.wait_for("d.txt indexed", |ib| ib.diagnostics.contains_key(&uri(&d)));
    let after_user = snapshot(root);
    expected.remove(Path::new("sub/c.txt"));
    expected.insert(
        PathBuf::from("d.txt"),
        after_user[Path::new("d.txt")].clone(),
    );
    // the one action that writes
    let toml_before = expected[Path::new("claimlens.toml")].clone();
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "claimlens.keepFigure", "arguments": [uri(&root.join("b.md")), "25 million tonnes"]}),
    );
    assert_eq!(r, Ok(Value::Null), "{}", s.log());
    alive(&mut s);
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    s.notify("exit", Value::Null);
    assert_eq!(s.finish().code(), Some(0));

    let mut actual = snapshot(root);
    let toml = actual
        .remove(Path::new("claimlens.toml"))
        .expect("claimlens.toml");
    expected.remove(Path::new("claimlens.toml"));
    assert_eq!(
        actual.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>(),
        "files created or removed by the server (a temporary file left behind?)"
    );
    for (p, e) in &expected {
        assert!(actual[p] == *e, "{} was written by the server", p.display());
    }
    let text = String::from_utf8(toml.0.clone()).unwrap();
    assert!(text.starts_with("# my notes\n[exclude]"), "{text}");
    assert!(
        text.contains("[[figures.keep]]\nfile = \"b.md\"\ntext = \"25 million tonnes\""),
        "{text}"
    );
    // replaced by a rename: a new inode, never the old file rewritten in place
    assert_ne!(toml.3, toml_before.3, "claimlens.toml rewritten in place");
    // and the cache: the analyses and the judged figures, no temporary
    // left behind once a save in progress (the configuration changed) ends
    let listing = || {
        let mut v: Vec<String> = std::fs::read_dir(cache.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let deadline = Instant::now() + Duration::from_secs(60);
    while listing().iter().any(|n| n.ends_with(".tmp")) && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(10));
    }
    let cached = listing();
    assert!(
        cached.len() == 2
            && cached[0].starts_with("ws-")
            && cached[0].ends_with(".bin")
            && cached[1] == cached[0].replace(".bin", ".judged.bin"),
        "{cached:?}"
    );
}

/// A cache folder pointed inside the corpus is refused: the server works
/// without a cache and writes nothing there.
#[test]
fn a_cache_folder_inside_the_corpus_is_refused() {
    let dir = corpus(&[
        ("good.txt", GOOD),
        ("sub/b.txt", "Vladimir Putin in Sochi."),
    ]);
    let root = dir.path();
    let before = snapshot(root);
    for inside in [root.join(".cache"), root.join("sub/cache")] {
        let mut opts = Start::new(root);
        opts.env = vec![("CLAIMLENS_CACHE_DIR".into(), inside.display().to_string())];
        let mut s = Server::start(opts);
        s.wait_log("the refused cache folder", "inside the workspace");
        alive(&mut s);
        assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
        s.notify("exit", Value::Null);
        assert_eq!(s.finish().code(), Some(0));
        assert!(!inside.exists(), "{} created", inside.display());
        assert!(snapshot(root) == before, "the corpus was written");
    }
}

/// Reopening an unchanged corpus answers from the cache (every document a
/// hit), with the same diagnostics and hovers as the first run; a changed
/// file is analysed again; a damaged cache file is rebuilt.
#[test]
fn a_second_session_reads_the_analysis_cache() {
    let dir = corpus(&[("good.txt", GOOD), ("a.txt", TRADE_A), ("b.md", TRADE_B)]);
    let root = dir.path();
    let cache = tempfile::tempdir().unwrap();
    let run = |expect: &str| {
        let mut opts = Start::new(root);
        opts.env = vec![(
            "CLAIMLENS_CACHE_DIR".into(),
            cache.path().display().to_string(),
        )];
        let mut s = Server::start(opts);
        s.wait_log(expect, expect);
        let hover = s.hover_text(&root.join("good.txt"), 0, 35);
        let diags: Vec<_> = ["good.txt", "a.txt", "b.md"]
            .iter()
            .map(|f| s.diagnostics(&root.join(f)))
            .collect();
        let deadline = Instant::now() + Duration::from_secs(60);
        while !(s.log().contains("analysis cache saved")
            || s.log().contains("analysis cache up to date"))
        {
            assert!(Instant::now() < deadline, "not saved:\n{}", s.log());
            std::thread::sleep(Duration::from_millis(10));
        }
        let log = s.log();
        assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
        s.notify("exit", Value::Null);
        assert_eq!(s.finish().code(), Some(0));
        (hover, diags, log)
    };
    let first = run("analysis cache: 0 hits, 3 analysed");
    assert!(
        first.2.contains("analysis cache saved: 3 entries"),
        "{}",
        first.2
    );
    assert!(
        first.2.contains("figures of 3 documents judged"),
        "{}",
        first.2
    );
    let second = run("analysis cache: 3 hits, 0 analysed");
    // the judged figures too, kept by the first session
    assert!(
        second.2.contains("figures of 3 documents: judgement read"),
        "{}",
        second.2
    );
    assert_eq!(first.0, second.0);
    assert_eq!(first.1, second.1);
    assert!(
        first.1[1].as_ref().is_some_and(|d| !d.is_empty()),
        "no conflict found"
    );
    std::fs::write(root.join("good.txt"), format!("{GOOD}Putin said so.\n")).unwrap();
    let third = run("analysis cache: 2 hits, 1 analysed");
    assert_eq!(first.1[1], third.1[1]);
    // judged for another corpus: judged again
    assert!(
        third.2.contains("figures of 3 documents judged"),
        "{}",
        third.2
    );
    let file = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| !p.to_string_lossy().ends_with(".judged.bin"))
        .unwrap();
    let bytes = std::fs::read(&file).unwrap();
    std::fs::write(&file, &bytes[..bytes.len() / 2]).unwrap();
    let fourth = run("analysis cache: 0 hits, 3 analysed");
    assert!(fourth.2.contains("ignored"), "{}", fourth.2);
    assert_eq!(third.0, fourth.0);
    assert_eq!(third.1, fourth.1);
    run("analysis cache: 3 hits, 0 analysed");
}

/// A panic inside one request's analysis (forced with the test-only
/// `CLAIMLENS_TEST_PANIC`, read at startup) becomes an internal-error
/// response and a log line; the same request keeps failing on its own, and
/// every other request is still served.
#[test]
fn a_panic_inside_a_request_is_an_error_response_and_the_server_keeps_serving() {
    let dir = corpus(&[("good.txt", GOOD)]);
    let good = dir.path().join("good.txt");
    let mut opts = Start::new(dir.path());
    opts.env = vec![("CLAIMLENS_TEST_PANIC".into(), "references".into())];
    let mut s = Server::start(opts);
    let (l, c) = pos_of(GOOD, "Lukashenko", 1, 2);
    let at = json!({"textDocument": td(&good), "position": {"line": l, "character": c},
                    "context": {"includeDeclaration": true}});
    for _ in 0..3 {
        let e = s
            .request("textDocument/references", at.clone())
            .expect_err("the forced panic answers an error");
        assert_eq!(e["code"], -32603, "{e}");
        let msg = e["message"].as_str().unwrap();
        assert!(
            msg.contains("internal error in references") && msg.contains("CLAIMLENS_TEST_PANIC"),
            "{msg}"
        );
        alive(&mut s);
        assert!(!s.definition(&good, (l, c)).is_empty());
    }
    assert!(
        s.log().contains("internal error in references"),
        "no log line; log:\n{}",
        s.log()
    );
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    s.notify("exit", Value::Null);
    assert_eq!(s.finish().code(), Some(0));
}
