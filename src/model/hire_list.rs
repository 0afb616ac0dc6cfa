//! The hire list: columns onboard understands, separators, rows and their cells.

use serde::{Deserialize, Serialize};

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
    /// Opt-in: per-media maximum capacity (`call=1; chat=3`).
    Utilization,
}

impl Field {
    pub const ALL: [Field; 18] = [
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
        Field::Utilization,
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
            Field::Utilization => "utilization",
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
