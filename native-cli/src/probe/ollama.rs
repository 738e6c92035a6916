//! Ollama: is the CLI installed, which version, does its server answer, which models it has.

use super::{bounds, ollama_host, parse};
use crate::tool::{self, ToolError};
use llmcap_core::report::Ollama;
use std::time::Duration;

/// Where the `ollama` CLI is looked for when it is not on `PATH`: Homebrew's and the
/// installers' folders, which a non-login SSH session (Ansible's, on macOS above all) lacks.
const OLLAMA_DIRS: &[&str] = &["/opt/homebrew/bin", "/usr/local/bin", "/usr/bin"];

/// Runs `ollama ARGS`, from `PATH` or else from the first of [`OLLAMA_DIRS`] that has it.
fn run_ollama(args: &[&str], timeout: Duration) -> Result<String, ToolError> {
    match tool::run("ollama", args, timeout) {
        Err(ToolError::NotFound(name)) => {
            let Some(path) = OLLAMA_DIRS
                .iter()
                .map(|dir| std::path::Path::new(dir).join("ollama"))
                .find(|path| path.is_file())
            else {
                return Err(ToolError::NotFound(name));
            };
            tool::run(&path, args, timeout)
        }
        other => other,
    }
}

/// Checks Ollama. `ollama_host` is the `OLLAMA_HOST` setting, when set. The CLI and the
/// server are asked at once, each within `timeout`. The server is reachable only when its
/// HTTP API answered with Ollama's model list: a CLI that exits 0 proves nothing. Returns the
/// facts and the problems met.
pub fn collect(ollama_host: Option<&str>, timeout: Duration) -> (Ollama, Vec<String>) {
    let host = ollama_host::parse(ollama_host);
    let mut warnings: Vec<String> = host.warning.iter().cloned().collect();
    let (cli, server) = std::thread::scope(|scope| {
        let cli = scope.spawn(|| run_ollama(&["--version"], timeout));
        let server = host
            .base
            .as_deref()
            .map(|base| server_models(base, timeout));
        let cli = cli.join().unwrap_or_else(|_| {
            Err(ToolError::Io {
                tool: "ollama".to_owned(),
                message: "the check stopped".to_owned(),
            })
        });
        (cli, server)
    });
    let (installed, version) = match cli {
        Ok(text) => (true, parse::ollama_version(&text)),
        Err(ToolError::NotFound(_)) => (false, None),
        // `ollama --version` exits non-zero when no server runs, but still names itself.
        Err(ToolError::Failed { stderr, .. }) => (true, parse::ollama_version(&stderr)),
        Err(e) => {
            warnings.push(e.to_string());
            (true, None)
        }
    };
    let (server_reachable, models) = match (server, &host.base) {
        (Some(Ok(models)), _) => (true, models),
        (Some(Err(reason)), Some(base)) if installed => {
            warnings.push(format!(
                "Ollama is installed but its server at {base} did not answer ({reason}); start it with `ollama serve`"
            ));
            (false, Vec::new())
        }
        _ => (false, Vec::new()),
    };
    let mut ollama = Ollama {
        installed,
        version,
        host: host.base,
        server_reachable,
        models,
    };
    bounds::ollama(&mut ollama, &mut warnings);
    (ollama, warnings)
}

/// Ollama's models from `GET /api/tags`, or why the server gave none.
fn server_models(base: &str, timeout: Duration) -> Result<Vec<String>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(true)
        .build()
        .into();
    let mut response = agent
        .get(format!("{base}/api/tags"))
        .call()
        .map_err(|e| e.to_string())?;
    let body = response
        .body_mut()
        .with_config()
        .limit(8 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| e.to_string())?;
    parse::ollama_tags(&body).ok_or_else(|| "its answer was not Ollama's model list".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};
    use std::net::TcpListener;

    /// Serves one HTTP response on loopback and returns the server's base URL.
    fn serve_once(body: &'static str) -> String {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            if let Ok((mut stream, _)) = listener.accept() {
                let mut buf = [0u8; 2048];
                let _ = stream.read(&mut buf);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(reply.as_bytes());
            }
        });
        base
    }

    #[test]
    fn reads_models_from_a_server() {
        let base = serve_once(r#"{"models":[{"name":"phi3:3.8b-mini-4k-instruct-q4_0"}]}"#);
        let (ollama, _) = collect(Some(&base), Duration::from_secs(2));
        assert!(ollama.server_reachable);
        assert_eq!(ollama.models, vec!["phi3:3.8b-mini-4k-instruct-q4_0"]);
    }

    #[test]
    fn a_silent_port_is_unreachable_quickly() {
        // Bind and drop to find a port nobody listens on.
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let started = std::time::Instant::now();
        let (ollama, _) = collect(Some(&format!("127.0.0.1:{port}")), Duration::from_secs(2));
        assert!(!ollama.server_reachable);
        assert!(started.elapsed() < Duration::from_secs(4));
    }

    #[test]
    fn a_server_that_never_answers_is_bounded_by_the_tool_timeout() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap().to_string();
        // Accepts the connection (the kernel queues it) and never answers.
        let started = std::time::Instant::now();
        let (ollama, _) = collect(Some(&address), Duration::from_millis(500));
        assert!(!ollama.server_reachable);
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{:?}",
            started.elapsed()
        );
        drop(listener);
    }

    #[test]
    fn a_server_that_is_not_ollama_is_reported() {
        let base = serve_once("<html>hello</html>");
        assert!(
            server_models(&base, Duration::from_secs(2))
                .unwrap_err()
                .contains("not Ollama")
        );
        let empty = serve_once("{}");
        assert!(
            server_models(&empty, Duration::from_secs(2))
                .unwrap_err()
                .contains("not Ollama"),
            "an object without `models` is not Ollama's answer"
        );
    }
}
