//! The bundled rules and gazetteer on short news texts written for these tests.

use polmon_topics::{countries, Categorizer};

fn top(title: &str, text: &str) -> Vec<String> {
    Categorizer::bundled().categorize(title, text).into_iter().map(|m| m.name).collect()
}

#[test]
fn each_category_on_a_typical_story() {
    let cases: &[(&str, &str, &str)] = &[
        ("diplomacy", "Foreign ministers meet in Brussels", "The foreign minister met her counterpart for talks on sanctions; the ambassador said the summit would seek a ceasefire."),
        ("defence", "Army receives new artillery", "The armed forces will get more artillery and ammunition; the defence minister said troops near the front line needed missiles and drones."),
        ("elections", "Turnout high in first round", "Voters queued at polling stations; the candidate leading the polls expects a runoff after the election, with turnout above 70%."),
        ("economy", "Inflation slows as growth returns", "Inflation fell to 2.1% and GDP growth picked up, the central bank said, while unemployment stayed low and interest rates were held."),
        ("climate", "Emissions fall but not fast enough", "Greenhouse gas emissions fell 2% as renewables grew, but climate change targets under the Paris Agreement remain out of reach."),
        ("migration", "Asylum requests rise", "Asylum seekers and migrants crossing the border rose again; the government plans faster deportations of refugees whose claims fail."),
        ("justice", "Former mayor goes on trial", "The former mayor went on trial for corruption; prosecutors told the court the judge should hand down a prison sentence."),
        ("politics", "Cabinet reshuffle after vote", "The prime minister announced a cabinet reshuffle after the opposition won a parliament vote on the pension reform bill."),
        ("diplomacy", "Le chef de la diplomatie à Pékin", "Le ministre des Affaires étrangères a rencontré son homologue chinois ; les pourparlers ont porté sur les sanctions et un cessez-le-feu."),
        ("elections", "Présidentielle : les sondages se resserrent", "À un mois du premier tour, les électeurs hésitent ; les candidats multiplient les meetings et l'abstention inquiète."),
        ("migration", "Le projet de loi immigration adopté", "Le texte durcit les conditions d'asile, facilite les expulsions et limite la régularisation des sans-papiers."),
        ("justice", "L'ancien ministre condamné", "Le tribunal a condamné l'ancien ministre à deux ans de prison ; son avocat va faire appel du verdict."),
        ("climate", "Canicule et sécheresse", "Le réchauffement climatique rend les canicules plus fréquentes ; la sécheresse menace les récoltes et les émissions de carbone augmentent."),
    ];
    for (want, title, text) in cases {
        let got = top(title, text);
        assert_eq!(got.first().map(String::as_str), Some(*want), "{title:?} gave {got:?}");
    }
}

#[test]
fn unrelated_text_gets_no_category() {
    assert!(top("Recipe: lemon tart", "Mix the butter with sugar, add lemons and bake for thirty minutes.").is_empty());
}

#[test]
fn countries_of_a_story() {
    let text = "Antony Blinken is in France on Tuesday. The American Secretary of State met his French \
                counterpart in Paris before flying to Brussels; Ukraine and Kyiv's needs were on the agenda, \
                and Ukrainian officials joined by video.";
    let c = countries(text);
    assert_eq!(&c[..3], ["FR", "UA", "US"]);
    assert!(c.contains(&"BE".to_string()));
}

#[test]
fn categorizer_and_gazetteer_are_shared_across_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<Categorizer>();
    shareable::<polmon_topics::Gazetteer>();
    let cat = std::sync::Arc::new(Categorizer::bundled());
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let cat = cat.clone();
            std::thread::spawn(move || cat.categorize("Election day", "Voters went to the polls to elect a new parliament; turnout was high.").len())
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap() >= 1);
    }
}
