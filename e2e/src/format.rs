//! Expected texts, computed the way the product words them.

/// `1234` → `1,234`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The list's status line: "Showing 26–50 of 1,234 users".
pub fn showing(page: u64, per_page: u64, total: u64) -> String {
    let first = (page - 1) * per_page + 1;
    let last = (page * per_page).min(total);
    format!(
        "Showing {}–{} of {} users",
        thousands(first),
        thousands(last),
        thousands(total)
    )
}
