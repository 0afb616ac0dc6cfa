//! `onboard drift`: which target users no longer look like the reference, per org, per user,
//! per item — read-only. Exit 0: no drift; 1: drift (or error findings); 2: could not run.
//! `--fix` reconciles with the clone engine; a second `drift` then exits 0 with 0 writes.
//! The reference is a live user (`--from --user`), a persona (`--personas --persona`), or a
//! baseline hire list (`--baseline`: each row is its own reference).

use super::multi_org::{self, Groups, PreparedOrg, Reference, ReferenceArgs, TargetArgs};
use super::{Exit, apply_steps};
use crate::model::{Field, sanitize};
use crate::preflight::drift::{DriftItem, Wanted, drift_of};
use crate::preflight::personas::PersonaSet;
use serde_json::json;
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
}

pub async fn run(args: Args) -> Exit {
    match drift(args).await {
        Ok(exit) => exit,
        Err(e) => {
            eprintln!("onboard drift: {}", sanitize(&e));
            Exit::CannotRun
        }
    }
}

/// One user's drift in one org.
struct UserDrift {
    org: String,
    email: String,
    items: Vec<DriftItem>,
}

async fn drift(a: Args) -> Result<Exit, String> {
    let groups = Groups::parse(&a.reference.include)?;
    let mirror = a.mode == "mirror";
    let replace = groups.replace(mirror);
    let map = multi_org::read_map(a.reference.map.as_deref())?;
    let (reference, list) = match &a.baseline {
        Some(path) => baseline(path)?,
        None => {
            let r = Reference::resolve(&a.reference, groups).await?;
            if r.blocked() {
                report(&a, &r, &[], &[], mirror)?;
                return Ok(Exit::Findings);
            }
            let list = multi_org::target_list(&a.targets, &r)?;
            (r, list)
        }
    };
    let prepared =
        multi_org::prepare_all(&a.targets, &reference, &list, map.as_ref(), replace).await;
    let mut orgs = Vec::new();
    for (profile, r) in prepared {
        orgs.push(r.map_err(|e| format!("{profile}: {e}"))?);
    }
    let drifts: Vec<UserDrift> = orgs.iter().flat_map(|p| org_drift(p, groups)).collect();
    let drifted = drifts
        .iter()
        .any(|d| d.items.iter().any(|i| i.code.counts(mirror)));
    report(&a, &reference, &orgs, &drifts, mirror)?;
    let errors = orgs.iter().any(PreparedOrg::has_errors);
    if !a.fix || !drifted {
        return Ok(if drifted || errors {
            Exit::Findings
        } else {
            Exit::Ok
        });
    }
    fix(&a, &orgs, replace).await
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
fn org_drift(p: &PreparedOrg, groups: Groups) -> Vec<UserDrift> {
    let fields: Vec<Field> = groups
        .fields()
        .into_iter()
        .filter(|f| crate::preflight::drift::DRIFT_GROUPS.contains(f))
        .collect();
    let provisioned = super::hires::provisioned(&p.inputs.list, p.inputs.personas.as_ref());
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
        out.push(UserDrift {
            org: p.profile.clone(),
            email,
            items,
        });
    }
    out
}

fn report(
    a: &Args,
    reference: &Reference,
    orgs: &[PreparedOrg],
    drifts: &[UserDrift],
    mirror: bool,
) -> Result<(), String> {
    let json = drift_json(reference, orgs, drifts, mirror);
    if let Some(path) = &a.report {
        let bytes = serde_json::to_vec_pretty(&json).map_err(|e| e.to_string())?;
        crate::sim::persist::write_atomic(path, &bytes)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    if a.format == "json" {
        super::out(&format!("{json:#}\n"));
    } else {
        super::out(&drift_text(reference, drifts, mirror));
    }
    Ok(())
}

fn drift_json(
    reference: &Reference,
    orgs: &[PreparedOrg],
    drifts: &[UserDrift],
    mirror: bool,
) -> serde_json::Value {
    let counts = |d: &UserDrift| d.items.iter().filter(|i| i.code.counts(mirror)).count();
    let missing = drifts
        .iter()
        .filter(|d| {
            d.items
                .iter()
                .any(|i| i.code == crate::preflight::drift::DriftCode::TargetMissing)
        })
        .count();
    let drifted = drifts.iter().filter(|d| counts(d) > 0).count();
    let items: Vec<serde_json::Value> = drifts
        .iter()
        .flat_map(|d| {
            d.items.iter().map(move |i| {
                let mut v = json!({"org": d.org, "email": d.email});
                if let (Some(o), Ok(serde_json::Value::Object(m))) =
                    (v.as_object_mut(), serde_json::to_value(i))
                {
                    o.extend(m);
                }
                v
            })
        })
        .collect();
    let per_org: Vec<serde_json::Value> = orgs
        .iter()
        .map(|p| {
            let mine: Vec<&UserDrift> = drifts.iter().filter(|d| d.org == p.profile).collect();
            json!({
                "org": p.profile,
                "org_name": p.binding.org_name,
                "targets": mine.len(),
                "drifted": mine.iter().filter(|d| counts(d) > 0).count(),
                "requests": p.requests,
            })
        })
        .collect();
    let findings: Vec<&crate::model::Finding> = reference
        .findings
        .iter()
        .chain(orgs.iter().flat_map(|p| p.checked.findings()))
        .collect();
    json!({
        "mode": if mirror { "mirror" } else { "merge" },
        "reference": {
            "org": reference.org,
            "email": reference.email,
            "persona": (reference.email.is_none() && !reference.name.is_empty()).then_some(&reference.name),
        },
        "summary": {
            "targets": drifts.len(),
            "in_sync": drifts.len() - drifted,
            "drifted": drifted - missing.min(drifted),
            "missing": missing,
            "items": drifts.iter().map(counts).sum::<usize>(),
        },
        "orgs": per_org,
        "drift": items,
        "findings": findings,
    })
}

fn drift_text(reference: &Reference, drifts: &[UserDrift], mirror: bool) -> String {
    let mut s = String::new();
    for f in &reference.findings {
        s.push_str(&format!(
            "reference: {} {}\n",
            f.code.as_str(),
            sanitize(&f.message)
        ));
    }
    let drifted: Vec<&UserDrift> = drifts
        .iter()
        .filter(|d| d.items.iter().any(|i| i.code.counts(mirror)))
        .collect();
    s.push_str(&format!(
        "{} targets, {} drifted, {} in sync (mode {})\n",
        drifts.len(),
        drifted.len(),
        drifts.len() - drifted.len(),
        if mirror { "mirror" } else { "merge" }
    ));
    for d in drifts.iter().filter(|d| !d.items.is_empty()) {
        s.push_str(&format!("{} @ {}\n", sanitize(&d.email), sanitize(&d.org)));
        for i in &d.items {
            let values = match (&i.want, &i.have) {
                (Some(w), Some(h)) => format!("  want {} have {}", sanitize(w), sanitize(h)),
                (Some(w), None) => format!("  want {}", sanitize(w)),
                (None, Some(h)) => format!("  have {}", sanitize(h)),
                (None, None) => String::new(),
            };
            let note = if i.code.counts(mirror) {
                ""
            } else {
                "  (kept in merge mode)"
            };
            s.push_str(&format!(
                "  {} {:<9} {} {}{values}{note}\n",
                i.code.mark(),
                i.group,
                sanitize(&i.item),
                i.code.as_str(),
            ));
        }
    }
    s
}

/// `--fix`: the clone engine on every org; rows without drift have nothing to do.
async fn fix(
    a: &Args,
    orgs: &[PreparedOrg],
    replace: crate::engine::Replace,
) -> Result<Exit, String> {
    let runnable: Vec<&PreparedOrg> = orgs.iter().filter(|p| !p.has_errors()).collect();
    for p in orgs.iter().filter(|p| p.has_errors()) {
        eprintln!(
            "onboard drift: {} has error findings; it is not fixed",
            sanitize(&p.profile)
        );
    }
    if !apply_steps::confirmed(a.yes)? {
        eprintln!("onboard drift: cancelled; nothing was written");
        return Ok(Exit::Findings);
    }
    let controls = std::sync::Mutex::new(Vec::new());
    let runs = runnable
        .iter()
        .map(|p| multi_org::run_org(p, replace, 8, &controls));
    let results = futures::future::join_all(runs).await;
    let mut ok = runnable.len() == orgs.len();
    for (p, r) in runnable.iter().zip(results) {
        match r {
            Ok((report, cancelled)) => {
                eprintln!(
                    "onboard drift --fix: {}: {} updated, {} failed, {} requests",
                    sanitize(&p.profile),
                    report.summary.succeeded,
                    report.summary.failed,
                    report.api.requests
                );
                ok &= !cancelled && report.summary.failed == 0;
            }
            Err(e) => {
                eprintln!(
                    "onboard drift --fix: {}: {}",
                    sanitize(&p.profile),
                    sanitize(&e)
                );
                ok = false;
            }
        }
    }
    Ok(if ok { Exit::Ok } else { Exit::Findings })
}
