//! A user's utilization (docs/genesys-api-notes.md §4.3): `GET` and `PUT
//! /api/v2/routing/users/{userId}/utilization`, the hire list's opt-in `utilization` column.

use super::client::{Client, Req, seg};
use super::error::ApiError;
use crate::model::{MediaCapacity, UserUtilization};
use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

const TEMPLATE: &str = "/api/v2/routing/users/{userId}/utilization";

/// An `AgentMaxUtilizationResponse`, as far as onboard reads it.
#[derive(Debug, Default, Deserialize)]
struct UtilizationDto {
    #[serde(default)]
    utilization: BTreeMap<String, MediaDto>,
    /// `Agent` when the user has settings of their own, `Organization` when the user follows
    /// the org's defaults (the SDKs' `AgentMaxUtilizationResponse.level`). Absent: taken as
    /// the user's own, so a capture copies rather than silently drops (UNVERIFIED which the
    /// real API omits).
    level: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MediaDto {
    maximum_capacity: Option<u64>,
}

/// The capacities a response holds, for the media types onboard writes (others, and
/// capacities out of range, are left out: onboard could not write them back).
fn capacities(dto: UtilizationDto) -> UserUtilization {
    let own = !dto
        .level
        .as_deref()
        .is_some_and(|l| l.eq_ignore_ascii_case("organization"));
    let mut media: Vec<MediaCapacity> = dto
        .utilization
        .into_iter()
        .filter(|(media, _)| crate::model::UTILIZATION_MEDIA.contains(&media.as_str()))
        .filter_map(|(media, m)| {
            let capacity = u8::try_from(m.maximum_capacity?).ok()?;
            Some(MediaCapacity { media, capacity })
        })
        .collect();
    media.sort();
    UserUtilization { media, own }
}

fn path(user_id: &str) -> String {
    format!("/api/v2/routing/users/{}/utilization", seg(user_id))
}

impl Client {
    /// `GET /api/v2/routing/users/{userId}/utilization`: the user's maximum capacity per
    /// media type (the user's own where set, else the org's default), and whether the user
    /// has settings of their own.
    pub async fn user_utilization(&self, user_id: &str) -> Result<UserUtilization, ApiError> {
        let dto: Option<UtilizationDto> = self.call(Req::get(TEMPLATE, path(user_id))).await?;
        Ok(capacities(dto.unwrap_or_default()))
    }

    /// `PUT /api/v2/routing/users/{userId}/utilization` with only the given media types
    /// ("Include only those media types requiring custom configuration"); the API returns
    /// the others to the org's defaults.
    pub async fn put_user_utilization(
        &self,
        user_id: &str,
        media: &[MediaCapacity],
    ) -> Result<(), ApiError> {
        let mut map = Map::new();
        for m in media {
            map.insert(
                m.media.clone(),
                json!({"maximumCapacity": m.capacity, "interruptableMediaTypes": [],
                       "includeNonAcd": false}),
            );
        }
        let body = json!({ "utilization": Value::Object(map) });
        let r = Req::new(Method::PUT, TEMPLATE, path(user_id)).json(&body)?;
        self.call_unit(r).await.map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_known_media_in_range() {
        let dto: UtilizationDto = serde_json::from_value(json!({"utilization": {
            "chat": {"maximumCapacity": 3}, "call": {"maximumCapacity": 1},
            "fax": {"maximumCapacity": 2}, "email": {"maximumCapacity": 900},
            "message": {}}, "level": "Agent"}))
        .unwrap();
        let got = capacities(dto);
        assert_eq!(
            crate::model::format_utilization(&got.media),
            "call=1; chat=3"
        );
        assert!(got.own);
        assert_eq!(got.own_cell(), "call=1; chat=3");
    }

    #[test]
    fn the_org_level_is_not_the_users_own() {
        let dto: UtilizationDto = serde_json::from_value(json!({"utilization": {
            "call": {"maximumCapacity": 1}}, "level": "Organization"}))
        .unwrap();
        let got = capacities(dto);
        assert_eq!(got.media.len(), 1);
        assert!(!got.own);
        assert_eq!(got.own_cell(), "");
    }
}
