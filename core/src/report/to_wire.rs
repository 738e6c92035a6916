//! From a validated [`Report`] back to the wire form: what the probe writes and the page's
//! merged download holds.

use super::wire::{
    RawBenchmark, RawCapabilities, RawEmbedding, RawGpu, RawOllama, RawReport, RawSystem, RawTool,
};
use super::{Benchmark, Capabilities, Embedding, Ollama, Report, System};

impl Report {
    /// The wire form of this report, without the written-only `checks` and
    /// `recommendations` (the probe adds those).
    pub fn to_raw(&self) -> RawReport {
        let m = &self.machine;
        RawReport {
            timestamp: Some(self.timestamp.to_string()),
            hostname: Some(self.hostname.as_str().to_owned()),
            system: Some(system_to_raw(&m.system)),
            benchmark: Some(benchmark_to_raw(&m.benchmark)),
            capabilities: Some(RawCapabilities::from(&self.capabilities)),
            schema_version: self.schema_version.map(u64::from),
            tool: self.tool.as_ref().map(|t| RawTool {
                name: Some(t.name.clone()),
                version: Some(t.version.clone()),
                target: t.target.clone(),
            }),
            timestamp_utc: self.timestamp_utc.map(|t| {
                let mut s = t.to_string();
                s.replace_range(10..11, "T");
                s.push('Z');
                s
            }),
            ollama: m.ollama.as_ref().map(ollama_to_raw),
            embedding: m.embedding.as_ref().map(RawEmbedding::from),
            checks: Default::default(),
            recommendations: None,
            warnings: self.warnings.clone(),
        }
    }
}

fn system_to_raw(s: &System) -> RawSystem {
    RawSystem {
        platform: s.platform.clone(),
        processor: s.processor.clone(),
        architecture: s.architecture.clone(),
        python_version: s.python_version.clone(),
        cpu_count: Some(u64::from(s.cpu_count)),
        cpu_count_physical: s.cpu_count_physical.map(u64::from),
        ram_gb: Some(s.ram_gb),
        ram_available_gb: Some(s.ram_available_gb),
        disk_free_gb: Some(s.disk_free_gb),
        gpu: s.gpu.clone(),
        gpu_type: s.gpu_type.as_ref().map(|t| t.as_str().to_owned()),
        os: s.os.clone(),
        kernel: s.kernel.clone(),
        cpu_brand: s.cpu_brand.clone(),
        ram_available_host_gb: s.ram_available_host_gb,
        memory_limit_gb: s.memory_limit_gb,
        disk_path: s.disk_path.clone(),
        disk_mount: s.disk_mount.clone(),
        gpus: s
            .gpus
            .iter()
            .map(|g| RawGpu {
                vendor: Some(g.vendor.clone()),
                name: Some(g.name.clone()),
                vram_total_mib: g.vram_total_mib,
                vram_free_mib: g.vram_free_mib,
                driver: g.driver.clone(),
                unified_memory: Some(g.unified_memory),
                source: g.source.clone(),
            })
            .collect(),
    }
}

fn benchmark_to_raw(b: &Benchmark) -> RawBenchmark {
    RawBenchmark {
        matrix_mult_time: b.matrix_mult_time,
        operations_per_second: b.operations_per_second,
        status: Some(
            if b.matrix_mult_time.is_some() {
                "success"
            } else {
                "skip"
            }
            .to_owned(),
        ),
        gflops: b.gflops,
        seconds_per_product_median: b.seconds_per_product_median,
        seconds_per_round_median: b.seconds_per_round_median,
        rounds: b.rounds,
        matrix_size: b.matrix_size,
        threads: b.threads,
        budget_seconds: b.budget_seconds,
    }
}

impl From<&Capabilities> for RawCapabilities {
    fn from(c: &Capabilities) -> RawCapabilities {
        RawCapabilities {
            prerequisites: Some(c.prerequisites),
            e0_e1: Some(c.e0_e1),
            e2_full: Some(c.e2_full),
            e2_quantized: Some(c.e2_quantized),
            model_recommendations: c.model_recommendations.clone(),
            notes: c.notes.clone(),
        }
    }
}

fn ollama_to_raw(o: &Ollama) -> RawOllama {
    RawOllama {
        installed: Some(o.installed),
        version: o.version.clone(),
        host: o.host.clone(),
        server_reachable: Some(o.server_reachable),
        models: o.models.clone(),
    }
}

impl From<&Embedding> for RawEmbedding {
    fn from(e: &Embedding) -> RawEmbedding {
        RawEmbedding {
            status: Some(e.status.as_str().to_owned()),
            reason: e.reason.clone(),
            model: e.model.clone(),
            model_path: e.model_path.clone(),
            load_seconds: e.load_seconds,
            encode_seconds: e.encode_seconds,
            sentences: e.sentences,
            sentences_per_second: e.sentences_per_second,
            tokens: e.tokens,
            threads: e.threads,
            peak_rss_mib: e.peak_rss_mib,
            memory_needed_mib: e.memory_needed_mib,
            max_abs_error: e.max_abs_error,
        }
    }
}
