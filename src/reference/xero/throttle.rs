//! Xero's rate limits, when the server enforces them (`--rate-limit xero`): behind the auth gate, since the
//! limits are per tenant. Every answer carries the calls left (`X-MinLimit-Remaining`, `X-DayLimit-Remaining`,
//! as live responses do, BEHAVIOURS.md §2.A item 5); a call over a limit gets 429 with `Retry-After` (seconds)
//! and `X-Rate-Limit-Problem` (`minute`, `day` or `concurrent`), §2.B item 15, and no body (none is documented).

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::XeroState;
use crate::reference::rate_limit::Remaining;

pub(crate) async fn limit(State(app): State<XeroState>, request: Request, next: Next) -> Response {
    let Some(limiter) = &app.limiter else { return next.run(request).await };
    match limiter.admit() {
        Ok(admission) => {
            let mut response = next.run(request).await;
            add_remaining(response.headers_mut(), admission.remaining);
            drop(admission);
            response
        }
        Err(throttled) => {
            let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
            let headers = response.headers_mut();
            headers.insert(header::RETRY_AFTER, HeaderValue::from(throttled.retry_after_secs));
            headers.insert("x-rate-limit-problem", HeaderValue::from_static(throttled.problem.as_str()));
            add_remaining(headers, throttled.remaining);
            response
        }
    }
}

fn add_remaining(headers: &mut HeaderMap, remaining: Remaining) {
    if let Some(left) = remaining.minute {
        headers.insert("x-minlimit-remaining", HeaderValue::from(left));
    }
    if let Some(left) = remaining.day {
        headers.insert("x-daylimit-remaining", HeaderValue::from(left));
    }
}
