//! Parse + pre-flight of a generated 100,000-row hire list against a loaded snapshot, peak
//! RSS, and `recheck_row` latency. Targets (issue 4): ≤ 0.5 s, ≤ 200 MB, ≤ 1 ms.
//! Run: `cargo bench --bench preflight`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::model::*;
use onboard::preflight::{CheckOptions, check_all, recheck_row};
use std::fmt::Write as _;
use std::time::Instant;

const ROWS: usize = 100_000;
const EXISTING: usize = 10_000;

fn vm(key: &str) -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))
                .map(|l| l[key.len()..].trim().to_string())
        })
        .unwrap_or_else(|| "n/a".into())
}

/// Nanoseconds this thread has spent on a CPU (`/proc/thread-self/schedstat`): unlike wall
/// time it does not count waiting for a core on a busy machine.
fn cpu_ns() -> u64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next().and_then(|n| n.parse().ok()))
        .unwrap_or(0)
}

/// CPU time of the whole process (all threads), in ms, from `/proc/self/stat` (10 ms ticks).
fn process_cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
            Some(ticks as f64 * 10.0)
        })
        .unwrap_or(0.0)
}

/// A small deterministic generator (no dependency on rand's API for reproducibility).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Genesys ids are UUIDs (36 characters); so are the bench's, so that id strings cost what
/// they cost in a real org.
fn uid(i: usize) -> String {
    format!("{i:08x}-0000-4000-8000-{i:012x}")
}

/// An org object's UUID: `kind` (d, r, s, l, q) and index.
fn oid(kind: &str, i: usize) -> String {
    let k = kind
        .bytes()
        .fold(0u32, |a, b| a.wrapping_mul(31) + u32::from(b));
    format!("{k:08x}-{i:04x}-4000-8000-{i:012x}")
}

const DIVS: [&str; 5] = ["Home", "Sales", "Support", "Billing", "Collections"];
const SKILLS: [&str; 10] = [
    "Billing",
    "Returns",
    "Refunds",
    "Payments",
    "Disputes",
    "Sales",
    "Upsell",
    "Renewals",
    "Retention",
    "Technical Support",
];

fn snapshot() -> OrgSnapshot {
    let named = |p: &str, names: &[&str]| {
        names
            .iter()
            .enumerate()
            .map(|(i, n)| Named {
                id: oid(p, i),
                name: n.to_string(),
            })
            .collect::<Vec<_>>()
    };
    let mut users = Vec::with_capacity(EXISTING);
    for i in 0..EXISTING {
        users.push(
            ExistingUser {
                id: uid(i).into(),
                name: format!("Existing Person {i}"),
                email: format!("user{i}.lastname@contoso-corp.com"),
                state: if i % 50 == 0 {
                    UserState::Inactive
                } else {
                    UserState::Active
                },
                version: 1,
                division_id: oid("d", 0).into(),
                department: None,
                title: Some("Agent".into()),
                manager_id: None,
                phone: None,
                extension: Some(format!("{}", 10000 + i)),
                grants: vec![Grant {
                    role_id: "r-0".into(),
                    division_id: oid("d", 0).into(),
                }],
                skills: vec![Proficiency {
                    id: oid("s", 0).into(),
                    proficiency: 3.0,
                }],
                languages: vec![],
                queue_ids: vec![oid("q", 0).into()],
                group_queue_ids: vec![],
                licenses: vec!["cx2".into()],
                external_ids: vec![ExternalId {
                    authority: "workday".into(),
                    key: format!("E{i}").into(),
                }],
                addresses: vec![],
                utilization: None,
            }
            .into(),
        );
    }
    OrgSnapshot {
        org_id: Some("bench-org".into()),
        org_name: Some("Bench".into()),
        divisions: DIVS
            .iter()
            .enumerate()
            .map(|(i, n)| Division {
                id: oid("d", i),
                name: n.to_string(),
                home: i == 0,
            })
            .collect(),
        roles: ["Agent", "Supervisor", "Employee", "Team Lead"]
            .iter()
            .enumerate()
            .map(|(i, n)| Role {
                id: oid("r", i),
                name: n.to_string(),
                base_license: [Some("cx2"), Some("cx3"), None, Some("cx3")][i].map(String::from),
            })
            .collect(),
        skills: named("s", &SKILLS),
        languages: named("l", &["English", "Spanish", "French"]),
        queues: (0..30)
            .map(|i| Queue {
                id: oid("q", i),
                name: format!("Queue {i}"),
                division_id: oid("d", i % 5),
                member_count: Some(10),
                group_member_count: 0,
            })
            .collect(),
        licenses: vec![
            License {
                id: "cx2".into(),
                description: "CX 2".into(),
                seats: Seats::Known {
                    total: 150_000,
                    used: 10_000,
                    from: FigureSource::Org,
                },
            },
            License {
                id: "cx3".into(),
                description: "CX 3".into(),
                seats: Seats::Known {
                    total: 1_000,
                    used: 900,
                    from: FigureSource::Org,
                },
            },
        ],
        trunks: vec![Trunk {
            id: "t".into(),
            name: "Carrier".into(),
            in_service: true,
            channels: Some(20_000),
            channels_from: FigureSource::Org,
        }],
        did_pools: vec![NumberPool {
            id: "p".into(),
            start: "+13170000000".into(),
            end: "+13179999999".into(),
        }],
        assigned_dids: (0..5_000)
            .map(|i| AssignedNumber {
                number: format!("+1317{:07}", i),
                owner_id: Some(uid(i)),
                owner_type: Some("USER".into()),
            })
            .collect(),
        extension_pools: vec![NumberPool {
            id: "e".into(),
            start: "10000".into(),
            end: "99999".into(),
        }],
        used_extensions: (0..EXISTING)
            .map(|i| AssignedNumber {
                number: format!("{}", 10000 + i),
                owner_id: Some(uid(i)),
                owner_type: Some("USER".into()),
            })
            .collect(),
        phone_enabled_users: EXISTING as u32,
        agents_per_channel: 1.0,
        users,
    }
}

fn hire_list(rng: &mut Lcg) -> String {
    let mut s = String::with_capacity(ROWS * 180);
    s.push_str("email,name,division,title,manager_email,roles,skills,languages,queues,phone,extension,external_id,cost_centre\n");
    for i in 0..ROWS {
        let existing = i % 10 == 0;
        let email = if existing {
            format!("user{}.lastname@contoso-corp.com", i / 10)
        } else {
            format!("hire{i}.lastname@contoso-corp.com")
        };
        let d = rng.below(5);
        let typo = rng.below(100) < 3;
        // Never "Returns" twice, nor one queue twice: a name twice in a cell is a
        // `duplicate_in_row` error, and the bench's rows are meant to be mostly clean.
        let skill = if typo {
            "Biling".to_string()
        } else {
            match SKILLS[rng.below(10)] {
                "Returns" => "Refunds",
                s => s,
            }
            .to_string()
        };
        let role = if rng.below(100) < 2 {
            "Supervisor"
        } else {
            "Agent"
        };
        let phone = if rng.below(100) < 30 {
            format!("+1317{:07}", 5_000_000 + i)
        } else {
            String::new()
        };
        let manager = if i > 0 && rng.below(100) < 20 {
            format!("user{}.lastname@contoso-corp.com", rng.below(EXISTING))
        } else {
            String::new()
        };
        let _ = writeln!(
            s,
            "{email},Firstname Lastname {i},{},Agent,{manager},{role},{skill}:{}; Returns:2,English:5,Queue {}; Queue {},{phone},{},workday:H{i},CC{}",
            DIVS[d],
            rng.below(6),
            d,
            d + 5 * (1 + rng.below(5)),
            if i < 70_000 {
                (20000 + i).to_string()
            } else {
                String::new()
            },
            i % 97
        );
    }
    // make `Queue {d + 5k}` valid: queue j is in division j % 5 == d
    s
}

fn main() {
    let rss0 = vm("VmRSS:");
    let snap = snapshot();
    let mut rng = Lcg(42);
    let text = hire_list(&mut rng);
    let rss_before = vm("VmRSS:");

    let c0 = cpu_ns();
    let p0 = process_cpu_ms();
    let t0 = Instant::now();
    let list = onboard::ingest::read_bytes("bench.csv", text.as_bytes()).unwrap();
    let t_parse = t0.elapsed();
    let c_parse = cpu_ns() - c0;
    drop(text); // as `ingest::read_path` does: the file's bytes go once parsed
    let rss_list = vm("VmRSS:");
    let t1 = Instant::now();
    let mut result = check_all(&list, &snap, &CheckOptions::new());
    let t_check = t1.elapsed();
    let total = t0.elapsed();
    let c_total = cpu_ns() - c0;
    let p_total = process_cpu_ms() - p0;
    let s = result.summary();
    let hwm = vm("VmHWM:");
    let mut by_code = std::collections::BTreeMap::new();
    for f in result.findings() {
        *by_code.entry(f.code.as_str()).or_insert(0usize) += 1;
    }

    // recheck_row: edit cells that touch the cross-row indexes
    let mut list = list;
    let email = list.column_of(Field::Email).unwrap();
    let skills = list.column_of(Field::Skills).unwrap();
    let roles = list.column_of(Field::Roles).unwrap();
    let mut times = Vec::new();
    for k in 0..2_000 {
        let i = rng.below(ROWS);
        match k % 3 {
            0 => list.rows[i].cells.set(skills, "Billing:4; Retuns:2"),
            1 => list.rows[i].cells.set(roles, "Supervisor"),
            _ => list.rows[i].cells.set(
                email,
                &format!("hire{}.lastname@contoso-corp.com", rng.below(ROWS)),
            ),
        }
        let t = Instant::now();
        recheck_row(&list, &snap, &mut result, i);
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    let p99 = times[times.len() * 99 / 100];
    let max = times[times.len() - 1];

    println!("preflight bench: {ROWS} rows, {EXISTING} existing users in the snapshot");
    println!(
        "  summary: errors {} warnings {} ready {} blocked {}",
        s.errors, s.warnings, s.ready, s.blocked
    );
    println!("  findings by code: {by_code:?}");
    println!(
        "  parse:            {:>8.1} ms",
        t_parse.as_secs_f64() * 1e3
    );
    println!(
        "  check_all:        {:>8.1} ms",
        t_check.as_secs_f64() * 1e3
    );
    println!(
        "  parse + check:    {:>8.1} ms   (target ≤ 500 ms)",
        total.as_secs_f64() * 1e3
    );
    println!(
        "  on-CPU time of the main thread: parse {:.1} ms, parse + check {:.1} ms",
        c_parse as f64 / 1e6,
        c_total as f64 / 1e6
    );
    println!("  on-CPU time of all threads: parse + check {p_total:.0} ms");
    println!(
        "  RSS at start {rss0}; snapshot + text {rss_before}; + parsed list {rss_list}; + check result {}",
        vm("VmRSS:")
    );
    println!(
        "  sizes: RowPlan {} B (DesiredUser {} B), pre-flight keys {} B, Finding {} B, HireRow {} B (inline, per row)",
        std::mem::size_of::<RowPlan>(),
        std::mem::size_of::<DesiredUser>(),
        std::mem::size_of::<onboard::preflight::rules::RowKeys>(),
        std::mem::size_of::<Finding>(),
        std::mem::size_of::<HireRow>()
    );
    println!("  peak RSS (VmHWM): {hwm}   (target ≤ 200 MB)");
    println!(
        "  recheck_row ×{}: median {:.1} µs, p99 {:.1} µs, max {:.1} µs   (target ≤ 1 ms)",
        times.len(),
        median.as_secs_f64() * 1e6,
        p99.as_secs_f64() * 1e6,
        max.as_secs_f64() * 1e6
    );

    // A team lead in the file with 500 reports (a hiring wave for one supervisor): editing
    // the lead's own skills, and the lead's email (which every report's manager resolves to).
    let manager = list.column_of(Field::ManagerEmail).unwrap();
    let lead = 1;
    let lead_email = list.rows[lead].cells[email].to_string();
    for i in 2..502 {
        list.rows[i].cells.set(manager, &lead_email);
        recheck_row(&list, &snap, &mut result, i);
    }
    let mut time = |list: &mut onboard::model::HireList, col: usize, values: [&str; 2]| {
        let mut t = Vec::new();
        for k in 0..40 {
            list.rows[lead].cells.set(col, values[k % 2]);
            let t0 = Instant::now();
            recheck_row(list, &snap, &mut result, lead);
            t.push(t0.elapsed());
        }
        t.sort();
        (t[t.len() / 2], t[t.len() - 1])
    };
    let (skill_med, skill_max) = time(&mut list, skills, ["Billing:2", "Billing:4"]);
    let (email_med, email_max) = time(
        &mut list,
        email,
        ["lead.renamed@contoso-corp.com", lead_email.as_str()],
    );
    println!(
        "  recheck_row of a lead with 500 reports: own skills edited median {:.1} µs, max {:.1} µs; email edited (all 500 reports re-resolve) median {:.0} µs, max {:.0} µs",
        skill_med.as_secs_f64() * 1e6,
        skill_max.as_secs_f64() * 1e6,
        email_med.as_secs_f64() * 1e6,
        email_max.as_secs_f64() * 1e6
    );
}
