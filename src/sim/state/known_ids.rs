//! Whether an id names anything in this org: what `/__sim/stats` `writes_with_unknown_ids`
//! asks of a rejected write (an id from another org, e.g. a clone that forgot to translate).

use super::Org;

impl Org {
    /// Whether `id` is the id of any object this org holds (a user in any state, a division,
    /// role, skill, language, queue, wrap-up code, licence, flow, skill group, group, trunk
    /// or number pool). `*` (all divisions, in grants) counts as known.
    pub fn knows_id(&self, id: &str) -> bool {
        id == "*"
            || self.index_of(id).is_some()
            || self.divisions.iter().any(|d| d.id == id)
            || self.roles.iter().any(|r| r.id == id)
            || self.skills.iter().any(|s| s.id == id)
            || self.languages.iter().any(|l| l.id == id)
            || self.queues.iter().any(|q| q.id == id)
            || self.wrapups.iter().any(|w| w.id == id)
            || self.licenses.iter().any(|l| l.id == id)
            || self.flows.iter().any(|f| f.id == id)
            || self.skill_groups.iter().any(|g| g.id == id)
            || self.groups.iter().any(|g| g.id == id)
            || self.trunks.iter().any(|t| t.id == id || t.base_id == id)
            || self.did_pools.iter().any(|p| p.id == id)
            || self.extension_pools.iter().any(|p| p.id == id)
    }
}
