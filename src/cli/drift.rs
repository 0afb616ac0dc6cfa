//! `onboard drift`: which target users no longer look like the reference, per org, per user,
//! per item — read-only. Exit 0: no drift; 1: drift (or error findings); 2: could not run.
//! `--fix` reconciles with the clone engine; a second `drift` then exits 0 with 0 writes.
//! The reference is a live user (`--from --user`), a persona (`--personas --persona`), or a
//! baseline hire list (`--baseline`: each row is its own reference).

use super::multi_org::{self, Groups, PreparedOrg, Reference, ReferenceArgs, TargetArgs};
use super::{Exit, apply_steps};
use crate::engine::Replace;
use crate::model::{Field, Report, RowPlan, sanitize};
use crate::preflight::drift::{Wanted, drift_of};
use crate::preflight::drift_report::{DriftReference, DriftReport, OrgDrift, UserDrift};
use crate::preflight::personas::PersonaSet;
use std::collections::HashMap;
use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub reference: ReferenceArgs,
    /// A hire list whose rows are the reference, each for its own user (instead of a
    /// reference user or persona).
    #[arg(long, value_name = "HIRES.csv", conflicts_with_all = ["from", "persona"])]
    pub baseline: Option<PathBuf>,
    #[command(flatten)]
    pub targets: TargetArgs,
    /// merge (default): extras are listed but are not drift; mirror: extras are drift too.
    #[arg(long, default_value = "merge", value_parser = ["merge", "mirror"])]
    pub mode: String,
    /// Reconcile the drifted users (the clone engine), after a confirmation.
    #[arg(long)]
    pub fix: bool,
    /// Do not ask for confirmation (with --fix).
    #[arg(long)]
    pub yes: bool,
    /// Output format on stdout.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Also write the JSON report here.
    #[arg(long, value_name = "PATH")]
    pub report: Option<PathBuf>,
    /// Open the TUI on its Drift tab (users × orgs; Enter a diff, f/F fix, x export)
    /// instead of printing the report.
    #[arg(long, conflicts_with_all = ["fix", "yes", "format", "report"])]
    pub tui: bool,
}

pub async fn run(args: Args) -> Exit {
    if args.tui {
        return super::drift_tui::open(args).await;
    }
    match drift(args).await {
        Ok(exit) => exit,
        Err(e) => {
            eprintln!("onboard drift: {}", sanitize(&e));
            Exit::CannotRun
        }
    }
}

/// A drift, read and compared, before it is printed or fixed.
pub(super) struct DriftRun {
    pub(super) report: DriftReport,
    /// The orgs that could be read, with their plans (what a fix runs).
    pub(super) orgs: Vec<PreparedOrg>,
    /// The orgs that could not be read: (profile, why).
    pub(super) failed: Vec<(String, String)>,
    pub(super) replace: Replace,
    /// A reference finding stops the run before any target is read.
    pub(super) blocked: bool,
}

/// Read the reference and every target org, and compare: what `drift` prints and the TUI's
/// Drift tab shows. Read-only.
pub(super) async fn collect(a: &Args) -> Result<DriftRun, String> {
    collect_with(a, &multi_org::connect_profile).await
}

/// [`collect`] with every org reached through `connect` (the TUI's orgs).
pub(super) async fn collect_with(
    a: &Args,
    connect: multi_org::Connect<'_>,
) -> Result<DriftRun, String> {
    let groups = Groups::parse(&a.reference.include)?;
    let mirror = a.mode == "mirror";
    let replace = groups.replace(mirror);
    let map = multi_org::read_map(a.reference.map.as_deref())?;
    let (reference, list) = match &a.baseline {
        Some(path) => baseline(path)?,
        None => {
            let r = Reference::resolve_with(&a.reference, groups, connect).await?;
            if r.blocked() {
                return Ok(DriftRun {
                    report: report_of(&r, &[], vec![], mirror, replace),
                    orgs: vec![],
                    failed: vec![],
                    replace,
                    blocked: true,
                });
            }
            let list = multi_org::target_list(&a.targets, &r)?;
            (r, list)
        }
    };
    let prepared = multi_org::prepare_all_with(
        &a.targets,
        &reference,
        &list,
        map.as_ref(),
        replace,
        connect,
    )
    .await;
    let mut orgs = Vec::new();
    let mut failed = Vec::new();
    for (profile, r) in prepared {
        match r {
            Ok(p) => orgs.push(p),
            Err(e) => failed.push((profile, e)),
        }
    }
    let users: Vec<UserDrift> = orgs
        .iter()
        .flat_map(|p| org_drift(p, groups, replace))
        .collect();
    Ok(DriftRun {
        report: report_of(&reference, &orgs, users, mirror, replace),
        orgs,
        failed,
        replace,
        blocked: false,
    })
}

async fn drift(a: Args) -> Result<Exit, String> {
    let mut run = collect(&a).await?;
    if let Some((profile, e)) = run.failed.first() {
        return Err(format!("{profile}: {e}"));
    }
    report(&a, &run.report)?;
    if run.blocked {
        return Ok(Exit::Findings);
    }
    let drifted = run.report.any_drift();
    let errors = run.orgs.iter().any(PreparedOrg::has_errors);
    if !a.fix || !drifted {
        return Ok(if drifted || errors {
            Exit::Findings
        } else {
            Exit::Ok
        });
    }
    fix(&a, &mut run).await
}

/// The report of a run: the reference, the orgs read, their users' drift.
fn report_of(
    reference: &Reference,
    orgs: &[PreparedOrg],
    users: Vec<UserDrift>,
    mirror: bool,
    replace: Replace,
) -> DriftReport {
    let mut report = DriftReport {
        mirror,
        reference: DriftReference {
            org: reference.org.clone(),
            email: reference.email.clone(),
            persona: reference.name.clone(),
        },
        reference_findings: reference.findings.clone(),
        orgs: Vec::new(),
        users,
        findings: orgs
            .iter()
            .flat_map(|p| p.checked.findings().cloned())
            .collect(),
    };
    report.orgs = orgs
        .iter()
        .map(|p| {
            let drifted: Vec<&str> = report
                .users
                .iter()
                .filter(|d| d.org == p.profile && report.is_drifted(d))
                .map(|d| d.email.as_str())
                .collect();
            let rows: Vec<RowPlan> = p
                .plan
                .rows
                .iter()
                .filter(|r| drifted.iter().any(|e| r.email.eq_ignore_ascii_case(e)))
                .cloned()
                .collect();
            OrgDrift {
                org: p.profile.clone(),
                org_name: p.binding.org_name.clone(),
                requests: p.requests,
                fix_requests: crate::engine::estimate_requests(&rows, replace),
                has_errors: p.has_errors(),
            }
        })
        .collect();
    report
}

/// `--baseline`: the list as written, no reference persona.
fn baseline(path: &std::path::Path) -> Result<(Reference, (String, Vec<u8>)), String> {
    let (name, bytes) = crate::ingest::read_file(path).map_err(|e| e.to_string())?;
    let reference = Reference {
        set: PersonaSet::default(),
        name: String::new(),
        org: None,
        email: None,
        findings: vec![],
        source_requests: 0,
        role_permissions: None,
    };
    Ok((reference, (name, bytes)))
}

/// Each target row's drift in one org: the row's resolved cells against the user.
fn org_drift(p: &PreparedOrg, groups: Groups, replace: Replace) -> Vec<UserDrift> {
    let fields: Vec<Field> = groups
        .fields()
        .into_iter()
        .filter(|f| crate::preflight::drift::DRIFT_GROUPS.contains(f))
        .collect();
    let provisioned = super::hires::provisioned(&p.inputs.list, p.inputs.personas.as_ref());
    let plan_rows: HashMap<String, &RowPlan> = p
        .plan
        .rows
        .iter()
        .map(|r| (r.email.to_lowercase().to_string(), r))
        .collect();
    let mut out = Vec::new();
    for row in &provisioned.rows {
        let email = provisioned.cell(row, Field::Email).trim().to_lowercase();
        if email.is_empty() {
            continue;
        }
        let wanted: Wanted = fields
            .iter()
            .map(|f| (*f, provisioned.cell(row, *f).to_string()))
            .collect();
        let user = p
            .snapshot
            .users
            .iter()
            .find(|u| u.email.to_lowercase() == email)
            .map(|u| &**u);
        let mut items = drift_of(&wanted, user, &p.snapshot, &fields);
        for i in &mut items {
            if i.item.is_empty() {
                i.item = email.clone();
            }
        }
        let fix_requests = plan_rows.get(&email).map_or(0, |r| {
            crate::engine::estimate_requests(std::slice::from_ref(*r), replace)
        });
        out.push(UserDrift {
            org: p.profile.clone(),
            email,
            items,
            fix_requests,
        });
    }
    out
}

fn report(a: &Args, report: &DriftReport) -> Result<(), String> {
    let json = report.to_json();
    if let Some(path) = &a.report {
        let bytes = serde_json::to_vec_pretty(&json).map_err(|e| e.to_string())?;
        crate::sim::persist::write_atomic(path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if a.format == "json" {
        super::out(&format!("{json:#}\n"));
    } else {
        super::out(&report.to_text());
    }
    Ok(())
}

/// What became of one org's fix.
pub struct OrgFix {
    pub org: String,
    /// None: not written (error findings, or nothing of it was asked for).
    pub result: Option<Result<(Report, bool), String>>,
}

impl OrgFix {
    /// Whether every row asked for was reconciled.
    pub fn ok(&self) -> bool {
        match &self.result {
            Some(Ok((report, cancelled))) => !cancelled && report.summary.failed == 0,
            Some(Err(_)) => false,
            None => true,
        }
    }

    /// One line for a person: `us: 3 updated, 0 failed, 12 requests`.
    pub fn describe(&self) -> String {
        let org = sanitize(&self.org);
        match &self.result {
            Some(Ok((report, cancelled))) => format!(
                "{org}: {} updated, {} failed, {} requests{}",
                report.summary.succeeded,
                report.summary.failed,
                report.api.requests,
                if *cancelled { " (stopped)" } else { "" }
            ),
            Some(Err(e)) => format!("{org}: {}", sanitize(e)),
            None => format!("{org}: not written"),
        }
    }
}

/// Reconcile with the clone engine, all orgs at once: every drifted row (`only` None: rows
/// without drift have nothing to do), or only the given (org, email) pairs. An org with
/// error findings is not written. `drift --fix` and the TUI's `f`/`F` both come here.
pub(super) async fn fix_orgs(
    orgs: &mut [PreparedOrg],
    replace: Replace,
    only: Option<&[(String, String)]>,
) -> Vec<OrgFix> {
    for p in orgs.iter_mut() {
        if let Some(pairs) = only {
            let profile = p.profile.clone();
            p.plan.rows.retain(|r| {
                pairs
                    .iter()
                    .any(|(o, e)| *o == profile && r.email.eq_ignore_ascii_case(e))
            });
        }
    }
    let controls = std::sync::Mutex::new(Vec::new());
    let runnable: Vec<&PreparedOrg> = orgs
        .iter()
        .filter(|p| !p.has_errors() && !p.plan.rows.is_empty())
        .collect();
    let runs = runnable
        .iter()
        .map(|p| multi_org::run_org(p, replace, 8, &controls));
    let mut results = futures::future::join_all(runs).await.into_iter();
    orgs.iter()
        .map(|p| OrgFix {
            org: p.profile.clone(),
            result: if !p.has_errors() && !p.plan.rows.is_empty() {
                results.next()
            } else {
                None
            },
        })
        .collect()
}

/// `--fix`: the clone engine on every org; rows without drift have nothing to do.
async fn fix(a: &Args, run: &mut DriftRun) -> Result<Exit, String> {
    for p in run.orgs.iter().filter(|p| p.has_errors()) {
        eprintln!(
            "onboard drift: {} has error findings; it is not fixed",
            sanitize(&p.profile)
        );
    }
    if !apply_steps::confirmed(a.yes)? {
        eprintln!("onboard drift: cancelled; nothing was written");
        return Ok(Exit::Findings);
    }
    let errors = run.orgs.iter().any(PreparedOrg::has_errors);
    let fixes = fix_orgs(&mut run.orgs, run.replace, None).await;
    let mut ok = !errors;
    for f in &fixes {
        if f.result.is_some() {
            eprintln!("onboard drift --fix: {}", f.describe());
        }
        ok &= f.ok();
    }
    Ok(if ok { Exit::Ok } else { Exit::Findings })
}
