//! The trends page and API, the entity page's chart and the source page's "who gets to
//! speak", over a small store, called in-process.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use polmon_index::SearchIndex;
use polmon_model::{Analysis, Article, EntityMention, EntityType, Quote};
use polmon_store::{ArticleKey, Store};
use serde_json::Value;
use tower::ServiceExt;

struct Site {
    _dir: tempfile::TempDir,
    state: polmon_web::AppState,
}

fn mention(name: &str, role: Option<&str>) -> EntityMention {
    EntityMention {
        text: name.into(),
        start: 0,
        end: 1,
        entity_type: EntityType::Person,
        canonical: name.into(),
        role: role.map(str::to_string),
    }
}

fn quote(speaker: Option<&str>) -> Quote {
    Quote {
        text: "We will act.".into(),
        start: 0,
        end: 12,
        speaker: speaker.map(str::to_string),
        speaker_canonical: speaker.map(str::to_string),
        cue: Some("said".into()),
        direct: true,
        speaker_start: None,
        speaker_end: None,
    }
}

const RISER: &str = "Ana <script>Riser</script>";

/// A steady name every day of March 2024 and a riser with 4 articles on March 31, the
/// newest day; quotes from both and from an unresolved speaker.
fn site() -> Site {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let mut n = 0;
    let mut put = |day: u32, source: &str, entities: Vec<EntityMention>, quotes: Vec<Quote>| {
        n += 1;
        let a = Article {
            title: format!("Article {n}"),
            text: "Body".into(),
            category: "politics".into(),
            source: Some(source.into()),
            published: Some(format!("2024-03-{day:02}T09:00:00Z")),
            analysis: Analysis { entities, quotes, ..Default::default() },
            ..Default::default()
        };
        store.upsert_article(&ArticleKey { dedup_key: format!("k{n}"), content_hash: format!("h{n}") }, &a).unwrap();
    };
    for day in 1..=31 {
        put(day, "daily.example", vec![mention("Steady Name", Some("mayor"))], vec![quote(Some("Steady Name"))]);
    }
    for _ in 0..4 {
        put(31, "news.example", vec![mention(RISER, Some("minister")), mention("Steady Name", None)], vec![quote(Some(RISER)), quote(None)]);
    }
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let state = polmon_web::AppState::new(store, index, |_| Ok(Vec::new()), "https://polmon.example/");
    Site { _dir: dir, state }
}

async fn get(site: &Site, uri: &str) -> (StatusCode, axum::http::HeaderMap, String) {
    let res = polmon_web::router(site.state.clone()).oneshot(Request::get(uri).body(Body::empty()).unwrap()).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
    (status, headers, String::from_utf8_lossy(&body).into_owned())
}

async fn json(site: &Site, uri: &str) -> Value {
    let (status, _, body) = get(site, uri).await;
    assert_eq!(status, StatusCode::OK, "{uri}: {body}");
    serde_json::from_str(&body).unwrap()
}

fn entity_id(site: &Site, name: &str) -> i64 {
    site.state.store.top_entities(None, 10).unwrap().into_iter().find(|e| e.canonical == name).unwrap().id
}

#[tokio::test]
async fn api_trends_lists_the_riser_with_its_score_and_the_top_speakers() {
    let s = site();
    let v = json(&s, "/api/trends?days=30").await;
    assert_eq!(v["day"], "2024-03-31");
    assert_eq!(v["period"]["from"], "2024-03-02");
    assert!(v["score_formula"].as_str().unwrap().contains("sqrt(mean + 1)"));
    let now = v["in_the_news"].as_array().unwrap();
    // Steady Name: 5 articles on the day against a mean of 1: (5 - 1) / sqrt(2).
    // The riser: 4 against 0: 4 / 1.
    assert_eq!(now.len(), 2, "{now:?}");
    assert_eq!(now[0]["canonical"], RISER);
    assert_eq!((now[0]["count"].as_u64(), now[0]["score"].as_f64()), (Some(4), Some(4.0)));
    assert_eq!(now[1]["canonical"], "Steady Name");
    assert!((now[1]["score"].as_f64().unwrap() - 4.0 / 2f64.sqrt()).abs() < 1e-9);
    assert_eq!(now[1]["baseline_mean"].as_f64(), Some(1.0));
    let series = now[1]["series"].as_array().unwrap();
    assert_eq!(series.len(), 30);
    assert_eq!(series.last().unwrap()["articles"], 5);
    let speakers = v["top_speakers"].as_array().unwrap();
    assert_eq!(speakers[0]["canonical"], "Steady Name");
    assert_eq!(speakers[0]["quotes"], 30, "March 2 to 31");
    assert_eq!(speakers[1]["quotes"], 4);
    let week = json(&s, "/api/trends?days=7").await;
    assert_eq!(week["top_speakers"][0]["quotes"], 7);
}

#[tokio::test]
async fn api_trends_refuses_bad_periods_formats_and_parameters_as_json() {
    let s = site();
    for (uri, needle) in [
        ("/api/trends?days=31", "days must be 7, 30 or 365"),
        ("/api/trends?days=abc", "days must be 7, 30 or 365"),
        ("/api/trends?format=xml", "format must be json or csv"),
        ("/api/trends?period=7", "unknown query parameter \"period\""),
        ("/api/trends/entities/1?days=0", "days must be"),
        ("/api/trends/sources/daily.example?days=-7", "days must be"),
    ] {
        let (status, h, body) = get(&s, uri).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{uri}");
        assert!(h["content-type"].to_str().unwrap().starts_with("application/json"), "{uri}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(v["status"], 400);
        assert!(v["error"].as_str().unwrap().contains(needle), "{uri}: {body}");
    }
    let (status, _, body) = get(&s, "/api/trends/sources/nowhere.example").await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    assert_eq!(get(&s, "/api/trends/entities/999").await.0, StatusCode::NOT_FOUND);
    assert_eq!(get(&s, "/trends?days=2").await.0, StatusCode::BAD_REQUEST);
    assert_eq!(get(&s, "/entity/1?days=2").await.0, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn trends_csv_is_a_download_with_one_row_per_line() {
    let s = site();
    let (status, h, body) = get(&s, "/api/trends?days=30&format=csv").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h["content-type"], "text/csv; charset=utf-8");
    assert!(h["content-disposition"].to_str().unwrap().contains("trends-2024-03-31-30d.csv"));
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines[0], "list,rank,entity_id,name,kind,count,baseline_mean,score,share");
    assert_eq!(lines.iter().filter(|l| l.starts_with("in_the_news,")).count(), 2);
    assert!(lines[1].contains(",4,0.0000,4.0000,"), "{}", lines[1]);
    assert!(lines.iter().any(|l| l.starts_with("top_speakers,1,") && l.contains(",Steady Name,person,30,")), "{body}");
    let id = entity_id(&s, "Steady Name");
    let (_, _, series) = get(&s, &format!("/api/trends/entities/{id}?days=7&format=csv")).await;
    assert_eq!(series.lines().collect::<Vec<_>>(), [
        "day,articles,mentions,quotes",
        "2024-03-25,1,1,1", "2024-03-26,1,1,1", "2024-03-27,1,1,1", "2024-03-28,1,1,1",
        "2024-03-29,1,1,1", "2024-03-30,1,1,1", "2024-03-31,5,5,1",
    ]);
}

#[tokio::test]
async fn the_trends_page_shows_scores_sparklines_and_speakers_escaped() {
    let s = site();
    let (status, h, body) = get(&s, "/trends").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!h["content-security-policy"].to_str().unwrap().contains("unsafe-inline"));
    assert!(body.contains("In the news now") && body.contains("Top speakers, last 30 days"));
    assert!(body.contains("sqrt(mean + 1)"), "the formula is stated");
    assert!(body.contains("Ana &lt;script&gt;Riser&lt;/script&gt;"), "names are escaped");
    assert!(!body.contains("<script"), "no markup from names, and no scripts");
    assert!(!body.contains("style="), "no inline styles");
    assert_eq!(body.matches("<svg class=\"sparkline\"").count(), 2);
    assert!(body.contains("<title>Steady Name: articles per day over the last 30 days</title>"));
    assert!(body.contains(">2.83<"), "the steady name's score, 4/sqrt(2)");
    assert!(body.contains("href=\"/api/trends?days=30&amp;format=csv\""));
    assert!(body.contains("<a href=\"/trends?days=365\">"));
}

#[tokio::test]
async fn entity_pages_have_a_chart_role_history_and_quoting_sources() {
    let s = site();
    let id = entity_id(&s, "Steady Name");
    let (status, _, body) = get(&s, &format!("/entity/{id}?days=7")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<svg class=\"chart\" role=\"img\""), "{body}");
    assert!(body.contains("<title id=\"chart-title\">Articles mentioning Steady Name per day, last 7 days</title>"));
    assert!(body.contains("<desc id=\"chart-desc\">11 articles from 2024-03-25 to 2024-03-31; the most, 5, on 2024-03-31</desc>"), "{body}");
    assert_eq!(body.matches("<rect class=\"bar\"").count(), 7);
    assert!(body.contains("mayor <span class=\"meta\">(31 articles, first seen 2024-03-01, last seen 2024-03-31)</span>"), "{body}");
    assert!(body.contains("<a href=\"/source/daily.example\">daily.example</a> <span class=\"meta\">7 quotes</span>"), "{body}");
    assert!(!body.contains("style="));
    let v = json(&s, &format!("/api/trends/entities/{id}?days=30")).await;
    assert_eq!(v["series"].as_array().unwrap().len(), 30);
    assert_eq!(v["roles"][0]["role"], "mayor");
    assert_eq!(v["quoting_sources"][0]["source"], "daily.example");
    assert_eq!(v["quoting_sources"][0]["quotes"], 30);
}

#[tokio::test]
async fn source_pages_show_who_gets_to_speak() {
    let s = site();
    let (status, _, body) = get(&s, "/source/news.example").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Who gets to speak, last 30 days"), "{body}");
    assert!(body.contains("8 quotes"), "{body}");
    assert!(body.contains("unidentified speakers</td><td>4</td>"), "{body}");
    assert!(body.contains("<td>minister</td><td>4</td><td><meter min=\"0\" max=\"1\" value=\"0.5\">50%</meter> 50%</td>"), "{body}");
    assert!(!body.contains("<script"));
    let (_, _, category) = get(&s, "/category/politics").await;
    assert!(!category.contains("Who gets to speak"));
    let v = json(&s, "/api/trends/sources/news.example?days=7").await;
    assert_eq!(v["total_quotes"], 8);
    assert_eq!(v["speakers"].as_array().unwrap().len(), 2);
    let roles: Vec<(Value, u64)> = v["roles"].as_array().unwrap().iter().map(|r| (r["role"].clone(), r["quotes"].as_u64().unwrap())).collect();
    assert_eq!(roles, [(Value::Null, 4), (Value::from("minister"), 4)]);
}

#[tokio::test]
async fn an_archive_without_counts_has_empty_trends_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path()).unwrap());
    let index = Arc::new(SearchIndex::in_memory().unwrap());
    let s = Site { state: polmon_web::AppState::new(store, index, |_| Ok(Vec::new()), ""), _dir: dir };
    let (status, _, body) = get(&s, "/trends").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Nothing counted yet."));
    let v = json(&s, "/api/trends").await;
    assert!(v["day"].is_null() && v["in_the_news"].as_array().unwrap().is_empty());
    let (_, _, csv) = get(&s, "/api/trends?format=csv").await;
    assert_eq!(csv.lines().count(), 1, "the header alone");
}
