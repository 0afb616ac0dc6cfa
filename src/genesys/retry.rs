//! The client's retry policy as a plain state machine: what one attempt came to in, what to
//! do next out. [`super::client::Client::execute`] performs it; the tests here drive it
//! without a network.

use super::client::{Resp, Safety};
use super::error::{ApiError, ErrorKind};
use std::time::Duration;

/// What one attempt of a request came to.
#[derive(Debug)]
pub(crate) enum Attempt {
    /// A 2xx answer.
    Answered(Resp),
    /// A non-2xx answer; `retry_after` is the wait a 429 asks for.
    Refused {
        status: u16,
        err: ApiError,
        retry_after: Duration,
    },
    /// The connection failed before the request left: nothing reached the server.
    NotConnected(String),
    /// The request was sent and no (complete) answer came: timeout or dropped connection.
    NoAnswer(String),
}

/// What [`Retries::after`] decides.
#[derive(Debug)]
pub(crate) enum Next {
    /// The request is over, with this result.
    Done(Result<Resp, ApiError>),
    /// The token was refused: renew it and repeat at once.
    RenewToken,
    /// Throttled: hold the token's requests this long, then repeat.
    Throttled(Duration),
    /// A transient failure: wait the backoff for [`Retries::failures`], then repeat.
    Backoff,
}

/// The limits a request is retried within.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Attempts for transient failures (5xx, 408, network).
    pub budget: u32,
    /// Attempts answered 429.
    pub max_throttled: u32,
    /// A `Retry-After` longer than this is not waited out.
    pub max_retry_after: Duration,
}

/// One request's retry bookkeeping.
#[derive(Debug)]
pub(crate) struct Retries {
    limits: Limits,
    safety: Safety,
    /// Attempts made so far, the current one included.
    pub attempts: u32,
    /// Transient failures so far (they set the backoff).
    pub failures: u32,
    throttles: u32,
    renewed: bool,
}

impl Retries {
    pub fn new(limits: Limits, safety: Safety) -> Retries {
        Retries {
            limits,
            safety,
            attempts: 0,
            failures: 0,
            throttles: 0,
            renewed: false,
        }
    }

    /// Count the next attempt; true when it is a repeat.
    pub fn begin_attempt(&mut self) -> bool {
        self.attempts += 1;
        self.attempts > 1
    }

    /// Decide what follows `attempt`. `what` names the request in errors; `api_base` is
    /// where a failed connection was going.
    pub fn after(&mut self, attempt: Attempt, what: &str, api_base: &str) -> Next {
        match attempt {
            Attempt::Answered(resp) => Next::Done(Ok(resp)),
            Attempt::Refused {
                status,
                err,
                retry_after,
            } => self.after_refusal(status, err, retry_after),
            Attempt::NotConnected(msg) => {
                // Nothing reached the server: any request, even a create, may be repeated.
                let msg = format!("cannot connect to {api_base}: {msg}");
                self.transient(ApiError::new(ErrorKind::Network, what, msg))
            }
            Attempt::NoAnswer(msg) => {
                if self.safety == Safety::Unsafe {
                    // A create may have happened: the caller resolves it, never a blind repeat.
                    return self.fail(ApiError::new(ErrorKind::OutcomeUnknown, what, msg));
                }
                self.transient(ApiError::new(ErrorKind::Network, what, msg))
            }
        }
    }

    fn after_refusal(&mut self, status: u16, err: ApiError, retry_after: Duration) -> Next {
        match status {
            401 if !self.renewed => {
                self.renewed = true;
                Next::RenewToken
            }
            429 => {
                self.throttles += 1;
                if self.throttles >= self.limits.max_throttled
                    || retry_after > self.limits.max_retry_after
                {
                    return self.fail(err);
                }
                Next::Throttled(retry_after)
            }
            // 501 is "not implemented": repeating it cannot help.
            500 | 502..=599 | 408 => {
                if self.safety == Safety::Unsafe {
                    let mut err = err;
                    err.kind = ErrorKind::OutcomeUnknown;
                    return self.fail(err);
                }
                self.transient(err)
            }
            _ => self.fail(err),
        }
    }

    /// A failure worth repeating, until the budget is spent.
    fn transient(&mut self, err: ApiError) -> Next {
        self.failures += 1;
        if self.failures >= self.limits.budget {
            return self.fail(err);
        }
        Next::Backoff
    }

    fn fail(&self, mut err: ApiError) -> Next {
        err.attempts = err.attempts.max(self.attempts);
        Next::Done(Err(err))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: Limits = Limits {
        budget: 3,
        max_throttled: 2,
        max_retry_after: Duration::from_secs(180),
    };

    fn refused(status: u16, retry_after_s: u64) -> Attempt {
        Attempt::Refused {
            status,
            err: ApiError::new(ErrorKind::Server, "GET /x", format!("status {status}")),
            retry_after: Duration::from_secs(retry_after_s),
        }
    }

    fn run(safety: Safety, attempts: Vec<Attempt>) -> (Vec<String>, Retries) {
        let mut r = Retries::new(LIMITS, safety);
        let mut seen = Vec::new();
        for a in attempts {
            r.begin_attempt();
            let next = r.after(a, "GET /x", "http://api");
            seen.push(match next {
                Next::Done(Ok(_)) => "ok".to_string(),
                Next::Done(Err(e)) => format!("err {:?} after {}", e.kind, e.attempts),
                Next::RenewToken => "renew".to_string(),
                Next::Throttled(d) => format!("wait {}", d.as_secs()),
                Next::Backoff => format!("backoff {}", r.failures),
            });
        }
        (seen, r)
    }

    fn ok() -> Attempt {
        Attempt::Answered(Resp {
            status: 200,
            body: bytes::Bytes::new(),
        })
    }

    #[test]
    fn a_read_is_repeated_until_the_budget_is_spent() {
        let (seen, _) = run(
            Safety::Read,
            vec![refused(503, 0), refused(502, 0), refused(500, 0)],
        );
        assert_eq!(seen, ["backoff 1", "backoff 2", "err Server after 3"]);
    }

    #[test]
    fn a_create_answered_5xx_is_outcome_unknown_at_once() {
        let (seen, _) = run(Safety::Unsafe, vec![refused(503, 0)]);
        assert_eq!(seen, ["err OutcomeUnknown after 1"]);
    }

    #[test]
    fn a_create_without_answer_is_outcome_unknown_but_an_unsent_one_is_repeated() {
        let (seen, _) = run(
            Safety::Unsafe,
            vec![
                Attempt::NotConnected("refused".into()),
                Attempt::NoAnswer("timeout".into()),
            ],
        );
        assert_eq!(seen, ["backoff 1", "err OutcomeUnknown after 2"]);
    }

    #[test]
    fn a_refused_token_is_renewed_once() {
        let (seen, _) = run(Safety::Read, vec![refused(401, 0), refused(401, 0)]);
        assert_eq!(seen, ["renew", "err Server after 2"]);
    }

    #[test]
    fn throttling_waits_retry_after_within_its_own_limit_and_not_too_long() {
        let (seen, r) = run(Safety::Read, vec![refused(429, 7), refused(429, 7)]);
        assert_eq!(seen, ["wait 7", "err Server after 2"]);
        assert_eq!(r.failures, 0, "429s do not spend the transient budget");
        let (seen, _) = run(Safety::Read, vec![refused(429, 181)]);
        assert_eq!(seen, ["err Server after 1"]);
    }

    #[test]
    fn not_implemented_and_client_errors_are_final_and_success_ends_it() {
        let (seen, _) = run(Safety::Idempotent, vec![refused(501, 0)]);
        assert_eq!(seen, ["err Server after 1"]);
        let (seen, _) = run(Safety::Idempotent, vec![refused(400, 0)]);
        assert_eq!(seen, ["err Server after 1"]);
        let (seen, r) = run(Safety::Idempotent, vec![refused(503, 0), ok()]);
        assert_eq!(seen, ["backoff 1", "ok"]);
        assert_eq!(r.attempts, 2);
    }
}
