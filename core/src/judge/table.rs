//! Every constant of llmcap's own assessment, with its source. Memory in bytes, model sizes
//! from [`crate::speed::table::PHI3_MINI`].

/// Context the inference fit is judged at, tokens: Phi-3-mini-4k's whole context.
pub const DEFAULT_CONTEXT_TOKENS: u64 = 4096;

/// Memory the runtime takes besides the weights and the KV cache on a CPU or in unified
/// memory: llama.cpp's compute buffers, 0.3-0.5 GiB for a 4k context (the GPU figure,
/// [`crate::speed::table::GPU_RESERVED_BYTES`], without the CUDA context).
pub const CPU_RUNTIME_BYTES: u64 = 512 << 20;

/// Below this generation speed, tokens a second, inference is `slow`: llmcap's threshold,
/// about the pace of a person reading.
pub const SLOW_GENERATION_TOK_S: f64 = 5.0;

/// Full fine-tuning with Adam in mixed precision, bytes per parameter: 16-bit weights (2)
/// and gradients (2), and fp32 master weights, momentum and variance (12). Source: the ZeRO
/// paper (Rajbhandari et al. 2019, arXiv:1910.02054, §3.1): "2Ψ + 2Ψ + KΨ = 16Ψ bytes".
/// On a CPU, fp32 weights (4), gradients (4) and Adam's two states (8) also make 16.
pub const FULL_BYTES_PER_PARAMETER: f64 = 16.0;

/// LoRA's frozen base model, bytes per parameter: 16-bit weights.
pub const LORA_BASE_BYTES_PER_PARAMETER: f64 = 2.0;

/// QLoRA's frozen base model, bytes per parameter of the linear layers: 4-bit NormalFloat
/// with double-quantized constants, (4 + 0.127) / 8. Source: the QLoRA paper (Dettmers et
/// al. 2023, arXiv:2305.14314, §3): double quantization "reduces the memory footprint per
/// parameter from 0.5 bits to 0.127 bits". The embedding and output layers stay 16-bit.
pub const QLORA_BASE_BYTES_PER_PARAMETER: f64 = (4.0 + 0.127) / 8.0;

/// Share of the model's parameters the adapters add: "LoRA weights equivalent to commonly
/// used 0.2% of the original model weights" (the QLoRA paper, §3).
pub const ADAPTER_SHARE: f64 = 0.002;

/// Bytes per adapter parameter: trained in mixed precision with Adam, as
/// [`FULL_BYTES_PER_PARAMETER`].
pub const ADAPTER_BYTES_PER_PARAMETER: f64 = FULL_BYTES_PER_PARAMETER;

/// Sequence length of a training example, tokens: llmcap's choice, half Phi-3-mini-4k's
/// context, long enough for instruction data.
pub const TRAIN_SEQUENCE_TOKENS: u64 = 2048;

/// Activation bytes kept per token and hidden unit of one layer under full activation
/// checkpointing: the layer's 16-bit input, 2 s b h bytes. Source: Korthikanti et al. 2022,
/// "Reducing Activation Recomputation in Large Transformer Models" (arXiv:2205.05198), §4.
pub const CHECKPOINT_BYTES_PER_TOKEN_HIDDEN: f64 = 2.0;

/// Activation bytes per token and hidden unit of the one layer being recomputed: 34 s b h
/// with flash attention (the same paper's s b h (34 + 5 a s / h), without the attention
/// matrix that flash attention never stores).
pub const LAYER_BYTES_PER_TOKEN_HIDDEN: f64 = 34.0;

/// Bytes per token and vocabulary entry of the logits the loss is computed on (fp32).
pub const LOGIT_BYTES: f64 = 4.0;

/// Training FLOPs per token and parameter for full fine-tuning: 6 (2 forward, 4 backward).
/// Source: Kaplan et al. 2020, "Scaling Laws for Neural Language Models", §2.1.
pub const FULL_FLOPS_PER_TOKEN_PARAMETER: f64 = 6.0;

/// The same for LoRA and QLoRA: 4, since the frozen weights need no weight gradients (the
/// forward pass and the input gradients remain). Sources: NVIDIA NeMo's PEFT FLOPs factor
/// (1 + 1 + 0.0025) / 3 of full fine-tuning's, and lit-gpt's `frozen_ops_per_step = 2`
/// beside 3 for trained weights.
pub const ADAPTER_FLOPS_PER_TOKEN_PARAMETER: f64 = 4.0;

/// Share of the measured f32 matrix-product speed that training reaches (its model FLOPs
/// utilisation). Source: the PaLM paper (Chowdhery et al. 2022, arXiv:2204.02311, Table 3)
/// reports 21.3 % for GPT-3 and 46.2 % for PaLM of their hardware's peak; llmcap takes 0.4,
/// against the product llmcap measured rather than a data-sheet peak. Not yet measured for
/// CPU training: an assumption, marked so in `docs/benchmarks.md`.
pub const TRAINING_EFFICIENCY: f64 = 0.4;

/// f32 throughput assumed per f64 GFLOP/s where a report measured only the guide's f64
/// benchmark: a vector register holds twice as many f32 as f64 values.
pub const F32_PER_F64: f64 = 2.0;

/// Above this many hours per million training tokens, fine-tuning is `slow`: llmcap's
/// threshold, a day (a small instruction set is a few million tokens an epoch).
pub const SLOW_TRAINING_HOURS_PER_MILLION: f64 = 24.0;
