//! OAuth2 bearer tokens for a run (RFC 6749 §4.4 client credentials, §6 refresh token): fetched once per
//! suite on first use and shared by every case, fetched again shortly before they expire and once after a 401
//! that follows expiry. Every token learned is registered with the run's masker before anyone sees it.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::case::OAuth2;
use crate::case::vars::{RenderError, Vars};
use crate::secrets::Masker;

/// Refresh this long before expiry at most; for short-lived tokens, a fifth of their lifetime.
const MAX_REFRESH_MARGIN: Duration = Duration::from_secs(60);
/// How much of a token endpoint's error answer a message quotes.
const EXCERPT_CHARS: usize = 300;

/// The token of one suite for one run.
pub(crate) struct TokenSource {
    suite: String,
    token_var: String,
    /// The rendered request, or why it cannot be made (a variable without a value).
    request: Result<TokenRequest, String>,
    state: tokio::sync::Mutex<State>,
    client: reqwest::Client,
    timeout: Duration,
    masker: Masker,
}

struct TokenRequest {
    url: String,
    client_id: String,
    client_secret: String,
    scope: Option<String>,
}

#[derive(Default)]
struct State {
    issued: Option<Issued>,
    /// The refresh token to use next (the refresh-token grant; rotated when the endpoint sends a new one).
    refresh_token: Option<String>,
    /// A fetch that failed: every later use reports it instead of asking the endpoint again.
    failure: Option<String>,
    /// Every access token issued in this run, to recognise an older one in a request sent before a refresh.
    history: Vec<String>,
}

struct Issued {
    token: String,
    /// When to fetch the next one (expiry less a margin); never when the endpoint gave no `expires_in`.
    refresh_at: Option<Instant>,
}

impl Issued {
    fn due(&self) -> bool {
        self.refresh_at.is_some_and(|t| Instant::now() >= t)
    }
}

fn form_encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

impl TokenSource {
    /// The token source of `suite` for this run, or `None` when the suite uses a static token: its token
    /// variable is given from outside (`given`), or its `client_id` renders to nothing.
    pub(crate) fn for_suite(
        suite: &str,
        oauth: &OAuth2,
        vars: &Vars,
        given: &BTreeMap<String, String>,
        client: reqwest::Client,
        timeout: Duration,
        masker: Masker,
    ) -> Option<Self> {
        if given.contains_key(&oauth.token_var) {
            return None;
        }
        let client_id = vars.render_text(&oauth.client_id).ok().filter(|id| !id.is_empty())?;
        let render = |what: &str, t: &crate::case::template::Template| {
            vars.render_text(t).map_err(|e: RenderError| format!("oauth2 {what}: {e}"))
        };
        let optional = |what: &str, t: &Option<crate::case::template::Template>| {
            t.as_ref().map(|t| render(what, t)).transpose().map(|v| v.filter(|s| !s.is_empty()))
        };
        let refresh_token = optional("refresh_token", &oauth.refresh_token);
        let request = (|| {
            Ok(TokenRequest {
                url: render("token_url", &oauth.token_url)?,
                client_id,
                client_secret: render("client_secret", &oauth.client_secret)?,
                scope: optional("scope", &oauth.scope)?,
            })
        })();
        let request = request.and_then(|r| refresh_token.as_ref().map(|_| r).map_err(Clone::clone));
        let state = State { refresh_token: refresh_token.ok().flatten(), ..State::default() };
        Some(TokenSource {
            suite: suite.to_string(),
            token_var: oauth.token_var.clone(),
            request,
            state: tokio::sync::Mutex::new(state),
            client,
            timeout,
            masker,
        })
    }

    /// The variable the token fills.
    pub(crate) fn token_var(&self) -> &str {
        &self.token_var
    }

    /// The token to send now: fetched on first use, fetched again once it is due.
    pub(crate) async fn current(&self) -> Result<String, String> {
        let mut state = self.state.lock().await;
        match &state.issued {
            Some(issued) if !issued.due() => Ok(issued.token.clone()),
            _ => self.fetch(&mut state).await,
        }
    }

    /// After a 401 to a request that carried `used`: the token to resend with, or `None` when the 401 stands
    /// (`used` is not this run's token, or it is current and not yet expired, so expiry did not cause it).
    pub(crate) async fn after_unauthorized(&self, used: &str) -> Option<Result<String, String>> {
        let mut state = self.state.lock().await;
        let issued = state.issued.as_ref()?;
        if issued.token != used && !issued.due() {
            // Another case fetched a new token meanwhile.
            return Some(Ok(issued.token.clone()));
        }
        // Expired by our clock, or the endpoint never said when it would: the 401 may be expiry.
        if issued.token != used || issued.due() || issued.refresh_at.is_none() {
            return Some(self.fetch(&mut state).await);
        }
        None
    }

    /// Whether `token` is one this source issued in this run.
    pub(crate) async fn issued(&self, token: &str) -> bool {
        self.state.lock().await.history.iter().any(|t| t == token)
    }

    async fn fetch(&self, state: &mut State) -> Result<String, String> {
        if let Some(failure) = &state.failure {
            return Err(failure.clone());
        }
        let result = self.request_token(state).await;
        match &result {
            Ok(_) => {}
            Err(e) => state.failure = Some(e.clone()),
        }
        result
    }

    async fn request_token(&self, state: &mut State) -> Result<String, String> {
        let request = self.request.as_ref().map_err(Clone::clone)?;
        let mut form = form_urlencoded::Serializer::new(String::new());
        match &state.refresh_token {
            Some(refresh) => form.append_pair("grant_type", "refresh_token").append_pair("refresh_token", refresh),
            None => form.append_pair("grant_type", "client_credentials"),
        };
        if let Some(scope) = &request.scope {
            form.append_pair("scope", scope);
        }
        let failed = |why: String| format!("oauth2 token for suite `{}` from {}: {why}", self.suite, request.url);
        let response = self
            .client
            .post(&request.url)
            .timeout(self.timeout)
            // RFC 6749 §2.3.1: both parts form-urlencoded before Basic encoding.
            .basic_auth(form_encoded(&request.client_id), Some(form_encoded(&request.client_secret)))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(form.finish())
            .send()
            .await
            .map_err(|e| failed(format!("no answer: {e}")))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| failed(format!("no answer: {e}")))?;
        if !status.is_success() {
            let excerpt: String = text.chars().take(EXCERPT_CHARS).collect();
            return Err(failed(format!("answered {status}: {excerpt}")));
        }
        let body: Value = serde_json::from_str(&text).map_err(|e| failed(format!("the answer is not JSON: {e}")))?;
        let token = body
            .get("access_token")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| failed("the answer has no `access_token`".into()))?
            .to_string();
        self.masker.learn(&token);
        if let Some(refresh) = body.get("refresh_token").and_then(Value::as_str) {
            // The refresh-token grant may rotate the refresh token (Xero does): the old one no longer works.
            self.masker.learn(refresh);
            if state.refresh_token.is_some() {
                state.refresh_token = Some(refresh.to_string());
            }
        }
        let lifetime = match body.get("expires_in") {
            Some(Value::Number(n)) => n.as_f64(),
            Some(Value::String(s)) => s.parse().ok(),
            _ => None,
        }
        .filter(|s| s.is_finite() && *s > 0.0)
        .map(Duration::from_secs_f64);
        let refresh_at = lifetime.map(|l| Instant::now() + l - (l / 5).min(MAX_REFRESH_MARGIN));
        state.history.push(token.clone());
        state.issued = Some(Issued { token: token.clone(), refresh_at });
        Ok(token)
    }
}
