//! Telephony reads: trunks, trunk base settings, DID pools and numbers, extension pools and
//! extensions (docs/genesys-api-notes.md §6, §10).

use super::client::{Client, Req, seg};
use super::dto::{
    DidNumberDto, DidPoolDto, ExtensionDto, ExtensionPoolDto, TrunkBaseDto, TrunkDto,
};
use super::error::ApiError;
use super::pagination::PAGE_SIZE;

/// The trunk-base property the simulator uses for the channel count (the real key is
/// UNVERIFIED; profiles may name another).
pub const DEFAULT_TRUNK_CHANNELS_KEY: &str = "trunk_max_calls";

/// `/didpools/dids` `type` filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DidFilter {
    AssignedAndUnassigned,
    Unassigned,
}

/// The channel count under `key` in a trunk base's `properties`. Genesys properties are
/// usually `{"key": {"type": …, "value": {"default": …, "instance": N}}}`; a plain number or
/// numeric string is accepted too.
pub fn trunk_channels(properties: &serde_json::Value, key: &str) -> Option<u32> {
    fn num(v: &serde_json::Value) -> Option<u32> {
        match v {
            serde_json::Value::Number(n) => n.as_f64().filter(|f| *f >= 0.0).map(|f| f as u32),
            serde_json::Value::String(s) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|f| *f >= 0.0)
                .map(|f| f as u32),
            serde_json::Value::Object(o) => o
                .get("value")
                .and_then(num)
                .or_else(|| o.get("instance").and_then(num))
                .or_else(|| o.get("default").and_then(num)),
            _ => None,
        }
    }
    properties.get(key).and_then(num)
}

impl Client {
    /// `GET /api/v2/telephony/providers/edges/trunks`, every page.
    pub async fn trunks(&self) -> Result<Vec<TrunkDto>, ApiError> {
        let r = Req::get(
            "/api/v2/telephony/providers/edges/trunks",
            "/api/v2/telephony/providers/edges/trunks".into(),
        );
        self.all_pages(r, PAGE_SIZE).await
    }

    /// `GET /api/v2/telephony/providers/edges/trunkbasesettings/{trunkBaseSettingsId}`.
    pub async fn trunk_base_settings(&self, id: &str) -> Result<TrunkBaseDto, ApiError> {
        self.call(Req::get(
            "/api/v2/telephony/providers/edges/trunkbasesettings/{trunkBaseSettingsId}",
            format!(
                "/api/v2/telephony/providers/edges/trunkbasesettings/{}",
                seg(id)
            ),
        ))
        .await
    }

    /// `GET /api/v2/telephony/providers/edges/didpools`, every page.
    pub async fn did_pools(&self) -> Result<Vec<DidPoolDto>, ApiError> {
        let r = Req::get(
            "/api/v2/telephony/providers/edges/didpools",
            "/api/v2/telephony/providers/edges/didpools".into(),
        );
        self.all_pages(r, PAGE_SIZE).await
    }

    /// `GET /api/v2/telephony/providers/edges/didpools/dids?type=…&numberMatch=…`, every page.
    pub async fn dids(
        &self,
        filter: DidFilter,
        number_match: Option<&str>,
    ) -> Result<Vec<DidNumberDto>, ApiError> {
        let mut r = Req::get(
            "/api/v2/telephony/providers/edges/didpools/dids",
            "/api/v2/telephony/providers/edges/didpools/dids".into(),
        )
        .q(
            "type",
            match filter {
                DidFilter::AssignedAndUnassigned => "ASSIGNED_AND_UNASSIGNED",
                DidFilter::Unassigned => "UNASSIGNED",
            },
        );
        if let Some(m) = number_match {
            r = r.q("numberMatch", m);
        }
        self.all_pages(r, PAGE_SIZE).await
    }

    /// `GET /api/v2/telephony/providers/edges/extensionpools`, every page.
    pub async fn extension_pools(&self) -> Result<Vec<ExtensionPoolDto>, ApiError> {
        let r = Req::get(
            "/api/v2/telephony/providers/edges/extensionpools",
            "/api/v2/telephony/providers/edges/extensionpools".into(),
        );
        self.all_pages(r, PAGE_SIZE).await
    }

    /// `GET /api/v2/telephony/providers/edges/extensions`, every page.
    pub async fn extensions(&self) -> Result<Vec<ExtensionDto>, ApiError> {
        let r = Req::get(
            "/api/v2/telephony/providers/edges/extensions",
            "/api/v2/telephony/providers/edges/extensions".into(),
        );
        self.all_pages(r, PAGE_SIZE).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn channel_count_in_every_plausible_shape() {
        let k = DEFAULT_TRUNK_CHANNELS_KEY;
        assert_eq!(trunk_channels(&serde_json::json!({k: 50}), k), Some(50));
        assert_eq!(trunk_channels(&serde_json::json!({k: "24"}), k), Some(24));
        assert_eq!(
            trunk_channels(
                &serde_json::json!({k: {"type":"integer","value":{"default":10,"instance":30}}}),
                k
            ),
            Some(30)
        );
        assert_eq!(trunk_channels(&serde_json::json!({"other": 1}), k), None);
    }
}
