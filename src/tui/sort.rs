//! Sorting the pre-flight table's rows. The order is that of a stable sort by the column's
//! lowercased text (`str::to_lowercase`, compared as bytes), ties in view order; it is
//! reached without a `String` per row: every row's lowercased key goes into one buffer,
//! keys compare by an 8-byte big-endian prefix first and by their bytes only on a tie, and
//! the position in the view breaks the remaining ties, so an unstable sort gives the stable
//! order.

use super::app::{Session, SortKey};
use crate::model::Field;
use std::cmp::Reverse;

/// Sorts `view` (row indexes) ascending by `key`; rows with equal keys keep their order.
pub fn sort_view(s: &Session, view: &mut [u32], key: SortKey) {
    match key {
        SortKey::Row => {}
        SortKey::Email => sort_by_text(view, |i, out| out.push_str(s.cell(i, Field::Email))),
        SortKey::Name => sort_by_text(view, |i, out| s.push_display_name(i, out)),
        SortKey::Division => sort_by_text(view, |i, out| out.push_str(s.cell(i, Field::Division))),
        SortKey::Status => sort_by_small_key(view, |i| s.status(i)),
        SortKey::Findings => sort_by_small_key(view, |i| {
            let c = s.counts.get(i).copied().unwrap_or_default();
            (Reverse(c.0), Reverse(c.1))
        }),
    }
}

/// A row's text key: its lowercased bytes are `buf[start..end]`; `prefix` is their first 8
/// bytes big-endian (zero-padded), so prefixes that differ order the keys as their bytes do.
struct TextKey {
    prefix: u64,
    start: usize,
    end: usize,
    pos: usize,
    row: u32,
}

/// Sorts `view` by the lowercased text `write` appends for each row, stably.
pub fn sort_by_text(view: &mut [u32], mut write: impl FnMut(usize, &mut String)) {
    let mut buf = String::with_capacity(view.len() * 24);
    let mut keys = Vec::with_capacity(view.len());
    for (pos, &row) in view.iter().enumerate() {
        let start = buf.len();
        write(row as usize, &mut buf);
        lowercase_tail(&mut buf, start);
        let bytes = &buf.as_bytes()[start..];
        let mut head = [0u8; 8];
        let n = bytes.len().min(8);
        head[..n].copy_from_slice(&bytes[..n]);
        keys.push(TextKey {
            prefix: u64::from_be_bytes(head),
            start,
            end: buf.len(),
            pos,
            row,
        });
    }
    let bytes = buf.as_bytes();
    keys.sort_unstable_by(|a, b| {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| bytes[a.start..a.end].cmp(&bytes[b.start..b.end]))
            .then(a.pos.cmp(&b.pos))
    });
    for (v, k) in view.iter_mut().zip(&keys) {
        *v = k.row;
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

/// Sorts `view` by a small `Ord` key per row, stably.
fn sort_by_small_key<K: Ord>(view: &mut [u32], key: impl Fn(usize) -> K) {
    let mut keyed: Vec<(K, usize, u32)> = view
        .iter()
        .enumerate()
        .map(|(pos, &row)| (key(row as usize), pos, row))
        .collect();
    keyed.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
    for (v, k) in view.iter_mut().zip(&keyed) {
        *v = k.2;
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
        sort_by_text(&mut v, |i, out| out.push_str(&text[i]));
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
            text in prop::collection::vec(text_strategy(), 1..60),
            picks in prop::collection::vec(any::<prop::sample::Index>(), 0..80),
        ) {
            let view: Vec<u32> = picks.iter().map(|p| p.index(text.len()) as u32).collect();
            prop_assert_eq!(sorted(&view, &text), reference(&view, &text));
        }
    }
}
