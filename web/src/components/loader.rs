//! The drop zone, the file picker and the example-fleet button.

use crate::upload::files_of;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Props of [`Loader`].
#[derive(Properties, PartialEq, Debug)]
pub struct LoaderProps {
    /// Files being read now.
    pub reading: usize,
    /// Of a large drop, the files parsed so far and all of them.
    pub parsed: Option<(usize, usize)>,
    /// Whether any file is loaded (enables "Remove all").
    pub has_files: bool,
    /// Whether files are being dragged over the page.
    pub dragging: bool,
    /// Files picked.
    pub on_files: Callback<Vec<web_sys::File>>,
    /// "Load example fleet".
    pub on_examples: Callback<()>,
    /// "Remove all".
    pub on_clear: Callback<()>,
}

/// Where reports come in. Dropping anywhere on the page works too (see the app).
#[component]
pub fn Loader(props: &LoaderProps) -> Html {
    let onchange = {
        let on_files = props.on_files.clone();
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            on_files.emit(files_of(input.files()));
            // Picking the same file again must fire `change` again.
            input.set_value("");
        })
    };
    let on_examples = props.on_examples.reform(|_: MouseEvent| ());
    let on_clear = props.on_clear.reform(|_: MouseEvent| ());
    html! {
        <section class="loader" aria-labelledby="load-heading">
            <h2 id="load-heading">{"1. Load reports"}</h2>
            <div class={classes!("drop-zone", props.dragging.then_some("dragging"))} id="drop-zone">
                <p class="drop-hint">
                    {"Drop "}<code>{"capability_report_*.json"}</code>
                    {" files here (from "}<code>{"llmcap probe"}</code>{" or the guide's "}
                    <code>{"test_capability.py"}</code>{"), as many as you like, or a merged download from this page, or"}
                </p>
                <input id="file-input" class="visually-hidden" type="file" multiple=true
                    accept=".json,application/json" {onchange} />
                <label class="button primary" for="file-input">{"Choose report files…"}</label>
                <p class="drop-actions">
                    <button type="button" id="load-examples" onclick={on_examples}>{"Load example fleet"}</button>
                    <button type="button" id="clear-all" onclick={on_clear} disabled={!props.has_files}>{"Remove all"}</button>
                </p>
                if let Some((done, total)) = props.parsed {
                    <p class="reading" id="parse-progress" role="status">
                        {format!("Parsing {done} of {total} files…")}
                        <progress max={total.to_string()} value={done.to_string()}></progress>
                    </p>
                } else if props.reading > 0 {
                    <p class="reading" role="status">{format!("Reading {} file(s)…", props.reading)}</p>
                }
            </div>
        </section>
    }
}
