//! The org snapshot indexed for pre-flight: name lookups (exact, then case- and
//! space-insensitive), fuzzy suggestions, users by email / external id, number pools.

use crate::model::{ExistingUser, Id, OrgSnapshot, Seats, UserState};
use foldhash::HashMap;
use std::sync::Arc;

mod numerals;

/// Lowercase and drop whitespace: how names are compared when not exactly equal.
pub fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// A set of named org objects (divisions, roles, skills, …).
#[derive(Debug, Clone, Default)]
pub struct Names {
    /// (id, display name) in snapshot order.
    pub items: Vec<(Id, String)>,
    exact: HashMap<String, usize>,
    normalized: HashMap<String, Vec<usize>>,
    by_id: HashMap<String, usize>,
}

pub enum Lookup<'a> {
    Found(&'a Id),
    /// Not found; the nearest name, if one is close.
    Missing(Option<String>),
}

impl Names {
    pub fn new<'a>(items: impl IntoIterator<Item = (&'a str, &'a str)>) -> Self {
        let mut n = Names::default();
        for (id, name) in items {
            let i = n.items.len();
            n.items.push((Id::from(id), name.to_string()));
            n.exact.entry(name.to_string()).or_insert(i);
            n.normalized.entry(norm(name)).or_default().push(i);
            n.by_id.entry(id.to_string()).or_insert(i);
        }
        n
    }

    /// Resolve a name: exact, else a unique case/space-insensitive match; else the nearest
    /// name as a suggestion.
    pub fn resolve(&self, name: &str) -> Lookup<'_> {
        if let Some(&i) = self.exact.get(name) {
            return Lookup::Found(&self.items[i].0);
        }
        let key = norm(name);
        if let Some(v) = self.normalized.get(&key)
            && v.len() == 1
        {
            return Lookup::Found(&self.items[v[0]].0);
        }
        Lookup::Missing(self.suggest(name))
    }

    pub fn suggest(&self, name: &str) -> Option<String> {
        suggest(name, self.items.iter().map(|(_, n)| n.as_str()))
    }

    pub fn name_of(&self, id: &str) -> Option<&str> {
        self.by_id.get(id).map(|&i| self.items[i].1.as_str())
    }

    /// Display name for an id, or the id itself.
    pub fn label<'a>(&'a self, id: &'a str) -> &'a str {
        self.name_of(id).unwrap_or(id)
    }
}

/// The nearest candidate to `name`, compared case- and space-insensitively and with roman
/// numerals I–XX read as numbers ("Tier II" is "Tier 2"), if it is close enough to be a
/// plausible typo.
pub fn suggest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    let key = numerals::numbers_read(name);
    nearest(
        &key,
        candidates
            .into_iter()
            .map(|c| (numerals::numbers_read(c), c)),
    )
    .map(str::to_string)
}

/// [`suggest`] over candidates already normalized (`(norm(c), c)`, or with numbers read). The score is the better
/// of Damerau–Levenshtein and Jaro–Winkler − 0.1 (0.8 for a prefix); Damerau–Levenshtein,
/// the costly one, is only computed when a cheap upper bound says it could decide.
fn nearest<'a, N: AsRef<str>>(
    key: &str,
    candidates: impl Iterator<Item = (N, &'a str)>,
) -> Option<&'a str> {
    const THRESHOLD: f64 = 0.7;
    if key.is_empty() {
        return None;
    }
    let key_len = key.chars().count();
    let key_bag = char_bag(key);
    let mut best: Option<(f64, &str)> = None;
    for (ck, c) in candidates {
        let ck = ck.as_ref();
        let prefix = ck.len() >= 3 && (ck.starts_with(key) || key.starts_with(ck));
        let base = if prefix {
            0.8
        } else {
            strsim::jaro_winkler(key, ck) - 0.1
        };
        // Edits needed are at least the length difference and half the characters the two
        // do not share; so the normalized distance is at most this.
        let len = ck.chars().count();
        let bag = char_bag(ck);
        let unshared: u32 = key_bag
            .iter()
            .zip(&bag)
            .map(|(a, b)| u32::from(a.abs_diff(*b)))
            .sum();
        let edits = key_len.abs_diff(len).max(unshared.div_ceil(2) as usize);
        let lev_max = 1.0 - edits as f64 / key_len.max(len) as f64;
        let bar = best.map_or(THRESHOLD, |(s, _)| s.max(THRESHOLD));
        let score = if lev_max <= base || lev_max < bar {
            base
        } else {
            strsim::normalized_damerau_levenshtein(key, ck).max(base)
        };
        if score >= THRESHOLD && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, c));
        }
    }
    best.map(|(_, c)| c)
}

/// How many of each character a string has (non-ASCII characters share one bucket, which
/// only makes [`nearest`]'s bound looser, never wrong).
fn char_bag(s: &str) -> [u8; 128] {
    let mut bag = [0u8; 128];
    for c in s.chars() {
        let i = if c.is_ascii() { c as usize } else { 127 };
        bag[i] = bag[i].saturating_add(1);
    }
    bag
}

/// Manager suggestions already worked out, by lowercased email: each one is a scan of every
/// user in the org, and a list often names the same unknown manager on many rows.
#[derive(Debug, Default)]
pub struct SuggestMemo(std::sync::Mutex<HashMap<String, Option<String>>>);

impl Clone for SuggestMemo {
    /// A clone starts empty: the memo is only a cache.
    fn clone(&self) -> Self {
        SuggestMemo::default()
    }
}

/// A numeric range of equal-length digit strings (a DID pool without its `+`, or an
/// extension pool).
#[derive(Debug, Clone)]
pub struct Range {
    pub len: usize,
    pub start: u64,
    pub end: u64,
    pub label: String,
}

impl Range {
    fn new(start: &str, end: &str) -> Option<Range> {
        let s = start.trim().trim_start_matches('+');
        let e = end.trim().trim_start_matches('+');
        if s.is_empty() || s.len() > 18 || e.len() > 18 {
            return None;
        }
        Some(Range {
            len: s.len(),
            start: s.parse().ok()?,
            end: e.parse().ok()?,
            label: format!("{}–{}", start.trim(), end.trim()),
        })
    }

    pub fn contains(&self, digits: &str) -> bool {
        digits.len() == self.len
            && digits
                .parse::<u64>()
                .is_ok_and(|n| n >= self.start && n <= self.end)
    }
}

#[derive(Debug, Clone)]
pub struct LicenseInfo {
    pub id: Id,
    pub free: Option<u32>,
    pub seats: Seats,
}

/// Everything pre-flight needs from the snapshot, indexed once.
#[derive(Debug, Clone, Default)]
pub struct OrgIndex {
    pub home_division: Option<Id>,
    pub divisions: Names,
    pub roles: Names,
    /// role id → base licence (index into `licenses`); roles whose base licence the org
    /// does not list are not seat-checked
    pub role_license: HashMap<String, u16>,
    pub skills: Names,
    pub languages: Names,
    pub queues: Names,
    /// queue id → division id
    pub queue_division: HashMap<String, Id>,
    /// licence ids and descriptions; resolves to the licence id
    pub license_names: Names,
    pub licenses: Vec<LicenseInfo>,
    /// lowercased licence id → index into `licenses`
    pub license_ix: HashMap<String, u16>,
    pub did_pools: Vec<Range>,
    pub ext_pools: Vec<Range>,
    /// normalized number → (owner id, owner type)
    pub assigned_dids: HashMap<String, (Option<String>, Option<String>)>,
    pub used_extensions: HashMap<String, (Option<String>, Option<String>)>,
    /// Shared: a plan row that matches a user holds the same `Arc`.
    pub users: Vec<Arc<ExistingUser>>,
    /// lowercased email → user indexes, best state first (active, inactive, deleted)
    pub users_by_email: HashMap<String, Vec<usize>>,
    /// `authority:key` → user index
    pub users_by_ext: HashMap<String, usize>,
    pub users_by_id: HashMap<String, usize>,
    /// Current (not deleted) users' emails, normalized once, for manager suggestions.
    manager_candidates: Vec<(String, usize)>,
    manager_memo: SuggestMemo,
    pub trunks: Vec<crate::model::Trunk>,
    pub phone_enabled_users: u32,
    pub agents_per_channel: f64,
}

fn state_rank(s: UserState) -> u8 {
    match s {
        UserState::Active => 0,
        UserState::Inactive => 1,
        UserState::Deleted => 2,
    }
}

impl OrgIndex {
    pub fn new(s: &OrgSnapshot) -> OrgIndex {
        let mut ix = OrgIndex {
            home_division: s
                .divisions
                .iter()
                .find(|d| d.home)
                .map(|d| Id::from(d.id.as_str())),
            divisions: Names::new(s.divisions.iter().map(|d| (d.id.as_str(), d.name.as_str()))),
            roles: Names::new(s.roles.iter().map(|r| (r.id.as_str(), r.name.as_str()))),
            skills: Names::new(s.skills.iter().map(|r| (r.id.as_str(), r.name.as_str()))),
            languages: Names::new(s.languages.iter().map(|r| (r.id.as_str(), r.name.as_str()))),
            queues: Names::new(s.queues.iter().map(|r| (r.id.as_str(), r.name.as_str()))),
            license_names: Names::new(
                s.licenses
                    .iter()
                    .map(|l| (l.id.as_str(), l.id.as_str()))
                    .chain(
                        s.licenses
                            .iter()
                            .filter(|l| !l.description.is_empty())
                            .map(|l| (l.id.as_str(), l.description.as_str())),
                    ),
            ),
            trunks: s.trunks.clone(),
            phone_enabled_users: s.phone_enabled_users,
            agents_per_channel: if s.agents_per_channel.is_finite() && s.agents_per_channel > 0.0 {
                s.agents_per_channel
            } else {
                1.0
            },
            users: s.users.clone(),
            ..OrgIndex::default()
        };
        for l in s.licenses.iter().take(u16::MAX as usize) {
            let key = l.id.to_lowercase();
            if ix.license_ix.contains_key(&key) {
                continue;
            }
            ix.license_ix.insert(key, ix.licenses.len() as u16);
            ix.licenses.push(LicenseInfo {
                id: Id::from(l.id.as_str()),
                free: l.seats.free(),
                seats: l.seats,
            });
        }
        for r in &s.roles {
            if let Some(&l) = r
                .base_license
                .as_deref()
                .and_then(|l| ix.license_ix.get(&l.trim().to_lowercase()))
            {
                ix.role_license.insert(r.id.clone(), l);
            }
        }
        for q in &s.queues {
            // The division's shared id when the snapshot lists it.
            let div = match ix.divisions.by_id.get(q.division_id.as_str()) {
                Some(&i) => Id::clone(&ix.divisions.items[i].0),
                None => Id::from(q.division_id.as_str()),
            };
            ix.queue_division.insert(q.id.clone(), div);
        }
        ix.did_pools = s
            .did_pools
            .iter()
            .filter_map(|p| Range::new(&p.start, &p.end))
            .collect();
        ix.ext_pools = s
            .extension_pools
            .iter()
            .filter_map(|p| Range::new(&p.start, &p.end))
            .collect();
        for a in &s.assigned_dids {
            let n = super::rules::normalize_phone(&a.number);
            ix.assigned_dids
                .insert(n, (a.owner_id.clone(), a.owner_type.clone()));
        }
        for a in &s.used_extensions {
            ix.used_extensions.insert(
                a.number.trim().to_string(),
                (a.owner_id.clone(), a.owner_type.clone()),
            );
        }
        for (i, u) in ix.users.iter().enumerate() {
            ix.users_by_id.entry(u.id.to_string()).or_insert(i);
            ix.users_by_email
                .entry(u.email.trim().to_lowercase())
                .or_default()
                .push(i);
            for e in &u.external_ids {
                let key = format!("{}:{}", e.authority, e.key);
                let better = ix
                    .users_by_ext
                    .get(&key)
                    .is_none_or(|&j| state_rank(u.state) < state_rank(ix.users[j].state));
                if better {
                    ix.users_by_ext.insert(key, i);
                }
            }
        }
        let users = &ix.users;
        for v in ix.users_by_email.values_mut() {
            v.sort_by_key(|&i| state_rank(users[i].state));
        }
        ix.manager_candidates = users
            .iter()
            .enumerate()
            .filter(|(_, u)| u.state != UserState::Deleted)
            .map(|(i, u)| (norm(&u.email), i))
            .collect();
        ix
    }

    /// The current user whose email is nearest to `email_lower` (an unknown manager), if one
    /// is close enough to be a typo.
    pub fn suggest_manager(&self, email_lower: &str) -> Option<String> {
        if let Ok(memo) = self.manager_memo.0.lock()
            && let Some(s) = memo.get(email_lower)
        {
            return s.clone();
        }
        let found = nearest(
            &norm(email_lower),
            self.manager_candidates
                .iter()
                .map(|(n, i)| (n.as_str(), self.users[*i].email.as_str())),
        )
        .map(str::to_string);
        if let Ok(mut memo) = self.manager_memo.0.lock() {
            memo.insert(email_lower.to_string(), found.clone());
        }
        found
    }

    pub fn user_by_email(&self, email_lower: &str) -> Option<&ExistingUser> {
        self.users_by_email
            .get(email_lower)
            .and_then(|v| v.first())
            .map(|&i| &*self.users[i])
    }

    pub fn license(&self, id: &str) -> Option<&LicenseInfo> {
        self.license_ix
            .get(&id.to_lowercase())
            .map(|&i| &self.licenses[i as usize])
    }

    pub fn user_by_id(&self, id: &str) -> Option<&ExistingUser> {
        self.users_by_id.get(id).map(|&i| &*self.users[i])
    }

    pub fn division_label<'a>(&'a self, id: &'a str) -> &'a str {
        self.divisions.label(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The scoring without the shortcut: Damerau–Levenshtein for every candidate.
    fn nearest_naive<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
        let key = numerals::numbers_read(name);
        if key.is_empty() {
            return None;
        }
        let mut best: Option<(f64, &str)> = None;
        for &c in candidates {
            let ck = numerals::numbers_read(c);
            let lev = strsim::normalized_damerau_levenshtein(&key, &ck);
            let jw = strsim::jaro_winkler(&key, &ck);
            let prefix = ck.len() >= 3 && (ck.starts_with(&key) || key.starts_with(&ck));
            let score = if prefix {
                lev.max(0.8)
            } else {
                lev.max(jw - 0.1)
            };
            if score >= 0.7 && best.is_none_or(|(s, _)| score > s) {
                best = Some((score, c));
            }
        }
        best.map(|(_, c)| c)
    }

    /// Suggestions with numbers: which name each gives, and whether reading numerals as
    /// numbers changed it (every other case must give what plain spelling gives).
    #[test]
    fn numerals_and_numbers_are_the_same_for_suggestions_and_nothing_else_changes() {
        let names = [
            "Billing",
            "Technical Support",
            "Sales Inbound",
            "Agent",
            "Supervisor",
        ];
        let cases: [(&str, &[&str], Option<&str>, bool); 15] = [
            // The renamed sibling queue beats the one a single edit away.
            (
                "Billing Tier 2",
                &["Billing Tier 1", "Billing Tier II"],
                Some("Billing Tier II"),
                true,
            ),
            (
                "Billing Tier II",
                &["Billing Tier 1", "Billing Tier 2"],
                Some("Billing Tier 2"),
                true,
            ),
            (
                "support tier ii",
                &["Support Tier 1", "Support Tier 2", "Support Tier 3"],
                Some("Support Tier 2"),
                true,
            ),
            (
                "Level IV",
                &["Level 5", "Level VI", "Level 4"],
                Some("Level 4"),
                true,
            ),
            ("Team X", &["Team 1", "Team 10"], Some("Team 10"), true),
            // Unchanged: plain typos, no numeral on either side, numerals past XX, the first word.
            ("Biling", &names, Some("Billing"), false),
            ("Agnet", &names, Some("Agent"), false),
            ("technical suport", &names, Some("Technical Support"), false),
            ("Payroll", &names, None, false),
            (
                "Billing Tier 2",
                &["Billing Tier 1", "Billing Tier 3"],
                Some("Billing Tier 1"),
                false,
            ),
            (
                "Support Tier 4",
                &["Support Tier 1", "Support Tier 2"],
                Some("Support Tier 1"),
                false,
            ),
            (
                "Phase XXI",
                &["Phase 21", "Phase XXII"],
                Some("Phase XXII"),
                false,
            ),
            (
                "Sales Vic",
                &["Sales 6", "Sales Vice"],
                Some("Sales Vice"),
                false,
            ),
            ("Vi Team", &["6 Team", "Vi Teams"], Some("Vi Teams"), false),
            ("Spansh", &["English", "Spanish"], Some("Spanish"), false),
        ];
        for (name, candidates, want, changed) in cases {
            let got = suggest(name, candidates.iter().copied());
            assert_eq!(got.as_deref(), want, "{name} among {candidates:?}");
            let by_spelling = nearest(&norm(name), candidates.iter().map(|c| (norm(c), *c)));
            assert_eq!(
                by_spelling != want,
                changed,
                "{name}: by spelling {by_spelling:?}"
            );
        }
    }

    #[test]
    fn a_numeral_is_suggested_never_resolved() {
        let queues = Names::new([("q1", "Billing Tier 1"), ("q2", "Billing Tier II")]);
        match queues.resolve("Billing Tier 2") {
            Lookup::Missing(s) => assert_eq!(s.as_deref(), Some("Billing Tier II")),
            Lookup::Found(id) => panic!("resolved to {id:?}: a renamed queue is the admin's call"),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

        /// The bound only skips work: the answer is the full scoring's, typos and all.
        #[test]
        fn nearest_equals_scoring_every_candidate(
            candidates in proptest::collection::vec("[a-e.@ é]{0,12}", 1..30),
            pick in any::<prop::sample::Index>(),
            edit in 0usize..4,
            at in any::<prop::sample::Index>(),
        ) {
            let refs: Vec<&str> = candidates.iter().map(String::as_str).collect();
            // A typo of one candidate (drop, double, swap or replace a character), or noise.
            let mut name: Vec<char> = pick.get(&candidates).chars().collect();
            if !name.is_empty() {
                let i = at.index(name.len());
                match edit {
                    0 => { name.remove(i); }
                    1 => { let ch = name[i]; name.insert(i, ch); }
                    2 if i + 1 < name.len() => name.swap(i, i + 1),
                    _ => name[i] = 'x',
                }
            }
            let name: String = name.into_iter().collect();
            let got = suggest(&name, refs.iter().copied());
            prop_assert_eq!(got.as_deref(), nearest_naive(&name, &refs));
        }
    }
}
