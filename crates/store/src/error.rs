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
    /// A trends period outside what the store counts over.
    #[error("a trends period must be 1 to {max} days, not {days}", max = crate::trends::MAX_PERIOD_DAYS)]
    BadPeriod {
        /// The days asked for.
        days: i64,
    },
    /// A watch's digest schedule could not be read.
    #[error("digest {0:?}: expected \"hourly\" or \"daily@HH:MM\" (UTC, e.g. daily@07:30)")]
    BadDigest(String),
    /// The operating system gave no random bytes (for a watch's secret).
    #[error("no random numbers from the operating system: {0}")]
    Random(String),
    /// An error of another backend (a server store such as PostgreSQL), with whether
    /// trying again later may succeed.
    #[error("{backend} store: {source}")]
    Backend {
        /// The backend's name (`postgres`).
        backend: &'static str,
        /// Whether the failure is transient (connection lost, server restarting, a
        /// serialisation conflict).
        transient: bool,
        /// The backend's own error.
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Any other SQLite error.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
}

impl StoreError {
    /// Whether trying again later may succeed: the database is busy or locked by another
    /// process, the disk is full, or an I/O error occurred. A corrupt or newer database,
    /// a failed migration or a constraint are not transient.
    pub fn is_transient(&self) -> bool {
        use rusqlite::ErrorCode as C;
        match self {
            StoreError::Io { .. } => true,
            StoreError::Backend { transient, .. } => *transient,
            StoreError::Open { source, .. } | StoreError::Sqlite(source) => matches!(
                source.sqlite_error_code(),
                Some(C::DatabaseBusy | C::DatabaseLocked | C::DiskFull | C::SystemIoFailure | C::CannotOpen | C::OutOfMemory)
            ),
            StoreError::NewerSchema { .. }
            | StoreError::Migration { .. }
            | StoreError::Corrupt { .. }
            | StoreError::BadPeriod { .. }
            | StoreError::BadDigest(_)
            | StoreError::Random(_) => false,
        }
    }

    /// Whether the database file itself is damaged.
    pub fn is_corrupt(&self) -> bool {
        match self {
            StoreError::Open { source, .. } | StoreError::Sqlite(source) | StoreError::Migration { source, .. } => {
                matches!(source.sqlite_error_code(), Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase))
            }
            StoreError::Corrupt { .. } => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn busy_and_full_are_transient_corrupt_is_not() {
        let busy = StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_BUSY),
            None,
        ));
        let full = StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_FULL),
            None,
        ));
        let corrupt = StoreError::Sqlite(rusqlite::Error::SqliteFailure(
            rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
            None,
        ));
        assert!(busy.is_transient() && full.is_transient());
        assert!(!corrupt.is_transient() && corrupt.is_corrupt());
    }
}
