//! Lenient deserializers for report fields, with error messages that say what was expected.
//!
//! serde's own messages name Rust types ("expected f64"); these name what a person writes
//! ("expected a number"), and they accept the integer forms Python writes for whole floats.

use serde::Deserializer;
use serde::de::{self, Unexpected, Visitor};
use std::fmt;

/// A JSON number (integer or float), or `null`/missing.
pub(crate) fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    struct NumberVisitor;
    impl<'de> Visitor<'de> for NumberVisitor {
        type Value = Option<f64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a number")
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v as f64))
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(NumberVisitor)
        }
    }
    d.deserialize_option(NumberVisitor)
}

/// A whole number ≥ 0 that fits in `u64` (a float with no fraction is accepted), or
/// `null`/missing.
pub(crate) fn count<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    struct CountVisitor;
    impl<'de> Visitor<'de> for CountVisitor {
        type Value = Option<u64>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number ≥ 0")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(v))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            u64::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if v.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&v) {
                Ok(Some(v as u64))
            } else {
                Err(E::invalid_value(Unexpected::Float(v), &self))
            }
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(CountVisitor)
        }
    }
    d.deserialize_option(CountVisitor)
}

/// A list that may be `null` or missing (read as empty).
pub(crate) fn list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::Deserialize<'de>,
{
    let list: Option<Vec<T>> = serde::Deserialize::deserialize(d)?;
    Ok(list.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    struct Probe {
        #[serde(default, deserialize_with = "number")]
        n: Option<f64>,
        #[serde(default, deserialize_with = "count")]
        c: Option<u64>,
    }

    fn parse(json: &str) -> Result<Probe, String> {
        serde_json::from_str(json).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_accept_integers_floats_and_null() {
        assert_eq!(parse(r#"{"n": 3}"#).unwrap().n, Some(3.0));
        assert_eq!(parse(r#"{"n": 2.5}"#).unwrap().n, Some(2.5));
        assert_eq!(parse(r#"{"n": null}"#).unwrap().n, None);
        assert_eq!(parse(r#"{}"#).unwrap().n, None);
    }

    #[test]
    fn string_numbers_are_rejected_with_the_value() {
        let err = parse(r#"{"n": "22.2"}"#).unwrap_err();
        assert!(err.contains(r#"string "22.2", expected a number"#), "{err}");
    }

    #[test]
    fn counts_reject_negative_and_fractional_values() {
        assert_eq!(parse(r#"{"c": 4.0}"#).unwrap().c, Some(4));
        let err = parse(r#"{"c": -2}"#).unwrap_err();
        assert!(err.contains("-2") && err.contains("whole number"), "{err}");
        let err = parse(r#"{"c": 2.5}"#).unwrap_err();
        assert!(err.contains("2.5"), "{err}");
    }
}
