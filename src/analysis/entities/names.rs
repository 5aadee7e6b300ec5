//! Name normalisation: folding accents and transliteration variants into
//! one key, edit distance for misspellings, and acronym / expansion
//! matching. Pure string functions shared by the recognizer and the index.

/// Lowercase and fold Latin diacritics to ASCII; other letters are kept
/// lowercased; everything that is not a letter or digit is dropped.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        if !c.is_alphanumeric() {
            continue;
        }
        let f = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'À' | 'Á' | 'Â' | 'Ã' | 'Ä'
            | 'Å' | 'Ā' | 'Ă' | 'Ą' => "a",
            'æ' | 'Æ' => "ae",
            'ç' | 'ć' | 'č' | 'ĉ' | 'ċ' | 'Ç' | 'Ć' | 'Č' => "c",
            'ď' | 'đ' | 'Ď' | 'Đ' | 'ð' => "d",
            'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' | 'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė'
            | 'Ę' | 'Ě' => "e",
            'ğ' | 'ģ' | 'Ğ' | 'Ģ' => "g",
            'ì' | 'í' | 'î' | 'ï' | 'ī' | 'į' | 'ı' | 'İ' | 'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' => {
                "i"
            }
            'ķ' | 'Ķ' => "k",
            'ł' | 'ľ' | 'ĺ' | 'ļ' | 'Ł' | 'Ľ' | 'Ĺ' | 'Ļ' => "l",
            'ñ' | 'ń' | 'ň' | 'ņ' | 'Ñ' | 'Ń' | 'Ň' | 'Ņ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø'
            | 'Ō' | 'Ő' => "o",
            'œ' | 'Œ' => "oe",
            'ř' | 'ŕ' | 'Ř' | 'Ŕ' => "r",
            'ś' | 'š' | 'ş' | 'ș' | 'Ś' | 'Š' | 'Ş' | 'Ș' => "s",
            'ß' => "ss",
            'ť' | 'ţ' | 'ț' | 'Ť' | 'Ţ' | 'Ț' => "t",
            'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' | 'ų' | 'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů'
            | 'Ű' | 'Ų' => "u",
            'ý' | 'ÿ' | 'Ý' => "y",
            'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
            'þ' | 'Þ' => "th",
            _ => {
                out.extend(c.to_lowercase());
                continue;
            }
        };
        out.push_str(f);
    }
    out
}

/// A key under which transliteration variants of one name meet:
/// Sergey / Sergei, Aleksandr / Alexander, Zelensky / Zelenskyy / Zelenskiy,
/// Natalya / Natalia, Yevgeny / Evgeny, Dmitry / Dmitriy.
pub fn translit_key(name: &str) -> String {
    let folded = fold(name);
    let f: Vec<char> = folded.chars().collect();
    let mut i = 0;
    // Yevgeny / Evgeny
    if f.len() > 2 && (f[0] == 'y' || f[0] == 'j') && f[1] == 'e' {
        i = 1;
    }
    let mut out = String::with_capacity(f.len());
    let push = |c: char, out: &mut String| {
        // doubled letters collapse: Zelenskii, Hassan, Nataliia
        if !out.ends_with(c) {
            out.push(c);
        }
    };
    while i < f.len() {
        let c = f[i];
        let n = f.get(i + 1).copied();
        let (emit, step) = match (c, n) {
            ('t', Some('c')) if f.get(i + 2) == Some(&'h') => ('c', 1),
            ('k', Some('s')) => ('x', 2),
            ('k', Some('h')) => ('h', 2),
            ('p', Some('h')) => ('f', 2),
            ('c', Some('k')) => ('k', 2),
            ('o', Some('u')) => ('u', 2),
            ('w', _) => ('v', 1),
            ('y' | 'j', _) => ('i', 1),
            _ => (c, 1),
        };
        push(emit, &mut out);
        i += step;
    }
    // Aleksander / Aleksandr, Peter / Petr
    if out.len() > 4 && out.ends_with("er") {
        out.truncate(out.len() - 2);
        out.push('r');
    }
    out
}

/// Damerau-Levenshtein distance at most 1 (one insertion, deletion,
/// substitution or transposition of adjacent characters).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let mut i = 0;
    while i < la.min(lb) && a[i] == b[i] {
        i += 1;
    }
    if la == lb {
        // substitution or transposition
        if a[i + 1..] == b[i + 1..] {
            return true;
        }
        return i + 1 < la && a[i] == b[i + 1] && a[i + 1] == b[i] && a[i + 2..] == b[i + 2..];
    }
    let (long, short) = if la > lb { (&a, &b) } else { (&b, &a) };
    long[i + 1..] == short[i..]
}

/// Keys of `s` with one character deleted, plus `s` itself: two strings
/// within one edit of each other share at least one of these keys.
pub fn deletion_keys(s: &str) -> Vec<String> {
    let chars: Vec<char> = s.chars().collect();
    let mut out = Vec::with_capacity(chars.len() + 1);
    out.push(s.to_string());
    for i in 0..chars.len() {
        let k: String = chars
            .iter()
            .enumerate()
            .filter(|(j, _)| *j != i)
            .map(|(_, c)| *c)
            .collect();
        out.push(k);
    }
    out.sort();
    out.dedup();
    out
}

/// Same surname written differently: one transliteration key, or one edit
/// apart when long enough for a single slip not to make another name.
pub fn same_surname(a: &str, b: &str, min_len_for_edit: usize) -> bool {
    let ka = translit_key(a);
    let kb = translit_key(b);
    if ka == kb {
        return true;
    }
    ka.chars().count().min(kb.chars().count()) >= min_len_for_edit
        && ka.chars().next() == kb.chars().next()
        && within_one_edit(&ka, &kb)
}

/// [`same_surname`] on keys already made by [`translit_key`].
pub fn same_surname_key(ka: &str, kb: &str, min_len_for_edit: usize) -> bool {
    ka == kb
        || (ka.len().min(kb.len()) >= min_len_for_edit
            && ka.chars().count().min(kb.chars().count()) >= min_len_for_edit
            && ka.chars().next() == kb.chars().next()
            && within_one_edit(ka, kb))
}

/// Levenshtein distance, stopping early above `max`.
pub fn edit_distance(a: &str, b: &str, max: usize) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    if a.len().abs_diff(b.len()) > max {
        return max + 1;
    }
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        cur[0] = i;
        let mut row_min = cur[0];
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            cur[j] = (prev[j] + 1).min(cur[j - 1] + 1).min(prev[j - 1] + cost);
            row_min = row_min.min(cur[j]);
        }
        if row_min > max {
            return max + 1;
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Two given-name keys (from [`translit_key`]) that are one name spelled
/// two ways: equal, an initial of the other, or long and close
/// (Aliaksandr / Alexander, Anthony / Antony).
pub fn same_given_key(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let (la, lb) = (a.chars().count(), b.chars().count());
    if la == 1 || lb == 1 {
        return a.starts_with(b) || b.starts_with(a);
    }
    la.min(lb) >= 6 && a.chars().next() == b.chars().next() && edit_distance(a, b, 2) <= 2
}

/// Words that an acronym usually skips.
pub fn is_function_word(w: &str) -> bool {
    matches!(
        w.to_ascii_lowercase().as_str(),
        "of" | "the"
            | "and"
            | "for"
            | "on"
            | "in"
            | "to"
            | "at"
            | "de"
            | "du"
            | "des"
            | "la"
            | "le"
            | "&"
            | "a"
            | "an"
            | "by"
            | "with"
    )
}

/// Shaped like an acronym: all capitals ("CSTO", "U.S.") or ending in two
/// capitals with at least two in all ("BelTA").
pub fn is_acronym(w: &str) -> bool {
    let (mut n, mut up, mut last2) = (0usize, 0usize, [false; 2]);
    for c in w.chars().filter(|c| c.is_alphabetic()) {
        n += 1;
        let u = c.is_uppercase();
        up += u as usize;
        last2 = [last2[1], u];
    }
    n >= 2 && (up == n || (up >= 2 && n <= 8 && last2[1]))
}

/// The uppercase letters of an acronym ("U.S." -> "US", "BelTA" -> "BELTA").
pub fn acronym_letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Initials of the content words of an expansion.
pub fn initials(words: &[&str]) -> String {
    words
        .iter()
        .filter(|w| !is_function_word(w))
        .filter_map(|w| w.chars().find(|c| c.is_alphanumeric()))
        .flat_map(char::to_uppercase)
        .collect()
}

/// Does `acr` abbreviate the expansion `words`? Every content word must give
/// its first letter, in order; a word may give more letters from inside it
/// (EAEU: Eurasian Economic Union, BelTA: Belarusian Telegraph Agency), and
/// function words may give theirs (CoE, DoD).
pub fn acronym_matches(acr: &str, words: &[&str]) -> bool {
    let a: Vec<char> = acronym_letters(acr).chars().collect();
    if a.len() < 2 || words.len() < 2 || a.len() > 2 * words.len() + 1 {
        return false;
    }
    let ws: Vec<(Vec<char>, bool)> = words
        .iter()
        .map(|w| {
            (
                w.chars()
                    .filter(|c| c.is_alphanumeric())
                    .flat_map(char::to_uppercase)
                    .collect::<Vec<char>>(),
                is_function_word(w),
            )
        })
        .filter(|(c, _)| !c.is_empty())
        .collect();
    // memoised search over (word index, acronym index)
    fn go(
        ws: &[(Vec<char>, bool)],
        a: &[char],
        wi: usize,
        ai: usize,
        memo: &mut Vec<Option<bool>>,
    ) -> bool {
        if wi == ws.len() {
            return ai == a.len();
        }
        let key = wi * (a.len() + 1) + ai;
        if let Some(r) = memo[key] {
            return r;
        }
        let (w, function) = &ws[wi];
        let mut ok = false;
        if *function && go(ws, a, wi + 1, ai, memo) {
            ok = true;
        }
        if !ok && ai < a.len() && w[0] == a[ai] {
            // take the first letter, then optionally more letters from inside
            let mut aj = ai + 1;
            if go(ws, a, wi + 1, aj, memo) {
                ok = true;
            }
            let mut k = 1;
            while !ok && aj < a.len() && k < w.len() {
                if w[k] == a[aj] {
                    aj += 1;
                    if go(ws, a, wi + 1, aj, memo) {
                        ok = true;
                    }
                }
                k += 1;
            }
        }
        memo[key] = Some(ok);
        ok
    }
    let mut memo = vec![None; (ws.len() + 1) * (a.len() + 1)];
    go(&ws, &a, 0, 0, &mut memo)
}

/// Key for organisation and place names: folded words, British and
/// American spellings met, a leading "the" dropped.
pub fn org_key(name: &str) -> String {
    let mut words: Vec<String> = name
        .split(|c: char| c.is_whitespace() || c == '-')
        .map(fold)
        .filter(|w| !w.is_empty())
        .collect();
    if words.first().is_some_and(|w| w == "the") && words.len() > 1 {
        words.remove(0);
    }
    for w in &mut words {
        if let Some(stem) = w.strip_suffix("isation") {
            *w = format!("{stem}ization");
        } else if let Some(stem) = w.strip_suffix("isations") {
            *w = format!("{stem}izations");
        }
        let m = match w.as_str() {
            "centre" => "center",
            "defence" => "defense",
            "programme" => "program",
            "labour" => "labor",
            "theatre" => "theater",
            "st" => "saint",
            _ => continue,
        };
        *w = m.to_string();
    }
    words.join(" ")
}

/// A patronymic ("Vladimirovich", "Petrovna").
pub fn is_patronymic(w: &str) -> bool {
    let f = fold(w);
    f.len() > 6
        && [
            "ovich", "evich", "ovych", "evych", "ich", "ovna", "evna", "ichna", "ivna", "yevna",
        ]
        .iter()
        .any(|s| f.ends_with(s))
}

/// Surname morphology common enough to count as weak evidence of a person
/// (Slavic and Caucasian endings).
pub fn looks_like_surname(w: &str) -> bool {
    let f = fold(w);
    f.len() >= 6
        && [
            "enko", "enka", "shvili", "dze", "ovich", "evich", "ski", "sky", "skiy", "skyi",
            "skaya", "ska", "ova", "eva", "ov", "ev", "yan", "yuk", "chuk",
        ]
        .iter()
        .any(|s| f.ends_with(s))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transliteration_variants_meet() {
        assert_eq!(translit_key("Sergey"), translit_key("Sergei"));
        assert_eq!(translit_key("Aleksandr"), translit_key("Alexander"));
        assert_eq!(translit_key("Zelensky"), translit_key("Zelenskyy"));
        assert_eq!(translit_key("Zelenskiy"), translit_key("Zelensky"));
        assert_eq!(translit_key("Natalya"), translit_key("Natalia"));
        assert_eq!(translit_key("Yevgeny"), translit_key("Evgeniy"));
        assert_ne!(translit_key("Hillary"), translit_key("Bill"));
    }

    #[test]
    fn misspellings() {
        assert!(within_one_edit("lukashenko", "lukashnko"));
        assert!(within_one_edit("lukashenko", "lukashenka"));
        assert!(within_one_edit("abcd", "abdc"));
        assert!(!within_one_edit("clinton", "clintons2"));
        assert!(same_surname("Lukashenko", "Lukashnko", 6));
        assert!(!same_surname("Clinton", "Clifton", 8));
        let a = deletion_keys("lukashenko");
        let b = deletion_keys("lukashnko");
        assert!(a.iter().any(|k| b.contains(k)));
    }

    #[test]
    fn given_name_variants() {
        let k = translit_key;
        assert!(same_given_key(&k("Aliaksandr"), &k("Alexander")));
        assert!(same_given_key(&k("Anthony"), &k("Antony")));
        assert!(same_given_key(&k("J"), &k("John")));
        assert!(!same_given_key(&k("Hillary"), &k("Bill")));
        assert!(!same_given_key(&k("Alexei"), &k("Alexander")));
        assert_eq!(edit_distance("kitten", "sitting", 5), 3);
    }

    #[test]
    fn acronyms() {
        let w = |s: &'static str| s.split(' ').collect::<Vec<_>>();
        assert!(acronym_matches(
            "CSTO",
            &w("Collective Security Treaty Organization")
        ));
        assert!(acronym_matches(
            "DHS",
            &w("Department of Homeland Security")
        ));
        assert!(acronym_matches("EAEU", &w("Eurasian Economic Union")));
        assert!(acronym_matches("BelTA", &w("Belarusian Telegraph Agency")));
        assert!(acronym_matches(
            "CIS",
            &w("Commonwealth of Independent States")
        ));
        assert!(!acronym_matches("SCO", &w("Collective Security Treaty")));
        assert!(!acronym_matches("NATO", &w("Union State")));
        assert!(!acronym_matches("GENEVA", &w("Geneva Airport")));
        assert_eq!(
            initials(&w("Shanghai Cooperation Organisation")),
            "SCO".to_string()
        );
    }

    #[test]
    fn keys() {
        assert_eq!(
            org_key("The Collective Security Treaty Organisation"),
            org_key("Collective Security Treaty Organization")
        );
        assert_eq!(fold("Łukaszenko"), "lukaszenko");
        assert!(is_patronymic("Vladimirovich"));
        assert!(!is_patronymic("Vladimir"));
        assert!(looks_like_surname("Lukashenko"));
        assert!(!looks_like_surname("Minsk"));
    }
}
