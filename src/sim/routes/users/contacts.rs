//! Validation of the addresses on a user: e-mail, E.164 numbers, extensions, contact types.

use crate::sim::error::{ApiError, ApiResult};
use crate::sim::seed::SeedContact;
use crate::sim::state::Org;
use serde::Deserialize;
use serde_json::json;

pub(super) fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.chars().any(|c| c.is_whitespace() || c.is_control())
}

pub(super) fn valid_e164(p: &str) -> bool {
    let Some(d) = p.strip_prefix('+') else {
        return false;
    };
    (7..=15).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()) && !d.starts_with('0')
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct ContactIn {
    address: Option<String>,
    extension: Option<String>,
    media_type: Option<String>,
    r#type: Option<String>,
}

pub(super) const CONTACT_TYPES: [&str; 9] = [
    "PRIMARY", "WORK", "WORK2", "WORK3", "WORK4", "HOME", "MOBILE", "MAIN", "OTHER",
];

/// Validates `addresses`: shapes, E.164, extension pools, and that a DID or extension
/// belongs to no other user. A phone contact may carry a number AND its extension (one
/// `PHONE`/`WORK` entry, as Terraform writes them: docs/genesys-api-notes.md §11.2); two entries with
/// the same `mediaType` and `type` are refused. An extension outside every pool is accepted
/// only when the user already holds it (it was given before the pool existed and comes back
/// as `display` only), so a client can send the user's contacts back unchanged.
pub(super) fn check_addresses(
    org: &Org,
    list: &[ContactIn],
    self_id: Option<&str>,
) -> ApiResult<Vec<SeedContact>> {
    let mut out: Vec<SeedContact> = Vec::new();
    for c in list {
        let contact = check_contact(org, c, self_id)?;
        if out
            .iter()
            .any(|o| o.media_type == contact.media_type && o.r#type == contact.r#type)
        {
            return Err(ApiError::invalid(
                "addresses",
                format!(
                    "Only one {} contact of type {} is allowed.",
                    contact.media_type, contact.r#type
                ),
                None,
            ));
        }
        if out.iter().any(|o| {
            (contact.address.is_some() && o.address == contact.address)
                || (contact.extension.is_some() && o.extension == contact.extension)
        }) {
            return Err(ApiError::invalid(
                "addresses",
                "The same number appears twice.",
                None,
            ));
        }
        out.push(contact);
    }
    Ok(out)
}

/// One `addresses` entry: media type, type, and the address / extension rules.
pub(super) fn check_contact(
    org: &Org,
    c: &ContactIn,
    self_id: Option<&str>,
) -> ApiResult<SeedContact> {
    let media = c.media_type.clone().unwrap_or_else(|| "PHONE".into());
    if !["PHONE", "EMAIL", "SMS"].contains(&media.as_str()) {
        return Err(ApiError::invalid(
            "addresses.mediaType",
            format!("'{media}' is not a valid mediaType (PHONE, EMAIL, SMS)"),
            None,
        ));
    }
    let typ = c.r#type.clone().unwrap_or_else(|| "WORK".into());
    if !CONTACT_TYPES.contains(&typ.as_str()) {
        return Err(ApiError::invalid(
            "addresses.type",
            format!("'{typ}' is not a valid contact type"),
            None,
        ));
    }
    let address = c.address.clone().filter(|a| !a.is_empty());
    let extension = c.extension.clone().filter(|a| !a.is_empty());
    if address.is_none() && extension.is_none() {
        return Err(ApiError::invalid(
            "addresses",
            "A contact needs an address or an extension.",
            None,
        ));
    }
    if media == "EMAIL" {
        if extension.is_some() {
            return Err(ApiError::invalid(
                "addresses.extension",
                "An EMAIL contact cannot have an extension.",
                None,
            ));
        }
        if let Some(a) = &address
            && !valid_email(a)
        {
            return Err(ApiError::invalid(
                "addresses.address",
                format!("'{a}' is not a valid email address"),
                None,
            ));
        }
    } else if let Some(a) = &address {
        check_number(org, &media, a, self_id)?;
    }
    if let Some(x) = &extension {
        check_extension(org, x, self_id)?;
    }
    Ok(SeedContact {
        address,
        extension,
        media_type: media,
        r#type: typ,
    })
}

pub(super) fn check_number(
    org: &Org,
    media: &str,
    a: &str,
    self_id: Option<&str>,
) -> ApiResult<()> {
    if !valid_e164(a) {
        return Err(ApiError::invalid(
            "addresses.address",
            format!("'{a}' is not a valid E.164 phone number"),
            None,
        ));
    }
    if media == "PHONE"
        && let Some(owner) = org.owner_of_number(a, false)
        && Some(owner.id.as_str()) != self_id
    {
        let mut e = ApiError::bad_request(format!(
            "The phone number {a} is already assigned to another user."
        ));
        e.details.push(json!({"errorCode": "phone.number.in.use", "fieldName": "addresses.address", "entityId": owner.id}));
        return Err(e);
    }
    Ok(())
}

pub(super) fn check_extension(org: &Org, x: &str, self_id: Option<&str>) -> ApiResult<()> {
    if !(2..=10).contains(&x.len()) || !x.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid(
            "addresses.extension",
            format!("'{x}' is not a valid extension"),
            None,
        ));
    }
    let owner = org.owner_of_number(x, true);
    let already_mine = self_id.is_some() && owner.map(|o| o.id.as_str()) == self_id;
    if !already_mine && !org.extension_pools.iter().any(|p| p.contains(x)) {
        return Err(ApiError::invalid(
            "addresses.extension",
            format!("The extension {x} is not in any extension pool."),
            None,
        ));
    }
    if let Some(owner) = owner
        && Some(owner.id.as_str()) != self_id
    {
        let mut e = ApiError::bad_request(format!(
            "The extension {x} is already assigned to another user."
        ));
        e.details.push(json!({"errorCode": "extension.in.use", "fieldName": "addresses.extension", "entityId": owner.id}));
        return Err(e);
    }
    Ok(())
}
