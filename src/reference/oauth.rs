//! OAuth2 as the reference APIs' token endpoints need it: reading a token request (grant type, client
//! credentials from HTTP Basic or the form), and a `TokenStore` that issues access and refresh tokens with a
//! lifetime and tells a valid token from an expired or unknown one. Each API renders the answers its own way.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use base64::Engine;
use chrono::{DateTime, Utc};

/// Expired tokens are remembered this long after they expire, so a late caller still hears "expired" rather
/// than "unknown"; after that they are forgotten, so a long run does not grow the store without end.
const REMEMBER_EXPIRED_FOR: Duration = Duration::from_secs(3600);

/// What a token request asks for, read from its `application/x-www-form-urlencoded` body and headers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct TokenRequest {
    pub(crate) grant_type: Option<String>,
    /// From `Authorization: Basic` if present, else the `client_id` / `client_secret` form fields.
    pub(crate) client_id: Option<String>,
    pub(crate) client_secret: Option<String>,
    pub(crate) scope: Option<String>,
    pub(crate) refresh_token: Option<String>,
    /// Whether the client credentials came from `Authorization: Basic`.
    pub(crate) basic: bool,
}

/// Why a token request cannot even be read: RFC 6749 §5.2 `invalid_request`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum UnreadableRequest {
    #[error("the body must be application/x-www-form-urlencoded")]
    NotAForm,
    #[error("the Authorization header is not valid HTTP Basic")]
    BadBasic,
}

impl TokenRequest {
    /// Reads the form and the client credentials. RFC 6749 §2.3.1: HTTP Basic (both parts form-urlencoded
    /// first) or the `client_id`/`client_secret` fields; Basic wins when both are sent.
    pub(crate) fn read(headers: &HeaderMap, body: &[u8]) -> Result<Self, UnreadableRequest> {
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|essence| essence.trim().eq_ignore_ascii_case("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(UnreadableRequest::NotAForm);
        }
        let mut request = TokenRequest::default();
        for (key, value) in form_urlencoded::parse(body) {
            let slot = match key.as_ref() {
                "grant_type" => &mut request.grant_type,
                "client_id" => &mut request.client_id,
                "client_secret" => &mut request.client_secret,
                "scope" => &mut request.scope,
                "refresh_token" => &mut request.refresh_token,
                _ => continue,
            };
            slot.get_or_insert_with(|| value.into_owned());
        }
        if let Some((id, secret)) = basic_credentials(headers)? {
            request.client_id = Some(id);
            request.client_secret = Some(secret);
            request.basic = true;
        }
        Ok(request)
    }

    /// Whether the request authenticates as `id` with `secret`.
    pub(crate) fn is_client(&self, id: &str, secret: &str) -> bool {
        self.client_id.as_deref() == Some(id) && self.client_secret.as_deref() == Some(secret)
    }

    /// The requested scopes, split on spaces; empty when none was asked for.
    pub(crate) fn scopes(&self) -> Vec<&str> {
        self.scope.as_deref().unwrap_or_default().split_whitespace().collect()
    }
}

/// `Authorization: Basic base64(id:secret)`, if that header is there; a Basic header that does not decode is
/// an error, another scheme is ignored.
fn basic_credentials(headers: &HeaderMap) -> Result<Option<(String, String)>, UnreadableRequest> {
    let Some(value) = headers.get(header::AUTHORIZATION) else { return Ok(None) };
    let value = value.to_str().map_err(|_| UnreadableRequest::BadBasic)?.trim();
    let Some((scheme, encoded)) = value.split_once(' ') else { return Ok(None) };
    if !scheme.eq_ignore_ascii_case("basic") {
        return Ok(None);
    }
    let decoded =
        base64::engine::general_purpose::STANDARD.decode(encoded.trim()).map_err(|_| UnreadableRequest::BadBasic)?;
    let decoded = String::from_utf8(decoded).map_err(|_| UnreadableRequest::BadBasic)?;
    let (id, secret) = decoded.split_once(':').ok_or(UnreadableRequest::BadBasic)?;
    let unescape =
        |part: &str| form_urlencoded::parse(format!("x={part}").as_bytes()).map(|(_, v)| v.into_owned()).next();
    Ok(Some((unescape(id).unwrap_or_default(), unescape(secret).unwrap_or_default())))
}

/// An access token just issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Issued {
    pub(crate) access_token: String,
    /// Whole seconds the token lives, the `expires_in` of the answer.
    pub(crate) expires_in: u64,
}

/// What a bearer token presented to an API route is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum TokenState {
    /// Issued here and still valid, with the scope it was granted.
    Valid { scope: String },
    /// Issued here and expired at this moment.
    Expired { at: DateTime<Utc> },
    /// Never issued here (or expired long ago and forgotten).
    Unknown,
}

struct Grant {
    scope: String,
    expires: Instant,
    expires_utc: DateTime<Utc>,
}

/// The tokens one API has issued. Access tokens live `lifetime`; refresh tokens do not expire (Xero's live
/// 60 days, longer than any run) and stay usable after use, like Xero's within its grace period.
pub(crate) struct TokenStore {
    lifetime: Duration,
    prefix: &'static str,
    access: Mutex<HashMap<String, Grant>>,
    refresh: Mutex<HashMap<String, String>>,
}

impl TokenStore {
    /// `prefix` starts every token, so a person reading a log can tell whose it is.
    pub(crate) fn new(lifetime: Duration, prefix: &'static str) -> Self {
        Self { lifetime, prefix, access: Mutex::default(), refresh: Mutex::default() }
    }

    /// A new access token with `scope`, valid from now for the lifetime.
    pub(crate) fn issue(&self, scope: &str) -> Issued {
        let access_token = self.new_token("at");
        let now = Instant::now();
        let grant = Grant {
            scope: scope.to_string(),
            expires: now + self.lifetime,
            expires_utc: Utc::now() + chrono::Duration::from_std(self.lifetime).unwrap_or(chrono::Duration::MAX),
        };
        let mut access = self.access.lock().unwrap_or_else(|e| e.into_inner());
        access.retain(|_, grant| grant.expires + REMEMBER_EXPIRED_FOR > now);
        access.insert(access_token.clone(), grant);
        Issued { access_token, expires_in: self.lifetime.as_secs_f64().ceil() as u64 }
    }

    /// A new refresh token that [`Self::redeem`] turns into access tokens with `scope`.
    pub(crate) fn issue_refresh(&self, scope: &str) -> String {
        let token = self.new_token("rt");
        self.refresh.lock().unwrap_or_else(|e| e.into_inner()).insert(token.clone(), scope.to_string());
        token
    }

    /// Accepts `token` as a refresh token with `scope` from now on (one configured, obtained out of band).
    pub(crate) fn accept_refresh(&self, token: &str, scope: &str) {
        self.refresh.lock().unwrap_or_else(|e| e.into_inner()).insert(token.to_string(), scope.to_string());
    }

    /// The scope of refresh token `token`, if it is one.
    pub(crate) fn redeem(&self, token: &str) -> Option<String> {
        self.refresh.lock().unwrap_or_else(|e| e.into_inner()).get(token).cloned()
    }

    /// What `token` is.
    pub(crate) fn check(&self, token: &str) -> TokenState {
        let access = self.access.lock().unwrap_or_else(|e| e.into_inner());
        match access.get(token) {
            Some(grant) if Instant::now() < grant.expires => TokenState::Valid { scope: grant.scope.clone() },
            Some(grant) => TokenState::Expired { at: grant.expires_utc },
            None => TokenState::Unknown,
        }
    }

    fn new_token(&self, kind: &str) -> String {
        format!("{}-{kind}-{}{}", self.prefix, uuid::Uuid::new_v4().simple(), uuid::Uuid::new_v4().simple())
    }
}

/// A `--token-lifetime` value: `2s`, `500ms`, `30min`, `1h`. At least one second, since `expires_in` counts
/// whole seconds and a client refreshing by it must not be told a token lives longer than it does.
pub fn parse_token_lifetime(text: &str) -> Result<Duration, String> {
    let lifetime = crate::reference::rate_limit::parse_duration(text)?;
    if lifetime < Duration::from_secs(1) || lifetime.subsec_nanos() != 0 {
        return Err(format!("`{text}`: a token lifetime is a whole number of seconds, at least 1s"));
    }
    Ok(lifetime)
}

/// The bearer token of `Authorization: Bearer …`, if there is one.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn form_headers(basic: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        if let Some(basic) = basic {
            let encoded = base64::engine::general_purpose::STANDARD.encode(basic);
            headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&format!("Basic {encoded}")).unwrap());
        }
        headers
    }

    #[test]
    fn credentials_come_from_basic_or_the_form() {
        let form =
            TokenRequest::read(&form_headers(None), b"grant_type=client_credentials&client_id=a&client_secret=b%2Bc")
                .expect("reads");
        assert!(form.is_client("a", "b+c"));
        assert_eq!(form.grant_type.as_deref(), Some("client_credentials"));
        let basic = TokenRequest::read(&form_headers(Some("id%3Ax:s:e")), b"client_id=other").expect("reads");
        assert!(basic.is_client("id:x", "s:e") && basic.basic, "{basic:?}");
        assert!(!form.basic);
        let mut json = form_headers(None);
        json.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        assert_eq!(TokenRequest::read(&json, b"{}"), Err(UnreadableRequest::NotAForm));
        let mut broken = form_headers(None);
        broken.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic !!!"));
        assert_eq!(TokenRequest::read(&broken, b""), Err(UnreadableRequest::BadBasic));
    }

    #[test]
    fn tokens_are_valid_then_expired_and_unknown_ones_are_unknown() {
        let store = TokenStore::new(Duration::from_millis(50), "t");
        let issued = store.issue("read");
        assert_eq!(issued.expires_in, 1);
        assert_eq!(store.check(&issued.access_token), TokenState::Valid { scope: "read".into() });
        assert_eq!(store.check("t-at-nope"), TokenState::Unknown);
        std::thread::sleep(Duration::from_millis(80));
        assert!(matches!(store.check(&issued.access_token), TokenState::Expired { .. }));
        let refresh = store.issue_refresh("write");
        assert_eq!(store.redeem(&refresh).as_deref(), Some("write"));
        assert_eq!(store.redeem(&issued.access_token), None);
    }

    #[test]
    fn lifetimes_are_whole_seconds() {
        assert_eq!(parse_token_lifetime("2s"), Ok(Duration::from_secs(2)));
        assert_eq!(parse_token_lifetime("30min"), Ok(Duration::from_secs(1800)));
        assert!(parse_token_lifetime("500ms").is_err());
        assert!(parse_token_lifetime("0s").is_err());
    }
}
