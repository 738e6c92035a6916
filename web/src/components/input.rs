//! What the forms share: a text field bound to a piece of state.

use web_sys::HtmlInputElement;
use yew::prelude::*;

/// A text input's `oninput` that keeps `state` equal to the field's text.
pub fn bind(state: &UseStateHandle<String>) -> Callback<InputEvent> {
    let state = state.clone();
    Callback::from(move |e: InputEvent| {
        let input: HtmlInputElement = e.target_unchecked_into();
        state.set(input.value());
    })
}
