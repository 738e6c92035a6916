//! The report's `performance` section: memory bandwidth, compute, predicted or measured
//! Phi-3-mini speeds per device and quantization level, and Ollama's own measurement.
//!
//! # Wire format
//! Every field is optional and unknown keys are ignored, so reports without the section
//! (the guide's, older llmcap ones) and reports from newer versions both load. Every figure
//! says where it comes from in a `source` field: `measured` (llmcap or Ollama measured it on
//! this machine), `predicted` (the speed model in [`crate::speed`] computed it from measured
//! figures), `nvml` (the GPU driver's bus width and memory clock), `table` (published
//! specifications by product name, [`crate::speed::gpus::GPU_SPECS`]).

use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// Where a figure comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// Measured on this machine.
    Measured,
    /// Computed by the speed model from measured figures.
    Predicted,
    /// The NVIDIA driver's memory bus width and maximum memory clock.
    Nvml,
    /// Published specifications, looked up by product name.
    Table,
    /// A source this version does not know (a newer report).
    #[serde(other)]
    Unknown,
}

/// What limits a predicted generation speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Bound {
    /// Memory bandwidth: every weight and the KV cache are read once per token.
    Memory,
    /// Compute: the CPU multiplies one token's vector by every weight more slowly than its
    /// memory delivers them ([`crate::speed::table::CPU_GENERATION_COMPUTE_CEILINGS`]).
    Compute,
    /// A bound this version does not know (a newer report).
    #[serde(other)]
    Unknown,
}

/// The `performance` section.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(default)]
pub struct Performance {
    /// Main-memory bandwidth, STREAM-style.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_bandwidth: Option<MemoryBandwidth>,
    /// The f32 matrix-product throughput the prompt speed is predicted from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compute: Option<Compute>,
    /// Context (tokens of KV cache) of the generation speeds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_tokens: Option<u64>,
    /// Prompt length of the prompt speeds, tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_tokens: Option<u64>,
    /// The CPU first, then each GPU.
    pub devices: Vec<DeviceSpeed>,
    /// Ollama's own measurement (`llmcap probe --llm-test`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ollama: Option<OllamaSpeed>,
}

/// STREAM-style bandwidth, GB/s (10⁹ bytes a second, counting bytes read and written).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(default)]
pub struct MemoryBandwidth {
    /// Triad (`a = b + s·c`) on every core.
    pub triad_all_cores_gb_s: Option<f64>,
    /// Triad on one core.
    pub triad_one_core_gb_s: Option<f64>,
    /// Copy (`a = b`) on every core.
    pub copy_all_cores_gb_s: Option<f64>,
    /// Copy on one core.
    pub copy_one_core_gb_s: Option<f64>,
    /// Threads of the all-core runs.
    pub threads: Option<u64>,
    /// Size of each of the three arrays, MiB.
    pub array_mib: Option<u64>,
    /// Repetitions of each kernel; the figure is the best of them (as STREAM reports).
    pub repetitions: Option<u64>,
    /// Wall time of the whole measurement, seconds.
    pub seconds: Option<f64>,
    /// `measured`.
    pub source: Option<Source>,
}

/// Matrix-product throughput: f16, which F16's prompt speed follows, int8, which the
/// quantized types' follows, and f32, which fine-tuning's time follows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(default)]
pub struct Compute {
    /// GFLOP/s of an f32 square matrix product on every core (the fastest round).
    pub f32_gflops: Option<f64>,
    /// Matrix side.
    pub matrix_size: Option<u64>,
    /// Rounds of the f32 product measured.
    pub rounds: Option<u64>,
    /// Billions of int8 operations a second (multiply and add counted apart) of a product
    /// in llama.cpp's Q8_0 blocks (32 int8 values and a scale), on every core, the fastest
    /// round: Phi-3-mini-sized rows (3,072) by 64 prompt tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub int8_gops: Option<f64>,
    /// The instructions the int8 product ran on: `avx512-vnni`, `avx-vnni`, `avx2`,
    /// `dotprod` or `portable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub int8_kernel: Option<String>,
    /// Rounds of the int8 product measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub int8_rounds: Option<u64>,
    /// GFLOP/s (multiply and add counted apart) of a product in llama.cpp's F16 layout
    /// (halves widened to f32 as they are loaded, then multiplied and added in f32), on
    /// every core, the fastest round: Phi-3-mini-sized rows (3,072) by 64 prompt tokens.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f16_gflops: Option<f64>,
    /// The instructions the f16 product ran on: `avx512`, `avx2` or `portable`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f16_kernel: Option<String>,
    /// Rounds of the f16 product measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub f16_rounds: Option<u64>,
    /// `measured`.
    pub source: Option<Source>,
}

/// One device's memory and its Phi-3-mini speeds.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(default)]
pub struct DeviceSpeed {
    /// `cpu` or `gpu`.
    pub kind: String,
    /// `CPU`, or the GPU's product name.
    pub name: String,
    /// Memory bandwidth the speeds use, GB/s.
    pub bandwidth_gb_s: Option<f64>,
    /// Where the bandwidth comes from: `measured`, `nvml` or `table`.
    pub bandwidth_source: Option<Source>,
    /// GPU cores (Apple Silicon, from the table): the fewest and the most sold under the name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_cores: Option<(u32, u32)>,
    /// Per quantization level and GGUF type.
    pub speeds: Vec<LevelSpeed>,
}

/// Phi-3-mini at one quantization level on one device.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(default)]
pub struct LevelSpeed {
    /// The guide's level: `fp16`, `q8`, `q4`, `q3`.
    pub level: String,
    /// The GGUF type: `F16`, `Q8_0`, `Q4_K_M`, `Q4_0`, `Q3_K_M`.
    pub gguf: String,
    /// Generation tokens a second.
    pub generation_tok_s: Option<f64>,
    /// Prompt-processing tokens a second.
    pub prompt_tok_s: Option<f64>,
    /// Share of the layers on the GPU (GPU rows), 0 to 1.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offloaded: Option<f64>,
    /// What limits the predicted generation speed: `memory` or `compute`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bound: Option<Bound>,
    /// `predicted` or `measured`.
    pub source: Option<Source>,
}

/// What `llmcap probe --llm-test` got from Ollama's `/api/generate`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(default)]
pub struct OllamaSpeed {
    /// Whether a measurement was made.
    pub measured: bool,
    /// Why not, or what went wrong.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The model tag asked for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Its quantization level as Ollama names it (`Q4_0`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantization: Option<String>,
    /// Generation tokens a second: `eval_count / eval_duration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation_tok_s: Option<f64>,
    /// Prompt tokens a second: `prompt_eval_count / prompt_eval_duration`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_tok_s: Option<f64>,
    /// Tokens generated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub eval_count: Option<u64>,
    /// Prompt tokens evaluated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt_eval_count: Option<u64>,
    /// `measured` when measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_or_partial_section_loads() {
        let empty: Performance = serde_json::from_str("{}").unwrap();
        assert_eq!(empty, Performance::default());
        let partial: Performance = serde_json::from_str(
            r#"{"memory_bandwidth": {"triad_all_cores_gb_s": 21.4, "future_key": [1]},
                "devices": [{"kind": "cpu", "speeds": [{"level": "q4", "source": "oracle", "bound": "disk"}]}],
                "next_version_field": {"a": 1}}"#,
        )
        .unwrap();
        let bandwidth = partial.memory_bandwidth.unwrap();
        assert_eq!(bandwidth.triad_all_cores_gb_s, Some(21.4));
        assert_eq!(bandwidth.source, None);
        assert_eq!(partial.devices[0].speeds[0].source, Some(Source::Unknown));
        assert_eq!(partial.devices[0].speeds[0].bound, Some(Bound::Unknown));
    }

    #[test]
    fn a_section_round_trips() {
        let section = Performance {
            memory_bandwidth: Some(MemoryBandwidth {
                triad_all_cores_gb_s: Some(40.0),
                source: Some(Source::Measured),
                ..Default::default()
            }),
            devices: vec![DeviceSpeed {
                kind: "gpu".to_owned(),
                name: "NVIDIA H200".to_owned(),
                bandwidth_gb_s: Some(4800.0),
                bandwidth_source: Some(Source::Table),
                gpu_cores: None,
                speeds: vec![LevelSpeed {
                    level: "q4".to_owned(),
                    gguf: "Q4_K_M".to_owned(),
                    generation_tok_s: Some(1500.0),
                    prompt_tok_s: None,
                    offloaded: Some(1.0),
                    bound: Some(Bound::Memory),
                    source: Some(Source::Predicted),
                }],
            }],
            ..Default::default()
        };
        let json = serde_json::to_string(&section).unwrap();
        assert!(json.contains(r#""bandwidth_source":"table""#), "{json}");
        assert!(json.contains(r#""source":"predicted""#), "{json}");
        assert!(json.contains(r#""bound":"memory""#), "{json}");
        let back: Performance = serde_json::from_str(&json).unwrap();
        assert_eq!(back, section);
    }
}
