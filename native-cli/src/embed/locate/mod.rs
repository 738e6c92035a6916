//! Finding all-MiniLM-L6-v2 on disk: a folder the user names, else the caches that the
//! Hugging Face tools and sentence-transformers fill, so a machine that already has the
//! model pays nothing.
//!
//! The search order is computed by the pure [`candidates`] from a [`SearchEnv`] captured
//! once at the edge; only [`locate_model`] touches the file system.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

/// The model the test loads, as the Hugging Face hub names it.
pub const MODEL_ID: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// The files a model folder must hold for the test to run.
pub const REQUIRED_FILES: &[&str] = &["config.json", "tokenizer.json", "model.safetensors"];

/// The optional files that describe sentence-transformers' pipeline; fetched with the model.
pub const PIPELINE_FILES: &[&str] = &[
    "sentence_bert_config.json",
    "modules.json",
    "1_Pooling/config.json",
    "tokenizer_config.json",
];

/// The name of the flag that names a model folder.
pub const MODEL_DIR_FLAG: &str = "--model-dir";
/// The environment variable that names a model folder when the flag is absent.
pub const MODEL_DIR_ENV: &str = "LLMCAP_MODEL_DIR";

/// The environment values the model search reads, captured once so the search order is a
/// pure function of them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchEnv {
    /// `LLMCAP_MODEL_DIR`.
    pub llmcap_model_dir: Option<PathBuf>,
    /// `HF_HUB_CACHE`: the hub cache itself.
    pub hf_hub_cache: Option<PathBuf>,
    /// `HUGGINGFACE_HUB_CACHE`: its older name.
    pub huggingface_hub_cache: Option<PathBuf>,
    /// `HF_HOME`: the cache is `$HF_HOME/hub`.
    pub hf_home: Option<PathBuf>,
    /// `XDG_CACHE_HOME`: `HF_HOME` defaults to `$XDG_CACHE_HOME/huggingface`.
    pub xdg_cache_home: Option<PathBuf>,
    /// `SENTENCE_TRANSFORMERS_HOME`: sentence-transformers' own cache folder, if set.
    pub sentence_transformers_home: Option<PathBuf>,
    /// `TORCH_HOME`: where sentence-transformers before 2.3 kept models.
    pub torch_home: Option<PathBuf>,
    /// The user's home folder.
    pub home: Option<PathBuf>,
    /// `HF_HUB_OFFLINE`.
    pub hf_hub_offline: Option<String>,
    /// `HF_ENDPOINT`: the hub's address, for mirrors.
    pub hf_endpoint: Option<String>,
}

impl SearchEnv {
    /// Reads the variables from this process's environment. Empty values count as unset.
    pub fn from_process() -> SearchEnv {
        let path = |name: &str| non_empty(std::env::var_os(name)).map(PathBuf::from);
        let text = |name: &str| {
            non_empty(std::env::var_os(name)).map(|v| v.to_string_lossy().into_owned())
        };
        SearchEnv {
            llmcap_model_dir: path(MODEL_DIR_ENV),
            hf_hub_cache: path("HF_HUB_CACHE"),
            huggingface_hub_cache: path("HUGGINGFACE_HUB_CACHE"),
            hf_home: path("HF_HOME"),
            xdg_cache_home: path("XDG_CACHE_HOME"),
            sentence_transformers_home: path("SENTENCE_TRANSFORMERS_HOME"),
            torch_home: path("TORCH_HOME"),
            home: std::env::home_dir(),
            hf_hub_offline: text("HF_HUB_OFFLINE"),
            hf_endpoint: text("HF_ENDPOINT"),
        }
    }

    /// `HF_HUB_OFFLINE` is set to a true value (`1`, `on`, `yes`, `true`, as
    /// `huggingface_hub` reads it).
    pub fn offline(&self) -> bool {
        self.hf_hub_offline.as_deref().is_some_and(|v| {
            ["1", "ON", "YES", "TRUE"].contains(&v.trim().to_ascii_uppercase().as_str())
        })
    }

    /// The hub's address: `HF_ENDPOINT`, else `https://huggingface.co`.
    pub fn endpoint(&self) -> String {
        self.hf_endpoint
            .as_deref()
            .map(|e| e.trim_end_matches('/').to_owned())
            .unwrap_or_else(|| "https://huggingface.co".to_owned())
    }

    /// The hub cache that `huggingface_hub` (and so sentence-transformers) reads and writes:
    /// `HF_HUB_CACHE`, else `HUGGINGFACE_HUB_CACHE`, else `HF_HOME/hub`, else
    /// `XDG_CACHE_HOME/huggingface/hub`, else `~/.cache/huggingface/hub`.
    pub fn hub_cache(&self) -> Option<PathBuf> {
        self.hf_hub_cache
            .clone()
            .or_else(|| self.huggingface_hub_cache.clone())
            .or_else(|| self.hf_home.as_ref().map(|h| h.join("hub")))
            .or_else(|| self.cache_home().map(|c| c.join("huggingface").join("hub")))
    }

    fn cache_home(&self) -> Option<PathBuf> {
        self.xdg_cache_home
            .clone()
            .or_else(|| self.home.as_ref().map(|h| h.join(".cache")))
    }
}

fn non_empty(value: Option<OsString>) -> Option<OsString> {
    value.filter(|v| !v.is_empty())
}

/// Where a folder to search came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// `--model-dir`.
    Flag,
    /// `LLMCAP_MODEL_DIR`.
    EnvVar,
    /// A Hugging Face hub cache (`models--sentence-transformers--all-MiniLM-L6-v2/`).
    HubCache(PathBuf),
    /// A flat folder left by sentence-transformers before 2.3.
    LegacyCache,
    /// Downloaded into this hub cache just now.
    Downloaded(PathBuf),
}

impl Source {
    /// How the report names it.
    pub fn describe(&self) -> String {
        match self {
            Source::Flag => MODEL_DIR_FLAG.to_owned(),
            Source::EnvVar => MODEL_DIR_ENV.to_owned(),
            Source::HubCache(cache) => format!("Hugging Face cache {}", cache.display()),
            Source::LegacyCache => "sentence-transformers cache".to_owned(),
            Source::Downloaded(cache) => format!("downloaded into {}", cache.display()),
        }
    }
}

/// One place to look, in search order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Candidate {
    /// A folder named by the user: the only one searched, never replaced by a download.
    Explicit {
        /// The folder.
        dir: PathBuf,
        /// The flag or the variable.
        source: Source,
    },
    /// A hub cache: the model is `<cache>/models--…/snapshots/<refs/main>/`.
    HubCache(PathBuf),
    /// A folder holding the model's files directly.
    Flat(PathBuf),
}

/// The places to look, in order: the folder the user named (flag, then
/// `LLMCAP_MODEL_DIR`) alone if there is one; else the hub cache `huggingface_hub` uses, the
/// default hub cache, `SENTENCE_TRANSFORMERS_HOME`, and the flat folders of
/// sentence-transformers before 2.3.
pub fn candidates(model_dir: Option<&Path>, env: &SearchEnv) -> Vec<Candidate> {
    if let Some(dir) = model_dir {
        return vec![Candidate::Explicit {
            dir: dir.to_owned(),
            source: Source::Flag,
        }];
    }
    if let Some(dir) = &env.llmcap_model_dir {
        return vec![Candidate::Explicit {
            dir: dir.clone(),
            source: Source::EnvVar,
        }];
    }
    let flat_name = MODEL_ID.replace('/', "_");
    let default_hub = env
        .home
        .as_ref()
        .map(|h| h.join(".cache").join("huggingface").join("hub"));
    let torch_homes = [
        env.torch_home.clone(),
        env.xdg_cache_home.as_ref().map(|c| c.join("torch")),
        env.home.as_ref().map(|h| h.join(".cache").join("torch")),
    ];
    let mut found: Vec<Candidate> = Vec::new();
    let hubs = [
        env.hub_cache(),
        default_hub,
        env.sentence_transformers_home.clone(),
    ];
    found.extend(hubs.into_iter().flatten().map(Candidate::HubCache));
    found.extend(
        env.sentence_transformers_home
            .iter()
            .map(|st| Candidate::Flat(st.join(&flat_name))),
    );
    found.extend(
        torch_homes
            .into_iter()
            .flatten()
            .map(|t| Candidate::Flat(t.join("sentence_transformers").join(&flat_name))),
    );
    let mut unique = Vec::with_capacity(found.len());
    for candidate in found {
        if !unique.contains(&candidate) {
            unique.push(candidate);
        }
    }
    unique
}

/// A model folder that holds every file in [`REQUIRED_FILES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelLocation {
    /// The folder.
    pub dir: PathBuf,
    /// Where it was found.
    pub source: Source,
}

/// Why no model folder was found; says how to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// The folder the user named is missing or lacks a file.
    Explicit {
        /// The folder.
        dir: PathBuf,
        /// The flag or the variable that named it.
        source: Source,
        /// What is wrong: `does not exist`, `has no tokenizer.json`, ...
        problem: String,
    },
    /// No cache holds a complete copy.
    NotCached {
        /// The hub cache a download would fill, if one is known.
        hub_cache: Option<PathBuf>,
        /// Incomplete copies met on the way, with the first missing file.
        incomplete: Vec<(PathBuf, &'static str)>,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Explicit {
                dir,
                source,
                problem,
            } => write!(
                f,
                "model folder {} (from {}) {problem}; fix: pass {MODEL_DIR_FLAG} DIR with \
                 the files of {MODEL_ID} ({})",
                dir.display(),
                source.describe(),
                REQUIRED_FILES.join(", "),
            ),
            SkipReason::NotCached {
                hub_cache,
                incomplete,
            } => {
                match hub_cache {
                    Some(cache) => write!(
                        f,
                        "{MODEL_ID} is not in the Hugging Face cache ({})",
                        cache.display()
                    )?,
                    None => write!(
                        f,
                        "{MODEL_ID} is not cached and no cache folder is known \
                         (HOME and HF_HOME are unset)"
                    )?,
                }
                for (dir, missing) in incomplete {
                    write!(f, "; the copy in {} has no {missing}", dir.display())?;
                }
                Ok(())
            }
        }
    }
}

/// Finds a complete model folder: the first [`candidates`] entry that holds every file of
/// [`REQUIRED_FILES`]. Reads the file system; never downloads.
pub fn locate_model(
    model_dir: Option<&Path>,
    env: &SearchEnv,
) -> Result<ModelLocation, SkipReason> {
    let mut incomplete = Vec::new();
    for candidate in candidates(model_dir, env) {
        match candidate {
            Candidate::Explicit { dir, source } => {
                let problem = if !dir.is_dir() {
                    Some(if dir.exists() {
                        "is not a folder".to_owned()
                    } else {
                        "does not exist".to_owned()
                    })
                } else {
                    first_missing(&dir).map(|file| format!("has no {file}"))
                };
                return match problem {
                    None => Ok(ModelLocation { dir, source }),
                    Some(problem) => Err(SkipReason::Explicit {
                        dir,
                        source,
                        problem,
                    }),
                };
            }
            Candidate::HubCache(cache) => {
                let Some(snapshot) = hub_snapshot(&cache) else {
                    continue;
                };
                match first_missing(&snapshot) {
                    None => {
                        return Ok(ModelLocation {
                            dir: snapshot,
                            source: Source::HubCache(cache),
                        });
                    }
                    Some(file) => incomplete.push((snapshot, file)),
                }
            }
            Candidate::Flat(dir) => {
                if !dir.is_dir() {
                    continue;
                }
                match first_missing(&dir) {
                    None => {
                        return Ok(ModelLocation {
                            dir,
                            source: Source::LegacyCache,
                        });
                    }
                    Some(file) => incomplete.push((dir, file)),
                }
            }
        }
    }
    Err(SkipReason::NotCached {
        hub_cache: env.hub_cache(),
        incomplete,
    })
}

/// The first of [`REQUIRED_FILES`] missing from `dir`.
pub fn first_missing(dir: &Path) -> Option<&'static str> {
    REQUIRED_FILES
        .iter()
        .copied()
        .find(|file| !dir.join(file).is_file())
}

/// The snapshot `refs/main` points to in a hub cache, when the model's folder and that
/// reference exist (the layout `huggingface_hub` writes).
fn hub_snapshot(cache: &Path) -> Option<PathBuf> {
    let repo = hf_hub::Cache::new(cache.to_owned()).model(MODEL_ID.to_owned());
    let refs = cache
        .join(hf_hub::Repo::model(MODEL_ID.to_owned()).folder_name())
        .join("refs")
        .join("main");
    let commit = std::fs::read_to_string(refs).ok()?;
    let commit = commit.trim();
    let safe = !commit.is_empty() && commit.chars().all(|c| c.is_ascii_alphanumeric());
    safe.then(|| repo.pointer_path(commit))
}

#[cfg(test)]
mod tests;
