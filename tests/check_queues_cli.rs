//! `onboard check [HIRES.csv] --queues QUEUES.csv`: the real binary against the simulator
//! (demo org plus the queue side) over HTTP. Queue findings carry `"file": "queues.csv"`, the
//! plan gains `queues`, each queue row its diff; a hire list alone prints what it always did.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/queue_org.rs"]
mod queue_org;

use onboard::sim::{self, SimConfig, SimHandle};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Sim {
    _rt: tokio::runtime::Runtime,
    handle: SimHandle,
}

fn start_sim() -> Sim {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let handle = rt
        .block_on(sim::start(SimConfig {
            seed: queue_org::queue_seed(),
            rate_limit: None,
            ..SimConfig::demo()
        }))
        .unwrap();
    Sim { _rt: rt, handle }
}

fn onboard(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_onboard"))
        .args(args)
        .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")))
        .env("ONBOARD_CLIENT_ID", "demo")
        .env("ONBOARD_CLIENT_SECRET", "demo-secret")
        .env("ONBOARD_CONFIG_DIR", home.join("config"))
        .env("ONBOARD_DATA_DIR", home.join("data"))
        .env("XDG_CONFIG_HOME", home.join("xdg-config"))
        .env("XDG_DATA_HOME", home.join("xdg-data"))
        .env("HOME", home.join("home"))
        .output()
        .unwrap()
}

const QUEUES: &str = "name,division,description,wrapup_codes,members\n\
    Fresh Queue,Billing,,Resolved,new.agent@example.com\n\
    Premium Billing,Billing,New words,Resolved,\n\
    Broken Queue,Billing,,Resolvd,emma.dubois@example.com\n";
const HIRES: &str =
    "email,name,division,queues\nnew.agent@example.com,New Agent,Billing,Fresh Queue\n";

#[test]
fn queues_alone_and_with_hires_in_json_and_text() {
    let sim = start_sim();
    let url = sim.handle.url();
    let home = tempfile::tempdir().unwrap();
    let q = home.path().join("queues.csv");
    std::fs::write(&q, QUEUES).unwrap();
    let h = home.path().join("hires.csv");
    std::fs::write(&h, HIRES).unwrap();
    let (q, h) = (q.to_str().unwrap(), h.to_str().unwrap());

    // Queues alone: the hire member is unknown without the hire list.
    let out = onboard(
        &[
            "check",
            "--queues",
            q,
            "--api-url",
            &url,
            "--format",
            "json",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["file"], Value::Null);
    assert_eq!(v["queues_file"], "queues.csv");
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"unknown_member"), "{codes:?}");
    assert!(codes.contains(&"unknown_wrapup_code"), "{codes:?}");

    // With the hire list: the new hire is a member; only the misspelt code blocks.
    let out = onboard(
        &[
            "check",
            h,
            "--queues",
            q,
            "--api-url",
            &url,
            "--format",
            "json",
        ],
        home.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["file"], "hires.csv");
    assert_eq!(v["rows"], 1);
    assert_eq!(
        v["plan"]["queues"],
        serde_json::json!({"create": 1, "update": 1, "unchanged": 0, "blocked": 1})
    );
    let queue_findings: Vec<&Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["file"] == "queues.csv")
        .collect();
    let wrapup = queue_findings
        .iter()
        .find(|f| f["code"] == "unknown_wrapup_code")
        .unwrap();
    assert_eq!(wrapup["queue"], "Broken Queue");
    assert_eq!(wrapup["suggestion"], "Resolved");
    assert_eq!(wrapup["row"], 3);
    assert!(queue_findings.iter().all(|f| f["code"] != "unknown_member"));
    let plan = v["queue_plan"].as_array().unwrap();
    assert_eq!(plan[0]["action"], "create");
    assert_eq!(plan[0]["diff"]["members_add"][0], "new.agent@example.com");
    assert_eq!(plan[1]["action"], "update");
    assert_eq!(plan[1]["queue_id"], queue_org::PREMIUM);
    assert!(
        plan[1]["diff"]["settings"][0]
            .as_str()
            .unwrap()
            .starts_with("description: ")
    );
    assert_eq!(v["queue_summary"]["blocked"], 1);
    // Hire findings keep their shape: no `file` key.
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["file"].is_null())
            .all(|f| f.get("queue").is_none())
    );

    // Text: the hire list's report, then the queues'.
    let out = onboard(&["check", h, "--queues", q, "--api-url", &url], home.path());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("hires.csv: 1 rows"), "{text}");
    assert!(text.contains("queues.csv: 3 queues — 1 errors"), "{text}");
    assert!(
        text.contains("queue plan: 1 create, 1 update, 0 unchanged, 1 blocked"),
        "{text}"
    );
    assert!(
        text.contains(
            "  create 'Fresh Queue'\n    + wrap-up: Resolved\n    + member: new.agent@example.com"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "wrap-up code 'Resolvd' does not exist in the org — did you mean 'Resolved'?"
        ),
        "{text}"
    );
}

#[test]
fn neither_list_is_refused_by_the_parser() {
    let home = tempfile::tempdir().unwrap();
    let out = onboard(&["check", "--api-url", "http://127.0.0.1:9"], home.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("<FILE>"), "{err}");
}
