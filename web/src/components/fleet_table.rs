//! The fleet table: one row per machine, sortable by every column; a host's button opens its
//! details.

use crate::components::pager::{Pager, clamp_page};
use crate::components::verdict::Verdict;
use crate::fleet::{Fleet, MachineView, Sort, SortKey};
use crate::format::{gb, rate};
use crate::shared::Shared;
use llmcap_core::Phase;
use llmcap_core::report::show_number;
use yew::prelude::*;

const PAGE: usize = 50;

/// Props of [`FleetTable`].
#[derive(Properties, PartialEq, Debug)]
pub struct FleetTableProps {
    /// The machines, already sorted.
    pub fleet: Shared<Fleet>,
    /// Their order.
    pub sort: Sort,
    /// The open machine.
    pub selected: Option<String>,
    /// A header was clicked.
    pub on_sort: Callback<SortKey>,
    /// A host was clicked.
    pub on_select: Callback<Option<String>>,
}

/// The columns: sort key and header text.
const COLUMNS: &[(SortKey, &str)] = &[
    (SortKey::Host, "Host"),
    (SortKey::Tier, "Tier"),
    (SortKey::RamAvailable, "RAM available / total"),
    (SortKey::Vram, "GPU(s) and VRAM"),
    (SortKey::Speed, "Phi-3-mini"),
    (SortKey::Verdict(Phase::Prerequisites), "P1-P3"),
    (SortKey::Verdict(Phase::E0E1), "E0-E1"),
    (SortKey::Verdict(Phase::E2Full), "E2 full"),
    (SortKey::Verdict(Phase::E2Quantized), "E2 quant."),
];

fn header(key: SortKey, label: &'static str, sort: Sort, on_sort: &Callback<SortKey>) -> Html {
    let (aria, arrow) = match (sort.key == key, sort.descending) {
        (false, _) => (None, ""),
        (true, false) => (Some(AttrValue::from("ascending")), " ▲"),
        (true, true) => (Some(AttrValue::from("descending")), " ▼"),
    };
    let onclick = on_sort.reform(move |_: MouseEvent| key);
    html! {
        <th scope="col" aria-sort={aria}>
            <button type="button" class="sort" {onclick}>{label}<span aria-hidden="true">{arrow}</span></button>
        </th>
    }
}

fn row(r: &MachineView, selected: bool, on_select: &Callback<Option<String>>) -> Html {
    let system = &r.report.machine.system;
    let host = r.host().to_owned();
    let onclick = {
        let host = host.clone();
        on_select.reform(move |_: MouseEvent| (!selected).then(|| host.clone()))
    };
    let speed = match &r.generation {
        Some(g) => html! {
            <span title={format!("{} on the {}, {}", g.level, g.device, g.basis)}>
                {format!("{} tok/s", rate(g.tok_s))}<br /><small>{format!("{}, {}", g.level, g.basis)}</small>
            </span>
        },
        None => html! { {"—"} },
    };
    let judged = r.judged();
    html! {
        <tr key={host.clone()} class={classes!(selected.then_some("selected"), (!r.overrides.is_empty()).then_some("what-if"))} data-host={host.clone()}>
            <th scope="row">
                <button type="button" class="host" {onclick} aria-expanded={selected.to_string()} aria-controls="machine-detail">{&host}</button>
                if !r.overrides.is_empty() { <span class="tag">{"what-if"}</span> }
            </th>
            <td class={classes!("tier", r.tier_label().replace(' ', "-"))}>{r.tier_label()}</td>
            <td class="num">{format!("{} / {}", show_number(system.ram_available_gb), gb(system.ram_gb))}</td>
            <td class="gpu">{r.gpu_summary()}</td>
            <td class="num speed">{speed}</td>
            { for Phase::ALL.iter().zip(&judged).map(|(v, j)| html! {
                <td data-verdict={v.key()}>
                    <Verdict pass={r.verdict().grants(*v)} />
                    <span class={classes!("judged", j.as_str().replace(' ', "-"))} title="llmcap's own assessment">{j.as_str()}</span>
                </td>
            }) }
            <td class="work">{ for r.work.iter().map(|w| html! { <span class="assignment">{w}</span> }) }</td>
        </tr>
    }
}

/// The fleet table.
#[component]
pub fn FleetTable(props: &FleetTableProps) -> Html {
    let page = use_state(|| 0usize);
    let rows = &props.fleet.rows;
    let shown = clamp_page(*page, rows.len(), PAGE);
    let on_page = {
        let page = page.clone();
        Callback::from(move |p| page.set(p))
    };
    html! {
        <section class="fleet" aria-labelledby="fleet-heading">
            <h2 id="fleet-heading">{format!("2. Fleet: {} machine(s)", rows.len())}</h2>
            <p class="hint">{"Each phase shows the guide's verdict, then llmcap's own (ready, slow, does not fit). Sort by any column; open a machine for its checks, speeds, recommendations and what-if."}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Fleet table, scrolls sideways">
                <table id="fleet-table">
                    <thead><tr>{ for COLUMNS.iter().map(|(k, l)| header(*k, l, props.sort, &props.on_sort)) }<th scope="col">{"Plan"}</th></tr></thead>
                    <tbody>
                        { for rows.iter().skip(shown * PAGE).take(PAGE).map(|r| row(r, props.selected.as_deref() == Some(r.host()), &props.on_select)) }
                    </tbody>
                </table>
            </div>
            <Pager what="machines" total={rows.len()} page_size={PAGE} page={shown} {on_page} />
        </section>
    }
}
