//! The people the store knows by surname and by role: an article naming someone by
//! surname alone ("Obama") files the mention under the person earlier articles named in
//! full ("Barack Obama"), and a quote attributed to a role alone ("a déclaré le ministre
//! des Armées") goes to the person earlier articles gave that role around the article's
//! date, when one such person clearly dominates.

use std::collections::HashMap;

use polmon_enrich::canonical::surname_key;
use polmon_model::{Analysis, EntityMention, EntityType};
use polmon_store::{ArticleStore, StoreError};

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

/// Days after a person was last given a role during which a quote attributed to that
/// role alone may still be theirs (when nobody else was given it since).
const ROLE_MEMORY_DAYS: i64 = 180;
/// Words a role phrase may open with that are not part of the role.
const DETERMINERS: &[&str] = &["the", "a", "an", "le", "la", "les", "l", "un", "une", "el", "los", "las", "il", "lo", "der", "die", "das", "de", "het"];

/// Surname → the full names known by it, with the articles naming each; role → the
/// people given it, with the days.
#[derive(Debug, Default)]
pub(crate) struct KnownPeople {
    by_surname: HashMap<String, Vec<(String, u32)>>,
    by_role: HashMap<String, Vec<RoleHolder>>,
}

/// One person given one role.
#[derive(Debug, Clone)]
struct RoleHolder {
    /// The role as first written.
    role: String,
    person: String,
    first_day: i64,
    last_day: i64,
    articles: u32,
}

/// A role phrase's words in lower case, without the determiner it opens with.
fn role_words(phrase: &str) -> Vec<String> {
    let mut words: Vec<String> = phrase
        .split(|c: char| c.is_whitespace() || c == '\'' || c == '’')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    while words.first().is_some_and(|w| DETERMINERS.contains(&w.as_str())) {
        words.remove(0);
    }
    words
}

/// The one person among `candidates` with at least [`MIN_ARTICLES`] articles and
/// [`DOMINANCE`] times more than the others together.
fn dominant<'a>(candidates: &[&'a RoleHolder]) -> Option<&'a RoleHolder> {
    let best = *candidates.iter().max_by_key(|h| (h.articles, std::cmp::Reverse(h.person.as_str())))?;
    let others: u32 = candidates.iter().map(|h| h.articles).sum::<u32>() - best.articles;
    (best.articles >= MIN_ARTICLES && best.articles >= DOMINANCE.saturating_mul(others).max(1)).then_some(best)
}

impl KnownPeople {
    /// The people among the store's [`KNOWN_PEOPLE_CAP`] most mentioned, and as many
    /// (person, role) pairs, the most given first.
    pub(crate) fn from_store(store: &(impl ArticleStore + ?Sized)) -> Result<KnownPeople, StoreError> {
        let mut known = KnownPeople::default();
        for e in store.top_entities(Some("person"), KNOWN_PEOPLE_CAP)? {
            known.learn(&e.canonical, e.articles.min(u32::MAX as u64) as u32);
        }
        for h in store.role_holders(KNOWN_PEOPLE_CAP)? {
            let articles = h.articles.min(u32::MAX as u64) as u32;
            known.learn_role(&h.role, &h.person, h.first_day, h.last_day, articles);
        }
        Ok(known)
    }

    /// The person a quote attributed to `speaker` (a role phrase, "le ministre des Armées
    /// mardi") on `day` stands for: the longest run of two or more of its words that is a
    /// known role, and of the people given that role the one who held it that day (first
    /// to last day seen), else the one last given it within [`ROLE_MEMORY_DAYS`] before;
    /// only when one person dominates. Returns the role as written and the person.
    pub(crate) fn role_holder(&self, speaker: &str, day: i64) -> Option<(&str, &str)> {
        let words = role_words(speaker);
        for len in (2..=words.len()).rev() {
            for start in 0..=words.len() - len {
                let Some(holders) = self.by_role.get(&words[start..start + len].join(" ")) else { continue };
                let held: Vec<&RoleHolder> = holders.iter().filter(|h| h.first_day <= day && day <= h.last_day).collect();
                let pick = if held.is_empty() {
                    let before: Vec<&RoleHolder> =
                        holders.iter().filter(|h| h.last_day < day && day - h.last_day <= ROLE_MEMORY_DAYS).collect();
                    let latest = before.iter().map(|h| h.last_day).max();
                    let last: Vec<&RoleHolder> = before.into_iter().filter(|h| Some(h.last_day) == latest).collect();
                    if last.len() == 1 { dominant(&last) } else { None }
                } else {
                    dominant(&held)
                };
                return pick.map(|h| (h.role.as_str(), h.person.as_str()));
            }
        }
        None
    }

    /// Gives quotes attributed to a role alone the person who held it on `day`: the
    /// speaker becomes a mention of that person (unless another name is written there).
    pub(crate) fn resolve_role_speakers(&self, analysis: &mut Analysis, day: i64) -> usize {
        let mut added = Vec::new();
        for q in analysis.quotes.iter_mut().filter(|q| q.speaker_canonical.is_none()) {
            let (Some(speaker), Some(start), Some(end)) = (q.speaker.as_deref(), q.speaker_start, q.speaker_end) else { continue };
            if analysis.entities.iter().any(|m| m.start < end && start < m.end) {
                continue;
            }
            let Some((role, person)) = self.role_holder(speaker, day) else { continue };
            q.speaker_canonical = Some(person.to_string());
            added.push(EntityMention {
                text: speaker.to_string(),
                start,
                end,
                entity_type: EntityType::Person,
                canonical: person.to_string(),
                role: Some(role.to_string()),
            });
        }
        let n = added.len();
        if n > 0 {
            analysis.entities.extend(added);
            analysis.entities.sort_by_key(|m| (m.start, m.end));
        }
        n
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

    /// Remembers the people an article names in full, and the roles it gives them on `day`.
    /// Returns the full names that this article made the person their surname stands for
    /// (so that earlier articles naming the surname alone can be filed under them).
    pub(crate) fn learn_from(&mut self, analysis: &Analysis, day: i64) -> Vec<String> {
        let mut roles: Vec<(&str, &str)> = analysis
            .entities
            .iter()
            .filter(|m| m.entity_type == EntityType::Person)
            .filter_map(|m| Some((m.role.as_deref()?, m.canonical.as_str())))
            .collect();
        roles.sort_unstable();
        roles.dedup();
        for (role, person) in roles {
            self.learn_role(role, person, day, day, 1);
        }
        let mut names: Vec<&str> = analysis
            .entities
            .iter()
            .filter(|m| m.entity_type == EntityType::Person)
            .map(|m| m.canonical.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        let mut newly_known = Vec::new();
        for name in names {
            let key = surname_key(name);
            let before = key.as_deref().and_then(|k| self.full_name(k));
            self.learn(name, 1);
            let after = key.as_deref().and_then(|k| self.full_name(k));
            if after.is_some() && after != before {
                newly_known.extend(after);
            }
        }
        newly_known
    }

    fn learn_role(&mut self, role: &str, person: &str, first_day: i64, last_day: i64, articles: u32) {
        let words = role_words(role);
        if words.len() < 2 || !person.contains(char::is_whitespace) {
            return; // a one-word title ("président") names too many people; a one-word name too
        }
        let holders = self.by_role.entry(words.join(" ")).or_default();
        match holders.iter_mut().find(|h| h.person == person) {
            Some(h) => {
                h.first_day = h.first_day.min(first_day);
                h.last_day = h.last_day.max(last_day);
                h.articles = h.articles.saturating_add(articles);
            }
            None => holders.push(RoleHolder { role: role.to_string(), person: person.to_string(), first_day, last_day, articles }),
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

    #[test]
    fn learning_tells_which_full_names_a_surname_now_stands_for() {
        let mut k = KnownPeople::default();
        let naming = |names: &[&str]| Analysis {
            entities: names
                .iter()
                .map(|n| EntityMention {
                    text: n.to_string(),
                    start: 0,
                    end: 0,
                    entity_type: EntityType::Person,
                    canonical: n.to_string(),
                    role: None,
                })
                .collect(),
            ..Default::default()
        };
        assert!(k.learn_from(&naming(&["Barack Obama", "Obama"]), 1).is_empty(), "one article is not enough");
        assert_eq!(k.learn_from(&naming(&["Barack Obama"]), 2), ["Barack Obama"], "the second article makes it known");
        assert!(k.learn_from(&naming(&["Barack Obama"]), 3).is_empty(), "already known: nothing new");
    }

    #[test]
    fn a_role_stands_for_the_person_who_held_it_that_day() {
        let mut k = KnownPeople::default();
        k.learn_role("ministre des Armées", "Florence Parly", 100, 200, 6);
        k.learn_role("ministre des Armées", "Sébastien Lecornu", 210, 400, 9);
        k.learn_role("Secretary of State", "Antony Blinken", 300, 300, 1);
        k.learn_role("président", "Emmanuel Macron", 0, 400, 50);
        assert_eq!(k.role_holder("le ministre des Armées mardi", 150), Some(("ministre des Armées", "Florence Parly")));
        assert_eq!(k.role_holder("Le ministre des armées", 300).map(|h| h.1), Some("Sébastien Lecornu"));
        assert_eq!(k.role_holder("le ministre des Armées", 205).map(|h| h.1), Some("Florence Parly"), "the last holder before");
        assert_eq!(k.role_holder("le ministre des Armées", 700), None, "too long ago");
        assert_eq!(k.role_holder("le ministre des Armées", 50), None, "nobody held it yet");
        assert_eq!(k.role_holder("the American Secretary of State", 300), None, "one article is not enough");
        k.learn_role("Secretary of State", "Antony Blinken", 301, 301, 1);
        assert_eq!(k.role_holder("the American Secretary of State", 301).map(|h| h.1), Some("Antony Blinken"));
        assert_eq!(k.role_holder("le président", 10), None, "a one-word title names too many people");
    }
}
