//! What templates and the API show: article cards, excerpts, labels, dates.

use polmon_store::{ArticleSummary, Cursor};

use crate::params::MAX_PAGE;
use serde::Serialize;

/// "diplomacy" → "Diplomacy", "human-rights" → "Human rights".
pub(crate) fn category_label(slug: &str) -> String {
    let s = slug.replace(['-', '_'], " ");
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// The first `max_chars` characters of `text`, cut at a word boundary, ending in "...".
/// Text that fits is returned whole.
pub(crate) fn excerpt(text: &str, max_chars: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max_chars {
        return flat;
    }
    let cut: String = flat.chars().take(max_chars + 1).collect();
    let mut end = match cut.rfind(' ') {
        Some(i) if i > 0 => i,
        _ => cut.char_indices().nth(max_chars).map_or(cut.len(), |(i, _)| i),
    };
    let trimmed = cut[..end].trim_end_matches([',', ';', ':', '.', '-', '–', ' ']);
    end = trimmed.len();
    format!("{}...", &cut[..end])
}

/// The bundled categories a politics monitor leads with: those its topic rules rate
/// political (`political` 0.7 or more in `crates/topics/rules`). Others follow them on
/// the home page.
pub(crate) const POLITICAL_CATEGORIES: &[&str] =
    &["politics", "elections", "diplomacy", "defence", "migration", "justice", "economy", "climate"];

/// Whether `slug` is one of [`POLITICAL_CATEGORIES`].
pub(crate) fn is_political_category(slug: &str) -> bool {
    POLITICAL_CATEGORIES.contains(&slug)
}

/// An ISO 8601 date or date-time as a reader writes it: "2 April 2024" (the interface is
/// English). Anything unparsable is returned as it was.
pub(crate) fn human_date(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ];
    let parts: Vec<&str> = iso.get(..10).unwrap_or("").split('-').collect();
    match parts.as_slice() {
        [y, m, d] if y.len() == 4 => match (m.parse::<usize>(), d.parse::<u32>()) {
            (Ok(m @ 1..=12), Ok(d @ 1..=31)) => format!("{d} {} {y}", MONTHS[m - 1]),
            _ => iso.to_string(),
        },
        _ => iso.to_string(),
    }
}

/// The date part of an ISO 8601 value ("2024-04-02").
pub(crate) fn date_only(iso: Option<&str>) -> Option<String> {
    iso.and_then(|s| s.get(..10)).map(str::to_owned)
}

/// An article as a card on listings and in the related box.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Card {
    pub(crate) id: i64,
    pub(crate) title: String,
    pub(crate) category: String,
    pub(crate) category_label: String,
    pub(crate) source: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) excerpt: String,
    /// The article's own language (shown as a badge).
    pub(crate) language: Option<String>,
    /// The language the headline and excerpt are shown in (the reader's, when translated).
    pub(crate) shown_language: Option<String>,
    /// Whether the headline and excerpt are a machine translation.
    pub(crate) translated: bool,
}

impl Card {
    pub(crate) fn from_summary(s: &ArticleSummary, excerpt_chars: usize) -> Card {
        Card {
            id: s.id,
            title: s.title.clone(),
            category: s.category.clone(),
            category_label: category_label(&s.category),
            source: s.source.clone(),
            date: date_only(s.published.as_deref()),
            excerpt: excerpt(&s.lead, excerpt_chars),
            language: s.language.clone(),
            shown_language: s.language.clone(),
            translated: false,
        }
    }

    /// The cards of `rows`, headlines and excerpts in the reader's language where a
    /// machine translation is stored (one query for the page).
    pub(crate) fn for_reader(
        state: &crate::AppState,
        rows: &[ArticleSummary],
        excerpt_chars: usize,
    ) -> Result<Vec<Card>, polmon_store::StoreError> {
        let mut shown = rows.to_vec();
        let translated = state.translate_summaries(&mut shown)?;
        Ok(shown
            .iter()
            .zip(rows)
            .map(|(s, original)| Card {
                language: original.language.clone(),
                translated: translated.contains(&s.id),
                ..Card::from_summary(s, excerpt_chars)
            })
            .collect())
    }
}

/// Page links for a listing.
#[derive(Debug, Clone)]
pub(crate) struct Pager {
    /// The page number; `None` on a page reached by a cursor (`before=`).
    pub(crate) page: Option<usize>,
    pub(crate) pages: usize,
    pub(crate) prev: Option<String>,
    pub(crate) next: Option<String>,
}

impl Pager {
    /// `base` is the URL without the page parameter, ending in `?` or `&`.
    pub(crate) fn new(base: &str, page: usize, per_page: usize, total: u64) -> Pager {
        let pages = (total as usize).div_ceil(per_page).max(1);
        Pager {
            page: Some(page),
            pages,
            prev: (page > 1).then(|| format!("{base}page={}", page - 1)),
            next: (page < pages).then(|| format!("{base}page={}", page + 1)),
        }
    }

    /// Links for a newest-first listing: numbered pages up to [`MAX_PAGE`], then (and
    /// from any page reached by a cursor) "Older" links carrying the last row's cursor.
    /// `older` is that cursor when there are older rows.
    pub(crate) fn keyset(base: &str, at: Listed, per_page: usize, total: u64, older: Option<Cursor>) -> Pager {
        let pages = (total as usize).div_ceil(per_page).max(1);
        match at {
            Listed::Page(page) => Pager {
                page: Some(page),
                pages,
                prev: (page > 1).then(|| format!("{base}page={}", page - 1)),
                next: older.map(|c| {
                    if page < MAX_PAGE {
                        format!("{base}page={}", page + 1)
                    } else {
                        format!("{base}before={c}")
                    }
                }),
            },
            Listed::Before(_) => Pager {
                page: None,
                pages,
                prev: Some(base.trim_end_matches(['?', '&']).to_string()),
                next: older.map(|c| format!("{base}before={c}")),
            },
        }
    }
}

/// Where a listing starts: a numbered page (at most [`MAX_PAGE`]) or after a cursor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Listed {
    /// `page=N`.
    Page(usize),
    /// `before=SORT_TS.ID`.
    Before(Cursor),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpts_cut_at_a_word_and_end_with_dots() {
        let t = "In response to Iran’s unprecedented attack on Israel from its soil, a number of capitals reacted.";
        let e = excerpt(t, 70);
        // As the reference page cuts it.
        assert_eq!(e, "In response to Iran’s unprecedented attack on Israel from its soil, a...");
        assert!(e.chars().count() <= 73);
        assert_eq!(excerpt("Short text.", 70), "Short text.");
    }

    #[test]
    fn labels_and_pages() {
        assert_eq!(category_label("human-rights"), "Human rights");
        let p = Pager::new("/category/x?", 2, 20, 41);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/category/x?page=1"));
        assert_eq!(p.next.as_deref(), Some("/category/x?page=3"));
    }

    #[test]
    fn keyset_pages_number_up_to_the_cap_then_follow_cursors() {
        let c = Cursor { sort_ts: 1_712_052_000, id: 7 };
        let p = Pager::keyset("/category/x?", Listed::Page(2), 20, 10_000, Some(c));
        assert_eq!((p.page, p.prev.as_deref(), p.next.as_deref()), (Some(2), Some("/category/x?page=1"), Some("/category/x?page=3")));
        let p = Pager::keyset("/category/x?", Listed::Page(MAX_PAGE), 20, 10_000, Some(c));
        assert_eq!(p.next.as_deref(), Some("/category/x?before=1712052000.7"));
        let p = Pager::keyset("/category/x?", Listed::Before(c), 20, 10_000, None);
        assert_eq!((p.page, p.prev.as_deref(), p.next), (None, Some("/category/x"), None));
    }
}
