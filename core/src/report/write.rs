//! Writing a [`Report`] in its wire form: the nested objects derive `Serialize` on the
//! validated types themselves; this module orders the top-level keys the way the guide's
//! script does (its keys first, then llmcap's) and leaves room for what a document adds
//! before the warnings.

use super::{Benchmark, Capabilities, DateTime, Embedding, Hostname, Ollama, Report, System, Tool};
use crate::speed::report::Performance;
use serde::{Serialize, Serializer};

/// The report's keys in wire order; `extra` is flattened in before `warnings`.
#[derive(Serialize)]
struct Wire<'a, E> {
    timestamp: &'a DateTime,
    hostname: &'a Hostname,
    system: &'a System,
    benchmark: &'a Benchmark,
    capabilities: &'a Capabilities,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema_version: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool: Option<WireTool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp_utc: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ollama: Option<&'a Ollama>,
    #[serde(skip_serializing_if = "Option::is_none")]
    embedding: Option<&'a Embedding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    performance: Option<&'a Performance>,
    #[serde(flatten)]
    extra: &'a E,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    warnings: &'a [String],
}

/// A report's `tool`: unlike the plan's, it leaves out an unknown target.
#[derive(Serialize)]
struct WireTool<'a> {
    name: &'a str,
    version: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<&'a str>,
}

/// Nothing added: a report on its own.
#[derive(Serialize)]
struct Nothing {}

impl Report {
    /// Serializes the report with `extra`'s fields (an object) placed before `warnings`:
    /// how a document adds the checks and recommendations computed from the report.
    pub fn serialize_with<E, S>(&self, extra: &E, serializer: S) -> Result<S::Ok, S::Error>
    where
        E: Serialize,
        S: Serializer,
    {
        let m = &self.machine;
        Wire {
            timestamp: &self.timestamp,
            hostname: &self.hostname,
            system: &m.system,
            benchmark: &m.benchmark,
            capabilities: &self.capabilities,
            schema_version: self.schema_version,
            tool: self.tool.as_ref().map(|t: &Tool| WireTool {
                name: &t.name,
                version: &t.version,
                target: t.target.as_deref(),
            }),
            timestamp_utc: self.timestamp_utc.as_ref().map(DateTime::to_utc_string),
            ollama: m.ollama.as_ref(),
            embedding: m.embedding.as_ref(),
            performance: m.performance.as_ref(),
            extra,
            warnings: &self.warnings,
        }
        .serialize(serializer)
    }
}

/// The wire form: what `capability_report_<host>.json` holds, without the checks and
/// recommendations that a document adds.
impl Serialize for Report {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_with(&Nothing {}, serializer)
    }
}

impl Serialize for DateTime {
    /// The local form, `YYYY-MM-DD HH:MM:SS`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Serialize for Hostname {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
