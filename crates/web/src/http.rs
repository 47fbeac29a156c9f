//! The HTTP layer around the handlers, the same for every route:
//!
//! * validators: a strong `ETag` (a hash of the body) on every 200, `304 Not Modified`
//!   on a matching `If-None-Match`, or on `If-Modified-Since` where a handler set
//!   `Last-Modified` (the article page); `HEAD` is answered like `GET` without the body;
//! * `Cache-Control` per route family ([`cache_control`]);
//! * the categories menu filled into every HTML page ([`crate::menu`]);
//! * JSON errors under `/api` (`{"error": "...", "status": N}`), whoever produced them
//!   (a handler, the router's 404 and 405, the request limits below);
//! * request limits: a URI over [`MAX_URI`] bytes is a 414, a request body over
//!   [`MAX_BODY`] bytes a 413 (no route reads a body);
//! * per-encoding validators: a compressed body's `ETag` gets a `-gzip` or `-br` suffix,
//!   so the strong validator differs per representation.
//!
//! Compression (gzip, brotli by `Accept-Encoding`) and CORS come from `tower-http`.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderMap, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// The longest request target accepted, in bytes.
pub(crate) const MAX_URI: usize = 4096;
/// The largest request body accepted, in bytes.
pub(crate) const MAX_BODY: u64 = 16 * 1024;

/// The `Cache-Control` of a successful response to `path`.
pub(crate) fn cache_control(path: &str) -> &'static str {
    if path.starts_with("/static/") || path == "/favicon.ico" {
        "public, max-age=86400"
    } else if path.starts_with("/feeds/") || path == "/robots.txt" || path == "/sitemap.xml" {
        "public, max-age=300"
    } else {
        "public, max-age=60"
    }
}

/// A strong entity tag for `body`: 64-bit FNV-1a and the length, quoted.
pub(crate) fn etag(body: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in body {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("\"{h:016x}{:x}\"", body.len())
}

/// The tag without the per-encoding suffix this layer adds (`"abc-gzip"` → `"abc"`).
fn base_tag(tag: &str) -> &str {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let inner = tag.trim_matches('"');
    inner.strip_suffix("-gzip").or_else(|| inner.strip_suffix("-br")).unwrap_or(inner)
}

/// The tag of `if_none_match` that matches `etag`, if any (weak comparison, as RFC
/// 9110 asks for `If-None-Match`).
fn matching_tag<'a>(if_none_match: &'a str, etag: &str) -> Option<&'a str> {
    let want = base_tag(etag);
    if_none_match.split(',').map(str::trim).find(|t| *t == "*" || base_tag(t) == want)
}

fn not_modified_since(if_modified_since: Option<&HeaderValue>, last_modified: Option<&HeaderValue>) -> bool {
    let parse = |v: Option<&HeaderValue>| v.and_then(|v| v.to_str().ok()).and_then(|v| httpdate::parse_http_date(v).ok());
    match (parse(if_modified_since), parse(last_modified)) {
        (Some(since), Some(modified)) => modified <= since,
        _ => false,
    }
}

/// Validators, 304s, `Cache-Control`, `HEAD` and the categories menu (see the module doc).
pub(crate) async fn conditional(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let head = req.method() == Method::HEAD;
    if !head && req.method() != Method::GET {
        return next.run(req).await;
    }
    let path = req.uri().path().to_owned();
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let if_modified_since = req.headers().get(header::IF_MODIFIED_SINCE).cloned();
    if head {
        // The handler runs as for GET, so that the headers (length, ETag) are the same.
        *req.method_mut() = Method::GET;
    }
    let res = next.run(req).await;
    let (mut parts, body) = res.into_parts();
    let is_html = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if parts.status != StatusCode::OK && !is_html {
        let body = if head { Body::empty() } else { body };
        return Response::from_parts(parts, body);
    }
    let Ok(mut bytes) = axum::body::to_bytes(body, usize::MAX).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if is_html {
        bytes = crate::menu::fill(&state, bytes).await;
    }
    if parts.status == StatusCode::OK {
        let tag = etag(&bytes);
        let h = &mut parts.headers;
        h.insert(header::ETAG, HeaderValue::from_str(&tag).expect("hex digits"));
        if !h.contains_key(header::CACHE_CONTROL) {
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control(&path)));
        }
        let unchanged = match &if_none_match {
            Some(inm) => matching_tag(inm, &tag).map(|t| if t == "*" { tag.clone() } else { t.to_owned() }),
            None => not_modified_since(if_modified_since.as_ref(), h.get(header::LAST_MODIFIED)).then(|| tag.clone()),
        };
        if let Some(sent_tag) = unchanged {
            return not_modified(h, &sent_tag);
        }
    }
    parts.headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes.len()));
    let body = if head { Body::empty() } else { Body::from(bytes) };
    Response::from_parts(parts, body)
}

/// A 304 with the validators and caching headers of the 200 it stands for.
fn not_modified(h: &HeaderMap, sent_tag: &str) -> Response {
    let mut res = StatusCode::NOT_MODIFIED.into_response();
    let out = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(sent_tag) {
        out.insert(header::ETAG, v);
    }
    for name in [header::CACHE_CONTROL, header::LAST_MODIFIED, header::VARY] {
        if let Some(v) = h.get(&name) {
            out.insert(name, v.clone());
        }
    }
    res
}

/// Gives a compressed body's `ETag` a suffix naming the encoding.
pub(crate) async fn etag_per_encoding(mut res: Response) -> Response {
    let suffix = match res.headers().get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()) {
        Some("gzip") => "-gzip",
        Some("br") => "-br",
        _ => return res,
    };
    let tagged = res
        .headers()
        .get(header::ETAG)
        .and_then(|v| v.to_str().ok())
        .and_then(|t| t.strip_suffix('"'))
        .map(|t| format!("{t}{suffix}\""));
    if let Some(v) = tagged.and_then(|t| HeaderValue::from_str(&t).ok()) {
        res.headers_mut().insert(header::ETAG, v);
    }
    res
}

fn is_api(path: &str) -> bool {
    path == "/api" || path.starts_with("/api/")
}

/// What an error status means to an API client, when the handler gave no message.
fn api_message(status: StatusCode) -> &'static str {
    match status.as_u16() {
        400 => "the request is malformed",
        404 => "there is no API endpoint at this path; see /api/articles",
        405 => "method not allowed: the API answers GET, HEAD and OPTIONS",
        413 => "the request body is too large: the API takes no request body",
        414 => "the request URI is too long",
        503 => "the server is busy; try again in a moment",
        s if s >= 500 => "something went wrong on our side; the error was logged",
        _ => "the request failed",
    }
}

/// A JSON error as every `/api` error looks.
pub(crate) fn api_error(status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "error": message, "status": status.as_u16() });
    (status, axum::Json(body)).into_response()
}

/// Request limits, and one error contract: JSON under `/api`, an HTML page elsewhere.
pub(crate) async fn errors(req: Request, next: Next) -> Response {
    let api = is_api(req.uri().path());
    let too_long = req.uri().to_string().len() > MAX_URI;
    let body_len = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let res = if too_long {
        StatusCode::URI_TOO_LONG.into_response()
    } else if body_len.is_some_and(|n| n > MAX_BODY) {
        StatusCode::PAYLOAD_TOO_LARGE.into_response()
    } else {
        next.run(req).await
    };
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let content_type =
        res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let json = content_type.starts_with("application/json");
    let html = content_type.starts_with("text/html");
    if (api && json) || (!api && html) {
        return res;
    }
    let (parts, body) = res.into_parts();
    let mut out = if api {
        // A handler's or extractor's plain-text message (a bad query string) is kept.
        let text = match axum::body::to_bytes(body, 4096).await {
            Ok(b) if content_type.starts_with("text/plain") && !b.is_empty() => String::from_utf8_lossy(&b).trim().to_string(),
            _ => String::new(),
        };
        let message = if text.is_empty() || json { api_message(status).to_string() } else { text };
        api_error(status, &message)
    } else {
        let message = api_message(status);
        let mut m = message.to_string();
        if let Some(c) = m.get_mut(0..1) {
            c.make_ascii_uppercase();
        }
        (status, axum::response::Html(crate::pages::error_page(status, &format!("{m}.")))).into_response()
    };
    for name in [header::ALLOW, header::RETRY_AFTER] {
        if let Some(v) = parts.headers.get(&name) {
            out.headers_mut().insert(name, v.clone());
        }
    }
    out
}

/// CORS for `/api` and `/feeds`: the configured origins (any, by default) may read them
/// with `GET` and `HEAD`; a preflight `OPTIONS` is answered 200 with the CORS headers.
pub(crate) fn cors(origins: &[String]) -> tower_http::cors::CorsLayer {
    use tower_http::cors::{AllowOrigin, Any, CorsLayer};
    let allow = if origins.is_empty() {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(origins.iter().filter_map(|o| axum::http::HeaderValue::from_str(o.trim_end_matches('/')).ok()))
    };
    CorsLayer::new()
        .allow_origin(allow)
        .allow_methods([Method::GET, Method::HEAD, Method::OPTIONS])
        .allow_headers(Any)
        .expose_headers([header::ETAG, header::LAST_MODIFIED])
        .max_age(std::time::Duration::from_secs(86_400))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_match_across_encodings_and_lists() {
        let t = etag(b"hello");
        assert_eq!(t, etag(b"hello"));
        assert_ne!(t, etag(b"hellp"));
        let gz = format!("{}-gzip\"", t.trim_end_matches('"'));
        assert!(matching_tag(&gz, &t).is_some());
        assert!(matching_tag(&format!("\"x\", W/{t}"), &t).is_some());
        assert!(matching_tag("*", &t).is_some());
        assert!(matching_tag("\"other\"", &t).is_none());
    }

    #[test]
    fn since_compares_dates() {
        let lm = HeaderValue::from_static("Tue, 02 Apr 2024 10:00:00 GMT");
        let later = HeaderValue::from_static("Wed, 03 Apr 2024 10:00:00 GMT");
        let earlier = HeaderValue::from_static("Mon, 01 Apr 2024 10:00:00 GMT");
        assert!(not_modified_since(Some(&later), Some(&lm)));
        assert!(not_modified_since(Some(&lm), Some(&lm)));
        assert!(!not_modified_since(Some(&earlier), Some(&lm)));
        assert!(!not_modified_since(Some(&later), None));
    }

    #[test]
    fn routes_have_their_cache_lifetimes() {
        assert_eq!(cache_control("/static/style.css"), "public, max-age=86400");
        assert_eq!(cache_control("/feeds/latest"), "public, max-age=300");
        assert_eq!(cache_control("/api/articles"), "public, max-age=60");
        assert_eq!(cache_control("/"), "public, max-age=60");
    }
}
