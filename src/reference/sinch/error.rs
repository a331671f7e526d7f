//! Every way a Sinch request can fail, and how each renders: `{"code","text"}` for 400 and 403, as the
//! `rest_http_errors` page documents, and a bare status for the rest.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::json;

#[derive(Debug, thiserror::Error)]
pub(crate) enum SinchError {
    /// Unparseable JSON, or JSON whose shape does not match the API (wrong type, not an object).
    #[error("{0}")]
    InvalidJson(String),
    /// A value of the right JSON type but the wrong format, e.g. a bad MSISDN or a non-integer query value.
    #[error("The format of parameter '{param}' is invalid; value '{value}' is not a valid {expected}.")]
    InvalidFormat { param: String, value: String, expected: &'static str },
    /// A constraint (length, count, required field, range) is broken.
    #[error("{0}")]
    Constraint(String),
    #[error("Group '{0}' is unknown or deleted")]
    UnknownGroup(String),
    #[error("A group with the name '{0}' already exists")]
    NameConflict(String),
    /// The generic 400 body `{"timestamp","status","error","path"}`, for a query value out of range.
    #[error("{message}")]
    GenericBadRequest { path: String, message: String },
    #[error("not found")]
    NotFound,
    #[error("Authentication token is invalid for this service plan")]
    Unauthorized,
    /// An access token issued by `POST /oauth2/token` whose hour (or `--token-lifetime`) is over.
    #[error("Authentication token is invalid for this service plan")]
    TokenExpired(DateTime<Utc>),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
}

impl SinchError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidJson(_) => "syntax_invalid_json",
            Self::InvalidFormat { .. } => "syntax_invalid_parameter_format",
            Self::Constraint(_) => "syntax_constraint_violation",
            Self::UnknownGroup(_) => "unknown_group",
            Self::NameConflict(_) => "conflict_group_name",
            Self::Unauthorized | Self::TokenExpired(_) => "unauthorized",
            Self::NotFound | Self::UnsupportedMediaType | Self::PayloadTooLarge | Self::GenericBadRequest { .. } => "",
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::InvalidJson(_) | Self::InvalidFormat { .. } | Self::Constraint(_) | Self::GenericBadRequest { .. } => {
                StatusCode::BAD_REQUEST
            }
            Self::UnknownGroup(_) | Self::NameConflict(_) => StatusCode::FORBIDDEN,
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::Unauthorized | Self::TokenExpired(_) => StatusCode::UNAUTHORIZED,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        }
    }
}

impl IntoResponse for SinchError {
    fn into_response(self) -> Response {
        let status = self.status();
        match self {
            // No body is documented for these; clients act on the status alone.
            Self::NotFound | Self::UnsupportedMediaType | Self::PayloadTooLarge => status.into_response(),
            Self::GenericBadRequest { path, .. } => {
                let now = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.3f+00:00").to_string();
                let body = json!({"timestamp": now, "status": 400, "error": "Bad Request", "path": path});
                (status, Json(body)).into_response()
            }
            // 401 has no documented body either, but the `{code,text}` shape with the documented sentence
            // helps whoever debugs a suite; the challenge header is what RFC 6750 asks for.
            Self::Unauthorized => {
                let mut response =
                    (status, Json(json!({"code": self.code(), "text": self.to_string()}))).into_response();
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
                response
            }
            // Sinch's SDKs refresh their OAuth2 token on a 401 whose `WWW-Authenticate` contains "expired"
            // (sinch-sdk-java `OAuthManager.BEARER_EXPIRED_KEYWORD`); RFC 6750 §3.1 names the error.
            Self::TokenExpired(at) => {
                let challenge = format!(
                    r#"Bearer error="invalid_token", error_description="Jwt expired at {}""#,
                    at.format("%Y-%m-%dT%H:%M:%SZ")
                );
                let mut response =
                    (status, Json(json!({"code": self.code(), "text": self.to_string()}))).into_response();
                if let Ok(challenge) = HeaderValue::from_str(&challenge) {
                    response.headers_mut().insert(header::WWW_AUTHENTICATE, challenge);
                }
                response
            }
            _ => (status, Json(json!({"code": self.code(), "text": self.to_string()}))).into_response(),
        }
    }
}
