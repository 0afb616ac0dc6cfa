//! `onboard apply [HIRES] --queues QUEUES.csv` (spec queues.md §8): the real binary against
//! the simulator over HTTP — queues under faults end exactly as listed and a re-run writes
//! nothing, a SIGKILL mid-run then a resume ends the same, a description-only change leaves
//! every other field byte-equal, new queues and the hires who join them in one run, and
//! `--replace wrapup_codes`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/queue_org.rs"]
mod queue_org;
#[path = "common/sim_http.rs"]
mod sim_http;

use onboard::sim::SimHandle;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Queue name → (wrap-up code names, member emails), each sorted.
type QueueSets = BTreeMap<String, (Vec<String>, Vec<String>)>;

struct Sim {
    rt: tokio::runtime::Runtime,
    handle: SimHandle,
    api: sim_http::Api,
}

fn start_sim(faults: &str) -> Sim {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (handle, api) = rt.block_on(sim_http::start_seeded(
        queue_org::queue_seed(),
        faults,
        None,
    ));
    Sim { rt, handle, api }
}

impl Sim {
    fn get(&self, path: &str) -> Value {
        let r = self.rt.block_on(self.api.get(path));
        assert!(r.status.is_success(), "{path}: {} {}", r.status, r.body);
        r.body
    }
    fn stats(&self) -> onboard::sim::SimStats {
        self.rt.block_on(self.handle.stats())
    }
    /// Requests that change the org so far: every non-GET but token mints, searches and the
    /// licence read (`POST /license/users` takes user ids and reads).
    fn writes(&self) -> u64 {
        self.stats()
            .by_route
            .iter()
            .filter(|(route, _)| {
                !route.starts_with("GET ")
                    && !route.contains("/oauth/")
                    && !route.contains("search")
                    && *route != "POST /api/v2/license/users"
            })
            .map(|(_, n)| n)
            .sum()
    }
    /// Queue name → (wrap-up code names, member emails), read from the org.
    fn queues(&self) -> QueueSets {
        self.handle.with_state(|o| {
            o.queues
                .iter()
                .map(|q| {
                    let mut codes: Vec<String> = q
                        .wrapup_ids
                        .iter()
                        .filter_map(|id| o.wrapups.iter().find(|w| &w.id == id))
                        .map(|w| w.name.clone())
                        .collect();
                    codes.sort();
                    let mut members: Vec<String> = q
                        .members
                        .iter()
                        .filter_map(|id| o.users.iter().find(|u| &u.id == id))
                        .map(|u| u.email.to_lowercase())
                        .collect();
                    members.sort();
                    (q.name.clone(), (codes, members))
                })
                .collect()
        })
    }
}

fn command(args: &[&str], home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_onboard"));
    c.args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .env("ONBOARD_CLIENT_ID", "demo")
        .env("ONBOARD_CLIENT_SECRET", "demo-secret")
        .env("ONBOARD_CONFIG_DIR", home.join("config"))
        .env("ONBOARD_DATA_DIR", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("HOME", home.join("home"))
        .env("ONBOARD_PROGRESS", "never");
    c
}

fn onboard(args: &[&str], home: &Path) -> Output {
    command(args, home).output().unwrap()
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not a JSON report ({e}): stdout {} stderr {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn outcomes(r: &Value, kind: &str) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for row in r["rows"].as_array().unwrap() {
        if row["kind"] == kind {
            *m.entry(row["outcome"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    m
}

const CODES: [&str; 10] = [
    "Resolved",
    "Callback Scheduled",
    "Escalated",
    "Sale Made",
    "No Sale",
    "Refund Issued",
    "Payment Taken",
    "Promise To Pay",
    "Ticket Created",
    "Wrong Number",
];

/// The demo org's active users' emails (existing members; the API refuses others).
fn demo_emails(sim: &Sim) -> Vec<String> {
    sim.handle.with_state(|o| {
        o.users
            .iter()
            .filter(|u| u.state == onboard::model::UserState::Active)
            .map(|u| u.email.to_lowercase())
            .collect()
    })
}

/// `n` new queues, each with 3 wrap-up codes and 2 existing members: the CSV, and what each
/// queue must end with.
fn queue_list(n: usize, emails: &[String]) -> (String, QueueSets) {
    let mut csv = String::from(
        "name,division,description,acw,acw_timeout_s,call_alert_s,wrapup_codes,members\n",
    );
    let mut want = BTreeMap::new();
    for i in 0..n {
        let name = format!("LOB Queue {i:03}");
        let mut codes: Vec<String> = (0..3)
            .map(|k| CODES[(i + k * 3) % 10].to_string())
            .collect();
        let mut members = vec![
            emails[(i * 2) % 40].clone(),
            emails[(i * 2 + 1) % 40].clone(),
        ];
        csv += &format!(
            "{name},Billing,Line of business {i},MANDATORY_TIMEOUT,{},{},{},{}\n",
            30 + i % 60,
            8 + i % 20,
            codes.join(";"),
            members.join(";")
        );
        codes.sort();
        members.sort();
        want.insert(name, (codes, members));
    }
    (csv, want)
}

fn apply_args<'a>(url: &'a str, queues: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
    let mut a = vec![
        "apply",
        "--queues",
        queues,
        "--api-url",
        url,
        "--yes",
        "--format",
        "json",
        "--queue-rate",
        "6000/min",
    ];
    a.extend_from_slice(extra);
    a
}

fn assert_listed(sim: &Sim, want: &QueueSets) {
    let have = sim.queues();
    for (name, (codes, members)) in want {
        let (hc, hm) = have
            .get(name)
            .unwrap_or_else(|| panic!("queue {name} missing"));
        assert_eq!(hc, codes, "wrap-up codes of {name}");
        assert_eq!(hm, members, "members of {name}");
    }
}

#[test]
fn a_few_queues_are_created_with_codes_and_members_and_a_rerun_writes_nothing() {
    let sim = start_sim("");
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let (csv, want) = queue_list(5, &demo_emails(&sim));
    let q = home.path().join("queues.csv");
    std::fs::write(&q, csv).unwrap();
    let q = q.to_str().unwrap();
    let before = sim.stats().queues.total;
    let out = onboard(&apply_args(&url, q, &[]), home.path());
    let r = report(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outcomes(&r, "queue").get("created"), Some(&5), "{r}");
    assert_eq!(sim.stats().queues.total, before + 5);
    assert_listed(&sim, &want);
    // Settings as listed, read back over the API.
    let found = sim.get("/api/v2/routing/queues?name=LOB%20Queue%20003");
    let q3 = &found["entities"][0];
    assert_eq!(q3["acwSettings"]["timeoutMs"], 33_000);
    assert_eq!(q3["mediaSettings"]["call"]["alertingTimeoutSeconds"], 11);
    assert_eq!(q3["description"], "Line of business 3");
    let writes = sim.writes();
    let routes = sim.stats().by_route;
    let out = onboard(&apply_args(&url, q, &[]), home.path());
    let r = report(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outcomes(&r, "queue").get("unchanged"), Some(&5), "{r}");
    let after = sim.stats().by_route;
    let moved: Vec<_> = after
        .iter()
        .filter(|(k, v)| routes.get(*k) != Some(v))
        .collect();
    assert_eq!(sim.writes(), writes, "a re-run writes nothing: {moved:?}");
}

const FAULTS: &str = "error_rate=0.05,drop_after_commit=0.02,queue_lag_ms=3000,seed=11";

#[test]
fn queues_under_faults_end_exactly_as_listed_and_a_rerun_writes_nothing() {
    let sim = start_sim(FAULTS);
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let (csv, want) = queue_list(150, &demo_emails(&sim));
    let q = home.path().join("queues.csv");
    std::fs::write(&q, csv).unwrap();
    let q = q.to_str().unwrap();
    let before = sim.stats().queues.total;
    let out = onboard(&apply_args(&url, q, &[]), home.path());
    let r = report(&out);
    let failed: Vec<&Value> = r["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["outcome"] == "failed")
        .collect();
    assert!(out.status.success(), "{failed:?}");
    assert_eq!(
        outcomes(&r, "queue").get("created"),
        Some(&150),
        "{:?}",
        outcomes(&r, "queue")
    );
    assert_eq!(r["summary"]["failed"], 0);
    let stats = sim.stats();
    assert_eq!(stats.queues.total, before + 150);
    assert_eq!(stats.duplicate_queue_names, 0);
    assert_listed(&sim, &want);
    let writes = sim.writes();
    let out = onboard(&apply_args(&url, q, &[]), home.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        outcomes(&report(&out), "queue").get("unchanged"),
        Some(&150)
    );
    assert_eq!(sim.writes(), writes, "a re-run writes nothing");
}

fn journal_lines(home: &Path) -> usize {
    let mut n = 0;
    let mut dirs = vec![home.join("data")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "jsonl") {
                n += std::fs::read_to_string(&p)
                    .map(|s| s.lines().count())
                    .unwrap_or(0);
            }
        }
    }
    n
}

/// Starts the run and SIGKILLs it once the journal holds `lines` lines (journal progress,
/// not wall-clock time); whether it got there before finishing.
fn kill_at(args: &[&str], home: &Path, lines: usize) -> bool {
    let mut child = command(args, home)
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(home.join("killed.log")).unwrap())
        .spawn()
        .unwrap();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let log = std::fs::read_to_string(home.join("killed.log")).unwrap_or_default();
            eprintln!("the run ended ({status}) before the kill point:\n{log}");
            return false;
        }
        if journal_lines(home) >= lines {
            child.kill().unwrap();
            child.wait().unwrap();
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn killed_twice_then_resumed_the_queues_end_the_same() {
    let sim = start_sim(FAULTS);
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let (csv, want) = queue_list(150, &demo_emails(&sim));
    let q = home.path().join("queues.csv");
    std::fs::write(&q, csv).unwrap();
    let q = q.to_str().unwrap();
    let before = sim.stats().queues.total;
    let args = apply_args(&url, q, &[]);
    assert!(
        kill_at(&args, home.path(), 120),
        "the first run ended before the first kill point"
    );
    let first = journal_lines(home.path());
    assert!(
        kill_at(&args, home.path(), first + 60),
        "the second run ended before the second kill point"
    );
    let out = onboard(&args, home.path());
    let r = report(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(r["summary"]["failed"], 0, "{r}");
    let stats = sim.stats();
    assert_eq!(stats.queues.total, before + 150);
    assert_eq!(stats.duplicate_queue_names, 0);
    assert_listed(&sim, &want);
}

#[test]
fn a_description_only_change_leaves_every_other_field_byte_equal() {
    let sim = start_sim("");
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let path = format!("/api/v2/routing/queues/{}", queue_org::PREMIUM);
    let before = sim.get(&path);
    let q = home.path().join("queues.csv");
    std::fs::write(&q, "name,description\nPremium Billing,Changed words\n").unwrap();
    let out = onboard(&apply_args(&url, q.to_str().unwrap(), &[]), home.path());
    let r = report(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outcomes(&r, "queue").get("updated"), Some(&1), "{r}");
    let after = sim.get(&path);
    assert_eq!(after["description"], "Changed words");
    let mut expected = sim_http::settled(&before);
    expected["description"] = "Changed words".into();
    assert_eq!(
        serde_json::to_string(&sim_http::settled(&after)).unwrap(),
        serde_json::to_string(&expected).unwrap()
    );
}

#[test]
fn new_queues_and_the_hires_who_join_them_in_one_run() {
    let sim = start_sim("");
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let mut qcsv = String::from("name,division,wrapup_codes\n");
    for i in 0..20 {
        qcsv += &format!("Mixed Queue {i:02},Billing,Resolved\n");
    }
    let mut hcsv = String::from("email,name,division,queues\n");
    let mut want: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in 0..100 {
        let email = format!("mixed.hire{i:03}@example.com");
        let qs = [
            format!("Mixed Queue {:02}", i % 20),
            format!("Mixed Queue {:02}", (i + 7) % 20),
        ];
        hcsv += &format!("{email},Mixed Hire {i},Billing,{}\n", qs.join(";"));
        for q in qs {
            want.entry(q).or_default().push(email.clone());
        }
    }
    let q = home.path().join("queues.csv");
    std::fs::write(&q, qcsv).unwrap();
    let h = home.path().join("hires.csv");
    std::fs::write(&h, hcsv).unwrap();
    let mut args = vec!["apply", h.to_str().unwrap()];
    args.extend(
        apply_args(&url, q.to_str().unwrap(), &[])
            .into_iter()
            .skip(1),
    );
    let out = onboard(&args, home.path());
    let r = report(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outcomes(&r, "queue").get("created"), Some(&20), "{r}");
    assert_eq!(outcomes(&r, "user").get("created"), Some(&100), "{r}");
    let have = sim.queues();
    for (name, mut emails) in want {
        emails.sort();
        assert_eq!(have[&name].1, emails, "members of {name}");
    }
}

#[test]
fn replace_wrapup_codes_removes_extras_and_merge_does_not() {
    let sim = start_sim("");
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let q = home.path().join("queues.csv");
    std::fs::write(&q, "name,wrapup_codes\nPremium Billing,Resolved\n").unwrap();
    let q = q.to_str().unwrap();
    let codes = |sim: &Sim| sim.queues()["Premium Billing"].0.clone();
    assert_eq!(codes(&sim), ["Escalated", "Resolved"]);
    let out = onboard(&apply_args(&url, q, &[]), home.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        codes(&sim),
        ["Escalated", "Resolved"],
        "merge keeps the extra code"
    );
    let out = onboard(
        &apply_args(&url, q, &["--replace", "wrapup_codes"]),
        home.path(),
    );
    let r = report(&out);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(outcomes(&r, "queue").get("updated"), Some(&1), "{r}");
    assert_eq!(codes(&sim), ["Resolved"]);
}

/// `--only-failed` after the queue list was edited: the journal is bound to the lists'
/// content, so the edited list has a fresh (empty) journal; apply finds the failure in the
/// journal of the list as it was, says so, and retries just that queue row — by name, with
/// its plan from the list as it is now. A row renamed by the edit cannot be matched: apply
/// says which failed queues the list no longer names, and that a full run is the way.
#[test]
fn only_failed_after_editing_the_queue_list_retries_the_failed_queue_row() {
    let sim = start_sim("");
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let emails = demo_emails(&sim);
    // "Premium Billing" can hold no more members: its member step fails at run time (the
    // API exposes no member limit, so pre-flight cannot see it).
    sim.handle.with_state_mut(|o| {
        let q = o
            .queues
            .iter_mut()
            .find(|q| q.name == "Premium Billing")
            .unwrap();
        q.member_limit = Some(u32::try_from(q.members.len()).unwrap());
    });
    let csv = format!(
        "name,description,members\n\
         Premium Billing,Premium customers,{}\n\
         LOB Retry,A new line,{}\n",
        emails[0], emails[1]
    );
    let q = home.path().join("queues.csv");
    std::fs::write(&q, &csv).unwrap();
    let qs = q.to_str().unwrap();
    let out = onboard(&apply_args(&url, qs, &[]), home.path());
    let r = report(&out);
    assert_eq!(out.status.code(), Some(1), "{r}");
    assert_eq!(outcomes(&r, "queue").get("failed"), Some(&1), "{r}");
    assert_eq!(outcomes(&r, "queue").get("created"), Some(&1), "{r}");
    // The report states the pace of queue creates it used.
    assert_eq!(r["queue_rate_per_min"], 6000, "{r}");

    // The cause is fixed, and the admin edits the list (the new queue's description).
    sim.handle.with_state_mut(|o| {
        let q = o
            .queues
            .iter_mut()
            .find(|q| q.name == "Premium Billing")
            .unwrap();
        q.member_limit = Some(50);
    });
    std::fs::write(&q, csv.replace("A new line", "A new line of business")).unwrap();
    let out = onboard(&apply_args(&url, qs, &["--only-failed"]), home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let r = report(&out);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("this list changed since"), "{stderr}");
    assert!(
        stderr.contains("1 queue row(s) (Premium Billing)"),
        "{stderr}"
    );
    // Only the failed queue row ran; the member joined.
    assert_eq!(r["summary"]["total"], 1, "{r}");
    assert_eq!(outcomes(&r, "queue").get("updated"), Some(&1), "{r}");
    let (_, members) = sim.queues()["Premium Billing"].clone();
    assert!(members.contains(&emails[0].to_lowercase()), "{members:?}");
    // The edit of the row that succeeded was not applied by --only-failed.
    let found = sim.get("/api/v2/routing/queues?name=LOB%20Retry");
    assert_eq!(found["entities"][0]["description"], "A new line");

    // A failed row renamed by an edit: nothing to retry, and apply says why.
    sim.handle.with_state_mut(|o| {
        let q = o
            .queues
            .iter_mut()
            .find(|q| q.name == "Premium Billing")
            .unwrap();
        q.member_limit = Some(u32::try_from(q.members.len()).unwrap());
    });
    let csv = format!(
        "name,description,members\nPremium Billing,Premium customers,{}\n",
        emails[2]
    );
    std::fs::write(&q, &csv).unwrap();
    let out = onboard(&apply_args(&url, qs, &[]), home.path());
    assert_eq!(out.status.code(), Some(1));
    std::fs::write(&q, csv.replace("Premium Billing,", "Premium Billing EU,")).unwrap();
    let out = onboard(&apply_args(&url, qs, &["--only-failed"]), home.path());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("no longer names (renamed or removed?): premium billing"),
        "{stderr}"
    );
    assert!(stderr.contains("run without --only-failed"), "{stderr}");
}
