//! Paginated steps: walk the pages from the first, collecting items, and check them together.

use std::time::Duration;

use serde_json::Value;

use super::case::CaseContext;
use super::request::render;
use super::step::{Abort, capture, send_with_retries};
use super::transport::RenderedRequest;
use crate::case::vars::Vars;
use crate::case::{Level, Paginate, Step};
use crate::check;
use crate::check::snapshot;
use crate::results::{Failure, StepResult};

/// How a walk over pages ended.
enum Walk {
    Done,
    /// The `stable` value moved between pages.
    Changed,
}

pub(super) async fn paginated(
    ctx: &CaseContext<'_>,
    step: &Step,
    paginate: &Paginate,
    vars: &mut Vars,
    result: &mut StepResult,
    sent: &mut Option<RenderedRequest>,
) -> Result<(), Abort> {
    // One array for the whole walk, so `until` can look at it after every page without copying it.
    let mut collected = Value::Array(Vec::new());
    let walks = if paginate.stable.is_some() { paginate.restarts + 1 } else { 1 };
    for walk_number in 1..=walks {
        match walk(ctx, step, paginate, vars, result, &mut collected, sent).await? {
            Walk::Done => break,
            Walk::Changed if walk_number == walks => {
                let pointer = paginate.stable.as_deref().unwrap_or_default();
                result.failures.push(Failure::list_kept_changing(walks, pointer, &step.location));
                return Ok(());
            }
            Walk::Changed => {
                collected = Value::Array(Vec::new());
                // Give the writers a moment: restarting at once mostly lands in the same burst of changes.
                let pause = Duration::from_millis(100 * u64::from(walk_number)).min(Duration::from_secs(1));
                tokio::time::sleep(pause).await;
            }
        }
    }
    result.failures.extend(check::items(&step.expect, &collected, result.pages, &step.location, vars)?);
    if ctx.record_responses {
        result.response = Some(snapshot::paginated_document(result.status, &paginate.items, collected));
    }
    Ok(())
}

/// One walk over the pages from the first. Stops at an empty page, `max_pages`, a failed page, `until`, or
/// when the `stable` value moves (the list changed under the walk, which offset paging cannot survive).
async fn walk(
    ctx: &CaseContext<'_>,
    step: &Step,
    paginate: &Paginate,
    vars: &mut Vars,
    result: &mut StepResult,
    collected: &mut Value,
    sent: &mut Option<RenderedRequest>,
) -> Result<Walk, Abort> {
    let mut stable_value: Option<Option<Value>> = None;
    for page in (paginate.start..).take(paginate.max_pages as usize) {
        vars.set(paginate.param.clone(), Value::from(page));
        let request = sent.insert(render(ctx, step, vars, Some((&paginate.param, page)))?);
        result.request = Some(request.line());
        let response = send_with_retries(ctx, request, result).await?;
        result.pages += 1;
        result.status = Some(response.status);
        if result.pages == 1 {
            capture(step, &response, vars, result);
        }
        let failures = check::expect(&step.expect, &step.location, &response, vars, ctx.schemas)?;
        // A broken contract ends the walk; a `should` difference is recorded and the walk goes on.
        let broken = failures.iter().any(|f| f.level == Level::Must);
        result.failures.extend(failures.into_iter().map(|f| f.on_page(page)));
        if broken {
            return Ok(Walk::Done);
        }
        let body = response.value();
        if let Some(pointer) = &paginate.stable {
            let value = body.and_then(|b| b.pointer(pointer)).cloned();
            match &stable_value {
                None => stable_value = Some(value),
                Some(first) if *first != value => return Ok(Walk::Changed),
                Some(_) => {}
            }
        }
        match body.and_then(|b| b.pointer(&paginate.items)) {
            Some(Value::Array(items)) if items.is_empty() => return Ok(Walk::Done),
            Some(Value::Array(items)) => {
                if let Value::Array(all) = collected {
                    all.extend(items.iter().cloned());
                }
                if let Some(until) = &paginate.until
                    && check::until_met(until, collected, vars)?
                {
                    return Ok(Walk::Done);
                }
            }
            other => {
                result.failures.push(Failure::no_items_array(page, &paginate.items, other, &step.location));
                return Ok(Walk::Done);
            }
        }
    }
    Ok(Walk::Done)
}
