//! This process's resident memory: now, and its peak so far.

/// Resident set sizes of this process, MiB, where the platform tells them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rss {
    /// Resident now.
    pub current_mib: Option<f64>,
    /// The most ever resident ("high-water mark").
    pub peak_mib: Option<f64>,
}

/// Reads this process's resident memory.
///
/// # Platform-specific behaviour
///
/// Linux reads `VmRSS` and `VmHWM` from `/proc/self/status`.
#[cfg(target_os = "linux")]
pub fn rss() -> Rss {
    std::fs::read_to_string("/proc/self/status")
        .map(|status| parse_proc_status(&status))
        .unwrap_or_default()
}

/// Reads this process's resident memory.
///
/// # Platform-specific behaviour
///
/// Other Unix systems (macOS, the BSDs) have only `getrusage`'s `ru_maxrss`, the peak: it is
/// given as both numbers, so at the start of a process it is the baseline, and later the
/// peak. macOS counts it in bytes, the others in KiB.
#[cfg(all(unix, not(target_os = "linux")))]
pub fn rss() -> Rss {
    use nix::sys::resource::{UsageWho, getrusage};
    let unit = if cfg!(target_vendor = "apple") {
        1.0
    } else {
        1024.0
    };
    let peak = getrusage(UsageWho::RUSAGE_SELF)
        .ok()
        .map(|usage| usage.max_rss() as f64 * unit / MIB);
    Rss {
        current_mib: peak,
        peak_mib: peak,
    }
}

/// Reads this process's resident memory.
///
/// # Platform-specific behaviour
///
/// On Windows and other systems llmcap does not measure it: both numbers are `None`, and the
/// report leaves the memory fields out.
#[cfg(not(unix))]
pub fn rss() -> Rss {
    Rss::default()
}

const MIB: f64 = 1024.0 * 1024.0;

/// Reads `VmRSS` and `VmHWM` (in kB, which the kernel means as KiB) from the text of
/// `/proc/<pid>/status`.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn parse_proc_status(status: &str) -> Rss {
    let field = |name: &str| {
        status.lines().find_map(|line| {
            let rest = line.strip_prefix(name)?.strip_prefix(':')?;
            let kib: f64 = rest.trim().strip_suffix("kB")?.trim().parse().ok()?;
            Some(kib * 1024.0 / MIB)
        })
    };
    Rss {
        current_mib: field("VmRSS"),
        peak_mib: field("VmHWM"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_current_and_peak_from_proc_status() {
        let status = "Name:\tllmcap\nVmPeak:\t  300000 kB\nVmHWM:\t  204800 kB\n\
                      VmRSS:\t   10240 kB\nThreads:\t3\n";
        let rss = parse_proc_status(status);
        assert_eq!(rss.current_mib, Some(10.0));
        assert_eq!(rss.peak_mib, Some(200.0));
    }

    #[test]
    fn missing_or_odd_fields_are_none() {
        assert_eq!(parse_proc_status("Name:\tx\n"), Rss::default());
        let odd = parse_proc_status("VmRSS:\t12 pages\nVmHWMx:\t5 kB\n");
        assert_eq!(odd, Rss::default());
    }

    #[test]
    fn this_process_has_a_peak_at_least_its_current_size() {
        let rss = rss();
        if cfg!(unix) {
            let (current, peak) = (rss.current_mib.unwrap(), rss.peak_mib.unwrap());
            assert!(current > 0.0 && peak >= current, "{rss:?}");
        }
    }
}
