//! What the Clone and Drift modes of the Load screen ask for: one reference (a live user of a
//! source org, or a persona of a file) copied to, or compared with, users of several target
//! orgs (saved profiles). `cli::tui` turns it into `clone`'s and `drift`'s arguments, so the
//! TUI runs exactly what the commands run.

use std::path::PathBuf;

/// Where the reference comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReferenceSource {
    /// A user of a source org (saved profile), read with a read-only client.
    Live { profile: String, email: String },
    /// A persona row of a personas file.
    Persona { file: PathBuf, name: String },
    /// Drift only: a hire list whose rows are each their own reference.
    Baseline { file: PathBuf },
}

/// Which users of each target org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetUsers {
    /// The reference's own email in each target org.
    SameEmail,
    /// These emails in each target org.
    Emails(Vec<String>),
    /// A hire list of targets (users it names that do not exist are created).
    List(PathBuf),
}

/// One Clone or Drift request, as the Load form holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiOrgRequest {
    pub reference: ReferenceSource,
    /// The groups copied or compared (`--include`): e.g. roles, skills, languages, queues.
    pub include: Vec<String>,
    /// Mirror mode: remove what the reference lacks (merge never removes).
    pub mirror: bool,
    /// Target profiles, in the order the admin picked them.
    pub targets: Vec<String>,
    pub users: TargetUsers,
    /// The mapping file (`--map`); the Pre-flight mapping actions append to it.
    pub map: Option<PathBuf>,
    /// Kinds created in the target when missing (`--create-missing`): skills, languages.
    pub create_missing: Vec<String>,
}
