use super::*;
use llmcap_core::Phase;
use llmcap_core::report::EmbeddingStatus;
use llmcap_core::{ReportFile, classify, parse_report, plan_files};

const EPYC: &str = include_str!("../../../tests/fixtures/seed-reports/epyc-2core.json");
const H200: &str = include_str!("../../../tests/fixtures/seed-reports/h200-16core-offline.json");

fn state_with(inputs: Vec<FileInput>) -> AppState {
    let mut state = AppState::default();
    state.apply(Action::AddFiles(inputs));
    state
}

fn examples() -> AppState {
    let mut state = AppState::default();
    state.apply(Action::LoadExamples);
    state
}

/// The fleet row of `host`; the test fails when there is none.
fn row_of<'a>(state: &'a AppState, host: &str) -> &'a MachineView {
    state
        .fleet
        .rows
        .iter()
        .find(|r| r.host() == host)
        .unwrap_or_else(|| panic!("no row for {host}"))
}

fn hosts(state: &AppState) -> Vec<&str> {
    state.fleet.rows.iter().map(|r| r.host()).collect()
}

fn error_of<'a>(state: &'a AppState, name: &str) -> Option<&'a WebError> {
    state
        .files
        .iter()
        .find(|f| f.name == name)
        .and_then(|f| f.outcome.as_ref().err())
}

#[test]
fn bad_files_get_the_clis_error_and_never_block_the_good_ones() {
    let bad: Vec<(&str, &[u8])> = vec![
        ("notes.txt", b"these are my notes, not JSON"),
        ("empty.json", b""),
        ("array.json", b"[1, 2]"),
        ("truncated.json", &EPYC.as_bytes()[..200]),
    ];
    let mut inputs: Vec<FileInput> = bad
        .iter()
        .map(|(name, bytes)| FileInput::bytes(*name, *bytes))
        .collect();
    inputs.insert(2, FileInput::bytes("epyc.json", EPYC));
    inputs.push(FileInput {
        name: "huge.json".into(),
        data: FileData::TooLarge { size: 50_000_000 },
    });
    inputs.push(FileInput {
        name: "gone.json".into(),
        data: FileData::Unreadable {
            message: "NotFoundError".into(),
        },
    });
    let state = state_with(inputs);

    assert_eq!(hosts(&state), ["vm"]);
    for (name, bytes) in bad {
        let cli_text = parse_report(name, bytes).unwrap_err().to_string();
        let shown = error_of(&state, name).expect(name).to_string();
        assert_eq!(shown, cli_text, "the page says what the CLI says");
        assert!(shown.starts_with(name), "{shown}");
    }
    assert_eq!(
        error_of(&state, "huge.json").unwrap().to_string(),
        "huge.json: too large (50000000 bytes); a bundle of reports can be at most 33554432 bytes"
    );
    assert_eq!(
        error_of(&state, "gone.json").unwrap().to_string(),
        "gone.json: the browser could not read the file: NotFoundError"
    );
    let counts = state.counts();
    assert_eq!((counts.total, counts.rejected, counts.machines), (7, 6, 1));
}

#[test]
fn the_same_host_twice_keeps_the_newest_and_says_so() {
    // Both real reports come from a host named `vm`; the EPYC one was probed later.
    let state = state_with(vec![
        FileInput::bytes("h200.json", H200),
        FileInput::bytes("epyc.json", EPYC),
    ]);
    assert_eq!(state.fleet.rows.len(), 1);
    assert_eq!(state.fleet.rows[0].file, "epyc.json");
    let h200_id = state.files[0].id;
    let message = &state.fleet.set_aside[&h200_id];
    assert!(
        message.contains("h200.json") && message.contains("epyc.json") && message.contains("newer"),
        "{message}"
    );

    // Removing the newer report brings the older one back.
    let mut state = state;
    let epyc_id = state.files[1].id;
    state.apply(Action::Remove(epyc_id));
    assert_eq!(state.fleet.rows[0].file, "h200.json");
    assert!(state.fleet.set_aside.is_empty());
}

#[test]
fn the_example_fleet_loads_every_machine_with_its_verdict() {
    let state = examples();
    assert_eq!(state.counts().rejected, 0);
    assert_eq!(
        hosts(&state),
        [
            "cloud-epyc",
            "gpu-desktop",
            "gpu-h200",
            "lab-pi",
            "mac-m2",
            "old-thinkpad"
        ]
    );
    assert_eq!(row_of(&state, "lab-pi").tier, Some(1));
    assert_eq!(row_of(&state, "old-thinkpad").tier, Some(2));
    assert_eq!(row_of(&state, "mac-m2").tier, Some(2));
    assert_eq!(row_of(&state, "gpu-desktop").tier, Some(3));
    assert_eq!(
        row_of(&state, "mac-m2").embedding(),
        Some(EmbeddingStatus::Skip)
    );
    assert_eq!(
        row_of(&state, "cloud-epyc").embedding(),
        None,
        "the guide's reports have no test"
    );
    assert!(
        row_of(&state, "cloud-epyc").gflops().unwrap().1,
        "estimated from the guide's time"
    );
    assert_eq!(row_of(&state, "gpu-desktop").gflops(), Some((310.4, false)));
}

#[test]
fn each_row_has_its_speed_its_own_verdicts_and_its_work() {
    use llmcap_core::judge::Verdict;
    let state = examples();
    let h200 = row_of(&state, "gpu-h200");
    let speed = h200.generation.as_ref().unwrap();
    assert_eq!(
        (speed.device.as_str(), speed.basis),
        ("NVIDIA H200", "estimated")
    );
    assert_eq!(h200.judged(), [Verdict::Ready; 4]);
    assert!(
        h200.work
            .iter()
            .any(|w| w.starts_with("2: e0_e1_subset\u{a0}")),
        "{:?}",
        h200.work
    );
    assert!(
        h200.work.iter().any(|w| w == "3: e2_full"),
        "{:?}",
        h200.work
    );
    // The guide grants the 2-core cloud machine E2 at full precision; llmcap finds it slow.
    let epyc = row_of(&state, "cloud-epyc");
    assert!(epyc.verdict().e2_full);
    assert_eq!(epyc.judged()[2], Verdict::Slow);
    // The fastest machine first when sorted by speed.
    let mut sorted = state.fleet.rows.clone();
    crate::fleet::sort_rows(
        &mut sorted,
        crate::fleet::Sort {
            key: crate::fleet::SortKey::Speed,
            descending: true,
        },
    );
    assert_eq!(sorted[0].host(), "gpu-h200");
}

#[test]
fn what_if_uses_cores_classify_and_changes_the_plan() {
    let mut state = examples();
    let overrides = Overrides {
        ram_available_gb: Some(1.0),
        ..Overrides::default()
    };
    state.apply(Action::SetOverrides {
        host: "old-thinkpad".into(),
        overrides,
    });
    let row = row_of(&state, "old-thinkpad");
    let expected = classify(&row.measured.machine.with_overrides(&overrides)).capabilities;
    assert_eq!(row.report.capabilities, expected);
    assert_eq!(row.tier, None);
    assert!(!row.verdict().grants(Phase::Prerequisites));
    let planned = |state: &AppState| -> Vec<String> {
        state
            .plan_view
            .phases
            .iter()
            .flat_map(|p| p.assignments.iter().map(|a| a.host.clone()))
            .collect()
    };
    assert!(!planned(&state).contains(&"old-thinkpad".to_owned()));

    // Empty overrides put the measured values back.
    state.apply(Action::SetOverrides {
        host: "old-thinkpad".into(),
        overrides: Overrides::default(),
    });
    assert!(state.overrides.is_empty());
    let row = row_of(&state, "old-thinkpad");
    assert_eq!(row.tier, Some(2));
    assert!(planned(&state).contains(&"old-thinkpad".to_owned()));
}

#[test]
fn sorting_flips_on_a_second_click_and_keeps_host_order_on_ties() {
    let mut state = examples();
    state.apply(Action::SortBy(SortKey::RamAvailable));
    assert_eq!(hosts(&state)[0], "gpu-h200", "most available RAM first");
    state.apply(Action::SortBy(SortKey::RamAvailable));
    assert_eq!(hosts(&state)[0], "lab-pi");
    state.apply(Action::SortBy(SortKey::Verdict(Phase::E2Full)));
    assert_eq!(
        hosts(&state)[..3],
        ["cloud-epyc", "gpu-desktop", "gpu-h200"]
    );
}

#[test]
fn a_hostname_with_html_is_rejected_and_kept_as_text() {
    let doc = EPYC.replace("\"vm\"", "\"<img src=x onerror=alert(1)>\"");
    let name = "<img src=y onerror=alert(2)>.json";
    let state = state_with(vec![FileInput::bytes(name, doc.as_bytes())]);
    let error = error_of(&state, name).unwrap().to_string();
    assert!(
        error.starts_with(&format!(
            "{name}: field `hostname` is \"<img src=x onerror=alert(1)>\""
        )),
        "{error}"
    );
    assert!(state.fleet.rows.is_empty());
}

#[test]
fn selection_follows_the_fleet_and_clear_forgets_everything() {
    let mut state = examples();
    state.apply(Action::Select(Some("mac-m2".into())));
    assert_eq!(state.selected_row().unwrap().host(), "mac-m2");
    let id = row_of(&state, "mac-m2").file_id;
    state.apply(Action::Remove(id));
    assert_eq!(state.selected, None, "a removed machine cannot stay open");

    state.apply(Action::SetStrategy(Strategy::Seed));
    state.apply(Action::Clear);
    assert!(state.files.is_empty() && state.fleet.rows.is_empty() && state.overrides.is_empty());
    assert_eq!(state.plan_view.machines, 0);
    assert_eq!(state.strategy, Strategy::Seed, "settings survive a clear");
}

#[test]
fn merged_reports_read_back_as_the_same_reports() {
    let state = state_with(vec![
        FileInput::bytes("h200.json", H200),
        FileInput::bytes("epyc.json", EPYC),
    ]);
    let mut full = examples();
    full.apply(Action::AddFiles(vec![FileInput::bytes("not.json", "nope")]));
    for state in [state, full] {
        let text = state.merged_reports_json();
        let bundle: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(bundle["llmcap_bundle"], 1);
        let list = bundle["reports"].as_array().unwrap();
        assert_eq!(list.len(), state.fleet.rows.len());
        for (value, row) in list.iter().zip({
            let mut rows: Vec<_> = state.fleet.rows.iter().collect();
            rows.sort_by(|a, b| a.host().cmp(b.host()));
            rows
        }) {
            let back = parse_report("merged", value.to_string().as_bytes()).unwrap();
            assert_eq!(&back, row.measured.as_ref());
            assert!(
                value["checks"]["e2_full"].is_array(),
                "written as the probe writes"
            );
        }
    }
}

#[test]
fn the_merged_download_dropped_again_gives_the_same_fleet() {
    let full = examples();
    let text = full.merged_reports_json();
    let again = state_with(vec![FileInput::bytes("merged.json", text.as_bytes())]);
    let count = full.fleet.rows.len();
    assert_eq!(
        again.files.len(),
        count,
        "one file per report of the bundle"
    );
    assert!(again.files.iter().all(|f| f.outcome.is_ok()));
    let mut expected = hosts(&full);
    expected.sort_unstable();
    let mut got = hosts(&again);
    got.sort_unstable();
    assert_eq!(got, expected);
    let tiers = |s: &AppState| {
        let mut t: Vec<_> = s
            .fleet
            .rows
            .iter()
            .map(|r| (r.host().to_owned(), r.tier))
            .collect();
        t.sort();
        t
    };
    assert_eq!(tiers(&again), tiers(&full));
    let width = count.to_string().len();
    assert_eq!(again.files[0].name, format!("merged.json#{:0width$}", 1));

    // Dropped beside the files it came from, it only adds duplicates.
    let mut both = examples();
    both.apply(Action::AddFiles(vec![FileInput::bytes(
        "merged.json",
        text.as_bytes(),
    )]));
    assert_eq!(both.fleet.rows.len(), count);
    assert_eq!(both.plan.duplicates.len(), count);
    assert!(both.plan.replaced.is_empty());
}

#[test]
fn the_page_plans_a_bundle_as_the_cli_does() {
    let merged = examples().merged_reports_json();
    // A bundle with every kind of report in it: good ones, a bad one, a bundle inside it, and
    // one too large to be a report.
    let padding = "x".repeat(llmcap_core::report::MAX_REPORT_BYTES as usize);
    let large = EPYC.replacen('{', &format!("{{\"padding\": \"{padding}\","), 1);
    let mixed =
        format!("{{\"llmcap_bundle\": 1, \"reports\": [{H200}, 42, {merged}, {large}, {EPYC}]}}");
    let named = [
        ("merged.json", merged.as_bytes()),
        ("mixed.json", mixed.as_bytes()),
        ("epyc.json", EPYC.as_bytes()),
    ];
    let state = state_with(
        named
            .iter()
            .map(|(n, b)| FileInput::bytes(*n, *b))
            .collect(),
    );
    let files: Vec<ReportFile<'_>> = named.iter().map(|(n, b)| ReportFile::new(n, b)).collect();
    let cli = plan_files(&files, &PlanOptions::default());
    assert_eq!(state.plan_json(), plan_json(&cli));
    let rejected: Vec<&str> = cli.rejected.iter().map(|r| r.file.as_str()).collect();
    assert_eq!(rejected, ["mixed.json#2", "mixed.json#3", "mixed.json#4"]);
}

#[test]
fn the_strategy_switch_replans() {
    let mut state = examples();
    assert_eq!(state.plan_view.strategy, Strategy::Balanced);
    assert!(
        !state.plan_view.e0_shares.is_empty(),
        "balanced shares E0 by speed"
    );
    let total: f64 = state.plan_view.e0_shares.iter().map(|s| s.fraction).sum();
    assert!((total - 1.0).abs() < 0.02, "{total}");
    state.apply(Action::SetStrategy(Strategy::Seed));
    assert_eq!(state.plan_view.strategy, Strategy::Seed);
    assert!(state.plan_view.e0_shares.is_empty());
    assert_eq!(state.plan_view.machines, 6);
}

#[test]
fn the_download_is_the_clis_plan_of_the_same_files_even_an_unread_one() {
    let big = vec![b' '; llmcap_core::report::MAX_REPORT_BYTES as usize + 1];
    let named: Vec<(&str, &[u8])> = vec![
        ("capability_report_b.json", EPYC.as_bytes()),
        ("h200.json", H200.as_bytes()),
        ("notes.txt", b"not a report"),
        (
            "capability_report_old-thinkpad.json",
            examples::FILES[5].1.as_bytes(),
        ),
    ];
    let mut inputs: Vec<FileInput> = named
        .iter()
        .map(|(n, b)| FileInput::bytes(*n, *b))
        .collect();
    inputs.push(FileInput {
        name: "huge.json".into(),
        data: FileData::TooLarge {
            size: big.len() as u64,
        },
    });
    // What `llmcap plan` makes of the same files; the CLI too is given the whole large file
    // here: the page's plan must be the same.
    let cli_plan = |strategy| {
        let mut files: Vec<ReportFile<'_>> = named
            .iter()
            .map(|(name, bytes)| ReportFile::new(name, bytes))
            .collect();
        files.push(ReportFile::new("huge.json", &big));
        let options = PlanOptions {
            strategy,
            ..PlanOptions::default()
        };
        plan_files(&files, &options)
    };
    let mut state = state_with(inputs);
    for strategy in Strategy::ALL {
        state.apply(Action::SetStrategy(strategy));
        assert_eq!(
            state.plan_json(),
            plan_json(&cli_plan(strategy)),
            "{strategy}"
        );
    }
    assert!(
        state.plan_json().contains(
            "huge.json: too large (1048577 bytes); a report can be at most 1048576 bytes"
        )
    );
    // The inventory download is the CLI's `--export ansible` of the same plan.
    let expected = llmcap_core::export::export(
        &cli_plan(state.strategy),
        llmcap_core::export::Format::Ansible,
    );
    assert_eq!(state.ansible_inventory(), expected.text);
    assert!(state.ansible_inventory().contains("\"old-thinkpad\""));
}

#[test]
fn the_plan_reads_the_stored_verdict_as_llmcap_plan_does() {
    // A hand-edited verdict that llmcap's rules would not give (22.2 GB available is enough
    // for E2 at full precision).
    let edited = EPYC.replace("\"e2_full\": true", "\"e2_full\": false");
    let state = state_with(vec![FileInput::bytes("edited.json", edited.as_bytes())]);
    let row = &state.fleet.rows[0];
    assert!(!row.verdict().e2_full);
    assert_eq!(row.tier, Some(2));
    assert!(
        classify(&row.measured.machine).capabilities.e2_full,
        "the details show llmcap's checks"
    );
}

#[test]
fn a_name_with_a_folder_is_listed_and_planned_by_its_base_name() {
    let state = state_with(vec![FileInput::bytes("fleet/epyc.json", EPYC)]);
    assert_eq!(state.files[0].name, "epyc.json", "as the plan names it");
    assert_eq!(hosts(&state), ["vm"]);
}

/// The page's three downloads for the example fleet, byte for byte. With `LLMCAP_BLESS=1`
/// the files are written instead, for a deliberate change.
#[test]
fn the_downloads_are_pinned() {
    let state = examples();
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/pinned");
    for (name, text) in [
        ("page_merged_reports.json", state.merged_reports_json()),
        ("page_distributed_plan.json", state.plan_json()),
        ("page_inventory.yml", state.ansible_inventory()),
    ] {
        let path = dir.join(name);
        if std::env::var_os("LLMCAP_BLESS").is_some() {
            std::fs::write(&path, &text).unwrap();
        }
        let pinned = std::fs::read_to_string(&path).unwrap();
        assert!(pinned == text, "{name} changed");
    }
}

#[test]
fn workload_sizes_give_the_plan_a_timeline_and_the_cli_options() {
    let mut state = examples();
    // Without sizes, the bars are shares: the H200's E0 share is its bar in phase 2.
    let shares = state
        .plan_view
        .timeline
        .as_ref()
        .expect("a timeline of shares");
    assert!(!shares.to_scale);
    let h200 = shares
        .bars
        .iter()
        .find(|b| b.host == "gpu-h200" && b.phase == 2)
        .unwrap();
    let percent = state.plan.phase2.iter().find(|a| a.machine == "gpu-h200");
    let percent = percent.and_then(|a| a.share_percent).unwrap();
    assert!((h200.seconds - f64::from(percent) / 100.0).abs() < 1e-9);
    assert_eq!(
        (h200.start_seconds, h200.text.clone()),
        (1.0, format!("{percent} % of E0"))
    );
    let workload = crate::state::Workload {
        e0_configs: Some(1000),
        tokens_per_config: Some(20_000),
        train_tokens: Some(2_000_000),
    };
    state.apply(Action::SetWorkload(workload));
    let timeline = state.plan_view.timeline.as_ref().expect("a timeline");
    assert!(!timeline.bars.is_empty());
    assert!(timeline.total_seconds > 0.0);
    assert_eq!(state.plan.options.e0_configs, Some(1000));
    assert_eq!(state.plan.options.tokens_per_config, Some(20_000));
    // Tokens per configuration mean nothing without configurations, as on the CLI.
    state.apply(Action::SetWorkload(crate::state::Workload {
        e0_configs: None,
        ..workload
    }));
    assert_eq!(state.plan.options.tokens_per_config, None);
    state.apply(Action::Clear);
    assert_eq!(
        state.workload.train_tokens,
        Some(2_000_000),
        "settings survive a clear"
    );
}

#[test]
fn a_link_adds_its_report_and_a_bad_link_changes_nothing() {
    let text = crate::examples::FILES[0].1;
    let url = llmcap_core::link::link("http://page/", text.as_bytes()).unwrap();
    let fragment = url.split_once('#').unwrap().1.to_owned();
    let mut state = AppState::default();
    state.apply(Action::OpenLink(format!("#{fragment}")));
    let host = parse_report("x.json", text.as_bytes()).unwrap().hostname;
    assert_eq!(state.files.len(), 1);
    assert_eq!(
        state.files[0].name,
        format!("capability_report_{host}.json")
    );
    assert_eq!(hosts(&state), [host.to_string()]);
    assert!(matches!(&state.link_note, Some(Ok(n)) if n.contains(host.as_str())));
    // Cut in half, or not a report: nothing is added, and the note says why.
    for bad in [
        format!("#{}", &fragment[..fragment.len() / 2]),
        format!("#r={}", llmcap_core::link::encode(b"{\"hostname\": 1}")),
        "#r=@@".to_owned(),
    ] {
        let before = state.files.len();
        state.apply(Action::OpenLink(bad.clone()));
        assert_eq!(state.files.len(), before, "{bad}");
        assert!(
            matches!(&state.link_note, Some(Err(n)) if n.starts_with("The link was not opened")),
            "{bad}: {:?}",
            state.link_note
        );
    }
}

#[test]
fn the_kept_fleet_comes_back_as_the_same_files_without_the_bad_ones() {
    let mut state = examples();
    state.apply(Action::AddFiles(vec![FileInput::bytes("bad.json", "{")]));
    let stored = crate::keep::encode(&state.files).unwrap();
    let mut back = AppState::default();
    back.apply(Action::AddFiles(crate::keep::decode(&stored)));
    assert_eq!(hosts(&back), hosts(&state));
    assert_eq!(back.counts().rejected, 0, "bad files are not kept");
    let names = |s: &AppState| {
        s.files
            .iter()
            .filter(|f| f.outcome.is_ok())
            .map(|f| f.name.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(names(&back), names(&state));
    let without_bad = {
        let mut s = examples();
        s.apply(Action::Select(None));
        s
    };
    assert_eq!(back.plan_json(), without_bad.plan_json());
    // Nothing valid: nothing to keep; a damaged value gives nothing back.
    assert_eq!(crate::keep::encode(&AppState::default().files), None);
    assert!(crate::keep::decode("not base64 @@").is_empty());
}
