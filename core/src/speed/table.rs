//! The speed model's constants, each with its source: Phi-3-mini's shape, the bytes per
//! weight of every GGUF type llmcap recommends, the efficiency factors, and the guide's
//! quantization levels mapped to GGUF types.

use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// The shape of a decoder-only transformer, as much of it as decides its speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelShape {
    /// The model's name.
    pub name: &'static str,
    /// Transformer blocks.
    pub layers: u64,
    /// Hidden (embedding) size.
    pub hidden: u64,
    /// Feed-forward size (the gated MLP has two such projections up, one down).
    pub ffn: u64,
    /// Attention heads.
    pub heads: u64,
    /// Key/value heads (equal to `heads`: Phi-3-mini has no grouped-query attention).
    pub kv_heads: u64,
    /// Vocabulary size.
    pub vocab: u64,
    /// Context length the model was trained for, tokens.
    pub context: u64,
}

/// Phi-3-mini-4k: `config.json` of microsoft/Phi-3-mini-4k-instruct, as llama.cpp's
/// `convert_hf_to_gguf.py` writes it (`phi3.block_count=32`, `phi3.embedding_length=3072`,
/// `phi3.feed_forward_length=8192`, `phi3.attention.head_count=32`, 32,064 tokens,
/// `phi3.context_length=4096`).
pub const PHI3_MINI: ModelShape = ModelShape {
    name: "Phi-3-mini-4k",
    layers: 32,
    hidden: 3072,
    ffn: 8192,
    heads: 32,
    kv_heads: 32,
    vocab: 32064,
    context: 4096,
};

impl ModelShape {
    /// Weights of the token-embedding table; generation reads one row of it per token.
    pub const fn embedding_parameters(&self) -> u64 {
        self.vocab * self.hidden
    }

    /// Weights of one block: fused QKV (3 h²), attention output (h²), fused gate and up
    /// (2 f h), down (f h), and two norms (2 h). llama.cpp's `src/models/phi3.cpp`.
    pub const fn block_parameters(&self) -> u64 {
        let h = self.hidden;
        let kv = self.hidden / self.heads * self.kv_heads;
        (h + 2 * kv) * h + h * h + 3 * self.ffn * h + 2 * h
    }

    /// All weights: embedding, blocks, final norm and output projection (3,821,079,552 for
    /// Phi-3-mini, the count llama.cpp prints for it).
    pub const fn parameters(&self) -> u64 {
        2 * self.embedding_parameters() + self.layers * self.block_parameters() + self.hidden
    }

    /// Bytes of K and V cache one token adds, in f16 (llama.cpp's default cache type):
    /// 2 (K and V) × layers × key/value width × 2 bytes; 393,216 for Phi-3-mini.
    pub const fn kv_bytes_per_token(&self) -> u64 {
        2 * self.layers * (self.hidden / self.heads * self.kv_heads) * 2
    }

    /// Floating-point operations per token of a prompt, at `context` tokens of attention:
    /// 2 per weight of every matrix product but the embedding lookup, plus attention's two
    /// products (Q·Kᵀ and the weighted sum of V, 2 × 2 × context × hidden per layer).
    pub fn flops_per_token(&self, context: f64) -> f64 {
        let products = (self.parameters() - self.embedding_parameters()) as f64;
        2.0 * products + 4.0 * (self.layers * self.hidden) as f64 * context
    }
}

/// A GGUF weight type that llmcap recommends, named as llama.cpp names it.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub enum GgufType {
    /// 16-bit floats.
    F16,
    /// 8-bit blocks of 32 with an f16 scale.
    Q8_0,
    /// Mostly 4-bit k-quants (some tensors at 6 bits), llama.cpp's recommended 4-bit mix.
    Q4_K_M,
    /// 4-bit blocks of 32 with an f16 scale (Ollama's default `q4_0` tags).
    Q4_0,
    /// Mostly 3-bit k-quants (some tensors at 4 and 5 bits).
    Q3_K_M,
}

impl GgufType {
    /// llama.cpp's name: `F16`, `Q8_0`, `Q4_K_M`, `Q4_0`, `Q3_K_M`.
    pub fn name(self) -> &'static str {
        match self {
            GgufType::F16 => "F16",
            GgufType::Q8_0 => "Q8_0",
            GgufType::Q4_K_M => "Q4_K_M",
            GgufType::Q4_0 => "Q4_0",
            GgufType::Q3_K_M => "Q3_K_M",
        }
    }

    /// This type's row of [`GGUF_TYPES`].
    pub fn spec(self) -> &'static GgufSpec {
        GGUF_TYPES
            .iter()
            .find(|spec| spec.gguf == self)
            .unwrap_or(&GGUF_TYPES[0])
    }
}

/// The measured compute figure a type's CPU prompt speed is predicted from: the kind of
/// product llama.cpp runs for it (`ggml/src/ggml-cpu/llamafile/sgemm.cpp`, `repack.cpp`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptCompute {
    /// f16 GFLOP/s: F16's halves are widened to f32 as they are loaded and multiplied in
    /// f32, by the prompt turned to f16 (llamafile's `tinyBLAS`).
    F16,
    /// int8 GOP/s: the quantized types' blocks are multiplied by the prompt's, quantized to
    /// Q8_0, in int8.
    Int8,
}

/// What one GGUF type of Phi-3-mini weighs and how fast llama.cpp runs it on a CPU.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GgufSpec {
    /// The type.
    pub gguf: GgufType,
    /// Bytes per weight of ggml's block for the type's main tensors: block bytes / weights
    /// per block (`ggml/src/ggml-common.h`: `block_q8_0` 34 B / 32, `block_q4_0` 18 B / 32,
    /// `block_q4_K` 144 B / 256, `block_q3_K` 110 B / 256).
    pub block_bytes_per_weight: f64,
    /// Size of the whole Phi-3-mini file of this type, bytes: the random-weight files that
    /// `scripts/setup-llama-bench.sh` writes with llama.cpp b11434's `llama-quantize`. The
    /// k-quant mixes keep some tensors at more bits, so this is more than the block size
    /// times the weights.
    pub file_bytes: u64,
    /// Bytes of the file's `token_embd.weight`, which generation does not read whole
    /// (one row per token); from the same files.
    pub embedding_bytes: u64,
    /// Fraction of the measured all-core STREAM triad bandwidth that llama.cpp's CPU
    /// generation reaches (tg128). Fitted on two hosts by `scripts/bench-speed.sh`
    /// (`docs/benchmarks.md`, "Memory bandwidth and Phi-3-mini speed"): each factor is the
    /// geometric mean of the factor fitted on an AMD EPYC (Zen 4) host on 2026-12-02/03
    /// (0.58-0.90) and the one that would have made 2026-12-04's run on an Intel Xeon (Ice
    /// Lake) host exact (0.48-0.72), so that both hosts sit equally on either side, within
    /// 1.25 ×. llama.cpp reached a smaller share of the triad on the Xeon (Q4_0 0.48 against
    /// 0.62).
    pub cpu_generation_efficiency: f64,
    /// The operations a second llama.cpp's CPU prompt processing (pp512) reaches, over the
    /// measured figure of [`GgufSpec::prompt_compute`].
    /// - The quantized types, over the int8 block product's GOP/s: the geometric mean of
    ///   the factors fitted by `scripts/bench-speed.sh` on two hosts, so that both sit
    ///   equally on either side: an Intel Xeon (Ice Lake, AVX-512 VNNI) on 2026-12-04,
    ///   against the median of its run's six int8 readings (121 GOP/s), and an AMD EPYC
    ///   (Zen 3, AVX2 only) on 2026-12-07, against the readings around each llama-bench in
    ///   two runs (the geometric mean of the two). Q8_0, which runs the very loop the int8
    ///   figure times (llamafile's `tinyBLAS_Q0_AVX`): 0.99 and 1.05, so 1.02. Q4_0 and
    ///   Q4_K_M, whose repacked kernels are faster per weight: 1.71 and 1.21, so 1.44; 1.29
    ///   and 1.47, so 1.38. Q3_K_M: 1.50 and 1.57, so 1.53.
    /// - F16, over the f16 product's GFLOP/s: 1.10, fitted on the Zen 3 host on 2026-12-07
    ///   (the one host measured since the f16 figure exists).
    pub cpu_prompt_efficiency: f64,
    /// The compute figure [`GgufSpec::cpu_prompt_efficiency`] is a fraction of.
    pub prompt_compute: PromptCompute,
}

impl GgufSpec {
    /// Bytes generation reads per token for the weights: the file but the embedding table.
    pub fn weight_bytes_read(&self) -> u64 {
        self.file_bytes.saturating_sub(self.embedding_bytes)
    }
}

/// Every GGUF type llmcap recommends. File sizes and efficiencies: `docs/benchmarks.md`,
/// "Phi-3-mini speed", which gives the command and the run.
pub const GGUF_TYPES: &[GgufSpec] = &[
    GgufSpec {
        gguf: GgufType::F16,
        block_bytes_per_weight: 2.0,
        file_bytes: 7_643_360_544,
        embedding_bytes: 197_001_216,
        cpu_generation_efficiency: 0.74,
        cpu_prompt_efficiency: 1.10,
        prompt_compute: PromptCompute::F16,
    },
    GgufSpec {
        gguf: GgufType::Q8_0,
        block_bytes_per_weight: 34.0 / 32.0,
        file_bytes: 4_061_285_696,
        embedding_bytes: 104_656_896,
        cpu_generation_efficiency: 0.72,
        cpu_prompt_efficiency: 1.02,
        prompt_compute: PromptCompute::Int8,
    },
    GgufSpec {
        gguf: GgufType::Q4_K_M,
        block_bytes_per_weight: 144.0 / 256.0,
        file_bytes: 2_396_834_624,
        embedding_bytes: 55_406_592,
        cpu_generation_efficiency: 0.73,
        cpu_prompt_efficiency: 1.38,
        prompt_compute: PromptCompute::Int8,
    },
    GgufSpec {
        gguf: GgufType::Q4_0,
        block_bytes_per_weight: 18.0 / 32.0,
        file_bytes: 2_176_240_448,
        embedding_bytes: 55_406_592,
        cpu_generation_efficiency: 0.58,
        cpu_prompt_efficiency: 1.44,
        prompt_compute: PromptCompute::Int8,
    },
    GgufSpec {
        gguf: GgufType::Q3_K_M,
        block_bytes_per_weight: 110.0 / 256.0,
        file_bytes: 1_962_618_176,
        embedding_bytes: 42_324_480,
        cpu_generation_efficiency: 0.58,
        cpu_prompt_efficiency: 1.53,
        prompt_compute: PromptCompute::Int8,
    },
];

/// CPU generation's compute bound, as a share of the predicted prompt speed (pp512) of the
/// same type, by the kernel the int8 product ran on (`performance.compute.int8_kernel`):
/// multiplying one token's vector by every weight runs at about this share of the rate at
/// which llama.cpp multiplies a 512-token prompt by them, so on few cores generation stops
/// at it before the memory bandwidth binds. An int8 dot-product instruction (`vpdpbusd`,
/// Arm's `sdot`) doubles the rate of the prompt's tiled products but not of generation's
/// one-row ones, so the share is about half where the CPU has one. Source:
/// `scripts/bench-speed.sh` on the 2-core build machines (`docs/benchmarks.md`, "Memory
/// bandwidth and Phi-3-mini speed"), llama-bench's tg128 over its pp512 for the quantized
/// types:
/// - with AVX-512 VNNI: median 0.32 over 16 readings on an AMD EPYC (Zen 4) host on
///   2026-12-03 (0.23-0.46), 0.19-0.24 on an Intel Xeon (Ice Lake) host on 2026-12-04
///   (median 0.22); 0.27 is their geometric mean;
/// - with AVX2 only, on an AMD EPYC (Zen 3) host on 2026-12-07: 0.48 and 0.51 for Q4_0 and
///   Q4_K_M at 2 threads, 0.50 and 0.46 at one thread (`llama-bench -t 1`), where generation
///   sped up 1.7-1.8 × with the second thread as the prompt did, the triad only 1.4 ×, so
///   compute binds; 0.49 is their median. Q8_0 and Q3_K_M read 0.35-0.38; for them the
///   bandwidth bound is the lower one there.
///
/// Arm's kernels are not measured yet: `dotprod` is taken to be like VNNI, `portable` (no
/// dot-product instruction) like AVX2. F16 (tg128 over pp512 0.13-0.19) stays
/// bandwidth-bound on every host measured.
pub const CPU_GENERATION_COMPUTE_CEILINGS: &[(&str, f64)] = &[
    ("avx512-vnni", 0.27),
    ("avx-vnni", 0.27),
    ("dotprod", 0.27),
    ("avx2", 0.49),
    ("portable", 0.49),
];

/// The share of [`CPU_GENERATION_COMPUTE_CEILINGS`] for an int8 kernel's name; for a kernel
/// the table does not list (or none), the lower share, which predicts the slower speed.
pub fn cpu_generation_compute_ceiling(int8_kernel: Option<&str>) -> f64 {
    let lowest = CPU_GENERATION_COMPUTE_CEILINGS
        .iter()
        .map(|(_, share)| *share)
        .fold(f64::INFINITY, f64::min);
    int8_kernel
        .and_then(|name| {
            CPU_GENERATION_COMPUTE_CEILINGS
                .iter()
                .find(|(k, _)| *k == name)
        })
        .map_or(lowest, |(_, share)| *share)
}

/// Fraction of a GPU's peak memory bandwidth that llama.cpp's CUDA generation reaches with
/// the whole model on the GPU. Source (published, not measured here): ggml-org/llama.cpp
/// pull request 15802, an RTX 3090 (936 GB/s) running llama 8B Q4_0 (a 4.33 GiB file, of
/// which 4.35 GB is read per token) token by token at 155 tok/s: 155 × 4.35 / 936 = 0.72.
pub const GPU_GENERATION_EFFICIENCY: f64 = 0.72;

/// VRAM the runtime keeps for itself besides the weights and the KV cache (CUDA context,
/// compute buffers), bytes: llama.cpp's CUDA backend allocates about 0.3-0.5 GiB of compute
/// buffers for a 4k context, and the CUDA context takes about 0.3 GiB; 1 GiB covers both.
pub const GPU_RESERVED_BYTES: u64 = 1 << 30;

/// Context at which reported generation speeds are predicted, tokens: a short chat (the
/// KV cache then adds 0.2 GB to every token's reads).
pub const REPORT_CONTEXT_TOKENS: u64 = 512;

/// Prompt length of reported prompt speeds, tokens (llama-bench's pp512).
pub const REPORT_PROMPT_TOKENS: u64 = 512;

/// Memory bandwidth assumed per f64 GFLOP/s of the guide's matrix multiply, GB/s, where a
/// report has no measured bandwidth (the guide's reports, llmcap's before the `performance`
/// section). Source: this project's build machine, three `llmcap probe` runs on 2026-12-02
/// (`docs/benchmarks.md`, "Probe and matrix multiply"): triad 40.7, 36.7 and 40.2 GB/s beside
/// 101.9, 92.5 and 90.9 GFLOP/s, ratios 0.40, 0.40 and 0.44. A crude estimate (CPUs differ
/// several-fold in it), so the planner says when it uses one.
pub const ESTIMATED_GB_S_PER_F64_GFLOPS: f64 = 0.4;

/// The same per GFLOP/s derived from the guide's `matrix_mult_time`, which times numpy's
/// product together with making its random matrices, on one thread where numpy's BLAS has
/// one: the guide's report of the same build machine
/// (`tests/fixtures/seed-reports/epyc-2core.json`, 14.77 s, so 13.5 GFLOP/s) beside the
/// 36.7-45.0 GB/s triads llmcap measured there (`docs/benchmarks.md`): 40 / 13.5 ≈ 3.
pub const ESTIMATED_GB_S_PER_GUIDE_GFLOPS: f64 = 3.0;

/// The guide's level (`q4`) of a GGUF type named as Ollama or llama.cpp name it (`Q4_0`,
/// `q4_k_m`); `None` for a type the table does not list.
pub fn level_of(gguf_name: &str) -> Option<&'static str> {
    LEVEL_TYPES
        .iter()
        .find(|(_, types)| {
            types
                .iter()
                .any(|t| t.name().eq_ignore_ascii_case(gguf_name.trim()))
        })
        .map(|(level, _)| *level)
}

/// The guide's quantization levels (`recommend::QUANT_LEVELS` ids) and the GGUF types that
/// stand for each: Ollama's tag first (`…-fp16`, `…-q8_0`, `…-q4_0`, `…-q3_K_M`), then the
/// file llmcap recommends for llama.cpp where it differs (microsoft's `…-q4.gguf` is Q4_K_M).
pub const LEVEL_TYPES: &[(&str, &[GgufType])] = &[
    ("fp16", &[GgufType::F16]),
    ("q8", &[GgufType::Q8_0]),
    ("q4", &[GgufType::Q4_0, GgufType::Q4_K_M]),
    ("q3", &[GgufType::Q3_K_M]),
];

/// The GGUF type of Ollama's tag of `level` (`q4` → Q4_0): the first of [`LEVEL_TYPES`].
pub fn ollama_type(level: &str) -> Option<GgufType> {
    let (_, types) = LEVEL_TYPES.iter().find(|(id, _)| *id == level)?;
    types.first().copied()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recommend::QUANT_LEVELS;

    #[test]
    fn phi3_mini_has_llama_cpps_parameter_count() {
        assert_eq!(PHI3_MINI.parameters(), 3_821_079_552);
        assert_eq!(PHI3_MINI.kv_bytes_per_token(), 393_216);
    }

    #[test]
    fn every_type_has_one_row_and_a_consistent_file_size() {
        for gguf in [
            GgufType::F16,
            GgufType::Q8_0,
            GgufType::Q4_K_M,
            GgufType::Q4_0,
            GgufType::Q3_K_M,
        ] {
            let rows = GGUF_TYPES.iter().filter(|s| s.gguf == gguf).count();
            assert_eq!(rows, 1, "{gguf:?}");
            let spec = gguf.spec();
            assert_eq!(spec.gguf, gguf);
            // A file is its weights at the block size, plus at most a third more for the
            // k-quants' higher-bit tensors and the F32 norms and metadata.
            let at_block = spec.block_bytes_per_weight * PHI3_MINI.parameters() as f64;
            let ratio = spec.file_bytes as f64 / at_block;
            assert!((0.99..1.35).contains(&ratio), "{gguf:?}: {ratio}");
            assert!(spec.embedding_bytes < spec.file_bytes / 20, "{gguf:?}");
            assert!((0.05..=1.0).contains(&spec.cpu_generation_efficiency));
            assert!((0.01..=10.0).contains(&spec.cpu_prompt_efficiency));
        }
    }

    #[test]
    fn fewer_bits_make_smaller_files() {
        let order = [
            GgufType::F16,
            GgufType::Q8_0,
            GgufType::Q4_K_M,
            GgufType::Q4_0,
            GgufType::Q3_K_M,
        ];
        for pair in order.windows(2) {
            assert!(
                pair[0].spec().file_bytes > pair[1].spec().file_bytes,
                "{pair:?}"
            );
        }
    }

    #[test]
    fn every_guide_level_maps_to_gguf_types() {
        for level in QUANT_LEVELS {
            let types = LEVEL_TYPES.iter().find(|(id, _)| *id == level.id);
            assert!(types.is_some_and(|(_, t)| !t.is_empty()), "{}", level.id);
        }
        assert_eq!(LEVEL_TYPES.len(), QUANT_LEVELS.len());
    }

    #[test]
    fn names_match_serde_names() {
        for spec in GGUF_TYPES {
            let json = serde_json::to_string(&spec.gguf).unwrap();
            assert_eq!(json, format!("\"{}\"", spec.gguf.name()));
        }
    }
}
