//! Reading a model folder: `config.json`, sentence-transformers' settings, the tokenizer and
//! the weights, each checked so that a bad file is named rather than met as a crash.

use super::{ModelError, guarded};
use candle_core::{DType, Device};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use serde::Deserialize;
use std::path::Path;
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams, TruncationStrategy};

/// The largest weights file accepted: all-MiniLM-L6-v2's is 87 MiB, so anything this big is
/// another model, and reading it could exhaust the memory the test means to measure.
pub const MAX_WEIGHTS_BYTES: u64 = 1 << 30;

/// The largest JSON configuration file accepted.
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// What a model folder gives.
pub struct Parts {
    /// The network with its weights.
    pub model: BertModel,
    /// The tokenizer, set to pad each batch to its longest sentence and truncate at
    /// `max_seq_length`.
    pub tokenizer: Tokenizer,
    /// Lowercase sentences before tokenizing.
    pub lowercase: bool,
    /// Tokens kept per sentence.
    pub max_seq_length: usize,
}

/// sentence-transformers' `sentence_bert_config.json`.
#[derive(Debug, Default, Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
    #[serde(default)]
    do_lower_case: bool,
}

/// sentence-transformers' `1_Pooling/config.json`; only mean pooling is implemented.
#[derive(Debug, Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_mean_tokens: bool,
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
    #[serde(default)]
    pooling_mode_mean_sqrt_len_tokens: bool,
}

/// The part of `config.json` checked before candle reads it.
#[derive(Debug, Deserialize)]
struct ConfigHead {
    model_type: Option<String>,
}

/// all-MiniLM-L6-v2's `max_seq_length`, from its `sentence_bert_config.json`: used when a
/// folder holds only the required files, so that it encodes as sentence-transformers does
/// rather than truncating at `max_position_embeddings` (512).
const MODEL_MAX_SEQ_LENGTH: usize = 256;

/// Reads and checks every file of the model in `dir`.
pub fn load(dir: &Path) -> Result<Parts, ModelError> {
    let config_path = dir.join("config.json");
    let head: ConfigHead = read_json(&config_path)?;
    if let Some(kind) = head.model_type.as_deref().filter(|k| *k != "bert") {
        return Err(ModelError::new(
            &config_path,
            format!("model_type is \"{kind}\", not \"bert\": this is not all-MiniLM-L6-v2"),
        ));
    }
    let config: Config = read_json(&config_path)?;
    check_config(&config_path, &config)?;

    let st_path = dir.join("sentence_bert_config.json");
    let st: SentenceBertConfig = if st_path.is_file() {
        read_json(&st_path)?
    } else {
        SentenceBertConfig::default()
    };
    let max_seq_length = st
        .max_seq_length
        .unwrap_or(MODEL_MAX_SEQ_LENGTH.min(config.max_position_embeddings));
    if !(2..=config.max_position_embeddings).contains(&max_seq_length) {
        return Err(ModelError::new(
            &st_path,
            format!(
                "max_seq_length is {max_seq_length}, expected 2 to {} (config.json's \
                 max_position_embeddings)",
                config.max_position_embeddings
            ),
        ));
    }
    let pooling_path = dir.join("1_Pooling").join("config.json");
    if pooling_path.is_file() {
        let pooling: PoolingConfig = read_json(&pooling_path)?;
        let others = pooling.pooling_mode_cls_token
            || pooling.pooling_mode_max_tokens
            || pooling.pooling_mode_mean_sqrt_len_tokens;
        if !pooling.pooling_mode_mean_tokens || others {
            return Err(ModelError::new(
                &pooling_path,
                "the pooling is not plain mean pooling, which all-MiniLM-L6-v2 uses",
            ));
        }
    }

    let tokenizer = load_tokenizer(dir, &config, max_seq_length)?;
    let model = load_weights(dir, &config)?;
    Ok(Parts {
        model,
        tokenizer,
        lowercase: st.do_lower_case,
        max_seq_length,
    })
}

/// Reads a small JSON file into `T`; errors name the file.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ModelError> {
    let size = std::fs::metadata(path)
        .map_err(|e| ModelError::new(path, format!("cannot read it: {e}")))?
        .len();
    if size > MAX_CONFIG_BYTES {
        return Err(ModelError::new(
            path,
            format!("is {size} bytes, too large for a configuration file"),
        ));
    }
    let text =
        std::fs::read(path).map_err(|e| ModelError::new(path, format!("cannot read it: {e}")))?;
    serde_json::from_slice(&text)
        .map_err(|e| ModelError::new(path, format!("is not a valid configuration: {e}")))
}

/// Checks what candle would otherwise meet as a panic or an out-of-range index.
fn check_config(path: &Path, config: &Config) -> Result<(), ModelError> {
    let problem = if config.num_attention_heads == 0
        || !config
            .hidden_size
            .is_multiple_of(config.num_attention_heads)
    {
        Some(format!(
            "hidden_size {} is not a multiple of num_attention_heads {}",
            config.hidden_size, config.num_attention_heads
        ))
    } else if config.vocab_size == 0 || config.max_position_embeddings < 2 {
        Some(format!(
            "vocab_size {} or max_position_embeddings {} is too small",
            config.vocab_size, config.max_position_embeddings
        ))
    } else {
        None
    };
    match problem {
        Some(message) => Err(ModelError::new(path, message)),
        None => Ok(()),
    }
}

fn load_tokenizer(
    dir: &Path,
    config: &Config,
    max_seq_length: usize,
) -> Result<Tokenizer, ModelError> {
    let path = dir.join("tokenizer.json");
    let mut tokenizer = guarded(&path, || {
        Tokenizer::from_file(&path).map_err(|e| format!("is not a readable tokenizer: {e}"))
    })?;
    let vocab = tokenizer.get_vocab_size(true);
    if vocab > config.vocab_size {
        return Err(ModelError::new(
            &path,
            format!(
                "has {vocab} tokens, more than config.json's vocab_size {}: they belong to \
                 different models",
                config.vocab_size
            ),
        ));
    }
    // tokenizer.json pads and truncates at 128; sentence-transformers pads each batch to its
    // longest sentence and truncates at max_seq_length.
    let (pad_id, pad_token) = tokenizer.get_padding().map_or_else(
        || (config.pad_token_id as u32, "[PAD]".to_owned()),
        |p| (p.pad_id, p.pad_token.clone()),
    );
    tokenizer.with_padding(Some(PaddingParams {
        strategy: PaddingStrategy::BatchLongest,
        pad_id,
        pad_token,
        ..PaddingParams::default()
    }));
    tokenizer
        .with_truncation(Some(TruncationParams {
            max_length: max_seq_length,
            strategy: TruncationStrategy::LongestFirst,
            stride: 0,
            ..TruncationParams::default()
        }))
        .map_err(|e| ModelError::new(&path, format!("cannot truncate at {max_seq_length}: {e}")))?;
    Ok(tokenizer)
}

fn load_weights(dir: &Path, config: &Config) -> Result<BertModel, ModelError> {
    let path = dir.join("model.safetensors");
    let size = std::fs::metadata(&path)
        .map_err(|e| ModelError::new(&path, format!("cannot read it: {e}")))?
        .len();
    if size > MAX_WEIGHTS_BYTES {
        return Err(ModelError::new(
            &path,
            format!(
                "is {:.1} GiB; all-MiniLM-L6-v2's weights are 87 MiB, so this is another model",
                size as f64 / f64::from(1u32 << 30)
            ),
        ));
    }
    let tensors = guarded(&path, || super::weights::read_tensors(&path))?;
    let vb = VarBuilder::from_tensors(tensors, DType::F32, &Device::Cpu);
    guarded(&path, || {
        BertModel::load(vb, config).map_err(|e| format!("does not fit config.json: {e}"))
    })
}
