//! `llmcap probe --llm-test`: a real Phi-3 measurement through Ollama's own server.
//!
//! It asks `/api/generate` for 64 tokens of a fixed prompt (`stream: false`) and reads
//! Ollama's own counters: generation tok/s = `eval_count / eval_duration`, prompt tok/s =
//! `prompt_eval_count / prompt_eval_duration` (durations in nanoseconds). The model's
//! quantization comes from `/api/show`. Every failure (no server, no Phi-3 model, a hang, an
//! answer that is not Ollama's, zero durations) is a recorded reason.

use llmcap_core::num::round2;
use llmcap_core::speed::report::{OllamaSpeed, Source};
use serde::Deserialize;
use std::time::Duration;

/// The prompt: short, fixed, and one that every model answers at length.
pub const PROMPT: &str = "Explain in a few sentences why the sky is blue.";

/// Tokens to generate (`options.num_predict`).
pub const TOKENS: u32 = 64;

/// How long the whole test may take by default, loading the model included: a 2 GB model
/// loads from a slow disk in about 30 s, and 64 tokens at 1 tok/s take a minute. The
/// command line's default (`--llm-test-timeout`) is this, in seconds.
pub const DEFAULT_TIMEOUT_SECONDS: &str = "120";

/// Ollama's counters from one `/api/generate` answer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Counters {
    /// Generation tokens a second.
    pub generation_tok_s: f64,
    /// Prompt tokens a second; `None` when Ollama evaluated no prompt (a cached prompt).
    pub prompt_tok_s: Option<f64>,
    /// Tokens generated.
    pub eval_count: u64,
    /// Prompt tokens evaluated.
    pub prompt_eval_count: Option<u64>,
}

#[derive(Deserialize)]
struct GenerateAnswer {
    eval_count: Option<u64>,
    eval_duration: Option<u64>,
    prompt_eval_count: Option<u64>,
    prompt_eval_duration: Option<u64>,
    error: Option<String>,
}

fn per_second(count: u64, nanoseconds: u64) -> Option<f64> {
    (count > 0 && nanoseconds > 0).then(|| count as f64 / (nanoseconds as f64 / 1e9))
}

/// Parses `/api/generate`'s answer (`stream: false`). Errors say what was wrong.
pub fn parse_generate(body: &str) -> Result<Counters, String> {
    let answer: GenerateAnswer = serde_json::from_str(body.trim())
        .map_err(|_| format!("the answer was not Ollama's: {}", excerpt(body)))?;
    if let Some(error) = answer.error {
        return Err(format!(
            "Ollama answered with an error: {}",
            excerpt(&error)
        ));
    }
    let (Some(count), Some(duration)) = (answer.eval_count, answer.eval_duration) else {
        return Err("the answer has no eval_count or eval_duration".to_owned());
    };
    let generation_tok_s = per_second(count, duration).ok_or_else(|| {
        format!("the answer reports {count} tokens in {duration} ns, which gives no speed")
    })?;
    let prompt_tok_s = answer
        .prompt_eval_count
        .zip(answer.prompt_eval_duration)
        .and_then(|(c, d)| per_second(c, d));
    Ok(Counters {
        generation_tok_s,
        prompt_tok_s,
        eval_count: count,
        prompt_eval_count: answer.prompt_eval_count,
    })
}

/// The quantization level from `/api/show`'s answer (`details.quantization_level`).
pub fn parse_quantization(body: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Show {
        details: Option<Details>,
    }
    #[derive(Deserialize)]
    struct Details {
        quantization_level: Option<String>,
    }
    let show: Show = serde_json::from_str(body.trim()).ok()?;
    show.details?
        .quantization_level
        .map(|q| q.trim().to_owned())
        .filter(|q| !q.is_empty())
}

/// The Phi-3 model to test among Ollama's models: a `phi3…` tag, preferring a mini one.
pub fn choose_model(models: &[String]) -> Option<&str> {
    let phi3: Vec<&str> = models
        .iter()
        .map(String::as_str)
        .filter(|m| {
            let m = m.to_ascii_lowercase();
            m.starts_with("phi3") || m.starts_with("phi-3")
        })
        .collect();
    phi3.iter()
        .find(|m| m.to_ascii_lowercase().contains("mini"))
        .or_else(|| phi3.first())
        .copied()
}

fn excerpt(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("");
    let mut short: String = line.chars().take(120).collect();
    if line.chars().count() > 120 || text.trim().lines().count() > 1 {
        short.push('…');
    }
    if short.is_empty() {
        "(empty)".to_owned()
    } else {
        short
    }
}

/// Runs the test against the server at `base` (reachable, with `models`); both requests
/// together stay within `timeout`.
pub fn run(
    base: &str,
    server_reachable: bool,
    models: &[String],
    timeout: Duration,
) -> OllamaSpeed {
    let not_measured = |reason: String, model: Option<&str>| OllamaSpeed {
        reason: Some(reason),
        model: model.map(str::to_owned),
        ..Default::default()
    };
    if !server_reachable {
        return not_measured(format!("Ollama's server at {base} did not answer"), None);
    }
    let Some(model) = choose_model(models) else {
        return not_measured(
            "no Phi-3 model in Ollama (`ollama pull phi3:mini` adds one)".to_owned(),
            None,
        );
    };
    let started = std::time::Instant::now();
    let quantization = post(
        &format!("{base}/api/show"),
        &serde_json::json!({ "model": model }),
        timeout,
    )
    .ok()
    .and_then(|body| parse_quantization(&body));
    let left = timeout.saturating_sub(started.elapsed());
    let request = serde_json::json!({
        "model": model,
        "prompt": PROMPT,
        "stream": false,
        "options": { "num_predict": TOKENS, "temperature": 0, "seed": 42 },
    });
    let counters = post(&format!("{base}/api/generate"), &request, left)
        .and_then(|body| parse_generate(&body));
    match counters {
        Ok(c) => OllamaSpeed {
            measured: true,
            reason: None,
            model: Some(model.to_owned()),
            quantization,
            generation_tok_s: Some(round2(c.generation_tok_s)),
            prompt_tok_s: c.prompt_tok_s.map(round2),
            eval_count: Some(c.eval_count),
            prompt_eval_count: c.prompt_eval_count,
            source: Some(Source::Measured),
        },
        Err(reason) => OllamaSpeed {
            quantization,
            ..not_measured(reason, Some(model))
        },
    }
}

fn post(url: &str, body: &serde_json::Value, timeout: Duration) -> Result<String, String> {
    if timeout.is_zero() {
        return Err(format!("{url}: no time left within the test's timeout"));
    }
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(timeout))
        .http_status_as_error(true)
        .build()
        .into();
    let mut response = agent
        .post(url)
        .send_json(body)
        .map_err(|e| format!("{url}: {e}"))?;
    response
        .body_mut()
        .with_config()
        .limit(16 * 1024 * 1024)
        .read_to_string()
        .map_err(|e| format!("{url}: {e}"))
}

#[cfg(test)]
mod tests;
