use super::*;

const EPYC: &str = include_str!("../../../tests/fixtures/seed-reports/epyc-2core.json");
const H200: &str = include_str!("../../../tests/fixtures/seed-reports/h200-16core-offline.json");

fn parse(json: &str) -> Result<Report, ReportError> {
    parse_report("r.json", json.as_bytes())
}

/// The EPYC report with one field replaced: `path` is a list of keys.
fn with(path: &[&str], value: serde_json::Value) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(EPYC).unwrap();
    let mut target = &mut doc;
    for key in &path[..path.len() - 1] {
        target = target.get_mut(*key).unwrap();
    }
    target[path[path.len() - 1]] = value;
    doc.to_string()
}

fn without(path: &[&str]) -> String {
    let mut doc: serde_json::Value = serde_json::from_str(EPYC).unwrap();
    let mut target = &mut doc;
    for key in &path[..path.len() - 1] {
        target = target.get_mut(*key).unwrap();
    }
    target.as_object_mut().unwrap().remove(path[path.len() - 1]);
    doc.to_string()
}

#[test]
fn reads_the_guides_reports() {
    let epyc = parse(EPYC).unwrap();
    assert_eq!(epyc.schema_version, None);
    assert_eq!(epyc.hostname.as_str(), "vm");
    assert_eq!(epyc.timestamp.to_string(), "2026-11-27 03:04:16");
    assert_eq!(epyc.machine.system.ram_available_gb, 22.2);
    assert_eq!(epyc.machine.system.gpu, None);
    assert_eq!(epyc.machine.benchmark.matrix_mult_time, Some(14.77));
    assert!(epyc.capabilities.e2_full);
    assert_eq!(
        epyc.capabilities.notes.as_deref(),
        Some("Slow CPU - expect longer runtimes")
    );

    let h200 = parse(H200).unwrap();
    assert_eq!(h200.machine.system.gpu_type, Some(GpuType::Nvidia));
    assert_eq!(
        h200.machine.system.gpu.as_deref(),
        Some("NVIDIA H200, 143771 MiB")
    );
    assert_eq!(h200.capabilities.model_recommendations.len(), 2);
}

#[test]
fn round_trips_through_the_wire_form() {
    for json in [EPYC, H200] {
        let report = parse(json).unwrap();
        let written = serde_json::to_string(&report).unwrap();
        assert_eq!(parse(&written).unwrap(), report);
    }
}

#[test]
fn keeps_the_guides_keys_when_writing() {
    let report = parse(EPYC).unwrap();
    let written: serde_json::Value = serde_json::to_value(&report).unwrap();
    let original: serde_json::Value = serde_json::from_str(EPYC).unwrap();
    for section in ["system", "benchmark", "capabilities"] {
        for (key, value) in original[section].as_object().unwrap() {
            if key == "python_version" || key == "processor" {
                continue;
            }
            assert_eq!(&written[section][key], value, "{section}.{key}");
        }
    }
    assert_eq!(written["hostname"], original["hostname"]);
    assert_eq!(written["timestamp"], original["timestamp"]);
}

#[test]
fn ignores_unknown_fields() {
    let json = with(
        &["system", "future_field"],
        serde_json::json!({"a": [1, 2]}),
    );
    assert!(parse(&json).is_ok());
}

#[test]
fn accepts_null_physical_cores_and_missing_gpu_key() {
    // psutil returns None for physical cores on some platforms; the guide's script omits
    // `gpu` when nvidia-smi exists but fails.
    assert!(
        parse(&with(
            &["system", "cpu_count_physical"],
            serde_json::Value::Null
        ))
        .is_ok()
    );
    assert!(parse(&without(&["system", "gpu"])).is_ok());
}

#[test]
fn rejects_a_newer_schema_clearly() {
    let json = with(&["schema_version"], serde_json::json!(99));
    let err = parse(&json).unwrap_err();
    assert!(
        matches!(err, ReportError::NewerSchema { found: 99, .. }),
        "{err}"
    );
    assert!(err.to_string().contains("upgrade llmcap"), "{err}");
    // Even when the rest of the newer format does not decode.
    let json = with(&["system"], serde_json::json!("a string in version 99"));
    let json = json.replacen('{', "{\"schema_version\": 99,", 1);
    assert!(matches!(
        parse(&json).unwrap_err(),
        ReportError::NewerSchema { .. }
    ));
}

/// Each case: the broken document, the field the error must name, and a piece of the message.
#[test]
fn bad_fields_are_named_with_their_values() {
    let cases: Vec<(String, &str, &str)> = vec![
        (without(&["hostname"]), "hostname", "missing"),
        (without(&["capabilities"]), "capabilities", "missing"),
        (
            without(&["capabilities", "e0_e1"]),
            "capabilities.e0_e1",
            "missing",
        ),
        (
            with(&["hostname"], "../../etc/passwd".into()),
            "hostname",
            "\"../../etc/passwd\"",
        ),
        (with(&["hostname"], "a/b".into()), "hostname", "\"a/b\""),
        (
            with(&["hostname"], "<b>x</b>".into()),
            "hostname",
            "<b>x</b>",
        ),
        (
            with(&["hostname"], "bell\u{7}".into()),
            "hostname",
            "\\u{7}",
        ),
        (
            with(&["hostname"], "h".repeat(10_000).into()),
            "hostname",
            "10000 characters",
        ),
        (
            with(&["hostname"], 5.into()),
            "hostname",
            "expected a string",
        ),
        (
            with(&["system", "ram_available_gb"], (-3.0).into()),
            "system.ram_available_gb",
            "-3",
        ),
        (
            with(&["system", "ram_gb"], "23.5".into()),
            "system.ram_gb",
            "\"23.5\"",
        ),
        (
            with(&["system", "ram_gb"], 1e300.into()),
            "system.ram_gb",
            "1e300",
        ),
        (
            with(&["system", "disk_free_gb"], serde_json::Value::Null),
            "system.disk_free_gb",
            "missing",
        ),
        (
            with(&["system", "cpu_count"], (-2).into()),
            "system.cpu_count",
            "-2",
        ),
        (
            with(&["system", "cpu_count"], 0.into()),
            "system.cpu_count",
            "0",
        ),
        (
            with(&["system", "ram_available_gb"], 99.0.into()),
            "system.ram_available_gb",
            "at most system.ram_gb",
        ),
        (
            with(&["benchmark", "matrix_mult_time"], 0.into()),
            "benchmark.matrix_mult_time",
            "0",
        ),
        (
            with(&["capabilities", "e2_full"], "yes".into()),
            "capabilities.e2_full",
            "\"yes\"",
        ),
        (
            with(&["timestamp"], "yesterday".into()),
            "timestamp",
            "\"yesterday\"",
        ),
        (with(&["schema_version"], 0.into()), "schema_version", "0"),
    ];
    for (json, field, piece) in cases {
        let err = parse(&json).unwrap_err();
        let message = err.to_string();
        assert_eq!(err.field(), Some(field), "{message}");
        assert!(message.starts_with("r.json: "), "{message}");
        assert!(message.contains(piece), "{field}: {message} lacks {piece}");
    }
}

#[test]
fn bad_files_get_one_clear_error() {
    let cases: &[(&[u8], &str)] = &[
        (b"", "empty"),
        (b"  \n ", "empty"),
        (b"not json at all", "not valid JSON"),
        (b"[1, 2]", "a JSON array, expected a JSON object"),
        (b"42", "a number, expected a JSON object"),
        (b"\"text\"", "a JSON string"),
        (b"\x89PNG\r\n\x1a\n\0\0", "not a text file"),
        (b"\xff\xfe{", "UTF-16 that is not valid"),
        (b"\x80{}", "not UTF-8"),
        (br#"{"hostname": "a", "system": {"#, "EOF while parsing"),
        (br#"{"hostname": "vm"} trailing"#, "trailing characters"),
        (br#"{"system": {"ram_gb": NaN}}"#, "`NaN` is Python's"),
        (br#"{"system": {"ram_gb": 1e999}}"#, "out of range"),
    ];
    for (bytes, piece) in cases {
        let message = parse_report("bad.json", bytes).unwrap_err().to_string();
        assert!(message.starts_with("bad.json: "), "{message}");
        assert!(message.contains(piece), "{message} lacks {piece}");
    }
}

#[test]
fn oversized_files_are_refused_before_parsing() {
    let big = vec![b' '; MAX_REPORT_BYTES as usize + 1];
    let err = parse_report("big.json", &big).unwrap_err();
    assert!(matches!(err, ReportError::TooLarge { .. }), "{err}");
}

#[test]
fn hostnames_that_real_machines_use_are_accepted() {
    for name in [
        "vm",
        "Johns-MacBook-Pro.local",
        "raspberrypi",
        "DESKTOP-4F2K9QX",
        "node_07",
        "ｍａｃ",
    ] {
        assert!(Hostname::parse(name).is_ok(), "{name}");
    }
    for name in [
        "", ".", "..", ".hidden", "a..b", "a b", "a\tb", "a/b", "a\\b", "x\u{0}",
    ] {
        assert!(Hostname::parse(name).is_err(), "{name:?}");
    }
}

#[test]
fn gflops_estimated_from_the_guides_time() {
    let report = parse(H200).unwrap();
    let gflops = report.machine.benchmark.effective_gflops().unwrap();
    // 100 products of 2e9 operations in 1.58 s.
    assert!((gflops - 126.58).abs() < 0.01, "{gflops}");
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn on_arbitrary_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = parse_report("fuzz.json", &bytes);
        }

        #[test]
        fn on_mutated_reports(cut in 0usize..700, insert in any::<char>()) {
            let mut text = EPYC.to_owned();
            let at = text.char_indices().nth(cut % text.chars().count()).map_or(0, |(i, _)| i);
            text.insert(at, insert);
            let _ = parse(&text);
            let _ = parse(&text[..at]);
        }
    }
}

mod control_scan {
    use super::super::parse::first_control;
    use proptest::prelude::*;

    fn naive(text: &str) -> Option<usize> {
        text.find(|c: char| c.is_control() && !c.is_whitespace())
    }

    #[test]
    fn finds_c0_c1_and_del_but_not_white_space() {
        for (text, expected) in [
            ("{\"a\": 1}\n\t\r\u{b}\u{c}", None),
            ("ok \u{85} next line", None),
            ("é°©\u{a0}", None),
            ("x\u{1}", Some(1)),
            ("ab\u{7f}", Some(2)),
            ("é\u{9b}", Some(2)),
            ("\u{1c}", Some(0)),
        ] {
            assert_eq!(first_control(text), expected, "{text:?}");
        }
        let long = format!("{}\u{0}", " ".repeat(200));
        assert_eq!(first_control(&long), Some(200));
    }

    proptest! {
        #[test]
        fn agrees_with_a_character_scan(text in "\\PC{0,40}[\\x00-\\x1f\\x7f-\\u{a0}]?\\PC{0,90}") {
            prop_assert_eq!(first_control(&text), naive(&text));
        }

        #[test]
        fn agrees_on_any_text(text in any::<String>()) {
            prop_assert_eq!(first_control(&text), naive(&text));
        }
    }
}

#[test]
fn utf16_with_a_byte_order_mark_reads_as_utf8_and_utf32_is_named() {
    let utf8 = include_bytes!("../../../tests/fixtures/encodings/utf8.json");
    let expected = parse_report("utf8.json", utf8).unwrap();
    for (name, bytes) in [
        (
            "le.json",
            &include_bytes!("../../../tests/fixtures/encodings/utf16le.json")[..],
        ),
        (
            "be.json",
            &include_bytes!("../../../tests/fixtures/encodings/utf16be.json")[..],
        ),
    ] {
        assert_eq!(parse_report(name, bytes).unwrap(), expected, "{name}");
    }
    let utf32 = include_bytes!("../../../tests/fixtures/bad/utf32.json");
    let error = parse_report("w.json", utf32).unwrap_err().to_string();
    assert!(error.contains("UTF-32"), "{error}");
    // Half a code unit at the end, or an unpaired surrogate, is not text.
    let mut odd = include_bytes!("../../../tests/fixtures/encodings/utf16le.json").to_vec();
    odd.push(b'{');
    let error = parse_report("odd.json", &odd).unwrap_err().to_string();
    assert!(error.contains("UTF-16 that is not valid"), "{error}");
}

/// The EPYC report with a `performance` section.
fn with_performance(section: serde_json::Value) -> String {
    with(&["performance"], section)
}

#[test]
fn a_performance_section_loads_and_writes_back_unchanged() {
    let section = serde_json::json!({
        "memory_bandwidth": {"triad_all_cores_gb_s": 24.9, "threads": 2, "source": "measured"},
        "context_tokens": 512,
        "devices": [{"kind": "cpu", "name": "CPU", "bandwidth_gb_s": 24.9,
                     "bandwidth_source": "measured",
                     "speeds": [{"level": "q4", "gguf": "Q4_K_M", "generation_tok_s": 2.2,
                                 "source": "predicted"}]}],
        "a_later_versions_key": true
    });
    let report = parse(&with_performance(section)).unwrap();
    let performance = report.machine.performance.as_ref().unwrap();
    assert_eq!(performance.devices[0].speeds[0].generation_tok_s, Some(2.2));
    let back = parse(&serde_json::to_string(&report).unwrap()).unwrap();
    assert_eq!(back, report);
    // The guide's reports have none, and still load.
    assert_eq!(parse(EPYC).unwrap().machine.performance, None);
}

#[test]
fn impossible_speed_figures_are_named_with_their_values() {
    let device = |speed: serde_json::Value| serde_json::json!({"devices": [{"kind": "gpu", "name": "NVIDIA H200", "speeds": [speed]}]});
    let cases = [
        (
            serde_json::json!({"memory_bandwidth": {"triad_all_cores_gb_s": -4.0}}),
            "performance.memory_bandwidth.triad_all_cores_gb_s",
            "-4",
        ),
        (
            device(serde_json::json!({"generation_tok_s": 1e300})),
            "performance.devices[0].speeds[0].generation_tok_s",
            "1e300",
        ),
        (
            device(serde_json::json!({"offloaded": 1.5})),
            "performance.devices[0].speeds[0].offloaded",
            "1.5",
        ),
        (
            serde_json::json!({"devices": [{"bandwidth_gb_s": "fast"}]}),
            "performance.devices[0].bandwidth_gb_s",
            "\"fast\"",
        ),
        (
            serde_json::json!({"compute": {"int8_gops": -1.0}}),
            "performance.compute.int8_gops",
            "-1",
        ),
        (
            serde_json::json!({"compute": {"f16_gflops": -5.0}}),
            "performance.compute.f16_gflops",
            "-5",
        ),
    ];
    for (section, field, value) in cases {
        let message = parse(&with_performance(section)).unwrap_err().to_string();
        assert!(message.contains(field), "{field}: {message}");
        assert!(message.contains(value), "{value}: {message}");
    }
}
