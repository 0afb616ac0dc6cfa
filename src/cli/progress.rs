//! Load progress for people: time left per resource at the pace so far, the warning before
//! a slow load, and `check`'s progress line on stderr (never on stdout).

use crate::model::{ExternalId, LoadProgress, fmt_count, fmt_left, sanitize};
use std::collections::HashMap;
use std::io::Write as _;
use std::time::{Duration, Instant};

/// Fixed reads of a snapshot besides the lookups (org, divisions, roles, skills, queues,
/// licences, telephony…).
const FIXED_READS: usize = 40;

/// Reads a snapshot of these lookups costs: one per external id (the API has no bulk
/// form), one search per 50 emails, and the fixed lists.
pub fn snapshot_reads(emails: usize, ext: usize) -> usize {
    ext + emails.div_ceil(crate::genesys::users::SEARCH_VALUES_PER_CALL) + FIXED_READS
}

/// The note to show before a load that will take more than a minute, and why: the count
/// of external ids, each looked up alone, at the pool's rate. `per_token_per_min`: the
/// org's limit per token (None: the API's default, 300/min); `tokens`: the pool's size.
pub fn slow_load_note(
    emails: &[String],
    ext: &[ExternalId],
    per_token_per_min: Option<u32>,
    tokens: usize,
) -> Option<String> {
    let reads = snapshot_reads(emails.len(), ext.len());
    if reads < 300 {
        return None;
    }
    let per_token = f64::from(per_token_per_min.unwrap_or(300));
    let per_s = per_token / 60.0 * tokens as f64;
    let secs = reads as f64 / per_s.max(0.1);
    (secs > 60.0).then(|| {
        format!(
            "loading the org will take about {}: {} external ids are looked up one request each (the API has no bulk lookup), {} reads in all at up to {:.0} requests/s ({tokens} token(s) of {per_token:.0}/min; --tokens raises it)",
            // Rounded up to whole minutes: an estimate, not a countdown.
            crate::model::human_duration((secs / 60.0).ceil() * 60.0),
            ext.len(),
            reads,
            per_s
        )
    })
}

/// Stamps progress with the time left at the pace so far, and says when a counter is
/// worth passing on (at most every `every` per resource, and always its start and end).
#[derive(Debug)]
pub struct Pace {
    every: Duration,
    started: HashMap<String, Instant>,
    sent: HashMap<String, Instant>,
}

impl Pace {
    pub fn new(every: Duration) -> Pace {
        Pace {
            every,
            started: HashMap::new(),
            sent: HashMap::new(),
        }
    }

    /// `p` with `left_s` set (when its total is known and some of it is done), and whether
    /// to pass it on now.
    pub fn stamp(&mut self, mut p: LoadProgress) -> (LoadProgress, bool) {
        let now = Instant::now();
        let start = *self.started.entry(p.resource.clone()).or_insert(now);
        if let Some(total) = p.total.filter(|_| p.loaded > 0 && !p.done) {
            let secs = now.duration_since(start).as_secs_f64();
            let per_s = p.loaded as f64 / secs.max(0.001);
            p.left_s = Some((total.saturating_sub(p.loaded) as f64 / per_s).ceil() as u64);
        }
        let due = p.done
            || p.loaded == 0
            || self
                .sent
                .get(&p.resource)
                .is_none_or(|t| now.duration_since(*t) >= self.every);
        if due {
            self.sent.insert(p.resource.clone(), now);
        }
        (p, due)
    }
}

impl Default for Pace {
    fn default() -> Self {
        Pace::new(Duration::from_millis(200))
    }
}

/// `check`'s load progress on stderr: one line redrawn in place on a terminal; otherwise
/// a plain line at most every 10 s once the load has run 10 s (logs stay short). Stdout,
/// where the JSON goes, is never touched.
pub struct StderrProgress {
    tty: bool,
    state: std::sync::Mutex<Lines>,
}

#[derive(Default)]
struct Lines {
    pace: Pace,
    by: std::collections::BTreeMap<String, LoadProgress>,
    drawn: bool,
    plain_at: Option<Instant>,
    started: Option<Instant>,
}

impl StderrProgress {
    /// `ONBOARD_PROGRESS=always` draws the terminal line even when stderr is not one
    /// (for tests and recordings); `never` draws nothing.
    pub fn new() -> StderrProgress {
        use std::io::IsTerminal;
        let tty = match std::env::var("ONBOARD_PROGRESS").as_deref() {
            Ok("always") => true,
            Ok("never") => false,
            _ => std::io::stderr().is_terminal(),
        };
        StderrProgress {
            tty,
            state: std::sync::Mutex::new(Lines::default()),
        }
    }

    /// Hear one progress report (from any task).
    pub fn report(&self, p: LoadProgress) {
        let Ok(mut st) = self.state.lock() else {
            return;
        };
        let now = Instant::now();
        let started = *st.started.get_or_insert(now);
        let (p, due) = st.pace.stamp(p);
        st.by.insert(p.resource.clone(), p);
        if !due {
            return;
        }
        let line = summary_line(&st.by);
        if self.tty {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K{}", truncate_line(&line, 160));
            let _ = err.flush();
            st.drawn = true;
        } else if now.duration_since(started) >= Duration::from_secs(10)
            && st
                .plain_at
                .is_none_or(|t| now.duration_since(t) >= Duration::from_secs(10))
        {
            st.plain_at = Some(now);
            eprintln!("onboard check: {line}");
        }
    }

    /// The load ended: clear the line (the report follows on stdout).
    pub fn finish(&self) {
        if let Ok(st) = self.state.lock()
            && st.drawn
        {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

impl Default for StderrProgress {
    fn default() -> Self {
        StderrProgress::new()
    }
}

fn truncate_line(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `loading the org: identities 4,120 / 20,000 · 1m 15s left; 9/10 lists loaded`.
fn summary_line(by: &std::collections::BTreeMap<String, LoadProgress>) -> String {
    let lists: Vec<&LoadProgress> = by
        .values()
        .filter(|p| p.resource != crate::genesys::IDENTITIES && p.resource != "users")
        .collect();
    let done = lists.iter().filter(|p| p.done).count();
    let mut line = String::from("loading the org:");
    if let Some(p) = by.get(crate::genesys::IDENTITIES) {
        line.push_str(&format!(
            " identities {} / {}",
            fmt_count(p.loaded),
            fmt_count(p.total.unwrap_or(p.loaded))
        ));
        if let Some(left) = p.left_s.filter(|_| !p.done) {
            line.push_str(&format!(" · {}", fmt_left(left)));
        }
        line.push(';');
    }
    line.push_str(&format!(" {done}/{} lists loaded", lists.len()));
    sanitize(&line).into_owned()
}
