use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Why a request failed; each variant maps to one status code.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// 404: no such article, story, entity, category or page.
    #[error("{0}")]
    NotFound(String),
    /// 400: a query parameter is malformed.
    #[error("{0}")]
    BadRequest(String),
    /// 500: the store or index failed (logged; the reader sees a generic message).
    #[error("internal error: {0}")]
    Internal(String),
    /// 503: the database file is damaged; nothing is served from it.
    #[error("{0}")]
    Damaged(String),
    /// 401: the request needs a token it did not give (or gave a wrong one).
    #[error("{0}")]
    Unauthorized(String),
    /// 403: what was asked is switched off on this site.
    #[error("{0}")]
    Forbidden(String),
}

impl From<polmon_store::StoreError> for WebError {
    fn from(e: polmon_store::StoreError) -> Self {
        if e.is_corrupt() {
            tracing::error!(target: "polmon::web", error = %e, "the database is damaged");
            return WebError::Damaged(
                "The database of this site is damaged and cannot be read. The operator must stop polmon \
                 and restore the data folder from a backup (or recover it with sqlite3's .recover)."
                    .into(),
            );
        }
        WebError::Internal(e.to_string())
    }
}

impl From<polmon_index::IndexError> for WebError {
    fn from(e: polmon_index::IndexError) -> Self {
        WebError::Internal(e.to_string())
    }
}

impl WebError {
    pub(crate) fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound(_) => StatusCode::NOT_FOUND,
            WebError::BadRequest(_) => StatusCode::BAD_REQUEST,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            WebError::Damaged(_) => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            WebError::Forbidden(_) => StatusCode::FORBIDDEN,
        }
    }

    /// The message a reader may see (internal causes are logged, not shown).
    pub(crate) fn public_message(&self) -> String {
        match self {
            WebError::Internal(cause) => {
                tracing::error!(target: "polmon::web", %cause, "request failed");
                "Something went wrong on our side; the error was logged.".into()
            }
            other => other.to_string(),
        }
    }
}

/// An HTML page for the error.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let page = crate::pages::error_page(status, &self.public_message());
        (status, Html(page)).into_response()
    }
}

/// The same error as JSON, for `/api`.
#[derive(Debug)]
pub(crate) struct ApiError(pub(crate) WebError);

impl From<WebError> for ApiError {
    fn from(e: WebError) -> Self {
        ApiError(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        let body = serde_json::json!({ "error": self.0.public_message(), "status": status.as_u16() });
        (status, axum::Json(body)).into_response()
    }
}
