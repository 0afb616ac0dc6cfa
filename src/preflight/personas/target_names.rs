//! The reference's names as one target org holds them, beyond what the hire-list rules say:
//! a name two objects of a kind share there (`ambiguous_name`: the rules would silently take
//! the first), and the skills and languages `--create-missing` creates there (`will_create`
//! instead of `missing_in_target`). Pure: the snapshot is already read.

use super::Persona;
use crate::genesys::clone_calls::Catalogue;
use crate::model::{Field, Finding, FindingCode, OrgSnapshot};
use crate::preflight::org::{Lookup, Names};
use crate::preflight::rules::split_list;

/// Which catalogues `--create-missing` may add to in a target org.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CreateMissing {
    pub skills: bool,
    pub languages: bool,
}

impl CreateMissing {
    /// `--create-missing skills,languages` (either, both, or none).
    pub fn parse(list: &[String]) -> Result<CreateMissing, String> {
        let mut c = CreateMissing::default();
        for item in list.iter().map(|s| s.trim().to_lowercase()) {
            match item.as_str() {
                "skills" | "skill" => c.skills = true,
                "languages" | "language" => c.languages = true,
                "" => {}
                other => {
                    return Err(format!(
                        "--create-missing {other}: onboard creates only skills and languages; use --create-missing skills,languages and --map for the rest"
                    ));
                }
            }
        }
        Ok(c)
    }

    fn covers(self, kind: Catalogue) -> bool {
        match kind {
            Catalogue::Skills => self.skills,
            Catalogue::Languages => self.languages,
        }
    }
}

/// A skill or language a target org lacks and the run creates first.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct NewObject {
    pub kind: Catalogue,
    pub name: String,
}

/// The name part of each item of a `Name` or `Name:proficiency` cell.
fn item_names(cell: &str, with_proficiency: bool) -> Vec<String> {
    split_list(cell)
        .map(|item| match with_proficiency {
            true => item.rsplit_once(':').map_or(item, |(n, _)| n.trim()),
            false => item,
        })
        .map(str::to_string)
        .collect()
}

/// The role names and division names of a roles cell (`Agent; Supervisor@Sales`; `@*` is
/// every division, not a name).
fn role_names(cell: &str) -> (Vec<String>, Vec<String>) {
    let mut roles = Vec::new();
    let mut divisions = Vec::new();
    for item in split_list(cell) {
        match item.split_once('@') {
            Some((r, d)) => {
                roles.push(r.trim().to_string());
                if d.trim() != "*" && !d.trim().is_empty() {
                    divisions.push(d.trim().to_string());
                }
            }
            None => roles.push(item.to_string()),
        }
    }
    (roles, divisions)
}

/// The skills and languages of `persona` that `org` lacks and `create` covers, in the
/// order the persona names them, each once.
pub fn to_create(persona: &Persona, org: &OrgSnapshot, create: CreateMissing) -> Vec<NewObject> {
    let mut out: Vec<NewObject> = Vec::new();
    for (kind, field, have) in [
        (Catalogue::Skills, Field::Skills, &org.skills),
        (Catalogue::Languages, Field::Languages, &org.languages),
    ] {
        if !create.covers(kind) {
            continue;
        }
        let names = Names::new(have.iter().map(|n| (n.id.as_str(), n.name.as_str())));
        for name in item_names(persona.cell(field), true) {
            let missing = matches!(names.resolve(&name), Lookup::Missing(_));
            let seen = out
                .iter()
                .any(|o| o.kind == kind && o.name.eq_ignore_ascii_case(&name));
            if missing && !seen {
                out.push(NewObject { kind, name });
            }
        }
    }
    out
}

fn file_finding(code: FindingCode, field: Field, persona: &str, message: String) -> Finding {
    Finding {
        row: None,
        line: None,
        email: None,
        field: Some(field.as_str().to_string()),
        code,
        severity: code.severity(),
        message,
        suggestion: None,
        persona: Some(persona.to_string()),
        file: None,
    }
}

/// `will_create`, one per object the run creates first.
pub fn will_create(persona: &str, new: &[NewObject]) -> Vec<Finding> {
    new.iter()
        .map(|o| {
            let (field, noun, path) = match o.kind {
                Catalogue::Skills => (Field::Skills, "skill", "/api/v2/routing/skills"),
                Catalogue::Languages => (Field::Languages, "language", "/api/v2/routing/languages"),
            };
            file_finding(
                FindingCode::WillCreate,
                field,
                persona,
                format!(
                    "{noun} '{}' does not exist in this org: it will be created (POST {path}) before any user is written; map it to an existing {noun} with --map to avoid that",
                    o.name
                ),
            )
        })
        .collect()
}

/// One kind of object: its field, its noun, the names the persona gives, and the org's
/// (id, name) pairs.
type NameKind<'a> = (Field, &'static str, Vec<String>, Vec<(&'a str, &'a str)>);

/// `ambiguous_name`: each name of `persona` that two or more objects of its kind in `org`
/// share (compared case-insensitively), once per (kind, name).
pub fn ambiguous_names(persona: &Persona, org: &OrgSnapshot) -> Vec<Finding> {
    let (roles, mut divisions) = role_names(persona.cell(Field::Roles));
    divisions.extend(item_names(persona.cell(Field::Division), false));
    let groups: [NameKind; 5] = [
        (
            Field::Division,
            "division",
            divisions,
            org.divisions
                .iter()
                .map(|d| (d.id.as_str(), d.name.as_str()))
                .collect(),
        ),
        (
            Field::Roles,
            "role",
            roles,
            org.roles
                .iter()
                .map(|r| (r.id.as_str(), r.name.as_str()))
                .collect(),
        ),
        (
            Field::Skills,
            "skill",
            item_names(persona.cell(Field::Skills), true),
            org.skills
                .iter()
                .map(|s| (s.id.as_str(), s.name.as_str()))
                .collect(),
        ),
        (
            Field::Languages,
            "language",
            item_names(persona.cell(Field::Languages), true),
            org.languages
                .iter()
                .map(|s| (s.id.as_str(), s.name.as_str()))
                .collect(),
        ),
        (
            Field::Queues,
            "queue",
            item_names(persona.cell(Field::Queues), false),
            org.queues
                .iter()
                .map(|q| (q.id.as_str(), q.name.as_str()))
                .collect(),
        ),
    ];
    let mut out = Vec::new();
    for (field, noun, wanted, have) in groups {
        let mut reported: Vec<String> = Vec::new();
        for name in wanted {
            let key = name.trim().to_lowercase();
            if reported.contains(&key) {
                continue;
            }
            let ids: Vec<&str> = have
                .iter()
                .filter(|(_, n)| n.trim().to_lowercase() == key)
                .map(|(i, _)| *i)
                .collect();
            if ids.len() < 2 {
                continue;
            }
            reported.push(key);
            out.push(file_finding(
                FindingCode::AmbiguousName,
                field,
                &persona.name,
                format!(
                    "{} {noun}s in this org are called '{name}' ({}): onboard cannot tell which one is meant; rename all but one in the org, or map '{name}' to another name for this org with --map",
                    ids.len(),
                    ids.join(", ")
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Named, Queue};

    fn persona(cells: &[(Field, &str)]) -> Persona {
        Persona {
            name: "ref".into(),
            line: 0,
            cells: cells.iter().map(|(f, c)| (*f, c.to_string())).collect(),
        }
    }

    fn named(id: &str, name: &str) -> Named {
        Named {
            id: id.into(),
            name: name.into(),
        }
    }

    #[test]
    fn only_covered_missing_names_are_created_each_once() {
        let org = OrgSnapshot {
            skills: vec![named("s1", "Billing")],
            ..OrgSnapshot::default()
        };
        let p = persona(&[
            (Field::Skills, "billing:4; Disputes:2; disputes:3"),
            (Field::Languages, "Klingon:5"),
        ]);
        let skills_only = CreateMissing {
            skills: true,
            languages: false,
        };
        assert_eq!(
            to_create(&p, &org, skills_only),
            vec![NewObject {
                kind: Catalogue::Skills,
                name: "Disputes".into()
            }]
        );
        let both = CreateMissing::parse(&["skills".into(), "languages".into()]).unwrap();
        assert_eq!(to_create(&p, &org, both).len(), 2);
        assert!(CreateMissing::parse(&["queues".into()]).is_err());
    }

    #[test]
    fn a_name_two_objects_share_is_ambiguous_once() {
        let queue = |id: &str, name: &str| Queue {
            id: id.into(),
            name: name.into(),
            division_id: "d".into(),
            member_count: None,
            group_member_count: 0,
        };
        let org = OrgSnapshot {
            skills: vec![named("s1", "Billing"), named("s2", "billing ")],
            queues: vec![queue("q1", "General"), queue("q2", "Sales")],
            ..OrgSnapshot::default()
        };
        let p = persona(&[
            (Field::Skills, "Billing:4; BILLING:2"),
            (Field::Queues, "General; Sales"),
        ]);
        let f = ambiguous_names(&p, &org);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].code, FindingCode::AmbiguousName);
        assert!(f[0].message.contains("s1, s2"), "{}", f[0].message);
        assert_eq!(f[0].field.as_deref(), Some("skills"));
    }
}
