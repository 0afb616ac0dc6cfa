//! A small org, a hire list with a finding of each common kind, and helpers that drive the
//! TUI's pure `update` the way the driver does (shared by the tui_* tests and the bench).
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use onboard::model::*;
use onboard::preflight::{CheckOptions, check_all};
use onboard::tui::app::App;
use onboard::tui::msg::{Cmd, Loaded, Msg};
use onboard::tui::theme::Theme;
use onboard::tui::update;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::path::PathBuf;

pub const ORG: &str = r#"{
  "org_id": "5e1f0c2a-7d3b-4c1e-9a6f-acme00000001",
  "org_name": "Acme Support",
  "divisions": [
    {"id": "d-home", "name": "Home", "home": true},
    {"id": "d-sales", "name": "Sales", "home": false}
  ],
  "roles": [
    {"id": "r-agent", "name": "Agent", "base_license": "cx2"},
    {"id": "r-sup", "name": "Supervisor", "base_license": "cx2"}
  ],
  "skills": [{"id": "s-billing", "name": "Billing"}, {"id": "s-returns", "name": "Returns"}],
  "languages": [{"id": "l-en", "name": "English"}, {"id": "l-es", "name": "Spanish"}],
  "queues": [
    {"id": "q-general", "name": "General", "division_id": "d-home", "member_count": 3},
    {"id": "q-sales", "name": "Sales Inbound", "division_id": "d-sales", "member_count": 1}
  ],
  "licenses": [{"id": "cx2", "description": "CX 2", "seats": {"source": "known", "total": 200000, "used": 10}}],
  "trunks": [{"id": "t1", "name": "Carrier A", "in_service": true, "channels": 50}],
  "did_pools": [{"id": "p1", "start": "+13175550100", "end": "+13175550199"}],
  "assigned_dids": [],
  "extension_pools": [{"id": "e1", "start": "1000", "end": "1999"}],
  "used_extensions": [],
  "phone_enabled_users": 0,
  "agents_per_channel": 1.0,
  "users": []
}"#;

pub const CSV: &str = "email,name,division,roles,skills,languages,queues,phone,extension\n\
ana@example.com,Ana Silva,Home,Agent,Billing:4,English:5,General,+13175550101,1001\n\
ben@example.com,Ben Okoro,Home,Agent,Biling:4; Returns:2,English:5,General,,1002\n\
cy@example.com,Cy Park,Sles,Agent,Returns:3,Spanish:4,General,,1003\n\
dee@example,Dee Moss,Home,Agent,Billing:2,English:3,General,,1004\n\
eve@example.com,Eve Red,Home,Agent,Billing:1,English:2,General,,1005\n\
fay@example.com,Fay Lin,Home,Agent,Returns:5,English:5,Genral,,1006\n";

/// Every column onboard reads plus one it does not (a file-level finding), a row with a
/// finding in most of its cells (a findings pane taller than 80×24 gives it) and a long
/// email (a cut cell).
pub const WIDE_CSV: &str = "email,name,division,roles,skills,languages,queues,phone,extension,title,manager_email,cost_centre\n\
ana@example.com,Ana Silva,Sales,Agent; Supervisor,Billing:4; Returns:2,English:5; Spanish:3,General; Sales Inbound,+13175550101,1001,Team Lead,,CC-100\n\
gus@exmple,Gus Rivera,Sles,Agnt,Biling:4,Englsh:5,Genral,555,99999,Agent,nobody@example.com,CC-200\n\
hal.yara.lindqvist.longname@example.com,Hal Lindqvist,Home,Agent,Billing:3,English:3,General,,1003,Agent,ana@example.com,CC-300\n";

pub fn org() -> OrgSnapshot {
    serde_json::from_str(ORG).expect("fixture org parses")
}

/// A CSV of `n` generated rows (every 10th with an unknown skill), for size tests.
pub fn big_csv(n: usize) -> String {
    let mut s = String::from("email,name,division,roles,skills,languages,queues,phone,extension\n");
    for i in 0..n {
        let skill = if i % 10 == 3 { "Biling:3" } else { "Billing:3" };
        s.push_str(&format!(
            "user{i}@example.com,User Number {i},Home,Agent,{skill},English:4,General,,\n"
        ));
    }
    s
}

pub fn loaded(csv: &str, name: &str) -> Loaded {
    let list = onboard::ingest::read_bytes(name, csv.as_bytes()).expect("fixture csv parses");
    let snapshot = org();
    let result = check_all(&list, &snapshot, &CheckOptions::new());
    Loaded {
        path: PathBuf::from(format!("/tmp/onboard-fixture/{name}")),
        list,
        snapshot,
        result,
        allowed: Some(onboard::tui::estimate::AllowedRate::DEFAULT),
        queues: None,
    }
}

/// An app with the fixture list loaded (as after `Msg::Loaded`).
pub fn app_with(csv: &str, size: (u16, u16)) -> App {
    let mut app = App::new(Theme::plain(), size);
    app.load.targets = vec![onboard::tui::app::Target {
        label: "demo org (simulated)".into(),
        place: "http://127.0.0.1:PORT".into(),
        profile: None,
        simulated: true,
    }];
    let cmds = update(&mut app, Msg::Loaded(Box::new(loaded(csv, "hires.csv"))));
    assert!(cmds.is_empty());
    app
}

pub fn app() -> App {
    app_with(CSV, (80, 24))
}

pub fn key(c: char) -> Msg {
    let mods = if c.is_ascii_uppercase() {
        KeyModifiers::SHIFT
    } else {
        KeyModifiers::NONE
    };
    Msg::Key(KeyEvent::new(KeyCode::Char(c), mods))
}

pub fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Feed messages, collecting every command.
pub fn feed(app: &mut App, msgs: impl IntoIterator<Item = Msg>) -> Vec<Cmd> {
    let mut out = Vec::new();
    for m in msgs {
        out.extend(update(app, m));
    }
    out
}

pub fn type_text(app: &mut App, s: &str) -> Vec<Cmd> {
    feed(app, s.chars().map(key).collect::<Vec<_>>())
}

pub fn render(app: &App) -> String {
    let mut t = Terminal::new(TestBackend::new(app.size.0, app.size.1)).unwrap();
    t.draw(|f| onboard::tui::view::draw(f, app)).unwrap();
    buffer_text(t.backend())
}

pub fn buffer_text(b: &TestBackend) -> String {
    let buf = b.buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let mut line = String::new();
        for x in 0..buf.area.width {
            line.push_str(buf[(x, y)].symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

pub fn step(step: Step, status: StepStatus) -> StepResult {
    StepResult {
        step,
        status,
        http_status: None,
        code: None,
        message: None,
        context_id: None,
        attempts: 1,
        request: None,
    }
}

pub fn failed_step(s: Step, http: u16, code: &str, msg: &str) -> StepResult {
    StepResult {
        step: s,
        status: StepStatus::Failed,
        http_status: Some(http),
        code: Some(code.into()),
        message: Some(msg.into()),
        context_id: Some("5f1e2d3c-0000-4000-8000-000000000001".into()),
        attempts: 3,
        request: Some("POST /api/v2/routing/queues/{id}/members".into()),
    }
}

pub fn row_report(row: usize, email: &str, outcome: Outcome, steps: Vec<StepResult>) -> RowReport {
    RowReport {
        kind: onboard::model::RowKind::User,
        row,
        email: email.into(),
        outcome,
        user_id: Some(format!("u-{row}")),
        steps,
    }
}

/// Engine events for a run of `rows` where `failed` rows fail at the queues step.
pub fn run_events(rows: &[(usize, &str)], failed: &[usize]) -> Vec<EngineEvent> {
    let mut evs = vec![EngineEvent::Started {
        rows: rows.len(),
        estimated_requests: rows.len() as u64 * 4,
    }];
    let mut reports = Vec::new();
    for (row, email) in rows {
        evs.push(EngineEvent::Step {
            row: *row,
            result: step(Step::CreateUser, StepStatus::Ok),
        });
        let (outcome, steps) = if failed.contains(row) {
            let f = failed_step(
                Step::Queues,
                400,
                "queue.member.limit",
                "The queue General has reached its member limit",
            );
            evs.push(EngineEvent::Step {
                row: *row,
                result: f.clone(),
            });
            (
                Outcome::Failed,
                vec![step(Step::CreateUser, StepStatus::Ok), f],
            )
        } else {
            evs.push(EngineEvent::Step {
                row: *row,
                result: step(Step::Queues, StepStatus::Ok),
            });
            (
                Outcome::Created,
                vec![
                    step(Step::CreateUser, StepStatus::Ok),
                    step(Step::Queues, StepStatus::Ok),
                ],
            )
        };
        let r = row_report(*row, email, outcome, steps);
        evs.push(EngineEvent::RowDone { report: r.clone() });
        reports.push(r);
    }
    let stats = ApiStats {
        requests: rows.len() as u64 * 3,
        throttled: 1,
        retries: 2,
        bytes: 0,
        elapsed_s: 12.5,
    };
    evs.push(EngineEvent::Rate {
        stats,
        requests_per_s: 4.2,
        allowed_per_s: Some(5.0),
        eta_s: Some(0.0),
        tokens: Some((1, 10)),
    });
    let failed_n = failed.len();
    evs.push(EngineEvent::Finished {
        report: Report {
            summary: ReportSummary {
                total: rows.len(),
                succeeded: rows.len() - failed_n,
                failed: failed_n,
                skipped: 0,
                unchanged: 0,
                ..ReportSummary::default()
            },
            api: stats,
            rows: reports,
            queue_rate_per_min: None,
            dependencies: Vec::new(),
        },
        cancelled: false,
    });
    evs
}

/// A queue list over the fixture org: a new queue with a hire-list member, an update of
/// "General", and a row with errors (unknown division, a timeout its prompt forbids, a
/// misspelt wrap-up code).
pub const QUEUES_CSV: &str = "name,division,description,acw,acw_timeout_s,wrapup_codes,members\n\
Billing East,Home,East billing,MANDATORY_TIMEOUT,30,Resolved,ana@example.com\n\
General,Home,Front desk,,,Resolved,\n\
Returns,Nowhere,,OPTIONAL,20,Resolvd,\n";

/// What the fixture org holds for queues: "General" whole, two wrap-up codes.
pub fn queue_org() -> onboard::preflight::queues::QueueOrg {
    let general = serde_json::json!({
        "id": "q-general", "name": "General", "division": {"id": "d-home", "name": "Home"},
        "description": "General queue",
    });
    let serde_json::Value::Object(general) = general else {
        unreachable!()
    };
    onboard::preflight::queues::QueueOrg {
        queues: vec![onboard::genesys::queues::QueueObject::from_json(general)],
        wrapup_codes: vec![
            Named {
                id: "w-res".into(),
                name: "Resolved".into(),
            },
            Named {
                id: "w-esc".into(),
                name: "Escalated".into(),
            },
        ],
        ..Default::default()
    }
}

/// The queue list checked as the TUI's load does (the hire list's rows count as members).
pub fn queues_loaded(csv: &str, hires: Option<&HireList>) -> onboard::tui::msg::QueuesLoaded {
    let list = onboard::ingest::queues::read_bytes("queues.csv", csv.as_bytes()).unwrap();
    let org = queue_org();
    let options = onboard::preflight::queues::QueueCheckOptions::default();
    let check =
        onboard::preflight::queues::check_queues(&list, hires, &self::org(), &org, &options);
    onboard::tui::msg::QueuesLoaded {
        path: PathBuf::from("/tmp/onboard-fixture/queues.csv"),
        list,
        org,
        options,
        check,
    }
}

/// An app with the fixture hire list and `queues` loaded together.
pub fn app_with_queues(hires: &str, queues: &str, size: (u16, u16)) -> App {
    let mut app = App::new(Theme::plain(), size);
    app.load.targets = vec![onboard::tui::app::Target {
        label: "demo org (simulated)".into(),
        place: "http://127.0.0.1:PORT".into(),
        profile: None,
        simulated: true,
    }];
    let mut l = loaded(hires, "hires.csv");
    let q = queues_loaded(queues, (!l.list.rows.is_empty()).then_some(&l.list));
    onboard::cli::apply_queues::stand_in_new_queues(&mut l.snapshot, &q.check);
    l.result = check_all(&l.list, &l.snapshot, &CheckOptions::new());
    l.queues = Some(q);
    let cmds = update(&mut app, Msg::Loaded(Box::new(l)));
    assert!(cmds.is_empty());
    app
}
