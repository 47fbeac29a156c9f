//! The typed messages of each stage: ids and keys, never page bodies or articles.
//!
//! Every message type names its [`Stage`] and the de-duplication id its publisher sets as
//! `Nats-Msg-Id`: publishing the same work twice within the stream's duplicate window
//! stores one message. Outside the window a second copy can arrive; nats-server 2.9 also
//! rebuilds the window at restart from the messages still stored, so the id of a message
//! consumed before a restart is forgotten; and a message can be delivered again after a
//! lost ack (an ack confirmed just before a `kill -9` of the server can be lost). Every
//! handler must be idempotent (unique keys, upserts): JetStream delivers at least once,
//! never exactly once.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::Stage;

/// A message of one stage's work stream, encoded as JSON.
pub trait Job: Serialize + DeserializeOwned {
    /// The stage whose stream carries this message.
    const STAGE: Stage;

    /// The key of the work within its stage (`42` for article 42): two messages with the
    /// same key are the same work.
    fn work_key(&self) -> String;

    /// The de-duplication id (`Nats-Msg-Id`): the stage's name, a colon and the key of
    /// the work, e.g. `connect:42`.
    fn dedup_id(&self) -> String {
        format!("{}:{}", Self::STAGE.name(), self.work_key())
    }
}

/// A feed item to fetch (`fetch` stage).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchItem {
    /// The source the item was announced by.
    pub source_id: i64,
    /// The item's key in that source (its GUID, else its URL): the store's seen-item key.
    pub item_key: String,
    /// The page to fetch.
    pub url: String,
}

impl Job for FetchItem {
    const STAGE: Stage = Stage::Fetch;
    fn work_key(&self) -> String {
        format!("{}:{}", self.source_id, self.item_key)
    }
}

/// A fetched page to extract, enrich and store (`process` stage). The page itself stays
/// where the fetcher put it (the shared store's raw pages or a WARC file), under `page_key`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcessPage {
    /// Where the raw page is kept: the key the fetcher stored it under.
    pub page_key: String,
    /// The source the page came from, if it came from a feed.
    pub source_id: Option<i64>,
    /// The page's URL (as given to the pipeline).
    pub url: String,
}

impl Job for ProcessPage {
    const STAGE: Stage = Stage::Process;
    fn work_key(&self) -> String {
        self.page_key.clone()
    }
}

/// A stored article to link to its near-duplicates and story (`connect` stage), or,
/// with `translated_at_ms`, a stored article whose machine translation was just stored,
/// to link through it (an article may join a story in the reader's language).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectArticle {
    /// The stored article's id.
    pub article_id: i64,
    /// When its translation was stored (Unix milliseconds), for a translation to link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translated_at_ms: Option<i64>,
}

impl ConnectArticle {
    /// A newly stored article to link.
    pub fn new(article_id: i64) -> ConnectArticle {
        ConnectArticle { article_id, translated_at_ms: None }
    }

    /// An article whose translation was stored at `at_ms`, to link through it.
    pub fn translated(article_id: i64, at_ms: i64) -> ConnectArticle {
        ConnectArticle { article_id, translated_at_ms: Some(at_ms) }
    }
}

impl Job for ConnectArticle {
    const STAGE: Stage = Stage::Connect;
    fn work_key(&self) -> String {
        match self.translated_at_ms {
            None => self.article_id.to_string(),
            // Each translation its own message (the duplicate window remembers ids).
            Some(at) => format!("{}+translation@{at}", self.article_id),
        }
    }
}

/// A stored article to (re)index (`index` stage). The indexer reads the article's current
/// version from the store. Each request carries the time it was made: an article updated
/// after its first indexing must be indexed again, even within the duplicate window
/// (which remembers ids whether or not their message was consumed); the same request
/// published twice is still one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexArticle {
    /// The stored article's id.
    pub article_id: i64,
    /// When the (re)indexing was asked for (Unix milliseconds).
    #[serde(default)]
    pub requested_at_ms: i64,
}

impl IndexArticle {
    /// A request to index `article_id` now.
    pub fn now(article_id: i64) -> IndexArticle {
        IndexArticle { article_id, requested_at_ms: polmon_store::unix_now_ms() }
    }
}

impl Job for IndexArticle {
    const STAGE: Stage = Stage::Index;
    fn work_key(&self) -> String {
        format!("{}@{}", self.article_id, self.requested_at_ms)
    }
}

/// A watch match to send (`deliver` stage): the id of its row in the store's outbox.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverMatch {
    /// The outbox row (delivery) id.
    pub delivery_id: i64,
}

impl Job for DeliverMatch {
    const STAGE: Stage = Stage::Deliver;
    fn work_key(&self) -> String {
        self.delivery_id.to_string()
    }
}

/// A message that went to `dead.<stage>`: why, after how many deliveries, and the
/// original message as it was published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadLetter {
    /// The stage's name.
    pub stage: String,
    /// The last handler error, or why no handler could run (undecodable message,
    /// consumers that died before acking).
    pub reason: String,
    /// How many times the message was delivered.
    pub deliveries: u64,
    /// The message's sequence in its stage's stream.
    pub stream_sequence: u64,
    /// The message's de-duplication id, if it had one.
    pub dedup_id: Option<String>,
    /// The original message (JSON, or the bytes read as UTF-8 with replacements).
    pub payload: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dedup_ids_name_the_stage_and_the_key() {
        assert_eq!(ConnectArticle::new(42).dedup_id(), "connect:42");
        assert_eq!(ConnectArticle::translated(42, 9).dedup_id(), "connect:42+translation@9");
        // A message of an older version (no translation field) still reads.
        let old: ConnectArticle = serde_json::from_str(r#"{"article_id":42}"#).unwrap();
        assert_eq!(old, ConnectArticle::new(42));
        assert_eq!(IndexArticle { article_id: 7, requested_at_ms: 1500 }.dedup_id(), "index:7@1500");
        assert_eq!(DeliverMatch { delivery_id: 3 }.dedup_id(), "deliver:3");
        let item = FetchItem { source_id: 2, item_key: "guid-1".into(), url: "https://a.example/1".into() };
        assert_eq!(item.dedup_id(), "fetch:2:guid-1");
        let page = ProcessPage { page_key: "warc:5:1024".into(), source_id: None, url: "https://a.example/1".into() };
        assert_eq!(page.dedup_id(), "process:warc:5:1024");
    }

    #[test]
    fn messages_round_trip_as_json() {
        let item = FetchItem { source_id: 2, item_key: "k".into(), url: "https://a.example/1".into() };
        let json = serde_json::to_string(&item).unwrap();
        assert_eq!(serde_json::from_str::<FetchItem>(&json).unwrap(), item);
        assert!(serde_json::from_str::<ConnectArticle>(r#"{"page_key":"x"}"#).is_err());
    }
}
