//! Where a page sits in a tab or in a search's matches, and which end of the
//! sorted index is nearer to it: both backends read the last pages backwards
//! so that they cost what the first pages do.

/// Where a page sits in a tab (or in a search's matches) of `total` rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    /// Rows before the page, counted from the start.
    pub(crate) offset: u64,
    /// Rows on the page (the last one may be short).
    pub(crate) rows: u64,
}

impl Window {
    pub(crate) fn new(total: u64, offset: u64, per_page: u64) -> Option<Window> {
        (offset < total).then(|| Window {
            offset,
            rows: per_page.min(total - offset),
        })
    }

    /// Rows after the page, counted from the end.
    pub(crate) fn offset_from_end(&self, total: u64) -> u64 {
        total - self.offset - self.rows
    }

    /// Reading from the end is shorter (the last pages).
    pub(crate) fn nearer_the_end(&self, total: u64) -> bool {
        self.offset_from_end(total) < self.offset
    }

    /// Index entries to visit to reach and read the page from the nearer
    /// end, when `total` of the tab's `tab_size` entries match.
    pub(crate) fn walk_estimate(&self, total: u64, tab_size: u64) -> u64 {
        let skip = self.offset.min(self.offset_from_end(total));
        let matched = u128::from(skip + self.rows);
        let visited = matched * u128::from(tab_size.max(total)) / u128::from(total.max(1));
        u64::try_from(visited).unwrap_or(u64::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_read_from_the_nearer_end() {
        assert_eq!(Window::new(10, 10, 5), None);
        let last = Window::new(11, 10, 5).unwrap();
        assert_eq!(last.rows, 1);
        assert_eq!(last.offset_from_end(11), 0);
        assert!(last.nearer_the_end(11));
        let first = Window::new(11, 0, 5).unwrap();
        assert!(!first.nearer_the_end(11));
        // Every other row matches: twice the entries are visited.
        assert_eq!(Window::new(50, 0, 5).unwrap().walk_estimate(50, 100), 10);
        assert_eq!(Window::new(50, 45, 5).unwrap().walk_estimate(50, 100), 10);
    }
}
