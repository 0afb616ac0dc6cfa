//! The TUI's drift: a [`MultiOrgRequest`] (the Load form's Drift mode, or `drift --tui`)
//! becomes `drift`'s own arguments, so the Drift tab runs exactly what `onboard drift`
//! runs — the same read, the same report, and for `f`/`F` the same fix as `drift --fix`.

use super::Exit;
use super::drift::{self, Args};
use super::tui_orgs::OrgBook;
use crate::tui::app::{DriftFixed, DriftLoaded, Target};
use crate::tui::multi_org::{MultiOrgRequest, ReferenceSource, TargetUsers};
use clap::Parser;

/// `drift`'s arguments, parsed like the command line (defaults and checks included).
#[derive(Debug, Parser)]
#[command(name = "drift")]
struct DriftCommand {
    #[command(flatten)]
    args: Args,
}

/// The `onboard drift` arguments of a request.
pub fn args_of(r: &MultiOrgRequest) -> Result<Args, String> {
    let mut argv: Vec<String> = vec!["drift".into()];
    let mut push = |k: &str, v: String| {
        argv.push(k.into());
        argv.push(v);
    };
    match &r.reference {
        ReferenceSource::Live { profile, email } => {
            push("--from", profile.clone());
            push("--user", email.clone());
        }
        ReferenceSource::Persona { file, name } => {
            push("--personas", file.display().to_string());
            push("--persona", name.clone());
        }
        ReferenceSource::Baseline { file } => push("--baseline", file.display().to_string()),
    }
    if !r.include.is_empty() {
        push("--include", r.include.join(","));
    }
    push("--mode", if r.mirror { "mirror" } else { "merge" }.into());
    if let Some(map) = &r.map {
        push("--map", map.display().to_string());
    }
    if r.targets.is_empty() {
        return Err("pick at least one target org".into());
    }
    // `--to` only satisfies the parser: the targets are then Clone's (one conversion of a
    // request's orgs and users, create-missing included, for both tabs).
    push("--to", r.targets.join(","));
    let mut args = DriftCommand::try_parse_from(&argv)
        .map(|c| c.args)
        .map_err(|e| e.render().to_string().trim().to_string())?;
    args.targets = super::tui_orgs::target_args(r);
    Ok(args)
}

/// The request of `onboard drift … --tui`'s arguments.
pub fn request_of(a: &Args) -> Result<MultiOrgRequest, String> {
    let reference = match (&a.baseline, &a.reference.from, &a.reference.user) {
        (Some(file), _, _) => ReferenceSource::Baseline { file: file.clone() },
        (None, Some(profile), Some(email)) => ReferenceSource::Live {
            profile: profile.clone(),
            email: email.clone(),
        },
        _ => match (&a.reference.personas, &a.reference.persona) {
            (Some(file), Some(name)) => ReferenceSource::Persona {
                file: file.clone(),
                name: name.clone(),
            },
            _ => {
                return Err(
                    "give the reference as --from PROFILE --user EMAIL, --personas FILE --persona NAME, or --baseline FILE"
                        .into(),
                );
            }
        },
    };
    let t = &a.targets;
    let users = match (&t.targets, t.same_email, t.target.is_empty()) {
        (Some(path), _, _) => TargetUsers::List(path.clone()),
        (None, true, true) => TargetUsers::SameEmail,
        // Both: the reference's own email first, then the others (as `drift` lists them).
        (None, true, false) => match &a.reference.user {
            Some(reference) => TargetUsers::Emails(
                std::iter::once(reference.clone())
                    .chain(t.target.iter().cloned())
                    .collect(),
            ),
            None => {
                return Err(
                    "--same-email needs a live reference (--from PROFILE --user EMAIL)".into(),
                );
            }
        },
        (None, false, false) => TargetUsers::Emails(t.target.clone()),
        (None, false, true) => {
            return Err(
                "no targets: give --same-email, --target EMAIL[,EMAIL…] or --targets HIRES.csv"
                    .into(),
            );
        }
    };
    Ok(MultiOrgRequest {
        reference,
        include: a.reference.include.clone(),
        mirror: a.mode == "mirror",
        targets: t.to.clone(),
        users,
        map: a.reference.map.clone(),
        create_missing: t.create_missing.clone(),
    })
}

/// Run the drift of `request` (read-only).
pub async fn run_drift(request: MultiOrgRequest, book: OrgBook) -> Result<DriftLoaded, String> {
    let args = args_of(&request)?;
    let connect = |name: &str, _tokens: Option<u16>| book.connect(name);
    let run = drift::collect_with(&args, &connect).await?;
    Ok(DriftLoaded {
        request: Some(request),
        report: run.report,
        failed: run.failed,
    })
}

/// Fix these (org, email) pairs as `drift --fix` does (a fresh read, then the clone engine
/// on those rows only), then run the drift again.
pub async fn fix_drift(
    request: MultiOrgRequest,
    pairs: Vec<(String, String)>,
    book: OrgBook,
) -> Result<DriftFixed, String> {
    let args = args_of(&request)?;
    let connect = |name: &str, _tokens: Option<u16>| book.connect(name);
    let mut run = drift::collect_with(&args, &connect).await?;
    if run.blocked {
        let why: Vec<String> = run
            .report
            .reference_findings
            .iter()
            .map(|f| f.message.clone())
            .collect();
        return Err(format!("the reference cannot be used: {}", why.join("; ")));
    }
    let fixes = drift::fix_orgs(&mut run.orgs, run.replace, Some(&pairs)).await;
    let lines = fixes
        .iter()
        .filter(|f| f.result.is_some())
        .map(drift::OrgFix::describe)
        .collect();
    let ok = fixes.iter().all(drift::OrgFix::ok);
    drop(run);
    let after = run_drift(request, book).await;
    Ok(DriftFixed { lines, ok, after })
}

/// `onboard drift … --tui`: the TUI on its Drift tab, the drift running at once. The Load
/// screen offers the target orgs' profiles.
pub async fn open(a: Args) -> Exit {
    let request = match request_of(&a) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("onboard drift: {e}");
            return Exit::CannotRun;
        }
    };
    let targets: Vec<Target> = request
        .targets
        .iter()
        .map(|p| Target {
            label: format!("profile {p}"),
            place: String::new(),
            profile: Some(p.clone()),
            simulated: false,
        })
        .collect();
    let specs = request
        .targets
        .iter()
        .map(|p| {
            super::tui::OrgSpec::Connect(super::ConnectArgs {
                profile: Some(p.clone()),
                ..super::ConnectArgs::default()
            })
        })
        .collect();
    let opts = crate::tui::terminal::TuiOptions {
        file: None,
        queues: None,
        targets,
        services: std::sync::Arc::new(super::tui::LiveServices::new(specs, None)),
        drift: Some(request),
    };
    super::tui::open(opts).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    #[test]
    fn a_request_round_trips_through_drift_arguments() {
        let live = MultiOrgRequest {
            reference: ReferenceSource::Live {
                profile: "eu".into(),
                email: "ref@x.com".into(),
            },
            include: vec!["roles".into(), "skills".into()],
            mirror: true,
            targets: vec!["us".into(), "apac".into()],
            users: TargetUsers::Emails(vec!["a@x.com".into(), "b@x.com".into()]),
            map: Some(PathBuf::from("map.csv")),
            create_missing: vec![],
        };
        let persona = MultiOrgRequest {
            reference: ReferenceSource::Persona {
                file: PathBuf::from("personas.csv"),
                name: "sales".into(),
            },
            mirror: false,
            users: TargetUsers::List(PathBuf::from("targets.csv")),
            map: None,
            create_missing: vec!["skills".into(), "languages".into()],
            ..live.clone()
        };
        let baseline = MultiOrgRequest {
            reference: ReferenceSource::Baseline {
                file: PathBuf::from("base.csv"),
            },
            users: TargetUsers::SameEmail,
            create_missing: vec!["skills".into()],
            ..persona.clone()
        };
        for r in [live, persona, baseline] {
            let a = args_of(&r).map_err(|e| e.to_string());
            assert!(a.is_ok(), "{a:?}");
            let back = a.and_then(|a| request_of(&a));
            assert_eq!(back, Ok(r));
        }
    }

    #[test]
    fn same_email_with_more_targets_lists_the_reference_first() {
        let argv = [
            "drift",
            "--from",
            "eu",
            "--user",
            "r@x.com",
            "--to",
            "us",
            "--same-email",
            "--target",
            "a@x.com",
        ];
        let r = DriftCommand::try_parse_from(argv)
            .map_err(|e| e.to_string())
            .and_then(|c| request_of(&c.args));
        assert_eq!(
            r.map(|r| r.users),
            Ok(TargetUsers::Emails(vec![
                "r@x.com".into(),
                "a@x.com".into()
            ]))
        );
    }

    #[test]
    fn a_request_without_targets_says_what_to_do() {
        let r = MultiOrgRequest {
            reference: ReferenceSource::Baseline {
                file: PathBuf::from("base.csv"),
            },
            include: vec![],
            mirror: false,
            targets: vec![],
            users: TargetUsers::SameEmail,
            map: None,
            create_missing: vec![],
        };
        assert_eq!(
            args_of(&r).err().as_deref(),
            Some("pick at least one target org")
        );
    }
}
