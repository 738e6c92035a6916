//! The what-if panel: replace a machine's available RAM, free disk or GPU memory and see its
//! verdict and the plan change, computed by the same core function as `llmcap classify`.

use crate::components::input::bind;
use llmcap_core::Overrides;
use yew::prelude::*;

/// Props of [`WhatIf`].
#[derive(Properties, PartialEq, Debug)]
pub struct WhatIfProps {
    /// The machine's host name.
    pub host: AttrValue,
    /// The values in force.
    pub current: Overrides,
    /// Measured available RAM, GB.
    pub measured_ram: f64,
    /// Measured free disk, GB.
    pub measured_disk: f64,
    /// Measured largest GPU memory, GB.
    pub measured_vram: Option<f64>,
    /// New values (all empty: back to the measured ones).
    pub on_apply: Callback<Overrides>,
}

/// Reads one field: empty means "not overridden". The fields are text inputs (with a decimal
/// keypad on phones), not number inputs, because a number input reports text it cannot read,
/// such as "1e" or "abc", as empty, and the value would be dropped without a word.
fn field(label: &str, text: &str) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 => Ok(Some(v)),
        _ => Err(format!("{label}: \"{text}\" is not a number ≥ 0")),
    }
}

/// Reads the three fields into overrides, or says which one is wrong.
pub fn parse_overrides(ram: &str, disk: &str, vram: &str) -> Result<Overrides, String> {
    Ok(Overrides {
        ram_available_gb: field("Available RAM", ram)?,
        disk_free_gb: field("Free disk", disk)?,
        gpu_vram_gb: field("GPU memory", vram)?,
    })
}

fn shown(value: Option<f64>) -> String {
    value.map(|v| v.to_string()).unwrap_or_default()
}

/// The what-if form.
#[component]
pub fn WhatIf(props: &WhatIfProps) -> Html {
    let ram = use_state(|| shown(props.current.ram_available_gb));
    let disk = use_state(|| shown(props.current.disk_free_gb));
    let vram = use_state(|| shown(props.current.gpu_vram_gb));
    let error = use_state(|| None::<String>);
    {
        // Another machine, or values changed elsewhere: show what is in force.
        let (ram, disk, vram, error) = (ram.clone(), disk.clone(), vram.clone(), error.clone());
        use_effect_with((props.host.clone(), props.current), move |(_, current)| {
            ram.set(shown(current.ram_available_gb));
            disk.set(shown(current.disk_free_gb));
            vram.set(shown(current.gpu_vram_gb));
            error.set(None);
        });
    }
    let onsubmit = {
        let (ram, disk, vram, error) = (ram.clone(), disk.clone(), vram.clone(), error.clone());
        let on_apply = props.on_apply.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            match parse_overrides(&ram, &disk, &vram) {
                Ok(overrides) => {
                    error.set(None);
                    on_apply.emit(overrides);
                }
                Err(message) => error.set(Some(message)),
            }
        })
    };
    let reset = props.on_apply.reform(|_: MouseEvent| Overrides::default());
    let vram_measured = props
        .measured_vram
        .map_or("none".to_owned(), |v| format!("{v:.2}"));
    html! {
        <form class="what-if" novalidate=true {onsubmit} aria-labelledby="what-if-heading">
            <h3 id="what-if-heading">{"What if"}</h3>
            <p class="hint">{"Leave a field empty to use the measured value. GPU memory 0 removes discrete GPUs."}</p>
            <label for="what-if-ram">{"Available RAM (GB)"}</label>
            <input id="what-if-ram" type="text" inputmode="decimal" autocomplete="off"
                placeholder={format!("measured {:.2}", props.measured_ram)} value={(*ram).clone()} oninput={bind(&ram)} />
            <label for="what-if-disk">{"Free disk (GB)"}</label>
            <input id="what-if-disk" type="text" inputmode="decimal" autocomplete="off"
                placeholder={format!("measured {:.2}", props.measured_disk)} value={(*disk).clone()} oninput={bind(&disk)} />
            <label for="what-if-vram">{"GPU memory (GB)"}</label>
            <input id="what-if-vram" type="text" inputmode="decimal" autocomplete="off"
                placeholder={format!("measured {vram_measured}")} value={(*vram).clone()} oninput={bind(&vram)} />
            if let Some(message) = &*error { <p class="error-text" role="alert">{message}</p> }
            <div class="what-if-buttons">
                <button type="submit" class="primary">{"Apply"}</button>
                <button type="button" onclick={reset} disabled={props.current.is_empty()}>{"Back to measured values"}</button>
            </div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_fields_keep_measured_values_and_bad_ones_are_named() {
        assert_eq!(parse_overrides("", " ", ""), Ok(Overrides::default()));
        assert_eq!(
            parse_overrides("16", "", "0").unwrap(),
            Overrides {
                ram_available_gb: Some(16.0),
                disk_free_gb: None,
                gpu_vram_gb: Some(0.0)
            }
        );
        let err = parse_overrides("", "-5", "").unwrap_err();
        assert!(err.starts_with("Free disk: \"-5\""), "{err}");
        assert!(parse_overrides("NaN", "", "").is_err());
        assert!(parse_overrides("", "", "inf").is_err());
    }
}
