//! The router's handlers over a small store, called in-process (no socket).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use polmon_index::SearchIndex;
use polmon_model::{Analysis, Article, Block, BlockKind, Links};
use polmon_store::{ArticleKey, Store};
use tower::ServiceExt;

struct Site {
    _dir: tempfile::TempDir,
    state: polmon_web::AppState,
}

fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let texts = [
        ("Budget adopted by parliament", "The parliament adopted the <script>alert(1)</script> budget on Tuesday.", "en", "politics"),
        ("Le Sénat vote la réforme", "Le Sénat a voté la réforme des retraites mardi soir.", "fr", "politics"),
        ("Storm hits the coast", "A storm hit the coast on Monday.", "en", "weather"),
    ];
    for (i, (title, text, lang, cat)) in texts.iter().enumerate() {
        let key = ArticleKey { dedup_key: format!("url:https://news.example/{i}"), content_hash: format!("h{i}") };
        let a = Article {
            title: (*title).into(),
            text: (*text).into(),
            blocks: vec![Block { kind: BlockKind::P, text: (*text).into() }],
            language: Some((*lang).into()),
            category: (*cat).into(),
            source: Some("news.example".into()),
            url: Some(if i == 0 { "javascript:alert(1)".into() } else { format!("https://news.example/{i}") }),
            published: Some(format!("2024-04-0{}T10:00:00Z", i + 1)),
            analysis: Analysis::default(),
            ..Default::default()
        };
        let id = store.upsert_article(&key, &a).unwrap().id();
        store.set_links(id, Links { story_id: Some(id), duplicate_of: None }).unwrap();
        let stored = store.article(id).unwrap().unwrap();
        index.add(&stored, polmon_store::parse_timestamp(stored.published.as_deref().unwrap())).unwrap();
    }
    store.set_related(1, &[2, 3]).unwrap();
    index.commit().unwrap();
    let state = polmon_web::AppState { store, index, source_statuses: |_| Ok(Vec::new()) };
    Site { _dir: dir, state }
}

async fn get(site: &Site, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = polmon_web::router(site.state.clone())
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn pages_answer_and_escape_markup() {
    let s = site();
    for uri in ["/", "/category/politics", "/source/news.example", "/sources", "/stories", "/entities", "/search?q=budget"] {
        let (status, _, body) = get(&s, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(!body.contains("<script>"), "{uri}");
    }
    let (status, _, body) = get(&s, "/article/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("&lt;script&gt;"), "the body is escaped");
    assert!(!body.contains("javascript:"), "a javascript: URL is no link");
    assert!(body.contains("/article/2") && body.contains("/article/3"), "the stored related list is shown");
}

#[tokio::test]
async fn unknown_and_malformed_requests_are_4xx() {
    let s = site();
    assert_eq!(get(&s, "/article/999").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/article/abc").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/nowhere").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/search?page=0").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(get(&s, "/api/articles?per_page=1000").await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn regression_field_wildcards_in_search_are_not_500() {
    let s = site();
    for q in ["title:*", "body:*", "language:*", "source:*", "category:*"] {
        for path in ["/search", "/api/search", "/feeds/search"] {
            let uri = format!("{path}?q={}", q.replace(':', "%3A").replace('*', "%2A"));
            let (status, _, _) = get(&s, &uri).await;
            assert!(status.is_success() || status == StatusCode::NOT_FOUND, "{uri}: {status}");
        }
    }
}

#[tokio::test]
async fn regression_security_headers_on_every_response() {
    let s = site();
    for uri in ["/", "/article/1", "/api/articles", "/feeds/category/politics", "/nowhere"] {
        let (_, h, _) = get(&s, uri).await;
        assert_eq!(h["x-content-type-options"], "nosniff", "{uri}");
        assert_eq!(h["x-frame-options"], "DENY", "{uri}");
        assert!(h["content-security-policy"].to_str().unwrap().contains("default-src 'none'"), "{uri}");
    }
}

#[tokio::test]
async fn regression_source_links_are_percent_encoded() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let key = ArticleKey { dedup_key: "k".into(), content_hash: "h".into() };
    let a = Article {
        title: "T".into(),
        text: "Body".into(),
        category: "politics".into(),
        source: Some("Le Monde & Co/\"x\"?a=b".into()),
        ..Default::default()
    };
    store.upsert_article(&key, &a).unwrap();
    let state = polmon_web::AppState { store, index: Arc::new(SearchIndex::in_memory().unwrap()), source_statuses: |_| Ok(Vec::new()) };
    let s = Site { _dir: dir, state };
    let (_, _, body) = get(&s, "/article/1").await;
    assert!(body.contains("/source/Le%20Monde%20%26%20Co%2F%22x%22%3Fa%3Db"), "{body}");
}

#[tokio::test]
async fn api_article_has_the_stored_related_list() {
    let s = site();
    let (status, h, body) = get(&s, "/api/articles/1").await;
    assert_eq!(status, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["related"], serde_json::json!([2, 3]));
}
