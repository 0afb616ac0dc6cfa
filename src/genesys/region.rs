//! Genesys Cloud regions (docs/genesys-api-notes.md §1.1) and base-URL rules.

use super::error::ApiError;
use url::Url;

/// The 17 region domains of the official SDKs, with the SDK region names.
pub const REGIONS: [(&str, &str); 17] = [
    ("us_east_1", "mypurecloud.com"),
    ("us_east_2", "use2.us-gov-pure.cloud"),
    ("us_west_2", "usw2.pure.cloud"),
    ("ca_central_1", "cac1.pure.cloud"),
    ("sa_east_1", "sae1.pure.cloud"),
    ("mx_central_1", "mxc1.pure.cloud"),
    ("eu_west_1", "mypurecloud.ie"),
    ("eu_west_2", "euw2.pure.cloud"),
    ("eu_central_1", "mypurecloud.de"),
    ("eu_central_2", "euc2.pure.cloud"),
    ("me_central_1", "mec1.pure.cloud"),
    ("ap_south_1", "aps1.pure.cloud"),
    ("ap_northeast_1", "mypurecloud.jp"),
    ("ap_northeast_2", "apne2.pure.cloud"),
    ("ap_northeast_3", "apne3.pure.cloud"),
    ("ap_southeast_1", "apse1.pure.cloud"),
    ("ap_southeast_2", "mypurecloud.com.au"),
];

/// API and login base URLs of an org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoints {
    /// `https://api.DOMAIN` (or the `--api-url`).
    pub api_base: Url,
    /// `https://login.DOMAIN` (or the `--api-url`: the simulator serves `/oauth/token` too).
    pub login_base: Url,
}

/// Resolve `--region` (a domain such as `mypurecloud.ie`, an SDK name such as `eu_west_1`,
/// or a host such as `api.mypurecloud.ie`) to the region's domain.
pub fn region_domain(region: &str) -> Result<&'static str, ApiError> {
    let r = region.trim().trim_end_matches('/').to_ascii_lowercase();
    let r = r
        .strip_prefix("https://")
        .unwrap_or(&r)
        .trim_start_matches("api.")
        .trim_start_matches("login.");
    let r = r.replace('-', "_");
    for (name, domain) in REGIONS {
        if r == domain.replace('-', "_") || r == name {
            return Ok(domain);
        }
    }
    let known: Vec<&str> = REGIONS.iter().map(|(_, d)| *d).collect();
    Err(ApiError::config(format!(
        "unknown region '{}': use one of {}",
        crate::model::sanitize(region),
        known.join(", ")
    )))
}

/// Endpoints for a region domain: `https://api.DOMAIN` and `https://login.DOMAIN`.
pub fn region_endpoints(region: &str) -> Result<Endpoints, ApiError> {
    let domain = region_domain(region)?;
    let api = Url::parse(&format!("https://api.{domain}"))
        .map_err(|e| ApiError::config(format!("bad region URL: {e}")))?;
    let login = Url::parse(&format!("https://login.{domain}"))
        .map_err(|e| ApiError::config(format!("bad region URL: {e}")))?;
    Ok(Endpoints {
        api_base: api,
        login_base: login,
    })
}

/// Endpoints for an explicit `--api-url`. An `https://api.X` URL gets its token from
/// `https://login.X` (as the SDKs do); any other URL (e.g. the simulator) serves both.
/// Plain `http://` is refused unless the host is a loopback address.
pub fn url_endpoints(api_url: &str) -> Result<Endpoints, ApiError> {
    let url = Url::parse(api_url.trim()).map_err(|e| {
        ApiError::config(format!(
            "--api-url '{}' is not a URL ({e}); write it like https://api.mypurecloud.ie or http://127.0.0.1:8080",
            crate::model::sanitize(api_url)
        ))
    })?;
    check_scheme(&url)?;
    let mut login = url.clone();
    if let Some(host) = url.host_str()
        && let Some(rest) = host.strip_prefix("api.")
    {
        let _ = login.set_host(Some(&format!("login.{rest}")));
    }
    Ok(Endpoints {
        api_base: url,
        login_base: login,
    })
}

/// Refuse `http://` for anything but loopback, and schemes other than http(s).
pub fn check_scheme(url: &Url) -> Result<(), ApiError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(ApiError::config(format!(
            "refusing plain http:// to {}: the secret would cross the network unencrypted; use https:// (http is allowed only for loopback addresses such as 127.0.0.1)",
            url.host_str().unwrap_or("?")
        ))),
        other => Err(ApiError::config(format!(
            "unsupported URL scheme '{other}': use https:// (or http:// for loopback)"
        ))),
    }
}

/// True for `localhost`, 127.0.0.0/8 and `[::1]`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_17_regions_resolve_to_api_and_login_hosts() {
        for (name, domain) in REGIONS {
            let e = region_endpoints(domain).unwrap();
            assert_eq!(e.api_base.as_str(), format!("https://api.{domain}/"));
            assert_eq!(e.login_base.as_str(), format!("https://login.{domain}/"));
            assert_eq!(region_endpoints(name).unwrap(), e);
        }
        assert_eq!(REGIONS.len(), 17);
        assert!(region_endpoints("mypurecloud.xx").is_err());
    }

    #[test]
    fn http_only_for_loopback() {
        assert!(url_endpoints("http://127.0.0.1:8080").is_ok());
        assert!(url_endpoints("http://localhost:1").is_ok());
        assert!(url_endpoints("http://[::1]:1").is_ok());
        let err = url_endpoints("http://10.0.0.5:8080").unwrap_err();
        assert!(err.to_string().contains("refusing plain http://"), "{err}");
        let e = url_endpoints("https://api.mypurecloud.ie").unwrap();
        assert_eq!(e.login_base.as_str(), "https://login.mypurecloud.ie/");
        let e = url_endpoints("http://127.0.0.1:9").unwrap();
        assert_eq!(e.login_base, e.api_base);
    }
}
