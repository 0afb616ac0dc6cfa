//! Plain data shared by every module: the hire list, findings, the org snapshot, the plan,
//! engine events and the run report. No IO, no behaviour beyond small helpers.
//!
//! JSON field names here are onboard's own (docs/contract.md §3), not the Genesys API's; the
//! API's shapes live in `genesys` (client side) and `sim` (server side).

mod findings;
mod hire_list;
mod org;
mod plan;
mod run;
mod text;
mod utilization;

pub use findings::*;
pub use hire_list::*;
pub use org::*;
pub use plan::*;
pub use run::*;
pub use text::*;
pub use utilization::{
    MEDIA_TYPES as UTILIZATION_MEDIA, MediaCapacity, UserUtilization,
    differing as utilization_differing, format_cell as format_utilization,
    parse_cell as parse_utilization,
};

use std::collections::BTreeMap;
use std::sync::Arc;

/// An org object's id (division, role, skill, language, queue, licence, user). Ids come from
/// the org snapshot and are shared, not copied: a 100,000-row plan names the same few
/// hundred ids over and over, and an `Arc<str>` clone costs no allocation.
pub type Id = Arc<str>;

/// A short per-row text (a cell, an email, a name): stored inline up to 24 bytes, so a large
/// hire list does not cost one heap block per cell.
pub type Text = compact_str::CompactString;

/// Arbitrary extra key/values (e.g. unknown columns) in stable order.
pub type Extras = BTreeMap<String, String>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_control_characters() {
        assert_eq!(sanitize("plain"), "plain");
        assert_eq!(sanitize("a\x1b[31mb"), "a\\u{1b}[31mb");
        assert_eq!(sanitize("x\ny\tz\u{9b}"), "x\\ny\\tz\\u{9b}");
    }

    #[test]
    fn finding_codes_round_trip_and_severity() {
        let every = FindingCode::ALL
            .into_iter()
            .chain(FindingCode::QUEUES)
            .chain(FindingCode::PERSONAS)
            .chain(FindingCode::CLONE);
        for code in every {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
        assert_eq!(FindingCode::TrunkCapacity.severity(), Severity::Warning);
        assert_eq!(FindingCode::UnknownSkill.severity(), Severity::Error);
    }

    #[test]
    fn cells_get_set_and_serialize() {
        let mut c = Cells::new(["a@x.com", "", "Ana Lima"]);
        assert_eq!(c.len(), 3);
        assert_eq!(c.get(0), Some("a@x.com"));
        assert_eq!(c.get(1), Some(""));
        assert_eq!(&c[2], "Ana Lima");
        assert_eq!(c.get(3), None);
        assert_eq!(&c[7], "", "past the end reads as an empty cell");
        c.set(1, "Sales");
        c.set(4, "x");
        assert_eq!(c, vec!["a@x.com", "Sales", "Ana Lima", "", "x"]);
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"["a@x.com","Sales","Ana Lima","","x"]"#);
        assert_eq!(serde_json::from_str::<Cells>(&json).unwrap(), c);
        assert!(Cells::default().is_empty());
        assert_eq!(Cells::new([""; 0]).iter().count(), 0);
    }

    #[test]
    fn seats_free_never_underflows() {
        let known = |total, used| Seats::Known {
            total,
            used,
            from: FigureSource::Org,
        };
        assert_eq!(known(5, 7).free(), Some(0));
        assert_eq!(known(9, 7).free(), Some(2));
        assert_eq!(Seats::Unknown.free(), None);
    }
}
