//! The simulated orgs the multi-org tests start, each on its own port with no rate limit:
//! the demo org, and its committed sibling (`assets/demo/sibling.json`: the same names,
//! fresh ids, the planted differences of assets/demo/ORG.md "Sibling orgs").

use super::{CLIENT_ID, CLIENT_SECRET};
use onboard::sim::seed::SeedClient;
use onboard::sim::{self, Seed, SimConfig, SimHandle};

/// A simulator of `seed`, otherwise the demo's settings without a rate limit (tests count
/// requests; they do not wait for pacing).
pub async fn sim_of(seed: Seed) -> SimHandle {
    sim::start(SimConfig {
        seed,
        rate_limit: None,
        ..SimConfig::demo()
    })
    .await
    .unwrap()
}

/// The demo org.
pub async fn demo_org() -> SimHandle {
    sim_of(Seed::demo()).await
}

/// The sibling's seed as committed: only its own OAuth clients (`sibling`/`sibling-secret`
/// and the division-scoped `sibling-scoped`).
pub fn sibling_seed() -> Seed {
    Seed::from_file(&sibling_seed_path()).unwrap()
}

/// Where the sibling's seed is committed (for `onboard sim --seed`).
pub fn sibling_seed_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/demo/sibling.json")
}

/// The sibling's seed that also takes the demo's credentials, so one saved profile's
/// client id (and the environment's secret) reaches every org of a test.
pub fn sibling_seed_with_demo_client() -> Seed {
    let mut seed = sibling_seed();
    seed.oauth_clients.push(SeedClient {
        client_id: CLIENT_ID.into(),
        client_secret: CLIENT_SECRET.into(),
        token_ttl_seconds: 86_400,
        visible_divisions: None,
    });
    seed
}

/// The sibling org, reachable with the demo's credentials as well as its own.
pub async fn sibling_org() -> SimHandle {
    sim_of(sibling_seed_with_demo_client()).await
}
