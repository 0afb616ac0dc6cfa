//! `onboard profiles`: list saved profiles, or remove one (`--remove NAME`) together with
//! its keyring secret.

use super::Exit;
use crate::config::{Keyring, Paths, Profiles};
use crate::model::sanitize;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Remove this profile and its secret from the keyring.
    #[arg(long, value_name = "NAME")]
    pub remove: Option<String>,
}

pub async fn run(args: Args) -> Exit {
    match profiles(args) {
        Ok(out) => {
            super::out(&out);
            Exit::Ok
        }
        Err(msg) => {
            eprintln!("onboard profiles: {msg}");
            Exit::CannotRun
        }
    }
}

fn profiles(args: Args) -> Result<String, String> {
    let paths = Paths::resolve().map_err(|e| e.0)?;
    let mut profiles = Profiles::load(&paths).map_err(|e| e.0)?;
    let keyring = Keyring::open();
    if let Some(name) = args.remove {
        if profiles.profiles.remove(&name).is_none() {
            return Err(format!(
                "no profile named '{}' (see `onboard profiles`)",
                sanitize(&name)
            ));
        }
        let keyring = keyring.map_err(|e| e.0)?;
        keyring.delete(&name).map_err(|e| e.0)?;
        profiles.save(&paths).map_err(|e| e.0)?;
        return Ok(format!(
            "Removed profile '{}' and its secret from the {}.\n",
            sanitize(&name),
            keyring.store_name
        ));
    }
    if profiles.profiles.is_empty() {
        return Ok(format!(
            "No profiles in {}. Create one with `onboard login --profile NAME --region DOMAIN --client-id ID`.\n",
            paths.profiles_file().display()
        ));
    }
    let mut out = String::from("PROFILE\tORG\tCLIENT ID\tSECRET\n");
    for (name, p) in &profiles.profiles {
        let secret = match &keyring {
            Ok(k) => match k.get(name) {
                Ok(Some(_)) => format!("in the {}", k.store_name),
                Ok(None) => "missing — run `onboard login` again".to_string(),
                Err(e) => format!("unreadable: {e}"),
            },
            Err(e) => format!("unknown: {e}"),
        };
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\n",
            sanitize(name),
            sanitize(&p.target()),
            sanitize(&p.client_id),
            secret
        ));
    }
    Ok(out)
}
