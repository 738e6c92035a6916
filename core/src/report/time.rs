//! The two timestamp formats a report carries, parsed for ordering.
//!
//! The guide writes local time as `YYYY-MM-DD HH:MM:SS` (`time.strftime('%Y-%m-%d %H:%M:%S')`);
//! llmcap writes that too, plus UTC as `YYYY-MM-DDTHH:MM:SSZ`. Both are fixed-width, so they
//! are parsed here rather than with a date library, which would add weight to the page's wasm
//! for two formats.

use std::fmt;

/// A calendar date and time of day, without a time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DateTime {
    /// Year, 0-9999.
    pub year: u16,
    /// Month, 1-12.
    pub month: u8,
    /// Day of the month, 1-31 (checked against the month).
    pub day: u8,
    /// Hour, 0-23.
    pub hour: u8,
    /// Minute, 0-59.
    pub minute: u8,
    /// Second, 0-60 (60 only for a leap second).
    pub second: u8,
}

impl DateTime {
    /// Parses `YYYY-MM-DD HH:MM:SS`, or the same with `T` as the separator.
    pub fn parse_local(text: &str) -> Option<DateTime> {
        let bytes = text.as_bytes();
        if bytes.len() != 19 || !matches!(bytes[10], b' ' | b'T') {
            return None;
        }
        Self::parse_fields(bytes)
    }

    /// Parses UTC time in RFC 3339 form: `YYYY-MM-DDTHH:MM:SS` with an optional fraction and
    /// `Z` or `+00:00`.
    pub fn parse_utc(text: &str) -> Option<DateTime> {
        let bytes = text.as_bytes();
        if bytes.len() < 20 || !matches!(bytes[10], b'T' | b't' | b' ') {
            return None;
        }
        let mut rest = text.get(19..)?;
        if let Some(fraction) = rest.strip_prefix('.') {
            let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            rest = &fraction[digits..];
        }
        if !matches!(rest, "Z" | "z" | "+00:00" | "-00:00") {
            return None;
        }
        Self::parse_fields(&bytes[..19])
    }

    fn parse_fields(b: &[u8]) -> Option<DateTime> {
        let separators_ok = b[4] == b'-' && b[7] == b'-' && b[13] == b':' && b[16] == b':';
        if !separators_ok {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        let hour = digits(&b[11..13])?;
        let minute = digits(&b[14..16])?;
        let second = digits(&b[17..19])?;
        let valid = (1..=12).contains(&month)
            && day >= 1
            && day <= days_in_month(year, month)
            && hour <= 23
            && minute <= 59
            && second <= 60;
        valid.then_some(DateTime {
            year: year as u16,
            month: month as u8,
            day: day as u8,
            hour: hour as u8,
            minute: minute as u8,
            second: second as u8,
        })
    }
}

impl DateTime {
    /// The UTC form, RFC 3339: `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn to_utc_string(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            self.year, self.month, self.day, self.hour, self.minute, self.second
        )
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn days_in_month(year: u32, month: u32) -> u32 {
    let leap = (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
    match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_guides_format() {
        let t = DateTime::parse_local("2026-11-27 03:04:16").unwrap();
        assert_eq!(
            (t.year, t.month, t.day, t.hour, t.minute, t.second),
            (2026, 11, 27, 3, 4, 16)
        );
        assert_eq!(t.to_string(), "2026-11-27 03:04:16");
    }

    #[test]
    fn rejects_impossible_dates_and_other_shapes() {
        for bad in [
            "2026-02-30 00:00:00",
            "2025-02-29 00:00:00",
            "2026-13-01 00:00:00",
            "2026-11-27 24:00:00",
            "2026-11-27",
            "27/11/2026 03:04:16",
            "2026-11-27 03:04:16 ",
            "２０２６-11-27 03:04:16",
        ] {
            assert_eq!(DateTime::parse_local(bad), None, "{bad}");
        }
        assert!(DateTime::parse_local("2024-02-29 12:00:00").is_some());
    }

    #[test]
    fn parses_utc_forms() {
        let a = DateTime::parse_utc("2026-11-27T03:04:16Z").unwrap();
        let b = DateTime::parse_utc("2026-11-27T03:04:16.123+00:00").unwrap();
        assert_eq!(a, b);
        assert_eq!(DateTime::parse_utc("2026-11-27T03:04:16+02:00"), None);
        assert_eq!(DateTime::parse_utc("2026-11-27T03:04:16"), None);
        assert_eq!(
            DateTime::parse_utc("2026-11-27T03:04:1é6Z"),
            None,
            "no panic inside a character"
        );
    }

    #[test]
    fn ordering_is_chronological() {
        let earlier = DateTime::parse_local("2026-11-27 03:02:47").unwrap();
        let later = DateTime::parse_local("2026-11-27 03:04:16").unwrap();
        assert!(earlier < later);
    }
}
