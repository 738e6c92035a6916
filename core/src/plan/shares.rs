//! Splitting a whole number in proportion to weights: largest-remainder (Hamilton)
//! apportionment in exact integer arithmetic, so native and wasm builds agree to the unit.

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
}
