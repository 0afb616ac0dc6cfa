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
}

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
}
