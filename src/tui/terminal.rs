//! The real terminal: raw mode, alternate screen, mouse; a panic hook and a guard that
//! restore it on every way out; logs to a file in the data dir (never the screen).

use super::app::{App, RunPhase, Target};
use super::driver::{Driver, INBOX, Services, read_recent, spawn_input_thread};
use super::msg::Msg;
use super::theme::Theme;
use super::update::start_load;
use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use std::io::Stdout;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc;

/// Whether onboard has the terminal (raw, alternate screen, mouse); set on entering.
static TAKEN: AtomicBool = AtomicBool::new(false);

/// Put the terminal back as we found it. Safe to call more than once: only the first call
/// after taking it writes anything (leaving the alternate screen twice would move the cursor
/// back over what was printed after the first time).
pub fn restore() {
    if !TAKEN.swap(false, Ordering::SeqCst) {
        return;
    }
    let _ = disable_raw_mode();
    let _ = crossterm::execute!(
        std::io::stdout(),
        DisableMouseCapture,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

struct Guard;
impl Drop for Guard {
    fn drop(&mut self) {
        restore();
    }
}

fn install_panic_hook() {
    let prev = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        prev(info);
    }));
}

/// The data directory (recent files; logs under `logs/`): `ONBOARD_DATA_DIR` or the
/// platform's data dir.
pub fn data_dir() -> Option<PathBuf> {
    crate::config::Paths::resolve().ok().map(|p| p.data_dir)
}

/// Send `tracing` output to `<data dir>/logs/tui.log`. Returns the log path.
pub fn init_file_logging(dir: &std::path::Path) -> Option<PathBuf> {
    let dir = dir.join("logs");
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join("tui.log");
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .ok()?;
    let filter = tracing_subscriber::filter::LevelFilter::INFO;
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_max_level(filter)
        .try_init();
    Some(path)
}

pub struct TuiOptions {
    /// Load this file at start.
    pub file: Option<PathBuf>,
    /// Load this queue list at start (with `file`, or alone).
    pub queues: Option<PathBuf>,
    /// The orgs offered on the Load screen (index = `Cmd::Load::target`).
    pub targets: Vec<Target>,
    pub services: Arc<dyn Services>,
    /// Run this drift at start and open the Drift tab (`onboard drift … --tui`).
    pub drift: Option<crate::tui::multi_org::MultiOrgRequest>,
}

/// Posts SIGTERM, SIGHUP and SIGINT to the inbox (registered before the terminal changes,
/// so from then on none of them kills onboard with the terminal left raw).
fn spawn_signal_task(tx: mpsc::Sender<Msg>) -> std::io::Result<tokio::task::JoinHandle<()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut term = signal(SignalKind::terminate())?;
    let mut hup = signal(SignalKind::hangup())?;
    let mut int = signal(SignalKind::interrupt())?;
    Ok(tokio::spawn(async move {
        loop {
            let name = tokio::select! {
                Some(()) = term.recv() => "SIGTERM",
                Some(()) = hup.recv() => "SIGHUP",
                Some(()) = int.recv() => "SIGINT",
                else => break,
            };
            tracing::info!(signal = name, "signal received");
            if tx.send(Msg::Signal(name)).await.is_err() {
                break;
            }
        }
    }))
}

/// What to tell the shell once the screen is back, after a signal stopped onboard.
fn signal_note(app: &App, name: &str) -> String {
    let r = &app.run;
    if let RunPhase::Finished { cancelled: true } = r.phase {
        format!(
            "onboard: stopped by {name}; the run was cancelled after {} of {} rows (the rest are interrupted or not_reached; the journal is intact: run the list again to finish)",
            r.done, r.total
        )
    } else if r.phase.is_active() {
        format!("onboard: stopped by {name} while a run was stopping; run the list again to finish")
    } else {
        format!("onboard: stopped by {name}")
    }
}

/// Run the TUI on the real terminal until the user quits. Returns whether a signal stopped
/// it.
pub async fn run(opts: TuiOptions) -> std::io::Result<bool> {
    let dir = data_dir();
    if let Some(d) = &dir
        && let Some(log) = init_file_logging(d)
    {
        tracing::info!(log = %log.display(), "onboard tui starting");
    }
    install_panic_hook();
    let (tx, rx) = mpsc::channel(INBOX);
    let signals = spawn_signal_task(tx.clone())?;
    TAKEN.store(true, Ordering::SeqCst);
    enable_raw_mode()?;
    let _guard = Guard;
    crossterm::execute!(std::io::stdout(), EnterAlternateScreen, EnableMouseCapture)?;
    let backend = CrosstermBackend::new(std::io::stdout());
    let mut terminal: Terminal<CrosstermBackend<Stdout>> = Terminal::new(backend)?;
    terminal.clear()?;
    let size = terminal.size()?;
    let mut app = App::new(Theme::from_env(), (size.width, size.height));
    app.load.targets = opts.targets;
    if let Some(d) = &dir {
        app.load.recent = read_recent(d);
    }
    let mut driver = Driver::with_inbox(app, terminal, opts.services, dir, (tx, rx));
    driver.on_detach(restore);
    if opts.file.is_some() || opts.queues.is_some() {
        let files = crate::tui::app::LoadFiles {
            hires: opts.file,
            queues: opts.queues,
        };
        let cmds = start_load(&mut driver.app, files);
        for c in cmds {
            // Route through the inbox-less path: exec the load at once.
            driver.exec_cmd(c);
        }
    }
    if let Some(request) = opts.drift {
        for c in crate::tui::update::start_drift(&mut driver.app, request) {
            driver.exec_cmd(c);
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let input = spawn_input_thread(driver.sender(), stop.clone());
    let res = driver.run().await;
    // A failed draw leaves the loop early: still stop the run safely.
    driver.stop();
    signals.abort();
    stop.store(true, Ordering::SeqCst);
    // Not joined: when the terminal is gone (the window closed, tmux killed), crossterm's
    // reader can spin inside one poll forever, and waiting for it would keep onboard alive
    // at full CPU after SIGHUP. The thread holds nothing to flush; the process ends anyway.
    drop(input);
    let signal = driver.app.signal;
    let note = signal.map(|name| signal_note(&driver.app, name));
    drop(driver);
    restore();
    if let Some(note) = note {
        // The terminal may be gone (SIGHUP): a failed write must not panic on the way out.
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), "{note}");
    }
    tracing::info!("onboard tui stopped");
    res.map(|()| signal.is_some())
}
