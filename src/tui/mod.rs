//! The operator TUI (issue 6). Shape (after Slumber and gitui):
//!
//! - one inbox of [`Msg`] (keys, mouse, resize, engine events, load progress, results, errors);
//! - a pure [`update`] that changes [`App`] and returns [`Cmd`]s — it never does IO;
//! - a [`keys`] table that drives dispatch, the hint bar and the `?` help;
//! - one view per screen in [`view`], reading the state only;
//! - the [`driver`], which owns the terminal, the tasks and the cancel tokens, runs the
//!   commands, and redraws only when something changed (at most 30 frames a second).

pub mod app;
pub mod detail;
pub mod driver;
pub mod estimate;
pub mod fix;
pub mod keys;
pub mod layout;
pub mod msg;
pub mod multi_org;
pub mod org_check;
pub mod plan_diff;
pub mod sent;
pub mod sort;
pub mod terminal;
pub mod theme;
pub mod update;
pub mod view;
pub mod work;

pub use app::{App, Screen};
pub use msg::{Cmd, Msg};
pub use update::update;
