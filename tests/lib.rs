//! End-to-end tests of llmcap live in `tests/tests.rs`; this library is empty.
