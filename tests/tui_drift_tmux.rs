//! The Drift tab end to end (issue 16, spec §8): `onboard drift … --tui` in tmux against two
//! simulated orgs over HTTP — the demo org as the source of the reference and its sibling
//! (same names, fresh ids, planted differences) as the target. The tab shows exactly the
//! items `onboard drift --format json` lists; `F` and yes fix every drifted user; the drift
//! that runs after shows every user in sync, and a second drift writes nothing.
//! Polls capture-pane a bounded number of times; never a fixed sleep to wait for a state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::Value;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

/// A demo-org Sales agent: the reference.
const REFERENCE: &str = "aiden.haddad@example.com";
/// Another Sales agent with other skills.
const TARGET: &str = "aiden.jensen@example.com";

/// A tmux server of its own (private socket), killed with the test.
struct Tmux {
    socket: String,
    session: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .args(["-L", &self.socket])
            .args(args)
            .output()
            .expect("tmux runs (install tmux)");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn screen(&self) -> String {
        self.run(&["capture-pane", "-p", "-t", &self.session])
    }

    fn keys(&self, k: &[&str]) {
        let mut args = vec!["send-keys", "-t", self.session.as_str()];
        args.extend_from_slice(k);
        self.run(&args);
    }

    /// Poll the pane until `pred` holds (at most `tries` × 100 ms), yielding to the sims.
    async fn wait_for(&self, tries: usize, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let mut last = String::new();
        for _ in 0..tries {
            last = self.screen();
            if pred(&last) {
                return last;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("timed out waiting for {what}; screen:\n{last}");
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["-L", &self.socket, "kill-server"])
            .status();
    }
}

/// `onboard drift` with the test's profiles, credentials and data dir.
fn drift_cmd() -> Vec<String> {
    [
        "drift",
        "--from",
        "eu",
        "--user",
        REFERENCE,
        "--to",
        "sib",
        "--same-email",
        "--target",
        TARGET,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

fn run_json(dir: &Path) -> (i32, Value) {
    let mut args = drift_cmd();
    args.extend(["--format".to_string(), "json".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, json, stderr) = run_in(dir, &args);
    assert!(json.is_object(), "no JSON: {stderr}");
    (code, json)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drift_tab_shows_the_planted_items_fix_all_reconciles_and_a_second_drift_writes_nothing() {
    let (eu, sib) = (demo_org().await, sibling_org().await);
    let dir = tempfile::tempdir().unwrap();
    profiles(dir.path(), &[("eu", &eu), ("sib", &sib)]);

    // What the command says, to compare the tab with.
    let (code, before) = run_json(dir.path());
    assert_eq!(code, 1, "{before:#}");
    let items = before["drift"].as_array().unwrap().clone();
    assert!(items.len() >= 2, "{before:#}");
    assert_eq!(writes(&sib.stats().await), 0, "drift only reads");

    let bin = env!("CARGO_BIN_EXE_onboard");
    let args = drift_cmd();
    let d = dir.path().display();
    let cmd = format!(
        "cd {d} && ONBOARD_CONFIG_DIR={d}/config ONBOARD_DATA_DIR={d}/data HOME={d} \
         ONBOARD_CLIENT_ID={CLIENT_ID} ONBOARD_CLIENT_SECRET={CLIENT_SECRET} \
         {bin} {} --tui; echo EXIT=$?; sleep 30",
        args.join(" ")
    );
    let t = Tmux {
        socket: format!("onboard-drift-{}", std::process::id()),
        session: "drift".into(),
    };
    let status = Command::new("tmux")
        .args(["-L", &t.socket, "new-session", "-d", "-s", &t.session])
        .args(["-x", "140", "-y", "40", &cmd])
        .status()
        .expect("tmux runs (install tmux)");
    assert!(status.success());

    // The tab: the header counts are the command's summary; each user's row is there.
    let s = &before["summary"];
    let counts = format!(
        "{} targets · {} drifted · {} missing · {} items",
        s["targets"], s["drifted"], s["missing"], s["items"]
    );
    let screen = t
        .wait_for(300, "the drift tab", |x| x.contains(&counts))
        .await;
    assert!(screen.contains("6 Drift"), "{screen}");
    assert!(
        screen.contains(&format!("mode merge · {counts}")),
        "{screen}"
    );
    // Every item the command lists is in the diff of its user (Enter opens it, j moves on).
    t.keys(&["Enter"]);
    for (n, email) in [REFERENCE, TARGET].iter().enumerate() {
        if n > 0 {
            t.keys(&["j"]);
        }
        let mine: Vec<&Value> = items.iter().filter(|i| i["email"] == *email).collect();
        let screen = t
            .wait_for(50, "the diff of the selected user", |x| {
                x.contains(&format!("{email} @ sib"))
            })
            .await;
        // The pane: the lines after its rule, up to the blank line below it.
        let diff: Vec<&str> = screen
            .lines()
            .skip_while(|l| !l.starts_with('─'))
            .skip(1)
            .take_while(|l| !l.trim().is_empty())
            .collect();
        let items_shown = diff.iter().filter(|l| !l.contains("in sync")).count();
        assert_eq!(items_shown, mine.len(), "{screen}");
        for i in &mine {
            let name = i["item"].as_str().unwrap();
            assert!(
                diff.iter().any(|l| l.contains(name)),
                "{name} of {email} is not in the diff:\n{screen}"
            );
        }
    }

    // F asks, naming the org and the request estimate; yes fixes and the drift runs again.
    t.keys(&["F"]);
    let q = t
        .wait_for(50, "the fix question", |x| x.contains("Fix the drift?"))
        .await;
    assert!(q.contains("Orgs sib"), "{q}");
    assert!(q.contains("API requests"), "{q}");
    t.keys(&["y"]);
    let screen = t
        .wait_for(600, "the fix and the drift after it", |x| {
            x.contains("fixed —")
        })
        .await;
    assert!(
        screen.contains(" 0 drifted · 0 missing · 0 items"),
        "{screen}"
    );
    let stats = sib.stats().await;
    let written = writes(&stats);
    assert!(written > 0, "the fix wrote to the sibling");
    assert!(
        stats.writes_with_unknown_ids.is_empty(),
        "no write carried an id of another org: {:?}",
        stats.writes_with_unknown_ids
    );
    assert_eq!(writes(&eu.stats().await), 0, "the source is never written");

    // r runs it again in the tab; then the command: in sync, exit 0, no further write.
    t.keys(&["r"]);
    t.wait_for(300, "the re-drift", |x| {
        x.contains("drift: ") && x.contains(" 0 drifted,")
    })
    .await;
    let (code, after) = run_json(dir.path());
    assert_eq!(code, 0, "{after:#}");
    assert_eq!(after["summary"]["drifted"], 0, "{after:#}");
    assert_eq!(
        writes(&sib.stats().await),
        written,
        "a second drift writes nothing"
    );

    t.keys(&["q"]);
    let end = t.wait_for(100, "the exit", |x| x.contains("EXIT=")).await;
    assert!(end.contains("EXIT=0"), "{end}");
}
