//! Licences: the ones a row names must exist; the seats it needs (its licences and its
//! roles' base licences, less what the user holds) are counted against the free seats in
//! row order (`license_shortfall`).

use super::{Ctx, split_list};
use crate::model::{ExistingUser, FigureSource, FindingCode, Grant, Id, Seats, UserState};
use crate::preflight::message::{hint, not_in_org};
use crate::preflight::org::{Lookup, OrgIndex};
use crate::preflight::row_index::State;

/// The licences the row names, resolved to their ids (by id or by description).
pub(super) fn licences(cx: &mut Ctx, org: &OrgIndex, cell: &str) -> Vec<Id> {
    let mut licenses: Vec<Id> = Vec::new();
    for l in split_list(cell) {
        let found =
            org.license(l)
                .map(|i| i.id.clone())
                .or_else(|| match org.license_names.resolve(l) {
                    Lookup::Found(id) => Some(Id::clone(id)),
                    Lookup::Missing(_) => None,
                });
        match found {
            Some(id) => {
                if !licenses.contains(&id) {
                    licenses.push(id);
                }
            }
            None => {
                let sugg = org.license_names.suggest(l).map(|s| {
                    // suggest the id even when the description matched
                    match org.license_names.resolve(&s) {
                        Lookup::Found(id) => id.to_string(),
                        Lookup::Missing(_) => s,
                    }
                });
                let known: Vec<&str> = org.licenses.iter().map(|i| &*i.id).collect();
                let hint = hint(sugg.as_deref(), || {
                    if known.is_empty() {
                        "; the org reports no licences, leave the column empty to use role licences"
                            .to_string()
                    } else {
                        let mut k = known.clone();
                        k.sort_unstable();
                        format!("; the org has: {}", k.join(", "))
                    }
                });
                cx.push(
                    Some("licenses"),
                    FindingCode::UnknownLicense,
                    not_in_org("licence", l, &hint),
                    sugg,
                );
            }
        }
    }
    licenses
}

/// The licences (indexes into `OrgIndex::licenses`) the row needs a new seat of: its own and
/// its roles' base licences, less those the user already holds.
pub(super) fn seats_needed(
    org: &OrgIndex,
    existing: Option<&ExistingUser>,
    licenses: &[Id],
    grants: &[Grant],
) -> smallvec::SmallVec<[u16; 4]> {
    // What the user holds: their licences, and the base licence of every role they are
    // granted already (the platform assigns it with the grant, so that seat is in use).
    let held: Vec<String> = match existing {
        Some(u) if u.state != UserState::Deleted => u
            .licenses
            .iter()
            .map(|l| l.to_lowercase())
            .chain(u.grants.iter().filter_map(|g| {
                let l = *org.role_license.get(&*g.role_id)?;
                Some(org.licenses.get(l as usize)?.id.to_lowercase())
            }))
            .collect(),
        _ => Vec::new(),
    };
    let mut need: smallvec::SmallVec<[u16; 4]> = licenses
        .iter()
        .filter_map(|l| org.license_ix.get(&l.to_lowercase()).copied())
        .collect();
    for g in grants {
        if let Some(&l) = org.role_license.get(&*g.role_id)
            && !need.contains(&l)
        {
            need.push(l);
        }
    }
    need.retain(|l| !held.contains(&org.licenses[*l as usize].id.to_lowercase()));
    need
}

/// Where a seat count came from, for the finding's message.
fn seats_source(from: FigureSource) -> &'static str {
    match from {
        FigureSource::Org => {
            "seats from the billing contract's product matching the licence id, which is an assumption; set license_seats in the profile to override"
        }
        FigureSource::Profile => "seats from the profile's license_seats",
    }
}

/// `license_shortfall` (cross-row): row `i` needs a seat that the rows above it have already
/// taken.
pub(in crate::preflight) fn seat_shortfall(cx: &mut Ctx, state: &State, i: usize) {
    let org = &state.org;
    for &l in &state.keys[i].licenses {
        let Some(info) = org.licenses.get(l as usize) else {
            continue;
        };
        let (Some(free), Seats::Known { total, used, from }) = (info.free, info.seats) else {
            continue;
        };
        if let Some(v) = state.by_license.get(l as usize)
            && let Ok(pos) = v.binary_search(&(i as u32))
            && pos >= free as usize
        {
            cx.push(
                Some("licenses"),
                FindingCode::LicenseShortfall,
                format!(
                    "licence '{}' has {free} free seats ({total} bought, {used} used; {}) and rows above this one already take them; buy more seats, free unused ones, or skip rows (this row needs it through its licences or its roles' base licence)",
                    info.id,
                    seats_source(from),
                ),
                None,
            );
        }
    }
}
