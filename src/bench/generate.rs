//! A deterministic generator of article collections, recombined from real
//! texts.
//!
//! The source folders (real articles and transcripts, read at generation
//! time) are cut into paragraphs and sentences once. Each sentence becomes a
//! list of segments: literal text, name slots (a person or organisation of
//! the source cast, in one form) and figure slots (a number with its format).
//! A generated article belongs to a *story* (about six articles on one event
//! share a story): the story fixes the source cluster it draws from, its date,
//! who plays each source identity (names swapped within consistent
//! identities) and how its figures are scaled. Articles of one story therefore
//! repeat quotes (some paraphrased), name the same people in varying forms
//! (full name, surname, "Mr X", another transliteration, an occasional
//! misspelling) and mostly agree on figures; a few figures are perturbed so
//! that they conflict.
//!
//! Every article is generated from its own random stream seeded by
//! `(seed, index)`, so output does not depend on threads, and any single
//! article can be regenerated on its own (the benchmark does this to know
//! where mentions, quotes and figures are).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use super::cast::{Cast, Form, SOURCE_ORGS, SOURCE_PEOPLE, misspell};
use super::rng::{Rng, mix};
use crate::analysis::figures::numbers;
use crate::analysis::{sentences, tokens};
use crate::workspace;

/// Bumped whenever the same inputs would produce different bytes.
pub const GENERATOR_VERSION: u32 = 2;

/// Where the generator records what it made (hidden: not part of the corpus).
pub const MANIFEST_DIR: &str = ".claimlens-bench";
pub const MANIFEST: &str = "corpus.json";

/// A long transcript every this many articles (article 0 is one).
const TRANSCRIPT_EVERY: usize = 67;
/// Size of a generated transcript (the real one is 36,085 bytes).
const TRANSCRIPT_BYTES: usize = 35_800;
/// Articles per story, on average.
const STORY_SIZE: usize = 6;
/// Chance that a rendered figure is perturbed so that it conflicts.
const CONFLICT_RATE: f64 = 0.05;
/// Chance that a quoted sentence is paraphrased.
const PARAPHRASE_RATE: f64 = 0.3;
/// Chance that a mention is misspelt.
const MISSPELL_RATE: f64 = 0.004;

// ------------------------------------------------------------------ sources

#[derive(Clone, Debug)]
enum Seg {
    Lit(String),
    Name {
        person: bool,
        src: u16,
        form: Form,
    },
    Fig {
        value: f64,
        decimals: u8,
        commas: bool,
        key: u32,
    },
}

#[derive(Clone, Debug)]
struct Sentence {
    segs: Vec<Seg>,
    quote: bool,
}

#[derive(Clone, Debug)]
struct Doc {
    cluster: usize,
    title: usize,
    paragraphs: Vec<Vec<usize>>,
    para_sep: &'static str,
    bytes: usize,
}

#[derive(Clone, Debug, Default)]
struct Cluster {
    docs: Vec<usize>,
    /// (doc, paragraph index)
    paragraphs: Vec<(usize, usize)>,
    sentences: Vec<usize>,
}

/// The source texts, cut into reusable pieces.
pub struct Sources {
    /// Every source file with its size, in reading order.
    pub files: Vec<(PathBuf, usize)>,
    /// A hash of every source byte, so a corpus can tell which sources made it.
    pub fingerprint: u64,
    docs: Vec<Doc>,
    sentences: Vec<Sentence>,
    clusters: Vec<Cluster>,
    transcripts: Vec<usize>,
}

/// The default source folders, relative to the repository: the sample corpus
/// and the shared real-article corpus beside the repository.
pub fn default_source_dirs() -> Vec<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    vec![repo.join("corpus"), repo.join("../shared/corpus-real")]
}

/// A name pattern to look for in source sentences.
struct Pattern {
    text: String,
    person: bool,
    src: u16,
    form: Form,
}

fn patterns() -> Vec<Pattern> {
    let mut out = Vec::new();
    for (i, p) in SOURCE_PEOPLE.iter().enumerate() {
        for f in p.first {
            for l in p.last {
                out.push(Pattern {
                    text: format!("{f} {l}"),
                    person: true,
                    src: i as u16,
                    form: Form::Full,
                });
            }
        }
        for l in p.last {
            for h in ["Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms."] {
                out.push(Pattern {
                    text: format!("{h} {l}"),
                    person: true,
                    src: i as u16,
                    form: Form::Honorific,
                });
            }
            out.push(Pattern {
                text: l.to_string(),
                person: true,
                src: i as u16,
                form: Form::Last,
            });
        }
    }
    for (i, o) in SOURCE_ORGS.iter().enumerate() {
        for f in o.full {
            out.push(Pattern {
                text: f.to_string(),
                person: false,
                src: i as u16,
                form: Form::OrgFull,
            });
        }
        for s in o.short {
            out.push(Pattern {
                text: s.to_string(),
                person: false,
                src: i as u16,
                form: Form::OrgShort,
            });
        }
    }
    // longest first, so "Vladimir Putin" wins over "Putin"
    out.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.text.cmp(&b.text)));
    out
}

const MONTHS: &[&str] = &[
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn is_month(w: &str) -> bool {
    MONTHS.iter().any(|m| {
        m.eq_ignore_ascii_case(w) || (w.len() >= 3 && m.len() > 3 && m[..3].eq_ignore_ascii_case(w))
    })
}

fn word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Cut one sentence into literal, name and figure segments.
fn segment(s: &str, pats: &[Pattern], fig_key: &mut u32) -> Sentence {
    // (start, end, segment)
    let mut slots: Vec<(usize, usize, Seg)> = Vec::new();
    let mut prev: Option<char> = None;
    let mut skip_until = 0usize;
    for (i, c) in s.char_indices() {
        let at_word_start = prev.is_none_or(|p| !word_char(p));
        prev = Some(c);
        if i < skip_until || !at_word_start || !c.is_uppercase() {
            continue;
        }
        let rest = &s[i..];
        for p in pats {
            if rest.starts_with(&p.text)
                && !rest[p.text.len()..].chars().next().is_some_and(word_char)
            {
                slots.push((
                    i,
                    i + p.text.len(),
                    Seg::Name {
                        person: p.person,
                        src: p.src,
                        form: p.form,
                    },
                ));
                skip_until = i + p.text.len();
                break;
            }
        }
    }
    // figures: numbers that are quantities (not years, dates or times)
    let toks = tokens::tokenize(s);
    for (k, t) in toks.iter().enumerate() {
        if !t.is_number() {
            continue;
        }
        let txt = t.text(s);
        if txt.chars().any(|c| c.is_alphabetic()) {
            continue;
        }
        // glued to ':', '/' or '-': times, "9/11", dates like 2020-08-05
        let glued = |j: Option<&tokens::Token>, after: bool| {
            j.is_some_and(|n| {
                matches!(n.text(s), ":" | "/" | "-")
                    && if after {
                        !n.space_before()
                    } else {
                        !t.space_before()
                    }
            })
        };
        if glued(k.checked_sub(1).map(|j| &toks[j]), false) || glued(toks.get(k + 1), true) {
            continue;
        }
        if txt.len() > 1 && txt.starts_with('0') && !txt.contains('.') {
            continue; // a code, not a quantity
        }
        let word_at = |j: usize| toks.get(j).filter(|x| x.is_word()).map(|x| x.text(s));
        if k.checked_sub(1).and_then(word_at).is_some_and(is_month)
            || word_at(k + 1).is_some_and(is_month)
        {
            continue;
        }
        // read as the analysis reads it: "1.000 people" is a thousand (a
        // dot before three zeros groups thousands), "1,3" one point three
        let &[(0, end, value, ulp)] = numbers::split_digit_body(txt).as_slice() else {
            continue; // a list ("22,24,26"), not one figure
        };
        if end != txt.len() {
            continue;
        }
        if !txt.contains(['.', ',']) && (1900.0..=2100.0).contains(&value) {
            continue; // a year
        }
        let (a, b) = (t.span.start as usize, t.span.end as usize);
        if slots.iter().any(|(x, y, _)| a < *y && *x < b) {
            continue;
        }
        // decimal places as written: an ulp of 0.01 is two
        let decimals = if ulp < 1.0 {
            (-ulp.log10()).round().clamp(0.0, 9.0) as u8
        } else {
            0
        };
        slots.push((
            a,
            b,
            Seg::Fig {
                value,
                decimals,
                // thousands grouped by commas; a decimal comma ("1,3", the
                // only separator) is written as a point
                commas: txt.contains(',') && (ulp >= 1.0 || txt.contains('.')),
                key: *fig_key,
            },
        ));
        *fig_key += 1;
    }
    slots.sort_by_key(|(a, _, _)| *a);
    let mut segs = Vec::new();
    let mut at = 0;
    for (a, b, seg) in slots {
        if a > at {
            segs.push(Seg::Lit(s[at..a].to_string()));
        }
        segs.push(seg);
        at = b;
    }
    if at < s.len() {
        segs.push(Seg::Lit(s[at..].to_string()));
    }
    Sentence {
        segs,
        quote: s.contains(['"', '“', '”', '«']),
    }
}

/// Drop the " date YYYY-MM-DD" stamp some stored pages begin with.
fn strip_date_stamp(line: &str) -> &str {
    let Some(rest) = line.strip_prefix("date ") else {
        return line;
    };
    let b = rest.as_bytes();
    let is_stamp = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| {
            if i == 4 || i == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
    if is_stamp { rest[10..].trim() } else { line }
}

fn split_sentences(p: &str) -> Vec<&str> {
    let mut toks = tokens::tokenize(p);
    let spans = sentences::split(p, &mut toks);
    if spans.is_empty() {
        return vec![p];
    }
    spans.iter().map(|sp| sp.of(p)).collect()
}

impl Sources {
    /// Read and cut the source folders. Files directly in a folder form one
    /// cluster per folder; files in sub-folders form a cluster per sub-folder
    /// (one event each, as in the real corpus).
    pub fn load(dirs: &[PathBuf]) -> Result<Sources, String> {
        let pats = patterns();
        let mut files = Vec::new();
        let mut cluster_of: BTreeMap<(usize, PathBuf), usize> = BTreeMap::new();
        let mut docs = Vec::new();
        let mut sentences_out: Vec<Sentence> = Vec::new();
        let mut clusters: Vec<Cluster> = Vec::new();
        let mut fingerprint = 0xC1A1_u64;
        let mut fig_key = 0u32;
        for (ri, dir) in dirs.iter().enumerate() {
            if !dir.is_dir() {
                return Err(format!("source folder {} not found", dir.display()));
            }
            for path in workspace::discover(dir) {
                let text = workspace::read_text(&path, 64 << 20)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                for chunk in text.as_bytes().chunks(8) {
                    let mut w = [0u8; 8];
                    w[..chunk.len()].copy_from_slice(chunk);
                    fingerprint = mix(fingerprint, u64::from_le_bytes(w));
                }
                let parent = path
                    .parent()
                    .and_then(|p| p.strip_prefix(dir).ok())
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                let n = cluster_of.len();
                let cluster = *cluster_of.entry((ri, parent)).or_insert(n);
                if cluster == clusters.len() {
                    clusters.push(Cluster::default());
                }
                let mut lines = text
                    .lines()
                    .map(|l| strip_date_stamp(l.trim()))
                    .filter(|l| !l.is_empty());
                // the title: the first line that reads like one (dates,
                // bylines and site names before it are dropped)
                let Some(title) = lines.by_ref().find(|l| l.split_whitespace().count() >= 4) else {
                    continue;
                };
                let doc_id = docs.len();
                let title_id = sentences_out.len();
                sentences_out.push(segment(title, &pats, &mut fig_key));
                let mut paragraphs = Vec::new();
                for line in lines {
                    let mut para = Vec::new();
                    for s in split_sentences(line.trim()) {
                        let id = sentences_out.len();
                        sentences_out.push(segment(s, &pats, &mut fig_key));
                        para.push(id);
                        clusters[cluster].sentences.push(id);
                    }
                    clusters[cluster]
                        .paragraphs
                        .push((doc_id, paragraphs.len()));
                    paragraphs.push(para);
                }
                if paragraphs.is_empty() {
                    continue;
                }
                clusters[cluster].docs.push(doc_id);
                docs.push(Doc {
                    cluster,
                    title: title_id,
                    paragraphs,
                    para_sep: if text.contains("\n\n") { "\n\n" } else { "\n" },
                    bytes: text.len(),
                });
                files.push((path, text.len()));
            }
        }
        clusters.retain(|c| !c.docs.is_empty());
        // re-number clusters after dropping empty ones
        let mut renum = vec![usize::MAX; cluster_of.len()];
        for (i, c) in clusters.iter().enumerate() {
            for &d in &c.docs {
                renum[docs[d].cluster] = i;
            }
        }
        for d in &mut docs {
            d.cluster = renum[d.cluster];
        }
        if docs.is_empty() {
            return Err("no source texts found (need *.txt or *.md files)".into());
        }
        let transcripts = (0..docs.len())
            .filter(|&d| docs[d].bytes >= 20_000)
            .collect();
        Ok(Sources {
            files,
            fingerprint,
            docs,
            sentences: sentences_out,
            clusters,
            transcripts,
        })
    }

    pub fn total_bytes(&self) -> usize {
        self.files.iter().map(|(_, n)| n).sum()
    }
}

// ------------------------------------------------------------------ output

/// Where something the benchmark wants to point at is in an article.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ann {
    pub start: u32,
    pub end: u32,
    /// Identity (people: id; organisations: 1 << 32 | id), claim (source
    /// sentence) or figure key.
    pub key: u64,
    /// Quotes: paraphrased; figures: perturbed to conflict; mentions: misspelt.
    pub flag: bool,
}

/// One generated article.
#[derive(Clone, Debug)]
pub struct Article {
    /// Relative path inside the corpus folder.
    pub path: String,
    pub text: String,
    pub transcript: bool,
    pub story: u64,
    pub mentions: Vec<Ann>,
    pub quotes: Vec<Ann>,
    pub figures: Vec<Ann>,
}

/// Counts over a generated corpus.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stats {
    pub articles: usize,
    pub bytes: u64,
    pub transcripts: usize,
    pub stories: usize,
    pub mentions: u64,
    pub misspelt_mentions: u64,
    pub quotes: u64,
    pub paraphrased_quotes: u64,
    pub figures: u64,
    pub conflicting_figures: u64,
}

impl Stats {
    fn add(&mut self, a: &Article) {
        self.articles += 1;
        self.bytes += a.text.len() as u64;
        self.transcripts += a.transcript as usize;
        self.mentions += a.mentions.len() as u64;
        self.misspelt_mentions += a.mentions.iter().filter(|m| m.flag).count() as u64;
        self.quotes += a.quotes.len() as u64;
        self.paraphrased_quotes += a.quotes.iter().filter(|m| m.flag).count() as u64;
        self.figures += a.figures.len() as u64;
        self.conflicting_figures += a.figures.iter().filter(|m| m.flag).count() as u64;
    }

    fn merge(mut self, o: Stats) -> Stats {
        self.articles += o.articles;
        self.bytes += o.bytes;
        self.transcripts += o.transcripts;
        self.mentions += o.mentions;
        self.misspelt_mentions += o.misspelt_mentions;
        self.quotes += o.quotes;
        self.paraphrased_quotes += o.paraphrased_quotes;
        self.figures += o.figures;
        self.conflicting_figures += o.conflicting_figures;
        self
    }
}

/// What a corpus folder was generated from; written beside it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub generator_version: u32,
    pub seed: u64,
    pub articles: usize,
    pub source_fingerprint: String,
    pub source_files: usize,
    pub source_bytes: usize,
    pub stats: Stats,
}

impl Manifest {
    pub fn read(dir: &Path) -> Option<Manifest> {
        let s = std::fs::read_to_string(dir.join(MANIFEST_DIR).join(MANIFEST)).ok()?;
        serde_json::from_str(&s).ok()
    }

    /// Was `dir` generated by this generator from these sources with these
    /// parameters?
    pub fn matches(&self, g: &Generator) -> bool {
        self.generator_version == GENERATOR_VERSION
            && self.seed == g.seed
            && self.articles == g.articles
            && self.source_fingerprint == format!("{:016x}", g.sources.fingerprint)
    }
}

// ------------------------------------------------------------------ generation

struct Story {
    cluster: usize,
    date: (i32, u32, u32),
    people: Vec<usize>,
    orgs: Vec<usize>,
    fig_seed: u64,
}

/// Generates the articles of one corpus.
pub struct Generator {
    pub seed: u64,
    pub articles: usize,
    pub sources: Sources,
    cast: Cast,
    stories: usize,
}

const SYNONYMS: &[(&str, &str)] = &[
    ("said", "stated"),
    ("says", "states"),
    ("stressed", "emphasised"),
    ("noted", "observed"),
    ("important", "significant"),
    ("talks", "negotiations"),
    ("country", "nation"),
    ("help", "assist"),
    ("big", "large"),
    ("very ", ""),
    ("also ", ""),
    ("will", "would"),
    ("meeting", "talks"),
    ("began", "started"),
    ("told", "informed"),
];

fn paraphrase(lit: &str, r: &mut Rng) -> String {
    let mut s = lit.to_string();
    for (from, to) in SYNONYMS {
        if let Some(i) = s.find(from) {
            let before_ok = s[..i].chars().last().is_none_or(|c| !word_char(c));
            let after_ok = s[i + from.len()..]
                .chars()
                .next()
                .is_none_or(|c| !word_char(c) || from.ends_with(' '));
            if before_ok && after_ok && r.chance(0.6) {
                s.replace_range(i..i + from.len(), to);
            }
        }
    }
    s
}

fn format_figure(v: f64, decimals: u8, commas: bool) -> String {
    let s = format!("{:.*}", decimals as usize, v);
    if !commas {
        return s;
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (s.clone(), None),
    };
    let mut out = String::new();
    let digits: Vec<char> = int.chars().collect();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(&f);
    }
    out
}

/// Per-article choices: spelling style and the random stream.
struct Writer<'g> {
    g: &'g Generator,
    story: Story,
    r: Rng,
    article_seed: u64,
    dotted: bool,
    out: String,
    mentions: Vec<Ann>,
    quotes: Vec<Ann>,
    figures: Vec<Ann>,
}

impl Writer<'_> {
    /// The spelling this article uses for one of an identity's variants.
    fn variant<'a>(&self, forms: &'a [String], ident: u64, salt: u64) -> &'a str {
        if forms.len() <= 1 {
            return forms.first().map(String::as_str).unwrap_or("");
        }
        let h = mix(mix(self.article_seed, ident), salt);
        if h % 10 < 7 {
            &forms[0]
        } else {
            &forms[1 + (h as usize / 10) % (forms.len() - 1)]
        }
    }

    fn name(&mut self, person: bool, src: u16, form: Form) {
        let cast = &self.g.cast;
        let (ident, key) = if person {
            let id = self.story.people[src as usize];
            (&cast.people[id], id as u64)
        } else {
            let id = self.story.orgs[src as usize];
            (&cast.orgs[id], (1u64 << 32) | id as u64)
        };
        let last = self.variant(&ident.last, key, 1).to_string();
        let (mut text, mention_at) = match form {
            Form::Full => {
                let first = self.variant(&ident.first, key, 2);
                if ident.person {
                    (format!("{first} {last}"), 0)
                } else {
                    (self.variant(&ident.full, key, 3).to_string(), 0)
                }
            }
            Form::Last => {
                if ident.person {
                    (last.clone(), 0)
                } else {
                    (self.variant(&ident.full, key, 3).to_string(), 0)
                }
            }
            Form::Honorific => {
                if ident.person {
                    let h = if ident.female { "Ms" } else { "Mr" };
                    let dot = if self.dotted { "." } else { "" };
                    let prefix = format!("{h}{dot} ");
                    let n = prefix.len();
                    (format!("{prefix}{last}"), n)
                } else {
                    (self.variant(&ident.full, key, 3).to_string(), 0)
                }
            }
            Form::OrgFull => {
                if ident.person {
                    (format!("{} {last}", self.variant(&ident.first, key, 2)), 0)
                } else {
                    (self.variant(&ident.full, key, 3).to_string(), 0)
                }
            }
            Form::OrgShort => {
                if ident.person {
                    (last.clone(), 0)
                } else if ident.short.is_empty() {
                    (self.variant(&ident.full, key, 3).to_string(), 0)
                } else {
                    (self.variant(&ident.short, key, 4).to_string(), 0)
                }
            }
        };
        let misspelt = ident.person && self.r.chance(MISSPELL_RATE);
        if misspelt {
            let h = self.r.next_u64();
            let base = text.len() - last.len();
            text = format!("{}{}", &text[..base], misspell(&last, h));
        }
        let start = self.out.len() + mention_at;
        self.out.push_str(&text);
        self.mentions.push(Ann {
            start: start as u32,
            end: self.out.len() as u32,
            key,
            flag: misspelt,
        });
    }

    fn figure(&mut self, value: f64, decimals: u8, commas: bool, key: u32) {
        let h = mix(self.story.fig_seed, key as u64);
        // 40% of stories keep the real figure, the others scale it
        let scale = if h % 10 < 4 {
            1.0
        } else {
            let u = (mix(h, 99) >> 11) as f64 / (1u64 << 53) as f64;
            (u * 2.0 - 1.0).exp()
        };
        let mut v = value * scale;
        let conflict = self.r.chance(CONFLICT_RATE);
        if conflict {
            let d = self.r.range_f64(0.1, 0.5);
            v *= if self.r.chance(0.5) { 1.0 + d } else { 1.0 - d };
        }
        if decimals == 0 {
            v = v.round().max(1.0);
        }
        let text = format_figure(v, decimals, commas);
        // a perturbation that rounds back to the story's value is no conflict
        let conflict = conflict && {
            let mut base = value * scale;
            if decimals == 0 {
                base = base.round().max(1.0);
            }
            format_figure(base, decimals, commas) != text
        };
        let start = self.out.len();
        self.out.push_str(&text);
        self.figures.push(Ann {
            start: start as u32,
            end: self.out.len() as u32,
            key: ((self.story.cluster as u64) << 32) | key as u64,
            flag: conflict,
        });
    }

    fn sentence(&mut self, id: usize) {
        let g = self.g;
        let s = &g.sources.sentences[id];
        let para = s.quote && self.r.chance(PARAPHRASE_RATE);
        let start = self.out.len();
        for seg in &s.segs {
            match seg {
                Seg::Lit(t) => {
                    if para {
                        let p = paraphrase(t, &mut self.r);
                        self.out.push_str(&p);
                    } else {
                        self.out.push_str(t);
                    }
                }
                Seg::Name { person, src, form } => self.name(*person, *src, *form),
                Seg::Fig {
                    value,
                    decimals,
                    commas,
                    key,
                } => self.figure(*value, *decimals, *commas, *key),
            }
        }
        if s.quote {
            self.quotes.push(Ann {
                start: start as u32,
                end: self.out.len() as u32,
                key: id as u64,
                flag: para,
            });
        }
    }

    fn paragraph(&mut self, sentences: &[usize]) {
        for (k, &s) in sentences.iter().enumerate() {
            if k > 0 {
                self.out.push(' ');
            }
            self.sentence(s);
        }
    }

    fn dateline(&mut self, day_offset: u32) {
        let (y, m, d) = self.story.date;
        let d = (d + day_offset).min(28);
        let month = MONTHS[(m - 1) as usize];
        match self.r.below(4) {
            0 => self.out.push_str(&format!("{d} {month} {y}")),
            1 => self.out.push_str(&format!("date {y}-{m:02}-{d:02}")),
            2 => self.out.push_str(&format!("{month} {d}, {y}")),
            _ => return,
        }
        self.out.push_str("\n\n");
    }
}

impl Generator {
    pub fn new(sources: Sources, articles: usize, seed: u64) -> Generator {
        let extra_people = (articles / 4).clamp(40, 40_000);
        let extra_orgs = (articles / 20).clamp(10, 8_000);
        Generator {
            seed,
            articles,
            cast: Cast::new(seed, extra_people, extra_orgs),
            stories: articles.div_ceil(STORY_SIZE).max(1),
            sources,
        }
    }

    fn story(&self, sid: u64) -> Story {
        let mut r = Rng::derive(self.seed, 0x5707, sid);
        let cluster = r.below(self.sources.clusters.len());
        let date = (
            2012 + r.below(13) as i32,
            1 + r.below(12) as u32,
            1 + r.below(26) as u32,
        );
        let people = (0..SOURCE_PEOPLE.len())
            .map(|j| {
                if r.chance(0.45) {
                    j
                } else {
                    self.cast.draw_person(&mut r)
                }
            })
            .collect();
        let orgs = (0..SOURCE_ORGS.len())
            .map(|j| {
                if r.chance(0.6) {
                    j
                } else {
                    self.cast.draw_org(&mut r)
                }
            })
            .collect();
        Story {
            cluster,
            date,
            people,
            orgs,
            fig_seed: r.next_u64(),
        }
    }

    /// Generate article `i` (0-based) on its own.
    pub fn article(&self, i: usize) -> Article {
        let src = &self.sources;
        let sid = mix(self.seed ^ 0x570, i as u64) % self.stories as u64;
        let story = self.story(sid);
        let article_seed = mix(self.seed, 0xA271_0000 + i as u64);
        let mut r = Rng::new(article_seed);
        let transcript = i.is_multiple_of(TRANSCRIPT_EVERY) && !src.transcripts.is_empty();
        let dotted = r.chance(0.5);
        let day_offset = r.below(3) as u32;
        let cluster = &src.clusters[story.cluster];
        let doc_id = if transcript {
            *r.pick(&src.transcripts)
        } else {
            let plain: Vec<usize> = cluster
                .docs
                .iter()
                .copied()
                .filter(|d| !src.transcripts.contains(d))
                .collect();
            if plain.is_empty() {
                *r.pick(&cluster.docs)
            } else {
                *r.pick(&plain)
            }
        };
        let doc = &src.docs[doc_id];
        let date = story.date;
        let mut w = Writer {
            g: self,
            story,
            r,
            article_seed,
            dotted,
            out: String::with_capacity(if transcript {
                TRANSCRIPT_BYTES + 4096
            } else {
                8192
            }),
            mentions: Vec::new(),
            quotes: Vec::new(),
            figures: Vec::new(),
        };
        w.sentence(doc.title);
        let title_end = w.out.len();
        w.out.push_str("\n\n");
        w.dateline(day_offset);
        let sep = doc.para_sep;
        let target = if transcript {
            TRANSCRIPT_BYTES
        } else {
            let l = (3_200.0 * (0.55 * w.r.normal()).exp()).clamp(600.0, 14_000.0);
            l as usize
        };
        let body_start = w.out.len();
        let mut next_own = 0usize;
        let mut guard = 0;
        while w.out.len() < target && guard < 10_000 {
            guard += 1;
            if w.out.len() > body_start {
                w.out.push_str(sep);
            }
            let u = w.r.unit();
            let own = next_own == 0 || (transcript && u < 0.85) || (!transcript && u < 0.45);
            if own && next_own < doc.paragraphs.len() {
                let p = doc.paragraphs[next_own].clone();
                next_own += 1;
                w.paragraph(&p);
                continue;
            }
            let u = w.r.unit();
            if u < 0.55 {
                let (d, p) = *w.r.pick(&cluster.paragraphs);
                let p = src.docs[d].paragraphs[p].clone();
                w.paragraph(&p);
            } else if u < 0.85 {
                let n = 2 + w.r.below(3);
                let ss: Vec<usize> = (0..n).map(|_| *w.r.pick(&cluster.sentences)).collect();
                w.paragraph(&ss);
            } else {
                let c = w.r.pick(&src.clusters);
                let (d, p) = *w.r.pick(&c.paragraphs);
                let p = src.docs[d].paragraphs[p].clone();
                w.paragraph(&p);
            }
        }
        w.out.push('\n');
        let slug: String = w.out[..title_end]
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|s| !s.is_empty())
            .take(6)
            .map(|s| s.to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join("-");
        let (y, m, d) = date;
        let d = (d + day_offset).min(28);
        let kind = if transcript { "transcript-" } else { "" };
        Article {
            path: format!("{y}/{m:02}/{y}-{m:02}-{d:02}-{kind}{slug}-{i:06}.txt"),
            text: w.out,
            transcript,
            story: sid,
            mentions: w.mentions,
            quotes: w.quotes,
            figures: w.figures,
        }
    }

    /// Write every article under `out` (created; must be empty or a corpus
    /// this generator made) and the manifest. Returns the counts.
    pub fn write(&self, out: &Path) -> Result<Manifest, String> {
        prepare_out_dir(out)?;
        let stats = (0..self.articles)
            .into_par_iter()
            .with_min_len(64)
            .map(|i| {
                let a = self.article(i);
                let p = out.join(&a.path);
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
                }
                std::fs::write(&p, &a.text).map_err(|e| format!("{}: {e}", p.display()))?;
                let mut s = Stats::default();
                s.add(&a);
                Ok::<Stats, String>(s)
            })
            .try_reduce(Stats::default, |a, b| Ok(a.merge(b)))?;
        let mut stats = stats;
        stats.stories = self.stories;
        let m = Manifest {
            generator_version: GENERATOR_VERSION,
            seed: self.seed,
            articles: self.articles,
            source_fingerprint: format!("{:016x}", self.sources.fingerprint),
            source_files: self.sources.files.len(),
            source_bytes: self.sources.total_bytes(),
            stats,
        };
        let mdir = out.join(MANIFEST_DIR);
        std::fs::create_dir_all(&mdir).map_err(|e| format!("{}: {e}", mdir.display()))?;
        let json = serde_json::to_string_pretty(&m).map_err(|e| e.to_string())?;
        std::fs::write(mdir.join(MANIFEST), json + "\n")
            .map_err(|e| format!("{}: {e}", mdir.display()))?;
        Ok(m)
    }
}

/// Make `out` ready for a new corpus: create it, or clear a corpus this
/// generator wrote before. Anything else that is not empty is refused.
fn prepare_out_dir(out: &Path) -> Result<(), String> {
    if out.exists() {
        let mut entries = std::fs::read_dir(out).map_err(|e| format!("{}: {e}", out.display()))?;
        if entries.next().is_some() {
            if !out.join(MANIFEST_DIR).join(MANIFEST).is_file() {
                return Err(format!(
                    "{} is not empty and was not made by `claimlens bench generate`; choose another folder",
                    out.display()
                ));
            }
            // ours: remove the manifest first, so an interrupted clean-up is
            // never mistaken for a complete corpus
            let _ = std::fs::remove_file(out.join(MANIFEST_DIR).join(MANIFEST));
            std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
        }
    }
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_keep_their_style() {
        assert_eq!(format_figure(1234567.0, 0, true), "1,234,567");
        assert_eq!(format_figure(1.5, 1, false), "1.5");
        assert_eq!(format_figure(12345.25, 2, true), "12,345.25");
    }

    #[test]
    fn segments_find_names_and_quantities_but_not_dates() {
        let pats = patterns();
        let mut k = 0;
        let s = segment(
            "Mr Putin met Aleksandr Lukashenko on 20 December 2019 and lent $1.5 billion to 9,500 firms at 10:32; around 1.000 people protested.",
            &pats,
            &mut k,
        );
        let names: Vec<Form> = s
            .segs
            .iter()
            .filter_map(|x| match x {
                Seg::Name { form, .. } => Some(*form),
                _ => None,
            })
            .collect();
        assert_eq!(names, vec![Form::Honorific, Form::Full]);
        let figs: Vec<f64> = s
            .segs
            .iter()
            .filter_map(|x| match x {
                Seg::Fig { value, .. } => Some(*value),
                _ => None,
            })
            .collect();
        // "1.000 people" is a thousand, as the analysis reads it
        assert_eq!(figs, vec![1.5, 9500.0, 1000.0]);
        assert_eq!(k, 3);
    }
}
