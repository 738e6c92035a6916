//! Properties of every plan: the input order never matters, every usable machine works,
//! E2 only ever runs on a capable machine, E0 shares and ranges add up.

use crate::plan_fleet::{Spec, spec};
use llmcap_core::plan::{
    Experiment, Plan, PlanOptions, ReportFile, Strategy as PlanStrategy, plan_files, plan_json,
};
use proptest::prelude::*;
use std::collections::HashSet;

/// File names and contents.
type Files = Vec<(String, Vec<u8>)>;

/// One input file: a report, a copy of the previous file, or garbage.
#[derive(Debug, Clone)]
enum Item {
    Report(Box<Spec>),
    /// The previous file's bytes under another name.
    Copy,
    /// The previous report re-indented.
    Reformatted,
    Garbage(String),
}

fn report() -> impl Strategy<Value = Spec> {
    (
        (0usize..8, 0usize..6, 0usize..3),
        (
            proptest::option::of(1.0f64..500.0),
            proptest::option::of(0.3f64..120.0),
            proptest::option::of(prop_oneof![Just(4096u64), Just(24576), Just(81920)]),
        ),
        (1u8..4, 0u8..3, proptest::option::of(0u8..3), any::<bool>()),
        proptest::option::of(any::<[bool; 4]>()),
    )
        .prop_map(
            |((host, ram, disk), (gflops, time, gpu), (day, hour, utc_hour, guide), verdict)| {
                let ram = [1.5, 3.5, 5.5, 8.0, 16.0, 120.0][ram];
                let disk = [4.0, 12.0, 400.0][disk];
                let mut s = spec(&format!("host-{host}"), ram)
                    .disk(disk)
                    .gflops(gflops)
                    .time(time)
                    .at(&format!("2026-11-0{day} 1{hour}:00:00"));
                s.vram_mib = gpu;
                if let Some(h) = utc_hour {
                    s = s.utc(&format!("2026-11-0{day}T0{h}:00:00Z"));
                }
                if guide {
                    s = s.guide();
                }
                if let Some(v) = verdict {
                    s = s.verdict(v);
                }
                s
            },
        )
}

fn item() -> impl Strategy<Value = Item> {
    prop_oneof![
        6 => report().prop_map(|s| Item::Report(Box::new(s))),
        1 => Just(Item::Copy),
        1 => Just(Item::Reformatted),
        1 => "[a-z{}\\[\\]\":, 0-9]{0,30}".prop_map(Item::Garbage),
    ]
}

/// Files named `r<k>.json`: names may repeat, as files from two folders can.
fn fleet() -> impl Strategy<Value = Files> {
    proptest::collection::vec((item(), 0usize..40), 0..24).prop_map(|items| {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for (item, name) in items {
            let name = format!("r{name}.json");
            let previous = files.last().map(|(_, bytes)| bytes.clone());
            let bytes = match (item, previous) {
                (Item::Report(s), _) => s.json().into_bytes(),
                (Item::Copy, Some(bytes)) => bytes,
                (Item::Reformatted, Some(bytes)) => {
                    match serde_json::from_slice::<serde_json::Value>(&bytes) {
                        Ok(value) => value.to_string().into_bytes(),
                        Err(_) => bytes,
                    }
                }
                (Item::Garbage(text), _) => text.into_bytes(),
                (_, None) => continue,
            };
            files.push((name, bytes));
        }
        files
    })
}

fn shuffled() -> impl Strategy<Value = (Files, Files)> {
    fleet().prop_flat_map(|files| (Just(files.clone()), Just(files).prop_shuffle()))
}

fn run(files: &[(String, Vec<u8>)], options: &PlanOptions) -> Plan {
    let refs: Vec<ReportFile<'_>> = files
        .iter()
        .map(|(name, bytes)| ReportFile { name, bytes })
        .collect();
    plan_files(&refs, options)
}

fn options() -> impl Strategy<Value = PlanOptions> {
    (
        prop_oneof![Just(PlanStrategy::Balanced), Just(PlanStrategy::Seed)],
        proptest::option::of(0u32..5000),
    )
        .prop_map(|(strategy, e0_configs)| PlanOptions {
            strategy,
            e0_configs,
            ..PlanOptions::default()
        })
}

fn capabilities<'p>(plan: &'p Plan, host: &str) -> &'p [&'static str] {
    plan.machines
        .iter()
        .find(|m| m.hostname == host)
        .map_or(&[], |m| &m.capabilities[..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn the_plan_does_not_depend_on_input_order((files, shuffled) in shuffled(), options in options()) {
        prop_assert_eq!(plan_json(&run(&files, &options)), plan_json(&run(&shuffled, &options)));
    }

    #[test]
    fn every_file_is_accounted_for_once(files in fleet(), options in options()) {
        let plan = run(&files, &options);
        let total = plan.machines.len() + plan.rejected.len() + plan.duplicates.len() + plan.replaced.len();
        prop_assert_eq!(total, files.len());
        let hosts: HashSet<&str> = plan.machines.iter().map(|m| m.hostname.as_str()).collect();
        prop_assert_eq!(hosts.len(), plan.machines.len(), "one report per host");
        for m in &plan.machines {
            let excluded = plan.excluded.iter().any(|e| e.hostname == m.hostname);
            prop_assert_eq!(excluded, m.tier.is_none(), "{}", m.hostname);
        }
    }

    #[test]
    fn every_usable_machine_works(files in fleet()) {
        let plan = run(&files, &PlanOptions::default());
        let working: HashSet<&str> = plan.phases().iter()
            .flat_map(|(_, list)| list.iter().map(|a| a.machine.as_str()))
            .collect();
        for m in plan.machines.iter().filter(|m| m.tier.is_some()) {
            prop_assert!(working.contains(m.hostname.as_str()), "{} is idle", m.hostname);
        }
    }

    #[test]
    fn e2_only_ever_runs_on_a_capable_machine(files in fleet()) {
        let plan = run(&files, &PlanOptions::default());
        let capable = |host: &str| {
            let caps = capabilities(&plan, host);
            caps.contains(&"e2_full") || caps.contains(&"e2_quantized")
        };
        for a in &plan.phase3 {
            prop_assert!(capable(&a.machine), "{} cannot run E2", a.machine);
            if a.experiment == Experiment::E2Full {
                prop_assert!(capabilities(&plan, &a.machine).contains(&"e2_full"));
            }
        }
        let trainers = plan.phase3.iter().filter(|a| a.experiment != Experiment::E2Evaluation).count();
        let any_capable = plan.machines.iter().any(|m| m.tier.is_some() && capable(&m.hostname));
        prop_assert_eq!(trainers, usize::from(any_capable));
    }

    #[test]
    fn shares_sum_to_100_and_ranges_partition_the_configs(files in fleet(), n in 0u32..100_000) {
        let options = PlanOptions { e0_configs: Some(n), ..PlanOptions::default() };
        let plan = run(&files, &options);
        let e0: Vec<_> = plan.phase2.iter().filter(|a| a.experiment == Experiment::E0E1Subset).collect();
        if e0.is_empty() {
            return Ok(());
        }
        prop_assert_eq!(e0.iter().filter_map(|a| a.share_percent).sum::<u32>(), 100);
        let mut next = 0;
        for a in &e0 {
            let range = a.configs.expect("a range with --e0-configs");
            prop_assert_eq!(range.start, next);
            prop_assert!(range.end >= range.start);
            next = range.end;
        }
        prop_assert_eq!(next, n);
    }
}
