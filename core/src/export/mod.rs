//! Exports of a plan for existing engines: what `llmcap plan --export` writes and what the
//! page offers for download, from the same functions.
//!
//! [`export`] is the one entry point: a [`Plan`] and a [`Format`] in, the file's text and the
//! notes the user should see out. Each format has its own module with its schema.

pub mod ansible;

use crate::plan::Plan;
use std::fmt;
use std::str::FromStr;

/// A format a plan can be exported to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// An Ansible inventory with a group per tier and per phase and `llmcap_*` host
    /// variables: see [`ansible`].
    Ansible,
}

impl Format {
    /// Every format.
    pub const ALL: [Format; 1] = [Format::Ansible];

    /// The name used on the command line (`--export ansible`).
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Ansible => "ansible",
        }
    }

    /// The file name the export is saved under unless the user names another.
    ///
    /// Not `inventory.yml`, which is what many users call their own inventory, and not
    /// `*.json`, so that `llmcap plan` on the same folder never takes it for a report.
    pub fn default_file_name(self) -> &'static str {
        match self {
            Format::Ansible => "llmcap_inventory.yml",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A format name that is not one of [`Format::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown export format {0:?}, expected \"ansible\"")]
pub struct UnknownFormat(pub String);

impl FromStr for Format {
    type Err = UnknownFormat;

    fn from_str(name: &str) -> Result<Format, UnknownFormat> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str() == name)
            .ok_or_else(|| UnknownFormat(name.to_owned()))
    }
}

/// An exported file and what the user should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Export {
    /// The file's contents.
    pub text: String,
    /// One line each, for standard error or the page (for Ansible: the hosts renamed).
    pub notes: Vec<String>,
}

/// Exports the plan. Deterministic: the same plan gives the same bytes everywhere.
pub fn export(plan: &Plan, format: Format) -> Export {
    match format {
        Format::Ansible => {
            let inventory = ansible::ansible_inventory(plan);
            Export {
                text: ansible::inventory_json(&inventory),
                notes: inventory.renamed.iter().map(|r| r.to_string()).collect(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_names_round_trip() {
        for format in Format::ALL {
            assert_eq!(format.as_str().parse::<Format>(), Ok(format));
        }
        assert_eq!(
            "terraform".parse::<Format>().unwrap_err().to_string(),
            "unknown export format \"terraform\", expected \"ansible\""
        );
    }

    #[test]
    fn default_file_is_never_read_as_a_report() {
        for format in Format::ALL {
            assert!(!format.default_file_name().ends_with(".json"));
        }
    }
}
