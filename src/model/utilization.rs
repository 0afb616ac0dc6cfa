//! A user's utilization as the hire list's `utilization` column writes it: a maximum
//! capacity per media type (`call=1; chat=3; email=1`). Only the media types a cell names
//! are the user's own; the others follow the org's defaults (the API's "Include only those
//! media types requiring custom configuration").

use serde::{Deserialize, Serialize};

/// The media types a per-user utilization may set (`UtilizationRequest.utilization`'s
/// keys; the simulator takes the same six).
pub const MEDIA_TYPES: [&str; 6] = ["call", "callback", "chat", "email", "message", "workitem"];

/// The highest `maximumCapacity` onboard accepts. Genesys documents no bound in the SDKs'
/// `MediaUtilization`; the admin UI offers 0–25, and the simulator rejects more (UNVERIFIED
/// against a real org).
pub const MAX_CAPACITY: u8 = 25;

/// One media type's maximum capacity.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct MediaCapacity {
    /// One of [`MEDIA_TYPES`], lowercase.
    pub media: String,
    pub capacity: u8,
}

/// Parses a `utilization` cell: `media=capacity` items split on `;` or `|`, media types
/// without case, each named once. The error says what is wrong and what to do.
pub fn parse_cell(cell: &str) -> Result<Vec<MediaCapacity>, String> {
    let mut out: Vec<MediaCapacity> = Vec::new();
    for item in cell
        .split([';', '|'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let Some((media, number)) = item.split_once(['=', ':']) else {
            return Err(format!(
                "'{item}' is not media=capacity — write it like call=1; chat=3"
            ));
        };
        let media = media.trim().to_ascii_lowercase();
        if !MEDIA_TYPES.contains(&media.as_str()) {
            return Err(format!(
                "unknown media type '{media}' — use {}",
                MEDIA_TYPES.join(", ")
            ));
        }
        let capacity = number
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|c| *c <= MAX_CAPACITY)
            .ok_or_else(|| {
                format!(
                    "{media}'s capacity '{}' is not a whole number from 0 to {MAX_CAPACITY} — fix the number",
                    number.trim()
                )
            })?;
        if out.iter().any(|m| m.media == media) {
            return Err(format!("{media} is named twice — keep one capacity for it"));
        }
        out.push(MediaCapacity { media, capacity });
    }
    out.sort();
    Ok(out)
}

/// The cell text of a utilization (`call=1; chat=3`), in media-type order.
pub fn format_cell(u: &[MediaCapacity]) -> String {
    u.iter()
        .map(|m| format!("{}={}", m.media, m.capacity))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A user's utilization as read: the maximum capacity per media type in effect, and whether
/// the user has settings of their own (`level` `Agent`) or follows the org's defaults
/// (`level` `Organization`). A capture or an export copies only settings of the user's own:
/// copying the org's defaults would pin them on the target.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserUtilization {
    pub media: Vec<MediaCapacity>,
    pub own: bool,
}

impl UserUtilization {
    /// The cell a capture or an export writes: the capacities when they are the user's own,
    /// else empty (the user follows the org).
    pub fn own_cell(&self) -> String {
        match self.own {
            true => format_cell(&self.media),
            false => String::new(),
        }
    }
}

/// The media types of `want` whose capacity `have` does not hold (a media type `have` does
/// not list counts as different).
pub fn differing<'a>(want: &'a [MediaCapacity], have: &[MediaCapacity]) -> Vec<&'a MediaCapacity> {
    want.iter().filter(|w| !have.contains(w)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mc(media: &str, capacity: u8) -> MediaCapacity {
        MediaCapacity {
            media: media.into(),
            capacity,
        }
    }

    #[test]
    fn parses_and_formats_a_cell() {
        let u = parse_cell(" Chat=3; call = 1 |email=0").unwrap();
        assert_eq!(u, vec![mc("call", 1), mc("chat", 3), mc("email", 0)]);
        assert_eq!(format_cell(&u), "call=1; chat=3; email=0");
        assert_eq!(parse_cell("").unwrap(), vec![]);
    }

    #[test]
    fn rejects_bad_cells() {
        assert!(
            parse_cell("fax=1")
                .unwrap_err()
                .contains("unknown media type 'fax'")
        );
        assert!(parse_cell("call=26").unwrap_err().contains("0 to 25"));
        assert!(parse_cell("call=-1").unwrap_err().contains("0 to 25"));
        assert!(parse_cell("call=1.5").unwrap_err().contains("0 to 25"));
        assert!(parse_cell("call").unwrap_err().contains("media=capacity"));
        assert!(parse_cell("call=1; call=2").unwrap_err().contains("twice"));
    }

    #[test]
    fn differing_names_changed_and_missing_media() {
        let want = [mc("call", 1), mc("chat", 3)];
        assert_eq!(
            differing(&want, &[mc("call", 1), mc("chat", 2)]),
            vec![&want[1]]
        );
        assert_eq!(differing(&want, &[mc("call", 1)]), vec![&want[1]]);
        assert!(differing(&want, &want).is_empty());
    }
}
