//! `onboard login` → snapshot → use, then search every file written for the secret.
//! Uses the real Linux kernel keyring under a service name unique to this test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use onboard::cli::{ConnectArgs, ConnectEnv, connect_with};
use onboard::config::{Keyring, Paths};
use onboard::genesys::dto::CreateUser;
use onboard::genesys::{Secret, load_snapshot};
use onboard::sim::{self, FaultSpec, Seed, SimConfig};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn login_snapshot_use_leaves_no_secret_on_disk() {
    let secret = format!("cycle-secret-{}", uuid::Uuid::new_v4().simple());
    let client_id = "cycle-client";
    let service = format!("onboard-test-{}", uuid::Uuid::new_v4().simple());
    let profile = "cycle";

    // The simulator on its own runtime (its logs are not onboard's).
    let sim_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let mut seed = Seed::demo();
    seed.oauth_clients.push(sim::seed::SeedClient {
        client_id: client_id.into(),
        client_secret: secret.clone(),
        token_ttl_seconds: 3600,
        ..Default::default()
    });
    let h = sim_rt
        .block_on(sim::start(SimConfig {
            seed,
            faults: FaultSpec::default(),
            ..SimConfig::default()
        }))
        .unwrap();

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let paths = Paths {
        config_dir: root.join("config"),
        data_dir: root.join("data"),
    };
    let bin = env!("CARGO_BIN_EXE_onboard");
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = Command::new(bin)
            .args(args)
            .env("ONBOARD_CONFIG_DIR", &paths.config_dir)
            .env("ONBOARD_DATA_DIR", &paths.data_dir)
            .env("XDG_CONFIG_HOME", root.join("xdg-config"))
            .env("XDG_DATA_HOME", root.join("xdg-data"))
            .env("XDG_CACHE_HOME", root.join("xdg-cache"))
            .env("HOME", root.join("home"))
            .env("ONBOARD_KEYRING_SERVICE", &service)
            .env_remove("ONBOARD_CLIENT_ID")
            .env_remove("ONBOARD_CLIENT_SECRET")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        if let Some(s) = stdin {
            child.stdin.take().unwrap().write_all(s.as_bytes()).unwrap();
        }
        drop(child.stdin.take());
        child.wait_with_output().unwrap()
    };

    // A wrong secret is refused and nothing is saved.
    let bad = run(
        &[
            "login",
            "--profile",
            profile,
            "--api-url",
            &h.url(),
            "--client-id",
            client_id,
        ],
        Some("wrong-secret\n"),
    );
    assert_eq!(bad.status.code(), Some(2));
    let bad_err = String::from_utf8_lossy(&bad.stderr);
    println!("bad login: {bad_err}");
    assert!(bad_err.contains("nothing was saved"));
    assert!(!paths.profiles_file().exists());

    // Login: secret on stdin (not a TTY).
    let out = run(
        &[
            "login",
            "--profile",
            profile,
            "--api-url",
            &h.url(),
            "--client-id",
            client_id,
        ],
        Some(&format!("{secret}\n")),
    );
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    println!("login: {stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains("Linux kernel keyring"),
        "says which store was used"
    );
    let keyring = Keyring::open_service(&service).unwrap();
    assert_eq!(
        keyring.get(profile).unwrap(),
        Some(Secret::new(secret.clone()))
    );

    let listed = run(&["profiles"], None);
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    println!("profiles:\n{listed}");
    assert!(
        listed.contains(profile)
            && listed.contains(client_id)
            && listed.contains("in the Linux kernel keyring")
    );

    // Use: connect through the profile, snapshot, write — with onboard's logs going to a
    // file in the data dir at the most verbose level.
    std::fs::create_dir_all(paths.log_dir()).unwrap();
    let log_path = paths.log_dir().join("onboard.log");
    let log_file = std::fs::File::create(&log_path).unwrap();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(log_file))
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .finish();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let conn = connect_with(
                &ConnectArgs {
                    profile: Some(profile.into()),
                    ..ConnectArgs::default()
                },
                ConnectEnv {
                    paths: paths.clone(),
                    client_id: None,
                    client_secret: None,
                    keyring_service: service.clone(),
                },
            )
            .unwrap();
            assert!(conn.secret_source.contains("keyring"));
            let dbg = format!("{conn:?}");
            assert!(!dbg.contains(&secret), "Debug leaks nothing");
            let c = conn.client;
            let snap = load_snapshot(
                &c,
                &["olivia.martin@example.com".to_string()],
                &[],
                &conn_opts(),
                |_| {},
            )
            .await
            .unwrap();
            let home = snap.divisions.iter().find(|d| d.home).unwrap();
            let u = c
                .create_user(&CreateUser {
                    name: "Cycle User".into(),
                    email: "cycle.user@example.com".into(),
                    division_id: home.id.clone(),
                    password: Some(Secret::new(secret.clone())),
                    ..Default::default()
                })
                .await
                .unwrap();
            c.set_password(&u.id, &Secret::new(secret.clone()))
                .await
                .unwrap();
            let patched = c
                .patch_user(
                    &u.id,
                    &onboard::genesys::dto::UpdateUser {
                        version: u.version.unwrap_or(1),
                        title: Some("Agent".into()),
                        ..Default::default()
                    },
                )
                .await
                .unwrap();
            assert_eq!(patched.title.as_deref(), Some("Agent"));
            let snap_json = serde_json::to_vec(&snap).unwrap();
            std::fs::write(paths.data_dir.join("snapshot.json"), snap_json).unwrap();
            let report = serde_json::to_vec(&c.stats()).unwrap();
            std::fs::write(paths.data_dir.join("report.json"), report).unwrap();
            tracing::info!(stats = ?c.stats(), client = ?c, "cycle done");
        });
    });

    // Remove the profile: the keyring entry goes too.
    let removed = run(&["profiles", "--remove", profile], None);
    assert_eq!(removed.status.code(), Some(0));
    assert_eq!(keyring.get(profile).unwrap(), None);

    let mut files = Vec::new();
    files_under(root, &mut files);
    let basic = base64_basic(client_id, &secret);
    let mut scanned = 0;
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert!(
            !contains(&bytes, secret.as_bytes()),
            "secret found in {}",
            f.display()
        );
        assert!(
            !contains(&bytes, basic.as_bytes()),
            "Basic credentials found in {}",
            f.display()
        );
        scanned += bytes.len();
    }
    let log = std::fs::read_to_string(&log_path).unwrap();
    println!(
        "secret scan: {} files, {scanned} bytes, 0 hits (log {} lines)",
        files.len(),
        log.lines().count()
    );
    assert!(
        files.len() >= 4,
        "profiles, log, snapshot and report were written: {files:?}"
    );
    assert!(
        log.contains("cycle done") && log.lines().count() > 10,
        "the log captured the run"
    );
    sim_rt.block_on(h.shutdown());
}

fn conn_opts() -> onboard::genesys::SnapshotOptions {
    onboard::genesys::SnapshotOptions::default()
}

fn base64_basic(id: &str, secret: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"))
}
