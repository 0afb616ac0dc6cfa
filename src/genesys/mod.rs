//! The Genesys Cloud Platform API v2 client (docs/genesys-api-notes.md is the source of truth).
//!
//! - [`Client`]: cheap to clone; clones share one OAuth token cache ([`auth`]), one pacing
//!   limiter fed by `inin-ratelimit-*` ([`limiter`]) and one set of counters
//!   ([`Client::stats`], [`Client::rate`]).
//! - Every call returns `Result<T, ApiError>`; [`ErrorKind::OutcomeUnknown`] marks a
//!   non-idempotent write (user create, invite) that was sent but got no answer.
//! - Retries: 429 waits exactly `Retry-After` (shared by every request of the token);
//!   5xx (not 501), 408, timeouts and dropped connections are retried with jittered
//!   exponential backoff on reads and idempotent writes; a 401 renews the token once and
//!   repeats the request.
//! - Endpoints: [`users`], [`authz`], [`routing`], [`queues`] (whole-object queue writes),
//!   [`directory`] (flows, skill groups, groups), [`licensing`], [`telephony`];
//!   provisioning views in [`existing`]; the org snapshot in [`snapshot`].
//! - Regions and URL rules: [`region`].

pub mod all_users;
pub mod auth;
pub mod authz;
pub mod client;
pub mod clone_calls;
pub mod directory;
pub mod dto;
pub mod error;
pub mod existing;
pub mod licensing;
pub mod limiter;
pub mod org;
pub mod pagination;
pub mod pool;
pub mod queue_snapshot;
pub mod queues;
pub mod region;
pub(crate) mod retry;
pub mod routing;
pub mod secret;
pub mod snapshot;
pub mod telephony;
pub mod users;
pub mod utilization;

pub use client::{Client, ClientConfig};
pub use error::{ApiError, ErrorDetail, ErrorKind};
pub use existing::Looked;
pub use licensing::{BilledSeats, LicenseChange};
pub use limiter::RateInfo;
pub use org::OrgIdentity;
pub use region::{Endpoints, REGIONS, region_endpoints, url_endpoints};
pub use secret::Secret;
pub use snapshot::{
    IDENTITIES, SnapshotEvent, SnapshotOptions, load_snapshot, load_snapshot_observed,
};
pub use telephony::{DEFAULT_TRUNK_CHANNELS_KEY, DidFilter, trunk_channels};
