//! Saved connection profiles (`profiles.json` in the config dir). No secret is ever stored
//! here: the secret lives in the OS keyring under the profile's name.

use super::{ConfigError, Paths};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// One profile: where the org is and which OAuth client to use, plus the optional
/// configuration the API cannot provide (seat counts, trunk channels).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profile {
    /// Region domain, e.g. `mypurecloud.ie` (None when `api_url` is set).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Explicit API URL (simulator); wins over `region`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_url: Option<String>,
    pub client_id: String,
    /// Keyring store that holds the secret (for `onboard profiles`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keyring_store: Option<String>,
    /// Trunk-base property holding the channel count (default `trunk_max_calls`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trunk_channels_key: Option<String>,
    /// Channel counts by trunk id or name, when the org does not expose them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub trunk_channels: BTreeMap<String, u32>,
    /// Seats by licence id, when billing does not show them.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub license_seats: BTreeMap<String, u32>,
    /// Agents per trunk channel (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agents_per_channel: Option<f64>,
    /// Access tokens to spread the work over (1–50; default 10): the rate limit is per token.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<usize>,
}

impl Profile {
    /// Options for the snapshot from this profile's configuration.
    pub fn snapshot_options(&self) -> crate::genesys::SnapshotOptions {
        let mut o = crate::genesys::SnapshotOptions::default();
        if let Some(k) = &self.trunk_channels_key {
            o.trunk_channels_key = k.clone();
        }
        o.trunk_channels = self.trunk_channels.clone();
        o.license_seats = self.license_seats.clone();
        if let Some(a) = self.agents_per_channel {
            o.agents_per_channel = a;
        }
        o
    }

    /// `region` or `api_url`, for listings.
    pub fn target(&self) -> String {
        self.api_url
            .clone()
            .or_else(|| self.region.clone())
            .unwrap_or_else(|| "?".into())
    }
}

/// All profiles, by name.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Profiles {
    pub profiles: BTreeMap<String, Profile>,
}

/// Profile names: letters, digits, `-`, `_`, `.`; 1–64 characters.
pub fn check_name(name: &str) -> Result<(), ConfigError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(ConfigError(format!(
            "profile name '{}' is not allowed: use 1-64 letters, digits, '-', '_' or '.'",
            crate::model::sanitize(name)
        )))
    }
}

impl Profiles {
    /// Load from the config dir (empty when the file does not exist yet).
    pub fn load(paths: &Paths) -> Result<Profiles, ConfigError> {
        Self::load_file(&paths.profiles_file())
    }

    pub fn load_file(file: &Path) -> Result<Profiles, ConfigError> {
        match std::fs::read(file) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| {
                ConfigError(format!(
                    "{} is not valid profile JSON ({e}); fix or remove it, then run `onboard login` again",
                    file.display()
                ))
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Profiles::default()),
            Err(e) => Err(ConfigError(format!("cannot read {}: {e}", file.display()))),
        }
    }

    /// Save atomically (write a temporary file, then rename), readable by the owner only.
    pub fn save(&self, paths: &Paths) -> Result<(), ConfigError> {
        let file = paths.profiles_file();
        std::fs::create_dir_all(&paths.config_dir).map_err(|e| {
            ConfigError(format!("cannot create {}: {e}", paths.config_dir.display()))
        })?;
        let json = serde_json::to_vec_pretty(self)
            .map_err(|e| ConfigError(format!("cannot encode profiles: {e}")))?;
        let tmp = file.with_extension("json.tmp");
        std::fs::write(&tmp, json)
            .map_err(|e| ConfigError(format!("cannot write {}: {e}", tmp.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o600));
        }
        std::fs::rename(&tmp, &file)
            .map_err(|e| ConfigError(format!("cannot write {}: {e}", file.display())))
    }

    pub fn get(&self, name: &str) -> Option<&Profile> {
        self.profiles.get(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_names() {
        let dir = tempfile::tempdir().unwrap();
        let paths = Paths {
            config_dir: dir.path().join("cfg"),
            data_dir: dir.path().join("data"),
        };
        assert_eq!(Profiles::load(&paths).unwrap(), Profiles::default());
        let mut p = Profiles::default();
        p.profiles.insert(
            "prod".into(),
            Profile {
                region: Some("mypurecloud.ie".into()),
                client_id: "abc".into(),
                ..Default::default()
            },
        );
        p.save(&paths).unwrap();
        assert_eq!(Profiles::load(&paths).unwrap(), p);
        assert!(check_name("prod-eu_1.x").is_ok());
        assert!(check_name("bad name").is_err());
        assert!(check_name("").is_err());
    }
}
