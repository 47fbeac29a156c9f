//! The people the store knows by surname, so that an article naming someone by surname
//! alone ("Obama") files the mention under the person earlier articles named in full
//! ("Barack Obama"), when only one such person is known.

use std::collections::HashMap;

use polmon_enrich::canonical::surname_key;
use polmon_model::{Analysis, EntityType};
use polmon_store::{Store, StoreError};

/// Most people read from the store when the map is built (the most mentioned first): the
/// map's memory stays bounded whatever the archive's size; people beyond it are learnt
/// as articles naming them are stored.
pub(crate) const KNOWN_PEOPLE_CAP: usize = 200_000;

/// Surname → the one full name known by it, or `None` once two are.
#[derive(Debug, Default)]
pub(crate) struct KnownPeople {
    by_surname: HashMap<String, Option<String>>,
}

impl KnownPeople {
    /// The people among the store's [`KNOWN_PEOPLE_CAP`] most mentioned.
    pub(crate) fn from_store(store: &Store) -> Result<KnownPeople, StoreError> {
        let mut known = KnownPeople::default();
        for e in store.top_entities(Some("person"), KNOWN_PEOPLE_CAP)? {
            known.learn(&e.canonical);
        }
        Ok(known)
    }

    /// The one full name known by `surname` (lower case).
    pub(crate) fn full_name(&self, surname: &str) -> Option<String> {
        self.by_surname.get(surname).cloned().flatten()
    }

    /// Remembers the people an article names in full.
    pub(crate) fn learn_from(&mut self, analysis: &Analysis) {
        for m in analysis.entities.iter().filter(|m| m.entity_type == EntityType::Person) {
            self.learn(&m.canonical);
        }
    }

    fn learn(&mut self, full_name: &str) {
        let Some(key) = surname_key(full_name) else { return };
        match self.by_surname.get_mut(&key) {
            None => {
                self.by_surname.insert(key, Some(full_name.to_string()));
            }
            Some(slot) => {
                if slot.as_deref().is_some_and(|known| known != full_name) {
                    *slot = None;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_people_with_one_surname_make_it_ambiguous() {
        let mut k = KnownPeople::default();
        for name in ["Barack Obama", "Barack Obama", "Bill Clinton", "Hillary Clinton", "Macron"] {
            k.learn(name);
        }
        assert_eq!(k.full_name("obama").as_deref(), Some("Barack Obama"));
        assert_eq!(k.full_name("clinton"), None);
        assert_eq!(k.full_name("macron"), None, "a one-word name is no full name");
    }
}
