//! llmcap-web: the static llmcap page, a Yew app that loads capability reports in the browser,
//! shows the fleet and the plan, and never sends the reports anywhere.
//!
//! The state and its reducer ([`state`]) are plain Rust over `llmcap_core` and are unit-tested
//! natively; the components under [`components`] only render that state and dispatch actions;
//! [`upload`] and [`download`] are the only modules that touch browser APIs.

pub mod components;
pub mod detail;
pub mod download;
pub mod error;
pub mod examples;
pub mod fleet;
pub mod format;
pub mod keep;
pub mod plan_view_model;
pub mod shared;
pub mod state;
pub mod upload;

/// Starts the page: renders [`components::app::App`] into `<main id="app">` when the page has
/// one (and nowhere otherwise, so a test harness page is left alone).
///
/// # Platform-specific behaviour
/// Only on `wasm32`: there is nothing to render into natively.
#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("app"));
    if let Some(root) = root {
        root.set_inner_html("");
        yew::Renderer::<components::app::App>::with_root(root).render();
    }
}
