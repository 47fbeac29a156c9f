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
    let state = polmon_web::AppState::new(store, index, |_| Ok(Vec::new()), "https://polmon.example/");
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
async fn a_search_says_whether_its_total_is_exact() {
    let s = site();
    let (status, _, body) = get(&s, "/api/search?q=budget").await;
    assert_eq!(status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["total_exact"], true, "{v}");
    assert_eq!(v["total"].as_u64().unwrap() as usize, v["hits"].as_array().unwrap().len(), "{v}");
    let (_, _, html) = get(&s, "/search?q=budget").await;
    assert!(!html.contains("More than"), "an exact count is said as it is");
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
    let state = polmon_web::AppState::new(store, Arc::new(SearchIndex::in_memory().unwrap()), |_| Ok(Vec::new()), "https://polmon.example");
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

async fn send(site: &Site, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = polmon_web::router(site.state.clone()).oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, headers, body.to_vec())
}

#[tokio::test]
async fn etags_and_304s_on_pages_api_and_feeds() {
    let s = site();
    for (uri, cache) in [
        ("/", "public, max-age=60"),
        ("/api/articles", "public, max-age=60"),
        ("/feeds/latest", "public, max-age=300"),
        ("/static/style.css", "public, max-age=86400"),
    ] {
        let (status, h, _) = get(&s, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(h["cache-control"], cache, "{uri}");
        let tag = h["etag"].to_str().unwrap().to_string();
        assert!(tag.starts_with('"') && tag.ends_with('"'), "a strong tag: {tag}");
        let req = Request::get(uri).header("if-none-match", &tag).body(Body::empty()).unwrap();
        let (status, h2, body) = send(&s, req).await;
        assert_eq!(status, StatusCode::NOT_MODIFIED, "{uri}");
        assert_eq!(h2["etag"], tag.as_str());
        assert!(body.is_empty());
        let req = Request::get(uri).header("if-none-match", "\"other\"").body(Body::empty()).unwrap();
        assert_eq!(send(&s, req).await.0, StatusCode::OK, "{uri}");
    }
}

#[tokio::test]
async fn article_pages_have_last_modified_and_honour_if_modified_since() {
    let s = site();
    let (_, h, _) = get(&s, "/article/1").await;
    let lm = h["last-modified"].to_str().unwrap().to_string();
    assert!(lm.ends_with(" GMT"), "{lm}");
    let req = Request::get("/article/1").header("if-modified-since", &lm).body(Body::empty()).unwrap();
    let (status, h2, _) = send(&s, req).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(h2["last-modified"], lm.as_str());
    let req = Request::get("/article/1").header("if-modified-since", "Mon, 01 Jan 2001 00:00:00 GMT").body(Body::empty()).unwrap();
    assert_eq!(send(&s, req).await.0, StatusCode::OK);
}

#[tokio::test]
async fn head_is_answered_like_get_without_a_body() {
    let s = site();
    for uri in ["/", "/article/1", "/api/articles", "/feeds/latest", "/static/style.css", "/robots.txt"] {
        let (_, get_h, get_body) = get(&s, uri).await;
        let (status, h, body) = send(&s, Request::head(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(body.is_empty(), "{uri}");
        assert_eq!(h["etag"], get_h["etag"], "{uri}");
        assert_eq!(h["content-length"].to_str().unwrap(), get_body.len().to_string(), "{uri}");
    }
}

#[tokio::test]
async fn bodies_are_compressed_by_accept_encoding() {
    use std::io::Read;
    let s = site();
    let (_, plain_h, plain) = get(&s, "/").await;
    let req = Request::get("/").header("accept-encoding", "gzip").body(Body::empty()).unwrap();
    let (status, h, body) = send(&s, req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h["content-encoding"], "gzip");
    assert!(h["vary"].to_str().unwrap().to_ascii_lowercase().contains("accept-encoding"));
    assert_ne!(h["etag"], plain_h["etag"], "a strong tag per representation");
    let mut unzipped = String::new();
    flate2::read::GzDecoder::new(&body[..]).read_to_string(&mut unzipped).unwrap();
    assert_eq!(unzipped.as_bytes(), plain.as_bytes());
    // The gzip tag revalidates too.
    let req = Request::get("/").header("accept-encoding", "gzip").header("if-none-match", h["etag"].clone()).body(Body::empty()).unwrap();
    let (status, h304, _) = send(&s, req).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert_eq!(h304["etag"], h["etag"]);
    let req = Request::get("/api/articles").header("accept-encoding", "br").body(Body::empty()).unwrap();
    assert_eq!(send(&s, req).await.1["content-encoding"], "br");
}

#[tokio::test]
async fn cors_on_api_and_feeds_with_preflight() {
    let s = site();
    for uri in ["/api/articles", "/feeds/latest"] {
        let req = Request::get(uri).header("origin", "https://elsewhere.example").body(Body::empty()).unwrap();
        let (_, h, _) = send(&s, req).await;
        assert_eq!(h["access-control-allow-origin"], "*", "{uri}");
        let req = Request::options(uri)
            .header("origin", "https://elsewhere.example")
            .header("access-control-request-method", "GET")
            .body(Body::empty())
            .unwrap();
        let (status, h, _) = send(&s, req).await;
        assert!(status == StatusCode::OK || status == StatusCode::NO_CONTENT, "{uri}: {status}");
        assert_eq!(h["access-control-allow-origin"], "*", "{uri}");
        assert!(h["access-control-allow-methods"].to_str().unwrap().contains("GET"), "{uri}");
    }
    let req = Request::get("/").header("origin", "https://elsewhere.example").body(Body::empty()).unwrap();
    assert!(!send(&s, req).await.1.contains_key("access-control-allow-origin"), "pages are not cross-origin");

    // Configured origins: only those may read.
    let mut s = s;
    s.state = s.state.clone().with_cors_origins(&["https://app.example".to_string()]);
    let from = |origin: &str| Request::get("/api/articles").header("origin", origin).body(Body::empty()).unwrap();
    let (_, h, _) = send(&s, from("https://app.example")).await;
    assert_eq!(h["access-control-allow-origin"], "https://app.example");
    let (_, h, _) = send(&s, from("https://elsewhere.example")).await;
    assert!(!h.contains_key("access-control-allow-origin"), "another origin is not allowed");
}

/// Asserts the API error contract and returns the message.
fn api_error(status: StatusCode, h: &axum::http::HeaderMap, body: &[u8], want: StatusCode) -> String {
    assert_eq!(status, want);
    assert!(h["content-type"].to_str().unwrap().starts_with("application/json"), "{:?}", h["content-type"]);
    let v: serde_json::Value = serde_json::from_slice(body).unwrap();
    assert_eq!(v["status"], want.as_u16());
    v["error"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn api_errors_are_json() {
    let s = site();
    for uri in ["/api/nosuch", "/api/articles/87/", "/api/articles/999", "/api/articles/abc", "/api"] {
        let (status, h, body) = send(&s, Request::get(uri).body(Body::empty()).unwrap()).await;
        api_error(status, &h, &body, StatusCode::NOT_FOUND);
    }
    let (status, h, body) = send(&s, Request::get("/api/articles?per_page=1000").body(Body::empty()).unwrap()).await;
    assert!(api_error(status, &h, &body, StatusCode::BAD_REQUEST).contains("per_page"));
    let (status, h, body) = send(&s, Request::post("/api/articles").body(Body::empty()).unwrap()).await;
    api_error(status, &h, &body, StatusCode::METHOD_NOT_ALLOWED);
    assert!(h.contains_key("allow"));
    let req = Request::get("/api/articles").header("content-length", "1000000").body(Body::empty()).unwrap();
    let (status, h, body) = send(&s, req).await;
    api_error(status, &h, &body, StatusCode::PAYLOAD_TOO_LARGE);
    let long = format!("/api/search?q={}", "a".repeat(5000));
    let (status, h, body) = send(&s, Request::get(long).body(Body::empty()).unwrap()).await;
    api_error(status, &h, &body, StatusCode::URI_TOO_LONG);
    // A page's 405 is an HTML page.
    let (status, h, _) = send(&s, Request::post("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
}

#[tokio::test]
async fn api_unknown_query_parameters_are_400_naming_them() {
    let s = site();
    for uri in ["/api/articles?catgory=politics", "/api/search?q=x&catgory=politics", "/api/articles/1?catgory=x", "/api/stories/1?catgory=x"] {
        let (status, h, body) = send(&s, Request::get(uri).body(Body::empty()).unwrap()).await;
        let msg = api_error(status, &h, &body, StatusCode::BAD_REQUEST);
        assert!(msg.contains("catgory"), "{uri}: {msg}");
    }
    assert_eq!(get(&s, "/api/articles?category=politics&page=1&per_page=5&lang=en&source=news.example").await.0, StatusCode::OK);
}

#[tokio::test]
async fn atom_feeds_have_absolute_links_and_languages() {
    let s = site();
    for uri in ["/feeds/latest", "/feeds/category/politics", "/feeds/source/news.example", "/feeds/search?q=budget"] {
        let (status, h, body) = get(&s, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert!(h["content-type"].to_str().unwrap().starts_with("application/atom+xml"));
        assert!(body.contains("rel=\"self\" type=\"application/atom+xml\" href=\"https://polmon.example/feeds/"), "{uri}: {body}");
        assert!(!body.contains("1970"), "{uri}");
    }
    let (_, _, body) = get(&s, "/feeds/latest").await;
    assert!(body.contains("<entry xml:lang=\"fr\">"), "{body}");
    assert!(body.contains("href=\"https://polmon.example/article/2\""), "{body}");
    assert!(!body.contains("javascript:"), "{body}");
    assert_eq!(get(&s, "/feeds/source/nobody").await.0, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn undated_articles_are_dated_by_ingestion_in_feeds() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let key = ArticleKey { dedup_key: "k".into(), content_hash: "h".into() };
    let a = Article { title: "Undated".into(), text: "Body".into(), category: "politics".into(), ..Default::default() };
    store.upsert_article(&key, &a).unwrap();
    let state = polmon_web::AppState::new(store, Arc::new(SearchIndex::in_memory().unwrap()), |_| Ok(Vec::new()), "http://x.example");
    let s = Site { _dir: dir, state };
    let (_, _, body) = get(&s, "/feeds/latest").await;
    assert!(!body.contains("1970"), "{body}");
    let year = time::OffsetDateTime::now_utc().year();
    assert!(body.contains(&format!("<updated>{year}-")), "{body}");
}

#[tokio::test]
async fn every_page_has_the_menu_feed_link_icon_and_skip_link() {
    let s = site();
    for uri in ["/", "/category/politics", "/article/1", "/search?q=x", "/nowhere"] {
        let (_, _, body) = get(&s, uri).await;
        assert!(body.contains("<nav class=\"categories\""), "{uri}");
        assert!(body.contains("<a href=\"/category/weather\">Weather</a>"), "{uri}");
        assert!(body.contains("rel=\"alternate\" type=\"application/atom+xml\""), "{uri}");
        assert!(body.contains("rel=\"icon\""), "{uri}");
        assert!(body.contains("class=\"skip-link\" href=\"#main\""), "{uri}");
        assert!(!body.contains("polmon:categories"), "{uri}");
        let data_blocks = body.matches("<script type=\"application/ld+json\">").count();
        assert_eq!(body.matches("<script").count(), data_blocks, "{uri}: no script but JSON-LD data");
        assert!(!body.contains("style="), "{uri}: no inline style");
    }
    let (_, _, home) = get(&s, "/").await;
    assert!(home.contains("<h1"), "the home page has a heading");
    let (_, _, article) = get(&s, "/article/1").await;
    assert!(article.contains("<meta name=\"description\" content=\"The parliament adopted"), "{article}");
    assert!(article.contains("<link rel=\"canonical\" href=\"https://polmon.example/article/1\">"), "{article}");
    assert!(article.contains("<meta property=\"og:url\" content=\"https://polmon.example/article/1\">"), "{article}");
    let ld = article.split("<script type=\"application/ld+json\">").nth(1).and_then(|r| r.split("</script>").next()).expect("JSON-LD");
    let ld: serde_json::Value = serde_json::from_str(ld).unwrap();
    assert_eq!(ld["@type"], "NewsArticle");
    assert_eq!(ld["mainEntityOfPage"], "https://polmon.example/article/1");
}

#[tokio::test]
async fn counts_are_pluralised() {
    let s = site();
    let (_, _, body) = get(&s, "/category/weather").await;
    assert!(body.contains("1 article<") || body.contains("1 article ·"), "{body}");
    let (_, _, body) = get(&s, "/category/politics").await;
    assert!(body.contains("2 articles"), "{body}");
}

#[tokio::test]
async fn listings_past_the_last_page_are_404() {
    let s = site();
    assert_eq!(get(&s, "/category/politics?page=1").await.0, StatusCode::OK);
    assert_eq!(get(&s, "/category/politics?page=9").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/source/news.example?page=2").await.0, StatusCode::NOT_FOUND);
    // Numbered pages stop at 50 (they skip rows); cursors go further.
    let (status, _, body) = get(&s, "/category/politics?page=99").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("from 1 to 50"), "{body}");
}

#[tokio::test]
async fn listings_page_by_cursor_with_the_same_articles() {
    let s = many_site(45);
    let (_, _, first) = get(&s, "/category/politics").await;
    assert!(first.contains("45 articles") && first.contains("Page 1 of 3"), "{first}");
    // Page by page with numbers, then the same walk by cursors from the first page.
    let mut numbered = Vec::new();
    for page in 1..=3 {
        numbered.extend(titles(&get(&s, &format!("/category/politics?page={page}")).await.2));
    }
    let mut by_cursor = titles(&first);
    let mut cursor = first_cursor(&s).await;
    while let Some(c) = cursor {
        let (status, _, body) = get(&s, &format!("/category/politics?before={c}")).await;
        assert_eq!(status, StatusCode::OK);
        assert!(body.contains("Older articles") && body.contains("href=\"/category/politics\""), "{body}");
        by_cursor.extend(titles(&body));
        cursor = older_link(&body).map(|l| l.split("before=").nth(1).unwrap().to_string());
    }
    assert_eq!(numbered.len(), 45);
    assert_eq!(numbered, by_cursor);
    let mut sorted = numbered.clone();
    sorted.sort_by_key(|t| std::cmp::Reverse(t.trim_start_matches("Item ").parse::<u32>().unwrap()));
    assert_eq!(numbered, sorted, "newest first");
    // The API pages the same way.
    let api: serde_json::Value = serde_json::from_str(&get(&s, "/api/articles?per_page=40").await.2).unwrap();
    assert_eq!(api["total"], 45);
    let next = api["next_before"].as_str().unwrap().to_string();
    let rest: serde_json::Value = serde_json::from_str(&get(&s, &format!("/api/articles?per_page=40&before={next}")).await.2).unwrap();
    assert_eq!(rest["articles"].as_array().unwrap().len(), 5);
    assert!(rest["next_before"].is_null());
    assert_eq!(get(&s, "/category/politics?before=soon").await.0, StatusCode::BAD_REQUEST);
}

/// A site with `n` politics articles an hour apart ("Item 0" oldest).
fn many_site(n: usize) -> Site {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    for i in 0..n {
        let key = ArticleKey { dedup_key: format!("url:https://news.example/{i}"), content_hash: format!("h{i}") };
        let a = Article {
            title: format!("Item {i}"),
            text: "Text.".into(),
            category: "politics".into(),
            source: Some("news.example".into()),
            // Pairs share a time, so ties are broken by id.
            published: Some(format!("2024-04-{:02}T{:02}:00:00Z", 1 + i / 48, (i / 2) % 24)),
            ..Default::default()
        };
        store.upsert_article(&key, &a).unwrap();
    }
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let state = polmon_web::AppState::new(store, index, |_| Ok(Vec::new()), "https://polmon.example/");
    Site { _dir: dir, state }
}

fn titles(body: &str) -> Vec<String> {
    body.split("<h3>").skip(1).filter_map(|c| c.split("</a>").next()?.rsplit('>').next().map(str::to_owned)).collect()
}

fn older_link(body: &str) -> Option<String> {
    let at = body.find("rel=\"next\" href=\"")? + "rel=\"next\" href=\"".len();
    Some(body[at..].split('"').next()?.replace("&amp;", "&"))
}

/// The cursor after the first page of 20 (the API gives it; the HTML pages give
/// numbered links up to page 50).
async fn first_cursor(s: &Site) -> Option<String> {
    let api: serde_json::Value = serde_json::from_str(&get(s, "/api/articles?per_page=20&category=politics").await.2).unwrap();
    api["next_before"].as_str().map(str::to_owned)
}

#[tokio::test]
async fn robots_sitemap_and_favicon() {
    let s = site();
    let (status, _, robots) = get(&s, "/robots.txt").await;
    assert_eq!(status, StatusCode::OK);
    assert!(robots.contains("Allow: /") && robots.contains("Sitemap: https://polmon.example/sitemap.xml"), "{robots}");
    let (status, h, index) = get(&s, "/sitemap.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(h["content-type"].to_str().unwrap().contains("xml"));
    assert!(index.contains("<sitemapindex") && index.contains("<sitemap><loc>https://polmon.example/sitemaps/0.xml</loc></sitemap>"), "{index}");
    assert_eq!(index.matches("<sitemap>").count(), 2);
    assert!(index.contains("<loc>https://polmon.example/sitemaps/news.xml</loc>"), "{index}");
    // The Google News sitemap lists the last two days only: none of the 2024 articles...
    let (status, _, news) = get(&s, "/sitemaps/news.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(news.matches("<url>").count(), 0, "{news}");
    // ...but an article published now, with its language, date and headline.
    let key = ArticleKey { dedup_key: "url:https://news.example/now".into(), content_hash: "now".into() };
    let fresh = Article {
        title: "Minister resigns & apologises".into(),
        text: "The minister resigned.".into(),
        language: Some("en".into()),
        category: "politics".into(),
        published: Some(polmon_store::now_rfc3339()),
        ..Default::default()
    };
    let id = s.state.store.upsert_article(&key, &fresh).unwrap().id();
    let (_, _, news) = get(&s, "/sitemaps/news.xml").await;
    assert_eq!(news.matches("<url>").count(), 1, "{news}");
    assert!(news.contains(&format!("<loc>https://polmon.example/article/{id}</loc><news:news>")), "{news}");
    assert!(news.contains("<news:language>en</news:language>") && news.contains("<news:title>Minister resigns &amp; apologises</news:title>"), "{news}");
    let (status, _, map) = get(&s, "/sitemaps/0.xml").await;
    assert_eq!(status, StatusCode::OK);
    assert!(map.contains("<loc>https://polmon.example/article/3</loc><lastmod>2024-04-03</lastmod>"), "{map}");
    assert_eq!(map.matches("<url>").count(), 4, "the three articles and the fresh one");
    assert_eq!(get(&s, "/sitemaps/1.xml").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/sitemaps/x.xml").await.0, StatusCode::NOT_FOUND);
    for uri in ["/favicon.ico", "/static/favicon.svg"] {
        let (status, h, _) = get(&s, uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(h["content-type"], "image/svg+xml");
    }
}

/// A story of three articles (the second a copy of the first, the third in French) with
/// a minister quoted directly and indirectly, plus an unrelated article.
fn story_site() -> (Site, [i64; 4]) {
    use polmon_model::{EntityMention, EntityType, Quote};
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let minister = |role: Option<&str>| EntityMention {
        text: "Dupont".into(),
        start: 0,
        end: 6,
        entity_type: EntityType::Person,
        canonical: "Marie Dupont".into(),
        role: role.map(str::to_owned),
    };
    let senate = EntityMention {
        text: "Senate".into(),
        start: 10,
        end: 16,
        entity_type: EntityType::Organization,
        canonical: "Senate".into(),
        role: None,
    };
    let quote = |text: &str, direct: bool| Quote {
        text: text.into(),
        start: 0,
        end: 3,
        speaker: Some("Dupont".into()),
        speaker_canonical: Some("Marie Dupont".into()),
        cue: Some("said".into()),
        direct,
        speaker_start: None,
        speaker_end: None,
    };
    let specs = [
        ("Pension reform passes", "a.example", "en", 1, vec![minister(Some("Minister of Labour")), senate.clone()], vec![quote("We kept our word", true)]),
        ("Pension reform passes (copy)", "b.example", "en", 2, vec![minister(Some("Minister of Labour"))], vec![quote("reform was needed", false)]),
        ("La réforme des retraites adoptée", "c.example", "fr", 3, vec![minister(Some("Prime Minister")), senate], vec![]),
        ("Storm on the coast", "a.example", "en", 4, vec![], vec![]),
    ];
    let mut ids = [0; 4];
    for (i, (title, source, lang, day, entities, quotes)) in specs.into_iter().enumerate() {
        let key = ArticleKey { dedup_key: format!("url:https://{source}/{i}"), content_hash: format!("h{i}") };
        let a = Article {
            title: title.into(),
            text: format!("{title}. Body."),
            language: Some(lang.into()),
            category: "politics".into(),
            source: Some(source.into()),
            published: Some(format!("2024-04-0{day}T10:00:00Z")),
            analysis: Analysis { entities, quotes, ..Default::default() },
            ..Default::default()
        };
        ids[i] = store.upsert_article(&key, &a).unwrap().id();
    }
    store.set_links(ids[0], Links { story_id: Some(ids[0]), duplicate_of: None }).unwrap();
    store.set_links(ids[1], Links { story_id: Some(ids[0]), duplicate_of: Some(ids[0]) }).unwrap();
    store.set_links(ids[2], Links { story_id: Some(ids[0]), duplicate_of: None }).unwrap();
    store.set_links(ids[3], Links { story_id: Some(ids[3]), duplicate_of: None }).unwrap();
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let state = polmon_web::AppState::new(store, index, |_| Ok(Vec::new()), "https://polmon.example/");
    (Site { _dir: dir, state }, ids)
}

#[tokio::test]
async fn story_entity_and_home_pages_show_the_story_from_the_kept_counts() {
    let (s, ids) = story_site();
    let (status, _, story) = get(&s, &format!("/story/{}", ids[0])).await;
    assert_eq!(status, StatusCode::OK);
    assert!(story.contains("<h1>Pension reform passes</h1>"), "{story}");
    assert!(story.contains("3 articles · sources: a.example, b.example, c.example · languages: en, fr"), "{story}");
    let order: Vec<usize> = ["Pension reform passes<", "Pension reform passes (copy)", "La réforme"].iter().map(|t| story.find(t).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "the timeline runs oldest first: {story}");
    assert_eq!(story.matches("(copy)</span>").count(), 1, "{story}");
    assert!(story.contains("Marie Dupont</a> — Minister of Labour"), "{story}");
    assert!(story.contains("“We kept our word”") && !story.contains("reform was needed"), "direct quotes only: {story}");

    let (_, _, article) = get(&s, &format!("/article/{}", ids[2])).await;
    assert!(article.contains(&format!("Part of the story <a href=\"/story/{}\">Pension reform passes</a> (3 articles)", ids[0])), "{article}");
    let (_, _, original) = get(&s, &format!("/article/{}", ids[0])).await;
    assert!(original.contains(&format!("Also published by <a href=\"/article/{}\">b.example</a>", ids[1])), "{original}");

    let (_, _, home) = get(&s, "/").await;
    assert!(home.contains("4 articles"), "{home}");
    assert!(home.contains(&format!("<a href=\"/story/{}\">Pension reform passes</a> <span class=\"meta\">3 articles · 3 sources · 2 languages", ids[0])), "{home}");
    assert!(!home.contains(&format!("/story/{}\"", ids[3])), "a story of one is not a top story");
    let (_, _, stories) = get(&s, "/stories").await;
    assert!(stories.contains("Pension reform passes</a> <span class=\"meta\">3 articles · 3 sources · 2 languages"), "{stories}");
    // The ranking is cached, but a new article in the story shows at once.
    let key = ArticleKey { dedup_key: "url:https://d.example/9".into(), content_hash: "h9".into() };
    let late = Article { title: "Pension reform: reactions".into(), text: "Reactions.".into(), category: "politics".into(),
        source: Some("d.example".into()), published: Some("2024-04-04T11:00:00Z".into()), ..Default::default() };
    let store = &s.state.store;
    let id = store.upsert_article(&key, &late).unwrap().id();
    store.set_links(id, Links { story_id: Some(ids[0]), duplicate_of: None }).unwrap();
    let (_, _, home) = get(&s, "/").await;
    assert!(home.contains("Pension reform passes</a> <span class=\"meta\">4 articles · 4 sources"), "{home}");

    let (_, _, entities) = get(&s, "/entities").await;
    assert!(entities.contains("Marie Dupont</a> <span class=\"meta\">3</span>"), "{entities}");
    assert!(entities.contains("Senate</a> <span class=\"meta\">2</span>"), "{entities}");
    let person = entities.split("/entity/").nth(1).unwrap().split('"').next().unwrap().to_string();
    let (_, _, entity) = get(&s, &format!("/entity/{person}")).await;
    assert!(entity.contains("person · 3 articles"), "{entity}");
    let labour = entity.find("Minister of Labour <span class=\"meta\">(2 articles, first seen 2024-04-01, last seen 2024-04-02)").expect(&entity);
    let prime = entity.find("Prime Minister <span class=\"meta\">(1 article, first seen 2024-04-03").expect(&entity);
    assert!(labour < prime, "roles in order of first appearance");
    let newest = entity.find("La réforme des retraites adoptée</a> — as Prime Minister").expect(&entity);
    assert!(newest < entity.find("Pension reform passes</a> — as Minister of Labour").unwrap(), "articles newest first");
    assert!(entity.contains("“We kept our word”") && entity.contains("reform was needed"), "{entity}");
}

#[tokio::test]
async fn watches_are_managed_with_the_admin_token_and_opened_with_their_own() {
    let mut s = site();
    let post = |auth: Option<&str>, body: &str| {
        let mut r = Request::post("/api/watches").header("content-type", "application/json");
        if let Some(a) = auth {
            r = r.header("authorization", format!("Bearer {a}"));
        }
        r.body(Body::from(body.to_string())).unwrap()
    };
    let body = r#"{"name":"Senate","spec":{"query":"sénat"},"webhook":"https://hooks.example/x"}"#;
    // Switched off without an admin token in the configuration.
    assert_eq!(send(&s, post(Some("x"), body)).await.0, StatusCode::FORBIDDEN);
    s.state = s.state.clone().with_admin_token("s3cret");
    assert_eq!(send(&s, post(None, body)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&s, post(Some("wrong"), body)).await.0, StatusCode::UNAUTHORIZED);
    let (status, _, bad) = send(&s, post(Some("s3cret"), r#"{"name":"x","spec":{"query":""},"email":"not an address"}"#)).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{}", String::from_utf8_lossy(&bad));
    let (status, _, added) = send(&s, post(Some("s3cret"), body)).await;
    assert_eq!(status, StatusCode::CREATED, "{}", String::from_utf8_lossy(&added));
    let added: serde_json::Value = serde_json::from_slice(&added).unwrap();
    let (id, token) = (added["id"].as_i64().unwrap(), added["token"].as_str().unwrap().to_string());

    let list = Request::get("/api/watches").header("authorization", "Bearer s3cret").body(Body::empty()).unwrap();
    let (status, _, list) = send(&s, list).await;
    assert_eq!(status, StatusCode::OK);
    let list: serde_json::Value = serde_json::from_slice(&list).unwrap();
    assert_eq!(list[0]["name"], "Senate");
    assert!(list[0].get("secret").is_none() && !list.to_string().contains(&token), "the secret is never listed");
    let (status, _, page) = get(&s, "/watches?token=s3cret").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<td>Senate</td>") && page.contains("Dead-lettered deliveries"), "{page}");
    assert_eq!(get(&s, "/watches?token=nope").await.0, StatusCode::UNAUTHORIZED);

    // The watch's page opens with its own token only.
    let (status, _, own) = get(&s, &format!("/watch/{id}?token={token}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(own.contains("<h1>Watch: Senate</h1>") && own.contains("/feeds/watch/"), "{own}");
    assert_eq!(get(&s, &format!("/watch/{id}?token=s3cret")).await.0, StatusCode::NOT_FOUND);

    let delete = |auth: &str| Request::delete(format!("/api/watches/{id}")).header("authorization", format!("Bearer {auth}")).body(Body::empty()).unwrap();
    assert_eq!(send(&s, delete("wrong")).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(send(&s, delete("s3cret")).await.0, StatusCode::NO_CONTENT);
    assert_eq!(send(&s, delete("s3cret")).await.0, StatusCode::NOT_FOUND);
}
