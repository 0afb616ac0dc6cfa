//! Personas: named bundles of hire-list attributes (`Billing Agent`, `Spanish`, `Team Lead`)
//! that a hire row names in its `persona` cell instead of spelling out roles, skills and queues.
//!
//! A personas file has the hire list's attribute columns and cell syntax, keyed by `persona`.
//! Resolution is pure and costs no request: each row's personas and its own cells compile to
//! the cells pre-flight already checks, with the source of every item kept for the diff.
//! The rules (the README's "Personas"):
//! 1. personas apply in cell order; list groups (roles, queues, licences) are a union; for a
//!    skill or language named twice, and for a scalar (division, title, department), the later
//!    persona wins, and the overwrite is reported (`persona_conflict`);
//! 2. then the row's own cells: a non-empty scalar overrides, list items add, `Name:prof`
//!    overrides the proficiency, and `-Name` removes an item a persona gave
//!    (`persona_removes_nothing` when none did).

mod capture;
mod check;
mod compile;
mod detail;
mod file;
mod map;
mod resolve;
mod target_names;
mod target_org;
mod with_list;

pub use capture::{Capture, Include, capture};
pub use check::check_personas;
pub use compile::{Compiled, compile, persona_column};
pub use detail::{DesiredItem, DesiredRow, desired};

pub use file::{PersonaFileError, from_hire_list, read_personas, upsert, write_personas};
pub use map::{MapKind, MapRow, OrgMap};
pub use resolve::{Note, Provenance, Resolution, Source, resolve};
pub use target_names::{CreateMissing, NewObject, ambiguous_names, to_create, will_create};
pub use target_org::{limited_visibility, role_differs};
pub use with_list::{PersonaChecked, check_with_personas};

use crate::model::Field;

/// The hire-list fields a persona may set, in the order they are resolved and reported.
pub const PERSONA_FIELDS: [Field; 9] = [
    Field::Division,
    Field::Department,
    Field::Title,
    Field::Roles,
    Field::Skills,
    Field::Languages,
    Field::Queues,
    Field::Licenses,
    Field::Utilization,
];

/// Whether two persona names are the same persona: case and surrounding space ignored.
pub fn same_name(a: &str, b: &str) -> bool {
    a.trim().to_lowercase() == b.trim().to_lowercase()
}

/// Whether a header names the persona column, in a personas file and in a hire list alike.
pub fn is_persona_header(h: &str) -> bool {
    matches!(
        crate::ingest::normalize_header(h).as_str(),
        "persona" | "personas" | "personaname" | "template" | "jobprofile"
    )
}

/// How a field combines across personas and the row's own cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combine {
    /// One value; a later source replaces an earlier one.
    Scalar,
    /// A set of items; sources add to it.
    Union,
    /// `Name:proficiency` items; a later proficiency for the same name replaces the earlier.
    Proficiency,
    /// `media=capacity` items (utilization); a later capacity for the same media type
    /// replaces the earlier, like a proficiency.
    Capacity,
}

impl Combine {
    /// Whether items are `name` + a value, a later value for a name replacing the earlier.
    pub fn keyed(self) -> bool {
        matches!(self, Combine::Proficiency | Combine::Capacity)
    }

    /// An item's name: a skill's without its proficiency, a media type without its
    /// capacity, anything else whole.
    pub fn name_of(self, item: &str) -> &str {
        match self {
            Combine::Proficiency => item.rsplit_once(':').map_or(item, |(n, _)| n),
            Combine::Capacity => item.split_once(['=', ':']).map_or(item, |(n, _)| n),
            Combine::Scalar | Combine::Union => item,
        }
    }
}

/// How `field` combines (None for a field no persona may set).
pub fn combine(field: Field) -> Option<Combine> {
    Some(match field {
        Field::Division | Field::Department | Field::Title => Combine::Scalar,
        Field::Roles | Field::Queues | Field::Licenses => Combine::Union,
        Field::Skills | Field::Languages => Combine::Proficiency,
        Field::Utilization => Combine::Capacity,
        _ => return None,
    })
}

/// One persona: its name, the line it is on in the file, and its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct Persona {
    pub name: String,
    /// 1-based line in the personas file (for messages).
    pub line: usize,
    /// The persona's cell for each of [`PERSONA_FIELDS`] it has a column for.
    pub cells: Vec<(Field, String)>,
}

impl Persona {
    /// The persona's cell for `field` ("" when it has none).
    pub fn cell(&self, field: Field) -> &str {
        self.cells
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// A personas file, read: the personas in file order, and what was wrong with the file itself.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonaSet {
    /// Display name of the file, for findings (`file: "personas.csv"`).
    pub source: String,
    pub personas: Vec<Persona>,
    /// Problems with the file that are not about one persona's values: columns onboard does not
    /// read from a personas file, a persona named twice, a row without a name.
    pub problems: Vec<FileProblem>,
}

impl PersonaSet {
    /// The persona called `name` (case-insensitive, surrounding space ignored); the first one
    /// when the file names it twice (the second is reported as a duplicate).
    pub fn get(&self, name: &str) -> Option<&Persona> {
        self.position(name).map(|i| &self.personas[i])
    }

    /// The index of the persona called `name` (see [`PersonaSet::get`]).
    pub fn position(&self, name: &str) -> Option<usize> {
        self.personas.iter().position(|p| same_name(&p.name, name))
    }

    /// The nearest persona name to an unknown `name`, for "did you mean".
    pub fn suggest(&self, name: &str) -> Option<String> {
        super::org::suggest(name, self.personas.iter().map(|p| p.name.as_str()))
    }
}

/// A problem with the personas file itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileProblem {
    /// A column that is not one of the persona fields (e.g. `email`, or a typo).
    UnusedColumn { header: String },
    /// A second persona with a name already used (the first one is the one rows get).
    DuplicatePersona {
        name: String,
        line: usize,
        first_line: usize,
    },
    /// A row with values but no persona name.
    MissingName { line: usize },
}

impl std::fmt::Display for FileProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileProblem::UnusedColumn { header } => write!(
                f,
                "column '{header}' is not read from a personas file (a persona sets division, department, title, roles, skills, languages, queues, licenses, utilization); remove it or rename it"
            ),
            FileProblem::DuplicatePersona {
                name,
                line,
                first_line,
            } => write!(
                f,
                "line {line}: persona '{name}' is already on line {first_line}; rows get the first one — merge the two lines or rename one"
            ),
            FileProblem::MissingName { line } => write!(
                f,
                "line {line}: the row has values but no persona name; name it in the persona column"
            ),
        }
    }
}
