use super::*;
use std::fs;

const HASH: &str = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf";

/// A model folder with the required files (contents do not matter here).
fn model_files(dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    for file in REQUIRED_FILES {
        fs::write(dir.join(file), "{}").unwrap();
    }
}

/// The layout `huggingface_hub` writes: `refs/main` and `snapshots/<hash>/`.
fn hub_cache_with_model(cache: &Path) -> PathBuf {
    let repo = cache.join("models--sentence-transformers--all-MiniLM-L6-v2");
    fs::create_dir_all(repo.join("refs")).unwrap();
    fs::write(repo.join("refs").join("main"), HASH).unwrap();
    let snapshot = repo.join("snapshots").join(HASH);
    model_files(&snapshot);
    snapshot
}

fn env_home(home: &Path) -> SearchEnv {
    SearchEnv {
        home: Some(home.to_owned()),
        ..SearchEnv::default()
    }
}

#[test]
fn hub_cache_follows_huggingface_hub_precedence() {
    let mut env = env_home(Path::new("/home/u"));
    assert_eq!(
        env.hub_cache(),
        Some(PathBuf::from("/home/u/.cache/huggingface/hub"))
    );
    env.xdg_cache_home = Some("/xdg".into());
    assert_eq!(env.hub_cache(), Some(PathBuf::from("/xdg/huggingface/hub")));
    env.hf_home = Some("/hf".into());
    assert_eq!(env.hub_cache(), Some(PathBuf::from("/hf/hub")));
    env.huggingface_hub_cache = Some("/old".into());
    assert_eq!(env.hub_cache(), Some(PathBuf::from("/old")));
    env.hf_hub_cache = Some("/new".into());
    assert_eq!(env.hub_cache(), Some(PathBuf::from("/new")));
    assert_eq!(SearchEnv::default().hub_cache(), None);
}

#[test]
fn an_explicit_folder_is_the_only_candidate() {
    let env = SearchEnv {
        llmcap_model_dir: Some("/from-env".into()),
        ..env_home(Path::new("/home/u"))
    };
    assert_eq!(
        candidates(Some(Path::new("/from-flag")), &env),
        vec![Candidate::Explicit {
            dir: "/from-flag".into(),
            source: Source::Flag
        }]
    );
    assert_eq!(
        candidates(None, &env),
        vec![Candidate::Explicit {
            dir: "/from-env".into(),
            source: Source::EnvVar
        }]
    );
}

#[test]
fn caches_are_searched_in_order_without_repeats() {
    let env = SearchEnv {
        hf_home: Some("/hf".into()),
        sentence_transformers_home: Some("/st".into()),
        ..env_home(Path::new("/home/u"))
    };
    let flat = "sentence-transformers_all-MiniLM-L6-v2";
    assert_eq!(
        candidates(None, &env),
        vec![
            Candidate::HubCache("/hf/hub".into()),
            Candidate::HubCache("/home/u/.cache/huggingface/hub".into()),
            Candidate::HubCache("/st".into()),
            Candidate::Flat(PathBuf::from("/st").join(flat)),
            Candidate::Flat(PathBuf::from("/home/u/.cache/torch/sentence_transformers").join(flat)),
        ]
    );
    // With the defaults, the default hub cache appears once.
    assert_eq!(
        candidates(None, &env_home(Path::new("/h")))[..1],
        [Candidate::HubCache("/h/.cache/huggingface/hub".into())]
    );
    assert_eq!(candidates(None, &env_home(Path::new("/h"))).len(), 2);
}

#[test]
fn finds_the_snapshot_refs_main_points_to() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join(".cache/huggingface/hub");
    let snapshot = hub_cache_with_model(&cache);
    let found = locate_model(None, &env_home(home.path())).unwrap();
    assert_eq!(found.dir, snapshot);
    assert_eq!(found.source, Source::HubCache(cache));
}

#[test]
fn hf_hub_cache_wins_over_the_default_and_a_later_cache_fills_a_gap() {
    let root = tempfile::tempdir().unwrap();
    let custom = root.path().join("custom");
    let default = root.path().join(".cache/huggingface/hub");
    let default_snapshot = hub_cache_with_model(&default);
    let env = SearchEnv {
        hf_hub_cache: Some(custom.clone()),
        ..env_home(root.path())
    };
    // Nothing in HF_HUB_CACHE: the default cache still serves.
    assert_eq!(locate_model(None, &env).unwrap().dir, default_snapshot);
    let custom_snapshot = hub_cache_with_model(&custom);
    assert_eq!(locate_model(None, &env).unwrap().dir, custom_snapshot);
}

#[test]
fn an_incomplete_snapshot_is_named_in_the_skip() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join(".cache/huggingface/hub");
    let snapshot = hub_cache_with_model(&cache);
    fs::remove_file(snapshot.join("tokenizer.json")).unwrap();
    let err = locate_model(None, &env_home(home.path())).unwrap_err();
    assert_eq!(
        err,
        SkipReason::NotCached {
            hub_cache: Some(cache.clone()),
            incomplete: vec![(snapshot.clone(), "tokenizer.json")],
        }
    );
    let text = err.to_string();
    assert!(text.contains(&cache.display().to_string()), "{text}");
    assert!(text.contains("has no tokenizer.json"), "{text}");
}

#[test]
fn a_legacy_sentence_transformers_folder_is_found() {
    let home = tempfile::tempdir().unwrap();
    let dir = home
        .path()
        .join(".cache/torch/sentence_transformers/sentence-transformers_all-MiniLM-L6-v2");
    model_files(&dir);
    let found = locate_model(None, &env_home(home.path())).unwrap();
    assert_eq!((found.dir, found.source), (dir, Source::LegacyCache));
}

#[test]
fn a_bad_refs_main_is_not_followed_out_of_the_cache() {
    let home = tempfile::tempdir().unwrap();
    let cache = home.path().join(".cache/huggingface/hub");
    hub_cache_with_model(&cache);
    let refs = cache.join("models--sentence-transformers--all-MiniLM-L6-v2/refs/main");
    fs::write(&refs, "../../../../etc").unwrap();
    assert!(locate_model(None, &env_home(home.path())).is_err());
}

#[test]
fn an_explicit_folder_is_used_or_explained_never_replaced() {
    let root = tempfile::tempdir().unwrap();
    hub_cache_with_model(&root.path().join(".cache/huggingface/hub"));
    let env = env_home(root.path());
    let missing = root.path().join("nope");
    let err = locate_model(Some(&missing), &env).unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("does not exist") && text.contains("--model-dir"),
        "{text}"
    );
    assert!(text.contains("fix: pass --model-dir DIR"), "{text}");

    let partial = root.path().join("partial");
    model_files(&partial);
    fs::remove_file(partial.join("model.safetensors")).unwrap();
    let env_dir = SearchEnv {
        llmcap_model_dir: Some(partial.clone()),
        ..env.clone()
    };
    let text = locate_model(None, &env_dir).unwrap_err().to_string();
    assert!(text.contains("has no model.safetensors"), "{text}");
    assert!(text.contains("LLMCAP_MODEL_DIR"), "{text}");

    model_files(&partial);
    let found = locate_model(None, &env_dir).unwrap();
    assert_eq!((found.dir, found.source), (partial, Source::EnvVar));
}

#[test]
fn offline_and_endpoint_follow_huggingface_hub() {
    let with = |v: &str| SearchEnv {
        hf_hub_offline: Some(v.to_owned()),
        ..SearchEnv::default()
    };
    for on in ["1", "true", "YES", "On"] {
        assert!(with(on).offline(), "{on}");
    }
    for off in ["0", "false", "", "no"] {
        assert!(!with(off).offline(), "{off}");
    }
    assert_eq!(SearchEnv::default().endpoint(), "https://huggingface.co");
    let mirror = SearchEnv {
        hf_endpoint: Some("https://hf-mirror.com/".into()),
        ..SearchEnv::default()
    };
    assert_eq!(mirror.endpoint(), "https://hf-mirror.com");
}
