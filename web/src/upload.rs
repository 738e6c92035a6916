//! Reading the files a person drops on the page or picks with the file input.

use crate::state::{FileData, FileInput};
use llmcap_core::report::{BUNDLE_SNIFF_BYTES, MAX_BUNDLE_BYTES, MAX_REPORT_BYTES, worth_reading};

/// The files of a drop's or a file input's `FileList`, in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Reads every file. A file larger than a report is read only when its start says it is a
/// bundle of reports ([`worth_reading`]), so a drop of large files that are not reports costs
/// next to nothing.
///
/// Report-sized files are read together, as one blob made of them all, then cut apart by
/// their sizes: one read instead of one per file, which makes 10,000 reports about ten times
/// faster to read. Should that read fail, each file is read on its own, so the failure is
/// reported against the file that caused it.
pub async fn read_all(files: Vec<web_sys::File>) -> Vec<FileInput> {
    let sizes: Vec<u64> = files.iter().map(|f| f.size().max(0.0) as u64).collect();
    let parts = js_sys::Array::new();
    for (file, size) in files.iter().zip(&sizes) {
        if *size <= MAX_REPORT_BYTES {
            parts.push(file);
        }
    }
    let expected: u64 = sizes.iter().filter(|s| **s <= MAX_REPORT_BYTES).sum();
    let mut inputs = match read_together(&parts).await {
        Some(bytes) if bytes.len() as u64 == expected => {
            let named = files.iter().map(|f| f.name()).zip(sizes).collect();
            split(named, &bytes)
        }
        _ => futures::future::join_all(files.iter().cloned().map(read_one)).await,
    };
    for (input, file) in inputs.iter_mut().zip(files) {
        if let FileData::TooLarge { size } = input.data {
            input.data = read_large(file, size).await;
        }
    }
    inputs
}

async fn read_together(parts: &js_sys::Array) -> Option<Vec<u8>> {
    let blob = web_sys::Blob::new_with_blob_sequence(parts).ok()?;
    read_blob(blob).await.ok()
}

async fn read_blob(blob: web_sys::Blob) -> Result<Vec<u8>, String> {
    gloo_file::futures::read_as_bytes(&gloo_file::Blob::from(blob))
        .await
        .map_err(|e| e.to_string())
}

/// Cuts the bytes of files read together back into files: `files` is each file's name and
/// size, in the order they were joined; files over [`MAX_REPORT_BYTES`] were left out and
/// come back as not read.
fn split(files: Vec<(String, u64)>, bytes: &[u8]) -> Vec<FileInput> {
    let mut offset = 0usize;
    files
        .into_iter()
        .map(|(name, size)| {
            if size > MAX_REPORT_BYTES {
                return FileInput {
                    name,
                    data: FileData::TooLarge { size },
                };
            }
            let end = offset + size as usize;
            let data = FileData::Bytes(bytes.get(offset..end).unwrap_or_default().to_vec());
            offset = end;
            FileInput { name, data }
        })
        .collect()
}

/// Reads a report-sized file; a larger one comes back as not read, for [`read_large`].
async fn read_one(file: web_sys::File) -> FileInput {
    let name = file.name();
    let size = file.size().max(0.0) as u64;
    let data = if size > MAX_REPORT_BYTES {
        FileData::TooLarge { size }
    } else {
        bytes_or_error(read_blob(file.into()).await)
    };
    FileInput { name, data }
}

/// A file larger than a report: its start first, then all of it if that start is a bundle's.
async fn read_large(file: web_sys::File, size: u64) -> FileData {
    let not_read = FileData::TooLarge { size };
    if size > MAX_BUNDLE_BYTES {
        return not_read;
    }
    let Ok(start) = file.slice_with_f64_and_f64(0.0, BUNDLE_SNIFF_BYTES as f64) else {
        return not_read;
    };
    match read_blob(start).await {
        Ok(start) if worth_reading(size, &start) => bytes_or_error(read_blob(file.into()).await),
        Ok(_) => not_read,
        Err(message) => FileData::Unreadable { message },
    }
}

fn bytes_or_error(read: Result<Vec<u8>, String>) -> FileData {
    match read {
        Ok(bytes) => FileData::Bytes(bytes),
        Err(message) => FileData::Unreadable { message },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_read_together_are_cut_back_by_size() {
        let huge = MAX_REPORT_BYTES + 1;
        let files = vec![
            ("a.json".to_owned(), 3),
            ("big.json".to_owned(), huge),
            ("empty.json".to_owned(), 0),
            ("b.json".to_owned(), 2),
        ];
        let got = split(files, b"{a}{}");
        assert_eq!(
            got,
            vec![
                FileInput::bytes("a.json", *b"{a}"),
                FileInput {
                    name: "big.json".into(),
                    data: FileData::TooLarge { size: huge }
                },
                FileInput::bytes("empty.json", *b""),
                FileInput::bytes("b.json", *b"{}"),
            ]
        );
    }
}
