//! Predicted Phi-3-mini speeds from measured quantities.
//!
//! - **Generation** reads every weight (but the embedding table) and the KV cache once per
//!   token, so it is bound by memory bandwidth: tok/s = efficiency × bandwidth / bytes read.
//!   On few cores it is bound by compute first: multiplying one token's vector by every
//!   weight reaches a steady share of the rate at which a whole prompt is multiplied, so
//!   generation is at most that share of the prompt speed (a roofline).
//! - **Prompt processing** multiplies the whole prompt by every weight at once, so it is bound
//!   by compute: tok/s = efficiency × measured rate / operations per token, where the rate
//!   is of the product llama.cpp runs for the type: int8 GOP/s for the quantized types, f32
//!   GFLOP/s for F16.
//! - **On a GPU**, generation uses the GPU's bandwidth when the model fits in its memory.
//!   Otherwise llama.cpp offloads as many layers as fit (`-ngl`) and runs the rest on the
//!   CPU; a token then takes the time of the GPU's share at the GPU's bandwidth plus the
//!   CPU's share at the CPU's bandwidth.
//!
//! The constants are in [`super::table`]. Every function returns `None` for inputs no
//! machine has (zero, negative, not finite), never a panic.

use super::report::{Bound, Compute};
use super::table::{
    CPU_GENERATION_COMPUTE_CEILING, GPU_GENERATION_EFFICIENCY, GPU_RESERVED_BYTES, GgufType,
    PHI3_MINI, PromptCompute,
};

/// Bandwidths and compute figures below this are broken readings, not slow machines.
const MIN_MEASURE: f64 = 1e-3;
/// Above this (GB/s or GFLOP/s) no single device reaches: a broken reading.
const MAX_MEASURE: f64 = 1e6;

fn valid(value: f64) -> Option<f64> {
    (value.is_finite() && (MIN_MEASURE..=MAX_MEASURE).contains(&value)).then_some(value)
}

/// Bytes generation reads per token at `context` tokens of KV cache.
pub fn bytes_per_token(gguf: GgufType, context: u64) -> f64 {
    let weights = gguf.spec().weight_bytes_read() as f64;
    weights + (PHI3_MINI.kv_bytes_per_token() * context) as f64
}

/// Bytes the model takes in memory at `context` tokens: the file and the KV cache.
pub fn bytes_resident(gguf: GgufType, context: u64) -> u64 {
    gguf.spec()
        .file_bytes
        .saturating_add(PHI3_MINI.kv_bytes_per_token().saturating_mul(context))
}

/// A CPU generation prediction and the bound that set it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CpuGeneration {
    /// Predicted tok/s.
    pub tokens_per_second: f64,
    /// Whether bandwidth or compute binds.
    pub bound: Bound,
}

/// Predicted CPU generation tok/s from the all-core triad bandwidth (GB/s), at `context`
/// tokens: a roofline, the lower of the bandwidth bound and, where the predicted prompt
/// speed is known ([`cpu_prompt`]) and valid, the compute bound,
/// [`CPU_GENERATION_COMPUTE_CEILING`] × that prompt speed.
pub fn cpu_generation(
    gguf: GgufType,
    bandwidth_gb_s: f64,
    prompt_tok_s: Option<f64>,
    context: u64,
) -> Option<CpuGeneration> {
    let bandwidth = valid(bandwidth_gb_s)? * 1e9;
    let memory_bound =
        gguf.spec().cpu_generation_efficiency * bandwidth / bytes_per_token(gguf, context);
    let compute_bound = prompt_tok_s
        .and_then(valid)
        .map(|prompt| CPU_GENERATION_COMPUTE_CEILING * prompt);
    Some(match compute_bound {
        Some(compute) if compute < memory_bound => CpuGeneration {
            tokens_per_second: compute,
            bound: Bound::Compute,
        },
        _ => CpuGeneration {
            tokens_per_second: memory_bound,
            bound: Bound::Memory,
        },
    })
}

/// The measured figure `gguf`'s prompt speed follows ([`GgufSpec::prompt_compute`]): f32
/// GFLOP/s or int8 GOP/s.
///
/// [`GgufSpec::prompt_compute`]: super::table::GgufSpec::prompt_compute
pub fn prompt_figure(gguf: GgufType, compute: &Compute) -> Option<f64> {
    match gguf.spec().prompt_compute {
        PromptCompute::F32 => compute.f32_gflops,
        PromptCompute::Int8 => compute.int8_gops,
    }
}

/// Predicted CPU prompt-processing tok/s from the measured billions of operations a second
/// of the type's [`prompt_figure`], for a prompt of `prompt_tokens` (attention then spans
/// half the prompt on average).
pub fn cpu_prompt(gguf: GgufType, giga_ops: f64, prompt_tokens: u64) -> Option<f64> {
    let ops = valid(giga_ops)? * 1e9;
    let per_token = PHI3_MINI.flops_per_token(prompt_tokens as f64 / 2.0);
    Some(gguf.spec().cpu_prompt_efficiency * ops / per_token)
}

/// A GPU as the speed model sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpuFacts {
    /// Peak memory bandwidth, GB/s.
    pub bandwidth_gb_s: f64,
    /// Memory the model may use, bytes: total VRAM, or for unified memory what the system
    /// has available.
    pub memory_bytes: u64,
}

/// A GPU generation prediction and how much of the model it puts on the GPU.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GpuGeneration {
    /// Predicted tok/s.
    pub tokens_per_second: f64,
    /// Share of the layers on the GPU, 0 to 1 (1: the whole model fits).
    pub offloaded: f64,
}

/// Predicted GPU generation tok/s at `context` tokens. When the model and its KV cache do
/// not fit in `gpu.memory_bytes` less [`GPU_RESERVED_BYTES`], the layers that fit run on the
/// GPU and the rest on the CPU at `cpu_bandwidth_gb_s` (the all-core triad): the time per
/// token is the sum of the two shares' times. Without a CPU figure a model that does not fit
/// has no prediction.
pub fn gpu_generation(
    gguf: GgufType,
    gpu: GpuFacts,
    cpu_bandwidth_gb_s: Option<f64>,
    context: u64,
) -> Option<GpuGeneration> {
    let gpu_bandwidth = valid(gpu.bandwidth_gb_s)? * 1e9;
    let usable = gpu.memory_bytes.checked_sub(GPU_RESERVED_BYTES)?;
    let needed = bytes_resident(gguf, context);
    let offloaded = (usable as f64 / needed as f64).min(1.0);
    let bytes = bytes_per_token(gguf, context);
    let gpu_seconds = offloaded * bytes / (GPU_GENERATION_EFFICIENCY * gpu_bandwidth);
    let cpu_seconds = if offloaded < 1.0 {
        let cpu = cpu_generation(gguf, cpu_bandwidth_gb_s?, None, context)?;
        (1.0 - offloaded) / cpu.tokens_per_second
    } else {
        0.0
    };
    Some(GpuGeneration {
        tokens_per_second: 1.0 / (gpu_seconds + cpu_seconds),
        offloaded,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GB: u64 = 1_000_000_000;

    /// The bandwidth-bound speed alone.
    fn memory_bound(gguf: GgufType, bandwidth_gb_s: f64, context: u64) -> f64 {
        let generation = cpu_generation(gguf, bandwidth_gb_s, None, context).unwrap();
        assert_eq!(generation.bound, Bound::Memory);
        generation.tokens_per_second
    }

    #[test]
    fn generation_stops_at_its_compute_bound() {
        let q4 = GgufType::Q4_0;
        let memory = memory_bound(q4, 50.0, 64);
        // A fast prompt: the bandwidth binds.
        let fast = cpu_generation(q4, 50.0, Some(memory * 10.0), 64).unwrap();
        assert_eq!(
            (fast.tokens_per_second, fast.bound),
            (memory, Bound::Memory)
        );
        // A slow prompt: the share of the prompt speed binds.
        let prompt = cpu_prompt(q4, 100.0, 512).unwrap();
        let slow = cpu_generation(q4, 50.0, Some(prompt), 64).unwrap();
        assert_eq!(slow.bound, Bound::Compute);
        assert!(slow.tokens_per_second < memory);
        assert!((slow.tokens_per_second - CPU_GENERATION_COMPUTE_CEILING * prompt).abs() < 1e-12);
        // A broken prompt figure leaves the bandwidth bound.
        for bad in [0.0, -1.0, f64::NAN] {
            let generation = cpu_generation(q4, 50.0, Some(bad), 64).unwrap();
            assert_eq!(generation.tokens_per_second, memory, "{bad}");
        }
    }

    #[test]
    fn generation_is_bandwidth_over_bytes() {
        let q4 = GgufType::Q4_K_M;
        let at_20 = memory_bound(q4, 20.0, 0);
        let at_40 = memory_bound(q4, 40.0, 0);
        assert!((at_40 / at_20 - 2.0).abs() < 1e-12);
        let expected =
            q4.spec().cpu_generation_efficiency * 20e9 / q4.spec().weight_bytes_read() as f64;
        assert!((at_20 - expected).abs() < 1e-9);
        // A long context reads the KV cache too: 4096 tokens add 1.6 GB a token.
        let long = memory_bound(q4, 20.0, 4096);
        assert!(long < at_20 * 0.7, "{long} vs {at_20}");
        // Fewer bits, faster.
        assert!(memory_bound(GgufType::F16, 20.0, 0) < at_20);
    }

    #[test]
    fn prompt_is_compute_over_flops() {
        let q8 = GgufType::Q8_0;
        let p = cpu_prompt(q8, 100.0, 512).unwrap();
        let flops = PHI3_MINI.flops_per_token(256.0);
        assert!((p - q8.spec().cpu_prompt_efficiency * 100e9 / flops).abs() < 1e-9);
        assert!(flops > 7.4e9 && flops < 7.6e9, "{flops}");
    }

    #[test]
    fn the_quantized_types_follow_the_int8_figure_and_f16_the_f32_one() {
        let compute = Compute {
            f32_gflops: Some(100.0),
            int8_gops: Some(300.0),
            ..Compute::default()
        };
        assert_eq!(prompt_figure(GgufType::F16, &compute), Some(100.0));
        for gguf in [
            GgufType::Q8_0,
            GgufType::Q4_K_M,
            GgufType::Q4_0,
            GgufType::Q3_K_M,
        ] {
            assert_eq!(prompt_figure(gguf, &compute), Some(300.0), "{gguf:?}");
        }
        // A report from before the int8 figure predicts F16 only.
        let f32_only = Compute {
            int8_gops: None,
            ..compute
        };
        assert_eq!(prompt_figure(GgufType::Q4_0, &f32_only), None);
        assert_eq!(prompt_figure(GgufType::F16, &f32_only), Some(100.0));
    }

    #[test]
    fn absurd_measurements_predict_nothing() {
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e12] {
            assert_eq!(
                cpu_generation(GgufType::Q4_0, bad, None, 512),
                None,
                "{bad}"
            );
            assert_eq!(cpu_prompt(GgufType::Q4_0, bad, 512), None, "{bad}");
            let gpu = GpuFacts {
                bandwidth_gb_s: bad,
                memory_bytes: 80 * GB,
            };
            assert_eq!(gpu_generation(GgufType::Q4_0, gpu, Some(20.0), 512), None);
        }
    }

    #[test]
    fn a_model_that_fits_runs_at_the_gpus_bandwidth() {
        let rtx_4090 = GpuFacts {
            bandwidth_gb_s: 1008.0,
            memory_bytes: 24 * GB,
        };
        let q4 = gpu_generation(GgufType::Q4_K_M, rtx_4090, None, 512).unwrap();
        assert_eq!(q4.offloaded, 1.0);
        let expected = GPU_GENERATION_EFFICIENCY * 1008e9 / bytes_per_token(GgufType::Q4_K_M, 512);
        assert!((q4.tokens_per_second - expected).abs() < 1e-9);
        assert!((200.0..400.0).contains(&q4.tokens_per_second), "{q4:?}");
    }

    #[test]
    fn a_model_that_does_not_fit_is_split_with_the_cpu() {
        // A 4 GB card with F16 (7.6 GB): about 40 % on the GPU, the rest at CPU speed.
        let small = GpuFacts {
            bandwidth_gb_s: 300.0,
            memory_bytes: 4 * GB,
        };
        let split = gpu_generation(GgufType::F16, small, Some(20.0), 512).unwrap();
        assert!((0.3..0.5).contains(&split.offloaded), "{split:?}");
        let cpu = memory_bound(GgufType::F16, 20.0, 512);
        let all_gpu = GPU_GENERATION_EFFICIENCY * 300e9 / bytes_per_token(GgufType::F16, 512);
        assert!(split.tokens_per_second > cpu && split.tokens_per_second < all_gpu);
        // No CPU figure, no prediction; a card smaller than the reserve holds nothing.
        assert_eq!(gpu_generation(GgufType::F16, small, None, 512), None);
        let tiny = GpuFacts {
            bandwidth_gb_s: 300.0,
            memory_bytes: GPU_RESERVED_BYTES / 2,
        };
        assert_eq!(gpu_generation(GgufType::F16, tiny, Some(20.0), 512), None);
    }
}
