//! Reading the files a person drops on the page or picks with the file input.

use crate::state::{FileData, FileInput};
use llmcap_core::report::MAX_BUNDLE_BYTES;

/// The files of a drop's or a file input's `FileList`, in order.
pub fn files_of(list: Option<web_sys::FileList>) -> Vec<web_sys::File> {
    let Some(list) = list else {
        return Vec::new();
    };
    (0..list.length()).filter_map(|i| list.get(i)).collect()
}

/// Reads every file. A file larger than a bundle of reports can be is not read at all, so a
/// 50 MB drop costs nothing.
///
/// The files are read together, as one blob made of them all, then cut apart by their sizes:
/// one read instead of one per file, which makes 10,000 reports about ten times faster to
/// read. Should that read fail, each file is read on its own, so the failure is reported
/// against the file that caused it.
pub async fn read_all(files: Vec<web_sys::File>) -> Vec<FileInput> {
    let sizes: Vec<u64> = files.iter().map(|f| f.size().max(0.0) as u64).collect();
    let parts = js_sys::Array::new();
    for (file, size) in files.iter().zip(&sizes) {
        if *size <= MAX_BUNDLE_BYTES {
            parts.push(file);
        }
    }
    if let Some(bytes) = read_together(&parts).await {
        let expected: u64 = sizes.iter().filter(|s| **s <= MAX_BUNDLE_BYTES).sum();
        if bytes.len() as u64 == expected {
            let named = files.iter().map(|f| f.name()).zip(sizes).collect();
            return split(named, &bytes);
        }
    }
    futures::future::join_all(files.into_iter().map(read_one)).await
}

async fn read_together(parts: &js_sys::Array) -> Option<Vec<u8>> {
    let blob = web_sys::Blob::new_with_blob_sequence(parts).ok()?;
    gloo_file::futures::read_as_bytes(&gloo_file::Blob::from(blob))
        .await
        .ok()
}

/// Cuts the bytes of files read together back into files: `files` is each file's name and
/// size, in the order they were joined; files over [`MAX_BUNDLE_BYTES`] were left out.
fn split(files: Vec<(String, u64)>, bytes: &[u8]) -> Vec<FileInput> {
    let mut offset = 0usize;
    files
        .into_iter()
        .map(|(name, size)| {
            if size > MAX_BUNDLE_BYTES {
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

async fn read_one(file: web_sys::File) -> FileInput {
    let name = file.name();
    let size = file.size().max(0.0) as u64;
    if size > MAX_BUNDLE_BYTES {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_read_together_are_cut_back_by_size() {
        let huge = MAX_BUNDLE_BYTES + 1;
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
