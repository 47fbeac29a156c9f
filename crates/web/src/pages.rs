//! The HTML pages.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use polmon_store::{EntityRecord, Facet, ListQuery, QuoteRecord, StoryStat};

use crate::params::{self, Params};
use crate::views::{category_label, date_only, excerpt, Card, Listed, Pager};
use crate::{blocking, AppState, WebError};

const PER_PAGE: usize = 20;

/// Template filters: `human_date` ("2024-04-02…" → "2 April 2024").
#[allow(unreachable_pub)] // the filter macro makes a public type
pub(crate) mod filters {
    #[askama::filter_fn]
    pub(crate) fn human_date(iso: impl ToString, _: &dyn askama::Values) -> askama::Result<String> {
        Ok(crate::views::human_date(&iso.to_string()))
    }
}

pub(crate) fn render(t: &impl Template) -> Result<Html<String>, WebError> {
    t.render().map(Html).map_err(|e| WebError::Internal(format!("template: {e}")))
}

/// The error page's HTML (used by [`WebError`]'s response).
pub(crate) fn error_page(status: StatusCode, message: &str) -> String {
    ErrorPage { status: status.to_string(), message: message.to_string() }
        .render()
        .unwrap_or_else(|_| format!("<h1>{status}</h1>"))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    status: String,
    message: String,
}

pub(crate) async fn not_found() -> WebError {
    WebError::NotFound("There is no page at this address.".into())
}

pub(crate) async fn stylesheet() -> Response {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8")], include_str!("../style.css")).into_response()
}

/// The site's icon, also served at `/favicon.ico` for clients that ask there.
pub(crate) async fn favicon() -> Response {
    ([(header::CONTENT_TYPE, "image/svg+xml")], include_str!("../favicon.svg")).into_response()
}

/// Everything may be crawled; the sitemap lists the articles.
pub(crate) async fn robots(State(state): State<AppState>) -> Response {
    let body = format!("User-agent: *\nAllow: /\n\nSitemap: {}\n", state.absolute("/sitemap.xml"));
    ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response()
}

/// Article ids per sitemap file: `/sitemaps/{n}.xml` lists the articles with ids in
/// `(n * SITEMAP_CHUNK, (n + 1) * SITEMAP_CHUNK]`, so every file costs the same.
const SITEMAP_CHUNK: i64 = 5_000;

/// A sitemaps-protocol document: `root` (`urlset` or `sitemapindex`) holding what `inner` writes.
fn sitemap_xml(
    root: &str,
    inner: impl FnOnce(&mut quick_xml::Writer<Vec<u8>>) -> std::io::Result<()>,
) -> Result<Response, WebError> {
    let mut w = quick_xml::Writer::new(Vec::new());
    w.write_event(quick_xml::events::Event::Decl(quick_xml::events::BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|_| {
            w.create_element(root)
                .with_attribute(("xmlns", "http://www.sitemaps.org/schemas/sitemap/0.9"))
                .with_attribute(("xmlns:news", "http://www.google.com/schemas/sitemap-news/0.9"))
                .write_inner_content(inner)?;
            Ok(())
        })
        .map_err(|e| WebError::Internal(format!("sitemap: {e}")))?;
    Ok(([(header::CONTENT_TYPE, "application/xml; charset=utf-8")], w.into_inner()).into_response())
}

/// The sitemap index: one `/sitemaps/{n}.xml` per [`SITEMAP_CHUNK`] article ids.
pub(crate) async fn sitemap(State(state): State<AppState>) -> Result<Response, WebError> {
    blocking(move || {
        let files = state.store.max_article_id()?.map_or(0, |max| (max - 1) / SITEMAP_CHUNK + 1);
        sitemap_xml("sitemapindex", |w| {
            w.create_element("sitemap").write_inner_content(|w| {
                let loc = state.absolute("/sitemaps/news.xml");
                w.create_element("loc").write_text_content(quick_xml::events::BytesText::new(&loc))?;
                Ok(())
            })?;
            for n in 0..files {
                w.create_element("sitemap").write_inner_content(|w| {
                    let loc = state.absolute(&format!("/sitemaps/{n}.xml"));
                    w.create_element("loc").write_text_content(quick_xml::events::BytesText::new(&loc))?;
                    Ok(())
                })?;
            }
            Ok(())
        })
    })
    .await
}

/// One sitemap file: the article pages of an id range with their publication date as `lastmod`.
pub(crate) async fn sitemap_file(State(state): State<AppState>, Path(file): Path<String>) -> Result<Response, WebError> {
    if file == "news.xml" {
        return news_sitemap(state).await;
    }
    let n: i64 = file
        .strip_suffix(".xml")
        .and_then(|n| n.parse().ok())
        .filter(|n| (0..i64::MAX / SITEMAP_CHUNK).contains(n))
        .ok_or_else(|| WebError::NotFound(format!("There is no sitemap {file:?}.")))?;
    blocking(move || {
        let rows = state.store.dated_ids(n * SITEMAP_CHUNK, (n + 1) * SITEMAP_CHUNK)?;
        if rows.is_empty() {
            return Err(WebError::NotFound(format!("There is no sitemap {file:?}.")));
        }
        sitemap_xml("urlset", |w| {
            for (id, published) in &rows {
                w.create_element("url").write_inner_content(|w| {
                    let loc = state.absolute(&format!("/article/{id}"));
                    w.create_element("loc").write_text_content(quick_xml::events::BytesText::new(&loc))?;
                    if let Some(d) = date_only(published.as_deref()).filter(|d| polmon_store::parse_timestamp(d).is_some()) {
                        w.create_element("lastmod").write_text_content(quick_xml::events::BytesText::new(&d))?;
                    }
                    Ok(())
                })?;
            }
            Ok(())
        })
    })
    .await
}

/// Articles a Google News sitemap lists at most (the format's limit).
const NEWS_SITEMAP_MAX: usize = 1_000;
/// How far back a Google News sitemap reaches (the format's window).
const NEWS_SITEMAP_WINDOW_SECS: i64 = 2 * 86_400;

/// `/sitemaps/news.xml`: a Google News sitemap of the articles of the last two days
/// (newest first, at most [`NEWS_SITEMAP_MAX`]), with their language, date and headline.
async fn news_sitemap(state: AppState) -> Result<Response, WebError> {
    blocking(move || {
        let since = polmon_store::unix_now() - NEWS_SITEMAP_WINDOW_SECS;
        let (rows, _) = state.store.list(&ListQuery { limit: NEWS_SITEMAP_MAX, ..Default::default() })?;
        sitemap_xml("urlset", |w| {
            for a in rows.iter().filter(|a| a.sort_ts >= since) {
                let Some(published) = a.published.as_deref().filter(|p| polmon_store::parse_timestamp(p).is_some()) else {
                    continue;
                };
                w.create_element("url").write_inner_content(|w| {
                    use quick_xml::events::BytesText;
                    let loc = state.absolute(&format!("/article/{}", a.id));
                    w.create_element("loc").write_text_content(BytesText::new(&loc))?;
                    w.create_element("news:news").write_inner_content(|w| {
                        w.create_element("news:publication").write_inner_content(|w| {
                            w.create_element("news:name").write_text_content(BytesText::new("Politics Monitor"))?;
                            let lang = a.language.as_deref().unwrap_or("und");
                            w.create_element("news:language").write_text_content(BytesText::new(lang))?;
                            Ok(())
                        })?;
                        w.create_element("news:publication_date").write_text_content(BytesText::new(published))?;
                        w.create_element("news:title").write_text_content(BytesText::new(&a.title))?;
                        Ok(())
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        })
    })
    .await
}

/// A story as a line on the home and stories pages.
#[derive(Debug, Clone)]
pub struct StoryLine {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) articles: u64,
    pub(crate) sources: u64,
    pub(crate) languages: u64,
    /// The category of the story's first article.
    pub(crate) category: String,
    /// The language the title is shown in (the reader's, when translated).
    pub(crate) title_language: Option<String>,
}

/// The lines of the given stories, titled by their oldest article (one index look-up each),
/// in the reader's language where a translation is stored.
pub(crate) fn story_lines(state: &AppState, stats: Vec<StoryStat>) -> Result<Vec<StoryLine>, WebError> {
    let ids: Vec<i64> = stats.iter().map(|s| s.story_id).collect();
    let mut openers: std::collections::HashMap<i64, polmon_store::ArticleSummary> =
        state.store.story_openers(&ids)?.into_iter().collect();
    let translated = match state.reader_language.as_deref() {
        Some(target) => {
            let foreign: Vec<i64> =
                openers.values().filter(|o| o.language.as_deref() != Some(target)).map(|o| o.id).collect();
            state.store.translated_leads(&foreign, target)?
        }
        None => Default::default(),
    };
    Ok(stats
        .into_iter()
        .filter_map(|s| {
            let first = openers.remove(&s.story_id)?;
            let (title, title_language) = match translated.get(&first.id) {
                Some((t, _)) => (t.clone(), state.reader_language.clone()),
                None => (first.title, first.language),
            };
            Some(StoryLine {
                id: s.story_id,
                title,
                articles: s.articles,
                sources: s.sources,
                languages: s.languages,
                category: first.category,
                title_language,
            })
        })
        .collect())
}

/// The stories page's ranking ([`TOP_STORIES`] lines; the home page shows its first 6),
/// cached: ranking reads the recently active stories, so it is done once per new
/// article (and at most every [`TOP_STORIES_MAX_AGE`]), not once per request.
pub type TopStories = crate::cache::Cached<Vec<StoryLine>>;

/// Stories ranked on the stories page.
const TOP_STORIES: usize = 100;
/// How long a ranking is served at most (links can change without a new article).
const TOP_STORIES_MAX_AGE: std::time::Duration = std::time::Duration::from_secs(30);

/// The ranked stories (growth over two days, at least two articles), from the cache when
/// no article was added since.
fn top_story_lines(state: &AppState, articles: u64) -> Result<std::sync::Arc<Vec<StoryLine>>, WebError> {
    if let Some(lines) = state.top_stories.fresh(articles, TOP_STORIES_MAX_AGE) {
        return Ok(lines);
    }
    let stats = state.store.top_stories(2 * 86_400, 2, TOP_STORIES)?;
    let lines = std::sync::Arc::new(story_lines(state, stats)?);
    state.top_stories.set(articles, std::sync::Arc::clone(&lines));
    Ok(lines)
}

struct CategoryGroup {
    slug: String,
    label: String,
    articles: Vec<Card>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    total: u64,
    stories: Vec<StoryLine>,
    groups: Vec<CategoryGroup>,
}

pub(crate) async fn home(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    blocking(move || {
        // The page depends only on the stored articles: rendered once per new article.
        let total = state.store.count()?;
        if let Some(html) = state.home.fresh(total, TOP_STORIES_MAX_AGE) {
            return Ok(Html(html.to_string()));
        }
        let page = home_page(&state, total)?;
        let Html(html) = render(&page)?;
        state.home.set(total, std::sync::Arc::from(html.as_str()));
        Ok(Html(html))
    })
    .await
}

/// The home page: the top stories (political first) and the newest articles of the
/// categories, political ones first.
fn home_page(state: &AppState, total: u64) -> Result<HomePage, WebError> {
    let store = &state.store;
    let top = top_story_lines(state, total)?;
    // A politics monitor leads with politics: political stories first, in rank order.
    let (political, other): (Vec<&StoryLine>, Vec<&StoryLine>) =
        top.iter().partition(|s| crate::views::is_political_category(&s.category));
    let stories = political.into_iter().chain(other).take(6).cloned().collect();
    let mut groups = Vec::new();
    let mut categories = store.facet_top(Facet::Category, 12)?;
    categories.sort_by_key(|(slug, n)| (!crate::views::is_political_category(slug), std::cmp::Reverse(*n)));
    categories.truncate(8);
    for (slug, _) in categories {
        let (rows, _) = store.list(&ListQuery { category: Some(slug.clone()), limit: 4, ..Default::default() })?;
        groups.push(CategoryGroup {
            label: category_label(&slug),
            articles: Card::for_reader(state, &rows, 160)?,
            slug,
        });
    }
    Ok(HomePage { total, stories, groups })
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    heading: String,
    total: u64,
    articles: Vec<Card>,
    pager: Pager,
    feed_url: Option<String>,
    /// A source's "who gets to speak" (source pages only).
    speak: Option<crate::trends::SpeakView>,
}

/// A newest-first listing page of the articles `q` selects (category or source),
/// started by `page=` or `before=`.
fn listing(
    state: &AppState,
    mut q: ListQuery,
    at: Listed,
    what: &str,
    base: String,
) -> Result<(Vec<Card>, u64, Pager), WebError> {
    q.limit = PER_PAGE + 1;
    match at {
        Listed::Page(page) => q.offset = (page - 1) * PER_PAGE,
        Listed::Before(c) => q.before = Some(c),
    }
    let (mut rows, total) = state.store.list(&q)?;
    if total == 0 {
        return Err(WebError::NotFound(format!("There is no {what}.")));
    }
    let older = (rows.len() > PER_PAGE).then(|| rows[PER_PAGE - 1].cursor());
    rows.truncate(PER_PAGE);
    let pager = Pager::keyset(&base, at, PER_PAGE, total, older);
    match at {
        Listed::Page(page) if page > pager.pages => {
            return Err(WebError::NotFound(format!("There is no page {page}: the last page is {}.", pager.pages)))
        }
        Listed::Before(c) if rows.is_empty() => {
            return Err(WebError::NotFound(format!("There are no articles older than {c} in {what}.")))
        }
        _ => {}
    }
    Ok((Card::for_reader(state, &rows, 200)?, total, pager))
}

pub(crate) async fn category(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(p): Query<Params>,
) -> Result<Html<String>, WebError> {
    let at = params::listed(&p)?;
    let page = blocking(move || {
        let q = ListQuery { category: Some(slug.clone()), ..Default::default() };
        let base = format!("/category/{}?", params::encode_path(&slug));
        let (articles, total, pager) = listing(&state, q, at, &format!("category {slug:?}"), base)?;
        Ok(ListingPage {
            heading: category_label(&slug),
            total,
            articles,
            pager,
            feed_url: Some(format!("/feeds/category/{}", params::encode_path(&slug))),
            speak: None,
        })
    })
    .await?;
    render(&page)
}

pub(crate) async fn source(
    State(state): State<AppState>,
    Path(name): Path<String>,
    Query(p): Query<Params>,
) -> Result<Html<String>, WebError> {
    let at = params::listed(&p)?;
    let page = blocking(move || {
        let q = ListQuery { source: Some(name.clone()), ..Default::default() };
        let base = format!("/source/{}?", params::encode_path(&name));
        let (articles, total, pager) = listing(&state, q, at, &format!("source {name:?}"), base)?;
        Ok(ListingPage {
            heading: name.clone(),
            total,
            articles,
            pager,
            feed_url: Some(format!("/feeds/source/{}", params::encode_path(&name))),
            speak: crate::trends::speak_view(&state, &name)?,
        })
    })
    .await?;
    render(&page)
}

#[derive(Template)]
#[template(path = "sources.html")]
struct SourcesPage {
    /// The crawled sources with their state.
    crawled: Vec<polmon_store::SourceStatus>,
    /// Article counts per source name.
    sources: Vec<(String, u64)>,
}

pub(crate) async fn sources(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let page = blocking(move || {
        let store = &state.store;
        Ok(SourcesPage { crawled: (state.source_statuses)(&**store)?, sources: store.facet(Facet::Source)? })
    })
    .await?;
    render(&page)
}

pub(crate) struct ArticleView {
    pub(crate) title: String,
    pub(crate) category: String,
    pub(crate) category_label: String,
    pub(crate) date: Option<String>,
    pub(crate) source: Option<String>,
    pub(crate) author: Option<String>,
    pub(crate) language: Option<String>,
}

pub(crate) struct Credit {
    domain: String,
    url: Option<String>,
}

pub(crate) struct PersonLine {
    id: i64,
    name: String,
    role: Option<String>,
}

pub(crate) struct EntityLink {
    id: i64,
    name: String,
    kind: String,
}

pub(crate) struct CopyLink {
    id: i64,
    label: String,
}

pub(crate) struct StoryRef {
    id: i64,
    title: String,
    articles: u64,
}

#[derive(Template)]
#[template(path = "article.html")]
struct ArticlePage {
    a: ArticleView,
    body_html: String,
    credit: Option<Credit>,
    also_published: Vec<CopyLink>,
    story: Option<StoryRef>,
    people: Vec<PersonLine>,
    others: Vec<EntityLink>,
    quotes: Vec<QuoteRecord>,
    related: Vec<Card>,
    /// The meta description: the start of the text.
    description: String,
    /// The page's absolute URL.
    canonical: String,
    /// Open Graph and JSON-LD.
    head: crate::seo::ArticleHead,
    /// When an undated article was first seen (shown instead of a publication date).
    first_seen: Option<String>,
    /// Whether the page shows a machine translation (or, on request, the original).
    translation: Option<crate::translated::TranslationNote>,
}

/// The domain a credit line names: the credited original publisher if the page names
/// one; else, for a near-copy, the earliest copy's publisher; else the host of the URL.
fn credit_for(a: &polmon_model::Article, original: Option<&polmon_model::Article>) -> Option<Credit> {
    if a.original_source.is_none() {
        if let Some(o) = original.filter(|o| o.id != a.id && o.source != a.source) {
            return credit_for(o, None);
        }
    }
    let host = a.url.as_deref().and_then(|u| {
        let rest = u.split_once("://")?.1;
        let host = rest.split(['/', '?', '#']).next()?;
        let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
        let host = host.split(':').next()?;
        Some(host.strip_prefix("www.").unwrap_or(host).to_string())
    });
    let domain = a.original_source.clone().or(host).or_else(|| a.source.clone())?;
    Some(Credit { domain, url: a.url.clone().filter(|u| crate::sanitize::is_web_url(u)) })
}

/// Near-copies an article page names at most ("Also published by").
const MAX_COPIES: usize = 50;

/// The article page, with `Last-Modified` set to the article's ingestion time.
pub(crate) async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<Response, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(format!("There is no article {id:?}.")))?;
    let want_original = p.get("lang").is_some_and(|l| l == "original");
    let page = blocking(move || {
        let store = &state.store;
        let mut a = store.article(id)?.ok_or_else(|| WebError::NotFound(format!("There is no article {id}.")))?;
        let translation = crate::translated::apply(&state, &mut a, want_original)?;
        let related_ids = state.related(&a)?;
        let related = Card::for_reader(&state, &store.summaries(&related_ids)?, 90)?;
        let mut people = Vec::new();
        let mut others = Vec::new();
        for (e, role) in store.article_entities(id)? {
            if e.kind == "person" {
                people.push(PersonLine { id: e.id, name: e.canonical, role });
            } else {
                others.push(EntityLink { id: e.id, name: e.canonical, kind: e.kind });
            }
        }
        let quotes = store.quotes(None, Some(id), 50)?;
        let original = match a.links.duplicate_of {
            Some(o) if o != a.id => store.article(o)?,
            _ => None,
        };
        let mut also_published = Vec::new();
        let mut story = None;
        if let Some(story_id) = a.links.story_id {
            let original = a.links.duplicate_of.unwrap_or(a.id);
            for m in store.copies_of(original, story_id, MAX_COPIES)? {
                if m.id != a.id {
                    also_published.push(CopyLink { id: m.id, label: m.source.clone().unwrap_or_else(|| m.title.clone()) });
                }
            }
            let total = store.story_size(story_id)?;
            if total > 1 {
                let title = store.story_openers(&[story_id])?.pop().map(|(_, first)| first.title).unwrap_or_default();
                story = Some(StoryRef { id: story_id, title, articles: total });
            }
        }
        let last_modified = polmon_store::parse_timestamp(&a.ingested_at)
            .and_then(|t| u64::try_from(t).ok())
            .map(|t| httpdate::fmt_http_date(std::time::UNIX_EPOCH + std::time::Duration::from_secs(t)));
        let description = excerpt(&a.text, 160);
        let canonical = state.absolute(&format!("/article/{}", a.id));
        let page = ArticlePage {
            head: crate::seo::article_head(&a, &canonical, &description, &state.absolute("/")),
            first_seen: a.published.is_none().then(|| date_only(Some(&a.ingested_at))).flatten(),
            description,
            canonical,
            translation,
            body_html: crate::sanitize::blocks_to_html(&a.blocks),
            credit: credit_for(&a, original.as_ref()),
            a: ArticleView {
                title: a.title.clone(),
                category_label: category_label(&a.category),
                category: a.category.clone(),
                date: date_only(a.published.as_deref()),
                source: a.source.clone(),
                author: a.author.clone(),
                language: a.language.clone(),
            },
            also_published,
            story,
            people,
            others,
            quotes,
            related,
        };
        Ok((page, last_modified))
    })
    .await?;
    let (page, last_modified) = page;
    let mut res = render(&page)?.into_response();
    if let Some(v) = last_modified.and_then(|v| axum::http::HeaderValue::from_str(&v).ok()) {
        res.headers_mut().insert(header::LAST_MODIFIED, v);
    }
    Ok(res)
}

/// Values offered per filter on the search page at most (the most frequent; the one
/// selected is added if it is not among them).
const FACET_OPTIONS: usize = 100;

pub(crate) struct FacetOption {
    value: String,
    count: u64,
    selected: bool,
}

pub(crate) struct SearchHitView {
    id: i64,
    title: String,
    category_label: String,
    source: Option<String>,
    date: Option<String>,
    snippet_html: String,
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    q: String,
    from: String,
    to: String,
    total: usize,
    /// False when more matched than are counted ([`polmon_index::COUNT_LIMIT`]).
    total_exact: bool,
    hits: Vec<SearchHitView>,
    languages: Vec<FacetOption>,
    sources: Vec<FacetOption>,
    categories: Vec<FacetOption>,
    pager: Pager,
    feed_url: String,
}

/// The search request a query string describes, with its page number.
/// How deep search pages go: collecting the top `page × per_page` hits costs memory and
/// time in proportion, so deeper pages are refused (as search engines do).
pub(crate) const MAX_SEARCH_DEPTH: usize = 10_000;
/// The last search page served.
pub(crate) const MAX_SEARCH_PAGE: usize = params::MAX_PAGE;

pub(crate) fn search_query(p: &Params, per_page: usize) -> Result<(polmon_index::SearchQuery, usize), WebError> {
    let page = params::page(p)?;
    let q = polmon_index::SearchQuery {
        text: params::text(p, "q").unwrap_or_default(),
        language: params::language(p)?,
        source: params::text(p, "source"),
        category: params::text(p, "category"),
        from_ts: params::date(p, "from", false)?,
        to_ts: params::date(p, "to", true)?,
        limit: per_page,
        offset: (page - 1) * per_page,
    };
    if page > MAX_SEARCH_PAGE || page * per_page > MAX_SEARCH_DEPTH {
        return Err(WebError::BadRequest(format!(
            "search results beyond the first {MAX_SEARCH_DEPTH} are not served (page × per_page); narrow the query"
        )));
    }
    if q.text.chars().count() > 500 {
        return Err(WebError::BadRequest("q must be at most 500 characters".into()));
    }
    Ok((q, page))
}

/// The query string of a search without its page, for links.
pub(crate) fn search_base(p: &Params) -> String {
    let mut parts = Vec::new();
    for key in ["q", "lang", "source", "category", "from", "to"] {
        if let Some(v) = params::text(p, key) {
            parts.push(format!("{key}={}", params::encode(&v)));
        }
    }
    parts.join("&")
}

pub(crate) async fn search(State(state): State<AppState>, Query(p): Query<Params>) -> Result<Html<String>, WebError> {
    let (q, page) = search_query(&p, PER_PAGE)?;
    let page_view = blocking(move || {
        let store = &state.store;
        let results = state.index.search(&q)?;
        let ids: Vec<i64> = results.hits.iter().map(|h| h.id).collect();
        let summaries = store.summaries(&ids)?;
        let hits = results
            .hits
            .iter()
            .filter_map(|h| {
                let s = summaries.iter().find(|s| s.id == h.id)?;
                Some(SearchHitView {
                    id: s.id,
                    title: s.title.clone(),
                    category_label: category_label(&s.category),
                    source: s.source.clone(),
                    date: date_only(s.published.as_deref()),
                    snippet_html: if h.snippet_html.is_empty() {
                        crate::sanitize::clean_html(&polmon_feeds::escape_html(&excerpt(&s.lead, 200)))
                    } else {
                        crate::sanitize::clean_html(&h.snippet_html)
                    },
                })
            })
            .collect();
        let options = |facet, current: &Option<String>| -> Result<Vec<FacetOption>, WebError> {
            let mut options: Vec<FacetOption> = store
                .facet_top(facet, FACET_OPTIONS)?
                .into_iter()
                .map(|(value, count)| FacetOption { selected: current.as_deref() == Some(value.as_str()), value, count })
                .collect();
            if let Some(value) = current.as_ref().filter(|v| !options.iter().any(|o| &o.value == *v)) {
                let count = store.facet_count(facet, value)?;
                options.push(FacetOption { value: value.clone(), count, selected: true });
            }
            Ok(options)
        };
        let base = search_base(&p);
        let fmt_date = |key: &str| params::text(&p, key).unwrap_or_default();
        Ok(SearchPage {
            languages: options(Facet::Language, &q.language)?,
            sources: options(Facet::Source, &q.source)?,
            categories: options(Facet::Category, &q.category)?,
            q: q.text.clone(),
            from: fmt_date("from"),
            to: fmt_date("to"),
            total: results.total,
            total_exact: results.total_exact,
            hits,
            pager: Pager::new(&format!("/search?{base}{}", if base.is_empty() { "" } else { "&" }), page, PER_PAGE, results.total as u64),
            feed_url: format!("/feeds/search?{base}"),
        })
    })
    .await?;
    render(&page_view)
}


#[cfg(test)]
mod tests {
    use super::*;
    use polmon_model::{Article, Links};

    fn article(id: i64, url: &str, source: &str) -> Article {
        Article { id, url: Some(url.into()), source: Some(source.into()), ..Default::default() }
    }

    #[test]
    fn credit_names_the_page_then_the_original_copy_then_the_host() {
        let mut a = article(2, "https://www.politics.example/a", "politics.example");
        let orig = article(1, "https://www.rtl.be/info/x", "RTL Info");
        assert_eq!(credit_for(&a, None).unwrap().domain, "politics.example");
        a.links = Links { duplicate_of: Some(1), story_id: Some(1) };
        let c = credit_for(&a, Some(&orig)).unwrap();
        assert_eq!(c.domain, "rtl.be");
        assert_eq!(c.url.as_deref(), Some("https://www.rtl.be/info/x"));
        a.original_source = Some("AFP".into());
        assert_eq!(credit_for(&a, Some(&orig)).unwrap().domain, "AFP");
    }
}

#[derive(Template)]
#[template(path = "stories.html")]
struct StoriesPage {
    stories: Vec<StoryLine>,
}

pub(crate) async fn stories(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let page = blocking(move || {
        let total = state.store.count()?;
        Ok(StoriesPage { stories: top_story_lines(&state, total)?.to_vec() })
    })
    .await?;
    render(&page)
}

pub(crate) struct TimelineEntry {
    id: i64,
    title: String,
    source: Option<String>,
    date: Option<String>,
    duplicate: bool,
}

/// Articles a story page lists at most: the newest, oldest first. The people and
/// quotes are those of these articles.
const STORY_TIMELINE: usize = 50;

#[derive(Template)]
#[template(path = "story.html")]
struct StoryPage {
    title: String,
    /// All its articles (the timeline shows the newest [`STORY_TIMELINE`]).
    total: u64,
    timeline: Vec<TimelineEntry>,
    sources: Vec<String>,
    languages: Vec<String>,
    people: Vec<PersonLine>,
    quotes: Vec<QuoteRecord>,
}

pub(crate) async fn story(State(state): State<AppState>, Path(id): Path<String>) -> Result<Html<String>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(format!("There is no story {id:?}.")))?;
    let page = blocking(move || {
        let store = &state.store;
        let (mut rows, total) = store.list(&ListQuery { story_id: Some(id), limit: STORY_TIMELINE, ..Default::default() })?;
        if total == 0 {
            return Err(WebError::NotFound(format!("There is no story {id}.")));
        }
        rows.reverse();
        state.translate_summaries(&mut rows)?;
        let (sources, languages) = store.story_values(id)?;
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let links = store.links_of(&ids)?;
        let timeline: Vec<TimelineEntry> = rows
            .iter()
            .map(|r| TimelineEntry {
                id: r.id,
                title: r.title.clone(),
                source: r.source.clone(),
                date: date_only(r.published.as_deref()),
                duplicate: links.get(&r.id).is_some_and(|l| l.duplicate_of.is_some()),
            })
            .collect();
        let mut people: Vec<PersonLine> = Vec::new();
        for (_, e, role) in store.entities_of_articles(&ids)? {
            if e.kind == "person" && !people.iter().any(|p| p.id == e.id) {
                people.push(PersonLine { id: e.id, name: e.canonical, role });
            }
        }
        let quotes: Vec<QuoteRecord> = store.quotes_of_articles(&ids, 20)?.into_iter().filter(|q| q.direct).collect();
        let title = if total as usize > rows.len() {
            store.story_openers(&[id])?.pop().map(|(_, first)| first.title).unwrap_or_default()
        } else {
            timeline[0].title.clone()
        };
        Ok(StoryPage { title, total, timeline, sources, languages, people, quotes })
    })
    .await?;
    render(&page)
}

#[derive(Template)]
#[template(path = "entity.html")]
struct EntityPage {
    e: EntityRecord,
    trends: std::sync::Arc<crate::trends::EntityTrends>,
    quotes: Vec<QuoteRecord>,
    articles: Vec<polmon_store::EntityArticle>,
}

pub(crate) async fn entity(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<Params>,
) -> Result<Html<String>, WebError> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound(format!("There is no entity {id:?}.")))?;
    let days = params::period_days(&p)?;
    let page = blocking(move || {
        let store = &state.store;
        let e = store.entity(id)?.ok_or_else(|| WebError::NotFound(format!("There is no entity {id}.")))?;
        let trends = crate::trends::entity_trends(&state, id, &e.canonical, days)?;
        Ok(EntityPage { trends, quotes: store.quotes(Some(id), None, 100)?, articles: store.entity_articles(id, 100)?, e })
    })
    .await?;
    render(&page)
}

#[derive(Template)]
#[template(path = "entities.html")]
struct EntitiesPage {
    groups: Vec<(String, Vec<EntityRecord>)>,
}

pub(crate) async fn entities(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let page = blocking(move || {
        let store = &state.store;
        let mut groups = Vec::new();
        for (kind, label) in [("person", "People"), ("organization", "Organisations"), ("location", "Places")] {
            groups.push((label.to_string(), store.top_entities(Some(kind), 60)?));
        }
        Ok(EntitiesPage { groups })
    })
    .await?;
    render(&page)
}
