//! Resolving one row: its personas in cell order, then its own cells (see the module docs for
//! the rules). Pure and allocation-light; pre-flight runs it once per row.

use super::{Combine, PERSONA_FIELDS, PersonaSet, combine};
use crate::model::Field;
use crate::preflight::rules::split_list;

/// Where a resolved item came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The row's own cell.
    Row,
    /// The persona at this index of [`PersonaSet::personas`].
    Persona(usize),
}

/// One resolved item (a scalar's value, a role, a `Skill:4`…) and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provenance {
    pub field: Field,
    pub item: String,
    pub source: Source,
}

/// Something resolution noticed about the row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// The row names a persona the file does not have (`unknown_persona`).
    UnknownPersona {
        name: String,
        suggestion: Option<String>,
    },
    /// Two personas on the row disagree on a scalar, or on a skill's or language's
    /// proficiency (`item` names it); the later one wins (`persona_conflict`).
    Conflict {
        field: Field,
        item: Option<String>,
        earlier: usize,
        earlier_value: String,
        later: usize,
        later_value: String,
    },
    /// `-Name` in the row's cell names nothing a persona gave (`persona_removes_nothing`).
    RemovesNothing { field: Field, item: String },
    /// The resolved row holds more skills than a user may have (`skill_limit`).
    SkillLimit { count: usize },
}

/// A resolved row: the personas it uses, its cells after resolution, where each item came
/// from, and what was noticed on the way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolution {
    /// Indexes into [`PersonaSet::personas`], in cell order, each once.
    pub personas: Vec<usize>,
    /// The resolved cell for each of [`PERSONA_FIELDS`], in that order.
    pub cells: Vec<(Field, String)>,
    pub provenance: Vec<Provenance>,
    pub notes: Vec<Note>,
}

impl Resolution {
    /// The resolved cell for `field` ("" for a field personas do not set).
    pub fn cell(&self, field: Field) -> &str {
        self.cells
            .iter()
            .find(|(f, _)| *f == field)
            .map_or("", |(_, v)| v.as_str())
    }
}

/// More skills than this on one user are reported (Genesys Help: "you can assign up to 50
/// skills to a user"; whether the API enforces it per user is not documented).
pub const SKILL_LIMIT: usize = 50;

/// Resolve a row whose `persona` cell is `persona_cell` and whose own cells `own` gives.
pub fn resolve<'a>(
    set: &PersonaSet,
    persona_cell: &str,
    own: impl Fn(Field) -> &'a str,
) -> Resolution {
    let mut out = Resolution::default();
    for name in split_list(persona_cell) {
        match set.position(name) {
            Some(i) if !out.personas.contains(&i) => out.personas.push(i),
            Some(_) => {}
            None => out.notes.push(Note::UnknownPersona {
                name: name.to_string(),
                suggestion: set.suggest(name),
            }),
        }
    }
    for field in PERSONA_FIELDS {
        let Some(how) = combine(field) else { continue };
        let mut items: Vec<Provenance> = Vec::new();
        for &p in &out.personas {
            let cell = set.personas[p].cell(field);
            add_from_persona(&mut items, &mut out.notes, field, how, cell, p);
        }
        add_from_row(&mut items, &mut out.notes, field, how, own(field));
        if field == Field::Skills && items.len() > SKILL_LIMIT {
            out.notes.push(Note::SkillLimit { count: items.len() });
        }
        let text = items
            .iter()
            .map(|i| i.item.as_str())
            .collect::<Vec<_>>()
            .join("; ");
        out.cells.push((field, text));
        out.provenance.extend(items);
    }
    out
}

/// The identity of an item within its field: a skill or language by its name (not its
/// proficiency), a media type without its capacity, anything else by its whole text; case
/// and inner spacing ignored.
fn item_key(how: Combine, item: &str) -> String {
    how.name_of(item)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace(" @", "@")
        .replace("@ ", "@")
        .to_lowercase()
}

fn add_from_persona(
    items: &mut Vec<Provenance>,
    notes: &mut Vec<Note>,
    field: Field,
    how: Combine,
    cell: &str,
    persona: usize,
) {
    let values: Vec<&str> = match how {
        Combine::Scalar => Some(cell.trim())
            .filter(|c| !c.is_empty())
            .into_iter()
            .collect(),
        _ => split_list(cell).collect(),
    };
    for value in values {
        let key = item_key(how, value);
        let found = match how {
            Combine::Scalar => items.first_mut(),
            _ => items.iter_mut().find(|i| item_key(how, &i.item) == key),
        };
        let new = Provenance {
            field,
            item: value.to_string(),
            source: Source::Persona(persona),
        };
        match found {
            None => items.push(new),
            // Already given by an earlier persona: a union keeps one.
            Some(_) if how == Combine::Union => {}
            Some(old) => {
                if !old.item.trim().eq_ignore_ascii_case(value)
                    && let Source::Persona(earlier) = old.source
                {
                    notes.push(Note::Conflict {
                        field,
                        item: how.keyed().then(|| how.name_of(value).trim().to_string()),
                        earlier,
                        earlier_value: old.item.clone(),
                        later: persona,
                        later_value: value.to_string(),
                    });
                }
                *old = new;
            }
        }
    }
}

fn add_from_row(
    items: &mut Vec<Provenance>,
    notes: &mut Vec<Note>,
    field: Field,
    how: Combine,
    cell: &str,
) {
    let row_item = |value: &str| Provenance {
        field,
        item: value.to_string(),
        source: Source::Row,
    };
    if how == Combine::Scalar {
        let value = cell.trim();
        if !value.is_empty() {
            items.clear();
            items.push(row_item(value));
        }
        return;
    }
    for value in split_list(cell) {
        if let Some(removed) = value.strip_prefix('-') {
            let key = item_key(how, removed.trim());
            let before = items.len();
            items.retain(|i| item_key(how, &i.item) != key);
            if items.len() == before {
                notes.push(Note::RemovesNothing {
                    field,
                    item: removed.trim().to_string(),
                });
            }
            continue;
        }
        let key = item_key(how, value);
        match items.iter_mut().find(|i| item_key(how, &i.item) == key) {
            // The row's own `Name:prof` overrides a persona's proficiency (`media=n` a capacity).
            Some(old) if how.keyed() => *old = row_item(value),
            Some(_) => {}
            None => items.push(row_item(value)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::personas::read_personas;

    fn set() -> PersonaSet {
        read_personas(
            "personas.csv",
            b"persona,division,roles,skills,languages,queues,licenses,title,department\n\
Billing Agent,,Agent,Billing:4; Payments:3,English:5,Billing Tier 1; Payments,,Billing Agent,Billing\n\
Spanish,,,,Spanish:4,Spanish Support,,,\n\
Team Lead,,Supervisor; Agent,Escalations:5; Billing:5,,Escalations,cx3,Team Lead,\n",
        )
        .unwrap()
    }

    fn none(_: Field) -> &'static str {
        ""
    }

    #[test]
    fn personas_combine_in_cell_order() {
        let r = resolve(&set(), "Billing Agent; Team Lead", none);
        assert_eq!(r.personas, vec![0, 2]);
        assert_eq!(r.cell(Field::Roles), "Agent; Supervisor");
        assert_eq!(
            r.cell(Field::Skills),
            "Billing:5; Payments:3; Escalations:5"
        );
        assert_eq!(r.cell(Field::Title), "Team Lead");
        assert_eq!(r.cell(Field::Department), "Billing");
        assert_eq!(
            r.cell(Field::Queues),
            "Billing Tier 1; Payments; Escalations"
        );
        assert_eq!(
            r.notes,
            vec![
                Note::Conflict {
                    field: Field::Title,
                    item: None,
                    earlier: 0,
                    earlier_value: "Billing Agent".into(),
                    later: 2,
                    later_value: "Team Lead".into(),
                },
                Note::Conflict {
                    field: Field::Skills,
                    item: Some("Billing".into()),
                    earlier: 0,
                    earlier_value: "Billing:4".into(),
                    later: 2,
                    later_value: "Billing:5".into(),
                },
            ]
        );
    }

    #[test]
    fn the_row_adds_overrides_and_removes() {
        let own = |f: Field| match f {
            Field::Queues => "-Payments; VIP",
            Field::Skills => "Payments:1",
            Field::Title => "Senior Billing Agent",
            Field::Languages => "-French",
            _ => "",
        };
        let r = resolve(&set(), "billing agent", own);
        assert_eq!(r.cell(Field::Queues), "Billing Tier 1; VIP");
        assert_eq!(r.cell(Field::Skills), "Billing:4; Payments:1");
        assert_eq!(r.cell(Field::Title), "Senior Billing Agent");
        assert_eq!(
            r.notes,
            vec![Note::RemovesNothing {
                field: Field::Languages,
                item: "French".into()
            }]
        );
        let vip = r.provenance.iter().find(|p| p.item == "VIP").unwrap();
        assert_eq!(vip.source, Source::Row);
        let tier = r
            .provenance
            .iter()
            .find(|p| p.item == "Billing Tier 1")
            .unwrap();
        assert_eq!(tier.source, Source::Persona(0));
    }

    #[test]
    fn utilization_combines_by_media_type() {
        let set = read_personas(
            "p.csv",
            b"persona,utilization\nChat,chat=3; call=1\nVoice,call=2\n",
        )
        .unwrap();
        let r = resolve(&set, "Chat; Voice", none);
        assert_eq!(r.cell(Field::Utilization), "chat=3; call=2");
        assert_eq!(
            r.notes,
            vec![Note::Conflict {
                field: Field::Utilization,
                item: Some("call".into()),
                earlier: 0,
                earlier_value: "call=1".into(),
                later: 1,
                later_value: "call=2".into(),
            }]
        );
        let own = |f: Field| match f {
            Field::Utilization => "Chat:5; -call; email=1",
            _ => "",
        };
        let r = resolve(&set, "Chat", own);
        assert_eq!(r.cell(Field::Utilization), "Chat:5; email=1");
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }

    #[test]
    fn an_unknown_persona_is_noted_with_a_suggestion() {
        let r = resolve(&set(), "Spansh", none);
        assert!(r.personas.is_empty());
        assert_eq!(
            r.notes,
            vec![Note::UnknownPersona {
                name: "Spansh".into(),
                suggestion: Some("Spanish".into())
            }]
        );
    }

    #[test]
    fn more_than_fifty_skills_are_noted() {
        let many: String = (0..51).map(|i| format!("S{i}:1; ")).collect();
        let r = resolve(&set(), "", |f| if f == Field::Skills { &many } else { "" });
        assert_eq!(r.notes, vec![Note::SkillLimit { count: 51 }]);
        let fifty: String = (0..50).map(|i| format!("S{i}:1; ")).collect();
        let r = resolve(&set(), "", |f| if f == Field::Skills { &fifty } else { "" });
        assert!(r.notes.is_empty(), "{:?}", r.notes);
    }
}
