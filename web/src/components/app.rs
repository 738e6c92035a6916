//! The page: loading, the file list, the fleet, the open machine and the plan, wired to the
//! reducer. Files dropped anywhere on the app's area are loaded.

use crate::components::file_list::FileList;
use crate::components::fleet_table::FleetTable;
use crate::components::loader::Loader;
use crate::components::machine_detail::MachineDetail;
use crate::components::plan_view::PlanSection;
use crate::download::save_text;
use crate::keep;
use crate::shared::Shared;
use crate::state::{Action, AppState, LoadedFile};
use crate::upload::{files_of, read_all};
use gloo_file::ObjectUrl;
use llmcap_core::link;
use yew::prelude::*;

/// The whole page.
#[component]
pub fn App() -> Html {
    // The fleet kept from the last visit, before anything renders or is stored again.
    let state = use_reducer(|| {
        let mut state = AppState::default();
        let stored = storage().and_then(|s| s.get_item(keep::KEY).ok().flatten());
        state.apply(Action::AddFiles(
            stored.map(|s| keep::decode(&s)).unwrap_or_default(),
        ));
        state
    });
    let reading = use_state(|| 0usize);
    let parsed = use_state(|| None::<(usize, usize)>);
    let dragging = use_state(|| false);
    // The last download's URL: dropping it would revoke the URL before the download starts.
    let last_download = use_mut_ref(|| None::<ObjectUrl>);
    let download_error = use_state(|| None::<AttrValue>);
    let storage_note = use_kept_fleet(state.files.clone(), parsed.is_some());
    use_link_reports(state.dispatcher());

    let on_files = {
        let dispatcher = state.dispatcher();
        let reading = reading.clone();
        let parsed = parsed.clone();
        Callback::from(move |files: Vec<web_sys::File>| {
            if files.is_empty() {
                return;
            }
            reading.set(files.len());
            let dispatcher = dispatcher.clone();
            let reading = reading.clone();
            let parsed = parsed.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let mut inputs = read_all(files).await;
                let total = inputs.len();
                if total <= PARSE_BATCH {
                    dispatcher.dispatch(Action::AddFiles(inputs));
                } else {
                    // A part at a time, with a count, and the page answering in between.
                    let mut done = 0;
                    while !inputs.is_empty() {
                        let rest = inputs.split_off(PARSE_BATCH.min(inputs.len()));
                        done += inputs.len();
                        dispatcher.dispatch(Action::Parse(std::mem::replace(&mut inputs, rest)));
                        parsed.set(Some((done, total)));
                        yield_to_browser().await;
                    }
                    dispatcher.dispatch(Action::Refresh);
                    parsed.set(None);
                }
                reading.set(0);
            });
        })
    };
    let ondragover = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let ondragleave = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            // Leaving for a child element is not leaving the page.
            if e.related_target().is_none() {
                dragging.set(false);
            }
        })
    };
    let ondrop = {
        let on_files = on_files.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            on_files.emit(files_of(e.data_transfer().and_then(|d| d.files())));
        })
    };
    let dispatch = |make: fn() -> Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(make()))
    };
    let save = |file_name: &'static str, mime: &'static str, text: fn(&AppState) -> String| {
        let state = state.clone();
        let last_download = last_download.clone();
        let download_error = download_error.clone();
        Callback::from(move |()| match save_text(file_name, mime, &text(&state)) {
            Ok(url) => {
                *last_download.borrow_mut() = Some(url);
                download_error.set(None);
            }
            Err(message) => download_error.set(Some(format!("{file_name}: {message}").into())),
        })
    };
    let on_remove = state.dispatcher().to_callback().reform(Action::Remove);
    let on_sort = state.dispatcher().to_callback().reform(Action::SortBy);
    let on_select = state.dispatcher().to_callback().reform(Action::Select);
    let on_strategy = state.dispatcher().to_callback().reform(Action::SetStrategy);
    let on_workload = state.dispatcher().to_callback().reform(Action::SetWorkload);
    let workload = state.workload;
    let detail = state.detail.clone().map(|detail| {
        let host = detail.row.host().to_owned();
        let on_overrides =
            state
                .dispatcher()
                .to_callback()
                .reform(move |overrides| Action::SetOverrides {
                    host: host.clone(),
                    overrides,
                });
        let on_close = state
            .dispatcher()
            .to_callback()
            .reform(|()| Action::Select(None));
        html! { <MachineDetail {detail} {on_close} {on_overrides} /> }
    });
    let has_machines = !state.fleet.rows.is_empty();
    // With what-if values the plan is not `llmcap plan` of the files: its name says so.
    let what_if = !state.overrides.is_empty();
    let plan_file = if what_if {
        "distributed_plan.what-if.json"
    } else {
        "distributed_plan.json"
    };
    html! {
        <div class={classes!("app", (*dragging).then_some("dragging"))} {ondragover} {ondragleave} {ondrop}>
            <Loader reading={*reading} parsed={*parsed} has_files={!state.files.is_empty()} dragging={*dragging}
                {on_files} on_examples={dispatch(|| Action::LoadExamples)} on_clear={dispatch(|| Action::Clear)} />
            {link_note(state.link_note.as_ref())}
            <p id="storage-note" class="error-text" role="alert" hidden={storage_note.is_none()}>{(*storage_note).clone().unwrap_or_default()}</p>
            <FileList files={state.files.clone()} fleet={state.fleet.clone()} {on_remove} />
            if has_machines {
                <FleetTable fleet={state.fleet.clone()} sort={state.sort} selected={state.selected.clone()} {on_sort} {on_select} />
                {detail.unwrap_or_default()}
                <PlanSection plan={state.plan_view.clone()} fleet={state.fleet.clone()} {on_strategy} {workload} {on_workload} {what_if}
                    on_download_plan={save(plan_file, "application/json", AppState::plan_json)}
                    on_download_reports={save("capability_reports_merged.json", "application/json", AppState::merged_reports_json)}
                    on_download_inventory={save(llmcap_core::export::Format::Ansible.default_file_name(), "application/yaml", AppState::ansible_inventory)}
                    download_error={(*download_error).clone()} />
            } else if state.files.is_empty() {
                <section class="welcome" aria-labelledby="welcome-heading">
                    <h2 id="welcome-heading">{"How it works"}</h2>
                    <ol>
                        <li>{"Run "}<code>{"llmcap probe"}</code>{" on each machine; it writes "}<code>{"capability_report_<host>.json"}</code>{"."}</li>
                        <li>{"Drop all the reports here. They are read by this page only, in your browser."}</li>
                        <li>{"See each machine's verdict and what to install, and the plan that splits the experiments across them."}</li>
                    </ol>
                    <p>{"No reports at hand? Try "}<strong>{"Load example fleet"}</strong>{" (two real reports and four illustrative ones)."}</p>
                </section>
            }
        </div>
    }
}

/// Keeps the fleet in this browser whenever the files change, and forgets it when none is
/// left; not while a large drop is read (`busy`), but once at its end. Returns why the browser
/// would not keep it, when it would not.
#[hook]
fn use_kept_fleet(files: Shared<Vec<LoadedFile>>, busy: bool) -> UseStateHandle<Option<String>> {
    let note = use_state(|| None::<String>);
    let setter = note.clone();
    use_effect_with((files, busy), move |(files, busy)| {
        let Some(storage) = storage().filter(|_| !busy) else {
            return;
        };
        let outcome = match keep::encode(files) {
            Some(value) => storage.set_item(keep::KEY, &value).map_err(|_| value.len()),
            None => storage.remove_item(keep::KEY).map_err(|_| 0),
        };
        setter.set(outcome.err().map(|size| {
            format!(
                "This browser could not keep these reports ({} KB): they will not come back when the page is reloaded.",
                size.div_ceil(1024)
            )
        }));
    });
    note
}

/// A link's reports (`#r=…`): read when the page opens, and when the fragment changes in an
/// open page.
#[hook]
fn use_link_reports(dispatcher: UseReducerDispatcher<AppState>) {
    use_effect_with((), move |()| {
        let open = move || {
            let hash = web_sys::window().and_then(|w| w.location().hash().ok());
            let carries = |h: &String| h.trim_start_matches('#').starts_with(link::FRAGMENT_KEY);
            if let Some(hash) = hash.filter(carries) {
                dispatcher.dispatch(Action::OpenLink(hash));
            }
        };
        open();
        let listener = wasm_bindgen::closure::Closure::<dyn Fn()>::new(open);
        let window = web_sys::window();
        if let Some(w) = &window {
            let _ = w.add_event_listener_with_callback(
                "hashchange",
                wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
            );
        }
        move || {
            if let Some(w) = &window {
                let _ = w.remove_event_listener_with_callback(
                    "hashchange",
                    wasm_bindgen::JsCast::unchecked_ref(listener.as_ref()),
                );
            }
        }
    });
}

/// What opening a link did, announced to screen readers. Always one element, hidden when
/// there is nothing to say: Yew cannot insert before an empty fragment here.
fn link_note(note: Option<&Result<String, String>>) -> Html {
    let (class, role, text) = match note {
        Some(Ok(added)) => ("link-note added", "status", added.as_str()),
        Some(Err(why)) => ("link-note error-text", "alert", why.as_str()),
        None => ("link-note", "status", ""),
    };
    html! { <p id="link-note" {class} {role} hidden={note.is_none()}>{text}</p> }
}

/// This browser's local storage for this page, when it has one and allows it.
fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Files parsed between two looks at the browser in a large drop.
const PARSE_BATCH: usize = 500;

/// Lets the browser draw and answer events: resolves on its next timer turn.
async fn yield_to_browser() {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback(&resolve);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
