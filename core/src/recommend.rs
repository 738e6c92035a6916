//! What to install and how to run it: quantization level, install commands, batch size and
//! gradient accumulation, the guide's machine type and decision-tree branch.
//!
//! Every choice is a row of a table from the guide ("Model Quantization Options", "Memory
//! Optimization Techniques", "Recommended Setup by Machine Type", "Quick Decision Tree"), and
//! follows llmcap's own assessment ([`crate::judge`]): the level is the one the assessment
//! finds fits and runs at a useful speed, and the batch size and install lines for
//! fine-tuning are those of the method it finds best.

use crate::judge::{self, DeviceKind, InferenceFit, Method, MethodFit, Verdict};
use crate::report::{GpuType, Machine, show_number};
use serde::Serialize;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// A row of the guide's "Phi-3 Quantization Levels" table, with where to get the model.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct QuantLevel {
    /// Short id: `fp16`, `q8`, `q4`, `q3`.
    pub id: &'static str,
    /// The guide's name for the level.
    pub label: &'static str,
    /// The guide's RAM range, GiB: (low, high).
    pub ram_range_gb: (f64, f64),
    /// The guide's "Quality Impact".
    pub quality: &'static str,
    /// The guide's "Use Case".
    pub use_case: &'static str,
    /// Ollama library tag.
    pub ollama_tag: &'static str,
    /// Hugging Face repository of a GGUF file for llama.cpp.
    pub gguf_repo: &'static str,
    /// The GGUF file in that repository.
    pub gguf_file: &'static str,
    /// Where MLX on Apple Silicon gets the model.
    pub mlx: MlxSource,
}

/// How MLX gets a Phi-3 model at one level. mlx-community publishes 4-bit and 8-bit
/// conversions only; full precision loads Microsoft's own (bf16) repository, and 3-bit is
/// converted locally.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MlxSource {
    /// A published model repository.
    Repo(&'static str),
    /// Quantize the base model locally with `mlx_lm.convert` to this many bits.
    Convert {
        /// Bits per weight.
        bits: u8,
    },
}

/// The base model MLX converts from.
pub const BASE_MODEL: &str = "microsoft/Phi-3-mini-4k-instruct";

impl QuantLevel {
    /// Memory this level needs: the top of the guide's range, so the model fits with room
    /// for the operating system and the experiment's data.
    pub fn needs_gb(&self) -> f64 {
        self.ram_range_gb.1
    }
}

/// The guide's quantization table, best quality first.
pub const QUANT_LEVELS: &[QuantLevel] = &[
    QuantLevel {
        id: "fp16",
        label: "Full (FP16)",
        ram_range_gb: (8.0, 12.0),
        quality: "None",
        use_case: "Best quality",
        ollama_tag: "phi3:3.8b-mini-4k-instruct-fp16",
        gguf_repo: "microsoft/Phi-3-mini-4k-instruct-gguf",
        gguf_file: "Phi-3-mini-4k-instruct-fp16.gguf",
        mlx: MlxSource::Repo(BASE_MODEL),
    },
    QuantLevel {
        id: "q8",
        label: "8-bit",
        ram_range_gb: (4.0, 6.0),
        quality: "Minimal",
        use_case: "Good balance",
        ollama_tag: "phi3:3.8b-mini-4k-instruct-q8_0",
        gguf_repo: "bartowski/Phi-3-mini-4k-instruct-GGUF",
        gguf_file: "Phi-3-mini-4k-instruct-Q8_0.gguf",
        mlx: MlxSource::Repo("mlx-community/Phi-3-mini-4k-instruct-8bit"),
    },
    QuantLevel {
        id: "q4",
        label: "4-bit",
        ram_range_gb: (2.0, 3.0),
        quality: "Small",
        use_case: "Memory constrained",
        ollama_tag: "phi3:3.8b-mini-4k-instruct-q4_0",
        gguf_repo: "microsoft/Phi-3-mini-4k-instruct-gguf",
        gguf_file: "Phi-3-mini-4k-instruct-q4.gguf",
        mlx: MlxSource::Repo("mlx-community/Phi-3-mini-4k-instruct-4bit"),
    },
    QuantLevel {
        id: "q3",
        label: "3-bit",
        ram_range_gb: (1.5, 2.0),
        quality: "Noticeable",
        use_case: "Very limited RAM",
        ollama_tag: "phi3:3.8b-mini-4k-instruct-q3_K_M",
        gguf_repo: "bartowski/Phi-3-mini-4k-instruct-GGUF",
        gguf_file: "Phi-3-mini-4k-instruct-Q3_K_M.gguf",
        mlx: MlxSource::Convert { bits: 3 },
    },
];

/// A row of the guide's "Batch Size Adjustment": below this much training memory, this
/// batch size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BatchRule {
    /// Training memory below which the row applies, GiB.
    pub below_gb: f64,
    /// Per-step batch size.
    pub batch_size: u32,
}

/// Batch size by training memory: the guide's "Batch Size Adjustment" (`< 8` → 1, `< 16` →
/// 2, else 4).
pub const BATCH_SIZES: &[BatchRule] = &[
    BatchRule {
        below_gb: 8.0,
        batch_size: 1,
    },
    BatchRule {
        below_gb: 16.0,
        batch_size: 2,
    },
    BatchRule {
        below_gb: f64::INFINITY,
        batch_size: 4,
    },
];

/// The guide's batch size for `memory_gb` of training memory.
pub fn guide_batch_size(memory_gb: f64) -> u32 {
    BATCH_SIZES
        .iter()
        .find(|rule| memory_gb < rule.below_gb)
        .map_or(1, |rule| rule.batch_size)
}

/// Effective batch size that gradient accumulation aims for when none is given. The guide
/// leaves `desired_batch_size` open; 16 is a common fine-tuning batch for a 4B model.
pub const DEFAULT_TARGET_BATCH_SIZE: u32 = 16;

/// A row of the guide's "Recommended Setup by Machine Type".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct MachineType {
    /// The guide's heading, e.g. `Old Desktop/Laptop (4-8GB RAM)`.
    pub name: String,
    /// Role.
    pub role: String,
    /// Model.
    pub model: String,
    /// Experiments.
    pub experiments: String,
}

/// A row of the guide's "Recommended Setup by Machine Type", from the total RAM it starts at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MachineTypeRule {
    /// Total RAM from which the type applies, GiB (up to the next row's).
    pub from_ram_gb: f64,
    /// The guide's heading.
    pub name: &'static str,
    /// Role.
    pub role: &'static str,
    /// Model.
    pub model: &'static str,
    /// Experiments.
    pub experiments: &'static str,
}

/// Machine types by total RAM, lowest first.
pub const MACHINE_TYPES: &[MachineTypeRule] = &[
    MachineTypeRule {
        from_ram_gb: 0.0,
        name: "Raspberry Pi / SBC (2-4GB RAM)",
        role: "Data generation, embedding computation",
        model: "None (embeddings only)",
        experiments: "Prerequisites only",
    },
    MachineTypeRule {
        from_ram_gb: 4.0,
        name: "Old Desktop/Laptop (4-8GB RAM)",
        role: "Parameter search, retrieval testing",
        model: "Phi-3 Q4 quantized",
        experiments: "P1-P3, E0 (subset), E1 (subset)",
    },
    MachineTypeRule {
        from_ram_gb: 8.0,
        name: "Modern Laptop (8-16GB RAM)",
        role: "Full retrieval, quantized fine-tuning",
        model: "Phi-3 Q4 or Q8",
        experiments: "All except full E2",
    },
    MachineTypeRule {
        from_ram_gb: 16.0,
        name: "Desktop with GPU (16+ GB RAM)",
        role: "Full experiments, fine-tuning",
        model: "Phi-3 full precision",
        experiments: "All experiments",
    },
];

/// The branch of the guide's "Quick Decision Tree" a machine takes.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct DecisionBranch {
    /// The step's number in the guide (2-5).
    pub step: u8,
    /// Its condition, e.g. `RAM 4-8GB`.
    pub condition: String,
    /// Its advice.
    pub advice: String,
}

/// A step of the guide's "Quick Decision Tree", taken up to a total RAM.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecisionStep {
    /// The step's number in the guide (2-5).
    pub step: u8,
    /// Its condition.
    pub condition: &'static str,
    /// Its advice.
    pub advice: &'static str,
    /// The total RAM up to which the step is taken, GiB.
    pub up_to_ram_gb: f64,
    /// Whether `up_to_ram_gb` itself takes the step.
    pub inclusive: bool,
}

impl DecisionStep {
    fn takes(&self, ram_gb: f64) -> bool {
        if self.inclusive {
            ram_gb <= self.up_to_ram_gb
        } else {
            ram_gb < self.up_to_ram_gb
        }
    }
}

/// The decision tree. `RAM < 4GB` excludes 4; `RAM 8-16GB` includes 16, since the next step
/// says `> 16GB`.
pub const DECISION_TREE: &[DecisionStep] = &[
    DecisionStep {
        step: 2,
        condition: "RAM < 4GB",
        advice: "Only prerequisites with embeddings",
        up_to_ram_gb: 4.0,
        inclusive: false,
    },
    DecisionStep {
        step: 3,
        condition: "RAM 4-8GB",
        advice: "Prerequisites + E0/E1 with Q4 models",
        up_to_ram_gb: 8.0,
        inclusive: false,
    },
    DecisionStep {
        step: 4,
        condition: "RAM 8-16GB",
        advice: "All experiments with Q4/Q8 models",
        up_to_ram_gb: 16.0,
        inclusive: true,
    },
    DecisionStep {
        step: 5,
        condition: "RAM > 16GB",
        advice: "All experiments at full precision",
        up_to_ram_gb: f64::INFINITY,
        inclusive: true,
    },
];

/// The chosen quantization level and why: the assessment's inference fit.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct QuantChoice {
    /// `fp16`, `q8`, `q4` or `q3`.
    pub level: String,
    /// The guide's name.
    pub label: String,
    /// The device it runs on, e.g. `CPU` or `NVIDIA H200`.
    pub device: String,
    /// Memory the level needs there (weights, KV cache at the context, runtime), GiB.
    pub needs_gb: f64,
    /// Memory the machine has for the model, GiB.
    pub memory_gb: f64,
    /// Which memory that is: `GPU memory`, `unified memory`, `available RAM`.
    pub memory_basis: String,
    /// The guide's quality impact.
    pub quality: String,
}

/// One way to install and run the recommended model.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct InstallOption {
    /// `ollama`, `llama.cpp` or `mlx`.
    pub runtime: String,
    /// Shell commands, in order.
    pub commands: Vec<String>,
    /// Why this runtime suits the machine.
    pub why: String,
}

/// How to fine-tune: the method the assessment finds best, where, and what to install.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct FineTuning {
    /// `full`, `lora` or `qlora`.
    pub method: Method,
    /// The device it runs on.
    pub device: String,
    /// The assessment's verdict on it: `ready` or `slow`.
    pub verdict: Verdict,
    /// Hours per million training tokens, where known.
    pub hours_per_million_tokens: Option<f64>,
    /// Shell commands, in order.
    pub commands: Vec<String>,
    /// The assessment's reason.
    pub why: String,
}

/// Batch size and gradient accumulation for fine-tuning.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct BatchPlan {
    /// Per-step batch size.
    pub batch_size: u32,
    /// Steps accumulated per optimizer update: `target // batch_size`.
    pub gradient_accumulation_steps: u32,
    /// The effective batch size aimed for.
    pub target_batch_size: u32,
    /// Memory the rule read, GiB: that of the device the fine-tuning method runs on.
    pub memory_gb: f64,
    /// Which memory: `GPU memory`, `unified memory` or `available RAM`.
    pub memory_basis: String,
}

/// Everything llmcap recommends for one machine.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Recommendations {
    /// Best quantization level that fits; `None` when even 3-bit does not (embeddings only).
    pub quantization: Option<QuantChoice>,
    /// The Ollama tag to pull, when a level fits.
    pub ollama_model: Option<String>,
    /// The tag is already among Ollama's models on the machine.
    pub ollama_model_present: bool,
    /// Ways to install and run the model, best first.
    pub install: Vec<InstallOption>,
    /// Fine-tuning batch settings.
    pub batch: BatchPlan,
    /// How to fine-tune; `None` when no method fits.
    pub fine_tuning: Option<FineTuning>,
    /// The guide's machine type.
    pub machine_type: MachineType,
    /// The guide's decision-tree branch.
    pub decision: DecisionBranch,
    /// Other advice (Python missing, slow embedding test, ...).
    pub notes: Vec<String>,
}

/// Options of [`recommend`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Effective batch size for gradient accumulation.
    pub target_batch_size: u32,
    /// Context llmcap's own assessment judges inference at, tokens.
    pub context_tokens: u64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            target_batch_size: DEFAULT_TARGET_BATCH_SIZE,
            context_tokens: crate::judge::table::DEFAULT_CONTEXT_TOKENS,
        }
    }
}

/// Recommends a model, runtime and training settings for a machine.
pub fn recommend(machine: &Machine, settings: &Settings) -> Recommendations {
    let system = &machine.system;
    let fit = judge::inference_fit(machine, settings.context_tokens);
    let level = fit
        .as_ref()
        .and_then(|f| QUANT_LEVELS.iter().find(|l| l.id == f.level));
    let ollama = machine.ollama.as_ref();
    let ollama_model = level.map(|l| l.ollama_tag.to_owned());
    let ollama_model_present = match (&ollama_model, ollama) {
        (Some(tag), Some(o)) => o.models.iter().any(|m| m == tag),
        _ => false,
    };
    let install = level
        .map(|l| install_options(machine, l, ollama_model_present))
        .unwrap_or_default();
    let tuning = best_tuning(machine);
    let mut notes = Vec::new();
    if level.is_none() {
        notes.push(
            "Not enough memory for Phi-3 even at 3-bit: use this machine for data generation and embeddings."
                .to_owned(),
        );
    }
    if system.python_version.is_none() {
        notes.push("No Python found: the experiments need Python 3.10 or newer.".to_owned());
    }
    if system.gpu_type == Some(GpuType::Amd) {
        notes.push("AMD GPU: use a ROCm build of llama.cpp or PyTorch.".to_owned());
    }
    Recommendations {
        quantization: fit.as_ref().map(quant_choice),
        ollama_model,
        ollama_model_present,
        install,
        batch: batch_plan(machine, tuning.as_ref(), settings.target_batch_size),
        fine_tuning: tuning.map(fine_tuning),
        machine_type: machine_type(system.usable_ram_gb()),
        decision: decision_branch(system.usable_ram_gb()),
        notes,
    }
}

/// What memory a device's kind runs a model in.
fn memory_basis(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Cuda | DeviceKind::Rocm => "GPU memory",
        DeviceKind::Apple => "unified memory",
        DeviceKind::Cpu => "available RAM",
    }
}

fn quant_choice(fit: &InferenceFit) -> QuantChoice {
    let quality = QUANT_LEVELS
        .iter()
        .find(|l| l.id == fit.level)
        .map_or("", |l| l.quality);
    QuantChoice {
        level: fit.level.to_owned(),
        label: fit.label.to_owned(),
        device: fit.device.clone(),
        needs_gb: fit.needs_gib,
        memory_gb: fit.has_gib,
        memory_basis: memory_basis(fit.kind).to_owned(),
        quality: quality.to_owned(),
    }
}

fn ollama_install_command(platform: Option<&str>) -> &'static str {
    match platform {
        Some("Darwin") => "brew install ollama  # or the app from https://ollama.com/download",
        Some("Windows") => "winget install --id Ollama.Ollama",
        _ => "curl -fsSL https://ollama.com/install.sh | sh",
    }
}

fn install_options(machine: &Machine, level: &QuantLevel, present: bool) -> Vec<InstallOption> {
    let system = &machine.system;
    let installed = machine.ollama.as_ref().is_some_and(|o| o.installed);
    let mut ollama_commands = Vec::new();
    if !installed {
        ollama_commands.push(ollama_install_command(system.platform.as_deref()).to_owned());
    }
    if !present {
        ollama_commands.push(format!("ollama pull {}", level.ollama_tag));
    }
    ollama_commands.push(format!("ollama run {} \"Hello\"", level.ollama_tag));
    let ollama = InstallOption {
        runtime: "ollama".to_owned(),
        commands: ollama_commands,
        why: if present {
            "Ollama already has this model.".to_owned()
        } else {
            "Ollama is the guide's recommendation for CPU machines.".to_owned()
        },
    };
    let cuda = system.gpu_type == Some(GpuType::Nvidia);
    let pip = if cuda {
        "CMAKE_ARGS=\"-DGGML_CUDA=on\" pip install llama-cpp-python"
    } else {
        "pip install llama-cpp-python"
    };
    let llama_cpp = InstallOption {
        runtime: "llama.cpp".to_owned(),
        commands: vec![
            pip.to_owned(),
            format!(
                "wget https://huggingface.co/{}/resolve/main/{}",
                level.gguf_repo, level.gguf_file
            ),
        ],
        why: if cuda {
            "GGUF with CUDA offload: the guide's advice for NVIDIA GPUs.".to_owned()
        } else {
            "GGUF runs on CPU with partial GPU offload.".to_owned()
        },
    };
    let mlx = (system.gpu_type == Some(GpuType::AppleSilicon)).then(|| {
        let mut commands = vec!["pip install mlx-lm".to_owned()];
        let model = match level.mlx {
            MlxSource::Repo(repo) => repo.to_owned(),
            MlxSource::Convert { bits } => {
                let folder = format!("phi3-mini-{bits}bit");
                commands.push(format!(
                    "mlx_lm.convert --model {BASE_MODEL} -q --q-bits {bits} --mlx-path {folder}"
                ));
                folder
            }
        };
        commands.push(format!(
            "mlx_lm.generate --model {model} --prompt \"Hello\""
        ));
        InstallOption {
            runtime: "mlx".to_owned(),
            commands,
            why: "MLX is the guide's choice for Apple Silicon.".to_owned(),
        }
    });
    match (mlx, cuda) {
        (Some(mlx), _) => vec![mlx, ollama, llama_cpp],
        (None, true) => vec![llama_cpp, ollama],
        (None, false) => vec![ollama, llama_cpp],
    }
}

/// The memory fine-tuning runs in when no method fits: the largest discrete GPU, else
/// available RAM.
fn training_memory(machine: &Machine) -> (f64, &'static str) {
    match machine.system.largest_vram_gb() {
        Some(vram) => (vram, "GPU memory"),
        None => (machine.system.ram_available_gb, "available RAM"),
    }
}

/// The best method's batch size on its device, else the guide's rule on the training memory.
fn batch_plan(machine: &Machine, tuning: Option<&MethodFit>, target: u32) -> BatchPlan {
    let (batch_size, memory_gb, basis) = batch_basis(machine, tuning);
    BatchPlan {
        batch_size,
        gradient_accumulation_steps: accumulation_steps(target, batch_size),
        target_batch_size: target,
        memory_gb,
        memory_basis: basis.to_owned(),
    }
}

/// The per-step batch size of [`recommend`]'s [`BatchPlan`], without the rest of the
/// recommendations: what the planner reads of each report. `fits` holds each method's fit
/// (every one of [`Method::ALL`], in its order), worked out once by the caller.
pub(crate) fn batch_size_of(machine: &Machine, fits: &[MethodFit]) -> u32 {
    batch_basis(
        machine,
        usable(judge::best_fit(fits.iter().cloned())).as_ref(),
    )
    .0
}

/// Steps accumulated per optimizer update for an effective batch of `target`: the guide's
/// `target // batch_size`, at least 1.
pub fn accumulation_steps(target: u32, batch_size: u32) -> u32 {
    (target / batch_size.max(1)).max(1)
}

/// The fine-tuning method the assessment finds best, among those that fit.
fn best_tuning(machine: &Machine) -> Option<MethodFit> {
    usable(judge::fine_tune_fit(machine, &Method::ALL))
}

/// The fit, unless the method does not fit.
fn usable(fit: Option<MethodFit>) -> Option<MethodFit> {
    fit.filter(|f| f.verdict != Verdict::DoesNotFit)
}

/// The batch size, and the memory it was chosen for and which memory that is.
fn batch_basis(machine: &Machine, tuning: Option<&MethodFit>) -> (u32, f64, &'static str) {
    match tuning.and_then(|f| Some((f, f.kind?))) {
        Some((fit, kind)) => (fit.batch_size, fit.has_gib, memory_basis(kind)),
        None => {
            let (memory_gb, basis) = training_memory(machine);
            (guide_batch_size(memory_gb), memory_gb, basis)
        }
    }
}

/// Packages for fine-tuning with Hugging Face's PEFT and TRL, after PyTorch for the device.
const PEFT_PACKAGES: &str = "pip install transformers peft trl";

/// PyTorch's install line by device: its CPU and ROCm wheels come from PyTorch's own index
/// (pytorch.org's "Get started" selector); CUDA's and macOS's are the default wheels on PyPI.
fn torch_install(kind: DeviceKind) -> &'static str {
    match kind {
        DeviceKind::Cuda | DeviceKind::Apple => "pip install torch",
        DeviceKind::Rocm => {
            "pip install torch --index-url https://download.pytorch.org/whl/rocm6.2"
        }
        DeviceKind::Cpu => "pip install torch --index-url https://download.pytorch.org/whl/cpu",
    }
}

/// The commands that set up `fit`: MLX's own LoRA trainer on Apple Silicon (4-bit weights
/// make it QLoRA, `--fine-tune-type full` trains every weight), else PyTorch with PEFT,
/// adding bitsandbytes for QLoRA's 4-bit base.
fn fine_tune_commands(fit: &MethodFit, kind: DeviceKind) -> Vec<String> {
    if kind == DeviceKind::Apple {
        let model = match fit.method {
            Method::Qlora => "mlx-community/Phi-3-mini-4k-instruct-4bit",
            Method::Full | Method::Lora => BASE_MODEL,
        };
        let full = if fit.method == Method::Full {
            " --fine-tune-type full"
        } else {
            ""
        };
        return vec![
            "pip install mlx-lm".to_owned(),
            format!(
                "mlx_lm.lora --model {model} --train --data ./data --batch-size {}{full}",
                fit.batch_size
            ),
        ];
    }
    let mut peft = PEFT_PACKAGES.to_owned();
    if fit.method == Method::Qlora {
        peft.push_str(" bitsandbytes");
    }
    vec![torch_install(kind).to_owned(), peft]
}

fn fine_tuning(fit: MethodFit) -> FineTuning {
    let kind = fit.kind.unwrap_or(DeviceKind::Cpu);
    FineTuning {
        method: fit.method,
        device: fit.device.clone().unwrap_or_default(),
        verdict: fit.verdict,
        hours_per_million_tokens: fit.hours_per_million_tokens,
        commands: fine_tune_commands(&fit, kind),
        why: judge::fit_reason(&fit),
    }
}

fn machine_type(ram_gb: f64) -> MachineType {
    let row = MACHINE_TYPES
        .iter()
        .rev()
        .find(|row| ram_gb >= row.from_ram_gb)
        .unwrap_or(&MACHINE_TYPES[0]);
    MachineType {
        name: row.name.to_owned(),
        role: row.role.to_owned(),
        model: row.model.to_owned(),
        experiments: row.experiments.to_owned(),
    }
}

fn decision_branch(ram_gb: f64) -> DecisionBranch {
    let row = DECISION_TREE
        .iter()
        .find(|step| step.takes(ram_gb))
        .unwrap_or(&DECISION_TREE[DECISION_TREE.len() - 1]);
    DecisionBranch {
        step: row.step,
        condition: row.condition.to_owned(),
        advice: row.advice.to_owned(),
    }
}

/// A one-line summary, e.g. `4-bit via ollama: ollama pull phi3:...`.
pub fn summary(rec: &Recommendations) -> String {
    match (&rec.quantization, rec.install.first()) {
        (Some(q), Some(first)) => format!(
            "Phi-3-mini {} on the {} ({} GB of {}) via {}",
            q.label,
            q.device,
            show_number(q.memory_gb),
            q.memory_basis,
            first.runtime
        ),
        _ => "embeddings only".to_owned(),
    }
}

#[cfg(test)]
mod tests;
