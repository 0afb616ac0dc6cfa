//! The plan: made by `preflight`, executed by `engine`.

use super::org::{ExistingUser, ExternalId, Grant, Proficiency};
use super::{Id, Text};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlanAction {
    Create,
    Update,
    Restore,
    Reactivate,
    Deactivate,
    Unchanged,
    /// The admin skipped the row.
    Skipped,
    /// Error findings keep the row from running.
    Blocked,
}

impl PlanAction {
    /// Whether a row with this action writes to the org (runs in the engine). The one home of
    /// this rule: the engine, `apply`'s confirmation and the TUI's runnable rows all ask here.
    pub fn writes(self) -> bool {
        match self {
            PlanAction::Create
            | PlanAction::Update
            | PlanAction::Restore
            | PlanAction::Reactivate
            | PlanAction::Deactivate => true,
            PlanAction::Unchanged | PlanAction::Skipped | PlanAction::Blocked => false,
        }
    }
}

/// Who the manager is: an existing user, or a row earlier in the same file (its user id is
/// known only once that row has been created).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ManagerRef {
    UserId(Id),
    Row(usize),
}

/// The state a row asks for, with every name resolved to an org id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DesiredUser {
    pub email: Text,
    pub name: Text,
    pub division_id: Id,
    pub department: Option<Text>,
    pub title: Option<Text>,
    pub manager: Option<ManagerRef>,
    pub grants: Vec<Grant>,
    pub skills: Vec<Proficiency>,
    pub languages: Vec<Proficiency>,
    pub queue_ids: Vec<Id>,
    pub phone: Option<Text>,
    pub extension: Option<Text>,
    /// Licences to assign explicitly (from the `licenses` column; role base licences are
    /// inferred by Genesys and are only counted against seats).
    pub licenses: Vec<Id>,
    pub external_id: Option<ExternalId>,
    /// From the opt-in `utilization` column: only the media types the cell names.
    #[serde(default)]
    pub utilization: Vec<super::MediaCapacity>,
}

/// A field that differs between the org and the hire list (for `update`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDiff {
    pub field: String,
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowPlan {
    pub row: usize,
    pub line: usize,
    pub email: Text,
    /// The row's stable identity: `ext:authority:key` when it has an external id, else
    /// `email:<lowercased email>`. The journal keys on it.
    pub identity: Text,
    pub action: PlanAction,
    /// The matching org user, if any (shared with the snapshot's index, not copied).
    pub existing: Option<Arc<ExistingUser>>,
    /// Resolved desired state; None when the row is blocked or a deactivation. Boxed: a
    /// plan row moves through pre-flight a few times, and 100,000 of them are kept.
    pub desired: Option<Box<DesiredUser>>,
    pub diff: Vec<FieldDiff>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    pub rows: Vec<RowPlan>,
}

impl Plan {
    pub fn count(&self, action: PlanAction) -> usize {
        self.rows.iter().filter(|r| r.action == action).count()
    }
}
