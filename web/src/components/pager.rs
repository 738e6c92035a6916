//! Previous/next buttons for long lists, so 10,000 machines never mean 10,000 rows in the DOM.

use yew::prelude::*;

/// Props of [`Pager`].
#[derive(Properties, PartialEq, Debug)]
pub struct PagerProps {
    /// What is paged, for the buttons' labels: `machines`, `files`.
    pub what: AttrValue,
    /// Items in all.
    pub total: usize,
    /// Items per page.
    pub page_size: usize,
    /// The page shown, from 0.
    pub page: usize,
    /// Asks for another page.
    pub on_page: Callback<usize>,
}

/// The page that holds item `page * page_size` when there are `total` items.
pub fn clamp_page(page: usize, total: usize, page_size: usize) -> usize {
    page.min(total.saturating_sub(1) / page_size.max(1))
}

/// Shows `41-80 of 10,000` with previous and next buttons; nothing when one page is enough.
#[component]
pub fn Pager(props: &PagerProps) -> Html {
    let size = props.page_size.max(1);
    if props.total <= size {
        return html! {};
    }
    let page = clamp_page(props.page, props.total, size);
    let last = (props.total - 1) / size;
    let first_item = page * size + 1;
    let last_item = ((page + 1) * size).min(props.total);
    let go = |to: usize| {
        let on_page = props.on_page.clone();
        Callback::from(move |_: MouseEvent| on_page.emit(to))
    };
    html! {
        <nav class="pager" aria-label={format!("Pages of {}", props.what)}>
            <button type="button" onclick={go(page.saturating_sub(1))} disabled={page == 0}
                aria-label={format!("Previous {size} {}", props.what)}>{"‹ Previous"}</button>
            <span aria-live="polite">{format!("{first_item}-{last_item} of {} {}", props.total, props.what)}</span>
            <button type="button" onclick={go((page + 1).min(last))} disabled={page == last}
                aria-label={format!("Next {size} {}", props.what)}>{"Next ›"}</button>
        </nav>
    }
}
