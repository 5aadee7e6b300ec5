//! Answers over real JSON-RPC against the built binary: repeated claims
//! (definition, references, code lenses, following unsaved edits) and figure
//! conflicts (diagnostics in every affected file, code actions, the
//! keep-as-is command, changes on disk). Fixtures are small folders written
//! for each test; two tests use the bundled sample corpus.
//!
//! Nothing here measures speed: every wait is for an answer or a published
//! event, bounded by the generous `support::TIMEOUT`.

mod support;

use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use support::{Server, Start, corpus, pos_of, range_of, sample_corpus, snapshot, text_in, uri};

const FIGURE: &str = "inconsistent-figure";

// ------------------------------------------------------------ fixtures

/// Two articles making the same three claims in other words: a quote in two
/// translations, a question about oil, and a narrated report of a quote.
/// Their last lines are unrelated.
const CLAIMS_A: &str = "\
Lukashenko: Belarus relies on Russian energy
Belarusian President Alexander Lukashenko spoke after talks with Vladimir Putin in Minsk.
\"Are we producing gas? No, we receive natural gas from fraternal Russia,\" Lukashenko said.
\"Are we producing 25 million tonnes of oil to provide our refineries? No. Who did we turn to? The Russian Federation,\" he added.
Putin added that the same applies to cooperation in space, where the two countries plan a joint satellite.
Farmers in the north expect a poor harvest this autumn.
";

const CLAIMS_B: &str = "\
Lukashenko explains cooperation with Russia
Alexander Lukashenko answered questions from journalists in Minsk.
\"Do we produce gas? No. We get natural gas from the fraternal Russia,\" he said.
\"Do we produce 25 million tonnes of oil that our refineries can process? No, we cannot. Who did we contact? The Russian Federation,\" Lukashenko continued.
\"It is the same for the space sphere, where we plan a joint satellite,\" Putin said.
Schools in the capital will reopen next week after repairs.
";

/// Lines of [`CLAIMS_A`] / [`CLAIMS_B`].
const GAS: u32 = 2;
const OIL: u32 = 3;
const SPACE: u32 = 4;
const UNRELATED: u32 = 5;

/// One paragraph with the oil figure, as two articles give it.
fn oil_article(title: &str, figure: &str) -> String {
    format!(
        "{title}\n\
         Belarusian President Alexander Lukashenko spoke after talks with Vladimir Putin in Minsk.\n\
         \"Are we producing gas? No, we receive natural gas from fraternal Russia. \
         Are we producing {figure} of oil to provide our refineries? No. \
         Who did we turn to? The Russian Federation,\" Lukashenko said.\n\
         The two leaders also discussed a joint space programme.\n"
    )
}

fn oil_article_b(figure: &str) -> String {
    format!(
        "Lukashenko explains cooperation with Russia\n\
         Alexander Lukashenko answered questions from journalists in Minsk.\n\
         \"Do we produce gas? No. We get natural gas from the fraternal Russia. \
         Do we produce {figure} of oil that our refineries can process? No, we cannot. \
         Who did we contact? The Russian Federation,\" he said.\n\
         Farmers in the south expect a good harvest this autumn.\n"
    )
}

/// a.txt says 25 million tonnes; b.txt says `b_figure`.
fn oil_corpus(b_figure: &str) -> (tempfile::TempDir, String, String) {
    let a = oil_article(
        "Lukashenko: Belarus relies on Russian energy",
        "25 million tonnes",
    );
    let b = oil_article_b(b_figure);
    let dir = corpus(&[("a.txt", &a), ("b.txt", &b)]);
    (dir, a, b)
}

// ------------------------------------------------------------ helpers

fn loc_uri(l: &Value) -> &str {
    l["uri"].as_str().expect("location uri")
}

/// The locations that point into `path`.
fn into<'a>(locs: &'a [Value], path: &Path) -> Vec<&'a Value> {
    let u = uri(path);
    locs.iter().filter(|l| loc_uri(l) == u).collect()
}

/// Wait until the latest diagnostics of `path` hold exactly `n`
/// inconsistent-figure warnings, and return them.
fn wait_conflicts(s: &Server, path: &Path, n: usize, what: &str) -> Vec<Value> {
    let u = uri(path);
    s.wait_for(what, |ib| {
        ib.diagnostics
            .get(&u)
            .is_some_and(|d| d.iter().filter(|d| d["code"] == FIGURE).count() == n)
    });
    s.diagnostics_with_code(path, FIGURE).unwrap()
}

/// Check one inconsistent-figure warning: where it is, what it says and
/// that its related information points at `other_figure` in `other`.
fn assert_conflict(
    d: &Value,
    text: &str,
    figure: &str,
    other: &Path,
    other_text: &str,
    other_figure: &str,
) {
    assert_eq!(d["code"], FIGURE, "{d}");
    assert_eq!(d["source"], "claimlens", "{d}");
    assert_eq!(d["severity"], 2, "a warning: {d}");
    assert_eq!(text_in(text, &d["range"]), figure, "{d}");
    let msg = d["message"].as_str().unwrap();
    let other_name = other.file_name().unwrap().to_str().unwrap();
    assert!(
        msg.contains(figure) && msg.contains(other_figure) && msg.contains(other_name),
        "message should name both values and the other article: {msg}"
    );
    let related = d["relatedInformation"]
        .as_array()
        .expect("relatedInformation");
    assert!(!related.is_empty(), "{d}");
    let r = related
        .iter()
        .find(|r| r["location"]["uri"] == uri(other))
        .unwrap_or_else(|| panic!("no related information into {}: {d}", other.display()));
    assert_eq!(
        text_in(other_text, &r["location"]["range"]),
        other_figure,
        "{d}"
    );
}

// ------------------------------------------------------------ repeated claims

#[test]
fn definition_and_references_link_repeated_statements_across_files() {
    let dir = corpus(&[("a.txt", CLAIMS_A), ("b.txt", CLAIMS_B)]);
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut s = Server::start(Start::new(dir.path()));

    // a quote in two translations: from either side to the other
    for (here, here_text, other, other_text, word) in [
        (&a, CLAIMS_A, &b, CLAIMS_B, "receive natural gas"),
        (&b, CLAIMS_B, &a, CLAIMS_A, "get natural gas"),
    ] {
        let at = pos_of(here_text, word, 1, 1);
        assert_eq!(at.0, GAS);
        let defs = s.definition(here, at);
        assert!(!defs.is_empty(), "no definition at {word}");
        assert!(
            into(&defs, here).is_empty(),
            "definition excludes the statement itself: {defs:?}"
        );
        let there = into(&defs, other);
        assert_eq!(there.len(), 1, "{defs:?}");
        let said = text_in(other_text, &there[0]["range"]);
        assert!(
            said.contains("natural gas") && there[0]["range"]["start"]["line"] == GAS,
            "{said:?}"
        );

        let refs = s.references(here, at);
        assert_eq!(into(&refs, other).len(), 1, "{refs:?}");
        let mine = into(&refs, here);
        assert_eq!(
            mine.len(),
            1,
            "references include the statement itself: {refs:?}"
        );
        assert!(text_in(here_text, &mine[0]["range"]).contains(word));
    }

    // a narrated report and the quote it reports
    let at = pos_of(CLAIMS_A, "cooperation in space", 1, 2);
    let defs = s.definition(&a, at);
    let there = into(&defs, &b);
    assert_eq!(there.len(), 1, "{defs:?}");
    assert_eq!(there[0]["range"]["start"]["line"], SPACE);
    assert!(text_in(CLAIMS_B, &there[0]["range"]).contains("space sphere"));

    // the oil question, answered with its own line in the other file
    let defs = s.definition(&b, pos_of(CLAIMS_B, "oil that", 1, 1));
    let there = into(&defs, &a);
    assert_eq!(there.len(), 1, "{defs:?}");
    assert_eq!(there[0]["range"]["start"]["line"], OIL);

    // unrelated statements answer nothing
    let at = pos_of(CLAIMS_A, "poor harvest", 1, 1);
    assert_eq!(at.0, UNRELATED);
    assert!(s.definition(&a, at).is_empty());
    assert!(into(&s.references(&a, at), &b).is_empty());
}

#[test]
fn definition_lists_the_other_articles_earliest_first() {
    // three articles, the same quote; no dates, so corpus (path) order
    let c = CLAIMS_A.replace("Lukashenko: Belarus relies", "Belarus still relies");
    let dir = corpus(&[("a.txt", CLAIMS_A), ("b.txt", CLAIMS_B), ("c.txt", &c)]);
    let (a, b, cp) = (
        dir.path().join("a.txt"),
        dir.path().join("b.txt"),
        dir.path().join("c.txt"),
    );
    let mut s = Server::start(Start::new(dir.path()));
    let defs = s.definition(&b, pos_of(CLAIMS_B, "get natural gas", 1, 1));
    let order: Vec<&str> = defs.iter().map(loc_uri).collect();
    assert_eq!(order, vec![uri(&a), uri(&cp)], "{defs:?}");
    let defs = s.definition(&cp, pos_of(&c, "receive natural gas", 1, 1));
    let order: Vec<&str> = defs.iter().map(loc_uri).collect();
    assert_eq!(order, vec![uri(&a), uri(&b)], "{defs:?}");
}

#[test]
fn code_lenses_mark_repeated_statements_and_their_command_shows_the_repeats() {
    let dir = corpus(&[("a.txt", CLAIMS_A), ("b.txt", CLAIMS_B)]);
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut s = Server::start(Start::new(dir.path()));

    let lenses = s.code_lenses(&a);
    let lines: Vec<u64> = lenses
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(
        lines,
        vec![GAS as u64, OIL as u64, SPACE as u64],
        "{lenses:?}"
    );
    for l in &lenses {
        let cmd = &l["command"];
        assert_eq!(cmd["command"], "claimlens.showRepeats", "{l}");
        assert_eq!(cmd["title"], "said in 1 other article", "{l}");
    }

    // the lens's command runs on the server: it answers the other
    // occurrences and asks the client to show the first
    let gas = lenses
        .iter()
        .find(|l| l["range"]["start"]["line"] == GAS)
        .unwrap();
    let r = s
        .request(
            "workspace/executeCommand",
            json!({"command": gas["command"]["command"],
                   "arguments": gas["command"]["arguments"]}),
        )
        .expect("showRepeats");
    let locs = r.as_array().expect("locations").clone();
    assert_eq!(locs.len(), 1, "{locs:?}");
    assert_eq!(loc_uri(&locs[0]), uri(&b));
    assert!(text_in(CLAIMS_B, &locs[0]["range"]).contains("natural gas"));
    s.wait_for("window/showDocument for the repeat", |ib| {
        ib.show_document
            .iter()
            .any(|d| d["uri"] == uri(&b) && d["selection"] == locs[0]["range"])
    });

    // the other side has its lenses too
    let lines: Vec<u64> = s
        .code_lenses(&b)
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![GAS as u64, OIL as u64, SPACE as u64]);
}

#[test]
fn an_unsaved_edit_that_breaks_a_repeat_drops_the_other_file() {
    let dir = corpus(&[("a.txt", CLAIMS_A), ("b.txt", CLAIMS_B)]);
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut s = Server::start(Start::new(dir.path()));
    let at = pos_of(CLAIMS_A, "receive natural gas", 1, 1);
    assert_eq!(
        into(&s.references(&a, at), &b).len(),
        1,
        "linked before the edit"
    );

    // b.txt's gas quote becomes something else, in the editor only
    s.open(&b, CLAIMS_B);
    let quote = "Do we produce gas? No. We get natural gas from the fraternal Russia,";
    s.change(
        &b,
        2,
        range_of(CLAIMS_B, quote, 1),
        "Our hockey team won the regional cup in a dramatic final on Sunday.",
    );
    let refs = s.eventually("references without b.txt", |s| {
        let refs = s.references(&a, at);
        into(&refs, &b).is_empty().then_some(refs)
    });
    // nothing repeats the gas quote now: no references, no definition,
    // and a.txt's lens for it is gone while the others stay
    assert!(refs.is_empty(), "{refs:?}");
    assert!(s.definition(&a, at).is_empty());
    let lines: Vec<u64> = s
        .code_lenses(&a)
        .iter()
        .map(|l| l["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, vec![OIL as u64, SPACE as u64]);
    // the other repeats still hold
    assert_eq!(
        into(&s.definition(&a, pos_of(CLAIMS_A, "oil to", 1, 1)), &b).len(),
        1
    );
    // the disk was not touched
    assert_eq!(std::fs::read_to_string(&b).unwrap(), CLAIMS_B);

    // closing the unsaved buffer goes back to what the disk says
    s.close(&b);
    s.eventually("references into b.txt again after closing", |s| {
        (into(&s.references(&a, at), &b).len() == 1).then_some(())
    });
}

/// Lenses and tokens are cached by the client; an edit in one document may
/// change them in others (here a lens appears over a.txt's gas quote once
/// b.txt's buffer repeats it), so the server asks for them again.
#[test]
fn an_edit_asks_the_client_to_re_request_lenses_and_tokens() {
    let b_disk = CLAIMS_B.replace(
        "\"Do we produce gas? No. We get natural gas from the fraternal Russia,\" he said.",
        "Our hockey team won the regional cup in a dramatic final on Sunday.",
    );
    let dir = corpus(&[("a.txt", CLAIMS_A), ("b.txt", &b_disk)]);
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut opts = Start::new(dir.path());
    opts.refresh = true;
    let mut s = Server::start(opts);
    assert!(
        !s.code_lenses(&a)
            .iter()
            .any(|l| l["range"]["start"]["line"] == GAS),
        "no repeat of the gas quote yet"
    );
    let count = |s: &Server, m: &str| {
        let ib = s.inbox.lock().unwrap();
        ib.requests.iter().filter(|r| r.as_str() == m).count()
    };
    let lens0 = count(&s, "workspace/codeLens/refresh");
    let tok0 = count(&s, "workspace/semanticTokens/refresh");
    s.open(&b, &b_disk);
    s.change(
        &b,
        2,
        json!({"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}),
        "\"Do we produce gas? No. We get natural gas from the fraternal Russia,\" he said.\n",
    );
    s.wait_for("a lens and a token refresh after the edit", |ib| {
        let n = |m: &str| ib.requests.iter().filter(|r| r.as_str() == m).count();
        n("workspace/codeLens/refresh") > lens0 && n("workspace/semanticTokens/refresh") > tok0
    });
    assert!(
        s.code_lenses(&a)
            .iter()
            .any(|l| l["range"]["start"]["line"] == GAS),
        "the re-requested lenses of a.txt show the new repeat"
    );
}

#[test]
fn an_unsaved_edit_that_creates_a_repeat_links_the_buffer_not_the_disk() {
    // b.txt does not say the gas quote (its line is about hockey)
    let b_disk = CLAIMS_B.replace(
        "\"Do we produce gas? No. We get natural gas from the fraternal Russia,\" he said.",
        "Our hockey team won the regional cup in a dramatic final on Sunday.",
    );
    assert_ne!(b_disk, CLAIMS_B);
    let dir = corpus(&[("a.txt", CLAIMS_A), ("b.txt", &b_disk)]);
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut s = Server::start(Start::new(dir.path()));
    let at = pos_of(CLAIMS_A, "receive natural gas", 1, 1);
    assert!(into(&s.references(&a, at), &b).is_empty(), "not linked yet");
    assert!(s.definition(&a, at).is_empty());

    // the editor inserts the quote as a new paragraph at the top of b.txt:
    // the buffer's line numbers differ from the disk's
    s.open(&b, &b_disk);
    let insert =
        "\"Do we produce gas? No. We get natural gas from the fraternal Russia,\" he said.\n";
    s.change(
        &b,
        2,
        json!({"start": {"line": 1, "character": 0}, "end": {"line": 1, "character": 0}}),
        insert,
    );
    let buffer = {
        let mut lines: Vec<&str> = b_disk.split_inclusive('\n').collect();
        lines.insert(1, insert);
        lines.concat()
    };
    let defs = s.eventually("a definition into the edited b.txt", |s| {
        let defs = s.definition(&a, at);
        (!into(&defs, &b).is_empty()).then_some(defs)
    });
    let there = into(&defs, &b);
    assert_eq!(there.len(), 1, "{defs:?}");
    assert_eq!(there[0]["range"]["start"]["line"], 1, "the buffer's line");
    assert!(text_in(&buffer, &there[0]["range"]).contains("get natural gas"));
    // references from the buffer's side, and a lens there
    let refs = s.references(&b, pos_of(&buffer, "get natural gas", 1, 1));
    assert_eq!(into(&refs, &a).len(), 1, "{refs:?}");
    assert!(
        s.code_lenses(&b)
            .iter()
            .any(|l| l["range"]["start"]["line"] == 1
                && l["command"]["title"] == "said in 1 other article"),
        "a lens over the new repeat"
    );
    assert!(
        s.code_lenses(&a)
            .iter()
            .any(|l| l["range"]["start"]["line"] == GAS)
    );
    assert_eq!(
        std::fs::read_to_string(&b).unwrap(),
        b_disk,
        "disk untouched"
    );
}

// ------------------------------------------------------------ entities

/// References to a person list every mention, by URI then position,
/// whatever order the documents arrived in: "a.txt" exists only in the
/// editor and arrives after "b.txt" and "c.txt" are indexed.
#[test]
fn entity_references_come_in_uri_then_position_order() {
    let b = "Alexander Lukashenko met the press. Later Lukashenko left.\n\
             Mr Lukashenko returned in the evening.\n";
    let c = "Belarusian leader Alexander Lukashenko spoke on Friday.\n";
    let a = "Lukashenko said nothing.\nAlexander Lukashenko then spoke twice.\n";
    let dir = corpus(&[("b.txt", b), ("c.txt", c)]);
    let (pa, pc) = (dir.path().join("a.txt"), dir.path().join("c.txt"));
    let mut s = Server::start(Start::new(dir.path()));
    s.open(&pa, a);
    let at = pos_of(c, "Lukashenko", 1, 1);
    let refs = s.eventually("references into the unsaved a.txt", |s| {
        let refs = s.references(&pc, at);
        (!into(&refs, &pa).is_empty()).then_some(refs)
    });
    let keys: Vec<(String, u64, u64)> = refs
        .iter()
        .map(|l| {
            (
                loc_uri(l).to_string(),
                l["range"]["start"]["line"].as_u64().unwrap(),
                l["range"]["start"]["character"].as_u64().unwrap(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "not in URI then position order");
    // every mention once: two in a.txt, three in b.txt, one in c.txt
    let count = |f: &str| keys.iter().filter(|k| k.0.ends_with(f)).count();
    assert_eq!(
        (count("/a.txt"), count("/b.txt"), count("/c.txt")),
        (2, 3, 1),
        "{keys:?}"
    );
}

// ------------------------------------------------------------ figure conflicts

#[test]
fn a_figure_conflict_across_files_is_a_warning_on_each_side() {
    let (dir, a_text, b_text) = oil_corpus("24 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let s = Server::start(Start::new(dir.path()));
    let da = wait_conflicts(&s, &a, 1, "a conflict in a.txt");
    let db = wait_conflicts(&s, &b, 1, "a conflict in b.txt");
    assert_conflict(
        &da[0],
        &a_text,
        "25 million tonnes",
        &b,
        &b_text,
        "24 million tonnes",
    );
    assert_conflict(
        &db[0],
        &b_text,
        "24 million tonnes",
        &a,
        &a_text,
        "25 million tonnes",
    );
}

#[test]
fn form_only_differences_raise_no_warning_but_a_real_difference_does() {
    let a_text = "\
Putin on the ceasefire proposal
Vladimir Putin spoke to reporters in the Kremlin after talks with Alexander Lukashenko.
Putin said the ceasefire would cover a front line of almost 2,000 kilometres.
He added that bilateral trade with Belarus grew by roughly six percent last year.
";
    let b_text = "\
Kremlin press statements
Vladimir Putin answered questions about a possible ceasefire.
Putin said the ceasefire would cover a front line of 2,000 km.
Bilateral trade with Belarus grew by 5.7 percent last year, Putin said.
";
    let dir = corpus(&[("a.txt", a_text), ("b.txt", b_text)]);
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let s = Server::start(Start::new(dir.path()));
    // every file is published by the end of indexing: none has a warning
    assert_eq!(s.diagnostics_with_code(&a, FIGURE), Some(vec![]));
    assert_eq!(s.diagnostics_with_code(&b, FIGURE), Some(vec![]));

    // the same texts do compare these figures: other values are flagged
    s.open(&b, b_text);
    s.change(&b, 2, range_of(b_text, "2,000 km", 1), "1,200 km");
    let b1 = b_text.replace("2,000 km", "1,200 km");
    let da = wait_conflicts(&s, &a, 1, "a length conflict in a.txt");
    assert_conflict(
        &da[0],
        a_text,
        "almost 2,000 kilometres",
        &b,
        &b1,
        "1,200 km",
    );
    s.change(&b, 3, range_of(&b1, "5.7 percent", 1), "9.1 percent");
    let b2 = b1.replace("5.7 percent", "9.1 percent");
    let db = wait_conflicts(&s, &b, 2, "two conflicts in b.txt");
    let pct = db
        .iter()
        .find(|d| text_in(&b2, &d["range"]) == "9.1 percent")
        .expect("a warning on 9.1 percent");
    assert_conflict(pct, &b2, "9.1 percent", &a, a_text, "roughly six percent");

    // and back to the form-only differences: silent again on both sides
    s.change(&b, 4, range_of(&b2, "1,200 km", 1), "2,000 km");
    let b3 = b2.replace("1,200 km", "2,000 km");
    s.change(&b, 5, range_of(&b3, "9.1 percent", 1), "5.7 percent");
    wait_conflicts(&s, &a, 0, "a.txt silent again");
    wait_conflicts(&s, &b, 0, "b.txt silent again");
}

#[test]
fn edits_that_create_and_resolve_a_conflict_update_both_files() {
    let (dir, a_text, b_text) = oil_corpus("25 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let s = Server::start(Start::new(dir.path()));
    assert_eq!(s.diagnostics_with_code(&a, FIGURE), Some(vec![]));
    assert_eq!(s.diagnostics_with_code(&b, FIGURE), Some(vec![]));

    // the user types 24 over 25 in b.txt (unsaved)
    s.open(&b, &b_text);
    let at = pos_of(&b_text, "25 million tonnes", 1, 0);
    s.change(
        &b,
        2,
        json!({"start": {"line": at.0, "character": at.1},
               "end": {"line": at.0, "character": at.1 + 2}}),
        "24",
    );
    let b_edited = b_text.replace("25 million tonnes", "24 million tonnes");
    let db = wait_conflicts(&s, &b, 1, "a conflict in the edited b.txt");
    assert_conflict(
        &db[0],
        &b_edited,
        "24 million tonnes",
        &a,
        &a_text,
        "25 million tonnes",
    );
    // the file not being edited is warned too, pointing at the buffer
    let da = wait_conflicts(&s, &a, 1, "a conflict in a.txt after editing b.txt");
    assert_conflict(
        &da[0],
        &a_text,
        "25 million tonnes",
        &b,
        &b_edited,
        "24 million tonnes",
    );
    // typing it back resolves the conflict in both files
    s.change(
        &b,
        3,
        json!({"start": {"line": at.0, "character": at.1},
               "end": {"line": at.0, "character": at.1 + 2}}),
        "25",
    );
    wait_conflicts(&s, &b, 0, "b.txt clear after the fix");
    wait_conflicts(&s, &a, 0, "a.txt clear after the fix in b.txt");
    assert_eq!(
        std::fs::read_to_string(&b).unwrap(),
        b_text,
        "disk untouched"
    );
}

#[test]
fn code_actions_offer_the_other_value_and_keeping_it() {
    let (dir, _, b_text) = oil_corpus("24 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut s = Server::start(Start::new(dir.path()));
    let db = wait_conflicts(&s, &b, 1, "a conflict in b.txt");
    wait_conflicts(&s, &a, 1, "a conflict in a.txt");
    let range = db[0]["range"].clone();
    let actions = s
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&b)}, "range": range,
                   "context": {"diagnostics": db}}),
        )
        .expect("codeAction");
    let actions = actions.as_array().expect("actions").clone();
    assert_eq!(actions.len(), 2, "{actions:?}");

    let use_other = actions
        .iter()
        .find(|a| !a["edit"].is_null())
        .expect("an action with an edit");
    assert_eq!(use_other["kind"], "quickfix");
    assert!(
        use_other["title"]
            .as_str()
            .unwrap()
            .contains("25 million tonnes"),
        "{use_other}"
    );
    assert_eq!(use_other["diagnostics"][0]["code"], FIGURE);
    let edits = use_other["edit"]["changes"][uri(&b)]
        .as_array()
        .expect("edits to b.txt")
        .clone();
    assert_eq!(
        use_other["edit"]["changes"].as_object().unwrap().len(),
        1,
        "only b.txt is edited"
    );
    assert_eq!(edits.len(), 1);
    assert_eq!(edits[0]["range"], range);
    assert_eq!(edits[0]["newText"], "25 million tonnes");

    let keep = actions
        .iter()
        .find(|a| !a["command"].is_null())
        .expect("a keep-as-is action");
    assert_eq!(keep["command"]["command"], "claimlens.keepFigure");
    assert_eq!(
        keep["command"]["arguments"],
        json!([uri(&b), "24 million tonnes"])
    );

    // no actions away from the figure
    let none = s
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&b)},
                   "range": range_of(&b_text, "Farmers", 1),
                   "context": {"diagnostics": []}}),
        )
        .expect("codeAction");
    assert_eq!(none, json!([]));

    // applying the edit (as the client would) resolves the conflict
    s.open(&b, &b_text);
    s.change(&b, 2, edits[0]["range"].clone(), "25 million tonnes");
    wait_conflicts(&s, &b, 0, "b.txt clear after the code action's edit");
    wait_conflicts(&s, &a, 0, "a.txt clear after the code action's edit");
}

#[test]
fn keep_figure_records_the_exception_in_claimlens_toml_and_nothing_else() {
    let (dir, a_text, b_text) = oil_corpus("24 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut s = Server::start(Start::new(dir.path()));
    wait_conflicts(&s, &a, 1, "a conflict in a.txt");
    let db = wait_conflicts(&s, &b, 1, "a conflict in b.txt");
    let before = snapshot(dir.path());

    let actions = s
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&b)}, "range": db[0]["range"],
                   "context": {"diagnostics": db}}),
        )
        .expect("codeAction");
    let keep = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["command"]["command"] == "claimlens.keepFigure")
        .expect("a keep-as-is action")["command"]
        .clone();
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": keep["command"], "arguments": keep["arguments"]}),
    );
    assert!(r.is_ok(), "{r:?}");

    // the exception is on disk, in the project file, and parses back
    let toml_path = dir.path().join("claimlens.toml");
    let written = std::fs::read_to_string(&toml_path).expect("claimlens.toml written");
    let parsed: toml::Value = toml::from_str(&written).expect("valid TOML");
    let kept = parsed["figures"]["keep"]
        .as_array()
        .expect("[[figures.keep]]");
    assert_eq!(kept.len(), 1, "{written}");
    assert_eq!(kept[0]["file"].as_str(), Some("b.txt"), "{written}");
    assert_eq!(
        kept[0]["text"].as_str(),
        Some("24 million tonnes"),
        "{written}"
    );

    // the kept figure's warning goes away, and so does the warning on the
    // other side: the disagreement was accepted
    wait_conflicts(&s, &b, 0, "b.txt silent once its figure is kept");
    wait_conflicts(
        &s,
        &a,
        0,
        "a.txt silent: it disagreed only with the kept figure",
    );

    // no other file was written, created or left behind
    let after = snapshot(dir.path());
    let mut expected = before.clone();
    expected.insert("claimlens.toml".into(), written.clone().into_bytes());
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    assert_eq!(after, expected);
    assert_eq!(std::fs::read_to_string(&a).unwrap(), a_text);
    assert_eq!(std::fs::read_to_string(&b).unwrap(), b_text);

    // keeping a second figure appends to the same file
    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "claimlens.keepFigure",
               "arguments": [uri(&a), "25 million tonnes"]}),
    );
    assert!(r.is_ok(), "{r:?}");
    wait_conflicts(&s, &a, 0, "a.txt silent once its figure is kept");
    let written = std::fs::read_to_string(&toml_path).unwrap();
    let parsed: toml::Value = toml::from_str(&written).expect("valid TOML");
    assert_eq!(parsed["figures"]["keep"].as_array().unwrap().len(), 2);
    assert_eq!(snapshot(dir.path()).len(), before.len() + 1);
}

#[test]
fn files_changed_and_deleted_on_disk_create_and_remove_conflicts() {
    // the server watches the folder itself (the client does not offer to)
    let (dir, _, agree) = oil_corpus("25 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let s = Server::start(Start::new(dir.path()));
    assert_eq!(s.diagnostics_with_code(&a, FIGURE), Some(vec![]));

    std::fs::write(&b, oil_article_b("24 million tonnes")).unwrap();
    wait_conflicts(&s, &a, 1, "a conflict in a.txt after b.txt changed on disk");
    wait_conflicts(&s, &b, 1, "a conflict in b.txt after it changed on disk");

    std::fs::write(&b, &agree).unwrap();
    wait_conflicts(&s, &a, 0, "a.txt clear after b.txt agrees again");
    wait_conflicts(&s, &b, 0, "b.txt clear after it agrees again");

    std::fs::write(&b, oil_article_b("24 million tonnes")).unwrap();
    wait_conflicts(&s, &a, 1, "a conflict in a.txt again");
    // a new file that disagrees too joins the conflict
    let c = dir.path().join("c.txt");
    std::fs::write(
        &c,
        oil_article(
            "Belarus still relies on Russian energy",
            "27 million tonnes",
        ),
    )
    .unwrap();
    let dc = wait_conflicts(&s, &c, 1, "a conflict in the new c.txt");
    let related: Vec<&str> = dc[0]["relatedInformation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["location"]["uri"].as_str().unwrap())
        .collect();
    assert!(related.contains(&uri(&a).as_str()) || related.contains(&uri(&b).as_str()));

    std::fs::remove_file(&b).unwrap();
    std::fs::remove_file(&c).unwrap();
    wait_conflicts(&s, &a, 0, "a.txt clear once the others are deleted");
    wait_conflicts(&s, &b, 0, "the deleted b.txt's diagnostics cleared");
    wait_conflicts(&s, &c, 0, "the deleted c.txt's diagnostics cleared");
}

#[test]
fn watched_file_events_from_the_client_create_and_remove_conflicts() {
    let (dir, _, _) = oil_corpus("25 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut opts = Start::new(dir.path());
    opts.client_watches = true;
    let s = Server::start(opts);
    assert_eq!(s.diagnostics_with_code(&a, FIGURE), Some(vec![]));

    std::fs::write(&b, oil_article_b("24 million tonnes")).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&b), "type": 2}]}),
    );
    wait_conflicts(&s, &a, 1, "a conflict in a.txt after the change event");
    wait_conflicts(&s, &b, 1, "a conflict in b.txt after the change event");

    std::fs::remove_file(&b).unwrap();
    s.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": uri(&b), "type": 3}]}),
    );
    wait_conflicts(&s, &a, 0, "a.txt clear after the delete event");
    wait_conflicts(
        &s,
        &b,
        0,
        "b.txt's diagnostics cleared after the delete event",
    );
}

#[test]
fn figures_of_articles_months_apart_are_compared_only_when_asked() {
    // event folders named by date, 80 days apart
    let a_text = oil_article("Lukashenko on energy", "25 million tonnes");
    let b_text = oil_article_b("24 million tonnes");
    let dir = corpus(&[
        ("2019-03-01-talks/a.txt", &a_text),
        ("2019-05-20-talks/b.txt", &b_text),
    ]);
    let a = dir.path().join("2019-03-01-talks/a.txt");
    let b = dir.path().join("2019-05-20-talks/b.txt");
    let s = Server::start(Start::new(dir.path()));
    assert_eq!(s.diagnostics_with_code(&a, FIGURE), Some(vec![]));
    assert_eq!(s.diagnostics_with_code(&b, FIGURE), Some(vec![]));

    // the project file widens the window to any dates
    let toml = dir.path().join("claimlens.toml");
    std::fs::write(&toml, "[figures]\nwithin_days = 0\n").unwrap();
    wait_conflicts(&s, &a, 1, "a conflict in a.txt once any dates compare");
    wait_conflicts(&s, &b, 1, "a conflict in b.txt once any dates compare");
    std::fs::write(&toml, "[figures]\nwithin_days = 60\n").unwrap();
    wait_conflicts(&s, &a, 0, "a.txt silent: 80 days apart, window 60");
    wait_conflicts(&s, &b, 0, "b.txt silent: 80 days apart, window 60");

    // a date in the text wins over the folder's: now 3 days apart
    let dated = b_text.replacen('\n', "\n\nMarch 4, 2019\n\n", 1);
    std::fs::write(&b, &dated).unwrap();
    wait_conflicts(&s, &a, 1, "a conflict in a.txt: b.txt is dated March 4");
    wait_conflicts(&s, &b, 1, "a conflict in b.txt: it is dated March 4");
}

// ------------------------------------------------------------ sample corpus

const OIL_01: &str = "01-belarus-cannot-do-without-russia.txt";
const OIL_02: &str = "02-lukashenko-explains-cooperation-with-russia.txt";

#[test]
fn sample_corpus_links_the_two_translations_of_the_gas_quote() {
    let dir = sample_corpus();
    let (p1, p2) = (dir.path().join(OIL_01), dir.path().join(OIL_02));
    let (t1, t2) = (
        std::fs::read_to_string(&p1).unwrap(),
        std::fs::read_to_string(&p2).unwrap(),
    );
    let mut s = Server::start(Start::new(dir.path()));
    let defs = s.definition(&p1, pos_of(&t1, "receive natural gas", 1, 1));
    let there = into(&defs, &p2);
    assert!(!there.is_empty(), "{defs:?}");
    assert!(
        there
            .iter()
            .any(|l| text_in(&t2, &l["range"]).contains("We get natural gas")),
        "{defs:?}"
    );
    // and the clean corpus has no figure conflict anywhere
    for (u, d) in s.inbox.lock().unwrap().diagnostics.iter() {
        assert!(d.iter().all(|d| d["code"] != FIGURE), "{u}: {d:?}");
    }
}

#[test]
fn sample_corpus_flags_an_edited_oil_figure_in_both_articles() {
    let dir = sample_corpus();
    let (p1, p2) = (dir.path().join(OIL_01), dir.path().join(OIL_02));
    let (t1, t2) = (
        std::fs::read_to_string(&p1).unwrap(),
        std::fs::read_to_string(&p2).unwrap(),
    );
    let s = Server::start(Start::new(dir.path()));
    assert_eq!(s.diagnostics_with_code(&p1, FIGURE), Some(vec![]));
    s.open(&p2, &t2);
    s.change(
        &p2,
        2,
        range_of(&t2, "25 million tonnes", 1),
        "24 million tonnes",
    );
    let edited = t2.replacen("25 million tonnes", "24 million tonnes", 1);
    let d1 = wait_conflicts(&s, &p1, 1, "a conflict in 01");
    assert_conflict(
        &d1[0],
        &t1,
        "25 million tonnes",
        &p2,
        &edited,
        "24 million tonnes",
    );
    let d2 = wait_conflicts(&s, &p2, 1, "a conflict in 02");
    assert_conflict(
        &d2[0],
        &edited,
        "24 million tonnes",
        &p1,
        &t1,
        "25 million tonnes",
    );
}

#[test]
fn closing_an_unsaved_buffer_brings_back_the_disk_figures_in_both_files() {
    let (dir, a_text, b_text) = oil_corpus("25 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let s = Server::start(Start::new(dir.path()));
    s.open(&b, &b_text);
    s.change(
        &b,
        2,
        range_of(&b_text, "25 million tonnes", 1),
        "24 million tonnes",
    );
    wait_conflicts(&s, &a, 1, "a conflict in a.txt from the unsaved buffer");
    wait_conflicts(&s, &b, 1, "a conflict in the unsaved b.txt");
    s.close(&b);
    wait_conflicts(&s, &a, 0, "a.txt clear once the buffer is closed unsaved");
    wait_conflicts(&s, &b, 0, "b.txt back to its disk text");
    let _ = a_text;
}

#[test]
fn positions_count_utf16_units_before_figures_and_files_with_spaces_can_be_kept() {
    // curly quotes, a euro sign and an astral character before the figure
    let a_text = "Lukashenko: Belarus relies on Russian energy 🛢\n\
         Belarusian President Alexander Lukashenko spoke after talks with Vladimir Putin in Minsk.\n\
         “Are we producing gas? No, we receive natural gas from fraternal Russia. \
         Are we producing 25 million tonnes of oil to provide our refineries? No. \
         Who did we turn to? The Russian Federation,” Lukashenko said. 🛢 €\n\
         The two leaders also discussed a joint space programme.\n";
    let b_text = "Lukashenko explains cooperation with Russia\n\
         Alexander Lukashenko answered questions from journalists in Minsk.\n\
         🛢 “Do we produce gas? No. We get natural gas from the fraternal Russia. \
         Do we produce 24 million tonnes of oil that our refineries can process? No, we cannot. \
         Who did we contact? The Russian Federation,” he said.\n\
         Farmers in the south expect a good harvest this autumn.\n";
    let dir = corpus(&[("news one/a é.txt", a_text), ("news two/b #1.txt", b_text)]);
    let a = dir.path().join("news one/a é.txt");
    let b = dir.path().join("news two/b #1.txt");
    let mut s = Server::start(Start::new(dir.path()));
    let da = wait_conflicts(&s, &a, 1, "a conflict in a");
    let db = wait_conflicts(&s, &b, 1, "a conflict in b");
    assert_conflict(
        &da[0],
        a_text,
        "25 million tonnes",
        &b,
        b_text,
        "24 million tonnes",
    );
    assert_conflict(
        &db[0],
        b_text,
        "24 million tonnes",
        &a,
        a_text,
        "25 million tonnes",
    );
    let defs = s.definition(&b, pos_of(b_text, "get natural gas", 1, 1));
    let there = into(&defs, &a);
    assert_eq!(there.len(), 1, "{defs:?}");
    assert!(text_in(a_text, &there[0]["range"]).contains("receive natural gas"));

    let r = s.request(
        "workspace/executeCommand",
        json!({"command": "claimlens.keepFigure", "arguments": [uri(&b), "24 million tonnes"]}),
    );
    assert!(r.is_ok(), "{r:?}");
    wait_conflicts(&s, &b, 0, "b silent once its figure is kept");
    let written = std::fs::read_to_string(dir.path().join("claimlens.toml")).unwrap();
    let parsed: toml::Value = toml::from_str(&written).unwrap();
    assert_eq!(
        parsed["figures"]["keep"][0]["file"].as_str(),
        Some("news two/b #1.txt")
    );
}

#[test]
fn a_file_renamed_on_disk_keeps_the_conflict_under_its_new_name() {
    let (dir, _, _) = oil_corpus("24 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let s = Server::start(Start::new(dir.path()));
    wait_conflicts(&s, &a, 1, "a conflict in a.txt");
    let c = dir.path().join("c.txt");
    std::fs::rename(&b, &c).unwrap();
    wait_conflicts(&s, &b, 0, "the old name's diagnostics cleared");
    let dc = wait_conflicts(&s, &c, 1, "the conflict under the new name");
    assert_eq!(
        dc[0]["relatedInformation"][0]["location"]["uri"],
        uri(&a),
        "{dc:?}"
    );
    s.wait_for("a.txt's warning pointing at c.txt", |ib| {
        ib.diagnostics.get(&uri(&a)).is_some_and(|d| {
            d.len() == 1 && d[0]["relatedInformation"][0]["location"]["uri"] == uri(&c)
        })
    });
}

#[test]
fn a_burst_of_keystrokes_ends_with_the_final_texts_diagnostics_and_version() {
    let (dir, a_text, b_text) = oil_corpus("25 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let s = Server::start(Start::new(dir.path()));
    s.open(&b, &b_text);
    // delete "25" one character at a time, then type "2", "4": one
    // didChange per keystroke, sent without waiting
    let (line, col) = pos_of(&b_text, "25 million tonnes", 1, 0);
    let at = |c: u32| json!({"line": line, "character": c});
    let keys = [
        (json!({"start": at(col + 1), "end": at(col + 2)}), ""),
        (json!({"start": at(col), "end": at(col + 1)}), ""),
        (json!({"start": at(col), "end": at(col)}), "2"),
        (json!({"start": at(col + 1), "end": at(col + 1)}), "4"),
    ];
    for (i, (range, text)) in keys.into_iter().enumerate() {
        s.change(&b, 2 + i as i32, range, text);
    }
    let last_version = 5;
    let edited = b_text.replace("25 million tonnes", "24 million tonnes");
    // intermediate texts may be published too: wait for the final one
    let (ub, ua) = (uri(&b), uri(&a));
    s.wait_for("b.txt's diagnostics for the final text", |ib| {
        ib.versions.get(&ub) == Some(&Some(last_version))
            && ib.diagnostics[&ub].iter().any(|d| {
                d["code"] == FIGURE && text_in(&edited, &d["range"]) == "24 million tonnes"
            })
    });
    s.wait_for("a.txt's warning about the final text", |ib| {
        ib.diagnostics.get(&ua).is_some_and(|d| {
            d.iter().any(|d| {
                d["code"] == FIGURE && d["message"].as_str().unwrap().contains("24 million")
            })
        })
    });
    let db = s.diagnostics_with_code(&b, FIGURE).unwrap();
    assert_eq!(db.len(), 1, "{db:?}");
    assert_conflict(
        &db[0],
        &edited,
        "24 million tonnes",
        &a,
        &a_text,
        "25 million tonnes",
    );
    let da = s.diagnostics_with_code(&a, FIGURE).unwrap();
    assert_eq!(da.len(), 1, "{da:?}");
    assert_conflict(
        &da[0],
        &a_text,
        "25 million tonnes",
        &b,
        &edited,
        "24 million tonnes",
    );
    let ib = s.inbox.lock().unwrap();
    assert_eq!(ib.versions[&uri(&b)], Some(last_version), "b.txt is open");
    assert_eq!(ib.versions[&uri(&a)], None, "a.txt is not open");
}

#[test]
fn with_utf8_positions_the_code_action_edit_counts_bytes() {
    let a_text = oil_article("Lukashenko: Belarus’s energy", "25 million tonnes").replace('"', "“");
    let b_text = oil_article_b("24 million tonnes").replace("\"Do", "“Do");
    let dir = corpus(&[("a.txt", &a_text), ("b.txt", &b_text)]);
    let b = dir.path().join("b.txt");
    let mut opts = Start::new(dir.path());
    opts.encodings = vec!["utf-8", "utf-16"];
    let mut s = Server::start(opts);
    let db = wait_conflicts(&s, &b, 1, "a conflict in b.txt");
    let at = b_text.find("24 million tonnes").unwrap();
    let line_start = b_text[..at].rfind('\n').map(|i| i + 1).unwrap();
    let line = b_text[..at].matches('\n').count();
    let byte_col = at - line_start;
    assert_ne!(
        byte_col,
        b_text[line_start..at].encode_utf16().count(),
        "the line has multi-byte characters before the figure"
    );
    let want = json!({"start": {"line": line, "character": byte_col},
                      "end": {"line": line, "character": byte_col + "24 million tonnes".len()}});
    assert_eq!(db[0]["range"], want);
    let actions = s
        .request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri(&b)}, "range": want,
                   "context": {"diagnostics": db}}),
        )
        .expect("codeAction");
    let edit = actions
        .as_array()
        .unwrap()
        .iter()
        .find(|a| !a["edit"].is_null())
        .expect("an edit")["edit"]["changes"][uri(&b)][0]
        .clone();
    assert_eq!(edit["range"], want);
    assert_eq!(edit["newText"], "25 million tonnes");
}

/// The same rule in the core, with a third article: a kept figure silences
/// the disagreements with it, not those with other figures.
#[test]
fn a_kept_figure_is_no_longer_cited_but_other_disagreements_remain() {
    use claimlens::analysis::config::{Config, KeptFigure};
    use claimlens::analysis::corpus::Corpus;
    use std::path::PathBuf;
    use std::sync::Arc;

    let a = oil_article(
        "Lukashenko: Belarus relies on Russian energy",
        "25 million tonnes",
    );
    let files = |c: &str| {
        vec![
            (PathBuf::from("/news/a.txt"), Arc::<str>::from(a.as_str())),
            (
                PathBuf::from("/news/b.txt"),
                Arc::<str>::from(oil_article_b("24 million tonnes").as_str()),
            ),
            (
                PathBuf::from("/news/c.txt"),
                Arc::<str>::from(oil_article_b(c).as_str()),
            ),
        ]
    };
    let kept = Config {
        kept_figures: vec![KeptFigure {
            file: "b.txt".into(),
            text: "24 million tonnes".into(),
        }],
        ..Config::default()
    };
    let related_files = |corpus: &Corpus, name: &str| -> Vec<Vec<String>> {
        let id = corpus.doc_id(Path::new(&format!("/news/{name}"))).unwrap();
        corpus
            .findings(id)
            .iter()
            .map(|f| {
                f.related
                    .iter()
                    .map(|(d, _, _)| corpus.doc(*d).unwrap().path.display().to_string())
                    .collect()
            })
            .collect()
    };

    // c agrees with a: only b disagreed, and b is kept: all silent
    let c = Corpus::build(kept.clone(), files("25 million tonnes"));
    for name in ["a.txt", "b.txt", "c.txt"] {
        assert!(related_files(&c, name).is_empty(), "{name}");
    }
    // without the exception, all three files are flagged
    let c = Corpus::build(Config::default(), files("25 million tonnes"));
    for name in ["a.txt", "b.txt", "c.txt"] {
        assert_eq!(related_files(&c, name).len(), 1, "{name}");
    }
    // c gives a third value: a and c still disagree, and neither cites b
    let c = Corpus::build(kept, files("23 million tonnes"));
    assert_eq!(
        related_files(&c, "a.txt"),
        vec![vec!["/news/c.txt".to_string()]]
    );
    assert_eq!(
        related_files(&c, "c.txt"),
        vec![vec!["/news/a.txt".to_string()]]
    );
    assert!(related_files(&c, "b.txt").is_empty());
}

/// Open `a` (a.txt of [`oil_corpus`]) and type two lines above its
/// figure, which b.txt's warning points at.
fn type_two_lines_above_the_figure(s: &Server, a: &Path, a_text: &str) {
    s.open(a, a_text);
    s.change(
        a,
        2,
        json!({"start": {"line": 1, "character": 0},
               "end": {"line": 1, "character": 0}}),
        "Update: talks resumed on Monday.\nMinsk is preparing.\n",
    );
}

#[test]
fn typing_above_a_flagged_figure_moves_the_other_articles_pointer_to_it() {
    // b.txt's warning points at a.txt's figure; lines typed above that
    // figure move it, and b.txt's pointer follows (the figure itself did not
    // change, so nothing else about the conflict did)
    let (dir, a_text, _) = oil_corpus("24 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let s = Server::start(Start::new(dir.path()));
    let pointer = |s: &Server| -> Value {
        let d = s.diagnostics_with_code(&b, FIGURE).unwrap();
        d[0]["relatedInformation"][0]["location"]["range"]["start"].clone()
    };
    wait_conflicts(&s, &b, 1, "b.txt flags its figure");
    let at = pos_of(&a_text, "25 million tonnes", 1, 0);
    assert_eq!(pointer(&s), json!({"line": at.0, "character": at.1}));
    type_two_lines_above_the_figure(&s, &a, &a_text);
    s.wait_for("b.txt's pointer two lines further down", |ib| {
        ib.diagnostics.get(&uri(&b)).is_some_and(|d| {
            d.first().is_some_and(|d| {
                d["relatedInformation"][0]["location"]["range"]["start"]
                    == json!({"line": at.0 + 2, "character": at.1})
            })
        })
    });
    assert_eq!(
        wait_conflicts(&s, &a, 1, "a.txt still flags its figure").len(),
        1
    );
}

#[test]
fn after_shutdown_no_more_diagnostics_are_published() {
    // an edit that moves a flagged figure queues the other article's
    // diagnostics until typing pauses; a client that asks to shut down in
    // that pause gets nothing more (it may have stopped reading)
    let (dir, a_text, _) = oil_corpus("24 million tonnes");
    let (a, b) = (dir.path().join("a.txt"), dir.path().join("b.txt"));
    let mut s = Server::start(Start::new(dir.path()));
    wait_conflicts(&s, &b, 1, "b.txt flags its figure");
    type_two_lines_above_the_figure(&s, &a, &a_text);
    assert_eq!(s.request("shutdown", Value::Null), Ok(Value::Null));
    let before = s.inbox.lock().unwrap().published.len();
    // well past the pause the other article's diagnostics wait for
    std::thread::sleep(Duration::from_millis(1500));
    let late: Vec<String> = s.inbox.lock().unwrap().published[before..]
        .iter()
        .map(|(u, _)| u.clone())
        .collect();
    assert!(
        !late.contains(&uri(&b)),
        "published after shutdown: {late:?}"
    );
    s.notify("exit", Value::Null);
    assert_eq!(s.finish().code(), Some(0));
}
