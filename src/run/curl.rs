//! The `curl` command that sends a step's request again, for the reports of failed and errored steps. The
//! words are built here from the rendered request; the masker turns them into a command line in which every
//! secret is a `"${CONFORM_VAR_…}"` reference, never its value.

use super::transport::RenderedRequest;
use crate::secrets::Masker;

/// `curl -sS -i -g -X POST 'http://…' -H 'name: value' … --data-raw '…'`, secrets as environment references.
pub(super) fn command(request: &RenderedRequest, masker: &Masker) -> String {
    masker.shell_command(&words(request))
}

fn words(request: &RenderedRequest) -> Vec<String> {
    // -sS: no progress meter, but errors; -i: the response headers too; -g: `[]{}` in URLs are not globs.
    let mut words: Vec<String> = ["curl", "-sS", "-i", "-g"].map(String::from).to_vec();
    let method = request.method.as_str();
    if method == "HEAD" {
        // `-X HEAD` would wait for a body that never comes.
        words.push("-I".into());
    } else if method != "GET" || request.body.is_some() {
        words.extend(["-X".to_string(), method.to_string()]);
    }
    words.push(request.url.to_string());
    for (name, value) in &request.headers {
        words.push("-H".into());
        // `Name;` is how curl sends a header with an empty value (`Name:` would remove it).
        words.push(if value.is_empty() { format!("{name};") } else { format!("{name}: {value}") });
    }
    if let Some(body) = &request.body {
        if !request.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
            // curl would add `application/x-www-form-urlencoded`; conform sent none.
            words.extend(["-H".to_string(), "Content-Type:".to_string()]);
        }
        words.push("--data-raw".into());
        words.push(String::from_utf8_lossy(body).into_owned());
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(method: &str, body: Option<&str>, headers: &[(&str, &str)]) -> RenderedRequest {
        RenderedRequest {
            method: method.parse().unwrap(),
            url: "http://127.0.0.1:9/x?q=a%20b".parse().unwrap(),
            headers: headers.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect(),
            body: body.map(|b| b.as_bytes().to_vec()),
            expects: vec![],
        }
    }

    #[test]
    fn methods_bodies_and_headers() {
        let masker = Masker::named([("api_token".to_string(), "t0ken".to_string())]);
        let get = command(&request("GET", None, &[("Authorization", "Bearer t0ken")]), &masker);
        assert_eq!(
            get,
            r#"curl -sS -i -g 'http://127.0.0.1:9/x?q=a%20b' -H 'Authorization: Bearer '"${CONFORM_VAR_API_TOKEN}""#
        );
        let post = command(&request("POST", Some(r#"{"a":"it's"}"#), &[("content-type", "application/json")]), &masker);
        assert_eq!(
            post,
            r#"curl -sS -i -g -X POST 'http://127.0.0.1:9/x?q=a%20b' -H 'content-type: application/json' --data-raw '{"a":"it'\''s"}'"#
        );
        let raw = command(&request("PUT", Some("x"), &[("X-Empty", "")]), &masker);
        assert!(raw.ends_with("-H 'X-Empty;' -H Content-Type: --data-raw x"), "{raw}");
        assert!(command(&request("HEAD", None, &[]), &masker).contains(" -I 'http"));
    }
}
