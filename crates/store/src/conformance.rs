//! The [`ArticleStore`] conformance suite: behaviour every backend must show, written
//! once and run against each (feature `conformance`).
//!
//! Each function takes a fresh, empty store (and, for the lease test, two handles on
//! the same store; for the entity merge, a second empty store) and panics on the first difference. A backend's tests call them all
//! with [`conformance_tests!`](crate::conformance_tests), which writes one `#[test]` per
//! function:
//!
//! ```text
//! // `fresh()` returns a guard that keeps the store alive (a temporary folder, a
//! // database) and a function opening a new handle on it.
//! polmon_store::conformance_tests!(fresh);
//! ```

use std::collections::HashSet;

use polmon_model::{Analysis, Article, Block, BlockKind, EntityMention, EntityType, Links, Quote};

use crate::trends::day_of;
use crate::{
    parse_timestamp, ArticleKey, ArticleStore, Digest, Facet, ListQuery, NewMatch, NewSource, NewWatch, Payload, Period,
    RawPage, SeenItem, SourceKind, SourceQuotes, Upsert,
};

/// Writes one `#[test]` per conformance function. `$fresh` is a function returning
/// `(guard, open)`: the guard keeps an empty store alive for the test, `open()` opens a
/// new handle on it (the lease test opens two).
#[macro_export]
macro_rules! conformance_tests {
    ($fresh:path) => {
        $crate::conformance_tests!(@one $fresh;
            upsert_inserts_then_leaves_unchanged_then_updates,
            concurrent_upserts_of_one_key_store_one_article,
            concurrent_writers_share_new_entities,
            ids_follow_insertion_order,
            article_round_trips_every_field,
            list_is_newest_first_with_disjoint_keyset_pages,
            list_filters_and_totals,
            facets_count_articles_per_value,
            entities_mentions_and_quotes,
            rewritten_article_replaces_its_mentions,
            links_stories_and_copies,
            merged_and_moved_stories,
            related_lists,
            index_bookkeeping,
            recent_articles_window,
            sources_are_added_once_and_scheduled,
            seen_items_and_retries,
            watches_are_added_listed_and_removed,
            stored_articles_record_matches_and_deliveries,
            burst_and_digest_watches_deliver_once,
            stored_articles_are_queued_for_translation,
            translations_are_claimed_with_a_lease,
            translated_texts_follow_the_content_hash,
            raw_pages_are_kept_once_by_key,
            role_holders_count_articles_per_person_and_role,
            trends_count_dated_articles_quotes_and_roles,
            trends_follow_an_article_updated_with_other_entities,
            top_stories_rank_by_growth_and_follow_story_changes,
            entity_roles_list_roles_in_order_of_first_appearance,
            facet_lists_every_value_and_sources_exist,
            watch_and_its_matches_are_read_back,
            translation_and_leads_follow_the_content_hash,
        );
        #[test]
        fn merge_entity_answers_as_a_store_given_the_merged_names() {
            let (_guard, open) = $fresh();
            let (_fresh_guard, open_fresh) = $fresh();
            $crate::conformance::merge_entity_answers_as_a_store_given_the_merged_names(&open(), &open_fresh());
        }
        #[test]
        fn lease_is_exclusive_across_handles() {
            let (_guard, open) = $fresh();
            $crate::conformance::lease_is_exclusive_across_handles(&open(), &open());
        }
        #[test]
        fn deliveries_are_claimed_once_and_settled() {
            let (_guard, open) = $fresh();
            $crate::conformance::deliveries_are_claimed_once_and_settled(&open(), &open());
        }
        #[test]
        fn host_turns_are_spaced_across_handles() {
            let (_guard, open) = $fresh();
            $crate::conformance::host_turns_are_spaced_across_handles(&open(), &open());
        }
    };
    (@one $fresh:path; $($name:ident),* $(,)?) => {
        $(
            #[test]
            fn $name() {
                let (_guard, open) = $fresh();
                $crate::conformance::$name(&open());
            }
        )*
    };
}

fn key(dedup: &str, hash: &str) -> ArticleKey {
    ArticleKey { dedup_key: dedup.into(), content_hash: hash.into() }
}

fn mention(canonical: &str, kind: EntityType, role: Option<&str>) -> EntityMention {
    EntityMention {
        text: canonical.into(),
        start: 0,
        end: canonical.len(),
        entity_type: kind,
        canonical: canonical.into(),
        role: role.map(Into::into),
    }
}

fn quote(text: &str, speaker: Option<&str>) -> Quote {
    Quote {
        text: text.into(),
        start: 0,
        end: text.len(),
        speaker: speaker.map(Into::into),
        speaker_canonical: speaker.map(Into::into),
        cue: Some("said".into()),
        direct: true,
        speaker_start: None,
        speaker_end: None,
    }
}

/// A plain article: `title`, published at `published` (if any), from `source`.
fn article(title: &str, published: Option<&str>, source: &str) -> Article {
    Article {
        title: title.into(),
        text: format!("{title} body text"),
        category: "politics".into(),
        published: published.map(Into::into),
        source: Some(source.into()),
        language: Some("en".into()),
        ..Default::default()
    }
}

fn put(store: &dyn ArticleStore, dedup: &str, a: &Article) -> i64 {
    store.upsert_article(&key(dedup, &format!("hash of {}", a.title)), a).unwrap().id()
}

/// Stores `n` undated articles `T0`, `T1`, ... under keys `k0`, `k1`, ...; their ids.
fn undated_articles(store: &dyn ArticleStore, n: usize) -> Vec<i64> {
    (0..n).map(|i| put(store, &format!("k{i}"), &article(&format!("T{i}"), None, "s"))).collect()
}

/// Insert, repeat (unchanged), change (updated): one article, its content replaced,
/// back in the index queue.
pub fn upsert_inserts_then_leaves_unchanged_then_updates(store: &dyn ArticleStore) {
    let a = article("One", Some("2024-04-02T10:00:00Z"), "example.org");
    let first = store.upsert_article(&key("url:a", "h1"), &a).unwrap();
    let Upsert::Inserted(id) = first else { panic!("first upsert: {first:?}") };
    assert_eq!(store.upsert_article(&key("url:a", "h1"), &a).unwrap(), Upsert::Unchanged(id));
    assert_eq!(store.content_hash_of("url:a").unwrap(), Some((id, "h1".into())));
    store.mark_indexed(&[id]).unwrap();
    let b = Article { title: "Two".into(), ..a.clone() };
    // Same hash, other content: the hash decides, the stored article stays.
    assert_eq!(store.upsert_article(&key("url:a", "h1"), &b).unwrap(), Upsert::Unchanged(id));
    assert_eq!(store.article(id).unwrap().unwrap().title, "One");
    assert_eq!(store.unindexed_count().unwrap(), 0, "an unchanged article stays indexed");
    assert_eq!(store.upsert_article(&key("url:a", "h2"), &b).unwrap(), Upsert::Updated(id));
    assert_eq!(store.count().unwrap(), 1);
    assert_eq!(store.article(id).unwrap().unwrap().title, "Two");
    assert_eq!(store.content_hash_of("url:a").unwrap(), Some((id, "h2".into())));
    assert_eq!(
        store.unindexed(10).unwrap().iter().map(|a| a.id).collect::<Vec<_>>(),
        [id],
        "an update is indexed again"
    );
    assert_eq!(store.content_hash_of("url:missing").unwrap(), None);
}

/// Four threads store the same article at once: one is `Inserted`, the others see it.
pub fn concurrent_upserts_of_one_key_store_one_article(store: &dyn ArticleStore) {
    let a = article("Raced", Some("2024-04-02T10:00:00Z"), "example.org");
    let outcomes: Vec<Upsert> = std::thread::scope(|scope| {
        let handles: Vec<_> =
            (0..4).map(|_| scope.spawn(|| store.upsert_article(&key("url:race", "h"), &a).unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let inserted = outcomes.iter().filter(|o| matches!(o, Upsert::Inserted(_))).count();
    assert_eq!(inserted, 1, "{outcomes:?}");
    assert!(outcomes.iter().all(|o| o.id() == outcomes[0].id()), "{outcomes:?}");
    assert_eq!(store.count().unwrap(), 1);
    assert_eq!(store.facet_count(Facet::Source, "example.org").unwrap(), 1);
}

/// Eight threads store different articles naming the same new people at once: each
/// person is one entity, counted in every article.
pub fn concurrent_writers_share_new_entities(store: &dyn ArticleStore) {
    std::thread::scope(|scope| {
        for i in 0..8 {
            scope.spawn(move || {
                let people: &[(&str, Option<&str>)] = if i % 2 == 0 {
                    &[("Ada Lovelace", None), ("Bob Smith", None)]
                } else {
                    &[("Bob Smith", None), ("Ada Lovelace", None)]
                };
                put(store, &format!("k{i}"), &politician_article(&format!("T{i}"), "2024-01-01", people, &[]));
            });
        }
    });
    let top = store.top_entities(Some("person"), 10).unwrap();
    assert_eq!(
        top.iter().map(|e| (e.canonical.as_str(), e.articles)).collect::<Vec<_>>(),
        [("Ada Lovelace", 8), ("Bob Smith", 8)]
    );
    assert_eq!(store.entity_articles(top[0].id, 100).unwrap().len(), 8);
}

/// Ids are assigned 1, 2, 3 ... in insertion order; an unchanged repeat takes none.
pub fn ids_follow_insertion_order(store: &dyn ArticleStore) {
    assert_eq!(store.max_article_id().unwrap(), None);
    let first = put(store, "k0", &article("T0", Some("2024-01-03"), "a"));
    put(store, "k0", &article("T0", Some("2024-01-03"), "a"));
    let ids: Vec<i64> =
        (1..5).map(|i| put(store, &format!("k{i}"), &article(&format!("T{i}"), Some("2024-01-01"), "a"))).collect();
    assert_eq!(first, 1);
    assert_eq!(ids, [2, 3, 4, 5]);
    assert_eq!(store.max_article_id().unwrap(), Some(5));
    let summaries = store.summaries(&[3, 99, 1]).unwrap();
    assert_eq!(summaries.iter().map(|s| s.id).collect::<Vec<_>>(), [3, 1], "in the order given, missing ids left out");
    assert!(store.summaries(&[]).unwrap().is_empty());
    let dated = store.dated_ids(1, 3).unwrap();
    assert_eq!(dated, [(2, Some("2024-01-01".to_string())), (3, Some("2024-01-01".to_string()))]);
}

/// Every field of an article (blocks and analysis included) comes back as stored.
pub fn article_round_trips_every_field(store: &dyn ArticleStore) {
    let a = Article {
        external_id: Some("ext-1".into()),
        url: Some("https://example.org/a?x=1".into()),
        canonical_url: Some("https://example.org/a".into()),
        title: "Ministers meet — «Grüße» 🗳".into(),
        author: Some("A. Writer".into()),
        published: Some("2024-04-02T10:00:00+02:00".into()),
        language: Some("de".into()),
        source: Some("example.org".into()),
        original_source: Some("wire.example".into()),
        category: "politics".into(),
        text: "First paragraph.\nSecond paragraph.".into(),
        blocks: vec![
            Block { kind: BlockKind::P, text: "First paragraph.".into() },
            Block { kind: BlockKind::Blockquote, text: "Second paragraph.".into() },
        ],
        analysis: Analysis {
            entities: vec![mention("Angela Merkel", EntityType::Person, Some("Chancellor"))],
            quotes: vec![quote("We meet.", Some("Angela Merkel"))],
            countries: vec!["DE".into()],
            political: 0.75,
            ..Default::default()
        },
        // Ignored on write: the store assigns these.
        id: 999,
        links: Links { story_id: Some(5), duplicate_of: Some(6) },
        ingested_at: "1999-01-01T00:00:00Z".into(),
    };
    let id = put(store, "url:https://example.org/a", &a);
    let got = store.article(id).unwrap().unwrap();
    assert_eq!(got.id, id);
    assert_eq!(got.links, Links::default());
    assert_ne!(got.ingested_at, a.ingested_at);
    assert!(crate::parse_timestamp(&got.ingested_at).is_some(), "{}", got.ingested_at);
    let expected = Article { id, links: Links::default(), ingested_at: got.ingested_at.clone(), ..a.clone() };
    assert_eq!(got, expected);
    assert_eq!(store.article(id + 1).unwrap(), None);
    assert_eq!(store.article_id_by_url("https://example.org/a?x=1").unwrap(), Some(id));
    assert_eq!(store.article_id_by_url("https://example.org/other").unwrap(), None);
    let summary = &store.summaries(&[id]).unwrap()[0];
    assert_eq!(summary.title, a.title);
    assert_eq!(summary.lead, a.text);
    assert_eq!(summary.sort_ts, 1712044800, "published 10:00+02:00 sorts as 08:00 UTC");
}

/// 30 articles with tied, missing and out-of-order dates: cursor pages cover the list
/// once, in order, and agree with offset pages.
pub fn list_is_newest_first_with_disjoint_keyset_pages(store: &dyn ArticleStore) {
    let mut ids = Vec::new();
    for i in 0..30 {
        // Days repeat (ties broken by id); every seventh has no date (sorts as now).
        let published = (i % 7 != 3).then(|| format!("2024-03-{:02}T12:00:00Z", 1 + (i * 11) % 9));
        ids.push(put(store, &format!("k{i}"), &article(&format!("T{i}"), published.as_deref(), "s")));
    }
    let (all, total) = store.list(&ListQuery { limit: 100, ..Default::default() }).unwrap();
    assert_eq!(total, 30);
    assert_eq!(all.len(), 30);
    for pair in all.windows(2) {
        assert!((pair[0].sort_ts, pair[0].id) > (pair[1].sort_ts, pair[1].id), "{:?} before {:?}", pair[0], pair[1]);
    }
    let mut paged = Vec::new();
    let mut before = None;
    loop {
        let (page, _) = store.list(&ListQuery { before, limit: 7, ..Default::default() }).unwrap();
        let Some(last) = page.last() else { break };
        before = Some(last.cursor());
        paged.extend(page.iter().map(|s| s.id));
        assert!(paged.len() <= 30, "pages repeat rows");
    }
    assert_eq!(paged, all.iter().map(|s| s.id).collect::<Vec<_>>());
    assert_eq!(paged.iter().collect::<HashSet<_>>().len(), 30);
    let (offset_page, _) = store.list(&ListQuery { offset: 14, limit: 7, ..Default::default() }).unwrap();
    assert_eq!(offset_page, all[14..21]);
    let (after_cursor, _) =
        store.list(&ListQuery { before: Some(all[4].cursor()), offset: 3, limit: 2, ..Default::default() }).unwrap();
    assert_eq!(after_cursor, all[8..10]);
    let (past_end, total) = store.list(&ListQuery { offset: 40, limit: 7, ..Default::default() }).unwrap();
    assert!(past_end.is_empty());
    assert_eq!(total, 30);
    let cursor: crate::Cursor = all[3].cursor().to_string().parse().unwrap();
    assert_eq!(cursor, all[3].cursor());
}

/// Filters by category, source, language and story, alone and together, with totals.
pub fn list_filters_and_totals(store: &dyn ArticleStore) {
    for i in 0..12 {
        let mut a = article(
            &format!("T{i}"),
            Some(&format!("2024-05-{:02}", i + 1)),
            if i % 3 == 0 { "a.example" } else { "b.example" },
        );
        a.category = if i % 2 == 0 { "politics".into() } else { "economy".into() };
        a.language = if i < 4 { Some("fr".into()) } else { Some("en".into()) };
        let id = put(store, &format!("k{i}"), &a);
        if i >= 8 {
            store.set_links(id, Links { story_id: Some(100), duplicate_of: None }).unwrap();
        }
    }
    let ids = |q: ListQuery| -> (Vec<i64>, u64) {
        let (rows, total) = store.list(&ListQuery { limit: 50, ..q }).unwrap();
        (rows.into_iter().map(|r| r.id).collect(), total)
    };
    assert_eq!(
        ids(ListQuery { category: Some("economy".into()), ..Default::default() }),
        (vec![12, 10, 8, 6, 4, 2], 6)
    );
    assert_eq!(ids(ListQuery { source: Some("a.example".into()), ..Default::default() }), (vec![10, 7, 4, 1], 4));
    assert_eq!(ids(ListQuery { language: Some("fr".into()), ..Default::default() }), (vec![4, 3, 2, 1], 4));
    assert_eq!(ids(ListQuery { story_id: Some(100), ..Default::default() }), (vec![12, 11, 10, 9], 4));
    assert_eq!(
        ids(ListQuery { category: Some("politics".into()), source: Some("b.example".into()), ..Default::default() }),
        (vec![11, 9, 5, 3], 4)
    );
    assert_eq!(
        ids(ListQuery {
            category: Some("politics".into()),
            language: Some("fr".into()),
            story_id: Some(100),
            ..Default::default()
        }),
        (vec![], 0)
    );
    let (page, total) =
        store.list(&ListQuery { category: Some("economy".into()), limit: 2, ..Default::default() }).unwrap();
    assert_eq!((page.len(), total), (2, 6), "the total counts all pages");
    assert_eq!(ids(ListQuery { source: Some("nobody".into()), ..Default::default() }), (vec![], 0));
}

/// Facet counts follow inserts and updates, most frequent first, ties by value.
pub fn facets_count_articles_per_value(store: &dyn ArticleStore) {
    for (i, source) in ["b", "a", "c", "a", "b", "a"].into_iter().enumerate() {
        put(store, &format!("k{i}"), &article(&format!("T{i}"), None, source));
    }
    let top = store.facet_top(Facet::Source, 10).unwrap();
    assert_eq!(top, [("a".to_string(), 3), ("b".to_string(), 2), ("c".to_string(), 1)]);
    assert_eq!(store.facet_top(Facet::Source, 2).unwrap().len(), 2);
    assert_eq!(store.facet_top(Facet::Category, 10).unwrap(), [("politics".to_string(), 6)]);
    assert_eq!(store.facet_count(Facet::Language, "en").unwrap(), 6);
    // Moving the only "c" article to "b": "c" disappears.
    let moved = article("T2 again", None, "b");
    store.upsert_article(&key("k2", "changed"), &moved).unwrap();
    assert_eq!(store.facet_top(Facet::Source, 10).unwrap(), [("a".to_string(), 3), ("b".to_string(), 3)]);
    assert_eq!(store.facet_count(Facet::Source, "c").unwrap(), 0);
    assert_eq!(store.count().unwrap(), 6);
}

fn politician_article(
    title: &str,
    published: &str,
    people: &[(&str, Option<&str>)],
    quotes: &[(&str, &str)],
) -> Article {
    let mut a = article(title, Some(published), "example.org");
    a.analysis.entities = people.iter().map(|(name, role)| mention(name, EntityType::Person, *role)).collect();
    a.analysis.entities.push(mention("Paris", EntityType::Location, None));
    a.analysis.quotes = quotes.iter().map(|(text, speaker)| quote(text, Some(speaker))).collect();
    a
}

/// Entities get one id each, per-article mention counts and roles, article counts;
/// quotes are found by speaker and by article.
pub fn entities_mentions_and_quotes(store: &dyn ArticleStore) {
    let first = put(
        store,
        "k1",
        &politician_article(
            "Summit",
            "2024-01-01",
            &[("Ada Lovelace", Some("Minister")), ("Ada Lovelace", None), ("Bob Smith", None)],
            &[("First words.", "Ada Lovelace"), ("Reply.", "Bob Smith"), ("Unknown.", "Nobody Known")],
        ),
    );
    let second = put(
        store,
        "k2",
        &politician_article(
            "Follow-up",
            "2024-01-05",
            &[("Ada Lovelace", Some("Prime Minister"))],
            &[("Later words.", "Ada Lovelace")],
        ),
    );
    let entities = store.article_entities(first).unwrap();
    let names: Vec<(&str, u64, Option<&str>)> =
        entities.iter().map(|(e, role)| (e.canonical.as_str(), e.articles, role.as_deref())).collect();
    assert_eq!(names, [("Ada Lovelace", 2, Some("Minister")), ("Bob Smith", 1, None), ("Paris", 1, None)]);
    let ada = entities[0].0.id;
    let record = store.entity(ada).unwrap().unwrap();
    assert_eq!((record.canonical.as_str(), record.kind.as_str(), record.articles), ("Ada Lovelace", "person", 2));
    assert_eq!(store.entity(ada + 1000).unwrap(), None);
    let articles = store.entity_articles(ada, 10).unwrap();
    assert_eq!(
        articles.iter().map(|a| (a.article_id, a.role.as_deref(), a.mentions)).collect::<Vec<_>>(),
        [(second, Some("Prime Minister"), 1), (first, Some("Minister"), 2)]
    );
    assert_eq!(store.entity_articles(ada, 1).unwrap().len(), 1);
    let top = store.top_entities(None, 10).unwrap();
    assert_eq!(
        top.iter().map(|e| (e.canonical.as_str(), e.articles)).collect::<Vec<_>>(),
        [("Ada Lovelace", 2), ("Paris", 2), ("Bob Smith", 1)]
    );
    let places = store.top_entities(Some("location"), 10).unwrap();
    assert_eq!(places.iter().map(|e| e.canonical.as_str()).collect::<Vec<_>>(), ["Paris"]);
    let by_ada = store.quotes(Some(ada), None, 10).unwrap();
    assert_eq!(by_ada.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(), ["Later words.", "First words."]);
    assert!(by_ada.iter().all(|q| q.entity_id == Some(ada) && q.direct));
    let in_first = store.quotes(None, Some(first), 10).unwrap();
    assert_eq!(
        in_first.iter().map(|q| (q.text.as_str(), q.speaker.as_deref())).collect::<Vec<_>>(),
        [("First words.", Some("Ada Lovelace")), ("Reply.", Some("Bob Smith")), ("Unknown.", Some("Nobody Known"))]
    );
    assert_eq!(in_first[2].entity_id, None, "a speaker that is no mentioned entity has no id");
    assert_eq!(in_first[0].article_title, "Summit");
    let capped = store.quotes_of_articles(&[second, first], 2).unwrap();
    assert_eq!(capped.iter().map(|q| q.text.as_str()).collect::<Vec<_>>(), ["Later words.", "First words.", "Reply."]);
    let both = store.entities_of_articles(&[second, first]).unwrap();
    assert_eq!(
        both.iter().map(|(id, e, _)| (*id, e.canonical.as_str())).collect::<Vec<_>>(),
        [(second, "Ada Lovelace"), (second, "Paris"), (first, "Ada Lovelace"), (first, "Bob Smith"), (first, "Paris")]
    );
}

/// An updated article's old mentions and quotes go; the entity counts follow.
pub fn rewritten_article_replaces_its_mentions(store: &dyn ArticleStore) {
    let id =
        put(store, "k1", &politician_article("V1", "2024-01-01", &[("Bob Smith", None)], &[("Old.", "Bob Smith")]));
    let bob = store.article_entities(id).unwrap()[0].0.id;
    let v2 = politician_article("V2", "2024-01-01", &[("Carol Jones", None)], &[("New.", "Carol Jones")]);
    assert_eq!(store.upsert_article(&key("k1", "v2"), &v2).unwrap(), Upsert::Updated(id));
    assert_eq!(
        store.article_entities(id).unwrap().iter().map(|(e, _)| e.canonical.as_str()).collect::<Vec<_>>(),
        ["Carol Jones", "Paris"]
    );
    assert!(store.entity_articles(bob, 10).unwrap().is_empty());
    assert_eq!(store.entity(bob).unwrap().map(|e| e.articles), Some(0), "the entity stays, with no articles");
    assert!(store.top_entities(Some("person"), 10).unwrap().iter().all(|e| e.id != bob));
    assert_eq!(store.quotes(None, Some(id), 10).unwrap().iter().map(|q| q.text.as_str()).collect::<Vec<_>>(), ["New."]);
    assert!(store.quotes(Some(bob), None, 10).unwrap().is_empty());
}

/// Links are stored and read back; a story's size, values, opener and copies follow.
pub fn links_stories_and_copies(store: &dyn ArticleStore) {
    let mut a = article("Opener", Some("2024-02-01"), "a.example");
    let opener = put(store, "k1", &a);
    a.title = "Copy".into();
    a.published = Some("2024-02-03".into());
    a.source = Some("b.example".into());
    a.language = Some("fr".into());
    let copy = put(store, "k2", &a);
    let other = put(store, "k3", &article("Other", Some("2024-02-02"), "a.example"));
    let lonely = put(store, "k4", &article("Lonely", Some("2024-02-02"), "c.example"));
    store.set_links(opener, Links { story_id: Some(opener), duplicate_of: None }).unwrap();
    store.set_links(copy, Links { story_id: Some(opener), duplicate_of: Some(opener) }).unwrap();
    store.set_links(other, Links { story_id: Some(opener), duplicate_of: None }).unwrap();
    assert_eq!(
        store.article(copy).unwrap().unwrap().links,
        Links { story_id: Some(opener), duplicate_of: Some(opener) }
    );
    let links = store.links_of(&[copy, lonely, 9999]).unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(links[&lonely], Links::default());
    assert_eq!(store.story_size(opener).unwrap(), 3);
    assert_eq!(store.story_size(12345).unwrap(), 0);
    assert_eq!(
        store.story_values(opener).unwrap(),
        (vec!["a.example".to_string(), "b.example".to_string()], vec!["en".to_string(), "fr".to_string()])
    );
    let openers = store.story_openers(&[12345, opener]).unwrap();
    assert_eq!(openers.iter().map(|(s, a)| (*s, a.id)).collect::<Vec<_>>(), [(opener, opener)]);
    let copies = store.copies_of(opener, opener, 10).unwrap();
    assert_eq!(copies.iter().map(|s| s.id).collect::<Vec<_>>(), [copy, opener]);
    assert_eq!(copies[0].story_id, Some(opener));
    // Leaving the story takes the article's source and language with it.
    store.set_links(copy, Links::default()).unwrap();
    assert_eq!(store.story_size(opener).unwrap(), 2);
    assert_eq!(store.story_values(opener).unwrap(), (vec!["a.example".to_string()], vec!["en".to_string()]));
}

/// Merging relabels a whole story; moving relabels the given articles.
pub fn merged_and_moved_stories(store: &dyn ArticleStore) {
    let ids: Vec<i64> = (0..5)
        .map(|i| put(store, &format!("k{i}"), &article(&format!("T{i}"), Some(&format!("2024-03-0{}", i + 1)), "s")))
        .collect();
    for (i, &id) in ids.iter().enumerate() {
        store.set_links(id, Links { story_id: Some(if i < 2 { 10 } else { 20 }), duplicate_of: None }).unwrap();
    }
    store.merge_story(20, 10).unwrap();
    assert_eq!((store.story_size(10).unwrap(), store.story_size(20).unwrap()), (5, 0));
    store.move_to_story(&ids[3..], 30).unwrap();
    assert_eq!((store.story_size(10).unwrap(), store.story_size(30).unwrap()), (3, 2));
    let (in_30, total) = store.list(&ListQuery { story_id: Some(30), limit: 10, ..Default::default() }).unwrap();
    assert_eq!((in_30.iter().map(|s| s.id).collect::<Vec<_>>(), total), (vec![ids[4], ids[3]], 2));
    assert_eq!(store.story_openers(&[30, 10]).unwrap().iter().map(|(_, a)| a.id).collect::<Vec<_>>(), [ids[3], ids[0]]);
}

/// Related lists are replaced, read back, and missing ones found oldest first.
pub fn related_lists(store: &dyn ArticleStore) {
    let ids = undated_articles(store, 4);
    assert_eq!(store.related(ids[0]).unwrap(), None);
    assert_eq!(store.without_related(10).unwrap(), ids);
    assert_eq!(store.without_related(2).unwrap(), &ids[..2]);
    store.set_related(ids[0], &[ids[2], ids[1]]).unwrap();
    assert_eq!(store.related(ids[0]).unwrap(), Some(vec![ids[2], ids[1]]));
    store.set_related(ids[0], &[ids[3]]).unwrap();
    assert_eq!(store.related(ids[0]).unwrap(), Some(vec![ids[3]]));
    store.set_related(ids[2], &[]).unwrap();
    assert_eq!(store.related(ids[2]).unwrap(), Some(vec![]), "an empty list is a computed list");
    assert_eq!(store.without_related(10).unwrap(), [ids[1], ids[3]]);
    let newer = put(store, "k9", &article("T9", None, "s"));
    assert_eq!(store.without_related(10).unwrap(), [ids[1], ids[3], newer]);
}

/// New and updated articles wait for the index, in id order, until marked.
pub fn index_bookkeeping(store: &dyn ArticleStore) {
    let ids = undated_articles(store, 5);
    assert_eq!(store.unindexed_count().unwrap(), 5);
    assert_eq!(store.unindexed(3).unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), &ids[..3]);
    store.mark_indexed(&ids[..3]).unwrap();
    assert_eq!(store.unindexed(10).unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), &ids[3..]);
    store.upsert_article(&key("k1", "changed"), &article("T1 changed", None, "s")).unwrap();
    assert_eq!(store.unindexed(10).unwrap().iter().map(|a| a.id).collect::<Vec<_>>(), [ids[1], ids[3], ids[4]]);
    store.mark_indexed(&ids).unwrap();
    assert_eq!(store.unindexed_count().unwrap(), 0);
    store.mark_all_unindexed().unwrap();
    assert_eq!(store.unindexed_count().unwrap(), 5);
}

/// The connector's window: the newest articles by id, oldest first.
pub fn recent_articles_window(store: &dyn ArticleStore) {
    let ids = undated_articles(store, 6);
    let mut seen = Vec::new();
    store
        .for_each_recent_article(4, &mut |a| {
            seen.push(a.id);
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, &ids[2..]);
    let mut all = 0;
    store
        .for_each_recent_article(100, &mut |_| {
            all += 1;
            Ok(())
        })
        .unwrap();
    assert_eq!(all, 6);
}

fn new_source(url: &str, due: i64) -> NewSource {
    NewSource {
        url: url.into(),
        name: Some("Example".into()),
        category: Some("politics".into()),
        language: Some("en".into()),
        kind: SourceKind::Sitemap,
        site_url: Some("https://example.org/".into()),
        state: "{}".into(),
        next_due: due,
    }
}

/// A source is added once; its schedule decides when it is due.
pub fn sources_are_added_once_and_scheduled(store: &dyn ArticleStore) {
    let (a, new) = store.add_source(&new_source("https://a.example/rss", 50)).unwrap();
    assert!(new);
    assert_eq!(store.add_source(&new_source("https://a.example/rss", 1)).unwrap(), (a, false));
    let (b, _) = store.add_source(&new_source("https://b.example/rss", 10)).unwrap();
    let (c, _) = store.add_source(&new_source("https://c.example/rss", 500)).unwrap();
    assert_eq!((a, b, c), (1, 2, 3), "ids in insertion order, none taken by the repeat");
    let record = store.source(a).unwrap().unwrap();
    assert_eq!(
        (record.url.as_str(), record.kind, record.next_due, record.enabled, record.site_url.as_deref()),
        ("https://a.example/rss", SourceKind::Sitemap, 50, true, Some("https://example.org/"))
    );
    assert!(crate::parse_timestamp(&record.created_at).is_some());
    assert_eq!(store.source_by_url("https://b.example/rss").unwrap().map(|s| s.id), Some(b));
    assert_eq!(store.source_by_url("https://nowhere.example/").unwrap(), None);
    assert_eq!(store.sources().unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), [a, b, c]);
    let due = |now| store.due_sources(now, 10).unwrap().into_iter().map(|s| s.id).collect::<Vec<_>>();
    assert_eq!(due(100), [b, a]);
    assert_eq!(store.due_sources(100, 1).unwrap().len(), 1);
    store
        .save_source_state(b, r#"{"items_seen":3}"#, 1000, Some("\"e1\""), Some("Tue, 02 Apr 2024 10:00:00 GMT"))
        .unwrap();
    assert_eq!(due(100), [a]);
    assert_eq!(store.next_source_due().unwrap(), Some(50));
    let saved = store.source(b).unwrap().unwrap();
    assert_eq!(
        (saved.state.as_str(), saved.next_due, saved.etag.as_deref(), saved.last_modified.as_deref()),
        (r#"{"items_seen":3}"#, 1000, Some("\"e1\""), Some("Tue, 02 Apr 2024 10:00:00 GMT"))
    );
    assert_eq!(due(600), [a, c]);
    store.mark_seen(c, "guid", "T", None, None).unwrap();
    assert!(store.remove_source(c).unwrap());
    assert!(!store.remove_source(c).unwrap());
    assert_eq!(store.source(c).unwrap(), None);
    assert_eq!(store.seen_count(c).unwrap(), 0);
}

/// Seen items are per source and keep their article across a later give-up; item
/// retries count up until cleared.
pub fn seen_items_and_retries(store: &dyn ArticleStore) {
    let (a, _) = store.add_source(&new_source("https://a.example/rss", 0)).unwrap();
    let (b, _) = store.add_source(&new_source("https://b.example/rss", 0)).unwrap();
    assert_eq!(store.seen_item(a, "guid-1").unwrap(), None);
    store.mark_seen(a, "guid-1", "Title", Some(7), None).unwrap();
    assert!(store.seen_item(a, "guid-1").unwrap().is_some());
    assert_eq!(store.seen_item(b, "guid-1").unwrap(), None);
    store.mark_seen(a, "guid-1", "New title", None, Some("HTTP 404")).unwrap();
    assert_eq!(
        store.seen_item(a, "guid-1").unwrap(),
        Some(SeenItem { fingerprint: "New title".into(), article_id: Some(7), outcome: Some("HTTP 404".into()) })
    );
    store.mark_seen(a, "guid-2", "", None, None).unwrap();
    assert_eq!((store.seen_count(a).unwrap(), store.seen_count(b).unwrap()), (2, 0));
    assert_eq!(store.record_item_retry(a, "guid-3", "busy").unwrap(), 1);
    assert_eq!(store.record_item_retry(a, "guid-3", "busy again").unwrap(), 2);
    assert_eq!(store.record_item_retry(b, "guid-3", "busy").unwrap(), 1);
    store.clear_item_retries(a, "guid-3").unwrap();
    assert_eq!(store.record_item_retry(a, "guid-3", "busy").unwrap(), 1);
}

/// Request turns per host: the first caller goes now, callers at the same time queue a
/// gap apart, a caller after the queue goes at once, hosts are independent, and two
/// handles reserving at once never get the same turn.
pub fn host_turns_are_spaced_across_handles(first: &dyn ArticleStore, second: &dyn ArticleStore) {
    let now = 1_000_000;
    assert_eq!(first.reserve_host_turn("https://a.example", now, 500).unwrap(), now);
    assert_eq!(second.reserve_host_turn("https://a.example", now, 500).unwrap(), now + 500);
    assert_eq!(first.reserve_host_turn("https://a.example", now + 100, 500).unwrap(), now + 1000);
    assert_eq!(first.reserve_host_turn("https://b.example", now + 100, 500).unwrap(), now + 100, "hosts are independent");
    assert_eq!(second.reserve_host_turn("https://a.example", now + 5000, 500).unwrap(), now + 5000, "an idle host is free");
    let later = now + 10_000;
    let take = |store: &dyn ArticleStore| {
        (0..20).map(|_| store.reserve_host_turn("https://c.example", later, 100).unwrap()).collect::<Vec<_>>()
    };
    let (mut a, b) = std::thread::scope(|scope| {
        let one = scope.spawn(|| take(first));
        let two = scope.spawn(|| take(second));
        (one.join().unwrap(), two.join().unwrap())
    });
    a.extend(b);
    a.sort_unstable();
    assert_eq!(a, (0..40).map(|i| later + 100 * i).collect::<Vec<_>>(), "every turn once, a gap apart");
}

/// Two handles (as two schedulers) lease due sources at once: each source is taken by
/// exactly one of them, and is due again only when its lease ends.
pub fn lease_is_exclusive_across_handles(first: &dyn ArticleStore, second: &dyn ArticleStore) {
    const SOURCES: i64 = 24;
    for i in 0..SOURCES {
        first.add_source(&new_source(&format!("https://s{i}.example/rss"), i)).unwrap();
    }
    let now = 100;
    let lease = 60;
    let take_all = |store: &dyn ArticleStore| -> Vec<i64> {
        let mut taken = Vec::new();
        loop {
            let batch = store.lease_due_sources(now, lease, 2).unwrap();
            if batch.is_empty() {
                return taken;
            }
            assert!(batch.iter().all(|s| s.next_due == now + lease), "{batch:?}");
            taken.extend(batch.iter().map(|s| s.id));
        }
    };
    let (by_first, by_second) = std::thread::scope(|scope| {
        let one = scope.spawn(|| take_all(first));
        let two = scope.spawn(|| take_all(second));
        (one.join().unwrap(), two.join().unwrap())
    });
    let mut all: Vec<i64> = by_first.iter().chain(&by_second).copied().collect();
    all.sort_unstable();
    assert_eq!(all, (1..=SOURCES).collect::<Vec<_>>(), "first took {by_first:?}, second {by_second:?}");
    assert!(by_first.windows(2).all(|w| w[0] < w[1]), "most overdue first: {by_first:?}");
    assert!(first.due_sources(now, 100).unwrap().is_empty());
    assert!(second.lease_due_sources(now + lease - 1, lease, 100).unwrap().is_empty(), "still leased");
    assert_eq!(
        second.lease_due_sources(now + lease, lease, 100).unwrap().len(),
        SOURCES as usize,
        "due again when the lease ends"
    );
}

// --- Ingest with what goes with an article: watches, translations, entity merges ----------

fn new_watch(name: &str, webhook: bool, email: bool) -> NewWatch {
    NewWatch {
        name: name.into(),
        spec_json: format!(r#"{{"query":"{name}"}}"#),
        webhook: webhook.then(|| "https://hooks.example/in".into()),
        email: email.then(|| "desk@example.org".into()),
        digest: None,
        burst: None,
    }
}

/// A matcher matching every article with each of `watches`; it counts its calls.
struct Matcher {
    watches: Vec<i64>,
    calls: std::cell::Cell<usize>,
}

impl Matcher {
    fn new(watches: &[i64]) -> Matcher {
        Matcher { watches: watches.to_vec(), calls: std::cell::Cell::new(0) }
    }

    fn matches(&self, _article: i64) -> Vec<NewMatch> {
        self.calls.set(self.calls.get() + 1);
        self.watches.iter().map(|&watch_id| NewMatch { watch_id, matched_json: r#"{"terms":["x"]}"#.into() }).collect()
    }
}

/// `(matches, pending, dead)` of each watch, by id.
fn watch_counts(store: &dyn ArticleStore) -> Vec<(i64, u64, u64, u64)> {
    store.watches().unwrap().iter().map(|w| (w.id, w.matches, w.pending, w.dead)).collect()
}

/// Watches are added with a secret, listed oldest first with their settings, and
/// removed; every change moves the version; ids are not reused.
pub fn watches_are_added_listed_and_removed(store: &dyn ArticleStore) {
    assert!(store.watches().unwrap().is_empty());
    let v0 = store.watches_version().unwrap();
    let (first, secret) = store.add_watch(&new_watch("first", true, false)).unwrap();
    let v1 = store.watches_version().unwrap();
    assert_ne!(v1, v0);
    assert_eq!(secret.len(), 48, "{secret}");
    assert!(secret.bytes().all(|b| b.is_ascii_hexdigit()), "{secret}");
    let digest = NewWatch {
        digest: Some(Digest::Daily { minute_of_day: 450 }),
        burst: Some((3, 6)),
        ..new_watch("second", false, true)
    };
    let (second, other_secret) = store.add_watch(&digest).unwrap();
    assert_ne!(secret, other_secret);
    assert!(second > first);
    let v2 = store.watches_version().unwrap();
    assert!(v2 != v1 && v2 != v0);
    let listed = store.watches().unwrap();
    assert_eq!(listed.iter().map(|w| w.id).collect::<Vec<_>>(), [first, second]);
    let w = &listed[0];
    assert_eq!(
        (
            w.name.as_str(),
            w.spec_json.as_str(),
            w.secret.as_str(),
            w.webhook.as_deref(),
            w.email.as_deref(),
            w.digest.as_deref()
        ),
        ("first", r#"{"query":"first"}"#, secret.as_str(), Some("https://hooks.example/in"), None, None)
    );
    assert!(crate::parse_timestamp(&w.created_at).is_some(), "{}", w.created_at);
    assert_eq!(
        (listed[1].email.as_deref(), listed[1].digest.as_deref()),
        (Some("desk@example.org"), Some("daily@07:30"))
    );
    assert_eq!(watch_counts(store), [(first, 0, 0, 0), (second, 0, 0, 0)]);

    assert!(store.remove_watch(first).unwrap());
    let v3 = store.watches_version().unwrap();
    assert!(![v0, v1, v2].contains(&v3));
    assert!(!store.remove_watch(first).unwrap(), "removed once");
    assert_eq!(store.watches().unwrap().iter().map(|w| w.id).collect::<Vec<_>>(), [second]);
    let (third, _) = store.add_watch(&new_watch("third", true, true)).unwrap();
    assert!(third > second, "ids are not reused");
}

/// The deliverer's side of the outbox, with two handles as two deliverers: due rows are
/// claimed by one of them only, a claimed row is not due again until its lease ends, a
/// sent row is done, a failed one is due again when rescheduled or dead when given up;
/// the watch's match is read back for the message.
pub fn deliveries_are_claimed_once_and_settled(first: &dyn ArticleStore, second: &dyn ArticleStore) {
    let (hook, _) = first.add_watch(&new_watch("hook", true, true)).unwrap();
    let matcher = Matcher::new(&[hook]);
    let mut ids = Vec::new();
    for i in 0..6 {
        let a = article(&format!("Matched {i}"), Some("2024-06-01T09:00:00Z"), "example.org");
        ids.push(first.store_article(&key(&format!("k{i}"), "h"), &a, &|id| matcher.matches(id), None).unwrap().id());
    }
    assert!(first.next_delivery_due().unwrap().is_some_and(|t| t <= crate::unix_now()));
    // Webhook and e-mail for each article: 12 rows, each claimed by one deliverer.
    let (a, b) = std::thread::scope(|scope| {
        let one = scope.spawn(|| first.claim_deliveries(600, 7).unwrap());
        let two = scope.spawn(|| second.claim_deliveries(600, 7).unwrap());
        (one.join().unwrap(), two.join().unwrap())
    });
    let mut claimed: Vec<i64> = a.iter().chain(&b).map(|d| d.id).collect();
    claimed.sort_unstable();
    claimed.dedup();
    assert_eq!(claimed.len(), a.len() + b.len(), "no row claimed twice: {a:?} {b:?}");
    let rest = first.claim_deliveries(600, 100).unwrap();
    assert_eq!(claimed.len() + rest.len(), 12);
    assert!(first.claim_deliveries(600, 100).unwrap().is_empty(), "leased rows are not due");
    let all: Vec<_> = a.into_iter().chain(b).chain(rest).collect();
    assert!(all.iter().all(|d| d.attempts == 1 && d.watch_id == hook));
    let keys: std::collections::HashSet<&str> = all.iter().map(|d| d.idempotency_key.as_str()).collect();
    assert_eq!(keys.len(), 12, "one idempotency key per row");
    let Payload::Article(article_id) = all[0].payload else { panic!("{:?}", all[0].payload) };
    let m = second.watch_match(hook, article_id).unwrap().expect("the match behind a delivery");
    assert_eq!(m.article.id, article_id);
    assert_eq!(second.watch_matches_between(hook, 0, i64::MAX).unwrap().len(), 6);
    assert!(second.watch_matches_between(hook, 0, 1).unwrap().is_empty());
    // Settled: sent, rescheduled (due again at once), given up.
    first.delivery_sent(all[0].id).unwrap();
    second.delivery_failed(all[1].id, "503 from the hook", Some(0)).unwrap();
    second.delivery_failed(all[2].id, "gone", None).unwrap();
    let again = first.claim_deliveries(600, 100).unwrap();
    assert_eq!(again.iter().map(|d| (d.id, d.attempts)).collect::<Vec<_>>(), vec![(all[1].id, 2)]);
    let dead = first.dead_deliveries(10).unwrap();
    assert_eq!(dead.iter().map(|d| (d.id, d.last_error.as_deref())).collect::<Vec<_>>(), vec![(all[2].id, Some("gone"))]);
}

/// `store_article` records the matches of stored versions only (an `Unchanged` repeat
/// is not matched), one delivery per channel and (watch, article) pair, drops matches
/// of a removed watch, and removing a watch drops its matches and deliveries.
pub fn stored_articles_record_matches_and_deliveries(store: &dyn ArticleStore) {
    let (hook, _) = store.add_watch(&new_watch("hook", true, false)).unwrap();
    let (both, _) = store.add_watch(&new_watch("both", true, true)).unwrap();
    let (silent, _) = store.add_watch(&new_watch("silent", false, false)).unwrap();
    let matcher = Matcher::new(&[hook, both, silent]);
    let a = article("Matched", Some("2024-06-01T09:00:00Z"), "example.org");
    let first = store.store_article(&key("k1", "h1"), &a, &|id| matcher.matches(id), None).unwrap();
    let Upsert::Inserted(id) = first else { panic!("{first:?}") };
    assert_eq!(matcher.calls.get(), 1);
    assert_eq!(watch_counts(store), [(hook, 1, 1, 0), (both, 1, 2, 0), (silent, 1, 0, 0)]);

    // Unchanged: not matched at all.
    assert_eq!(
        store.store_article(&key("k1", "h1"), &a, &|id| matcher.matches(id), None).unwrap(),
        Upsert::Unchanged(id)
    );
    assert_eq!(matcher.calls.get(), 1, "an unchanged article is not matched");
    // Updated: matched again, no second delivery.
    let changed = Article { text: "changed".into(), ..a.clone() };
    assert_eq!(
        store.store_article(&key("k1", "h2"), &changed, &|id| matcher.matches(id), None).unwrap(),
        Upsert::Updated(id)
    );
    assert_eq!(matcher.calls.get(), 2);
    assert_eq!(watch_counts(store), [(hook, 1, 1, 0), (both, 1, 2, 0), (silent, 1, 0, 0)]);

    // A second article: one more match and delivery each.
    store
        .store_article(&key("k2", "h"), &article("Other", None, "example.org"), &|id| matcher.matches(id), None)
        .unwrap();
    assert_eq!(watch_counts(store), [(hook, 2, 2, 0), (both, 2, 4, 0), (silent, 2, 0, 0)]);

    // A matcher built before a removal: the removed watch's match is dropped.
    assert!(store.remove_watch(both).unwrap());
    store
        .store_article(&key("k3", "h"), &article("Third", None, "example.org"), &|id| matcher.matches(id), None)
        .unwrap();
    assert_eq!(watch_counts(store), [(hook, 3, 3, 0), (silent, 3, 0, 0)]);
    assert_eq!(store.count().unwrap(), 3);
}

/// A burst watch delivers once when its minimum is reached within its window; an
/// e-mail digest collects a period's matches into one delivery.
pub fn burst_and_digest_watches_deliver_once(store: &dyn ArticleStore) {
    let (burst, _) = store.add_watch(&NewWatch { burst: Some((3, 6)), ..new_watch("burst", true, false) }).unwrap();
    let (digest, _) =
        store.add_watch(&NewWatch { digest: Some(Digest::Hourly), ..new_watch("digest", false, true) }).unwrap();
    let matcher = Matcher::new(&[burst, digest]);
    let hour = |t: i64| t.div_euclid(3_600);
    let started = crate::unix_now();
    let mut pending = Vec::new();
    for i in 0..4 {
        let a = article(&format!("T{i}"), None, "example.org");
        store.store_article(&key(&format!("k{i}"), "h"), &a, &|id| matcher.matches(id), None).unwrap();
        pending.push(store.watches().unwrap()[0].pending);
    }
    assert_eq!(pending, [0, 0, 1, 1], "one alert, when the third match arrives");
    let digest_record = &store.watches().unwrap()[1];
    assert_eq!(digest_record.matches, 4);
    if hour(started) == hour(crate::unix_now()) {
        assert_eq!(digest_record.pending, 1, "one digest for the hour");
    }
}

/// `store_article` queues a stored version for translation when its language is not
/// the target's; an unchanged repeat is not queued again; a translation is taken off
/// the queue, and a changed article is queued again.
pub fn stored_articles_are_queued_for_translation(store: &dyn ArticleStore) {
    let none = |_: i64| Vec::new();
    let in_language =
        |title: &str, language: &str| Article { language: Some(language.into()), ..article(title, None, "s") };
    let due = |language: &str| -> Vec<(i64, u32)> {
        store.due_translations(language, i64::MAX, 10).unwrap().iter().map(|q| (q.article_id, q.attempts)).collect()
    };
    let fr = store.store_article(&key("fr", "h1"), &in_language("Bonjour", "fr"), &none, Some("en")).unwrap().id();
    let en = store.store_article(&key("en", "h1"), &in_language("Hello", "en"), &none, Some("en")).unwrap().id();
    let de = store.store_article(&key("de", "h1"), &in_language("Hallo", "de"), &none, Some("en")).unwrap().id();
    store.store_article(&key("es", "h1"), &in_language("Hola", "es"), &none, None).unwrap();
    store
        .store_article(&key("xx", "h1"), &Article { language: None, ..article("?", None, "s") }, &none, Some("en"))
        .unwrap();
    assert_eq!(due("en"), [(fr, 0), (de, 0)], "only articles in another known language");
    assert!(due("fr").is_empty());
    assert!(store.due_translations("en", 0, 10).unwrap().len() == 2, "due from the start");
    assert_eq!(store.due_translations("en", i64::MAX, 1).unwrap().len(), 1);
    assert_eq!(
        store.store_article(&key("fr", "h1"), &in_language("Bonjour", "fr"), &none, Some("en")).unwrap(),
        Upsert::Unchanged(fr)
    );
    assert_eq!(due("en"), [(fr, 0), (de, 0)], "queued once");

    let t =
        crate::translation_now("en", "Hello".into(), "Good morning".into(), "apertium", vec!["fr".into(), "en".into()]);
    assert!(store.put_translation(fr, "h1", &t).unwrap());
    assert_eq!(due("en"), [(de, 0)], "translated: off the queue");
    assert!(!store.put_translation(en + 1000, "h1", &t).unwrap(), "no such article");
    // Changed since: queued again.
    store.store_article(&key("fr", "h2"), &in_language("Bonsoir", "fr"), &none, Some("en")).unwrap();
    assert_eq!(due("en"), [(fr, 0), (de, 0)]);
}

/// A claimed translation is nobody else's until its lease ends; a failure counts an
/// attempt and reschedules it; an unqueued article is gone from the queue.
pub fn translations_are_claimed_with_a_lease(store: &dyn ArticleStore) {
    let none = |_: i64| Vec::new();
    let fr = |title: &str| Article { language: Some("fr".into()), ..article(title, None, "s") };
    let one = store.store_article(&key("one", "h1"), &fr("Un"), &none, Some("en")).unwrap().id();
    let two = store.store_article(&key("two", "h2"), &fr("Deux"), &none, Some("en")).unwrap().id();
    let three = store.store_article(&key("three", "h3"), &fr("Trois"), &none, Some("en")).unwrap().id();
    let ids = |q: Vec<crate::QueuedTranslation>| -> Vec<(i64, u32)> {
        q.into_iter().map(|q| (q.article_id, q.attempts)).collect()
    };
    assert_eq!(store.content_hash(two).unwrap().as_deref(), Some("h2"));
    assert_eq!(store.content_hash(three + 100).unwrap(), None);
    assert_eq!(ids(store.claim_translations("en", 1_000, 60, 2).unwrap()), [(one, 0), (two, 0)]);
    assert_eq!(ids(store.claim_translations("en", 1_000, 60, 2).unwrap()), [(three, 0)], "the claimed are not offered");
    assert!(store.claim_translations("en", 1_059, 60, 5).unwrap().is_empty(), "all leased");
    assert!(store.claim_translations("fr", 5_000, 60, 5).unwrap().is_empty(), "another language");
    store.translation_failed(two, "en", "engine down", 2_000).unwrap();
    store.unqueue_translation(three, "en").unwrap();
    assert_eq!(ids(store.claim_translations("en", 1_060, 60, 5).unwrap()), [(one, 0)], "its lease ended");
    assert_eq!(ids(store.claim_translations("en", 2_000, 60, 5).unwrap()), [(one, 0), (two, 1)], "retried, counted");
    assert_eq!(ids(store.due_translations("en", i64::MAX, 5).unwrap()).len(), 2, "three is off the queue");
}

/// Translations are read only when made from the article's current text; storing one
/// sends the article back to the search index.
pub fn translated_texts_follow_the_content_hash(store: &dyn ArticleStore) {
    let none = |_: i64| Vec::new();
    let fr = |title: &str| Article { language: Some("fr".into()), ..article(title, None, "s") };
    let one = store.store_article(&key("one", "h1"), &fr("Un"), &none, Some("en")).unwrap().id();
    let two = store.store_article(&key("two", "h1"), &fr("Deux"), &none, Some("en")).unwrap().id();
    store.mark_indexed(&[one, two]).unwrap();
    assert!(store.translated_texts(&[one, two], "en").unwrap().is_empty());
    let t = |title: &str| {
        crate::translation_now(
            "en",
            title.into(),
            format!("{title}, translated"),
            "apertium",
            vec!["fr".into(), "en".into()],
        )
    };
    assert!(store.put_translation(one, "h1", &t("One")).unwrap());
    assert!(!store.put_translation(two, "an older hash", &t("Two")).unwrap(), "made from another text");
    assert_eq!(
        store.unindexed(10).unwrap().iter().map(|a| a.id).collect::<Vec<_>>(),
        [one],
        "indexed again with its translation"
    );
    let got = store.translated_texts(&[one, two, 9999], "en").unwrap();
    assert_eq!(got.len(), 1);
    assert_eq!(got[&one], ("One".to_string(), "One, translated".to_string()));
    assert!(store.translated_texts(&[one], "de").unwrap().is_empty(), "another language");
    assert!(store.translated_texts(&[], "en").unwrap().is_empty());
    // A second translation replaces the first.
    assert!(store.put_translation(one, "h1", &t("One again")).unwrap());
    assert_eq!(store.translated_texts(&[one], "en").unwrap()[&one].0, "One again");
    // The article changes: its translation is of an older text and is not read.
    store.store_article(&key("one", "h2"), &fr("Un, modifié"), &none, Some("en")).unwrap();
    assert!(store.translated_texts(&[one], "en").unwrap().is_empty());
    assert!(store.put_translation(one, "h2", &t("One, changed")).unwrap());
    assert_eq!(store.translated_texts(&[one], "en").unwrap()[&one].0, "One, changed");
}

/// Raw pages round trip, bytes as given; a key names one content: a second put of it
/// keeps the first.
pub fn raw_pages_are_kept_once_by_key(store: &dyn ArticleStore) {
    let page = RawPage {
        key: "sha256:abc".into(),
        url: Some("https://example.org/a".into()),
        content_type: Some("text/html; charset=windows-1252".into()),
        source: Some("Example".into()),
        published: Some("2024-04-02".into()),
        body: vec![0, 159, 146, 150, b'<', b'p', b'>', 0xe9, 255],
    };
    assert_eq!(store.raw_page(&page.key).unwrap(), None);
    assert!(store.put_raw_page(&page).unwrap());
    assert_eq!(store.raw_page(&page.key).unwrap().as_ref(), Some(&page));
    let other = RawPage { body: b"other".to_vec(), url: None, ..page.clone() };
    assert!(!store.put_raw_page(&other).unwrap(), "the key is kept already");
    assert_eq!(store.raw_page(&page.key).unwrap().as_ref(), Some(&page), "the first is kept");
    let bare = RawPage { key: "k2".into(), body: Vec::new(), ..Default::default() };
    assert!(store.put_raw_page(&bare).unwrap());
    assert_eq!(store.raw_page("k2").unwrap(), Some(bare));
    assert_eq!(store.raw_page("sha256:ab").unwrap(), None);
}

/// People named by an article, each with the role it gives them.
type People<'a> = &'a [(&'a str, Option<&'a str>)];

fn dated_person_article(title: &str, published: &str, people: &[(&str, Option<&str>)]) -> Article {
    let mut a = article(title, Some(published), "example.org");
    a.analysis.entities = people.iter().map(|(name, role)| mention(name, EntityType::Person, *role)).collect();
    a
}

fn holders(store: &dyn ArticleStore, limit: usize) -> Vec<(String, String, i64, i64, u64)> {
    store
        .role_holders(limit)
        .unwrap()
        .into_iter()
        .map(|h| (h.person, h.role, h.first_day, h.last_day, h.articles))
        .collect()
}

/// Role holders: people (only) with the roles articles gave them, most given first,
/// ties by name then role, with the first and last UTC day of publication; counts
/// follow an article's update.
pub fn role_holders_count_articles_per_person_and_role(store: &dyn ArticleStore) {
    let day = |date: &str| crate::trends::day_of(crate::parse_timestamp(date).unwrap());
    let articles: [(&str, &str, People); 7] = [
        ("a", "2024-03-01T10:00:00Z", &[("Ada Lovelace", Some("Minister")), ("Bob Smith", Some("Mayor"))]),
        // 01:30 at +02:00 is the day before in UTC.
        ("b", "2024-03-05T01:30:00+02:00", &[("Ada Lovelace", Some("Minister")), ("Ada Lovelace", Some("Speaker"))]),
        ("c", "2024-03-03T12:00:00Z", &[("Bob Smith", Some("Mayor")), ("Carol Jones", None)]),
        ("d", "1969-12-31T18:00:00Z", &[("Dan Brown", Some("Author"))]),
        ("e", "2024-03-02T08:00:00Z", &[("Ada Lovelace", Some("Chair"))]),
        ("f", "2024-03-02T09:00:00Z", &[("Ada Lovelace", Some(""))]),
        ("g", "2024-03-04T09:00:00Z", &[("Eve Adams", Some("Chair"))]),
    ];
    for (k, published, people) in articles {
        put(store, k, &dated_person_article(k, published, people));
    }
    // A role given to a place is no person's.
    let mut place = article("h", Some("2024-03-01"), "example.org");
    place.analysis.entities = vec![mention("Paris", EntityType::Location, Some("Capital"))];
    put(store, "h", &place);
    let expected = vec![
        ("Ada Lovelace".to_string(), "Minister".to_string(), day("2024-03-01"), day("2024-03-04"), 2),
        ("Bob Smith".into(), "Mayor".into(), day("2024-03-01"), day("2024-03-03"), 2),
        ("Ada Lovelace".into(), "Chair".into(), day("2024-03-02"), day("2024-03-02"), 1),
        ("Dan Brown".into(), "Author".into(), -1, -1, 1),
        ("Eve Adams".into(), "Chair".into(), day("2024-03-04"), day("2024-03-04"), 1),
    ];
    assert_eq!(holders(store, 10), expected);
    assert_eq!(holders(store, 2), expected[..2]);
    // Bob loses a role: the counts follow.
    store
        .upsert_article(
            &key("c", "changed"),
            &dated_person_article("c", "2024-03-03T12:00:00Z", &[("Bob Smith", None)]),
        )
        .unwrap();
    let bob = ("Bob Smith".to_string(), "Mayor".to_string(), day("2024-03-01"), day("2024-03-01"), 1);
    assert_eq!(
        holders(store, 10),
        [expected[0].clone(), expected[2].clone(), bob, expected[3].clone(), expected[4].clone()]
    );
}

/// Articles for the merge test: `obama` and `biden` are the names the first store
/// writes and the second (given the merged names) replaces.
fn merge_corpus(obama: &str, biden: &str) -> Vec<(&'static str, Article)> {
    let with = |title: &str, published: &str, people: &[(&str, Option<&str>)], quotes: &[(&str, Option<&str>)]| {
        let mut a = dated_person_article(title, published, people);
        a.analysis.quotes = quotes.iter().map(|(text, speaker)| quote(text, *speaker)).collect();
        a
    };
    let mut city = with("Obama, Japan", "2024-05-04", &[], &[]);
    city.analysis.entities = vec![mention("Obama", EntityType::Location, None)];
    vec![
        ("k1", with("One", "2024-05-01", &[(obama, Some("President"))], &[("Yes we can.", Some(obama))])),
        (
            "k2",
            with(
                "Two",
                "2024-05-02",
                &[("Barack Obama", None), ("Barack Obama", None), (obama, Some("former president")), (biden, None)],
                &[("Hope.", Some(obama)), ("Change.", Some("Barack Obama")), ("Anon.", None)],
            ),
        ),
        ("k3", with("Three", "2024-05-03", &[("Barack Obama", Some("President")), ("Michelle Obama", None)], &[])),
        ("k4", city),
        ("k5", with("Five", "2024-05-05", &[(biden, Some("Vice President"))], &[("Folks.", Some(biden))])),
    ]
}

/// What a store answers about its entities, by name (ids differ between stores).
fn entity_answers(store: &dyn ArticleStore, article_ids: &[i64]) -> Vec<String> {
    let name =
        |id: Option<i64>| id.and_then(|id| store.entity(id).unwrap()).map(|e| format!("{}/{}", e.canonical, e.kind));
    let mut out = Vec::new();
    for e in store.top_entities(None, 100).unwrap() {
        out.push(format!("top {} {} {}", e.canonical, e.kind, e.articles));
        let record = store.entity(e.id).unwrap().unwrap();
        out.push(format!("entity {} {} {}", record.canonical, record.kind, record.articles));
        for a in store.entity_articles(e.id, 100).unwrap() {
            out.push(format!("  in {} {:?} {}", a.article_id, a.role, a.mentions));
        }
        for q in store.quotes(Some(e.id), None, 100).unwrap() {
            out.push(format!("  said {} {}", q.article_id, q.text));
        }
    }
    for kind in ["person", "location"] {
        let top = store.top_entities(Some(kind), 100).unwrap();
        out.push(format!("{kind}: {:?}", top.iter().map(|e| (&e.canonical, e.articles)).collect::<Vec<_>>()));
    }
    for &id in article_ids {
        for (e, role) in store.article_entities(id).unwrap() {
            out.push(format!("article {id}: {} {} {} {:?}", e.canonical, e.kind, e.articles, role));
        }
        for q in store.quotes(None, Some(id), 100).unwrap() {
            out.push(format!("article {id} quote {} by {:?}", q.text, name(q.entity_id)));
        }
    }
    for (_, e, role) in store.entities_of_articles(article_ids).unwrap() {
        out.push(format!("of articles: {} {} {:?}", e.canonical, e.articles, role));
    }
    out.push(format!("{:?}", store.role_holders(100).unwrap()));
    // The trend counters and role counts, by name.
    let period = Period::ending(day("2024-05-06"), 7).unwrap();
    for e in store.top_entities(None, 100).unwrap() {
        let series: Vec<_> =
            store.entity_series(e.id, period).unwrap().iter().map(|d| (d.articles, d.mentions, d.quotes)).collect();
        out.push(format!("series {} {} {series:?}", e.canonical, e.kind));
        out.push(format!("quoted by {} {:?}", e.canonical, store.quoting_sources(e.id, period, 10).unwrap()));
        out.push(format!("role history {} {:?}", e.canonical, store.role_history(e.id, 10).unwrap()));
        out.push(format!("roles {} {:?}", e.canonical, store.entity_roles(e.id).unwrap()));
    }
    let speakers: Vec<_> =
        store.top_speakers(period, 10).unwrap().into_iter().map(|s| (s.canonical, s.quotes)).collect();
    out.push(format!("speakers {speakers:?}"));
    let shares = store.quote_shares("example.org", period, 10).unwrap();
    let speakers: Vec<_> = shares.speakers.into_iter().map(|s| (s.canonical, s.quotes)).collect();
    out.push(format!("shares {} {speakers:?} {:?}", shares.total, shares.roles));
    let news: Vec<_> =
        store.in_the_news(day("2024-05-02"), 1, 10).unwrap().into_iter().map(|t| (t.canonical, t.count)).collect();
    out.push(format!("in the news {news:?}"));
    out
}

/// `merge_entity` moves the mentions and quotes of one entity to another of the same
/// kind (created if need be) and deletes it: afterwards every kept count and listing is
/// what a fresh store given the merged names answers. `fresh` is a second, empty store.
pub fn merge_entity_answers_as_a_store_given_the_merged_names(store: &dyn ArticleStore, fresh: &dyn ArticleStore) {
    let mut ids = Vec::new();
    for (k, a) in merge_corpus("Obama", "Joe Biden") {
        ids.push(put(store, k, &a));
    }
    for (k, a) in merge_corpus("Barack Obama", "Joseph R. Biden") {
        put(fresh, k, &a);
    }
    let person = |s: &dyn ArticleStore, name: &str| {
        s.top_entities(Some("person"), 100).unwrap().into_iter().find(|e| e.canonical == name)
    };
    let obama = person(store, "Obama").unwrap();
    assert_eq!(obama.articles, 2);
    assert_eq!(person(store, "Barack Obama").unwrap().articles, 2);

    assert_eq!(store.merge_entity("person", "Obama", "Barack Obama").unwrap(), 2);
    assert_eq!(store.merge_entity("person", "Joe Biden", "Joseph R. Biden").unwrap(), 2, "into a new entity");
    assert_eq!(store.entity(obama.id).unwrap(), None, "the merged entity is gone");
    assert_eq!(entity_answers(store, &ids), entity_answers(fresh, &ids));
    let place = store.top_entities(Some("location"), 10).unwrap();
    assert_eq!(
        place.iter().map(|e| (e.canonical.as_str(), e.articles)).collect::<Vec<_>>(),
        [("Obama", 1)],
        "another kind stays"
    );

    assert_eq!(store.merge_entity("person", "Obama", "Barack Obama").unwrap(), 0, "nothing left to merge");
    assert_eq!(store.merge_entity("person", "Nobody", "Barack Obama").unwrap(), 0);
    assert_eq!(store.merge_entity("person", "Barack Obama", "Barack Obama").unwrap(), 0, "into itself");
    assert_eq!(entity_answers(store, &ids), entity_answers(fresh, &ids));
    // Articles stored after the merge count with the merged ones.
    put(store, "k6", &dated_person_article("Six", "2024-05-06", &[("Barack Obama", Some("President"))]));
    put(fresh, "k6", &dated_person_article("Six", "2024-05-06", &[("Barack Obama", Some("President"))]));
    assert_eq!(person(store, "Barack Obama").unwrap().articles, 4);
    assert_eq!(entity_answers(store, &ids), entity_answers(fresh, &ids));
}

/// The UTC day of a date or time.
fn day(date: &str) -> i64 {
    day_of(parse_timestamp(date).unwrap())
}

/// The id of the entity `(canonical, kind)`, found through the listings.
fn entity_id_of(store: &dyn ArticleStore, canonical: &str, kind: &str) -> i64 {
    let top = store.top_entities(Some(kind), 1000).unwrap();
    top.iter().find(|e| e.canonical == canonical).unwrap_or_else(|| panic!("no entity {canonical:?}")).id
}

/// An article from `source` on `published` naming `mentions` (name, kind, role) and
/// quoting `speakers` (`None`: a speaker not resolved to anyone).
fn trend_article(
    published: &str,
    source: &str,
    mentions: &[(&str, EntityType, Option<&str>)],
    speakers: &[Option<&str>],
) -> Article {
    let mut a = article(&format!("{published} {source} {mentions:?} {speakers:?}"), Some(published), source);
    a.analysis.entities = mentions.iter().map(|(name, kind, role)| mention(name, *kind, *role)).collect();
    a.analysis.quotes = speakers.iter().enumerate().map(|(i, s)| quote(&format!("words {i}"), *s)).collect();
    a
}

const MACRON: (&str, EntityType, Option<&str>) = ("Emmanuel Macron", EntityType::Person, Some("president"));
const BORNE: (&str, EntityType, Option<&str>) = ("Élisabeth Borne", EntityType::Person, Some("prime minister"));

/// The four dated articles of the trends tests; their ids.
fn trend_corpus(store: &dyn ArticleStore) -> Vec<i64> {
    let macron_plain = ("Emmanuel Macron", EntityType::Person, None);
    let paris = ("Paris", EntityType::Location, None);
    let articles = [
        trend_article(
            "2024-04-01T10:00:00Z",
            "lemonde.fr",
            &[MACRON, BORNE, paris],
            &[Some("Emmanuel Macron"), Some("Emmanuel Macron"), None],
        ),
        trend_article("2024-04-03T08:00:00Z", "lemonde.fr", &[macron_plain, macron_plain], &[Some("Emmanuel Macron")]),
        // 23:30 at -02:00 is the next day in UTC.
        trend_article("2024-04-02T23:30:00-02:00", "rtl.be", &[BORNE, paris], &[Some("Élisabeth Borne")]),
        trend_article(
            "2024-05-20T12:00:00Z",
            "rtl.be",
            &[("Emmanuel Macron", EntityType::Person, Some("head of state"))],
            &[],
        ),
    ];
    articles.iter().enumerate().map(|(i, a)| put(store, &format!("t{i}"), a)).collect()
}

/// Trends over a few dated articles with quotes and roles: an entity's series, the day
/// of the trends, who is in the news, the top speakers, a source's quote shares, the
/// sources quoting an entity and the roles an entity was given over time.
pub fn trends_count_dated_articles_quotes_and_roles(store: &dyn ArticleStore) {
    assert_eq!(store.trend_day(day("2030-01-01")).unwrap(), None, "an empty store has no trend day");
    trend_corpus(store);
    let macron = entity_id_of(store, "Emmanuel Macron", "person");
    let borne = entity_id_of(store, "Élisabeth Borne", "person");
    let paris = entity_id_of(store, "Paris", "location");
    assert_eq!(store.trend_day(day("2030-01-01")).unwrap(), Some(day("2024-05-20")));
    assert_eq!(store.trend_day(day("2024-04-02")).unwrap(), Some(day("2024-04-01")));
    assert_eq!(store.trend_day(day("2024-03-31")).unwrap(), None);

    let period = Period::ending(day("2024-04-03"), 7).unwrap();
    let series = store.entity_series(macron, period).unwrap();
    assert_eq!(series.iter().map(|d| d.day.as_str()).collect::<Vec<_>>()[..2], ["2024-03-28", "2024-03-29"]);
    let counts: Vec<(u64, u64, u64)> = series.iter().map(|d| (d.articles, d.mentions, d.quotes)).collect();
    assert_eq!(counts, [(0, 0, 0), (0, 0, 0), (0, 0, 0), (0, 0, 0), (1, 1, 2), (0, 0, 0), (1, 2, 1)]);
    let paris_series: Vec<u64> = store.entity_series(paris, period).unwrap().iter().map(|d| d.articles).collect();
    assert_eq!(paris_series, [0, 0, 0, 0, 1, 0, 1], "the -02:00 article counts on its UTC day");

    // Speakers: Macron 3 quotes, Borne 1 (the unresolved one is no speaker here).
    let top = store.top_speakers(period, 10).unwrap();
    let named: Vec<(&str, u64, f64)> =
        top.iter().map(|s| (s.canonical.as_deref().unwrap(), s.quotes, s.share)).collect();
    assert_eq!(named, [("Emmanuel Macron", 3, 0.75), ("Élisabeth Borne", 1, 0.25)]);
    assert_eq!(top[0].entity_id, Some(macron));
    assert_eq!(store.top_speakers(period, 1).unwrap().len(), 1);

    let shares = store.quote_shares("lemonde.fr", period, 10).unwrap();
    assert_eq!(shares.total, 4);
    let speakers: Vec<(Option<i64>, u64)> = shares.speakers.iter().map(|s| (s.entity_id, s.quotes)).collect();
    assert_eq!(speakers, [(Some(macron), 3), (None, 1)], "unresolved speakers are one line");
    assert_eq!(shares.speakers[0].share, 0.75);
    let roles: Vec<(Option<&str>, u64)> = shares.roles.iter().map(|r| (r.role.as_deref(), r.quotes)).collect();
    assert_eq!(roles, [(None, 2), (Some("president"), 2)], "ties by role, no role first");
    let rtl = store.quote_shares("rtl.be", period, 10).unwrap();
    assert_eq!((rtl.total, rtl.roles.len()), (1, 1));
    assert_eq!(rtl.roles[0].role.as_deref(), Some("prime minister"));
    assert_eq!(store.quote_shares("nowhere.example", period, 10).unwrap().total, 0);

    assert_eq!(
        store.quoting_sources(macron, period, 10).unwrap(),
        [SourceQuotes { source: "lemonde.fr".into(), quotes: 3 }]
    );
    assert_eq!(
        store.quoting_sources(borne, period, 10).unwrap(),
        [SourceQuotes { source: "rtl.be".into(), quotes: 1 }]
    );
    assert!(store.quoting_sources(paris, period, 10).unwrap().is_empty());

    let history: Vec<(String, String, String, u64)> = store
        .role_history(macron, 10)
        .unwrap()
        .into_iter()
        .map(|r| (r.role, r.first_seen, r.last_seen, r.articles))
        .collect();
    assert_eq!(
        history,
        [
            ("president".into(), "2024-04-01".into(), "2024-04-01".into(), 1),
            ("head of state".into(), "2024-05-20".into(), "2024-05-20".into(), 1),
        ]
    );
    assert_eq!(store.role_history(macron, 1).unwrap().len(), 1);
    assert!(store.role_history(paris, 10).unwrap().is_empty());

    // In the news on 2024-04-03: Macron and Borne (1 article each, no baseline) tie on
    // score and count and order by name; Paris too.
    let news: Vec<(String, u64, f64)> = store
        .in_the_news(day("2024-04-03"), 1, 10)
        .unwrap()
        .into_iter()
        .map(|t| (t.canonical, t.count, t.baseline_mean))
        .collect();
    assert_eq!(news.len(), 3, "{news:?}");
    assert_eq!(news.iter().map(|n| n.0.as_str()).collect::<Vec<_>>(), ["Emmanuel Macron", "Paris", "Élisabeth Borne"]);
    assert!((news[0].2 - 1.0 / 30.0).abs() < 1e-12, "one article on 04-01 in the 30 days before");
    assert!(store.in_the_news(day("2024-04-03"), 2, 10).unwrap().is_empty(), "below the minimum count");
    assert_eq!(store.in_the_news(day("2024-04-03"), 1, 2).unwrap().len(), 2);
}

/// An article updated with other entities, day and source moves its counts; re-storing
/// it unchanged counts nothing twice.
pub fn trends_follow_an_article_updated_with_other_entities(store: &dyn ArticleStore) {
    trend_corpus(store);
    let macron = entity_id_of(store, "Emmanuel Macron", "person");
    let borne = entity_id_of(store, "Élisabeth Borne", "person");
    let period = Period::ending(day("2024-04-10"), 14).unwrap();
    let before = store.top_speakers(period, 10).unwrap();
    // Unchanged: nothing counted twice.
    let again = trend_article(
        "2024-04-03T08:00:00Z",
        "lemonde.fr",
        &[("Emmanuel Macron", EntityType::Person, None); 2],
        &[Some("Emmanuel Macron")],
    );
    assert!(matches!(
        store.upsert_article(&key("t1", &format!("hash of {}", again.title)), &again).unwrap(),
        Upsert::Unchanged(_)
    ));
    assert_eq!(store.top_speakers(period, 10).unwrap(), before);

    // The first article now names Attal (quoted twice) instead of Macron and Borne, two
    // days later, from another source.
    let attal = ("Gabriel Attal", EntityType::Person, Some("prime minister"));
    let changed =
        trend_article("2024-04-03T09:00:00Z", "rtl.be", &[attal], &[Some("Gabriel Attal"), Some("Gabriel Attal")]);
    assert!(matches!(store.upsert_article(&key("t0", "changed"), &changed).unwrap(), Upsert::Updated(_)));
    let attal_id = entity_id_of(store, "Gabriel Attal", "person");
    let articles_on = |entity: i64, date: &str| {
        let series = store.entity_series(entity, period).unwrap();
        let label = &date[..10];
        series.iter().find(|d| d.day == label).map(|d| (d.articles, d.quotes)).unwrap()
    };
    assert_eq!(articles_on(macron, "2024-04-01"), (0, 0), "the old day lost the article");
    assert_eq!(articles_on(borne, "2024-04-01"), (0, 0));
    assert_eq!(articles_on(attal_id, "2024-04-03"), (1, 2));
    assert_eq!(articles_on(borne, "2024-04-03"), (1, 1), "the other article stays");
    let top: Vec<(String, u64)> =
        store.top_speakers(period, 10).unwrap().into_iter().map(|s| (s.canonical.unwrap(), s.quotes)).collect();
    assert_eq!(top, [("Gabriel Attal".to_string(), 2), ("Emmanuel Macron".into(), 1), ("Élisabeth Borne".into(), 1)]);
    let lemonde = store.quote_shares("lemonde.fr", period, 10).unwrap();
    assert_eq!((lemonde.total, lemonde.speakers.len()), (1, 1), "{lemonde:?}");
    let rtl = store.quote_shares("rtl.be", period, 10).unwrap();
    assert_eq!(rtl.total, 3);
    assert_eq!(
        rtl.roles.iter().map(|r| (r.role.as_deref(), r.quotes)).collect::<Vec<_>>(),
        [(Some("prime minister"), 3)]
    );
    assert_eq!(
        store.quoting_sources(macron, period, 10).unwrap(),
        [SourceQuotes { source: "lemonde.fr".into(), quotes: 1 }]
    );
    let history: Vec<String> = store.role_history(macron, 10).unwrap().into_iter().map(|r| r.role).collect();
    assert_eq!(history, ["head of state"], "the president role went with the article");
    assert_eq!(store.role_history(borne, 10).unwrap()[0].first_seen, "2024-04-03");
    assert_eq!(store.trend_day(day("2024-04-02")).unwrap(), None, "no day before 04-03 is counted now");
}

/// Top stories: active stories by growth (recent volume, its rise over the window
/// before, breadth), older ones by kept size and breadth, at least `min_size` articles;
/// the kept sizes follow story merges and moves.
pub fn top_stories_rank_by_growth_and_follow_story_changes(store: &dyn ArticleStore) {
    assert!(store.top_stories(86_400, 1, 10).unwrap().is_empty(), "an empty store has none");
    let mut n = 0;
    let mut story = |articles: &[(&str, &str)]| -> i64 {
        let ids: Vec<i64> = articles
            .iter()
            .map(|(published, source)| {
                n += 1;
                put(store, &format!("s{n}"), &article(&format!("S{n}"), Some(published), source))
            })
            .collect();
        for &id in &ids {
            store.set_links(id, Links { story_id: Some(ids[0]), duplicate_of: None }).unwrap();
        }
        ids[0]
    };
    // The newest article is at 2024-06-10T12:00Z; a window of a day.
    let breaking =
        story(&[("2024-06-10T01:00:00Z", "a"), ("2024-06-10T06:00:00Z", "b"), ("2024-06-10T12:00:00Z", "c")]);
    let fading = story(&[("2024-06-09T01:00:00Z", "a"), ("2024-06-09T02:00:00Z", "a"), ("2024-06-10T02:00:00Z", "a")]);
    let old_wide = story(&[("2024-05-01", "a"), ("2024-05-02", "b"), ("2024-05-03", "a"), ("2024-05-03", "b")]);
    let old_single = story(&[("2024-05-05", "a")]);
    let old_pair = story(&[("2024-05-06", "d"), ("2024-05-07", "d")]);
    // The same counts and times as the pair: a tie, ordered by story id.
    let old_twin = story(&[("2024-05-06", "e"), ("2024-05-07", "e")]);
    let stats = |min_size: u64, limit: usize| -> Vec<(i64, u64, u64, u64, u64, u64, i64)> {
        store
            .top_stories(86_400, min_size, limit)
            .unwrap()
            .into_iter()
            .map(|s| (s.story_id, s.articles, s.recent, s.previous, s.sources, s.languages, s.last_ts))
            .collect()
    };
    let ts = |date: &str| parse_timestamp(date).unwrap();
    // Growth: 3 + 3 + 1.5 + 0.3; 1 + 0 + 0.5 + 0.3; 0 + 0 + 1 + 0.4; 0.5 + 0.2.
    let expected = vec![
        (breaking, 3, 3, 0, 3, 1, ts("2024-06-10T12:00:00Z")),
        (fading, 3, 1, 2, 1, 1, ts("2024-06-10T02:00:00Z")),
        (old_wide, 4, 0, 0, 2, 1, ts("2024-05-03")),
        (old_pair, 2, 0, 0, 1, 1, ts("2024-05-07")),
        (old_twin, 2, 0, 0, 1, 1, ts("2024-05-07")),
    ];
    assert!(old_pair < old_twin);
    assert_eq!(stats(2, 10), expected);
    assert_eq!(stats(2, 2), expected[..2]);
    assert_eq!(stats(4, 10), [expected[2]]);
    assert_eq!(stats(1, 10).len(), 6, "the single article story has the least growth");
    assert_eq!(stats(1, 10)[5].0, old_single);

    // Merging the pair into the wide story and moving an article out of the breaking
    // one: sizes, breadth and time spans follow.
    store.merge_story(old_pair, old_wide).unwrap();
    let newest = store.list(&ListQuery { story_id: Some(breaking), limit: 1, ..Default::default() }).unwrap().0[0].id;
    store.move_to_story(&[newest], old_single).unwrap();
    // Growth: 2 + 2 + 1 + 0.2; 1 + 1 + 1 + 0.2; 1.5 + 0.6; 1.8 as before.
    assert_eq!(
        stats(2, 10),
        [
            (breaking, 2, 2, 0, 2, 1, ts("2024-06-10T06:00:00Z")),
            (old_single, 2, 1, 0, 2, 1, ts("2024-06-10T12:00:00Z")),
            (old_wide, 6, 0, 0, 3, 1, ts("2024-05-07")),
            (fading, 3, 1, 2, 1, 1, ts("2024-06-10T02:00:00Z")),
            (old_twin, 2, 0, 0, 1, 1, ts("2024-05-07")),
        ]
    );
    assert_eq!(store.story_size(old_pair).unwrap(), 0);
}

/// The roles articles gave an entity: the most given (ties by role), listed in order of
/// first appearance, each with its first and last publication date and article count;
/// they follow an article's update.
pub fn entity_roles_list_roles_in_order_of_first_appearance(store: &dyn ArticleStore) {
    fn person(role: Option<&str>) -> Vec<(&str, Option<&str>)> {
        vec![("Ada Lovelace", role)]
    }
    let corpus = [
        ("r1", "2024-02-03", person(Some("Minister"))),
        ("r2", "2024-02-01", person(Some("Minister"))),
        ("r3", "2024-02-05", person(Some("Chair"))),
        ("r4", "2024-02-02", person(None)),
        ("r5", "2024-02-07", person(Some("Minister"))),
        ("r6", "2024-02-04", person(Some("Author"))),
    ];
    for (k, published, people) in &corpus {
        put(store, k, &dated_person_article(k, published, people));
    }
    let ada = entity_id_of(store, "Ada Lovelace", "person");
    let roles = |store: &dyn ArticleStore| -> Vec<(String, Option<String>, Option<String>, u64)> {
        store.entity_roles(ada).unwrap().into_iter().map(|r| (r.role, r.first_seen, r.last_seen, r.articles)).collect()
    };
    let d = |s: &str| Some(s.to_string());
    assert_eq!(
        roles(store),
        [
            ("Minister".into(), d("2024-02-01"), d("2024-02-07"), 3),
            ("Author".into(), d("2024-02-04"), d("2024-02-04"), 1),
            ("Chair".into(), d("2024-02-05"), d("2024-02-05"), 1),
        ]
    );
    // The oldest minister article now names her chair.
    put(
        store,
        "r2",
        &Article { title: "r2 again".into(), ..dated_person_article("r2", "2024-02-01", &person(Some("Chair"))) },
    );
    assert_eq!(
        roles(store),
        [
            ("Chair".into(), d("2024-02-01"), d("2024-02-05"), 2),
            ("Minister".into(), d("2024-02-03"), d("2024-02-07"), 2),
            ("Author".into(), d("2024-02-04"), d("2024-02-04"), 1),
        ]
    );
    assert!(store.entity_roles(ada + 1000).unwrap().is_empty());
}

/// `facet` lists every value with its count, most frequent first, ties by value;
/// `source_exists` tells stored sources.
pub fn facet_lists_every_value_and_sources_exist(store: &dyn ArticleStore) {
    assert!(store.facet(Facet::Source).unwrap().is_empty());
    assert!(!store.source_exists("a").unwrap());
    for (i, source) in ["b", "a", "c", "a", "b", "a", "B"].into_iter().enumerate() {
        let mut a = article(&format!("T{i}"), None, source);
        if i == 6 {
            a.language = Some("fr".into());
        }
        put(store, &format!("k{i}"), &a);
    }
    let counts = |v: &[(&str, u64)]| v.iter().map(|(s, n)| (s.to_string(), *n)).collect::<Vec<_>>();
    assert_eq!(
        store.facet(Facet::Source).unwrap(),
        counts(&[("a", 3), ("b", 2), ("B", 1), ("c", 1)]),
        "ties in byte order"
    );
    assert_eq!(store.facet(Facet::Language).unwrap(), counts(&[("en", 6), ("fr", 1)]));
    assert_eq!(store.facet(Facet::Category).unwrap(), counts(&[("politics", 7)]));
    assert!(store.source_exists("a").unwrap());
    assert!(store.source_exists("B").unwrap());
    assert!(!store.source_exists("d").unwrap());
    // The only "c" article moves to "d".
    put(store, "k2", &article("T2 moved", None, "d"));
    assert!(!store.source_exists("c").unwrap());
    assert!(store.source_exists("d").unwrap());
}

/// One watch with its counts, its matches newest first with their articles and paging;
/// no dead delivery on a fresh store.
pub fn watch_and_its_matches_are_read_back(store: &dyn ArticleStore) {
    assert!(store.dead_deliveries(10).unwrap().is_empty());
    assert_eq!(store.watch(1).unwrap(), None);
    let (hook, secret) = store.add_watch(&new_watch("hook", true, false)).unwrap();
    let (other, _) = store.add_watch(&new_watch("other", false, true)).unwrap();
    let matcher = Matcher::new(&[hook]);
    let ids: Vec<i64> = (0..3)
        .map(|i| {
            let a = article(&format!("Matched {i}"), Some(&format!("2024-06-0{}", i + 1)), "example.org");
            store.store_article(&key(&format!("m{i}"), "h"), &a, &|id| matcher.matches(id), None).unwrap().id()
        })
        .collect();
    store.store_article(&key("plain", "h"), &article("Plain", None, "example.org"), &|_| Vec::new(), None).unwrap();
    let w = store.watch(hook).unwrap().unwrap();
    assert_eq!(
        (w.id, w.name.as_str(), w.secret.as_str(), w.matches, w.pending, w.dead),
        (hook, "hook", secret.as_str(), 3, 3, 0)
    );
    assert_eq!(w.webhook.as_deref(), Some("https://hooks.example/in"));
    assert_eq!(store.watch(other).unwrap().unwrap().matches, 0);
    let matches = store.watch_matches(hook, 10, 0).unwrap();
    // Matched in the same second or not: newest first, ties by article, newest first.
    let mut expected: Vec<(i64, i64)> = matches.iter().map(|m| (m.at, m.article.id)).collect();
    expected.sort_by(|a, b| b.cmp(a));
    assert_eq!(matches.iter().map(|m| (m.at, m.article.id)).collect::<Vec<_>>(), expected);
    let mut matched: Vec<i64> = matches.iter().map(|m| m.article.id).collect();
    matched.sort_unstable();
    assert_eq!(matched, ids);
    assert_eq!(matches[0].matched_json, r#"{"terms":["x"]}"#);
    assert_eq!(matches[0].article.title, format!("Matched {}", matches[0].article.id - ids[0]));
    let page: Vec<i64> = store.watch_matches(hook, 2, 1).unwrap().iter().map(|m| m.article.id).collect();
    assert_eq!(page, [matches[1].article.id, matches[2].article.id]);
    assert!(store.watch_matches(other, 10, 0).unwrap().is_empty());
    assert!(store.dead_deliveries(10).unwrap().is_empty(), "nothing was given up");
}

/// `translation` and `translated_leads` read a translation made from the article's
/// current text only: one of an older content hash is refused when stored and not read
/// once the article changed.
pub fn translation_and_leads_follow_the_content_hash(store: &dyn ArticleStore) {
    let none = |_: i64| Vec::new();
    let fr = |title: &str| Article { language: Some("fr".into()), ..article(title, None, "s") };
    let one = store.store_article(&key("one", "h1"), &fr("Un"), &none, Some("en")).unwrap().id();
    let two = store.store_article(&key("two", "h1"), &fr("Deux"), &none, Some("en")).unwrap().id();
    assert_eq!(store.translation(one, "en").unwrap(), None);
    // A long text with characters of several bytes: the lead is its first 400 characters.
    let text = "é".repeat(300) + &"x".repeat(300);
    let t = crate::translation_now("en", "One".into(), text.clone(), "apertium", vec!["fr".into(), "en".into()]);
    assert!(store.put_translation(one, "h1", &t).unwrap());
    assert!(!store.put_translation(two, "an older hash", &t).unwrap(), "made from another text");
    let got = store.translation(one, "en").unwrap().unwrap();
    assert_eq!(got, t);
    assert_eq!(store.translation(two, "en").unwrap(), None);
    assert_eq!(store.translation(one, "de").unwrap(), None);
    let leads = store.translated_leads(&[one, two, 9999], "en").unwrap();
    assert_eq!(leads.len(), 1);
    assert_eq!(leads[&one], ("One".to_string(), "é".repeat(300) + &"x".repeat(100)));
    assert!(store.translated_leads(&[], "en").unwrap().is_empty());
    // The article changes: its translation is of an older text.
    store.store_article(&key("one", "h2"), &fr("Un, modifié"), &none, Some("en")).unwrap();
    assert_eq!(store.translation(one, "en").unwrap(), None);
    assert!(store.translated_leads(&[one], "en").unwrap().is_empty());
    assert!(!store.put_translation(one, "h1", &t).unwrap(), "a translation of the older text is refused");
    assert_eq!(store.translation(one, "en").unwrap(), None);
}
