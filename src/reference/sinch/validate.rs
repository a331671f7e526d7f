//! Turns request JSON into checked, normalised requests: field types, MSISDN formats, name and keyword
//! constraints and list limits. Nothing here looks at the store.

use serde_json::{Map, Value};

use super::config::SinchConfig;
use super::error::SinchError;
use super::faults::SinchFault;

/// Most MSISDNs (and child groups) a single list may hold.
const MAX_MSISDNS: usize = 10_000;
const MAX_CHILD_GROUPS: usize = 10;
const MAX_NAME_CHARS: usize = 20;
const MAX_KEYWORD_CHARS: usize = 15;

/// The MSISDN rule, documented because the seed only says "international format":
/// - spaces, dashes and round or square brackets anywhere are ignored (formats page);
/// - then one leading `+` or `00` is dropped (formats page: both prefixes, or none, are accepted);
/// - what remains must be 8 to 15 ASCII digits (E.164 caps numbers at 15 digits; 8 keeps the seed's
///   9-digit examples valid while rejecting fragments such as `+1`) and must not start with 0, since a
///   country code never does.
///
/// Returns the number as the API returns it: digits only, no prefix.
pub(crate) fn normalize_msisdn(raw: &str) -> Option<String> {
    let digits = strip_prefix(&strip_separators(raw))?;
    let valid =
        (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) && !digits.starts_with('0');
    valid.then_some(digits)
}

/// A short code: 3 to 8 digits, no prefix. Only `auto_update.to` accepts one.
fn is_short_code(raw: &str) -> bool {
    let digits = strip_separators(raw);
    (3..=8).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
}

fn strip_separators(raw: &str) -> String {
    raw.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')' | '[' | ']')).collect()
}

fn strip_prefix(s: &str) -> Option<String> {
    let rest = s.strip_prefix('+').or_else(|| s.strip_prefix("00")).unwrap_or(s);
    (!rest.is_empty()).then(|| rest.to_string())
}

/// `^\w+$` of the spec, with Rust's Unicode notion of a word character.
fn is_one_word(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

/// A keyword pair as sent in MO messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Keywords {
    pub(crate) first_word: String,
    pub(crate) second_word: Option<String>,
}

/// `auto_update`, with `to` normalised like any MSISDN (short codes kept as digits).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AutoUpdate {
    pub(crate) to: String,
    pub(crate) add: Option<Keywords>,
    pub(crate) remove: Option<Keywords>,
}

/// How an update treats a field: absent (or `null`, except for `name`) keeps, `name: null` clears, a value sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Change<T> {
    Keep,
    Clear,
    Set(T),
}

/// The body of create (POST /groups) and replace (PUT /groups/{id}): same fields, but replace needs `members`.
#[derive(Debug, Clone, Default)]
pub(crate) struct GroupFields {
    pub(crate) name: Option<String>,
    /// Normalised; may hold duplicates, which the store ignores.
    pub(crate) members: Vec<String>,
    /// Unique, in the order given.
    pub(crate) child_groups: Vec<String>,
    pub(crate) auto_update: Option<AutoUpdate>,
}

/// The body of update (POST /groups/{id}).
#[derive(Debug, Clone)]
pub(crate) struct UpdateFields {
    pub(crate) add: Vec<String>,
    pub(crate) remove: Vec<String>,
    pub(crate) name: Change<String>,
    pub(crate) add_from_group: Option<String>,
    pub(crate) remove_from_group: Option<String>,
    pub(crate) auto_update: Change<AutoUpdate>,
}

/// Reads JSON fields with the server's configuration at hand, since several faults loosen a check.
pub(crate) struct Validator<'a> {
    pub(crate) config: &'a SinchConfig,
}

fn mismatch(field: &str, expected: &str) -> SinchError {
    SinchError::InvalidJson(format!("JSON that does not match the API: '{field}' must be {expected}"))
}

/// The body as a JSON object, or `syntax_invalid_json`.
pub(crate) fn parse_object(bytes: &[u8]) -> Result<Map<String, Value>, SinchError> {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(SinchError::InvalidJson("JSON that does not match the API: the body must be an object".into())),
        Err(e) => Err(SinchError::InvalidJson(format!("The JSON in the request is invalid: {e}"))),
    }
}

/// A present, non-null field. Requests may send `null` for "not given" (formats page).
fn field<'v>(map: &'v Map<String, Value>, key: &str) -> Option<&'v Value> {
    map.get(key).filter(|v| !v.is_null())
}

fn string_field(map: &Map<String, Value>, key: &str, path: &str) -> Result<Option<String>, SinchError> {
    match field(map, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(mismatch(path, "a string")),
    }
}

fn string_array<'v>(value: &'v Value, path: &str) -> Result<Vec<&'v str>, SinchError> {
    let Value::Array(items) = value else { return Err(mismatch(path, "an array of strings")) };
    items
        .iter()
        .enumerate()
        .map(|(i, item)| item.as_str().ok_or_else(|| mismatch(&format!("{path}[{i}]"), "a string")))
        .collect()
}

impl Validator<'_> {
    /// Under the `NullFieldsRejected` fault, the first field (other than update's `name`) sent as `null`.
    fn reject_nulls(&self, map: &Map<String, Value>, null_name_allowed: bool) -> Result<(), SinchError> {
        if !self.config.has(SinchFault::NullFieldsRejected) {
            return Ok(());
        }
        match map.iter().find(|(k, v)| v.is_null() && !(null_name_allowed && k.as_str() == "name")) {
            Some((key, _)) => Err(mismatch(key, "a value, not null")),
            None => Ok(()),
        }
    }

    pub(crate) fn create(&self, map: &Map<String, Value>) -> Result<GroupFields, SinchError> {
        self.reject_nulls(map, false)?;
        Ok(GroupFields {
            name: self.name(string_field(map, "name", "name")?)?,
            members: self.msisdn_list(map, "members")?,
            child_groups: self.child_groups(map)?,
            auto_update: match field(map, "auto_update") {
                None => None,
                Some(v) => Some(self.auto_update(v)?),
            },
        })
    }

    pub(crate) fn replace(&self, map: &Map<String, Value>) -> Result<GroupFields, SinchError> {
        if field(map, "members").is_none() && !self.config.has(SinchFault::ReplaceMembersOptional) {
            return Err(SinchError::Constraint("The parameter 'members' is required".into()));
        }
        self.create(map)
    }

    pub(crate) fn update(&self, map: &Map<String, Value>) -> Result<UpdateFields, SinchError> {
        self.reject_nulls(map, true)?;
        let name = match map.get("name") {
            None => Change::Keep,
            Some(Value::Null) => Change::Clear,
            Some(Value::String(s)) => match self.name(Some(s.clone()))? {
                Some(name) => Change::Set(name),
                None => Change::Keep,
            },
            Some(_) => return Err(mismatch("name", "a string or null")),
        };
        // Null means absent for every field but `name` (formats page; BEHAVIOURS.md §1.F item 30 is the one
        // exception): the official Python SDK sends `"auto_update": null` for every update that leaves it out.
        let auto_update = match field(map, "auto_update") {
            None if self.config.has(SinchFault::NullAutoUpdateClears) && map.contains_key("auto_update") => {
                Change::Clear
            }
            None => Change::Keep,
            Some(v) => Change::Set(self.auto_update(v)?),
        };
        Ok(UpdateFields {
            add: self.msisdn_list(map, "add")?,
            remove: self.msisdn_list(map, "remove")?,
            name,
            add_from_group: string_field(map, "add_from_group", "add_from_group")?,
            remove_from_group: string_field(map, "remove_from_group", "remove_from_group")?,
            auto_update,
        })
    }

    fn name(&self, name: Option<String>) -> Result<Option<String>, SinchError> {
        let Some(name) = name else { return Ok(None) };
        let chars = name.chars().count();
        let too_long = chars > MAX_NAME_CHARS && !self.config.has(SinchFault::NameLengthUnchecked);
        if chars == 0 || too_long {
            // alt-choices: the other code the documents allow. BEHAVIOURS.md §1.B item 15: a name over 20
            // characters is a 400 whose code is only "presumably syntax_constraint_violation"; no source shows
            // it, and a too-long name is also a badly formatted value (syntax_invalid_parameter_format, §1.A item 5).
            if self.config.is(crate::reference::Variant::AltChoices) {
                return Err(SinchError::InvalidFormat {
                    param: "name".into(),
                    value: name,
                    expected: "group name of 1 to 20 characters",
                });
            }
            return Err(SinchError::Constraint(format!(
                "The parameter 'name' must be between 1 and {MAX_NAME_CHARS} characters long, was {chars}"
            )));
        }
        Ok(Some(name))
    }

    fn msisdn_list(&self, map: &Map<String, Value>, key: &str) -> Result<Vec<String>, SinchError> {
        let Some(value) = field(map, key) else { return Ok(Vec::new()) };
        let items = string_array(value, key)?;
        if items.len() > MAX_MSISDNS && !self.config.has(SinchFault::MembersLimitUnchecked) {
            return Err(SinchError::Constraint(format!(
                "The parameter '{key}' may hold at most {MAX_MSISDNS} elements, had {}",
                items.len()
            )));
        }
        items.iter().enumerate().map(|(i, raw)| self.msisdn(raw, &format!("{key}[{i}]"))).collect()
    }

    fn msisdn(&self, raw: &str, param: &str) -> Result<String, SinchError> {
        let Some(digits) = normalize_msisdn(raw) else {
            if self.config.has(SinchFault::InvalidMsisdnWrongCode) {
                return Err(SinchError::Constraint(format!("The parameter '{param}' is not a valid MSISDN")));
            }
            return Err(SinchError::InvalidFormat {
                param: param.into(),
                value: raw.into(),
                expected: "MSISDN or group ID",
            });
        };
        if self.config.has(SinchFault::PlusKept) && raw.trim_start().starts_with('+') {
            return Ok(format!("+{digits}"));
        }
        Ok(digits)
    }

    fn child_groups(&self, map: &Map<String, Value>) -> Result<Vec<String>, SinchError> {
        let Some(value) = field(map, "child_groups") else { return Ok(Vec::new()) };
        let items = string_array(value, "child_groups")?;
        if items.len() > MAX_CHILD_GROUPS {
            return Err(SinchError::Constraint(format!(
                "The parameter 'child_groups' may hold at most {MAX_CHILD_GROUPS} elements, had {}",
                items.len()
            )));
        }
        let mut unique: Vec<String> = Vec::with_capacity(items.len());
        for id in items {
            if !unique.iter().any(|u| u == id) {
                unique.push(id.to_string());
            }
        }
        Ok(unique)
    }

    fn auto_update(&self, value: &Value) -> Result<AutoUpdate, SinchError> {
        let Value::Object(map) = value else { return Err(mismatch("auto_update", "an object")) };
        let Some(raw_to) = string_field(map, "to", "auto_update.to")? else {
            return Err(SinchError::Constraint("The parameter 'auto_update.to' is required".into()));
        };
        let to = match normalize_msisdn(&raw_to) {
            Some(digits) => digits,
            None if is_short_code(&raw_to) => strip_separators(&raw_to),
            None => {
                return Err(SinchError::InvalidFormat {
                    param: "auto_update.to".into(),
                    value: raw_to,
                    expected: "MSISDN or short code",
                });
            }
        };
        Ok(AutoUpdate { to, add: keywords(map, "add")?, remove: keywords(map, "remove")? })
    }
}

fn keywords(map: &Map<String, Value>, key: &str) -> Result<Option<Keywords>, SinchError> {
    let Some(value) = field(map, key) else { return Ok(None) };
    let path = format!("auto_update.{key}");
    let Value::Object(words) = value else { return Err(mismatch(&path, "an object")) };
    let first = format!("{path}.first_word");
    let second = format!("{path}.second_word");
    let Some(first_word) = string_field(words, "first_word", &first)? else {
        return Err(SinchError::Constraint(format!("The parameter '{first}' is required")));
    };
    let second_word = string_field(words, "second_word", &second)?;
    keyword(&first_word, &first)?;
    if let Some(w) = &second_word {
        keyword(w, &second)?;
    }
    Ok(Some(Keywords { first_word, second_word }))
}

fn keyword(word: &str, param: &str) -> Result<(), SinchError> {
    if is_one_word(word) && word.chars().count() <= MAX_KEYWORD_CHARS {
        return Ok(());
    }
    Err(SinchError::Constraint(format!(
        "The parameter '{param}' must be one word of at most {MAX_KEYWORD_CHARS} characters, was '{word}'"
    )))
}

#[cfg(test)]
mod tests {
    use super::normalize_msisdn;

    #[test]
    fn msisdn_prefixes_and_separators_are_dropped() {
        assert_eq!(normalize_msisdn("+1 (201) 888-1111").as_deref(), Some("12018881111"));
        assert_eq!(normalize_msisdn("0046701234567").as_deref(), Some("46701234567"));
        assert_eq!(normalize_msisdn("123456789").as_deref(), Some("123456789"));
    }

    #[test]
    fn msisdn_fragments_and_letters_are_rejected() {
        for bad in ["+1", "", "+", "0123456789", "1234567", "1234567890123456", "12345abc9", "+0046701234567"] {
            assert_eq!(normalize_msisdn(bad), None, "{bad}");
        }
    }
}
