//! Splitting a whole number in proportion to weights: largest-remainder (Hamilton)
//! apportionment in exact integer arithmetic, so native and wasm builds agree to the unit;
//! and splitting identical jobs among machines of known speeds so the last finishes first.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// Weights (tokens a second) are counted in thousandths: exact integers, and the largest
/// rate a report may hold (10¹²) times any `u32` total stays far below `u128::MAX`.
const UNITS_PER_WEIGHT: f64 = 1000.0;

/// A non-negative finite weight as exact integer units; 0 for anything else.
pub(crate) fn weight_units(weight: f64) -> u128 {
    if weight.is_finite() && weight > 0.0 {
        (weight * UNITS_PER_WEIGHT).round() as u128
    } else {
        0
    }
}

/// Splits `total` into whole parts in proportion to `weights`.
///
/// Each part is the floor of its exact quota; the units left over go one each to the
/// largest remainders, ties to the smaller `names` entry (then the earlier position). The
/// parts always sum to `total`. When every weight is 0, the weights count as equal.
pub(crate) fn apportion(weights: &[u128], total: u32, names: &[&str]) -> Vec<u32> {
    if weights.is_empty() {
        return Vec::new();
    }
    let equal;
    let weights = if weights.iter().all(|&w| w == 0) {
        equal = vec![1u128; weights.len()];
        &equal[..]
    } else {
        weights
    };
    let sum: u128 = weights.iter().sum();
    let total_wide = u128::from(total);
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, &w) in weights.iter().enumerate() {
        let quota = w * total_wide;
        // quota / sum ≤ total, so it fits in u32.
        parts.push(u32::try_from(quota / sum).unwrap_or(total));
        remainders.push((quota % sum, i));
    }
    let given: u64 = parts.iter().map(|&p| u64::from(p)).sum();
    let left = usize::try_from(u64::from(total).saturating_sub(given)).unwrap_or(0);
    if left > 0 {
        let name = |i: usize| names.get(i).copied().unwrap_or("");
        let by_remainder = |a: &(u128, usize), b: &(u128, usize)| {
            b.0.cmp(&a.0)
                .then_with(|| name(a.1).cmp(name(b.1)))
                .then(a.1.cmp(&b.1))
        };
        if left < remainders.len() {
            remainders.select_nth_unstable_by(left - 1, by_remainder);
        }
        for &(_, i) in remainders.iter().take(left) {
            parts[i] += 1;
        }
    }
    parts
}

/// Splits `total` identical jobs among machines of the given speeds (jobs a second, all
/// finite and > 0) so that the last one finishes first: each machine starts from the floor
/// of its proportional quota, and each job left goes to the machine that would finish it
/// soonest, ties to the smaller `names` entry. The finishing times chosen are then the
/// `total` smallest of every `k / speed`, so no split finishes sooner, and adding a machine
/// never delays the last one.
pub(crate) fn split_by_speed(speeds: &[f64], total: u32, names: &[&str]) -> Vec<u32> {
    let sum: f64 = speeds.iter().sum();
    if speeds.is_empty() || !(sum.is_finite() && sum > 0.0) {
        return apportion(&vec![1; speeds.len()], total, names);
    }
    let mut parts: Vec<u32> = speeds
        .iter()
        .map(|s| ((f64::from(total) * s / sum).floor() as u32).min(total))
        .collect();
    let left = total.saturating_sub(parts.iter().sum());
    // The machine that would finish its next job soonest, from a heap: a linear scan per
    // job left made a fleet of 100,000 machines quadratic.
    let mut next: BinaryHeap<Reverse<NextJob<'_>>> = (0..speeds.len())
        .map(|i| Reverse(NextJob::of(i, parts[i], speeds[i], names[i])))
        .collect();
    for _ in 0..left {
        let Some(Reverse(job)) = next.pop() else {
            break;
        };
        parts[job.index] += 1;
        let i = job.index;
        next.push(Reverse(NextJob::of(i, parts[i], speeds[i], names[i])));
    }
    parts
}

/// When machine `index` would finish one more job, ordered soonest first, ties to the
/// smaller name, then the earlier position.
struct NextJob<'a> {
    finish: f64,
    name: &'a str,
    index: usize,
}

impl<'a> NextJob<'a> {
    fn of(index: usize, jobs: u32, speed: f64, name: &'a str) -> NextJob<'a> {
        NextJob {
            finish: f64::from(jobs + 1) / speed,
            name,
            index,
        }
    }
}

impl Ord for NextJob<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.finish
            .total_cmp(&other.finish)
            .then_with(|| self.name.cmp(other.name))
            .then(self.index.cmp(&other.index))
    }
}

impl PartialOrd for NextJob<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for NextJob<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for NextJob<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_follow_the_weights_and_sum_to_the_total() {
        let cases: &[(&[u128], u32, &[u32])] = &[
            (&[1, 1, 1], 100, &[34, 33, 33]),
            (&[2, 1, 1], 100, &[50, 25, 25]),
            (&[1], 100, &[100]),
            (&[0, 0], 100, &[50, 50]),
            (&[5, 0], 100, &[100, 0]),
            (&[1, 1, 1], 0, &[0, 0, 0]),
            (&[1000, 1, 1], 10, &[10, 0, 0]),
            (&[3, 3, 3, 3, 3, 3, 3], 100, &[15, 15, 14, 14, 14, 14, 14]),
        ];
        for &(weights, total, expected) in cases {
            let names: Vec<String> = (0..weights.len()).map(|i| format!("m{i}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            assert_eq!(apportion(weights, total, &names), expected, "{weights:?}");
        }
    }

    #[test]
    fn ties_go_to_the_smaller_name_not_the_position() {
        assert_eq!(apportion(&[1, 1, 1], 100, &["c", "a", "b"]), [33, 34, 33]);
    }

    #[test]
    fn huge_weights_and_totals_stay_exact() {
        let big = weight_units(1e12);
        let parts = apportion(&[big, big, 1], u32::MAX, &["a", "b", "c"]);
        assert_eq!(
            parts.iter().map(|&p| u64::from(p)).sum::<u64>(),
            u64::from(u32::MAX)
        );
    }

    #[test]
    fn weights_ignore_what_is_not_a_rate() {
        assert_eq!(weight_units(12.3456), 12346);
        assert_eq!(weight_units(-1.0), 0);
        assert_eq!(weight_units(f64::NAN), 0);
    }

    /// The fewest seconds any split of `total` jobs can take: brute force over every split.
    fn best_makespan(speeds: &[f64], total: u32) -> f64 {
        fn go(speeds: &[f64], left: u32) -> f64 {
            match speeds {
                [] => {
                    if left == 0 {
                        0.0
                    } else {
                        f64::INFINITY
                    }
                }
                [last] => f64::from(left) / last,
                [first, rest @ ..] => (0..=left)
                    .map(|n| (f64::from(n) / first).max(go(rest, left - n)))
                    .fold(f64::INFINITY, f64::min),
            }
        }
        go(speeds, total)
    }

    fn makespan(speeds: &[f64], parts: &[u32]) -> f64 {
        speeds
            .iter()
            .zip(parts)
            .map(|(s, &p)| f64::from(p) / s)
            .fold(0.0, f64::max)
    }

    #[test]
    fn the_split_by_speed_finishes_as_soon_as_any_split_can() {
        let cases: &[(&[f64], u32)] = &[
            (&[3.0, 0.9], 3),
            (&[1.0, 1.0, 0.1], 10),
            (&[452.0, 94.9, 17.3, 4.3, 3.3], 37),
            (&[2.0, 3.0, 5.0], 1),
            (&[7.0], 12),
        ];
        for (speeds, total) in cases {
            let names: Vec<String> = (0..speeds.len()).map(|i| format!("m{i}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let parts = split_by_speed(speeds, *total, &names);
            assert_eq!(parts.iter().sum::<u32>(), *total, "{speeds:?}");
            let ours = makespan(speeds, &parts);
            let best = best_makespan(speeds, *total);
            assert!(
                (ours - best).abs() < 1e-9,
                "{speeds:?} {total}: {parts:?} {ours} > {best}"
            );
        }
        // Largest remainders would give the slow machine one of 3 jobs (1.11 s against 1 s
        // for the fast one alone); the split by speed gives it none.
        assert_eq!(split_by_speed(&[3.0, 0.9], 3, &["a", "b"]), [3, 0]);
    }
}
