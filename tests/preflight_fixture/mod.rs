//! A small org and helpers shared by the pre-flight tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use onboard::model::*;
use onboard::preflight::{self, CheckOptions, CheckResult};

fn named(id: &str, name: &str) -> Named {
    Named {
        id: id.into(),
        name: name.into(),
    }
}

fn user(id: &str, email: &str, state: UserState) -> ExistingUser {
    ExistingUser {
        id: id.into(),
        name: email.split('@').next().unwrap().into(),
        email: email.into(),
        state,
        version: 1,
        division_id: "d-home".into(),
        department: None,
        title: None,
        manager_id: None,
        phone: None,
        extension: None,
        grants: vec![Grant {
            role_id: "r-employee".into(),
            division_id: "d-home".into(),
        }],
        skills: vec![],
        languages: vec![],
        queue_ids: vec![],
        group_queue_ids: vec![],
        licenses: vec![],
        external_ids: vec![],
        addresses: vec![],
        utilization: None,
    }
}

/// Home / Sales / Support; Agent (cx2), Supervisor (cx3, 1 free seat), Employee; a DID pool
/// +13175550100–199 with +13175550100 taken by liam; extensions 1000–1999 with 1000 taken;
/// one in-service trunk of 10 channels with 5 phone users today (5 free).
pub fn org() -> OrgSnapshot {
    let mut liam = user("u-liam", "liam@example.com", UserState::Active);
    liam.name = "Liam Lopez".into();
    liam.title = Some("Agent".into());
    liam.phone = Some("+13175550100".into());
    liam.extension = Some("1000".into());
    liam.grants.push(Grant {
        role_id: "r-agent".into(),
        division_id: "d-home".into(),
    });
    liam.skills = vec![Proficiency {
        id: "s-billing".into(),
        proficiency: 3.0,
    }];
    liam.languages = vec![Proficiency {
        id: "l-english".into(),
        proficiency: 5.0,
    }];
    liam.queue_ids = vec!["q-general".into()];
    liam.licenses = vec!["cx2".into()];
    liam.external_ids = vec![ExternalId {
        authority: "workday".into(),
        key: "E1".into(),
    }];
    liam.manager_id = Some("u-boss".into());
    let mut boss = user("u-boss", "boss@example.com", UserState::Active);
    boss.name = "Big Boss".into();
    OrgSnapshot {
        org_id: Some("fixture-org".into()),
        org_name: Some("Fixture".into()),
        divisions: vec![
            Division {
                id: "d-home".into(),
                name: "Home".into(),
                home: true,
            },
            Division {
                id: "d-sales".into(),
                name: "Sales".into(),
                home: false,
            },
            Division {
                id: "d-support".into(),
                name: "Support".into(),
                home: false,
            },
        ],
        roles: vec![
            Role {
                id: "r-agent".into(),
                name: "Agent".into(),
                base_license: Some("cx2".into()),
            },
            Role {
                id: "r-supervisor".into(),
                name: "Supervisor".into(),
                base_license: Some("cx3".into()),
            },
            Role {
                id: "r-employee".into(),
                name: "Employee".into(),
                base_license: None,
            },
        ],
        skills: vec![
            named("s-billing", "Billing"),
            named("s-returns", "Returns"),
            named("s-tech", "Technical Support"),
        ],
        languages: vec![named("l-english", "English"), named("l-spanish", "Spanish")],
        queues: vec![
            Queue {
                id: "q-general".into(),
                name: "General".into(),
                division_id: "d-home".into(),
                member_count: Some(3),
                group_member_count: 0,
            },
            Queue {
                id: "q-sales".into(),
                name: "Sales Inbound".into(),
                division_id: "d-sales".into(),
                member_count: Some(1),
                group_member_count: 0,
            },
        ],
        licenses: vec![
            License {
                id: "cx2".into(),
                description: "Genesys Cloud CX 2".into(),
                seats: Seats::Known {
                    total: 100,
                    used: 1,
                    from: FigureSource::Org,
                },
            },
            License {
                id: "cx3".into(),
                description: "Genesys Cloud CX 3".into(),
                seats: Seats::Known {
                    total: 10,
                    used: 9,
                    from: FigureSource::Org,
                },
            },
            License {
                id: "wem".into(),
                description: "Workforce Engagement Management".into(),
                seats: Seats::Unknown,
            },
        ],
        trunks: vec![Trunk {
            id: "t-a".into(),
            name: "Carrier A".into(),
            in_service: true,
            channels: Some(10),
            channels_from: FigureSource::Org,
        }],
        did_pools: vec![NumberPool {
            id: "p1".into(),
            start: "+13175550100".into(),
            end: "+13175550199".into(),
        }],
        assigned_dids: vec![AssignedNumber {
            number: "+13175550100".into(),
            owner_id: Some("u-liam".into()),
            owner_type: Some("USER".into()),
        }],
        extension_pools: vec![NumberPool {
            id: "e1".into(),
            start: "1000".into(),
            end: "1999".into(),
        }],
        used_extensions: vec![AssignedNumber {
            number: "1000".into(),
            owner_id: Some("u-liam".into()),
            owner_type: Some("USER".into()),
        }],
        phone_enabled_users: 5,
        agents_per_channel: 1.0,
        users: vec![
            liam.into(),
            boss.into(),
            user("u-ivy", "ivy@example.com", UserState::Inactive).into(),
            user("u-dan", "dan@example.com", UserState::Deleted).into(),
        ],
    }
}

pub const COLUMNS: [&str; 15] = [
    "email",
    "name",
    "division",
    "title",
    "manager_email",
    "roles",
    "skills",
    "languages",
    "queues",
    "phone",
    "extension",
    "licenses",
    "external_id",
    "action",
    "department",
];

/// A pseudo-column: `(CUT, "2")` ends the row after its first 2 cells (a short row).
pub const CUT: &str = "<cut>";

/// Build a CSV from rows of (column, value); the header is the standard columns plus any
/// other column a row names.
pub fn csv(rows: &[&[(&str, &str)]]) -> String {
    let mut header: Vec<String> = COLUMNS.iter().map(|s| s.to_string()).collect();
    for r in rows {
        for (k, _) in r.iter() {
            if *k != CUT && !header.iter().any(|h| h == k) {
                header.push(k.to_string());
            }
        }
    }
    let mut w = ::csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(Vec::new());
    w.write_record(&header).unwrap();
    for r in rows {
        let mut cells: Vec<String> = header
            .iter()
            .map(|h| {
                r.iter()
                    .find(|(k, _)| k == h)
                    .map(|(_, v)| v.to_string())
                    .unwrap_or_default()
            })
            .collect();
        if let Some((_, n)) = r.iter().find(|(k, _)| *k == CUT) {
            cells.truncate(n.parse().unwrap());
        }
        w.write_record(&cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

pub fn list(text: &str) -> HireList {
    onboard::ingest::read_bytes("test.csv", text.as_bytes()).unwrap()
}

pub fn check_with(org: &OrgSnapshot, text: &str) -> (HireList, CheckResult) {
    let l = list(text);
    let r = preflight::check_all(&l, org, &CheckOptions::new());
    (l, r)
}

pub fn check(rows: &[&[(&str, &str)]]) -> CheckResult {
    check_with(&org(), &csv(rows)).1
}

pub fn codes(r: &CheckResult) -> Vec<FindingCode> {
    r.findings().map(|f| f.code).collect()
}
