//! Reading the raw structs out of a YAML tree that serde_yaml has already parsed, so that one file yields every
//! format error it holds, each at its own node: a serde `Deserializer` that knows the path of the node it
//! reads (`cases[1].steps[0].expect`) and can leave out nodes already found broken, and [`read_all`], which
//! reads again after each error with the broken node left out.
//!
//! Why not serde_yaml's own deserialiser: it stops at the first error of a file, and it cannot resume — an
//! error inside a derived struct leaves its event stream in the middle of a value. A tree can be read again
//! cheaply, and a left-out node is simply not there for the next reading.
//!
//! Scalars keep the meaning serde_yaml's text deserialiser gives them: a null, boolean or number where a string
//! is expected is read as the text it was written as (the position index keeps it), and a null where a list or
//! mapping is expected is an empty one.

use std::collections::{HashMap, HashSet};
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, Unexpected, Visitor};
use serde_yaml::{Mapping, Value};

use super::diagnostic::suggest;
use super::position::PositionIndex;

/// Nodes left out of a reading, by their address in the tree, which does not change while it is read. (The
/// tree holds aliases expanded, so every node has an address of its own.)
pub(super) type Skipped = HashSet<usize>;

pub(super) fn address(value: &Value) -> usize {
    value as *const Value as usize
}

/// A format error: what serde says, where in the tree it is, and what [`read_all`] needs to go on.
#[derive(Debug)]
pub(crate) struct FormatError {
    message: String,
    kind: Kind,
    /// Filled by the innermost node the error passes through. (Boxed: errors pass through every level.)
    located: Option<Box<Located>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    UnknownField(String),
    MissingField(String),
    Other,
}

#[derive(Debug)]
struct Located {
    /// The path of the node the error is about; for an unknown key, the mapping that holds it.
    path: String,
    /// The unknown key, for an error about a key rather than a value.
    key: Option<String>,
    /// The node to leave out of the next reading: the value (for an unknown key, the value under it).
    node: usize,
    /// The mapping that holds the node, for a key error.
    mapping: Option<usize>,
    /// A missing field whose value was left out of this reading because of an error already reported.
    follows_from_skip: bool,
}

impl FormatError {
    /// The path of the node the error is about (`cases[0].steps[0]`), empty for the document itself.
    pub(super) fn path(&self) -> &str {
        self.located.as_ref().map_or("", |l| l.path.as_str())
    }

    /// The unknown key the error is about, if it is about a key.
    pub(super) fn key(&self) -> Option<&str> {
        self.located.as_ref().and_then(|l| l.key.as_deref())
    }
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.path() {
            "" => f.write_str(&self.message),
            path => write!(f, "{path}: {}", self.message),
        }
    }
}

impl std::error::Error for FormatError {}

impl de::Error for FormatError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        FormatError { message: message.to_string(), kind: Kind::Other, located: None }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        let message = de::value::Error::unknown_field(field, expected).to_string();
        FormatError { message, kind: Kind::UnknownField(field.to_string()), located: None }
    }

    fn missing_field(field: &'static str) -> Self {
        let message = de::value::Error::missing_field(field).to_string();
        FormatError { message, kind: Kind::MissingField(field.to_string()), located: None }
    }
}

impl From<serde_yaml::Error> for FormatError {
    fn from(e: serde_yaml::Error) -> Self {
        de::Error::custom(e)
    }
}

/// Every format error of one reading unit, and whether more were left unlisted.
#[derive(Debug)]
pub(super) struct FormatErrors {
    pub(super) errors: Vec<FormatError>,
    /// The unit was not read to its end: it had more errors than the budget allowed.
    pub(super) stopped: bool,
}

/// Reads a `T` from `root` (whose path is `path`), leaving out the nodes in `skipped`. After each format error
/// the broken node is left out and `root` is read again, until it reads or the error is about `root` itself,
/// so every error is found, each once. At most `budget` errors are collected (the budget is spent by each one);
/// each reading costs at most one walk of `root`.
pub(super) fn read_all<T: DeserializeOwned>(
    root: &Value,
    path: &str,
    positions: &PositionIndex,
    mut skipped: Skipped,
    budget: &mut usize,
) -> Result<T, FormatErrors> {
    let mut errors = Vec::new();
    // Unknown keys found so far, by the mapping that holds them: a missing field that one of them nearly spells
    // is the same mistake (`step:` for `steps:`), reported once.
    let mut unknown_keys: HashMap<usize, Vec<String>> = HashMap::new();
    loop {
        let reading = Reading { skipped: &skipped, positions };
        let node = Node { value: root, path: Path::Root(path), reading: &reading, key: None };
        let error = match T::deserialize(node) {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(_) => return Err(FormatErrors { errors, stopped: false }),
            Err(error) => error,
        };
        let Some(located) = &error.located else {
            // Every error passes through the root node, which locates it; this is a second line of defence.
            errors.push(error);
            return Err(FormatErrors { errors, stopped: false });
        };
        let left_out = located.node;
        let repeated = match &error.kind {
            Kind::UnknownField(key) => {
                unknown_keys.entry(located.mapping.unwrap_or(left_out)).or_default().push(key.clone());
                false
            }
            Kind::MissingField(field) => {
                located.follows_from_skip
                    || unknown_keys
                        .get(&left_out)
                        .is_some_and(|keys| keys.iter().any(|key| suggest(key, &[field.as_str()]).is_some()))
            }
            Kind::Other => false,
        };
        if !repeated {
            if *budget == 0 {
                return Err(FormatErrors { errors, stopped: true });
            }
            *budget -= 1;
            errors.push(error);
        }
        if left_out == address(root) {
            return Err(FormatErrors { errors, stopped: false });
        }
        skipped.insert(left_out);
    }
}

/// The path of a node, built only when an error needs it.
#[derive(Clone, Copy)]
enum Path<'p> {
    Root(&'p str),
    Index(&'p Path<'p>, usize),
    Key(&'p Path<'p>, &'p str),
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Path::Root(path) => f.write_str(path),
            Path::Index(parent, index) => write!(f, "{parent}[{index}]"),
            Path::Key(Path::Root(""), key) => f.write_str(key),
            Path::Key(parent, key) => write!(f, "{parent}.{key}"),
        }
    }
}

/// A mapping key being read: its text, and the entry and mapping it belongs to.
#[derive(Clone, Copy)]
struct KeyOf<'a, 'p> {
    text: &'p str,
    entry_value: &'a Value,
    mapping: &'a Value,
}

/// What every node of one reading shares.
struct Reading<'p> {
    skipped: &'p Skipped,
    positions: &'p PositionIndex,
}

/// One node of the tree as a serde `Deserializer`.
struct Node<'a, 'p> {
    value: &'a Value,
    /// For a key, the path of the mapping that holds it.
    path: Path<'p>,
    reading: &'p Reading<'p>,
    key: Option<KeyOf<'a, 'p>>,
}

impl<'a> Node<'a, '_> {
    /// Places an error that no inner node placed at this node.
    fn locate(&self, mut error: FormatError) -> FormatError {
        if error.located.is_some() {
            return error;
        }
        let path = self.path.to_string();
        error.located = Some(Box::new(match self.key {
            Some(key) => Located {
                path,
                key: Some(key.text.to_string()),
                node: address(key.entry_value),
                mapping: Some(address(key.mapping)),
                follows_from_skip: false,
            },
            None => {
                let follows_from_skip = match &error.kind {
                    Kind::MissingField(field) => untagged(self.value)
                        .as_mapping()
                        .and_then(|m| m.get(field.as_str()))
                        .is_some_and(|v| self.reading.skipped.contains(&address(v))),
                    _ => false,
                };
                Located { path, key: None, node: address(self.value), mapping: None, follows_from_skip }
            }
        }));
        error
    }

    /// A null, boolean or number as it was written. The index has it unless the node came from an alias or the
    /// scan stopped early; then it is the value's own spelling.
    fn scalar_text(&self, scalar: &Value) -> String {
        if let Some(key) = self.key {
            return key.text.to_string();
        }
        if let Some(text) = self.reading.positions.plain_text(&self.path.to_string()) {
            return text.to_string();
        }
        match scalar {
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.to_string(),
            _ => "null".into(),
        }
    }

    fn visit_sequence<V: Visitor<'a>>(&self, items: &'a [Value], visitor: V) -> Result<V::Value, FormatError> {
        visitor.visit_seq(Elements { items: items.iter().enumerate(), path: self.path, reading: self.reading })
    }

    fn visit_mapping<V: Visitor<'a>>(&self, mapping: &'a Mapping, visitor: V) -> Result<V::Value, FormatError> {
        visitor.visit_map(Entries {
            entries: mapping.iter(),
            mapping: self.value,
            path: self.path,
            reading: self.reading,
            pending: None,
        })
    }
}

/// The value under any number of tags.
fn untagged(mut value: &Value) -> &Value {
    while let Value::Tagged(tagged) = value {
        value = &tagged.value;
    }
    value
}

fn unexpected(value: &Value) -> Unexpected<'_> {
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(b) => Unexpected::Bool(*b),
        Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
            (Some(u), _, _) => Unexpected::Unsigned(u),
            (None, Some(i), _) => Unexpected::Signed(i),
            (None, None, f) => Unexpected::Float(f.unwrap_or(f64::NAN)),
        },
        Value::String(s) => Unexpected::Str(s),
        Value::Sequence(_) => Unexpected::Seq,
        Value::Mapping(_) => Unexpected::Map,
        Value::Tagged(_) => Unexpected::Enum,
    }
}

/// Scalars and enums are read by serde_yaml's own deserialiser for its tree; its error becomes this node's.
macro_rules! read_by_serde_yaml {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
            self.value.$method(visitor).map_err(|e| self.locate(e.into()))
        }
    )*};
}

impl<'a> Deserializer<'a> for Node<'a, '_> {
    type Error = FormatError;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(b) => visitor.visit_bool(*b),
            Value::Number(n) => n.deserialize_any(visitor).map_err(FormatError::from),
            Value::String(s) => visitor.visit_borrowed_str(s),
            Value::Sequence(items) => self.visit_sequence(items, visitor),
            Value::Mapping(mapping) => self.visit_mapping(mapping, visitor),
            // A tagged value (`!regex '^a'`) is an enum to serde; serde_yaml's own reading keeps the tag as it is.
            Value::Tagged(_) => self.value.deserialize_any(visitor).map_err(FormatError::from),
        }
        .map_err(|e| self.locate(e))
    }

    read_by_serde_yaml!(
        deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128
        deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128 deserialize_f32
        deserialize_f64 deserialize_unit deserialize_bytes deserialize_byte_buf
    );

    fn deserialize_char<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        // Any scalar reads as its text where a string is expected, as serde_yaml reads one from text.
        match untagged(self.value) {
            Value::String(s) => visitor.visit_borrowed_str(s),
            scalar @ (Value::Null | Value::Bool(_) | Value::Number(_)) => {
                visitor.visit_string(self.scalar_text(scalar))
            }
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_identifier<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        self.deserialize_str(visitor)
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        match self.value {
            Value::Null => visitor.visit_none().map_err(|e| self.locate(e)),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'a>>(self, _name: &'static str, visitor: V) -> Result<V::Value, FormatError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FormatError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        // An empty value (`cleanup:`) is an empty list, as serde_yaml reads it from text.
        match untagged(self.value) {
            Value::Sequence(items) => self.visit_sequence(items, visitor),
            Value::Null => self.visit_sequence(&[], visitor),
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, FormatError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, FormatError> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_map<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        match untagged(self.value) {
            Value::Mapping(mapping) => self.visit_mapping(mapping, visitor),
            Value::Null => {
                visitor.visit_map(de::value::MapDeserializer::<_, FormatError>::new(std::iter::empty::<(&str, &str)>()))
            }
            other => Err(de::Error::invalid_type(unexpected(other), &visitor)),
        }
        .map_err(|e| self.locate(e))
    }

    fn deserialize_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FormatError> {
        self.deserialize_map(visitor)
    }

    fn deserialize_enum<V: Visitor<'a>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FormatError> {
        self.value.deserialize_enum(name, variants, visitor).map_err(|e| self.locate(e.into()))
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, FormatError> {
        visitor.visit_unit()
    }
}

/// The elements of a sequence, without the left-out ones; each keeps its index in the file.
struct Elements<'a, 'p> {
    items: std::iter::Enumerate<std::slice::Iter<'a, Value>>,
    path: Path<'p>,
    reading: &'p Reading<'p>,
}

impl<'a> de::SeqAccess<'a> for Elements<'a, '_> {
    type Error = FormatError;

    fn next_element_seed<T: DeserializeSeed<'a>>(&mut self, seed: T) -> Result<Option<T::Value>, FormatError> {
        for (index, item) in self.items.by_ref() {
            if self.reading.skipped.contains(&address(item)) {
                continue;
            }
            let node = Node { value: item, path: Path::Index(&self.path, index), reading: self.reading, key: None };
            return seed.deserialize(node).map(Some);
        }
        Ok(None)
    }
}

/// The entries of a mapping, without those whose value was left out.
struct Entries<'a, 'p> {
    entries: serde_yaml::mapping::Iter<'a>,
    mapping: &'a Value,
    path: Path<'p>,
    reading: &'p Reading<'p>,
    /// The entry whose key was just read: the key's text, for the path, and its value.
    pending: Option<(String, &'a Value)>,
}

impl<'a> de::MapAccess<'a> for Entries<'a, '_> {
    type Error = FormatError;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, seed: K) -> Result<Option<K::Value>, FormatError> {
        for (key, value) in self.entries.by_ref() {
            if self.reading.skipped.contains(&address(value)) {
                continue;
            }
            let text = key_text(key);
            let key_of = KeyOf { text: &text, entry_value: value, mapping: self.mapping };
            let node = Node { value: key, path: self.path, reading: self.reading, key: Some(key_of) };
            let read = seed.deserialize(node).map(Some);
            self.pending = Some((text, value));
            return read;
        }
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, FormatError> {
        let (text, value) =
            self.pending.take().ok_or_else(|| <FormatError as de::Error>::custom("a value without its key"))?;
        seed.deserialize(Node { value, path: Path::Key(&self.path, &text), reading: self.reading, key: None })
    }
}

/// A key as the position index names it.
fn key_text(key: &Value) -> String {
    match untagged(key) {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => "~".into(),
        _ => "?".into(),
    }
}

#[cfg(test)]
#[path = "tree_tests.rs"]
mod tests;
