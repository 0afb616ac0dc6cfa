//! Profiles (region + client id, never the secret), paths via `directories`, and the OS
//! keyring that holds the secrets.
//!
//! Paths: `ONBOARD_CONFIG_DIR` / `ONBOARD_DATA_DIR` override; otherwise the platform's
//! directories (`$XDG_CONFIG_HOME/onboard`, `$XDG_DATA_HOME/onboard` on Linux). The keyring
//! service name is `onboard` (`ONBOARD_KEYRING_SERVICE` overrides, e.g. for tests).

pub mod keyring;
pub mod outputs;
pub mod paths;
pub mod profiles;

pub use keyring::{Keyring, KeyringError};
pub use paths::Paths;
pub use profiles::{Profile, Profiles};

/// A configuration failure, as one line a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);
