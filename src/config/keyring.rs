//! Secrets in the OS keyring (keyring-core stores): the kernel keyutils store on Linux
//! (works without a desktop session; lives until the user's keyrings are dropped at
//! logout/reboot), the Keychain on macOS, the Credential Manager on Windows.
//!
//! Entries: service `onboard` (or `ONBOARD_KEYRING_SERVICE`), account = profile name.

use crate::genesys::Secret;
use keyring_core::api::CredentialStore;
use std::sync::Arc;

/// A keyring failure, as one line a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyringError(pub String);

/// The platform's secret store, opened for one service name.
pub struct Keyring {
    store: Arc<CredentialStore>,
    service: String,
    /// A person-readable store name, e.g. "Linux kernel keyring (keyutils)".
    pub store_name: &'static str,
}

impl std::fmt::Debug for Keyring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Keyring")
            .field("service", &self.service)
            .field("store", &self.store_name)
            .finish()
    }
}

#[cfg(target_os = "linux")]
fn platform_store() -> Result<(Arc<CredentialStore>, &'static str), KeyringError> {
    let s = linux_keyutils_keyring_store::Store::new()
        .map_err(|e| KeyringError(format!("cannot open the Linux kernel keyring: {e}")))?;
    Ok((
        s,
        "Linux kernel keyring (keyutils; kept until logout or reboot)",
    ))
}

#[cfg(target_os = "macos")]
fn platform_store() -> Result<(Arc<CredentialStore>, &'static str), KeyringError> {
    let s = apple_native_keyring_store::keychain::Store::new()
        .map_err(|e| KeyringError(format!("cannot open the macOS Keychain: {e}")))?;
    Ok((s, "macOS Keychain"))
}

#[cfg(target_os = "windows")]
fn platform_store() -> Result<(Arc<CredentialStore>, &'static str), KeyringError> {
    let s = windows_native_keyring_store::Store::new()
        .map_err(|e| KeyringError(format!("cannot open the Windows Credential Manager: {e}")))?;
    Ok((s, "Windows Credential Manager"))
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn platform_store() -> Result<(Arc<CredentialStore>, &'static str), KeyringError> {
    Err(KeyringError(
        "no OS keyring is supported on this platform: set ONBOARD_CLIENT_ID and ONBOARD_CLIENT_SECRET instead".into(),
    ))
}

/// The keyring service name: `ONBOARD_KEYRING_SERVICE`, default `onboard`.
pub fn service_from_env() -> String {
    std::env::var("ONBOARD_KEYRING_SERVICE")
        .ok()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "onboard".to_string())
}

impl Keyring {
    /// Open the platform store with the service from `ONBOARD_KEYRING_SERVICE` (default
    /// `onboard`).
    pub fn open() -> Result<Keyring, KeyringError> {
        Self::open_service(&service_from_env())
    }

    pub fn open_service(service: &str) -> Result<Keyring, KeyringError> {
        let (store, store_name) = platform_store()?;
        Ok(Keyring {
            store,
            service: service.to_string(),
            store_name,
        })
    }

    fn entry(&self, profile: &str) -> Result<keyring_core::Entry, KeyringError> {
        self.store
            .build(&self.service, profile, None)
            .map_err(|e| KeyringError(format!("keyring entry for profile '{profile}': {e}")))
    }

    /// Store the secret of `profile`.
    pub fn set(&self, profile: &str, secret: &Secret) -> Result<(), KeyringError> {
        self.entry(profile)?
            .set_password(secret.expose())
            .map_err(|e| {
                KeyringError(format!(
                    "cannot store the secret in the {}: {e}",
                    self.store_name
                ))
            })
    }

    /// The secret of `profile`, `None` when the keyring has none.
    pub fn get(&self, profile: &str) -> Result<Option<Secret>, KeyringError> {
        match self.entry(profile)?.get_password() {
            Ok(p) => Ok(Some(Secret::new(p))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(KeyringError(format!(
                "cannot read the secret of profile '{profile}' from the {}: {e}",
                self.store_name
            ))),
        }
    }

    /// Remove the secret of `profile` (absent is fine).
    pub fn delete(&self, profile: &str) -> Result<(), KeyringError> {
        match self.entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(KeyringError(format!(
                "cannot remove the secret of profile '{profile}' from the {}: {e}",
                self.store_name
            ))),
        }
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The real kernel keyring, under a service name no one else uses.
    #[test]
    fn keyutils_round_trip() {
        let service = format!("onboard-test-{}", uuid::Uuid::new_v4());
        let k = Keyring::open_service(&service).unwrap();
        assert_eq!(k.get("p1").unwrap(), None);
        k.set("p1", &Secret::new("s3cr3t-value")).unwrap();
        assert_eq!(k.get("p1").unwrap(), Some(Secret::new("s3cr3t-value")));
        k.delete("p1").unwrap();
        assert_eq!(k.get("p1").unwrap(), None);
        k.delete("p1").unwrap();
    }
}
