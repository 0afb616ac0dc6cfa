//! `onboard clone` (alias `replicate`): copy a reference user's configuration — roles with
//! their division scopes, skills, languages, queues — to users in other orgs, resolved by
//! name in each. Every target org is checked before anything is written; an org with error
//! findings is skipped and reported (or, with `--all-or-nothing`, no org is written). Then
//! every org runs at once, each with its own client, journal and engine.

use super::multi_org::{self, Groups, PreparedOrg, Reference, ReferenceArgs, TargetArgs};
use super::{Exit, apply_steps};
use crate::model::{Finding, PlanAction, Report, sanitize};
use serde_json::json;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub reference: ReferenceArgs,
    #[command(flatten)]
    pub targets: TargetArgs,
    /// merge (default): add and change, never remove; mirror: also remove what the reference
    /// lacks in the included groups.
    #[arg(long, default_value = "merge", value_parser = ["merge", "mirror"])]
    pub mode: String,
    /// Pre-flight only: findings and the plan per org, no writes.
    #[arg(long)]
    pub check: bool,
    /// Write no org unless every org is free of error findings.
    #[arg(long)]
    pub all_or_nothing: bool,
    /// Requests in flight at once per org.
    #[arg(long, default_value_t = 8)]
    pub concurrency: usize,
    /// Do not ask for confirmation.
    #[arg(long)]
    pub yes: bool,
    /// Output format on stdout.
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    pub format: String,
    /// Also write the JSON report here.
    #[arg(long, value_name = "PATH")]
    pub report: Option<std::path::PathBuf>,
}

pub async fn run(args: Args) -> Exit {
    match clone(args).await {
        Ok(exit) => exit,
        Err(e) => {
            eprintln!("onboard clone: {}", sanitize(&e));
            Exit::CannotRun
        }
    }
}

/// What became of one org.
struct OrgOutcome {
    profile: String,
    prepared: Option<PreparedOrg>,
    /// `checked`, `skipped` (error findings, or another org's under --all-or-nothing),
    /// `done`, `stopped`, `failed` (could not be read or run).
    status: &'static str,
    error: Option<String>,
    report: Option<Report>,
}

async fn clone(a: Args) -> Result<Exit, String> {
    let groups = Groups::parse(&a.reference.include)?;
    let mirror = a.mode == "mirror";
    let replace = groups.replace(mirror);
    let map = multi_org::read_map(a.reference.map.as_deref())?;
    let reference = Reference::resolve(&a.reference, groups).await?;
    if reference.blocked() {
        return finish(&a, &reference, vec![], mirror);
    }
    let list = multi_org::target_list(&a.targets, &reference)?;
    let prepared =
        multi_org::prepare_all(&a.targets, &reference, &list, map.as_ref(), replace).await;
    let mut outcomes: Vec<OrgOutcome> = prepared
        .into_iter()
        .map(|(profile, r)| match r {
            Ok(p) => OrgOutcome {
                status: if p.has_errors() { "skipped" } else { "checked" },
                profile,
                prepared: Some(p),
                error: None,
                report: None,
            },
            Err(e) => OrgOutcome {
                profile,
                prepared: None,
                status: "failed",
                error: Some(e),
                report: None,
            },
        })
        .collect();
    print_plans(&outcomes, replace);
    let any_bad = outcomes.iter().any(|o| o.status != "checked");
    if a.check || (a.all_or_nothing && any_bad) {
        if a.all_or_nothing && any_bad && !a.check {
            eprintln!("onboard clone: --all-or-nothing: an org has errors, so no org is written");
            for o in &mut outcomes {
                if o.status == "checked" {
                    o.status = "skipped";
                }
            }
        }
        return finish(&a, &reference, outcomes, mirror);
    }
    let writes = outcomes.iter().filter(|o| o.status == "checked").any(|o| {
        o.prepared
            .as_ref()
            .is_some_and(|p| p.plan.rows.iter().any(|r| r.action.writes()))
    });
    if writes && !apply_steps::confirmed(a.yes)? {
        eprintln!("onboard clone: cancelled; nothing was written");
        return Ok(Exit::Ok);
    }
    run_all(&mut outcomes, replace, a.concurrency).await;
    finish(&a, &reference, outcomes, mirror)
}

/// One plan line per org, naming the org, before the confirmation.
fn print_plans(outcomes: &[OrgOutcome], replace: crate::engine::Replace) {
    for o in outcomes {
        match (&o.prepared, &o.error) {
            (Some(p), _) => {
                let plan = &p.plan;
                eprintln!(
                    "{}: {} ({}) — {} create, {} update, {} unchanged, {} blocked — about {} API requests{}",
                    sanitize(&o.profile),
                    sanitize(&p.binding.org_name),
                    p.conn.target,
                    plan.count(PlanAction::Create),
                    plan.count(PlanAction::Update)
                        + plan.count(PlanAction::Restore)
                        + plan.count(PlanAction::Reactivate),
                    plan.count(PlanAction::Unchanged),
                    plan.count(PlanAction::Blocked),
                    crate::engine::estimate_requests(&plan.rows, replace)
                        + p.dependencies.len() as u64,
                    if p.has_errors() {
                        format!(", {} error findings: skipped", p.checked.summary().errors)
                    } else {
                        String::new()
                    }
                );
                for d in &p.dependencies {
                    eprintln!(
                        "  first: {} '{}'",
                        crate::engine::dependencies::step_name(d),
                        sanitize(&d.name)
                    );
                }
                for f in p
                    .checked
                    .findings()
                    .filter(|f| f.severity == crate::model::Severity::Error)
                    .take(10)
                {
                    eprintln!("  {} {}", f.code.as_str(), sanitize(&f.message));
                }
            }
            (None, Some(e)) => eprintln!(
                "{}: could not be read: {}",
                sanitize(&o.profile),
                sanitize(e)
            ),
            (None, None) => {}
        }
    }
}

/// Every clean org's run, all at once; Ctrl-C stops them all (journals intact).
async fn run_all(outcomes: &mut [OrgOutcome], replace: crate::engine::Replace, concurrency: usize) {
    let controls = std::sync::Arc::new(std::sync::Mutex::new(
        Vec::<crate::engine::RunControl>::new(),
    ));
    let watcher = {
        let controls = controls.clone();
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!(
                    "\nonboard clone: stopping every org — in-flight steps finish, journals stay intact; run the same command again to resume"
                );
                if let Ok(c) = controls.lock() {
                    c.iter().for_each(|c| c.cancel());
                }
            }
        })
    };
    let runs = outcomes
        .iter()
        .filter(|o| o.status == "checked")
        .filter_map(|o| o.prepared.as_ref())
        .map(|p| multi_org::run_org(p, replace, concurrency, &controls));
    let results = futures::future::join_all(runs).await;
    watcher.abort();
    let mut results = results.into_iter();
    for o in outcomes
        .iter_mut()
        .filter(|o| o.status == "checked" && o.prepared.is_some())
    {
        match results.next() {
            Some(Ok((report, cancelled))) => {
                o.status = if cancelled { "stopped" } else { "done" };
                o.report = Some(report);
            }
            Some(Err(e)) => {
                o.status = "failed";
                o.error = Some(e);
            }
            None => {}
        }
    }
}

/// The report (text or JSON) and the exit code.
fn finish(
    a: &Args,
    reference: &Reference,
    outcomes: Vec<OrgOutcome>,
    mirror: bool,
) -> Result<Exit, String> {
    let json = report_json(reference, &outcomes, mirror);
    if let Some(path) = &a.report {
        let bytes = serde_json::to_vec_pretty(&json).map_err(|e| e.to_string())?;
        crate::sim::persist::write_atomic(path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if a.format == "json" {
        super::out(&format!("{json:#}\n"));
    } else {
        super::out(&report_text(reference, &outcomes));
    }
    let failed_rows = outcomes
        .iter()
        .filter_map(|o| o.report.as_ref())
        .any(|r| r.summary.failed > 0);
    let ok = !reference.blocked()
        && !failed_rows
        && outcomes
            .iter()
            .all(|o| matches!(o.status, "done" | "checked"));
    Ok(if ok { Exit::Ok } else { Exit::Findings })
}

fn report_json(reference: &Reference, outcomes: &[OrgOutcome], mirror: bool) -> serde_json::Value {
    let orgs: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let findings: Vec<&Finding> = o
                .prepared
                .as_ref()
                .map(|p| p.checked.findings().collect())
                .unwrap_or_default();
            json!({
                "org": o.profile,
                "org_name": o.prepared.as_ref().map(|p| p.binding.org_name.clone()),
                "org_id": o.prepared.as_ref().map(|p| p.binding.org_id.clone()),
                "preflight_requests": o.prepared.as_ref().map(|p| p.requests),
                "status": o.status,
                "error": o.error,
                "plan": o.prepared.as_ref().map(|p| p.checked.plan_counts()),
                "create": o.prepared.as_ref().map(|p| p.dependencies.iter().map(|d| json!({
                    "step": crate::engine::dependencies::step_name(d),
                    "name": d.name,
                })).collect::<Vec<_>>()),
                "dependencies": o.report.as_ref().map(|r| &r.dependencies),
                "summary": o.report.as_ref().map(|r| &r.summary),
                "api": o.report.as_ref().map(|r| &r.api),
                "rows": o.report.as_ref().map(|r| &r.rows),
                "findings": findings,
            })
        })
        .collect();
    json!({
        "mode": if mirror { "mirror" } else { "merge" },
        "reference": {"org": reference.org, "email": reference.email, "persona": reference.email.is_none().then_some(&reference.name)},
        "source_requests": reference.source_requests,
        "findings": reference.findings,
        "orgs": orgs,
    })
}

fn report_text(reference: &Reference, outcomes: &[OrgOutcome]) -> String {
    let mut s = String::new();
    for f in &reference.findings {
        s.push_str(&format!(
            "reference: {} {}\n",
            f.code.as_str(),
            sanitize(&f.message)
        ));
    }
    for o in outcomes {
        let line = match (&o.report, &o.error) {
            (Some(r), _) => format!(
                "{}: {} — {} succeeded, {} unchanged, {} failed, {} skipped, {} requests",
                sanitize(&o.profile),
                o.status,
                r.summary.succeeded,
                r.summary.unchanged,
                r.summary.failed,
                r.summary.skipped,
                r.api.requests
            ),
            (None, Some(e)) => format!("{}: {} — {}", sanitize(&o.profile), o.status, sanitize(e)),
            (None, None) => format!("{}: {}", sanitize(&o.profile), o.status),
        };
        s.push_str(&line);
        s.push('\n');
        if let Some(r) = &o.report {
            for row in r.rows.iter().filter(|r| r.outcome.needs_retry()) {
                s.push_str(&format!(
                    "  {} {}\n",
                    sanitize(&row.email),
                    row.outcome.as_str()
                ));
            }
        }
    }
    s
}
