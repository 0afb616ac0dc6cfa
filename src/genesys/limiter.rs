//! Pacing by the `inin-ratelimit-*` headers (docs/genesys-api-notes.md §7.2, §10).
//!
//! The API counts requests per token in a fixed window and reports, on each response,
//! `inin-ratelimit-allowed` (the budget), `inin-ratelimit-count` (used so far in the window)
//! and `inin-ratelimit-reset` (seconds until the window resets). The limiter keeps its own
//! count of requests sent in the current window (raised to the server's count when that is
//! higher), lets requests go while the budget lasts, and otherwise waits for the window end.
//! `now + reset` is taken as an upper bound of the window end (Genesys's own example shows
//! `reset 61` on the first request of a 60 s window) and tightened with every response, so a
//! long run uses nearly the whole budget without crossing it. A 429 blocks every request of
//! the token for exactly its `Retry-After`. Before the first header arrives only one request
//! is in flight (a probe); responses without headers switch pacing off (429s still block).

use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The last `inin-ratelimit-*` values seen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateInfo {
    pub allowed: u32,
    pub count: u32,
    pub reset_s: u32,
}

#[derive(Debug, Default)]
struct State {
    allowed: Option<u32>,
    /// Requests sent in the current window (ours, raised to the server's count).
    used: u32,
    /// Upper-bound estimate of the current window's end; None = not known yet.
    window_end: Option<Instant>,
    /// Counts windows (and tokens); an answer to a request sent in an earlier window says
    /// nothing about the current one.
    epoch: u64,
    blocked_until: Option<Instant>,
    in_flight: u32,
    headers_seen: bool,
    /// A response came without rate headers before any with them: do not pace.
    no_headers: bool,
    last: Option<RateInfo>,
}

/// One limiter per token (the client resets it when the token changes).
#[derive(Debug, Default)]
pub struct Limiter {
    state: Mutex<State>,
    notify: Notify,
}

/// What [`Limiter::gate`] decided.
enum Gate<'a> {
    Go(Permit<'a>),
    /// Nothing may go before this time.
    Until(Instant),
    /// Wait for an answer in flight (or poll briefly).
    Answer,
}

/// Held while a request is in flight.
#[derive(Debug)]
pub struct Permit<'a> {
    limiter: &'a Limiter,
    done: bool,
    epoch: u64,
}

impl Permit<'_> {
    /// Feed the response's rate headers (if any) back.
    pub fn observe(mut self, info: Option<RateInfo>) {
        self.done = true;
        self.limiter.observe(self.epoch, info);
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.limiter.finish_without_answer();
        }
    }
}

/// An answer whose window ends this much later than the current estimate shows that the
/// server already started the next window.
const AHEAD_MARGIN: Duration = Duration::from_millis(900);

impl Limiter {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A poisoned lock only means another task panicked mid-update; the counters are
        // still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait until a request may be sent.
    pub async fn acquire(&self) -> Permit<'_> {
        loop {
            // Registered before the state is read, so no wake-up between the two is lost.
            let notified = self.notify.notified();
            match self.gate() {
                Gate::Go(p) => return p,
                Gate::Until(t) => tokio::time::sleep_until(t).await,
                Gate::Answer => {
                    let _ = tokio::time::timeout(Duration::from_millis(100), notified).await;
                }
            }
        }
    }

    /// A permit now, if the budget allows one (a token pool picks the token that has budget).
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        match self.gate() {
            Gate::Go(p) => Some(p),
            _ => None,
        }
    }

    /// Whether this token's budget is spent until a known time (the window's end or a
    /// 429's `Retry-After`): only then is another token worth minting. A token still
    /// probing for its limit is not spent.
    pub fn spent(&self) -> bool {
        let s = self.lock();
        let now = Instant::now();
        if s.blocked_until.is_some_and(|b| b > now) {
            return true;
        }
        match (s.allowed, s.window_end) {
            (Some(a), Some(end)) => end > now && s.used >= a,
            _ => false,
        }
    }

    /// Decides whether a request may go now, and takes the permit if so.
    fn gate(&self) -> Gate<'_> {
        let mut s = self.lock();
        let now = Instant::now();
        if let Some(b) = s.blocked_until.filter(|b| *b > now) {
            return Gate::Until(b);
        }
        s.blocked_until = None;
        if let Some(end) = s.window_end
            && end <= now
        {
            s.epoch += 1;
            s.window_end = None;
            s.used = 0;
        }
        let go = match s.allowed {
            None => s.no_headers || s.in_flight == 0,
            // Budget spent but nothing in flight and the window end unknown: nothing would
            // ever tell us more, so send one probe.
            Some(a) => s.used < a || (s.window_end.is_none() && s.in_flight == 0),
        };
        if go {
            s.used += 1;
            s.in_flight += 1;
            return Gate::Go(Permit {
                limiter: self,
                done: false,
                epoch: s.epoch,
            });
        }
        match (s.allowed, s.window_end) {
            (Some(_), Some(end)) => Gate::Until(end),
            // Budget spent and the end unknown, or a probe in flight: wait for an answer.
            _ => Gate::Answer,
        }
    }

    fn finish_without_answer(&self) {
        let mut s = self.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        drop(s);
        self.notify.notify_waiters();
    }

    fn observe(&self, epoch: u64, info: Option<RateInfo>) {
        let mut s = self.lock();
        s.in_flight = s.in_flight.saturating_sub(1);
        let now = Instant::now();
        match info {
            None => {
                if !s.headers_seen {
                    s.no_headers = true;
                }
            }
            Some(info) => {
                s.headers_seen = true;
                s.no_headers = false;
                s.last = Some(info);
                if info.allowed > 0 {
                    s.allowed = Some(info.allowed);
                }
                if epoch == s.epoch {
                    let end = now + Duration::from_secs(u64::from(info.reset_s));
                    match s.window_end {
                        None => {
                            s.window_end = Some(end);
                            s.used = s.used.max(info.count);
                        }
                        Some(cur) if end > cur + AHEAD_MARGIN => {
                            // The server is already in the next window.
                            s.epoch += 1;
                            s.window_end = Some(end);
                            s.used = info.count + s.in_flight;
                        }
                        Some(cur) => {
                            s.window_end = Some(cur.min(end));
                            s.used = s.used.max(info.count);
                        }
                    }
                }
            }
        }
        drop(s);
        self.notify.notify_waiters();
    }

    /// A 429: nobody sends for `retry_after`; the window ends then.
    pub fn block_for(&self, retry_after: Duration) {
        let mut s = self.lock();
        let until = Instant::now() + retry_after;
        s.blocked_until = Some(s.blocked_until.map_or(until, |b| b.max(until)));
        if let Some(a) = s.allowed {
            s.used = s.used.max(a);
        }
        if !retry_after.is_zero() {
            s.window_end = Some(until);
        }
    }

    /// A new token has its own window.
    pub fn reset_for_new_token(&self) {
        let mut s = self.lock();
        s.used = 0;
        s.window_end = None;
        s.epoch += 1;
        drop(s);
        self.notify.notify_waiters();
    }

    pub fn last(&self) -> Option<RateInfo> {
        self.lock().last
    }
}

/// Read `inin-ratelimit-*` from response headers.
pub fn rate_info(headers: &reqwest::header::HeaderMap) -> Option<RateInfo> {
    let num = |name: &str| -> Option<u32> {
        let v = headers.get(name)?.to_str().ok()?.trim();
        v.parse::<u32>()
            .ok()
            .or_else(|| v.parse::<f64>().ok().map(|f| f.ceil().max(0.0) as u32))
    };
    Some(RateInfo {
        allowed: num("inin-ratelimit-allowed")?,
        count: num("inin-ratelimit-count")?,
        reset_s: num("inin-ratelimit-reset").unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Real time (the crate does not enable tokio's test-util): lower bounds only.
    #[tokio::test]
    async fn budget_then_wait_for_window_end() {
        let l = Limiter::new();
        let p = l.acquire().await;
        p.observe(Some(RateInfo {
            allowed: 3,
            count: 1,
            reset_s: 1,
        }));
        let start = Instant::now();
        for _ in 0..2 {
            let p = l.acquire().await;
            p.observe(Some(RateInfo {
                allowed: 3,
                count: 2,
                reset_s: 1,
            }));
        }
        let before_wait = Instant::now();
        let p = l.acquire().await;
        assert!(
            Instant::now() >= start + Duration::from_millis(900),
            "waited for the window end"
        );
        assert!(
            before_wait < start + Duration::from_millis(900),
            "budget left: no wait"
        );
        drop(p);
    }

    #[tokio::test]
    async fn a_429_blocks_everyone_for_retry_after() {
        let l = Limiter::new();
        l.acquire().await.observe(None);
        l.block_for(Duration::from_secs(1));
        let start = Instant::now();
        drop(l.acquire().await);
        assert!(Instant::now() - start >= Duration::from_millis(990));
    }
}
