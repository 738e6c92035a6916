//! A horizontal bar chart in plain SVG: no chart library, nothing to download.

use yew::prelude::*;

/// The most bars drawn; the rest are counted in the caption.
pub const MAX_BARS: usize = 30;

/// One bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    /// Its label, a host name.
    pub label: String,
    /// Its length.
    pub value: f64,
    /// A part of the value drawn darker (available RAM within total RAM).
    pub part: Option<f64>,
    /// The value as text.
    pub text: String,
}

/// Props of [`BarChart`].
#[derive(Properties, PartialEq, Debug)]
pub struct BarChartProps {
    /// Element id, also used for the caption's id.
    pub id: AttrValue,
    /// Caption.
    pub title: AttrValue,
    /// The bars, largest first.
    pub bars: Vec<Bar>,
    /// What the darker part means, when bars have one.
    #[prop_or_default]
    pub part_legend: Option<AttrValue>,
    /// What the full bar means, when bars have a part.
    #[prop_or_default]
    pub whole_legend: Option<AttrValue>,
}

const WIDTH: f64 = 440.0;
const LABEL: f64 = 110.0;
const BAR_MAX: f64 = 190.0;
const ROW: f64 = 22.0;

fn short(label: &str) -> String {
    if label.chars().count() <= 16 {
        label.to_owned()
    } else {
        format!("{}…", label.chars().take(15).collect::<String>())
    }
}

/// A bar chart with host names on the left and values on the right of each bar.
#[component]
pub fn BarChart(props: &BarChartProps) -> Html {
    let caption_id = format!("{}-caption", props.id);
    let bars: Vec<&Bar> = props.bars.iter().take(MAX_BARS).collect();
    let max = bars
        .iter()
        .map(|b| b.value)
        .fold(0.0_f64, f64::max)
        .max(f64::MIN_POSITIVE);
    let height = ROW * bars.len() as f64 + 4.0;
    let scale = |v: f64| (v.max(0.0) / max * BAR_MAX).max(if v > 0.0 { 1.0 } else { 0.0 });
    let more = props.bars.len().saturating_sub(MAX_BARS);
    html! {
        <figure class="chart" id={props.id.clone()}>
            <figcaption id={caption_id.clone()}>
                {&props.title}
                if more > 0 { {format!(" (the {MAX_BARS} largest; {more} more not drawn)")} }
            </figcaption>
            if let (Some(part), Some(whole)) = (&props.part_legend, &props.whole_legend) {
                <p class="legend"><span class="swatch part"></span>{part}<span class="swatch whole"></span>{whole}</p>
            }
            <svg viewBox={format!("0 0 {WIDTH} {height}")} width="100%" role="img" aria-labelledby={caption_id}
                preserveAspectRatio="xMinYMin meet">
                { for bars.iter().enumerate().map(|(i, bar)| {
                    let y = ROW * i as f64 + 2.0;
                    let whole = scale(bar.value);
                    html! {
                        <g class="bar">
                            <title>{format!("{}: {}", bar.label, bar.text)}</title>
                            <text x={(LABEL - 8.0).to_string()} y={(y + 14.0).to_string()} text-anchor="end" class="bar-label">{short(&bar.label)}</text>
                            <rect x={LABEL.to_string()} y={y.to_string()} width={whole.to_string()} height={(ROW - 6.0).to_string()}
                                class={if bar.part.is_some() { "whole" } else { "part" }} />
                            if let Some(part) = bar.part {
                                <rect x={LABEL.to_string()} y={y.to_string()} width={scale(part.min(bar.value)).to_string()} height={(ROW - 6.0).to_string()} class="part" />
                            }
                            <text x={(LABEL + whole + 6.0).to_string()} y={(y + 14.0).to_string()} class="bar-value">{&bar.text}</text>
                        </g>
                    }
                }) }
            </svg>
        </figure>
    }
}
