//! The real terminal: raw mode, alternate screen, mouse; a panic hook and a guard that
//! restore it on every way out; logs to a file in the data dir (never the screen).

use super::app::{App, Target};
use super::driver::{Driver, Services, read_recent, spawn_input_thread};
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
use std::sync::atomic::AtomicBool;

/// Put the terminal back as we found it. Safe to call more than once.
pub fn restore() {
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
    /// The orgs offered on the Load screen (index = `Cmd::Load::target`).
    pub targets: Vec<Target>,
    pub services: Arc<dyn Services>,
}

/// Run the TUI on the real terminal until the user quits.
pub async fn run(opts: TuiOptions) -> std::io::Result<()> {
    let dir = data_dir();
    if let Some(d) = &dir
        && let Some(log) = init_file_logging(d)
    {
        tracing::info!(log = %log.display(), "onboard tui starting");
    }
    install_panic_hook();
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
    let mut driver = Driver::new(app, terminal, opts.services, dir);
    if let Some(file) = opts.file {
        let cmds = start_load(&mut driver.app, file);
        for c in cmds {
            // Route through the inbox-less path: exec the load at once.
            driver.exec_cmd(c);
        }
    }
    let stop = Arc::new(AtomicBool::new(false));
    let input = spawn_input_thread(driver.sender(), stop.clone());
    let res = driver.run().await;
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let _ = input.join();
    drop(driver);
    restore();
    tracing::info!("onboard tui stopped");
    res
}
