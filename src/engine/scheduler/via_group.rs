//! A queue add refused because users are already members through a group (contract §3,
//! queues row): which members of the batch are done, and what is sent again.

use crate::engine::ops::OpError;
use crate::engine::steps::GroupKey;

/// The note on the queues step of a member the org holds in the queue through a group.
pub(super) const VIA_GROUP_NOTE: &str = "already a member through a group";

/// The users a failed queue add names as members through a group (maybe none), or None
/// when the failure is something else (that fails its members with the API's message).
pub(super) fn via_group_refusal(key: &GroupKey, e: &OpError) -> Option<Vec<String>> {
    match key {
        GroupKey::QueueAdd(_) => crate::genesys::routing::via_group_refusal(&e.inner),
        _ => None,
    }
}

/// What to do with a refused batch.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum ViaGroup {
    /// `held` are done (members through a group); `rest` is sent again (may be empty).
    Held { held: Vec<usize>, rest: Vec<usize> },
    /// The answer names nobody of the batch: split it in two (log2 extra calls at most
    /// for one such member, not one call per member).
    Bisect,
}

/// Splits a refused batch: the members (row indexes) whose user the answer names are held;
/// a lone member is held even unnamed (it alone was refused).
pub(super) fn split_via_group(
    members: &[usize],
    user_of: impl Fn(usize) -> Option<String>,
    named: &[String],
) -> ViaGroup {
    let (held, rest): (Vec<usize>, Vec<usize>) = members
        .iter()
        .partition(|&&idx| user_of(idx).is_some_and(|u| named.contains(&u)));
    if !held.is_empty() {
        return ViaGroup::Held { held, rest };
    }
    if members.len() == 1 {
        return ViaGroup::Held {
            held: members.to_vec(),
            rest: vec![],
        };
    }
    ViaGroup::Bisect
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(idx: usize) -> Option<String> {
        Some(format!("u{idx}"))
    }

    #[test]
    fn named_members_are_held_and_the_rest_is_sent_again() {
        let got = split_via_group(&[1, 2, 3, 4], user, &["u3".into()]);
        assert_eq!(
            got,
            ViaGroup::Held {
                held: vec![3],
                rest: vec![1, 2, 4]
            }
        );
    }

    #[test]
    fn an_answer_naming_nobody_of_the_batch_splits_it_and_a_lone_member_is_held() {
        assert_eq!(split_via_group(&[1, 2, 3], user, &[]), ViaGroup::Bisect);
        assert_eq!(
            split_via_group(&[1, 2], user, &["u9".into()]),
            ViaGroup::Bisect
        );
        assert_eq!(
            split_via_group(&[2], user, &[]),
            ViaGroup::Held {
                held: vec![2],
                rest: vec![]
            }
        );
    }

    #[test]
    fn every_member_named_leaves_nothing_to_send() {
        let got = split_via_group(&[1, 2], user, &["u1".into(), "u2".into()]);
        assert_eq!(
            got,
            ViaGroup::Held {
                held: vec![1, 2],
                rest: vec![]
            }
        );
    }
}
