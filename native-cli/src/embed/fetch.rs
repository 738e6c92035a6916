//! Downloading all-MiniLM-L6-v2 from the Hugging Face hub into the hub cache, in the layout
//! `huggingface_hub` writes, so sentence-transformers and llmcap share one copy.
//!
//! This runs in the `embed-worker --fetch-into` child: hf-hub's blocking client has no
//! overall time limit, so the parent bounds it by killing the child. A short TCP connect
//! first makes an unreachable hub fail in seconds rather than at the system's connect
//! timeout.

use super::locate::{MODEL_ID, PIPELINE_FILES, REQUIRED_FILES, first_missing};
use super::protocol::{FetchReport, PROTOCOL};
use hf_hub::api::sync::ApiBuilder;
use std::net::{TcpStream, ToSocketAddrs};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::time::Duration;

/// How long the reachability check waits for a TCP connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// Downloads the model's files into the hub cache `cache` from `endpoint`.
pub fn fetch(cache: &Path, endpoint: &str, progress: bool) -> FetchReport {
    let outcome = catch_unwind(AssertUnwindSafe(|| download(cache, endpoint, progress)))
        .unwrap_or_else(|_| Err("the download library crashed".to_owned()));
    match outcome {
        Ok(dir) => FetchReport {
            protocol: PROTOCOL,
            model_path: Some(dir),
            error: None,
        },
        Err(error) => FetchReport {
            protocol: PROTOCOL,
            model_path: None,
            error: Some(error),
        },
    }
}

fn download(cache: &Path, endpoint: &str, progress: bool) -> Result<String, String> {
    if !behind_proxy() {
        reachable(endpoint, CONNECT_TIMEOUT)?;
    }
    let api = ApiBuilder::from_cache(hf_hub::Cache::new(cache.to_owned()))
        .with_endpoint(endpoint.to_owned())
        .with_token(None)
        .with_progress(progress)
        .build()
        .map_err(|e| format!("cannot set up the download: {e}"))?;
    let repo = api.model(MODEL_ID.to_owned());
    let mut dir = None;
    for file in REQUIRED_FILES {
        let path = repo
            .get(file)
            .map_err(|e| format!("downloading {file} from {} failed: {e}", repo.url(file)))?;
        dir = path.parent().map(Path::to_owned);
    }
    for file in PIPELINE_FILES {
        // sentence-transformers' extra files: useful, not needed (defaults apply).
        let _ = repo.get(file);
    }
    let dir = dir.ok_or_else(|| "the download gave no folder".to_owned())?;
    match first_missing(&dir) {
        None => Ok(dir.display().to_string()),
        Some(file) => Err(format!(
            "after the download, {} still has no {file}",
            dir.display()
        )),
    }
}

/// A proxy is configured: a direct connection says nothing, so the check is skipped.
fn behind_proxy() -> bool {
    [
        "HTTPS_PROXY",
        "https_proxy",
        "HTTP_PROXY",
        "http_proxy",
        "ALL_PROXY",
        "all_proxy",
    ]
    .iter()
    .any(|name| std::env::var_os(name).is_some_and(|v| !v.is_empty()))
}

/// Opens (and closes) a TCP connection to the endpoint's host within `timeout`.
pub fn reachable(endpoint: &str, timeout: Duration) -> Result<(), String> {
    let (host, port) = host_port(endpoint)?;
    let addrs: Vec<_> = (host.as_str(), port)
        .to_socket_addrs()
        .map_err(|e| format!("cannot resolve {host}: {e}"))?
        .collect();
    let mut last = format!("{host} has no address");
    for addr in addrs {
        match TcpStream::connect_timeout(&addr, timeout) {
            Ok(_) => return Ok(()),
            Err(e) => last = format!("cannot connect to {host}:{port}: {e}"),
        }
    }
    Err(last)
}

/// The host and port of an `http(s)://` address.
pub fn host_port(endpoint: &str) -> Result<(String, u16), String> {
    let uri: http::Uri = endpoint
        .parse()
        .map_err(|e| format!("the hub address {endpoint:?} is not a URL: {e}"))?;
    let default_port = match uri.scheme_str() {
        Some("https") => 443,
        Some("http") => 80,
        _ => {
            return Err(format!(
                "the hub address {endpoint:?} must start with https:// or http://"
            ));
        }
    };
    let host = uri
        .host()
        .ok_or_else(|| format!("the hub address {endpoint:?} has no host"))?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    Ok((host.to_owned(), uri.port_u16().unwrap_or(default_port)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_port_of_hub_addresses() {
        let cases = [
            ("https://huggingface.co", "huggingface.co", 443),
            ("http://127.0.0.1:9", "127.0.0.1", 9),
            ("https://hf-mirror.com/", "hf-mirror.com", 443),
            ("http://[::1]:8080/x", "::1", 8080),
        ];
        for (endpoint, host, port) in cases {
            assert_eq!(
                host_port(endpoint),
                Ok((host.to_owned(), port)),
                "{endpoint}"
            );
        }
    }

    #[test]
    fn odd_addresses_are_errors() {
        for bad in ["huggingface.co", "ftp://x", "not a url", ""] {
            assert!(host_port(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_closed_port_fails_fast() {
        // Port 9 (discard) is closed on loopback: refused at once.
        let started = std::time::Instant::now();
        let err = reachable("http://127.0.0.1:9", Duration::from_secs(5)).unwrap_err();
        assert!(err.contains("cannot connect to 127.0.0.1:9"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }
}
