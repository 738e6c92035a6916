//! How numbers read on the page: sizes in GB as the reports and the CLI write them.

use llmcap_core::num::round2;
use llmcap_core::report::show_number;

/// `22.2 GB`, the way the CLI's checks write sizes.
pub fn gb(value: f64) -> String {
    format!("{} GB", show_number(round2(value)))
}

/// A rate with one decimal, `310.4`.
pub fn rate(value: f64) -> String {
    format!("{value:.1}")
}

/// A fraction as a whole percentage, `37 %`.
pub fn percent(fraction: f64) -> String {
    format!("{:.0} %", fraction * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_like_the_cli() {
        assert_eq!(gb(22.2), "22.2 GB");
        assert_eq!(gb(3.0), "3 GB");
        assert_eq!(gb(23.999_999), "24 GB");
        assert_eq!(percent(0.374), "37 %");
        assert_eq!(rate(310.44), "310.4");
    }
}
