//! The workload form: how many E0 configurations, tokens each, and E2's training tokens;
//! with them the plan estimates every assignment's duration, as `llmcap plan
//! --e0-configs N --tokens-per-config T --train-tokens T` does.

use crate::components::input::bind;
use crate::state::Workload;
use yew::prelude::*;

/// Props of [`WorkloadForm`].
#[derive(Properties, PartialEq, Debug)]
pub struct WorkloadProps {
    /// The sizes in force.
    pub current: Workload,
    /// New sizes.
    pub on_apply: Callback<Workload>,
}

/// Reads one field: empty means "not given"; otherwise a whole number from 1 to `max`.
fn count(label: &str, text: &str, max: u64) -> Result<Option<u64>, String> {
    let text = text.trim().replace(['_', ','], "");
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u64>() {
        Ok(v) if (1..=max).contains(&v) => Ok(Some(v)),
        _ => Err(format!(
            "{label}: \"{text}\" is not a whole number from 1 to {max}"
        )),
    }
}

/// Reads the three fields, or says which one is wrong.
pub fn parse_workload(configs: &str, tokens: &str, train: &str) -> Result<Workload, String> {
    let e0_configs = count("E0 configurations", configs, u64::from(u32::MAX))?;
    Ok(Workload {
        e0_configs: e0_configs.map(|n| n as u32),
        tokens_per_config: count("Tokens per configuration", tokens, u64::MAX)?,
        train_tokens: count("Training tokens", train, u64::MAX)?,
    })
}

fn shown(value: Option<u64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The workload form.
#[component]
pub fn WorkloadForm(props: &WorkloadProps) -> Html {
    let current = props.current;
    let configs = use_state(|| shown(current.e0_configs.map(u64::from)));
    let tokens = use_state(|| shown(current.tokens_per_config));
    let train = use_state(|| shown(current.train_tokens));
    let error = use_state(|| None::<String>);
    let onsubmit = {
        let (configs, tokens, train, error) = (
            configs.clone(),
            tokens.clone(),
            train.clone(),
            error.clone(),
        );
        let on_apply = props.on_apply.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_workload(&configs, &tokens, &train) {
                Ok(workload) => {
                    error.set(None);
                    on_apply.emit(workload);
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    html! {
        <form class="workload" id="workload" novalidate=true {onsubmit} aria-labelledby="workload-heading">
            <h3 id="workload-heading">{"Workload (optional)"}</h3>
            <p class="hint">{"With these sizes every assignment gets an estimated duration and the plan a timeline, as with llmcap plan --e0-configs, --tokens-per-config and --train-tokens."}</p>
            <label for="workload-configs">{"E0 configurations"}</label>
            <input id="workload-configs" type="text" inputmode="numeric" autocomplete="off" value={(*configs).clone()} oninput={bind(&configs)} />
            <label for="workload-tokens">{"Tokens per configuration"}</label>
            <input id="workload-tokens" type="text" inputmode="numeric" autocomplete="off" value={(*tokens).clone()} oninput={bind(&tokens)} />
            <label for="workload-train">{"E2 training tokens"}</label>
            <input id="workload-train" type="text" inputmode="numeric" autocomplete="off" value={(*train).clone()} oninput={bind(&train)} />
            if let Some(message) = &*error { <p class="error-text" role="alert">{message}</p> }
            <button type="submit" class="primary" id="workload-apply">{"Estimate"}</button>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_are_not_given_and_bad_ones_are_named() {
        assert_eq!(parse_workload("", "", ""), Ok(Workload::default()));
        assert_eq!(
            parse_workload("1,000", "20000", " 2_000_000 "),
            Ok(Workload {
                e0_configs: Some(1000),
                tokens_per_config: Some(20000),
                train_tokens: Some(2_000_000),
            })
        );
        let err = parse_workload("0", "", "").unwrap_err();
        assert!(err.starts_with("E0 configurations: \"0\""), "{err}");
        assert!(parse_workload("", "1.5", "").is_err());
        assert!(parse_workload("5000000000", "", "").is_err());
    }
}
