//! Recognition and resolution on texts written for these tests.

use std::sync::Arc;

use super::*;
use crate::analysis::{sentences, tokens};

fn doc(text: &str, config: &EntityConfig) -> DocEntities {
    let mut toks = tokens::tokenize(text);
    let sents = sentences::split(text, &mut toks);
    recognize(text, &toks, &sents, config)
}

/// (mention text, kind) of one document resolved on its own.
fn found(text: &str) -> Vec<(String, EntityKind)> {
    let mut idx = EntityIndex::new(EntityConfig::default());
    idx.update(0, Arc::new(doc(text, &EntityConfig::default())));
    idx.doc_mentions(0)
        .into_iter()
        .map(|(s, _, k)| (s.of(text).to_string(), k))
        .collect()
}

fn has(v: &[(String, EntityKind)], name: &str, kind: EntityKind) -> bool {
    v.iter().any(|(n, k)| n == name && *k == kind)
}

fn names(v: &[(String, EntityKind)]) -> Vec<&str> {
    v.iter().map(|(n, _)| n.as_str()).collect()
}

use EntityKind::{Organization as Org, Person, Place};

#[test]
fn people_with_titles_and_initials() {
    let t = "Former President Donald J. Trump met Russian President Vladimir Putin in Helsinki. \
             Mr. Trump said the talks went well.";
    let f = found(t);
    assert!(has(&f, "Donald J. Trump", Person), "{f:?}");
    assert!(has(&f, "Vladimir Putin", Person), "{f:?}");
    assert!(has(&f, "Trump", Person), "{f:?}");
    assert!(has(&f, "Helsinki", Place), "{f:?}");
    // titles and honorifics stay outside the span
    assert!(
        !names(&f)
            .iter()
            .any(|n| n.contains("President") || n.contains("Mr"))
    );
}

#[test]
fn places_and_media() {
    let f = found(
        "The blast in Beirut was reported by Reuters and Fox News. \
         Later, a columnist wrote in The New York Times that it was avoidable.",
    );
    assert!(has(&f, "Beirut", Place), "{f:?}");
    assert!(has(&f, "Reuters", Org), "{f:?}");
    assert!(has(&f, "Fox News", Org), "{f:?}");
    assert!(has(&f, "The New York Times", Org), "{f:?}");
    assert!(!has(&f, "New York", Place), "{f:?}");
}

#[test]
fn acronym_with_expansion() {
    let t = "The Department of Homeland Security (DHS) issued a warning. \
             A DHS spokesman declined to comment.";
    let d = doc(t, &EntityConfig::default());
    let f = found(t);
    assert!(has(&f, "Department of Homeland Security", Org), "{f:?}");
    assert!(has(&f, "DHS", Org), "{f:?}");
    let l: Vec<u32> = d.mentions.iter().map(|m| m.local).collect();
    assert_eq!(l.len(), 3, "{:?}", d.mentions);
    assert!(l.iter().all(|&x| x == l[0]), "one referent: {:?}", d.locals);
    assert_eq!(
        &*d.locals[l[0] as usize].name,
        "Department of Homeland Security"
    );
}

#[test]
fn senator_with_party_and_state() {
    let t = "\"It is simple,\" Sen. Chuck Schumer, D-N.Y., said on the floor.";
    let f = found(t);
    assert!(has(&f, "Chuck Schumer", Person), "{f:?}");
    let d = doc(t, &EntityConfig::default());
    let p = d
        .locals
        .iter()
        .find(|l| &*l.name == "Chuck Schumer")
        .unwrap();
    assert!(
        p.roles.iter().any(|r| r.starts_with("Sen")),
        "{:?}",
        p.roles
    );
}

#[test]
fn transcript_speaker_and_byline_roles() {
    let t = "Anna Pyzh: Good evening.\nI am Anna Pyzh of ONT TV Channel.\n\
             Natalya Breus, The First News Channel, Belarus.\n";
    let f = found(t);
    assert_eq!(
        f.iter()
            .filter(|(n, k)| n == "Anna Pyzh" && *k == Person)
            .count(),
        2,
        "{f:?}"
    );
    assert!(has(&f, "ONT TV Channel", Org), "{f:?}");
    assert!(has(&f, "The First News Channel", Org), "{f:?}");
    assert!(!names(&f).contains(&"Good"), "{f:?}");
    let d = doc(t, &EntityConfig::default());
    let pyzh = d.locals.iter().find(|l| &*l.name == "Anna Pyzh").unwrap();
    assert!(pyzh.roles.contains(&"ONT TV Channel".into()), "{pyzh:?}");
    let breus = d
        .locals
        .iter()
        .find(|l| &*l.name == "Natalya Breus")
        .unwrap();
    assert!(
        breus.roles.contains(&"The First News Channel".into()),
        "{breus:?}"
    );
}

#[test]
fn roles_before_and_in_brackets() {
    let t = "Russian Minister of Foreign Affairs Sergey Lavrov spoke first. \
             Boris Gryzlov [Ambassador of the Russian Federation to the Republic of Belarus] is present here. \
             Belarusian President Alexander Lukashenko agreed.";
    let d = doc(t, &EntityConfig::default());
    let role = |n: &str| -> Vec<String> {
        d.locals
            .iter()
            .find(|l| &*l.name == n)
            .map(|l| l.roles.iter().map(|r| r.to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        role("Sergey Lavrov"),
        vec!["Russian Minister of Foreign Affairs"]
    );
    assert_eq!(
        role("Boris Gryzlov"),
        vec!["Ambassador of the Russian Federation to the Republic of Belarus"]
    );
    assert_eq!(role("Alexander Lukashenko"), vec!["Belarusian President"]);
}

#[test]
fn sentence_start_words_are_not_names() {
    let f = found(
        "Following talks, the sides agreed.\nRead more: nothing here.\n\
         Expressing hope, she left. Cooperation is growing.",
    );
    assert!(f.is_empty(), "{f:?}");
}

#[test]
fn clintons_stay_apart() {
    let t = "Hillary Clinton released her tax returns. Former President Bill Clinton \
             earned millions. Mrs. Clinton spoke on Friday. Mr. Clinton did not.";
    let d = doc(t, &EntityConfig::default());
    let local_of = |text: &str, nth: usize| {
        let at = t.match_indices(text).nth(nth).unwrap().0;
        d.mentions
            .iter()
            .find(|m| m.span.start as usize == at)
            .map(|m| m.local)
            .unwrap()
    };
    let hillary = local_of("Hillary Clinton", 0);
    let bill = local_of("Bill Clinton", 0);
    assert_ne!(hillary, bill);
    // "Mrs. Clinton" is Hillary, "Mr. Clinton" is Bill
    let at_mrs = t.find("Mrs. Clinton").unwrap() + 5;
    let at_mr = t.find("Mr. Clinton").unwrap() + 4;
    let m = |at: usize| {
        d.mentions
            .iter()
            .find(|m| m.span.start as usize == at)
            .unwrap()
            .local
    };
    assert_eq!(m(at_mrs), hillary);
    assert_eq!(m(at_mr), bill);
}

#[test]
fn corpus_merges_aliases_but_not_namesakes() {
    let docs = [
        "Belarusian President Alexander Lukashenko met Sergey Lavrov. Lukashenko smiled.",
        "Aleksandr Lukashenko spoke to Sergei Lavrov in Minsk.",
        "Mr Lukashnko said nothing. Vladimir Vladimirovich agreed with Vladimir Putin.",
        "Hillary Clinton campaigned. Bill Clinton watched.",
        "Clinton said she would win. Hillary Clinton smiled again and Hillary Clinton left.",
        "The Collective Security Treaty Organisation met. The CSTO agreed.",
        "Leaders of the Collective Security Treaty Organization met in Moscow.",
    ];
    let mut idx = EntityIndex::new(EntityConfig::default());
    for (i, t) in docs.iter().enumerate() {
        idx.update(i as DocId, Arc::new(doc(t, &EntityConfig::default())));
    }
    let id_at = |d: usize, text: &str| {
        let at = docs[d].find(text).unwrap();
        idx.mention_at(d as DocId, at + 1)
            .unwrap_or_else(|| panic!("no mention at {text:?}"))
            .1
    };
    let luk = id_at(0, "Alexander Lukashenko");
    assert_eq!(id_at(0, "Lukashenko smiled"), luk);
    assert_eq!(id_at(1, "Aleksandr Lukashenko"), luk);
    assert_eq!(id_at(2, "Lukashnko"), luk);
    assert_eq!(id_at(0, "Sergey Lavrov"), id_at(1, "Sergei Lavrov"));
    assert_eq!(
        id_at(2, "Vladimir Vladimirovich"),
        id_at(2, "Vladimir Putin")
    );
    assert_ne!(id_at(3, "Hillary"), id_at(3, "Bill"));
    // a bare surname goes to the dominant person of that surname
    assert_eq!(id_at(4, "Clinton said"), id_at(3, "Hillary"));
    let csto = id_at(5, "Collective");
    assert_eq!(id_at(5, "CSTO"), csto);
    assert_eq!(id_at(6, "Collective"), csto);
    let info = idx.entity(luk).unwrap();
    assert_eq!(info.kind, Some(Person));
    assert!(info.canonical.ends_with("Lukashenko"), "{info:?}");
    assert!(info.canonical.split(' ').count() == 2, "{info:?}");
    assert!(info.roles.contains(&"Belarusian President".to_string()));
    assert_eq!(info.mentions.len(), 4);
    // search by any alias, fuzzy
    assert_eq!(idx.search("lukashnko", 5).first(), Some(&luk));
    assert_eq!(idx.search("CSTO", 5).first(), Some(&csto));
    assert!(idx.search("Lavrv", 5).contains(&id_at(1, "Sergei Lavrov")));
}

#[test]
fn incremental_update_and_cache() {
    let a = "Zelensky spoke again.";
    let b = "Ukrainian President Vladimir Zelensky visited Kyiv.";
    let mut idx = EntityIndex::new(EntityConfig::default());
    idx.update(0, Arc::new(doc(a, &EntityConfig::default())));
    // an untyped single word is not reported on its own
    assert!(idx.doc_mentions(0).is_empty(), "{:?}", idx.doc_mentions(0));
    idx.update(1, Arc::new(doc(b, &EntityConfig::default())));
    // the corpus now knows Zelensky as a person: document 0 changes
    let m = idx.doc_mentions(0);
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].2, Person);
    assert_eq!(
        Some(m[0].1),
        idx.mention_at(1, b.find("Vladimir").unwrap()).map(|x| x.1)
    );
    // cached answer is the same
    assert_eq!(idx.doc_mentions(0), m);
    // an unrelated document affects no other document's answers
    let c = "Nothing of note happened in Oslo.";
    assert!(
        idx.update_affected(2, Arc::new(doc(c, &EntityConfig::default())))
            .is_empty()
    );
    // removing the Zelensky article changes document 0
    assert_eq!(idx.remove_affected(1), vec![0]);
    assert!(idx.doc_mentions(0).is_empty());
    // and bringing it back changes document 0 again
    assert_eq!(
        idx.update_affected(1, Arc::new(doc(b, &EntityConfig::default()))),
        vec![0]
    );
    assert_eq!(idx.doc_mentions(0).len(), 1);
    idx.remove(1);
    assert!(idx.doc_mentions(0).is_empty());
    assert!(idx.doc_mentions(1).is_empty());
}

#[test]
fn declared_entities_outrank_inference() {
    let config = EntityConfig {
        entities: vec![
            DeclaredEntity {
                name: "Alexander Lukashenko".into(),
                kind: Some(Person),
                aliases: vec!["Batka".into(), "Lukashenka".into()],
                description: Some("President of Belarus".into()),
            },
            DeclaredEntity {
                name: "Belarusian Telegraph Agency".into(),
                kind: Some(Org),
                aliases: vec!["belta".into()],
                description: None,
            },
        ],
        exclude: vec!["Full Article".into(), "Minsk".into()],
    };
    let t = "Batka spoke in Minsk, belta reported. Aleksandr Lukashenko agreed. \
             Lukashenka left.\nFull Article";
    let mut idx = EntityIndex::new(config.clone());
    idx.update(0, Arc::new(doc(t, &config)));
    let ms = idx.doc_mentions(0);
    let texts: Vec<&str> = ms.iter().map(|(s, _, _)| s.of(t)).collect();
    assert!(texts.contains(&"Batka"), "{texts:?}");
    assert!(texts.contains(&"belta"), "{texts:?}");
    assert!(!texts.contains(&"Minsk"), "{texts:?}");
    assert!(!texts.iter().any(|x| x.contains("Full")), "{texts:?}");
    let id = ms.iter().find(|m| m.0.of(t) == "Batka").unwrap().1;
    let luk: Vec<&str> = ms.iter().filter(|m| m.1 == id).map(|m| m.0.of(t)).collect();
    assert_eq!(luk, vec!["Batka", "Aleksandr Lukashenko", "Lukashenka"]);
    let info = idx.entity(id).unwrap();
    assert_eq!(info.canonical, "Alexander Lukashenko");
    assert_eq!(info.description.as_deref(), Some("President of Belarus"));
    let belta = ms.iter().find(|m| m.0.of(t) == "belta").unwrap();
    assert_eq!(belta.2, Org);
}

#[test]
fn never_panics_on_odd_text() {
    let samples = [
        "",
        " ",
        "A",
        "Mr.",
        "Mr",
        "(",
        "J.",
        "U.S.",
        "al-",
        "The",
        "\u{301}Ё ё Łódź-Ąę Ω",
        "Президент Лукашенко сказал",
        "Dr. 😀 Smith (ACME) [",
        "A B C D E F G H I J K L M N O P",
        "of of of the and",
        "Mr President: \n\n: Mr",
        "Ministry of\nForeign Affairs",
        "X-\u{200d}Y Z’s",
    ];
    for s in samples {
        let _ = found(s);
    }
    // every prefix of a real-looking text
    let t = "Sen. Chuck Schumer, D-N.Y., met Ms. Łukasz Nowak (PO) and the CSTO’s chief.";
    for (i, _) in t.char_indices() {
        let _ = found(&t[..i]);
    }
}

/// CPU time of this thread (wall time lies on a shared machine).
fn cpu_seconds() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map(|ns| ns / 1e9)
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_secs_f64())
                .unwrap_or(0.0)
        })
}

/// Throughput of recognition alone and of the whole per-document pipeline,
/// over the sample articles repeated as separate documents, and on one
/// large document (no quadratic paths):
/// `cargo test --release --lib entities::tests::throughput -- --ignored --nocapture`
#[test]
#[ignore]
fn throughput() {
    let dirs = ["/work/shared/corpus/seeds", "../shared/corpus/seeds"];
    let Some(dir) = dirs.iter().find(|d| std::path::Path::new(d).is_dir()) else {
        return;
    };
    let mut texts = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        texts.push(std::fs::read_to_string(e.path()).unwrap_or_default());
    }
    let total: usize = texts.iter().map(String::len).sum();
    let rounds = (8_000_000 / total.max(1)).max(1);
    let prepared: Vec<_> = texts
        .iter()
        .map(|t| {
            let mut toks = tokens::tokenize(t);
            let sents = sentences::split(t, &mut toks);
            (t.as_str(), toks, sents)
        })
        .collect();
    let cfg = EntityConfig::default();
    let t0 = cpu_seconds();
    let mut n = 0;
    for _ in 0..rounds {
        for (t, toks, sents) in &prepared {
            n += recognize(t, toks, sents, &cfg).mentions.len();
        }
    }
    let dt = cpu_seconds() - t0;
    let config = crate::analysis::config::Config::default();
    let t1 = cpu_seconds();
    for _ in 0..rounds {
        for t in &texts {
            let _ = crate::analysis::analyze(t, &config);
        }
    }
    let dt_all = cpu_seconds() - t1;
    let mb = (total * rounds) as f64 / 1e6;
    let t3 = cpu_seconds();
    for _ in 0..rounds {
        for t in &texts {
            let mut toks = tokens::tokenize(t);
            let _ = sentences::split(t, &mut toks);
        }
    }
    println!("tokenize + split: {:.1} MB/s", mb / (cpu_seconds() - t3));
    println!(
        "recognize: {:.1} MB/s ({n} mentions); whole analyze: {:.1} MB/s",
        mb / dt,
        mb / dt_all
    );
    // one large document
    let big = texts.concat().repeat(20);
    let mut toks = tokens::tokenize(&big);
    let sents = sentences::split(&big, &mut toks);
    let t2 = cpu_seconds();
    let d = recognize(&big, &toks, &sents, &cfg);
    println!(
        "one {:.1} MB document: {:.1} MB/s ({} mentions)",
        big.len() as f64 / 1e6,
        big.len() as f64 / 1e6 / (cpu_seconds() - t2),
        d.mentions.len()
    );
}

#[test]
fn never_panics_on_random_text() {
    // a small deterministic generator over words and characters that
    // exercise the recognizer's edges (dots, hyphens, brackets, quotes,
    // capitals, non-Latin letters, combining marks, line breaks)
    let pieces = [
        "Mr",
        "Mrs.",
        "Dr.",
        "Sen.",
        "President",
        "of",
        "the",
        "The",
        "and",
        "de",
        "al",
        "-",
        ".",
        ",",
        ":",
        "(",
        ")",
        "[",
        "]",
        "\"",
        "“",
        "”",
        "’s",
        "'s",
        "\n",
        "\n\n",
        " ",
        "U.S.",
        "J.",
        "CSTO",
        "BelTA",
        "Ministry",
        "Region",
        "War",
        "Putin",
        "Lukashenko",
        "Vladimirovich",
        "Anna",
        "Łódź",
        "Лукашенко",
        "e\u{301}",
        "😀",
        "&",
        "St",
        "Bill",
        "Clinton",
        "Union",
        "State",
        "Republic",
        "Russian",
        "Federation",
        "Ivan",
        "Petrov",
        "said",
        "in",
        "a",
        "9/11",
        "2,000",
        "Gomel",
        "Oblast",
        "on",
        "Wednesday",
        "ONT",
        "TV",
        "Channel",
        "—",
        "•",
        "O'Brien",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut idx = EntityIndex::new(EntityConfig {
        entities: vec![DeclaredEntity {
            name: "Union State".into(),
            kind: None,
            aliases: vec!["US".into(), "the".into()],
            description: None,
        }],
        exclude: vec!["Gomel".into()],
    });
    for round in 0..400 {
        let n = (next() % 60) as usize;
        let mut t = String::new();
        for _ in 0..n {
            let p = pieces[(next() % pieces.len() as u64) as usize];
            t.push_str(p);
            if next() % 3 != 0 {
                t.push(' ');
            }
        }
        let cfg = idx.config().clone();
        let d = doc(&t, &cfg);
        for w in d.mentions.windows(2) {
            assert!(w[0].span.end <= w[1].span.start, "overlap in {t:?}");
        }
        for m in &d.mentions {
            assert!(t.get(m.span.range()).is_some(), "bad span in {t:?}");
            assert!((m.local as usize) < d.locals.len());
        }
        let id = (round % 7) as DocId;
        idx.update(id, Arc::new(d));
        for (_, e, _) in idx.doc_mentions(id) {
            let _ = idx.entity(e);
        }
        if round % 5 == 0 {
            idx.remove((round % 3) as DocId);
        }
        let _ = idx.search(&t.chars().take(4).collect::<String>(), 5);
    }
}

/// Index cost as the corpus grows: the time to add one more document and
/// to answer its mentions should not grow with the corpus.
/// `cargo test --release --lib entities::tests::index_scale -- --ignored --nocapture`
#[test]
#[ignore]
fn index_scale() {
    let firsts = [
        "Anna", "Boris", "Olga", "Ivan", "Maria", "Pavel", "Elena", "Oleg",
    ];
    let lasts = [
        "Petrov",
        "Ivanova",
        "Sidorov",
        "Smirnova",
        "Kuznetsov",
        "Popova",
    ];
    let make = |i: usize| {
        format!(
            "Russian President Vladimir Putin met {} {}{} in Minsk. The Collective Security \
             Treaty Organization (CSTO) said Putin agreed. Reuters reported {} {}.",
            firsts[i % firsts.len()],
            lasts[i % lasts.len()],
            i / 48,
            firsts[(i / 3) % firsts.len()],
            lasts[(i / 5) % lasts.len()],
        )
    };
    let mut idx = EntityIndex::new(EntityConfig::default());
    let cfg = EntityConfig::default();
    let mut done = 0;
    for target in [1_000usize, 10_000, 50_000] {
        for i in done..target {
            let t = make(i);
            idx.update(i as DocId, Arc::new(doc(&t, &cfg)));
        }
        done = target;
        let t = make(target + 7);
        let d = Arc::new(doc(&t, &cfg));
        let t0 = std::time::Instant::now();
        let affected = idx.update_affected(target as DocId, d);
        let up = t0.elapsed();
        let t1 = std::time::Instant::now();
        let ms = idx.doc_mentions(target as DocId);
        let first = t1.elapsed();
        let t2 = std::time::Instant::now();
        let _ = idx.doc_mentions(target as DocId);
        let cached = t2.elapsed();
        let t3 = std::time::Instant::now();
        let info = idx.entity(ms[1].1).unwrap();
        let ent = t3.elapsed();
        println!(
            "{target} docs: update {up:?} (affects {} cached docs), doc_mentions {first:?} then {cached:?} cached, entity({}) with {} mentions {ent:?}",
            affected.len(),
            info.canonical,
            info.mentions.len()
        );
        idx.remove(target as DocId);
    }
}

#[test]
fn particles_gazetteer_phrases_and_appositions() {
    let t = "Saudi Crown Prince Mohammed bin Salman flew to Rio de Janeiro.\n\
             Moderator: Thank you.\n\
             Dr. Anthony Fauci, director of the National Institute of Allergy and Infectious Diseases, warned on Sunday.\n\
             Health Minister Hamad Hasan spoke. \"We need aid,\" stressed Hassan.";
    let f = found(t);
    assert!(has(&f, "Mohammed bin Salman", Person), "{f:?}");
    assert!(has(&f, "Rio de Janeiro", Place), "{f:?}");
    let g = found("They met in a villa above Lake Geneva and walked in the Rose Garden.");
    assert!(has(&g, "Lake Geneva", Place), "{g:?}");
    assert!(has(&g, "Rose Garden", Place), "{g:?}");
    assert!(!names(&f).contains(&"Moderator"), "{f:?}");
    assert!(
        has(
            &f,
            "National Institute of Allergy and Infectious Diseases",
            Org
        ),
        "{f:?}"
    );
    // Hassan is a city in the gazetteer, but here the minister's surname
    assert!(has(&f, "Hassan", Person), "{f:?}");
    let d = doc(t, &EntityConfig::default());
    let fauci = d
        .locals
        .iter()
        .find(|l| &*l.name == "Anthony Fauci")
        .unwrap();
    assert_eq!(
        fauci.roles.iter().map(|r| &**r).collect::<Vec<_>>(),
        vec!["director of the National Institute of Allergy and Infectious Diseases"]
    );
}

#[test]
fn a_title_and_name_after_a_comma_is_another_person_not_a_role() {
    let t = "Ilya Yezhov: Good afternoon.\n\
             President Putin, President Lukashenko, I would like to ask a question.\n\
             Dmitry Peskov, the Kremlin spokesman, declined to comment.";
    let d = doc(t, &EntityConfig::default());
    let putin = d.locals.iter().find(|l| l.name.ends_with("Putin")).unwrap();
    assert!(
        putin.roles.iter().all(|r| !r.contains("Lukashenko")),
        "{:?}",
        putin.roles
    );
    assert!(d.locals.iter().any(|l| l.name.ends_with("Lukashenko")));
    let peskov = d
        .locals
        .iter()
        .find(|l| &*l.name == "Dmitry Peskov")
        .unwrap();
    assert!(
        peskov.roles.iter().any(|r| r.contains("spokesman")),
        "{:?}",
        peskov.roles
    );
}
