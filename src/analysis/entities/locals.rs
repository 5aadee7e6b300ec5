//! Referents inside one document: the names a document uses for one person
//! or organisation joined together (full name, surname, "Mr X", a
//! misspelling, first name and patronymic, an acronym and its expansion),
//! without joining two people who share a surname.

use rustc_hash::FxHashMap;

use super::lexicon::{LEXICON, class};
use super::names;
use super::recognize::Part;
use super::{DocEntities, EntityConfig, EntityKind, LocalEntity, Mention};

struct Person {
    local: usize,
    first: String,
    surname: String,
    female: Option<bool>,
    /// Index of the part that introduced it.
    intro: usize,
    count: u32,
}

pub fn build(mut parts: Vec<Part<'_>>, config: &EntityConfig) -> DocEntities {
    // non-overlapping, sorted
    parts.sort_by_key(|p| (p.span.start, std::cmp::Reverse(p.span.end)));
    let mut kept: Vec<Part<'_>> = Vec::with_capacity(parts.len());
    for p in parts {
        if kept.last().is_some_and(|q| q.span.end > p.span.start) {
            continue;
        }
        kept.push(p);
    }
    let parts = kept;
    let mut memo = Memo::default();
    let mut locals: Vec<LocalEntity> = Vec::new();
    let mut of_part: Vec<Option<usize>> = vec![None; parts.len()];
    // parts the lexicon typed otherwise that name a person of this document
    let mut as_person = vec![false; parts.len()];
    let mut persons: Vec<Person> = Vec::new();
    let mut by_key: FxHashMap<(u8, String), usize> = FxHashMap::default();
    let mut declared: FxHashMap<u32, usize> = FxHashMap::default();

    // 1. declared names: one referent per declared entity
    for (i, p) in parts.iter().enumerate() {
        if let Some(d) = p.declared {
            let l = *declared.entry(d).or_insert_with(|| {
                let e = &config.entities[d as usize];
                locals.push(LocalEntity {
                    name: e.name.as_str().into(),
                    kind: e.kind.or(p.kind),
                    declared: Some(d),
                    ..LocalEntity::default()
                });
                locals.len() - 1
            });
            of_part[i] = Some(l);
        }
    }

    // 2. full personal names
    for (i, p) in parts.iter().enumerate() {
        if of_part[i].is_some() || p.kind != Some(EntityKind::Person) {
            continue;
        }
        let words = name_core(&p.words);
        if words.len() < 2 {
            continue;
        }
        if words.len() == 2 && names::is_patronymic(words[1]) {
            continue;
        }
        let first = memo.translit(words[0]);
        let surname = memo.translit(words[words.len() - 1]);
        let female = gender_of(words[0], p.gender);
        let found = persons.iter().position(|q| {
            names::same_surname_key(&q.surname, &surname, 6)
                && names::same_given_key(&q.first, &first)
        });
        match found {
            Some(k) => {
                persons[k].count += 1;
                of_part[i] = Some(persons[k].local);
            }
            None => {
                locals.push(LocalEntity {
                    kind: Some(EntityKind::Person),
                    ..LocalEntity::default()
                });
                persons.push(Person {
                    local: locals.len() - 1,
                    first,
                    surname,
                    female,
                    intro: i,
                    count: 1,
                });
                of_part[i] = Some(locals.len() - 1);
            }
        }
    }

    // 3. organisations and places by their normalised name; acronyms after
    for (i, p) in parts.iter().enumerate() {
        if of_part[i].is_some() || p.kind == Some(EntityKind::Person) || p.kind.is_none() {
            continue;
        }
        if is_acronym(p) {
            continue;
        }
        // a one-word place or organisation that is the surname of a person
        // named in this document is that person (Hassan, Jackson, Lincoln)
        if p.words.len() == 1 && !persons.is_empty() {
            let w = memo.translit(p.words[0]);
            if let Some(l) = pick(&persons, i, 0, |q| {
                q.surname == w || names::same_surname_key(&q.surname, &w, 5)
            }) {
                of_part[i] = Some(l);
                as_person[i] = true;
                continue;
            }
        }
        let key = if p.words.len() == 1 {
            memo.org(p.words[0])
        } else {
            place_key(p)
        };
        let tag = if p.kind == Some(EntityKind::Place) {
            1
        } else {
            2
        };
        let l = *by_key.entry((tag, key)).or_insert_with(|| {
            locals.push(LocalEntity {
                kind: p.kind,
                ..LocalEntity::default()
            });
            locals.len() - 1
        });
        of_part[i] = Some(l);
        if let Some(j) = p.acronym_after
            && of_part.get(j).is_some_and(Option::is_none)
        {
            of_part[j] = Some(l);
            locals[l].acronym = Some(names::acronym_letters(&parts[j].text()).into());
        }
    }
    // the multi-word names an acronym may stand for, each once
    let mut expansions: Vec<(usize, Vec<&str>)> = Vec::new();
    {
        let mut seen: rustc_hash::FxHashSet<(usize, String)> = Default::default();
        for (k, q) in parts.iter().enumerate() {
            let Some(l) = of_part[k] else { continue };
            if is_acronym(q) || q.words.len() < 2 || locals[l].declared.is_some() {
                continue;
            }
            if seen.insert((l, q.words.join(" "))) {
                expansions.push((l, q.words.clone()));
            }
        }
    }
    let mut by_acronym: FxHashMap<String, usize> = FxHashMap::default();
    for (l, local) in locals.iter().enumerate() {
        if let Some(a) = &local.acronym {
            by_acronym.entry(a.to_string()).or_insert(l);
        }
    }
    for (i, p) in parts.iter().enumerate() {
        if of_part[i].is_some() || !is_acronym(p) || p.kind == Some(EntityKind::Person) {
            continue;
        }
        let acr = names::acronym_letters(&p.text());
        let tag = if p.kind == Some(EntityKind::Place) {
            1
        } else {
            2
        };
        // an expansion in this document (each acronym looked up once)
        let target = match by_acronym.get(&acr) {
            Some(&l) => Some(l),
            None => {
                let found = expansions
                    .iter()
                    .find(|(l, words)| {
                        locals[*l].kind == p.kind && names::acronym_matches(&acr, words)
                    })
                    .map(|(l, _)| *l);
                let l = found.unwrap_or_else(|| {
                    *by_key.entry((tag, acr.to_lowercase())).or_insert_with(|| {
                        locals.push(LocalEntity {
                            kind: p.kind,
                            ..LocalEntity::default()
                        });
                        locals.len() - 1
                    })
                });
                by_acronym.insert(acr.clone(), l);
                Some(l)
            }
        };
        let Some(l) = target else { continue };
        if locals[l].acronym.is_none() {
            locals[l].acronym = Some(acr.into());
        }
        of_part[i] = Some(l);
    }

    // 4. single names and first name + patronymic: the person they belong to
    for (i, p) in parts.iter().enumerate() {
        if of_part[i].is_some() {
            continue;
        }
        let words = name_core(&p.words);
        if p.kind.is_some_and(|k| k != EntityKind::Person) {
            continue;
        }
        let target = if words.len() == 2 && names::is_patronymic(words[1]) {
            let first = memo.translit(words[0]);
            pick(&persons, i, p.gender, |q| q.first == first)
        } else if words.len() == 1 {
            let w = memo.translit(words[0]);
            pick(&persons, i, p.gender, |q| {
                names::same_surname_key(&q.surname, &w, 5)
            })
        } else {
            None
        };
        if let Some(l) = target {
            of_part[i] = Some(l);
            continue;
        }
        // the same text as an organisation or place named here
        if p.kind.is_none() {
            let key = names::org_key(&p.text());
            if let Some(&l) = by_key
                .get(&(2, key.clone()))
                .or_else(|| by_key.get(&(1, key)))
            {
                of_part[i] = Some(l);
                continue;
            }
        }
        // a new referent; later single mentions of the same word join it
        let key = (0u8, names::translit_key(&p.text()));
        let l = *by_key.entry(key).or_insert_with(|| {
            locals.push(LocalEntity {
                kind: p.kind,
                ..LocalEntity::default()
            });
            locals.len() - 1
        });
        of_part[i] = Some(l);
    }

    // 5. mentions, names, roles, kinds
    let mut mentions = Vec::with_capacity(parts.len());
    let mut forms: Vec<FxHashMap<String, (u32, usize)>> = vec![FxHashMap::default(); locals.len()];
    let mut votes: Vec<[u32; 3]> = vec![[0; 3]; locals.len()];
    let mut roles: Vec<Vec<Box<str>>> = vec![Vec::new(); locals.len()];
    for (i, p) in parts.iter().enumerate() {
        let Some(l) = of_part[i] else { continue };
        let e = if p.words.len() == 1 {
            match forms[l].get_mut(p.words[0]) {
                Some(e) => e,
                None => forms[l].entry(p.words[0].to_string()).or_insert((0, i)),
            }
        } else {
            forms[l].entry(p.text()).or_insert((0, i))
        };
        e.0 += 1;
        let kind = if as_person[i] {
            Some(EntityKind::Person)
        } else {
            p.kind
        };
        if let Some(k) = kind {
            votes[l][k as usize] += if p.strong { 3 } else { 1 };
        }
        for r in &p.roles {
            if !roles[l].iter().any(|x| x.eq_ignore_ascii_case(r)) {
                roles[l].push(r.as_str().into());
            }
        }
        let kind = locals[l].kind.or(p.kind).unwrap_or(EntityKind::Person);
        mentions.push(Mention {
            span: p.span,
            local: l as u32,
            kind,
            weak: p.weak && !p.strong,
        });
    }
    for ((l, local), roles) in locals.iter_mut().enumerate().zip(roles) {
        local.roles = roles.into();
        let mut fs: Vec<(String, u32, usize)> = forms[l]
            .drain()
            .map(|(k, (c, first))| (k, c, first))
            .collect();
        fs.sort_by_key(|a| a.2);
        local.names = fs.iter().map(|f| f.0.as_str().into()).collect();
        local.name_counts = fs.iter().map(|f| f.1).collect();
        if local.declared.is_none() {
            let v = votes[l];
            if v.iter().any(|&x| x > 0) {
                let best = (0..3).max_by_key(|&k| (v[k], 3 - k)).unwrap_or(0);
                local.kind = Some(kind_of(best));
            }
            local.name = fullest(&fs, local.kind).into();
        }
    }
    // every mention takes its referent's kind
    for m in &mut mentions {
        if let Some(k) = locals[m.local as usize].kind {
            m.kind = k;
        }
    }
    DocEntities { mentions, locals }
}

/// Keys of single words, made once per document.
#[derive(Default)]
struct Memo<'a> {
    translit: FxHashMap<&'a str, String>,
    org: FxHashMap<&'a str, String>,
}

impl<'a> Memo<'a> {
    fn translit(&mut self, w: &'a str) -> String {
        self.translit
            .entry(w)
            .or_insert_with(|| names::translit_key(w))
            .clone()
    }

    fn org(&mut self, w: &'a str) -> String {
        self.org
            .entry(w)
            .or_insert_with(|| names::org_key(w))
            .clone()
    }
}

fn kind_of(i: usize) -> EntityKind {
    match i {
        0 => EntityKind::Person,
        1 => EntityKind::Organization,
        _ => EntityKind::Place,
    }
}

/// The words of a name without initials' dots and particles at the ends.
fn name_core<'a>(words: &[&'a str]) -> Vec<&'a str> {
    words
        .iter()
        .copied()
        .filter(|w| !(w.len() <= 2 && w.ends_with('.')))
        .collect()
}

fn is_acronym(p: &Part<'_>) -> bool {
    p.words.len() == 1 && names::is_acronym(p.words[0])
}

fn place_key(p: &Part<'_>) -> String {
    names::org_key(&p.text())
}

fn gender_of(first: &str, honorific: u8) -> Option<bool> {
    match honorific {
        1 => return Some(true),
        2 => return Some(false),
        _ => {}
    }
    let c = LEXICON.get(&first.to_lowercase());
    if c & class::GIVEN_FEMALE != 0 {
        Some(true)
    } else if c & class::GIVEN_MALE != 0 {
        Some(false)
    } else {
        None
    }
}

/// The person a short mention at part `at` refers to among `cands`: the one
/// of the right gender, else the most recently introduced before it, else
/// the most mentioned.
fn pick(persons: &[Person], at: usize, gender: u8, ok: impl Fn(&Person) -> bool) -> Option<usize> {
    let cands: Vec<&Person> = persons.iter().filter(|q| ok(q)).collect();
    match cands.len() {
        0 => None,
        1 => Some(cands[0].local),
        _ => {
            let want = match gender {
                1 => Some(true),
                2 => Some(false),
                _ => None,
            };
            let gendered: Vec<&&Person> = cands
                .iter()
                .filter(|q| want.is_some() && q.female == want)
                .collect();
            if gendered.len() == 1 {
                return Some(gendered[0].local);
            }
            let before = cands
                .iter()
                .filter(|q| q.intro < at)
                .max_by_key(|q| q.intro);
            before
                .or_else(|| cands.iter().max_by_key(|q| q.count))
                .map(|q| q.local)
        }
    }
}

/// The fullest name among the forms a referent is written with: for people
/// a first name and surname (not a patronymic alone), for organisations the
/// expansion rather than the acronym; then the most used, then the longest.
pub fn fullest(forms: &[(String, u32, usize)], kind: Option<EntityKind>) -> String {
    let score = |f: &(String, u32, usize)| {
        let words: Vec<&str> = f.0.split_whitespace().collect();
        let acronym = words.len() == 1 && f.0.chars().filter(|c| c.is_uppercase()).count() >= 2;
        let full = match kind {
            Some(EntityKind::Person) => {
                words.len() >= 2 && !(words.len() == 2 && names::is_patronymic(words[1]))
            }
            _ => !acronym,
        };
        let initials = words
            .iter()
            .filter(|w| w.len() <= 2 && w.ends_with('.'))
            .count();
        (full, f.1, words.len() - initials, f.0.len())
    };
    forms
        .iter()
        .max_by(|a, b| score(a).cmp(&score(b)).then(b.0.cmp(&a.0)))
        .map(|f| f.0.clone())
        .unwrap_or_default()
}
