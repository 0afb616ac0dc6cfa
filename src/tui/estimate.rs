//! Time helpers for the Plan and Run screens (the request estimate itself is the engine's:
//! `engine::Estimator`, always equal to `engine::estimate_requests`, so the Plan screen and
//! `apply` agree).

/// Rate assumed when the org's limit is unknown: the Genesys default of 300 per minute.
pub const DEFAULT_RATE_PER_S: f64 = 5.0;

/// The allowed rate in the one set of words the Plan, the confirmation and the Run screen
/// share: per Genesys's window (a minute) and per second, e.g. `300 per 60 s = 5.0/s`.
pub fn rate_words(per_s: f64) -> String {
    format!("{:.0} per 60 s = {:.1}/s", per_s * 60.0, per_s)
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
        assert_eq!(rate_words(50.0), "3000 per 60 s = 50.0/s");
    }
}
