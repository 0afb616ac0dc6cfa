//! OAuth client credentials (docs/genesys-api-notes.md §1.2–1.3): one cached token, renewed ahead of
//! expiry; concurrent callers share one renewal; a 401 invalidates exactly the token that
//! failed.

use super::error::{ApiError, ErrorKind};
use super::secret::Secret;
use base64::Engine;
use serde::Deserialize;
use std::sync::Mutex;
use std::time::Duration;
use tokio::time::Instant;
use url::Url;

pub(crate) const TOKEN_REQUEST: &str = "POST /oauth/token";

#[derive(Debug, Clone)]
pub(crate) struct Token {
    pub value: Secret,
    pub generation: u64,
    renew_at: Instant,
    expires_at: Instant,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    token_type: Option<String>,
    #[serde(default)]
    expires_in: Option<f64>,
}

/// The token cache.
pub(crate) struct Auth {
    token_url: Url,
    client_id: String,
    secret: Secret,
    current: Mutex<Option<Token>>,
    renewal: tokio::sync::Mutex<()>,
    generation: std::sync::atomic::AtomicU64,
    /// The `Retry-After` of the token endpoint's last 429 (it limits how fast a client may
    /// mint tokens), so a token pool knows how long to wait before minting another.
    last_retry_after: Mutex<Option<Duration>>,
}

impl std::fmt::Debug for Auth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Auth")
            .field("token_url", &self.token_url.as_str())
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// How long before expiry a token is renewed: 60 s (as the Go SDK), or a tenth of its life
/// for short-lived tokens.
fn renew_margin(lifetime: Duration) -> Duration {
    Duration::from_secs(60).min(lifetime / 10)
}

impl Auth {
    pub fn new(login_base: &Url, client_id: String, secret: Secret) -> Result<Self, ApiError> {
        let token_url = login_base
            .join("oauth/token")
            .map_err(|e| ApiError::config(format!("bad login URL {login_base}: {e}")))?;
        Ok(Auth {
            token_url,
            client_id,
            secret,
            current: Mutex::new(None),
            renewal: tokio::sync::Mutex::new(()),
            generation: std::sync::atomic::AtomicU64::new(0),
            last_retry_after: Mutex::new(None),
        })
    }

    /// The `Retry-After` of the last 429 from the token endpoint, taken (once).
    pub fn take_retry_after(&self) -> Option<Duration> {
        self.last_retry_after
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
    }

    fn cached(&self) -> Option<Token> {
        self.current
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// A valid token: the cached one, or a renewed one. Returns whether it is new.
    pub async fn token(
        &self,
        http: &reqwest::Client,
        attempt_budget: u32,
    ) -> Result<(Token, bool), ApiError> {
        let now = Instant::now();
        if let Some(t) = self.cached() {
            if now < t.renew_at {
                return Ok((t, false));
            }
            // Due for renewal but still valid: if someone is renewing, keep using it.
            if now < t.expires_at {
                match self.renewal.try_lock() {
                    Err(_) => return Ok((t, false)),
                    Ok(guard) => return self.renew(http, attempt_budget, guard).await,
                }
            }
        }
        let guard = self.renewal.lock().await;
        if let Some(t) = self.cached()
            && Instant::now() < t.renew_at
        {
            return Ok((t, false));
        }
        self.renew(http, attempt_budget, guard).await
    }

    /// Forget `generation`'s token (after a 401), unless it was already replaced.
    pub fn invalidate(&self, generation: u64) {
        let mut cur = self.current.lock().unwrap_or_else(|p| p.into_inner());
        if cur.as_ref().is_some_and(|t| t.generation == generation) {
            *cur = None;
        }
    }

    async fn renew(
        &self,
        http: &reqwest::Client,
        attempt_budget: u32,
        _guard: tokio::sync::MutexGuard<'_, ()>,
    ) -> Result<(Token, bool), ApiError> {
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            match self.fetch(http, attempt).await {
                Ok(t) => {
                    *self.current.lock().unwrap_or_else(|p| p.into_inner()) = Some(t.clone());
                    return Ok((t, true));
                }
                Err(e)
                    if attempt < attempt_budget
                        && matches!(
                            e.kind,
                            ErrorKind::Network | ErrorKind::Server | ErrorKind::RateLimited
                        ) =>
                {
                    let backoff = Duration::from_millis(250 * u64::from(attempt));
                    let told = self.take_retry_after().unwrap_or_default();
                    tokio::time::sleep(backoff.max(told)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }

    async fn fetch(&self, http: &reqwest::Client, attempt: u32) -> Result<Token, ApiError> {
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            self.client_id,
            self.secret.expose()
        ));
        let started = Instant::now();
        let resp = http
            .post(self.token_url.clone())
            .header(reqwest::header::AUTHORIZATION, format!("Basic {basic}"))
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body("grant_type=client_credentials")
            .send()
            .await
            .map_err(|e| {
                let mut err = ApiError::new(
                    ErrorKind::Network,
                    TOKEN_REQUEST,
                    format!(
                        "cannot reach the token endpoint {}: {}",
                        self.token_url,
                        super::client::transport_message(&e)
                    ),
                );
                err.attempts = attempt;
                err
            })?;
        let status = resp.status().as_u16();
        let correlation = super::client::correlation_id(resp.headers());
        let headers = resp.headers().clone();
        let body = resp.bytes().await.map_err(|e| {
            let mut err = ApiError::new(
                ErrorKind::Network,
                TOKEN_REQUEST,
                format!(
                    "token answer cut off: {}",
                    super::client::transport_message(&e)
                ),
            );
            err.attempts = attempt;
            err
        })?;
        if status == 429 {
            let wait = super::client::retry_after(&headers, &body);
            *self
                .last_retry_after
                .lock()
                .unwrap_or_else(|p| p.into_inner()) = Some(wait);
        }
        if !(200..300).contains(&status) {
            let mut err =
                ApiError::from_response(status, &body, correlation, TOKEN_REQUEST, attempt);
            if matches!(status, 400 | 401 | 403) {
                err.kind = ErrorKind::Unauthorized;
                err.message = format!(
                    "the login service refused client id '{}': {}",
                    crate::model::sanitize(&self.client_id),
                    err.message
                );
            }
            return Err(err);
        }
        let parsed: TokenResponse = serde_json::from_slice(&body).map_err(|e| {
            let mut err = ApiError::new(
                ErrorKind::Decode,
                TOKEN_REQUEST,
                format!("the token answer is not the expected JSON: {e}"),
            );
            err.attempts = attempt;
            err
        })?;
        if let Some(tt) = &parsed.token_type
            && !tt.eq_ignore_ascii_case("bearer")
        {
            return Err(ApiError::new(
                ErrorKind::Decode,
                TOKEN_REQUEST,
                format!("unexpected token type '{}'", crate::model::sanitize(tt)),
            ));
        }
        let lifetime =
            Duration::from_secs_f64(parsed.expires_in.unwrap_or(86_400.0).clamp(1.0, 1e7));
        let generation = self
            .generation
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            + 1;
        Ok(Token {
            value: Secret::new(parsed.access_token),
            generation,
            renew_at: started + lifetime - renew_margin(lifetime),
            expires_at: started + lifetime,
        })
    }
}
