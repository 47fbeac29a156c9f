//! Raw pages: what a crawler or `polmon enqueue` read, kept by key so that a worker can
//! process it (again, after a crash or with a newer extractor). In the distributed mode the `process` queue carries only the key
//! (messages carry ids, not pages); the embedded mode does not need them.

use rusqlite::{params, OptionalExtension};

use crate::{unix_now, Store, StoreError};

/// A page (or an already extracted article as a JSON line) waiting to be processed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPage {
    /// The key it is kept under (stable for the same input: a digest of its content).
    pub key: String,
    /// Where it came from, if known.
    pub url: Option<String>,
    /// The HTTP `Content-Type`, or the type of an extracted article's JSON line.
    pub content_type: Option<String>,
    /// A source name given by the input.
    pub source: Option<String>,
    /// A date given by the input.
    pub published: Option<String>,
    /// The bytes.
    pub body: Vec<u8>,
}

impl Store {
    /// Keeps a raw page under its key; returns false when a page with that key was
    /// already kept (it is left as it is: a key names one content).
    pub fn put_raw_page(&self, page: &RawPage) -> Result<bool, StoreError> {
        self.write(|conn| {
            let n = conn
                .prepare_cached(
                    "INSERT INTO raw_pages (key, url, content_type, source, published, body, stored_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (key) DO NOTHING",
                )?
                .execute(params![page.key, page.url, page.content_type, page.source, page.published, page.body, unix_now()])?;
            Ok(n > 0)
        })
    }

    /// The raw page kept under `key`.
    pub fn raw_page(&self, key: &str) -> Result<Option<RawPage>, StoreError> {
        self.read(|conn| {
            Ok(conn
                .prepare_cached("SELECT key, url, content_type, source, published, body FROM raw_pages WHERE key = ?1")?
                .query_row([key], |r| {
                    Ok(RawPage {
                        key: r.get(0)?,
                        url: r.get(1)?,
                        content_type: r.get(2)?,
                        source: r.get(3)?,
                        published: r.get(4)?,
                        body: r.get(5)?,
                    })
                })
                .optional()?)
        })
    }
}
