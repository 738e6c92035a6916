//! One machine in full: its facts, its verdict with every check (required against actual),
//! what to install and how to run it, and the what-if panel. Everything shown is core's rows
//! for the machine ([`Detail`]), computed by the reducer: this only lays them out.

use crate::components::verdict::Verdict;
use crate::components::what_if::WhatIf;
use crate::detail::Detail;
use crate::shared::Shared;
use llmcap_core::Overrides;
use llmcap_core::document::{Install, PhaseRow, Sheet};
use llmcap_core::rules::Level;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// Props of [`MachineDetail`].
#[derive(Properties, PartialEq, Debug)]
pub struct MachineDetailProps {
    /// The machine, with any what-if values applied, and its rows.
    pub detail: Shared<Detail>,
    /// Close the panel.
    pub on_close: Callback<()>,
    /// New what-if values for this machine.
    pub on_overrides: Callback<Overrides>,
}

fn level(level: Level) -> &'static str {
    match level {
        Level::Verdict => "decides the verdict",
        Level::Minimum => "guide's minimum",
        Level::Recommended => "guide's recommended",
    }
}

fn facts(file: &str, sheet: &Sheet) -> Html {
    let rows =
        std::iter::once(("Report file", file.to_owned())).chain(sheet.facts.iter().map(|f| {
            match f.meaning {
                Some(meaning) => (f.label, format!("{} ({meaning})", f.value)),
                None => (f.label, f.value.clone()),
            }
        }));
    html! {
        <dl class="facts">
            { for rows.map(|(k, v)| html! { <><dt>{k}</dt><dd>{v}</dd></> }) }
        </dl>
    }
}

fn phase_table(row: &PhaseRow) -> Html {
    let phase = row.phase;
    html! {
        <div class="table-scroll" tabindex="0" role="region" aria-label={format!("Checks of {}", phase.title())}>
        <table class="checks" data-phase={phase.key()}>
            <caption>{phase.title()}{": "}<Verdict pass={row.granted} /></caption>
            <thead><tr><th scope="col">{"Requirement"}</th><th scope="col">{"Required"}</th><th scope="col">{"Actual"}</th><th scope="col">{"Result"}</th><th scope="col">{"Counts as"}</th></tr></thead>
            <tbody>
                { for row.checks.iter().map(|c| html! {
                    <tr class={if c.pass { "pass" } else { "fail" }}>
                        <td>{&c.requirement}</td><td>{&c.required}</td><td>{&c.actual}</td>
                        <td>{if c.pass { "✓ pass" } else { "✗ fail" }}</td>
                        <td title={c.source.clone()}>{level(c.level)}</td>
                    </tr>
                }) }
            </tbody>
        </table>
        </div>
    }
}

fn checks(sheet: &Sheet) -> Html {
    html! {
        <>
            <h3>{"Verdict and checks"}</h3>
            <ul class="verdicts">
                { for sheet.phases.iter().map(|p| html! { <li><code>{p.phase.key()}</code>{": "}<Verdict pass={p.granted} /></li> }) }
            </ul>
            if let Some(note) = &sheet.guide_note { <p class="note">{note}</p> }
            if !sheet.guide_lines.is_empty() {
                <p>{"The guide recommends: "}{sheet.guide_lines.join("; ")}</p>
            }
            if !sheet.warnings.is_empty() {
                <ul class="warnings-list" aria-label="Warnings">
                    { for sheet.warnings.iter().map(|w| html! { <li>{w}</li> }) }
                </ul>
            }
            { for sheet.phases.iter().map(phase_table) }
        </>
    }
}

fn recommendations(detail: &Detail) -> Html {
    let body = match &detail.sheet.install {
        Install::Nothing(why) => html! { <p class="quantization">{why}</p> },
        Install::Model {
            model,
            options,
            settings,
            notes,
        } => html! {
            <>
            <dl class="facts">
                <dt>{"Quantization"}</dt><dd class="quantization">{model}</dd>
                { for settings.iter().map(|s| html! { <><dt>{s.label}</dt><dd class={s.key}>{&s.value}</dd></> }) }
            </dl>
            { for options.iter().enumerate().map(|(i, option)| html! {
                <div class="install">
                    <h4>{if i == 0 { format!("Install with {} (best here)", option.runtime) } else { format!("Or with {}", option.runtime) }}</h4>
                    <p>{&option.why}</p>
                    <pre><code class="install-line">{option.commands.join("\n")}</code></pre>
                </div>
            }) }
            if !notes.is_empty() { <ul>{ for notes.iter().map(|n| html! { <li>{n}</li> }) }</ul> }
            </>
        },
    };
    html! {
        <>
            <h3>{"Recommendations"}</h3>
            <p class="rec-summary">{&detail.summary}</p>
            {body}
        </>
    }
}

/// Puts the keyboard back where it was before the panel opened: on the machine's button in
/// the table. Host names hold only letters, digits, `-`, `_` and `.`, so the selector is safe.
fn focus_host_button(host: &str) {
    let selector = format!("#fleet-table tr[data-host=\"{host}\"] button.host");
    let button = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector(&selector).ok().flatten())
        .and_then(|e| e.dyn_into::<HtmlElement>().ok());
    if let Some(button) = button {
        let _ = button.focus();
    }
}

/// The details panel of one machine.
#[component]
pub fn MachineDetail(props: &MachineDetailProps) -> Html {
    let heading = use_node_ref();
    let detail = &props.detail;
    let row = &detail.row;
    let host = row.host().to_owned();
    {
        let heading = heading.clone();
        use_effect_with(host.clone(), move |_| {
            if let Some(h) = heading.cast::<HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let measured = &row.measured.machine.system;
    let on_close = {
        let on_close = props.on_close.clone();
        let host = host.clone();
        Callback::from(move |_: MouseEvent| {
            on_close.emit(());
            focus_host_button(&host);
        })
    };
    html! {
        <section class="machine-detail" id="machine-detail" aria-labelledby="detail-heading">
            <div class="detail-head">
                <h2 id="detail-heading" tabindex="-1" ref={heading}>{&host}<span class="tier-note">{format!(" · {}", row.tier_label())}</span></h2>
                <button type="button" onclick={on_close} aria-label={format!("Close the details of {host}")}>{"Close"}</button>
            </div>
            if !row.overrides.is_empty() {
                <p class="what-if-note" role="status">{"What-if values are in force: the verdict, checks, recommendations and plan below use them, not the measured values."}</p>
            }
            if detail.stored_differs {
                <p class="note">{"The verdict stored in this report differs from llmcap's rules on the same measurements (the checks below): the plan uses the stored verdict, as llmcap plan does. Probing the machine again refreshes it."}</p>
            }
            <div class="detail-grid">
                <div>
                    {facts(&row.file, &detail.sheet)}
                    <WhatIf host={host.clone()} current={row.overrides}
                        measured_ram={measured.ram_available_gb} measured_disk={measured.disk_free_gb}
                        measured_vram={measured.largest_vram_gb()} on_apply={props.on_overrides.clone()} />
                </div>
                <div>{recommendations(detail)}</div>
            </div>
            {checks(&detail.sheet)}
        </section>
    }
}
