use std::path::PathBuf;

/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The data folder could not be created or read.
    #[error("data folder {path}: {source}")]
    Io {
        /// The folder.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The database file could not be opened.
    #[error("cannot open the database {path}: {source}")]
    Open {
        /// The database file.
        path: PathBuf,
        /// The cause.
        source: rusqlite::Error,
    },
    /// The folder was written by a newer Politics Monitor.
    #[error(
        "this data folder was written by a newer Politics Monitor (schema version {found}; \
         this build knows versions up to {known}): upgrade polmon or use another --data folder"
    )]
    NewerSchema {
        /// The version recorded in the database.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// A migration failed; the database stays at the previous version.
    #[error("migration to schema version {version} failed: {source}")]
    Migration {
        /// The version that failed.
        version: i64,
        /// The cause.
        source: rusqlite::Error,
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
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}
