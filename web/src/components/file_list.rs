//! Every loaded file with what became of it: used, rejected with the CLI's error text, or set
//! aside for a newer report of the same host; each can be removed.

use crate::components::pager::{Pager, clamp_page};
use crate::fleet::Fleet;
use crate::shared::Shared;
use crate::state::LoadedFile;
use yew::prelude::*;

/// Files per page: problems are shown a hundred at a time, files in use 25.
const PAGE: usize = 25;
const PROBLEM_PAGE: usize = 100;

/// Props of [`FileList`].
#[derive(Properties, PartialEq, Debug)]
pub struct FileListProps {
    /// The files, in load order.
    pub files: Shared<Vec<LoadedFile>>,
    /// The fleet, for which valid files are set aside.
    pub fleet: Shared<Fleet>,
    /// Remove a file by id.
    pub on_remove: Callback<u64>,
}

enum Status<'a> {
    Used(&'a str),
    Rejected(String),
    SetAside(&'a str),
}

fn status<'a>(file: &'a LoadedFile, fleet: &'a Fleet) -> Status<'a> {
    match &file.outcome {
        Err(error) => Status::Rejected(error.to_string()),
        Ok(report) => match fleet.set_aside.get(&file.id) {
            Some(message) => Status::SetAside(message),
            None => Status::Used(report.hostname.as_str()),
        },
    }
}

fn item(file: &LoadedFile, fleet: &Fleet, on_remove: &Callback<u64>) -> Html {
    let id = file.id;
    let remove = on_remove.reform(move |_: MouseEvent| id);
    let (class, badge, detail) = match status(file, fleet) {
        Status::Used(host) => (
            "used",
            "loaded",
            html! { <>{"host "}<strong>{host}</strong></> },
        ),
        Status::Rejected(message) => (
            "rejected",
            "rejected",
            html! { <span class="error-text">{message}</span> },
        ),
        Status::SetAside(message) => ("set-aside", "not used", html! { <span>{message}</span> }),
    };
    html! {
        <li key={id} class={classes!("file", class)} data-file={file.name.clone()}>
            <span class={classes!("badge", class)}>{badge}</span>
            <span class="file-name">{&file.name}</span>
            <span class="file-detail">{detail}</span>
            <button type="button" class="remove" onclick={remove}
                aria-label={format!("Remove {}", file.name)}>{"Remove"}</button>
        </li>
    }
}

/// The file list: problems first, then the files in use.
#[component]
pub fn FileList(props: &FileListProps) -> Html {
    let problem_page = use_state(|| 0usize);
    let used_page = use_state(|| 0usize);
    if props.files.is_empty() {
        return html! {};
    }
    let fleet = &*props.fleet;
    let (problems, used): (Vec<&LoadedFile>, Vec<&LoadedFile>) = props
        .files
        .iter()
        .partition(|f| f.outcome.is_err() || fleet.set_aside.contains_key(&f.id));
    let rejected = props.files.iter().filter(|f| f.outcome.is_err()).count();
    let page_of = |list: &[&LoadedFile], page: usize, size: usize| -> Html {
        let page = clamp_page(page, list.len(), size);
        list.iter()
            .skip(page * size)
            .take(size)
            .map(|f| item(f, fleet, &props.on_remove))
            .collect()
    };
    let pager = |what: &'static str, total: usize, size: usize, state: &UseStateHandle<usize>| {
        let state = state.clone();
        html! { <Pager {what} {total} page_size={size} page={*state} on_page={Callback::from(move |p| state.set(p))} /> }
    };
    html! {
        <section class="files" aria-labelledby="files-heading">
            <h2 id="files-heading">{"Files"}</h2>
            <p class="summary" id="file-summary" role="status">
                {format!("{} file(s): {} used, {} rejected, {} not used (older report of the same host or a copy).",
                    props.files.len(), used.len(), rejected, fleet.set_aside.len())}
            </p>
            if !problems.is_empty() {
                <ul class="file-list problems" aria-label="Files with problems">{page_of(&problems, *problem_page, PROBLEM_PAGE)}</ul>
                {pager("files with problems", problems.len(), PROBLEM_PAGE, &problem_page)}
            }
            if !used.is_empty() {
                <details open={used.len() <= PAGE} class="used-files">
                    <summary>{format!("{} file(s) in use", used.len())}</summary>
                    <ul class="file-list" aria-label="Files in use">{page_of(&used, *used_page, PAGE)}</ul>
                    {pager("files in use", used.len(), PAGE, &used_page)}
                </details>
            }
        </section>
    }
}
