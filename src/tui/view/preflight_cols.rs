//! Which hire-list columns the Pre-flight table shows, and how wide: as many as fit, in the
//! order of importance below (a wide terminal shows more of the row), each at least wide
//! enough to read and never wider than what the visible rows hold.

use crate::model::Field;
use crate::tui::app::Session;

/// One column of the table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub kind: Kind,
    pub title: String,
    pub width: u16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// The row number.
    Row,
    /// The name, from `name` or `first_name`/`last_name` (the list columns it covers).
    Name(Vec<usize>),
    /// A list column as written.
    List(usize),
    Status,
    Findings,
}

impl Kind {
    /// Whether the column shows list column `col` (for the cell cursor).
    pub fn shows(&self, col: usize) -> bool {
        match self {
            Kind::Name(cols) => cols.contains(&col),
            Kind::List(c) => *c == col,
            _ => false,
        }
    }
}

/// Known fields, most important first; unknown columns follow in the list's order.
const IMPORTANCE: [Field; 14] = [
    Field::Email,
    Field::Name,
    Field::Division,
    Field::Roles,
    Field::Queues,
    Field::Skills,
    Field::Languages,
    Field::Title,
    Field::Department,
    Field::ManagerEmail,
    Field::Phone,
    Field::Extension,
    Field::Licenses,
    Field::ExternalId,
];

/// The narrowest a column is shown at.
fn min_width(field: Option<Field>, title: &str, table: u16) -> u16 {
    // A wide table keeps the email and name readable before it adds more columns.
    let wide = table >= 120;
    let base: u16 = match field {
        Some(Field::Email) if wide => 28,
        Some(Field::Email) => 20,
        Some(Field::ManagerEmail) => 16,
        Some(Field::Name) if wide => 16,
        Some(Field::Name) => 12,
        Some(Field::Roles | Field::Queues | Field::Skills | Field::Languages) => 12,
        Some(Field::Phone | Field::ExternalId) => 12,
        _ => 10,
    };
    let head = u16::try_from(title.chars().count()).unwrap_or(u16::MAX);
    base.max(head.min(16))
}

/// The list's columns in the order they earn a place.
fn candidates(s: &Session) -> Vec<(Kind, String, Option<Field>)> {
    let mut out = Vec::new();
    for field in IMPORTANCE {
        if field == Field::Name {
            let cols: Vec<usize> = [Field::Name, Field::FirstName, Field::LastName]
                .iter()
                .filter_map(|f| s.col_of(*f))
                .collect();
            if !cols.is_empty() {
                out.push((Kind::Name(cols), "name".to_string(), Some(Field::Name)));
            }
            continue;
        }
        if let Some(c) = s.col_of(field) {
            out.push((Kind::List(c), title_of(s, c), Some(field)));
        }
    }
    for (c, f) in s.list.columns.iter().enumerate() {
        let known = f.is_some_and(|f| {
            IMPORTANCE.contains(&f) || matches!(f, Field::FirstName | Field::LastName)
        });
        // `action` is the row's own column, shown after the rest.
        if !known && s.col_of(Field::Action) != Some(c) {
            out.push((Kind::List(c), title_of(s, c), None));
        }
    }
    if let Some(c) = s.col_of(Field::Action) {
        out.push((Kind::List(c), title_of(s, c), Some(Field::Action)));
    }
    out
}

fn title_of(s: &Session, c: usize) -> String {
    crate::model::sanitize(s.list.headers.get(c).map(String::as_str).unwrap_or("")).into_owned()
}

/// The columns for a table `width` wide whose visible rows are `rows` (indices), with the
/// cell cursor on list column `selected` (on a wide table, its column is always shown).
pub fn choose(s: &Session, width: u16, rows: &[u32], selected: usize) -> Vec<Column> {
    const ROW: u16 = 6;
    const STATUS: u16 = 10;
    const FINDINGS: u16 = 8;
    let mut cands = candidates(s);
    if width >= 110
        && let Some(pos) = cands.iter().position(|(k, _, _)| k.shows(selected))
        && pos > 3
    {
        let c = cands.remove(pos);
        cands.insert(3, c);
    }
    // Row, status and findings always; spacing of 1 between columns.
    let mut used = ROW + STATUS + FINDINGS + 2;
    let mut chosen: Vec<(Kind, String, u16)> = Vec::new();
    for (kind, title, field) in cands {
        let w = min_width(field, &title, width);
        if used + w + 1 > width {
            break;
        }
        used += w + 1;
        chosen.push((kind, title, w));
    }
    // Share what is left, but no column grows past what its visible cells need.
    let mut left = width.saturating_sub(used);
    for (kind, title, w) in chosen.iter_mut() {
        let need = content_width(s, kind, rows).max(title.chars().count() as u16);
        let grow = need.saturating_sub(*w).min(left);
        *w += grow;
        left -= grow;
    }
    let mut out = vec![Column {
        kind: Kind::Row,
        title: "row".into(),
        width: ROW,
    }];
    out.extend(
        chosen
            .into_iter()
            .map(|(kind, title, width)| Column { kind, title, width }),
    );
    out.push(Column {
        kind: Kind::Status,
        title: "status".into(),
        width: STATUS,
    });
    out.push(Column {
        kind: Kind::Findings,
        title: "findings".into(),
        width: FINDINGS,
    });
    out
}

/// The widest cell of `kind` among `rows`.
fn content_width(s: &Session, kind: &Kind, rows: &[u32]) -> u16 {
    let w = rows
        .iter()
        .map(|i| match kind {
            Kind::Name(_) => s.display_name(*i as usize).chars().count(),
            Kind::List(c) => s
                .list
                .rows
                .get(*i as usize)
                .and_then(|r| r.cells.get(*c))
                .map(|v| v.chars().count())
                .unwrap_or(0),
            _ => 0,
        })
        .max()
        .unwrap_or(0);
    u16::try_from(w).unwrap_or(u16::MAX)
}
