//! Small numeric helpers shared by the CLI, the page and core: rounding for display and the
//! median of measurements.

/// Rounds to `decimals` places as Python's `round(x, n)` does (the guide's script rounds its
/// figures so): to the nearest value with that many decimals, ties by the exact binary value.
/// Rust's formatting rounds the same way, so this formats and reads back.
fn round_to(value: f64, decimals: usize) -> f64 {
    format!("{value:.decimals$}").parse().unwrap_or(value)
}

/// Rounds to one decimal.
pub fn round1(value: f64) -> f64 {
    round_to(value, 1)
}

/// Rounds to two decimals, as reports store sizes and rates.
pub fn round2(value: f64) -> f64 {
    round_to(value, 2)
}

/// Rounds to three decimals, as reports store measured seconds.
pub fn round3(value: f64) -> f64 {
    round_to(value, 3)
}

/// Rounds to six decimals, as reports store medians of short times.
pub fn round6(value: f64) -> f64 {
    round_to(value, 6)
}

/// The median of `values` (the mean of the middle two for an even count), sorting them in
/// place; `None` when there are none. NaNs sort last.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_is_pythons() {
        assert_eq!(round1(2.449), 2.4);
        assert_eq!(round2(23.999_999), 24.0);
        // 1.115 is stored as 1.11499999…: Python's round(1.115, 2) is 1.11, and so is this;
        // multiplying by 100 first would give 1.12.
        assert_eq!(round2(1.115), 1.11);
        assert_eq!(round6(0.123_456_789), 0.123_457);
    }

    #[test]
    fn medians_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
    }
}
