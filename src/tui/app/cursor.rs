//! One list cursor for every scrolling list (the Pre-flight table, the failures list, the
//! plan list): the selected line, the first visible line, page moves, and clamping.

use crate::tui::keys::Action;

/// The selected line of a list and the first line shown, over a list of `len` lines of
/// which `height` fit on screen. Every move keeps the selection on a line and in view.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub selected: usize,
    /// First visible line.
    pub offset: usize,
}

impl ListCursor {
    /// How far a navigation key moves over a list showing `height` lines (`None` for any
    /// other action).
    pub fn delta(action: Action, height: usize) -> Option<isize> {
        let page = height.max(1) as isize;
        Some(match action {
            Action::Up => -1,
            Action::Down => 1,
            Action::PageUp => -page,
            Action::PageDown => page,
            Action::Top => isize::MIN / 2,
            Action::Bottom => isize::MAX / 2,
            _ => return None,
        })
    }

    /// Move by `delta` lines (clamped to the list) and scroll the selection into view.
    pub fn move_by(&mut self, delta: isize, len: usize, height: usize) {
        self.selected = (self.selected as isize)
            .saturating_add(delta)
            .clamp(0, len.saturating_sub(1) as isize) as usize;
        self.clamp(len, height);
    }

    /// Select `line` (clamped to the list) and scroll it into view.
    pub fn select(&mut self, line: usize, len: usize, height: usize) {
        self.selected = line;
        self.clamp(len, height);
    }

    /// Keep the selection on a line of a list of `len` lines, and in view of `height`.
    pub fn clamp(&mut self, len: usize, height: usize) {
        if len == 0 {
            *self = ListCursor::default();
            return;
        }
        self.selected = self.selected.min(len - 1);
        self.offset = scroll_into_view(self.selected, self.offset, height);
    }
}

/// The smallest change of `offset` that shows `selected` in `height` lines.
pub fn scroll_into_view(selected: usize, offset: usize, height: usize) -> usize {
    if height == 0 {
        return selected;
    }
    if selected < offset {
        selected
    } else if selected >= offset + height {
        selected + 1 - height
    } else {
        offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moves_clamp_to_the_list_and_keep_the_selection_in_view() {
        let mut c = ListCursor::default();
        c.move_by(7, 10, 4);
        assert_eq!(
            c,
            ListCursor {
                selected: 7,
                offset: 4
            }
        );
        c.move_by(isize::MAX / 2, 10, 4);
        assert_eq!(
            c,
            ListCursor {
                selected: 9,
                offset: 6
            }
        );
        c.move_by(-8, 10, 4);
        assert_eq!(
            c,
            ListCursor {
                selected: 1,
                offset: 1
            }
        );
        c.move_by(isize::MIN / 2, 10, 4);
        assert_eq!(
            c,
            ListCursor {
                selected: 0,
                offset: 0
            }
        );
    }

    #[test]
    fn a_shrunk_list_pulls_the_selection_back_and_an_empty_one_resets_it() {
        let mut c = ListCursor {
            selected: 9,
            offset: 6,
        };
        c.clamp(3, 4);
        assert_eq!(
            c,
            ListCursor {
                selected: 2,
                offset: 2
            }
        );
        c.clamp(0, 4);
        assert_eq!(c, ListCursor::default());
    }

    #[test]
    fn page_keys_move_a_screenful() {
        assert_eq!(ListCursor::delta(Action::PageDown, 12), Some(12));
        assert_eq!(ListCursor::delta(Action::PageUp, 0), Some(-1));
        assert_eq!(ListCursor::delta(Action::Filter, 12), None);
    }
}
