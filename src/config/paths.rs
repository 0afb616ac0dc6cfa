//! Where onboard keeps its files.

use super::ConfigError;
use std::path::PathBuf;

/// onboard's directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// Profiles live here (`profiles.json`).
    pub config_dir: PathBuf,
    /// Journals, reports and logs live here.
    pub data_dir: PathBuf,
}

impl Paths {
    /// Resolve from `ONBOARD_CONFIG_DIR` / `ONBOARD_DATA_DIR`, else the platform dirs.
    pub fn resolve() -> Result<Paths, ConfigError> {
        let env_dir = |k: &str| {
            std::env::var_os(k)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let project = directories::ProjectDirs::from("", "", "onboard");
        let config_dir = env_dir("ONBOARD_CONFIG_DIR")
            .or_else(|| project.as_ref().map(|p| p.config_dir().to_path_buf()))
            .ok_or_else(|| {
                ConfigError(
                    "cannot find a configuration directory (no home directory?): set ONBOARD_CONFIG_DIR".into(),
                )
            })?;
        let data_dir = env_dir("ONBOARD_DATA_DIR")
            .or_else(|| project.as_ref().map(|p| p.data_dir().to_path_buf()))
            .ok_or_else(|| {
                ConfigError(
                    "cannot find a data directory (no home directory?): set ONBOARD_DATA_DIR"
                        .into(),
                )
            })?;
        Ok(Paths {
            config_dir,
            data_dir,
        })
    }

    pub fn profiles_file(&self) -> PathBuf {
        self.config_dir.join("profiles.json")
    }

    pub fn log_dir(&self) -> PathBuf {
        self.data_dir.join("logs")
    }
}
