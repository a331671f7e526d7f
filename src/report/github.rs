//! GitHub Actions workflow commands: each failure becomes an `::error` annotation on the case file line of
//! the expectation that broke, so it shows in the pull request diff.

use std::io::{self, Write};

use crate::case::Location;
use crate::results::{Outcome, RunResult};
use crate::secrets::Masked;

/// Whether annotations are wanted: GitHub sets `GITHUB_ACTIONS=true` in every workflow step.
pub fn enabled() -> bool {
    std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true")
}

/// One `::error file=…,line=…,title=<case id>::<message>` line per failure and per step error of every failed
/// or errored case. Masked: annotations land in public logs.
pub fn write_annotations(run: &Masked<RunResult>, out: &mut dyn Write) -> io::Result<()> {
    for case in run.cases.iter().filter(|c| matches!(c.outcome, Outcome::Failed | Outcome::Errored | Outcome::Flaky)) {
        let title = case.id.to_string();
        for step in &case.steps {
            if let Some(error) = &step.error {
                let message = format!("step `{}` could not run: {error}", step.name);
                annotation(out, &step.location, &title, &message)?;
            }
            for failure in &step.failures {
                let mut message = format!("step `{}`: {}", step.name, failure.message);
                if let Some(expected) = &failure.expected {
                    message.push_str(&format!("\nexpected: {expected}"));
                }
                if let Some(actual) = &failure.actual {
                    message.push_str(&format!("\nactual:   {actual}"));
                }
                annotation(out, failure.location.as_ref().unwrap_or(&step.location), &title, &message)?;
            }
        }
    }
    Ok(())
}

fn annotation(out: &mut dyn Write, at: &Location, title: &str, message: &str) -> io::Result<()> {
    let file = at.file.to_string_lossy().replace('\\', "/");
    writeln!(
        out,
        "::error file={},line={},title={}::{}",
        escape_property(&file),
        at.line,
        escape_property(title),
        escape_data(message)
    )
}

/// The message part: `%`, CR and LF are encoded (as in `@actions/core`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A property value: as data, and `:` and `,` too, which would end the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_per_github_rules() {
        assert_eq!(escape_data("100% sure\r\nnext: a,b"), "100%25 sure%0D%0Anext: a,b");
        assert_eq!(escape_property("sinch::groups::a,b%"), "sinch%3A%3Agroups%3A%3Aa%2Cb%25");
    }
}
