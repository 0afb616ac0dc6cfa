//! Sorting the pre-flight table's rows. The order is that of a stable sort by the column's
//! lowercased text (`str::to_lowercase`, compared as bytes), ties in view order. It is
//! reached without a `String` per row: every row's lowercased key goes into one reused
//! buffer, the bytes all keys start with are skipped, and each key becomes one integer (the
//! next 8 bytes, the length, the position in the view) that a plain unstable sort orders;
//! only runs of equal 8-byte heads with a longer key among them are then ordered by their
//! bytes. The position breaks the remaining ties, so the unstable sort gives the stable
//! order.

use super::app::{Session, SortKey};
use crate::model::Field;
use std::cmp::Reverse;

/// Buffers the text sorts reuse: sorting 100,000 rows takes a few MB, and fresh pages for
/// them every time cost as much as the sort itself on a busy machine.
#[derive(Default)]
pub struct SortBuffers {
    /// Every row's lowercased key, end to end.
    text: String,
    /// Key `pos` (of `view[pos]`) is `text[bounds[pos]..bounds[pos + 1]]`.
    bounds: Vec<usize>,
    keyed: Vec<u128>,
    rows: Vec<u32>,
}

impl std::fmt::Debug for SortBuffers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SortBuffers")
            .field("text_capacity", &self.text.capacity())
            .finish()
    }
}

/// Sorts `view` (row indexes) ascending by `key`; rows with equal keys keep their order.
pub fn sort_view(s: &Session, view: &mut [u32], key: SortKey, bufs: &mut SortBuffers) {
    match key {
        SortKey::Row => {}
        SortKey::Email => sort_by_text(view, bufs, |i, out| out.push_str(s.cell(i, Field::Email))),
        SortKey::Name => sort_by_text(view, bufs, |i, out| s.push_display_name(i, out)),
        SortKey::Division => sort_by_text(view, bufs, |i, out| {
            out.push_str(s.cell(i, Field::Division))
        }),
        SortKey::Status => sort_by_small_key(view, |i| s.status(i)),
        SortKey::Findings => sort_by_small_key(view, |i| {
            let c = s.counts.get(i).copied().unwrap_or_default();
            (Reverse(c.0), Reverse(c.1))
        }),
    }
}

/// Sorts `view` by the lowercased text `write` appends for each row, stably.
pub fn sort_by_text(
    view: &mut [u32],
    bufs: &mut SortBuffers,
    mut write: impl FnMut(usize, &mut String),
) {
    if u32::try_from(view.len()).is_err() {
        // Positions must fit the integer keys; a view this long is not a table's.
        let mut lower = String::new();
        view.sort_by_cached_key(|row| {
            lower.clear();
            write(*row as usize, &mut lower);
            lower.to_lowercase()
        });
        return;
    }
    let SortBuffers {
        text,
        bounds,
        keyed,
        rows,
    } = bufs;
    text.clear();
    bounds.clear();
    bounds.push(0);
    // How many bytes every key starts with (`user`, `user number `): they decide nothing
    // and are skipped.
    let mut skip = usize::MAX;
    for &row in view.iter() {
        let start = text.len();
        write(row as usize, text);
        lowercase_tail(text, start);
        let bytes = text.as_bytes();
        let first = bytes.get(..bounds.get(1).copied().unwrap_or(bytes.len()));
        let this = bytes.get(start..).unwrap_or_default();
        skip = first
            .unwrap_or_default()
            .iter()
            .zip(this)
            .take(skip)
            .take_while(|(a, b)| a == b)
            .count();
        bounds.push(text.len());
    }
    let bytes = text.as_bytes();
    let key = |pos: usize| match (bounds.get(pos), bounds.get(pos + 1)) {
        (Some(a), Some(b)) => bytes.get(*a..*b).unwrap_or_default(),
        _ => &[],
    };
    let rest = |pos: usize| key(pos).get(skip..).unwrap_or_default();
    // Each key as one integer: the 8 bytes after the common start (big-endian,
    // zero-padded, so heads that differ order the keys as their bytes do), the length of
    // what follows the common start (capped at 9) and the position in the view.
    keyed.clear();
    keyed.extend((0..view.len()).map(|pos| {
        let rest = rest(pos);
        let mut head = [0u8; 8];
        let n = rest.len().min(8);
        head[..n].copy_from_slice(&rest[..n]);
        (u128::from(u64::from_be_bytes(head)) << 64)
            | ((rest.len().min(9) as u128) << 32)
            | pos as u128
    }));
    keyed.sort_unstable();
    // Of two keys with equal heads, up to 8 bytes long each, one is the other plus zero
    // bytes: the length in the integer has ordered them. A run of equal heads with a longer
    // key in it is ordered again by the keys' bytes, then by position.
    let head = |k: &u128| k >> 64;
    let long = |k: &u128| (k >> 32) as u32 > 8;
    let pos = |k: &u128| (*k as u32) as usize;
    let by_bytes = |a: &u128, b: &u128| {
        let (a, b) = (pos(a), pos(b));
        rest(a).cmp(rest(b)).then(a.cmp(&b))
    };
    let mut i = 0;
    while i < keyed.len() {
        let h = head(&keyed[i]);
        let run = keyed[i..].iter().take_while(|k| head(k) == h).count();
        let group = &mut keyed[i..i + run];
        if run > 1 && group.iter().any(long) {
            group.sort_unstable_by(by_bytes);
        }
        i += run;
    }
    rows.clear();
    rows.extend_from_slice(view);
    for (v, k) in view.iter_mut().zip(keyed.iter()) {
        *v = rows[pos(k)];
    }
}

/// Lowercases `buf[start..]` as `str::to_lowercase` does (in place when it is ASCII).
fn lowercase_tail(buf: &mut String, start: usize) {
    if buf[start..].is_ascii() {
        buf[start..].make_ascii_lowercase();
    } else {
        let lower = buf[start..].to_lowercase();
        buf.truncate(start);
        buf.push_str(&lower);
    }
}

/// Sorts `view` by a small `Ord` key per row, stably (the key is read once per row).
fn sort_by_small_key<K: Ord>(view: &mut [u32], key: impl Fn(usize) -> K) {
    let mut keyed: Vec<(K, u32)> = view.iter().map(|&row| (key(row as usize), row)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    for (v, k) in view.iter_mut().zip(&keyed) {
        *v = k.1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The order before this module: a stable sort by an owned lowercase `String` per row.
    fn reference(view: &[u32], text: &[String]) -> Vec<u32> {
        let mut v = view.to_vec();
        v.sort_by_cached_key(|i| text[*i as usize].to_lowercase());
        v
    }

    fn sorted(view: &[u32], text: &[String]) -> Vec<u32> {
        let mut v = view.to_vec();
        sort_by_text(&mut v, &mut SortBuffers::default(), |i, out| {
            out.push_str(&text[i])
        });
        // Buffers left from another sort change nothing.
        let mut bufs = SortBuffers::default();
        let mut w: Vec<u32> = view.iter().rev().copied().collect();
        sort_by_text(&mut w, &mut bufs, |i, out| out.push_str(&text[i]));
        let mut again = view.to_vec();
        sort_by_text(&mut again, &mut bufs, |i, out| out.push_str(&text[i]));
        assert_eq!(again, v);
        v
    }

    #[test]
    fn text_order_matches_the_string_sort_on_awkward_keys() {
        let text: Vec<String> = [
            "user10@example.com",
            "User1@example.com",
            "user1@example.com",
            "USER1@EXAMPLE.COM",
            "",
            "a",
            "a\0",
            "A",
            "abcdefgh",
            "ABCDEFGH",
            "abcdefghi",
            "abcdefg",
            "abcdefghZ",
            "abcdefghA",
            "user0001@b.com",
            "USER0001@a.com",
            "Émile@x.com",
            "émile@x.com",
            "emile@x.com",
            "ΟΔΟΣ",
            "οδος",
            "οδοσ",
            "İstanbul",
            "i̇stanbul",
            "istanbul",
            "STRASSE",
            "Straße",
            "zz",
            "Zz",
            "~",
            "\u{7f}",
            "ǅemal",
            "ǆemal",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        let view: Vec<u32> = (0..text.len() as u32).collect();
        assert_eq!(sorted(&view, &text), reference(&view, &text));
        // Not in row order, and repeated rows: ties keep the view's order.
        let shuffled: Vec<u32> = view
            .iter()
            .rev()
            .chain(view.iter().step_by(3))
            .copied()
            .collect();
        assert_eq!(sorted(&shuffled, &text), reference(&shuffled, &text));
    }

    #[test]
    fn small_keys_sort_stably() {
        let keys = [3u8, 1, 3, 0, 1, 3];
        let mut view: Vec<u32> = vec![5, 4, 3, 2, 1, 0];
        sort_by_small_key(&mut view, |i| keys[i]);
        assert_eq!(view, vec![3, 4, 1, 5, 2, 0]);
    }

    fn text_strategy() -> impl Strategy<Value = String> {
        // Mostly ASCII with long shared prefixes and case variants, some non-ASCII letters
        // whose lowercase changes length or depends on context.
        prop::collection::vec(
            prop::sample::select(vec![
                "user", "USER", "User", "a", "A", "b", "1", "@", ".", " ", "\0", "é", "É", "Σ",
                "σ", "ς", "İ", "ß", "ǅ", "\u{212a}", "k",
            ]),
            0..8,
        )
        .prop_map(|parts| parts.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 256,
            rng_seed: proptest::test_runner::RngSeed::Fixed(0x5047),
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// Any texts, any view (subset, any order, repeats): the same order as the old sort.
        #[test]
        fn text_order_equals_the_string_sort(
            common in text_strategy(),
            text in prop::collection::vec(text_strategy(), 1..60),
            picks in prop::collection::vec(any::<prop::sample::Index>(), 0..80),
        ) {
            // Often every key starts alike, as `user number …` does.
            let text: Vec<String> = text.iter().map(|t| format!("{common}{t}")).collect();
            let view: Vec<u32> = picks.iter().map(|p| p.index(text.len()) as u32).collect();
            prop_assert_eq!(sorted(&view, &text), reference(&view, &text));
        }
    }
}
