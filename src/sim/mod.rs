//! The simulated Genesys Cloud org (`onboard sim`, issue 2): an axum server on loopback that
//! serves the real Platform API v2 paths, JSON names, status codes and error bodies for the
//! operations onboard uses (docs/genesys-api-notes.md), seeded from an org file (docs/contract.md §4), with a
//! per-token rate limit, injected faults and `/__sim/stats` (docs/contract.md §5).
//!
//! Layout: `seed` (file format), `state` (the org), `server` (router, auth, rate limit,
//! faults, stats middleware), `routes/*` (one file per API area), `persist` (`--state`).

pub mod error;
pub mod faults;
pub mod paging;
pub mod persist;
pub mod queue_settings;
pub mod queue_state;
pub mod routes;
pub mod seed;
pub mod server;
pub mod state;
pub mod stats;

pub use faults::{FaultSpec, RateLimit};
pub use seed::Seed;
pub use state::{Org, User};
pub use stats::SimStats;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};

#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("{0}")]
    Seed(String),
    #[error("--faults: {0}")]
    Faults(String),
    #[error("{0}")]
    Config(String),
    #[error("{0}")]
    State(String),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

/// How to run a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    pub seed: Seed,
    /// Default `127.0.0.1:0` (a free port).
    pub addr: SocketAddr,
    /// Per token, fixed window; None = no limit. Default 300 per 60 s.
    pub rate_limit: Option<RateLimit>,
    pub faults: FaultSpec,
    /// Load the org from this file if it exists; save it after every change.
    pub state_file: Option<PathBuf>,
    /// Tokens one OAuth client may mint per window (`--token-rate`); None = unlimited.
    pub token_rate: Option<RateLimit>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: Seed::demo(),
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            rate_limit: Some(RateLimit::default()),
            faults: FaultSpec::default(),
            state_file: None,
            token_rate: None,
        }
    }
}

impl SimConfig {
    /// The demo org on a free loopback port, default rate limit, no faults.
    pub fn demo() -> Self {
        Self::default()
    }
}

pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// How many tokens each OAuth client may mint per window, and how many it has (fixed
/// windows per client, like the per-token request limit).
#[derive(Debug, Default)]
pub struct TokenRate {
    limit: Option<RateLimit>,
    windows: std::collections::HashMap<String, (std::time::Instant, u32)>,
}

impl TokenRate {
    pub fn new(limit: Option<RateLimit>) -> TokenRate {
        TokenRate {
            limit,
            windows: Default::default(),
        }
    }

    /// Counts a mint for `client_id`; Err(seconds to wait) when the window's budget is spent.
    pub fn admit(&mut self, client_id: &str) -> Result<(), u64> {
        let Some(l) = self.limit else { return Ok(()) };
        let now = std::time::Instant::now();
        let w = self
            .windows
            .entry(client_id.to_string())
            .or_insert((now, 0));
        if now.duration_since(w.0) >= l.window {
            *w = (now, 0);
        }
        if w.1 >= l.max {
            let left = l.window.saturating_sub(now.duration_since(w.0));
            return Err((left.as_secs() + u64::from(left.subsec_nanos() > 0)).max(1));
        }
        w.1 += 1;
        Ok(())
    }
}

/// State shared by every request.
pub struct Shared {
    pub org: Mutex<Org>,
    pub faults: Mutex<faults::FaultState>,
    pub rate_limit: Mutex<Option<RateLimit>>,
    /// `--token-rate` and the mints counted per OAuth client in the current window.
    pub token_rate: Mutex<TokenRate>,
    pub counters: Mutex<stats::Counters>,
    pub persist: Option<Arc<persist::Persister>>,
    /// Requests whose path starts with this prefix wait until the gate opens (tests hold
    /// a kind of request this way instead of sleeping: see [`SimHandle::hold`]).
    pub hold: Mutex<Option<(String, tokio::sync::watch::Receiver<bool>)>>,
}

impl Shared {
    /// The `queue_lag_ms` fault now (read before the org is locked).
    pub fn queue_lag(&self) -> std::time::Duration {
        std::time::Duration::from_millis(lock(&self.faults).spec.queue_lag_ms)
    }

    /// Runs a read-only closure on the org.
    pub fn read<R>(&self, f: impl FnOnce(&Org) -> R) -> R {
        f(&lock(&self.org))
    }

    /// Runs a changing closure; an `Ok` result counts as a change (saved with `--state`).
    /// Closures must validate before they change anything, so an `Err` leaves no trace.
    pub fn write<R, E>(&self, f: impl FnOnce(&mut Org) -> Result<R, E>) -> Result<R, E> {
        let mut org = lock(&self.org);
        let r = f(&mut org);
        if r.is_ok()
            && let Some(p) = &self.persist
        {
            p.bump();
        }
        r
    }

    pub fn stats(&self) -> SimStats {
        let (total, users, dup) = self.read(|o| {
            let (a, i, d) = o.user_count();
            (o.users.len() as u64, (a, i, d), o.duplicate_emails())
        });
        let (queues, dup_queues, wrapups) = self.read(|o| {
            (
                o.queues.len() as u64,
                o.duplicate_queue_names(),
                o.wrapups.len() as u64,
            )
        });
        let c = lock(&self.counters);
        SimStats {
            requests: c.requests,
            by_status: c
                .by_status
                .iter()
                .map(|(k, v)| (k.to_string(), *v))
                .collect(),
            by_route: c.by_route.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            users: stats::UserCounts {
                total,
                active: users.0,
                inactive: users.1,
                deleted: users.2,
            },
            duplicate_emails: dup,
            queues: stats::Total { total: queues },
            duplicate_queue_names: dup_queues,
            wrapup_codes: stats::Total { total: wrapups },
            writes_with_unknown_ids: c
                .writes_with_unknown_ids
                .iter()
                .map(|(k, v)| (k.clone(), *v))
                .collect(),
        }
    }
}

/// Opens a [`SimHandle::hold`] (also when dropped).
pub struct Gate(tokio::sync::watch::Sender<bool>);

impl Gate {
    pub fn open(&self) {
        let _ = self.0.send(true);
    }
}

impl Drop for Gate {
    fn drop(&mut self) {
        self.open();
    }
}

/// A running simulator.
pub struct SimHandle {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

/// Starts a simulator and returns once it listens.
pub async fn start(cfg: SimConfig) -> Result<SimHandle, SimError> {
    let seed = match &cfg.state_file {
        Some(path) => persist::load(path)?.unwrap_or_else(|| cfg.seed.clone()),
        None => cfg.seed.clone(),
    };
    let org = Org::from_seed(&seed)?;
    if let Some(path) = &cfg.state_file {
        // Refuse to start rather than run with a state that silently never saves.
        let bytes = serde_json::to_vec_pretty(&org.to_seed())
            .map_err(|e| SimError::State(format!("cannot encode the org state: {e}")))?;
        persist::write_atomic(path, &bytes).map_err(|e| {
            SimError::State(format!(
                "cannot write the state file {}: {e}; choose a writable path for --state",
                path.display()
            ))
        })?;
    }
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|source| SimError::Bind {
            addr: cfg.addr,
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| SimError::Bind {
        addr: cfg.addr,
        source,
    })?;
    let shared = Arc::new_cyclic(|weak: &std::sync::Weak<Shared>| {
        let persist = cfg.state_file.clone().map(|path| {
            let weak = weak.clone();
            persist::Persister::start(path, move || match weak.upgrade() {
                Some(s) => {
                    // Copy under the lock, serialize outside it.
                    let (generation, seed) = {
                        let org = lock(&s.org);
                        let generation = s
                            .persist
                            .as_ref()
                            .map(|p| p.generation.load(std::sync::atomic::Ordering::SeqCst))
                            .unwrap_or(0);
                        (generation, org.to_seed())
                    };
                    (
                        generation,
                        serde_json::to_vec_pretty(&seed).unwrap_or_default(),
                    )
                }
                None => (u64::MAX, Vec::new()),
            })
        });
        Shared {
            org: Mutex::new(org),
            faults: Mutex::new(faults::FaultState::new(cfg.faults.clone())),
            rate_limit: Mutex::new(cfg.rate_limit),
            token_rate: Mutex::new(TokenRate::new(cfg.token_rate)),
            counters: Mutex::new(stats::Counters::default()),
            persist,
            hold: Mutex::new(None),
        }
    });
    // Write the initial state so the file exists from the start.
    if let Some(p) = &shared.persist {
        let _g = lock(&shared.org);
        p.bump();
    }
    if let Some(p) = &shared.persist {
        p.flushed().await;
    }
    let app = server::router(shared.clone());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async {
            let _ = rx.await;
        });
        if let Err(e) = serve.await {
            tracing::error!("simulator server stopped: {e}");
        }
    });
    Ok(SimHandle {
        addr,
        shared,
        shutdown: Some(tx),
        task,
    })
}

impl SimHandle {
    /// `http://127.0.0.1:PORT`
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }
    /// The same figures as `GET /__sim/stats`.
    pub async fn stats(&self) -> SimStats {
        self.shared.stats()
    }
    /// Reads the org directly (tests: verify the org after a run).
    pub fn with_state<R>(&self, f: impl FnOnce(&Org) -> R) -> R {
        self.shared.read(f)
    }
    /// Changes the org directly (tests: raise a queue's member limit, a licence's seats, …).
    /// Saved like any other change when `--state` is set.
    pub fn with_state_mut<R>(&self, f: impl FnOnce(&mut Org) -> R) -> R {
        self.shared
            .write(|o| Ok::<R, std::convert::Infallible>(f(o)))
            .unwrap_or_else(|e| match e {})
    }
    /// A snapshot of every user.
    pub fn users(&self) -> Vec<User> {
        self.with_state(|o| o.users.clone())
    }
    /// Replaces the fault settings at runtime.
    pub fn set_faults(&self, faults: FaultSpec) {
        lock(&self.shared.faults).set(faults);
    }
    /// Holds every API request whose path starts with `prefix` (e.g.
    /// `/api/v2/users/externalid/`) until the returned gate is opened or dropped. For tests
    /// that need a load to stop part-way, deterministically.
    pub fn hold(&self, prefix: &str) -> Gate {
        let (tx, rx) = tokio::sync::watch::channel(false);
        *lock(&self.shared.hold) = Some((prefix.to_string(), rx));
        Gate(tx)
    }
    /// Replaces the token mint limit at runtime (None = unlimited).
    pub fn set_token_rate(&self, limit: Option<RateLimit>) {
        *lock(&self.shared.token_rate) = TokenRate::new(limit);
    }
    /// Replaces the rate limit at runtime (None = off). Counting windows carry on.
    pub fn set_rate_limit(&self, limit: Option<RateLimit>) {
        *lock(&self.shared.rate_limit) = limit;
    }
    /// Waits until every change is saved (no-op without `--state`).
    pub async fn flush(&self) {
        if let Some(p) = &self.shared.persist {
            p.flushed().await;
        }
    }
    /// Stops accepting connections, saves, and returns.
    pub async fn shutdown(mut self) {
        self.flush().await;
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        // Connections held open (e.g. a `timeout_rate` request) must not keep us here.
        if tokio::time::timeout(std::time::Duration::from_secs(2), &mut self.task)
            .await
            .is_err()
        {
            self.task.abort();
        }
    }
}
