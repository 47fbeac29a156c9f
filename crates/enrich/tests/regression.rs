//! Regressions of the issue "Who said it, really", one test per symptom, on hand-written
//! texts (never the demo's sentences).

use polmon_enrich::{Analyzer, Document};
use polmon_model::{Analysis, EntityType};

fn analyze(title: Option<&str>, text: &str) -> Analysis {
    Analyzer::new().analyze(&Document { title, text, lang_hint: None })
}

fn kinds_of(a: &Analysis, text: &str) -> Vec<EntityType> {
    a.entities.iter().filter(|e| e.text == text).map(|e| e.entity_type).collect()
}

#[test]
fn name_variants_are_one_person_named_in_full() {
    let a = analyze(
        None,
        "Le président sortant B. Obama a tenu un meeting dans l'Ohio. Barack Obama a promis des emplois. \
         Selon les sondages, B. Obama garde une avance, et Obama a remercié ses électeurs.",
    );
    let people: Vec<&str> =
        a.entities.iter().filter(|e| e.entity_type == EntityType::Person).map(|e| e.canonical.as_str()).collect();
    assert!(!people.is_empty());
    assert!(people.iter().all(|c| *c == "Barack Obama"), "{people:?}");
}

#[test]
fn storms_and_agencies_are_not_people() {
    let a = analyze(
        Some("Ouragan Irene : la côte Est sous les eaux"),
        "Irene a provoqué des inondations à Boston. L'agence Moody's a abaissé la note du Portugal, \
         comme l'agence Fitch la semaine dernière.",
    );
    assert!(kinds_of(&a, "Irene").iter().all(|k| *k == EntityType::Other), "{:#?}", a.entities);
    let moody = a.entities.iter().find(|e| e.text.starts_with("Moody")).expect("Moody's");
    assert_eq!((moody.entity_type, moody.canonical.as_str()), (EntityType::Organization, "Moody's"));
}

#[test]
fn a_star_is_not_a_person() {
    let a = analyze(None, "Les astronomes ont observé une planète autour de Proxima Centauri, à quatre années-lumière.");
    assert!(kinds_of(&a, "Proxima Centauri").iter().all(|k| *k == EntityType::Other), "{:#?}", a.entities);
}

#[test]
fn no_span_glues_a_title_and_a_city() {
    let a = analyze(None, "Le maire de New York, Bill de Blasio, a salué la décision. Il a ensuite quitté New York.");
    assert!(a.entities.iter().all(|e| e.text != "York"), "{:#?}", a.entities);
    let new_york = kinds_of(&a, "New York");
    assert!(!new_york.is_empty() && !new_york.contains(&EntityType::Person), "{:#?}", a.entities);
}

#[test]
fn french_names_stop_before_the_clause() {
    let a = analyze(None, "Le candidat veut déloger le sortant de la Maison Blanche lors de l'élection de mardi.");
    assert!(a.entities.iter().all(|e| !e.text.contains("lors")), "{:#?}", a.entities);
}

#[test]
fn role_mentions_resolve_to_the_person() {
    let a = analyze(
        None,
        "Secretary of State Antony Blinken arrived in Beijing on Monday. The talks lasted four hours. \
         The American Secretary of State said the meeting had been frank.",
    );
    let nominal = a.entities.iter().find(|e| e.text == "American Secretary of State").expect("a role mention");
    assert_eq!(nominal.entity_type, EntityType::Person);
    assert_eq!(nominal.canonical, "Antony Blinken");
    let a = analyze(
        None,
        "Le ministre des Armées Sébastien Lecornu était à Kiev mardi. Le ministre des Armées a annoncé de nouvelles livraisons.",
    );
    let nominal = a.entities.iter().find(|e| e.text == "ministre des Armées").expect("a role mention");
    assert_eq!(nominal.canonical, "Sébastien Lecornu");
}

#[test]
fn german_and_dutch_have_a_model() {
    let a = analyze(None, "Bundeskanzler Olaf Scholz traf am Montag in Berlin den französischen Präsidenten Emmanuel Macron.");
    assert_eq!(a.language.as_ref().unwrap().code, "de");
    assert_eq!(kinds_of(&a, "Olaf Scholz"), [EntityType::Person]);
    assert!(kinds_of(&a, "Berlin").contains(&EntityType::Location), "{:#?}", a.entities);
}

#[test]
fn political_relevance_separates_sport_from_politics() {
    let sport = analyze(Some("Football : Lyon bat Marseille"), "L'équipe a gagné le match 2 à 0 devant 50 000 spectateurs au stade, et l'entraîneur a salué ses joueurs.");
    let vote = analyze(
        Some("Le Sénat adopte le projet de loi"),
        "Le Sénat a adopté le projet de loi du gouvernement ; l'opposition a dénoncé une réforme injuste et le Premier ministre a salué le vote.",
    );
    assert!(sport.political < 0.5 && vote.political >= 0.5, "{} {}", sport.political, vote.political);
}
