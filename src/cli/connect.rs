//! Turning the connection options (docs/contract.md §1) into a ready [`genesys::Client`]: every
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

/// [`connect`], then get a token so bad credentials or an unreachable org fail here, in
/// one line, before any work starts.
pub async fn connect_verified(args: &ConnectArgs) -> Result<Connection, ConnectError> {
    let conn = connect(args)?;
    conn.client.verify().await.map_err(|e| {
        ConnectError(format!(
            "cannot sign in to {} with the {} credentials: {e}",
            conn.target,
            match &conn.profile {
                Some((name, _)) => format!("profile '{name}'"),
                None => "given".to_string(),
            }
        ))
    })?;
    Ok(conn)
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
    let mut cfg = ClientConfig::new(endpoints.api_base, endpoints.login_base, client_id, secret);
    cfg.tokens = args
        .tokens
        .map(usize::from)
        .or_else(|| profile.as_ref().and_then(|(_, p)| p.tokens))
        .unwrap_or(genesys::pool::DEFAULT_TOKENS)
        .clamp(1, genesys::pool::MAX_TOKENS);
    let client = Client::new(cfg).map_err(|e| ConnectError(e.message))?;
    Ok(Connection {
        client,
        profile,
        target,
        secret_source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env_in(dir: &std::path::Path) -> ConnectEnv {
        ConnectEnv {
            paths: Paths {
                config_dir: dir.join("config"),
                data_dir: dir.join("data"),
            },
            client_id: None,
            client_secret: None,
            keyring_service: format!("onboard-test-{}", uuid::Uuid::new_v4().simple()),
        }
    }

    fn args(profile: Option<&str>, region: Option<&str>, url: Option<&str>) -> ConnectArgs {
        ConnectArgs {
            profile: profile.map(str::to_string),
            region: region.map(str::to_string),
            api_url: url.map(str::to_string),
            tokens: None,
        }
    }

    #[test]
    fn resolution_rules_and_one_line_errors() {
        let dir = tempfile::tempdir().unwrap();
        // Nothing given, no profiles.
        let e = connect_with(&args(None, None, None), env_in(dir.path())).unwrap_err();
        assert!(e.0.starts_with("which org?"), "{e}");
        // Unknown profile.
        let e = connect_with(&args(Some("prod"), None, None), env_in(dir.path())).unwrap_err();
        assert!(e.0.contains("no profile named 'prod'"), "{e}");
        // Env credentials with a region.
        let mut env = env_in(dir.path());
        env.client_id = Some("id-1".into());
        env.client_secret = Some(Secret::new("s"));
        let c = connect_with(&args(None, Some("mypurecloud.de"), None), env.clone()).unwrap();
        assert_eq!(c.target, "https://api.mypurecloud.de/");
        assert_eq!(c.secret_source, ENV_CLIENT_SECRET);
        assert!(!format!("{c:?}").contains("Secret(\"s\")"));
        // Plain http to a non-loopback host is refused.
        let e = connect_with(
            &args(None, None, Some("http://192.0.2.7:8080")),
            env.clone(),
        )
        .unwrap_err();
        assert!(e.0.contains("refusing plain http://"), "{e}");
        assert!(!e.0.contains('\n'));
        // A profile without a keyring secret says how to fix it.
        let mut profiles = Profiles::default();
        profiles.profiles.insert(
            "eu".into(),
            Profile {
                region: Some("mypurecloud.ie".into()),
                client_id: "id-2".into(),
                ..Default::default()
            },
        );
        let env = env_in(dir.path());
        profiles.save(&env.paths).unwrap();
        let e = connect_with(&args(Some("eu"), None, None), env.clone()).unwrap_err();
        assert!(e.0.contains("holds no secret for profile 'eu'"), "{e}");
        // The only profile is picked when none is named; the env secret wins over the keyring.
        let mut env2 = env.clone();
        env2.client_secret = Some(Secret::new("from-env"));
        let c = connect_with(&args(None, None, None), env2).unwrap();
        assert_eq!(c.profile.as_ref().map(|(n, _)| n.as_str()), Some("eu"));
        assert_eq!(c.client.client_id(), "id-2");
        assert_eq!(c.target, "https://api.mypurecloud.ie/");
    }
}
