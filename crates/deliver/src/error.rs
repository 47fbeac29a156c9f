/// Why the deliverer could not go on (a failed delivery is not an error: it is recorded).
#[derive(Debug, thiserror::Error)]
pub enum DeliverError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] polmon_store::StoreError),
    /// The HTTP client could not be built.
    #[error("webhook client: {0}")]
    Client(String),
    /// The SMTP URL or sender address is not usable.
    #[error("SMTP configuration: {0}")]
    Smtp(String),
    /// A blocking task panicked or was cancelled.
    #[error("deliverer task: {0}")]
    Task(String),
}
