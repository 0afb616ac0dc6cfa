//! Row integrity: what the CSV itself got wrong, before any cell is interpreted — a row with
//! fewer or more cells than the header, control characters and line breaks (a line break
//! in a cell is the mark of an unbalanced quote that swallowed the lines after it), and
//! cells longer than the API takes.
//!
//! Kept cheap for 100,000-row lists: one scan of the row's text (its cells back to back)
//! and an O(1) length test per cell; nothing is allocated unless something is found.

use super::rules::Ctx;
use crate::model::{Field, FindingCode, HireList, HireRow};
use std::borrow::Cow;

/// The longest cell onboard accepts in any column, in bytes, whatever the column: a cell
/// this long is a damaged file (or a 10 MB paste), and would otherwise fail at run time
/// (413) or be echoed into every message. 32 KiB is far above any real list of roles,
/// skills or queues.
pub const MAX_CELL_BYTES: usize = 32 * 1024;

/// The shortest per-field limit below: a row whose whole text is no longer than this has no
/// cell over any limit.
const SHORTEST_LIMIT: usize = 254;

/// The longest value Genesys Cloud takes for a field, in characters; `None` for the
/// multi-valued columns, which are never sent as one string (only [`MAX_CELL_BYTES`]).
///
/// Sources, and where none was found:
/// - `email`, `manager_email`: 254. RFC 5321 §4.5.3.1.3 limits a path to 256 octets
///   including its angle brackets, so an address to 254 (RFC 3696 erratum 1690). Genesys
///   documents no other limit.
/// - `name`, `first_name`, `last_name`, `title`, `department`: 255. Genesys documents no
///   limit: `CreateUser` and `UpdateUser` in the official Python SDK
///   (`PureCloudPlatformClientV2/models/create_user.py`) declare `name`, `department`,
///   `title` and `email` as plain strings with no maxLength, and neither the API reference
///   nor Terraform's `genesyscloud_user` schema validates a length. 255 as issue 10 asks
///   where none is documented. A composed `first_name last_name` must fit too.
/// - every other single-valued column (division, phone, extension, external id, action):
///   255, likewise undocumented; their own rules reject most long values anyway.
pub fn max_chars(field: Field) -> Option<usize> {
    match field {
        Field::Email | Field::ManagerEmail => Some(254),
        Field::Roles
        | Field::Skills
        | Field::Languages
        | Field::Queues
        | Field::Licenses
        | Field::Utilization => None,
        _ => Some(255),
    }
}

/// Fields whose cell is over its limit. The row's other rules read them as empty, so a
/// 10 MB cell is reported once (by length) and not echoed into further messages.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Unusable(u32);

impl Unusable {
    pub fn has(self, f: Field) -> bool {
        self.0 & (1 << f as u32) != 0
    }

    fn add(&mut self, f: Field) {
        self.0 |= 1 << f as u32;
    }
}

/// Whether `cell` (in `field`'s column, or an unknown column) is longer than onboard takes.
pub fn over_limit(field: Option<Field>, cell: &str) -> bool {
    match field.and_then(max_chars) {
        // Bytes ≥ characters: a cell within the limit in bytes needs no counting.
        Some(limit) => {
            let t = cell.trim();
            t.len() > limit && t.chars().count() > limit
        }
        None => cell.len() > MAX_CELL_BYTES,
    }
}

/// The fields of `row` whose cell is over its limit (cheap: nothing to do for a row whose
/// whole text is short).
pub fn unusable(list: &HireList, row: &HireRow) -> Unusable {
    let mut out = Unusable::default();
    if row.cells.text().len() <= SHORTEST_LIMIT {
        return out;
    }
    for (i, cell) in row.cells.iter().enumerate() {
        if let Some(f) = list.columns.get(i).copied().flatten()
            && over_limit(Some(f), cell)
        {
            out.add(f);
        }
    }
    out
}

/// Every integrity finding of the row behind `cx`.
pub fn report(cx: &mut Ctx, list: &HireList) {
    row_width(cx, list);
    let text = cx.row.cells.text();
    // A control character is below 0x20, 0x7F, or U+0080–U+009F, whose UTF-8 lead byte is
    // 0xC2: one byte test finds every row that may hold one.
    if text.bytes().any(|b| b < 0x20 || b == 0x7F || b == 0xC2) {
        control_characters(cx, list);
    }
    if text.len() > SHORTEST_LIMIT {
        lengths(cx, list);
    }
}

/// A column's name in findings: the field's canonical name, else the header as written,
/// else its position.
fn column_label(list: &HireList, i: usize) -> Cow<'_, str> {
    match list.columns.get(i).copied().flatten() {
        Some(f) => Cow::Borrowed(f.as_str()),
        None => match list.headers.get(i).map(|h| h.trim()) {
            Some(h) if !h.is_empty() => Cow::Borrowed(h),
            _ => Cow::Owned(format!("column {}", i + 1)),
        },
    }
}

/// `short_row` when cells are missing (they are not guessed: a missing comma shifts every
/// later value into the wrong column); `invalid_value` when there are extra cells.
fn row_width(cx: &mut Ctx, list: &HireList) {
    let (have, want) = (cx.row.cells.len(), list.headers.len());
    if have < want {
        let missing: Vec<Cow<str>> = (have..want)
            .take(4)
            .map(|i| column_label(list, i))
            .collect();
        let more = if want - have > missing.len() {
            ", …"
        } else {
            ""
        };
        cx.push(
            None,
            FindingCode::ShortRow,
            format!(
                "this row has {have} cells but the header has {want} columns (no cell for {}{more}); a comma or quote is probably missing — fix the row in the file so every value sits under its header",
                missing.join(", ")
            ),
            None,
        );
    } else if have > want {
        cx.push(
            None,
            FindingCode::InvalidValue,
            format!(
                "this row has {have} cells but the header has {want} columns; remove the extra cells or quote the cell that contains a comma"
            ),
            None,
        );
    }
}

fn describe_control(c: char) -> Cow<'static, str> {
    match c {
        '\0' => "NUL (U+0000)".into(),
        '\t' => "a tab (U+0009)".into(),
        '\r' => "a carriage return (U+000D)".into(),
        c => format!("U+{:04X}", u32::from(c)).into(),
    }
}

/// One `invalid_value` per cell holding a control character. A line break can only come
/// from a quoted cell (the parser ends a record at an unquoted one), so the message names
/// the line where that quote opened: the row's first line plus the breaks in the cells
/// before it.
fn control_characters(cx: &mut Ctx, list: &HireList) {
    let row = cx.row;
    let mut line = row.line;
    for (i, cell) in row.cells.iter().enumerate() {
        let breaks = cell.bytes().filter(|&b| b == b'\n').count();
        if let Some((pos, c)) = cell.chars().enumerate().find(|(_, c)| c.is_control()) {
            let col = column_label(list, i);
            let message = if breaks > 0 {
                // The last line the cell's text reaches (a swallowed final newline is no line).
                let end = line
                    + cell
                        .trim_end_matches(['\r', '\n'])
                        .bytes()
                        .filter(|&b| b == b'\n')
                        .count();
                let runs = if end > line {
                    format!(" and runs to line {end}")
                } else {
                    String::new()
                };
                format!(
                    "{col} holds a line break: its quoted cell opens on line {line}{runs}, so a quote is probably unbalanced and the lines after it were read into this cell; fix the quoting in the file (or remove the line break) and load it again"
                )
            } else {
                format!(
                    "{col} holds a control character, {} at character {}; remove it (it is invisible and would be stored as it is)",
                    describe_control(c),
                    pos + 1
                )
            };
            cx.push(Some(&col), FindingCode::InvalidValue, message, None);
        }
        line += breaks;
    }
}

/// One `invalid_value` per cell over its limit ([`max_chars`], [`MAX_CELL_BYTES`]).
fn lengths(cx: &mut Ctx, list: &HireList) {
    let row = cx.row;
    for (i, cell) in row.cells.iter().enumerate() {
        let field = list.columns.get(i).copied().flatten();
        if !over_limit(field, cell) {
            continue;
        }
        let col = column_label(list, i);
        let message = match field.and_then(max_chars) {
            Some(limit) => format!(
                "{col} is {} characters long; Genesys Cloud takes at most {limit} — shorten it",
                cell.trim().chars().count()
            ),
            None => format!(
                "{col} is {} bytes long, more than the {MAX_CELL_BYTES} onboard reads in one cell; the file is probably damaged (an unbalanced quote?) — fix the cell",
                cell.len()
            ),
        };
        cx.push(Some(&col), FindingCode::InvalidValue, message, None);
    }
}
