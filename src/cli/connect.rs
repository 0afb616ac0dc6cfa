//! Turning the connection options (contract §1) into a ready [`genesys::Client`]: every
//! command that talks to an org calls [`connect`].

use super::ConnectArgs;
use crate::config::{Keyring, Paths, Profile, Profiles};
use crate::genesys::{self, Client, ClientConfig, Secret};

/// Env var with the OAuth client id for unattended runs (wins over the profile).
pub const ENV_CLIENT_ID: &str = "ONBOARD_CLIENT_ID";
/// Env var with the OAuth client secret for unattended runs (wins over the keyring).
pub const ENV_CLIENT_SECRET: &str = "ONBOARD_CLIENT_SECRET";

/// Why a connection could not be set up: one line a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConnectError(pub String);

/// A client plus what it was made from.
#[derive(Debug, Clone)]
pub struct Connection {
    pub client: Client,
    /// The profile used (its name and content), if any.
    pub profile: Option<(String, Profile)>,
    /// Where the org is, for display: the API base URL.
    pub target: String,
    /// Where the secret came from: `ONBOARD_CLIENT_SECRET` or the keyring store's name.
    pub secret_source: String,
}

impl Connection {
    /// Snapshot options from the profile (defaults without one).
    pub fn snapshot_options(&self) -> genesys::SnapshotOptions {
        self.profile
            .as_ref()
            .map(|(_, p)| p.snapshot_options())
            .unwrap_or_default()
    }
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// What [`connect`] reads from the environment, injectable for tests.
#[derive(Debug, Clone)]
pub struct ConnectEnv {
    pub paths: Paths,
    /// `ONBOARD_CLIENT_ID`.
    pub client_id: Option<String>,
    /// `ONBOARD_CLIENT_SECRET`.
    pub client_secret: Option<Secret>,
    /// Keyring service name (`ONBOARD_KEYRING_SERVICE`, default `onboard`).
    pub keyring_service: String,
}

impl ConnectEnv {
    /// From the process environment.
    pub fn from_process() -> Result<ConnectEnv, ConnectError> {
        Ok(ConnectEnv {
            paths: Paths::resolve().map_err(|e| ConnectError(e.0))?,
            client_id: env(ENV_CLIENT_ID),
            client_secret: env(ENV_CLIENT_SECRET).map(Secret::new),
            keyring_service: crate::config::keyring::service_from_env(),
        })
    }
}

/// Resolve `--profile` / `--region` / `--api-url` plus `ONBOARD_CLIENT_ID` /
/// `ONBOARD_CLIENT_SECRET` plus the profile's keyring secret into a client. Refuses plain
/// `http://` to non-loopback hosts. Makes no request (call `client.verify()` to check the
/// credentials up front).
pub fn connect(args: &ConnectArgs) -> Result<Connection, ConnectError> {
    connect_with(args, ConnectEnv::from_process()?)
}

/// [`connect`] with an explicit environment.
pub fn connect_with(args: &ConnectArgs, env: ConnectEnv) -> Result<Connection, ConnectError> {
    let env_id = env.client_id;
    let env_secret = env.client_secret;
    let paths = env.paths;
    let profiles = Profiles::load(&paths).map_err(|e| ConnectError(e.0))?;

    let profile: Option<(String, Profile)> = match &args.profile {
        Some(name) => match profiles.get(name) {
            Some(p) => Some((name.clone(), p.clone())),
            None => {
                return Err(ConnectError(format!(
                    "no profile named '{}': create it with `onboard login --profile {} --region DOMAIN --client-id ID`, or list them with `onboard profiles`",
                    crate::model::sanitize(name),
                    crate::model::sanitize(name)
                )));
            }
        },
        None if args.region.is_none() && args.api_url.is_none() => {
            let pick = profiles
                .get("default")
                .map(|p| ("default".to_string(), p.clone()))
                .or_else(|| {
                    (profiles.profiles.len() == 1)
                        .then(|| {
                            profiles
                                .profiles
                                .iter()
                                .next()
                                .map(|(n, p)| (n.clone(), p.clone()))
                        })
                        .flatten()
                });
            match pick {
                Some(p) => Some(p),
                None => {
                    return Err(ConnectError(
                        "which org? pass --profile NAME (see `onboard profiles`), or --region DOMAIN / --api-url URL with ONBOARD_CLIENT_ID and ONBOARD_CLIENT_SECRET".into(),
                    ));
                }
            }
        }
        None => None,
    };

    let endpoints = if let Some(url) = &args.api_url {
        genesys::url_endpoints(url)
    } else if let Some(region) = &args.region {
        genesys::region_endpoints(region)
    } else {
        match profile.as_ref().map(|(_, p)| p) {
            Some(Profile {
                api_url: Some(url), ..
            }) => genesys::url_endpoints(url),
            Some(Profile {
                region: Some(r), ..
            }) => genesys::region_endpoints(r),
            _ => Err(genesys::ApiError::config(
                "the profile names no region: run `onboard login` again with --region DOMAIN",
            )),
        }
    }
    .map_err(|e| ConnectError(e.message))?;

    let client_id = match (&env_id, &profile) {
        (Some(id), _) => id.clone(),
        (None, Some((_, p))) if !p.client_id.is_empty() => p.client_id.clone(),
        _ => {
            return Err(ConnectError(format!(
                "no OAuth client id: set {ENV_CLIENT_ID} (and {ENV_CLIENT_SECRET}), or use --profile NAME from `onboard login`"
            )));
        }
    };

    let (secret, secret_source) = match env_secret {
        Some(s) => (s, ENV_CLIENT_SECRET.to_string()),
        None => {
            let Some((name, _)) = &profile else {
                return Err(ConnectError(format!(
                    "no OAuth client secret: set {ENV_CLIENT_SECRET}, or store one with `onboard login --profile NAME`"
                )));
            };
            let keyring =
                Keyring::open_service(&env.keyring_service).map_err(|e| ConnectError(e.0))?;
            match keyring.get(name).map_err(|e| ConnectError(e.0))? {
                Some(s) => (s, keyring.store_name.to_string()),
                None => {
                    return Err(ConnectError(format!(
                        "the {} holds no secret for profile '{name}' (it may have been cleared at logout or reboot): run `onboard login --profile {name}` again, or set {ENV_CLIENT_SECRET}",
                        keyring.store_name
                    )));
                }
            }
        }
    };

    let target = endpoints.api_base.to_string();
    let cfg = ClientConfig::new(endpoints.api_base, endpoints.login_base, client_id, secret);
    let client = Client::new(cfg).map_err(|e| ConnectError(e.message))?;
    Ok(Connection {
        client,
        profile,
        target,
        secret_source,
    })
}
