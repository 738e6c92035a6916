//! Loading all-MiniLM-L6-v2 with candle and tokenizers, and encoding sentences exactly as
//! sentence-transformers does: sentences sorted by length into batches, padding to the
//! longest in each batch, truncation at `max_seq_length`, attention-masked mean pooling and
//! L2 normalisation.

mod load;
mod weights;

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::bert::BertModel;
use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tokenizers::Tokenizer;

/// sentence-transformers' batch size, used unless told otherwise.
pub const DEFAULT_BATCH_SIZE: usize = 32;

/// A problem with a model file, naming it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelError {
    /// The file, or the folder when no single file is to blame.
    pub file: PathBuf,
    /// What is wrong.
    pub message: String,
}

impl ModelError {
    fn new(file: &Path, message: impl Into<String>) -> ModelError {
        ModelError {
            file: file.to_owned(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

/// A loaded model with its tokenizer, ready to encode.
pub struct Encoder {
    model: BertModel,
    tokenizer: Tokenizer,
    lowercase: bool,
    /// Tokens kept per sentence.
    pub max_seq_length: usize,
    dir: PathBuf,
}

impl fmt::Debug for Encoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Encoder")
            .field("dir", &self.dir)
            .field("max_seq_length", &self.max_seq_length)
            .field("lowercase", &self.lowercase)
            .finish_non_exhaustive()
    }
}

/// What one call to [`Encoder::encode`] did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct EncodeStats {
    /// Sentences encoded.
    pub sentences: usize,
    /// Tokens of the sentences, special tokens included, padding not.
    pub tokens: usize,
    /// Tokens the model computed: each batch's size times its longest sentence.
    pub padded_tokens: usize,
    /// Wall-clock seconds.
    pub seconds: f64,
}

impl Encoder {
    /// Loads the model in `dir`. Every error names the file at fault; a panic inside a
    /// library becomes an error too.
    pub fn load(dir: &Path) -> Result<Encoder, ModelError> {
        let parts = load::load(dir)?;
        Ok(Encoder {
            model: parts.model,
            tokenizer: parts.tokenizer,
            lowercase: parts.lowercase,
            max_seq_length: parts.max_seq_length,
            dir: dir.to_owned(),
        })
    }

    /// Encodes `sentences` into normalised embeddings, in the order given.
    ///
    /// As sentence-transformers: each sentence is trimmed (and lowercased when
    /// `sentence_bert_config.json` says so), the sentences are sorted by length, longest
    /// first, and cut into batches of `batch_size`, each padded to its longest sentence.
    pub fn encode(
        &self,
        sentences: &[&str],
        batch_size: usize,
    ) -> Result<(Vec<Vec<f32>>, EncodeStats), ModelError> {
        let started = Instant::now();
        let texts: Vec<String> = sentences
            .iter()
            .map(|s| {
                let s = s.trim();
                if self.lowercase {
                    s.to_lowercase()
                } else {
                    s.to_owned()
                }
            })
            .collect();
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| std::cmp::Reverse(texts[i].chars().count()));

        let mut rows: Vec<Vec<f32>> = vec![Vec::new(); texts.len()];
        let mut stats = EncodeStats {
            sentences: texts.len(),
            ..EncodeStats::default()
        };
        for chunk in order.chunks(batch_size.max(1)) {
            let batch: Vec<&str> = chunk.iter().map(|&i| texts[i].as_str()).collect();
            let (embeddings, tokens, padded) = guarded(&self.dir, || self.encode_batch(batch))?;
            stats.tokens += tokens;
            stats.padded_tokens += padded;
            for (&i, row) in chunk.iter().zip(embeddings) {
                rows[i] = row;
            }
        }
        stats.seconds = started.elapsed().as_secs_f64();
        Ok((rows, stats))
    }

    /// Tokens of one sentence after truncation, special tokens included.
    pub fn token_count(&self, sentence: &str) -> Result<usize, ModelError> {
        let path = self.dir.join("tokenizer.json");
        guarded(&path, || {
            self.tokenizer
                .encode(sentence.trim(), true)
                .map(|e| e.get_ids().len())
                .map_err(|e| format!("tokenizing failed: {e}"))
        })
    }

    /// One padded batch through the model: embeddings, real tokens, padded tokens.
    fn encode_batch(&self, batch: Vec<&str>) -> Result<(Vec<Vec<f32>>, usize, usize), String> {
        let size = batch.len();
        let encodings = self
            .tokenizer
            .encode_batch(batch, true)
            .map_err(|e| format!("tokenizing failed: {e}"))?;
        let length = encodings.first().map_or(0, |e| e.get_ids().len());
        let mut ids = Vec::with_capacity(size * length);
        let mut mask = Vec::with_capacity(size * length);
        for encoding in &encodings {
            if encoding.get_ids().len() != length {
                return Err("the tokenizer did not pad the batch to one length".to_owned());
            }
            ids.extend_from_slice(encoding.get_ids());
            mask.extend_from_slice(encoding.get_attention_mask());
        }
        let tokens = mask.iter().map(|&m| m as usize).sum();
        let run = || -> candle_core::Result<Vec<Vec<f32>>> {
            let device = &Device::Cpu;
            let ids = Tensor::from_vec(ids, (size, length), device)?;
            let mask = Tensor::from_vec(mask, (size, length), device)?;
            let types = ids.zeros_like()?;
            let hidden = self.model.forward(&ids, &types, Some(&mask))?;
            let weights = mask.to_dtype(DType::F32)?.unsqueeze(2)?;
            let summed = hidden.broadcast_mul(&weights)?.sum(1)?;
            let counts = weights.sum(1)?.clamp(1e-9f32, f32::MAX)?;
            let mean = summed.broadcast_div(&counts)?;
            let norm = mean
                .sqr()?
                .sum_keepdim(1)?
                .sqrt()?
                .clamp(1e-12f32, f32::MAX)?;
            mean.broadcast_div(&norm)?.to_vec2::<f32>()
        };
        let rows = run().map_err(|e| format!("the model failed while encoding: {e}"))?;
        Ok((rows, tokens, size * length))
    }
}

/// Runs `f`, turning its error or its panic into a [`ModelError`] naming `file`.
fn guarded<T>(file: &Path, f: impl FnOnce() -> Result<T, String>) -> Result<T, ModelError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(result) => result.map_err(|message| ModelError::new(file, message)),
        Err(payload) => {
            let detail = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            Err(ModelError::new(
                file,
                format!("loading or running it crashed the library: {detail}"),
            ))
        }
    }
}
