//! "Did you mean …?" hints for misspelt names.

/// The candidate most similar to `word`, if any is similar enough to be a
/// plausible typo (Jaro-Winkler similarity ≥ 0.8, the threshold `just` and
/// cargo use for the same purpose). Names longer than [`LONGEST_NAME`] get
/// none: they are no typo of a field or command name, and comparing two of
/// them costs the product of their lengths (a fuzzed 54 KB key took 10 s).
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if word.len() > LONGEST_NAME {
        return None;
    }
    candidates
        .into_iter()
        .filter(|candidate| candidate.len() <= LONGEST_NAME)
        .map(|candidate| (strsim::jaro_winkler(word, candidate), candidate))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, candidate)| candidate)
}

/// The longest name a suggestion is looked for.
pub const LONGEST_NAME: usize = 64;

#[cfg(test)]
mod tests {
    use super::{LONGEST_NAME, closest};

    #[test]
    fn names_longer_than_any_field_get_no_suggestion() {
        let long = "probe_script".repeat(6);
        assert!(long.len() > LONGEST_NAME);
        assert_eq!(
            closest(&long[..LONGEST_NAME], [&long[..LONGEST_NAME - 1]]),
            Some(&long[..LONGEST_NAME - 1])
        );
        assert_eq!(closest(&long, [&long[..long.len() - 1]]), None);
        assert_eq!(closest(&long[..LONGEST_NAME - 1], [long.as_str()]), None);
    }

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
