//! A whole drift run's result, pure: per org and per target user, the [`DriftItem`]s of
//! [`super::drift::drift_of`], with the counts of the JSON summary. `onboard drift` prints it
//! (JSON and text) and the TUI's Drift tab shows it as a users × orgs matrix and exports it
//! (JSON and CSV) — one model, so the screen, the export and the command say the same.

use super::drift::{DriftCode, DriftItem};
use crate::model::{Finding, sanitize};
use serde_json::json;

/// One user's drift in one org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserDrift {
    /// The target org's profile name.
    pub org: String,
    /// Lowercased.
    pub email: String,
    pub items: Vec<DriftItem>,
    /// Requests a fix of this user alone would make (the engine's estimate).
    pub fix_requests: u64,
}

/// One target org of the run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgDrift {
    /// The profile name.
    pub org: String,
    /// The org's own name (`GET /api/v2/organizations/me`).
    pub org_name: String,
    /// Requests the drift made in this org (snapshot and checks).
    pub requests: u64,
    /// Requests fixing every drifted user of this org would make (shared batches counted once).
    pub fix_requests: u64,
    /// The org has error findings: `--fix` does not write to it.
    pub has_errors: bool,
}

/// What the drift compared against.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DriftReference {
    /// The source profile of a live reference.
    pub org: Option<String>,
    /// The reference user's email (a live reference).
    pub email: Option<String>,
    /// The persona's name (a persona reference; empty for a baseline).
    pub persona: String,
}

impl DriftReference {
    /// How a header names it: `ref@x.com (eu)`, `persona Billing`, or `baseline`.
    pub fn describe(&self) -> String {
        match (&self.email, &self.org) {
            (Some(e), Some(o)) => format!("{e} ({o})"),
            (Some(e), None) => e.clone(),
            _ if !self.persona.is_empty() => format!("persona {}", self.persona),
            _ => "baseline".into(),
        }
    }
}

/// The counts of the JSON `summary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DriftSummary {
    pub targets: usize,
    pub in_sync: usize,
    /// Drifted users that exist (`missing` ones are counted apart).
    pub drifted: usize,
    /// Users absent, deleted or inactive in their org.
    pub missing: usize,
    /// Items that count as drift in the mode.
    pub items: usize,
}

/// A drift run: every target user of every org that could be read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DriftReport {
    /// Mirror mode: extras are drift too.
    pub mirror: bool,
    pub reference: DriftReference,
    /// Findings about the reference (`source_user_not_found`, `not_portable`, …).
    pub reference_findings: Vec<Finding>,
    pub orgs: Vec<OrgDrift>,
    /// Per org, per target, in the order the targets were given.
    pub users: Vec<UserDrift>,
    /// The target orgs' pre-flight findings.
    pub findings: Vec<Finding>,
}

impl DriftReport {
    pub fn mode(&self) -> &'static str {
        if self.mirror { "mirror" } else { "merge" }
    }

    /// Items of `d` that count as drift in this report's mode.
    pub fn counted(&self, d: &UserDrift) -> usize {
        d.items
            .iter()
            .filter(|i| i.code.counts(self.mirror))
            .count()
    }

    /// Whether `d` counts as drifted (one counted item or more).
    pub fn is_drifted(&self, d: &UserDrift) -> bool {
        self.counted(d) > 0
    }

    pub fn any_drift(&self) -> bool {
        self.users.iter().any(|d| self.is_drifted(d))
    }

    pub fn summary(&self) -> DriftSummary {
        let missing = self
            .users
            .iter()
            .filter(|d| d.items.iter().any(|i| i.code == DriftCode::TargetMissing))
            .count();
        let drifted = self.users.iter().filter(|d| self.is_drifted(d)).count();
        DriftSummary {
            targets: self.users.len(),
            in_sync: self.users.len() - drifted,
            drifted: drifted - missing.min(drifted),
            missing,
            items: self.users.iter().map(|d| self.counted(d)).sum(),
        }
    }

    /// The `onboard drift --format json` object (docs/contract.md §1, spec §6).
    pub fn to_json(&self) -> serde_json::Value {
        let s = self.summary();
        let items: Vec<serde_json::Value> = self
            .users
            .iter()
            .flat_map(|d| d.items.iter().map(move |i| item_json(d, i)))
            .collect();
        let per_org: Vec<serde_json::Value> = self
            .orgs
            .iter()
            .map(|o| {
                let mine: Vec<&UserDrift> = self.users.iter().filter(|d| d.org == o.org).collect();
                json!({
                    "org": o.org,
                    "org_name": o.org_name,
                    "targets": mine.len(),
                    "drifted": mine.iter().filter(|d| self.is_drifted(d)).count(),
                    "requests": o.requests,
                })
            })
            .collect();
        let findings: Vec<&Finding> = self
            .reference_findings
            .iter()
            .chain(&self.findings)
            .collect();
        let r = &self.reference;
        json!({
            "mode": self.mode(),
            "reference": {
                "org": r.org,
                "email": r.email,
                "persona": (r.email.is_none() && !r.persona.is_empty()).then_some(&r.persona),
            },
            "summary": {
                "targets": s.targets,
                "in_sync": s.in_sync,
                "drifted": s.drifted,
                "missing": s.missing,
                "items": s.items,
            },
            "orgs": per_org,
            "drift": items,
            "findings": findings,
        })
    }

    /// The text report of `onboard drift`.
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        for f in &self.reference_findings {
            s.push_str(&format!(
                "reference: {} {}\n",
                f.code.as_str(),
                sanitize(&f.message)
            ));
        }
        let drifted = self.users.iter().filter(|d| self.is_drifted(d)).count();
        s.push_str(&format!(
            "{} targets, {} drifted, {} in sync (mode {})\n",
            self.users.len(),
            drifted,
            self.users.len() - drifted,
            self.mode()
        ));
        for d in self.users.iter().filter(|d| !d.items.is_empty()) {
            s.push_str(&format!("{} @ {}\n", sanitize(&d.email), sanitize(&d.org)));
            for i in &d.items {
                let values = match (&i.want, &i.have) {
                    (Some(w), Some(h)) => format!("  want {} have {}", sanitize(w), sanitize(h)),
                    (Some(w), None) => format!("  want {}", sanitize(w)),
                    (None, Some(h)) => format!("  have {}", sanitize(h)),
                    (None, None) => String::new(),
                };
                let note = if i.code.counts(self.mirror) {
                    ""
                } else {
                    "  (kept in merge mode)"
                };
                s.push_str(&format!(
                    "  {} {:<11} {} {}{values}{note}\n",
                    i.code.mark(),
                    i.group,
                    sanitize(&i.item),
                    i.code.as_str(),
                ));
            }
        }
        s
    }

    /// Every item as a CSV (`org,email,group,item,code,want,have`), cells escaped so a
    /// spreadsheet shows them as text (like every CSV onboard writes).
    pub fn write_csv(&self, out: impl std::io::Write) -> std::io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let header = ["org", "email", "group", "item", "code", "want", "have"];
        w.write_record(header).map_err(std::io::Error::other)?;
        for d in &self.users {
            for i in &d.items {
                let cells = [
                    d.org.as_str(),
                    d.email.as_str(),
                    i.group,
                    i.item.as_str(),
                    i.code.as_str(),
                    i.want.as_deref().unwrap_or(""),
                    i.have.as_deref().unwrap_or(""),
                ];
                w.write_record(
                    cells
                        .iter()
                        .map(|c| crate::ingest::escape_cell(c).into_owned()),
                )
                .map_err(std::io::Error::other)?;
            }
        }
        w.flush()
    }
}

/// One `drift` array entry: the org and email, then the item's own fields.
fn item_json(d: &UserDrift, i: &DriftItem) -> serde_json::Value {
    let mut v = json!({"org": d.org, "email": d.email});
    if let (Some(o), Ok(serde_json::Value::Object(m))) =
        (v.as_object_mut(), serde_json::to_value(i))
    {
        o.extend(m);
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(group: &'static str, name: &str, code: DriftCode) -> DriftItem {
        DriftItem {
            group,
            item: name.into(),
            code,
            want: None,
            have: None,
        }
    }

    fn report(mirror: bool) -> DriftReport {
        let user = |org: &str, email: &str, items| UserDrift {
            org: org.into(),
            email: email.into(),
            items,
            fix_requests: 3,
        };
        DriftReport {
            mirror,
            users: vec![
                user(
                    "us",
                    "a@x.com",
                    vec![item("skills", "=SUM(A1)", DriftCode::DriftMissing)],
                ),
                user(
                    "us",
                    "b@x.com",
                    vec![item("queues", "Q", DriftCode::DriftExtra)],
                ),
                user(
                    "apac",
                    "c@x.com",
                    vec![item("user", "c@x.com", DriftCode::TargetMissing)],
                ),
                user("apac", "d@x.com", vec![]),
            ],
            ..DriftReport::default()
        }
    }

    #[test]
    fn the_summary_counts_extras_only_in_mirror_mode_and_missing_users_apart() {
        let merge = report(false).summary();
        assert_eq!(
            merge,
            DriftSummary {
                targets: 4,
                in_sync: 2,
                drifted: 1,
                missing: 1,
                items: 2
            }
        );
        let mirror = report(true).summary();
        assert_eq!((mirror.drifted, mirror.items, mirror.in_sync), (2, 3, 1));
    }

    #[test]
    fn the_csv_lists_every_item_and_escapes_formula_cells() {
        let mut out = Vec::new();
        report(false).write_csv(&mut out).unwrap_or_default();
        let text = String::from_utf8_lossy(&out);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "org,email,group,item,code,want,have");
        assert_eq!(lines[1], "us,a@x.com,skills,'=SUM(A1),drift_missing,,");
        assert_eq!(lines.len(), 4, "{text}");
    }
}
