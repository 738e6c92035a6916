//! `llmcap probe` among hostile or broken tools: fake `nvidia-smi` and `ollama` on `PATH` and
//! fake Ollama servers on loopback. Whatever they print, the probe writes a report that
//! `llmcap plan` reads, and says what it left out.

use crate::common::{llmcap, llmcap_bin, stderr};
use serde_json::Value;
use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::Output;

/// A folder of executable scripts, each `(name, shell body)`.
fn fake_tools(tools: &[(&str, &str)]) -> tempfile::TempDir {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    for (name, body) in tools {
        let script = bin.path().join(name);
        std::fs::write(&script, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    bin
}

/// A port on loopback that nobody listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Serves `body` as JSON to every request on loopback, for as long as the test runs; returns
/// `host:port`.
fn serve(body: String) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(&stream);
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap_or(0) > 2 {
                line.clear();
            }
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    address
}

/// Runs a quick probe into `out` with `bin` first on `PATH` and `OLLAMA_HOST` set.
fn probe(bin: &Path, ollama_host: &str, out: &Path) -> Output {
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    std::process::Command::new(llmcap_bin())
        .args(["probe", "--skip-embedding", "--skip-benchmark", "--quiet"])
        .args(["--tool-timeout", "5", "--hostname", "hostile", "-o"])
        .arg(out)
        .env("PATH", path)
        .env("OLLAMA_HOST", ollama_host)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

/// The saved report, after checking that the probe succeeded and that `llmcap plan` reads
/// the report without an error.
fn saved_report(output: &Output, out: &Path) -> Value {
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "probe failed: {}",
        stderr(output)
    );
    let report = out.join("capability_report_hostile.json");
    let plan = out.join("plan.json");
    let planned = llmcap(&[
        "plan",
        report.to_str().unwrap(),
        "-o",
        plan.to_str().unwrap(),
    ]);
    assert_eq!(
        planned.status.code(),
        Some(0),
        "plan rejects the probe's report: {}",
        stderr(&planned)
    );
    assert!(!stderr(&planned).contains("error"), "{}", stderr(&planned));
    serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap()
}

fn warnings(report: &Value) -> String {
    report["warnings"].to_string()
}

/// True when NVML answers on this machine: then nvidia-smi is not asked.
fn nvml_answers(report: &Value) -> bool {
    let gpus = report["system"]["gpus"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    gpus.iter().any(|g| g["source"] == "nvml")
}

#[test]
fn an_ollama_cli_that_exits_0_is_no_server() {
    let bin = fake_tools(&[("ollama", "echo garbage; exit 0")]);
    let out = tempfile::tempdir().unwrap();
    let host = format!("127.0.0.1:{}", closed_port());
    let report = saved_report(&probe(bin.path(), &host, out.path()), out.path());
    assert_eq!(report["ollama"]["installed"], true);
    assert_eq!(
        report["ollama"]["server_reachable"], false,
        "{}",
        report["ollama"]
    );
    assert!(
        warnings(&report).contains("did not answer"),
        "{}",
        warnings(&report)
    );
}

#[test]
fn a_server_whose_answer_is_not_ollamas_is_not_reachable() {
    let bin = fake_tools(&[]);
    let out = tempfile::tempdir().unwrap();
    let host = serve("{}".to_owned());
    let report = saved_report(&probe(bin.path(), &host, out.path()), out.path());
    assert_eq!(
        report["ollama"]["server_reachable"], false,
        "{}",
        report["ollama"]
    );
}

#[test]
fn a_bad_ollama_host_is_a_warning_naming_it() {
    let bin = fake_tools(&[]);
    for (setting, said) in [
        (
            "127.0.0.1:65536".to_owned(),
            "the port \\\"65536\\\" is not a number",
        ),
        ("h".repeat(5000), "(5000 characters)"),
    ] {
        let out = tempfile::tempdir().unwrap();
        let report = saved_report(&probe(bin.path(), &setting, out.path()), out.path());
        let warnings = warnings(&report);
        assert!(warnings.contains("OLLAMA_HOST is "), "{warnings}");
        assert!(warnings.contains(said), "{warnings}");
        assert!(!warnings.contains("connection refused"), "{warnings}");
    }
}

#[test]
fn hundreds_of_thousands_of_models_are_cut_to_a_readable_report() {
    let models: Vec<String> = (0..400_000)
        .map(|i| format!("{{\"name\":\"m{i}\"}}"))
        .collect();
    let host = serve(format!("{{\"models\":[{}]}}", models.join(",")));
    let bin = fake_tools(&[]);
    let out = tempfile::tempdir().unwrap();
    let report = saved_report(&probe(bin.path(), &host, out.path()), out.path());
    let kept = report["ollama"]["models"].as_array().unwrap().len();
    assert!(kept > 0 && kept < 400_000, "{kept}");
    assert!(
        warnings(&report).contains("400000 models"),
        "{}",
        warnings(&report)
    );
}

#[test]
fn absurd_gpu_readings_are_clamped_to_a_readable_report() {
    let long_name = format!("NVIDIA {}", "X".repeat(5000));
    let many = "i=0; while [ $i -lt 150000 ]; do echo \"NVIDIA Many, 24576, 24000, 550.1\"; i=$((i+1)); done";
    let cases = [
        (
            "echo 'NVIDIA Huge, 20000000, 20000000, 550.1'".to_owned(),
            "20000000 MiB",
        ),
        (
            format!("echo '{long_name}, 24576, 24000, 550.1'"),
            "(5007 characters)",
        ),
        // nvidia-smi's output is read up to 4 MiB, so not every line is seen.
        (
            many.to_owned(),
            "GPUs were reported; the report keeps the first 64",
        ),
    ];
    let host = format!("127.0.0.1:{}", closed_port());
    for (script, said) in cases {
        let bin = fake_tools(&[("nvidia-smi", &script)]);
        let out = tempfile::tempdir().unwrap();
        let report = saved_report(&probe(bin.path(), &host, out.path()), out.path());
        if nvml_answers(&report) {
            eprintln!("skipped: NVML answers on this machine, so nvidia-smi is not asked");
            return;
        }
        assert!(
            warnings(&report).contains(said),
            "{said}: {}",
            warnings(&report)
        );
        assert!(!report["system"]["gpus"].as_array().unwrap().is_empty());
    }
}

#[test]
fn garbage_from_nvidia_smi_is_no_gpu_and_a_warning() {
    let garbage = crate::common::fixture("tools/nvidia-smi-garbage.bin");
    let bin = fake_tools(&[("nvidia-smi", &format!("cat '{}'", garbage.display()))]);
    let out = tempfile::tempdir().unwrap();
    let host = format!("127.0.0.1:{}", closed_port());
    let report = saved_report(&probe(bin.path(), &host, out.path()), out.path());
    if nvml_answers(&report) {
        eprintln!("skipped: NVML answers on this machine, so nvidia-smi is not asked");
        return;
    }
    let gpus = report["system"]["gpus"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(gpus.is_empty(), "{gpus:?}");
    assert!(
        warnings(&report).contains("11 lines that did not parse as a GPU were skipped"),
        "{}",
        warnings(&report)
    );
}
