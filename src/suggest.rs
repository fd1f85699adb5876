//! "Did you mean …?" hints for misspelt names.

/// The candidate most similar to `word`, if any is similar enough to be a
/// plausible typo (Jaro-Winkler similarity ≥ 0.8, the threshold `just` and
/// cargo use for the same purpose).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::closest;

    #[test]
    fn finds_a_near_miss_and_ignores_strangers() {
        let fields = ["probe_script", "remediate_script", "verify_script"];
        assert_eq!(
            closest("remediate_scirpt", fields),
            Some("remediate_script")
        );
        assert_eq!(closest("banana", fields), None);
    }
}
