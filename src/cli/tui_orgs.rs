//! The TUI's Clone across orgs, over `cli::multi_org` (the same reference, target list,
//! per-org preparation and engine start that `onboard clone` uses): [`OrgBook`] names the
//! orgs the Load screen offers, [`CloneState`] keeps the prepared orgs between Pre-flight
//! and Run, and the functions here turn them into what the screens show.

use super::connect::Connection;
use super::multi_org::{self, Groups, PreparedOrg, Reference, TargetArgs};
use super::tui::OrgSpec;
use crate::engine::Replace;
use crate::model::{FindingCode, LoadProgress};
use crate::preflight::personas::CreateMissing;
use crate::preflight::personas::{self, OrgMap};
use crate::tui::driver::LoadInbox;
use crate::tui::multi_org::{MultiOrgRequest, ReferenceSource, TargetUsers};
use crate::tui::org_check::{MultiPrepared, OrgChecked, OrgCounts, ReferenceSummary};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// The orgs the Load screen offers, by the name a request uses (profile, else label).
#[derive(Clone, Default)]
pub struct OrgBook {
    pub orgs: Vec<(String, OrgSpec)>,
}

impl OrgBook {
    /// A connection to the org called `name`: one the Load screen offers, else a saved
    /// profile of that name.
    pub fn connect(&self, name: &str) -> Result<Connection, String> {
        match self.orgs.iter().find(|(n, _)| n == name).map(|(_, s)| s) {
            Some(OrgSpec::Client { client, .. }) => Ok(Connection {
                client: client.clone(),
                profile: None,
                target: client.api_base().to_string(),
                secret_source: "the org's client".into(),
            }),
            Some(OrgSpec::Connect(args)) => {
                super::connect(args).map_err(|e| format!("target '{name}': {}", e.0))
            }
            None => multi_org::connect_profile(name, None),
        }
    }
}

/// A prepared Clone: what its re-checks and runs need.
pub struct CloneState {
    reference: Arc<Reference>,
    list: Arc<(String, Vec<u8>)>,
    replace: Replace,
    prepared: BTreeMap<String, PreparedOrg>,
}

pub type SharedClone = Arc<Mutex<Option<CloneState>>>;

fn progress(inbox: &LoadInbox, what: &str, done: bool) {
    inbox.progress(LoadProgress {
        resource: what.to_string(),
        loaded: usize::from(done),
        total: Some(1),
        done,
        left_s: None,
    });
}

/// Resolve the reference, then read and check every target org at once.
pub async fn prepare(
    book: OrgBook,
    state: SharedClone,
    request: MultiOrgRequest,
    inbox: LoadInbox,
) -> Result<MultiPrepared, String> {
    let groups = Groups::parse(&request.include)?;
    let replace = groups.replace(request.mirror);
    let create = CreateMissing::parse(&request.create_missing)?;
    let map = multi_org::read_map(request.map.as_deref())?;
    progress(&inbox, "reference", false);
    let (reference, label) = match &request.reference {
        ReferenceSource::Live { profile, email } => {
            let conn = book.connect(profile)?;
            let r = Reference::capture_with(&conn, profile, email, groups, false).await?;
            (r, format!("{email} ({profile})"))
        }
        ReferenceSource::Persona { file, name } => (
            Reference::from_file(file, name, groups)?,
            format!("persona {name} ({})", file.display()),
        ),
        ReferenceSource::Baseline { .. } => {
            return Err(
                "a baseline list is for Drift; Clone needs a reference user or persona".into(),
            );
        }
    };
    progress(&inbox, "reference", true);
    let summary = summarize(&reference, label);
    if reference.blocked() {
        let orgs = request
            .targets
            .iter()
            .map(|t| {
                let e = "not read: the reference has an error".to_string();
                (t.clone(), Err(e))
            })
            .collect();
        return Ok(MultiPrepared {
            request,
            reference: summary,
            orgs,
        });
    }
    let list = multi_org::target_list(&target_args(&request), &reference)?;
    let preparing = request.targets.iter().map(|t| {
        let (book, inbox, reference, list, map) = (&book, &inbox, &reference, &list, &map);
        async move {
            let what = format!("org {t}");
            progress(inbox, &what, false);
            let r = match book.connect(t) {
                Ok(conn) => {
                    multi_org::prepare_org_with(
                        conn,
                        t,
                        reference,
                        list,
                        map.as_ref(),
                        replace,
                        create,
                    )
                    .await
                }
                Err(e) => Err(e),
            };
            progress(inbox, &what, true);
            (t.clone(), r)
        }
    });
    let results = futures::future::join_all(preparing).await;
    let mut prepared = BTreeMap::new();
    let mut orgs = Vec::new();
    for (t, r) in results {
        match r {
            Ok(p) => {
                orgs.push((t.clone(), Ok(checked(&p, replace).await)));
                prepared.insert(t, p);
            }
            Err(e) => orgs.push((t, Err(e))),
        }
    }
    if let Ok(mut s) = state.lock() {
        *s = Some(CloneState {
            reference: Arc::new(reference),
            list: Arc::new(list),
            replace,
            prepared,
        });
    }
    Ok(MultiPrepared {
        request,
        reference: summary,
        orgs,
    })
}

/// Re-check one org against a fresh read of it, with the map file as it is now and the
/// kinds it creates when missing (`create`: the form's, plus what `c` marked in this org).
/// The org's run (and a retry of its failed rows) starts from what this prepared.
pub async fn recheck(
    book: OrgBook,
    state: SharedClone,
    org: String,
    map: Option<PathBuf>,
    create: Vec<String>,
) -> Result<OrgChecked, String> {
    let create = CreateMissing::parse(&create)?;
    let (reference, list, replace) = {
        let s = state
            .lock()
            .map_err(|_| "the clone state is unusable".to_string())?;
        let s = s
            .as_ref()
            .ok_or_else(|| "prepare the clone first (Load, F3 → Clone)".to_string())?;
        (s.reference.clone(), s.list.clone(), s.replace)
    };
    let map: Option<(String, OrgMap)> = multi_org::read_map(map.as_deref())?;
    let conn = book.connect(&org)?;
    let p =
        multi_org::prepare_org_with(conn, &org, &reference, &list, map.as_ref(), replace, create)
            .await?;
    let c = checked(&p, replace).await;
    if let Ok(mut s) = state.lock()
        && let Some(s) = s.as_mut()
    {
        s.prepared.insert(org, p);
    }
    Ok(c)
}

/// Where the runs' journals go; a run without one is refused (nothing unrecorded).
fn journal_dir(data_dir: Option<&std::path::Path>) -> Result<&std::path::Path, String> {
    data_dir.ok_or_else(|| {
        "no data directory for the run journals: set ONBOARD_DATA_DIR and prepare again".to_string()
    })
}

/// The prepared clone, or what to do first.
fn prepared_clone(state: &Option<CloneState>) -> Result<&CloneState, String> {
    state
        .as_ref()
        .ok_or_else(|| "prepare the clone first (Load, F3 → Clone)".to_string())
}

/// Start the engines of these prepared orgs (each its own journal and lock in `data_dir`).
pub fn start(
    state: &SharedClone,
    orgs: &[String],
    data_dir: Option<&std::path::Path>,
    concurrency: usize,
) -> Result<Vec<(String, crate::engine::RunHandle)>, String> {
    let data_dir = journal_dir(data_dir)?;
    let guard = state
        .lock()
        .map_err(|_| "the clone state is unusable".to_string())?;
    let s = prepared_clone(&guard)?;
    let mut out = Vec::new();
    for org in orgs {
        let p = s
            .prepared
            .get(org)
            .ok_or_else(|| format!("'{org}' was not prepared"))?;
        if p.has_errors() {
            return Err(format!("'{org}' has error findings: it is not written"));
        }
        out.push((
            org.clone(),
            multi_org::start_org(p, data_dir, s.replace, concurrency)?,
        ));
    }
    Ok(out)
}

/// Retry these failed rows of one org: its engine (own client, journal and lock) on the
/// plan of those rows as the org's last re-check planned them from a fresh read — rows
/// that read shows done, or that have an error now, are not run (the caller says which).
pub fn start_rows(
    state: &SharedClone,
    org: &str,
    rows: &[usize],
    data_dir: Option<&std::path::Path>,
    concurrency: usize,
) -> Result<crate::engine::RunHandle, String> {
    let data_dir = journal_dir(data_dir)?;
    let guard = state
        .lock()
        .map_err(|_| "the clone state is unusable".to_string())?;
    let s = prepared_clone(&guard)?;
    let p = s
        .prepared
        .get(org)
        .ok_or_else(|| format!("'{org}' was not prepared"))?;
    if p.has_errors() {
        return Err(format!(
            "'{org}' has error findings now: it is not written (see Pre-flight)"
        ));
    }
    let mut plan = p.plan.clone();
    plan.rows.retain(|r| rows.contains(&r.row));
    multi_org::start_plan(p, plan, data_dir, s.replace, concurrency)
}

/// The request's targets as `clone`'s (and `drift`'s) options.
pub(super) fn target_args(r: &MultiOrgRequest) -> TargetArgs {
    let (same_email, target, targets) = match &r.users {
        TargetUsers::SameEmail => (true, Vec::new(), None),
        TargetUsers::Emails(e) => (false, e.clone(), None),
        TargetUsers::List(p) => (false, Vec::new(), Some(p.clone())),
    };
    TargetArgs {
        to: r.targets.clone(),
        same_email,
        target,
        targets,
        org_concurrency: None,
        tokens: None,
        create_missing: r.create_missing.clone(),
    }
}

/// The Reference panel's content.
fn summarize(r: &Reference, label: String) -> ReferenceSummary {
    let groups = r
        .set
        .personas
        .iter()
        .find(|p| personas::same_name(&p.name, &r.name))
        .map(|p| {
            p.cells
                .iter()
                .map(|(field, value)| {
                    let names = crate::preflight::rules::split_list(value)
                        .map(str::to_string)
                        .collect();
                    (field.as_str().to_string(), names)
                })
                .collect()
        })
        .unwrap_or_default();
    let not_portable = r
        .findings
        .iter()
        .find(|f| f.code == FindingCode::NotPortable)
        .map(|f| f.message.clone());
    ReferenceSummary {
        label,
        groups,
        not_portable,
        findings: r.findings.clone(),
    }
}

/// What the screens show of a prepared org.
async fn checked(p: &PreparedOrg, replace: Replace) -> OrgChecked {
    let s = &p.snapshot;
    let names = |v: Vec<&String>| {
        let mut v: Vec<String> = v.into_iter().cloned().collect();
        v.sort();
        v
    };
    OrgChecked {
        profile: p.profile.clone(),
        org_name: p.binding.org_name.clone(),
        place: p.conn.target.clone(),
        findings: p.checked.findings().cloned().collect(),
        counts: OrgCounts::of(&p.plan),
        // One POST per skill or language created first.
        requests: crate::engine::estimate_requests(&p.plan.rows, replace)
            + p.dependencies.len() as u64,
        creates: p
            .dependencies
            .iter()
            .map(|d| {
                let kind = match d.kind {
                    crate::genesys::clone_calls::Catalogue::Skills => "skill",
                    crate::genesys::clone_calls::Catalogue::Languages => "language",
                };
                format!("{kind} '{}'", d.name)
            })
            .collect(),
        rows: p.plan.rows.iter().map(|r| (r.row, r.action)).collect(),

        preflight_requests: p.requests,
        allowed: super::tui::allowed_rate(&p.conn.client).await,
        names: vec![
            (
                "role".into(),
                names(s.roles.iter().map(|x| &x.name).collect()),
            ),
            (
                "skill".into(),
                names(s.skills.iter().map(|x| &x.name).collect()),
            ),
            (
                "language".into(),
                names(s.languages.iter().map(|x| &x.name).collect()),
            ),
            (
                "queue".into(),
                names(s.queues.iter().map(|x| &x.name).collect()),
            ),
            (
                "division".into(),
                names(s.divisions.iter().map(|x| &x.name).collect()),
            ),
        ],
    }
}
