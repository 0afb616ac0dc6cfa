//! onboard — bulk provisioning of Genesys Cloud users from a hire list.
//!
//! Data flows one way: `ingest` → `preflight` (pure, against an `OrgSnapshot`) → plan →
//! `engine` → `report`; `genesys` is the HTTP client, `sim` serves the same API on loopback,
//! and `tui` and `cli` are two front ends over the same library. See README "Architecture".
#![forbid(unsafe_code)]

pub mod cli;
pub mod config;
pub mod engine;
pub mod genesys;
pub mod ingest;
pub mod model;
pub mod preflight;
pub mod report;
pub mod sim;
pub mod tui;

/// mimalloc instead of the system allocator: pre-flight of a large list makes millions of
/// small allocations on two threads, where glibc malloc spent a third of the time.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
