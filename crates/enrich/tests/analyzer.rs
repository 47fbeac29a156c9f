//! End-to-end behaviour of `Analyzer` with the bundled models, on sentences from a real
//! article (the reference page in shared/reference) and hand-written ones.

use polmon_enrich::{Analyzer, Document};
use polmon_model::{Analysis, EntityMention, EntityType};

fn analyze(text: &str) -> Analysis {
    Analyzer::new().analyze(&Document { title: None, text, lang_hint: None })
}

fn find<'a>(a: &'a Analysis, text: &str) -> &'a EntityMention {
    a.entities
        .iter()
        .find(|e| e.text == text)
        .unwrap_or_else(|| panic!("no entity {text:?} in {:#?}", a.entities))
}

const REFERENCE: &str = "The head of American diplomacy Antony Blinken is in France on Tuesday to discuss major international crises, including Ukraine and the Middle East, with his counterpart Stéphane Séjourné, President Emmanuel Macron and Minister of the Armed Forces Sébastien Lecornu.\n\n\
“Investments in the defense industrial base are also an investment in ourselves,” Blinken told reporters in Versailles, pleading for the US Congress to act “quickly and effectively”.\n\n\
“Obviously, China plays a key role in (…) respect for international law, including the sovereignty of Ukraine,” argued the French minister to his Chinese counterpart Wang Yi.\n\n\
With Stéphane Séjourné, Anthony Blinken will discuss “the major international crises: the Middle East and the war in Ukraine, but also Sudan”, indicated the quai d’ Orsay.\n\n\
On the sidelines of this meeting, he will also have a trilateral meeting with Armenian Prime Minister Nikol Pashinian and the leaders of the European Union.";

#[test]
fn reference_people_roles_and_canonicals() {
    let a = analyze(REFERENCE);
    assert_eq!(a.language.as_ref().unwrap().code, "en");
    let blinken = find(&a, "Antony Blinken");
    assert_eq!(blinken.entity_type, EntityType::Person);
    assert_eq!(blinken.role.as_deref(), Some("head of American diplomacy"));
    assert_eq!(find(&a, "Blinken").canonical, "Antony Blinken");
    assert_eq!(find(&a, "Anthony Blinken").canonical, "Antony Blinken");
    assert_eq!(find(&a, "Sébastien Lecornu").role.as_deref(), Some("Minister of the Armed Forces"));
    assert_eq!(find(&a, "Emmanuel Macron").role.as_deref(), Some("President"));
    assert_eq!(find(&a, "Wang Yi").role.as_deref(), Some("Chinese counterpart"));
    assert_eq!(find(&a, "Nikol Pashinian").role.as_deref(), Some("Armenian Prime Minister"));
    assert_eq!(find(&a, "France").entity_type, EntityType::Location);
    // Quotes are attributed through the entities found here.
    let investments = a.quotes.iter().find(|q| q.text.starts_with("Investments")).expect("the Versailles quote");
    assert_eq!(investments.speaker_canonical.as_deref(), Some("Antony Blinken"));
    assert!(investments.direct);
    let china = a.quotes.iter().find(|q| q.text.starts_with("Obviously")).expect("the China quote");
    // In this excerpt only Lecornu carries a minister's title (the full page, where
    // Séjourné is "his French counterpart", is the quotes crate's test).
    assert_eq!(china.speaker.as_deref(), Some("the French minister"));
    assert_eq!(china.speaker_canonical.as_deref(), Some("Sébastien Lecornu"), "{china:?}");
    assert!(a.categories.iter().any(|c| c.name == "diplomacy"), "{:?}", a.categories);
    assert!(a.countries.iter().any(|c| c == "FR") && a.countries.iter().any(|c| c == "UA"), "{:?}", a.countries);
}

#[test]
fn offsets_are_code_points_into_the_text() {
    let a = analyze(REFERENCE);
    let chars: Vec<char> = REFERENCE.chars().collect();
    assert!(a.entities.len() >= 10);
    for e in &a.entities {
        let slice: String = chars[e.start..e.end].iter().collect();
        assert_eq!(slice, e.text);
    }
    // "Sébastien Lecornu" sits after accented text: byte and code-point offsets differ there
    let s = find(&a, "Sébastien Lecornu");
    let byte = REFERENCE.find("Sébastien Lecornu").unwrap();
    assert_ne!(byte, s.start);
    assert_eq!(REFERENCE[..byte].chars().count(), s.start);
}

#[test]
fn french_role_and_entities() {
    let text = "Il a d'abord accompagné le ministre des Armées Sébastien Lecornu à Versailles, puis le président Emmanuel Macron l'a reçu à Paris.";
    let a = analyze(text);
    assert_eq!(a.language.as_ref().unwrap().code, "fr");
    let l = find(&a, "Sébastien Lecornu");
    assert_eq!(l.entity_type, EntityType::Person);
    assert_eq!(l.role.as_deref(), Some("ministre des Armées"));
    assert_eq!(find(&a, "Emmanuel Macron").role.as_deref(), Some("président"));
    assert_eq!(find(&a, "Paris").entity_type, EntityType::Location);
}

#[test]
fn hand_written_english_sentences() {
    let a = analyze("Angela Merkel met executives of Siemens in Munich on Monday.\nThe World Health Organization said on Friday that Germany had reported new cases.");
    assert_eq!(find(&a, "Angela Merkel").entity_type, EntityType::Person);
    assert_eq!(find(&a, "Munich").entity_type, EntityType::Location);
    assert_eq!(find(&a, "Germany").entity_type, EntityType::Location);
    assert_eq!(find(&a, "World Health Organization").entity_type, EntityType::Organization);
}

#[test]
fn empty_and_entity_free_text() {
    assert!(analyze("").entities.is_empty());
    assert!(analyze("it was a quiet day and nothing happened at all.").entities.is_empty());
}

#[test]
fn names_before_a_possessive_after_a_title_or_with_a_particle_stay_whole() {
    let a = analyze(
        "The count gave 279 electoral votes to President Donald Trump's campaign on Monday. \
         Theresa May said Bashar al-Assad had met Abdel Fattah el-Sisi. \
         Nancy Pelosi, the Speaker of the House of Representatives, ordered flags lowered.",
    );
    assert_eq!(find(&a, "Donald Trump").entity_type, EntityType::Person);
    assert_eq!(find(&a, "Theresa May").entity_type, EntityType::Person);
    assert_eq!(find(&a, "Bashar al-Assad").entity_type, EntityType::Person);
    assert_eq!(find(&a, "Abdel Fattah el-Sisi").entity_type, EntityType::Person);
    // A title alone is a role, not a person.
    assert!(a.entities.iter().all(|e| e.text != "Speaker"), "{:#?}", a.entities);
    assert!(find(&a, "Nancy Pelosi").role.as_deref().is_some_and(|r| r.starts_with("Speaker")), "{:#?}", a.entities);
}

#[test]
fn a_place_glued_to_a_name_is_a_place() {
    let a = analyze(
        "Former Vice President of the United States Joe Biden won, while Senator from Vermont Bernie Sanders \
         trailed. Senator Amy Klobuchar of Minnesota withdrew her name.",
    );
    assert_eq!(find(&a, "Joe Biden").entity_type, EntityType::Person);
    assert_eq!(find(&a, "Bernie Sanders").entity_type, EntityType::Person);
    for place in ["United States", "Vermont", "Minnesota"] {
        assert_eq!(find(&a, place).entity_type, EntityType::Location, "{place}");
    }
}

#[test]
fn an_organisation_noun_ends_an_organisation_unless_it_is_a_surname() {
    let a = analyze("Officials at the State Department agreed. Margaret Court won the title in 1970.");
    assert_eq!(find(&a, "State Department").entity_type, EntityType::Organization);
    assert_eq!(find(&a, "Margaret Court").entity_type, EntityType::Person);
}

/// The speaker of a French quote given by a pronoun, with the real models: subject
/// continuity past a sentence whose subject is no person, and gender agreement.
#[test]
fn french_pronoun_speakers_follow_the_sentence_before_and_agree_in_gender() {
    let text = "Le député Jean Lenoir avait ouvert la séance du matin. À la reprise, les députés de l'opposition ont fait part de leur colère par la voix de Paul Durand, président du groupe. Il a souhaité faire un rappel au règlement. « On ne peut pas accepter un tel mépris de notre règlement », a-t-il lancé.\n\nLa revue Nature a publié l'étude le lendemain. « Les résultats sont alarmants », a-t-il ajouté.";
    let a = analyze(text);
    let said = |start: &str| a.quotes.iter().find(|q| q.text.starts_with(start)).unwrap_or_else(|| panic!("no quote {start:?}: {:#?}", a.quotes));
    // "les députés" (plural, no person) do not hand the chain back to Jean Lenoir.
    assert_eq!(said("On ne peut pas").speaker_canonical.as_deref(), Some("Paul Durand"));
    // "il" does not continue "La revue Nature".
    assert_eq!(said("Les résultats").speaker_canonical, None);
}
