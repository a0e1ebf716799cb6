//! CPU time and memory of this process, read from the kernel.

use std::time::Duration;

/// CPU time used so far by every thread of this process.
#[derive(Clone, Copy, Debug)]
pub struct CpuTime {
    pub user: Duration,
    pub system: Duration,
}

fn timeval(value: libc::timeval) -> Duration {
    Duration::from_secs(value.tv_sec as u64) + Duration::from_micros(value.tv_usec as u64)
}

fn usage() -> libc::rusage {
    // SAFETY: getrusage only writes into the zeroed struct it is given.
    unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        let status = libc::getrusage(libc::RUSAGE_SELF, &mut usage);
        assert_eq!(status, 0, "getrusage(RUSAGE_SELF) failed");
        usage
    }
}

pub fn cpu_time() -> CpuTime {
    let usage = usage();
    CpuTime {
        user: timeval(usage.ru_utime),
        system: timeval(usage.ru_stime),
    }
}

/// Reads a `kB` line of `/proc/self/status`, such as `VmRSS` or `VmHWM`.
/// Returns 0 where the file or the line does not exist.
fn status_kb(key: &str) -> u64 {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return 0;
    };
    status
        .lines()
        .find_map(|line| line.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|rest| rest.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Current resident set size in KiB.
pub fn current_rss_kb() -> u64 {
    status_kb("VmRSS")
}

/// Peak resident set size in KiB since the process started or since the
/// last [`reset_peak_rss`]. This is the kernel's `VmHWM`, not `ru_maxrss`:
/// a process started with vfork and exec inherits its parent's
/// `ru_maxrss`, so a small contender started by a larger driver would
/// report the driver's size.
pub fn peak_rss_kb() -> u64 {
    status_kb("VmHWM")
}

/// Resets `VmHWM` to the current RSS (Linux 4.0 and later), so the next
/// [`peak_rss_kb`] covers only what follows. Returns whether it worked.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}
