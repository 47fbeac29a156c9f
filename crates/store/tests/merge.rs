//! Filing a lone surname's entity under the full name keeps every count as a recount gives.

use polmon_model::{Analysis, Article, EntityMention, EntityType, Quote};
use polmon_store::{ArticleKey, Store};

fn person(name: &str, role: Option<&str>) -> EntityMention {
    EntityMention {
        text: name.into(),
        start: 0,
        end: name.chars().count(),
        entity_type: EntityType::Person,
        canonical: name.into(),
        role: role.map(Into::into),
    }
}

fn article(n: usize, people: Vec<EntityMention>, speaker: &str) -> Article {
    let quote = Quote {
        text: format!("We will win, number {n}"),
        start: 0,
        end: 0,
        speaker: Some(speaker.into()),
        speaker_canonical: Some(speaker.into()),
        cue: None,
        direct: true,
        speaker_start: None,
        speaker_end: None,
    };
    Article {
        title: format!("Article {n}"),
        text: format!("Obama spoke, number {n}."),
        language: Some("en".into()),
        source: Some(format!("news{}.example", n % 2)),
        category: "politics".into(),
        published: Some(format!("2024-04-0{}T10:00:00Z", 1 + n)),
        analysis: Analysis { entities: people, quotes: vec![quote], ..Default::default() },
        ..Default::default()
    }
}

/// The trend counters as stored, sorted, for comparing with a rebuild.
fn trend_rows(dir: &std::path::Path) -> Vec<String> {
    let db = rusqlite::Connection::open(dir.join("polmon.sqlite3")).unwrap();
    let mut out = Vec::new();
    for sql in [
        "SELECT day, entity_id, articles, mentions, quotes FROM trend_entity_days ORDER BY 1, 2",
        "SELECT source || day || '/' || entity_id || role, articles, mentions, quotes FROM trend_source_days ORDER BY 1",
        "SELECT entity_id, role, day, articles, 0 FROM trend_role_days ORDER BY 1, 2, 3",
    ] {
        let mut stmt = db.prepare(sql).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join(",")))
            .unwrap();
        out.extend(rows.map(Result::unwrap));
    }
    out
}

#[test]
fn a_lone_surname_is_filed_under_the_full_name_with_every_count_kept() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let stored = [
        article(0, vec![person("Obama", None)], "Obama"),
        article(1, vec![person("Obama", Some("president")), person("Barack Obama", None)], "Obama"),
        article(2, vec![person("Barack Obama", Some("former president"))], "Barack Obama"),
    ];
    let ids: Vec<i64> = stored
        .iter()
        .enumerate()
        .map(|(n, a)| {
            let key = ArticleKey { dedup_key: format!("url:https://news.example/{n}"), content_hash: format!("h{n}") };
            store.upsert_article(&key, a).unwrap().id()
        })
        .collect();
    let id_of = |name: &str| store.top_entities(Some("person"), 10).unwrap().into_iter().find(|e| e.canonical == name).map(|e| e.id);
    let (lone, full) = (id_of("Obama").unwrap(), id_of("Barack Obama").unwrap());

    assert_eq!(store.merge_entity("person", "Obama", "Barack Obama").unwrap(), 2, "two articles named the surname");
    assert_eq!(id_of("Obama"), None, "the lone surname is gone");
    assert!(store.entity(lone).unwrap().is_none());
    let e = store.top_entities(Some("person"), 10).unwrap().into_iter().find(|e| e.id == full).unwrap();
    assert_eq!(e.articles, 3, "one entity, named by three articles: {e:?}");
    let quoted: Vec<i64> = store.quotes(Some(full), None, 10).unwrap().iter().map(|q| q.article_id).collect();
    assert_eq!(quoted.len(), 3, "every quote is the full name's: {quoted:?}");
    let both = store.article_entities(ids[1]).unwrap();
    assert_eq!(both.len(), 1, "an article that named both keeps one row: {both:?}");
    assert_eq!(store.aggregate_mismatches().unwrap(), Vec::<String>::new());
    let kept = trend_rows(dir.path());
    store.rebuild_trends().unwrap();
    assert_eq!(kept, trend_rows(dir.path()), "the trend counters are those of a rebuild");

    assert_eq!(store.merge_entity("person", "Obama", "Barack Obama").unwrap(), 0, "nothing left to file");
    assert_eq!(store.merge_entity("person", "Barack Obama", "Barack Obama").unwrap(), 0);
}
