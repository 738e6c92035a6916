//! The fleet table: one row per machine, sortable by every column; a host's button opens its
//! details.

use crate::components::pager::{Pager, clamp_page};
use crate::components::verdict::Verdict;
use crate::fleet::{Fleet, MachineView, Sort, SortKey};
use crate::format::{gb, rate};
use crate::shared::Shared;
use llmcap_core::Phase;
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
    (SortKey::RamTotal, "RAM total"),
    (SortKey::RamAvailable, "RAM available"),
    (SortKey::DiskFree, "Free disk"),
    (SortKey::Cores, "Cores"),
    (SortKey::Vram, "GPU(s) and VRAM"),
    (SortKey::Gflops, "GFLOP/s"),
    (SortKey::Embedding, "Embedding test"),
    (SortKey::Verdict(Phase::Prerequisites), "Prerequisites"),
    (SortKey::Verdict(Phase::E0E1), "E0-E1"),
    (SortKey::Verdict(Phase::E2Full), "E2 full"),
    (SortKey::Verdict(Phase::E2Quantized), "E2 quantized"),
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
    let gflops = match r.gflops() {
        Some((g, false)) => html! { {rate(g)} },
        Some((g, true)) => {
            html! { <span title="estimated from the guide's benchmark time">{format!("≈ {}", rate(g))}</span> }
        }
        None => html! { {"—"} },
    };
    let embedding = r.embedding().map_or("not run", |s| s.as_str());
    html! {
        <tr key={host.clone()} class={classes!(selected.then_some("selected"), (!r.overrides.is_empty()).then_some("what-if"))} data-host={host.clone()}>
            <th scope="row">
                <button type="button" class="host" {onclick} aria-expanded={selected.to_string()} aria-controls="machine-detail">{&host}</button>
                if !r.overrides.is_empty() { <span class="tag">{"what-if"}</span> }
            </th>
            <td class={classes!("tier", r.tier_label().replace(' ', "-"))}>{r.tier_label()}</td>
            <td class="num">{gb(system.ram_gb)}</td>
            <td class="num">{gb(system.ram_available_gb)}</td>
            <td class="num">{gb(system.disk_free_gb)}</td>
            <td class="num">{system.cores()}</td>
            <td class="gpu">{r.gpu_summary()}</td>
            <td class="num">{gflops}</td>
            <td class={classes!("embedding", embedding.replace(' ', "-"))}>{embedding}</td>
            { for Phase::ALL.iter().map(|v| html! { <td data-verdict={v.key()}><Verdict pass={r.verdict().grants(*v)} /></td> }) }
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
            <p class="hint">{"Sort by any column; open a machine for its checks, recommendations and what-if."}</p>
            <div class="table-scroll" tabindex="0" role="region" aria-label="Fleet table, scrolls sideways">
                <table id="fleet-table">
                    <thead><tr>{ for COLUMNS.iter().map(|(k, l)| header(*k, l, props.sort, &props.on_sort)) }</tr></thead>
                    <tbody>
                        { for rows.iter().skip(shown * PAGE).take(PAGE).map(|r| row(r, props.selected.as_deref() == Some(r.host()), &props.on_select)) }
                    </tbody>
                </table>
            </div>
            <Pager what="machines" total={rows.len()} page_size={PAGE} page={shown} {on_page} />
        </section>
    }
}
