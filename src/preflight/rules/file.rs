//! Findings that belong to no row: columns onboard does not use, and trunks (out of service,
//! capacity against the phone-enabled users the whole list leaves).

use crate::model::{FigureSource, Finding, FindingCode, HireList, Trunk};
use crate::preflight::message::did_you_mean;
use crate::preflight::org::suggest;
use crate::preflight::row_index::State;

fn file_finding(code: FindingCode, field: Option<String>, message: String) -> Finding {
    Finding {
        row: None,
        line: None,
        email: None,
        field,
        code,
        severity: code.severity(),
        message,
        suggestion: None,
        persona: None,
        file: None,
    }
}

/// `unknown_column`: headers without a field (unnamed, a repeat, or not onboard's).
pub(in crate::preflight) fn column_findings(list: &HireList) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, h) in list.headers.iter().enumerate() {
        // The persona column is read by persona resolution, not provisioned itself.
        if list.columns.get(i).copied().flatten().is_some()
            || crate::preflight::personas::is_persona_header(h)
        {
            continue;
        }
        let mapped = crate::ingest::field_for_header(h);
        let (name, msg) = if h.trim().is_empty() {
            (
                format!("column {}", i + 1),
                format!(
                    "column {} has no header; its cells are kept but not used — name it or delete it",
                    i + 1
                ),
            )
        } else if let Some(f) = mapped {
            (
                h.clone(),
                format!(
                    "column '{h}' repeats '{}'; onboard reads the first one and keeps this one unused — remove the duplicate column",
                    f.as_str()
                ),
            )
        } else {
            let known = crate::model::Field::ALL.map(|f| f.as_str());
            let sugg = suggest(h, known);
            let hint = match &sugg {
                Some(s) => format!("{} Rename the header to use it", did_you_mean(s)),
                None => " — its cells are kept as they are but not provisioned".to_string(),
            };
            (
                h.clone(),
                format!("column '{h}' is not used by onboard{hint}"),
            )
        };
        let mut f = file_finding(FindingCode::UnknownColumn, Some(name), msg);
        if mapped.is_none() && !h.trim().is_empty() {
            f.suggestion = suggest(h, crate::model::Field::ALL.map(|f| f.as_str()));
        }
        out.push(f);
    }
    out
}

/// Where the channel counts came from, for the finding's message.
fn channels_source(trunks: &[&Trunk]) -> &'static str {
    let profile = trunks
        .iter()
        .filter(|t| t.channels_from == FigureSource::Profile)
        .count();
    match profile {
        0 => {
            "channels read from the trunk base settings' property, which is an assumption; set trunk_channels in the profile to override"
        }
        n if n == trunks.len() => "channels from the profile's trunk_channels",
        _ => "channels from the profile's trunk_channels and the trunk base settings' property",
    }
}

/// `trunk_out_of_service` per trunk, and `trunk_capacity` for the list as a whole.
pub(in crate::preflight) fn trunk_findings(state: &State) -> Vec<Finding> {
    let org = &state.org;
    let mut out = Vec::new();
    for t in &org.trunks {
        if !t.in_service {
            out.push(file_finding(
                FindingCode::TrunkOutOfService,
                None,
                format!(
                    "trunk '{}' is not in service{}; bring it back in service in Telephony > Trunks, or expect fewer lines for agents with a phone",
                    t.name,
                    t.channels
                        .map(|c| format!(" ({c} channels not counted)"))
                        .unwrap_or_default()
                ),
            ));
        }
    }
    let in_service: Vec<&Trunk> = org.trunks.iter().filter(|t| t.in_service).collect();
    let known = !org.trunks.is_empty() && in_service.iter().all(|t| t.channels.is_some());
    if !known && !in_service.is_empty() && state.phone_delta > 0 {
        let unknown: Vec<&str> = in_service
            .iter()
            .filter(|t| t.channels.is_none())
            .map(|t| t.name.as_str())
            .collect();
        out.push(file_finding(
            FindingCode::TrunkCapacity,
            Some("phone".to_string()),
            format!(
                "trunk capacity unknown: the org shows no channel count for {} and the profile sets none, so whether {} more agents with a phone fit was not checked; set trunk_channels in the profile (by trunk name or id) to check it",
                unknown.join(", "),
                state.phone_delta
            ),
        ));
    }
    if known && state.phone_delta > 0 {
        let channels: u64 = in_service
            .iter()
            .map(|t| u64::from(t.channels.unwrap_or(0)))
            .sum();
        let capacity = (channels as f64 * org.agents_per_channel).floor() as i64;
        let after = i64::from(org.phone_enabled_users) + state.phone_delta;
        if after > capacity {
            out.push(file_finding(
                FindingCode::TrunkCapacity,
                Some("phone".to_string()),
                format!(
                    "after this list {after} agents will have a phone ({} today + {} from this list), but in-service trunks carry {channels} channels × {} agents per channel = {capacity} ({}); add trunk channels, bring trunks back in service, or remove phones/extensions from {} rows",
                    org.phone_enabled_users,
                    state.phone_delta,
                    org.agents_per_channel,
                    channels_source(&in_service),
                    after - capacity
                ),
            ));
        }
    }
    out
}
