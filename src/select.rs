//! Which cases a run takes: name filters, tags, requirement ids and a stable shard of the whole.

use std::hash::Hasher;

use crate::case::{Case, Suite};

/// One case of a loaded project: its suite's index and its index in that suite. A run plan is a list of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CaseRef {
    pub(crate) suite: usize,
    pub(crate) case: usize,
}

/// All conditions combine: a case runs when it passes every one given.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Substrings of `suite::file::case`; any may match.
    pub filters: Vec<String>,
    /// The case has at least one of these tags.
    pub tags: Vec<String>,
    /// The case has none of these tags.
    pub exclude_tags: Vec<String>,
    /// Requirement ids or id prefixes (`sinch.update`); the case names a matching one.
    pub requirements: Vec<String>,
    pub shard: Option<Shard>,
    /// Only cases with one of these ids (`suite::file::case`), e.g. those an earlier report says failed.
    pub ids: Option<std::collections::BTreeSet<String>>,
}

/// Shard K of N (1-based), e.g. `2/3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub total: u32,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (k, n) = s.split_once('/').ok_or_else(|| format!("`{s}` is not K/N (e.g. 2/3)"))?;
        let index: u32 = k.trim().parse().map_err(|_| format!("`{k}` is not a shard number"))?;
        let total: u32 = n.trim().parse().map_err(|_| format!("`{n}` is not a shard count"))?;
        if total == 0 || index == 0 || index > total {
            return Err(format!("shard {index}/{total}: K must be between 1 and N"));
        }
        Ok(Shard { index, total })
    }
}

impl Shard {
    /// Stable across machines, Rust versions and case order: a fixed hash (FNV-1a) of the case id.
    pub(crate) fn contains(&self, case: &Case) -> bool {
        let mut hasher = fnv::FnvHasher::default();
        hasher.write(case.id.to_string().as_bytes());
        (hasher.finish() % u64::from(self.total)) as u32 == self.index - 1
    }
}

impl Selection {
    pub(crate) fn accepts(&self, case: &Case) -> bool {
        let id = case.id.to_string();
        (self.filters.is_empty() || self.filters.iter().any(|f| id.contains(f.as_str())))
            && (self.tags.is_empty() || case.tags.iter().any(|t| self.tags.contains(t)))
            && !case.tags.iter().any(|t| self.exclude_tags.contains(t))
            && (self.requirements.is_empty()
                || case.requirements.iter().any(|r| self.requirements.iter().any(|want| requirement_matches(want, r))))
            && self.shard.is_none_or(|s| s.contains(case))
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&id))
    }

    /// Every selected case, in suite and file order.
    pub(crate) fn plan(&self, suites: &[Suite]) -> Vec<CaseRef> {
        suites
            .iter()
            .enumerate()
            .flat_map(|(s, suite)| {
                suite
                    .cases
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| self.accepts(c))
                    .map(move |(c, _)| CaseRef { suite: s, case: c })
            })
            .collect()
    }
}

/// `sinch.update` matches `sinch.update` and `sinch.update.adds-before-removes`, not `sinch.updated`.
fn requirement_matches(wanted: &str, id: &str) -> bool {
    id == wanted || id.strip_prefix(wanted).is_some_and(|rest| rest.starts_with('.') || wanted.ends_with('.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_refuse_nonsense() {
        assert_eq!("2/3".parse::<Shard>().unwrap(), Shard { index: 2, total: 3 });
        assert!("0/3".parse::<Shard>().is_err());
        assert!("4/3".parse::<Shard>().is_err());
        assert!("x".parse::<Shard>().is_err());
    }

    #[test]
    fn requirement_prefixes_stop_at_dots() {
        assert!(requirement_matches("sinch.update", "sinch.update.adds-before-removes"));
        assert!(requirement_matches("sinch.update.name-null", "sinch.update.name-null"));
        assert!(!requirement_matches("sinch.update", "sinch.updated.x"));
    }
}
