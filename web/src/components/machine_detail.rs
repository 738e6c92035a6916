//! One machine in full: its verdict with every check (required against actual), what to
//! install and how to run it, and the what-if panel.

use crate::components::verdict::Verdict;
use crate::components::what_if::WhatIf;
use crate::fleet::{FleetRow, VerdictKey, same_verdict};
use crate::format::{gb, rate};
use llmcap_core::recommend::summary;
use llmcap_core::rules::Level;
use llmcap_core::{Overrides, Phase, Settings, classify, recommend};
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;
use yew::prelude::*;

/// Props of [`MachineDetail`].
#[derive(Properties, PartialEq, Debug)]
pub struct MachineDetailProps {
    /// The machine, with any what-if values applied.
    pub row: FleetRow,
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

fn facts(row: &FleetRow) -> Html {
    let report = &row.report;
    let system = &report.machine.system;
    let text = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".to_owned());
    let ollama = match &report.machine.ollama {
        None => "not reported".to_owned(),
        Some(o) if !o.installed => "not installed".to_owned(),
        Some(o) => format!(
            "{}{}; models: {}",
            o.version.as_deref().unwrap_or("installed"),
            if o.server_reachable {
                ", server running"
            } else {
                ", server not running"
            },
            if o.models.is_empty() {
                "none".to_owned()
            } else {
                o.models.join(", ")
            }
        ),
    };
    let embedding = match &report.machine.embedding {
        None => "not run (the guide's report has no result)".to_owned(),
        Some(e) => {
            let mut line = e.status.as_str().to_owned();
            if let (Some(load), Some(sps)) = (e.load_seconds, e.sentences_per_second) {
                line.push_str(&format!(": loaded in {load} s, {} sentences/s", rate(sps)));
            }
            if let Some(mib) = e.peak_rss_mib {
                line.push_str(&format!(", peak memory {mib:.0} MiB"));
            }
            if let Some(reason) = &e.reason {
                line.push_str(&format!(" ({reason})"));
            }
            line
        }
    };
    let bench = &report.machine.benchmark;
    let benchmark = match (bench.matrix_mult_time, row.gflops()) {
        (Some(t), Some((g, estimated))) => format!(
            "{t} s for the guide's 100 rounds; {}{} GFLOP/s",
            if estimated { "≈ " } else { "" },
            rate(g)
        ),
        _ => "skipped".to_owned(),
    };
    let rows: Vec<(&str, String)> = vec![
        ("Report file", row.file.clone()),
        ("Probed at", report.timestamp.to_string()),
        (
            "Written by",
            report
                .tool
                .as_ref()
                .map_or("the guide's test_capability.py".to_owned(), |t| {
                    format!("{} {}", t.name, t.version)
                }),
        ),
        (
            "System",
            format!(
                "{} {} {}",
                text(&system.platform),
                text(&system.architecture),
                system.os.clone().unwrap_or_default()
            ),
        ),
        (
            "CPU",
            format!(
                "{} ({} cores, {} threads)",
                system
                    .cpu_brand
                    .clone()
                    .or_else(|| system.processor.clone())
                    .filter(|s| !s.is_empty())
                    .unwrap_or_else(|| "—".to_owned()),
                system.cores(),
                system.cpu_count
            ),
        ),
        (
            "RAM",
            format!(
                "{} total, {} available{}",
                gb(system.ram_gb),
                gb(system.ram_available_gb),
                system
                    .memory_limit_gb
                    .map(|l| format!(", container limit {}", gb(l)))
                    .unwrap_or_default()
            ),
        ),
        (
            "Free disk",
            format!(
                "{}{}",
                gb(system.disk_free_gb),
                system
                    .disk_path
                    .as_ref()
                    .map(|p| format!(" at {p}"))
                    .unwrap_or_default()
            ),
        ),
        ("GPU", row.gpu_summary()),
        ("Benchmark", benchmark),
        ("Python", text(&system.python_version)),
        ("Ollama", ollama),
        ("Embedding test", embedding),
    ];
    html! {
        <dl class="facts">
            { for rows.into_iter().map(|(k, v)| html! { <><dt>{k}</dt><dd>{v}</dd></> }) }
        </dl>
    }
}

fn checks(row: &FleetRow) -> Html {
    let assessment = classify(&row.report.machine);
    let phase_table = |phase: Phase| {
        let list = assessment.checks.get(&phase).cloned().unwrap_or_default();
        html! {
            <div class="table-scroll" tabindex="0" role="region" aria-label={format!("Checks of {}", phase.title())}>
            <table class="checks" data-phase={phase.key()}>
                <caption>
                    {phase.title()}{": "}<Verdict pass={assessment.grants(phase)} />
                </caption>
                <thead><tr><th scope="col">{"Requirement"}</th><th scope="col">{"Required"}</th><th scope="col">{"Actual"}</th><th scope="col">{"Result"}</th><th scope="col">{"Counts as"}</th></tr></thead>
                <tbody>
                    { for list.iter().map(|c| html! {
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
    };
    let caps = &assessment.capabilities;
    html! {
        <>
            <h3>{"Verdict and checks"}</h3>
            <ul class="verdicts">
                { for VerdictKey::ALL.iter().map(|v| html! { <li><code>{v.key()}</code>{": "}<Verdict pass={v.of(caps)} /></li> }) }
            </ul>
            if let Some(note) = &caps.notes { <p class="note">{note}</p> }
            if !caps.model_recommendations.is_empty() {
                <p>{"The guide recommends: "}{caps.model_recommendations.join("; ")}</p>
            }
            if !assessment.warnings.is_empty() || !row.report.warnings.is_empty() {
                <ul class="warnings-list" aria-label="Warnings">
                    { for assessment.warnings.iter().chain(row.report.warnings.iter()).map(|w| html! { <li>{w}</li> }) }
                </ul>
            }
            { for Phase::ALL.iter().map(|p| phase_table(*p)) }
        </>
    }
}

fn recommendations(row: &FleetRow) -> Html {
    let rec = recommend(&row.report.machine, &Settings::default());
    let quant = match &rec.quantization {
        Some(q) => format!(
            "{} ({}): needs {}, the machine has {} of {}; quality impact: {}",
            q.label,
            q.level,
            gb(q.needs_gb),
            gb(q.memory_gb),
            q.memory_basis,
            q.quality
        ),
        None => "none fits: embeddings only".to_owned(),
    };
    let batch = &rec.batch;
    html! {
        <>
            <h3>{"Recommendations"}</h3>
            <p class="rec-summary">{summary(&rec)}</p>
            <dl class="facts">
                <dt>{"Quantization"}</dt><dd class="quantization">{quant}</dd>
                <dt>{"Batch size"}</dt>
                <dd class="batch">{format!("{} per step, {} gradient accumulation steps (effective batch {}), from {} of {}",
                    batch.batch_size, batch.gradient_accumulation_steps, batch.target_batch_size, gb(batch.memory_gb), batch.memory_basis)}</dd>
                <dt>{"Machine type"}</dt><dd>{format!("{}: {}; model {}; {}", rec.machine_type.name, rec.machine_type.role, rec.machine_type.model, rec.machine_type.experiments)}</dd>
                <dt>{"Decision tree"}</dt><dd>{format!("step {}, {}: {}", rec.decision.step, rec.decision.condition, rec.decision.advice)}</dd>
            </dl>
            { for rec.install.iter().enumerate().map(|(i, option)| html! {
                <div class="install">
                    <h4>{if i == 0 { format!("Install with {} (best here)", option.runtime) } else { format!("Or with {}", option.runtime) }}</h4>
                    <p>{&option.why}</p>
                    <pre><code class="install-line">{option.commands.join("\n")}</code></pre>
                </div>
            }) }
            if !rec.notes.is_empty() {
                <ul>{ for rec.notes.iter().map(|n| html! { <li>{n}</li> }) }</ul>
            }
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
    let host = props.row.host().to_owned();
    {
        let heading = heading.clone();
        use_effect_with(host.clone(), move |_| {
            if let Some(h) = heading.cast::<HtmlElement>() {
                let _ = h.focus();
            }
        });
    }
    let row = &props.row;
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
            if row.overrides.is_empty() && !same_verdict(&classify(&row.measured.machine).capabilities, &row.measured.capabilities) {
                <p class="note">{"The verdict stored in this report differs from llmcap's rules on the same measurements (the checks below): the plan uses the stored verdict, as llmcap plan does. Probing the machine again refreshes it."}</p>
            }
            <div class="detail-grid">
                <div>
                    {facts(row)}
                    <WhatIf host={host.clone()} current={row.overrides}
                        measured_ram={measured.ram_available_gb} measured_disk={measured.disk_free_gb}
                        measured_vram={measured.largest_vram_gb()} on_apply={props.on_overrides.clone()} />
                </div>
                <div>{recommendations(row)}</div>
            </div>
            {checks(row)}
        </section>
    }
}
