//! Table tests: tiers and both strategies on the real reports and on constructed fleets.

use crate::plan_fleet::{Spec, files, plan, raspberry_pi, spec, who, with};
use llmcap_core::judge::Method;
use llmcap_core::plan::{PlanOptions, Strategy};

const EPYC: &str = include_str!("../fixtures/seed-reports/epyc-2core.json");
const H200: &str = include_str!("../fixtures/seed-reports/h200-16core-offline.json");

type Phase = &'static [(&'static str, &'static str)];

/// A fleet and what each strategy must make of it.
struct Case {
    name: &'static str,
    fleet: fn() -> Vec<Spec>,
    /// tier1, tier2, tier3 host names.
    tiers: [&'static [&'static str]; 3],
    excluded: &'static [&'static str],
    seed: [Phase; 3],
    balanced: [Phase; 3],
    /// Substrings of the balanced plan's warnings.
    balanced_warnings: &'static [&'static str],
}

fn pi_only() -> Vec<Spec> {
    vec![raspberry_pi("pi")]
}

fn no_gpu() -> Vec<Spec> {
    vec![
        spec("laptop-8gb", 5.8).gflops(Some(30.0)),
        spec("laptop-16gb", 11.0).gflops(Some(60.0)),
        spec("desktop-32gb", 27.0).gflops(Some(90.0)),
        raspberry_pi("pi"),
    ]
}

fn several_gpus() -> Vec<Spec> {
    vec![
        spec("a-rtx3060", 28.0).gpu(12288).gflops(Some(150.0)),
        spec("b-a100", 60.0).gpu(81920).gflops(Some(400.0)),
        spec("c-h200", 120.0).gpu(143771).time(Some(0.4)).guide(),
        spec("d-laptop", 6.5).gflops(Some(40.0)),
    ]
}

fn nothing_e2() -> Vec<Spec> {
    vec![
        spec("old-laptop", 5.5).gflops(Some(25.0)),
        spec("nuc", 5.2).disk(12.0).gflops(Some(35.0)),
        raspberry_pi("pi"),
        spec("tiny", 1.8).gflops(Some(1.0)),
    ]
}

fn seed_reports_renamed() -> Vec<Spec> {
    // Stand-ins are not needed: the real files are used in `real_reports_*` below.
    Vec::new()
}

const CASES: &[Case] = &[
    Case {
        name: "a Raspberry Pi only",
        fleet: pi_only,
        tiers: [&["pi"], &[], &[]],
        excluded: &[],
        seed: [&[("pi", "prerequisites")], &[], &[]],
        balanced: [
            &[("pi", "prerequisites")],
            &[("pi", "data_generation")],
            &[],
        ],
        balanced_warnings: &["phase3 is empty", "only data generation"],
    },
    Case {
        name: "no GPU machine",
        fleet: no_gpu,
        tiers: [&["pi"], &["laptop-16gb", "laptop-8gb"], &["desktop-32gb"]],
        excluded: &[],
        seed: [
            &[("pi", "prerequisites")],
            &[
                ("laptop-16gb", "e0_e1_subset"),
                ("laptop-8gb", "e0_e1_subset"),
            ],
            &[("desktop-32gb", "e2_full")],
        ],
        balanced: [
            &[("pi", "prerequisites")],
            &[
                ("desktop-32gb", "e0_e1_subset"),
                ("laptop-16gb", "e0_e1_subset"),
                ("laptop-8gb", "e0_e1_subset"),
                ("pi", "data_generation"),
            ],
            &[
                ("desktop-32gb", "e2_full"),
                ("laptop-16gb", "e2_evaluation"),
            ],
        ],
        balanced_warnings: &[],
    },
    Case {
        name: "several GPU machines",
        fleet: several_gpus,
        tiers: [&[], &["d-laptop"], &["a-rtx3060", "b-a100", "c-h200"]],
        excluded: &[],
        seed: [
            &[],
            &[("d-laptop", "e0_e1_subset")],
            &[("a-rtx3060", "e2_full")],
        ],
        balanced: [
            &[("d-laptop", "prerequisites")],
            &[
                ("a-rtx3060", "e0_e1_subset"),
                ("b-a100", "e0_e1_subset"),
                ("c-h200", "e0_e1_subset"),
                ("d-laptop", "e0_e1_subset"),
            ],
            &[
                ("c-h200", "e2_full"),
                ("a-rtx3060", "e2_evaluation"),
                ("b-a100", "e2_evaluation"),
                ("d-laptop", "e2_evaluation"),
            ],
        ],
        balanced_warnings: &[],
    },
    Case {
        name: "nothing E2-capable",
        fleet: nothing_e2,
        tiers: [&["pi"], &["nuc", "old-laptop"], &[]],
        excluded: &["tiny"],
        seed: [
            &[("pi", "prerequisites")],
            &[("nuc", "e0_e1_subset"), ("old-laptop", "e0_e1_subset")],
            // The guide's fallback: E2 on a machine whose report says it cannot run it.
            &[("nuc", "e2_quantized")],
        ],
        balanced: [
            &[("pi", "prerequisites")],
            &[
                ("nuc", "e0_e1_subset"),
                ("old-laptop", "e0_e1_subset"),
                ("pi", "data_generation"),
            ],
            &[],
        ],
        balanced_warnings: &["phase3 is empty", "tiny: excluded"],
    },
    Case {
        name: "no report at all",
        fleet: seed_reports_renamed,
        tiers: [&[], &[], &[]],
        excluded: &[],
        seed: [&[], &[], &[]],
        balanced: [&[], &[], &[]],
        balanced_warnings: &["phase1 is empty", "phase2 is empty", "phase3 is empty"],
    },
];

fn expected(phase: Phase) -> Vec<(String, &'static str)> {
    phase.iter().map(|(m, e)| ((*m).to_owned(), *e)).collect()
}

#[test]
fn tiers_and_both_strategies_on_constructed_fleets() {
    for case in CASES {
        let fleet = files(&(case.fleet)());
        for (strategy, phases) in [
            (Strategy::Seed, case.seed),
            (Strategy::Balanced, case.balanced),
        ] {
            let plan = plan(&fleet, &with(strategy));
            let context = format!("{} ({strategy})", case.name);
            for (i, (list, want)) in [&plan.phase1, &plan.phase2, &plan.phase3]
                .into_iter()
                .zip(phases)
                .enumerate()
            {
                assert_eq!(who(list), expected(want), "{context}: phase{}", i + 1);
            }
            let tiers: Vec<Vec<&str>> = [&plan.tiers.tier1, &plan.tiers.tier2, &plan.tiers.tier3]
                .iter()
                .map(|t| t.iter().map(|e| e.hostname.as_str()).collect())
                .collect();
            assert_eq!(tiers, case.tiers.map(<[&str]>::to_vec), "{context}: tiers");
            let excluded: Vec<&str> = plan.excluded.iter().map(|e| e.hostname.as_str()).collect();
            assert_eq!(excluded, case.excluded, "{context}: excluded");
            if strategy == Strategy::Balanced {
                for want in case.balanced_warnings {
                    assert!(
                        plan.warnings.iter().any(|w| w.contains(want)),
                        "{context}: no warning with {want:?} in {:#?}",
                        plan.warnings
                    );
                }
            }
        }
    }
}

#[test]
fn every_phase_without_a_machine_is_a_warning_in_both_strategies() {
    for case in CASES {
        let fleet = files(&(case.fleet)());
        for strategy in Strategy::ALL {
            let plan = plan(&fleet, &with(strategy));
            for (n, list) in plan.phases() {
                let warned = plan
                    .warnings
                    .iter()
                    .any(|w| w.starts_with(&format!("phase{n} is empty")));
                assert_eq!(
                    list.is_empty(),
                    warned,
                    "{} ({strategy}) phase{n}",
                    case.name
                );
            }
        }
    }
}

#[test]
fn tier_entries_are_the_guides() {
    let plan = plan(&files(&no_gpu()), &PlanOptions::default());
    let entry = |list: &[llmcap_core::plan::TierEntry], host: &str| {
        let e = list.iter().find(|e| e.hostname == host).expect("listed");
        (e.tasks.to_vec(), e.model)
    };
    assert_eq!(
        entry(&plan.tiers.tier1, "pi"),
        (vec!["prerequisites", "data_generation"], "embeddings_only")
    );
    // 11 GB available: E2 quantized, so the guide's first tier-2 branch.
    assert_eq!(
        entry(&plan.tiers.tier2, "laptop-16gb"),
        (vec!["e1_retrieval", "e0_optimization"], "phi3-q4")
    );
    assert_eq!(
        entry(&plan.tiers.tier2, "laptop-8gb"),
        (vec!["e0_subset", "e1_subset"], "phi3-q4")
    );
    assert_eq!(
        entry(&plan.tiers.tier3, "desktop-32gb"),
        (vec!["e2_finetuning", "e2_evaluation"], "phi3-full")
    );
}

#[test]
fn real_reports_share_a_hostname_and_the_plan_says_which_was_kept() {
    let fleet = vec![
        ("capability_report_h200.json".to_owned(), H200.to_owned()),
        ("capability_report_epyc.json".to_owned(), EPYC.to_owned()),
    ];
    for strategy in Strategy::ALL {
        let plan = plan(&fleet, &with(strategy));
        assert_eq!(plan.machines.len(), 1, "{strategy}");
        assert_eq!(plan.machines[0].file, "capability_report_epyc.json");
        assert_eq!(plan.replaced.len(), 1);
        assert_eq!(plan.replaced[0].file, "capability_report_h200.json");
        assert_eq!(who(&plan.phase3), [("vm".to_owned(), "e2_full")]);
    }
}

#[test]
fn real_reports_as_two_machines() {
    let rename = |text: &str, host: &str| {
        text.replace("\"hostname\": \"vm\"", &format!("\"hostname\": \"{host}\""))
    };
    let fleet = vec![
        (
            "capability_report_epyc.json".to_owned(),
            rename(EPYC, "epyc"),
        ),
        (
            "capability_report_h200.json".to_owned(),
            rename(H200, "h200"),
        ),
    ];
    let seed = plan(&fleet, &with(Strategy::Seed));
    // The guide takes the first tier-3 machine by file name: the slow 2-core one.
    assert_eq!(who(&seed.phase3), [("epyc".to_owned(), "e2_full")]);
    assert!(
        seed.warnings.iter().any(|w| w.contains("h200")),
        "{:?}",
        seed.warnings
    );
    let balanced = plan(&fleet, &PlanOptions::default());
    // llmcap picks the H200 (140 GB of GPU memory, read from the guide's `gpu` text).
    assert_eq!(
        who(&balanced.phase3),
        [
            ("h200".to_owned(), "e2_full"),
            ("epyc".to_owned(), "e2_evaluation")
        ]
    );
    let shares: Vec<Option<u32>> = balanced.phase2.iter().map(|a| a.share_percent).collect();
    // The H200's Phi-3-mini speed, estimated from its product table's 4.8 TB/s, dwarfs the
    // 2-core machine's, estimated from the guide's 14.77 s matrix_mult_time, at the level
    // its assessment chooses.
    assert_eq!(shares, [Some(2), Some(98)]);
    assert!(
        balanced.phase2[0].reason.contains("estimated"),
        "{}",
        balanced.phase2[0].reason
    );
}

#[test]
fn e2_goes_to_the_best_fine_tuning_fit_a_gpu_before_a_cpu() {
    // LoRA on the 16-bit model needs about 11.5 GB on a GPU: 24 GB fits, 8 GB does not.
    let with_gpu = |mib| {
        plan(
            &files(&[
                spec("big-ram", 250.0).gflops(Some(900.0)),
                spec("gpu-box", 13.0).gpu(mib).gflops(Some(50.0)),
            ]),
            &PlanOptions::default(),
        )
    };
    let fits = with_gpu(24576);
    let e2 = &fits.phase3[0];
    assert_eq!(
        (e2.machine.as_str(), e2.method),
        ("gpu-box", Some(Method::Lora))
    );
    assert!(
        e2.reason.contains("on the NVIDIA Test GPU fits"),
        "{}",
        e2.reason
    );
    assert!(e2.reason.contains("24 GB GPU memory"), "{}", e2.reason);
    // On the 8 GB GPU only the CPU could fine-tune at full precision, slowly; the 250 GB
    // machine's CPU does it in hours.
    let too_small = with_gpu(8192);
    let e2 = &too_small.phase3[0];
    assert_eq!(e2.machine, "big-ram");
    assert!(e2.reason.contains("on the CPU fits"), "{}", e2.reason);
    assert!(
        e2.reason.contains("h per million training tokens"),
        "{}",
        e2.reason
    );
}

#[test]
fn quantized_e2_when_the_best_machine_cannot_do_full_precision() {
    let plan = plan(
        &files(&[spec("q", 8.0).gpu(6144), spec("e0", 5.5)]),
        &PlanOptions::default(),
    );
    assert_eq!(who(&plan.phase3), [("q".to_owned(), "e2_quantized")]);
    assert_eq!(plan.phase3[0].tasks, ["e2_finetuning", "e2_evaluation"]);
}

#[test]
fn every_assignment_has_model_batch_accumulation_and_reason() {
    let options = PlanOptions {
        target_batch_size: 32,
        ..PlanOptions::default()
    };
    let plan = plan(&files(&no_gpu()), &options);
    for a in plan.phase1.iter().chain(&plan.phase2).chain(&plan.phase3) {
        assert!(a.model.is_some(), "{a:?}");
        assert!(
            a.batch_size >= 1 && a.gradient_accumulation_steps >= 1,
            "{a:?}"
        );
        assert_eq!(
            a.gradient_accumulation_steps,
            (32 / a.batch_size).max(1),
            "{a:?}"
        );
        assert!(!a.reason.is_empty() && !a.reason.contains('\n'), "{a:?}");
    }
    assert_eq!(plan.options.target_batch_size, 32);
}

#[test]
fn e0_config_ranges_follow_the_shares() {
    let options = PlanOptions {
        e0_configs: Some(250),
        ..PlanOptions::default()
    };
    let plan = plan(&files(&several_gpus()), &options);
    let e0: Vec<_> = plan
        .phase2
        .iter()
        .filter(|a| a.share_percent.is_some())
        .collect();
    let shares: Vec<u32> = e0.iter().filter_map(|a| a.share_percent).collect();
    // The table knows no "NVIDIA Test GPU", so each speed is estimated from the CPU's
    // GFLOP/s (150, 400 and 40 measured; the guide's 0.4 s, whose GFLOP/s count 7.5 times
    // as much bandwidth) at the level each machine's assessment chooses: the most precise
    // that fits and is not slow, else the fastest.
    assert_eq!(shares, [3, 9, 85, 3]);
    let ranges: Vec<(u32, u32)> = e0
        .iter()
        .filter_map(|a| a.configs.map(|c| (c.start, c.end)))
        .collect();
    // The ranges are the split that finishes soonest, so they may differ from the rounded
    // shares by a configuration: 8, 22, 214 and 6 of 250.
    assert_eq!(ranges, [(0, 8), (8, 30), (30, 244), (244, 250)]);
    let seed = plan_with_seed_configs();
    assert!(
        seed.warnings
            .iter()
            .any(|w| w.contains("--e0-configs is ignored"))
    );
}

fn plan_with_seed_configs() -> llmcap_core::plan::Plan {
    plan(
        &files(&several_gpus()),
        &PlanOptions {
            strategy: Strategy::Seed,
            e0_configs: Some(10),
            ..PlanOptions::default()
        },
    )
}
