use super::*;
use serde_json::json;

const EPYC: &str = include_str!("../../../tests/fixtures/seed-reports/epyc-2core.json");
const H200: &str = include_str!("../../../tests/fixtures/seed-reports/h200-16core-offline.json");

/// A report: host, available RAM, verdict `[prerequisites, e0_e1, e2_full, e2_quantized]`,
/// measured GFLOP/s, GPU memory in MiB, local time.
pub(super) fn report(
    host: &str,
    ram: f64,
    verdict: [bool; 4],
    gflops: Option<f64>,
    vram_mib: Option<u64>,
    time: &str,
) -> String {
    let gpus: Vec<_> = vram_mib
        .map(|mib| json!({"vendor": "nvidia", "name": "GPU", "vram_total_mib": mib}))
        .into_iter()
        .collect();
    json!({
        "schema_version": 1,
        "timestamp": time,
        "hostname": host,
        "system": {"cpu_count": 4, "ram_gb": ram + 1.0, "ram_available_gb": ram,
                   "disk_free_gb": 100.0, "gpus": gpus},
        "benchmark": {"matrix_mult_time": 5.0, "gflops": gflops},
        "capabilities": {"prerequisites": verdict[0], "e0_e1": verdict[1],
                         "e2_full": verdict[2], "e2_quantized": verdict[3]},
    })
    .to_string()
}

pub(super) const T: &str = "2026-11-27 10:00:00";
pub(super) const FULL: [bool; 4] = [true, true, true, false];
const QUANT: [bool; 4] = [true, true, false, true];
pub(super) const E0: [bool; 4] = [true, true, false, false];
const PRE: [bool; 4] = [true, false, false, false];
const NONE: [bool; 4] = [false; 4];

fn plan_of(files: &[(&str, String)], options: &PlanOptions) -> Plan {
    let files: Vec<ReportFile<'_>> = files
        .iter()
        .map(|(name, text)| ReportFile::new(name, text.as_bytes()))
        .collect();
    plan_files(&files, options)
}

pub(super) fn balanced(files: &[(&str, String)]) -> Plan {
    plan_of(files, &PlanOptions::default())
}

fn seed(files: &[(&str, String)]) -> Plan {
    plan_of(
        files,
        &PlanOptions {
            strategy: Strategy::Seed,
            ..PlanOptions::default()
        },
    )
}

fn who(list: &[Assignment]) -> Vec<(&str, &str)> {
    list.iter()
        .map(|a| (a.machine.as_str(), a.experiment.as_str()))
        .collect()
}

#[test]
fn the_real_reports_share_a_hostname_and_the_newest_is_kept() {
    let plan = balanced(&[("h200.json", H200.into()), ("epyc.json", EPYC.into())]);
    assert_eq!(plan.machines.len(), 1);
    assert_eq!(
        plan.machines[0].file, "epyc.json",
        "03:04:16 is newer than 03:02:47"
    );
    assert_eq!(plan.replaced.len(), 1);
    let r = &plan.replaced[0];
    assert_eq!(
        (r.file.as_str(), r.kept_file.as_str()),
        ("h200.json", "epyc.json")
    );
    assert_eq!(
        (r.timestamp.as_str(), r.kept_timestamp.as_str()),
        ("2026-11-27 03:02:47", "2026-11-27 03:04:16")
    );
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("vm: kept") && w.contains("h200.json")),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn an_equal_report_in_another_layout_is_a_duplicate_not_a_replacement() {
    let compact = report("a", 8.0, E0, Some(10.0), None, T);
    let pretty =
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(&compact).unwrap())
            .unwrap();
    let plan = balanced(&[("b.json", pretty), ("a.json", compact)]);
    assert_eq!(plan.machines.len(), 1);
    assert_eq!(
        plan.machines[0].file, "a.json",
        "a tie goes to the first name"
    );
    assert!(plan.replaced.is_empty());
    assert_eq!(plan.duplicates.len(), 1);
    assert_eq!(plan.duplicates[0].file, "b.json");
    assert_eq!(plan.duplicates[0].duplicate_of, "a.json");
}

#[test]
fn utc_decides_when_every_report_of_the_host_has_it() {
    // Local time went back an hour (daylight saving) while UTC went forward.
    let with_utc = |local: &str, utc: &str, ram: f64| {
        let mut v: serde_json::Value =
            serde_json::from_str(&report("a", ram, E0, None, None, local)).unwrap();
        v["timestamp_utc"] = json!(utc);
        v.to_string()
    };
    let older = with_utc("2026-10-25 02:30:00", "2026-10-25T00:30:00Z", 8.0);
    let newer = with_utc("2026-10-25 02:10:00", "2026-10-25T01:10:00Z", 9.0);
    let plan = balanced(&[("1.json", older.clone()), ("2.json", newer)]);
    assert_eq!(plan.machines[0].file, "2.json");
    assert_eq!(plan.replaced[0].timestamp, "2026-10-25T00:30:00Z");
    // Without UTC on one of them, local time decides.
    let local_only = report("a", 9.0, E0, None, None, "2026-10-25 02:10:00");
    let plan = balanced(&[("1.json", older), ("2.json", local_only)]);
    assert_eq!(plan.machines[0].file, "1.json");
}

#[test]
fn rejected_files_do_not_stop_the_others() {
    let plan = balanced(&[
        ("good.json", report("a", 8.0, E0, Some(10.0), None, T)),
        ("bad.json", "{\"hostname\": 42}".into()),
        ("empty.json", String::new()),
    ]);
    assert_eq!(plan.machines.len(), 1);
    let errors: Vec<&str> = plan.rejected.iter().map(|r| r.error.as_str()).collect();
    assert!(
        errors[0].starts_with("bad.json: field `hostname`"),
        "{errors:?}"
    );
    assert!(errors[1].starts_with("empty.json: "), "{errors:?}");
    assert!(
        plan.warnings[0].ends_with("reports: 2 of 3 (see `rejected`)"),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn the_guides_gpu_text_counts_as_gpu_memory() {
    let h200 = report_system(H200);
    assert_eq!(
        guide_gpu_memory_gb(&h200).map(|g| (g * 10.0).round()),
        Some(1404.0)
    );
    let mut two = h200.clone();
    two.gpu = Some("GeForce GTX 1080, 8192 MiB\nNVIDIA A100, 81920 MiB".into());
    assert_eq!(guide_gpu_memory_gb(&two), Some(80.0));
    two.gpu = Some("Apple Silicon (Neural Engine available)".into());
    assert_eq!(guide_gpu_memory_gb(&two), None);
}

fn report_system(json: &str) -> crate::report::System {
    crate::report::parse_report("r.json", json.as_bytes())
        .unwrap()
        .machine
        .system
}

#[test]
fn balanced_runs_prerequisites_on_the_lowest_capable_tier() {
    let plan = balanced(&[
        ("a.json", report("big", 64.0, FULL, Some(100.0), None, T)),
        ("b.json", report("mid", 8.0, QUANT, Some(20.0), None, T)),
    ]);
    assert_eq!(who(&plan.phase1), [("mid", "prerequisites")]);
    assert!(plan.phase1[0].reason.contains("tier 2"));
    // The guide leaves phase 1 empty here, and says why.
    let guide = seed(&[
        ("a.json", report("big", 64.0, FULL, Some(100.0), None, T)),
        ("b.json", report("mid", 8.0, QUANT, Some(20.0), None, T)),
    ]);
    assert!(guide.phase1.is_empty());
    assert!(
        guide
            .warnings
            .iter()
            .any(|w| w.starts_with("phase1 is empty"))
    );
}

#[test]
fn balanced_shares_e0_by_generation_speed_across_tiers_2_and_3() {
    let options = PlanOptions {
        e0_configs: Some(10),
        ..PlanOptions::default()
    };
    let plan = plan_of(
        &[
            ("a.json", report("big", 64.0, FULL, Some(60.0), None, T)),
            ("b.json", report("mid", 8.0, E0, Some(30.0), None, T)),
            ("c.json", report("pi", 3.5, PRE, Some(1.0), None, T)),
        ],
        &options,
    );
    let shares: Vec<_> = plan
        .phase2
        .iter()
        .map(|a| (a.machine.as_str(), a.share_percent, a.configs))
        .collect();
    assert_eq!(
        shares,
        [
            // Twice mid's compute: big runs 4-bit at ≈ 6.0 tok/s (8-bit, at 4.2, would be slow
            // there); every level is slow on mid, so it runs the fastest, 3-bit, at 3.28 tok/s.
            ("big", Some(65), Some(ConfigRange { start: 0, end: 7 })),
            ("mid", Some(35), Some(ConfigRange { start: 7, end: 10 })),
            ("pi", None, None),
        ]
    );
    assert_eq!(plan.phase2[2].experiment, Experiment::DataGeneration);
}

#[test]
fn a_missing_benchmark_counts_as_the_median_with_a_warning() {
    let mut no_bench: serde_json::Value =
        serde_json::from_str(&report("c", 8.0, E0, None, None, T)).unwrap();
    no_bench["benchmark"] = json!({"matrix_mult_time": null});
    let plan = balanced(&[
        ("a.json", report("a", 8.0, E0, Some(10.0), None, T)),
        ("b.json", report("b", 8.0, E0, Some(30.0), None, T)),
        ("c.json", no_bench.to_string()),
    ]);
    let shares: Vec<_> = plan.phase2.iter().map(|a| a.share_percent).collect();
    assert_eq!(shares, [Some(17), Some(50), Some(33)]);
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("no speed in the reports of c") && w.contains("2.19 tok/s")),
        "{:?}",
        plan.warnings
    );
}

#[test]
fn e2_goes_to_the_most_gpu_memory_then_ram_then_compute() {
    let plan = balanced(&[
        ("a.json", report("ram", 120.0, FULL, Some(500.0), None, T)),
        (
            "b.json",
            report("gpu", 14.0, FULL, Some(50.0), Some(24576), T),
        ),
        ("c.json", report("q", 7.0, QUANT, Some(10.0), None, T)),
        ("d.json", report("e0", 5.5, E0, Some(10.0), None, T)),
    ]);
    assert_eq!(
        who(&plan.phase3),
        [
            ("gpu", "e2_full"),
            ("ram", "e2_evaluation"),
            ("q", "e2_evaluation")
        ]
    );
    assert!(!plan.phase3[0].parallel && plan.phase3[1].parallel);
    let tie = balanced(&[
        ("a.json", report("b-host", 16.0, FULL, Some(50.0), None, T)),
        ("b.json", report("a-host", 16.0, FULL, Some(50.0), None, T)),
    ]);
    assert_eq!(tie.phase3[0].machine, "a-host", "ties go to the host name");
}

#[test]
fn e2_never_goes_to_a_machine_that_cannot_run_it() {
    let files = [
        ("a.json", report("e0-only", 5.5, E0, Some(10.0), None, T)),
        ("b.json", report("pi", 3.2, PRE, Some(1.0), None, T)),
    ];
    let plan = balanced(&files);
    assert!(plan.phase3.is_empty());
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.starts_with("phase3 is empty"))
    );
    // The guide's fallback does, and the seed plan warns about it.
    let guide = seed(&files);
    assert_eq!(who(&guide.phase3), [("e0-only", "e2_quantized")]);
    assert!(guide.warnings.iter().any(|w| w.contains("cannot run E2")));
}

#[test]
fn machines_that_can_run_nothing_are_excluded_with_the_reason() {
    let plan = balanced(&[("a.json", report("tiny", 1.5, NONE, None, None, T))]);
    assert_eq!(plan.reports_used(), 1);
    assert_eq!(plan.excluded.len(), 1);
    assert!(
        plan.excluded[0].reason.contains("3 GB of available RAM")
            && plan.excluded[0].reason.contains("it has 1.5 GB"),
        "{}",
        plan.excluded[0].reason
    );
    assert_eq!(plan.warnings.len(), 4, "{:?}", plan.warnings);
}

#[test]
fn assignments_carry_model_batch_and_reason() {
    let plan = balanced(&[
        (
            "a.json",
            report("big", 64.0, FULL, Some(60.0), Some(24576), T),
        ),
        ("c.json", report("pi", 3.5, PRE, Some(1.0), None, T)),
    ]);
    let pre = &plan.phase1[0];
    assert_eq!(pre.model.as_deref(), Some(EMBEDDING_MODEL));
    let e2 = &plan.phase3[0];
    assert_eq!(e2.model.as_deref(), Some("phi3:3.8b-mini-4k-instruct-fp16"));
    assert_eq!((e2.batch_size, e2.gradient_accumulation_steps), (4, 4));
    for a in plan.phase1.iter().chain(&plan.phase2).chain(&plan.phase3) {
        assert!(!a.reason.is_empty() && !a.reason.contains('\n'), "{a:?}");
    }
}

#[test]
fn json_starts_with_the_guides_keys_and_is_stable() {
    let files = [
        ("a.json", report("big", 64.0, FULL, Some(60.0), None, T)),
        ("c.json", report("pi", 3.5, PRE, Some(1.0), None, T)),
    ];
    let text = plan_json(&balanced(&files));
    assert!(
        text.starts_with("{\n  \"phase1\": [\n    {\n      \"machine\": \"pi\",\n      \"experiment\": \"prerequisites\",\n      \"parallel\": true,"),
        "{text}"
    );
    assert!(text.ends_with("}\n"));
    let reversed = [files[1].clone(), files[0].clone()];
    assert_eq!(plan_json(&balanced(&reversed)), text);
    let top_keys: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(
        top_keys,
        [
            "phase1",
            "phase2",
            "phase3",
            "strategy",
            "options",
            "tiers",
            "machines",
            "excluded",
            "rejected",
            "duplicates",
            "replaced",
            "warnings"
        ]
    );
}

#[test]
fn text_has_a_table_per_phase_and_escapes_file_names() {
    let plan = balanced(&[
        ("a.json", report("big", 64.0, FULL, Some(60.0), None, T)),
        ("evil\u{1b}[2J.json", "not json".into()),
    ]);
    let text = render_text(&plan);
    for heading in [
        "Phase 1:",
        "Phase 2:",
        "Phase 3:",
        "Rejected (1)",
        "Warnings (",
    ] {
        assert!(text.contains(heading), "{heading} in\n{text}");
    }
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("evil\\u{1b}[2J.json"), "{text}");
}

#[test]
fn strategies_parse_from_their_names() {
    assert_eq!("seed".parse(), Ok(Strategy::Seed));
    assert_eq!("balanced".parse(), Ok(Strategy::Balanced));
    let err = "fast".parse::<Strategy>().unwrap_err().to_string();
    assert!(
        err.contains("\"fast\"") && err.contains("balanced"),
        "{err}"
    );
}

#[test]
fn folders_never_reach_the_plan() {
    let text = report("a", 8.0, E0, Some(10.0), None, T);
    let via_paths = balanced(&[
        ("/home/me/reports/a.json", text.clone()),
        ("C:\\Users\\me\\bad.json", "[]".into()),
    ]);
    let via_names = balanced(&[("a.json", text), ("bad.json", "[]".into())]);
    assert_eq!(plan_json(&via_paths), plan_json(&via_names));
    assert!(!plan_json(&via_paths).contains("home"));
}

#[test]
fn e1_on_a_machine_whose_embedding_test_failed_is_warned_about() {
    let with_embedding = |host: &str, status: &str| {
        let mut v: serde_json::Value =
            serde_json::from_str(&report(host, 8.0, E0, Some(10.0), None, T)).unwrap();
        v["embedding"] = json!({"status": status, "reason": "model output does not match"});
        v.to_string()
    };
    let plan = balanced(&[
        ("a.json", with_embedding("a", "fail")),
        ("b.json", with_embedding("b", "skip")),
        ("c.json", with_embedding("c", "success")),
    ]);
    let doubts: Vec<&String> = plan
        .warnings
        .iter()
        .filter(|w| w.contains("assigned E1 retrieval"))
        .collect();
    assert_eq!(doubts.len(), 1, "{:?}", plan.warnings);
    assert!(
        doubts[0].starts_with("a: assigned E1 retrieval, but its embedding test failed: "),
        "{doubts:?}"
    );
}

#[test]
fn the_plan_takes_reports_and_names_each_machines_input() {
    let texts = [
        ("b.json", report("beta", 20.0, FULL, Some(50.0), None, T)),
        ("a.json", report("alpha", 8.0, E0, Some(10.0), None, T)),
        ("a-copy.json", report("alpha", 8.0, E0, Some(10.0), None, T)),
        (
            "old.json",
            report("beta", 20.0, FULL, Some(50.0), None, "2026-01-01 00:00:00"),
        ),
    ];
    let reports: Vec<Report> = texts
        .iter()
        .map(|(name, text)| crate::report::parse_report(name, text.as_bytes()).unwrap())
        .collect();
    let inputs: Vec<Input> = texts
        .iter()
        .zip(&reports)
        .map(|((file, _), report)| Input::new(*file, report))
        .collect();
    let plan = plan(&inputs, &PlanOptions::default());
    for machine in &plan.machines {
        assert_eq!(inputs[machine.input].file, machine.file);
        assert_eq!(inputs[machine.input].hostname(), machine.hostname);
    }
    assert_eq!(plan.duplicates.len(), 1);
    assert_eq!(
        inputs[plan.duplicates[0].input].file,
        plan.duplicates[0].file
    );
    assert_eq!(inputs[plan.replaced[0].input].file, "old.json");
    // The same reports in another order give the same plan, inputs renumbered.
    let reversed: Vec<Input> = inputs.iter().rev().cloned().collect();
    assert_eq!(
        plan_json(&super::plan(&reversed, &PlanOptions::default())),
        plan_json(&plan)
    );
    // And the same plan as the files they came from.
    let files: Vec<ReportFile<'_>> = texts
        .iter()
        .map(|(name, text)| ReportFile::new(name, text.as_bytes()))
        .collect();
    assert_eq!(
        plan_json(&plan_files(&files, &PlanOptions::default())),
        plan_json(&plan)
    );
}

#[test]
fn host_names_that_differ_only_in_case_are_one_host() {
    let plan = balanced(&[
        ("a.json", report("GOOD-EPYC", 8.0, E0, Some(10.0), None, T)),
        (
            "b.json",
            report(
                "good-epyc",
                8.0,
                E0,
                Some(10.0),
                None,
                "2026-11-28 10:00:00",
            ),
        ),
    ]);
    let hosts: Vec<&str> = plan.machines.iter().map(|m| m.hostname.as_str()).collect();
    assert_eq!(hosts, ["good-epyc"], "the newer report is kept");
    assert_eq!(plan.replaced.len(), 1);
    assert_eq!(plan.replaced[0].hostname, "GOOD-EPYC");
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("kept the newest report b.json")),
        "{:?}",
        plan.warnings
    );
}

/// The page's example fleet: the guide's H200 report, an RTX 4090 desktop, a Mac, and
/// CPU-only machines.
fn example_fleet() -> Vec<(&'static str, String)> {
    [
        (
            "cloud-epyc",
            include_str!("../../../www/examples/capability_report_cloud-epyc.json"),
        ),
        (
            "gpu-desktop",
            include_str!("../../../www/examples/capability_report_gpu-desktop.json"),
        ),
        (
            "gpu-h200",
            include_str!("../../../www/examples/capability_report_gpu-h200.json"),
        ),
        (
            "lab-pi",
            include_str!("../../../www/examples/capability_report_lab-pi.json"),
        ),
        (
            "mac-m2",
            include_str!("../../../www/examples/capability_report_mac-m2.json"),
        ),
        (
            "old-thinkpad",
            include_str!("../../../www/examples/capability_report_old-thinkpad.json"),
        ),
    ]
    .into_iter()
    .map(|(name, text)| (name, text.to_owned()))
    .collect()
}

#[test]
fn the_example_fleets_e0_follows_generation_speed_and_the_h200_leads() {
    let plan = balanced(&example_fleet());
    let shares: Vec<(&str, u32)> = plan
        .phase2
        .iter()
        .filter_map(|a| Some((a.machine.as_str(), a.share_percent?)))
        .collect();
    let share = |host: &str| shares.iter().find(|(h, _)| *h == host).map(|(_, s)| *s);
    let (h200, desktop) = (share("gpu-h200").unwrap(), share("gpu-desktop").unwrap());
    assert!(h200 > desktop, "{shares:?}");
    for (host, s) in &shares {
        if !host.starts_with("gpu-") {
            assert!(*s < desktop, "{host} {s} vs {shares:?}");
        }
    }
    let h200_reason = &plan
        .phase2
        .iter()
        .find(|a| a.machine == "gpu-h200")
        .unwrap()
        .reason;
    assert!(
        h200_reason.contains("on NVIDIA H200, estimated"),
        "{h200_reason}"
    );
    assert!(
        plan.warnings
            .iter()
            .any(|w| w.contains("no measured speed in the reports of")),
        "{:?}",
        plan.warnings
    );
}

mod speed_properties {
    use super::*;
    use proptest::prelude::*;

    fn shares(plan: &Plan) -> Vec<(String, u32)> {
        let mut shares: Vec<(String, u32)> = plan
            .phase2
            .iter()
            .filter_map(|a| Some((a.machine.clone(), a.share_percent?)))
            .collect();
        shares.sort();
        shares
    }

    /// Machines `m0`, `m1`, ... with `ram` GB available, the verdict `verdict` and these
    /// GFLOP/s.
    fn fleet_of(ram: f64, verdict: [bool; 4], gflops: &[f64]) -> Vec<(String, String)> {
        gflops
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let host = format!("m{i}");
                (
                    format!("{host}.json"),
                    report(&host, ram, verdict, Some(*g), None, T),
                )
            })
            .collect()
    }

    /// Machines that can run E0 (8 GB available), by GFLOP/s.
    fn fleet(gflops: &[f64]) -> Vec<(String, String)> {
        fleet_of(8.0, E0, gflops)
    }

    /// Machines that can run E2 at full precision (16 GB available), by GFLOP/s.
    fn e2_fleet(gflops: &[f64]) -> Vec<(String, String)> {
        fleet_of(16.0, FULL, gflops)
    }

    /// Phi-3-mini's generation speed at the level a report's machine is recommended.
    fn speed_of(json: &str) -> f64 {
        let machine = crate::report::parse_report("m.json", json.as_bytes())
            .unwrap()
            .machine;
        let settings = crate::recommend::Settings::default();
        let level = crate::recommend::recommend(&machine, &settings)
            .quantization
            .unwrap()
            .level;
        crate::speed::fleet::generation_speed(&machine, &level)
            .unwrap()
            .tok_s
    }

    fn plan_fleet_with(files: &[(String, String)], options: &PlanOptions) -> Plan {
        let borrowed: Vec<(&str, String)> =
            files.iter().map(|(n, t)| (n.as_str(), t.clone())).collect();
        plan_of(&borrowed, options)
    }

    fn plan_fleet(files: &[(String, String)]) -> Plan {
        plan_fleet_with(files, &PlanOptions::default())
    }

    fn makespans(files: &[(String, String)]) -> (Option<f64>, Option<f64>) {
        let options = PlanOptions {
            e0_configs: Some(200),
            tokens_per_config: Some(1000),
            train_tokens: Some(1_000_000),
            ..PlanOptions::default()
        };
        let plan = plan_fleet_with(files, &options);
        let span = |phase: u8| {
            plan.timeline.as_ref().and_then(|t| {
                t.phases
                    .iter()
                    .find(|s| s.phase == phase)
                    .map(|s| s.makespan_seconds)
            })
        };
        (span(2), span(3))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn adding_a_machine_never_lengthens_a_phase(
            gflops in proptest::collection::vec(1.0f64..500.0, 1..6),
            added in 1.0f64..500.0
        ) {
            let before = makespans(&e2_fleet(&gflops));
            let mut more = gflops.clone();
            more.push(added);
            let after = makespans(&e2_fleet(&more));
            for (b, a) in [(before.0, after.0), (before.1, after.1)] {
                let (b, a) = (b.unwrap(), a.unwrap());
                // Durations keep one decimal.
                prop_assert!(a <= b + 0.1, "{gflops:?} + {added}: {b} -> {a}");
            }
        }

        #[test]
        fn a_faster_machine_never_gets_a_smaller_share(
            gflops in proptest::collection::vec(1.0f64..500.0, 2..8)
        ) {
            let files = fleet(&gflops);
            let plan = plan_fleet(&files);
            let shares = shares(&plan);
            // Faster at the level each runs: a machine too slow for 8-bit runs 4-bit, which
            // may be faster than a quicker machine's 8-bit.
            let speeds: Vec<f64> = files.iter().map(|(_, json)| speed_of(json)).collect();
            for (i, a) in speeds.iter().enumerate() {
                for (j, b) in speeds.iter().enumerate() {
                    // Speeds keep three significant digits, so inputs closer than 1 % may
                    // tie; a tie goes to the smaller host name.
                    if *a > b * 1.01 {
                        let share = |k: usize| shares.iter().find(|(h, _)| *h == format!("m{k}")).unwrap().1;
                        prop_assert!(share(i) >= share(j), "{gflops:?} {shares:?}");
                    }
                }
            }
        }

        #[test]
        fn report_order_changes_nothing(
            gflops in proptest::collection::vec(1.0f64..500.0, 1..8),
            rotation in 0usize..8
        ) {
            let files = fleet(&gflops);
            let mut turned = files.clone();
            turned.rotate_left(rotation % files.len());
            let (a, b) = (plan_fleet(&files), plan_fleet(&turned));
            prop_assert_eq!(shares(&a), shares(&b));
            prop_assert_eq!(who(&a.phase3), who(&b.phase3));
        }
    }
}

#[test]
fn workload_sizes_give_durations_makespans_and_a_total() {
    let files = [
        ("a.json", report("a", 16.0, FULL, Some(100.0), None, T)),
        ("b.json", report("b", 16.0, E0, Some(50.0), None, T)),
    ];
    assert_eq!(balanced(&files).timeline, None);
    let options = PlanOptions {
        e0_configs: Some(30),
        tokens_per_config: Some(5000),
        train_tokens: Some(2_000_000),
        ..PlanOptions::default()
    };
    let plan = plan_of(&files, &options);
    let timeline = plan.timeline.as_ref().unwrap();
    let phases: Vec<u8> = timeline.phases.iter().map(|s| s.phase).collect();
    assert_eq!(phases, [2, 3]);
    let e2 = &plan.phase3[0];
    assert_eq!(e2.machine, "a");
    assert!(e2.estimated_seconds.is_some_and(|s| s > 3600.0), "{e2:?}");
    let sum: f64 = timeline.phases.iter().map(|s| s.makespan_seconds).sum();
    assert!((timeline.total_seconds - sum).abs() < 0.1);
    for a in plan.phase2.iter().filter(|a| a.configs.is_some()) {
        assert!(a.estimated_seconds.is_some(), "{a:?}");
    }
    let text = render_text(&plan);
    assert!(text.contains("estimated makespan"), "{text}");
    assert!(text.contains("Estimated total:"), "{text}");
}

#[test]
fn tier_one_machines_share_the_embedding_work_by_their_throughput() {
    let with_rate = |host: &str, rate: Option<f64>| {
        let mut doc: serde_json::Value =
            serde_json::from_str(&report(host, 3.5, PRE, Some(5.0), None, T)).unwrap();
        if let Some(rate) = rate {
            doc["embedding"] = json!({"status": "success", "sentences_per_second": rate});
        }
        doc.to_string()
    };
    let plan = balanced(&[
        ("a.json", with_rate("a", Some(300.0))),
        ("b.json", with_rate("b", Some(100.0))),
        ("c.json", with_rate("c", None)),
        ("d.json", report("d", 8.0, E0, Some(20.0), None, T)),
    ]);
    let shares = |list: &[Assignment]| -> Vec<(String, Option<u32>)> {
        list.iter()
            .filter(|a| a.tasks.contains(&"prerequisites") || a.tasks.contains(&"data_generation"))
            .map(|a| (a.machine.clone(), a.embedding_share_percent))
            .collect()
    };
    // c has no embedding test: it counts as the median of the others, 200 sentences/s.
    let expected = [
        ("a".to_owned(), Some(50)),
        ("b".to_owned(), Some(17)),
        ("c".to_owned(), Some(33)),
    ];
    assert_eq!(shares(&plan.phase1), expected);
    assert_eq!(shares(&plan.phase2), expected);
    assert!(
        plan.phase1[0]
            .reason
            .contains("50% of this work for 300 of 600 sentences/s (measured)"),
        "{}",
        plan.phase1[0].reason
    );
    // One machine alone keeps the whole work without a share.
    let alone = balanced(&[("a.json", with_rate("a", Some(300.0)))]);
    assert_eq!(alone.phase1[0].embedding_share_percent, None);
}

#[test]
fn files_of_the_same_name_are_ordered_by_content_whatever_order_they_come_in() {
    // Two folders may hold a `report.json` each: the plan must not depend on which came first.
    let older = report("alpha", 8.0, E0, Some(10.0), None, "2026-01-01 00:00:00");
    let other = report("beta", 20.0, FULL, Some(50.0), None, T);
    let forward = [
        ("report.json", older.clone()),
        ("report.json", other.clone()),
    ];
    let backward = [("report.json", other), ("report.json", older)];
    assert_eq!(
        plan_json(&balanced(&forward)),
        plan_json(&balanced(&backward))
    );
    assert_eq!(balanced(&forward).machines.len(), 2);
}

#[test]
fn a_report_written_again_with_other_spacing_is_a_duplicate_not_a_replacement() {
    // Contents compare as what the report says, not as the file's bytes.
    let text = report("alpha", 8.0, E0, Some(10.0), None, T);
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    let changed = text.replace("\"disk_free_gb\":100.0", "\"disk_free_gb\":99.0");
    assert_ne!(changed, text);
    let plan = balanced(&[("a.json", text), ("b.json", pretty), ("c.json", changed)]);
    assert_eq!(plan.machines.len(), 1);
    let duplicates: Vec<&str> = plan.duplicates.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(duplicates, ["b.json"]);
    let replaced: Vec<&str> = plan.replaced.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(replaced, ["c.json"]);
}
