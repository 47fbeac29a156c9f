//! The people the store knows by surname, so that an article naming someone by surname
//! alone ("Obama") files the mention under the person earlier articles named in full
//! ("Barack Obama"), when one such person clearly dominates.

use std::collections::HashMap;

use polmon_enrich::canonical::surname_key;
use polmon_model::{Analysis, EntityType};
use polmon_store::{Store, StoreError};

/// Most people read from the store when the map is built (the most mentioned first): the
/// map's memory stays bounded whatever the archive's size; people beyond it are learnt
/// as articles naming them are stored.
pub(crate) const KNOWN_PEOPLE_CAP: usize = 200_000;

/// Full names a surname was seen with, at most this many (the most mentioned kept).
const NAMES_PER_SURNAME: usize = 4;
/// Articles a full name needs before a lone surname is filed under it.
const MIN_ARTICLES: u32 = 2;
/// How many times more articles the full name needs than every other person of that
/// surname together ("Trump": Donald, not Ivanka; "Clinton": neither).
const DOMINANCE: u32 = 4;

/// Surname → the full names known by it, with the articles naming each.
#[derive(Debug, Default)]
pub(crate) struct KnownPeople {
    by_surname: HashMap<String, Vec<(String, u32)>>,
}

impl KnownPeople {
    /// The people among the store's [`KNOWN_PEOPLE_CAP`] most mentioned.
    pub(crate) fn from_store(store: &Store) -> Result<KnownPeople, StoreError> {
        let mut known = KnownPeople::default();
        for e in store.top_entities(Some("person"), KNOWN_PEOPLE_CAP)? {
            known.learn(&e.canonical, e.articles.min(u32::MAX as u64) as u32);
        }
        Ok(known)
    }

    /// The person a lone `surname` (lower case) stands for: the full name named in at
    /// least [`MIN_ARTICLES`] articles and [`DOMINANCE`] times more than every other
    /// person of that surname together.
    pub(crate) fn full_name(&self, surname: &str) -> Option<String> {
        let names = self.by_surname.get(surname)?;
        let (best, n) = names.iter().max_by_key(|(name, n)| (*n, std::cmp::Reverse(name.as_str())))?;
        let others: u32 = names.iter().map(|(_, n)| n).sum::<u32>() - n;
        (*n >= MIN_ARTICLES && *n >= DOMINANCE.saturating_mul(others).max(1)).then(|| best.clone())
    }

    /// Remembers the people an article names in full.
    pub(crate) fn learn_from(&mut self, analysis: &Analysis) {
        let mut names: Vec<&str> = analysis
            .entities
            .iter()
            .filter(|m| m.entity_type == EntityType::Person)
            .map(|m| m.canonical.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            self.learn(name, 1);
        }
    }

    fn learn(&mut self, full_name: &str, articles: u32) {
        let Some(key) = surname_key(full_name) else { return };
        let names = self.by_surname.entry(key).or_default();
        match names.iter_mut().find(|(n, _)| n == full_name) {
            Some((_, count)) => *count = count.saturating_add(articles),
            None => {
                names.push((full_name.to_string(), articles));
                if names.len() > NAMES_PER_SURNAME {
                    names.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                    names.truncate(NAMES_PER_SURNAME);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_surname_stands_for_a_person_only_with_evidence_and_no_rival() {
        let mut k = KnownPeople::default();
        k.learn("Barack Obama", 2);
        k.learn("Bill Clinton", 1);
        k.learn("Hillary Clinton", 1);
        k.learn("Macron", 5);
        k.learn("Proroguing Parliament", 1);
        k.learn("Donald Trump", 9);
        k.learn("Ivanka Trump", 2);
        assert_eq!(k.full_name("obama").as_deref(), Some("Barack Obama"));
        assert_eq!(k.full_name("clinton"), None, "two people");
        assert_eq!(k.full_name("macron"), None, "a one-word name is no full name");
        assert_eq!(k.full_name("parliament"), None, "one article is not enough");
        assert_eq!(k.full_name("trump").as_deref(), Some("Donald Trump"), "9 against 2");
        k.learn("Ivanka Trump", 1);
        assert_eq!(k.full_name("trump"), None, "9 against 3 is no longer clear");
    }
}
