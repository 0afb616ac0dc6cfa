//! What a queue list is checked against besides the hire-list snapshot (divisions, skills,
//! the users the lists name): queues as whole objects, wrap-up codes, in-queue flows, skill
//! groups and groups. Loaded with the fewest reads by `genesys::queue_snapshot`.

use crate::genesys::directory::{Flow, SkillGroup};
use crate::genesys::queues::QueueObject;
use crate::model::Named;
use std::collections::BTreeMap;

/// The org as a queue list sees it.
#[derive(Debug, Clone, Default)]
pub struct QueueOrg {
    /// Every queue, whole (the update diff overlays onto these).
    pub queues: Vec<QueueObject>,
    /// Wrap-up codes of the existing queues the list names (by queue id).
    pub queue_wrapup_codes: BTreeMap<String, Vec<Named>>,
    pub wrapup_codes: Vec<Named>,
    /// Flows of the three in-queue types (and any other type the org answered).
    pub flows: Vec<Flow>,
    pub skill_groups: Vec<SkillGroup>,
    pub groups: Vec<Named>,
    /// Members a queue may hold, when known (the API exposes none today: `None` leaves
    /// `queue_member_limit` unchecked and the runtime `queue.size.limit` is handled per row).
    pub member_limit: Option<u32>,
}

impl QueueOrg {
    /// Existing queues whose name equals `name` (case-insensitive).
    pub fn queues_named(&self, name: &str) -> Vec<&QueueObject> {
        self.queues
            .iter()
            .filter(|q| q.name().eq_ignore_ascii_case(name))
            .collect()
    }
}
