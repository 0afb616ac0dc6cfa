//! Licences and billing seats (docs/genesys-api-notes.md §5, §10 "Licence seats").

use super::client::{Client, Req, Safety};
use super::dto::{
    BillingCharge, BillingContract, BillingPeriodDetail, CursorListing, LicenseAssignment,
    LicenseBatch, LicenseDefinition, LicenseUpdateStatus, UserLicensesDto,
};
use super::error::{ApiError, ErrorKind};
use super::pagination::PAGE_SIZE;
use reqwest::Method;
use std::collections::BTreeMap;

/// One licence's changes for [`Client::assign_licenses`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseChange {
    pub license_id: String,
    pub add: Vec<String>,
    pub remove: Vec<String>,
}

/// Seats of one billed product, summed over the current billing periods.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BilledSeats {
    pub product_id: Option<String>,
    pub sku: Option<String>,
    pub name: Option<String>,
    pub prepaid: f64,
    pub actual: f64,
}

impl BilledSeats {
    /// Whether this charge is for licence `license_id` (product id, sku or name equal,
    /// case-insensitive — the mapping is UNVERIFIED for real orgs).
    pub fn matches(&self, license_id: &str) -> bool {
        [&self.product_id, &self.sku, &self.name].iter().any(|v| {
            v.as_deref()
                .is_some_and(|v| v.eq_ignore_ascii_case(license_id))
        })
    }
}

/// Licence ids from the tolerant shapes the licence endpoints may use: `"cx2"`,
/// `{"id":"cx2"}`, `{"licenses":[…]}`.
fn license_ids(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Array(a) => a.iter().flat_map(license_ids).collect(),
        serde_json::Value::Object(o) => {
            if let Some(l) = o.get("licenses") {
                license_ids(l)
            } else if let Some(serde_json::Value::String(id)) = o.get("id") {
                vec![id.clone()]
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

impl Client {
    /// `GET /api/v2/license/definitions`.
    pub async fn license_definitions(&self) -> Result<Vec<LicenseDefinition>, ApiError> {
        let r = Req::get(
            "/api/v2/license/definitions",
            "/api/v2/license/definitions".into(),
        );
        let v: serde_json::Value = self.call(r).await?;
        // A plain array per the SDK; accept a listing too.
        let arr = match v {
            serde_json::Value::Array(a) => a,
            serde_json::Value::Object(mut o) => match o.remove("entities") {
                Some(serde_json::Value::Array(a)) => a,
                _ => Vec::new(),
            },
            _ => Vec::new(),
        };
        Ok(arr
            .into_iter()
            .filter_map(|e| serde_json::from_value::<LicenseDefinition>(e).ok())
            .filter(|d| !d.id.is_empty())
            .collect())
    }

    /// `GET /api/v2/license/users`, every page: user id → licence ids.
    pub async fn license_users(&self) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
        let r = Req::get("/api/v2/license/users", "/api/v2/license/users".into());
        let v: Vec<UserLicensesDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(v.into_iter()
            .map(|u| {
                let ids = u.licenses.iter().flat_map(license_ids).collect();
                (u.id, ids)
            })
            .collect())
    }

    /// Licences of the given users: `POST /api/v2/license/users` with the ids (one call per
    /// 100), read tolerantly (the map's shape is UNVERIFIED). If the org refuses that form,
    /// falls back to the full `GET` listing.
    pub async fn licenses_for_users(
        &self,
        ids: &[String],
    ) -> Result<BTreeMap<String, Vec<String>>, ApiError> {
        let mut out = BTreeMap::new();
        for chunk in ids.chunks(100) {
            let r = Req::new(
                Method::POST,
                "/api/v2/license/users",
                "/api/v2/license/users".into(),
            )
            .json(chunk)?
            .safety(Safety::Read);
            let v: serde_json::Value = match self.call(r).await {
                Ok(v) => v,
                Err(e)
                    if matches!(e.kind, ErrorKind::NotFound | ErrorKind::BadRequest)
                        || e.status == Some(405) =>
                {
                    let all = self.license_users().await?;
                    return Ok(ids
                        .iter()
                        .map(|id| (id.clone(), all.get(id).cloned().unwrap_or_default()))
                        .collect());
                }
                Err(e) => return Err(e),
            };
            match v {
                serde_json::Value::Object(o) if o.contains_key("entities") => {
                    let list: Vec<UserLicensesDto> = o
                        .get("entities")
                        .cloned()
                        .and_then(|e| serde_json::from_value(e).ok())
                        .unwrap_or_default();
                    for u in list {
                        out.insert(u.id, u.licenses.iter().flat_map(license_ids).collect());
                    }
                }
                serde_json::Value::Object(o) => {
                    for (id, val) in o {
                        out.insert(id, license_ids(&val));
                    }
                }
                serde_json::Value::Array(a) => {
                    for e in a {
                        if let Ok(u) = serde_json::from_value::<UserLicensesDto>(e) {
                            out.insert(u.id, u.licenses.iter().flat_map(license_ids).collect());
                        }
                    }
                }
                _ => {}
            }
        }
        for id in ids {
            out.entry(id.clone()).or_default();
        }
        Ok(out)
    }

    /// `POST /api/v2/license/organization`: per-user results (`result` is e.g. `Success`).
    pub async fn assign_licenses(
        &self,
        changes: &[LicenseChange],
    ) -> Result<Vec<LicenseUpdateStatus>, ApiError> {
        let body = LicenseBatch {
            assignments: changes
                .iter()
                .map(|c| LicenseAssignment {
                    license_id: c.license_id.clone(),
                    user_ids_add: c.add.clone(),
                    user_ids_remove: c.remove.clone(),
                })
                .collect(),
        };
        let r = Req::new(
            Method::POST,
            "/api/v2/license/organization",
            "/api/v2/license/organization".into(),
        )
        .json(&body)?
        .safety(Safety::Idempotent);
        Ok(self
            .call::<Option<Vec<LicenseUpdateStatus>>>(r)
            .await?
            .unwrap_or_default())
    }

    /// Billed seats of the current period of every active contract:
    /// `GET /api/v2/billing/contracts` → `billingPeriods` → period detail → `charges`.
    /// `Ok(None)` when the org exposes no contract or the token may not read billing.
    pub async fn billing_seats(&self) -> Result<Option<Vec<BilledSeats>>, ApiError> {
        let mut contracts: Vec<BillingContract> = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..100 {
            let mut r = Req::get(
                "/api/v2/billing/contracts",
                "/api/v2/billing/contracts".into(),
            )
            .q("pageSize", 10);
            if let Some(a) = &after {
                r = r.q("after", a);
            }
            let page: CursorListing<BillingContract> = match self.call(r).await {
                Ok(p) => p,
                Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::Forbidden) => {
                    return Ok(None);
                }
                Err(e) => return Err(e),
            };
            let n = page.entities.len();
            contracts.extend(page.entities);
            after = page.next_uri.as_deref().and_then(|u| {
                url::Url::parse("http://x")
                    .ok()?
                    .join(u)
                    .ok()?
                    .query_pairs()
                    .find(|(k, _)| k == "after")
                    .map(|(_, v)| v.into_owned())
            });
            if after.is_none() || n == 0 {
                break;
            }
        }
        let active: Vec<&BillingContract> = contracts
            .iter()
            .filter(|c| {
                c.status
                    .as_deref()
                    .is_none_or(|s| s.eq_ignore_ascii_case("active"))
            })
            .collect();
        if active.is_empty() {
            return Ok(None);
        }
        let today = today_iso();
        let mut charges: Vec<BillingCharge> = Vec::new();
        for c in active {
            let period = c
                .billing_periods
                .iter()
                .find(|p| {
                    p.status
                        .as_deref()
                        .is_some_and(|s| s.eq_ignore_ascii_case("open"))
                })
                .or_else(|| {
                    c.billing_periods.iter().find(|p| {
                        p.date_start
                            .as_deref()
                            .is_some_and(|s| s[..s.len().min(10)] <= *today)
                            && p.date_end
                                .as_deref()
                                .is_none_or(|e| e[..e.len().min(10)] >= *today)
                    })
                })
                .or_else(|| c.billing_periods.last());
            let Some(p) = period else { continue };
            let r = Req::get(
                "/api/v2/billing/contracts/{contractId}/billingperiods/{billingPeriodId}",
                format!(
                    "/api/v2/billing/contracts/{}/billingperiods/{}",
                    super::client::seg(&c.id),
                    super::client::seg(&p.id)
                ),
            );
            match self.call::<BillingPeriodDetail>(r).await {
                Ok(d) => charges.extend(d.charges),
                Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::Forbidden) => {}
                Err(e) => return Err(e),
            }
        }
        let mut seats: Vec<BilledSeats> = Vec::new();
        for ch in charges {
            let prod = ch.product.unwrap_or_default();
            let prepaid = ch.prepaid_quantity.unwrap_or(0.0);
            let actual = ch.actual_quantity.unwrap_or(0.0);
            if let Some(s) = seats
                .iter_mut()
                .find(|s| s.product_id == prod.id && s.sku == prod.sku && s.name == prod.name)
            {
                s.prepaid += prepaid;
                s.actual += actual;
            } else {
                seats.push(BilledSeats {
                    product_id: prod.id,
                    sku: prod.sku,
                    name: prod.name,
                    prepaid,
                    actual,
                });
            }
        }
        Ok(Some(seats))
    }
}

/// Today's date as `YYYY-MM-DD` (UTC), without a date crate.
fn today_iso() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let days = (secs / 86_400) as i64;
    // Civil-from-days (Howard Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn license_ids_accepts_every_plausible_shape() {
        let v = serde_json::json!(["a", {"id": "b"}, {"licenses": ["c", {"id": "d"}]}]);
        assert_eq!(license_ids(&v), vec!["a", "b", "c", "d"]);
    }

    #[test]
    fn today_is_a_date() {
        let t = today_iso();
        assert_eq!(t.len(), 10);
        assert!(t.starts_with("20"));
    }
}
