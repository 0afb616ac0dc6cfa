//! The real binary in tmux: `onboard demo`, keys in, screen text out, a clean exit with the
//! terminal restored (alternate screen left, mouse reporting off, cursor shown).
//! Polls capture-pane a bounded number of times; never a fixed sleep to wait for a state.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;
use std::time::Duration;

struct Session(String);

impl Drop for Session {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .args(["kill-session", "-t", &self.0])
            .status();
    }
}

fn tmux(args: &[&str]) -> String {
    let out = Command::new("tmux")
        .args(args)
        .output()
        .expect("tmux runs (install tmux)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn capture(s: &Session) -> String {
    tmux(&["capture-pane", "-p", "-t", &s.0])
}

/// Poll the pane until `pred` holds (at most `tries` × 100 ms).
fn wait_for(s: &Session, tries: usize, what: &str, pred: impl Fn(&str) -> bool) -> String {
    let mut last = String::new();
    for _ in 0..tries {
        last = capture(s);
        if pred(&last) {
            return last;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("timed out waiting for {what}; screen:\n{last}");
}

fn keys(s: &Session, k: &[&str]) {
    let mut args = vec!["send-keys", "-t", s.0.as_str()];
    args.extend_from_slice(k);
    tmux(&args);
}

#[test]
fn onboard_demo_in_tmux_keys_in_text_out_clean_exit() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_onboard");
    let name = format!("onboard-tmux-{}", std::process::id());
    let s = Session(name.clone());
    let cmd = format!(
        "cd {root} && ONBOARD_DATA_DIR={data} {bin} demo; echo EXIT=$?; sleep 30",
        root = env!("CARGO_MANIFEST_DIR"),
        data = dir.path().join("data").display(),
    );
    let status = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "100",
            "-y",
            "30",
            &cmd,
        ])
        .status()
        .expect("tmux runs (install tmux)");
    assert!(status.success());

    // Loads the list against the simulated org and lands on Pre-flight.
    // The table shows while the org still loads; keys that change rows wait for the load.
    let screen = wait_for(&s, 300, "the pre-flight table, org loaded", |t| {
        t.contains("2 Pre-flight") && t.contains("row ") && t.contains("org loaded")
    });
    assert!(screen.contains("errors"), "{screen}");
    assert_eq!(
        tmux(&["display", "-p", "-t", &name, "#{alternate_on}"]).trim(),
        "1"
    );

    // Filter to rows with a typo'd skill, n jumps to one, a applies the suggestion, and the
    // row is re-checked at once.
    keys(&s, &["/"]);
    wait_for(&s, 50, "the filter prompt", |t| t.contains("filter ("));
    keys(&s, &["-l", "code:unknown_skill"]);
    keys(&s, &["Enter"]);
    wait_for(&s, 50, "the filtered table", |t| {
        t.contains("match code unknown_skill")
    });
    keys(&s, &["n", "a"]);
    wait_for(&s, 50, "the re-check", |t| t.contains("re-checked"));
    // Enter opens the row card (each column's raw value and the value sent); Esc closes it.
    keys(&s, &["Enter"]);
    wait_for(&s, 50, "the row card", |t| {
        t.contains("value ") && t.contains("sent ") && t.contains("Esc closes")
    });
    keys(&s, &["Escape"]);
    wait_for(&s, 50, "the card to close", |t| !t.contains("Esc closes"));
    // The help comes from the key table.
    keys(&s, &["?"]);
    wait_for(&s, 50, "the help", |t| {
        t.contains("Keys (") && t.contains("Show this help")
    });
    // Esc alone (Esc followed at once by a key would read as Alt+key).
    keys(&s, &["Escape"]);
    wait_for(&s, 50, "the help to close", |t| !t.contains("Keys ("));
    keys(&s, &["3"]);
    wait_for(&s, 50, "the plan", |t| {
        t.contains("what changes (") && t.contains("ETA ")
    });
    // q asks because of the unsaved edit; y quits.
    keys(&s, &["q"]);
    wait_for(&s, 50, "the quit question", |t| t.contains("not saved"));
    keys(&s, &["y"]);
    let end = wait_for(&s, 100, "the exit", |t| t.contains("EXIT="));
    assert!(end.contains("EXIT=0"), "{end}");
    assert!(
        !end.contains("Pre-flight"),
        "the TUI is gone from the screen:\n{end}"
    );
    assert_eq!(
        tmux(&["display", "-p", "-t", &name, "#{alternate_on}"]).trim(),
        "0"
    );
    assert_eq!(
        tmux(&["display", "-p", "-t", &name, "#{mouse_any_flag}"]).trim(),
        "0"
    );
    assert_eq!(
        tmux(&["display", "-p", "-t", &name, "#{cursor_flag}"]).trim(),
        "1"
    );
}

/// `onboard demo` in a tmux session of its own whose pid is written to a file (`exec`
/// keeps it), so a test can signal exactly the process it started.
fn start_demo(tag: &str, args: &str) -> (Session, tempfile::TempDir, i32) {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_onboard");
    let name = format!("onboard-{tag}-{}", std::process::id());
    let s = Session(name.clone());
    let pidfile = dir.path().join("pid");
    let cmd = format!(
        "cd {root} && sh -c 'echo $$ > {pid} && exec env ONBOARD_DATA_DIR={data} {bin} demo {args}'; echo EXIT=$?; sleep 30",
        root = env!("CARGO_MANIFEST_DIR"),
        pid = pidfile.display(),
        data = dir.path().join("data").display(),
    );
    let status = Command::new("tmux")
        .args([
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "100",
            "-y",
            "30",
            &cmd,
        ])
        .status()
        .expect("tmux runs (install tmux)");
    assert!(status.success());
    wait_for(&s, 300, "the pre-flight table", |t| {
        t.contains("2 Pre-flight") && t.contains("findings")
    });
    let pid = std::fs::read_to_string(&pidfile)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    (s, dir, pid)
}

fn flag(s: &Session, f: &str) -> String {
    tmux(&["display", "-p", "-t", &s.0, f]).trim().to_string()
}

fn kill(pid: i32, sig: &str) {
    let ok = Command::new("kill")
        .args([&format!("-{sig}"), &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill -{sig} {pid}");
}

/// Poll a tmux flag until it reads `want` (at most `tries` × 100 ms).
fn wait_flag(s: &Session, f: &str, want: &str, tries: usize) {
    for _ in 0..tries {
        if flag(s, f) == want {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    panic!("{f} stayed {} (wanted {want}):\n{}", flag(s, f), capture(s));
}

fn assert_restored(s: &Session) {
    assert_eq!(flag(s, "#{alternate_on}"), "0", "alternate screen left");
    assert_eq!(flag(s, "#{cursor_flag}"), "1", "cursor shown");
    assert_eq!(flag(s, "#{mouse_any_flag}"), "0", "mouse reporting off");
    assert_eq!(flag(s, "#{mouse_button_flag}"), "0", "mouse reporting off");
}

#[test]
fn sigterm_restores_the_terminal_and_exits() {
    let (s, _dir, pid) = start_demo("sigterm", "");
    assert_eq!(flag(&s, "#{alternate_on}"), "1");
    assert_eq!(
        flag(&s, "#{mouse_any_flag}"),
        "1",
        "mouse on while the TUI runs"
    );
    kill(pid, "TERM");
    let end = wait_for(&s, 100, "the exit", |t| t.contains("EXIT="));
    assert_restored(&s);
    assert!(end.contains("onboard: stopped by SIGTERM"), "{end}");
    assert!(end.contains("EXIT=1"), "{end}");
    assert!(!end.contains("Pre-flight"), "the TUI is gone:\n{end}");
}

#[test]
fn sighup_during_a_run_restores_the_terminal_and_cancels_the_run_safely() {
    // A slow rate limit keeps the run going while the signal arrives.
    let (s, _dir, pid) = start_demo("sighup", "--rate-limit 300/60 --tokens 1");
    wait_for(&s, 300, "the org loaded", |t| t.contains("org loaded"));
    keys(&s, &["3"]);
    wait_for(&s, 50, "the plan", |t| t.contains("what changes ("));
    keys(&s, &["y"]);
    wait_for(&s, 50, "the question", |t| t.contains("Start the run?"));
    keys(&s, &["Enter"]);
    wait_for(&s, 100, "the run", |t| t.contains("requests · running"));
    kill(pid, "HUP");
    // The terminal comes back at once, before the in-flight steps have finished.
    wait_flag(&s, "#{alternate_on}", "0", 50);
    let end = wait_for(&s, 300, "the exit", |t| t.contains("EXIT="));
    assert_restored(&s);
    assert!(
        end.contains("onboard: stopped by SIGHUP; the run was cancelled after"),
        "{end}"
    );
    assert!(end.contains("EXIT=1"), "{end}");
}

/// The terminal itself goes away (the window closed, tmux killed): onboard gets SIGHUP with
/// nothing left to draw on, and must end — not linger reading a vanished tty.
#[test]
fn onboard_ends_when_its_terminal_is_gone() {
    let (s, _dir, pid) = start_demo("gone", "");
    tmux(&["kill-session", "-t", &s.0]);
    let alive = || std::path::Path::new(&format!("/proc/{pid}")).exists();
    for _ in 0..100 {
        if !alive() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
    panic!("onboard (pid {pid}) still ran 10 s after its terminal was gone");
}

/// `onboard demo --queues FILE` in tmux (a private tmux server, `-L`): the queue list loads
/// with the demo hire list, `t` shows the Queues table, and the run creates the queue first —
/// the Run screen's queue gauge counts it.
#[test]
fn onboard_demo_with_a_queue_list_shows_the_queue_table_and_runs_the_queue_phase() {
    let dir = tempfile::tempdir().unwrap();
    let queues = dir.path().join("queues.csv");
    std::fs::write(
        &queues,
        "name,division,description,wrapup_codes,members\n\
         Tmux Launch Queue,Sales,Opened by the tmux test,Resolved;Escalated,olivia.martin@example.com\n",
    )
    .unwrap();
    let bin = env!("CARGO_BIN_EXE_onboard");
    let socket = format!("tuiq-{}", std::process::id());
    let t = |args: &[&str]| {
        let mut all = vec!["-L", socket.as_str()];
        all.extend_from_slice(args);
        tmux(&all)
    };
    struct Server(String);
    impl Drop for Server {
        fn drop(&mut self) {
            let _ = Command::new("tmux")
                .args(["-L", &self.0, "kill-server"])
                .status();
        }
    }
    let _server = Server(socket.clone());
    let cmd = format!(
        "cd {root} && ONBOARD_DATA_DIR={data} {bin} demo --faults none --queues {q}; echo EXIT=$?; sleep 30",
        root = env!("CARGO_MANIFEST_DIR"),
        data = dir.path().join("data").display(),
        q = queues.display(),
    );
    t(&[
        "new-session",
        "-d",
        "-s",
        "q",
        "-x",
        "120",
        "-y",
        "36",
        &cmd,
    ]);
    let wait = |tries: usize, what: &str, pred: &dyn Fn(&str) -> bool| {
        let mut last = String::new();
        for _ in 0..tries {
            last = t(&["capture-pane", "-p", "-t", "q"]);
            if pred(&last) {
                return last;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("timed out waiting for {what}; screen:\n{last}");
    };
    let screen = wait(300, "the load with the queue list", &|s| {
        s.contains("org loaded") && s.contains("queues: 1 rows")
    });
    assert!(screen.contains("t queues"), "{screen}");
    t(&["send-keys", "-t", "q", "t"]);
    let screen = wait(50, "the Queues table", &|s| s.contains("Tmux Launch Queue"));
    assert!(screen.contains("create"), "{screen}");
    // Plan, y, Enter: the queue runs first.
    t(&["send-keys", "-t", "q", "3"]);
    wait(50, "the plan's queue rows", &|s| {
        s.contains("Queues first: create 1")
    });
    t(&["send-keys", "-t", "q", "y"]);
    wait(50, "the question", &|s| s.contains("queue row(s) first"));
    t(&["send-keys", "-t", "q", "Enter"]);
    let screen = wait(1500, "the end of the run", &|s| s.contains("run finished"));
    assert!(screen.contains("queues 1/1 · created 1"), "{screen}");
    t(&["send-keys", "-t", "q", "q"]);
    let end = wait(100, "the exit", &|s| s.contains("EXIT="));
    assert!(end.contains("EXIT=0"), "{end}");
}
