//! Keeping the SQLite writer chain on one core.
//!
//! On SQLite every command passes through two threads in turn: the writer's (`lianban-writer`:
//! deciding, deriving rows, sealing) and its connection's (`sqlx-sqlite-worker-…`, running the
//! statements). They hand each statement back and forth dozens of times a batch. Left to the
//! scheduler, the thread woken by a hand-over is often placed on the other core, busy with the
//! request side, and waits there for a slice; on one core the hand-over is a switch to a thread
//! whose data is still in that core's caches. The other threads are not restricted: they run on
//! every core, this one included, and so do the threads the writer starts for its CPU work
//! beside the statements (a thread inherits its creator's cores; `writer::start` gives them back
//! the process's). BENCHMARKS.md, "Session 12".
//!
//! Linux only (`sched_setaffinity`, which needs no privilege for the process's own threads);
//! elsewhere nothing is pinned.

use crate::StoreError;
use std::str::FromStr;

/// Which core the writer chain runs on (`lianban serve --writer-cpu`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WriterCpu {
    /// The last core the process may run on, when it may run on two or more; else not pinned.
    Auto,
    /// Not pinned: wherever the scheduler puts each thread (on every core the process may use).
    Off,
    /// This core (its number as the kernel counts, from 0).
    Cpu(usize),
}

impl FromStr for WriterCpu {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim() {
            "auto" => Ok(WriterCpu::Auto),
            "off" => Ok(WriterCpu::Off),
            n => n
                .parse()
                .map(WriterCpu::Cpu)
                .map_err(|_| format!("写入线程所在处理器应为 auto、off 或处理器编号（从0起的整数），而不是“{n}”")),
        }
    }
}

/// The writer chain as `Store::pin_writer` left it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PinnedWriter {
    /// The core both threads run on.
    pub cpu: usize,
    /// Their thread ids: the writer's, and its SQLite connection's.
    pub threads: Vec<i32>,
}

/// The core `choice` names, given the cores the process may run on; `None` when nothing is to
/// be pinned.
pub(crate) fn choose(choice: WriterCpu, allowed: &[usize]) -> Result<Option<usize>, StoreError> {
    match choice {
        WriterCpu::Off => Ok(None),
        WriterCpu::Auto => Ok(if allowed.len() >= 2 { allowed.last().copied() } else { None }),
        WriterCpu::Cpu(n) if allowed.contains(&n) => Ok(Some(n)),
        WriterCpu::Cpu(n) => Err(StoreError::Invalid {
            field: "writer_cpu".into(),
            message: format!(
                "本进程只能运行在处理器{}上，没有{n}号处理器可用",
                allowed.iter().map(usize::to_string).collect::<Vec<_>>().join("、")
            ),
        }),
    }
}

#[cfg(target_os = "linux")]
mod os {
    use std::collections::BTreeSet;

    /// The calling thread's id.
    pub fn current_thread() -> Option<i32> {
        // SAFETY: gettid has no preconditions.
        Some(unsafe { libc::gettid() })
    }

    /// The ids of this process's threads whose name starts with `prefix` (at most 15 bytes: the
    /// kernel keeps no more of a name).
    pub fn threads_named(prefix: &str) -> BTreeSet<i32> {
        let Ok(dir) = std::fs::read_dir("/proc/self/task") else { return BTreeSet::new() };
        dir.flatten()
            .filter(|e| std::fs::read_to_string(e.path().join("comm")).is_ok_and(|c| c.starts_with(prefix)))
            .filter_map(|e| e.file_name().to_str()?.parse().ok())
            .collect()
    }

    /// The cores this process may run on.
    pub fn allowed_cpus() -> Vec<usize> {
        // SAFETY: a zeroed cpu_set_t is an empty set; sched_getaffinity fills it for pid 0 (the
        // calling thread) and is given its exact size.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            if libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) != 0 {
                return Vec::new();
            }
            (0..libc::CPU_SETSIZE as usize).filter(|&c| libc::CPU_ISSET(c, &set)).collect()
        }
    }

    /// Restricts thread `tid` (0: the calling thread) to the cores `cpus`.
    pub fn pin(tid: i32, cpus: &[usize]) -> std::io::Result<()> {
        if cpus.is_empty() {
            return Ok(());
        }
        // SAFETY: as above; CPU_SET is given only core numbers below CPU_SETSIZE.
        unsafe {
            let mut set: libc::cpu_set_t = std::mem::zeroed();
            for &c in cpus.iter().filter(|&&c| c < libc::CPU_SETSIZE as usize) {
                libc::CPU_SET(c, &mut set);
            }
            if libc::sched_setaffinity(tid, std::mem::size_of::<libc::cpu_set_t>(), &set) != 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        Ok(())
    }
}

#[cfg(not(target_os = "linux"))]
mod os {
    use std::collections::BTreeSet;

    pub fn current_thread() -> Option<i32> {
        None
    }

    pub fn threads_named(_prefix: &str) -> BTreeSet<i32> {
        BTreeSet::new()
    }

    pub fn allowed_cpus() -> Vec<usize> {
        Vec::new()
    }

    pub fn pin(_tid: i32, _cpus: &[usize]) -> std::io::Result<()> {
        Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "thread affinity is only set on Linux"))
    }
}

pub(crate) use os::{allowed_cpus, current_thread, pin, threads_named};

/// The name prefix of sqlx's SQLite connection threads (`sqlx-sqlite-worker-N`, cut to the
/// kernel's 15 bytes).
pub(crate) const SQLITE_THREADS: &str = "sqlx-sqlite-wor";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_choice_is_read_from_its_three_forms() {
        assert_eq!("auto".parse::<WriterCpu>(), Ok(WriterCpu::Auto));
        assert_eq!("off".parse::<WriterCpu>(), Ok(WriterCpu::Off));
        assert_eq!(" 3 ".parse::<WriterCpu>(), Ok(WriterCpu::Cpu(3)));
        let e = "last".parse::<WriterCpu>().unwrap_err();
        assert!(e.contains("auto") && e.contains("“last”"), "{e}");
        assert!("-1".parse::<WriterCpu>().is_err());
    }

    #[test]
    fn auto_takes_the_last_allowed_core_and_only_with_two() {
        assert_eq!(choose(WriterCpu::Auto, &[0, 1]).unwrap(), Some(1));
        assert_eq!(choose(WriterCpu::Auto, &[2, 5, 7]).unwrap(), Some(7));
        assert_eq!(choose(WriterCpu::Auto, &[4]).unwrap(), None);
        assert_eq!(choose(WriterCpu::Auto, &[]).unwrap(), None);
        assert_eq!(choose(WriterCpu::Off, &[0, 1]).unwrap(), None);
    }

    #[test]
    fn a_core_outside_the_allowed_set_is_refused_naming_the_field() {
        assert_eq!(choose(WriterCpu::Cpu(0), &[0, 1]).unwrap(), Some(0));
        match choose(WriterCpu::Cpu(5), &[0, 1]) {
            Err(StoreError::Invalid { field, message }) => {
                assert_eq!(field, "writer_cpu");
                assert!(message.contains("0、1") && message.contains('5'), "{message}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_thread_is_pinned_and_its_id_found_by_name() {
        let allowed = allowed_cpus();
        assert!(!allowed.is_empty());
        let (tx, rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let t = std::thread::Builder::new()
            .name("lb-affinity-test".into())
            .spawn(move || {
                tx.send(current_thread().unwrap()).unwrap();
                done_rx.recv().unwrap();
                allowed_cpus()
            })
            .unwrap();
        let tid = rx.recv().unwrap();
        assert!(threads_named("lb-affinity-tes").contains(&tid));
        let cpu = *allowed.last().unwrap();
        pin(tid, &[cpu]).unwrap();
        done_tx.send(()).unwrap();
        assert_eq!(t.join().unwrap(), vec![cpu]);
    }
}
