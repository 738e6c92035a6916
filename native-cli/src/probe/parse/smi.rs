//! Parsers of the GPU tools' output: `nvidia-smi`'s CSV and `rocm-smi`'s JSON, and the
//! guide's `gpu` string built from what they found.

use llmcap_core::report::{Gpu, MAX_TEXT_CHARS, show_text};
use std::collections::BTreeMap;

/// One GPU as `nvidia-smi` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SmiGpu {
    /// Product name.
    pub name: String,
    /// Total memory, MiB; `None` where it prints `[N/A]` (unified-memory parts such as GB10).
    pub total_mib: Option<u64>,
    /// Free memory, MiB.
    pub free_mib: Option<u64>,
    /// Driver version.
    pub driver: Option<String>,
}

impl SmiGpu {
    /// The report's GPU, of `vendor`, found by `source` (the tool).
    pub fn into_gpu(self, vendor: &str, source: &str) -> Gpu {
        Gpu {
            vendor: vendor.to_owned(),
            name: self.name,
            vram_total_mib: self.total_mib,
            vram_free_mib: self.free_mib,
            driver: self.driver,
            unified_memory: false,
            source: Some(source.to_owned()),
        }
    }
}

/// The query llmcap sends to `nvidia-smi`.
pub const NVIDIA_SMI_ARGS: &[&str] = &[
    "--query-gpu=name,memory.total,memory.free,driver_version",
    "--format=csv,noheader,nounits",
];

/// What a tool printed: the items of the lines (or entries) that parse completely, and
/// those that do not, which are skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    /// The items that parsed.
    pub items: Vec<T>,
    /// How many lines or entries were skipped.
    pub skipped: usize,
    /// The first one skipped, as an error message shows a value (quoted, escaped, shortened).
    pub first_skipped: Option<String>,
}

impl<T> Default for Parsed<T> {
    fn default() -> Self {
        Parsed {
            items: Vec::new(),
            skipped: 0,
            first_skipped: None,
        }
    }
}

impl<T> Parsed<T> {
    fn skip(&mut self, what: &str) {
        self.skipped += 1;
        if self.first_skipped.is_none() {
            self.first_skipped = Some(show_text(what));
        }
    }
}

/// Parses `nvidia-smi --query-gpu=name,memory.total,memory.free,driver_version
/// --format=csv,noheader,nounits`: one line per GPU. A line is a GPU only when it parses
/// completely: a name of printable text, each memory a whole number of MiB or a bracketed
/// placeholder (`[N/A]`, `[Not Supported]`, which become `None`), and a driver version of
/// digits and dots (or a placeholder). Any other line that is not blank is skipped and
/// counted: a tool that prints garbage gives no GPU, and the caller says so.
pub fn nvidia_smi_csv(text: &str) -> Parsed<SmiGpu> {
    let mut parsed = Parsed::default();
    for line in text.lines().filter(|line| !line.trim().is_empty()) {
        match smi_line(line) {
            Some(gpu) => parsed.items.push(gpu),
            None => parsed.skip(line),
        }
    }
    parsed
}

fn smi_line(line: &str) -> Option<SmiGpu> {
    // The name comes first and is the only field that could hold a comma.
    let mut fields = line.rsplitn(4, ',').map(str::trim);
    let driver = fields.next()?;
    let free = smi_mib(fields.next()?)?;
    let total = smi_mib(fields.next()?)?;
    let name = fields.next()?;
    let printable = |c: char| !c.is_control() && c != char::REPLACEMENT_CHARACTER;
    if name.is_empty() || !name.chars().all(printable) {
        return None;
    }
    let version = !driver.is_empty()
        && driver.starts_with(|c: char| c.is_ascii_digit())
        && driver.chars().all(|c| c.is_ascii_digit() || c == '.');
    if !version && !placeholder(driver) {
        return None;
    }
    Some(SmiGpu {
        name: name.to_owned(),
        total_mib: total,
        free_mib: free,
        driver: version.then(|| driver.to_owned()),
    })
}

/// A memory field: `Some(Some(n))` for a number of MiB, `Some(None)` for a placeholder,
/// `None` for anything else.
fn smi_mib(field: &str) -> Option<Option<u64>> {
    if placeholder(field) {
        return Some(None);
    }
    (field.bytes().all(|b| b.is_ascii_digit()))
        .then(|| field.parse().ok())
        .flatten()
        .map(Some)
}

/// What nvidia-smi prints for a value it does not have: `[N/A]`, `[Not Supported]`,
/// `[Unknown Error]`, `[Insufficient Permissions]`.
fn placeholder(field: &str) -> bool {
    field
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
        .is_some_and(|inner| {
            !inner.is_empty()
                && inner
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b" /_-".contains(&b))
        })
}

/// The guide's `gpu` string for these GPUs: what its query (`name,memory.total`,
/// `csv,noheader`) prints, one `NAME, N MiB` line per GPU (`NAME, [N/A]` for an NVIDIA GPU
/// without a figure, the name alone for another). Only whole lines that fit in a report's
/// text ([`MAX_TEXT_CHARS`]) are kept.
pub fn guide_gpu_string(gpus: &[Gpu]) -> String {
    let mut text = String::new();
    for g in gpus {
        let line = match g.vram_total_mib {
            Some(mib) => format!("{}, {mib} MiB", g.name),
            None if g.vendor == "nvidia" => format!("{}, [N/A]", g.name),
            None => g.name.clone(),
        };
        let separator = usize::from(!text.is_empty());
        if text.chars().count() + separator + line.chars().count() > MAX_TEXT_CHARS {
            break;
        }
        if separator == 1 {
            text.push('\n');
        }
        text.push_str(&line);
    }
    text
}

/// One AMD GPU as `rocm-smi` describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RocmGpu {
    /// `card0`, `card1`, ...
    pub card: String,
    /// `Card series`, else `Card model`, else the card id.
    pub name: String,
    /// Total VRAM, MiB.
    pub total_mib: Option<u64>,
    /// Free VRAM, MiB (total − used).
    pub free_mib: Option<u64>,
}

/// The query llmcap sends to `rocm-smi`.
pub const ROCM_SMI_ARGS: &[&str] = &["--showproductname", "--showmeminfo", "vram", "--json"];

/// Parses `rocm-smi --showproductname --showmeminfo vram --json`: an object of `cardN`
/// objects whose values are strings, byte counts included. A card is a GPU only when it
/// parses completely: an object, its name printable text, and each VRAM count it gives a
/// whole number; other cards are skipped and counted. Returns `None` for text that is not
/// such JSON.
pub fn rocm_smi_json(text: &str) -> Option<Parsed<RocmGpu>> {
    let cards: BTreeMap<String, serde_json::Value> = serde_json::from_str(text.trim()).ok()?;
    let mut parsed = Parsed::default();
    for (card, fields) in cards.iter().filter(|(card, _)| card.starts_with("card")) {
        match rocm_card(card, fields) {
            Some(gpu) => parsed.items.push(gpu),
            None => parsed.skip(&format!("{card}: {fields}")),
        }
    }
    parsed.items.sort_by_key(|g| card_number(&g.card));
    Some(parsed)
}

fn rocm_card(card: &str, fields: &serde_json::Value) -> Option<RocmGpu> {
    let fields = fields.as_object()?;
    // `None` when absent, `Some(None)` when present but not a whole number of bytes.
    let mib = |key: &str| {
        fields.get(key).map(|v| {
            v.as_str()
                .map(str::trim)
                .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|s| s.parse::<u64>().ok())
                .map(|b| b / (1024 * 1024))
        })
    };
    let text = |key: &str| {
        fields
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "N/A")
    };
    let name = text("Card series")
        .or_else(|| text("Card model"))
        .unwrap_or(card);
    if name.chars().any(char::is_control) {
        return None;
    }
    let total_mib = match mib("VRAM Total Memory (B)") {
        Some(None) => return None,
        other => other.flatten(),
    };
    let used_mib = match mib("VRAM Total Used Memory (B)") {
        Some(None) => return None,
        other => other.flatten(),
    };
    Some(RocmGpu {
        card: card.to_owned(),
        name: name.to_owned(),
        total_mib,
        free_mib: total_mib.zip(used_mib).map(|(t, u)| t.saturating_sub(u)),
    })
}

fn card_number(card: &str) -> u64 {
    card.trim_start_matches("card").parse().unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nvidia(gpus: Vec<SmiGpu>) -> Vec<Gpu> {
        gpus.into_iter()
            .map(|g| g.into_gpu("nvidia", "nvidia-smi"))
            .collect()
    }

    #[test]
    fn the_guide_string_keeps_whole_lines_that_fit_a_report() {
        let name = "N".repeat(250);
        let gpus = nvidia(vec![
            SmiGpu {
                name,
                total_mib: Some(1024),
                free_mib: None,
                driver: None,
            };
            64
        ]);
        let text = guide_gpu_string(&gpus);
        assert!(text.chars().count() <= MAX_TEXT_CHARS);
        assert!(text.lines().all(|l| l.ends_with(", 1024 MiB")), "{text}");
        assert_eq!(text.lines().count(), MAX_TEXT_CHARS / 261);
    }

    const H200: &str = include_str!("../../../../tests/fixtures/tools/nvidia-smi-h200.txt");

    /// The block of the capture that follows `### name`.
    fn section<'a>(capture: &'a str, name: &str) -> &'a str {
        let start = capture.find(&format!("### {name}\n")).unwrap() + name.len() + 5;
        let rest = &capture[start..];
        let end = rest
            .find("\nrc=")
            .or_else(|| rest.find("\n###"))
            .unwrap_or(rest.len());
        &rest[..end]
    }

    #[test]
    fn parses_the_h200_capture() {
        // The capture's "with header" block printed the four fields with units: strip the header
        // and units, and check the same parser reads the machine's real values.
        let with_header = section(H200, "with header");
        let body: String = with_header
            .lines()
            .skip(1)
            .map(|l| l.replace(" MiB", ""))
            .collect::<Vec<_>>()
            .join("\n");
        let parsed = nvidia_smi_csv(&body);
        assert_eq!(parsed.skipped, 0);
        let gpus = parsed.items;
        assert_eq!(
            gpus,
            vec![SmiGpu {
                name: "NVIDIA H200".into(),
                total_mib: Some(143771),
                free_mib: Some(143156),
                driver: Some("580.159.04".into()),
            }]
        );
        // The guide's own query printed exactly this string on that machine.
        assert_eq!(guide_gpu_string(&nvidia(gpus)), section(H200, "seed query"));
    }

    #[test]
    fn unified_memory_parts_print_not_available() {
        let gpus = nvidia_smi_csv("NVIDIA GB10, [N/A], [N/A], 580.95.05\n").items;
        assert_eq!(gpus[0].total_mib, None);
        assert_eq!(gpus[0].driver.as_deref(), Some("580.95.05"));
        assert_eq!(guide_gpu_string(&nvidia(gpus)), "NVIDIA GB10, [N/A]");
    }

    #[test]
    fn several_gpus_and_junk_lines() {
        let text = "NVIDIA GeForce RTX 4090, 24564, 23000, 550.54\nNVIDIA GeForce RTX 3060, 12288, 12000, 550.54\n\nNo devices were found\n";
        let parsed = nvidia_smi_csv(text);
        assert_eq!(parsed.skipped, 1);
        assert_eq!(
            parsed.first_skipped.as_deref(),
            Some("\"No devices were found\"")
        );
        let gpus = parsed.items;
        assert_eq!(gpus.len(), 2);
        assert_eq!(
            guide_gpu_string(&nvidia(gpus)),
            "NVIDIA GeForce RTX 4090, 24564 MiB\nNVIDIA GeForce RTX 3060, 12288 MiB"
        );
    }

    #[test]
    fn a_line_is_a_gpu_only_when_every_field_parses() {
        for line in [
            "NVIDIA X, 24564, twelve, 550.54",
            "NVIDIA X, 24564, 23000",
            "NVIDIA X, -5, 0, 550.54",
            "NVIDIA X, 24564, 23000, garbage",
            "NVIDIA X, 24564 MiB, 23000 MiB, 550.54",
            ", 24564, 23000, 550.54",
            "NVIDIA \u{1b}]52;c;X, 24564, 23000, 550.54",
            "0, GPU-e39e, NVIDIA H200, 143771, 0, 143156, 580.159.04, 9.0, 00000000:00:06.0, 0",
        ] {
            let parsed = nvidia_smi_csv(line);
            assert_eq!((parsed.items.len(), parsed.skipped), (0, 1), "{line}");
        }
        let kept = nvidia_smi_csv("NVIDIA A100-SXM4-80GB, 81920, [Not Supported], [N/A]");
        assert_eq!(kept.skipped, 0);
        assert_eq!(kept.items[0].free_mib, None);
        assert_eq!(kept.items[0].driver, None);
    }

    #[test]
    fn random_bytes_are_no_gpus() {
        let bytes = include_bytes!("../../../../tests/fixtures/tools/nvidia-smi-garbage.bin");
        let parsed = nvidia_smi_csv(&String::from_utf8_lossy(bytes));
        assert_eq!(parsed.items, vec![]);
        assert_eq!(parsed.skipped, 11, "every line that is not blank");
        let first = parsed.first_skipped.unwrap();
        assert!(
            first.starts_with('"') && !first.contains('\u{1b}'),
            "{first}"
        );
    }

    #[test]
    fn a_rocm_card_is_a_gpu_only_when_its_values_parse() {
        let text = r#"{"card0": "garbage",
            "card1": {"Card series": "Radeon X", "VRAM Total Memory (B)": "lots"},
            "card2": {"Card series": "Radeon \u001b[2J", "VRAM Total Memory (B)": "1073741824"},
            "card3": {"Card series": "Radeon RX 7900 XTX", "VRAM Total Memory (B)": "25753026560",
                      "VRAM Total Used Memory (B)": "92274688"}}"#;
        let parsed = rocm_smi_json(text).unwrap();
        assert_eq!(parsed.items.len(), 1, "{parsed:?}");
        assert_eq!(parsed.items[0].card, "card3");
        assert_eq!(parsed.skipped, 3);
        assert_eq!(
            parsed.first_skipped.as_deref(),
            Some("\"card0: \\\"garbage\\\"\"")
        );
    }

    #[test]
    fn parses_rocm_smi() {
        let text = include_str!("../../../../tests/fixtures/tools/rocm-smi.json");
        let parsed = rocm_smi_json(text).unwrap();
        assert_eq!(parsed.skipped, 0);
        let gpus = parsed.items;
        assert_eq!(gpus.len(), 2);
        assert_eq!(gpus[0].name, "Radeon RX 7900 XTX");
        assert_eq!(gpus[0].total_mib, Some(24576));
        assert_eq!(gpus[0].free_mib, Some(24576 - 24488));
        assert_eq!(gpus[1].card, "card1");
        assert_eq!(rocm_smi_json("ERROR: No AMD GPUs specified"), None);
    }
}
