//! Predicted Phi-3-mini speeds from measured quantities.
//!
//! - **Generation** reads every weight (but the embedding table) and the KV cache once per
//!   token, so it is bound by memory bandwidth: tok/s = efficiency × bandwidth / bytes read.
//!   On few cores it is bound by compute first: multiplying one token's vector by every
//!   weight reaches a steady share of the rate at which a whole prompt is multiplied, so
//!   generation is at most that share of the prompt speed (a roofline). The share depends
//!   on whether the CPU has an int8 dot-product instruction, which speeds the prompt's
//!   products more than generation's.
//! - **Prompt processing** multiplies the whole prompt by every weight at once, so it is bound
//!   by compute: tok/s = efficiency × measured rate / operations per token, where the rate
//!   is of the product llama.cpp runs for the type: int8 GOP/s for the quantized types, f16
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
    GPU_GENERATION_EFFICIENCY, GPU_RESERVED_BYTES, GgufType, PHI3_MINI, PromptCompute,
    cpu_generation_compute_ceiling,
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
/// tokens: a roofline, the lower of the bandwidth bound and, where it is known and valid,
/// the compute bound ([`cpu_compute_bound`]).
pub fn cpu_generation(
    gguf: GgufType,
    bandwidth_gb_s: f64,
    compute_bound_tok_s: Option<f64>,
    context: u64,
) -> Option<CpuGeneration> {
    let bandwidth = valid(bandwidth_gb_s)? * 1e9;
    let memory_bound =
        gguf.spec().cpu_generation_efficiency * bandwidth / bytes_per_token(gguf, context);
    let compute_bound = compute_bound_tok_s.and_then(valid);
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

/// CPU generation's compute bound, tok/s: the share of the predicted prompt speed
/// ([`cpu_prompt`]) that multiplying one token at a time reaches on a CPU whose int8
/// product ran on `compute`'s kernel ([`cpu_generation_compute_ceiling`]).
pub fn cpu_compute_bound(prompt_tok_s: f64, compute: &Compute) -> f64 {
    cpu_generation_compute_ceiling(compute.int8_kernel.as_deref()) * prompt_tok_s
}

/// The measured figure `gguf`'s prompt speed follows ([`GgufSpec::prompt_compute`]): f16
/// GFLOP/s or int8 GOP/s.
///
/// [`GgufSpec::prompt_compute`]: super::table::GgufSpec::prompt_compute
pub fn prompt_figure(gguf: GgufType, compute: &Compute) -> Option<f64> {
    match gguf.spec().prompt_compute {
        PromptCompute::F16 => compute.f16_gflops,
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
        // A fast CPU: the bandwidth binds.
        let fast = cpu_generation(q4, 50.0, Some(memory * 10.0), 64).unwrap();
        assert_eq!(
            (fast.tokens_per_second, fast.bound),
            (memory, Bound::Memory)
        );
        // A slow one: the compute bound binds.
        let slow = cpu_generation(q4, 50.0, Some(memory / 2.0), 64).unwrap();
        assert_eq!(
            (slow.tokens_per_second, slow.bound),
            (memory / 2.0, Bound::Compute)
        );
        // A broken compute bound leaves the bandwidth bound.
        for bad in [0.0, -1.0, f64::NAN] {
            let generation = cpu_generation(q4, 50.0, Some(bad), 64).unwrap();
            assert_eq!(generation.tokens_per_second, memory, "{bad}");
        }
    }

    #[test]
    fn the_compute_bound_is_a_share_of_the_prompt_speed_by_int8_kernel() {
        let prompt = cpu_prompt(GgufType::Q4_0, 100.0, 512).unwrap();
        let on = |kernel: Option<&str>| {
            let compute = Compute {
                int8_kernel: kernel.map(str::to_owned),
                ..Compute::default()
            };
            cpu_compute_bound(prompt, &compute) / prompt
        };
        // A dot-product instruction speeds the prompt's products, not generation's: half
        // the share.
        let (vnni, avx2) = (on(Some("avx512-vnni")), on(Some("avx2")));
        assert!((1.5..2.5).contains(&(avx2 / vnni)), "{vnni} {avx2}");
        assert_eq!(on(Some("avx-vnni")), vnni);
        assert_eq!(on(Some("dotprod")), vnni);
        assert_eq!(on(Some("portable")), avx2);
        // A kernel this version does not know, or none: the lower share.
        assert_eq!(on(Some("sme2")), vnni);
        assert_eq!(on(None), vnni);
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
    fn the_quantized_types_follow_the_int8_figure_and_f16_the_f16_one() {
        let compute = Compute {
            f32_gflops: Some(50.0),
            f16_gflops: Some(100.0),
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
        // A report from before the int8 and f16 figures predicts no prompt speed: the f32
        // figure is a product of another kind.
        let f32_only = Compute {
            f32_gflops: Some(50.0),
            ..Compute::default()
        };
        assert_eq!(prompt_figure(GgufType::Q4_0, &f32_only), None);
        assert_eq!(prompt_figure(GgufType::F16, &f32_only), None);
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
