//! Rendering a step's request: templates filled from the case's variables, suite headers applied, the query
//! built. No I/O.

use serde_json::Value;

use super::case::CaseContext;
use super::step::Abort;
use super::transport::RenderedRequest;
use crate::case::vars::{Vars, to_text};
use crate::case::{RequestBody, Step};

/// The request of `step`; `page` (parameter, number) replaces that query parameter on a paginated walk.
pub(super) fn render(
    ctx: &CaseContext<'_>,
    step: &Step,
    vars: &Vars,
    page: Option<(&str, i64)>,
) -> Result<RenderedRequest, Abort> {
    let req = &step.request;
    let base_url = &ctx.config.base_url;
    let path = vars.render_text(&req.path)?;
    let mut url = reqwest::Url::parse(&format!("{}{}", base_url.trim_end_matches('/'), path))
        .map_err(|e| Abort::Invalid(format!("invalid URL from base `{base_url}` and path `{path}`: {e}")))?;
    {
        let mut pairs = url.query_pairs_mut();
        for (name, value) in &req.query {
            if page.is_some_and(|(p, _)| p == name) {
                continue;
            }
            match vars.render_value(value)? {
                Value::Array(items) => items.iter().for_each(|v| {
                    pairs.append_pair(name, &to_text(v));
                }),
                Value::Null => {}
                v => {
                    pairs.append_pair(name, &to_text(&v));
                }
            }
        }
        if let Some((param, number)) = page {
            pairs.append_pair(param, &number.to_string());
        }
    }
    if url.query() == Some("") {
        url.set_query(None);
    }
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut set = |name: &str, value: Option<String>| {
        headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        if let Some(v) = value {
            headers.push((name.to_string(), v));
        }
    };
    for (name, t) in &ctx.suite.headers {
        set(name, Some(vars.render_text(t)?));
    }
    for (name, t) in &req.headers {
        let value = t.as_ref().map(|t| vars.render_text(t)).transpose()?;
        set(name, value);
    }
    let has_content_type = headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type"));
    let body = match &req.body {
        None => None,
        Some(RequestBody::Json(v)) => {
            let value = vars.render_value(v)?;
            if !has_content_type {
                headers.push(("content-type".into(), "application/json".into()));
            }
            Some(serde_json::to_vec(&value).expect("JSON values serialise"))
        }
        Some(RequestBody::Raw(t)) => Some(vars.render_text(t)?.into_bytes()),
    };
    let should = step.expect.should.iter().flat_map(|s| &s.status);
    let expects = step.expect.status.iter().chain(should).copied().collect();
    Ok(RenderedRequest { method: req.method.clone(), url, headers, body, expects })
}
