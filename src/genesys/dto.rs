//! API bodies as the Platform API v2 spells them (official SDK models). Responses are read
//! tolerantly: every field has a default, unknown fields are ignored.

use super::secret::Secret;
use serde::{Deserialize, Serialize, Serializer};

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
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// Page-number listing (`…EntityListing`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Listing<T> {
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

/// `Contact` — an entry of a user's `addresses`.
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
    #[serde(skip_serializing_if = "Option::is_none", skip_deserializing)]
    pub display: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country_code: Option<String>,
}

impl Contact {
    /// A work phone (`PHONE`/`WORK`) with an E.164 number.
    pub fn work_phone(number: &str) -> Self {
        Contact {
            address: Some(number.to_string()),
            media_type: Some("PHONE".into()),
            kind: Some("WORK".into()),
            ..Default::default()
        }
    }

    /// A work phone (`PHONE`/`WORK`) with an extension.
    pub fn work_extension(ext: &str) -> Self {
        Contact {
            extension: Some(ext.to_string()),
            media_type: Some("PHONE".into()),
            kind: Some("WORK".into()),
            ..Default::default()
        }
    }
}

/// `UserRoutingSkill` / `UserRoutingLanguage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserRouting {
    pub id: String,
    pub name: Option<String>,
    pub proficiency: f64,
    pub state: Option<String>,
}

/// `User` (response).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct User {
    pub id: String,
    pub name: String,
    pub division: Option<Ref>,
    pub email: Option<String>,
    pub username: Option<String>,
    pub state: Option<String>,
    pub version: Option<i64>,
    pub department: Option<String>,
    pub title: Option<String>,
    pub manager: Option<Ref>,
    pub addresses: Vec<Contact>,
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

    /// Work phone (E.164) and extension from `addresses` (PHONE entries).
    pub fn phone_and_extension(&self) -> (Option<String>, Option<String>) {
        let mut phone = None;
        let mut ext = None;
        let phones = self.addresses.iter().filter(|c| {
            c.media_type
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case("PHONE"))
        });
        for c in phones {
            let work = c
                .kind
                .as_deref()
                .is_none_or(|k| k.eq_ignore_ascii_case("WORK"));
            if let Some(e) = c.extension.as_deref().filter(|e| !e.is_empty())
                && ext.is_none()
            {
                ext = Some(e.to_string());
            }
            if let Some(a) = c.address.as_deref().filter(|a| !a.is_empty())
                && (phone.is_none() && work)
            {
                phone = Some(a.to_string());
            }
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
    pub results: Vec<User>,
}

/// `UserExternalIdentifier`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExternalIdDto {
    pub authority_name: String,
    pub external_key: String,
}

// ------------------------------------------------------------------------------------------
// Authorization
// ------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DivisionDto {
    pub id: String,
    pub name: String,
    pub home_division: Option<bool>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RoleDto {
    pub id: String,
    pub name: String,
    pub base_license: Option<String>,
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
    pub id: String,
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
    pub id: String,
    pub name: String,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct QueueDto {
    pub id: String,
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
    pub id: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct UserLicensesDto {
    pub id: String,
    /// Licence ids (listing) — or definitions in other shapes; read tolerantly.
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
    pub user_id: String,
    pub license_id: String,
    pub result: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingPeriod {
    pub id: String,
    pub date_start: Option<String>,
    pub date_end: Option<String>,
    pub status: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct BillingContract {
    pub id: String,
    pub status: Option<String>,
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
    pub id: String,
    pub status: Option<String>,
    pub charges: Vec<BillingCharge>,
}

/// Cursor listing (`BillingContractListing`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct CursorListing<T> {
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
    pub id: String,
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
    pub id: String,
    pub name: Option<String>,
    pub properties: serde_json::Value,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DidPoolDto {
    pub id: String,
    pub start_phone_number: String,
    pub end_phone_number: String,
    pub state: Option<String>,
}

/// `DIDNumber` (`/didpools/dids`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct DidNumberDto {
    pub id: Option<String>,
    pub number: String,
    pub assigned: Option<bool>,
    pub did_pool: Option<Ref>,
    pub owner: Option<Ref>,
    pub owner_type: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExtensionPoolDto {
    pub id: String,
    pub start_number: String,
    pub end_number: String,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ExtensionDto {
    pub id: Option<String>,
    pub number: String,
    pub owner: Option<Ref>,
    pub owner_type: Option<String>,
    pub extension_pool: Option<Ref>,
}
