//! Saving a text file from the page: a Blob, an object URL and a click on a hidden link, so
//! nothing leaves the browser.

use gloo_file::{Blob, ObjectUrl};
use wasm_bindgen::JsCast;

/// Offers `text` for download as `file_name`.
///
/// The returned URL must be kept alive until the download has started: dropping it revokes
/// the URL. Keeping it until the next download is enough.
pub fn save_text(file_name: &str, mime: &str, text: &str) -> Result<ObjectUrl, String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("the page has no document")?;
    let url = ObjectUrl::from(Blob::new_with_options(text, Some(mime)));
    let link: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|e| format!("cannot create a link: {e:?}"))?
        .dyn_into()
        .map_err(|_| "cannot create a link".to_owned())?;
    link.set_href(&url);
    link.set_download(file_name);
    link.click();
    Ok(url)
}
