//! The router and the middleware every request passes: correlation id, OAuth bearer check,
//! per-token fixed-window rate limit, injected faults, error-body rendering, statistics.

use super::error::ApiError;
use super::state::Token;
use super::stats::MissedIds;
use super::{Shared, lock, routes, unix_now};
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use base64::Engine;
use serde_json::json;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub type AppState = Arc<Shared>;

/// The matched path template, carried from the route layer to the outer middleware.
#[derive(Clone)]
struct RouteTemplate(MatchedPath);

pub fn router(shared: AppState) -> Router {
    let api = routes::api_routes()
        .route("/oauth/token", post(oauth_token))
        .route_layer(middleware::from_fn_with_state(
            shared.clone(),
            route_middleware,
        ));
    Router::new()
        .merge(api)
        .route("/__sim/stats", get(sim_stats))
        .fallback(fallback)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            shared.clone(),
            outer_middleware,
        ))
        .with_state(shared)
}

async fn fallback() -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not.found",
        "The requested resource was not found.",
    )
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method.not.allowed",
        "The HTTP method is not allowed on this resource.",
    )
}

async fn sim_stats(
    State(s): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if !peer.ip().is_loopback() {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "not.authorized",
            "/__sim/stats answers loopback clients only",
        )
        .into_response();
    }
    axum::Json(s.stats()).into_response()
}

/// The bearer token of an authenticated request.
#[derive(Clone)]
pub struct Caller {
    pub client_id: String,
}

/// Rate-limit figures for the response headers: (count, allowed, reset seconds).
#[derive(Clone, Copy)]
struct RateHeaders(u32, u32, u64);

/// Marks a write that must be answered with a dropped connection.
#[derive(Clone, Copy)]
struct DropConnection;

fn is_write(m: &Method) -> bool {
    matches!(
        *m,
        Method::POST | Method::PUT | Method::PATCH | Method::DELETE
    )
}

/// POSTs that only read (searches, bulk reads): they change nothing, so no
/// `drop_after_commit` for them.
fn is_read_post(template: Option<&str>) -> bool {
    matches!(
        template,
        Some("/api/v2/users/search" | "/api/v2/license/users" | "/api/v2/license/infer")
    )
}

/// Per matched route: authentication, rate limit, faults; remembers the path template.
async fn route_middleware(State(s): State<AppState>, req: Request, next: Next) -> Response {
    let template = req.extensions().get::<MatchedPath>().cloned();
    if let Some(mut open) = gate_for(&s, req.uri().path()) {
        // Closed sender: the gate is gone, so it is open.
        let _ = open.wait_for(|o| *o).await;
    }
    let (mut resp, rate) = if req.uri().path().starts_with("/api/") {
        api_request(&s, req, template.as_ref(), next).await
    } else {
        (next.run(req).await, None)
    };
    if let Some(t) = template {
        resp.extensions_mut().insert(RouteTemplate(t));
    }
    if let Some(r) = rate {
        resp.extensions_mut().insert(r);
    }
    resp
}

/// The gate of a test holding requests to `path` (see `SimHandle::hold`), if one does.
fn gate_for(s: &Shared, path: &str) -> Option<tokio::sync::watch::Receiver<bool>> {
    lock(&s.hold)
        .as_ref()
        .filter(|(prefix, _)| path.starts_with(prefix.as_str()))
        .map(|(_, open)| open.clone())
}

/// An API request: the token, its rate window, then the faults, then the handler. Returns
/// the answer and the rate headers it carries.
async fn api_request(
    s: &Shared,
    mut req: Request,
    template: Option<&MatchedPath>,
    next: Next,
) -> (Response, Option<RateHeaders>) {
    let token = match bearer(req.headers()) {
        Ok(t) => t,
        Err(e) => return (e.into_response(), None),
    };
    let (caller, rate) = match admit(s, token) {
        Ok(admitted) => admitted,
        Err(e) => return (e.into_response(), None),
    };
    if let Some(RateHeaders(count, max, reset)) = rate
        && count > max
    {
        return (too_many_requests(reset), rate);
    }
    req.extensions_mut().insert(caller);
    let write = is_write(req.method()) && !is_read_post(template.map(|t| t.as_str()));
    let decision = lock(&s.faults).decide(write);
    if let Some(d) = decision.latency {
        tokio::time::sleep(d).await;
    }
    if let Some(failure) = injected_failure(&decision).await {
        return (failure, rate);
    }
    if let Some(max) = lock(&s.faults).spec.entity_too_large
        && req.method() == Method::GET
        && page_size(req.uri()).is_some_and(|n| n > u64::from(max))
    {
        let e = ApiError::new(
            StatusCode::BAD_REQUEST,
            "response.entity.too.large",
            "The response is too large; request a smaller pageSize or fewer expansions.",
        );
        return (e.into_response(), rate);
    }
    if decision.expand_drop {
        drop_expand(&mut req);
    }
    let mut r = next.run(req).await;
    if decision.drop_after_commit && r.status().is_success() {
        r.extensions_mut().insert(DropConnection);
    }
    (r, rate)
}

/// The caller a live token stands for, and this request's place in the token's rate
/// window (None when the simulator has no rate limit).
fn admit(s: &Shared, token: &str) -> Result<(Caller, Option<RateHeaders>), ApiError> {
    let limit = *lock(&s.rate_limit);
    let now = unix_now();
    let mut org = lock(&s.org);
    let t = match org.tokens.get_mut(&super::state::token_key(token)) {
        Some(t) if t.expires_at > now => t,
        _ => return Err(bad_credentials()),
    };
    let caller = Caller {
        client_id: t.client_id.clone(),
    };
    let Some(l) = limit else {
        return Ok((caller, None));
    };
    if t.window_start.elapsed() >= l.window {
        t.window_start = Instant::now();
        t.count = 0;
    }
    t.count = t.count.saturating_add(1);
    let left = l.window.saturating_sub(t.window_start.elapsed());
    let reset = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    Ok((caller, Some(RateHeaders(t.count, l.max, reset.max(1)))))
}

/// The real API's 429, with `Retry-After`.
fn too_many_requests(reset: u64) -> Response {
    let e = ApiError::new(
        StatusCode::TOO_MANY_REQUESTS,
        "too.many.requests.retry.after",
        format!("Rate limit exceeded the maximum. Retry the request in [{reset}] seconds"),
    );
    let mut r = e.into_response();
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(reset));
    r
}

/// The timeout or server error the fault decision injects, if any.
async fn injected_failure(decision: &super::faults::Decision) -> Option<Response> {
    if decision.timeout {
        tokio::time::sleep(Duration::from_secs(60)).await;
        let e = ApiError::new(
            StatusCode::GATEWAY_TIMEOUT,
            "request.timeout",
            "The request timed out.",
        );
        return Some(e.into_response());
    }
    let (st, code, msg) = match decision.error_status? {
        502 => (
            StatusCode::BAD_GATEWAY,
            "bad.gateway",
            "The server received an invalid response from an upstream server.",
        ),
        503 => (
            StatusCode::SERVICE_UNAVAILABLE,
            "service.unavailable",
            "Service is currently unavailable.",
        ),
        _ => (
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal.server.error",
            "The server encountered an unexpected condition.",
        ),
    };
    Some(ApiError::new(st, code, msg).into_response())
}

/// The `pageSize` a request asks for.
fn page_size(uri: &axum::http::Uri) -> Option<u64> {
    url::form_urlencoded::parse(uri.query()?.as_bytes())
        .find(|(k, _)| k == "pageSize")
        .and_then(|(_, v)| v.parse().ok())
}

/// The `expand_drop` fault: the handler never sees the `expand` it was asked for, so the
/// answer leaves those parts out (the real API does so when it cannot compute them).
fn drop_expand(req: &mut Request) {
    let Some(q) = req.uri().query() else { return };
    let kept: Vec<(String, String)> = url::form_urlencoded::parse(q.as_bytes())
        .filter(|(k, _)| k != "expand")
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let query = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish();
    let path = req.uri().path();
    let pq = if query.is_empty() {
        path.to_string()
    } else {
        format!("{path}?{query}")
    };
    let mut parts = req.uri().clone().into_parts();
    if let Ok(p) = pq.parse() {
        parts.path_and_query = Some(p);
        if let Ok(u) = axum::http::Uri::from_parts(parts) {
            *req.uri_mut() = u;
        }
    }
}

/// Every request: correlation id, error bodies, rate-limit headers, `--state` flush, stats.
async fn outer_middleware(State(s): State<AppState>, req: Request, next: Next) -> Response {
    if req.uri().path().starts_with("/__sim/") {
        return next.run(req).await;
    }
    let context_id = uuid::Uuid::new_v4().to_string();
    let method = req.method().clone();
    let mut resp = next.run(req).await;

    if is_write(&method)
        && let Some(p) = &s.persist
    {
        p.flushed().await;
    }
    let foreign_id = is_write(&method) && carries_unknown_id(&s, &resp);
    if let Some(err) = resp.extensions_mut().remove::<ApiError>() {
        let body = serde_json::to_vec(&err.body(&context_id)).unwrap_or_default();
        *resp.body_mut() = Body::from(body);
        resp.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        resp.headers_mut().remove(header::CONTENT_LENGTH);
    }
    let rate = resp.extensions().get::<RateHeaders>().copied();
    let drop_after = resp.extensions().get::<DropConnection>().is_some();
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&context_id) {
        h.insert("inin-correlation-id", v);
    }
    if let Some(RateHeaders(count, max, reset)) = rate {
        h.insert("inin-ratelimit-count", HeaderValue::from(count.min(max)));
        h.insert("inin-ratelimit-allowed", HeaderValue::from(max));
        h.insert("inin-ratelimit-reset", HeaderValue::from(reset));
    }
    let status = resp.status().as_u16();
    let route = match resp.extensions().get::<RouteTemplate>() {
        Some(RouteTemplate(mp)) => format!("{} {}", method, mp.as_str()),
        None => format!("{method} (unmatched)"),
    };
    {
        let mut c = lock(&s.counters);
        c.record(if drop_after { 0 } else { status }, &route);
        if foreign_id {
            c.record_unknown_id(&route);
        }
    }
    if drop_after {
        return dropped_connection();
    }
    resp
}

/// Whether a write's answer rejects an id this org does not know: an error naming an object
/// id (`ApiError::id_ref`), or a 2xx listing ids it could not find ([`MissedIds`]). The one
/// place `writes_with_unknown_ids` is decided; handlers only say which id they refused.
fn carries_unknown_id(s: &Shared, resp: &Response) -> bool {
    let ids: Vec<&str> = match (
        resp.extensions().get::<ApiError>(),
        resp.extensions().get::<MissedIds>(),
    ) {
        (Some(e), _) if e.id_ref => e.entity_id.as_deref().into_iter().collect(),
        (_, Some(MissedIds(m))) => m.iter().map(String::as_str).collect(),
        _ => Vec::new(),
    };
    !ids.is_empty() && s.read(|org| ids.iter().any(|id| !org.knows_id(id)))
}

/// A response whose body fails at once: hyper aborts the connection, so the client sees
/// the connection drop without a complete response (docs/contract.md §5 `drop_after_commit`).
fn dropped_connection() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::other("drop_after_commit"))
    });
    Response::new(Body::from_stream(stream))
}

fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let missing = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "authentication.required",
            "No authentication bearer token specified in authorization header.",
        )
    };
    let v = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .ok_or_else(missing)?;
    let (scheme, token) = v.split_once(' ').ok_or_else(missing)?;
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Err(missing());
    }
    Ok(token.trim())
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad.credentials",
        "Invalid login credentials.",
    )
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        axum::Json(
            json!({"error": error, "description": description, "error_description": description}),
        ),
    )
        .into_response()
}

/// `POST /oauth/token` — client credentials grant with HTTP Basic auth.
async fn oauth_token(State(s): State<AppState>, headers: HeaderMap, body: Bytes) -> Response {
    let creds = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("basic"))
        .and_then(|(_, b64)| {
            base64::engine::general_purpose::STANDARD
                .decode(b64.trim())
                .ok()
        })
        .and_then(|raw| String::from_utf8(raw).ok());
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let grant = form
        .iter()
        .find(|(k, _)| k == "grant_type")
        .map(|(_, v)| v.as_str());
    // Credentials may also come in the form body.
    let (id, secret) = match creds.as_deref().and_then(|c| c.split_once(':')) {
        Some((a, b)) => (a.to_string(), b.to_string()),
        None => {
            let f = |k: &str| form.iter().find(|(x, _)| x == k).map(|(_, v)| v.clone());
            match (f("client_id"), f("client_secret")) {
                (Some(a), Some(b)) => (a, b),
                _ => {
                    return oauth_error(
                        StatusCode::UNAUTHORIZED,
                        "invalid_client",
                        "client credentials are missing: send HTTP Basic auth",
                    );
                }
            }
        }
    };
    match grant {
        Some("client_credentials") => {}
        Some(_) => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "only grant_type=client_credentials is supported",
            );
        }
        None => {
            return oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is required",
            );
        }
    }
    let known = lock(&s.org)
        .clients
        .iter()
        .any(|c| c.client_id == id && c.client_secret == secret);
    if known && let Err(wait) = lock(&s.token_rate).admit(&id) {
        // The OAuth service's own limit on minting tokens (a token pool filling too fast).
        let e = ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too.many.requests.retry.after",
            format!("Rate limit exceeded the maximum. Retry the request in [{wait}] seconds"),
        );
        let mut r = e.into_response();
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(wait));
        return r;
    }
    let ttl_override = lock(&s.faults).spec.token_ttl;
    let issued = s.write(|org| {
        let Some(client) = org
            .clients
            .iter()
            .find(|c| c.client_id == id && c.client_secret == secret)
        else {
            return Err(());
        };
        let ttl = ttl_override.unwrap_or(client.token_ttl_seconds);
        let token = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let client_id = client.client_id.clone();
        let now = unix_now();
        org.tokens.retain(|_, t| t.expires_at > now);
        org.tokens.insert(
            super::state::token_key(&token),
            Token {
                client_id,
                expires_at: now + ttl,
                window_start: Instant::now(),
                count: 0,
            },
        );
        Ok((token, ttl))
    });
    match issued {
        Ok((token, ttl)) => axum::Json(json!({
            "access_token": token,
            "token_type": "bearer",
            "expires_in": ttl,
        }))
        .into_response(),
        Err(()) => oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "client not found or bad client secret",
        ),
    }
}
