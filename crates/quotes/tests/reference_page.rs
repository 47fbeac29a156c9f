//! The reference page of issue 5 (an AFP story on Antony Blinken in Paris): every quoted
//! passage found and attributed as a careful reader would, with NER-style entities and with
//! the no-NER fallback. The page lives in the shared folder (not copied into the repository):
//! `$POLMON_SHARED/reference`, else `../shared/reference` beside the repository; or set
//! `POLMON_REFERENCE` to the page itself.

use polmon_model::{EntityMention, EntityType, Quote};
use polmon_quotes::find_quotes;

/// The page; a missing page fails the test (CI has it at `../shared/reference` beside the
/// repository) rather than letting it pass without checking anything.
fn page() -> String {
    let path = std::env::var("POLMON_REFERENCE").unwrap_or_else(|_| {
        let shared = std::env::var("POLMON_SHARED")
            .unwrap_or_else(|_| concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared").to_string());
        format!("{shared}/reference/000_757d977514273310.txt")
    });
    std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("reference page not readable at {path} ({e}): put the shared folder beside the repository, or set POLMON_SHARED to it or POLMON_REFERENCE to the page")
    })
}

/// Entity mentions as the NER would give them: every occurrence of each surface form.
fn entities(text: &str) -> Vec<EntityMention> {
    use EntityType::*;
    let table: &[(&str, EntityType, &str, Option<&str>)] = &[
        ("Antony Blinken", Person, "Antony Blinken", None),
        ("Anthony Blinken", Person, "Antony Blinken", None),
        ("Blinken", Person, "Antony Blinken", None),
        ("Stéphane Séjourné", Person, "Stéphane Séjourné", None),
        ("Emmanuel Macron", Person, "Emmanuel Macron", Some("President")),
        ("Sébastien Lecornu", Person, "Sébastien Lecornu", Some("Minister of the Armed Forces")),
        ("Joe Biden", Person, "Joe Biden", Some("American President")),
        ("Donald Trump", Person, "Donald Trump", None),
        ("Wang Yi", Person, "Wang Yi", None),
        ("Audrey Azoulay", Person, "Audrey Azoulay", Some("general director")),
        ("Nikol Pashinian", Person, "Nikol Pashinian", Some("Armenian Prime Minister")),
        ("Putin", Person, "Vladimir Putin", None),
        ("NATO", Organization, "NATO", None),
        ("UNESCO", Organization, "UNESCO", None),
        ("AFP", Organization, "AFP", None),
        ("Congress", Organization, "United States Congress", None),
        ("Nexter", Organization, "Nexter", None),
        ("KNDS", Organization, "KNDS", None),
        ("France", Location, "France", None),
        ("Paris", Location, "Paris", None),
        ("Ukraine", Location, "Ukraine", None),
        ("Russia", Location, "Russia", None),
        ("China", Location, "China", None),
        ("Washington", Location, "Washington", None),
        ("Versailles", Location, "Versailles", None),
        ("Beijing", Location, "Beijing", None),
        ("Cairo", Location, "Cairo", None),
        ("Brussels", Location, "Brussels", None),
        ("United States", Location, "United States", None),
    ];
    let chars: Vec<char> = text.chars().collect();
    let mut taken = vec![false; chars.len()];
    let mut out = Vec::new();
    for (surface, kind, canonical, role) in table {
        let pat: Vec<char> = surface.chars().collect();
        let mut i = 0;
        while i + pat.len() <= chars.len() {
            let fits = chars[i..i + pat.len()] == pat[..]
                && !taken[i..i + pat.len()].iter().any(|&t| t)
                && (i == 0 || !chars[i - 1].is_alphanumeric())
                && chars.get(i + pat.len()).is_none_or(|c| !c.is_alphanumeric());
            if fits {
                taken[i..i + pat.len()].iter_mut().for_each(|t| *t = true);
                out.push(EntityMention {
                    text: surface.to_string(),
                    start: i,
                    end: i + pat.len(),
                    entity_type: *kind,
                    canonical: canonical.to_string(),
                    role: role.map(str::to_string),
                });
                i += pat.len();
            } else {
                i += 1;
            }
        }
    }
    out.sort_by_key(|m| m.start);
    out
}

/// The quote holding `snippet`.
fn quote<'q>(quotes: &'q [Quote], snippet: &str) -> &'q Quote {
    quotes
        .iter()
        .find(|q| q.text.contains(snippet))
        .unwrap_or_else(|| panic!("no quote holds {snippet:?}; found {:#?}", quotes.iter().map(|q| &q.text).collect::<Vec<_>>()))
}

fn check(text: &str, quotes: &[Quote]) {
    let chars: Vec<char> = text.chars().collect();
    for q in quotes {
        assert_eq!(q.text, chars[q.start..q.end].iter().collect::<String>(), "offsets are code points");
    }
    let named = |snippet: &str, who: &str, direct: bool| {
        let q = quote(quotes, snippet);
        assert_eq!(q.speaker_canonical.as_deref(), Some(who), "speaker of {snippet:?}: {q:?}");
        assert_eq!(q.direct, direct, "direct flag of {snippet:?}");
    };
    let described = |snippet: &str, words: &str| {
        let q = quote(quotes, snippet);
        let s = q.speaker.as_deref().unwrap_or_default().replace('’', "'");
        assert!(s.contains(words), "speaker of {snippet:?} should mention {words:?}: {q:?}");
        assert_eq!(q.speaker_canonical, None, "{snippet:?} has no named speaker");
        assert!(q.direct);
    };
    named("Putin has no interest in widening the conflict", "Antony Blinken", true);
    named("a surge", "France", false);
    named("Investments in the defense industrial base", "Antony Blinken", true);
    named("quickly and effectively", "Antony Blinken", false);
    named("in the coming times", "Sébastien Lecornu", false);
    named("very clear messages to Russia", "Stéphane Séjourné", true);
    named("Obviously, China plays a key role", "Stéphane Séjourné", true);
    described("the major international crises", "Orsay");
    described("On Ukraine, the objective is", "Séjourné's entourage");
    described("Franco-American cooperation", "Séjourné's entourage");
    described("This visit underlines the place", "a UNESCO diplomat");
    // The headline quote is attributed through the role the body gives Blinken.
    assert_eq!(quote(quotes, "Putin has no interest").speaker.as_deref(), Some("the head of American diplomacy"));
    assert_eq!(quote(quotes, "Obviously, China").speaker.as_deref(), Some("the French minister"));
}

#[test]
fn reference_page_with_ner_entities() {
    let text = page();
    let ents = entities(&text);
    assert!(ents.len() > 30);
    check(&text, &find_quotes(&text, &ents, "en"));
}

#[test]
fn reference_page_with_fallback_entities() {
    let text = page();
    check(&text, &find_quotes(&text, &[], "en"));
}
