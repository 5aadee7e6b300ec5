//! Units: what a number is counted in, and how to bring it to the base unit
//! of its dimension so that "2,000 km" and "2,000 kilometres", "2,700 tons"
//! and "2,700 tonnes" compare equal.
//!
//! Like quantulum's unit table, each surface form maps to one unit, and
//! each unit to a dimension (length, mass, money in one currency, ...);
//! ambiguous surfaces are settled by their neighbours ("pounds" after a
//! scale word is money, otherwise weight; "m" after digits is a metre,
//! "M" a million).

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use super::numbers::lower;

/// What a figure measures, independent of the unit it is written in.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Dim {
    /// A number of things ("12,000 students"); the thing is the unit.
    Count,
    Money,
    Percent,
    PercentPoint,
    Length,
    Area,
    Volume,
    Mass,
    Duration,
    Speed,
    Information,
    Power,
    Energy,
    Angle,
    /// A calendar date or period.
    Date,
    /// A rank ("80th anniversary").
    Ordinal,
}

impl Dim {
    pub fn as_str(self) -> &'static str {
        match self {
            Dim::Count => "count",
            Dim::Money => "money",
            Dim::Percent => "percent",
            Dim::PercentPoint => "percentage points",
            Dim::Length => "length",
            Dim::Area => "area",
            Dim::Volume => "volume",
            Dim::Mass => "mass",
            Dim::Duration => "duration",
            Dim::Speed => "speed",
            Dim::Information => "information",
            Dim::Power => "power",
            Dim::Energy => "energy",
            Dim::Angle => "angle",
            Dim::Date => "date",
            Dim::Ordinal => "ordinal",
        }
    }

    /// Physical measures, which a text rarely gives for two different
    /// things in one breath, unlike counts, shares, sums and durations.
    pub fn is_physical(self) -> bool {
        matches!(
            self,
            Dim::Length
                | Dim::Area
                | Dim::Volume
                | Dim::Mass
                | Dim::Speed
                | Dim::Power
                | Dim::Energy
        )
    }
}

/// A unit: its display name, the base unit of its dimension and the factor
/// to it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Unit {
    /// Normalised name as shown ("km", "tonne", "day", "USD").
    pub name: &'static str,
    /// Base unit of the dimension ("metre", "tonne", "day", "USD").
    pub base: &'static str,
    pub dim: Dim,
    /// Multiply a value in this unit by `factor` to get the base unit.
    pub factor: f64,
}

const fn u(name: &'static str, base: &'static str, dim: Dim, factor: f64) -> Unit {
    Unit {
        name,
        base,
        dim,
        factor,
    }
}

pub const PERCENT: Unit = u("percent", "percent", Dim::Percent, 1.0);
pub const PERCENT_POINT: Unit = u(
    "percentage point",
    "percentage point",
    Dim::PercentPoint,
    1.0,
);
pub const DATE: Unit = u("date", "day", Dim::Date, 1.0);
pub const ORDINAL: Unit = u("ordinal", "ordinal", Dim::Ordinal, 1.0);
pub const COUNT: Unit = u("count", "count", Dim::Count, 1.0);

const KM: Unit = u("km", "metre", Dim::Length, 1000.0);
const METRE: Unit = u("m", "metre", Dim::Length, 1.0);
const CM: Unit = u("cm", "metre", Dim::Length, 0.01);
const MM: Unit = u("mm", "metre", Dim::Length, 0.001);
const DM: Unit = u("dm", "metre", Dim::Length, 0.1);
const MICROMETRE: Unit = u("µm", "metre", Dim::Length, 1e-6);
const PICOMETRE: Unit = u("pm", "metre", Dim::Length, 1e-12);
const MILE: Unit = u("mile", "metre", Dim::Length, 1609.344);
const NAUTICAL_MILE: Unit = u("nautical mile", "metre", Dim::Length, 1852.0);
const FOOT: Unit = u("foot", "metre", Dim::Length, 0.3048);
const INCH: Unit = u("inch", "metre", Dim::Length, 0.0254);
const YARD: Unit = u("yard", "metre", Dim::Length, 0.9144);

const KM2: Unit = u("km²", "m²", Dim::Area, 1e6);
const M2: Unit = u("m²", "m²", Dim::Area, 1.0);
const HECTARE: Unit = u("hectare", "m²", Dim::Area, 1e4);
const ACRE: Unit = u("acre", "m²", Dim::Area, 4046.8564224);
const SQ_MILE: Unit = u("square mile", "m²", Dim::Area, 2_589_988.110336);
const SQ_FOOT: Unit = u("square foot", "m²", Dim::Area, 0.09290304);

const LITRE: Unit = u("litre", "litre", Dim::Volume, 1.0);
const ML: Unit = u("ml", "litre", Dim::Volume, 0.001);
const GALLON: Unit = u("gallon", "litre", Dim::Volume, 3.785411784);
const BARREL: Unit = u("barrel", "litre", Dim::Volume, 158.987294928);
const M3: Unit = u("m³", "litre", Dim::Volume, 1000.0);
const CUBIC_FOOT: Unit = u("cubic foot", "litre", Dim::Volume, 28.316846592);
const TABLESPOON: Unit = u("tablespoon", "litre", Dim::Volume, 0.01478676);
const TEASPOON: Unit = u("teaspoon", "litre", Dim::Volume, 0.00492892);
const CUP: Unit = u("cup", "litre", Dim::Volume, 0.2365882);

/// Tons and tonnes compare as one unit: news copy uses "tons" for metric
/// tonnes as often as for short tons, and the 9% between them is within
/// the rounding of the round figures such amounts come in.
const TONNE: Unit = u("tonne", "tonne", Dim::Mass, 1.0);
const KG: Unit = u("kg", "tonne", Dim::Mass, 1e-3);
const GRAM: Unit = u("g", "tonne", Dim::Mass, 1e-6);
const MG: Unit = u("mg", "tonne", Dim::Mass, 1e-9);
const MICROGRAM: Unit = u("µg", "tonne", Dim::Mass, 1e-12);
const POUND: Unit = u("pound", "tonne", Dim::Mass, 0.000_453_592_37);
const OUNCE: Unit = u("ounce", "tonne", Dim::Mass, 0.000_028_349_523);

const SECOND: Unit = u("second", "day", Dim::Duration, 1.0 / 86400.0);
const MINUTE: Unit = u("minute", "day", Dim::Duration, 1.0 / 1440.0);
const HOUR: Unit = u("hour", "day", Dim::Duration, 1.0 / 24.0);
pub const DAY: Unit = u("day", "day", Dim::Duration, 1.0);
const WEEK: Unit = u("week", "day", Dim::Duration, 7.0);
const MONTH: Unit = u("month", "day", Dim::Duration, 30.436875);
pub const YEAR: Unit = u("year", "day", Dim::Duration, 365.2425);
const DECADE: Unit = u("decade", "day", Dim::Duration, 3652.425);
const CENTURY: Unit = u("century", "day", Dim::Duration, 36524.25);

const KMH: Unit = u("km/h", "km/h", Dim::Speed, 1.0);
const MPH: Unit = u("mph", "km/h", Dim::Speed, 1.609344);
const KNOT: Unit = u("knot", "km/h", Dim::Speed, 1.852);
const MPS: Unit = u("m/s", "km/h", Dim::Speed, 3.6);

const BIT: Unit = u("bit", "byte", Dim::Information, 0.125);
const BYTE: Unit = u("byte", "byte", Dim::Information, 1.0);
const KB: Unit = u("KB", "byte", Dim::Information, 1e3);
const MB: Unit = u("MB", "byte", Dim::Information, 1e6);
const MBIT: Unit = u("Mb", "byte", Dim::Information, 1.25e5);
const GB: Unit = u("GB", "byte", Dim::Information, 1e9);
const TB: Unit = u("TB", "byte", Dim::Information, 1e12);

const KW: Unit = u("kW", "watt", Dim::Power, 1e3);
const MW: Unit = u("MW", "watt", Dim::Power, 1e6);
const GW: Unit = u("GW", "watt", Dim::Power, 1e9);
const KWH: Unit = u("kWh", "Wh", Dim::Energy, 1e3);
const MWH: Unit = u("MWh", "Wh", Dim::Energy, 1e6);
const GWH: Unit = u("GWh", "Wh", Dim::Energy, 1e9);
const TWH: Unit = u("TWh", "Wh", Dim::Energy, 1e12);

const DEGREE: Unit = u("degree", "degree", Dim::Angle, 1.0);
const RADIAN: Unit = u("radian", "degree", Dim::Angle, 57.295_779_513);
const TURN: Unit = u("turn", "degree", Dim::Angle, 360.0);

/// A single-word unit after a number, case-insensitive unless the case
/// matters ("MB" is a megabyte, "mb" a megabit, "M" not a metre).
pub fn unit_word(raw: &str) -> Option<Unit> {
    unit_word_low(raw, lower(raw).as_str())
}

/// [`unit_word`] given the word's lower-case form as well.
pub fn unit_word_low(raw: &str, low: &str) -> Option<Unit> {
    // case-sensitive forms first
    match raw {
        "MB" | "MByte" | "MBytes" => return Some(MB),
        "Mb" | "mb" | "Mbit" | "Mbits" => return Some(MBIT),
        "GB" => return Some(GB),
        "TB" => return Some(TB),
        "KB" | "kB" => return Some(KB),
        "kW" | "KW" => return Some(KW),
        "MW" => return Some(MW),
        "GW" => return Some(GW),
        "kWh" | "KWh" => return Some(KWH),
        "MWh" => return Some(MWH),
        "GWh" => return Some(GWH),
        "TWh" => return Some(TWH),
        "m" => return Some(METRE),
        "t" => return Some(TONNE),
        "M" | "B" | "G" | "K" | "T" => return None,
        _ => {}
    }
    unit_lc(low)
}

/// Lower-case unit words and their units.
pub(crate) const UNIT_WORDS: &[(&[&str], Unit)] = &[
    (
        &[
            "km",
            "kms",
            "kilometre",
            "kilometres",
            "kilometer",
            "kilometers",
            "klicks",
        ],
        KM,
    ),
    (&["metre", "metres", "meter", "meters"], METRE),
    (
        &[
            "cm",
            "centimetre",
            "centimetres",
            "centimeter",
            "centimeters",
        ],
        CM,
    ),
    (
        &[
            "mm",
            "millimetre",
            "millimetres",
            "millimeter",
            "millimeters",
        ],
        MM,
    ),
    (
        &["dm", "decimetre", "decimetres", "decimeter", "decimeters"],
        DM,
    ),
    (
        &[
            "μm",
            "µm",
            "micrometre",
            "micrometres",
            "micrometer",
            "micrometers",
            "micron",
            "microns",
        ],
        MICROMETRE,
    ),
    (
        &["picometer", "picometers", "picometre", "picometres"],
        PICOMETRE,
    ),
    (&["mile", "miles", "mi"], MILE),
    (&["foot", "feet", "ft"], FOOT),
    (&["inch", "inches"], INCH),
    (&["yard", "yards", "yd", "yds"], YARD),
    (&["km2", "km²"], KM2),
    (&["m2", "m²"], M2),
    (&["hectare", "hectares", "ha"], HECTARE),
    (&["acre", "acres"], ACRE),
    (&["litre", "litres", "liter", "liters"], LITRE),
    (
        &[
            "ml",
            "millilitre",
            "millilitres",
            "milliliter",
            "milliliters",
        ],
        ML,
    ),
    (&["gallon", "gallons", "gal"], GALLON),
    (&["barrel", "barrels", "bbl", "bbls"], BARREL),
    (&["m3", "m³"], M3),
    (&["tablespoon", "tablespoons", "tbsp"], TABLESPOON),
    (&["teaspoon", "teaspoons", "tsp"], TEASPOON),
    (&["cup", "cups"], CUP),
    (&["tonne", "tonnes", "ton", "tons"], TONNE),
    (
        &[
            "kg",
            "kgs",
            "kilogram",
            "kilograms",
            "kilogramme",
            "kilogrammes",
            "kilo",
            "kilos",
        ],
        KG,
    ),
    (&["g", "gram", "grams", "gramme", "grammes"], GRAM),
    (
        &[
            "mg",
            "milligram",
            "milligrams",
            "milligramme",
            "milligrammes",
        ],
        MG,
    ),
    (
        &[
            "μg",
            "µg",
            "mcg",
            "microgram",
            "micrograms",
            "microgramme",
            "microgrammes",
        ],
        MICROGRAM,
    ),
    (&["lb", "lbs", "pound", "pounds"], POUND),
    (&["oz", "ounce", "ounces"], OUNCE),
    (&["second", "seconds", "sec", "secs"], SECOND),
    (&["minute", "minutes", "min", "mins"], MINUTE),
    (&["hour", "hours", "hr", "hrs"], HOUR),
    (&["day", "days"], DAY),
    (&["week", "weeks"], WEEK),
    (&["month", "months"], MONTH),
    (&["year", "years", "yr", "yrs"], YEAR),
    (&["decade", "decades"], DECADE),
    (&["century", "centuries"], CENTURY),
    (&["kph", "kmph", "kmh"], KMH),
    (&["mph"], MPH),
    (&["knot", "knots"], KNOT),
    (&["bit", "bits"], BIT),
    (&["byte", "bytes"], BYTE),
    (&["gigabyte", "gigabytes"], GB),
    (&["megabyte", "megabytes"], MB),
    (&["megabit", "megabits"], MBIT),
    (&["terabyte", "terabytes"], TB),
    (&["kilowatt", "kilowatts"], KW),
    (&["megawatt", "megawatts"], MW),
    (&["gigawatt", "gigawatts"], GW),
    (&["degree", "degrees", "°"], DEGREE),
    (&["radian", "radians", "rad"], RADIAN),
    (&["turn", "turns"], TURN),
];

/// A unit from a lower-case word (see [`unit_word`] for the forms whose
/// case matters). A hash map: asked of many words.
pub fn unit_lc(l: &str) -> Option<Unit> {
    static MAP: OnceLock<FxHashMap<&'static str, Unit>> = OnceLock::new();
    MAP.get_or_init(|| {
        UNIT_WORDS
            .iter()
            .flat_map(|(names, u)| names.iter().map(move |n| (*n, *u)))
            .collect()
    })
    .get(l)
    .copied()
}

/// Units of more than one word, starting at `words[0]`; returns the unit
/// and how many words it used. `words` are lower-cased.
pub fn unit_phrase(words: &[&str]) -> Option<(Unit, usize)> {
    let w0 = *words.first()?;
    let w1 = words.get(1).copied().unwrap_or("");
    let w2 = words.get(2).copied().unwrap_or("");
    let per_hour = |w: &str, x: &str| {
        (w == "per" || w == "an" || w == "a") && matches!(x, "hour" | "hr" | "h")
    };
    match w0 {
        "metric" | "short" | "long" if matches!(w1, "ton" | "tons" | "tonne" | "tonnes") => {
            Some((TONNE, 2))
        }
        "nautical" if matches!(w1, "mile" | "miles") => Some((NAUTICAL_MILE, 2)),
        "square" | "sq" => {
            let (unit, n) = match w1 {
                "kilometres" | "kilometers" | "kilometre" | "kilometer" | "km" => (KM2, 2),
                "metres" | "meters" | "metre" | "meter" | "m" => (M2, 2),
                "miles" | "mile" | "mi" => (SQ_MILE, 2),
                "feet" | "foot" | "ft" => (SQ_FOOT, 2),
                _ => return None,
            };
            Some((unit, n))
        }
        "cubic" => {
            let unit = match w1 {
                "metres" | "meters" | "metre" | "meter" | "m" => M3,
                "feet" | "foot" | "ft" => CUBIC_FOOT,
                _ => return None,
            };
            Some((unit, 2))
        }
        "per" if w1 == "cent" => Some((PERCENT, 2)),
        "percentage" | "percent" | "per" if matches!(w1, "point" | "points") => {
            Some((PERCENT_POINT, 2))
        }
        "per" if w1 == "cent" && matches!(w2, "point" | "points") => Some((PERCENT_POINT, 3)),
        "miles" | "mile" if per_hour(w1, w2) => Some((MPH, 3)),
        "kilometres" | "kilometers" | "kilometre" | "kilometer" | "km" if per_hour(w1, w2) => {
            Some((KMH, 3))
        }
        "metres" | "meters" | "m" if w1 == "per" && matches!(w2, "second" | "sec" | "s") => {
            Some((MPS, 3))
        }
        _ => None,
    }
}

/// A currency written before the amount: symbols, codes and spaced forms
/// ("$", "US$", "€", "£", "USD", "C$", "HK$", "Rs").
pub fn currency_symbol(s: &str) -> Option<&'static str> {
    Some(match s {
        "$" | "US$" | "USD" | "USD$" | "usd" => "USD",
        "€" | "EUR" | "eur" => "EUR",
        "£" | "GBP" | "gbp" => "GBP",
        "¥" | "JPY" => "JPY",
        "₽" | "RUB" => "RUB",
        "₹" | "INR" | "Rs" | "Rs." => "INR",
        "₴" | "UAH" => "UAH",
        "₿" | "BTC" => "BTC",
        "元" | "RMB" | "CNY" | "rmb" => "CNY",
        "C$" | "CAD" => "CAD",
        "A$" | "AUD" => "AUD",
        "HK$" | "HKD" => "HKD",
        "NZ$" | "NZD" => "NZD",
        "Mex$" | "MXN" => "MXN",
        "CHF" => "CHF",
        "₡" => "CRC",
        "₾" => "GEL",
        "₭" => "LAK",
        "ரூ" => "LKR",
        _ => return None,
    })
}

/// The two-token prefix forms "us $", "c $", "hk $", "u.s $", "usd$".
pub fn currency_prefix_word(w: &str) -> Option<&'static str> {
    let l = lower(w);
    Some(match l.as_str() {
        "us" | "u.s" | "u.s." | "usd" => "USD",
        "c" | "ca" | "can" | "cad" => "CAD",
        // "A$" only glued: "a $1.5 billion loan" is an article
        "a" if w == "A" => "AUD",
        "au" | "aud" => "AUD",
        "hk" | "hkd" => "HKD",
        "nz" | "nzd" => "NZD",
        "mex" | "mxn" => "MXN",
        _ => return None,
    })
}

/// A currency named after the amount ("dollars", "roubles", "euros"),
/// with the factor to its main unit (cents are hundredths). `prev` is the
/// word before, for "Australian dollars" or "Swiss francs".
pub fn currency_word(w: &str, prev: &str) -> Option<(&'static str, f64)> {
    currency_word_low(lower(w).as_str(), lower(prev).as_str())
}

/// [`currency_word`] on lower-case words.
pub fn currency_word_low(l: &str, p: &str) -> Option<(&'static str, f64)> {
    let code = match l {
        "dollar" | "dollars" | "buck" | "bucks" => match p {
            "australian" => "AUD",
            "canadian" => "CAD",
            "hong" | "kong" => "HKD",
            "singapore" => "SGD",
            "zealand" => "NZD",
            "taiwan" | "taiwanese" => "TWD",
            _ => "USD",
        },
        "usd" => "USD",
        "eur" => "EUR",
        "gbp" => "GBP",
        "rmb" | "cny" | "yuan" | "renminbi" | "kuai" | "元" => "CNY",
        "euro" | "euros" => "EUR",
        "sterling" => "GBP",
        "rouble" | "roubles" | "ruble" | "rubles" => {
            if matches!(p, "belarusian" | "belarus") {
                "BYN"
            } else {
                "RUB"
            }
        }
        "yen" => "JPY",
        "rupee" | "rupees" => match p {
            "pakistani" => "PKR",
            "sri" | "lankan" => "LKR",
            _ => "INR",
        },
        "franc" | "francs" => match p {
            "swiss" => "CHF",
            _ => "FRF",
        },
        "lira" | "liras" | "lire" => "TRY",
        "markka" | "markkaa" => "FIM",
        "peseta" | "pesetas" => "ESP",
        "guilder" | "guilders" => "NLG",
        "hryvnia" | "hryvnias" | "hryvnas" => "UAH",
        "zloty" | "zlotys" => "PLN",
        "peso" | "pesos" => "MXN",
        "rand" => "ZAR",
        "won" if p == "korean" => "KRW",
        "riyal" | "riyals" => "SAR",
        "dirham" | "dirhams" => "AED",
        "shekel" | "shekels" => "ILS",
        "bitcoin" | "bitcoins" | "btc" => "BTC",
        "cent" | "cents" => return Some(("USD", 0.01)),
        "pence" | "penny" | "pennies" => return Some(("GBP", 0.01)),
        _ => return None,
    };
    Some((code, 1.0))
}

/// A currency unit as a [`Unit`].
pub fn money(code: &'static str, factor: f64) -> Unit {
    Unit {
        name: code,
        base: code,
        dim: Dim::Money,
        factor,
    }
}

/// "%", "percent", "per cent", "pct", "percentage".
pub fn percent_word(w: &str) -> bool {
    w == "%" || {
        let l = lower(w);
        matches!(
            l.as_str(),
            "percent" | "percents" | "pct" | "percentage" | "percentages"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_compare_through_the_base() {
        let km = unit_word("km").unwrap();
        let kms = unit_word("kilometres").unwrap();
        assert_eq!(km, kms);
        assert_eq!(unit_word("tons").unwrap(), unit_word("tonnes").unwrap());
        assert_eq!(unit_phrase(&["metric", "tons"]).unwrap().0.base, "tonne");
        assert_eq!(unit_phrase(&["per", "cent"]).unwrap().0.dim, Dim::Percent);
        assert_eq!(
            unit_phrase(&["percentage", "points"]).unwrap().0.dim,
            Dim::PercentPoint
        );
        assert_eq!(unit_word("MB").unwrap().name, "MB");
        assert_eq!(unit_word("mb").unwrap().name, "Mb");
        assert!(unit_word("M").is_none());
        assert_eq!(currency_word("roubles", "").unwrap().0, "RUB");
        assert_eq!(currency_word("dollars", "Australian").unwrap().0, "AUD");
        assert_eq!(currency_word("cents", "").unwrap(), ("USD", 0.01));
        assert_eq!(currency_symbol("€"), Some("EUR"));
    }
}
