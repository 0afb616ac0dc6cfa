//! Plain data shared by every module: the hire list, findings, the org snapshot, the plan,
//! engine events and the run report. No IO, no behaviour beyond small helpers.
//!
//! JSON field names here are onboard's own (docs/contract.md §3), not the Genesys API's; the
//! API's shapes live in `genesys` (client side) and `sim` (server side).

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// An org object's id (division, role, skill, language, queue, licence, user). Ids come from
/// the org snapshot and are shared, not copied: a 100,000-row plan names the same few
/// hundred ids over and over, and an `Arc<str>` clone costs no allocation.
pub type Id = Arc<str>;

/// A short per-row text (a cell, an email, a name): stored inline up to 24 bytes, so a large
/// hire list does not cost one heap block per cell.
pub type Text = compact_str::CompactString;

// ---------------------------------------------------------------------------------------------
// Hire list
// ---------------------------------------------------------------------------------------------

/// A column onboard understands (docs/contract.md §2). Header aliases map onto these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Email,
    Name,
    FirstName,
    LastName,
    Division,
    Department,
    Title,
    ManagerEmail,
    Roles,
    Skills,
    Languages,
    Queues,
    Phone,
    Extension,
    Licenses,
    ExternalId,
    Action,
}

impl Field {
    pub const ALL: [Field; 17] = [
        Field::Email,
        Field::Name,
        Field::FirstName,
        Field::LastName,
        Field::Division,
        Field::Department,
        Field::Title,
        Field::ManagerEmail,
        Field::Roles,
        Field::Skills,
        Field::Languages,
        Field::Queues,
        Field::Phone,
        Field::Extension,
        Field::Licenses,
        Field::ExternalId,
        Field::Action,
    ];

    /// The canonical column name (docs/contract.md §2), also used as `field` in findings.
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Email => "email",
            Field::Name => "name",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Division => "division",
            Field::Department => "department",
            Field::Title => "title",
            Field::ManagerEmail => "manager_email",
            Field::Roles => "roles",
            Field::Skills => "skills",
            Field::Languages => "languages",
            Field::Queues => "queues",
            Field::Phone => "phone",
            Field::Extension => "extension",
            Field::Licenses => "licenses",
            Field::ExternalId => "external_id",
            Field::Action => "action",
        }
    }
}

/// A hire list as loaded: the header row exactly as written, what each column means, and
/// the rows as raw cells (so an edited list can be written back without losing anything).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct HireList {
    /// Display name of the source (file name), used in reports.
    pub source: String,
    /// Header cells as written in the file, in order.
    pub headers: Vec<String>,
    /// For each header index, the field it maps to (`None` = unknown column, kept as is).
    pub columns: Vec<Option<Field>>,
    pub rows: Vec<HireRow>,
    /// The cell separator the file uses (detected on reading; written back the same way).
    #[serde(default)]
    pub separator: Separator,
}

/// The character between cells. Contract §2 says commas; spreadsheets in locales with a
/// decimal comma save `;`, and some exports use tabs, so those are detected and read too.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Separator {
    #[default]
    Comma,
    Semicolon,
    Tab,
}

impl Separator {
    pub const ALL: [Separator; 3] = [Separator::Comma, Separator::Semicolon, Separator::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Separator::Comma => b',',
            Separator::Semicolon => b';',
            Separator::Tab => b'\t',
        }
    }

    /// For people: "semicolons (;)".
    pub fn describe(self) -> &'static str {
        match self {
            Separator::Comma => "commas (,)",
            Separator::Semicolon => "semicolons (;)",
            Separator::Tab => "tabs",
        }
    }
}

impl HireList {
    /// Index of the column holding `field`, if the list has one.
    pub fn column_of(&self, field: Field) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    /// The same list without its rows (header, columns and source kept).
    pub fn clone_header(&self) -> HireList {
        HireList {
            source: self.source.clone(),
            headers: self.headers.clone(),
            columns: self.columns.clone(),
            rows: Vec::new(),
            separator: self.separator,
        }
    }

    /// The raw (trimmed) cell of `field` in `row`, or "" when absent.
    pub fn cell<'a>(&self, row: &'a HireRow, field: Field) -> &'a str {
        self.column_of(field)
            .and_then(|i| row.cells.get(i))
            .map(str::trim)
            .unwrap_or("")
    }
}

/// One data row: raw cells aligned with `HireList::headers`. A short row keeps the cells it
/// had (pre-flight reports it; nothing is guessed), so `cells.len()` may be below the
/// header's; reading past the end gives "".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HireRow {
    /// 1-based data row number (first data row = 1).
    pub row: usize,
    /// 1-based physical line in the file where the row starts.
    pub line: usize,
    pub cells: Cells,
}

/// A row's cells in one buffer: their text back to back, and where each cell ends. A
/// 100,000-row list costs two heap blocks per row this way instead of one per cell.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Cells {
    text: Box<str>,
    ends: Box<[u32]>,
}

impl Cells {
    pub fn new<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> Cells {
        let mut text = String::new();
        let mut ends = Vec::new();
        for c in cells {
            text.push_str(c.as_ref());
            // A row over 4 GiB cannot come from a file onboard reads whole; saturate anyway.
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Cells {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Every cell's text back to back: one scan of it answers "does any cell hold X".
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Cell `i`, or None past the end.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i {
            0 => 0,
            _ => self.ends.get(i - 1).map_or(0, |&e| e as usize),
        };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// Set cell `i` to `value`, padding with empty cells when the row is shorter.
    pub fn set(&mut self, i: usize, value: &str) {
        let n = self.len().max(i + 1);
        let updated = Cells::new((0..n).map(|j| {
            if j == i {
                value
            } else {
                self.get(j).unwrap_or("")
            }
        }));
        *self = updated;
    }
}

impl Cells {
    /// Keep the first `n` cells (no change when there are `n` or fewer).
    pub fn truncate(&mut self, n: usize) {
        if n < self.len() {
            *self = Cells::new(self.iter().take(n));
        }
    }
}

impl std::ops::Index<usize> for Cells {
    type Output = str;
    /// Cell `i`; "" past the end (a short row's missing cells read as empty).
    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or("")
    }
}

impl std::fmt::Debug for Cells {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Cells {
    fn eq(&self, other: &Vec<S>) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl Serialize for Cells {
    fn serialize<Se: serde::Serializer>(&self, s: Se) -> Result<Se::Ok, Se::Error> {
        s.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for Cells {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(Cells::new(Vec::<String>::deserialize(d)?))
    }
}

// ---------------------------------------------------------------------------------------------
// Findings (docs/contract.md §3)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    MissingField,
    InvalidEmail,
    InvalidPhone,
    InvalidExtension,
    InvalidProficiency,
    InvalidValue,
    DuplicateInFile,
    DuplicateInRow,
    ShortRow,
    UnknownDivision,
    UnknownRole,
    UnknownSkill,
    UnknownLanguage,
    UnknownQueue,
    UnknownManager,
    UnknownLicense,
    DivisionMismatch,
    LicenseShortfall,
    DidUnavailable,
    ExtensionConflict,
    TrunkCapacity,
    TrunkOutOfService,
    ExistingUser,
    DeletedUser,
    InactiveUser,
    UnknownColumn,
    /// The org part of the check did not finish for this row (its load was cancelled).
    OrgNotChecked,
    // Queue-list codes (spec queues.md §4), in [`FindingCode::QUEUES`].
    AcwTimeoutNotAllowed,
    UnknownWrapupCode,
    UnknownFlow,
    FlowTypeMismatch,
    UnknownSkillGroup,
    UnknownGroup,
    UnknownMember,
    AmbiguousName,
    ExistingQueue,
    QueueDivisionMove,
    QueueMemberLimit,
    SkillNotCovered,
    QueueUnstaffed,
    WrapupMandatoryWithoutCodes,
}

impl FindingCode {
    pub const ALL: [FindingCode; 27] = [
        FindingCode::MissingField,
        FindingCode::InvalidEmail,
        FindingCode::InvalidPhone,
        FindingCode::InvalidExtension,
        FindingCode::InvalidProficiency,
        FindingCode::InvalidValue,
        FindingCode::DuplicateInFile,
        FindingCode::DuplicateInRow,
        FindingCode::ShortRow,
        FindingCode::UnknownDivision,
        FindingCode::UnknownRole,
        FindingCode::UnknownSkill,
        FindingCode::UnknownLanguage,
        FindingCode::UnknownQueue,
        FindingCode::UnknownManager,
        FindingCode::UnknownLicense,
        FindingCode::DivisionMismatch,
        FindingCode::LicenseShortfall,
        FindingCode::DidUnavailable,
        FindingCode::ExtensionConflict,
        FindingCode::TrunkCapacity,
        FindingCode::TrunkOutOfService,
        FindingCode::ExistingUser,
        FindingCode::DeletedUser,
        FindingCode::InactiveUser,
        FindingCode::UnknownColumn,
        FindingCode::OrgNotChecked,
    ];

    /// The codes only a queue list has (spec queues.md §4); a queue list also uses
    /// `missing_field`, `invalid_value`, `invalid_phone`, `duplicate_in_file`,
    /// `unknown_column`, `unknown_division`, `unknown_queue`, `unknown_skill` and
    /// `division_mismatch` from [`FindingCode::ALL`] (the hire-list codes).
    pub const QUEUES: [FindingCode; 14] = [
        FindingCode::AcwTimeoutNotAllowed,
        FindingCode::UnknownWrapupCode,
        FindingCode::UnknownFlow,
        FindingCode::FlowTypeMismatch,
        FindingCode::UnknownSkillGroup,
        FindingCode::UnknownGroup,
        FindingCode::UnknownMember,
        FindingCode::AmbiguousName,
        FindingCode::ExistingQueue,
        FindingCode::QueueDivisionMove,
        FindingCode::QueueMemberLimit,
        FindingCode::SkillNotCovered,
        FindingCode::QueueUnstaffed,
        FindingCode::WrapupMandatoryWithoutCodes,
    ];

    /// The stable identifier, e.g. `unknown_skill`.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::MissingField => "missing_field",
            FindingCode::InvalidEmail => "invalid_email",
            FindingCode::InvalidPhone => "invalid_phone",
            FindingCode::InvalidExtension => "invalid_extension",
            FindingCode::InvalidProficiency => "invalid_proficiency",
            FindingCode::InvalidValue => "invalid_value",
            FindingCode::DuplicateInFile => "duplicate_in_file",
            FindingCode::DuplicateInRow => "duplicate_in_row",
            FindingCode::ShortRow => "short_row",
            FindingCode::UnknownDivision => "unknown_division",
            FindingCode::UnknownRole => "unknown_role",
            FindingCode::UnknownSkill => "unknown_skill",
            FindingCode::UnknownLanguage => "unknown_language",
            FindingCode::UnknownQueue => "unknown_queue",
            FindingCode::UnknownManager => "unknown_manager",
            FindingCode::UnknownLicense => "unknown_license",
            FindingCode::DivisionMismatch => "division_mismatch",
            FindingCode::LicenseShortfall => "license_shortfall",
            FindingCode::DidUnavailable => "did_unavailable",
            FindingCode::ExtensionConflict => "extension_conflict",
            FindingCode::TrunkCapacity => "trunk_capacity",
            FindingCode::TrunkOutOfService => "trunk_out_of_service",
            FindingCode::ExistingUser => "existing_user",
            FindingCode::DeletedUser => "deleted_user",
            FindingCode::InactiveUser => "inactive_user",
            FindingCode::UnknownColumn => "unknown_column",
            FindingCode::OrgNotChecked => "org_not_checked",
            FindingCode::AcwTimeoutNotAllowed => "acw_timeout_not_allowed",
            FindingCode::UnknownWrapupCode => "unknown_wrapup_code",
            FindingCode::UnknownFlow => "unknown_flow",
            FindingCode::FlowTypeMismatch => "flow_type_mismatch",
            FindingCode::UnknownSkillGroup => "unknown_skill_group",
            FindingCode::UnknownGroup => "unknown_group",
            FindingCode::UnknownMember => "unknown_member",
            FindingCode::AmbiguousName => "ambiguous_name",
            FindingCode::ExistingQueue => "existing_queue",
            FindingCode::QueueDivisionMove => "queue_division_move",
            FindingCode::QueueMemberLimit => "queue_member_limit",
            FindingCode::SkillNotCovered => "skill_not_covered",
            FindingCode::QueueUnstaffed => "queue_unstaffed",
            FindingCode::WrapupMandatoryWithoutCodes => "wrapup_mandatory_without_codes",
        }
    }

    /// The code's severity (docs/contract.md §3): every finding of a code has it.
    /// `division_mismatch` is a warning on a queue and on a role scope alike: neither makes
    /// the API refuse the user, it only limits what they see (docs/genesys-api-notes.md
    /// §11.10).
    pub fn severity(self) -> Severity {
        match self {
            FindingCode::DivisionMismatch
            | FindingCode::TrunkCapacity
            | FindingCode::TrunkOutOfService
            | FindingCode::ExistingUser
            | FindingCode::DeletedUser
            | FindingCode::InactiveUser
            | FindingCode::UnknownColumn
            | FindingCode::ExistingQueue
            | FindingCode::QueueDivisionMove
            | FindingCode::SkillNotCovered
            | FindingCode::QueueUnstaffed
            | FindingCode::WrapupMandatoryWithoutCodes => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One pre-flight finding. File-level findings (e.g. `unknown_column`, a trunk out of
/// service) have no row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub row: Option<usize>,
    pub line: Option<usize>,
    pub email: Option<String>,
    pub field: Option<String>,
    pub code: FindingCode,
    pub severity: Severity,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub suggestion: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// The org as onboard sees it (loaded by `genesys`, read by `preflight`)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct OrgSnapshot {
    /// The org's id (`GET /api/v2/organizations/me`): binds journals and locks to it.
    #[serde(default)]
    pub org_id: Option<String>,
    pub org_name: Option<String>,
    pub divisions: Vec<Division>,
    pub roles: Vec<Role>,
    pub skills: Vec<Named>,
    pub languages: Vec<Named>,
    pub queues: Vec<Queue>,
    pub licenses: Vec<License>,
    pub trunks: Vec<Trunk>,
    pub did_pools: Vec<NumberPool>,
    /// DIDs the org reports as assigned (with their owner), from `/didpools/dids`.
    pub assigned_dids: Vec<AssignedNumber>,
    pub extension_pools: Vec<NumberPool>,
    /// Extensions in use (with their owner).
    pub used_extensions: Vec<AssignedNumber>,
    /// Users in the org that currently have a phone (DID or extension) — the base load on
    /// trunk capacity before this list runs.
    pub phone_enabled_users: u32,
    /// Agents allowed per trunk channel (profile config; default 1.0).
    pub agents_per_channel: f64,
    /// The existing users the hire list names (by email or external id), in any state.
    /// Shared with pre-flight's index and the plan rows that match them.
    pub users: Vec<Arc<ExistingUser>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Division {
    pub id: String,
    pub name: String,
    pub home: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Role {
    pub id: String,
    pub name: String,
    /// Licence implied by the role (`baseLicense`), e.g. `cx2`.
    pub base_license: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub id: String,
    pub name: String,
    pub division_id: String,
    pub member_count: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct License {
    pub id: String,
    pub description: String,
    pub seats: Seats,
}

/// A seat count; `Unknown` makes the check say so instead of guessing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "source", rename_all = "snake_case")]
pub enum Seats {
    Known {
        total: u32,
        used: u32,
        /// Where the count came from (the check says so).
        #[serde(default)]
        from: FigureSource,
    },
    Unknown,
}

impl Seats {
    pub fn free(self) -> Option<u32> {
        match self {
            Seats::Known { total, used, .. } => Some(total.saturating_sub(used)),
            Seats::Unknown => None,
        }
    }
}

/// Where a figure that the API does not type came from. The org's figure rests on an
/// assumption the real API may not share (licence seats from billing products matched to
/// licence ids; trunk channels from a trunk-base property: docs/genesys-api-notes.md §10), so the
/// profile's setting, when there is one, overrides it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FigureSource {
    /// Read from the org (billing contract products, trunk base settings).
    #[default]
    Org,
    /// Set in the profile (`license_seats`, `trunk_channels`).
    Profile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Trunk {
    pub id: String,
    pub name: String,
    pub in_service: bool,
    /// Channel count from the profile, else the trunk base settings' properties; None =
    /// unknown.
    pub channels: Option<u32>,
    /// Where `channels` came from.
    #[serde(default)]
    pub channels_from: FigureSource,
}

/// A DID pool (E.164 numbers) or an extension pool (digits); inclusive range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NumberPool {
    pub id: String,
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssignedNumber {
    pub number: String,
    pub owner_id: Option<String>,
    /// `USER`, `PHONE`, `IVR_CONFIG`, `GROUP`, … as the API says.
    pub owner_type: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UserState {
    Active,
    Inactive,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Grant {
    pub role_id: Id,
    pub division_id: Id,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Proficiency {
    pub id: Id,
    pub proficiency: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ExternalId {
    pub authority: Text,
    pub key: Text,
}

/// A user that exists in the org, as far as provisioning cares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExistingUser {
    pub id: Id,
    pub name: String,
    pub email: String,
    pub state: UserState,
    pub version: i64,
    pub division_id: Id,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager_id: Option<Id>,
    /// Work phone (E.164) from `addresses`.
    pub phone: Option<String>,
    pub extension: Option<String>,
    pub grants: Vec<Grant>,
    pub skills: Vec<Proficiency>,
    pub languages: Vec<Proficiency>,
    pub queue_ids: Vec<Id>,
    pub licenses: Vec<Id>,
    /// In a snapshot: the hire list's external ids that this user holds (each was looked up
    /// once, so no per-user read is needed); other ids the user may hold are not listed.
    pub external_ids: Vec<ExternalId>,
    /// Every entry of the user's `addresses` exactly as the org returned it. A PATCH that
    /// sets `addresses` replaces the whole list, so an update of the work phone sends the
    /// other contacts (mobile, home, SMS, e-mails…) back from here, unchanged.
    #[serde(default)]
    pub addresses: Vec<RawContact>,
}

/// One `addresses` entry as the org returned it: every field, known to onboard or not.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct RawContact(pub serde_json::Map<String, serde_json::Value>);

// ---------------------------------------------------------------------------------------------
// The plan (made by `preflight`, executed by `engine`)
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Execution: steps, outcomes, events, the report (docs/contract.md §3)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Lookup,
    CreateUser,
    RestoreUser,
    ReactivateUser,
    UpdateUser,
    DeactivateUser,
    Manager,
    Division,
    Roles,
    Skills,
    Languages,
    Queues,
    Licenses,
    ExternalId,
    Invite,
    Password,
    Verify,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Lookup => "lookup",
            Step::CreateUser => "create_user",
            Step::RestoreUser => "restore_user",
            Step::ReactivateUser => "reactivate_user",
            Step::UpdateUser => "update_user",
            Step::DeactivateUser => "deactivate_user",
            Step::Manager => "manager",
            Step::Division => "division",
            Step::Roles => "roles",
            Step::Skills => "skills",
            Step::Languages => "languages",
            Step::Queues => "queues",
            Step::Licenses => "licenses",
            Step::ExternalId => "external_id",
            Step::Invite => "invite",
            Step::Password => "password",
            Step::Verify => "verify",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    Ok,
    Failed,
    /// Nothing to do (already as desired).
    Skipped,
    /// A write whose outcome is not known (dropped connection after send).
    Unknown,
}

/// One step of one row, as the failures drilldown and the report show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StepResult {
    pub step: Step,
    pub status: StepStatus,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub http_status: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub context_id: Option<String>,
    #[serde(skip_serializing_if = "is_zero", default)]
    pub attempts: u32,
    /// The request that failed, e.g. `POST /api/v2/routing/queues/{id}/members` (no body, no secrets).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub request: Option<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Created,
    Updated,
    Restored,
    Reactivated,
    Deactivated,
    Unchanged,
    Failed,
    /// The admin chose not to run the row (a skip, or a row blocked by its findings).
    Skipped,
    /// The run stopped after the row had begun: some of its steps ran (its user may exist).
    Interrupted,
    /// The run stopped before anything of the row was attempted.
    NotReached,
}

impl Outcome {
    /// The row still needs a run: it failed, or a stopped run left it unfinished.
    pub fn needs_retry(self) -> bool {
        matches!(
            self,
            Outcome::Failed | Outcome::Interrupted | Outcome::NotReached
        )
    }

    /// The stable name used in reports (docs/contract.md §3).
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Created => "created",
            Outcome::Updated => "updated",
            Outcome::Restored => "restored",
            Outcome::Reactivated => "reactivated",
            Outcome::Deactivated => "deactivated",
            Outcome::Unchanged => "unchanged",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::Interrupted => "interrupted",
            Outcome::NotReached => "not_reached",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowReport {
    pub row: usize,
    pub email: String,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub user_id: Option<String>,
    pub steps: Vec<StepResult>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub total: usize,
    pub succeeded: usize,
    pub failed: usize,
    pub skipped: usize,
    pub unchanged: usize,
    /// Rows a stopped run left begun but unfinished.
    #[serde(default)]
    pub interrupted: usize,
    /// Rows a stopped run never attempted.
    #[serde(default)]
    pub not_reached: usize,
}

/// Counters the client keeps (requests made, 429s, retries, bytes) plus elapsed time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct ApiStats {
    pub requests: u64,
    pub throttled: u64,
    pub retries: u64,
    #[serde(skip_serializing_if = "is_zero_u64", default)]
    pub bytes: u64,
    pub elapsed_s: f64,
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub summary: ReportSummary,
    pub api: ApiStats,
    pub rows: Vec<RowReport>,
}

/// Live progress from the engine (bounded channel; the TUI and the headless line read it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum EngineEvent {
    Started {
        rows: usize,
        estimated_requests: u64,
    },
    Step {
        row: usize,
        result: StepResult,
    },
    RowDone {
        report: RowReport,
    },
    Rate {
        stats: ApiStats,
        /// Requests per second over the last few seconds.
        requests_per_s: f64,
        /// What the org allows, per second (from `inin-ratelimit-allowed`), if known.
        allowed_per_s: Option<f64>,
        eta_s: Option<f64>,
        /// The client's tokens: (live, pool size), when the client has a pool. The allowed
        /// rate above is that of the live tokens; more are minted as the run needs them.
        tokens: Option<(usize, usize)>,
    },
    Paused,
    Resumed,
    Log {
        message: String,
    },
    Finished {
        report: Report,
        cancelled: bool,
    },
}

/// Snapshot loading progress (per resource), shown on the Load screen.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadProgress {
    pub resource: String,
    pub loaded: usize,
    pub total: Option<usize>,
    pub done: bool,
    /// Seconds left at the pace so far, when the loader can tell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_s: Option<u64>,
}

/// Arbitrary extra key/values (e.g. unknown columns) in stable order.
pub type Extras = BTreeMap<String, String>;

/// Replace control characters (from files or the API) with visible escapes before they reach
/// a terminal: `\x1b` → `\u{1b}` style, tabs and newlines as `\t`/`\n`.
pub fn sanitize(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `20000` → `20,000`.
pub fn fmt_count(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1m 15s left`, `40s left`.
pub fn fmt_left(secs: u64) -> String {
    format!("{} left", human_duration(secs as f64))
}

/// The one duration format of every front end: `45s`, `3m 20s`, `2h 05m`.
pub fn human_duration(secs: f64) -> String {
    let s = secs.max(0.0).round() as u64;
    if s >= 3600 {
        format!("{}h {:02}m", s / 3600, (s % 3600) / 60)
    } else if s >= 60 {
        format!("{}m {:02}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_control_characters() {
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("x\ny\tz\u{9b}"), "x\\ny\\tz\\u{9b}");
    }

    #[test]
    fn finding_codes_round_trip_and_severity() {
        for code in FindingCode::ALL.into_iter().chain(FindingCode::QUEUES) {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!(FindingCode::TrunkCapacity.severity(), Severity::Warning);
        assert_eq!(FindingCode::UnknownSkill.severity(), Severity::Error);
    }

    #[test]
    fn cells_get_set_and_serialize() {
        let mut c = Cells::new(["a@x.com", "", "Ana Lima"]);
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(0), Some("a@x.com"));
        assert_eq!(c.get(1), Some(""));
        assert_eq!(&c[2], "Ana Lima");
        assert_eq!(c.get(3), None);
        assert_eq!(&c[7], "", "past the end reads as an empty cell");
        c.set(1, "Sales");
        c.set(4, "x");
        assert_eq!(c, vec!["a@x.com", "Sales", "Ana Lima", "", "x"]);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"["a@x.com","Sales","Ana Lima","","x"]"#);
        assert_eq!(serde_json::from_str::<Cells>(&json).unwrap(), c);
        assert!(Cells::default().is_empty());
        assert_eq!(Cells::new([""; 0]).iter().count(), 0);
    }

    #[test]
    fn seats_free_never_underflows() {
        let known = |total, used| Seats::Known {
            total,
            used,
            from: FigureSource::Org,
        };
        assert_eq!(known(5, 7).free(), Some(0));
        assert_eq!(known(9, 7).free(), Some(2));
        assert_eq!(Seats::Unknown.free(), None);
    }
}
