//! What `clone` and `drift` share: the reference (a live user of a source org, read-only, or
//! a persona of a file), the target orgs (saved profiles), and per target org its own
//! client, snapshot, check, plan, journal and engine run. Each target is an ordinary hire
//! list in memory — one row per target user naming the reference persona — so every rule,
//! the journal binding and the engine are the ones `apply` uses.

use super::apply_steps::Inputs;
use super::connect::Connection;
use super::hires::PersonasFile;
use super::{ConnectArgs, connect};
use crate::engine::{self, EngineConfig, JournalBinding, Replace};
use crate::model::{
    EngineEvent, Field, Finding, FindingCode, OrgSnapshot, Plan, Report, UserState,
};
use crate::preflight::CheckResult;
use crate::preflight::personas::{
    self, CreateMissing, Include, MapKind, NewObject, OrgMap, Persona, PersonaSet,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// How an org's name becomes a connection: saved profiles for the commands
/// ([`connect_profile`]), the orgs the Load screen offers in the TUI (the demo's simulators).
pub type Connect<'a> = &'a (dyn Fn(&str, Option<u16>) -> Result<Connection, String> + Sync);

/// Where the reference comes from.
#[derive(Debug, Clone, clap::Args)]
pub struct ReferenceArgs {
    /// The source org's profile (read-only: onboard never writes to it).
    #[arg(long, value_name = "PROFILE", requires = "user")]
    pub from: Option<String>,
    /// The reference user's email in the source org.
    #[arg(long, value_name = "EMAIL", requires = "from")]
    pub user: Option<String>,
    /// A personas file holding the reference (with --persona).
    #[arg(long, value_name = "PERSONAS.csv")]
    pub personas: Option<PathBuf>,
    /// The reference persona's name in --personas.
    #[arg(long, value_name = "NAME", requires = "personas")]
    pub persona: Option<String>,
    /// Groups to copy or compare: roles,skills,languages,queues (default), plus division,
    /// licenses, utilization.
    #[arg(long, value_delimiter = ',', value_name = "GROUPS")]
    pub include: Vec<String>,
    /// Renames and drops per target org (org,kind,source,target; README "Clone").
    #[arg(long, value_name = "MAP.csv")]
    pub map: Option<PathBuf>,
    /// Also compare the permissions of each role the reference holds between the source
    /// org and each target (`role_definition_differs`); needs --from/--user.
    #[arg(long)]
    pub compare_roles: bool,
}

/// Which orgs and which users in them.
#[derive(Debug, Clone, clap::Args)]
pub struct TargetArgs {
    /// Target orgs: saved profile names, comma-separated.
    #[arg(long, value_delimiter = ',', value_name = "PROFILE", required = true)]
    pub to: Vec<String>,
    /// The reference's own email in each target org.
    #[arg(long)]
    pub same_email: bool,
    /// These users in each target org (comma-separated emails).
    #[arg(long, value_delimiter = ',', value_name = "EMAIL")]
    pub target: Vec<String>,
    /// A hire list of targets: users it names that do not exist are created, with the
    /// reference as their persona (their own cells add to or override it).
    #[arg(long, value_name = "HIRES.csv")]
    pub targets: Option<PathBuf>,
    /// Orgs worked on at once (default: all, at most 8).
    #[arg(long, value_name = "N")]
    pub org_concurrency: Option<usize>,
    /// Access tokens per target org, 1–50 (the rate limit is per token).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=50))]
    pub tokens: Option<u16>,
    /// Create the reference's skills and languages a target org lacks (`will_create`),
    /// before any user is written: skills, languages, or both.
    #[arg(long, value_delimiter = ',', value_name = "KINDS", value_parser = ["skills", "languages"])]
    pub create_missing: Vec<String>,
}

/// The groups a clone copies (and a drift compares).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Groups {
    pub roles: bool,
    pub skills: bool,
    pub languages: bool,
    pub queues: bool,
    pub division: bool,
    pub licenses: bool,
    /// The user's own maximum capacity per media type (one GET per user to read it).
    pub utilization: bool,
}

impl Groups {
    pub fn parse(list: &[String]) -> Result<Groups, String> {
        let mut g = Groups {
            roles: false,
            skills: false,
            languages: false,
            queues: false,
            division: false,
            licenses: false,
            utilization: false,
        };
        let mut any = false;
        for item in list.iter().map(|s| s.trim().to_lowercase()) {
            any |= !item.is_empty();
            match item.as_str() {
                "roles" => g.roles = true,
                "skills" => g.skills = true,
                "languages" => g.languages = true,
                "queues" => g.queues = true,
                "division" => g.division = true,
                "licenses" | "licences" => g.licenses = true,
                "utilization" | "utilisation" => g.utilization = true,
                "" => {}
                other => {
                    return Err(format!(
                        "--include {other}: not a group; use roles, skills, languages, queues, division, licenses, utilization"
                    ));
                }
            }
        }
        if !any {
            g.roles = true;
            g.skills = true;
            g.languages = true;
            g.queues = true;
        }
        Ok(g)
    }

    /// The hire-list fields of these groups.
    pub fn fields(self) -> Vec<Field> {
        [
            (self.division, Field::Division),
            (self.roles, Field::Roles),
            (self.skills, Field::Skills),
            (self.languages, Field::Languages),
            (self.queues, Field::Queues),
            (self.licenses, Field::Licenses),
            (self.utilization, Field::Utilization),
        ]
        .into_iter()
        .filter_map(|(on, f)| on.then_some(f))
        .collect()
    }

    /// Mirror mode: `--replace` for the included groups.
    pub fn replace(self, mirror: bool) -> Replace {
        Replace {
            roles: mirror && self.roles,
            skills: mirror && self.skills,
            languages: mirror && self.languages,
            queues: mirror && self.queues,
        }
    }
}

/// The reference, resolved: the personas the targets use, and what is said about it.
pub struct Reference {
    pub set: PersonaSet,
    /// The reference persona's name in `set`.
    pub name: String,
    /// The source profile, for reports.
    pub org: Option<String>,
    pub email: Option<String>,
    /// Reference-level findings (`source_user_not_found`, `source_user_inactive`,
    /// `not_portable`); an error here stops the run before any target is read.
    pub findings: Vec<Finding>,
    /// Requests made to the source org, and how many of them were not reads (always 0: the
    /// source client refuses writes).
    pub source_requests: u64,
    /// With `--compare-roles`: each role the reference holds (by its source name) and its
    /// permissions in the source org.
    pub role_permissions: Option<BTreeMap<String, BTreeSet<String>>>,
}

fn finding(code: FindingCode, message: String) -> Finding {
    Finding {
        row: None,
        line: None,
        email: None,
        field: None,
        code,
        severity: code.severity(),
        message,
        suggestion: None,
        persona: None,
        file: None,
    }
}

/// Keep only the cells of `groups` (a reference copies those and nothing else).
fn only_groups(p: &mut Persona, groups: Groups) {
    let keep = groups.fields();
    p.cells.retain(|(f, _)| keep.contains(f));
}

impl Reference {
    /// A `drift --baseline` list: each row is its own reference, no reference persona.
    pub fn is_baseline(&self) -> bool {
        self.name.is_empty()
    }

    pub async fn resolve(a: &ReferenceArgs, groups: Groups) -> Result<Reference, String> {
        Self::resolve_with(a, groups, &connect_profile).await
    }

    /// [`Reference::resolve`] with the source org reached through `connect`.
    pub async fn resolve_with(
        a: &ReferenceArgs,
        groups: Groups,
        connect: Connect<'_>,
    ) -> Result<Reference, String> {
        match (&a.from, &a.user, &a.personas, &a.persona) {
            (Some(from), Some(user), None, None) => {
                let conn = connect(from, None)?;
                Self::capture_with(&conn, from, user, groups, a.compare_roles).await
            }
            (None, None, Some(_), Some(_)) if a.compare_roles => Err(
                "--compare-roles compares each role with the source org's: give the reference as --from PROFILE --user EMAIL"
                    .into(),
            ),
            (None, None, Some(file), Some(name)) => Self::from_file(file, name, groups),
            _ => Err(
                "give the reference as --from PROFILE --user EMAIL, or as --personas FILE --persona NAME"
                    .into(),
            ),
        }
    }

    /// The reference persona `name` of a personas file.
    pub fn from_file(
        file: &std::path::Path,
        name: &str,
        groups: Groups,
    ) -> Result<Reference, String> {
        let pf = super::hires::read_personas_arg(Some(file))?
            .ok_or_else(|| format!("cannot read {}", file.display()))?;
        let mut set = pf.set;
        let Some(i) = set
            .personas
            .iter()
            .position(|p| personas::same_name(&p.name, name))
        else {
            let known: Vec<&str> = set.personas.iter().map(|p| p.name.as_str()).collect();
            return Err(format!(
                "{} has no persona '{name}'; it has: {}",
                file.display(),
                known.join(", ")
            ));
        };
        only_groups(&mut set.personas[i], groups);
        Ok(Reference {
            name: set.personas[i].name.clone(),
            set,
            org: None,
            email: None,
            findings: vec![],
            source_requests: 0,
            role_permissions: None,
        })
    }

    /// Capture `user` of the source org `from` over `conn` (made read-only here). The TUI
    /// passes the connection of an org it offers (a saved profile, or the demo's simulator).
    pub async fn capture_with(
        conn: &Connection,
        from: &str,
        user: &str,
        groups: Groups,
        compare_roles: bool,
    ) -> Result<Reference, String> {
        let email = user.trim().to_lowercase();
        let client = conn.client.read_only().map_err(|e| e.to_string())?;
        let mut opts = conn.snapshot_options();
        opts.telephony = false;
        opts.utilization = groups.utilization;
        let snapshot = crate::genesys::load_snapshot(
            &client,
            std::slice::from_ref(&email),
            &[],
            &opts,
            |_| {},
        )
        .await
        .map_err(|e| {
            format!(
                "cannot read the source org '{from}' at {}: {e}",
                conn.target
            )
        })?;
        let mut reference = Reference {
            set: PersonaSet::default(),
            name: email.clone(),
            org: Some(from.to_string()),
            email: Some(email.clone()),
            findings: vec![],
            source_requests: 0,
            role_permissions: None,
        };
        let found = snapshot
            .users
            .iter()
            .find(|u| u.email.to_lowercase() == email && u.state != UserState::Deleted);
        let Some(u) = found else {
            reference.findings.push(finding(
                FindingCode::SourceUserNotFound,
                format!("{email} is not a user of the source org '{from}' (or is deleted); check the address"),
            ));
            return Ok(reference);
        };
        if u.state == UserState::Inactive {
            reference.findings.push(finding(
                FindingCode::SourceUserInactive,
                format!("{email} is inactive in '{from}': the platform may have removed its roles, so the copied roles may be empty"),
            ));
        }
        let include = Include {
            division: groups.division,
            licenses: groups.licenses,
            utilization: groups.utilization,
        };
        let u = client
            .with_unjoined_queues(u)
            .await
            .map_err(|e| format!("cannot read {email}'s queues in '{from}': {e}"))?;
        let mut captured = personas::capture(&u, &snapshot, &email, include);
        only_groups(&mut captured.persona, groups);
        if !captured.not_portable.is_empty() {
            reference.findings.push(finding(
                FindingCode::NotPortable,
                format!(
                    "not copied (they belong to one user): {}",
                    captured.not_portable.join(", ")
                ),
            ));
        }
        if compare_roles {
            let perms = role_permissions(&client, &captured.persona, &snapshot)
                .await
                .map_err(|e| format!("cannot read the reference's roles in '{from}': {e}"))?;
            reference.role_permissions = Some(perms);
        }
        reference.source_requests = client.stats().requests;
        reference.set.source = format!("reference {email}");
        reference.set.personas.push(captured.persona);
        Ok(reference)
    }

    /// Whether a reference finding stops everything.
    pub fn blocked(&self) -> bool {
        self.findings
            .iter()
            .any(|f| f.severity == crate::model::Severity::Error)
    }
}

/// The permissions of each role a persona holds, read from its org (one
/// `GET /api/v2/authorization/roles/{id}` per role).
async fn role_permissions(
    client: &crate::genesys::Client,
    persona: &Persona,
    org: &OrgSnapshot,
) -> Result<BTreeMap<String, BTreeSet<String>>, crate::genesys::ApiError> {
    let mut out = BTreeMap::new();
    for item in crate::preflight::rules::split_list(persona.cell(Field::Roles)) {
        let name = item.split_once('@').map_or(item, |(r, _)| r.trim());
        if out.contains_key(name) {
            continue;
        }
        if let Some(role) = org.roles.iter().find(|r| r.name.eq_ignore_ascii_case(name)) {
            out.insert(name.to_string(), client.role_permissions(&role.id).await?);
        }
    }
    Ok(out)
}

/// A connection to the org of a saved profile (the environment's credentials win, as for
/// every command).
pub fn connect_profile(profile: &str, tokens: Option<u16>) -> Result<Connection, String> {
    let args = ConnectArgs {
        profile: Some(profile.to_string()),
        tokens,
        ..ConnectArgs::default()
    };
    connect(&args).map_err(|e| format!("target '{profile}': {e}"))
}

/// The source name of a target list made of `--target`/`--same-email` addresses.
pub const TYPED_TARGETS: &str = "targets";

/// The targets as a hire list in memory: the rows and the bytes the journal is bound to.
pub fn target_list(t: &TargetArgs, reference: &Reference) -> Result<(String, Vec<u8>), String> {
    let name = &reference.name;
    let mut emails: Vec<String> = Vec::new();
    if t.same_email {
        match &reference.email {
            Some(e) => emails.push(e.clone()),
            None => {
                return Err(
                    "--same-email needs a live reference (--from PROFILE --user EMAIL)".into(),
                );
            }
        }
    }
    emails.extend(
        t.target
            .iter()
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty()),
    );
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_err = |e: csv::Error| e.to_string();
    let source = match &t.targets {
        Some(path) => {
            if !emails.is_empty() {
                return Err(
                    "give the targets one way: --targets FILE, or --target/--same-email".into(),
                );
            }
            with_persona(path, name, &mut w)?;
            path.display().to_string()
        }
        None => {
            if emails.is_empty() {
                return Err(
                    "no targets: give --same-email, --target EMAIL[,EMAIL…] or --targets HIRES.csv"
                        .into(),
                );
            }
            w.write_record(["email", "persona"]).map_err(csv_err)?;
            for e in &emails {
                w.write_record([e.as_str(), name.as_str()])
                    .map_err(csv_err)?;
            }
            TYPED_TARGETS.to_string()
        }
    };
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    Ok((source, bytes))
}

/// The `--targets` file with the reference persona first in each row's persona cell.
fn with_persona(
    path: &std::path::Path,
    name: &str,
    w: &mut csv::Writer<Vec<u8>>,
) -> Result<(), String> {
    let (_, bytes) = crate::ingest::read_file(path).map_err(|e| e.to_string())?;
    let mut r = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    let mut header: Vec<String> = r
        .headers()
        .map_err(|e| format!("{}: {e}", path.display()))?
        .iter()
        .map(str::to_string)
        .collect();
    let col = match header.iter().position(|h| personas::is_persona_header(h)) {
        Some(c) => c,
        None => {
            header.push("persona".into());
            header.len() - 1
        }
    };
    w.write_record(&header).map_err(|e| e.to_string())?;
    for rec in r.records() {
        let rec = rec.map_err(|e| format!("{}: {e}", path.display()))?;
        let mut cells: Vec<String> = rec.iter().map(str::to_string).collect();
        cells.resize(header.len().max(cells.len()), String::new());
        cells[col] = if cells[col].trim().is_empty() {
            name.to_string()
        } else {
            format!("{name}; {}", cells[col])
        };
        w.write_record(&cells).map_err(|e| e.to_string())?;
    }
    Ok(())
}

/// One target org, read and checked: everything its run needs.
pub struct PreparedOrg {
    pub profile: String,
    pub conn: Connection,
    pub snapshot: OrgSnapshot,
    pub binding: JournalBinding,
    pub inputs: Inputs,
    pub checked: CheckResult,
    pub plan: Plan,
    /// Skills and languages the run creates first (`--create-missing`); the plan names
    /// them by stand-in ids.
    pub dependencies: Vec<NewObject>,
    /// Requests the preparation made (snapshot and checks).
    pub requests: u64,
}

impl PreparedOrg {
    /// Whether a finding stops this org (no write goes out to it).
    pub fn has_errors(&self) -> bool {
        self.checked.has_errors()
    }
}

/// Read and check one target org over `conn`: the reference mapped for it, its snapshot,
/// the pre-flight of the target list, the plan (with removals in mirror mode).
pub async fn prepare_org_with(
    conn: Connection,
    profile: &str,
    reference: &Reference,
    list: &(String, Vec<u8>),
    map: Option<&(String, OrgMap)>,
    replace: Replace,
    create: CreateMissing,
) -> Result<PreparedOrg, String> {
    conn.client
        .verify()
        .await
        .map_err(|e| format!("target '{profile}': cannot sign in to {}: {e}", conn.target))?;
    let mut set = reference.set.clone();
    if let Some((_, m)) = map {
        m.apply(profile, &mut set);
    }
    let persona = set
        .personas
        .iter()
        .find(|p| personas::same_name(&p.name, &reference.name))
        .cloned();
    let mut persona_bytes = Vec::new();
    personas::write_personas(&set, &mut persona_bytes).map_err(|e| e.to_string())?;
    let personas = PersonasFile {
        set,
        bytes: persona_bytes,
    };
    let mut hire_list = crate::ingest::read_bytes(&list.0, &list.1).map_err(|e| e.to_string())?;
    let mut list_bytes = std::borrow::Cow::Borrowed(&list.1[..]);
    if let (true, Some((_, m))) = (reference.is_baseline(), map)
        && m.apply_to_list(profile, &mut hire_list)
    {
        // This org's list is the baseline as the map renames it: the journal binds to that.
        let mut out = Vec::new();
        crate::ingest::write(&hire_list, &mut out).map_err(|e| e.to_string())?;
        list_bytes = std::borrow::Cow::Owned(out);
    }
    let bytes = super::hires::bound_bytes(&list_bytes, Some(&personas)).into_owned();
    let inputs = Inputs {
        list: hire_list,
        has_hire_list: true,
        queue_list: None,
        personas: Some(personas),
        bytes,
    };
    let mut snapshot = inputs
        .load_org(&conn, replace)
        .await
        .map_err(|e| format!("target '{profile}': {e}"))?;
    let binding = JournalBinding::for_list(&snapshot, &inputs.bytes).ok_or_else(|| {
        format!("target '{profile}': the org did not say who it is (GET /api/v2/organizations/me); check the client's permissions")
    })?;
    let dependencies = persona
        .as_ref()
        .map(|p| personas::to_create(p, &snapshot, create))
        .unwrap_or_default();
    engine::dependencies::stand_in(&mut snapshot, &dependencies);
    let mut checked = inputs.check_hires(&snapshot);
    as_missing_in_target(&mut checked, &reference.name);
    if list.0 == TYPED_TARGETS {
        explain_absent_targets(&mut checked, profile);
    }
    if let Some((file, m)) = map {
        checked.add_file_findings(m.check_targets(profile, &snapshot, file));
    }
    checked.add_file_findings(personas::will_create(&reference.name, &dependencies));
    if let Some(p) = &persona {
        checked.add_file_findings(personas::ambiguous_names(p, &snapshot));
    }
    checked.add_file_findings(visibility(&conn, &snapshot).await);
    if let Some(perms) = &reference.role_permissions {
        let differs = compare_roles(&conn, profile, perms, map, &snapshot)
            .await
            .map_err(|e| format!("target '{profile}': cannot read a role to compare: {e}"))?;
        checked.add_file_findings(differs);
    }
    let mut plan = checked.plan.clone();
    engine::plan_removals(&mut plan, replace, &snapshot);
    Ok(PreparedOrg {
        profile: profile.to_string(),
        requests: conn.client.stats().requests,
        conn,
        snapshot,
        binding,
        inputs,
        checked,
        plan,
        dependencies,
    })
}

/// `limited_visibility` from the divisions' object counts (one request). When they cannot
/// be read, that is said as the same warning: whether names are missing wrongly is unknown.
async fn visibility(conn: &Connection, snapshot: &OrgSnapshot) -> Vec<Finding> {
    match conn.client.division_object_counts().await {
        Ok(counts) => personas::limited_visibility(&counts, snapshot),
        Err(e) => vec![Finding {
            field: Some("division".into()),
            ..finding(
                FindingCode::LimitedVisibility,
                format!(
                    "cannot read the divisions' object counts ({e}): whether this client sees every object is unknown; give it the permission authorization:division:view to check"
                ),
            )
        }],
    }
}

/// `role_definition_differs` for each reference role whose namesake here (after `--map`)
/// grants other permissions.
async fn compare_roles(
    conn: &Connection,
    profile: &str,
    source: &BTreeMap<String, BTreeSet<String>>,
    map: Option<&(String, OrgMap)>,
    snapshot: &OrgSnapshot,
) -> Result<Vec<Finding>, crate::genesys::ApiError> {
    let mut out = Vec::new();
    for (name, perms) in source {
        let here = match map {
            Some((_, m)) => m.rename(profile, MapKind::Role, name),
            None => Some(name.clone()),
        };
        // Dropped by the map, or missing here (`missing_in_target` says so).
        let Some(role) = here.and_then(|n| {
            snapshot
                .roles
                .iter()
                .find(|r| r.name.eq_ignore_ascii_case(n.trim()))
        }) else {
            continue;
        };
        let target = conn.client.role_permissions(&role.id).await?;
        out.extend(personas::role_differs(&role.name, perms, &target));
    }
    Ok(out)
}

/// A typed target address that is not a user of the org would be created, and the list
/// has no name for it (`missing_field`): say that, and how to create users, rather than
/// ask for a column of a list the admin never wrote.
fn explain_absent_targets(checked: &mut CheckResult, profile: &str) {
    for f in checked.row_findings.iter_mut().flatten() {
        if f.code == FindingCode::MissingField && f.field.as_deref() == Some("name") {
            f.message = format!(
                "{} is not a user of '{profile}': --target and --same-email change existing users only; to create users, give --targets HIRES.csv with their names",
                f.email.as_deref().unwrap_or("this address")
            );
        }
    }
}

/// A name of the reference persona that the target org lacks is `missing_in_target`, with
/// the same message and suggestion the hire-list code had.
fn as_missing_in_target(checked: &mut CheckResult, reference: &str) {
    for f in &mut checked.file_findings {
        let unknown = matches!(
            f.code,
            FindingCode::UnknownRole
                | FindingCode::UnknownSkill
                | FindingCode::UnknownLanguage
                | FindingCode::UnknownQueue
                | FindingCode::UnknownDivision
                | FindingCode::UnknownLicense
        );
        if unknown
            && f.persona
                .as_deref()
                .is_some_and(|p| personas::same_name(p, reference))
        {
            f.code = FindingCode::MissingInTarget;
        }
    }
}

/// Prepare every target, `concurrency` at a time; each org's result on its own.
pub async fn prepare_all(
    t: &TargetArgs,
    reference: &Reference,
    list: &(String, Vec<u8>),
    map: Option<&(String, OrgMap)>,
    replace: Replace,
) -> Vec<(String, Result<PreparedOrg, String>)> {
    prepare_all_with(t, reference, list, map, replace, &connect_profile).await
}

/// [`prepare_all`] with each target reached through `connect`.
pub async fn prepare_all_with(
    t: &TargetArgs,
    reference: &Reference,
    list: &(String, Vec<u8>),
    map: Option<&(String, OrgMap)>,
    replace: Replace,
    connect: Connect<'_>,
) -> Vec<(String, Result<PreparedOrg, String>)> {
    use futures::StreamExt;
    let n = t.org_concurrency.unwrap_or(8).clamp(1, 8);
    // clap allows only skills and languages.
    let create = CreateMissing::parse(&t.create_missing).unwrap_or_default();
    futures::stream::iter(
        t.to.iter()
            .map(|p| p.trim().to_string())
            .filter(|p| !p.is_empty()),
    )
    .map(|p| async move {
        let r = match connect(&p, t.tokens) {
            Ok(conn) => prepare_org_with(conn, &p, reference, list, map, replace, create).await,
            Err(e) => Err(e),
        };
        (p, r)
    })
    .buffered(n)
    .collect()
    .await
}

/// Read `--map`, if given.
pub fn read_map(path: Option<&std::path::Path>) -> Result<Option<(String, OrgMap)>, String> {
    let Some(path) = path else { return Ok(None) };
    let (name, bytes) = crate::ingest::read_file(path).map_err(|e| e.to_string())?;
    Ok(Some((name.clone(), OrgMap::read(&name, &bytes)?)))
}

/// Run one prepared org's plan to the end; its own journal and lock, keyed by its org id and
/// its list (reference included), so a killed run resumes org by org.
pub async fn run_org(
    p: &PreparedOrg,
    replace: Replace,
    concurrency: usize,
    control_out: &std::sync::Mutex<Vec<engine::RunControl>>,
) -> Result<(Report, bool), String> {
    let data_dir = crate::config::Paths::resolve().map_err(|e| e.0)?.data_dir;
    let mut handle = start_org(p, &data_dir, replace, concurrency)?;
    if let Ok(mut c) = control_out.lock() {
        c.push(handle.control.clone());
    }
    while let Some(ev) = handle.events.recv().await {
        if let EngineEvent::Finished { report, cancelled } = ev {
            return Ok((report, cancelled));
        }
    }
    let report = handle
        .task
        .await
        .map_err(|e| format!("target '{}': the run stopped unexpectedly: {e}", p.profile))?;
    Ok((report, false))
}

/// Start one prepared org's engine with its journal and lock under `data_dir`; the caller
/// follows its events (the TUI shows them per org).
pub fn start_org(
    p: &PreparedOrg,
    data_dir: &std::path::Path,
    replace: Replace,
    concurrency: usize,
) -> Result<engine::RunHandle, String> {
    start_plan(p, p.plan.clone(), data_dir, replace, concurrency)
}

/// [`start_org`] on `plan`, some of the prepared org's rows (the TUI's retry of failed
/// rows): the same journal, lock and dependencies.
pub fn start_plan(
    p: &PreparedOrg,
    plan: crate::model::Plan,
    data_dir: &std::path::Path,
    replace: Replace,
    concurrency: usize,
) -> Result<engine::RunHandle, String> {
    let org_id = &p.binding.org_id;
    let journal = engine::default_journal_path(data_dir, org_id, &p.inputs.bytes);
    let mut cfg = EngineConfig::new(journal, p.binding.clone());
    cfg.lock_path = Some(engine::default_lock_path(data_dir, org_id, &p.inputs.bytes));
    cfg.concurrency = concurrency.max(1);
    cfg.replace = replace;
    cfg.dependencies = p.dependencies.clone();
    engine::start(p.conn.client.clone(), plan, cfg)
        .map_err(|e| format!("target '{}': {e}", p.profile))
}
