//! Raw pages kept by key (`BYTEA` bodies): what a crawler or `polmon enqueue` read, for a
//! worker to process (the `process` queue carries only the key).

use polmon_store::{unix_now, RawPage};

use crate::error::refuse_nul;
use crate::{PgStore, PgStoreError};

impl PgStore {
    /// Keeps a raw page under its key; false when that key was kept already (left as it
    /// is: a key names one content). Two nodes putting one key at once: one stores it.
    pub fn put_raw_page(&self, page: &RawPage) -> Result<bool, PgStoreError> {
        refuse_nul(
            &[
                ("key", Some(page.key.as_str())),
                ("url", page.url.as_deref()),
                ("content type", page.content_type.as_deref()),
                ("source", page.source.as_deref()),
                ("date", page.published.as_deref()),
            ],
            || format!("the raw page {:?}", page.key.replace('\0', "\\0")),
        )?;
        let n = self.conn()?.execute(
            "INSERT INTO raw_pages (key, url, content_type, source, published, body, stored_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO NOTHING",
            &[&page.key, &page.url, &page.content_type, &page.source, &page.published, &page.body, &unix_now()],
        )?;
        Ok(n > 0)
    }

    /// The raw page kept under `key`.
    pub fn raw_page(&self, key: &str) -> Result<Option<RawPage>, PgStoreError> {
        let row = self.conn()?.query_opt(
            "SELECT key, url, content_type, source, published, body FROM raw_pages WHERE key = $1",
            &[&key],
        )?;
        Ok(row.map(|r| RawPage {
            key: r.get(0),
            url: r.get(1),
            content_type: r.get(2),
            source: r.get(3),
            published: r.get(4),
            body: r.get(5),
        }))
    }
}
