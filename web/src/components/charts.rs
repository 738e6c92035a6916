//! The plan section's charts: RAM and Phi-3-mini generation speed per machine, and the E0
//! shares.

use crate::components::bar_chart::{Bar, BarChart};
use crate::fleet::Fleet;
use crate::format::{gb, percent, rate};
use crate::plan_view_model::PlanView;
use crate::shared::Shared;
use llmcap_core::num::round2;
use llmcap_core::report::show_number;
use yew::prelude::*;

/// Props of [`Charts`].
#[derive(Properties, PartialEq, Debug)]
pub struct ChartsProps {
    /// The machines.
    pub fleet: Shared<Fleet>,
    /// The plan.
    pub plan: Shared<PlanView>,
}

fn largest_first(mut bars: Vec<Bar>) -> Vec<Bar> {
    bars.sort_by(|a, b| {
        b.value
            .total_cmp(&a.value)
            .then_with(|| a.label.cmp(&b.label))
    });
    bars
}

/// Three charts, side by side where the screen is wide enough.
#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    let rows = &props.fleet.rows;
    let ram = largest_first(
        rows.iter()
            .map(|r| {
                let s = &r.report.machine.system;
                Bar {
                    label: r.host().to_owned(),
                    value: s.ram_gb,
                    part: Some(s.ram_available_gb),
                    text: format!(
                        "{} / {}",
                        show_number(round2(s.ram_available_gb)),
                        gb(s.ram_gb)
                    ),
                }
            })
            .collect(),
    );
    let speeds = largest_first(
        rows.iter()
            .filter_map(|r| {
                let g = r.generation.as_ref()?;
                Some(Bar {
                    label: r.host().to_owned(),
                    value: g.tok_s,
                    part: None,
                    text: format!("{} ({}, {})", rate(g.tok_s), g.level, g.basis),
                })
            })
            .collect(),
    );
    let shares = largest_first(
        props
            .plan
            .e0_shares
            .iter()
            .map(|s| Bar {
                label: s.host.clone(),
                value: s.fraction,
                part: None,
                text: percent(s.fraction),
            })
            .collect(),
    );
    html! {
        <div class="charts">
            <BarChart id="chart-ram" title="RAM per machine (GB)" bars={ram}
                part_legend={Some(AttrValue::from("available"))} whole_legend={Some(AttrValue::from("total"))} />
            <BarChart id="chart-speed" title="Phi-3-mini generation per machine (tok/s), what E0 is shared by" bars={speeds} />
            if shares.is_empty() {
                <figure class="chart" id="chart-shares">
                    <figcaption>{"E0 shares"}</figcaption>
                    <p class="hint">{"This plan does not split E0 into shares."}</p>
                </figure>
            } else {
                <BarChart id="chart-shares" title="E0 configurations per machine" bars={shares} />
            }
        </div>
    }
}
