//! Pure parsers of external tools' output, tested on captured text.

use serde::Deserialize;

mod smi;

pub use smi::{
    NVIDIA_SMI_ARGS, Parsed, ROCM_SMI_ARGS, SmiGpu, guide_gpu_string, nvidia_smi_csv, rocm_smi_json,
};

/// Model names from the Ollama server's `GET /api/tags`; `None` for an answer without its
/// `models` list, which no Ollama server gives.
pub fn ollama_tags(json: &str) -> Option<Vec<String>> {
    #[derive(Deserialize)]
    struct Tags {
        models: Vec<Model>,
    }
    #[derive(Deserialize)]
    struct Model {
        name: String,
    }
    let tags: Tags = serde_json::from_str(json).ok()?;
    Some(tags.models.into_iter().map(|m| m.name).collect())
}

/// The version from `ollama --version`, which prints `ollama version is 0.5.7`, or
/// `Warning: client version is 0.5.7` when no server runs.
pub fn ollama_version(text: &str) -> Option<String> {
    text.lines()
        .filter_map(|line| line.split_once("version is "))
        .map(|(_, version)| version.trim().to_owned())
        .find(|v| !v.is_empty())
}

/// The mount points of `/proc/self/mounts` (device, mount point, type, options, ...), with
/// the kernel's octal escapes (`\040` for a space) undone.
pub fn mount_points(text: &str) -> Vec<std::path::PathBuf> {
    text.lines()
        .filter_map(|line| line.split_whitespace().nth(1))
        .map(|field| std::path::PathBuf::from(unescape_octal(field)))
        .collect()
}

fn unescape_octal(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let code = rest
            .get(at + 1..at + 4)
            .and_then(|d| u8::from_str_radix(d, 8).ok());
        match code {
            Some(byte) => {
                out.push(char::from(byte));
                rest = &rest[at + 4..];
            }
            None => {
                out.push('\\');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mount_points_come_from_the_second_field_with_escapes_undone() {
        let text = include_str!("../../../tests/fixtures/tools/proc-mounts.txt");
        let points = mount_points(text);
        assert_eq!(points.len(), text.lines().count());
        assert!(
            points.contains(&std::path::PathBuf::from("/dev/shm")),
            "{points:?}"
        );
        assert!(points.contains(&std::path::PathBuf::from("/")));
        let escaped = "server:/export /mnt/lab\\040data nfs4 rw 0 0\nx /a\\9 tmpfs rw 0 0\n";
        assert_eq!(
            mount_points(escaped),
            [
                std::path::PathBuf::from("/mnt/lab data"),
                std::path::PathBuf::from("/a\\9")
            ]
        );
    }

    #[test]
    fn parses_ollama() {
        let tags = r#"{"models":[{"name":"phi3:latest","model":"phi3:latest","size":2176178913}]}"#;
        assert_eq!(ollama_tags(tags), Some(vec!["phi3:latest".to_owned()]));
        assert_eq!(ollama_tags("<html>"), None);
        assert_eq!(ollama_tags("{}"), None);
        assert_eq!(ollama_tags(r#"{"models":[]}"#), Some(vec![]));
        assert_eq!(
            ollama_version("ollama version is 0.5.7\n").as_deref(),
            Some("0.5.7")
        );
        assert_eq!(
            ollama_version("Warning: could not connect to a running Ollama instance\nWarning: client version is 0.6.2\n").as_deref(),
            Some("0.6.2")
        );
    }
}
