//! API bodies as the Platform API v2 spells them (official SDK models). Responses are read
//! tolerantly: every field has a default, unknown fields are ignored.

use super::secret::Secret;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `null` reads as the field's default: the API may answer `null` for any field it has no
/// value for, and that must mean "absent", not a decode error.
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

fn ser_secret<S: Serializer>(s: &Option<Secret>, ser: S) -> Result<S::Ok, S::Error> {
    match s {
        Some(v) => ser.serialize_str(v.expose()),
        None => ser.serialize_none(),
    }
}

/// `{id, name}` references (`division`, `role`, `manager`, `owner`, `trunkBase`, …).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Ref {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Page-number listing (`…EntityListing`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Listing<T> {
    #[serde(
        deserialize_with = "nullable",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub entities: Vec<T>,
    pub page_size: Option<u32>,
    pub page_number: Option<u32>,
    pub total: Option<u64>,
    pub page_count: Option<u32>,
    pub next_uri: Option<String>,
}

impl<T> Default for Listing<T> {
    fn default() -> Self {
        Listing {
            entities: Vec::new(),
            page_size: None,
            page_number: None,
            total: None,
            page_count: None,
            next_uri: None,
        }
    }
}

// ------------------------------------------------------------------------------------------
// Users
// ------------------------------------------------------------------------------------------

/// `Contact` — an entry of a user's `addresses`. Fields this client does not know are kept
/// in `extra`, so a contact read from the org can be sent back exactly as it came.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Contact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub extension: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Read-only on the API side; kept so that a contact goes back as it was read.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

fn non_empty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// `(2001)` → `2001`: Genesys wraps some displayed extensions in parentheses.
fn strip_parens(s: &str) -> &str {
    s.trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .trim()
}

/// A displayed number back to E.164-ish form: the leading `+` and the digits.
fn number_from_display(s: &str) -> String {
    let s = strip_parens(s);
    let plus = s.starts_with('+');
    let digits: String = s.chars().filter(char::is_ascii_digit).collect();
    if plus { format!("+{digits}") } else { digits }
}

impl Contact {
    /// The work phone (`PHONE`/`WORK`): a DID and its extension are ONE contact
    /// (docs/genesys-api-notes.md §11.2). `None` when both are empty.
    pub fn work_phone(number: Option<&str>, extension: Option<&str>) -> Option<Self> {
        let number = number.map(str::trim).filter(|s| !s.is_empty());
        let extension = extension.map(str::trim).filter(|s| !s.is_empty());
        if number.is_none() && extension.is_none() {
            return None;
        }
        Some(Contact {
            address: number.map(str::to_string),
            extension: extension.map(str::to_string),
            media_type: Some("PHONE".into()),
            kind: Some("WORK".into()),
            ..Default::default()
        })
    }

    pub fn is_phone(&self) -> bool {
        self.media_type
            .as_deref()
            .is_none_or(|m| m.eq_ignore_ascii_case("PHONE"))
    }

    /// A `PHONE` contact of type `WORK` (a missing type counts as `WORK`).
    pub fn is_work_phone(&self) -> bool {
        self.is_phone()
            && self
                .kind
                .as_deref()
                .is_none_or(|k| k.eq_ignore_ascii_case("WORK"))
    }

    /// (number, extension) of a phone contact, whichever of the four shapes it was read in
    /// (docs/genesys-api-notes.md §11.3, after Terraform's `flattenUserAddresses`):
    /// 1. `address` only: a number;
    /// 2. `extension` equal to `display`: an extension in a pool (an `address` beside it is
    ///    the pool's, not the user's number);
    /// 3. `extension` and a different `display`: number (from `address`, else `display`) +
    ///    extension;
    /// 4. `display` only: an extension outside every pool.
    pub fn phone_parts(&self) -> (Option<String>, Option<String>) {
        let addr = non_empty(&self.address);
        let ext = non_empty(&self.extension).map(strip_parens);
        let disp = non_empty(&self.display);
        let ext_is_display = ext.is_some() && ext == disp.map(strip_parens);
        let number = if ext_is_display {
            None
        } else if let Some(a) = addr {
            Some(a.to_string())
        } else if ext.is_some() {
            disp.map(number_from_display).filter(|n| !n.is_empty())
        } else {
            None
        };
        let extension = match ext {
            Some(e) => Some(e.to_string()),
            None if addr.is_none() => disp.map(|d| strip_parens(d).to_string()),
            None => None,
        };
        (number, extension.filter(|e| !e.is_empty()))
    }

    /// The contact with every field it was read with.
    pub fn to_raw(&self) -> crate::model::RawContact {
        match serde_json::to_value(self) {
            Ok(serde_json::Value::Object(m)) => crate::model::RawContact(m),
            _ => crate::model::RawContact::default(),
        }
    }

    /// A contact kept by [`Contact::to_raw`].
    pub fn from_raw(raw: &crate::model::RawContact) -> Contact {
        serde_json::from_value(serde_json::Value::Object(raw.0.clone())).unwrap_or_default()
    }

    /// The contact as it should be sent back in a PATCH that replaces `addresses`: as read,
    /// except that an extension read as `display` only (shape 4) is named as an extension,
    /// which is how it was written, and the `address` read beside a pool extension (shape 2:
    /// the pool's, not the user's number) is left out.
    pub fn for_resend(&self) -> Contact {
        let mut c = self.clone();
        let ext = non_empty(&c.extension).map(strip_parens);
        if ext.is_some() && ext == non_empty(&c.display).map(strip_parens) {
            c.address = None;
        }
        if non_empty(&c.address).is_none()
            && non_empty(&c.extension).is_none()
            && let Some(d) = non_empty(&c.display)
        {
            c.extension = Some(strip_parens(d).to_string());
        }
        c
    }
}

/// `UserRoutingSkill` / `UserRoutingLanguage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserRouting {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    pub name: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub proficiency: f64,
    pub state: Option<String>,
}

/// `User` (response).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct User {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub division: Option<Ref>,
    pub email: Option<String>,
    pub username: Option<String>,
    pub state: Option<String>,
    pub version: Option<i64>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager: Option<Ref>,
    #[serde(deserialize_with = "nullable")]
    pub addresses: Vec<Contact>,
    #[serde(deserialize_with = "nullable")]
    pub primary_contact_info: Vec<Contact>,
    /// Only with `expand=skills`; `None` when not expanded.
    pub skills: Option<Vec<UserRouting>>,
    /// Only with `expand=languages`.
    pub languages: Option<Vec<UserRouting>>,
}

impl User {
    pub fn state(&self) -> crate::model::UserState {
        match self
            .state
            .as_deref()
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("inactive") => crate::model::UserState::Inactive,
            Some("deleted") => crate::model::UserState::Deleted,
            _ => crate::model::UserState::Active,
        }
    }

    pub fn email(&self) -> &str {
        self.email
            .as_deref()
            .or(self.username.as_deref())
            .unwrap_or("")
    }

    /// Work phone (E.164) and extension from `addresses`: the first `PHONE`/`WORK` entry
    /// that has each (older onboard versions wrote them as two `WORK` entries); an extension
    /// on another phone type counts when no work entry has one.
    pub fn phone_and_extension(&self) -> (Option<String>, Option<String>) {
        let mut phone = None;
        let mut ext = None;
        for c in self.addresses.iter().filter(|c| c.is_work_phone()) {
            let (n, x) = c.phone_parts();
            phone = phone.or(n);
            ext = ext.or(x);
        }
        if ext.is_none() {
            ext = self
                .addresses
                .iter()
                .filter(|c| c.is_phone())
                .find_map(|c| c.phone_parts().1);
        }
        (phone, ext)
    }
}

/// `CreateUser` (POST /api/v2/users). `Debug` hides the password.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateUser {
    pub name: String,
    pub email: String,
    pub division_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "ser_secret")]
    pub password: Option<Secret>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<Contact>,
    /// `active` | `inactive`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `UpdateUser` (PATCH /api/v2/users/{id}); `version` is required. If `state` is set it is
/// the only change the API applies — send it alone.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateUser {
    pub version: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Manager's user id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub manager: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub addresses: Option<Vec<Contact>>,
    /// `active` | `inactive` | `deleted`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

/// `UserSearchCriteria`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchCriteria {
    #[serde(rename = "type")]
    pub kind: String,
    pub fields: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// `UserSearchRequest`.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchRequest {
    pub page_size: u32,
    pub page_number: u32,
    pub query: Vec<SearchCriteria>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub expand: Vec<String>,
}

/// `UsersSearchResponse`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct SearchResponse {
    pub total: Option<u64>,
    pub page_count: Option<u32>,
    pub page_size: Option<u32>,
    pub page_number: Option<u32>,
    #[serde(deserialize_with = "nullable")]
    pub results: Vec<User>,
}

/// `UserExternalIdentifier`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExternalIdDto {
    #[serde(deserialize_with = "nullable")]
    pub authority_name: String,
    #[serde(deserialize_with = "nullable")]
    pub external_key: String,
}

// ------------------------------------------------------------------------------------------
// Authorization
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DivisionDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub home_division: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RoleDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub base_license: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub addon_licenses: Vec<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthzGrant {
    pub subject_id: Option<String>,
    pub division: Option<Ref>,
    pub role: Option<Ref>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AuthzSubject {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub grants: Vec<AuthzGrant>,
    pub version: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GrantItem {
    pub role_id: String,
    pub division_id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrantsBody {
    pub grants: Vec<GrantItem>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RoleGrantBody {
    pub subject_ids: Vec<String>,
    pub division_ids: Vec<String>,
}

// ------------------------------------------------------------------------------------------
// Routing
// ------------------------------------------------------------------------------------------

/// Skills, languages, wrap-up codes: `{id, name, state}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NamedDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueueDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub division: Option<Ref>,
    pub member_count: Option<u32>,
    pub user_member_count: Option<u32>,
    pub joined_member_count: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoutingPost {
    pub id: String,
    pub proficiency: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct IdOnly {
    pub id: String,
}

/// `QueueMember` (GET /routing/queues/{id}/members).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueueMemberDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    pub name: Option<String>,
    pub user: Option<Ref>,
    pub joined: Option<bool>,
    pub member_by: Option<String>,
}

/// `UserQueue` (GET /users/{id}/queues).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserQueueDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    pub name: Option<String>,
    pub joined: Option<bool>,
}

// ------------------------------------------------------------------------------------------
// Licensing and billing
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LicenseDefinition {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserLicensesDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    /// Licence ids (listing) — or definitions in other shapes; read tolerantly.
    #[serde(deserialize_with = "nullable")]
    pub licenses: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LicenseAssignment {
    pub license_id: String,
    pub user_ids_add: Vec<String>,
    pub user_ids_remove: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LicenseBatch {
    pub assignments: Vec<LicenseAssignment>,
}

/// `LicenseUpdateStatus`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LicenseUpdateStatus {
    #[serde(deserialize_with = "nullable")]
    pub user_id: String,
    #[serde(deserialize_with = "nullable")]
    pub license_id: String,
    #[serde(deserialize_with = "nullable")]
    pub result: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingPeriod {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    pub date_start: Option<String>,
    pub date_end: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingContract {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    pub status: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub billing_periods: Vec<BillingPeriod>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingProduct {
    pub id: Option<String>,
    pub sku: Option<String>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingCharge {
    pub product: Option<BillingProduct>,
    pub prepaid_quantity: Option<f64>,
    pub actual_quantity: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingPeriodDetail {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    pub status: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub charges: Vec<BillingCharge>,
}

/// Cursor listing (`BillingContractListing`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CursorListing<T> {
    #[serde(
        deserialize_with = "nullable",
        bound(deserialize = "T: Deserialize<'de>")
    )]
    pub entities: Vec<T>,
    pub next_uri: Option<String>,
}

impl<T> Default for CursorListing<T> {
    fn default() -> Self {
        CursorListing {
            entities: Vec::new(),
            next_uri: None,
        }
    }
}

// ------------------------------------------------------------------------------------------
// Telephony
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TrunkDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub name: String,
    pub state: Option<String>,
    pub in_service: Option<bool>,
    pub enabled: Option<bool>,
    pub connected_status: Option<serde_json::Value>,
    pub trunk_base: Option<Ref>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct TrunkBaseDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    pub name: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub properties: serde_json::Value,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DidPoolDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub start_phone_number: String,
    #[serde(deserialize_with = "nullable")]
    pub end_phone_number: String,
    pub state: Option<String>,
}

/// `DIDNumber` (`/didpools/dids`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DidNumberDto {
    pub id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub number: String,
    pub assigned: Option<bool>,
    pub did_pool: Option<Ref>,
    pub owner: Option<Ref>,
    pub owner_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExtensionPoolDto {
    #[serde(deserialize_with = "nullable")]
    pub id: String,
    #[serde(deserialize_with = "nullable")]
    pub start_number: String,
    #[serde(deserialize_with = "nullable")]
    pub end_number: String,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExtensionDto {
    pub id: Option<String>,
    #[serde(deserialize_with = "nullable")]
    pub number: String,
    pub owner: Option<Ref>,
    pub owner_type: Option<String>,
    pub extension_pool: Option<Ref>,
}
