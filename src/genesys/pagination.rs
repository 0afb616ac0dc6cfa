//! Page-number pagination (docs/genesys-api-notes.md §8): read page 1, then the remaining pages
//! concurrently when the listing says how many there are, else follow `nextUri` / full pages.

use super::client::{Client, Req};
use super::dto::Listing;
use super::error::ApiError;
use futures::{StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

/// Page size where the maximum is unverified (docs/genesys-api-notes.md §10).
pub const PAGE_SIZE: u32 = 100;
/// Pages fetched at once after the first (the limiter still paces them).
const PAGE_CONCURRENCY: usize = 4;
/// A guard against listings that never end.
const MAX_PAGES: u32 = 10_000;

/// The error code of an answer too big to send: retry with a smaller `pageSize`.
const TOO_LARGE: &str = "response.entity.too.large";

impl Client {
    /// Every entity of a page-number listing. When the API answers
    /// `response.entity.too.large` (docs/genesys-api-notes.md §8), the listing starts again at half the
    /// page size, down to 1.
    pub(crate) async fn all_pages<T: DeserializeOwned + Send + 'static>(
        &self,
        req: Req,
        page_size: u32,
    ) -> Result<Vec<T>, ApiError> {
        let mut size = page_size.max(1);
        loop {
            match self.all_pages_of(&req, size).await {
                Err(e) if e.code.as_deref() == Some(TOO_LARGE) && size > 1 => {
                    size /= 2;
                    tracing::debug!(request = %req.describe(), size, "answer too large, halving pageSize");
                }
                other => return other,
            }
        }
    }

    async fn all_pages_of<T: DeserializeOwned + Send + 'static>(
        &self,
        req: &Req,
        page_size: u32,
    ) -> Result<Vec<T>, ApiError> {
        let page = |n: u32| req.clone().q("pageSize", page_size).q("pageNumber", n);
        let first: Listing<T> = self.call(page(1)).await?;
        let count = first.page_count.or_else(|| {
            first
                .total
                .map(|t| t.div_ceil(u64::from(page_size.max(1))) as u32)
        });
        let mut all = first.entities;
        match count {
            Some(n) if n > 1 => {
                let n = n.min(MAX_PAGES);
                let rest: Vec<Vec<T>> = futures::stream::iter(2..=n)
                    .map(|p| {
                        let r = page(p);
                        async move { self.call::<Listing<T>>(r).await.map(|l| l.entities) }
                    })
                    .buffered(PAGE_CONCURRENCY)
                    .try_collect()
                    .await?;
                all.extend(rest.into_iter().flatten());
            }
            Some(_) => {}
            None => {
                let mut more = first.next_uri.is_some() || all.len() as u32 >= page_size;
                let mut p = 1;
                while more && p < MAX_PAGES {
                    p += 1;
                    let l: Listing<T> = self.call(page(p)).await?;
                    more = !l.entities.is_empty()
                        && (l.next_uri.is_some() || l.entities.len() as u32 >= page_size);
                    all.extend(l.entities);
                }
            }
        }
        Ok(all)
    }
}
