//! GPU memory bandwidth: the peak from NVML's bus width and memory clock, and a table of
//! published figures keyed by product name for when only the name is known (`nvidia-smi`,
//! `rocm-smi`, Apple's chip name). For the parts people fine-tune on, the table also holds
//! the dense 16-bit tensor peak that the assessment's training time uses.
//!
//! The table's figures are the vendors' published specifications (NVIDIA's, AMD's and
//! Apple's product pages and data sheets, dense figures where a sheet gives both dense and
//! sparse), not measured here.

use std::sync::LazyLock;

/// A GPU product's published memory figures.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpuSpec {
    /// Lower-case words that must all appear in the product name (after `-`, `_` and `/`
    /// become spaces); the row with the most words that all match wins, so `a100 80gb pcie`
    /// beats `a100 80gb`, which beats `a100`.
    pub words: &'static str,
    /// Peak memory bandwidth, GB/s.
    pub bandwidth_gb_s: f64,
    /// GPU cores (Apple Silicon): the fewest and the most sold under the name.
    pub gpu_cores: Option<(u32, u32)>,
    /// Peak dense 16-bit tensor throughput (BF16, or FP16 where the part has no BF16, with
    /// FP32 accumulation, without sparsity), TFLOP/s: what mixed-precision training runs
    /// at. Only for parts whose data sheet states it plainly.
    pub bf16_tflops: Option<f64>,
}

impl GpuSpec {
    /// The row with its dense 16-bit tensor peak.
    const fn tflops(self, bf16_tflops: f64) -> GpuSpec {
        GpuSpec {
            bf16_tflops: Some(bf16_tflops),
            ..self
        }
    }
}

const fn gpu(words: &'static str, bandwidth_gb_s: f64) -> GpuSpec {
    GpuSpec {
        words,
        bandwidth_gb_s,
        gpu_cores: None,
        bf16_tflops: None,
    }
}

const fn apple(words: &'static str, bandwidth_gb_s: f64, cores: (u32, u32)) -> GpuSpec {
    GpuSpec {
        words,
        bandwidth_gb_s,
        gpu_cores: Some(cores),
        bf16_tflops: None,
    }
}

/// Published peak memory bandwidth by product name. NVML and `nvidia-smi` name NVIDIA
/// parts like `NVIDIA H100 80GB HBM3` (SXM), `NVIDIA A100-SXM4-40GB`, `Tesla T4`,
/// `NVIDIA GeForce RTX 4090`; `rocm-smi` prints `Instinct MI210`, `Radeon RX 7900 XTX`;
/// Apple's `machdep.cpu.brand_string` is `Apple M2 Pro`. Where Apple sells two memory
/// configurations under one name (M3 Max, M4 Max), the row has the lower figure.
pub const GPU_SPECS: &[GpuSpec] = &[
    // NVIDIA data centre.
    gpu("b200", 8000.0).tflops(2250.0),
    gpu("h200", 4800.0).tflops(989.4),
    gpu("gh200", 4000.0).tflops(989.4),
    gpu("h100", 3350.0).tflops(989.4),
    gpu("h100 hbm3", 3350.0).tflops(989.4),
    gpu("h100 sxm", 3350.0).tflops(989.4),
    gpu("h100 sxm5", 3350.0).tflops(989.4),
    gpu("h100 pcie", 2000.0).tflops(756.5),
    gpu("h100 nvl", 3900.0).tflops(835.5),
    gpu("a100", 1555.0).tflops(312.0),
    gpu("a100 80gb", 2039.0).tflops(312.0),
    gpu("a100 80gb pcie", 1935.0).tflops(312.0),
    gpu("a100 pcie", 1555.0).tflops(312.0),
    gpu("a30", 933.0).tflops(165.0),
    gpu("a40", 696.0).tflops(149.7),
    gpu("a10", 600.0).tflops(125.0),
    gpu("a10g", 600.0),
    gpu("l40s", 864.0).tflops(362.05),
    gpu("l40", 864.0).tflops(181.05),
    gpu("l4", 300.0).tflops(121.0),
    gpu("t4", 320.0).tflops(65.0),
    gpu("v100", 900.0).tflops(125.0),
    gpu("v100s", 1134.0).tflops(130.0),
    gpu("p100", 732.0),
    gpu("p40", 347.0),
    gpu("gb10", 273.0),
    // NVIDIA workstation.
    gpu("rtx 6000 ada", 960.0).tflops(364.2),
    gpu("rtx a6000", 768.0).tflops(154.8),
    gpu("rtx a5000", 768.0),
    gpu("rtx a4000", 448.0),
    gpu("quadro rtx 8000", 672.0),
    // NVIDIA GeForce RTX 20.
    gpu("rtx 2060", 336.0),
    gpu("rtx 2060 super", 448.0),
    gpu("rtx 2070", 448.0),
    gpu("rtx 2070 super", 448.0),
    gpu("rtx 2080", 448.0),
    gpu("rtx 2080 super", 496.0),
    gpu("rtx 2080 ti", 616.0),
    gpu("titan rtx", 672.0),
    // RTX 30.
    gpu("rtx 3050", 224.0),
    gpu("rtx 3060", 360.0),
    gpu("rtx 3060 ti", 448.0),
    gpu("rtx 3060 laptop", 336.0),
    gpu("rtx 3070", 448.0),
    gpu("rtx 3070 ti", 608.0),
    gpu("rtx 3070 laptop", 448.0),
    gpu("rtx 3080", 760.0),
    gpu("rtx 3080 ti", 912.0),
    gpu("rtx 3080 laptop", 448.0),
    gpu("rtx 3090", 936.0).tflops(71.0),
    gpu("rtx 3090 ti", 1008.0),
    // RTX 40.
    gpu("rtx 4060", 272.0),
    gpu("rtx 4060 ti", 288.0),
    gpu("rtx 4060 laptop", 256.0),
    gpu("rtx 4070", 504.0),
    gpu("rtx 4070 super", 504.0),
    gpu("rtx 4070 ti", 504.0),
    gpu("rtx 4070 ti super", 672.0),
    gpu("rtx 4070 laptop", 256.0),
    gpu("rtx 4080", 717.0),
    gpu("rtx 4080 super", 736.0),
    gpu("rtx 4080 laptop", 432.0),
    gpu("rtx 4090", 1008.0).tflops(165.2),
    gpu("rtx 4090 laptop", 576.0),
    // RTX 50.
    gpu("rtx 5060", 448.0),
    gpu("rtx 5060 ti", 448.0),
    gpu("rtx 5070", 672.0),
    gpu("rtx 5070 ti", 896.0),
    gpu("rtx 5080", 960.0),
    gpu("rtx 5090", 1792.0),
    // AMD Instinct and Radeon.
    gpu("mi325x", 6000.0).tflops(1307.4),
    gpu("mi300x", 5300.0).tflops(1307.4),
    gpu("mi300a", 5300.0),
    gpu("mi250x", 3277.0).tflops(383.0),
    gpu("mi250", 3277.0),
    gpu("mi210", 1638.0).tflops(181.0),
    gpu("mi100", 1229.0),
    gpu("radeon pro w7900", 864.0),
    gpu("rx 9070", 645.0),
    gpu("rx 9070 xt", 645.0),
    gpu("rx 7900 xtx", 960.0),
    gpu("rx 7900 xt", 800.0),
    gpu("rx 7900 gre", 576.0),
    gpu("rx 7800 xt", 624.0),
    gpu("rx 7700 xt", 432.0),
    gpu("rx 7600", 288.0),
    gpu("rx 6900 xt", 512.0),
    gpu("rx 6800 xt", 512.0),
    gpu("rx 6800", 512.0),
    gpu("rx 6700 xt", 384.0),
    // Apple Silicon: unified memory, GPU cores.
    apple("apple m1", 68.25, (7, 8)),
    apple("apple m1 pro", 200.0, (14, 16)),
    apple("apple m1 max", 400.0, (24, 32)),
    apple("apple m1 ultra", 800.0, (48, 64)),
    apple("apple m2", 100.0, (8, 10)),
    apple("apple m2 pro", 200.0, (16, 19)),
    apple("apple m2 max", 400.0, (30, 38)),
    apple("apple m2 ultra", 800.0, (60, 76)),
    apple("apple m3", 100.0, (8, 10)),
    apple("apple m3 pro", 150.0, (14, 18)),
    apple("apple m3 max", 300.0, (30, 40)),
    apple("apple m3 ultra", 819.0, (60, 80)),
    apple("apple m4", 120.0, (8, 10)),
    apple("apple m4 pro", 273.0, (16, 20)),
    apple("apple m4 max", 410.0, (32, 40)),
];

/// The table's row for a product name: the row with the most words, all of which are words
/// of the name (compared ignoring ASCII case; the table's words are ASCII); of rows with as
/// many, the last. `None` for a name the table does not know.
pub fn lookup(product_name: &str) -> Option<&'static GpuSpec> {
    let separator = |c: char| c.is_whitespace() || matches!(c, '-' | '_' | '/' | '(' | ')' | ',');
    let name: Vec<&str> = product_name
        .split(separator)
        .filter(|w| !w.is_empty())
        .collect();
    let has = |word: &str| name.iter().any(|w| w.eq_ignore_ascii_case(word));
    name.iter()
        .flat_map(|word| rows_starting_with(word))
        .filter(|row| row.words.iter().skip(1).all(|w| has(w)))
        .max_by_key(|row| (row.words.len(), row.index))
        .map(|row| row.spec)
}

/// A row of [`GPU_SPECS`] with its words split, and its place in the table.
#[derive(Debug)]
struct Row {
    words: Vec<&'static str>,
    index: usize,
    spec: &'static GpuSpec,
}

/// The table's rows, their words split once and sorted by their first word, so that a
/// lookup reads only the rows that start with a word of the name. Planning looks a name up
/// many times for each GPU of each report: splitting and comparing every row's words at
/// each lookup took 7 % of `perf`'s samples of `llmcap plan` on 100,000 reports.
static ROWS: LazyLock<Vec<Row>> = LazyLock::new(|| {
    let mut rows: Vec<Row> = GPU_SPECS
        .iter()
        .enumerate()
        .map(|(index, spec)| Row {
            words: spec.words.split(' ').collect(),
            index,
            spec,
        })
        .collect();
    rows.sort_by(|a, b| caseless(first(a), first(b)));
    rows
});

/// The rows whose first word is `word`, ignoring ASCII case.
fn rows_starting_with(word: &str) -> &'static [Row] {
    let rows: &'static [Row] = &ROWS;
    let start = rows.partition_point(|row| caseless(first(row), word).is_lt());
    let rest = &rows[start..];
    &rest[..rest.partition_point(|row| caseless(first(row), word).is_eq())]
}

fn first(row: &Row) -> &'static str {
    row.words.first().copied().unwrap_or("")
}

/// `a` against `b`, ignoring ASCII case.
fn caseless(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes()
        .map(|c| c.to_ascii_lowercase())
        .cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

/// Memory clocks NVML may report, MHz: from the slowest GDDR5 (≈ 1,250) to well past
/// GDDR7's 16,000 effective-over-two. Outside is a broken reading.
const MEMORY_CLOCK_MHZ: std::ops::RangeInclusive<u32> = 100..=20_000;

/// Memory bus widths NVML may report, bits: 32 (the narrowest GDDR part) to 8,192 (HBM3e
/// with eight stacks).
const BUS_WIDTH_BITS: std::ops::RangeInclusive<u32> = 32..=8192;

/// Peak memory bandwidth, GB/s, from NVML's maximum memory clock (MHz) and memory bus width
/// (bits): 2 transfers per clock × clock × width / 8 bits / 1000 (NVIDIA's own formula for
/// its data sheets; an RTX 4090, 10,501 MHz × 384 bit, gives its published 1,008 GB/s).
/// `None` for readings outside what any GPU has.
pub fn nvml_peak_gb_s(max_memory_clock_mhz: u32, bus_width_bits: u32) -> Option<f64> {
    (MEMORY_CLOCK_MHZ.contains(&max_memory_clock_mhz) && BUS_WIDTH_BITS.contains(&bus_width_bits))
        .then(|| 2.0 * f64::from(max_memory_clock_mhz) * f64::from(bus_width_bits) / 8.0 / 1000.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookup as the table's doc states it: every row's words against the lowered name.
    fn scan(product_name: &str) -> Option<&'static GpuSpec> {
        let lowered = product_name.to_lowercase();
        let name: Vec<&str> = lowered
            .split(|c: char| c.is_whitespace() || matches!(c, '-' | '_' | '/' | '(' | ')' | ','))
            .filter(|w| !w.is_empty())
            .collect();
        GPU_SPECS
            .iter()
            .filter(|spec| spec.words.split(' ').all(|w| name.contains(&w)))
            .max_by_key(|spec| spec.words.split(' ').count())
    }

    #[test]
    fn the_indexed_lookup_finds_what_a_scan_of_every_row_finds() {
        let mut names = vec![String::new(), "NVIDIA".to_owned(), "Laptop GPU".to_owned()];
        for spec in GPU_SPECS {
            let words = spec.words;
            names.push(words.to_owned());
            names.push(format!("NVIDIA GeForce {}", words.to_uppercase()));
            names.push(format!("{} Laptop GPU", words.replace(' ', "-")));
            names.push(format!("AMD Radeon {words} (TM) super ti"));
            names.push(words.split(' ').rev().collect::<Vec<_>>().join("_"));
        }
        for name in &names {
            assert_eq!(
                lookup(name).map(|s| s.words),
                scan(name).map(|s| s.words),
                "{name:?}"
            );
        }
    }

    #[test]
    fn product_names_find_their_rows() {
        let cases: &[(&str, f64)] = &[
            ("NVIDIA H200", 4800.0),
            ("NVIDIA H200 NVL", 4800.0),
            ("NVIDIA H100 80GB HBM3", 3350.0),
            ("NVIDIA H100 PCIe", 2000.0),
            ("NVIDIA H100 NVL", 3900.0),
            ("NVIDIA A100-SXM4-40GB", 1555.0),
            ("NVIDIA A100-SXM4-80GB", 2039.0),
            ("NVIDIA A100 80GB PCIe", 1935.0),
            ("NVIDIA A100-PCIE-40GB", 1555.0),
            ("NVIDIA A10", 600.0),
            ("NVIDIA A10G", 600.0),
            ("NVIDIA L4", 300.0),
            ("NVIDIA L40S", 864.0),
            ("Tesla T4", 320.0),
            ("Tesla V100-SXM2-16GB", 900.0),
            ("NVIDIA GeForce RTX 4090", 1008.0),
            ("NVIDIA GeForce RTX 4090 Laptop GPU", 576.0),
            ("NVIDIA GeForce RTX 4070 Ti SUPER", 672.0),
            ("NVIDIA GeForce RTX 4070 Ti", 504.0),
            ("NVIDIA GeForce RTX 3060", 360.0),
            ("NVIDIA GeForce RTX 2080 Ti", 616.0),
            ("NVIDIA GeForce RTX 5090", 1792.0),
            ("Instinct MI300X", 5300.0),
            ("AMD Instinct MI250X", 3277.0),
            ("Instinct MI210", 1638.0),
            ("Radeon RX 7900 XTX", 960.0),
            ("Radeon RX 7900 XT", 800.0),
            ("Apple M1 GPU", 68.25),
            ("Apple M2 Pro GPU", 200.0),
            ("Apple M3 Max", 300.0),
            ("Apple M2 Ultra GPU", 800.0),
            ("Apple M4 Pro", 273.0),
        ];
        for (name, expected) in cases {
            let found = lookup(name).map(|s| s.bandwidth_gb_s);
            assert_eq!(found, Some(*expected), "{name}");
        }
        assert_eq!(
            lookup("Apple M2 Max GPU").unwrap().gpu_cores,
            Some((30, 38))
        );
    }

    #[test]
    fn unknown_names_find_nothing() {
        for name in [
            "",
            "Matrox G200eW",
            "NVIDIA GeForce GT 710",
            "Apple M9",
            "llvmpipe",
        ] {
            assert_eq!(lookup(name), None, "{name}");
        }
    }

    #[test]
    fn no_two_rows_have_the_same_words() {
        let mut words: Vec<Vec<&str>> = GPU_SPECS
            .iter()
            .map(|s| {
                let mut w: Vec<&str> = s.words.split(' ').collect();
                w.sort_unstable();
                w
            })
            .collect();
        words.sort();
        let before = words.len();
        words.dedup();
        assert_eq!(words.len(), before);
        assert!(GPU_SPECS.iter().all(|s| s.bandwidth_gb_s > 50.0));
    }

    #[test]
    fn nvml_peak_follows_the_formula_and_rejects_absurd_readings() {
        // The H200 machine's NVML: 3,201 MHz, 6,144 bit; its data sheet says 4.8 TB/s.
        let h200 = nvml_peak_gb_s(3201, 6144).unwrap();
        assert!((4800.0..=4950.0).contains(&h200), "{h200}");
        assert_eq!(nvml_peak_gb_s(10501, 384), Some(1008.096));
        for (clock, width) in [(0, 384), (10501, 0), (u32::MAX, 384), (10501, 1 << 20)] {
            assert_eq!(nvml_peak_gb_s(clock, width), None, "{clock} {width}");
        }
    }
}
