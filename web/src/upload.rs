//! Reading the files a person drops on the page or picks with the file input.

use crate::state::{FileData, FileInput};
use llmcap_core::report::MAX_REPORT_BYTES;

/// The files of a drop's or a file input's `FileList`, in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Reads every file at once. A file larger than a report can be is not read at all, so a
/// 50 MB drop costs nothing; a failed read becomes that file's error.
pub async fn read_all(files: Vec<web_sys::File>) -> Vec<FileInput> {
    futures::future::join_all(files.into_iter().map(read_one)).await
}

async fn read_one(file: web_sys::File) -> FileInput {
    let name = file.name();
    let size = file.size().max(0.0) as u64;
    if size > MAX_REPORT_BYTES {
        return FileInput {
            name,
            data: FileData::TooLarge { size },
        };
    }
    let blob = gloo_file::Blob::from(file);
    let data = match gloo_file::futures::read_as_bytes(&blob).await {
        Ok(bytes) => FileData::Bytes(bytes),
        Err(error) => FileData::Unreadable {
            message: error.to_string(),
        },
    };
    FileInput { name, data }
}
