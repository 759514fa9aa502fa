//! Form bodies for pages: a bad body becomes an error page, not axum's plain text.

use super::page::PageError;
use axum::Form;
use axum::extract::{FromRequest, Request};
use serde::de::DeserializeOwned;

/// A URL-encoded form.
pub struct WebForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for WebForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, PageError> {
        match Form::<T>::from_request(req, state).await {
            Ok(Form(value)) => Ok(WebForm(value)),
            Err(rejection) => Err(PageError::Status(
                rejection.status(),
                format!("The form could not be read: {}", rejection.body_text()),
            )),
        }
    }
}

/// The token every form posts back; see `Viewer::check_csrf`.
#[derive(Debug, serde::Deserialize)]
pub struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    pub csrf: String,
}

/// Path parameters; one that does not parse (`/tasks/abc`) is simply not found.
pub struct WebPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> axum::extract::FromRequestParts<S> for WebPath<T> {
    type Rejection = PageError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, PageError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(WebPath(value)),
            Err(_) => Err(PageError::not_found()),
        }
    }
}
