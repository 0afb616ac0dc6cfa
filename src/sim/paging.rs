//! Query-string parsing and page-number listings (docs/genesys-api-notes.md §8).

use super::error::{ApiError, ApiResult};
use axum::http::StatusCode;
use serde_json::{Value, json};

/// A parsed query string that keeps repeated keys (`id=a&id=b`, `id[]=a`).
pub struct Query(pub Vec<(String, String)>);

impl Query {
    pub fn parse(raw: Option<&str>) -> Query {
        Query(
            raw.map(|q| {
                url::form_urlencoded::parse(q.as_bytes())
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default(),
        )
    }
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    /// All values of `key` or `key[]`, with comma-separated values split.
    pub fn all(&self, key: &str) -> Vec<String> {
        let alt = format!("{key}[]");
        self.0
            .iter()
            .filter(|(k, _)| k == key || *k == alt)
            .flat_map(|(_, v)| v.split(',').map(str::trim).map(str::to_string))
            .filter(|v| !v.is_empty())
            .collect()
    }
    pub fn bool(&self, key: &str) -> ApiResult<Option<bool>> {
        match self.get(key) {
            None => Ok(None),
            Some("true") => Ok(Some(true)),
            Some("false") => Ok(Some(false)),
            Some(v) => Err(bad_param(key, v)),
        }
    }
    /// pageSize / pageNumber with defaults 25 / 1 and the given maximum page size.
    pub fn page(&self, max_size: usize) -> ApiResult<Page> {
        let size = match self.get("pageSize") {
            None => 25,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (1..=max_size).contains(&n) => n,
                _ => return Err(bad_param("pageSize", v)),
            },
        };
        let number = match self.get("pageNumber") {
            None => 1,
            Some(v) => match v.parse::<usize>() {
                Ok(n) if n >= 1 => n,
                _ => return Err(bad_param("pageNumber", v)),
            },
        };
        Ok(Page { size, number })
    }
}

pub fn bad_param(key: &str, value: &str) -> ApiError {
    let mut e = ApiError::new(
        StatusCode::BAD_REQUEST,
        "invalid.query.param.value",
        format!("Value [{value}] is not valid for query parameter {key}"),
    );
    e.details
        .push(json!({"errorCode": "invalid.query.param.value", "fieldName": key}));
    e
}

#[derive(Debug, Clone, Copy)]
pub struct Page {
    pub size: usize,
    pub number: usize,
}

impl Page {
    pub fn of<T: Clone>(&self, items: &[T]) -> Vec<T> {
        let start = (self.number - 1).saturating_mul(self.size);
        items.iter().skip(start).take(self.size).cloned().collect()
    }
    pub fn range(&self, total: usize) -> std::ops::Range<usize> {
        let start = ((self.number - 1).saturating_mul(self.size)).min(total);
        start..(start + self.size).min(total)
    }
    pub fn count(&self, total: usize) -> usize {
        total.div_ceil(self.size)
    }
}

/// One page of `items` as a listing body, each entity made by `entity`.
pub fn page_listing<T>(
    items: &[T],
    page: Page,
    path: &str,
    query: &Query,
    with_total_entities: bool,
    entity: impl FnMut(&T) -> Value,
) -> Value {
    let e = items[page.range(items.len())].iter().map(entity).collect();
    listing(e, items.len(), page, path, query, with_total_entities)
}

/// A page-number listing body: entities + pageSize/pageNumber/total/pageCount and the URIs.
/// `path` is the request path; `query` the other query parameters (kept in the URIs).
pub fn listing(
    entities: Vec<Value>,
    total: usize,
    page: Page,
    path: &str,
    query: &Query,
    with_total_entities: bool,
) -> Value {
    let page_count = page.count(total);
    let mut rest = String::new();
    for (k, v) in &query.0 {
        if k == "pageSize" || k == "pageNumber" {
            continue;
        }
        rest.push('&');
        rest.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .append_pair(k, v)
                .finish(),
        );
    }
    let uri = |n: usize| format!("{path}?pageSize={}&pageNumber={n}{rest}", page.size);
    let mut b = json!({
        "entities": entities,
        "pageSize": page.size,
        "pageNumber": page.number,
        "total": total,
        "pageCount": page_count,
        "firstUri": uri(1),
        "selfUri": uri(page.number),
        "lastUri": uri(page_count.max(1)),
    });
    if page.number < page_count {
        b["nextUri"] = json!(uri(page.number + 1));
    }
    if page.number > 1 {
        b["previousUri"] = json!(uri(page.number - 1));
    }
    if with_total_entities {
        b["totalNumberOfEntities"] = json!(total);
    }
    b
}

/// Lists `items` filtered by a name prefix (case-insensitive) and ids, paged.
pub fn name_filter(name: &str, filter: Option<&str>) -> bool {
    match filter {
        None | Some("") => true,
        Some(f) => name.to_lowercase().starts_with(&f.to_lowercase()),
    }
}

/// Queue-style name match: exact (case-insensitive), with a leading/trailing `*` wildcard.
pub fn wildcard_match(name: &str, pattern: &str) -> bool {
    let n = name.to_lowercase();
    let p = pattern.to_lowercase();
    match (p.strip_prefix('*'), p.strip_suffix('*')) {
        (Some(rest), _) if rest.ends_with('*') => n.contains(rest.trim_end_matches('*')),
        (Some(rest), _) => n.ends_with(rest),
        (None, Some(rest)) => n.starts_with(rest),
        (None, None) => n == p,
    }
}
