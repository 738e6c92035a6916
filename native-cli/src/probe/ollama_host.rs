//! Where Ollama's server is: `OLLAMA_HOST` read the way Ollama's own client reads it (its
//! `envconfig.Host`), with the address checked by the `url` crate.
//!
//! Ollama takes an optional scheme (`http` when none is given), then `host`, `host:port`,
//! `[v6]:port` or a bare IP address (`::1`), then an optional path, which it keeps. The port
//! defaults to 11434, or to 80 and 443 when the scheme `http` or `https` is written; a port
//! that is not a number from 0 to 65535 is replaced by that default, with a warning. An
//! address to listen on everywhere (`0.0.0.0`, `::`) is reached on loopback, as Ollama's
//! client does.

use llmcap_core::report::show_text;
use std::net::IpAddr;

/// Ollama's own port.
pub const DEFAULT_PORT: u16 = 11434;

/// DNS's limit on a host name, characters.
const MAX_HOST_CHARS: usize = 253;

/// The longest URL asked, characters: what HTTP servers and proxies commonly accept.
const MAX_URL_CHARS: usize = 2048;

/// The server's address as `OLLAMA_HOST` gives it, and what was wrong with the setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OllamaHost {
    /// The base URL to ask, without a final `/` (`http://127.0.0.1:11434`); `None` when the
    /// setting names no server that can be asked.
    pub base: Option<String>,
    /// What was wrong with the setting, naming `OLLAMA_HOST` and its value (escaped and
    /// shortened).
    pub warning: Option<String>,
}

/// Reads `OLLAMA_HOST` (`None` when it is not set).
pub fn parse(setting: Option<&str>) -> OllamaHost {
    let raw = setting.unwrap_or("");
    // Ollama's `Var` trims spaces and quotes, and `Host` trims spaces again.
    let value = raw.trim().trim_matches(['"', '\'']).trim();
    let problem = |why: String| Some(format!("OLLAMA_HOST is {}: {why}", show_text(raw)));
    let (scheme, rest, default_port) = match value.split_once("://") {
        _ if value == "ollama.com" => ("https", "ollama.com:443", 443),
        None => ("http", value, DEFAULT_PORT),
        Some(("http", rest)) => ("http", rest, 80),
        Some(("https", rest)) => ("https", rest, 443),
        Some((scheme, rest)) => (scheme, rest, DEFAULT_PORT),
    };
    let (host_port, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = match split_host_port(host_port) {
        Some((host, port)) => (connectable(host), Some(port)),
        None => (connectable(&bare_host(host_port)), None),
    };
    let (port, warning) = match port.map(str::parse::<u16>) {
        None => (default_port, None),
        Some(Ok(port)) => (port, None),
        Some(Err(_)) => (
            default_port,
            problem(format!(
                "the port {} is not a number from 0 to 65535, so Ollama uses {default_port}, \
                 and llmcap asks there",
                show_text(port.unwrap_or_default())
            )),
        ),
    };
    match base_url(scheme, &host, port, path) {
        Ok(base) => OllamaHost {
            base: Some(base),
            warning,
        },
        Err(why) => OllamaHost {
            base: None,
            warning: problem(format!("{why}; Ollama's server was not asked")),
        },
    }
}

/// The URL of the server at `host` and `port` (an IPv6 address goes in brackets), with
/// `path`, without a final `/`; or why no server can be asked there.
fn base_url(scheme: &str, host: &str, port: u16, path: &str) -> Result<String, String> {
    if host.chars().count() > MAX_HOST_CHARS {
        return Err(format!(
            "a host name has at most {MAX_HOST_CHARS} characters"
        ));
    }
    let joined = if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    };
    let url = url::Url::parse(&format!("{scheme}://{joined}/{path}"))
        .map_err(|e| format!("not an address Ollama can reach ({e})"))?;
    if url.as_str().chars().count() > MAX_URL_CHARS {
        return Err(format!(
            "a URL of at most {MAX_URL_CHARS} characters is asked"
        ));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// Go's `net.SplitHostPort`: `host:port` or `[host]:port`, the port possibly empty; `None`
/// for anything else (no port, or a bare IPv6 address with its many colons).
fn split_host_port(text: &str) -> Option<(&str, &str)> {
    if let Some(inner) = text.strip_prefix('[') {
        let (host, after) = inner.split_once(']')?;
        let port = after.strip_prefix(':')?;
        return (!port.contains([':', '[', ']'])).then_some((host, port));
    }
    let (host, port) = text.rsplit_once(':')?;
    (!host.contains(':') && !host.contains(['[', ']'])).then_some((host, port))
}

/// The host of a setting without a port: an IP address (brackets allowed), a name, or
/// Ollama's default `127.0.0.1` when empty.
fn bare_host(text: &str) -> String {
    match text.trim_matches(['[', ']']).parse::<IpAddr>() {
        Ok(ip) => ip.to_string(),
        Err(_) if text.is_empty() => "127.0.0.1".to_owned(),
        Err(_) => text.to_owned(),
    }
}

/// Where a client reaches a server set to listen everywhere: loopback.
fn connectable(host: &str) -> String {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) if ip.is_unspecified() => "127.0.0.1".to_owned(),
        Ok(IpAddr::V6(ip)) if ip.is_unspecified() => "::1".to_owned(),
        Ok(ip) => ip.to_string(),
        Err(_) if host.is_empty() => "127.0.0.1".to_owned(),
        Err(_) => host.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_forms_ollama_takes() {
        for (setting, base) in [
            (None, "http://127.0.0.1:11434"),
            (Some(""), "http://127.0.0.1:11434"),
            (Some("  \"gpu-box\"  "), "http://gpu-box:11434"),
            (Some("0.0.0.0"), "http://127.0.0.1:11434"),
            (Some("0.0.0.0:8080"), "http://127.0.0.1:8080"),
            (Some(":8080"), "http://127.0.0.1:8080"),
            (Some("gpu-box"), "http://gpu-box:11434"),
            (Some("gpu-box:1"), "http://gpu-box:1"),
            (Some("http://gpu-box:11434/"), "http://gpu-box:11434"),
            (Some("http://gpu-box"), "http://gpu-box"),
            (Some("https://ollama.example"), "https://ollama.example"),
            (
                Some("https://ollama.example:8443"),
                "https://ollama.example:8443",
            ),
            (Some("ollama.com"), "https://ollama.com"),
            (Some("http://h:1/ollama"), "http://h:1/ollama"),
            (Some("h/ollama/"), "http://h:11434/ollama"),
            (Some("::1"), "http://[::1]:11434"),
            (Some("[::1]"), "http://[::1]:11434"),
            (Some("[::1]:8080"), "http://[::1]:8080"),
            (Some("[::]:11434"), "http://[::1]:11434"),
            (Some("::"), "http://[::1]:11434"),
            (Some("fe80::1"), "http://[fe80::1]:11434"),
        ] {
            let host = parse(setting);
            assert_eq!(host.base.as_deref(), Some(base), "{setting:?}");
            assert_eq!(host.warning, None, "{setting:?}");
        }
    }

    #[test]
    fn a_port_out_of_range_falls_back_to_the_default_with_a_warning() {
        let host = parse(Some("127.0.0.1:65536"));
        assert_eq!(host.base.as_deref(), Some("http://127.0.0.1:11434"));
        assert_eq!(
            host.warning.as_deref(),
            Some(
                "OLLAMA_HOST is \"127.0.0.1:65536\": the port \"65536\" is not a number from 0 \
                 to 65535, so Ollama uses 11434, and llmcap asks there"
            )
        );
        let https = parse(Some("https://box:port"));
        assert_eq!(https.base.as_deref(), Some("https://box"));
        assert!(https.warning.unwrap().contains("Ollama uses 443"));
    }

    #[test]
    fn an_address_nobody_can_reach_is_a_warning_and_no_base() {
        let long = "a".repeat(5000);
        let host = parse(Some(&long));
        assert_eq!(host.base, None);
        let warning = host.warning.unwrap();
        assert!(warning.len() < 200, "{warning}");
        assert!(
            warning.starts_with("OLLAMA_HOST is \"aaaa") && warning.contains("(5000 characters)"),
            "{warning}"
        );
        assert!(warning.contains("at most 253 characters"), "{warning}");
        let long_path = parse(Some(&format!("http://h:1/{}", "p".repeat(5000))));
        assert_eq!(long_path.base, None);
        assert!(long_path.warning.unwrap().contains("at most 2048"));
        // A value that is not UTF-8 reaches here with U+FFFD in place of its bad bytes.
        let lossy = parse(Some("gpu\u{fffd}box"));
        assert_eq!(lossy.base, None);
        assert!(
            lossy
                .warning
                .unwrap()
                .contains("not an address Ollama can reach")
        );
        let bad = parse(Some("http://bad host\u{1b}[2J"));
        assert_eq!(bad.base, None);
        let warning = bad.warning.unwrap();
        assert!(warning.contains("\\u{1b}[2J"), "escaped: {warning}");
        assert!(
            warning.contains("not an address Ollama can reach"),
            "{warning}"
        );
    }
}
