//! Behaviour tests of the connector as a whole.

use crate::{ConnectConfig, Connector, Document};
use polmon_model::Links;

const DAY: i64 = 86_400;

struct Art {
    id: i64,
    title: &'static str,
    text: String,
    lang: &'static str,
    t: i64,
    source: &'static str,
}

fn art(id: i64, title: &'static str, text: &str, t: i64, source: &'static str) -> Art {
    Art { id, title, text: text.to_string(), lang: "en", t, source }
}

fn doc(a: &Art) -> Document<'_> {
    Document {
        id: a.id,
        title: a.title,
        text: &a.text,
        language: Some(a.lang),
        published: Some(a.t),
        source: Some(a.source),
        entities: &[],
    }
}

const QUAKE_1: &str = "A powerful magnitude 7.1 earthquake struck central Chile on Tuesday, killing at least 12 \
    people in the port city of Valparaiso and toppling buildings, the national emergency office said. \
    President Gabriel Boric declared a state of catastrophe as rescuers dug through rubble. The quake was \
    felt in Santiago, and a tsunami warning for the Pacific coast was lifted hours later.";
const QUAKE_2: &str = "Rescue teams in Valparaiso searched collapsed homes on Wednesday after the magnitude 7.1 \
    earthquake that killed 12 people in central Chile. Boric visited the port city and promised aid for \
    families left homeless by the quake; aftershocks rattled the coast.";
const QUAKE_FR: &str = "Un séisme de magnitude 7,1 a frappé le centre du Chili mardi, tuant au moins 12 personnes \
    à Valparaiso. Le président Gabriel Boric a décrété l'état de catastrophe. Les secours cherchent des \
    survivants dans les décombres du port.";
const BUDGET_1: &str = "The German parliament approved the 2024 federal budget on Friday after a marathon \
    debate in Berlin, with Finance Minister Christian Lindner defending spending cuts and a return to the \
    debt brake. The opposition CDU voted against the budget.";
const BUDGET_2: &str = "Lawmakers in Berlin passed Germany's 2024 budget on Friday. Christian Lindner said the \
    spending cuts and the debt brake would restore trust; the CDU opposition rejected the federal budget.";
const OSCARS: &str = "Ellen DeGeneres will host the Academy Awards ceremony next year, the Academy announced \
    on Friday, returning to the Oscars stage in Hollywood for the second time after hosting in 2007.";

fn links_of(c: &Connector, id: i64) -> Links {
    c.links(id).unwrap()
}

#[test]
fn near_copy_with_edits_points_to_earliest_original() {
    let mut c = Connector::new();
    let orig = art(1, "Quake kills 12 in Chile", QUAKE_1, 1000, "afp.com");
    let edited = QUAKE_1.replace("at least 12", "at least 13").replace("the national emergency office said", "officials said")
        + " (AFP)";
    let copy = Art { id: 2, title: "Chile quake: 13 dead", text: edited.clone(), lang: "en", t: 2000, source: "rtl.be" };
    let copy2 = Art { id: 3, title: "Chile quake", text: edited, lang: "en", t: 3000, source: "lesoir.be" };
    let other = art(4, "Budget", BUDGET_1, 3000, "dw.com");
    let a = c.assign(&doc(&orig));
    let b = c.assign(&doc(&copy));
    let b2 = c.assign(&doc(&copy2));
    let d = c.assign(&doc(&other));
    assert_eq!(a.duplicate_of, None);
    assert_eq!(b.duplicate_of, Some(1));
    assert_eq!(b2.duplicate_of, Some(1), "a copy of a copy points at the original");
    assert_eq!(b.story_id, a.story_id);
    assert_eq!(d.duplicate_of, None);
    assert_ne!(d.story_id, a.story_id);
    assert_eq!(c.copies_of(1), vec![2, 3]);
    let info = c.story_info(a.story_id.unwrap()).unwrap();
    assert_eq!((info.origin, info.copies, info.sources), (1, 2, 3));
}

#[test]
fn same_event_joins_and_different_events_stay_apart() {
    let mut c = Connector::new();
    let arts = [
        art(1, "Chile quake", QUAKE_1, 0, "a"),
        art(2, "German budget", BUDGET_1, 100, "b"),
        art(3, "Rescue in Valparaiso", QUAKE_2, 200, "c"),
        art(4, "Budget passed", BUDGET_2, 300, "d"),
        art(5, "Oscars host", OSCARS, 400, "e"),
    ];
    let l: Vec<Links> = arts.iter().map(|a| c.assign(&doc(a))).collect();
    assert_eq!(l[2].story_id, l[0].story_id);
    assert_eq!(l[3].story_id, l[1].story_id);
    assert_ne!(l[0].story_id, l[1].story_id);
    assert_ne!(l[4].story_id, l[0].story_id);
    assert_ne!(l[4].story_id, l[1].story_id);
    assert!(l.iter().all(|x| x.duplicate_of.is_none()));
}

#[test]
fn silent_story_closes_after_window() {
    let mut c = Connector::new();
    c.assign(&doc(&art(1, "Chile quake", QUAKE_1, 0, "a")));
    let late = c.assign(&doc(&art(2, "Rescue", QUAKE_2, 30 * DAY, "b")));
    assert_eq!(late.story_id, Some(2), "a month later it is a new story");
}

#[test]
fn stories_merge_when_a_bridge_arrives() {
    // Two halves of one event that share little, then an article covering both.
    let a_text = "Valparaiso port buildings collapsed, Boric declared catastrophe, rescuers dig rubble, 12 dead.";
    let b_text = "Santiago felt the 7.1 magnitude earthquake; tsunami warning for Chile Pacific coast lifted.";
    let cfg = ConnectConfig { join_threshold: 0.3, merge_threshold: 0.3, ..Default::default() };
    let mut c = Connector::with_config(cfg).unwrap();
    let a = c.assign(&doc(&art(1, "", a_text, 0, "a")));
    let b = c.assign(&doc(&art(2, "", b_text, 0, "b")));
    assert_ne!(a.story_id, b.story_id, "no shared ground yet");
    let bridge = format!("{a_text} {b_text}");
    let m = c.assign(&doc(&art(3, "", &bridge, 0, "c")));
    assert_eq!(c.story_of(1), c.story_of(2), "the bridge merged the halves");
    assert_eq!(c.story_of(3), Some(1), "the older story's id stays");
    assert_eq!(m.story_id, Some(1));
    assert_eq!(c.take_story_changes(), vec![crate::StoryChange::Merged { from: 2, into: 1 }]);
    assert_eq!(c.story_members(1), vec![1, 2, 3]);
    assert!(c.take_story_changes().is_empty());
}

#[test]
fn french_report_joins_english_story_through_names_numbers_and_lexicon() {
    let mut c = Connector::new();
    c.assign(&doc(&art(1, "Chile quake", QUAKE_1, 0, "reuters.com")));
    c.assign(&doc(&art(2, "German budget", BUDGET_1, 0, "dw.com")));
    let fr = Art { id: 3, title: "Séisme au Chili", text: QUAKE_FR.into(), lang: "fr", t: 100, source: "lemonde.fr" };
    let l = c.assign(&doc(&fr));
    assert_eq!(l.story_id, Some(1));
    assert_eq!(l.duplicate_of, None);
}

#[test]
fn related_lists_other_stories_first_then_coverage_from_new_sources() {
    let mut c = Connector::new();
    let q1b = QUAKE_1.replace("Tuesday", "Tuesday night");
    let arts = [
        art(1, "Chile quake", QUAKE_1, 0, "afp.com"),
        art(2, "Rescue", QUAKE_2, 10, "afp.com"),
        art(3, "Aftershocks", &format!("{QUAKE_2} Aftershocks continued on Thursday."), 20, "bbc.com"),
        art(4, "Copy", &q1b, 30, "rtl.be"),
        art(5, "Quake in Peru", "A magnitude 6.0 earthquake struck southern Peru on Tuesday; no casualties were \
            reported, and the tsunami warning for the Pacific coast was not issued.", 40, "reuters.com"),
    ];
    for a in &arts {
        c.assign(&doc(a));
    }
    assert_eq!(c.links(4).unwrap().duplicate_of, Some(1));
    let rel = c.related(1, 4);
    assert_eq!(rel.first(), Some(&5), "the other story comes first: {rel:?}");
    assert!(!rel.contains(&1) && !rel.contains(&4), "neither itself nor its own copy: {rel:?}");
    let pos = |id| rel.iter().position(|&x| x == id).unwrap();
    assert!(pos(3) < pos(2), "bbc.com (new source) before a second afp.com article: {rel:?}");
    assert_eq!(c.related(1, 1).len(), 1);
    assert!(c.related(99, 4).is_empty());
}

#[test]
fn restore_replays_assign_exactly() {
    let texts = [QUAKE_1, BUDGET_1, QUAKE_2, BUDGET_2, OSCARS, QUAKE_1];
    let arts: Vec<Art> = texts.iter().enumerate().map(|(i, t)| art(i as i64 + 10, "", t, i as i64 * 60, "s")).collect();
    let mut live = Connector::new();
    let decided: Vec<Links> = arts.iter().map(|a| live.assign(&doc(a))).collect();
    let mut replayed = Connector::new();
    for (a, l) in arts.iter().zip(&decided) {
        replayed.restore(&doc(a), *l);
    }
    for a in &arts {
        assert_eq!(replayed.links(a.id), live.links(a.id));
        assert_eq!(replayed.related(a.id, 4), live.related(a.id, 4));
    }
    let next = art(99, "", &QUAKE_2.replace("Wednesday", "Thursday"), 600, "t");
    assert_eq!(replayed.assign(&doc(&next)), live.assign(&doc(&next)));
    assert_eq!(links_of(&live, 15).duplicate_of, Some(10));
}

#[test]
fn connector_is_send() {
    fn send<T: Send>() {}
    send::<Connector>();
}

#[test]
fn story_holding_two_events_is_split_at_a_checkpoint() {
    // A stored decision put two events in one story; re-clustering undoes it.
    let quake_3 = "Chile counted the cost of the magnitude 7.1 earthquake on Thursday: Valparaiso officials \
        said 12 people died and 300 buildings were damaged. Boric announced reconstruction funds.";
    // Judge a story by its two closest members, so the new report joins the mixed story.
    let mut c = Connector::with_config(ConnectConfig { link_members: 2, ..Default::default() }).unwrap();
    let wrong = Links { duplicate_of: None, story_id: Some(1) };
    c.restore(&doc(&art(1, "Chile quake", QUAKE_1, 0, "a")), wrong);
    c.restore(&doc(&art(2, "Budget", BUDGET_1, 10, "b")), wrong);
    c.restore(&doc(&art(3, "Rescue", QUAKE_2, 20, "c")), wrong);
    c.restore(&doc(&art(4, "Budget passed", BUDGET_2, 30, "d")), wrong);
    c.restore(&doc(&art(5, "Oscars", OSCARS, 40, "e")), wrong);
    assert_eq!(c.story_members(1).len(), 5);
    let l = c.assign(&doc(&art(6, "Cost of quake", quake_3, 50, "f")));
    assert_eq!(l.story_id, Some(1));
    assert_eq!(c.story_of(2), Some(2), "the budget reports left, named after the first one");
    assert_eq!(c.story_of(4), Some(2));
    assert_eq!(c.story_of(3), Some(1));
    assert_eq!(c.story_members(1), vec![1, 3, 5, 6], "a lone article keeps its story");
    let moved = c.take_story_changes();
    assert!(moved.contains(&crate::StoryChange::Moved { from: 1, into: 2, articles: vec![4] }), "{moved:?}");
}

const BUDGET_FR: &str = "Les députés allemands ont voté vendredi la loi de finances fédérale après un long débat. \
    Le ministre des Finances a défendu des économies et le retour du frein à l'endettement ; \
    l'opposition conservatrice a voté contre.";
/// What a machine translation of `BUDGET_FR` into English reads like.
const BUDGET_FR_IN_EN: &str = "The German deputies voted on Friday the federal budget law after a long debate. \
    The Finance Minister defended spending cuts and the return of the debt brake; the conservative \
    opposition voted against the budget.";

#[test]
fn a_translation_links_an_article_alone_in_its_story_across_languages() {
    let mut c = Connector::new();
    c.assign(&doc(&art(1, "German budget", BUDGET_1, 0, "dw.com")));
    c.assign(&doc(&art(2, "Budget passed", BUDGET_2, 50, "reuters.com")));
    c.assign(&doc(&art(3, "Chile quake", QUAKE_1, 60, "afp.com")));
    let fr = Art { id: 4, title: "Le budget adopté", text: BUDGET_FR.into(), lang: "fr", t: 100, source: "lemonde.fr" };
    let alone = c.assign(&doc(&fr));
    assert_eq!(alone.story_id, Some(4), "the French words alone do not reach the English story");
    c.take_story_changes();
    let en = Art { id: 4, title: "The budget adopted", text: BUDGET_FR_IN_EN.into(), lang: "en", t: 100, source: "lemonde.fr" };
    let linked = c.add_translation(&doc(&en)).unwrap();
    assert_eq!(linked.story_id, c.story_of(1), "its translation joins the budget story");
    assert_eq!(c.story_of(4), c.story_of(2));
    assert_eq!(c.take_story_changes(), vec![crate::StoryChange::Moved { from: 4, into: 1, articles: vec![4] }]);
    assert!(c.related(1, 4).contains(&4), "the English article lists its French coverage");
    assert!(c.related(4, 4).contains(&2));
    assert_eq!(c.add_translation(&doc(&art(99, "", BUDGET_2, 0, "x"))), None, "unknown id");
}

#[test]
fn a_translation_on_another_subject_moves_nothing_and_replays() {
    let mut live = Connector::new();
    let arts = [art(1, "German budget", BUDGET_1, 0, "dw.com"), art(2, "Chile quake", QUAKE_1, 10, "afp.com")];
    for a in &arts {
        live.assign(&doc(a));
    }
    let fr = Art { id: 3, title: "Le budget adopté", text: BUDGET_FR.into(), lang: "fr", t: 100, source: "lemonde.fr" };
    let before = live.assign(&doc(&fr));
    let oscars = Art { id: 3, title: "Oscars", text: OSCARS.into(), lang: "en", t: 100, source: "lemonde.fr" };
    assert_eq!(live.add_translation(&doc(&oscars)), Some(before), "nothing to join: it stays");
    assert!(live.take_story_changes().is_empty());

    // Replay: restored links plus restored translations give the same related lists.
    let mut replayed = Connector::new();
    for a in arts.iter().chain([&fr]) {
        replayed.restore(&doc(a), live.links(a.id).unwrap());
    }
    replayed.restore_translation(&doc(&oscars));
    for id in 1..=3 {
        assert_eq!(replayed.related(id, 4), live.related(id, 4));
    }
}
