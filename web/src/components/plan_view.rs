//! The plan: the strategy switch, warnings, the E2 choice, each phase's machines, the charts
//! and the downloads.

use crate::components::charts::Charts;
use crate::components::pager::{Pager, clamp_page};
use crate::components::timeline::Timeline;
use crate::components::workload::WorkloadForm;
use crate::fleet::Fleet;
use crate::plan_view_model::{PhaseView, PlanView, describe};
use crate::shared::Shared;
use crate::state::Workload;
use llmcap_core::Strategy;
use yew::prelude::*;

const PAGE: usize = 50;

/// Props of [`PlanSection`].
#[derive(Properties, PartialEq, Debug)]
pub struct PlanSectionProps {
    /// The plan.
    pub plan: Shared<PlanView>,
    /// The machines, for the charts.
    pub fleet: Shared<Fleet>,
    /// Another strategy was chosen.
    pub on_strategy: Callback<Strategy>,
    /// The workload sizes in force.
    pub workload: Workload,
    /// New workload sizes.
    pub on_workload: Callback<Workload>,
    /// "Download distributed_plan.json".
    pub on_download_plan: Callback<()>,
    /// "Download merged reports".
    pub on_download_reports: Callback<()>,
    /// "Download Ansible inventory".
    pub on_download_inventory: Callback<()>,
    /// Why the last download failed, if it did.
    #[prop_or_default]
    pub download_error: Option<AttrValue>,
    /// Whether what-if values are in effect.
    #[prop_or_default]
    pub what_if: bool,
}

/// Props of [`PhaseTable`].
#[derive(Properties, PartialEq, Debug)]
pub struct PhaseTableProps {
    /// The phase.
    pub phase: PhaseView,
}

/// One phase's machines, paged.
#[component]
pub fn PhaseTable(props: &PhaseTableProps) -> Html {
    let page = use_state(|| 0usize);
    let list = &props.phase.assignments;
    let shown = clamp_page(*page, list.len(), PAGE);
    let on_page = {
        let page = page.clone();
        Callback::from(move |p| page.set(p))
    };
    html! {
        <div class="phase" data-phase={props.phase.key.clone()}>
            <h3>{&props.phase.title}{format!(" · {} machine(s)", list.len())}</h3>
            if list.is_empty() {
                <p class="empty">{"No machine."}</p>
            } else {
                <div class="table-scroll" tabindex="0" role="region" aria-label={format!("Machines of {}", props.phase.title)}>
                <table class="assignments">
                    <thead><tr><th scope="col">{"Machine"}</th><th scope="col">{"Experiment"}</th><th scope="col">{"Runs"}</th><th scope="col">{"Model"}</th><th scope="col">{"Batch × accumulation"}</th><th scope="col">{"E0 share"}</th><th scope="col">{"Estimated"}</th><th scope="col">{"Why"}</th></tr></thead>
                    <tbody>
                        { for list.iter().skip(shown * PAGE).take(PAGE).map(|a| html! {
                            <tr data-host={a.host.clone()}>
                                <th scope="row">{&a.host}</th>
                                <td><code>{&a.experiment}</code></td>
                                <td>{if a.parallel { "in parallel" } else { "alone" }}</td>
                                <td><code>{a.model.clone().unwrap_or_else(|| "—".to_owned())}</code></td>
                                <td class="num">{&a.batch}</td>
                                <td class="num">{a.share.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                <td class="num duration">{a.duration.clone().unwrap_or_else(|| "—".to_owned())}</td>
                                <td>{&a.reason}</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                </div>
                <Pager what="machines" total={list.len()} page_size={PAGE} page={shown} {on_page} />
            }
        </div>
    }
}

/// The plan section.
#[component]
pub fn PlanSection(props: &PlanSectionProps) -> Html {
    let plan = &*props.plan;
    let on_plan = props.on_download_plan.reform(|_: MouseEvent| ());
    let on_reports = props.on_download_reports.reform(|_: MouseEvent| ());
    let on_inventory = props.on_download_inventory.reform(|_: MouseEvent| ());
    html! {
        <section class="plan" id="plan" aria-labelledby="plan-heading"
            data-machines={plan.machines.to_string()} data-strategy={plan.strategy.as_str()}>
            <h2 id="plan-heading">{format!("3. Plan for {} machine(s)", plan.machines)}</h2>
            <fieldset class="strategy">
                <legend>{"Strategy"}</legend>
                { for Strategy::ALL.iter().map(|s| {
                    let s = *s;
                    let id = format!("strategy-{}", s.as_str());
                    let onchange = props.on_strategy.reform(move |_: Event| s);
                    html! {
                        <label for={id.clone()} class="radio">
                            <input type="radio" name="strategy" id={id} value={s.as_str()} checked={plan.strategy == s} {onchange} />
                            <strong>{s.as_str()}</strong>{format!(": {}", describe(s))}
                        </label>
                    }
                }) }
            </fieldset>
            <WorkloadForm current={props.workload} on_apply={props.on_workload.clone()} />
            if let Some(timeline) = &plan.timeline {
                <Timeline timeline={Shared::new(timeline.clone())} />
            }
            if !plan.warnings.is_empty() {
                <div class="plan-warnings" id="plan-warnings" role="region" aria-labelledby="warnings-heading">
                    <h3 id="warnings-heading">{format!("⚠ {} warning(s)", plan.warnings.len())}</h3>
                    <ul>{ for plan.warnings.iter().map(|w| html! { <li>{w}</li> }) }</ul>
                </div>
            }
            <div class="e2-choice" id="e2-choice">
                <h3>{"E2 fine-tuning"}</h3>
                if let Some(e2) = &plan.e2 {
                    <p><strong class="e2-host">{&e2.host}</strong>{" runs "}<code>{&e2.experiment}</code>{": "}{&e2.reason}</p>
                } else {
                    <p>{"No machine can run E2."}</p>
                }
            </div>
            { for plan.phases.iter().map(|p| html! { <PhaseTable key={p.key.clone()} phase={p.clone()} /> }) }
            if !plan.excluded.is_empty() {
                <div class="excluded" id="excluded">
                    <h3>{format!("Excluded · {} machine(s)", plan.excluded.len())}</h3>
                    <ul>{ for plan.excluded.iter().take(50).map(|(host, reason)| html! { <li><strong>{host}</strong>{": "}{reason}</li> }) }</ul>
                    if plan.excluded.len() > 50 { <p class="hint">{format!("and {} more; see distributed_plan.json", plan.excluded.len() - 50)}</p> }
                </div>
            }
            <Charts fleet={props.fleet.clone()} plan={props.plan.clone()} />
            <div class="downloads">
                <h3>{"Download"}</h3>
                if props.what_if {
                    <p class="hint" id="what-if-download">{"What-if values are in effect: the plan and the inventory follow them, so they differ from "}<code>{"llmcap plan"}</code>{" on the reports (the plan downloads as distributed_plan.what-if.json). The merged reports hold the measured values."}</p>
                }
                <button type="button" class="primary" id="download-plan" onclick={on_plan}>{if props.what_if { "Download distributed_plan.what-if.json" } else { "Download distributed_plan.json" }}</button>
                <button type="button" id="download-reports" onclick={on_reports}>{"Download merged reports"}</button>
                <button type="button" id="download-inventory" onclick={on_inventory}
                    title="The plan as an Ansible inventory, for deploy/ansible/prepare.yml">{"Download Ansible inventory"}</button>
                if let Some(error) = &props.download_error { <p class="error-text" role="alert">{error}</p> }
            </div>
        </section>
    }
}
