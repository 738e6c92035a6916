//! Inventory names: each report's host name as Ansible can use it, mapped when it cannot.

use super::{GROUPS, PLANNED_GROUP};
use std::collections::HashSet;
use std::fmt;

/// Names Ansible defines itself; a host of that name would be confused with the group.
pub const ANSIBLE_GROUPS: [&str; 2] = ["all", "ungrouped"];

/// Why a host has another name in the inventory than in its report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RenameReason {
    /// The name holds characters Ansible's host patterns give a meaning (`,` `:` `[` `!` `&`
    /// `~` `*` `?`, spaces, quotes...) or starts with `-` or `.`.
    Characters,
    /// The name is a group name of this inventory or of Ansible (`all`, `tier1`, `e2`...):
    /// Ansible would warn and `hosts: e2` would mean the group.
    GroupName,
    /// Mapping made it equal to another host's name, so a number was added.
    Collision,
}

/// A host whose inventory name differs from its report's host name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Renamed {
    /// The report's host name.
    pub hostname: String,
    /// Its name in the inventory.
    pub inventory_name: String,
    /// Why.
    pub reason: RenameReason,
}

impl fmt::Display for Renamed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let why = match self.reason {
            RenameReason::Characters => {
                "has characters that Ansible host patterns give a meaning, or starts with '-' or '.'"
            }
            RenameReason::GroupName if ANSIBLE_GROUPS.contains(&self.hostname.as_str()) => {
                "is the name of one of Ansible's own groups"
            }
            RenameReason::GroupName => "is the name of one of the inventory's groups",
            RenameReason::Collision => "maps to a name another host already has",
        };
        write!(
            f,
            "host {host:?} is {name:?} in the inventory: {host:?} {why}; {name:?} gets \
             ansible_host={host:?}, and variables your own inventory sets for {host:?} do not \
             apply to it",
            host = self.hostname,
            name = self.inventory_name,
        )
    }
}

/// Whether `c` may appear in an inventory name: a letter or digit (any script), `_`, `-`, `.`.
fn allowed(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '_' | '-' | '.')
}

/// Whether `name` is a group name of this inventory or of Ansible.
pub fn is_group_name(name: &str) -> bool {
    ANSIBLE_GROUPS.contains(&name) || name == PLANNED_GROUP || GROUPS.iter().any(|g| g.name == name)
}

/// Whether Ansible takes `name` as one plain host name, so it can be used unchanged.
///
/// A safe name is made of letters and digits (any script), `_`, `-` and `.`, starts with a
/// letter, digit or `_` (a leading `-` reads as an option on the command line), and is not a
/// group name ([`is_group_name`]). Every other character means something in host patterns,
/// `--limit` lists or INI inventories: `,` and `:` separate, `[a:b]` expands a range, `!` `&`
/// `~` `*` `?` select. Every valid report's host name has only allowed characters, so in
/// practice only group names and odd first characters are mapped.
pub fn is_safe_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_')
        && chars.all(allowed)
        && !is_group_name(name)
}

/// The safe form of an unsafe name (before collisions are resolved): each character that is
/// not allowed becomes `_`, a leading `-` or `.` becomes `_`, and a group name gets `_host`.
fn safe_form(name: &str) -> (String, RenameReason) {
    if is_group_name(name) {
        return (format!("{name}_host"), RenameReason::GroupName);
    }
    let mut out: String = name
        .chars()
        .map(|c| if allowed(c) { c } else { '_' })
        .collect();
    if out.starts_with(['-', '.']) {
        out.replace_range(..1, "_");
    }
    if out.is_empty() {
        out.push_str("host");
    }
    if is_group_name(&out) {
        out.push_str("_host");
    }
    (out, RenameReason::Characters)
}

/// Inventory names for distinct host names, in the same order, and the renames.
///
/// Safe names are kept as they are, whatever the other hosts are called; an unsafe name gets
/// its safe form, with `_2`, `_3`... added when another host already has that name.
/// Deterministic: it depends only on the names and their order.
pub(crate) fn assign(hostnames: &[&str]) -> (Vec<String>, Vec<Renamed>) {
    let mut taken: HashSet<String> = hostnames
        .iter()
        .filter(|h| is_safe_name(h))
        .map(|h| (*h).to_owned())
        .collect();
    let mut names = Vec::with_capacity(hostnames.len());
    let mut renamed = Vec::new();
    for &hostname in hostnames {
        if is_safe_name(hostname) {
            names.push(hostname.to_owned());
            continue;
        }
        let (base, mut reason) = safe_form(hostname);
        let mut name = base.clone();
        let mut n = 2u64;
        while taken.contains(&name) {
            name = format!("{base}_{n}");
            reason = RenameReason::Collision;
            n += 1;
        }
        taken.insert(name.clone());
        renamed.push(Renamed {
            hostname: hostname.to_owned(),
            inventory_name: name.clone(),
            reason,
        });
        names.push(name);
    }
    (names, renamed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn safe_names_are_kept() {
        for name in [
            "pi",
            "laptop-2",
            "gpu_box",
            "ws.lab.example.org",
            "10.0.0.7",
            "café",
            "_x",
            "tier4",
            "All",
        ] {
            assert!(is_safe_name(name), "{name}");
        }
    }

    #[test]
    fn unsafe_names_are_mapped_by_rule() {
        let cases = [
            ("all", "all_host", RenameReason::GroupName),
            ("ungrouped", "ungrouped_host", RenameReason::GroupName),
            ("e2", "e2_host", RenameReason::GroupName),
            ("phase1", "phase1_host", RenameReason::GroupName),
            ("llmcap", "llmcap_host", RenameReason::GroupName),
            ("-dash", "_dash", RenameReason::Characters),
            (".hidden", "_hidden", RenameReason::Characters),
            ("web[1:3]", "web_1_3_", RenameReason::Characters),
            ("a,b", "a_b", RenameReason::Characters),
            ("host:22", "host_22", RenameReason::Characters),
            ("my laptop", "my_laptop", RenameReason::Characters),
            ("!not", "_not", RenameReason::Characters),
            ("", "host", RenameReason::Characters),
        ];
        for (name, expected, reason) in cases {
            let (names, renamed) = assign(&[name]);
            assert_eq!(names, [expected], "{name:?}");
            assert_eq!(renamed.len(), 1);
            assert_eq!(renamed[0].reason, reason, "{name:?}");
            assert!(is_safe_name(&names[0]), "{expected} must be safe");
        }
    }

    #[test]
    fn collisions_get_numbers_and_safe_names_never_move() {
        // "all_host" is a real host: it keeps its name even though it comes after "all".
        let (names, renamed) = assign(&["all", "all_host", "a b", "a_b", "a:b"]);
        assert_eq!(names, ["all_host_2", "all_host", "a_b_2", "a_b", "a_b_3"]);
        assert_eq!(renamed.len(), 3);
        assert!(renamed.iter().all(|r| r.reason == RenameReason::Collision));
    }

    #[test]
    fn names_are_unique_whatever_the_input() {
        let hosts = [
            "x", "x_2", "-x", "_x", ".x", "x:", "x,", "x_2", "all", "all_host",
        ];
        let unique: Vec<&str> = {
            let mut seen = HashSet::new();
            hosts.iter().copied().filter(|h| seen.insert(*h)).collect()
        };
        let (names, _) = assign(&unique);
        let set: HashSet<&String> = names.iter().collect();
        assert_eq!(set.len(), names.len(), "{names:?}");
        assert!(names.iter().all(|n| is_safe_name(n)), "{names:?}");
    }

    #[test]
    fn the_message_names_both_names_and_the_reason() {
        let (_, renamed) = assign(&["e2"]);
        assert_eq!(
            renamed[0].to_string(),
            "host \"e2\" is \"e2_host\" in the inventory: \"e2\" is the name of one of the \
             inventory's groups; \"e2_host\" gets ansible_host=\"e2\", and variables your own \
             inventory sets for \"e2\" do not apply to it"
        );
    }
}
