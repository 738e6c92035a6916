//! A verdict cell: a word and a mark, never colour alone.

use yew::prelude::*;

/// Props of [`Verdict`].
#[derive(Properties, PartialEq, Debug)]
pub struct VerdictProps {
    /// Whether the phase is granted.
    pub pass: bool,
}

/// `✓ yes` or `✗ no`.
#[component]
pub fn Verdict(props: &VerdictProps) -> Html {
    if props.pass {
        html! { <span class="verdict pass">{"✓ yes"}</span> }
    } else {
        html! { <span class="verdict fail">{"✗ no"}</span> }
    }
}
