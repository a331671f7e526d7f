//! One exchange with the target as a real service needs it: admitted by the rate budgets, sent, and sent
//! again after a throttled answer (once waited out) or a 401 that follows the expiry of the run's OAuth2
//! token (with a fresh one). Wraps `Transport::send`; what it waited is recorded in the step's result.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use super::case::{CaseContext, suite_vars};
use super::config::RunConfig;
use super::oauth::TokenSource;
use super::throttle::{MAX_THROTTLED_RESENDS, Throttle, asked_wait};
use super::transport::{RenderedRequest, Transport, TransportError};
use crate::case::vars::Generators;
use crate::check::Response;
use crate::project::Project;
use crate::results::StepResult;
use crate::secrets::Masker;

/// What a run keeps per target: the budgets and the OAuth2 token of each suite that uses one.
pub(crate) struct Access {
    pub(crate) throttle: Throttle,
    tokens: BTreeMap<String, TokenSource>,
}

impl Access {
    /// The suites' budgets hold against every target but the embedded reference server, which has no limits
    /// and is what `cargo run -- run` and `cargo test` exercise at full speed, unless the user turns them off
    /// (`--no-suite-limits`: their own implementation does not share the real service's limits); the command
    /// line's hold always.
    pub(crate) fn new(
        project: &Project,
        config: &RunConfig,
        transport: &Transport,
        masker: &Masker,
        generators: &Arc<Generators>,
    ) -> Self {
        let suite_budgets = project.suites.iter().map(|s| {
            let budget = if config.embedded_target || !config.suite_limits { Default::default() } else { s.rate_limit };
            (s.name.as_str(), budget)
        });
        let throttle = Throttle::new(config.rate_budget, suite_budgets);
        let tokens = project
            .suites
            .iter()
            .filter_map(|suite| {
                let oauth = suite.oauth2.as_ref()?;
                let vars = suite_vars(suite, &project.vars, &config.base_url, generators);
                let source = TokenSource::for_suite(
                    &suite.name,
                    oauth,
                    &vars,
                    &project.vars,
                    transport.client().clone(),
                    config.timeout,
                    masker.clone(),
                )?;
                Some((suite.name.clone(), source))
            })
            .collect();
        Access { throttle, tokens }
    }

    /// The OAuth2 token source of `suite`, when it uses one in this run.
    pub(crate) fn tokens(&self, suite: &str) -> Option<&TokenSource> {
        self.tokens.get(suite)
    }
}

/// Why an exchange gave no response to check.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ExchangeError {
    #[error(transparent)]
    Transport(TransportError),
    /// Waiting longer, or resending again, would pass the run's bounds.
    #[error("throttled: {0}")]
    Throttled(String),
    /// A fresh OAuth2 token was needed and could not be had.
    #[error("{0}")]
    Token(String),
}

/// Sends `request` within the budgets; a throttled answer the step did not expect is waited out and the same
/// request sent again; a 401 after the run's token expired is sent again once with a fresh token.
pub(crate) async fn send(
    ctx: &CaseContext<'_>,
    request: &RenderedRequest,
    result: &mut StepResult,
    last_attempt: bool,
) -> Result<Response, ExchangeError> {
    let suite = ctx.suite.name.as_str();
    let throttle = &ctx.access.throttle;
    let mut request = std::borrow::Cow::Borrowed(request);
    let mut resends = 0;
    let mut renewed_token = false;
    loop {
        let admission = throttle.admit(suite).await;
        result.budget_wait += admission.waited;
        // The request may have waited (a pause, the budget) past its token's expiry: send the current one.
        if let Some(tokens) = ctx.access.tokens(suite)
            && let Some(used) = carried_token(&request, tokens).await
            && let Ok(current) = tokens.current().await
            && current != used
        {
            request = std::borrow::Cow::Owned(with_token(request.into_owned(), &used, &current));
        }
        let response = ctx.transport.send(&request, result.phase, last_attempt).await;
        drop(admission);
        let response = response.map_err(ExchangeError::Transport)?;

        if let Some(wait) = asked_wait(&response, &request.expects, resends) {
            let waited = *ctx.throttle_waited.lock().unwrap_or_else(|e| e.into_inner());
            let max = ctx.config.max_throttle_wait;
            let problem = wait.problem.as_ref().map(|p| format!(", X-Rate-Limit-Problem: {p}")).unwrap_or_default();
            if waited + wait.wait > max {
                return Err(ExchangeError::Throttled(format!(
                    "{} asks to wait {} ({}{problem}); with the {} this case already waited that passes \
                     --max-throttle-wait {}",
                    response.status,
                    seconds(wait.wait),
                    wait.reason,
                    seconds(waited),
                    seconds(max)
                )));
            }
            if resends >= MAX_THROTTLED_RESENDS {
                return Err(ExchangeError::Throttled(format!(
                    "still {} ({}{problem}) after {resends} resends of the same request",
                    response.status, wait.reason
                )));
            }
            throttle.wait_as_told(suite, wait.wait).await;
            *ctx.throttle_waited.lock().unwrap_or_else(|e| e.into_inner()) += wait.wait;
            result.throttled.push(wait);
            resends += 1;
            continue;
        }

        if response.status == 401
            && !renewed_token
            && !request.expects.contains(&401)
            && let Some(tokens) = ctx.access.tokens(suite)
            && let Some(used) = carried_token(&request, tokens).await
            && let Some(fresh) = tokens.after_unauthorized(&used).await
        {
            let fresh = fresh.map_err(ExchangeError::Token)?;
            request = std::borrow::Cow::Owned(with_token(request.into_owned(), &used, &fresh));
            renewed_token = true;
            continue;
        }
        return Ok(response);
    }
}

/// A token of the run's OAuth2 source when `request` carries it in a header.
async fn carried_token(request: &RenderedRequest, tokens: &TokenSource) -> Option<String> {
    for (_, value) in &request.headers {
        if let Some(token) = value.split_whitespace().last()
            && tokens.issued(token).await
        {
            return Some(token.to_string());
        }
    }
    None
}

/// `request` with `fresh` in place of `used` in its headers.
fn with_token(mut request: RenderedRequest, used: &str, fresh: &str) -> RenderedRequest {
    for (_, value) in &mut request.headers {
        *value = value.replace(used, fresh);
    }
    request
}

fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}
