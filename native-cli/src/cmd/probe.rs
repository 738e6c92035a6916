//! `llmcap probe`: measure, print the verdict, write the report.

use crate::bench::BenchOptions;
use crate::cli::ProbeArgs;
use crate::embed::EmbedOptions;
use crate::probe::{self, ProbeOptions};
use crate::progress::Progress;
use crate::{out, render, report_io};
use llmcap_core::document::{document, sheet};
use llmcap_core::recommend::Settings;
use std::process::ExitCode;

/// Runs the probe. Exit code 0 when the machine can run the prerequisites, 1 when it cannot;
/// an error is exit code 2 (see `main`).
pub fn run(args: ProbeArgs) -> anyhow::Result<ExitCode> {
    if !args.no_save {
        std::fs::create_dir_all(&args.output_dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", args.output_dir.display()))?;
    }
    let options = ProbeOptions {
        output_dir: args.output_dir.clone(),
        hostname: args.hostname.clone(),
        bench: (!args.skip_benchmark).then(|| BenchOptions {
            budget: args.bench_seconds,
            ..Default::default()
        }),
        bandwidth_budget: (!args.skip_benchmark).then_some(args.speed.bandwidth_seconds),
        llm_test: args.speed.llm_test.then_some(args.speed.llm_test_timeout),
        embedding: (!args.embed.skip_embedding).then(|| EmbedOptions::from_args(&args.embed)),
        tool_timeout: args.tool_timeout,
        // A value that is not UTF-8 is passed on with U+FFFD for its bad bytes, so that the
        // probe warns about it instead of silently asking the default server.
        ollama_host: std::env::var_os("OLLAMA_HOST").map(|v| v.to_string_lossy().into_owned()),
    };
    let steps = 2
        + usize::from(options.bench.is_some())
        + usize::from(options.bandwidth_budget.is_some())
        + usize::from(options.llm_test.is_some())
        + usize::from(options.embedding.is_some());
    let mut progress = Progress::new(args.quiet, steps);
    let measurements = probe::measure(&options, &mut progress);
    progress.finish();

    let report = probe::assemble(measurements, options.hostname.clone());
    let settings = Settings {
        target_batch_size: args.target_batch_size,
        context_tokens: args.context,
    };
    let document = document(&report, &settings);
    let json = report_io::to_json(&document)?;
    let file_name = report_io::report_file_name(&report);
    report_io::check_readable(&file_name, &json)?;
    let saved = if args.no_save {
        None
    } else {
        let path = args.output_dir.join(file_name);
        report_io::write_atomic(&path, &json)?;
        Some(path)
    };
    let link = llmcap_core::link::link(&args.link.page_url, json.as_bytes());
    if args.json {
        out::print(&json)?;
    } else if args.link.link {
        out::print(&format!("{}\n", link?))?;
    } else {
        let heading = format!("{} ({})", report.hostname, report.timestamp);
        let mut text = render::human(&heading, &sheet(&document));
        if let Some(path) = &saved {
            text.push_str(&format!("Report saved to: {}\n", path.display()));
        }
        text.push_str(&match link {
            Ok(url) => format!("Add it to the page's fleet: {url}\n"),
            Err(e) => format!("No link to the page: {e}\n"),
        });
        out::print(&text)?;
    }
    Ok(if report.capabilities.prerequisites {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
