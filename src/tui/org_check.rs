//! What the multi-org screens (Clone) know about a request once it is prepared: the
//! reference as captured, and per target org its findings, plan counts, request estimate
//! and limit. Plain data: `cli::tui_orgs` builds it from `cli::multi_org`'s prepared orgs,
//! `update` and the views only read it.

use super::estimate::AllowedRate;
use crate::model::{Finding, FindingCode, PlanAction, Severity};
use std::path::PathBuf;

/// The reference as the Reference panel shows it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReferenceSummary {
    /// `aiden.haddad@example.com (eu)` or `persona Billing Agent (personas.csv)`.
    pub label: String,
    /// Each group (`roles`, `skills`, …) with the names it holds.
    pub groups: Vec<(String, Vec<String>)>,
    /// The `not_portable` line, when the capture left attributes out.
    pub not_portable: Option<String>,
    /// Reference-level findings (`source_user_not_found`, …).
    pub findings: Vec<Finding>,
}

/// One target org's plan by action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgCounts {
    pub create: usize,
    /// Updates, restores and reactivations: every row that changes an existing user.
    pub update: usize,
    pub unchanged: usize,
    pub blocked: usize,
}

impl OrgCounts {
    pub fn of(plan: &crate::model::Plan) -> OrgCounts {
        OrgCounts {
            create: plan.count(PlanAction::Create),
            update: plan.count(PlanAction::Update)
                + plan.count(PlanAction::Restore)
                + plan.count(PlanAction::Reactivate),
            unchanged: plan.count(PlanAction::Unchanged),
            blocked: plan.count(PlanAction::Blocked),
        }
    }

    /// Rows that write to the org.
    pub fn writes(&self) -> usize {
        self.create + self.update
    }
}

/// One target org, read and checked.
#[derive(Debug, Clone, PartialEq)]
pub struct OrgChecked {
    /// The saved profile (or demo org name) the admin picked.
    pub profile: String,
    /// The org's own name (`GET /organizations/me`).
    pub org_name: String,
    /// Where it is (API base URL or region).
    pub place: String,
    /// Every finding: about the reference for this org, then per target row.
    pub findings: Vec<Finding>,
    pub counts: OrgCounts,
    /// The engine's estimate of the run's requests.
    pub requests: u64,
    /// Requests the pre-flight made (snapshot and checks).
    pub preflight_requests: u64,
    /// The org's limit, if the client knows it.
    pub allowed: Option<AllowedRate>,
    /// The org's names per map kind (`skill`, `queue`, …), for the `m` picker.
    pub names: Vec<(String, Vec<String>)>,
    /// What the run creates first (create-missing): `skill 'Spanish Billing'`.
    pub creates: Vec<String>,
    /// Each target row's planned action, for a retry of failed rows.
    pub rows: Vec<(usize, crate::model::PlanAction)>,
}

impl OrgChecked {
    pub fn errors(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count()
    }

    pub fn warnings(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == Severity::Warning)
            .count()
    }

    /// Whether the org is skipped (error findings: no write goes out to it).
    pub fn blocked(&self) -> bool {
        self.errors() > 0
    }

    /// Seconds the run takes at the org's limit (the Genesys default when unknown).
    pub fn eta_s(&self) -> f64 {
        let per_s = self.allowed.unwrap_or(AllowedRate::DEFAULT).per_s();
        if per_s <= 0.0 {
            return 0.0;
        }
        self.requests as f64 / per_s
    }

    pub fn names_of(&self, kind: &str) -> &[String] {
        self.names
            .iter()
            .find(|(k, _)| k == kind)
            .map(|(_, v)| v.as_slice())
            .unwrap_or(&[])
    }
}

/// A prepared Clone request: the reference and each target org's result.
#[derive(Debug, Clone)]
pub struct MultiPrepared {
    pub request: crate::tui::multi_org::MultiOrgRequest,
    pub reference: ReferenceSummary,
    pub orgs: Vec<(String, Result<OrgChecked, String>)>,
}

/// The map row a Pre-flight action writes (`org,kind,source,target`; target `-` drops).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRowText {
    pub org: String,
    pub kind: String,
    pub source: String,
    pub target: String,
}

impl MapRowText {
    /// The CSV line (quoted as needed), ending in a newline.
    pub fn csv_line(&self) -> String {
        let q = |s: &str| {
            if s.contains([',', '"', '\n', '\r', '#']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_string()
            }
        };
        format!(
            "{},{},{},{}\n",
            q(&self.org),
            q(&self.kind),
            q(&self.source),
            q(&self.target)
        )
    }
}

/// A `missing_in_target` item: its map kind and the reference's name for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingItem {
    pub kind: &'static str,
    pub name: String,
}

/// The item a `missing_in_target` finding is about: the kind from its field, the name from
/// its message (`skill 'Disputes' does not exist in the org…`).
pub fn missing_item(f: &Finding) -> Option<MissingItem> {
    if f.code != FindingCode::MissingInTarget {
        return None;
    }
    let kind = match f.field.as_deref()?.to_lowercase().as_str() {
        "skills" | "skill" => "skill",
        "languages" | "language" => "language",
        "roles" | "role" => "role",
        "queues" | "queue" => "queue",
        "division" => "division",
        "licenses" | "license" => "license",
        _ => return None,
    };
    // `persona 'ref@x': queue 'Billing Tier 2' does not exist…`: the name after the kind.
    let end = f.message.find("' does not exist")?;
    let head = &f.message[..end];
    let key = format!("{kind} '");
    let start = match head.rfind(&key) {
        Some(i) => i + key.len(),
        None => head.rfind('\'')? + 1,
    };
    let name = head[start..].trim();
    (!name.is_empty()).then(|| MissingItem {
        kind,
        name: name.to_string(),
    })
}

/// Where the mapping actions write when the request names no map file: beside the target
/// list, else in the data dir.
pub fn default_map_path(
    users_list: Option<&std::path::Path>,
    data_dir: &std::path::Path,
) -> PathBuf {
    match users_list.and_then(|p| p.parent()) {
        Some(dir) if !dir.as_os_str().is_empty() => dir.join("clone-map.csv"),
        Some(_) => PathBuf::from("clone-map.csv"),
        None => data_dir.join("clone-map.csv"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finding(field: &str, message: &str) -> Finding {
        Finding {
            row: None,
            line: None,
            email: None,
            field: Some(field.into()),
            code: FindingCode::MissingInTarget,
            severity: Severity::Error,
            message: message.into(),
            suggestion: None,
            persona: None,
            file: None,
        }
    }

    #[test]
    fn the_missing_item_comes_from_the_field_and_the_quoted_name() {
        let f = finding(
            "skills",
            "persona 'ref@example.com': skill 'Disputes' does not exist in the org — did you mean 'Dispute'?",
        );
        assert_eq!(
            missing_item(&f),
            Some(MissingItem {
                kind: "skill",
                name: "Disputes".into()
            })
        );
        assert_eq!(missing_item(&finding("queues", "something else")), None);
    }

    #[test]
    fn map_lines_quote_commas_and_keep_the_drop_mark() {
        let row = MapRowText {
            org: "us".into(),
            kind: "queue".into(),
            source: "Billing, Tier 2".into(),
            target: "-".into(),
        };
        assert_eq!(row.csv_line(), "us,queue,\"Billing, Tier 2\",-\n");
    }
}
