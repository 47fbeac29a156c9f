//! The categories menu in every page's header.
//!
//! `base.html` holds a placeholder ([`PLACEHOLDER`]); [`fill`] replaces it with the menu
//! when the response passes the HTTP layer, so every HTML page (error pages too) has it
//! without each template carrying the list. The menu comes from the store's category
//! facet, cached in [`CategoryMenu`] and rebuilt at most every [`MAX_AGE`], so a page
//! view does not scan the articles.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use polmon_store::Facet;

use crate::AppState;

/// The comment in `base.html` the menu replaces.
pub(crate) const PLACEHOLDER: &str = "<!--polmon:categories-->";
/// How long a built menu is served before the facet is read again.
pub(crate) const MAX_AGE: Duration = Duration::from_secs(60);
/// Categories shown at most.
const MAX_ITEMS: usize = 12;

/// The cached menu HTML (shared by the clones of an [`AppState`]).
pub type CategoryMenu = crate::cache::Cached<str>;

/// The menu's HTML for the given categories (slug, count), most used first.
pub(crate) fn render(categories: &[(String, u64)]) -> String {
    let mut html = String::from("<nav class=\"categories\" aria-label=\"Categories\">");
    for (slug, _) in categories.iter().take(MAX_ITEMS) {
        html.push_str(&format!(
            "<a href=\"/category/{}\">{}</a>",
            crate::params::encode(slug),
            polmon_feeds::escape_html(&crate::views::category_label(slug))
        ));
    }
    html.push_str("</nav>");
    html
}

async fn current(state: &AppState) -> Arc<str> {
    if let Some(html) = state.categories.fresh(0, MAX_AGE) {
        return html;
    }
    let store = Arc::clone(&state.store);
    let built = tokio::task::spawn_blocking(move || store.facet_top(Facet::Category, MAX_ITEMS)).await;
    match built {
        Ok(Ok(cats)) => {
            let html: Arc<str> = render(&cats).into();
            state.categories.set(0, Arc::clone(&html));
            html
        }
        Ok(Err(e)) => {
            tracing::warn!(target: "polmon::web", error = %e, "could not read the categories");
            Arc::from("")
        }
        Err(e) => {
            tracing::warn!(target: "polmon::web", error = %e, "could not read the categories");
            Arc::from("")
        }
    }
}

/// `page` with the placeholder replaced by the menu.
pub(crate) async fn fill(state: &AppState, page: Bytes) -> Bytes {
    let Ok(text) = std::str::from_utf8(&page) else { return page };
    let Some(at) = text.find(PLACEHOLDER) else { return page };
    let menu = current(state).await;
    let mut out = String::with_capacity(text.len() + menu.len());
    out.push_str(&text[..at]);
    out.push_str(&menu);
    out.push_str(&text[at + PLACEHOLDER.len()..]);
    Bytes::from(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn menu_links_are_encoded_and_labels_escaped() {
        let html = super::render(&[("human-rights".into(), 3), ("a<b".into(), 1)]);
        assert!(html.contains("<a href=\"/category/human-rights\">Human rights</a>"), "{html}");
        assert!(html.contains("/category/a%3Cb\">A&lt;b</a>"), "{html}");
    }
}
