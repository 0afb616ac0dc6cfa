//! The mapping file of `clone` and `drift` (`--map MAP.csv`): per target org, a name in the
//! reference that is called otherwise there, or dropped there (`-`).
//!
//! ```text
//! org,kind,source,target
//! ,queue,Billing Tier 2,Billing Tier II      # empty org = every target
//! apac,division,EMEA,Asia Pacific
//! us,skill,Legacy Billing,-                   # "-" = drop the item for that org
//! ```

use super::{Persona, PersonaSet};
use crate::model::{Field, Finding, FindingCode, OrgSnapshot};
use crate::preflight::rules::split_list;

/// What a map row renames.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapKind {
    Division,
    Role,
    Skill,
    Language,
    Queue,
    License,
}

impl MapKind {
    fn parse(s: &str) -> Option<MapKind> {
        Some(match s.trim().to_lowercase().as_str() {
            "division" => MapKind::Division,
            "role" => MapKind::Role,
            "skill" => MapKind::Skill,
            "language" => MapKind::Language,
            "queue" => MapKind::Queue,
            "license" | "licence" => MapKind::License,
            _ => return None,
        })
    }

    fn as_str(self) -> &'static str {
        match self {
            MapKind::Division => "division",
            MapKind::Role => "role",
            MapKind::Skill => "skill",
            MapKind::Language => "language",
            MapKind::Queue => "queue",
            MapKind::License => "license",
        }
    }
}

/// One row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MapRow {
    /// The target org's profile name, lowercased; empty = every target.
    pub org: String,
    pub kind: MapKind,
    pub source: String,
    /// `None`: drop the item in that org.
    pub target: Option<String>,
    pub line: usize,
}

/// The mapping file, read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrgMap {
    pub rows: Vec<MapRow>,
}

impl OrgMap {
    /// Reads `org,kind,source,target` (header required; `#` starts a comment cell).
    pub fn read(name: &str, bytes: &[u8]) -> Result<OrgMap, String> {
        let mut r = csv::ReaderBuilder::new()
            .flexible(true)
            .comment(Some(b'#'))
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let headers = r
            .headers()
            .map_err(|e| format!("{name}: not a CSV file ({e})"))?
            .iter()
            .map(|h| h.to_lowercase())
            .collect::<Vec<_>>();
        let col = |want: &str| {
            headers.iter().position(|h| h == want).ok_or_else(|| {
                format!("{name}: no `{want}` column; the header is org,kind,source,target")
            })
        };
        let (org, kind, source, target) =
            (col("org")?, col("kind")?, col("source")?, col("target")?);
        let mut rows = Vec::new();
        for (i, rec) in r.records().enumerate() {
            let line = i + 2;
            let rec = rec.map_err(|e| format!("{name} line {line}: {e}"))?;
            let cell = |c: usize| rec.get(c).unwrap_or("").to_string();
            let k = cell(kind);
            let Some(kind) = MapKind::parse(&k) else {
                return Err(format!(
                    "{name} line {line}: kind '{k}' is not one of division, role, skill, language, queue, license"
                ));
            };
            let (source, target) = (cell(source), cell(target));
            if source.is_empty() || target.is_empty() {
                return Err(format!(
                    "{name} line {line}: source and target are both needed (target '-' drops the item)"
                ));
            }
            rows.push(MapRow {
                org: cell(org).to_lowercase(),
                kind,
                source,
                target: (target != "-").then_some(target),
                line,
            });
        }
        Ok(OrgMap { rows })
    }

    /// The rows that apply to `org` (a profile name): its own, then the ones for every org.
    fn for_org<'a>(&'a self, org: &'a str) -> impl Iterator<Item = &'a MapRow> {
        let org = org.to_lowercase();
        let own: Vec<&MapRow> = self.rows.iter().filter(|r| r.org == org).collect();
        let rest = self.rows.iter().filter(|r| r.org.is_empty());
        own.into_iter().chain(rest)
    }

    /// Every persona of `set` as it reads in `org`.
    pub fn apply(&self, org: &str, set: &mut PersonaSet) {
        let rows: Vec<&MapRow> = self.for_org(org).collect();
        if rows.is_empty() {
            return;
        }
        for p in &mut set.personas {
            map_persona(p, &rows);
        }
    }

    /// What `name` (of `kind`) is called in `org`: renamed, the same, or None when dropped.
    pub fn rename(&self, org: &str, kind: MapKind, name: &str) -> Option<String> {
        let rows: Vec<&MapRow> = self.for_org(org).collect();
        match lookup(&rows, kind, name) {
            Some(t) => t.map(str::to_string),
            None => Some(name.to_string()),
        }
    }

    /// `map_target_unknown` for each target name the org does not have.
    /// Apply the renames and drops for `org` to a hire list's own cells (a `drift
    /// --baseline` list, whose rows are the reference). Whether any cell changed.
    pub fn apply_to_list(&self, org: &str, list: &mut crate::model::HireList) -> bool {
        let rows: Vec<&MapRow> = self.for_org(org).collect();
        let mut changed = false;
        for field in MAPPED_FIELDS {
            let Some(col) = list.column_of(field) else {
                continue;
            };
            for row in &mut list.rows {
                let Some(cell) = row.cells.get(col) else {
                    continue;
                };
                let mapped = map_cell(field, cell, &rows);
                if split_list(&mapped).ne(split_list(cell)) {
                    row.cells.set(col, &mapped);
                    changed = true;
                }
            }
        }
        changed
    }

    pub fn check_targets(&self, org: &str, snapshot: &OrgSnapshot, file: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        for r in self.for_org(org) {
            let Some(target) = &r.target else { continue };
            if exists(r.kind, target, snapshot) {
                continue;
            }
            out.push(Finding {
                row: None,
                line: Some(r.line),
                email: None,
                field: Some(r.kind.as_str().to_string()),
                code: FindingCode::MapTargetUnknown,
                severity: FindingCode::MapTargetUnknown.severity(),
                message: format!(
                    "the map renames {} '{}' to '{}' in {org}, which has no {} of that name; fix line {} of the map",
                    r.kind.as_str(),
                    r.source,
                    target,
                    r.kind.as_str(),
                    r.line
                ),
                suggestion: None,
                persona: None,
                file: Some(file.to_string()),
            });
        }
        out
    }
}

fn exists(kind: MapKind, name: &str, s: &OrgSnapshot) -> bool {
    let eq = |x: &String| x.eq_ignore_ascii_case(name.trim());
    match kind {
        MapKind::Division => s.divisions.iter().any(|d| eq(&d.name)),
        MapKind::Role => s.roles.iter().any(|r| eq(&r.name)),
        MapKind::Skill => s.skills.iter().any(|x| eq(&x.name)),
        MapKind::Language => s.languages.iter().any(|x| eq(&x.name)),
        MapKind::Queue => s.queues.iter().any(|q| eq(&q.name)),
        MapKind::License => s.licenses.iter().any(|l| eq(&l.id)),
    }
}

/// The hire-list columns a map can rename in.
const MAPPED_FIELDS: [Field; 6] = [
    Field::Division,
    Field::Roles,
    Field::Skills,
    Field::Languages,
    Field::Queues,
    Field::Licenses,
];

/// The first row of `kind` renaming `name`: Some(None) drops it.
fn lookup<'a>(rows: &[&'a MapRow], kind: MapKind, name: &str) -> Option<Option<&'a str>> {
    rows.iter()
        .find(|r| r.kind == kind && r.source.eq_ignore_ascii_case(name.trim()))
        .map(|r| r.target.as_deref())
}

fn map_persona(p: &mut Persona, rows: &[&MapRow]) {
    for (field, cell) in &mut p.cells {
        *cell = map_cell(*field, cell, rows);
    }
}

/// One cell of `field` with the map's renames and drops applied.
fn map_cell(field: Field, cell: &str, rows: &[&MapRow]) -> String {
    match field {
        Field::Division => match lookup(rows, MapKind::Division, cell) {
            Some(t) => t.unwrap_or("").to_string(),
            None => cell.to_string(),
        },
        Field::Roles => map_items(cell, |item| {
            let (role, scope) = item
                .split_once('@')
                .map_or((item, None), |(r, d)| (r.trim(), Some(d.trim())));
            let role = match lookup(rows, MapKind::Role, role) {
                Some(None) => return None,
                Some(Some(t)) => t.to_string(),
                None => role.to_string(),
            };
            match scope {
                None => Some(role),
                Some(d) => match lookup(rows, MapKind::Division, d) {
                    Some(None) => None,
                    Some(Some(t)) => Some(format!("{role}@{t}")),
                    None => Some(format!("{role}@{d}")),
                },
            }
        }),
        Field::Skills => map_named(cell, rows, MapKind::Skill),
        Field::Languages => map_named(cell, rows, MapKind::Language),
        Field::Queues => map_named(cell, rows, MapKind::Queue),
        Field::Licenses => map_named(cell, rows, MapKind::License),
        _ => cell.to_string(),
    }
}

/// Rename (or drop) the name part of each `Name` or `Name:proficiency` item.
fn map_named(cell: &str, rows: &[&MapRow], kind: MapKind) -> String {
    map_items(cell, |item| {
        let (name, prof) = match kind {
            MapKind::Skill | MapKind::Language => item
                .rsplit_once(':')
                .map_or((item, None), |(n, p)| (n.trim(), Some(p.trim()))),
            _ => (item, None),
        };
        let name = match lookup(rows, kind, name) {
            Some(None) => return None,
            Some(Some(t)) => t,
            None => name,
        };
        Some(match prof {
            Some(p) => format!("{name}:{p}"),
            None => name.to_string(),
        })
    })
}

fn map_items(cell: &str, f: impl Fn(&str) -> Option<String>) -> String {
    split_list(cell)
        .filter_map(f)
        .collect::<Vec<_>>()
        .join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_drops_and_scopes_per_org() {
        let map = OrgMap::read(
            "map.csv",
            b"org,kind,source,target\n,queue,Billing Tier 2,Billing Tier II\napac,division,EMEA,Asia Pacific\nus,skill,Legacy Billing,-\n",
        )
        .unwrap();
        let persona = Persona {
            name: "ref".into(),
            line: 0,
            cells: vec![
                (Field::Roles, "Agent; Supervisor@EMEA".into()),
                (Field::Skills, "Billing:4; Legacy Billing:2".into()),
                (Field::Queues, "Billing Tier 2; General".into()),
            ],
        };
        let mut set = PersonaSet {
            personas: vec![persona],
            ..PersonaSet::default()
        };
        let mut apac = set.clone();
        map.apply("APAC", &mut apac);
        let p = &apac.personas[0];
        assert_eq!(p.cell(Field::Roles), "Agent; Supervisor@Asia Pacific");
        assert_eq!(p.cell(Field::Skills), "Billing:4; Legacy Billing:2");
        assert_eq!(p.cell(Field::Queues), "Billing Tier II; General");
        map.apply("us", &mut set);
        assert_eq!(set.personas[0].cell(Field::Skills), "Billing:4");
        assert_eq!(set.personas[0].cell(Field::Roles), "Agent; Supervisor@EMEA");
    }

    #[test]
    fn a_bad_kind_or_missing_target_is_one_line_with_the_line_number() {
        let e = OrgMap::read("m.csv", b"org,kind,source,target\n,flow,A,B\n").unwrap_err();
        assert!(e.contains("line 2") && e.contains("'flow'"), "{e}");
        let e = OrgMap::read("m.csv", b"org,kind,source,target\n,skill,A,\n").unwrap_err();
        assert!(e.contains("line 2"), "{e}");
        let e = OrgMap::read("m.csv", b"kind,source,target\n").unwrap_err();
        assert!(e.contains("`org`"), "{e}");
    }
}
