//! Who the source texts talk about, and the larger cast a generated corpus
//! draws from.
//!
//! The generator swaps names inside consistent identities: wherever a source
//! sentence names one of the [`SOURCE_PEOPLE`] or [`SOURCE_ORGS`], the story
//! it is reused in puts another identity there, in the same form (full name,
//! surname, "Mr X", acronym). These tables only list names and their known
//! spellings in the source folders; the texts themselves are read at
//! generation time.

use super::rng::{Rng, mix};

/// A person the source texts name: first-name spellings, surname spellings
/// (transliterations), and whether they are addressed as Mr or Ms.
pub struct SourcePerson {
    pub first: &'static [&'static str],
    pub last: &'static [&'static str],
    pub female: bool,
}

const fn p(
    first: &'static [&'static str],
    last: &'static [&'static str],
    female: bool,
) -> SourcePerson {
    SourcePerson {
        first,
        last,
        female,
    }
}

pub const SOURCE_PEOPLE: &[SourcePerson] = &[
    p(&["Vladimir"], &["Putin"], false),
    p(
        &["Alexander", "Aleksandr", "Aliaksandr", "Alyaksandr"],
        &["Lukashenko", "Lukashenka", "Lukasenko"],
        false,
    ),
    p(&["Donald"], &["Trump"], false),
    p(&["Joe"], &["Biden"], false),
    p(&["Hillary", "Hillary Rodham"], &["Clinton"], true),
    p(&["Barack"], &["Obama"], false),
    p(&["Hassan"], &["Diab"], false),
    p(&["Dmitry", "Dmitri"], &["Peskov"], false),
    p(&["Sergei", "Sergey"], &["Lavrov"], false),
    p(&["John"], &["McCain"], false),
    p(&["Nancy"], &["Pelosi"], true),
    p(&["Chuck", "Charles"], &["Schumer"], false),
    p(&["Mitch"], &["McConnell"], false),
    p(&["Mark"], &["Warner"], false),
    p(&["John"], &["Cornyn"], false),
    p(&["Rod"], &["Rosenstein"], false),
    p(&["Robert"], &["Mueller"], false),
    p(&["Harry"], &["Reid"], false),
    p(&["Paul"], &["Ryan"], false),
    p(&["Jeb"], &["Bush"], false),
    p(&["Tim"], &["Kaine"], false),
    p(
        &["Volodymyr", "Vladimir"],
        &["Zelensky", "Zelenskyy"],
        false,
    ),
    p(&["Natalya", "Natalia"], &["Breus"], true),
    p(&["Ilya"], &["Yezhov"], false),
    p(&["Anna"], &["Pyzh"], true),
];

/// An organisation the source texts name: its full names, and short forms.
pub struct SourceOrg {
    pub full: &'static [&'static str],
    pub short: &'static [&'static str],
}

const fn o(full: &'static [&'static str], short: &'static [&'static str]) -> SourceOrg {
    SourceOrg { full, short }
}

pub const SOURCE_ORGS: &[SourceOrg] = &[
    o(&["Belarusian Telegraph Agency"], &["BelTA"]),
    o(&["TASS news agency"], &["TASS"]),
    o(&["Reuters news agency"], &["Reuters"]),
    o(&["Sputnik news agency"], &["Sputnik"]),
    o(&["Fox News"], &[]),
    o(&["Goldman Sachs"], &[]),
    o(&["Collective Security Treaty Organization"], &["CSTO"]),
    o(
        &[
            "Shanghai Cooperation Organisation",
            "Shanghai Cooperation Organization",
        ],
        &["SCO"],
    ),
    o(&["Democratic Party"], &["Democrats"]),
    o(&["Senate Intelligence Committee"], &[]),
    o(&["House Foreign Affairs Committee"], &[]),
    o(&["Justice Department", "Department of Justice"], &[]),
    o(&["Treasury Department"], &[]),
    o(&["State Department"], &[]),
];

/// Words that end generated organisation names, by the kind of body.
const ORG_HEADS: &[&str] = &[
    "News Agency",
    "Press Agency",
    "Holdings",
    "Foundation",
    "Institute",
    "Bank",
    "Committee",
    "Council",
    "Group",
    "Party",
];

/// Which name an identity is given in a slot of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// "Vladimir Putin"
    Full,
    /// "Putin"
    Last,
    /// "Mr Putin", "Mrs. Clinton"
    Honorific,
    /// "Belarusian Telegraph Agency"
    OrgFull,
    /// "BelTA"
    OrgShort,
}

/// A name as it can be written: spelling variants, first the usual one.
#[derive(Clone, Debug)]
pub struct Identity {
    pub person: bool,
    pub first: Vec<String>,
    pub last: Vec<String>,
    pub female: bool,
    /// Organisations: full names and short forms.
    pub full: Vec<String>,
    pub short: Vec<String>,
}

/// The people and organisations of a generated corpus: the source ones,
/// then `extra_people` and `extra_orgs` made by recombining their names.
pub struct Cast {
    pub people: Vec<Identity>,
    pub orgs: Vec<Identity>,
}

impl Cast {
    pub fn new(seed: u64, extra_people: usize, extra_orgs: usize) -> Cast {
        let mut people: Vec<Identity> = SOURCE_PEOPLE
            .iter()
            .map(|s| Identity {
                person: true,
                first: s.first.iter().map(|x| x.to_string()).collect(),
                last: s.last.iter().map(|x| x.to_string()).collect(),
                female: s.female,
                full: Vec::new(),
                short: Vec::new(),
            })
            .collect();
        let firsts: Vec<&str> = SOURCE_PEOPLE
            .iter()
            .flat_map(|s| s.first.iter().copied())
            .collect();
        let lasts: Vec<&str> = SOURCE_PEOPLE.iter().map(|s| s.last[0]).collect();
        for k in 0..extra_people {
            let mut r = Rng::derive(seed, 0xCA57, k as u64);
            let female = r.chance(0.4);
            let first: &str = r.pick::<&str>(&firsts);
            let first = first.to_string();
            let (a, b): (&str, &str) = (*r.pick::<&str>(&lasts), *r.pick::<&str>(&lasts));
            let last = splice(a, b);
            let mut last_forms = vec![last.clone()];
            last_forms.extend(transliterations(&last));
            let mut first_forms = vec![first];
            if r.chance(0.2) {
                // a second first name spelling, as for Dmitry / Dmitri
                first_forms.extend(transliterations(&first_forms[0]));
            }
            people.push(Identity {
                person: true,
                first: first_forms,
                last: last_forms,
                female,
                full: Vec::new(),
                short: Vec::new(),
            });
        }
        let mut orgs: Vec<Identity> = SOURCE_ORGS
            .iter()
            .map(|s| Identity {
                person: false,
                first: Vec::new(),
                last: Vec::new(),
                female: false,
                full: s.full.iter().map(|x| x.to_string()).collect(),
                short: s.short.iter().map(|x| x.to_string()).collect(),
            })
            .collect();
        for k in 0..extra_orgs {
            let mut r = Rng::derive(seed, 0x0265, k as u64);
            let (a, b): (&str, &str) = (*r.pick::<&str>(&lasts), *r.pick::<&str>(&lasts));
            let stem = splice(a, b);
            let head = *r.pick(ORG_HEADS);
            let full = format!("{stem} {head}");
            let short: String = full
                .split(' ')
                .filter_map(|w| w.chars().next())
                .collect::<String>()
                .to_uppercase();
            orgs.push(Identity {
                person: false,
                first: Vec::new(),
                last: Vec::new(),
                female: false,
                full: vec![full],
                short: vec![short],
            });
        }
        Cast { people, orgs }
    }

    /// A skewed draw of a person: a few are in many stories, most in few.
    pub fn draw_person(&self, r: &mut Rng) -> usize {
        skewed(r, self.people.len())
    }

    pub fn draw_org(&self, r: &mut Rng) -> usize {
        skewed(r, self.orgs.len())
    }
}

fn skewed(r: &mut Rng, n: usize) -> usize {
    ((n as f64) * r.unit().powf(2.5))
        .floor()
        .min(n as f64 - 1.0) as usize
}

fn is_vowel(c: char) -> bool {
    matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
}

/// A new surname from the start of `a` and the end of `b` ("Luka" + "kov").
pub fn splice(a: &str, b: &str) -> String {
    let ac: Vec<char> = a.chars().collect();
    let bc: Vec<char> = b.chars().collect();
    // start of a: up to and including the first vowel after the second letter
    let cut_a = (2..ac.len())
        .find(|&i| is_vowel(ac[i]))
        .map(|i| i + 1)
        .unwrap_or(ac.len());
    // end of b: from the consonant before its last vowel group
    let mut j = bc.len();
    while j > 1 && !is_vowel(bc[j - 1]) {
        j -= 1;
    }
    while j > 1 && is_vowel(bc[j - 1]) {
        j -= 1;
    }
    let j = j.saturating_sub(1).max(1);
    let mut s: String = ac[..cut_a].iter().collect();
    let tail: String = bc[j..].iter().collect::<String>().to_lowercase();
    if s.chars().last().is_some_and(is_vowel) && tail.chars().next().is_some_and(is_vowel) {
        s.pop();
    }
    s.push_str(&tail);
    s
}

/// Other spellings of a name by common transliteration rules.
pub fn transliterations(name: &str) -> Vec<String> {
    let rules: &[(&str, &str)] = &[
        ("ko", "ka"),
        ("ei", "ey"),
        ("iy", "y"),
        ("ov", "off"),
        ("ks", "x"),
        ("x", "ks"),
        ("i", "y"),
    ];
    let mut out = Vec::new();
    for (from, to) in rules {
        if let Some(stem) = name.strip_suffix(from) {
            out.push(format!("{stem}{to}"));
            break;
        }
    }
    if let Some(i) = name.find("sh") {
        out.push(format!("{}sch{}", &name[..i], &name[i + 2..]));
    }
    out.retain(|v| v != name);
    out
}

/// A typist's slip: two inner letters swapped, chosen by `h`.
pub fn misspell(name: &str, h: u64) -> String {
    let mut cs: Vec<char> = name.chars().collect();
    if cs.len() < 5 || !cs.iter().all(|c| c.is_alphabetic()) {
        return name.to_string();
    }
    let i = 1 + (mix(h, 17) as usize) % (cs.len() - 3);
    cs.swap(i, i + 1);
    cs.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_names_and_variants_look_like_names() {
        assert_eq!(splice("Lukashenko", "Peskov"), "Lukakov");
        assert_eq!(transliterations("Petrenko"), vec!["Petrenka"]);
        assert_eq!(misspell("Lukashenko", 3).len(), "Lukashenko".len());
        let cast = Cast::new(1, 100, 10);
        assert_eq!(cast.people.len(), SOURCE_PEOPLE.len() + 100);
        for p in &cast.people {
            assert!(p.last[0].chars().next().unwrap().is_uppercase());
        }
    }
}
