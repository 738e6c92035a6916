//! Constructed fleets for the plan tests: report files built from a few parameters, in
//! llmcap's format or the guide's, with the verdict the guide's rules give.

use llmcap_core::plan::{Plan, PlanOptions, ReportFile, Strategy, plan_files};
use llmcap_core::{classify, parse_report};
use serde_json::{Value, json};

/// One machine's report, described by what the plan reads.
#[derive(Debug, Clone)]
pub struct Spec {
    pub host: String,
    pub ram_available_gb: f64,
    pub disk_free_gb: f64,
    /// Measured GFLOP/s (llmcap format only).
    pub gflops: Option<f64>,
    /// The guide's benchmark time; `None` when the benchmark was skipped.
    pub matrix_mult_time: Option<f64>,
    /// A discrete NVIDIA GPU's memory, MiB.
    pub vram_mib: Option<u64>,
    pub arch: &'static str,
    pub timestamp: String,
    pub timestamp_utc: Option<String>,
    /// Written as the guide's script writes it, rather than as llmcap does.
    pub guide_format: bool,
    /// `[prerequisites, e0_e1, e2_full, e2_quantized]` instead of the guide's verdict.
    pub verdict: Option<[bool; 4]>,
}

pub fn spec(host: &str, ram_available_gb: f64) -> Spec {
    Spec {
        host: host.to_owned(),
        ram_available_gb,
        disk_free_gb: 100.0,
        gflops: Some(20.0),
        matrix_mult_time: Some(10.0),
        vram_mib: None,
        arch: "x86_64",
        timestamp: "2026-11-27 10:00:00".to_owned(),
        timestamp_utc: None,
        guide_format: false,
        verdict: None,
    }
}

impl Spec {
    pub fn disk(mut self, gb: f64) -> Self {
        self.disk_free_gb = gb;
        self
    }
    pub fn gflops(mut self, gflops: Option<f64>) -> Self {
        self.gflops = gflops;
        self
    }
    pub fn time(mut self, seconds: Option<f64>) -> Self {
        self.matrix_mult_time = seconds;
        self
    }
    pub fn gpu(mut self, mib: u64) -> Self {
        self.vram_mib = Some(mib);
        self
    }
    pub fn arm(mut self) -> Self {
        self.arch = "aarch64";
        self
    }
    pub fn at(mut self, local: &str) -> Self {
        self.timestamp = local.to_owned();
        self
    }
    pub fn utc(mut self, utc: &str) -> Self {
        self.timestamp_utc = Some(utc.to_owned());
        self
    }
    pub fn guide(mut self) -> Self {
        self.guide_format = true;
        self
    }
    pub fn verdict(mut self, verdict: [bool; 4]) -> Self {
        self.verdict = Some(verdict);
        self
    }

    /// The report file's text.
    pub fn json(&self) -> String {
        let mut doc = if self.guide_format {
            self.guide_json()
        } else {
            self.llmcap_json()
        };
        doc["capabilities"] = self.capabilities(&doc);
        serde_json::to_string_pretty(&doc).expect("serializable")
    }

    /// The file name the guide's script looks for.
    pub fn file_name(&self) -> String {
        format!("capability_report_{}.json", self.host)
    }

    fn ram_gb(&self) -> f64 {
        (self.ram_available_gb * 1.25 * 100.0).round() / 100.0
    }

    fn guide_json(&self) -> Value {
        let gpu = self
            .vram_mib
            .map(|mib| format!("NVIDIA Test GPU, {mib} MiB"));
        json!({
            "timestamp": self.timestamp,
            "hostname": self.host,
            "system": {
                "platform": "Linux", "processor": "", "architecture": self.arch,
                "python_version": "3.11.7", "cpu_count": 4, "cpu_count_physical": 4,
                "ram_gb": self.ram_gb(), "ram_available_gb": self.ram_available_gb,
                "disk_free_gb": self.disk_free_gb, "gpu": gpu,
                "gpu_type": self.vram_mib.map(|_| "nvidia"),
            },
            "benchmark": {
                "matrix_mult_time": self.matrix_mult_time,
                "operations_per_second": self.matrix_mult_time.map(|t| 100.0 / t),
            },
        })
    }

    fn llmcap_json(&self) -> Value {
        let gpus: Vec<Value> = self
            .vram_mib
            .map(|mib| {
                json!({"vendor": "nvidia", "name": "NVIDIA Test GPU", "vram_total_mib": mib,
                       "vram_free_mib": mib, "driver": "580.159.04", "unified_memory": false,
                       "source": "nvml"})
            })
            .into_iter()
            .collect();
        let mut doc = json!({
            "timestamp": self.timestamp,
            "hostname": self.host,
            "system": {
                "platform": "Linux", "architecture": self.arch, "cpu_count": 4,
                "cpu_count_physical": 4, "ram_gb": self.ram_gb(),
                "ram_available_gb": self.ram_available_gb, "disk_free_gb": self.disk_free_gb,
                "gpu": self.vram_mib.map(|mib| format!("NVIDIA Test GPU, {mib} MiB")),
                "gpu_type": self.vram_mib.map(|_| "nvidia"), "os": "Debian GNU/Linux 12",
                "gpus": gpus,
            },
            "benchmark": {
                "matrix_mult_time": self.matrix_mult_time,
                "operations_per_second": self.matrix_mult_time.map(|t| 100.0 / t),
                "gflops": self.gflops,
            },
            "schema_version": 1,
            "tool": {"name": "llmcap", "version": "0.1.0"},
            "ollama": {"installed": false, "server_reachable": false, "models": []},
            "embedding": {"status": "skip", "reason": "--skip-embedding"},
        });
        if let Some(utc) = &self.timestamp_utc {
            doc["timestamp_utc"] = json!(utc);
        }
        doc
    }

    /// The given verdict, or the one the guide's rules give on these facts.
    fn capabilities(&self, doc: &Value) -> Value {
        if let Some([p, e, f, q]) = self.verdict {
            return json!({"prerequisites": p, "e0_e1": e, "e2_full": f, "e2_quantized": q,
                          "model_recommendations": []});
        }
        let mut probe = doc.clone();
        probe["capabilities"] = json!({"prerequisites": false, "e0_e1": false,
                                        "e2_full": false, "e2_quantized": false});
        let report = parse_report("spec.json", probe.to_string().as_bytes())
            .unwrap_or_else(|e| panic!("a constructed report must be valid: {e}"));
        let caps = classify(&report.machine).capabilities;
        json!({
            "prerequisites": caps.prerequisites, "e0_e1": caps.e0_e1,
            "e2_full": caps.e2_full, "e2_quantized": caps.e2_quantized,
            "model_recommendations": caps.model_recommendations, "notes": caps.notes,
        })
    }
}

/// A Raspberry Pi 4 with 4 GB: prerequisites only.
pub fn raspberry_pi(host: &str) -> Spec {
    spec(host, 3.2)
        .disk(25.0)
        .arm()
        .gflops(Some(2.5))
        .time(Some(95.0))
}

/// Files named as the guide's script expects.
pub fn files(specs: &[Spec]) -> Vec<(String, String)> {
    specs.iter().map(|s| (s.file_name(), s.json())).collect()
}

pub fn plan(files: &[(String, String)], options: &PlanOptions) -> Plan {
    let refs: Vec<ReportFile<'_>> = files
        .iter()
        .map(|(name, text)| ReportFile {
            name,
            bytes: text.as_bytes(),
        })
        .collect();
    plan_files(&refs, options)
}

pub fn with(strategy: Strategy) -> PlanOptions {
    PlanOptions {
        strategy,
        ..PlanOptions::default()
    }
}

/// `(machine, experiment)` of each entry of a phase.
pub fn who(list: &[llmcap_core::plan::Assignment]) -> Vec<(String, &'static str)> {
    list.iter()
        .map(|a| (a.machine.clone(), a.experiment.as_str()))
        .collect()
}

/// The guide's keys of a phase, as the guide's script writes them.
pub fn guide_keys(list: &[llmcap_core::plan::Assignment]) -> Value {
    list.iter()
        .map(|a| json!({"machine": a.machine, "experiment": a.experiment.as_str(), "parallel": a.parallel}))
        .collect()
}
