//! Plans generated fleets of 1,000, 10,000 and 100,000 llmcap reports, parsing included.
//!
//! Run: `cargo bench -p llmcap-core --bench plan`; `scripts/bench-plan.sh` prints the
//! 100k time and the 100k/10k ratio. Reports are built as `Report`s, classified, and written
//! pretty-printed the way `llmcap probe` writes them (GPU list, Ollama, embedding test, tool);
//! about 1% are older reports of a host that also has a newer one.

// A benchmark's generator may stop on its own bugs.
#![allow(clippy::expect_used)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use llmcap_core::plan::{PlanOptions, ReportFile, plan_files, plan_json};
use llmcap_core::report::{
    Benchmark, DateTime, Embedding, EmbeddingStatus, Gpu, GpuType, Hostname, Machine, Ollama,
    Report, System, Tool,
};
use llmcap_core::{SCHEMA_VERSION, classify};
use std::hint::black_box;

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// A varied but deterministic machine: index `i` picks RAM, disk, GPU and speed.
fn machine(i: usize) -> Machine {
    let ram = [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0][i % 7];
    let available = ram * [0.55, 0.7, 0.85][i % 3];
    let gpu = i.is_multiple_of(5).then(|| Gpu {
        vendor: "nvidia".into(),
        name: [
            "NVIDIA GeForce RTX 3060",
            "NVIDIA A100-SXM4-80GB",
            "NVIDIA H200",
        ][i % 3]
            .into(),
        vram_total_mib: Some([12288, 81920, 143771][i % 3]),
        vram_free_mib: Some([11000, 80000, 143156][i % 3]),
        driver: Some("580.159.04".into()),
        unified_memory: false,
        source: Some("nvml".into()),
    });
    let gflops = 2.0 + (i * 7919 % 1000) as f64 / 5.0;
    Machine {
        system: System {
            platform: Some("Linux".into()),
            processor: Some("x86_64".into()),
            architecture: Some("x86_64".into()),
            python_version: Some("3.11.7".into()),
            cpu_count: [2, 4, 8, 16, 64][i % 5],
            cpu_count_physical: Some([2, 4, 8, 16, 32][i % 5]),
            ram_gb: ram,
            ram_available_gb: (available * 100.0_f64).round() / 100.0,
            disk_free_gb: [4.0, 12.0, 40.0, 250.0, 900.0][i % 5],
            gpu: gpu
                .as_ref()
                .map(|g| format!("{}, {} MiB", g.name, g.vram_total_mib.unwrap_or(0))),
            gpu_type: gpu.as_ref().map(|_| GpuType::Nvidia),
            os: Some("Debian GNU/Linux 12 (bookworm)".into()),
            kernel: Some("6.1.0-28-amd64".into()),
            cpu_brand: Some("AMD EPYC 7B13".into()),
            ram_available_host_gb: Some(available),
            memory_limit_gb: None,
            disk_path: Some("/home/user/llmcap".into()),
            disk_mount: Some("/".into()),
            gpus: gpu.into_iter().collect(),
        },
        benchmark: Benchmark {
            matrix_mult_time: Some(200.0 / gflops * 1.3),
            operations_per_second: Some(gflops / 2.6),
            status: llmcap_core::report::BenchmarkStatus::Success,
            gflops: (!i.is_multiple_of(11)).then_some(gflops),
            seconds_per_product_median: Some(2.0 / gflops),
            seconds_per_round_median: Some(2.6 / gflops),
            rounds: Some(40),
            matrix_size: Some(1000),
            threads: Some(4),
            budget_seconds: Some(2.0),
        },
        ollama: Some(Ollama {
            installed: true,
            version: Some("0.13.0".into()),
            host: Some("http://127.0.0.1:11434".into()),
            server_reachable: i.is_multiple_of(2),
            models: vec!["phi3:3.8b-mini-4k-instruct-q4_0".into()],
        }),
        embedding: Some(Embedding {
            status: EmbeddingStatus::Success,
            model: Some("sentence-transformers/all-MiniLM-L6-v2".into()),
            load_seconds: Some(0.11),
            encode_seconds: Some(0.4),
            sentences: Some(100),
            sentences_per_second: Some(250.0),
            tokens: Some(1600),
            threads: Some(4),
            peak_rss_mib: Some(190.0),
            memory_needed_mib: Some(120.0),
            max_abs_error: Some(1e-6),
            ..Embedding::skipped("")
        }),
        performance: None,
    }
}

/// `n` report files; about 1% are older reports of a host that has a newer one.
fn fleet(n: usize) -> Vec<(String, Vec<u8>)> {
    (0..n)
        .map(|i| {
            let machine = machine(i);
            let host = if i % 100 == 99 { i - 1 } else { i };
            let assessment = classify(&machine);
            let report = Report {
                schema_version: Some(SCHEMA_VERSION),
                tool: Some(Tool {
                    name: "llmcap".into(),
                    version: "0.1.0".into(),
                    target: Some("x86_64-unknown-linux-gnu".into()),
                }),
                timestamp: DateTime {
                    year: 2026,
                    month: 11,
                    day: 1 + (i % 28) as u8,
                    hour: 10,
                    minute: 0,
                    second: 0,
                },
                timestamp_utc: None,
                hostname: Hostname::parse(&format!("node-{host:06}")).expect("a valid name"),
                machine,
                capabilities: assessment.capabilities,
                warnings: Vec::new(),
            };
            let text = serde_json::to_vec_pretty(&report).expect("serializable");
            (format!("capability_report_{i:06}.json"), text)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let options = PlanOptions {
        e0_configs: Some(1_000_000),
        ..PlanOptions::default()
    };
    let mut group = c.benchmark_group("plan");
    group.sample_size(20);
    for n in SIZES {
        // Real input arrives fresh from disk. Cycling through copies that total the largest
        // fleet keeps the small fleets from being planned out of a warm cache, which would
        // make them look cheaper per report than they are.
        let fleet = fleet(n);
        let copies: Vec<Vec<(String, Vec<u8>)>> =
            (0..(SIZES[2] / n).max(1)).map(|_| fleet.clone()).collect();
        let refs: Vec<Vec<ReportFile<'_>>> = copies
            .iter()
            .map(|files| {
                files
                    .iter()
                    .map(|(name, bytes)| ReportFile::new(name, bytes))
                    .collect()
            })
            .collect();
        group.throughput(Throughput::Elements(n as u64));
        let mut next = 0;
        group.bench_function(BenchmarkId::new("parse+plan", n), |b| {
            b.iter(|| {
                next = (next + 1) % refs.len();
                plan_files(black_box(&refs[next]), &options)
            })
        });
        if n == SIZES[2] {
            let plan = plan_files(&refs[0], &options);
            group.bench_with_input(BenchmarkId::new("json", n), &plan, |b, plan| {
                b.iter(|| plan_json(black_box(plan)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
