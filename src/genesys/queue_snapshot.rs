//! Loads what a queue list is checked against ([`QueueOrg`]) with the fewest reads.

use super::{ApiError, Client};
use crate::ingest::queues::{FlowSlot, QueueColumn, QueueList};
use crate::preflight::queues::QueueOrg;

/// Loads a [`QueueOrg`] for `list`: every queue whole (`GET /routing/queues`, 100 a page),
/// every wrap-up code, the flows (one listing of every type), skill groups,
/// groups (each only when a row names one), and the wrap-up codes of each existing queue a
/// row gives codes for (one read each).
pub async fn load_queue_org(client: &Client, list: &QueueList) -> Result<QueueOrg, ApiError> {
    let uses = |c: QueueColumn| {
        list.column_index(c).is_some_and(|i| {
            list.rows
                .iter()
                .any(|r| r.cells.get(i).is_some_and(|v| !v.trim().is_empty()))
        })
    };
    let names_flows = FlowSlot::ALL.into_iter().any(|s| uses(s.column()));
    let (queues, wrapup_codes, flows, skill_groups, groups) = futures::try_join!(
        client.list_queue_objects(),
        async {
            if uses(QueueColumn::WrapupCodes) {
                client.list_wrapup_codes().await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            // Every type, not only the three in-queue ones: a name that exists with another
            // type is `flow_type_mismatch`, not `unknown_flow`.
            if names_flows {
                client.list_flows(&[]).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if uses(QueueColumn::SkillGroups) {
                client.list_skill_groups(None).await
            } else {
                Ok(Vec::new())
            }
        },
        async {
            if uses(QueueColumn::Groups) {
                client.list_groups().await
            } else {
                Ok(Vec::new())
            }
        },
    )?;
    let mut org = QueueOrg {
        queues,
        wrapup_codes,
        flows,
        skill_groups,
        groups,
        ..QueueOrg::default()
    };
    let with_codes: Vec<String> = list
        .rows
        .iter()
        .filter(|r| !list.cell(r, QueueColumn::WrapupCodes).is_empty())
        .filter_map(|r| {
            let named = org.queues_named(list.cell(r, QueueColumn::Name));
            (named.len() == 1).then(|| named[0].id().to_string())
        })
        .collect();
    for id in with_codes {
        let codes = match client.queue_wrapup_codes(&id).await {
            Ok(codes) => codes,
            // A queue created moments ago (a resumed run) may not have settled (Terraform
            // #1955): plan as if it had no codes — adding a code it has changes nothing.
            Err(e) if e.kind == super::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(e),
        };
        org.queue_wrapup_codes.insert(id, codes);
    }
    Ok(org)
}
