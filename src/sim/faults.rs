//! `--faults` (docs/contract.md §5) and `--rate-limit` parsing, and the seeded randomness behind them.

use super::SimError;
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};
use std::time::Duration;

/// Injected faults. All rates are shares of requests in 0..=1.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FaultSpec {
    /// Share of API requests answered 500/502/503 (nothing applied).
    pub error_rate: f64,
    /// Share of writes applied and then answered with a dropped connection.
    pub drop_after_commit: f64,
    /// Added latency per request, uniformly in LO..=HI milliseconds.
    pub latency_ms: Option<(u64, u64)>,
    /// Share of requests that hang for 60 s (then answer 504).
    pub timeout_rate: f64,
    /// Seconds a new token lives (overrides the OAuth client's TTL).
    pub token_ttl: Option<u64>,
    /// Share of reads whose requested `expand` (skills, languages, …) is left out of the
    /// answer, as the real API may do (docs/genesys-api-notes.md §11.6).
    pub expand_drop: f64,
    /// A listing asked for more than this many entities per page answers 400
    /// `response.entity.too.large` (docs/genesys-api-notes.md §8).
    pub entity_too_large: Option<u32>,
    /// For this many milliseconds after a queue's creation, its members, wrap-up codes and
    /// `PUT` answer 404 `not.found` (Terraform #1955: a new queue is not yet visible to every
    /// service). 0 = off.
    pub queue_lag_ms: u64,
    /// Seed for the fault randomness (repeatable runs).
    pub seed: Option<u64>,
}

impl FaultSpec {
    /// Parses `error_rate=0.05,drop_after_commit=0.02,latency_ms=5-20,timeout_rate=0,token_ttl=60,seed=7`.
    /// An empty string or `none` means no faults.
    pub fn parse(spec: &str) -> Result<FaultSpec, SimError> {
        let mut f = FaultSpec::default();
        let spec = spec.trim();
        if spec.is_empty() || spec.eq_ignore_ascii_case("none") {
            return Ok(f);
        }
        for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let Some((k, v)) = part.split_once('=') else {
                return Err(SimError::Faults(format!(
                    "'{part}' is not key=value (e.g. error_rate=0.05)"
                )));
            };
            let (k, v) = (k.trim(), v.trim());
            let rate = |v: &str| -> Result<f64, SimError> {
                match v.parse::<f64>() {
                    Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
                    _ => Err(SimError::Faults(format!(
                        "{k}={v}: expected a share between 0 and 1"
                    ))),
                }
            };
            let int = |v: &str| -> Result<u64, SimError> {
                v.parse::<u64>()
                    .map_err(|_| SimError::Faults(format!("{k}={v}: expected a whole number")))
            };
            match k {
                "error_rate" => f.error_rate = rate(v)?,
                "drop_after_commit" => f.drop_after_commit = rate(v)?,
                "timeout_rate" => f.timeout_rate = rate(v)?,
                "expand_drop" => f.expand_drop = rate(v)?,
                "entity_too_large" => {
                    let n = int(v)?;
                    f.entity_too_large = Some(u32::try_from(n).unwrap_or(u32::MAX).max(1));
                }
                "token_ttl" => f.token_ttl = Some(int(v)?),
                "queue_lag_ms" => f.queue_lag_ms = int(v)?,
                "seed" => f.seed = Some(int(v)?),
                "latency_ms" => {
                    let (lo, hi) = match v.split_once('-') {
                        Some((a, b)) => (int(a.trim())?, int(b.trim())?),
                        None => (int(v)?, int(v)?),
                    };
                    if lo > hi {
                        return Err(SimError::Faults(format!(
                            "latency_ms={v}: LO must not exceed HI"
                        )));
                    }
                    f.latency_ms = Some((lo, hi));
                }
                other => {
                    return Err(SimError::Faults(format!(
                        "unknown fault '{other}' (known: error_rate, drop_after_commit, latency_ms, timeout_rate, token_ttl, expand_drop, entity_too_large, queue_lag_ms, seed)"
                    )));
                }
            }
        }
        Ok(f)
    }
}

/// Fixed-window rate limit per token: `max` requests per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub max: u32,
    pub window: Duration,
}

impl Default for RateLimit {
    fn default() -> Self {
        RateLimit {
            max: 300,
            window: Duration::from_secs(60),
        }
    }
}

impl RateLimit {
    /// Parses `N/SECONDS` (e.g. `300/60`); `off` or `none` means no limit.
    pub fn parse(s: &str) -> Result<Option<RateLimit>, SimError> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("off") || s.eq_ignore_ascii_case("none") {
            return Ok(None);
        }
        let err = || {
            SimError::Config(format!(
                "--rate-limit {s}: expected N/SECONDS, e.g. 300/60, or 'off'"
            ))
        };
        let (n, w) = s.split_once('/').ok_or_else(err)?;
        let max = n.trim().parse::<u32>().map_err(|_| err())?;
        let secs = w.trim().parse::<u64>().map_err(|_| err())?;
        if max == 0 || secs == 0 {
            return Err(err());
        }
        Ok(Some(RateLimit {
            max,
            window: Duration::from_secs(secs),
        }))
    }
}

/// What the fault dice decided for one request.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decision {
    pub latency: Option<Duration>,
    pub timeout: bool,
    pub error_status: Option<u16>,
    pub drop_after_commit: bool,
    /// Leave the requested expansions out of this read's answer.
    pub expand_drop: bool,
}

/// How many wordings a stale-version answer has (see [`FaultState::conflict_form`]).
pub const CONFLICT_FORMS: usize = 4;

pub struct FaultState {
    pub spec: FaultSpec,
    rng: StdRng,
    /// Its own stream, so drawing answer wordings never shifts a seeded run's faults.
    wording: StdRng,
}

fn wording_rng(seed: Option<u64>) -> StdRng {
    StdRng::seed_from_u64(seed.unwrap_or(0x5eed) ^ 0x7665_7273_696f_6e21)
}

impl FaultState {
    pub fn new(spec: FaultSpec) -> Self {
        let rng = StdRng::seed_from_u64(spec.seed.unwrap_or(0x5eed));
        let wording = wording_rng(spec.seed);
        FaultState { spec, rng, wording }
    }

    pub fn set(&mut self, spec: FaultSpec) {
        if spec.seed != self.spec.seed {
            self.rng = StdRng::seed_from_u64(spec.seed.unwrap_or(0x5eed));
            self.wording = wording_rng(spec.seed);
        }
        self.spec = spec;
    }

    /// Which wording a stale-version answer takes, drawn from the seed (0..CONFLICT_FORMS):
    /// the real API's text is unverified, and a client must not depend on it.
    pub fn conflict_form(&mut self) -> usize {
        self.wording.random_range(0..CONFLICT_FORMS)
    }

    /// Rolls the dice for one API request (in a fixed order, so a seed repeats a run).
    pub fn decide(&mut self, is_write: bool) -> Decision {
        let s = &self.spec;
        let mut d = Decision::default();
        if s.error_rate == 0.0
            && s.timeout_rate == 0.0
            && s.drop_after_commit == 0.0
            && s.expand_drop == 0.0
            && s.latency_ms.is_none()
        {
            return d;
        }
        if let Some((lo, hi)) = s.latency_ms {
            d.latency = Some(Duration::from_millis(self.rng.random_range(lo..=hi)));
        }
        if s.timeout_rate > 0.0 && self.rng.random_bool(s.timeout_rate) {
            d.timeout = true;
            return d;
        }
        if s.error_rate > 0.0 && self.rng.random_bool(s.error_rate) {
            d.error_status = Some([500u16, 502, 503][self.rng.random_range(0..3usize)]);
            return d;
        }
        if is_write && s.drop_after_commit > 0.0 && self.rng.random_bool(s.drop_after_commit) {
            d.drop_after_commit = true;
        }
        // Rolled last and only when set, so seeds without it repeat their old runs.
        if !is_write && s.expand_drop > 0.0 && self.rng.random_bool(s.expand_drop) {
            d.expand_drop = true;
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_contract_example() {
        let f = FaultSpec::parse("error_rate=0.05,drop_after_commit=0.02,latency_ms=5-20,seed=7")
            .unwrap_or_default();
        assert_eq!(f.error_rate, 0.05);
        assert_eq!(f.drop_after_commit, 0.02);
        assert_eq!(f.latency_ms, Some((5, 20)));
        assert_eq!(f.seed, Some(7));
        assert!(FaultSpec::parse("error_rate=2").is_err());
        assert!(FaultSpec::parse("bogus=1").is_err());
        assert!(FaultSpec::parse("latency_ms=9-3").is_err());
        let f = FaultSpec::parse("expand_drop=0.5,entity_too_large=10").unwrap_or_default();
        assert_eq!(f.expand_drop, 0.5);
        assert_eq!(f.entity_too_large, Some(10));
        assert_eq!(FaultSpec::parse("").ok(), Some(FaultSpec::default()));
        let f = FaultSpec::parse("queue_lag_ms=3000").unwrap_or_default();
        assert_eq!(f.queue_lag_ms, 3000);
        assert!(FaultSpec::parse("queue_lag_ms=soon").is_err());
    }

    #[test]
    fn parses_rate_limits() {
        assert_eq!(
            RateLimit::parse("10/2").ok().flatten(),
            Some(RateLimit {
                max: 10,
                window: Duration::from_secs(2)
            })
        );
        assert_eq!(RateLimit::parse("off").ok(), Some(None));
        assert!(RateLimit::parse("10").is_err());
        assert!(RateLimit::parse("0/5").is_err());
    }

    #[test]
    fn seeded_decisions_repeat() {
        let spec =
            FaultSpec::parse("error_rate=0.3,drop_after_commit=0.3,seed=42").unwrap_or_default();
        let roll = |spec: &FaultSpec| {
            let mut s = FaultState::new(spec.clone());
            (0..50)
                .map(|_| {
                    let d = s.decide(true);
                    (d.error_status, d.drop_after_commit)
                })
                .collect::<Vec<_>>()
        };
        let a = roll(&spec);
        assert_eq!(a, roll(&spec));
        assert!(a.iter().any(|x| x.0.is_some()));
        assert!(a.iter().any(|x| x.1));
    }
}
