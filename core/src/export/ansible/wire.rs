//! The inventory as text: the layout of Ansible's `yaml` inventory plugin, written as JSON
//! with the groups, hosts and variables in a fixed order.

use super::{INVENTORY_FORMAT, Inventory, PLANNED_GROUP};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// The inventory as the file's text: pretty JSON (2-space indents, final newline), which
/// Ansible reads as YAML. Deterministic: the same inventory gives the same bytes.
pub fn inventory_json(inventory: &Inventory) -> String {
    match serde_json::to_string_pretty(&Root(inventory)) {
        Ok(mut text) => {
            text.push('\n');
            text
        }
        // Only strings, numbers, booleans, lists and string-keyed maps: cannot fail.
        Err(error) => format!("{{\"error\": {:?}}}\n", error.to_string()),
    }
}

/// `{"all": {"children": {...}}}`.
struct Root<'a>(&'a Inventory);

impl Serialize for Root<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut all = serializer.serialize_map(Some(1))?;
        all.serialize_entry("all", &Children(self.0))?;
        all.end()
    }
}

/// `{"children": {"llmcap": ..., "tier1": ..., ...}}`.
struct Children<'a>(&'a Inventory);

impl Serialize for Children<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut outer = serializer.serialize_map(Some(1))?;
        outer.serialize_entry("children", &Groups(self.0))?;
        outer.end()
    }
}

struct Groups<'a>(&'a Inventory);

impl Serialize for Groups<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let inventory = self.0;
        let mut groups = serializer.serialize_map(Some(1 + inventory.groups.len()))?;
        groups.serialize_entry(PLANNED_GROUP, &Planned(inventory))?;
        for group in &inventory.groups {
            groups.serialize_entry(group.name, &Members(&group.hosts))?;
        }
        groups.end()
    }
}

/// The `llmcap` group: its variables, then every host with its variables.
struct Planned<'a>(&'a Inventory);

impl Serialize for Planned<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let inventory = self.0;
        let mut group = serializer.serialize_map(Some(2))?;
        group.serialize_entry("vars", &Vars(inventory))?;
        group.serialize_entry("hosts", &HostMap(inventory))?;
        group.end()
    }
}

struct Vars<'a>(&'a Inventory);

impl Serialize for Vars<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let inventory = self.0;
        let mut vars = serializer.serialize_map(Some(4))?;
        vars.serialize_entry("llmcap_inventory_format", &INVENTORY_FORMAT)?;
        vars.serialize_entry("llmcap_strategy", &inventory.strategy)?;
        vars.serialize_entry("llmcap_e0_configs", &inventory.e0_configs)?;
        vars.serialize_entry("llmcap_renamed", &Renames(inventory))?;
        vars.end()
    }
}

/// `llmcap_renamed`: inventory name → report host name, in plan order.
struct Renames<'a>(&'a Inventory);

impl Serialize for Renames<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let renamed = &self.0.renamed;
        let mut map = serializer.serialize_map(Some(renamed.len()))?;
        for r in renamed {
            map.serialize_entry(&r.inventory_name, &r.hostname)?;
        }
        map.end()
    }
}

struct HostMap<'a>(&'a Inventory);

impl Serialize for HostMap<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let hosts = &self.0.hosts;
        let mut map = serializer.serialize_map(Some(hosts.len()))?;
        for host in hosts {
            map.serialize_entry(&host.name, &host.vars)?;
        }
        map.end()
    }
}

/// A group's `{"hosts": {"name": {}, ...}}`: membership only, the variables are in `llmcap`.
struct Members<'a>(&'a [String]);

impl Serialize for Members<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut group = serializer.serialize_map(Some(1))?;
        group.serialize_entry("hosts", &HostNames(self.0))?;
        group.end()
    }
}

struct HostNames<'a>(&'a [String]);

impl Serialize for HostNames<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for name in self.0 {
            map.serialize_entry(name, &Empty)?;
        }
        map.end()
    }
}

/// `{}`.
struct Empty;

impl Serialize for Empty {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_map(Some(0))?.end()
    }
}
