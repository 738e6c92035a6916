//! The parent's side of the test: find the model (or download it), run the
//! `embed-worker` child under the time limit, and turn whatever happened into the report's
//! [`Embedding`]. Never panics: every outcome is a status with a reason.

use super::EmbedOptions;
use super::locate::{MODEL_DIR_FLAG, MODEL_ID, ModelLocation, SkipReason, Source, locate_model};
use super::protocol::{FetchReport, STAGE_PREFIX, WorkerReport, last_stage, parse_last_line};
use super::supervise::{self, Outcome, describe_exit, stderr_gist};
use llmcap_core::report::{Embedding, EmbeddingStatus};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// The hidden subcommand that runs the child.
pub const WORKER_SUBCOMMAND: &str = "embed-worker";

/// What the test is about to do, for a progress line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Downloading the model from the hub into this cache.
    Downloading {
        /// The hub cache.
        cache: PathBuf,
        /// The hub's address.
        endpoint: String,
    },
    /// Loading and testing the model in this folder.
    Testing {
        /// The model folder.
        dir: PathBuf,
        /// Where it was found.
        source: Source,
    },
}

/// Runs the embedding load test; `notify` hears each step before it starts.
pub fn run_test_with(options: &EmbedOptions, notify: &mut dyn FnMut(&Step)) -> Embedding {
    if let Some(reason) = &options.skip {
        return Embedding::skipped(reason.clone());
    }
    let location = match locate_model(options.model_dir.as_deref(), &options.env) {
        Ok(location) => location,
        Err(skip) => {
            let named_dir = match &skip {
                SkipReason::Explicit { dir, .. } => Some(dir.display().to_string()),
                SkipReason::NotCached { .. } => None,
            };
            // A folder the user named is never replaced by a download.
            let found = match named_dir {
                Some(_) => Err(skip.to_string()),
                None => download(options, &skip, notify),
            };
            match found {
                Ok(location) => location,
                Err(reason) => {
                    return Embedding {
                        model: Some(MODEL_ID.to_owned()),
                        model_path: named_dir,
                        ..Embedding::skipped(reason)
                    };
                }
            }
        }
    };
    notify(&Step::Testing {
        dir: location.dir.clone(),
        source: location.source.clone(),
    });
    test_in_child(options, &location.dir)
}

/// Step 3 of the search: download into the hub cache, unless offline.
fn download(
    options: &EmbedOptions,
    not_cached: &SkipReason,
    notify: &mut dyn FnMut(&Step),
) -> Result<ModelLocation, String> {
    let copy_fix = format!(
        "or copy the model to this machine and pass {MODEL_DIR_FLAG} DIR \
         (`hf download {MODEL_ID}` fetches it on a connected machine)"
    );
    let offline_by = if options.offline {
        Some(("--offline", "without --offline"))
    } else if options.env.offline() {
        Some(("HF_HUB_OFFLINE", "with HF_HUB_OFFLINE unset"))
    } else {
        None
    };
    if let Some((by, rerun)) = offline_by {
        return Err(format!(
            "{not_cached}, and downloads are off ({by}); fix: run once {rerun} to download it \
             (87 MiB), {copy_fix}"
        ));
    }
    let SkipReason::NotCached {
        hub_cache: Some(cache),
        ..
    } = not_cached
    else {
        return Err(format!("{not_cached}; fix: set HF_HOME, {copy_fix}"));
    };
    let endpoint = options.env.endpoint();
    notify(&Step::Downloading {
        cache: cache.clone(),
        endpoint: endpoint.clone(),
    });
    let fix = format!(
        "fix: connect this machine to {endpoint} and rerun, {copy_fix}, or pass --offline \
         to skip the download"
    );
    let mut command = worker_command(options)?;
    command
        .arg("--fetch-into")
        .arg(cache)
        .arg("--endpoint")
        .arg(&endpoint);
    if options.download_progress {
        command.arg("--progress");
    }
    let failed = |why: String| format!("{not_cached}, and downloading it failed: {why}; {fix}");
    let limit = options.download_timeout;
    match supervise::run(command, limit, !options.download_progress) {
        Outcome::Exited { status, stdout, .. } => match parse_last_line::<FetchReport>(&stdout) {
            Ok(FetchReport {
                model_path: Some(dir),
                ..
            }) => Ok(ModelLocation {
                dir: PathBuf::from(dir),
                source: Source::Downloaded(cache.clone()),
            }),
            Ok(FetchReport { error, .. }) => Err(failed(
                error.unwrap_or_else(|| "no reason given".to_owned()),
            )),
            Err(why) => Err(failed(format!(
                "the download worker {}: {why}",
                describe_exit(status)
            ))),
        },
        Outcome::TimedOut { .. } => Err(failed(format!(
            "it did not finish within {}",
            seconds(limit)
        ))),
        Outcome::Failed(e) => Err(failed(format!("cannot start the download worker: {e}"))),
    }
}

/// The `llmcap embed-worker` command line, with the thread count set.
fn worker_command(options: &EmbedOptions) -> Result<Command, String> {
    let exe = match &options.worker_exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe()
            .map_err(|e| format!("cannot find llmcap's own executable to run the test: {e}"))?,
    };
    let mut command = Command::new(exe);
    command.arg(WORKER_SUBCOMMAND);
    // candle captures a backtrace into every error when RUST_BACKTRACE is set; a reason
    // must stay one readable line.
    command.env("RUST_LIB_BACKTRACE", "0");
    if let Some(threads) = options.threads {
        command.env("RAYON_NUM_THREADS", threads.to_string());
    }
    Ok(command)
}

/// Runs the load-and-encode child on `dir` and reads its result.
fn test_in_child(options: &EmbedOptions, dir: &Path) -> Embedding {
    let failed = |reason: String| Embedding {
        status: EmbeddingStatus::Fail,
        model: Some(MODEL_ID.to_owned()),
        model_path: Some(dir.display().to_string()),
        ..Embedding::skipped(reason)
    };
    let mut command = match worker_command(options) {
        Ok(command) => command,
        Err(reason) => return failed(reason),
    };
    command
        .arg("--model-dir")
        .arg(dir)
        .arg("--batch-size")
        .arg(options.batch_size.to_string());
    match supervise::run(command, options.timeout, true) {
        Outcome::Exited {
            status,
            stdout,
            stderr,
        } => match (parse_last_line::<WorkerReport>(&stdout), status.success()) {
            (Ok(report), true) => report.into_embedding(MODEL_ID),
            (parsed, exited_well) => {
                let how = match parsed {
                    Err(why) if exited_well => format!("gave no usable result: {why}"),
                    _ => describe_exit(status),
                };
                let during = last_stage(&stderr)
                    .map(|s| format!(" while {s}"))
                    .unwrap_or_default();
                let detail = stderr_gist(&stderr, STAGE_PREFIX.trim_end())
                    .map(|g| format!(": {g}"))
                    .unwrap_or_default();
                failed(format!("the embedding worker {how}{during}{detail}"))
            }
        },
        Outcome::TimedOut { stderr } => {
            let during = last_stage(&stderr)
                .map(|s| format!(", still {s}"))
                .unwrap_or_default();
            Embedding {
                status: EmbeddingStatus::Timeout,
                ..failed(format!(
                    "the model did not load and encode within {} (--embedding-timeout){during}; \
                     this machine is slow or busy: rerun with a longer --embedding-timeout",
                    seconds(options.timeout)
                ))
            }
        }
        Outcome::Failed(e) => failed(format!("cannot run the embedding worker: {e}")),
    }
}

fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

#[cfg(test)]
#[cfg(unix)]
mod tests;
