//! [`PgStoreError`]: why a PostgreSQL store operation failed.

use polmon_store::StoreError;

/// Why a PostgreSQL store operation (or the test cluster) failed.
#[derive(Debug, thiserror::Error)]
pub enum PgStoreError {
    /// The connection string could not be read.
    #[error("bad PostgreSQL connection string {url:?}: {source} (expected postgres://USER@HOST:PORT/DATABASE)")]
    BadUrl {
        /// The string given.
        url: String,
        /// The cause.
        source: postgres::Error,
    },
    /// No connection could be had from the pool (the server is down or unreachable, or
    /// every connection stayed busy for the pool's timeout).
    #[error("no PostgreSQL connection to {target}: {source}")]
    Pool {
        /// Host, port and database (no password).
        target: String,
        /// The cause.
        source: r2d2::Error,
    },
    /// The database was written by a newer Politics Monitor.
    #[error(
        "this PostgreSQL database was written by a newer Politics Monitor (schema version {found}; \
         this build knows versions up to {known}): upgrade polmon or use another database"
    )]
    NewerSchema {
        /// The version recorded in `schema_version`.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A migration failed; the database stays at the previous version.
    #[error("PostgreSQL migration to schema version {version} failed: {source}")]
    Migration {
        /// The version that failed.
        version: i64,
        /// The cause.
        source: postgres::Error,
    },
    /// A stored JSON column could not be decoded.
    #[error("stored {what} of article {id} is not valid JSON: {source}")]
    Corrupt {
        /// Which column.
        what: &'static str,
        /// The article.
        id: i64,
        /// The cause.
        source: serde_json::Error,
    },
    /// A text to store holds a NUL character, which PostgreSQL text cannot hold.
    #[error("the {field} of the article {dedup_key:?} holds a NUL character, which PostgreSQL cannot store")]
    NulCharacter {
        /// Which field.
        field: &'static str,
        /// The article's key.
        dedup_key: String,
    },
    /// A text to store outside an article (a watch, a translation, a raw page) holds a
    /// NUL character.
    #[error("the {field} of {owner} holds a NUL character, which PostgreSQL cannot store")]
    NulCharacterIn {
        /// Which field.
        field: &'static str,
        /// What it belongs to (`the watch "name"`, `the raw page "key"`).
        owner: String,
    },
    /// A stored watch's digest schedule could not be read.
    #[error("the digest schedule {digest:?} of watch {watch} cannot be read: expected \"hourly\" or \"daily@HH:MM\"")]
    BadDigest {
        /// The watch.
        watch: i64,
        /// The schedule stored.
        digest: String,
    },
    /// The throw-away test cluster could not be set up.
    #[error("test PostgreSQL cluster: {step}: {detail}")]
    TestCluster {
        /// What was being done.
        step: &'static str,
        /// What went wrong (with the server's log where there is one).
        detail: String,
    },
    /// Any other PostgreSQL error.
    #[error("PostgreSQL: {0}")]
    Postgres(#[from] postgres::Error),
}

impl PgStoreError {
    /// Whether trying again later may succeed: the connection was lost or refused, the
    /// server is starting or shutting down, or a transaction lost a serialisation or
    /// deadlock conflict.
    pub fn is_transient(&self) -> bool {
        match self {
            PgStoreError::Pool { .. } => true,
            PgStoreError::Postgres(e) => match e.code() {
                None => true,
                Some(code) => {
                    let code = code.code();
                    // 08: connection exception, 40001/40P01: serialisation failure and
                    // deadlock, 53: insufficient resources, 57P0x: shutdown or start-up.
                    code.starts_with("08")
                        || code.starts_with("53")
                        || code == "40001"
                        || code == "40P01"
                        || code.starts_with("57P0")
                }
            },
            _ => false,
        }
    }
}

impl From<PgStoreError> for StoreError {
    fn from(e: PgStoreError) -> StoreError {
        match e {
            PgStoreError::NewerSchema { found, known } => StoreError::NewerSchema { found, known },
            PgStoreError::Corrupt { what, id, source } => StoreError::Corrupt { what, id, source },
            PgStoreError::BadDigest { digest, .. } => StoreError::BadDigest(digest),
            other => {
                StoreError::Backend { backend: "postgres", transient: other.is_transient(), source: Box::new(other) }
            }
        }
    }
}

/// The first of `fields` whose value holds a NUL character, or its JSON escape `\u0000`
/// (PostgreSQL text and JSONB cannot hold one).
pub(crate) fn field_with_nul(fields: &[(&'static str, Option<&str>)]) -> Option<&'static str> {
    fields.iter().find(|(_, v)| v.is_some_and(|v| v.contains('\0') || v.contains("\\u0000"))).map(|(field, _)| *field)
}

/// Refuses `fields` of `owner` when one holds a NUL character.
pub(crate) fn refuse_nul(
    fields: &[(&'static str, Option<&str>)],
    owner: impl FnOnce() -> String,
) -> Result<(), PgStoreError> {
    match field_with_nul(fields) {
        Some(field) => Err(PgStoreError::NulCharacterIn { field, owner: owner() }),
        None => Ok(()),
    }
}
