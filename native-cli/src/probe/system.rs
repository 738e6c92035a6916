//! Host facts from sysinfo: CPU, memory (container limit included), disk, operating system.

use std::path::{Path, PathBuf};
use sysinfo::{
    CpuRefreshKind, Disks, MemoryRefreshKind, ProcessRefreshKind, ProcessesToUpdate, RefreshKind,
    System,
};

/// What sysinfo measured, in bytes and counts; [`super::assemble`] rounds it into the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct HostFacts {
    /// Logical CPUs.
    pub cpu_count: usize,
    /// Physical cores, when the platform says.
    pub cpu_count_physical: Option<usize>,
    /// CPU brand string.
    pub cpu_brand: Option<String>,
    /// Total RAM of the host.
    pub ram_total_bytes: u64,
    /// RAM available to new work on the host.
    pub ram_available_bytes: u64,
    /// The container's memory limit and what is free under it, when a limit applies.
    pub cgroup: Option<CgroupMemory>,
    /// `uname -m`-style architecture.
    pub architecture: String,
    /// Operating system name and version.
    pub os: Option<String>,
    /// Kernel version.
    pub kernel: Option<String>,
    /// The host name.
    pub hostname: Option<String>,
}

/// Memory of the cgroup the probe runs in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CgroupMemory {
    /// The limit.
    pub limit_bytes: u64,
    /// The limit minus current use.
    pub free_bytes: u64,
}

/// Collects host facts. sysinfo is asked only for what the report needs, which keeps the
/// quick probe fast.
pub fn collect() -> HostFacts {
    let refresh = RefreshKind::nothing()
        .with_memory(MemoryRefreshKind::nothing().with_ram())
        .with_cpu(CpuRefreshKind::nothing());
    let Ok(mut sys) = System::new_with_specifics(refresh) else {
        return HostFacts::default();
    };
    let cgroup = cgroup_memory(&mut sys);
    let cpus = sys.cpus();
    HostFacts {
        cpu_count: cpus.len().max(1),
        cpu_count_physical: System::physical_core_count().ok().filter(|n| *n > 0),
        cpu_brand: cpus
            .first()
            .map(|c| c.brand().trim().to_owned())
            .filter(|b| !b.is_empty()),
        ram_total_bytes: sys.total_memory(),
        ram_available_bytes: sys.available_memory(),
        cgroup,
        architecture: System::cpu_arch(),
        os: os_name(),
        kernel: System::kernel_version().ok(),
        hostname: System::host_name().ok(),
    }
}

/// `Debian GNU/Linux 12`, `Darwin 14.5`, `Windows 11 (26100)`.
fn os_name() -> Option<String> {
    match (System::name(), System::os_version()) {
        (Ok(name), Ok(version)) => Some(format!("{name} {version}")),
        (Ok(name), Err(_)) => Some(name),
        _ => System::long_os_version().ok(),
    }
}

/// The memory limit of this process's own cgroup (and its parents'), where one is set below
/// the host's RAM. sysinfo's `System::cgroup_limits` reads only the root cgroup, so the
/// process's entry is used.
fn cgroup_memory(sys: &mut System) -> Option<CgroupMemory> {
    let pid = sysinfo::get_current_pid().ok()?;
    sys.refresh_processes_specifics(
        ProcessesToUpdate::Some(&[pid]),
        false,
        ProcessRefreshKind::nothing(),
    );
    let limits = sys.process(pid)?.cgroup_limits()?;
    (limits.total_memory > 0 && limits.total_memory < sys.total_memory()).then_some(CgroupMemory {
        limit_bytes: limits.total_memory,
        free_bytes: limits.free_memory,
    })
}

/// Free space of the file system that holds a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskFacts {
    /// Bytes available to this user.
    pub free_bytes: u64,
    /// Mount point of the file system.
    pub mount: String,
    /// The folder, made absolute.
    pub path: String,
}

/// Measures the file system holding `folder`: its free space is asked of the folder itself,
/// and its mount is the one whose mount point is the longest prefix of the folder's
/// absolute path, among every file system mounted (sysinfo's disk list leaves out tmpfs,
/// NFS, CIFS and autofs, where an output folder on a lab cluster often is).
pub fn disk_for(folder: &Path) -> Result<DiskFacts, String> {
    let absolute = std::fs::canonicalize(folder)
        .or_else(|_| std::path::absolute(folder))
        .map_err(|e| format!("cannot resolve {}: {e}", folder.display()))?;
    let disks = Disks::new_with_refreshed_list().map_err(|e| format!("cannot list disks: {e}"))?;
    let mut mounts: Vec<(PathBuf, u64)> = disks
        .iter()
        .map(|d| (d.mount_point().to_path_buf(), d.available_space()))
        .collect();
    let unlisted: Vec<PathBuf> = other_mounts()
        .into_iter()
        .filter(|m| !mounts.iter().any(|(listed, _)| listed == m))
        .collect();
    mounts.extend(unlisted.into_iter().map(|m| (m, 0)));
    let (mount, listed_free) = longest_prefix(&absolute, &mounts)
        .ok_or_else(|| format!("no mounted file system holds {}", absolute.display()))?;
    Ok(DiskFacts {
        free_bytes: free_bytes(&absolute).unwrap_or(listed_free),
        mount: mount.display().to_string(),
        path: absolute.display().to_string(),
    })
}

/// Every mount point the system lists, sysinfo's or not.
///
/// # Platform-specific behaviour
///
/// On Linux, the mount points of `/proc/self/mounts`; elsewhere, none beyond sysinfo's.
#[cfg(target_os = "linux")]
fn other_mounts() -> Vec<PathBuf> {
    std::fs::read_to_string("/proc/self/mounts")
        .map(|text| super::parse::mount_points(&text))
        .unwrap_or_default()
}

/// See the Linux version.
#[cfg(not(target_os = "linux"))]
fn other_mounts() -> Vec<PathBuf> {
    Vec::new()
}

/// Bytes free to an unprivileged user on the file system holding `path`.
///
/// # Platform-specific behaviour
///
/// On Unix, `statvfs` of the path; elsewhere, `None` (sysinfo's figure for the mount is used).
#[cfg(unix)]
fn free_bytes(path: &Path) -> Option<u64> {
    let stat = nix::sys::statvfs::statvfs(path).ok()?;
    #[allow(clippy::useless_conversion)] // the field types differ between platforms
    let (blocks, size) = (
        u64::from(stat.blocks_available()),
        u64::from(stat.fragment_size()),
    );
    blocks.checked_mul(size)
}

/// See the Unix version.
#[cfg(not(unix))]
fn free_bytes(_path: &Path) -> Option<u64> {
    None
}

/// The mount whose path is the longest prefix of `path` (component-wise, so `/data` does not
/// hold `/database`).
fn longest_prefix<'a>(path: &Path, mounts: &'a [(PathBuf, u64)]) -> Option<(&'a Path, u64)> {
    mounts
        .iter()
        .filter(|(mount, _)| path.starts_with(mount))
        .max_by_key(|(mount, _)| mount.components().count())
        .map(|(mount, free)| (mount.as_path(), *free))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_deepest_mount_holding_the_path() {
        let mounts = vec![
            (PathBuf::from("/"), 1),
            (PathBuf::from("/data"), 2),
            (PathBuf::from("/data/fast"), 3),
        ];
        assert_eq!(
            longest_prefix(Path::new("/data/fast/out"), &mounts)
                .unwrap()
                .1,
            3
        );
        assert_eq!(
            longest_prefix(Path::new("/data/slow"), &mounts).unwrap().1,
            2
        );
        assert_eq!(
            longest_prefix(Path::new("/database"), &mounts).unwrap().1,
            1
        );
        assert_eq!(longest_prefix(Path::new("/x"), &[]), None);
    }

    #[test]
    fn measures_this_machine() {
        let facts = collect();
        assert!(facts.cpu_count >= 1);
        assert!(facts.ram_total_bytes > 0);
        assert!(facts.ram_available_bytes <= facts.ram_total_bytes);
        let disk = disk_for(Path::new(".")).unwrap();
        assert!(disk.free_bytes > 0);
        assert!(disk.path.starts_with(&disk.mount), "{disk:?}");
    }
}
