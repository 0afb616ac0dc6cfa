//! What an OAuth client may list: a seed client's `visibleDivisions` scopes its role to some
//! divisions, so list endpoints hide objects elsewhere while division `objectCounts` still
//! count them (Terraform #389: an exporter whose client cannot see everything reports names
//! as missing).

use super::Org;

/// The divisions a caller sees: `None` = all.
#[derive(Debug, Clone, Default)]
pub struct Visibility(Option<Vec<String>>);

impl Visibility {
    /// Whether an object in `division_id` is listed for this caller.
    pub fn sees(&self, division_id: &str) -> bool {
        self.0
            .as_ref()
            .is_none_or(|ids| ids.iter().any(|d| d == division_id))
    }
}

impl Org {
    /// What the OAuth client `client_id` sees: its seed `visibleDivisions` (ids or names,
    /// each matched against the org's divisions; an entry naming none hides nothing extra),
    /// or everything.
    pub fn visibility(&self, client_id: Option<&str>) -> Visibility {
        let scoped = client_id
            .and_then(|c| self.clients.iter().find(|x| x.client_id == c))
            .and_then(|c| c.visible_divisions.as_ref());
        Visibility(scoped.map(|entries| {
            self.divisions
                .iter()
                .filter(|d| entries.iter().any(|e| *e == d.id || *e == d.name))
                .map(|d| d.id.clone())
                .collect()
        }))
    }
}
