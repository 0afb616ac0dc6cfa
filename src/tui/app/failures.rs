//! The Failures screen's state and its list: failed rows grouped by code, then by object.

use super::*;
use crate::model::RowKind;

/// The Failures screen: rows of the merged report that failed, grouped by error code and
/// then by the object the failing step wrote (a queue, a role…).
#[derive(Debug, Default)]
pub struct FailuresState {
    /// The selected line of [`App::failure_items`] (a group heading or a row).
    pub cursor: ListCursor,
    /// The `/` filter: text matched (case-insensitively) in the code, the object, the
    /// email, or a row number.
    pub filter: String,
}

/// One line of the failures list.
#[derive(Debug, Clone, PartialEq)]
pub enum FailureItem {
    /// An error code and the rows that failed with it.
    Group {
        code: String,
        count: usize,
    },
    /// Within a code: the object the failing step wrote, e.g. `queues: Sales Inbound`.
    Object {
        code: String,
        object: String,
        count: usize,
    },
    Row {
        row: usize,
    },
}

impl FailureItem {
    pub fn is_row(&self) -> bool {
        matches!(self, FailureItem::Row { .. })
    }
}

/// Failures name a row by one number, its key: a hire row's number, or `QUEUE_KEY` plus a
/// queue row's number (queue rows are numbered in their own list, so the two overlap). One
/// key type lets the list, the drilldown and the retries treat both kinds alike.
pub const QUEUE_KEY: usize = usize::MAX / 2 + 1;

/// The failures key of a report row.
pub fn row_key(r: &RowReport) -> usize {
    match r.kind {
        RowKind::Queue => QUEUE_KEY.saturating_add(r.row),
        RowKind::User => r.row,
    }
}

/// The queue row number a key stands for (None: a hire row).
pub fn queue_row_of(key: usize) -> Option<usize> {
    key.checked_sub(QUEUE_KEY)
}

/// How a key reads on screen: `row 5`, `queue row 2`.
pub fn key_label(key: usize) -> String {
    match queue_row_of(key) {
        Some(q) => format!("queue row {q}"),
        None => format!("row {key}"),
    }
}

/// Report rows sort by number, hire rows before queue rows of the same number.
fn sort_key(r: &RowReport) -> (usize, bool) {
    (r.row, r.kind == RowKind::Queue)
}

/// The rows under the heading at `line` (or the row itself), in list order.
pub fn rows_under(items: &[FailureItem], line: usize) -> Vec<usize> {
    let Some(head) = items.get(line) else {
        return Vec::new();
    };
    let depth = |i: &FailureItem| match i {
        FailureItem::Group { .. } => 0,
        FailureItem::Object { .. } => 1,
        FailureItem::Row { .. } => 2,
    };
    if let FailureItem::Row { row } = head {
        return vec![*row];
    }
    let d = depth(head);
    items[line + 1..]
        .iter()
        .take_while(|i| depth(i) > d)
        .filter_map(|i| match i {
            FailureItem::Row { row } => Some(*row),
            _ => None,
        })
        .collect()
}

/// How the failures list names the heading at `line`, e.g. `queue.member.limit · queues:
/// Sales Inbound`.
pub fn heading_label(items: &[FailureItem], line: usize) -> Option<String> {
    match items.get(line)? {
        FailureItem::Group { code, .. } => Some(code.clone()),
        FailureItem::Object { code, object, .. } => Some(format!("{code} · {object}")),
        FailureItem::Row { .. } => None,
    }
}

/// The error code a failed row is grouped under: the Genesys code of its first failed step,
/// else `http <status>`, else the step name.
pub fn failure_code(r: &RowReport) -> String {
    let step = r
        .steps
        .iter()
        .find(|s| matches!(s.status, StepStatus::Failed | StepStatus::Unknown));
    match step {
        Some(s) => match (&s.code, s.http_status) {
            (Some(c), _) => crate::model::sanitize(c).into_owned(),
            (None, Some(h)) => format!("http {h}"),
            (None, None) => format!("{} {}", s.step.as_str(), status_label(s.status)),
        },
        // A stopped run: the row is unfinished, not broken.
        None if r.outcome != Outcome::Failed => outcome_label(r.outcome).into(),
        None => "unknown".into(),
    }
}

pub fn status_label(s: StepStatus) -> &'static str {
    match s {
        StepStatus::Ok => "ok",
        StepStatus::Failed => "failed",
        StepStatus::Skipped => "skipped",
        StepStatus::Unknown => "unknown",
    }
}

impl App {
    /// The failures list: by code, then by object (each sorted by size), rows by number;
    /// only what the `/` filter matches.
    pub fn failure_items(&self) -> Vec<FailureItem> {
        let Some(report) = &self.report else {
            return Vec::new();
        };
        let mut skipped: BTreeSet<usize> = match &self.session {
            Some(s) => s
                .skipped
                .iter()
                .filter_map(|i| s.list.rows.get(*i).map(|r| r.row))
                .collect(),
            None => BTreeSet::new(),
        };
        if let Some(q) = &self.queues {
            skipped.extend(
                q.skipped
                    .iter()
                    .filter_map(|i| q.list.rows.get(*i).map(|r| QUEUE_KEY + r.row)),
            );
        }
        let needle = self.failures.filter.trim().to_lowercase();
        type Objects = BTreeMap<String, Vec<usize>>;
        let mut groups: BTreeMap<String, Objects> = BTreeMap::new();
        for r in &report.rows {
            if !r.outcome.needs_retry() || skipped.contains(&row_key(r)) {
                continue;
            }
            let code = failure_code(r);
            let object = self.failure_object(r);
            let hit = needle.is_empty()
                || code.to_lowercase().contains(&needle)
                || object.to_lowercase().contains(&needle)
                || r.email.to_lowercase().contains(&needle)
                || needle.parse::<usize>().is_ok_and(|n| n == r.row);
            if hit {
                groups
                    .entry(code)
                    .or_default()
                    .entry(object)
                    .or_default()
                    .push(row_key(r));
            }
        }
        let by_size = |a: &(String, usize), b: &(String, usize)| b.1.cmp(&a.1).then(a.0.cmp(&b.0));
        let mut codes: Vec<(String, usize)> = groups
            .iter()
            .map(|(c, o)| (c.clone(), o.values().map(Vec::len).sum()))
            .collect();
        codes.sort_by(by_size);
        let mut out = Vec::new();
        for (code, count) in codes {
            out.push(FailureItem::Group {
                code: code.clone(),
                count,
            });
            let Some(objects) = groups.remove(&code) else {
                continue;
            };
            let mut objects: Vec<(String, Vec<usize>)> = objects.into_iter().collect();
            objects.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
            // One object under a code says nothing the code does not: no sub-heading then,
            // unless it names something.
            let single = objects.len() == 1;
            for (object, mut rows) in objects {
                rows.sort_unstable();
                if !(single && object.is_empty()) {
                    out.push(FailureItem::Object {
                        code: code.clone(),
                        object,
                        count: rows.len(),
                    });
                }
                out.extend(rows.into_iter().map(|row| FailureItem::Row { row }));
            }
        }
        out
    }

    /// What a failed row's failing step wrote, as the hire list names it: the step and the
    /// item of the cell behind it that the error names (`queues: Sales Inbound`), else the
    /// whole cell, or the step alone.
    pub fn failure_object(&self, r: &RowReport) -> String {
        let Some(step) = r
            .steps
            .iter()
            .find(|s| matches!(s.status, StepStatus::Failed | StepStatus::Unknown))
        else {
            return String::new();
        };
        if r.kind == RowKind::Queue {
            return format!(
                "{}: {}",
                step.step.as_str(),
                crate::model::sanitize(&r.email)
            );
        }
        let cell = step_field(step.step)
            .filter(|f| !matches!(f, Field::Email))
            .and_then(|f| {
                let s = self.session.as_ref()?;
                let i = s.index_of_row(r.row)?;
                let v = s.cell(i, f).trim();
                let v = named_item(v, step.message.as_deref()).unwrap_or(v);
                (!v.is_empty()).then(|| crate::model::sanitize(v).into_owned())
            });
        match cell {
            Some(v) => format!("{}: {v}", step.step.as_str()),
            None => step.step.as_str().to_string(),
        }
    }

    /// Row numbers of the failed rows the list shows, in its order.
    pub fn failed_rows(&self) -> Vec<usize> {
        self.failure_items()
            .into_iter()
            .filter_map(|i| match i {
                FailureItem::Row { row } => Some(row),
                _ => None,
            })
            .collect()
    }

    /// The selected line of the failures list.
    pub fn selected_failure(&self) -> Option<FailureItem> {
        self.failure_items()
            .get(self.failures.cursor.selected)
            .cloned()
    }

    /// The report row of a failures key ([`row_key`]).
    pub fn report_row(&self, key: usize) -> Option<&RowReport> {
        let rows = &self.report.as_ref()?.rows;
        let want = match queue_row_of(key) {
            Some(q) => (q, true),
            None => (key, false),
        };
        rows.binary_search_by_key(&want, sort_key)
            .ok()
            .and_then(|i| rows.get(i))
    }

    /// Merge a finished run's rows into the cumulative report.
    pub fn merge_report(&mut self, new: &Report) {
        match &mut self.report {
            None => {
                let mut r = new.clone();
                r.rows.sort_by_key(sort_key);
                self.report = Some(r);
            }
            Some(acc) => {
                for r in &new.rows {
                    match acc
                        .rows
                        .iter_mut()
                        .find(|x| x.row == r.row && x.kind == r.kind)
                    {
                        // A stopped retry never hides what an earlier run learned.
                        Some(x) if r.outcome == Outcome::NotReached && x.outcome.needs_retry() => {}
                        Some(x) => *x = r.clone(),
                        None => acc.rows.push(r.clone()),
                    }
                }
                acc.rows.sort_by_key(sort_key);
                acc.api.requests += new.api.requests;
                acc.api.throttled += new.api.throttled;
                acc.api.retries += new.api.retries;
                acc.api.bytes += new.api.bytes;
                acc.api.elapsed_s += new.api.elapsed_s;
                acc.summary = crate::report::summarize(&acc.rows);
            }
        }
    }
}

/// The one item of a list cell that an error message names (the full queue of several, the
/// refused role…), matched by its name without proficiency or scope; None when the message
/// names none or more than one.
fn named_item<'a>(cell: &'a str, message: Option<&str>) -> Option<&'a str> {
    let message = message?.to_lowercase();
    let mut named = crate::preflight::rules::split_list(cell).filter(|item| {
        let name = item.split(['@', ':']).next().unwrap_or(item).trim();
        !name.is_empty() && message.contains(&name.to_lowercase())
    });
    let first = named.next()?;
    named.next().is_none().then_some(first)
}

#[cfg(test)]
mod tests {
    use super::named_item;

    #[test]
    fn the_item_the_message_names_is_the_object() {
        let cell = "Billing Tier 2; Billing Tier 1";
        let full = Some(
            "Adding 1 members would exceed queue member limit of 20 (queue Billing Tier 2 has 20 members).",
        );
        assert_eq!(named_item(cell, full), Some("Billing Tier 2"));
        // Named twice over (a name inside another) or not at all: the whole cell stays.
        assert_eq!(
            named_item(
                "Billing; Billing Tier 1",
                Some("queue Billing Tier 1 is full")
            ),
            None
        );
        assert_eq!(
            named_item(cell, Some("The queue has reached its member limit")),
            None
        );
        assert_eq!(named_item(cell, None), None);
        assert_eq!(
            named_item("Agent@Sales; Supervisor", Some("role Supervisor refused")),
            Some("Supervisor")
        );
    }
}
