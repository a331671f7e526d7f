//! Rate limits on the Sinch routes, when the server is asked for some (`--rate-limit sinch=…`). Sinch documents
//! 429 ("the user or path has too many outstanding requests", BEHAVIOURS.md §1.A item 6) but neither numbers,
//! headers nor a body for it, so a refused call gets a bare 429 with `Retry-After` in seconds (RFC 9110 §10.2.3).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::state::SinchState;

pub(crate) async fn limit(State(state): State<Arc<SinchState>>, request: Request, next: Next) -> Response {
    let Some(limiter) = &state.limiter else { return next.run(request).await };
    match limiter.admit() {
        Ok(admission) => {
            let response = next.run(request).await;
            drop(admission);
            response
        }
        Err(throttled) => {
            let mut response = StatusCode::TOO_MANY_REQUESTS.into_response();
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(throttled.retry_after_secs));
            response
        }
    }
}
