//! `onboard persona capture|list`: personas are named bundles of hire-list attributes that hire
//! rows name in a `persona` column. `capture` writes a reference user of an org as a persona
//! (by names, so it means the same in other orgs); `list` checks every persona of a file
//! against an org. Both only read from the org.

use super::multi_org::Groups;
use super::{ConnectArgs, Exit, connect};
use crate::genesys::load_snapshot;
use crate::model::{Field, OrgSnapshot, sanitize};
use crate::preflight::personas::{self, Include, PersonaSet};
use std::path::{Path, PathBuf};

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub command: PersonaCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum PersonaCommand {
    /// Write a reference user's roles, skills, languages, queues, title and department as a
    /// persona, by names (read-only: nothing in the org changes).
    Capture(CaptureArgs),
    /// Check every persona of a personas file against the org (read-only).
    List(ListArgs),
}

#[derive(Debug, clap::Args)]
pub struct CaptureArgs {
    /// The reference user's email; repeat it (or separate with commas) to capture several
    /// users, one persona each.
    #[arg(long, value_name = "EMAIL", value_delimiter = ',', required = true)]
    pub user: Vec<String>,
    /// The persona's name (default: the user's title, else their name); with one --user.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    /// The groups to capture: roles,skills,languages,queues (default), plus division,
    /// licenses, utilization (named alone, these add to the four). Title and department are
    /// always captured.
    #[arg(long, value_delimiter = ',', value_name = "GROUPS")]
    pub include: Vec<String>,
    /// The personas file to add the persona to (replacing one of the same name); without
    /// it, the persona is printed as CSV.
    #[arg(short = 'o', long = "output", value_name = "PERSONAS.csv")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// The personas file.
    pub file: PathBuf,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

pub async fn run(args: Args) -> Exit {
    let result = match args.command {
        PersonaCommand::Capture(a) => capture(a).await,
        PersonaCommand::List(a) => list(a).await,
    };
    match result {
        Ok(exit) => exit,
        Err(e) => {
            eprintln!("onboard persona: {}", sanitize(&e));
            Exit::CannotRun
        }
    }
}

/// The groups `--include` names, as the clone reads them (the four by default). A list of
/// optional groups only (`--include division,licenses`, as capture always took it) adds them
/// to the four.
fn parse_include(groups: &[String]) -> Result<Groups, String> {
    let mut g = Groups::parse(groups)?;
    if !(g.roles || g.skills || g.languages || g.queues) {
        g.roles = true;
        g.skills = true;
        g.languages = true;
        g.queues = true;
    }
    Ok(g)
}

/// The optional groups of a capture.
fn optional(groups: Groups) -> Include {
    Include {
        division: groups.division,
        licenses: groups.licenses,
        utilization: groups.utilization,
    }
}

/// Keep the captured cells of `groups`, and the title and department (they describe the
/// persona and are not a group).
fn keep_groups(persona: &mut personas::Persona, groups: Groups) {
    let keep = groups.fields();
    persona
        .cells
        .retain(|(f, _)| keep.contains(f) || matches!(f, Field::Title | Field::Department));
}

/// The org, with every existing user of `emails` and their queue memberships (and their
/// utilization when `utilization`).
async fn snapshot_for(
    connect_args: &ConnectArgs,
    emails: &[String],
    utilization: bool,
) -> Result<(OrgSnapshot, String, crate::genesys::Client), String> {
    let conn = connect(connect_args).map_err(|e| e.to_string())?;
    // Persona commands only read: a client that refuses every write.
    let client = conn.client.read_only().map_err(|e| e.to_string())?;
    let mut opts = conn.snapshot_options();
    opts.telephony = false;
    opts.memberships_of = None;
    opts.utilization = utilization;
    let snapshot = load_snapshot(&client, emails, &[], &opts, |_| {})
        .await
        .map_err(|e| format!("cannot load the org from {}: {e}", conn.target))?;
    Ok((snapshot, conn.target, client))
}

async fn capture(a: CaptureArgs) -> Result<Exit, String> {
    let groups = parse_include(&a.include)?;
    let emails: Vec<String> = a
        .user
        .iter()
        .map(|e| e.trim().to_lowercase())
        .filter(|e| !e.is_empty())
        .collect();
    if emails.is_empty() {
        return Err("--user: give the reference user's email".into());
    }
    if a.name.is_some() && emails.len() > 1 {
        return Err(
            "--name names one persona: give it with one --user, or leave it out (each persona is then named by the user's title, else their name)"
                .into(),
        );
    }
    let (snapshot, target, client) = snapshot_for(&a.connect, &emails, groups.utilization).await?;
    let mut captured: Vec<personas::Persona> = Vec::new();
    for email in &emails {
        let persona = capture_one(
            &snapshot,
            &client,
            email,
            a.name.as_deref(),
            groups,
            &target,
        )
        .await?;
        if let Some(other) = captured
            .iter()
            .find(|p| personas::same_name(&p.name, &persona.name))
        {
            return Err(format!(
                "{email} and an earlier --user would both be the persona '{}'; capture them one at a time with --name",
                sanitize(&other.name)
            ));
        }
        captured.push(persona);
    }
    match &a.output {
        Some(path) => {
            let mut set = existing_set(path)?;
            let names: Vec<String> = captured.iter().map(|p| p.name.clone()).collect();
            for p in captured {
                personas::upsert(&mut set, p);
            }
            write_set(path, &set)?;
            eprintln!(
                "onboard persona: {} written to {}",
                names
                    .iter()
                    .map(|n| format!("'{}'", sanitize(n)))
                    .collect::<Vec<_>>()
                    .join(", "),
                path.display()
            );
        }
        None => {
            let set = PersonaSet {
                personas: captured,
                ..PersonaSet::default()
            };
            let mut bytes = Vec::new();
            personas::write_personas(&set, &mut bytes).map_err(|e| e.to_string())?;
            super::out(&String::from_utf8_lossy(&bytes));
        }
    }
    Ok(Exit::Ok)
}

/// One reference user of the snapshot as a persona; what was not captured is said on
/// standard error.
async fn capture_one(
    snapshot: &OrgSnapshot,
    client: &crate::genesys::Client,
    email: &str,
    name: Option<&str>,
    groups: Groups,
    target: &str,
) -> Result<personas::Persona, String> {
    let user = snapshot
        .users
        .iter()
        .find(|u| u.email.to_lowercase() == email)
        .ok_or_else(|| {
            format!("no user with the email {email} in the org at {target}; check the address")
        })?;
    let name = name
        .map(str::to_string)
        .or_else(|| user.title.clone())
        .unwrap_or_else(|| user.name.clone());
    let user = client
        .with_unjoined_queues(user)
        .await
        .map_err(|e| format!("cannot read {email}'s queues at {target}: {e}"))?;
    let mut captured = personas::capture(&user, snapshot, &name, optional(groups));
    keep_groups(&mut captured.persona, groups);
    if !captured.not_portable.is_empty() {
        eprintln!(
            "onboard persona: {email}: not captured (they belong to one user, not a persona): {}",
            captured.not_portable.join(", ")
        );
    }
    if !captured.unnamed.is_empty() {
        eprintln!(
            "onboard persona: {email}: left out, the org has no name for: {}",
            captured.unnamed.join(", ")
        );
    }
    Ok(captured.persona)
}

/// The personas already in `path`, or none when the file does not exist yet.
fn existing_set(path: &Path) -> Result<PersonaSet, String> {
    if !path.exists() {
        return Ok(PersonaSet::default());
    }
    read_set(path)
}

/// The personas file at `path`.
fn read_set(path: &Path) -> Result<PersonaSet, String> {
    let list = crate::ingest::read_path(path).map_err(|e| e.to_string())?;
    personas::from_hire_list(list).map_err(|e| e.to_string())
}

/// Write `set` to `path` atomically, so a failed write leaves the old file whole.
fn write_set(path: &Path, set: &PersonaSet) -> Result<(), String> {
    let mut bytes = Vec::new();
    personas::write_personas(set, &mut bytes)
        .and_then(|()| crate::sim::persist::write_atomic(path, &bytes))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))
}

async fn list(a: ListArgs) -> Result<Exit, String> {
    let set = read_set(&a.file)?;
    let (snapshot, _, _) = snapshot_for(&a.connect, &[], false).await?;
    let found = personas::check_personas(&set, &snapshot);
    let mut text = String::new();
    let mut errors = 0;
    for (p, findings) in set.personas.iter().zip(&found) {
        let items: usize = [Field::Roles, Field::Skills, Field::Languages, Field::Queues]
            .iter()
            .map(|f| crate::preflight::rules::split_list(p.cell(*f)).count())
            .sum();
        let errs = findings
            .iter()
            .filter(|f| f.severity == crate::model::Severity::Error)
            .count();
        let state = match (errs, findings.len() - errs) {
            (0, 0) => "ok".to_string(),
            (0, w) => format!("ok, {w} warning(s)"),
            (e, _) => format!("{e} error(s): rows using it are blocked"),
        };
        text.push_str(&format!(
            "{} (line {}): {items} roles/skills/languages/queues, {state}\n",
            sanitize(&p.name),
            p.line
        ));
        errors += errs;
        for f in findings {
            text.push_str(&format!("  {} {}\n", f.code.as_str(), sanitize(&f.message)));
        }
    }
    for problem in &set.problems {
        text.push_str(&format!("file: {}\n", sanitize(&problem.to_string())));
    }
    super::out(&text);
    Ok(if errors > 0 { Exit::Findings } else { Exit::Ok })
}
