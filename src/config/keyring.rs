//! Secrets in the OS keyring: the kernel keyring (keyutils) on Linux — it works without a
//! desktop session and keeps the secret until the user's keyrings are dropped (logout or
//! reboot) — the Keychain on macOS and the Credential Manager on Windows (keyring-core
//! stores).
//!
//! Entries: service `onboard` (or `ONBOARD_KEYRING_SERVICE`), account = profile name; on
//! Linux the key is a `user` key described `keyring:PROFILE@SERVICE` (the naming of
//! `linux-keyutils-keyring-store`) in the user keyring `@u`.
//!
//! Why Linux does not go through `linux-keyutils-keyring-store`: every entry it builds asks
//! for the user's persistent keyring (`KEYCTL_GET_PERSISTENT` on the session keyring). In a
//! process without a login session keyring (ssh without pam_keyinit, containers, CI) that
//! call installs a fresh private session keyring, so the process no longer possesses keys
//! it stored earlier, and reads fail with `EACCES`; linking into the persistent keyring is
//! refused in containers as well. onboard therefore talks to the kernel keyring directly
//! through `linux-keyutils` (the crate that store is built on), in the user keyring, with
//! the key readable by the same user, and never touches the persistent keyring.
//! Secret Service (GNOME Keyring/KWallet over D-Bus) is not used: there is no session bus
//! on the machines this was built for, so that path could not be tested.

use crate::genesys::Secret;
#[cfg(not(target_os = "linux"))]
use keyring_core::api::CredentialStore;
#[cfg(not(target_os = "linux"))]
use std::sync::Arc;

/// A keyring failure, as one line a person can act on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyringError(pub String);

/// The platform's secret store, opened for one service name.
pub struct Keyring {
    #[cfg(not(target_os = "linux"))]
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

/// The service name: `ONBOARD_KEYRING_SERVICE`, default `onboard`.
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

    #[cfg(target_os = "linux")]
    pub fn open_service(service: &str) -> Result<Keyring, KeyringError> {
        Ok(Keyring {
            service: service.to_string(),
            store_name: "Linux kernel keyring (keyutils; kept until logout or reboot)",
        })
    }

    #[cfg(not(target_os = "linux"))]
    pub fn open_service(service: &str) -> Result<Keyring, KeyringError> {
        let (store, store_name) = platform_store()?;
        Ok(Keyring {
            store,
            service: service.to_string(),
            store_name,
        })
    }

    fn fail(&self, what: &str, profile: &str, e: impl std::fmt::Display) -> KeyringError {
        KeyringError(format!(
            "cannot {what} the secret of profile '{}' in the {}: {e}",
            crate::model::sanitize(profile),
            self.store_name
        ))
    }

    /// Store the secret of `profile` (replacing any earlier one).
    pub fn set(&self, profile: &str, secret: &Secret) -> Result<(), KeyringError> {
        #[cfg(target_os = "linux")]
        return keyutils::set(&self.service, profile, secret)
            .map_err(|e| self.fail("store", profile, e));
        #[cfg(not(target_os = "linux"))]
        self.entry(profile)?
            .set_password(secret.expose())
            .map_err(|e| self.fail("store", profile, e))
    }

    /// The secret of `profile`, `None` when the keyring has none.
    pub fn get(&self, profile: &str) -> Result<Option<Secret>, KeyringError> {
        #[cfg(target_os = "linux")]
        return keyutils::get(&self.service, profile).map_err(|e| self.fail("read", profile, e));
        #[cfg(not(target_os = "linux"))]
        match self.entry(profile)?.get_password() {
            Ok(p) => Ok(Some(Secret::new(p))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(self.fail("read", profile, e)),
        }
    }

    /// Remove the secret of `profile` (absent is fine).
    pub fn delete(&self, profile: &str) -> Result<(), KeyringError> {
        #[cfg(target_os = "linux")]
        return keyutils::delete(&self.service, profile)
            .map_err(|e| self.fail("remove", profile, e));
        #[cfg(not(target_os = "linux"))]
        match self.entry(profile)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(self.fail("remove", profile, e)),
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn entry(&self, profile: &str) -> Result<keyring_core::Entry, KeyringError> {
        self.store
            .build(&self.service, profile, None)
            .map_err(|e| self.fail("find", profile, e))
    }
}

/// The kernel keyring, used directly (see the module docs).
#[cfg(target_os = "linux")]
mod keyutils {
    use crate::genesys::Secret;
    use linux_keyutils::{KeyError, KeyPermissionsBuilder, KeyRing, KeyRingIdentifier, Permission};

    /// A keyutils failure with a readable text.
    #[derive(Debug)]
    pub struct Failure(KeyError);

    impl std::fmt::Display for Failure {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            match self.0 {
                KeyError::AccessDenied => f.write_str(
                    "access denied by the kernel keyring (another user's key, or keyrings disabled); set ONBOARD_CLIENT_ID and ONBOARD_CLIENT_SECRET instead",
                ),
                KeyError::QuotaExceeded => f.write_str("the kernel keyring quota is full; remove unused keys"),
                ref other => write!(f, "keyutils error {other:?}"),
            }
        }
    }

    impl From<KeyError> for Failure {
        fn from(e: KeyError) -> Self {
            Failure(e)
        }
    }

    fn description(service: &str, profile: &str) -> String {
        format!("keyring:{profile}@{service}")
    }

    fn gone(e: &KeyError) -> bool {
        matches!(
            e,
            KeyError::KeyDoesNotExist | KeyError::KeyRevoked | KeyError::KeyExpired
        )
    }

    fn user_ring() -> Result<KeyRing, Failure> {
        Ok(KeyRing::from_special_id(KeyRingIdentifier::User, true)?)
    }

    pub fn set(service: &str, profile: &str, secret: &Secret) -> Result<(), Failure> {
        let key =
            user_ring()?.add_key(&description(service, profile), secret.expose().as_bytes())?;
        // Readable by this user's later processes even when they do not possess the user
        // keyring (no login session keyring); nobody else gets any access.
        let perms = KeyPermissionsBuilder::builder()
            .posessor(Permission::ALL)
            .user(
                Permission::VIEW
                    | Permission::READ
                    | Permission::SEARCH
                    | Permission::WRITE
                    | Permission::SETATTR,
            )
            .build();
        let _ = key.set_perms(perms);
        Ok(())
    }

    pub fn get(service: &str, profile: &str) -> Result<Option<Secret>, Failure> {
        match user_ring()?.search(&description(service, profile)) {
            Ok(key) => {
                let bytes = key.read_to_vec()?;
                Ok(String::from_utf8(bytes).ok().map(Secret::new))
            }
            Err(e) if gone(&e) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    pub fn delete(service: &str, profile: &str) -> Result<(), Failure> {
        let ring = user_ring()?;
        let desc = description(service, profile);
        for _ in 0..8 {
            match ring.search(&desc) {
                Ok(key) => {
                    let _ = ring.unlink_key(key);
                    match key.invalidate() {
                        Ok(()) => {}
                        Err(e) if gone(&e) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                Err(e) if gone(&e) => return Ok(()),
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
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
