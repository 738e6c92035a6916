//! The `embed-worker` child: loads the model, encodes the test batches, checks the output
//! against the reference, measures its own memory, and prints one JSON line. Or, with
//! `--fetch-into`, downloads the model into a hub cache.

use super::fetch;
use super::memory;
use super::model::{DEFAULT_BATCH_SIZE, EncodeStats, Encoder};
use super::protocol::{BatchReport, STAGE_PREFIX, WorkerReport, WorkerStatus};
use super::reference::{
    self, GUIDE_COUNT, GUIDE_SENTENCE, Mismatch, Reference, TOLERANCE, max_abs_error,
};
use clap::Args;
use clap::builder::TypedValueParser;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Arguments of the hidden `embed-worker` subcommand (run by `llmcap probe`, not by users).
#[derive(Debug, Clone, Args)]
#[command(group(clap::ArgGroup::new("mode").required(true).args(["model_dir", "fetch_into"])))]
pub struct WorkerArgs {
    /// Load and test the model in this folder.
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Instead, download the model into this Hugging Face hub cache.
    #[arg(long, value_name = "CACHE")]
    pub fetch_into: Option<PathBuf>,
    /// The hub's address, for `--fetch-into`.
    #[arg(long, value_name = "URL", default_value = "https://huggingface.co")]
    pub endpoint: String,
    /// Show a download progress bar on stderr.
    #[arg(long)]
    pub progress: bool,
    /// Sentences per batch.
    #[arg(long, default_value_t = DEFAULT_BATCH_SIZE, value_parser = clap::value_parser!(u64).range(1..=1024).map(|n| n as usize))]
    pub batch_size: usize,
}

/// Runs the worker and prints its JSON result line. Exits 0 whenever it printed a result,
/// success or not.
pub fn worker_main(args: WorkerArgs) -> ExitCode {
    let printed = match (&args.model_dir, &args.fetch_into) {
        (Some(dir), _) => print_line(&test_model(dir, args.batch_size)),
        (None, Some(cache)) => print_line(&fetch::fetch(cache, &args.endpoint, args.progress)),
        (None, None) => false,
    };
    if printed {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    }
}

fn print_line<T: Serialize>(value: &T) -> bool {
    let Ok(line) = serde_json::to_string(value) else {
        return false;
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}").and_then(|()| out.flush()).is_ok()
}

fn stage(name: &str) {
    crate::out::eprint_line(format_args!("{STAGE_PREFIX}{name}"));
}

/// Loads the model in `dir`, encodes the guide's batch and the mixed batch (timed), then the
/// reference sentences, and compares with the reference.
pub fn test_model(dir: &Path, batch_size: usize) -> WorkerReport {
    let baseline = memory::rss();
    let path = dir.display().to_string();
    let mut report = WorkerReport {
        threads: Some(candle_core::utils::get_num_threads() as u64),
        baseline_rss_mib: baseline.current_mib,
        ..WorkerReport::failed(path, String::new())
    };
    let outcome = measure(dir, batch_size, &mut report);
    report.peak_rss_mib = memory::rss().peak_mib;
    match outcome {
        Ok(()) => {
            report.status = WorkerStatus::Success;
            report.reason = None;
        }
        Err(reason) => report.reason = Some(reason),
    }
    report
}

/// Fills `report` step by step, so a failure keeps what was measured before it.
fn measure(dir: &Path, batch_size: usize, report: &mut WorkerReport) -> Result<(), String> {
    let reference = Reference::builtin()?;
    stage("loading");
    let started = Instant::now();
    let encoder = Encoder::load(dir).map_err(|e| e.to_string())?;
    report.load_seconds = Some(started.elapsed().as_secs_f64());

    stage("encoding the guide's batch");
    let guide = vec![GUIDE_SENTENCE; GUIDE_COUNT];
    let (guide_rows, guide_stats) = encoder
        .encode(&guide, batch_size)
        .map_err(|e| e.to_string())?;
    stage("encoding the mixed batch");
    let mixed = reference::mixed_sentences();
    let (mixed_rows, mixed_stats) = encoder
        .encode(&mixed, batch_size)
        .map_err(|e| e.to_string())?;
    let timed = [("guide", guide_stats), ("mixed", mixed_stats)];
    report.encode_seconds = Some(timed.iter().map(|(_, s)| s.seconds).sum());
    report.sentences = Some(timed.iter().map(|(_, s)| s.sentences as u64).sum());
    report.tokens = Some(timed.iter().map(|(_, s)| s.tokens as u64).sum());
    report.padded_tokens = Some(timed.iter().map(|(_, s)| s.padded_tokens as u64).sum());
    report.batches = timed.iter().map(|(n, s)| batch_report(n, s)).collect();

    stage("checking against the reference");
    let (check_rows, check_stats) = encode_reference(&encoder, &reference, batch_size)?;
    report.check_seconds = Some(check_stats.seconds);
    report.batches.push(batch_report("reference", &check_stats));

    let guide_expected = reference
        .embedding_of(GUIDE_SENTENCE)
        .ok_or("llmcap's reference.json lacks the guide's sentence")?;
    let pairs = check_rows
        .iter()
        .zip(&reference.cases)
        .map(|(row, case)| (row.as_slice(), case.embedding.as_slice()))
        .chain(
            guide_rows
                .iter()
                .map(|row| (row.as_slice(), guide_expected)),
        );
    let weights = dir.join("model.safetensors");
    let error = max_abs_error(pairs).map_err(|m| match m {
        Mismatch::Dimension { actual, expected } => format!(
            "model output has {actual} dimensions, the reference has {expected}: {} is not \
             {}",
            dir.display(),
            reference.model
        ),
        Mismatch::NotFinite => format!(
            "model output holds values that are not numbers: {} is corrupted",
            weights.display()
        ),
    })?;
    report.max_abs_error = Some(error);
    if error > TOLERANCE {
        let culprit = match tokenizer_difference(&encoder, &reference)? {
            Some(difference) => format!("{}: {difference}", dir.join("tokenizer.json").display()),
            None => format!(
                "{} is corrupted or is not {}",
                weights.display(),
                reference.model
            ),
        };
        return Err(format!(
            "model output does not match the reference (max abs error {error:.1e}, allowed \
             {TOLERANCE:.0e}): {culprit}"
        ));
    }
    if let Some(bad) = mixed_rows.iter().position(|r| !unit_length(r)) {
        return Err(format!(
            "the embedding of mixed sentence {} is not a unit vector: {} is corrupted",
            bad + 1,
            weights.display()
        ));
    }
    // The reference sentences use a few hundred of the 30,522 token rows: a damaged row they
    // do not use would pass the comparison. The file's digest covers every byte.
    stage("checking the weights file");
    let digest = sha256_hex(&weights)
        .map_err(|e| format!("{}: cannot read the file: {e}", weights.display()))?;
    if digest != reference.model_safetensors_sha256 {
        return Err(format!(
            "{} differs from the published file (sha256 {digest}, expected {}): it is \
             corrupted or is not {}; download it again",
            weights.display(),
            reference.model_safetensors_sha256,
            reference.model
        ));
    }
    Ok(())
}

/// The SHA-256 of a file, in lowercase hex, read in 1 MiB pieces.
fn sha256_hex(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(format!("{:x}", hasher.finalize()))
}

/// Encodes the reference sentences in their order: the short ones as one padded batch
/// (which checks the attention mask), each long one alone (padding short sentences to 256
/// tokens would only cost time).
fn encode_reference(
    encoder: &Encoder,
    reference: &Reference,
    batch_size: usize,
) -> Result<(Vec<Vec<f32>>, EncodeStats), String> {
    const LONG: usize = 64;
    let mut rows = vec![Vec::new(); reference.cases.len()];
    let mut total = EncodeStats::default();
    let (long, short): (Vec<_>, Vec<_>) =
        (0..reference.cases.len()).partition(|&i| reference.cases[i].tokens > LONG);
    let groups = std::iter::once(short).chain(long.into_iter().map(|i| vec![i]));
    for group in groups.filter(|g| !g.is_empty()) {
        let sentences: Vec<&str> = group
            .iter()
            .map(|&i| reference.cases[i].sentence.as_str())
            .collect();
        let (embeddings, stats) = encoder
            .encode(&sentences, batch_size)
            .map_err(|e| e.to_string())?;
        for (&i, row) in group.iter().zip(embeddings) {
            rows[i] = row;
        }
        total.sentences += stats.sentences;
        total.tokens += stats.tokens;
        total.padded_tokens += stats.padded_tokens;
        total.seconds += stats.seconds;
    }
    Ok((rows, total))
}

/// How the tokenizer splits a reference sentence differently from sentence-transformers.
fn tokenizer_difference(
    encoder: &Encoder,
    reference: &Reference,
) -> Result<Option<String>, String> {
    if encoder.max_seq_length != reference.max_seq_length {
        return Ok(Some(format!(
            "max_seq_length is {}, sentence-transformers used {}",
            encoder.max_seq_length, reference.max_seq_length
        )));
    }
    for (i, case) in reference.cases.iter().enumerate() {
        let tokens = encoder
            .token_count(&case.sentence)
            .map_err(|e| e.to_string())?;
        if tokens != case.tokens {
            return Ok(Some(format!(
                "it splits reference sentence {} into {tokens} tokens, sentence-transformers \
                 into {}",
                i + 1,
                case.tokens
            )));
        }
    }
    Ok(None)
}

fn batch_report(name: &str, stats: &EncodeStats) -> BatchReport {
    BatchReport {
        name: name.to_owned(),
        sentences: stats.sentences as u64,
        tokens: stats.tokens as u64,
        padded_tokens: stats.padded_tokens as u64,
        seconds: stats.seconds,
    }
}

fn unit_length(row: &[f32]) -> bool {
    let norm: f64 = row
        .iter()
        .map(|v| f64::from(*v).powi(2))
        .sum::<f64>()
        .sqrt();
    (norm - 1.0).abs() < 1e-3
}
