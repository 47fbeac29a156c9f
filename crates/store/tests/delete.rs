//! Deleting an article takes it out of every kept count.

use polmon_model::{Analysis, Article, EntityMention, EntityType, Links};
use polmon_store::{ArticleKey, Store};

fn article(n: usize) -> Article {
    let person = EntityMention {
        text: "Emmanuel Macron".into(),
        start: 0,
        end: 15,
        entity_type: EntityType::Person,
        canonical: "Emmanuel Macron".into(),
        role: Some("président".into()),
    };
    Article {
        title: format!("Article {n}"),
        text: format!("Emmanuel Macron parle, numéro {n}."),
        language: Some("fr".into()),
        source: Some("rtl.be".into()),
        category: "politics".into(),
        published: Some("2024-04-02T10:00:00Z".into()),
        analysis: Analysis { entities: vec![person], ..Default::default() },
        ..Default::default()
    }
}

#[test]
fn deleting_articles_leaves_the_kept_counts_equal_to_a_recount() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let ids: Vec<i64> = (0..3)
        .map(|n| {
            let key = ArticleKey { dedup_key: format!("url:https://rtl.be/{n}"), content_hash: format!("h{n}") };
            store.upsert_article(&key, &article(n)).unwrap().id()
        })
        .collect();
    store.set_links(ids[0], Links { story_id: Some(ids[0]), duplicate_of: None }).unwrap();
    store.set_links(ids[1], Links { story_id: Some(ids[0]), duplicate_of: None }).unwrap();
    assert_eq!(store.count().unwrap(), 3);
    assert!(store.delete_article(ids[1]).unwrap());
    assert_eq!(store.count().unwrap(), 2);
    assert_eq!(store.aggregate_mismatches().unwrap(), Vec::<String>::new(), "after deleting one");
    assert!(store.delete_article(ids[0]).unwrap());
    assert!(store.delete_article(ids[2]).unwrap());
    assert_eq!(store.count().unwrap(), 0);
    assert_eq!(store.aggregate_mismatches().unwrap(), Vec::<String>::new(), "after deleting all");
    assert!(store.top_entities(Some("person"), 10).unwrap().is_empty(), "nobody is mentioned any more");
}
