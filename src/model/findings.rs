//! Pre-flight findings: severity, the finding codes (docs/contract.md §3), a finding.

use serde::{Deserialize, Serialize};

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
    // Queue-list codes (docs/contract.md §6), in [`FindingCode::QUEUES`].
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
    // Persona codes, in [`FindingCode::PERSONAS`].
    UnknownPersona,
    PersonaInvalid,
    PersonaConflict,
    PersonaRemovesNothing,
    SkillLimit,
    // Codes of `clone` and `drift` (one reference across orgs), in [`FindingCode::CLONE`].
    MissingInTarget,
    MapTargetUnknown,
    NotPortable,
    SourceUserNotFound,
    SourceUserInactive,
    WillCreate,
    LimitedVisibility,
    RoleDefinitionDiffers,
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

    /// The codes only a queue list has; a queue list also uses `missing_field`,
    /// `invalid_value`, `invalid_phone`, `duplicate_in_file`, `unknown_column`,
    /// `unknown_division`, `unknown_queue`, `unknown_skill` and `division_mismatch` from
    /// [`FindingCode::ALL`] (the hire-list codes).
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

    /// Codes about personas (a hire list's `persona` column and the personas file).
    pub const PERSONAS: [FindingCode; 5] = [
        FindingCode::UnknownPersona,
        FindingCode::PersonaInvalid,
        FindingCode::PersonaConflict,
        FindingCode::PersonaRemovesNothing,
        FindingCode::SkillLimit,
    ];

    /// Codes of `clone` and `drift`: the reference and the target orgs. `ambiguous_name` is
    /// a queue-list code too: a clone reports it for a name of the reference two objects of
    /// a target org share.
    pub const CLONE: [FindingCode; 9] = [
        FindingCode::MissingInTarget,
        FindingCode::MapTargetUnknown,
        FindingCode::NotPortable,
        FindingCode::SourceUserNotFound,
        FindingCode::SourceUserInactive,
        FindingCode::AmbiguousName,
        FindingCode::WillCreate,
        FindingCode::LimitedVisibility,
        FindingCode::RoleDefinitionDiffers,
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
            FindingCode::UnknownPersona => "unknown_persona",
            FindingCode::PersonaInvalid => "persona_invalid",
            FindingCode::PersonaConflict => "persona_conflict",
            FindingCode::PersonaRemovesNothing => "persona_removes_nothing",
            FindingCode::SkillLimit => "skill_limit",
            FindingCode::MissingInTarget => "missing_in_target",
            FindingCode::MapTargetUnknown => "map_target_unknown",
            FindingCode::NotPortable => "not_portable",
            FindingCode::SourceUserNotFound => "source_user_not_found",
            FindingCode::SourceUserInactive => "source_user_inactive",
            FindingCode::WillCreate => "will_create",
            FindingCode::LimitedVisibility => "limited_visibility",
            FindingCode::RoleDefinitionDiffers => "role_definition_differs",
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
            | FindingCode::WrapupMandatoryWithoutCodes
            | FindingCode::PersonaConflict
            | FindingCode::PersonaRemovesNothing
            | FindingCode::SkillLimit
            | FindingCode::NotPortable
            | FindingCode::SourceUserInactive
            | FindingCode::WillCreate
            | FindingCode::LimitedVisibility
            | FindingCode::RoleDefinitionDiffers => Severity::Warning,
            _ => Severity::Error,
        }
    }
}

/// One pre-flight finding. File-level findings (e.g. `unknown_column`, a trunk out of
/// service) have no row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// The persona a finding of the personas file is about (then `row` is None).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub persona: Option<String>,
    /// The file a finding is in, when it is not the hire list (the personas file).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub file: Option<String>,
}
