//! Hire-list ingest (docs/contract.md §2): CSV bytes → [`HireList`] (raw cells + column map), and an
//! edited list back out with every column in its original order.
//!
//! Tolerant of what spreadsheets produce: a UTF-8 BOM, CRLF, quoted cells (with embedded
//! commas and newlines), `;`- or tab-separated files (detected from the header), blank lines
//! and all-empty rows (`,,,,`) anywhere. Ragged rows keep exactly the cells they have: a short
//! row is not padded (pre-flight reports it as `short_row`, nothing is guessed), a long row
//! keeps its extra cells. Bytes that are not UTF-8 are an error naming the line; a file that
//! is plainly not a hire list (JSON, XML/HTML, binary) is refused in one line. Never panics on
//! any input.
//!
//! Every CSV onboard writes goes through [`write`], which escapes cells that a spreadsheet
//! would run as a formula (docs/contract.md §3); [`read_bytes`] undoes that escape.

use crate::model::{Cells, Field, HireList, HireRow, Separator};
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

pub mod queues;

/// Why a hire list could not be read. Every message says what to do.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        #[source]
        source: io::Error,
    },
    #[error(
        "{source_name} is empty: it needs a header row (e.g. `email,name,roles`) and one row per hire"
    )]
    Empty { source_name: String },
    #[error(
        "{source_name} line {line}: byte 0x{byte:02X} at column {column} is not UTF-8; save the file as \"CSV UTF-8\" and try again"
    )]
    NotUtf8 {
        source_name: String,
        line: usize,
        column: usize,
        byte: u8,
    },
    #[error(
        "{source_name} is not a CSV hire list: it starts like {looks_like} and has no 'email' column; export the hires as CSV (UTF-8) with a header row such as `email,name,roles` and try again"
    )]
    NotCsv {
        source_name: String,
        looks_like: &'static str,
    },
    #[error(
        "{source_name} is not a CSV queue list: it starts like {looks_like} and has no 'name' column; export the queues as CSV (UTF-8) with a header row such as `name,division,acw,wrapup_codes` and try again"
    )]
    NotQueueCsv {
        source_name: String,
        looks_like: &'static str,
    },
    #[error(
        "{source_name} is empty: it needs a header row (e.g. `name,division,wrapup_codes`) and one row per queue"
    )]
    QueuesEmpty { source_name: String },
    #[error("{source_name} line {line}: {message}")]
    Csv {
        source_name: String,
        line: usize,
        message: String,
    },
}

/// Read a hire list from a file; the list's `source` is the file name.
pub fn read_path(path: &Path) -> Result<HireList, IngestError> {
    let (name, bytes) = read_file(path)?;
    read_bytes(&name, &bytes)
}

/// A list file's display name (its file name) and bytes.
pub(crate) fn read_file(path: &Path) -> Result<(String, Vec<u8>), IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    Ok((name, bytes))
}

/// Parse a hire list from bytes. `name` is used in messages and as `HireList::source`.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<HireList, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    refuse_non_csv(name, bytes)?;
    let text = utf8(name, bytes)?;
    let separator = detect_separator(text, |h| field_for_header(h).is_some());
    let (headers, rows) = parse_records(name, text, separator)?;
    let columns = map_columns(&headers);
    Ok(HireList {
        source: name.to_string(),
        headers,
        columns,
        rows,
        separator,
    })
}

/// The first line that is not blank (at most 1 KiB of it): what the file "starts like".
fn first_line(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let rest = &bytes[start..];
    let end = rest
        .iter()
        .take(1024)
        .position(|&b| b == b'\n')
        .unwrap_or(rest.len().min(1024));
    &rest[..end]
}

/// What a first line looks like when it is plainly not a CSV header: JSON, XML/HTML, or
/// binary (control bytes no text file has, or a PDF's magic).
fn looks_like(line: &[u8]) -> Option<&'static str> {
    let binary = line
        .iter()
        .any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\r' | b'\n'))
        || line.starts_with(b"%PDF");
    if binary {
        return Some("binary data (an .xlsx or other spreadsheet file?)");
    }
    match line.first() {
        Some(b'{' | b'[') => Some("JSON"),
        Some(b'<') => Some("XML or HTML"),
        _ => None,
    }
}

/// Whether a first line has a header `is_key` accepts under any separator onboard reads.
fn names_column(line: &[u8], is_key: impl Fn(&str) -> bool) -> bool {
    String::from_utf8_lossy(line)
        .split([',', ';', '\t'])
        .any(|h| is_key(h.trim().trim_matches('"')))
}

/// Refuse, in one line, a file that is not a hire list at all (someone picked the wrong
/// export): otherwise it would load as one odd column and fail every row.
fn refuse_non_csv(name: &str, bytes: &[u8]) -> Result<(), IngestError> {
    match plainly_not_csv(bytes, |h| field_for_header(h) == Some(Field::Email)) {
        Some(looks_like) => Err(IngestError::NotCsv {
            source_name: name.to_string(),
            looks_like,
        }),
        None => Ok(()),
    }
}

/// What a file's first line plainly is when it is not a CSV with a header `is_key` accepts
/// (JSON, XML/HTML, binary); None when it may be one.
fn plainly_not_csv(bytes: &[u8], is_key: impl Fn(&str) -> bool) -> Option<&'static str> {
    let line = first_line(bytes);
    looks_like(line).filter(|_| !names_column(line, is_key))
}

/// The text, or an error naming the line and column of the first byte that is not UTF-8.
fn utf8<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, IngestError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let at = e.valid_up_to();
        let before = &bytes[..at];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let column = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        IngestError::NotUtf8 {
            source_name: name.to_string(),
            line,
            column,
            byte: bytes.get(at).copied().unwrap_or(0),
        }
    })
}

fn reader(text: &str, separator: Separator) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator.byte())
        .from_reader(text.as_bytes())
}

/// How well `separator` reads the header: (columns onboard knows, columns). A file's first
/// non-blank record is its header.
fn header_score(text: &str, separator: Separator, known: fn(&str) -> bool) -> (usize, usize) {
    let mut r = reader(text, separator);
    let mut record = csv::StringRecord::new();
    loop {
        match r.read_record(&mut record) {
            Ok(true) if record.iter().all(|c| c.trim().is_empty()) => continue,
            Ok(true) => break,
            _ => return (0, 0),
        }
    }
    let known = record.iter().filter(|h| known(unescape_cell(h))).count();
    (known, record.len())
}

/// The separator that reads the header best. Commas (docs/contract.md §2) unless `;` or tab splits
/// the header into more than one column and into more known (or, with none known, more)
/// columns: a `;`-separated header read with commas is one unknown column.
fn detect_separator(text: &str, known: fn(&str) -> bool) -> Separator {
    let comma = header_score(text, Separator::Comma, known);
    Separator::ALL
        .into_iter()
        .filter(|&s| s != Separator::Comma)
        .map(|s| (s, header_score(text, s, known)))
        .filter(|&(_, score)| score.1 > 1 && score > comma)
        .max_by_key(|&(_, score)| score)
        .map_or(Separator::Comma, |(s, _)| s)
}

/// The header row (trimmed) and the data rows of a CSV, blank and all-empty rows skipped.
fn parse_records(
    name: &str,
    text: &str,
    separator: Separator,
) -> Result<(Vec<String>, Vec<HireRow>), IngestError> {
    let mut reader = reader(text, separator);
    let mut record = csv::StringRecord::new();
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let raw = text.as_bytes();
    let (mut cursor, mut lines_before) = (0usize, 0usize);
    loop {
        let line = reader.position().line() as usize;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| p.line() as usize)
                    .unwrap_or(line.max(1));
                return Err(IngestError::Csv {
                    source_name: name.to_string(),
                    line,
                    message: format!("{e}; check the quoting on this line"),
                });
            }
        }
        // The record's position is where the reader started, before any line terminators
        // and blank lines it skipped: step over those, counting lines incrementally.
        let mut start = record
            .position()
            .map(|p| p.byte() as usize)
            .unwrap_or(cursor)
            .clamp(cursor, raw.len());
        while start < raw.len() && (raw[start] == b'\r' || raw[start] == b'\n') {
            start += 1;
        }
        lines_before += raw[cursor..start].iter().filter(|&&b| b == b'\n').count();
        cursor = start;
        let line = lines_before + 1;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue; // blank or all-empty row (`,,,`), common at the end of exports
        }
        match &headers {
            None => {
                headers = Some(
                    record
                        .iter()
                        .map(|h| unescape_cell(h).trim().to_string())
                        .collect(),
                )
            }
            Some(h) => {
                // Trailing empty cells beyond the header carry nothing: drop them. A short
                // row keeps what it has (pre-flight says so; padding would hide it).
                let mut n = record.len();
                while n > h.len() && record.get(n - 1).is_some_and(str::is_empty) {
                    n -= 1;
                }
                rows.push(HireRow {
                    row: rows.len() + 1,
                    line,
                    cells: Cells::new(record.iter().take(n).map(unescape_cell)),
                });
            }
        }
    }
    let Some(headers) = headers else {
        return Err(IngestError::Empty {
            source_name: name.to_string(),
        });
    };
    Ok((headers, rows))
}

/// What a person should know about how the file was read (`check` and `apply` print these;
/// `check --format json` lists them under `notes`).
pub fn notes(list: &HireList) -> Vec<String> {
    match list.separator {
        Separator::Comma => Vec::new(),
        s => vec![format!(
            "{} is separated by {}, not commas; onboard read it that way",
            list.source,
            s.describe()
        )],
    }
}

/// Whether a spreadsheet would take a cell starting like this for a formula (or a formula's
/// lead-in: `+`, `-`, `@`, and tab or CR before one), per OWASP's CSV-injection advice.
fn starts_like_formula(s: &str) -> bool {
    matches!(
        s.as_bytes().first(),
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r')
    )
}

/// A cell as onboard writes it: one leading `'` before a cell that starts like a formula, so
/// a spreadsheet shows it as text. Cells that already start with `'`s before such a
/// character get one more, so [`unescape_cell`] gives every value back exactly.
pub fn escape_cell(cell: &str) -> Cow<'_, str> {
    if starts_like_formula(cell.trim_start_matches('\'')) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// A cell as read: without the one leading `'` that [`escape_cell`] adds (a `'` followed,
/// after any further `'`s, by `=`, `+`, `-`, `@`, tab or CR). A phone written as
/// `'+13175550101` — by onboard, or typed that way in a spreadsheet — reads as
/// `+13175550101`. Any other `'` is data and stays.
pub fn unescape_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_like_formula(rest.trim_start_matches('\'')) => rest,
        _ => cell,
    }
}

/// Write a (possibly edited) list back out with the separator it was read with: the header
/// row as loaded, then every row with all its cells, quoting only where needed and escaping
/// cells that start like a formula ([`escape_cell`]). Every CSV onboard writes comes through
/// here (the TUI's saved list, the failed rows beside a report).
pub fn write(list: &HireList, out: impl Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new()
        .flexible(true)
        .delimiter(list.separator.byte())
        .from_writer(out);
    write_record(&mut w, list.headers.iter().map(String::as_str))?;
    for row in &list.rows {
        write_record(&mut w, row.cells.iter())?;
    }
    w.flush()
}

fn write_record<'a, W: Write>(
    w: &mut csv::Writer<W>,
    cells: impl Iterator<Item = &'a str>,
) -> io::Result<()> {
    for cell in cells {
        w.write_field(escape_cell(cell).as_bytes())
            .map_err(io::Error::other)?;
    }
    w.write_record(None::<&[u8]>).map_err(io::Error::other)
}

/// Normalize a header for matching: lowercase, without spaces, `_` and `-`.
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header names (docs/contract.md §2 names, their aliases, and Genesys's import
/// template), or None for a column onboard does not use.
pub fn field_for_header(h: &str) -> Option<Field> {
    Some(match normalize_header(h).as_str() {
        "email" | "emailaddress" | "workemail" | "mail" => Field::Email,
        "name" | "fullname" | "displayname" => Field::Name,
        "firstname" | "givenname" => Field::FirstName,
        "lastname" | "surname" | "familyname" => Field::LastName,
        "division" | "divisionname" => Field::Division,
        "department" => Field::Department,
        "title" | "jobtitle" => Field::Title,
        "manageremail" | "emailmanager" | "manager" => Field::ManagerEmail,
        "roles" | "rolesdivisions" | "role" => Field::Roles,
        "skills" | "routingskills" => Field::Skills,
        "languages" | "routinglanguages" => Field::Languages,
        "queues" | "queue" => Field::Queues,
        "phone" | "phonework" | "workphone" => Field::Phone,
        "extension" | "ext" => Field::Extension,
        "licenses" | "licences" | "license" | "licence" => Field::Licenses,
        "externalid" => Field::ExternalId,
        "action" => Field::Action,
        "utilization" | "utilisation" => Field::Utilization,
        _ => return None,
    })
}

/// Map each header to its field. A second column for a field already mapped is left
/// unmapped (kept, and reported by pre-flight as an unused column).
pub fn map_columns(headers: &[String]) -> Vec<Option<Field>> {
    let mut seen = Vec::new();
    headers
        .iter()
        .map(|h| {
            let f = field_for_header(h)?;
            if seen.contains(&f) {
                None
            } else {
                seen.push(f);
                Some(f)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_aliases_normalize() {
        assert_eq!(field_for_header("E-mail"), Some(Field::Email));
        assert_eq!(field_for_header(" Email "), Some(Field::Email));
        assert_eq!(field_for_header("phone_work"), Some(Field::Phone));
        assert_eq!(field_for_header("Roles-Divisions"), Some(Field::Roles));
        assert_eq!(field_for_header("location_work"), None);
    }

    #[test]
    fn not_utf8_names_line_and_column() {
        let err = read_bytes("h.csv", b"email,name\na@b.co,Ann\nc@d.co,Jos\xE9\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("line 3"), "{msg}");
        assert!(msg.contains("column 11"), "{msg}");
        assert!(msg.contains("0xE9"), "{msg}");
    }
}
