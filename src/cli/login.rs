//! `onboard login`: verify an OAuth client against the org, store its secret in the OS
//! keyring and the profile (no secret) in the config dir.

use super::{ConnectArgs, Exit};
use crate::config::{Keyring, Paths, Profile, Profiles, profiles::check_name};
use crate::genesys::{self, Client, ClientConfig, Secret};
use crate::model::sanitize;
use std::io::{BufRead, IsTerminal};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub connect: ConnectArgs,
    /// The OAuth client id (a Client Credentials grant).
    #[arg(long)]
    pub client_id: String,
}

fn read_secret(client_id: &str) -> Result<Secret, String> {
    let stdin = std::io::stdin();
    let line = if stdin.is_terminal() {
        rpassword::prompt_password(format!("Client secret for {}: ", sanitize(client_id)))
            .map_err(|e| format!("cannot read the secret from the terminal: {e}"))?
    } else {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("cannot read the secret from standard input: {e}"))?;
        line
    };
    let secret = line.trim_end_matches(['\r', '\n']).trim().to_string();
    if secret.is_empty() {
        return Err("no secret given: type it at the prompt, or pipe it on standard input".into());
    }
    Ok(Secret::new(secret))
}

pub async fn run(args: Args) -> Exit {
    match login(args).await {
        Ok(msg) => {
            super::out(&format!("{msg}\n"));
            Exit::Ok
        }
        Err(msg) => {
            eprintln!("onboard login: {msg}");
            Exit::CannotRun
        }
    }
}

async fn login(args: Args) -> Result<String, String> {
    let Some(name) = args.connect.profile.clone() else {
        return Err("name the profile to save: --profile NAME".into());
    };
    check_name(&name).map_err(|e| e.0)?;
    let client_id = args.client_id.trim().to_string();
    if client_id.is_empty() {
        return Err("--client-id is empty".into());
    }
    let (endpoints, region, api_url) = match (&args.connect.api_url, &args.connect.region) {
        (Some(url), _) => (
            genesys::url_endpoints(url),
            None,
            Some(url.trim().to_string()),
        ),
        (None, Some(r)) => {
            let domain = genesys::region::region_domain(r).map_err(|e| e.message)?;
            (
                genesys::region_endpoints(domain),
                Some(domain.to_string()),
                None,
            )
        }
        (None, None) => {
            return Err(
                "say where the org is: --region DOMAIN (e.g. mypurecloud.ie) or --api-url URL"
                    .into(),
            );
        }
    };
    let endpoints = endpoints.map_err(|e| e.message)?;
    // Everything that can be checked without the secret is checked before asking for it.
    let paths = Paths::resolve().map_err(|e| e.0)?;
    let mut profiles = Profiles::load(&paths).map_err(|e| e.0)?;
    let keyring = Keyring::open().map_err(|e| e.0)?;

    let secret = read_secret(&client_id)?;
    let client = Client::new(ClientConfig::new(
        endpoints.api_base.clone(),
        endpoints.login_base.clone(),
        client_id.clone(),
        secret.clone(),
    ))
    .map_err(|e| e.message)?;
    client.verify().await.map_err(|e| match e.kind {
        genesys::ErrorKind::Unauthorized => {
            format!("the credentials did not work, nothing was saved: {e}")
        }
        _ => format!("could not check the credentials, nothing was saved: {e}"),
    })?;

    keyring.set(&name, &secret).map_err(|e| e.0)?;
    let previous = profiles.profiles.remove(&name).unwrap_or_default();
    profiles.profiles.insert(
        name.clone(),
        Profile {
            region,
            api_url,
            client_id: client_id.clone(),
            keyring_store: Some(keyring.store_name.to_string()),
            // Keep the configuration an admin added by hand.
            ..previous
        },
    );
    profiles.save(&paths).map_err(|e| e.0)?;
    Ok(format!(
        "Logged in: profile '{name}' → {} (client id {}). Secret stored in the {}; profile saved to {} (no secret in it).",
        endpoints.api_base,
        sanitize(&client_id),
        keyring.store_name,
        paths.profiles_file().display()
    ))
}
