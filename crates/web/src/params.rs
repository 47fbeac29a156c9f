//! Query parameters, parsed by hand so that a bad value gets a 400 naming it.

use std::collections::HashMap;

use polmon_store::Cursor;

use crate::views::Listed;
use crate::WebError;

/// The raw query string as a map (on pages, the last value of a repeated key wins).
pub(crate) type Params = HashMap<String, String>;

/// The query string of an API request: a key given twice is a 400 naming it, since
/// which of the two values counts would be a guess.
pub(crate) struct ApiQuery(pub(crate) Params);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ApiQuery {
    type Rejection = crate::error::ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, Self::Rejection> {
        let mut params = Params::new();
        for (k, v) in form_urlencoded::parse(parts.uri.query().unwrap_or("").as_bytes()) {
            if params.insert(k.to_string(), v.to_string()).is_some() {
                return Err(WebError::BadRequest(format!("query parameter {k:?} is given more than once")).into());
            }
        }
        Ok(ApiQuery(params))
    }
}

/// A 400 naming the first parameter (in name order) not in `known`.
pub(crate) fn only(p: &Params, known: &[&str]) -> Result<(), WebError> {
    let mut unknown: Vec<&String> = p.keys().filter(|k| !known.contains(&k.as_str())).collect();
    unknown.sort();
    match unknown.first() {
        None => Ok(()),
        Some(k) if known.is_empty() => Err(WebError::BadRequest(format!("unknown query parameter {k:?}: this endpoint takes none"))),
        Some(k) => Err(WebError::BadRequest(format!("unknown query parameter {k:?}; known: {}", known.join(", ")))),
    }
}

/// A non-empty, trimmed value.
pub(crate) fn text(p: &Params, key: &str) -> Option<String> {
    p.get(key).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// The highest page number accepted: numbered pages skip rows, so they stop here;
/// listings go further with `before=` cursors, which cost the same on any page.
pub(crate) const MAX_PAGE: usize = 50;

/// A positive page number (default 1), at most [`MAX_PAGE`].
pub(crate) fn page(p: &Params) -> Result<usize, WebError> {
    match p.get("page") {
        None => Ok(1),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=MAX_PAGE).contains(&n) => Ok(n),
            _ => Err(WebError::BadRequest(format!(
                "page must be a whole number from 1 to {MAX_PAGE}, not {v:?} (older articles: follow the \"Older\" link, which uses before=)"
            ))),
        },
    }
}

/// Where a listing starts: `before=SORT_TS.ID` (a cursor from an "Older" link), else
/// `page=N` (checked, but not used, when `before` is given).
pub(crate) fn listed(p: &Params) -> Result<Listed, WebError> {
    let page = page(p)?;
    match p.get("before").filter(|v| !v.is_empty()) {
        None => Ok(Listed::Page(page)),
        Some(v) => v.parse::<Cursor>().map(Listed::Before).map_err(|_| {
            WebError::BadRequest(format!("before must be a cursor like 1712052000.123 (from an \"Older\" link), not {v:?}"))
        }),
    }
}

/// A page size (default `default`, at most 100).
pub(crate) fn per_page(p: &Params, default: usize) -> Result<usize, WebError> {
    match p.get("per_page") {
        None => Ok(default),
        Some(v) => match v.parse::<usize>() {
            Ok(n) if (1..=100).contains(&n) => Ok(n),
            _ => Err(WebError::BadRequest(format!("per_page must be a whole number from 1 to 100, not {v:?}"))),
        },
    }
}

/// A date `YYYY-MM-DD` as Unix seconds at 00:00 UTC; `end` gives the next midnight.
pub(crate) fn date(p: &Params, key: &str, end: bool) -> Result<Option<i64>, WebError> {
    let v = match p.get(key) {
        None => return Ok(None),
        Some(v) if v.is_empty() => return Ok(None),
        Some(v) => v,
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    match time::Date::parse(v, fmt) {
        Ok(d) => {
            let ts = d.midnight().assume_utc().unix_timestamp();
            Ok(Some(if end { ts + 86_400 } else { ts }))
        }
        Err(_) => Err(WebError::BadRequest(format!("{key} must be a date like 2024-04-02, not {v:?}"))),
    }
}

/// The periods, in days, trends can be asked for.
pub(crate) const PERIOD_DAYS: [i64; 3] = [7, 30, 365];

/// A trends period `days` (one of [`PERIOD_DAYS`], default 30).
pub(crate) fn period_days(p: &Params) -> Result<i64, WebError> {
    match p.get("days") {
        None => Ok(30),
        Some(v) => match v.parse::<i64>() {
            Ok(n) if PERIOD_DAYS.contains(&n) => Ok(n),
            _ => Err(WebError::BadRequest(format!("days must be 7, 30 or 365, not {v:?}"))),
        },
    }
}

/// A language code filter (2–3 letters).
pub(crate) fn language(p: &Params) -> Result<Option<String>, WebError> {
    match p.get("lang").map(String::as_str) {
        None | Some("") => Ok(None),
        Some(v) if (2..=3).contains(&v.len()) && v.chars().all(|c| c.is_ascii_alphabetic()) => {
            Ok(Some(v.to_ascii_lowercase()))
        }
        Some(v) => Err(WebError::BadRequest(format!("lang must be a language code like \"fr\", not {v:?}"))),
    }
}

/// Percent-encodes a path segment (a space is `%20`, as a path has no `+` for it).
pub(crate) fn encode_path(v: &str) -> String {
    encode(v).replace('+', "%20")
}

/// Percent-encodes a query value.
pub(crate) fn encode(v: &str) -> String {
    let mut out = String::new();
    for b in v.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(pairs: &[(&str, &str)]) -> Params {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn bad_values_name_the_parameter() {
        assert_eq!(page(&p(&[])).unwrap(), 1);
        assert!(page(&p(&[("page", "0")])).unwrap_err().to_string().contains("page"));
        assert!(date(&p(&[("from", "yesterday")]), "from", false).unwrap_err().to_string().contains("from"));
        assert_eq!(date(&p(&[("to", "1970-01-01")]), "to", true).unwrap(), Some(86_400));
        assert!(language(&p(&[("lang", "french!")])).is_err());
        assert_eq!(period_days(&p(&[])).unwrap(), 30);
        assert_eq!(period_days(&p(&[("days", "365")])).unwrap(), 365);
        assert!(period_days(&p(&[("days", "31")])).unwrap_err().to_string().contains("days must be 7, 30 or 365"));
        assert_eq!(encode("a b&c"), "a+b%26c");
        assert_eq!(encode_path("Le Monde+"), "Le%20Monde%2B");
        assert!(only(&p(&[("page", "1")]), &["page"]).is_ok());
        assert!(only(&p(&[("catgory", "x")]), &["page", "category"]).unwrap_err().to_string().contains("\"catgory\""));
        assert!(page(&p(&[("page", "51")])).unwrap_err().to_string().contains("from 1 to 50"));
        assert_eq!(listed(&p(&[("before", "1712052000.12")])).unwrap(), Listed::Before(Cursor { sort_ts: 1_712_052_000, id: 12 }));
        assert!(listed(&p(&[("before", "yesterday")])).unwrap_err().to_string().contains("before"));
        assert!(matches!(listed(&p(&[("before", "1.2"), ("page", "2")])).unwrap(), Listed::Before(_)), "before wins");
    }
}
