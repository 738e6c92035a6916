//! Which program wrote the planned reports, and a warning when they differ: numbers measured
//! by different llmcap versions, or by the guide's script, may not compare, and the user
//! should know which machines to probe again.

use super::machines::Candidate;
use std::cmp::Reverse;
use std::collections::BTreeMap;

/// The name llmcap writes in `tool.name`.
pub const LLMCAP: &str = "llmcap";

/// How many host names a group lists before "and N more".
const HOSTS_SHOWN: usize = 5;

/// Who wrote a report: a program's name and version, or the guide's script (`None`).
type Writer<'a> = Option<(&'a str, &'a str)>;

/// One warning when the kept reports come from more than one program or version, naming
/// each with its machines, newest llmcap first and the guide's script last; `None` when
/// they all agree.
pub(crate) fn mixed_versions_warning(members: &[Candidate<'_>]) -> Option<String> {
    let mut groups: BTreeMap<Writer<'_>, Vec<&str>> = BTreeMap::new();
    for member in members {
        let writer = member
            .tool
            .as_ref()
            .map(|t| (t.name.as_str(), t.version.as_str()));
        groups.entry(writer).or_default().push(member.hostname());
    }
    if groups.len() < 2 {
        return None;
    }
    let mut groups: Vec<(Writer<'_>, Vec<&str>)> = groups.into_iter().collect();
    groups.sort_by_key(|(writer, _)| order(*writer));
    let listed: Vec<String> = groups
        .iter()
        .map(|(writer, hosts)| format!("{} ({})", label(*writer), hosts_list(hosts)))
        .collect();
    let mut warning = format!(
        "reports come from different programs: {}; their measurements may not compare",
        listed.join(", ")
    );
    if let Some((Some((name, version)), _)) = groups.first().filter(|(w, _)| is_llmcap(*w)) {
        warning.push_str(&format!(
            ": probe the other machines again with {name} {version}"
        ));
    }
    Some(warning)
}

/// Sort key: llmcap before other programs before the guide's script; within a program, the
/// newest semantic version first, versions that are not semantic last, then by text.
fn order(writer: Writer<'_>) -> impl Ord + '_ {
    let rank = match writer {
        Some((name, _)) if name == LLMCAP => 0,
        Some(_) => 1,
        None => 2,
    };
    let name = writer.map(|(n, _)| n);
    let version = writer.and_then(|(_, v)| semver::Version::parse(v).ok());
    (rank, name, Reverse(version), writer.map(|(_, v)| v))
}

fn is_llmcap(writer: Writer<'_>) -> bool {
    writer.is_some_and(|(name, _)| name == LLMCAP)
}

fn label(writer: Writer<'_>) -> String {
    match writer {
        Some((name, version)) => format!("{name} {version}"),
        None => "the guide's script".to_owned(),
    }
}

/// `a, b, c`, or the first few and `and N more`.
fn hosts_list(hosts: &[&str]) -> String {
    let shown = hosts[..hosts.len().min(HOSTS_SHOWN)].join(", ");
    match hosts.len().saturating_sub(HOSTS_SHOWN) {
        0 => shown,
        more => format!("{shown} and {more} more"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_llmcap_first_guide_last() {
        let writers = [
            None,
            Some(("llmcap", "0.9.0")),
            Some(("other", "1.0.0")),
            Some(("llmcap", "0.10.0")),
            Some(("llmcap", "dev")),
            Some(("llmcap", "0.10.0-rc.1")),
        ];
        let mut sorted = writers.to_vec();
        sorted.sort_by_key(|w| order(*w));
        assert_eq!(
            sorted,
            [
                Some(("llmcap", "0.10.0")),
                Some(("llmcap", "0.10.0-rc.1")),
                Some(("llmcap", "0.9.0")),
                Some(("llmcap", "dev")),
                Some(("other", "1.0.0")),
                None,
            ]
        );
    }

    #[test]
    fn long_host_lists_are_cut() {
        let hosts = ["a", "b", "c", "d", "e", "f", "g"];
        assert_eq!(hosts_list(&hosts), "a, b, c, d, e and 2 more");
        assert_eq!(hosts_list(&hosts[..2]), "a, b");
    }
}
