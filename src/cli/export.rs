//! `onboard export`: an org's users written as a hire list (docs/contract.md §2 columns), by
//! names — to commit as a baseline, apply to another org, or check with `drift --baseline`.
//! Read-only: the client refuses every write.

use super::{ConnectArgs, Exit, connect};
use crate::genesys::all_users::load_with_all_users;
use crate::model::{ExistingUser, sanitize};
use crate::preflight::export::{export_fields, export_rows};
use crate::preflight::personas::Include;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which users: active (default), inactive or any.
    #[arg(long, default_value = "active", value_parser = ["active", "inactive", "any"])]
    pub state: String,
    /// Only users in this division (repeat for several).
    #[arg(long, value_name = "NAME")]
    pub division: Vec<String>,
    /// Only the users of this file's `email` column (a hire list, for instance).
    #[arg(long, value_name = "EMAILS.csv")]
    pub users: Option<PathBuf>,
    /// Also export `licenses` (licence ids are assumed equal across orgs).
    #[arg(long, value_delimiter = ',', value_name = "GROUPS")]
    pub include: Vec<String>,
    /// Write the hire list here (default: stdout).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub connect: ConnectArgs,
}

pub async fn run(args: Args) -> Exit {
    match export(args).await {
        Ok(exit) => exit,
        Err(e) => {
            eprintln!("onboard export: {}", sanitize(&e));
            Exit::CannotRun
        }
    }
}

async fn export(a: Args) -> Result<Exit, String> {
    let include = parse_include(&a.include)?;
    let wanted_emails = a.users.as_deref().map(read_emails).transpose()?;
    let conn = connect(&a.connect).map_err(|e| e.to_string())?;
    let client = conn.client.read_only().map_err(|e| e.to_string())?;
    let mut opts = conn.snapshot_options();
    opts.telephony = false;
    opts.utilization = include.utilization;
    // With --users only those are read (one search per 100 emails), not the whole org.
    let snapshot = match &wanted_emails {
        Some(emails) => {
            let emails: Vec<String> = emails.iter().cloned().collect();
            crate::genesys::load_snapshot(&client, &emails, &[], &opts, |_| {}).await
        }
        None => load_with_all_users(&client, &a.state, &opts).await,
    }
    .map_err(|e| format!("cannot read the org at {}: {e}", conn.target))?;
    let divisions: Vec<String> = a.division.iter().map(|d| d.trim().to_lowercase()).collect();
    for d in &divisions {
        if !snapshot
            .divisions
            .iter()
            .any(|x| x.name.to_lowercase() == *d)
        {
            return Err(format!(
                "--division '{d}': the org has no division of that name; check the spelling"
            ));
        }
    }
    let users: Vec<&ExistingUser> = snapshot
        .users
        .iter()
        .map(|u| &**u)
        .filter(|u| state_matches(u, &a.state))
        .filter(|u| divisions.is_empty() || in_divisions(u, &snapshot, &divisions))
        .filter(|u| {
            wanted_emails
                .as_ref()
                .is_none_or(|w| w.contains(&u.email.to_lowercase()))
        })
        .collect();
    let exported = export_rows(&users, &snapshot, include);
    let mut bytes = Vec::new();
    {
        let mut w = csv::Writer::from_writer(&mut bytes);
        w.write_record(export_fields(include).iter().map(|f| f.as_str()))
            .map_err(|e| e.to_string())?;
        for row in &exported.rows {
            w.write_record(
                row.iter()
                    .map(|c| crate::ingest::escape_cell(c).into_owned()),
            )
            .map_err(|e| e.to_string())?;
        }
        w.flush().map_err(|e| e.to_string())?;
    }
    match &a.output {
        Some(path) => crate::sim::persist::write_atomic(path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?,
        None => super::out(&String::from_utf8_lossy(&bytes)),
    }
    eprintln!(
        "onboard export: {} users from {} ({} requests)",
        exported.rows.len(),
        conn.target,
        client.stats().requests
    );
    if exported.managers_outside > 0 {
        eprintln!(
            "onboard export: {} managers are not among the exported users; their manager_email is left empty",
            exported.managers_outside
        );
    }
    if !exported.unnamed.is_empty() {
        eprintln!(
            "onboard export: left out, the org has no name for: {}",
            sanitize(&exported.unnamed.join(", "))
        );
    }
    Ok(Exit::Ok)
}

fn state_matches(u: &ExistingUser, state: &str) -> bool {
    match state {
        "any" => true,
        "inactive" => u.state == crate::model::UserState::Inactive,
        _ => u.state == crate::model::UserState::Active,
    }
}

fn in_divisions(u: &ExistingUser, s: &crate::model::OrgSnapshot, names: &[String]) -> bool {
    s.divisions
        .iter()
        .find(|d| *d.id == *u.division_id)
        .is_some_and(|d| names.contains(&d.name.to_lowercase()))
}

/// `--include`: the four groups and the division are always exported; `licenses` and
/// `utilization` (one more request per user) on request.
fn parse_include(groups: &[String]) -> Result<Include, String> {
    let mut include = Include::default();
    for g in groups.iter().map(|g| g.trim().to_lowercase()) {
        match g.as_str() {
            "licenses" | "licences" => include.licenses = true,
            "utilization" | "utilisation" => include.utilization = true,
            "roles" | "skills" | "languages" | "queues" | "division" | "" => {}
            other => {
                return Err(format!(
                    "--include {other}: not a group export can include; use licenses, utilization"
                ));
            }
        }
    }
    Ok(include)
}

/// The lowercased emails of a file's `email` column.
fn read_emails(path: &std::path::Path) -> Result<std::collections::BTreeSet<String>, String> {
    let list = crate::ingest::read_path(path).map_err(|e| e.to_string())?;
    let emails: std::collections::BTreeSet<String> = list
        .rows
        .iter()
        .map(|r| {
            list.cell(r, crate::model::Field::Email)
                .trim()
                .to_lowercase()
        })
        .filter(|e| !e.is_empty())
        .collect();
    if emails.is_empty() {
        return Err(format!(
            "{} has no emails in an `email` column; give a file with one",
            path.display()
        ));
    }
    Ok(emails)
}
