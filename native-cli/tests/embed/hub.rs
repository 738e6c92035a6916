//! Step 3 of the model search against a stand-in for the Hugging Face hub on loopback: the
//! model is downloaded into the cache in `huggingface_hub`'s layout, then found there
//! offline.

use super::support::{embed_check, real_model, test_model};
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::thread;

const COMMIT: &str = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf";
const PREFIX: &str = "/sentence-transformers/all-MiniLM-L6-v2/resolve/main/";

/// Serves the real model's files the way the hub's `resolve` endpoint does (commit and etag
/// headers, byte ranges); returns its address.
fn fake_hub() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("http://{}", listener.local_addr().unwrap());
    let root = real_model();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = root.clone();
            thread::spawn(move || serve(stream, root));
        }
    });
    address
}

fn serve(mut stream: TcpStream, root: PathBuf) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request = String::new();
    reader.read_line(&mut request).unwrap();
    let mut range_start = None;
    let mut one_byte = false;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap() == 0 || line.trim().is_empty() {
            break;
        }
        let lower = line.to_ascii_lowercase();
        if let Some(range) = lower.strip_prefix("range: bytes=") {
            let (start, end) = range.trim().split_once('-').unwrap();
            range_start = Some(start.parse::<usize>().unwrap());
            one_byte = end == "0";
        }
    }
    let path = request.split_whitespace().nth(1).unwrap_or("");
    let file = path.strip_prefix(PREFIX).map(|f| root.join(f));
    let Some(bytes) = file.and_then(|f| std::fs::read(f).ok()) else {
        let _ = stream.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        return;
    };
    let start = range_start.unwrap_or(0).min(bytes.len());
    let end = if one_byte {
        1.min(bytes.len())
    } else {
        bytes.len()
    };
    let body = &bytes[start..end.max(start)];
    let etag: u64 = path.bytes().map(u64::from).sum::<u64>() * 7919 + bytes.len() as u64;
    let head = format!(
        "HTTP/1.1 206 Partial Content\r\nContent-Length: {}\r\nContent-Range: bytes {}-{}/{}\r\n\
         X-Repo-Commit: {COMMIT}\r\nETag: \"{etag:x}\"\r\nConnection: close\r\n\r\n",
        body.len(),
        start,
        (start + body.len()).saturating_sub(1),
        bytes.len()
    );
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(body);
}

#[test]
fn a_missing_model_is_downloaded_into_the_cache_then_found_offline() {
    if test_model().is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let hub = fake_hub();
    let run = embed_check(home.path(), &[], &[("HF_ENDPOINT", hub.as_str())]);
    assert_eq!(
        run.result.status, "success",
        "{:?}\n{}",
        run.result, run.stderr
    );
    let snapshot = home
        .path()
        .join(".cache/huggingface/hub/models--sentence-transformers--all-MiniLM-L6-v2")
        .join("snapshots")
        .join(COMMIT);
    assert_eq!(
        run.result.model_path.as_deref(),
        Some(snapshot.to_str().unwrap())
    );
    assert!(
        run.stderr.contains("embedding: downloading"),
        "{}",
        run.stderr
    );
    assert!(snapshot.join("1_Pooling/config.json").is_file());

    // The second run needs no hub.
    let again = embed_check(home.path(), &["--offline"], &[]);
    assert_eq!(again.result.status, "success", "{}", again.stderr);
    assert!(!again.stderr.contains("downloading"));
}
