//! A pool of access tokens of one OAuth client (docs/genesys-api-notes.md §11.8): the API's rate limit
//! is per client-credentials token, so N tokens give N budgets (Genesys's own Terraform
//! provider keeps such a pool, default 10, range 1–50).
//!
//! Each slot has its own token cache ([`Auth`]: early renewal, a 401 replaces exactly the
//! token that failed) and its own [`Limiter`] fed by that token's `inin-ratelimit-*`
//! headers. A request takes the first live token with budget. A further token is minted
//! only when every live token's budget is spent until a known time — so a small list never
//! mints more than one, and the pool fills gradually, one mint at a time; a 429 from the
//! token endpoint pauses minting for its `Retry-After` while the live tokens carry on.

use super::auth::{Auth, Token};
use super::error::ApiError;
use super::limiter::{Limiter, Permit, RateInfo};
use super::secret::Secret;
use futures::FutureExt;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// Tokens a pool may hold (as Terraform's provider allows).
pub const MAX_TOKENS: usize = 50;
/// Default pool size for the command line and profiles.
pub const DEFAULT_TOKENS: usize = 10;

/// One token and its budget.
pub(crate) struct Slot {
    pub auth: Auth,
    pub limiter: Limiter,
}

pub(crate) struct TokenPool {
    slots: Vec<Slot>,
    /// Slots that have held a token (the first `live` slots; filled in order).
    live: AtomicUsize,
    /// One mint at a time.
    minting: tokio::sync::Mutex<()>,
    /// No new token before this (the token endpoint's 429).
    mint_paused_until: Mutex<Option<Instant>>,
    /// Where the next search for budget starts, so work spreads over the tokens.
    next: AtomicUsize,
    /// Wakes requests waiting for budget when the pool gains a token.
    grown: tokio::sync::Notify,
}

/// A token and a permit to send one request with it.
pub(crate) struct Lease<'a> {
    pub slot: usize,
    pub token: Token,
    pub permit: Permit<'a>,
}

impl TokenPool {
    pub fn new(
        login_base: &Url,
        client_id: &str,
        secret: &Secret,
        size: usize,
    ) -> Result<Self, ApiError> {
        let size = size.clamp(1, MAX_TOKENS);
        let slots = (0..size)
            .map(|_| {
                Ok(Slot {
                    auth: Auth::new(login_base, client_id.to_string(), secret.clone())?,
                    limiter: Limiter::new(),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(TokenPool {
            slots,
            live: AtomicUsize::new(0),
            minting: tokio::sync::Mutex::new(()),
            mint_paused_until: Mutex::new(None),
            next: AtomicUsize::new(0),
            grown: tokio::sync::Notify::new(),
        })
    }

    pub fn size(&self) -> usize {
        self.slots.len()
    }

    /// Tokens minted so far (and kept renewed).
    pub fn live(&self) -> usize {
        self.live.load(Ordering::Acquire)
    }

    pub fn slot(&self, i: usize) -> &Slot {
        &self.slots[i.min(self.slots.len() - 1)]
    }

    /// The rate headers of every live token, combined: the pool's budget per window.
    pub fn combined_rate(&self) -> Option<RateInfo> {
        let mut out: Option<RateInfo> = None;
        for s in &self.slots[..self.live().max(1)] {
            if let Some(r) = s.limiter.last() {
                let o = out.get_or_insert(RateInfo {
                    allowed: 0,
                    count: 0,
                    reset_s: 0,
                });
                o.allowed = o.allowed.saturating_add(r.allowed);
                o.count = o.count.saturating_add(r.count);
                o.reset_s = o.reset_s.max(r.reset_s);
            }
        }
        out
    }

    /// A token with budget for one request; mints one when all live tokens are spent.
    pub async fn lease(
        &self,
        http: &reqwest::Client,
        attempt_budget: u32,
    ) -> Result<Lease<'_>, ApiError> {
        if self.live() == 0 {
            self.mint_first(http, attempt_budget).await?;
        }
        loop {
            // Created first: a token minted from here on wakes the wait below.
            let grown = self.grown.notified();
            if let Some(lease) = self.lease_with_budget(http, attempt_budget).await? {
                return Ok(lease);
            }
            if self.may_mint() && self.mint_next(http).await {
                continue;
            }
            // Wait for whichever live token frees up first, for the pool to gain a token
            // (another request may be minting it), or for minting to resume.
            let live = self.live().max(1);
            let waits = self.slots[..live]
                .iter()
                .enumerate()
                .map(|(i, s)| s.limiter.acquire().map(move |p| (i, p)).boxed());
            let pause = self.mint_pause_left().unwrap_or(Duration::from_secs(3600));
            let first = tokio::select! {
                r = tokio::time::timeout(pause, futures::future::select_all(waits)) => r.ok(),
                _ = grown => None,
            };
            if let Some(((slot, permit), _, _)) = first {
                let token = self.token_of(slot, http, attempt_budget).await?;
                return Ok(Lease {
                    slot,
                    token,
                    permit,
                });
            }
        }
    }

    /// The first live token (from the rotating start) whose budget allows a request now.
    async fn lease_with_budget(
        &self,
        http: &reqwest::Client,
        attempt_budget: u32,
    ) -> Result<Option<Lease<'_>>, ApiError> {
        let live = self.live().max(1);
        let start = self.next.fetch_add(1, Ordering::Relaxed) % live;
        for k in 0..live {
            let slot = (start + k) % live;
            if let Some(permit) = self.slots[slot].limiter.try_acquire() {
                let token = self.token_of(slot, http, attempt_budget).await?;
                return Ok(Some(Lease {
                    slot,
                    token,
                    permit,
                }));
            }
        }
        Ok(None)
    }

    /// The slot's token (renewed when due); a renewed token starts a fresh budget.
    async fn token_of(
        &self,
        slot: usize,
        http: &reqwest::Client,
        attempt_budget: u32,
    ) -> Result<Token, ApiError> {
        let s = self.slot(slot);
        let (t, fresh) = s.auth.token(http, attempt_budget).await?;
        if fresh {
            tracing::debug!(slot, "new access token");
            s.limiter.reset_for_new_token();
        }
        Ok(t)
    }

    /// The first token (minted if none is held yet): checks the credentials.
    pub async fn first_token(
        &self,
        http: &reqwest::Client,
        attempt_budget: u32,
    ) -> Result<(), ApiError> {
        if self.live() == 0 {
            self.mint_first(http, attempt_budget).await
        } else {
            self.token_of(0, http, attempt_budget).await.map(|_| ())
        }
    }

    async fn mint_first(
        &self,
        http: &reqwest::Client,
        attempt_budget: u32,
    ) -> Result<(), ApiError> {
        let _one = self.minting.lock().await;
        if self.live() > 0 {
            return Ok(());
        }
        self.token_of(0, http, attempt_budget).await?;
        self.live.store(1, Ordering::Release);
        Ok(())
    }

    /// Whether another token may be minted now: a slot is free, minting is not paused, and
    /// every live token's budget is spent.
    fn may_mint(&self) -> bool {
        let live = self.live();
        live < self.slots.len()
            && self.mint_pause_left().is_none()
            && self.slots[..live].iter().all(|s| s.limiter.spent())
    }

    fn mint_pause_left(&self) -> Option<Duration> {
        let until = *self
            .mint_paused_until
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        until
            .map(|u| u.saturating_duration_since(Instant::now()))
            .filter(|d| !d.is_zero())
    }

    /// Mints the next token (one attempt; the live tokens carry the work meanwhile).
    /// Returns whether the pool grew.
    async fn mint_next(&self, http: &reqwest::Client) -> bool {
        let Ok(_one) = self.minting.try_lock() else {
            return false;
        };
        let slot = self.live();
        if slot >= self.slots.len() {
            return false;
        }
        match self.token_of(slot, http, 1).await {
            Ok(_) => {
                self.live.store(slot + 1, Ordering::Release);
                self.grown.notify_waiters();
                tracing::debug!(tokens = slot + 1, "token pool grew");
                true
            }
            Err(e) => {
                let wait = self.slots[slot]
                    .auth
                    .take_retry_after()
                    .unwrap_or(Duration::from_secs(5));
                tracing::debug!(
                    wait_s = wait.as_secs_f64(),
                    "cannot mint another token: {e}"
                );
                *self
                    .mint_paused_until
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = Some(Instant::now() + wait);
                false
            }
        }
    }
}
