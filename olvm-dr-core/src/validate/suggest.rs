//! "Did you mean": the closest known key to a misspelt one.

/// The candidate closest to `word` (case-insensitive edit distance), when it is close enough to
/// be a likely typo: at most a third of the word's length, and at most 3 edits.
///
/// ```
/// use olvm_dr_core::validate::suggest::closest;
/// let known = ["secondary_name", "primary_name"];
/// assert_eq!(closest("Secondary_name", &known), Some("secondary_name"));
/// assert_eq!(closest("secondary_nmae", &known), Some("secondary_name"));
/// assert_eq!(closest("colour", &known), None);
/// ```
pub fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let lower = word.to_lowercase();
    let limit = (lower.chars().count() / 3).clamp(1, 3);
    candidates
        .iter()
        .map(|c| (distance(&lower, &c.to_lowercase()), *c))
        .filter(|(d, _)| *d <= limit)
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Damerau-Levenshtein distance (optimal string alignment): insertions, deletions,
/// substitutions and swaps of two neighbours each cost 1.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = d;
        }
    }
    rows[a.len()][b.len()]
}
