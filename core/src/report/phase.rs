//! The phases of the research programme, as the guide's verdict names them.

use serde::Serialize;
use std::fmt;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// A phase of the research programme, as the guide's verdict names them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// P1-P3.
    Prerequisites,
    /// E0 parameter optimisation and E1 retrieval.
    E0E1,
    /// E2 fine-tuning at full precision.
    E2Full,
    /// E2 fine-tuning with a quantized model.
    E2Quantized,
}

impl Phase {
    /// All phases, in the guide's order.
    pub const ALL: [Phase; 4] = [
        Phase::Prerequisites,
        Phase::E0E1,
        Phase::E2Full,
        Phase::E2Quantized,
    ];

    /// The key the guide's `capabilities` object uses.
    pub fn key(self) -> &'static str {
        match self {
            Phase::Prerequisites => "prerequisites",
            Phase::E0E1 => "e0_e1",
            Phase::E2Full => "e2_full",
            Phase::E2Quantized => "e2_quantized",
        }
    }

    /// The guide's report label.
    pub fn title(self) -> &'static str {
        match self {
            Phase::Prerequisites => "Prerequisites (P1-P3)",
            Phase::E0E1 => "E0-E1 (Optimization/Retrieval)",
            Phase::E2Full => "E2 (Fine-tuning - Full)",
            Phase::E2Quantized => "E2 (Fine-tuning - Quantized)",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}
