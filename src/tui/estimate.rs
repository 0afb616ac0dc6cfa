//! Time helpers for the Plan and Run screens (the request estimate itself is the engine's:
//! `engine::Estimator`, always equal to `engine::estimate_requests`, so the Plan screen and
//! `apply` agree).

/// The org's request limit as Genesys sets it: a budget of requests per window (a minute)
/// for each token, and the client's pool of tokens. The one rate model of the Plan, the
/// confirmation and the Run screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AllowedRate {
    /// Requests each token may send per window.
    pub per_window: f64,
    /// The window, in seconds.
    pub window_s: f64,
    /// Tokens in the client's pool (each has its own budget).
    pub tokens: usize,
}

impl AllowedRate {
    /// The Genesys default (300 per minute per token) for one token: assumed when the org's
    /// limit is unknown.
    pub const DEFAULT: AllowedRate = AllowedRate {
        per_window: 300.0,
        window_s: 60.0,
        tokens: 1,
    };

    /// A limit known only as requests per second over the whole pool (one window of 60 s).
    pub fn from_pool_per_s(per_s: f64, tokens: usize) -> AllowedRate {
        let tokens = tokens.max(1);
        AllowedRate {
            per_window: per_s * 60.0 / tokens as f64,
            window_s: 60.0,
            tokens,
        }
    }

    /// The average the limit allows, over the whole pool, per second.
    pub fn per_s(&self) -> f64 {
        if self.window_s <= 0.0 {
            return 0.0;
        }
        self.per_window * self.tokens as f64 / self.window_s
    }

    /// The one wording: `allowed 300 per 60 s per token × 2 tokens = 10.0/s` (with one
    /// token, `allowed 300 per 60 s × 1 token = 5.0/s`, short enough for 80 columns).
    pub fn words(&self) -> String {
        let (per, tokens) = if self.tokens == 1 {
            ("", "1 token".to_string())
        } else {
            (" per token", format!("{} tokens", self.tokens))
        };
        format!(
            "allowed {:.0} per {:.0} s{per} × {tokens} = {:.1}/s",
            self.per_window,
            self.window_s,
            self.per_s()
        )
    }
}

/// Seconds to send `requests` at `per_s` (None when the rate is unknown or zero).
pub fn eta_seconds(requests: u64, per_s: Option<f64>) -> Option<f64> {
    per_s.filter(|r| *r > 0.0).map(|r| requests as f64 / r)
}

pub use crate::report::human_duration;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(human_duration(45.2), "45s");
        assert_eq!(human_duration(200.0), "3m 20s");
        assert_eq!(human_duration(3720.0), "1h 02m");
        assert_eq!(eta_seconds(300, Some(5.0)), Some(60.0));
        assert_eq!(eta_seconds(300, Some(0.0)), None);
        let pool = AllowedRate {
            per_window: 300.0,
            window_s: 60.0,
            tokens: 2,
        };
        assert_eq!(
            pool.words(),
            "allowed 300 per 60 s per token × 2 tokens = 10.0/s"
        );
        assert_eq!(AllowedRate::from_pool_per_s(10.0, 2), pool);
        assert_eq!(
            AllowedRate::DEFAULT.words(),
            "allowed 300 per 60 s × 1 token = 5.0/s"
        );
    }
}
