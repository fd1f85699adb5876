//! `--partition`: which share of a run's or gate's cases this process
//! runs, so a CI matrix of N jobs covers every case exactly once.
//! `hash:K/N` puts a case by a hash of what identifies it, so a case stays
//! in its shard whatever other cases are added; `count:K/N` deals the
//! cases out in plan order, which balances shards better but moves cases
//! when the plan changes. Shards are merged with `comply merge`.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strategy {
    Hash,
    Count,
}

/// Shard `shard` (1-based) of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Partition {
    pub strategy: Strategy,
    pub shard: u64,
    pub total: u64,
}

impl Partition {
    /// Whether this shard runs the case at `position` in plan order,
    /// identified by `key`.
    pub fn keeps(&self, position: usize, key: &str) -> bool {
        let bucket = match self.strategy {
            Strategy::Count => position as u64 % self.total,
            Strategy::Hash => {
                let digest = Sha256::digest(key.as_bytes());
                let mut first = [0u8; 8];
                first.copy_from_slice(&digest[..8]);
                u64::from_be_bytes(first) % self.total
            }
        };
        bucket == self.shard - 1
    }
}

/// What a shard's report says about the whole it is part of, so `comply
/// merge` can tell a complete set of shards of one plan from anything else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// `hash:K/N` or `count:K/N`.
    pub partition: String,
    /// Cases of the whole plan, before partitioning.
    pub plan_cases: usize,
    /// SHA-256 over the identity of every case of the whole plan, in plan
    /// order: shards of one plan agree on it.
    pub plan_sha256: String,
}

/// This shard's share of a plan. Each item has an identity (`id`, what
/// the plan hash covers) and a placement: a position and key that decide
/// its shard (usually the item's own; a remediating run places all of a
/// target's cases together, so one host is healed by one process).
/// Returns the items kept and, when partitioned, the [`Shard`].
pub fn select<T>(
    partition: Option<Partition>,
    plan: Vec<T>,
    id: impl Fn(&T) -> String,
    placement: impl Fn(usize, &T) -> (usize, String),
) -> (Vec<T>, Option<Shard>) {
    let Some(partition) = partition else {
        return (plan, None);
    };
    let mut hasher = Sha256::new();
    for item in &plan {
        hasher.update(id(item).as_bytes());
        hasher.update(b"\n");
    }
    let shard = Shard {
        partition: partition.to_string(),
        plan_cases: plan.len(),
        plan_sha256: hex::encode(hasher.finalize()),
    };
    let kept = plan
        .into_iter()
        .enumerate()
        .filter(|(position, item)| {
            let (unit, key) = placement(*position, item);
            partition.keeps(unit, &key)
        })
        .map(|(_, item)| item)
        .collect();
    (kept, Some(shard))
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(text: &str) -> Result<Partition, String> {
        let expected = "expected `hash:K/N` or `count:K/N` with 1 ≤ K ≤ N, e.g. `hash:2/4`";
        let (strategy, fraction) = text
            .split_once(':')
            .ok_or_else(|| format!("`{text}`: {expected}"))?;
        let strategy = match strategy {
            "hash" => Strategy::Hash,
            "count" => Strategy::Count,
            other => return Err(format!("unknown partition strategy `{other}`: {expected}")),
        };
        let (shard, total) = fraction
            .split_once('/')
            .ok_or_else(|| format!("`{text}`: {expected}"))?;
        let number = |digits: &str| {
            digits
                .parse::<u64>()
                .map_err(|_| format!("`{text}`: `{digits}` is not a number; {expected}"))
        };
        let (shard, total) = (number(shard)?, number(total)?);
        if total == 0 || shard == 0 || shard > total {
            return Err(format!("`{text}`: shard {shard} of {total}; {expected}"));
        }
        Ok(Partition {
            strategy,
            shard,
            total,
        })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let strategy = match self.strategy {
            Strategy::Hash => "hash",
            Strategy::Count => "count",
        };
        write!(f, "{strategy}:{}/{}", self.shard, self.total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rstest::rstest;

    #[rstest]
    #[case("hash:1/4", Strategy::Hash, 1, 4)]
    #[case("count:3/3", Strategy::Count, 3, 3)]
    fn parses_both_strategies(
        #[case] text: &str,
        #[case] strategy: Strategy,
        #[case] shard: u64,
        #[case] total: u64,
    ) {
        let partition: Partition = text.parse().unwrap();
        assert_eq!(
            partition,
            Partition {
                strategy,
                shard,
                total
            }
        );
        assert_eq!(partition.to_string(), text);
    }

    #[rstest]
    #[case("hash:0/4")]
    #[case("hash:5/4")]
    #[case("hash:1/0")]
    #[case("modulo:1/2")]
    #[case("hash:1")]
    #[case("hash:x/2")]
    #[case("1/2")]
    fn refuses_what_is_not_a_shard(#[case] text: &str) {
        assert!(text.parse::<Partition>().is_err(), "{text}");
    }

    #[rstest]
    #[case(Strategy::Hash)]
    #[case(Strategy::Count)]
    fn every_case_lands_in_exactly_one_shard(#[case] strategy: Strategy) {
        let keys: Vec<String> = (0..200).map(|i| format!("local\tLIN-{i:03}")).collect();
        let total = 4;
        let mut sizes = Vec::new();
        for (position, key) in keys.iter().enumerate() {
            let shards: Vec<u64> = (1..=total)
                .filter(|&shard| {
                    Partition {
                        strategy,
                        shard,
                        total,
                    }
                    .keeps(position, key)
                })
                .collect();
            assert_eq!(shards.len(), 1, "{key} is in shards {shards:?}");
            sizes.push(shards[0]);
        }
        // Each shard gets a fair share (hash: within ±50% of 50).
        for shard in 1..=total {
            let size = sizes.iter().filter(|&&s| s == shard).count();
            assert!((25..=75).contains(&size), "shard {shard} has {size}");
        }
    }

    #[test]
    fn a_hashed_case_stays_in_its_shard_when_others_are_added() {
        let shard_of = |position: usize, key: &str| {
            (1..=3)
                .find(|&shard| {
                    Partition {
                        strategy: Strategy::Hash,
                        shard,
                        total: 3,
                    }
                    .keeps(position, key)
                })
                .unwrap()
        };
        // The same key at another position (cases were added before it).
        assert_eq!(
            shard_of(0, "local\tLIN-SSH-001"),
            shard_of(57, "local\tLIN-SSH-001")
        );
    }
}
