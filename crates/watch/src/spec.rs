//! What a watch asks: the stored JSON form and its validation.

use serde::{Deserialize, Serialize};

use crate::{Query, WatchError};

/// The most entity filters a watch may have.
pub const MAX_ENTITIES: usize = 16;
const MAX_NAME_CHARS: usize = 200;
const MAX_BURST_HOURS: u32 = 24 * 30;

/// A burst minimum: deliver only when at least `min_articles` matched within `within_hours`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Burst {
    /// How many matching articles (this one included).
    pub min_articles: u32,
    /// Within how many hours before this one.
    pub within_hours: u32,
}

/// A saved question. Every given criterion must hold (they are combined with AND); several
/// entities must all be mentioned.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WatchSpec {
    /// A full-text query in the search syntax over title and body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// Canonical names of entities the article must mention ("Stéphane Séjourné").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub entities: Vec<String>,
    /// The canonical name of someone the article must quote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker: Option<String>,
    /// The article's category slug ("diplomacy").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// The article's language (ISO 639-1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// The article's source (site name or host), compared without case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// A country the article is about (ISO 3166-1 alpha-2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    /// Deliver only bursts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burst: Option<Burst>,
}

impl WatchSpec {
    /// Checks every field and returns the spec tidied (trimmed, language lowercased,
    /// country uppercased, empty values dropped), or an error naming the bad field.
    pub fn validate(mut self) -> Result<WatchSpec, WatchError> {
        fn tidy(v: &mut Option<String>) {
            *v = v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
        }
        for v in [&mut self.query, &mut self.speaker, &mut self.category, &mut self.language, &mut self.source, &mut self.country] {
            tidy(v);
        }
        self.entities = self.entities.iter().map(|e| e.trim().to_owned()).filter(|e| !e.is_empty()).collect();
        if let Some(q) = &self.query {
            Query::parse(q)?;
        }
        if self.entities.len() > MAX_ENTITIES {
            return Err(filter("entity", format!("at most {MAX_ENTITIES} entities")));
        }
        for e in &self.entities {
            check_name("entity", e)?;
        }
        for (field, value) in [("speaker", &self.speaker), ("category", &self.category), ("source", &self.source)] {
            if let Some(v) = value {
                check_name(field, v)?;
            }
        }
        if let Some(l) = &mut self.language {
            *l = l.to_ascii_lowercase();
            if l.len() != 2 || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(filter("language", format!("{l:?} is not a two-letter ISO 639-1 code (e.g. en, fr)")));
            }
        }
        if let Some(c) = &mut self.country {
            *c = c.to_ascii_uppercase();
            if c.len() != 2 || !c.bytes().all(|b| b.is_ascii_uppercase()) {
                return Err(filter("country", format!("{c:?} is not a two-letter ISO 3166-1 code (e.g. FR, UA)")));
            }
        }
        if let Some(b) = self.burst {
            if b.min_articles < 1 || b.within_hours < 1 || b.within_hours > MAX_BURST_HOURS {
                return Err(filter(
                    "burst",
                    format!("needs at least 1 article within 1 to {MAX_BURST_HOURS} hours (got {} in {})", b.min_articles, b.within_hours),
                ));
            }
        }
        let asks_something = self.query.is_some()
            || !self.entities.is_empty()
            || [&self.speaker, &self.category, &self.language, &self.source, &self.country].iter().any(|v| v.is_some());
        if !asks_something {
            return Err(WatchError::Empty);
        }
        Ok(self)
    }

    /// Reads a stored spec (JSON) and validates it.
    pub fn from_stored(id: i64, json: &str) -> Result<WatchSpec, WatchError> {
        let spec: WatchSpec =
            serde_json::from_str(json).map_err(|e| WatchError::Stored { id, reason: e.to_string() })?;
        spec.validate()
    }

    /// The JSON stored for this spec.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a spec always serialises")
    }
}

fn filter(field: &'static str, reason: String) -> WatchError {
    WatchError::Filter { field, reason }
}

fn check_name(field: &'static str, value: &str) -> Result<(), WatchError> {
    if value.chars().count() > MAX_NAME_CHARS {
        return Err(filter(field, format!("longer than {MAX_NAME_CHARS} characters")));
    }
    if crate::fold(value).is_empty() {
        return Err(filter(field, format!("{value:?} has no letters or digits")));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidies_and_accepts_a_good_spec() {
        let spec = WatchSpec {
            query: Some("  Ukraine ".into()),
            entities: vec![" Stéphane Séjourné".into(), "".into()],
            language: Some("FR".into()),
            country: Some("ua".into()),
            burst: Some(Burst { min_articles: 3, within_hours: 6 }),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(spec.query.as_deref(), Some("Ukraine"));
        assert_eq!(spec.entities, ["Stéphane Séjourné"]);
        assert_eq!((spec.language.as_deref(), spec.country.as_deref()), (Some("fr"), Some("UA")));
        assert_eq!(WatchSpec::from_stored(1, &spec.to_json()).unwrap(), spec);
    }

    #[test]
    fn refuses_bad_specs_naming_the_field() {
        let err = |s: WatchSpec| s.validate().unwrap_err().to_string();
        assert!(err(WatchSpec::default()).contains("needs a query or at least one filter"));
        assert!(err(WatchSpec { language: Some("french".into()), ..Default::default() }).contains("language"));
        assert!(err(WatchSpec { country: Some("F1".into()), ..Default::default() }).contains("country"));
        assert!(err(WatchSpec { query: Some("(a".into()), ..Default::default() }).contains("not closed"));
        assert!(err(WatchSpec { speaker: Some("--".into()), ..Default::default() }).contains("speaker"));
        let burst = Some(Burst { min_articles: 3, within_hours: 0 });
        assert!(err(WatchSpec { category: Some("x".into()), burst, ..Default::default() }).contains("burst"));
        let many = (0..17).map(|i| format!("E{i}")).collect();
        assert!(err(WatchSpec { entities: many, ..Default::default() }).contains("at most 16"));
        assert!(WatchSpec::from_stored(7, r#"{"qurey":"x"}"#).unwrap_err().to_string().contains("stored watch 7"));
    }
}
