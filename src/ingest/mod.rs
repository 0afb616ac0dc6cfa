//! Hire-list ingest (contract §2): CSV bytes → [`HireList`] (raw cells + column map), and an
//! edited list back out with every column in its original order.
//!
//! Tolerant of what spreadsheets produce: a UTF-8 BOM, CRLF, quoted cells (with embedded
//! commas and newlines), ragged rows (short rows are padded; long rows keep their extra cells
//! and pre-flight reports them), blank lines and all-empty rows (`,,,,`) anywhere. Bytes that
//! are not UTF-8 are an error naming the line. Never panics on any input.

use crate::model::{Cells, Field, HireList, HireRow};
use std::io::{self, Write};
use std::path::Path;

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
    #[error("{source_name} line {line}: {message}")]
    Csv {
        source_name: String,
        line: usize,
        message: String,
    },
}

/// Read a hire list from a file; the list's `source` is the file name.
pub fn read_path(path: &Path) -> Result<HireList, IngestError> {
    let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    read_bytes(&name, &bytes)
}

/// Parse a hire list from bytes. `name` is used in messages and as `HireList::source`.
pub fn read_bytes(name: &str, bytes: &[u8]) -> Result<HireList, IngestError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
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
            return Err(IngestError::NotUtf8 {
                source_name: name.to_string(),
                line,
                column,
                byte: bytes.get(at).copied().unwrap_or(0),
            });
        }
    };

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
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
            None => headers = Some(record.iter().map(|h| h.trim().to_string()).collect()),
            Some(h) => {
                let mut cells: Vec<&str> = record.iter().collect();
                if cells.len() < h.len() {
                    cells.resize(h.len(), "");
                } else {
                    // Trailing empty cells beyond the header carry nothing: drop them.
                    while cells.len() > h.len() && cells.last().is_some_and(|c| c.is_empty()) {
                        cells.pop();
                    }
                }
                rows.push(HireRow {
                    row: rows.len() + 1,
                    line,
                    cells: Cells::new(cells),
                });
            }
        }
    }
    let Some(headers) = headers else {
        return Err(IngestError::Empty {
            source_name: name.to_string(),
        });
    };
    let columns = map_columns(&headers);
    Ok(HireList {
        source: name.to_string(),
        headers,
        columns,
        rows,
    })
}

/// Write a (possibly edited) list back out: the header row as loaded, then every row with all
/// its cells, quoting only where needed.
pub fn write(list: &HireList, out: impl Write) -> io::Result<()> {
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(out);
    w.write_record(&list.headers).map_err(io::Error::other)?;
    for row in &list.rows {
        w.write_record(row.cells.iter()).map_err(io::Error::other)?;
    }
    w.flush()
}

/// Normalize a header for matching: lowercase, without spaces, `_` and `-`.
pub fn normalize_header(h: &str) -> String {
    h.chars()
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect()
}

/// The field a header names (contract §2 names, their aliases, and Genesys's import
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
