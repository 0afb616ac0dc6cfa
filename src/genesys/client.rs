//! The HTTP core: [`Client`], its configuration, counters, and the one request loop every
//! endpoint goes through (token, pacing, retries, error mapping).

use super::error::{ApiError, ErrorKind};
use super::limiter::{RateInfo, rate_info};
use super::pool::{Lease, TokenPool};
use super::retry::{Attempt, Limits, Next, Retries};
use super::secret::Secret;
use crate::model::ApiStats;
use reqwest::Method;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

/// Everything [`Client::new`] needs. `Debug` never shows the secret.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// `https://api.DOMAIN` or the simulator's URL.
    pub api_base: Url,
    /// `https://login.DOMAIN` or the simulator's URL.
    pub login_base: Url,
    pub client_id: String,
    pub secret: Secret,
    /// Per-request timeout (default 30 s).
    pub timeout: Duration,
    /// Attempts for retryable failures other than 429 (default 5).
    pub max_attempts: u32,
    /// Attempts for reads that fail transiently (default 10): an org snapshot is hundreds of
    /// reads, and one that gives up aborts the whole pre-flight, so reads are patient.
    pub max_read_attempts: u32,
    /// Attempts when the answer is 429 (default 10).
    pub max_throttled_attempts: u32,
    /// First backoff step (default 500 ms), doubled per attempt, jittered.
    pub backoff_base: Duration,
    /// Longest backoff step (default 30 s).
    pub backoff_max: Duration,
    /// A `Retry-After` longer than this is not waited out (default 180 s, as the Go SDK).
    pub max_retry_after: Duration,
    /// Seed for the backoff jitter (default: from the clock).
    pub jitter_seed: Option<u64>,
    /// Access tokens of this client to spread the work over (1–50; the rate limit is per
    /// token). Default 1 here; the command line's default is [`super::pool::DEFAULT_TOKENS`].
    pub tokens: usize,
    /// A source org that is only read (clone's `--from`, `export`, `drift`): every request
    /// but a read (GET, and the POST searches) is refused before it is sent.
    pub read_only: bool,
}

impl ClientConfig {
    pub fn new(
        api_base: Url,
        login_base: Url,
        client_id: impl Into<String>,
        secret: Secret,
    ) -> Self {
        ClientConfig {
            api_base,
            login_base,
            client_id: client_id.into(),
            secret,
            timeout: Duration::from_secs(30),
            max_attempts: 5,
            max_read_attempts: 10,
            max_throttled_attempts: 10,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(180),
            jitter_seed: None,
            tokens: 1,
            read_only: false,
        }
    }
}

/// How a request may be repeated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Safety {
    /// Reads (GET, and POST searches): always retryable.
    Read,
    /// Writes whose repetition lands on the same state (PUT, PATCH, bulk member/grant adds).
    Idempotent,
    /// Writes that must not be repeated blindly (POST /users): an unanswered attempt is
    /// [`ErrorKind::OutcomeUnknown`].
    Unsafe,
}

/// One request, described without secrets.
#[derive(Debug, Clone)]
pub(crate) struct Req {
    pub method: Method,
    /// The path template, e.g. `/api/v2/users/{userId}` — used in errors and logs.
    pub template: &'static str,
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Vec<u8>>,
    pub safety: Safety,
}

impl Req {
    pub fn new(method: Method, template: &'static str, path: String) -> Self {
        let safety = match method {
            Method::GET | Method::HEAD => Safety::Read,
            Method::POST => Safety::Unsafe,
            _ => Safety::Idempotent,
        };
        Req {
            method,
            template,
            path,
            query: Vec::new(),
            body: None,
            safety,
        }
    }

    pub fn get(template: &'static str, path: String) -> Self {
        Req::new(Method::GET, template, path)
    }

    pub fn q(mut self, key: &'static str, value: impl ToString) -> Self {
        self.query.push((key, value.to_string()));
        self
    }

    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, ApiError> {
        let bytes = serde_json::to_vec(body).map_err(|e| {
            ApiError::new(
                ErrorKind::Decode,
                self.describe(),
                format!("cannot encode the body: {e}"),
            )
        })?;
        self.body = Some(bytes);
        Ok(self)
    }

    pub fn safety(mut self, s: Safety) -> Self {
        self.safety = s;
        self
    }

    pub fn describe(&self) -> String {
        format!("{} {}", self.method, self.template)
    }
}

/// A successful answer.
#[derive(Debug)]
pub(crate) struct Resp {
    pub status: u16,
    pub body: bytes::Bytes,
}

#[derive(Debug, Default)]
struct Counters {
    requests: AtomicU64,
    throttled: AtomicU64,
    retries: AtomicU64,
    bytes: AtomicU64,
}

struct Inner {
    http: reqwest::Client,
    cfg: ClientConfig,
    pool: TokenPool,
    counters: Counters,
    started: Instant,
    rng: std::sync::Mutex<u64>,
}

/// The Genesys Cloud client. Cheap to clone: clones share one token cache, one limiter and
/// one set of counters.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("api_base", &self.inner.cfg.api_base.as_str())
            .field("client_id", &self.inner.cfg.client_id)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Build a client. No request is made; see [`Client::verify`].
    pub fn new(cfg: ClientConfig) -> Result<Client, ApiError> {
        super::region::check_scheme(&cfg.api_base)?;
        super::region::check_scheme(&cfg.login_base)?;
        if cfg.client_id.trim().is_empty() {
            return Err(ApiError::config(
                "no OAuth client id: pass --client-id, set ONBOARD_CLIENT_ID, or use a --profile",
            ));
        }
        if cfg.secret.is_empty() {
            return Err(ApiError::config(
                "no OAuth client secret: run `onboard login`, or set ONBOARD_CLIENT_SECRET",
            ));
        }
        let http = reqwest::Client::builder()
            .user_agent(concat!("onboard/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10).min(cfg.timeout))
            .pool_idle_timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| ApiError::config(format!("cannot build the HTTP client: {e}")))?;
        let pool = TokenPool::new(&cfg.login_base, &cfg.client_id, &cfg.secret, cfg.tokens)?;
        let seed = cfg.jitter_seed.unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0x5eed, |d| d.as_nanos() as u64)
        });
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                cfg,
                pool,
                counters: Counters::default(),
                started: Instant::now(),
                rng: std::sync::Mutex::new(seed | 1),
            }),
        })
    }

    /// Get a token now (checks the credentials and the URL).
    pub async fn verify(&self) -> Result<(), ApiError> {
        self.inner
            .pool
            .first_token(&self.inner.http, self.inner.cfg.max_attempts)
            .await
    }

    /// Tokens minted so far, and the pool's size.
    pub fn tokens(&self) -> (usize, usize) {
        (self.inner.pool.live(), self.inner.pool.size())
    }

    pub fn api_base(&self) -> &Url {
        &self.inner.cfg.api_base
    }

    /// Whether every write is refused ([`ClientConfig::read_only`]).
    pub fn is_read_only(&self) -> bool {
        self.inner.cfg.read_only
    }

    /// The same org and credentials, opened read-only; a fresh client (its own tokens and
    /// counters), so the source's requests are counted apart.
    pub fn read_only(&self) -> Result<Client, ApiError> {
        let mut cfg = self.inner.cfg.clone();
        cfg.read_only = true;
        Client::new(cfg)
    }

    pub fn client_id(&self) -> &str {
        &self.inner.cfg.client_id
    }

    /// Live counters: requests sent (incl. retries and token requests are not counted),
    /// 429s, retries, bytes received, seconds since the client was made.
    pub fn stats(&self) -> ApiStats {
        let c = &self.inner.counters;
        ApiStats {
            requests: c.requests.load(Ordering::Relaxed),
            throttled: c.throttled.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            bytes: c.bytes.load(Ordering::Relaxed),
            elapsed_s: self.inner.started.elapsed().as_secs_f64(),
        }
    }

    /// The last `inin-ratelimit-*` values seen, summed over the live tokens (the budget of
    /// the whole pool per window).
    pub fn rate(&self) -> Option<RateInfo> {
        self.inner.pool.combined_rate()
    }

    fn jitter(&self, cap: Duration) -> Duration {
        let mut s = self.inner.rng.lock().unwrap_or_else(|p| p.into_inner());
        // splitmix64
        *s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *s;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let frac = (z >> 11) as f64 / (1u64 << 53) as f64;
        // "Equal jitter": half fixed, half random.
        cap / 2 + cap.mul_f64(frac / 2.0)
    }

    fn backoff(&self, attempt: u32) -> Duration {
        let cfg = &self.inner.cfg;
        let exp = cfg
            .backoff_base
            .saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
        self.jitter(exp.min(cfg.backoff_max))
    }

    /// Send `req` until it succeeds or fails for good. Every endpoint goes through here;
    /// [`Retries`] decides what each attempt leads to.
    pub(crate) async fn execute(&self, req: &Req) -> Result<Resp, ApiError> {
        let cfg = &self.inner.cfg;
        let c = &self.inner.counters;
        let what = req.describe();
        if cfg.read_only && req.safety != Safety::Read {
            return Err(ApiError::new(
                ErrorKind::Config,
                what,
                "refused: this org is opened read-only (a source org is never written)",
            ));
        }
        let url = request_url(&cfg.api_base, req)?;
        let budget = if req.safety == Safety::Read {
            cfg.max_read_attempts.max(cfg.max_attempts)
        } else {
            cfg.max_attempts
        };
        let limits = Limits {
            budget,
            max_throttled: cfg.max_throttled_attempts,
            max_retry_after: cfg.max_retry_after,
        };
        let mut retries = Retries::new(limits, req.safety);
        loop {
            if retries.begin_attempt() {
                c.retries.fetch_add(1, Ordering::Relaxed);
            }
            let attempts = retries.attempts;
            let lease = self
                .inner
                .pool
                .lease(&self.inner.http, cfg.max_attempts)
                .await
                .map_err(|mut e| {
                    e.attempts = e.attempts.max(attempts);
                    e
                })?;
            let (slot, generation) = (lease.slot, lease.token.generation);
            let attempt = self.send_once(req, &url, lease, &what, attempts).await;
            match retries.after(attempt, &what, cfg.api_base.as_str()) {
                Next::Done(result) => return result,
                Next::RenewToken => self.inner.pool.slot(slot).auth.invalidate(generation),
                Next::Throttled(wait) => {
                    self.inner.pool.slot(slot).limiter.block_for(wait);
                    tracing::debug!(request = %what, wait_s = wait.as_secs_f64(), "429, waiting Retry-After");
                }
                Next::Backoff => {
                    tracing::debug!(request = %what, attempt = attempts, "retrying after a transient failure");
                    tokio::time::sleep(self.backoff(retries.failures)).await;
                }
            }
        }
    }

    /// One attempt: send with the leased token, read the whole answer, feed the rate
    /// headers back to the token's limiter.
    async fn send_once(
        &self,
        req: &Req,
        url: &Url,
        lease: Lease<'_>,
        what: &str,
        attempt: u32,
    ) -> Attempt {
        let cfg = &self.inner.cfg;
        let c = &self.inner.counters;
        c.requests.fetch_add(1, Ordering::Relaxed);
        let mut rb = self
            .inner
            .http
            .request(req.method.clone(), url.clone())
            .bearer_auth(lease.token.value.expose())
            .header(reqwest::header::ACCEPT, "application/json")
            .timeout(cfg.timeout);
        if let Some(body) = &req.body {
            rb = rb
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone());
        }
        let resp = match rb.send().await {
            Ok(resp) => resp,
            Err(e) => {
                drop(lease.permit);
                return if e.is_connect() {
                    Attempt::NotConnected(transport_message(&e))
                } else {
                    Attempt::NoAnswer(no_answer_message(&e, cfg.timeout))
                };
            }
        };
        let status = resp.status().as_u16();
        let headers = resp.headers().clone();
        tracing::debug!(request = %what, status, attempt, "answer");
        lease.permit.observe(rate_info(&headers));
        let body = match resp.bytes().await {
            Ok(body) => body,
            Err(e) => return Attempt::NoAnswer(no_answer_message(&e, cfg.timeout)),
        };
        c.bytes.fetch_add(body.len() as u64, Ordering::Relaxed);
        if (200..300).contains(&status) {
            return Attempt::Answered(Resp { status, body });
        }
        if status == 429 {
            c.throttled.fetch_add(1, Ordering::Relaxed);
        }
        Attempt::Refused {
            status,
            retry_after: retry_after(&headers, &body),
            err: ApiError::from_response(status, &body, correlation_id(&headers), what, attempt),
        }
    }

    /// Send and decode a JSON answer.
    pub(crate) async fn call<T: DeserializeOwned>(&self, req: Req) -> Result<T, ApiError> {
        let resp = self.execute(&req).await?;
        decode(&req, &resp.body)
    }

    /// Send; ignore the answer body.
    pub(crate) async fn call_unit(&self, req: Req) -> Result<u16, ApiError> {
        Ok(self.execute(&req).await?.status)
    }
}

pub(crate) fn decode<T: DeserializeOwned>(req: &Req, body: &[u8]) -> Result<T, ApiError> {
    let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"null"
    } else {
        body
    };
    serde_json::from_slice(body).map_err(|e| {
        ApiError::new(
            ErrorKind::Decode,
            req.describe(),
            format!("the answer is not the expected JSON: {e}"),
        )
    })
}

/// `Retry-After` in seconds (header; else the `[N]` of the normalized 429 message; else 1 s).
pub(crate) fn retry_after(headers: &reqwest::header::HeaderMap, body: &[u8]) -> Duration {
    if let Some(v) = headers
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok())
    {
        return Duration::from_secs_f64(v.clamp(0.0, 86_400.0));
    }
    let text = String::from_utf8_lossy(body);
    if let Some(start) = text.find('[')
        && let Some(len) = text[start + 1..].find(']')
        && let Ok(n) = text[start + 1..start + 1 + len].trim().parse::<u64>()
    {
        return Duration::from_secs(n);
    }
    Duration::from_secs(1)
}

pub(crate) fn correlation_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get("inin-correlation-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// A transport error's innermost cause, without the URL (which may carry query values).
/// The request's URL: the API base, its path and its query.
fn request_url(api_base: &Url, req: &Req) -> Result<Url, ApiError> {
    let mut url = api_base
        .join(&req.path)
        .map_err(|e| ApiError::config(format!("bad request path {}: {e}", req.template)))?;
    if !req.query.is_empty() {
        let mut qp = url.query_pairs_mut();
        for (k, v) in &req.query {
            qp.append_pair(k, v);
        }
    }
    Ok(url)
}

/// Why a sent request has no (complete) answer.
fn no_answer_message(e: &reqwest::Error, timeout: Duration) -> String {
    if e.is_timeout() {
        format!("no answer within {} s", timeout.as_secs_f64())
    } else {
        format!("the connection dropped: {}", transport_message(e))
    }
}

pub(crate) fn transport_message(e: &reqwest::Error) -> String {
    let mut msg = if e.is_timeout() {
        "timed out".to_string()
    } else if e.is_connect() {
        "connection failed".to_string()
    } else {
        "request failed".to_string()
    };
    let mut src: Option<&dyn std::error::Error> = std::error::Error::source(e);
    let mut last = None;
    while let Some(s) = src {
        last = Some(s.to_string());
        src = s.source();
    }
    if let Some(l) = last {
        msg.push_str(": ");
        msg.push_str(&l);
    }
    msg
}

/// Percent-encode one path segment (ids, authority names, external keys).
pub(crate) fn seg(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
