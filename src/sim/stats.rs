//! `/__sim/stats` (docs/contract.md §5).

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimStats {
    pub requests: u64,
    pub by_status: BTreeMap<String, u64>,
    pub by_route: BTreeMap<String, u64>,
    pub users: UserCounts,
    pub duplicate_emails: u64,
    /// Additions to docs/contract.md §5 (bulk queues); absent in older answers.
    #[serde(default)]
    pub queues: Total,
    #[serde(default)]
    pub duplicate_queue_names: u64,
    #[serde(default)]
    pub wrapup_codes: Total,
    /// Write requests rejected (wholly or for some of their ids) because an id in the path
    /// or body is unknown in this org, by route (`METHOD /path/template`); issue 16's UUID
    /// leak detector. Absent in older answers.
    #[serde(default)]
    pub writes_with_unknown_ids: BTreeMap<String, u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Total {
    pub total: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserCounts {
    pub total: u64,
    pub active: u64,
    pub inactive: u64,
    pub deleted: u64,
}

/// Request counters (kept apart from the org so the hot path takes a short lock).
#[derive(Debug, Default)]
pub struct Counters {
    pub requests: u64,
    pub by_status: HashMap<u16, u64>,
    pub by_route: HashMap<String, u64>,
    pub writes_with_unknown_ids: HashMap<String, u64>,
}

/// Ids a write could not find although it answered 2xx (a licence batch reports per-user
/// failures in its body): the stats middleware counts the request when one of them is
/// unknown in the org.
#[derive(Debug, Clone, Default)]
pub struct MissedIds(pub Vec<String>);

impl Counters {
    pub fn record(&mut self, status: u16, route: &str) {
        self.requests += 1;
        *self.by_status.entry(status).or_default() += 1;
        match self.by_route.get_mut(route) {
            Some(n) => *n += 1,
            None => {
                self.by_route.insert(route.to_string(), 1);
            }
        }
    }

    /// Counts a write rejected because of an id this org does not know.
    pub fn record_unknown_id(&mut self, route: &str) {
        *self
            .writes_with_unknown_ids
            .entry(route.to_string())
            .or_default() += 1;
    }
}
