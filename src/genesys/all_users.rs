//! The org's lists with *every* user of a state, not only those a list names: what `export`
//! writes and what `drift --baseline` compares. Costs the snapshot's list reads, one
//! `GET /users` per 500 users, then the usual per-user detail reads (and one utilization read
//! per user when asked for).

use super::client::Client;
use super::error::ApiError;
use super::snapshot::{SnapshotOptions, load_snapshot};
use crate::model::OrgSnapshot;
use std::sync::Arc;

/// The snapshot's lists plus every user in `state` (`active`, `inactive` or `any`).
pub async fn load_with_all_users(
    client: &Client,
    state: &str,
    opts: &SnapshotOptions,
) -> Result<OrgSnapshot, ApiError> {
    let mut snapshot = load_snapshot(client, &[], &[], opts, |_| {}).await?;
    let ids = client.list_user_ids(state).await?;
    let mut users = client
        .fetch_existing_users_with(&ids, Some(&snapshot.queues), None)
        .await?;
    if opts.utilization {
        super::snapshot::read_utilization(client, &mut users).await?;
    }
    snapshot.users = users.into_iter().map(Arc::new).collect();
    Ok(snapshot)
}
