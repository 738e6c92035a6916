//! The plan as a timeline in plain SVG: one row per machine's work, each phase starting
//! when the previous one ends, bars to scale once durations are known, else shares.

use crate::plan_view_model::TimelineView;
use crate::shared::Shared;
use yew::prelude::*;

/// Props of [`Timeline`].
#[derive(Properties, PartialEq, Debug)]
pub struct TimelineProps {
    /// The timeline.
    pub timeline: Shared<TimelineView>,
}

const WIDTH: f64 = 440.0;
const LABEL: f64 = 130.0;
const SPAN: f64 = 240.0;
const ROW: f64 = 22.0;
/// The most rows drawn.
const MAX_ROWS: usize = 60;

/// The timeline.
#[component]
pub fn Timeline(props: &TimelineProps) -> Html {
    let t = &*props.timeline;
    let total = t.total_seconds.max(f64::MIN_POSITIVE);
    let x = |seconds: f64| LABEL + seconds.max(0.0) / total * SPAN;
    let rows: Vec<_> = t.bars.iter().take(MAX_ROWS).collect();
    let height = ROW * rows.len() as f64 + 4.0;
    html! {
        <figure class="chart timeline" id="timeline">
            <figcaption id="timeline-caption">{
                if t.to_scale { format!("Timeline: {} in all", t.total) } else { format!("Timeline: {}", t.total) }
            }</figcaption>
            <ul class="timeline-phases">{ for t.phases.iter().map(|p| html! { <li>{p}</li> }) }</ul>
            <svg viewBox={format!("0 0 {WIDTH} {height}")} width="100%" role="img" aria-labelledby="timeline-caption"
                preserveAspectRatio="xMinYMin meet">
                { for rows.iter().enumerate().map(|(i, bar)| {
                    let y = ROW * i as f64 + 2.0;
                    let (start, end) = (x(bar.start_seconds), x(bar.start_seconds + bar.seconds));
                    html! {
                        <g class="bar" data-phase={bar.phase.to_string()} data-host={bar.host.clone()}>
                            <title>{format!("{}, phase {}: {}", bar.host, bar.phase, bar.text)}</title>
                            <text x={(LABEL - 8.0).to_string()} y={(y + 14.0).to_string()} text-anchor="end" class="bar-label">
                                {format!("{} · {}", bar.host, bar.phase)}
                            </text>
                            <rect x={start.to_string()} y={y.to_string()} width={(end - start).max(1.0).to_string()}
                                height={(ROW - 6.0).to_string()} class="part" />
                            <text x={(end + 6.0).min(WIDTH - 40.0).to_string()} y={(y + 14.0).to_string()} class="bar-value">{&bar.text}</text>
                        </g>
                    }
                }) }
            </svg>
        </figure>
    }
}
