//! What a queue names besides users and wrap-up codes: Architect flows (in-queue flows by
//! type), skill groups and groups (a queue's `memberGroups`).

use super::client::{Client, Req};
use super::dto::{CursorListing, NamedDto, Ref};
use super::error::{ApiError, ErrorKind};
use super::pagination::PAGE_SIZE;
use crate::model::Named;
use serde::Deserialize;

/// Skill groups per page (the SDK's cursor listing; its maximum is unverified).
const SKILL_GROUP_PAGE: u32 = 100;
/// A guard against a cursor that never ends.
const MAX_CURSOR_PAGES: usize = 10_000;

/// An Architect flow: `kind` as the API answers it (upper case, e.g. `INQUEUECALL`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flow {
    pub id: String,
    pub name: String,
    pub kind: String,
    pub division_id: Option<String>,
}

/// A skill group, with its division.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkillGroup {
    pub id: String,
    pub name: String,
    pub division_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct FlowDto {
    #[serde(deserialize_with = "super::dto::nullable")]
    id: String,
    #[serde(deserialize_with = "super::dto::nullable")]
    name: String,
    #[serde(rename = "type", deserialize_with = "super::dto::nullable")]
    kind: String,
    division: Option<Ref>,
    deleted: Option<bool>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SkillGroupDto {
    #[serde(deserialize_with = "super::dto::nullable")]
    id: String,
    #[serde(deserialize_with = "super::dto::nullable")]
    name: String,
    division: Option<Ref>,
}

/// The `after` cursor of a `nextUri`.
fn after_cursor(next_uri: &str) -> Option<String> {
    let query = next_uri.split_once('?')?.1;
    url::form_urlencoded::parse(query.as_bytes())
        .find(|(k, _)| k == "after")
        .map(|(_, v)| v.into_owned())
        .filter(|v| !v.is_empty())
}

impl Client {
    /// `GET /api/v2/flows?type=…`, every page: the flows of the given types (`inqueuecall`,
    /// `inqueueemail`, `inqueueshortmessage`, … — sent lower case as the API takes them).
    /// Deleted flows are left out.
    pub async fn list_flows(&self, types: &[&str]) -> Result<Vec<Flow>, ApiError> {
        let mut r = Req::get("/api/v2/flows", "/api/v2/flows".into());
        for t in types {
            r = r.q("type", t.to_lowercase());
        }
        let v: Vec<FlowDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(v.into_iter()
            .filter(|f| f.deleted != Some(true))
            .map(|f| Flow {
                id: f.id,
                name: f.name,
                kind: f.kind.to_uppercase(),
                division_id: f.division.map(|d| d.id),
            })
            .collect())
    }

    /// `GET /api/v2/routing/skillgroups`, following the `after` cursor to the end; `prefix`
    /// narrows to names starting with it (case-insensitive, as the API matches).
    pub async fn list_skill_groups(
        &self,
        prefix: Option<&str>,
    ) -> Result<Vec<SkillGroup>, ApiError> {
        let mut out = Vec::new();
        let mut after: Option<String> = None;
        for _ in 0..MAX_CURSOR_PAGES {
            let mut r = Req::get(
                "/api/v2/routing/skillgroups",
                "/api/v2/routing/skillgroups".into(),
            )
            .q("pageSize", SKILL_GROUP_PAGE);
            if let Some(p) = prefix {
                r = r.q("name", p);
            }
            if let Some(a) = &after {
                r = r.q("after", a);
            }
            let page: CursorListing<SkillGroupDto> = self.call(r).await?;
            let empty = page.entities.is_empty();
            out.extend(page.entities.into_iter().map(|g| SkillGroup {
                id: g.id,
                name: g.name,
                division_id: g.division.map(|d| d.id),
            }));
            let next = page.next_uri.as_deref().and_then(after_cursor);
            match next {
                Some(n) if !empty && after.as_deref() != Some(n.as_str()) => after = Some(n),
                _ => return Ok(out),
            }
        }
        Err(ApiError::new(
            ErrorKind::Decode,
            "GET /api/v2/routing/skillgroups",
            format!("the skill-group cursor did not end after {MAX_CURSOR_PAGES} pages"),
        ))
    }

    /// `GET /api/v2/groups`, every page (the listing has no name filter).
    pub async fn list_groups(&self) -> Result<Vec<Named>, ApiError> {
        let r = Req::get("/api/v2/groups", "/api/v2/groups".into());
        let v: Vec<NamedDto> = self.all_pages(r, PAGE_SIZE).await?;
        Ok(v.into_iter()
            .filter(|g| {
                g.state
                    .as_deref()
                    .is_none_or(|s| !s.eq_ignore_ascii_case("deleted"))
            })
            .map(|g| Named {
                id: g.id,
                name: g.name,
            })
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_after_cursor_of_a_next_uri() {
        assert_eq!(
            after_cursor("/api/v2/routing/skillgroups?pageSize=1&after=abc%3D&name=x").as_deref(),
            Some("abc=")
        );
        assert_eq!(after_cursor("/api/v2/routing/skillgroups?pageSize=1"), None);
        assert_eq!(after_cursor("no-query"), None);
    }
}
