//! Records the target triple, which `llmcap --version` prints and every report stores.
fn main() {
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_owned());
    println!("cargo:rustc-env=LLMCAP_TARGET={target}");
    println!("cargo:rerun-if-changed=build.rs");
}
