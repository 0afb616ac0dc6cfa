//! The org snapshot pre-flight checks against ([`OrgSnapshot`]), loaded concurrently within
//! the rate limit in as few requests as the API allows.

use super::client::Client;
use super::dto::{DidNumberDto, DidPoolDto, ExtensionDto, ExtensionPoolDto, Ref};
use super::error::{ApiError, ErrorKind};
use super::existing::Looked;
use super::telephony::{DEFAULT_TRUNK_CHANNELS_KEY, DidFilter, trunk_channels};
use super::users::SEARCH_VALUES_PER_CALL;
use crate::model::{
    AssignedNumber, ExternalId, FigureSource, License, LoadProgress, NumberPool, OrgSnapshot,
    Queue, Seats, Trunk,
};
use futures::{FutureExt, StreamExt, TryStreamExt};
use std::collections::{BTreeMap, BTreeSet};

/// Profile configuration that fills gaps the API leaves.
#[derive(Debug, Clone)]
pub struct SnapshotOptions {
    /// Trunk-base property holding the channel count (default `trunk_max_calls`).
    pub trunk_channels_key: String,
    /// Channel counts by trunk id or name, when the trunk base has none.
    pub trunk_channels: BTreeMap<String, u32>,
    /// Seats by licence id, when billing shows none.
    pub license_seats: BTreeMap<String, u32>,
    /// Agents allowed per trunk channel (default 1.0).
    pub agents_per_channel: f64,
    /// Read the DID and extension inventory and the trunks. False when the list sets no
    /// phone or extension: nothing it does depends on them (13 reads on the demo org).
    pub telephony: bool,
    /// Read existing users' membership of these queues only (lowercased names); None: of
    /// every queue. A merge only adds the queues a row names, so it needs no more.
    pub memberships_of: Option<BTreeSet<String>>,
    /// Read each existing user's utilization (one GET per user). Only when a row sets it, or
    /// a clone, drift or export includes it: nothing else needs it.
    pub utilization: bool,
}

impl Default for SnapshotOptions {
    fn default() -> Self {
        SnapshotOptions {
            trunk_channels_key: DEFAULT_TRUNK_CHANNELS_KEY.to_string(),
            trunk_channels: BTreeMap::new(),
            license_seats: BTreeMap::new(),
            agents_per_channel: 1.0,
            telephony: true,
            memberships_of: None,
            utilization: false,
        }
    }
}

/// The progress resource counting identity lookups: one per external id, one per search of
/// up to [`SEARCH_VALUES_PER_CALL`] emails.
pub const IDENTITIES: &str = "identities";

/// Resources the snapshot reports progress for, in display order.
pub const RESOURCES: [&str; 10] = [
    "divisions",
    "roles",
    "skills",
    "languages",
    "queues",
    "licenses",
    "trunks",
    "dids",
    "extensions",
    "users",
];

fn done(progress: &Progress<'_>, resource: &str, n: usize) {
    progress(LoadProgress {
        resource: resource.to_string(),
        loaded: n,
        total: Some(n),
        done: true,
        left_s: None,
    });
}

/// Load the org: divisions, roles, skills, languages, queues, licences with seats, trunks
/// with channels, DID and extension pools with the numbers in use, and the existing users
/// the hire list names (by email and external id, any state). Resources load concurrently;
/// `progress` hears about each one as it finishes. The request count is
/// `client.stats().requests` before and after.
pub async fn load_snapshot(
    client: &Client,
    emails: &[String],
    external_ids: &[ExternalId],
    opts: &SnapshotOptions,
    progress: impl Fn(LoadProgress) + Send + Sync,
) -> Result<OrgSnapshot, ApiError> {
    let observe = |e: SnapshotEvent| {
        if let SnapshotEvent::Progress(p) = e {
            progress(p);
        }
    };
    load_snapshot_observed(client, emails, external_ids, opts, &observe).await
}

/// What [`load_snapshot_observed`] tells its observer while it loads.
#[derive(Debug)]
pub enum SnapshotEvent {
    /// A resource started, moved on or finished.
    Progress(LoadProgress),
    /// Every org list is loaded (divisions, roles, skills, languages, queues, licences,
    /// telephony): the snapshot without its users. Before any identity is settled.
    Lists(Box<OrgSnapshot>),
    /// An identity lookup finished (see [`Looked`]).
    Looked(Looked),
}

/// [`load_snapshot`], telling `observe` about each list as the lists are loaded and each
/// identity lookup as it finishes, so a screen can show what is known before the slow
/// per-row lookups end. The requests are the same as [`load_snapshot`]'s.
pub async fn load_snapshot_observed(
    client: &Client,
    emails: &[String],
    external_ids: &[ExternalId],
    opts: &SnapshotOptions,
    observe: &(dyn Fn(SnapshotEvent) + Send + Sync),
) -> Result<OrgSnapshot, ApiError> {
    let progress = |p: LoadProgress| observe(SnapshotEvent::Progress(p));
    let identities = external_ids.len() + emails.len().div_ceil(SEARCH_VALUES_PER_CALL);
    announce_start(&progress, identities);
    let looked_so_far = std::sync::atomic::AtomicUsize::new(0);
    let on_looked = |l: Looked| {
        let at = looked_so_far.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        observe(SnapshotEvent::Looked(l));
        progress(pending(IDENTITIES, at, Some(identities)));
    };
    // Both halves need the queue list (users for their memberships): one request, shared.
    let queues_once = client.list_queues().shared();
    let lists = async {
        let snapshot = load_lists(client, opts, queues_once.clone(), &progress).await?;
        observe(SnapshotEvent::Lists(Box::new(snapshot.clone())));
        Ok::<_, ApiError>(snapshot)
    };
    let users = async {
        let queues = membership_queues(queues_once.clone().await?, opts);
        let mut v = client
            .find_existing_users_observed(emails, external_ids, Some(&queues), &on_looked)
            .await?;
        if opts.utilization {
            read_utilization(client, &mut v).await?;
        }
        done(&progress, "users", v.len());
        Ok(v)
    };
    let (mut snapshot, users) = futures::try_join!(lists, users)?;
    snapshot.users = users.into_iter().map(std::sync::Arc::new).collect();
    done(&progress, IDENTITIES, identities);
    Ok(snapshot)
}

/// Per-user reads in flight at once while reading utilization (the limiter paces them).
const UTILIZATION_CONCURRENCY: usize = 8;

/// Each user's utilization, one `GET /routing/users/{id}/utilization` per user. A deleted
/// user has none to read (it is restored first, then written whole).
pub(crate) async fn read_utilization(
    client: &Client,
    users: &mut [crate::model::ExistingUser],
) -> Result<(), ApiError> {
    let live = |u: &crate::model::ExistingUser| u.state != crate::model::UserState::Deleted;
    let read: Vec<Option<crate::model::UserUtilization>> = futures::stream::iter(users.iter())
        .map(|u| async move {
            match live(u) {
                true => client.user_utilization(&u.id).await.map(Some),
                false => Ok(None),
            }
        })
        .buffered(UTILIZATION_CONCURRENCY)
        .try_collect()
        .await?;
    for (u, util) in users.iter_mut().zip(read) {
        u.utilization = util;
    }
    Ok(())
}

/// A resource that has started and is not finished.
fn pending(resource: &str, loaded: usize, total: Option<usize>) -> LoadProgress {
    LoadProgress {
        resource: resource.to_string(),
        loaded,
        total,
        done: false,
        left_s: None,
    }
}

/// Every resource at zero, so a screen lists them all from the first moment.
fn announce_start(progress: &Progress<'_>, identities: usize) {
    progress(pending(IDENTITIES, 0, Some(identities)));
    for r in RESOURCES {
        progress(pending(r, 0, None));
    }
}

/// The queues whose members the user lookups read: those the options name, else all.
fn membership_queues(queues: Vec<Queue>, opts: &SnapshotOptions) -> Vec<Queue> {
    match &opts.memberships_of {
        Some(names) => queues
            .into_iter()
            .filter(|q| names.contains(&q.name.to_lowercase()))
            .collect(),
        None => queues,
    }
}

/// Where progress goes while the snapshot loads.
type Progress<'a> = dyn Fn(LoadProgress) + Sync + 'a;

/// Await one list and report it finished with its count.
async fn counted<T>(
    p: &Progress<'_>,
    resource: &str,
    load: impl std::future::Future<Output = Result<T, ApiError>>,
    count: fn(&T) -> usize,
) -> Result<T, ApiError> {
    let v = load.await?;
    done(p, resource, count(&v));
    Ok(v)
}

/// [`counted`] for a telephony list, which is not read at all (and reported empty) when the
/// options say the list needs no telephony.
async fn telephony_list<T: Default>(
    p: &Progress<'_>,
    opts: &SnapshotOptions,
    resource: &str,
    load: impl std::future::Future<Output = Result<T, ApiError>>,
    count: fn(&T) -> usize,
) -> Result<T, ApiError> {
    if !opts.telephony {
        done(p, resource, 0);
        return Ok(T::default());
    }
    counted(p, resource, load, count).await
}

/// Every org list concurrently: the snapshot without its users.
async fn load_lists(
    client: &Client,
    opts: &SnapshotOptions,
    queues: impl std::future::Future<Output = Result<Vec<Queue>, ApiError>>,
    p: &Progress<'_>,
) -> Result<OrgSnapshot, ApiError> {
    let (org, divisions, roles, skills, languages, queues, licenses, trunks, dids, exts) = futures::try_join!(
        client.org_identity(),
        counted(p, "divisions", client.divisions_with_home(), Vec::len),
        counted(p, "roles", client.list_roles(), Vec::len),
        counted(p, "skills", client.list_skills(), Vec::len),
        counted(p, "languages", client.list_languages(), Vec::len),
        counted(p, "queues", queues, Vec::len),
        counted(p, "licenses", load_licenses(client, opts), Vec::len),
        telephony_list(p, opts, "trunks", load_trunks(client, opts), Vec::len),
        telephony_list(
            p,
            opts,
            "dids",
            async {
                futures::try_join!(
                    client.did_pools(),
                    client.dids(DidFilter::AssignedAndUnassigned, None)
                )
            },
            |(_, dids)| dids.len(),
        ),
        telephony_list(
            p,
            opts,
            "extensions",
            async { futures::try_join!(client.extension_pools(), client.extensions()) },
            |(_, exts)| exts.len(),
        ),
    )?;
    let numbers = Numbers::from_inventory(dids, exts);
    Ok(OrgSnapshot {
        org_id: Some(org.id),
        org_name: Some(org.name),
        divisions,
        roles,
        skills,
        languages,
        queues,
        licenses,
        trunks,
        phone_enabled_users: numbers.phone_enabled_users(),
        did_pools: numbers.did_pools,
        assigned_dids: numbers.assigned_dids,
        extension_pools: numbers.extension_pools,
        used_extensions: numbers.used_extensions,
        agents_per_channel: if opts.agents_per_channel > 0.0 {
            opts.agents_per_channel
        } else {
            1.0
        },
        users: Vec::new(),
    })
}

/// The number inventory as the snapshot keeps it: pools, and the numbers someone holds.
struct Numbers {
    did_pools: Vec<NumberPool>,
    assigned_dids: Vec<AssignedNumber>,
    extension_pools: Vec<NumberPool>,
    used_extensions: Vec<AssignedNumber>,
}

impl Numbers {
    fn from_inventory(
        (did_pools, dids): (Vec<DidPoolDto>, Vec<DidNumberDto>),
        (ext_pools, exts): (Vec<ExtensionPoolDto>, Vec<ExtensionDto>),
    ) -> Numbers {
        Numbers {
            did_pools: did_pools
                .into_iter()
                .map(|d| NumberPool {
                    id: d.id,
                    start: d.start_phone_number,
                    end: d.end_phone_number,
                })
                .collect(),
            // Without an `assigned` flag, an owner means the number is assigned.
            assigned_dids: dids
                .into_iter()
                .filter(|d| d.assigned.unwrap_or(d.owner.is_some()))
                .map(|d| held(d.number, d.owner, d.owner_type))
                .collect(),
            extension_pools: ext_pools
                .into_iter()
                .map(|e| NumberPool {
                    id: e.id,
                    start: e.start_number,
                    end: e.end_number,
                })
                .collect(),
            used_extensions: exts
                .into_iter()
                .filter(|e| e.owner.is_some() || e.owner_type.is_some())
                .map(|e| held(e.number, e.owner, e.owner_type))
                .collect(),
        }
    }

    /// Users holding a DID or an extension: they already use a trunk channel.
    fn phone_enabled_users(&self) -> u32 {
        let users: BTreeSet<&str> = self
            .assigned_dids
            .iter()
            .chain(self.used_extensions.iter())
            .filter(|a| {
                a.owner_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case("USER"))
            })
            .filter_map(|a| a.owner_id.as_deref())
            .collect();
        users.len() as u32
    }
}

/// A number someone holds.
fn held(number: String, owner: Option<Ref>, owner_type: Option<String>) -> AssignedNumber {
    AssignedNumber {
        number,
        owner_id: owner.map(|o| o.id).filter(|s| !s.is_empty()),
        owner_type,
    }
}

/// Licence definitions with seats: the profile's configured totals first (used = holders
/// from `/license/users`), then billing (prepaid − actual of the matching product, an
/// assumption: docs/genesys-api-notes.md §10), else unknown.
async fn load_licenses(client: &Client, opts: &SnapshotOptions) -> Result<Vec<License>, ApiError> {
    let (defs, billed) = futures::try_join!(client.license_definitions(), async {
        match client.billing_seats().await {
            Ok(b) => Ok(b),
            Err(e)
                if matches!(
                    e.kind,
                    ErrorKind::Forbidden | ErrorKind::NotFound | ErrorKind::BadRequest
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    })?;
    let billed = billed.unwrap_or_default();
    let needs_holders = defs.iter().any(|d| opts.license_seats.contains_key(&d.id));
    let holders: BTreeMap<String, u32> = if needs_holders {
        let mut m = BTreeMap::new();
        for lics in client.license_users().await?.into_values() {
            for l in lics {
                *m.entry(l).or_insert(0) += 1;
            }
        }
        m
    } else {
        BTreeMap::new()
    };
    Ok(defs
        .into_iter()
        .map(|d| {
            let matching: Vec<_> = billed.iter().filter(|b| b.matches(&d.id)).collect();
            let seats = if let Some(total) = opts.license_seats.get(&d.id) {
                Seats::Known {
                    total: *total,
                    used: holders.get(&d.id).copied().unwrap_or(0),
                    from: FigureSource::Profile,
                }
            } else if !matching.is_empty() {
                let total: f64 = matching.iter().map(|b| b.prepaid).sum();
                let used: f64 = matching.iter().map(|b| b.actual).sum();
                Seats::Known {
                    total: total.max(0.0).round() as u32,
                    used: used.max(0.0).round() as u32,
                    from: FigureSource::Org,
                }
            } else {
                Seats::Unknown
            };
            License {
                description: d.description.unwrap_or_else(|| d.id.clone()),
                id: d.id,
                seats,
            }
        })
        .collect())
}

/// Trunks with in-service state and channel counts (one trunk-base read per distinct base).
async fn load_trunks(client: &Client, opts: &SnapshotOptions) -> Result<Vec<Trunk>, ApiError> {
    let trunks = client.trunks().await?;
    let bases: BTreeSet<String> = trunks
        .iter()
        .filter_map(|t| t.trunk_base.as_ref().map(|b| b.id.clone()))
        .filter(|id| !id.is_empty())
        .collect();
    let key = opts.trunk_channels_key.as_str();
    let channels: BTreeMap<String, Option<u32>> = futures::stream::iter(bases)
        .map(|id| async move {
            match client.trunk_base_settings(&id).await {
                Ok(b) => Ok((id, trunk_channels(&b.properties, key))),
                Err(e) if matches!(e.kind, ErrorKind::NotFound | ErrorKind::Forbidden) => {
                    Ok((id, None))
                }
                Err(e) => Err(e),
            }
        })
        .buffer_unordered(4)
        .try_collect()
        .await?;
    Ok(trunks
        .into_iter()
        .map(|t| {
            let from_base = t
                .trunk_base
                .as_ref()
                .and_then(|b| channels.get(&b.id).copied().flatten());
            let from_config = opts
                .trunk_channels
                .get(&t.id)
                .or_else(|| opts.trunk_channels.get(&t.name))
                .copied();
            let in_service = t.in_service.unwrap_or_else(|| {
                t.state
                    .as_deref()
                    .is_none_or(|s| s.eq_ignore_ascii_case("active"))
                    && t.enabled.unwrap_or(true)
            });
            // The profile overrides the trunk-base property (whose key is an assumption).
            let (channels, channels_from) = match (from_config, from_base) {
                (Some(c), _) => (Some(c), FigureSource::Profile),
                (None, b) => (b, FigureSource::Org),
            };
            Trunk {
                id: t.id,
                name: t.name,
                in_service,
                channels,
                channels_from,
            }
        })
        .collect())
}
