//! `persona capture` on demo-org references gives exactly the expected persona rows (the
//! capture rules of README "Personas"): a grant in the user's own division without `@`, one in
//! another division with `@`, the home division written as empty (it maps to each target's
//! home), and a queue membership the user has not joined included. The source only reads.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

/// (reference, the persona row `persona capture --include division` prints)
const TABLE: [(&str, &str); 3] = [
    (
        // Billing: `Employee` in Home, `Senior Agent` in their own division; Billing Disputes
        // is a membership they have not joined.
        "tomas.silva@example.com",
        "Senior Billing Agent,Billing,Billing,Senior Billing Agent,Employee@Home; Senior Agent,Disputes:3; Billing:4,English:5,Refunds; Billing Tier 2; Billing Disputes",
    ),
    (
        "aiden.haddad@example.com",
        "Sales Agent,Sales,Sales,Sales Agent,Employee@Home; Agent,Upsell:1; Enterprise Accounts:3,English:5,Sales Chat; Sales Enterprise",
    ),
    (
        // In the home division: the division cell is empty and Employee (own division) has no `@`.
        "ava.brown@example.com",
        "Operations Agent,,Operations,Operations Agent,Employee; Agent,Training:5; Complaints:3,English:5; Italian:2,General; Reception",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn capture_table_of_three_demo_references() {
    let sim = sim_with("").await;
    let dir = tempfile::tempdir().unwrap();
    for (email, want) in TABLE {
        let out = onboard(dir.path())
            .args([
                "persona",
                "capture",
                "--api-url",
                &sim.url(),
                "--user",
                email,
            ])
            .args(["--include", "division"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{email}: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(
            lines[0],
            "persona,division,department,title,roles,skills,languages,queues"
        );
        assert_eq!(lines[1], want, "{email}");
        assert!(stderr.contains("not captured"), "{email}: {stderr}");
    }
    assert!(
        write_routes(&sim.stats().await).is_empty(),
        "capture only reads: {:?}",
        write_routes(&sim.stats().await)
    );
}
