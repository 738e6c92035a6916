//! llmcap's own assessment, beside the guide's verdict and never in its place: does
//! Phi-3-mini fit for inference, and how fast; which fine-tuning method (full, LoRA, QLoRA)
//! fits on which device, and how long a million training tokens take; one verdict per phase
//! (`ready`, `slow`, `does not fit`) with the numbers behind it; and one line wherever this
//! disagrees with the guide. Every constant is in [`table`], with its source.

pub mod table;

use crate::num::round1;
use crate::recommend::{BATCH_SIZES, QUANT_LEVELS, Recommendations, guide_batch_size};
use crate::report::{GpuType, Machine, Phase};
use crate::rules::PHASE_RULES;
use crate::speed::fleet::{On, device_speed};
use crate::speed::table::{GPU_RESERVED_BYTES, PHI3_MINI, ollama_type};
use crate::speed::{gpus, round3, show};
use serde::Serialize;
use table::*;

/// What a phase's verdict is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Verdict {
    /// It fits and runs at a useful speed.
    Ready,
    /// It fits, but runs slower than the threshold in [`table`].
    Slow,
    /// It does not fit in any device's memory, or no device supports it.
    DoesNotFit,
}

impl Verdict {
    /// Better first: ready 0, slow 1, does not fit 2.
    fn rank(self) -> u8 {
        match self {
            Verdict::Ready => 0,
            Verdict::Slow => 1,
            Verdict::DoesNotFit => 2,
        }
    }

    /// `ready`, `slow`, `does not fit`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ready => "ready",
            Verdict::Slow => "slow",
            Verdict::DoesNotFit => "does not fit",
        }
    }
}

/// A fine-tuning method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Method {
    /// Every weight trained, Adam in mixed precision.
    Full,
    /// Low-rank adapters on a 16-bit frozen model.
    Lora,
    /// Low-rank adapters on a 4-bit frozen model.
    Qlora,
}

impl Method {
    /// Every method, the most memory first.
    pub const ALL: [Method; 3] = [Method::Full, Method::Lora, Method::Qlora];

    /// `full fine-tuning`, `LoRA`, `QLoRA`.
    pub fn name(self) -> &'static str {
        match self {
            Method::Full => "full fine-tuning",
            Method::Lora => "LoRA",
            Method::Qlora => "QLoRA",
        }
    }
}

/// What runs the work.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum DeviceKind {
    /// An NVIDIA GPU (CUDA).
    Cuda,
    /// An AMD GPU (ROCm).
    Rocm,
    /// Apple Silicon's GPU (Metal, MLX), in unified memory.
    Apple,
    /// The CPU, in RAM.
    Cpu,
}

impl DeviceKind {
    /// Whether `method` runs here: QLoRA's 4-bit kernels (bitsandbytes) need CUDA, and MLX
    /// does QLoRA on Apple Silicon; bitsandbytes on ROCm is experimental, so not counted;
    /// the CPU runs every method, slowly.
    fn supports(self, method: Method) -> bool {
        !(self == DeviceKind::Rocm && method == Method::Qlora)
    }
}

/// One device's memory and compute, as the assessment sees it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Device {
    kind: DeviceKind,
    name: String,
    /// For inference: free memory; for training: all of it.
    free_bytes: u64,
    total_bytes: u64,
    /// Its matrix-product speed for training, GFLOP/s, and where that figure comes from.
    gflops: Option<(f64, ComputeBasis)>,
}

impl Device {
    fn on_gpu(&self) -> bool {
        matches!(self.kind, DeviceKind::Cuda | DeviceKind::Rocm)
    }

    fn speed_of(&self) -> On<'_> {
        match self.kind {
            DeviceKind::Cpu => On::Cpu,
            kind => On::Gpu {
                name: &self.name,
                unified: kind == DeviceKind::Apple,
            },
        }
    }
}

/// Where a training-time figure's compute comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ComputeBasis {
    /// The CPU's f32 matrix product, measured by the probe.
    Measured,
    /// The CPU's f32 speed estimated from the guide's f64 benchmark ([`F32_PER_F64`]).
    Estimated,
    /// The GPU's published dense 16-bit tensor peak ([`crate::speed::gpus::GPU_SPECS`]).
    Table,
}

impl ComputeBasis {
    /// How a reason cites it.
    fn phrase(self) -> &'static str {
        match self {
            ComputeBasis::Measured => "from the measured f32 speed",
            ComputeBasis::Estimated => "estimated from the f64 benchmark",
            ComputeBasis::Table => "from the GPU's published 16-bit peak",
        }
    }
}

/// Where Phi-3-mini runs best for inference: on the first device (GPUs first) where a level
/// fits, the most precise level that is not slow, or the fastest when every one is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InferenceFit {
    /// The guide's level id (`q4`) and name (`4-bit`).
    pub level: &'static str,
    /// The level's name.
    pub label: &'static str,
    /// The device, e.g. `CPU` or `NVIDIA H200`.
    pub device: String,
    /// Its kind.
    pub kind: DeviceKind,
    /// Memory needed (weights, KV cache at the context, runtime), GiB.
    pub needs_gib: f64,
    /// Memory free there, GiB.
    pub has_gib: f64,
    /// Generation tokens a second, where known.
    pub tok_s: Option<f64>,
    /// Where that speed comes from.
    pub basis: Option<&'static str>,
}

/// One fine-tuning method on its best device.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodFit {
    /// The method.
    pub method: Method,
    /// The verdict.
    pub verdict: Verdict,
    /// The device chosen (or the one that came closest), when any supports the method.
    pub device: Option<String>,
    /// Its kind.
    pub kind: Option<DeviceKind>,
    /// Sequences a step: the guide's batch size for the device's memory, lowered until the
    /// method fits there.
    pub batch_size: u32,
    /// Memory needed at that batch size, GiB.
    pub needs_gib: f64,
    /// Memory the device has, GiB.
    pub has_gib: f64,
    /// Hours per million training tokens from the device's compute, where known.
    pub hours_per_million_tokens: Option<f64>,
    /// Where the compute behind the hours comes from.
    pub compute: Option<ComputeBasis>,
}

/// The verdict on one phase, with its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseJudgement {
    /// The phase.
    pub phase: Phase,
    /// The verdict.
    pub verdict: Verdict,
    /// The numbers behind it, in words.
    pub why: String,
}

/// llmcap's assessment of one machine.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    /// Context of the inference fit, tokens.
    pub context_tokens: u64,
    /// The best inference fit, `None` when no level fits anywhere.
    pub inference: Option<InferenceFit>,
    /// Each fine-tuning method.
    pub methods: Vec<MethodFit>,
    /// One verdict per phase, in the guide's order.
    pub phases: Vec<PhaseJudgement>,
    /// Where this disagrees with the guide, one line each.
    pub disagreements: Vec<String>,
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

fn gib(bytes: f64) -> f64 {
    (bytes / GIB * 100.0).round() / 100.0
}

/// Judges `machine` at `context_tokens` of context; `rec` gives the guide's machine type,
/// and `grants` the stored verdict, by [`Phase::ALL`].
pub fn judge(
    machine: &Machine,
    rec: &Recommendations,
    grants: [bool; 4],
    context_tokens: u64,
) -> Judgement {
    let devices = devices(machine);
    let inference = inference_fit_on(machine, &devices, context_tokens);
    let methods = method_fits(&devices).to_vec();
    let phases = phase_judgements(machine, inference.as_ref(), &methods, context_tokens);
    let disagreements = disagreements(machine, rec, grants, &phases);
    Judgement {
        context_tokens,
        inference,
        methods,
        phases,
        disagreements,
    }
}

/// The best of `methods` on `machine`: ready before slow before does not fit, a GPU before
/// the CPU, then known hours before unknown, then the fewest. What the planner ranks E2
/// machines by, and what the recommendations' fine-tuning follows.
pub fn fine_tune_fit(machine: &Machine, methods: &[Method]) -> Option<MethodFit> {
    let devices = devices(machine);
    best_fit(methods.iter().map(|&m| method_fit(m, &devices)))
}

/// The best of `fits` by [`fit_order`]; of equally good ones, the first.
pub(crate) fn best_fit(fits: impl IntoIterator<Item = MethodFit>) -> Option<MethodFit> {
    fits.into_iter().min_by(|a, b| {
        fit_order(a)
            .partial_cmp(&fit_order(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    })
}

/// How good a fit is, smaller first: verdict, then the CPU after any GPU, then a time
/// unknown after one known, then hours.
pub fn fit_order(fit: &MethodFit) -> (u8, bool, bool, f64) {
    let on_cpu = fit.kind.is_none_or(|k| k == DeviceKind::Cpu);
    let hours = fit.hours_per_million_tokens;
    (
        fit.verdict.rank(),
        on_cpu,
        hours.is_none(),
        hours.unwrap_or(0.0),
    )
}

/// GPUs first (the most memory first), then the CPU.
pub(crate) fn devices(machine: &Machine) -> Vec<Device> {
    let system = &machine.system;
    let ram = system.ram_available_bytes();
    let mut devices: Vec<Device> = system
        .gpu_memory()
        .into_iter()
        .map(|g| {
            let kind = match (g.unified, g.vendor) {
                (true, _) => DeviceKind::Apple,
                (false, "amd") => DeviceKind::Rocm,
                _ => DeviceKind::Cuda,
            };
            let (total, free) = if g.unified {
                (ram, ram)
            } else {
                let total = g.total_bytes.unwrap_or(0);
                (total, g.free_bytes.unwrap_or(total))
            };
            let peak = gpus::lookup(g.name).and_then(|spec| spec.bf16_tflops);
            Device {
                kind,
                name: g.name.to_owned(),
                free_bytes: free,
                total_bytes: total,
                gflops: peak.map(|t| (t * 1000.0, ComputeBasis::Table)),
            }
        })
        .collect();
    // The guide's reports name Apple's GPU only by `gpu_type`.
    if system.gpus.is_empty() && system.gpu_type == Some(GpuType::AppleSilicon) {
        devices.push(Device {
            kind: DeviceKind::Apple,
            name: "Apple Silicon GPU".to_owned(),
            free_bytes: ram,
            total_bytes: ram,
            gflops: None,
        });
    }
    devices.sort_by_key(|d| std::cmp::Reverse(d.total_bytes));
    devices.push(Device {
        kind: DeviceKind::Cpu,
        name: "CPU".to_owned(),
        free_bytes: ram,
        total_bytes: ram,
        gflops: cpu_f32_gflops(machine),
    });
    devices
}

/// Memory inference at `level` needs on a device of `kind`, bytes: the weights (Ollama's
/// GGUF file of the level), the f16 KV cache at `context` tokens, and the runtime's own.
pub fn inference_bytes(level: &str, context: u64, on_gpu: bool) -> Option<u64> {
    let weights = ollama_type(level)?.spec().file_bytes;
    let runtime = if on_gpu {
        GPU_RESERVED_BYTES
    } else {
        CPU_RUNTIME_BYTES
    };
    Some(weights + PHI3_MINI.kv_bytes_per_token() * context + runtime)
}

/// Where Phi-3-mini runs best on `machine` at `context` tokens: see [`InferenceFit`].
pub fn inference_fit(machine: &Machine, context: u64) -> Option<InferenceFit> {
    inference_fit_on(machine, &devices(machine), context)
}

/// [`inference_fit`] on `machine`'s [`devices`], worked out once by the caller.
pub(crate) fn inference_fit_on(
    machine: &Machine,
    devices: &[Device],
    context: u64,
) -> Option<InferenceFit> {
    devices
        .iter()
        .find_map(|device| fit_on(machine, device, context))
}

/// The most precise level that fits on `device` and is not slow; when every one that fits
/// is slow, the last (the fastest). Speeds are computed a level at a time, as needed.
fn fit_on(machine: &Machine, device: &Device, context: u64) -> Option<InferenceFit> {
    let mut slow = None;
    for level in QUANT_LEVELS {
        let Some(needs) = inference_bytes(level.id, context, device.on_gpu()) else {
            continue;
        };
        if needs > device.free_bytes {
            continue;
        }
        let speed = device_speed(machine, device.speed_of(), level.id);
        let fit = InferenceFit {
            level: level.id,
            label: level.label,
            device: device.name.clone(),
            kind: device.kind,
            needs_gib: gib(needs as f64),
            has_gib: gib(device.free_bytes as f64),
            tok_s: speed.map(|(t, _)| t),
            basis: speed.map(|(_, b)| b.as_str()),
        };
        if speed.is_none_or(|(t, _)| t >= SLOW_GENERATION_TOK_S) {
            return Some(fit);
        }
        slow = Some(fit);
    }
    slow
}

/// Memory a method needs at `batch` sequences of [`TRAIN_SEQUENCE_TOKENS`], bytes, on a
/// GPU when `on_gpu` (which adds the runtime's reserve).
pub fn training_bytes(method: Method, batch: u64, on_gpu: bool) -> f64 {
    let n = PHI3_MINI.parameters() as f64;
    let outer = 2.0 * PHI3_MINI.embedding_parameters() as f64;
    let adapters = ADAPTER_SHARE * n * ADAPTER_BYTES_PER_PARAMETER;
    let weights = match method {
        Method::Full => FULL_BYTES_PER_PARAMETER * n,
        Method::Lora => LORA_BASE_BYTES_PER_PARAMETER * n + adapters,
        Method::Qlora => {
            QLORA_BASE_BYTES_PER_PARAMETER * (n - outer)
                + LORA_BASE_BYTES_PER_PARAMETER * outer
                + adapters
        }
    };
    let tokens = (TRAIN_SEQUENCE_TOKENS * batch) as f64;
    let hidden = PHI3_MINI.hidden as f64;
    let activations = tokens * hidden * CHECKPOINT_BYTES_PER_TOKEN_HIDDEN * PHI3_MINI.layers as f64
        + tokens * hidden * LAYER_BYTES_PER_TOKEN_HIDDEN
        + tokens * PHI3_MINI.vocab as f64 * LOGIT_BYTES;
    let reserve = if on_gpu {
        GPU_RESERVED_BYTES as f64
    } else {
        0.0
    };
    weights + activations + reserve
}

/// Hours per million training tokens on a device whose matrix products run at `gflops`,
/// at [`TRAINING_EFFICIENCY`] of it.
pub fn training_hours_per_million(method: Method, gflops: f64) -> Option<f64> {
    let per_parameter = match method {
        Method::Full => FULL_FLOPS_PER_TOKEN_PARAMETER,
        Method::Lora | Method::Qlora => ADAPTER_FLOPS_PER_TOKEN_PARAMETER,
    };
    let flops = per_parameter * PHI3_MINI.parameters() as f64 * 1e6;
    (gflops.is_finite() && gflops > 0.0)
        .then(|| flops / (gflops * 1e9 * TRAINING_EFFICIENCY) / 3600.0)
}

/// The CPU's f32 GFLOP/s: measured, else the f64 benchmark's times [`F32_PER_F64`].
fn cpu_f32_gflops(machine: &Machine) -> Option<(f64, ComputeBasis)> {
    let measured = machine
        .performance
        .as_ref()
        .and_then(|p| p.compute.as_ref()?.f32_gflops)
        .map(|g| (g, ComputeBasis::Measured));
    measured.or_else(|| {
        let f64_gflops = machine.benchmark.effective_gflops()?;
        Some((f64_gflops * F32_PER_F64, ComputeBasis::Estimated))
    })
}

/// The batch size `method` trains at on `device`: the guide's for the device's memory,
/// halved until the method fits; `None` when it does not fit even one sequence a step.
fn batch_on(method: Method, device: &Device) -> Option<u32> {
    let memory_gb = device.total_bytes as f64 / GIB;
    let guide = guide_batch_size(memory_gb);
    BATCH_SIZES
        .iter()
        .map(|rule| rule.batch_size)
        .filter(|&b| b <= guide)
        .filter(|&b| {
            training_bytes(method, u64::from(b), device.on_gpu()) <= device.total_bytes as f64
        })
        .max()
}

/// Each of [`Method::ALL`]'s fits on `devices`, in that order.
pub(crate) fn method_fits(devices: &[Device]) -> [MethodFit; 3] {
    Method::ALL.map(|m| method_fit(m, devices))
}

/// How `method` fits on the first of `devices` (in [`devices`]' order) that supports it and
/// holds it, else on the largest that supports it.
fn method_fit(method: Method, devices: &[Device]) -> MethodFit {
    let supported = || devices.iter().filter(|d| d.kind.supports(method));
    let fits = supported().find_map(|d| Some((d, batch_on(method, d)?)));
    let Some((device, batch)) = fits.or_else(|| {
        let closest = supported().max_by_key(|d| d.total_bytes)?;
        Some((closest, 1))
    }) else {
        return MethodFit {
            method,
            verdict: Verdict::DoesNotFit,
            device: None,
            kind: None,
            batch_size: 1,
            needs_gib: gib(training_bytes(method, 1, true)),
            has_gib: 0.0,
            hours_per_million_tokens: None,
            compute: None,
        };
    };
    let timed = device
        .gflops
        .and_then(|(g, basis)| Some((training_hours_per_million(method, g)?, basis)));
    let verdict = match (fits.is_some(), timed) {
        (false, _) => Verdict::DoesNotFit,
        (true, Some((h, _))) if h > SLOW_TRAINING_HOURS_PER_MILLION => Verdict::Slow,
        (true, _) => Verdict::Ready,
    };
    MethodFit {
        method,
        verdict,
        device: Some(device.name.clone()),
        kind: Some(device.kind),
        batch_size: batch,
        needs_gib: gib(training_bytes(method, u64::from(batch), device.on_gpu())),
        has_gib: gib(device.total_bytes as f64),
        hours_per_million_tokens: timed.map(|(h, _)| round3(h)),
        compute: timed.map(|(_, basis)| basis),
    }
}

fn phase_judgements(
    machine: &Machine,
    inference: Option<&InferenceFit>,
    methods: &[MethodFit],
    context: u64,
) -> Vec<PhaseJudgement> {
    let phase = |phase, (verdict, why)| PhaseJudgement {
        phase,
        verdict,
        why,
    };
    vec![
        phase(Phase::Prerequisites, prerequisites(machine)),
        phase(Phase::E0E1, inference_verdict(inference, context)),
        phase(Phase::E2Full, best_of(&methods[..2])),
        phase(Phase::E2Quantized, best_of(&methods[2..])),
    ]
}

/// The embedding model and its data need about 0.5 GiB; the embedding test's own figure
/// where it measured one.
fn prerequisites(machine: &Machine) -> (Verdict, String) {
    let needs_mib = machine
        .embedding
        .as_ref()
        .and_then(|e| e.memory_needed_mib)
        .unwrap_or(512.0);
    let has = machine.system.ram_available_gb;
    let verdict = if has * 1024.0 >= needs_mib {
        Verdict::Ready
    } else {
        Verdict::DoesNotFit
    };
    let why = format!(
        "the embedding model needs ≈ {} GB, {has} GB available",
        round1(needs_mib / 1024.0).max(0.1)
    );
    (verdict, why)
}

fn inference_verdict(fit: Option<&InferenceFit>, context: u64) -> (Verdict, String) {
    let Some(fit) = fit else {
        return (
            Verdict::DoesNotFit,
            format!("Phi-3-mini does not fit even at 3-bit with a {context}-token context"),
        );
    };
    let speed = match (fit.tok_s, fit.basis) {
        (Some(t), Some(basis)) => format!(", ≈ {} tok/s ({basis})", show(t)),
        _ => String::new(),
    };
    let why = format!(
        "Phi-3-mini {} on the {} ({} of {} GB at a {context}-token context){speed}",
        fit.label, fit.device, fit.needs_gib, fit.has_gib
    );
    let verdict = match fit.tok_s {
        Some(t) if t < SLOW_GENERATION_TOK_S => Verdict::Slow,
        _ => Verdict::Ready,
    };
    (verdict, why)
}

/// The best verdict among `methods`, and its reason.
fn best_of(methods: &[MethodFit]) -> (Verdict, String) {
    let Some(best) = methods.iter().min_by_key(|m| m.verdict.rank()) else {
        return (Verdict::DoesNotFit, "no method".to_owned());
    };
    (best.verdict, fit_reason(best))
}

/// The reason a fit gives, e.g. `LoRA on the CPU fits at batch 4 (10.51 of 22.8 GB), ≈ 53 h
/// per million training tokens (from the measured f32 speed)`.
pub fn fit_reason(m: &MethodFit) -> String {
    let Some(device) = &m.device else {
        return format!("{} needs a CUDA GPU or Apple Silicon", m.method.name());
    };
    let time = match (m.hours_per_million_tokens, m.compute) {
        (Some(h), Some(basis)) => format!(
            ", ≈ {} h per million training tokens ({})",
            show(h),
            basis.phrase()
        ),
        _ if m.kind != Some(DeviceKind::Cpu) => {
            ", time unknown (no published compute figure for this GPU)".to_owned()
        }
        _ => ", time unknown (no compute figure)".to_owned(),
    };
    let fit = if m.verdict == Verdict::DoesNotFit {
        "does not fit".to_owned()
    } else {
        format!("fits at batch {}", m.batch_size)
    };
    format!(
        "{} on the {device} {fit} ({} of {} GB){time}",
        m.method.name(),
        m.needs_gib,
        m.has_gib
    )
}

/// The guide's rule for `phase` in words: `its rule of 12 GB available RAM and 15 GB free
/// disk`.
fn guide_rule(phase: Phase) -> String {
    PHASE_RULES.iter().find(|r| r.phase == phase).map_or_else(
        || "its rule".to_owned(),
        |r| {
            format!(
                "its rule of {} GB available RAM and {} GB free disk",
                r.min_ram_available_gb, r.min_disk_free_gb
            )
        },
    )
}

fn disagreements(
    machine: &Machine,
    rec: &Recommendations,
    grants: [bool; 4],
    phases: &[PhaseJudgement],
) -> Vec<String> {
    let mut lines: Vec<String> = Phase::ALL
        .iter()
        .zip(grants)
        .zip(phases)
        .filter_map(|((phase, granted), judged)| {
            // The guide grants quantized E2 only where it does not grant full E2.
            let instead_of_full = *phase == Phase::E2Quantized && grants[2];
            match (granted, judged.verdict) {
                (true, Verdict::Ready) | (false, Verdict::DoesNotFit) => None,
                (false, _) if instead_of_full => None,
                (true, v) => Some(format!(
                    "The guide grants {} ({}); llmcap finds it {}: {}.",
                    phase.title(),
                    guide_rule(*phase),
                    v.as_str(),
                    judged.why
                )),
                (false, v) => Some(format!(
                    "The guide does not grant {}; llmcap finds it {}: {}.",
                    phase.title(),
                    v.as_str(),
                    judged.why
                )),
            }
        })
        .collect();
    let promises_gpu = rec.machine_type.name.contains("GPU");
    if promises_gpu && machine.system.gpus.is_empty() && machine.system.gpu.is_none() {
        lines.push(format!(
            "The guide's machine type, \"{}\", is chosen by RAM alone: this machine has no GPU.",
            rec.machine_type.name
        ));
    }
    lines
}

#[cfg(test)]
mod tests;
