//! The Load screen's modes (F3: Hire list → Clone → Drift → Queues) and the Clone/Drift
//! form, which fills a [`MultiOrgRequest`].

use super::Target;
use crate::tui::multi_org::{MultiOrgRequest, ReferenceSource, TargetUsers};
use std::path::PathBuf;
use tui_input::Input;

/// What the Load screen loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoadMode {
    #[default]
    Hires,
    Clone,
    Drift,
    Queues,
}

impl LoadMode {
    /// The next mode of the F3 cycle.
    pub fn next(self) -> LoadMode {
        match self {
            LoadMode::Hires => LoadMode::Clone,
            LoadMode::Clone => LoadMode::Drift,
            LoadMode::Drift => LoadMode::Queues,
            LoadMode::Queues => LoadMode::Hires,
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            LoadMode::Hires => "Hire list",
            LoadMode::Clone => "Clone",
            LoadMode::Drift => "Drift",
            LoadMode::Queues => "Queues",
        }
    }

    /// Clone and Drift use the form; the others the path fields.
    pub fn multi_org(self) -> bool {
        matches!(self, LoadMode::Clone | LoadMode::Drift)
    }
}

/// One line of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormField {
    /// The source org (←/→ over the orgs, or a personas file).
    Source,
    /// The reference email (live source) or persona name (personas file).
    Reference,
    /// The personas file (when the source is one).
    Personas,
    /// Drift only: a hire list whose rows are each their own reference.
    Baseline,
    Include,
    Mode,
    Targets,
    Users,
    /// The typed emails or the list file of the target users.
    UsersText,
    Map,
    CreateMissing,
}

impl FormField {
    pub fn label(self) -> &'static str {
        match self {
            FormField::Source => "Source",
            FormField::Reference => "Reference",
            FormField::Personas => "Personas",
            FormField::Baseline => "Baseline",
            FormField::Include => "Include",
            FormField::Mode => "Mode",
            FormField::Targets => "Targets",
            FormField::Users => "Users",
            FormField::UsersText => "  emails",
            FormField::Map => "Map file",
            FormField::CreateMissing => "Create",
        }
    }

    /// Text fields take typed characters; the others take ←/→ and Space.
    pub fn is_text(self) -> bool {
        matches!(
            self,
            FormField::Reference
                | FormField::Personas
                | FormField::Baseline
                | FormField::UsersText
                | FormField::Map
        )
    }
}

/// The groups offered as include checkboxes, in order.
pub const GROUPS: [&str; 7] = [
    "roles",
    "skills",
    "languages",
    "queues",
    "division",
    "licenses",
    "utilization",
];
/// The kinds create-missing offers.
pub const CREATABLE: [&str; 2] = ["skills", "languages"];

/// How the target users are given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UsersKind {
    #[default]
    SameEmail,
    Emails,
    List,
}

impl UsersKind {
    pub fn label(self) -> &'static str {
        match self {
            UsersKind::SameEmail => "same email",
            UsersKind::Emails => "typed emails",
            UsersKind::List => "list file",
        }
    }
    fn next(self, forward: bool) -> UsersKind {
        let all = [UsersKind::SameEmail, UsersKind::Emails, UsersKind::List];
        let i = all.iter().position(|k| *k == self).unwrap_or(0);
        let n = all.len();
        all[if forward {
            (i + 1) % n
        } else {
            (i + n - 1) % n
        }]
    }
}

/// The Clone/Drift form.
#[derive(Debug, Clone)]
pub struct MultiOrgForm {
    /// Position in [`MultiOrgForm::fields`].
    pub field: usize,
    /// Index into the Load screen's orgs; one past the end: a personas file.
    pub source: usize,
    pub reference: Input,
    pub personas: Input,
    pub baseline: Input,
    pub include: [bool; 7],
    /// The checkbox ←/→ is on (include, targets, create).
    pub item: usize,
    pub mirror: bool,
    /// Per Load-screen org: picked as a target.
    pub targets: Vec<bool>,
    pub users: UsersKind,
    pub users_text: Input,
    pub map: Input,
    pub create: [bool; 2],
}

impl Default for MultiOrgForm {
    fn default() -> MultiOrgForm {
        MultiOrgForm {
            field: 0,
            source: 0,
            reference: Input::default(),
            personas: Input::default(),
            baseline: Input::default(),
            include: [true, true, true, true, false, false, false],
            item: 0,
            mirror: false,
            targets: Vec::new(),
            users: UsersKind::SameEmail,
            users_text: Input::default(),
            map: Input::default(),
            create: [false, false],
        }
    }
}

impl MultiOrgForm {
    /// The lines the form shows in `mode`, in order.
    pub fn fields(&self, mode: super::LoadMode, orgs: usize) -> Vec<FormField> {
        let mut v = vec![FormField::Source, FormField::Reference];
        if self.source >= orgs {
            v.push(FormField::Personas);
        }
        if mode == LoadMode::Drift {
            v.push(FormField::Baseline);
        }
        v.extend([FormField::Include, FormField::Mode, FormField::Targets]);
        v.push(FormField::Users);
        if self.users != UsersKind::SameEmail {
            v.push(FormField::UsersText);
        }
        v.push(FormField::Map);
        if mode == LoadMode::Clone {
            v.push(FormField::CreateMissing);
        }
        v
    }

    /// A line's label as the form is now: the target users' text line names what was
    /// chosen (typed emails, or a list file).
    pub fn label(&self, f: FormField) -> &'static str {
        match (f, self.users) {
            (FormField::UsersText, UsersKind::List) => " list file",
            _ => f.label(),
        }
    }

    pub fn current(&self, mode: LoadMode, orgs: usize) -> FormField {
        let f = self.fields(mode, orgs);
        f.get(self.field.min(f.len().saturating_sub(1)))
            .copied()
            .unwrap_or(FormField::Source)
    }

    /// The text input of a text field.
    pub fn input_mut(&mut self, f: FormField) -> Option<&mut Input> {
        match f {
            FormField::Reference => Some(&mut self.reference),
            FormField::Personas => Some(&mut self.personas),
            FormField::Baseline => Some(&mut self.baseline),
            FormField::UsersText => Some(&mut self.users_text),
            FormField::Map => Some(&mut self.map),
            _ => None,
        }
    }

    pub fn input(&self, f: FormField) -> Option<&Input> {
        match f {
            FormField::Reference => Some(&self.reference),
            FormField::Personas => Some(&self.personas),
            FormField::Baseline => Some(&self.baseline),
            FormField::UsersText => Some(&self.users_text),
            FormField::Map => Some(&self.map),
            _ => None,
        }
    }

    /// Up/Down: another line (the checkbox cursor back to the first item).
    pub fn move_field(&mut self, down: bool, mode: LoadMode, orgs: usize) {
        let n = self.fields(mode, orgs).len().max(1);
        self.field = if down {
            (self.field + 1) % n
        } else {
            (self.field + n - 1) % n
        };
        self.item = 0;
    }

    /// ←/→ on a choice or checkbox line.
    pub fn left_right(&mut self, forward: bool, mode: LoadMode, orgs: usize) {
        let step = |i: usize, n: usize| {
            if n == 0 {
                0
            } else if forward {
                (i + 1) % n
            } else {
                (i + n - 1) % n
            }
        };
        match self.current(mode, orgs) {
            FormField::Source => self.source = step(self.source, orgs + 1),
            FormField::Include => self.item = step(self.item, GROUPS.len()),
            FormField::Targets => self.item = step(self.item, orgs),
            FormField::CreateMissing => self.item = step(self.item, CREATABLE.len()),
            FormField::Mode => self.mirror = !self.mirror,
            FormField::Users => self.users = self.users.next(forward),
            _ => {}
        }
    }

    /// Space on a checkbox or choice line.
    pub fn toggle(&mut self, mode: LoadMode, orgs: usize) {
        match self.current(mode, orgs) {
            FormField::Include => {
                if let Some(b) = self.include.get_mut(self.item) {
                    *b = !*b;
                }
            }
            FormField::Targets => {
                self.targets.resize(orgs, false);
                if let Some(b) = self.targets.get_mut(self.item) {
                    *b = !*b;
                }
            }
            FormField::CreateMissing => {
                if let Some(b) = self.create.get_mut(self.item) {
                    *b = !*b;
                }
            }
            FormField::Mode => self.mirror = !self.mirror,
            FormField::Users => self.users = self.users.next(true),
            FormField::Source => self.source = (self.source + 1) % (orgs + 1),
            _ => {}
        }
    }

    /// The request the form describes, or what is missing (and how to give it).
    pub fn request(&self, mode: LoadMode, orgs: &[Target]) -> Result<MultiOrgRequest, String> {
        let text = |i: &Input| i.value().trim().to_string();
        let reference_text = text(&self.reference);
        let reference = if mode == LoadMode::Drift && !text(&self.baseline).is_empty() {
            ReferenceSource::Baseline {
                file: PathBuf::from(text(&self.baseline)),
            }
        } else if let Some(org) = orgs.get(self.source) {
            if reference_text.is_empty() {
                return Err("type the reference user's email (Reference line)".into());
            }
            ReferenceSource::Live {
                profile: org_name(org),
                email: reference_text,
            }
        } else {
            let file = text(&self.personas);
            if file.is_empty() || reference_text.is_empty() {
                return Err(
                    "type the personas file (Personas line) and the persona's name (Reference line)"
                        .into(),
                );
            }
            ReferenceSource::Persona {
                file: PathBuf::from(file),
                name: reference_text,
            }
        };
        let targets: Vec<String> = orgs
            .iter()
            .zip(&self.targets)
            .filter(|(_, on)| **on)
            .map(|(o, _)| org_name(o))
            .collect();
        if targets.is_empty() {
            return Err(
                "pick at least one target org (Targets line: ←/→ to an org, Space to pick it)"
                    .into(),
            );
        }
        let users_text = text(&self.users_text);
        let users = match self.users {
            UsersKind::SameEmail => TargetUsers::SameEmail,
            UsersKind::Emails if users_text.is_empty() => {
                return Err("type the target users' emails, comma-separated (emails line)".into());
            }
            UsersKind::Emails => TargetUsers::Emails(
                users_text
                    .split([',', ';', ' '])
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            ),
            UsersKind::List if users_text.is_empty() => {
                return Err("type the target list's path (list file line)".into());
            }
            UsersKind::List => TargetUsers::List(PathBuf::from(users_text)),
        };
        let map = text(&self.map);
        Ok(MultiOrgRequest {
            reference,
            include: GROUPS
                .iter()
                .zip(self.include)
                .filter(|(_, on)| *on)
                .map(|(g, _)| g.to_string())
                .collect(),
            mirror: self.mirror,
            targets,
            users,
            map: (!map.is_empty()).then(|| PathBuf::from(map)),
            create_missing: CREATABLE
                .iter()
                .zip(self.create)
                .filter(|(_, on)| *on)
                .map(|(g, _)| g.to_string())
                .collect(),
        })
    }
}

/// How a request names an org of the Load screen: its profile, else its label.
pub fn org_name(t: &Target) -> String {
    t.profile.clone().unwrap_or_else(|| t.label.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orgs() -> Vec<Target> {
        ["eu", "us", "apac"]
            .iter()
            .map(|n| Target {
                label: format!("profile {n}"),
                profile: Some(n.to_string()),
                ..Default::default()
            })
            .collect()
    }

    #[test]
    fn the_form_fills_a_clone_request_and_says_what_is_missing() {
        let mut f = MultiOrgForm::default();
        let err = f.request(LoadMode::Clone, &orgs()).unwrap_err();
        assert!(err.contains("reference"), "{err}");
        f.reference = Input::new("ref@example.com".into());
        let err = f.request(LoadMode::Clone, &orgs()).unwrap_err();
        assert!(err.contains("target org"), "{err}");
        f.targets = vec![false, true, true];
        f.create = [true, false];
        let r = f.request(LoadMode::Clone, &orgs()).unwrap();
        assert_eq!(
            r.reference,
            ReferenceSource::Live {
                profile: "eu".into(),
                email: "ref@example.com".into()
            }
        );
        assert_eq!(r.targets, vec!["us", "apac"]);
        assert_eq!(r.include, vec!["roles", "skills", "languages", "queues"]);
        assert_eq!(r.create_missing, vec!["skills"]);
        assert_eq!(r.users, TargetUsers::SameEmail);
    }

    #[test]
    fn the_target_users_line_names_what_was_chosen() {
        let mut f = MultiOrgForm {
            users: UsersKind::Emails,
            ..Default::default()
        };
        assert_eq!(f.label(FormField::UsersText), "  emails");
        f.users = UsersKind::List;
        assert_eq!(f.label(FormField::UsersText), " list file");
        f.reference = Input::new("ref@example.com".into());
        f.targets = vec![true, false, false];
        let err = f.request(LoadMode::Clone, &orgs()).unwrap_err();
        assert!(err.contains("list file line"), "{err}");
        assert_eq!(f.label(FormField::Map), "Map file");
    }

    #[test]
    fn f3_cycles_hires_clone_drift_queues() {
        let mut m = LoadMode::Hires;
        let mut seen = Vec::new();
        for _ in 0..4 {
            m = m.next();
            seen.push(m);
        }
        assert_eq!(
            seen,
            [
                LoadMode::Clone,
                LoadMode::Drift,
                LoadMode::Queues,
                LoadMode::Hires
            ]
        );
    }
}
